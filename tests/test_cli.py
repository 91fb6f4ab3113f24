"""Tests of the lifecycle command (lifecycle.cli) and the report it prints."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lifecycle import EventLog, __version__
from lifecycle.cli import main
from lifecycle.errors import ValidationError
from lifecycle.report import build_report


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
            "schema",
            "as_of",
            "overview",
            "rfm",
            "stages",
            "satisfaction_loyalty",
            "pricing",
            "followup",
            "value",
            "cohorts",
            "stage_conversion",
            "at_risk",
            "models",
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
        headings = ("RFM (days)", "Relationship stages", "Loyalty states", "Demo pricing")
        for heading in (*headings, "Follow-up actions due in the next 7 days"):
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
        assert report["overview"]["revenue"] == {"amount": "22.50", "currency": "EUR"}
        assert report["schema"] == "lifecycle.report/1"
        assert report["rfm"]["unit"] == "D"
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


class TestFiles:
    """Issue 9: what a person loading their own file meets."""

    def report(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
        code = main(["report", *args])
        out, err = capsys.readouterr()
        return code, out, err

    def test_log_without_purchases(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # Before: IndexError in report._table.
        path = tmp_path / "visits.csv"
        path.write_text("customer,date,kind\na,2024-01-01,visit\nb,2024-01-05,visit\n")
        code, out, err = self.report(capsys, str(path))
        assert (code, err) == (0, "")
        assert "RFM (days): 0 buyers" in out
        assert "no purchases up to this date" in out
        assert "Loyalty ladder" in out
        assert "Demo pricing" not in out  # no amounts, no prices
        assert "Follow-up actions due in the next 7 days" in out
        code, out, _ = self.report(capsys, str(path), "--format", "json")
        assert code == 0
        assert json.loads(out)["pricing"] is None

    def test_error_names_the_line_of_the_file(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        (tmp_path / "events.csv").write_text(
            "customer,date,amount,currency\n\n"
            "a,2024-01-01,1.00,EUR\n"
            "b,2024-01-02,2.00,EUR\n"
            "\n"
            "c,2024-01-03,3.00,EUR\n"
            "d,2024-01-0x,3.00,EUR\n"
        )
        monkeypatch.chdir(tmp_path)
        code, _, err = self.report(capsys, "events.csv")
        assert code == 2
        assert err.startswith("lifecycle: error: line 7 of events.csv: 'date' must be a date")

    def test_no_python_advice(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "events.csv"
        path.write_text("customer,date,amount,currency\na,2024-01-01,1.00,XXQ\n")
        code, _, err = self.report(capsys, str(path))
        assert code == 2
        assert "must be a known ISO 4217 code" in err
        code, _, err = self.report(capsys, str(path), "--currency", "XXQ")
        assert code == 2
        assert "--currency XXQ is not a currency code this tool knows" in err
        for advice in ("minor_units=", "pass "):
            assert advice not in err

    def test_file_options(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "export.csv"
        path.write_bytes(
            "\ufeffid;day;value;what\n1;05/01/2024;25,00;purchase\n1;06/02/2024;4,50;trial\n".encode(
                "utf-8"
            )
        )
        code, out, err = self.report(
            capsys,
            str(path),
            "--delimiter",
            "semicolon",
            "--decimal",
            ",",
            "--date-format",
            "%d/%m/%Y",
            "--columns",
            "customer=id,date=day,amount=value,kind=what",
            "--kinds",
            "trial",
            "--currency",
            "EUR",
            "--format",
            "json",
        )
        assert (code, err) == (0, "")
        report = json.loads(out)
        assert report["overview"]["revenue"] == {"amount": "25.00", "currency": "EUR"}
        assert report["overview"]["events_by_kind"] == {"purchase": 1, "trial": 1}
        assert report["as_of"] == "2024-02-06"
        latin = tmp_path / "latin.csv"
        latin.write_bytes("customer\tdate\tcategory\nJosé\t2024-01-01\tCafé\n".encode("latin-1"))
        code, out, err = self.report(
            capsys, str(latin), "--encoding", "latin-1", "--delimiter", "tab"
        )
        assert (code, err) == (0, "")
        code, _, err = self.report(capsys, str(latin))
        assert code == 2
        assert "--encoding latin-1 on the command line" in err

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--columns", "customer"], "--columns takes field=column pairs"),
            (["--columns", "amout=value"], "unknown field 'amout'; did you mean 'amount'"),
            (["--delimiter", "::"], "--delimiter must be one character"),
            (["--decimal", ","], "decimal=',' needs another delimiter"),
        ],
    )
    def test_bad_options(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        args: list[str],
        message: str,
    ) -> None:
        path = tmp_path / "events.csv"
        path.write_text("customer,date\na,2024-01-01\n")
        code, _, err = self.report(capsys, str(path), *args)
        assert code == 2
        assert message in err

    def test_unknown_kind_and_score_off_the_scale(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "events.csv"
        path.write_text("customer,date,kind,score\na,2024-01-01,purchse,\n")
        code, _, err = self.report(capsys, str(path))
        assert code == 2
        assert "did you mean 'purchase'?" in err
        assert "--kinds on the command line" in err
        path.write_text("customer,date,kind,score\na,2024-01-01,survey,11\n")
        code, _, err = self.report(capsys, str(path))
        assert code == 2
        assert "line 2 of" in err
        assert "'score' must be on the scale 0 to 10 (got '11')" in err

    def test_as_of_outside_the_log(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "events.csv"
        path.write_text("customer,date\na,2024-01-01\nb,2024-03-01\n")
        code, _, err = self.report(capsys, str(path), "--as-of", "2023-12-31")
        assert code == 2
        assert "--as-of 2023-12-31 is before the first event (2024-01-01)" in err
        code, out, err = self.report(capsys, str(path), "--as-of", "2024-03-31")
        assert code == 0
        assert "note: --as-of 2024-03-31 is 30 days after the last event (2024-03-01)" in err
        assert out.startswith("Customer lifecycle report as of 2024-03-31")
        code, _, err = self.report(capsys, str(path), "--as-of", "2024-02-01")
        assert (code, err) == (0, "")


def test_report_names_the_customer_whose_answer_is_off_the_scale() -> None:
    # Before: nps() failed at the very end of the report naming no row or customer.
    log = EventLog.from_records(
        [{"customer": "ann", "date": "2024-01-01", "kind": "survey", "score": 11}]
    )
    with pytest.raises(ValidationError, match="first customer 'ann': 11"):
        build_report(log, dt.date(2024, 1, 2))
