"""The recency-frequency-monetary summary that buy-till-you-die models take as input.

Follows the published BTYD papers (Fader, Hardie and Lee 2005): purchases on the same day
are merged into one transaction; ``frequency`` counts purchase days after the first;
``recency`` is the time from the first to the last purchase day; ``T`` the time from the
first purchase day to ``as_of``; ``monetary_value`` the mean spend of the repeat purchase
days (0 when there are none). Times are in days divided by the unit's length.

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
    # Work on the event rows, sorted by (customer, date), without building arrays per
    # purchase day: a new purchase day starts wherever the customer or the date changes.
    new_day = np.ones(len(code), dtype=bool)
    np.not_equal(code[1:], code[:-1], out=new_day[1:])
    new_day[1:] |= day[1:] != day[:-1]
    starts, ends = segment_bounds(code)

    def per_customer(values: NDArray[Any]) -> NDArray[np.int64]:
        if len(starts) == 0:  # reduceat refuses empty input
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(values, starts, dtype=np.int64)

    frequency = per_customer(new_day) - 1
    del new_day
    first, last = day[starts], day[ends]
    on_first_day = day == np.repeat(first, ends - starts + 1)
    repeat_spend = per_customer(amount) - per_customer(np.where(on_first_day, amount, 0))
    del on_first_day
    length = UNITS[unit]
    factor = log.currency.factor if log.currency is not None else 1
    monetary = np.zeros(len(starts))
    repeat = frequency > 0
    monetary[repeat] = repeat_spend[repeat] / frequency[repeat] / factor
    return Table(
        {
            "customer": log.customers[code[starts]],
            "frequency": frequency,
            "recency": (last - first) / length,
            "T": (end64.astype(np.int64) - first) / length,
            "monetary_value": monetary,
        }
    )
