"""attrs.evolve on every frozen class of lifecycle.pricing: a copy is derived and checked anew.

``PricingPolicy`` once wrote the currency it inferred from its amounts back into its
``currency`` field, so ``attrs.evolve(policy, floor=...)`` in another currency raised, and a
policy stripped of its amounts kept the old currency.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest

import lifecycle.pricing as pricing_pkg
from lifecycle import Money, attribute, signal
from lifecycle.datasets import demo_policy
from lifecycle.errors import CurrencyMismatchError, PricingError, ValidationError
from lifecycle.money import Currency, RoundingPolicy
from lifecycle.pricing import (
    AmountOff,
    FixedPrice,
    PercentOff,
    PricingPolicy,
    Quote,
    Step,
    Surcharge,
    Tiered,
    WinBackOffer,
)
from lifecycle.pricing._rules import ManyContext, OneContext


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


COVERED = {
    "AmountOff",
    "FixedPrice",
    "ManyContext",
    "OneContext",
    "PercentOff",
    "PricingPolicy",
    "Quote",
    "Step",
    "Surcharge",
    "Tiered",
    "WinBackOffer",
}


def test_every_public_frozen_class_is_covered() -> None:
    found = set()
    for info in pkgutil.iter_modules(pricing_pkg.__path__):
        module = importlib.import_module(f"lifecycle.pricing.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if attrs.has(obj) and obj.__module__ == module.__name__ and not name.startswith("_"):
                found.add(name)
    # PriceRule is the rules' shared base (when=, name=): never built itself, evolved
    # through every kind below.
    assert found - {"PriceRule"} == COVERED


class TestPricingPolicy:
    def test_a_floor_in_another_currency(self) -> None:
        policy = PricingPolicy([PercentOff(10)], floor=eur("5.00"))
        assert policy.currency == Currency("EUR")
        dollars = attrs.evolve(policy, floor=usd("5.00"))
        assert dollars.currency == Currency("USD")
        assert dollars.quote(usd("20.00"), on="2024-01-01").total == usd("18.00")

    def test_without_amounts_the_currency_is_inferred_again(self) -> None:
        policy = PricingPolicy([PercentOff(10)], floor=eur("5.00"))
        assert attrs.evolve(policy, floor=None).currency is None

    def test_a_new_floor(self) -> None:
        policy = attrs.evolve(demo_policy("EUR"), floor=eur("1.00"))
        assert policy.floor == eur("1.00")
        assert policy.guards == ("floor", "max_discount", "renewal")
        assert policy.currency == Currency("EUR")

    def test_a_given_currency_is_kept(self) -> None:
        policy = attrs.evolve(demo_policy("EUR"), max_discount=10)
        assert policy.currency == Currency("EUR")
        assert policy.max_discount == Decimal(10)

    def test_the_same_inputs_give_an_equal_policy(self) -> None:
        policy = PricingPolicy([PercentOff(10)], floor=eur("5.00"), renewal_guard=True)
        assert attrs.evolve(policy) == policy
        assert hash(attrs.evolve(policy)) == hash(policy)
        assert PricingPolicy.from_dict(policy.to_dict()) == policy
        explicit = PricingPolicy(
            [PercentOff(10)], floor=eur("5.00"), renewal_guard=True, currency="EUR"
        )
        assert explicit == policy

    @pytest.mark.parametrize(
        ("changes", "error", "message"),
        [
            ({"cap": eur("1.00")}, PricingError, "'cap' 1.00 EUR is below 'floor' 5.00 EUR"),
            ({"currency": "USD"}, CurrencyMismatchError, "'floor' is in EUR but the policy"),
            ({"floor": usd("1"), "cap": eur("9")}, CurrencyMismatchError, "'cap' is in EUR"),
            ({"max_discount": 120}, PricingError, "'max_discount' must be a percent"),
            ({"combine": "cheapest"}, ValidationError, "'combine' must be one of"),
            ({"rules": [PercentOff(5), PercentOff(5)]}, PricingError, "rule names must be unique"),
        ],
    )
    def test_checked_again(self, changes: dict[str, Any], error: type, message: str) -> None:
        policy = PricingPolicy([PercentOff(10)], floor=eur("5.00"))
        with pytest.raises(error, match=message):
            attrs.evolve(policy, **changes)

    def test_repr_shows_the_currency_in_force(self) -> None:
        assert repr(PricingPolicy([], floor=eur("5.00"))).endswith(
            "currency=Currency(code='EUR', minor_units=2))"
        )


class TestRules:
    @pytest.mark.parametrize(
        ("rule", "changes", "error", "message"),
        [
            (PercentOff(10), {"percent": 120}, PricingError, "'percent' must be a percent"),
            (PercentOff(10), {"when": True}, ValidationError, "'when' must be a Condition"),
            (AmountOff(eur("5")), {"amount": eur("-1")}, PricingError, "'amount' must be > 0"),
            (FixedPrice(eur("9")), {"price": eur("0.001")}, PricingError, "whole number of EUR"),
            (Surcharge(5), {"amount": 150}, PricingError, "'amount' must be a percent"),
            (
                Tiered([(1, eur("7")), (6, eur("6"))]),
                {"tiers": [(1, 5, eur("7")), (7, eur("6"))]},
                PricingError,
                "tiers leave a gap",
            ),
            (Tiered([(1, 0), (6, 10)]), {"mode": "bulk"}, ValidationError, "'mode' must be one"),
            (
                WinBackOffer(PercentOff(20), offered_on="2024-03-01", for_days=30),
                {"for_days": 0},
                ValidationError,
                "'for_days'",
            ),
        ],
    )
    def test_checked_again(
        self, rule: Any, changes: dict[str, Any], error: type, message: str
    ) -> None:
        with pytest.raises(error, match=message):
            attrs.evolve(rule, **changes)

    def test_changes(self) -> None:
        assert attrs.evolve(PercentOff(10), percent="12.5").percent == Decimal("12.5")
        assert attrs.evolve(AmountOff(eur("5")), when=signal("purchase_count") > 1).apply(
            eur("20")
        ) == eur("15")
        assert attrs.evolve(FixedPrice(eur("9")), price=eur("8")).apply(eur("20")) == eur("8")
        assert attrs.evolve(Surcharge(5), amount=eur("1")).apply(eur("20")) == eur("21")
        volume = attrs.evolve(Tiered([(1, eur("7")), (6, eur("6"))]), mode="volume")
        assert volume.apply(eur("7"), 6) == eur("36")
        offer = WinBackOffer(PercentOff(20), offered_on="2024-03-01", for_days=30)
        moved = attrs.evolve(offer, offered_on="2024-05-01")
        assert moved.offered_on == dt.date(2024, 5, 1)
        assert moved.expires_on == dt.date(2024, 5, 30)

    def test_a_given_name_is_kept(self) -> None:
        # The name identifies the rule (a quote step, a quote_many column): it stays.
        rule = PercentOff(10, when=attribute("stage") == "commitment", name="committed")
        assert attrs.evolve(rule, percent=15).name == "committed"


class TestResults:
    def test_quote_and_step(self) -> None:
        quote = PricingPolicy([PercentOff(10)]).quote(eur("20.00"), on="2024-01-01")
        assert isinstance(quote, Quote)
        assert attrs.evolve(quote, customer="ann").customer == "ann"
        step = quote.steps[0]
        assert isinstance(step, Step)
        assert str(attrs.evolve(step, why="always")) == "10% off: 20.00 EUR -> 18.00 EUR (always)"

    def test_contexts(self) -> None:
        one = OneContext(2, 0, Currency("EUR"), dt.date(2024, 1, 1))
        assert attrs.evolve(one, quantity=3).quantity == 3
        many = ManyContext(
            np.ones(2, dtype=np.int64), np.zeros(2, dtype=np.int64), Currency("EUR"), None
        )
        assert attrs.evolve(many, currency=Currency("USD")).currency == Currency("USD")

    def test_rounding_policy_is_kept(self) -> None:
        policy = PricingPolicy([PercentOff(10)], rounding=RoundingPolicy(mode="down"))
        assert attrs.evolve(policy, floor=eur("1")).rounding == RoundingPolicy(mode="down")
