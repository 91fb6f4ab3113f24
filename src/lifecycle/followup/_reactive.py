"""Triggers that react to the relationship: a stage change, a condition starting to hold (private).

Examples
--------
>>> from lifecycle import signal
>>> from lifecycle.followup import Action
>>> OnStageChange("dissolution", Action("win_back_offer", "phone")).label()
'on stage change to dissolution'
>>> OnSignal(signal("lapse_ratio") > 2, Action("sales_alert", "email")).label()
'when lapse_ratio > 2 starts to hold'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np

from ..conditions import Condition, condition_from_dict
from ..errors import ValidationError
from ..signals import snapshots
from ..stages import Timeline
from ._actions import Action, check_word, instance_of
from ._subjects import Batch, One
from ._triggers import FOLLOWUP_RULES, Candidate, Candidates, Trigger, empty, read_when

__all__ = ["OnSignal", "OnStageChange"]

#: Rows of (customer, day) signals computed at once when following a condition day by day.
CHUNK_ROWS = 1 << 21


def _stage(_: object, field: attrs.Attribute[Any], value: object) -> None:
    if value is not None or field.name != "from_":
        check_word(field.name.rstrip("_"), value)


def needs_timeline(timeline: Timeline | None, hi: dt.date) -> Timeline:
    """The timeline a stage-change rule reads; it must reach the end of the request."""
    if timeline is None:
        msg = (
            "a plan with OnStageChange rules needs timeline=: replay a lifecycle model over "
            "the log (for example default_lifecycle().replay(log, end=end, every=1))"
        )
        raise ValidationError(msg)
    if timeline.end < hi:
        msg = (
            f"the timeline ends on {timeline.end.isoformat()}, before the end of the request "
            f"({hi.isoformat()}): replay it at least that far"
        )
        raise ValidationError(msg)
    return timeline


@FOLLOWUP_RULES.register("on_stage_change")
@attrs.frozen
class OnStageChange(Trigger):
    """An action on the day a customer's relationship enters a stage.

    Reads a :class:`~lifecycle.stages.Timeline` (``model.replay(log, ...)``), passed to
    ``FollowUpPlan.schedule`` as ``timeline=``; stage changes are dated as the replay
    dates them (a grid replay notices a lapse on its grid days).

    Parameters
    ----------
    to : str
        The stage entered (``"commitment"`` for a welcome pack, ``"dissolution"`` for a
        win-back call).
    action : Action
    from_ : str, optional
        Only moves out of this stage.
    when : Condition, optional
        Evaluated on the customer as of the day of the change.

    Examples
    --------
    >>> rule = OnStageChange("exploration", Action("win_back_offer", "phone"),
    ...                      from_="dissolution")
    >>> rule.label()
    'on stage change from dissolution to exploration'
    """

    to: str = attrs.field(validator=_stage)
    action: Action = attrs.field(validator=instance_of(Action))
    from_: str | None = attrs.field(default=None, validator=_stage, kw_only=True)
    when: Condition | None = attrs.field(
        default=None, validator=instance_of(Condition, optional=True), kw_only=True
    )
    kind: ClassVar[str] = "on_stage_change"
    _required = frozenset({"to", "action"})
    _optional = frozenset({"from", "when"})

    def label(self) -> str:
        source = "" if self.from_ is None else f"from {self.from_} "
        return f"on stage change {source}to {self.to}"

    @property
    def bounded(self) -> bool:
        return False

    def _check_stages(self, timeline: Timeline) -> None:
        labels = timeline.model.labels
        for name in (self.to, self.from_):
            if name is not None and name not in labels:
                msg = (
                    f"{self.label()}: unknown stage {name!r} "
                    f"(the timeline's stages: {', '.join(labels)})"
                )
                raise ValidationError(msg)

    def single(self, one: One) -> list[list[Candidate]]:
        timeline = needs_timeline(one.timeline, one.hi)
        self._check_stages(timeline)
        found: list[Candidate] = []
        for change in timeline.changes_for(one.history.customer):
            if change.target != self.to or (self.from_ is not None and change.source != self.from_):
                continue
            if one.lo <= change.on <= one.hi:
                why = f"{change.source} -> {change.target} ({change.reason})"
                found.append((change.on, change.on, why))
        return [found]

    def batch(self, batch: Batch) -> list[Candidates]:
        timeline = needs_timeline(batch.timeline, batch.hi)
        self._check_stages(timeline)
        model = timeline.model
        keep = timeline.target == model.code(self.to)
        if self.from_ is not None:
            keep &= timeline.source == model.code(self.from_)
        keep &= (timeline.change_date >= batch.lo64) & (timeline.change_date <= batch.hi64)
        ids = timeline.customers[timeline.change_code[keep]]
        codes = np.searchsorted(batch.log.customers, ids).astype(np.int64)
        day = timeline.change_date[keep]
        return [(codes, day, day)]

    def _payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"to": self.to, "action": self.action.to_dict()}
        if self.from_ is not None:
            out["from"] = self.from_
        return {**out, **self._when_payload()}

    @classmethod
    def _read(cls, body: Mapping[str, Any]) -> Trigger:
        return cls(
            body["to"],
            Action.from_dict(body["action"]),
            from_=body.get("from"),
            when=read_when(body),
        )


@FOLLOWUP_RULES.register("on_signal")
@attrs.frozen
class OnSignal(Trigger):
    """An action on each day a condition starts to hold for a customer.

    The condition is evaluated on every day of the request (and the day before it); the
    action falls due on each day it holds after a day it did not (or on the customer's
    first day). This reads the signals of every customer on every day, so it costs
    ``customers x days`` evaluations: the most expensive kind of rule.

    Parameters
    ----------
    condition : Condition
        For example ``signal("lapse_ratio") > 2``.
    action : Action

    Examples
    --------
    >>> from lifecycle import EventLog, signal
    >>> from lifecycle.followup import FollowUpPlan
    >>> log = EventLog.from_records([{"customer": 1, "date": d}
    ...                              for d in ("2024-01-01", "2024-01-11")])
    >>> alert = OnSignal(signal("days_since_last_purchase") > 30, Action("sales_alert", "email"))
    >>> [a.date for a in FollowUpPlan([alert]).schedule_for(log, 1, "2024-01-01", "2024-03-31")]
    [datetime.date(2024, 2, 11)]
    """

    condition: Condition = attrs.field(validator=instance_of(Condition))
    action: Action = attrs.field(validator=instance_of(Action))
    kind: ClassVar[str] = "on_signal"
    _required = frozenset({"condition", "action"})

    @property
    def when(self) -> Condition | None:  # type: ignore[override]
        """No extra condition: the rule's own condition says when."""
        return None

    def label(self) -> str:
        return f"when {_text(self.condition)} starts to hold"

    @property
    def bounded(self) -> bool:
        return False

    def single(self, one: One) -> list[list[Candidate]]:
        history = one.history
        first = history.first_event
        # The day before the request tells whether the condition already held then.
        day = max(one.lo - dt.timedelta(days=1), first)
        before = False
        found: list[Candidate] = []
        while day <= one.hi:
            holds = self.condition.evaluate(history.profile(day))
            if holds and not before and day >= one.lo:
                found.append((day, day, f"{_text(self.condition)} holds from this day"))
            before = holds
            day += dt.timedelta(days=1)
        return [found]

    def batch(self, batch: Batch) -> list[Candidates]:
        log = batch.log
        first = batch.first_event()
        order = np.argsort(first, kind="stable")
        by_first = first[order]
        names = sorted(self.condition.signals())
        one_day = np.timedelta64(1, "D")
        held = np.zeros(len(first), dtype=bool)
        parts: list[Candidates] = []
        day = batch.lo64 - one_day
        while day <= batch.hi64:
            # A chunk of days: the known customers of each day, as (customer, day) rows.
            known = int(np.searchsorted(by_first, day, side="right"))
            span = max(1, CHUNK_ROWS // max(known, 1))
            days = np.arange(day, min(day + span, batch.hi64 + one_day), dtype="datetime64[D]")
            counts = np.searchsorted(by_first, days, side="right")
            codes = order[np.concatenate([np.arange(n) for n in counts])].astype(np.int64)
            when = np.repeat(days, counts)
            holds = self.condition.evaluate(
                snapshots(log, log.customers[codes], when, signals=names)
            )
            bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
            for i, on in enumerate(days):
                # Day by day within the chunk: each step is one array pass over customers.
                c, h = codes[bounds[i] : bounds[i + 1]], holds[bounds[i] : bounds[i + 1]]
                onset = h & ~held[c]
                held[:] = False
                held[c] = h
                if on >= batch.lo64:
                    dates = np.full(int(onset.sum()), on)
                    parts.append((c[onset], dates, dates))
            day = days[-1] + one_day
        if not parts:
            return [empty()]
        return [tuple(np.concatenate(p) for p in zip(*parts, strict=True))]  # type: ignore[list-item]

    def _payload(self) -> dict[str, Any]:
        return {"condition": self.condition.to_dict(), "action": self.action.to_dict()}

    @classmethod
    def _read(cls, body: Mapping[str, Any]) -> Trigger:
        return cls(condition_from_dict(body["condition"]), Action.from_dict(body["action"]))


def _text(condition: Condition) -> str:
    """A condition in words, as its explanation's head shows it."""
    payload = condition.to_dict()
    if "signal" in payload and "value" in payload:
        return f"{payload['signal']} {payload['op']} {payload['value']}"
    return str(payload["op"])
