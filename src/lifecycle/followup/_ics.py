"""Export a schedule to iCalendar (RFC 5545) text (private).

One all-day ``VEVENT`` per action. Its ``UID`` is derived from the customer, the rule,
the action and the day, so exporting the same schedule again gives the same UIDs and a
calendar updates its events instead of duplicating them; a suppressed action is exported
with ``STATUS:CANCELLED`` under the same UID, so an action held back after an earlier
export is cancelled where it was. Nothing reads the clock: ``DTSTAMP`` is ``stamp``
(by default midnight UTC of the latest day in the export).

Examples
--------
>>> import datetime as dt
>>> from lifecycle.followup import Action, ScheduledAction
>>> call = ScheduledAction("ann", dt.date(2024, 1, 7), Action("thank_you_call", "phone"),
...                        "2D after purchase", dt.date(2024, 1, 5), "purchase + 2D")
>>> text = to_ics([call], calendar_name="Shop follow-up")
>>> [line for line in text.splitlines() if line.startswith(("SUMMARY", "DTSTART", "UID"))]
['UID:eb24e79237bd27aa3f9868e69b8f30d5@customer-lifecycle', 'DTSTART;VALUE=DATE:20240107', 'SUMMARY:thank_you_call by phone: ann']
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import ValidationError
from ..table import Table
from ._actions import ScheduledAction
from ._plan import COLUMNS, FollowUpPlan
from ._recurrence import Every

__all__ = ["to_ics"]

_PRODID = "-//customer-lifecycle//follow-up//EN"


def _escape(text: str) -> str:
    """TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> Iterator[str]:
    """Lines longer than 75 octets continue on lines starting with a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        yield data[:cut].decode("utf-8")
        data = b" " + data[cut:]
        limit = 75
    yield data.decode("utf-8")


def uid(customer: Any, rule: str, kind: str, channel: str, day: dt.date | None) -> str:
    """The stable UID of one action (of a customer's series when ``day`` is None)."""
    when = "series" if day is None else day.isoformat()
    key = "\x1f".join((repr(customer), rule, kind, channel, when))
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@customer-lifecycle"


def _rows(actions: Iterable[ScheduledAction] | Table) -> Iterator[dict[str, Any]]:
    if isinstance(actions, Table):
        missing = [c for c in COLUMNS if c not in actions]
        if missing:
            msg = f"to_ics needs a schedule table with the columns {COLUMNS} (missing {missing})"
            raise ValidationError(msg)
        for i in range(len(actions)):
            yield {**actions.row(i), "note": ""}  # dates come back as datetime.date
        return
    for action in actions:
        if not isinstance(action, ScheduledAction):
            msg = f"to_ics exports ScheduledAction objects or a schedule Table (got {action!r})"
            raise ValidationError(msg)
        yield {**action.row(), "note": action.action.note}


def _series(
    rows: list[dict[str, Any]], plan: FollowUpPlan | None
) -> tuple[dict[int, str], set[int]]:
    """The customers' recurring actions that one ``RRULE`` says exactly.

    Returns the rows that open a series (with its ``RRULE``) and the rows folded into
    them. A customer's actions of one :class:`Every` rule form a series when none is
    suppressed and the recurrence restarted on the first gives exactly their days.
    """
    if plan is None:
        return {}, set()
    rules = {
        (label, action.kind, action.channel): rule
        for rule in plan.rules
        if isinstance(rule, Every)
        for label, action in rule.sources()
    }
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(rows):
        key = (row["rule"], row["action"], row["channel"])
        if key in rules:
            groups.setdefault((repr(row["customer"]), *key), []).append(i)
    opening: dict[int, str] = {}
    folded: set[int] = set()
    for group, members in groups.items():
        rule = rules[(group[1], group[2], group[3])]
        days = [rows[i]["date"] for i in members]
        if len(members) < 2 or any(rows[i]["suppressed"] for i in members):
            continue
        text = rule.rrule_text(max(days))
        if text is None or rule.series(min(days), max(days)) != sorted(days):
            continue
        first = min(members, key=lambda i: rows[i]["date"])
        opening[first] = text
        folded.update(i for i in members if i != first)
    return opening, folded


def to_ics(
    actions: Iterable[ScheduledAction] | Table,
    calendar_name: str = "follow-up",
    *,
    plan: FollowUpPlan | None = None,
    stamp: dt.datetime | None = None,
) -> str:
    """Export actions as iCalendar text, one all-day event per action.

    Parameters
    ----------
    actions : iterable of ScheduledAction, or a schedule Table
        What ``FollowUpPlan.schedule`` returns (for one customer or a whole log).
    calendar_name : str
        Shown by calendar programs (``X-WR-CALNAME``).
    plan : FollowUpPlan, optional
        The plan that made the schedule: with it, a customer's actions of one
        :class:`Every` rule become one event with an ``RRULE`` (when none of them is
        suppressed and the rule says exactly their days), whose UID stays the same
        whatever window is exported.
    stamp : datetime, optional
        The ``DTSTAMP`` of every event (timezone-aware, or taken as UTC); by default
        midnight UTC of the latest day exported, so the same schedule gives the same text.

    Returns
    -------
    str
        ``VCALENDAR`` text with CRLF line ends. Suppressed actions have
        ``STATUS:CANCELLED`` and their reason in the description.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.followup import Action, Every, FollowUpPlan
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-15"}])
    >>> plan = FollowUpPlan([Every("monthly", Action("newsletter", "email"), count=2)])
    >>> text = to_ics(plan.schedule(log, "2024-01-01"), calendar_name="News")
    >>> text.count("BEGIN:VEVENT"), "DTSTART;VALUE=DATE:20240315" in text
    (2, True)
    >>> text = to_ics(plan.schedule(log, "2024-01-01"), calendar_name="News", plan=plan)
    >>> text.count("BEGIN:VEVENT"), "RRULE:FREQ=MONTHLY;INTERVAL=1;UNTIL=20240315" in text
    (1, True)
    """
    if not isinstance(calendar_name, str) or not calendar_name.strip():
        msg = f"'calendar_name' must be a non-empty str (got {calendar_name!r})"
        raise ValidationError(msg)
    if plan is not None and not isinstance(plan, FollowUpPlan):
        msg = f"'plan' must be a FollowUpPlan (got {type(plan).__name__})"
        raise ValidationError(msg)
    rows = list(_rows(actions))
    if stamp is None:
        latest = max((row["date"] for row in rows), default=dt.date(1970, 1, 1))
        moment = dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.timezone.utc)
    elif isinstance(stamp, dt.datetime):
        moment = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
    else:
        msg = f"'stamp' must be a datetime (got {stamp!r})"
        raise ValidationError(msg)
    dtstamp = moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
    ]
    series, folded_in = _series(rows, plan)
    for i, row in enumerate(rows):
        if i in folded_in:
            continue
        day = row["date"]
        summary = f"{row['action']} by {row['channel']}: {row['customer']}"
        description = [f"rule: {row['rule']}"]
        if row["note"]:
            description.append(f"note: {row['note']}")
        if row["suppressed"]:
            description.append(f"suppressed: {row['reason']}")
        recurrence = series.get(i)
        key = None if recurrence is not None else day
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(row['customer'], row['rule'], row['action'], row['channel'], key)}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            *([f"RRULE:{recurrence}"] if recurrence is not None else []),
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(chr(10).join(description))}",
            f"CATEGORIES:{_escape(row['action'])}",
            f"STATUS:{'CANCELLED' if row['suppressed'] else 'CONFIRMED'}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))
