"""Price rules: what a relationship is worth in the price, and when (private).

A rule changes the running amount of one quote line (the unit price times the quantity)
when its condition ``when`` holds for the customer. Percent rules scale the line; money
rules (:class:`AmountOff`, :class:`FixedPrice`, a money :class:`Surcharge`) work per unit;
:class:`Tiered` prices the units by quantity; :class:`WinBackOffer` is another rule that
only holds for a limited time. A :class:`~lifecycle.pricing.PricingPolicy` combines rules.

Examples
--------
>>> from lifecycle import Money, attribute
>>> PercentOff(10, when=attribute("stage") == "commitment", name="committed")
PercentOff(percent=Decimal('10'), when=Compare(signal='stage', op='==', value='commitment'), name='committed')
>>> AmountOff(Money("25", "EUR")).apply(Money("200", "EUR"))
Money('175.00', 'EUR')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from .._registry import Registry, shared_fields_last
from .._validation import non_empty_str
from ..conditions import Condition, Explanation, always, condition_from_dict
from ..errors import CurrencyMismatchError, PricingError, SchemaError, ValidationError
from ..money import Currency, Money, to_decimal
from ..serialization import check_keys, check_schema
from ..signals import Population, Profile
from ._exact import BatchLines, OneLine, fraction_money, mul, percent_factor

__all__ = [
    "PRICE_RULES",
    "AmountOff",
    "FixedPrice",
    "ManyContext",
    "OneContext",
    "PercentOff",
    "PriceRule",
    "Surcharge",
    "reason",
    "rule_from_dict",
]

RULE_SCHEMA = "lifecycle.price_rule/1"

#: Every kind of price rule, by the ``kind`` of its serialized form.
PRICE_RULES: Registry[PriceRule] = Registry("price rule", key="kind")


# ---------------------------------------------------------------------- validation


def _percent(value: object, field: str = "percent") -> Decimal:
    if isinstance(value, Money):
        msg = f"{field!r} must be a percent from 0 to 100 (got money {value})"
        raise ValidationError(msg)
    pct = to_decimal(value, field)
    if not 0 <= pct <= 100:
        msg = f"{field!r} must be a percent from 0 to 100 (got {pct})"
        raise PricingError(msg)
    return pct


def _convert_percent(value: object) -> Decimal:
    return _percent(value)


def _whole_minor(money: Money, field: str) -> int:
    try:
        return money.to_minor()
    except ValidationError:
        msg = (
            f"{field!r} must be a whole number of {money.currency.code} minor units "
            f"({money.currency.minor_units} decimals; got {money})"
        )
        raise PricingError(msg) from None


def _money(field: str, value: object, *, positive: bool) -> Money:
    if not isinstance(value, Money):
        msg = f"{field!r} must be Money, such as Money('5.00', 'EUR') (got {value!r})"
        raise ValidationError(msg)
    _whole_minor(value, field)
    if value.amount < 0 or (positive and value.amount == 0):
        rule = "> 0" if positive else ">= 0"
        msg = f"{field!r} must be {rule} (got {value})"
        raise PricingError(msg)
    return value


def _check_amount(_: object, field: attrs.Attribute[Money], value: object) -> None:
    _money(field.name, value, positive=True)


def _check_price(_: object, field: attrs.Attribute[Money], value: object) -> None:
    _money(field.name, value, positive=False)


def _check_when(_: object, __: attrs.Attribute[Condition], value: object) -> None:
    if not isinstance(value, Condition):
        msg = f"'when' must be a Condition, such as signal('tenure_days') > 365 (got {value!r})"
        raise ValidationError(msg)


def reason(explanation: Explanation) -> str:
    """``"met: ..."`` or ``"not met: ..."`` for a condition's explanation.

    Examples
    --------
    >>> from lifecycle import EventLog, signal
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> reason((signal("purchase_count") >= 2).explain(log.profile(1, "2024-02-01")))
    'not met: purchase_count >= 2 (actual 1)'
    """
    return f"{'met' if explanation.holds else 'not met'}: {explanation.summary()}"


# ---------------------------------------------------------------------- contexts


@attrs.frozen
class OneContext:
    """What a rule needs to know about one quote line (single engine)."""

    quantity: int
    lifetime: int
    currency: Currency
    on: dt.date


@attrs.frozen(eq=False)
class ManyContext:
    """What a rule needs to know about the quote lines of a population (batch engine)."""

    quantity: NDArray[np.int64]
    lifetime: NDArray[np.int64]
    currency: Currency
    on: Any  # datetime64[D] scalar or array


# ---------------------------------------------------------------------- base class


@attrs.frozen
class PriceRule:
    """A change to a price that applies when a condition holds (abstract base).

    Every rule has a ``name`` (unique in a policy; it names the step in an explanation and
    the column of :meth:`~lifecycle.pricing.PricingPolicy.quote_many`) and a condition
    ``when`` (default :func:`~lifecycle.conditions.always`). Both are declared here, once,
    keyword-only; each kind of rule adds its own fields, registers itself in
    :data:`PRICE_RULES` and is decorated ``@attrs.frozen(field_transformer=shared_fields_last)``
    so that its default ``name`` can read them.

    Examples
    --------
    >>> from lifecycle import signal
    >>> rule = PercentOff(10, when=signal("purchase_count") >= 3)
    >>> rule.name, rule.kind
    ('10% off', 'percent_off')
    """

    when: Condition = attrs.field(kw_only=True, factory=always, validator=_check_when)
    name: str = attrs.field(
        kw_only=True,
        default=attrs.Factory(lambda self: self._default_name(), takes_self=True),
        validator=non_empty_str,
    )
    kind: ClassVar[str] = ""
    #: The keys of the serialized form besides the shared ``kind``, ``name`` and ``when``.
    _keys: ClassVar[frozenset[str]] = frozenset()

    def _default_name(self) -> str:
        raise NotImplementedError

    @property
    def currency(self) -> Currency | None:
        """The currency of the rule's amounts (None for a percent rule)."""
        return None

    def describe(self) -> str:
        """What the rule does, in words (the name says why it exists).

        Examples
        --------
        >>> AmountOff(Money("2.00", "EUR"), name="regular").describe()
        '2.00 EUR off each unit'
        """
        raise NotImplementedError

    def conditions(self) -> tuple[Condition, ...]:
        """Every condition the rule reads (``when``, and an offer's own condition).

        Examples
        --------
        >>> from lifecycle import signal
        >>> PercentOff(5, when=signal("purchase_count") > 2).conditions()
        (Compare(signal='purchase_count', op='>', value=2),)
        """
        return (self.when,)

    def apply(self, price: Money, quantity: int = 1, *, lifetime: int = 0) -> Money:
        """The exact line amount after this rule alone (``when`` is not checked).

        Parameters
        ----------
        price : Money
            Unit price.
        quantity : int
            Units on the line.
        lifetime : int
            Units the customer bought before (for :class:`Tiered` on ``"lifetime"``).

        Examples
        --------
        >>> PercentOff(50).apply(Money("175.00", "EUR"))
        Money('87.50', 'EUR')
        """
        if not isinstance(price, Money):
            msg = f"'price' must be Money (got {price!r})"
            raise ValidationError(msg)
        own = self.currency
        if own is not None and own != price.currency:
            msg = f"rule {self.name!r} is in {own.code}; cannot price in {price.currency.code}"
            raise CurrencyMismatchError(msg)
        base = _whole_minor(price, "price")
        line = OneLine(base * quantity, exact=True, mode="half_up")
        self._one(line, OneContext(quantity, lifetime, price.currency, dt.date.min))
        return fraction_money(line.value, price.currency)

    # -- engines -------------------------------------------------------------

    def _holds_one(self, profile: Profile, on: dt.date) -> tuple[bool, str]:
        explanation = self.when.explain(profile)
        return explanation.holds, reason(explanation)

    def _holds_many(self, population: Population, on: Any) -> NDArray[np.bool_]:
        held: NDArray[np.bool_] = self.when.evaluate(population) & self._window_many(on)
        return held

    def _window_many(self, on: Any) -> Any:
        """Whether the rule is on offer on the days ``on`` (True, or a boolean array)."""
        return True

    def _one(self, line: OneLine, ctx: OneContext) -> None:
        raise NotImplementedError

    def _many(self, lines: BatchLines, mask: NDArray[np.bool_], ctx: ManyContext) -> None:
        raise NotImplementedError

    # -- serialization -------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :func:`~lifecycle.pricing.rule_from_dict` reads it back.

        Examples
        --------
        >>> PercentOff("12.5", name="spring").to_dict()["percent"]
        '12.5'
        """
        return {
            "schema": RULE_SCHEMA,
            "kind": self.kind,
            "name": self.name,
            "when": self.when.to_dict(),
            **self._encode(),
        }

    def _encode(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def _decode(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments, besides ``name`` and ``when``, from checked data."""
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriceRule:
        """Read :meth:`to_dict` output back (of this kind of rule).

        Examples
        --------
        >>> FixedPrice.from_dict(FixedPrice(Money("9", "EUR")).to_dict())
        FixedPrice(price=Money('9', 'EUR'), when=Constant(value=True), name='fixed 9 EUR')
        """
        rule = rule_from_dict(data)
        if not isinstance(rule, cls):
            msg = f"expected a {cls.kind!r} rule (got {rule.kind!r})"
            raise SchemaError(msg)
        return rule


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


