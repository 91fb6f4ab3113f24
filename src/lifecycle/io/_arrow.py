"""Event logs to and from Apache Arrow, and Parquet files (the ``arrow`` extra).

The layout of a log in Arrow, written by :func:`to_arrow` and read back by
:func:`from_arrow` without loss:

========================  ==========================================================
column                    Arrow type
========================  ==========================================================
customer                  int64 or string
date                      date32 (a calendar day, never a timestamp)
kind                      dictionary<int16, string>: the log's kinds, in order;
                          the schema lists the kinds beyond the standard ones
                          (``lifecycle.kinds``, a JSON list)
amount_minor              int64 minor units; the field and the schema carry the
                          currency (``lifecycle.currency``, ``lifecycle.minor_units``);
                          null where the amount is unknown
quantity                  int64
category, product,        dictionary<int32, string>; null where missing
channel
score                     float64; null where missing
attributes                their own type; null where missing
========================  ==========================================================

Money never passes through a float: an amount column read by :func:`from_arrow` must hold
integer minor units, decimals or decimal strings; a floating-point column is refused. A null
amount is an unknown amount (``EventLog.amount_known``), never 0, both ways.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import NDArray

from ..errors import CurrencyMismatchError, SchemaError, ValidationError
from ..events import LABEL_FIELDS, STANDARD_KINDS, Coded, EventLog, Loaded
from ..money import Currency, as_currency
from ..table import import_optional
from ._fields import FIELDS, ErrorMode, Plan, load, plan_columns

__all__ = ["from_arrow", "read_parquet", "to_arrow", "write_parquet"]

_SCHEMA_KEY = "lifecycle.schema"
_CURRENCY_KEY = "lifecycle.currency"
_MINOR_UNITS_KEY = "lifecycle.minor_units"
_ATTRIBUTES_KEY = "lifecycle.attributes"
_AS_OF_KEY = "lifecycle.as_of"
_KINDS_KEY = "lifecycle.kinds"


def _pyarrow() -> Any:
    return import_optional("pyarrow", "arrow")


# ---------------------------------------------------------------------- reading


@overload
def from_arrow(
    table: Any,
    columns: Mapping[str, str] | None = ...,
    *,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] | None = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] | None = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["raise"] = ...,
) -> EventLog: ...


@overload
def from_arrow(
    table: Any,
    columns: Mapping[str, str] | None = ...,
    *,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] | None = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] | None = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["collect"],
) -> Loaded: ...


def from_arrow(
    table: Any,
    columns: Mapping[str, str] | None = None,
    *,
    currency: Currency | str | None = None,
    attributes: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    kinds: Sequence[str] | None = None,
    score_scale: tuple[float, float] | None = None,
    errors: ErrorMode = "raise",
) -> EventLog | Loaded:
    """Build an event log from an Arrow table (needs the ``arrow`` extra).

    Parameters
    ----------
    table : pyarrow.Table, pyarrow.RecordBatch or Arrow stream
        The events; any object with ``__arrow_c_stream__`` (a polars or DuckDB result)
        is read through the Arrow PyCapsule interface.
    columns : mapping of str to str, optional
        Field name (as in :meth:`EventLog.from_arrays`, including ``amount_minor``) to
        the table's column name. Fields not mapped are read from columns of the same name.
    currency : str or Currency, optional
        Currency of amounts whose row names none. A table written by :func:`to_arrow`
        carries its currency in its metadata.
    attributes : sequence of str, optional
        Columns carried per event as user attributes; by default those that
        :func:`to_arrow` recorded in the table's metadata, or none.
    ignore : sequence of str
        Columns to leave out. Any column that is neither a field, an attribute nor
        ignored raises :class:`~lifecycle.errors.SchemaError`.
    kinds : sequence of str, optional
        Event kinds of your own, beyond the standard ones, as in
        :meth:`EventLog.from_arrays`; by default those that :func:`to_arrow` recorded in
        the table's metadata, or none. Any other kind is a bad row.
    score_scale : (low, high), optional
        The survey's answer scale, as in :meth:`EventLog.from_arrays`.
    errors : {"raise", "collect"}
        As in :meth:`EventLog.from_arrays`: rejected rows raise, or come back with
        their reasons in a :class:`~lifecycle.events.Loaded`.

    Returns
    -------
    EventLog, or Loaded with ``errors="collect"``

    Raises
    ------
    SchemaError
        A missing, duplicated or unknown column.
    ValidationError
        A column of a type that cannot hold its field (a float amount, a date column of
        numbers), or a bad value, naming the row.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"id": [7, 7, 3], "date": ["2024-01-02", "2024-01-01", "2024-01-05"],
    ...                   "cents": [500, 250, 1000]})
    >>> log = from_arrow(table, {"customer": "id", "amount_minor": "cents"}, currency="USD")
    >>> log.customer.tolist(), log.amount_minor.tolist()
    ([3, 7, 7], [1000, 250, 500])
    >>> from_arrow(table.append_column("price", pa.array([5.0, 2.5, 10.0])),
    ...            {"customer": "id", "amount": "price"}, ignore=["cents"])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'amount' column 'price' must hold decimals, decimal strings or integers, never floats: ...
    """
    arrow = _as_table(table)
    plan = _plan(arrow.schema, columns, attributes, ignore, "the table")
    declared = _kinds(arrow.schema, kinds, "the table")
    return _load_table(arrow, arrow.schema, plan, currency, (declared, score_scale), errors)


@overload
def read_parquet(
    path: str | Path,
    columns: Mapping[str, str] | None = ...,
    filters: Any = ...,
    *,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] | None = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] | None = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["raise"] = ...,
) -> EventLog: ...


@overload
def read_parquet(
    path: str | Path,
    columns: Mapping[str, str] | None = ...,
    filters: Any = ...,
    *,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] | None = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] | None = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["collect"],
) -> Loaded: ...


def read_parquet(
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    filters: Any = None,
    *,
    currency: Currency | str | None = None,
    attributes: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    kinds: Sequence[str] | None = None,
    score_scale: tuple[float, float] | None = None,
    errors: ErrorMode = "raise",
) -> EventLog | Loaded:
    """Read events from a Parquet file or a directory of Parquet files (the ``arrow`` extra).

    Only the columns the log needs are read, and ``filters`` are pushed down to the
    files, so row groups that no event passes are skipped.

    Parameters
    ----------
    path : str or Path
        A ``.parquet`` file, or a directory of them (a partitioned data set).
    columns : mapping of str to str, optional
        Field name to the file's column name, as in :func:`from_arrow`.
    filters : list of tuples or pyarrow.compute.Expression, optional
        Rows to read, in pyarrow's form: ``[("date", ">=", datetime.date(2024, 1, 1))]``
        (a list of lists is an OR of ANDs), or an expression.
    currency, attributes, ignore, kinds, score_scale, errors
        As in :func:`from_arrow`; ignored columns are not read at all.

    Returns
    -------
    EventLog, or Loaded with ``errors="collect"``

    Examples
    --------
    >>> import datetime, pathlib, tempfile
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": "ann", "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
    ...     {"customer": "bob", "date": "2024-03-10", "amount": "9.99", "currency": "EUR"},
    ... ])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> write_parquet(log, path)
    >>> read_parquet(path, filters=[("date", ">=", datetime.date(2024, 2, 1))])
    EventLog(1 events, 1 customers, 2024-03-10 .. 2024-03-10, EUR)
    """
    ds = import_optional("pyarrow.dataset", "arrow")
    pa = _pyarrow()
    try:
        dataset = ds.dataset(str(path), format="parquet")
    except (OSError, pa.ArrowInvalid) as err:
        msg = f"cannot read {path}: {err}"
        raise SchemaError(msg) from None
    plan = _plan(dataset.schema, columns, attributes, ignore, str(path))
    # Text fields come as dictionaries, as Parquet usually stores them: no string per row.
    texts = ("customer", "kind", "currency", *LABEL_FIELDS)
    options = ds.ParquetReadOptions(
        dictionary_columns=[plan.fields[f] for f in texts if f in plan.fields]
    )
    dataset = ds.dataset(str(path), format=ds.ParquetFileFormat(read_options=options))
    if filters is not None and not isinstance(filters, ds.Expression):
        pq = import_optional("pyarrow.parquet", "arrow")
        try:
            filters = pq.filters_to_expression(filters)
        except (TypeError, ValueError) as err:
            msg = f"'filters' must be a list of (column, op, value) tuples or an expression: {err}"
            raise ValidationError(msg) from None
    try:
        arrow = dataset.to_table(columns=plan.sources, filter=filters)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as err:
        msg = f"cannot read {path} with filters {filters}: {err}"
        raise ValidationError(msg) from None
    declared = _kinds(dataset.schema, kinds, str(path))
    return _load_table(arrow, dataset.schema, plan, currency, (declared, score_scale), errors)


def _as_table(table: Any) -> Any:
    pa = _pyarrow()
    if isinstance(table, pa.Table):
        return table
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    if isinstance(table, pa.RecordBatchReader):
        return table.read_all()
    if hasattr(table, "__arrow_c_stream__"):
        return pa.table(table)
    msg = (
        "expected a pyarrow Table, RecordBatch or RecordBatchReader, or an object with "
        f"__arrow_c_stream__ (got {type(table).__name__})"
    )
    raise ValidationError(msg)


def _plan(
    schema: Any,
    columns: Mapping[str, str] | None,
    attributes: Sequence[str] | None,
    ignore: Sequence[str],
    source: str,
) -> Plan:
    metadata = _metadata(schema.metadata)
    if attributes is None:
        try:
            listed = json.loads(metadata.get(_ATTRIBUTES_KEY, "[]"))
        except ValueError:
            listed = None
        if not isinstance(listed, list):
            msg = f"{source}: its {_ATTRIBUTES_KEY!r} metadata is not a JSON list of names"
            raise SchemaError(msg)
        attributes = [name for name in listed if name in schema.names]
    return plan_columns(
        schema.names, columns=columns, attributes=attributes, ignore=ignore, source=source
    )


def _kinds(schema: Any, kinds: Sequence[str] | None, source: str) -> Sequence[str]:
    """The declared kinds: ``kinds`` when given, else those the metadata records, else none."""
    if kinds is not None:
        return kinds
    try:
        listed = json.loads(_metadata(schema.metadata).get(_KINDS_KEY, "[]"))
    except ValueError:
        listed = None
    if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
        msg = f"{source}: its {_KINDS_KEY!r} metadata is not a JSON list of names"
        raise SchemaError(msg)
    return listed


def _metadata(raw: Mapping[bytes, bytes] | None) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (raw or {}).items()}


def _load_table(
    arrow: Any,
    schema: Any,
    plan: Plan,
    currency: Currency | str | None,
    declared: tuple[Sequence[str], tuple[float, float] | None],
    errors: ErrorMode,
) -> EventLog | Loaded:
    """Load the planned columns; ``declared`` is the ``(kinds, score_scale)`` of the log."""
    pa = _pyarrow()
    arrays: dict[str, Any] = {}
    for field, name in plan.fields.items():
        if field != "amount":
            arrays[field] = _field_values(pa, field, name, arrow.column(name))
    if "amount" in plan.fields:
        name = plan.fields["amount"]
        one = _one_currency(arrays.get("currency"), currency)
        minor = None if one is None else _decimal_minor(pa, arrow.column(name), one)
        if minor is not None:
            arrays["amount_minor"] = minor
        else:
            arrays["amount"] = _field_values(pa, "amount", name, arrow.column(name))
    attributes = {name: _any_values(pa, arrow.column(name)) for name in plan.attributes}
    if "amount_minor" in plan.fields:
        stated = _stated_currency(schema, plan.fields["amount_minor"])
        if stated is not None:
            if currency is not None and as_currency(currency) != stated:
                msg = (
                    f"the table's amounts are in {stated.code} (its metadata says so), "
                    f"not {as_currency(currency).code}"
                )
                raise CurrencyMismatchError(msg)
            currency = stated
    kinds, score_scale = declared
    return load(
        arrays, attributes, currency=currency, kinds=kinds, score_scale=score_scale, errors=errors
    )


def _one_currency(
    column: NDArray[Any] | Coded | None, currency: Currency | str | None
) -> Currency | None:
    """The one currency of every row, when the column and the argument say so, else None."""
    if column is None:
        return None if currency is None else as_currency(currency)
    if isinstance(column, Coded):
        codes = {v for v, used in zip(column.values, column.used(), strict=True) if used}
        if (column.codes < 0).any():
            codes.add(None)
    else:
        codes = set(column.tolist())
    if None in codes:
        if currency is None:
            return None
        codes = (codes - {None}) | {as_currency(currency).code}
    if len(codes) != 1:
        return None
    code = codes.pop()
    try:
        return as_currency(code) if isinstance(code, str) else None
    except ValidationError:
        return None


def _decimal_minor(pa: Any, column: Any, currency: Currency) -> NDArray[Any] | None:
    """A decimal amount column as int64 minor units, straight from its integers.

    Arrow keeps a decimal as an integer scaled by ``10**scale``: little-endian
    two's-complement words, 4 bytes (decimal32), 8 (decimal64), 16 (decimal128) or 32
    (decimal256). The words are read as NumPy integers and rescaled to the currency's
    minor units without a float or a Decimal per row; a null is an unknown amount (a
    masked value). Only when every amount fits int64, is exact in minor units and is not
    negative; otherwise None, and the exact path converts row by row and names each bad
    row (too large, too many decimals, negative).
    """
    array = _combined(pa, column)
    kind = array.type
    if not pa.types.is_decimal(kind) or len(array) == 0:
        return None
    n, start, width = len(array), array.offset, kind.byte_width
    buffer = array.buffers()[1]
    valid = (
        ~array.is_null().to_numpy(zero_copy_only=False) if array.null_count else np.ones(n, bool)
    )
    if width == 4:
        low = np.frombuffer(buffer, dtype="<i4")[start : start + n].astype(np.int64)
    else:
        words = width // 8
        grid = np.frombuffer(buffer, dtype="<i8")[words * start : words * (start + n)]
        grid = grid.reshape(n, words)
        low = grid[:, 0]
        # A value fits 64 bits when every higher word only repeats the sign of the lowest.
        if not ((grid[:, 1:] == (low >> 63)[:, None]).all(axis=1) | ~valid).all():
            return None
    if ((low < 0) & valid).any():
        return None
    shift = currency.minor_units - kind.scale
    if abs(shift) > 18:
        return None
    factor = 10 ** abs(shift)
    if shift >= 0:
        if ((low > np.iinfo(np.int64).max // factor) & valid).any():
            return None
        minor = low * factor
    else:
        if ((low % factor != 0) & valid).any():
            return None
        minor = low // factor
    out: NDArray[Any] = np.where(valid, minor, 0)
    return np.ma.MaskedArray(out, mask=~valid) if array.null_count else out


def _stated_currency(schema: Any, name: str) -> Currency | None:
    """The currency the metadata of column ``name`` (or of the whole table) states."""
    field = _metadata(schema.field(name).metadata)
    table = _metadata(schema.metadata)
    code = field.get(_CURRENCY_KEY) or table.get(_CURRENCY_KEY)
    if code is None:
        return None
    currency = as_currency(code)
    units = field.get(_MINOR_UNITS_KEY) or table.get(_MINOR_UNITS_KEY)
    if units is not None and units != str(currency.minor_units):
        msg = (
            f"column {name!r} is in minor units of {code} with {units} decimals, but {code} "
            f"has {currency.minor_units}: convert the amounts before loading"
        )
        raise ValidationError(msg)
    return currency


def _combined(pa: Any, column: Any) -> Any:
    """One Arrow array for a (chunked) column, dictionaries decoded to their values."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if pa.types.is_dictionary(column.type):
        chunks = [_decoded(pa, chunk) for chunk in chunks]
        if not chunks:
            return pa.array([], type=column.type.value_type)
    if not chunks:
        return pa.array([], type=column.type)
    return pa.concat_arrays(chunks) if len(chunks) > 1 else chunks[0]


