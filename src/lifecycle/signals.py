"""Signals: what an event log says about each customer as of a date.

:func:`profile` computes one customer's signals with Python scalars, ``datetime.date`` and
:class:`~lifecycle.money.Money`; :func:`population` computes the same signals for every
customer as NumPy columns (dates as ``datetime64[D]``, money as ``int64`` minor units). Only
events on or before ``as_of`` count; windows such as ``purchases_90d`` cover the 90 days
ending on ``as_of`` inclusive, ``(as_of - 90 days, as_of]``.

Missing values are defined per kind of signal (see :data:`SIGNALS`): on a :class:`Profile`
they are ``None``; in a :class:`Population` dates are ``NaT``, day counts and other numbers
``NaN``, money has a mask (:meth:`Population.is_missing` answers for every column).

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": 1, "date": "2024-01-10", "amount": "30", "currency": "EUR"},
...     {"customer": 1, "date": "2024-03-10", "amount": "50", "currency": "EUR"},
...     {"customer": 2, "date": "2024-03-01", "kind": "visit"},
... ])
>>> p = log.profile(1, as_of="2024-03-31")
>>> p.purchase_count, p.days_since_last_purchase, p.average_order_value
(2, 21, Money('40.00', 'EUR'))
>>> pop = log.population(as_of="2024-03-31")
>>> pop.purchase_count.tolist(), pop.days_since_last_purchase.tolist()
([2, 0], [21.0, nan])
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

import attrs
import numpy as np
from dateutil.relativedelta import relativedelta
from numpy.typing import ArrayLike, NDArray

from ._values import plain
from .errors import UnknownCustomerError, UnknownSignalError, ValidationError
from .events import EventLog, as_date, segment_bounds
from .money import Currency, Money, divide_minor
from .table import Table

__all__ = [
    "SIGNALS",
    "Population",
    "Profile",
    "SignalSpec",
    "population",
    "profile",
    "snapshots",
]

SignalKind = Literal["date", "count", "days", "number", "money", "bool", "attribute"]


@attrs.frozen
class SignalSpec:
    """What a standard signal means, its kind and unit.

    ``kind`` decides what a signal may be compared with and how it is missing:
    ``date`` (``datetime.date``; NaT), ``count`` (int, never missing), ``days`` (int days;
    NaN in a population), ``number`` (float; NaN), ``money`` (Money; masked int64 minor
    units), ``bool`` (never missing), ``attribute`` (a user value carried from the log).

    Examples
    --------
    >>> SIGNALS["spend_90d"].kind, SIGNALS["spend_90d"].unit
    ('money', 'currency of the log')
    """

    name: str
    kind: SignalKind
    unit: str
    description: str


def _spec(name: str, kind: SignalKind, unit: str, description: str) -> tuple[str, SignalSpec]:
    return name, SignalSpec(name, kind, unit, description)


#: The standard signals, by name.
SIGNALS: dict[str, SignalSpec] = dict(
    [
        _spec("first_purchase", "date", "date", "day of the first purchase"),
        _spec("last_purchase", "date", "date", "day of the latest purchase"),
        _spec("tenure_days", "days", "days", "days from the first purchase to as_of"),
        _spec("days_since_last_purchase", "days", "days", "days from the latest purchase"),
        _spec("purchase_count", "count", "purchases", "purchase events"),
        _spec("repeat_purchase_count", "count", "purchases", "purchases after the first"),
        _spec("total_spend", "money", "currency of the log", "sum of purchase amounts"),
        _spec(
            "average_order_value",
            "money",
            "currency of the log",
            "total_spend / purchase_count, rounded half-even to the minor unit",
        ),
        _spec("purchases_90d", "count", "purchases", "purchases in (as_of - 90d, as_of]"),
        _spec("spend_90d", "money", "currency of the log", "spend in (as_of - 90d, as_of]"),
        _spec(
            "purchases_prev_90d", "count", "purchases", "purchases in (as_of - 180d, as_of - 90d]"
        ),
        _spec(
            "spend_prev_90d",
            "money",
            "currency of the log",
            "spend in (as_of - 180d, as_of - 90d]",
        ),
        _spec("purchases_365d", "count", "purchases", "purchases in (as_of - 365d, as_of]"),
        _spec("spend_365d", "money", "currency of the log", "spend in (as_of - 365d, as_of]"),
        _spec("category_count", "count", "categories", "distinct categories purchased"),
        _spec("complaints_90d", "count", "complaints", "complaints in (as_of - 90d, as_of]"),
        _spec("last_survey_score", "number", "survey scale", "score of the latest survey"),
        _spec(
            "mean_interpurchase_days",
            "number",
            "days",
            "(last - first purchase day) / (distinct purchase days - 1)",
        ),
        _spec(
            "lapse_ratio",
            "number",
            "ratio",
            "days_since_last_purchase / mean_interpurchase_days: above 1 is overdue",
        ),
        _spec("total_quantity", "count", "units", "units purchased (1 per purchase if unknown)"),
        _spec("return_count", "count", "returns", "return events"),
        _spec("visit_count", "count", "visits", "visit events"),
        _spec("visits_90d", "count", "visits", "visits in (as_of - 90d, as_of]"),
        _spec(
            "cancelled",
            "bool",
            "flag",
            "a cancellation on or after the latest purchase (or with no purchase)",
        ),
    ]
)


def check_signal_name(name: str, known: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`UnknownSignalError` unless ``name`` is a standard signal.

    Examples
    --------
    >>> check_signal_name("purchase_count")
    >>> check_signal_name("purchases")
    Traceback (most recent call last):
    ...
    lifecycle.errors.UnknownSignalError: unknown signal 'purchases'; known signals: ...
    """
    names = SIGNALS if known is None else known
    if name not in names:
        msg = f"unknown signal {name!r}; known signals: {', '.join(sorted(names))}"
        raise UnknownSignalError(msg)


