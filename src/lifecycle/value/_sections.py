"""Text sections for ``lifecycle report``: value deciles, Pareto table, cohort retention (private).

Each function returns plain lines, so the report can print them or put them in JSON.

Examples
--------
>>> from lifecycle.datasets import DEMO_AS_OF, load_demo
>>> log = load_demo()
>>> lines = value_section(log.population(DEMO_AS_OF))
>>> lines[0]
'Value deciles (total spend per buyer, EUR)'
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np

from ..errors import ValidationError
from ..events import EventLog
from ..money import Money
from ..signals import Population
from ._cohorts import cohort_table
from ._concentration import gini, pareto_table, value_deciles


def value_section(population: Population) -> list[str]:
    r"""Buyers by spend decile (customers, spend range, share of revenue) and the Pareto table.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": c, "date": "2024-01-01", "amount": str(c),
    ...                               "currency": "EUR"} for c in range(1, 21)])
    >>> print("\n".join(value_section(log.population("2024-01-31"))[:4]))
    Value deciles (total spend per buyer, EUR)
    decile  customers        from          to   revenue
         1          2       19.00       20.00     18.6%
         2          2       17.00       18.00     16.7%
    """
    if population.currency is None:
        msg = "the value section needs money: the log has no amounts"
        raise ValidationError(msg)
    spend = population.total_spend[population.purchase_count > 0]
    lines = [f"Value deciles (total spend per buyer, {population.currency.code})"]
    if not len(spend) or spend.sum() <= 0:
        return [*lines, "no buyers with spend"]
    deciles = value_deciles(spend)
    lines.append(f"{'decile':>6}  {'customers':>9}  {'from':>10}  {'to':>10}  {'revenue':>8}")
    cur = population.currency
    for i in range(len(deciles)):
        row = deciles.row(i)
        low = Money.from_minor(int(row["low"]), cur).amount
        high = Money.from_minor(int(row["high"]), cur).amount
        lines.append(
            f"{row['decile']:>6}  {row['customers']:>9,}  {low:>10,}  {high:>10,}  "
            f"{row['value_share']:>8.1%}"
        )
    pareto = pareto_table(np.clip(spend, 0, None))
    lines.append("")
    lines.append(
        f"Pareto: share of revenue from the top customers (Gini {gini(np.clip(spend, 0, None)):.3f})"
    )
    lines.append(f"{'top':>6}  {'customers':>9}  {'revenue':>8}")
    for share, n, value in zip(
        pareto.top_share.tolist(),
        pareto.customers.tolist(),
        pareto.value_share.tolist(),
        strict=True,
    ):
        lines.append(f"{share:>6.0%}  {n:>9,}  {value:>8.1%}")
    return lines


def cohort_section(
    log: EventLog,
    *,
    period: Literal["M", "Q", "Y", "W"] = "Q",
    as_of: dt.date | str | None = None,
) -> list[str]:
    r"""Cohort retention: the share of each acquisition cohort buying k periods later.

    The grid of :func:`cohort_table` with ``measure="customers"``, of the purchases up to
    ``as_of`` (default all).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-05"},
    ...                              {"customer": 1, "date": "2024-04-05"}])
    >>> print("\n".join(cohort_section(log)))
    Cohort retention (share of each quarter's new buyers who buy k quarters later)
    cohort     size      +0      +1
    2024-Q1       1  100.0%  100.0%
    2024-Q2       0
    """
    names = {"M": "month", "Q": "quarter", "Y": "year", "W": "week"}
    table = cohort_table(log, period=period, measure="customers", as_of=as_of)
    head = (
        f"Cohort retention (share of each {names[period]}'s new buyers who buy "
        f"k {names[period]}s later)"
    )
    return [head, *str(table).splitlines()]
