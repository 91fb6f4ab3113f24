"""Feedback on a retention campaign: retention and revenue lift of treated over control (private).

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": c, "date": "2024-02-10", "amount": "50", "currency": "EUR"}
...     for c in (1, 2, 3, 5)] + [{"customer": c, "date": "2023-12-01", "amount": "1",
...     "currency": "EUR"} for c in range(1, 9)])
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     t = evaluate_campaign([1, 2, 3, 4], [5, 6, 7, 8], log, ("2024-01-01", "2024-03-31"))
>>> t.metric.tolist(), t.treated.tolist(), t.control.tolist(), t.lift.tolist()
(['retention', 'revenue_per_customer'], [0.75, 3750.0], [0.25, 1250.0], [0.5, 2500.0])
"""

from __future__ import annotations

import datetime as dt
import warnings
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ValidationError
from ..events import EventLog, as_date
from ..table import Table

__all__ = ["SmallGroupWarning", "evaluate_campaign"]


class SmallGroupWarning(UserWarning):
    """The groups of a campaign are too small for its lift to be told from chance.

    A ``UserWarning`` from :func:`evaluate_campaign`: the lift is still computed, but its
    interval rests on a normal approximation that needs more customers.

    Examples
    --------
    >>> import warnings
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": c, "date": "2024-02-10", "amount": "5"}
    ...                              for c in (1, 2, 3)], currency="EUR")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = evaluate_campaign([1, 2], [3], log, ("2024-01-01", "2024-03-31"))
    >>> caught[0].category is SmallGroupWarning, issubclass(SmallGroupWarning, UserWarning)
    (True, True)
    """


def _ids(name: str, values: ArrayLike) -> NDArray[Any]:
    ids = np.asarray(values)
    if ids.ndim != 1 or len(ids) == 0:
        msg = f"{name!r} must be a non-empty 1-D array of customer ids (got shape {ids.shape})"
        raise ValidationError(msg)
    unique, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        first = unique[np.flatnonzero(counts > 1)[0]].item()
        msg = f"{name!r} lists customer {first!r} more than once"
        raise ValidationError(msg)
    return unique


def evaluate_campaign(
    treated: ArrayLike,
    control: ArrayLike,
    log: EventLog,
    window: tuple[dt.date | str, dt.date | str],
    *,
    confidence: float = 0.95,
    min_group: int = 30,
) -> Table:
    """Retention and revenue lift of a campaign's treated customers over a control group.

    In the ``window`` (first and last day, both included) a customer is retained when
    they make at least one purchase; revenue is what they spend there, in minor units
    of the log's currency. Customers absent from the log count as neither retained nor
    spending.

    Parameters
    ----------
    treated, control : array-like of customer ids
        Disjoint groups, each id once.
    log : EventLog
    window : (date, date)
        The period after the campaign over which to measure.
    confidence : float, keyword-only
        Level of the intervals, in (0, 1).
    min_group : int, keyword-only
        Warn (:class:`SmallGroupWarning`) when a group has fewer customers, or fewer than
        5 retained or 5 not retained customers (the normal approximation then fails).

    Returns
    -------
    Table
        Rows ``retention`` and ``revenue_per_customer``; columns ``metric``, ``treated``,
        ``control``, ``lift`` (treated minus control), ``relative_lift`` (over control;
        NaN when control is 0), ``lower`` and ``upper`` (the interval of the lift: Wald
        for the difference of proportions, Welch's normal interval for the difference
        of means), ``n_treated``, ``n_control``.

    Raises
    ------
    ValidationError
        Overlapping groups, an id twice in a group, an empty group, a window that ends
        before it starts, or revenue asked of a log without amounts.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> evaluate_campaign([1, 2], [2, 3], log, ("2024-01-01", "2024-01-31"))
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: treated and control groups overlap: 1 customer in both, first 2
    """
    treated_ids, control_ids = _ids("treated", treated), _ids("control", control)
    both = np.intersect1d(treated_ids, control_ids)
    if len(both):
        plural = "s" if len(both) > 1 else ""
        msg = (
            f"treated and control groups overlap: {len(both)} customer{plural} in both, "
            f"first {both[0].item()!r}"
        )
        raise ValidationError(msg)
    if not isinstance(window, tuple) or len(window) != 2:
        msg = f"'window' must be a (first day, last day) pair (got {window!r})"
        raise ValidationError(msg)
    start, end = as_date(window[0], "window"), as_date(window[1], "window")
    if end < start:
        msg = f"'window' ends ({end}) before it starts ({start})"
        raise ValidationError(msg)
    if not 0 < confidence < 1:
        msg = f"'confidence' must be in (0, 1) (got {confidence!r})"
        raise ValidationError(msg)
    if log.currency is None:
        msg = "evaluate_campaign needs amounts for revenue, but the log has none"
        raise ValidationError(msg)
    inside = log.kind_mask("purchase")
    inside &= (log.date >= np.datetime64(start, "D")) & (log.date <= np.datetime64(end, "D"))
    n = len(log.customers)
    bought = np.bincount(log.code[inside], minlength=n) > 0
    spend = np.zeros(n, dtype=np.int64)
    np.add.at(spend, log.code[inside], log.amount_minor[inside])

    def gather(ids: NDArray[Any]) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        retained = np.zeros(len(ids), dtype=bool)
        revenue = np.zeros(len(ids))
        if n == 0:
            return retained, revenue
        pos = np.clip(np.searchsorted(log.customers, ids), 0, n - 1)
        known = log.customers[pos] == ids
        retained[known] = bought[pos[known]]
        revenue[known] = spend[pos[known]]
        return retained, revenue

    t_kept, t_rev = gather(treated_ids)
    c_kept, c_rev = gather(control_ids)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    nt, nc = len(treated_ids), len(control_ids)
    small = (
        min(nt, nc) < min_group
        or min(int(t_kept.sum()), int((~t_kept).sum()), int(c_kept.sum()), int((~c_kept).sum())) < 5
    )
    if small:
        warnings.warn(
            f"groups too small to tell a lift from chance: {nt} treated and {nc} control "
            f"customers ({int(t_kept.sum())} and {int(c_kept.sum())} retained); want at "
            f"least {min_group} each and 5 retained and 5 not retained in each",
            SmallGroupWarning,
            stacklevel=2,
        )
    pt, pc = float(t_kept.mean()), float(c_kept.mean())
    se_p = float(np.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc))
    mt, mc = float(t_rev.mean()), float(c_rev.mean())
    var_t = float(t_rev.var(ddof=1)) if nt > 1 else 0.0
    var_c = float(c_rev.var(ddof=1)) if nc > 1 else 0.0
    se_m = float(np.sqrt(var_t / nt + var_c / nc))
    lift = np.array([pt - pc, mt - mc])
    se = np.array([se_p, se_m])
    control_values = np.array([pc, mc])
    relative = np.full(2, np.nan)
    np.divide(lift, control_values, out=relative, where=control_values != 0)
    return Table(
        {
            "metric": np.array(["retention", "revenue_per_customer"], dtype=object),
            "treated": np.array([pt, mt]),
            "control": control_values,
            "lift": lift,
            "relative_lift": relative,
            "lower": lift - z * se,
            "upper": lift + z * se,
            "n_treated": np.full(2, nt, dtype=np.int64),
            "n_control": np.full(2, nc, dtype=np.int64),
        }
    )
