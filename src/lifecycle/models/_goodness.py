"""Goodness of fit of a transaction model: tables of what it expected beside what happened.

- :func:`calibration_vs_holdout`: per bucket of calibration repeat purchases (0, 1, ...,
  ``max_frequency``+), the customers, their mean holdout repeat purchases and the mean the
  model fitted on the calibration period expected for them
  (``conditional_expected_purchases`` over each customer's holdout duration).
- :func:`frequency_histogram`: how many customers made 0, 1, ..., ``max_frequency``+
  repeat purchases in their observation, and how many the model expects
  (``probability_of_purchases`` at each customer's ``T``, summed over customers), so the
  expected column sums to the number of customers.
- :func:`cumulative_purchases`: cumulative repeat purchases of the calibration cohort,
  period by period across calibration and holdout, beside the model's expectation for
  customers who each started at their own first purchase (``expected_purchases``), as in
  Figure 2 of Fader, Hardie and Lee (2005).

The ``lifecycle.plot`` functions of the same names draw these tables.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, as_date, segment_bounds
from ..table import Table
from ._data import UNIT_DAYS, rfm_arrays

__all__ = ["calibration_vs_holdout", "cumulative_purchases", "frequency_histogram"]

F = NDArray[np.float64]


def _buckets(max_frequency: object) -> int:
    if not isinstance(max_frequency, int) or isinstance(max_frequency, bool) or max_frequency < 1:
        msg = f"'max_frequency' must be an int >= 1 (got {max_frequency!r})"
        raise ValidationError(msg)
    return max_frequency


def _labels(top: int) -> NDArray[np.str_]:
    return np.array([*(str(k) for k in range(top)), f"{top}+"])


def _column(data: Mapping[str, Any], name: str) -> Any:
    if name not in data:
        msg = f"'data' has no column {name!r} (columns: {', '.join(data)})"
        raise ValidationError(msg)
    return data[name]


def calibration_vs_holdout(
    model: Any, summary: Mapping[str, Any], *, max_frequency: int = 7
) -> Table:
    """Actual and predicted holdout repeat purchases per calibration-frequency bucket.

    Parameters
    ----------
    model : fitted transaction model
        Fitted on the calibration period (any model with ``conditional_expected_purchases``).
    summary : Table or mapping
        :func:`~lifecycle.split_calibration_holdout` output: ``frequency_cal``,
        ``recency_cal``, ``T_cal``, ``frequency_holdout`` and ``duration_holdout`` (in the
        model's unit).
    max_frequency : int
        The last bucket holds the customers with at least this many calibration purchases.

    Returns
    -------
    Table
        ``bucket`` (``"0"``, ``"1"``, ..., ``"7+"``), ``customers``, ``actual`` (mean holdout
        repeat purchases per customer) and ``predicted``; an empty bucket has NaN means.

    Examples
    --------
    >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
    >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 4.4, 0.79, 2.43, unit="W"))
    >>> summary = {"frequency_cal": [0, 1, 3, 0], "recency_cal": [0, 10, 30, 0],
    ...            "T_cal": [39, 39, 35, 20], "frequency_holdout": [0, 1, 2, 1],
    ...            "duration_holdout": [39, 39, 39, 39]}
    >>> table = calibration_vs_holdout(model, summary, max_frequency=2)
    >>> table.bucket.tolist(), table.customers.tolist(), table.actual.tolist()
    (['0', '1', '2+'], [2, 1, 1], [0.5, 1.0, 2.0])
    """
    top = _buckets(max_frequency)
    x, tx, t, _ = rfm_arrays(
        None,
        frequency=_column(summary, "frequency_cal"),
        recency=_column(summary, "recency_cal"),
        T=_column(summary, "T_cal"),
    )
    actual = np.asarray(_column(summary, "frequency_holdout"), dtype=np.float64)
    duration = np.asarray(_column(summary, "duration_holdout"), dtype=np.float64)
    if not (len(actual) == len(duration) == len(x)):
        msg = (
            "'frequency_holdout' and 'duration_holdout' must have one value per customer "
            f"(got {len(actual)} and {len(duration)} for {len(x)} customers)"
        )
        raise ValidationError(msg)
    predicted = model.conditional_expected_purchases(duration, frequency=x, recency=tx, T=t)
    bucket = np.minimum(x, top).astype(np.int64)
    count = np.bincount(bucket, minlength=top + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_actual = np.bincount(bucket, weights=actual, minlength=top + 1) / count
        mean_predicted = np.bincount(bucket, weights=predicted, minlength=top + 1) / count
    return Table(
        {
            "bucket": _labels(top),
            "customers": count.astype(np.int64),
            "actual": mean_actual,
            "predicted": mean_predicted,
        }
    )


def frequency_histogram(model: Any, data: Mapping[str, Any], *, max_frequency: int = 7) -> Table:
    """Customers by repeat purchases (0, 1, ..., ``max_frequency``+): actual and expected.

    Parameters
    ----------
    model : BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel or BetaGeoBetaBinomModel
        A fitted model with ``probability_of_purchases``.
    data : Table or mapping
        The data it was fitted on: ``frequency``, ``recency``, ``T`` (an ``rfm_summary``).
    max_frequency : int
        The last bucket holds the customers with at least this many repeat purchases.

    Returns
    -------
    Table
        ``bucket`` (``"0"``, ..., ``"7+"``), ``actual`` (customers, int64) and ``expected``
        (the sum over customers of the probability of that count at their own ``T``; the
        last bucket is the rest, so the column sums to the number of customers).

    Raises
    ------
    ValidationError
        The model has no ``probability_of_purchases``.

    Examples
    --------
    >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
    >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 4.4, 0.79, 2.43, unit="W"))
    >>> data = {"frequency": [0, 0, 1, 4], "recency": [0, 0, 12, 30], "T": [39, 20, 39, 35]}
    >>> table = frequency_histogram(model, data, max_frequency=2)
    >>> table.actual.tolist(), round(float(table.expected.sum()), 10)
    ([2, 1, 1], 4.0)
    """
    top = _buckets(max_frequency)
    if not callable(getattr(model, "probability_of_purchases", None)):
        msg = (
            f"frequency_histogram needs a model with probability_of_purchases "
            "(BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel, BetaGeoBetaBinomModel); "
            f"got {type(model).__name__}"
        )
        raise ValidationError(msg)
    x, _, t, _ = rfm_arrays(
        None,
        frequency=_column(data, "frequency"),
        recency=_column(data, "recency"),
        T=_column(data, "T"),
    )
    actual = np.bincount(np.minimum(x, top).astype(np.int64), minlength=top + 1)
    # One probability per (count, distinct T), weighted by the customers with that T.
    lengths, customers = np.unique(t, return_counts=True)
    counts = np.repeat(np.arange(top), len(lengths))
    probs = model.probability_of_purchases(counts, np.tile(lengths, top)).reshape(top, -1)
    below = probs @ customers.astype(np.float64)
    expected = np.append(below, len(x) - below.sum())
    return Table({"bucket": _labels(top), "actual": actual.astype(np.int64), "expected": expected})


def cumulative_purchases(
    model: Any,
    log: EventLog,
    *,
    calibration_end: dt.date | str,
    holdout_end: dt.date | str,
) -> Table:
    """Cumulative repeat purchases of the calibration cohort per period: actual and expected.

    The cohort is every customer whose first purchase is on or before ``calibration_end``.
    Periods are the model's time unit (``"W"``: weeks) counted from the cohort's first
    purchase day; the last one ends at ``holdout_end``. A repeat purchase is a purchase day
    after the customer's first (as in ``rfm_summary``). The expectation at a period's end
    is ``sum_i E[X(end - first_i)]`` over the cohort, with ``E[X(t)]`` the model's
    ``expected_purchases`` for a new customer, so it uses nothing from after the first
    purchases: the holdout part is a forecast.

    Parameters
    ----------
    model : BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel
        Fitted on the calibration period, with a time unit.
    log : EventLog
        Only ``purchase`` events count.
    calibration_end, holdout_end : date or ISO string
        End of the calibration period and of the holdout (``holdout_end`` after it).

    Returns
    -------
    Table
        ``period`` (1, 2, ...), ``end`` (the period's last day, ``datetime64[D]``),
        ``holdout`` (whether the period ends after ``calibration_end``), ``actual``
        (cumulative repeat purchases, int64) and ``expected``.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
    >>> log = EventLog.from_records([
    ...     {"customer": "a", "date": "2024-01-01"}, {"customer": "a", "date": "2024-01-10"},
    ...     {"customer": "b", "date": "2024-01-03"}, {"customer": "a", "date": "2024-01-20"}])
    >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 4.4, 0.79, 2.43, unit="W"))
    >>> table = cumulative_purchases(model, log, calibration_end="2024-01-14",
    ...                              holdout_end="2024-01-21")
    >>> table.period.tolist(), table.actual.tolist(), table.holdout.tolist()
    ([1, 2, 3], [0, 1, 2], [False, True, True])
    """
    unit = getattr(model.params_, "unit", None)
    if unit not in UNIT_DAYS:
        msg = (
            "cumulative_purchases needs a model of continuous time with a unit (BetaGeoModel, "
            f"ModifiedBetaGeoModel, ParetoNBDModel); got {type(model).__name__}"
        )
        raise ValidationError(msg)
    length = UNIT_DAYS[str(unit)]
    cal = np.datetime64(as_date(calibration_end, "calibration_end"), "D")
    end = np.datetime64(as_date(holdout_end, "holdout_end"), "D")
    if end <= cal:
        msg = f"'holdout_end' ({end}) must be after 'calibration_end' ({cal})"
        raise ValidationError(msg)
    rows = np.flatnonzero(log.kind_mask("purchase") & (log.date <= end))
    code, day = log.code[rows], log.date[rows].view(np.int64)
    starts, ends = segment_bounds(code)
    if len(starts) == 0 or day[starts].min() > cal.view(np.int64):
        msg = f"no customer made a first purchase on or before 'calibration_end' ({cal})"
        raise ValidationError(msg)
    first = np.repeat(day[starts], ends - starts + 1)
    in_cohort = first <= cal.view(np.int64)
    new_day = np.ones(len(day), dtype=bool)
    new_day[1:] = (code[1:] != code[:-1]) | (day[1:] != day[:-1])
    repeat_days = day[new_day & in_cohort & (day != first)]
    origin = int(day[starts].min())
    last = int(end.view(np.int64))
    count = math.ceil((last - origin) / length)
    # Period k ends after k units of days (rounded down to a whole day), the last at holdout_end.
    ends_at = np.minimum(origin + np.floor(np.arange(1, count + 1) * length), last).astype(np.int64)
    actual = np.searchsorted(np.sort(repeat_days), ends_at, side="right")
    firsts, cohort = np.unique(day[starts][day[starts] <= cal.view(np.int64)], return_counts=True)
    elapsed = np.maximum(ends_at[:, None] - firsts[None, :], 0) / length
    expected = model.expected_purchases(elapsed.ravel()).reshape(elapsed.shape) @ cohort
    return Table(
        {
            "period": np.arange(1, count + 1),
            "end": ends_at.astype("datetime64[D]"),
            "holdout": ends_at > cal.view(np.int64),
            "actual": actual.astype(np.int64),
            "expected": expected.astype(np.float64),
        }
    )
