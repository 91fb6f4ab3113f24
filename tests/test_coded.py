"""Dictionary-encoded columns (``lifecycle.events.Coded``) load as their plain columns do.

Arrow text and dictionary columns reach ``EventLog.from_arrays`` as codes into their few
distinct values, each value checked once. The fuzz test draws hostile columns (typos, blanks,
nulls, unknown currencies, values no row uses, repeated dictionary values, several chunks)
and checks that the dictionary path and the row-by-row path give the same log and the same
rejected rows, and in strict mode the same error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle import EventLog, io
from lifecycle.errors import LifecycleError, ValidationError
from lifecycle.events import Coded, Loaded

KINDS = ["purchase", "visit", "purchse", "", "  ", None, "gift", " visit"]
CURRENCIES = ["EUR", "EUR", "USD", "XXQ", "", None]
LABELS = ["books", "games", "", " ", None, "Books"]
CUSTOMERS = ["ann", "bob", "cy", "", None]


def same(a: EventLog, b: EventLog) -> None:
    for name in ("customers", "code", "date", "kind_code", "amount_minor", "category", "channel"):
        left, right = getattr(a, name), getattr(b, name)
        assert (left is None) == (right is None), name
        if left is not None:
            np.testing.assert_array_equal(left, right, err_msg=name)
    assert a.kinds == b.kinds
    assert dict(a.labels) == dict(b.labels)
    assert a.currency == b.currency


def plain(values: list[Any]) -> np.ndarray[Any, Any]:
    """The column a row-by-row loader is given: str when every value is one, else objects."""
    if all(isinstance(v, str) for v in values):
        return np.array(values, dtype=str)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def arrow_column(values: list[Any], encoding: str, chunks: int) -> Any:
    """``values`` as plain text, a dictionary with a value no row uses, or several chunks."""
    if encoding == "plain":
        return pa.array(values, pa.string())
    if encoding == "dictionary":
        # A repeated value and an unused one: Arrow allows both.
        pool = list(dict.fromkeys(v for v in values if v is not None))
        dictionary = [*pool, *pool[:1], "unused-value"]
        codes = [None if v is None else pool.index(v) for v in values]
        return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), dictionary)
    size = max(1, len(values) // chunks)
    parts = [values[i : i + size] for i in range(0, len(values), size)]
    return pa.chunked_array([pa.array(p, pa.string()).dictionary_encode() for p in parts])


@st.composite
def tables(draw: st.DrawFn) -> dict[str, list[Any]]:
    n = draw(st.integers(1, 30))

    def column(pool: list[Any]) -> list[Any]:
        return draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))

    return {
        "customer": column(CUSTOMERS),
        "kind": column(KINDS),
        "currency": column(CURRENCIES),
        "category": column(LABELS),
        "channel": column(LABELS),
    }


def load_both(
    columns: dict[str, list[Any]], encoding: str, chunks: int, errors: str
) -> tuple[Any, Any]:
    n = len(columns["customer"])
    dates = [f"2024-01-{1 + i % 28:02d}" for i in range(n)]
    table = pa.table(
        {
            **{name: arrow_column(v, encoding, chunks) for name, v in columns.items()},
            "date": pa.array(dates),
            "amount_minor": pa.array(np.arange(n, dtype=np.int64) * 100),
        }
    )
    results: list[Any] = []
    for load in (
        lambda: io.from_arrow(table, kinds=["gift"], errors=errors),  # type: ignore[call-overload]
        lambda: EventLog.from_arrays(  # type: ignore[call-overload]
            **{name: plain(v) for name, v in columns.items()},
            date=np.array(dates),
            amount_minor=np.arange(n, dtype=np.int64) * 100,
            kinds=["gift"],
            errors=errors,
        ),
    ):
        try:
            results.append(load())
        except LifecycleError as err:
            results.append(err)
    return results[0], results[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=tables(),
    encoding=st.sampled_from(["plain", "dictionary", "chunks"]),
    chunks=st.integers(1, 4),
)
def test_fuzz_dictionary_columns_load_as_plain_ones(
    columns: dict[str, list[Any]], encoding: str, chunks: int
) -> None:
    coded, rowwise = load_both(columns, encoding, chunks, "collect")
    if isinstance(rowwise, Exception):
        assert type(coded) is type(rowwise)
        assert str(coded) == str(rowwise)
        return
    assert isinstance(coded, Loaded)
    assert [str(r) for r in coded.rejected] == [str(r) for r in rowwise.rejected]
    if len(rowwise.log):
        same(coded.log, rowwise.log)
    strict, strict_rowwise = load_both(columns, encoding, chunks, "raise")
    assert type(strict) is type(strict_rowwise)
    if isinstance(strict, Exception):
        assert str(strict) == str(strict_rowwise)
    else:
        same(strict, strict_rowwise)


class TestCoded:
    def test_kind_typo_rejects_each_row_that_uses_it(self) -> None:
        kind = Coded(np.array([0, 1, 1, -1]), ["purchase", "purchse"])
        log, rejected = EventLog.from_arrays(
            customer=[1, 2, 3, 4], date=["2024-01-01"] * 4, kind=kind, errors="collect"
        )
        assert len(log) == 1
        assert [str(r) for r in rejected] == [
            "row 1: 'kind' is not a known event kind: did you mean 'purchase'? (known: "
            "purchase, return, visit, complaint, survey, cancellation, contact; declare other "
            "kinds with kinds=[...] in Python or --kinds on the command line) (got 'purchse')",
            "row 2: 'kind' is not a known event kind: did you mean 'purchase'? (known: "
            "purchase, return, visit, complaint, survey, cancellation, contact; declare other "
            "kinds with kinds=[...] in Python or --kinds on the command line) (got 'purchse')",
            "row 3: 'kind' must be a non-empty event kind such as 'purchase' (got None)",
        ]

    def test_labels_list_only_the_values_rows_use(self) -> None:
        category = Coded([2, -1, 2, 0], ["books", "never", "games", "books"])
        log = EventLog.from_arrays(
            customer=[1, 2, 3, 4], date=["2024-01-01"] * 4, category=category
        )
        assert log.labels["category"] == ("books", "games")
        assert log.category.tolist() == [1, -1, 1, 0]

    def test_customer_ids_from_a_dictionary_of_integers(self) -> None:
        log = EventLog.from_arrays(customer=Coded([1, 0, 1], [70, 3]), date=["2024-01-01"] * 3)
        assert log.customers.tolist() == [3, 70]

    def test_currency_from_a_dictionary_names_the_odd_row(self) -> None:
        with pytest.raises(ValidationError, match=r"row 2: 'currency' must be EUR like row 0"):
            EventLog.from_arrays(
                customer=[1, 2, 3],
                date=["2024-01-01"] * 3,
                amount_minor=[1, 2, 3],
                currency=Coded([0, 0, 1], ["EUR", "USD"]),
            )

    def test_other_fields_read_the_values_row_by_row(self) -> None:
        log = EventLog.from_arrays(
            customer=[1, 2], date=Coded([0, 0], ["2024-02-03"]), quantity=Coded([1, 0], [2, 5])
        )
        assert log.quantity.tolist() == [5, 2]

    @pytest.mark.parametrize(
        ("codes", "values", "message"),
        [
            ([0, 1], ["a"], r"'codes' must be -1 \(no value\) or index 'values' \(0 to 0\): row 1"),
            ([0, -2], ["a"], r"row 1 has -2"),
            ([0.5], ["a"], r"'codes' must be a 1-dimensional array of integers"),
            ([[0]], ["a"], r"'codes' must be a 1-dimensional array of integers"),
            ([0], "ab", r"'values' must be a sequence of values, not a string"),
        ],
    )
    def test_bad_codes(self, codes: Any, values: Any, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            Coded(codes, values)

    def test_length_must_match_the_log(self) -> None:
        with pytest.raises(ValidationError, match=r"'kind' has 1 values, expected 2"):
            EventLog.from_arrays(
                customer=[1, 2], date=["2024-01-01"] * 2, kind=Coded([0], ["visit"])
            )

    def test_repr(self) -> None:
        assert repr(Coded([0, 0, -1], ["visit"])) == "Coded(3 rows, 1 values)"

    def test_string_ids_sort_by_their_rank(self) -> None:
        # A repeated and an unused id in the dictionary; the rows come out sorted by id.
        customer = Coded([0, 2, 3, 0], ["bob", "zed", "ann", "bob"])
        log = EventLog.from_arrays(customer=customer, date=["2024-01-02"] * 4)
        assert log.customers.tolist() == ["ann", "bob"]
        assert log.customer.tolist() == ["ann", "bob", "bob", "bob"]

    def test_every_row_rejected(self) -> None:
        log, rejected = EventLog.from_arrays(
            customer=Coded([0, 0], ["ann"]), date=["soon", "later"], errors="collect"
        )
        assert len(log) == 0
        assert log.customers.tolist() == []
        assert len(rejected) == 2
