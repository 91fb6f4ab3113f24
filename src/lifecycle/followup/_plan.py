"""FollowUpPlan: rules and contact limits, scheduled for one customer or a whole log (private).

Scheduling runs the same steps in both engines:

1. every rule gives its candidate actions in the request window (an action falls due
   only from the customer's first event on);
2. a rule's ``when=`` condition is evaluated on the customer as of each due day (the
   batch engine: one :func:`~lifecycle.signals.snapshots` pass per rule); candidates for
   which it does not hold are not actions;
3. the candidates are ordered per customer by day, then ``priority``, then rule order,
   then trigger day;
4. blackout days, then channel consent, then the contact limits hold actions back; those
   stay in the schedule, ``suppressed`` with the reason.

Contact limits depend on the actions kept before a day, so with ``per_week``,
``per_month`` or ``min_gap`` the plan is played from the log's first day and the window
is cut from that history: any schedule's slice of a day equals :meth:`FollowUpPlan.due`
of that day.

Examples
--------
>>> from lifecycle import EventLog
>>> from lifecycle.followup import Action, After, Every, FollowUpPlan, ContactLimits
>>> log = EventLog.from_records([
...     {"customer": "ann", "date": "2024-01-05"},
...     {"customer": "bob", "date": "2024-01-06"},
... ])
>>> plan = FollowUpPlan(
...     [After("purchase", "2D", Action("thank_you_call", "phone"), first_only=True),
...      Every("weekly", Action("newsletter", "email"), until="2024-01-31")],
...     limits=ContactLimits(per_week=1),
... )
>>> table = plan.schedule(log, "2024-01-01", "2024-01-14")
>>> [(r["customer"], str(r["date"]), r["action"], r["suppressed"]) for r in map(table.row, range(len(table)))]
[('ann', '2024-01-07', 'thank_you_call', False), ('ann', '2024-01-12', 'newsletter', False), ('bob', '2024-01-08', 'thank_you_call', False), ('bob', '2024-01-13', 'newsletter', True)]
>>> print(plan.schedule_for(log, "bob", "2024-01-01", "2024-01-14")[1].explain())
2024-01-13 bob: newsletter by email (rule 'every week from first_purchase': first_purchase on 2024-01-06); suppressed: per_week limit of 1 reached
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from ..errors import SchemaError, ValidationError
from ..events import EventLog, as_date
from ..serialization import check_schema
from ..signals import Profile, snapshots
from ..stages import Timeline
from ..table import Table
from ._actions import Action, ScheduledAction, instance_of
from ._limits import BLACKOUT, CONSENT, KEPT, ContactLimits
from ._subjects import Batch, History, One
from ._triggers import Trigger, rule_from_dict

__all__ = ["PLAN_SCHEMA", "FollowUpPlan"]

PLAN_SCHEMA = "lifecycle.followup_plan/1"
#: The columns of a log-wide schedule.
COLUMNS = ("customer", "date", "action", "channel", "rule", "suppressed", "reason")


def _rules(value: Iterable[Any]) -> tuple[Trigger, ...]:
    if isinstance(value, Trigger):
        value = (value,)
    rules = tuple(value)
    for rule in rules:
        if not isinstance(rule, Trigger):
            msg = (
                "'rules' must be follow-up rules (After, Every, Anniversary, OnStageChange, "
                f"OnSignal) (got {type(rule).__name__}: {rule!r})"
            )
            raise ValidationError(msg)
    if not rules:
        msg = "a FollowUpPlan needs at least one rule"
        raise ValidationError(msg)
    return rules


@attrs.frozen
class FollowUpPlan:
    """Follow-up rules and the contact limits they share.

    Parameters
    ----------
    rules : sequence of After, Every, Anniversary, OnStageChange, OnSignal
        In order of precedence among kinds that ``limits.priority`` does not rank.
    limits : ContactLimits
        Contact pressure, blackout days and channel consent.

    Examples
    --------
    >>> from lifecycle.followup import Action, Anniversary, After
    >>> plan = FollowUpPlan([After("purchase", "2D", Action("thank_you_call", "phone")),
    ...                      Anniversary("birthday", Action("greeting", "email"))],
    ...                     limits=ContactLimits(per_week=2))
    >>> print(plan.explain())
    follow-up plan of 2 rules
      1. 2D after purchase: thank_you_call by phone
      2. anniversary of birthday: greeting by email
      limits: at most 2 per calendar week
    >>> FollowUpPlan.from_dict(plan.to_dict()) == plan
    True
    """

    rules: tuple[Trigger, ...] = attrs.field(converter=_rules)
    limits: ContactLimits = attrs.field(factory=ContactLimits, validator=instance_of(ContactLimits))

    def __attrs_post_init__(self) -> None:
        seen = set()
        for label, action in self.sources():
            if (label, action) in seen:
                msg = f"the plan has the rule {label!r} for {action} twice"
                raise ValidationError(msg)
            seen.add((label, action))

    def sources(self) -> list[tuple[str, Action]]:
        """Every (rule label, action) the plan produces, in rule order.

        Examples
        --------
        >>> from lifecycle.followup import Action, After, Escalate
        >>> plan = FollowUpPlan([After("complaint", "1D", Action("complaint_follow_up", "phone"),
        ...     escalate=Escalate("3D", Action("complaint_follow_up", "visit")))])
        >>> [(label, str(action)) for label, action in plan.sources()]
        [('1D after complaint', 'complaint_follow_up by phone'), ('3D after complaint unless resolved', 'complaint_follow_up by visit')]
        """
        return [source for rule in self.rules for source in rule.sources()]

    def _conditions(self) -> list[Any]:
        return [rule.when for rule in self.rules for _ in rule.sources()]

    def explain(self) -> str:
        """The plan in words: each rule with its action and condition, then the limits.

        Examples
        --------
        >>> from lifecycle import signal
        >>> from lifecycle.followup import Action, Every
        >>> plan = FollowUpPlan([Every("monthly", Action("newsletter", "email"),
        ...                            when=signal("purchase_count") >= 2)])
        >>> print(plan.explain())
        follow-up plan of 1 rule
          1. every month from first_purchase: newsletter by email when the condition holds on the day
        """
        lines = [f"follow-up plan of {len(self.rules)} rule{'s' * (len(self.rules) != 1)}"]
        n = 0
        for rule in self.rules:
            for label, action in rule.sources():
                n += 1
                when = "" if rule.when is None else " when the condition holds on the day"
                lines.append(f"  {n}. {label}: {action}{when}")
        limits = self.limits.describe()
        if limits:
            lines.append(f"  limits: {'; '.join(limits)}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ the request

    def _window(
        self, log: EventLog, start: object, end: object
    ) -> tuple[dt.date, dt.date, dt.date]:
        """Check the request; return (first day played, first day shown, last day)."""
        if not len(log):
            msg = "the log has no events"
            raise ValidationError(msg)
        first = as_date(start, "start")
        if end is None:
            open_rules = [rule.label() for rule in self.rules if not rule.bounded]
            if open_rules:
                msg = (
                    f"the rules {', '.join(map(repr, open_rules))} recur with no end "
                    "(no count or until): give the request an 'end' date"
                )
                raise ValidationError(msg)
            last = max(rule.horizon(log) for rule in self.rules)
        else:
            last = as_date(end, "end")
        if last < first:
            msg = (
                f"'end' must not be before 'start' (got {first.isoformat()} .. {last.isoformat()})"
            )
            raise ValidationError(msg)
        for rule in self.rules:
            rule.check(log)
        if self.limits.consent is not None:
            self.limits.consent.check(log)
        played = first
        log_start = log.start
        if self.limits.needs_history and log_start is not None and log_start < first:
            played = log_start
        return played, first, last

    @overload
    def schedule(
        self,
        profile_or_log: EventLog,
        start: dt.date | str,
        end: dt.date | str | None = ...,
        *,
        timeline: Timeline | None = ...,
    ) -> Table: ...

    @overload
    def schedule(
        self,
        profile_or_log: History,
        start: dt.date | str,
        end: dt.date | str | None = ...,
        *,
        timeline: Timeline | None = ...,
    ) -> tuple[ScheduledAction, ...]: ...

    def schedule(
        self,
        profile_or_log: EventLog | History,
        start: dt.date | str,
        end: dt.date | str | None = None,
        *,
        timeline: Timeline | None = None,
    ) -> Table | tuple[ScheduledAction, ...]:
        """The dated actions from ``start`` to ``end`` (both included).

        Parameters
        ----------
        profile_or_log : EventLog or History
            A whole log (the batch engine: a :class:`~lifecycle.table.Table` with the
            columns ``customer, date, action, channel, rule, suppressed, reason``, sorted
            by customer, then decision order), or one customer's :class:`History` (the
            single engine: :class:`ScheduledAction` objects that can ``explain()``
            themselves). A :class:`~lifecycle.signals.Profile` is refused: it holds the
            signals of one day, not the dated events a plan follows.
        start, end : date or ISO string
            ``end`` may be left out only when every rule has an end of its own.
        timeline : Timeline, optional
            The stage history ``OnStageChange`` rules read (``model.replay(log, ...)``).

        Raises
        ------
        ValidationError
            ``end`` before ``start``; a recurrence with no end and no ``end``; an event kind,
            attribute or stage the log or timeline does not know; customers missing an
            anniversary date.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.followup import Action, After, History
        >>> log = EventLog.from_records([{"customer": "ann", "date": "2024-01-05"},
        ...                              {"customer": "bob", "date": "2024-01-06"},
        ...                              {"customer": "bob", "date": "2024-01-08"}])
        >>> plan = FollowUpPlan([After("purchase", "2D", Action("thank_you_call", "phone"))],
        ...                     limits=ContactLimits(min_gap=3))
        >>> table = plan.schedule(log, "2024-01-01", "2024-01-31")
        >>> [(r["customer"], str(r["date"]), r["suppressed"]) for r in map(table.row, range(3))]
        [('ann', '2024-01-07', False), ('bob', '2024-01-08', False), ('bob', '2024-01-10', True)]
        >>> [a.reason for a in plan.schedule(History(log, "bob"), "2024-01-01", "2024-01-31")]
        ['', 'less than 3 days after the previous contact']
        """
        if isinstance(profile_or_log, EventLog):
            return self._batch(profile_or_log, start, end, timeline)
        if isinstance(profile_or_log, History):
            return self._single(profile_or_log, start, end, timeline)
        if isinstance(profile_or_log, Profile):
            msg = (
                "a Profile holds one day's signals, not the dated events a plan follows: "
                "schedule History(log, customer), or call plan.schedule_for(log, customer, ...)"
            )
            raise ValidationError(msg)
        msg = f"can only schedule an EventLog or a History (got {type(profile_or_log).__name__})"
        raise ValidationError(msg)

    def schedule_for(
        self,
        log: EventLog,
        customer: object,
        start: dt.date | str,
        end: dt.date | str | None = None,
        *,
        timeline: Timeline | None = None,
    ) -> tuple[ScheduledAction, ...]:
        """One customer's schedule: ``schedule(History(log, customer), start, end)``.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.followup import Action, Every
        >>> log = EventLog.from_records([{"customer": 7, "date": "2024-01-31"}])
        >>> plan = FollowUpPlan([Every("monthly", Action("survey", "email"), interval=6)])
        >>> for action in plan.schedule_for(log, 7, "2024-01-01", "2025-01-31"):
        ...     print(action.explain())
        2024-07-31 7: survey by email (rule 'every 6 months from first_purchase': first_purchase on 2024-01-31)
        2025-01-31 7: survey by email (rule 'every 6 months from first_purchase': first_purchase on 2024-01-31)
        """
        return self._single(History(log, customer), start, end, timeline)

    @overload
    def due(
        self, log: EventLog, on: dt.date | str, *, timeline: Timeline | None = ...
    ) -> Table: ...

    @overload
    def due(
        self, log: History, on: dt.date | str, *, timeline: Timeline | None = ...
    ) -> tuple[ScheduledAction, ...]: ...

    def due(
        self, log: EventLog | History, on: dt.date | str, *, timeline: Timeline | None = None
    ) -> Table | tuple[ScheduledAction, ...]:
        """What falls due on one day: the daily job of a CRM (the day's slice of a schedule).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.followup import Action, After
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"}])
        >>> plan = FollowUpPlan([After("purchase", "1W", Action("survey", "email"))])
        >>> plan.due(log, on="2024-03-08").row(0)["rule"]
        '7D after purchase'
        """
        return self.schedule(log, on, on, timeline=timeline)

    # ------------------------------------------------------------------ single engine

    def _single(
        self, history: History, start: object, end: object, timeline: Timeline | None
    ) -> tuple[ScheduledAction, ...]:
        played, first, last = self._window(history.log, start, end)
        one = One(history, played, last, timeline)
        known = history.first_event
        sources = self.sources()
        conditions = self._conditions()
        found: list[tuple[dt.date, int, int, dt.date, str]] = []
        index = 0
        for rule in self.rules:
            for candidates in rule.single(one):
                when = conditions[index]
                kind = sources[index][1].kind
                for day, trigger, why in candidates:
                    if day < known:
                        continue
                    if when is not None and not when.evaluate(history.profile(day)):
                        continue
                    found.append((day, self.limits.rank(kind), index, trigger, why))
                index += 1
        found.sort(key=lambda c: c[:4])
        reasons = [KEPT] * len(found)
        open_days: list[dt.date] = []
        open_at: list[int] = []
        consent = self.limits.consent
        for i, (day, _, s, _, _) in enumerate(found):
            if self.limits.in_blackout(day):
                reasons[i] = BLACKOUT
            elif consent is not None and consent.refused(history, day, sources[s][1].channel):
                reasons[i] = CONSENT
            else:
                open_days.append(day)
                open_at.append(i)
        for i, code in zip(open_at, self.limits.pressure(open_days), strict=True):
            reasons[i] = code
        return tuple(
            ScheduledAction(
                customer=history.customer,
                date=day,
                action=sources[s][1],
                rule=sources[s][0],
                trigger=trigger,
                why=why,
                suppressed=reasons[i] != KEPT,
                reason=self.limits.reason(reasons[i], sources[s][1].channel),
            )
            for i, (day, _, s, trigger, why) in enumerate(found)
            if day >= first
        )

    # ------------------------------------------------------------------ batch engine

    def _batch(self, log: EventLog, start: object, end: object, timeline: Timeline | None) -> Table:
        played, first, last = self._window(log, start, end)
        batch = Batch(log, played, last, timeline)
        known = batch.first_event()
        sources = self.sources()
        conditions = self._conditions()
        codes, days, triggers, which = [], [], [], []
        index = 0
        for rule in self.rules:
            for code, day, trigger in rule.batch(batch):
                keep = day >= known[code]
                when = conditions[index]
                if when is not None and keep.any():
                    code, day, trigger = code[keep], day[keep], trigger[keep]
                    names = sorted(when.signals())
                    keep = when.evaluate(snapshots(log, log.customers[code], day, signals=names))
                codes.append(code[keep])
                days.append(day[keep])
                triggers.append(trigger[keep])
                which.append(np.full(int(keep.sum()), index, dtype=np.int64))
                index += 1
        code = np.concatenate(codes)
        day = np.concatenate(days).astype("datetime64[D]", copy=False)
        trigger = np.concatenate(triggers).astype("datetime64[D]", copy=False)
        source = np.concatenate(which)
        rank = np.array([self.limits.rank(a.kind) for _, a in sources], dtype=np.int64)
        order = _decision_order(code, day, rank[source], source, trigger, played)
        code, day, trigger, source = code[order], day[order], trigger[order], source[order]
        reason = self._reasons(log, code, day, source, sources)
        if played < first:
            # Rows are sorted by customer, not by day: cut the history played before start.
            shown = day >= np.datetime64(first, "D")
            code, day, source, reason = code[shown], day[shown], source[shown], reason[shown]
        return self._table(log, code, day, source, reason, sources)

    def _reasons(
        self,
        log: EventLog,
        code: NDArray[np.int64],
        day: NDArray[np.datetime64],
        source: NDArray[np.int64],
        sources: list[tuple[str, Action]],
    ) -> NDArray[np.int8]:
        limits = self.limits
        reason = np.zeros(len(code), dtype=np.int8)
        reason[limits.blackout_many(day)] = BLACKOUT
        if limits.consent is not None:
            channels = tuple(dict.fromkeys(a.channel for _, a in sources))
            channel = np.array([channels.index(a.channel) for _, a in sources], dtype=np.int64)
            open_ = np.flatnonzero(reason == KEPT)
            refused = limits.consent.refused_many(
                log, code[open_], day[open_], channel[source[open_]], channels
            )
            reason[open_[refused]] = CONSENT
        open_ = np.flatnonzero(reason == KEPT)
        reason[open_] = limits.pressure_many(code[open_], day[open_], len(log.customers))
        return reason

    def _table(
        self,
        log: EventLog,
        code: NDArray[np.int64],
        day: NDArray[np.datetime64],
        source: NDArray[np.int64],
        reason: NDArray[np.int8],
        sources: list[tuple[str, Action]],
    ) -> Table:
        def column(values: list[str]) -> NDArray[np.object_]:
            return np.array([*values, ""], dtype=object)[:-1]

        texts = np.array(
            [[self.limits.reason(r, a.channel) for r in range(6)] for _, a in sources] + [[""] * 6],
            dtype=object,
        )[:-1]
        return Table(
            {
                "customer": log.customers[code],
                "date": day,
                "action": column([a.kind for _, a in sources])[source],
                "channel": column([a.channel for _, a in sources])[source],
                "rule": column([label for label, _ in sources])[source],
                "suppressed": reason != KEPT,
                "reason": texts[source, reason],
            }
        )

    # ------------------------------------------------------------------ serialization

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data tagged ``lifecycle.followup_plan/1``.

        Examples
        --------
        >>> from lifecycle.followup import Action, After
        >>> data = FollowUpPlan([After("purchase", "2D", Action("thank_you_call", "phone"))]).to_dict()
        >>> data["schema"], [rule["kind"] for rule in data["rules"]]
        ('lifecycle.followup_plan/1', ['after'])
        """
        return {
            "schema": PLAN_SCHEMA,
            "rules": [rule.to_dict() for rule in self.rules],
            "limits": self.limits.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FollowUpPlan:
        """Read :meth:`to_dict` output back; rule kinds are read by their ``kind`` tag.

        Examples
        --------
        >>> import json
        >>> from lifecycle.followup import Action, Anniversary
        >>> plan = FollowUpPlan([Anniversary("first_purchase", Action("gift", "post"))],
        ...                     limits=ContactLimits(per_month=1))
        >>> FollowUpPlan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan
        True
        """
        body = check_schema(data, PLAN_SCHEMA, {"rules", "limits"})
        rules = body.get("rules")
        if not isinstance(rules, list):
            msg = f"{PLAN_SCHEMA}: 'rules' must be a list (got {rules!r})"
            raise SchemaError(msg)
        limits = body.get("limits")
        return cls(
            [rule_from_dict(r) for r in rules],
            limits=ContactLimits() if limits is None else ContactLimits.from_dict(limits),
        )


def _decision_order(
    code: NDArray[np.int64],
    day: NDArray[np.datetime64],
    rank: NDArray[np.int64],
    source: NDArray[np.int64],
    trigger: NDArray[np.datetime64],
    played: dt.date,
) -> NDArray[np.intp]:
    """Order by customer, day, priority rank, rule, then trigger day.

    The five keys fit one int64 for any realistic request, and sorting one key is several
    times faster than sorting five; the five-key sort remains for keys that would not fit.
    The rules give their candidates in runs sorted by customer, which a stable sort
    (timsort) merges faster than a quicksort sorts them.
    """
    if not len(code):
        return np.zeros(0, dtype=np.intp)
    offset = day.view(np.int64) - np.datetime64(played, "D").astype(np.int64)
    since = trigger.view(np.int64) - int(trigger.view(np.int64).min())
    sizes = (
        int(offset.max()) + 1,
        int(rank.max()) + 1,
        int(source.max()) + 1,
        int(since.max()) + 1,
    )
    if (int(code.max()) + 1) * sizes[0] * sizes[1] * sizes[2] * sizes[3] < 2**62:
        key = (((code * sizes[0] + offset) * sizes[1] + rank) * sizes[2] + source) * sizes[
            3
        ] + since
        order: NDArray[np.intp] = np.argsort(key, kind="stable")
        return order
    order = np.lexsort((trigger, source, rank, day, code))
    return order
