"""Tiered prices: unit prices by quantity, volume or graduated (private).

Examples
--------
>>> from lifecycle import Money
>>> Tiered([(1, Money("10", "EUR")), (10, Money("9", "EUR"))], mode="volume").apply(
...     Money("10", "EUR"), 12)
Money('108.00', 'EUR')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from .._registry import shared_fields_last
from .._validation import one_of
from ..errors import CurrencyMismatchError, PricingError, SchemaError, ValidationError
from ..money import Currency, Money
from ..serialization import check_keys
from ._exact import BatchLines, OneLine, add, mul, percent_factor
from ._rules import (
    PRICE_RULES,
    ManyContext,
    OneContext,
    PriceRule,
    _money,
    _pct,
    _percent,
    _whole_minor,
    read_decimal,
    read_money,
)

__all__ = ["Tiered"]

Tier = tuple[int, "int | None", "Money | Decimal"]


def _tier_bound(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        msg = f"tier {what} must be a whole number >= 1 (got {value!r})"
        raise PricingError(msg)
    return int(value)


def _tier_value(value: object) -> Money | Decimal:
    if isinstance(value, Money):
        return _money("tier price", value, positive=False)
    return _percent(value, "tier percent")


def _convert_tiers(tiers: object) -> tuple[Tier, ...]:
    if isinstance(tiers, (str, bytes, Mapping)) or not isinstance(tiers, Sequence):
        msg = f"'tiers' must be a sequence of (first quantity, price) pairs (got {tiers!r})"
        raise ValidationError(msg)
    raw: list[tuple[int, int | None, Money | Decimal]] = []
    for item in tiers:
        if not isinstance(item, (tuple, list)) or len(item) not in (2, 3):
            msg = (
                f"each tier must be (first quantity, price) or (first, last, price) (got {item!r})"
            )
            raise PricingError(msg)
        first = _tier_bound(item[0], "first quantity")
        last = None if len(item) == 2 or item[1] is None else _tier_bound(item[1], "last quantity")
        raw.append((first, last, _tier_value(item[-1])))
    if not raw:
        msg = "'tiers' must not be empty"
        raise PricingError(msg)
    if raw[0][0] != 1:
        msg = f"tiers must start at quantity 1 (the first starts at {raw[0][0]})"
        raise PricingError(msg)
    out: list[Tier] = []
    for i, (first, last, value) in enumerate(raw):
        if i + 1 < len(raw):
            nxt = raw[i + 1][0]
            if last is None:
                last = nxt - 1
            if last < first:
                msg = f"tiers overlap: tier {i + 1} starts at {first} but ends at {last}"
                raise PricingError(msg)
            if nxt > last + 1:
                msg = f"tiers leave a gap: quantities {last + 1}-{nxt - 1} have no tier"
                raise PricingError(msg)
            if nxt < last + 1:
                msg = f"tiers overlap: tier {i + 2} starts at {nxt}, inside {first}-{last}"
                raise PricingError(msg)
        elif last is not None:
            msg = f"the last tier must be open-ended: quantities above {last} have no tier"
            raise PricingError(msg)
        out.append((first, last, value))
    kinds = {isinstance(v, Money) for _, _, v in out}
    if len(kinds) > 1:
        msg = "tiers must all be unit prices (Money) or all be percents off, not a mix"
        raise PricingError(msg)
    currencies = {v.currency for _, _, v in out if isinstance(v, Money)}
    if len(currencies) > 1:
        codes = ", ".join(sorted(c.code for c in currencies))
        msg = f"tier prices must share one currency (got {codes})"
        raise CurrencyMismatchError(msg)
    return tuple(out)


def _read_tier(data: object) -> tuple[Any, ...]:
    tier = check_keys(
        data, "tier", required={"first"}, optional={"last", "unit_price", "percent_off"}
    )
    if ("unit_price" in tier) == ("percent_off" in tier):
        msg = f"tier: give exactly one of 'unit_price' and 'percent_off' (got {dict(tier)!r})"
        raise SchemaError(msg)
    value = (
        read_money(tier["unit_price"], "tier")
        if "unit_price" in tier
        else read_decimal(tier["percent_off"], "percent_off")
    )
    return (tier["first"], tier.get("last"), value)


def _tier_range(first: int, last: int | None) -> str:
    return f"{first}+" if last is None else f"{first}-{last}" if last > first else f"{first}"


@PRICE_RULES.register("tiered")
@attrs.frozen(field_transformer=shared_fields_last)
class Tiered(PriceRule):
    """Unit prices by quantity, in tiers, as volume or graduated pricing.

    Parameters
    ----------
    tiers : sequence of (first quantity, value) or (first, last, value)
        Contiguous tiers from quantity 1, the last one open-ended; gaps and overlaps
        raise :class:`~lifecycle.errors.PricingError`. A value is a unit price
        (:class:`Money`; the tier sets the price, like :class:`FixedPrice`) or a percent
        off the running price (a number from 0 to 100). All tiers use one kind of value.
    mode : {"graduated", "volume"}
        ``"volume"``: every unit costs what the tier of the last unit says.
        ``"graduated"``: each unit costs what its own tier says, and the line sums them.
    basis : {"quantity", "lifetime"}
        ``"lifetime"`` numbers this purchase's units after the ``total_quantity`` the
        customer already bought (cumulative loyalty tiers): with 8 units bought before,
        the 3 units of this line are units 9, 10 and 11.
    when : Condition, default always()
    name : str, default ``"<mode> tiers"``

    Examples
    --------
    >>> usd = lambda s: Money(s, "USD")
    >>> tiers = [(1, usd("7.00")), (6, usd("6.50")), (11, usd("6.00"))]
    >>> Tiered(tiers, mode="volume").apply(usd("7.00"), 12)
    Money('72.00', 'USD')
    >>> Tiered(tiers, mode="graduated").apply(usd("7.00"), 12)
    Money('79.50', 'USD')
    >>> Tiered([(1, 0), (10, 10), (20, 20)], mode="graduated").apply(usd("10.00"), 25)
    Money('228.00', 'USD')
    >>> Tiered([(1, 5, usd("7")), (7, usd("6"))])
    Traceback (most recent call last):
    ...
    lifecycle.errors.PricingError: tiers leave a gap: quantities 6-6 have no tier
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_convert_tiers)
    mode: Literal["graduated", "volume"] = attrs.field(
        default="graduated", validator=one_of("graduated", "volume")
    )
    basis: Literal["quantity", "lifetime"] = attrs.field(
        default="quantity",
        kw_only=True,
        validator=one_of("quantity", "lifetime"),
    )
    kind: ClassVar[str] = "tiered"
    _keys: ClassVar[frozenset[str]] = frozenset({"tiers", "mode", "basis"})

    def _default_name(self) -> str:
        return f"{self.mode} tiers{' on lifetime units' if self.basis == 'lifetime' else ''}"

    @classmethod
    def _decode(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        tiers = body.get("tiers")
        if not isinstance(tiers, list):
            msg = f"price rule 'tiered': 'tiers' must be a list (got {tiers!r})"
            raise SchemaError(msg)
        return {
            "tiers": [_read_tier(t) for t in tiers],
            "mode": body.get("mode", "graduated"),
            "basis": body.get("basis", "quantity"),
        }

    @property
    def priced(self) -> bool:
        """Whether the tiers are unit prices (else percents off)."""
        return isinstance(self.tiers[0][2], Money)

    @property
    def currency(self) -> Currency | None:
        value = self.tiers[0][2]
        return value.currency if isinstance(value, Money) else None

    def describe(self) -> str:
        parts = []
        for first, last, value in self.tiers:
            shown = f"at {value}" if isinstance(value, Money) else f"{_pct(value)}% off"
            parts.append(f"{_tier_range(first, last)} {shown}")
        on = " of lifetime units" if self.basis == "lifetime" else ""
        return f"{self.mode} tiers{on}: {', '.join(parts)}"

    def _values(self) -> list[Fraction]:
        """Per tier: the unit price in minor units, or the factor of the percent off."""
        out = []
        for _, _, value in self.tiers:
            if isinstance(value, Money):
                out.append(Fraction(_whole_minor(value, "tier price")))
            else:
                out.append(percent_factor(value, -1))
        return out

    def _one(self, line: OneLine, ctx: OneContext) -> None:
        start = ctx.lifetime if self.basis == "lifetime" else 0
        top = start + ctx.quantity
        values = self._values()
        if self.mode == "volume":
            k = max(i for i, (first, _, _) in enumerate(self.tiers) if first <= top)
            if self.priced:
                line.set(int(values[k]) * ctx.quantity)
            else:
                line.scale(values[k])
            return
        counts = []
        for first, last, _ in self.tiers:
            high = top if last is None else min(last, top)
            counts.append(max(0, high - max(first, start + 1) + 1))
        if self.priced:
            line.set(sum(int(v) * n for v, n in zip(values, counts, strict=True)))
        else:
            weighted = sum((v * n for v, n in zip(values, counts, strict=True)), Fraction(0))
            line.scale(weighted / ctx.quantity)

    def _many(self, lines: BatchLines, mask: NDArray[np.bool_], ctx: ManyContext) -> None:
        start = ctx.lifetime if self.basis == "lifetime" else np.zeros_like(ctx.quantity)
        top = start + ctx.quantity
        values = self._values()
        common = int(np.lcm.reduce([v.denominator for v in values]))
        scaled = np.array([int(v * common) for v in values], dtype=np.int64)
        firsts = np.array([first for first, _, _ in self.tiers], dtype=np.int64)
        if self.mode == "volume":
            k = np.searchsorted(firsts, top, side="right") - 1
            if self.priced:
                lines.set(mask, mul(ctx.quantity, scaled[k]))
            else:
                lines.scale(mask, scaled[k], common)
            return
        total: Any = np.zeros(len(top), dtype=np.int64)
        for (first, last, _), value in zip(self.tiers, scaled.tolist(), strict=True):
            high = top if last is None else np.minimum(last, top)
            count = np.maximum(high - np.maximum(first, start + 1) + 1, 0)
            total = add(total, mul(count, value))
        if self.priced:
            lines.set(mask, total)
        else:
            lines.scale(mask, total, mul(ctx.quantity, common))

    def _encode(self) -> dict[str, Any]:
        tiers = []
        for first, last, value in self.tiers:
            encoded = (
                {"unit_price": value.to_dict()}
                if isinstance(value, Money)
                else {"percent_off": str(value)}
            )
            tiers.append({"first": first, "last": last, **encoded})
        return {"tiers": tiers, "mode": self.mode, "basis": self.basis}
