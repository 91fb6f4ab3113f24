"""Loading under hostile input: each way a file or record could load wrong, then a fuzz test.

The cases first (issue 9: nothing silently wrong), one class per kind of bad input, each a
test that failed before the fix; then Hypothesis mutates valid CSV text and records (junk
values, short and long rows, quotes, encodings, huge numbers) and checks that only a
``LifecycleError`` escapes and that, under ``errors="collect"``, every data line is either
loaded or rejected.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle import EventLog, LoyaltyLadder, LoyaltyRule, Money
from lifecycle.errors import CurrencyMismatchError, LifecycleError, SchemaError, ValidationError
from lifecycle.events import STANDARD_KINDS, Loaded, Rejected


def collect(result: EventLog | Loaded) -> tuple[EventLog, tuple[Rejected, ...]]:
    assert isinstance(result, Loaded)
    log, rejected = result
    return log, rejected


def write(tmp_path: Path, text: str | bytes, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def row(**fields: Any) -> dict[str, Any]:
    return {"customer": 1, "date": "2024-01-01", **fields}


HEADER = "customer,date,amount,currency\n"


# ---------------------------------------------------------------------- 1. rows and quotes


class TestRowShape:
    def test_long_row_raises_in_strict_mode(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + "a,2024-01-01,1.00,EUR\nb,2024-01-02,2.00,EUR,extra\n")
        with pytest.raises(
            SchemaError, match=r"line 3 of .*events\.csv: 'row' has 5 fields, the header has 4"
        ):
            EventLog.from_csv(path)

    def test_unclosed_quote_names_the_line_it_opens_on(self, tmp_path: Path) -> None:
        # Before: the quote swallowed lines 4 and 5 and a 4-row file loaded 2 rows, no error.
        text = HEADER + (
            "a,2024-01-01,1.00,EUR\n"
            'b,2024-01-02,2.00,EUR,"oops\n'
            "c,2024-01-03,3.00,EUR\n"
            "d,2024-01-04,4.00,EUR\n"
        )
        path = write(tmp_path, text)
        with pytest.raises(
            SchemaError,
            match=r"line 3 of .*: 'row' has a quote that opens on line 3 and never closes "
            r"\(read as CSV it would swallow the 2 lines after it\)",
        ):
            EventLog.from_csv(path)
        log, rejected = collect(EventLog.from_csv(path, errors="collect"))
        assert log.customers.tolist() == ["a", "c", "d"]
        assert [(r.row, r.line, r.column) for r in rejected] == [(1, 3, "row")]

    def test_quoted_field_may_span_lines(self, tmp_path: Path) -> None:
        text = 'customer,date,product\na,2024-01-01,"two\nlines"\nb,2024-01-0x,p\n'
        path = write(tmp_path, text)
        log, rejected = collect(EventLog.from_csv(path, errors="collect"))
        assert log.product is not None
        assert np.asarray(log.labels["product"])[log.product].tolist() == ["two\nlines"]
        assert [(r.row, r.line, r.column) for r in rejected] == [(1, 4, "date")]
        text = 'customer,date,product\na,2024-01-0x,"two\nlines"\n'
        _, rejected = collect(EventLog.from_csv(write(tmp_path, text), errors="collect"))
        assert str(rejected[0]).startswith("lines 2-3: 'date'")

    def test_collect_accounts_for_every_data_line(self, tmp_path: Path) -> None:
        text = HEADER + (
            "\n"
            "a,2024-01-01,1.00,EUR\n"
            "b,2024-01-02\n"
            "   \n"
            'c,2024-01-03,3.00,EUR,"\n'
            "d,2024-01-04,4.00,EUR,x,y\n"
            "e,2024-01-05,5.00,EUR\n"
        )
        log, rejected = collect(EventLog.from_csv(write(tmp_path, text), errors="collect"))
        assert log.customers.tolist() == ["a", "e"]
        assert [r.line for r in rejected] == [4, 6, 7]
        assert len(log) + len(rejected) == 5  # the non-blank data lines

    def test_header_false_rows_must_match_the_first(self, tmp_path: Path) -> None:
        path = write(tmp_path, "1,2024-01-01\n2,2024-01-02,x\n")
        with pytest.raises(SchemaError, match=r"line 2 of .*: 'row' has 3 fields, the first row"):
            EventLog.from_csv(path, header=False, columns={"customer": 0, "date": 1})


# ---------------------------------------------------------------------- 2. huge amounts


class TestHugeNumbers:
    @pytest.mark.parametrize("amount", ["1e400", "9e18", "92233720368547758.08", "1e999999"])
    def test_amount_beyond_int64_is_a_bad_row(self, amount: str) -> None:
        # Before: OverflowError from events/_columns.py.
        records = [row(amount="1", currency="EUR"), row(amount=amount, currency="EUR")]
        with pytest.raises(ValidationError, match=r"row 1: 'amount' is too large: .* at most "):
            EventLog.from_records(records)
        log, rejected = collect(EventLog.from_records(records, errors="collect"))
        assert len(log) == 1
        assert [(r.row, r.column) for r in rejected] == [(1, "amount")]

    def test_largest_amount_loads(self) -> None:
        log = EventLog.from_records([row(amount="92233720368547758.07", currency="EUR")])
        assert log.amount_minor.tolist() == [2**63 - 1]

    def test_amount_with_more_digits_than_exact_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="has too many digits"):
            EventLog.from_records([row(amount="1." + "0" * 70 + "1", currency="EUR")])

    def test_uint64_minor_units_do_not_wrap(self) -> None:
        minor = np.array([5, 2**63], dtype=np.uint64)
        with pytest.raises(ValidationError, match="row 1: 'amount' is too large"):
            EventLog.from_arrays(
                customer=[1, 2], date=["2024-01-01"] * 2, amount_minor=minor, currency="EUR"
            )

    def test_huge_quantity_and_customer_id(self) -> None:
        with pytest.raises(ValidationError, match="row 0: 'quantity' is too large"):
            EventLog.from_records([row(quantity="1e30")])
        with pytest.raises(ValidationError, match="row 0: 'customer' must fit in 64 bits"):
            EventLog.from_records([row(customer=2**70)])
        ids = np.array([1, 2**63], dtype=np.uint64)
        with pytest.raises(ValidationError, match="row 1: 'customer' must fit in 64 bits"):
            EventLog.from_arrays(customer=ids, date=["2024-01-01"] * 2)


# ---------------------------------------------------------------------- 5. currency= conflicts


class TestCurrencyArgument:
    def test_conflict_with_a_record(self) -> None:
        records = [row(amount="1"), row(amount="2", currency="USD")]
        with pytest.raises(
            CurrencyMismatchError, match="row 1: 'currency' conflicts with currency=EUR"
        ):
            EventLog.from_records(records, currency="EUR")
        log = EventLog.from_records(
            [row(amount="1"), row(amount="2", currency="EUR")], currency="EUR"
        )
        assert log.amount_minor.tolist() == [100, 200]

    def test_conflict_with_a_file_column(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + "a,2024-01-01,1.00,\nb,2024-01-02,2.00,USD\n")
        with pytest.raises(CurrencyMismatchError, match=r"line 3 of .*conflicts with currency=EUR"):
            EventLog.from_csv(path, currency="EUR")

    def test_conflict_with_a_frame_column(self) -> None:
        frame = pd.DataFrame(
            {
                "customer": [1, 2],
                "date": ["2024-01-01"] * 2,
                "amount": ["1", "2"],
                "currency": [None, "USD"],
            }
        )
        with pytest.raises(CurrencyMismatchError, match="row 1: 'currency' conflicts"):
            EventLog.from_pandas(frame, currency="EUR")
        frame["currency"] = [None, "EUR"]
        log = EventLog.from_pandas(frame, currency="EUR")
        assert isinstance(log, EventLog)
        assert log.amount_minor.tolist() == [100, 200]


# ---------------------------------------------------------------------- 6. unknown keys


class TestUnknownKeys:
    def test_unknown_columns_key(self, tmp_path: Path) -> None:
        # Before: every purchase loaded with amount 0.
        path = write(tmp_path, "customer,date,Value\n1,2024-01-01,9.50\n")
        with pytest.raises(
            SchemaError,
            match=r"columns= maps unknown field 'amout'; did you mean 'amount'\? "
            r"\(fields: customer, date, kind, amount",
        ):
            EventLog.from_csv(path, columns={"amout": "Value"}, currency="EUR")
        frame = pd.DataFrame({"customer": [1], "date": ["2024-01-01"], "Value": ["9.50"]})
        with pytest.raises(SchemaError, match="unknown field 'amout'; did you mean 'amount'"):
            EventLog.from_pandas(frame, columns={"amout": "Value"}, currency="EUR")

    def test_attribute_naming_no_column(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer,date,segmnt\n1,2024-01-01,gold\n")
        with pytest.raises(
            SchemaError,
            match=r"missing column 'segment' for attribute 'segment'; did you mean 'segmnt'\? "
            r"\(columns: customer, date, segmnt\)",
        ):
            EventLog.from_csv(path, attributes=["segment"])
        with pytest.raises(
            SchemaError,
            match=r"attribute 'segment' is in no record; did you mean 'segmnt'\? \(keys: ",
        ):
            EventLog.from_records([row(segmnt="gold")], attributes=["segment", "segmnt"])
        frame = pd.DataFrame({"customer": [1], "date": ["2024-01-01"]})
        with pytest.raises(SchemaError, match="missing column 'segment' for attribute"):
            EventLog.from_pandas(frame, attributes=["segment"])

    def test_duplicated_header_name(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer,date,amount,amount\n1,2024-01-01,1,2\n")
        with pytest.raises(
            SchemaError,
            match=r"line 1 of .*: the header names column 'amount' twice \(columns 3 and 4",
        ):
            EventLog.from_csv(path, currency="EUR")
        frame = pd.DataFrame([[1, "2024-01-01", "a"]], columns=["customer", "date", "date"])
        with pytest.raises(SchemaError, match="the frame names column 'date' twice"):
            EventLog.from_pandas(frame)

    def test_unknown_record_field_has_a_hint(self) -> None:
        with pytest.raises(SchemaError, match="unknown field 'amout'; did you mean 'amount'"):
            EventLog.from_records([row(amout="1")])


# ---------------------------------------------------------------------- 7. event kinds


class TestKinds:
    @pytest.mark.parametrize("kind", ["purchse", "PURCHASE", "Purchase "])
    def test_typo_is_refused_with_a_hint(self, kind: str) -> None:
        # Before: each loaded as a user kind and its revenue counted as nothing.
        with pytest.raises(
            ValidationError,
            match=r"row 0: 'kind' is not a known event kind: did you mean "
            r"'purchase'\? \(known: purchase, return, .*kinds=\[\.\.\.\]",
        ):
            EventLog.from_records([row(kind=kind, amount="1", currency="EUR")])

    def test_declared_kinds_on_every_constructor(self, tmp_path: Path) -> None:
        kinds = ["referral", "trial"]
        log = EventLog.from_records([row(kind="trial"), row(kind="visit")], kinds=kinds)
        assert log.kinds == (*STANDARD_KINDS, "referral", "trial")
        assert log.kind.tolist() == ["trial", "visit"]
        arrays = EventLog.from_arrays(
            customer=[1], date=["2024-01-01"], kind="referral", kinds=kinds
        )
        assert arrays.kind.tolist() == ["referral"]
        path = write(tmp_path, "customer,date,kind\n1,2024-01-01,trial\n")
        assert EventLog.from_csv(path, kinds=kinds).kind.tolist() == ["trial"]
        frame = pd.DataFrame({"customer": [1], "date": ["2024-01-01"], "kind": ["referral"]})
        assert EventLog.from_pandas(frame, kinds=kinds).kind.tolist() == ["referral"]

    def test_undeclared_kind_on_every_constructor(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="'kind' is not a known event kind"):
            EventLog.from_arrays(customer=[1], date=["2024-01-01"], kind="referral")
        with pytest.raises(ValidationError, match="row 1: 'kind' is not a known event kind"):
            EventLog.from_arrays(
                customer=[1, 2], date=["2024-01-01"] * 2, kind=["visit", "referral"]
            )
        path = write(tmp_path, "customer,date,kind\n1,2024-01-01,refferal\n")
        with pytest.raises(ValidationError, match="did you mean 'referral'"):
            EventLog.from_csv(path, kinds=["referral"])
        frame = pd.DataFrame({"customer": [1], "date": ["2024-01-01"], "kind": ["trial"]})
        with pytest.raises(ValidationError, match="'kind' is not a known event kind"):
            EventLog.from_pandas(frame)

    @pytest.mark.parametrize(
        ("kinds", "message"),
        [
            (["Purchase"], "differs from the standard kind 'purchase' only in case"),
            ("referral", "must be a list of event kind names, not a string"),
            ([""], "must hold non-empty names"),
            ([" trial"], "without surrounding spaces"),
        ],
    )
    def test_bad_declarations(self, kinds: Any, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            EventLog.from_records([row()], kinds=kinds)


# ---------------------------------------------------------------------- 8. survey scores


def survey(customer: object, score: object, day: str = "2024-01-01") -> dict[str, Any]:
    return {"customer": customer, "date": day, "kind": "survey", "score": score}


class TestScores:
    @pytest.mark.parametrize("score", [float("nan"), "nan", "NaN"])
    def test_nan_answer_is_refused(self, score: object) -> None:
        # Before: loaded as a missing answer without a word.
        with pytest.raises(ValidationError, match=r"row 0: 'score' must be a number, not NaN"):
            EventLog.from_records([survey(1, score)])

    @pytest.mark.parametrize("score", [float("inf"), "-inf", "1e400"])
    def test_infinite_answer_is_refused(self, score: object) -> None:
        with pytest.raises(ValidationError, match=r"row 0: 'score' must be finite"):
            EventLog.from_records([survey(1, score)])

    def test_nan_in_a_float_array_is_missing(self) -> None:
        log = EventLog.from_arrays(
            customer=[1, 1],
            date=["2024-01-01"] * 2,
            kind=["visit", "survey"],
            score=np.array([np.nan, 9.0]),
        )
        assert np.isnan(log.score[0])
        with pytest.raises(ValidationError, match="row 1: 'score' must be finite"):
            EventLog.from_arrays(
                customer=[1, 1], date=["2024-01-01"] * 2, score=np.array([1.0, np.inf])
            )

    def test_score_scale_on_every_constructor(self, tmp_path: Path) -> None:
        records = [survey(1, 9), survey(2, 11), survey(3, -3)]
        with pytest.raises(
            ValidationError, match=r"row 1: 'score' must be on the scale 0 to 10 \(got 11\)"
        ):
            EventLog.from_records(records, score_scale=(0, 10))
        log, rejected = collect(
            EventLog.from_records(records, score_scale=(0, 10), errors="collect")
        )
        assert [(r.row, r.column, r.value) for r in rejected] == [
            (1, "score", 11),
            (2, "score", -3),
        ]
        assert len(log) == 1
        with pytest.raises(ValidationError, match="row 0: 'score' must be on the scale 1 to 5"):
            EventLog.from_arrays(
                customer=[1], date=["2024-01-01"], kind="survey", score=[7], score_scale=(1, 5)
            )
        path = write(tmp_path, "customer,date,kind,score\n1,2024-01-01,survey,7.5\n")
        with pytest.raises(ValidationError, match=r"line 2 of .*'score' must be on the scale 1"):
            EventLog.from_csv(path, score_scale=(1, 5))
        frame = pd.DataFrame({"customer": [1], "date": ["2024-01-01"], "score": [12.0]})
        with pytest.raises(ValidationError, match="must be on the scale 0 to 10"):
            EventLog.from_pandas(frame, score_scale=(0, 10))

    @pytest.mark.parametrize("scale", [(10, 0), (0, math.nan), (0,), "0-10", (False, 1)])
    def test_bad_score_scale(self, scale: Any) -> None:
        with pytest.raises(ValidationError, match="'score_scale' must be a pair"):
            EventLog.from_records([row()], score_scale=scale)


class TestRulesReadingScores:
    """The loyalty rules read the 0-10 recommend answer: off that scale they refuse."""

    LOG = EventLog.from_records(
        [
            row(customer="ann", amount="5", currency="EUR"),
            row(customer="ann", date="2024-02-01", amount="5", currency="EUR"),
            survey("ann", 11, "2024-02-02"),
            survey("bob", 8, "2024-02-02"),
        ]
    )

    @pytest.mark.parametrize("rule", [LoyaltyRule(), LoyaltyLadder()])
    def test_profile_and_population_name_the_customer(self, rule: Any) -> None:
        # Before: the customer who answered 11 was a promoter.
        name = type(rule).__name__
        with pytest.raises(
            ValidationError,
            match=rf"customer 'ann': 'last_survey_score' must be on the 0-10 recommend scale "
            rf"{name} reads \(got 11\)",
        ):
            rule.evaluate(self.LOG.profile("ann", "2024-03-01"))
        with pytest.raises(
            ValidationError, match=r"\(1 customers off it, first customer 'ann': 11\)"
        ):
            rule.evaluate(self.LOG.population("2024-03-01"))
        with pytest.raises(ValidationError, match="customer 'ann'"):
            rule.explain(self.LOG.profile("ann", "2024-03-01"))
        assert rule.evaluate(self.LOG.profile("bob", "2024-03-01")) is not None


# ---------------------------------------------------------------------- for people who load files


class TestFiles:
    def test_excel_byte_order_mark(self, tmp_path: Path) -> None:
        # Before: "missing column 'customer'", the BOM invisible in the message.
        path = write(tmp_path, b"\xef\xbb\xbfcustomer,date\n1,2024-01-01\n")
        assert EventLog.from_csv(path).customers.tolist() == ["1"]

    def test_decimal_comma(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer;date;amount;score\n1;2024-01-01;25,00;7,5\n")
        log = EventLog.from_csv(path, delimiter=";", decimal=",", currency="EUR")
        assert log.amount_minor.tolist() == [2500]
        assert log.score is not None
        assert log.score.tolist() == [7.5]
        path = write(tmp_path, "customer;date;amount\n1;2024-01-01;1.250,00\n")
        with pytest.raises(SchemaError, match=r"line 2 of .*'amount' has a '\.' but decimal=','"):
            EventLog.from_csv(path, delimiter=";", decimal=",", currency="EUR")

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"decimal": ","}, "decimal=',' needs another delimiter"),
            ({"decimal": ";", "delimiter": "\t"}, "'decimal' must be '.' or ','"),
            ({"encoding": "klingon"}, "'encoding' must be a text encoding"),
            ({"delimiter": "::"}, "'delimiter' must be one character"),
        ],
    )
    def test_bad_file_options(self, tmp_path: Path, kwargs: Any, message: str) -> None:
        path = write(tmp_path, "customer,date\n1,2024-01-01\n")
        with pytest.raises(ValidationError, match=message):
            EventLog.from_csv(path, **kwargs)

    def test_unknown_currency_in_a_file_gives_no_python_advice(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + "1,2024-01-01,1.00,XXQ\n")
        with pytest.raises(ValidationError, match="must be a known ISO 4217 code") as err:
            EventLog.from_csv(path)
        assert "minor_units" not in str(err.value)


# ---------------------------------------------------------------------- the fuzz test

_GOOD_ROWS = [
    ["a", "2024-01-01", "purchase", "10.00", "EUR", "7"],
    ["a", "2024-02-01", "survey", "", "", "9"],
    ["b", "2024-01-15", "visit", "", "", ""],
    ["c", "2024-03-01", "purchase", "1.5", "EUR", ""],
]
_FIELD_NAMES = ["customer", "date", "kind", "amount", "currency", "score"]
_JUNK = st.sampled_from(
    [
        "",
        " ",
        '"',
        '""',
        '"x',
        'x"y',
        ",",
        ";",
        "\t",
        "nan",
        "NaN",
        "inf",
        "-1",
        "1e400",
        "9e18",
        "92233720368547758.08",
        "1_000",
        "25,00",
        "purchse",
        "PURCHASE",
        "XXQ",
        "usd",
        "2024-13-45",
        "2024-02-30",
        "0000-01-01",
        "9999-12-31",
        "\x00",
        "é",
        "\ufeff",
        "ß" * 50,
        "-0",
        "1e-999999",
        "0x10",
        "١٢",
        "None",
        "null",
        str(2**64),
        "-" + str(2**63),
    ]
)


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    """Valid event CSV text, then mutated: junk cells, short and long rows, stray quotes."""
    rows = [list(r) for r in draw(st.lists(st.sampled_from(_GOOD_ROWS), min_size=1, max_size=8))]
    for cells in rows:
        action = draw(st.integers(0, 9))
        if action == 1:
            cells[draw(st.integers(0, len(cells) - 1))] = draw(_JUNK)
        elif action == 2:
            del cells[draw(st.integers(0, len(cells) - 1)) :]
        elif action == 3:
            cells.extend(draw(st.lists(_JUNK, min_size=1, max_size=3)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([_FIELD_NAMES, *rows])
    lines = out.getvalue().split("\n")
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(1, len(lines) - 1))
        cut = draw(st.integers(0, len(lines[i])))
        lines[i] = (
            lines[i][:cut] + draw(st.sampled_from(['"', '"",', ",", "\r", "\n\n"])) + lines[i][cut:]
        )
    return "\n".join(lines)


def _data_lines(text: str) -> int:
    """Non-blank physical lines after the header."""
    lines = io.StringIO(text, newline="").readlines()
    return sum(1 for line in lines[1:] if line.strip())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=csv_texts(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
def test_fuzz_csv(tmp_path_factory: pytest.TempPathFactory, text: str, encoding: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "events.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        return
    for errors in ("raise", "collect"):
        try:
            result = EventLog.from_csv(path, errors=errors)  # type: ignore[call-overload]
        except LifecycleError:
            continue
        if errors == "raise":
            assert isinstance(result, EventLog)
            continue
        log, rejected = collect(result)
        assert all(r.line is not None and r.last_line is not None for r in rejected)
        spans = [(r.line, r.last_line) for r in rejected]
        assert spans == sorted(spans)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))  # type: ignore[operator]
        data_lines = _data_lines(text)
        if '"' not in text:
            # No quote, no record over several lines: one line, one row.
            assert len(log) + len(rejected) == data_lines
        else:
            assert 0 < len(log) + len(rejected) <= data_lines


_RECORD_JUNK = st.one_of(
    _JUNK,
    st.none(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.just(Money("1", "EUR")),
    st.just(Decimal("1E+400")),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def record_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Valid records with some values replaced by junk and some fields dropped."""
    records = []
    for cells in draw(st.lists(st.sampled_from(_GOOD_ROWS), min_size=1, max_size=8)):
        record: dict[str, Any] = {k: v or None for k, v in zip(_FIELD_NAMES, cells, strict=True)}
        for name in draw(st.sets(st.sampled_from(_FIELD_NAMES), max_size=2)):
            record[name] = draw(_RECORD_JUNK)
        for name in draw(st.sets(st.sampled_from(_FIELD_NAMES), max_size=1)):
            record.pop(name, None)
        records.append(record)
    return records


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=record_lists(), scale=st.sampled_from([None, (0, 10)]))
def test_fuzz_records(records: list[dict[str, Any]], scale: tuple[int, int] | None) -> None:
    with contextlib.suppress(LifecycleError):
        EventLog.from_records(records, score_scale=scale)
    try:
        log, rejected = collect(EventLog.from_records(records, score_scale=scale, errors="collect"))
    except LifecycleError:
        return
    assert len(log) + len(rejected) == len(records)
    assert len({r.row for r in rejected}) == len(rejected)
