"""Recurring actions: any ``dateutil.rrule`` recurrence, per customer or for everyone (private).

The recurrence of each distinct anchor day (a customer's first purchase, or one date for
everyone) is computed once by ``dateutil.rrule`` and given to every customer with that
anchor, so both engines read the same dates.

Examples
--------
>>> rule = Every("weekly", Action("newsletter", "email"), start="2024-01-01", count=3)
>>> rule.occurrences(rule.start, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
[datetime.date(2024, 1, 1), datetime.date(2024, 1, 8), datetime.date(2024, 1, 15)]
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from dateutil import rrule as rr
from numpy.typing import NDArray

from ..conditions import Condition
from ..errors import SchemaError, ValidationError
from ..events import EventLog, as_date
from ..serialization import decode_value, encode_value
from ._actions import Action, instance_of
from ._subjects import Batch, One
from ._triggers import FOLLOWUP_RULES, Candidate, Candidates, Trigger, expand, read_when

__all__ = ["Every"]

_maybe_condition = instance_of(Condition, optional=True)

_FREQS: dict[str, Any] = {
    "daily": rr.DAILY,
    "weekly": rr.WEEKLY,
    "monthly": rr.MONTHLY,
    "yearly": rr.YEARLY,
}
_ANCHORS = ("first_purchase", "first_event")
_INT_OPTIONS = ("bysetpos", "bymonth", "bymonthday", "byyearday", "byeaster", "byweekno")
_DAY_OPTIONS = ("byweekday", "wkst")
_WEEKDAYS = {str(w): w for w in (rr.MO, rr.TU, rr.WE, rr.TH, rr.FR, rr.SA, rr.SU)}


def _weekday(value: object) -> str:
    """A weekday as dateutil spells it: ``"MO"``, ``"FR(-1)"`` (from a weekday, int or str)."""
    if isinstance(value, rr.weekday):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return repr(rr.weekday(value))
    if isinstance(value, str):
        name, _, n = value.partition("(")
        if name in _WEEKDAYS and (not n or n.rstrip(")").lstrip("+-").isdigit()):
            base = _WEEKDAYS[name]
            return repr(base(int(n.rstrip(")"))) if n else base)
    msg = f"a weekday must be MO..SU, a dateutil weekday such as FR(-1) or 0..6 (got {value!r})"
    raise ValidationError(msg)


def _to_weekday(text: str) -> rr.weekday:
    name, _, n = text.partition("(")
    base = _WEEKDAYS[name]
    return base(int(n.rstrip(")"))) if n else base


def _options(options: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Normalise rrule options losslessly to sorted pairs of plain values."""
    out: list[tuple[str, Any]] = []
    for key, value in sorted(options.items()):
        many = isinstance(value, (list, tuple))
        values = list(value) if many else [value]
        if key in _INT_OPTIONS:
            if not values or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
                msg = f"rrule option {key!r} must be an int or a list of ints (got {value!r})"
                raise ValidationError(msg)
            out.append((key, tuple(values) if many else value))
        elif key in _DAY_OPTIONS:
            days = tuple(_weekday(v) for v in values)
            if key == "wkst" and (many or "(" in days[0]):
                msg = f"rrule option 'wkst' must be one plain weekday (got {value!r})"
                raise ValidationError(msg)
            out.append((key, days if many else days[0]))
        else:
            allowed = ", ".join(_INT_OPTIONS + _DAY_OPTIONS)
            msg = f"unknown rrule option {key!r} (allowed: {allowed})"
            raise ValidationError(msg)
    return tuple(out)


