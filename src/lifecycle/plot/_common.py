"""What every chart shares: the lazy matplotlib import, the axes to draw on, input checks (private).

Matplotlib is imported only when a chart is drawn, so ``import lifecycle.plot`` costs nothing
and works without the ``[plot]`` extra; the first chart raises
:class:`~lifecycle.errors.MissingDependencyError` naming the extra when it is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..table import Table, import_optional

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["PALETTE", "axes_for", "colors", "column", "heatmap", "table_of"]

#: Colour-blind-safe qualitative palette (Okabe and Ito), one colour per stage or series.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)


def colors(n: int) -> list[str]:
    """``n`` colours from :data:`PALETTE`, cycling when there are more series than colours."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def axes_for(ax: object, *, polar: bool = False, size: tuple[float, float] = (7, 4.5)) -> Axes:
    """The axes to draw on: ``ax`` checked, or a new figure's axes when ``ax`` is None.

    A new figure goes through :mod:`matplotlib.pyplot`, so notebooks show it as usual; the
    backend is whatever matplotlib chose (Agg where there is no display).
    """
    import_optional("matplotlib", "plot")
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=size, layout="constrained")
        new: Axes = fig.add_subplot(projection="polar" if polar else None)
        return new
    if not isinstance(ax, Axes):
        msg = f"'ax' must be a matplotlib Axes or None (got {type(ax).__name__})"
        raise ValidationError(msg)
    if polar and ax.name != "polar":
        msg = (
            f"'ax' must be a polar Axes for this chart (got a {ax.name!r} Axes; "
            "make one with fig.add_subplot(projection='polar'))"
        )
        raise ValidationError(msg)
    return ax


def table_of(name: str, table: object, columns: Sequence[str]) -> Table:
    """``table`` checked to be a non-empty :class:`Table` holding ``columns``."""
    if not isinstance(table, Table):
        msg = f"{name!r} must be a lifecycle Table (got {type(table).__name__})"
        raise ValidationError(msg)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        msg = (
            f"{name!r} has no column {', '.join(map(repr, missing))} "
            f"(columns: {', '.join(table.columns)})"
        )
        raise ValidationError(msg)
    if not len(table):
        msg = f"{name!r} must not be empty (0 rows)"
        raise ValidationError(msg)
    return table


def column(table: Table, name: str, kinds: str, what: str) -> NDArray[Any]:
    """Column ``name`` checked to have a dtype kind in ``kinds`` (``"iu"``, ``"iuf"``, ...)."""
    values = table[name]
    if values.dtype.kind not in kinds:
        msg = f"column {name!r} must hold {what} (got dtype {values.dtype})"
        raise ValidationError(msg)
    return np.asarray(values)


def heatmap(
    ax: Axes,
    grid: NDArray[np.float64],
    *,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    label: str,
    texts: Sequence[Sequence[str]] | None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> None:
    """Draw ``grid`` (rows bottom to top) as coloured cells with a labelled colour bar.

    NaN cells stay blank (light grey), never coloured as a number; ``texts`` are written in
    the cells, white on dark colours.
    """
    import matplotlib as mpl

    cmap = mpl.colormaps["Blues"].with_extremes(bad="#eeeeee")
    cells = np.ma.masked_invalid(grid)
    image = ax.imshow(cells, cmap=cmap, origin="lower", aspect="auto", vmin=vmin, vmax=vmax)
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_xticks(_sparse(len(x_labels)), [x_labels[i] for i in _sparse(len(x_labels))])
    ax.set_yticks(_sparse(len(y_labels)), [y_labels[i] for i in _sparse(len(y_labels))])
    if texts is None:
        return
    norm = image.norm
    for (row, col), text in np.ndenumerate(np.asarray(texts, dtype=object)):
        if not text:
            continue
        dark = (
            not np.ma.is_masked(cells[row, col]) and float(np.asarray(norm(cells[row, col]))) > 0.6
        )
        ax.text(
            col,
            row,
            text,
            ha="center",
            va="center",
            fontsize=7,
            color="white" if dark else "black",
        )


def _sparse(n: int, most: int = 24) -> list[int]:
    """Tick positions: every cell up to ``most`` cells, then every k-th so labels stay legible."""
    step = max(1, -(-n // most))
    return list(range(0, n, step))
