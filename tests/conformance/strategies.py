"""Hypothesis strategies shared by the test suite.

- :func:`event_records` / :func:`event_logs`: random small event logs (a few customers,
  every standard kind plus a user-defined one, amounts, quantities, categories, survey
  scores and a carried ``segment`` attribute) over a short date range, with dates that
  cluster on the same days and on the 90/180/365-day window edges.
- :func:`as_of_dates`: evaluation dates for a log, often exactly on a window edge of one
  of its events.
- :func:`conditions`: random conditions over the standard signals (and the ``segment``
  attribute), with constants of the right kind for each signal, calendar tenure
  (:class:`TenureAtLeast`) among the leaves; :func:`leaves_of` draws one kind
  (``LEAVES`` and ``COMBINATORS`` list every kind the conformance suite covers).

Import them as ``from conformance.strategies import event_logs`` (``tests/conftest.py`` puts this
directory on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import strategies as st

from lifecycle import EventLog, Money, attribute, define_signal, signal
from lifecycle.conditions import (
    All,
    Any_,
    Between,
    Compare,
    CompareSignals,
    Condition,
    Constant,
    IsIn,
    IsMissing,
    Not,
    TenureAtLeast,
    WithSignals,
    all_of,
    always,
    any_of,
    never,
)
from lifecycle.errors import ValidationError
from lifecycle.events import STANDARD_KINDS
from lifecycle.money import Currency
from lifecycle.signals import (
    SIGNALS,
    Definition,
    NamedSignal,
    count,
    distinct,
    first,
    last,
    maximum,
    mean,
    minimum,
    total,
)

__all__ = [
    "CATEGORIES",
    "KINDS",
    "SEGMENTS",
    "SPAN_DAYS",
    "START",
    "USER_KINDS",
    "WINDOW_EDGES",
    "as_of_dates",
    "conditions",
    "event_logs",
    "event_records",
    "log_and_as_of",
]

#: First day of the random logs, and how many days they span.
START = dt.date(2023, 1, 1)
SPAN_DAYS = 540
#: The user-defined kind of the random logs, declared with ``kinds=USER_KINDS``.
USER_KINDS = ("referral",)
#: Every standard kind plus the user-defined one.
KINDS = (*STANDARD_KINDS, *USER_KINDS)
CATEGORIES = ("books", "games", "garden", "music")
SEGMENTS = ("bronze", "gold", "silver")
#: Day offsets on and around the edges of the 90, 180 and 365-day windows.
WINDOW_EDGES = (0, 1, 89, 90, 91, 179, 180, 181, 364, 365, 366)
_CURRENCIES = (None, "EUR", "EUR", "USD", "JPY", "KWD")

_kinds = st.sampled_from(KINDS + ("purchase",) * 5)


def _days(low: int, high: int) -> st.SearchStrategy[dt.date]:
    return st.integers(low, high).map(lambda n: START + dt.timedelta(days=n))


def _amount(minor: int, form: int, currency: Currency) -> Any:
    """An amount in ``currency``, as a str, Decimal, int (when whole) or Money."""
    value = Decimal(minor).scaleb(-currency.minor_units)
    if form == 1:
        return str(value)
    if form == 2:
        return value
    if form == 3 and value == value.to_integral_value():
        return int(value)
    return Money(value, currency)


# One event's random choices, drawn in one go (fewer draws keep generation fast).
_event = st.tuples(
    st.integers(0, 10**6),  # customer (modulo the number of ids)
    _kinds,
    st.integers(0, 10**6),  # day: a pool entry (odd) or any day (even)
    st.integers(0, 2**11 - 1),  # bits: date form, amount form, flags (see event_records)
    st.integers(0, 60_000),  # amount in minor units
    st.one_of(st.none(), st.integers(0, 4)),  # quantity
    st.one_of(st.none(), st.sampled_from(CATEGORIES)),  # category
    st.one_of(st.none(), st.integers(0, 10), st.sampled_from([2.5, 7.5])),  # score
    st.one_of(st.none(), st.sampled_from(SEGMENTS)),  # segment
)


@st.composite
def event_records(
    draw: st.DrawFn,
    *,
    min_customers: int = 1,
    max_customers: int = 5,
    max_events: int = 30,
) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """Records for :meth:`EventLog.from_records`, and the attribute names they carry.

    Load them with ``kinds=USER_KINDS``: they use a kind of their own.
    """
    if draw(st.booleans()):
        ids: list[Any] = draw(
            st.lists(
                st.integers(-(10**6), 10**12),
                min_size=min_customers,
                max_size=max_customers,
                unique=True,
            )
        )
    else:
        ids = draw(
            st.lists(
                st.text("abcxyz0", min_size=1, max_size=4),
                min_size=min_customers,
                max_size=max_customers,
                unique=True,
            )
        )
    code = draw(st.sampled_from(_CURRENCIES))
    currency = None if code is None else Currency(code)
    with_quantity, with_category, with_segment = draw(st.tuples(*[st.booleans()] * 3))
    # A small pool of days makes same-day events and window edges likely.
    anchors = draw(st.lists(st.integers(0, SPAN_DAYS // 2), min_size=1, max_size=3))
    pool = sorted({a + e for a in anchors for e in WINDOW_EDGES} | set(anchors))
    events = draw(st.lists(_event, min_size=len(ids), max_size=max(max_events, len(ids))))
    records: list[dict[str, Any]] = []
    for i, event in enumerate(events):
        who, kind, when, bits, minor, quantity, category, score, segment = event
        date_form = bits % 6  # 0-3 date, 4 ISO string, 5 datetime
        amount_form = (bits >> 3) % 5  # 0 no amount, 1 str, 2 Decimal, 3 int, 4 Money
        with_code = bool(bits >> 6 & 1)  # currency written on the record
        flag = bool(bits >> 7 & 1)  # kind written out for a purchase; segment present
        odd_score = bits >> 8  # 0: a score on an event that is not a survey
        # Every customer gets at least one event.
        customer = ids[i] if i < len(ids) else ids[who % len(ids)]
        offset = pool[when % len(pool)] if when % 2 else when % (SPAN_DAYS + 1)
        day = START + dt.timedelta(days=offset)
        date: Any = day
        if date_form == 4:
            date = day.isoformat()
        elif date_form == 5:
            date = dt.datetime(day.year, day.month, day.day, 23, 59)
        record: dict[str, Any] = {"customer": customer, "date": date}
        if kind != "purchase" or flag:
            record["kind"] = kind
        if currency is not None and kind in ("purchase", "return") and amount_form:
            record["amount"] = _amount(minor, amount_form, currency)
            if with_code:
                record["currency"] = currency.code
        if with_quantity and kind in ("purchase", "return"):
            record["quantity"] = quantity
        if with_category and kind in ("purchase", "return", "visit"):
            record["category"] = category
        if kind == "survey" or odd_score == 0:
            record["score"] = score
        if with_segment and (flag or segment is None):
            record["segment"] = segment
        records.append(record)
    if with_segment and not any("segment" in r for r in records):
        # A carried attribute must appear in some record, if only as missing.
        records[0]["segment"] = None
    if currency is not None and not any("currency" in r for r in records):
        # The log's currency must be stated somewhere: on the first record.
        records[0]["currency"] = currency.code
    return records, ("segment",) if with_segment else ()


@st.composite
def event_logs(
    draw: st.DrawFn,
    *,
    min_customers: int = 1,
    max_customers: int = 5,
    max_events: int = 30,
) -> EventLog:
    """A random :class:`EventLog` built with :meth:`EventLog.from_records`."""
    records, attributes = draw(
        event_records(
            min_customers=min_customers, max_customers=max_customers, max_events=max_events
        )
    )
    log = EventLog.from_records(records, attributes=attributes, kinds=USER_KINDS)
    assert isinstance(log, EventLog)
    return log


@st.composite
def as_of_dates(draw: st.DrawFn, log: EventLog) -> dt.date:
    """An evaluation date: often an event date plus a window edge, else any nearby day."""
    dates = log.date.tolist()
    edge = st.builds(
        lambda d, e: d + dt.timedelta(days=e), st.sampled_from(dates), st.sampled_from(WINDOW_EDGES)
    )
    return draw(st.one_of(edge, edge, _days(-20, SPAN_DAYS + 400)))


@st.composite
def log_and_as_of(draw: st.DrawFn, **kwargs: Any) -> tuple[EventLog, dt.date]:
    """A random log and an evaluation date for it."""
    log = draw(event_logs(**kwargs))
    return log, draw(as_of_dates(log))


# ---------------------------------------------------------------------- conditions

_BY_KIND: dict[str, list[str]] = {}
for _name, _spec in SIGNALS.items():
    _BY_KIND.setdefault(_spec.kind, []).append(_name)


@cache
def _constant(kind: str, name: str, currency: Currency | None) -> st.SearchStrategy[Any]:
    """A threshold that fits a signal of ``kind``."""
    if kind == "date":
        return _days(-30, SPAN_DAYS + 400)
    if kind == "bool":
        return st.booleans()
    # Decimal thresholds must be compared exactly by both engines, even near a float.
    tenths = st.integers(-10, 9000).map(lambda n: Decimal(n).scaleb(-1))
    if kind == "count":
        return st.one_of(st.integers(-1, 12), st.sampled_from([0.5, 1.5, 2.5]), tenths)
    if kind == "days":
        return st.one_of(st.integers(-5, 900), st.sampled_from([89.5, 90.0, 179.5, 364.5]), tenths)
    if kind == "number":
        if name == "last_survey_score":
            return st.one_of(st.integers(0, 10), st.sampled_from([2.5, 7.5, 8.0, Decimal("7.5")]))
        return st.one_of(
            st.integers(0, 400),
            st.floats(0, 400, allow_nan=False, allow_infinity=False),
            st.sampled_from([0.5, 1.0, 1.5, Decimal("0.1"), Decimal("1.5")]),
            tenths,
        )
    assert kind == "money"
    unit = Currency("EUR") if currency is None else currency
    amounts = st.integers(0, 120_000).map(lambda m: Decimal(m).scaleb(-unit.minor_units))
    # A digit past the minor unit (10.005 for EUR) tests exact comparison with int minor units.
    finer = st.integers(0, 1_200_000).map(lambda m: Decimal(m).scaleb(-unit.minor_units - 1))
    forms: list[st.SearchStrategy[Any]] = [
        amounts,
        finer,
        finer.map(str),
        st.integers(0, 1200),
    ]
    if currency is not None:
        forms.append(st.builds(Money, amounts, st.just(currency)))
    return st.one_of(*forms)


def _compare(ref: Any, op: str, value: Any) -> Condition:
    ops: dict[str, Callable[[Any, Any], Condition]] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    return ops[op](ref, value)


_ops = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


def _sort_key(value: Any) -> Any:
    if isinstance(value, Money):
        return value.amount
    return Decimal(value) if isinstance(value, str) else value


# One strategy per kind of leaf: (currency, attributes) -> a condition of that kind.


def _signal_name(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(sorted(SIGNALS)))


@st.composite
def _compare_leaf(draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]) -> Any:
    if attributes and draw(st.integers(0, 9)) == 0:
        ref = attribute(draw(st.sampled_from(list(attributes))))
        segment = st.sampled_from((*SEGMENTS, "platinum"))
        return _compare(ref, draw(st.sampled_from(["==", "!="])), draw(segment))
    name = _signal_name(draw)
    constant = _constant(SIGNALS[name].kind, name, currency)
    return _compare(signal(name), draw(_ops), draw(constant))


@st.composite
def _compare_signals_leaf(
    draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]
) -> Any:
    name = _signal_name(draw)
    other = draw(st.sampled_from(_BY_KIND[SIGNALS[name].kind]))
    return _compare(signal(name), draw(_ops), signal(other))


@st.composite
def _between_leaf(draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]) -> Any:
    name = _signal_name(draw)
    constant = _constant(SIGNALS[name].kind, name, currency)
    low, high = sorted((draw(constant), draw(constant)), key=_sort_key)
    return signal(name).between(low, high)


@st.composite
def _isin_leaf(draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]) -> Any:
    if attributes and draw(st.integers(0, 4)) == 0:
        ref = attribute(draw(st.sampled_from(list(attributes))))
        segment = st.sampled_from((*SEGMENTS, "platinum"))
        return ref.isin(draw(st.lists(segment, min_size=1, max_size=3)))
    name = _signal_name(draw)
    constant = _constant(SIGNALS[name].kind, name, currency)
    return signal(name).isin(draw(st.lists(constant, min_size=1, max_size=3)))


@st.composite
def _is_missing_leaf(draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]) -> Any:
    if attributes and draw(st.integers(0, 4)) == 0:
        return attribute(draw(st.sampled_from(list(attributes)))).is_missing()
    return signal(_signal_name(draw)).is_missing()


@st.composite
def _constant_leaf(draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]) -> Any:
    return draw(st.sampled_from([always(), never()]))


@st.composite
def _tenure_leaf(draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]) -> Any:
    # Periods near the span of the logs, with month ends and leap days in reach.
    return TenureAtLeast(
        years=draw(st.integers(0, 2)),
        months=draw(st.integers(0, 14)),
        days=draw(st.integers(0, 40)),
    )


# ---------------------------------------------------------------------- user-defined signals

_WINDOWS: list[Any] = [None, "30D", "90D", "2W", "1M", "12M", "1Y", ("180D", "90D"), ("3M", "1M")]
_EVENTS = ("purchase", "return", "visit", "complaint", "survey", "cancellation")
_FIELDS_OF = {
    "total": ("amount", "quantity", "score"),
    "minimum": ("amount", "quantity", "score", "date"),
    "maximum": ("amount", "quantity", "score", "date"),
    "first": ("amount", "quantity", "score", "date"),
    "last": ("amount", "quantity", "score", "date"),
    "mean": ("amount", "quantity", "score"),
    "distinct": ("date", "category"),
}
_CONSTRUCTORS = {
    "total": total,
    "minimum": minimum,
    "maximum": maximum,
    "first": first,
    "last": last,
    "mean": mean,
    "distinct": distinct,
}


@st.composite
def aggregates(draw: st.DrawFn) -> Definition:
    event = draw(st.sampled_from(_EVENTS))
    op = draw(st.sampled_from(["count", *_CONSTRUCTORS]))
    within = draw(st.sampled_from(_WINDOWS))
    if op == "count":
        return count(event, within=within)
    field = draw(st.sampled_from(_FIELDS_OF[op]))
    if op == "distinct" and field != "date":
        within = None
    return _CONSTRUCTORS[op](event, field, within=within)


@st.composite
def definitions(draw: st.DrawFn, name: str = "mine") -> NamedSignal:
    """A user-defined signal: an aggregate, or arithmetic over two (when the kinds fit)."""
    left = draw(aggregates())
    if draw(st.booleans()):
        right = draw(aggregates())
        op = draw(st.sampled_from(["+", "-", "/"]))
        combine = {"+": operator.add, "-": operator.sub, "/": operator.truediv}[op]
        # Kinds that do not combine (money + date) raise: then keep the aggregate.
        with contextlib.suppress(ValidationError):
            left = combine(left, right)
    return define_signal(name, left)


@st.composite
def _with_signals_leaf(
    draw: st.DrawFn, currency: Currency | None, attributes: Sequence[str]
) -> Any:
    # A user-defined signal inside a tree: the condition carries its definition.
    named = draw(definitions("defined"))
    if draw(st.integers(0, 3)) == 0:
        return signal(named).is_missing()
    return _compare(signal(named), draw(_ops), draw(_constant(named.kind, named.name, currency)))


#: Every leaf kind of condition and its strategy, with how often trees draw it (of 20).
LEAVES: dict[type[Condition], tuple[Callable[..., st.SearchStrategy[Any]], int]] = {
    Compare: (_compare_leaf, 8),
    IsIn: (_isin_leaf, 2),
    Between: (_between_leaf, 2),
    CompareSignals: (_compare_signals_leaf, 3),
    IsMissing: (_is_missing_leaf, 2),
    TenureAtLeast: (_tenure_leaf, 2),
    Constant: (_constant_leaf, 1),
    WithSignals: (_with_signals_leaf, 2),
}
#: The combinators, built from smaller trees (see :func:`conditions`).
COMBINATORS: tuple[type[Condition], ...] = (All, Any_, Not)


def _leaf(currency: Currency | None, attributes: tuple[str, ...]) -> st.SearchStrategy[Condition]:
    built = [(strategy(currency, attributes), n) for strategy, n in LEAVES.values()]
    total = sum(n for _, n in built)

    @st.composite
    def pick(draw: st.DrawFn) -> Condition:
        # Hypothesis favours small choices: the first kind (a comparison) is the commonest.
        choice = draw(st.integers(0, total - 1))
        for strategy, n in built:
            if choice < n:
                leaf: Condition = draw(strategy)
                return leaf
            choice -= n
        raise AssertionError

    return pick()


def leaves_of(
    kind: type[Condition], currency: Currency | str | None = "EUR", attributes: Sequence[str] = ()
) -> st.SearchStrategy[Condition]:
    """Conditions whose root is ``kind`` (a leaf kind or a combinator)."""
    cur = Currency(currency) if isinstance(currency, str) else currency
    if kind in LEAVES:
        return LEAVES[kind][0](cur, tuple(attributes))
    sub = _conditions(cur, tuple(attributes), 2)
    if kind is Not:
        return sub.map(lambda c: Not(c))
    # Built with the public combinators, which flatten nested parts as reading back does.
    both = st.tuples(sub, sub)
    if kind is All:
        return both.map(lambda p: all_of(*p))
    assert kind is Any_, kind
    return both.map(lambda p: any_of(*p))


def conditions(
    currency: Currency | str | None = "EUR",
    *,
    attributes: Sequence[str] = (),
    depth: int = 3,
) -> st.SearchStrategy[Condition]:
    """Random conditions over the standard signals and the given attributes.

    Money constants written as :class:`Money` are in ``currency`` (omitted when None);
    others are ints, Decimals and decimal strings, some finer than the minor unit.
    Conditions nest ``& | ~ all_of any_of`` up to ``depth`` levels.
    """
    cur = Currency(currency) if isinstance(currency, str) else currency
    return _conditions(cur, tuple(attributes), depth)


@cache
def _conditions(
    cur: Currency | None, attributes: tuple[str, ...], depth: int
) -> st.SearchStrategy[Condition]:
    # Cached: building these strategies afresh for every example is slow.
    leaves = _leaf(cur, attributes)
    trees: st.SearchStrategy[Condition] = leaves
    for _ in range(depth):
        sub = trees
        trees = st.one_of(
            leaves,
            st.tuples(sub, sub).map(lambda p: p[0] & p[1]),
            st.tuples(sub, sub).map(lambda p: p[0] | p[1]),
            sub.map(lambda c: ~c),
            st.lists(sub, min_size=1, max_size=3).map(lambda cs: all_of(*cs)),
            st.lists(sub, min_size=1, max_size=3).map(lambda cs: any_of(*cs)),
        )
    return trees


#: Constructions of each kind that must raise ValidationError (the conformance suite runs them).
BAD_CONDITIONS: dict[type, tuple[Callable[[], object], ...]] = {
    Compare: (
        lambda: Compare("purchase_count", "<>", 1),  # type: ignore[arg-type]
        lambda: signal("purchase_count") > dt.date(2024, 1, 1),
    ),
    CompareSignals: (
        lambda: signal("purchase_count") > signal("first_purchase"),
        lambda: CompareSignals("purchase_count", ">", ""),
    ),
    Between: (lambda: signal("tenure_days").between(30, 10),),
    IsIn: (lambda: signal("purchase_count").isin([]), lambda: IsIn("segment", ())),
    IsMissing: (lambda: IsMissing(""), lambda: attribute("").is_missing()),
    Constant: (lambda: Constant(1),),  # type: ignore[arg-type]
    TenureAtLeast: (lambda: TenureAtLeast(years=-1), lambda: TenureAtLeast(months=1.5)),  # type: ignore[arg-type]
    All: (lambda: All(()), lambda: All(("x",))),  # type: ignore[arg-type]
    Any_: (lambda: Any_(()), lambda: Any_((signal("purchase_count") > 1, True))),  # type: ignore[arg-type]
    Not: (lambda: Not("purchase_count > 1"),),  # type: ignore[arg-type]
    WithSignals: (
        lambda: WithSignals((), signal("purchase_count") > 1),
        lambda: WithSignals(("tickets",), signal("purchase_count") > 1),  # type: ignore[arg-type]
    ),
}
