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
import re
import sys
from collections.abc import Mapping, Sequence
from importlib.util import find_spec
from typing import Any, Literal, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from ..errors import SchemaError, ValidationError
from ..events import LABEL_FIELDS, EventLog, Loaded
from ..money import Currency, as_currency
from ..signals import Population
from ..table import Table
from ._arrow import _missing, from_arrow
from ._fields import FIELDS, ErrorMode, load, plan_columns

__all__ = ["read_sql", "to_sql"]


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


# ---------------------------------------------------------------------- writing

#: A table name part: letters, digits and underscores, not starting with a digit.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MODES = ("fail", "append", "replace")
_STYLES = ("qmark", "numeric", "named", "format", "pyformat")


@attrs.frozen
class _Column:
    """One column to write: its SQL type, NumPy values and where they are missing."""

    name: str
    sql_type: str
    values: NDArray[Any]
    missing: NDArray[np.bool_] | None
    text: bool = False  # dates and timestamps go as ISO text


def to_sql(
    data: EventLog | Table,
    connection: Any,
    table: str,
    *,
    if_exists: Literal["fail", "append", "replace"] = "fail",
    batch_size: int = 10_000,
    paramstyle: str | None = None,
) -> int:
    """Write an event log, or any result table, to a SQL table through DB-API 2.0.

    What :func:`read_sql` reads back as it was: an event log's columns keep their field
    names, so ``read_sql(connection, "SELECT * FROM events")`` loads the same log.

    ====================  =================================================================
    values                SQL
    ====================  =================================================================
    money                 ``amount_minor BIGINT``, integer minor units, and ``currency
                          TEXT``, the ISO code (a population's money columns are minor
                          units too, with one ``currency`` column); never a float
    dates                 ``DATE``, given to the driver as ISO text ``YYYY-MM-DD``
    kinds, labels, text   ``TEXT`` (the kind's name)
    integers, floats      ``BIGINT``, ``DOUBLE PRECISION``; booleans ``BOOLEAN``
    missing values        ``NULL``: an unknown amount, a missing label or score, NaN, NaT,
                          None and a population's masked values
    ====================  =================================================================

    Parameters
    ----------
    data : EventLog or Table
        The log, or a result table (a population, an RFM summary, a schedule...).
    connection : DB-API 2.0 connection
        ``sqlite3``, ``duckdb``, ``psycopg`` and the like.
    table : str
        The table to write: a name, or ``schema.name``, of letters, digits and underscores.
    if_exists : {"fail", "append", "replace"}, default "fail"
        When the table exists: refuse, add the rows to it, or drop and create it again.
    batch_size : int, default 10000
        Rows per ``executemany`` call; only one batch of rows is held as Python values.
    paramstyle : str, optional
        The driver's placeholder style (``"qmark"``, ``"numeric"``, ``"named"``,
        ``"format"`` or ``"pyformat"``); by default the ``paramstyle`` of the
        connection's module.

    Returns
    -------
    int
        The number of rows written.

    Raises
    ------
    SchemaError
        A bad table or column name, a column of a type SQL cannot hold exactly, or a
        table that cannot be created (with ``if_exists="fail"``, one that exists).
    ValidationError
        A bad ``if_exists``, ``batch_size`` or ``paramstyle``.

    Notes
    -----
    Values always travel as parameters of ``executemany``, never inside the statement's
    text; table and column names are quoted as SQL identifiers (``"name"``). The writes
    are committed at the end, or rolled back when one fails. Kinds of your own are written
    by name: give them to :func:`read_sql` with ``kinds=[...]``.

    Examples
    --------
    >>> import sqlite3
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": "ann", "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
    ...     {"customer": "bob", "date": "2024-02-01", "kind": "visit", "category": "books"},
    ... ])
    >>> db = sqlite3.connect(":memory:")
    >>> to_sql(log, db, "events")
    2
    >>> db.execute("SELECT * FROM events").fetchall()
    [('ann', '2024-01-05', 'purchase', 2500, 'EUR', None), ('bob', '2024-02-01', 'visit', None, 'EUR', 'books')]
    >>> read_sql(db, "SELECT * FROM events").amount_known.tolist()
    [True, False]
    >>> to_sql(log, db, "events; DROP TABLE events")
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: 'table' must be a name or schema.name of letters, digits and underscores (got 'events; DROP TABLE events')
    """
    if if_exists not in _MODES:
        msg = f"'if_exists' must be one of {', '.join(map(repr, _MODES))} (got {if_exists!r})"
        raise ValidationError(msg)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        msg = f"'batch_size' must be a positive int (got {batch_size!r})"
        raise ValidationError(msg)
    name = _table_name(table)
    style = _paramstyle(connection, paramstyle)
    columns = _log_columns(data) if isinstance(data, EventLog) else _table_columns(data)
    quoted = ", ".join(_quoted(c.name) for c in columns)
    create = ", ".join(f"{_quoted(c.name)} {c.sql_type}" for c in columns)
    insert = f"INSERT INTO {name} ({quoted}) VALUES ({_placeholders(style, len(columns))})"
    n = len(columns[0].values) if columns else 0
    cursor = connection.cursor()
    try:
        if if_exists == "replace":
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        exists = " IF NOT EXISTS" if if_exists == "append" else ""
        try:
            cursor.execute(f"CREATE TABLE{exists} {name} ({create})")
        except Exception as err:
            msg = f"cannot create table {table!r}: {err}"
            if if_exists == "fail":
                msg += " (if_exists='fail' writes only a new table: pass 'append' or 'replace')"
            raise SchemaError(msg) from err
        for start in range(0, n, batch_size):
            rows = _rows(columns, start, min(start + batch_size, n), style)
            cursor.executemany(insert, rows)
    except BaseException:
        if hasattr(connection, "rollback"):
            connection.rollback()
        raise
    finally:
        cursor.close()
    connection.commit()
    return n


