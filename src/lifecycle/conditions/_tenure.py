"""Calendar tenure as a condition: "a customer for at least 2 years" (private).

``tenure_days`` counts days, but a business says "2 years", and years and months have
no fixed length: a customer since 31 January 2022 is 2 years and 1 month old on
29 February 2024 (the day of the month is clamped to the month's end), a customer since
28 February 2022 is 2 years old on 28 February 2024. :func:`tenure_at_least` compares ``first_purchase + period <= as_of`` with
:mod:`dateutil.relativedelta` arithmetic on a profile and the same arithmetic, vectorised,
on a population.

Examples
--------
>>> from dateutil.relativedelta import relativedelta
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([{"customer": 1, "date": "2022-02-28"}])
>>> two_years = tenure_at_least(relativedelta(years=2))
>>> two_years.evaluate(log.profile(1, "2024-02-27")), two_years.evaluate(log.profile(1, "2024-02-28"))
(False, True)
>>> two_years.evaluate(log.population("2024-02-28")).tolist()
[True]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from dateutil.relativedelta import relativedelta
from numpy.typing import NDArray

from ..errors import ValidationError
from ..signals import Population, Profile
from ._base import CONDITIONS, Condition, Explanation, Read

__all__ = ["TenureAtLeast", "tenure_at_least"]

_CALENDAR_ONLY = ("hours", "minutes", "seconds", "microseconds", "leapdays")
_ABSOLUTE = ("year", "month", "day", "weekday", "hour", "minute", "second", "microsecond")


def _count(_: object, field: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{field.name!r} must be a whole number >= 0 (got {value!r})"
        raise ValidationError(msg)


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def describe_period(years: int, months: int, days: int) -> str:
    """``"2 years 1 month"``; ``"0 days"`` for an empty period.

    Examples
    --------
    >>> describe_period(1, 6, 0), describe_period(0, 0, 0)
    ('1 year 6 months', '0 days')
    """
    parts = [
        _plural(n, unit) for n, unit in ((years, "year"), (months, "month"), (days, "day")) if n
    ]
    return " ".join(parts) or "0 days"


@CONDITIONS.register("tenure_at_least")
@attrs.frozen
class TenureAtLeast(Condition):
    """The customer's first purchase is at least ``years, months, days`` before ``as_of``.

    Holds when ``first_purchase + relativedelta(years=, months=, days=) <= as_of``. As in
    :mod:`dateutil`, years and months move the calendar month and keep the day of the
    month, clamped to the month's last day; the days are added after that. A customer since
    31 January is one month old on 28 February (29 in a leap year); a customer since
    29 February 2024 is one year old on 28 February 2025. A customer without a purchase
    never qualifies.

    The batch engine does the same arithmetic on ``datetime64`` columns: month arithmetic
    on ``datetime64[M]``, the day clamped to the target month's length, then the days. A
    population built by :func:`lifecycle.signals.snapshots` uses its ``as_of`` column.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": "a", "date": "2024-01-31"}])
    >>> month = TenureAtLeast(months=1)
    >>> month.evaluate(log.profile("a", "2024-02-28")), month.evaluate(log.profile("a", "2024-02-29"))
    (False, True)
    >>> print(month.explain(log.profile("a", "2024-03-15")))
    true: tenure >= 1 month (actual 1 month 15 days)
    """

    years: int = attrs.field(default=0, validator=_count)
    months: int = attrs.field(default=0, validator=_count)
    days: int = attrs.field(default=0, validator=_count)
    op: ClassVar[str] = "tenure_at_least"
    _keys: ClassVar[frozenset[str]] = frozenset({"years", "months", "days"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return cls(**{k: data[k] for k in cls._keys if k in data})

    @property
    def period(self) -> relativedelta:
        """The period as a :class:`~dateutil.relativedelta.relativedelta`.

        Examples
        --------
        >>> TenureAtLeast(years=1, days=3).period
        relativedelta(years=+1, days=+3)
        """
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def _single(self, profile: Profile) -> bool:
        first = profile["first_purchase"]
        if first is None:
            return False
        try:
            due: dt.date = first + self.period
        except (OverflowError, ValueError):  # past year 9999: never reached
            return False
        return due <= profile.as_of

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        first = np.asarray(population["first_purchase"], dtype="datetime64[D]")
        if population.as_of is not None:
            as_of: Any = np.datetime64(population.as_of, "D")
        else:
            as_of = np.asarray(population["as_of"], dtype="datetime64[D]")
        missing = np.isnat(first)
        if missing.all():
            return np.zeros(len(first), dtype=bool)
        # Calendar arithmetic once per distinct day in the range, then a lookup per row.
        days = first.view(np.int64)
        low = int(days[~missing].min())
        high = int(days[~missing].max())
        span = np.arange(low, high + 1, dtype=np.int64).view("datetime64[D]")
        due_by_day = self._due(span)
        due = due_by_day[np.where(missing, 0, days - low)]
        held: NDArray[np.bool_] = (due <= as_of) & ~missing
        return held

    def _due(self, first: NDArray[np.datetime64]) -> NDArray[np.datetime64]:
        """``first + period`` for valid days, as ``dateutil`` adds a relativedelta."""
        month = first.astype("datetime64[M]")
        day_of_month = (first - month.astype("datetime64[D]")).astype(np.int64)
        target = month + np.timedelta64(12 * self.years + self.months, "M")
        start = target.astype("datetime64[D]")
        length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - start).astype(
            np.int64
        )
        due: NDArray[np.datetime64] = (
            start + np.minimum(day_of_month, length - 1) + np.timedelta64(self.days, "D")
        )
        return due

    def __str__(self) -> str:
        return f"tenure >= {describe_period(self.years, self.months, self.days)}"

    def explain(self, profile: Profile) -> Explanation:
        tenure = profile.tenure
        actual = (
            None if tenure is None else describe_period(tenure.years, tenure.months, tenure.days)
        )
        return Explanation(str(self), self._single(profile), actual)

    def signals(self) -> frozenset[str]:
        return frozenset({"first_purchase"})

    def _payload(self) -> dict[str, Any]:
        return {"op": self.op, "years": self.years, "months": self.months, "days": self.days}


def tenure_at_least(period: relativedelta) -> Condition:
    """Customers whose first purchase is at least ``period`` before the as-of date.

    Parameters
    ----------
    period : relativedelta
        Years, months, weeks and days (``relativedelta(years=2)``,
        ``relativedelta(months=18)``), none negative. Absolute fields (``year=``,
        ``day=``, ``weekday=``), times of day and ``leapdays`` are refused.

    Returns
    -------
    TenureAtLeast

    Examples
    --------
    >>> tenure_at_least(relativedelta(months=18))
    TenureAtLeast(years=1, months=6, days=0)
    >>> tenure_at_least(relativedelta(weeks=2)).days
    14
    >>> tenure_at_least(relativedelta(day=1))
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'period' must be a relative period of years, months, weeks and days (got relativedelta(day=1))
    """
    if not isinstance(period, relativedelta):
        msg = f"'period' must be a dateutil relativedelta (got {period!r})"
        raise ValidationError(msg)
    if any(getattr(period, f) is not None for f in _ABSOLUTE) or any(
        getattr(period, f) for f in _CALENDAR_ONLY
    ):
        msg = (
            f"'period' must be a relative period of years, months, weeks and days (got {period!r})"
        )
        raise ValidationError(msg)
    parts = {"years": period.years, "months": period.months, "days": period.days}
    if any(v < 0 for v in parts.values()):
        msg = f"'period' must not be negative (got {period!r})"
        raise ValidationError(msg)
    return TenureAtLeast(**parts)