def _decoded(pa: Any, chunk: Any) -> Any:
    """A dictionary array's values; Arrow cannot gather string views, so they become strings."""
    dictionary = chunk.dictionary
    if _is_text(pa, dictionary.type) and not pa.types.is_large_string(dictionary.type):
        dictionary = dictionary.cast(pa.large_string())
    return dictionary.take(chunk.indices)


def _coded(pa: Any, column: Any, *, text_only: bool = True) -> Coded | None:
    """A text column as a :class:`~lifecycle.events.Coded`: its codes and its few values.

    A dictionary column hands over its own codes and values; a plain text column is
    dictionary-encoded by Arrow first. The loader then checks each distinct value once.
    None when the column (or its dictionary) holds anything but text, or integers when
    ``text_only`` is False (customer ids may be a dictionary of integers): such a column is
    decoded and judged by its type.
    """
    kind = column.type
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if pa.types.is_dictionary(kind):
        integers = not text_only and pa.types.is_integer(kind.value_type)
        if not (integers or _is_text(pa, kind.value_type)):
            return None
        if len(chunks) > 1:
            chunks = pa.chunked_array(chunks, type=kind).unify_dictionaries().chunks
    elif _is_text(pa, kind):
        array = _combined(pa, column)
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            array = array.cast(pa.large_string())  # Arrow cannot hash string views
        chunks = [array.dictionary_encode()]
    else:
        return None
    if not chunks or sum(len(chunk) for chunk in chunks) == 0:
        return Coded(np.zeros(0, dtype=np.int64), [])
    indices = [chunk.indices.cast(pa.int64()).fill_null(-1) for chunk in chunks]
    codes = pa.concat_arrays(indices) if len(indices) > 1 else indices[0]
    return Coded(codes.to_numpy(zero_copy_only=False), chunks[0].dictionary.to_pylist())


