"""Tests of lifecycle.signals: Profile, Population and the standard signals."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.strategies import as_of_dates, definitions, event_logs, log_and_as_of
from lifecycle import Condition, EventLog, Money, Population, Profile, define_signal, signal
from lifecycle.errors import (
    SchemaError,
    UnknownCustomerError,
    UnknownSignalError,
    ValidationError,
)
from lifecycle.signals import (
    SIGNALS,
    NamedSignal,
    SignalSpec,
    count,
    definition_from_dict,
    distinct,
    last,
    mean,
    minimum,
    population,
    profile,
    snapshots,
    total,
)

AS_OF = dt.date(2024, 12, 31)


def days_before(n: int, as_of: dt.date = AS_OF) -> str:
    return (as_of - dt.timedelta(days=n)).isoformat()


def buy(customer: Any, date: str, amount: str | None = None, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"customer": customer, "date": date, **extra}
    if amount is not None:
        record["amount"] = amount
        record["currency"] = "EUR"
    return record


def make_log(records: list[dict[str, Any]], **kwargs: Any) -> EventLog:
    log = EventLog.from_records(records, **kwargs)
    assert isinstance(log, EventLog)
    return log


def single_and_batch(log: EventLog, customer: Any, as_of: Any, name: str) -> tuple[Any, Any]:
    """The profile value and the population value (None when missing) of one signal."""
    prof = log.profile(customer, as_of)
    pop = log.population(as_of)
    i = pop.customer.tolist().index(customer)
    return prof[name], batch_value(pop, name, i)


def batch_value(pop: Population, name: str, i: int) -> Any:
    """The population value of customer row ``i`` as the profile would show it."""
    if pop.is_missing(name)[i]:
        return None
    value = pop[name][i]
    kind = pop.kind_of(name)
    if kind == "money":
        assert pop.currency is not None
        return Money.from_minor(int(value), pop.currency)
    if kind == "date":
        return value.item()
    if kind == "days":
        assert float(value).is_integer()
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------------- SIGNALS


class TestSignalSpecs:
    STANDARD = (
        "first_purchase",
        "last_purchase",
        "tenure_days",
        "days_since_last_purchase",
        "purchase_count",
        "repeat_purchase_count",
        "total_spend",
        "average_order_value",
        "purchases_90d",
        "spend_90d",
        "purchases_prev_90d",
        "spend_prev_90d",
        "purchases_365d",
        "spend_365d",
        "category_count",
        "complaints_90d",
        "last_survey_score",
        "mean_interpurchase_days",
    )

    @pytest.mark.parametrize("name", STANDARD)
    def test_every_signal_of_the_issue_is_documented(self, name: str) -> None:
        spec = SIGNALS[name]
        assert isinstance(spec, SignalSpec)
        assert spec.name == name
        assert spec.unit
        assert spec.description

    @pytest.mark.parametrize(
        ("name", "kind"),
        [
            ("first_purchase", "date"),
            ("tenure_days", "days"),
            ("purchase_count", "count"),
            ("total_spend", "money"),
            ("last_survey_score", "number"),
            ("cancelled", "bool"),
        ],
    )
    def test_kinds(self, name: str, kind: str) -> None:
        assert SIGNALS[name].kind == kind

    def test_profile_and_population_have_every_signal(self) -> None:
        log = make_log([buy(1, "2024-01-01", "1")])
        assert set(log.profile(1, AS_OF).values) == set(SIGNALS)
        assert set(log.population(AS_OF).columns) == {"customer", *SIGNALS}


# ---------------------------------------------------------------------- hand-built examples


class TestProfile:
    @pytest.fixture
    def log(self) -> EventLog:
        return make_log(
            [
                buy("ann", "2024-01-10", "30.00", category="books"),
                buy("ann", "2024-01-10", "5.00", category="music"),
                buy("ann", "2024-06-01", "20.01", category="books", quantity=3),
                buy("ann", "2024-12-01", "10.00"),
                buy("ann", "2024-11-15", kind="complaint"),
                buy("ann", "2024-05-01", kind="complaint"),
                buy("ann", "2024-03-01", kind="survey", score=4),
                buy("ann", "2024-10-01", kind="survey", score=9),
                buy("ann", "2024-11-01", kind="survey"),
                buy("ann", "2024-12-20", kind="visit"),
                buy("ann", "2024-07-01", kind="return", amount="5.00"),
                buy("ann", "2025-01-05", "999.00"),
                buy("bob", "2024-12-30", kind="visit"),
            ]
        )

    def test_values(self, log: EventLog) -> None:
        p = log.profile("ann", AS_OF)
        assert p.customer == "ann"
        assert p.as_of == AS_OF
        assert p.currency is not None
        assert p.currency.code == "EUR"
        assert p.first_purchase == dt.date(2024, 1, 10)
        assert p.last_purchase == dt.date(2024, 12, 1)
        assert p.tenure_days == (AS_OF - dt.date(2024, 1, 10)).days
        assert p.days_since_last_purchase == 30
        assert p.purchase_count == 4
        assert p.repeat_purchase_count == 3
        assert p.total_spend == Money("65.01", "EUR")
        # 65.01 / 4 = 16.2525 -> 16.25 (half-even to the cent)
        assert p.average_order_value == Money("16.25", "EUR")
        assert p.purchases_90d == 1
        assert p.spend_90d == Money("10.00", "EUR")
        assert p.purchases_prev_90d == 0
        assert p.spend_prev_90d == Money("0", "EUR")
        assert p.purchases_365d == 4
        assert p.spend_365d == Money("65.01", "EUR")
        assert p.category_count == 2
        assert p.complaints_90d == 1
        assert p.last_survey_score == 9.0
        # purchase days 2024-01-10, 06-01, 12-01: 326 days over 2 gaps
        assert p.mean_interpurchase_days == 163.0
        assert p.lapse_ratio == 30 / 163.0
        assert p.total_quantity == 1 + 1 + 3 + 1
        assert p.return_count == 1
        assert p.visit_count == 1
        assert p.visits_90d == 1
        assert p.cancelled is False

    def test_population_row_matches(self, log: EventLog) -> None:
        pop = log.population(AS_OF)
        assert pop.customer.tolist() == ["ann", "bob"]
        for i, customer in enumerate(pop.customer.tolist()):
            assert_profile_matches_row(log.profile(customer, AS_OF), pop, i)

    def test_items_and_attributes_agree(self, log: EventLog) -> None:
        p = log.profile("ann", AS_OF)
        for name in SIGNALS:
            assert p[name] == getattr(p, name)

    def test_events_after_as_of_are_ignored(self, log: EventLog) -> None:
        before = log.profile("ann", AS_OF)
        after = log.profile("ann", "2025-01-05")
        assert before.total_spend == Money("65.01", "EUR")
        assert after.total_spend == Money("1064.01", "EUR")
        assert after.purchase_count == 5

    def test_customer_without_purchase(self, log: EventLog) -> None:
        p = log.profile("bob", AS_OF)
        for name in (
            "first_purchase",
            "last_purchase",
            "tenure_days",
            "days_since_last_purchase",
            "average_order_value",
            "last_survey_score",
            "mean_interpurchase_days",
            "lapse_ratio",
        ):
            assert p[name] is None, name
        assert p.tenure is None
        assert p.purchase_count == 0
        assert p.repeat_purchase_count == 0
        assert p.total_spend == Money("0", "EUR")
        assert p.spend_90d == Money("0", "EUR")
        assert p.visit_count == 1

    def test_customer_whose_events_are_all_after_as_of(self, log: EventLog) -> None:
        p = log.profile("bob", "2024-12-01")
        assert p.purchase_count == 0
        assert p.visit_count == 0
        assert p.last_purchase is None

    def test_log_without_amounts_has_missing_money(self) -> None:
        log = make_log([buy(1, "2024-01-01")])
        p = log.profile(1, AS_OF)
        assert p.currency is None
        assert p.total_spend is None
        assert p.spend_90d is None
        assert p.average_order_value is None
        assert p.purchase_count == 1

    def test_iso_string_and_date_as_of_agree(self, log: EventLog) -> None:
        assert log.profile("ann", "2024-12-31") == log.profile("ann", AS_OF)

    def test_module_function_equals_method(self, log: EventLog) -> None:
        assert profile(log, "ann", AS_OF) == log.profile("ann", AS_OF)

    def test_unknown_customer(self, log: EventLog) -> None:
        with pytest.raises(UnknownCustomerError, match="customer 'zed' has no events"):
            log.profile("zed", AS_OF)
        with pytest.raises(UnknownCustomerError, match="its ids are strings"):
            log.profile(1, AS_OF)

    def test_bad_as_of(self, log: EventLog) -> None:
        with pytest.raises(ValidationError, match="'as_of' must be a date"):
            log.profile("ann", "31/12/2024")

    def test_unknown_signal(self, log: EventLog) -> None:
        p = log.profile("ann", AS_OF)
        with pytest.raises(UnknownSignalError, match="unknown signal 'spend'; known signals: "):
            p["spend"]
        with pytest.raises(AttributeError, match="profile has no signal 'spend'"):
            _ = p.spend

    def test_with_attributes(self, log: EventLog) -> None:
        p = log.profile("ann", AS_OF)
        q = p.with_attributes(segment="gold", birthday=dt.date(1990, 5, 1))
        assert q.segment == "gold"
        assert q["birthday"] == dt.date(1990, 5, 1)
        assert q.total_spend == p.total_spend
        with pytest.raises(AttributeError):
            _ = p.segment
        with pytest.raises(ValidationError, match=r"must not shadow standard signals \(got \["):
            p.with_attributes(total_spend=0)

    def test_repr(self, log: EventLog) -> None:
        assert repr(log.profile("ann", AS_OF)) == "Profile(customer='ann', as_of=2024-12-31)"

    def test_values_cannot_be_changed_after_the_fact(self, log: EventLog) -> None:
        p = log.profile("ann", AS_OF)
        with pytest.raises(TypeError):
            p.values["purchase_count"] = 99  # type: ignore[index]
        for change in (lambda v: v.update(purchase_count=99), lambda v: v.pop("purchase_count")):
            with pytest.raises(TypeError, match="read-only"):
                change(p.values)
        assert p.purchase_count != 99

    def test_profiles_are_hashable_values(self, log: EventLog) -> None:
        p, q = log.profile("ann", AS_OF), log.profile("ann", AS_OF)
        assert p == q
        assert hash(p) == hash(q)
        assert len({p, q, p.with_attributes(segment="gold")}) == 2


class TestTenure:
    @pytest.mark.parametrize(
        ("first", "as_of", "expected"),
        [
            ("2024-01-31", "2024-02-29", relativedelta(months=1)),
            ("2023-01-31", "2023-02-28", relativedelta(months=1)),
            ("2024-01-31", "2024-02-28", relativedelta(days=28)),
            ("2022-01-31", "2024-02-29", relativedelta(years=2, months=1)),
            ("2024-02-29", "2025-02-28", relativedelta(years=1)),
            ("2024-03-15", "2024-03-15", relativedelta()),
        ],
    )
    def test_calendar_tenure(self, first: str, as_of: str, expected: relativedelta) -> None:
        log = make_log([buy(1, first)])
        p = log.profile(1, as_of)
        assert p.tenure == expected
        assert p.tenure_days == (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(first)).days


class TestWindows:
    """Windows are (as_of - 90d, as_of], (as_of - 180d, as_of - 90d] and (as_of - 365d, as_of]."""

    @pytest.mark.parametrize(
        ("age", "in_90", "in_prev_90", "in_365"),
        [
            (0, 1, 0, 1),
            (1, 1, 0, 1),
            (89, 1, 0, 1),
            (90, 0, 1, 1),
            (91, 0, 1, 1),
            (179, 0, 1, 1),
            (180, 0, 0, 1),
            (181, 0, 0, 1),
            (364, 0, 0, 1),
            (365, 0, 0, 0),
            (366, 0, 0, 0),
        ],
    )
    def test_purchase_window_edges(
        self, age: int, in_90: int, in_prev_90: int, in_365: int
    ) -> None:
        log = make_log(
            [
                buy(1, days_before(age), "7.00"),
                buy(1, days_before(age), kind="complaint"),
                buy(1, days_before(age), kind="visit"),
            ]
        )
        for engine in (0, 1):
            values = {}
            for name in (
                "purchases_90d",
                "spend_90d",
                "purchases_prev_90d",
                "spend_prev_90d",
                "purchases_365d",
                "spend_365d",
                "complaints_90d",
                "visits_90d",
            ):
                values[name] = single_and_batch(log, 1, AS_OF, name)[engine]
            assert values["purchases_90d"] == in_90
            assert values["spend_90d"] == Money(7 * in_90, "EUR")
            assert values["purchases_prev_90d"] == in_prev_90
            assert values["spend_prev_90d"] == Money(7 * in_prev_90, "EUR")
            assert values["purchases_365d"] == in_365
            assert values["spend_365d"] == Money(7 * in_365, "EUR")
            assert values["complaints_90d"] == in_90
            assert values["visits_90d"] == in_90

    def test_event_after_as_of_is_outside_every_window(self) -> None:
        log = make_log([buy(1, "2024-01-01", "1"), buy(1, days_before(-1), "5")])
        p = log.profile(1, AS_OF)
        assert p.purchases_90d == 0
        assert p.purchase_count == 1
        assert p.last_purchase == dt.date(2024, 1, 1)


class TestDerivedSignals:
    def test_average_order_value_rounds_half_even(self) -> None:
        log = make_log([buy(1, "2024-01-01", "0.01"), buy(1, "2024-01-02", "0.02")])
        # 0.03 / 2 = 0.015 -> 0.02 (half-even: 1.5 cents -> 2)
        assert single_and_batch(log, 1, AS_OF, "average_order_value") == (
            Money("0.02", "EUR"),
            Money("0.02", "EUR"),
        )
        log = make_log([buy(1, "2024-01-01", "0.02"), buy(1, "2024-01-02", "0.03")])
        # 0.05 / 2 = 0.025 -> 0.02
        assert single_and_batch(log, 1, AS_OF, "average_order_value")[0] == Money("0.02", "EUR")

    def test_mean_interpurchase_days_merges_same_day(self) -> None:
        log = make_log(
            [buy(1, "2024-01-01"), buy(1, "2024-01-01"), buy(1, "2024-01-11"), buy(1, "2024-01-31")]
        )
        assert single_and_batch(log, 1, AS_OF, "mean_interpurchase_days") == (15.0, 15.0)

    def test_one_purchase_day_has_no_interpurchase_time(self) -> None:
        log = make_log([buy(1, "2024-01-01"), buy(1, "2024-01-01")])
        assert single_and_batch(log, 1, AS_OF, "mean_interpurchase_days") == (None, None)
        assert single_and_batch(log, 1, AS_OF, "lapse_ratio") == (None, None)

    def test_last_survey_score_skips_unanswered(self) -> None:
        log = make_log(
            [
                buy(1, "2024-01-01", kind="survey", score=3),
                buy(1, "2024-02-01", kind="survey", score=8),
                buy(1, "2024-03-01", kind="survey"),
                buy(1, "2024-03-02", kind="visit", score=1),
            ]
        )
        assert single_and_batch(log, 1, AS_OF, "last_survey_score") == (8.0, 8.0)
        assert single_and_batch(log, 1, "2024-01-15", "last_survey_score") == (3.0, 3.0)

    def test_category_count_counts_purchases_only(self) -> None:
        log = make_log(
            [
                buy(1, "2024-01-01", category="a"),
                buy(1, "2024-01-02", category="a"),
                buy(1, "2024-01-03", category="b"),
                buy(1, "2024-01-04", kind="visit", category="c"),
                buy(1, "2024-06-04", category="d"),
                buy(1, "2024-01-04"),
            ]
        )
        assert single_and_batch(log, 1, AS_OF, "category_count") == (3, 3)
        assert single_and_batch(log, 1, "2024-02-01", "category_count") == (2, 2)

    @pytest.mark.parametrize(
        ("events", "expected"),
        [
            ([("2024-01-01", "purchase"), ("2024-02-01", "cancellation")], True),
            ([("2024-02-01", "purchase"), ("2024-02-01", "cancellation")], True),
            ([("2024-01-01", "cancellation"), ("2024-02-01", "purchase")], False),
            ([("2024-01-01", "cancellation")], True),
            ([("2024-01-01", "visit")], False),
        ],
    )
    def test_cancelled(self, events: list[tuple[str, str]], expected: bool) -> None:
        log = make_log([buy(1, d, kind=k) for d, k in events])
        assert single_and_batch(log, 1, AS_OF, "cancelled") == (expected, expected)

    def test_total_quantity_defaults_to_one_per_purchase(self) -> None:
        log = make_log([buy(1, "2024-01-01", quantity=4), buy(1, "2024-01-02")])
        assert single_and_batch(log, 1, AS_OF, "total_quantity") == (5, 5)

    def test_attribute_carried_is_the_latest_present_on_or_before_as_of(self) -> None:
        log = make_log(
            [
                buy(1, "2024-01-01", segment="bronze"),
                buy(1, "2024-02-01", segment="gold"),
                buy(1, "2024-03-01", segment=None),
                buy(1, "2025-03-01", segment="silver"),
                buy(2, "2024-03-01"),
            ],
            attributes=["segment"],
        )
        assert single_and_batch(log, 1, AS_OF, "segment") == ("gold", "gold")
        assert single_and_batch(log, 1, "2024-01-15", "segment") == ("bronze", "bronze")
        assert single_and_batch(log, 2, AS_OF, "segment") == (None, None)
        pop = log.population(AS_OF)
        assert pop.kind_of("segment") == "attribute"
        assert pop.is_missing("segment").tolist() == [False, True]


# ---------------------------------------------------------------------- Population


class TestMissingAmounts:
    """A purchase without an amount is unknown, not a purchase of 0 (both engines)."""

    @pytest.fixture
    def log(self) -> EventLog:
        return make_log(
            [
                buy(1, days_before(30), "10"),
                buy(1, days_before(20)),
                buy(1, days_before(10), "20"),
                buy(2, days_before(200)),
                buy(2, days_before(10)),
                buy(3, days_before(5), "7"),
            ],
            currency="EUR",
        )

    @pytest.mark.parametrize(
        ("customer", "name", "expected"),
        [
            (1, "average_order_value", Money("15.00", "EUR")),
            (1, "total_spend", Money("30.00", "EUR")),
            (1, "spend_90d", Money("30.00", "EUR")),
            (1, "purchase_count", 3),
            (2, "average_order_value", None),
            (2, "total_spend", None),
            (2, "spend_90d", None),
            (2, "spend_prev_90d", Money("0.00", "EUR")),
            (3, "spend_prev_90d", Money("0.00", "EUR")),
        ],
    )
    def test_known_amounts_only(
        self, log: EventLog, customer: int, name: str, expected: Any
    ) -> None:
        assert single_and_batch(log, customer, AS_OF, name) == (expected, expected)


class TestMoneyOverflow:
    def test_sums_past_int64_raise_in_both_engines(self) -> None:
        log = make_log([buy("big", days_before(d), "5e16") for d in (1, 2)])
        match = "signal 'total_spend' of customer 'big' is 10000000000000000000 minor units"
        with pytest.raises(ValidationError, match=match):
            log.profile("big", AS_OF)
        with pytest.raises(ValidationError, match=match):
            log.population(AS_OF)

    def test_int64_extremes_that_fit_are_exact(self) -> None:
        top = 2**63 - 1
        log = EventLog.from_arrays(
            customer=[1, 2, 2],
            date=["2024-01-01"] * 3,
            amount_minor=[top, top - 1, 1],
            currency="EUR",
        )
        pop = log.population("2024-01-02")
        assert pop.total_spend.tolist() == [top, top]
        assert pop.average_order_value.tolist() == [top, 2**62]
        for i, customer in enumerate((1, 2)):
            assert log.profile(customer, "2024-01-02").total_spend == Money.from_minor(top, "EUR")
            assert pop.row(i)["total_spend"] == top

    def test_window_sums_past_int64_name_the_window(self) -> None:
        log = EventLog.from_arrays(
            customer=[1, 1, 2],
            date=["2024-01-01", "2024-01-01", "2023-01-01"],
            amount_minor=[2**62, 2**62, 2**62],
            currency="EUR",
        )
        with pytest.raises(ValidationError, match="'total_spend' of customer 1"):
            log.population("2024-01-02")


class TestPopulation:
    @pytest.fixture
    def log(self) -> EventLog:
        return make_log(
            [
                buy(2, "2024-03-10", "50.00"),
                buy(2, "2024-01-10", "30.00"),
                buy(1, "2024-03-01", kind="visit"),
                buy(3, "2025-06-01", "1.00"),
            ]
        )

    def test_columns(self, log: EventLog) -> None:
        pop = log.population("2024-03-31")
        assert isinstance(pop, Population)
        assert pop.as_of == dt.date(2024, 3, 31)
        assert pop.currency is not None
        assert pop.currency.code == "EUR"
        assert len(pop) == 2
        assert pop.customer.tolist() == [1, 2]
        assert pop["customer"].tolist() == [1, 2]
        assert pop.purchase_count.tolist() == [0, 2]
        assert pop.total_spend.dtype == np.int64
        assert pop.total_spend.tolist() == [0, 8000]
        assert pop.average_order_value.tolist()[1] == 4000
        assert pop.first_purchase.dtype == np.dtype("datetime64[D]")
        assert np.isnat(pop.first_purchase[0])
        assert pop.first_purchase[1] == np.datetime64("2024-01-10")
        assert np.isnan(pop.days_since_last_purchase[0])
        assert pop.days_since_last_purchase[1] == 21.0
        assert pop.cancelled.dtype == np.bool_

    def test_customers_without_events_by_as_of_are_excluded(self, log: EventLog) -> None:
        assert log.population("2025-06-01").customer.tolist() == [1, 2, 3]
        assert log.population("2024-03-05").customer.tolist() == [1, 2]
        assert len(log.population("2023-01-01")) == 0

    def test_is_missing(self, log: EventLog) -> None:
        pop = log.population("2024-03-31")
        assert pop.is_missing("first_purchase").tolist() == [True, False]
        assert pop.is_missing("tenure_days").tolist() == [True, False]
        assert pop.is_missing("average_order_value").tolist() == [True, False]
        assert pop.is_missing("total_spend").tolist() == [False, False]
        assert pop.is_missing("purchase_count").tolist() == [False, False]
        assert pop.is_missing("last_survey_score").tolist() == [True, True]

    def test_money_is_masked_without_a_currency(self) -> None:
        log = make_log([buy(1, "2024-01-01")])
        pop = log.population(AS_OF)
        assert pop.currency is None
        for name in ("total_spend", "spend_90d", "spend_prev_90d", "spend_365d"):
            assert pop.is_missing(name).tolist() == [True]

    def test_unknown_signal(self, log: EventLog) -> None:
        pop = log.population("2024-03-31")
        with pytest.raises(UnknownSignalError, match="unknown signal 'spend'"):
            pop.is_missing("spend")
        with pytest.raises(UnknownSignalError, match="unknown signal 'spend'"):
            pop.kind_of("spend")
        with pytest.raises(AttributeError, match="no column 'spend'"):
            _ = pop.spend

    def test_columns_are_read_only(self, log: EventLog) -> None:
        pop = log.population("2024-03-31")
        with pytest.raises(ValueError, match="read-only"):
            pop.purchase_count[0] = 5

    def test_module_function_equals_method(self, log: EventLog) -> None:
        a, b = population(log, "2024-03-31"), log.population("2024-03-31")
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])

    def test_join(self, log: EventLog) -> None:
        pop = log.population("2024-03-31")
        joined = pop.join({"customer": [2, 7], "segment": ["gold", "silver"]})
        assert joined.segment.tolist() == [None, "gold"]
        assert joined.is_missing("segment").tolist() == [True, False]
        assert joined.kind_of("segment") == "attribute"
        assert joined.as_of == pop.as_of
        assert joined.is_missing("average_order_value").tolist() == [True, False]
        assert "segment" not in pop

    def test_join_refuses_clashes_and_duplicates(self, log: EventLog) -> None:
        pop = log.population("2024-03-31")
        with pytest.raises(
            ValidationError, match=r"must not replace existing ones \(got \['total_"
        ):
            pop.join({"customer": [1], "total_spend": [3]})
        with pytest.raises(ValidationError, match="duplicate 'customer' values"):
            pop.join({"customer": [1, 1], "segment": ["a", "b"]})

    def test_to_pandas(self, log: EventLog) -> None:
        frame = log.population("2024-03-31").to_pandas()
        assert frame.shape == (2, 1 + len(SIGNALS))
        assert frame["purchase_count"].tolist() == [0, 2]


class TestSnapshots:
    def test_rows_equal_profiles(self) -> None:
        log = make_log([buy("a", "2024-01-01", "1"), buy("a", "2024-02-01", "2")])
        snaps = snapshots(log, ["a", "a", "a"], ["2024-01-15", "2024-02-15", "2023-01-01"])
        assert snaps.as_of is None
        assert snaps.purchase_count.tolist() == [1, 2, 0]
        assert snaps.total_spend.tolist() == [100, 300, 0]
        assert snaps["as_of"].tolist() == [
            dt.date(2024, 1, 15),
            dt.date(2024, 2, 15),
            dt.date(2023, 1, 1),
        ]

    def test_unknown_customer_and_shape(self) -> None:
        log = make_log([buy("a", "2024-01-01")])
        with pytest.raises(UnknownCustomerError, match="customer 'b' has no events"):
            snapshots(log, ["a", "b"], ["2024-01-15", "2024-01-15"])
        with pytest.raises(ValidationError, match="must be 1-D of equal length"):
            snapshots(log, ["a"], ["2024-01-15", "2024-01-16"])


# ---------------------------------------------------------------------- the two engines agree


def assert_profile_matches_row(prof: Profile, pop: Population, i: int) -> None:
    assert prof.customer == pop.customer[i].item()
    names = [name for name in pop.columns if name not in ("customer", "as_of")]
    assert set(names) == set(prof.values)
    for name in names:
        single = prof[name]
        batch = batch_value(pop, name, i)
        if isinstance(single, float) and isinstance(batch, float):
            assert single == batch or (math.isnan(single) and math.isnan(batch)), name
        else:
            assert single == batch, (name, single, batch)
            assert type(single) is type(batch), (name, single, batch)
        assert bool(pop.is_missing(name)[i]) == (single is None), name


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log_and_as_of())
def test_profile_equals_population_row(case: tuple[EventLog, dt.date]) -> None:
    log, as_of = case
    pop = log.population(as_of)
    present = log.date.astype("datetime64[D]") <= np.datetime64(as_of, "D")
    assert pop.customer.tolist() == sorted(set(log.customer[present].tolist()))
    assert pop.as_of == as_of
    assert pop.currency == log.currency
    for i, customer in enumerate(pop.customer.tolist()):
        assert_profile_matches_row(log.profile(customer, as_of), pop, i)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_snapshots_equal_profiles(data: st.DataObject) -> None:
    log = data.draw(event_logs())
    customers = data.draw(st.lists(st.sampled_from(log.customers.tolist()), min_size=1))
    dates = [data.draw(as_of_dates(log)) for _ in customers]
    snaps = snapshots(log, customers, dates)
    for i, (customer, as_of) in enumerate(zip(customers, dates, strict=True)):
        assert_profile_matches_row(log.profile(customer, as_of), snaps, i)


class TestSnapshotsSignals:
    def test_only_the_signals_asked_for(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": 1, "date": "2024-01-01", "amount": "5", "currency": "EUR"},
                {"customer": 1, "date": "2024-02-01", "kind": "visit"},
            ]
        )
        full = snapshots(log, [1, 1], ["2024-01-15", "2024-03-01"])
        some = snapshots(
            log, [1, 1], ["2024-01-15", "2024-03-01"], signals=["visit_count", "lapse_ratio"]
        )
        assert set(some.columns) == {"customer", "as_of", "visit_count", "lapse_ratio"}
        assert some.visit_count.tolist() == full.visit_count.tolist() == [0, 1]

    def test_unknown_signal_names_raise(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(UnknownSignalError, match="unknown signal 'visits'"):
            snapshots(log, [1], ["2024-01-02"], signals=["visits"])


# ---------------------------------------------------------------------- user-defined signals


def batch_of(kind: str, values: Any, missing: Any, i: int, currency: Any) -> Any:
    """Row ``i`` of a computed column as the profile shows it."""
    if missing[i]:
        return None
    value = values[i]
    if kind == "money":
        return Money.from_minor(int(value), currency)
    if kind == "date":
        return value.item()
    if kind == "days":
        # A population says a missing day count with NaN, as for numbers.
        return None if math.isnan(value) else int(value)
    if kind == "number":
        return None if math.isnan(value) else float(value)
    return value.item()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log_and_as_of(), definitions())
def test_user_defined_signals_agree(case: tuple[EventLog, dt.date], named: NamedSignal) -> None:
    log, as_of = case
    pop = log.population(as_of)
    values, missing = pop.compute(named)
    extended = pop.with_signals(named)
    for i, customer in enumerate(pop.customer.tolist()):
        single = log.profile(customer, as_of).compute(named)
        batch = batch_of(named.kind, values, missing, i, log.currency)
        assert single == batch, (named, customer, single, batch)
        assert type(single) is type(batch), (named, single, batch)
        assert batch_value(extended, "mine", i) == single


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_snapshots_of_user_defined_signals(data: st.DataObject) -> None:
    log = data.draw(event_logs())
    named = data.draw(definitions())
    customers = data.draw(st.lists(st.sampled_from(log.customers.tolist()), min_size=1))
    dates = [data.draw(as_of_dates(log)) for _ in customers]
    snaps = snapshots(log, customers, dates, signals=[named, "purchase_count"])
    assert snaps.columns == ("customer", "as_of", "mine", "purchase_count")
    for i, (customer, as_of) in enumerate(zip(customers, dates, strict=True)):
        expected = log.profile(customer, as_of).compute(named)
        assert batch_value(snaps, "mine", i) == expected


class TestDefinitions:
    def test_examples_of_the_issue(self) -> None:
        tickets = define_signal("tickets_30d", count("complaint", within="30D"))
        net = define_signal(
            "net_spend_365d", total("purchase", within="365D") - total("return", within="365D")
        )
        log = make_log(
            [
                buy(1, days_before(400), "100"),
                buy(1, days_before(10), "50"),
                buy(1, days_before(5), "20", kind="return"),
                buy(1, days_before(3), kind="complaint"),
                buy(2, days_before(40), kind="complaint"),
            ]
        )
        assert single_and_batch_defined(log, 1, tickets) == (1, 1)
        assert single_and_batch_defined(log, 2, tickets) == (0, 0)
        assert single_and_batch_defined(log, 1, net) == (Money("30.00", "EUR"),) * 2
        assert single_and_batch(log, 1, AS_OF, "net_spend") == (Money("130.00", "EUR"),) * 2
        assert tickets.unit == "complaint events"
        assert net.unit == "currency of the log"

    def test_month_windows_follow_the_calendar(self) -> None:
        # A month before 31 March (or 29 March) 2024 is 29 February: an event that day is
        # outside; a month before 28 March is 28 February, so 29 February is inside.
        log = make_log([buy(1, "2024-02-29"), buy(1, "2024-03-01")], currency="EUR")
        recent = define_signal("bought_1m", count("purchase", within="1M"))
        for day, expected in (("2024-03-31", 1), ("2024-03-29", 1), ("2024-03-28", 2)):
            prof = log.profile(1, day).compute(recent)
            values, _ = log.population(day).compute(recent)
            assert prof == values[0] == expected, day

    def test_days_since_last_visit(self) -> None:
        log = make_log([buy(1, days_before(7), kind="visit"), buy(2, days_before(1))])
        assert single_and_batch(log, 1, AS_OF, "days_since_last_visit") == (7, 7)
        assert single_and_batch(log, 2, AS_OF, "days_since_last_visit") == (None, None)

    @pytest.mark.parametrize(
        ("build", "match"),
        [
            (lambda: count("visit", within="30 days"), "a window must be a number of days"),
            (lambda: count("visit", within=("90D", "180D")), "must start further back"),
            (lambda: count("visit", within=("3M", "30D")), "units of one family"),
            (lambda: total("purchase", "date"), r"total\(\) reads one of"),
            (lambda: mean("purchase", "date"), r"mean\(\) reads one of"),
            (lambda: distinct("purchase", "category", within="30D"), "for field 'date' only"),
            (lambda: total("purchase") + last("visit"), "cannot compute money"),
            (lambda: count(""), "non-empty str"),
            (lambda: count(3), "must be a str"),  # type: ignore[arg-type]
        ],
    )
    def test_bad_definitions_raise(self, build: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            build()

    def test_naming(self) -> None:
        with pytest.raises(ValidationError, match="'total_spend' is a standard signal"):
            define_signal("total_spend", count("purchase"))
        with pytest.raises(ValidationError, match="must be an identifier"):
            define_signal("tickets 30d", count("complaint"))
        with pytest.raises(ValidationError, match="must be a signal definition"):
            define_signal("x", "count('visit')")  # type: ignore[arg-type]

    def test_round_trip_and_schema_errors(self) -> None:
        named = define_signal(
            "ratio", (total("purchase", within=("12M", "1M")) / count("purchase")), unit="x"
        )
        data = json.loads(json.dumps(named.to_dict()))
        assert definition_from_dict(data) == named
        with pytest.raises(SchemaError, match="unknown op 'median'"):
            definition_from_dict({"schema": "lifecycle.signal/1", "op": "median"})
        with pytest.raises(SchemaError, match="expected schema"):
            definition_from_dict({"op": "count"})

    def test_a_profile_built_by_hand_cannot_compute(self) -> None:
        prof = Profile(customer=1, as_of=AS_OF, values={})
        with pytest.raises(UnknownSignalError, match="not computed from an event log"):
            prof.compute(define_signal("v", count("visit")))


def single_and_batch_defined(log: EventLog, customer: Any, named: NamedSignal) -> tuple[Any, Any]:
    pop = log.population(AS_OF).with_signals(named)
    i = pop.customer.tolist().index(customer)
    return log.profile(customer, AS_OF).compute(named), batch_value(pop, named.name, i)


class TestDefinedSignalsInConditions:
    @pytest.fixture
    def log(self) -> EventLog:
        return make_log(
            [
                buy(1, days_before(3), kind="complaint"),
                buy(1, days_before(2), "10"),
                buy(2, days_before(50), kind="complaint"),
                buy(2, days_before(2), "30"),
            ]
        )

    def test_both_engines_and_round_trip(self, log: EventLog) -> None:
        tickets = define_signal("tickets_30d", count("complaint", within="30D"))
        cond = (signal(tickets) >= 1) & (signal("total_spend") < 20)
        assert cond.evaluate(log.population(AS_OF)).tolist() == [True, False]
        assert [cond.evaluate(log.profile(c, AS_OF)) for c in (1, 2)] == [True, False]
        assert cond.signals() == frozenset({"total_spend"})
        data = json.loads(json.dumps(cond.to_dict()))
        assert Condition.from_dict(data) == cond
        assert "tickets_30d >= 1 (actual 1)" in str(cond.explain(log.profile(1, AS_OF)))

    def test_money_and_two_defined_signals(self, log: EventLog) -> None:
        spent = define_signal("spent_30d", total("purchase", within="30D"))
        before = define_signal("spent_before", total("purchase", within=("365D", "30D")))
        assert (signal(spent) > 20).evaluate(log.population(AS_OF)).tolist() == [False, True]
        both = signal(spent) > signal(before)
        assert both.evaluate(log.population(AS_OF)).tolist() == [True, True]
        assert signal(spent).between(5, 15).evaluate(log.profile(1, AS_OF)) is True
        assert signal(spent).is_missing().evaluate(log.population(AS_OF)).tolist() == [False] * 2
        with pytest.raises(ValidationError, match="is money"):
            _ = signal(spent) > dt.date(2024, 1, 1)

    def test_unknown_names_still_raise_at_build(self) -> None:
        with pytest.raises(UnknownSignalError, match="unknown signal 'tickets_30d'"):
            signal("tickets_30d")
        with pytest.raises(ValidationError, match="or a signal named with define_signal"):
            signal(count("complaint"))  # type: ignore[arg-type]

    def test_in_a_stage_model_replay(self, log: EventLog) -> None:
        from lifecycle.stages import LifecycleModel, Transition

        tickets = define_signal("tickets_30d", count("complaint", within="30D"))
        model = LifecycleModel(
            ["calm", "upset"], [Transition("calm", "upset", signal(tickets) >= 1, "tickets")]
        )
        assert model.classify(log.population(AS_OF)).names().tolist() == ["upset", "calm"]
        assert model.stage_of(log.profile(1, AS_OF)).stage == "upset"
        timeline = model.replay(log, end=AS_OF)
        assert timeline.stage_on(1, AS_OF) == "upset"
        # Customer 2 complained 50 days ago: upset since then (history, not snapshot).
        assert timeline.stage_on(2, AS_OF) == "upset"


class TestNewCustomer:
    def test_every_standard_signal_of_a_customer_without_events(self) -> None:
        eur = Money("0", "EUR").currency
        p = Profile.new_customer("2024-05-01", currency=eur, attributes={"segment": "new"})
        for name, spec in SIGNALS.items():
            value = p[name]
            if spec.kind == "count":
                assert value == 0, name
            elif spec.kind == "bool":
                assert value is False, name
            elif name in ("total_spend", "net_spend") or name.startswith("spend_"):
                assert value == Money("0.00", "EUR"), name
            else:
                assert value is None, name
        assert p.segment == "new"
        assert Profile.new_customer("2024-05-01").total_spend is None

    def test_defined_signals_of_a_new_customer_in_a_price_rule(self) -> None:
        from lifecycle import PercentOff, PricingPolicy

        tickets = define_signal("tickets_30d", count("complaint", within="30D"))
        policy = PricingPolicy([PercentOff(10, when=signal(tickets) == 0)])
        log = make_log([buy(1, days_before(3), kind="complaint"), buy(2, days_before(3), "5")])
        assert policy.quote(Money("10", "EUR"), on=AS_OF).total == Money("9.00", "EUR")
        single = [policy.quote(Money("10", "EUR"), customer=log.profile(c, AS_OF)) for c in (1, 2)]
        assert [q.total for q in single] == [Money("10.00", "EUR"), Money("9.00", "EUR")]
        batch = policy.quote_many(log.population(AS_OF), 1000, currency="EUR", on=AS_OF)
        assert batch.total_minor.tolist() == [1000, 900]
        assert PricingPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


class TestDefinedSignalNameClashes:
    def test_an_attribute_of_that_name_is_not_taken_for_it(self) -> None:
        log = make_log([buy(1, days_before(3), segment="gold")], attributes=["segment"])
        named = define_signal("segment", count("purchase"))
        pop = log.population(AS_OF)
        with pytest.raises(ValidationError, match="column 'segment' that is not this defined"):
            pop.with_signals(named)
        with pytest.raises(ValidationError, match="value 'segment' that is not this defined"):
            log.profile(1, AS_OF).with_signals(named)

    def test_a_standard_name_with_another_definition_is_refused(self) -> None:
        fake = NamedSignal("total_spend", count("purchase"))
        with pytest.raises(ValidationError, match="'total_spend' is a standard signal"):
            signal(fake)
        log = make_log([buy(1, days_before(3), "5")])
        with pytest.raises(ValidationError, match="not this defined signal"):
            log.population(AS_OF).compute(fake)
        with pytest.raises(ValidationError, match="not this defined signal"):
            log.profile(1, AS_OF).compute(fake)
        assert log.profile(1, AS_OF).compute(SIGNALS["total_spend"].definition) == Money(
            "5.00", "EUR"
        )


def test_days_between_dates_are_missing_when_either_date_is() -> None:
    # A customer without a return has no day count from their first purchase to it, in
    # either engine (never INT64_MIN days read off NaT).
    log = EventLog.from_records([{"customer": "a", "date": "2023-01-01"}])
    named = define_signal("to_return", minimum("purchase", "date") - minimum("return", "date"))
    values, _ = log.population("2023-01-02").compute(named)
    assert np.isnan(values).tolist() == [True]
    assert log.profile("a", "2023-01-02").with_signals(named)["to_return"] is None