# ---------------------------------------------------------------------- single engine


@attrs.frozen(repr=False)
class Profile:
    """One customer's signals as of a date (the single engine's subject).

    Signals read as attributes or items: ``profile.purchase_count``,
    ``profile["total_spend"]``. Missing values are ``None``. User attributes carried
    from the log, or added with :meth:`with_attributes`, read the same way.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": "c1", "date": "2022-01-31", "amount": "10", "currency": "EUR"}])
    >>> p = log.profile("c1", as_of="2024-02-29")
    >>> p.tenure, p.tenure_days
    (relativedelta(years=+2, months=+1), 759)
    >>> p.with_attributes(segment="gold")["segment"]
    'gold'
    """

    customer: Any
    as_of: dt.date
    values: Mapping[str, Any]
    currency: Currency | None = None

    def __getitem__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            check_signal_name(name, self.values)
            raise

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            msg = f"profile has no signal {name!r}; it has: {', '.join(sorted(self.values))}"
            raise AttributeError(msg) from None

    def __dir__(self) -> list[str]:
        # Signals and attributes read as attributes, so tab completion should offer them.
        names = {name for name in self.values if isinstance(name, str) and name.isidentifier()}
        return sorted(set(super().__dir__()) | names)

    def __repr__(self) -> str:
        return f"Profile(customer={self.customer!r}, as_of={self.as_of.isoformat()})"

    @property
    def tenure(self) -> relativedelta | None:
        """Calendar time since the first purchase (None without a purchase)."""
        first = self.values.get("first_purchase")
        return None if first is None else relativedelta(self.as_of, first)

    def with_attributes(self, **attributes: Any) -> Profile:
        """A copy with user attributes added (for example joined from a CRM table)."""
        clash = set(attributes) & set(SIGNALS)
        if clash:
            msg = f"attribute names must not shadow standard signals (got {sorted(clash)})"
            raise ValidationError(msg)
        return attrs.evolve(self, values={**self.values, **attributes})


def _money(minor: int, currency: Currency | None) -> Money | None:
    return None if currency is None else Money.from_minor(minor, currency)


