"""Tests of calendar tenure conditions (lifecycle.conditions._tenure)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle import EventLog, attribute, signal
from lifecycle.conditions import TenureAtLeast, condition_from_dict, tenure_at_least
from lifecycle.errors import SchemaError, ValidationError
from lifecycle.signals import snapshots


def make_log(records: list[dict[str, Any]]) -> EventLog:
    return EventLog.from_records(records)


def tenure_log(first: dt.date) -> EventLog:
    return make_log([{"customer": "c", "date": first.isoformat()}])


class TestTenureAtLeast:
    @pytest.mark.parametrize(
        ("first", "period", "as_of", "holds"),
        [
            ("2022-01-31", relativedelta(years=2), "2024-01-30", False),
            ("2022-01-31", relativedelta(years=2), "2024-01-31", True),
            ("2024-01-31", relativedelta(months=1), "2024-02-28", False),
            ("2024-01-31", relativedelta(months=1), "2024-02-29", True),
            ("2023-01-31", relativedelta(months=1), "2023-02-28", True),
            ("2022-01-31", relativedelta(years=2, months=1), "2024-02-29", True),
            ("2024-02-29", relativedelta(years=1), "2025-02-27", False),
            ("2024-02-29", relativedelta(years=1), "2025-02-28", True),
            ("2024-03-31", relativedelta(months=1, days=1), "2024-05-01", True),
            ("2024-03-31", relativedelta(months=1, days=1), "2024-04-30", False),
            ("2024-01-01", relativedelta(weeks=2), "2024-01-15", True),
            ("2024-01-01", relativedelta(), "2024-01-01", True),
        ],
    )
    def test_calendar(self, first: str, period: relativedelta, as_of: str, holds: bool) -> None:
        cond = tenure_at_least(period)
        log = tenure_log(dt.date.fromisoformat(first))
        assert cond.evaluate(log.profile("c", as_of)) is holds
        assert cond.evaluate(log.population(as_of)).tolist() == [holds]

    def test_no_purchase(self) -> None:
        log = make_log([{"customer": "c", "date": "2020-01-01", "kind": "visit"}])
        cond = tenure_at_least(relativedelta(days=0))
        assert cond.evaluate(log.profile("c", "2024-01-01")) is False
        assert cond.evaluate(log.population("2024-01-01")).tolist() == [False]
        assert str(cond.explain(log.profile("c", "2024-01-01"))) == (
            "false: tenure >= 0 days (actual missing)"
        )

    def test_normalises(self) -> None:
        assert tenure_at_least(relativedelta(months=18)) == TenureAtLeast(years=1, months=6)
        assert tenure_at_least(relativedelta(weeks=1, days=2)).days == 9
        assert TenureAtLeast(years=2).period == relativedelta(years=2)

    @pytest.mark.parametrize(
        "period",
        [
            relativedelta(day=1),
            relativedelta(hours=5),
            relativedelta(weekday=0),
            relativedelta(leapdays=1),
        ],
    )
    def test_absolute_or_time_refused(self, period: relativedelta) -> None:
        with pytest.raises(ValidationError, match=r"'period' must be a relative period"):
            tenure_at_least(period)

    def test_negative_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"'period' must not be negative"):
            tenure_at_least(relativedelta(months=-1))
        with pytest.raises(ValidationError, match=r"'years' must be a whole number >= 0"):
            TenureAtLeast(years=-1)

    def test_not_relativedelta(self) -> None:
        with pytest.raises(ValidationError, match=r"'period' must be a dateutil relativedelta"):
            tenure_at_least(dt.timedelta(days=3))  # type: ignore[arg-type]

    def test_explain_and_signals(self) -> None:
        log = tenure_log(dt.date(2022, 1, 31))
        cond = tenure_at_least(relativedelta(years=1, months=6))
        assert str(cond.explain(log.profile("c", "2024-02-29"))) == (
            "true: tenure >= 1 year 6 months (actual 2 years 1 month)"
        )
        assert cond.signals() == frozenset({"first_purchase"})

    def test_combines_and_serialises(self) -> None:
        cond = ~tenure_at_least(relativedelta(years=2)) | (attribute("stage") == "commitment")
        data = json.loads(json.dumps(cond.to_dict()))
        assert condition_from_dict(data) == cond
        assert condition_from_dict((signal("purchase_count") > 1).to_dict()) == (
            signal("purchase_count") > 1
        )
        assert condition_from_dict(TenureAtLeast(years=1).to_dict()) == TenureAtLeast(years=1)

    @pytest.mark.parametrize(
        ("data", "match"),
        [
            ({"schema": "lifecycle.condition/2", "op": "tenure_at_least"}, r"expected schema"),
            (
                {"schema": "lifecycle.condition/1", "op": "tenure_at_least", "weeks": 1},
                r"unknown key 'weeks'",
            ),
            ({"schema": "lifecycle.condition/1", "op": "and", "args": 3}, r"'args' must be a list"),
            ({"schema": "lifecycle.condition/1", "op": "not", "arg": 3}, r"expected a mapping"),
        ],
    )
    def test_bad_data(self, data: dict[str, Any], match: str) -> None:
        with pytest.raises(SchemaError, match=match):
            condition_from_dict(data)

    def test_snapshots_use_their_as_of_column(self) -> None:
        log = tenure_log(dt.date(2024, 1, 31))
        snaps = snapshots(log, ["c", "c"], ["2024-02-28", "2024-02-29"])
        assert TenureAtLeast(months=1).evaluate(snaps).tolist() == [False, True]

    def test_far_future_never_holds(self) -> None:
        log = tenure_log(dt.date(2024, 1, 31))
        cond = TenureAtLeast(years=9000)
        assert cond.evaluate(log.profile("c", "2024-06-01")) is False
        assert cond.evaluate(log.population("2024-06-01")).tolist() == [False]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        firsts=st.lists(
            st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=6
        ),
        years=st.integers(0, 6),
        months=st.integers(0, 30),
        days=st.integers(0, 70),
        ahead=st.lists(st.integers(0, 4000), min_size=1, max_size=3),
    )
    def test_engines_agree_with_dateutil(
        self, firsts: list[dt.date], years: int, months: int, days: int, ahead: list[int]
    ) -> None:
        period = relativedelta(years=years, months=months, days=days)
        cond = tenure_at_least(period)
        customers = list(range(len(firsts)))
        log = make_log(
            [{"customer": c, "date": d.isoformat()} for c, d in zip(customers, firsts, strict=True)]
        )
        for extra in ahead:
            as_of = max(firsts) + dt.timedelta(days=extra)
            pop = log.population(as_of)
            batch = cond.evaluate(pop).tolist()
            for i, customer in enumerate(pop.customer.tolist()):
                expected = firsts[customer] + period <= as_of
                assert cond.evaluate(log.profile(customer, as_of)) is expected
                assert batch[i] is expected
        # snapshots: one as-of date per row
        dates = [firsts[c] + dt.timedelta(days=ahead[0]) for c in customers]
        snaps = snapshots(log, customers, dates)
        expected_rows = [firsts[c] + period <= d for c, d in zip(customers, dates, strict=True)]
        assert cond.evaluate(snaps).tolist() == expected_rows


# ---------------------------------------------------------------------- exact arithmetic
