"""The BG/NBD model (Fader, Hardie and Lee 2005) as pure functions, and its estimator.

While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; after each purchase
they die with probability ``p ~ Beta(a, b)``. For a customer with ``x`` repeat purchases, the
last at ``t_x``, observed for ``T`` (equation 6 of the paper)::

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
      + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))

Both terms are summed in log space (``logaddexp``), so the likelihood neither overflows nor
underflows for thousands of purchases or ten years of days. Times are in the unit stored on
:class:`BetaGeoParams`.

References
----------
P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "'Counting your customers' the easy way:
an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284.
"""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._base import (
    ExactTerms,
    Objective,
    TransactionModel,
    dot,
    dropout_growth,
    positive,
    special,
    unit_field,
)
from ._covariates import CovariateModel
from ._data import Compressed, _codes, counts_and_times, distinct_rows, horizon, rfm_arrays
from ._signals import TransactionSignals

__all__ = [
    "BetaGeoModel",
    "BetaGeoParams",
    "conditional_expected_purchases",
    "expected_purchases",
    "loglik",
    "probability_alive",
    "probability_of_purchases",
]

F = NDArray[np.float64]


@attrs.frozen
class BetaGeoParams:
    """BG/NBD parameters: purchase rate ``Gamma(r, alpha)``, dropout ``Beta(a, b)``.

    ``alpha`` is in the time unit ``unit`` (it scales the purchase rate).

    Examples
    --------
    >>> BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")
    BetaGeoParams(r=0.2426, alpha=4.4135, a=0.7929, b=2.4258, unit='W')
    """

    r: float = attrs.field(validator=positive)
    alpha: float = attrs.field(validator=positive)
    a: float = attrs.field(validator=positive)
    b: float = attrs.field(validator=positive)
    unit: str = unit_field()


def _unpack(p: BetaGeoParams) -> tuple[float, float, float, float]:
    return p.r, p.alpha, p.a, p.b


