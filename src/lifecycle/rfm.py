"""The recency-frequency-monetary summary that buy-till-you-die models take as input.

Follows the published BTYD papers (Fader, Hardie and Lee 2005): purchases on the same day
are merged into one transaction; ``frequency`` counts purchase days after the first;
``recency`` is the time from the first to the last purchase day; ``T`` the time from the
first purchase day to ``as_of``; ``monetary_value`` the mean spend of the repeat purchase
days (0 when there are none). Only known amounts count: a purchase without an amount is
unknown, not 0, so the mean is over the repeat days with at least one known amount, and NaN
when no repeat day has one (a log without amounts). Sums are exact even past int64. Times are
in days divided by the unit's length.

Examples
--------
>>> from lifecycle import EventLog, rfm_summary
>>> log = EventLog.from_records([
...     {"customer": 1, "date": "2024-01-01", "amount": "10", "currency": "USD"},
...     {"customer": 1, "date": "2024-01-01", "amount": "5", "currency": "USD"},
...     {"customer": 1, "date": "2024-01-15", "amount": "30", "currency": "USD"},
...     {"customer": 2, "date": "2024-01-20", "amount": "8", "currency": "USD"},
... ])
>>> rfm = rfm_summary(log, as_of="2024-01-29", unit="W")
>>> rfm.frequency.tolist(), rfm.recency.tolist(), rfm.T.tolist()
([1, 0], [2.0, 0.0], [4.0, 1.2857142857142858])
>>> rfm.monetary_value.tolist()
[30.0, 0.0]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import ValidationError
from .events import EventLog, as_date, segment_bounds
from .table import Table

__all__ = ["UNITS", "rfm_summary", "split_calibration_holdout"]

_INT64_MAX = int(np.iinfo(np.int64).max)

#: Length of each supported time unit in days ("M" is a mean Gregorian month, 365.25/12).
UNITS: dict[str, float] = {"D": 1, "W": 7, "M": 365.25 / 12}


def rfm_summary(log: EventLog, as_of: dt.date | str | None = None, *, unit: str = "D") -> Table:
    """Summarise each customer's purchases as frequency, recency, T and monetary value.

    Parameters
    ----------
    log : EventLog
        Only ``purchase`` events on or before ``as_of`` count.
    as_of : date or ISO string, optional
        End of the observation period; default the log's last event date.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T``: days, weeks of 7 days, or months of 365.25/12
        days (never a hidden 30).

    Returns
    -------
    Table
        One row per customer with a purchase by ``as_of``, sorted by customer id:
        ``customer``, ``frequency`` (int64), ``recency``, ``T`` and ``monetary_value``
        (float64; mean repeat-day spend in major units of the log's currency, a model
        input rather than an amount to book).

    Notes
    -----
    With ``unit="D"`` the values equal ``lifetimes.utils.summary_data_from_transaction_data``
    with ``freq="D"``. With ``unit="W"`` they reproduce the CDNOW sample summary of Fader,
    Hardie and Lee (2005).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": "a", "date": "2024-03-01"}])
    >>> rfm_summary(log, as_of="2024-03-08").T.tolist()
    [7.0]
    >>> rfm_summary(log, as_of="2024-03-31", unit="M").T.round(4).tolist()
    [0.9856]
    """
    if unit not in UNITS:
        msg = f"'unit' must be one of {tuple(UNITS)} (got {unit!r})"
        raise ValidationError(msg)
    end = log.end if as_of is None else as_date(as_of, "as_of")
    if end is None:
        msg = "cannot summarise an empty log"
        raise ValidationError(msg)
    end64 = np.datetime64(end, "D")
    counted = log.kind_mask("purchase")
    counted &= log.date <= end64
    # A log of purchases only, all counted, is read in place: copies of 10M-row columns
    # would more than double the memory this needs.
    rows: slice | NDArray[np.intp] = slice(None) if counted.all() else np.flatnonzero(counted)
    del counted
    code, day, amount = log.code[rows], log.date[rows].view(np.int64), log.amount_minor[rows]
    known = log.amount_known[rows] if log.amount_known is not None else None
    # Work on the event rows, sorted by (customer, date), without building arrays per
    # purchase day: a new purchase day starts wherever the customer or the date changes.
    new_day = np.ones(len(code), dtype=bool)
    np.not_equal(code[1:], code[:-1], out=new_day[1:])
    new_day[1:] |= day[1:] != day[:-1]
    starts, ends = segment_bounds(code)

    def per_customer(values: NDArray[Any]) -> NDArray[Any]:
        if len(starts) == 0:  # reduceat refuses empty input
            return np.zeros(0, dtype=np.int64)
        dtype = object if values.dtype == object else np.int64
        return np.add.reduceat(values, starts, dtype=dtype)

    frequency = per_customer(new_day) - 1
    first, last = day[starts], day[ends]
    on_first_day = day == np.repeat(first, ends - starts + 1)
    # Amounts are never negative, so max * count bounds every customer's sum: past int64,
    # sum Python ints exactly instead of letting int64 wrap.
    big = len(amount) > 0 and int(amount.max()) * len(amount) > _INT64_MAX
    exact = amount.astype(object) if big else amount
    repeat_spend = per_customer(np.where(on_first_day, 0, exact))
    # Repeat days with a known amount: a purchase without an amount is unknown, not 0.
    paid_days = frequency
    if known is not None:
        # A day is paid when any of its purchases has a known amount.
        day_id = np.cumsum(new_day) - 1
        paid_per_day = np.zeros(int(day_id[-1]) + 1 if len(day_id) else 0, dtype=bool)
        paid_per_day[day_id[known]] = True
        paid_days = per_customer((paid_per_day[day_id] & new_day & ~on_first_day).astype(np.int64))
        del day_id
    del new_day, on_first_day
    length = UNITS[unit]
    factor = log.currency.factor if log.currency is not None else 1
    monetary = np.zeros(len(starts))
    repeat = frequency > 0
    paid = paid_days > 0
    monetary[repeat & ~paid] = np.nan
    monetary[paid] = (repeat_spend[paid] / paid_days[paid] / factor).astype(np.float64)
    return Table(
        {
            "customer": log.customers[code[starts]],
            "frequency": frequency,
            "recency": (last - first) / length,
            "T": (end64.astype(np.int64) - first) / length,
            "monetary_value": monetary,
        }
    )


def split_calibration_holdout(
    log: EventLog,
    calibration_end: dt.date | str,
    holdout_end: dt.date | str,
    *,
    unit: str = "D",
) -> Table:
    """Summarise a calibration period and count each customer's purchases in the holdout after it.

    The calibration columns are :func:`rfm_summary` at ``calibration_end``; the holdout
    columns count purchase days (same-day purchases merged) in ``(calibration_end,
    holdout_end]``, the data a model fitted on the calibration period is judged against.

    Parameters
    ----------
    log : EventLog
        Only ``purchase`` events count.
    calibration_end : date or ISO string
        Last day of the calibration period; on or after the log's first purchase.
    holdout_end : date or ISO string
        Last day of the holdout period; after ``calibration_end``, on or before the log's
        last event.
    unit : {"D", "W", "M"}
        Time unit of ``recency_cal``, ``T_cal`` and ``duration_holdout``.

    Returns
    -------
    Table
        One row per customer whose first purchase is on or before ``calibration_end``,
        sorted by customer id: ``customer``, ``frequency_cal``, ``recency_cal``, ``T_cal``,
        ``monetary_value_cal`` (as in :func:`rfm_summary`), ``frequency_holdout`` (int64,
        purchase days in the holdout), ``monetary_value_holdout`` (mean spend of those
        days with a known amount; 0 without holdout days, NaN when none has an amount) and
        ``duration_holdout``.

    Raises
    ------
    ValidationError
        ``holdout_end`` not after ``calibration_end``, ``calibration_end`` before the first
        purchase, or ``holdout_end`` after the log's last event.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-01", "amount": "10", "currency": "USD"},
    ...     {"customer": 1, "date": "2024-01-08", "amount": "20", "currency": "USD"},
    ...     {"customer": 1, "date": "2024-01-20", "amount": "30", "currency": "USD"},
    ...     {"customer": 2, "date": "2024-01-15", "amount": "8", "currency": "USD"},
    ... ])
    >>> s = split_calibration_holdout(log, "2024-01-14", "2024-01-20")
    >>> s.customer.tolist(), s.frequency_cal.tolist(), s.frequency_holdout.tolist()
    ([1], [1], [1])
    >>> s.monetary_value_holdout.tolist(), s.duration_holdout.tolist()
    ([30.0], [6.0])
    """
    cal = as_date(calibration_end, "calibration_end")
    hold = as_date(holdout_end, "holdout_end")
    if hold <= cal:
        msg = f"'holdout_end' ({hold}) must be after 'calibration_end' ({cal})"
        raise ValidationError(msg)
    purchase = log.kind_mask("purchase")
    if not purchase.any():
        msg = "cannot split a log without purchases"
        raise ValidationError(msg)
    first = log.date[purchase].min().astype(dt.date)
    if cal < first:
        msg = f"'calibration_end' ({cal}) must be on or after the log's first purchase ({first})"
        raise ValidationError(msg)
    if log.end is not None and hold > log.end:
        msg = f"'holdout_end' ({hold}) must be on or before the log's last event ({log.end})"
        raise ValidationError(msg)
    summary = rfm_summary(log, cal, unit=unit)
    cal64, hold64 = np.datetime64(cal, "D"), np.datetime64(hold, "D")
    # Customer codes in the calibration summary, in its order (codes follow sorted ids).
    cal_codes = np.unique(log.code[purchase & (log.date <= cal64)])
    rows = np.flatnonzero(purchase & (log.date > cal64) & (log.date <= hold64))
    code, day = log.code[rows], log.date[rows].view(np.int64)
    # Rows are sorted by (customer, date): a new purchase day starts at any change.
    new_day = np.ones(len(code), dtype=bool)
    new_day[1:] = (code[1:] != code[:-1]) | (day[1:] != day[:-1])
    n = len(log.customers)
    days = np.bincount(code, weights=new_day, minlength=n).astype(np.int64)
    known = np.ones(len(rows), dtype=bool) if log.amount_known is None else log.amount_known[rows]
    day_id = np.cumsum(new_day) - 1
    paid_day = np.zeros(len(rows), dtype=bool)
    paid_day[day_id[known]] = True
    paid = np.bincount(code[new_day], weights=paid_day[: int(new_day.sum())], minlength=n)
    amount = log.amount_minor[rows]
    # Sum exactly past int64 (as rfm_summary does) rather than let it wrap.
    big = len(amount) > 0 and int(amount.max()) * len(amount) > _INT64_MAX
    spend = np.zeros(n, dtype=object if big else np.int64)
    np.add.at(spend, code, amount.astype(object) if big else amount)
    factor = log.currency.factor if log.currency is not None else 1
    monetary = np.zeros(n)
    some = paid > 0
    monetary[(days > 0) & ~some] = np.nan
    monetary[some] = (spend[some] / paid[some] / factor).astype(np.float64)
    return Table(
        {
            "customer": summary["customer"],
            "frequency_cal": summary["frequency"],
            "recency_cal": summary["recency"],
            "T_cal": summary["T"],
            "monetary_value_cal": summary["monetary_value"],
            "frequency_holdout": days[cal_codes],
            "monetary_value_holdout": monetary[cal_codes],
            "duration_holdout": np.full(len(cal_codes), (hold - cal).days / UNITS[unit]),
        }
    )
