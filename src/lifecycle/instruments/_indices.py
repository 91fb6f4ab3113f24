"""Index instruments: ACSI, SERVQUAL and Cronbach's alpha."""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import rounded_repr
from .._validation import check_same_length, first_violation
from ..errors import ValidationError
from ._common import (
    _answers,
    _numbers,
)

# ------------------------------------------------------------------------------------ ACSI


def acsi(means: ArrayLike, weights: ArrayLike, *, scale: int = 10) -> float:
    """American Customer Satisfaction Index: weighted item means mapped onto 0-100.

    Parameters
    ----------
    means : array-like of shape (n_items,)
        Mean answers of the satisfaction items (overall satisfaction, expectancy
        disconfirmation, comparison with an ideal), each on the 1-``scale`` scale.
    weights : array-like of shape (n_items,)
        Item weights (outer weights of the latent variable), ``>= 0`` with a positive sum;
        they need not sum to 1.
    scale : int, default 10
        Top of the item scale, whose bottom is 1.

    Returns
    -------
    float
        The index, 0-100.

    Raises
    ------
    ValidationError
        Empty or unequal-length inputs, a mean off the scale, a negative weight or weights
        summing to zero, NaN.

    Notes
    -----
    ``ACSI = 100 sum(w_i (mean_i - 1)) / ((scale - 1) sum(w_i))``.

    References
    ----------
    C. Fornell, M. D. Johnson, E. W. Anderson, J. Cha and B. E. Bryant, "The American
    Customer Satisfaction Index: Nature, Purpose, and Findings", Journal of Marketing
    60(4), 1996.

    Examples
    --------
    >>> round(acsi([8, 7, 7.5], [0.3885, 0.3190, 0.2925]), 1)
    72.6
    >>> acsi([10, 10], [1, 1])
    100.0
    >>> acsi([4, 4], [1, 1], scale=7)
    50.0
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 2:
        msg = f"'scale' must be a whole number >= 2 (got {scale!r})"
        raise ValidationError(msg)
    m = _answers("means", means, 1, int(scale), whole=False)
    w = _numbers("weights", weights)
    check_same_length(means=m, weights=w)
    first_violation("weights", w < 0, ">= 0", w)
    total = float(w.sum())
    if total <= 0:
        msg = f"'weights' must have a positive sum (got {total!r})"
        raise ValidationError(msg)
    return float(100 * float(np.dot(w, m - 1)) / ((int(scale) - 1) * total))


# -------------------------------------------------------------------------------- SERVQUAL


@attrs.frozen(eq=False)
class ServqualResult:
    """SERVQUAL gaps (perception minus expectation), from :func:`servqual`.

    Compared by identity (it holds an array).

    Attributes
    ----------
    gaps : ndarray of shape (n_dimensions,)
        Mean gap ``P - E`` per dimension; negative means expectations are not met.
    overall : float
        Unweighted mean of ``gaps``, or with weights ``sum(weights * gaps) / 100``.
    dimensions : tuple of str or None
        Dimension names, when given.
    n : int
        Number of respondents.

    Examples
    --------
    >>> r = servqual([[6, 7]], [[5, 7]], dimensions=["reliability", "empathy"])
    >>> dict(zip(r.dimensions, r.gaps.tolist()))
    {'reliability': -1.0, 'empathy': 0.0}
    """

    gaps: NDArray[np.float64] = attrs.field(repr=False)
    overall: float
    dimensions: tuple[str, ...] | None
    n: int

    def __repr__(self) -> str:
        return rounded_repr(self)


def _matrix(name: str, values: ArrayLike) -> NDArray[np.float64]:
    out = _numbers(name, values, ndim=None)
    if out.ndim == 1:
        return out.reshape(1, -1)
    if out.ndim != 2:
        msg = f"{name!r} must be 1- or 2-dimensional (got shape {out.shape})"
        raise ValidationError(msg)
    return out


def servqual(
    expectations: ArrayLike,
    perceptions: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    dimensions: Sequence[str] | None = None,
) -> ServqualResult:
    """SERVQUAL gap scores: how far perceived service falls short of what was expected.

    Parameters
    ----------
    expectations, perceptions : array-like of shape (n_respondents, n_dimensions)
        Scores per respondent and dimension (a 1-D array is one respondent, or dimension
        means). Usually 1-7 answers averaged over each dimension's items.
    weights : array-like of shape (n_dimensions,), optional
        Importance of each dimension in percent, ``>= 0`` and summing to 100 (the 100-point
        allocation of the SERVQUAL questionnaire).
    dimensions : sequence of str, optional
        Dimension names, for example tangibles, reliability, responsiveness, assurance,
        empathy.

    Returns
    -------
    ServqualResult

    Raises
    ------
    ValidationError
        Empty input, a non-number or NaN (with its position), shapes that differ, weights
        that are negative or do not sum to 100, names of the wrong number.

    References
    ----------
    A. Parasuraman, V. A. Zeithaml and L. L. Berry, "SERVQUAL: A Multiple-Item Scale for
    Measuring Consumer Perceptions of Service Quality", Journal of Retailing 64(1), 1988.

    Examples
    --------
    >>> r = servqual([[7, 6], [6, 6]], [[5, 6], [6, 5]])
    >>> r.gaps.tolist(), r.overall
    ([-1.0, -0.5], -0.75)
    >>> servqual([[7, 6]], [[5, 6]], weights=[75, 25]).overall
    -1.5
    """
    e = _matrix("expectations", expectations)
    p = _matrix("perceptions", perceptions)
    check_same_length(expectations=e, perceptions=p)
    k = e.shape[1]
    if p.shape[1] != k:
        msg = (
            f"'expectations' and 'perceptions' must have the same number of dimensions "
            f"(got {k} and {p.shape[1]})"
        )
        raise ValidationError(msg)
    names = None
    if dimensions is not None:
        names = tuple(dimensions)
        if len(names) != k or not all(isinstance(x, str) for x in names):
            msg = f"'dimensions' must be {k} strings, one per column (got {names!r})"
            raise ValidationError(msg)
    gaps = (p - e).mean(axis=0)
    if weights is None:
        overall = float(gaps.mean())
    else:
        w = _numbers("weights", weights)
        if w.size != k:
            msg = f"'weights' must have one value per dimension ({k}) (got {w.size})"
            raise ValidationError(msg)
        first_violation("weights", w < 0, ">= 0", w)
        total = float(w.sum())
        if not math.isclose(total, 100, abs_tol=1e-9):
            msg = f"'weights' must be percentages summing to 100 (got sum {total!r})"
            raise ValidationError(msg)
        overall = float(np.dot(w, gaps)) / 100
    return ServqualResult(gaps=gaps, overall=overall, dimensions=names, n=e.shape[0])


# ------------------------------------------------------------------------ Cronbach's alpha


def cronbach_alpha(items: ArrayLike) -> float:
    """Cronbach's alpha: the internal consistency of a set of items measuring one construct.

    Parameters
    ----------
    items : array-like of shape (n_respondents, n_items)
        Answers, at least 2 respondents and 2 items, no missing values.

    Returns
    -------
    float
        Alpha, at most 1 (it can be negative when items disagree).

    Raises
    ------
    ValidationError
        Not 2-D, fewer than 2 respondents or items, a non-number or NaN (with its
        position), or total scores that do not vary (alpha undefined).

    Notes
    -----
    ``alpha = k / (k - 1) (1 - sum(s_i^2) / s_t^2)`` with ``k`` items, ``s_i^2`` the sample
    variance (``ddof=1``) of item ``i`` and ``s_t^2`` that of the respondents' total scores.

    References
    ----------
    L. J. Cronbach, "Coefficient Alpha and the Internal Structure of Tests",
    Psychometrika 16(3), 1951.

    Examples
    --------
    >>> cronbach_alpha([[2, 3, 3], [4, 4, 5], [3, 3, 4], [5, 4, 4]])
    0.8333333333333334
    >>> cronbach_alpha([[1, 1], [2, 2], [3, 3]])
    1.0
    """
    x = _numbers("items", items, ndim=2)
    n, k = x.shape
    if n < 2 or k < 2:
        msg = f"'items' needs at least 2 respondents and 2 items (got shape {x.shape})"
        raise ValidationError(msg)
    item_variances = x.var(axis=0, ddof=1)
    total_variance = float(x.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        msg = "'items' total scores must vary across respondents (all totals are equal)"
        raise ValidationError(msg)
    return float(k / (k - 1) * (1 - float(item_variances.sum()) / total_variance))