def loglik(params: BetaGeoParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> F:
    """Each customer's log-likelihood under BG/NBD (equation 6, in log space).

    Examples
    --------
    >>> p = BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")
    >>> round(float(loglik(p, [2], [30.43], [38.86])[0]), 4)
    -9.4597
    """
    x, tx, t, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    value, _ = _loglik_grad(_unpack(params), x, tx, t, np.ones(len(x)), gradient=False)
    return value


def _loglik_grad(
    theta: tuple[float, float, float, float],
    x: F,
    tx: F,
    t: F,
    weight: F,
    *,
    gradient: bool = True,
    distinct: tuple[F, NDArray[np.intp]] | None = None,
    dropout_at_zero: bool = False,
    times: tuple[F, NDArray[np.intp], F, NDArray[np.intp]] | None = None,
) -> tuple[F, F]:
    """Per-row log-likelihood and the weighted gradient in (r, alpha, a, b).

    With ``dropout_at_zero`` the second term is kept at ``x = 0`` too (the MBG/NBD
    likelihood, up to a constant factor, when called with ``b + 1`` for ``b``).
    ``distinct`` and ``times`` are the distinct values of x, and of T and t_x, with each
    row's index among them (from ``_distinct``), when the caller has them already.
    """
    sp = special()
    r, alpha, a, b = theta
    # Everything that depends on x alone is computed once per distinct x.
    ux, ix = distinct or _distinct(x)
    repeat = np.ones(len(ux), dtype=bool) if dropout_at_zero else ux > 0
    bx1 = b + np.where(repeat, ux - 1, 0.0)
    head_x = sp.gammaln(r + ux) - sp.gammaln(r) + r * np.log(alpha) - sp.betaln(a, b)
    t1_x = sp.betaln(a, b + ux)
    t2_x = np.where(repeat, sp.betaln(a + 1, bx1), -np.inf)
    rx = (r + ux)[ix]
    if times is None:
        log_t, log_tx = np.log(alpha + t), np.log(alpha + tx)
    else:
        # Few distinct times (whole days, say) among many rows: a gather beats a log.
        ut, it, utx, itx = times
        log_t, log_tx = np.log(alpha + ut)[it], np.log(alpha + utx)[itx]
    t1 = t1_x[ix] - rx * log_t
    t2 = t2_x[ix] - rx * log_tx
    # log(e^t1 + e^t2) without overflow; t2 is -inf where there is no second term.
    value = head_x[ix] + np.logaddexp(t1, t2)
    if not gradient:
        return value, np.zeros(4)
    # The second term's share, e^t2 / (e^t1 + e^t2).
    w2 = sp.expit(t2 - t1)
    dg = sp.digamma
    # Terms that depend on x only are summed per distinct x (weights pooled by x).
    wx = np.bincount(ix, weights=weight, minlength=len(ux))
    ww2 = weight * w2
    w2x = np.bincount(ix, weights=ww2, minlength=len(ux))
    w1x = wx - w2x
    abx = dg(a + b + ux)
    ww1 = weight - ww2
    d_r = wx @ (dg(r + ux) - dg(r)) + wx.sum() * np.log(alpha) - dot(ww1, log_t) - dot(ww2, log_tx)
    if times is None:
        inv_t, inv_tx = 1 / (alpha + t), 1 / (alpha + tx)
    else:
        inv_t, inv_tx = (1 / (alpha + ut))[it], (1 / (alpha + utx))[itx]
    d_alpha = wx.sum() * r / alpha - dot(ww1 * rx, inv_t) - dot(ww2 * rx, inv_tx)
    d_a = (
        -wx.sum() * (dg(a) - dg(a + b))
        + w1x @ (dg(a) - abx)
        + w2x @ np.where(repeat, dg(a + 1) - abx, 0.0)
    )
    d_b = (
        -wx.sum() * (dg(b) - dg(a + b))
        + w1x @ (dg(b + ux) - abx)
        + w2x @ np.where(repeat, dg(bx1) - abx, 0.0)
    )
    grad = np.array([d_r, d_alpha, d_a, d_b])
    return value, grad


def _distinct(x: F) -> tuple[F, NDArray[np.int64]]:
    """The distinct values of ``x`` and each row's index among them (whole days: no sort)."""
    return _codes(x)


class _FitTerms(ExactTerms):
    """The BG/NBD log-likelihood of a compressed data set, its gradient and its Hessian.

    What does not depend on the parameters (the distinct values of x, T and t_x, each
    row's index among them, the weights pooled by x) is computed once per fit. The Hessian
    is in closed form: with ``w2`` the second term's share of the likelihood and ``D`` the
    gradient of ``t2 - t1``, the second derivative of ``log(e^t1 + e^t2)`` is
    ``w1 t1'' + w2 t2'' + w1 w2 D D^T``, where ``D`` in ``(a, b)`` is ``(1/a, -1/(b+x-1))``,
    a function of x alone. Every call keeps its Hessian for the point it was asked at, so
    the optimiser's Hessian after a line search costs nothing more.
    """

    def __init__(self, data: Compressed) -> None:
        super().__init__()
        self.data = data
        self.ux, self.ix = _distinct(data.x)
        self.ut, self.it = _distinct(data.T)
        self.utx, self.itx = _distinct(data.tx)
        self.wx = np.bincount(self.ix, weights=data.weight, minlength=len(self.ux))
        self.total = float(self.wx.sum())
        self.repeat = self.ux > 0
        n = len(data.x)
        cut = n // 2 if n >= 2 * HALF_ROWS else n
        self.halves = [slice(0, cut)] + ([slice(cut, n)] if cut < n else [])

    def _terms(self, theta: F) -> tuple[float, F, F]:
        sp = special()
        dg = sp.digamma

        def tg(v: Any) -> Any:  # the trigamma function
            return sp.polygamma(1, v)

        p = np.exp(theta)
        r, alpha, a, b = (float(v) for v in p)
        ux, wx, total, repeat = self.ux, self.wx, self.total, self.repeat
        bx1 = b + np.where(repeat, ux - 1, 0.0)
        head_x = sp.gammaln(r + ux) - sp.gammaln(r) + r * np.log(alpha) - sp.betaln(a, b)
        t1_x = sp.betaln(a, b + ux)
        t2_x = np.where(repeat, sp.betaln(a + 1, bx1), -np.inf)
        # The per-row sums, in two halves on two threads for a large data set (NumPy
        # releases the GIL in its loops); each half returns the same sums, added here.
        if len(self.halves) > 1:
            later = _pool().submit(_row_sums, self, self.halves[1], r, alpha, t1_x, t2_x)
        sums, by_x = _row_sums(self, self.halves[0], r, alpha, t1_x, t2_x)
        if len(self.halves) > 1:
            more, more_by_x = later.result()
            sums, by_x = sums + more, by_x + more_by_x
        (s_value, s_log1, s_log2, s_a1, s_a2, s_vdr2, s_inv1, s_inv2, s_vdrda, s_a1i2,
         s_a2i2, s_vda2) = sums  # fmt: skip
        w2x, v_x, vr_x, va_x = by_x
        value = wx @ head_x + s_value
        w1x = wx - w2x
        abx = dg(a + b + ux)
        grad = np.array(
            [
                wx @ (dg(r + ux) - dg(r)) + total * np.log(alpha) - s_log1 - s_log2,
                total * r / alpha - s_a1 - s_a2,
                -total * (dg(a) - dg(a + b))
                + w1x @ (dg(a) - abx)
                + w2x @ np.where(repeat, dg(a + 1) - abx, 0.0),
                -total * (dg(b) - dg(a + b))
                + w1x @ (dg(b + ux) - abx)
                + w2x @ np.where(repeat, dg(bx1) - abx, 0.0),
            ]
        )
        # The mixing term w1 w2 D D^T; D in (r, alpha) varies by row, in (a, b) by x only.
        d_ab = np.array([np.full(len(ux), 1 / a), np.where(repeat, -1 / bx1, 0.0)])
        tab = tg(a + b + ux)
        hess = np.empty((4, 4))
        hess[0, 0] = wx @ (tg(r + ux) - tg(r)) + s_vdr2
        hess[0, 1] = total / alpha - s_inv1 - s_inv2 + s_vdrda
        hess[1, 1] = -total * r / alpha**2 + s_a1i2 + s_a2i2 + s_vda2
        hess[2, 2] = (
            -total * (tg(a) - tg(a + b))
            + w1x @ (tg(a) - tab)
            + w2x @ np.where(repeat, tg(a + 1) - tab, 0.0)
            + v_x @ d_ab[0] ** 2
        )
        hess[2, 3] = total * tg(a + b) - wx @ tab + v_x @ (d_ab[0] * d_ab[1])
        hess[3, 3] = (
            -total * (tg(b) - tg(a + b))
            + w1x @ (tg(b + ux) - tab)
            + w2x @ np.where(repeat, tg(bx1) - tab, 0.0)
            + v_x @ d_ab[1] ** 2
        )
        hess[0, 2:] = d_ab @ vr_x
        hess[1, 2:] = d_ab @ va_x
        upper = np.triu(hess)
        hess = upper + np.triu(hess, 1).T
        # From (r, alpha, a, b) to their logarithms: H_theta = P H P + diag(p * grad).
        return (
            float(value),
            grad * p,
            hess * np.outer(p, p) + np.diag(p * grad),
        )


#: Rows from which a fit's evaluation is split in two halves on two threads.
HALF_ROWS = 16_384
#: The worker thread's pool and the process it was made in.
_POOL: dict[int, concurrent.futures.ThreadPoolExecutor] = {}


def _pool() -> concurrent.futures.ThreadPoolExecutor:
    """One worker thread for the second half of a large evaluation, made on first use.

    Made again in a forked child (its parent's thread does not exist there, and a pool
    that believes it has one would never run the work).
    """
    pid = os.getpid()
    if pid not in _POOL:
        _POOL.clear()
        _POOL[pid] = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="lifecycle")
    return _POOL[pid]


