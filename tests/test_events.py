"""Tests of lifecycle.events: EventLog constructors, validation, layout and access."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.strategies import USER_KINDS, event_records
from lifecycle import EventLog, Money
from lifecycle.errors import (
    CurrencyMismatchError,
    SchemaError,
    UnknownCustomerError,
    ValidationError,
)
from lifecycle.events import STANDARD_KINDS, Loaded, Rejected, as_date, segment_bounds


def records_log(records: list[dict[str, Any]], **kwargs: Any) -> EventLog:
    log = EventLog.from_records(records, **kwargs)
    assert isinstance(log, EventLog)
    return log


def collect(result: EventLog | Loaded) -> tuple[EventLog, tuple[Rejected, ...]]:
    assert isinstance(result, Loaded)
    log, rejected = result
    return log, rejected


def row(**fields: Any) -> dict[str, Any]:
    return {"customer": 1, "date": "2024-01-01", **fields}


def write(tmp_path: Path, text: str | bytes, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# ---------------------------------------------------------------------- from_records


class TestFromRecords:
    def test_columns(self) -> None:
        log = records_log(
            [
                {"customer": "ann", "date": "2024-01-05", "amount": "20.00", "currency": "EUR"},
                {"customer": "ann", "date": dt.date(2024, 3, 1), "amount": Money("35.5", "EUR")},
                {"customer": "bob", "date": dt.datetime(2024, 2, 10, 23, 59), "kind": "visit"},
            ]
        )
        assert len(log) == 3
        assert log.customers.tolist() == ["ann", "bob"]
        assert log.code.tolist() == [0, 0, 1]
        assert log.customer.tolist() == ["ann", "ann", "bob"]
        assert log.date.dtype == np.dtype("datetime64[D]")
        assert log.date.tolist() == [dt.date(2024, 1, 5), dt.date(2024, 3, 1), dt.date(2024, 2, 10)]
        assert log.kind.tolist() == ["purchase", "purchase", "visit"]
        assert log.kinds == STANDARD_KINDS
        assert log.amount_minor.dtype == np.int64
        assert log.amount_minor.tolist() == [2000, 3550, 0]
        assert log.currency is not None
        assert log.currency.code == "EUR"
        assert log.start == dt.date(2024, 1, 5)
        assert log.end == dt.date(2024, 3, 1)
        assert repr(log) == "EventLog(3 events, 2 customers, 2024-01-05 .. 2024-03-01, EUR)"

    def test_currency_argument(self) -> None:
        log = records_log([row(amount="1.234")], currency="KWD")
        assert log.amount_minor.tolist() == [1234]
        assert log.currency is not None
        assert log.currency.code == "KWD"

    def test_amount_forms(self) -> None:
        log = records_log(
            [
                row(amount="1.50"),
                row(amount=Decimal("2.5")),
                row(amount=3),
                row(amount=Money("0.01", "EUR")),
                row(amount=None),
                row(kind="visit"),
            ],
            currency="EUR",
        )
        assert log.amount_minor.tolist() == [150, 250, 300, 1, 0, 0]

    def test_no_amounts_no_currency(self) -> None:
        log = records_log([row()])
        assert log.currency is None
        assert log.amount_minor.tolist() == [0]
        assert repr(log).endswith("no amounts)")

    def test_user_defined_kinds(self) -> None:
        log = records_log(
            [
                row(kind="referral"),
                row(kind="purchase"),
                row(kind="appointment"),
                row(kind="visit"),
            ],
            kinds=["appointment", "referral"],
        )
        assert log.kinds == (*STANDARD_KINDS, "appointment", "referral")
        assert log.kind.tolist() == ["referral", "purchase", "appointment", "visit"]
        assert log.kind_mask("referral", "visit").tolist() == [True, False, False, True]
        assert log.kind_mask("nothing").tolist() == [False] * 4

    def test_labels_scores_quantities(self) -> None:
        log = records_log(
            [
                row(category="books", product="p1", channel="web", quantity=2),
                row(category="music", channel="shop"),
                row(kind="survey", score=9),
                row(kind="survey", score="7.5", category=""),
            ]
        )
        assert log.labels["category"] == ("books", "music")
        assert log.labels["product"] == ("p1",)
        assert log.labels["channel"] == ("shop", "web")
        assert log.category is not None
        assert log.category.tolist() == [0, 1, -1, -1]
        assert log.product is not None
        assert log.product.tolist() == [0, -1, -1, -1]
        assert log.quantity is not None
        assert log.quantity.tolist() == [2, 1, 1, 1]
        assert log.score is not None
        assert log.score.tolist()[2:] == [9.0, 7.5]
        assert np.isnan(log.score[:2]).all()

    def test_optional_columns_absent(self) -> None:
        log = records_log([row()])
        assert log.quantity is None
        assert log.category is None
        assert log.score is None
        assert log.labels == {}
        assert log.attributes == {}

    def test_attributes_carried(self) -> None:
        log = records_log(
            [row(segment="gold", birthday=dt.date(1990, 5, 1)), row(customer=2, segment=None)],
            attributes=["segment", "birthday"],
        )
        assert log.attributes["segment"].tolist() == ["gold", None]
        assert log.attributes["birthday"].tolist() == [dt.date(1990, 5, 1), None]

    def test_sorted_by_customer_then_date_keeping_input_order(self) -> None:
        log = records_log(
            [
                {"customer": "b", "date": "2024-01-02", "seq": 0},
                {"customer": "a", "date": "2024-01-03", "seq": 1},
                {"customer": "b", "date": "2024-01-01", "seq": 2},
                {"customer": "a", "date": "2024-01-03", "seq": 3},
                {"customer": "b", "date": "2024-01-02", "seq": 4},
                {"customer": "a", "date": "2024-01-01", "seq": 5},
            ],
            attributes=["seq"],
        )
        assert log.attributes["seq"].tolist() == [5, 1, 3, 2, 0, 4]
        assert log.customer.tolist() == ["a", "a", "a", "b", "b", "b"]

    def test_integer_ids_sort_numerically(self) -> None:
        log = records_log([row(customer=c) for c in (10, -3, 2, 10)])
        assert log.customers.tolist() == [-3, 2, 10]
        assert log.customers.dtype.kind == "i"
        assert log.code.tolist() == [0, 1, 2, 2]

    def test_generator_input(self) -> None:
        log = records_log(row(customer=c) for c in range(3))
        assert len(log) == 3

    def test_unknown_field(self) -> None:
        with pytest.raises(
            SchemaError, match=r"row 1: unknown field 'colour' \(allowed: amount, category"
        ):
            EventLog.from_records([row(), row(colour="red")])

    @pytest.mark.parametrize("field", ["customer", "date"])
    def test_missing_required_field(self, field: str) -> None:
        record = row()
        del record[field]
        with pytest.raises(SchemaError, match=f"row 2: '{field}' is required but missing"):
            EventLog.from_records([row(), row(), record])

    def test_record_must_be_a_mapping(self) -> None:
        with pytest.raises(SchemaError, match=r"row 1: expected a mapping \(got tuple\)"):
            EventLog.from_records([row(), (1, "2024-01-01")])  # type: ignore[list-item]

    def test_empty_input(self) -> None:
        with pytest.raises(ValidationError, match="no events: the input is empty"):
            EventLog.from_records([])

    def test_errors_mode(self) -> None:
        with pytest.raises(ValidationError, match="'errors' must be 'raise' or 'collect'"):
            EventLog.from_records([row()], errors="ignore")  # type: ignore[arg-type]


# Strict mode: the first bad row raises naming the row, the column and the value.
BAD_ROWS = [
    pytest.param(row(date="2024-13-01"), "date", "'2024-13-01'", id="unparseable-date"),
    pytest.param(row(date="01/02/2024"), "date", "'01/02/2024'", id="non-iso-date"),
    pytest.param(row(date="2024-01"), "date", "'2024-01'", id="month-only"),
    pytest.param(row(date=20240101), "date", "20240101", id="int-date"),
    pytest.param(row(amount="NaN", currency="EUR"), "amount", "'NaN'", id="nan-string"),
    pytest.param(row(amount="-1", currency="EUR"), "amount", "'-1'", id="negative-amount"),
    pytest.param(
        row(amount=Decimal("-0.01"), currency="EUR"), "amount", "Decimal('-0.01')", id="neg-dec"
    ),
    pytest.param(row(amount=9.99, currency="EUR"), "amount", "9.99", id="float-amount"),
    pytest.param(row(amount="abc", currency="EUR"), "amount", "'abc'", id="text-amount"),
    pytest.param(row(amount="1.005", currency="EUR"), "amount", "'1.005'", id="sub-cent"),
    pytest.param(row(amount="1.5", currency="JPY"), "amount", "'1.5'", id="sub-yen"),
    pytest.param(row(amount=True, currency="EUR"), "amount", "True", id="bool-amount"),
    pytest.param(row(quantity=-1), "quantity", "-1", id="negative-quantity"),
    pytest.param(row(quantity=1.5), "quantity", "1.5", id="fractional-quantity"),
    pytest.param(row(quantity="x"), "quantity", "'x'", id="text-quantity"),
    pytest.param(row(score="high"), "score", "'high'", id="text-score"),
    pytest.param(row(score=True), "score", "True", id="bool-score"),
    pytest.param(row(score=float("inf")), "score", "inf", id="infinite-score"),
    pytest.param(row(customer=""), "customer", "''", id="empty-customer"),
    pytest.param(row(customer=1.0), "customer", "1.0", id="float-customer"),
    pytest.param(row(customer=True), "customer", "True", id="bool-customer"),
    pytest.param(row(kind=""), "kind", "''", id="empty-kind"),
    pytest.param(row(kind=5), "kind", "5", id="int-kind"),
    pytest.param(
        row(amount=Money("1", "EUR"), currency="USD"), "currency", "'USD'", id="money-vs-currency"
    ),
]


class TestStrictErrors:
    @pytest.mark.parametrize(("bad", "column", "shown"), BAD_ROWS)
    def test_first_bad_row_raises(self, bad: dict[str, Any], column: str, shown: str) -> None:
        good = row(customer=bad["customer"] if type(bad["customer"]) is int else 7)
        if "currency" in bad and column != "currency":
            good["currency"] = bad["currency"]
        with pytest.raises(ValidationError) as err:
            EventLog.from_records([good, good, bad, good])
        message = str(err.value)
        assert message.startswith(f"row 2: '{column}' "), message
        assert message.endswith(f"(got {shown})"), message

    @pytest.mark.parametrize(("bad", "column", "shown"), BAD_ROWS)
    def test_collect_returns_it(self, bad: dict[str, Any], column: str, shown: str) -> None:
        good = row(customer=bad["customer"] if type(bad["customer"]) is int else 7)
        if "currency" in bad and column != "currency":
            good["currency"] = bad["currency"]
        log, rejected = collect(EventLog.from_records([good, bad, good], errors="collect"))
        assert len(log) == 2
        assert len(rejected) == 1
        assert rejected[0].row == 1
        assert rejected[0].column == column
        assert repr(rejected[0].value) == shown
        assert rejected[0].reason
        assert str(rejected[0]).startswith(f"row 1: '{column}' ")

    def test_float_amount_message_says_pass_a_string(self) -> None:
        with pytest.raises(ValidationError, match=r"pass a string such as '9\.99'"):
            EventLog.from_records([row(amount=9.99, currency="EUR")])

    def test_nan_amount_on_a_purchase(self) -> None:
        # A purchase whose amount is NaN must not load as a purchase of 0.
        with pytest.raises(ValidationError, match=r"row 0: 'amount' .*nan"):
            EventLog.from_records([row(amount=float("nan"), currency="EUR")])
        with pytest.raises(ValidationError, match=r"row 1: 'amount' .*nan"):
            EventLog.from_arrays(
                customer=[1, 2],
                date=["2024-01-01"] * 2,
                amount=np.array(["1.00", np.nan], dtype=object),
                currency="EUR",
            )

    def test_mixed_int_and_str_customer_ids(self) -> None:
        with pytest.raises(
            ValidationError, match=r"'customer' must be of one type: this log mixes int and str"
        ):
            EventLog.from_records([row(customer="a"), row(customer="b"), row(customer=3)])
        log, rejected = collect(
            EventLog.from_records(
                [row(customer="a"), row(customer="b"), row(customer=3)], errors="collect"
            )
        )
        # The minority type is rejected.
        assert log.customers.tolist() == ["a", "b"]
        assert [(r.row, r.value) for r in rejected] == [(2, 3)]

    def test_amount_needs_a_currency(self) -> None:
        with pytest.raises(ValidationError, match="'currency' is required with amounts"):
            EventLog.from_records([row(amount="1")])


class TestCurrencies:
    def test_mixed_currencies(self) -> None:
        records = [row(amount="1", currency="EUR"), row(customer=2, amount="1", currency="USD")]
        # The docs of from_arrays promise CurrencyMismatchError for mixed currencies.
        with pytest.raises(
            CurrencyMismatchError, match=r"row 1: 'currency' must be EUR like row 0: one currency"
        ):
            EventLog.from_records(records)
        with pytest.raises(CurrencyMismatchError, match=r"row 1: 'currency' must be EUR"):
            EventLog.from_arrays(
                customer=[1, 2],
                date=["2024-01-01"] * 2,
                amount_minor=[1, 2],
                currency=["EUR", "USD"],
            )

    def test_mixed_currencies_collected(self) -> None:
        records = [
            row(amount="1", currency="USD"),
            row(amount="2", currency="EUR"),
            row(amount="3", currency="EUR"),
            row(amount="4", currency="GBP"),
        ]
        log, rejected = collect(EventLog.from_records(records, errors="collect"))
        assert log.currency is not None
        assert log.currency.code == "EUR"
        assert log.amount_minor.tolist() == [200, 300]
        assert [(r.row, r.column, r.value) for r in rejected] == [
            (0, "currency", "USD"),
            (3, "currency", "GBP"),
        ]
        assert all("one currency per log" in r.reason for r in rejected)

    def test_unknown_currency_in_one_row(self) -> None:
        records = [row(amount="1", currency="EUR"), row(amount="1", currency="XXQ")]
        with pytest.raises(ValidationError, match=r"row 1: 'currency' must be a known ISO 4217"):
            EventLog.from_records(records)

    def test_unknown_currency_in_every_row(self) -> None:
        # The message must name the bad code, not claim that no currency was given.
        with pytest.raises(ValidationError, match=r"row 0: 'currency' .*'XXQ'"):
            EventLog.from_records([row(amount="1", currency="XXQ")])
        with pytest.raises(ValidationError, match=r"'XXQ'"):
            EventLog.from_records([row(amount="1")], currency="XXQ")
        log, rejected = collect(
            EventLog.from_records([row(amount="1", currency="XXQ")], errors="collect")
        )
        assert len(log) == 0
        assert [(r.row, r.column, r.value) for r in rejected] == [(0, "currency", "XXQ")]

    def test_unknown_currency_argument_to_from_arrays(self) -> None:
        with pytest.raises(ValidationError, match=r"must be a known ISO 4217 code \(got 'XXQ'\)"):
            EventLog.from_arrays(
                customer=[1], date=["2024-01-01"], amount_minor=[1], currency="XXQ"
            )

    def test_row_without_currency_takes_the_log_currency(self) -> None:
        log = records_log([row(amount="1", currency="EUR"), row(amount="2")])
        assert log.amount_minor.tolist() == [100, 200]


class TestCollect:
    def test_good_rows_load_and_bad_rows_come_back(self) -> None:
        records = [
            row(customer=1, amount="5", currency="EUR"),
            row(customer=2, date="soon", amount="5", currency="EUR"),
            row(customer=3, amount="-5", currency="EUR"),
            row(customer=4, amount="5", currency="EUR", quantity=-2),
            row(customer=5, amount="5.00", currency="EUR"),
        ]
        log, rejected = collect(EventLog.from_records(records, errors="collect"))
        assert log.customers.tolist() == [1, 5]
        assert [(r.row, r.column) for r in rejected] == [
            (1, "date"),
            (2, "amount"),
            (3, "quantity"),
        ]
        assert len(log) + len(rejected) == len(records)

    def test_one_reason_per_row(self) -> None:
        log, rejected = collect(
            EventLog.from_records(
                [row(), row(date="x", amount="-1", currency="EUR", quantity=-1)], errors="collect"
            )
        )
        assert len(log) == 1
        assert len(rejected) == 1

    def test_everything_rejected(self) -> None:
        log, rejected = collect(EventLog.from_records([row(date="x")], errors="collect"))
        assert len(log) == 0
        assert len(log.customers) == 0
        assert log.start is None
        assert repr(log) == "EventLog(0 events, 0 customers, empty, no amounts)"
        assert len(rejected) == 1

    def test_loaded_unpacks(self) -> None:
        loaded = EventLog.from_records([row()], errors="collect")
        assert isinstance(loaded, Loaded)
        log, rejected = loaded
        assert log is loaded.log
        assert rejected == ()


_CORRUPTIONS: list[tuple[str, Any]] = [
    ("date", "not a date"),
    ("date", "2024-02-30"),
    ("amount", "-3.00"),
    ("amount", "12.3456"),
    ("amount", "twelve"),
    ("amount", 1.5),
    ("quantity", -4),
    ("score", "good"),
    ("kind", ""),
    ("currency", "XQQ"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_records(max_events=25), st.data())
def test_collect_loses_nothing(
    case: tuple[list[dict[str, Any]], tuple[str, ...]], data: st.DataObject
) -> None:
    records, attributes = case
    bad_rows = data.draw(st.sets(st.integers(0, len(records) - 1), max_size=len(records)))
    for i in bad_rows:
        field, value = data.draw(st.sampled_from(_CORRUPTIONS))
        records[i] = {**records[i], field: value}
        if field in ("amount", "currency"):
            records[i].setdefault("currency", "EUR")
            records[i].setdefault("amount", "1")
            if isinstance(records[i]["amount"], Money):
                records[i]["amount"] = "1"
    currencies = {r["currency"] for r in records if r.get("currency") not in (None, "XQQ")}
    unknown_only = not currencies and any(r.get("currency") == "XQQ" for r in records)
    if len(currencies) > 1 or unknown_only:
        # One currency per log: mixing is tested on its own, and so is a log whose only
        # currency is unknown (test_unknown_currency_in_every_row).
        return
    result = EventLog.from_records(
        records, attributes=attributes, kinds=USER_KINDS, errors="collect"
    )
    log, rejected = collect(result)
    assert len(log) + len(rejected) == len(records)
    assert {r.row for r in rejected} == bad_rows
    kept = sorted(set(range(len(records))) - bad_rows)
    if not kept:
        assert len(log) == 0
        return
    # A kept row may take its currency from a rejected one: give it explicitly.
    currency = None if log.currency is None else log.currency.code
    # An attribute only rejected rows carried is no column of a strict load of the rest.
    carried = tuple(a for a in attributes if any(a in records[i] for i in kept))
    strict = EventLog.from_records(
        [records[i] for i in kept], attributes=carried, currency=currency, kinds=USER_KINDS
    )
    assert isinstance(strict, EventLog)
    for name in ("code", "date", "kind_code", "amount_minor"):
        np.testing.assert_array_equal(getattr(log, name), getattr(strict, name))
    np.testing.assert_array_equal(log.customers, strict.customers)


# ---------------------------------------------------------------------- from_arrays


class TestFromArrays:
    def test_fast_path(self) -> None:
        log = EventLog.from_arrays(
            customer=np.array([7, 7, 3]),
            date=np.array(["2024-01-02", "2024-01-01", "2024-01-05"], dtype="datetime64[D]"),
            amount_minor=np.array([500, 250, 1000]),
            currency="USD",
        )
        assert isinstance(log, EventLog)
        assert log.customers.tolist() == [3, 7]
        assert log.customer.tolist() == [3, 7, 7]
        assert log.amount_minor.tolist() == [1000, 250, 500]
        assert log.kind.tolist() == ["purchase"] * 3

    def test_inputs_are_not_mutated(self) -> None:
        customer = np.array([2, 1])
        date = np.array(["2024-01-02", "2024-01-01"], dtype="datetime64[D]")
        EventLog.from_arrays(customer=customer, date=date)
        assert customer.tolist() == [2, 1]
        assert date.tolist() == [dt.date(2024, 1, 2), dt.date(2024, 1, 1)]

    def test_datetimes_keep_their_day(self) -> None:
        log = EventLog.from_arrays(
            customer=[1, 1],
            date=np.array(["2024-01-01T23:59", "2024-01-02T00:01"], dtype="datetime64[m]"),
        )
        assert isinstance(log, EventLog)
        assert log.date.tolist() == [dt.date(2024, 1, 1), dt.date(2024, 1, 2)]

    def test_string_ids_and_dates_and_decimal_amounts(self) -> None:
        log = EventLog.from_arrays(
            customer=["b", "a"],
            date=["2024-05-01", "2024-05-03"],
            kind=["purchase", "return"],
            amount=["19.99", Decimal("5")],
            currency="EUR",
            category=["x", None],
            score=[np.nan, 3.0],
            quantity=[1, 2],
            attributes={"segment": ["gold", "silver"]},
        )
        assert isinstance(log, EventLog)
        assert log.customers.tolist() == ["a", "b"]
        assert log.kind.tolist() == ["return", "purchase"]
        assert log.amount_minor.tolist() == [500, 1999]
        assert log.attributes["segment"].tolist() == ["silver", "gold"]
        assert log.quantity is not None
        assert log.quantity.tolist() == [2, 1]

    def test_broadcast_scalars(self) -> None:
        log = EventLog.from_arrays(customer=[1, 2], date="2024-01-01", kind="visit")
        assert isinstance(log, EventLog)
        assert log.kind.tolist() == ["visit", "visit"]
        assert log.date.tolist() == [dt.date(2024, 1, 1)] * 2

    def test_missing_date_in_datetime64(self) -> None:
        date = np.array(["2024-01-01", "NaT"], dtype="datetime64[D]")
        with pytest.raises(ValidationError, match="row 1: 'date' must not be missing"):
            EventLog.from_arrays(customer=[1, 2], date=date)

    def test_negative_minor_amount(self) -> None:
        with pytest.raises(ValidationError, match=r"row 1: 'amount' must be >= 0 \(got -5\)"):
            EventLog.from_arrays(
                customer=[1, 2], date="2024-01-01", amount_minor=[5, -5], currency="EUR"
            )

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"amount_minor": [1.5]}, "'amount_minor' must be integer minor units"),
            ({"amount": [1.5]}, "not a float"),
            ({"amount": ["1"], "amount_minor": [1]}, "give 'amount' or 'amount_minor', not both"),
            ({"date": ["2024-01-01", "2024-01-02"]}, "'date' has 2 values, expected 1"),
            ({"customer": [[1]]}, "'customer' must be 1-dimensional"),
            ({"customer": [1.5]}, "'customer' must be int or str ids"),
            ({"customer": []}, "no events: the input is empty"),
            ({"quantity": [1.5]}, "'quantity' must be whole numbers"),
        ],
    )
    def test_errors(self, kwargs: dict[str, Any], message: str) -> None:
        args: dict[str, Any] = {"customer": [1], "date": ["2024-01-01"], "currency": "EUR"}
        args.update(kwargs)
        with pytest.raises(ValidationError, match=message):
            EventLog.from_arrays(**args)

    def test_same_log_as_from_records(self) -> None:
        records = [
            row(customer="b", date="2024-01-03", amount="1.00", category="x"),
            row(customer="a", date="2024-01-01", amount="2.50", kind="return"),
            row(customer="b", date="2024-01-02", kind="visit"),
        ]
        a = records_log(records, currency="EUR")
        b = EventLog.from_arrays(
            customer=[r["customer"] for r in records],
            date=[r["date"] for r in records],
            kind=[r.get("kind", "purchase") for r in records],
            amount=[r.get("amount") for r in records],
            currency="EUR",
            category=[r.get("category") for r in records],
        )
        assert isinstance(b, EventLog)
        for name in ("customers", "code", "date", "kind_code", "amount_minor", "category"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert a.kinds == b.kinds
        assert a.labels == b.labels

    def test_memory_per_event(self) -> None:
        # 10M purchase events must fit in 1 GB; 1M events at < 100 bytes each is the proxy.
        n = 1_000_000
        rng = np.random.default_rng(0)
        log = EventLog.from_arrays(
            customer=rng.integers(0, 100_000, n),
            date=np.datetime64("2020-01-01") + rng.integers(0, 1000, n).astype("timedelta64[D]"),
            amount_minor=rng.integers(0, 100_000, n),
            currency="EUR",
        )
        assert isinstance(log, EventLog)
        assert len(log) == n
        assert log.nbytes() / n < 100
        assert log.code.dtype == np.int32
        assert log.kind_code.dtype == np.int16
        assert log.amount_minor.dtype == np.int64


# ---------------------------------------------------------------------- from_csv


class TestFromCsv:
    def test_named_columns(self, tmp_path: Path) -> None:
        path = write(tmp_path, "id,day,value,what\n1,20240101,9.50,purchase\n2,20240102,,visit\n")
        log = EventLog.from_csv(
            path,
            columns={"customer": "id", "date": "day", "amount": "value", "kind": "what"},
            date_format="%Y%m%d",
            currency="USD",
        )
        assert isinstance(log, EventLog)
        assert log.customers.tolist() == ["1", "2"]
        assert log.amount_minor.tolist() == [950, 0]
        assert log.kind.tolist() == ["purchase", "visit"]
        assert log.date.tolist() == [dt.date(2024, 1, 1), dt.date(2024, 1, 2)]

    def test_default_names_iso_dates_and_currency_column(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "customer,date,amount,currency,category,segment\n"
            "a,2024-01-01,1.00,EUR,books,gold\n"
            "a,2024-01-02,2.00,EUR,,\n",
        )
        log = EventLog.from_csv(path, attributes=["segment"])
        assert isinstance(log, EventLog)
        assert log.amount_minor.tolist() == [100, 200]
        assert log.labels["category"] == ("books",)
        assert log.attributes["segment"].tolist() == ["gold", None]

    def test_positions_whitespace_no_header(self, tmp_path: Path) -> None:
        path = write(
            tmp_path, " 00004 0001 19970101  2   29.33\n\n 00004 0001 19970118  2  29.73\n"
        )
        log = EventLog.from_csv(
            path,
            header=False,
            delimiter=None,
            columns={"customer": 1, "date": 2, "quantity": 3, "amount": 4},
            date_format="%Y%m%d",
            currency="USD",
        )
        assert isinstance(log, EventLog)
        assert log.customers.tolist() == ["0001"]
        assert log.quantity is not None
        assert log.quantity.tolist() == [2, 2]
        assert log.amount_minor.tolist() == [2933, 2973]

    def test_other_delimiter_and_encoding(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer;date;category\n1;2024-01-01;Café\n".encode("latin-1"))
        log = EventLog.from_csv(path, delimiter=";", encoding="latin-1")
        assert isinstance(log, EventLog)
        assert log.labels["category"] == ("Café",)

    def test_missing_column(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer,amount\n1,1.00\n")
        with pytest.raises(
            SchemaError, match=r"missing column 'date' for field 'date' \(columns: customer, amount"
        ):
            EventLog.from_csv(path, currency="EUR")
        path = write(tmp_path, "customer,date,amount\n1,2024-01-01,1.00\n")
        with pytest.raises(SchemaError, match="missing column 'value' for field 'amount'"):
            EventLog.from_csv(path, columns={"amount": "value"}, currency="EUR")

    def test_header_false_needs_positions(self, tmp_path: Path) -> None:
        path = write(tmp_path, "1,2024-01-01\n")
        with pytest.raises(SchemaError, match="header=False needs positions"):
            EventLog.from_csv(path, header=False)

    def test_non_utf8_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer,date,category\n1,2024-01-01,Café\n".encode("latin-1"))
        with pytest.raises(
            SchemaError,
            match=re.escape(r"not valid utf-8-sig text at byte 39 (b'\xe9'); give the file's"),
        ):
            EventLog.from_csv(path)

    @pytest.mark.parametrize("text", ["", "customer,date\n", "customer,date\r\n"])
    def test_empty_file(self, tmp_path: Path, text: str) -> None:
        path = write(tmp_path, text)
        with pytest.raises(ValidationError, match="no events: the file has no data rows"):
            EventLog.from_csv(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(SchemaError, match=r"cannot read .*nope\.csv: No such file"):
            EventLog.from_csv(tmp_path / "nope.csv")

    def test_malformed_row(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer,date,amount\n1,2024-01-01,1.00\n2,2024-01-02\n")
        with pytest.raises(
            SchemaError, match=r"line 3 of .*: 'row' has 2 fields, the header has 3"
        ):
            EventLog.from_csv(path, currency="EUR")

    def test_bad_values_name_the_row(self, tmp_path: Path) -> None:
        path = write(tmp_path, "customer,date,amount\n1,2024-01-01,1.00\n2,2024-01-0x,2.00\n")
        with pytest.raises(
            ValidationError,
            match=r"line 3 of .*: 'date' must be a date YYYY-MM-DD \(got '2024-01-0x'\)",
        ):
            EventLog.from_csv(path, currency="EUR")
        path = write(tmp_path, "customer,date,amount\n1,20240101,nan\n")
        with pytest.raises(ValidationError, match=r"line 2 of .*: 'amount' must be finite"):
            EventLog.from_csv(path, currency="EUR", date_format="%Y%m%d")
        path = write(tmp_path, "customer,date,amount\n1,20241301,1\n")
        with pytest.raises(ValidationError, match=r"line 2 of .*: 'date' .*'%Y%m%d'.*'20241301'"):
            EventLog.from_csv(path, currency="EUR", date_format="%Y%m%d")

    def test_collect(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "customer,date,amount\n1,2024-01-01,1.00\n2,2024-01-0x,2.00\n3,2024-01-03,-1\n"
            "4,2024-01-04,4.00\n",
        )
        log, rejected = collect(EventLog.from_csv(path, currency="EUR", errors="collect"))
        assert log.customers.tolist() == ["1", "4"]
        assert [(r.row, r.column) for r in rejected] == [(1, "date"), (2, "amount")]

    def test_collect_keeps_going_past_a_malformed_row(self, tmp_path: Path) -> None:
        # errors="collect" returns every rejected row with its reason: a short row too.
        path = write(
            tmp_path, "customer,date,amount\n1,2024-01-01,1.00\n2,2024-01-02\n3,2024-01-03,3\n"
        )
        log, rejected = collect(EventLog.from_csv(path, currency="EUR", errors="collect"))
        assert log.customers.tolist() == ["1", "3"]
        assert len(rejected) == 1
        assert (
            str(rejected[0]) == "line 3: 'row' has 2 fields, the header has 3 (got '2,2024-01-02')"
        )


# ---------------------------------------------------------------------- from_pandas


class TestFromPandas:
    @pytest.fixture
    def frame(self) -> Any:
        pd = pytest.importorskip("pandas")
        return pd.DataFrame(
            {
                "customer": ["a", "b", "a"],
                "date": pd.to_datetime(
                    ["2024-01-03 09:00", "2024-01-01 10:00", "2024-01-01 18:00"]
                ),
                "amount": ["1.50", "2.00", "3"],
                "kind": ["purchase", "visit", "purchase"],
                "segment": ["x", "y", "z"],
            }
        )

    def test_frame(self, frame: Any) -> None:
        log = EventLog.from_pandas(frame, currency="EUR", attributes=["segment"])
        assert isinstance(log, EventLog)
        assert log.customer.tolist() == ["a", "a", "b"]
        assert log.date.tolist() == [dt.date(2024, 1, 1), dt.date(2024, 1, 3), dt.date(2024, 1, 1)]
        assert log.amount_minor.tolist() == [300, 150, 200]
        assert log.kind.tolist() == ["purchase", "purchase", "visit"]
        assert log.attributes["segment"].tolist() == ["z", "x", "y"]

    def test_renamed_columns_and_minor_units(self, frame: Any) -> None:
        df = frame.rename(columns={"customer": "id"}).assign(cents=[150, 200, 300])
        log = EventLog.from_pandas(
            df.drop(columns="amount"),
            columns={"customer": "id", "amount_minor": "cents"},
            currency="EUR",
        )
        assert isinstance(log, EventLog)
        assert log.amount_minor.tolist() == [300, 150, 200]

    def test_float_amounts_refused(self, frame: Any) -> None:
        with pytest.raises(ValidationError, match=r"row 0: 'amount' must be .* not a float"):
            EventLog.from_pandas(frame.assign(amount=[1.5, 2.0, 3.0]), currency="EUR")

    def test_missing_column(self, frame: Any) -> None:
        with pytest.raises(SchemaError, match="missing column 'date' for field 'date'"):
            EventLog.from_pandas(frame.drop(columns="date"), currency="EUR")
        with pytest.raises(SchemaError, match="missing column 'cents' for field 'amount_minor'"):
            EventLog.from_pandas(frame, columns={"amount_minor": "cents"}, currency="EUR")

    def test_unparseable_date_names_the_row(self, frame: Any) -> None:
        df = frame.assign(date=["2024-01-01", "soon", "2024-01-02"])
        with pytest.raises(ValidationError, match=r"row 1: 'date' .*'soon'"):
            EventLog.from_pandas(df, currency="EUR")

    def test_empty_frame(self, frame: Any) -> None:
        with pytest.raises(ValidationError, match="no events: the input is empty"):
            EventLog.from_pandas(frame.iloc[:0], currency="EUR")

    def test_collect(self, frame: Any) -> None:
        df = frame.assign(amount=["1.50", "-2", "3"])
        log, rejected = collect(EventLog.from_pandas(df, currency="EUR", errors="collect"))
        assert len(log) == 2
        assert [(r.row, r.column, r.value) for r in rejected] == [(1, "amount", "-2")]


# ---------------------------------------------------------------------- access


class TestAccess:
    @pytest.fixture
    def log(self) -> EventLog:
        return records_log(
            [
                row(customer=c, date=d)
                for c, d in [("b", "2024-01-02"), ("a", "2024-01-01"), ("b", "2024-01-01")]
            ]
        )

    def test_rows_of(self, log: EventLog) -> None:
        assert log.rows_of("a") == slice(0, 1)
        assert log.rows_of("b") == slice(1, 3)
        assert log.customer[log.rows_of("b")].tolist() == ["b", "b"]

    def test_customer_code(self, log: EventLog) -> None:
        assert log.customer_code("b") == 1
        with pytest.raises(UnknownCustomerError, match="customer 'c' has no events in this log"):
            log.customer_code("c")
        with pytest.raises(UnknownCustomerError, match="its ids are strings"):
            log.customer_code(1)

    def test_int_ids(self) -> None:
        log = records_log([row(customer=5), row(customer=9)])
        assert log.customer_code(np.int64(9)) == 1
        with pytest.raises(UnknownCustomerError, match="its ids are integers"):
            log.customer_code("5")
        with pytest.raises(UnknownCustomerError, match="its ids are integers"):
            log.customer_code(True)
        with pytest.raises(UnknownCustomerError, match="customer 7 has no events"):
            log.rows_of(7)

    def test_unknown_customer_is_a_lookup_error(self, log: EventLog) -> None:
        with pytest.raises(LookupError):
            log.profile("zz", "2024-02-01")

    def test_nbytes(self, log: EventLog) -> None:
        expected = sum(a.nbytes for a in (log.customers, log.code, log.date, log.kind_code))
        assert log.nbytes() == expected + log.amount_minor.nbytes


class TestSegmentBounds:
    @pytest.mark.parametrize(
        ("codes", "starts", "ends"),
        [
            ([0, 0, 2, 5, 5, 5], [0, 2, 3], [1, 2, 5]),
            ([3], [0], [0]),
            ([], [], []),
            ([1, 2, 3], [0, 1, 2], [0, 1, 2]),
        ],
    )
    def test_runs(self, codes: list[int], starts: list[int], ends: list[int]) -> None:
        s, e = segment_bounds(np.array(codes, dtype=np.int64))
        assert s.tolist() == starts
        assert e.tolist() == ends


class TestAsDate:
    @pytest.mark.parametrize(
        "value",
        [
            "2024-02-29",
            " 2024-02-29 ",
            "2024-02-29T13:45:00",
            dt.date(2024, 2, 29),
            dt.datetime(2024, 2, 29, 23, 59),
            np.datetime64("2024-02-29"),
            np.datetime64("2024-02-29T10:00"),
        ],
    )
    def test_accepted(self, value: Any) -> None:
        assert as_date(value) == dt.date(2024, 2, 29)

    @pytest.mark.parametrize(
        "value", ["29/02/2024", "2023-02-29", "", None, 20240229, np.datetime64("NaT")]
    )
    def test_refused(self, value: Any) -> None:
        with pytest.raises(ValidationError, match="'when' must be a date or an ISO date string"):
            as_date(value, "when")


class TestRejected:
    def test_str(self) -> None:
        rejected = Rejected(row=3, column="amount", value="-1", reason="must be >= 0")
        assert str(rejected) == "row 3: 'amount' must be >= 0 (got '-1')"


class TestColumnsAreValues:
    def test_the_log_does_not_share_memory_with_its_input(self) -> None:
        amounts = np.array([100, 200])
        log = EventLog.from_arrays(
            customer=[1, 2], date=["2024-01-01", "2024-01-02"], amount_minor=amounts, currency="EUR"
        )
        amounts[0] = 5
        assert log.amount_minor.tolist() == [100, 200]

    def test_columns_are_read_only(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(ValueError, match="read-only"):
            log.date[0] = np.datetime64("2020-01-01")
