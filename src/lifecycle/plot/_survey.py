"""Survey charts: satisfaction radar, NPS over time, importance-performance quadrants (private)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_float_array, check_same_length
from ..errors import ValidationError
from ..events import as_date
from ..instruments import IPA_QUADRANTS, IPAResult, NPSResult
from ..satisfaction import SatisfactionScore, SatisfactionScores
from ._common import axes_for, colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ipa_chart", "nps_over_time", "satisfaction_radar"]

Scores: TypeAlias = "SatisfactionScore | SatisfactionScores"


def satisfaction_radar(
    scores: Scores | Mapping[str, Scores],
    *,
    dimensions: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Satisfaction per dimension on a radar (spider) chart, 0-100 from centre to rim.

    Parameters
    ----------
    scores : SatisfactionScore, SatisfactionScores, or mapping of str to them
        What :meth:`SatisfactionModel.score <lifecycle.SatisfactionModel.score>` returns. For
        many respondents each dimension is the mean over those who answered it. A mapping
        draws one outline per entry (segments, stages, survey waves), labelled by its key.
    dimensions : sequence of str, optional
        The dimensions to draw, in order around the circle (at least 3); default every
        dimension of the first scores, in the model's order.
    ax : matplotlib Axes, optional
        A polar Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib Axes
        One closed line per series (its data are the scores, the first repeated at the end).

    Raises
    ------
    ValidationError
        Not satisfaction scores, an empty mapping, fewer than 3 dimensions, a dimension the
        scores do not have, a dimension nobody answered, or an ``ax`` that is not polar.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle import default_satisfaction
    >>> from lifecycle.plot import satisfaction_radar
    >>> scores = default_satisfaction().score(
    ...     {"product": [5, 4], "peripheral": [3, 3], "atmosphere": [4, 2], "psychic": [2, 2]})
    >>> ax = satisfaction_radar(scores, ax=Figure().add_subplot(projection="polar"))
    >>> ax.lines[0].get_ydata().tolist()
    [87.5, 50.0, 50.0, 25.0, 87.5]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['product', 'peripheral', 'atmosphere', 'psychic']
    """
    series = scores if isinstance(scores, Mapping) else {"": scores}
    if not series:
        msg = "'scores' must not be an empty mapping"
        raise ValidationError(msg)
    for name, item in series.items():
        if not isinstance(item, (SatisfactionScore, SatisfactionScores)):
            where = "'scores'" if name == "" else f"'scores'[{name!r}]"
            msg = (
                f"{where} must be a SatisfactionScore or SatisfactionScores "
                f"(from SatisfactionModel.score) (got {type(item).__name__})"
            )
            raise ValidationError(msg)
    first = next(iter(series.values()))
    names = tuple(first.dimensions) if dimensions is None else tuple(dimensions)
    if len(names) < 3:
        msg = f"a radar needs at least 3 dimensions (got {len(names)}: {', '.join(names)})"
        raise ValidationError(msg)
    values = {label: _dimension_means(label, item, names) for label, item in series.items()}
    ax = axes_for(ax, polar=True, size=(6, 6))
    angles = np.linspace(0, 2 * math.pi, len(names), endpoint=False)
    closed = np.append(angles, angles[0])
    for (label, means), color in zip(values.items(), colors(len(values)), strict=True):
        ring = np.append(means, means[0])
        ax.plot(closed, ring, color=color, linewidth=2, marker="o", label=label or None)
        ax.fill(closed, ring, color=color, alpha=0.15)
    ax.set_xticks(angles, list(names))
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100])
    ax.set_title("Satisfaction by dimension (score 0-100)")
    if len(values) > 1:
        ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.1))
    return ax


def _dimension_means(label: str, scores: Scores, names: tuple[str, ...]) -> np.ndarray:
    where = "" if label == "" else f" in {label!r}"
    out = []
    for name in names:
        if name not in scores.dimensions:
            msg = f"no dimension {name!r}{where} (dimensions: {', '.join(scores.dimensions)})"
            raise ValidationError(msg)
        value = scores.dimensions[name]
        answered = np.asarray([np.nan if value is None else value], dtype=np.float64).ravel()
        answered = answered[~np.isnan(answered)]
        if not answered.size:
            msg = f"dimension {name!r}{where} has no answers to draw; leave it out with dimensions="
            raise ValidationError(msg)
        out.append(float(answered.mean()))
    return np.asarray(out)


