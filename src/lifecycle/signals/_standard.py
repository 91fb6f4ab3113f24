"""The standard signals, each one declarative definition, and :func:`define_signal` (private)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import UnknownSignalError, ValidationError
from ._definitions import (
    Aggregate,
    Arithmetic,
    AsOf,
    Constant,
    Definition,
    NamedSignal,
    SignalKind,
    Window,
    count,
    distinct,
    first,
    last,
    mean,
    total,
)

__all__ = ["SIGNALS", "STANDARD", "SignalSpec", "check_signal_name", "define_signal"]


@attrs.frozen
class SignalSpec:
    """What a standard signal means: its kind, unit, description and definition.

    ``kind`` decides what a signal may be compared with and how it is missing:
    ``date`` (``datetime.date``; NaT), ``count`` (int, never missing), ``days`` (int days;
    NaN in a population), ``number`` (float; NaN), ``money`` (Money; masked int64 minor
    units), ``bool`` (never missing), ``attribute`` (a user value carried from the log).

    Examples
    --------
    >>> SIGNALS["spend_90d"].kind, SIGNALS["spend_90d"].unit
    ('money', 'currency of the log')
    >>> SIGNALS["net_spend"].definition.definition.op
    '-'
    """

    name: str
    kind: SignalKind
    unit: str
    description: str
    definition: NamedSignal | None = attrs.field(default=None, eq=False, repr=False)


_P = "purchase"
_MONEY = "currency of the log"
# Parts several standard signals share are one object each: an engine computes them once.
_FIRST, _LAST, _COUNT, _TOTAL = first(_P), last(_P), count(_P), total(_P)
_90D, _PREV_90D, _365D = Window.parse("90D"), Window.parse(("180D", "90D")), Window.parse("365D")
_SINCE_LAST = AsOf() - _LAST
_GAP = (_LAST - _FIRST) / (distinct(_P, "date") - Constant(1))


def _standard(
    name: str, definition: Definition, unit: str, description: str
) -> tuple[str, NamedSignal]:
    return name, NamedSignal(name, definition, unit=unit, description=description)


#: The standard signals' definitions, by name, in column order.
STANDARD: dict[str, NamedSignal] = dict(
    [
        _standard("first_purchase", _FIRST, "date", "day of the first purchase"),
        _standard("last_purchase", _LAST, "date", "day of the latest purchase"),
        _standard("tenure_days", AsOf() - _FIRST, "days", "days from the first purchase"),
        _standard("days_since_last_purchase", _SINCE_LAST, "days", "days from the latest purchase"),
        _standard("purchase_count", _COUNT, "purchases", "purchase events"),
        _standard(
            "repeat_purchase_count",
            Arithmetic("minus_floor0", _COUNT, Constant(1)),
            "purchases",
            "purchases after the first",
        ),
        _standard(
            "total_spend",
            _TOTAL,
            _MONEY,
            "sum of the known purchase amounts (missing if no purchase has one)",
        ),
        _standard(
            "average_order_value",
            mean(_P),
            _MONEY,
            "known amounts / purchases with a known amount, rounded half-even to the minor unit",
        ),
        _standard(
            "purchases_90d", count(_P, _90D), "purchases", "purchases in (as_of - 90d, as_of]"
        ),
        _standard(
            "spend_90d",
            total(_P, within=_90D),
            _MONEY,
            "known purchase amounts in (as_of - 90d, as_of]",
        ),
        _standard(
            "purchases_prev_90d",
            count(_P, _PREV_90D),
            "purchases",
            "purchases in (as_of - 180d, as_of - 90d]",
        ),
        _standard(
            "spend_prev_90d",
            total(_P, within=_PREV_90D),
            _MONEY,
            "known purchase amounts in (as_of - 180d, as_of - 90d]",
        ),
        _standard(
            "purchases_365d", count(_P, _365D), "purchases", "purchases in (as_of - 365d, as_of]"
        ),
        _standard(
            "spend_365d",
            total(_P, within=_365D),
            _MONEY,
            "known purchase amounts in (as_of - 365d, as_of]",
        ),
        _standard(
            "category_count",
            distinct(_P, "category"),
            "categories",
            "distinct categories purchased",
        ),
        _standard(
            "complaints_90d",
            count("complaint", _90D),
            "complaints",
            "complaints in (as_of - 90d, as_of]",
        ),
        _standard(
            "last_survey_score",
            last("survey", "score"),
            "survey scale",
            "score of the latest survey",
        ),
        _standard(
            "mean_interpurchase_days",
            _GAP,
            "days",
            "(last - first purchase day) / (distinct purchase days - 1)",
        ),
        _standard(
            "lapse_ratio",
            _SINCE_LAST / _GAP,
            "ratio",
            "days_since_last_purchase / mean_interpurchase_days: above 1 is overdue",
        ),
        _standard(
            "total_quantity",
            total(_P, "quantity"),
            "units",
            "units purchased (1 per purchase if unknown)",
        ),
        _standard("return_count", count("return"), "returns", "return events"),
        _standard("visit_count", count("visit"), "visits", "visit events"),
        _standard("visits_90d", count("visit", _90D), "visits", "visits in (as_of - 90d, as_of]"),
        _standard(
            "cancelled",
            Arithmetic("at_or_after", last("cancellation"), _LAST),
            "flag",
            "a cancellation on or after the latest purchase (or with no purchase)",
        ),
        _standard(
            "net_spend",
            _TOTAL - total("return"),
            _MONEY,
            "known purchase amounts minus known return amounts (missing if either is)",
        ),
        _standard(
            "days_since_last_visit", AsOf() - last("visit"), "days", "days from the latest visit"
        ),
    ]
)

#: The standard signals' specs, by name.
SIGNALS: dict[str, SignalSpec] = {
    name: SignalSpec(name, named.kind, named.unit, named.description, named)
    for name, named in STANDARD.items()
}


def check_signal_name(name: str, known: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`UnknownSignalError` unless ``name`` is a standard signal.

    Examples
    --------
    >>> check_signal_name("purchase_count")
    >>> check_signal_name("purchases")
    Traceback (most recent call last):
    ...
    lifecycle.errors.UnknownSignalError: unknown signal 'purchases'; known signals: ...
    """
    names = SIGNALS if known is None else known
    if name not in names:
        msg = f"unknown signal {name!r}; known signals: {', '.join(sorted(names))}"
        raise UnknownSignalError(msg)


