"""History semantics: replay an event log through a model into a Timeline (private module).

Examples
--------
>>> from lifecycle import EventLog
>>> from lifecycle.stages import default_lifecycle
>>> log = EventLog.from_records([{"customer": "ann", "date": d} for d in
...     ("2023-01-10", "2023-02-10", "2023-03-10", "2024-06-01")])
>>> tl = replay(default_lifecycle(), log, every="1M")
>>> for change in tl.changes_for("ann"):
...     print(change)
2023-02-10 ann: exploration -> awareness (second purchase or repeat visits)
2023-03-10 ann: awareness -> expansion (rising frequency, spend or breadth)
2023-06-10 ann: expansion -> dissolution (lapse)
2024-06-01 ann: dissolution -> exploration (won back)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import numpy as np
from dateutil.relativedelta import relativedelta
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, as_date, segment_bounds
from ..signals import snapshots
from ._timeline import NAT, Timeline

if TYPE_CHECKING:
    from ._model import LifecycleModel

__all__ = ["STEP_LIMIT", "calendar_grid", "replay"]

_EVERY = re.compile(r"^\s*(\d+)\s*([DWMY])\s*$", re.IGNORECASE)
#: Dates per customer stepped one array pass at a time before the prefix scan takes over.
STEP_LIMIT = 64


def calendar_grid(
    start: dt.date, end: dt.date, every: int | str | dt.timedelta | relativedelta | None
) -> NDArray[np.datetime64]:
    """The evaluation grid: ``start``, ``start + every``, ``start + 2 every``, ..., ``end``.

    The grid always closes with ``end`` itself, so a replay knows every customer's stage
    at the end of its window.

    ``every`` is a number of days (int or whole-day ``timedelta``), a string ``"<n>D"``,
    ``"<n>W"``, ``"<n>M"`` or ``"<n>Y"`` (days, weeks, calendar months, years), or a
    ``relativedelta`` with positive relative parts. Month steps are counted from
    ``start`` (31 January, 29 February, 31 March, ...), never accumulated.

    Examples
    --------
    >>> calendar_grid(dt.date(2024, 1, 31), dt.date(2024, 4, 30), "1M").tolist()
    [datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2024, 3, 31), datetime.date(2024, 4, 30)]
    >>> [d.day for d in calendar_grid(dt.date(2024, 1, 1), dt.date(2024, 1, 20), 7).tolist()]
    [1, 8, 15, 20]
    >>> calendar_grid(dt.date(2024, 1, 1), dt.date(2024, 2, 1), "fortnightly")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'every' must be a number of days, "<n>D", "<n>W", "<n>M", "<n>Y", a timedelta or a relativedelta, all positive (got 'fortnightly')
    """
    if every is None:
        return np.zeros(0, dtype="datetime64[D]")
    step = _step(every)
    first = np.datetime64(start, "D")
    last = np.datetime64(end, "D")
    if isinstance(step, int):
        grid = np.arange(first, last + 1, step)
    else:
        days: list[dt.date] = []
        k = 0
        while (day := start + step * k) <= end:
            days.append(day)
            k += 1
        grid = np.asarray(days, dtype="datetime64[D]")
    if grid[-1] < last:
        grid = np.append(grid, last)
    return grid


def _step(every: object) -> int | relativedelta:
    msg = (
        '\'every\' must be a number of days, "<n>D", "<n>W", "<n>M", "<n>Y", a '
        f"timedelta or a relativedelta, all positive (got {every!r})"
    )
    if isinstance(every, bool):
        raise ValidationError(msg)
    if isinstance(every, (int, np.integer)):
        if every <= 0:
            raise ValidationError(msg)
        return int(every)
    if isinstance(every, dt.timedelta):
        if every.days <= 0 or every != dt.timedelta(days=every.days):
            raise ValidationError(msg)
        return every.days
    if isinstance(every, str):
        match = _EVERY.match(every)
        if match is None or int(match[1]) == 0:
            raise ValidationError(msg)
        n, unit = int(match[1]), match[2].upper()
        if unit in "DW":
            return n * (7 if unit == "W" else 1)
        return relativedelta(months=n) if unit == "M" else relativedelta(years=n)
    if isinstance(every, relativedelta):
        parts = (every.years, every.months, every.days, every.leapdays)
        absolute = (every.year, every.month, every.day, every.weekday)
        ok = all(p >= 0 for p in parts) and any(p > 0 for p in parts[:3])
        if not ok or any(a is not None for a in absolute) or every.hours or every.minutes:
            raise ValidationError(msg)
        if not (every.years or every.months):
            return int(every.days)
        return every
    raise ValidationError(msg)


def replay(
    model: LifecycleModel,
    log: EventLog,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    every: int | str | dt.timedelta | relativedelta | None = None,
) -> Timeline:
    """Carry every customer's stage from one evaluation date to the next (history semantics).

    A customer's evaluation dates are: each of their event dates in ``[start, end]``;
    ``start`` itself when they had an event before it; and, when ``every`` is given, each
    date of the calendar grid ``start, start + every, ..., end`` on or after their first
    event, so lapses are noticed on time even without events. On their first evaluation date a
    customer enters at the initial stage; on each date the model walks from the stage
    carried so far (see :class:`LifecycleModel`), and every move is recorded as a dated
    change with its reason.

    Signals are those of the whole log as of each date (events before ``start`` count);
    the walk is vectorised across customers: no Python loop per customer or per event.

    Parameters
    ----------
    model : LifecycleModel
    log : EventLog
    start, end : date or ISO string, optional
        The replayed window; default the log's first and last event dates.
    every : int, str, timedelta or relativedelta, optional
        The calendar grid (see :func:`calendar_grid`): ``7``, ``"7D"``, ``"2W"``,
        ``"1M"``, ``relativedelta(months=3)``.

    Returns
    -------
    Timeline

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"},
    ...                              {"customer": 1, "date": "2024-01-08", "kind": "cancellation"}])
    >>> [str(c) for c in replay(default_lifecycle(), log).changes_for(1)]
    ['2024-01-08 1: exploration -> dissolution (cancellation)']
    """
    if not isinstance(log, EventLog):
        msg = f"replay() takes an EventLog (got {type(log).__name__})"
        raise ValidationError(msg)
    first_day, last_day = log.start, log.end
    assert first_day is not None
    assert last_day is not None
    hi = last_day if end is None else as_date(end, "end")
    if hi < first_day:
        msg = f"no customer has an event on or before 'end' ({hi}); the log starts {first_day}"
        raise ValidationError(msg)
    lo = first_day if start is None else as_date(start, "start")
    if lo > hi:
        msg = f"'start' ({lo}) must be on or before 'end' ({hi})"
        raise ValidationError(msg)
    grid = calendar_grid(lo, hi, every)
    lo64, hi64 = np.datetime64(lo, "D"), np.datetime64(hi, "D")
    n_customers = len(log.customers)
    seg_start, _ = segment_bounds(log.code)
    first = log.date[seg_start]
    present = first <= hi64

    inside = (log.date >= lo64) & (log.date <= hi64)
    ev_code = log.code[inside].astype(np.int64)
    ev_day = log.date[inside]
    new_pair = np.ones(len(ev_code), dtype=bool)
    new_pair[1:] = (ev_code[1:] != ev_code[:-1]) | (ev_day[1:] != ev_day[:-1])
    code, day = ev_code[new_pair], ev_day[new_pair]
    events = np.bincount(ev_code, minlength=n_customers).astype(np.int32)
    event_dates = np.bincount(code, minlength=n_customers).astype(np.int32)

    customers = np.arange(n_customers, dtype=np.int64)
    extra_code = [customers[present & (first < lo64)]]
    extra_day = [np.full(len(extra_code[0]), lo64)]
    if len(grid):
        offset = np.searchsorted(grid, first[present], side="left")
        counts = len(grid) - offset
        owners = np.repeat(customers[present], counts)
        within = np.arange(len(owners)) - np.repeat(np.cumsum(counts) - counts, counts)
        extra_code.append(owners)
        extra_day.append(grid[np.repeat(offset, counts) + within])
    if sum(len(c) for c in extra_code):
        all_code = np.concatenate([code, *extra_code])
        all_day = np.concatenate([day, *extra_day]).astype(np.int64)
        base = int(all_day.min())
        width = int(all_day.max()) - base + 1
        key = np.unique(all_code * width + (all_day - base))
        code, day = key // width, (key % width + base).astype("datetime64[D]")
    dates = np.bincount(code, minlength=n_customers).astype(np.int32)

    read = frozenset().union(*(t.when.signals() for t in model.transitions))
    population = snapshots(log, log.customers[code], day, signals=read)
    engine = model._engine
    pattern, final, path_table = engine.patterns(engine.masks(population))
    before = _carry(code, pattern, final, engine.initial)
    path = path_table[before, pattern]
    rows, step = np.nonzero(path >= 0)
    entered = np.full(n_customers, NAT)
    starts, _ = segment_bounds(code)
    entered[code[starts]] = day[starts]
    total = np.bincount(log.code, minlength=n_customers).astype(np.int32)
    return Timeline(
        model=model,
        customers=log.customers,
        start=lo,
        end=hi,
        change_code=code[rows].astype(np.int32),
        change_date=day[rows],
        change_transition=path[rows, step],
        entered=entered,
        events=events,
        outside=total - events,
        event_dates=event_dates,
        other_dates=dates - event_dates,
    )


def _carry(
    code: NDArray[np.int64],
    pattern: NDArray[np.integer[Any]],
    final: NDArray[np.int8],
    initial: int,
) -> NDArray[np.intp]:
    """The stage each row's walk starts from.

    Rows are grouped by customer, in date order; ``final[s, pattern[i]]`` is where row
    ``i``'s walk stops when it starts in stage ``s``. The first :data:`STEP_LIMIT` dates
    of every customer are stepped together, one array pass per step index over the
    customers that have that many dates; longer histories continue with a segmented prefix
    scan of the maps ``start -> stop`` (Hillis and Steele), whose number of passes grows
    with the logarithm of the longest history rather than with its length.
    """
    n = len(code)
    n_patterns = final.shape[1]
    flat = final.ravel().astype(np.intp)
    starts, ends = segment_bounds(code)
    lengths = ends - starts + 1
    order = np.argsort(-lengths, kind="stable")
    first, by_length = starts[order], lengths[order]
    steps = min(int(by_length[0]), STEP_LIMIT)
    active = np.searchsorted(-by_length, -np.arange(steps), side="left")
    before = np.empty(n, dtype=np.intp)
    stage = np.full(len(starts), initial, dtype=np.intp)
    for k in range(steps):
        m = int(active[k])
        rows = first[:m] + k
        now = stage[:m]
        before[rows] = now
        stage[:m] = flat[now * n_patterns + pattern[rows]]
    if by_length[0] > STEP_LIMIT:
        position = np.arange(n) - np.repeat(starts, lengths)
        tail = np.flatnonzero(position >= STEP_LIMIT)
        carried = np.empty(len(starts), dtype=np.intp)
        carried[order] = stage
        segment = np.repeat(np.arange(len(starts)), lengths)[tail]
        begin = carried[segment]
        composed = _scan(
            np.ascontiguousarray(final[:, pattern[tail]].T), position[tail] - STEP_LIMIT
        )
        after = composed[np.arange(len(tail)), begin]
        shifted = np.empty(len(tail), dtype=np.intp)
        shifted[1:] = after[:-1]
        opening = position[tail] == STEP_LIMIT
        shifted[opening] = begin[opening]
        before[tail] = shifted
    return before


def _scan(maps: NDArray[np.int8], position: NDArray[np.intp]) -> NDArray[np.int8]:
    """Segmented inclusive scan of maps: row ``i`` becomes ``maps[i] o ... o maps[first]``."""
    longest = int(position.max()) + 1 if len(position) else 0
    distance = 1
    while distance < longest:
        rows = np.flatnonzero(position >= distance)
        maps[rows] = np.take_along_axis(maps[rows], maps[rows - distance].astype(np.intp), axis=1)
        distance *= 2
    return maps
