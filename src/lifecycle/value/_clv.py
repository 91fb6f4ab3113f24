"""Customer lifetime value from a margin and a retention rate, and retention economics (private).

The margin multiple of Gupta and Lehmann (2003): a customer who brings margin ``m`` at
the end of each period they are still a customer, stays from one period to the next with
probability ``r``, and is discounted at ``d`` per period, is worth
``m r / (1 + d - r)``. The assumptions are the formula's: constant margin, constant
retention, no return after leaving, an infinite horizon unless one is given.

Examples
--------
>>> round(clv_margin_multiple(100, 0.8, 0.12), 2)
250.0
>>> round(clv_margin_multiple(100, 0.8, 0.12, horizon=5), 2)
203.52
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Literal

import numpy as np

from .._validation import check_choice
from ..errors import ValidationError
from ..table import Table

__all__ = ["clv_margin_multiple", "retention_economics"]

Timing = Literal["end", "start", "middle"]
_TIMINGS = ("end", "start", "middle")


def _number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    open_low: bool = False,
    high: float | None = None,
    open_high: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(
        value, (int, float, Decimal, np.integer, np.floating)
    ):
        msg = f"{name!r} must be a number (got {value!r})"
        raise ValidationError(msg)
    x = float(value)
    if not math.isfinite(x):
        msg = f"{name!r} must be finite (got {value!r})"
        raise ValidationError(msg)
    bad_low = low is not None and (x <= low if open_low else x < low)
    bad_high = high is not None and (x >= high if open_high else x > high)
    if bad_low or bad_high:
        left = "" if low is None else f"{'(' if open_low else '['}{low}"
        right = "" if high is None else f"{high}{')' if open_high else ']'}"
        where = f"in {left or '(-inf'}, {right or 'inf)'}"
        msg = f"{name!r} must be {where} (got {value!r})"
        raise ValidationError(msg)
    return x


def clv_margin_multiple(
    margin: float | Decimal,
    retention: float,
    discount: float,
    *,
    horizon: int | None = None,
    timing: Timing = "end",
) -> float:
    """Lifetime value of a customer as a multiple of the margin per period.

    Parameters
    ----------
    margin : number
        Margin per period of an active customer (any unit; the result is in it).
    retention : float
        Probability of staying from one period to the next, in (0, 1).
    discount : float
        Discount rate per period, > -1 (0.1 for 10%).
    horizon : int, optional
        Count only the first ``horizon`` periods; default all.
    timing : {"end", "start", "middle"}
        When each period's margin arrives. ``"end"`` (Gupta and Lehmann 2003): the first
        margin comes after one period, if the customer stayed. ``"start"``: at the start of
        each period, the first for certain (the end value times ``(1 + d) / r``).
        ``"middle"``: half a period earlier than ``"end"`` (times ``sqrt(1 + d)``).

    Returns
    -------
    float
        ``m r / (1 + d - r)``, or over a horizon of T periods
        ``m sum_{t=1..T} (r / (1 + d))^t``, adjusted for the timing.

    Raises
    ------
    ValidationError
        Retention outside (0, 1), discount <= -1, a horizon < 1, or ``r >= 1 + d``
        without a horizon (the sum does not converge).

    References
    ----------
    S. Gupta and D. R. Lehmann (2003), "Customers as assets", Journal of Interactive
    Marketing 17(1), 9-24, equation (2) and Table 2 (the margin multiples).

    Examples
    --------
    >>> round(clv_margin_multiple(1, 0.9, 0.1), 4)
    4.5
    >>> round(clv_margin_multiple(1, 0.9, 0.1, timing="start"), 4)
    5.5
    >>> round(clv_margin_multiple(1, 0.9, 0.1, horizon=1), 4)
    0.8182
    """
    m = _number("margin", margin)
    r = _number("retention", retention, low=0.0, open_low=True, high=1.0, open_high=True)
    d = _number("discount", discount, low=-1.0, open_low=True)
    check_choice("timing", timing, _TIMINGS)
    ratio = r / (1 + d)
    if horizon is None:
        if ratio >= 1:
            msg = (
                f"the lifetime value diverges when retention >= 1 + discount "
                f"(got retention {r}, discount {d}); give a horizon"
            )
            raise ValidationError(msg)
        value = m * r / (1 + d - r)
    else:
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
            msg = f"'horizon' must be an int >= 1 (got {horizon!r})"
            raise ValidationError(msg)
        steps = np.arange(1, int(horizon) + 1, dtype=np.float64)
        value = m * float(np.sum(ratio**steps))
    if timing == "start":
        return value * (1 + d) / r
    if timing == "middle":
        return value * math.sqrt(1 + d)
    return value


def retention_economics(
    retention: float,
    margin: float | Decimal,
    acquisition_cost: float | Decimal,
    retention_cost: float | Decimal,
    discount: float,
    *,
    changes: tuple[float, ...] = (0.0, 0.01, 0.02, 0.05, 0.1),
    horizon: int | None = None,
) -> Table:
    """What a change in the retention rate does to lifetime, value and profit per customer.

    A customer is acquired for ``acquisition_cost``, then each period brings ``margin``
    and costs ``retention_cost`` to keep (the net margin arrives at the start of each
    period they are a customer, the first for certain) and stays with probability
    ``retention``. For the base rate and for each rate ``retention + change``:

    * ``expected_lifetime = 1 / (1 - r)`` periods (with a horizon, the expected number of
      its periods the customer is active),
    * ``clv``: the discounted net margins, ``clv_margin_multiple(margin - retention_cost,
      r, d, timing="start")``,
    * ``profit``: ``clv - acquisition_cost``, the value of acquiring one customer,
    * ``profit_change``: profit relative to the base rate's (0.25 is 25% more),
    * ``cost_ratio``: ``acquisition_cost / retention_cost``, how many periods of retention
      spending one acquisition buys (the sources say winning a customer costs 5 to 13
      times more than keeping one).

    Parameters
    ----------
    retention : float
        Base retention rate per period, in (0, 1).
    margin, acquisition_cost, retention_cost : number
        Per period margin (> 0), cost of acquiring one customer and of keeping one for a
        period (both >= 0).
    discount : float
        Per period, > -1.
    changes : tuple of float, keyword-only
        Changes of the retention rate to compare (each rate must stay in (0, 1)).
    horizon : int, optional
        Count only that many periods.

    Returns
    -------
    Table
        ``retention``, ``change``, ``expected_lifetime``, ``clv``, ``profit``,
        ``profit_change``, ``cost_ratio`` (NaN without a retention cost); one row per
        change, in order.

    Notes
    -----
    Reichheld and Sasser (1990, "Zero defections: quality comes to services", Harvard
    Business Review 68(5)) report that 5 points more retention raise profit by 25% to
    95%: with these assumptions the effect grows with the base retention rate and with
    the share of the margin the acquisition cost eats.

    Examples
    --------
    >>> t = retention_economics(0.8, 100, 300, 10, 0.1, changes=(0.0, 0.05))
    >>> [round(x, 1) for x in t.clv.tolist()], [round(x, 3) for x in t.profit_change.tolist()]
    ([330.0, 396.0], [0.0, 2.2])
    >>> [round(x, 2) for x in t.expected_lifetime.tolist()], t.cost_ratio.tolist()
    ([5.0, 6.67], [30.0, 30.0])
    """
    r = _number("retention", retention, low=0.0, open_low=True, high=1.0, open_high=True)
    m = _number("margin", margin, low=0.0, open_low=True)
    acquire = _number("acquisition_cost", acquisition_cost, low=0.0)
    keep = _number("retention_cost", retention_cost, low=0.0)
    d = _number("discount", discount, low=-1.0, open_low=True)
    if not changes:
        msg = "'changes' must hold at least one change of the retention rate"
        raise ValidationError(msg)
    rates = [r + _number("changes", c) for c in changes]
    for c, rate in zip(changes, rates, strict=True):
        if not 0 < rate < 1:
            msg = f"retention {r} + change {c} = {rate} is outside (0, 1)"
            raise ValidationError(msg)
    net = m - keep
    clv = np.array([clv_margin_multiple(net, x, d, horizon=horizon, timing="start") for x in rates])
    if horizon is None:
        lifetime = np.array([1 / (1 - x) for x in rates])
    else:
        lifetime = np.array([(1 - x**horizon) / (1 - x) for x in rates])
    profit = clv - acquire
    change = np.full(len(rates), np.nan)
    if profit[0] != 0:
        change = profit / profit[0] - 1
    ratio = acquire / keep if keep > 0 else math.nan
    return Table(
        {
            "retention": np.array(rates),
            "change": np.array([float(c) for c in changes]),
            "expected_lifetime": lifetime,
            "clv": clv,
            "profit": profit,
            "profit_change": change,
            "cost_ratio": np.full(len(rates), ratio),
        }
    )