def nps_over_time(results: Mapping[dt.date | str, NPSResult], *, ax: Axes | None = None) -> Axes:
    """Net Promoter Score by survey date, with its confidence interval as a band.

    Parameters
    ----------
    results : mapping of date (or ISO string) to NPSResult
        One :func:`~lifecycle.instruments.nps` result per survey date, each computed with
        an interval (``nps(scores, ci="wald")`` or ``ci="adjusted_wald"``). Drawn in date
        order.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        ``lines[0]`` is the score (x: dates, y: NPS points); ``collections[0]`` the band
        between the interval's low and high ends.

    Raises
    ------
    ValidationError
        An empty mapping, a key that is not a date, the same date twice, a value that is
        not an NPSResult, or a result without an interval.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle.instruments import nps
    >>> from lifecycle.plot import nps_over_time
    >>> results = {"2024-03-31": nps([10, 9, 7, 3, 10], ci="wald"),
    ...            "2024-06-30": nps([10, 10, 9, 8, 6, 9], ci="wald")}
    >>> ax = nps_over_time(results, ax=Figure().subplots())
    >>> [round(float(y), 1) for y in ax.lines[0].get_ydata()]
    [40.0, 50.0]
    >>> ax.get_ylabel()
    'NPS (points, -100 to 100)'
    """
    if not isinstance(results, Mapping):
        msg = (
            "'results' must be a mapping of survey date to NPSResult "
            f"(got {type(results).__name__})"
        )
        raise ValidationError(msg)
    if not results:
        msg = "'results' must not be empty"
        raise ValidationError(msg)
    points: dict[dt.date, NPSResult] = {}
    for key, result in results.items():
        day = as_date(key, "results key")
        if day in points:
            msg = f"'results' has the date {day.isoformat()} twice"
            raise ValidationError(msg)
        if not isinstance(result, NPSResult):
            msg = f"'results'[{key!r}] must be an NPSResult (got {type(result).__name__})"
            raise ValidationError(msg)
        if result.ci is None:
            msg = (
                f"'results'[{key!r}] has no interval to draw: compute it with "
                "nps(scores, ci='wald') or ci='adjusted_wald'"
            )
            raise ValidationError(msg)
        points[day] = result
    days = sorted(points)
    x = np.array(days, dtype="datetime64[D]")
    score = [points[d].score for d in days]
    low = [points[d].ci[0] for d in days]  # type: ignore[index]
    high = [points[d].ci[1] for d in days]  # type: ignore[index]
    ax = axes_for(ax)
    sizes = sorted({points[d].n for d in days})
    shown_n = f"n = {sizes[0]:,}" if len(sizes) == 1 else f"n = {sizes[0]:,} to {sizes[-1]:,}"
    ax.plot(x, score, marker="o", color=colors(1)[0], label=f"NPS ({shown_n})")
    ax.fill_between(x, low, high, color=colors(1)[0], alpha=0.2, label="confidence interval")
    ax.axhline(0, color="#666666", linewidth=0.8)
    # Scores written on the points while they stay legible; the sample sizes go in the legend.
    for at, day in zip(x, days, strict=True) if len(days) <= 12 else ():
        ax.annotate(
            f"{points[day].score:.1f}",
            (at, points[day].score),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=8,
        )
    ax.set_ylim(max(-100.0, min(low) - 10), min(100.0, max(high) + 10))
    ax.set_xlabel("survey date")
    ax.set_ylabel("NPS (points, -100 to 100)")
    ax.set_title("Net Promoter Score over time")
    ax.legend(loc="best")
    if ax.figure is not None and len(days) > 3:
        ax.figure.autofmt_xdate()
    return ax


