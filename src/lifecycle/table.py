"""Columnar tables: the shape of every result the batch engine returns.

A :class:`Table` is an ordered set of equal-length NumPy columns. ``table["frequency"]`` and
``table.frequency`` give the column, ``len(table)`` the number of rows, and
:meth:`Table.to_pandas` converts it when the ``[pandas]`` extra is installed.

Examples
--------
>>> import numpy as np
>>> t = Table({"customer": np.array([1, 2]), "frequency": np.array([0, 3])})
>>> len(t), t.frequency, t["customer"]
(2, array([0, 3]), array([1, 2]))
>>> t.columns
('customer', 'frequency')
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ._values import plain
from .errors import ConversionError, LifecycleError, MissingDependencyError, ValidationError

__all__ = ["Table", "import_optional", "provide_converters"]

#: The functions of lifecycle.io that Table.to_arrow and Table.to_polars delegate to. io
#: sits above table (it knows a Population's money columns), so table cannot import it;
#: io hands them over when it is imported, and ``import lifecycle`` imports it.
_CONVERTERS: dict[str, Callable[..., Any]] = {}


def provide_converters(**functions: Callable[..., Any]) -> None:
    """Register the converters that Table's Arrow and polars methods delegate to (by lifecycle.io).

    Examples
    --------
    >>> sorted(_CONVERTERS)
    ['to_arrow', 'to_polars', 'to_sql']
    """
    _CONVERTERS.update(functions)


def _converter(name: str) -> Callable[..., Any]:
    try:
        return _CONVERTERS[name]
    except KeyError:
        # Only reachable while the lifecycle package itself is half imported.
        msg = f"lifecycle.io has not provided {name!r} yet: import lifecycle first"
        raise LifecycleError(msg) from None


def import_optional(module: str, extra: str) -> Any:
    """Import an optional dependency or raise :class:`MissingDependencyError` naming the extra.

    Examples
    --------
    >>> import_optional("no_such_module_xyz", "pandas")
    Traceback (most recent call last):
    ...
    lifecycle.errors.MissingDependencyError: this needs no_such_module_xyz: pip install 'customer-lifecycle[pandas]'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        msg = f"this needs {module}: pip install 'customer-lifecycle[{extra}]'"
        raise MissingDependencyError(msg) from None


if TYPE_CHECKING:
    _Columns = Mapping[str, NDArray[Any]]
else:
    # Not a registered collections.abc.Mapping at run time, on purpose: see Table.
    _Columns = object