def _present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def profile(log: EventLog, customer: object, as_of: dt.date | str) -> Profile:
    """Compute one customer's signals as of ``as_of`` (events on or before it count).

    Parameters
    ----------
    log : EventLog
    customer : int or str
        A customer id of the log; others raise
        :class:`~lifecycle.errors.UnknownCustomerError`.
    as_of : date or ISO string

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> profile(log, 1, "2024-01-31").days_since_last_purchase
    30
    """
    day = as_date(as_of, "as_of")
    rows = log.rows_of(customer)
    dates = log.date[rows].tolist()
    kinds = [log.kinds[k] for k in log.kind_code[rows].tolist()]
    amounts = log.amount_minor[rows].tolist()
    n = len(dates)
    qty = log.quantity[rows].tolist() if log.quantity is not None else [1] * n
    cats = log.category[rows].tolist() if log.category is not None else [-1] * n
    scores = log.score[rows].tolist() if log.score is not None else [math.nan] * n
    events = [i for i in range(n) if dates[i] <= day]
    buys = [i for i in events if kinds[i] == "purchase"]
    cur = log.currency

    def age(i: int) -> int:
        days: int = (day - dates[i]).days
        return days

    def count(kind: str, low: int = -1, high: int = 90) -> int:
        return sum(1 for i in events if kinds[i] == kind and low < age(i) < high)

    def spend(low: int, high: int) -> Money | None:
        return _money(sum(amounts[i] for i in buys if low < age(i) < high), cur)

    v: dict[str, Any] = {}
    first = dates[buys[0]] if buys else None
    last = dates[buys[-1]] if buys else None
    v["first_purchase"], v["last_purchase"] = first, last
    v["tenure_days"] = None if first is None else (day - first).days
    v["days_since_last_purchase"] = None if last is None else (day - last).days
    v["purchase_count"] = len(buys)
    v["repeat_purchase_count"] = max(len(buys) - 1, 0)
    total = sum(amounts[i] for i in buys)
    v["total_spend"] = _money(total, cur)
    v["average_order_value"] = None
    if buys and cur is not None:
        mean = (Decimal(total) / len(buys)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        v["average_order_value"] = Money.from_minor(int(mean), cur)
    v["purchases_90d"] = count("purchase")
    v["spend_90d"] = spend(-1, 90)
    v["purchases_prev_90d"] = count("purchase", 89, 180)
    v["spend_prev_90d"] = spend(89, 180)
    v["purchases_365d"] = count("purchase", -1, 365)
    v["spend_365d"] = spend(-1, 365)
    v["category_count"] = len({cats[i] for i in buys if cats[i] >= 0})
    v["complaints_90d"] = count("complaint")
    surveyed = [i for i in events if kinds[i] == "survey" and not math.isnan(scores[i])]
    v["last_survey_score"] = scores[surveyed[-1]] if surveyed else None
    buy_days = sorted({dates[i] for i in buys})
    gap = None
    if len(buy_days) > 1:
        gap = (buy_days[-1] - buy_days[0]).days / (len(buy_days) - 1)
    v["mean_interpurchase_days"] = gap
    since = v["days_since_last_purchase"]
    v["lapse_ratio"] = None if gap is None or since is None else since / gap
    v["total_quantity"] = sum(qty[i] for i in buys)
    v["return_count"] = sum(1 for i in events if kinds[i] == "return")
    v["visit_count"] = sum(1 for i in events if kinds[i] == "visit")
    v["visits_90d"] = count("visit")
    cancels = [dates[i] for i in events if kinds[i] == "cancellation"]
    v["cancelled"] = bool(cancels) and (last is None or cancels[-1] >= last)
    for name, column in log.attributes.items():
        mine = column[rows]
        carried = [mine[i] for i in events if _present(mine[i])]
        v[name] = plain(carried[-1]) if carried else None
    return Profile(
        customer=plain(log.customers[log.customer_code(customer)]),
        as_of=day,
        values=v,
        currency=cur,
    )


# ---------------------------------------------------------------------- batch engine


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

    __slots__ = ("_kinds", "_masks", "_object_missing", "as_of", "currency")

    def __init__(
        self,
        columns: Mapping[str, Any],
        *,
        as_of: dt.date | None,
        currency: Currency | None,
        masks: Mapping[str, NDArray[np.bool_]] | None = None,
        kinds: Mapping[str, SignalKind] | None = None,
    ) -> None:
        super().__init__(columns)
        self.as_of = as_of
        self.currency = currency
        self._masks = dict(masks or {})
        # Finding None/NaN in an object column calls Python per value: do it once per column.
        self._object_missing: dict[str, NDArray[np.bool_]] = {}
        self._kinds = {name: spec.kind for name, spec in SIGNALS.items()} | dict(kinds or {})

    def kind_of(self, name: str) -> SignalKind:
        """The kind of column ``name`` (``"attribute"`` for user columns)."""
        if name not in self:
            check_signal_name(name, self)
        return self._kinds.get(name, "attribute")

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
                self._object_missing[name] = ~_present_mask(values)
            return self._object_missing[name]
        return np.zeros(len(values), dtype=bool)

    def join(self, table: Mapping[str, Any], *, on: str = "customer") -> Population:
        """Add user attributes from a table keyed by customer id.

        Customers the table lacks get a missing value: NaN in a numeric column, NaT in a
        date column, None otherwise.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in (1, 2)])
        >>> pop = log.population("2024-02-01").join({"customer": [2], "segment": ["gold"]})
        >>> pop.segment.tolist()
        [None, 'gold']
        """
        keys = np.asarray(table[on])
        clash = (set(table) - {on}) & (set(SIGNALS) | set(self))
        if clash:
            msg = f"joined columns must not replace existing ones (got {sorted(clash)})"
            raise ValidationError(msg)
        if len(np.unique(keys)) != len(keys):
            msg = f"join table has duplicate {on!r} values"
            raise ValidationError(msg)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        pos = np.clip(np.searchsorted(sorted_keys, self.customer), 0, max(len(keys) - 1, 0))
        found = (sorted_keys[pos] == self.customer) if len(keys) else np.zeros(len(self), bool)
        columns = dict(self.items())
        rows = order[pos] if len(keys) else pos
        for name, values in table.items():
            if name != on:
                columns[name] = _gather(np.asarray(values), rows, found)
        return Population(
            columns,
            as_of=self.as_of,
            currency=self.currency,
            masks=self._masks,
            kinds=self._kinds,
        )


def _gather(values: NDArray[Any], rows: NDArray[np.intp], found: NDArray[np.bool_]) -> NDArray[Any]:
    """``values[rows]`` where ``found``, else missing in the column's own terms.

    Numbers become float64 with NaN (integers only while float64 holds them exactly), so
    conditions compare them as arrays; dates keep NaT; anything else is an object column
    with None.
    """
    kind = values.dtype.kind
    exact = kind == "f" or (kind in "iu" and (len(values) == 0 or np.abs(values).max() < 2**53))
    if exact:
        out: NDArray[Any] = np.full(len(rows), np.nan)
    elif kind == "M":
        out = np.full(len(rows), np.datetime64("NaT"), dtype=values.dtype)
    else:
        out = np.full(len(rows), None, dtype=object)
    out[found] = values[rows[found]]
    return out


class _Index:
    """Answers "which of a customer's events fall in a date range" for many queries at once.

    Keys ``code * width + day offset`` of the log's rows are sorted (the log is sorted by
    customer and date), so for any subset of rows a ``searchsorted`` of a query key finds
    the customer's events on or before a date without a Python loop. The queries are the
    (customer, as-of) pairs, shifted back by a number of days for the windows; each shift's
    keys are built once and shared by every kind of event.
    """

    def __init__(self, log: EventLog, code: NDArray[np.int64], as_of: NDArray[np.int64]) -> None:
        day = log.date.view(np.int64)
        self.origin = int(day.min()) - 1 if len(day) else 0
        self.width = (int(day.max()) - self.origin + 2) if len(day) else 2
        self.keys = log.code.astype(np.int64) * self.width + (day - self.origin)
        self.customers = len(log.customers)
        self.code = code
        self.as_of = as_of
        self._queries: dict[int, NDArray[np.int64]] = {}

    def query(self, lag: int) -> NDArray[np.int64]:
        """Keys of the queries ``lag`` days before their as-of dates, clipped per customer."""
        if lag not in self._queries:
            offset = self.as_of - (self.origin + lag)
            np.clip(offset, 0, self.width - 1, out=offset)
            offset += self.code * self.width
            self._queries[lag] = offset
        return self._queries[lag]


class _Subset:
    """One kind of event (a subset of the log's rows) and its position queries."""

    def __init__(self, index: _Index, mask: NDArray[np.bool_]) -> None:
        self.rows = np.flatnonzero(mask)
        self.keys = index.keys[self.rows]
        self.index = index
        # Each customer's first position once, gathered per query: a replay asks for the
        # same customer at many dates.
        customers = np.arange(index.customers, dtype=np.int64) * index.width
        self.start = np.searchsorted(self.keys, customers, side="left")[index.code]

    def end(self, lag: int = 0) -> NDArray[np.int64]:
        """Position one past the customer's last event on or before ``as_of - lag`` days."""
        return np.searchsorted(self.keys, self.index.query(lag), side="right")

    def last(self, end: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """Log row of the last event before ``end``, and whether there is one."""
        found = end > self.start
        position = np.where(found, end - 1, 0)
        rows = self.rows[position] if len(self.rows) else np.zeros(len(end), dtype=np.intp)
        return rows, found


def _cumulative(values: NDArray[Any]) -> NDArray[np.int64]:
    """Prefix sums with a leading 0, so ``c[b] - c[a]`` sums positions a..b-1 exactly."""
    out = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=out[1:])
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
    signals: Collection[str] | None = None,
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
    signals : collection of str, optional
        Compute only these signals (and user attributes); by default all. A stage model
        replaying a long history asks only for what its rules read.

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
    signals: Collection[str] | None = None,
) -> Population:
    known = {**SIGNALS, **dict.fromkeys(log.attributes)}
    for name in signals or ():
        check_signal_name(name, known)
    need = set(known) if signals is None else set(signals)

    def wants(*names: str) -> bool:
        return not need.isdisjoint(names)

    t = when.astype(np.int64)
    index = _Index(log, code, t)
    n = len(code)

    def subset(mask: NDArray[np.bool_]) -> _Subset:
        return _Subset(index, mask)

    def dates_at(rows: NDArray[np.intp], found: NDArray[np.bool_]) -> NDArray[np.datetime64]:
        out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        out[found] = log.date[rows[found]]
        return out

    v: dict[str, Any] = {}
    masks: dict[str, NDArray[np.bool_]] = {}
    buys = subset(log.kind_mask("purchase"))
    end = buys.end()
    n_buys = (end - buys.start).astype(np.int64)
    has = n_buys > 0
    first_rows = buys.rows[np.where(has, buys.start, 0)] if len(buys.rows) else buys.start
    last_rows, _ = buys.last(end)
    first, last = dates_at(first_rows, has), dates_at(last_rows, has)
    v["first_purchase"], v["last_purchase"] = first, last
    tenure = np.full(n, np.nan)
    tenure[has] = t[has] - first[has].astype(np.int64)
    since = np.full(n, np.nan)
    since[has] = t[has] - last[has].astype(np.int64)
    v["tenure_days"], v["days_since_last_purchase"] = tenure, since
    v["purchase_count"] = n_buys
    v["repeat_purchase_count"] = np.maximum(n_buys - 1, 0)
    money = ("total_spend", "average_order_value", "spend_90d", "spend_prev_90d", "spend_365d")
    spend = _cumulative(log.amount_minor[buys.rows]) if wants(*money) else None
    if spend is not None and wants("total_spend", "average_order_value"):
        total = spend[end] - spend[buys.start]
        v["total_spend"] = total
        aov = np.zeros(n, dtype=np.int64)
        aov[has] = divide_minor(total[has], n_buys[has], mode="half_even")
        v["average_order_value"] = aov
    for days, suffix, upper in ((90, "90d", end), (180, "prev_90d", None), (365, "365d", end)):
        if not wants(f"purchases_{suffix}", f"spend_{suffix}"):
            continue
        high = buys.end(90) if upper is None else upper
        low = buys.end(days)
        v[f"purchases_{suffix}"] = (high - low).astype(np.int64)
        if spend is not None:
            v[f"spend_{suffix}"] = spend[high] - spend[low]
    masks["average_order_value"] = ~has
    if log.currency is None:
        for name in (
            "total_spend",
            "average_order_value",
            "spend_90d",
            "spend_prev_90d",
            "spend_365d",
        ):
            masks[name] = np.ones(n, dtype=bool)
    category = np.zeros(n, dtype=np.int64)
    if log.category is not None and wants("category_count"):
        bought = subset(log.kind_mask("purchase") & (log.category >= 0))
        pairs = log.code[bought.rows].astype(np.int64) * (len(log.labels["category"]) + 1)
        _, first_seen = np.unique(pairs + log.category[bought.rows], return_index=True)
        new_category = np.zeros(len(bought.rows), dtype=np.int64)
        new_category[first_seen] = 1
        seen = _cumulative(new_category)
        category = seen[bought.end()] - seen[bought.start]
    v["category_count"] = category
    if wants("complaints_90d"):
        complaints = subset(log.kind_mask("complaint"))
        recent = complaints.end() - complaints.end(90)
        v["complaints_90d"] = recent.astype(np.int64)
    score = np.full(n, np.nan)
    if log.score is not None and wants("last_survey_score"):
        surveys = subset(log.kind_mask("survey") & ~np.isnan(log.score))
        rows, found = surveys.last(surveys.end())
        score[found] = log.score[rows[found]]
    v["last_survey_score"] = score
    if wants("mean_interpurchase_days", "lapse_ratio"):
        # A new purchase day starts where the key (customer and day) changes.
        new_day = np.ones(len(buys.rows), dtype=np.int64)
        new_day[1:] = buys.keys[1:] != buys.keys[:-1]
        day_count = _cumulative(new_day)
        n_days = day_count[end] - day_count[buys.start]
        gap = np.full(n, np.nan)
        many = n_days > 1
        gap[many] = (last[many] - first[many]).astype(np.int64) / (n_days[many] - 1)
        v["mean_interpurchase_days"] = gap
        v["lapse_ratio"] = since / gap
    if wants("total_quantity"):
        quantity = log.quantity[buys.rows] if log.quantity is not None else None
        units = _cumulative(quantity) if quantity is not None else np.arange(len(buys.rows) + 1)
        v["total_quantity"] = units[end] - units[buys.start]
    if wants("return_count"):
        returns = subset(log.kind_mask("return"))
        v["return_count"] = (returns.end() - returns.start).astype(np.int64)
    if wants("visit_count", "visits_90d"):
        visits = subset(log.kind_mask("visit"))
        visits_end = visits.end()
        v["visit_count"] = (visits_end - visits.start).astype(np.int64)
        v["visits_90d"] = (visits_end - visits.end(90)).astype(np.int64)
    if wants("cancelled"):
        cancels = subset(log.kind_mask("cancellation"))
        rows, found = cancels.last(cancels.end())
        last_cancel = dates_at(rows, found)
        v["cancelled"] = found & (~has | (last_cancel >= last))
    for name, column in log.attributes.items():
        if not wants(name):
            continue
        carried = subset(_present_mask(column))
        rows, found = carried.last(carried.end())
        v[name] = _gather(column, rows, found)
    columns: dict[str, Any] = {"customer": log.customers[code]}
    if as_of is None:
        columns["as_of"] = when
    columns.update((name, values) for name, values in v.items() if name in need)
    return Population(
        columns,
        as_of=as_of,
        currency=log.currency,
        masks={name: mask for name, mask in masks.items() if name in need},
        kinds=dict.fromkeys(log.attributes, "attribute"),
    )


def _present_mask(column: NDArray[Any]) -> NDArray[np.bool_]:
    if column.dtype.kind == "f":
        present: NDArray[np.bool_] = ~np.isnan(column)
        return present
    if column.dtype.kind == "O":
        return np.fromiter(map(_present, column), dtype=bool, count=len(column))
    return np.ones(len(column), dtype=bool)
