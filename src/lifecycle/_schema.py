"""The key and schema checks of every ``from_dict()`` (private; bottom layer).

:mod:`lifecycle.money` reads its own data with these, so they sit below it;
:mod:`lifecycle.serialization` re-exports them with the encoding of constants.

Examples
--------
>>> check_schema({"schema": "lifecycle.rounding/2"}, "lifecycle.rounding/1", set())
Traceback (most recent call last):
...
lifecycle.errors.SchemaError: expected schema 'lifecycle.rounding/1' (got 'lifecycle.rounding/2')
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .errors import SchemaError

__all__ = ["check_keys", "check_schema"]


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
    """Check the schema tag of ``data`` and that its other keys are among ``keys``.

    Examples
    --------
    >>> check_schema({"schema": "lifecycle.x/1", "a": 1}, "lifecycle.x/1", {"a"})
    {'schema': 'lifecycle.x/1', 'a': 1}
    """
    found = data.get("schema") if isinstance(data, Mapping) else None
    if found != schema:
        msg = f"expected schema {schema!r} (got {found!r})"
        raise SchemaError(msg)
    return check_keys(data, schema, required={"schema"}, optional=keys)
