"""Shared validation of array inputs (private).

Every public function that takes array-likes goes through these helpers: they accept
array-likes, check dimension, dtype kind, finiteness, equal lengths and domain rules, and
raise :class:`~lifecycle.errors.ValidationError` naming the argument, the rule, how many
values break it and the first offending position. They never cast lossy input and never
mutate their arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeGuard

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ValidationError

__all__ = [
    "as_bool_array",
    "as_float_array",
    "as_int_array",
    "check_choice",
    "check_same_length",
    "first_violation",
    "is_bool",
    "is_number",
    "non_empty_str",
    "one_of",
]


def first_violation(name: str, bad: NDArray[np.bool_], rule: str, values: NDArray[Any]) -> None:
    """Raise a :class:`ValidationError` if any element of ``bad`` is true.

    The message reads ``'name' must be <rule> (N violations, first at index i: value)``;
    for a single number (a 0-dimensional array), ``'name' must be <rule> (got value)``.

    Examples
    --------
    >>> values = np.array([1.0, -2.0])
    >>> first_violation("t", values < 0, ">= 0", values)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 't' must be >= 0 (1 violation, first at index 1: -2.0)
    >>> one = np.array(float("nan"))
    >>> first_violation("T", np.isnan(one), "a finite number", one)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'T' must be a finite number (got nan)
    """
    if bad.ndim == 0:
        if bad:
            msg = f"{name!r} must be {rule} (got {values.item()!r})"
            raise ValidationError(msg)
        return
    if bad.any():
        idx = np.flatnonzero(bad)
        flat = int(idx[0])
        where: Any = (
            tuple(int(i) for i in np.unravel_index(flat, bad.shape)) if bad.ndim > 1 else flat
        )
        value = values[where]
        shown = value.item() if isinstance(value, np.generic) else value
        msg = (
            f"{name!r} must be {rule} ({idx.size} violation{'s' if idx.size > 1 else ''}, "
            f"first at index {where}: {shown!r})"
        )
        raise ValidationError(msg)


def _as_array(name: str, values: ArrayLike, ndim: int | None) -> NDArray[Any]:
    if isinstance(values, (str, bytes)):
        msg = f"{name!r} must be an array of numbers, not a string (got {values!r})"
        raise ValidationError(msg)
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as err:
        msg = f"{name!r} must be array-like ({err})"
        raise ValidationError(msg) from None
    if ndim is not None and arr.ndim != ndim:
        msg = f"{name!r} must be {ndim}-dimensional (got shape {arr.shape})"
        raise ValidationError(msg)
    return arr


def as_float_array(
    name: str,
    values: ArrayLike,
    *,
    ndim: int | None = 1,
    allow_nan: bool = False,
    low: float | None = None,
    high: float | None = None,
    allow_empty: bool = False,
) -> NDArray[np.float64]:
    """Validate numbers and return them as a float64 array (a copy when converted).

    Examples
    --------
    >>> as_float_array("scores", [1, 2.5])
    array([1. , 2.5])
    >>> as_float_array("scores", [1, float("nan")])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'scores' must be a finite number (1 violation, first at index 1: nan)
    """
    arr = _as_array(name, values, ndim)
    if arr.dtype.kind == "O":
        bad = np.array([not is_number(v) for v in arr.ravel()], dtype=bool).reshape(arr.shape)
        first_violation(name, bad, "a number", arr)
        arr = arr.astype(np.float64)
    elif arr.dtype.kind not in "iuf":
        kind = "booleans" if arr.dtype.kind == "b" else f"dtype {arr.dtype}"
        msg = f"{name!r} must contain numbers (got {kind})"
        raise ValidationError(msg)
    out = arr.astype(np.float64, copy=False)
    if not allow_empty and out.size == 0:
        msg = f"{name!r} must not be empty"
        raise ValidationError(msg)
    finite = np.isfinite(out)
    if allow_nan:
        first_violation(name, np.isinf(out), "finite or NaN", out)
    else:
        first_violation(name, ~finite, "a finite number", out)
    if low is not None:
        first_violation(name, finite & (out < low), f">= {low}", out)
    if high is not None:
        first_violation(name, finite & (out > high), f"<= {high}", out)
    return out


def is_number(value: object) -> TypeGuard[float]:
    """Whether ``value`` is a real number (a Python or NumPy int or float, not a bool).

    Examples
    --------
    >>> is_number(3), is_number(np.float32(0.5)), is_number(True), is_number("3")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def as_int_array(
    name: str,
    values: ArrayLike,
    *,
    ndim: int | None = 1,
    low: int | None = None,
    allow_empty: bool = False,
) -> NDArray[np.int64]:
    """Validate whole numbers and return them as an int64 array.

    Floats are accepted only when every value is integral; nothing is truncated.

    Examples
    --------
    >>> as_int_array("quantity", [1, 2.0])
    array([1, 2])
    >>> as_int_array("quantity", [1, 2.5])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'quantity' must be a whole number (1 violation, first at index 1: 2.5)
    """
    arr = _as_array(name, values, ndim)
    if arr.dtype.kind == "f":
        first_violation(name, ~np.isfinite(arr), "a finite number", arr)
        first_violation(name, arr != np.round(arr), "a whole number", arr)
    elif arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind in "fO"):
        msg = f"{name!r} must contain whole numbers (got dtype {arr.dtype})"
        raise ValidationError(msg)
    if not allow_empty and arr.size == 0:
        msg = f"{name!r} must not be empty"
        raise ValidationError(msg)
    out = arr.astype(np.int64)
    if low is not None:
        first_violation(name, out < low, f">= {low}", out)
    return out


