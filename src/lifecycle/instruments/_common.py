"""Answer validation shared by the survey instruments (private)."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, TypeGuard

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array, first_violation
from ..errors import ValidationError
from ._scale import Scale

NPSInterval: TypeAlias = Literal["wald", "adjusted_wald"]
Crosshair: TypeAlias = "Literal['mean', 'median', 'scale'] | tuple[float, float]"
ScaleLike: TypeAlias = "Scale | tuple[float, float]"
_Numbers: TypeAlias = "NDArray[np.float64] | NDArray[np.int64]"


# --------------------------------------------------------------------------- validation


def _is_real(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _numbers(name: str, values: ArrayLike, *, ndim: int | None = 1) -> NDArray[np.float64]:
    """Finite numbers as float64; on failure point at the first non-number if there is one."""
    try:
        return as_float_array(name, values, ndim=ndim)
    except ValidationError:
        _locate_non_number(name, values, ndim)
        raise


def _locate_non_number(name: str, values: ArrayLike, ndim: int | None) -> None:
    # Only on the error path: a list such as [1, "x"] becomes a string array in NumPy, which
    # hides where the bad value was; an object array keeps the original elements.
    if isinstance(values, (str, bytes)):
        return
    try:
        items = np.asarray(values, dtype=object)
    except (TypeError, ValueError):
        return
    if items.size == 0 or (ndim is not None and items.ndim != ndim):
        return
    bad = np.fromiter((not _is_real(v) for v in items.ravel()), dtype=bool, count=items.size)
    first_violation(name, bad.reshape(items.shape), "a number", items)


def _answers(
    name: str, values: ArrayLike, low: float, high: float, *, whole: bool = True
) -> _Numbers:
    """Answers on a closed scale ``[low, high]``, whole numbers unless ``whole=False``.

    An integer array is checked in place and returned as it is (no float copy of ten
    million answers); anything else goes through :func:`as_float_array`.
    """
    out: NDArray[Any]
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu" and values.ndim == 1:
        if values.size == 0:
            msg = f"{name!r} must not be empty"
            raise ValidationError(msg)
        out = values
    else:
        out = _numbers(name, values)
        if whole:
            first_violation(name, out != np.floor(out), "a whole number", out)
    # min/max first: one pass without a temporary array in the common, valid case.
    if out.min() < low or out.max() > high:
        rule = f"on the scale {_fmt(low)}-{_fmt(high)}"
        first_violation(name, (out < low) | (out > high), rule, out)
    return out


def _as_scale(scale: object, name: str = "scale") -> Scale:
    if isinstance(scale, Scale):
        return scale
    if isinstance(scale, tuple) and len(scale) == 2:
        return Scale(scale[0], scale[1])
    msg = f"{name!r} must be a Scale or a (low, high) tuple (got {scale!r})"
    raise ValidationError(msg)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _whole_scale(scale: Scale, what: str) -> tuple[int, int]:
    if not (float(scale.low).is_integer() and float(scale.high).is_integer()):
        msg = f"{what} needs a scale of whole-number points (got {scale.describe()})"
        raise ValidationError(msg)
    return int(scale.low), int(scale.high)
