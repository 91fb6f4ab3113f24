"""Signal definitions: what a signal computes, stated once for both engines (private).

A definition is plain data. An :class:`Aggregate` reduces one field of one event kind over a
window that ends relative to ``as_of``; an :class:`Arithmetic` combines two definitions;
:class:`NamedSignal` gives one a name, a unit and a description. The single engine
(``_single.py``) and the batch engine (``_batch.py``) each interpret these classes, and
nothing else: a standard signal and a user's signal go through the same code.

Windows
-------
``within="90D"`` covers ``(as_of - 90 days, as_of]``; units are ``D`` (days), ``W`` (weeks),
``M`` (calendar months, a month before 31 March is 28 or 29 February) and ``Y`` (calendar
years). ``within=("180D", "90D")`` covers ``(as_of - 180 days, as_of - 90 days]``;
``within=None`` all time up to ``as_of``.

Missing values
--------------
``count`` and ``distinct`` are never missing (0). ``total`` of an empty window is 0; of a
window whose events all lack the field (a purchase without an amount), missing. ``minimum``,
``maximum``, ``first``, ``last`` and ``mean`` read only events that have the field, and are
missing without one. Arithmetic is missing when an operand is, and a division by 0 is
missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from .._registry import Registry
from .._values import plain
from ..errors import SchemaError, ValidationError
from ..serialization import check_keys, check_schema

__all__ = [
    "DEFINITIONS",
    "FIELDS",
    "Aggregate",
    "Arithmetic",
    "AsOf",
    "AttributeScore",
    "Constant",
    "Definition",
    "EventRows",
    "EventScore",
    "NamedSignal",
    "Offset",
    "SignalKind",
    "Window",
    "answers_of",
    "count",
    "definition_from_dict",
    "distinct",
    "first",
    "last",
    "maximum",
    "mean",
    "minimum",
    "missing_attributes",
    "total",
]

SignalKind = Literal["date", "count", "days", "number", "money", "bool", "attribute"]
AggregateOp = Literal["count", "total", "minimum", "maximum", "first", "last", "mean", "distinct"]
_SCHEMA = "lifecycle.signal/1"

#: The event fields an aggregate may read, and the kind of signal each gives.
FIELDS: dict[str, str] = {
    "amount": "money",
    "quantity": "count",
    "score": "number",
    "date": "date",
    "category": "label",
    "product": "label",
    "channel": "label",
}
# Which fields each aggregate reads (distinct over labels has no window start: see Window).
_READS: dict[str, frozenset[str]] = {
    "count": frozenset(),
    "total": frozenset({"amount", "quantity", "score"}),
    "minimum": frozenset({"amount", "quantity", "score", "date"}),
    "maximum": frozenset({"amount", "quantity", "score", "date"}),
    "first": frozenset({"amount", "quantity", "score", "date"}),
    "last": frozenset({"amount", "quantity", "score", "date"}),
    "mean": frozenset({"amount", "quantity", "score"}),
    "distinct": frozenset({"date", "category", "product", "channel"}),
}
_UNITS = {"D": "days", "W": "weeks", "M": "months", "Y": "years"}
_OFFSET = re.compile(r"^\s*(\d+)\s*([DWMY])\s*$")


@attrs.frozen(cache_hash=True)
class Offset:
    """A span back from ``as_of``: ``Offset(90, "D")``, ``Offset(12, "M")``.

    Examples
    --------
    >>> Offset.parse("12M"), str(Offset(90, "D"))
    (Offset(n=12, unit='M'), '90D')
    """

    n: int = attrs.field(validator=[attrs.validators.instance_of(int), attrs.validators.ge(0)])
    unit: str = attrs.field(validator=attrs.validators.in_(tuple(_UNITS)))

    @classmethod
    def parse(cls, text: object) -> Offset:
        """Read ``"30D"``, ``"4W"``, ``"12M"`` or ``"1Y"``."""
        found = _OFFSET.match(text) if isinstance(text, str) else None
        if found is None:
            msg = (
                f"a window must be a number of days, weeks, months or years such as '30D', "
                f"'4W', '12M' or '1Y' (got {text!r})"
            )
            raise ValidationError(msg)
        return cls(int(found.group(1)), found.group(2))

    def __str__(self) -> str:
        return f"{self.n}{self.unit}"

    @property
    def days(self) -> int | None:
        """The span in days, or None for calendar months and years."""
        return self.n * (7 if self.unit == "W" else 1) if self.unit in "DW" else None


@attrs.frozen(cache_hash=True)
class Window:
    """Events dated in ``(as_of - start, as_of - end]``; ``start`` None means all time.

    Examples
    --------
    >>> Window.parse("90D")
    Window(start=Offset(n=90, unit='D'), end=Offset(n=0, unit='D'))
    >>> str(Window.parse(("180D", "90D")))
    '(as_of - 180D, as_of - 90D]'
    """

    start: Offset | None
    end: Offset = Offset(0, "D")

    @classmethod
    def parse(cls, within: object) -> Window:
        """Read ``None`` (all time), ``"30D"`` or a pair ``("180D", "90D")``."""
        if within is None:
            return cls(None)
        if isinstance(within, Window):
            return within
        if isinstance(within, (tuple, list)) and len(within) == 2:
            start, end = Offset.parse(within[0]), Offset.parse(within[1])
            calendar = start.unit in "MY"
            if calendar != (end.unit in "MY") or _span(start) <= _span(end):
                msg = (
                    f"window ({within[0]!r}, {within[1]!r}) must start further back than it "
                    "ends, in units of one family (days and weeks, or months and years)"
                )
                raise ValidationError(msg)
            return cls(start, end)
        return cls(Offset.parse(within))

    def __str__(self) -> str:
        low = "-inf" if self.start is None else f"as_of - {self.start}"
        high = "as_of" if self.end.n == 0 else f"as_of - {self.end}"
        return f"({low}, {high}]"

    def encode(self) -> object:
        """Plain data: None, ``"90D"`` or ``["180D", "90D"]``."""
        if self.start is None:
            return None
        if self.end.n == 0:
            return str(self.start)
        return [str(self.start), str(self.end)]


def _span(offset: Offset) -> int:
    """Days (days and weeks) or months (months and years): comparable within a family."""
    return offset.n * {"D": 1, "W": 7, "M": 1, "Y": 12}[offset.unit]


class Definition:
    """What a signal computes (abstract): combine definitions with ``+``, ``-`` and ``/``.

    Examples
    --------
    >>> net = total("purchase", within="365D") - total("return", within="365D")
    >>> net.kind
    'money'
    """

    __slots__ = ()

    @property
    def kind(self) -> SignalKind:
        """The kind of value: ``count``, ``money``, ``date``, ``days``, ``number``, ``bool``."""
        raise NotImplementedError

    def parts(self) -> tuple[Definition, ...]:
        """The definitions this one is computed from (none for an aggregate).

        Examples
        --------
        >>> count("purchase").parts()
        ()
        """
        return ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :func:`definition_from_dict` reads it back.

        Examples
        --------
        >>> data = (count("purchase") - count("return")).to_dict()
        >>> data["schema"], data["op"]
        ('lifecycle.signal/1', '-')
        >>> definition_from_dict(data) == count("purchase") - count("return")
        True
        """
        return {"schema": _SCHEMA, **self._payload()}

    def _payload(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Definition:
        """Rebuild a definition of this class from :meth:`to_dict` output.

        Examples
        --------
        >>> Aggregate.from_dict(count("visit").to_dict()) == count("visit")
        True
        """
        definition = definition_from_dict(data)
        if not isinstance(definition, cls):
            msg = f"expected a {cls.__name__} definition (got {type(definition).__name__})"
            raise SchemaError(msg)
        return definition

    def __add__(self, other: object) -> Definition:
        return _arith("+", self, other)

    def __sub__(self, other: object) -> Definition:
        return _arith("-", self, other)

    def __truediv__(self, other: object) -> Definition:
        return _arith("/", self, other)


def _arith(op: str, left: Definition, right: object) -> Definition:
    if not isinstance(right, Definition):
        return NotImplemented  # type: ignore[no-any-return]
    return Arithmetic(op, left, right)


def _check_window(instance: Aggregate, attribute: object, value: Window) -> None:
    if not isinstance(value, Window):
        msg = f"'within' must be a Window (got {value!r})"
        raise ValidationError(msg)


@attrs.frozen(cache_hash=True)
class Aggregate(Definition):
    """``op`` of field ``field`` of the events of kind ``event`` in window ``within``.

    Build one with :func:`count`, :func:`total`, :func:`minimum`, :func:`maximum`,
    :func:`first`, :func:`last`, :func:`mean` or :func:`distinct`.

    Examples
    --------
    >>> tickets = count("complaint", within="30D")
    >>> tickets.op, tickets.event, str(tickets.within)
    ('count', 'complaint', '(as_of - 30D, as_of]')
    """

    op: AggregateOp = attrs.field(validator=attrs.validators.in_(tuple(_READS)))
    event: str = attrs.field(validator=attrs.validators.instance_of(str))
    field: str | None
    within: Window = attrs.field(default=Window(None), validator=_check_window)

    def __attrs_post_init__(self) -> None:
        if not self.event:
            msg = "the event kind of a signal must be a non-empty str"
            raise ValidationError(msg)
        allowed = _READS[self.op]
        if self.op == "count":
            if self.field is not None:
                msg = f"count() reads no field (got {self.field!r})"
                raise ValidationError(msg)
        elif self.field not in allowed:
            msg = f"{self.op}() reads one of {sorted(allowed)} (got {self.field!r})"
            raise ValidationError(msg)
        if self.op == "distinct" and self.field != "date" and self.within.start is not None:
            msg = (
                f"distinct({self.event!r}, {self.field!r}) counts over all time: a window "
                "with a start is supported for field 'date' only"
            )
            raise ValidationError(msg)

    @property
    def kind(self) -> SignalKind:
        if self.op in ("count", "distinct"):
            return "count"
        field_kind = FIELDS[self.field or ""]
        if field_kind == "count" and self.op != "total":
            return "number"  # a quantity's minimum or mean can be missing: a number
        return field_kind  # type: ignore[return-value]

    def _payload(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "event": self.event,
            "field": self.field,
            "within": self.within.encode(),
        }


# Internal operators of standard signals: a count that stops at 0, and "the latest X is on or
# after the latest Y (or there is no Y)".
_ARITH_OPS = ("+", "-", "/", "minus_floor0", "at_or_after")


@attrs.frozen(cache_hash=True)
class Arithmetic(Definition):
    """``left <op> right`` for ``op`` in ``+``, ``-``, ``/``.

    Examples
    --------
    >>> (count("purchase") - count("return")).kind, (total("purchase") / count("purchase")).kind
    ('count', 'money')
    """

    op: str = attrs.field(validator=attrs.validators.in_(_ARITH_OPS))
    left: Definition = attrs.field(validator=attrs.validators.instance_of(Definition))
    right: Definition = attrs.field(validator=attrs.validators.instance_of(Definition))

    def __attrs_post_init__(self) -> None:
        _result_kind(self.op, self.left.kind, self.right.kind)  # refuse money + date now

    @property
    def kind(self) -> SignalKind:
        return _result_kind(self.op, self.left.kind, self.right.kind)

    def parts(self) -> tuple[Definition, ...]:
        """The two operands, ``(left, right)``.

        Examples
        --------
        >>> (count("purchase") - count("return")).parts() == (count("purchase"), count("return"))
        True
        """
        return (self.left, self.right)

    def _payload(self) -> dict[str, Any]:
        return {"op": self.op, "left": _encode(self.left), "right": _encode(self.right)}


_NUMERIC = ("count", "days", "number")


def _result_kind(op: str, a: str, b: str) -> SignalKind:
    if op == "at_or_after" and a == b == "date":
        return "bool"
    if op == "minus_floor0" and a == b == "count":
        return "count"
    if op in ("+", "-"):
        if a == b and a in ("money", "count", "days", "number"):
            return a  # type: ignore[return-value]
        if op == "-" and a == b == "date":
            return "days"
        if a in _NUMERIC and b in _NUMERIC:
            return "number"
    if op == "/":
        if a == "money" and b == "count":
            return "money"
        if (a == b == "money") or (a in _NUMERIC and b in _NUMERIC):
            return "number"
    msg = (
        f"cannot compute {a} {op} {b}: allowed are money, counts, days and numbers with their "
        "own kind, date - date (days), money / count (money) and divisions of numbers"
    )
    raise ValidationError(msg)


@attrs.frozen(cache_hash=True)
class AsOf(Definition):
    """The evaluation date itself (a date): ``AsOf() - last("visit")`` is days since a visit.

    Examples
    --------
    >>> (AsOf() - last("visit")).kind
    'days'
    """

    @property
    def kind(self) -> SignalKind:
        return "date"

    def _payload(self) -> dict[str, Any]:
        return {"op": "as_of"}


@attrs.frozen(cache_hash=True)
class Constant(Definition):
    """A whole number (a count): ``count("purchase") - Constant(1)``.

    Examples
    --------
    >>> (distinct("purchase", "date") - Constant(1)).kind
    'count'
    """

    value: int = attrs.field(validator=attrs.validators.instance_of(int))

    @property
    def kind(self) -> SignalKind:
        return "count"

    def _payload(self) -> dict[str, Any]:
        return {"op": "constant", "value": self.value}


@attrs.frozen(cache_hash=True)
class NamedSignal(Definition):
    """A definition with a name, a unit and a description: what :func:`define_signal` returns.

    Conditions take one where they take a signal name (``signal(tickets) >= 1``); profiles
    and populations compute it on demand.

    Examples
    --------
    >>> from lifecycle import define_signal
    >>> tickets = define_signal("tickets_30d", count("complaint", within="30D"))
    >>> tickets.name, tickets.kind, tickets.unit
    ('tickets_30d', 'count', 'complaint events')
    """

    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    definition: Definition = attrs.field(validator=attrs.validators.instance_of(Definition))
    unit: str = ""
    description: str = ""

    @property
    def kind(self) -> SignalKind:
        return self.definition.kind

    def parts(self) -> tuple[Definition, ...]:
        """The named definition, alone.

        Examples
        --------
        >>> from lifecycle import define_signal
        >>> tickets = define_signal("tickets_30d", count("complaint", within="30D"))
        >>> tickets.parts() == (count("complaint", within="30D"),)
        True
        """
        return (self.definition,)

    def _payload(self) -> dict[str, Any]:
        return {
            "op": "named",
            "name": self.name,
            "definition": _encode(self.definition),
            "unit": self.unit,
            "description": self.description,
        }


#: Kinds of definition that higher layers add (a satisfaction model's score), by ``op``:
#: each registers itself when its module is imported, and :func:`definition_from_dict`
#: reads it back through here.
DEFINITIONS: Registry[AttributeScore | EventScore] = Registry("signal definition", key="op")


class AttributeScore(Definition):
    """A number scored from the latest known values of user attributes (abstract).

    Both engines carry each attribute in :attr:`attributes` as a profile carries it (its
    latest known value on or before ``as_of``), as float64 columns (NaN where unknown),
    and call the same vectorised :meth:`score_columns`: the single engine with one row,
    the batch engine with every row. A subclass registers its ``op`` in
    :data:`DEFINITIONS` and reads its payload back in :meth:`from_payload`.

    Examples
    --------
    >>> from lifecycle.satisfaction import Dimension, SatisfactionModel
    >>> score = SatisfactionModel([Dimension("speed")]).signal().definition
    >>> isinstance(score, AttributeScore), score.attributes, score.kind
    (True, ('speed',), 'number')
    """

    __slots__ = ()
    #: The payload keys besides ``op`` (for reading back).
    payload_keys: ClassVar[frozenset[str]] = frozenset()

    @property
    def kind(self) -> SignalKind:
        return "number"

    @property
    def attributes(self) -> tuple[str, ...]:
        """The attributes the score reads."""
        raise NotImplementedError

    def score_columns(
        self, answers: Mapping[str, NDArray[np.float64]], customers: NDArray[Any] | None = None
    ) -> NDArray[np.float64]:
        """The scores of rows of answers (float64, NaN where missing).

        ``answers`` maps each of :attr:`attributes` to a float64 column, NaN where unknown;
        ``customers``, when given, holds each row's customer, for error messages to name.

        Examples
        --------
        >>> from lifecycle.satisfaction import Dimension, SatisfactionModel
        >>> score = SatisfactionModel([Dimension("speed")]).signal().definition
        >>> score.score_columns({"speed": np.array([4.0, np.nan])}).tolist()
        [75.0, nan]
        """
        raise NotImplementedError

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> AttributeScore:
        """Rebuild one from its payload (the mapping :meth:`to_dict` holds, with ``op``).

        Examples
        --------
        >>> from lifecycle.satisfaction import Dimension, SatisfactionModel
        >>> score = SatisfactionModel([Dimension("speed")]).signal().definition
        >>> DEFINITIONS["satisfaction"].from_payload(score.to_dict()) == score
        True
        """
        raise NotImplementedError


@attrs.frozen
class EventRows:
    """The events of one kind that each subject (a customer at an as-of date) has had.

    Rows are sorted by subject, then date; only events on or before the subject's as-of
    date are here. Both engines build one: the batch engine for every subject at once, the
    single engine for its one customer (``subject`` all 0).

    Attributes
    ----------
    subject : ndarray of intp
        Each event's subject, 0 to ``len(as_of) - 1``.
    day : ndarray of int64
        Each event's date as days since 1970-01-01.
    amount : ndarray of int64
        Each event's amount in minor units (0 where unknown).
    known : ndarray of bool
        Whether each event's amount is known.
    as_of : ndarray of int64
        Each subject's as-of date, as days since 1970-01-01.
    customers : ndarray
        Each subject's customer, for error messages.
    factor : int
        Minor units per major unit of the log's currency (1 without one).

    Examples
    --------
    >>> rows = EventRows(np.array([0, 0]), np.array([19723, 19730]), np.array([500, 700]),
    ...                  np.array([True, True]), np.array([19740, 19740]),
    ...                  np.array(["ann", "bob"]), 100)
    >>> np.bincount(rows.subject, minlength=len(rows.as_of)).tolist()
    [2, 0]
    """

    subject: NDArray[np.intp]
    day: NDArray[np.int64]
    amount: NDArray[np.int64]
    known: NDArray[np.bool_]
    as_of: NDArray[np.int64]
    customers: NDArray[Any]
    factor: int


class EventScore(Definition):
    """A number computed from each subject's events of one kind up to ``as_of`` (abstract).

    Both engines gather the events of kind :attr:`event` on or before each as-of date as
    :class:`EventRows` and call the same vectorised :meth:`score_events`: the single engine
    with one subject, the batch engine with every subject. A subclass registers its ``op``
    in :data:`DEFINITIONS` and reads its payload back in :meth:`from_payload`.

    Examples
    --------
    >>> issubclass(EventScore, Definition), EventScore.payload_keys
    (True, frozenset())
    """

    __slots__ = ()
    #: The payload keys besides ``op`` (for reading back).
    payload_keys: ClassVar[frozenset[str]] = frozenset()

    @property
    def kind(self) -> SignalKind:
        return "number"

    @property
    def event(self) -> str:
        """The kind of event the score reads."""
        raise NotImplementedError

    def score_events(self, rows: EventRows) -> NDArray[np.float64]:
        """One score per subject of ``rows`` (float64, NaN where missing).

        Examples
        --------
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> bg = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
        >>> rows = EventRows(np.array([0]), np.array([0]), np.array([0]), np.array([True]),
        ...                  np.array([30, 30]), np.array(["ann", "bob"]), 1)
        >>> bg.signal().definition.score_events(rows).tolist()
        [1.0, nan]
        """
        raise NotImplementedError

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> EventScore:
        """Rebuild one from its payload (the mapping :meth:`to_dict` holds, with ``op``).

        Examples
        --------
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> bg = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
        >>> p_alive = bg.signal().definition
        >>> DEFINITIONS["model_prediction"].from_payload(p_alive.to_dict()) == p_alive
        True
        """
        raise NotImplementedError


def missing_attributes(absent: list[str], present: Iterable[str]) -> ValidationError:
    """The error for a subject that carries no attributes of these names for a score."""
    have = ", ".join(map(repr, sorted(present))) or "none"
    return ValidationError(
        f"the score reads one attribute per dimension, and the log does not carry "
        f"{', '.join(map(repr, absent))} (its attributes: {have}); load the answers with "
        "attributes=[...], or join them (a profile: with_attributes)"
    )


def answers_of(name: str, values: NDArray[Any], customers: NDArray[Any]) -> NDArray[np.float64]:
    """Carried attribute values as float64 answers (NaN where unknown); others raise."""
    kind = values.dtype.kind
    if kind in "fiu":
        return values.astype(np.float64)
    bad = 0
    if kind == "O":
        # 0: unanswered, 1: a number, 2: anything else.
        codes = np.fromiter(map(_answer_code, values), dtype=np.int8, count=len(values))
        if (codes < 2).all():
            answers = np.full(len(values), np.nan)
            numbers = codes == 1
            answers[numbers] = values[numbers].astype(np.float64)
            return answers
        bad = int(np.flatnonzero(codes == 2)[0])
    msg = (
        f"attribute {name!r} must hold numbers (answers) or be missing: customer "
        f"{plain(customers[bad])!r} has {plain(values[bad])!r}"
    )
    raise ValidationError(msg)


def _answer_code(value: object) -> int:
    if value is None:
        return 0
    return 1 if isinstance(value, (int, float)) and not isinstance(value, bool) else 2


def _encode(definition: Definition) -> dict[str, Any]:
    return definition._payload()


# ---------------------------------------------------------------------- constructors


def _aggregate(op: AggregateOp, event: str, field: str | None, within: object) -> Aggregate:
    if not isinstance(event, str):
        msg = f"the event kind must be a str such as 'purchase' (got {event!r})"
        raise ValidationError(msg)
    return Aggregate(op, event, field, Window.parse(within))


def count(kind: str, within: object = None) -> Aggregate:
    """How many events of ``kind`` fall in the window.

    Examples
    --------
    >>> count("complaint", within="30D").kind
    'count'
    """
    return _aggregate("count", kind, None, within)


def total(kind: str, field: str = "amount", within: object = None) -> Aggregate:
    """The sum of ``field`` (``amount``, ``quantity`` or ``score``) over the window.

    Examples
    --------
    >>> total("purchase", within="12M").within
    Window(start=Offset(n=12, unit='M'), end=Offset(n=0, unit='D'))
    """
    return _aggregate("total", kind, field, within)


def minimum(kind: str, field: str = "amount", within: object = None) -> Aggregate:
    """The smallest known ``field`` over the window (missing without one).

    Examples
    --------
    >>> minimum("purchase").kind
    'money'
    """
    return _aggregate("minimum", kind, field, within)


def maximum(kind: str, field: str = "amount", within: object = None) -> Aggregate:
    """The largest known ``field`` over the window (missing without one).

    Examples
    --------
    >>> maximum("survey", "score").kind
    'number'
    """
    return _aggregate("maximum", kind, field, within)


def first(kind: str, field: str = "date", within: object = None) -> Aggregate:
    """``field`` of the earliest event of ``kind`` that has it (by default its date).

    Examples
    --------
    >>> first("purchase").kind
    'date'
    """
    return _aggregate("first", kind, field, within)


def last(kind: str, field: str = "date", within: object = None) -> Aggregate:
    """``field`` of the latest event of ``kind`` that has it (by default its date).

    Examples
    --------
    >>> last("survey", "score").kind
    'number'
    """
    return _aggregate("last", kind, field, within)


def mean(kind: str, field: str = "amount", within: object = None) -> Aggregate:
    """The mean of the known ``field`` values (money rounds half-even to the minor unit).

    Examples
    --------
    >>> mean("purchase").kind, mean("survey", "score").kind
    ('money', 'number')
    """
    return _aggregate("mean", kind, field, within)


def distinct(kind: str, field: str, within: object = None) -> Aggregate:
    """How many distinct known values of ``field`` (a label, or ``date`` for days).

    Examples
    --------
    >>> distinct("purchase", "category").kind
    'count'
    """
    return _aggregate("distinct", kind, field, within)


# ---------------------------------------------------------------------- reading back


def definition_from_dict(data: Mapping[str, Any]) -> Definition:
    """Rebuild a definition from :meth:`Definition.to_dict` output.

    Examples
    --------
    >>> d = total("purchase", within="365D") - total("return", within="365D")
    >>> definition_from_dict(d.to_dict()) == d
    True
    """
    keys = {"op", "event", "field", "within", "left", "right", "value", "name", "definition"}
    op = data.get("op") if isinstance(data, Mapping) else None
    if isinstance(op, str) and op in DEFINITIONS:
        DEFINITIONS.lookup(op)  # a kind a higher layer provides: import it to know its keys
    added = {key for cls in DEFINITIONS.values() for key in cls.payload_keys}
    check_schema(data, _SCHEMA, keys | added | {"unit", "description"})
    return _decode({k: v for k, v in data.items() if k != "schema"})


def _decode(data: Any) -> Definition:
    if not isinstance(data, Mapping) or "op" not in data:
        msg = f"signal definition: expected a mapping with an 'op' (got {data!r})"
        raise SchemaError(msg)
    op = data["op"]
    if op in _READS:
        check_keys(data, f"signal {op!r}", required={"op", "event", "field", "within"})
        within = data["within"]
        return Aggregate(
            op,
            data["event"],
            data["field"],
            Window.parse(tuple(within) if isinstance(within, list) else within),
        )
    if op in _ARITH_OPS:
        check_keys(data, f"signal {op!r}", required={"op", "left", "right"})
        return Arithmetic(op, _decode(data["left"]), _decode(data["right"]))
    if op == "constant":
        check_keys(data, "signal 'constant'", required={"op", "value"})
        if isinstance(data["value"], bool) or not isinstance(data["value"], int):
            msg = f"signal 'constant': 'value' must be an int (got {data['value']!r})"
            raise SchemaError(msg)
        return Constant(data["value"])
    if op == "as_of":
        check_keys(data, "signal 'as_of'", required={"op"})
        return AsOf()
    if op == "named":
        check_keys(
            data,
            "signal 'named'",
            required={"op", "name", "definition"},
            optional={"unit", "description"},
        )
        return NamedSignal(
            data["name"],
            _decode(data["definition"]),
            unit=data.get("unit", ""),
            description=data.get("description", ""),
        )
    if op in DEFINITIONS:
        check_keys(data, f"signal {op!r}", required={"op", *DEFINITIONS[op].payload_keys})
        return DEFINITIONS[op].from_payload(data)
    allowed = sorted({*_READS, *_ARITH_OPS, "as_of", "constant", "named", *DEFINITIONS})
    msg = f"signal definition: unknown op {op!r} (allowed: {', '.join(allowed)})"
    raise SchemaError(msg)
