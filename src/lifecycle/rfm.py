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

__all__ = ["UNITS", "rfm_summary"]

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
