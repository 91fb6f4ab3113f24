"""What a plan is scheduled for: one customer's history, or a whole log (private).

A :class:`~lifecycle.signals.Profile` holds one customer's signals as of one day, but a
follow-up plan needs the customer's dated events (a thank-you call 2 days after *each*
purchase) and their signals on every day an action falls due (``when=``). The single
engine therefore plans for a :class:`History`: one customer of a log. The batch engine
plans for the whole :class:`~lifecycle.events.EventLog`.

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([{"customer": "ann", "date": "2024-01-05"},
...                              {"customer": "ann", "date": "2024-02-01", "kind": "visit"}])
>>> ann = History(log, "ann")
>>> ann.events()
((datetime.date(2024, 1, 5), 'purchase'), (datetime.date(2024, 2, 1), 'visit'))
>>> ann.profile(dt.date(2024, 1, 31)).purchase_count
1
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, segment_bounds
from ..signals import Profile
from ._actions import instance_of

if TYPE_CHECKING:
    from ..stages import Timeline

__all__ = ["History"]


def _known_customer(instance: History, _: attrs.Attribute[Any], value: Any) -> None:
    instance.log.customer_code(value)


@attrs.frozen(eq=False)
class History:
    """One customer of a log: the subject of the single follow-up engine.

    Parameters
    ----------
    log : EventLog
    customer : int or str
        A customer id of the log; others raise
        :class:`~lifecycle.errors.UnknownCustomerError`.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"}])
    >>> History(log, 1).first_event
    datetime.date(2024, 3, 1)
    >>> History(log, 2)
    Traceback (most recent call last):
    ...
    lifecycle.errors.UnknownCustomerError: customer 2 has no events in this log
    """

    log: EventLog = attrs.field(validator=instance_of(EventLog))
    customer: Any = attrs.field(validator=_known_customer)

    def events(self) -> tuple[tuple[dt.date, str], ...]:
        """The customer's events as ``(date, kind)`` pairs, in date order.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-04", "kind": "complaint"},
        ...                              {"customer": 1, "date": "2024-03-01"}])
        >>> History(log, 1).events()
        ((datetime.date(2024, 3, 1), 'purchase'), (datetime.date(2024, 3, 4), 'complaint'))
        """
        rows = self.log.rows_of(self.customer)
        kinds = self.log.kinds
        return tuple(
            (day, kinds[k])
            for day, k in zip(
                self.log.date[rows].tolist(), self.log.kind_code[rows].tolist(), strict=True
            )
        )

    @property
    def first_event(self) -> dt.date:
        """The day of the customer's first event: from then on the customer is known."""
        day: dt.date = self.log.date[self.log.rows_of(self.customer).start].item()
        return day

    def profile(self, on: dt.date) -> Profile:
        """The customer's signals as of ``on``.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"},
        ...                              {"customer": 1, "date": "2024-03-20"}])
        >>> History(log, 1).profile(dt.date(2024, 3, 10)).purchase_count
        1
        """
        return self.log.profile(self.customer, on)


@attrs.frozen(eq=False)
class One:
    """The single engine's view of a request: one customer, a window, a timeline."""

    history: History
    lo: dt.date
    hi: dt.date
    timeline: Timeline | None


@attrs.frozen(eq=False)
class Batch:
    """The batch engine's view of a request: a log, a window, a timeline."""

    log: EventLog
    lo: dt.date
    hi: dt.date
    timeline: Timeline | None

    @property
    def lo64(self) -> np.datetime64:
        """The first day, as ``datetime64[D]``."""
        return np.datetime64(self.lo, "D")

    @property
    def hi64(self) -> np.datetime64:
        """The last day, as ``datetime64[D]``."""
        return np.datetime64(self.hi, "D")

    def first_event(self) -> NDArray[np.datetime64]:
        """Per customer code, the day of their first event."""
        starts, _ = segment_bounds(self.log.code)
        first: NDArray[np.datetime64] = self.log.date[starts]
        return first

    def kind_rows(self, kind: str) -> NDArray[np.intp]:
        """Log rows of events of ``kind``, sorted by customer and date."""
        return np.flatnonzero(self.log.kind_mask(kind))


def check_kind(log: EventLog, kind: str, what: str) -> None:
    """Raise unless the log knows event kind ``kind`` (standard kinds are always known)."""
    if kind not in log.kinds:
        msg = f"{what}: unknown event kind {kind!r} (this log's kinds: {', '.join(log.kinds)})"
        raise ValidationError(msg)
