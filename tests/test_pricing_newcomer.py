"""Tests of the pricing engine's reference new customer (quotes without a customer, renewals).

The reference new customer is documented in ``PricingPolicy``'s Notes: it has no purchases,
so counts and money totals are 0, ``cancelled`` is False, and dates, day counts, numbers and
``average_order_value`` are missing. The oracle here is the single engine itself: a real
customer without a purchase (one visit, long ago) has those values signal for signal, so a
signal added to ``SIGNALS`` later is checked without editing this file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from lifecycle import EventLog, Money, attribute, signal
from lifecycle.pricing import PercentOff, PricingPolicy
from lifecycle.signals import SIGNALS, Profile

AS_OF = dt.date(2024, 6, 30)
#: A visit 400 days before AS_OF: the only standard signal it sets is visit_count.
VISIT_DAY = "2023-05-27"


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def no_purchase_customer(*, with_amounts: bool) -> Profile:
    """A real customer of a log, without a purchase, as the single engine sees them."""
    records: list[dict[str, Any]] = [{"customer": "visitor", "date": VISIT_DAY, "kind": "visit"}]
    if with_amounts:
        records.append(
            {"customer": "buyer", "date": "2024-01-01", "amount": "60", "currency": "EUR"}
        )
    else:
        records.append({"customer": "buyer", "date": "2024-01-01"})
    log = EventLog.from_records(records)
    assert isinstance(log, EventLog)
    return log.profile("visitor", AS_OF)


class TestNewcomerSignals:
    @pytest.mark.parametrize("with_amounts", [True, False], ids=["EUR log", "no amounts"])
    @pytest.mark.parametrize("name", sorted(SIGNALS))
    def test_every_standard_signal_is_that_of_a_customer_without_purchases(
        self, name: str, with_amounts: bool
    ) -> None:
        oracle = no_purchase_customer(with_amounts=with_amounts)
        currency = oracle.currency
        newcomer = PricingPolicy([])._newcomer(AS_OF, currency)
        # The oracle customer visited once; the reference new customer has no event at all.
        expected = {"visit_count": 0, "days_since_last_visit": None}.get(name, oracle[name])
        assert newcomer[name] == expected
        assert type(newcomer[name]) is type(expected)

    @pytest.mark.parametrize("name", sorted(SIGNALS))
    def test_every_standard_signal_has_its_documented_value(self, name: str) -> None:
        value = PricingPolicy([])._newcomer(AS_OF, eur("1").currency)[name]
        kind = SIGNALS[name].kind
        if kind == "count":
            assert value == 0
        elif kind == "bool":
            assert value is False
        elif kind == "money" and name != "average_order_value":
            assert value == Money.zero("EUR")
        else:
            # Dates, day counts, numbers and an average of no purchases are missing,
            # never 0: a rule "average_order_value < 50 EUR" must not hold for nobody.
            assert value is None

    def test_average_order_value_is_missing_not_zero(self) -> None:
        newcomer = PricingPolicy([])._newcomer(AS_OF, eur("1").currency)
        assert newcomer["average_order_value"] is None
        assert newcomer["total_spend"] == eur("0")

    def test_attributes_the_rules_read_are_missing_unless_given(self) -> None:
        rule = PercentOff(5, when=attribute("stage") == "exploration", name="welcome")
        assert PricingPolicy([rule])._newcomer(AS_OF, None)["stage"] is None
        given = PricingPolicy([rule], new_customer={"stage": "exploration"})
        assert given._newcomer(AS_OF, None)["stage"] == "exploration"
        assert given.quote(eur("10.00"), on=AS_OF).total == eur("9.50")


class TestSmallBasketRule:
    """``average_order_value < 50 EUR``: a discount for small baskets, never for nobody."""

    @staticmethod
    def policy(**kwargs: Any) -> PricingPolicy:
        small = signal("average_order_value") < Money("50", "EUR")
        return PricingPolicy([PercentOff(10, when=small, name="small baskets")], **kwargs)

    def test_an_anonymous_quote_is_not_discounted(self) -> None:
        quote = self.policy().quote(eur("100.00"), on=AS_OF)
        assert quote.total == eur("100.00")
        assert quote.applied == ()
        assert quote.steps[0].why == "not met: average_order_value < 50 EUR (actual missing)"

    def test_the_renewal_guard_does_not_cap_at_a_discount_nobody_gets(self) -> None:
        # A big-basket customer pays the list price; the reference new customer must too,
        # or the guard would give the big basket the small-basket discount.
        log = EventLog.from_records(
            [{"customer": "big", "date": "2024-05-01", "amount": "80", "currency": "EUR"}]
        )
        assert isinstance(log, EventLog)
        policy = self.policy(renewal_guard=True)
        quote = policy.quote(eur("100.00"), customer=log.profile("big", AS_OF))
        assert quote.total == eur("100.00")
        assert "renewal" not in [s.name for s in quote.steps]
        table = policy.quote_many(log.population(AS_OF), 10_000)
        assert table.total_minor.tolist() == [10_000]
        assert table["guard:renewal"].tolist() == [False]

    def test_a_small_basket_is_discounted(self) -> None:
        log = EventLog.from_records(
            [{"customer": "small", "date": "2024-05-01", "amount": "20", "currency": "EUR"}]
        )
        assert isinstance(log, EventLog)
        policy = self.policy(renewal_guard=True)
        assert policy.quote(eur("100.00"), customer=log.profile("small", AS_OF)).total == eur(
            "90.00"
        )
        table = policy.quote_many(log.population(AS_OF), 10_000)
        assert np.array_equal(table.total_minor, [9_000])
