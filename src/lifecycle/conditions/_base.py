"""The Condition base class, explanations, constants and the combinators (private)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal, TypeAlias, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from .._registry import Registry
from .._validation import is_bool
from .._values import format_value
from ..errors import SchemaError, ValidationError
from ..serialization import check_keys, check_schema
from ..signals import Population, Profile

Subject: TypeAlias = Profile | Population
Op = Literal["<", "<=", ">", ">=", "==", "!="]
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_SCHEMA = "lifecycle.condition/1"
Read: TypeAlias = Callable[[object], "Condition"]

#: Every kind of condition, by the ``op`` of its serialized form.
CONDITIONS: Registry[Condition] = Registry("condition", key="op")


@attrs.frozen
class Explanation:
    """Why a condition held or not for one customer: a tree of parts with actual values.

    ``op`` is the ``op`` of the condition that gave it for the combinators and constants
    (``"and"``, ``"or"``, ``"not"``, ``"constant"``), so code that reads an explanation
    never depends on its wording; it is empty for a leaf.

    Examples
    --------
    >>> e = Explanation(text="purchase_count >= 2", holds=False, actual=1)
    >>> str(e)
    'false: purchase_count >= 2 (actual 1)'
    """

    text: str
    holds: bool
    actual: Any = None
    parts: tuple[Explanation, ...] = ()
    show_actual: bool = True
    op: str = ""

    def _leaf_text(self) -> str:
        if not self.show_actual or self.parts:
            return self.text
        return f"{self.text} (actual {'missing' if self.actual is None else format_value(self.actual)})"

    def lines(self, indent: int = 0) -> list[str]:
        """The explanation as indented lines, one per part.

        Examples
        --------
        >>> part = Explanation("visit_count > 2", False, 1)
        >>> Explanation("not", True, parts=(part,), show_actual=False, op="not").lines()
        ['true: not', '  false: visit_count > 2 (actual 1)']
        """
        head = f"{'  ' * indent}{str(self.holds).lower()}: {self._leaf_text()}"
        return [head] + [line for part in self.parts for line in part.lines(indent + 1)]

    def summary(self) -> str:
        """The parts that decided the answer, as one phrase.

        Of a combination, only the parts that agree with its answer are named: the parts
        that held joined by ``and`` (all of) or ``or`` (any of), or the parts that failed
        joined by ``;``.

        Examples
        --------
        >>> from lifecycle import EventLog, signal
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        >>> cond = (signal("purchase_count") >= 1) & ~(signal("visit_count") > 2)
        >>> cond.explain(log.profile(1, "2024-02-01")).summary()
        'purchase_count >= 1 (actual 1) and not (visit_count > 2 (actual 0))'
        """
        if not self.parts:
            return self._leaf_text()
        if self.op == "not":
            return f"not ({self.parts[0].summary()})"
        deciding = [p for p in self.parts if p.holds == self.holds] or list(self.parts)
        joiner = " and " if self.op == "and" and self.holds else " or " if self.holds else "; "
        return joiner.join(p.summary() for p in deciding)

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Condition:
    """A predicate over a customer's signals (abstract base).

    Build conditions with :func:`signal` and the operators; evaluate with
    :meth:`evaluate`; ask why with :meth:`explain`.

    Examples
    --------
    >>> from lifecycle import signal
    >>> isinstance(signal("purchase_count") >= 2, Condition)
    True
    >>> print((signal("purchase_count") >= 2) & ~signal("last_survey_score").is_missing())
    purchase_count >= 2 and not (last_survey_score is missing)
    """

    __slots__ = ()
    op: ClassVar[str] = ""
    #: The keys of the serialized form besides ``op``.
    _keys: ClassVar[frozenset[str]] = frozenset()

    @overload
    def evaluate(self, subject: Profile) -> bool: ...

    @overload
    def evaluate(self, subject: Population) -> NDArray[np.bool_]: ...

    def evaluate(self, subject: Subject) -> bool | NDArray[np.bool_]:
        """Whether the condition holds: a bool for a profile, an array for a population.

        Examples
        --------
        >>> from lifecycle import EventLog, signal
        >>> log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in "ab"])
        >>> regular = signal("purchase_count") >= 1
        >>> regular.evaluate(log.profile("a", "2024-02-01"))
        True
        >>> regular.evaluate(log.population("2024-02-01")).tolist()
        [True, True]
        """
        if isinstance(subject, Population):
            return self._batch(subject)
        if isinstance(subject, Profile):
            return self._single(subject)
        msg = f"can only evaluate a Profile or a Population (got {type(subject).__name__})"
        raise ValidationError(msg)

    def explain(self, profile: Profile) -> Explanation:
        """Which parts held for one customer, with the actual values.

        Examples
        --------
        >>> from lifecycle import EventLog, signal
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        >>> cond = (signal("purchase_count") >= 2) | signal("last_survey_score").is_missing()
        >>> print(cond.explain(log.profile(1, "2024-02-01")))
        true: any of
          false: purchase_count >= 2 (actual 1)
          true: last_survey_score is missing (actual missing)
        """
        raise NotImplementedError

    def signals(self) -> frozenset[str]:
        """Names of the signals the condition reads.

        Examples
        --------
        >>> from lifecycle import attribute, signal
        >>> sorted(((signal("tenure_days") > 30) & (attribute("segment") == "gold")).signals())
        ['segment', 'tenure_days']
        """
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> from lifecycle import signal
        >>> (signal("purchase_count") >= 2).to_dict()
        {'schema': 'lifecycle.condition/1', 'op': '>=', 'signal': 'purchase_count', 'value': 2}
        """
        return {"schema": _SCHEMA, **self._payload()}

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Condition:
        """Rebuild any condition from :meth:`to_dict` output (see ``condition_from_dict``).

        Examples
        --------
        >>> from lifecycle import Condition, signal
        >>> cond = signal("purchase_count").between(2, 5) & ~signal("cancelled").isin([True])
        >>> Condition.from_dict(cond.to_dict()) == cond
        True
        """
        return condition_from_dict(data)

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        """Build the condition from its checked payload; ``read`` reads a nested one."""
        raise NotImplementedError

    def _payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def _single(self, profile: Profile) -> bool:
        raise NotImplementedError

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        raise NotImplementedError

    def __and__(self, other: Condition) -> Condition:
        return all_of(self, _check_condition(other))

    def __or__(self, other: Condition) -> Condition:
        return any_of(self, _check_condition(other))

    def __invert__(self) -> Condition:
        return Not(self)

    def __bool__(self) -> bool:
        msg = (
            "a Condition has no truth value: combine with & | ~ (not and/or/not), "
            "and call .evaluate(subject) for the answer"
        )
        raise TypeError(msg)


