"""Tests of lifecycle.retention.lost_customer_report."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from lifecycle import EventLog, Table
from lifecycle.errors import ValidationError
from lifecycle.retention import lost_customer_report
from lifecycle.stages import DissolutionReason, Timeline, default_lifecycle

END = "2025-03-31"


def case() -> tuple[Timeline, EventLog]:
    rows = [
        {"customer": 1, "date": "2023-02-01", "amount": "50"},
        {"customer": 1, "date": "2024-01-05", "amount": "80"},
        {"customer": 1, "date": "2024-01-25", "amount": "40"},
        {"customer": 2, "date": "2024-01-10", "amount": "10"},
        {"customer": 2, "date": "2025-01-15", "kind": "complaint"},
        {"customer": 3, "date": "2024-06-01", "amount": "25"},
        {"customer": 3, "date": "2024-06-20", "amount": "25"},
        {"customer": 3, "date": "2024-08-15", "kind": "complaint"},
        {"customer": 3, "date": "2024-08-20", "kind": "contact"},
    ]
    log = EventLog.from_records(rows, currency="EUR")
    timeline = default_lifecycle().replay(log, end=END, every="1M")
    return timeline, log


class TestLostCustomerReport:
    def test_rows(self) -> None:
        timeline, log = case()
        assert [timeline.stage_on(c, END) for c in (1, 2, 3)] == [
            "awareness",
            "dissolution",
            "dissolution",
        ]
        report = lost_customer_report(
            timeline, log, reasons={1: "fraud", 3: DissolutionReason.DISSATISFACTION}
        )
        t = report.customers
        # Customer 3 lost more: 50.00 in the year up to their last purchase, 2024-06-20.
        assert t.customer.tolist() == [3, 2]
        assert t.value_lost.tolist() == [5000, 1000]
        assert t.reason.tolist() == ["dissatisfaction", "unrecorded"]
        for i, customer in enumerate((3, 2)):
            change = [c for c in timeline.changes_for(customer) if c.target == "dissolution"][-1]
            assert t.lost_on.tolist()[i] == change.on
            assert t.stage_before.tolist()[i] == change.source
            assert t.rule.tolist()[i] == change.reason
        assert t.complaints_90d.tolist() == [1, 1]
        assert t.contacts_90d.tolist() == [1, 0]
        assert t.complaint_answered.tolist() == [True, False]
        assert report.by_reason.reason.tolist() == ["dissatisfaction", "unrecorded"]
        assert int(report.by_stage.value_lost.sum()) == 6000
        text = str(report)
        assert text.startswith("Lost customers: 2")
        assert "a contact followed the latest complaint for 1" in text

    def test_as_of(self) -> None:
        timeline, log = case()
        t = lost_customer_report(timeline, log, as_of="2024-12-31").customers
        assert t.customer.tolist() == [3]

    def test_reasons_as_table(self) -> None:
        timeline, log = case()
        reasons = Table({"customer": np.array([3]), "reason": np.array(["low_volume"])})
        t = lost_customer_report(timeline, log, reasons=reasons).customers
        assert "low_volume" in t.reason.tolist()

    def test_unknown_reason(self) -> None:
        timeline, log = case()
        with pytest.raises(ValidationError, match="dissolution reason"):
            lost_customer_report(timeline, log, reasons={1: "bored"})
        with pytest.raises(ValidationError, match="'reasons' must be a mapping"):
            lost_customer_report(timeline, log, reasons=[1])  # type: ignore[arg-type]

    def test_nobody_lost(self) -> None:
        log = EventLog.from_records(
            [{"customer": 1, "date": "2024-01-01", "amount": "5"}], currency="EUR"
        )
        report = lost_customer_report(default_lifecycle().replay(log), log)
        assert len(report.customers) == 0
        assert len(report.by_reason) == 0


def test_losses_after_the_log_ends() -> None:
    # Lapses are noticed on grid dates after the last event: the windows must still stay
    # within each customer's own events.
    rows = [
        {"customer": 1, "date": "2024-01-05", "amount": "10"},
        {"customer": 1, "date": "2024-01-20", "amount": "10"},
        {"customer": 1, "date": "2024-03-01", "kind": "complaint"},
        {"customer": 2, "date": "2024-02-01", "amount": "10"},
        {"customer": 2, "date": "2024-02-10", "amount": "10"},
        {"customer": 2, "date": "2024-03-02", "kind": "contact"},
    ]
    log = EventLog.from_records(rows, currency="EUR")
    timeline = default_lifecycle().replay(log, end="2026-12-31", every="1M")
    t = lost_customer_report(timeline, log).customers
    for row in (t.row(i) for i in range(len(t))):
        days = (row["lost_on"] - dt.date(2024, 3, 1)).days
        if row["customer"] == 1:
            assert row["complaints_90d"] == (1 if days < 90 else 0)
            assert row["contacts_90d"] == 0
        else:
            assert row["complaints_90d"] == 0
            assert row["contacts_90d"] == (1 if days - 1 < 90 else 0)
