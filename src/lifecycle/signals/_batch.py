"""The batch engine: signal definitions computed over NumPy columns (private).

The engine interprets the same definitions as the single engine (``_definitions.py``) over
the whole log at once: an aggregate of an event kind over a window is a pair of
``searchsorted`` positions per (customer, as-of) query into that kind's rows, and a count, a
sum or a mean is a difference of prefix sums between them; minima and maxima use a sparse
table. Parts shared by several signals (the purchases' positions, their prefix sums) are
computed once per engine, and only the signals asked for are computed.
:class:`~lifecycle.signals.Population` (``_population.py``) holds the results.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from .._values import plain
from ..errors import ValidationError
from ..events import EventLog
from ..money import divide_minor
from ._definitions import (
    Aggregate,
    Arithmetic,
    AsOf,
    AttributeScore,
    Constant,
    Definition,
    EventRows,
    EventScore,
    NamedSignal,
    Offset,
    answers_of,
    missing_attributes,
)
from ._join import gather, present_mask

__all__ = ["Batch", "Column", "Index", "Subset"]

_INT64_MAX = int(np.iinfo(np.int64).max)
#: A computed signal: its values and where they are missing (None: nowhere).
Column: TypeAlias = tuple[NDArray[Any], NDArray[np.bool_] | None]


class Index:
    """Answers "which of a customer's events fall in a date range" for many queries at once.

    Keys ``code * width + day offset`` of the log's rows are sorted (the log is sorted by
    customer and date), so for any subset of rows a ``searchsorted`` of a query key finds
    the customer's events on or before a date without a Python loop. The queries are the
    (customer, as-of) pairs, shifted back by a number of days for the windows; each shift's
    keys are built once and shared by every kind of event.
    """

    def __init__(self, log: EventLog, code: NDArray[np.int64], as_of: NDArray[np.int64]) -> None:
        day = log.date.view(np.int64)
        self.origin = int(day.min()) - 1 if len(day) else 0
        self.width = (int(day.max()) - self.origin + 2) if len(day) else 2
        self.keys = log.code.astype(np.int64) * self.width + (day - self.origin)
        self.customers = len(log.customers)
        self.code = code
        self.as_of = as_of
        self._queries: dict[Offset, NDArray[np.int64]] = {}

    def query(self, back: Offset) -> NDArray[np.int64]:
        """Keys of the queries ``back`` before their as-of dates, clipped per customer."""
        if back not in self._queries:
            lag = back.days
            if lag is not None:
                offset = self.as_of - (self.origin + lag)
            else:
                offset = _months_back(self.as_of, back.n * (12 if back.unit == "Y" else 1))
                offset -= self.origin
            np.clip(offset, 0, self.width - 1, out=offset)
            offset += self.code * self.width
            self._queries[back] = offset
        return self._queries[back]


class Subset:
    """One kind of event (a subset of the log's rows) and its position queries."""

    def __init__(self, index: Index, mask: NDArray[np.bool_]) -> None:
        self.rows = np.flatnonzero(mask)
        self.keys = index.keys[self.rows]
        self.index = index
        # Each customer's first position once, gathered per query: a replay asks for the
        # same customer at many dates.
        customers = np.arange(index.customers, dtype=np.int64) * index.width
        self.start = np.searchsorted(self.keys, customers, side="left")[index.code]
        self._ends: dict[Offset, NDArray[np.int64]] = {}
        self.prefix: dict[str, NDArray[Any]] = {}  # prefix sums by what they sum

    def end(self, back: Offset) -> NDArray[np.int64]:
        """Position one past the customer's last event on or before ``as_of - back``."""
        if back not in self._ends:
            self._ends[back] = np.searchsorted(self.keys, self.index.query(back), side="right")
        return self._ends[back]

    def last(self, end: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """Log row of the last event before ``end``, and whether there is one."""
        found = end > self.start
        position = np.where(found, end - 1, 0)
        rows = self.rows[position] if len(self.rows) else np.zeros(len(end), dtype=np.intp)
        return rows, found


def _months_back(days: NDArray[np.int64], months: int) -> NDArray[np.int64]:
    """Day numbers ``months`` calendar months before ``days``, clipped to the month's end.

    The vectorised counterpart of ``date - relativedelta(months=months)``: 31 March minus
    one month is 28 or 29 February.
    """
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    into = (day - month.astype("datetime64[D]")).astype(np.int64)
    target = month - np.timedelta64(months, "M")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    back: NDArray[np.int64] = target.astype("datetime64[D]").astype(np.int64)
    back += np.minimum(into, length - 1)
    return back


def _cumulative(values: NDArray[Any], dtype: Any = np.int64) -> NDArray[Any]:
    """Prefix sums with a leading 0, so ``c[b] - c[a]`` sums positions a..b-1 exactly."""
    out = np.zeros(len(values) + 1, dtype=dtype)
    np.cumsum(values, out=out[1:])
    return out


def _money_prefix(amounts: NDArray[np.int64]) -> NDArray[Any]:
    """Prefix sums of amounts with a leading 0, exact even past int64.

    int64 unless a window's sum could pass the int64 limit, then Python ints (amounts are
    never negative, so ``max * n`` bounds every sum).
    """
    if len(amounts) and int(amounts.max()) * len(amounts) > _INT64_MAX:
        out = np.zeros(len(amounts) + 1, dtype=object)
        np.cumsum(amounts.astype(object), out=out[1:])
        return out
    return _cumulative(amounts)


def _too_big(name: str, minor: object, customer: object) -> ValidationError:
    msg = (
        f"signal {name!r} of customer {plain(customer)!r} is {minor} minor units, beyond "
        f"the int64 limit of {_INT64_MAX} that money columns hold"
    )
    return ValidationError(msg)


def _fit_column(name: str, sums: NDArray[Any], customers: NDArray[Any]) -> NDArray[np.int64]:
    """Exact window sums as int64 minor units; a sum int64 cannot hold raises, naming it."""
    if sums.dtype == object and len(sums):
        over = np.flatnonzero(sums > _INT64_MAX)
        if len(over):
            raise _too_big(name, sums[over[0]], customers[over[0]])
    return sums.astype(np.int64)


def _range_reduce(
    values: NDArray[Any], low: NDArray[np.int64], high: NDArray[np.int64], ufunc: np.ufunc
) -> NDArray[Any]:
    """``ufunc.reduce(values[low:high])`` per query (where ``high > low``), by sparse table.

    Level k holds the reduction of every run of 2**k values, so any range is two
    overlapping runs: ``log2(n)`` vectorised levels, no loop over queries.
    """
    out = np.zeros(len(low), dtype=values.dtype)
    some = high > low
    if not some.any():
        return out
    lo, hi = low[some], high[some]
    span = hi - lo
    level = np.floor(np.log2(span)).astype(np.int64)
    result = np.zeros(len(lo), dtype=values.dtype)
    table = values
    for k in range(int(level.max()) + 1):
        if k:
            half = 1 << (k - 1)
            table = ufunc(table[:-half], table[half:])
        at = level == k
        if at.any():
            run = 1 << k
            result[at] = ufunc(table[lo[at]], table[hi[at] - run])
    out[some] = result
    return out


@functools.lru_cache(maxsize=512)
def _parts_of(definition: Definition) -> frozenset[Definition]:
    """``definition`` and every part it is computed from, however deep."""
    out = {definition}
    for part in definition.parts():
        out |= _parts_of(part)
    return frozenset(out)


@functools.lru_cache(maxsize=512)
def _reads_attributes(definition: Definition) -> bool:
    """Whether ``definition`` scores attributes, itself or in a part."""
    return isinstance(definition, AttributeScore) or any(
        _reads_attributes(part) for part in definition.parts()
    )


def _numeric(values: NDArray[Any], kind: str) -> NDArray[Any]:
    return values.astype(np.float64) if kind == "number" else values


class Batch:
    """Computes definitions for many (customer, as-of) queries; shared parts once."""

    def __init__(self, log: EventLog, code: NDArray[np.int64], when: NDArray[np.datetime64]):
        self.log = log
        self.n = len(code)
        self.t = when.astype(np.int64)
        self.index = Index(log, code, self.t)
        self.ids = log.customers[code]
        self.subsets: dict[tuple[str, str | None], Subset] = {}
        self.memo: dict[Definition, Column] = {}
        self.name = ""
        # Columns a score reads before the log's carried attributes (a population's joined
        # ones), for one call of column(); what reads them is memoised for that call only.
        self.attributes: Mapping[str, NDArray[Any]] | None = None
        self.scratch: dict[Definition, Column] = {}

    def column(
        self, definition: Definition, attributes: Mapping[str, NDArray[Any]] | None = None
    ) -> Column:
        """Values and missing mask of ``definition``, as a population holds them.

        ``attributes``: columns (one value per query) that a score reads in place of the
        log's carried attributes of the same names, such as those joined onto a population.
        """
        self.attributes, self.scratch = attributes, {}
        try:
            values, missing = self.value(definition)
        finally:
            self.attributes, self.scratch = None, {}
        kind = definition.kind
        if kind in ("days", "number"):
            values = values.astype(np.float64)
            if missing is not None:
                values[missing] = np.nan
            return values, None
        if kind == "date":
            if missing is not None:
                values = values.copy()
                values[missing] = np.datetime64("NaT")
            return values, None
        if kind == "money":
            if self.log.currency is None:
                missing = np.ones(self.n, dtype=bool)
            if missing is not None:
                values = np.where(missing, 0, values)
            return values, missing
        return values, None

    def keep_only(self, definitions: Iterable[Definition]) -> None:
        """Drop the memoised columns that none of ``definitions`` reads (to free memory).

        A population computes its signals one after another; the parts the signals still
        to come do not share need not stay in memory until the last one is done.
        """
        needed: set[Definition] = set()
        for d in definitions:
            needed |= _parts_of(d)
        for d in [d for d in self.memo if d not in needed]:
            del self.memo[d]

    def value(self, definition: Definition) -> Column:
        given = self.attributes is not None and _reads_attributes(definition)
        memo = self.scratch if given else self.memo
        if definition not in memo:
            outer = self.name
            if isinstance(definition, NamedSignal) and not outer:
                self.name = definition.name
            try:
                memo[definition] = self._compute(definition)
            finally:
                self.name = outer
        return memo[definition]

    def _compute(self, d: Definition) -> Column:
        if isinstance(d, NamedSignal):
            return self.value(d.definition)
        if isinstance(d, AsOf):
            return self.t.astype("datetime64[D]"), None
        if isinstance(d, Constant):
            return np.full(self.n, d.value, dtype=np.int64), None
        if isinstance(d, Aggregate):
            return self._aggregate(d)
        if isinstance(d, Arithmetic):
            return self._arithmetic(d)
        if isinstance(d, AttributeScore):
            return self._score(d)
        if isinstance(d, EventScore):
            return self._event_score(d)
        msg = f"not a signal definition: {d!r}"
        raise ValidationError(msg)

    def carried(self, name: str) -> NDArray[Any]:
        """Attribute ``name``'s latest known value on or before each query's as-of date."""
        column = self.log.attributes[name]
        known = Subset(self.index, present_mask(column))
        rows, found = known.last(known.end(Offset(0, "D")))
        return gather(column, rows, found)

    def _score(self, d: AttributeScore) -> Column:
        given = self.attributes or {}
        carried = self.log.attributes
        absent = [name for name in d.attributes if name not in given and name not in carried]
        if absent:
            raise missing_attributes(absent, {*given, *self.log.attributes})
        answers = {
            name: answers_of(
                name, np.asarray(given[name]) if name in given else self.carried(name), self.ids
            )
            for name in d.attributes
        }
        values = d.score_columns(answers, self.ids)
        return values, np.isnan(values)

    def _event_score(self, d: EventScore) -> Column:
        """Gather each query's events of the kind, on or before its as-of date, and score."""
        sub = self._subset(d.event)
        low, high = sub.start, sub.end(Offset(0, "D"))
        lengths = high - low
        subject = np.repeat(np.arange(self.n), lengths)
        # Position of each gathered event in the subset: its query's first, plus its rank.
        before = np.cumsum(lengths) - lengths
        rows = sub.rows[np.arange(len(subject)) - np.repeat(before - low, lengths)]
        log = self.log
        known = log.amount_known[rows] if log.amount_known is not None else None
        events = EventRows(
            subject,
            log.date[rows].view(np.int64),
            log.amount_minor[rows],
            np.ones(len(rows), dtype=bool) if known is None else known,
            self.t,
            self.ids,
            log.currency.factor if log.currency is not None else 1,
        )
        values = d.score_events(events)
        return values, np.isnan(values)

    # -- aggregates ---------------------------------------------------------------

    def _subset(self, event: str, field: str | None = None) -> Subset:
        """The rows of kind ``event`` (with a known ``field`` when one is given)."""
        if field in ("date", "quantity") or (field == "amount" and self.log.amount_known is None):
            field = None  # every event has one: the same rows as the kind's
        key = (event, field)
        if key not in self.subsets:
            log = self.log
            absent = field == "score" and log.score is None
            absent |= field in ("category", "product", "channel") and getattr(log, field) is None
            if absent:  # a column the log does not have: no event has the field
                mask = np.zeros(len(log), dtype=bool)
            else:
                mask = log.kind_mask(event)
                if field is not None:
                    mask &= self._known(field)
            self.subsets[key] = Subset(self.index, mask)
        return self.subsets[key]

    def _known(self, field: str) -> NDArray[np.bool_]:
        log = self.log
        n = len(log)
        if field == "amount":
            if log.amount_known is None:
                return np.ones(n, dtype=bool)
            return log.amount_known.copy()
        if field == "score":
            return np.zeros(n, dtype=bool) if log.score is None else ~np.isnan(log.score)
        if field in ("category", "product", "channel"):
            labels = getattr(log, field)
            return np.zeros(n, dtype=bool) if labels is None else labels >= 0
        return np.ones(n, dtype=bool)

    def _field(self, field: str, rows: NDArray[np.intp]) -> NDArray[Any]:
        log = self.log
        if field == "amount":
            return log.amount_minor[rows]
        if field == "quantity":
            return log.quantity[rows] if log.quantity is not None else np.ones(len(rows), np.int64)
        if field == "score":
            return log.score[rows] if log.score is not None else np.full(len(rows), np.nan)
        if field == "date":
            return log.date[rows]
        labels = getattr(log, field)
        return labels[rows] if labels is not None else np.full(len(rows), -1)

    def _bounds(self, sub: Subset, d: Aggregate) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        high = sub.end(d.within.end)
        low = sub.start if d.within.start is None else sub.end(d.within.start)
        return low, high

    def _prefix(self, sub: Subset, what: str, make: Any) -> NDArray[Any]:
        if what not in sub.prefix:
            sub.prefix[what] = make()
        return sub.prefix[what]

    def _aggregate(self, d: Aggregate) -> Column:
        if d.op == "count":
            sub = self._subset(d.event)
            low, high = self._bounds(sub, d)
            return (high - low).astype(np.int64), None
        field = d.field
        assert field is not None
        if d.op == "total":
            return self._total(d, field)
        if d.op == "distinct":
            return self._distinct(d, field)
        sub = self._subset(d.event, field)
        low, high = self._bounds(sub, d)
        n_known = (high - low).astype(np.int64)
        missing = n_known == 0
        if d.op == "mean":
            if field == "amount":
                sums = self._prefix(
                    sub, "amount", lambda: _money_prefix(self._field(field, sub.rows))
                )
                total = _fit_column(self.name, sums[high] - sums[low], self.ids)
                out = np.zeros(self.n, dtype=np.int64)
                out[~missing] = divide_minor(total[~missing], n_known[~missing], mode="half_even")
                return out, missing
            sums = self._prefix(sub, field, lambda: self._sums(field, sub))
            with np.errstate(invalid="ignore", divide="ignore"):
                return (sums[high] - sums[low]) / n_known, missing
        if d.op in ("first", "last"):
            # Only the picked rows' values: one gather per query, not one per event.
            position = low if d.op == "first" else high - 1
            some = len(sub.rows) > 0
            rows = sub.rows[np.clip(position, 0, len(sub.rows) - 1)] if some else sub.rows
            picked = self._field(field, rows) if some else np.zeros(self.n, dtype=np.int64)
        else:
            values = self._field(field, sub.rows)
            if field == "date":
                values = values.view(np.int64)
            ufunc = np.minimum if d.op == "minimum" else np.maximum
            picked = _range_reduce(values, low, high, ufunc)
        if field == "date":
            return picked.astype("datetime64[D]"), missing
        if field in ("quantity", "score"):
            return picked.astype(np.float64), missing
        return picked.astype(np.int64), missing

    def _sums(self, field: str, sub: Subset) -> NDArray[Any]:
        if field == "quantity" and self.log.quantity is None:  # one unit per event
            return np.arange(len(sub.rows) + 1, dtype=np.int64)
        values = self._field(field, sub.rows)
        if field == "score":
            return _cumulative(np.nan_to_num(values, nan=0.0), dtype=np.float64)
        return _cumulative(values)

    def _total(self, d: Aggregate, field: str) -> Column:
        sub = self._subset(d.event)
        low, high = self._bounds(sub, d)
        if field == "quantity":
            sums = self._prefix(sub, "quantity", lambda: self._sums("quantity", sub))
            return (sums[high] - sums[low]).astype(np.int64), None
        if field == "amount":
            sums = self._prefix(
                sub, "amount", lambda: _money_prefix(self.log.amount_minor[sub.rows])
            )
            values = _fit_column(self.name, sums[high] - sums[low], self.ids)
        else:
            sums = self._prefix(sub, "score", lambda: self._sums("score", sub))
            values = sums[high] - sums[low]
        if field == "amount" and self.log.amount_known is None:
            return values, None
        known = self._prefix(
            sub, f"known {field}", lambda: _cumulative(self._known(field)[sub.rows])
        )
        return values, (high > low) & (known[high] == known[low])

    def _distinct(self, d: Aggregate, field: str) -> Column:
        if field == "date":
            sub = self._subset(d.event)

            def new_days() -> NDArray[np.int64]:
                flags = np.ones(len(sub.rows), dtype=np.int64)
                flags[1:] = sub.keys[1:] != sub.keys[:-1]
                return _cumulative(flags)

            days = self._prefix(sub, "new days", new_days)
            low, high = self._bounds(sub, d)
            inner = np.minimum(low + 1, high)
            return (days[high] - days[inner] + (high > low)).astype(np.int64), None
        sub = self._subset(d.event, field)
        labels = self._field(field, sub.rows).astype(np.int64)

        def first_seen() -> NDArray[np.int64]:
            width = int(labels.max()) + 1 if len(labels) else 1
            pairs = self.log.code[sub.rows].astype(np.int64) * width + labels
            _, where = np.unique(pairs, return_index=True)
            flags = np.zeros(len(sub.rows), dtype=np.int64)
            flags[where] = 1
            return _cumulative(flags)

        seen = self._prefix(sub, f"first {field}", first_seen)
        low, high = self._bounds(sub, d)
        return (seen[high] - seen[low]).astype(np.int64), None

    # -- arithmetic ---------------------------------------------------------------

    def _arithmetic(self, d: Arithmetic) -> Column:
        a, a_missing = self.value(d.left)
        b, b_missing = self.value(d.right)
        if d.op == "at_or_after":
            a_present = ~a_missing if a_missing is not None else np.ones(self.n, dtype=bool)
            b_absent = b_missing if b_missing is not None else np.zeros(self.n, dtype=bool)
            return a_present & (b_absent | (a >= b)), None
        missing = _either(a_missing, b_missing)
        if d.op == "minus_floor0":
            return np.maximum(a - b, 0), missing
        left, right = d.left.kind, d.right.kind
        if left == "date":
            # A date aggregate says "missing" with NaT, not with its mask.
            undated = np.isnat(a) | np.isnat(b)
            return (a - b).astype(np.int64), undated if missing is None else missing | undated
        if left == "money" and right == "money" and d.op != "/":
            return self._money_sum(d.op, a, b, missing), missing
        if d.op == "/":
            zero = b == 0
            missing = zero if missing is None else missing | zero
            safe = np.where(zero, 1, b)
            if left == "money" and right == "count":
                sign = np.where(safe < 0, -1, 1)
                out = np.zeros(self.n, dtype=np.int64)
                ok = ~missing
                out[ok] = divide_minor(a[ok] * sign[ok], safe[ok] * sign[ok], mode="half_even")
                return out, missing
            return a.astype(np.float64) / safe.astype(np.float64), missing
        kind = d.kind
        x, y = _numeric(a, kind), _numeric(b, kind)
        return (x + y if d.op == "+" else x - y), missing

    def _money_sum(
        self, op: str, a: NDArray[np.int64], b: NDArray[np.int64], missing: NDArray[np.bool_] | None
    ) -> NDArray[np.int64]:
        with np.errstate(over="ignore"):
            out = a + b if op == "+" else a - b
        # Two's complement: the sum wrapped where its sign differs from both operands' (for
        # "+") or from a's while a and b differ in sign (for "-").
        wrapped = ((a ^ out) & (b ^ out)) < 0 if op == "+" else ((a ^ b) & (a ^ out)) < 0
        if missing is not None:
            wrapped &= ~missing
        if wrapped.any():
            i = int(np.flatnonzero(wrapped)[0])
            exact = int(a[i]) + int(b[i]) if op == "+" else int(a[i]) - int(b[i])
            raise _too_big(self.name, exact, self.ids[i])
        return out


def _either(a: NDArray[np.bool_] | None, b: NDArray[np.bool_] | None) -> NDArray[np.bool_] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b