def _is_text(pa: Any, kind: Any) -> bool:
    is_view = getattr(pa.types, "is_string_view", None)
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or (is_view is not None and is_view(kind))
    )


def _objects(array: Any) -> NDArray[np.object_]:
    """The values as Python objects, None where null."""
    out = np.empty(len(array), dtype=object)
    out[:] = array.to_pylist()
    return out


def _text_values(array: Any) -> NDArray[Any]:
    """Strings as a NumPy str array (the loaders' fast path), or objects when some are null."""
    if array.null_count:
        return _objects(array)
    values: NDArray[Any] = array.to_numpy(zero_copy_only=False)
    return values.astype(str) if len(values) else np.array([], dtype=str)


def _integer_values(array: Any, field: str, name: str) -> NDArray[Any]:
    if array.null_count:
        return _objects(array)
    values: NDArray[Any] = array.to_numpy(zero_copy_only=False)
    if values.dtype == np.uint64 and len(values) and values.max() > np.iinfo(np.int64).max:
        row = int(np.argmax(values > np.iinfo(np.int64).max))
        msg = f"row {row}: {field!r} must fit in int64 (got {values[row]} in column {name!r})"
        raise ValidationError(msg)
    return values


def _type_error(field: str, name: str, allowed: str, kind: Any) -> ValidationError:
    return ValidationError(f"{field!r} column {name!r} must hold {allowed} (got {kind})")


