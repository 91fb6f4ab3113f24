"""The summary that ``lifecycle report`` prints: one dict of plain data, and its text form.

Examples
--------
>>> from lifecycle.datasets import load_demo, DEMO_AS_OF
>>> report = build_report(load_demo(), DEMO_AS_OF)
>>> report["overview"]["customers"], report["overview"]["currency"]
(3000, 'EUR')
>>> print(format_text(report).splitlines()[0])
Customer lifecycle report as of 2025-06-30
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .datasets import demo_policy
from .events import EventLog
from .followup import due_soon, format_due_soon
from .instruments import nps
from .loyalty import LadderRung, LoyaltyLadder, LoyaltyRule, count_states
from .models._report import section_data
from .money import Money
from .retention import at_risk_section, detect
from .rfm import rfm_summary
from .signals import Population
from .stages import LifecycleModel, StageCodes, Timeline, default_lifecycle
from .table import Table
from .value import (
    cohort_section,
    cohort_table,
    gini,
    pareto_table,
    stage_conversion,
    stage_section,
    value_deciles,
    value_section,
)

__all__ = ["SCHEMA", "build_report", "format_text", "money_text"]

_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)
#: The version tag of :func:`build_report` output; it changes when a key changes meaning.
SCHEMA = "lifecycle.report/1"
MODELS_HEADING = "Customer-base models (lifecycle.models)"


def _overview(log: EventLog, as_of: dt.date) -> dict[str, Any]:
    seen = log.date <= np.datetime64(as_of, "D")
    kinds, counts = np.unique(log.kind[seen], return_counts=True)
    purchases = seen & log.kind_mask("purchase")
    revenue = None
    if log.currency is not None:
        revenue = Money.from_minor(int(log.amount_minor[purchases].sum()), log.currency).to_dict()
    dates = log.date[seen]
    return {
        "customers": len(np.unique(log.code[seen])),
        "events": int(seen.sum()),
        "events_by_kind": dict(zip(kinds.tolist(), counts.tolist(), strict=True)),
        "first_event": str(dates.min()) if len(dates) else None,
        "last_event": str(dates.max()) if len(dates) else None,
        "currency": log.currency.code if log.currency else None,
        "revenue": revenue,
    }


def _rfm(log: EventLog, as_of: dt.date) -> dict[str, Any]:
    rfm = rfm_summary(log, as_of, unit="D")
    out: dict[str, Any] = {
        # Recency and T are counted in this unit (numpy's code: D is days).
        "unit": "D",
        "buyers": len(rfm),
        "repeat_buyers": int((rfm.frequency > 0).sum()),
        "quantiles": [f"{q:.0%}" for q in _QUANTILES],
    }
    for column in ("frequency", "recency", "T", "monetary_value"):
        values = rfm[column].astype(np.float64)
        out[column] = (
            [round(float(v), 2) for v in np.quantile(values, _QUANTILES)] if len(values) else []
        )
    return out


def _counts(table: Table) -> list[dict[str, Any]]:
    return [
        {"state": row["state"], "count": row["count"], "share": round(row["share"], 4)}
        for row in (table.row(i) for i in range(len(table)))
    ]


def _satisfaction_loyalty(population: Population) -> dict[str, Any]:
    # The loyalty rule first: it names the customer whose answer is off the 0-10 scale.
    states = count_states(LoyaltyRule().evaluate(population))
    scores = population.last_survey_score
    answered = scores[~np.isnan(scores)]
    survey = None
    if len(answered):
        result = nps(answered.astype(np.int64), ci="wald")
        assert result.ci is not None
        survey = {
            "respondents": result.n,
            "nps": round(result.score, 1),
            "nps_95_ci": [round(result.ci[0], 1), round(result.ci[1], 1)],
            "promoters": round(result.promoters, 4),
            "detractors": round(result.detractors, 4),
        }
    return {
        "latest_survey": survey,
        "loyalty_states": _counts(states),
        "loyalty_ladder": _counts(
            count_states(LoyaltyLadder().evaluate(population), states=LadderRung)
        ),
    }


def _stages(
    timeline: Timeline, model: LifecycleModel, snapshot: StageCodes, as_of: dt.date
) -> dict[str, Any]:
    """Count customers per stage three ways.

    On that day's signals alone (``snapshot``), carried through the history (``timeline``,
    replayed on a monthly grid, so lapses count), and the furthest stage each customer
    reached.
    """
    return {
        "stages": list(model.labels),
        "snapshot": snapshot.counts(),
        "history": timeline.stages_on(as_of).counts(),
        "furthest": timeline.furthest_stage().counts(),
        "changes": len(timeline),
    }


def _pricing(
    population: Population, stages: NDArray[np.str_], order: list[str]
) -> dict[str, Any] | None:
    """The demo policy quoted on each buyer's average order value, summed by stage."""
    if population.currency is None:
        return None
    currency = population.currency
    staged = population.join({"customer": population.customer, "stage": stages})
    # A buyer whose purchases were all free has no price to quote: they are left out.
    buyers = ~staged.is_missing("average_order_value") & (staged.average_order_value > 0)
    base = np.where(buyers, staged.average_order_value, 1)
    policy = demo_policy(currency)
    quotes = policy.quote_many(staged, base)
    given = quotes.list_minor - quotes.total_minor
    by_stage = {}
    for stage in order:
        mask = buyers & (stages == stage)
        listed = int(quotes.list_minor[mask].sum())
        given_away = int(given[mask].sum())
        by_stage[stage] = {
            "buyers": int(mask.sum()),
            "average_discount_percent": round(100 * given_away / listed, 2) if listed else 0.0,
            "given_away": Money.from_minor(given_away, currency).to_dict(),
        }
    return {"policy": [rule.name for rule in policy.rules], "by_stage": by_stage}


