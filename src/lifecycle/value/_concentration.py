"""How concentrated customer value is: deciles, the Pareto table and the Gini coefficient (private).

Examples
--------
>>> t = pareto_table([50, 20, 10, 10, 5, 5, 0, 0, 0, 0])
>>> t.top_share.tolist()[3], t.customers.tolist()[3], t.value_share.tolist()[3]
(0.2, 2, 0.7)
>>> round(gini([1, 1, 1, 1]), 6)
0.0
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array
from ..errors import ValidationError
from ..table import Table

__all__ = ["TOP_SHARES", "gini", "pareto_table", "value_deciles"]

#: The shares of customers :func:`pareto_table` reports, best first.
TOP_SHARES: tuple[float, ...] = (0.01, 0.05, 0.1, 0.2, 0.5)


def _values(values: ArrayLike) -> NDArray[np.float64]:
    out = as_float_array("values", values, low=0.0)
    if not out.sum() > 0:
        msg = "'values' must have a positive total (got all zeros)"
        raise ValidationError(msg)
    return out


def pareto_table(values: ArrayLike, *, top_shares: tuple[float, ...] = TOP_SHARES) -> Table:
    """Share of the total value held by the top 1%, 5%, 10%, 20% and 50% of customers.

    Parameters
    ----------
    values : array-like of shape (n_customers,)
        Value per customer (spend in minor units, margin, CLV): finite and >= 0, with a
        positive total. Unprofitable customers (negative margin) belong in a list of
        their own, not in a concentration measure.
    top_shares : tuple of float, keyword-only
        Shares of customers, each in (0, 1].

    Returns
    -------
    Table
        ``top_share``; ``customers`` (the top ``ceil(share * n)`` customers by value, at
        least one); ``value_share`` (their part of the total).

    Examples
    --------
    >>> t = pareto_table(list(range(1, 101)), top_shares=(0.1, 0.5))
    >>> t.customers.tolist(), [round(v, 4) for v in t.value_share.tolist()]
    ([10, 50], [0.1891, 0.7475])
    """
    x = _values(values)
    shares = as_float_array("top_shares", list(top_shares), low=0.0, high=1.0)
    if (shares == 0).any():
        msg = f"'top_shares' must each be in (0, 1] (got {top_shares!r})"
        raise ValidationError(msg)
    n = len(x)
    top = np.maximum(np.ceil(np.round(shares * n, 9)).astype(np.int64), 1)
    # Only the largest ceil(max share * n) values matter: select, then sort those alone.
    k = int(top.max())
    best = np.sort(np.partition(x, n - k)[n - k :])[::-1] if k < n else np.sort(x)[::-1]
    cumulative = np.cumsum(best)
    return Table(
        {
            "top_share": shares,
            "customers": top,
            "value_share": cumulative[top - 1] / x.sum(),
        }
    )


def gini(values: ArrayLike) -> float:
    r"""The Gini coefficient of value across customers: 0 all equal, near 1 one holds all.

    Parameters
    ----------
    values : array-like of shape (n_customers,)
        Finite, >= 0, with a positive total.

    Notes
    -----
    With the values sorted ascending, :math:`G = 2 \\sum_i i x_{(i)} / (n \\sum_i x_i) -
    (n + 1) / n`, the mean absolute difference over twice the mean (Gini 1912), computed
    over the n customers given (no small-sample correction).

    Examples
    --------
    >>> gini([0, 0, 0, 10])
    0.75
    >>> round(gini([1, 2, 3, 4]), 6)
    0.25
    """
    x = np.sort(_values(values))
    n = len(x)
    rank = np.arange(1, n + 1, dtype=np.float64)
    return float(2 * np.dot(rank, x) / (n * x.sum()) - (n + 1) / n)


def value_deciles(values: ArrayLike) -> Table:
    """Customers in ten groups by value, highest first: each group's range and its share.

    The values are sorted from highest to lowest and cut into ten groups as equal in size
    as they can be (the first ones one customer larger when ``n`` is not a multiple of
    ten; fewer groups when there are fewer than ten customers). This is the report's value
    deciles table.

    Parameters
    ----------
    values : array-like of shape (n_customers,)
        Value per customer (spend in minor units, margin): finite, with a positive total.
        Negative values (customers who returned more than they bought) are kept: the
        shares are of the net total.

    Returns
    -------
    Table
        ``decile`` (1 is the highest), ``customers``, ``low`` and ``high`` (the group's
        smallest and largest value, in the values' own dtype) and ``value_share`` (the
        group's part of the total).

    Examples
    --------
    >>> t = value_deciles([500, 100, 100, 50, 40, 30, 20, 10, 10, 5, 5, 0])
    >>> t.decile.tolist()[:3], t.customers.tolist()[:3], t.high.tolist()[:3]
    ([1, 2, 3], [2, 2, 1], [500, 100, 40])
    >>> round(float(t.value_share[0]), 3)
    0.69
    """
    x = np.asarray(values)
    if x.ndim != 1 or x.dtype.kind not in "iuf":
        msg = f"'values' must be a 1-D array of numbers (got dtype {x.dtype}, shape {x.shape})"
        raise ValidationError(msg)
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        i = int(np.flatnonzero(~np.isfinite(x))[0])
        msg = f"'values' must be finite (got {x[i]} at index {i})"
        raise ValidationError(msg)
    total = x.sum()
    if not len(x) or not total > 0:
        msg = f"'values' must have a positive total (got {len(x)} values summing to {total})"
        raise ValidationError(msg)
    order = np.sort(x)[::-1]
    groups = np.array_split(order, min(10, len(order)))
    return Table(
        {
            "decile": np.arange(1, len(groups) + 1, dtype=np.int64),
            "customers": np.array([len(g) for g in groups], dtype=np.int64),
            "low": np.array([g.min() for g in groups], dtype=x.dtype),
            "high": np.array([g.max() for g in groups], dtype=x.dtype),
            "value_share": np.array([g.sum() / total for g in groups], dtype=np.float64),
        }
    )
