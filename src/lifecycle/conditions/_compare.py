"""Comparisons of signals with constants or with each other (private)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from .._validation import non_empty_str, one_of
from .._values import format_value
from ..errors import CurrencyMismatchError, SchemaError, ValidationError
from ..money import Currency, Money, to_decimal
from ..serialization import decode_value, encode_value
from ..signals import (
    SIGNALS,
    NamedSignal,
    Population,
    Profile,
    check_signal_name,
    definition_from_dict,
)
from ._base import _OPS, CONDITIONS, Condition, Explanation, Op, Read

# ---------------------------------------------------------------------- signal references


def _kind(name: str, definition: NamedSignal | None = None) -> str:
    if definition is not None:
        return definition.kind
    spec = SIGNALS.get(name)
    return "attribute" if spec is None else spec.kind


def _check_constant(name: str, value: object, definition: NamedSignal | None = None) -> object:
    """Check a constant fits the kind of signal ``name``; normalise it losslessly."""
    kind = _kind(name, definition)
    if kind == "attribute":
        return value
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        msg = f"cannot compare {name!r} with {value!r}: use .is_missing() for missing values"
        raise ValidationError(msg)
    if kind == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        msg = f"{name!r} is a date: compare it with a datetime.date (got {value!r})"
        raise ValidationError(msg)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        msg = f"{name!r} is a flag: compare it with True or False (got {value!r})"
        raise ValidationError(msg)
    if kind == "money":
        if isinstance(value, Money):
            return value
        if isinstance(value, (int, Decimal, str)) and not isinstance(value, bool):
            return to_decimal(value, name)
        msg = (
            f"{name!r} is money: compare it with Money, an int, a Decimal or a str (got {value!r})"
        )
        raise ValidationError(msg)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        msg = f"{name!r} is a number ({kind}): compare it with a number (got {value!r})"
        raise ValidationError(msg)
    return value


@attrs.frozen(eq=False, order=False)
class SignalRef:
    """A named signal, the left-hand side of a comparison.

    Use :func:`signal` for standard signals (checked when built) and signals defined with
    :func:`~lifecycle.define_signal` (carried by the conditions built from them), and
    :func:`attribute` for user attributes (checked when evaluated).

    Examples
    --------
    >>> signal("purchase_count") >= 2
    Compare(signal='purchase_count', op='>=', value=2)
    >>> signal("tenure_days").between(30, 365)
    Between(signal='tenure_days', low=30, high=365)
    """

    name: str
    definition: NamedSignal | None = None

    @property
    def kind(self) -> str:
        """The kind of the signal (``attribute`` for a user attribute)."""
        return _kind(self.name, self.definition)

    def _check(self, value: object) -> object:
        return _check_constant(self.name, value, self.definition)

    def _carry(self, condition: Condition, *others: SignalRef) -> Condition:
        """``condition``, carrying the defined signals it reads so any subject can compute them."""
        defined = tuple(r.definition for r in (self, *others) if r.definition is not None)
        return WithSignals(tuple(dict.fromkeys(defined)), condition) if defined else condition

    def _compare(self, op: Op, value: object) -> Condition:
        if isinstance(value, SignalRef):
            if value.kind != self.kind:
                msg = (
                    f"cannot compare {self.name!r} ({self.kind}) with {value.name!r} ({value.kind})"
                )
                raise ValidationError(msg)
            return self._carry(CompareSignals(self.name, op, value.name), value)
        return self._carry(Compare(self.name, op, self._check(value)))

    def __lt__(self, value: object) -> Condition:
        return self._compare("<", value)

    def __le__(self, value: object) -> Condition:
        return self._compare("<=", value)

    def __gt__(self, value: object) -> Condition:
        return self._compare(">", value)

    def __ge__(self, value: object) -> Condition:
        return self._compare(">=", value)

    def __eq__(self, value: object) -> Condition:  # type: ignore[override]
        return self._compare("==", value)

    def __ne__(self, value: object) -> Condition:  # type: ignore[override]
        return self._compare("!=", value)

    def __hash__(self) -> int:
        return hash(("SignalRef", self.name, self.definition))

    def between(self, low: object, high: object) -> Condition:
        """``low <= signal <= high`` (both ends included).

        Examples
        --------
        >>> signal("purchase_count").between(2, 5).to_dict()["low"]
        2
        """
        return self._carry(Between(self.name, self._check(low), self._check(high)))

    def isin(self, values: Iterable[object]) -> Condition:
        """The signal equals one of ``values``.

        Examples
        --------
        >>> attribute("segment").isin(["gold", "silver"])
        IsIn(signal='segment', values=('gold', 'silver'))
        """
        items = tuple(self._check(v) for v in values)
        if not items:
            msg = f"{self.name!r}.isin() needs at least one value"
            raise ValidationError(msg)
        return self._carry(IsIn(self.name, items))

    def is_missing(self) -> Condition:
        """The signal has no value (no purchase yet, no survey answered, ...).

        Examples
        --------
        >>> (~signal("last_survey_score").is_missing()).signals()
        frozenset({'last_survey_score'})
        """
        return self._carry(IsMissing(self.name))


def signal(name: str | NamedSignal) -> SignalRef:
    """Refer to a standard signal by name, or to a signal defined with ``define_signal``.

    Unknown names raise listing the known ones. A condition built from a defined signal
    carries its definition: it evaluates on any profile or population of a log (which
    compute it on demand) and its ``to_dict()`` includes it.

    Examples
    --------
    >>> (signal("days_since_last_purchase") > 90).signals()
    frozenset({'days_since_last_purchase'})
    >>> from lifecycle import EventLog, define_signal
    >>> from lifecycle.signals import count
    >>> tickets = define_signal("tickets_30d", count("complaint", within="30D"))
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-10", "kind": "complaint"},
    ...                              {"customer": 2, "date": "2024-01-10"}])
    >>> (signal(tickets) >= 1).evaluate(log.population("2024-01-31")).tolist()
    [True, False]
    """
    if isinstance(name, NamedSignal):
        if name.name in SIGNALS and SIGNALS[name.name].definition != name:
            msg = f"{name.name!r} is a standard signal: give a defined signal another name"
            raise ValidationError(msg)
        return SignalRef(name.name, name)
    if not isinstance(name, str):
        msg = f"signal name must be a str, or a signal named with define_signal (got {name!r})"
        raise ValidationError(msg)
    check_signal_name(name)
    return SignalRef(name)


def attribute(name: str) -> SignalRef:
    """Refer to a user attribute (carried from the log or joined); checked on evaluation.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> gold = attribute("segment") == "gold"
    >>> gold.evaluate(log.profile(1, "2024-01-02").with_attributes(segment="gold"))
    True
    """
    if not isinstance(name, str) or not name:
        msg = f"attribute name must be a non-empty str (got {name!r})"
        raise ValidationError(msg)
    return SignalRef(name)


# ---------------------------------------------------------------------- reading values


def _single_value(profile: Profile, name: str) -> Any:
    value = profile[name]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _batch_values(population: Population, name: str) -> tuple[NDArray[Any], NDArray[np.bool_]]:
    if name not in population:
        check_signal_name(name, population)
    return population[name], population.is_missing(name)


def _money_threshold(value: object, currency: Currency | None, name: str) -> Decimal:
    """A money constant as a Decimal amount in ``currency``."""
    if isinstance(value, Money):
        if currency is not None and value.currency != currency:
            msg = f"{name!r} is in {currency.code}; cannot compare with {value}"
            raise CurrencyMismatchError(msg)
        return value.amount
    assert isinstance(value, Decimal)
    return value


def _single_compare(name: str, op: str, actual: Any, value: Any) -> bool:
    if actual is None:
        return False
    if isinstance(actual, Money):
        return bool(_OPS[op](actual.amount, _money_threshold(value, actual.currency, name)))
    return bool(_OPS[op](actual, value))


def _exact_compare(op: str, values: NDArray[Any], threshold: Fraction) -> NDArray[np.bool_]:
    """Compare an int or float array with an exact rational, as Python compares scalars.

    Python compares ``int``/``float`` with ``Decimal`` exactly; the batch engine must give
    the same answers, so it never rounds the threshold to the nearest float silently.
    """
    if values.dtype.kind == "f":
        nearest = float(threshold)
        at_nearest = bool(_OPS[op](Fraction(nearest), threshold))
        # No float lies strictly between the threshold and its nearest float, so only
        # values equal to that float can compare differently from it.
        return np.where(values == nearest, at_nearest, _OPS[op](values, nearest))
    floor, ceil = math.floor(threshold), math.ceil(threshold)
    if op == ">":
        return values > floor
    if op == ">=":
        return values >= ceil
    if op == "<":
        return values < ceil
    if op == "<=":
        return values <= floor
    integral = floor == ceil
    if op == "==":
        return values == floor if integral else np.zeros(len(values), dtype=bool)
    return values != floor if integral else np.ones(len(values), dtype=bool)


def _batch_compare(population: Population, name: str, op: str, value: Any) -> NDArray[np.bool_]:
    values, missing = _batch_values(population, name)
    kind = population.kind_of(name)
    if kind == "money":
        currency = population.currency
        if currency is None:
            return np.zeros(len(values), dtype=bool)
        amount = _money_threshold(value, currency, name)
        result = _exact_compare(op, values, Fraction(amount) * currency.factor)
    elif kind == "date":
        result = _OPS[op](values, np.datetime64(value, "D"))
    elif values.dtype.kind == "O":
        result = _object_compare(op, values, value, missing)
    elif isinstance(value, Decimal) and values.dtype.kind in "iuf":
        result = _exact_compare(op, values, Fraction(value))
    else:
        result = _OPS[op](values, value)
    return np.asarray(result, dtype=bool) & ~missing


def _object_compare(
    op: str, values: NDArray[Any], value: Any, missing: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Compare an object column (user attributes) with a constant, as the single engine does.

    NumPy applies the Python operator element by element in C; only columns that mix
    types the operator cannot compare fall back to one comparison at a time.
    """
    present = ~missing
    result = np.zeros(len(values), dtype=bool)
    try:
        result[present] = np.asarray(_OPS[op](values[present], value), dtype=bool)
    except TypeError:
        result = np.fromiter(
            (_present_and(op, v, value) for v in values), dtype=bool, count=len(values)
        )
    return result