def _number(value: float) -> float | None:
    # JSON has no NaN: a rate of an empty group is null.
    return None if np.isnan(value) else float(value)


def _value(population: Population) -> dict[str, Any] | None:
    """Buyers' total spend by decile and the Pareto table (:mod:`lifecycle.value`).

    None without amounts; empty tables when no buyer has a positive total.
    """
    currency = population.currency
    if currency is None:
        return None
    spend = population.total_spend[population.purchase_count > 0]
    out: dict[str, Any] = {
        "buyers": len(spend),
        "deciles": [],
        "pareto": [],
        "gini": None,
        "text": value_section(population),
    }
    if not len(spend) or spend.sum() <= 0:
        return out
    deciles = value_deciles(spend)
    out["deciles"] = [
        {
            "decile": row["decile"],
            "customers": row["customers"],
            "low": Money.from_minor(int(row["low"]), currency).to_dict(),
            "high": Money.from_minor(int(row["high"]), currency).to_dict(),
            "revenue_share": row["value_share"],
        }
        for row in (deciles.row(i) for i in range(len(deciles)))
    ]
    # Concentration is of what customers bring: a net refund counts as nothing.
    positive = np.clip(spend, 0, None)
    pareto = pareto_table(positive)
    out["pareto"] = [pareto.row(i) for i in range(len(pareto))]
    out["gini"] = gini(positive)
    return out


def _cohorts(log: EventLog, as_of: dt.date) -> dict[str, Any] | None:
    """Quarterly acquisition cohorts and the share buying k quarters later.

    None without purchases up to ``as_of``.
    """
    if not (log.kind_mask("purchase") & (log.date <= np.datetime64(as_of, "D"))).any():
        return None
    table = cohort_table(log, period="Q", measure="customers", as_of=as_of)
    cells = [
        {
            "cohort": row["cohort"].isoformat(),
            "k": row["k"],
            "customers": row["value"],
            "share": _number(row["share"]),
        }
        for row in (table.row(i) for i in range(len(table)))
    ]
    return {
        "period": "Q",
        "cells": cells,
        "text": cohort_section(log, period="Q", as_of=as_of),
    }


