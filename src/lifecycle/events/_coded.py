"""Dictionary-encoded columns: integer codes into a few distinct values.

Arrow, Parquet and pandas' categoricals keep a text column as codes into its distinct
values. Loading such a column value by value would redo, a million times, the checks that
its few values need once: :class:`Coded` hands the codes and the values over as they are,
so the loader checks each distinct value once and maps the codes with NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ValidationError

__all__ = ["Coded"]


def _codes(value: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(value)
    if arr.ndim != 1 or (arr.dtype.kind not in "iu" and len(arr)):
        msg = f"'codes' must be a 1-dimensional array of integers (got {arr.dtype}, {arr.ndim}-d)"
        raise ValidationError(msg)
    out: NDArray[np.int64] = arr.astype(np.int64, copy=False)
    return out


def _values(value: Sequence[Any]) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes)):
        msg = f"'values' must be a sequence of values, not a string (got {value!r})"
        raise ValidationError(msg)
    return tuple(np.asarray(value, dtype=object).tolist()) if len(value) else ()


@attrs.frozen(eq=False, repr=False)
class Coded:
    """A column as integer codes into its distinct values (dictionary encoding).

    :meth:`EventLog.from_arrays <lifecycle.events.EventLog.from_arrays>` takes one for
    ``customer``, ``kind``, ``currency``, ``category``, ``product`` and ``channel``: each
    distinct value is checked once, and a bad value rejects every row that uses it, named
    as with a plain column. :func:`lifecycle.io.from_arrow` and
    :func:`lifecycle.io.read_parquet` build them from Arrow's dictionary (and text) columns.

    Parameters
    ----------
    codes : array-like of int
        Per row, the index into ``values``; -1 where the row has no value (a null).
    values : sequence
        The distinct values (a value may repeat; each copy is checked the same way).

    Raises
    ------
    ValidationError
        Codes that are not integers, or that point outside ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> from lifecycle.events import EventLog
    >>> kind = Coded(np.array([0, 1, 0]), ["purchase", "visit"])
    >>> len(kind), kind.decoded().tolist()
    (3, ['purchase', 'visit', 'purchase'])
    >>> log = EventLog.from_arrays(customer=[1, 1, 2], date=["2024-01-01"] * 3, kind=kind)
    >>> log.kind.tolist()
    ['purchase', 'visit', 'purchase']
    >>> Coded([0, 2], ["purchase", "visit"])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'codes' must be -1 (no value) or index 'values' (0 to 1): row 1 has 2
    """

    codes: NDArray[np.int64] = attrs.field(converter=_codes)
    values: tuple[Any, ...] = attrs.field(converter=_values)

    def __attrs_post_init__(self) -> None:
        n = len(self.values)
        outside = (self.codes < -1) | (self.codes >= n)
        if outside.any():
            row = int(np.argmax(outside))
            msg = (
                f"'codes' must be -1 (no value) or index 'values' (0 to {n - 1}): "
                f"row {row} has {int(self.codes[row])}"
            )
            raise ValidationError(msg)

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"Coded({len(self)} rows, {len(self.values)} values)"

    def __getitem__(self, row: int) -> Any:
        """The value of one row (None where it has none): how messages quote a bad row."""
        code = int(self.codes[row])
        return None if code < 0 else self.values[code]

    def decoded(self) -> NDArray[np.object_]:
        """The values row by row, None where a row has none.

        Examples
        --------
        >>> Coded([1, -1], ["a", "b"]).decoded().tolist()
        ['b', None]
        """
        table = np.empty(len(self.values) + 1, dtype=object)
        table[:-1] = self.values
        out: NDArray[np.object_] = table[self.codes]  # -1 picks the None at the end
        return out

    def used(self) -> NDArray[np.bool_]:
        """Which values some row uses.

        Examples
        --------
        >>> Coded([1, 1], ["a", "b"]).used().tolist()
        [False, True]
        """
        counts = np.bincount(self.codes + 1, minlength=len(self.values) + 1)
        out: NDArray[np.bool_] = counts[1:] > 0
        return out

    def rows(self, values: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """The rows whose value is one of the flagged ``values`` (a mask over ``values``).

        Examples
        --------
        >>> Coded([0, 1, -1], ["a", "b"]).rows(np.array([False, True])).tolist()
        [False, True, False]
        """
        table = np.zeros(len(self.values) + 1, dtype=bool)
        table[:-1] = values
        out: NDArray[np.bool_] = table[self.codes]
        return out
