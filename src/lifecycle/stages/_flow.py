"""Stage-to-stage flows between two dates: the input of a Markov migration model (private).

Examples
--------
>>> import datetime as dt
>>> import numpy as np
>>> flow = StageFlow.from_counts(("a", "b"), dt.date(2024, 1, 1), dt.date(2024, 4, 1),
...                              np.array([[3, 1], [0, 4]]), np.array([2, 0]))
>>> flow.rates.tolist()
[[0.75, 0.25], [0.0, 1.0]]
"""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
from numpy.typing import NDArray

from .._display import grid_html, grid_text, plural
from ..table import Table

__all__ = ["StageFlow"]


@attrs.frozen(eq=False)
class StageFlow:
    """How customers moved between stages from ``start`` to ``end``.

    Attributes
    ----------
    labels : tuple of str
        Stage names; row and column ``i`` of the matrices is stage ``labels[i]``.
    start, end : datetime.date
    counts : ndarray of int64, shape (n_stages, n_stages)
        ``counts[i, j]``: customers in stage i at the end of ``start`` and in stage j at
        the end of ``end``.
    rates : ndarray of float64, shape (n_stages, n_stages)
        Each row of ``counts`` divided by its sum (a row without customers is NaN).
    new : ndarray of int64, shape (n_stages,)
        Customers who entered after ``start``, by their stage at ``end``.

    Examples
    --------
    >>> import datetime as dt
    >>> flow = StageFlow.from_counts(("a", "b"), dt.date(2024, 1, 1), dt.date(2024, 2, 1),
    ...                              np.array([[1, 1], [0, 0]]), np.array([0, 0]))
    >>> flow.table().row(1)
    {'source': 'a', 'target': 'b', 'customers': 1, 'rate': 0.5}
    >>> flow
    StageFlow: 2024-01-01 -> 2024-02-01, 2 customers (0 new)
    from/to  a  b
    a        1  1
    b        0  0
    (new)    0  0
    """

    labels: tuple[str, ...]
    start: dt.date
    end: dt.date
    counts: NDArray[np.int64] = attrs.field(repr=False)
    rates: NDArray[np.float64] = attrs.field(repr=False)
    new: NDArray[np.int64] = attrs.field(repr=False)

    def _grid(self) -> tuple[str, list[str], list[list[str]]]:
        total = int(self.counts.sum()) + int(self.new.sum())
        title = (
            f"StageFlow: {self.start.isoformat()} -> {self.end.isoformat()}, "
            f"{plural(total, 'customer')} ({int(self.new.sum()):,} new)"
        )
        rows = [*self.labels, "(new)"]
        cells = [[f"{int(n):,}" for n in row] for row in (*self.counts, self.new)]
        return title, rows, cells

    def __repr__(self) -> str:
        title, rows, cells = self._grid()
        return grid_text(title, "from/to", rows, list(self.labels), cells)

    def _repr_html_(self) -> str:
        title, rows, cells = self._grid()
        return grid_html(title, "from/to", rows, list(self.labels), cells)

    @classmethod
    def from_counts(
        cls,
        labels: tuple[str, ...],
        start: dt.date,
        end: dt.date,
        counts: NDArray[np.int64],
        new: NDArray[np.int64],
    ) -> StageFlow:
        """Build a flow from its count matrix; the rates follow.

        Examples
        --------
        >>> import datetime as dt
        >>> counts = np.array([[3, 1], [0, 2]])
        >>> flow = StageFlow.from_counts(
        ...     ("a", "b"), dt.date(2024, 1, 1), dt.date(2024, 2, 1), counts, np.array([1, 0])
        ... )
        >>> flow.rates.tolist()
        [[0.75, 0.25], [0.0, 1.0]]
        """
        totals = counts.sum(axis=1, keepdims=True)
        rates = np.full(counts.shape, np.nan)
        np.divide(counts, totals, out=rates, where=totals > 0)
        return cls(labels, start, end, counts, rates, new.astype(np.int64))

    def table(self) -> Table:
        """Every (source, target) pair with at least one customer: counts and rates.

        Examples
        --------
        >>> import datetime as dt
        >>> counts = np.array([[3, 1], [0, 2]])
        >>> flow = StageFlow.from_counts(
        ...     ("a", "b"), dt.date(2024, 1, 1), dt.date(2024, 2, 1), counts, np.array([1, 0])
        ... )
        >>> t = flow.table()
        >>> t["source"].tolist(), t["target"].tolist(), t["rate"].tolist()
        (['a', 'a', 'b'], ['a', 'b', 'b'], [0.75, 0.25, 1.0])
        """
        src, dst = np.nonzero(self.counts)
        names = np.asarray(self.labels)
        return Table(
            {
                "source": names[src],
                "target": names[dst],
                "customers": self.counts[src, dst],
                "rate": self.rates[src, dst],
            }
        )
