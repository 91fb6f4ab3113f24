"""Reading price rules back from their ``to_dict()`` data (private).

Examples
--------
>>> from lifecycle.pricing import PercentOff
>>> rule_from_dict(PercentOff(5).to_dict())
PercentOff(percent=Decimal('5'), when=Constant(value=True), name='5% off')
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..conditions import condition_from_dict
from ..errors import SchemaError
from ..money import Money, to_decimal
from ..serialization import check_keys, check_schema
from ._rules import RULE_SCHEMA, AmountOff, FixedPrice, PercentOff, PriceRule, Surcharge
from ._tiered import Tiered
from ._winback import WinBackOffer

__all__ = ["rule_from_dict"]

_KEYS: dict[str, set[str]] = {
    "percent_off": {"percent"},
    "amount_off": {"amount"},
    "fixed_price": {"price"},
    "surcharge": {"amount", "percent"},
    "tiered": {"tiers", "mode", "basis"},
    "win_back": {"offer", "offered_on", "for_days"},
}


def _read_money(data: object, what: str) -> Money:
    if not isinstance(data, Mapping):
        msg = f"{what}: expected money as {{'amount': ..., 'currency': ...}} (got {data!r})"
        raise SchemaError(msg)
    return Money.from_dict(dict(data))


def _read_tier(data: object) -> tuple[Any, ...]:
    tier = check_keys(
        data, "tier", required={"first"}, optional={"last", "unit_price", "percent_off"}
    )
    if ("unit_price" in tier) == ("percent_off" in tier):
        msg = f"tier: give exactly one of 'unit_price' and 'percent_off' (got {dict(tier)!r})"
        raise SchemaError(msg)
    value = (
        _read_money(tier["unit_price"], "tier")
        if "unit_price" in tier
        else _text_decimal(tier["percent_off"], "percent_off")
    )
    return (tier["first"], tier.get("last"), value)


def _text_decimal(value: object, what: str) -> Decimal:
    if not isinstance(value, str):
        msg = f"{what}: expected a decimal string such as '12.5' (got {value!r})"
        raise SchemaError(msg)
    return to_decimal(value, what)


def rule_from_dict(data: Mapping[str, Any]) -> PriceRule:
    """Rebuild any price rule from its :meth:`~PriceRule.to_dict` output.

    Examples
    --------
    >>> from lifecycle import signal
    >>> rule = PercentOff(10, when=signal("purchase_count") >= 3, name="regular")
    >>> rule_from_dict(rule.to_dict()) == rule
    True
    >>> rule_from_dict({"schema": "lifecycle.price_rule/1", "kind": "bogof"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: price rule: unknown kind 'bogof' (allowed: amount_off, fixed_price, percent_off, surcharge, tiered, win_back)
    """
    every = set().union(*_KEYS.values()) | {"kind", "name", "when"}
    body = check_schema(data, RULE_SCHEMA, every)
    kind = body.get("kind")
    if kind not in _KEYS:
        msg = f"price rule: unknown kind {kind!r} (allowed: {', '.join(sorted(_KEYS))})"
        raise SchemaError(msg)
    check_keys(
        body,
        f"price rule {kind!r}",
        required={"schema", "kind", "name", "when"},
        optional=_KEYS[kind],
    )
    common: dict[str, Any] = {"name": body["name"], "when": condition_from_dict(body["when"])}
    if kind == "percent_off":
        return PercentOff(_text_decimal(body.get("percent"), "percent"), **common)
    if kind == "amount_off":
        return AmountOff(_read_money(body.get("amount"), "amount"), **common)
    if kind == "fixed_price":
        return FixedPrice(_read_money(body.get("price"), "price"), **common)
    if kind == "surcharge":
        if "percent" in body:
            return Surcharge(_text_decimal(body["percent"], "percent"), **common)
        return Surcharge(_read_money(body.get("amount"), "amount"), **common)
    if kind == "tiered":
        tiers = body.get("tiers")
        if not isinstance(tiers, list):
            msg = f"price rule 'tiered': 'tiers' must be a list (got {tiers!r})"
            raise SchemaError(msg)
        return Tiered(
            [_read_tier(t) for t in tiers],
            mode=body.get("mode", "graduated"),
            basis=body.get("basis", "quantity"),
            **common,
        )
    offer = rule_from_dict(body.get("offer", {}))
    if not isinstance(offer, (PercentOff, AmountOff, FixedPrice)):
        msg = f"price rule 'win_back': 'offer' must be a percent_off, amount_off or fixed_price (got {offer.kind!r})"
        raise SchemaError(msg)
    return WinBackOffer(
        offer,
        offered_on=body.get("offered_on"),
        for_days=body.get("for_days", 0),
        **common,
    )
