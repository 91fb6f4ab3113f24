"""Plain Python values from NumPy scalars, and constants as explanations show them (private).

Shared by every layer: a table row, a rejected record, a serialized field and an
explanation all turn NumPy scalars into the Python values they hold, and show dates and
tuples the same way.

Examples
--------
>>> import datetime as dt
>>> import numpy as np
>>> plain(np.int64(3)), format_value((dt.date(2024, 2, 29), 3))
(3, '(2024-02-29, 3)')
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

__all__ = ["format_value", "plain"]


def plain(value: Any) -> Any:
    """The Python value a NumPy scalar holds; anything else unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> type(plain(np.float64(0.5))).__name__, plain("a")
    ('float', 'a')
    """
    return value.item() if isinstance(value, np.generic) else value


def format_value(value: Any) -> str:
    """A constant as an explanation shows it: dates in ISO form, tuples in parentheses.

    Examples
    --------
    >>> import datetime as dt
    >>> format_value(dt.date(2024, 1, 31)), format_value(("gold", 2))
    ('2024-01-31', '(gold, 2)')
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ")"
    return str(value)
