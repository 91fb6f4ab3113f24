"""Tests of history semantics: replay, the calendar grid and the Timeline's questions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.stage_strategies import small_default, stage_logs, stage_models
from lifecycle import EventLog
from lifecycle.errors import UnknownCustomerError, ValidationError
from lifecycle.stages import (
    LifecycleModel,
    Relationship,
    StageChange,
    StageCodes,
    StageFlow,
    Timeline,
    calendar_grid,
    default_lifecycle,
    replay,
)
from lifecycle.stages._replay import STEP_LIMIT, _carry

D = dt.date


def make_log(records: list[dict[str, Any]]) -> EventLog:
    log = EventLog.from_records(records)
    assert isinstance(log, EventLog)
    return log


def events(customer: Any, *dates: str, kind: str = "purchase") -> list[dict[str, Any]]:
    return [{"customer": customer, "date": d, "kind": kind} for d in dates]


def monthly(customer: Any, first: dt.date, months: int) -> list[dict[str, Any]]:
    return [
        {"customer": customer, "date": (first + relativedelta(months=k)).isoformat()}
        for k in range(months)
    ]


# ---------------------------------------------------------------------- the reference


def evaluation_dates(
    log: EventLog, customer: Any, lo: dt.date, hi: dt.date, grid: list[dt.date]
) -> list[dt.date]:
    """A customer's evaluation dates, from the definition (one customer at a time)."""
    own = sorted(set(log.date[log.rows_of(customer)].tolist()))
    first = own[0]
    if first > hi:
        return []
    dates = {d for d in own if lo <= d <= hi}
    if first < lo:
        dates.add(lo)
    dates |= {g for g in grid if g >= first}
    return sorted(dates)


def single_engine_history(
    model: LifecycleModel,
    log: EventLog,
    start: dt.date | None = None,
    end: dt.date | None = None,
    every: Any = None,
) -> dict[Any, tuple[list[StageChange], list[tuple[dt.date, str]]]]:
    """Each customer's changes and stage per date, stepping profiles one date at a time."""
    lo = start or log.start
    hi = end or log.end
    assert lo is not None
    assert hi is not None
    grid = calendar_grid(lo, hi, every).tolist()
    out = {}
    for customer in log.customers.tolist():
        stage: str | None = None
        changes: list[StageChange] = []
        stages: list[tuple[dt.date, str]] = []
        for day in evaluation_dates(log, customer, lo, hi, grid):
            result = model.stage_of(log.profile(customer, day), start=stage)
            changes.extend(result.changes())
            stage = result.stage
            stages.append((day, stage))
        out[customer] = (changes, stages)
    return out


def check_same_history(
    model: LifecycleModel, log: EventLog, start: Any = None, end: Any = None, every: Any = None
) -> Timeline:
    timeline = model.replay(log, start=start, end=end, every=every)
    expected = single_engine_history(model, log, start, end, every)
    for customer, (changes, stages) in expected.items():
        assert list(timeline.changes_for(customer)) == changes
        for day, stage in stages:
            assert timeline.stage_on(customer, day) == stage
        if stages:
            assert timeline.entered[log.customer_code(customer)] == np.datetime64(stages[0][0])
            before = stages[0][0] - dt.timedelta(days=1)
            if before >= timeline.start:
                assert timeline.stage_on(customer, before) is None
    return timeline


everies = st.sampled_from([None, 7, "2W", "1M", relativedelta(months=2), dt.timedelta(days=30)])