def _field_values(pa: Any, field: str, name: str, column: Any) -> Any:
    """Column ``name`` as the NumPy array ``EventLog.from_arrays`` takes for ``field``."""
    if field in ("customer", "kind", "currency", *LABEL_FIELDS):
        coded = _coded(pa, column, text_only=field != "customer")
        if coded is not None:
            return coded
    array = _combined(pa, column)
    kind = array.type
    types = pa.types
    if types.is_null(kind):
        return _objects(array)  # every value missing: each row is judged as a missing value
    text = _is_text(pa, kind)
    if field in ("customer", "quantity", "amount_minor"):
        if types.is_integer(kind):
            if field == "amount_minor" and array.null_count:
                # A null amount is unknown (masked), as a record's None "amount" is: never 0.
                values = _integer_values(array.fill_null(0), field, name)
                return np.ma.MaskedArray(values, mask=array.is_null().to_numpy(False))
            return _integer_values(array, field, name)
        if field == "customer" and text:
            return _text_values(array)
        allowed = "integers or strings" if field == "customer" else "integers"
        if field == "amount_minor":
            allowed = "integer minor units (int64)"
        raise _type_error(field, name, allowed, kind)
    if field == "date":
        if types.is_timestamp(kind):
            pc = import_optional("pyarrow.compute", "arrow")
            # A zoned instant falls on the calendar day of its own zone.
            local = pc.local_timestamp(array) if kind.tz is not None else array
            return pc.cast(local, pa.date32()).to_numpy(zero_copy_only=False)
        if types.is_date(kind):
            return array.to_numpy(zero_copy_only=False)
        if text:
            return _text_values(array)
        raise _type_error(field, name, "dates, timestamps or ISO date strings", kind)
    if field == "amount":
        if types.is_decimal(kind) or text:
            return _objects(array)
        if types.is_integer(kind):
            return _integer_values(array, field, name)
        detail = f"got {kind}"
        if types.is_floating(kind):
            nan = np.isnan(array.to_numpy(zero_copy_only=False))
            if nan.any():
                detail += f"; row {int(np.argmax(nan))} is NaN"
        msg = (
            f"{field!r} column {name!r} must hold decimals, decimal strings or integers, never "
            f"floats: store integer minor units (columns={{'amount_minor': ...}}) or a "
            f"decimal type ({detail})"
        )
        raise ValidationError(msg)
    if field == "score":
        if (types.is_integer(kind) or types.is_floating(kind)) and not types.is_boolean(kind):
            return array.to_numpy(zero_copy_only=False).astype(np.float64)
        if text or types.is_decimal(kind):
            return _objects(array)
        raise _type_error(field, name, "numbers", kind)
    # kind, currency and the label fields hold strings.
    if text:
        return _text_values(array)
    raise _type_error(field, name, "strings", kind)


