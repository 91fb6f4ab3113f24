"""Contact limits: how much follow-up a customer gets, and what is held back (private).

A plan's candidate actions pass, in order: the blackout days, the channel consent, then
the contact pressure limits, customer by customer in date order (on one day, in the
order of ``priority``, then of the plan's rules). An action held back stays in the
schedule, ``suppressed`` with its reason; only kept actions count towards the limits.

Examples
--------
>>> limits = ContactLimits(per_week=1, min_gap="3D", priority=("complaint_follow_up",))
>>> limits.min_gap, limits.needs_history
(3, True)
>>> ContactLimits(per_month=0)
Traceback (most recent call last):
...
lifecycle.errors.ValidationError: 'per_month' must be a whole number >= 1 or None (got 0): a limit of 0 can never be satisfied
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, as_date
from ..serialization import check_keys
from ..signals import snapshots
from ._actions import check_word, instance_of
from ._calendar import iso_week, month_index
from ._subjects import History

__all__ = [
    "BLACKOUT",
    "CONSENT",
    "KEPT",
    "MIN_GAP",
    "PER_MONTH",
    "PER_WEEK",
    "Consent",
    "ContactLimits",
]

#: Codes of the reasons an action is held back (0: kept).
KEPT, BLACKOUT, CONSENT, PER_WEEK, PER_MONTH, MIN_GAP = range(6)
_SPLIT = re.compile(r"[,;|]")


def _limit(_: object, field: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"{field.name!r} must be a whole number >= 1 or None (got {value!r})"
        if isinstance(value, int) and value == 0:
            msg += ": a limit of 0 can never be satisfied"
        raise ValidationError(msg)


def _gap(value: object) -> int | None:
    """``min_gap`` in days, from an int, ``"<n>D"`` / ``"<n>W"`` or a timedelta."""
    if value is None:
        return None
    days: object = value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(-?\d+)\s*([DW])\s*", value, re.IGNORECASE)
        days = None if match is None else int(match[1]) * (7 if match[2].upper() == "W" else 1)
    elif isinstance(value, dt.timedelta):
        days = value.days if value == dt.timedelta(days=value.days) else None
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        msg = (
            "'min_gap' must be a whole number of days >= 1, '<n>D', '<n>W' or a timedelta "
            f"(got {value!r})"
        )
        raise ValidationError(msg)
    return days


def _blackout(value: Iterable[Any]) -> tuple[tuple[dt.date, dt.date], ...]:
    """Blackout days and ranges as sorted ``(first, last)`` pairs (a day is ``(d, d)``)."""
    if isinstance(value, (str, dt.date)):
        value = (value,)
    out = []
    for item in value:
        if isinstance(item, (tuple, list)):
            if len(item) != 2:
                msg = f"a blackout range must be a (first, last) pair (got {item!r})"
                raise ValidationError(msg)
            first, last = as_date(item[0], "blackout"), as_date(item[1], "blackout")
            if last < first:
                msg = f"a blackout range must not end before it starts (got {item!r})"
                raise ValidationError(msg)
        else:
            first = last = as_date(item, "blackout")
        out.append((first, last))
    return tuple(sorted(set(out)))


def _priority(value: Iterable[Any]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    kinds = tuple(check_word("priority", v) for v in value)
    if len(set(kinds)) != len(kinds):
        msg = f"'priority' must not repeat an action kind (got {kinds!r})"
        raise ValidationError(msg)
    return kinds


@attrs.frozen
class Consent:
    """Where a customer's channel opt-outs are recorded: events, an attribute, or both.

    Parameters
    ----------
    event : str, optional
        An event kind (say ``"opt_out"``): from the day of such an event the customer gets
        nothing on the event's ``channel`` (on any channel when the event has none).
    attribute : str, optional
        A log attribute whose latest value as of the due day lists the channels the
        customer opted out of (``"sms"``, ``"email,phone"``; ``"all"`` or ``"*"`` for every
        channel; missing or ``""`` for none).

    Examples
    --------
    >>> sorted(Consent(attribute="opt_out").opted_out("email, sms"))
    ['email', 'sms']
    >>> Consent()
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: Consent needs an 'event' kind, an 'attribute' name or both
    """

    event: str | None = attrs.field(default=None, kw_only=True)
    attribute: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.event is None and self.attribute is None:
            msg = "Consent needs an 'event' kind, an 'attribute' name or both"
            raise ValidationError(msg)
        for name in ("event", "attribute"):
            if getattr(self, name) is not None:
                check_word(name, getattr(self, name))

    @staticmethod
    def opted_out(value: object) -> frozenset[str]:
        """The channels an attribute value opts out of (``"*"`` stands for all).

        Examples
        --------
        >>> sorted(Consent.opted_out("email; sms")), Consent.opted_out("all"), Consent.opted_out(None)
        (['email', 'sms'], frozenset({'*'}), frozenset())
        """
        if value is None or (isinstance(value, float) and value != value):
            return frozenset()
        names = {part.strip() for part in _SPLIT.split(str(value))} - {""}
        return frozenset("*" if n.lower() == "all" else n for n in names)

    def check(self, log: EventLog) -> None:
        """Raise unless the log can record this consent.

        A log without any event of the ``event`` kind records no opt-out (the kind is
        not required); an attribute the log does not carry raises.

        Examples
        --------
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-03-01"}])
        >>> Consent(event="opt_out").check(log)
        >>> Consent(attribute="no_contact").check(log)
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: Consent: the log has no attribute 'no_contact'
        """
        if self.attribute is not None and self.attribute not in log.attributes:
            msg = f"Consent: the log has no attribute {self.attribute!r}"
            raise ValidationError(msg)

    def refused(self, history: History, day: dt.date, channel: str) -> bool:
        """Whether one customer has opted out of ``channel`` as of ``day``.

        Examples
        --------
        >>> log = EventLog.from_records([
        ...     {"customer": 1, "date": "2024-03-01"},
        ...     {"customer": 1, "date": "2024-03-10", "kind": "opt_out"},
        ... ], kinds=["opt_out"])
        >>> consent = Consent(event="opt_out")
        >>> [consent.refused(History(log, 1), dt.date(2024, 3, d), "email") for d in (9, 10)]
        [False, True]
        """
        log = history.log
        if self.event is not None:
            rows = log.rows_of(history.customer)
            labels = log.labels.get("channel", ())
            for when, kind, code in zip(
                log.date[rows].tolist(),
                log.kind_code[rows].tolist(),
                (
                    log.channel[rows].tolist()
                    if log.channel is not None
                    else [-1] * len(log.date[rows])
                ),
                strict=True,
            ):
                if (
                    log.kinds[kind] == self.event
                    and when <= day
                    and (code < 0 or labels[code] == channel)
                ):
                    return True
        if self.attribute is not None:
            out = self.opted_out(history.profile(day)[self.attribute])
            return channel in out or "*" in out
        return False

    def refused_many(
        self,
        log: EventLog,
        code: NDArray[np.int64],
        day: NDArray[np.datetime64],
        channel: NDArray[np.int64],
        channels: tuple[str, ...],
    ) -> NDArray[np.bool_]:
        """Whether each (customer code, day, channel index) row is opted out, vectorised.

        Examples
        --------
        >>> log = EventLog.from_records([
        ...     {"customer": 1, "date": "2024-03-01"},
        ...     {"customer": 1, "date": "2024-03-10", "kind": "opt_out"},
        ...     {"customer": 2, "date": "2024-03-02"},
        ... ], kinds=["opt_out"])
        >>> days = np.array(["2024-03-09", "2024-03-10", "2024-03-10"], dtype="datetime64[D]")
        >>> Consent(event="opt_out").refused_many(
        ...     log, np.array([0, 0, 1]), days, np.array([0, 0, 0]), ("email",)).tolist()
        [False, True, False]
        """
        out = np.zeros(len(code), dtype=bool)
        if self.event is not None:
            rows = np.flatnonzero(log.kind_mask(self.event))
            labels = log.labels.get("channel", ())
            event_channel = log.channel[rows] if log.channel is not None else np.full(len(rows), -1)
            for index, name in enumerate(channels):
                wanted = event_channel < 0
                if name in labels:
                    wanted |= event_channel == labels.index(name)
                picked = rows[wanted]
                # Rows are sorted by customer and date: a customer's first is the earliest.
                first = np.ones(len(picked), dtype=bool)
                first[1:] = log.code[picked][1:] != log.code[picked][:-1]
                since = np.full(len(log.customers), np.datetime64("NaT"), dtype="datetime64[D]")
                since[log.code[picked[first]]] = log.date[picked[first]]
                mine = channel == index
                out[mine] |= since[code[mine]] <= day[mine]
        if self.attribute is not None and len(code):
            values = snapshots(log, log.customers[code], day, signals=[self.attribute])
            column = values[self.attribute]
            text = np.array(["" if v is None else str(v) for v in column.tolist()])
            distinct, inverse = np.unique(text, return_inverse=True)
            sets = [self.opted_out(v) for v in distinct.tolist()]
            for index, name in enumerate(channels):
                refused = np.array([name in s or "*" in s for s in sets], dtype=bool)
                mine = channel == index
                out[mine] |= refused[inverse[mine]]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data (part of the limits').

        Examples
        --------
        >>> Consent(event="opt_out").to_dict()
        {'event': 'opt_out', 'attribute': None}
        """
        return {"event": self.event, "attribute": self.attribute}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Consent:
        """Read :meth:`to_dict` output back.

        Examples
        --------
        >>> Consent.from_dict({"attribute": "no_contact"})
        Consent(event=None, attribute='no_contact')
        """
        body = check_keys(data, "consent", optional={"event", "attribute"})
        return cls(event=body.get("event"), attribute=body.get("attribute"))