# The worker thread does not inherit the caller's np.errstate (see ExactTerms).
@np.errstate(over="ignore", invalid="ignore", divide="ignore")
def _row_sums(
    terms: _FitTerms, rows: slice, r: float, alpha: float, t1_x: F, t2_x: F
) -> tuple[F, F]:
    """The sums over ``rows`` of a BG/NBD evaluation: twelve numbers, and four sums by x.

    The numbers: the log-likelihood's bracket, then the gradient's and the Hessian's row
    sums in (r, alpha) (see ``_FitTerms._terms``); the sums by x: ``w2``, ``v``, ``v d_r``
    and ``v d_alpha`` weighted.
    """
    sp = special()
    ix, weight = terms.ix[rows], terms.data.weight[rows]
    it, itx = terms.it[rows], terms.itx[rows]
    rx = (r + terms.ux)[ix]
    log_t, log_tx = np.log(alpha + terms.ut)[it], np.log(alpha + terms.utx)[itx]
    inv_t, inv_tx = (1 / (alpha + terms.ut))[it], (1 / (alpha + terms.utx))[itx]
    t1 = t1_x[ix] - rx * log_t
    t2 = t2_x[ix] - rx * log_tx
    w2 = sp.expit(t2 - t1)
    ww2 = weight * w2
    ww1 = weight - ww2
    a1, a2 = ww1 * rx, ww2 * rx
    v = ww2 * (1 - w2)
    d_r = log_t - log_tx
    d_alpha = rx * (inv_t - inv_tx)
    vdr, vda = v * d_r, v * d_alpha
    sums = np.array(
        [
            dot(weight, np.logaddexp(t1, t2)),
            dot(ww1, log_t),
            dot(ww2, log_tx),
            dot(a1, inv_t),
            dot(a2, inv_tx),
            dot(vdr, d_r),
            dot(ww1, inv_t),
            dot(ww2, inv_tx),
            dot(vdr, d_alpha),
            dot(a1 * inv_t, inv_t),
            dot(a2 * inv_tx, inv_tx),
            dot(vda, d_alpha),
        ]
    )
    size = len(terms.ux)
    by_x = np.array([np.bincount(ix, weights=w, minlength=size) for w in (ww2, v, vdr, vda)])
    return sums, by_x


