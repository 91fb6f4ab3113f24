"""Tests of lifecycle.rfm: the BTYD recency-frequency-monetary summary."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from conformance.strategies import log_and_as_of
from lifecycle import EventLog, Table, rfm_summary
from lifecycle.errors import ValidationError
from lifecycle.rfm import UNITS


def make_log(records: list[dict[str, Any]], **kwargs: Any) -> EventLog:
    log = EventLog.from_records(records, **kwargs)
    assert isinstance(log, EventLog)
    return log


def buy(customer: Any, date: str, amount: str | None = None, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"customer": customer, "date": date, **extra}
    if amount is not None:
        record["amount"] = amount
    return record


def as_lists(table: Table) -> dict[str, list[Any]]:
    return {name: table[name].tolist() for name in table}


@pytest.fixture
def log() -> EventLog:
    return make_log(
        [
            buy("a", "2024-01-01", "10"),
            buy("a", "2024-01-01", "5"),  # same day as the first: merged
            buy("a", "2024-01-08", "20"),
            buy("a", "2024-01-15", "1"),
            buy("a", "2024-01-15", "2.01"),  # same day: merged into 3.01
            buy("b", "2024-01-10", kind="visit"),
            buy("c", "2024-01-20", "7"),
            buy("d", "2024-01-10", "3", kind="return"),
            buy("d", "2024-02-10", kind="visit"),
        ],
        currency="EUR",
    )


class TestRfmSummary:
    def test_days(self, log: EventLog) -> None:
        rfm = rfm_summary(log, as_of="2024-02-10")
        assert isinstance(rfm, Table)
        assert rfm.columns == ("customer", "frequency", "recency", "T", "monetary_value")
        assert as_lists(rfm) == {
            "customer": ["a", "c"],
            "frequency": [2, 0],
            "recency": [14.0, 0.0],
            "T": [40.0, 21.0],
            "monetary_value": [11.505, 0.0],  # (20.00 + 3.01) / 2
        }
        assert rfm.frequency.dtype == np.int64
        assert rfm.recency.dtype == np.float64
        assert rfm.monetary_value.dtype == np.float64

    def test_weeks(self, log: EventLog) -> None:
        rfm = rfm_summary(log, as_of="2024-02-10", unit="W")
        assert rfm.frequency.tolist() == [2, 0]
        assert rfm.recency.tolist() == [2.0, 0.0]
        assert rfm.T.tolist() == [40 / 7, 3.0]
        assert rfm.monetary_value.tolist() == [11.505, 0.0]

    def test_default_as_of_is_the_last_event_of_the_log(self, log: EventLog) -> None:
        # The last event is d's visit on 2024-02-10, not a purchase.
        assert as_lists(rfm_summary(log)) == as_lists(rfm_summary(log, "2024-02-10"))
        assert as_lists(rfm_summary(log)) != as_lists(rfm_summary(log, "2024-01-20"))

    def test_date_as_of(self, log: EventLog) -> None:
        assert as_lists(rfm_summary(log, dt.date(2024, 2, 10))) == as_lists(
            rfm_summary(log, "2024-02-10")
        )

    def test_only_purchases_on_or_before_as_of_count(self, log: EventLog) -> None:
        rfm = rfm_summary(log, as_of="2024-01-10")
        # c's first purchase is after as_of: c is excluded. a: 01-01 and 01-08 by then.
        assert as_lists(rfm) == {
            "customer": ["a"],
            "frequency": [1],
            "recency": [7.0],
            "T": [9.0],
            "monetary_value": [20.0],
        }
        assert len(rfm_summary(log, as_of="2023-12-31")) == 0

    def test_purchase_on_as_of_counts(self, log: EventLog) -> None:
        rfm = rfm_summary(log, as_of="2024-01-20")
        assert rfm.customer.tolist() == ["a", "c"]
        assert rfm.T.tolist() == [19.0, 0.0]

    def test_monetary_value_is_the_mean_of_repeat_days(self) -> None:
        log = make_log(
            [
                buy(1, "2024-01-01", "100"),
                buy(1, "2024-01-02", "1"),
                buy(1, "2024-01-02", "2"),
                buy(1, "2024-01-03", "6"),
            ],
            currency="USD",
        )
        # The first day is left out; repeat days spend 3 and 6.
        assert rfm_summary(log).monetary_value.tolist() == [4.5]

    def test_minor_units_of_the_currency(self) -> None:
        for currency, amounts, expected in (
            ("JPY", ["100", "101", "100"], 100.5),
            ("KWD", ["1", "0.001", "0.002"], 0.0015),
        ):
            log = make_log(
                [buy(1, f"2024-01-0{i + 1}", a) for i, a in enumerate(amounts)], currency=currency
            )
            assert rfm_summary(log).monetary_value.tolist() == [expected]

    def test_log_without_amounts(self) -> None:
        log = make_log([buy(1, "2024-01-01"), buy(1, "2024-01-03")])
        rfm = as_lists(rfm_summary(log))
        # No amounts at all: the repeat spend is unknown, not 0.
        assert math.isnan(rfm.pop("monetary_value")[0])
        assert rfm == {"customer": [1], "frequency": [1], "recency": [2.0], "T": [2.0]}

    def test_purchases_without_an_amount_are_unknown_not_zero(self) -> None:
        log = make_log(
            [
                buy(1, "2024-01-01", "5"),
                buy(1, "2024-01-02", "10"),
                buy(1, "2024-01-03"),
                buy(1, "2024-01-04", "20"),
            ],
            currency="EUR",
        )
        assert rfm_summary(log).monetary_value.tolist() == [15.0]

    def test_sums_past_int64_are_exact(self) -> None:
        days = ("2024-01-01", "2024-01-02", "2024-01-03")
        log = make_log([buy(1, d, "5e16") for d in days], currency="EUR")
        assert rfm_summary(log).monetary_value.tolist() == [5e16]

    def test_log_without_purchases(self) -> None:
        log = make_log([buy(1, "2024-01-01", kind="visit")])
        rfm = rfm_summary(log)
        assert len(rfm) == 0
        assert rfm.columns == ("customer", "frequency", "recency", "T", "monetary_value")

    def test_customer_ids_keep_their_type(self) -> None:
        log = make_log([buy(10, "2024-01-01"), buy(-2, "2024-01-02")])
        rfm = rfm_summary(log)
        assert rfm.customer.tolist() == [-2, 10]
        assert rfm.customer.dtype.kind == "i"

    @pytest.mark.parametrize("unit", ["m", "d", "days", ""])
    def test_unknown_unit(self, log: EventLog, unit: str) -> None:
        with pytest.raises(
            ValidationError, match=rf"'unit' must be one of \('D', 'W', 'M'\) \(got '{unit}'\)"
        ):
            rfm_summary(log, unit=unit)

    def test_bad_as_of(self, log: EventLog) -> None:
        with pytest.raises(ValidationError, match="'as_of' must be a date"):
            rfm_summary(log, as_of="10/02/2024")

    def test_empty_log(self) -> None:
        loaded = EventLog.from_records([buy(1, "x")], errors="collect")
        empty, _ = loaded  # type: ignore[misc]
        with pytest.raises(ValidationError, match="cannot summarise an empty log"):
            rfm_summary(empty)

    def test_units(self) -> None:
        assert UNITS == {"D": 1, "W": 7, "M": 365.25 / 12}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log_and_as_of())
def test_agrees_with_the_signals(case: tuple[EventLog, dt.date]) -> None:
    """frequency, recency and T restate signals of the same log; check them per customer."""
    log, as_of = case
    rfm = rfm_summary(log, as_of)
    weekly = rfm_summary(log, as_of, unit="W")
    pop = log.population(as_of)
    bought = pop.customer[pop.purchase_count > 0]
    assert rfm.customer.tolist() == bought.tolist()
    np.testing.assert_array_equal(weekly.frequency, rfm.frequency)
    np.testing.assert_allclose(weekly.recency * 7, rfm.recency)
    np.testing.assert_allclose(weekly.T * 7, rfm.T)
    for i, customer in enumerate(rfm.customer.tolist()):
        p = log.profile(customer, as_of)
        assert rfm.T[i] == p.tenure_days
        assert rfm.recency[i] == (p.last_purchase - p.first_purchase).days
        gap = p.mean_interpurchase_days
        assert rfm.frequency[i] == (0 if gap is None else round(rfm.recency[i] / gap))
        rows = log.rows_of(customer)
        mask = (log.kind_mask("purchase") & (log.date <= np.datetime64(as_of, "D")))[rows]
        days = log.date[rows][mask]
        spend = log.amount_minor[rows][mask]
        known = np.ones(len(spend), bool) if log.amount_known is None else log.amount_known[rows]
        known = known[mask] if log.amount_known is not None else known
        first = days.min()
        repeat = sum(int(a) for a in spend[(days > first) & known])
        paid_days = len(set(days[(days > first) & known].tolist()))
        factor = 1 if log.currency is None else log.currency.factor
        if rfm.frequency[i] and not paid_days:
            assert math.isnan(rfm.monetary_value[i])
            continue
        expected = Decimal(repeat) / paid_days / factor if paid_days else Decimal(0)
        assert abs(Decimal(repr(float(rfm.monetary_value[i]))) - expected) <= abs(
            expected
        ) * Decimal("1e-12")