def _table_name(table: object) -> str:
    """``table`` quoted as an SQL identifier, after checking every part is a plain name."""
    parts = table.split(".") if isinstance(table, str) else []
    if not parts or len(parts) > 2 or not all(_NAME.fullmatch(p) for p in parts):
        msg = (
            "'table' must be a name or schema.name of letters, digits and underscores "
            f"(got {table!r})"
        )
        raise SchemaError(msg)
    return ".".join(_quoted(p) for p in parts)


def _quoted(name: str) -> str:
    """A column name as a quoted SQL identifier: inner double quotes doubled."""
    if not name or "\x00" in name:
        msg = f"column name {name!r} cannot be written to SQL: give it a name without NUL"
        raise SchemaError(msg)
    return '"' + name.replace('"', '""') + '"'


def _paramstyle(connection: Any, given: str | None) -> str:
    """The placeholder style: ``given``, or that of the module the connection comes from."""
    style = given
    if style is None:
        module = sys.modules.get(type(connection).__module__.split(".")[0])
        style = getattr(module, "paramstyle", None)
        if style is None:
            module = sys.modules.get(type(connection).__module__.split(".")[0].lstrip("_"))
            style = getattr(module, "paramstyle", None)
    if style not in _STYLES:
        msg = (
            f"'paramstyle' must be one of {', '.join(_STYLES)} (got {style!r}): pass the "
            "driver's placeholder style as paramstyle=..."
        )
        raise ValidationError(msg)
    return str(style)


def _placeholders(style: str, n: int) -> str:
    marks = {
        "qmark": ["?"] * n,
        "numeric": [f":{i + 1}" for i in range(n)],
        "named": [f":c{i}" for i in range(n)],
        "format": ["%s"] * n,
        "pyformat": [f"%(c{i})s" for i in range(n)],
    }
    return ", ".join(marks[style])


def _rows(columns: list[_Column], start: int, stop: int, style: str) -> list[Any]:
    """Rows ``start:stop`` as Python values, None where missing, in the driver's form."""
    lists: list[list[Any]] = []
    for column in columns:
        part = column.values[start:stop]
        if column.text:
            part = np.datetime_as_string(part, unit="D" if column.sql_type == "DATE" else "s")
        values = part.tolist()
        if column.missing is not None:
            for i in np.flatnonzero(column.missing[start:stop]).tolist():
                values[i] = None
        lists.append(values)
    rows = list(zip(*lists, strict=True))
    if style in ("named", "pyformat"):
        return [{f"c{i}": v for i, v in enumerate(row)} for row in rows]
    return rows


