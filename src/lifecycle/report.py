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
from typing import Any

import numpy as np

from .events import EventLog
from .instruments import nps
from .loyalty import LadderRung, LoyaltyLadder, LoyaltyRule, count_states
from .money import Money
from .rfm import rfm_summary
from .signals import Population
from .table import Table

__all__ = ["build_report", "format_text"]

_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)


def _overview(log: EventLog, as_of: dt.date) -> dict[str, Any]:
    seen = log.date <= np.datetime64(as_of, "D")
    kinds, counts = np.unique(log.kind[seen], return_counts=True)
    purchases = seen & log.kind_mask("purchase")
    revenue = None
    if log.currency is not None:
        revenue = str(Money.from_minor(int(log.amount_minor[purchases].sum()), log.currency))
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
        "loyalty_states": _counts(count_states(LoyaltyRule().evaluate(population))),
        "loyalty_ladder": _counts(
            count_states(LoyaltyLadder().evaluate(population), states=LadderRung)
        ),
    }


def build_report(log: EventLog, as_of: dt.date) -> dict[str, Any]:
    """Summarise ``log`` as of ``as_of`` as JSON-safe data, one key per section."""
    population = log.population(as_of)
    return {
        "as_of": as_of.isoformat(),
        "overview": _overview(log, as_of),
        "rfm": _rfm(log, as_of),
        "satisfaction_loyalty": _satisfaction_loyalty(population),
    }


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def format_text(report: dict[str, Any]) -> str:
    """Render :func:`build_report` output as plain text for a terminal."""
    o, r = report["overview"], report["rfm"]
    lines = [
        f"Customer lifecycle report as of {report['as_of']}",
        "",
        f"Customers   {o['customers']:,}",
        f"Events      {o['events']:,} ({o['first_event']} .. {o['last_event']})",
    ]
    lines += [f"  {kind:<12}{count:>10,}" for kind, count in o["events_by_kind"].items()]
    if o["revenue"] is not None:
        lines.append(f"Revenue     {o['revenue']}")
    lines += [
        "",
        f"RFM (days): {r['buyers']:,} buyers, {r['repeat_buyers']:,} repeat buyers",
    ]
    rows = [["", *r["quantiles"]]]
    for column in ("frequency", "recency", "T", "monetary_value"):
        rows.append([column, *(f"{v:,.2f}" for v in r[column])])
    lines += ["  " + line for line in _table(rows)]
    lines += _format_satisfaction_loyalty(report["satisfaction_loyalty"])
    return "\n".join(lines)


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
