"""Subscription metrics: recurring revenue, its movements, churn and revenue retention (private).

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": c, "date": d, "amount": a, "kind": "subscription"}
...     for c, d, a in [(1, "2024-01-01", "10"), (1, "2024-02-01", "15"), (2, "2024-01-03", "20"),
...                     (3, "2024-02-05", "5")]], currency="EUR", kinds=["subscription"])
>>> t = subscription_metrics(log)
>>> t.mrr.tolist(), t.new.tolist(), t.expansion.tolist(), t.churned.tolist()
([3000, 2000], [3000, 500], [0, 500], [0, 2000])
>>> t.nrr.tolist()[1], t.logo_churn_rate.tolist()[1]
(0.5, 0.5)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..errors import ValidationError
from ..events import EventLog
from ..table import Table
from ._cohorts import PERIODS, _period_index, _period_start

__all__ = ["subscription_metrics"]


def subscription_metrics(
    log: EventLog,
    period: Literal["M", "Q", "Y", "W"] = "M",
    *,
    kind: str | None = None,
) -> Table:
    """Recurring revenue per period and where it came from and went.

    A customer's recurring revenue in a period (their MRR when ``period="M"``) is the sum
    of their ``kind`` events' amounts in it; they pay in a period when it is above 0. From
    one period to the next each customer's change is one movement:

    * ``new``: first paying period ever (all of it);
    * ``reactivated``: paying again after at least one period without paying;
    * ``expansion`` / ``contraction``: paying more / less than in the previous period;
    * ``churned``: paid in the previous period, not in this one (all of the previous).

    so ``mrr = previous mrr + new + reactivated + expansion - contraction - churned``.

    Parameters
    ----------
    log : EventLog
    period : {"M", "Q", "Y", "W"}
    kind : str, keyword-only
        The recurring event kind; default ``"subscription"`` when the log has events of
        that kind (a kind declared with ``kinds=["subscription"]`` when the log is made),
        else ``"purchase"`` (recurring purchases).

    Returns
    -------
    Table
        One row per period from the first to the last with a recurring event:
        ``period`` (first day); ``mrr``, ``new``, ``expansion``, ``contraction``,
        ``churned``, ``reactivated`` (int64 minor units); ``customers``,
        ``new_customers``, ``churned_customers``; ``logo_churn_rate`` (churned customers
        over the previous period's payers), ``revenue_churn_rate`` ((churned +
        contraction) / previous mrr), ``grr`` (1 - revenue churn rate) and ``nrr`` ((previous
        mrr - churned - contraction + expansion) / previous mrr); rates are NaN in the
        first period and after a period without revenue.

    Raises
    ------
    ValidationError
        A log without amounts, an unknown kind or period, or no event of the kind.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": d, "amount": "9"}
    ...     for d in ("2024-01-10", "2024-03-10")], currency="EUR")
    >>> t = subscription_metrics(log)
    >>> t.churned.tolist(), t.reactivated.tolist()
    ([0, 900, 0], [0, 0, 900])
    """
    check_choice("period", period, PERIODS)
    if log.currency is None:
        msg = "subscription metrics need amounts, but the log has none"
        raise ValidationError(msg)
    # A declared kind may have no events: fall back to purchases only on events, not names.
    chosen = (
        kind
        if kind is not None
        else ("subscription" if log.kind_mask("subscription").any() else "purchase")
    )
    if chosen not in log.kinds:
        msg = f"'kind' {chosen!r} is not an event kind of this log (kinds: {log.kinds})"
        raise ValidationError(msg)
    rows = np.flatnonzero(log.kind_mask(chosen))
    if not len(rows):
        msg = f"the log has no {chosen!r} events"
        raise ValidationError(msg)
    code = log.code[rows].astype(np.int64)
    when = _period_index(log.date[rows], period)
    origin, last = int(when.min()), int(when.max())
    n_periods = last - origin + 1
    # Rows are sorted by customer and date, so (customer, period) keys come sorted.
    key = code * n_periods + (when - origin)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    amount = np.add.reduceat(log.amount_minor[rows], starts, dtype=np.int64)
    paying = amount > 0
    who, slot, amount = code[starts][paying], (when - origin)[starts][paying], amount[paying]
    # Neighbouring rows: the same customer's previous paying period, and the next one.
    same_before = np.zeros(len(who), dtype=bool)
    same_before[1:] = who[1:] == who[:-1]
    adjacent_before = same_before.copy()
    adjacent_before[1:] &= slot[1:] == slot[:-1] + 1
    previous = np.zeros(len(who), dtype=np.int64)
    previous[1:] = np.where(adjacent_before[1:], amount[:-1], 0)
    adjacent_after = np.zeros(len(who), dtype=bool)
    adjacent_after[:-1] = adjacent_before[1:]

    def total(
        values: NDArray[np.int64], at: NDArray[np.int64], mask: NDArray[np.bool_]
    ) -> NDArray[np.int64]:
        out = np.zeros(n_periods + 1, dtype=np.int64)
        np.add.at(out, at[mask], values[mask])
        return out[:n_periods]

    def count(at: NDArray[np.int64], mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.bincount(at[mask], minlength=n_periods + 1)[:n_periods].astype(np.int64)

    fresh = ~adjacent_before
    first_ever = ~same_before
    mrr = total(amount, slot, np.ones(len(amount), dtype=bool))
    new = total(amount, slot, first_ever)
    reactivated = total(amount, slot, fresh & same_before)
    expansion = total(amount - previous, slot, adjacent_before & (amount > previous))
    contraction = total(previous - amount, slot, adjacent_before & (amount < previous))
    # A payer who does not pay in the next period churns there (if it is in the log's span).
    churned = total(amount, slot + 1, ~adjacent_after)
    customers = count(slot, np.ones(len(amount), dtype=bool))
    new_customers = count(slot, first_ever)
    churned_customers = count(slot + 1, ~adjacent_after)
    prev_mrr = np.r_[0, mrr[:-1]].astype(np.float64)
    prev_customers = np.r_[0, customers[:-1]].astype(np.float64)

    def rate(top: NDArray[np.float64], bottom: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.full(n_periods, np.nan)
        np.divide(top, bottom, out=out, where=bottom > 0)
        return out

    lost = (churned + contraction).astype(np.float64)
    return Table(
        {
            "period": _period_start(np.arange(n_periods, dtype=np.int64) + origin, period),
            "mrr": mrr,
            "new": new,
            "expansion": expansion,
            "contraction": contraction,
            "churned": churned,
            "reactivated": reactivated,
            "customers": customers,
            "new_customers": new_customers,
            "churned_customers": churned_customers,
            "logo_churn_rate": rate(churned_customers.astype(np.float64), prev_customers),
            "revenue_churn_rate": rate(lost, prev_mrr),
            "grr": rate(prev_mrr - lost, prev_mrr),
            "nrr": rate(prev_mrr - lost + expansion, prev_mrr),
        }
    )
