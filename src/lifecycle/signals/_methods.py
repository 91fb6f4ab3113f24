"""``EventLog.profile`` and ``EventLog.population``, defined here and added to the class (private).

Signals sit one layer above events, so ``events`` cannot import them. The two methods are
defined in this layer instead and added to :class:`~lifecycle.events.EventLog` once, when
the signals package is imported (``import lifecycle`` imports it, so the methods are always
there for users). Nothing changes afterwards: this is a fixed extension of the class, not
state that varies at run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..events import EventLog
from ._population import Population, population
from ._single import Profile, profile

__all__ = ["install"]


def _profile(self: EventLog, customer: object, as_of: dt.date | str) -> Profile:
    """One customer's signals as of a date: see :func:`lifecycle.signals.profile`.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> log.profile(1, "2024-01-31").purchase_count
    1
    """
    return profile(self, customer, as_of)


def _population(self: EventLog, as_of: dt.date | str) -> Population:
    """Every customer's signals as of a date: see :func:`lifecycle.signals.population`.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> log.population("2024-01-31").purchase_count.tolist()
    [1]
    """
    return population(self, as_of)


def install() -> None:
    """Add ``profile`` and ``population`` to :class:`~lifecycle.events.EventLog`."""
    methods: dict[str, Callable[..., Any]] = {"profile": _profile, "population": _population}
    for name, method in methods.items():
        method.__name__ = name
        method.__qualname__ = f"EventLog.{name}"
        setattr(EventLog, name, method)
