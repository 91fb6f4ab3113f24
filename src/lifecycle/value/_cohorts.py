"""Acquisition cohorts: who came when, and how many still buy k periods later (private).

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": c, "date": d, "amount": "10", "currency": "EUR"}
...     for c, d in [(1, "2024-01-05"), (1, "2024-02-10"), (2, "2024-01-20"),
...                  (3, "2024-02-03"), (3, "2024-03-01"), (1, "2024-03-15")]])
>>> print(cohort_table(log))
cohort      size      +0      +1      +2
2024-01       2  100.0%   50.0%   50.0%
2024-02       1  100.0%  100.0%
2024-03       0
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..errors import ValidationError
from ..events import EventLog, as_date
from ..table import Table

__all__ = ["PERIODS", "CohortTable", "cohort_table"]

#: Calendar periods: months, quarters, years, and ISO weeks (starting on Monday).
PERIODS = ("M", "Q", "Y", "W")
_MEASURES = ("customers", "revenue", "orders")
# 1970-01-01 was a Thursday: shifting by 3 days makes NumPy's weeks start on Monday.
_MONDAY = 3


def _period_index(days: NDArray[np.datetime64], period: str) -> NDArray[np.int64]:
    if period == "W":
        return (days.astype(np.int64) + _MONDAY) // 7
    months = days.astype("datetime64[M]").astype(np.int64)
    return months // {"M": 1, "Q": 3, "Y": 12}[period]


def _period_start(index: NDArray[np.int64], period: str) -> NDArray[np.datetime64]:
    if period == "W":
        return (index * 7 - _MONDAY).astype("datetime64[D]")
    months = index * {"M": 1, "Q": 3, "Y": 12}[period]
    return months.astype("datetime64[M]").astype("datetime64[D]")


class CohortTable(Table):
    """A cohort table: long columns, and a grid when printed.

    Columns ``cohort`` (datetime64[D], the first day of the acquisition period), ``k``
    (periods since acquisition), ``value`` and ``share``; ``period`` and ``measure`` say
    how it was built. ``str()`` shows one row per cohort: its size at k = 0 and the
    share at each k (a blank where the period has not happened yet).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in [
    ...     (1, "2024-01-05"), (1, "2024-02-07"), (2, "2024-01-20"), (3, "2024-02-02")]])
    >>> t = cohort_table(log)
    >>> isinstance(t, CohortTable), t.period, t.measure, t.value.tolist()
    (True, 'M', 'customers', [2, 1, 1])
    """

    __slots__ = ("measure", "period")

    def __init__(self, columns: dict[str, Any], *, period: str, measure: str) -> None:
        super().__init__(columns)
        self.period = period
        self.measure = measure

    def __str__(self) -> str:
        cohorts, where = np.unique(self["cohort"], return_inverse=True)
        width = int(self["k"].max()) + 1 if len(self) else 0
        size = np.zeros(len(cohorts), dtype=np.int64)
        shares = np.full((len(cohorts), width), np.nan)
        shares[where, self["k"]] = self["share"]
        first = self["k"] == 0
        size[where[first]] = self["value"][first]
        label = {"M": 7, "Q": 7, "Y": 4, "W": 10}[self.period]
        head = f"{'cohort':<{max(label, 6)}}  {'size':>6}" + "".join(
            f"  {'+' + str(k):>6}" for k in range(width)
        )
        lines = [head]
        for row, day in enumerate(cohorts.astype("datetime64[D]").tolist()):
            name = day.isoformat()[:label]
            if self.period == "Q":
                name = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
            cells = "".join(
                f"  {share:>6.1%}" for share in shares[row].tolist() if not np.isnan(share)
            )
            lines.append(f"{name:<{max(label, 6)}}  {size[row]:>6}{cells}".rstrip())
        return "\n".join(lines)


def cohort_table(
    log: EventLog,
    period: Literal["M", "Q", "Y", "W"] = "M",
    measure: Literal["customers", "revenue", "orders"] = "customers",
    *,
    as_of: dt.date | str | None = None,
) -> CohortTable:
    """Customers acquired per period, and what they do k periods later.

    A customer's cohort is the period of their first purchase. For each cohort and each
    k from 0 to the log's last period, ``value`` is how many of its customers purchase
    in period ``cohort + k`` (``measure="customers"``), how many purchases they make
    (``"orders"``) or what they spend, in minor units of the log's currency
    (``"revenue"``); ``share`` divides it by the cohort's value at k = 0 (its size, its
    first-period orders or revenue). Only purchase events count.

    Parameters
    ----------
    log : EventLog
    period : {"M", "Q", "Y", "W"}
        Calendar months, quarters, years, or weeks starting on Monday.
    measure : {"customers", "revenue", "orders"}
    as_of : date or ISO string, keyword-only
        Count only purchases on or before this day (the log as it was then); default all.

    Returns
    -------
    CohortTable
        ``cohort`` (datetime64[D]), ``k`` (int64), ``value`` (int64), ``share`` (float64),
        one row per cohort and k, sorted; every k up to the period of the last purchase
        counted is present,
        zeros included. A cohort whose first-period revenue is 0 has NaN shares.

    Raises
    ------
    ValidationError
        An unknown period or measure, a log without purchases, or revenue without
        amounts.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": c, "date": d, "amount": a, "currency": "EUR"}
    ...     for c, d, a in [(1, "2024-01-05", "10"), (1, "2024-04-10", "30"),
    ...                     (2, "2024-02-20", "20")]])
    >>> t = cohort_table(log, period="Q", measure="revenue")
    >>> t.cohort.tolist(), t.k.tolist(), t.value.tolist(), t.share.tolist()
    ([datetime.date(2024, 1, 1), datetime.date(2024, 1, 1), datetime.date(2024, 4, 1)], [0, 1, 0], [3000, 3000, 0], [1.0, 1.0, nan])
    """
    check_choice("period", period, PERIODS)
    check_choice("measure", measure, _MEASURES)
    buys = log.kind_mask("purchase")
    if as_of is not None:
        buys &= log.date <= np.datetime64(as_date(as_of, "as_of"), "D")
    if not buys.any():
        upto = "" if as_of is None else f" on or before {as_date(as_of, 'as_of').isoformat()}"
        msg = f"cannot build cohorts from a log without purchase events{upto}"
        raise ValidationError(msg)
    if measure == "revenue" and log.currency is None:
        msg = "measure='revenue' needs amounts, but the log has none"
        raise ValidationError(msg)
    # A log of purchases only is read in place: a copy of 10M-row columns costs more than
    # the counting.
    rows: slice | NDArray[np.intp] = slice(None) if buys.all() else np.flatnonzero(buys)
    del buys
    code = log.code[rows]
    when = _period_index(log.date[rows], period)
    # Rows are sorted by customer and date: a customer's first row is their first purchase.
    first = np.ones(len(code), dtype=bool)
    np.not_equal(code[1:], code[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    cohort = np.repeat(when[starts], np.diff(np.append(starts, len(code))))
    k = when - cohort
    origin, last = int(when.min()), int(when.max())
    n_cohorts = last - origin + 1
    key = (cohort - origin) * n_cohorts + k
    if measure == "customers":
        # One count per customer and period: periods never go back within a customer.
        fresh = np.ones(len(code), dtype=bool)
        fresh[1:] = first[1:] | (when[1:] != when[:-1])
        value = np.bincount(key[fresh], minlength=n_cohorts * n_cohorts)
    elif measure == "orders":
        value = np.bincount(key, minlength=n_cohorts * n_cohorts)
    else:
        value = _sum_exact(key, log.amount_minor[rows], n_cohorts * n_cohorts)
    grid_cohort = np.repeat(np.arange(n_cohorts), n_cohorts)
    grid_k = np.tile(np.arange(n_cohorts), n_cohorts)
    # Keep k up to the log's last period: later cells have not happened yet.
    keep = grid_cohort + grid_k <= last - origin
    value = value.astype(np.int64)
    base = value[grid_cohort * n_cohorts]
    share = np.full(len(value), np.nan)
    np.divide(value, base, out=share, where=base > 0)
    return CohortTable(
        {
            "cohort": _period_start(grid_cohort[keep] + origin, period),
            "k": grid_k[keep].astype(np.int64),
            "value": value[keep],
            "share": share[keep],
        },
        period=period,
        measure=measure,
    )


def _sum_exact(key: NDArray[np.int64], amounts: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    """Integer sums per key (``bincount`` with weights sums in float64 and may round)."""
    if len(amounts) and int(np.abs(amounts).max()) > (2**63 - 1) // len(amounts):
        msg = "revenue sums could overflow int64 minor units; split the log by period"
        raise ValidationError(msg)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    out = np.zeros(size, dtype=np.int64)
    if len(starts):
        out[sorted_key[starts]] = np.add.reduceat(amounts[order], starts, dtype=np.int64)
    return out
