"""The Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"), and CLV.

A customer's transaction values are ``Gamma(p, nu)`` with ``nu ~ Gamma(q, gamma)`` across
customers, independent of the purchase process. For a repeat buyer with ``x`` repeat
purchases of mean value ``m`` the log-likelihood is::

    log G(px+q) - log G(px) - log G(q) + q log gamma + (px-1) log m + px log x
        - (px+q) log(gamma + m x)

Customers without a repeat purchase carry no information about spend (their
``monetary_value`` is 0 by definition) and are left out of the fit; ``n_customers_`` counts
the repeat buyers used.

References
----------
P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "RFM and CLV: using iso-value curves for
customer base analysis", Journal of Marketing Research 42(4), 415-430 (equations 1-5);
B. G. S. Hardie and P. S. Fader (2013), "The Gamma-Gamma model of monetary value".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array, check_choice
from ..errors import ValidationError
from ..table import Table
from ._base import FittedModel, Objective, dot, positive, special
from ._data import (
    MAX_HORIZON_YEARS,
    UNIT_DAYS,
    _column,
    check_rows,
    distinct_rows,
    longest_horizon,
    rfm_arrays,
    weights_array,
)
from ._intervals import PredictionIntervals

__all__ = ["GammaGammaModel", "GammaGammaParams", "customer_lifetime_value"]

F = NDArray[np.float64]


@attrs.frozen
class GammaGammaParams:
    """Gamma-Gamma parameters: values ``Gamma(p, nu)``, ``nu ~ Gamma(q, gamma)``.

    Values are in the major units of the currency they were fitted on.

    Examples
    --------
    >>> g = GammaGammaParams(6.25, 3.74, 15.44)
    >>> round(g.p * g.gamma / (g.q - 1), 2)  # the population mean spend per transaction
    35.22
    """

    p: float = attrs.field(validator=positive)
    q: float = attrs.field(validator=positive)
    gamma: float = attrs.field(validator=positive)


def _spend_arrays(
    data: Mapping[str, Any] | None,
    frequency: ArrayLike | None,
    monetary_value: ArrayLike | None,
    *,
    fitting: bool = False,
) -> tuple[F, F, NDArray[Any] | None]:
    customers = None if data is None or "customer" not in data else np.asarray(data["customer"])
    given = {}
    for name, value in (("frequency", frequency), ("monetary_value", monetary_value)):
        column = _column(name, data, value)
        if column is None:
            msg = f"{name!r} is required (give an rfm_summary table as 'data' or {name}=...)"
            raise ValidationError(msg)
        arr = as_float_array(name, column, allow_nan=True)
        check_rows(name, np.isnan(arr), "a number", arr, customers)
        check_rows(name, arr < 0, ">= 0", arr, customers)
        given[name] = arr
    x, m = given["frequency"], given["monetary_value"]
    if len(x) != len(m) or (customers is not None and len(customers) != len(x)):
        msg = f"arrays must have equal lengths (got frequency={len(x)}, monetary_value={len(m)})"
        raise ValidationError(msg)
    check_rows("frequency", x != np.floor(x), "a whole number", x, customers)
    if fitting:  # the Gamma likelihood needs positive values; predictions do not
        check_rows("monetary_value", (x > 0) & (m == 0), "> 0 for a repeat buyer", m, customers)
    return x, m, customers


def _loglik_grad(theta: tuple[float, float, float], x: F, m: F, w: F) -> tuple[float, F]:
    sp = special()
    p, q, g = theta
    px = p * x
    log_gm = np.log(g + m * x)
    value = (
        sp.gammaln(px + q)
        - sp.gammaln(px)
        - sp.gammaln(q)
        + q * math.log(g)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_gm
    )
    dpq = sp.digamma(px + q)
    d_p = x * (dpq - sp.digamma(px) + np.log(m) + np.log(x) - log_gm)
    d_q = dpq - sp.digamma(q) + math.log(g) - log_gm
    d_g = q / g - (px + q) / (g + m * x)
    return dot(w, value), np.array([dot(w, d_p), dot(w, d_q), dot(w, d_g)])


def _objective(x: F, m: F, w: F) -> Objective:
    def f(theta: F) -> tuple[float, F]:
        v = np.exp(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            value, grad = _loglik_grad((v[0], v[1], v[2]), x, m, w)
        return value, grad * v

    return f


class GammaGammaModel(FittedModel[GammaGammaParams], PredictionIntervals):
    """The Gamma-Gamma model of spend per transaction, fitted on the repeat buyers.

    Hyperparameters as for :class:`~lifecycle.models.BetaGeoModel` (``unit`` is unused by
    the spend model itself; CLV takes the transaction model's unit).

    Examples
    --------
    >>> from lifecycle import rfm_summary
    >>> from lifecycle.datasets import load_cdnow
    >>> rfm = rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")
    >>> spent = rfm.monetary_value > 0  # a few repeat purchases were free; Gamma needs > 0
    >>> model = GammaGammaModel().fit(frequency=rfm.frequency[spent],
    ...                               monetary_value=rfm.monetary_value[spent])
    >>> model.n_customers_ == int(spent.sum())
    True
    """

    schema = "lifecycle.gamma_gamma/1"
    params_type = GammaGammaParams
    param_names = ("p", "q", "gamma")
    interval_scales: ClassVar[Mapping[str, str]] = {"conditional_expected_average_value": "log"}

    def fit(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        monetary_value: ArrayLike | None = None,
        weights: ArrayLike | None = None,
    ) -> GammaGammaModel:
        """Fit on the customers with ``frequency > 0``; returns ``self``.

        Raises
        ------
        ValidationError
            Bad input, naming the first bad customer, or no repeat buyer.
        ConvergenceError
            The fit did not converge (unless ``on_failure="warn"``).

        Examples
        --------
        >>> model = GammaGammaModel().fit(
        ...     frequency=[1, 2, 3, 1, 4, 2, 5, 1, 1, 2],
        ...     monetary_value=[20, 55, 30, 8, 140, 22, 35, 15, 90, 12],
        ... )
        >>> model.converged_, model.n_customers_
        (True, 10)
        """
        x, m, _ = _spend_arrays(data, frequency, monetary_value, fitting=True)
        w = weights_array(weights, len(x))
        used = (x > 0) & (w > 0)
        if not used.any():
            msg = "cannot fit: no customer has a repeat purchase (all frequency 0)"
            raise ValidationError(msg)
        x, m, w = x[used], m[used], w[used]
        scale = float(w.sum())
        values, value, converged, norm, errors = self._maximize(
            _objective(x, m, w), (1.0, 1.0, float(np.average(m, weights=w))), scale
        )
        self._set(values, value, round(scale), converged, norm, errors)
        return self

    def conditional_expected_average_value(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        monetary_value: ArrayLike | None = None,
    ) -> F:
        """Expected value of each customer's future transactions (equation 5).

        ``(q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * m``: a weighted mean of the
        population mean and the customer's own mean; the population mean for ``x = 0``.

        Examples
        --------
        >>> m = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
        >>> m.conditional_expected_average_value(frequency=[0, 2, 10],
        ...                                      monetary_value=[0, 20, 20]).round(2).tolist()
        [35.22, 22.74, 20.64]
        """
        x, m, _ = _spend_arrays(data, frequency, monetary_value)
        return _expected_value(self.params_, x, m)

    def customer_lifetime_value(
        self,
        transaction_model: Any,
        data: Mapping[str, Any] | None = None,
        *,
        frequency: ArrayLike | None = None,
        recency: ArrayLike | None = None,
        T: ArrayLike | None = None,
        monetary_value: ArrayLike | None = None,
        horizon: int,
        discount_rate: float,
        unit: str = "M",
        discounting: str = "discrete",
    ) -> Table:
        """Discounted expected value per period over ``horizon`` periods; see the function.

        Examples
        --------
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> bg = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
        >>> gg = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
        >>> clv = gg.customer_lifetime_value(bg, frequency=[2], recency=[30.43], T=[38.86],
        ...     monetary_value=[20.0], horizon=3, discount_rate=0.01)
        >>> clv.columns
        ('period_1', 'period_2', 'period_3', 'clv')
        """
        return customer_lifetime_value(
            transaction_model,
            self,
            data,
            frequency=frequency,
            recency=recency,
            T=T,
            monetary_value=monetary_value,
            horizon=horizon,
            discount_rate=discount_rate,
            unit=unit,
            discounting=discounting,
        )


def _expected_value(params: GammaGammaParams, x: F, m: F) -> F:
    p, q, g = params.p, params.q, params.gamma
    out: F = (p * (g + x * m)) / (p * x + q - 1)
    return out


def customer_lifetime_value(
    transaction_model: Any,
    spend_model: GammaGammaModel,
    data: Mapping[str, Any] | None = None,
    *,
    frequency: ArrayLike | None = None,
    recency: ArrayLike | None = None,
    T: ArrayLike | None = None,
    monetary_value: ArrayLike | None = None,
    horizon: int,
    discount_rate: float,
    unit: str = "M",
    discounting: str = "discrete",
) -> Table:
    """Each customer's discounted expected value in each of ``horizon`` periods, and the sum.

    Period ``i`` (of length ``unit``: ``"M"`` is 365.25/12 days, never a hidden 30) holds
    the transaction model's expected purchases in that period times the Gamma-Gamma expected
    value per transaction, discounted per period: ``/ (1 + d)^i`` (``"discrete"``) or
    ``* exp(-d i)`` (``"continuous"``), ``d`` the rate per period. The period length is
    converted to the transaction model's own unit (stored on its parameters).

    Returns
    -------
    Table
        ``customer`` (when ``data`` has it), ``period_1`` .. ``period_<horizon>`` and
        ``clv`` (their sum), in the currency ``monetary_value`` is in.

    Examples
    --------
    >>> from lifecycle.models import BetaGeoModel, BetaGeoParams, GammaGammaParams
    >>> bg = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
    >>> gg = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
    >>> clv = customer_lifetime_value(bg, gg, frequency=[2, 0], recency=[30.43, 0],
    ...     T=[38.86, 38.86], monetary_value=[20.0, 0], horizon=12, discount_rate=0.01)
    >>> clv["clv"].round(2).tolist()
    [33.47, 8.36]
    """
    if not isinstance(horizon, int) or isinstance(horizon, bool) or horizon < 1:
        msg = f"'horizon' must be an int >= 1 (number of periods) (got {horizon!r})"
        raise ValidationError(msg)
    if not isinstance(discount_rate, (int, float)) or not 0 <= discount_rate < 10:
        msg = f"'discount_rate' must be a number in [0, 10) per period (got {discount_rate!r})"
        raise ValidationError(msg)
    check_choice("unit", unit, tuple(UNIT_DAYS))
    check_choice("discounting", discounting, ("discrete", "continuous"))
    longest = int(longest_horizon(unit))
    if horizon > longest:
        msg = (
            f"'horizon' must be at most {MAX_HORIZON_YEARS:,} years: {longest:,} periods of unit "
            f"{unit!r} (got {horizon:,})"
        )
        raise ValidationError(msg)
    x, tx, tt, customers = rfm_arrays(data, frequency=frequency, recency=recency, T=T)
    _, m, _ = _spend_arrays(data, x if data is None else None, monetary_value)
    if len(m) != len(x):
        msg = f"arrays must have equal lengths (got frequency={len(x)}, monetary_value={len(m)})"
        raise ValidationError(msg)
    value = _expected_value(spend_model.params_, x, m)
    step = UNIT_DAYS[unit] / UNIT_DAYS[transaction_model.params_.unit]
    # Every period end of every distinct history in one call: customers with equal
    # (frequency, recency, T) have equal expectations, and the period ends as a column
    # broadcast against the histories (periods x histories), so a model computes what does
    # not depend on the period (P(alive)) once per history.
    ux, utx, ut, row = distinct_rows(x, tx, tt)
    ends = np.arange(1, horizon + 1, dtype=np.float64)
    upto = np.broadcast_to(
        transaction_model.conditional_expected_purchases(
            (ends * step)[:, None], frequency=ux, recency=utx, T=ut
        ),
        (horizon, len(ux)),
    )
    per_period = np.diff(upto, axis=0, prepend=0.0)[:, row]
    if discounting == "discrete":
        factor = (1 + discount_rate) ** -ends
    else:
        factor = np.exp(-discount_rate * ends)
    periods = per_period * (factor[:, None] * value)
    columns: dict[str, Any] = {} if customers is None else {"customer": customers}
    for i in range(horizon):
        columns[f"period_{i + 1}"] = periods[i]
    columns["clv"] = periods.sum(axis=0)
    return Table(columns)
