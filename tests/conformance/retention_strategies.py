"""Hypothesis strategies for the kinds of retention rule (``RETENTION_RULES``).

- :func:`defection_signals`, :func:`retention_actions`: random valid
  :class:`DefectionSignal` and :class:`RetentionAction`, their conditions drawn by
  :func:`conformance.strategies.conditions` over the given currency and attributes
  (``RETENTION_KINDS`` maps each registered kind to its strategy).
- ``BAD_RETENTION``: constructions of each kind that must raise ``ValidationError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from conformance.pricing_strategies import price_rules
from conformance.strategies import conditions
from lifecycle import signal
from lifecycle.money import Currency
from lifecycle.retention import DefectionSignal, RetentionAction

NAMES = ("quiet", "falling", "complained", "call", "offer")
REASONS = ("a long silence", "buying less", "a complaint", "call them", "send an offer")
_AS_OF = dt.date(2024, 6, 30)
_WHEN = signal("purchase_count") >= 1


@st.composite
def defection_signals(
    draw: st.DrawFn, currency: Currency | str | None = "EUR", attributes: Sequence[str] = ()
) -> DefectionSignal:
    """A defection signal with a random condition, weight and reason."""
    weight = draw(
        st.one_of(st.integers(1, 5), st.floats(0.05, 10, allow_nan=False, allow_infinity=False))
    )
    return DefectionSignal(
        draw(st.sampled_from(NAMES)),
        draw(conditions(currency, attributes=attributes, depth=2)),
        weight,
        draw(st.sampled_from(REASONS)),
    )


@st.composite
def retention_actions(
    draw: st.DrawFn, currency: Currency | str | None = "EUR", attributes: Sequence[str] = ()
) -> RetentionAction:
    """A retention action with a random condition and, sometimes, a price offer."""
    offer = draw(
        st.one_of(
            st.none(),
            price_rules("offer", Currency("EUR"), Currency("EUR"), tuple(attributes), _AS_OF),
        )
    )
    return RetentionAction(
        draw(st.sampled_from(NAMES)),
        draw(conditions(currency, attributes=attributes, depth=2)),
        draw(st.sampled_from(REASONS)),
        offer=offer,
    )


RETENTION_KINDS: dict[type, Callable[..., st.SearchStrategy[Any]]] = {
    DefectionSignal: defection_signals,
    RetentionAction: retention_actions,
}

BAD_RETENTION: dict[type, tuple[Callable[[], object], ...]] = {
    DefectionSignal: (
        lambda: DefectionSignal("", _WHEN, 1.0, "why"),
        lambda: DefectionSignal("quiet", "purchase_count >= 1", 1.0, "why"),  # type: ignore[arg-type]
        lambda: DefectionSignal("quiet", _WHEN, 0, "why"),
        lambda: DefectionSignal("quiet", _WHEN, -1.5, "why"),
        lambda: DefectionSignal("quiet", _WHEN, float("nan"), "why"),
        lambda: DefectionSignal("quiet", _WHEN, True, "why"),
        lambda: DefectionSignal("quiet", _WHEN, 1.0, "  "),
    ),
    RetentionAction: (
        lambda: RetentionAction("", _WHEN, "a call"),
        lambda: RetentionAction("call", None, "a call"),  # type: ignore[arg-type]
        lambda: RetentionAction("call", _WHEN, ""),
        lambda: RetentionAction("call", _WHEN, "a call", offer="10% off"),  # type: ignore[arg-type]
    ),
}
