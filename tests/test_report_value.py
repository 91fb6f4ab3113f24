"""The report's value and retention sections agree with the library calls they come from.

``lifecycle report`` (text and JSON) shows value deciles with the Pareto table, quarterly
cohort retention, stage conversion of the default model and the top 20 customers at risk;
each is checked against :mod:`lifecycle.value` and :mod:`lifecycle.retention` called
directly on the same log and date.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lifecycle import EventLog, Money
from lifecycle.cli import main
from lifecycle.datasets import load_demo
from lifecycle.report import build_report, format_text
from lifecycle.retention import at_risk_section, detect
from lifecycle.stages import default_lifecycle
from lifecycle.value import (
    cohort_section,
    cohort_table,
    gini,
    pareto_table,
    stage_conversion,
    stage_section,
    value_deciles,
    value_section,
)

AS_OF = dt.date(2024, 12, 31)  # inside the demo log: later events must not count


@pytest.fixture(scope="module")
def demo() -> tuple[EventLog, dict[str, Any]]:
    log = load_demo()
    return log, build_report(log, AS_OF)


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _same(a: object, b: object) -> bool:
    return a == b or (
        isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    )


def test_value_deciles_and_pareto(demo: tuple[EventLog, dict[str, Any]]) -> None:
    log, report = demo
    population = log.population(AS_OF)
    spend = population.total_spend[population.purchase_count > 0]
    section = report["value"]
    assert section["buyers"] == len(spend)
    assert section["text"] == value_section(population)
    deciles = value_deciles(spend)
    assert [d["customers"] for d in section["deciles"]] == deciles.customers.tolist()
    assert [d["revenue_share"] for d in section["deciles"]] == deciles.value_share.tolist()
    assert section["deciles"][0]["high"] == Money.from_minor(int(deciles.high[0]), "EUR").to_dict()
    pareto = pareto_table(np.clip(spend, 0, None))
    assert [p["customers"] for p in section["pareto"]] == pareto.customers.tolist()
    assert [p["value_share"] for p in section["pareto"]] == pareto.value_share.tolist()
    assert section["gini"] == gini(np.clip(spend, 0, None))


def test_cohort_retention(demo: tuple[EventLog, dict[str, Any]]) -> None:
    log, report = demo
    section = report["cohorts"]
    table = cohort_table(log, period="Q", as_of=AS_OF)
    assert section["text"] == cohort_section(log, period="Q", as_of=AS_OF)
    assert [c["customers"] for c in section["cells"]] == table.value.tolist()
    assert [c["k"] for c in section["cells"]] == table.k.tolist()
    shares = [np.nan if c["share"] is None else c["share"] for c in section["cells"]]
    assert all(_same(a, b) for a, b in zip(shares, table.share.tolist(), strict=True))
    # Up to the report's date: the last cohort is the quarter of AS_OF.
    assert section["cells"][-1]["cohort"] == "2024-10-01"


def test_stage_conversion(demo: tuple[EventLog, dict[str, Any]]) -> None:
    log, report = demo
    timeline = default_lifecycle().replay(log, end=AS_OF, every="1M")
    table = stage_conversion(timeline)
    section = report["stage_conversion"]
    assert section["text"] == stage_section(timeline)
    assert [r["stage"] for r in section["stages"]] == table.stage.tolist()
    assert [r["converted"] for r in section["stages"]] == table.converted.tolist()
    rates = [np.nan if r["rate"] is None else r["rate"] for r in section["stages"]]
    assert all(_same(a, b) for a, b in zip(rates, table.rate.tolist(), strict=True))


def test_at_risk_top_20_with_reasons(demo: tuple[EventLog, dict[str, Any]]) -> None:
    log, report = demo
    population = log.population(AS_OF)
    table = detect(population)
    section = report["at_risk"]
    assert (section["customers"], section["at_risk"]) == (len(population), len(table))
    assert len(section["top"]) == 20
    assert [r["customer"] for r in section["top"]] == table.customer[:20].tolist()
    assert [r["score"] for r in section["top"]] == table.score[:20].tolist()
    assert [r["reasons"] for r in section["top"]] == table.reasons[:20].tolist()
    assert all(r["reasons"] for r in section["top"])
    assert section["text"] == at_risk_section(population, top=20)


def test_text_shows_every_section(demo: tuple[EventLog, dict[str, Any]]) -> None:
    _, report = demo
    text = format_text(report).splitlines()
    for key in ("value", "cohorts", "stage_conversion", "at_risk"):
        lines = report[key]["text"]
        start = text.index(lines[0])
        shown = [line.strip() for line in text[start : start + len(lines)]]
        assert shown == [line.strip() for line in lines], key


def test_json_from_the_command_is_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--format", "json", "--as-of", AS_OF.isoformat()]) == 0
    report = _strict_json(capsys.readouterr().out)
    assert report["stage_conversion"]["stages"][-1]["rate"] is None  # the last stage
    assert len(report["at_risk"]["top"]) == 20


def test_a_log_without_purchases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "visits.csv"
    path.write_text("customer,date,kind\na,2024-01-01,visit\nb,2024-01-05,visit\n")
    assert main(["report", str(path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    report = _strict_json(out)
    assert err == ""
    assert report["value"] is None
    assert report["cohorts"] is None
    assert report["at_risk"]["at_risk"] == 0
    assert report["stage_conversion"]["stages"][0]["entered"] == 2
    assert main(["report", str(path)]) == 0
    text = capsys.readouterr().out
    for line in ("Value deciles", "  the log has no amounts", "Cohort retention"):
        assert line in text
    assert "  no purchases up to this date" in text
    assert "At risk: 0 of 2 customers" in text


def test_amounts_but_no_buyer_with_spend() -> None:
    log = EventLog.from_records(
        [
            {"customer": "a", "date": "2024-01-01", "kind": "return", "amount": "5"},
            {"customer": "b", "date": "2024-01-02", "kind": "purchase", "amount": "0"},
        ],
        currency="EUR",
    )
    report = build_report(log, dt.date(2024, 3, 31))
    assert report["value"]["deciles"] == []
    assert report["value"]["gini"] is None
    assert report["value"]["text"][-1] == "no buyers with spend"
    assert report["cohorts"]["cells"][0]["customers"] == 1
    # Before: the pricing section raised PricingError on a free purchase's order value 0.
    assert report["pricing"]["by_stage"]["exploration"]["buyers"] == 0


def test_purchases_only_after_the_date() -> None:
    log = EventLog.from_records(
        [
            {"customer": "a", "date": "2024-01-01", "kind": "visit"},
            {"customer": "a", "date": "2024-05-01", "kind": "purchase", "amount": "5"},
        ],
        currency="EUR",
    )
    report = build_report(log, dt.date(2024, 3, 31))
    assert report["cohorts"] is None
    assert report["value"]["buyers"] == 0


def test_text_groups_thousands_as_the_json_does_not(demo: tuple[EventLog, dict[str, Any]]) -> None:
    # The text is for people (1,095,057.30 EUR); the JSON keeps plain exact strings.
    _, report = demo
    text = format_text(report)
    revenue = report["overview"]["revenue"]
    assert "," not in revenue["amount"]
    whole, cents = revenue["amount"].split(".")
    assert f"Revenue     {int(whole):,}.{cents} {revenue['currency']}" in text
    at_risk = report["at_risk"]["text"][0]
    assert at_risk.startswith("At risk: ")
    assert f"of {report['overview']['customers']:,} " in at_risk
    entered = report["stage_conversion"]["stages"][0]["entered"]
    assert entered >= 1000
    assert f"{entered:,}" in "\n".join(report["stage_conversion"]["text"])