def _stage_conversion(timeline: Timeline) -> dict[str, Any]:
    """Conversion from each stage of the default model to the next (:mod:`lifecycle.value`)."""
    table = stage_conversion(timeline)
    rows = [
        {
            **row,
            "rate": _number(row["rate"]),
            "mean_days": _number(row["mean_days"]),
            "median_days": _number(row["median_days"]),
        }
        for row in (table.row(i) for i in range(len(table)))
    ]
    return {"stages": rows, "text": stage_section(timeline)}


def _at_risk(population: Population, top: int = 20) -> dict[str, Any]:
    """The customers at risk under the default defection signals: how many, the top ``top``."""
    table = detect(population)
    shown = [table.row(i) for i in range(min(top, len(table)))]
    return {
        "customers": len(population),
        "at_risk": len(table),
        "top": [
            {"customer": row["customer"], "score": row["score"], "reasons": row["reasons"]}
            for row in shown
        ],
        "text": at_risk_section(population, top=top),
    }


def build_report(log: EventLog, as_of: dt.date) -> dict[str, Any]:
    """Summarise ``log`` as of ``as_of`` as JSON-safe data, one key per section.

    Examples
    --------
    >>> records = [("a", "2024-01-05"), ("a", "2024-03-01"), ("b", "2024-02-10")]
    >>> log = EventLog.from_records(
    ...     [{"customer": c, "date": d, "amount": "20", "currency": "EUR"} for c, d in records]
    ... )
    >>> report = build_report(log, dt.date(2024, 6, 30))
    >>> sorted(report)  # doctest: +NORMALIZE_WHITESPACE
    ['as_of', 'at_risk', 'cohorts', 'followup', 'models', 'overview', 'pricing', 'rfm',
     'satisfaction_loyalty', 'schema', 'stage_conversion', 'stages', 'value']
    >>> report["schema"], report["overview"]["customers"], report["overview"]["revenue"]
    ('lifecycle.report/1', 2, {'amount': '60.00', 'currency': 'EUR'})
    """
    population = log.population(as_of)
    model = default_lifecycle()
    stage_codes = model.classify(population)
    timeline = model.replay(log, end=as_of, every="1M")
    return {
        "schema": SCHEMA,
        "as_of": as_of.isoformat(),
        "overview": _overview(log, as_of),
        "rfm": _rfm(log, as_of),
        "stages": _stages(timeline, model, stage_codes, as_of),
        "satisfaction_loyalty": _satisfaction_loyalty(population),
        "pricing": _pricing(population, stage_codes.names(), list(model.labels)),
        "value": _value(population),
        "cohorts": _cohorts(log, as_of),
        "stage_conversion": _stage_conversion(timeline),
        "at_risk": _at_risk(population),
        # BG/NBD (and Gamma-Gamma with amounts) on the whole log: well under a second on the
        # demo data; without SciPy the text says how to get it.
        "models": section_data(log, as_of=as_of),
        # The demo shop's follow-up plan: the actions due in the next 7 days.
        "followup": due_soon(log, as_of),
    }


def money_text(money: dict[str, str]) -> str:
    """A money object of the report (``{"amount": ..., "currency": ...}``) as text.

    Thousands are grouped as in a ``Table``'s display; the amount is never rounded.

    Examples
    --------
    >>> money_text({"amount": "60.00", "currency": "EUR"})
    '60.00 EUR'
    >>> money_text({"amount": "-1095057.30", "currency": "EUR"})
    '-1,095,057.30 EUR'
    """
    amount = Decimal(money["amount"])
    places = max(0, -int(amount.as_tuple().exponent))
    return f"{amount:,.{places}f} {money['currency']}"


