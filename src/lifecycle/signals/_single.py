"""The single engine: one customer's signals, interpreted from their definitions (private).

Each definition is computed from the customer's events with Python scalars: dates as
``datetime.date``, money as exact :class:`~lifecycle.money.Money`, missing as None. The batch
engine (``_batch.py``) interprets the same definitions over NumPy columns; the property
tests check that the two agree for every standard signal and for user-defined ones.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NoReturn

import attrs
import numpy as np
from dateutil.relativedelta import relativedelta

from .._values import plain
from ..errors import UnknownSignalError, ValidationError
from ..events import EventLog, as_date
from ..money import Currency, Money
from ._definitions import (
    Aggregate,
    Arithmetic,
    AsOf,
    AttributeScore,
    Constant,
    Definition,
    NamedSignal,
    Offset,
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
    _events: _Events | None = attrs.field(default=None, eq=False, repr=False, alias="events")

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
        events = _Events(
            (), (), (), (), (), (), dict.fromkeys(("category", "product", "channel"), ())
        )
        engine = _Interpreter(events, day, currency, None)
        values = dict(zip(STANDARD, engine.run(_STANDARD_PLAN), strict=True))
        values.update(attributes or {})
        return cls(customer=None, as_of=day, values=values, currency=currency, events=events)

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
        if self._events is None:
            name = definition.name if isinstance(definition, NamedSignal) else str(definition)
            msg = (
                f"cannot compute signal {name!r}: this profile was not computed from an "
                "event log (use log.profile(customer, as_of))"
            )
            raise UnknownSignalError(msg)
        return _Interpreter(self._events, self.as_of, self.currency, self.customer).value(
            definition
        )


@attrs.frozen
class _Events:
    """One customer's events on or before ``as_of``, as Python lists in log order."""

    dates: Sequence[dt.date]
    kinds: Sequence[str]
    amounts: Sequence[int]
    known: Sequence[bool]
    quantity: Sequence[int]
    score: Sequence[float]
    labels: Mapping[str, Sequence[int]]
    # The log's attributes carried to as_of (latest known value, None if none); None for a
    # customer without a log, who has answered nothing.
    attributes: Mapping[str, Any] | None = None


def _events_of(log: EventLog, rows: slice, day: dt.date) -> _Events:
    """The customer's events on or before ``day``, and their attributes carried to it."""
    dates = log.date[rows].tolist()
    n = sum(1 for d in dates if d <= day)  # the log is sorted by date within a customer
    kept = slice(rows.start, rows.start + n)
    labels = {
        field: getattr(log, field)[kept].tolist() if getattr(log, field) is not None else [-1] * n
        for field in ("category", "product", "channel")
    }
    carried: dict[str, Any] = {}
    for name, column in log.attributes.items():
        known = [value for value in column[kept].tolist() if _present(value)]
        carried[name] = plain(known[-1]) if known else None
    return _Events(
        dates=dates[:n],
        kinds=[log.kinds[k] for k in log.kind_code[kept].tolist()],
        amounts=log.amount_minor[kept].tolist(),
        known=log.amount_known[kept].tolist() if log.amount_known is not None else [True] * n,
        quantity=log.quantity[kept].tolist() if log.quantity is not None else [1] * n,
        score=log.score[kept].tolist() if log.score is not None else [math.nan] * n,
        labels=labels,
        attributes=carried,
    )


def _back(day: dt.date, offset: Offset) -> dt.date | None:
    """``day - offset``, or None when that is before the first representable date."""
    try:
        if offset.days is not None:
            return day - dt.timedelta(days=offset.days)
        months = offset.n * (12 if offset.unit == "Y" else 1)
        back: dt.date = day - relativedelta(months=months)
    except (OverflowError, ValueError):
        return None
    return back