def as_bool_array(name: str, values: ArrayLike, *, ndim: int | None = 1) -> NDArray[np.bool_]:
    """Validate booleans (``bool`` dtype only: 0/1 integers are not guessed at).

    Examples
    --------
    >>> as_bool_array("flag", [True, False])
    array([ True, False])
    """
    arr = _as_array(name, values, ndim)
    if arr.dtype.kind != "b":
        msg = f"{name!r} must contain booleans (got dtype {arr.dtype})"
        raise ValidationError(msg)
    return arr


def check_same_length(**arrays: NDArray[Any] | Sequence[Any]) -> int:
    """Return the common length of the arrays, or raise naming the ones that differ.

    Examples
    --------
    >>> check_same_length(a=[1, 2], b=[3, 4])
    2
    >>> check_same_length(a=[1, 2], b=[3])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: arrays must have equal lengths (got a=2, b=1)
    """
    lengths = {name: len(values) for name, values in arrays.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name}={n}" for name, n in lengths.items())
        msg = f"arrays must have equal lengths (got {shown})"
        raise ValidationError(msg)
    return next(iter(lengths.values()), 0)


def check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    """Raise unless ``value`` is one of ``allowed``.

    Examples
    --------
    >>> check_choice("mode", "up", ["up", "down"])
    >>> check_choice("mode", "sideways", ["up", "down"])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'mode' must be one of ('up', 'down') (got 'sideways')
    """
    if value not in allowed:
        msg = f"{name!r} must be one of {tuple(allowed)!r} (got {value!r})"
        raise ValidationError(msg)


def one_of(*allowed: object) -> Any:
    """An attrs validator: the field must be one of ``allowed`` (a ValidationError if not).

    attrs' own ``in_`` raises a plain ``ValueError``; this one raises the library's error
    with a message that names the field.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Shape:
    ...     kind: str = attrs.field(validator=one_of("round", "square"))
    >>> Shape("oval")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'kind' must be one of ('round', 'square') (got 'oval')
    """

    def check(_: object, attribute: Any, value: object) -> None:
        check_choice(attribute.name, value, allowed)

    return check


def is_bool(_: object, attribute: Any, value: object) -> None:
    """An attrs validator: the field must be ``True`` or ``False`` (not 0/1, not None).

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Flag:
    ...     on: bool = attrs.field(validator=is_bool)
    >>> Flag(1)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'on' must be True or False (got 1)
    """
    if not isinstance(value, bool):
        msg = f"{attribute.name!r} must be True or False (got {value!r})"
        raise ValidationError(msg)


def non_empty_str(_: object, attribute: Any, value: object) -> None:
    """An attrs validator: the field must be a string with a non-blank character.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Named:
    ...     name: str = attrs.field(validator=non_empty_str)
    >>> Named(" ")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'name' must be a non-empty str (got ' ')
    """
    if not isinstance(value, str) or not value.strip():
        msg = f"{attribute.name!r} must be a non-empty str (got {value!r})"
        raise ValidationError(msg)