class TestReplay:
    @given(stage_logs(), everies)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_equals_the_single_engine_step_by_step(self, log: EventLog, every: Any) -> None:
        check_same_history(small_default(), log, every=every)

    @given(stage_logs(), everies, st.integers(0, 700), st.integers(0, 400))
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_windows_equal_the_single_engine(
        self, log: EventLog, every: Any, offset: int, length: int
    ) -> None:
        lo = D(2023, 1, 1) + dt.timedelta(days=offset)
        hi = lo + dt.timedelta(days=length)
        assert log.start is not None
        if log.start > hi:
            with pytest.raises(ValidationError, match="no customer has an event on or before"):
                small_default(order="dwyer1987").replay(log, start=lo, end=hi)
            return
        check_same_history(small_default(order="dwyer1987"), log, lo, hi, every)

    @given(stage_models(), stage_logs(), everies)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_random_models_equal_the_single_engine(
        self, model: LifecycleModel, log: EventLog, every: Any
    ) -> None:
        check_same_history(model, log, every=every)

    @given(stage_logs())
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_first_date_is_the_snapshot_stage(self, log: EventLog) -> None:
        model = small_default()
        timeline = model.replay(log)
        for customer in log.customers.tolist():
            first = timeline.entered[log.customer_code(customer)].item()
            snapshot = model.stage_of(log.profile(customer, first)).stage
            assert timeline.stage_on(customer, first) == snapshot

    def test_won_back_customer_is_exploring_again(self) -> None:
        # Bought monthly for 14 months, lapsed, came back: history says exploration; the
        # snapshot, which forgets the lapse, walks on from the old purchases.
        records = monthly("ann", D(2022, 1, 10), 14) + events("ann", "2024-03-01")
        log = make_log(records)
        model = default_lifecycle()
        timeline = model.replay(log, every="1M")
        assert timeline.stage_on("ann", "2024-03-01") == "exploration"
        assert [(c.on.isoformat(), c.target) for c in timeline.changes_for("ann")] == [
            ("2022-02-10", "awareness"),
            ("2022-03-10", "expansion"),
            ("2023-01-10", "commitment"),
            ("2023-04-10", "expansion"),
            ("2023-04-10", "awareness"),
            ("2023-06-10", "dissolution"),
            ("2024-03-01", "exploration"),
        ]
        snapshot = model.classify(log.population("2024-03-01"))
        assert snapshot.stage_of("ann") == "awareness"

    def test_lapse_needs_the_grid(self) -> None:
        log = make_log(events(1, "2023-01-01") + events(2, "2024-06-01"))
        without = default_lifecycle().replay(log)
        assert without.changes_for(1) == ()
        with_grid = default_lifecycle().replay(log, every="1M")
        assert [str(c) for c in with_grid.changes_for(1)] == [
            "2024-02-01 1: exploration -> dissolution (lapse)"
        ]

    def test_not_a_log(self) -> None:
        with pytest.raises(ValidationError, match="replay\\(\\) takes an EventLog"):
            replay(default_lifecycle(), [1, 2])  # type: ignore[arg-type]

    def test_start_after_end(self) -> None:
        log = make_log(events(1, "2024-01-01"))
        with pytest.raises(
            ValidationError, match="'start' \\(2024-03-01\\) must be on or before 'end'"
        ):
            default_lifecycle().replay(log, start="2024-03-01", end="2024-02-01")

    def test_end_before_every_event(self) -> None:
        log = make_log(events(1, "2024-01-01"))
        with pytest.raises(
            ValidationError, match="no customer has an event on or before 'end' \\(2023-01-01\\)"
        ):
            default_lifecycle().replay(log, end="2023-01-01")

    def test_bad_start(self) -> None:
        log = make_log(events(1, "2024-01-01"))
        with pytest.raises(ValidationError, match="'start' must be a date"):
            default_lifecycle().replay(log, start="last week")


class TestCalendarGrid:
    @pytest.mark.parametrize(
        ("every", "expected"),
        [
            (
                7,
                [
                    "2024-01-31",
                    "2024-02-07",
                    "2024-02-14",
                    "2024-02-21",
                    "2024-02-28",
                    "2024-03-01",
                ],
            ),
            ("2W", ["2024-01-31", "2024-02-14", "2024-02-28", "2024-03-01"]),
            ("1m", ["2024-01-31", "2024-02-29", "2024-03-01"]),
            (dt.timedelta(days=15), ["2024-01-31", "2024-02-15", "2024-03-01"]),
            (relativedelta(days=30), ["2024-01-31", "2024-03-01"]),
            ("1Y", ["2024-01-31", "2024-03-01"]),
        ],
    )
    def test_grids(self, every: Any, expected: list[str]) -> None:
        grid = calendar_grid(D(2024, 1, 31), D(2024, 3, 1), every)
        assert grid.dtype == np.dtype("datetime64[D]")
        assert [d.isoformat() for d in grid.tolist()] == expected

    def test_months_count_from_the_start(self) -> None:
        grid = calendar_grid(D(2024, 1, 31), D(2024, 5, 31), relativedelta(months=1))
        assert [d.day for d in grid.tolist()] == [31, 29, 31, 30, 31]

    def test_none_is_empty(self) -> None:
        assert len(calendar_grid(D(2024, 1, 1), D(2024, 2, 1), None)) == 0

    def test_single_day(self) -> None:
        assert calendar_grid(D(2024, 1, 1), D(2024, 1, 1), "1M").tolist() == [D(2024, 1, 1)]

    @pytest.mark.parametrize(
        "every",
        [
            0,
            -7,
            True,
            "0D",
            "3X",
            "weekly",
            dt.timedelta(hours=36),
            dt.timedelta(days=-1),
            relativedelta(months=-1),
            relativedelta(day=31),
            relativedelta(hours=5),
            relativedelta(),
            1.5,
        ],
    )
    def test_bad_every(self, every: Any) -> None:
        with pytest.raises(ValidationError, match="'every' must be a number of days"):
            calendar_grid(D(2024, 1, 1), D(2024, 2, 1), every)