# ---------------------------------------------------------------------- reading back


def read_money(data: object, what: str) -> Money:
    """Money from its ``to_dict()`` data inside a rule's data."""
    if not isinstance(data, Mapping):
        msg = f"{what}: expected money as {{'amount': ..., 'currency': ...}} (got {data!r})"
        raise SchemaError(msg)
    return Money.from_dict(dict(data))


def read_decimal(value: object, what: str) -> Decimal:
    """A percent written as a decimal string inside a rule's data."""
    if not isinstance(value, str):
        msg = f"{what}: expected a decimal string such as '12.5' (got {value!r})"
        raise SchemaError(msg)
    return to_decimal(value, what)


def rule_from_dict(data: Mapping[str, Any]) -> PriceRule:
    """Rebuild any price rule from its :meth:`~PriceRule.to_dict` output.

    The kinds of rule register themselves in :data:`PRICE_RULES`; each reads its own
    fields, and ``name`` and ``when`` are read here for all of them.

    Examples
    --------
    >>> from lifecycle import signal
    >>> rule = PercentOff(10, when=signal("purchase_count") >= 3, name="regular")
    >>> rule_from_dict(rule.to_dict()) == rule
    True
    >>> rule_from_dict({"schema": "lifecycle.price_rule/1", "kind": "bogof"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: price rule: unknown kind 'bogof' (allowed: amount_off, fixed_price, ...)
    """
    every = set().union(*(k._keys for k in PRICE_RULES.kinds)) | {"kind", "name", "when"}
    body = check_schema(data, RULE_SCHEMA, every)
    kind = body.get("kind")
    cls = PRICE_RULES.lookup(kind)
    check_keys(
        body,
        f"price rule {kind!r}",
        required={"schema", "kind", "name", "when"},
        optional=cls._keys,
    )
    return cls(**cls._decode(body), name=body["name"], when=condition_from_dict(body["when"]))


