"""Simulating customers from a model's parameters (seeded, vectorised).

:func:`simulate` draws ``(frequency, recency, T)`` histories from any transaction model's
parameters, in the shape ``rfm_summary`` gives them; :func:`simulate_spend` draws the mean
spend of repeat purchases from Gamma-Gamma parameters.

- BG/NBD: each customer draws a purchase rate ``lambda ~ Gamma(r, alpha)`` and a dropout
  probability ``p ~ Beta(a, b)``; from the first purchase at time 0 they buy at exponential
  gaps until ``T``, and after each repeat purchase stop for good with probability ``p``.
- MBG/NBD: the same, with one more chance to stop, at time 0 right after the first purchase.
- Pareto/NBD: purchase rate as above, lifetime exponential with rate ``mu ~ Gamma(s, beta)``;
  the repeat purchases in ``(0, min(lifetime, T)]`` are a Poisson count, and the last of them
  is the maximum of that many uniform times.
- BG/BB: ``p ~ Beta(alpha, beta)``, ``theta ~ Beta(gamma, delta)``; the customer dies at the
  start of each opportunity with probability ``theta`` and, while alive, transacts at each
  with probability ``p``. The number of alive opportunities and the last transaction (the
  first success counted backwards from the last alive opportunity) are geometric draws, so
  no loop runs over opportunities.

The BG/NBD and MBG/NBD loops run once per purchase round over every customer still buying,
never once per customer; Pareto/NBD and BG/BB have no loop at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array
from ..errors import ValidationError
from ..table import Table
from ._bgbb import BetaGeoBetaBinomParams
from ._bgnbd import BetaGeoParams
from ._gammagamma import GammaGammaParams
from ._mbgnbd import ModifiedBetaGeoParams
from ._paretonbd import ParetoNBDParams

__all__ = ["simulate", "simulate_spend"]

F = NDArray[np.float64]
KINDS = (BetaGeoParams, ModifiedBetaGeoParams, ParetoNBDParams, BetaGeoBetaBinomParams)


def _count(n: object) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        msg = f"'n' must be an int >= 1 (got {n!r})"
        raise ValidationError(msg)
    return n


def simulate(params: Any, n: int, T: ArrayLike, seed: int) -> Table:
    """``n`` customers drawn from a transaction model, observed for ``T``.

    Parameters
    ----------
    params : BetaGeoParams, ModifiedBetaGeoParams, ParetoNBDParams or BetaGeoBetaBinomParams
        The model to draw from; its type chooses the model.
    n : int
        Number of customers.
    T : number or array-like of shape (n,)
        Observation length of each customer after the first purchase, in the unit of
        ``params``; for BG/BB a whole number of transaction opportunities.
    seed : int
        Seed of NumPy's default generator: the same seed gives the same table.

    Returns
    -------
    Table
        ``customer`` (0..n-1), ``frequency``, ``recency``, ``T``, as ``rfm_summary`` gives
        them (BG/BB: all three whole numbers of opportunities, int64).

    Raises
    ------
    ValidationError
        Parameters of a model without a simulator, ``n < 1``, ``T <= 0`` (or not whole for
        BG/BB).

    Examples
    --------
    >>> table = simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 5, T=39.0, seed=1)
    >>> table.columns, len(table)
    (('customer', 'frequency', 'recency', 'T'), 5)
    >>> bool((table.recency <= table.T).all())
    True
    >>> bb = simulate(BetaGeoBetaBinomParams(1.2, 0.75, 0.66, 2.78), 1000, T=6, seed=1)
    >>> bool((bb.frequency <= bb.recency).all()), int(bb.T.max())
    (True, 6)
    """
    if not isinstance(params, KINDS):
        allowed = ", ".join(k.__name__ for k in KINDS)
        msg = f"'params' must be one of {allowed} (got {type(params).__name__})"
        raise ValidationError(msg)
    count = _count(n)
    t = np.broadcast_to(as_float_array("T", T, ndim=None, low=0.0), (count,)).astype(np.float64)
    if (t <= 0).any():
        msg = "'T' must be > 0"
        raise ValidationError(msg)
    rng = np.random.default_rng(seed)
    if isinstance(params, BetaGeoBetaBinomParams):
        if (t != np.floor(t)).any():
            msg = "'T' must be a whole number of opportunities for BG/BB"
            raise ValidationError(msg)
        x, tx = _bgbb(params, t, rng)
        return Table(
            {"customer": np.arange(count), "frequency": x, "recency": tx, "T": t.astype(np.int64)}
        )
    if isinstance(params, ParetoNBDParams):
        frequency, last = _pareto(params, t, rng)
    else:
        frequency, last = _beta_geometric(params, t, rng)
    return Table(
        {"customer": np.arange(count), "frequency": frequency, "recency": last, "T": t.copy()}
    )


def _beta_geometric(
    params: BetaGeoParams | ModifiedBetaGeoParams, t: F, rng: np.random.Generator
) -> tuple[NDArray[np.int64], F]:
    n = len(t)
    lam = rng.gamma(params.r, 1 / params.alpha, n)
    p = rng.beta(params.a, params.b, n)
    frequency = np.zeros(n, dtype=np.int64)
    last = np.zeros(n)
    now = np.zeros(n)
    buying = np.flatnonzero(lam > 0)
    if isinstance(params, ModifiedBetaGeoParams):
        buying = buying[rng.random(len(buying)) >= p[buying]]
    while len(buying):
        now[buying] += rng.exponential(1 / lam[buying])
        inside = buying[now[buying] <= t[buying]]
        frequency[inside] += 1
        last[inside] = now[inside]
        buying = inside[rng.random(len(inside)) >= p[inside]]
    return frequency, last


def _pareto(params: ParetoNBDParams, t: F, rng: np.random.Generator) -> tuple[NDArray[np.int64], F]:
    n = len(t)
    lam = rng.gamma(params.r, 1 / params.alpha, n)
    mu = rng.gamma(params.s, 1 / params.beta, n)
    with np.errstate(divide="ignore"):
        lifetime = rng.exponential(1.0, n) / mu
    end = np.minimum(lifetime, t)
    frequency = rng.poisson(lam * end).astype(np.int64)
    # The largest of x uniform times on (0, end) is end * U^(1/x).
    some = frequency > 0
    last = np.zeros(n)
    last[some] = end[some] * rng.random(int(some.sum())) ** (1 / frequency[some])
    return frequency, last


def _geometric_failures(prob: F, rng: np.random.Generator) -> F:
    """Failures before the first success at each trial's ``prob`` (inf when ``prob`` is 0)."""
    with np.errstate(divide="ignore"):
        out: F = np.floor(np.log(rng.random(len(prob))) / np.log1p(-prob))
    return out


