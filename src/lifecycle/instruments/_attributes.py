"""Attribute instruments: Kano classification and importance-performance analysis."""

from __future__ import annotations

import math

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import rounded_repr
from .._validation import check_choice, check_same_length
from ..errors import ValidationError
from ._common import (
    Crosshair,
    ScaleLike,
    _answers,
    _as_scale,
    _is_real,
    _Numbers,
)
from ._scale import Scale

#: The Kano categories: attractive, one-dimensional, must-be, indifferent, reverse,
#: questionable.
KANO_CATEGORIES: tuple[str, ...] = ("A", "O", "M", "I", "R", "Q")

# Kano evaluation table: rows are the functional answer, columns the dysfunctional answer,
# both coded 1 like, 2 must-be, 3 neutral, 4 live with, 5 dislike.
_KANO_TABLE: tuple[str, ...] = (
    "QAAAO",
    "RIIIM",
    "RIIIM",
    "RIIIM",
    "RRRRQ",
)
_KANO_CELLS = np.array([c for row in _KANO_TABLE for c in row], dtype="<U1")
_KANO_CELL_CATEGORY = np.array([KANO_CATEGORIES.index(c) for c in _KANO_CELLS], dtype=np.intp)

#: IPA quadrant labels, indexed by :attr:`IPAResult.codes` (Martilla and James's I to IV).
IPA_QUADRANTS: tuple[str, ...] = (
    "concentrate here",
    "keep up the good work",
    "low priority",
    "possible overkill",
)
# 2 * high_importance + high_performance -> quadrant code.
_IPA_LOOKUP = np.array([2, 3, 0, 1], dtype=np.int8)


# ------------------------------------------------------------------------------------ Kano


@attrs.frozen(eq=False)
class KanoResult:
    """Kano classification of one feature's answers, from :func:`kano`.

    Compared by identity (it holds an array).

    Attributes
    ----------
    categories : ndarray of str, shape (n_respondents,)
        Each respondent's category: ``'A'`` attractive, ``'O'`` one-dimensional, ``'M'``
        must-be, ``'I'`` indifferent, ``'R'`` reverse, ``'Q'`` questionable.
    counts : dict of str to int
        How many respondents fall in each category, every category present, in the order
        of :data:`KANO_CATEGORIES`.
    cs : float
        Customer-satisfaction coefficient ``CS = (A + O) / (A + O + M + I)``, 0 to 1: how
        much offering the feature raises satisfaction. NaN when ``A + O + M + I`` is 0.
    ds : float
        Dissatisfaction coefficient ``DS = -(O + M) / (A + O + M + I)``, -1 to 0: how much
        lacking the feature lowers satisfaction. NaN when ``A + O + M + I`` is 0.
    n : int
        Number of respondents.

    Examples
    --------
    >>> r = kano([1, 2, 1], [5, 5, 3])
    >>> r.categories.tolist(), r.counts["O"]
    (['O', 'M', 'A'], 1)
    """

    categories: NDArray[np.str_] = attrs.field(repr=False)
    counts: dict[str, int]
    cs: float
    ds: float
    n: int

    def __repr__(self) -> str:
        return rounded_repr(self)


def kano(functional: ArrayLike, dysfunctional: ArrayLike) -> KanoResult:
    """Classify answers to a Kano question pair with the standard evaluation table.

    Parameters
    ----------
    functional : array-like of shape (n_respondents,)
        Answer to "if the product has this feature, how do you feel?".
    dysfunctional : array-like of shape (n_respondents,)
        Answer to "if it does not have this feature, how do you feel?". Both coded 1 I like
        it, 2 I expect it (must-be), 3 I am neutral, 4 I can live with it, 5 I dislike it.

    Returns
    -------
    KanoResult

    Raises
    ------
    ValidationError
        Empty or unequal-length input, a non-number, NaN, or a code other than 1-5 (with
        its position).

    Notes
    -----
    Evaluation table (rows functional, columns dysfunctional, 1 to 5)::

        like      Q A A A O
        must-be   R I I I M
        neutral   R I I I M
        live with R I I I M
        dislike   R R R R Q

    References
    ----------
    N. Kano, N. Seraku, F. Takahashi and S. Tsuji, "Attractive Quality and Must-Be
    Quality", Journal of the Japanese Society for Quality Control 14(2), 1984. C. Berger
    et al., "Kano's Methods for Understanding Customer-Defined Quality", Center for
    Quality Management Journal 2(4), 1993 (the coefficients).

    Examples
    --------
    >>> r = kano([1, 1, 2, 3, 5], [5, 3, 5, 3, 5])
    >>> "".join(r.categories)
    'OAMIQ'
    >>> r.cs, r.ds
    (0.5, -0.5)
    """
    f = _answers("functional", functional, 1, 5)
    d = _answers("dysfunctional", dysfunctional, 1, 5)
    n = check_same_length(functional=f, dysfunctional=d)
    # Cell of the evaluation table, 0-24, computed in one temporary array.
    cells = f.astype(np.intp) * 5
    cells += d.astype(np.intp, copy=False)
    cells -= 6
    per_cell = np.bincount(cells, minlength=25)
    per_category = np.bincount(_KANO_CELL_CATEGORY, weights=per_cell, minlength=6)
    counts = {c: int(x) for c, x in zip(KANO_CATEGORIES, per_category, strict=True)}
    a, o, m, i = counts["A"], counts["O"], counts["M"], counts["I"]
    base = a + o + m + i
    cs = (a + o) / base if base else math.nan
    ds = -(o + m) / base if base else math.nan
    return KanoResult(
        categories=_KANO_CELLS[cells],
        counts=counts,
        cs=cs,
        ds=ds,
        n=n,
    )


