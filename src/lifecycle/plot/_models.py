"""Charts of fitted purchase models, from plain arrays: heatmaps and calibration (private)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array, check_same_length
from ..errors import ValidationError
from ..table import Table
from ._common import axes_for, colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "calibration_vs_holdout",
    "cumulative_purchases",
    "frequency_histogram",
    "frequency_recency_heatmap",
    "probability_alive_heatmap",
]


def _axis(name: str, values: ArrayLike) -> NDArray[np.float64]:
    out = as_float_array(name, values)
    if out.size > 1 and (np.diff(out) <= 0).any():
        msg = f"{name!r} must be strictly increasing (got {out.tolist()[:6]}...)"
        raise ValidationError(msg)
    return out


def frequency_recency_heatmap(
    values: ArrayLike,
    *,
    frequency: ArrayLike,
    recency: ArrayLike,
    unit: str = "periods",
    label: str = "expected purchases",
    ax: Axes | None = None,
) -> Axes:
    """A model's prediction over a frequency-recency grid, as a heatmap.

    Parameters
    ----------
    values : array-like of shape (n_frequency, n_recency)
        ``values[i, j]``: the prediction for a customer with ``frequency[i]`` repeat
        purchases, the last one at ``recency[j]`` (for one observation length ``T``).
    frequency, recency : array-like, strictly increasing
        The grid's axis values: frequency up the y axis, recency along the x axis.
    unit : str, default "periods"
        The time unit of ``recency`` ("days", "weeks"), for the axis label.
    label : str, default "expected purchases"
        What ``values`` are, with their unit, for the colour bar.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        ``collections[0]`` is the :class:`~matplotlib.collections.QuadMesh` of ``values``.

    Raises
    ------
    ValidationError
        ``values`` not 2-D, empty or not finite; axes not strictly increasing or not
        matching the shape of ``values``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle.plot import frequency_recency_heatmap
    >>> grid = [[0.1, 0.2, 0.3], [0.2, 0.8, 1.5]]
    >>> ax = frequency_recency_heatmap(grid, frequency=[0, 1], recency=[0, 10, 20],
    ...                                unit="weeks", ax=Figure().subplots())
    >>> ax.collections[0].get_array().shape, ax.get_xlabel()
    ((2, 3), 'recency (weeks from first to last purchase)')
    """
    grid, freq, rec = _grid(values, frequency, recency)
    return _draw_grid(ax, grid, freq, rec, unit, label, "viridis", None, None)


def probability_alive_heatmap(
    values: ArrayLike,
    *,
    frequency: ArrayLike,
    recency: ArrayLike,
    unit: str = "periods",
    T: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The probability that a customer is still alive, over a frequency-recency grid.

    Parameters
    ----------
    values : array-like of shape (n_frequency, n_recency)
        Probabilities from 0 to 1, as :func:`frequency_recency_heatmap` takes them.
    frequency, recency : array-like, strictly increasing
        The grid's axis values.
    unit : str, default "periods"
        The time unit of ``recency`` and ``T``.
    T : float, optional
        The observation length the probabilities are for, shown in the title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        Colours from 0 to 1 whatever the range of ``values``.

    Raises
    ------
    ValidationError
        As :func:`frequency_recency_heatmap`, and a value outside 0-1.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle.plot import probability_alive_heatmap
    >>> ax = probability_alive_heatmap([[1.0, 1.0], [0.2, 0.9]], frequency=[0, 1],
    ...                                recency=[0, 30], unit="days", T=30,
    ...                                ax=Figure().subplots())
    >>> ax.get_title()
    'Probability alive by frequency and recency (T = 30 days)'
    >>> probability_alive_heatmap([[1.5]], frequency=[0], recency=[0])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'values' must be <= 1.0 (1 violation, first at index (0, 0): 1.5)
    """
    grid, freq, rec = _grid(values, frequency, recency, low=0.0, high=1.0)
    ax = _draw_grid(ax, grid, freq, rec, unit, "probability alive (0-1)", "RdYlGn", 0.0, 1.0)
    shown_t = "" if T is None else f" (T = {T:g} {unit})"
    ax.set_title(f"Probability alive by frequency and recency{shown_t}")
    return ax


