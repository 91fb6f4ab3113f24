"""Delta-method intervals on a fitted model's predictions.

A fit keeps the covariance ``V`` of its coordinates ``theta`` (the logarithms of the
parameters, then any covariate coefficients): the inverse of the negative Hessian of the
log-likelihood at the optimum. For a prediction ``f(theta)`` the delta method gives
``Var f ~ J V J'`` with ``J = df/dtheta``. ``J`` is taken by central differences in
``theta`` (step ``1e-5``, relative to ``max(1, |theta|)``): two evaluations of the
prediction per coordinate, each vectorised over every customer.

The interval is built on a scale where the prediction is unbounded and mapped back, so it
never leaves the valid range: on the logit scale for a probability (``probability_alive``
stays in ``[0, 1]``), on the log scale for counts and values (``expected_purchases``,
``conditional_expected_purchases``, ``conditional_expected_average_value`` stay > 0).
A prediction at the edge of its range (``P(alive) = 1`` exactly, as BG/NBD gives every
customer without a repeat purchase, or 0 purchases over ``t = 0``) does not move with the
parameters: its interval is that point. ``standard_error`` is the delta-method standard
error on the prediction's own scale.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..errors import ValidationError
from ..table import Table, import_optional

__all__ = ["PredictionIntervals"]

F = NDArray[np.float64]

#: The transaction models' questions with an interval, and the scale each is built on.
TRANSACTION_SCALES: Mapping[str, str] = {
    "expected_purchases": "log",
    "conditional_expected_purchases": "log",
    "probability_alive": "logit",
}


class PredictionIntervals:
    """The ``prediction_interval`` method of the fitted models."""

    interval_scales: ClassVar[Mapping[str, str]] = TRANSACTION_SCALES

    def prediction_interval(
        self, question: str, *args: Any, level: float = 0.95, **kwargs: Any
    ) -> Table:
        """A question's answer with its delta-method standard error and interval.

        ``question`` names a prediction method of the model; ``args`` and ``kwargs`` are
        what that method takes (customers, horizon, covariates). The interval is computed on
        the logit scale for probabilities and on the log scale for counts and values, so it
        stays in the valid range (see :mod:`lifecycle.models._intervals`).

        Returns
        -------
        Table
            ``customer`` (when the data given has it), ``estimate``, ``standard_error``,
            ``lower`` and ``upper`` (a ``level`` interval), one row per answer.

        Raises
        ------
        ValidationError
            An unknown question, a ``level`` outside (0, 1), or a model without a
            covariance (built by ``from_params``, or a fit that did not converge).

        Examples
        --------
        >>> from lifecycle.models import BetaGeoModel, simulate, BetaGeoParams
        >>> data = simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 500, T=39.0, seed=1)
        >>> model = BetaGeoModel(unit="W").fit(data)
        >>> table = model.prediction_interval(
        ...     "probability_alive", frequency=[2], recency=[30.43], T=[38.86])
        >>> table.columns
        ('estimate', 'standard_error', 'lower', 'upper')
        >>> bool(table.lower[0] < table.estimate[0] < table.upper[0] <= 1)
        True
        """
        check_choice("question", question, tuple(self.interval_scales))
        if not (isinstance(level, float) and 0 < level < 1):
            msg = f"'level' must be a float in (0, 1) (got {level!r})"
            raise ValidationError(msg)
        model: Any = self
        result = model._fitted()
        covariance = result.covariance
        if covariance is None or not np.isfinite(covariance).all():
            msg = (
                f"this {type(self).__name__} has no parameter covariance (it was built with "
                "from_params, or its fit did not converge): intervals need a converged fit"
            )
            raise ValidationError(msg)
        theta = _theta(result, model.param_names)

        def predict(at: F) -> F:
            moved = copy.copy(model)
            moved._result = _with_theta(result, model.param_names, at)
            return np.asarray(getattr(moved, question)(*args, **kwargs), dtype=np.float64)

        estimate = predict(theta)
        jacobian = np.empty((estimate.size, len(theta)))
        for j in range(len(theta)):
            h = 1e-5 * max(1.0, abs(float(theta[j])))
            up, down = theta.copy(), theta.copy()
            up[j] += h
            down[j] -= h
            jacobian[:, j] = (predict(up) - predict(down)).ravel() / (2 * h)
        flat = estimate.ravel()
        error = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", jacobian, covariance, jacobian), 0))
        lower, upper = _bounds(flat, error, self.interval_scales[question], level)
        data = kwargs.get("data", next((a for a in args if isinstance(a, (Mapping, Table))), None))
        columns: dict[str, Any] = {}
        if (
            isinstance(data, (Mapping, Table))
            and "customer" in data
            and len(data["customer"]) == flat.size
        ):
            columns["customer"] = np.asarray(data["customer"])
        columns.update(estimate=flat, standard_error=error, lower=lower, upper=upper)
        return Table(columns)


def _theta(result: Any, names: tuple[str, ...]) -> F:
    base = [math.log(getattr(result.params, n)) for n in names]
    extra = list(result.covariates.estimates) if result.covariates is not None else []
    return np.array([*base, *extra], dtype=np.float64)


def _with_theta(result: Any, names: tuple[str, ...], theta: F) -> Any:
    k = len(names)
    params = attrs.evolve(
        result.params, **{n: float(v) for n, v in zip(names, np.exp(theta[:k]), strict=True)}
    )
    covariates = result.covariates
    if covariates is not None:
        covariates = covariates.with_estimates(theta[k:])
    return attrs.evolve(result, params=params, covariates=covariates)


def _bounds(estimate: F, error: F, scale: str, level: float) -> tuple[F, F]:
    """The interval on ``scale`` ("log" or "logit"), mapped back; a point at the edges."""
    sp = import_optional("scipy.special", "models")
    z = float(sp.ndtri(0.5 + level / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale == "log":
            inside = estimate > 0
            spread = np.exp(z * error / estimate)
            lower, upper = estimate / spread, estimate * spread
        else:
            inside = (estimate > 0) & (estimate < 1)
            centre = sp.logit(estimate)
            half = z * error / (estimate * (1 - estimate))
            lower, upper = sp.expit(centre - half), sp.expit(centre + half)
    keep = inside & np.isfinite(lower) & np.isfinite(upper)
    return np.where(keep, lower, estimate), np.where(keep, upper, estimate)
