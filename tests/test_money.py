"""Tests of lifecycle.money: Currency, Money, RoundingPolicy and divide_minor."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle import Currency, Money, RoundingPolicy
from lifecycle.errors import CurrencyMismatchError, SchemaError, ValidationError
from lifecycle.money import CURRENCIES, divide_minor

ISSUE_CURRENCIES = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "DKK": 2,
    "SEK": 2,
    "NOK": 2,
    "CZK": 2,
    "CHF": 2,
    "PLN": 2,
    "IRR": 2,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "BHD": 3,
}
MODES = ("half_up", "half_even", "half_down", "up", "down", "ceiling", "floor")
DECIMAL_MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "half_down": decimal.ROUND_HALF_DOWN,
    "up": decimal.ROUND_UP,
    "down": decimal.ROUND_DOWN,
    "ceiling": decimal.ROUND_CEILING,
    "floor": decimal.ROUND_FLOOR,
}
INT64 = st.integers(-(2**63), 2**63 - 1)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


class TestCurrency:
    @pytest.mark.parametrize(("code", "digits"), sorted(ISSUE_CURRENCIES.items()))
    def test_issue_currencies(self, code: str, digits: int) -> None:
        cur = Currency(code)
        assert cur.code == code
        assert cur.minor_units == digits
        assert CURRENCIES[code] == digits
        assert cur.factor == 10**digits
        assert cur.quantum == Decimal(1).scaleb(-digits)
        assert str(cur) == code

    @pytest.mark.parametrize("code", ["XXQ", "ABC", "EUX"])
    def test_unknown_code(self, code: str) -> None:
        with pytest.raises(
            ValidationError, match=f"'currency' must be a known ISO 4217 code \\(got '{code}'\\)"
        ):
            Currency(code)

    @pytest.mark.parametrize("code", ["eur", "EU", "EURO", "E1R", "", 978])
    def test_malformed_code(self, code: Any) -> None:
        with pytest.raises(ValidationError, match="three-letter upper-case ISO 4217 code"):
            Currency(code)

    def test_other_currency_with_minor_units(self) -> None:
        assert Currency("XTS", minor_units=4).quantum == Decimal("0.0001")
        assert Money("1.2345", Currency("XTS", minor_units=4)).to_minor() == 12345

    @pytest.mark.parametrize("digits", [-1, 7, True, 2.0])
    def test_bad_minor_units(self, digits: Any) -> None:
        with pytest.raises(ValidationError, match="'minor_units' must be an int from 0 to 6"):
            Currency("EUR", minor_units=digits)

    def test_value_object(self) -> None:
        assert Currency("EUR") == Currency("EUR")
        assert Currency("EUR") != Currency("USD")
        assert hash(Currency("EUR")) == hash(Currency("EUR"))


class TestMoneyConstruction:
    @pytest.mark.parametrize(
        ("amount", "expected"),
        [
            ("19.99", Decimal("19.99")),
            (" 5.5 ", Decimal("5.5")),
            (7, Decimal(7)),
            (np.int64(7), Decimal(7)),
            (Decimal("0.001"), Decimal("0.001")),
            ("-3.20", Decimal("-3.20")),
        ],
    )
    def test_amounts(self, amount: Any, expected: Decimal) -> None:
        money = Money(amount, "EUR")
        assert isinstance(money.amount, Decimal)
        assert money.amount == expected
        assert money.currency == Currency("EUR")

    def test_currency_object_or_code(self) -> None:
        assert Money("1", Currency("JPY")) == Money("1", "JPY")

    @pytest.mark.parametrize("amount", [0.1, 12.5, np.float64(1.0), float("nan")])
    def test_float_refused_with_advice(self, amount: Any) -> None:
        with pytest.raises(
            ValidationError,
            match=r"'amount' must be a str, int or Decimal, not a float .*pass a string such as",
        ):
            Money(amount, "EUR")

    def test_float_message_shows_the_string_to_pass(self) -> None:
        with pytest.raises(ValidationError, match=r"pass a string such as '0\.1'"):
            Money(0.1, "EUR")

    @pytest.mark.parametrize("amount", [True, False, np.bool_(True)])
    def test_bool_refused(self, amount: Any) -> None:
        with pytest.raises(ValidationError, match=r"'amount' must be a str, int or Decimal \(got"):
            Money(amount, "EUR")

    @pytest.mark.parametrize(
        "amount",
        ["NaN", "nan", "Infinity", "-Infinity", "inf", Decimal("NaN"), Decimal("sNaN")],
    )
    def test_non_finite_refused(self, amount: Any) -> None:
        with pytest.raises(ValidationError, match="'amount' must be finite"):
            Money(amount, "EUR")

    @pytest.mark.parametrize("amount", ["abc", "", "1,50", None, [1], Fraction(1, 2)])
    def test_other_types_refused(self, amount: Any) -> None:
        with pytest.raises(ValidationError, match="'amount' must be"):
            Money(amount, "EUR")

    @pytest.mark.parametrize("currency", ["XXQ", "eur", 5, None])
    def test_bad_currency(self, currency: Any) -> None:
        with pytest.raises(ValidationError, match="'currency' must be"):
            Money("1", currency)

    def test_zero(self) -> None:
        assert repr(Money.zero("KWD")) == "Money('0.000', 'KWD')"
        assert repr(Money.zero("JPY")) == "Money('0', 'JPY')"
        assert Money.zero("EUR").is_zero()
        assert not eur("0.01").is_zero()

    def test_str_repr(self) -> None:
        assert str(eur("1.50")) == "1.50 EUR"
        assert repr(eur("1.50")) == "Money('1.50', 'EUR')"

    def test_frozen(self) -> None:
        money = eur("1")
        with pytest.raises(AttributeError):
            money.amount = Decimal(2)  # type: ignore[misc]


class TestArithmetic:
    def test_add_sub_same_currency(self) -> None:
        assert eur("10.00") + eur("2.5") == eur("12.50")
        assert eur("10.00") - eur("2.5") == eur("7.50")
        assert (eur("1") - eur("3")).amount == Decimal(-2)
        assert -eur("1.5") == eur("-1.5")
        assert abs(eur("-1.5")) == eur("1.5")

    @pytest.mark.parametrize(
        ("op", "verb"),
        [
            (lambda a, b: a + b, "add"),
            (lambda a, b: a - b, "subtract"),
            (lambda a, b: a / b, "divide"),
            (lambda a, b: a < b, "compare"),
            (lambda a, b: a >= b, "compare"),
        ],
    )
    def test_currency_mismatch(self, op: Any, verb: str) -> None:
        with pytest.raises(CurrencyMismatchError, match=f"cannot {verb} EUR and USD amounts"):
            op(eur("1"), Money("1", "USD"))

    def test_mismatch_is_a_validation_error(self) -> None:
        with pytest.raises(ValidationError):
            eur("1") + Money("1", "GBP")

    def test_add_number_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            eur("1") + 1  # type: ignore[operator]
        with pytest.raises(TypeError):
            eur("1") * eur("2")  # type: ignore[operator]

    @pytest.mark.parametrize(
        ("factor", "expected"),
        [
            (3, Decimal("59.97")),
            (Decimal("0.5"), Decimal("9.995")),
            (Fraction(1, 2), Decimal("9.995")),
            ("2", Decimal("39.98")),
            (0, Decimal(0)),
        ],
    )
    def test_multiply(self, factor: Any, expected: Decimal) -> None:
        assert (eur("19.99") * factor).amount == expected
        assert (factor * eur("19.99")).amount == expected

    @pytest.mark.parametrize(
        ("divisor", "expected"),
        [
            (4, Decimal("2.5")),
            (Decimal("0.5"), Decimal(20)),
            (Fraction(1, 4), Decimal(40)),
            (3, Decimal("3.333333333333333333333333333")),
        ],
    )
    def test_divide(self, divisor: Any, expected: Decimal) -> None:
        assert (eur("10") / divisor).amount == expected

    def test_divide_money_by_money_is_a_ratio(self) -> None:
        assert eur("1") / eur("4") == Decimal("0.25")

    @pytest.mark.parametrize("factor", [1.5, np.float32(2)])
    def test_float_factor_refused(self, factor: Any) -> None:
        with pytest.raises(ValidationError, match="cannot multiply money by a float"):
            eur("1") * factor
        with pytest.raises(ValidationError, match="cannot divide money by a float"):
            eur("1") / factor

    def test_bool_factor_refused(self) -> None:
        with pytest.raises(ValidationError, match="'factor' must be a str, int or Decimal"):
            eur("1") * True

    def test_divide_by_zero(self) -> None:
        with pytest.raises(ValidationError, match="cannot divide money by zero"):
            eur("1") / 0
        with pytest.raises(ValidationError, match="cannot divide by a zero amount"):
            eur("1") / eur("0")

    def test_comparisons(self) -> None:
        assert eur("1.00") == eur("1")
        assert hash(eur("1.00")) == hash(eur("1"))
        assert eur("1") != eur("1.01")
        assert eur("1") < eur("1.01")
        assert eur("1") <= eur("1.00")
        assert eur("2") > eur("1.99")
        assert eur("2") >= eur("2")
        assert not eur("2") < eur("2")
        assert eur("1") != Money("1", "USD")
        assert sorted([eur("3"), eur("-1"), eur("2")]) == [eur("-1"), eur("2"), eur("3")]
        assert max(eur("3"), eur("4")) == eur("4")

    def test_compare_with_number_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            eur("1") < 2  # type: ignore[operator]  # noqa: B015

    def test_sum(self) -> None:
        assert sum([eur("1.10"), eur("2.20"), eur("3.30")]) == eur("6.60")
        assert sum([eur("1")]) == eur("1")
        with pytest.raises(CurrencyMismatchError):
            sum([eur("1"), Money("1", "USD")])

    @given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=20))
    def test_sum_is_exact(self, minors: list[int]) -> None:
        total = sum(Money.from_minor(m, "EUR") for m in minors)
        assert isinstance(total, Money)
        assert total.to_minor() == sum(minors)


class TestRound:
    # value -> expected per mode, for EUR (2 digits)
    CASES: ClassVar[dict[str, dict[str, str]]] = {
        "2.345": {
            "half_up": "2.35",
            "half_even": "2.34",
            "half_down": "2.34",
            "up": "2.35",
            "down": "2.34",
            "ceiling": "2.35",
            "floor": "2.34",
        },
        "-2.345": {
            "half_up": "-2.35",
            "half_even": "-2.34",
            "half_down": "-2.34",
            "up": "-2.35",
            "down": "-2.34",
            "ceiling": "-2.34",
            "floor": "-2.35",
        },
        "2.355": {
            "half_up": "2.36",
            "half_even": "2.36",
            "half_down": "2.35",
            "up": "2.36",
            "down": "2.35",
            "ceiling": "2.36",
            "floor": "2.35",
        },
        "2.3412": {
            "half_up": "2.34",
            "half_even": "2.34",
            "half_down": "2.34",
            "up": "2.35",
            "down": "2.34",
            "ceiling": "2.35",
            "floor": "2.34",
        },
        "-2.3412": {
            "half_up": "-2.34",
            "half_even": "-2.34",
            "half_down": "-2.34",
            "up": "-2.35",
            "down": "-2.34",
            "ceiling": "-2.34",
            "floor": "-2.35",
        },
        "-0.005": {
            "half_up": "-0.01",
            "half_even": "0.00",
            "half_down": "0.00",
            "up": "-0.01",
            "down": "0.00",
            "ceiling": "0.00",
            "floor": "-0.01",
        },
    }

    @pytest.mark.parametrize("value", sorted(CASES))
    @pytest.mark.parametrize("mode", MODES)
    def test_eur(self, value: str, mode: str) -> None:
        rounded = eur(value).round(RoundingPolicy(mode=mode))  # type: ignore[arg-type]
        assert rounded == eur(self.CASES[value][mode])
        assert rounded.amount.as_tuple().exponent == -2

    @pytest.mark.parametrize(
        ("currency", "value", "mode", "expected"),
        [
            ("JPY", "100.5", "half_up", "101"),
            ("JPY", "100.5", "half_even", "100"),
            ("JPY", "100.5", "half_down", "100"),
            ("JPY", "-100.5", "half_up", "-101"),
            ("JPY", "100.1", "up", "101"),
            ("JPY", "-100.1", "ceiling", "-100"),
            ("JPY", "-100.1", "floor", "-101"),
            ("JPY", "100.9", "down", "100"),
            ("KWD", "1.2345", "half_up", "1.235"),
            ("KWD", "1.2345", "half_even", "1.234"),
            ("KWD", "1.2345", "half_down", "1.234"),
            ("KWD", "-1.2345", "half_up", "-1.235"),
            ("KWD", "-1.2341", "up", "-1.235"),
            ("KWD", "-1.2341", "ceiling", "-1.234"),
            ("KWD", "1.2349", "floor", "1.234"),
            ("KWD", "1.2349", "down", "1.234"),
        ],
    )
    def test_other_minor_units(self, currency: str, value: str, mode: str, expected: str) -> None:
        policy = RoundingPolicy(mode=mode)  # type: ignore[arg-type]
        assert Money(value, currency).round(policy) == Money(expected, currency)
        assert (
            Money(value, currency).round(policy).amount.as_tuple().exponent
            == -Currency(currency).minor_units
        )

    def test_default_is_half_up(self) -> None:
        assert eur("2.345").round() == eur("2.35")
        assert RoundingPolicy() == RoundingPolicy(mode="half_up", per="line")

    @given(
        st.integers(-(10**12), 10**12),
        st.integers(1, 6),
        st.sampled_from(MODES),
        st.sampled_from(["EUR", "JPY", "KWD"]),
    )
    def test_matches_decimal_quantize(self, units: int, extra: int, mode: str, code: str) -> None:
        cur = Currency(code)
        value = Decimal(units).scaleb(-(cur.minor_units + extra))
        expected = value.quantize(cur.quantum, rounding=DECIMAL_MODES[mode])
        rounded = Money(value, cur).round(RoundingPolicy(mode=mode))  # type: ignore[arg-type]
        assert rounded.amount == expected
        assert abs(rounded.amount - value) < cur.quantum


class TestRoundingPolicy:
    @pytest.mark.parametrize("mode", MODES)
    @pytest.mark.parametrize("per", ["line", "total"])
    def test_round_trip(self, mode: str, per: str) -> None:
        policy = RoundingPolicy(mode=mode, per=per)  # type: ignore[arg-type]
        data = json.loads(json.dumps(policy.to_dict()))
        assert data["schema"] == "lifecycle.rounding/1"
        assert RoundingPolicy.from_dict(data) == policy

    def test_apply(self) -> None:
        assert RoundingPolicy(mode="up").apply(Decimal("101.2"), Currency("JPY")) == Decimal(102)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"mode": "bankers"}, "'mode' must be one of"),
            ({"mode": "HALF_UP"}, "'mode' must be one of"),
            ({"per": "order"}, "'per' must be one of"),
        ],
    )
    def test_bad_values(self, kwargs: dict[str, str], message: str) -> None:
        # Bad values raise the library's ValidationError, like every other validator.
        with pytest.raises(ValidationError, match=message):
            RoundingPolicy(**kwargs)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"schema": "lifecycle.rounding/2", "mode": "up"}, "expected schema"),
            ({"mode": "up"}, "expected schema"),
            ({"schema": "lifecycle.rounding/1", "mode": "up", "digits": 2}, "unknown key 'digits'"),
        ],
    )
    def test_from_dict_schema_errors(self, data: dict[str, Any], message: str) -> None:
        with pytest.raises(SchemaError, match=message):
            RoundingPolicy.from_dict(data)


class TestAllocate:
    def test_issue_example(self) -> None:
        parts = eur("100").allocate([1, 1, 1])
        assert [p.amount for p in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
        assert sum(parts) == eur("100")

    @pytest.mark.parametrize(
        ("amount", "currency", "ratios", "expected"),
        [
            ("0.05", "EUR", [3, 7], ["0.02", "0.03"]),
            ("10", "EUR", [1, 0, 1], ["5.00", "0.00", "5.00"]),
            ("100", "JPY", [1, 1, 1], ["34", "33", "33"]),
            ("1", "KWD", [1, 1, 1], ["0.334", "0.333", "0.333"]),
            ("0.01", "EUR", [1, 1], ["0.01", "0.00"]),
            ("10", "EUR", ["0.5", Decimal("0.25"), "0.25"], ["5.00", "2.50", "2.50"]),
            ("1", "EUR", [1, 2], ["0.33", "0.67"]),
            ("-100", "EUR", [1, 1, 1], ["-33.33", "-33.33", "-33.34"]),
        ],
    )
    def test_examples(
        self, amount: str, currency: str, ratios: list[Any], expected: list[str]
    ) -> None:
        parts = Money(amount, currency).allocate(ratios)
        assert parts == tuple(Money(e, currency) for e in expected)

    @pytest.mark.parametrize(
        "ratios", [[], [0, 0], [1, -1, 3]], ids=["empty", "zero-sum", "negative"]
    )
    def test_bad_ratios(self, ratios: list[int]) -> None:
        with pytest.raises(ValidationError, match="'ratios' must be non-negative with a positive"):
            eur("1").allocate(ratios)

    def test_float_ratio_refused(self) -> None:
        with pytest.raises(ValidationError, match="'ratios' must be a str, int or Decimal, not a"):
            eur("1").allocate([0.5, 0.5])  # type: ignore[list-item]

    def test_amount_finer_than_minor_unit_refused(self) -> None:
        with pytest.raises(ValidationError, match="has more digits than EUR allows"):
            eur("1.005").allocate([1, 1])

    @settings(max_examples=300)
    @given(
        st.integers(-(10**12), 10**12),
        st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(lambda r: sum(r) > 0),
        st.sampled_from(["EUR", "JPY", "KWD"]),
    )
    def test_parts_sum_to_whole_and_stay_within_a_minor_unit(
        self, minor: int, ratios: list[int], code: str
    ) -> None:
        whole = Money.from_minor(minor, code)
        parts = whole.allocate(ratios)
        assert len(parts) == len(ratios)
        assert all(p.currency == whole.currency for p in parts)
        assert sum(p.to_minor() for p in parts) == minor
        for part, ratio in zip(parts, ratios, strict=True):
            exact = Fraction(minor) * ratio / sum(ratios)
            assert abs(Fraction(part.to_minor()) - exact) < 1


class TestMinorUnits:
    @pytest.mark.parametrize(
        ("amount", "currency", "minor"),
        [
            ("19.99", "EUR", 1999),
            ("19.9", "EUR", 1990),
            ("-0.01", "EUR", -1),
            ("500", "JPY", 500),
            ("1.234", "KWD", 1234),
            ("0", "BHD", 0),
        ],
    )
    def test_to_and_from_minor(self, amount: str, currency: str, minor: int) -> None:
        assert Money(amount, currency).to_minor() == minor
        assert Money.from_minor(minor, currency) == Money(amount, currency)

    def test_from_minor_writes_the_minor_digits(self) -> None:
        assert repr(Money.from_minor(1990, "EUR")) == "Money('19.90', 'EUR')"
        assert repr(Money.from_minor(np.int64(5), "KWD")) == "Money('0.005', 'KWD')"

    @pytest.mark.parametrize(("amount", "currency"), [("1.005", "EUR"), ("1.5", "JPY")])
    def test_too_many_digits(self, amount: str, currency: str) -> None:
        with pytest.raises(
            ValidationError,
            match=r"has more digits than .* allows .*round it first or pass rounding=",
        ):
            Money(amount, currency).to_minor()

    @pytest.mark.parametrize(
        ("mode", "expected"), [("half_up", 101), ("half_even", 100), ("down", 100), ("up", 101)]
    )
    def test_to_minor_with_rounding(self, mode: str, expected: int) -> None:
        policy = RoundingPolicy(mode=mode)  # type: ignore[arg-type]
        assert eur("1.005").to_minor(policy) == expected

    @pytest.mark.parametrize("minor", [1.0, "100", True, Decimal(1)])
    def test_from_minor_needs_an_int(self, minor: Any) -> None:
        with pytest.raises(ValidationError, match="'minor' must be an int count of minor units"):
            Money.from_minor(minor, "EUR")

    @given(INT64, st.sampled_from(sorted(ISSUE_CURRENCIES)))
    def test_round_trip(self, minor: int, code: str) -> None:
        money = Money.from_minor(minor, code)
        assert money.to_minor() == minor
        assert Money.from_minor(money.to_minor(), code) == money


class TestToDict:
    def test_round_trip(self) -> None:
        money = Money("1.50", "KWD")
        data = json.loads(json.dumps(money.to_dict()))
        assert data == {"amount": "1.50", "currency": "KWD"}
        assert Money.from_dict(data) == money

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"amount": "1"}, "money: missing key 'currency'"),
            ({"amount": "1", "currency": "EUR", "x": 1}, "money: unknown key 'x'"),
            (["1", "EUR"], "money: expected a mapping"),
        ],
    )
    def test_schema_errors(self, data: Any, message: str) -> None:
        with pytest.raises(SchemaError, match=message):
            Money.from_dict(data)

    def test_float_amount_refused(self) -> None:
        with pytest.raises(ValidationError, match="not a float"):
            Money.from_dict({"amount": 1.5, "currency": "EUR"})


class TestDivideMinor:
    def test_examples(self) -> None:
        assert divide_minor([250, -250, 249], 100).tolist() == [3, -3, 2]
        assert divide_minor([250, 350], 100, mode="half_even").tolist() == [2, 4]
        out = divide_minor(np.array([7, 8]), np.array([2, 4]))
        assert out.dtype == np.int64
        assert out.tolist() == [4, 2]

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [
            ("half_up", [3, -3, 2, -2, 3]),
            ("half_even", [2, -2, 2, -2, 3]),
            ("half_down", [2, -2, 2, -2, 3]),
            ("up", [3, -3, 3, -3, 3]),
            ("down", [2, -2, 2, -2, 3]),
            ("ceiling", [3, -2, 3, -2, 3]),
            ("floor", [2, -3, 2, -3, 3]),
        ],
    )
    def test_every_mode(self, mode: str, expected: list[int]) -> None:
        # 2.5, -2.5, 2.2, -2.2, 3
        out = divide_minor([5, -5, 11, -11, 15], [2, 2, 5, 5, 5], mode=mode)  # type: ignore[arg-type]
        assert out.tolist() == expected

    def test_denominator_must_be_positive(self) -> None:
        with pytest.raises(ValidationError, match="'denominator' must be positive"):
            divide_minor([1, 2], [1, 0])
        with pytest.raises(ValidationError, match="'denominator' must be positive"):
            divide_minor([1], -3)

    def test_unknown_mode(self) -> None:
        with pytest.raises(ValidationError, match=r"'mode' must be one of \('half_up'"):
            divide_minor([1], 1, mode="bankers")  # type: ignore[arg-type]

    @settings(max_examples=300)
    @given(
        st.lists(st.tuples(INT64, st.integers(1, 2**63 - 1)), min_size=1, max_size=8),
        st.sampled_from(MODES),
    )
    def test_equals_decimal_quantize(self, pairs: list[tuple[int, int]], mode: str) -> None:
        num = np.array([p[0] for p in pairs], dtype=np.int64)
        den = np.array([p[1] for p in pairs], dtype=np.int64)
        out = divide_minor(num, den, mode=mode)  # type: ignore[arg-type]
        # 80 digits decide every tie of int64 operands exactly.
        with decimal.localcontext(prec=80):
            expected = [
                int((Decimal(n) / Decimal(d)).quantize(Decimal(1), rounding=DECIMAL_MODES[mode]))
                for n, d in pairs
            ]
        assert out.tolist() == expected

    @settings(max_examples=300)
    @given(
        st.lists(
            st.tuples(st.integers(-(10**15), 10**15), st.integers(1, 10**6)), min_size=1, max_size=8
        ),
        st.sampled_from(MODES),
    )
    def test_equals_decimal_quantize_money_sizes(
        self, pairs: list[tuple[int, int]], mode: str
    ) -> None:
        num = np.array([p[0] for p in pairs], dtype=np.int64)
        den = np.array([p[1] for p in pairs], dtype=np.int64)
        out = divide_minor(num, den, mode=mode)  # type: ignore[arg-type]
        with decimal.localcontext(prec=80):
            expected = [
                int((Decimal(n) / Decimal(d)).quantize(Decimal(1), rounding=DECIMAL_MODES[mode]))
                for n, d in pairs
            ]
        assert out.tolist() == expected

    def test_large_denominator(self) -> None:
        # (2**63 - 2) / (2**63 - 1) is just below 1: half-up gives 1. "Exact for int64 inputs".
        assert divide_minor([2**63 - 2], [2**63 - 1]).tolist() == [1]


class TestDivideMinorInput:
    @pytest.mark.parametrize(
        ("numerator", "match"),
        [
            ([2.7, 3.9], "integer minor units .*float64.*never a float"),
            ([1e300], "integer minor units .*float64"),
            ([2**70], "must fit in int64"),
            (np.array([2**64 - 1], dtype=np.uint64), "must fit in int64"),
            ([True, False], "integer minor units .*bool"),
        ],
    )
    def test_refuses_what_it_cannot_divide_exactly(self, numerator: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            divide_minor(numerator, 1)

    def test_refuses_a_float_denominator(self) -> None:
        with pytest.raises(ValidationError, match="'denominator' must be integer"):
            divide_minor([10], [2.0])

    def test_integer_inputs_of_any_width_are_exact(self) -> None:
        big = np.array([2**63 - 1], dtype=np.uint64)
        assert divide_minor(big, 1).tolist() == [2**63 - 1]
        assert divide_minor(np.array([7], dtype=np.int8), 2, mode="half_even").tolist() == [4]
        assert divide_minor([], 3).tolist() == []
