"""What every fitted model shares: parameters, the maximum-likelihood fit, diagnostics.

A model's maths lives in pure functions of its parameters (``_bgnbd.py`` and siblings); the
estimator classes are thin wrappers following scikit-learn's contract: hyperparameters in a
keyword-only ``__init__``, ``fit`` returns ``self``, learned state in trailing-underscore
attributes that raise :class:`~lifecycle.errors.NotFittedError` before ``fit``, and no
training data kept.

The fit maximises the log-likelihood over the logarithms of the parameters (so they stay
positive), each bounded to ``[1e-8, 1e8]``, from several starting points, by Newton's
method: the models' analytic gradients, the Hessian in closed form where the model has one
(BG/NBD, Pareto/NBD) or else differenced from the gradient (kept while the steps keep cutting the
gradient tenfold), and a backtracking line search. Later starts stop once they reach the
first one's optimum (see :func:`maximize` for what guards against a local optimum). A fit
that ends at a bound, with a large gradient, with the optimiser's failure, or on a ridge
where the data do not identify a parameter raises
:class:`~lifecycle.errors.ConvergenceError` naming the cause (or warns, if asked).
Standard errors come from the inverse of the Hessian of the log-likelihood at the optimum
(the optimiser's own where it was taken there); that inverse (the covariance of the
log-parameters) is kept for the delta-method intervals of
:mod:`lifecycle.models._intervals`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_choice
from ..errors import ConvergenceError, NotFittedError, SchemaError, ValidationError
from ..serialization import check_keys, check_schema, decode_number, encode_number
from ..table import Table, import_optional
from ._data import UNIT_DAYS, Compressed, compress, horizon, rfm_arrays, weights_array
from ._intervals import PredictionIntervals

__all__ = [
    "ExactTerms",
    "FitResult",
    "FittedModel",
    "Hessian",
    "Objective",
    "TransactionModel",
    "dot",
    "dropout_growth",
    "maximize",
    "positive",
    "special",
    "unit_field",
]

LOG_BOUND = math.log(1e8)
#: The largest Newton step in any log-parameter (a factor of e in the parameter).
MAX_STEP = 1.0

#: ``(theta) -> (log-likelihood, gradient in theta)`` for log-parameters ``theta``. A model
#: whose Hessian has a closed form gives its objective a ``hessian(theta)`` method too (see
#: ``FittedModel._maximize``); the others' Hessians are differenced from the gradient.
Objective = Callable[[NDArray[np.float64]], tuple[float, NDArray[np.float64]]]
#: ``(theta) -> Hessian in theta`` of an objective.
Hessian = Callable[[NDArray[np.float64]], NDArray[np.float64]]
#: The smallest curvature, relative to the largest, of a log-likelihood whose data identify
#: every parameter (see ``_unidentified``).
MIN_CURVATURE = 1e-9


#: ``(theta, log-likelihood, gradient, Hessian)`` of one evaluation of an ``ExactTerms``.
_Evaluation = tuple[NDArray[np.float64], float, NDArray[np.float64], NDArray[np.float64]]


class ExactTerms:
    """An objective with a closed-form Hessian, kept from its evaluations (a base).

    A subclass computes the log-likelihood, gradient and Hessian together in ``_terms``.
    The last evaluation and the best one (highest finite value) are kept, so the
    optimiser's Hessian after a line search, and the value, gradient and Hessian at the
    optimum once every start has run, cost no further evaluation.
    """

    def __init__(self) -> None:
        self.last: _Evaluation | None = None
        self.best: _Evaluation | None = None

    def __call__(self, theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        _, value, grad, _ = self._evaluate(theta)
        return value, grad

    def hessian(self, theta: NDArray[np.float64]) -> NDArray[np.float64]:
        """The Hessian in log-parameters at ``theta``."""
        return self._evaluate(theta)[3]

    def _evaluate(self, theta: NDArray[np.float64]) -> _Evaluation:
        for kept in (self.last, self.best):
            if kept is not None and np.array_equal(kept[0], theta):
                return kept
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            value, grad, hess = self._terms(theta)
        self.last = (theta.copy(), value, grad, hess)
        if math.isfinite(value) and (self.best is None or value > self.best[1]):
            self.best = self.last
        return self.last

    def _terms(
        self, theta: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
        raise NotImplementedError


def dot(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """``a @ b`` for long vectors without BLAS.

    A threaded BLAS dot product stalls for milliseconds when the machine is busy; a fit
    calls this hundreds of times, so it sums in NumPy's own loop instead.
    """
    return float(np.einsum("i,i->", a, b))


def special() -> Any:
    """``scipy.special``, imported on first use (the ``models`` extra)."""
    return import_optional("scipy.special", "models")


#: How far either side of ``a = 1`` :func:`dropout_growth` looks for its limit there.
GROWTH_STEP = 1e-6


def dropout_growth(
    a: ArrayLike, first: ArrayLike, last: ArrayLike, z: ArrayLike
) -> NDArray[np.float64]:
    """``(1 - (1-z)^(a-1) 2F1(a+first, a-1; a+last; z)) / (a-1)``, finite at ``a = 1``.

    BG/NBD and MBG/NBD's expected purchases (Euler's transform of the hypergeometric
    term, which stays finite for large counts) divide by ``a - 1``. The singularity at
    ``a = 1`` is removable: within ``1e-6`` of it the value is interpolated between
    ``a = 1 +- 1e-6`` (the function is smooth in ``a``: the line is off by about ``1e-12``,
    and each side's cancellation costs about ``1e-10``), where dividing would give NaN, a
    ``ZeroDivisionError`` for one number, or, at ``a = 1 - 5e-16``, a negative number of
    purchases.

    Examples
    --------
    >>> near = dropout_growth([1.0 + 1e-4, 1.0], 1.0, 2.0, 0.5)
    >>> bool(abs(near[0] - near[1]) < 1e-3 * near[1])
    True
    """
    sp = special()
    a, first, last, z = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (a, first, last, z))
    )

    def growth(at: NDArray[np.float64]) -> NDArray[np.float64]:
        eps = at - 1
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            tail = (1 - z) ** eps * sp.hyp2f1(at + first, eps, at + last, z)
            # For a large a near z = 1 SciPy's 2F1 of Euler's form fails (NaN or inf); the
            # untransformed form, (1-z)^(last-first) 2F1(last-first, last+1; a+last; z),
            # converges at z = 1 exactly there (a - 1 > last - first).
            failed = ~np.isfinite(tail)
            if failed.any():
                plain = (1 - z) ** (last - first) * sp.hyp2f1(last - first, last + 1, at + last, z)
                tail = np.where(failed, plain, tail)
            out: NDArray[np.float64] = (1 - tail) / np.where(eps == 0, np.nan, eps)
        return out

    out = growth(a)
    near = np.abs(a - 1) < GROWTH_STEP
    if near.any():
        ones = np.ones_like(a)
        below, above = growth(ones - GROWTH_STEP), growth(ones + GROWTH_STEP)
        share = (a - 1 + GROWTH_STEP) / (2 * GROWTH_STEP)
        out[near] = (below + share * (above - below))[near]
    unknown = ~np.isfinite(out)
    if unknown.sum() > MAX_QUADRATURES:
        msg = (
            f"the expected purchases cannot be computed for {int(unknown.sum()):,} customers "
            f"and horizons (SciPy's hypergeometric function fails there, as at a = "
            f"{a[unknown][0]:g}, z = {z[unknown][0]:.17g}), more than the "
            f"{MAX_QUADRATURES:,} a numerical integral is taken for"
        )
        raise ConvergenceError(msg)
    for i in zip(*np.nonzero(unknown), strict=True):
        out[i] = _growth_by_quadrature(float(a[i]), float(first[i]), float(last[i]), float(z[i]))
    return out


#: The most values :func:`dropout_growth` integrates numerically in one call.
MAX_QUADRATURES = 10_000


def _growth_by_quadrature(a: float, first: float, last: float, z: float) -> float:
    """:func:`dropout_growth` as an integral over the dropout probability ``p``.

    For BG/NBD (``E[X(t) | p] = (1 - (1 + p t/alpha)^-r) / p``, mixed over ``p ~ Beta(a,
    b)``) and its siblings, ``dropout_growth = E[(1 - (1 + p w)^-(last-first)) / p] / (a +
    last)`` with ``p ~ Beta(a, last + 1)`` and ``w = z / (1-z)``. Integrated over ``log p``,
    where the Beta density and the turn of the integrand near ``p w (last-first) = 1`` are
    smooth, in pieces split at both and down to where ``p^a`` has fallen by ``e^-45``, to a
    relative ``1e-12``: the way out where SciPy's 2F1 fails in both forms (large ``b`` or
    ``r`` near ``z = 1``; SciPy 1.17 even gives inf for ``2F1(9, 2.16; 105.2; 0.998)``).
    It agrees with 40-digit arithmetic to about 1e-12 there.
    """
    sp = special()
    integrate = import_optional("scipy.integrate", "models")
    count, shape = last - first, last + 1
    w = z / (1 - z)
    norm = float(sp.betaln(a, shape))

    def integrand(log_p: float) -> float:
        p = math.exp(log_p)
        if p >= 1:
            return 0.0
        # Below 1e-300 (subnormal p) the quotient is count * w to the last digit, and
        # computing it would only add rounding noise.
        lost = -math.expm1(-count * math.log1p(p * w)) / p if p > 1e-300 else count * w
        return lost * math.exp(a * log_p + (shape - 1) * math.log1p(-p) - norm)

    mode = math.log(a / (a + shape - 1))
    turn = -math.log(max(w * count, 1e-300))
    low = min(mode, turn, -1.0) - 45.0 / min(a, 1.0) - 45.0
    spread = 5.0 / math.sqrt(a + shape)
    points = sorted(
        {low, 0.0} | {v for v in (mode, mode - spread, mode + spread, turn) if low < v < 0}
    )
    pieces = list(itertools.pairwise(points))
    # Below ``low`` the integrand is at most count * w * e^(a log p - norm).
    tail = count * w * math.exp(a * low - norm) / a
    cause = ""
    with warnings.catch_warnings():
        warnings.simplefilter("error", integrate.IntegrationWarning)
        try:
            rough = sum(
                integrate.quad(integrand, u, v, epsrel=1e-6, limit=200)[0] for u, v in pieces
            )
            value = sum(
                integrate.quad(integrand, u, v, epsabs=1e-14 * rough, epsrel=1e-12, limit=200)[0]
                for u, v in pieces
            )
        except integrate.IntegrationWarning as warning:
            value, cause = math.nan, f" ({str(warning).splitlines()[0]})"
    if not (math.isfinite(value) and tail <= 1e-13 * value):
        msg = (
            f"the expected purchases cannot be computed at a = {a:g}, z = {z:.17g}: neither "
            f"SciPy's hypergeometric function nor its integral converges{cause}"
        )
        raise ConvergenceError(msg)
    return float(value) / (a + last)


def positive(_: object, attribute: Any, value: float) -> None:
    """An attrs validator: a finite number > 0 (not a bool).

    Examples
    --------
    >>> @attrs.frozen
    ... class P:
    ...     r: float = attrs.field(validator=positive)
    >>> P(-1.0)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'r' must be a finite number > 0 (got -1.0)
    """
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)) or float(value) <= 0:
        msg = f"{attribute.name!r} must be a finite number > 0 (got {value!r})"
        raise ValidationError(msg)


def _check_unit(_: object, attribute: Any, value: object) -> None:
    check_choice(attribute.name, value, tuple(UNIT_DAYS))


def unit_field(default: str = "D") -> Any:
    """An attrs field for the time unit a model's parameters are in."""
    return attrs.field(default=default, validator=_check_unit, kw_only=True)


