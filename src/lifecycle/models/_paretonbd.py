"""The Pareto/NBD model (Schmittlein, Morrison and Colombo 1987), with a stable likelihood.

While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; their lifetime is
exponential with rate ``mu ~ Gamma(s, beta)``. The likelihood of ``(x, t_x, T)`` is
(Fader and Hardie 2005, "A note on deriving the Pareto/NBD model", equation 22)::

    L = G(r+x) alpha^r beta^s / G(r) * [ (alpha+T)^-(r+x) (beta+T)^-s
                                         + s/(r+s+x) (A(t_x) - A(T)) ]

where ``A`` holds a Gaussian hypergeometric function ``2F1(r+s+x, s+1; r+s+x+1; z)`` (or its
mirror when ``alpha < beta``) that overflows for large ``x`` if evaluated as printed. Here
Euler's transformation turns it into ``(1-z)^-s 2F1(1, r+x; r+s+x+1; z)``, whose series has
positive terms bounded by ``1/(1-z)``, and every term is kept as a logarithm: the bracket is
``log(exp(t1) + c exp(h1) (1 - exp(h2 - h1)))`` with ``expm1``, so the likelihood neither
overflows nor cancels for thousands of purchases, ten years of days, ``recency = T`` or
``recency = 0``.

``2F1(1, b; c; z)`` is summed as its series, and the gradient and the Hessian in the four
parameters come from the same terms, so the fit has an exact analytic gradient and Hessian.

References
----------
D. C. Schmittlein, D. G. Morrison and R. Colombo (1987), "Counting your customers: who are
they and what will they do next?", Management Science 33(1), 1-24. P. S. Fader and
B. G. S. Hardie (2005), "A note on deriving the Pareto/NBD model and related expressions".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConvergenceError
from ._base import (
    ExactTerms,
    Objective,
    TransactionModel,
    dot,
    positive,
    special,
    unit_field,
)
from ._covariates import CovariateModel
from ._data import Compressed, _codes, horizon, rfm_arrays
from ._hypergeometric import FIT_TERMS, MAX_TERMS, Index, series
from ._paretonbd_counts import probability_of_purchases
from ._signals import TransactionSignals

__all__ = [
    "ParetoNBDModel",
    "ParetoNBDParams",
    "conditional_expected_purchases",
    "expected_purchases",
    "loglik",
    "probability_alive",
    "probability_of_purchases",
]

F = NDArray[np.float64]


@attrs.frozen
class ParetoNBDParams:
    """Pareto/NBD parameters: purchase rate ``Gamma(r, alpha)``, dropout rate ``Gamma(s, beta)``.

    Examples
    --------
    >>> ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W").s
    0.6063
    """

    r: float = attrs.field(validator=positive)
    alpha: float = attrs.field(validator=positive)
    s: float = attrs.field(validator=positive)
    beta: float = attrs.field(validator=positive)
    unit: str = unit_field()


#: ``(pair weights) -> the weighted sum of the pairs' Hessians`` (see ``_log_a``).
HessianSum = Callable[[F], F]


#: ``(r, alpha, s, beta)``; ``alpha`` and ``beta`` may be given per row (covariates).
Theta = tuple[float, "float | F", float, "float | F"]


def _log_a(
    theta: Theta,
    x: F,
    t: F,
    *,
    second: bool = False,
    groups: tuple[F, Index] | None = None,
    max_terms: int = MAX_TERMS,
    alike: bool = True,
) -> tuple[F, F, HessianSum | None]:
    """``log A(t)`` (the hypergeometric term over ``(alpha+t)^(r+s+x)``) and its derivatives.

    The gradient is a ``(4, n)`` array in ``(r, alpha, s, beta)``; with ``second``, the
    third value sums the rows' Hessians with given weights (else it is None): only that
    sum is ever needed, and it takes a few dot products where the ``4 x 4 x n`` Hessians
    would take many passes over memory. ``log A = explicit + log F`` with
    ``F = 2F1(1, b; c; z)``: the Hessian of ``log F`` is ``F''/F - F' F'^T / F^2`` through
    ``b`` and ``c`` (linear in r and s) and ``z`` (a ratio in alpha and beta). ``groups``,
    the distinct ``x`` and each row's index among them, saves finding them again;
    ``max_terms`` and ``alike`` go to the series (see :func:`~._hypergeometric.series`). With
    ``alpha`` and ``beta`` per row, every row must be on the same side of ``alpha = beta``
    (see :func:`log_a_by_row`).
    """
    r, alpha, s, beta = theta
    ux, group = _codes(x) if groups is None else groups
    la, lb = np.log(alpha + t), np.log(beta + t)
    c = r + s + ux + 1
    grad = np.empty((4, len(x)))
    inv_a, inv_bt = 1 / (alpha + t), 1 / (beta + t)
    zero = np.zeros_like(x)
    if np.all(np.greater_equal(alpha, beta)):
        z = (alpha - beta) / (alpha + t)
        total, d_b, d_c, d_z, d2 = series(
            r + ux, c, group, z, second=second, max_terms=max_terms, alike=alike
        )
        value = -(r + x) * la - s * lb + np.log(total)
        grad[0] = -la + (d_b + d_c) / total
        grad[1] = -(r + x) / (alpha + t) + d_z * (beta + t) / (alpha + t) ** 2 / total
        grad[2] = -lb + d_c / total
        grad[3] = -s / (beta + t) - d_z / (alpha + t) / total
        if second:
            db = np.array([1.0, 0.0, 0.0, 0.0])
            dz = np.array([zero, (beta + t) * inv_a**2, zero, -inv_a])
            # The explicit part's and z's second derivatives, entry by entry (i <= j).
            entries = [
                (0, 1, -inv_a),
                (1, 1, (r + x) * inv_a**2 - 2 * (beta + t) * inv_a**3 * d_z / total),
                (1, 3, inv_a**2 * d_z / total),
                (2, 3, -inv_bt),
                (3, 3, s * inv_bt**2),
            ]
    else:
        z = (beta - alpha) / (beta + t)
        total, d_b, d_c, d_z, d2 = series(
            np.full_like(ux, s + 1),
            c,
            group,
            z,
            second=second,
            max_terms=max_terms,
            alike=alike,
        )
        value = (1 - r - x) * la - (s + 1) * lb + np.log(total)
        grad[0] = -la + d_c / total
        grad[1] = (1 - r - x) / (alpha + t) - d_z / (beta + t) / total
        grad[2] = -lb + (d_b + d_c) / total
        grad[3] = -(s + 1) / (beta + t) + d_z * (alpha + t) / (beta + t) ** 2 / total
        if second:
            db = np.array([0.0, 0.0, 1.0, 0.0])
            dz = np.array([zero, -inv_bt, zero, (alpha + t) * inv_bt**2])
            entries = [
                (0, 1, -inv_a),
                (1, 1, -(1 - r - x) * inv_a**2),
                (1, 3, inv_bt**2 * d_z / total),
                (2, 3, -inv_bt),
                (3, 3, (s + 1) * inv_bt**2 - 2 * (alpha + t) * inv_bt**3 * d_z / total),
            ]
    if not second:
        return value, grad, None
    dc = np.array([1.0, 0.0, 1.0, 0.0])
    f_bb, f_bc, f_cc, f_bz, f_cz, f_zz = d2 / total
    first = (np.outer(db, d_b) + np.outer(dc, d_c) + d_z * dz) / total

    def hessian_sum(q: F) -> F:
        out = np.zeros((4, 4))
        for i, j, values in entries:
            out[i, j] += dot(q, values)
        out += out.T - np.diag(out.diagonal())
        out += dot(q, f_bb) * np.outer(db, db) + dot(q, f_cc) * np.outer(dc, dc)
        out += dot(q, f_bc) * (np.outer(db, dc) + np.outer(dc, db))
        bz = np.einsum("in,n->i", dz, q * f_bz)
        cz = np.einsum("in,n->i", dz, q * f_cz)
        out += np.outer(db, bz) + np.outer(bz, db) + np.outer(dc, cz) + np.outer(cz, dc)
        out += np.einsum("in,jn->ij", dz * (q * f_zz), dz)
        out -= np.einsum("in,jn->ij", first * q, first)
        return out

    return value, grad, hessian_sum


def log_a_by_row(r: float, alpha: F, s: float, beta: F, x: F, t: F) -> tuple[F, F]:
    """``log A(t)`` and its ``(4, n)`` gradient with ``alpha`` and ``beta`` per row.

    Covariates give each customer their own ``alpha`` and ``beta`` (``r`` and ``s`` stay
    common), so each row takes its own side of ``alpha = beta``.

    Examples
    --------
    >>> value, grad = log_a_by_row(0.5, np.array([12.0, 8.0]), 0.6, np.array([10.0, 10.0]),
    ...                            np.array([2.0, 2.0]), np.array([30.0, 30.0]))
    >>> value.round(4).tolist()
    [-11.5279, -11.3388]
    """
    value, grad = np.empty(len(x)), np.empty((4, len(x)))
    up = alpha >= beta
    for rows in (np.flatnonzero(up), np.flatnonzero(~up)):
        if rows.size:
            value[rows], grad[:, rows], _ = _log_a(
                (r, alpha[rows], s, beta[rows]), x[rows], t[rows]
            )
    return value, grad


@attrs.frozen
class _Pairs:
    """The distinct ``(x, t)`` pairs of some rows, grouped by ``x``.

    ``A(t)`` depends on a row only through ``(x, t)``, and far fewer pairs than rows are
    distinct (whole days, few frequencies), so the series is summed once per pair.
    ``row`` is each row's pair; ``groups`` the distinct ``x`` and each pair's among them.
    """

    x: F
    t: F
    row: Index
    groups: tuple[F, Index]

    @classmethod
    def of(cls, x: F, t: F) -> _Pairs:
        """The pairs of rows ``(x, t)``.

        Examples
        --------
        >>> pairs = _Pairs.of(np.array([2.0, 0.0, 2.0]), np.array([5.0, 0.0, 5.0]))
        >>> pairs.x.tolist(), pairs.t.tolist(), pairs.row.tolist()
        ([0.0, 2.0], [0.0, 5.0], [1, 0, 1])
        """
        ux, ix = _codes(x)
        ut, it = _codes(t)
        keys, row = np.unique(ix * len(ut) + it, return_inverse=True)
        group, at = np.divmod(keys, len(ut))
        return cls(ux[group], ut[at], row.astype(np.int64).ravel(), (ux, group))

    @classmethod
    def both(cls, x: F, tx: F, t: F) -> _Pairs:
        """The pairs of ``(x, t_x)`` and ``(x, T)`` together: ``row[:n]`` are the first's.

        Examples
        --------
        >>> pairs = _Pairs.both(np.array([2.0, 0.0]), np.array([3.0, 0.0]), np.array([5.0, 5.0]))
        >>> pairs.x.tolist(), pairs.t.tolist(), pairs.row.tolist()
        ([0.0, 0.0, 2.0, 2.0], [0.0, 5.0, 3.0, 5.0], [2, 0, 3, 1])
        """
        return cls.of(np.concatenate([x, x]), np.concatenate([tx, t]))

    def log_a(
        self,
        theta: tuple[float, float, float, float],
        *,
        second: bool = False,
        exact: bool = True,
    ) -> tuple[F, F, HessianSum | None]:
        """``_log_a`` at every pair: value, gradient and (with ``second``) Hessian sum.

        Not ``exact``: a fit's (at most ``FIT_TERMS`` terms, NaN beyond; BLAS's product).
        """
        return _log_a(
            theta,
            self.x,
            self.t,
            second=second,
            groups=self.groups,
            max_terms=MAX_TERMS if exact else FIT_TERMS,
            alike=exact,
        )


def _log_terms(theta: tuple[float, float, float, float], x: F, tx: F, t: F) -> tuple[F, F, F]:
    """``(head, t1, log bracket)``; ``log L = head + log bracket``.

    ``t1`` is the log of the bracket's first term (alive at T). ``log A`` is summed once per
    distinct ``(x, t_x)`` or ``(x, T)`` pair.
    """
    sp = special()
    r, alpha, s, beta = theta
    head = sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    t1 = -(r + x) * np.log(alpha + t) - s * np.log(beta + t)
    pairs = _Pairs.both(x, tx, t)
    h = pairs.log_a(theta)[0][pairs.row]
    unknown = np.isnan(h[: len(x)]) | np.isnan(h[len(x) :])
    if unknown.any():
        i = int(np.argmax(unknown))
        msg = (
            f"the Pareto/NBD likelihood cannot be computed at index {i} (frequency {x[i]:g}, "
            f"recency {tx[i]:g}, T {t[i]:g}) with alpha = {alpha:g} and beta = {beta:g}: they "
            f"differ so much that its hypergeometric series needs more than {MAX_TERMS:,} terms"
        )
        raise ConvergenceError(msg)
    u2 = np.log(s) - np.log(r + s + x) + h[: len(x)]
    top, _, _, _, bracket = bracket_terms(t1, u2, h[len(x) :] - h[: len(x)])
    return head, t1, top + np.log(bracket)


def bracket_terms(t1: F, u2: F, gap: F) -> tuple[F, F, F, F, F]:
    """The likelihood's bracket ``e^t1 + e^u2 (1 - e^gap)`` over ``e^top``, with its parts.

    ``t1`` is the log of the first term (alive at T), ``u2 = log(s/(r+s+x)) + log A(t_x)``
    and ``gap = log A(T) - log A(t_x)``. Returns ``top`` (the larger exponent, so nothing
    overflows), the three terms over ``e^top`` and the bracket over ``e^top``, whose
    difference ``expm1`` keeps exact as recency approaches T.

    Examples
    --------
    >>> top, e1, e2, e3, b = bracket_terms(np.array([-1.0]), np.array([0.0]), np.array([0.0]))
    >>> top.tolist(), b.round(4).tolist()
    ([0.0], [0.3679])
    """
    # A decreases in t, so gap <= 0 (rounding aside); at recency = T it is exactly 0.
    gap = np.minimum(gap, 0.0)
    top = np.maximum(t1, u2)
    e1, e2 = np.exp(t1 - top), np.exp(u2 - top)
    return top, e1, e2, e2 * np.exp(gap), e1 - e2 * np.expm1(gap)


def loglik(params: ParetoNBDParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> F:
    """Each customer's log-likelihood under Pareto/NBD, computed in log space.

    Examples
    --------
    >>> p = ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W")
    >>> loglik(p, [2, 5000], [30.43, 3650.0], [38.86, 3650.0]).round(3).tolist()
    [-9.554, -3446.737]
    """
    x, tx, t, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    head, _, bracket = _log_terms(_unpack(params), x, tx, t)
    out: F = head + bracket
    return out


def _unpack(p: ParetoNBDParams) -> tuple[float, float, float, float]:
    return p.r, p.alpha, p.s, p.beta


class _FitTerms(ExactTerms):
    """The Pareto/NBD log-likelihood of a compressed data set, its gradient and Hessian.

    ``log L = head + log(e^u1 + e^u2 - e^u3)`` with ``u1 = t1`` (alive at T) and
    ``u2, u3 = log(s/(r+s+x)) + log A(t_x), log A(T)``; with ``w_i`` each term's share of
    the bracket, the bracket's Hessian is ``sum_i +-w_i (u_i'' + u_i' u_i'^T) - g g^T``
    (``g`` its gradient), and ``log A``'s comes from the series (``_log_a``), once per
    distinct ``(x, t)`` pair among both ``(x, t_x)`` and ``(x, T)``. Every call keeps its
    Hessian for the point it was asked at.
    """

    def __init__(self, data: Compressed) -> None:
        super().__init__()
        self.data = data
        self.pairs = _Pairs.both(data.x, data.tx, data.T)
        # The distinct x are the pairs' groups; a row's is its (x, t_x) pair's.
        self.ux, by_pair = self.pairs.groups
        ix = by_pair[self.pairs.row[: len(data.x)]]
        # The weights pooled by x: terms in x alone are summed once per distinct x.
        self.wx = np.bincount(ix.ravel(), weights=data.weight, minlength=len(self.ux))

    def _terms(self, theta: F) -> tuple[float, F, F]:
        sp = special()
        p = np.exp(theta)
        r, alpha, s, beta = (float(v) for v in p)
        x, t, w = self.data.x, self.data.T, self.data.weight
        pairs = self.pairs
        h, g, hessian_sum = pairs.log_a((r, alpha, s, beta), second=True, exact=False)
        assert hessian_sum is not None  # asked for with second=True
        row_tx, row_t = pairs.row[: len(x)], pairs.row[len(x) :]
        h_tx, g_tx, h_t, g_t = h[row_tx], g[:, row_tx], h[row_t], g[:, row_t]
        ux, wx = self.ux, self.wx
        total = float(wx.sum())
        head = wx @ (sp.gammaln(r + ux) - sp.gammaln(r)) + total * (
            r * np.log(alpha) + s * np.log(beta)
        )
        la_t, lb_t = np.log(alpha + t), np.log(beta + t)
        t1 = -(r + x) * la_t - s * lb_t
        u2 = np.log(s) - np.log(r + s + x) + h_tx
        top, e1, e2, e3, bracket = bracket_terms(t1, u2, h_t - h_tx)
        value = head + dot(w, top + np.log(bracket))
        w1, w2, w3 = e1 / bracket, e2 / bracket, e3 / bracket
        zero = np.zeros_like(x)
        inv_rsx = 1 / (r + s + x)
        inv_at, inv_bt = 1 / (alpha + t), 1 / (beta + t)
        d_t1 = np.array([-la_t, -(r + x) * inv_at, -lb_t, -s * inv_bt])
        d_c = np.array([-inv_rsx, zero, 1 / s - inv_rsx, zero])
        d_head = np.array(
            [wx @ (sp.digamma(r + ux) - sp.digamma(r)) + total * np.log(alpha),
             total * r / alpha, total * np.log(beta), total * s / beta]
        )  # fmt: skip
        d_u2, d_u3 = d_c + g_tx, d_c + g_t
        d_bracket = w1 * d_t1 + w2 * d_u2 - w3 * d_u3
        grad = d_head + np.einsum("in,n->i", d_bracket, w)

        def weighted_outer(u: F, weight: F) -> F:
            out: F = np.einsum("in,jn->ij", u * weight, u)
            return out

        ww1, ww2, ww3 = w * w1, w * w2, w * w3
        hess = (
            weighted_outer(d_t1, ww1)
            + weighted_outer(d_u2, ww2)
            - weighted_outer(d_u3, ww3)
            - weighted_outer(d_bracket, w)
            + hessian_sum(_pooled(pairs.row, np.concatenate([ww2, -ww3]), len(pairs.x)))
        )
        # The second derivatives of head, t1 and log(s/(r+s+x)), entry by entry.
        r_head = wx @ (sp.polygamma(1, r + ux) - sp.polygamma(1, r))
        c2 = dot(ww2 - ww3, inv_rsx**2)
        hess[0, 0] += r_head + c2
        hess[0, 2] += c2
        hess[2, 0] += c2
        hess[2, 2] += c2 - float((ww2 - ww3).sum()) / s**2
        rows_01 = total / alpha - dot(ww1, inv_at)
        hess[0, 1] += rows_01
        hess[1, 0] += rows_01
        hess[1, 1] += -total * r / alpha**2 + dot(ww1, (r + x) * inv_at**2)
        rows_23 = total / beta - dot(ww1, inv_bt)
        hess[2, 3] += rows_23
        hess[3, 2] += rows_23
        hess[3, 3] += -total * s / beta**2 + dot(ww1, s * inv_bt**2)
        # From (r, alpha, s, beta) to their logarithms: H_theta = P H P + diag(p * grad).
        return float(value), grad * p, hess * np.outer(p, p) + np.diag(p * grad)


def _pooled(index: NDArray[np.int64], weight: F, size: int) -> F:
    """``weight`` summed by ``index`` (a row's pair) into ``size`` slots."""
    out: F = np.bincount(index, weights=weight, minlength=size).astype(np.float64)
    return out


def objective(data: Compressed) -> Objective:
    """The weighted log-likelihood and its analytic gradient in log-parameters.

    The returned callable also has ``hessian(theta)``, the Hessian in log-parameters.
    """
    return _FitTerms(data)


def probability_alive(
    params: ParetoNBDParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> F:
    """Probability each customer is alive at ``T``: the first bracket term over the bracket.

    Examples
    --------
    >>> p = ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W")
    >>> probability_alive(p, [0, 2], [0, 30.43], [38.86, 38.86]).round(4).tolist()
    [0.2951, 0.8691]
    """
    x, tx, t, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    return _p_alive(params, x, tx, t)


def _p_alive(params: ParetoNBDParams, x: F, tx: F, t: F) -> F:
    _, t1, bracket = _log_terms(_unpack(params), x, tx, t)
    out: F = np.exp(np.minimum(t1 - bracket, 0.0))
    return out


def expected_purchases(params: ParetoNBDParams, t: ArrayLike) -> F:
    """Expected purchases of a new customer in ``(0, t]``.

    ``r beta / (alpha (s-1)) (1 - (beta/(beta+t))^(s-1))``, and its limit
    ``r beta / alpha * log(1 + t/beta)`` at ``s = 1``.

    Examples
    --------
    >>> p = ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W")
    >>> expected_purchases(p, [39]).round(4).tolist()
    [1.2134]
    """
    r, alpha, s, beta = _unpack(params)
    tt = horizon(np.atleast_1d(np.asarray(t)), params.unit)
    return r * beta / alpha * _growth(s, np.log1p(tt / beta))


def _growth(s: float, log_ratio: F) -> F:
    """``(1 - exp(-(s-1) L)) / (s-1)``, stable at ``s = 1`` (where it is ``L``)."""
    k = s - 1
    if abs(k) < 1e-12:
        return log_ratio
    out: F = -np.expm1(-k * log_ratio) / k
    return out


def conditional_expected_purchases(
    params: ParetoNBDParams, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> F:
    """Expected purchases in ``(T, T + t]`` given each customer's history.

    ``(r+x)(beta+T) / ((alpha+T)(s-1)) (1 - ((beta+T)/(beta+T+t))^(s-1)) P(alive)``.

    Examples
    --------
    >>> p = ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W")
    >>> conditional_expected_purchases(p, 39, [2], [30.43], [38.86]).round(3).tolist()
    [1.455]
    """
    x, tx, tt, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    return _conditional(params, horizon(t, params.unit), x, tx, tt)


def _conditional(params: ParetoNBDParams, t: F, x: F, tx: F, tt: F) -> F:
    r, alpha, s, beta = _unpack(params)
    rate = (r + x) * (beta + tt) / (alpha + tt)
    out: F = rate * _growth(s, np.log1p(t / (beta + tt))) * _p_alive(params, x, tx, tt)
    return out


class ParetoNBDModel(CovariateModel, TransactionModel[ParetoNBDParams], TransactionSignals):
    """The Pareto/NBD model, fitted by maximum likelihood on a log-space likelihood.

    Hyperparameters as for :class:`~lifecycle.models.BetaGeoModel`.

    Examples
    --------
    >>> model = ParetoNBDModel.from_params(ParetoNBDParams(0.5533, 10.578, 0.6063, 11.67, unit="W"))
    >>> model.probability_alive(frequency=[0, 2], recency=[0, 30.43], T=[38.86, 38.86]).round(3)
    array([0.295, 0.869])
    """

    schema = "lifecycle.pareto_nbd/1"
    params_type = ParetoNBDParams
    param_names = ("r", "alpha", "s", "beta")
    covariate_links = (("alpha", "purchase", -1), ("beta", "dropout", -1))
    covariate_maths = "pareto_nbd"

    def _objective(self, packed: Compressed) -> Objective:
        return objective(packed)

    def _alive(self, params: ParetoNBDParams, x: F, tx: F, t: F) -> F:
        return _p_alive(params, x, tx, t)

    def _conditional(self, params: ParetoNBDParams, ahead: F, x: F, tx: F, t: F) -> F:
        return _conditional(params, ahead, x, tx, t)

    def _start(self, packed: Compressed) -> tuple[float, ...]:
        # alpha and beta are in time units: start them at the mean observation length.
        span = float(np.average(packed.T, weights=packed.weight))
        return (1.0, span, 1.0, span)

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
    ) -> ParetoNBDModel:
        """Fit to an ``rfm_summary`` table or to arrays; returns ``self``.

        ``purchase_covariates`` and ``dropout_covariates`` (a 2-D array, customers x
        covariates, or a table of named columns, one row per customer) add static covariates
        to the purchase and the dropout process: they move ``alpha`` (purchase) and
        ``beta`` (dropout) per customer, ``params_`` keeps the base values and ``coefficients_`` the
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
        >>> from lifecycle.models import BetaGeoParams, simulate
        >>> data = simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 200, T=39.0, seed=1)
        >>> model = ParetoNBDModel(unit="W").fit(data)
        >>> model.converged_, model.n_customers_
        (True, 200)
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
        """Expected purchases of a new customer in ``(0, t]``.

        Examples
        --------
        >>> m = ParetoNBDModel.from_params(ParetoNBDParams(0.5533, 10.578, 0.6063, 11.67, unit="W"))
        >>> m.expected_purchases(39).round(4).tolist()
        [1.2134]
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
        """Expected purchases of each customer in the next ``t``.

        Examples
        --------
        >>> m = ParetoNBDModel.from_params(ParetoNBDParams(0.5533, 10.578, 0.6063, 11.67, unit="W"))
        >>> m.conditional_expected_purchases(39, frequency=[2], recency=[30.43], T=[38.86]).round(3)
        array([1.455])
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
        >>> m = ParetoNBDModel.from_params(ParetoNBDParams(0.5533, 10.578, 0.6063, 11.67, unit="W"))
        >>> m.probability_alive(frequency=[2], recency=[30.43], T=[38.86]).round(4)
        array([0.8691])
        """
        return self._covariate_question(
            "alive", data, frequency, recency, T, purchase_covariates, dropout_covariates
        )

    def probability_of_purchases(self, n: ArrayLike, t: ArrayLike) -> F:
        """Probability of exactly ``n`` purchases in ``(0, t]`` for a new customer.

        See :func:`probability_of_purchases`.

        Examples
        --------
        >>> m = ParetoNBDModel.from_params(ParetoNBDParams(0.5533, 10.578, 0.6063, 11.67, unit="W"))
        >>> float(m.probability_of_purchases(0, 39)[0].round(4))
        0.5935
        """
        return probability_of_purchases(self.params_, n, t)
