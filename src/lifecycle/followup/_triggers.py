"""Triggers on the calendar: the rule base class, after an event, on an anniversary (private).

Each trigger is an immutable rule carrying its :class:`Action` and an optional ``when=``
condition, evaluated on the customer as of the day the action falls due. A trigger
answers for one customer (:class:`~._subjects.One`, Python dates and ``dateutil``) and for
a whole log (:class:`~._subjects.Batch`, ``datetime64`` columns) with the same
definition. Recurrences (:class:`~._recurrence.Every`) live beside this module.

Examples
--------
>>> from lifecycle import EventLog
>>> from lifecycle.followup import Action, After, History
>>> from lifecycle.followup._subjects import One
>>> log = EventLog.from_records([{"customer": "ann", "date": "2024-01-05"}])
>>> rule = After("purchase", "2D", Action("thank_you_call", "phone"))
>>> [c[:2] for c in rule.single(One(History(log, "ann"), dt.date(2024, 1, 1),
...                                  dt.date(2024, 1, 31), None))[0]]
[(datetime.date(2024, 1, 7), datetime.date(2024, 1, 5))]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, TypeAlias

import attrs
import numpy as np
from dateutil.relativedelta import relativedelta
from numpy.typing import NDArray

from .._registry import Registry
from ..conditions import Condition, condition_from_dict
from ..errors import SchemaError, ValidationError
from ..events import EventLog, as_date
from ..serialization import check_keys, check_schema
from ..signals import NamedSignal, definition_from_dict, snapshots
from ._actions import Action, check_word, instance_of
from ._calendar import (
    LEAP_DAYS,
    add_period,
    anniversary,
    anniversary_days,
    format_delay,
    parse_delay,
    shift,
)
from ._subjects import Batch, One, check_kind

__all__ = [
    "FOLLOWUP_RULES",
    "RULE_SCHEMA",
    "After",
    "Anniversary",
    "Escalate",
    "Trigger",
    "empty",
    "expand",
    "read_when",
    "rule_from_dict",
]

RULE_SCHEMA = "lifecycle.followup_rule/1"
#: One candidate of the single engine: due day, trigger day, how one became the other.
Candidate: TypeAlias = tuple[dt.date, dt.date, str]
#: Candidates of the batch engine: customer codes, due days, trigger days.
Candidates: TypeAlias = tuple[NDArray[np.int64], NDArray[np.datetime64], NDArray[np.datetime64]]

_maybe_condition = instance_of(Condition, optional=True)


def _word(_: object, field: attrs.Attribute[str], value: object) -> None:
    check_word(field.name.rstrip("_"), value)


def _anchor(_: object, field: attrs.Attribute[Any], value: object) -> None:
    """A word (an attribute, ``first_purchase``) or a defined signal of dates."""
    if isinstance(value, NamedSignal):
        if value.kind != "date":
            msg = (
                f"'of' must be a defined signal of dates such as first('visit') "
                f"(got {value.name!r}, a {value.kind} signal)"
            )
            raise ValidationError(msg)
        return
    check_word("of", value)


def _flag(_: object, field: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{field.name!r} must be True or False (got {value!r})"
        raise ValidationError(msg)


def empty() -> Candidates:
    """No candidates."""
    return (
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype="datetime64[D]"),
        np.zeros(0, dtype="datetime64[D]"),
    )


def expand(
    anchor_code: NDArray[np.int64],
    occurrences: list[list[dt.date]],
    codes: NDArray[np.int64],
    trigger: NDArray[np.datetime64],
) -> Candidates:
    """Give every customer the occurrences of their anchor, without a loop per customer.

    Customer ``codes[i]`` has anchor ``anchor_code[i]``, whose due days, computed once
    per distinct anchor, are ``occurrences[anchor_code[i]]``.
    """
    sizes = np.array([len(o) for o in occurrences], dtype=np.int64)
    flat = np.array([d for o in occurrences for d in o], dtype="datetime64[D]")
    if not len(flat) or not len(codes):
        return empty()
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    per = sizes[anchor_code]
    # Customers with the most occurrences first: the customers who have a j-th occurrence
    # are then a prefix, and each pass over j is slices and one gather.
    order = np.argsort(-per, kind="stable")
    has = np.searchsorted(-per[order], -np.arange(int(per.max())), side="left")
    ranked_codes, ranked_trigger = codes[order], trigger[order]
    first = offsets[anchor_code[order]]
    parts = [
        (ranked_codes[:k], flat[first[:k] + j], ranked_trigger[:k])
        for j, k in enumerate(has.tolist())
    ]
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


class Trigger:
    """A follow-up rule: when an :class:`Action` falls due for a customer (abstract base).

    Subclasses: :class:`After`, :class:`Every`, :class:`Anniversary`,
    :class:`~lifecycle.followup.OnStageChange` and :class:`~lifecycle.followup.OnSignal`.
    Each registers itself in :data:`FOLLOWUP_RULES` under its ``kind`` and reads its own
    data back (``_required`` and ``_optional`` keys, ``_read``), so
    :func:`rule_from_dict` reads any of them.

    Examples
    --------
    >>> from lifecycle.followup import Every
    >>> rules = [After("purchase", "2D", Action("thank_you_call", "phone")),
    ...          Every("monthly", Action("survey", "email"), interval=6)]
    >>> [isinstance(rule, Trigger) for rule in rules], [rule.kind for rule in rules]
    ([True, True], ['after', 'every'])
    """

    __slots__ = ()
    kind: ClassVar[str] = ""
    #: The keys of the serialized form besides ``schema`` and ``kind``: needed, allowed.
    _required: ClassVar[frozenset[str]] = frozenset()
    _optional: ClassVar[frozenset[str]] = frozenset()
    action: Action
    when: Condition | None

    def label(self) -> str:
        """A short name for the rule, shown in schedules and explanations.

        Examples
        --------
        >>> from lifecycle import signal
        >>> from lifecycle.followup import Every, OnSignal, OnStageChange
        >>> for rule in [After("purchase", "2D", Action("thank_you_call", "phone"), first_only=True),
        ...              Every("monthly", Action("survey", "email"), interval=6),
        ...              Anniversary("birthday", Action("greeting", "email")),
        ...              OnStageChange("dissolution", Action("win_back_offer", "phone")),
        ...              OnSignal(signal("lapse_ratio") > 2, Action("sales_alert", "email"))]:
        ...     print(rule.label())
        2D after the first purchase
        every 6 months from first_purchase
        anniversary of birthday
        on stage change to dissolution
        when lapse_ratio > 2 starts to hold
        """
        raise NotImplementedError

    def sources(self) -> tuple[tuple[str, Action], ...]:
        """The (label, action) pairs this rule produces: one, two with an escalation.

        Examples
        --------
        >>> rule = After("complaint", "1D", Action("complaint_follow_up", "phone"),
        ...              escalate=Escalate("3D", Action("complaint_follow_up", "visit")))
        >>> for label, action in rule.sources():
        ...     print(f"{label}: {action}")
        1D after complaint: complaint_follow_up by phone
        3D after complaint unless resolved: complaint_follow_up by visit
        """
        return ((self.label(), self.action),)

    @property
    def bounded(self) -> bool:
        """Whether the rule has a last possible date for a given log."""
        return True

    def horizon(self, log: EventLog) -> dt.date:
        """The last day this rule can put an action on, for a bounded rule.

        Examples
        --------
        >>> from lifecycle.followup import Every
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"}])
        >>> After("purchase", "1W", Action("survey", "email")).horizon(log)
        datetime.date(2024, 3, 8)
        >>> Every("monthly", Action("newsletter", "email"), count=3).horizon(log)
        datetime.date(2024, 6, 1)
        """
        raise NotImplementedError

    def check(self, log: EventLog) -> None:
        """Raise :class:`~lifecycle.errors.ValidationError` if the log cannot serve the rule.

        Examples
        --------
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"}])
        >>> After("purchase", "1W", Action("survey", "email")).check(log)
        >>> Anniversary("birthday", Action("greeting", "email")).check(log)
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: Anniversary('birthday'): the log has no attribute 'birthday' (its attributes: none)
        """

    def single(self, one: One) -> list[list[Candidate]]:
        """Candidates for one customer, one list per source.

        Examples
        --------
        >>> from lifecycle.followup import History
        >>> log = EventLog.from_records([{"customer": "ann", "date": "2024-01-05"},
        ...                              {"customer": "ann", "date": "2024-03-01"}])
        >>> one = One(History(log, "ann"), dt.date(2024, 1, 1), dt.date(2024, 2, 29), None)
        >>> After("purchase", "2D", Action("thank_you_call", "phone")).single(one)
        [[(datetime.date(2024, 1, 7), datetime.date(2024, 1, 5), 'purchase on 2024-01-05 + 2D')]]
        """
        raise NotImplementedError

    def batch(self, batch: Batch) -> list[Candidates]:
        """Candidates for every customer of the log, one triple per source.

        Examples
        --------
        >>> log = EventLog.from_records([{"customer": "ann", "date": "2024-01-05"},
        ...                              {"customer": "bob", "date": "2024-01-20"}])
        >>> rule = After("purchase", "2D", Action("thank_you_call", "phone"))
        >>> [(codes, due, trigger)] = rule.batch(Batch(log, dt.date(2024, 1, 1), dt.date(2024, 1, 31), None))
        >>> codes.tolist(), due.astype(str).tolist(), trigger.astype(str).tolist()
        ([0, 1], ['2024-01-07', '2024-01-22'], ['2024-01-05', '2024-01-20'])
        """
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` and :func:`rule_from_dict` read it back.

        Examples
        --------
        >>> data = After("purchase", "2D", Action("thank_you_call", "phone")).to_dict()
        >>> data["schema"], data["kind"], data["event_kind"], data["delay"]
        ('lifecycle.followup_rule/1', 'after', 'purchase', '2D')
        """
        return {"schema": RULE_SCHEMA, "kind": self.kind, **self._payload()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Trigger:
        """Read :meth:`to_dict` output back (any kind from ``Trigger``, else this kind).

        Examples
        --------
        >>> rule = After("purchase", "2D", Action("thank_you_call", "phone"))
        >>> Trigger.from_dict(rule.to_dict()) == After.from_dict(rule.to_dict()) == rule
        True
        >>> Anniversary.from_dict(rule.to_dict())
        Traceback (most recent call last):
        ...
        lifecycle.errors.SchemaError: expected a follow-up rule of kind 'anniversary' (got 'after')
        """
        rule = rule_from_dict(data)
        if not isinstance(rule, cls):
            msg = f"expected a follow-up rule of kind {cls.kind!r} (got {rule.kind!r})"
            raise SchemaError(msg)
        return rule

    @classmethod
    def _read(cls, body: Mapping[str, Any]) -> Trigger:
        """Build the rule from its checked data."""
        raise NotImplementedError

    def _payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def _when_payload(self) -> dict[str, Any]:
        return {} if self.when is None else {"when": self.when.to_dict()}


#: Every kind of follow-up rule, by its ``kind`` tag; each kind's class registers itself.
FOLLOWUP_RULES: Registry[Trigger] = Registry("follow-up rule", key="kind")


def rule_from_dict(data: Mapping[str, Any]) -> Trigger:
    """Rebuild any follow-up rule from its ``to_dict()`` output, dispatching on ``kind``.

    The kinds register themselves in :data:`FOLLOWUP_RULES`; each reads its own keys.

    Examples
    --------
    >>> rule = After("purchase", "2D", Action("thank_you_call", "phone"), first_only=True)
    >>> rule_from_dict(rule.to_dict()) == rule
    True
    >>> rule_from_dict({"schema": "lifecycle.followup_rule/1", "kind": "sometimes"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: follow-up rule: unknown kind 'sometimes' (allowed: after, anniversary, every, on_signal, on_stage_change)
    """
    every = set().union(*(k._required | k._optional for k in FOLLOWUP_RULES.kinds)) | {"kind"}
    body = check_schema(data, RULE_SCHEMA, every)
    kind = body.get("kind")
    cls = FOLLOWUP_RULES.lookup(kind)
    check_keys(
        body,
        f"follow-up rule {kind!r}",
        required={"schema", "kind", *cls._required},
        optional=cls._optional,
    )
    return cls._read(body)


def read_when(body: Mapping[str, Any]) -> Condition | None:
    """The ``when`` condition of a rule's data (None when absent)."""
    return None if body.get("when") is None else condition_from_dict(body["when"])


def _delay(value: object) -> relativedelta:
    return parse_delay(value, "delay")


@attrs.frozen
class Escalate:
    """An escalation of an :class:`After` rule when no resolving event followed.

    Parameters
    ----------
    delay : str or relativedelta
        Counted from the triggering event, like the rule's own delay.
    action : Action
        What to do instead, for example a call from a manager.
    unless : str, default "resolved"
        The event kind that settles the matter: the escalation falls due only when the
        customer has no such event from the triggering event's day to the escalation day.
        A log without any event of this kind escalates every case.

    Examples
    --------
    >>> Escalate("3D", Action("complaint_follow_up", "visit", note="manager"))
    Escalate(delay=relativedelta(days=+3), action=Action(kind='complaint_follow_up', channel='visit', note='manager'), unless='resolved')
    """

    delay: relativedelta = attrs.field(converter=_delay)
    action: Action = attrs.field(validator=instance_of(Action))
    unless: str = attrs.field(default="resolved", validator=_word, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data (part of an :class:`After` rule's).

        Examples
        --------
        >>> data = Escalate("3D", Action("complaint_follow_up", "visit")).to_dict()
        >>> data["delay"], data["action"]["channel"], data["unless"]
        ('3D', 'visit', 'resolved')
        """
        return {
            "delay": format_delay(self.delay),
            "action": self.action.to_dict(),
            "unless": self.unless,
        }


@FOLLOWUP_RULES.register("after")
@attrs.frozen
class After(Trigger):
    """An action a fixed delay after each event of a kind (or only the first one).

    Parameters
    ----------
    event_kind : str
        The kind of event that sets it off (``"purchase"``, ``"complaint"``, a user
        kind); a kind the log does not know raises when scheduled.
    delay : str or relativedelta
        ``"2D"``, ``"1W"``, ``"3M"``, ``"1Y"`` or a relativedelta of years, months, weeks
        and days, not negative. Months move the calendar month and clamp the day (31
        January + 1M is 28 or 29 February).
    action : Action
    when : Condition, optional
        Evaluated on the customer as of the due day.
    escalate : Escalate, optional
        A second action when no resolving event followed.
    first_only : bool
        Only the customer's first event of the kind (a thank-you for the first purchase).

    Notes
    -----
    Several events of the kind on one day set the action off once.

    Examples
    --------
    >>> rule = After("complaint", "1D", Action("complaint_follow_up", "phone"),
    ...              escalate=Escalate("3D", Action("complaint_follow_up", "visit")))
    >>> [label for label, _ in rule.sources()]
    ['1D after complaint', '3D after complaint unless resolved']
    >>> After("purchase", "-1D", Action("gift", "post"))
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'delay' must not be negative (got '-1D')
    """

    event_kind: str = attrs.field(validator=_word)
    delay: relativedelta = attrs.field(converter=_delay)
    action: Action = attrs.field(validator=instance_of(Action))
    when: Condition | None = attrs.field(default=None, validator=_maybe_condition, kw_only=True)
    escalate: Escalate | None = attrs.field(
        default=None, validator=instance_of(Escalate, optional=True), kw_only=True
    )
    first_only: bool = attrs.field(default=False, validator=_flag, kw_only=True)
    kind: ClassVar[str] = "after"
    _required = frozenset({"event_kind", "delay", "action"})
    _optional = frozenset({"when", "escalate", "first_only"})

    def label(self) -> str:
        which = "the first " if self.first_only else ""
        return f"{format_delay(self.delay)} after {which}{self.event_kind}"

    def sources(self) -> tuple[tuple[str, Action], ...]:
        if self.escalate is None:
            return ((self.label(), self.action),)
        escalation = (
            f"{format_delay(self.escalate.delay)} after {'the first ' if self.first_only else ''}"
            f"{self.event_kind} unless {self.escalate.unless}"
        )
        return ((self.label(), self.action), (escalation, self.escalate.action))

    def horizon(self, log: EventLog) -> dt.date:
        last = log.end or dt.date.min
        delays = [self.delay] + ([self.escalate.delay] if self.escalate else [])
        return max(shift(last, d) or dt.date.max for d in delays)

    def check(self, log: EventLog) -> None:
        check_kind(log, self.event_kind, f"After({self.event_kind!r})")

    def _days(self, one: One) -> list[dt.date]:
        days = sorted({day for day, kind in one.history.events() if kind == self.event_kind})
        return days[:1] if self.first_only else days

    def single(self, one: One) -> list[list[Candidate]]:
        days = self._days(one)
        out: list[list[Candidate]] = []
        for period, unless in self._steps():
            found: list[Candidate] = []
            settled = [d for d, k in one.history.events() if k == unless]
            for day in days:
                due = shift(day, period)
                if due is None or not one.lo <= due <= one.hi:
                    continue
                if any(day <= s <= due for s in settled):
                    continue
                why = f"{self.event_kind} on {day.isoformat()} + {format_delay(period)}"
                if unless is not None:
                    why += f", no {unless} by then"
                found.append((due, day, why))
            out.append(found)
        return out

    def _steps(self) -> list[tuple[relativedelta, str | None]]:
        steps: list[tuple[relativedelta, str | None]] = [(self.delay, None)]
        if self.escalate is not None:
            steps.append((self.escalate.delay, self.escalate.unless))
        return steps

    def batch(self, batch: Batch) -> list[Candidates]:
        log = batch.log
        rows = batch.kind_rows(self.event_kind)
        code = log.code[rows].astype(np.int64)
        day = log.date[rows]
        # One occasion per customer and day; rows are sorted by customer and date.
        fresh = np.ones(len(rows), dtype=bool)
        if self.first_only:
            fresh[1:] = code[1:] != code[:-1]
        else:
            fresh[1:] = (code[1:] != code[:-1]) | (day[1:] != day[:-1])
        code, day = code[fresh], day[fresh]
        out: list[Candidates] = []
        for period, unless in self._steps():
            due = add_period(day, period)
            keep = (due >= batch.lo64) & (due <= batch.hi64)
            if unless is not None and unless in log.kinds:
                keep &= ~self._settled(batch, unless, code, day, due)
            out.append((code[keep], due[keep], day[keep]))
        return out

    @staticmethod
    def _settled(
        batch: Batch,
        unless: str,
        code: NDArray[np.int64],
        day: NDArray[np.datetime64],
        due: NDArray[np.datetime64],
    ) -> NDArray[np.bool_]:
        """Whether each case has an ``unless`` event in ``[day, due]``, by sorted keys."""
        if not len(due):
            return np.zeros(0, dtype=bool)
        rows = batch.kind_rows(unless)
        log = batch.log
        origin = int(log.date.min().astype(np.int64)) - 1
        width = int(np.maximum(due.max(), log.date.max()).astype(np.int64)) - origin + 2
        keys = log.code[rows].astype(np.int64) * width + (log.date[rows].astype(np.int64) - origin)
        low = code * width + (day.astype(np.int64) - origin)
        high = code * width + (due.astype(np.int64) - origin)
        settled: NDArray[np.bool_] = np.searchsorted(keys, high, side="right") > np.searchsorted(
            keys, low, side="left"
        )
        return settled

    def _payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event_kind": self.event_kind,
            "delay": format_delay(self.delay),
            "action": self.action.to_dict(),
            "first_only": self.first_only,
        }
        if self.escalate is not None:
            out["escalate"] = self.escalate.to_dict()
        return {**out, **self._when_payload()}

    @classmethod
    def _read(cls, body: Mapping[str, Any]) -> Trigger:
        escalate = None
        if body.get("escalate") is not None:
            esc = check_keys(
                body["escalate"], "escalate", required={"delay", "action"}, optional={"unless"}
            )
            escalate = Escalate(
                esc["delay"], Action.from_dict(esc["action"]), unless=esc.get("unless", "resolved")
            )
        return cls(
            body["event_kind"],
            body["delay"],
            Action.from_dict(body["action"]),
            when=read_when(body),
            escalate=escalate,
            first_only=body.get("first_only", False),
        )


def _leap_day(_: object, field: attrs.Attribute[str], value: object) -> None:
    if value not in LEAP_DAYS:
        msg = f"'leap_day' must be one of {', '.join(LEAP_DAYS)} (got {value!r})"
        raise ValidationError(msg)


@FOLLOWUP_RULES.register("anniversary")
@attrs.frozen
class Anniversary(Trigger):
    """A yearly action on the anniversary of a customer's date.

    Parameters
    ----------
    of : str or NamedSignal
        ``"first_purchase"``, the name of a log attribute holding a date per customer
        (``"birthday"``, ``"contract_start"``; the customer's latest recorded value counts),
        or a signal of dates defined with :func:`~lifecycle.define_signal` (``first("visit")``),
        computed as of the log's last day. Customers without an attribute value are reported
        (:class:`~lifecycle.errors.ValidationError` naming them), never skipped silently;
        as customers without a purchase have no anniversary of their first purchase,
        customers whose defined date is missing (no visit) have none.
    action : Action
    leap_day : {"feb28", "mar1"}, default "feb28"
        Where 29 February falls in a common year.
    when : Condition, optional
        Evaluated on the customer as of the due day.

    Notes
    -----
    Anniversaries fall strictly after the date itself, from the customer's first event on
    (nobody is greeted before they are a customer).

    Examples
    --------
    >>> greet = Anniversary("birthday", Action("greeting", "email"), leap_day="mar1")
    >>> greet.occurrences(dt.date(1992, 2, 29), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    [datetime.date(2025, 3, 1)]
    >>> from lifecycle import define_signal
    >>> from lifecycle.followup import FollowUpPlan, History
    >>> from lifecycle.signals import first
    >>> log = EventLog.from_records([{"customer": 1, "date": "2023-05-10", "kind": "visit"},
    ...                              {"customer": 1, "date": "2024-01-02"}])
    >>> visited = Anniversary(define_signal("first_visit", first("visit")), Action("gift", "post"))
    >>> [(str(a.date), a.rule) for a in FollowUpPlan([visited]).schedule(
    ...     History(log, 1), dt.date(2024, 1, 1), dt.date(2024, 12, 31))]
    [('2024-05-10', 'anniversary of first_visit')]
    """

    of: str | NamedSignal = attrs.field(validator=_anchor)
    action: Action = attrs.field(validator=instance_of(Action))
    leap_day: str = attrs.field(default="feb28", validator=_leap_day, kw_only=True)
    when: Condition | None = attrs.field(default=None, validator=_maybe_condition, kw_only=True)
    kind: ClassVar[str] = "anniversary"
    _required = frozenset({"of", "action"})
    _optional = frozenset({"leap_day", "when"})

    @property
    def _name(self) -> str:
        return self.of.name if isinstance(self.of, NamedSignal) else self.of

    def label(self) -> str:
        return f"anniversary of {self._name}"

    @property
    def bounded(self) -> bool:
        return False

    def check(self, log: EventLog) -> None:
        if isinstance(self.of, NamedSignal):
            return  # computed from the log's events
        if self.of != "first_purchase" and self.of not in log.attributes:
            known = ", ".join(sorted(log.attributes)) or "none"
            msg = (
                f"Anniversary({self.of!r}): the log has no attribute {self.of!r} "
                f"(its attributes: {known})"
            )
            raise ValidationError(msg)

    def occurrences(self, anchor: dt.date, lo: dt.date, hi: dt.date) -> list[dt.date]:
        """The anniversaries of ``anchor`` after it that fall in ``[lo, hi]``.

        Examples
        --------
        >>> rule = Anniversary("first_purchase", Action("gift", "post"))
        >>> rule.occurrences(dt.date(2023, 5, 10), dt.date(2023, 1, 1), dt.date(2025, 12, 31))
        [datetime.date(2024, 5, 10), datetime.date(2025, 5, 10)]
        """
        years = range(max(lo.year, anchor.year), hi.year + 1)
        days = (anniversary(anchor, year, self.leap_day) for year in years)
        return [d for d in days if lo <= d <= hi and d > anchor]

    def _missing(self, customers: list[Any]) -> ValidationError:
        shown = ", ".join(repr(c) for c in customers[:5])
        more = f" and {len(customers) - 5} more" if len(customers) > 5 else ""
        msg = (
            f"Anniversary({self._name!r}): {len(customers)} customer(s) have no {self._name!r} "
            f"date: {shown}{more}; record one for each customer, or plan without them"
        )
        return ValidationError(msg)

    def single(self, one: One) -> list[list[Candidate]]:
        history = one.history
        if isinstance(self.of, NamedSignal):
            last = history.log.end
            assert last is not None
            value = history.profile(last).compute(self.of)
            if value is None:
                return [[]]
            anchor = value
        elif self.of == "first_purchase":
            days = [d for d, k in history.events() if k == "purchase"]
            if not days:
                return [[]]
            anchor = days[0]
        else:
            last = history.log.end
            assert last is not None
            value = history.profile(last)[self.of]
            if value is None:
                raise self._missing([history.customer])
            anchor = _date_value(self.of, history.customer, value)
        why = f"{self._name} on {anchor.isoformat()}"
        return [[(day, anchor, why) for day in self.occurrences(anchor, one.lo, one.hi)]]

    def _anchors(self, batch: Batch) -> tuple[NDArray[np.int64], NDArray[np.datetime64]]:
        log = batch.log
        if isinstance(self.of, NamedSignal):
            assert log.end is not None
            ids = log.customers
            when = np.full(len(ids), np.datetime64(log.end, "D"))
            dates = snapshots(log, ids, when, signals=[self.of])[self.of.name]
            known = ~np.isnat(dates)
            return np.flatnonzero(known).astype(np.int64), dates[known]
        if self.of == "first_purchase":
            rows = batch.kind_rows("purchase")
            code = log.code[rows].astype(np.int64)
            first = np.ones(len(rows), dtype=bool)
            first[1:] = code[1:] != code[:-1]
            return code[first], log.date[rows[first]]
        assert log.end is not None
        ids = log.customers
        values = snapshots(
            log, ids, np.full(len(ids), np.datetime64(log.end, "D")), signals=[self.of]
        )[self.of]
        anchors = _date_column(self.of, ids, values)
        missing = np.isnat(anchors)
        if missing.any():
            raise self._missing(ids[missing].tolist())
        return np.arange(len(ids), dtype=np.int64), anchors

    def batch(self, batch: Batch) -> list[Candidates]:
        codes, anchors = self._anchors(batch)
        parts_code, parts_day, parts_trigger = [], [], []
        lo, hi = batch.lo64, batch.hi64
        first_year = max(batch.lo.year, anchors.min().item().year if len(anchors) else 1)
        for year in range(first_year, batch.hi.year + 1):
            day = anniversary_days(anchors, year, self.leap_day)
            keep = (day >= lo) & (day <= hi) & (day > anchors)
            parts_code.append(codes[keep])
            parts_day.append(day[keep])
            parts_trigger.append(anchors[keep])
        if not parts_code:
            return [empty()]
        return [
            (np.concatenate(parts_code), np.concatenate(parts_day), np.concatenate(parts_trigger))
        ]

    def _payload(self) -> dict[str, Any]:
        of = self.of.to_dict() if isinstance(self.of, NamedSignal) else self.of
        out = {"of": of, "action": self.action.to_dict(), "leap_day": self.leap_day}
        return {**out, **self._when_payload()}

    @classmethod
    def _read(cls, body: Mapping[str, Any]) -> Trigger:
        of = body["of"]
        if isinstance(of, Mapping):
            of = definition_from_dict(of)
            if not isinstance(of, NamedSignal):
                msg = f"follow-up rule 'anniversary': 'of' must be a named signal (got {of!r})"
                raise SchemaError(msg)
        return cls(
            of,
            Action.from_dict(body["action"]),
            leap_day=body.get("leap_day", "feb28"),
            when=read_when(body),
        )


def _date_value(name: str, customer: Any, value: Any) -> dt.date:
    try:
        return as_date(value, name)
    except ValidationError:
        msg = f"attribute {name!r} of customer {customer!r} must be a date (got {value!r})"
        raise ValidationError(msg) from None


def _date_column(name: str, ids: NDArray[Any], values: NDArray[Any]) -> NDArray[np.datetime64]:
    """A column of dates, ISO strings or datetime64 as ``datetime64[D]``; missing is NaT."""
    if values.dtype.kind == "M":
        return values.astype("datetime64[D]")
    try:
        out: NDArray[np.datetime64] = np.asarray(values, dtype="datetime64[D]")
    except (ValueError, TypeError):
        for customer, value in zip(ids.tolist(), values.tolist(), strict=True):
            if value is not None:
                _date_value(name, customer, value)
        raise
    return out
