"""The report's "actions due in the next 7 days" section (issue 13) agrees with ``plan.due``."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from lifecycle.cli import main
from lifecycle.datasets import DEMO_AS_OF, load_demo
from lifecycle.followup import demo_plan
from lifecycle.stages import default_lifecycle

DAYS = [DEMO_AS_OF + dt.timedelta(days=i) for i in range(7)]


@pytest.fixture(scope="module")
def daily() -> list[tuple[dt.date, list[dict[str, object]]]]:
    """The demo plan's ``due`` rows on each of the 7 days, as the daily job would get them."""
    log, plan = load_demo(), demo_plan()
    # The section reads the default lifecycle replayed monthly up to its last day.
    timeline = default_lifecycle().replay(log, end=DAYS[-1], every="1M")
    out = []
    for day in DAYS:
        table = plan.due(log, on=day, timeline=timeline)
        out.append((day, [table.row(i) for i in range(len(table))]))
    return out


def test_json_section_counts_equal_plan_due_over_the_days(
    capsys: pytest.CaptureFixture[str], daily: list[tuple[dt.date, list[dict[str, object]]]]
) -> None:
    assert main(["report", "--format", "json"]) == 0
    section = json.loads(capsys.readouterr().out)["followup"]
    assert (section["from"], section["to"], section["days"]) == ("2025-06-30", "2025-07-06", 7)
    due: Counter[object] = Counter()
    held: Counter[object] = Counter()
    for _, rows in daily:
        due.update(r["action"] for r in rows if not r["suppressed"])
        held.update(r["action"] for r in rows if r["suppressed"])
    assert section["actions"] == sum(due.values()) > 0
    assert section["suppressed"] == sum(held.values()) > 0
    assert section["by_action"] == {
        kind: {"due": due[kind], "suppressed": held[kind]} for kind in sorted(due | held)
    }
    # The first rows listed are kept actions of the first days, in date order.
    kept = {
        (day.isoformat(), r["customer"], r["action"], r["rule"])
        for day, rows in daily
        for r in rows
        if not r["suppressed"]
    }
    first = [(r["date"], r["customer"], r["action"], r["rule"]) for r in section["first"]]
    assert len(first) == 5
    assert set(first) <= kept
    assert [f[0] for f in first] == sorted(f[0] for f in first)
    assert first[0][0] == min(k[0] for k in kept)


def test_text_section_shows_the_same_counts(
    capsys: pytest.CaptureFixture[str], daily: list[tuple[dt.date, list[dict[str, object]]]]
) -> None:
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("Follow-up actions due in the next 7 days") :].splitlines()
    assert section[0].endswith("(2025-06-30 .. 2025-07-06)")
    kept = sum(1 for _, rows in daily for r in rows if not r["suppressed"])
    held = sum(1 for _, rows in daily for r in rows if r["suppressed"])
    assert section[1] == f"  {kept:,} due, {held:,} held back by contact limits"
    surveys = [line.split() for line in section if line.split()[:1] == ["survey"]]
    kept_surveys = sum(
        1 for _, rows in daily for r in rows if r["action"] == "survey" and not r["suppressed"]
    )
    assert int(surveys[0][1].replace(",", "")) == kept_surveys
