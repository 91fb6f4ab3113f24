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
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

import attrs
import numpy as np
from dateutil.relativedelta import relativedelta
from numpy.typing import NDArray

from .errors import UnknownSignalError, ValidationError
from .events import EventLog, as_date, segment_bounds
from .money import Currency, Money, divide_minor
from .table import Table

__all__ = ["SIGNALS", "Population", "Profile", "SignalSpec", "population", "profile"]

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
        carried = [column[rows][i] for i in events if _present(column[rows][i])]
        v[name] = _plain(carried[-1]) if carried else None
    return Profile(
        customer=_plain(log.customers[log.customer_code(customer)]),
        as_of=day,
        values=v,
        currency=cur,
    )


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------------- batch engine


class Population(Table):
    """Every customer's signals as of a date, as NumPy columns (the batch engine's subject).

    One row per customer with at least one event on or before ``as_of``; the column
    ``customer`` holds the ids. Money columns are ``int64`` minor units of
    :attr:`currency`.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"},
    ...                              {"customer": 2, "date": "2024-06-01"}])
    >>> pop = log.population("2024-03-01")
    >>> len(pop), pop.customer.tolist(), pop.as_of
    (1, [1], datetime.date(2024, 3, 1))
    """

    __slots__ = ("_kinds", "_masks", "as_of", "currency")

    def __init__(
        self,
        columns: Mapping[str, Any],
        *,
        as_of: dt.date,
        currency: Currency | None,
        masks: Mapping[str, NDArray[np.bool_]] | None = None,
        kinds: Mapping[str, SignalKind] | None = None,
    ) -> None:
        super().__init__(columns)
        self.as_of = as_of
        self.currency = currency
        self._masks = dict(masks or {})
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
            return np.fromiter((not _present(v) for v in values), dtype=bool, count=len(values))
        return np.zeros(len(values), dtype=bool)

    def join(self, table: Mapping[str, Any], *, on: str = "customer") -> Population:
        """Add user attributes from a table keyed by customer id (missing rows get None).

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
        for name, values in table.items():
            if name == on:
                continue
            src = np.asarray(values, dtype=object)[order]
            out = np.full(len(self), None, dtype=object)
            out[found] = src[pos[found]]
            columns[name] = out
        return Population(
            columns,
            as_of=self.as_of,
            currency=self.currency,
            masks=self._masks,
            kinds=self._kinds,
        )


def _sum_by(codes: NDArray[Any], values: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    """Exact int64 sums per code (codes sorted), without a float in between."""
    out = np.zeros(size, dtype=np.int64)
    if len(codes):
        starts, _ = segment_bounds(codes)
        out[codes[starts]] = np.add.reduceat(values, starts)
    return out


def population(log: EventLog, as_of: dt.date | str) -> Population:
    """Compute every customer's signals as of ``as_of``, vectorised.

    See :data:`SIGNALS` for the definitions; for each customer the values equal
    :func:`profile`'s.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "amount": "5",
    ...                               "currency": "EUR"}])
    >>> population(log, "2024-01-31").total_spend.tolist()
    [500]
    """
    day = as_date(as_of, "as_of")
    size = len(log.customers)
    asof64 = np.datetime64(day, "D")
    sel = log.date <= asof64
    code = log.code
    age = (asof64 - log.date).astype(np.int64)
    purchase = sel & log.kind_mask("purchase")

    def count(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.bincount(code[mask], minlength=size).astype(np.int64)

    def window(low: int, high: int) -> NDArray[np.bool_]:
        return (age > low) & (age < high)

    present = count(sel) > 0
    v: dict[str, Any] = {}
    masks: dict[str, NDArray[np.bool_]] = {}
    p_idx = np.flatnonzero(purchase)
    p_code = code[p_idx]
    starts, ends = segment_bounds(p_code)
    first = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    last = first.copy()
    first[p_code[starts]] = log.date[p_idx[starts]]
    last[p_code[ends]] = log.date[p_idx[ends]]
    v["first_purchase"], v["last_purchase"] = first, last
    has = ~np.isnat(first)
    tenure = np.full(size, np.nan)
    tenure[has] = (asof64 - first[has]).astype(np.int64)
    since = np.full(size, np.nan)
    since[has] = (asof64 - last[has]).astype(np.int64)
    v["tenure_days"], v["days_since_last_purchase"] = tenure, since
    n_buys = count(purchase)
    v["purchase_count"] = n_buys
    v["repeat_purchase_count"] = np.maximum(n_buys - 1, 0)
    amounts = log.amount_minor
    total = _sum_by(p_code, amounts[p_idx], size)
    v["total_spend"] = total
    aov = np.zeros(size, dtype=np.int64)
    aov[has] = divide_minor(total[has], n_buys[has], mode="half_even")
    v["average_order_value"] = aov
    no_money = np.ones(size, dtype=bool) if log.currency is None else None
    masks["average_order_value"] = ~has if no_money is None else no_money
    for lo, hi, suffix in ((-1, 90, "90d"), (89, 180, "prev_90d"), (-1, 365, "365d")):
        in_window = purchase & window(lo, hi)
        v[f"purchases_{suffix}"] = count(in_window)
        w_idx = np.flatnonzero(in_window)
        v[f"spend_{suffix}"] = _sum_by(code[w_idx], amounts[w_idx], size)
    if no_money is not None:
        for name in ("total_spend", "spend_90d", "spend_prev_90d", "spend_365d"):
            masks[name] = no_money
    cats = np.zeros(size, dtype=np.int64)
    if log.category is not None:
        c_idx = p_idx[log.category[p_idx] >= 0]
        n_cat = len(log.labels["category"]) + 1
        pairs = np.unique(code[c_idx].astype(np.int64) * n_cat + log.category[c_idx])
        cats = np.bincount(pairs // n_cat, minlength=size).astype(np.int64)
    v["category_count"] = cats
    v["complaints_90d"] = count(sel & log.kind_mask("complaint") & window(-1, 90))
    score = np.full(size, np.nan)
    if log.score is not None:
        s_idx = np.flatnonzero(sel & log.kind_mask("survey") & ~np.isnan(log.score))
        _, s_ends = segment_bounds(code[s_idx])
        score[code[s_idx[s_ends]]] = log.score[s_idx[s_ends]]
    v["last_survey_score"] = score
    # Distinct purchase days: a new day starts where the customer or the date changes.
    p_dates = log.date[p_idx]
    new_day = np.ones(len(p_idx), dtype=bool)
    if len(p_idx):
        new_day[1:] = (p_code[1:] != p_code[:-1]) | (p_dates[1:] != p_dates[:-1])
    n_days = np.bincount(p_code[new_day], minlength=size)
    gap = np.full(size, np.nan)
    many = n_days > 1
    gap[many] = (last[many] - first[many]).astype(np.int64) / (n_days[many] - 1)
    v["mean_interpurchase_days"] = gap
    v["lapse_ratio"] = since / gap
    qty = log.quantity[p_idx] if log.quantity is not None else np.ones(len(p_idx), np.int64)
    v["total_quantity"] = _sum_by(p_code, qty, size)
    v["return_count"] = count(sel & log.kind_mask("return"))
    visits = sel & log.kind_mask("visit")
    v["visit_count"] = count(visits)
    v["visits_90d"] = count(visits & window(-1, 90))
    c_idx = np.flatnonzero(sel & log.kind_mask("cancellation"))
    _, c_ends = segment_bounds(code[c_idx])
    last_cancel = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    last_cancel[code[c_idx[c_ends]]] = log.date[c_idx[c_ends]]
    v["cancelled"] = ~np.isnat(last_cancel) & (np.isnat(last) | (last_cancel >= last))
    for name, column in log.attributes.items():
        ok = sel & _present_mask(column)
        a_idx = np.flatnonzero(ok)
        _, a_ends = segment_bounds(code[a_idx])
        carried = np.full(size, None, dtype=object)
        carried[code[a_idx[a_ends]]] = column[a_idx[a_ends]]
        v[name] = carried
    columns = {"customer": log.customers[present]}
    columns.update({name: values[present] for name, values in v.items()})
    return Population(
        columns,
        as_of=day,
        currency=log.currency,
        masks={name: mask[present] for name, mask in masks.items()},
        kinds=dict.fromkeys(log.attributes, "attribute"),
    )


def _present_mask(column: NDArray[Any]) -> NDArray[np.bool_]:
    if column.dtype.kind == "f":
        present: NDArray[np.bool_] = ~np.isnan(column)
        return present
    if column.dtype.kind == "O":
        return np.fromiter((_present(v) for v in column), dtype=bool, count=len(column))
    return np.ones(len(column), dtype=bool)
