"""to_ics: RFC 5545 text, parsed back with the icalendar package."""

from __future__ import annotations

import datetime as dt

import icalendar
import numpy as np
import pytest
from dateutil.rrule import rrulestr

from lifecycle import EventLog
from lifecycle.errors import ValidationError
from lifecycle.followup import (
    Action,
    After,
    ContactLimits,
    Every,
    FollowUpPlan,
    History,
    ScheduledAction,
    to_ics,
)

LOG = EventLog.from_records(
    [
        {"customer": "ann", "date": "2024-01-05"},
        {"customer": "ann", "date": "2024-02-20"},
        {"customer": 'b;o,b "the builder"', "date": "2024-01-06"},
    ]
)
PLAN = FollowUpPlan(
    [
        After("purchase", "2D", Action("thank_you_call", "phone", note="ask, kindly; listen")),
        Every("weekly", Action("newsletter", "email"), count=6),
    ],
    limits=ContactLimits(per_week=1),
)


def rows(table):  # type: ignore[no-untyped-def]
    return [table.row(i) for i in range(len(table))]


def events(text: str) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))


class TestToIcs:
    def test_a_schedule_round_trips_its_dates(self) -> None:
        table = PLAN.schedule(LOG, "2024-01-01", "2024-03-31")
        parsed = events(to_ics(table, calendar_name="Shop"))
        assert len(parsed) == len(table)
        assert [e.decoded("dtstart") for e in parsed] == table.date.tolist()
        assert [str(e["status"]) for e in parsed] == [
            "CANCELLED" if s else "CONFIRMED" for s in table.suppressed.tolist()
        ]
        assert all(
            e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(days=1) for e in parsed
        )
        calendar = icalendar.Calendar.from_ical(to_ics(table, calendar_name="Shop"))
        assert str(calendar["x-wr-calname"]) == "Shop"
        assert str(calendar["version"]) == "2.0"

    def test_uids_are_unique_and_stable_across_exports(self) -> None:
        first = events(to_ics(PLAN.schedule(LOG, "2024-01-01", "2024-03-31")))
        uids = [str(e["uid"]) for e in first]
        assert len(set(uids)) == len(uids)
        # A later, overlapping export updates the same events rather than adding new ones.
        again = events(to_ics(PLAN.schedule(LOG, "2024-02-01", "2024-04-30")))
        overlap = {str(e["uid"]) for e in again} & set(uids)
        in_both = [e for e in first if e.decoded("dtstart") >= dt.date(2024, 2, 1)]
        assert overlap == {str(e["uid"]) for e in in_both}

    def test_single_engine_actions_carry_notes_and_text_is_escaped(self) -> None:
        actions = PLAN.schedule(History(LOG, "ann"), "2024-01-01", "2024-01-31")
        table = PLAN.schedule(LOG, "2024-01-01", "2024-01-31")
        parsed = events(to_ics(actions))
        assert "note: ask, kindly; listen" in str(parsed[0]["description"])
        # The same action exported from a table or from the single engine has the same UID.
        assert {str(e["uid"]) for e in parsed} <= {str(e["uid"]) for e in events(to_ics(table))}
        bob = [e for e in events(to_ics(table)) if "the builder" in str(e["summary"])]
        assert str(bob[0]["summary"]) == 'thank_you_call by phone: b;o,b "the builder"'

    def test_long_lines_are_folded(self) -> None:
        action = ScheduledAction(
            "ann",
            dt.date(2024, 1, 7),
            Action("thank_you_call", "phone", note="é" * 100),
            "2D after purchase",
            dt.date(2024, 1, 5),
            "purchase + 2D",
        )
        text = to_ics([action])
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
        assert str(events(text)[0]["description"]).endswith("é" * 100)

    def test_stamp_is_explicit(self) -> None:
        table = PLAN.schedule(LOG, "2024-01-01", "2024-01-31")
        stamp = dt.datetime(2024, 1, 1, 9, 30, tzinfo=dt.timezone.utc)
        parsed = events(to_ics(table, stamp=stamp))
        assert {e.decoded("dtstamp") for e in parsed} == {stamp}
        assert to_ics(table) == to_ics(table)

    def test_recurring_actions_as_one_rrule_round_trip_their_dates(self) -> None:
        plan = FollowUpPlan(
            [
                After("purchase", "2D", Action("thank_you_call", "phone")),
                Every(
                    "monthly", Action("newsletter", "email"), byweekday="FR(-1)", start="2024-01-01"
                ),
                Every("weekly", Action("survey", "email"), interval=2, count=5),
            ],
            limits=ContactLimits(blackout=["2024-03-29"]),
        )
        table = plan.schedule(LOG, "2024-01-01", "2024-06-30")
        parsed = events(to_ics(table, plan=plan))
        days: list[tuple[str, dt.date]] = []
        for event in parsed:
            start = event.decoded("dtstart")
            if "rrule" in event:
                rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
                days += [(str(event["summary"]), d.date()) for d in rule]
            else:
                days.append((str(event["summary"]), start))
        expected = [
            (f"{r['action']} by {r['channel']}: {r['customer']}", r["date"]) for r in rows(table)
        ]
        assert sorted(days) == sorted(expected)
        series = [e for e in parsed if "rrule" in e]
        # Each customer's surveys are one series; the newsletters on the last Friday of the
        # month include the blackout day 29 March, so they stay single events.
        assert sorted(str(e["summary"]) for e in series) == [
            "survey by email: ann",
            'survey by email: b;o,b "the builder"',
        ]
        assert len(parsed) < len(table)
        # A series keeps its UID whatever window is exported.
        later = events(to_ics(plan.schedule(LOG, "2024-02-01", "2024-05-31"), plan=plan))
        assert {str(e["uid"]) for e in series} & {str(e["uid"]) for e in later if "rrule" in e}

    def test_bad_input(self) -> None:
        with pytest.raises(ValidationError, match="'calendar_name' must be a non-empty str"):
            to_ics([], calendar_name=" ")
        with pytest.raises(ValidationError, match="exports ScheduledAction objects"):
            to_ics([1])  # type: ignore[list-item]
        with pytest.raises(ValidationError, match="'plan' must be a FollowUpPlan"):
            to_ics([], plan=LOG)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'stamp' must be a datetime"):
            to_ics([], stamp=dt.date(2024, 1, 1))  # type: ignore[arg-type]

    def test_empty_schedule(self) -> None:
        table = PLAN.schedule(LOG, "2030-01-01", "2030-01-31")
        assert len(table) == 0
        assert events(to_ics(table)) == []
        assert np.asarray(table.date).dtype == np.dtype("datetime64[D]")
