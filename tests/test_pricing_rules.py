"""Tests of lifecycle.pricing rules, the tenure condition and the exact arithmetic."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle import EventLog, Money, attribute, signal
from lifecycle.conditions import always
from lifecycle.errors import (
    CurrencyMismatchError,
    PricingError,
    SchemaError,
    ValidationError,
)
from lifecycle.money import _DECIMAL_MODES, RoundingPolicy, divide_minor
from lifecycle.pricing import (
    AmountOff,
    FixedPrice,
    PercentOff,
    PriceRule,
    Surcharge,
    Tiered,
    WinBackOffer,
    rule_from_dict,
)
from lifecycle.pricing._exact import (
    MAX_MINOR,
    BatchLines,
    OneLine,
    fraction_money,
    round_div,
    round_fraction,
)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def make_log(records: list[dict[str, Any]]) -> EventLog:
    log = EventLog.from_records(records)
    assert isinstance(log, EventLog)
    return log


def roundtrip(rule: PriceRule) -> PriceRule:
    return rule_from_dict(json.loads(json.dumps(rule.to_dict())))


MODES = ("half_up", "half_even", "half_down", "up", "down", "ceiling", "floor")


# ---------------------------------------------------------------------- rules


class TestPercentOff:
    @pytest.mark.parametrize(
        ("percent", "price", "expected"),
        [
            (10, "200.00", "180.00"),
            ("12.5", "80.00", "70.00"),
            (Decimal("33.33"), "100.00", "66.67"),
            (0, "5.00", "5.00"),
            (100, "5.00", "0.00"),
        ],
    )
    def test_apply(self, percent: Any, price: str, expected: str) -> None:
        assert PercentOff(percent).apply(eur(price)) == eur(expected)

    def test_apply_keeps_exact_digits(self) -> None:
        assert PercentOff(15).apply(eur("9.99")).amount == Decimal("8.4915")

    @pytest.mark.parametrize("percent", [-1, 101, "100.01"])
    def test_percent_out_of_range(self, percent: Any) -> None:
        with pytest.raises(PricingError, match=r"'percent' must be a percent from 0 to 100"):
            PercentOff(percent)

    def test_float_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"not a float"):
            PercentOff(12.5)

    def test_money_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"must be a percent from 0 to 100 \(got money"):
            PercentOff(eur("5"))  # type: ignore[arg-type]

    def test_names_and_description(self) -> None:
        rule = PercentOff("12.50")
        assert rule.name == "12.5% off"
        assert rule.describe() == "12.5% off"
        assert PercentOff(5, name="loyal").name == "loyal"
        assert rule.when == always()
        assert rule.currency is None

    @pytest.mark.parametrize("name", ["", "  ", 3])
    def test_bad_name(self, name: Any) -> None:
        with pytest.raises(ValidationError, match=r"'name' must be a non-empty str"):
            PercentOff(5, name=name)

    def test_bad_when(self) -> None:
        with pytest.raises(ValidationError, match=r"'when' must be a Condition"):
            PercentOff(5, when=True)  # type: ignore[arg-type]

    def test_roundtrip_and_hash(self) -> None:
        rule = PercentOff("7.5", when=signal("purchase_count") >= 3, name="regular")
        assert roundtrip(rule) == rule
        assert PercentOff.from_dict(rule.to_dict()) == rule
        assert hash(rule) == hash(roundtrip(rule))

    def test_from_dict_of_other_kind(self) -> None:
        with pytest.raises(
            SchemaError, match=r"expected a 'percent_off' rule \(got 'amount_off'\)"
        ):
            PercentOff.from_dict(AmountOff(eur("1")).to_dict())


class TestAmountOff:
    def test_per_unit(self) -> None:
        assert AmountOff(eur("5.00")).apply(eur("12.00"), 3) == eur("21.00")

    def test_never_below_zero(self) -> None:
        assert AmountOff(eur("50")).apply(eur("20")) == eur("0.00")

    @pytest.mark.parametrize("amount", ["0", "-1"])
    def test_positive(self, amount: str) -> None:
        with pytest.raises(PricingError, match=r"'amount' must be > 0"):
            AmountOff(eur(amount))

    def test_whole_minor_units(self) -> None:
        with pytest.raises(PricingError, match=r"whole number of EUR minor units"):
            AmountOff(eur("0.005"))

    def test_money_required(self) -> None:
        with pytest.raises(ValidationError, match=r"'amount' must be Money"):
            AmountOff(5)  # type: ignore[arg-type]

    def test_currency(self) -> None:
        rule = AmountOff(Money("300", "JPY"))
        assert rule.currency.code == "JPY"
        assert rule.name == "300 JPY off"
        with pytest.raises(CurrencyMismatchError, match=r"is in JPY; cannot price in EUR"):
            rule.apply(eur("10"))

    def test_apply_needs_money(self) -> None:
        with pytest.raises(ValidationError, match=r"'price' must be Money"):
            AmountOff(eur("1")).apply(10)  # type: ignore[arg-type]

    def test_roundtrip(self) -> None:
        rule = AmountOff(Money("1.250", "KWD"), when=attribute("tier") == "gold")
        assert roundtrip(rule) == rule


class TestFixedPrice:
    def test_apply(self) -> None:
        assert FixedPrice(Money("9.00", "USD")).apply(Money("12.00", "USD"), 2) == Money(
            "18.00", "USD"
        )

    def test_zero_allowed(self) -> None:
        assert FixedPrice(eur("0")).apply(eur("10")) == eur("0.00")

    def test_negative(self) -> None:
        with pytest.raises(PricingError, match=r"'price' must be >= 0"):
            FixedPrice(eur("-1"))

    def test_roundtrip(self) -> None:
        rule = FixedPrice(eur("4.99"), name="member price")
        assert roundtrip(rule) == rule
        assert rule.describe() == "unit price 4.99 EUR"


class TestSurcharge:
    def test_percent(self) -> None:
        assert Surcharge(10).apply(eur("50.00")) == eur("55.00")
        assert Surcharge(10).name == "10% surcharge"

    def test_money(self) -> None:
        rule = Surcharge(eur("2.50"))
        assert rule.apply(eur("50.00"), 2) == eur("105.00")
        assert rule.describe() == "2.50 EUR surcharge per unit"
        assert rule.currency is not None

    def test_bad(self) -> None:
        with pytest.raises(PricingError, match=r"'amount' must be a percent from 0 to 100"):
            Surcharge(150)
        with pytest.raises(PricingError, match=r"'amount' must be > 0"):
            Surcharge(eur("0"))

    @pytest.mark.parametrize("amount", [eur("1.00"), Decimal("2.5")])
    def test_roundtrip(self, amount: Any) -> None:
        rule = Surcharge(amount)
        assert roundtrip(rule) == rule


class TestTiered:
    USD = staticmethod(lambda s: Money(s, "USD"))

    def tiers(self) -> list[tuple[int, Money]]:
        usd = self.USD
        return [(1, usd("7.00")), (6, usd("6.50")), (11, usd("6.00"))]

    def test_triples_and_pairs_agree(self) -> None:
        usd = self.USD
        pairs = Tiered(self.tiers())
        triples = Tiered([(1, 5, usd("7.00")), (6, 10, usd("6.50")), (11, None, usd("6.00"))])
        assert pairs == triples
        assert pairs.tiers[0] == (1, 5, usd("7.00"))

    @pytest.mark.parametrize(
        ("tiers", "match"),
        [
            ([], r"'tiers' must not be empty"),
            ([(2, 5)], r"tiers must start at quantity 1 \(the first starts at 2\)"),
            ([(1, 5, 0), (7, 10)], r"tiers leave a gap: quantities 6-6 have no tier"),
            ([(1, 5, 0), (4, 10)], r"tiers overlap: tier 2 starts at 4, inside 1-5"),
            ([(1, 0), (5, 10), (5, 20)], r"tiers overlap: tier 2 starts at 5 but ends at 4"),
            ([(1, 0), (8, 10), (5, 20)], r"tiers overlap: tier 2 starts at 8 but ends at 4"),
            ([(1, 9, 0)], r"the last tier must be open-ended: quantities above 9"),
            ([(1, 0), (5, Money("1", "EUR"))], r"all be unit prices \(Money\) or all be percents"),
            ([(0, 5)], r"tier first quantity must be a whole number >= 1 \(got 0\)"),
            ([(1, 2, 3, 4)], r"each tier must be \(first quantity, price\)"),
            ([(1, 120)], r"'tier percent' must be a percent from 0 to 100"),
        ],
    )
    def test_bad_tiers(self, tiers: Any, match: str) -> None:
        with pytest.raises(PricingError, match=match):
            Tiered(tiers)

    def test_mixed_currencies(self) -> None:
        with pytest.raises(CurrencyMismatchError, match=r"share one currency \(got EUR, USD\)"):
            Tiered([(1, Money("1", "USD")), (5, Money("1", "EUR"))])

    def test_not_a_sequence(self) -> None:
        with pytest.raises(ValidationError, match=r"'tiers' must be a sequence"):
            Tiered("1-5")  # type: ignore[arg-type]

    def test_bad_mode(self) -> None:
        with pytest.raises(ValidationError, match=r"'mode' must be one of"):
            Tiered(self.tiers(), mode="stepped")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("mode", "lifetime", "quantity", "expected"),
        [
            # units 9..11: 9 and 10 at 6.50, 11 at 6.00
            ("graduated", 8, 3, "19.00"),
            # the last unit is number 11: every unit at 6.00
            ("volume", 8, 3, "18.00"),
            ("graduated", 0, 3, "21.00"),
            ("graduated", 100, 2, "12.00"),
        ],
    )
    def test_lifetime_basis(self, mode: Any, lifetime: int, quantity: int, expected: str) -> None:
        rule = Tiered(self.tiers(), mode=mode, basis="lifetime")
        assert rule.apply(self.USD("7.00"), quantity, lifetime=lifetime) == self.USD(expected)
        assert rule.name == f"{mode} tiers on lifetime units"

    def test_percent_tiers_on_running_price(self) -> None:
        rule = Tiered([(1, 0), (3, 50)], mode="graduated")
        # 2 units at full price, 1 at half: (2 + 0.5) / 3 of the line
        assert rule.apply(eur("3.00"), 3) == eur("7.50")
        assert rule.currency is None
        assert not rule.priced

    def test_describe(self) -> None:
        assert Tiered(self.tiers(), mode="volume").describe() == (
            "volume tiers: 1-5 at 7.00 USD, 6-10 at 6.50 USD, 11+ at 6.00 USD"
        )
        assert Tiered([(1, 1, 0), (2, 10)]).describe() == "graduated tiers: 1 0% off, 2+ 10% off"

    def test_lifetime_reads_total_quantity(self) -> None:
        log = EventLog.from_records(
            [{"customer": 1, "date": "2024-01-01", "quantity": 8, "amount": "1", "currency": "USD"}]
        )
        assert isinstance(log, EventLog)
        from lifecycle.pricing import PricingPolicy

        policy = PricingPolicy([Tiered(self.tiers(), basis="lifetime")])
        quote = policy.quote(self.USD("7.00"), customer=log.profile(1, "2024-02-01"), quantity=3)
        assert quote.total == self.USD("19.00")
        table = policy.quote_many(log.population("2024-02-01"), 700, 3)
        assert table.total_minor.tolist() == [1900]

    @pytest.mark.parametrize("tiers", [[(1, 0), (10, "12.5")], [(1, eur("5")), (3, eur("4"))]])
    def test_roundtrip(self, tiers: Any) -> None:
        rule = Tiered(tiers, mode="volume", basis="lifetime", when=signal("purchase_count") > 2)
        assert roundtrip(rule) == rule

    def test_bad_tier_data(self) -> None:
        data = Tiered([(1, 0)]).to_dict()
        data["tiers"][0]["unit_price"] = {"amount": "1", "currency": "EUR"}
        with pytest.raises(
            SchemaError, match=r"give exactly one of 'unit_price' and 'percent_off'"
        ):
            rule_from_dict(data)
        data["tiers"] = "1-5"
        with pytest.raises(SchemaError, match=r"'tiers' must be a list"):
            rule_from_dict(data)


class TestWinBackOffer:
    def offer(self, **kwargs: Any) -> WinBackOffer:
        kwargs.setdefault("when", attribute("stage") == "dissolution")
        return WinBackOffer(PercentOff(20), offered_on="2024-03-01", for_days=30, **kwargs)

    def test_window(self) -> None:
        offer = self.offer()
        assert offer.offered_on == dt.date(2024, 3, 1)
        assert offer.expires_on == dt.date(2024, 3, 30)
        assert offer.name == "win-back"

    @pytest.mark.parametrize(
        ("on", "holds"),
        [("2024-02-29", False), ("2024-03-01", True), ("2024-03-30", True), ("2024-03-31", False)],
    )
    def test_window_edges_both_engines(self, on: str, holds: bool) -> None:
        from lifecycle.pricing import PricingPolicy

        log = make_log([{"customer": c, "date": "2023-01-01"} for c in (1, 2)])
        policy = PricingPolicy([self.offer()])
        pop = log.population(on).join({"customer": [1, 2], "stage": ["dissolution", "commitment"]})
        table = policy.quote_many(pop, 1000, currency="EUR")
        assert table["rule:win-back"].tolist() == [holds, False]
        lapsed = log.profile(1, on).with_attributes(stage="dissolution")
        quote = policy.quote(eur("10.00"), customer=lapsed)
        assert quote.applied == (("win-back",) if holds else ())
        assert quote.total == (eur("8.00") if holds else eur("10.00"))

    def test_why(self) -> None:
        from lifecycle.pricing import PricingPolicy

        log = make_log([{"customer": 1, "date": "2023-01-01"}])
        lapsed = log.profile(1, "2024-04-15").with_attributes(stage="dissolution")
        (step,) = PricingPolicy([self.offer()]).quote(eur("10"), customer=lapsed).steps
        assert step.why == (
            "not met: quoted on 2024-04-15, outside the offer window 2024-03-01 to 2024-03-30"
        )
        lapsed = log.profile(1, "2024-03-02").with_attributes(stage="dissolution")
        (step,) = PricingPolicy([self.offer()]).quote(eur("10"), customer=lapsed).steps
        assert step.why == (
            "met: quoted on 2024-03-02, within the offer window 2024-03-01 to 2024-03-30 "
            "and stage == dissolution (actual dissolution)"
        )

    def test_offer_condition_also_counts(self) -> None:
        from lifecycle.pricing import PricingPolicy

        offer = WinBackOffer(
            PercentOff(20, when=signal("purchase_count") >= 2), offered_on="2024-03-01", for_days=5
        )
        log = make_log([{"customer": 1, "date": "2023-01-01"}])
        quote = PricingPolicy([offer]).quote(eur("10"), customer=log.profile(1, "2024-03-02"))
        assert quote.applied == ()
        assert quote.steps[0].why == "not met: purchase_count >= 2 (actual 1)"

    def test_bad(self) -> None:
        with pytest.raises(
            ValidationError, match=r"'offer' must be a PercentOff, AmountOff or FixedPrice"
        ):
            WinBackOffer(Surcharge(5), offered_on="2024-01-01", for_days=3)  # type: ignore[arg-type]
        with pytest.raises(PricingError, match=r"'for_days' must be a whole number of days >= 1"):
            WinBackOffer(PercentOff(5), offered_on="2024-01-01", for_days=0)
        with pytest.raises(ValidationError, match=r"'offered_on' must be a date"):
            WinBackOffer(PercentOff(5), offered_on="soon", for_days=3)

    def test_roundtrip(self) -> None:
        rule = WinBackOffer(FixedPrice(eur("5")), offered_on="2024-01-01", for_days=14, name="wb")
        assert roundtrip(rule) == rule
        assert rule.currency == eur("1").currency
        data = rule.to_dict()
        data["offer"] = Surcharge(5).to_dict()
        with pytest.raises(SchemaError, match=r"'offer' must be a percent_off, amount_off"):
            rule_from_dict(data)


class TestRuleFromDict:
    def test_unknown_kind(self) -> None:
        with pytest.raises(SchemaError, match=r"unknown kind 'bogof'"):
            rule_from_dict({"schema": "lifecycle.price_rule/1", "kind": "bogof"})

    def test_wrong_schema(self) -> None:
        with pytest.raises(SchemaError, match=r"expected schema 'lifecycle.price_rule/1'"):
            rule_from_dict({"schema": "lifecycle.price_rule/2", "kind": "percent_off"})

    def test_unknown_key(self) -> None:
        data = PercentOff(5).to_dict() | {"amount": {"amount": "1", "currency": "EUR"}}
        with pytest.raises(SchemaError, match=r"price rule 'percent_off': unknown key 'amount'"):
            rule_from_dict(data)

    def test_float_percent_refused(self) -> None:
        data = PercentOff(5).to_dict() | {"percent": 5.0}
        with pytest.raises(SchemaError, match=r"expected a decimal string"):
            rule_from_dict(data)

    def test_missing_key(self) -> None:
        data = PercentOff(5).to_dict()
        del data["when"]
        with pytest.raises(SchemaError, match=r"missing key 'when'"):
            rule_from_dict(data)

    def test_bad_money(self) -> None:
        data = AmountOff(eur("1")).to_dict() | {"amount": "1 EUR"}
        with pytest.raises(SchemaError, match=r"expected money as"):
            rule_from_dict(data)


# ---------------------------------------------------------------------- tenure


class TestExactArithmetic:
    @settings(max_examples=300, deadline=None)
    @given(
        num=st.integers(-(10**15), 10**15),
        den=st.integers(1, 10**6),
        mode=st.sampled_from(MODES),
    )
    def test_round_fraction_matches_divide_minor(self, num: int, den: int, mode: Any) -> None:
        expected = int(divide_minor([num], den, mode=mode)[0])
        assert round_fraction(Fraction(num, den), mode) == expected
        assert round_div(np.array([num], dtype=object), den, mode).tolist() == [expected]
        assert round_div(np.array([num]), np.array([den]), mode).tolist() == [expected]

    @settings(max_examples=200, deadline=None)
    @given(
        num=st.integers(0, 10**40),
        den=st.integers(1, 10**25),
        mode=st.sampled_from(MODES),
    )
    def test_big_round_div_matches_decimal(self, num: int, den: int, mode: Any) -> None:
        exact = Fraction(num, den)
        # 80 digits decide every half exactly: r / den differs from 1/2 by >= 1 / (2 * 10**25).
        with decimal.localcontext(prec=80):
            rounded = (Decimal(num) / Decimal(den)).quantize(
                Decimal(1), rounding=_DECIMAL_MODES[mode]
            )
        if rounded >= MAX_MINOR:
            with pytest.raises(PricingError, match=r"too large"):
                round_div(np.array([num], dtype=object), den, mode)
            return
        assert round_div(np.array([num], dtype=object), den, mode).tolist() == [
            round_fraction(exact, mode)
        ]

    def test_round_fraction_uses_rounding_policy(self) -> None:
        third = Fraction(10, 3)
        assert round_fraction(third, "down") == 3
        assert round_fraction(third, "up") == 4
        assert round_fraction(Fraction(5, 2), "half_even") == 2
        assert round_fraction(Fraction(7, 2), "half_even") == 4
        # RoundingPolicy.apply on the exact decimal agrees
        assert (
            RoundingPolicy(mode="half_even").apply(Decimal("2.5"), Money("1", "JPY").currency) == 2
        )

    def test_fraction_money(self) -> None:
        assert fraction_money(Fraction(17501, 2), eur("1").currency) == Money("87.505", "EUR")
        assert fraction_money(Fraction(1, 3), Money("1", "JPY").currency) == Money(
            "0.333333", "JPY"
        )

    @settings(max_examples=200, deadline=None)
    @given(
        start=st.integers(1, 10**12),
        ops=st.lists(
            st.tuples(
                st.sampled_from(["scale", "add", "set"]),
                st.integers(1, 10**6),
                st.integers(1, 10**4),
            ),
            max_size=10,
        ),
        exact=st.booleans(),
        mode=st.sampled_from(MODES),
    )
    def test_batch_lines_match_one_line(
        self, start: int, ops: list[tuple[str, int, int]], exact: bool, mode: Any
    ) -> None:
        one = OneLine(start, exact=exact, mode=mode)
        many = BatchLines(np.array([start, start]), exact=exact, mode=mode)
        mask = np.array([True, False])
        for op, a, b in ops:
            if op == "scale":
                # factors up to 2, so ten steps stay far below the int64 range
                a = a % (2 * b) + 1
                one.scale(Fraction(a, b))
                many.scale(mask, a, b)
            elif op == "add":
                one.add(a - 5 * b)
                many.add(mask, a - 5 * b)
            else:
                one.set(a)
                many.set(mask, a)
        assert many.rounded().tolist() == [one.rounded(), start]

    def test_object_path_when_int64_would_overflow(self) -> None:
        lines = BatchLines(np.array([10**12]), exact=True, mode="half_up")
        every = np.array([True])
        for _ in range(4):
            lines.scale(every, 9999, 10000)
        assert lines.num.dtype == object
        expected = round_fraction(Fraction(10**12) * Fraction(9999, 10000) ** 4, "half_up")
        assert lines.rounded().tolist() == [expected]
        assert lines.copy().rounded().tolist() == [expected]
