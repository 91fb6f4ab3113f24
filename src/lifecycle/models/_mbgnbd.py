"""The MBG/NBD model (Batislam, Denizel and Filiztekin 2007) as pure functions, and its estimator.

As in BG/NBD, a living customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)`` and may die
with probability ``p ~ Beta(a, b)``, but the first chance to die is at time 0, right after the
first purchase, so a customer with no repeat purchase can be dead. With ``x`` repeat purchases
there are ``x + 1`` chances to die, and for a history ``(x, t_x, T)``::

    L = B(a, b+x+1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
      + B(a+1, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))

(alive at ``T`` after surviving ``x + 1`` chances, or dead at the last purchase). This is the
BG/NBD likelihood with ``b + 1`` for ``b``, its second term kept at ``x = 0``, times
``B(a, b+1)/B(a, b)``; the code uses exactly that, so both models share one analytic gradient.
The same substitution gives the predictions::

    P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x))
    E[X(t)]  = b/(a-1) (1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t)))

References
----------
E. P. Batislam, M. Denizel and A. Filiztekin (2007), "Empirical validation and comparison of
models for customer base analysis", International Journal of Research in Marketing 24(3),
201-209.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._base import (
    Objective,
    TransactionModel,
    dot,
    dropout_growth,
    positive,
    special,
    unit_field,
)
from ._bgnbd import _distinct, _loglik_grad
from ._data import Compressed, counts_and_times, horizon, rfm_arrays
from ._signals import TransactionSignals

__all__ = [
    "ModifiedBetaGeoModel",
    "ModifiedBetaGeoParams",
    "conditional_expected_purchases",
    "expected_purchases",
    "loglik",
    "probability_alive",
    "probability_of_purchases",
]

F = NDArray[np.float64]


@attrs.frozen
class ModifiedBetaGeoParams:
    """MBG/NBD parameters: purchase rate ``Gamma(r, alpha)``, dropout ``Beta(a, b)``.

    ``alpha`` is in the time unit ``unit`` (it scales the purchase rate).

    Examples
    --------
    >>> ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
    ModifiedBetaGeoParams(r=0.525, alpha=6.183, a=0.891, b=1.614, unit='W')
    """

    r: float = attrs.field(validator=positive)
    alpha: float = attrs.field(validator=positive)
    a: float = attrs.field(validator=positive)
    b: float = attrs.field(validator=positive)
    unit: str = unit_field()


def _unpack(p: ModifiedBetaGeoParams) -> tuple[float, float, float, float]:
    return p.r, p.alpha, p.a, p.b


def _mbg_loglik_grad(
    theta: tuple[float, float, float, float],
    x: F,
    tx: F,
    t: F,
    weight: F,
    *,
    gradient: bool = True,
    distinct: tuple[F, NDArray[np.intp]] | None = None,
) -> tuple[F, F]:
    """Per-row log-likelihood and the weighted gradient in (r, alpha, a, b)."""
    r, alpha, a, b = theta
    value, grad = _loglik_grad(
        (r, alpha, a, b + 1),
        x,
        tx,
        t,
        weight,
        gradient=gradient,
        distinct=distinct,
        dropout_at_zero=True,
    )
    # The factor B(a, b+1)/B(a, b) = b/(a+b), the same for every customer.
    value = value + np.log(b) - np.log(a + b)
    if gradient:
        total = weight.sum()
        grad = grad + total * np.array([0.0, 0.0, -1 / (a + b), 1 / b - 1 / (a + b)])
    return value, grad


def loglik(
    params: ModifiedBetaGeoParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> F:
    """Each customer's log-likelihood under MBG/NBD, in log space.

    Examples
    --------
    >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
    >>> loglik(p, [0, 2], [0, 30.43], [38.86, 38.86]).round(4).tolist()
    [-0.5398, -9.4856]
    """
    x, tx, t, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    value, _ = _mbg_loglik_grad(_unpack(params), x, tx, t, np.ones(len(x)), gradient=False)
    return value


def objective(data: Compressed) -> Objective:
    """The weighted log-likelihood and its gradient in log-parameters, for the fit."""
    distinct = _distinct(data.x)

    def f(theta: F) -> tuple[float, F]:
        p = np.exp(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            value, grad = _mbg_loglik_grad(
                (p[0], p[1], p[2], p[3]), data.x, data.tx, data.T, data.weight, distinct=distinct
            )
        return dot(data.weight, value), grad * p

    return f


def expected_purchases(params: ModifiedBetaGeoParams, t: ArrayLike) -> F:
    """Expected purchases of a new customer in ``(0, t]``.

    Examples
    --------
    >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
    >>> expected_purchases(p, [39, 78]).round(4).tolist()
    [1.183, 1.8048]
    """
    r, alpha, a, b = _unpack(params)
    tt = horizon(np.atleast_1d(np.asarray(t)), params.unit)
    z = tt / (alpha + tt)
    # Euler's transformation keeps 2F1 finite: (1-z)^r 2F1(r, b+1; a+b; z)
    # = (1-z)^(a-1) 2F1(a+b-r, a-1; a+b; z).
    out: F = b * dropout_growth(a, b - r, b, z)
    return out


def probability_alive(
    params: ModifiedBetaGeoParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> F:
    """Probability that each customer is still alive at ``T``.

    ``1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x))``, below 1 even at ``x = 0``, computed
    as a logistic of the log-odds so it never overflows.

    Examples
    --------
    >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
    >>> probability_alive(p, [0, 2], [0, 30.43], [38.86, 38.86]).round(4).tolist()
    [0.3897, 0.7062]
    """
    x, tx, t, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    return _p_alive(params, x, tx, t)


def _p_alive(params: ModifiedBetaGeoParams, x: F, tx: F, t: F) -> F:
    r, alpha, a, b = _unpack(params)
    log_odds = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + t) - np.log(alpha + tx))
    out: F = special().expit(-log_odds)
    return out


def conditional_expected_purchases(
    params: ModifiedBetaGeoParams,
    t: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> F:
    """Expected purchases in ``(T, T + t]`` given each customer's history.

    Examples
    --------
    >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
    >>> conditional_expected_purchases(p, 39, [0, 2], [0, 30.43], [38.86, 38.86]).round(3)
    array([0.154, 1.263])
    """
    x, tx, tt, _ = rfm_arrays(None, frequency=frequency, recency=recency, T=T)
    return _conditional(params, horizon(t, params.unit), x, tx, tt)


def _conditional(params: ModifiedBetaGeoParams, t: F, x: F, tx: F, tt: F) -> F:
    r, alpha, a, b = _unpack(params)
    z = t / (alpha + tt + t)
    # (1-z)^(r+x) 2F1(r+x, b+x+1; a+b+x; z) by Euler's transformation, finite for large x:
    # (1-z)^(a-1) 2F1(a+b-r, a-1; a+b+x; z).
    head = (a + b + x) * dropout_growth(a, b - r, b + x, z)
    out: F = head * _p_alive(params, x, tx, tt)
    return out


def probability_of_purchases(params: ModifiedBetaGeoParams, n: ArrayLike, t: ArrayLike) -> F:
    """Probability that a new customer makes exactly ``n`` purchases in ``(0, t]``.

    Alive after all ``n + 1`` chances to die and exactly ``n`` purchases, or dead at the
    last of them (right after the ``n``-th purchase, or at time 0) with at least ``n``::

        P(X(t) = n) = B(a, b+n+1)/B(a, b) NB(n) + B(a+1, b+n)/B(a, b) (1 - P(NB <= n-1))

    with ``NB`` the negative binomial count of a Gamma(r, alpha) Poisson process in ``t``.
    ``n`` and ``t`` broadcast against each other.

    Examples
    --------
    >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
    >>> probs = probability_of_purchases(p, [0, 1, 2], 39)
    >>> probs.round(4).tolist()
    [0.5825, 0.1828, 0.0869]
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
    alive = np.exp(sp.betaln(a, b + nn + 1) - sp.betaln(a, b) + log_nb)
    # P(NB <= n-1) = I_p(r, n) with p = alpha/(alpha+t); 0 at n = 0.
    below = np.where(nn > 0, sp.betainc(r, np.maximum(nn, 1), alpha / (alpha + tt)), 0.0)
    dead = np.exp(sp.betaln(a + 1, b + nn) - sp.betaln(a, b)) * (1 - below)
    out: F = alive + dead
    return out


