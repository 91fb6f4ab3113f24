"""Every way in and out of ``lifecycle``: files, data frames, Arrow and SQL.

Loaders return an :class:`~lifecycle.events.EventLog` and share one validation (that of
:meth:`EventLog.from_arrays <lifecycle.events.EventLog.from_arrays>`): strict by default, or
``errors="collect"`` for the good rows and every rejected row with its reason. Writers lose
nothing: money stays integer minor units with its currency, dates stay dates, missing
values stay missing and kinds and labels stay categorical.

=========================  ==========================  =============
in                         out                         needs
=========================  ==========================  =============
:func:`read_csv`                                       (core)
:func:`read_sql`           :func:`to_sql`              (core)
:func:`from_pandas`        :func:`to_pandas`           ``pandas``
:func:`from_arrow`         :func:`to_arrow`,           ``arrow``
                           :func:`table_to_arrow`
:func:`read_parquet`       :func:`write_parquet`       ``arrow``
:func:`from_polars`        :func:`to_polars`,          ``polars``
                           :func:`table_to_polars`
=========================  ==========================  =============

Nothing here imports pandas, pyarrow or polars until a function that needs it is called;
without the extra, that call raises :class:`~lifecycle.errors.MissingDependencyError`
naming it.

Examples
--------
>>> import sqlite3
>>> from lifecycle import io
>>> db = sqlite3.connect(":memory:")
>>> _ = db.execute("CREATE TABLE events (customer TEXT, date TEXT, amount TEXT)")
>>> _ = db.execute("INSERT INTO events VALUES ('ann', '2024-01-05', '25.00')")
>>> log = io.read_sql(db, "SELECT * FROM events", currency="EUR")
>>> io.to_arrow(log).column("amount_minor").to_pylist()
[2500]
"""

from ..events import provide_io
from ..table import provide_converters
from ._arrow import from_arrow, read_parquet, to_arrow, write_parquet
from ._csv import read_csv
from ._frames import from_pandas, from_polars, to_pandas, to_polars
from ._sql import read_sql, to_sql
from ._tables import table_to_arrow, table_to_polars

# EventLog.from_csv, from_pandas, from_arrow, to_arrow, to_pandas and to_sql delegate to these: the
# events layer sits below io and cannot import them itself (docs/architecture.md).
provide_io(
    read_csv=read_csv,
    from_pandas=from_pandas,
    from_arrow=from_arrow,
    to_arrow=to_arrow,
    to_pandas=to_pandas,
    to_polars=to_polars,
    to_sql=to_sql,
)
# Table.to_arrow, to_polars, to_sql and __arrow_c_stream__ delegate to these, for the same reason.
provide_converters(to_arrow=table_to_arrow, to_polars=table_to_polars, to_sql=to_sql)

__all__ = [
    "from_arrow",
    "from_pandas",
    "from_polars",
    "read_csv",
    "read_parquet",
    "read_sql",
    "table_to_arrow",
    "table_to_polars",
    "to_arrow",
    "to_pandas",
    "to_polars",
    "to_sql",
    "write_parquet",
]
