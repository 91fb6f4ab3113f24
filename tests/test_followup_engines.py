"""The single engine (one History) and the batch engine (a whole log) agree, and
``due(log, on)`` is the day's slice of ``schedule``.

The strategies and the check live in ``conformance/followup_strategies.py``, which the
conformance suite (``conformance/test_kinds.py``) also runs kind by kind.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.followup_strategies import (
    START,
    assert_engines_agree,
    followup_logs,
    plans,
    rows,
)
from lifecycle import EventLog, signal
from lifecycle.followup import (
    Action,
    After,
    Anniversary,
    ContactLimits,
    Escalate,
    Every,
    FollowUpPlan,
    OnSignal,
    OnStageChange,
)
from lifecycle.stages import default_lifecycle

_action = st.builds(
    Action,
    st.sampled_from(("survey", "greeting", "gift", "newsletter")),
    st.sampled_from(("email", "sms", "phone")),
)
_when = st.one_of(st.none(), st.builds(lambda n: signal("purchase_count") >= n, st.integers(0, 3)))

_rules = st.one_of(
    st.builds(
        After,
        st.just("purchase"),
        st.sampled_from(("0D", "2D", "1W", "1M")),
        _action,
        when=_when,
        first_only=st.booleans(),
    ),
    st.builds(
        After,
        st.just("complaint"),
        st.just("1D"),
        st.just(Action("complaint_follow_up", "phone")),
        escalate=st.just(Escalate("3D", Action("complaint_follow_up", "visit"))),
    ),
    st.builds(
        Every,
        st.sampled_from(("weekly", "monthly")),
        _action,
        interval=st.integers(1, 3),
        start=st.sampled_from(("first_purchase", "first_event", dt.date(2023, 3, 31))),
        count=st.one_of(st.none(), st.integers(1, 3)),
        when=_when,
    ),
    st.builds(
        Anniversary,
        st.sampled_from(("birthday", "first_purchase")),
        _action,
        leap_day=st.sampled_from(("feb28", "mar1")),
        when=_when,
    ),
    st.builds(OnStageChange, st.sampled_from(("awareness", "dissolution")), _action),
)


def _plans() -> st.SearchStrategy[FollowUpPlan]:
    return plans(_rules)


@settings(max_examples=40)
@given(log=followup_logs(), plan=_plans(), first=st.integers(0, 420), days=st.integers(0, 150))
def test_single_engine_agrees_with_the_batch_engine(
    log: EventLog, plan: FollowUpPlan, first: int, days: int
) -> None:
    start = START + dt.timedelta(days=first)
    end = start + dt.timedelta(days=days)
    timeline = default_lifecycle().replay(log, end=max(end, log.end), every=7)
    assert_engines_agree(log, plan, start, end, timeline)


@settings(max_examples=30)
@given(
    log=followup_logs(),
    plan=_plans(),
    first=st.integers(0, 420),
    days=st.integers(0, 60),
    pick=st.integers(0, 60),
)
def test_due_is_the_days_slice_of_the_schedule(
    log: EventLog, plan: FollowUpPlan, first: int, days: int, pick: int
) -> None:
    start = START + dt.timedelta(days=first)
    end = start + dt.timedelta(days=days)
    on = start + dt.timedelta(days=pick % (days + 1))
    timeline = default_lifecycle().replay(log, end=max(end, log.end), every=7)
    table = plan.schedule(log, start, end, timeline=timeline)
    due = plan.due(log, on=on, timeline=timeline)
    mask = table.date == np.datetime64(on, "D")
    assert rows(due) == [table.row(i) for i in np.flatnonzero(mask)]


@settings(max_examples=15)
@given(
    log=followup_logs(), first=st.integers(0, 420), days=st.integers(0, 40), gap=st.integers(0, 60)
)
def test_on_signal_agrees_between_engines(log: EventLog, first: int, days: int, gap: int) -> None:
    start = START + dt.timedelta(days=first)
    end = start + dt.timedelta(days=days)
    plan = FollowUpPlan(
        [OnSignal(signal("days_since_last_purchase") > gap, Action("sales_alert", "email"))],
        limits=ContactLimits(per_month=1),
    )
    assert_engines_agree(log, plan, start, end)
