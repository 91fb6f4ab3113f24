"""Hypothesis strategies for follow-up rules and plans, and the engines-agree check.

- :func:`followup_logs`: random small logs with purchases, complaints, resolutions,
  visits and channel opt-outs, carrying ``birthday`` and ``no_contact`` attributes.
- ``FOLLOWUP_KINDS`` maps each registered kind of rule to :func:`rules_of` that kind;
  ``BAD_FOLLOWUP`` lists constructions of each kind that must raise ``ValidationError``.
- :func:`plans` draws a :class:`FollowUpPlan` with random :class:`ContactLimits`;
  :func:`windows` a request window near the events of a log; :func:`engine_cases` all of
  it for the engines-agree check of one kind of rule.
- :func:`assert_engines_agree`: the single engine (one :class:`History` at a time) gives
  the rows of the batch engine's table, and each action explains itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st

from conformance.strategies import conditions
from lifecycle import EventLog, attribute, define_signal, signal
from lifecycle.conditions import Condition
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
    Trigger,
)
from lifecycle.signals import count, first, last
from lifecycle.stages import Timeline, default_lifecycle
from lifecycle.table import Table

START = dt.date(2023, 1, 1)
EVENT_KINDS = ("purchase", "purchase", "purchase", "complaint", "resolved", "visit", "opt_out")
USER_KINDS = ("opt_out", "resolved")
BIRTHDAYS = (dt.date(2000, 2, 29), dt.date(1985, 1, 31), dt.date(1990, 12, 31), dt.date(2001, 7, 4))
NO_CONTACT = (None, None, "sms", "email,sms", "all", "")
#: Stages of the default lifecycle, which the engine checks replay.
STAGES = ("awareness", "exploration", "expansion", "commitment", "dissolution")


@st.composite
def followup_logs(draw: st.DrawFn) -> EventLog:
    """A random log of up to four customers over about 14 months."""
    ids = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True))
    events = draw(
        st.lists(
            st.tuples(
                st.integers(0, 10**6),
                st.sampled_from(EVENT_KINDS),
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
    log = EventLog.from_records(records, attributes=("birthday", "no_contact"), kinds=USER_KINDS)
    assert isinstance(log, EventLog)
    return log


actions = st.builds(
    Action,
    st.sampled_from(("survey", "greeting", "gift", "newsletter", "check_in")),
    st.sampled_from(("email", "sms", "phone")),
    note=st.sampled_from(("", "birthday card")),
)
#: ``when`` conditions any log of :func:`followup_logs` can answer (often none, so that
#: actions fall due).
simple_when: st.SearchStrategy[Condition | None] = st.one_of(
    st.none(),
    st.none(),
    st.builds(lambda n: signal("purchase_count") >= n, st.integers(0, 3)),
    st.builds(lambda n: signal("days_since_last_purchase") > n, st.integers(0, 120)),
    st.just(attribute("no_contact").is_missing()),
)
#: Any condition tree, for the checks that need no log.
any_when: st.SearchStrategy[Condition | None] = st.one_of(
    st.none(), conditions("EUR", attributes=("segment",), depth=2)
)
_delays = st.sampled_from(("0D", "1D", "2D", "1W", "3W", "1M", "3M", "1Y"))
#: rrule options per frequency, each producing dates.
_OPTIONS: dict[str, tuple[dict[str, Any], ...]] = {
    "daily": ({}, {"byweekday": ["MO", "WE", "FR"]}),
    "weekly": ({}, {"byweekday": ["MO", "TH"]}, {"byweekday": "SU", "wkst": "MO"}),
    "monthly": (
        {},
        {"bymonthday": 15},
        {"byweekday": "FR(-1)"},
        {"byweekday": "TU", "bysetpos": 1},
    ),
    "yearly": ({}, {"bymonth": [6, 12]}, {"byyearday": 100}),
}


@st.composite
def _after(draw: st.DrawFn, when: st.SearchStrategy[Condition | None]) -> After:
    escalate = draw(
        st.one_of(
            st.none(),
            st.builds(
                Escalate,
                st.sampled_from(("3D", "1W")),
                actions,
                unless=st.sampled_from(("resolved", "visit")),
            ),
        )
    )
    return After(
        draw(st.sampled_from(("purchase", "complaint", "visit"))),
        draw(_delays),
        draw(actions),
        when=draw(when),
        escalate=escalate,
        first_only=draw(st.booleans()),
    )


@st.composite
def _every(draw: st.DrawFn, when: st.SearchStrategy[Condition | None], short: bool) -> Every:
    # Daily recurrences are drawn only where the windows are short (a plan per example).
    freqs = ("weekly", "monthly", "yearly") if not short else ("daily", "weekly", "monthly")
    freq = draw(st.sampled_from(freqs))
    return Every(
        freq,
        draw(actions),
        interval=draw(st.integers(1, 3)),
        start=draw(st.sampled_from(("first_purchase", "first_event", dt.date(2023, 3, 31)))),
        count=draw(st.one_of(st.none(), st.integers(1, 4))),
        until=draw(st.one_of(st.none(), st.just(dt.date(2023, 12, 31)))),
        when=draw(when),
        **draw(st.sampled_from(_OPTIONS[freq])),
    )


#: Signals of dates an anniversary can be of (customers without one have none).
DEFINED_DATES = (
    define_signal("first_visit", first("visit")),
    define_signal("last_complaint", last("complaint", within="1Y")),
)


@st.composite
def _anniversary(draw: st.DrawFn, when: st.SearchStrategy[Condition | None]) -> Anniversary:
    return Anniversary(
        draw(st.sampled_from(("birthday", "first_purchase", *DEFINED_DATES))),
        draw(actions),
        leap_day=draw(st.sampled_from(("feb28", "mar1"))),
        when=draw(when),
    )


@st.composite
def _on_stage_change(draw: st.DrawFn, when: st.SearchStrategy[Condition | None]) -> OnStageChange:
    # The random logs mostly move to awareness or dissolution: drawn first, and more often.
    to = draw(st.sampled_from(("dissolution", "awareness", *STAGES)))
    return OnStageChange(
        to,
        draw(actions),
        from_=draw(st.sampled_from((None, None, *(s for s in STAGES if s != to)))),
        when=draw(when),
    )


@st.composite
def _on_signal(draw: st.DrawFn, when: st.SearchStrategy[Condition | None]) -> OnSignal:
    condition = draw(
        st.one_of(
            st.builds(lambda n: signal("days_since_last_purchase") > n, st.integers(0, 60)),
            st.builds(lambda n: signal("purchase_count") >= n, st.integers(1, 3)),
            st.builds(lambda n: signal("tenure_days") >= n, st.integers(0, 200)),
        )
    )
    return OnSignal(condition, draw(actions))


_KINDS: dict[type[Trigger], Callable[..., st.SearchStrategy[Any]]] = {
    After: _after,
    Every: _every,
    Anniversary: _anniversary,
    OnStageChange: _on_stage_change,
    OnSignal: _on_signal,
}
#: Every kind of follow-up rule the conformance suite covers.
FOLLOWUP_KINDS: tuple[type[Trigger], ...] = tuple(_KINDS)


def rules_of(kind: type[Trigger], *, for_log: bool = False) -> st.SearchStrategy[Trigger]:
    """Rules of ``kind``; ``for_log=True``: ones any :func:`followup_logs` log can serve."""
    when = simple_when if for_log else any_when
    if kind is Every:
        return _every(when, short=for_log)
    return _KINDS[kind](when)


limits = st.builds(
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


def plans(rules: st.SearchStrategy[Trigger]) -> st.SearchStrategy[FollowUpPlan]:
    """Plans of 1 to 4 of ``rules`` with random limits."""
    # A plan refuses two rules with the same label and action (their rows would be equal).
    drawn = st.lists(rules, min_size=1, max_size=4, unique_by=lambda r: tuple(r.sources()))
    return st.builds(FollowUpPlan, drawn, limits=limits)


@st.composite
def windows(draw: st.DrawFn, log: EventLog, longest: int = 150) -> tuple[dt.date, dt.date]:
    """A request window, mostly one that starts shortly before one of the log's events and
    lasts at least a quarter of ``longest`` days (so that actions fall in it)."""
    if draw(st.integers(0, 3)):
        event = draw(st.sampled_from(log.date.tolist()))
        start = event - dt.timedelta(days=draw(st.integers(0, 30)))
        return start, start + dt.timedelta(days=draw(st.integers(longest // 4, longest)))
    start = START + dt.timedelta(days=draw(st.integers(0, 420)))
    return start, start + dt.timedelta(days=draw(st.integers(0, longest)))


@st.composite
def engine_cases(
    draw: st.DrawFn, kind: type[Trigger]
) -> tuple[EventLog, FollowUpPlan, dt.date, dt.date, Timeline | None]:
    """A log, a plan of one or two rules of ``kind``, a window and the timeline it needs."""
    log = draw(followup_logs())
    drawn = draw(st.lists(rules_of(kind, for_log=True), min_size=1, max_size=2))
    # A plan refuses two rules that share a (rule, action) source, escalations included.
    rules, seen = [], set()
    for rule in drawn:
        if seen.isdisjoint(rule.sources()):
            rules.append(rule)
            seen.update(rule.sources())
    # OnSignal reads every customer on every day: a shorter window keeps it fast.
    start, end = draw(windows(log, longest=40 if kind is OnSignal else 150))
    timeline = None
    if kind is After:
        first = rules[0]
        assert isinstance(first, After)
        days = [
            d
            for d, k in zip(log.date.tolist(), log.kind.tolist(), strict=True)
            if k == first.event_kind
        ]
        if days and draw(st.booleans()):
            # Aim the window at the day an event of the first rule's kind makes due.
            due = draw(st.sampled_from(days)) + first.delay
            start = due - dt.timedelta(days=draw(st.integers(0, 30)))
            end = start + dt.timedelta(days=draw(st.integers(30, 150)))
    if kind is OnStageChange:
        # Past any window: the replay goes on noticing lapses after the last event.
        timeline = default_lifecycle().replay(log, end=START + dt.timedelta(days=600), every=7)
        changes = [c for who in log.customers.tolist() for c in timeline.changes_for(who)]
        if changes and draw(st.booleans()):
            # Aim the first rule and the window at a change the replay made.
            change = draw(st.sampled_from(changes))
            aimed = attrs.evolve(
                rules[0], to=change.target, from_=draw(st.sampled_from((None, change.source)))
            )
            rules = [aimed, *(r for r in rules[1:] if r.sources() != aimed.sources())]
            start = change.on - dt.timedelta(days=draw(st.integers(0, 30)))
            end = min(start + dt.timedelta(days=draw(st.integers(30, 150))), timeline.end)
    return log, FollowUpPlan(rules, limits=draw(limits)), start, end, timeline


def rows(table: Table) -> list[dict[str, Any]]:
    """The rows of a schedule table, as dicts."""
    return [table.row(i) for i in range(len(table))]


def assert_engines_agree(
    log: EventLog,
    plan: FollowUpPlan,
    start: dt.date,
    end: dt.date,
    timeline: Timeline | None = None,
) -> None:
    """The batch table equals the single engine's rows, customer by customer.

    Each single action also explains itself: its day, customer, action and rule.
    """
    table = plan.schedule(log, start, end, timeline=timeline)
    single = []
    labels = {label for label, _ in plan.sources()}
    for customer in log.customers.tolist():
        for action in plan.schedule(History(log, customer), start, end, timeline=timeline):
            text = action.explain()
            assert text.startswith(f"{action.date.isoformat()} {customer}: {action.action}")
            assert action.rule in labels
            assert f"rule {action.rule!r}" in text
            assert action.suppressed == text.endswith(f"; suppressed: {action.reason}")
            single.append(action.row())
    assert rows(table) == single


#: Constructions of each kind that must raise ValidationError (the conformance suite runs them).
_CALL = Action("thank_you_call", "phone")
BAD_FOLLOWUP: dict[type, tuple[Callable[[], object], ...]] = {
    After: (
        lambda: After("purchase", "-2D", _CALL),
        lambda: After("", "2D", _CALL),
        lambda: After("purchase", "2D", "call"),  # type: ignore[arg-type]
        lambda: After("purchase", "2D", _CALL, first_only="yes"),  # type: ignore[arg-type]
        lambda: After("purchase", "2D", _CALL, escalate=Escalate("-1D", _CALL)),
        lambda: After("purchase", "2D", _CALL, when="purchase_count > 1"),  # type: ignore[arg-type]
    ),
    Every: (
        lambda: Every("fortnightly", _CALL),
        lambda: Every("monthly", _CALL, interval=0),
        lambda: Every("monthly", _CALL, count=0),
        lambda: Every("monthly", _CALL, start="last_purchase"),
        lambda: Every("monthly", _CALL, byhour=9),
        lambda: Every("yearly", _CALL, bymonth=2, bymonthday=30),
    ),
    Anniversary: (
        lambda: Anniversary("birthday", _CALL, leap_day="feb29"),
        lambda: Anniversary(" birthday", _CALL),
        lambda: Anniversary("birthday", None),  # type: ignore[arg-type]
        lambda: Anniversary(define_signal("visits", count("visit")), _CALL),
    ),
    OnStageChange: (
        lambda: OnStageChange("", _CALL),
        lambda: OnStageChange("dissolution", _CALL, from_=" commitment"),
        lambda: OnStageChange("dissolution", "win_back_offer"),  # type: ignore[arg-type]
    ),
    OnSignal: (
        lambda: OnSignal("lapse_ratio > 2", _CALL),  # type: ignore[arg-type]
        lambda: OnSignal(signal("lapse_ratio") > 2, None),  # type: ignore[arg-type]
    ),
}
