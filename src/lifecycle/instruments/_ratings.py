"""Rating instruments: NPS, CSAT and CES."""

from __future__ import annotations

import math
from statistics import NormalDist

import attrs
import numpy as np
from numpy.typing import ArrayLike

from .._display import rounded_repr
from .._validation import check_choice
from ..errors import ValidationError
from ._common import (
    NPSInterval,
    ScaleLike,
    _answers,
    _as_scale,
    _is_real,
    _whole_scale,
)

# ------------------------------------------------------------------------------------ NPS


@attrs.frozen
class NPSResult:
    """A Net Promoter Score with its sampling uncertainty, from :func:`nps`.

    Attributes
    ----------
    score : float
        Percentage of promoters minus percentage of detractors, -100 to 100.
    standard_error : float
        In NPS points; from the adjusted counts when the interval is adjusted Wald.
    ci : tuple of float or None
        ``(low, high)`` in NPS points, clipped to [-100, 100]; None when not asked for.
    promoters, passives, detractors : float
        Shares of the sample (0-1) answering 9-10, 7-8 and 0-6.
    n : int
        Number of answers.

    Examples
    --------
    >>> r = nps([10, 10, 7, 3])
    >>> r.score, r.n
    (25.0, 4)
    >>> round(r.standard_error, 2)
    41.46

    The repr rounds for display only (here the score is -38.800000000000004):

    >>> nps([8] * 153 + [3] * 97)
    NPSResult(score=-38.8, standard_error=3.081921, ci=None, promoters=0.0, passives=0.612, detractors=0.388, n=250)
    """

    score: float
    standard_error: float
    ci: tuple[float, float] | None
    promoters: float
    passives: float
    detractors: float
    n: int

    def __repr__(self) -> str:
        return rounded_repr(self)


def _level(level: object) -> float:
    if not _is_real(level) or not 0 < level < 1:
        msg = f"'level' must be a number between 0 and 1, exclusive (got {level!r})"
        raise ValidationError(msg)
    return float(level)