class Table(_Columns):
    """Equal-length named NumPy columns, read-only.

    A table reads as a mapping of column name to column (``table[name]``, ``in``,
    ``keys()``, ``items()``, ``values()``, ``get()``, ``dict(table)``, and type checkers
    see a ``Mapping``), but ``isinstance(table, collections.abc.Mapping)`` is False: polars'
    ``DataFrame`` constructor reads any registered mapping as raw columns before it looks
    for the Arrow stream, which would turn a population's masked money into 0. Unregistered,
    a table reaches polars, DuckDB and pyarrow through :meth:`__arrow_c_stream__`, nulls and
    all.

    Parameters
    ----------
    columns : mapping of str to array
        Column name to 1-D array; all of one length.

    Examples
    --------
    >>> t = Table({"a": [1, 2, 3]})
    >>> t["a"].dtype.kind, len(t)
    ('i', 3)
    >>> t.b
    Traceback (most recent call last):
    ...
    AttributeError: no column 'b' (columns: a)
    """

    __slots__ = ("_columns", "_length")

    def __init__(self, columns: Mapping[str, Any]) -> None:
        cols: dict[str, NDArray[Any]] = {}
        length: int | None = None
        for name, values in columns.items():
            arr = np.asarray(values)
            if arr.ndim != 1:
                msg = f"column {name!r} must be 1-dimensional (got shape {arr.shape})"
                raise ValidationError(msg)
            if length is not None and len(arr) != length:
                msg = f"column {name!r} has {len(arr)} rows, expected {length}"
                raise ValidationError(msg)
            length = len(arr)
            arr.flags.writeable = False
            cols[name] = arr
        self._columns = cols
        self._length = length or 0

    def __getitem__(self, name: str) -> NDArray[Any]:
        try:
            return self._columns[name]
        except KeyError:
            msg = f"no column {name!r} (columns: {', '.join(self._columns)})"
            raise KeyError(msg) from None

    def __getattr__(self, name: str) -> NDArray[Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._columns[name]
        except KeyError:
            msg = f"no column {name!r} (columns: {', '.join(self._columns)})"
            raise AttributeError(msg) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return self._length

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def keys(self) -> KeysView[str]:
        """The column names, as a dict's keys.

        Examples
        --------
        >>> list(Table({"a": [1], "b": [2]}).keys())
        ['a', 'b']
        """
        return self._columns.keys()

    def values(self) -> ValuesView[NDArray[Any]]:
        """The columns, in order.

        Examples
        --------
        >>> [column.tolist() for column in Table({"a": [1], "b": [2]}).values()]
        [[1], [2]]
        """
        return self._columns.values()

    def items(self) -> ItemsView[str, NDArray[Any]]:
        """(name, column) pairs, in order.

        Examples
        --------
        >>> [(name, column.tolist()) for name, column in Table({"a": [1]}).items()]
        [('a', [1])]
        """
        return self._columns.items()

    def get(self, name: str, default: Any = None) -> Any:
        """Column ``name``, or ``default`` when there is none.

        Examples
        --------
        >>> Table({"a": [1]}).get("b") is None
        True
        """
        return self._columns.get(name, default)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(self._columns)

    def __repr__(self) -> str:
        from ._display import table_text

        return table_text(self)

    def _repr_html_(self) -> str:
        from ._display import table_html

        return table_html(self)

    def masked(self, name: str) -> NDArray[np.bool_] | None:
        """Rows where column ``name`` holds no value although its dtype cannot say so.

        A plain table has none (None); a :class:`~lifecycle.signals.Population` masks
        money columns, whose int64 minor units have no NaN.

        Examples
        --------
        >>> Table({"a": [1, 2]}).masked("a") is None
        True
        """
        self[name]  # unknown names raise here, naming the columns
        return None

    def row(self, index: int) -> dict[str, Any]:
        """One row as a dict of plain Python values (dates as :class:`datetime.date`).

        A masked value (see :meth:`masked`) is None.

        Examples
        --------
        >>> Table({"a": [1, 2], "b": ["x", "y"]}).row(1)
        {'a': 2, 'b': 'y'}
        >>> Table({"segment": np.array(["gold", None], dtype=object)}).row(1)
        {'segment': None}
        """
        out: dict[str, Any] = {}
        for name, col in self._columns.items():
            mask = self.masked(name)
            out[name] = None if mask is not None and mask[index] else plain(col[index])
        return out

    def to_pandas(self) -> Any:
        """A :class:`pandas.DataFrame` with the same columns (needs the ``[pandas]`` extra).

        A masked integer column (money a population cannot know) becomes pandas' nullable
        ``Int64`` with ``<NA>`` in those rows, so pandas' ``mean`` and ``sum`` skip them.

        Examples
        --------
        >>> Table({"a": [1, 2]}).to_pandas().shape
        (2, 1)
        """
        pd = import_optional("pandas", "pandas")
        data: dict[str, Any] = {}
        for name, col in self._columns.items():
            mask = self.masked(name)
            if mask is not None and col.dtype.kind in "iu":
                data[name] = pd.arrays.IntegerArray(col.astype(np.int64), mask.copy())
            elif mask is not None:
                data[name] = col.astype(object)
                data[name][mask] = None
            else:
                data[name] = np.array(col)
        return pd.DataFrame(data)

    def __dataframe__(self, nan_as_null: bool = False, allow_copy: bool = True) -> Any:
        """The dataframe interchange protocol, through :meth:`to_pandas`.

        Libraries that read the protocol build the same frame as :meth:`to_pandas`. pandas 3's
        ``pandas.api.interchange.from_dataframe(table)`` reads :meth:`__arrow_c_stream__`
        instead when pyarrow is installed, as ``pandas.DataFrame.from_arrow`` does.
        """
        return self.to_pandas().__dataframe__(nan_as_null=nan_as_null, allow_copy=allow_copy)

    def to_arrow(self) -> Any:
        """A :class:`pyarrow.Table`: see :func:`lifecycle.io.table_to_arrow` (``arrow`` extra).

        Missing values and masked money are null, dates ``date32``; a population's money
        columns stay ``int64`` minor units with the currency in their metadata.

        Examples
        --------
        >>> Table({"a": [1, 2], "f": [0.5, np.nan]}).to_arrow().column("f").to_pylist()
        [0.5, None]
        """
        arrow: Any = _converter("to_arrow")(self)
        return arrow

    def to_polars(self) -> Any:
        """A :class:`polars.DataFrame`: see :func:`lifecycle.io.table_to_polars` (``polars`` extra).

        Examples
        --------
        >>> Table({"a": [1, 2], "f": [0.5, np.nan]}).to_polars()["f"].to_list()
        [0.5, None]
        """
        frame: Any = _converter("to_polars")(self)
        return frame

    def to_sql(self, connection: Any, table: str, **options: Any) -> int:
        """Write the table to a SQL table: see :func:`lifecycle.io.to_sql`.

        Missing values and masked money are NULL; a population's money columns stay
        ``BIGINT`` minor units beside a ``currency`` column.

        Examples
        --------
        >>> import sqlite3
        >>> db = sqlite3.connect(":memory:")
        >>> Table({"a": [1, 2], "f": [0.5, np.nan]}).to_sql(db, "results")
        2
        >>> db.execute("SELECT * FROM results").fetchall()
        [(1, 0.5), (2, None)]
        """
        rows: int = _converter("to_sql")(self, connection, table, **options)
        return rows

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> Any:
        """The Arrow PyCapsule stream protocol, through :meth:`to_arrow` (``arrow`` extra).

        ``pyarrow.table(table)``, ``polars.DataFrame(table)``, DuckDB
        (``duckdb.sql("SELECT ... FROM table")``) and ``pandas.DataFrame.from_arrow(table)``
        read it: the same columns, nulls and money metadata as :meth:`to_arrow`. pyarrow
        turns an integer column with nulls into float64 for pandas: :meth:`to_pandas` keeps
        masked money integer (``Int64``).

        Examples
        --------
        >>> import pyarrow as pa
        >>> pa.table(Table({"a": [1, 2]})).column("a").to_pylist()
        [1, 2]
        """
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def __array__(self, dtype: object = None, copy: object = None) -> NDArray[Any]:
        # pandas.DataFrame(x) reads only a dict as columns and honours no Arrow stream: any
        # other iterable becomes an array, or a frame of its keys, silently. Refusing to be
        # an array makes pandas.DataFrame(table) an error that says what to call instead.
        msg = (
            f"a {type(self).__name__} is not an array: use .to_pandas() for a pandas "
            "DataFrame (pandas.DataFrame(table) cannot read a table's columns; "
            "pandas.DataFrame.from_arrow(table) can), .to_polars() for polars, "
            "or table[name] for one column"
        )
        raise ConversionError(msg)
