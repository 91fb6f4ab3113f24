"""Tests of lifecycle.value.subscription_metrics against a plain-Python recount."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle import EventLog
from lifecycle.errors import ValidationError
from lifecycle.events import STANDARD_KINDS
from lifecycle.value import subscription_metrics

_events = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 11), st.integers(0, 3000)),
    min_size=1,
    max_size=40,
)


def log_of(events: list[tuple[int, int, int]], kind: str = "subscription") -> EventLog:
    return EventLog.from_arrays(
        customer=np.array([c for c, _, _ in events]),
        date=np.array(
            [dt.date(2024, 1 + m, 1 + (a % 27)) for _, m, a in events], dtype="datetime64[D]"
        ),
        amount_minor=np.array([a for _, _, a in events]),
        currency="EUR",
        kind=kind,
        kinds=[kind] if kind not in STANDARD_KINDS else [],
    )


def recount(events: list[tuple[int, int, int]]) -> dict[str, list[int]]:
    paid: dict[tuple[int, int], int] = defaultdict(int)
    for c, m, a in events:
        paid[(c, m)] += a
    # Periods run from the first to the last event of the kind, free ones included.
    months = [m for _, m, _ in events]
    first, last = min(months), max(months)
    out: dict[str, list[int]] = defaultdict(list)
    customers = {c for c, _, _ in events}
    for m in range(first, last + 1):
        row = dict.fromkeys(("mrr", "new", "expansion", "contraction", "churned", "reactivated"), 0)
        for c in customers:
            now, before = paid.get((c, m), 0), paid.get((c, m - 1), 0) if m > first else 0
            ever = any(paid.get((c, k), 0) > 0 for k in range(first, m))
            row["mrr"] += now
            if now > 0 and before == 0:
                row["reactivated" if ever else "new"] += now
            elif now > before > 0:
                row["expansion"] += now - before
            elif 0 < now < before:
                row["contraction"] += before - now
            elif now == 0 and before > 0:
                row["churned"] += before
        for name, value in row.items():
            out[name].append(value)
    return out


class TestSubscriptionMetrics:
    @settings(max_examples=60)
    @given(_events)
    def test_against_a_recount(self, events: list[tuple[int, int, int]]) -> None:
        t = subscription_metrics(log_of(events))
        expected = recount(events)
        for name in ("mrr", "new", "expansion", "contraction", "churned", "reactivated"):
            assert t[name].tolist() == expected[name], name
        previous = np.r_[0, t.mrr[:-1]]
        moved = previous + t.new + t.reactivated + t.expansion - t.contraction - t.churned
        assert moved.tolist() == t.mrr.tolist()

    def test_rates(self) -> None:
        t = subscription_metrics(log_of([(1, 0, 1000), (2, 0, 1000), (1, 1, 1500), (3, 1, 400)]))
        assert t.period.tolist() == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
        assert math.isnan(t.nrr[0])
        assert t.logo_churn_rate.tolist()[1] == 0.5
        assert t.revenue_churn_rate.tolist()[1] == 0.5
        assert t.grr.tolist()[1] == 0.5
        assert t.nrr.tolist()[1] == 0.75
        assert t.customers.tolist() == [2, 2]
        assert t.new_customers.tolist() == [2, 1]
        assert t.churned_customers.tolist() == [0, 1]

    def test_recurring_purchases_by_default(self) -> None:
        t = subscription_metrics(log_of([(1, 0, 100), (1, 2, 100)], kind="purchase"), period="Q")
        assert t.mrr.tolist() == [200]

    def test_a_declared_kind_without_events_falls_back_to_purchases(self) -> None:
        log = EventLog.from_arrays(
            customer=np.array([1, 1]),
            date=np.array(["2024-01-05", "2024-02-05"], dtype="datetime64[D]"),
            amount_minor=np.array([100, 100]),
            currency="EUR",
            kinds=["subscription"],
        )
        assert subscription_metrics(log).mrr.tolist() == [100, 100]

    def test_errors(self) -> None:
        with pytest.raises(ValidationError, match="need amounts"):
            subscription_metrics(EventLog.from_records([{"customer": 1, "date": "2024-01-01"}]))
        log = log_of([(1, 0, 100)])
        with pytest.raises(ValidationError, match="'kind' 'rental' is not an event kind"):
            subscription_metrics(log, kind="rental")
        with pytest.raises(ValidationError, match="has no 'purchase' events"):
            subscription_metrics(log, kind="purchase")
        with pytest.raises(ValidationError, match="'period' must be one of"):
            subscription_metrics(log, period="D")  # type: ignore[arg-type]