@attrs.frozen
class _Plan:
    """Definitions flattened into their distinct parts, each part after the parts it reads.

    Evaluating a plan is one pass over a list: no recursion, and a part shared by several
    signals (the first purchase's date) is computed once. The standard signals' plan is
    built once, when the module is imported.
    """

    nodes: tuple[Definition, ...]
    children: tuple[tuple[int, ...], ...]
    kinds: tuple[str, ...]
    names: tuple[str, ...]  # the named signal each part is computed for, for messages
    roots: tuple[int, ...]
    tags: tuple[int, ...]  # what each part is (see _TAGS): the run loop dispatches on it

    @classmethod
    def of(cls, definitions: Sequence[Definition]) -> _Plan:
        nodes: list[Definition] = []
        children: list[tuple[int, ...]] = []
        names: list[str] = []
        seen: dict[int, int] = {}

        def visit(d: Definition, name: str) -> int:
            if id(d) in seen:
                return seen[id(d)]
            if isinstance(d, NamedSignal):  # a name adds no computation: its definition's part
                seen[id(d)] = visit(d.definition, name or d.name)
                return seen[id(d)]
            kids = tuple(visit(part, name) for part in d.parts())
            seen[id(d)] = len(nodes)
            nodes.append(d)
            children.append(kids)
            names.append(name)
            return len(nodes) - 1

        roots = tuple(visit(d, "") for d in definitions)
        kinds = tuple(d.kind for d in nodes)
        tags = tuple(_tag(d) for d in nodes)
        return cls(tuple(nodes), tuple(children), kinds, tuple(names), roots, tags)


_AGGREGATE, _ALL_TIME, _ARITHMETIC, _NAMED, _AS_OF, _CONSTANT, _SCORE = range(7)


def _tag(d: Definition) -> int:
    if isinstance(d, Aggregate):
        all_time = d.within.start is None and d.within.end.n == 0
        return _ALL_TIME if all_time else _AGGREGATE
    for cls, tag in ((Arithmetic, _ARITHMETIC), (NamedSignal, _NAMED), (AsOf, _AS_OF)):
        if isinstance(d, cls):
            return tag
    if isinstance(d, Constant):
        return _CONSTANT
    if isinstance(d, AttributeScore):
        return _SCORE
    msg = f"not a signal definition: {d!r}"
    raise ValidationError(msg)


