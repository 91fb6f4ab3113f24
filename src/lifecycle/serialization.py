"""Checks shared by every ``to_dict()`` / ``from_dict()`` pair.

Serialized objects are plain JSON-safe data tagged ``{"schema": "lifecycle.<kind>/<n>"}``.
Reading refuses unknown schema versions, unknown keys and missing keys with a
:class:`~lifecycle.errors.SchemaError`; nothing is evaluated as code. The key and schema
checks live in the bottom layer (``lifecycle._schema``) so that :mod:`lifecycle.money`
can use them; this module adds the encoding of constants, which knows :class:`Money`.

Examples
--------
>>> check_schema({"schema": "lifecycle.rounding/2"}, "lifecycle.rounding/1", set())
Traceback (most recent call last):
...
lifecycle.errors.SchemaError: expected schema 'lifecycle.rounding/1' (got 'lifecycle.rounding/2')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._schema import check_keys, check_schema
from .errors import SchemaError
from .money import Money

__all__ = [
    "check_keys",
    "check_schema",
    "decode_number",
    "decode_value",
    "encode_number",
    "encode_value",
]


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
    """Decode :func:`encode_value` output.

    Examples
    --------
    >>> decode_value({"list": [1, {"decimal": "1.50"}, {"date": "2024-01-31"}]})
    (1, Decimal('1.50'), datetime.date(2024, 1, 31))
    >>> decode_value({"set": [1]})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: cannot decode value {'set': [1]}
    """
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


def encode_number(value: float) -> float | None:
    """A float as strict JSON: itself, or None where it is not available (NaN or infinite).

    JSON has no NaN; a model made from known parameters has no log-likelihood, for one.

    Examples
    --------
    >>> encode_number(0.25), encode_number(float("nan"))
    (0.25, None)
    >>> decode_number(encode_number(float("nan")), "log_likelihood")
    nan
    """
    value = float(value)
    return value if math.isfinite(value) else None


def decode_number(data: object, where: str) -> float:
    """Decode :func:`encode_number` output: a number, or None (NaN: not available).

    Examples
    --------
    >>> decode_number(2, "n")
    2.0
    >>> decode_number("2", "n")
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: n must be a number or null (got '2')
    """
    if data is None:
        return math.nan
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        msg = f"{where} must be a number or null (got {data!r})"
        raise SchemaError(msg)
    return float(data)
