"""Pricing policies: rules combined, guarded and rounded; one customer or millions (private).

Examples
--------
>>> from lifecycle import Money
>>> from lifecycle.pricing import AmountOff, PercentOff
>>> policy = PricingPolicy([AmountOff(Money("25", "EUR")), PercentOff(50)])
>>> policy.quote(Money("200", "EUR"), on="2024-05-01").total
Money('87.50', 'EUR')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike

from .._validation import is_bool, one_of
from ..errors import CurrencyMismatchError, PricingError, ValidationError
from ..events import as_date
from ..money import Currency, Money, RoundingPolicy, as_currency, divide_minor, to_decimal
from ..serialization import check_schema, decode_value, encode_value
from ..signals import SIGNALS, Population, Profile
from ..table import Table
from ._engine import all_hold, build_steps, minor_array, plain, run_many, run_one
from ._exact import MAX_MINOR, mul, round_fraction
from ._quote import Quote
from ._rules import ManyContext, OneContext, PriceRule, _whole_minor, rule_from_dict
from ._tiered import Tiered

__all__ = ["PricingPolicy"]

POLICY_SCHEMA = "lifecycle.pricing_policy/1"
Combine = Literal["sequence", "first_match", "best_for_customer"]
_COMBINES = ("sequence", "first_match", "best_for_customer")
GUARDS = ("floor", "min_margin", "max_discount", "cap", "renewal")


# ---------------------------------------------------------------------- validation


def _convert_rules(rules: object) -> tuple[PriceRule, ...]:
    if isinstance(rules, PriceRule):
        return (rules,)
    if isinstance(rules, (str, bytes, Mapping)) or not isinstance(rules, Iterable):
        msg = f"'rules' must be a sequence of price rules (got {rules!r})"
        raise ValidationError(msg)
    out = tuple(rules)
    for rule in out:
        if not isinstance(rule, PriceRule):
            msg = f"'rules' must contain price rules such as PercentOff(10) (got {rule!r})"
            raise ValidationError(msg)
    return out


def _optional_money(field: str) -> Any:
    def check(_: object, __: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, Money):
            msg = f"{field!r} must be Money or None (got {value!r})"
            raise ValidationError(msg)
        _whole_minor(value, field)
        if value.amount < 0:
            msg = f"{field!r} must be >= 0 (got {value})"
            raise PricingError(msg)

    return check


def _convert_margin(value: object) -> Money | Decimal | None:
    if value is None or isinstance(value, Money):
        return value
    pct = to_decimal(value, "min_margin")
    if not 0 <= pct < 100:
        msg = f"'min_margin' must be a percent of the price from 0 to below 100 (got {pct})"
        raise PricingError(msg)
    return pct


def _convert_max_discount(value: object) -> Decimal | None:
    if value is None:
        return None
    pct = to_decimal(value, "max_discount")
    if not 0 <= pct <= 100:
        msg = f"'max_discount' must be a percent from 0 to 100 (got {pct})"
        raise PricingError(msg)
    return pct


def _convert_new_customer(value: object) -> tuple[tuple[str, Any], ...]:
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        items = list(value)
    elif isinstance(value, Mapping):
        items = list(value.items())
    else:
        msg = f"'new_customer' must be a mapping of attribute names to values (got {value!r})"
        raise ValidationError(msg)
    for name, _ in items:
        if not isinstance(name, str) or not name or name in SIGNALS:
            msg = (
                "'new_customer' keys must be attribute names that are not standard signals "
                f"(got {name!r})"
            )
            raise ValidationError(msg)
    return tuple(sorted(items, key=lambda kv: str(kv[0])))


def _convert_currency(value: object) -> Currency | None:
    return None if value is None else as_currency(value)  # type: ignore[arg-type]


def _check_rounding(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, RoundingPolicy):
        msg = f"'rounding' must be a RoundingPolicy (got {value!r})"
        raise ValidationError(msg)


# ---------------------------------------------------------------------- the policy


@attrs.frozen(repr=False)
class PricingPolicy:
    """Price rules, how they combine, the guards that protect the margin, and rounding.

    Parameters
    ----------
    rules : sequence of PriceRule
        In order. Names must be unique.
    combine : {"sequence", "first_match", "best_for_customer"}
        ``"sequence"``: every rule whose condition holds, in order, each on the running
        price (25 off then 50% off 200.00 is 87.50; the other way round 75.00).
        ``"first_match"``: only the first rule whose condition holds.
        ``"best_for_customer"``: each rule that holds is applied alone to the list price;
        the lowest result wins (ties: the earlier rule).
    floor : Money, optional
        Lowest unit price.
    cap : Money, optional
        Highest unit price; below ``floor`` raises.
    min_margin : Money, or int, str or Decimal percent, optional
        Needs a ``unit_cost`` when quoting. Money: the unit price is at least the unit
        cost plus this amount. A percent: a gross margin of at least this percent of the
        price, ``price >= cost * 100 / (100 - percent)``.
    max_discount : int, str or Decimal percent, optional
        The total may be at most this percent below the list price ``base * quantity``.
    renewal_guard : bool
        A returning customer never pays more than a new one (the UK FCA's rule on
        renewal pricing): the total is capped at the price the policy gives a new
        customer for the same line on the same day (see Notes).
    new_customer : mapping of str to value
        Attributes of the reference new customer (``{"stage": "exploration"}``); other
        attributes the rules read are missing for it.
    rounding : RoundingPolicy
        The mode (default half-up) and when to round (see Notes).
    currency : Currency or str, optional
        The currency of prices; inferred from the rules' and guards' amounts when not
        given, and any mismatch raises :class:`~lifecycle.errors.CurrencyMismatchError`.
        A policy with no amounts and no currency prices any currency.

    Notes
    -----
    **Order.** The rules run on the line amount (unit price times quantity), then the
    result is rounded, then the guards apply to whole minor units: first the lower
    bounds (``floor``, ``min_margin``, ``max_discount``), each raising the price to its
    bound, then the upper bounds (``cap``, ``renewal``), each lowering it. A lower bound
    above the cap raises :class:`~lifecycle.errors.PricingError`. Lower bounds are
    rounded up and upper bounds down, so rounding never breaks a guard. No step goes
    below zero.

    **Rounding.** ``rounding.per == "line"`` (default): the line amount is rounded to the
    minor unit after every rule, so every amount in an explanation is payable.
    ``rounding.per == "total"``: the rules compute exactly and the result is rounded
    once. Both use ``rounding.mode``; the unit price is ``total / quantity`` rounded
    with the same mode.

    **New customer.** The reference new customer has no purchases: counts and money
    totals are 0, ``cancelled`` is False, dates, day counts, numbers and
    ``average_order_value`` are missing, and its attributes are ``new_customer``.
    ``quote(price, on=day)`` without a customer quotes it.

    Examples
    --------
    >>> from lifecycle.pricing import PercentOff
    >>> from lifecycle import Money, signal
    >>> policy = PricingPolicy(
    ...     [PercentOff(10, when=signal("repeat_purchase_count") >= 3, name="regular")],
    ...     floor=Money("15.00", "EUR"),
    ... )
    >>> policy.currency
    Currency(code='EUR', minor_units=2)
    >>> policy.quote(Money("16.00", "EUR"), on="2024-05-01").total
    Money('16.00', 'EUR')
    >>> PricingPolicy([], floor=Money("10", "EUR"), cap=Money("9", "EUR"))
    Traceback (most recent call last):
    ...
    lifecycle.errors.PricingError: 'cap' 9 EUR is below 'floor' 10 EUR
    """

    rules: tuple[PriceRule, ...] = attrs.field(converter=_convert_rules)
    combine: Combine = attrs.field(default="sequence", kw_only=True, validator=one_of(*_COMBINES))
    floor: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money("floor")
    )
    cap: Money | None = attrs.field(default=None, kw_only=True, validator=_optional_money("cap"))
    min_margin: Money | Decimal | None = attrs.field(
        default=None, kw_only=True, converter=_convert_margin
    )
    max_discount: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=_convert_max_discount
    )
    renewal_guard: bool = attrs.field(default=False, kw_only=True, validator=is_bool)
    new_customer: tuple[tuple[str, Any], ...] = attrs.field(
        default=(), kw_only=True, converter=_convert_new_customer
    )
    rounding: RoundingPolicy = attrs.field(
        factory=RoundingPolicy, kw_only=True, validator=_check_rounding
    )
    # Kept as given, so attrs.evolve infers the currency again from the new amounts;
    # equality and hashing compare the currency in force (``_priced_in``).
    _currency: Currency | None = attrs.field(
        default=None, kw_only=True, converter=_convert_currency, eq=False, alias="currency"
    )
    _priced_in: Currency | None = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        names = [rule.name for rule in self.rules]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            msg = (
                f"rule names must be unique in a policy (repeated: {', '.join(dupes)}): pass name="
            )
            raise PricingError(msg)
        if isinstance(self.min_margin, Money):
            _optional_money("min_margin")(self, None, self.min_margin)
        owners: list[tuple[str, Currency]] = [
            (f"rule {rule.name!r}", rule.currency) for rule in self.rules if rule.currency
        ]
        for field in ("floor", "cap", "min_margin"):
            value = getattr(self, field)
            if isinstance(value, Money):
                owners.append((repr(field), value.currency))
        currency = self._currency
        for owner, cur in owners:
            if currency is None:
                currency = cur
            elif cur != currency:
                msg = (
                    f"{owner} is in {cur.code} but the policy's prices are in "
                    f"{currency.code}: use one currency"
                )
                raise CurrencyMismatchError(msg)
        object.__setattr__(self, "_priced_in", currency)
        if self.floor is not None and self.cap is not None and self.cap < self.floor:
            msg = f"'cap' {self.cap} is below 'floor' {self.floor}"
            raise PricingError(msg)

    def __repr__(self) -> str:
        return (
            f"PricingPolicy(rules={self.rules!r}, combine={self.combine!r}, "
            f"floor={self.floor!r}, cap={self.cap!r}, min_margin={self.min_margin!r}, "
            f"max_discount={self.max_discount!r}, renewal_guard={self.renewal_guard!r}, "
            f"new_customer={self.new_customer!r}, rounding={self.rounding!r}, "
            f"currency={self.currency!r})"
        )

    # -- facts -----------------------------------------------------------------

    @property
    def currency(self) -> Currency | None:
        """The currency of prices: the one given, else the rules' and guards' (or None).

        Examples
        --------
        >>> from lifecycle import Money
        >>> PricingPolicy([], floor=Money("1.00", "EUR")).currency
        Currency(code='EUR', minor_units=2)
        """
        return self._priced_in

    @property
    def guards(self) -> tuple[str, ...]:
        """Names of the guards this policy applies, in the order they apply.

        Examples
        --------
        >>> PricingPolicy([], max_discount=30, renewal_guard=True).guards
        ('max_discount', 'renewal')
        """
        on = {
            "floor": self.floor is not None,
            "min_margin": self.min_margin is not None,
            "max_discount": self.max_discount is not None,
            "cap": self.cap is not None,
            "renewal": self.renewal_guard,
        }
        return tuple(name for name in GUARDS if on[name])

    def attributes(self) -> frozenset[str]:
        """User attributes (not standard signals) the rules' conditions read.

        Examples
        --------
        >>> from lifecycle.pricing import PercentOff
        >>> from lifecycle import attribute
        >>> PricingPolicy([PercentOff(5, when=attribute("stage") == "commitment")]).attributes()
        frozenset({'stage'})
        """
        names: set[str] = set()
        for rule in self.rules:
            for cond in rule.conditions():
                names |= cond.signals()
        return frozenset(names - set(SIGNALS))

    def _needs_lifetime(self) -> bool:
        return any(isinstance(r, Tiered) and r.basis == "lifetime" for r in self.rules)

    def _price_currency(self, currency: Currency) -> None:
        if self.currency is not None and currency != self.currency:
            msg = f"the policy prices in {self.currency.code}; cannot quote a {currency.code} price"
            raise CurrencyMismatchError(msg)

    def _newcomer(self, on: dt.date, currency: Currency | None) -> Profile:
        attributes = {**dict.fromkeys(self.attributes()), **dict(self.new_customer)}
        return Profile.new_customer(on, currency=currency, attributes=attributes)

    # -- single engine -----------------------------------------------------------

    def quote(
        self,
        base_price: Money,
        *,
        customer: Profile | None = None,
        quantity: int = 1,
        on: dt.date | str | None = None,
        unit_cost: Money | None = None,
    ) -> Quote:
        """Price one line for one customer, and say why.

        Parameters
        ----------
        base_price : Money
            List price of one unit, > 0, in whole minor units.
        customer : Profile, optional
            The customer's signals (with any attributes the rules read, added with
            :meth:`~lifecycle.signals.Profile.with_attributes`). None quotes the
            reference new customer.
        quantity : int
            Units, >= 1.
        on : date or ISO string, optional
            The day of the price (win-back windows); default the profile's ``as_of``.
            Required without a customer. With a customer it must be the profile's
            ``as_of``: the rules read the signals of that date, so a price for another
            day needs the profile as of that day.
        unit_cost : Money, optional
            Cost of one unit, for the ``min_margin`` guard.

        Returns
        -------
        Quote

        Raises
        ------
        ValidationError
            ``on`` differs from the customer profile's ``as_of``.
        PricingError
            A base price or quantity below 1, a missing ``unit_cost`` with a margin guard,
            a lower bound above the cap.
        CurrencyMismatchError
            A price in another currency than the policy's.

        Examples
        --------
        >>> from lifecycle.pricing import PercentOff
        >>> from lifecycle import EventLog, Money, attribute
        >>> log = EventLog.from_records([{"customer": "ann", "date": "2021-03-01"}])
        >>> ann = log.profile("ann", "2024-05-01").with_attributes(stage="commitment")
        >>> policy = PricingPolicy([PercentOff(10, when=attribute("stage") == "commitment")])
        >>> quote = policy.quote(Money("49.90", "EUR"), customer=ann, quantity=3)
        >>> quote.total, quote.unit_price, quote.applied
        (Money('134.73', 'EUR'), Money('44.91', 'EUR'), ('10% off',))
        >>> policy.quote(Money("49.90", "EUR"), customer=ann, on="2025-01-01")
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: 'on' (2025-01-01) is not the date of customer 'ann''s profile (2024-05-01): its signals are those of 2024-05-01; quote on that date, or compute the profile as of 2025-01-01
        """
        if not isinstance(base_price, Money):
            msg = f"'base_price' must be Money, such as Money('19.99', 'EUR') (got {base_price!r})"
            raise ValidationError(msg)
        currency = base_price.currency
        self._price_currency(currency)
        base = _whole_minor(base_price, "base_price")
        if base <= 0:
            msg = f"'base_price' must be > 0 (got {base_price})"
            raise PricingError(msg)
        if isinstance(quantity, bool) or not isinstance(quantity, (int, np.integer)):
            msg = f"'quantity' must be a whole number >= 1 (got {quantity!r})"
            raise ValidationError(msg)
        qty = int(quantity)
        if qty < 1:
            msg = f"'quantity' must be >= 1 (got {qty})"
            raise PricingError(msg)
        if customer is not None and not isinstance(customer, Profile):
            msg = f"'customer' must be a Profile or None (got {type(customer).__name__})"
            raise ValidationError(msg)
        if on is None and customer is None:
            msg = "'on' is required when quoting without a customer profile"
            raise ValidationError(msg)
        if customer is None:
            day = as_date(on, "on")
        else:
            day = customer.as_of
            if on is not None and as_date(on, "on") != day:
                given = as_date(on, "on").isoformat()
                msg = (
                    f"'on' ({given}) is not the date of customer {customer.customer!r}'s "
                    f"profile ({day.isoformat()}): its signals are those of "
                    f"{day.isoformat()}; quote on that date, or compute the profile as of {given}"
                )
                raise ValidationError(msg)
        cost = None
        if unit_cost is not None:
            if not isinstance(unit_cost, Money):
                msg = f"'unit_cost' must be Money or None (got {unit_cost!r})"
                raise ValidationError(msg)
            if unit_cost.currency != currency:
                msg = f"'unit_cost' is in {unit_cost.currency.code}; the price in {currency.code}"
                raise CurrencyMismatchError(msg)
            cost = _whole_minor(unit_cost, "unit_cost")
            if cost < 0:
                msg = f"'unit_cost' must be >= 0 (got {unit_cost})"
                raise PricingError(msg)
        if self.min_margin is not None and cost is None:
            msg = "'unit_cost' is required: the policy has a min_margin guard"
            raise PricingError(msg)
        if base * qty >= MAX_MINOR or (cost or 0) * qty >= MAX_MINOR:
            msg = f"the line {base_price} x {qty} is too large (the limit is 2**60 minor units)"
            raise PricingError(msg)
        newcomer: Profile | None = None
        if customer is None:
            subject = newcomer = self._newcomer(day, currency)
        else:
            subject = customer
            if self.renewal_guard:
                newcomer = self._newcomer(day, customer.currency)
        lifetime = int(subject["total_quantity"]) if self._needs_lifetime() else 0
        checks = [rule._holds_one(subject, day) for rule in self.rules]
        ctx = OneContext(qty, lifetime, currency, day)
        renewal = None
        if newcomer is not None and self.renewal_guard:
            new_flags = [rule._holds_one(newcomer, day)[0] for rule in self.rules]
            new_ctx = OneContext(qty, 0, currency, day)
            renewal = run_one(self, new_flags, base, new_ctx, cost, None)[0]
        total, records = run_one(self, [h for h, _ in checks], base, ctx, cost, renewal)
        unit = round_fraction(Fraction(total, qty), self.rounding.mode)
        return Quote(
            customer=None if customer is None else customer.customer,
            on=day,
            quantity=qty,
            base_price=base_price,
            total=Money.from_minor(total, currency),
            unit_price=Money.from_minor(unit, currency),
            steps=build_steps(self, records, checks, currency),
        )

    # -- batch engine ------------------------------------------------------------

    def quote_many(
        self,
        population: Population,
        base_prices: ArrayLike,
        quantities: ArrayLike = 1,
        *,
        currency: Currency | str | None = None,
        on: dt.date | str | None = None,
        unit_costs: ArrayLike | None = None,
    ) -> Table:
        """Price one line for every customer of a population, vectorised.

        For every customer the result equals :meth:`quote` to the minor unit.

        Parameters
        ----------
        population : Population
            The customers' signals, with any attributes the rules read (added with
            :meth:`~lifecycle.signals.Population.join`).
        base_prices : int or array-like of int
            List price of one unit in minor units (> 0), one for all or one per customer.
        quantities : int or array-like of int
            Units (>= 1), one for all or one per customer.
        currency : Currency or str, optional
            The currency of the prices: default the policy's, else the population's.
        on : date or ISO string, optional
            The day of the prices; default the population's ``as_of`` (or its ``as_of``
            column). When given it must be that date (every row's, for a population of
            snapshots): the rules read the signals of that date.
        unit_costs : int or array-like of int, optional
            Unit costs in minor units (>= 0), for the ``min_margin`` guard.

        Returns
        -------
        Table
            ``customer``; ``total_minor``, ``unit_minor`` and ``list_minor`` (int64); a
            boolean column ``rule:<name>`` per rule (the rule set the price) and
            ``guard:<name>`` per guard of the policy (the guard bound).

        Examples
        --------
        >>> from lifecycle.pricing import PercentOff
        >>> from lifecycle import EventLog, signal
        >>> log = EventLog.from_records([
        ...     {"customer": 1, "date": "2024-01-05", "amount": "30", "currency": "EUR"},
        ...     {"customer": 1, "date": "2024-03-05", "amount": "30", "currency": "EUR"},
        ...     {"customer": 2, "date": "2024-04-01", "amount": "30", "currency": "EUR"},
        ... ])
        >>> policy = PricingPolicy([PercentOff(10, when=signal("purchase_count") >= 2)])
        >>> out = policy.quote_many(log.population("2024-05-01"), 1999, 2)
        >>> out.total_minor.tolist(), out.unit_minor.tolist(), out["rule:10% off"].tolist()
        ([3598, 3998], [1799, 1999], [True, False])
        """
        if not isinstance(population, Population):
            msg = f"'population' must be a Population (got {type(population).__name__})"
            raise ValidationError(msg)
        n = len(population)
        cur = self._batch_currency(population, currency)
        base = minor_array("base_prices", base_prices, n, low=1)
        qty = minor_array("quantities", quantities, n, low=1, money=False)
        cost = None if unit_costs is None else minor_array("unit_costs", unit_costs, n, low=0)
        if self.min_margin is not None and cost is None:
            msg = "'unit_costs' is required: the policy has a min_margin guard"
            raise PricingError(msg)
        for name, values in (("base_prices", base), ("unit_costs", cost)):
            if values is not None and len(values):
                line = mul(values, qty)
                if int(line.max()) >= MAX_MINOR:
                    i = int(np.argmax(line))
                    msg = (
                        f"{name!r} x 'quantities' is too large at index {i} "
                        "(the limit is 2**60 minor units)"
                    )
                    raise PricingError(msg)
        when = self._batch_on(population, on)
        lifetime = (
            np.asarray(population["total_quantity"], dtype=np.int64)
            if self._needs_lifetime()
            else np.zeros(n, dtype=np.int64)
        )
        flags = [rule._holds_many(population, when) for rule in self.rules]
        ctx = ManyContext(qty, lifetime, cur, when)
        renewal = None
        if self.renewal_guard:
            day = population.as_of if population.as_of is not None else dt.date.min
            if on is not None:
                day = as_date(on, "on")
            newcomer = self._newcomer(day, population.currency)
            new_flags = [
                np.full(n, all_hold(rule, newcomer)) & rule._window_many(when)
                for rule in self.rules
            ]
            new_ctx = ManyContext(qty, np.zeros(n, dtype=np.int64), cur, when)
            renewal = run_many(self, new_flags, base, new_ctx, cost, None, population)[0]
        total, applied, bound = run_many(self, flags, base, ctx, cost, renewal, population)
        columns: dict[str, Any] = {
            "customer": population["customer"],
            "total_minor": total,
            "unit_minor": divide_minor(total, qty, mode=self.rounding.mode),
            "list_minor": mul(base, qty).astype(np.int64),
        }
        for rule, used in zip(self.rules, applied, strict=True):
            columns[f"rule:{rule.name}"] = used
        for name in self.guards:
            columns[f"guard:{name}"] = bound[name]
        return Table(columns)

    def _batch_currency(self, population: Population, currency: object) -> Currency:
        cur = None if currency is None else as_currency(currency)  # type: ignore[arg-type]
        if cur is not None:
            self._price_currency(cur)
            return cur
        found = self.currency or population.currency
        if found is None:
            msg = "'currency' is required: neither the policy nor the population has one"
            raise ValidationError(msg)
        return found

    @staticmethod
    def _batch_on(population: Population, on: dt.date | str | None) -> Any:
        if population.as_of is not None:
            when: Any = np.datetime64(population.as_of, "D")
        else:
            when = np.asarray(population["as_of"], dtype="datetime64[D]")
        if on is not None:
            day = np.datetime64(as_date(on, "on"), "D")
            wrong = np.flatnonzero(np.broadcast_to(when != day, (len(population),)))
            if len(wrong):
                i = int(wrong[0])
                msg = (
                    f"'on' ({day}) is not the date of the population's signals: customer "
                    f"{plain(population['customer'][i])!r} is as of "
                    f"{np.broadcast_to(when, (len(population),))[i]} ({len(wrong)} customers "
                    f"differ); quote on that date, or compute the population as of {day}"
                )
                raise ValidationError(msg)
        return when

    # -- serialization -----------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> from lifecycle.pricing import PercentOff
        >>> import json
        >>> from lifecycle import Money, signal
        >>> policy = PricingPolicy([PercentOff(5, when=signal("purchase_count") > 3)],
        ...                        floor=Money("1.00", "EUR"))
        >>> PricingPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy
        True
        """
        margin: Any = None
        if isinstance(self.min_margin, Money):
            margin = {"money": self.min_margin.to_dict()}
        elif self.min_margin is not None:
            margin = {"percent": str(self.min_margin)}
        return {
            "schema": POLICY_SCHEMA,
            "rules": [rule.to_dict() for rule in self.rules],
            "combine": self.combine,
            "floor": None if self.floor is None else self.floor.to_dict(),
            "cap": None if self.cap is None else self.cap.to_dict(),
            "min_margin": margin,
            "max_discount": None if self.max_discount is None else str(self.max_discount),
            "renewal_guard": self.renewal_guard,
            "new_customer": {k: encode_value(v) for k, v in self.new_customer},
            "rounding": self.rounding.to_dict(),
            "currency": None if self.currency is None else self.currency.code,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PricingPolicy:
        """Build a policy from :meth:`to_dict` output.

        Examples
        --------
        >>> PricingPolicy.from_dict({"schema": "lifecycle.pricing_policy/1", "rules": [],
        ...                          "max_discount": "20"}).guards
        ('max_discount',)
        """
        body = check_schema(
            data,
            POLICY_SCHEMA,
            {
                "rules",
                "combine",
                "floor",
                "cap",
                "min_margin",
                "max_discount",
                "renewal_guard",
                "new_customer",
                "rounding",
                "currency",
            },
        )
        rules = body.get("rules", [])
        if not isinstance(rules, list):
            msg = f"{POLICY_SCHEMA}: 'rules' must be a list (got {rules!r})"
            raise ValidationError(msg)
        margin = body.get("min_margin")
        if isinstance(margin, Mapping) and set(margin) == {"money"}:
            margin = Money.from_dict(dict(margin["money"]))
        elif isinstance(margin, Mapping) and set(margin) == {"percent"}:
            margin = margin["percent"]
        elif margin is not None:
            msg = f"{POLICY_SCHEMA}: 'min_margin' must be {{'money': ...}} or {{'percent': ...}}"
            raise ValidationError(msg)
        new = body.get("new_customer", {})
        if not isinstance(new, Mapping):
            msg = f"{POLICY_SCHEMA}: 'new_customer' must be a mapping (got {new!r})"
            raise ValidationError(msg)

        def money(key: str) -> Money | None:
            value = body.get(key)
            return None if value is None else Money.from_dict(dict(value))

        return cls(
            [rule_from_dict(r) for r in rules],
            combine=body.get("combine", "sequence"),
            floor=money("floor"),
            cap=money("cap"),
            min_margin=margin,
            max_discount=body.get("max_discount"),
            renewal_guard=body.get("renewal_guard", False),
            new_customer={k: decode_value(v) for k, v in new.items()},
            rounding=RoundingPolicy.from_dict(
                body.get("rounding", {"schema": "lifecycle.rounding/1"})
            ),
            currency=body.get("currency"),
        )
