"""An event log split across a Dask cluster by customer: :class:`DaskEvents`, :func:`read_events`.

Every partition holds whole customers, so each one is loaded by an in-memory loader
(:func:`lifecycle.io.from_arrow`, or :func:`lifecycle.io.from_pandas`) into an ordinary :class:`~lifecycle.events.EventLog` and
handed to the in-memory batch engine, with nothing to merge per customer afterwards.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs
import numpy as np

from ..errors import LifecycleError, ValidationError
from ..events import EventLog, Loaded
from ..io import from_arrow, from_pandas
from ..money import Currency
from ..table import Table, import_optional

__all__ = ["DaskEvents", "read_events"]

_T = TypeVar("_T")


def dask_module(name: str) -> Any:
    """Import a module of Dask, or raise MissingDependencyError naming the ``dask`` extra."""
    return import_optional(name, "dask")


@attrs.frozen
class _Loading:
    """How every partition is loaded: the arguments of :func:`lifecycle.io.from_pandas`."""

    columns: Mapping[str, str] | None
    currency: Currency | str | None
    attributes: tuple[str, ...]
    ignore: tuple[str, ...]
    kinds: tuple[str, ...]
    score_scale: tuple[float, float] | None
    errors: Literal["raise", "collect"]
    index: str | None  # the customer column when it is the frame's index

    def load(self, frame: Any, partition: int) -> Loaded:
        """The partition's log and rejected rows; errors name the partition.

        The partition goes to :func:`lifecycle.io.from_arrow` when Arrow can type its
        columns (categorical and string columns are then validated per distinct value, not
        per row: about twice as fast), else to :func:`lifecycle.io.from_pandas`, which
        names the row Arrow could not take.
        """
        if self.index is not None:
            frame = frame.reset_index()
        options: dict[str, Any] = {
            "currency": self.currency,
            "attributes": self.attributes,
            "ignore": self.ignore,
            "kinds": self.kinds,
            "score_scale": self.score_scale,
        }
        table = _arrow_or_none(frame)
        try:
            if table is not None:
                if self.errors == "collect":
                    return from_arrow(table, self.columns, errors="collect", **options)
                return Loaded(from_arrow(table, self.columns, **options), ())
            if self.errors == "collect":
                return from_pandas(frame, columns=self.columns, errors="collect", **options)
            return Loaded(from_pandas(frame, columns=self.columns, **options), ())
        except LifecycleError as err:
            # Rows are counted within the partition: say which one, keeping the error's type.
            raise type(err)(f"partition {partition}: {err}") from None


def _arrow_or_none(frame: Any) -> Any:
    pa = import_optional("pyarrow", "dask")
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None  # a column of mixed objects: the pandas loader reports the row


def _run(
    frame: Any, partition: int, loading: _Loading, job: Callable[[EventLog], _T | None]
) -> _T | None:
    """One partition through the in-memory engine; None for a partition without events."""
    if len(frame) == 0:
        return None
    log = loading.load(frame, partition).log
    return job(log) if len(log) else None


def _rejected(frame: Any, partition: int, loading: _Loading) -> list[tuple[int, Any]]:
    if len(frame) == 0:
        return []
    return [(partition, r) for r in loading.load(frame, partition).rejected]


@attrs.frozen(eq=False)
class DaskEvents:
    """Customer events in a Dask DataFrame whose partitions each hold whole customers.

    Made by :func:`read_events`. Nothing is read until a job runs: each job loads every
    partition with the in-memory loader (the same validation and errors as
    :mod:`lifecycle.io`), runs the in-memory batch engine on it, and gathers the results;
    :meth:`persist` keeps the shuffled rows in the cluster's memory between jobs.

    Attributes
    ----------
    frame : dask.dataframe.DataFrame
        The raw rows, partitioned by customer.
    shuffled : bool
        Whether :func:`read_events` had to shuffle the rows by customer.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle.dask import read_events
    >>> frame = pd.DataFrame({"customer": [1, 2, 1], "date": ["2024-01-05", "2024-02-01",
    ...                       "2024-03-01"], "amount": ["10", "5", "7.5"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2), currency="EUR")
    >>> events.npartitions, events.shuffled
    (2, True)
    >>> events.compute()
    EventLog(3 events, 2 customers, 2024-01-05 .. 2024-03-01, EUR)
    """

    frame: Any = attrs.field(repr=False)
    loading: _Loading = attrs.field(repr=False)
    shuffled: bool

    @property
    def npartitions(self) -> int:
        """The number of partitions (each a set of whole customers).

        Examples
        --------
        >>> import dask.dataframe as dd, pandas as pd
        >>> from lifecycle.dask import read_events
        >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-05", "2024-02-01"]})
        >>> read_events(dd.from_pandas(frame, npartitions=1)).npartitions
        1
        """
        return int(self.frame.npartitions)

    def persist(self) -> DaskEvents:
        """The same events, kept in the cluster's memory (shuffled once, not once per job).

        Examples
        --------
        >>> import dask.dataframe as dd, pandas as pd
        >>> from lifecycle.dask import read_events
        >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-05", "2024-02-01"]})
        >>> read_events(dd.from_pandas(frame, npartitions=2)).persist().npartitions
        2
        """
        return attrs.evolve(self, frame=self.frame.persist())

    def map(self, job: Callable[[EventLog], _T | None]) -> list[_T]:
        """Run ``job`` on every partition's event log; its results other than None.

        The building block of every function of :mod:`lifecycle.dask`: ``job`` is the
        in-memory engine, given one partition's :class:`~lifecycle.events.EventLog` (whole
        customers, sorted by customer and date). It must be picklable to reach worker
        processes (a module-level function or a ``functools.partial`` of one).

        Examples
        --------
        >>> import dask.dataframe as dd, pandas as pd
        >>> from lifecycle.dask import read_events
        >>> frame = pd.DataFrame({"customer": [1, 2, 1], "date": ["2024-01-05", "2024-02-01",
        ...                       "2024-03-01"]})
        >>> sorted(read_events(dd.from_pandas(frame, npartitions=2)).map(len))
        [1, 2]
        """
        dask = dask_module("dask")
        delayed = dask.delayed(_run, pure=True)
        parts = self.frame.to_delayed()
        results = dask.compute(*[delayed(p, i, self.loading, job) for i, p in enumerate(parts)])
        return [r for r in results if r is not None]

    def compute(self) -> EventLog:
        """Every event in one in-memory :class:`~lifecycle.events.EventLog` (small data only).

        Examples
        --------
        >>> import dask.dataframe as dd, pandas as pd
        >>> from lifecycle.dask import read_events
        >>> frame = pd.DataFrame({"customer": ["b", "a"], "date": ["2024-01-05", "2024-02-01"]})
        >>> read_events(dd.from_pandas(frame, npartitions=2)).compute().customers.tolist()
        ['a', 'b']
        """
        return self.loading.load(self.frame.compute(), 0).log

    def end(self) -> dt.date:
        """The date of the last event (one pass over the data).

        Examples
        --------
        >>> import dask.dataframe as dd, pandas as pd
        >>> from lifecycle.dask import read_events
        >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-05", "2024-02-01"]})
        >>> read_events(dd.from_pandas(frame, npartitions=2)).end()
        datetime.date(2024, 2, 1)
        """
        ends = [e for e in self.map(_end) if e is not None]
        if not ends:
            msg = "the events are empty: no partition has a valid event"
            raise ValidationError(msg)
        return max(ends)

    def rejected(self) -> Table:
        """Every row the loader refused, with ``errors="collect"`` (one pass over the data).

        Returns
        -------
        Table
            ``partition``, ``row`` (counted within the partition, from 0), ``column``,
            ``value`` and ``reason``; empty with ``errors="raise"``, where a bad row raises.

        Examples
        --------
        >>> import dask.dataframe as dd, pandas as pd
        >>> from lifecycle.dask import read_events
        >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-05", "soon"]})
        >>> events = read_events(dd.from_pandas(frame, npartitions=1), errors="collect")
        >>> bad = events.rejected()
        >>> bad["row"].tolist(), bad.reason.tolist()
        ([1], ['must be a date YYYY-MM-DD'])
        """
        dask = dask_module("dask")
        found: list[tuple[int, Any]] = []
        if self.loading.errors == "collect":
            delayed = dask.delayed(_rejected, pure=True)
            parts = self.frame.to_delayed()
            for rows in dask.compute(*[delayed(p, i, self.loading) for i, p in enumerate(parts)]):
                found.extend(rows)
        return Table(
            {
                "partition": np.array([p for p, _ in found], dtype=np.int64),
                "row": np.array([r.row for _, r in found], dtype=np.int64),
                "column": np.array([r.column for _, r in found], dtype=object),
                "value": np.array([r.value for _, r in found] + [None], dtype=object)[:-1],
                "reason": np.array([r.reason for _, r in found], dtype=object),
            }
        )


def _end(log: EventLog) -> dt.date | None:
    return log.end


def read_events(
    source: Any,
    columns: Mapping[str, str] | None = None,
    *,
    currency: Currency | str | None = None,
    attributes: Sequence[str] = (),
    ignore: Sequence[str] = (),
    kinds: Sequence[str] = (),
    score_scale: tuple[float, float] | None = None,
    errors: Literal["raise", "collect"] = "raise",
    npartitions: int | None = None,
) -> DaskEvents:
    """Events from a Dask DataFrame or Parquet files, partitioned by customer (the ``dask`` extra).

    Parameters
    ----------
    source : dask.dataframe.DataFrame, str or Path
        The rows, one event each, in the layout :func:`lifecycle.io.from_pandas` reads; or
        a Parquet file, directory or glob (``"events/*.parquet"``), read with
        ``dask.dataframe.read_parquet``.
    columns : mapping of str to str, optional
        Field name to column name, as in :func:`lifecycle.io.from_pandas`.
    currency, attributes, ignore, kinds, score_scale
        As in :func:`lifecycle.io.from_pandas`, applied to every partition. Parquet files
        written by :func:`lifecycle.io.write_parquet` reach Dask without their metadata:
        give ``currency`` and ``kinds`` here.
    errors : {"raise", "collect"}
        ``"raise"``: a bad row raises when a job runs, its message naming the partition and
        the row within it. ``"collect"``: jobs use the good rows, and
        :meth:`DaskEvents.rejected` lists the others.
    npartitions : int, optional
        Partitions after a shuffle; default as many as the source has.

    Returns
    -------
    DaskEvents
        Lazy: nothing is read until a job runs.

    Notes
    -----
    Rows need no shuffle when the frame's index is the customer column with known
    divisions (``set_index``/``sort_values`` did that, or Parquet files sorted by customer
    read with ``index=`` and ``calculate_divisions=True``): each partition already holds
    whole customers. For a path this function tries that itself, and reads the customer
    column once to make sure no customer spans two files (file statistics allow it); a
    frame you pass with known divisions is trusted, and jobs that give one row per
    customer raise if a customer turns up in two partitions. Otherwise the rows are
    shuffled by a hash of the customer id, which moves every row across the network once
    per job (:meth:`DaskEvents.persist` keeps the result).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> frame = pd.DataFrame({"id": [7, 8], "day": ["2024-01-05", "2024-02-30"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=1),
    ...                      {"customer": "id", "date": "day"})
    >>> events.compute()
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: partition 0: row 1: 'date' must be a date YYYY-MM-DD (got '2024-02-30')
    """
    dd = dask_module("dask.dataframe")
    if errors not in ("raise", "collect"):
        msg = f"'errors' must be 'raise' or 'collect' (got {errors!r})"
        raise ValidationError(msg)
    if npartitions is not None and (isinstance(npartitions, bool) or npartitions < 1):
        msg = f"'npartitions' must be a whole number >= 1 (got {npartitions!r})"
        raise ValidationError(msg)
    key = (columns or {}).get("customer", "customer")
    if isinstance(source, (str, Path)):
        frame = _read_parquet(dd, str(source), key)
    elif isinstance(source, dd.DataFrame):
        frame = source
    else:
        msg = (
            "'source' must be a dask DataFrame or a Parquet path or glob "
            f"(got {type(source).__name__})"
        )
        raise ValidationError(msg)
    by_index = frame.index.name == key
    if not by_index and key not in frame.columns:
        names = ", ".join(map(str, frame.columns))
        msg = f"no customer column {key!r} (columns: {names}); map it with columns={{'customer': ...}}"
        raise ValidationError(msg)
    shuffled = not (by_index and frame.known_divisions)
    if shuffled:
        if by_index:
            frame = frame.reset_index()
            by_index = False
        frame = frame.shuffle(on=key, npartitions=npartitions)
    loading = _Loading(
        columns=None if columns is None else dict(columns),
        currency=currency,
        attributes=tuple(attributes),
        ignore=tuple(ignore),
        kinds=tuple(kinds),
        score_scale=score_scale,
        errors=errors,
        index=key if by_index else None,
    )
    return DaskEvents(frame, loading, shuffled)


def _read_parquet(dd: Any, path: str, key: str) -> Any:
    """Parquet as a frame: indexed by customer when no two partitions share a customer."""
    try:
        frame = dd.read_parquet(path, index=key, calculate_divisions=True)
        if frame.known_divisions and _disjoint(frame):
            return frame
    except (KeyError, ValueError, TypeError):
        pass  # no such column, or statistics that cannot give divisions: shuffle instead
    try:
        return dd.read_parquet(path)
    except (OSError, ValueError) as err:
        msg = f"cannot read {path}: {err}"
        raise ValidationError(msg) from None


def _disjoint(frame: Any) -> bool:
    """Whether each partition's customers all sort after the previous partition's.

    Divisions from file statistics allow a customer to end one file and start the next;
    reading the customer column once (the smallest read there is) settles it.
    """
    dask = dask_module("dask")
    ranges = dask.compute(*[dask.delayed(_range)(part) for part in frame.index.to_delayed()])
    bounds = [r for r in ranges if r is not None]
    return all(prev[1] < nxt[0] for prev, nxt in itertools.pairwise(bounds))


def _range(index: Any) -> tuple[Any, Any] | None:
    return (index.min(), index.max()) if len(index) else None
