"""The EventLog class and its constructors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import (
    CurrencyMismatchError,
    LifecycleError,
    SchemaError,
    UnknownCustomerError,
    ValidationError,
)
from ..money import Currency, Money, as_currency
from ._coded import Coded
from ._columns import (
    LABEL_FIELDS,
    RECORD_FIELDS,
    ErrorMode,
    Rejected,
    _as_1d,
    _check_errors_mode,
    _object_array,
    _optional_column,
    _Problems,
    _validate_columns,
    check_score_scale,
    did_you_mean,
)

if TYPE_CHECKING:
    from ..signals import Population, Profile

__all__ = ["EventLog", "Loaded", "load_columns", "load_records", "provide_io"]

#: The functions of lifecycle.io that EventLog's file, frame and Arrow methods delegate to.
#: io sits above events, so events cannot import it; io hands them over when it is
#: imported instead, and ``import lifecycle`` imports it.
_IO: dict[str, Callable[..., Any]] = {}


def provide_io(**functions: Callable[..., Any]) -> None:
    """Register the readers and writers that EventLog's methods delegate to.

    ``lifecycle.io`` calls it when it is imported (``import lifecycle`` does), so that
    ``EventLog.from_csv``, ``from_pandas``, ``from_arrow``, ``to_arrow`` and ``to_pandas``
    work although reading files lives a layer above events. The keywords are
    ``read_csv``, ``from_pandas``, ``from_arrow``, ``to_arrow``, ``to_pandas`` and
    ``to_polars``; a later call replaces a function.

    Examples
    --------
    >>> import lifecycle.io
    >>> _IO["read_csv"] is lifecycle.io.read_csv  # lifecycle.io provided it when imported
    True
    >>> sorted(_IO)
    ['from_arrow', 'from_pandas', 'read_csv', 'to_arrow', 'to_pandas', 'to_polars', 'to_sql']
    """
    _IO.update(functions)


def _io(name: str) -> Callable[..., Any]:
    try:
        return _IO[name]
    except KeyError:
        # Only reachable while the lifecycle package itself is half imported.
        msg = f"lifecycle.io has not provided {name!r} yet: import lifecycle first"
        raise LifecycleError(msg) from None


@attrs.frozen
class Loaded:
    """What ``errors="collect"`` returns: the log of good rows and every rejected row.

    Unpacks as a pair: ``log, rejected = EventLog.from_records(rows, errors="collect")``.

    Examples
    --------
    >>> log, rejected = EventLog.from_records(
    ...     [{"customer": 1, "date": "2024-01-01"}, {"customer": 2, "date": "soon"}],
    ...     errors="collect",
    ... )
    >>> len(log), [str(r) for r in rejected]
    (1, ["row 1: 'date' must be a date YYYY-MM-DD (got 'soon')"])
    """

    log: EventLog
    rejected: tuple[Rejected, ...]

    def __iter__(self) -> Any:
        return iter((self.log, self.rejected))


@attrs.frozen(eq=False, repr=False)
class EventLog:
    """Customer events as NumPy columns, sorted by customer and date.

    Build one with :meth:`from_records`, :meth:`from_arrays`, :meth:`from_csv` or
    :meth:`from_pandas`; the constructor itself takes already-validated columns.

    Attributes
    ----------
    customers : ndarray
        The distinct customer ids, sorted; ``code`` indexes into it.
    code : ndarray of int
        Customer code of each event.
    date : ndarray of datetime64[D]
        Calendar day of each event.
    kind_code : ndarray of int16
        Index into ``kinds`` of each event.
    kinds : tuple of str
        Event kind names: :data:`STANDARD_KINDS`, then user-defined kinds.
    amount_minor : ndarray of int64
        Amount in minor units of ``currency``; 0 for an event without an amount.
    currency : Currency or None
        The log's one currency, or None when no event has an amount.
    quantity : ndarray of int64 or None
        Units per event, or None when not given (then each event counts one).
    category, product, channel : ndarray of int32 or None
        Codes into ``labels[field]``; -1 where missing.
    score : ndarray of float64 or None
        Survey score; NaN where missing.
    attributes : dict of str to ndarray
        User columns carried per event.
    amount_known : ndarray of bool or None
        Whether each event's amount was given (its ``amount_minor`` 0 otherwise), or None
        when every amount was. Spend signals use only known amounts.

    Examples
    --------
    >>> import numpy as np
    >>> log = EventLog.from_arrays(
    ...     customer=np.array([7, 7, 3]),
    ...     date=np.array(["2024-01-02", "2024-01-01", "2024-01-05"], dtype="datetime64[D]"),
    ...     amount_minor=np.array([500, 250, 1000]),
    ...     currency="USD",
    ... )
    >>> log.customers.tolist(), log.customer.tolist(), log.amount_minor.tolist()
    ([3, 7], [3, 7, 7], [1000, 250, 500])
    """

    customers: NDArray[Any]
    code: NDArray[np.integer[Any]]
    date: NDArray[np.datetime64]
    kind_code: NDArray[np.int16]
    kinds: tuple[str, ...]
    amount_minor: NDArray[np.int64]
    currency: Currency | None
    quantity: NDArray[np.int64] | None = None
    category: NDArray[np.int32] | None = None
    product: NDArray[np.int32] | None = None
    channel: NDArray[np.int32] | None = None
    labels: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    score: NDArray[np.float64] | None = None
    attributes: Mapping[str, NDArray[Any]] = attrs.field(factory=dict)
    amount_known: NDArray[np.bool_] | None = None

    def __attrs_post_init__(self) -> None:
        # An event log is a value: its columns cannot be changed in place either.
        for value in (*attrs.astuple(self, recurse=False), *self.attributes.values()):
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    # ------------------------------------------------------------------ constructors

    @overload
    @classmethod
    def from_arrays(
        cls,
        *,
        customer: ArrayLike,
        date: ArrayLike,
        kind: str | ArrayLike = ...,
        amount_minor: ArrayLike | None = ...,
        amount: ArrayLike | None = ...,
        currency: Currency | str | ArrayLike | None = ...,
        quantity: ArrayLike | None = ...,
        category: ArrayLike | None = ...,
        product: ArrayLike | None = ...,
        channel: ArrayLike | None = ...,
        score: ArrayLike | None = ...,
        attributes: Mapping[str, ArrayLike] | None = ...,
        kinds: Sequence[str] = ...,
        score_scale: tuple[float, float] | None = ...,
        errors: Literal["raise"] = ...,
    ) -> EventLog: ...

    @overload
    @classmethod
    def from_arrays(
        cls,
        *,
        customer: ArrayLike,
        date: ArrayLike,
        kind: str | ArrayLike = ...,
        amount_minor: ArrayLike | None = ...,
        amount: ArrayLike | None = ...,
        currency: Currency | str | ArrayLike | None = ...,
        quantity: ArrayLike | None = ...,
        category: ArrayLike | None = ...,
        product: ArrayLike | None = ...,
        channel: ArrayLike | None = ...,
        score: ArrayLike | None = ...,
        attributes: Mapping[str, ArrayLike] | None = ...,
        kinds: Sequence[str] = ...,
        score_scale: tuple[float, float] | None = ...,
        errors: Literal["collect"],
    ) -> Loaded: ...

    @classmethod
    def from_arrays(
        cls,
        *,
        customer: ArrayLike,
        date: ArrayLike,
        kind: str | ArrayLike = "purchase",
        amount_minor: ArrayLike | None = None,
        amount: ArrayLike | None = None,
        currency: Currency | str | ArrayLike | None = None,
        quantity: ArrayLike | None = None,
        category: ArrayLike | None = None,
        product: ArrayLike | None = None,
        channel: ArrayLike | None = None,
        score: ArrayLike | None = None,
        attributes: Mapping[str, ArrayLike] | None = None,
        kinds: Sequence[str] = (),
        score_scale: tuple[float, float] | None = None,
        errors: ErrorMode = "raise",
    ) -> EventLog | Loaded:
        """Build a log from column arrays, without a Python loop per row.

        Parameters
        ----------
        customer : array-like of int or str
            Customer id per event. ``customer``, ``kind``, ``currency`` and the labels
            may also be a :class:`~lifecycle.events.Coded` column (codes into a few
            distinct values), whose values are checked once each.
        date : array-like of datetime64, date or ISO string
            Day of each event (a ``datetime64`` array is the fast path).
        kind : str or array-like of str, default "purchase"
            Event kind, one for all or one per event: one of :data:`STANDARD_KINDS` or of
            ``kinds``. Any other kind is refused, with the closest known kind as a hint, so
            a typo such as ``"purchse"`` cannot become a kind of its own.
        amount_minor : array-like of int, optional
            Amounts as integer minor units (cents for EUR). Must be >= 0. In an array of
            Python objects None is an unknown amount, as it is in ``amount``; so is a
            masked value of a NumPy masked array (``numpy.ma``), the fast way to say so.
        amount : array-like of str or Decimal, optional
            Amounts as decimal strings, converted exactly (slower). Give one of ``amount``
            and ``amount_minor``.
        currency : str, Currency or array-like of str
            Required with an amount. Mixed currencies raise
            :class:`~lifecycle.errors.CurrencyMismatchError`.
        quantity : array-like of int, optional
            Units per event, >= 0.
        category, product, channel : array-like of str, optional
            Labels; None or "" is missing.
        score : array-like of float, optional
            Survey scores; in a float array NaN is missing, in an object array None is
            (a NaN there is refused). Infinities are refused.
        attributes : mapping of str to array-like, optional
            Extra columns carried per event (for example a segment).
        kinds : sequence of str, optional
            Event kinds of your own, beyond :data:`STANDARD_KINDS`, in the order their
            codes take after the standard ones.
        score_scale : (low, high), optional
            The survey's answer scale, for example ``(0, 10)``: a score outside it is a
            bad row.
        errors : {"raise", "collect"}
            ``"raise"`` stops at the first bad row; ``"collect"`` returns a :class:`Loaded`.

        Returns
        -------
        EventLog, or Loaded with ``errors="collect"``

        Examples
        --------
        >>> import numpy as np
        >>> log = EventLog.from_arrays(
        ...     customer=[1, 2], date=["2024-05-01", "2024-05-03"],
        ...     amount_minor=[1999, 500], currency="EUR",
        ... )
        >>> log.amount_minor.tolist(), str(log.date[1])
        ([1999, 500], '2024-05-03')
        >>> EventLog.from_arrays(customer=[1], date=["2024-05-01"], amount_minor=[-5],
        ...                      currency="EUR")
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: row 0: 'amount' must be >= 0 (got -5)
        """
        arrays = {
            "customer": customer,
            "date": date,
            "kind": kind,
            "amount_minor": amount_minor,
            "amount": amount,
            "currency": currency,
            "quantity": quantity,
            "category": category,
            "product": product,
            "channel": channel,
            "score": score,
        }
        options = _Options(None, (), kinds, check_score_scale(score_scale), errors)
        return _load_arrays(arrays, attributes or {}, options)

    @overload
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        currency: Currency | str | None = ...,
        attributes: Sequence[str] = ...,
        kinds: Sequence[str] = ...,
        score_scale: tuple[float, float] | None = ...,
        errors: Literal["raise"] = ...,
    ) -> EventLog: ...

    @overload
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        currency: Currency | str | None = ...,
        attributes: Sequence[str] = ...,
        kinds: Sequence[str] = ...,
        score_scale: tuple[float, float] | None = ...,
        errors: Literal["collect"],
    ) -> Loaded: ...

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        currency: Currency | str | None = None,
        attributes: Sequence[str] = (),
        kinds: Sequence[str] = (),
        score_scale: tuple[float, float] | None = None,
        errors: ErrorMode = "raise",
    ) -> EventLog | Loaded:
        """Build a log from mappings, one per event.

        Parameters
        ----------
        records : iterable of mapping
            Keys ``customer`` and ``date`` (required), ``kind`` (default ``"purchase"``),
            ``amount`` (str, int, Decimal or :class:`~lifecycle.money.Money`), ``currency``,
            ``quantity``, ``category``, ``product``, ``channel``, ``score``, and any names in
            ``attributes``. Other keys raise :class:`~lifecycle.errors.SchemaError`.
        currency : str or Currency, optional
            Currency of amounts given without one; a record naming another currency
            raises :class:`~lifecycle.errors.CurrencyMismatchError`.
        attributes : sequence of str
            Extra keys to carry as user attributes; each must appear in some record.
        kinds, score_scale
            See :meth:`from_arrays`.
        errors : {"raise", "collect"}
            See :meth:`from_arrays`.

        Examples
        --------
        >>> log = EventLog.from_records([
        ...     {"customer": 1, "date": "2024-01-01", "amount": Money("9.99", "GBP")},
        ...     {"customer": 1, "date": "2024-01-09", "kind": "survey", "score": 9},
        ... ])
        >>> log.kinds[:2], log.score.tolist()
        (('purchase', 'return'), [nan, 9.0])
        >>> EventLog.from_records([{"customer": 1, "date": "2024-01-01", "amount": 9.99,
        ...                         "currency": "GBP"}])
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: row 0: 'amount' must be a str, int or Decimal, not a float: pass a string such as '9.99' so no binary rounding creeps in (got 9.99)
        """
        return _load_records(
            records,
            _Options(currency, attributes, kinds, check_score_scale(score_scale), errors),
            check_attributes=True,
        )

    # The readers and writers of files and frames live in lifecycle.io, a layer above this
    # one; these methods are its thin delegates (see _io below).

    @overload
    @classmethod
    def from_csv(
        cls, path: str | Path, *, errors: Literal["raise"] = ..., **options: Any
    ) -> EventLog: ...

    @overload
    @classmethod
    def from_csv(
        cls, path: str | Path, *, errors: Literal["collect"], **options: Any
    ) -> Loaded: ...

    @classmethod
    def from_csv(
        cls, path: str | Path, *, errors: ErrorMode = "raise", **options: Any
    ) -> EventLog | Loaded:
        r"""Read a delimited text file of events: :func:`lifecycle.io.read_csv`.

        Takes its options (``columns``, ``date_format``, ``delimiter``, ``header``,
        ``currency``, ``encoding``, ``decimal``, ``attributes``, ``ignore``, ``kinds``,
        ``score_scale``) and ``errors`` mode.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
        >>> _ = path.write_text("id,day,value\n1,20240101,9.50\n2,20240102,3.00\n")
        >>> log = EventLog.from_csv(path, columns={"customer": "id", "date": "day",
        ...                         "amount": "value"}, date_format="%Y%m%d", currency="USD")
        >>> log.amount_minor.tolist()
        [950, 300]
        """
        loaded: EventLog | Loaded = _io("read_csv")(path, errors=errors, **options)
        return loaded

    @overload
    @classmethod
    def from_pandas(
        cls, frame: Any, *, errors: Literal["raise"] = ..., **options: Any
    ) -> EventLog: ...

    @overload
    @classmethod
    def from_pandas(cls, frame: Any, *, errors: Literal["collect"], **options: Any) -> Loaded: ...

    @classmethod
    def from_pandas(
        cls, frame: Any, *, errors: ErrorMode = "raise", **options: Any
    ) -> EventLog | Loaded:
        """Build a log from a :class:`pandas.DataFrame`: :func:`lifecycle.io.from_pandas`.

        Takes its options (``columns``, ``currency``, ``attributes``, ``ignore``,
        ``kinds``, ``score_scale``) and ``errors`` mode; needs the ``pandas`` extra.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"customer": [1, 1], "date": ["2024-01-01", "2024-02-01"],
        ...                    "cents": [100, 250]})
        >>> log = EventLog.from_pandas(df, columns={"amount_minor": "cents"}, currency="EUR")
        >>> log.amount_minor.tolist()
        [100, 250]
        """
        loaded: EventLog | Loaded = _io("from_pandas")(frame, errors=errors, **options)
        return loaded

    @overload
    @classmethod
    def from_arrow(
        cls, table: Any, *, errors: Literal["raise"] = ..., **options: Any
    ) -> EventLog: ...

    @overload
    @classmethod
    def from_arrow(cls, table: Any, *, errors: Literal["collect"], **options: Any) -> Loaded: ...

    @classmethod
    def from_arrow(
        cls, table: Any, *, errors: ErrorMode = "raise", **options: Any
    ) -> EventLog | Loaded:
        """Build a log from an Arrow table: :func:`lifecycle.io.from_arrow`.

        Takes its options (``columns``, ``currency``, ``attributes``, ``ignore``,
        ``kinds``, ``score_scale``) and ``errors`` mode; needs the ``arrow`` extra.

        Examples
        --------
        >>> import pyarrow as pa
        >>> table = pa.table({"customer": [1], "date": ["2024-01-01"], "amount_minor": [250]})
        >>> EventLog.from_arrow(table, currency="EUR").amount_minor.tolist()
        [250]
        """
        loaded: EventLog | Loaded = _io("from_arrow")(table, errors=errors, **options)
        return loaded

    # ------------------------------------------------------------------ access

    def __len__(self) -> int:
        return len(self.code)

    def __repr__(self) -> str:
        span = f"{self.start} .. {self.end}" if len(self) else "empty"
        cur = self.currency.code if self.currency else "no amounts"
        return f"EventLog({len(self)} events, {len(self.customers)} customers, {span}, {cur})"

    @property
    def customer(self) -> NDArray[Any]:
        """Customer id of each event."""
        ids: NDArray[Any] = self.customers[self.code]
        return ids

    @property
    def kind(self) -> NDArray[np.str_]:
        """Kind name of each event."""
        return np.asarray(self.kinds)[self.kind_code]

    @property
    def start(self) -> dt.date | None:
        """Date of the first event, or None for an empty log."""
        return self.date.min().item() if len(self) else None

    @property
    def end(self) -> dt.date | None:
        """Date of the last event, or None for an empty log."""
        return self.date.max().item() if len(self) else None

    def kind_mask(self, *names: str) -> NDArray[np.bool_]:
        """Boolean mask of events whose kind is one of ``names`` (unknown names match none).

        Examples
        --------
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> log.kind_mask("visit", "purchase").tolist()
        [True]
        """
        codes = [self.kinds.index(k) for k in names if k in self.kinds]
        return np.isin(self.kind_code, np.asarray(codes, dtype=np.int16))

    def customer_code(self, customer: object) -> int:
        """The code of ``customer``, or :class:`~lifecycle.errors.UnknownCustomerError`.

        Codes index :attr:`customers`, which holds the ids sorted.

        Examples
        --------
        >>> log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in "ba"])
        >>> log.customer_code("b")
        1
        >>> log.customer_code(1)
        Traceback (most recent call last):
        ...
        lifecycle.errors.UnknownCustomerError: customer 1 has no events in this log (its ids are strings)
        """
        ids = self.customers
        if ids.dtype.kind in "iu":
            if isinstance(customer, (bool, np.bool_)) or not isinstance(
                customer, (int, np.integer)
            ):
                msg = f"customer {customer!r} has no events in this log (its ids are integers)"
                raise UnknownCustomerError(msg)
        elif not isinstance(customer, str):
            msg = f"customer {customer!r} has no events in this log (its ids are strings)"
            raise UnknownCustomerError(msg)
        pos = int(np.searchsorted(ids, customer))
        if pos >= len(ids) or ids[pos] != customer:
            msg = f"customer {customer!r} has no events in this log"
            raise UnknownCustomerError(msg)
        return pos

    def rows_of(self, customer: object) -> slice:
        """The slice of this log's rows that belong to ``customer`` (rows are sorted).

        Examples
        --------
        >>> log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in "bab"])
        >>> log.rows_of("b")
        slice(1, 3, None)
        """
        code = self.customer_code(customer)
        # Keys of the column's own dtype: mixed dtypes would make NumPy copy the column.
        lo, hi = np.searchsorted(self.code, np.array([code, code + 1], dtype=self.code.dtype))
        return slice(int(lo), int(hi))

    if TYPE_CHECKING:
        # ``log.profile`` and ``log.population`` are defined in the signals layer, one layer
        # up, which adds them to this class when it is imported (``import lifecycle`` does):
        # events never imports signals. These declarations are for type checkers only.

        def profile(self, customer: object, as_of: dt.date | str) -> Profile: ...

        def population(self, as_of: dt.date | str) -> Population: ...

    def nbytes(self) -> int:
        """Memory held by the columns, in bytes.

        Examples
        --------
        >>> EventLog.from_records([{"customer": 1, "date": "2024-01-01"}]).nbytes() > 0
        True
        """
        arrays = [self.customers, self.code, self.date, self.kind_code, self.amount_minor]
        arrays += [
            a for a in (self.quantity, self.category, self.product, self.channel) if a is not None
        ]
        arrays += [a for a in (self.score,) if a is not None]
        arrays += list(self.attributes.values())
        return int(sum(a.nbytes for a in arrays))

    def to_arrow(self) -> Any:
        """The log as a :class:`pyarrow.Table`: see :func:`lifecycle.io.to_arrow`.

        Examples
        --------
        >>> EventLog.from_records([{"customer": 1, "date": "2024-01-01"}]).to_arrow().num_rows
        1
        """
        table: Any = _io("to_arrow")(self)
        return table

    def to_pandas(self) -> Any:
        """The log as a :class:`pandas.DataFrame`: see :func:`lifecycle.io.to_pandas`.

        Examples
        --------
        >>> EventLog.from_records([{"customer": 1, "date": "2024-01-01"}]).to_pandas().shape
        (1, 3)
        """
        frame: Any = _io("to_pandas")(self)
        return frame

    def to_polars(self) -> Any:
        """The log as a :class:`polars.DataFrame`: see :func:`lifecycle.io.to_polars`.

        Examples
        --------
        >>> EventLog.from_records([{"customer": 1, "date": "2024-01-01"}]).to_polars().shape
        (1, 3)
        """
        frame: Any = _io("to_polars")(self)
        return frame

    def to_sql(self, connection: Any, table: str, **options: Any) -> int:
        """Write the log to a SQL table: see :func:`lifecycle.io.to_sql`.

        Examples
        --------
        >>> import sqlite3
        >>> db = sqlite3.connect(":memory:")
        >>> EventLog.from_records([{"customer": 1, "date": "2024-01-01"}]).to_sql(db, "events")
        1
        """
        rows: int = _io("to_sql")(self, connection, table, **options)
        return rows


def _load_arrays(
    arrays: Mapping[str, Any], attributes: Mapping[str, ArrayLike], options: _Options
) -> EventLog | Loaded:
    """Validate column arrays (the fields of :meth:`EventLog.from_arrays`) and load them."""
    _check_errors_mode(options.errors)
    given = arrays["customer"]
    cust = given if isinstance(given, Coded) else _as_1d("customer", given)
    n = len(cust)
    if n == 0:
        msg = "no events: the input is empty"
        raise ValidationError(msg)
    problems = _Problems(n)
    columns = _validate_columns(
        n,
        problems,
        customer=cust,
        date=arrays["date"],
        kind=arrays.get("kind", "purchase"),
        amount_minor=arrays.get("amount_minor"),
        amount=arrays.get("amount"),
        currency=arrays.get("currency"),
        quantity=arrays.get("quantity"),
        labels={name: arrays.get(name) for name in LABEL_FIELDS},
        score=arrays.get("score"),
        attributes=attributes,
        kinds=options.kinds,
        score_scale=options.score_scale,
        default_currency=options.currency,
    )
    return _finish(columns, problems, options.errors)


@attrs.frozen
class _Options:
    """The loading choices every constructor that goes through records shares."""

    currency: Currency | str | None
    attributes: Sequence[str]
    kinds: Sequence[str]
    score_scale: tuple[float, float] | None
    errors: ErrorMode


def _load_records(
    records: Iterable[Mapping[str, Any]],
    options: _Options,
    malformed: Mapping[int, tuple[str, str, object]] | None = None,
    lines: Sequence[tuple[int, int]] | None = None,
    source: str | None = None,
    *,
    check_attributes: bool = False,
) -> EventLog | Loaded:
    """Turn records into columns and load them; ``malformed`` rows are rejected as given.

    ``lines`` and ``source`` locate each record in a file, for messages.
    """
    _check_errors_mode(options.errors)
    malformed = malformed or {}
    attributes = tuple(options.attributes)
    allowed = set(RECORD_FIELDS) | set(attributes)
    cols: dict[str, list[Any]] = {name: [] for name in (*RECORD_FIELDS, *attributes)}
    seen: set[str] = set()
    early: list[tuple[int, str, str, object, type[ValidationError]]] = []
    default = None if options.currency is None else as_currency(options.currency)
    n = 0
    for n, record in enumerate(records, start=1):
        row = n - 1
        if not isinstance(record, Mapping):
            msg = f"row {row}: expected a mapping (got {type(record).__name__})"
            raise SchemaError(msg)
        unknown = set(record) - allowed
        if unknown:
            name = sorted(unknown, key=str)[0]
            msg = (
                f"row {row}: unknown field {name!r}{did_you_mean(str(name), allowed)} (allowed: "
                f"{', '.join(sorted(allowed))}; pass attributes=[...] to carry others)"
            )
            raise SchemaError(msg)
        seen.update(record)
        if row in malformed:
            column, reason, value = malformed[row]
            early.append((row, column, reason, value, SchemaError))
        for required in ("customer", "date"):
            if record.get(required) is None and row not in malformed:
                reason = "is required but missing"
                early.append((row, required, reason, dict(record), SchemaError))
        amount = record.get("amount")
        cur = record.get("currency")
        if isinstance(amount, Money):
            stated = default if cur is None else cur
            if stated is not None and _same_currency(stated) != amount.currency:
                reason = f"differs from the amount's {amount}"
                early.append((row, "currency", reason, stated, CurrencyMismatchError))
            cur = amount.currency.code
            amount = amount.amount
        for name in cols:
            cols[name].append(record.get(name))
        cols["amount"][-1] = amount
        cols["currency"][-1] = None if cur is None else str(cur)
    if n == 0:
        msg = "no events: the input is empty"
        raise ValidationError(msg)
    missing = [name for name in attributes if name not in seen]
    if check_attributes and missing:
        msg = (
            f"attribute {missing[0]!r} is in no record{did_you_mean(missing[0], seen)} "
            f"(keys: {', '.join(sorted(map(str, seen)))})"
        )
        raise SchemaError(msg)
    problems = _Problems(n, lines, source)
    for row, column, reason, value, error in early:
        problems.add_row(row, column, reason, value, error)
    has_amount = any(a is not None for a in cols["amount"])
    has_currency = any(c is not None for c in cols["currency"])
    columns = _validate_columns(
        n,
        problems,
        customer=_object_array(cols["customer"]),
        date=_object_array(cols["date"]),
        kind=_object_array([k if k is not None else "purchase" for k in cols["kind"]]),
        amount_minor=None,
        amount=_object_array(cols["amount"]) if has_amount else None,
        currency=_object_array(cols["currency"]) if has_currency else None,
        quantity=_optional_column(cols["quantity"]),
        labels={name: _optional_column(cols[name]) for name in LABEL_FIELDS},
        score=_optional_column(cols["score"]),
        attributes={name: _object_array(cols[name]) for name in attributes},
        kinds=options.kinds,
        score_scale=options.score_scale,
        default_currency=default,
        nan_score_is_missing=False,
    )
    return _finish(columns, problems, options.errors)


def load_columns(
    arrays: Mapping[str, Any],
    attributes: Mapping[str, ArrayLike],
    *,
    currency: Currency | str | None,
    kinds: Sequence[str],
    score_scale: tuple[float, float] | None,
    errors: ErrorMode,
) -> EventLog | Loaded:
    """Load columns read from a data frame (for :func:`lifecycle.io.from_pandas`).

    As :meth:`EventLog.from_arrays`, except that ``currency`` is the currency of amounts
    whose row names none, and a row naming another one conflicts with it.

    Examples
    --------
    >>> import numpy as np
    >>> log = load_columns(
    ...     {"customer": np.array(["a", "b"]), "date": np.array(["2024-01-01", "2024-01-02"]),
    ...      "amount": np.array(["5.00", "7.50"]), "currency": np.array(["EUR", None])},
    ...     {}, currency="EUR", kinds=(), score_scale=None, errors="raise")
    >>> log.amount_minor.tolist(), str(log.currency)
    ([500, 750], 'EUR')
    """
    options = _Options(currency, (), kinds, check_score_scale(score_scale), errors)
    return _load_arrays(arrays, attributes, options)


def load_records(
    records: Iterable[Mapping[str, Any]],
    *,
    currency: Currency | str | None,
    attributes: Sequence[str],
    kinds: Sequence[str],
    score_scale: tuple[float, float] | None,
    errors: ErrorMode,
    malformed: Mapping[int, tuple[str, str, object]],
    lines: Sequence[tuple[int, int]],
    source: str,
) -> EventLog | Loaded:
    """Load records read from a file (for :func:`lifecycle.io.read_csv`).

    As :meth:`EventLog.from_records`, except that ``malformed`` rows (row to column, reason
    and value) are rejected as given, and ``lines`` (each record's first and last line)
    and ``source`` (the file) locate each record in messages.

    Examples
    --------
    >>> records = [{"customer": "a", "date": "2024-01-01"}, {"customer": "b", "date": "?"}]
    >>> log, rejected = load_records(
    ...     records, currency=None, attributes=(), kinds=(), score_scale=None,
    ...     errors="collect", malformed={}, lines=[(2, 2), (3, 3)], source="events.csv")
    >>> len(log), len(rejected)
    (1, 1)
    """
    options = _Options(currency, attributes, kinds, check_score_scale(score_scale), errors)
    return _load_records(records, options, malformed, lines, source)


def _same_currency(value: object) -> Currency | None:
    """``value`` as a Currency, or None when it is no known code (rejected later)."""
    try:
        return as_currency(value)  # type: ignore[arg-type]
    except (ValidationError, TypeError):
        return None


def _sort_by_customer_and_date(
    ids: NDArray[Any] | Coded, day: NDArray[np.int64]
) -> tuple[NDArray[np.intp] | slice, NDArray[Any], NDArray[np.integer[Any]], NDArray[np.int64]]:
    """Order rows by (customer, date), keeping input order among equals.

    Returns the order, the distinct ids, each sorted row's customer code and its day.
    The sort key ``(customer rank * days + day) << bits | row`` is unique, so a plain
    in-place sort of one int64 column gives the stable order (about ten times faster than
    NumPy's stable argsort) and the sorted days come off the key without a gather. Input
    already in order is not sorted at all.
    """
    n = len(ids)
    if n == 0:
        empty = np.array(ids.values, dtype=str)[:0] if isinstance(ids, Coded) else ids[:0]
        return slice(None), empty, np.zeros(0, dtype=np.int32), day[:0]
    first_day = int(day.min())
    width = int(day.max()) - first_day + 1
    distinct: NDArray[Any] | None = None
    low, id_dtype = 0, np.dtype(np.int64)
    if isinstance(ids, Coded):
        # Ids coded by their rank among the sorted distinct ids: integers to sort.
        distinct = np.array(ids.values, dtype=str)
        rank = ids.codes.astype(np.int64)  # a copy: the key is built in it
    elif ids.dtype.kind in "iu" and (int(ids.max()) - int(ids.min()) + 1) * width < 2**62:
        low, id_dtype = int(ids.min()), ids.dtype
        rank = ids.astype(np.int64)
        rank -= low
    else:
        distinct, inverse = np.unique(ids, return_inverse=True)
        rank = inverse.ravel().astype(np.int64)
    bits = max(n - 1, 1).bit_length()
    rank *= width
    rank += day
    rank -= first_day
    key = rank  # built in place: one 8-byte column
    order: NDArray[np.intp] | slice = slice(None)
    if (key[1:] < key[:-1]).any():
        if (int(key.max()) + 1) << bits < 2**63:
            key <<= bits
            key |= np.arange(n, dtype=np.int64)
            key.sort()
            order = np.empty(n, dtype=np.int32 if n < 2**31 else np.int64)
            np.bitwise_and(key, (1 << bits) - 1, out=order, casting="unsafe")
            key >>= bits
        else:
            order = np.argsort(key, kind="stable")
            key = key[order]
    sorted_day = key % width
    sorted_day += first_day
    key //= width  # now the customer rank
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.not_equal(key[1:], key[:-1], out=starts[1:])
    first_rank = key[starts]
    if distinct is not None:
        customers = distinct[first_rank]
    else:
        customers = (first_rank + low).astype(id_dtype)
    code: NDArray[np.integer[Any]] = np.cumsum(
        starts, dtype=np.int32 if len(customers) < 2**31 else np.int64
    )
    code -= 1
    return order, customers, code, sorted_day


def _reorder(
    values: NDArray[Any], keep: NDArray[np.bool_] | slice, order: NDArray[np.intp] | slice
) -> NDArray[Any]:
    """``values[keep][order]`` as a new array: a log never shares memory with its input."""
    if isinstance(keep, slice) and isinstance(order, slice):
        return values.copy()
    return values[keep][order]


def _finish(
    columns: dict[str, Any],
    problems: _Problems,
    errors: ErrorMode,
) -> EventLog | Loaded:
    if errors == "raise":
        problems.raise_first()
    # Indexing with a mask copies every column; skip it when no row was rejected.
    keep: NDArray[np.bool_] | slice = ~problems.bad if problems.bad.any() else slice(None)
    given = columns["ids"]
    ids = Coded(given.codes[keep], given.values) if isinstance(given, Coded) else given[keep]
    dates = columns["date"][keep]
    order, customers, code, day = _sort_by_customer_and_date(ids, dates.view(np.int64))

    def pick(values: NDArray[Any] | None) -> NDArray[Any] | None:
        return None if values is None else _reorder(values, keep, order)

    coded = columns["labels"]
    log = EventLog(
        customers=customers,
        code=code,
        date=day.view("datetime64[D]"),
        kind_code=_reorder(columns["kind_code"], keep, order),
        kinds=columns["kinds"],
        amount_minor=_reorder(columns["amount_minor"], keep, order),
        currency=columns["currency"],
        quantity=pick(columns["quantity"]),
        category=pick(coded["category"][0]),
        product=pick(coded["product"][0]),
        channel=pick(coded["channel"][0]),
        labels={name: coded[name][1] for name in LABEL_FIELDS if coded[name][0] is not None},
        score=pick(columns["score"]),
        amount_known=pick(columns["amount_known"]),
        attributes={
            name: _reorder(values, keep, order) for name, values in columns["attributes"].items()
        },
    )
    if errors == "collect":
        return Loaded(log, problems.rejected())
    return log
