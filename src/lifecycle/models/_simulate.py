"""Simulating customers from a transaction model's parameters (seeded, vectorised).

For BG/NBD: each customer draws a purchase rate ``lambda ~ Gamma(r, alpha)`` and a dropout
probability ``p ~ Beta(a, b)``; from the first purchase at time 0 they buy at exponential
gaps until ``T``, and after each repeat purchase stop for good with probability ``p``.
The loop runs once per purchase round over every customer still buying, never once per
customer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_float_array
from ..errors import ValidationError
from ..table import Table
from ._bgnbd import BetaGeoParams

__all__ = ["simulate"]


def simulate(params: BetaGeoParams, n: int, T: ArrayLike, seed: int) -> Table:
    """``n`` customers drawn from BG/NBD, observed for ``T`` (a number or one per customer).

    Returns
    -------
    Table
        ``customer`` (0..n-1), ``frequency``, ``recency``, ``T``, in the unit of ``params``.

    Examples
    --------
    >>> table = simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 5, T=39.0, seed=1)
    >>> table.columns, len(table)
    (('customer', 'frequency', 'recency', 'T'), 5)
    >>> bool((table.recency <= table.T).all())
    True
    """
    if not isinstance(params, BetaGeoParams):
        msg = f"'params' must be BetaGeoParams (got {type(params).__name__})"
        raise ValidationError(msg)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        msg = f"'n' must be an int >= 1 (got {n!r})"
        raise ValidationError(msg)
    t = np.broadcast_to(as_float_array("T", T, ndim=None, low=0.0), (n,)).astype(np.float64)
    if (t <= 0).any():
        msg = "'T' must be > 0"
        raise ValidationError(msg)
    rng = np.random.default_rng(seed)
    lam = rng.gamma(params.r, 1 / params.alpha, n)
    p = rng.beta(params.a, params.b, n)
    frequency = np.zeros(n, dtype=np.int64)
    last = np.zeros(n)
    now = np.zeros(n)
    buying = np.flatnonzero(lam > 0)
    while len(buying):
        now[buying] += rng.exponential(1 / lam[buying])
        inside = buying[now[buying] <= t[buying]]
        frequency[inside] += 1
        last[inside] = now[inside]
        buying = inside[rng.random(len(inside)) >= p[inside]]
    return Table({"customer": np.arange(n), "frequency": frequency, "recency": last, "T": t.copy()})
