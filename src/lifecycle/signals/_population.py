"""The batch engine's subject: :class:`Population`, and :func:`population`, :func:`snapshots` (private)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._values import plain
from ..errors import UnknownCustomerError, UnknownSignalError, ValidationError
from ..events import EventLog, as_date, segment_bounds
from ..money import Currency
from ..table import Table
from ._batch import Batch
from ._definitions import Definition, NamedSignal, SignalKind
from ._join import gather, join_columns, match, present_mask
from ._standard import SIGNALS, STANDARD, check_signal_name

__all__ = ["Population", "population", "snapshots"]

_Source: TypeAlias = tuple[EventLog, NDArray[np.int64], NDArray[np.datetime64]]


#: Columns that identify a row, not attributes of the customer.
_KEYS = ("customer", "as_of")


class Population(Table):
    """Every customer's signals as of a date, as NumPy columns (the batch engine's subject).

    One row per customer with at least one event on or before ``as_of``; the column
    ``customer`` holds the ids. Money columns are ``int64`` minor units of
    :attr:`currency`. A population built by :func:`snapshots` has one row per
    (customer, date) pair, an ``as_of`` column, and ``as_of`` None.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"},
    ...                              {"customer": 2, "date": "2024-06-01"}])
    >>> pop = log.population("2024-03-01")
    >>> len(pop), pop.customer.tolist(), pop.as_of
    (1, [1], datetime.date(2024, 3, 1))
    """

    __slots__ = (
        "_computed",
        "_defined",
        "_engine",
        "_kinds",
        "_masks",
        "_object_missing",
        "_source",
        "as_of",
        "currency",
    )

    def __init__(
        self,
        columns: Mapping[str, Any],
        *,
        as_of: dt.date | None,
        currency: Currency | None,
        masks: Mapping[str, NDArray[np.bool_]] | None = None,
        kinds: Mapping[str, SignalKind] | None = None,
        source: _Source | None = None,
        engine: Batch | None = None,
    ) -> None:
        super().__init__(columns)
        # The log and queries the rows come from, to compute defined signals on demand; the
        # engine is made on the first such request and kept for the next ones (it holds
        # positions and prefix sums, so populations that never ask hold no engine).
        self._source = source
        # Columns that hold a defined signal, so a column of another origin with the same
        # name (a user attribute) is never taken for it.
        self._defined: dict[str, NamedSignal] = {}
        self._engine: Batch | None = engine
        self._computed: dict[Definition, tuple[NDArray[Any], NDArray[np.bool_] | None]] = {}
        self.as_of = as_of
        self.currency = currency
        self._masks = dict(masks or {})
        # Finding None/NaN in an object column calls Python per value: do it once per column.
        self._object_missing: dict[str, NDArray[np.bool_]] = {}
        self._kinds = {name: spec.kind for name, spec in SIGNALS.items()} | dict(kinds or {})

    def kind_of(self, name: str) -> SignalKind:
        """The kind of column ``name`` (``"attribute"`` for user columns).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> pop = log.population("2024-01-02")
        >>> pop.kind_of("purchase_count"), pop.kind_of("total_spend")
        ('count', 'money')
        """
        if name not in self:
            check_signal_name(name, self)
        return self._kinds.get(name, "attribute")

    def masked(self, name: str) -> NDArray[np.bool_] | None:
        """Rows where money column ``name`` is missing (None in :meth:`row`, NA in pandas).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> pop = log.population("2024-01-02")
        >>> pop.masked("average_order_value").tolist(), pop.row(0)["average_order_value"]
        ([True], None)
        """
        if name not in self:
            check_signal_name(name, self)
        return self._masks.get(name)

    def is_missing(self, name: str) -> NDArray[np.bool_]:
        """Boolean mask of customers for whom signal ``name`` is missing.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> log.population("2024-01-02").is_missing("last_purchase").tolist()
        [True]
        """
        if name not in self:
            check_signal_name(name, self)
        values = self[name]
        if name in self._masks:
            return self._masks[name]
        if values.dtype.kind in "Mf":
            missing: NDArray[np.bool_] = (
                np.isnat(values) if values.dtype.kind == "M" else np.isnan(values)
            )
            return missing
        if values.dtype.kind == "O":
            if name not in self._object_missing:
                self._object_missing[name] = ~present_mask(values)
            return self._object_missing[name]
        return np.zeros(len(values), dtype=bool)

    def join(self, table: Any, *, on: str = "customer") -> Population:
        """Add user attributes from a table keyed by customer id.

        Parameters
        ----------
        table : Table, mapping of str to array-like, or pandas.DataFrame
            One row per customer; the key is the column ``on`` (for a DataFrame, the column
            or else its index). Every column must be as long as the key.
        on : str
            Name of the key column.

        Notes
        -----
        Customers the table lacks get a missing value: NaN in a numeric column, NaT in a
        date column, None otherwise. A table none of whose keys is a customer of the
        population (often ids of another type: ``1`` is not ``"1"``) raises.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in (1, 2)])
        >>> pop = log.population("2024-02-01").join({"customer": [2], "segment": ["gold"]})
        >>> pop.segment.tolist()
        [None, 'gold']
        """
        columns_in = join_columns(table, on)
        keys = np.asarray(columns_in[on])
        clash = (set(columns_in) - {on}) & (set(SIGNALS) | set(self))
        if clash:
            msg = f"joined columns must not replace existing ones (got {sorted(clash)})"
            raise ValidationError(msg)
        if len(np.unique(keys)) != len(keys):
            msg = f"join table has duplicate {on!r} values"
            raise ValidationError(msg)
        rows, found = match(keys, self.customer)
        if len(keys) and len(self) and not found.any():
            msg = (
                f"no {on!r} of the join table is a customer of the population "
                f"(join keys like {plain(keys[0])!r} of dtype {keys.dtype}; "
                f"customers like {plain(self.customer[0])!r} of dtype {self.customer.dtype})"
            )
            raise ValidationError(msg)
        columns = dict(self.items())
        for name, values in columns_in.items():
            if name != on:
                columns[name] = gather(np.asarray(values), rows, found)
        joined = Population(
            columns,
            as_of=self.as_of,
            currency=self.currency,
            masks=self._masks,
            kinds=self._kinds,
            source=self._source,
            engine=self._engine,
        )
        joined._defined = self._defined
        return joined

    def compute(self, definition: Definition) -> tuple[NDArray[Any], NDArray[np.bool_]]:
        """The column of a signal definition and its missing mask, computed on demand.

        Computed once per population and definition; a column the population already
        holds under the definition's name is returned as is.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.signals import count
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> values, missing = log.population("2024-01-02").compute(count("visit"))
        >>> values.tolist(), missing.tolist()
        ([1], [False])
        """
        if isinstance(definition, NamedSignal) and definition.name in self:
            defined = self._defined.get(definition.name) or STANDARD.get(definition.name)
            if defined != definition:
                msg = (
                    f"the population has a column {definition.name!r} that is not this defined "
                    "signal: give the defined signal another name"
                )
                raise ValidationError(msg)
            return self[definition.name], self.is_missing(definition.name)
        if definition not in self._computed:
            if self._source is None:
                name = definition.name if isinstance(definition, NamedSignal) else definition
                msg = (
                    f"cannot compute signal {name!r}: this population was not computed from "
                    "an event log (use log.population(as_of))"
                )
                raise UnknownSignalError(msg)
            if self._engine is None:
                self._engine = Batch(*self._source)
            # A score reads the population's attributes: carried from the log, or joined.
            attributes = {
                name: values
                for name, values in self.items()
                if name not in SIGNALS and name not in self._defined and name not in _KEYS
            }
            self._computed[definition] = self._engine.column(definition, attributes)
        values, mask = self._computed[definition]
        return values, (np.zeros(len(values), dtype=bool) if mask is None else mask)

    def with_signals(self, *definitions: NamedSignal) -> Population:
        """A copy with the columns of defined signals added (computed on demand).

        Examples
        --------
        >>> from lifecycle import EventLog, define_signal
        >>> from lifecycle.signals import count
        >>> visits = define_signal("visits_all", count("visit"))
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> log.population("2024-01-02").with_signals(visits).visits_all.tolist()
        [1]
        """
        columns = dict(self.items())
        masks = dict(self._masks)
        kinds = dict(self._kinds)
        for named in definitions:
            values, missing = self.compute(named)
            if named.name in columns:
                continue
            columns[named.name] = values
            kinds[named.name] = named.kind
            if named.kind == "money":
                masks[named.name] = missing
        out = Population(
            columns,
            as_of=self.as_of,
            currency=self.currency,
            masks=masks,
            kinds=kinds,
            source=self._source,
            engine=self._engine,
        )
        out._computed = self._computed  # the same rows: share what is computed already
        out._defined = {**self._defined, **{d.name: d for d in definitions}}
        return out

    def with_attributes(self, **columns: Any) -> Population:
        """A copy with user attribute columns replaced, the same rows in the same order.

        What a population computes on demand (defined signals) it still computes. Standard
        signals and defined signals' columns cannot be replaced: their values follow from
        the log.

        Examples
        --------
        >>> import numpy as np
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "tier": 2}],
        ...                             attributes=["tier"])
        >>> pop = log.population("2024-01-02")
        >>> pop.with_attributes(tier=np.array([2.0])).tier.dtype
        dtype('float64')
        >>> pop.with_attributes(purchase_count=np.array([5]))
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: only user attribute columns can be replaced (got ['purchase_count'])
        """
        computed = sorted(name for name in columns if name in SIGNALS or name in self._defined)
        if computed:
            msg = f"only user attribute columns can be replaced (got {computed})"
            raise ValidationError(msg)
        for name, values in columns.items():
            if len(values) != len(self):
                msg = (
                    f"attribute {name!r} must have one value per row ({len(self)}), "
                    f"got {len(values)}"
                )
                raise ValidationError(msg)
        out = Population(
            {**self, **columns},
            as_of=self.as_of,
            currency=self.currency,
            masks=self._masks,
            kinds=self._kinds,
            source=self._source,
            engine=self._engine,
        )
        out._defined = dict(self._defined)  # computed values may read the replaced columns
        return out


def population(log: EventLog, as_of: dt.date | str) -> Population:
    """Compute every customer's signals as of ``as_of``, vectorised.

    One row per customer with an event on or before ``as_of``. See :data:`SIGNALS` for
    the definitions; for each customer the values equal :func:`profile`'s.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "amount": "5",
    ...                               "currency": "EUR"}])
    >>> population(log, "2024-01-31").total_spend.tolist()
    [500]
    """
    day = as_date(as_of, "as_of")
    codes = np.arange(len(log.customers), dtype=np.int64)
    first_event = np.full(len(codes), np.iinfo(np.int64).max)
    if len(log):
        starts, _ = segment_bounds(log.code)
        first_event = log.date[starts].astype(np.int64)
    day64 = np.datetime64(day, "D")
    present = codes[first_event <= day64.astype(np.int64)]
    return _population(log, present, np.full(len(present), day64), as_of=day)


def snapshots(
    log: EventLog,
    customer: ArrayLike,
    as_of: ArrayLike,
    *,
    signals: Collection[str | NamedSignal] | None = None,
) -> Population:
    """Compute signals for many (customer, as-of date) pairs at once.

    Row ``i`` holds the signals of ``customer[i]`` as of ``as_of[i]``, exactly as
    :func:`profile` would compute them; a column ``as_of`` holds the dates. This is the
    batch engine behind :func:`population` and behind replaying a history one evaluation
    date after another.

    Parameters
    ----------
    log : EventLog
    customer : array-like
        Customer ids of the log (unknown ids raise
        :class:`~lifecycle.errors.UnknownCustomerError`).
    as_of : array-like of datetime64[D], date or ISO string
        One date per customer id.
    signals : collection of str or NamedSignal, optional
        Compute only these signals (standard names, user attributes, or signals defined
        with :func:`~lifecycle.define_signal`); by default every standard signal and
        attribute. A stage model replaying a long history asks only for what its rules read.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": "a", "date": "2024-01-01"},
    ...                              {"customer": "a", "date": "2024-02-01"}])
    >>> snaps = snapshots(log, ["a", "a"], ["2024-01-15", "2024-02-15"])
    >>> snaps.purchase_count.tolist(), snaps.days_since_last_purchase.tolist()
    ([1, 2], [14.0, 14.0])
    >>> snapshots(log, ["a"], ["2024-03-01"], signals=["visit_count"]).columns
    ('customer', 'as_of', 'visit_count')
    """
    ids = np.asarray(customer)
    dates = np.asarray(as_of)
    if dates.dtype.kind != "M":
        dates = np.array([np.datetime64(as_date(d, "as_of"), "D") for d in dates.tolist()])
    dates = dates.astype("datetime64[D]")
    if ids.shape != dates.shape or ids.ndim != 1:
        msg = f"'customer' and 'as_of' must be 1-D of equal length (got {ids.shape}, {dates.shape})"
        raise ValidationError(msg)
    codes = np.searchsorted(log.customers, ids).astype(np.int64)
    clipped = np.minimum(codes, max(len(log.customers) - 1, 0))
    unknown = (codes >= len(log.customers)) | (log.customers[clipped] != ids)
    if unknown.any():
        bad = ids[np.flatnonzero(unknown)[0]]
        msg = f"customer {plain(bad)!r} has no events in this log"
        raise UnknownCustomerError(msg)
    return _population(log, codes, dates, as_of=None, signals=signals)


def _population(
    log: EventLog,
    code: NDArray[np.int64],
    when: NDArray[np.datetime64],
    *,
    as_of: dt.date | None,
    signals: Collection[str | NamedSignal] | None = None,
) -> Population:
    known: dict[str, NamedSignal | None] = {**STANDARD, **dict.fromkeys(log.attributes)}
    wanted: dict[str, NamedSignal | None] = {}
    for item in known if signals is None else signals:
        if isinstance(item, NamedSignal):
            wanted[item.name] = item
            continue
        check_signal_name(item, known)
        wanted[item] = known[item]
    engine = Batch(log, code, when)
    columns: dict[str, Any] = {"customer": log.customers[code]}
    if as_of is None:
        columns["as_of"] = when
    masks: dict[str, NDArray[np.bool_]] = {}
    kinds: dict[str, SignalKind] = {}
    defined = [named for named in wanted.values() if named is not None]
    for name, named in wanted.items():
        if named is None:  # a user attribute carried from the log
            columns[name] = engine.carried(name)
            kinds[name] = "attribute"
            continue
        values, mask = engine.column(named)
        del defined[0]  # this one; the parts the ones to come read stay memoised
        engine.keep_only(defined)
        columns[name] = values
        kinds[name] = named.kind
        if named.kind == "money" and mask is not None:
            masks[name] = mask
        elif named.kind == "money":
            masks[name] = np.zeros(len(code), dtype=bool)
    out = Population(
        columns,
        as_of=as_of,
        currency=log.currency,
        masks=masks,
        kinds=kinds,
        source=(log, code, when),
    )
    out._defined = {name: named for name, named in wanted.items() if named is not None}
    return out
