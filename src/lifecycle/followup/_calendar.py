"""Calendar arithmetic shared by the follow-up triggers, in both engines (private).

A delay such as ``"3M"`` is a :class:`~dateutil.relativedelta.relativedelta` of years,
months and days. Adding one follows :mod:`dateutil`: years and months move the calendar
month and keep the day of the month, clamped to the month's last day; the days are added
after that (31 January + 1 month is 29 February 2024). :func:`add_period` is that rule on
``datetime64[D]`` columns, so the batch engine and ``date + relativedelta`` agree.

Examples
--------
>>> import numpy as np
>>> period = parse_delay("1M", "delay")
>>> period
relativedelta(months=+1)
>>> add_period(np.array(["2024-01-31"], dtype="datetime64[D]"), period).tolist()
[datetime.date(2024, 2, 29)]
>>> shift(dt.date(2024, 1, 31), period)
datetime.date(2024, 2, 29)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
from dateutil.relativedelta import relativedelta
from numpy.typing import NDArray

from ..errors import ValidationError

__all__ = [
    "add_period",
    "anniversary",
    "anniversary_days",
    "format_delay",
    "iso_week",
    "month_index",
    "parse_delay",
    "shift",
]

_DELAY = re.compile(r"^\s*(-?\d+)\s*([DWMY])\s*$", re.IGNORECASE)
_ABSOLUTE = ("year", "month", "day", "weekday", "hour", "minute", "second", "microsecond")
_TIME = ("hours", "minutes", "seconds", "microseconds", "leapdays")
#: What a common year does with an anniversary on 29 February.
LEAP_DAYS = ("feb28", "mar1")


def parse_delay(value: object, name: str) -> relativedelta:
    """A delay ``"<n>D"``, ``"<n>W"``, ``"<n>M"``, ``"<n>Y"`` or a relativedelta, as a relativedelta.

    Only years, months, weeks and days are allowed, none negative.

    Examples
    --------
    >>> parse_delay("2W", "delay"), parse_delay(relativedelta(months=18), "delay")
    (relativedelta(days=+14), relativedelta(years=+1, months=+6))
    >>> parse_delay("-2D", "delay")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'delay' must not be negative (got '-2D')
    """
    if isinstance(value, str):
        match = _DELAY.match(value)
        if match is None:
            msg = (
                f"{name!r} must be '<n>D', '<n>W', '<n>M' or '<n>Y' (days, weeks, months, "
                f"years) or a relativedelta (got {value!r})"
            )
            raise ValidationError(msg)
        n, unit = int(match[1]), match[2].upper()
        if n < 0:
            msg = f"{name!r} must not be negative (got {value!r})"
            raise ValidationError(msg)
        sizes = {"D": (0, 0, n), "W": (0, 0, 7 * n), "M": (0, n, 0), "Y": (n, 0, 0)}
        years, months, days = sizes[unit]
        return relativedelta(years=years, months=months, days=days)
    if not isinstance(value, relativedelta):
        msg = f"{name!r} must be a str such as '2D' or a relativedelta (got {value!r})"
        raise ValidationError(msg)
    if any(getattr(value, f) is not None for f in _ABSOLUTE) or any(
        getattr(value, f) for f in _TIME
    ):
        msg = f"{name!r} must be a relative period of years, months, weeks and days (got {value!r})"
        raise ValidationError(msg)
    period = relativedelta(years=value.years, months=value.months, days=value.days)
    if period.years < 0 or period.months < 0 or period.days < 0:
        msg = f"{name!r} must not be negative (got {value!r})"
        raise ValidationError(msg)
    return period


def format_delay(period: relativedelta) -> str:
    """The delay in the short form ``parse_delay`` reads: ``"2D"``, ``"1Y6M"``, ``"0D"``.

    Examples
    --------
    >>> format_delay(relativedelta(years=1, months=6)), format_delay(relativedelta())
    ('1Y6M', '0D')
    """
    parts = [f"{n}{u}" for n, u in ((period.years, "Y"), (period.months, "M"), (period.days, "D"))]
    return "".join(p for p in parts if not p.startswith("0")) or "0D"


def shift(day: dt.date, period: relativedelta) -> dt.date | None:
    """``day + period`` as :mod:`dateutil` adds it; None past the year 9999."""
    try:
        out: dt.date = day + period
    except (OverflowError, ValueError):
        return None
    return out


def add_period(days: NDArray[np.datetime64], period: relativedelta) -> NDArray[np.datetime64]:
    """``days + period`` on a ``datetime64[D]`` column, exactly as :func:`shift` adds it."""
    days = np.asarray(days, dtype="datetime64[D]")
    month = days.astype("datetime64[M]")
    day_of_month = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.timedelta64(12 * period.years + period.months, "M")
    first = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    out: NDArray[np.datetime64] = (
        first + np.minimum(day_of_month, length - 1) + np.timedelta64(period.days, "D")
    )
    return out


def anniversary(anchor: dt.date, year: int, leap_day: str) -> dt.date:
    """The anniversary of ``anchor`` in ``year``; 29 February moves in a common year.

    Examples
    --------
    >>> leap = dt.date(2024, 2, 29)
    >>> anniversary(leap, 2025, "feb28"), anniversary(leap, 2025, "mar1")
    (datetime.date(2025, 2, 28), datetime.date(2025, 3, 1))
    """
    try:
        return anchor.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 2, 28) if leap_day == "feb28" else dt.date(year, 3, 1)


def anniversary_days(
    anchor: NDArray[np.datetime64], year: int, leap_day: str
) -> NDArray[np.datetime64]:
    """:func:`anniversary` on a ``datetime64[D]`` column (no NaT)."""
    month = anchor.astype("datetime64[M]")
    day_of_month = (anchor - month.astype("datetime64[D]")).astype(np.int64)
    month_of_year = month.astype(np.int64) % 12
    target = np.datetime64(f"{year:04d}-01", "M") + month_of_year.astype("timedelta64[M]")
    out: NDArray[np.datetime64] = target.astype("datetime64[D]") + day_of_month
    moved = (month_of_year == 1) & (day_of_month == 28) & (out.astype("datetime64[M]") != target)
    if leap_day == "feb28":
        out[moved] -= np.timedelta64(1, "D")
    return out


def iso_week(days: NDArray[Any]) -> NDArray[np.int64]:
    """Index of the calendar week (Monday to Sunday) of each ``datetime64[D]`` day.

    Examples
    --------
    >>> iso_week(np.array(["2024-01-07", "2024-01-08"], dtype="datetime64[D]")).tolist()
    [2818, 2819]
    """
    # Day 0 (1970-01-01) was a Thursday: shifting by 3 makes weeks start on Monday.
    weeks: NDArray[np.int64] = (np.asarray(days, dtype="datetime64[D]").view(np.int64) + 3) // 7
    return weeks


def month_index(days: NDArray[Any]) -> NDArray[np.int64]:
    """Index of the calendar month of each ``datetime64[D]`` day (months since 1970-01).

    Examples
    --------
    >>> month_index(np.array(["1970-01-31", "1970-02-01"], dtype="datetime64[D]")).tolist()
    [0, 1]
    """
    day = np.asarray(days, dtype="datetime64[D]").view(np.int64)
    if not len(day):
        return np.zeros(0, dtype=np.int64)
    # Converting to months is calendar work per value: do it once per distinct day.
    low = int(day.min())
    span = np.arange(low, int(day.max()) + 1, dtype=np.int64).view("datetime64[D]")
    months: NDArray[np.int64] = span.astype("datetime64[M]").view(np.int64)[day - low]
    return months
