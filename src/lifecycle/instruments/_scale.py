"""The answer scale of a survey question (private).

Examples
--------
>>> Scale(1, 5).rescale(4)
75.0
"""

from __future__ import annotations

import math
from typing import Any, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from .._validation import is_bool, is_number
from .._values import plain
from ..errors import ValidationError

__all__ = ["Scale"]


def _check_finite_number(name: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if not is_number(value) or not math.isfinite(value):
            msg = f"{name!r} must be a finite number (got {value!r})"
            raise ValidationError(msg)

    return check


@attrs.frozen
class Scale:
    """The answer scale of a survey question, such as 1-5, 1-7 or 0-10.

    Parameters
    ----------
    low, high : int or float
        The lowest and highest allowed answers; ``low < high``.
    higher_is_better : bool, default True
        False for questions where a low answer is the good one (for example "how much effort
        did it take?"); :meth:`rescale` then reverses the scale.

    Examples
    --------
    >>> Scale(1, 5)
    Scale(low=1, high=5, higher_is_better=True)
    >>> Scale(0, 10).midpoint
    5.0
    >>> Scale(5, 1)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'low' must be < 'high' (got low=5, high=1)
    """

    low: float = attrs.field(converter=plain, validator=_check_finite_number("low"))
    high: float = attrs.field(converter=plain, validator=_check_finite_number("high"))
    higher_is_better: bool = attrs.field(default=True, kw_only=True, validator=is_bool)

    def __attrs_post_init__(self) -> None:
        if not self.low < self.high:
            msg = f"'low' must be < 'high' (got low={self.low!r}, high={self.high!r})"
            raise ValidationError(msg)

    @property
    def midpoint(self) -> float:
        """The centre of the scale, ``(low + high) / 2``.

        Examples
        --------
        >>> Scale(1, 7).midpoint
        4.0
        """
        return (self.low + self.high) / 2

    @overload
    def rescale(self, values: float) -> float: ...

    @overload
    def rescale(self, values: NDArray[Any]) -> NDArray[np.float64]: ...

    def rescale(self, values: float | NDArray[Any]) -> float | NDArray[np.float64]:
        """Map answers onto 0-100: the best answer gives 100, the worst 0.

        Values are not range-checked here (:meth:`SatisfactionModel.score` does that); NaN
        stays NaN.

        Examples
        --------
        >>> Scale(1, 5).rescale(4)
        75.0
        >>> Scale(1, 5, higher_is_better=False).rescale(4)
        25.0
        >>> Scale(0, 10).rescale(np.array([0, 5, 10])).tolist()
        [0.0, 50.0, 100.0]
        """
        span = float(self.high) - float(self.low)
        if self.higher_is_better:
            out = (np.asarray(values, dtype=np.float64) - self.low) * (100.0 / span)
        else:
            out = (self.high - np.asarray(values, dtype=np.float64)) * (100.0 / span)
        if isinstance(values, np.ndarray):
            return out
        return float(out)

    def describe(self) -> str:
        """The scale as text, for messages: ``'1-5'`` or ``'1-5, lower is better'``.

        Examples
        --------
        >>> Scale(1, 5, higher_is_better=False).describe()
        '1-5, lower is better'
        """
        text = f"{self.low}-{self.high}"
        return text if self.higher_is_better else f"{text}, lower is better"