# ------------------------------------------------------------------------------------- IPA


@attrs.frozen(eq=False)
class IPAResult:
    """Importance-performance quadrants, from :func:`ipa`.

    Compared by identity (it holds an array).

    Attributes
    ----------
    codes : ndarray of int8, shape (n_attributes,)
        Quadrant of each attribute as an index into :data:`IPA_QUADRANTS`: 0 concentrate
        here, 1 keep up the good work, 2 low priority, 3 possible overkill.
    crosshair : tuple of float
        ``(importance, performance)`` splitting high from low.

    Examples
    --------
    >>> r = ipa([4, 2], [2, 4], crosshair=(3, 3))
    >>> r.codes.tolist(), r.quadrants.tolist()
    ([0, 3], ['concentrate here', 'possible overkill'])
    """

    codes: NDArray[np.int8] = attrs.field(repr=False)
    crosshair: tuple[float, float]

    def __repr__(self) -> str:
        return rounded_repr(self)

    @property
    def quadrants(self) -> NDArray[np.str_]:
        """Quadrant labels of the attributes (a new string array on each access).

        Examples
        --------
        >>> ipa([5, 1], [5, 1], crosshair="scale", scale=(1, 5)).quadrants.tolist()
        ['keep up the good work', 'low priority']
        """
        return np.array(IPA_QUADRANTS)[self.codes]

    def counts(self) -> dict[str, int]:
        """How many attributes fall in each quadrant, every quadrant present.

        Examples
        --------
        >>> ipa([4, 2, 5], [2, 4, 1], crosshair=(3, 3)).counts()["concentrate here"]
        2
        """
        per = np.bincount(self.codes, minlength=len(IPA_QUADRANTS))
        return {q: int(x) for q, x in zip(IPA_QUADRANTS, per, strict=True)}


def _crosshair(
    crosshair: object,
    importance: _Numbers,
    performance: _Numbers,
    scale: Scale | None,
) -> tuple[float, float]:
    if isinstance(crosshair, str):
        check_choice("crosshair", crosshair, ("mean", "median", "scale"))
        if crosshair == "mean":
            return float(importance.mean()), float(performance.mean())
        if crosshair == "median":
            return float(np.median(importance)), float(np.median(performance))
        if scale is None:
            msg = "crosshair='scale' needs 'scale=' (a Scale or a (low, high) tuple)"
            raise ValidationError(msg)
        return scale.midpoint, scale.midpoint
    if (
        isinstance(crosshair, (tuple, list))
        and len(crosshair) == 2
        and all(_is_real(v) and math.isfinite(v) for v in crosshair)
    ):
        return float(crosshair[0]), float(crosshair[1])
    msg = (
        "'crosshair' must be 'mean', 'median', 'scale' or an (importance, performance) pair "
        f"of finite numbers (got {crosshair!r})"
    )
    raise ValidationError(msg)


def ipa(
    importance: ArrayLike,
    performance: ArrayLike,
    *,
    crosshair: Crosshair = "mean",
    scale: ScaleLike | None = None,
) -> IPAResult:
    """Importance-performance analysis: place each attribute in one of four quadrants.

    Parameters
    ----------
    importance, performance : array-like of shape (n_attributes,)
        Mean importance and mean performance rating of each attribute.
    crosshair : {"mean", "median", "scale"} or tuple of (float, float), default "mean"
        Where the axes are split: the mean or median of the attributes' ratings (per axis),
        the midpoint of ``scale`` on both axes, or an explicit ``(importance, performance)``
        point.
    scale : Scale or tuple of (low, high), optional
        The rating scale. Needed for ``crosshair="scale"``; when given, ratings off the
        scale are refused.

    Returns
    -------
    IPAResult

    Raises
    ------
    ValidationError
        Empty or unequal-length input, a non-number, NaN, a rating off ``scale`` (with its
        position), or a bad ``crosshair``.

    Notes
    -----
    Ties count as high: an attribute whose importance equals the crosshair's importance is
    of high importance, and likewise for performance. The quadrants are "concentrate here"
    (high importance, low performance), "keep up the good work" (high, high), "low
    priority" (low, low) and "possible overkill" (low importance, high performance).

    References
    ----------
    J. A. Martilla and J. C. James, "Importance-Performance Analysis", Journal of Marketing
    41(1), 1977.

    Examples
    --------
    >>> r = ipa([4.5, 4.0, 2.0, 2.5], [2.0, 4.5, 2.0, 4.0])
    >>> r.crosshair
    (3.25, 3.125)
    >>> r.quadrants.tolist()
    ['concentrate here', 'keep up the good work', 'low priority', 'possible overkill']
    >>> ipa([3, 2], [3, 2], crosshair=(3, 3)).codes.tolist()
    [1, 2]
    """
    scale_ = None if scale is None else _as_scale(scale)
    low, high = (-math.inf, math.inf) if scale_ is None else (scale_.low, scale_.high)
    imp = _answers("importance", importance, low, high, whole=False)
    perf = _answers("performance", performance, low, high, whole=False)
    check_same_length(importance=imp, performance=perf)
    x, y = _crosshair(crosshair, imp, perf, scale_)
    high_importance = imp >= x
    high_performance = perf >= y
    codes = _IPA_LOOKUP[2 * high_importance.view(np.int8) + high_performance.view(np.int8)]
    return IPAResult(codes=codes, crosshair=(x, y))