def objective(data: Compressed) -> Objective:
    """The weighted log-likelihood and its gradient in log-parameters, for the fit.

    The returned callable also has ``hessian(theta)``, the Hessian in log-parameters.
    """
    return _FitTerms(data)


def expected_purchases(params: BetaGeoParams, t: ArrayLike) -> F:
    """Expected purchases of a new customer in ``(0, t]`` (equation 7).

    Examples
    --------
    >>> p = BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")
    >>> expected_purchases(p, [39, 78]).round(4).tolist()
    [1.1951, 1.858]
    """
    r, alpha, a, b = _unpack(params)
    tt = horizon(np.atleast_1d(np.asarray(t)), params.unit)
    z = tt / (alpha + tt)
    # Euler's transformation keeps 2F1 finite: (1-z)^r 2F1(r, b; a+b-1; z)
    # = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b-1; z).
    out: F = (a + b - 1) * dropout_growth(a, b - 1 - r, b - 1, z)
    return out


def probability_alive(
    params: BetaGeoParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> F:
    """Probability that each customer is still alive at ``T`` (equation 11 of the paper's note).

    ``1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))``, computed as a logistic of
    the log-odds so it never overflows.

    Examples
    --------
    >>> p = BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")
    >>> probability_alive(p, [0, 2, 2], [0, 30.43, 5], [38.86, 38.86, 38.86]).round(4).tolist()
    [1.0, 0.7266, 0.1237]
    """
    x, tx, t, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    return _p_alive(params, x, tx, t)


def _p_alive(params: BetaGeoParams, x: F, tx: F, t: F) -> F:
    r, alpha, a, b = _unpack(params)
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (
            np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + t) - np.log(alpha + tx))
        )
    out: F = np.where(repeat, special().expit(-np.where(repeat, log_odds, 0.0)), 1.0)
    return out


