"""Learn from who was lost: reasons, stage at loss, value lost, complaint handling (private).

Examples
--------
>>> from lifecycle import EventLog
>>> from lifecycle.stages import default_lifecycle
>>> log = EventLog.from_records([
...     {"customer": 1, "date": "2024-01-05", "amount": "80"},
...     {"customer": 1, "date": "2024-01-25", "amount": "40"},
...     {"customer": 1, "date": "2024-02-01", "kind": "complaint"},
...     {"customer": 2, "date": "2024-05-01", "amount": "10"},
... ], currency="EUR")
>>> timeline = default_lifecycle().replay(log, end="2024-12-31", every="1M")
>>> report = lost_customer_report(timeline, log, reasons={1: "dissatisfaction"})
>>> report.customers.row(0)["reason"], report.customers.row(0)["value_lost"]
('dissatisfaction', 12000)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, as_date
from ..money import Money
from ..signals import snapshots
from ..stages import DissolutionReason, Timeline
from ..table import Table

__all__ = ["LostCustomerReport", "lost_customer_report"]

#: The reason of a lost customer without a recorded one.
UNRECORDED = "unrecorded"


def _summary(keys: NDArray[Any], value: NDArray[np.int64], name: str) -> Table:
    labels, where = np.unique(keys.astype(str), return_inverse=True)
    where = where.reshape(-1)
    counts = np.bincount(where, minlength=len(labels))
    lost_value = np.zeros(len(labels), dtype=np.int64)
    np.add.at(lost_value, where, value)
    order = np.argsort(-counts, kind="stable")
    total = max(int(counts.sum()), 1)
    return Table(
        {
            name: labels[order].astype(object),
            "customers": counts[order].astype(np.int64),
            "share": counts[order] / total,
            "value_lost": lost_value[order],
        }
    )


@attrs.frozen(eq=False)
class LostCustomerReport:
    """Lost customers, one row each, and summaries by reason and by stage at loss.

    Attributes
    ----------
    customers : Table
        ``customer``, ``lost_on`` (datetime64[D], their latest move into dissolution),
        ``stage_before`` (the stage they left), ``rule`` (the model rule's reason for the
        move), ``reason`` (the recorded :class:`~lifecycle.stages.DissolutionReason`, or
        ``"unrecorded"``), ``value_lost`` (their spend in the 365 days up to their last
        purchase before the loss: the yearly revenue that stopped, minor units), ``complaints_90d`` and ``contacts_90d`` (in the 90 days up to the
        loss), ``complaint_answered`` (complained, and a contact followed the latest
        complaint); sorted by value lost, highest first.
    by_reason, by_stage : Table
        ``reason`` or ``stage_before``, ``customers``, ``share``, ``value_lost``; most
        customers first.
    currency : Currency or None

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([
    ...     {"customer": c, "date": d, "amount": "30"}
    ...     for c, d in [(1, "2023-01-05"), (2, "2023-01-05"), (2, "2024-05-01")]],
    ...     currency="EUR")
    >>> timeline = default_lifecycle().replay(log, end="2024-06-01", every="1M")
    >>> report = lost_customer_report(timeline, log)
    >>> report.customers.customer.tolist(), report.by_reason.reason.tolist()
    ([1], ['unrecorded'])
    >>> print(report)
    Lost customers: 1
      by recorded reason:
        unrecorded                1  100.0%  30.00 EUR
      by stage at loss:
        exploration               1  100.0%  30.00 EUR
      complained in the 90 days before the loss: 0 (a contact followed the latest complaint for 0)
    """

    customers: Table
    by_reason: Table
    by_stage: Table
    currency: Any

    def __str__(self) -> str:
        n = len(self.customers)
        lines = [f"Lost customers: {n}"]
        cur = self.currency

        def money(minor: int) -> str:
            return str(Money.from_minor(minor, cur)) if cur is not None else str(minor)

        for title, table, key in (
            ("by recorded reason", self.by_reason, "reason"),
            ("by stage at loss", self.by_stage, "stage_before"),
        ):
            lines.append(f"  {title}:")
            for i in range(len(table)):
                row = table.row(i)
                lines.append(
                    f"    {row[key]:<20} {row['customers']:>6} {row['share']:>7.1%}  "
                    f"{money(row['value_lost'])}"
                )
        complained = int((self.customers["complaints_90d"] > 0).sum())
        answered = int(self.customers["complaint_answered"].sum())
        lines.append(
            f"  complained in the 90 days before the loss: {complained} "
            f"(a contact followed the latest complaint for {answered})"
        )
        return "\n".join(lines)


def _reasons(
    reasons: Mapping[Any, DissolutionReason | str] | Table | None, lost: NDArray[Any]
) -> NDArray[Any]:
    out = np.full(len(lost), UNRECORDED, dtype=object)
    if reasons is None:
        return out
    if isinstance(reasons, Table):
        pairs = dict(zip(reasons["customer"].tolist(), reasons["reason"].tolist(), strict=True))
    elif isinstance(reasons, Mapping):
        pairs = dict(reasons)
    else:
        msg = f"'reasons' must be a mapping or a Table of customer to reason (got {reasons!r})"
        raise ValidationError(msg)
    index = {c: i for i, c in enumerate(lost.tolist())}
    for customer, reason in pairs.items():
        parsed = DissolutionReason.parse(reason)
        if customer in index:
            out[index[customer]] = parsed.value
    return out


def lost_customer_report(
    timeline: Timeline,
    log: EventLog,
    *,
    reasons: Mapping[Any, DissolutionReason | str] | Table | None = None,
    as_of: dt.date | str | None = None,
) -> LostCustomerReport:
    """Who was lost, why, from which stage, what they were worth, and how complaints went.

    Parameters
    ----------
    timeline : Timeline
        A replay of ``log``; the lost customers are those in the model's dissolution stage
        at ``as_of`` (default the timeline's end).
    log : EventLog
        The log the timeline was replayed from (for spend, complaints and contacts).
    reasons : mapping or Table, keyword-only
        Recorded dissolution reasons: customer to a :class:`DissolutionReason` or its value
        (a Table with ``customer`` and ``reason`` columns works too). Unknown reason values
        raise; customers not lost are ignored.
    as_of : date or ISO string, keyword-only

    Raises
    ------
    ValidationError
        A model without a dissolution stage, or an unknown reason.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": 1, "date": "2023-01-05"}])
    >>> timeline = default_lifecycle().replay(log, end="2024-06-01", every="1M")
    >>> report = lost_customer_report(timeline, log)
    >>> report.by_stage.row(0)
    {'stage_before': 'exploration', 'customers': 1, 'share': 1.0, 'value_lost': 0}
    """
    model = timeline.model
    if model.dissolution is None:
        msg = "a lost-customer report needs a model with a dissolution stage"
        raise ValidationError(msg)
    day = timeline.end if as_of is None else as_date(as_of, "as_of")
    now = timeline.stages_on(day)
    gone = model.code(model.dissolution)
    lost = now.customer[now.code == gone]
    changes = timeline.to_table()
    into = (changes["target"] == model.dissolution) & (changes["date"] <= np.datetime64(day, "D"))
    who, when = changes["customer"][into], changes["date"][into]
    source, rule = changes["source"][into], changes["reason"][into]
    # Changes are sorted by customer and date: a customer's last row is their latest loss.
    last = np.r_[who[1:] != who[:-1], True] if len(who) else np.zeros(0, dtype=bool)
    who, when, source, rule = who[last], when[last], source[last], rule[last]
    keep = np.isin(who, lost)
    who, when, source, rule = who[keep], when[keep], source[keep], rule[keep]
    recorded = _reasons(reasons, who)
    value = np.zeros(len(who), dtype=np.int64)
    complaints = np.zeros(len(who), dtype=np.int64)
    if len(who):
        at_loss = snapshots(log, who, when, signals=["last_purchase", "complaints_90d"])
        complaints = np.asarray(at_loss["complaints_90d"], dtype=np.int64)
        # What is lost is the customer's yearly spend while they still bought: the 365 days
        # up to their last purchase (a lapse is noticed long after the spending stopped).
        bought = ~np.isnat(at_loss["last_purchase"])
        if bought.any():
            run_rate = snapshots(
                log, who[bought], at_loss["last_purchase"][bought], signals=["spend_365d"]
            )
            value[bought] = run_rate["spend_365d"]
    contacts, answered = _contacts(log, who, when)
    answered &= complaints > 0
    order = np.argsort(-value, kind="stable")
    customers = Table(
        {
            "customer": who[order],
            "lost_on": when[order],
            "stage_before": source[order].astype(object),
            "rule": rule[order].astype(object),
            "reason": recorded[order],
            "value_lost": value[order],
            "complaints_90d": complaints[order],
            "contacts_90d": contacts[order],
            "complaint_answered": answered[order],
        }
    )
    return LostCustomerReport(
        customers=customers,
        by_reason=_summary(recorded, value, "reason"),
        by_stage=_summary(source, value, "stage_before"),
        currency=log.currency,
    )


def _contacts(
    log: EventLog, who: NDArray[Any], when: NDArray[np.datetime64]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Contacts in the 90 days up to each loss, and whether one followed the latest complaint."""
    n = len(who)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    code = np.searchsorted(log.customers, who).astype(np.int64)
    day = log.date.astype(np.int64)
    loss_day = when.astype(np.int64)
    # Keys customer * width + day must not run into the next customer for any day used.
    origin = min(int(day.min()), int(loss_day.min()) - 90) - 1
    width = max(int(day.max()), int(loss_day.max())) - origin + 1
    keys = log.code.astype(np.int64) * width + (day - origin)
    loss = loss_day - origin
    end = code * width + loss

    def last_before(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        k = keys[mask]
        hi = np.searchsorted(k, end, side="right")
        lo = np.searchsorted(k, end - 90, side="right")
        latest = np.where(hi > lo, k[np.maximum(hi - 1, 0)] if len(k) else 0, -1)
        return (hi - lo).astype(np.int64), latest

    contacts, last_contact = last_before(log.kind_mask("contact"))
    _, last_complaint = last_before(log.kind_mask("complaint"))
    answered = (last_complaint >= 0) & (last_contact >= last_complaint)
    return contacts, answered