def _any_values(pa: Any, column: Any) -> NDArray[Any]:
    """An attribute column as NumPy: its own dtype when it has no nulls, else objects."""
    array = _combined(pa, column)
    kind = array.type
    plain = (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
    )
    if array.null_count == 0 and plain:
        values: NDArray[Any] = array.to_numpy(zero_copy_only=False)
        return values
    return _objects(array)


# ---------------------------------------------------------------------- writing


def to_arrow(log: EventLog) -> Any:
    """The log as a :class:`pyarrow.Table` (needs the ``arrow`` extra), losing nothing.

    Amounts stay ``int64`` minor units with the currency in the metadata, dates are
    ``date32``, kinds and labels are dictionary columns, a missing label or score and an
    unknown amount (``log.amount_known``) are null.
    The metadata also lists the log's own kinds (``lifecycle.kinds``), which
    :func:`from_arrow` and :func:`read_parquet` then accept without ``kinds=``.
    Numeric columns are handed to Arrow without a copy.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
    ...     {"customer": 2, "date": "2024-02-01", "kind": "visit", "category": "books"},
    ... ])
    >>> table = to_arrow(log)
    >>> table.column_names
    ['customer', 'date', 'kind', 'amount_minor', 'category']
    >>> str(table.schema.field("amount_minor").type), table.schema.metadata[b"lifecycle.currency"]
    ('int64', b'EUR')
    >>> table.column("category").to_pylist(), table.column("amount_minor").to_pylist()
    ([None, 'books'], [2500, None])
    >>> from_arrow(table).amount_known.tolist()
    [True, False]
    """
    pa = _pyarrow()
    names: list[Any] = []
    arrays: list[Any] = []

    def add(name: str, array: Any, metadata: Mapping[str, str] | None = None) -> None:
        names.append(pa.field(name, array.type, metadata=metadata))
        arrays.append(array)

    add("customer", pa.array(log.customer))
    add("date", pa.array(log.date))
    add("kind", pa.DictionaryArray.from_arrays(pa.array(log.kind_code), _strings(pa, log.kinds)))
    # The kinds beyond the standard ones, so that from_arrow accepts them again.
    table_metadata = {
        _SCHEMA_KEY: "lifecycle.events/1",
        _KINDS_KEY: json.dumps(list(log.kinds[len(STANDARD_KINDS) :])),
    }
    if log.currency is not None:
        money = _money_metadata(log.currency)
        table_metadata |= money
        known = log.amount_known
        unknown = None if known is None else ~known
        add("amount_minor", pa.array(log.amount_minor, mask=unknown), money)
    if log.quantity is not None:
        add("quantity", pa.array(log.quantity))
    for field in LABEL_FIELDS:
        codes = getattr(log, field)
        if codes is not None:
            indices = pa.array(codes, mask=codes < 0)
            add(field, pa.DictionaryArray.from_arrays(indices, _strings(pa, log.labels[field])))
    if log.score is not None:
        add("score", pa.array(log.score, mask=np.isnan(log.score)))
    for name, values in log.attributes.items():
        if name in FIELDS:
            msg = f"attribute {name!r} has the name of an event field: rename it to write it"
            raise SchemaError(msg)
        add(name, _column(pa, name, values, _missing(values)))
    table_metadata[_ATTRIBUTES_KEY] = json.dumps(list(log.attributes))
    return pa.Table.from_arrays(arrays, schema=pa.schema(names, metadata=table_metadata))