def conditional_expected_purchases(
    params: BetaGeoParams, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> F:
    """Expected purchases in ``(T, T + t]`` given each customer's history (equation 10).

    Examples
    --------
    >>> p = BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")
    >>> round(float(conditional_expected_purchases(p, 39, [2], [30.43], [38.86])[0]), 3)
    1.226
    """
    x, tx, tt, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    return _conditional(params, horizon(t, params.unit), x, tx, tt)


def _conditional(params: BetaGeoParams, t: F, x: F, tx: F, tt: F) -> F:
    """Equation 10; ``t`` a scalar, one per customer, or a column (periods x customers).

    The hypergeometric factor depends on a customer through ``(x, T)`` alone: when ``t`` is
    the same for every customer (a scalar or a column), it is computed once per distinct
    ``(x, T)`` pair and ``P(alive)`` once per customer, not once per period.
    """
    shared = np.ndim(t) == 0 or np.shape(t)[-1] == 1
    if shared and len(x) > 1:
        ux, ut, _, pair = distinct_rows(x, tt, np.zeros_like(tt))
        head = _purchases_if_alive(params, t, ux, ut)[..., pair]
    else:
        head = _purchases_if_alive(params, t, x, tt)
    out: F = head * _p_alive(params, x, tx, tt)
    return out


def _purchases_if_alive(params: BetaGeoParams, t: F, x: F, tt: F) -> F:
    r, alpha, a, b = _unpack(params)
    z = t / (alpha + tt + t)
    # (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) by Euler's transformation, which stays finite
    # for large x: (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z).
    out: F = (a + b + x - 1) * dropout_growth(a, b - 1 - r, b + x - 1, z)
    return out


def probability_of_purchases(params: BetaGeoParams, n: ArrayLike, t: ArrayLike) -> F:
    """Probability that a new customer makes exactly ``n`` purchases in ``(0, t]`` (eq. 8).

    ``n`` and ``t`` broadcast against each other.

    Examples
    --------
    >>> p = BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")
    >>> probability_of_purchases(p, [0, 1, 2], 39).round(4).tolist()
    [0.5743, 0.1992, 0.0853]
    """
    sp = special()
    r, alpha, a, b = _unpack(params)
    nn, tt = counts_and_times(n, t, params.unit)
    log_nb = (
        sp.gammaln(r + nn)
        - sp.gammaln(r)
        - sp.gammaln(nn + 1)
        + r * np.log(alpha / (alpha + tt))
        + sp.xlogy(nn, tt / (alpha + tt))
    )
    first = np.exp(sp.betaln(a, b + nn) - sp.betaln(a, b) + log_nb)
    repeat = nn > 0
    # P(NB <= n-1) = I_p(r, n) with p = alpha/(alpha+t).
    below = np.where(repeat, sp.betainc(r, np.maximum(nn, 1), alpha / (alpha + tt)), 0.0)
    second = np.where(
        repeat,
        np.exp(sp.betaln(a + 1, b + np.maximum(nn - 1, 0)) - sp.betaln(a, b)) * (1 - below),
        0.0,
    )
    out: F = first + second
    return out


class BetaGeoModel(CovariateModel, TransactionModel[BetaGeoParams], TransactionSignals):
    """The BG/NBD model of Fader, Hardie and Lee (2005), fitted by maximum likelihood.

    Parameters
    ----------
    unit : {"D", "W", "M", "Y"}
        Time unit of ``recency`` and ``T`` (as given to ``rfm_summary``); stored on
        :class:`BetaGeoParams` and used by every question about time.
    penalizer : float
        L2 penalty ``penalizer * n * sum(params**2)`` on the log-likelihood (0: none).
    initial : mapping, optional
        Starting values by parameter name (default 1 for each).
    n_starts : int
        Starting points tried: the first runs to convergence, a later one until it reaches
        the best optimum so far (or converges elsewhere); the best fit is kept.
    max_iter, tol : int, float
        Newton iteration limit per start and gradient-norm tolerance (mean log-likelihood).
    on_failure : {"raise", "warn"}
        What a fit that does not converge does: raise
        :class:`~lifecycle.errors.ConvergenceError`, or warn and keep the result.

    Examples
    --------
    >>> from lifecycle import rfm_summary
    >>> from lifecycle.datasets import load_cdnow
    >>> rfm = rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")
    >>> model = BetaGeoModel(unit="W").fit(rfm)
    >>> model.converged_, model.n_customers_, model.params_.unit
    (True, 23570, 'W')
    """

    schema = "lifecycle.bg_nbd/1"
    params_type = BetaGeoParams
    param_names = ("r", "alpha", "a", "b")
    covariate_links = (("alpha", "purchase", -1), ("a", "dropout", 1), ("b", "dropout", 1))
    covariate_maths = "bg_nbd"

    def _objective(self, packed: Compressed) -> Objective:
        return objective(packed)

    def _alive(self, params: BetaGeoParams, x: F, tx: F, t: F) -> F:
        return _p_alive(params, x, tx, t)

    def _conditional(self, params: BetaGeoParams, ahead: F, x: F, tx: F, t: F) -> F:
        return _conditional(params, ahead, x, tx, t)

    def fit(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
        weights: ArrayLike | None = None,
        purchase_covariates: object = None,
        dropout_covariates: object = None,
    ) -> BetaGeoModel:
        """Fit to an ``rfm_summary`` table or to arrays; returns ``self``.

        ``purchase_covariates`` and ``dropout_covariates`` (a 2-D array, customers x
        covariates, or a table of named columns, one row per customer) add static covariates
        to the purchase and the dropout process: they move ``alpha`` (purchase) and ``a``,
        ``b`` (dropout) per customer, ``params_`` keeps the base values and ``coefficients_`` the
        coefficients (see :mod:`lifecycle.models._covariates`). The questions then take the
        customers' covariates under the same names.

        Raises
        ------
        ValidationError
            Bad input, naming the first bad customer.
        ConvergenceError
            The fit did not converge (unless ``on_failure="warn"``).

        Examples
        --------
        >>> from lifecycle.models import simulate
        >>> data = simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 200, T=39.0, seed=1)
        >>> model = BetaGeoModel(unit="W").fit(data)
        >>> model.converged_, model.n_customers_, model.params_.unit
        (True, 200, 'W')
        """
        if purchase_covariates is None and dropout_covariates is None:
            self._fit_histories(data, frequency, recency, T, weights)
        else:
            self._fit_with_covariates(
                data, frequency, recency, T, weights, purchase_covariates, dropout_covariates
            )
        return self

    def expected_purchases(
        self, t: ArrayLike, *, purchase_covariates: object = None, dropout_covariates: object = None
    ) -> F:
        """Expected purchases of a new customer in ``(0, t]``; see :func:`expected_purchases`.

        Examples
        --------
        >>> m = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
        >>> m.expected_purchases(39).round(4).tolist()
        [1.1951]
        """
        with_covariates = self._covariate_expected(t, purchase_covariates, dropout_covariates)
        if with_covariates is not None:
            return with_covariates
        return expected_purchases(self.params_, t)

    def conditional_expected_purchases(
        self,
        t: ArrayLike,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
        purchase_covariates: object = None,
        dropout_covariates: object = None,
    ) -> F:
        """Expected purchases in the next ``t`` of each customer; see the function.

        Examples
        --------
        >>> m = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
        >>> m.conditional_expected_purchases(39, frequency=[2], recency=[30.43], T=[38.86]).round(3)
        array([1.226])
        """
        return self._covariate_question(
            "conditional", data, frequency, recency, T, purchase_covariates, dropout_covariates, t
        )

    def probability_alive(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
        purchase_covariates: object = None,
        dropout_covariates: object = None,
    ) -> F:
        """Probability each customer is alive at the end of observation.

        Examples
        --------
        >>> m = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
        >>> m.probability_alive(frequency=[2], recency=[30.43], T=[38.86]).round(4)
        array([0.7266])
        """
        return self._covariate_question(
            "alive", data, frequency, recency, T, purchase_covariates, dropout_covariates
        )

    def probability_of_purchases(self, n: ArrayLike, t: ArrayLike) -> F:
        """Probability of exactly ``n`` purchases in ``(0, t]`` for a new customer.

        Examples
        --------
        >>> m = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
        >>> float(m.probability_of_purchases(0, 39)[0].round(4))
        0.5743
        """
        return probability_of_purchases(self.params_, n, t)
