"""Actions: what a follow-up does, and one dated action of a schedule (private).

Examples
--------
>>> call = Action("thank_you_call", "phone", note="check the delivery arrived")
>>> call.kind, call.channel
('thank_you_call', 'phone')
>>> Action("thank_you_call", "")
Traceback (most recent call last):
...
lifecycle.errors.ValidationError: 'channel' must be a non-empty str without surrounding spaces or line breaks (got '')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import ValidationError
from ..serialization import check_keys

__all__ = ["ACTION_KINDS", "CHANNELS", "Action", "ScheduledAction", "check_word", "instance_of"]

#: The standard kinds of action; any other name is a user kind.
ACTION_KINDS: tuple[str, ...] = (
    "thank_you_call",
    "newsletter",
    "greeting",
    "gift",
    "survey",
    "complaint_follow_up",
    "sales_alert",
    "win_back_offer",
)
#: The standard channels; any other name is a user channel.
CHANNELS: tuple[str, ...] = ("email", "phone", "post", "sms", "visit")


def check_word(name: str, value: object) -> str:
    """A non-empty str without surrounding spaces or line breaks (a kind, channel or name)."""
    if not isinstance(value, str) or not value or value != value.strip() or "\n" in value:
        msg = (
            f"{name!r} must be a non-empty str without surrounding spaces or line breaks "
            f"(got {value!r})"
        )
        raise ValidationError(msg)
    return value


def instance_of(cls: type, *, optional: bool = False) -> Any:
    """An attrs validator: the field must be a ``cls`` (or None when ``optional``).

    attrs' own ``instance_of`` raises a plain ``TypeError``; a wrong value given to a
    follow-up object is bad input, so this one raises ``ValidationError``.

    Examples
    --------
    >>> @attrs.frozen
    ... class Job:
    ...     action: Action = attrs.field(validator=instance_of(Action))
    >>> Job("call")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'action' must be an Action (got str: 'call')
    """

    def check(_: object, field: attrs.Attribute[Any], value: object) -> None:
        if (value is None and optional) or isinstance(value, cls):
            return
        name = cls.__name__
        wanted = f"{'an' if name[0] in 'AEIOU' else 'a'} {name}{' or None' if optional else ''}"
        msg = f"{field.name!r} must be {wanted} (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)

    return check


def _word(_: object, field: attrs.Attribute[str], value: object) -> None:
    check_word(field.name, value)


def _note(_: object, field: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"'note' must be a str (got {value!r})"
        raise ValidationError(msg)


@attrs.frozen
class Action:
    """What a follow-up does: a kind of action on a channel, with an optional note.

    Parameters
    ----------
    kind : str
        One of :data:`ACTION_KINDS` (``"thank_you_call"``, ``"newsletter"``,
        ``"greeting"``, ``"gift"``, ``"survey"``, ``"complaint_follow_up"``,
        ``"sales_alert"``, ``"win_back_offer"``) or a kind of your own.
    channel : str
        One of :data:`CHANNELS` (``"email"``, ``"phone"``, ``"post"``, ``"sms"``,
        ``"visit"``) or a channel of your own. Channel consent is checked per channel.
    note : str
        Free text for whoever carries the action out.

    Examples
    --------
    >>> Action("greeting", "email", note="birthday card")
    Action(kind='greeting', channel='email', note='birthday card')
    >>> Action.from_dict(Action("gift", "post").to_dict())
    Action(kind='gift', channel='post', note='')
    """

    kind: str = attrs.field(validator=_word)
    channel: str = attrs.field(validator=_word)
    note: str = attrs.field(default="", validator=_note)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data (part of a plan's ``to_dict``).

        Examples
        --------
        >>> Action("gift", "post", note="a mug").to_dict()
        {'kind': 'gift', 'channel': 'post', 'note': 'a mug'}
        """
        return {"kind": self.kind, "channel": self.channel, "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        """Read :meth:`to_dict` output back.

        Examples
        --------
        >>> Action.from_dict({"kind": "survey", "channel": "email"})
        Action(kind='survey', channel='email', note='')
        """
        body = check_keys(data, "action", required={"kind", "channel"}, optional={"note"})
        return cls(body["kind"], body["channel"], body.get("note", ""))

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel}"


@attrs.frozen
class ScheduledAction:
    """One dated action of a customer's schedule, with the rule that produced it and why.

    Attributes
    ----------
    customer : int or str
    date : datetime.date
        The day the action falls due.
    action : Action
    rule : str
        The label of the rule that produced it (see ``FollowUpPlan.explain``).
    trigger : datetime.date
        The day that set it off: the event, the anchor of a recurrence or anniversary, the
        stage change, or the day a condition started to hold.
    why : str
        How the rule turned ``trigger`` into ``date``.
    suppressed : bool
        True when a contact limit held it back; it stays in the schedule with the reason.
    reason : str
        Why it was suppressed (``""`` when it was not).

    Examples
    --------
    >>> import datetime as dt
    >>> a = ScheduledAction("ann", dt.date(2024, 1, 7), Action("thank_you_call", "phone"),
    ...     "2D after purchase", dt.date(2024, 1, 5), "purchase on 2024-01-05 + 2D")
    >>> print(a.explain())
    2024-01-07 ann: thank_you_call by phone (rule '2D after purchase': purchase on 2024-01-05 + 2D)
    >>> a.row()["suppressed"]
    False
    """

    customer: Any
    date: dt.date
    action: Action
    rule: str
    trigger: dt.date
    why: str
    suppressed: bool = False
    reason: str = ""

    def explain(self) -> str:
        """One line: the day, the customer, the action, the rule and why; the suppression.

        Examples
        --------
        >>> import datetime as dt
        >>> held = ScheduledAction(7, dt.date(2024, 1, 9), Action("survey", "email"),
        ...     "every month from first_purchase", dt.date(2023, 12, 9),
        ...     "first_purchase on 2023-12-09", suppressed=True, reason="blackout day")
        >>> print(held.explain())
        2024-01-09 7: survey by email (rule 'every month from first_purchase': first_purchase on 2023-12-09); suppressed: blackout day
        """
        text = (
            f"{self.date.isoformat()} {self.customer}: {self.action} "
            f"(rule {self.rule!r}: {self.why})"
        )
        return f"{text}; suppressed: {self.reason}" if self.suppressed else text

    def row(self) -> dict[str, Any]:
        """The action as a row of the log-wide schedule table.

        Examples
        --------
        >>> import datetime as dt
        >>> held = ScheduledAction(7, dt.date(2024, 1, 9), Action("survey", "email"),
        ...     "every month from first_purchase", dt.date(2023, 12, 9),
        ...     "first_purchase on 2023-12-09", suppressed=True, reason="blackout day")
        >>> row = held.row()
        >>> list(row), row["action"], row["reason"]
        (['customer', 'date', 'action', 'channel', 'rule', 'suppressed', 'reason'], 'survey', 'blackout day')
        """
        return {
            "customer": self.customer,
            "date": self.date,
            "action": self.action.kind,
            "channel": self.action.channel,
            "rule": self.rule,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }
