"""The shifted-beta-geometric (sBG) model of contractual retention (Fader and Hardie 2007).

Each customer renews at the end of every period with probability ``1 - theta`` until they
churn; ``theta ~ Beta(alpha, beta)`` across customers. Per period ``t = 1, 2, ...``::

    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)   churn in period t
    S(t)     = B(alpha, beta + t) / B(alpha, beta)           still active after t periods
    r(t)     = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)   retention rate

Fitted from the customers still active at the start of each period (``active[0]`` is the
cohort), or per customer from how many periods each was seen and whether their churn was
observed (censoring otherwise). Periods are whatever the user counts in (years, months).

References
----------
P. S. Fader and B. G. S. Hardie (2007), "How to project customer retention", Journal of
Interactive Marketing 21(1), 76-90 (equations 3, 4 and 7); P. S. Fader and B. G. S. Hardie
(2010), "Customer-base valuation in a contractual setting: the perils of ignoring
heterogeneity", Marketing Science 29(1), 85-93 (equation 6, DERL).
"""

from __future__ import annotations

import math

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_bool_array, as_float_array, as_int_array, first_violation
from ..errors import ValidationError
from ._base import FittedModel, Objective, positive, special

__all__ = ["ShiftedBetaGeoModel", "ShiftedBetaGeoParams"]

F = NDArray[np.float64]


@attrs.frozen
class ShiftedBetaGeoParams:
    """sBG parameters: the churn probability is ``Beta(alpha, beta)`` across customers.

    Examples
    --------
    >>> ShiftedBetaGeoParams(0.704, 1.182)
    ShiftedBetaGeoParams(alpha=0.704, beta=1.182)
    """

    alpha: float = attrs.field(validator=positive)
    beta: float = attrs.field(validator=positive)


def _counts(
    active: ArrayLike | None, lifetimes: ArrayLike | None, observed: ArrayLike | None
) -> tuple[F, F]:
    """Churned and still-active counts per period ``t = 1..n`` (index ``t - 1``)."""
    if (active is None) == (lifetimes is None):
        msg = "give either 'active' (counts per period) or 'lifetimes' and 'observed'"
        raise ValidationError(msg)
    if active is not None:
        if observed is not None:
            msg = "'observed' goes with 'lifetimes', not with 'active'"
            raise ValidationError(msg)
        counts = as_int_array("active", active, low=0)
        if len(counts) < 2:
            msg = (
                f"'active' needs the cohort and at least one later period (got {len(counts)} value)"
            )
            raise ValidationError(msg)
        drops = counts[:-1] - counts[1:]
        first_violation("active", np.concatenate([[False], drops < 0]), "non-increasing", counts)
        survivors = np.zeros(len(drops))
        survivors[-1] = counts[-1]
        return drops.astype(np.float64), survivors
    if lifetimes is None or observed is None:
        msg = "'observed' is required with 'lifetimes' (True where the churn was seen)"
        raise ValidationError(msg)
    periods = as_int_array("lifetimes", lifetimes, low=1)
    seen = as_bool_array("observed", observed)
    if len(seen) != len(periods):
        msg = f"arrays must have equal lengths (got lifetimes={len(periods)}, observed={len(seen)})"
        raise ValidationError(msg)
    n = int(periods.max())
    lost = np.bincount(periods[seen] - 1, minlength=n).astype(np.float64)
    censored = np.bincount(periods[~seen] - 1, minlength=n).astype(np.float64)
    return lost, censored


def _objective(lost: F, censored: F) -> Objective:
    t = np.arange(1, len(lost) + 1, dtype=np.float64)

    def f(theta: F) -> tuple[float, F]:
        sp = special()
        a, b = np.exp(theta)
        dg = sp.digamma
        base = sp.betaln(a, b)
        log_p = sp.betaln(a + 1, b + t - 1) - base
        log_s = sp.betaln(a, b + t) - base
        value = float(lost @ log_p + censored @ log_s)
        d_base = np.array([dg(a) - dg(a + b), dg(b) - dg(a + b)])
        d_p = np.array([dg(a + 1) - dg(a + b + t), dg(b + t - 1) - dg(a + b + t)])
        d_s = np.array([dg(a) - dg(a + b + t), dg(b + t) - dg(a + b + t)])
        grad = d_p @ lost + d_s @ censored - d_base * (lost.sum() + censored.sum())
        return value, grad * np.array([a, b])

    return f