def _default_unit(definition: Definition) -> str:
    if isinstance(definition, Aggregate) and definition.op == "count":
        return f"{definition.event} events"
    return {"money": _MONEY, "days": "days", "date": "date", "bool": "flag"}.get(
        definition.kind, ""
    )


def define_signal(
    name: str, definition: Definition, *, unit: str | None = None, description: str = ""
) -> NamedSignal:
    """Name a signal definition, so conditions and rules can use it like a standard signal.

    There is no registry: the returned :class:`NamedSignal` is the signal. Conditions take
    it where they take a name (``signal(tickets) >= 1``) and carry it, so a rule built with
    it evaluates on ``log.profile(c, as_of)`` and ``log.population(as_of)``, which compute it
    on demand, and its ``to_dict()`` includes the definition as plain data.

    Parameters
    ----------
    name : str
        Must not be a standard signal's name.
    definition : Definition
        Built with :func:`count`, :func:`total`, ... and ``+``, ``-``, ``/``.
    unit : str, optional
        By default derived from the definition (``"complaint events"``, the log's currency).
    description : str

    Examples
    --------
    >>> from lifecycle import EventLog, define_signal, signal
    >>> from lifecycle.signals import count
    >>> tickets = define_signal("tickets_30d", count("complaint", within="30D"))
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-10", "kind": "complaint"}])
    >>> (signal(tickets) >= 1).evaluate(log.profile(1, "2024-01-31"))
    True
    >>> define_signal("total_spend", count("purchase"))
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'total_spend' is a standard signal: give a defined signal another name
    """
    if not isinstance(name, str) or not name.isidentifier():
        msg = f"a signal name must be an identifier such as 'tickets_30d' (got {name!r})"
        raise ValidationError(msg)
    if name in SIGNALS:
        msg = f"{name!r} is a standard signal: give a defined signal another name"
        raise ValidationError(msg)
    if not isinstance(definition, Definition):
        msg = (
            f"'definition' must be a signal definition such as count('visit') (got {definition!r})"
        )
        raise ValidationError(msg)
    return NamedSignal(
        name,
        definition,
        unit=_default_unit(definition) if unit is None else unit,
        description=description,
    )