class TestCarry:
    @given(
        st.lists(st.integers(1, 70), min_size=1, max_size=8),
        st.integers(2, 6),
        st.integers(1, 9),
        st.integers(0, 2**32 - 1),
    )
    @settings(max_examples=100, deadline=None)
    def test_equals_a_plain_loop(
        self, lengths: list[int], n_stages: int, n_patterns: int, seed: int
    ) -> None:
        rng = np.random.default_rng(seed)
        code = np.repeat(np.arange(len(lengths)), lengths).astype(np.int64)
        final = rng.integers(0, n_stages, (n_stages, n_patterns)).astype(np.int8)
        pattern = rng.integers(0, n_patterns, len(code))
        initial = int(rng.integers(0, n_stages))
        expected = []
        stage = initial
        for i in range(len(code)):
            if i == 0 or code[i] != code[i - 1]:
                stage = initial
            expected.append(stage)
            stage = int(final[stage, pattern[i]])
        assert _carry(code, pattern, final, initial).tolist() == expected

    def test_long_histories_use_the_scan(self) -> None:
        assert STEP_LIMIT < 70
        code = np.repeat(np.arange(3), [200, 1, 130]).astype(np.int64)
        final = np.array([[1, 0], [2, 1], [0, 2]], dtype=np.int8)
        pattern = np.tile([0, 1, 1], 111)[: len(code)]
        stage, expected = 0, []
        for i in range(len(code)):
            if i == 0 or code[i] != code[i - 1]:
                stage = 0
            expected.append(stage)
            stage = int(final[stage, pattern[i]])
        assert _carry(code, pattern, final, 0).tolist() == expected


def sample_timeline() -> tuple[Timeline, EventLog]:
    records = (
        events("a", "2024-01-01", "2024-01-20", "2024-02-01")
        + events("b", "2024-01-15")
        + events("b", "2024-03-01", kind="cancellation")
        + events("c", "2024-02-10", kind="visit")
        + events("c", "2024-02-20", kind="visit")
    )
    log = make_log(records)
    return small_default().replay(log), log


