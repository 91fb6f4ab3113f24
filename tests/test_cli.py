"""Tests of the lifecycle command (lifecycle.cli) and the report it prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lifecycle import __version__
from lifecycle.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lifecycle", *args], capture_output=True, text=True, check=False
    )


class TestMain:
    def test_demo_report_as_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["report", "--format", "json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["as_of"] == "2025-06-30"
        assert report["overview"]["customers"] == 3000
        assert set(report) == {
            "as_of",
            "overview",
            "rfm",
            "stages",
            "satisfaction_loyalty",
            "pricing",
        }
        stages = report["stages"]
        assert sum(stages["snapshot"].values()) == 3000
        assert sum(stages["history"].values()) == 3000
        states = report["satisfaction_loyalty"]["loyalty_states"]
        assert sum(s["count"] for s in states) == 3000
        pricing = report["pricing"]["by_stage"]
        assert set(pricing) == set(stages["stages"])
        assert all(0 <= row["average_discount_percent"] <= 20 for row in pricing.values())

    def test_text_report_has_every_section(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["report", "--as-of", "2024-12-31"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("Customer lifecycle report as of 2024-12-31")
        for heading in ("RFM (days)", "Relationship stages", "Loyalty states", "Demo pricing"):
            assert heading in out

    def test_a_csv_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "events.csv"
        path.write_text(
            "customer,date,kind,amount,currency\n"
            "a,2024-01-01,purchase,10.00,EUR\n"
            "a,2024-02-01,purchase,12.50,EUR\n"
            "b,2024-02-03,visit,,\n"
        )
        assert main(["report", str(path), "--format", "json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["overview"]["customers"] == 2
        assert report["overview"]["revenue"] == "22.50 EUR"
        assert report["as_of"] == "2024-02-03"

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"customer,date\n1,2024-13-45\n", "line 2 of bad.csv: 'date' must be a date"),
            (b"customer,date\n", "no events"),
            (b"who,when\n1,2024-01-01\n", "missing column 'customer'"),
            (b"customer,date\n\xff\xfe,2024-01-01\n", "not valid utf-8-sig text at byte 14"),
        ],
    )
    def test_bad_files_give_one_line_and_exit_2(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        content: bytes,
        message: str,
    ) -> None:
        (tmp_path / "bad.csv").write_bytes(content)
        monkeypatch.chdir(tmp_path)
        assert main(["report", "bad.csv"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("lifecycle: error: ")
        assert message in err
        assert err.count("\n") == 1

    def test_missing_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["report", "/no/such/events.csv"]) == 2
        assert "No such file" in capsys.readouterr().err

    def test_bad_as_of(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["report", "--as-of", "yesterday"]) == 2
        assert "'as_of' must be a date" in capsys.readouterr().err


class TestCommand:
    def test_version(self) -> None:
        result = run("--version")
        assert result.returncode == 0
        assert result.stdout.strip() == f"lifecycle {__version__}"

    def test_bad_file_has_no_traceback(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.csv"
        path.write_text("customer,date\n1,never\n")
        result = run("report", str(path))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("lifecycle: error: line 2 of ")
        assert "bad.csv: 'date'" in result.stderr