def _z(level: float) -> float:
    """Two-sided standard normal quantile for a confidence level (1.96 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def _nps_se(p: float, d: float, n: float) -> float:
    return math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100


def nps(scores: ArrayLike, *, ci: NPSInterval | None = None, level: float = 0.95) -> NPSResult:
    """Net Promoter Score of 0-10 likelihood-to-recommend answers.

    Parameters
    ----------
    scores : array-like of shape (n_respondents,)
        Whole numbers from 0 to 10.
    ci : {None, "wald", "adjusted_wald"}, default None
        Confidence interval to compute. ``"adjusted_wald"`` adds 3/4 of a promoter, 3/4 of a
        detractor and 3 respondents before computing it (better coverage for small samples
        and extreme scores).
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    NPSResult

    Raises
    ------
    ValidationError
        Empty ``scores``, a non-number, NaN, a fraction or a value outside 0-10 (the message
        gives the first position), or a bad ``ci`` or ``level``.

    Notes
    -----
    With ``p`` and ``d`` the shares of promoters (9-10) and detractors (0-6) among ``n``
    answers, the score is ``100 (p - d)`` and its standard error
    ``100 sqrt((p + d - (p - d)^2) / n)``. The interval is ``score +/- z SE`` with ``z`` the
    normal quantile for ``level``; for the adjusted Wald interval ``p``, ``d`` and ``n`` are
    replaced by ``(P + 3/4) / (n + 3)``, ``(D + 3/4) / (n + 3)`` and ``n + 3``, so the
    interval is centred on the adjusted score rather than on :attr:`NPSResult.score`.

    References
    ----------
    B. Rocks, "Interval Estimation for the 'Net Promoter Score'", The American
    Statistician 70(4), 2016. J. Sauro and J. R. Lewis, "Confidence Intervals for Net
    Promoter Scores", MeasuringU, 2021.

    Examples
    --------
    >>> r = nps([10] * 100 + [8] * 60 + [3] * 40, ci="wald")
    >>> r.score, round(r.standard_error, 2)
    (30.0, 5.52)
    >>> tuple(round(x, 1) for x in r.ci)
    (19.2, 40.8)
    >>> nps([])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'scores' must not be empty
    """
    check_choice("ci", ci, (None, "wald", "adjusted_wald"))
    level = _level(level)
    values = _answers("scores", scores, 0, 10)
    n = values.size
    promoters = int(np.count_nonzero(values >= 9))
    detractors = int(np.count_nonzero(values <= 6))
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    standard_error = _nps_se(p, d, n)
    interval = None
    if ci is not None:
        centre = score
        if ci == "adjusted_wald":
            n_adj = n + 3
            p_adj, d_adj = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
            centre = 100 * (p_adj - d_adj)
            standard_error = _nps_se(p_adj, d_adj, n_adj)
        half = _z(level) * standard_error
        interval = (max(centre - half, -100.0), min(centre + half, 100.0))
    return NPSResult(
        score=score,
        standard_error=standard_error,
        ci=interval,
        promoters=p,
        passives=(n - promoters - detractors) / n,
        detractors=d,
        n=n,
    )


# ------------------------------------------------------------------------------ CSAT, CES


@attrs.frozen
class CSATResult:
    """A customer-satisfaction (top-box) score, from :func:`csat`.

    Attributes
    ----------
    score : float
        Percentage of satisfied answers, 0-100.
    share : float
        The same as a share, 0-1.
    n : int
        Number of answers.

    Examples
    --------
    >>> csat([5, 4, 2, 1], (1, 5))
    CSATResult(score=50.0, share=0.5, n=4)
    """

    score: float
    share: float
    n: int

    def __repr__(self) -> str:
        return rounded_repr(self)


def csat(scores: ArrayLike, scale: ScaleLike, *, top: int = 2) -> CSATResult:
    """Customer satisfaction: the share of answers in the top boxes of the scale.

    Parameters
    ----------
    scores : array-like of shape (n_respondents,)
        Whole-number answers on ``scale``.
    scale : Scale or tuple of (low, high)
        The answer scale, with whole-number ends. When ``higher_is_better`` is False the
        "top" boxes are the lowest answers.
    top : int, default 2
        How many boxes count as satisfied: 2 means 4-5 on a 1-5 scale.

    Returns
    -------
    CSATResult

    Raises
    ------
    ValidationError
        Empty ``scores``, a non-number, NaN, a fraction or an answer off the scale (with its
        position); ``top`` not between 1 and the number of points of the scale.

    Examples
    --------
    >>> csat([5, 4, 3, 3], (1, 5)).score
    50.0
    >>> csat([7, 6, 5, 1], (1, 7), top=3).share
    0.75
    >>> from lifecycle import Scale
    >>> csat([1, 2, 5], Scale(1, 5, higher_is_better=False)).share
    0.6666666666666666
    """
    scale = _as_scale(scale)
    low, high = _whole_scale(scale, "csat")
    points = high - low + 1
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or not 1 <= top <= points:
        msg = f"'top' must be a whole number from 1 to {points} (got {top!r})"
        raise ValidationError(msg)
    values = _answers("scores", scores, low, high)
    if scale.higher_is_better:
        satisfied = np.count_nonzero(values >= high - top + 1)
    else:
        satisfied = np.count_nonzero(values <= low + top - 1)
    share = int(satisfied) / values.size
    return CSATResult(score=100 * share, share=share, n=values.size)


@attrs.frozen
class CESResult:
    """A customer-effort score, from :func:`ces`.

    Attributes
    ----------
    mean : float
        Mean answer on the version's scale (1-5 for version 1, 1-7 for version 2).
    low_effort : float
        Share of answers reporting low effort: 1-2 for version 1 ("very low" or "low"
        effort), 5-7 for version 2 (agreeing that the company made it easy).
    n : int
        Number of answers.
    version : int
        1 or 2.

    Examples
    --------
    >>> ces([1, 2, 4, 5], version=1)
    CESResult(mean=3.0, low_effort=0.5, n=4, version=1)
    """

    mean: float
    low_effort: float
    n: int
    version: int

    def __repr__(self) -> str:
        return rounded_repr(self)


def ces(scores: ArrayLike, *, version: int = 2) -> CESResult:
    """Customer effort score, in its original (1) or current (2) version.

    Parameters
    ----------
    scores : array-like of shape (n_respondents,)
        Whole-number answers. Version 1: "How much effort did you personally have to put
        forth to handle your request?", 1 (very low) to 5 (very high), lower is better.
        Version 2: "The company made it easy for me to handle my issue.", 1 (strongly
        disagree) to 7 (strongly agree), higher is better.
    version : {1, 2}, default 2

    Returns
    -------
    CESResult
        The mean answer (on the version's own scale, so lower is better for version 1
        and higher for version 2) and the share of low-effort answers.

    Raises
    ------
    ValidationError
        Empty ``scores``, a non-number, NaN, a fraction or an answer off the version's scale
        (with its position), or another ``version``.

    References
    ----------
    M. Dixon, K. Freeman and N. Toman, "Stop Trying to Delight Your Customers", Harvard
    Business Review, July 2010 (version 1); CEB, "The Effortless Experience", 2013
    (version 2).

    Examples
    --------
    >>> ces([7, 6, 5, 2]).low_effort
    0.75
    >>> ces([7, 6, 5, 2]).mean
    5.0
    >>> ces([1, 1, 3], version=1).low_effort
    0.6666666666666666
    """
    check_choice("version", version, (1, 2))
    high = 5 if version == 1 else 7
    values = _answers("scores", scores, 1, high)
    low_effort = values <= 2 if version == 1 else values >= 5
    return CESResult(
        mean=float(values.mean()),
        low_effort=int(np.count_nonzero(low_effort)) / values.size,
        n=values.size,
        version=int(version),
    )