def _present_and(op: str, actual: Any, value: Any) -> bool:
    try:
        return actual is not None and bool(_OPS[op](actual, value))
    except TypeError:
        return False


# ---------------------------------------------------------------------- leaves


def _read_ref(data: Mapping[str, Any], key: str = "signal") -> SignalRef:
    """The signal (or, for a name that is no standard signal, the attribute) under ``key``."""
    name = data.get(key)
    if not isinstance(name, str):
        msg = f"condition {data['op']!r}: {key!r} must be a signal name (got {name!r})"
        raise SchemaError(msg)
    return signal(name) if name in SIGNALS else attribute(name)


def _check_name(instance: object, field: attrs.Attribute[str], value: str) -> None:
    non_empty_str(instance, field, value)


def _check_op(instance: object, field: attrs.Attribute[str], value: str) -> None:
    one_of(*_OPS)(instance, field, value)


@CONDITIONS.register(*_OPS)
@attrs.frozen
class Compare(Condition):
    """``signal <op> constant``.

    Examples
    --------
    >>> Compare("purchase_count", ">=", 2) == (signal("purchase_count") >= 2)
    True
    """

    signal: str = attrs.field(validator=_check_name)
    op: Op = attrs.field(validator=_check_op)  # type: ignore[misc]
    value: Any
    _keys: ClassVar[frozenset[str]] = frozenset({"signal", "value", "other"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        # A comparison of two signals shares the op; its "other" key tells them apart.
        if "other" in data:
            return _read_ref(data)._compare(data["op"], _read_ref(data, "other"))
        return _read_ref(data)._compare(data["op"], decode_value(data.get("value")))

    def _single(self, profile: Profile) -> bool:
        try:
            return _single_compare(
                self.signal, self.op, _single_value(profile, self.signal), self.value
            )
        except TypeError:
            return False

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        return _batch_compare(population, self.signal, self.op, self.value)

    def __str__(self) -> str:
        return f"{self.signal} {self.op} {format_value(self.value)}"

    def explain(self, profile: Profile) -> Explanation:
        return Explanation(str(self), self._single(profile), _single_value(profile, self.signal))

    def signals(self) -> frozenset[str]:
        return frozenset({self.signal})

    def _payload(self) -> dict[str, Any]:
        return {"op": self.op, "signal": self.signal, "value": encode_value(self.value)}


@CONDITIONS.register()  # read back by Compare, whose ops it shares
@attrs.frozen
class CompareSignals(Condition):
    """``signal <op> other signal`` (both of one kind).

    Examples
    --------
    >>> signal("purchases_90d") > signal("purchases_prev_90d")
    CompareSignals(signal='purchases_90d', op='>', other='purchases_prev_90d')
    """

    signal: str = attrs.field(validator=_check_name)
    op: Op = attrs.field(validator=_check_op)  # type: ignore[misc]
    other: str = attrs.field(validator=_check_name)

    def _single(self, profile: Profile) -> bool:
        a, b = _single_value(profile, self.signal), _single_value(profile, self.other)
        if a is None or b is None:
            return False
        if isinstance(a, Money) and isinstance(b, Money):
            return bool(_OPS[self.op](a.amount, b.amount))
        return bool(_OPS[self.op](a, b))

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        a, a_missing = _batch_values(population, self.signal)
        b, b_missing = _batch_values(population, self.other)
        return np.asarray(_OPS[self.op](a, b), dtype=bool) & ~a_missing & ~b_missing

    def __str__(self) -> str:
        return f"{self.signal} {self.op} {self.other}"

    def explain(self, profile: Profile) -> Explanation:
        actual = (_single_value(profile, self.signal), _single_value(profile, self.other))
        return Explanation(str(self), self._single(profile), actual)

    def signals(self) -> frozenset[str]:
        return frozenset({self.signal, self.other})

    def _payload(self) -> dict[str, Any]:
        return {"op": self.op, "signal": self.signal, "other": self.other}


@CONDITIONS.register("between")
@attrs.frozen
class Between(Condition):
    """``low <= signal <= high``.

    Examples
    --------
    >>> Between("tenure_days", 30, 10)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'tenure_days'.between(): low 30 is above high 10
    """

    signal: str = attrs.field(validator=_check_name)
    low: Any
    high: Any
    op: ClassVar[str] = "between"
    _keys: ClassVar[frozenset[str]] = frozenset({"signal", "low", "high"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return _read_ref(data).between(
            decode_value(data.get("low")), decode_value(data.get("high"))
        )

    def __attrs_post_init__(self) -> None:
        low, high = (v.amount if isinstance(v, Money) else v for v in (self.low, self.high))
        if low > high:
            msg = f"{self.signal!r}.between(): low {self.low} is above high {self.high}"
            raise ValidationError(msg)

    def _single(self, profile: Profile) -> bool:
        actual = _single_value(profile, self.signal)
        return _single_compare(self.signal, ">=", actual, self.low) and _single_compare(
            self.signal, "<=", actual, self.high
        )

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        return _batch_compare(population, self.signal, ">=", self.low) & _batch_compare(
            population, self.signal, "<=", self.high
        )

    def __str__(self) -> str:
        return f"{self.signal} between {format_value(self.low)} and {format_value(self.high)}"

    def explain(self, profile: Profile) -> Explanation:
        return Explanation(str(self), self._single(profile), _single_value(profile, self.signal))

    def signals(self) -> frozenset[str]:
        return frozenset({self.signal})

    def _payload(self) -> dict[str, Any]:
        return {
            "op": "between",
            "signal": self.signal,
            "low": encode_value(self.low),
            "high": encode_value(self.high),
        }


def _non_empty_tuple(_: object, field: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        msg = f"{field.name!r} must be a non-empty tuple (got {value!r})"
        raise ValidationError(msg)


@CONDITIONS.register("isin")
@attrs.frozen
class IsIn(Condition):
    """The signal equals one of the values.

    Examples
    --------
    >>> signal("purchase_count").isin([1, 2]).to_dict()["values"]
    {'list': [1, 2]}
    """

    signal: str = attrs.field(validator=_check_name)
    values: tuple[Any, ...] = attrs.field(validator=_non_empty_tuple)
    op: ClassVar[str] = "isin"
    _keys: ClassVar[frozenset[str]] = frozenset({"signal", "values"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return _read_ref(data).isin(decode_value(data.get("values")))

    def _single(self, profile: Profile) -> bool:
        actual = _single_value(profile, self.signal)
        return any(_single_compare(self.signal, "==", actual, v) for v in self.values)

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        out = np.zeros(len(population), dtype=bool)
        for value in self.values:
            out |= _batch_compare(population, self.signal, "==", value)
        return out

    def __str__(self) -> str:
        shown = ", ".join(format_value(v) for v in self.values)
        return f"{self.signal} in ({shown})"

    def explain(self, profile: Profile) -> Explanation:
        return Explanation(str(self), self._single(profile), _single_value(profile, self.signal))

    def signals(self) -> frozenset[str]:
        return frozenset({self.signal})

    def _payload(self) -> dict[str, Any]:
        return {"op": "isin", "signal": self.signal, "values": encode_value(self.values)}


@CONDITIONS.register("is_missing")
@attrs.frozen
class IsMissing(Condition):
    """The signal has no value.

    Examples
    --------
    >>> signal("last_survey_score").is_missing()
    IsMissing(signal='last_survey_score')
    """

    signal: str = attrs.field(validator=_check_name)
    op: ClassVar[str] = "is_missing"
    _keys: ClassVar[frozenset[str]] = frozenset({"signal"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        return _read_ref(data).is_missing()

    def _single(self, profile: Profile) -> bool:
        return _single_value(profile, self.signal) is None

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        return _batch_values(population, self.signal)[1].copy()

    def __str__(self) -> str:
        return f"{self.signal} is missing"

    def explain(self, profile: Profile) -> Explanation:
        actual = _single_value(profile, self.signal)
        return Explanation(str(self), self._single(profile), actual)

    def signals(self) -> frozenset[str]:
        return frozenset({self.signal})

    def _payload(self) -> dict[str, Any]:
        return {"op": "is_missing", "signal": self.signal}


def _check_definitions(
    instance: object, field: attrs.Attribute[tuple[NamedSignal, ...]], value: object
) -> None:
    if (
        not isinstance(value, tuple)
        or not value
        or not all(isinstance(d, NamedSignal) for d in value)
    ):
        msg = (
            f"{field.name!r} must be a non-empty tuple of signals named with define_signal "
            f"(got {value!r})"
        )
        raise ValidationError(msg)


def _check_condition(instance: object, field: attrs.Attribute[Condition], value: object) -> None:
    if not isinstance(value, Condition):
        msg = f"{field.name!r} must be a Condition (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)


@CONDITIONS.register("with_signals")
@attrs.frozen
class WithSignals(Condition):
    """A condition over signals defined with ``define_signal``, carrying their definitions.

    Built by :func:`signal` for a defined signal. It computes the definitions on the subject
    (a profile or population of a log computes them on demand, once per population), then
    evaluates ``condition``. :meth:`signals` lists the other signals it reads: the defined
    ones travel with it.

    Examples
    --------
    >>> from lifecycle import define_signal
    >>> from lifecycle.signals import total
    >>> net = define_signal("net_365d", total("purchase", within="365D") - total("return", within="365D"))
    >>> cond = signal(net) >= 100
    >>> type(cond).__name__, cond.signals(), Condition.from_dict(cond.to_dict()) == cond
    ('WithSignals', frozenset(), True)
    """

    definitions: tuple[NamedSignal, ...] = attrs.field(validator=_check_definitions)
    condition: Condition = attrs.field(validator=_check_condition)
    op: ClassVar[str] = "with_signals"
    _keys: ClassVar[frozenset[str]] = frozenset({"definitions", "condition"})

    @classmethod
    def _read(cls, data: Mapping[str, Any], read: Read) -> Condition:
        raw = data.get("definitions")
        if not isinstance(raw, list) or not raw:
            msg = "condition 'with_signals': 'definitions' must be a non-empty list"
            raise SchemaError(msg)
        named = []
        for item in raw:
            definition = definition_from_dict(item)
            if not isinstance(definition, NamedSignal):
                msg = f"condition 'with_signals': each definition must be a named signal (got {definition!r})"
                raise SchemaError(msg)
            if definition.name in SIGNALS:
                msg = f"condition 'with_signals': {definition.name!r} is a standard signal's name"
                raise SchemaError(msg)
            named.append(definition)
        return cls(tuple(named), read(data.get("condition")))

    def _extend_profile(self, profile: Profile) -> Profile:
        return profile.with_signals(*self.definitions)

    def _single(self, profile: Profile) -> bool:
        return self.condition._single(self._extend_profile(profile))

    def _batch(self, population: Population) -> NDArray[np.bool_]:
        return self.condition._batch(population.with_signals(*self.definitions))

    def explain(self, profile: Profile) -> Explanation:
        return self.condition.explain(self._extend_profile(profile))

    def signals(self) -> frozenset[str]:
        return self.condition.signals() - {d.name for d in self.definitions}

    def _payload(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "definitions": [d.to_dict() for d in self.definitions],
            "condition": self.condition._payload(),
        }