@attrs.frozen
class ContactLimits:
    """Contact pressure: how often a customer may be contacted, when not, and on what.

    Parameters
    ----------
    per_week : int, optional
        At most this many actions per customer per calendar week (Monday to Sunday).
    per_month : int, optional
        At most this many per calendar month.
    min_gap : int, str or timedelta, optional
        At least this many days from one kept action to the next (``3``, ``"3D"``,
        ``"1W"``); 1 allows one action a day.
    priority : tuple of str
        Action kinds, most important first: on one day, listed kinds are tried before
        the others, which follow in the order of the plan's rules.
    blackout : tuple
        Days (dates or ISO strings) and ``(first, last)`` ranges with no contact at all.
    consent : Consent, optional
        Where channel opt-outs are recorded.

    Notes
    -----
    A limit of 0 could never be satisfied and raises; so do negative limits, a
    repeated priority and a blackout range that ends before it starts.

    Examples
    --------
    >>> ContactLimits(blackout=["2024-12-25", ("2024-08-01", "2024-08-15")]).blackout
    ((datetime.date(2024, 8, 1), datetime.date(2024, 8, 15)), (datetime.date(2024, 12, 25), datetime.date(2024, 12, 25)))
    >>> ContactLimits.from_dict(ContactLimits(per_week=2).to_dict()) == ContactLimits(per_week=2)
    True
    """

    per_week: int | None = attrs.field(default=None, validator=_limit)
    per_month: int | None = attrs.field(default=None, validator=_limit)
    min_gap: int | None = attrs.field(default=None, converter=_gap)
    priority: tuple[str, ...] = attrs.field(default=(), converter=_priority)
    blackout: tuple[tuple[dt.date, dt.date], ...] = attrs.field(default=(), converter=_blackout)
    consent: Consent | None = attrs.field(
        default=None, validator=instance_of(Consent, optional=True)
    )

    @property
    def needs_history(self) -> bool:
        """Whether a day's decisions depend on the actions kept before it."""
        return any(v is not None for v in (self.per_week, self.per_month, self.min_gap))

    def describe(self) -> list[str]:
        """The limits in words, one line each.

        Examples
        --------
        >>> ContactLimits(per_week=1, min_gap=2, blackout=["2025-12-25"]).describe()
        ['at most 1 per calendar week', 'at least 2 days apart', 'blackout: 2025-12-25']
        """
        lines = []
        if self.per_week is not None:
            lines.append(f"at most {self.per_week} per calendar week")
        if self.per_month is not None:
            lines.append(f"at most {self.per_month} per calendar month")
        if self.min_gap is not None:
            lines.append(f"at least {self.min_gap} days apart")
        if self.priority:
            lines.append(f"priority: {', '.join(self.priority)}")
        if self.blackout:
            days = ", ".join(
                a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}"
                for a, b in self.blackout
            )
            lines.append(f"blackout: {days}")
        if self.consent is not None:
            where = [f"{k} {v!r}" for k, v in self.consent.to_dict().items() if v is not None]
            lines.append(f"consent from {' and '.join(where)}")
        return lines

    def reason(self, code: int, channel: str) -> str:
        """The text of reason ``code`` for an action on ``channel``.

        Examples
        --------
        >>> limits = ContactLimits(per_week=1)
        >>> limits.reason(PER_WEEK, "email"), limits.reason(CONSENT, "sms"), limits.reason(KEPT, "sms")
        ('per_week limit of 1 reached', 'no consent for sms', '')
        """
        texts = {
            KEPT: "",
            BLACKOUT: "blackout day",
            CONSENT: f"no consent for {channel}",
            PER_WEEK: f"per_week limit of {self.per_week} reached",
            PER_MONTH: f"per_month limit of {self.per_month} reached",
            MIN_GAP: f"less than {self.min_gap} days after the previous contact",
        }
        return texts[code]

    def rank(self, kind: str) -> int:
        """Position of an action kind in ``priority`` (unlisted kinds come last).

        Examples
        --------
        >>> limits = ContactLimits(priority=("complaint_follow_up", "win_back_offer"))
        >>> limits.rank("complaint_follow_up"), limits.rank("win_back_offer"), limits.rank("survey")
        (0, 1, 2)
        """
        return self.priority.index(kind) if kind in self.priority else len(self.priority)

    def in_blackout(self, day: dt.date) -> bool:
        """Whether ``day`` is a blackout day.

        Examples
        --------
        >>> limits = ContactLimits(blackout=[("2024-12-24", "2024-12-26")])
        >>> limits.in_blackout(dt.date(2024, 12, 25)), limits.in_blackout(dt.date(2024, 12, 27))
        (True, False)
        """
        return any(a <= day <= b for a, b in self.blackout)

    def blackout_many(self, day: NDArray[np.datetime64]) -> NDArray[np.bool_]:
        """:meth:`in_blackout` for a column of days.

        Examples
        --------
        >>> limits = ContactLimits(blackout=[("2024-12-24", "2024-12-26")])
        >>> limits.blackout_many(np.array(["2024-12-25", "2024-12-27"], dtype="datetime64[D]")).tolist()
        [True, False]
        """
        out = np.zeros(len(day), dtype=bool)
        for a, b in self.blackout:
            out |= (day >= np.datetime64(a, "D")) & (day <= np.datetime64(b, "D"))
        return out

    def pressure(self, days: list[dt.date]) -> list[int]:
        """Reason codes for one customer's candidate days, in decision order.

        Examples
        --------
        >>> limits = ContactLimits(per_month=2, min_gap=3)
        >>> days = [dt.date(2024, 1, d) for d in (1, 2, 5, 20)]
        >>> [limits.reason(code, "email") for code in limits.pressure(days)]
        ['', 'less than 3 days after the previous contact', '', 'per_month limit of 2 reached']
        """
        out = []
        last: dt.date | None = None
        week: dict[tuple[int, int], int] = {}
        month: dict[tuple[int, int], int] = {}
        for day in days:
            w, m = day.isocalendar()[:2], (day.year, day.month)
            if self.per_week is not None and week.get(w, 0) >= self.per_week:
                out.append(PER_WEEK)
            elif self.per_month is not None and month.get(m, 0) >= self.per_month:
                out.append(PER_MONTH)
            elif self.min_gap is not None and last is not None and (day - last).days < self.min_gap:
                out.append(MIN_GAP)
            else:
                out.append(KEPT)
                week[w] = week.get(w, 0) + 1
                month[m] = month.get(m, 0) + 1
                last = day
        return out

    def pressure_many(
        self, code: NDArray[np.int64], day: NDArray[np.datetime64], customers: int
    ) -> NDArray[np.int8]:
        """:meth:`pressure` for rows sorted by customer and decision order, vectorised.

        The k-th candidate of every customer is decided in one array pass, for k = 0, 1,
        ...: the loop runs over positions within a customer, never over customers.

        Examples
        --------
        >>> limits = ContactLimits(per_month=2, min_gap=3)
        >>> days = np.array(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-20",
        ...                  "2024-01-02"], dtype="datetime64[D]")
        >>> codes = limits.pressure_many(np.array([0, 0, 0, 0, 1]), days, customers=2)
        >>> codes.tolist() == [KEPT, MIN_GAP, KEPT, PER_MONTH, KEPT]
        True
        """
        n = len(code)
        out = np.zeros(n, dtype=np.int8)
        if not n or not self.needs_history:
            return out
        start = np.ones(n, dtype=bool)
        start[1:] = code[1:] != code[:-1]
        group = np.cumsum(start) - 1
        position = np.arange(n) - np.flatnonzero(start)[group]
        # A stable sort of 16-bit keys is a radix sort: linear in the number of rows.
        small = position.max() < 2**15
        order = np.argsort(position.astype(np.int16) if small else position, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(position)))).tolist()
        # Gathered once in decision order, each pass below reads contiguous slices.
        g, d = group[order], day.view(np.int64)[order]
        # Weeks and months only for the limits that read them, from the days in order.
        w = iso_week(d.view("datetime64[D]")) if self.per_week is not None else d
        m = month_index(d.view("datetime64[D]")) if self.per_month is not None else d
        groups = int(group[-1]) + 1
        last = np.full(groups, np.iinfo(np.int64).min // 2)
        week_id = np.full(groups, -1, dtype=np.int64)
        week_n = np.zeros(groups, dtype=np.int64)
        month_id = np.full(groups, -1, dtype=np.int64)
        month_n = np.zeros(groups, dtype=np.int64)
        decided = np.zeros(n, dtype=np.int8)
        for k in range(len(bounds) - 1):
            rows = slice(bounds[k], bounds[k + 1])
            c, dk, reason = g[rows], d[rows], decided[rows]
            if self.min_gap is not None:
                reason[dk - last[c] < self.min_gap] = MIN_GAP
            if self.per_month is not None:
                mk = m[rows]
                in_month = np.where(month_id[c] == mk, month_n[c], 0)
                reason[in_month >= self.per_month] = PER_MONTH
            if self.per_week is not None:
                wk = w[rows]
                in_week = np.where(week_id[c] == wk, week_n[c], 0)
                reason[in_week >= self.per_week] = PER_WEEK
            kept = reason == KEPT
            ck = c[kept]
            if self.per_week is not None:
                week_id[ck], week_n[ck] = wk[kept], in_week[kept] + 1
            if self.per_month is not None:
                month_id[ck], month_n[ck] = mk[kept], in_month[kept] + 1
            last[ck] = dk[kept]
        out[order] = decided
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data (part of a plan's).

        Examples
        --------
        >>> data = ContactLimits(per_week=2, blackout=["2024-12-25"]).to_dict()
        >>> data["per_week"], data["blackout"]
        (2, [['2024-12-25', '2024-12-25']])
        """
        return {
            "per_week": self.per_week,
            "per_month": self.per_month,
            "min_gap": self.min_gap,
            "priority": list(self.priority),
            "blackout": [[a.isoformat(), b.isoformat()] for a, b in self.blackout],
            "consent": None if self.consent is None else self.consent.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContactLimits:
        """Read :meth:`to_dict` output back.

        Examples
        --------
        >>> limits = ContactLimits.from_dict({"per_week": 1, "blackout": [["2024-12-24", "2024-12-26"]]})
        >>> limits == ContactLimits(per_week=1, blackout=[("2024-12-24", "2024-12-26")])
        True
        """
        keys = {"per_week", "per_month", "min_gap", "priority", "blackout", "consent"}
        body = check_keys(data, "contact limits", optional=keys)
        consent = body.get("consent")
        return cls(
            per_week=body.get("per_week"),
            per_month=body.get("per_month"),
            min_gap=body.get("min_gap"),
            priority=body.get("priority", ()),
            blackout=[tuple(b) if isinstance(b, list) else b for b in body.get("blackout", ())],
            consent=None if consent is None else Consent.from_dict(consent),
        )
