"""Tests of default_lifecycle: its rules, thresholds, orders and the forward-only variant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.stage_strategies import small_default, stage_logs
from lifecycle import EventLog
from lifecycle.datasets import load_cdnow
from lifecycle.errors import ValidationError
from lifecycle.signals import SIGNALS, snapshots
from lifecycle.stages import RelationshipKind, default_lifecycle

AS_OF = dt.date(2024, 6, 30)


def ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def event(days: int, kind: str = "purchase", **extra: Any) -> dict[str, Any]:
    return {"customer": 1, "date": ago(days), "kind": kind, **extra}


def stage(records: list[dict[str, Any]], start: str | None = None, **kwargs: Any) -> str:
    log = EventLog.from_records(records)
    assert isinstance(log, EventLog)
    return default_lifecycle(**kwargs).stage_of(log.profile(1, AS_OF), start=start).stage


def spend(days: int, amount: str, category: str | None = None) -> dict[str, Any]:
    record = event(days, amount=amount, currency="EUR")
    if category is not None:
        record["category"] = category
    return record


class TestDefaultLifecycle:
    def test_stages_and_descriptions(self) -> None:
        model = default_lifecycle()
        assert model.labels == (
            "exploration",
            "awareness",
            "expansion",
            "commitment",
            "dissolution",
        )
        assert model.initial == "exploration"
        assert model.dissolution == "dissolution"
        assert all(s.description for s in model.stages)
        assert model.relationship_kind is RelationshipKind.LONG_TERM

    def test_only_standard_signals(self) -> None:
        assert default_lifecycle().signals() <= set(SIGNALS)
        assert default_lifecycle().attributes == ()

    def test_kinds(self) -> None:
        kinds = [t.kind for t in default_lifecycle().transitions]
        assert kinds.count("forward") == 3
        assert kinds.count("backward") == 2
        assert kinds.count("dissolution") == 8
        assert kinds.count("win_back") == 1

    @pytest.mark.parametrize(
        ("records", "expected"),
        [
            ([event(10)], "exploration"),
            ([event(10, "visit")], "exploration"),
            ([event(10, "visit"), event(5, "visit")], "awareness"),
            ([event(40), event(10)], "awareness"),
            ([event(120), event(60), event(10)], "expansion"),  # rising frequency
            ([event(200), event(150), event(100)], "awareness"),  # not rising
            (
                [spend(120, "10"), spend(100, "10"), spend(10, "50")],
                "expansion",  # rising spend, same frequency
            ),
            (
                [spend(400, "10", "a"), spend(300, "10", "b"), spend(200, "10", "c")],
                "expansion",  # breadth: three categories
            ),
            ([event(d) for d in range(400, 0, -30)], "commitment"),
            ([event(d) for d in range(380, 200, -30)], "dissolution"),  # 3x its own rhythm
            ([event(400)], "dissolution"),  # one purchase, a year ago
            ([event(20), event(10, "cancellation")], "dissolution"),
            ([event(20, "cancellation"), event(10)], "exploration"),
            ([event(30), event(20, "cancellation"), event(10)], "awareness"),
        ],
    )
    def test_snapshot_rules(self, records: list[dict[str, Any]], expected: str) -> None:
        assert stage(records) == expected

    def test_backward_from_commitment(self) -> None:
        # A regular monthly buyer who skipped the last two months: not lapsed, but below
        # the commitment level and buying less than in the quarter before.
        records = [event(d) for d in range(420, 60, -30)]
        assert stage(records) == "awareness"
        assert stage(records, start="commitment") == "awareness"
        log = EventLog.from_records(records)
        assert isinstance(log, EventLog)
        path = default_lifecycle().stage_of(log.profile(1, AS_OF), start="commitment").path
        assert [t.reason for t in path] == [
            "activity below the commitment level",
            "falling frequency",
        ]

    def test_backward_needs_reversible(self) -> None:
        records = [event(d) for d in range(420, 60, -30)]
        assert stage(records, start="commitment", reversible=False) == "commitment"
        kinds = {t.kind for t in default_lifecycle(reversible=False).transitions}
        assert "backward" not in kinds

    def test_win_back(self) -> None:
        records = [event(500), event(5)]
        assert stage(records, start="dissolution") == "exploration"
        assert stage([event(500)], start="dissolution") == "dissolution"
        assert stage([event(30), event(5, "cancellation")], start="dissolution") == "dissolution"

    @pytest.mark.parametrize(
        ("kwargs", "records", "expected"),
        [
            ({"awareness_visits": 3}, [event(10, "visit"), event(5, "visit")], "exploration"),
            ({"expansion_purchases": 4}, [event(120), event(60), event(10)], "awareness"),
            ({"dissolution_days": 500}, [event(400)], "exploration"),
            (
                {"dissolution_lapse_ratio": 10.0},
                [event(d) for d in range(380, 200, -30)],
                "awareness",
            ),
            ({"commitment_purchases": 20}, [event(d) for d in range(400, 0, -30)], "awareness"),
            ({"commitment_tenure_days": 500}, [event(d) for d in range(400, 0, -30)], "awareness"),
        ],
    )
    def test_thresholds(
        self, kwargs: dict[str, Any], records: list[dict[str, Any]], expected: str
    ) -> None:
        assert stage(records, **kwargs) == expected

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"order": "alphabetical"}, "'order' must be one of \\('source', 'dwyer1987'\\)"),
            ({"awareness_visits": 0}, "'awareness_visits' must be a positive int"),
            ({"commitment_purchases": 2.5}, "'commitment_purchases' must be a positive int"),
            ({"dissolution_days": True}, "'dissolution_days' must be a positive int"),
            ({"commitment_lapse_ratio": -1}, "'commitment_lapse_ratio' must be a positive number"),
            (
                {"dissolution_lapse_ratio": "3"},
                "'dissolution_lapse_ratio' must be a positive number",
            ),
            ({"relationship_kind": "kiosk"}, "'relationship kind' must be one of"),
            ({"min_lapse_days": -1}, "'min_lapse_days' must be an int >= 0 \\(got -1\\)"),
            ({"min_lapse_days": 30.5}, "'min_lapse_days' must be an int >= 0"),
            ({"min_lapse_days": True}, "'min_lapse_days' must be an int >= 0"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            default_lifecycle(**kwargs)


def fast_buyer() -> EventLog:
    log = EventLog.from_records(
        [{"customer": 1, "date": "2024-01-01"}, {"customer": 1, "date": "2024-01-02"}]
    )
    assert isinstance(log, EventLog)
    return log


class TestMinLapseDays:
    def test_a_fast_buyer_is_not_dissolved_after_four_quiet_days(self) -> None:
        # Purchases on 1 and 2 January: a 1-day rhythm, so the lapse ratio is 4 on the
        # 6th; before min_lapse_days this customer was dissolved then.
        log = fast_buyer()
        model = default_lifecycle()
        assert model.stage_of(log.profile(1, "2024-01-06")).stage == "awareness"
        timeline = model.replay(log, end="2024-01-06", every=1)
        assert [c.target for c in timeline.changes_for(1)] == ["awareness"]

    def test_the_lapse_comes_after_the_minimum_silence(self) -> None:
        log = fast_buyer()
        timeline = default_lifecycle().replay(log, end="2024-12-31", every=1)
        lapse = timeline.changes_for(1)[-1]
        assert (lapse.on, lapse.target, lapse.reason) == (
            dt.date(2024, 4, 1),  # 90 days after 2 January
            "dissolution",
            "lapse",
        )

    @pytest.mark.parametrize(
        ("min_lapse_days", "expected"),
        [(0, "dissolution"), (4, "dissolution"), (5, "awareness"), (90, "awareness")],
    )
    def test_threshold(self, min_lapse_days: int, expected: str) -> None:
        model = default_lifecycle(min_lapse_days=min_lapse_days)
        assert model.stage_of(fast_buyer().profile(1, "2024-01-06")).stage == expected

    def test_applies_to_a_single_purchase_too(self) -> None:
        assert stage([event(45)], dissolution_days=30, min_lapse_days=60) == "exploration"
        assert stage([event(61)], dissolution_days=30, min_lapse_days=60) == "dissolution"

    def test_in_the_rules(self) -> None:
        lapse = default_lifecycle(min_lapse_days=120).moves_between("awareness", "dissolution")[1]
        assert lapse.reason == "lapse"
        first = lapse.when.to_dict()["args"][0]
        assert first == {"op": ">=", "signal": "days_since_last_purchase", "value": 120}

    def test_cdnow_no_lapse_under_the_minimum_silence(self) -> None:
        # Before min_lapse_days, at 1997-06-30: 2,782 CDNOW customers dissolved, 520 of
        # them after under 90 days of silence (69 after under 60). Now 2,262, none under 90.
        log = load_cdnow()
        as_of = "1997-06-30"
        model = default_lifecycle()
        population = log.population(as_of)
        silence = np.asarray(population["days_since_last_purchase"])
        dissolved = model.classify(population).code == model.code("dissolution")
        assert int(dissolved.sum()) == 2262
        assert int((dissolved & (silence < 90)).sum()) == 0
        old = default_lifecycle(min_lapse_days=0).classify(population).code == 4
        assert int((old & (silence < 90)).sum()) == 520
        # Every lapse of the history too, not only the last snapshot.
        changes = model.replay(log, end=as_of, every="1M").to_table()
        lapses = np.flatnonzero(changes["reason"] == "lapse")
        assert len(lapses) > 0
        at = snapshots(
            log,
            changes["customer"][lapses],
            changes["date"][lapses],
            signals=["days_since_last_purchase"],
        )
        assert float(np.min(at["days_since_last_purchase"])) >= 90


class TestSameDatePriority:
    def test_cancellation_beats_a_forward_move_on_the_same_date(self) -> None:
        # On 10 January the customer both qualifies for awareness (a second purchase)
        # and cancels: dissolution comes first, and a dissolution move ends the walk.
        records = [
            {"customer": 1, "date": "2024-01-01"},
            {"customer": 1, "date": "2024-01-10"},
            {"customer": 1, "date": "2024-01-10", "kind": "cancellation"},
        ]
        log = EventLog.from_records(records)
        assert isinstance(log, EventLog)
        profile = log.profile(1, "2024-01-10")
        assert profile.repeat_purchase_count == 1
        assert profile.cancelled is True
        for order in ("source", "dwyer1987"):
            model = default_lifecycle(order=order)
            changes = model.replay(log).changes_for(1)
            if order == "dwyer1987":
                assert [c.target for c in changes[:1]] == ["exploration"]
                changes = changes[1:]
            assert len(changes) == 1
            assert (changes[0].on, changes[0].target, changes[0].reason) == (
                dt.date(2024, 1, 10),
                "dissolution",
                "cancellation",
            )
            assert model.stage_of(profile).path[-1].reason == "cancellation"


class TestDwyerOrder:
    def test_awareness_first(self) -> None:
        model = default_lifecycle(order="dwyer1987")
        assert model.labels[:2] == ("awareness", "exploration")
        assert model.initial == "awareness"

    @pytest.mark.parametrize(
        ("records", "expected"),
        [
            ([event(10, "visit")], "awareness"),
            ([event(10)], "exploration"),
            ([event(40), event(10)], "exploration"),
            ([event(120), event(60), event(10)], "expansion"),
            ([event(400)], "dissolution"),
        ],
    )
    def test_rules(self, records: list[dict[str, Any]], expected: str) -> None:
        assert stage(records, order="dwyer1987") == expected

    def test_backward_goes_to_exploration(self) -> None:
        model = default_lifecycle(order="dwyer1987")
        back = [t for t in model.transitions if t.kind == "backward"]
        assert [(t.source, t.target) for t in back] == [
            ("expansion", "exploration"),
            ("commitment", "expansion"),
        ]


class TestNoOscillation:
    @given(stage_logs(), st.integers(0, 800), st.sampled_from(["source", "dwyer1987"]))
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_a_walk_never_meets_a_stage_twice(self, log: EventLog, offset: int, order: str) -> None:
        # Each backward rule implies that the forward rule back into the stage it leaves
        # fails, so no walk of the default model ever stops on a revisit.
        as_of = dt.date(2023, 1, 1) + dt.timedelta(days=offset)
        model = small_default(order=order)
        for customer in log.customers.tolist():
            if log.date[log.rows_of(customer)][0] > as_of:
                continue
            profile = log.profile(customer, as_of)
            for start in model.labels:
                assert "already visited" not in model.stage_of(profile, start=start).stop
