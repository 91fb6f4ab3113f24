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

from ..errors import ValidationError
from ..events import EventLog, Loaded
from ..money import Currency
from ..table import import_optional
from ._arrow import from_arrow, to_arrow
from ._fields import LABEL_FIELDS, ErrorMode

__all__ = ["from_pandas", "from_polars", "to_pandas", "to_polars"]


@overload
def from_pandas(frame: Any, *, errors: Literal["raise"] = ..., **options: Any) -> EventLog: ...


@overload
def from_pandas(frame: Any, *, errors: Literal["collect"], **options: Any) -> Loaded: ...


def from_pandas(frame: Any, *, errors: ErrorMode = "raise", **options: Any) -> EventLog | Loaded:
    """Build a log from a :class:`pandas.DataFrame` (needs the ``pandas`` extra).

    Takes the options of :meth:`EventLog.from_pandas <lifecycle.events.EventLog.from_pandas>`
    (``columns``, ``currency``, ``attributes``) and its ``errors`` mode. A categorical or
    pandas string column's missing values (``NaN``, ``pd.NA``) are read as missing, except
    in the amount column, where NaN is refused as it is by every loader.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-01", "2024-02-01"],
    ...                       "category": pd.Categorical(["books", None])})
    >>> from_pandas(frame).category.tolist()
    [0, -1]
    """
    pd = import_optional("pandas", "pandas")
    # A missing amount must reach the amount check, which refuses NaN, not read as no amount.
    amount = dict(options.get("columns") or {}).get("amount", "amount")
    missing_marked = [
        name
        for name in frame.columns
        if name != amount and isinstance(frame[name].dtype, (pd.CategoricalDtype, pd.StringDtype))
    ]
    if missing_marked:
        frame = frame.copy(deep=False)
        for name in missing_marked:
            values = frame[name].astype(object)
            frame[name] = values.where(values.notna(), None)
    loaded: EventLog | Loaded = EventLog.from_pandas(frame, errors=errors, **options)
    return loaded


def to_pandas(log: EventLog) -> Any:
    """The log as a :class:`pandas.DataFrame` that :func:`from_pandas` reads back as it was.

    Columns: ``customer``, ``date`` (``datetime64``), ``kind`` (categorical),
    ``amount_minor`` (``int64``) and ``currency`` when the log has amounts, then the
    optional ``quantity``, categorical ``category``/``product``/``channel``, ``score`` and
    the attributes.

    Examples
    --------
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
    ...     {"customer": 2, "date": "2024-02-01", "kind": "visit", "category": "books"},
    ... ])
    >>> frame = to_pandas(log)
    >>> frame.columns.tolist()
    ['customer', 'date', 'kind', 'amount_minor', 'currency', 'category']
    >>> frame["amount_minor"].tolist(), frame["category"].tolist()
    ([2500, 0], [nan, 'books'])
    >>> from_pandas(frame).amount_minor.tolist()
    [2500, 0]
    """
    pd = import_optional("pandas", "pandas")
    columns: dict[str, Any] = {
        "customer": log.customer,
        "date": log.date,
        "kind": pd.Categorical.from_codes(log.kind_code, categories=list(log.kinds)),
    }
    if log.currency is not None:
        columns["amount_minor"] = log.amount_minor
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
            name: values if isinstance(values, pd.Categorical) else np.array(values)
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
    errors: Literal["collect"],
) -> Loaded: ...


def from_polars(
    frame: Any,
    columns: Mapping[str, str] | None = None,
    *,
    currency: Currency | str | None = None,
    attributes: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    errors: ErrorMode = "raise",
) -> EventLog | Loaded:
    """Build a log from a :class:`polars.DataFrame` (needs the ``polars`` extra).

    The frame goes through Arrow (without a copy where polars allows), then the rules of
    :func:`from_arrow` apply: a ``Decimal`` or string amount column, or ``Int64`` minor
    units; ``Date`` or ``Datetime`` dates; unknown columns are refused.

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
    return from_arrow(
        frame.to_arrow(),
        columns,
        currency=currency,
        attributes=attributes,
        ignore=ignore,
        errors=errors,
    )


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