@attrs.frozen
class FitResult:
    """What a fit learned, kept by the estimator (no training data).

    ``covariance`` is the inverse of the negative Hessian in the fitted coordinates (the
    logarithms of the parameters, then any covariate coefficients), or None when unknown;
    ``covariates`` holds a covariate fit's coefficients (see ``_covariates``).
    """

    params: Any
    log_likelihood: float
    n_customers: int
    standard_errors: tuple[float, ...]
    converged: bool
    gradient_norm: float
    covariance: NDArray[np.float64] | None = attrs.field(default=None, eq=False, repr=False)
    covariates: Any = attrs.field(default=None, eq=False)


def _covariance(hess: NDArray[np.float64]) -> NDArray[np.float64]:
    """Inverse of the negative Hessian ``hess`` (all NaN if it is singular)."""
    try:
        cov = np.asarray(np.linalg.inv(-hess), dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.full(hess.shape, math.nan)
    return cov


def log_scale_errors(
    covariance: NDArray[np.float64], theta: NDArray[np.float64]
) -> tuple[float, ...]:
    """Standard errors of ``exp(theta)`` (the parameters, not their logs), by the delta method."""
    var = np.diag(covariance) * np.exp(2 * theta)
    return tuple(float(math.sqrt(v)) if v > 0 else math.nan for v in var)


def maximize(
    objective: Objective,
    starts: Sequence[Sequence[float]],
    *,
    names: Sequence[str],
    scale: float,
    max_iter: int,
    tol: float,
    on_failure: str,
    hessian: Hessian | None = None,
) -> tuple[NDArray[np.float64], float, bool, float, NDArray[np.float64]]:
    """Maximise ``objective`` over log-parameters from each start; keep the best.

    Returns the parameters, the log-likelihood, whether the fit converged, the gradient norm
    (of the log-likelihood per customer, in log-parameters) and the covariance of ``theta``
    (the inverse of the negative Hessian; NaN unless the fit converged).
    ``scale`` (the number of customers) makes the optimiser see a mean log-likelihood, so
    its tolerances mean the same for 100 customers and for 10 million. ``hessian``, the
    objective's Hessian in closed form, replaces the differenced one everywhere.

    What guards against a local optimum: the first start is run to convergence; each later
    start runs until it either comes within ``NEAR`` of the best optimum so far in every
    log-parameter (it is climbing the same peak: it stops there, and the starts agree),
    converges elsewhere (the better optimum is kept, and the next start tried), or has not
    climbed above the best in ``LATER_STEPS`` steps or steps out of where the likelihood
    is finite while below the best (it is left, and the next start tried). Two starts that
    agree settle it. At the end the Hessian must be negative definite with no curvature
    below ``MIN_CURVATURE`` of the largest (else a parameter is not identified by the data
    and the fit fails, naming it).
    """

    def negative_mean(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        value, grad = objective(theta)
        if not math.isfinite(value):
            return math.inf, np.zeros_like(theta)
        return -value / scale, -grad / scale

    mean_hessian = None if hessian is None else _scaled(hessian, -1 / scale)
    best: _Minimum | None = None
    for start in starts:
        theta0 = np.log(np.asarray(start, dtype=np.float64))
        near = None if best is None else best.x
        result = _newton(
            negative_mean,
            theta0,
            max_iter=max_iter,
            tol=tol,
            hessian=mean_hessian,
            near=near,
            beat=math.inf if best is None else best.fun,
        )
        if not math.isfinite(result.fun):
            continue
        if result.near:
            break
        agree = best is not None and abs(result.fun - best.fun) < 1e-8 * max(1.0, abs(best.fun))
        if best is None or result.fun < best.fun:
            best = result
        if agree:
            break
    if best is None:
        _fail("the log-likelihood is not finite at any starting point", on_failure)
        n = len(starts[0])
        return np.full(n, math.nan), math.nan, False, math.nan, np.full((n, n), math.nan)
    theta = np.asarray(best.x, dtype=np.float64)
    value, grad = objective(theta)
    gradient_norm = float(np.linalg.norm(grad / scale))
    causes = []
    at_bound = [names[i] for i in range(len(theta)) if abs(theta[i]) > LOG_BOUND - 1e-3]
    if at_bound:
        side = ["1e8" if theta[names.index(n)] > 0 else "1e-8" for n in at_bound]
        shown = ", ".join(f"{n!r} -> {s}" for n, s in zip(at_bound, side, strict=True))
        causes.append(f"parameters ran to a bound ({shown}); the data do not identify them")
    # A line search can fail at an optimum that floating point cannot improve; the
    # gradient decides.
    if gradient_norm > max(1e-5, 100 * tol):
        causes.append(
            f"the gradient norm is {gradient_norm:.3g} at the end (optimiser: {best.message})"
        )
    n = len(theta)
    hess = np.full((n, n), math.nan)
    if not causes:
        hess = _final_hessian(objective, theta, grad, best, hessian, scale)
        flat = _unidentified(hess, names)
        if flat:
            causes.append(flat)
    converged = not causes
    if causes:
        _fail("; ".join(causes), on_failure)
    covariance = _covariance(hess) if converged else np.full((n, n), math.nan)
    return np.exp(theta), value, converged, gradient_norm, covariance


#: How many Newton steps a later start gets to climb above the best optimum so far, or come
#: near it: one that has done neither is on another slope (often a ridge out to a boundary,
#: where every step costs more and gains less) and is left there. Newton's method from any
#: start so far has reached its optimum in under 20 steps.
LATER_STEPS = 40

#: How many steps in a row a start may run into where the objective is not finite (and be
#: cut short) before it stops there.
WALLED_STEPS = 10

#: How close (in every log-parameter) a later start must come to the best optimum so far
#: to count as climbing the same peak: 0.1% in each parameter.
NEAR = 1e-3


def _scaled(hessian: Hessian, factor: float) -> Hessian:
    def scaled(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        return factor * hessian(theta)

    return scaled


def _final_hessian(
    objective: Objective,
    theta: NDArray[np.float64],
    grad: NDArray[np.float64],
    best: _Minimum,
    hessian: Hessian | None,
    scale: float,
) -> NDArray[np.float64]:
    """The log-likelihood's Hessian at the optimum ``theta``.

    In closed form if the model has one; else the optimiser's last differenced Hessian
    when it was taken within ``1e-4`` of ``theta`` in every log-parameter (the last Newton
    steps are that short), else forward differences of its gradient ``grad``.
    """
    if hessian is not None:
        return hessian(theta)
    if best.hessian is not None and float(np.abs(best.hessian_at - theta).max()) <= 1e-4:
        return -scale * best.hessian
    return _forward_hessian(objective, theta, grad)


def _unidentified(hess: NDArray[np.float64], names: Sequence[str]) -> str | None:
    """Why the data do not identify a parameter, or None if they do.

    The negative Hessian must be positive definite with every curvature at least
    ``MIN_CURVATURE`` times the largest; along a flatter direction the likelihood is a
    ridge, and the parameter that moves most along it is named.

    Examples
    --------
    >>> _unidentified(np.array([[-2.0, 0.0], [0.0, -1e-12]]), ["a", "b"])
    "the likelihood is flat along 'b' (curvature 5e-13 of the largest): the data do not identify it"
    >>> _unidentified(np.diag([-2.0, -1.0]), ["a", "b"]) is None
    True
    """
    if not np.isfinite(hess).all():
        return "the Hessian at the optimum is not finite"
    curvature, vectors = np.linalg.eigh(-hess)
    top = float(np.abs(curvature).max())
    if top > 0 and curvature[0] >= MIN_CURVATURE * top:
        return None
    name = names[int(np.argmax(np.abs(vectors[:, 0])))]
    ratio = float(curvature[0]) / top if top > 0 else 0.0
    return (
        f"the likelihood is flat along {name!r} (curvature {ratio:.3g} of the largest): "
        "the data do not identify it"
    )


def _penalize(hessian: Hessian, weight: float) -> Hessian:
    """``hessian`` minus that of the penalty ``weight * sum(exp(theta)**2)``."""

    def penalized(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        return hessian(theta) - np.diag(4 * weight * np.exp(2 * theta))

    return penalized


@attrs.frozen
class _Minimum:
    """Where :func:`_newton` stopped: the point, the value there, and why it stopped.

    ``hessian`` is the last Hessian it used and ``hessian_at`` where it was taken;
    ``near`` says it stopped because it came near the point it was given.
    """

    x: NDArray[np.float64]
    fun: float
    message: str
    hessian: NDArray[np.float64] | None = attrs.field(default=None, eq=False, repr=False)
    hessian_at: NDArray[np.float64] = attrs.field(factory=lambda: np.empty(0), eq=False, repr=False)
    near: bool = False


def _newton(
    fun: Objective,
    theta: NDArray[np.float64],
    *,
    max_iter: int,
    tol: float,
    hessian: Hessian | None = None,
    near: NDArray[np.float64] | None = None,
    beat: float = math.inf,
) -> _Minimum:
    """Minimise ``fun`` (value and gradient) by Newton's method within ``+-LOG_BOUND``.

    The Hessian is ``hessian`` (closed form, taken at every step) if given; else it is
    differenced forward from the gradient (one gradient per parameter) and reused for the
    next step while a full step cuts the gradient norm at least tenfold, where Newton's
    method is converging anyway. Negative or tiny curvatures are replaced by
    their magnitudes (floored), so every step goes downhill. Steps are capped at
    ``MAX_STEP`` and halved until the value drops (Armijo). With ``near``, it stops as soon
    as it comes within ``NEAR`` of that point in every coordinate; with ``beat`` (the best
    value so far), it gives up after ``LATER_STEPS`` steps that have not gone below it, or
    as soon as a step leaves where ``fun`` is finite while above it.

    Examples
    --------
    >>> def bowl(t):
    ...     return float((t[0] - 1) ** 2 + 3 * t[1] ** 2), np.array([2 * (t[0] - 1), 6 * t[1]])
    >>> _newton(bowl, np.array([0.0, 1.0]), max_iter=20, tol=1e-10).x.round(8).tolist()
    [1.0, 0.0]
    """
    value, grad = fun(theta)
    if not math.isfinite(value):
        return _Minimum(theta, value, "the objective is not finite at the start")
    hess: NDArray[np.float64] | None = None
    hess_at = theta

    def stop(message: str, *, close: bool = False) -> _Minimum:
        return _Minimum(theta, value, message, hess, hess_at, close)

    walled = 0  # steps in a row cut short by a point where fun is not finite
    for step in range(max_iter):
        if step >= LATER_STEPS and value > beat:
            return stop(f"{LATER_STEPS} steps did not go below the best optimum so far")
        if near is not None and float(np.abs(theta - near).max()) <= NEAR:
            return stop("reached the best optimum so far", close=True)
        norm = float(np.linalg.norm(grad))
        if norm <= tol:
            return stop("the gradient norm is within the tolerance")
        if hess is None:
            hess = _forward_hessian(fun, theta, grad) if hessian is None else hessian(theta)
            hess_at = theta
        curvature, vectors = np.linalg.eigh(hess)
        curvature = np.maximum(np.abs(curvature), 1e-10 * max(1.0, float(np.abs(curvature).max())))
        step = -(vectors @ ((vectors.T @ grad) / curvature))
        if near is not None and float(np.abs(theta + step - near).max()) <= NEAR:
            return stop("its next step lands on the best optimum so far", close=True)
        step *= min(1.0, MAX_STEP / float(np.abs(step).max()))
        slope = float(grad @ step)
        length = 1.0
        while True:
            candidate = np.clip(theta + length * step, -LOG_BOUND, LOG_BOUND)
            new_value, new_grad = fun(candidate)
            if math.isfinite(new_value) and new_value <= value + 1e-4 * length * slope:
                break
            if not math.isfinite(new_value) and value > beat:
                # A later start heading out of where the objective can be evaluated (a
                # ridge to a boundary), still below the best optimum: it is left there.
                return stop("it left where the objective is finite, below the best so far")
            walled += not math.isfinite(new_value) and length == 1.0
            length /= 2
            if length < 1e-12:
                return stop("the line search could not lower the objective")
        if length >= 1.0:
            walled = 0
        elif walled >= WALLED_STEPS:
            # Pressed against where the objective stops being finite (a parameter running
            # off to a boundary the data do not rule out): walking along it gains nothing.
            return stop(f"{WALLED_STEPS} steps in a row ran into where the objective is not finite")
        if hessian is not None:
            hess = None
        elif hess is not None:
            hess = _bfgs(hess, candidate - theta, new_grad - grad)
            # An updated Hessian is no longer the one differenced at hess_at.
            hess_at = np.full_like(theta, math.inf)
        elif length < 1.0 or np.linalg.norm(new_grad) > 0.1 * norm:
            hess = None
        stalled = value - new_value <= 1e-15 * max(1.0, abs(value))
        theta, value, grad = candidate, new_value, new_grad
        if stalled and np.linalg.norm(grad) <= 100 * tol:
            # On a flat ridge (a parameter the data do not pin down) Newton would walk on
            # for ever without changing the value: stop where floating point stops.
            return stop("the objective stopped decreasing")
    return stop(f"the iteration limit ({max_iter}) was reached")


def _bfgs(
    hess: NDArray[np.float64], step: NDArray[np.float64], change: NDArray[np.float64]
) -> NDArray[np.float64] | None:
    """``hess`` updated by BFGS for a ``step`` that changed the gradient by ``change``.

    None (take a fresh differenced Hessian) when the step shows no positive curvature.
    """
    bend = float(change @ step)
    pushed = hess @ step
    along = float(step @ pushed)
    if not bend > 1e-12 * float(np.linalg.norm(step) * np.linalg.norm(change)) or along <= 0:
        return None
    return hess + np.outer(change, change) / bend - np.outer(pushed, pushed) / along


def _forward_hessian(
    fun: Objective, theta: NDArray[np.float64], grad: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The Hessian of ``fun`` at ``theta``, forward differences of its gradient ``grad``."""
    n = len(theta)
    out = np.empty((n, n))
    for i in range(n):
        h = 1e-6 * max(1.0, abs(theta[i]))
        up = theta.copy()
        up[i] += h
        out[:, i] = (fun(up)[1] - grad) / h
    return (out + out.T) / 2


def _fail(cause: str, on_failure: str) -> None:
    msg = f"the fit did not converge: {cause}"
    if on_failure == "raise":
        raise ConvergenceError(msg)
    warnings.warn(msg, RuntimeWarning, stacklevel=4)


P = TypeVar("P")


class FittedModel(Generic[P]):
    """Base of the estimators: fitted attributes, ``summary``, ``to_dict``/``from_dict``.

    Subclasses set ``schema``, ``params_type`` and ``param_names`` and implement ``fit``.
    """

    schema: ClassVar[str]
    params_type: ClassVar[type[Any]]
    param_names: ClassVar[tuple[str, ...]]

    def __init__(
        self,
        *,
        unit: str = "D",
        penalizer: float = 0.0,
        initial: Mapping[str, float] | None = None,
        n_starts: int = 3,
        max_iter: int = 1000,
        tol: float = 1e-8,
        on_failure: str = "raise",
    ) -> None:
        check_choice("unit", unit, tuple(UNIT_DAYS))
        check_choice("on_failure", on_failure, ("raise", "warn"))
        if not (isinstance(penalizer, (int, float)) and penalizer >= 0):
            msg = f"'penalizer' must be a number >= 0 (got {penalizer!r})"
            raise ValidationError(msg)
        if not (isinstance(n_starts, int) and n_starts >= 1):
            msg = f"'n_starts' must be an int >= 1 (got {n_starts!r})"
            raise ValidationError(msg)
        if initial is not None:
            check_keys(initial, "initial", optional=self.param_names)
            for name, value in initial.items():
                if not (isinstance(value, (int, float)) and value > 0):
                    msg = f"initial {name!r} must be a number > 0 (got {value!r})"
                    raise ValidationError(msg)
        self.unit = unit
        self.penalizer = float(penalizer)
        self.initial = dict(initial or {})
        self.n_starts = n_starts
        self.max_iter = max_iter
        self.tol = tol
        self.on_failure = on_failure
        self._result: FitResult | None = None

    def __repr__(self) -> str:
        if self._result is None:
            return f"{type(self).__name__}(unit={self.unit!r}, not fitted)"
        shown = ", ".join(
            f"{name}={getattr(self._result.params, name):.4g}" for name in self.param_names
        )
        return f"{type(self).__name__}({shown}, unit={self.unit!r})"

    # ------------------------------------------------------------------ fitted state

    def _fitted(self) -> FitResult:
        if self._result is None:
            msg = f"this {type(self).__name__} is not fitted yet: call fit() first"
            raise NotFittedError(msg)
        return self._result

    @property
    def params_(self) -> P:
        """The fitted parameters (a frozen attrs object named as in the paper)."""
        params: P = self._fitted().params
        return params

    @property
    def log_likelihood_(self) -> float:
        """The maximised log-likelihood (summed over customers)."""
        return self._fitted().log_likelihood

    @property
    def n_customers_(self) -> int:
        """How many customers the fit saw (the total weight)."""
        return self._fitted().n_customers

    @property
    def standard_errors_(self) -> dict[str, float]:
        """Standard error of each parameter, from the inverse Hessian (NaN if singular)."""
        return dict(zip(self.param_names, self._fitted().standard_errors, strict=True))

    @property
    def converged_(self) -> bool:
        """Whether the fit met every convergence check."""
        return self._fitted().converged

    @property
    def gradient_norm_(self) -> float:
        """Norm of the mean log-likelihood's gradient (in log-parameters) at the optimum."""
        return self._fitted().gradient_norm

    def _set(
        self,
        values: NDArray[np.float64],
        log_likelihood: float,
        n_customers: int,
        converged: bool,
        gradient_norm: float,
        errors: tuple[float, ...],
        *,
        covariance: NDArray[np.float64] | None = None,
        covariates: Any = None,
    ) -> None:
        if covariance is None:
            # Set by _maximize for the fit that is being recorded.
            covariance = self.__dict__.pop("_fit_covariance", None)
        params = self.params_type(
            *(float(v) for v in values), **({"unit": self.unit} if self._has_unit() else {})
        )
        self._result = FitResult(
            params=params,
            log_likelihood=float(log_likelihood),
            n_customers=n_customers,
            standard_errors=errors,
            converged=converged,
            gradient_norm=gradient_norm,
            covariance=covariance,
            covariates=covariates,
        )

    def _has_unit(self) -> bool:
        return "unit" in attrs.fields_dict(self.params_type)

    def _starts(self, default: Sequence[float]) -> list[list[float]]:
        """The starting points: the user's (or the default), then spread-out variants."""
        first = [
            float(self.initial.get(n, d)) for n, d in zip(self.param_names, default, strict=True)
        ]
        starts = [first]
        # Near variants first: a start far out on a flat ridge (Pareto/NBD with s, beta large)
        # costs many slow evaluations before it gets back.
        factors = (1.0, 0.3, 3.0, 0.1, 10.0)
        for k in range(1, self.n_starts):
            factor = factors[k % len(factors)]
            starts.append([v * (factor if i % 2 == 0 else 1 / factor) for i, v in enumerate(first)])
            if k >= len(factors):
                starts[-1] = [v * (1 + k) for v in first]
        return starts

    def _maximize(
        self, objective: Objective, default: Sequence[float], scale: float
    ) -> tuple[NDArray[np.float64], float, bool, float, tuple[float, ...]]:
        penalizer = self.penalizer

        def penalized(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            value, grad = objective(theta)
            if penalizer:
                p = np.exp(theta)
                value -= penalizer * scale * float(np.sum(p**2))
                grad = grad - penalizer * scale * 2 * p**2
            return value, grad

        exact: Hessian | None = getattr(objective, "hessian", None)
        penalized_hessian = None if exact is None else _penalize(exact, penalizer * scale)

        values, value, converged, norm, covariance = maximize(
            penalized,
            self._starts(default),
            names=self.param_names,
            scale=scale,
            max_iter=self.max_iter,
            tol=self.tol,
            on_failure=self.on_failure,
            hessian=penalized_hessian,
        )
        self._fit_covariance = covariance
        errors = log_scale_errors(covariance, np.log(values))
        return values, value, converged, norm, errors

    # ------------------------------------------------------------------ reporting

    def summary(self) -> Table:
        """The fitted parameters with standard errors and 95% Wald intervals.

        Intervals are symmetric on the log scale, so they stay positive:
        ``exp(log(p) +- 1.96 * se / p)``.

        Examples
        --------
        >>> from lifecycle.models import ShiftedBetaGeoModel
        >>> model = ShiftedBetaGeoModel().fit(active=[1000, 631, 468, 382, 326, 289, 262, 241])
        >>> model.summary().columns
        ('parameter', 'estimate', 'standard_error', 'lower_95', 'upper_95')
        """
        result = self._fitted()
        values = np.array([getattr(result.params, n) for n in self.param_names])
        errors = np.array(result.standard_errors)
        spread = np.exp(1.959963984540054 * errors / values)
        return Table(
            {
                "parameter": np.array(self.param_names),
                "estimate": values,
                "standard_error": errors,
                "lower_95": values / spread,
                "upper_95": values * spread,
            }
        )

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as JSON-safe data (parameters, unit, diagnostics), schema-tagged.

        Examples
        --------
        >>> from lifecycle.models import ShiftedBetaGeoModel
        >>> model = ShiftedBetaGeoModel().fit(active=[1000, 631, 468, 382, 326, 289, 262, 241])
        >>> data = model.to_dict()
        >>> data["schema"], sorted(data["params"])
        ('lifecycle.sbg/1', ['alpha', 'beta'])
        >>> ShiftedBetaGeoModel.from_dict(data).params_ == model.params_
        True
        """
        result = self._fitted()
        return {
            "schema": self.schema,
            "unit": self.unit,
            "params": {n: getattr(result.params, n) for n in self.param_names},
            "log_likelihood": encode_number(result.log_likelihood),
            "n_customers": result.n_customers,
            "standard_errors": {
                n: encode_number(e)
                for n, e in zip(self.param_names, result.standard_errors, strict=True)
            },
            "converged": result.converged,
            "gradient_norm": encode_number(result.gradient_norm),
            **(
                {}
                if result.covariance is None
                else {"covariance": [[encode_number(v) for v in row] for row in result.covariance]}
            ),
            **({} if result.covariates is None else {"covariates": result.covariates.to_dict()}),
            "hyperparameters": {
                "penalizer": self.penalizer,
                "initial": dict(self.initial),
                "n_starts": self.n_starts,
                "max_iter": self.max_iter,
                "tol": self.tol,
                "on_failure": self.on_failure,
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """Rebuild a fitted model from :meth:`to_dict` output (refuses unknown keys).

        Examples
        --------
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> model = BetaGeoModel.from_params(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"))
        >>> BetaGeoModel.from_dict(model.to_dict()).params_ == model.params_
        True
        """
        keys = {
            "unit",
            "params",
            "log_likelihood",
            "n_customers",
            "standard_errors",
            "converged",
            "gradient_norm",
            "hyperparameters",
        }
        check_schema(data, cls.schema, keys | {"covariance", "covariates"})
        check_keys(
            data, cls.schema, required={"schema", *keys}, optional={"covariance", "covariates"}
        )
        hyper = check_keys(
            data["hyperparameters"],
            f"{cls.schema} hyperparameters",
            required={"penalizer", "initial", "n_starts", "max_iter", "tol", "on_failure"},
        )
        model = cls(unit=data["unit"], **hyper)
        params = check_keys(data["params"], f"{cls.schema} params", required=cls.param_names)
        errors = check_keys(
            data["standard_errors"], f"{cls.schema} standard_errors", required=cls.param_names
        )
        values = np.array([params[n] for n in cls.param_names], dtype=np.float64)
        model._set(
            values,
            decode_number(data["log_likelihood"], f"{cls.schema} log_likelihood"),
            int(data["n_customers"]),
            bool(data["converged"]),
            decode_number(data["gradient_norm"], f"{cls.schema} gradient_norm"),
            tuple(
                decode_number(errors[n], f"{cls.schema} standard error") for n in cls.param_names
            ),
            covariance=_matrix(data.get("covariance"), cls.schema),
            covariates=model._covariates_from_dict(data.get("covariates")),
        )
        result = model._fitted()
        size = len(cls.param_names) + len(getattr(result.covariates, "estimates", ()))
        if result.covariance is not None and result.covariance.shape != (size, size):
            msg = (
                f"{cls.schema} covariance must be {size} x {size}, one row per parameter and "
                f"coefficient (got {result.covariance.shape[0]} x {result.covariance.shape[1]})"
            )
            raise SchemaError(msg)
        return model

    def _covariates_from_dict(self, data: Any) -> Any:
        """A covariate fit from ``to_dict`` output; only covariate models accept one."""
        if data is not None:
            msg = f"{type(self).__name__} takes no covariates (got {data!r})"
            raise ValidationError(msg)
        return None

    @classmethod
    def from_params(cls, params: Any) -> Any:
        """A model answering questions with known parameters (no fit, no diagnostics).

        Examples
        --------
        >>> from lifecycle.models import GammaGammaModel, GammaGammaParams
        >>> GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44)).params_.p
        6.25
        """
        if not isinstance(params, cls.params_type):
            msg = f"'params' must be a {cls.params_type.__name__} (got {type(params).__name__})"
            raise ValidationError(msg)
        model = cls(unit=getattr(params, "unit", "D"))
        values = np.array([getattr(params, n) for n in cls.param_names], dtype=np.float64)
        nan = tuple(math.nan for _ in cls.param_names)
        model._set(values, math.nan, 0, True, math.nan, nan)
        return model


def _matrix(data: Any, where: str) -> NDArray[np.float64] | None:
    """A square float matrix from nested lists, or None."""
    if data is None:
        return None
    bad = f"{where} covariance must be a square matrix of numbers (got {data!r})"
    try:
        rows = [[decode_number(v, f"{where} covariance") for v in row] for row in data]
    except TypeError:
        raise SchemaError(bad) from None
    try:
        matrix = np.array(rows, dtype=np.float64)
    except ValueError:
        raise SchemaError(bad) from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        msg = f"{where} covariance must be a square matrix (got shape {matrix.shape})"
        raise SchemaError(msg)
    return matrix


class TransactionModel(FittedModel[P], PredictionIntervals):
    """Base of the models of ``(frequency, recency, T)`` histories (BG/NBD and siblings).

    Holds the fit and the per-customer questions that differ between models only in their
    maths; a subclass supplies that maths through ``_objective``, ``_alive`` and
    ``_conditional`` (its module's functions) and, if 1 is a poor start, ``_start``.
    """

    def _objective(self, packed: Compressed) -> Objective:
        raise NotImplementedError

    def _alive(
        self, params: P, x: NDArray[np.float64], tx: NDArray[np.float64], t: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        raise NotImplementedError

    def _conditional(
        self,
        params: P,
        ahead: NDArray[np.float64],
        x: NDArray[np.float64],
        tx: NDArray[np.float64],
        t: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        raise NotImplementedError

    def _start(self, packed: Compressed) -> tuple[float, ...]:
        return tuple(1.0 for _ in self.param_names)

    def _fit_histories(
        self,
        data: Mapping[str, Any] | None,
        frequency: ArrayLike | None,
        recency: ArrayLike | None,
        T: ArrayLike | None,
        weights: ArrayLike | None,
    ) -> None:
        """Validate, compress and maximise: the body of every transaction model's ``fit``."""
        x, tx, t, _ = rfm_arrays(data, frequency=frequency, recency=recency, T=T)
        w = weights_array(weights, len(x))
        if not (x[w > 0] > 0).any():
            msg = "cannot fit: no customer has a repeat purchase (all frequency 0)"
            raise ValidationError(msg)
        packed = compress(x, tx, t, w)
        scale = float(packed.weight.sum())
        values, value, converged, norm, errors = self._maximize(
            self._objective(packed), self._start(packed), scale
        )
        self._set(values, value, packed.n_customers, converged, norm, errors)

    def _probability_alive(
        self,
        data: Mapping[str, Any] | None,
        frequency: ArrayLike | None,
        recency: ArrayLike | None,
        T: ArrayLike | None,
    ) -> NDArray[np.float64]:
        x, tx, tt, _ = rfm_arrays(data, frequency=frequency, recency=recency, T=T)
        return self._alive(self.params_, x, tx, tt)

    def _conditional_expected_purchases(
        self,
        t: ArrayLike,
        data: Mapping[str, Any] | None,
        frequency: ArrayLike | None,
        recency: ArrayLike | None,
        T: ArrayLike | None,
    ) -> NDArray[np.float64]:
        x, tx, tt, _ = rfm_arrays(data, frequency=frequency, recency=recency, T=T)
        return self._conditional(self.params_, horizon(t, self.unit), x, tx, tt)
