"""The model section of ``lifecycle report``: present in JSON and text, and its hint without SciPy."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from lifecycle import EventLog, rfm_summary
from lifecycle.cli import main
from lifecycle.datasets import DEMO_AS_OF, load_demo
from lifecycle.models import BetaGeoModel
from lifecycle.models._report import MISSING
from lifecycle.report import MODELS_HEADING, build_report, format_text

pytest.importorskip("scipy")


def test_json_and_text_carry_the_section_with_a_direct_fits_parameters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    section = report["models"]
    direct = BetaGeoModel(unit="W").fit(rfm_summary(load_demo(), DEMO_AS_OF, unit="W")).params_
    assert section["bgnbd"] == {
        "r": direct.r,
        "alpha": direct.alpha,
        "a": direct.a,
        "b": direct.b,
        "unit": "W",
    }
    assert section["text"][0].startswith("BG/NBD fit (weeks) on 3000 customers")
    text = format_text(report).splitlines()  # the text report renders the same data
    at = text.index(MODELS_HEADING)
    assert text[at + 1] == "  " + section["text"][0]


def _small_log() -> EventLog:
    records = [("a", "2024-01-05"), ("a", "2024-03-01"), ("b", "2024-02-10")]
    return EventLog.from_records(
        [{"customer": c, "date": d, "amount": "20", "currency": "EUR"} for c, d in records]
    )


def test_without_scipy_the_report_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry makes the import fail as if SciPy were not installed.
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    report = build_report(_small_log(), dt.date(2024, 6, 30))
    assert report["models"] == {"bgnbd": None, "text": [MISSING]}
    assert "pip install 'customer-lifecycle[models]'" in MISSING
    lines = format_text(report).splitlines()
    assert lines[lines.index(MODELS_HEADING) + 1] == "  " + MISSING
