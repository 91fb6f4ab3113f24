"""Static (time-invariant) covariates for the Pareto/NBD and BG/NBD models.

Each customer ``i`` has a row of covariates for the purchase process, ``x_i``, and one for
the dropout process, ``d_i`` (the two sets may differ, as in CLVTools). The heterogeneity
distributions' scale parameters move with them (Fader and Hardie 2007, "Incorporating
time-invariant covariates into the Pareto/NBD and BG/NBD models"):

- Pareto/NBD: ``alpha_i = alpha exp(-g_alpha' x_i)`` and ``beta_i = beta exp(-g_beta' d_i)``,
  so a positive coefficient raises the mean purchase rate ``r / alpha_i`` or the mean
  dropout rate ``s / beta_i`` by the factor ``exp(g' x)``.
- BG/NBD: ``alpha_i = alpha exp(-g_alpha' x_i)``, ``a_i = a exp(g_a' d_i)`` and
  ``b_i = b exp(g_b' d_i)``: the dropout process has two coefficient vectors, one for each
  Beta parameter (a positive ``g_a`` raises the mean dropout probability
  ``a_i / (a_i + b_i)``, a positive ``g_b`` lowers it). This is the form pymc-marketing's
  BG/NBD uses; CLVTools' ``bgnbd`` static-covariate functions take a single lifetime
  coefficient vector for both (the special case ``g_a = g_b``, not imposed here).

``r`` (and ``s``) stay common to everyone. With every coefficient 0 the models are the
plain ones, and ``params_`` keeps the papers' names for the base values (a customer whose
covariates are all 0 has exactly those parameters). The fit maximises the likelihood over
the logarithms of the base parameters and the coefficients together, with an analytic
gradient (the plain models' per-customer derivatives times ``dalpha_i/dg = -alpha_i x_i``
etc.); standard errors of the coefficients come from the same inverse Hessian as the
parameters'. Customers with equal histories and equal covariates are merged into one
weighted row, so a few binary covariates cost little.

References
----------
P. S. Fader and B. G. S. Hardie (2007), "Incorporating time-invariant covariates into the
Pareto/NBD and BG/NBD models", http://brucehardie.com/notes/019/. S. Gupta (1991),
"Stochastic models of interpurchase time with time-dependent covariates", Journal of
Marketing Research 28(1), 1-15.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array
from ..errors import ConvergenceError, ValidationError
from ..serialization import check_keys, decode_number, encode_number
from ..table import Table
from ._base import dropout_growth, log_scale_errors, maximize, special
from ._data import Compressed, _plain, check_rows, horizon, rfm_arrays, weights_array

__all__ = ["CovariateFit", "CovariateModel", "covariate_matrix"]

F = NDArray[np.float64]

PROCESSES = ("purchase", "dropout")


#: The largest covariate magnitude a fit accepts.
LARGEST_COVARIATE = 1e100


def covariate_matrix(
    name: str,
    value: object,
    n: int,
    *,
    customers: NDArray[Any] | None = None,
    names: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], F]:
    """Validated covariates: their names and an ``(n, k)`` float matrix.

    ``value`` is a 2-D array-like (columns named ``x1``, ``x2``, ...) or a mapping of named
    columns, such as a :class:`~lifecycle.table.Table` (a ``customer`` column, if present,
    must list the customers in the order of the data). Booleans count as 0/1. With
    ``names`` (the covariates a model was fitted with) the columns must be exactly those;
    without (a fit) no column may be constant: its coefficient could not be told apart from
    the base parameter.

    Examples
    --------
    >>> names, matrix = covariate_matrix("purchase_covariates", {"vip": [1, 0, 1]}, 3)
    >>> names, matrix.ravel().tolist()
    (('vip',), [1.0, 0.0, 1.0])
    >>> covariate_matrix("purchase_covariates", {"vip": [1, 1, 1]}, 3)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'purchase_covariates' column 'vip' is constant (every value 1.0): its coefficient cannot be estimated beside the base parameter; drop it
    """
    columns = _columns(name, value, customers)
    if names is not None:
        given = tuple(columns)
        if isinstance(value, (Mapping, Table)):
            if set(given) != set(names):
                msg = (
                    f"{name!r} must have the columns {list(names)} the model was fitted with "
                    f"(got {list(given)})"
                )
                raise ValidationError(msg)
            columns = {k: columns[k] for k in names}
        elif len(given) != len(names):
            msg = f"{name!r} must have {len(names)} columns, as in the fit (got {len(given)})"
            raise ValidationError(msg)
        else:
            columns = dict(zip(names, columns.values(), strict=True))
    for column, values in columns.items():
        where = f"{name!r} column {column!r}"
        if len(values) != n:
            msg = (
                f"{name!r} must have one row per customer "
                f"(got {len(values)} rows for {n} customers)"
            )
            raise ValidationError(msg)
        check_rows(f"{name}[{column}]", np.isnan(values), "a number (not NaN)", values, customers)
        # Beyond this a coefficient's variance (about 1/value^2) leaves the float range.
        check_rows(
            f"{name}[{column}]",
            np.abs(values) > LARGEST_COVARIATE,
            f"within +-{LARGEST_COVARIATE:g} (rescale it)",
            values,
            customers,
        )
        if names is None and n > 0 and (values == values[0]).all():
            msg = (
                f"{where} is constant (every value {values[0]}): its coefficient cannot be "
                "estimated beside the base parameter; drop it"
            )
            raise ValidationError(msg)
    matrix = np.column_stack(list(columns.values())) if columns else np.empty((n, 0))
    return tuple(columns), matrix.astype(np.float64)


def _columns(name: str, value: object, customers: NDArray[Any] | None) -> dict[str, F]:
    if isinstance(value, (Mapping, Table)):
        if "customer" in value:
            order = np.asarray(value["customer"])
            if customers is not None and not np.array_equal(order, customers):
                msg = f"{name!r} must list the customers in the order of the data's 'customer'"
                raise ValidationError(msg)
        raw = {str(k): v for k, v in value.items() if k != "customer"}
    else:
        matrix = np.asarray(value)
        if matrix.ndim != 2:
            msg = (
                f"{name!r} must be 2-dimensional (customers x covariates) or a mapping of "
                f"named columns (got shape {matrix.shape})"
            )
            raise ValidationError(msg)
        raw = {f"x{j + 1}": matrix[:, j] for j in range(matrix.shape[1])}
    if not raw:
        msg = f"{name!r} has no covariate column"
        raise ValidationError(msg)
    out = {}
    for column, values in raw.items():
        arr = np.asarray(values)
        if arr.dtype.kind == "b":
            arr = arr.astype(np.float64)
        out[column] = as_float_array(f"{name}[{column}]", arr, allow_nan=True)
    return out


@attrs.frozen
class CovariateFit:
    """A covariate fit: the covariates of each process and one coefficient per link.

    ``links`` are ``(parameter, process, sign)`` triples in the order of the coefficients:
    ``parameter_i = parameter exp(sign * g' covariates_i)``. ``estimates`` and
    ``standard_errors`` hold each link's coefficients in turn, one per covariate of its
    process.

    Examples
    --------
    >>> fit = CovariateFit(links=(("alpha", "purchase", -1),), purchase=("vip",), dropout=(),
    ...                    estimates=(0.69,), standard_errors=(0.1,))
    >>> fit.coefficients("alpha").tolist()
    [0.69]
    """

    links: tuple[tuple[str, str, int], ...]
    purchase: tuple[str, ...]
    dropout: tuple[str, ...]
    estimates: tuple[float, ...]
    standard_errors: tuple[float, ...]

    def names(self, process: str) -> tuple[str, ...]:
        """The covariates of ``process`` ("purchase" or "dropout").

        Examples
        --------
        >>> CovariateFit((("beta", "dropout", -1),), (), ("age",), (0.1,), (0.05,)).names("dropout")
        ('age',)
        """
        out: tuple[str, ...] = self.purchase if process == "purchase" else self.dropout
        return out

    def _slices(self) -> dict[str, slice]:
        out, start = {}, 0
        for parameter, process, _ in self.links:
            k = len(self.names(process))
            out[parameter] = slice(start, start + k)
            start += k
        return out

    def coefficients(self, parameter: str) -> F:
        """The coefficients that move ``parameter``.

        Examples
        --------
        >>> fit = CovariateFit((("beta", "dropout", -1),), (), ("age",), (0.1,), (0.05,))
        >>> fit.coefficients("beta")
        array([0.1])
        """
        return np.array(self.estimates[self._slices()[parameter]], dtype=np.float64)

    def with_estimates(self, estimates: F) -> CovariateFit:
        """The same fit with other coefficients (for the delta method).

        Examples
        --------
        >>> fit = CovariateFit((("beta", "dropout", -1),), (), ("age",), (0.1,), (0.05,))
        >>> fit.with_estimates(np.array([0.3])).estimates
        (0.3,)
        """
        return attrs.evolve(self, estimates=tuple(float(v) for v in estimates))

    def to_dict(self) -> dict[str, Any]:
        """Covariate names and, per parameter, each coefficient and its standard error.

        Examples
        --------
        >>> fit = CovariateFit((("beta", "dropout", -1),), (), ("age",), (0.1,), (0.05,))
        >>> data = fit.to_dict()
        >>> data["dropout"], data["coefficients"], data["standard_errors"]
        (['age'], {'beta': {'age': 0.1}}, {'beta': {'age': 0.05}})
        """
        slices = self._slices()
        out: dict[str, Any] = {"purchase": list(self.purchase), "dropout": list(self.dropout)}
        for key, values in (
            ("coefficients", self.estimates),
            ("standard_errors", self.standard_errors),
        ):
            out[key] = {
                parameter: {
                    name: encode_number(value)
                    for name, value in zip(
                        self.names(process), values[slices[parameter]], strict=True
                    )
                }
                for parameter, process, _ in self.links
            }
        return out

    @classmethod
    def from_dict(cls, data: Any, links: tuple[tuple[str, str, int], ...]) -> CovariateFit:
        """Rebuild from :meth:`to_dict` output for a model with these ``links``.

        Examples
        --------
        >>> fit = CovariateFit((("beta", "dropout", -1),), (), ("age",), (0.1,), (0.05,))
        >>> CovariateFit.from_dict(fit.to_dict(), fit.links) == fit
        True
        """
        keys = {"purchase", "dropout", "coefficients", "standard_errors"}
        check_keys(data, "covariates", required=keys)
        names = {p: tuple(str(n) for n in data[p]) for p in PROCESSES}
        values: dict[str, list[float]] = {"coefficients": [], "standard_errors": []}
        for key, found in values.items():
            by_parameter = check_keys(
                data[key], f"covariates {key}", required=[p for p, _, _ in links]
            )
            for parameter, process, _ in links:
                row = check_keys(
                    by_parameter[parameter],
                    f"covariates {key} {parameter}",
                    required=names[process],
                )
                found.extend(decode_number(row[n], f"covariates {key}") for n in names[process])
        return cls(
            links=links,
            purchase=names["purchase"],
            dropout=names["dropout"],
            estimates=tuple(values["coefficients"]),
            standard_errors=tuple(values["standard_errors"]),
        )


# ---------------------------------------------------------------------- per-customer maths
# The plain models' formulas with a parameter per customer: ``p`` maps each parameter name
# to an array with one value per row.


def _pareto_log_a(p: Mapping[str, F], x: F, t: F) -> tuple[F, F]:
    """``log A(t)`` of the Pareto/NBD likelihood per row, and its ``(4, n)`` gradient."""
    # Imported here: _paretonbd imports this module for its estimator.
    from ._paretonbd import log_a_by_row

    # Covariates move alpha and beta only: r and s are common to every row.
    r, s = p["r"], p["s"]
    if len(x) == 0:
        return np.empty(0), np.empty((4, 0))
    assert (r == r[0]).all()
    assert (s == s[0]).all()
    return log_a_by_row(float(r[0]), p["alpha"], float(s[0]), p["beta"], x, t)


def _pareto_terms(p: Mapping[str, F], x: F, tx: F, t: F) -> tuple[F, F, F]:
    """``(log L, log of the alive-at-T term, gradient (4, n))`` per row, for Pareto/NBD."""
    # Imported here: _paretonbd imports this module for its estimator.
    from ._paretonbd import bracket_terms

    sp = special()
    r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
    head = sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    la_t, lb_t = np.log(alpha + t), np.log(beta + t)
    t1 = -(r + x) * la_t - s * lb_t
    h_tx, g_tx = _pareto_log_a(p, x, tx)
    h_t, g_t = _pareto_log_a(p, x, t)
    top, e1, e2, e3, bracket = bracket_terms(t1, np.log(s) - np.log(r + s + x) + h_tx, h_t - h_tx)
    w1, w2, w3 = e1 / bracket, e2 / bracket, e3 / bracket
    zero = np.zeros_like(x)
    d_t1 = np.array([-la_t, -(r + x) / (alpha + t), -lb_t, -s / (beta + t)])
    d_c = np.array([-1 / (r + s + x), zero, 1 / s - 1 / (r + s + x), zero])
    d_head = np.array(
        [sp.digamma(r + x) - sp.digamma(r) + np.log(alpha), r / alpha, np.log(beta), s / beta]
    )
    grad = d_head + w1 * d_t1 + (w2 - w3) * d_c + w2 * g_tx - w3 * g_t
    log_bracket = top + np.log(bracket)
    return head + log_bracket, t1 - log_bracket, grad


def _bg_terms(p: Mapping[str, F], x: F, tx: F, t: F) -> tuple[F, F, F]:
    """``(log L, log P(alive), gradient (4, n))`` per row, for BG/NBD (equation 6)."""
    sp = special()
    dg = sp.digamma
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    repeat = x > 0
    bx1 = b + np.where(repeat, x - 1, 0.0)
    log_t, log_tx = np.log(alpha + t), np.log(alpha + tx)
    t1 = sp.betaln(a, b + x) - (r + x) * log_t
    t2 = np.where(repeat, sp.betaln(a + 1, bx1) - (r + x) * log_tx, -np.inf)
    both = np.logaddexp(t1, t2)
    value = sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(alpha) - sp.betaln(a, b) + both
    w1 = np.exp(t1 - both)
    w2 = 1 - w1
    dab = dg(a) - dg(a + b)
    dbb = dg(b) - dg(a + b)
    abx = dg(a + b + x)
    grad = np.array(
        [
            dg(r + x) - dg(r) + np.log(alpha) - w1 * log_t - w2 * log_tx,
            r / alpha - w1 * (r + x) / (alpha + t) - w2 * (r + x) / (alpha + tx),
            -dab + w1 * (dg(a) - abx) + w2 * np.where(repeat, dg(a + 1) - abx, 0.0),
            -dbb + w1 * (dg(b + x) - abx) + w2 * np.where(repeat, dg(bx1) - abx, 0.0),
        ]
    )
    return value, t1 - both, grad


def _bg_conditional(p: Mapping[str, F], ahead: F, x: F, tx: F, t: F, alive: F) -> F:
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    z = ahead / (alpha + t + ahead)
    out: F = (a + b + x - 1) * dropout_growth(a, b - 1 - r, b + x - 1, z) * alive
    return out


def _bg_expected(p: Mapping[str, F], t: F) -> F:
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    z = t / (alpha + t)
    out: F = (a + b - 1) * dropout_growth(a, b - 1 - r, b - 1, z)
    return out


def _pareto_conditional(p: Mapping[str, F], ahead: F, x: F, tx: F, t: F, alive: F) -> F:
    from ._paretonbd import _growth

    r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
    rate = (r + x) * (beta + t) / (alpha + t)
    # s is common to every customer, so the stable growth term of the plain model applies.
    out: F = rate * _growth(float(s[0]), np.log1p(ahead / (beta + t))) * alive
    return out


def _pareto_expected(p: Mapping[str, F], t: F) -> F:
    from ._paretonbd import _growth

    r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
    out: F = r * beta / alpha * _growth(float(s[0]), np.log1p(t / beta))
    return out


MATHS: dict[str, Any] = {
    "pareto_nbd": (_pareto_terms, _pareto_conditional, _pareto_expected),
    "bg_nbd": (_bg_terms, _bg_conditional, _bg_expected),
}


# ---------------------------------------------------------------------- the estimator side


class CovariateModel:
    """Covariate support for :class:`BetaGeoModel` and :class:`ParetoNBDModel`.

    A subclass sets ``covariate_links`` (``(parameter, process, sign)`` triples) and
    ``covariate_maths`` (a key of ``MATHS``); it is also a ``TransactionModel``.
    """

    covariate_links: ClassVar[tuple[tuple[str, str, int], ...]]
    covariate_maths: ClassVar[str]
    param_names: ClassVar[tuple[str, ...]]

    # ------------------------------------------------------------------ fit

    def _fit_with_covariates(
        self,
        data: Mapping[str, Any] | None,
        frequency: ArrayLike | None,
        recency: ArrayLike | None,
        T: ArrayLike | None,
        weights: ArrayLike | None,
        purchase_covariates: object,
        dropout_covariates: object,
    ) -> None:
        model: Any = self
        x, tx, t, customers = rfm_arrays(data, frequency=frequency, recency=recency, T=T)
        w = weights_array(weights, len(x))
        if not (x[w > 0] > 0).any():
            msg = "cannot fit: no customer has a repeat purchase (all frequency 0)"
            raise ValidationError(msg)
        names: dict[str, tuple[str, ...]] = {}
        matrices: dict[str, F] = {}
        for process, value in zip(
            PROCESSES, (purchase_covariates, dropout_covariates), strict=True
        ):
            if value is None:
                names[process], matrices[process] = (), np.empty((len(x), 0))
            else:
                names[process], matrices[process] = covariate_matrix(
                    f"{process}_covariates", value, len(x), customers=customers
                )
        rows = np.column_stack([x, tx, t, matrices["purchase"], matrices["dropout"]])
        unique, inverse = np.unique(rows[w > 0], axis=0, return_inverse=True)
        weight = np.bincount(inverse.ravel(), weights=w[w > 0]).astype(np.float64)
        kp = len(names["purchase"])
        packed = Compressed(
            x=unique[:, 0],
            tx=unique[:, 1],
            T=unique[:, 2],
            weight=weight,
            n_customers=round(float(w.sum())),
        )
        design = {"purchase": unique[:, 3 : 3 + kp], "dropout": unique[:, 3 + kp :]}
        empty = CovariateFit(
            links=self.covariate_links,
            purchase=names["purchase"],
            dropout=names["dropout"],
            estimates=(),
            standard_errors=(),
        )
        labels = [
            f"{parameter}:{name}"
            for parameter, process, _ in self.covariate_links
            for name in names[process]
        ]
        n_coef = len(labels)
        k = len(self.param_names)
        standard, to_model = self._standardized(design, weight, names)
        objective = self._covariate_objective(packed, standard, empty, n_coef)
        scale = float(weight.sum())
        penalizer = model.penalizer

        def penalized(theta: F) -> tuple[float, F]:
            value, grad = objective(theta)
            if penalizer:
                # The base parameters as in the plain models; the coefficients as ridge, both
                # in the model's own terms (not the standardised ones the optimiser sees).
                actual = to_model @ theta
                p = np.exp(actual[:k])
                g = actual[k:]
                value -= penalizer * scale * float(np.sum(p**2) + np.sum(g**2))
                grad = grad - penalizer * scale * (to_model.T @ np.concatenate([2 * p**2, 2 * g]))
            return value, grad

        # maximize works on logarithms: a coefficient g enters as exp(g), starting at 1.
        starts = [[*start, *([1.0] * n_coef)] for start in model._starts(model._start(packed))]
        values, value, converged, norm, covariance = maximize(
            penalized,
            starts,
            names=[*self.param_names, *labels],
            scale=scale,
            max_iter=model.max_iter,
            tol=model.tol,
            on_failure=model.on_failure,
        )
        theta = to_model @ np.log(values)
        covariance = to_model @ covariance @ to_model.T
        errors = np.sqrt(np.where(np.diag(covariance) > 0, np.diag(covariance), math.nan))
        fit = attrs.evolve(
            empty,
            estimates=tuple(float(v) for v in theta[k:]),
            standard_errors=tuple(float(v) for v in errors[k:]),
        )
        model._set(
            np.exp(theta[:k]),
            value,
            packed.n_customers,
            converged,
            norm,
            log_scale_errors(covariance[:k, :k], theta[:k]),
            covariance=covariance,
            covariates=fit,
        )

    def _standardized(
        self, design: Mapping[str, F], weight: F, names: Mapping[str, tuple[str, ...]]
    ) -> tuple[dict[str, F], F]:
        """The covariates centred and scaled, and the map from that fit back to the model's.

        The optimiser sees each covariate with weighted mean 0 and standard deviation 1, so
        income in cents and a 0/1 flag are fitted alike (raw, a covariate of 1e6 makes the
        likelihood so steep along its coefficient that Newton's method cannot converge).
        With ``c = (x - mean) / sd``, ``log p = theta + sign g' c`` is the model's
        ``log p = (theta - sign g' mean / sd) + sign (g' / sd) x``: a linear map ``A`` of
        (log base parameters, coefficients), returned with the centred covariates; the
        model's covariance is ``A C A^T``. A constant covariate is left as it is (the fit
        then names it as not identified).
        """
        k = len(self.param_names)
        index = {name: i for i, name in enumerate(self.param_names)}
        total = float(weight.sum())
        standard: dict[str, F] = {}
        centre: dict[str, F] = {}
        spread: dict[str, F] = {}
        for process, columns in design.items():
            # Measured in units of the largest value, so that squares of 1e200 cannot overflow.
            largest = np.abs(columns).max(axis=0, initial=0.0)
            unit = np.where(largest > 0, largest, 1.0)
            mean = weight @ (columns / unit) / total
            sd = np.sqrt(weight @ (columns / unit - mean) ** 2 / total) * unit
            mean *= unit
            flat = ~(sd > 0)
            mean[flat], sd[flat] = 0.0, 1.0
            centre[process], spread[process] = mean, sd
            standard[process] = (columns - mean) / sd
        size = k + sum(len(names[process]) for _, process, _ in self.covariate_links)
        to_model = np.eye(size)
        at = k
        for parameter, process, sign in self.covariate_links:
            for j in range(len(names[process])):
                to_model[at, at] = 1 / spread[process][j]
                to_model[index[parameter], at] = -sign * centre[process][j] / spread[process][j]
                at += 1
        return standard, to_model

    def _covariate_objective(
        self, packed: Compressed, design: Mapping[str, F], empty: CovariateFit, n_coef: int
    ) -> Any:
        """Log-likelihood and gradient in (log base parameters, coefficients)."""
        terms = MATHS[self.covariate_maths][0]
        k = len(self.param_names)
        index = {name: i for i, name in enumerate(self.param_names)}

        def f(theta: F) -> tuple[float, F]:
            fit = empty.with_estimates(theta[k:])
            base = dict(zip(self.param_names, np.exp(theta[:k]), strict=True))
            p = _rows(base, fit, design, len(packed.x))
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                value, _, grad = terms(p, packed.x, packed.tx, packed.T)
            # d log L / d log base_j = g_j p_j; d / d coefficient = sign g_j p_j covariate.
            scaled = grad * np.array([p[n] for n in self.param_names]) * packed.weight
            out = np.empty(k + n_coef)
            out[:k] = scaled.sum(axis=1)
            start = k
            for parameter, process, sign in self.covariate_links:
                m = design[process]
                out[start : start + m.shape[1]] = sign * (scaled[index[parameter]] @ m)
                start += m.shape[1]
            return float(packed.weight @ value), out

        return f

    # ------------------------------------------------------------------ predictions

    def _per_customer(
        self,
        n: int,
        customers: NDArray[Any] | None,
        purchase_covariates: object,
        dropout_covariates: object,
    ) -> dict[str, F] | None:
        """Each customer's parameters, or None for a model without covariates."""
        model: Any = self
        fit: CovariateFit | None = model._fitted().covariates
        given = {"purchase": purchase_covariates, "dropout": dropout_covariates}
        if fit is None:
            for process, value in given.items():
                if value is not None:
                    msg = (
                        "this model was fitted without covariates; "
                        f"do not give {process}_covariates"
                    )
                    raise ValidationError(msg)
            return None
        design = {}
        for process, value in given.items():
            names = fit.names(process)
            if not names:
                if value is not None:
                    msg = (
                        f"this model was fitted without {process} covariates; "
                        f"do not give {process}_covariates"
                    )
                    raise ValidationError(msg)
                design[process] = np.empty((n, 0))
                continue
            if value is None:
                msg = (
                    f"this model was fitted with {process} covariates {list(names)}: give "
                    f"{process}_covariates= with one row per customer"
                )
                raise ValidationError(msg)
            _, design[process] = covariate_matrix(
                f"{process}_covariates", value, n, customers=customers, names=names
            )
        params = model.params_
        base = {name: float(getattr(params, name)) for name in self.param_names}
        return _rows(base, fit, design, n)

    def _covariate_question(
        self,
        question: str,
        data: Mapping[str, Any] | None,
        frequency: ArrayLike | None,
        recency: ArrayLike | None,
        T: ArrayLike | None,
        purchase_covariates: object,
        dropout_covariates: object,
        ahead: ArrayLike = 0.0,
    ) -> F:
        """``probability_alive`` or ``conditional_expected_purchases``, covariates or not."""
        model: Any = self
        x, tx, t, customers = rfm_arrays(data, frequency=frequency, recency=recency, T=T)
        p = self._per_customer(len(x), customers, purchase_covariates, dropout_covariates)
        if p is None:
            if question == "alive":
                out: F = model._alive(model.params_, x, tx, t)
            else:
                out = model._conditional(
                    model.params_, horizon(ahead, model.params_.unit), x, tx, t
                )
            return out
        terms, conditional, _ = MATHS[self.covariate_maths]
        with np.errstate(all="ignore"):
            _, log_alive, _ = terms(p, x, tx, t)
        alive: F = np.exp(np.minimum(log_alive, 0.0))
        if question == "alive":
            return _known(alive, "P(alive)", p, customers)
        with np.errstate(all="ignore"):
            answer: F = conditional(
                p, horizon(ahead, model.params_.unit) + np.zeros(len(x)), x, tx, t, alive
            )
        return _known(answer, "the expected purchases", p, customers)

    def _covariate_expected(
        self, t: ArrayLike, purchase_covariates: object, dropout_covariates: object
    ) -> F | None:
        """Expected purchases of new customers with these covariates (None: no covariates)."""
        model: Any = self
        if (
            model._fitted().covariates is None
            and purchase_covariates is None
            and dropout_covariates is None
        ):
            return None
        n = _rows_given(purchase_covariates, dropout_covariates)
        p = self._per_customer(n, None, purchase_covariates, dropout_covariates)
        assert p is not None
        tt = np.broadcast_to(horizon(t, model.params_.unit), (n,))
        answer: F = MATHS[self.covariate_maths][2](p, tt)
        return answer

    # ------------------------------------------------------------------ reporting

    @property
    def coefficients_(self) -> Table:
        """The covariate coefficients with standard errors and 95% Wald intervals.

        One row per (parameter, covariate): ``process`` ("purchase" or "dropout"),
        ``parameter`` (the base parameter the coefficient moves), ``covariate``,
        ``estimate``, ``standard_error``, ``lower_95``, ``upper_95``. Empty for a model
        fitted without covariates.

        Examples
        --------
        >>> import numpy as np
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams, simulate
        >>> data = simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 300, T=39.0, seed=1)
        >>> vip = {"vip": np.arange(300) % 2}
        >>> model = BetaGeoModel(unit="W").fit(data, purchase_covariates=vip)
        >>> model.coefficients_.columns[:4]
        ('process', 'parameter', 'covariate', 'estimate')
        >>> model.coefficients_.covariate.tolist()
        ['vip']
        """
        model: Any = self
        fit: CovariateFit | None = model._fitted().covariates
        rows: list[tuple[str, str, str]] = []
        if fit is not None:
            rows = [
                (process, parameter, name)
                for parameter, process, _ in fit.links
                for name in fit.names(process)
            ]
        estimate = np.array(fit.estimates if fit else (), dtype=np.float64)
        error = np.array(fit.standard_errors if fit else (), dtype=np.float64)
        z = 1.959963984540054
        return Table(
            {
                "process": np.array([r[0] for r in rows], dtype=str),
                "parameter": np.array([r[1] for r in rows], dtype=str),
                "covariate": np.array([r[2] for r in rows], dtype=str),
                "estimate": estimate,
                "standard_error": error,
                "lower_95": estimate - z * error,
                "upper_95": estimate + z * error,
            }
        )

    def _covariates_from_dict(self, data: Any) -> CovariateFit | None:
        if data is None:
            return None
        return CovariateFit.from_dict(data, self.covariate_links)


def _rows(
    base: Mapping[str, float], fit: CovariateFit, design: Mapping[str, F], n: int
) -> dict[str, F]:
    """Each row's parameters: the base value times ``exp(sign * g' covariates)``."""
    out = {name: np.full(n, value) for name, value in base.items()}
    for parameter, process, sign in fit.links:
        # A parameter beyond the float range is inf (and its likelihood NaN, which the fit
        # steps back from and a question reports), not a warning.
        with np.errstate(over="ignore"):
            out[parameter] = base[parameter] * np.exp(
                sign * (design[process] @ fit.coefficients(parameter))
            )
    return out


def _known(values: F, what: str, p: Mapping[str, F], customers: NDArray[Any] | None) -> F:
    """``values``, or a ConvergenceError naming the first customer whose value is not known.

    A customer's covariates can move a parameter out of the float range (to 0 or inf),
    where the model is not defined, or past what the likelihood can be evaluated at
    (Pareto/NBD's alpha and beta too far apart for its series: NaN).
    """
    unknown = np.isnan(values)
    for column in p.values():
        unknown |= ~((column > 0) & (column < np.inf))
    if unknown.any():
        i = int(np.argmax(unknown))
        who = f"index {i}" if customers is None else f"customer {_plain(customers[i])!r}"
        shown = ", ".join(f"{name} = {column[i]:g}" for name, column in p.items())
        msg = (
            f"{what} cannot be computed for {who}: its parameters with its covariates "
            f"({shown}) are beyond what the likelihood can be evaluated at"
        )
        raise ConvergenceError(msg)
    return values


def _rows_given(purchase: object, dropout: object) -> int:
    """How many customers the covariates given describe (for questions without histories)."""
    for value in (purchase, dropout):
        if value is None:
            continue
        if isinstance(value, (Mapping, Table)):
            first = next((v for k, v in value.items() if k != "customer"), None)
            return 0 if first is None else len(np.asarray(first))
        return int(np.asarray(value).shape[0]) if np.asarray(value).ndim else 0
    return 0
