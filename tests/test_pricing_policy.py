"""Tests of lifecycle.pricing policies, quotes and the two engines' agreement."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lifecycle.pricing as pricing
from conformance.pricing_strategies import CURRENCIES, STAGES, policies
from conformance.strategies import as_of_dates, event_logs
from lifecycle import EventLog, Money, RoundingPolicy, attribute, signal
from lifecycle.errors import (
    CurrencyMismatchError,
    PricingError,
    UnknownSignalError,
    ValidationError,
)
from lifecycle.money import Currency
from lifecycle.pricing import (
    AmountOff,
    FixedPrice,
    PercentOff,
    PriceRule,
    PricingPolicy,
    Quote,
    Step,
    Surcharge,
    Tiered,
    WinBackOffer,
    tenure_at_least,
)
from lifecycle.signals import Population, Profile, snapshots

AS_OF = dt.date(2024, 6, 30)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def make_log(records: list[dict[str, Any]]) -> EventLog:
    log = EventLog.from_records(records)
    assert isinstance(log, EventLog)
    return log


def buys(customer: Any, *dates: str, amount: str = "10") -> list[dict[str, Any]]:
    return [{"customer": customer, "date": d, "amount": amount, "currency": "EUR"} for d in dates]


@pytest.fixture
def log() -> EventLog:
    return make_log(
        buys("new", "2024-06-01")
        + buys("loyal", "2021-01-15", "2022-03-01", "2023-05-01", "2024-06-01")
        + buys("lapsed", "2022-02-01", "2022-05-01")
    )


def profile_of(log: EventLog, customer: str, **attributes: Any) -> Profile:
    return log.profile(customer, AS_OF).with_attributes(**attributes)


def row(table: Any, customer: Any) -> dict[str, Any]:
    return table.row(table.customer.tolist().index(customer))


class TestPackage:
    def test_all_resolves(self) -> None:
        # test_public_api checks the order of every module's __all__.
        for name in pricing.__all__:
            assert getattr(pricing, name) is not None


class TestPricingPolicy:
    def test_defaults(self) -> None:
        policy = PricingPolicy([PercentOff(5)])
        assert policy.combine == "sequence"
        assert policy.rounding == RoundingPolicy()
        assert policy.currency is None
        assert policy.guards == ()
        assert policy.rules == (PercentOff(5),)

    def test_one_rule_is_a_sequence(self) -> None:
        assert PricingPolicy(PercentOff(5)).rules == (PercentOff(5),)

    def test_currency_inferred(self) -> None:
        assert PricingPolicy([AmountOff(Money("100", "JPY"))]).currency == Currency("JPY")
        assert PricingPolicy([], floor=Money("1.000", "KWD")).currency == Currency("KWD")

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            (
                {"rules": [AmountOff(eur("1"))], "floor": Money("1", "USD")},
                r"'floor' is in USD but the policy's prices are in EUR",
            ),
            (
                {"rules": [AmountOff(eur("1"))], "currency": "JPY"},
                r"rule '1 EUR off' is in EUR but the policy's prices are in JPY",
            ),
            (
                {"rules": [], "cap": eur("5"), "min_margin": Money("1", "USD")},
                r"'min_margin' is in USD",
            ),
        ],
    )
    def test_currency_mismatch(self, kwargs: dict[str, Any], match: str) -> None:
        rules = kwargs.pop("rules")
        with pytest.raises(CurrencyMismatchError, match=match):
            PricingPolicy(rules, **kwargs)

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"floor": eur("10"), "cap": eur("9")}, PricingError, r"'cap' 9 EUR is below 'floor'"),
            (
                {"max_discount": 101},
                PricingError,
                r"'max_discount' must be a percent from 0 to 100",
            ),
            ({"max_discount": 12.5}, ValidationError, r"not a float"),
            ({"min_margin": 100}, PricingError, r"'min_margin' must be a percent of the price"),
            ({"min_margin": eur("-1")}, PricingError, r"'min_margin' must be >= 0"),
            ({"floor": 5}, ValidationError, r"'floor' must be Money or None"),
            ({"floor": eur("0.001")}, PricingError, r"whole number of EUR minor units"),
            ({"combine": "cheapest"}, ValidationError, r"'combine' must be one of"),
            ({"renewal_guard": 1}, ValidationError, r"'renewal_guard' must be True or False"),
            ({"rounding": "half_up"}, ValidationError, r"'rounding' must be a RoundingPolicy"),
            ({"new_customer": {"purchase_count": 0}}, ValidationError, r"not standard signals"),
            ({"new_customer": ["stage"]}, ValidationError, r"'new_customer' must be a mapping"),
            ({"currency": "eur"}, ValidationError, r"three-letter upper-case"),
        ],
    )
    def test_bad_settings(self, kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
        with pytest.raises(error, match=match):
            PricingPolicy([], **kwargs)

    def test_bad_rules(self) -> None:
        with pytest.raises(ValidationError, match=r"'rules' must contain price rules"):
            PricingPolicy([PercentOff(5), "10%"])  # type: ignore[list-item]
        with pytest.raises(ValidationError, match=r"'rules' must be a sequence of price rules"):
            PricingPolicy("10%")  # type: ignore[arg-type]
        with pytest.raises(
            PricingError, match=r"rule names must be unique in a policy \(repeated: 5% off\)"
        ):
            PricingPolicy([PercentOff(5), PercentOff(5, when=signal("purchase_count") > 1)])

    def test_guards_and_attributes(self) -> None:
        policy = PricingPolicy(
            [
                PercentOff(5, when=attribute("stage") == "commitment"),
                WinBackOffer(
                    PercentOff(9, when=attribute("rung") == "advocate"),
                    offered_on="2024-01-01",
                    for_days=9,
                ),
            ],
            floor=eur("1"),
            cap=eur("100"),
            min_margin=10,
            max_discount=30,
            renewal_guard=True,
        )
        assert policy.guards == ("floor", "min_margin", "max_discount", "cap", "renewal")
        assert policy.attributes() == frozenset({"stage", "rung"})

    def test_evolve_revalidates(self) -> None:
        policy = PricingPolicy([], floor=eur("5"))
        with pytest.raises(PricingError, match=r"below 'floor'"):
            attrs.evolve(policy, cap=eur("4"))

    def test_roundtrip(self) -> None:
        policy = PricingPolicy(
            [
                Tiered([(1, 0), (10, 10), (20, 20)], mode="volume"),
                PercentOff(10, when=tenure_at_least(relativedelta(years=2)), name="two years"),
                AmountOff(eur("2.50"), when=attribute("stage") == "commitment"),
                WinBackOffer(PercentOff(25), offered_on="2024-03-01", for_days=30),
                Surcharge(eur("1.00"), when=signal("complaints_90d") > 3),
                FixedPrice(eur("9.99"), when=signal("cancelled") == True),  # noqa: E712
            ],
            combine="best_for_customer",
            floor=eur("1.00"),
            cap=eur("500"),
            min_margin=Decimal("12.5"),
            max_discount=40,
            renewal_guard=True,
            new_customer={"stage": "exploration"},
            rounding=RoundingPolicy(mode="half_even", per="total"),
        )
        data = json.loads(json.dumps(policy.to_dict()))
        assert data["schema"] == "lifecycle.pricing_policy/1"
        assert PricingPolicy.from_dict(data) == policy
        money_margin = attrs.evolve(policy, min_margin=eur("3"))
        assert PricingPolicy.from_dict(money_margin.to_dict()) == money_margin

    @pytest.mark.parametrize(
        ("change", "match"),
        [
            ({"rules": {}}, r"'rules' must be a list"),
            ({"min_margin": 5}, r"'min_margin' must be \{'money'"),
            ({"new_customer": []}, r"'new_customer' must be a mapping"),
            ({"bogus": 1}, r"unknown key 'bogus'"),
            ({"schema": "lifecycle.pricing_policy/9"}, r"expected schema"),
        ],
    )
    def test_bad_data(self, change: dict[str, Any], match: str) -> None:
        data = PricingPolicy([PercentOff(5)]).to_dict() | change
        with pytest.raises(ValidationError, match=match):
            PricingPolicy.from_dict(data)


class TestQuote:
    def test_on_must_be_the_profiles_date(self, log: EventLog) -> None:
        # A profile of one date quoted 'on' another explained old signals as current.
        policy = PricingPolicy([PercentOff(10, when=signal("purchase_count") >= 4)])
        loyal = profile_of(log, "loyal", stage="commitment")
        with pytest.raises(
            ValidationError,
            match=r"'on' \(2025-01-01\) is not the date of customer 'loyal''s profile "
            r"\(2024-06-30\): its signals are those of 2024-06-30; quote on that date, or "
            r"compute the profile as of 2025-01-01",
        ):
            policy.quote(eur("100"), customer=loyal, on="2025-01-01")
        with pytest.raises(ValidationError, match="is not the date of customer 'loyal''s"):
            policy.quote(eur("100"), customer=loyal, on=AS_OF - dt.timedelta(days=1))
        assert policy.quote(eur("100"), customer=loyal, on=AS_OF).total == eur("90.00")

    def test_on_defaults_to_the_profiles_date(self, log: EventLog) -> None:
        quote = PricingPolicy([]).quote(eur("100"), customer=profile_of(log, "loyal"))
        assert quote.on == AS_OF

    def test_sequence_applies_all_in_order(self, log: EventLog) -> None:
        policy = PricingPolicy(
            [
                PercentOff(10, when=tenure_at_least(relativedelta(years=3)), name="three years"),
                AmountOff(eur("5"), when=signal("purchase_count") >= 4, name="frequent"),
                PercentOff(50, when=attribute("stage") == "dissolution", name="lapsed"),
            ]
        )
        quote = policy.quote(eur("100.00"), customer=profile_of(log, "loyal", stage="commitment"))
        assert quote.total == eur("85.00")
        assert quote.applied == ("three years", "frequent")
        assert [s.applied for s in quote.steps] == [True, True, False]
        assert quote.steps[1].before == eur("90.00")
        assert quote.steps[1].after == eur("85.00")
        assert quote.steps[2].why == "not met: stage == dissolution (actual commitment)"

    def test_first_match(self, log: EventLog) -> None:
        policy = PricingPolicy(
            [
                PercentOff(5, when=attribute("stage") == "expansion", name="expansion"),
                PercentOff(10, when=signal("purchase_count") >= 2, name="repeat"),
                PercentOff(20, name="everyone"),
            ],
            combine="first_match",
        )
        quote = policy.quote(eur("100"), customer=profile_of(log, "loyal", stage="commitment"))
        assert quote.total == eur("90.00")
        assert quote.applied == ("repeat",)
        assert quote.steps[2].why == "not considered: 'repeat' matched first"

    def test_best_for_customer(self, log: EventLog) -> None:
        policy = PricingPolicy(
            [
                AmountOff(eur("15"), name="fifteen off"),
                PercentOff(10, name="ten percent"),
                PercentOff(15, name="also fifteen"),
                PercentOff(90, when=signal("purchase_count") > 10, name="never"),
            ],
            combine="best_for_customer",
        )
        quote = policy.quote(eur("100"), customer=profile_of(log, "new"))
        # a tie (85.00 twice) goes to the earlier rule
        assert quote.total == eur("85.00")
        assert quote.applied == ("fifteen off",)
        losing = quote.steps[1]
        assert (losing.applied, losing.after) == (False, eur("90.00"))
        assert losing.why == "met: always; 'fifteen off' gives a lower price"
        assert quote.steps[3].after is None

    def test_no_rule_holds(self, log: EventLog) -> None:
        for combine in ("sequence", "first_match", "best_for_customer"):
            policy = PricingPolicy(
                [PercentOff(5, when=signal("purchase_count") > 50)], combine=combine
            )
            assert policy.quote(eur("20"), customer=profile_of(log, "new")).total == eur("20.00")

    def test_never_negative(self) -> None:
        policy = PricingPolicy([AmountOff(eur("30")), Surcharge(10)])
        quote = policy.quote(eur("20.00"), on=AS_OF, quantity=2)
        assert quote.total == eur("0.00")
        assert quote.steps[0].after == eur("0.00")

    def test_floor(self) -> None:
        policy = PricingPolicy([PercentOff(50)], floor=eur("8.00"))
        quote = policy.quote(eur("10.00"), on=AS_OF, quantity=3)
        assert quote.total == eur("24.00")
        assert quote.bound == ("floor",)
        assert quote.steps[-1] == Step(
            "floor", "guard", True, eur("15.00"), eur("24.00"), "no less than 8.00 EUR per unit x 3"
        )

    def test_min_margin_percent_rounds_up(self) -> None:
        # 30% gross margin over a cost of 10.00: 10 / 0.7 = 14.2857.. -> 14.29
        policy = PricingPolicy([PercentOff(50)], min_margin=30)
        quote = policy.quote(eur("20.00"), on=AS_OF, unit_cost=eur("10.00"))
        assert quote.total == eur("14.29")
        assert quote.bound == ("min_margin",)
        margin = (quote.total.amount - Decimal("10.00")) / quote.total.amount
        assert margin >= Decimal("0.30")
        assert "a margin of at least 30% of the price" in quote.steps[-1].why

    def test_min_margin_money(self) -> None:
        policy = PricingPolicy([PercentOff(50)], min_margin=eur("2.00"))
        quote = policy.quote(eur("20.00"), on=AS_OF, quantity=2, unit_cost=eur("9.00"))
        assert quote.total == eur("22.00")
        assert quote.steps[-1].why == "at least 2.00 EUR per unit above the unit cost of 9.00 EUR"

    def test_min_margin_needs_cost(self) -> None:
        policy = PricingPolicy([], min_margin=10)
        with pytest.raises(
            PricingError, match=r"'unit_cost' is required: the policy has a min_margin guard"
        ):
            policy.quote(eur("1"), on=AS_OF)

    def test_max_discount(self) -> None:
        policy = PricingPolicy(
            [PercentOff(30, name="a"), PercentOff(30, name="b")], max_discount="33.3"
        )
        quote = policy.quote(eur("9.99"), on=AS_OF)
        # at most 33.3% off 9.99: 6.66333 rounded up to 6.67
        assert quote.total == eur("6.67")
        assert quote.bound == ("max_discount",)
        assert quote.discount_percent <= Decimal("33.3")

    def test_cap(self) -> None:
        policy = PricingPolicy([Surcharge(25)], cap=eur("11.00"))
        quote = policy.quote(eur("10.00"), on=AS_OF, quantity=2)
        assert quote.total == eur("22.00")
        assert quote.bound == ("cap",)
        assert "Guard 'cap' lowered the price: 25.00 -> 22.00 EUR" in " ".join(
            quote.explain().split()
        )

    def test_cap_below_a_lower_bound_raises(self) -> None:
        policy = PricingPolicy([], cap=eur("10.00"), min_margin=50)
        with pytest.raises(
            PricingError, match=r"the min_margin bound 12.00 EUR is above the cap 10.00 EUR"
        ):
            policy.quote(eur("9.00"), on=AS_OF, unit_cost=eur("6.00"))

    def test_renewal_guard(self, log: EventLog) -> None:
        # New customers get an introductory price; a loyal customer gets a surcharge.
        policy = PricingPolicy(
            [
                PercentOff(20, when=signal("purchase_count") == 0, name="welcome"),
                Surcharge(5, when=signal("purchase_count") >= 1, name="renewal uplift"),
            ],
            renewal_guard=True,
        )
        quote = policy.quote(eur("100.00"), customer=profile_of(log, "loyal"))
        assert quote.total == eur("80.00")
        assert quote.bound == ("renewal",)
        assert "a new customer pays 80.00 EUR" in quote.steps[-1].why
        newcomer = policy.quote(eur("100.00"), on=AS_OF)
        assert (newcomer.total, newcomer.bound, newcomer.customer) == (eur("80.00"), (), None)

    def test_renewal_guard_uses_new_customer_attributes(self, log: EventLog) -> None:
        rules = [PercentOff(10, when=attribute("stage") == "exploration", name="trial")]
        plain = PricingPolicy(rules, renewal_guard=True)
        trial = PricingPolicy(rules, renewal_guard=True, new_customer={"stage": "exploration"})
        loyal = profile_of(log, "loyal", stage="commitment")
        assert plain.quote(eur("50"), customer=loyal).total == eur("50.00")
        assert trial.quote(eur("50"), customer=loyal).total == eur("45.00")

    def test_guards_in_order(self) -> None:
        policy = PricingPolicy(
            [PercentOff(90)], floor=eur("2.00"), max_discount=50, min_margin=eur("1"), cap=eur("9")
        )
        quote = policy.quote(eur("10.00"), on=AS_OF, unit_cost=eur("2.50"))
        assert quote.bound == ("floor", "min_margin", "max_discount")
        assert quote.total == eur("5.00")

    @pytest.mark.parametrize(
        ("per", "expected", "steps"),
        [
            # 9.99 -> 8.4915 -> 8.49 -> 7.2165 -> 7.22
            ("line", "7.22", ["8.49", "7.22"]),
            # exact: 9.99 * 0.85 * 0.85 = 7.217775 -> 7.22, one rounding step
            ("total", "7.22", ["8.4915", "7.217775", "rounding"]),
        ],
    )
    def test_rounding_per_line_or_total(self, per: Any, expected: str, steps: list[str]) -> None:
        policy = PricingPolicy(
            [PercentOff(15, name="a"), PercentOff(15, name="b")],
            rounding=RoundingPolicy(per=per),
        )
        quote = policy.quote(eur("9.99"), on=AS_OF)
        assert quote.total == eur(expected)
        shown = [s.name if s.kind == "rounding" else str(s.after.amount) for s in quote.steps]  # type: ignore[union-attr]
        assert shown == steps

    def test_per_line_and_total_can_differ(self) -> None:
        rules = [PercentOff(50, name="a"), PercentOff(50, name="b")]
        line = PricingPolicy(rules, rounding=RoundingPolicy(mode="half_up", per="line"))
        total = PricingPolicy(rules, rounding=RoundingPolicy(mode="half_up", per="total"))
        # 0.05 -> 0.025 -> 0.03 -> 0.015 -> 0.02 per line; 0.0125 -> 0.01 per total
        assert line.quote(eur("0.05"), on=AS_OF).total == eur("0.02")
        assert total.quote(eur("0.05"), on=AS_OF).total == eur("0.01")

    @pytest.mark.parametrize(
        ("mode", "expected"), [("half_up", "0.03"), ("half_even", "0.02"), ("floor", "0.02")]
    )
    def test_rounding_modes(self, mode: Any, expected: str) -> None:
        policy = PricingPolicy([PercentOff(50)], rounding=RoundingPolicy(mode=mode))
        assert policy.quote(eur("0.05"), on=AS_OF).total == eur(expected)

    def test_unit_price_of_graduated_tiers(self) -> None:
        usd = lambda s: Money(s, "USD")  # noqa: E731
        tiers = [(1, usd("7.00")), (6, usd("6.50")), (11, usd("6.00"))]
        quote = PricingPolicy([Tiered(tiers)]).quote(usd("7.00"), on=AS_OF, quantity=12)
        assert quote.total == usd("79.50")
        assert quote.unit_price == usd("6.63")  # 6.625 rounded half-up

    @pytest.mark.parametrize(
        ("price", "rules", "expected"),
        [
            (Money("1980", "JPY"), [PercentOff(15)], Money("1683", "JPY")),
            (Money("1999", "JPY"), [PercentOff(15)], Money("1699", "JPY")),
            (Money("12.345", "KWD"), [PercentOff(15)], Money("10.493", "KWD")),
            (Money("12.345", "KWD"), [AmountOff(Money("0.045", "KWD"))], Money("12.300", "KWD")),
        ],
    )
    def test_currencies_without_or_with_three_decimals(
        self, price: Money, rules: list[PriceRule], expected: Money
    ) -> None:
        quote = PricingPolicy(rules).quote(price, on=AS_OF)
        assert quote.total == expected
        assert str(quote.total) == str(expected)

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"base_price": 12.5}, ValidationError, r"'base_price' must be Money"),
            ({"base_price": eur("0")}, PricingError, r"'base_price' must be > 0"),
            ({"base_price": eur("-5")}, PricingError, r"'base_price' must be > 0"),
            ({"base_price": eur("1.001")}, PricingError, r"whole number of EUR minor units"),
            ({"quantity": 0}, PricingError, r"'quantity' must be >= 1 \(got 0\)"),
            ({"quantity": 2.0}, ValidationError, r"'quantity' must be a whole number >= 1"),
            ({"quantity": True}, ValidationError, r"'quantity' must be a whole number >= 1"),
            (
                {"base_price": Money("1", "USD")},
                CurrencyMismatchError,
                r"prices in EUR; cannot quote a USD price",
            ),
            ({"unit_cost": Money("1", "USD")}, CurrencyMismatchError, r"'unit_cost' is in USD"),
            ({"unit_cost": 3}, ValidationError, r"'unit_cost' must be Money or None"),
            ({"unit_cost": eur("-1")}, PricingError, r"'unit_cost' must be >= 0"),
            ({"customer": "ann"}, ValidationError, r"'customer' must be a Profile or None"),
            ({"on": None}, ValidationError, r"'on' is required when quoting without a customer"),
            ({"on": "tomorrow"}, ValidationError, r"'on' must be a date"),
        ],
    )
    def test_bad_input(self, kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
        policy = PricingPolicy([AmountOff(eur("1"))])
        args: dict[str, Any] = {"base_price": eur("10"), "on": AS_OF} | kwargs
        base = args.pop("base_price")
        with pytest.raises(error, match=match):
            policy.quote(base, **args)

    def test_unknown_attribute(self, log: EventLog) -> None:
        policy = PricingPolicy([PercentOff(5, when=attribute("stage") == "commitment")])
        with pytest.raises(UnknownSignalError, match=r"unknown signal 'stage'"):
            policy.quote(eur("1"), customer=profile_of(log, "loyal"))

    def test_percent_policy_prices_any_currency(self) -> None:
        policy = PricingPolicy([PercentOff(10)])
        assert policy.quote(Money("1000", "JPY"), on=AS_OF).total == Money("900", "JPY")
        assert policy.quote(Money("1.000", "KWD"), on=AS_OF).total == Money("0.900", "KWD")


class TestQuoteObject:
    def quote(self) -> Quote:
        policy = PricingPolicy(
            [
                PercentOff(60, name="clearance"),
                PercentOff(5, when=signal("purchase_count") > 3, name="regular"),
            ],
            max_discount=50,
        )
        return policy.quote(eur("80.00"), on="2024-05-01", quantity=2)

    def test_properties(self) -> None:
        quote = self.quote()
        assert quote.currency == Currency("EUR")
        assert quote.list_total == eur("160.00")
        assert quote.discount == eur("80.00")
        assert quote.discount_percent == Decimal("50.00")
        assert (quote.applied, quote.bound) == (("clearance",), ("max_discount",))
        assert quote.unit_price == eur("40.00")

    def test_explain(self) -> None:
        text = " ".join(self.quote().explain().split())
        assert text == (
            "A new customer pays 80.00 EUR for 2 x 80.00 EUR on 2024-05-01 (list price "
            "160.00 EUR, 50.00% off). Rule 'clearance' (60% off): 160.00 -> 64.00 EUR "
            "(met: always). Rule 'regular' (5% off) did not apply (not met: purchase_count > 3 "
            "(actual 0)). Guard 'max_discount' raised the price: 64.00 -> 80.00 EUR (at most "
            "50% off the list price of 160.00 EUR)."
        )
        assert max(len(line) for line in self.quote().explain().splitlines()) <= 92

    def test_surcharge_explained(self) -> None:
        quote = PricingPolicy([Surcharge(10)]).quote(eur("10.00"), on=AS_OF)
        assert quote.discount_percent == Decimal("-10.00")
        assert "(list price 10.00 EUR, 10.00% above it)" in " ".join(quote.explain().split())

    def test_rounding_step_explained(self) -> None:
        policy = PricingPolicy([PercentOff("12.5")], rounding=RoundingPolicy(per="total"))
        text = " ".join(policy.quote(eur("0.20"), on=AS_OF).explain().split())
        assert "Rounded 0.175 -> 0.18 EUR (half-up to the minor unit)." in text

    def test_step_str(self) -> None:
        step = self.quote().steps[0]
        assert str(step) == "clearance: 160.00 EUR -> 64.00 EUR (met: always)"


# ---------------------------------------------------------------------- batch engine


class TestQuoteMany:
    def test_table(self, log: EventLog) -> None:
        policy = PricingPolicy(
            [
                PercentOff(10, when=tenure_at_least(relativedelta(years=2)), name="two years"),
                PercentOff(5, when=attribute("stage") == "commitment", name="committed"),
            ],
            floor=eur("8.80"),
        )
        pop = log.population(AS_OF).join(
            {"customer": ["loyal", "new"], "stage": ["commitment", "exploration"]}
        )
        table = policy.quote_many(pop, np.array([1000, 1000, 1000]), 1)
        assert table.columns == (
            "customer",
            "total_minor",
            "unit_minor",
            "list_minor",
            "rule:two years",
            "rule:committed",
            "guard:floor",
        )
        assert table.total_minor.dtype == np.int64
        assert row(table, "loyal") == {
            "customer": "loyal",
            "total_minor": 880,
            "unit_minor": 880,
            "list_minor": 1000,
            "rule:two years": True,
            "rule:committed": True,
            "guard:floor": True,
        }
        assert row(table, "lapsed")["total_minor"] == 900
        assert row(table, "new")["total_minor"] == 1000

    def test_scalar_and_array_inputs(self, log: EventLog) -> None:
        policy = PricingPolicy([PercentOff(50)])
        pop = log.population(AS_OF)
        table = policy.quote_many(pop, [100, 200, 301], [1, 2, 3])
        assert table.total_minor.tolist() == [50, 200, 452]
        assert table.unit_minor.tolist() == [50, 100, 151]
        assert policy.quote_many(pop, 99, currency="USD").total_minor.tolist() == [50, 50, 50]

    @pytest.mark.parametrize(
        ("args", "kwargs", "error", "match"),
        [
            (
                ([1.5, 2.0, 3.0],),
                {},
                ValidationError,
                r"'base_prices' must be int64 minor units, not floats",
            ),
            (
                ([1, 2],),
                {},
                ValidationError,
                r"'base_prices' must have one value per customer \(3\)",
            ),
            (
                ([0, 5, 5],),
                {},
                PricingError,
                r"'base_prices' must be >= 1 \(1 violations, first at index 0: 0\)",
            ),
            ((5, [1, 0, 1]), {}, PricingError, r"'quantities' must be >= 1"),
            ((5, 1.5), {}, ValidationError, r"'quantities' must be a whole number"),
            ((["5", "6", "7"],), {}, ValidationError, r"'base_prices' must be whole numbers"),
            (
                (5,),
                {"currency": "USD"},
                CurrencyMismatchError,
                r"prices in EUR; cannot quote a USD",
            ),
            ((5,), {"unit_costs": [-1, 0, 0]}, PricingError, r"'unit_costs' must be >= 0"),
        ],
    )
    def test_bad_input(
        self,
        log: EventLog,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        error: type[Exception],
        match: str,
    ) -> None:
        policy = PricingPolicy([AmountOff(eur("0.01"))])
        with pytest.raises(error, match=match):
            policy.quote_many(log.population(AS_OF), *args, **kwargs)

    def test_not_a_population(self) -> None:
        with pytest.raises(ValidationError, match=r"'population' must be a Population"):
            PricingPolicy([]).quote_many({"customer": [1]}, 5)  # type: ignore[arg-type]

    def test_currency_required(self) -> None:
        log = make_log([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(ValidationError, match=r"'currency' is required"):
            PricingPolicy([PercentOff(5)]).quote_many(log.population(AS_OF), 100)

    def test_margin_needs_costs(self, log: EventLog) -> None:
        with pytest.raises(PricingError, match=r"'unit_costs' is required"):
            PricingPolicy([], min_margin=10).quote_many(log.population(AS_OF), 100)

    def test_cap_conflict_names_customer(self, log: EventLog) -> None:
        policy = PricingPolicy([], cap=eur("10.00"), min_margin=50)
        with pytest.raises(
            PricingError, match=r"above the cap 10.00 EUR for customer 'loyal' \(1 customers\)"
        ):
            policy.quote_many(log.population(AS_OF), 900, unit_costs=[100, 600, 100])

    def test_snapshots(self, log: EventLog) -> None:
        offer = WinBackOffer(PercentOff(20), offered_on="2024-06-01", for_days=10)
        policy = PricingPolicy([offer], renewal_guard=True)
        snaps = snapshots(log, ["loyal", "loyal"], ["2024-06-05", "2024-06-20"])
        table = policy.quote_many(snaps, 1000)
        assert table.total_minor.tolist() == [800, 1000]
        assert table["guard:renewal"].tolist() == [False, False]

    def test_on_must_be_the_populations_date(self, log: EventLog) -> None:
        # 'on' once overrode as_of: a price for one day from the signals of another.
        offer = WinBackOffer(PercentOff(20), offered_on="2024-06-01", for_days=10)
        policy = PricingPolicy([offer])
        with pytest.raises(
            ValidationError,
            match=r"'on' \(2024-06-02\) is not the date of the population's signals: "
            r"customer 'lapsed' is as of 2024-06-30 \(3 customers differ\)",
        ):
            policy.quote_many(log.population(AS_OF), 1000, on="2024-06-02")
        table = policy.quote_many(log.population("2024-06-02"), 1000, on="2024-06-02")
        assert table.total_minor.tolist() == [800, 800, 800]
        given = policy.quote_many(log.population(AS_OF), 1000, on=AS_OF)
        assert given.total_minor.tolist() == [1000, 1000, 1000]

    def test_on_must_be_every_snapshots_date(self, log: EventLog) -> None:
        policy = PricingPolicy([PercentOff(5)])
        snaps = snapshots(log, ["loyal", "loyal"], ["2024-06-20", "2024-06-05"])
        with pytest.raises(
            ValidationError,
            match=r"customer 'loyal' is as of 2024-06-05 \(1 customers differ\)",
        ):
            policy.quote_many(snaps, 1000, on="2024-06-20")
        same = snapshots(log, ["loyal", "loyal"], ["2024-06-20", "2024-06-20"])
        assert policy.quote_many(same, 1000, on="2024-06-20").total_minor.tolist() == [950, 950]

    def test_empty_population(self) -> None:
        log = make_log(buys(1, "2024-06-01"))
        pop = log.population("2024-06-02")
        empty = Population(
            {name: pop[name][:0] for name in pop}, as_of=pop.as_of, currency=pop.currency
        )
        table = PricingPolicy([PercentOff(5)]).quote_many(empty, 100)
        assert len(table) == 0


# ---------------------------------------------------------------------- the engines agree


def _single(
    policy: PricingPolicy,
    profile: Profile,
    base: int,
    qty: int,
    cost: int | None,
    on: dt.date | None,
    cur: Currency,
) -> Quote | None:
    try:
        return policy.quote(
            Money.from_minor(base, cur),
            customer=profile,
            quantity=qty,
            on=on,
            unit_cost=None if cost is None else Money.from_minor(cost, cur),
        )
    except PricingError:
        return None


class TestEnginesAgree:
    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data(), log=event_logs(max_customers=6, max_events=25))
    def test_quote_many_equals_quote(self, data: st.DataObject, log: EventLog) -> None:
        as_of = data.draw(as_of_dates(log))
        pop = log.population(as_of)
        if len(pop) == 0:
            return
        cur = log.currency or Currency(data.draw(st.sampled_from(CURRENCIES)))
        attributes = tuple(name for name in log.attributes)
        stages = data.draw(
            st.lists(st.sampled_from((*STAGES, None)), min_size=len(pop), max_size=len(pop))
        )
        pop = pop.join({"customer": pop.customer, "stage": np.array(stages, dtype=object)})
        policy = data.draw(policies(cur, log.currency, attributes, as_of))
        n = len(pop)
        big = data.draw(st.booleans())
        high = 10**9 if big else 50_000
        base = np.array(data.draw(st.lists(st.integers(1, high), min_size=n, max_size=n)))
        qty = np.array(data.draw(st.lists(st.integers(1, 60), min_size=n, max_size=n)))
        costs = None
        if policy.min_margin is not None or data.draw(st.booleans()):
            costs = np.array(data.draw(st.lists(st.integers(0, high), min_size=n, max_size=n)))
        on = data.draw(st.sampled_from([None, as_of]))
        try:
            table = policy.quote_many(pop, base, qty, currency=cur, on=on, unit_costs=costs)
        except PricingError:
            table = None
        quotes = []
        for i, customer in enumerate(pop.customer.tolist()):
            profile = log.profile(customer, as_of).with_attributes(stage=stages[i])
            cost = None if costs is None else int(costs[i])
            quotes.append(_single(policy, profile, int(base[i]), int(qty[i]), cost, on, cur))
        if table is None:
            assert any(q is None for q in quotes)
            return
        for i, quote in enumerate(quotes):
            assert quote is not None
            assert quote.total.to_minor() == table.total_minor[i]
            assert quote.unit_price.to_minor() == table.unit_minor[i]
            assert quote.list_total.to_minor() == table.list_minor[i]
            assert quote.total.amount >= 0
            used = tuple(r.name for r in policy.rules if table[f"rule:{r.name}"][i])
            assert quote.applied == used
            bound = tuple(g for g in policy.guards if table[f"guard:{g}"][i])
            assert quote.bound == bound

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_guards_always_hold(self, data: st.DataObject) -> None:
        cur = Currency(data.draw(st.sampled_from(CURRENCIES)))
        policy = data.draw(policies(cur, None, (), AS_OF))
        base = data.draw(st.integers(1, 10**7))
        qty = data.draw(st.integers(1, 50))
        cost = data.draw(st.integers(0, base))
        quote = _single(
            policy, policy._newcomer(AS_OF, cur).with_attributes(), base, qty, cost, AS_OF, cur
        )
        if quote is None:
            return
        total = quote.total.to_minor()
        if policy.floor is not None:
            assert total >= policy.floor.to_minor() * qty
        if policy.cap is not None:
            assert total <= policy.cap.to_minor() * qty
        if policy.max_discount is not None:
            assert (base * qty - total) * 100 <= policy.max_discount * base * qty
        if isinstance(policy.min_margin, Decimal):
            assert (total - cost * qty) * 100 >= policy.min_margin * total
        assert total >= 0

    def test_deep_exact_policy_past_int64(self) -> None:
        # Six 33.33% discounts computed exactly: the denominators (10_000 each) multiply past
        # int64, so the batch engine switches to Python integers and still agrees.
        rules: list[PriceRule] = [PercentOff("33.33", name=f"p{i}") for i in range(6)]
        rules.append(Tiered([(1, 0), (7, "12.5")], name="tiers"))
        policy = PricingPolicy(rules, rounding=RoundingPolicy(per="total"), currency="EUR")
        log = make_log([{"customer": c, "date": "2024-01-01"} for c in range(3)])
        lines = [(10**9, 50), (7, 1), (123_456_789, 13)]
        table = policy.quote_many(
            log.population("2024-02-01"), [b for b, _ in lines], [q for _, q in lines]
        )
        single = [
            policy.quote(Money.from_minor(b, "EUR"), on="2024-02-01", quantity=q).total
            for b, q in lines
        ]
        assert table.total_minor.tolist() == [m.to_minor() for m in single]
        assert single[1] == eur("0.01")

    def test_too_large_lines_raise_in_both_engines(self) -> None:
        policy = PricingPolicy([PercentOff(5)], currency="EUR")
        log = make_log([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(PricingError, match=r"is too large \(the limit is 2\*\*60"):
            policy.quote(Money.from_minor(2**40, "EUR"), on=AS_OF, quantity=2**21)
        with pytest.raises(
            PricingError, match=r"'base_prices' x 'quantities' is too large at index 0"
        ):
            policy.quote_many(log.population(AS_OF), 2**40, 2**21)
        surcharged = PricingPolicy([Surcharge(100, name=f"s{i}") for i in range(3)])
        with pytest.raises(PricingError, match=r"a price is too large"):
            surcharged.quote(Money.from_minor(2**58, "EUR"), on=AS_OF)
        with pytest.raises(PricingError, match=r"a price is too large"):
            surcharged.quote_many(log.population(AS_OF), 2**58, currency="EUR")
