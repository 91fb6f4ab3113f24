"""Kaplan-Meier survival of customer relationships, with Greenwood bands (private).

Examples
--------
>>> t = survival([2, 3, 3, 5, 8], [True, True, False, True, False])
>>> t.time.tolist(), t.at_risk.tolist(), t.events.tolist()
([2.0, 3.0, 5.0], [5, 4, 2], [1, 1, 1])
>>> [round(s, 4) for s in t.survival.tolist()], t.median
([0.8, 0.6, 0.3], 5.0)
"""

from __future__ import annotations

import datetime as dt
import math
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_bool_array, as_float_array, check_choice, check_same_length
from ..errors import ValidationError
from ..events import as_date
from ..stages import Timeline
from ..table import Table

__all__ = ["SurvivalTable", "relationship_durations", "survival"]

Bands = Literal["log-log", "log", "plain"]


class SurvivalTable(Table):
    """The Kaplan-Meier table, with the median lifetime it implies.

    Attributes
    ----------
    median : float
        The first time at which survival is 0.5 or below; NaN when it never falls that
        low within the data.
    confidence : float
        Level of the ``lower`` and ``upper`` bands.

    Examples
    --------
    >>> km = survival([1, 2, 3, 4], [True, True, False, True])
    >>> isinstance(km, SurvivalTable), km.median, km.confidence
    (True, 2.0, 0.95)
    """

    __slots__ = ("confidence", "median")

    def __init__(self, columns: dict[str, Any], *, median: float, confidence: float) -> None:
        super().__init__(columns)
        self.median = median
        self.confidence = confidence


def survival(
    durations: ArrayLike,
    observed: ArrayLike,
    *,
    confidence: float = 0.95,
    bands: Bands = "log-log",
) -> SurvivalTable:
    """Kaplan-Meier estimate of how long relationships last.

    Parameters
    ----------
    durations : array-like of shape (n,)
        Time from the start of each relationship to its end or to the end of observation
        (finite, >= 0, any unit).
    observed : array-like of bool, shape (n,)
        True where the relationship ended at ``durations`` (an event), False where it was
        still going (censored).
    confidence : float, keyword-only
        Level of the bands, in (0, 1).
    bands : {"log-log", "log", "plain"}, keyword-only
        How the Greenwood variance becomes a band: on ``log(-log S)`` (default; stays in
        [0, 1]), on ``log S``, or on S itself (clipped to [0, 1]).

    Returns
    -------
    SurvivalTable
        One row per distinct event time: ``time``, ``at_risk`` (still in the data just
        before it), ``events``, ``survival`` (S(t), the product of ``1 - events / at_risk``
        up to t), ``std_err`` (Greenwood), ``lower``, ``upper``; and ``median``.

    Notes
    -----
    Greenwood: ``Var S(t) = S(t)^2 sum_{t_i <= t} d_i / (n_i (n_i - d_i))``. Where S is 0
    the log bands are undefined and given as 0. A censored time equal to an event time
    counts as at risk at that event (the usual convention).

    References
    ----------
    E. L. Kaplan and P. Meier (1958), "Nonparametric estimation from incomplete
    observations", JASA 53, 457-481; M. Greenwood (1926), "The natural duration of cancer".

    Examples
    --------
    >>> t = survival([1, 2, 2, 4], [True, True, True, False], bands="plain")
    >>> t.survival.tolist(), [round(x, 4) for x in t.std_err.tolist()]
    ([0.75, 0.25], [0.2165, 0.2165])
    """
    times = as_float_array("durations", durations, low=0.0)
    ended = as_bool_array("observed", observed)
    check_same_length(durations=times, observed=ended)
    if not 0 < confidence < 1:
        msg = f"'confidence' must be in (0, 1) (got {confidence!r})"
        raise ValidationError(msg)
    check_choice("bands", bands, ("log-log", "log", "plain"))
    order = np.argsort(times, kind="stable")
    t_sorted, e_sorted = times[order], ended[order]
    distinct, first = np.unique(t_sorted, return_index=True)
    at_risk_all = len(times) - first
    events_all = np.add.reduceat(e_sorted.astype(np.int64), first) if len(first) else first
    keep = events_all > 0
    time, n, d = distinct[keep], at_risk_all[keep].astype(np.int64), events_all[keep]
    s = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n > d, d / (n * (n - d)), np.inf)
        cum = np.cumsum(terms)
        se = np.where(s > 0, s * np.sqrt(cum), 0.0)
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        if bands == "plain":
            lower, upper = np.clip(s - z * se, 0, 1), np.clip(s + z * se, 0, 1)
        elif bands == "log":
            spread = z * np.sqrt(cum)
            lower = np.where(s > 0, s * np.exp(-spread), 0.0)
            upper = np.where(s > 0, np.minimum(s * np.exp(spread), 1.0), 0.0)
        else:
            spread = z * np.sqrt(cum) / np.abs(np.log(s))
            lower = np.where((s > 0) & (s < 1), s ** np.exp(spread), 0.0)
            upper = np.where((s > 0) & (s < 1), s ** np.exp(-spread), np.where(s >= 1, 1.0, 0.0))
    below = np.flatnonzero(s <= 0.5)
    median = float(time[below[0]]) if len(below) else math.nan
    return SurvivalTable(
        {
            "time": time,
            "at_risk": n,
            "events": d.astype(np.int64),
            "survival": s,
            "std_err": se,
            "lower": lower,
            "upper": upper,
        },
        median=median,
        confidence=confidence,
    )


def relationship_durations(timeline: Timeline, *, as_of: dt.date | str | None = None) -> Table:
    """Days from each customer's entry to their first dissolution, or to ``as_of``.

    The input of :func:`survival` from a replayed history: a relationship ends (an
    event) when the customer first enters the model's dissolution stage; one that has not
    by ``as_of`` (default the timeline's end) is censored there.

    Returns
    -------
    Table
        ``customer``, ``duration`` (int64 days), ``observed`` (bool), for every customer who
        entered by ``as_of``.

    Raises
    ------
    ValidationError
        A model without a dissolution stage.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
    ...     [(1, "2023-01-01"), (2, "2024-01-01"), (2, "2024-02-01")]])
    >>> tl = default_lifecycle().replay(log, end="2024-03-01", every="1M")
    >>> d = relationship_durations(tl)
    >>> d.duration.tolist(), d.observed.tolist()
    ([396, 60], [True, False])
    """
    model = timeline.model
    if model.dissolution is None:
        msg = "relationship durations need a model with a dissolution stage"
        raise ValidationError(msg)
    day = np.datetime64(timeline.end if as_of is None else as_date(as_of, "as_of"), "D")
    codes = np.flatnonzero(~np.isnat(timeline.entered) & (timeline.entered <= day))
    ends = np.full(len(timeline.customers), np.datetime64("NaT"), dtype="datetime64[D]")
    lost = (timeline.target == model.code(model.dissolution)) & (timeline.change_date <= day)
    rows = np.flatnonzero(lost)
    # Changes are sorted by customer and date: the first row per customer is the first loss.
    if len(rows):
        who = timeline.change_code[rows]
        firsts = rows[np.r_[True, who[1:] != who[:-1]]]
        ends[timeline.change_code[firsts]] = timeline.change_date[firsts]
    end = ends[codes]
    observed = ~np.isnat(end)
    stop = np.where(observed, end, day)
    duration = (stop - timeline.entered[codes]).astype(np.int64)
    return Table(
        {"customer": timeline.customers[codes], "duration": duration, "observed": observed}
    )