def ipa_chart(
    result: IPAResult,
    importance: ArrayLike,
    performance: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Importance-performance grid: each attribute placed in its quadrant.

    Performance runs along the x axis and importance up the y axis, split at the result's
    crosshair, as Martilla and James drew it: "concentrate here" is top left.

    Parameters
    ----------
    result : IPAResult
        What :func:`~lifecycle.instruments.ipa` returned for these ratings.
    importance, performance : array-like of shape (n_attributes,)
        The mean ratings ``result`` was computed from.
    labels : sequence of str, optional
        A name per attribute, written beside its point.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        One scatter collection per quadrant that has attributes, labelled with the quadrant.

    Raises
    ------
    ValidationError
        ``result`` is not an IPAResult, the ratings are empty, not numbers or of unequal
        lengths, ``labels`` has the wrong length, or the ratings do not give ``result``'s
        quadrants at its crosshair (the result came from other ratings).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle.instruments import ipa
    >>> from lifecycle.plot import ipa_chart
    >>> importance, performance = [4.5, 4.0, 2.0, 2.5], [2.0, 4.5, 2.0, 4.0]
    >>> result = ipa(importance, performance)
    >>> ax = ipa_chart(result, importance, performance, labels=["price", "staff", "web", "app"],
    ...                ax=Figure().subplots())
    >>> [c.get_label() for c in ax.collections]
    ['concentrate here', 'keep up the good work', 'low priority', 'possible overkill']
    >>> ax.get_xlabel()
    'performance (mean rating)'
    """
    if not isinstance(result, IPAResult):
        msg = f"'result' must be an IPAResult (from instruments.ipa) (got {type(result).__name__})"
        raise ValidationError(msg)
    imp = as_float_array("importance", importance)
    perf = as_float_array("performance", performance)
    check_same_length(importance=imp, performance=perf, result=result.codes)
    names = None if labels is None else [str(label) for label in labels]
    if names is not None:
        check_same_length(importance=imp, labels=names)
    x_cut, y_cut = result.crosshair[1], result.crosshair[0]
    expected = 2 * (imp >= y_cut).astype(np.int8) + (perf >= x_cut).astype(np.int8)
    # Index 2 * high importance + high performance; IPA_QUADRANTS lists (high, low),
    # (high, high), (low, low), (low, high).
    agree = np.asarray([2, 3, 0, 1])[expected] == np.asarray(result.codes)
    if not agree.all():
        first = int(np.flatnonzero(~agree)[0])
        msg = (
            f"the ratings do not give the result's quadrants at its crosshair {result.crosshair} "
            f"(first at attribute {first}: importance {imp[first]}, performance {perf[first]}, "
            f"result says {IPA_QUADRANTS[int(result.codes[first])]!r}); pass the ratings "
            "the result was computed from"
        )
        raise ValidationError(msg)
    ax = axes_for(ax, size=(6.5, 5.5))
    codes = np.asarray(result.codes)
    for code, (quadrant, color) in enumerate(zip(IPA_QUADRANTS, colors(4), strict=True)):
        mine = codes == code
        if mine.any():
            ax.scatter(perf[mine], imp[mine], color=color, label=quadrant, s=40, zorder=3)
    if names is not None:
        for name, px, py in zip(names, perf, imp, strict=True):
            ax.annotate(name, (px, py), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.axvline(x_cut, color="#666666", linewidth=0.8)
    ax.axhline(y_cut, color="#666666", linewidth=0.8)
    _pad_limits(ax, perf, x_cut, imp, y_cut)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    corners = {
        "concentrate here": (x0, y1, "left", "top"),
        "keep up the good work": (x1, y1, "right", "top"),
        "low priority": (x0, y0, "left", "bottom"),
        "possible overkill": (x1, y0, "right", "bottom"),
    }
    for quadrant, (cx, cy, ha, va) in corners.items():
        ax.text(cx, cy, f" {quadrant} ", ha=ha, va=va, fontsize=8, color="#444444", style="italic")
    ax.set_xlabel("performance (mean rating)")
    ax.set_ylabel("importance (mean rating)")
    ax.set_title("Importance-performance analysis")
    return ax


def _pad_limits(ax: Axes, x: np.ndarray, x_cut: float, y: np.ndarray, y_cut: float) -> None:
    """Axis limits that hold every point and the crosshair, with room for the corner texts."""
    for values, cut, setter in ((x, x_cut, ax.set_xlim), (y, y_cut, ax.set_ylim)):
        low, high = min(float(values.min()), cut), max(float(values.max()), cut)
        pad = 0.15 * (high - low) or 0.5
        setter(low - pad, high + pad)
