"""Joining tables keyed by customer id onto a population (private)."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..table import Table

__all__ = ["gather", "join_columns", "match", "present_mask"]


def join_columns(table: Any, on: str) -> Table:
    """The join table as a :class:`Table` with the key column ``on``; lengths checked."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(table, pd.DataFrame):
        data = {str(name): table[name].to_numpy() for name in table.columns}
        if on not in data:
            if table.index.name not in (on, None):
                msg = (
                    f"join DataFrame has no column {on!r} and its index is named "
                    f"{table.index.name!r}: name the key column or index {on!r}"
                )
                raise ValidationError(msg)
            data = {on: table.index.to_numpy(), **data}
        table = data
    if not isinstance(table, (Mapping, Table)):
        msg = (
            "join table must be a Table, a mapping of column name to values or a pandas "
            f"DataFrame (got {type(table).__name__})"
        )
        raise ValidationError(msg)
    if on not in table:
        msg = f"join table has no key column {on!r} (columns: {', '.join(map(str, table))})"
        raise ValidationError(msg)
    # Every column is checked against the key's length: a short or long one raises.
    return Table({on: table[on], **{k: v for k, v in table.items() if k != on}})


def match(
    keys: NDArray[Any], customers: NDArray[Any]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """For each customer, the row of its key in ``keys`` and whether there is one."""
    if len(keys) == 0:
        return np.zeros(len(customers), dtype=np.intp), np.zeros(len(customers), dtype=bool)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    try:
        pos = np.clip(np.searchsorted(sorted_keys, customers), 0, len(keys) - 1)
        found = np.asarray(sorted_keys[pos] == customers, dtype=bool)
    except TypeError:  # keys and ids NumPy cannot compare (numbers and strings): no match
        return np.zeros(len(customers), dtype=np.intp), np.zeros(len(customers), dtype=bool)
    return order[pos], found


def gather(values: NDArray[Any], rows: NDArray[np.intp], found: NDArray[np.bool_]) -> NDArray[Any]:
    """``values[rows]`` where ``found``, else missing in the column's own terms.

    Numbers become float64 with NaN (integers only while float64 holds them exactly), so
    conditions compare them as arrays; dates keep NaT; anything else is an object column
    with None.
    """
    kind = values.dtype.kind
    exact = kind == "f" or (kind in "iu" and (len(values) == 0 or np.abs(values).max() < 2**53))
    if exact:
        out: NDArray[Any] = np.full(len(rows), np.nan)
    elif kind == "M":
        out = np.full(len(rows), np.datetime64("NaT"), dtype=values.dtype)
    else:
        out = np.full(len(rows), None, dtype=object)
    out[found] = values[rows[found]]
    return out


def present_mask(column: NDArray[Any]) -> NDArray[np.bool_]:
    if column.dtype.kind == "f":
        present: NDArray[np.bool_] = ~np.isnan(column)
        return present
    if column.dtype.kind == "O":
        return np.fromiter(map(_present, column), dtype=bool, count=len(column))
    return np.ones(len(column), dtype=bool)


def _present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, float) and math.isnan(value))
