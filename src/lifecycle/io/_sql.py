"""Events from a SQL query on any DB-API 2.0 connection, read in batches.

The query's result columns map to event fields by name, as in :func:`~lifecycle.io.from_arrow`
(rename them in the ``SELECT``, or pass ``columns=``). Rows arrive ``batch_size`` at a time
through ``cursor.fetchmany``; each batch is packed into NumPy columns at once, so the Python
row tuples of only one batch are alive at a time. A connection whose cursor hands out Arrow
record batches (DuckDB, ADBC drivers) is read through Arrow instead, without Python objects
per value, when pyarrow is installed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from importlib.util import find_spec
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, Loaded
from ..money import Currency
from ._arrow import from_arrow
from ._fields import ErrorMode, load, plan_columns

__all__ = ["read_sql"]


@overload
def read_sql(
    connection: Any,
    query: str,
    params: Sequence[Any] | Mapping[str, Any] | None = ...,
    *,
    columns: Mapping[str, str] | None = ...,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] = ...,
    ignore: Sequence[str] = ...,
    batch_size: int = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["raise"] = ...,
) -> EventLog: ...


@overload
def read_sql(
    connection: Any,
    query: str,
    params: Sequence[Any] | Mapping[str, Any] | None = ...,
    *,
    columns: Mapping[str, str] | None = ...,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] = ...,
    ignore: Sequence[str] = ...,
    batch_size: int = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["collect"],
) -> Loaded: ...


def read_sql(
    connection: Any,
    query: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    currency: Currency | str | None = None,
    attributes: Sequence[str] = (),
    ignore: Sequence[str] = (),
    batch_size: int = 10_000,
    kinds: Sequence[str] = (),
    score_scale: tuple[float, float] | None = None,
    errors: ErrorMode = "raise",
) -> EventLog | Loaded:
    """Read the events a SQL query returns, from any DB-API 2.0 connection.

    Parameters
    ----------
    connection : DB-API 2.0 connection
        ``sqlite3``, ``psycopg``, ``duckdb`` and the like: anything with ``cursor()``.
    query : str
        The ``SELECT``, with placeholders in the driver's style.
    params : sequence or mapping, optional
        Values for the placeholders, passed to ``cursor.execute`` (never formatted into
        the query text).
    columns : mapping of str to str, optional
        Field name (including ``amount_minor``) to result column name.
    currency, attributes, ignore, kinds, score_scale, errors
        As in :func:`~lifecycle.io.from_arrow`. Row numbers in errors count the result rows
        from 0.
    batch_size : int, default 10000
        Rows fetched at a time.

    Returns
    -------
    EventLog, or Loaded with ``errors="collect"``

    Notes
    -----
    Amounts must come as integer minor units (``amount_minor``), or as ``DECIMAL`` or text
    (``amount``): a floating-point amount (SQLite ``REAL``) is rejected row by row, as every
    loader rejects floats as money.

    Examples
    --------
    >>> import sqlite3
    >>> db = sqlite3.connect(":memory:")
    >>> _ = db.execute("CREATE TABLE orders (id INTEGER, day TEXT, cents INTEGER)")
    >>> _ = db.executemany("INSERT INTO orders VALUES (?, ?, ?)",
    ...                    [(1, "2024-01-05", 2500), (2, "2024-02-01", 999), (1, "bad", 100)])
    >>> query = "SELECT id AS customer, day AS date, cents AS amount_minor FROM orders"
    >>> log, rejected = read_sql(db, query, currency="EUR", errors="collect")
    >>> log.amount_minor.tolist(), [str(r) for r in rejected]
    ([2500, 999], ["row 2: 'date' must be a date YYYY-MM-DD (got 'bad')"])
    >>> read_sql(db, query + " WHERE id = ?", (2,), currency="EUR")
    EventLog(1 events, 1 customers, 2024-02-01 .. 2024-02-01, EUR)
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        msg = f"'batch_size' must be a positive int (got {batch_size!r})"
        raise ValidationError(msg)
    cursor = connection.cursor()
    try:
        if params is None:
            cursor.execute(query)
        else:
            cursor.execute(query, params)
        if hasattr(cursor, "fetch_record_batch") and find_spec("pyarrow") is not None:
            return from_arrow(
                cursor.fetch_record_batch(batch_size),
                columns,
                currency=currency,
                attributes=tuple(attributes),
                ignore=ignore,
                kinds=tuple(kinds),
                score_scale=score_scale,
                errors=errors,
            )
        if cursor.description is None:
            msg = "the query returned no rows to read (cursor.description is None): give a SELECT"
            raise ValidationError(msg)
        names = [str(column[0]) for column in cursor.description]
        plan = plan_columns(
            names, columns=columns, attributes=attributes, ignore=ignore, source="the query"
        )
        positions = {name: names.index(name) for name in plan.sources}
        chunks: dict[str, list[NDArray[Any]]] = {name: [] for name in plan.sources}
        while True:
            rows = cursor.fetchmany(batch_size)
            if not rows:
                break
            for name, position in positions.items():
                chunks[name].append(_packed([row[position] for row in rows]))
    finally:
        cursor.close()
    values = {name: _joined(parts) for name, parts in chunks.items()}
    arrays = {field: values[name] for field, name in plan.fields.items()}
    carried = {name: values[name] for name in plan.attributes}
    return load(
        arrays, carried, currency=currency, kinds=kinds, score_scale=score_scale, errors=errors
    )


def _packed(values: list[Any]) -> NDArray[Any]:
    """One batch of a column: int64, str or datetime64[D] when every value is one, else objects.

    Only exact types count: a ``datetime`` is a ``date`` too, but its day is for the date
    check to take, and a ``bool`` is not a customer id.
    """
    if all(type(v) is int for v in values):
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:
            pass
    elif all(type(v) is str for v in values):
        return np.array(values, dtype=str)
    elif all(type(v) is dt.date for v in values):
        return np.array(values, dtype="datetime64[D]")
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _joined(parts: list[NDArray[Any]]) -> NDArray[Any]:
    """The batches of a column end to end; batches of different kinds join as objects.

    NumPy would join an int batch to a str batch as strings: that would read the integer
    1 as the text "1", so mixed batches stay Python objects for the row checks to judge.
    """
    if not parts:
        return np.empty(0, dtype=object)
    if len({part.dtype.kind for part in parts}) > 1:
        parts = [part.astype(object) for part in parts]
    return np.concatenate(parts)
