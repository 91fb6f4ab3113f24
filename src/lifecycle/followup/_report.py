"""The demo shop's plan, and the report's "actions due in the next 7 days" section (private).

``lifecycle report`` puts :func:`due_soon` (plain data) in its JSON form and shows it as
text with :func:`format_due_soon`; :func:`due_soon_text` does both at once.

Examples
--------
>>> [label for label, _ in demo_plan().sources()][:2]
['2D after the first purchase', '1D after complaint']
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np

from ..events import EventLog
from ..stages import default_lifecycle
from ._actions import Action
from ._limits import ContactLimits
from ._plan import FollowUpPlan
from ._reactive import OnStageChange
from ._recurrence import Every
from ._triggers import After, Anniversary, Escalate

__all__ = ["demo_plan", "due_soon", "due_soon_text", "format_due_soon"]


def demo_plan() -> FollowUpPlan:
    """A small shop's plan for the demo data (which records no birthdays).

    A thank-you call 2 days after the first purchase; a complaint follow-up the next
    day, escalated to a visit after 3 days unless a ``resolved`` event followed; a
    survey every 6 months from the first purchase; a greeting on the anniversary of the
    first purchase (it beats the survey falling on the same day); a win-back call on
    dissolution. At most one contact a week, two days apart, complaints first, nothing on
    Christmas Day.

    Examples
    --------
    >>> print(demo_plan().explain())
    follow-up plan of 5 rules
      1. 2D after the first purchase: thank_you_call by phone
      2. 1D after complaint: complaint_follow_up by phone
      3. 3D after complaint unless resolved: complaint_follow_up by visit
      4. every 6 months from first_purchase: survey by email
      5. anniversary of first_purchase: greeting by email
      6. on stage change to dissolution: win_back_offer by phone
      limits: at most 1 per calendar week; at least 2 days apart; priority: complaint_follow_up, win_back_offer, thank_you_call, greeting; blackout: 2025-12-25
    """
    return FollowUpPlan(
        [
            After("purchase", "2D", Action("thank_you_call", "phone"), first_only=True),
            After(
                "complaint",
                "1D",
                Action("complaint_follow_up", "phone"),
                escalate=Escalate("3D", Action("complaint_follow_up", "visit", note="manager")),
            ),
            Every("monthly", Action("survey", "email"), interval=6),
            Anniversary("first_purchase", Action("greeting", "email")),
            OnStageChange("dissolution", Action("win_back_offer", "phone")),
        ],
        limits=ContactLimits(
            per_week=1,
            min_gap=2,
            priority=("complaint_follow_up", "win_back_offer", "thank_you_call", "greeting"),
            blackout=["2025-12-25"],
        ),
    )


def due_soon(
    log: EventLog,
    as_of: dt.date,
    *,
    plan: FollowUpPlan | None = None,
    days: int = 7,
    first: int = 5,
) -> dict[str, Any]:
    """The actions due from ``as_of`` for ``days`` days, as JSON-safe data.

    Parameters
    ----------
    log : EventLog
    as_of : date
        The first day (the day the report is made for).
    plan : FollowUpPlan, optional
        By default :func:`demo_plan`. Stage-change rules read the default lifecycle
        model replayed on a monthly grid.
    days : int
        How many days, ``as_of`` included.
    first : int
        How many of the earliest actions to list.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"}])
    >>> due_soon(log, dt.date(2024, 3, 1), first=1)["first"]
    [{'date': '2024-03-03', 'customer': 1, 'action': 'thank_you_call', 'channel': 'phone', 'rule': '2D after the first purchase'}]
    """
    plan = demo_plan() if plan is None else plan
    end = as_of + dt.timedelta(days=days - 1)
    timeline = None
    if any(isinstance(rule, OnStageChange) for rule in plan.rules):
        timeline = default_lifecycle().replay(log, end=end, every="1M")
    table = plan.schedule(log, as_of, end, timeline=timeline)
    kept = ~table.suppressed
    due = Counter(table.action[kept].tolist())
    held = Counter(table.action[~kept].tolist())
    order = np.lexsort((table.rule, table.customer.astype(str), table.date))
    shown = [i for i in order.tolist() if kept[i]][:first]
    return {
        "from": as_of.isoformat(),
        "to": end.isoformat(),
        "days": days,
        "actions": int(kept.sum()),
        "suppressed": int((~kept).sum()),
        "by_action": {
            kind: {"due": due[kind], "suppressed": held[kind]} for kind in sorted(due | held)
        },
        "first": [
            {
                "date": table.row(i)["date"].isoformat(),
                "customer": table.row(i)["customer"],
                "action": table.row(i)["action"],
                "channel": table.row(i)["channel"],
                "rule": table.row(i)["rule"],
            }
            for i in shown
        ],
    }


def due_soon_text(
    log: EventLog,
    as_of: dt.date,
    *,
    plan: FollowUpPlan | None = None,
    days: int = 7,
    first: int = 5,
) -> str:
    """The report section "actions due in the next 7 days" as text (see :func:`due_soon`).

    Examples
    --------
    >>> from lifecycle.datasets import load_demo, DEMO_AS_OF
    >>> print(due_soon_text(load_demo(), DEMO_AS_OF).splitlines()[0])
    Follow-up actions due in the next 7 days (2025-06-30 .. 2025-07-06)
    """
    return format_due_soon(due_soon(log, as_of, plan=plan, days=days, first=first))


def format_due_soon(section: dict[str, Any]) -> str:
    """Render :func:`due_soon` output as the report's text section.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"}])
    >>> print(format_due_soon(due_soon(log, dt.date(2024, 3, 1), days=3)))
    Follow-up actions due in the next 3 days (2024-03-01 .. 2024-03-03)
      1 due, 0 held back by contact limits
      action          due  held back
      thank_you_call    1          0
      first actions:
        2024-03-03  1  thank_you_call by phone  (2D after the first purchase)
    """
    days = section["days"]
    lines = [
        f"Follow-up actions due in the next {days} days ({section['from']} .. {section['to']})",
        f"  {section['actions']:,} due, {section['suppressed']:,} held back by contact limits",
    ]
    rows = [["action", "due", "held back"]] + [
        [kind, f"{c['due']:,}", f"{c['suppressed']:,}"] for kind, c in section["by_action"].items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines += [
        "  "
        + "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    if section["first"]:
        lines.append("  first actions:")
        lines += [
            f"    {r['date']}  {r['customer']}  {r['action']} by {r['channel']}  ({r['rule']})"
            for r in section["first"]
        ]
    return "\n".join(lines)
