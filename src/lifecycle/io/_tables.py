"""Result tables to Arrow and polars.

Every result :class:`~lifecycle.table.Table` (a population, an RFM summary, a timeline's
tables, a pricing schedule) converts column by column: missing values (NaN, NaT, None, and a
population's masked signals) become nulls, dates stay ``date32``, and a population's money
columns stay ``int64`` minor units with the currency in the field metadata.
"""

from __future__ import annotations

from typing import Any

from ..signals import Population
from ..table import Table, import_optional
from ._arrow import _AS_OF_KEY, _SCHEMA_KEY, _column, _missing, _money_metadata, _pyarrow

__all__ = ["table_to_arrow", "table_to_polars"]


def table_to_arrow(table: Table) -> Any:
    """A result :class:`~lifecycle.table.Table` as a :class:`pyarrow.Table` (``arrow`` extra).

    Missing values (NaN, NaT, None, and a population's masked signals) become nulls;
    dates stay ``date32``; a population's money columns stay ``int64`` minor units with
    the currency in the column's metadata, and its ``as_of`` is in the table's metadata.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
    ...     {"customer": 2, "date": "2024-02-01", "kind": "visit"},
    ... ])
    >>> arrow = table_to_arrow(log.population("2024-03-01"))
    >>> arrow.column("total_spend").to_pylist(), arrow.column("last_purchase").to_pylist()
    ([2500, 0], [datetime.date(2024, 1, 5), None])
    >>> arrow.schema.field("total_spend").metadata[b"lifecycle.currency"]
    b'EUR'
    """
    pa = _pyarrow()
    fields: list[Any] = []
    arrays: list[Any] = []
    metadata = {_SCHEMA_KEY: "lifecycle.table/1"}
    population = table if isinstance(table, Population) else None
    if population is not None:
        if population.as_of is not None:
            metadata[_AS_OF_KEY] = population.as_of.isoformat()
        if population.currency is not None:
            metadata |= _money_metadata(population.currency)
    for name, values in table.items():
        missing = _missing(values) if population is None else population.is_missing(name)
        money = None
        if (
            population is not None
            and population.currency is not None
            and population.kind_of(name) == "money"
        ):
            money = _money_metadata(population.currency)
        array = _column(pa, name, values, missing)
        fields.append(pa.field(name, array.type, metadata=money))
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=metadata))


def table_to_polars(table: Table) -> Any:
    """A result :class:`~lifecycle.table.Table` as a :class:`polars.DataFrame`.

    Through :func:`table_to_arrow`: missing values are null and dates are ``Date``; a
    population's money columns stay ``Int64`` minor units of its ``currency``.

    Examples
    --------
    >>> import numpy as np
    >>> frame = table_to_polars(Table({"customer": [1, 2], "score": [0.5, np.nan]}))
    >>> frame["score"].to_list()
    [0.5, None]
    """
    pl = import_optional("polars", "polars")
    return pl.from_arrow(table_to_arrow(table))