def _rrule_kwargs(options: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in options:
        if key in _DAY_OPTIONS:
            value = (
                tuple(map(_to_weekday, value)) if isinstance(value, tuple) else _to_weekday(value)
            )
        out[key] = value
    return out


def _start(value: object) -> str | dt.date:
    if isinstance(value, str) and value in _ANCHORS:
        return value
    if isinstance(value, (str, dt.date)):
        return as_date(value, "start")
    msg = f"'start' must be 'first_purchase', 'first_event' or a date (got {value!r})"
    raise ValidationError(msg)


def _positive(_: object, field: attrs.Attribute[Any], value: object) -> None:
    if value is None and field.name == "count":
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"{field.name!r} must be a whole number >= 1 (got {value!r})"
        raise ValidationError(msg)


def _until(value: object) -> dt.date | None:
    return None if value is None else as_date(value, "until")


@FOLLOWUP_RULES.register("every")
@attrs.frozen(init=False)
class Every(Trigger):
    """A recurring action: any ``dateutil.rrule`` recurrence, per customer or for everyone.

    Parameters
    ----------
    freq : {"daily", "weekly", "monthly", "yearly"}
    action : Action
    interval : int, default 1
        Every ``interval`` periods (``interval=6`` with ``"monthly"``: twice a year).
    start : {"first_purchase", "first_event"} or date, default "first_purchase"
        The anchor. From an event the recurrence counts from that day and the first
        action is the first occurrence *after* it (a survey 6 months after the first
        purchase, not on the day); from a date the recurrence starts on it, as
        ``rrule``'s ``dtstart`` does, for every customer known by then.
    count : int, optional
        At most this many actions per customer.
    until : date, optional
        No action after this day.
    when : Condition, optional
        Evaluated on the customer as of the due day.
    **rrule_options
        ``bymonth``, ``bymonthday``, ``byweekday`` (``"MO"``, ``"FR(-1)"`` or dateutil
        weekdays), ``bysetpos``, ``byyearday``, ``byweekno``, ``byeaster``, ``wkst``.

    Notes
    -----
    A rule without ``count`` or ``until`` has no end: schedule it with an ``end`` date.

    Examples
    --------
    >>> survey = Every("monthly", Action("survey", "email"), interval=6)
    >>> survey.occurrences(dt.date(2024, 1, 31), dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    [datetime.date(2024, 7, 31), datetime.date(2025, 1, 31), datetime.date(2025, 7, 31)]
    >>> news = Every("monthly", Action("newsletter", "email"), start="2024-01-01",
    ...              byweekday="TU", bysetpos=1, count=3)
    >>> news.occurrences(dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    [datetime.date(2024, 1, 2), datetime.date(2024, 2, 6), datetime.date(2024, 3, 5)]
    >>> Every("fortnightly", Action("newsletter", "email"))
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'freq' must be one of daily, weekly, monthly, yearly (got 'fortnightly')
    """

    freq: str
    action: Action = attrs.field(validator=instance_of(Action))
    interval: int = attrs.field(validator=_positive)
    start: str | dt.date = attrs.field(converter=_start)
    count: int | None = attrs.field(validator=_positive)
    until: dt.date | None = attrs.field(converter=_until)
    when: Condition | None = attrs.field(validator=_maybe_condition)
    rrule_options: tuple[tuple[str, Any], ...] = attrs.field(converter=_options)
    kind: ClassVar[str] = "every"
    _required = frozenset({"freq", "action"})
    _optional = frozenset({"interval", "start", "count", "until", "when", "rrule_options"})

    def __init__(
        self,
        freq: str,
        action: Action,
        *,
        interval: int = 1,
        start: str | dt.date = "first_purchase",
        count: int | None = None,
        until: dt.date | str | None = None,
        when: Condition | None = None,
        **rrule_options: Any,
    ) -> None:
        # attrs.evolve passes the normalised options back under their field name.
        options = dict(rrule_options.pop("rrule_options", ()) or ())
        options.update(rrule_options)
        self.__attrs_init__(freq, action, interval, start, count, until, when, options)

    def __attrs_post_init__(self) -> None:
        if self.freq not in _FREQS:
            msg = f"'freq' must be one of {', '.join(_FREQS)} (got {self.freq!r})"
            raise ValidationError(msg)
        try:
            # The Gregorian calendar's days and weekdays repeat every 28 years until 2100.
            probe = self._rrule(dt.date(2000, 1, 1), until=dt.date(2027, 12, 31))
            found = next(iter(probe), None)
        except (ValueError, TypeError) as err:
            msg = f"Every({self.freq!r}): invalid rrule options {dict(self.rrule_options)} ({err})"
            raise ValidationError(msg) from None
        if found is None:
            msg = f"Every({self.freq!r}): the rrule options {dict(self.rrule_options)} never produce a date"
            raise ValidationError(msg)

    def _rrule(self, anchor: dt.date, until: dt.date | None = None) -> rr.rrule:
        last = until or self.until
        return rr.rrule(
            _FREQS[self.freq],
            dtstart=dt.datetime(anchor.year, anchor.month, anchor.day),
            interval=self.interval,
            until=None if last is None else dt.datetime(last.year, last.month, last.day),
            cache=False,
            **_rrule_kwargs(self.rrule_options),
        )

    def label(self) -> str:
        unit = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year"}[self.freq]
        size = f"{self.interval} {unit}s" if self.interval > 1 else unit
        start = self.start if isinstance(self.start, str) else self.start.isoformat()
        options = "".join(f" {k}={v}" for k, v in self.rrule_options)
        return f"every {size} from {start}{options}"

    @property
    def bounded(self) -> bool:
        return self.count is not None or self.until is not None

    def horizon(self, log: EventLog) -> dt.date:
        if self.until is not None:
            return self.until
        # The latest anchor gives the latest last occurrence.
        latest = self.start if isinstance(self.start, dt.date) else (log.end or dt.date.min)
        assert self.count is not None
        days = self.occurrences(latest, dt.date.min, dt.date(9999, 12, 31))
        return days[-1] if days else latest

    def occurrences(self, anchor: dt.date, lo: dt.date, hi: dt.date) -> list[dt.date]:
        """The due days of the recurrence anchored on ``anchor`` that fall in ``[lo, hi]``.

        Examples
        --------
        >>> rule = Every("monthly", Action("survey", "email"), interval=6, count=2)
        >>> rule.occurrences(dt.date(2024, 1, 15), dt.date(2024, 1, 1), dt.date(2026, 12, 31))
        [datetime.date(2024, 7, 15), datetime.date(2025, 1, 15)]
        """
        after = isinstance(self.start, str)
        made: Iterator[dt.date] = (
            moment.date() for moment in self._rrule(anchor) if not after or moment.date() > anchor
        )
        if self.count is not None:
            made = itertools.islice(made, self.count)
        return [day for day in itertools.takewhile(lambda d: d <= hi, made) if day >= lo]

    def series(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The recurrence restarted on ``first`` (an occurrence), up to ``last``.

        From an occurrence the recurrence keeps its phase, so this is how a calendar
        reads :meth:`rrule_text` with ``DTSTART`` on ``first``.

        Examples
        --------
        >>> rule = Every("monthly", Action("survey", "email"), interval=6)
        >>> rule.series(dt.date(2024, 7, 15), dt.date(2025, 12, 31))
        [datetime.date(2024, 7, 15), datetime.date(2025, 1, 15), datetime.date(2025, 7, 15)]
        """
        return [m.date() for m in self._rrule(first, until=last)]

    def rrule_text(self, last: dt.date) -> str | None:
        """The RFC 5545 ``RRULE`` value up to ``last``; None when RFC 5545 cannot say it.

        Examples
        --------
        >>> rule = Every("monthly", Action("newsletter", "email"), byweekday="FR(-1)")
        >>> rule.rrule_text(dt.date(2024, 12, 31))
        'FREQ=MONTHLY;INTERVAL=1;UNTIL=20241231;BYDAY=-1FR'
        """
        parts = [f"FREQ={self.freq.upper()}", f"INTERVAL={self.interval}"]
        parts.append(f"UNTIL={last.strftime('%Y%m%d')}")
        for key, value in self.rrule_options:
            values = value if isinstance(value, tuple) else (value,)
            if key == "byeaster":  # a dateutil extension RFC 5545 does not have
                return None
            if key in _DAY_OPTIONS:
                days = [_to_weekday(v) for v in values]
                text = ",".join(f"{'' if d.n is None else d.n}{str(d)[:2]}" for d in days)
                parts.append(f"{'BYDAY' if key == 'byweekday' else 'WKST'}={text}")
            else:
                parts.append(f"{key.upper()}={','.join(str(v) for v in values)}")
        return ";".join(parts)

    def _anchor(self, one: One) -> dt.date | None:
        if isinstance(self.start, dt.date):
            return self.start
        kinds = ("purchase",) if self.start == "first_purchase" else None
        days = [d for d, k in one.history.events() if kinds is None or k in kinds]
        return days[0] if days else None

    def single(self, one: One) -> list[list[Candidate]]:
        anchor = self._anchor(one)
        if anchor is None:
            return [[]]
        start = self.start if isinstance(self.start, str) else "start"
        why = f"{start} on {anchor.isoformat()}"
        return [[(day, anchor, why) for day in self.occurrences(anchor, one.lo, one.hi)]]

    def batch(self, batch: Batch) -> list[Candidates]:
        log = batch.log
        anchor: NDArray[np.datetime64]
        if isinstance(self.start, dt.date):
            codes = np.arange(len(log.customers), dtype=np.int64)
            anchor = np.full(len(codes), np.datetime64(self.start, "D"))
        else:
            rows = batch.kind_rows("purchase") if self.start == "first_purchase" else None
            if rows is None:
                rows = np.arange(len(log))
            code = log.code[rows].astype(np.int64)
            first = np.ones(len(rows), dtype=bool)
            first[1:] = code[1:] != code[:-1]
            codes, anchor = code[first], log.date[rows[first]]
        distinct, anchor_code = np.unique(anchor, return_inverse=True)
        days = [self.occurrences(a, batch.lo, batch.hi) for a in distinct.tolist()]
        return [expand(anchor_code.astype(np.int64), days, codes, anchor)]

    def _payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "freq": self.freq,
            "action": self.action.to_dict(),
            "interval": self.interval,
            "start": encode_value(self.start),
            "count": self.count,
            "until": encode_value(self.until),
            "rrule_options": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.rrule_options
            },
        }
        return {**out, **self._when_payload()}

    @classmethod
    def _read(cls, body: Mapping[str, Any]) -> Trigger:
        options = body.get("rrule_options") or {}
        if not isinstance(options, Mapping):
            msg = f"follow-up rule 'every': 'rrule_options' must be a mapping (got {options!r})"
            raise SchemaError(msg)
        return cls(
            body["freq"],
            Action.from_dict(body["action"]),
            interval=body.get("interval", 1),
            start=decode_value(body.get("start", "first_purchase")),
            count=body.get("count"),
            until=decode_value(body.get("until")),
            when=read_when(body),
            **{k: tuple(v) if isinstance(v, list) else v for k, v in options.items()},
        )
