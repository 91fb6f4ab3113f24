"""The single engine (one History) and the batch engine (a whole log) agree, and
``due(log, on)`` is the day's slice of ``schedule``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle import EventLog, signal
from lifecycle.followup import (
    Action,
    After,
    Anniversary,
    Consent,
    ContactLimits,
    Escalate,
    Every,
    FollowUpPlan,
    History,
    OnSignal,
    OnStageChange,
)
from lifecycle.stages import default_lifecycle
from lifecycle.table import Table

START = dt.date(2023, 1, 1)
KINDS = ("purchase", "purchase", "purchase", "complaint", "resolved", "visit", "opt_out")
BIRTHDAYS = (dt.date(2000, 2, 29), dt.date(1985, 1, 31), dt.date(1990, 12, 31), dt.date(2001, 7, 4))
NO_CONTACT = (None, None, "sms", "email,sms", "all", "")


@st.composite
def logs(draw: st.DrawFn) -> EventLog:
    ids = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True))
    events = draw(
        st.lists(
            st.tuples(
                st.integers(0, 10**6),
                st.sampled_from(KINDS),
                st.integers(0, 420),
                st.sampled_from((None, "email", "sms")),
                st.sampled_from(NO_CONTACT),
            ),
            min_size=len(ids),
            max_size=20,
        )
    )
    born = {c: draw(st.sampled_from(BIRTHDAYS)) for c in ids}
    records: list[dict[str, Any]] = []
    for i, (who, kind, day, channel, no_contact) in enumerate(events):
        customer = ids[i] if i < len(ids) else ids[who % len(ids)]
        record = {
            "customer": customer,
            "date": START + dt.timedelta(days=day),
            "kind": kind,
            "birthday": born[customer],
            "no_contact": no_contact,
        }
        if kind == "opt_out" and channel is not None:
            record["channel"] = channel
        records.append(record)
    log = EventLog.from_records(
        records, attributes=("birthday", "no_contact"), kinds=("opt_out", "resolved")
    )
    assert isinstance(log, EventLog)
    return log


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

_limits = st.builds(
    ContactLimits,
    per_week=st.one_of(st.none(), st.integers(1, 2)),
    per_month=st.one_of(st.none(), st.integers(1, 3)),
    min_gap=st.one_of(st.none(), st.integers(1, 10)),
    priority=st.sampled_from(((), ("survey",), ("complaint_follow_up", "greeting"))),
    blackout=st.sampled_from(((), ("2023-06-01",), (("2023-07-01", "2023-07-14"),))),
    consent=st.sampled_from(
        (
            None,
            Consent(event="opt_out"),
            Consent(attribute="no_contact"),
            Consent(event="opt_out", attribute="no_contact"),
        )
    ),
)


def _plans() -> st.SearchStrategy[FollowUpPlan]:
    # A plan refuses two rules with the same label and action (their rows would be equal).
    rules = st.lists(_rules, min_size=1, max_size=4, unique_by=lambda r: tuple(r.sources()))
    return st.builds(FollowUpPlan, rules, limits=_limits)


def _rows(table: Table) -> list[dict[str, Any]]:
    return [table.row(i) for i in range(len(table))]


@settings(max_examples=40)
@given(log=logs(), plan=_plans(), first=st.integers(0, 420), days=st.integers(0, 150))
def test_single_engine_agrees_with_the_batch_engine(
    log: EventLog, plan: FollowUpPlan, first: int, days: int
) -> None:
    start = START + dt.timedelta(days=first)
    end = start + dt.timedelta(days=days)
    timeline = default_lifecycle().replay(log, end=max(end, log.end), every=7)
    table = plan.schedule(log, start, end, timeline=timeline)
    single = [
        action.row()
        for customer in log.customers.tolist()
        for action in plan.schedule(History(log, customer), start, end, timeline=timeline)
    ]
    assert _rows(table) == single


@settings(max_examples=30)
@given(
    log=logs(),
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
    assert _rows(due) == [table.row(i) for i in np.flatnonzero(mask)]


@settings(max_examples=15)
@given(log=logs(), first=st.integers(0, 420), days=st.integers(0, 40), gap=st.integers(0, 60))
def test_on_signal_agrees_between_engines(log: EventLog, first: int, days: int, gap: int) -> None:
    start = START + dt.timedelta(days=first)
    end = start + dt.timedelta(days=days)
    plan = FollowUpPlan(
        [OnSignal(signal("days_since_last_purchase") > gap, Action("sales_alert", "email"))],
        limits=ContactLimits(per_month=1),
    )
    table = plan.schedule(log, start, end)
    single = [
        a.row()
        for customer in log.customers.tolist()
        for a in plan.schedule(History(log, customer), start, end)
    ]
    assert _rows(table) == single
