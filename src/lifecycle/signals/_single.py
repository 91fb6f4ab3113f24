"""The single engine: one customer's signals, computed from their definitions (private).

Each definition is compiled once into a plan (:class:`_Plan`): one step per distinct part,
a function specialised for what the part is, so building a profile runs a list of
functions and dispatches on nothing. Steps compute with Python scalars: dates as
``datetime.date``, money as int minor units until the end (then exact
:class:`~lifecycle.money.Money`), missing as None. The batch engine (``_batch.py``) computes
the same definitions over NumPy columns; the property tests check that the two agree for
every standard signal and for user-defined ones.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NoReturn

import attrs
import numpy as np
from dateutil.relativedelta import relativedelta

from .._values import plain
from ..errors import UnknownSignalError, ValidationError
from ..events import LABEL_FIELDS, EventLog, as_date
from ..money import Currency, Money
from ._definitions import (
    Aggregate,
    Arithmetic,
    AsOf,
    AttributeScore,
    Constant,
    Definition,
    EventRows,
    EventScore,
    NamedSignal,
    Offset,
    Window,
    answers_of,
    missing_attributes,
)
from ._standard import SIGNALS, STANDARD, check_signal_name

__all__ = ["Profile", "SignalValues", "profile"]

_INT64_MAX = int(np.iinfo(np.int64).max)


class SignalValues(dict[str, Any]):
    """A read-only mapping of signal names to values: a profile cannot change after the fact.

    A ``dict`` whose every mutating method raises ``TypeError`` (reads stay as fast as a
    dict's). Hashable when its values are (every standard signal's value is), so a
    :class:`Profile` can be a dict key or a set member.

    Examples
    --------
    >>> values = SignalValues({"purchase_count": 2})
    >>> values["purchase_count"], hash(values) == hash(SignalValues({"purchase_count": 2}))
    (2, True)
    >>> values["purchase_count"] = 3
    Traceback (most recent call last):
    ...
    TypeError: SignalValues are read-only: a profile's signals cannot be changed
    """

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        """Refuse any change: every mutating method of the mapping is this one.

        Examples
        --------
        >>> SignalValues({"purchase_count": 2}).update(purchase_count=3)
        Traceback (most recent call last):
        ...
        TypeError: SignalValues are read-only: a profile's signals cannot be changed
        """
        msg = "SignalValues are read-only: a profile's signals cannot be changed"
        raise TypeError(msg)

    __setitem__ = __delitem__ = __ior__ = _read_only
    update = pop = popitem = clear = setdefault = _read_only

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type[SignalValues], tuple[dict[str, Any]]]:
        # copy.copy and deepcopy rebuild from a plain dict, not by setting items.
        return (SignalValues, (dict(self),))

    def __repr__(self) -> str:
        return f"SignalValues({dict(self)!r})"


def _signal_values(values: Mapping[str, Any]) -> SignalValues:
    return values if isinstance(values, SignalValues) else SignalValues(values)


@attrs.frozen(repr=False)
class Profile:
    """One customer's signals as of a date (the single engine's subject).

    Signals read as attributes or items: ``profile.purchase_count``,
    ``profile["total_spend"]``. Missing values are ``None``. User attributes carried
    from the log, or added with :meth:`with_attributes`, read the same way. Signals defined
    with :func:`~lifecycle.define_signal` are computed on demand with :meth:`compute`
    (conditions do this for the definitions they carry).

    A profile is a value: :attr:`values` is a read-only :class:`SignalValues`, so a
    profile cannot be changed after it is computed (:meth:`with_attributes` returns a
    copy), and profiles are hashable and compare equal when every field is equal.

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
    >>> p == log.profile("c1", as_of="2024-02-29") and len({p, p}) == 1
    True
    """

    customer: Any
    as_of: dt.date
    values: SignalValues = attrs.field(converter=_signal_values)
    currency: Currency | None = None
    # The customer's events, kept to compute defined signals on demand; not part of the value.
    # Where the customer's events are, (log, first row, end row), to compute defined signals
    # on demand: (None, 0, 0) for a customer without events, None for a profile built by
    # hand. Not part of the value. The history read from it is kept once a definition is
    # computed; profiles that compute none keep no more than this tuple.
    _source: tuple[EventLog | None, int, int] | None = attrs.field(
        default=None, eq=False, repr=False, alias="source"
    )
    _history: _History | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            check_signal_name(name, self.values)
            raise

    def __dir__(self) -> list[str]:
        # Signals and attributes read as attributes, so tab completion should offer them.
        names = {name for name in self.values if isinstance(name, str) and name.isidentifier()}
        return sorted(set(super().__dir__()) | names)

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
        """A copy with user attributes added (for example joined from a CRM table).

        Examples
        --------
        >>> p = Profile.new_customer("2024-05-01").with_attributes(segment="gold")
        >>> p.segment, p.purchase_count
        ('gold', 0)
        """
        clash = set(attributes) & set(SIGNALS)
        if clash:
            msg = f"attribute names must not shadow standard signals (got {sorted(clash)})"
            raise ValidationError(msg)
        return attrs.evolve(self, values={**self.values, **attributes})

    @classmethod
    def new_customer(
        cls,
        as_of: dt.date | str,
        *,
        currency: Currency | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> Profile:
        """The profile of a customer without any event: every signal from its definition.

        A pricing policy quotes a customer it does not know with this profile; defined
        signals are computed on the same empty history.

        Examples
        --------
        >>> from lifecycle import Currency
        >>> p = Profile.new_customer("2024-05-01", currency=Currency("EUR"))
        >>> p.purchase_count, p.total_spend, p.average_order_value, p.cancelled
        (0, Money('0.00', 'EUR'), None, False)
        """
        day = as_date(as_of, "as_of")
        history = _History(None, 0, 0, day, None, currency)
        values = dict(zip(STANDARD, history.run(_STANDARD_PLAN), strict=True))
        values.update(attributes or {})
        return cls(customer=None, as_of=day, values=values, currency=currency, source=(None, 0, 0))

    def with_signals(self, *definitions: NamedSignal) -> Profile:
        """A copy with the values of defined signals added (computed on demand).

        Examples
        --------
        >>> from lifecycle import EventLog, define_signal
        >>> from lifecycle.signals import count
        >>> visits = define_signal("visits_all", count("visit"))
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> log.profile(1, "2024-01-02").with_signals(visits)["visits_all"]
        1
        """
        added = {}
        for d in definitions:
            value = self.compute(d)
            if d.name in self.values and d.name not in STANDARD:
                if self.values[d.name] != value:
                    msg = (
                        f"the profile has a value {d.name!r} that is not this defined signal: "
                        "give the defined signal another name"
                    )
                    raise ValidationError(msg)
                continue
            added[d.name] = value
        return attrs.evolve(self, values={**self.values, **added}) if added else self

    def compute(self, definition: Definition) -> Any:
        """The value of a signal definition for this customer (None when missing).

        A value the profile already holds under the definition's name is returned as is.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.signals import count
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> log.profile(1, "2024-01-02").compute(count("visit"))
        1
        """
        if isinstance(definition, NamedSignal) and definition.name in STANDARD:
            if STANDARD[definition.name] != definition:
                msg = (
                    f"the profile has a value {definition.name!r} that is not this defined "
                    "signal: give the defined signal another name"
                )
                raise ValidationError(msg)
            return self.values[definition.name]
        if self._source is None:
            name = definition.name if isinstance(definition, NamedSignal) else str(definition)
            msg = (
                f"cannot compute signal {name!r}: this profile was not computed from an "
                "event log (use log.profile(customer, as_of))"
            )
            raise UnknownSignalError(msg)
        # A score reads the profile's attributes: carried from the log, or added to it.
        attributes = {k: v for k, v in self.values.items() if k not in STANDARD}
        history = self._history
        if history is None:
            log, start, stop = self._source
            history = _History(log, start, stop, self.as_of, self.customer, self.currency)
            object.__setattr__(self, "_history", history)  # a cache, not part of the value
        return history.run(_plan_of((definition,)), attributes)[0]


class _History:
    """One customer's events on or before ``as_of``, read from the log as definitions ask.

    The dates and kinds are read when the history is made (every definition needs them);
    other fields (amounts, quantities, labels, scores) the first time a definition reads
    them, and kept, so definitions computed later on the same profile (``compute``,
    ``with_signals``) reuse them. These caches are its only state: they hold what the log
    says, so they never change a value.
    """

    __slots__ = (
        "_fields",
        "_kind_dates",
        "_log",
        "_start",
        "attributes",
        "by_kind",
        "currency",
        "customer",
        "dates",
        "day",
    )

    def __init__(
        self,
        log: EventLog | None,
        start: int,
        stop: int,
        day: dt.date,
        customer: Any,
        currency: Currency | None,
    ) -> None:
        self._log = log
        self._start = start
        self.day = day
        self.customer = customer
        self.currency = currency
        self._fields: dict[str, list[Any]] = {}
        self._kind_dates: dict[str, list[dt.date]] = {}
        self.by_kind: dict[str, list[int]] = {}
        # The log's attributes carried to as_of (latest known value, None if none); None for
        # a customer without a log, who has answered nothing.
        self.attributes: dict[str, Any] | None = None
        if log is None:
            self.dates: list[dt.date] = []
            return
        dates = log.date[start:stop].tolist()
        n = bisect_right(dates, day)  # the log is sorted by date within a customer
        del dates[n:]
        self.dates = dates
        kinds, by_kind = log.kinds, self.by_kind
        for i, code in enumerate(log.kind_code[start : start + n].tolist()):
            rows = by_kind.get(kinds[code])
            if rows is None:
                by_kind[kinds[code]] = [i]
            else:
                rows.append(i)
        carried: dict[str, Any] = {}
        for name, column in log.attributes.items():
            carried[name] = None
            for value in reversed(column[start : start + n].tolist()):
                if _present(value):
                    carried[name] = plain(value)
                    break
        self.attributes = carried

    def field(self, name: str) -> list[Any]:
        """The values of event field ``name`` (None where unknown; a label's code -1)."""
        values = self._fields.get(name)
        if values is None:
            values = self._fields[name] = self._read(name)
        return values

    def _read(self, name: str) -> list[Any]:
        log, start, stop = self._log, self._start, self._start + len(self.dates)
        if log is None:  # no events, so nothing is read
            return []
        if name == "amount":
            values: list[Any] = log.amount_minor[start:stop].tolist()
            if log.amount_known is not None:
                known = log.amount_known[start:stop].tolist()
                values = [v if k else None for v, k in zip(values, known, strict=True)]
            return values
        column = getattr(log, name)
        if column is None:  # every unit count is 1; no score or label is known
            return [1 if name == "quantity" else -1 if name in LABEL_FIELDS else None] * (
                stop - start
            )
        values = column[start:stop].tolist()
        if name == "score":
            return [None if math.isnan(v) else v for v in values]
        return values

    def kind_dates(self, kind: str) -> list[dt.date]:
        """The dates of the events of ``kind``, in order."""
        dates = self._kind_dates.get(kind)
        if dates is None:
            every = self.dates
            dates = self._kind_dates[kind] = [every[i] for i in self.by_kind.get(kind, _NONE)]
        return dates

    def run(self, plan: _Plan, attributes: Mapping[str, Any] | None = None) -> list[Any]:
        """The values of the plan's definitions, in order (money as Money, missing None).

        ``attributes`` are the values scores read (a profile's, joined ones included); the
        attributes carried from the log by default.
        """
        values: list[Any] = []
        append = values.append
        scope = _Scope(self, self.attributes if attributes is None else attributes)
        for step in plan.steps:
            append(step(scope, values))
        out = [values[r] for r in plan.roots]
        currency = self.currency
        if currency is not None:
            for j in plan.money:
                if out[j] is not None:
                    out[j] = Money.from_minor(out[j], currency)
        return out


_NONE: list[int] = []


class _Scope:
    """What a step reads: the history, and the attributes a score reads."""

    __slots__ = ("attributes", "history")

    def __init__(self, history: _History, attributes: Mapping[str, Any] | None) -> None:
        self.history = history
        self.attributes = attributes


#: One part of a plan: its value from the scope and the values of the parts before it.
_Step = Callable[[_Scope, list[Any]], Any]


@attrs.frozen
class _Plan:
    """Definitions compiled into steps, each after the steps it reads, run in one pass.

    Each distinct part is one step, a function specialised once for what the part is (its
    event kind, window, field and operation): running a plan dispatches on nothing. A part
    several signals share (the first purchase's date) is one step. Plans are made once per
    definition and cached (:func:`_plan_of`); the standard signals' plan when the module is
    imported.
    """

    steps: tuple[_Step, ...]
    roots: tuple[int, ...]
    money: tuple[int, ...]  # the roots (by position) that are money, made Money at the end

    @classmethod
    def of(cls, definitions: Sequence[Definition]) -> _Plan:
        steps: list[_Step] = []
        seen: dict[object, int] = {}

        def add(key: object, make: Callable[[], _Step]) -> int:
            if key not in seen:
                steps.append(make())
                seen[key] = len(steps) - 1
            return seen[key]

        def bound(offset: Offset) -> int:
            return add(offset, lambda: _bound_step(offset))

        def select(kind: str, within: Window) -> int:
            """The step selecting the rows of ``kind`` in ``within``, shared by aggregates."""
            if within.start is None and within.end.n == 0:  # events were cut at as_of already
                return add((kind, within), lambda: _all_time_step(kind))
            low = None if within.start is None else bound(within.start)
            high = None if within.end.n == 0 else bound(within.end)
            return add((kind, within), lambda: _window_step(kind, low, high))

        def visit(d: Definition, name: str) -> int:
            if isinstance(d, NamedSignal):  # a name adds no computation: its definition's
                return visit(d.definition, name or d.name)
            if isinstance(d, Aggregate):
                kids: tuple[int, ...] = (select(d.event, d.within),)
            else:
                kids = tuple(visit(part, name) for part in d.parts())
            return add(d, lambda: _step(d, kids, name))

        roots = tuple(visit(d, "") for d in definitions)
        money = tuple(j for j, d in enumerate(definitions) if d.kind == "money")
        return cls(tuple(steps), roots, money)


@functools.lru_cache(maxsize=512)
def _plan_of(definitions: tuple[Definition, ...]) -> _Plan:
    """The plan of ``definitions``, made once (definitions are immutable and hashable)."""
    return _Plan.of(definitions)


def _money(minor: int, scope: _Scope, name: str) -> int | None:
    """``minor`` if int64 holds it (None without a currency); both engines refuse more."""
    if not -_INT64_MAX - 1 <= minor <= _INT64_MAX:
        msg = (
            f"signal {name!r} of customer {scope.history.customer!r} is {minor} minor units, "
            f"beyond the int64 limit of {_INT64_MAX} that money columns hold"
        )
        raise ValidationError(msg)
    return None if scope.history.currency is None else minor


def _half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-even to an int, exactly."""
    quotient = Decimal(numerator) / denominator
    return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _bound_step(offset: Offset) -> _Step:
    """The step for ``as_of - offset``, or None before the first representable date."""
    back: dt.timedelta | relativedelta
    if offset.days is not None:
        back = dt.timedelta(days=offset.days)
    else:
        back = relativedelta(months=offset.n * (12 if offset.unit == "Y" else 1))

    def bound(scope: _Scope, values: list[Any]) -> dt.date | None:
        try:
            day: dt.date = scope.history.day - back
        except (OverflowError, ValueError):
            return None
        return day

    return bound


def _all_time_step(kind: str) -> _Step:
    return lambda scope, values: scope.history.by_kind.get(kind, _NONE)


def _window_step(kind: str, low: int | None, high: int | None) -> _Step:
    """The step selecting the rows of ``kind`` dated in ``(values[low], values[high]]``.

    ``low`` None has no start, ``high`` None ends at as_of; a bound that is None (before
    the first representable date) bounds nothing at the start and selects nothing at the end.
    """

    def window(scope: _Scope, values: list[Any]) -> list[int]:
        history = scope.history
        rows = history.by_kind.get(kind)
        if not rows:
            return _NONE
        dates = history.kind_dates(kind)
        stop = len(rows)
        if high is not None:
            top = values[high]
            if top is None:
                return _NONE
            stop = bisect_right(dates, top)
        bottom = None if low is None else values[low]
        return rows[0 if bottom is None else bisect_right(dates, bottom) : stop]

    return window


def _step(d: Definition, kids: tuple[int, ...], name: str) -> _Step:
    """The step computing part ``d`` from the values at ``kids`` (its parts' steps).

    An aggregate's one kid is the step selecting its rows.
    """
    if isinstance(d, Aggregate):
        return _aggregate_step(d, kids[0], name)
    if isinstance(d, Arithmetic):
        a, b = kids
        return _arithmetic_step(d.op, d.kind, d.left.kind, a, b, name)
    if isinstance(d, AsOf):
        return lambda scope, values: scope.history.day
    if isinstance(d, Constant):
        constant = d.value
        return lambda scope, values: constant
    if isinstance(d, AttributeScore):
        return functools.partial(_score, d)
    if isinstance(d, EventScore):
        return functools.partial(_event_score, d)
    msg = f"not a signal definition: {d!r}"
    raise ValidationError(msg)


def _score(d: AttributeScore, scope: _Scope, values: list[Any]) -> float | None:
    """One row of the batch engine's score: the same vectorised definition.

    Each answer is the subject's attribute of that name (carried from the log or added);
    a customer without a log has answered nothing.
    """
    given = scope.attributes or {}
    customer = scope.history.customer
    if scope.history.attributes is not None:
        absent = [name for name in d.attributes if name not in given]
        if absent:
            raise missing_attributes(absent, given)
    who = np.array([customer], dtype=object)
    answers = {
        name: answers_of(name, np.array([given.get(name)], dtype=object), who)
        for name in d.attributes
    }
    value = float(d.score_columns(answers, who)[0])
    return None if math.isnan(value) else value


def _event_score(d: EventScore, scope: _Scope, values: list[Any]) -> float | None:
    """One row of the batch engine's event score: the same vectorised definition."""
    history = scope.history
    rows = history.by_kind.get(d.event, _NONE)
    every = history.field("amount") if rows else []
    amounts = [every[i] for i in rows]
    currency = history.currency
    events = EventRows(
        np.zeros(len(rows), dtype=np.intp),
        np.array(history.kind_dates(d.event), dtype="datetime64[D]").view(np.int64),
        np.array([a or 0 for a in amounts], dtype=np.int64),
        np.array([a is not None for a in amounts], dtype=bool),
        np.array([history.day], dtype="datetime64[D]").view(np.int64),
        np.array([history.customer], dtype=object),
        currency.factor if currency is not None else 1,
    )
    value = float(d.score_events(events)[0])
    return None if math.isnan(value) else value


def _dates_of(history: _History, rows: list[int]) -> list[Any]:
    dates = history.dates
    return [dates[i] for i in rows]


def _quantities_of(history: _History, rows: list[int]) -> list[Any]:
    if not rows:
        return rows
    column = history.field("quantity")
    return [column[i] for i in rows]


def _known_of(field: str) -> Callable[[_History, list[int]], list[Any]]:
    """The values of ``field`` (None where unknown) of the events ``rows`` that have one."""

    def known(history: _History, rows: list[int]) -> list[Any]:
        if not rows:
            return rows
        column = history.field(field)
        return [v for v in map(column.__getitem__, rows) if v is not None]

    return known


def _labels_of(field: str) -> Callable[[_History, list[int]], list[Any]]:
    """The label codes of ``field`` of the events ``rows`` that have one (-1 is none)."""

    def labels(history: _History, rows: list[int]) -> list[Any]:
        if not rows:
            return rows
        column = history.field(field)
        return [v for v in map(column.__getitem__, rows) if v >= 0]

    return labels


#: For each field an aggregate reads, the values of the given rows that have one, in order.
_PRESENT: dict[str, Callable[[_History, list[int]], list[Any]]] = {
    "date": _dates_of,
    "quantity": _quantities_of,
    "amount": _known_of("amount"),
    "score": _known_of("score"),
    **{field: _labels_of(field) for field in LABEL_FIELDS},
}


def _aggregate_step(d: Aggregate, select: int, name: str) -> _Step:
    """The step for aggregate ``d`` of the rows that step ``select`` selected."""
    op, field = d.op, d.field
    if op == "count":
        return lambda scope, values: len(values[select])
    assert field is not None
    if field == "date" and op in ("first", "last"):  # every event has a date: no filtering
        end = 0 if op == "first" else -1

        def first_or_last_date(scope: _Scope, values: list[Any]) -> dt.date | None:
            rows = values[select]
            return scope.history.dates[rows[end]] if rows else None

        return first_or_last_date

    present = _PRESENT[field]

    if op == "distinct":
        return lambda scope, values: len(set(present(scope.history, values[select])))
    money = field == "amount"
    if op == "total":
        as_float = field == "score"

        def total(scope: _Scope, values: list[Any]) -> Any:
            rows = values[select]
            known = present(scope.history, rows)
            if rows and not known:
                return None
            if money:
                return _money(sum(known), scope, name)
            return float(sum(known)) if as_float else sum(known)

        return total
    if op == "mean":

        def mean(scope: _Scope, values: list[Any]) -> Any:
            known = present(scope.history, values[select])
            if not known:
                return None
            if money:
                _money(sum(known), scope, name)
                return _money(_half_even(sum(known), len(known)), scope, name)
            return float(sum(known)) / len(known)

        return mean
    picks: dict[str, Callable[[list[Any]], Any]] = {
        "minimum": min,
        "maximum": max,
        "first": operator.itemgetter(0),
        "last": operator.itemgetter(-1),
    }
    pick = picks[op]
    as_float = field in ("quantity", "score")

    def picked(scope: _Scope, values: list[Any]) -> Any:
        known = present(scope.history, values[select])
        if not known:
            return None
        value = pick(known)
        if money:
            return _money(value, scope, name)
        return float(value) if as_float else value

    return picked


def _arithmetic_step(op: str, kind: str, left: str, a: int, b: int, name: str) -> _Step:
    """The step for ``values[a] <op> values[b]`` (money in int minor units)."""
    if op == "at_or_after":
        return lambda scope, values: (
            values[a] is not None and (values[b] is None or values[a] >= values[b])
        )
    combine: Callable[[Any, Any, _Scope], Any]
    if op == "minus_floor0":
        combine = _floor0_difference
    elif left == "money" and op == "/" and kind == "number":  # money / money
        combine = _ratio
    elif left == "money" and op == "/":  # money / count: an exact mean, rounded half-even
        combine = functools.partial(_money_mean, name=name)
    elif left == "money":
        sign = 1 if op == "+" else -1
        combine = functools.partial(_money_sum, sign=sign, name=name)
    elif left == "date":
        combine = _days_between
    elif op == "/":
        combine = _ratio
    elif kind == "number":
        combine = _float_sum if op == "+" else _float_difference
    else:
        combine = _int_sum if op == "+" else _int_difference

    def arithmetic(scope: _Scope, values: list[Any]) -> Any:
        x, y = values[a], values[b]
        if x is None or y is None:
            return None
        return combine(x, y, scope)

    return arithmetic


def _floor0_difference(a: int, b: int, scope: _Scope) -> int:
    return max(a - b, 0)


def _ratio(a: Any, b: Any, scope: _Scope) -> float | None:
    return None if b == 0 else float(a) / float(b)


def _money_mean(a: int, b: int, scope: _Scope, name: str) -> int | None:
    return None if b == 0 else _money(_half_even(a, b), scope, name)


def _money_sum(a: int, b: int, scope: _Scope, sign: int, name: str) -> int | None:
    return _money(a + sign * b, scope, name)


def _days_between(a: dt.date, b: dt.date, scope: _Scope) -> int:
    return (a - b).days


def _float_sum(a: Any, b: Any, scope: _Scope) -> float:
    return float(a + b)


def _float_difference(a: Any, b: Any, scope: _Scope) -> float:
    return float(a - b)


def _int_sum(a: Any, b: Any, scope: _Scope) -> Any:
    return a + b


def _int_difference(a: Any, b: Any, scope: _Scope) -> Any:
    return a - b


def _present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, float) and math.isnan(value))


_STANDARD_PLAN = _plan_of(tuple(STANDARD.values()))


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
    ident = plain(log.customers[log.code[rows.start]])
    history = _History(log, rows.start, rows.stop, day, ident, log.currency)
    values = SignalValues()
    # The mapping is read-only once returned: fill it through dict's own method.
    dict.update(values, zip(STANDARD, history.run(_STANDARD_PLAN), strict=True))
    if history.attributes:
        dict.update(values, history.attributes)
    return Profile(
        customer=ident,
        as_of=day,
        values=values,
        currency=log.currency,
        source=(log, rows.start, rows.stop),
    )