def _check_condition(value: object) -> Condition:
    if not isinstance(value, Condition):
        msg = f"conditions combine only with conditions (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)
    return value


def _check_bool(instance: object, field: attrs.Attribute[bool], value: bool) -> None:
    is_bool(instance, field, value)


def _check_parts(parts: object) -> None:
    if not isinstance(parts, tuple) or not parts:
        msg = f"'parts' must be a non-empty tuple of conditions (got {parts!r})"
        raise ValidationError(msg)
    for part in parts:
        _check_condition(part)


@CONDITIONS.register("constant")
@attrs.frozen
class Constant(Condition):
    """Always true (:func:`always`) or always false (:func:`never`).

    Examples
    --------
    >>> Constant(False) == never()
    True
    """

    value: bool = attrs.field(validator=_check_bool)
    op: ClassVar[str] = "constant"
    _keys: ClassVar[frozenset[str]] = frozenset({"value"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return always() if data.get("value") is True else never()

    def _single(self, profile: Profile) -> bool:
        return self.value

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        return np.full(len(population), self.value, dtype=bool)

    def __str__(self) -> str:
        return "always" if self.value else "never"

    def explain(self, profile: Profile) -> Explanation:
        return Explanation(str(self), self.value, show_actual=False, op=self.op)

    def signals(self) -> frozenset[str]:
        return frozenset()

    def _payload(self) -> dict[str, Any]:
        return {"op": "constant", "value": self.value}


def always() -> Condition:
    """A condition that always holds (the default of rules without a ``when``).

    Examples
    --------
    >>> always().to_dict()
    {'schema': 'lifecycle.condition/1', 'op': 'constant', 'value': True}
    """
    return Constant(True)


def never() -> Condition:
    """A condition that never holds.

    Examples
    --------
    >>> never().to_dict()
    {'schema': 'lifecycle.condition/1', 'op': 'constant', 'value': False}
    """
    return Constant(False)


# ---------------------------------------------------------------------- combinators


@CONDITIONS.register("and")
@attrs.frozen
class All(Condition):
    """Every part holds (``&``).

    Examples
    --------
    >>> from lifecycle import signal
    >>> (signal("purchase_count") > 1) & (signal("visit_count") > 1)
    All(parts=(Compare(signal='purchase_count', op='>', value=1), Compare(signal='visit_count', op='>', value=1)))
    """

    parts: tuple[Condition, ...] = attrs.field(validator=lambda _, __, v: _check_parts(v))
    op: ClassVar[str] = "and"
    _keys: ClassVar[frozenset[str]] = frozenset({"args"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return all_of(*_read_args(data, read))

    def _single(self, profile: Profile) -> bool:
        return all(p._single(profile) for p in self.parts)

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        out = np.ones(len(population), dtype=bool)
        for part in self.parts:
            out &= part._batch(population)
        return out

    def __str__(self) -> str:
        return " and ".join(_operand(p) for p in self.parts)

    def explain(self, profile: Profile) -> Explanation:
        parts = tuple(p.explain(profile) for p in self.parts)
        holds = all(p.holds for p in parts)
        return Explanation("all of", holds, parts=parts, show_actual=False, op=self.op)

    def signals(self) -> frozenset[str]:
        return frozenset().union(*(p.signals() for p in self.parts))

    def _payload(self) -> dict[str, Any]:
        return {"op": self.op, "args": [p._payload() for p in self.parts]}


@CONDITIONS.register("or")
@attrs.frozen
class Any_(Condition):
    """At least one part holds (``|``).

    Examples
    --------
    >>> from lifecycle import signal
    >>> ((signal("purchase_count") > 1) | signal("cancelled").is_missing()).op
    'or'
    """

    parts: tuple[Condition, ...] = attrs.field(validator=lambda _, __, v: _check_parts(v))
    op: ClassVar[str] = "or"
    _keys: ClassVar[frozenset[str]] = frozenset({"args"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return any_of(*_read_args(data, read))

    def _single(self, profile: Profile) -> bool:
        return any(p._single(profile) for p in self.parts)

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        out = np.zeros(len(population), dtype=bool)
        for part in self.parts:
            out |= part._batch(population)
        return out

    def __str__(self) -> str:
        return " or ".join(_operand(p) for p in self.parts)

    def explain(self, profile: Profile) -> Explanation:
        parts = tuple(p.explain(profile) for p in self.parts)
        holds = any(p.holds for p in parts)
        return Explanation("any of", holds, parts=parts, show_actual=False, op=self.op)

    def signals(self) -> frozenset[str]:
        return frozenset().union(*(p.signals() for p in self.parts))

    def _payload(self) -> dict[str, Any]:
        return {"op": self.op, "args": [p._payload() for p in self.parts]}


@CONDITIONS.register("not")
@attrs.frozen
class Not(Condition):
    """The part does not hold (``~``).

    Examples
    --------
    >>> from lifecycle import signal
    >>> ~(signal("purchase_count") > 1)
    Not(part=Compare(signal='purchase_count', op='>', value=1))
    """

    part: Condition = attrs.field(validator=lambda _, __, v: _check_condition(v))
    op: ClassVar[str] = "not"
    _keys: ClassVar[frozenset[str]] = frozenset({"arg"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return ~read(data.get("arg"))

    def _single(self, profile: Profile) -> bool:
        return not self.part._single(profile)

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        return ~self.part._batch(population)

    def __str__(self) -> str:
        return f"not ({self.part})"

    def explain(self, profile: Profile) -> Explanation:
        inner = self.part.explain(profile)
        return Explanation("not", not inner.holds, parts=(inner,), show_actual=False, op=self.op)

    def signals(self) -> frozenset[str]:
        return self.part.signals()

    def _payload(self) -> dict[str, Any]:
        return {"op": "not", "arg": self.part._payload()}


def _operand(part: Condition) -> str:
    """A part of ``and``/``or`` as text: a combination in parentheses, so it reads one way."""
    return f"({part})" if isinstance(part, All | Any_) else str(part)


def _read_args(data: Mapping[str, Any], read: Read) -> list[Condition]:
    args = data.get("args")
    if not isinstance(args, list):
        msg = f"condition {data['op']!r}: 'args' must be a list"
        raise SchemaError(msg)
    return [read(a) for a in args]


def _flatten(kind: type[All] | type[Any_], parts: tuple[Condition, ...]) -> tuple[Condition, ...]:
    out: list[Condition] = []
    for part in parts:
        _check_condition(part)
        out.extend(part.parts if isinstance(part, kind) else (part,))
    return tuple(out)


def all_of(*conditions: Condition) -> Condition:
    """All conditions hold (the same as joining them with ``&``).

    Examples
    --------
    >>> from lifecycle import signal
    >>> all_of(signal("purchase_count") > 1, signal("cancelled") == False).op
    'and'
    """
    if not conditions:
        msg = "all_of() needs at least one condition"
        raise ValidationError(msg)
    return All(_flatten(All, conditions))


def any_of(*conditions: Condition) -> Condition:
    """At least one condition holds (the same as joining them with ``|``).

    Examples
    --------
    >>> from lifecycle import signal
    >>> any_of(signal("cancelled") == True, signal("lapse_ratio") > 3).op
    'or'
    """
    if not conditions:
        msg = "any_of() needs at least one condition"
        raise ValidationError(msg)
    return Any_(_flatten(Any_, conditions))


# ---------------------------------------------------------------------- reading back


def condition_from_dict(data: Mapping[str, Any]) -> Condition:
    """Rebuild a condition from :meth:`Condition.to_dict` output.

    Every node is checked: an unknown ``op``, an unknown or missing key raises
    :class:`~lifecycle.errors.SchemaError`; unknown signal names raise
    :class:`~lifecycle.errors.UnknownSignalError`. Each kind of condition reads its own
    node (the kinds register themselves in ``CONDITIONS``).

    Examples
    --------
    >>> from lifecycle import signal
    >>> cond = (signal("tenure_days") >= 730) | ~signal("last_survey_score").is_missing()
    >>> condition_from_dict(cond.to_dict()) == cond
    True
    >>> condition_from_dict({"schema": "lifecycle.condition/1", "op": "xor"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: condition: unknown op 'xor' (allowed: !=, <, <=, ==, >, >=, and, ...)
    """
    keys = set().union(*(kind._keys for kind in CONDITIONS.kinds))
    check_schema(data, _SCHEMA, {"op"} | keys)
    return _from_payload({k: v for k, v in data.items() if k != "schema"})


def _from_payload(data: object) -> Condition:
    if not isinstance(data, Mapping) or "op" not in data:
        msg = f"condition: expected a mapping with an 'op' (got {data!r})"
        raise SchemaError(msg)
    kind = CONDITIONS.lookup(data["op"])
    check_keys(data, f"condition {data['op']!r}", required={"op"}, optional=kind._keys)
    return kind._read(data, _from_payload)