def _log_columns(log: EventLog) -> list[_Column]:
    """An event log's columns under their field names, as :func:`read_sql` reads them."""
    columns = [
        _value_column("customer", log.customer, None),
        _Column("date", "DATE", log.date, None, text=True),
        _Column("kind", "TEXT", log.kind, None),
    ]
    if log.currency is not None:
        currency = _currency_code(log.currency)
        known = log.amount_known
        columns.append(
            _Column("amount_minor", "BIGINT", log.amount_minor, None if known is None else ~known)
        )
        columns.append(_Column("currency", "TEXT", np.full(len(log), currency), None))
    if log.quantity is not None:
        columns.append(_Column("quantity", "BIGINT", log.quantity, None))
    for field in LABEL_FIELDS:
        codes = getattr(log, field)
        if codes is not None:
            names = np.array([*log.labels[field], ""], dtype=str)
            columns.append(_Column(field, "TEXT", names[codes], codes < 0))
    if log.score is not None:
        columns.append(_Column("score", "DOUBLE PRECISION", log.score, np.isnan(log.score)))
    for name, values in log.attributes.items():
        if name in {c.name for c in columns} or name in FIELDS:
            msg = f"attribute {name!r} has the name of an event field: rename it to write it"
            raise SchemaError(msg)
        columns.append(_value_column(name, values, _missing(values)))
    return columns


def _table_columns(table: Table) -> list[_Column]:
    """A result table's columns; a population's money as minor units beside its currency."""
    if not isinstance(table, Table):
        msg = f"to_sql writes an EventLog or a Table (got {type(table).__name__})"
        raise ValidationError(msg)
    population = table if isinstance(table, Population) else None
    columns: list[_Column] = []
    money = False
    for name, values in table.items():
        missing = _missing(values) if population is None else population.is_missing(name)
        columns.append(_value_column(name, values, missing))
        money = money or (population is not None and population.kind_of(name) == "money")
    if money and population is not None and population.currency is not None:
        if "currency" in table.columns:
            msg = (
                "the table has a column 'currency': rename it to write the money columns' currency"
            )
            raise SchemaError(msg)
        code = _currency_code(population.currency)
        columns.append(_Column("currency", "TEXT", np.full(len(table), code), None))
    return columns


def _currency_code(currency: Currency) -> str:
    """The code a reader finds the same currency by: refuse one it would read otherwise."""
    try:
        same = as_currency(currency.code) == currency
    except ValidationError:
        same = False
    if not same:
        msg = (
            f"{currency.code} with {currency.minor_units} minor units is not an ISO 4217 "
            "currency a reader can find by its code: write such amounts as a plain Table"
        )
        raise ValidationError(msg)
    return currency.code


def _value_column(name: str, values: NDArray[Any], missing: NDArray[np.bool_] | None) -> _Column:
    """A column typed by its values: the SQL type that holds each of them exactly."""
    kind = values.dtype.kind
    if kind == "b":
        return _Column(name, "BOOLEAN", values, missing)
    if kind in "iu":
        if kind == "u" and len(values) and int(values.max()) >= 2**63:
            msg = f"column {name!r} has integers beyond BIGINT (got {int(values.max())})"
            raise SchemaError(msg)
        return _Column(name, "BIGINT", values, missing)
    if kind == "f":
        return _Column(name, "DOUBLE PRECISION", values, missing)
    if kind == "U":
        return _Column(name, "TEXT", values, missing)
    if kind == "M":
        day = np.datetime_data(values.dtype)[0] in ("Y", "M", "W", "D")
        text = values.astype("datetime64[D]" if day else "datetime64[s]")
        return _Column(name, "DATE" if day else "TIMESTAMP", text, missing, text=True)
    if kind == "O":
        present = [v for v in values.tolist() if v is not None]
        for types, sql_type in _OBJECT_TYPES:
            if all(type(v) in types for v in present):
                if sql_type == "DATE":
                    iso = np.array([None if v is None else v.isoformat() for v in values])
                    return _Column(name, "DATE", iso, missing)
                return _Column(name, sql_type, values, missing)
    msg = (
        f"column {name!r} cannot be written to SQL exactly (dtype {values.dtype}): "
        "integers, floats, booleans, text and dates can"
    )
    raise SchemaError(msg)


#: Python value types of an object column and the SQL type holding them; the first that
#: takes every value wins (a column of only None is TEXT).
_OBJECT_TYPES: tuple[tuple[tuple[type, ...], str], ...] = (
    ((str,), "TEXT"),
    ((int,), "BIGINT"),
    ((float, int), "DOUBLE PRECISION"),
    ((bool,), "BOOLEAN"),
    ((dt.date,), "DATE"),
)
