"""Checks shared by every ``to_dict()`` / ``from_dict()`` pair.

Serialized objects are plain JSON-safe data tagged ``{"schema": "lifecycle.<kind>/<n>"}``.
Reading refuses unknown schema versions, unknown keys and missing keys with a
:class:`~lifecycle.errors.SchemaError`; nothing is evaluated as code.

Examples
--------
>>> check_schema({"schema": "lifecycle.rounding/2"}, "lifecycle.rounding/1", set())
Traceback (most recent call last):
...
lifecycle.errors.SchemaError: expected schema 'lifecycle.rounding/1' (got 'lifecycle.rounding/2')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from .errors import SchemaError

__all__ = ["check_keys", "check_schema", "decode_value", "encode_value"]


def check_keys(
    data: object,
    what: str,
    *,
    required: Collection[str] = (),
    optional: Collection[str] = (),
) -> Mapping[str, Any]:
    """Check that ``data`` is a mapping with the required keys and no unknown ones.

    Examples
    --------
    >>> check_keys({"a": 1, "b": 2}, "thing", required={"a"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: thing: unknown key 'b' (allowed: a)
    """
    if not isinstance(data, Mapping):
        msg = f"{what}: expected a mapping (got {type(data).__name__})"
        raise SchemaError(msg)
    allowed = set(required) | set(optional)
    for key in data:
        if key not in allowed:
            msg = f"{what}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})"
            raise SchemaError(msg)
    for key in required:
        if key not in data:
            msg = f"{what}: missing key {key!r}"
            raise SchemaError(msg)
    return data


def check_schema(data: object, schema: str, keys: Collection[str]) -> Mapping[str, Any]:
    """Check the schema tag of ``data`` and that its other keys are among ``keys``."""
    found = data.get("schema") if isinstance(data, Mapping) else None
    if found != schema:
        msg = f"expected schema {schema!r} (got {found!r})"
        raise SchemaError(msg)
    return check_keys(data, schema, required={"schema"}, optional=keys)


def encode_value(value: object) -> object:
    """Encode a rule's constant as JSON-safe data, tagging the types JSON lacks.

    Examples
    --------
    >>> import datetime as dt
    >>> encode_value(dt.date(2024, 2, 29))
    {'date': '2024-02-29'}
    >>> decode_value(encode_value(dt.date(2024, 2, 29)))
    datetime.date(2024, 2, 29)
    """
    from .money import Money

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Money):
        return {"money": value.to_dict()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime):
        msg = f"cannot serialize a datetime ({value!r}); use a date"
        raise SchemaError(msg)
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return {"list": [encode_value(v) for v in items]}
    msg = f"cannot serialize a value of type {type(value).__name__} ({value!r})"
    raise SchemaError(msg)


def decode_value(data: object) -> Any:
    """Decode :func:`encode_value` output."""
    from .money import Money

    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, Mapping) and len(data) == 1:
        ((tag, payload),) = data.items()
        if tag == "money":
            return Money.from_dict(payload)
        if tag == "decimal":
            return Decimal(payload)
        if tag == "date":
            try:
                return dt.date.fromisoformat(payload)
            except (TypeError, ValueError):
                msg = f"invalid date {payload!r}"
                raise SchemaError(msg) from None
        if tag == "list":
            return tuple(decode_value(v) for v in payload)
    msg = f"cannot decode value {data!r}"
    raise SchemaError(msg)