class ShiftedBetaGeoModel(FittedModel[ShiftedBetaGeoParams]):
    """The sBG model of contractual retention, fitted by maximum likelihood.

    Hyperparameters as for :class:`~lifecycle.models.BetaGeoModel` (``unit`` only labels
    the period).

    Examples
    --------
    >>> model = ShiftedBetaGeoModel().fit(active=[1000, 631, 468, 382, 326, 289, 262, 241])
    >>> p = model.params_
    >>> round(p.alpha, 3), round(p.beta, 3), round(model.log_likelihood_, 2)
    (0.704, 1.182, -1680.27)
    """

    schema = "lifecycle.sbg/1"
    params_type = ShiftedBetaGeoParams
    param_names = ("alpha", "beta")

    def fit(
        self,
        active: ArrayLike | None = None,
        *,
        lifetimes: ArrayLike | None = None,
        observed: ArrayLike | None = None,
    ) -> ShiftedBetaGeoModel:
        """Fit to counts still active at the start of each period, or to per-customer lives.

        Parameters
        ----------
        active : array-like of int, optional
            Customers active at the start of periods 0, 1, ..., n (``active[0]``: the cohort).
        lifetimes : array-like of int, optional
            Per customer: the period in which they churned (``observed`` True) or the
            number of periods they have been seen renewing (``observed`` False).
        observed : array-like of bool, optional
            Whether each customer's churn was observed.

        Raises
        ------
        ValidationError
            Bad counts (negative, rising), mismatched lengths, nobody churning.
        ConvergenceError
            The fit did not converge (unless ``on_failure="warn"``).

        Examples
        --------
        >>> model = ShiftedBetaGeoModel().fit(active=[1000, 631, 468, 382, 326, 289, 262, 241])
        >>> model.converged_, model.n_customers_
        (True, 1000)
        >>> lives = ShiftedBetaGeoModel().fit(
        ...     lifetimes=[1, 1, 2, 3, 4], observed=[True, True, True, False, False]
        ... )
        >>> lives.n_customers_
        5
        """
        lost, censored = _counts(active, lifetimes, observed)
        if lost.sum() == 0:
            msg = "cannot fit: no customer churned in the data"
            raise ValidationError(msg)
        n = lost.sum() + censored.sum()
        values, value, converged, norm, errors = self._maximize(
            _objective(lost, censored), (1.0, 1.0), float(n)
        )
        self._set(values, value, round(n), converged, norm, errors)
        return self

    def _periods(self, t: ArrayLike, low: int) -> F:
        return as_int_array("t", np.atleast_1d(np.asarray(t)), low=low).astype(np.float64)

    def survival(self, t: ArrayLike) -> F:
        """Probability a new customer is still active after ``t`` periods, ``S(t)``.

        Examples
        --------
        >>> m = ShiftedBetaGeoModel.from_params(ShiftedBetaGeoParams(0.704, 1.182))
        >>> (1000 * m.survival([8, 9, 10, 11, 12])).round(1).tolist()
        [220.1, 204.4, 191.2, 179.9, 170.1]
        """
        p = self.params_
        tt = self._periods(t, 0)
        sp = special()
        out: F = np.exp(sp.betaln(p.alpha, p.beta + tt) - sp.betaln(p.alpha, p.beta))
        return out

    def churn_probability(self, t: ArrayLike) -> F:
        """Probability a new customer churns in period ``t`` (``t >= 1``), ``P(T = t)``.

        Examples
        --------
        >>> m = ShiftedBetaGeoModel.from_params(ShiftedBetaGeoParams(0.704, 1.182))
        >>> m.churn_probability([1, 2]).round(4).tolist()
        [0.3733, 0.1529]
        """
        p = self.params_
        tt = self._periods(t, 1)
        sp = special()
        out: F = np.exp(sp.betaln(p.alpha + 1, p.beta + tt - 1) - sp.betaln(p.alpha, p.beta))
        return out

    def retention_curve(self, t: ArrayLike) -> F:
        """Retention rate of period ``t`` (``t >= 1``): ``(beta + t - 1)/(alpha + beta + t - 1)``.

        It rises with ``t``: the customers most likely to churn leave first.

        Examples
        --------
        >>> m = ShiftedBetaGeoModel.from_params(ShiftedBetaGeoParams(0.704, 1.182))
        >>> m.retention_curve([1, 2, 10]).round(3).tolist()
        [0.627, 0.756, 0.935]
        """
        p = self.params_
        tt = self._periods(t, 1)
        out: F = (p.beta + tt - 1) / (p.alpha + p.beta + tt - 1)
        return out

    def expected_remaining_lifetime(self, renewals: ArrayLike = 0) -> F:
        """Expected further renewals of a customer who has renewed ``renewals`` times.

        ``(beta + n) / (alpha - 1)``, finite only when ``alpha > 1`` (``inf`` otherwise: the
        most loyal customers then almost never leave).

        Examples
        --------
        >>> m = ShiftedBetaGeoModel.from_params(ShiftedBetaGeoParams(1.5, 3.0))
        >>> m.expected_remaining_lifetime([0, 4]).tolist()
        [6.0, 14.0]
        """
        p = self.params_
        n = self._periods(renewals, 0)
        if p.alpha <= 1:
            return np.full(len(n), math.inf)
        out: F = (p.beta + n) / (p.alpha - 1)
        return out

    def discounted_expected_residual_lifetime(
        self, discount_rate: float, renewals: ArrayLike = 0
    ) -> F:
        """DERL: discounted expected future renewals, counting the coming one (FH 2010, eq. 6).

        ``(beta + n) / (alpha + beta + n) * 2F1(1, beta + n + 1; alpha + beta + n + 1; 1/(1+d))``
        for a customer with ``n`` renewals and discount rate ``d`` per period; multiply by
        the margin per period for a residual value.

        Examples
        --------
        >>> m = ShiftedBetaGeoModel.from_params(ShiftedBetaGeoParams(0.704, 1.182))
        >>> m.discounted_expected_residual_lifetime(0.1, [0, 4]).round(3).tolist()
        [2.965, 5.894]
        """
        if not isinstance(discount_rate, (int, float)) or not 0 < discount_rate < 10:
            msg = f"'discount_rate' must be a number in (0, 10) per period (got {discount_rate!r})"
            raise ValidationError(msg)
        p = self.params_
        n = self._periods(renewals, 0)
        z = 1 / (1 + discount_rate)
        head = (p.beta + n) / (p.alpha + p.beta + n)
        out: F = head * special().hyp2f1(1.0, p.beta + n + 1, p.alpha + p.beta + n + 1, z)
        return out

    def expected_active(self, cohort: int, t: ArrayLike) -> F:
        """Expected customers of a cohort still active after ``t`` periods.

        Examples
        --------
        >>> m = ShiftedBetaGeoModel.from_params(ShiftedBetaGeoParams(0.668, 3.806))
        >>> m.expected_active(1000, [8, 12]).round(1).tolist()
        [460.5, 378.0]
        """
        size = as_float_array("cohort", [cohort], low=0)[0]
        out: F = size * self.survival(t)
        return out