def _table(rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def format_text(report: dict[str, Any]) -> str:
    """Render :func:`build_report` output as plain text for a terminal.

    Examples
    --------
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-05", "amount": "20"}],
    ...                             currency="EUR")
    >>> print(format_text(build_report(log, dt.date(2024, 6, 30))).splitlines()[0])
    Customer lifecycle report as of 2024-06-30
    """
    o, r = report["overview"], report["rfm"]
    lines = [
        f"Customer lifecycle report as of {report['as_of']}",
        "",
        f"Customers   {o['customers']:,}",
        f"Events      {o['events']:,} ({o['first_event']} .. {o['last_event']})",
    ]
    lines += [f"  {kind:<12}{count:>10,}" for kind, count in o["events_by_kind"].items()]
    if o["revenue"] is not None:
        lines.append(f"Revenue     {money_text(o['revenue'])}")
    lines += [
        "",
        f"RFM (days): {r['buyers']:,} buyers, {r['repeat_buyers']:,} repeat buyers",
    ]
    if r["buyers"]:
        rows = [["", *r["quantiles"]]]
        for column in ("frequency", "recency", "T", "monetary_value"):
            rows.append([column, *(f"{v:,.2f}" for v in r[column])])
        lines += ["  " + line for line in _table(rows)]
    else:
        lines.append("  no purchases up to this date: no RFM distribution")
    lines += _format_stages(report["stages"])
    lines += _format_satisfaction_loyalty(report["satisfaction_loyalty"])
    lines += _format_pricing(report["pricing"])
    lines += _format_value_retention(report)
    lines += ["", MODELS_HEADING, *(f"  {line}" for line in report["models"]["text"])]
    lines += ["", format_due_soon(report["followup"])]
    return "\n".join(lines)


def _format_stages(section: dict[str, Any]) -> list[str]:
    rows = [["stage", "today's signals", "history", "furthest reached"]]
    for stage in section["stages"]:
        furthest = "-" if stage == "dissolution" else f"{section['furthest'][stage]:,}"
        rows.append(
            [stage, f"{section['snapshot'][stage]:,}", f"{section['history'][stage]:,}", furthest]
        )
    return [
        "",
        "Relationship stages (default model)",
        *("  " + line for line in _table(rows)),
        f"  {section['changes']:,} stage changes replayed on event dates and a monthly grid",
    ]


def _format_pricing(section: dict[str, Any] | None) -> list[str]:
    if section is None:
        return []
    rows = [["stage", "buyers", "avg discount", "given away"]]
    for stage, row in section["by_stage"].items():
        rows.append(
            [
                stage,
                f"{row['buyers']:,}",
                f"{row['average_discount_percent']:.2f}%",
                money_text(row["given_away"]),
            ]
        )
    return [
        "",
        "Demo pricing policy on each buyer's average order value, by stage",
        f"  rules in sequence: {', '.join(section['policy'])}; at most 20% off",
        *("  " + line for line in _table(rows)),
    ]


def _format_counts(title: str, counts: list[dict[str, Any]]) -> list[str]:
    rows = [[c["state"], f"{c['count']:,}", f"{c['share']:.1%}"] for c in counts]
    return ["", title, *("  " + line for line in _table(rows))]


def _format_satisfaction_loyalty(section: dict[str, Any]) -> list[str]:
    lines = ["", "Satisfaction and loyalty"]
    survey = section["latest_survey"]
    if survey is None:
        lines.append("  no survey answers")
    else:
        low, high = survey["nps_95_ci"]
        lines.append(
            f"  NPS of the latest answers: {survey['nps']:+.1f} (95% CI {low:+.1f} .. "
            f"{high:+.1f}; {survey['respondents']:,} respondents, "
            f"{survey['promoters']:.1%} promoters, {survey['detractors']:.1%} detractors)"
        )
    lines += _format_counts("Loyalty states (LoyaltyRule defaults)", section["loyalty_states"])
    lines += _format_counts("Loyalty ladder", section["loyalty_ladder"])
    return lines


def _format_value_retention(report: dict[str, Any]) -> list[str]:
    """Value deciles and Pareto, cohort retention, stage conversion, the at-risk list."""

    def section(text: list[str]) -> list[str]:
        # A heading, then its lines indented like the other sections'.
        return ["", text[0], *(f"  {line}" if line else "" for line in text[1:])]

    value, cohorts = report["value"], report["cohorts"]
    lines = section(["Value deciles", "the log has no amounts"] if value is None else value["text"])
    lines += section(
        ["Cohort retention", "no purchases up to this date"] if cohorts is None else cohorts["text"]
    )
    lines += section(report["stage_conversion"]["text"])
    lines += section(report["at_risk"]["text"])
    return lines