class _Interpreter:
    """Computes definitions for one customer's events, following a :class:`_Plan`."""

    def __init__(
        self, events: _Events, day: dt.date, currency: Currency | None, customer: Any
    ) -> None:
        self.events = events
        self.day = day
        self.currency = currency
        self.customer = customer
        self.name = ""  # the named signal being computed, for error messages
        self.by_kind: dict[str, list[int]] = {}
        for i, kind in enumerate(events.kinds):
            self.by_kind.setdefault(kind, []).append(i)
        self.windows: dict[tuple[str, int], list[int]] = {}
        self.bounds: dict[tuple[int, str], dt.date | None] = {}

    def run(self, plan: _Plan) -> list[Any]:
        """The values of the plan's definitions, in order (money as Money, missing None)."""
        values: list[Any] = [None] * len(plan.nodes)
        kinds = plan.kinds
        # Money stays in int minor units between parts and becomes Money at the roots.
        for i, (tag, node, kids, name) in enumerate(
            zip(plan.tags, plan.nodes, plan.children, plan.names, strict=True)
        ):
            self.name = name
            if tag == _ALL_TIME:
                rows = self.by_kind.get(node.event, [])  # type: ignore[attr-defined]
                values[i] = self._aggregate(node, rows)  # type: ignore[arg-type]
            elif tag == _AGGREGATE:
                values[i] = self._aggregate(node, self._selected(node))  # type: ignore[arg-type]
            elif tag == _ARITHMETIC:
                a, b = kids
                values[i] = self._arithmetic(
                    node.op,  # type: ignore[attr-defined]
                    kinds[i],
                    kinds[a],
                    values[a],
                    values[b],
                )
            elif tag == _NAMED:
                values[i] = values[kids[0]]
            elif tag == _AS_OF:
                values[i] = self.day
            elif tag == _SCORE:
                values[i] = self._score(node)  # type: ignore[arg-type]
            else:
                values[i] = node.value  # type: ignore[attr-defined]
        out = [values[r] for r in plan.roots]
        currency = self.currency
        if currency is not None:
            for j, r in enumerate(plan.roots):
                if kinds[r] == "money" and out[j] is not None:
                    out[j] = Money.from_minor(out[j], currency)
        return out

    def value(self, definition: Definition) -> Any:
        """The value of one definition."""
        return self.run(_Plan.of([definition]))[0]

    def _score(self, d: AttributeScore) -> float | None:
        """One row of the batch engine's score: the same vectorised definition."""
        carried = self.events.attributes
        if carried is None:
            answers = {name: np.full(1, np.nan) for name in d.attributes}
        else:
            absent = [name for name in d.attributes if name not in carried]
            if absent:
                raise missing_attributes(absent, carried)
            who = np.array([self.customer], dtype=object)
            answers = {
                name: answers_of(name, np.array([carried[name]], dtype=object), who)
                for name in d.attributes
            }
        value = float(d.score_columns(answers)[0])
        return None if math.isnan(value) else value

    def _selected(self, d: Aggregate) -> list[int]:
        """The events of the aggregate's kind in its window, shared by every aggregate.

        (All-time aggregates read ``by_kind`` directly: events were cut at as_of already.)
        """
        events = self.by_kind.get(d.event)
        if not events:
            return []
        # By window identity (cheap); the standard signals share their window objects.
        key = (d.event, id(d.within))
        if key not in self.windows:
            dates = self.events.dates
            high = self._back(d.within.end)
            # A start before the first representable date bounds nothing.
            low = None if d.within.start is None else self._back(d.within.start)
            self.windows[key] = (
                []
                if high is None
                else [i for i in events if dates[i] <= high and (low is None or dates[i] > low)]
            )
        return self.windows[key]

    def _back(self, offset: Offset) -> dt.date | None:
        key = (offset.n, offset.unit)
        if key not in self.bounds:
            self.bounds[key] = _back(self.day, offset)
        return self.bounds[key]

    def _present(self, field: str, rows: list[int]) -> list[Any]:
        """The values of ``field`` of the events ``rows`` that have one, in order."""
        ev = self.events
        if field == "amount":
            amounts, known = ev.amounts, ev.known
            return [amounts[i] for i in rows if known[i]]
        if field == "date":
            return [ev.dates[i] for i in rows]
        if field == "quantity":
            return [ev.quantity[i] for i in rows]
        if field == "score":
            return [ev.score[i] for i in rows if not math.isnan(ev.score[i])]
        codes = ev.labels[field]
        return [codes[i] for i in rows if codes[i] >= 0]

    def _money(self, minor: int) -> int | None:
        """``minor`` if int64 holds it (None without a currency); both engines refuse more."""
        if not -_INT64_MAX - 1 <= minor <= _INT64_MAX:
            msg = (
                f"signal {self.name!r} of customer {self.customer!r} is {minor} minor units, beyond "
                f"the int64 limit of {_INT64_MAX} that money columns hold"
            )
            raise ValidationError(msg)
        return None if self.currency is None else minor

    def _aggregate(self, d: Aggregate, rows: list[int]) -> Any:
        if d.op == "count":
            return len(rows)
        assert d.field is not None
        if d.field == "date" and d.op in ("first", "last"):  # every event has a date
            return self.events.dates[rows[0 if d.op == "first" else -1]] if rows else None
        present = self._present(d.field, rows)
        if d.op == "distinct":
            return len(set(present))
        money = d.field == "amount"
        if d.op == "total":
            if rows and not present:
                return None
            if money:
                return self._money(sum(present))
            return sum(present) if d.field == "quantity" else float(sum(present))
        if not present:
            return None
        if d.op == "mean":
            if money:
                mean = Decimal(sum(present)) / len(present)
                minor = int(mean.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
                self._money(sum(present))
                return self._money(minor)
            return float(sum(present)) / len(present)
        if d.op == "minimum":
            picked = min(present)
        elif d.op == "maximum":
            picked = max(present)
        else:
            picked = present[0] if d.op == "first" else present[-1]
        if money:
            return self._money(picked)
        return float(picked) if d.field in ("quantity", "score") else picked

    def _arithmetic(self, op: str, kind: str, left: str, a: Any, b: Any) -> Any:
        if op == "at_or_after":
            return a is not None and (b is None or a >= b)
        if a is None or b is None:
            return None
        if op == "minus_floor0":
            return max(a - b, 0)
        if left == "money":  # minor units
            if op == "/":
                if b == 0:
                    return None
                if kind == "number":  # money / money
                    return float(a) / float(b)
                mean = Decimal(a) / b  # money / count
                return self._money(int(mean.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)))
            return self._money(a + b if op == "+" else a - b)
        if left == "date":
            days: int = (a - b).days
            return days
        if op == "/":
            return None if b == 0 else float(a) / float(b)
        out = a + b if op == "+" else a - b
        return float(out) if kind == "number" else out


_STANDARD_PLAN = _Plan.of(list(STANDARD.values()))


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
    events = _events_of(log, rows, day)
    ident = plain(log.customers[log.customer_code(customer)])
    engine = _Interpreter(events, day, log.currency, ident)
    v: dict[str, Any] = dict(zip(STANDARD, engine.run(_STANDARD_PLAN), strict=True))
    v.update(events.attributes or {})
    return Profile(customer=ident, as_of=day, values=v, currency=log.currency, events=events)


def _present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, float) and math.isnan(value))
