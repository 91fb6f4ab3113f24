"""Win-back offers: a time-limited price for customers to win back (private).

Examples
--------
>>> from lifecycle import Money
>>> offer = WinBackOffer(AmountOff(Money("10", "EUR")), offered_on="2024-03-01", for_days=14)
>>> offer.expires_on
datetime.date(2024, 3, 14)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from .._registry import shared_fields_last
from ..conditions import Condition
from ..errors import PricingError, SchemaError, ValidationError
from ..events import as_date
from ..money import Currency
from ..signals import Population, Profile
from ._exact import BatchLines, OneLine
from ._rules import (
    PRICE_RULES,
    AmountOff,
    FixedPrice,
    ManyContext,
    OneContext,
    PercentOff,
    PriceRule,
    rule_from_dict,
)

__all__ = ["WinBackOffer"]


def _check_offer(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, (PercentOff, AmountOff, FixedPrice)):
        msg = f"'offer' must be a PercentOff, AmountOff or FixedPrice (got {value!r})"
        raise ValidationError(msg)


def _check_days(_: object, __: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"'for_days' must be a whole number of days >= 1 (got {value!r})"
        raise PricingError(msg)


def _offer_date(value: object) -> dt.date:
    return as_date(value, "offered_on")


@PRICE_RULES.register("win_back")
@attrs.frozen(field_transformer=shared_fields_last)
class WinBackOffer(PriceRule):
    """A time-limited price for customers to win back, valid ``for_days`` from the offer.

    Holds when ``when`` holds (typically a dissolution stage or a long silence), the
    offer's own condition holds, and the quote date ``on`` falls in the offer window:
    ``offered_on <= on <= expires_on``, where ``expires_on = offered_on + for_days - 1``
    (an offer of 1 March for 30 days is valid to 30 March inclusive).

    Parameters
    ----------
    offer : PercentOff, AmountOff or FixedPrice
        The price change on offer.
    offered_on : date or ISO string
    for_days : int
        Days the offer is valid, counting the offer date.
    when : Condition, default always()
    name : str, default ``"win-back"``

    Examples
    --------
    >>> from lifecycle import attribute
    >>> offer = WinBackOffer(PercentOff(20), offered_on="2024-03-01", for_days=30,
    ...                      when=attribute("stage") == "dissolution")
    >>> offer.expires_on, offer.describe()
    (datetime.date(2024, 3, 30), '20% off, offered 2024-03-01, valid to 2024-03-30')
    """

    offer: PercentOff | AmountOff | FixedPrice = attrs.field(validator=_check_offer)
    offered_on: dt.date = attrs.field(kw_only=True, converter=_offer_date)
    for_days: int = attrs.field(kw_only=True, validator=_check_days)
    kind: ClassVar[str] = "win_back"
    _keys: ClassVar[frozenset[str]] = frozenset({"offer", "offered_on", "for_days"})

    def _default_name(self) -> str:
        return "win-back"

    @classmethod
    def _decode(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        offer = rule_from_dict(body.get("offer", {}))
        if not isinstance(offer, (PercentOff, AmountOff, FixedPrice)):
            msg = f"price rule 'win_back': 'offer' must be a percent_off, amount_off or fixed_price (got {offer.kind!r})"
            raise SchemaError(msg)
        return {
            "offer": offer,
            "offered_on": body.get("offered_on"),
            "for_days": body.get("for_days", 0),
        }

    @property
    def expires_on(self) -> dt.date:
        """The last day the offer is valid."""
        return self.offered_on + dt.timedelta(days=self.for_days - 1)

    @property
    def currency(self) -> Currency | None:
        return self.offer.currency

    def conditions(self) -> tuple[Condition, ...]:
        return (self.when, self.offer.when)

    def describe(self) -> str:
        return (
            f"{self.offer.describe()}, offered {self.offered_on.isoformat()}, "
            f"valid to {self.expires_on.isoformat()}"
        )

    def _holds_one(self, profile: Profile, on: dt.date) -> tuple[bool, str]:
        valid = self.offered_on <= on <= self.expires_on
        window = (
            f"quoted on {on.isoformat()}, "
            f"{'within' if valid else 'outside'} the offer window "
            f"{self.offered_on.isoformat()} to {self.expires_on.isoformat()}"
        )
        held = [self.when.explain(profile), self.offer.when.explain(profile)]
        explained = [e for e in held if e.op != "constant"]
        holds = valid and all(e.holds for e in held)
        if holds:
            why = " and ".join([window] + [e.summary() for e in explained])
            return True, f"met: {why}"
        failing = ([window] if not valid else []) + [e.summary() for e in held if not e.holds]
        return False, f"not met: {'; '.join(failing)}"

    def _holds_many(self, population: Population, on: Any) -> NDArray[np.bool_]:
        held: NDArray[np.bool_] = (
            self.when.evaluate(population)
            & self.offer.when.evaluate(population)
            & self._window_many(on)
        )
        return held

    def _window_many(self, on: Any) -> Any:
        start = np.datetime64(self.offered_on, "D")
        end = np.datetime64(self.expires_on, "D")
        return (on >= start) & (on <= end)

    def _one(self, line: OneLine, ctx: OneContext) -> None:
        self.offer._one(line, ctx)

    def _many(self, lines: BatchLines, mask: NDArray[np.bool_], ctx: ManyContext) -> None:
        self.offer._many(lines, mask, ctx)

    def _encode(self) -> dict[str, Any]:
        return {
            "offer": self.offer.to_dict(),
            "offered_on": self.offered_on.isoformat(),
            "for_days": self.for_days,
        }
