"""Event logs and result tables to and from pandas and polars data frames.

A data frame carries no metadata that survives everyday use, so the log's currency travels
as a ``currency`` column beside the ``amount_minor`` integers; kinds and labels are
categorical columns and missing labels are missing values (``NaN`` in pandas, ``null`` in
polars).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np

from ..errors import SchemaError, ValidationError
from ..events import LABEL_FIELDS, EventLog, Loaded, load_columns
from ..events import did_you_mean as _hint
from ..money import Currency
from ..table import import_optional
from ._arrow import _load_table, _plan, to_arrow
from ._fields import FIELDS, ErrorMode, check_unread

__all__ = ["from_pandas", "from_polars", "to_pandas", "to_polars"]


@overload
def from_pandas(
    frame: Any,
    *,
    columns: Mapping[str, str] | None = ...,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["raise"] = ...,
) -> EventLog: ...


@overload
def from_pandas(
    frame: Any,
    *,
    columns: Mapping[str, str] | None = ...,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["collect"],
) -> Loaded: ...


def from_pandas(
    frame: Any,
    *,
    columns: Mapping[str, str] | None = None,
    currency: Currency | str | None = None,
    attributes: Sequence[str] = (),
    ignore: Sequence[str] = (),
    kinds: Sequence[str] = (),
    score_scale: tuple[float, float] | None = None,
    errors: ErrorMode = "raise",
) -> EventLog | Loaded:
    """Build a log from a :class:`pandas.DataFrame` (needs the ``pandas`` extra).

    ``columns`` maps field names (including ``amount_minor``) to the frame's column names
    (an unknown field, a missing column or a column named twice raises); amounts given as
    an integer column named by ``columns["amount_minor"]`` take the fast path, any other
    amount column must hold strings or Decimals (floats are refused). ``currency`` fills a
    currency column's blanks and conflicts with any other currency in it; ``attributes``
    names the columns carried per event; ``kinds``, ``score_scale`` and ``errors`` are as
    in :meth:`EventLog.from_arrays <lifecycle.events.EventLog.from_arrays>`. Other columns
    are left out, except one whose name is close to a field no column feeds (``amout``
    without ``amount``), which is refused unless listed in ``ignore``.

    A categorical or pandas string column's missing values (``NaN``, ``pd.NA``) are read as
    missing, except in the amount column, where NaN is refused as it is by every loader.
    ``<NA>`` in a nullable ``Int64`` ``amount_minor`` column is an unknown amount
    (``log.amount_known``), never 0.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-01", "2024-02-01"],
    ...                       "category": pd.Categorical(["books", None])})
    >>> from_pandas(frame).category.tolist()
    [0, -1]
    >>> cents = frame.assign(cents=[100, 250])
    >>> from_pandas(cents, columns={"amount_minor": "cents"}, currency="EUR").amount_minor.tolist()
    [100, 250]
    """
    pd = import_optional("pandas", "pandas")
    mapping = dict(columns or {})
    names = [str(c) for c in frame.columns]
    available = set(frame.columns)
    if len(names) != len(set(names)):
        twice = sorted({c for c in names if names.count(c) > 1})
        msg = f"the frame names column {twice[0]!r} twice (columns: {', '.join(names)})"
        raise SchemaError(msg)
    for key in mapping:
        if key not in FIELDS:
            msg = (
                f"columns= maps unknown field {key!r}{_hint(str(key), FIELDS)} "
                f"(fields: {', '.join(FIELDS)}; list other columns in attributes=[...])"
            )
            raise SchemaError(msg)
    sources: dict[str, Any] = {}
    for field in FIELDS:
        source = mapping.get(field, field)
        if source in available:
            sources[field] = source
        elif field in mapping or field in ("customer", "date"):
            msg = (
                f"missing column {source!r} for field {field!r}"
                f"{_hint(str(source), names)} (columns: {', '.join(names)})"
            )
            raise SchemaError(msg)
    for name in attributes:
        if name not in available:
            msg = (
                f"missing column {name!r} for attribute {name!r}{_hint(name, names)} "
                f"(columns: {', '.join(names)})"
            )
            raise SchemaError(msg)
    for name in ignore:
        if name not in available:
            msg = f"ignore= names no column {name!r} (columns: {', '.join(names)})"
            raise SchemaError(msg)
    check_unread(frame.columns, sources, used=(*attributes, *ignore), source="the frame")

    def values(name: Any, *, missing_is_none: bool = True) -> Any:
        column = frame[name]
        nullable = isinstance(column.dtype, (pd.CategoricalDtype, pd.StringDtype))
        if name == sources.get("amount_minor") and isinstance(column.dtype, pd.Int64Dtype):
            # <NA> in a nullable Int64 column is an unknown amount, never 0.
            if not column.hasnans:
                return column.to_numpy(dtype=np.int64)
            nullable = True
        if missing_is_none and nullable:
            objects = column.astype(object)
            return objects.where(objects.notna(), None).to_numpy()
        return column.to_numpy()

    # A missing amount must reach the amount check, which refuses NaN, not read as no amount.
    arrays = {
        field: values(source, missing_is_none=field != "amount")
        for field, source in sources.items()
    }
    carried = {name: values(name) for name in attributes}
    return load_columns(
        arrays, carried, currency=currency, kinds=kinds, score_scale=score_scale, errors=errors
    )


def to_pandas(log: EventLog) -> Any:
    """The log as a :class:`pandas.DataFrame` that :func:`from_pandas` reads back as it was.

    Columns: ``customer``, ``date`` (``datetime64``), ``kind`` (categorical),
    ``amount_minor`` and ``currency`` when the log has amounts, then the optional
    ``quantity``, categorical ``category``/``product``/``channel``, ``score`` and the
    attributes. ``amount_minor`` is ``int64``, or nullable ``Int64`` with ``<NA>`` where an
    amount is unknown (``log.amount_known``) when some is.

    Examples
    --------
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
    ...     {"customer": 2, "date": "2024-02-01", "kind": "visit", "category": "books"},
    ... ])
    >>> frame = to_pandas(log)
    >>> frame.columns.tolist()
    ['customer', 'date', 'kind', 'amount_minor', 'currency', 'category']
    >>> frame["amount_minor"].dtype.name, frame["amount_minor"].isna().tolist()
    ('Int64', [False, True])
    >>> frame["category"].tolist()
    [nan, 'books']
    >>> from_pandas(frame).amount_known.tolist()
    [True, False]
    """
    pd = import_optional("pandas", "pandas")
    columns: dict[str, Any] = {
        "customer": log.customer,
        "date": log.date,
        "kind": pd.Categorical.from_codes(log.kind_code, categories=list(log.kinds)),
    }
    if log.currency is not None:
        known = log.amount_known
        columns["amount_minor"] = (
            log.amount_minor
            if known is None
            else pd.arrays.IntegerArray(np.array(log.amount_minor), ~known)
        )
        columns["currency"] = pd.Categorical.from_codes(
            np.zeros(len(log), dtype=np.int8), categories=[log.currency.code]
        )
    if log.quantity is not None:
        columns["quantity"] = log.quantity
    for field in LABEL_FIELDS:
        codes = getattr(log, field)
        if codes is not None:
            columns[field] = pd.Categorical.from_codes(codes, categories=list(log.labels[field]))
    if log.score is not None:
        columns["score"] = log.score
    columns |= dict(log.attributes)
    # A frame owns its data: a log's columns are read-only and pandas would share them.
    return pd.DataFrame(
        {
            name: values
            if isinstance(values, (pd.Categorical, pd.api.extensions.ExtensionArray))
            else np.array(values)
            for name, values in columns.items()
        }
    )


@overload
def from_polars(
    frame: Any,
    columns: Mapping[str, str] | None = ...,
    *,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] | None = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["raise"] = ...,
) -> EventLog: ...


@overload
def from_polars(
    frame: Any,
    columns: Mapping[str, str] | None = ...,
    *,
    currency: Currency | str | None = ...,
    attributes: Sequence[str] | None = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["collect"],
) -> Loaded: ...


def from_polars(
    frame: Any,
    columns: Mapping[str, str] | None = None,
    *,
    currency: Currency | str | None = None,
    attributes: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    kinds: Sequence[str] = (),
    score_scale: tuple[float, float] | None = None,
    errors: ErrorMode = "raise",
) -> EventLog | Loaded:
    """Build a log from a :class:`polars.DataFrame` (needs the ``polars`` extra).

    The frame goes through Arrow (without a copy where polars allows), then the rules of
    :func:`from_arrow` apply: a ``Decimal`` or string amount column, or ``Int64`` minor
    units; ``Date`` or ``Datetime`` dates; unknown columns are refused. A polars frame
    keeps no metadata, so kinds of your own must be declared with ``kinds=[...]``.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"customer": ["ann", "bob"], "date": ["2024-01-01", "2024-02-01"],
    ...                       "amount": ["9.99", "20.00"]})
    >>> from_polars(frame, currency="GBP").amount_minor.tolist()
    [999, 2000]
    """
    pl = import_optional("polars", "polars")
    if not isinstance(frame, pl.DataFrame):
        kind = type(frame).__name__
        msg = f"expected a polars DataFrame (got {kind}; collect() a LazyFrame first)"
        raise ValidationError(msg)
    arrow = frame.to_arrow()
    plan = _plan(arrow.schema, columns, attributes, ignore, "the table")
    return _load_table(arrow, arrow.schema, plan, currency, (kinds, score_scale), errors)


def to_polars(log: EventLog) -> Any:
    """The log as a :class:`polars.DataFrame` that :func:`from_polars` reads back as it was.

    As :func:`to_arrow`, with the currency as a ``currency`` column (polars keeps no
    metadata): amounts stay ``Int64`` minor units, dates are ``Date``, kinds and labels
    ``Categorical``.

    Examples
    --------
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
    ... ])
    >>> frame = to_polars(log)
    >>> frame.columns, frame["amount_minor"].to_list(), frame["currency"].to_list()
    (['customer', 'date', 'kind', 'amount_minor', 'currency'], [2500], ['EUR'])
    >>> from_polars(frame).amount_minor.tolist()
    [2500]
    """
    pl = import_optional("polars", "polars")
    pa = import_optional("pyarrow", "arrow")
    table = to_arrow(log)
    if log.currency is not None:
        position = table.column_names.index("amount_minor") + 1
        currency = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(len(log), dtype=np.int8)), pa.array([log.currency.code])
        )
        table = table.add_column(position, "currency", currency)
    return pl.from_arrow(table)