def _bgbb(
    params: BetaGeoBetaBinomParams, t: F, rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    n = len(t)
    p = rng.beta(params.alpha, params.beta, n)
    theta = rng.beta(params.gamma, params.delta, n)
    # Alive for the opportunities before the first death, at most T of them.
    alive = np.minimum(_geometric_failures(theta, rng), t)
    # Counted back from the last alive opportunity, the first transaction is the last one.
    gap = _geometric_failures(p, rng)
    bought = gap < alive
    recency = np.where(bought, alive - gap, 0.0).astype(np.int64)
    earlier = np.where(bought, recency - 1, 0)
    frequency = np.where(bought, 1 + rng.binomial(earlier, p), 0).astype(np.int64)
    return frequency, recency


def simulate_spend(params: GammaGammaParams, frequency: ArrayLike, seed: int) -> Table:
    """Mean spend per repeat purchase drawn from Gamma-Gamma for customers with ``frequency``.

    Each customer draws ``nu ~ Gamma(q, rate gamma)``; each of their ``x`` repeat purchases
    is worth ``Gamma(p, rate nu)``, so their mean is ``Gamma(p x, rate nu) / x``. Customers
    without a repeat purchase get 0, as in ``rfm_summary``. Values are in major units.

    Returns
    -------
    Table
        ``customer`` (0..n-1), ``frequency`` (int64), ``monetary_value``.

    Examples
    --------
    >>> spend = simulate_spend(GammaGammaParams(6.25, 3.74, 15.44), [0, 1, 5], seed=1)
    >>> spend.columns, float(spend.monetary_value[0])
    (('customer', 'frequency', 'monetary_value'), 0.0)
    """
    if not isinstance(params, GammaGammaParams):
        msg = f"'params' must be GammaGammaParams (got {type(params).__name__})"
        raise ValidationError(msg)
    x = as_float_array("frequency", frequency, low=0.0)
    if (x != np.floor(x)).any():
        i = int(np.argmax(x != np.floor(x)))
        msg = f"'frequency' must be whole numbers (got {x[i]} at index {i})"
        raise ValidationError(msg)
    rng = np.random.default_rng(seed)
    nu = rng.gamma(params.q, 1 / params.gamma, len(x))
    some = x > 0
    spend = np.zeros(len(x))
    spend[some] = rng.gamma(params.p * x[some], 1 / nu[some]) / x[some]
    return Table(
        {"customer": np.arange(len(x)), "frequency": x.astype(np.int64), "monetary_value": spend}
    )