def _grid(
    values: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    *,
    low: float | None = None,
    high: float | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    grid = as_float_array("values", values, ndim=2, low=low, high=high)
    freq = _axis("frequency", frequency)
    rec = _axis("recency", recency)
    if grid.shape != (len(freq), len(rec)):
        msg = (
            f"'values' must have shape (len(frequency), len(recency)) = "
            f"({len(freq)}, {len(rec)}) (got {grid.shape})"
        )
        raise ValidationError(msg)
    return grid, freq, rec


def _draw_grid(
    ax: Axes | None,
    grid: NDArray[np.float64],
    freq: NDArray[np.float64],
    rec: NDArray[np.float64],
    unit: str,
    label: str,
    cmap: str,
    vmin: float | None,
    vmax: float | None,
) -> Axes:
    ax = axes_for(ax)
    mesh = ax.pcolormesh(rec, freq, grid, shading="nearest", cmap=cmap, vmin=vmin, vmax=vmax)
    ax.figure.colorbar(mesh, ax=ax, label=label)
    ax.set_xlabel(f"recency ({unit} from first to last purchase)")
    ax.set_ylabel("frequency (repeat purchases)")
    ax.set_title(f"{label[:1].upper()}{label[1:]} by frequency and recency")
    return ax


def calibration_vs_holdout(
    buckets: Sequence[object] | Table,
    actual: ArrayLike | None = None,
    predicted: ArrayLike | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Actual against predicted holdout purchases per calibration-frequency bucket.

    Parameters
    ----------
    buckets : sequence or Table
        A label per bucket of customers, by their repeat purchases in the calibration
        period (``0``, ``1``, ..., ``"7+"``); or the table of
        :func:`lifecycle.models.calibration_vs_holdout` alone, whose buckets without
        customers are left out.
    actual, predicted : array-like of shape (n_buckets,)
        Mean repeat purchases per customer in the holdout period: observed, and what the
        model fitted on the calibration period expected (omitted with a table).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        ``containers[0]`` are the actual bars, ``containers[1]`` the predicted ones.

    Raises
    ------
    ValidationError
        Empty input, unequal lengths, or a value that is negative, NaN or not a number.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle.plot import calibration_vs_holdout
    >>> ax = calibration_vs_holdout([0, 1, "2+"], [0.1, 0.5, 1.4], [0.12, 0.45, 1.5],
    ...                             ax=Figure().subplots())
    >>> [float(b.get_height()) for b in ax.containers[1]]
    [0.12, 0.45, 1.5]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['0', '1', '2+']
    >>> from lifecycle.table import Table
    >>> table = Table({"bucket": ["0", "1+"], "customers": [9, 0], "actual": [0.2, float("nan")],
    ...                "predicted": [0.25, float("nan")]})
    >>> [float(b.get_height()) for b in calibration_vs_holdout(table).containers[0]]
    [0.2]
    """
    if isinstance(buckets, Table):
        table = _columns(
            buckets, "calibration_vs_holdout", ("bucket", "customers", "actual", "predicted")
        )
        used = np.asarray(table["customers"]) > 0
        buckets = [str(b) for b in np.asarray(table["bucket"])[used]]
        actual = np.asarray(table["actual"])[used]
        predicted = np.asarray(table["predicted"])[used]
    if isinstance(buckets, (str, bytes)) or not isinstance(buckets, Sequence):
        msg = f"'buckets' must be a sequence of labels (got {type(buckets).__name__})"
        raise ValidationError(msg)
    if actual is None or predicted is None:
        msg = "give 'actual' and 'predicted' with 'buckets', or a calibration_vs_holdout table"
        raise ValidationError(msg)
    got = as_float_array("actual", actual, low=0.0)
    expected = as_float_array("predicted", predicted, low=0.0)
    check_same_length(buckets=buckets, actual=got, predicted=expected)
    ax = axes_for(ax)
    x = np.arange(len(buckets))
    first, second = colors(2)
    ax.bar(x - 0.2, got, width=0.4, color=first, label="actual")
    ax.bar(x + 0.2, expected, width=0.4, color=second, label="model")
    ax.set_xticks(x, [str(b) for b in buckets])
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("mean repeat purchases per customer in the holdout")
    ax.set_title("Calibration vs holdout")
    ax.legend(loc="upper left")
    return ax


def _columns(table: object, maker: str, names: Sequence[str]) -> Table:
    """``table`` if it is a Table with ``names``, else a ValidationError naming its maker."""
    if not isinstance(table, Table) or any(n not in table.columns for n in names):
        got = table.columns if isinstance(table, Table) else type(table).__name__
        msg = f"'table' must be the Table of lifecycle.models.{maker} (columns {names}; got {got})"
        raise ValidationError(msg)
    return table


def frequency_histogram(table: Table, *, ax: Axes | None = None) -> Axes:
    """Customers by number of repeat purchases: actual beside what the model expects.

    Parameters
    ----------
    table : Table
        :func:`lifecycle.models.frequency_histogram` output (``bucket``, ``actual``,
        ``expected``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        ``containers[0]`` are the actual bars, ``containers[1]`` the model's.

    Raises
    ------
    ValidationError
        Not such a table, or a count that is negative or NaN.

    Examples
    --------
    >>> from lifecycle.table import Table
    >>> from lifecycle.plot import frequency_histogram
    >>> table = Table({"bucket": ["0", "1", "2+"], "actual": [50, 30, 20],
    ...                "expected": [52.0, 27.5, 20.5]})
    >>> [float(b.get_height()) for b in frequency_histogram(table).containers[1]]
    [52.0, 27.5, 20.5]
    """
    table = _columns(table, "frequency_histogram", ("bucket", "actual", "expected"))
    got = as_float_array("actual", table["actual"], low=0.0)
    expected = as_float_array("expected", table["expected"], low=0.0)
    labels = [str(b) for b in np.asarray(table["bucket"])]
    ax = axes_for(ax)
    x = np.arange(len(labels))
    first, second = colors(2)
    ax.bar(x - 0.2, got, width=0.4, color=first, label="actual")
    ax.bar(x + 0.2, expected, width=0.4, color=second, label="model")
    ax.set_xticks(x, labels)
    ax.set_xlabel("repeat purchases")
    ax.set_ylabel("customers")
    ax.set_title("Frequency of repeat purchases")
    ax.legend(loc="upper right")
    return ax


def cumulative_purchases(table: Table, *, ax: Axes | None = None) -> Axes:
    """Cumulative repeat purchases over time, actual and expected, calibration then holdout.

    Parameters
    ----------
    table : Table
        :func:`lifecycle.models.cumulative_purchases` output (``end``, ``holdout``,
        ``actual``, ``expected``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        ``lines[0]`` actual, ``lines[1]`` the model; a dashed vertical line marks the end
        of the calibration period.

    Raises
    ------
    ValidationError
        Not such a table, or a count that is negative or NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from lifecycle.table import Table
    >>> from lifecycle.plot import cumulative_purchases
    >>> table = Table({"end": np.array(["2024-01-07", "2024-01-14", "2024-01-21"],
    ...                                dtype="datetime64[D]"),
    ...                "holdout": [False, False, True], "actual": [1, 3, 4],
    ...                "expected": [1.2, 2.8, 4.1]})
    >>> cumulative_purchases(table).lines[1].get_ydata().tolist()
    [1.2, 2.8, 4.1]
    """
    table = _columns(table, "cumulative_purchases", ("end", "holdout", "actual", "expected"))
    got = as_float_array("actual", table["actual"], low=0.0)
    expected = as_float_array("expected", table["expected"], low=0.0)
    ends = np.asarray(table["end"], dtype="datetime64[D]")
    holdout = np.asarray(table["holdout"], dtype=bool)
    ax = axes_for(ax)
    first, second = colors(2)
    ax.plot(ends, got, color=first, label="actual")
    ax.plot(ends, expected, color=second, linestyle="--", label="model")
    if holdout.any() and not holdout.all():
        ax.axvline(ends[np.argmax(holdout) - 1], color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("date")
    ax.set_ylabel("cumulative repeat purchases")
    ax.set_title("Cumulative repeat purchases")
    ax.legend(loc="upper left")
    return ax
