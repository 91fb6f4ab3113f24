"""Follow-up plans: dated, recurring customer actions a CRM can run every day.

The habit behind repeat business (thank the buyer, greet on birthdays, ask how it went,
call the lapsing) as data: :class:`Action` objects set off by rules (:class:`After`,
:class:`Every`, :class:`Anniversary`, :class:`OnStageChange`, :class:`OnSignal`), shared
:class:`ContactLimits` so customers are not flooded, and a :class:`FollowUpPlan` that
schedules them for one customer (:class:`History`, explained action by action) or for a
whole log (a :class:`~lifecycle.table.Table`, vectorised), says what is :meth:`due
<FollowUpPlan.due>` on a day, and exports to calendars with :func:`to_ics`.

Examples
--------
>>> from lifecycle import EventLog, signal
>>> from lifecycle.followup import Action, After, Every, FollowUpPlan, ContactLimits
>>> log = EventLog.from_records([
...     {"customer": "ann", "date": "2024-01-05", "amount": "80", "currency": "EUR"},
...     {"customer": "bob", "date": "2024-02-10", "amount": "15", "currency": "EUR"},
... ])
>>> plan = FollowUpPlan([
...     After("purchase", "2D", Action("thank_you_call", "phone"),
...           when=signal("total_spend") >= 50),
...     Every("monthly", Action("survey", "email"), interval=6),
... ], limits=ContactLimits(per_month=1))
>>> table = plan.schedule(log, "2024-01-01", "2024-12-31")
>>> [(r["customer"], str(r["date"]), r["action"]) for r in map(table.row, range(len(table)))]
[('ann', '2024-01-07', 'thank_you_call'), ('ann', '2024-07-05', 'survey'), ('bob', '2024-08-10', 'survey')]
"""

from ._actions import ACTION_KINDS, CHANNELS, Action, ScheduledAction
from ._ics import to_ics
from ._limits import Consent, ContactLimits
from ._plan import FollowUpPlan
from ._reactive import OnSignal, OnStageChange
from ._recurrence import Every
from ._report import demo_plan, due_soon, due_soon_text, format_due_soon
from ._subjects import History
from ._triggers import FOLLOWUP_RULES, After, Anniversary, Escalate, Trigger, rule_from_dict

__all__ = [
    "ACTION_KINDS",
    "CHANNELS",
    "FOLLOWUP_RULES",
    "Action",
    "After",
    "Anniversary",
    "Consent",
    "ContactLimits",
    "Escalate",
    "Every",
    "FollowUpPlan",
    "History",
    "OnSignal",
    "OnStageChange",
    "ScheduledAction",
    "Trigger",
    "demo_plan",
    "due_soon",
    "due_soon_text",
    "format_due_soon",
    "rule_from_dict",
    "to_ics",
]
