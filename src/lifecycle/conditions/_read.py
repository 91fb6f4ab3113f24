"""Reading conditions back from their plain data (private)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import SchemaError
from ..serialization import check_keys, check_schema, decode_value
from ..signals import SIGNALS, NamedSignal, definition_from_dict
from ._base import _OPS, _SCHEMA, Condition, all_of, always, any_of, never
from ._compare import SignalRef, WithSignals, attribute, signal
from ._tenure import TenureAtLeast

# ---------------------------------------------------------------------- reading back

_COMPARE_OPS = frozenset(_OPS)
# The keys each kind of node may have, besides "op" (a comparison has "value" or "other").
_KEYS: dict[str, frozenset[str]] = {
    **{op: frozenset({"signal", "value", "other"}) for op in _COMPARE_OPS},
    "between": frozenset({"signal", "low", "high"}),
    "isin": frozenset({"signal", "values"}),
    "is_missing": frozenset({"signal"}),
    "constant": frozenset({"value"}),
    "and": frozenset({"args"}),
    "or": frozenset({"args"}),
    "not": frozenset({"arg"}),
    TenureAtLeast.op: frozenset({"years", "months", "days"}),
    WithSignals.op: frozenset({"definitions", "condition"}),
}


def condition_from_dict(data: Mapping[str, Any]) -> Condition:
    """Rebuild a condition from :meth:`Condition.to_dict` output.

    Every node is checked: an unknown ``op``, an unknown or missing key raises
    :class:`~lifecycle.errors.SchemaError`; unknown signal names raise
    :class:`~lifecycle.errors.UnknownSignalError`.

    Examples
    --------
    >>> cond = (signal("tenure_days") >= 730) | ~signal("last_survey_score").is_missing()
    >>> condition_from_dict(cond.to_dict()) == cond
    True
    >>> condition_from_dict({"schema": "lifecycle.condition/1", "op": "xor"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: condition: unknown op 'xor' (allowed: !=, <, <=, ==, >, >=, and, between, constant, is_missing, isin, not, or, tenure_at_least, with_signals)
    """
    check_schema(data, _SCHEMA, {"op"} | set().union(*_KEYS.values()))
    return _from_payload({k: v for k, v in data.items() if k != "schema"})


def _from_payload(data: Any) -> Condition:
    if not isinstance(data, Mapping) or "op" not in data:
        msg = f"condition: expected a mapping with an 'op' (got {data!r})"
        raise SchemaError(msg)
    op = data["op"]
    if op not in _KEYS:
        msg = f"condition: unknown op {op!r} (allowed: {', '.join(sorted(_KEYS))})"
        raise SchemaError(msg)
    check_keys(data, f"condition {op!r}", required={"op"}, optional=_KEYS[op])

    def ref(key: str = "signal") -> SignalRef:
        name = data.get(key)
        if not isinstance(name, str):
            msg = f"condition {op!r}: {key!r} must be a signal name (got {name!r})"
            raise SchemaError(msg)
        return signal(name) if name in SIGNALS else attribute(name)

    if op in _COMPARE_OPS:
        if "other" in data:
            return ref()._compare(op, ref("other"))
        return ref()._compare(op, decode_value(data.get("value")))
    if op == "between":
        return ref().between(decode_value(data.get("low")), decode_value(data.get("high")))
    if op == "isin":
        return ref().isin(decode_value(data.get("values")))
    if op == "is_missing":
        return ref().is_missing()
    if op == "constant":
        return always() if data.get("value") is True else never()
    if op == TenureAtLeast.op:
        return TenureAtLeast(**{k: data[k] for k in _KEYS[op] if k in data})
    if op == WithSignals.op:
        return _with_signals(data)
    if op == "not":
        return ~_from_payload(data.get("arg"))
    args = data.get("args")
    if not isinstance(args, list):
        msg = f"condition {op!r}: 'args' must be a list"
        raise SchemaError(msg)
    parts = [_from_payload(a) for a in args]
    return all_of(*parts) if op == "and" else any_of(*parts)


def _with_signals(data: Mapping[str, Any]) -> Condition:
    """A condition carrying defined signals: the definitions, then the condition over them."""
    raw = data.get("definitions")
    if not isinstance(raw, list) or not raw:
        msg = "condition 'with_signals': 'definitions' must be a non-empty list"
        raise SchemaError(msg)
    definitions = tuple(definition_from_dict(d) for d in raw)
    for d in definitions:
        if not isinstance(d, NamedSignal):
            msg = f"condition 'with_signals': each definition must be a named signal (got {d!r})"
            raise SchemaError(msg)
        if d.name in SIGNALS:
            msg = f"condition 'with_signals': {d.name!r} is a standard signal's name"
            raise SchemaError(msg)
    named = tuple(d for d in definitions if isinstance(d, NamedSignal))
    return WithSignals(named, _from_payload(data.get("condition")))