# ---------------------------------------------------------------------- the rules


@PRICE_RULES.register("percent_off")
@attrs.frozen(field_transformer=shared_fields_last)
class PercentOff(PriceRule):
    """Take ``percent`` off the running price.

    Parameters
    ----------
    percent : int, str or Decimal
        From 0 to 100 (a float is refused: write ``"12.5"``).
    when : Condition, default always()
    name : str, default ``"<percent>% off"``

    Examples
    --------
    >>> from lifecycle import signal
    >>> PercentOff("12.5").apply(Money("80.00", "EUR"))
    Money('70.00', 'EUR')
    >>> PercentOff(5, when=signal("repeat_purchase_count") >= 5).name
    '5% off'
    >>> PercentOff(120)
    Traceback (most recent call last):
    ...
    lifecycle.errors.PricingError: 'percent' must be a percent from 0 to 100 (got 120)
    """

    percent: Decimal = attrs.field(converter=_convert_percent)
    kind: ClassVar[str] = "percent_off"
    _keys: ClassVar[frozenset[str]] = frozenset({"percent"})

    def _default_name(self) -> str:
        return f"{_pct(self.percent)}% off"

    @classmethod
    def _decode(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        return {"percent": read_decimal(body.get("percent"), "percent")}

    def describe(self) -> str:
        return f"{_pct(self.percent)}% off"

    def _one(self, line: OneLine, ctx: OneContext) -> None:
        line.scale(percent_factor(self.percent, -1))

    def _many(self, lines: BatchLines, mask: NDArray[np.bool_], ctx: ManyContext) -> None:
        f = percent_factor(self.percent, -1)
        lines.scale(mask, f.numerator, f.denominator)

    def _encode(self) -> dict[str, Any]:
        return {"percent": str(self.percent)}


@PRICE_RULES.register("amount_off")
@attrs.frozen(field_transformer=shared_fields_last)
class AmountOff(PriceRule):
    """Take a fixed amount off each unit (never below zero).

    Parameters
    ----------
    amount : Money
        Per unit, > 0, in whole minor units of its currency.
    when : Condition, default always()
    name : str, default ``"<amount> off"``

    Examples
    --------
    >>> AmountOff(Money("5.00", "EUR")).apply(Money("12.00", "EUR"), 3)
    Money('21.00', 'EUR')
    >>> AmountOff(Money("50", "EUR")).apply(Money("20", "EUR"))
    Money('0.00', 'EUR')
    >>> AmountOff(Money("0.005", "EUR"))
    Traceback (most recent call last):
    ...
    lifecycle.errors.PricingError: 'amount' must be a whole number of EUR minor units (2 decimals; got 0.005 EUR)
    """

    amount: Money = attrs.field(validator=_check_amount)
    kind: ClassVar[str] = "amount_off"
    _keys: ClassVar[frozenset[str]] = frozenset({"amount"})

    def _default_name(self) -> str:
        return f"{self.amount} off"

    @classmethod
    def _decode(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        return {"amount": read_money(body.get("amount"), "amount")}

    @property
    def currency(self) -> Currency:
        return self.amount.currency

    def describe(self) -> str:
        return f"{self.amount} off each unit"

    def _one(self, line: OneLine, ctx: OneContext) -> None:
        line.add(-_whole_minor(self.amount, "amount") * ctx.quantity)

    def _many(self, lines: BatchLines, mask: NDArray[np.bool_], ctx: ManyContext) -> None:
        lines.add(mask, mul(ctx.quantity, -_whole_minor(self.amount, "amount")))

    def _encode(self) -> dict[str, Any]:
        return {"amount": self.amount.to_dict()}


@PRICE_RULES.register("fixed_price")
@attrs.frozen(field_transformer=shared_fields_last)
class FixedPrice(PriceRule):
    """Set the unit price.

    Parameters
    ----------
    price : Money
        Unit price, >= 0, in whole minor units.
    when : Condition, default always()
    name : str, default ``"fixed <price>"``

    Examples
    --------
    >>> FixedPrice(Money("9.00", "USD")).apply(Money("12.00", "USD"), 2)
    Money('18.00', 'USD')
    >>> FixedPrice(Money("900", "JPY")).name
    'fixed 900 JPY'
    """

    price: Money = attrs.field(validator=_check_price)
    kind: ClassVar[str] = "fixed_price"
    _keys: ClassVar[frozenset[str]] = frozenset({"price"})

    def _default_name(self) -> str:
        return f"fixed {self.price}"

    @classmethod
    def _decode(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        return {"price": read_money(body.get("price"), "price")}

    @property
    def currency(self) -> Currency:
        return self.price.currency

    def describe(self) -> str:
        return f"unit price {self.price}"

    def _one(self, line: OneLine, ctx: OneContext) -> None:
        line.set(_whole_minor(self.price, "price") * ctx.quantity)

    def _many(self, lines: BatchLines, mask: NDArray[np.bool_], ctx: ManyContext) -> None:
        lines.set(mask, mul(ctx.quantity, _whole_minor(self.price, "price")))

    def _encode(self) -> dict[str, Any]:
        return {"price": self.price.to_dict()}


def _convert_surcharge(value: object) -> Money | Decimal:
    if isinstance(value, Money):
        return value
    return _percent(value, "amount")


def _check_surcharge(_: object, field: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Money):
        _money("amount", value, positive=True)


@PRICE_RULES.register("surcharge")
@attrs.frozen(field_transformer=shared_fields_last)
class Surcharge(PriceRule):
    """Add a percent of the running price, or an amount per unit.

    Parameters
    ----------
    amount : Money, or int, str or Decimal percent
        Money is added per unit; a number is a percent from 0 to 100.
    when : Condition, default always()
    name : str, default ``"<amount> surcharge"``

    Examples
    --------
    >>> Surcharge(10).apply(Money("50.00", "EUR"))
    Money('55.00', 'EUR')
    >>> Surcharge(Money("2.50", "EUR")).apply(Money("50.00", "EUR"), 2)
    Money('105.00', 'EUR')
    >>> Surcharge(Money("2.50", "EUR")).name
    '2.50 EUR surcharge'
    """

    amount: Money | Decimal = attrs.field(converter=_convert_surcharge, validator=_check_surcharge)
    kind: ClassVar[str] = "surcharge"
    _keys: ClassVar[frozenset[str]] = frozenset({"amount", "percent"})

    def _default_name(self) -> str:
        return f"{self._amount_text()} surcharge"

    @classmethod
    def _decode(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        if "percent" in body:
            return {"amount": read_decimal(body["percent"], "percent")}
        return {"amount": read_money(body.get("amount"), "amount")}

    def _amount_text(self) -> str:
        if isinstance(self.amount, Money):
            return str(self.amount)
        return f"{_pct(self.amount)}%"

    @property
    def currency(self) -> Currency | None:
        return self.amount.currency if isinstance(self.amount, Money) else None

    def describe(self) -> str:
        per = " per unit" if isinstance(self.amount, Money) else ""
        return f"{self._amount_text()} surcharge{per}"

    def _one(self, line: OneLine, ctx: OneContext) -> None:
        if isinstance(self.amount, Money):
            line.add(_whole_minor(self.amount, "amount") * ctx.quantity)
        else:
            line.scale(percent_factor(self.amount, 1))

    def _many(self, lines: BatchLines, mask: NDArray[np.bool_], ctx: ManyContext) -> None:
        if isinstance(self.amount, Money):
            lines.add(mask, mul(ctx.quantity, _whole_minor(self.amount, "amount")))
        else:
            f = percent_factor(self.amount, 1)
            lines.scale(mask, f.numerator, f.denominator)

    def _encode(self) -> dict[str, Any]:
        if isinstance(self.amount, Money):
            return {"amount": self.amount.to_dict()}
        return {"percent": str(self.amount)}
