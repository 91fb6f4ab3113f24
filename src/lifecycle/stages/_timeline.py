"""Timeline: every customer's dated stage changes, and the questions it answers (private).

Examples
--------
>>> from lifecycle import EventLog
>>> from lifecycle.stages import default_lifecycle
>>> log = EventLog.from_records([{"customer": "ann", "date": d} for d in
...     ("2024-01-10", "2024-02-10", "2024-03-10")])
>>> tl = default_lifecycle().replay(log)
>>> tl.stage_on("ann", "2024-02-15"), tl.furthest_stage().names().tolist()
('awareness', ['expansion'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from ..errors import UnknownCustomerError, ValidationError
from ..events import as_date, segment_bounds
from ..table import Table
from ._flow import StageFlow
from ._parts import StageChange
from ._results import StageCodes

if TYPE_CHECKING:
    from ._model import LifecycleModel
    from ._relationship import Relationship

__all__ = ["NAT", "Timeline"]

#: Missing date.
NAT = np.datetime64("NaT", "D")


@attrs.frozen(eq=False, repr=False)
class Timeline:
    """Every customer's dated stage changes, as NumPy columns.

    Built by :meth:`LifecycleModel.replay`. Changes are sorted by customer, then date,
    then the order of the moves within a date. A customer's state is a few integers:
    the timeline keeps 14 bytes per change and 24 per customer.

    The timeline knows stages only inside its window: every question that takes a date
    (:meth:`stage_on`, :meth:`stages_on`, :meth:`funnel`, :meth:`flow`,
    :meth:`time_in_stage`) raises :class:`~lifecycle.errors.ValidationError` for a date
    before ``start`` or after ``end``, rather than carry the last stages forward as if
    nothing happened after the replay.

    Attributes
    ----------
    model : LifecycleModel
    customers : ndarray
        The log's customer ids; ``change_code`` indexes into it.
    start, end : datetime.date
        The replayed window.
    change_code, change_date, change_transition : ndarray
        Per change: customer code (int32), date (datetime64[D]) and the index of the
        model transition taken (int16), which gives source, target and reason.
    entered : ndarray of datetime64[D]
        Per customer: the first evaluation date, when they entered the initial stage
        (NaT when never evaluated).
    events, outside : ndarray of int32
        Per customer: log events inside ``[start, end]``, and outside it.
    event_dates, other_dates : ndarray of int32
        Per customer: evaluation dates that are event dates, and the others (grid
        dates, ``start``).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"},
    ...                              {"customer": 1, "date": "2024-02-01"}])
    >>> tl = default_lifecycle().replay(log)
    >>> len(tl), tl.stage_on(1, "2024-01-15"), tl.stage_on(1, "2024-02-01")
    (1, 'exploration', 'awareness')
    """

    model: LifecycleModel
    customers: NDArray[Any]
    start: dt.date
    end: dt.date
    change_code: NDArray[np.int32]
    change_date: NDArray[np.datetime64]
    change_transition: NDArray[np.int16]
    entered: NDArray[np.datetime64]
    events: NDArray[np.int32]
    outside: NDArray[np.int32]
    event_dates: NDArray[np.int32]
    other_dates: NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.change_code)

    def __repr__(self) -> str:
        entered = int((~np.isnat(self.entered)).sum())
        return (
            f"Timeline({len(self)} changes, {entered} customers, "
            f"{self.start.isoformat()} .. {self.end.isoformat()})"
        )

    @property
    def source(self) -> NDArray[np.int8]:
        """Stage code each change leaves."""
        sources: NDArray[np.int8] = self.model._engine.sources[self.change_transition]
        return sources

    @property
    def target(self) -> NDArray[np.int8]:
        """Stage code each change enters."""
        targets: NDArray[np.int8] = self.model._engine.targets[self.change_transition]
        return targets

    def nbytes(self) -> int:
        """Memory held by the timeline's own columns, in bytes (the ids belong to the log).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> days = ["2024-01-05", "2024-02-01", "2024-03-01", "2024-04-01"]
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in days]
        ...                             + [{"customer": 2, "date": "2024-01-10"}])
        >>> default_lifecycle().replay(log, every="1M").nbytes() > 0
        True
        """
        arrays = (
            self.change_code,
            self.change_date,
            self.change_transition,
            self.entered,
            self.events,
            self.outside,
            self.event_dates,
            self.other_dates,
        )
        return int(sum(a.nbytes for a in arrays))

    # ------------------------------------------------------------------ one customer

    def _code(self, customer: object) -> int:
        ids = self.customers
        ok = (
            isinstance(customer, str)
            if ids.dtype.kind not in "iu"
            else (isinstance(customer, (int, np.integer)) and not isinstance(customer, bool))
        )
        pos = int(np.searchsorted(ids, cast(Any, customer))) if ok else len(ids)
        if pos >= len(ids) or ids[pos] != customer:
            msg = f"customer {customer!r} is not in this timeline's log"
            raise UnknownCustomerError(msg)
        return pos

    def _day(self, on: dt.date | str, what: str) -> dt.date:
        """A date of the replayed window; outside it the timeline knows nothing."""
        day = as_date(on, what)
        if not self.start <= day <= self.end:
            msg = (
                f"{what!r} ({day.isoformat()}) is outside the replayed window "
                f"[{self.start.isoformat()}, {self.end.isoformat()}]: stages after the end "
                "or before the start are not known; replay with start= and end= covering it"
            )
            raise ValidationError(msg)
        return day

    def _rows(self, code: int) -> slice:
        lo, hi = np.searchsorted(self.change_code, [code, code + 1])
        return slice(int(lo), int(hi))

    def changes_for(self, customer: object) -> tuple[StageChange, ...]:
        """One customer's changes, in order.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> days = ["2024-01-05", "2024-02-01", "2024-03-01", "2024-04-01"]
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in days]
        ...                             + [{"customer": 2, "date": "2024-01-10"}])
        >>> changes = default_lifecycle().replay(log, every="1M").changes_for(1)
        >>> [(str(c.on), c.target) for c in changes]
        [('2024-02-01', 'awareness'), ('2024-03-01', 'expansion')]
        """
        rows = self._rows(self._code(customer))
        labels = self.model.labels
        transitions = self.model.transitions
        return tuple(
            StageChange(
                customer,
                day,
                labels[int(self.model._engine.sources[t])],
                labels[int(self.model._engine.targets[t])],
                transitions[t].reason,
            )
            for day, t in zip(
                self.change_date[rows].tolist(), self.change_transition[rows].tolist(), strict=True
            )
        )

    def stage_on(self, customer: object, on: dt.date | str) -> str | None:
        """One customer's stage at the end of date ``on`` (None before they entered).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> days = ["2024-01-05", "2024-02-01", "2024-03-01", "2024-04-01"]
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in days]
        ...                             + [{"customer": 2, "date": "2024-01-10"}])
        >>> timeline = default_lifecycle().replay(log, every="1M")
        >>> timeline.stage_on(1, "2024-02-15"), timeline.stage_on(2, "2024-01-07")
        ('awareness', None)
        """
        code = self._code(customer)
        day = np.datetime64(self._day(on, "on"), "D")
        if np.isnat(self.entered[code]) or day < self.entered[code]:
            return None
        rows = self._rows(code)
        k = int(np.searchsorted(self.change_date[rows], day, side="right"))
        if k == 0:
            return self.model.initial
        return self.model.labels[int(self.target[rows.start + k - 1])]

    def relationship(self, customer: object) -> Relationship:
        """One customer's record at the end of the timeline, to move by hand from there.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": d}
        ...                              for d in ("2024-01-01", "2024-02-01")])
        >>> rel = default_lifecycle().replay(log).relationship(1)
        >>> rel.stage, rel.since, rel.started
        ('awareness', datetime.date(2024, 2, 1), datetime.date(2024, 1, 1))
        """
        from ._relationship import Relationship

        code = self._code(customer)
        if np.isnat(self.entered[code]):
            msg = f"customer {customer!r} has no evaluation date in this timeline"
            raise UnknownCustomerError(msg)
        started: dt.date = self.entered[code].item()
        history = self.changes_for(customer)
        return Relationship(
            model=self.model,
            customer=customer,
            stage=history[-1].target if history else self.model.initial,
            since=history[-1].on if history else started,
            started=started,
            history=history,
            kind=self.model.relationship_kind,
        )

    # ------------------------------------------------------------------ all customers

    def stages_on(self, on: dt.date | str | None = None) -> StageCodes:
        """Every entered customer's stage at the end of date ``on`` (default ``end``).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
        ...     [(1, "2024-01-01"), (1, "2024-02-01"), (2, "2024-03-01")]])
        >>> tl = default_lifecycle().replay(log)
        >>> tl.stages_on("2024-02-15").counts()["awareness"], len(tl.stages_on())
        (1, 2)
        """
        day = np.datetime64(self._day(self.end if on is None else on, "on"), "D")
        codes = np.flatnonzero(~np.isnat(self.entered) & (self.entered <= day))
        return StageCodes(self.customers[codes], self._codes_on(codes, day), self.model.labels)

    def _codes_on(self, codes: NDArray[np.intp], day: np.datetime64) -> NDArray[np.int8]:
        out = np.full(len(codes), self.model.code(self.model.initial), dtype=np.int8)
        if not len(self):
            return out
        width = np.int64(2**31)
        keys = self.change_code.astype(np.int64) * width + self.change_date.astype(np.int64)
        query = codes.astype(np.int64) * width + day.astype(np.int64)
        last = np.searchsorted(keys, query, side="right") - 1
        found = (last >= 0) & (self.change_code[np.maximum(last, 0)] == codes)
        out[found] = self.target[last[found]]
        return out

    def funnel(self, dates: Iterable[dt.date | str]) -> Table:
        """Customers per stage at the end of each date: a row per stage, a column per date.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
        ...     [(1, "2024-01-01"), (1, "2024-02-01"), (2, "2024-03-01")]])
        >>> f = default_lifecycle().replay(log).funnel(["2024-01-15", "2024-03-01"])
        >>> f.columns
        ('stage', '2024-01-15', '2024-03-01')
        >>> f["2024-03-01"].tolist()
        [1, 1, 0, 0, 0]
        >>> default_lifecycle().replay(log).funnel(["2030-01-01"])
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: 'dates' (2030-01-01) is outside the replayed window [2024-01-01, 2024-03-01]: stages after the end or before the start are not known; replay with start= and end= covering it
        """
        columns: dict[str, Any] = {"stage": np.asarray(self.model.labels)}
        for on in dates:
            day = self._day(on, "dates")
            counts = self.stages_on(day).counts()
            columns[day.isoformat()] = np.asarray(list(counts.values()), dtype=np.int64)
        return Table(columns)

    def flow(self, date_a: dt.date | str, date_b: dt.date | str) -> StageFlow:
        """Stage-to-stage counts and rates between two dates (a Markov migration matrix).

        Counts customers who had entered by ``date_a`` by their stage on ``date_a`` (rows)
        and on ``date_b`` (columns); ``new`` counts those who entered after ``date_a``
        by their stage on ``date_b``.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
        ...     [(1, "2024-01-01"), (1, "2024-02-01"), (2, "2024-03-01")]])
        >>> flow = default_lifecycle().replay(log).flow("2024-01-15", "2024-03-01")
        >>> int(flow.counts[0, 1]), flow.new.tolist()
        (1, [1, 0, 0, 0, 0])
        """
        a = np.datetime64(self._day(date_a, "date_a"), "D")
        b = np.datetime64(self._day(date_b, "date_b"), "D")
        if b < a:
            msg = f"'date_b' ({b}) must be on or after 'date_a' ({a})"
            raise ValidationError(msg)
        n = len(self.model.labels)
        known = ~np.isnat(self.entered)
        old = np.flatnonzero(known & (self.entered <= a))
        new = np.flatnonzero(known & (self.entered > a) & (self.entered <= b))
        pairs = self._codes_on(old, a).astype(np.intp) * n + self._codes_on(old, b)
        counts = np.bincount(pairs, minlength=n * n).reshape(n, n)
        arrivals = np.bincount(self._codes_on(new, b).astype(np.intp), minlength=n)
        return StageFlow.from_counts(
            self.model.labels, a.item(), b.item(), counts.astype(np.int64), arrivals
        )

    def furthest_stage(self) -> StageCodes:
        """Each entered customer's high-water mark: the furthest stage in the model's order.

        The dissolution stage does not count as progress: a customer who explored and then
        lapsed has ``exploration`` as their furthest stage.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in
        ...     ("2023-01-01", "2023-02-01", "2024-06-01")])
        >>> tl = default_lifecycle().replay(log, every="1M")
        >>> tl.stages_on().names().tolist(), tl.furthest_stage().names().tolist()
        (['exploration'], ['awareness'])
        """
        model = self.model
        codes = np.flatnonzero(~np.isnat(self.entered))
        best = np.full(len(self.customers), model.code(model.initial), dtype=np.int8)
        target = self.target
        counted = np.ones(len(target), dtype=bool)
        if model.dissolution is not None:
            counted = target != model.code(model.dissolution)
        np.maximum.at(best, self.change_code[counted], target[counted])
        return StageCodes(self.customers[codes], best[codes], model.labels)

    def time_in_stage(self, as_of: dt.date | str | None = None) -> Table:
        """Per customer and stage entered: dates entered and exited, entries, days in stage.

        What CRM users know as stage-calculated properties, counted up to ``as_of``
        (default ``end``); a stint still open at ``as_of`` runs until it.

        Returns
        -------
        Table
            ``customer``, ``stage`` (name), ``first_entered``, ``last_entered``,
            ``last_exited`` (NaT while still in the stage), ``entries``, ``latest_days``
            (the latest stint) and ``cumulative_days`` (all stints), sorted by customer
            and stage order.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"},
        ...                              {"customer": 1, "date": "2024-01-31"}])
        >>> tl = default_lifecycle().replay(log, end="2024-03-01")
        >>> t = tl.time_in_stage(as_of="2024-03-01")
        >>> t["stage"].tolist(), t["cumulative_days"].tolist()
        (['exploration', 'awareness'], [30, 30])
        """
        day = np.datetime64(self._day(self.end if as_of is None else as_of, "as_of"), "D")
        initial = self.model.code(self.model.initial)
        who = np.flatnonzero(~np.isnat(self.entered) & (self.entered <= day))
        keep = self.change_date <= day
        code = np.concatenate([who, self.change_code[keep]]).astype(np.int64)
        start = np.concatenate([self.entered[who], self.change_date[keep]])
        stage = np.concatenate([np.full(len(who), initial, np.int8), self.target[keep]])
        order = np.argsort(code, kind="stable")
        code, start, stage = code[order], start[order], stage[order]
        closed = np.zeros(len(code), dtype=bool)
        closed[:-1] = code[1:] == code[:-1]
        finish = np.full(len(code), day)
        finish[:-1] = np.where(closed[:-1], start[1:], day)
        days = (finish - start).astype(np.int64)
        n = len(self.model.labels)
        group = np.argsort(code * n + stage, kind="stable")
        key = (code * n + stage)[group]
        first, last = segment_bounds(key)
        rows_first, rows_last = group[first], group[last]
        cumulative = np.add.reduceat(days[group], first) if len(first) else days[:0]
        exited = np.where(closed[rows_last], finish[rows_last], NAT)
        return Table(
            {
                "customer": self.customers[code[rows_first]],
                "stage": np.asarray(self.model.labels)[stage[rows_first]],
                "first_entered": start[rows_first],
                "last_entered": start[rows_last],
                "last_exited": exited,
                "entries": (last - first + 1).astype(np.int64),
                "latest_days": days[rows_last],
                "cumulative_days": cumulative.astype(np.int64),
            }
        )

    def accounting(self) -> Table:
        """Where every event of the log went, per customer: nothing is dropped.

        ``events`` (inside the window) + ``outside`` is every event of the customer;
        each event falls on an evaluation date (``event_dates``), which either moved the
        customer (``moving_dates``) or not (``quiet_dates``); ``other_dates`` are the
        grid and ``start`` evaluations, which also count as moving or quiet.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in
        ...     ("2024-01-01", "2024-01-01", "2024-01-20", "2024-02-01")])
        >>> acc = default_lifecycle().replay(log).accounting()
        >>> {name: acc[name].tolist() for name in ("events", "event_dates", "moving_dates")}
        {'events': [4], 'event_dates': [3], 'moving_dates': [2]}
        """
        n = len(self.customers)
        moving = np.zeros(n, dtype=np.int64)
        if len(self):
            fresh = np.ones(len(self), dtype=bool)
            fresh[1:] = (self.change_code[1:] != self.change_code[:-1]) | (
                self.change_date[1:] != self.change_date[:-1]
            )
            moving = np.bincount(self.change_code[fresh], minlength=n)
        evaluated = self.event_dates.astype(np.int64) + self.other_dates
        return Table(
            {
                "customer": self.customers,
                "events": self.events.astype(np.int64),
                "outside": self.outside.astype(np.int64),
                "event_dates": self.event_dates.astype(np.int64),
                "other_dates": self.other_dates.astype(np.int64),
                "moving_dates": moving,
                "quiet_dates": evaluated - moving,
            }
        )

    def to_table(self) -> Table:
        """The changes as a table: ``customer, date, source, target, reason`` (names).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": d}
        ...                              for d in ("2024-01-01", "2024-02-01")])
        >>> default_lifecycle().replay(log).to_table().row(0)["target"]
        'awareness'
        """
        labels = np.asarray(self.model.labels)
        reasons = np.asarray([t.reason for t in self.model.transitions] or [""])
        return Table(
            {
                "customer": self.customers[self.change_code],
                "date": self.change_date,
                "source": labels[self.source],
                "target": labels[self.target],
                "reason": reasons[self.change_transition],
            }
        )