class ModifiedBetaGeoModel(TransactionModel[ModifiedBetaGeoParams], TransactionSignals):
    """The MBG/NBD model of Batislam, Denizel and Filiztekin (2007), fitted by maximum likelihood.

    Like :class:`~lifecycle.models.BetaGeoModel`, except that a customer may drop out right
    after the first purchase, so one-time buyers are not all alive.

    Hyperparameters as for :class:`~lifecycle.models.BetaGeoModel`.

    Examples
    --------
    >>> from lifecycle import rfm_summary
    >>> from lifecycle.datasets import load_cdnow
    >>> rfm = rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")
    >>> model = ModifiedBetaGeoModel(unit="W").fit(rfm)
    >>> model.converged_, model.n_customers_, model.params_.unit
    (True, 23570, 'W')
    """

    schema = "lifecycle.mbg_nbd/1"
    params_type = ModifiedBetaGeoParams
    param_names = ("r", "alpha", "a", "b")

    def _objective(self, packed: Compressed) -> Objective:
        return objective(packed)

    def _alive(self, params: ModifiedBetaGeoParams, x: F, tx: F, t: F) -> F:
        return _p_alive(params, x, tx, t)

    def _conditional(self, params: ModifiedBetaGeoParams, ahead: F, x: F, tx: F, t: F) -> F:
        return _conditional(params, ahead, x, tx, t)

    def fit(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
        weights: ArrayLike | None = None,
    ) -> ModifiedBetaGeoModel:
        """Fit to an ``rfm_summary`` table or to arrays; returns ``self``.

        Raises
        ------
        ValidationError
            Bad input, naming the first bad customer.
        ConvergenceError
            The fit did not converge (unless ``on_failure="warn"``).

        Examples
        --------
        >>> model = ModifiedBetaGeoModel(unit="W").fit(
        ...     frequency=[0, 1, 2, 0, 5], recency=[0, 10, 20, 0, 30], T=[39, 39, 39, 30, 35])
        >>> model.n_customers_, model.params_.unit
        (5, 'W')
        """
        self._fit_histories(data, frequency, recency, T, weights)
        return self

    def expected_purchases(self, t: ArrayLike) -> F:
        """Expected purchases of a new customer in ``(0, t]``; see :func:`expected_purchases`.

        Examples
        --------
        >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
        >>> ModifiedBetaGeoModel.from_params(p).expected_purchases(39).round(4).tolist()
        [1.183]
        """
        return expected_purchases(self.params_, t)

    def conditional_expected_purchases(
        self,
        t: ArrayLike,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
    ) -> F:
        """Expected purchases in the next ``t`` of each customer; see the function.

        Examples
        --------
        >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
        >>> m = ModifiedBetaGeoModel.from_params(p)
        >>> m.conditional_expected_purchases(39, frequency=[2], recency=[30.43], T=[38.86]).round(3)
        array([1.263])
        """
        return self._conditional_expected_purchases(t, data, frequency, recency, T)

    def probability_alive(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
    ) -> F:
        """Probability each customer is alive at the end of observation.

        Examples
        --------
        >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
        >>> m = ModifiedBetaGeoModel.from_params(p)
        >>> m.probability_alive(frequency=[2], recency=[30.43], T=[38.86]).round(4)
        array([0.7062])
        """
        return self._probability_alive(data, frequency, recency, T)

    def probability_of_purchases(self, n: ArrayLike, t: ArrayLike) -> F:
        """Probability of exactly ``n`` purchases in ``(0, t]`` for a new customer.

        Examples
        --------
        >>> p = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
        >>> float(ModifiedBetaGeoModel.from_params(p).probability_of_purchases(0, 39)[0].round(4))
        0.5825
        """
        return probability_of_purchases(self.params_, n, t)