class TestTimeline:
    def test_changes_and_columns(self) -> None:
        timeline, _ = sample_timeline()
        assert len(timeline) == 4
        assert timeline.change_code.dtype == np.int32
        assert timeline.change_transition.dtype == np.int16
        assert timeline.change_date.dtype == np.dtype("datetime64[D]")
        assert timeline.source.dtype == np.int8
        assert timeline.target.dtype == np.int8
        table = timeline.to_table()
        assert table.row(0) == {
            "customer": "a",
            "date": D(2024, 1, 20),
            "source": "exploration",
            "target": "awareness",
            "reason": "second purchase or repeat visits",
        }
        assert table["target"].tolist() == ["awareness", "expansion", "dissolution", "awareness"]
        assert repr(timeline) == "Timeline(4 changes, 3 customers, 2024-01-01 .. 2024-03-01)"
        assert (timeline.start, timeline.end) == (D(2024, 1, 1), D(2024, 3, 1))

    def test_changes_for(self) -> None:
        timeline, _ = sample_timeline()
        assert timeline.changes_for("b") == (
            StageChange("b", D(2024, 3, 1), "exploration", "dissolution", "cancellation"),
        )

    def test_unknown_customer(self) -> None:
        timeline, _ = sample_timeline()
        with pytest.raises(UnknownCustomerError, match="customer 'zed' is not in this timeline"):
            timeline.changes_for("zed")
        with pytest.raises(UnknownCustomerError, match="customer 3 is not in this timeline"):
            timeline.stage_on(3, "2024-01-01")

    @pytest.mark.parametrize(
        ("customer", "day", "stage"),
        [
            ("c", "2024-02-09", None),
            ("a", "2024-01-01", "exploration"),
            ("a", "2024-01-20", "awareness"),
            ("a", "2024-03-01", "expansion"),
            ("b", "2024-02-29", "exploration"),
            ("b", "2024-03-01", "dissolution"),
            ("c", "2024-02-15", "exploration"),
            ("c", "2024-02-20", "awareness"),
        ],
    )
    def test_stage_on(self, customer: str, day: str, stage: str | None) -> None:
        timeline, _ = sample_timeline()
        assert timeline.stage_on(customer, day) == stage

    def test_stages_on(self) -> None:
        timeline, _ = sample_timeline()
        on = timeline.stages_on("2024-02-12")
        assert isinstance(on, StageCodes)
        assert on.customer.tolist() == ["a", "b", "c"]
        assert on.names().tolist() == ["expansion", "exploration", "exploration"]
        assert timeline.stages_on("2024-01-01").counts()["exploration"] == 1
        assert timeline.stages_on().names().tolist() == ["expansion", "dissolution", "awareness"]

    def test_funnel(self) -> None:
        timeline, _ = sample_timeline()
        funnel = timeline.funnel(["2024-01-10", D(2024, 2, 15), "2024-03-01"])
        assert funnel.columns == ("stage", "2024-01-10", "2024-02-15", "2024-03-01")
        assert funnel["stage"].tolist() == list(timeline.model.labels)
        assert funnel["2024-01-10"].tolist() == [1, 0, 0, 0, 0]
        assert funnel["2024-02-15"].tolist() == [2, 0, 1, 0, 0]
        assert funnel["2024-03-01"].tolist() == [0, 1, 1, 0, 1]

    def test_flow(self) -> None:
        timeline, _ = sample_timeline()
        flow = timeline.flow("2024-01-15", "2024-03-01")
        assert isinstance(flow, StageFlow)
        assert flow.counts.sum() == 2
        assert flow.counts[0, 2] == 1
        assert flow.counts[0, 4] == 1
        assert flow.rates[0].tolist() == [0.0, 0.0, 0.5, 0.0, 0.5]
        assert np.isnan(flow.rates[1]).all()
        assert flow.new.tolist() == [0, 1, 0, 0, 0]
        assert flow.table()["customers"].tolist() == [1, 1]

    @pytest.mark.parametrize("day", ["2023-12-31", "2024-03-02", "2030-01-01"])
    def test_dates_outside_the_window_raise(self, day: str) -> None:
        # Past the end the stages were extrapolated: customers stayed in exploration forever.
        timeline, _ = sample_timeline()
        window = "outside the replayed window \\[2024-01-01, 2024-03-01\\]"
        with pytest.raises(ValidationError, match=f"'dates' \\({day}\\) is {window}"):
            timeline.funnel(["2024-02-01", day])
        with pytest.raises(ValidationError, match=f"'on' \\({day}\\) is {window}"):
            timeline.stages_on(day)
        with pytest.raises(ValidationError, match=f"'on' \\({day}\\) is {window}"):
            timeline.stage_on("a", day)
        with pytest.raises(ValidationError, match=f"'as_of' \\({day}\\) is {window}"):
            timeline.time_in_stage(as_of=day)
        with pytest.raises(ValidationError, match=f"'date_a' \\({day}\\) is {window}"):
            timeline.flow(day, "2024-03-01")
        with pytest.raises(ValidationError, match=f"'date_b' \\({day}\\) is {window}"):
            timeline.flow("2024-01-01", day)

    def test_dates_at_the_window_edges_are_answered(self) -> None:
        timeline, _ = sample_timeline()
        funnel = timeline.funnel(["2024-01-01", "2024-03-01"])
        assert funnel["2024-01-01"].tolist() == [1, 0, 0, 0, 0]
        assert timeline.flow("2024-01-01", "2024-03-01").counts.sum() == 1

    def test_flow_backwards_in_time(self) -> None:
        timeline, _ = sample_timeline()
        with pytest.raises(ValidationError, match="'date_b' \\(2024-01-01\\) must be on or after"):
            timeline.flow("2024-03-01", "2024-01-01")

    def test_furthest_stage(self) -> None:
        timeline, _ = sample_timeline()
        furthest = timeline.furthest_stage()
        assert furthest.names().tolist() == ["expansion", "exploration", "awareness"]
        assert timeline.stages_on().names().tolist()[1] == "dissolution"

    def test_time_in_stage(self) -> None:
        timeline, _ = sample_timeline()
        t = timeline.time_in_stage()
        rows = [t.row(i) for i in range(len(t))]
        assert rows[0] == {
            "customer": "a",
            "stage": "exploration",
            "first_entered": D(2024, 1, 1),
            "last_entered": D(2024, 1, 1),
            "last_exited": D(2024, 1, 20),
            "entries": 1,
            "latest_days": 19,
            "cumulative_days": 19,
        }
        assert rows[2]["stage"] == "expansion"
        assert rows[2]["last_exited"] is None
        assert rows[2]["cumulative_days"] == 29
        assert [r["stage"] for r in rows if r["customer"] == "b"] == ["exploration", "dissolution"]

    def test_time_in_stage_counts_re_entries(self) -> None:
        records = events(1, "2023-01-01", "2023-01-10") + events(1, "2024-06-01", "2024-06-05")
        timeline = small_default().replay(make_log(records), end="2024-07-01", every="1M")
        t = timeline.time_in_stage(as_of="2024-07-01")
        exploring = [t.row(i) for i in range(len(t)) if t.row(i)["stage"] == "exploration"]
        assert exploring[0]["entries"] == 2
        assert exploring[0]["first_entered"] == D(2023, 1, 1)
        assert exploring[0]["last_entered"] == D(2024, 6, 1)
        assert exploring[0]["latest_days"] == 4
        assert exploring[0]["cumulative_days"] == 9 + 4

    def test_accounting(self) -> None:
        timeline, log = sample_timeline()
        acc = timeline.accounting()
        assert acc["events"].tolist() == [3, 2, 2]
        assert acc["moving_dates"].tolist() == [2, 1, 1]
        assert acc["quiet_dates"].tolist() == [1, 1, 1]
        assert int(acc["events"].sum() + acc["outside"].sum()) == len(log)

    @given(stage_logs(), st.integers(0, 700), everies)
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_nothing_is_dropped(self, log: EventLog, offset: int, every: Any) -> None:
        start = D(2023, 1, 1) + dt.timedelta(days=offset)
        assert log.end is not None
        timeline = small_default().replay(log, start=min(start, log.end), every=every)
        acc = timeline.accounting()
        per_customer = np.bincount(log.code, minlength=len(log.customers))
        assert (acc["events"] + acc["outside"]).tolist() == per_customer.tolist()
        evaluated = acc["event_dates"] + acc["other_dates"]
        assert (acc["moving_dates"] + acc["quiet_dates"]).tolist() == evaluated.tolist()
        assert (acc["event_dates"] <= acc["events"]).all()
        assert int(acc["moving_dates"].sum()) == len(
            set(zip(timeline.change_code.tolist(), timeline.change_date.tolist(), strict=True))
        )

    def test_state_per_customer_is_small(self) -> None:
        rng = np.random.default_rng(5)
        n = 20_000
        log = EventLog.from_arrays(
            customer=rng.integers(0, 2_000, n),
            date=np.datetime64("2022-01-01") + rng.integers(0, 900, n),
            kind=rng.choice(np.array(["purchase", "visit"]), n),
        )
        assert isinstance(log, EventLog)
        timeline = default_lifecycle().replay(log)
        assert timeline.nbytes() / len(log.customers) < 200

    def test_relationship(self) -> None:
        timeline, _ = sample_timeline()
        rel = timeline.relationship("b")
        assert isinstance(rel, Relationship)
        assert (rel.stage, rel.since, rel.started) == ("dissolution", D(2024, 3, 1), D(2024, 1, 15))
        assert rel.win_back("2024-04-01").stage == "exploration"

    def test_relationship_of_a_customer_never_evaluated(self) -> None:
        log = make_log(events(1, "2024-01-01") + events(2, "2024-05-01"))
        timeline = default_lifecycle().replay(log, end="2024-02-01")
        with pytest.raises(UnknownCustomerError, match="customer 2 has no evaluation date"):
            timeline.relationship(2)
        assert timeline.stage_on(2, "2024-02-01") is None
        assert timeline.accounting()["outside"].tolist() == [0, 1]
