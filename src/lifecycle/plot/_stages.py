"""Stage charts: the funnel over time and the flow between two dates (private)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import as_date
from ..stages import StageFlow
from ..table import Table
from ._common import axes_for, colors, column, table_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["stage_flow", "stage_funnel"]

#: Grey of the customers who entered between the two dates of a flow.
_NEW_COLOR = "#999999"


def stage_funnel(funnel: Table, *, share: bool = False, ax: Axes | None = None) -> Axes:
    """Customers per stage on several dates, as stacked bars: how the funnel moved.

    Parameters
    ----------
    funnel : Table
        What :meth:`Timeline.funnel <lifecycle.stages.Timeline.funnel>` returns: a ``stage``
        column and one column of customer counts per date, named by the ISO date.
    share : bool, default False
        Draw each stage's percent of the customers on that date instead of counts (a date
        without customers draws no bar).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        One bar per stage and date (stages stacked in model order, the first at the
        bottom), dates on the x axis in the table's order.

    Raises
    ------
    ValidationError
        ``funnel`` is not a Table, has no ``stage`` column or no date column, a column name
        is not an ISO date, or a count is negative or not a whole number.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle import EventLog, default_lifecycle
    >>> from lifecycle.plot import stage_funnel
    >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
    ...     [(1, "2024-01-01"), (1, "2024-02-01"), (2, "2024-03-01")]])
    >>> funnel = default_lifecycle().replay(log).funnel(["2024-01-15", "2024-03-01"])
    >>> ax = stage_funnel(funnel, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_xticklabels()], ax.get_ylabel()
    (['2024-01-15', '2024-03-01'], 'customers')
    >>> [float(p.get_height()) for p in ax.containers[1]]  # awareness on each date
    [0.0, 1.0]
    """
    funnel = table_of("funnel", funnel, ["stage"])
    dates = [name for name in funnel.columns if name != "stage"]
    if not dates:
        msg = "'funnel' must have at least one date column besides 'stage' (got only 'stage')"
        raise ValidationError(msg)
    for name in dates:
        as_date(name, f"funnel column {name!r}")
    counts = np.stack([column(funnel, name, "iu", "customer counts") for name in dates], axis=1)
    if (counts < 0).any():
        msg = f"'funnel' counts must be >= 0 (got {int(counts.min())})"
        raise ValidationError(msg)
    heights = counts.astype(np.float64)
    if share:
        totals = heights.sum(axis=0)
        heights = np.divide(100 * heights, totals, out=np.zeros_like(heights), where=totals > 0)
    ax = axes_for(ax)
    x = np.arange(len(dates))
    bottom = np.zeros(len(dates))
    stages = [str(s) for s in funnel["stage"]]
    for stage, row, color in zip(stages, heights, colors(len(stages)), strict=True):
        ax.bar(x, row, bottom=bottom, label=stage, color=color, width=0.6)
        bottom = bottom + row
    ax.set_xticks(x, dates)
    ax.set_xlabel("date (stage at the end of the day)")
    ax.set_ylabel("share of customers (%)" if share else "customers")
    ax.set_title("Customers per stage")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def stage_flow(flow: StageFlow, *, ax: Axes | None = None) -> Axes:
    """Where customers went between two dates, as a Sankey-like diagram.

    Stages on ``flow.start`` stand on the left, stages on ``flow.end`` on the right, each
    as a bar as tall as its customers; a band joins stage i on the left to stage j on the
    right, as thick as ``flow.counts[i, j]`` and coloured as its source. Customers who
    entered after ``start`` come from a grey ``new`` bar at the bottom left.

    Parameters
    ----------
    flow : StageFlow
        What :meth:`Timeline.flow <lifecycle.stages.Timeline.flow>` returns.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        Stage bars are :class:`~matplotlib.patches.Rectangle` patches with gid
        ``"start:<stage>"``, ``"end:<stage>"`` (and ``"start:new"``); each band is a
        :class:`~matplotlib.patches.PathPatch` with gid ``"<source> -> <target>"``.

    Raises
    ------
    ValidationError
        ``flow`` is not a StageFlow, or it counts no customer at all.

    Examples
    --------
    >>> import datetime as dt
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from lifecycle.plot import stage_flow
    >>> from lifecycle.stages import StageFlow
    >>> flow = StageFlow.from_counts(("a", "b"), dt.date(2024, 1, 1), dt.date(2024, 4, 1),
    ...                              np.array([[3, 1], [0, 4]]), np.array([2, 0]))
    >>> ax = stage_flow(flow, ax=Figure().subplots())
    >>> sorted(p.get_gid() for p in ax.patches if " -> " in p.get_gid())
    ['a -> a', 'a -> b', 'b -> b', 'new -> a']
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2024-01-01', '2024-04-01']
    """
    if not isinstance(flow, StageFlow):
        msg = f"'flow' must be a StageFlow (from Timeline.flow) (got {type(flow).__name__})"
        raise ValidationError(msg)
    counts = np.asarray(flow.counts, dtype=np.int64)
    new = np.asarray(flow.new, dtype=np.int64)
    total = int(counts.sum() + new.sum())
    if total == 0:
        msg = (
            f"'flow' counts no customer between {flow.start.isoformat()} and "
            f"{flow.end.isoformat()}: nothing to draw"
        )
        raise ValidationError(msg)
    ax = axes_for(ax)
    labels = [*flow.labels, "new"]
    # One matrix with the arrivals as an extra source row keeps both sides' stacking alike.
    moves = np.vstack([counts, new[np.newaxis, :]])
    palette = [*colors(len(flow.labels)), _NEW_COLOR]
    gap = 0.03 * total
    left = _stack(moves.sum(axis=1), gap)
    right = _stack(moves.sum(axis=0), gap)
    width = 0.06
    for side, tops, sizes, x, names in (
        ("start", left, moves.sum(axis=1), 0.0, labels),
        ("end", right, moves.sum(axis=0), 1.0 - width, flow.labels),
    ):
        _nodes(ax, side, tops, sizes, x, width, names, palette)
    # Within a stage bar, bands leave in target order and arrive in source order.
    out_offset = left.copy()
    in_offset = right.copy()
    for i in range(moves.shape[0]):
        for j in range(moves.shape[1]):
            n = int(moves[i, j])
            if n == 0:
                continue
            gid = f"{labels[i]} -> {flow.labels[j]}"
            _band(ax, (width, out_offset[i]), (1.0 - width, in_offset[j]), n, palette[i], gid)
            out_offset[i] -= n
            in_offset[j] -= n
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(-0.02 * total, max(left[0], right[0]) + 0.02 * total)
    ax.set_xticks([width / 2, 1.0 - width / 2], [flow.start.isoformat(), flow.end.isoformat()])
    ax.set_yticks([])
    ax.set_xlabel("stage at the end of the day")
    ax.set_ylabel(f"customers (bar heights; {total:,} in all)")
    ax.set_title(f"Stage flow, {flow.start.isoformat()} to {flow.end.isoformat()}")
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    return ax


def _stack(sizes: NDArray[np.int64], gap: float) -> NDArray[np.float64]:
    """Top of each bar when the non-empty bars are stacked downwards from the top with gaps."""
    shown = sizes > 0
    spans = sizes + np.where(shown, gap, 0.0)
    height = float(spans.sum()) - gap
    tops: NDArray[np.float64] = height - np.concatenate([[0.0], np.cumsum(spans)[:-1]])
    return tops


def _nodes(
    ax: Axes,
    side: str,
    tops: NDArray[np.float64],
    sizes: NDArray[np.int64],
    x: float,
    width: float,
    names: Any,
    palette: list[str],
) -> None:
    from matplotlib.patches import Rectangle

    for top, size, name, color in zip(tops, sizes, names, palette, strict=False):
        if size == 0:
            continue
        ax.add_patch(Rectangle((x, top - size), width, size, color=color, gid=f"{side}:{name}"))
        on_left = side == "start"
        ax.text(
            x - 0.02 if on_left else x + width + 0.02,
            top - size / 2,
            f"{name} ({int(size):,})",
            ha="right" if on_left else "left",
            va="center",
            fontsize=9,
        )


def _band(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    size: int,
    color: str,
    gid: str,
) -> None:
    """A band of thickness ``size`` from a top-left point to a top-right point (Bezier edges)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    (x0, y0), (x1, y1) = start, end
    mid = (x0 + x1) / 2
    vertices = [
        (x0, y0),
        (mid, y0),
        (mid, y1),
        (x1, y1),
        (x1, y1 - size),
        (mid, y1 - size),
        (mid, y0 - size),
        (x0, y0 - size),
        (x0, y0),
    ]
    codes = [Path.MOVETO, *[Path.CURVE4] * 3, Path.LINETO, *[Path.CURVE4] * 3, Path.CLOSEPOLY]
    ax.add_patch(
        PathPatch(Path(vertices, codes), facecolor=color, edgecolor="none", alpha=0.45, gid=gid)
    )