def write_parquet(log: EventLog, path: str | Path, **options: Any) -> None:
    """Write the log to a Parquet file that :func:`read_parquet` reads back as it was.

    ``options`` go to :func:`pyarrow.parquet.write_table` (``compression``,
    ``row_group_size``, ...).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-05"}])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> write_parquet(log, path)
    >>> read_parquet(path).date.tolist()
    [datetime.date(2024, 1, 5)]
    """
    pq = import_optional("pyarrow.parquet", "arrow")
    pq.write_table(to_arrow(log), str(path), **options)


def _money_metadata(currency: Currency) -> dict[str, str]:
    return {_CURRENCY_KEY: currency.code, _MINOR_UNITS_KEY: str(currency.minor_units)}


def _strings(pa: Any, values: Sequence[str]) -> Any:
    return pa.array(list(values), type=pa.string())


def _missing(values: NDArray[Any]) -> NDArray[np.bool_] | None:
    """Where a column has no value: NaN, NaT, or None (and NaN) in an object column."""
    kind = values.dtype.kind
    if kind == "f":
        nan: NDArray[np.bool_] = np.isnan(values)
        return nan
    if kind in "Mm":
        nat: NDArray[np.bool_] = np.isnat(values)
        return nat
    if kind == "O":
        return np.fromiter(
            (v is None or (isinstance(v, float) and v != v) for v in values.tolist()),
            dtype=bool,
            count=len(values),
        )
    return None


def _column(pa: Any, name: str, values: NDArray[Any], missing: NDArray[np.bool_] | None) -> Any:
    mask = missing if missing is not None and missing.any() else None
    try:
        if values.dtype.kind == "O":
            items = values.tolist()
            if mask is not None:
                items = [None if m else v for v, m in zip(items, mask.tolist(), strict=True)]
            return pa.array(items)
        if values.dtype.kind in "Mm":
            # Arrow reads NaT as null by itself; the mask adds a population's masked rows.
            return pa.array(values, mask=mask) if mask is not None else pa.array(values)
        return pa.array(values, mask=mask)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as err:
        msg = f"column {name!r} cannot be written to Arrow: {err}"
        raise ValidationError(msg) from None
