"""Customer-base grids from tables: cohort retention and the RFM score grid (private)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._validation import as_float_array, as_int_array
from ..errors import ValidationError
from ..table import Table
from ._common import axes_for, heatmap, table_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["retention_heatmap", "rfm_grid"]


def _labels(values: NDArray[Any]) -> list[str]:
    if values.dtype.kind == "M":
        return [str(v) for v in values.astype("datetime64[D]")]
    return [str(v) for v in values.tolist()]


def retention_heatmap(
    cohorts: Table,
    *,
    cohort: str = "cohort",
    period: str = "k",
    value: str = "share",
    percent: bool = True,
    unit: str = "periods",
    ax: Axes | None = None,
) -> Axes:
    """Cohort retention as a heatmap: a row per cohort, a column per period since it began.

    Parameters
    ----------
    cohorts : Table
        A long table with a row per cohort and period, such as a cohort table with
        ``cohort``, ``k`` and ``share`` columns.
    cohort, period, value : str
        Column names: the cohort (a date or any label; rows are drawn in sorted order, the
        earliest at the top), the whole number of periods since the cohort began, and the
        number to colour the cell with.
    percent : bool, default True
        ``value`` is a share from 0 to 1, written as a percent; False writes the number.
    unit : str, default "periods"
        What one period is ("months", "weeks"), for the x axis label.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        ``images[0]`` holds the grid (cohorts by periods, ``min(k)`` to ``max(k)``; in
        percent with ``percent=True``); a cell the table has no row for is masked and
        drawn blank, never as 0.

    Raises
    ------
    ValidationError
        Not a Table, empty, a missing column, a negative or fractional period, an
        infinite value, a share outside 0-1 with ``percent=True``, or a cohort and period
        given twice.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from lifecycle import Table
    >>> from lifecycle.plot import retention_heatmap
    >>> cohorts = Table({"cohort": np.array(["2024-01-01"] * 3 + ["2024-02-01"] * 2,
    ...                                     dtype="datetime64[D]"),
    ...                  "k": [0, 1, 2, 0, 1], "share": [1.0, 0.4, 0.3, 1.0, 0.5]})
    >>> ax = retention_heatmap(cohorts, unit="months", ax=Figure().subplots())
    >>> ax.images[0].get_array().tolist()  # the earliest cohort on top
    [[100.0, 50.0, None], [100.0, 40.0, 30.0]]
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['2024-02-01', '2024-01-01']
    """
    table = table_of("cohorts", cohorts, [cohort, period, value])
    k = as_int_array(f"column {period!r}", table[period], low=0)
    values = as_float_array(f"column {value!r}", table[value], allow_nan=True)
    if percent:
        values = as_float_array(f"column {value!r}", values, allow_nan=True, low=0.0, high=1.0)
    try:
        keys, rows = np.unique(table[cohort], return_inverse=True)
    except TypeError:
        msg = f"column {cohort!r} must hold labels of one kind that sort (dates, numbers or text)"
        raise ValidationError(msg) from None
    rows = rows.ravel()
    first = int(k.min())
    width = int(k.max()) - first + 1
    cell = rows.astype(np.int64) * width + (k - first)
    seen, times = np.unique(cell, return_counts=True)
    if (times > 1).any():
        twice = seen[times > 1][0]
        where = np.flatnonzero(cell == twice)
        msg = (
            f"'cohorts' gives cohort {_labels(keys)[int(rows[where[0]])]} and {period} "
            f"{int(k[where[0]])} more than once (rows {where[0]} and {where[1]})"
        )
        raise ValidationError(msg)
    # Row 0 of the image is drawn at the bottom, so the latest cohort goes first.
    grid = np.full(len(keys) * width, np.nan)
    grid[cell] = values
    grid = grid.reshape(len(keys), width)[::-1]
    if percent:
        grid = 100 * grid
    texts = None
    if grid.size <= 400:
        texts = [
            ["" if np.isnan(v) else f"{v:.0f}%" if percent else f"{v:,.4g}" for v in row]
            for row in grid
        ]
    ax = axes_for(ax, size=(8, max(3.0, 0.35 * len(keys) + 1.5)))
    heatmap(
        ax,
        grid,
        x_labels=[str(first + i) for i in range(width)],
        y_labels=_labels(keys)[::-1],
        label=f"{value} of the cohort (%)" if percent else value,
        texts=texts,
        vmin=0.0 if percent else None,
        vmax=100.0 if percent else None,
    )
    ax.set_xlabel(f"{unit} since the cohort began ({period})")
    ax.set_ylabel(f"cohort ({cohort})")
    ax.set_title("Cohort retention")
    return ax


def rfm_grid(
    scores: Table,
    *,
    r: str = "r",
    f: str = "f",
    segment: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    r"""Customers by recency score and frequency score, with their segment in each cell.

    Parameters
    ----------
    scores : Table
        A row per customer with whole-number recency and frequency scores (higher is more
        recent and more frequent; 0 for customers without a purchase, who get a row and a
        column of their own).
    r, f : str
        Column names of the recency and frequency scores.
    segment : str, optional
        Column of segment names (None where a customer has none); each cell then also
        names its customers' segment, or ``mixed`` when they are in several. Counts and
        segments are written in the cells of grids up to 400 cells.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        ``images[0]`` holds the customer counts: rows are recency scores from the lowest
        (bottom) to the highest, columns frequency scores from the lowest (left).

    Raises
    ------
    ValidationError
        Not a Table, empty, a missing column, or a score that is negative or not a whole
        number.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle import Table
    >>> from lifecycle.plot import rfm_grid
    >>> scores = Table({"r": [1, 2, 2, 1], "f": [1, 2, 2, 2],
    ...                 "segment": ["lost", "loyal", "loyal", "at risk"]})
    >>> ax = rfm_grid(scores, segment="segment", ax=Figure().subplots())
    >>> ax.images[0].get_array().tolist()
    [[1.0, 1.0], [0.0, 2.0]]
    >>> sorted(t.get_text() for t in ax.texts)
    ['0', '1\nat risk', '1\nlost', '2\nloyal']
    """
    table = table_of("scores", scores, [r, f] if segment is None else [r, f, segment])
    r_score = as_int_array(f"column {r!r}", table[r], low=0)
    f_score = as_int_array(f"column {f!r}", table[f], low=0)
    r_low, f_low = int(r_score.min()), int(f_score.min())
    rows, cols = int(r_score.max()) - r_low + 1, int(f_score.max()) - f_low + 1
    cell = (r_score - r_low) * cols + (f_score - f_low)
    counts = np.bincount(cell, minlength=rows * cols).reshape(rows, cols)
    # Counts written in the cells while they stay legible (a 5 x 5 grid has 25).
    texts = None
    if counts.size <= 400:
        texts = [[f"{n:,}" for n in row] for row in counts]
        if segment is not None:
            _name_cells(texts, cell, table[segment], cols)
    ax = axes_for(ax, size=(7, 5.5))
    heatmap(
        ax,
        counts.astype(np.float64),
        x_labels=[str(f_low + i) for i in range(cols)],
        y_labels=[str(r_low + i) for i in range(rows)],
        label="customers",
        texts=texts,
        vmin=0.0,
    )
    ax.set_xlabel(f"frequency score ({f}, higher = more purchases)")
    ax.set_ylabel(f"recency score ({r}, higher = more recent)")
    ax.set_title(f"Customers by recency and frequency score ({len(table):,} in all)")
    return ax


def _name_cells(
    texts: list[list[str]], cell: NDArray[np.int64], names: NDArray[Any], cols: int
) -> None:
    """Add each cell's segment (or ``mixed``) under its count; customers without one skip."""
    named = (
        np.not_equal(names, np.array(None, dtype=object))
        if names.dtype.kind == "O"
        else np.ones(len(names), bool)
    )
    if not named.any():
        return
    kinds, code = np.unique(names[named].astype(str), return_inverse=True)
    pairs = np.unique(cell[named] * len(kinds) + code.ravel())
    per_cell: dict[int, list[str]] = {}
    for where, which in zip(*np.divmod(pairs, len(kinds)), strict=True):
        per_cell.setdefault(int(where), []).append(str(kinds[which]))
    for where, found in per_cell.items():
        row, col = divmod(where, cols)
        texts[row][col] += "\n" + (found[0] if len(found) == 1 else "mixed")
