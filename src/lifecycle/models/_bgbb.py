"""The BG/BB model (Fader, Hardie and Shang 2010) as pure functions, and its estimator.

Time is discrete: a customer has ``T`` transaction opportunities after the first purchase
(``T`` is ``n`` in the paper). While alive, a customer transacts at each opportunity with
probability ``p ~ Beta(alpha, beta)``; at the start of each opportunity an alive customer
dies with probability ``theta ~ Beta(gamma, delta)``. For ``x`` transactions, the last at
opportunity ``t_x`` (equation 5 of the paper)::

    L = B(alpha+x, beta+n-x)/B(alpha, beta) * B(gamma, delta+n)/B(gamma, delta)
      + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha, beta)
                          * B(gamma+1, delta+t_x+i)/B(gamma, delta)

(alive through opportunity ``n``, or dead at opportunity ``t_x + i + 1``). Every term is a
logarithm of beta functions and the sum is a running log-sum-exp over blocks of terms, so
the likelihood stays finite for thousands of opportunities; the gradient in the four
parameters is the softmax-weighted sum of the terms' digamma derivatives. Sums over ``i``
run once per term index over all customers that have that term, never once per customer.

References
----------
P. S. Fader, B. G. S. Hardie and J. Shang (2010), "Customer-base analysis in a
discrete-time noncontractual setting", Marketing Science 29(6), 1086-1108.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_int_array
from ..errors import ValidationError
from ._base import FittedModel, Objective, dot, positive, special
from ._data import check_rows, compress, rfm_arrays, weights_array

__all__ = [
    "BetaGeoBetaBinomModel",
    "BetaGeoBetaBinomParams",
    "conditional_expected_purchases",
    "expected_purchases",
    "loglik",
    "probability_alive",
    "probability_of_purchases",
]

F = NDArray[np.float64]

#: Cells of a (customer row, term) block: bounds the memory of a sum over opportunities.
BLOCK_CELLS = 1 << 18


@attrs.frozen
class BetaGeoBetaBinomParams:
    """BG/BB parameters: transaction probability ``Beta(alpha, beta)``, dropout ``Beta(gamma, delta)``.

    No time unit: the model counts transaction opportunities.

    Examples
    --------
    >>> BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    BetaGeoBetaBinomParams(alpha=1.204, beta=0.75, gamma=0.657, delta=2.783)
    """

    alpha: float = attrs.field(validator=positive)
    beta: float = attrs.field(validator=positive)
    gamma: float = attrs.field(validator=positive)
    delta: float = attrs.field(validator=positive)


def _unpack(p: BetaGeoBetaBinomParams) -> tuple[float, float, float, float]:
    return p.alpha, p.beta, p.gamma, p.delta


def histories(
    data: Mapping[str, Any] | None,
    *,
    frequency: ArrayLike | None,
    recency: ArrayLike | None,
    T: ArrayLike | None,
) -> tuple[F, F, F, NDArray[Any] | None]:
    """Validated ``(x, t_x, n)`` of discrete histories, and the customer ids.

    The rules of :func:`~lifecycle.models._data.rfm_arrays`, and: ``recency`` and ``T`` are
    whole numbers of opportunities, and ``frequency <= recency`` (at most one transaction
    per opportunity).

    Examples
    --------
    >>> histories(None, frequency=[2], recency=[1], T=[6])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'frequency' must be <= 'recency' (one transaction per opportunity) (1 violation, first at index 0: frequency 2.0, recency 1.0)
    """
    x, tx, n, customers = rfm_arrays(data, frequency=frequency, recency=recency, T=T)
    rule = "a whole number of opportunities"
    check_rows("recency", tx != np.floor(tx), rule, tx, customers)
    check_rows("T", n != np.floor(n), rule, n, customers)
    over = x > tx
    shown = np.array(
        [f"frequency {a}, recency {b}" for a, b in zip(x[over], tx[over], strict=True)]
    )
    full = np.empty(len(x), dtype=object)
    full[over] = shown
    check_rows("frequency", over, "<= 'recency' (one transaction per opportunity)", full, customers)
    return x, tx, n, customers


def _block_sum(
    base: F,
    dbase: F | None,
    width: int,
    terms: Callable[[NDArray[np.int64]], tuple[F, F | None]],
) -> tuple[F, F | None]:
    """``log(exp(base) + sum_i exp(terms(i)))`` per row, and the softmax-weighted derivatives.

    ``terms(cols)`` gives the log-terms of columns ``cols`` as a (rows, len(cols)) block,
    ``-inf`` where a row has no such term, and, if ``dbase`` is given, their derivatives
    (rows, len(cols), k). The sum runs as a log-sum-exp over blocks of columns, each
    rescaled to the running maximum, so nothing overflows and memory stays bounded.
    """
    rows = len(base)
    m = base.copy()
    s = np.ones(rows)
    g = None if dbase is None else dbase.copy()
    step = max(1, BLOCK_CELLS // max(rows, 1))
    for start in range(0, width, step):
        cols = np.arange(start, min(width, start + step), dtype=np.int64)
        block, dblock = terms(cols)
        top = np.maximum(m, block.max(axis=1))
        keep = np.exp(m - top)
        e = np.exp(block - top[:, None])
        s = s * keep + e.sum(axis=1)
        if g is not None and dblock is not None:
            g = g * keep[:, None] + np.einsum("rc,rck->rk", e, dblock)
        m = top
    log_total = m + np.log(s)
    return log_total, None if g is None else g / s[:, None]


def _terms(
    theta: tuple[float, float, float, float], x: F, tx: F, n: F, *, gradient: bool
) -> tuple[F, F | None]:
    """Per-row log-likelihood and (with ``gradient``) its derivatives in the parameters.

    Every beta function here is ``B(c + i, d + k)`` for whole ``i, k`` up to ``max(n) + 1``,
    so log-gammas and digammas are tabulated once per call over those integers and the
    (row, term) blocks only gather from the tables.
    """
    sp = special()
    alpha, beta, gamma, delta = theta
    top = int(n.max()) + 2 if len(n) else 2
    k = np.arange(top, dtype=np.float64)
    xi, txi, ni = x.astype(np.int64), tx.astype(np.int64), n.astype(np.int64)
    lg = sp.gammaln
    # log B(alpha+x, beta+j-x) = a[x] + b[j-x] - ab[j]; log B(gamma+e, delta+j) likewise.
    a, b, ab = lg(alpha + k), lg(beta + k), lg(alpha + beta + k)
    d, gd = lg(delta + k), lg(gamma + delta + k)
    const = sp.betaln(alpha, beta) + sp.betaln(gamma, delta)
    alive = a[xi] + b[ni - xi] - ab[ni] + lg(gamma) + d[ni] - gd[ni]
    if gradient:
        dg = sp.digamma
        da, db, dab = dg(alpha + k), dg(beta + k), dg(alpha + beta + k)
        dd, dgd = dg(delta + k), dg(gamma + delta + k)
        d_alive = np.stack(
            [
                da[xi] - dab[ni],
                db[ni - xi] - dab[ni],
                np.full(len(x), dg(gamma)) - dgd[ni],
                dd[ni] - dgd[ni],
            ],
            axis=1,
        )
    dead_const = lg(gamma + 1)

    def dead(cols: NDArray[np.int64]) -> tuple[F, F | None]:
        j = txi[:, None] + cols[None, :]
        inside = j < ni[:, None]
        j = np.where(inside, j, txi[:, None])
        xx = xi[:, None]
        block = a[xx] + b[j - xx] - ab[j] + dead_const + d[j] - gd[j + 1]
        block = np.where(inside, block, -np.inf)
        if not gradient:
            return block, None
        deriv = np.stack(
            [
                da[xx] - dab[j],
                db[j - xx] - dab[j],
                dg(gamma + 1) - dgd[j + 1],
                dd[j] - dgd[j + 1],
            ],
            axis=2,
        )
        return block, deriv

    width = int((n - tx).max()) if len(n) else 0
    value, grad = _block_sum(alive, d_alive if gradient else None, width, dead)
    if grad is not None:
        dg = sp.digamma
        grad = grad - np.array(
            [
                dg(alpha) - dg(alpha + beta),
                dg(beta) - dg(alpha + beta),
                dg(gamma) - dg(gamma + delta),
                dg(delta) - dg(gamma + delta),
            ]
        )
    return value - const, grad


def loglik(
    params: BetaGeoBetaBinomParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> F:
    """Each customer's log-likelihood under BG/BB (equation 5, in log space).

    Examples
    --------
    >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    >>> loglik(p, [0, 3, 6], [0, 5, 6], [6, 6, 6]).round(4).tolist()
    [-1.1673, -5.6159, -2.1822]
    """
    x, tx, n, _ = histories(None, frequency=frequency, recency=recency, T=T)
    value, _ = _terms(_unpack(params), x, tx, n, gradient=False)
    return value


def objective(x: F, tx: F, n: F, weight: F) -> Objective:
    """The weighted log-likelihood and its gradient in log-parameters, for the fit."""

    def f(theta: F) -> tuple[float, F]:
        p = np.exp(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            value, d = _terms((p[0], p[1], p[2], p[3]), x, tx, n, gradient=True)
        assert d is not None
        return dot(weight, value), (weight @ d) * p

    return f


def _opportunities(name: str, values: ArrayLike) -> F:
    return as_int_array(name, np.atleast_1d(np.asarray(values)), low=0).astype(np.float64)


def _survival_sum(gamma: float, delta: float, start: F, stop: F) -> F:
    """``sum_{t=start+1}^{stop} B(gamma, delta+t)/B(gamma, delta)``: expected alive opportunities.

    Closed form ``delta/(gamma-1) * (G(start) - G(stop))`` with
    ``G(k) = G(gamma+delta) G(1+delta+k) / (G(1+delta) G(gamma+delta+k))`` (the paper's
    equation 9), as ``G(start) * -expm1(log G(stop) - log G(start))``; at ``gamma = 1`` the
    limit ``delta * (digamma(1+delta+stop) - digamma(1+delta+start))``.
    """
    sp = special()
    if abs(gamma - 1) < 1e-9:
        out: F = delta * (sp.digamma(1 + delta + stop) - sp.digamma(1 + delta + start))
        return out

    def log_g(k: F) -> F:
        value: F = (
            sp.gammaln(gamma + delta)
            - sp.gammaln(1 + delta)
            + sp.gammaln(1 + delta + k)
            - sp.gammaln(gamma + delta + k)
        )
        return value

    low = log_g(start)
    out = delta / (gamma - 1) * np.exp(low) * -np.expm1(log_g(stop) - low)
    return out


def expected_purchases(params: BetaGeoBetaBinomParams, n: ArrayLike) -> F:
    """Expected transactions of a new customer in the first ``n`` opportunities (equation 9).

    Examples
    --------
    >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    >>> expected_purchases(p, [1, 6, 11]).round(4).tolist()
    [0.4985, 2.2196, 3.3876]
    """
    alpha, beta, gamma, delta = _unpack(params)
    nn = _opportunities("n", n)
    out: F = alpha / (alpha + beta) * _survival_sum(gamma, delta, np.zeros_like(nn), nn)
    return out


def probability_alive(
    params: BetaGeoBetaBinomParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    m: ArrayLike = 1,
) -> F:
    """Probability that each customer is alive at opportunity ``T + m`` (equation 11 at ``m=1``).

    Examples
    --------
    >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    >>> probability_alive(p, [0, 3, 6], [0, 5, 6], [6, 6, 6]).round(4).tolist()
    [0.108, 0.7667, 0.9304]
    """
    x, tx, n, _ = histories(None, frequency=frequency, recency=recency, T=T)
    return _p_alive(params, x, tx, n, _opportunities("m", m))


def _p_alive(params: BetaGeoBetaBinomParams, x: F, tx: F, n: F, m: F) -> F:
    sp = special()
    alpha, beta, gamma, delta = _unpack(params)
    value, _ = _terms((alpha, beta, gamma, delta), x, tx, n, gradient=False)
    log_alive = (
        sp.betaln(alpha + x, beta + n - x)
        - sp.betaln(alpha, beta)
        + sp.betaln(gamma, delta + n + m)
        - sp.betaln(gamma, delta)
    )
    out: F = np.exp(log_alive - value)
    return out


def conditional_expected_purchases(
    params: BetaGeoBetaBinomParams,
    n: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> F:
    """Expected transactions in the next ``n`` opportunities given each history (equation 13).

    Examples
    --------
    >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    >>> conditional_expected_purchases(p, 5, [0, 3, 6], [0, 5, 6], [6, 6, 6]).round(4).tolist()
    [0.0728, 1.8044, 3.7521]
    """
    x, tx, tt, _ = histories(None, frequency=frequency, recency=recency, T=T)
    return _conditional(params, _opportunities("n", n), x, tx, tt)


def _conditional(params: BetaGeoBetaBinomParams, ahead: F, x: F, tx: F, n: F) -> F:
    sp = special()
    alpha, beta, gamma, delta = _unpack(params)
    value, _ = _terms((alpha, beta, gamma, delta), x, tx, n, gradient=False)
    log_weight = sp.betaln(alpha + x + 1, beta + n - x) - sp.betaln(alpha, beta) - value
    out: F = np.exp(log_weight) * _survival_sum(gamma, delta, n, n + ahead)
    return out


def probability_of_purchases(params: BetaGeoBetaBinomParams, x: ArrayLike, n: ArrayLike) -> F:
    """Probability that a new customer makes exactly ``x`` transactions in ``n`` opportunities.

    Equation 8 of the paper; ``x`` and ``n`` broadcast against each other; 0 where ``x > n``.

    Examples
    --------
    >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    >>> probs = probability_of_purchases(p, [0, 1, 2, 3, 4, 5, 6], 6)
    >>> probs.round(4).tolist()
    [0.3112, 0.1701, 0.1215, 0.1003, 0.0917, 0.0925, 0.1128]
    >>> round(float(probs.sum()), 12)
    1.0
    """
    sp = special()
    alpha, beta, gamma, delta = _unpack(params)
    xx, nn = np.broadcast_arrays(_opportunities("x", x), _opportunities("n", n))
    shape = xx.shape
    xx, nn = xx.ravel().astype(np.float64), nn.ravel().astype(np.float64)
    possible = xx <= nn
    xs, ns = np.where(possible, xx, 0.0), np.where(possible, nn, 0.0)
    const = sp.betaln(alpha, beta) + sp.betaln(gamma, delta)

    def log_choose(k: F, j: F) -> F:
        out: F = sp.gammaln(k + 1) - sp.gammaln(j + 1) - sp.gammaln(k - j + 1)
        return out

    alive = (
        log_choose(ns, xs) + sp.betaln(alpha + xs, beta + ns - xs) + sp.betaln(gamma, delta + ns)
    )

    def dead(cols: NDArray[np.int64]) -> tuple[F, None]:
        # Dead at opportunity i + 1 for i = x .. n-1, after x transactions in i opportunities.
        i = xs[:, None] + cols[None, :]
        inside = i < ns[:, None]
        ii = np.where(inside, i, xs[:, None])
        block = (
            log_choose(ii, xs[:, None])
            + sp.betaln(alpha + xs[:, None], beta + ii - xs[:, None])
            + sp.betaln(gamma + 1, delta + ii)
        )
        return np.where(inside, block, -np.inf), None

    width = int((ns - xs).max()) if len(ns) else 0
    value, _ = _block_sum(alive, None, width, dead)
    out: F = np.where(possible, np.exp(value - const), 0.0).reshape(shape)
    return out


class BetaGeoBetaBinomModel(FittedModel[BetaGeoBetaBinomParams]):
    """The BG/BB model of Fader, Hardie and Shang (2010), fitted by maximum likelihood.

    ``frequency`` is the number of opportunities with a transaction (after the first
    purchase), ``recency`` the last such opportunity (0 if none) and ``T`` the number of
    opportunities observed; all whole numbers. Hyperparameters as for
    :class:`~lifecycle.models.BetaGeoModel` (``unit`` is unused: the model counts
    opportunities).

    Examples
    --------
    >>> model = BetaGeoBetaBinomModel().fit(
    ...     frequency=[0, 1, 1, 2, 3, 6], recency=[0, 1, 4, 5, 6, 6], T=[6] * 6,
    ...     weights=[300, 100, 50, 80, 90, 120])
    >>> model.converged_, model.n_customers_
    (True, 740)
    """

    schema = "lifecycle.bg_bb/1"
    params_type = BetaGeoBetaBinomParams
    param_names = ("alpha", "beta", "gamma", "delta")

    def __repr__(self) -> str:
        # Opportunities have no time unit, so the base's "unit=" would mislead.
        return (
            super()
            .__repr__()
            .replace(f", unit={self.unit!r}", "")
            .replace(f"unit={self.unit!r}, ", "")
        )

    def fit(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
        weights: ArrayLike | None = None,
    ) -> BetaGeoBetaBinomModel:
        """Fit to an ``rfm_summary``-like table or to arrays; returns ``self``.

        Customers with equal ``(frequency, recency, T)`` are merged into one weighted row
        (the paper's own data come that way: ``weights`` is the count per pattern).

        Raises
        ------
        ValidationError
            Bad input, naming the first bad customer.
        ConvergenceError
            The fit did not converge (unless ``on_failure="warn"``).

        Examples
        --------
        >>> model = BetaGeoBetaBinomModel().fit(
        ...     frequency=[0, 1, 2, 2, 4], recency=[0, 3, 2, 5, 6], T=[6, 6, 6, 6, 6],
        ...     weights=[40, 10, 8, 12, 30])
        >>> model.n_customers_, sorted(model.standard_errors_)
        (100, ['alpha', 'beta', 'delta', 'gamma'])
        """
        x, tx, n, _ = histories(data, frequency=frequency, recency=recency, T=T)
        w = weights_array(weights, len(x))
        if not (x[w > 0] > 0).any():
            msg = "cannot fit: no customer has a repeat purchase (all frequency 0)"
            raise ValidationError(msg)
        packed = compress(x, tx, n, w)
        values, value, converged, norm, errors = self._maximize(
            objective(packed.x, packed.tx, packed.T, packed.weight),
            (1.0, 1.0, 1.0, 1.0),
            float(packed.weight.sum()),
        )
        self._set(values, value, packed.n_customers, converged, norm, errors)
        return self

    def expected_purchases(self, n: ArrayLike) -> F:
        """Expected transactions of a new customer in ``n`` opportunities; see the function.

        Examples
        --------
        >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
        >>> BetaGeoBetaBinomModel.from_params(p).expected_purchases(6).round(4).tolist()
        [2.2196]
        """
        return expected_purchases(self.params_, n)

    def conditional_expected_purchases(
        self,
        n: ArrayLike,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
    ) -> F:
        """Expected transactions in the next ``n`` opportunities of each customer.

        Examples
        --------
        >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
        >>> m = BetaGeoBetaBinomModel.from_params(p)
        >>> m.conditional_expected_purchases(5, frequency=[3], recency=[5], T=[6]).round(4)
        array([1.8044])
        """
        x, tx, tt, _ = histories(data, frequency=frequency, recency=recency, T=T)
        return _conditional(self.params_, _opportunities("n", n), x, tx, tt)

    def probability_alive(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
        m: ArrayLike = 1,
    ) -> F:
        """Probability each customer is alive at opportunity ``T + m`` (``m = 1``: the next).

        Examples
        --------
        >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
        >>> m = BetaGeoBetaBinomModel.from_params(p)
        >>> m.probability_alive(frequency=[3, 3], recency=[5, 5], T=[6, 6], m=[1, 5]).round(4)
        array([0.7667, 0.6101])
        """
        x, tx, tt, _ = histories(data, frequency=frequency, recency=recency, T=T)
        return _p_alive(self.params_, x, tx, tt, _opportunities("m", m))

    def probability_of_purchases(self, x: ArrayLike, n: ArrayLike) -> F:
        """Probability of exactly ``x`` transactions in ``n`` opportunities (new customer).

        Examples
        --------
        >>> p = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
        >>> m = BetaGeoBetaBinomModel.from_params(p)
        >>> float(m.probability_of_purchases(0, 6)[0].round(4))
        0.3112
        """
        return probability_of_purchases(self.params_, x, n)
