"""Round trips through every format of lifecycle.io lose nothing, over random event logs.

Each test writes a random log (``strategies.event_logs``: int or str customers, every kind,
amounts in EUR, USD, JPY or KWD or none, quantities, categories, survey scores and a
``segment`` attribute with missing values) and reads it back: the columns, the kinds, the
labels, the currency and the attributes come back equal, NaN scores and missing labels
stay missing, and a population computed from the copy equals the original's.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.strategies import event_logs, log_and_as_of
from lifecycle import EventLog, io
from lifecycle.events import STANDARD_KINDS, Loaded

pa = pytest.importorskip("pyarrow", reason="the arrow extra (pyarrow) is not installed")
pl = pytest.importorskip("polars", reason="the polars extra is not installed")
pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")

EXAMPLES = settings(max_examples=20)


def loaded(result: EventLog | Loaded) -> EventLog:
    assert isinstance(result, EventLog)
    return result


def own(log: EventLog) -> list[str]:
    """The log's kinds beyond the standard ones: a format without metadata must be told them."""
    return list(log.kinds[len(STANDARD_KINDS) :])


def assert_same_log(copy: EventLog, log: EventLog) -> None:
    assert copy.customers.tolist() == log.customers.tolist()
    assert copy.customers.dtype.kind == log.customers.dtype.kind
    np.testing.assert_array_equal(copy.code, log.code)
    np.testing.assert_array_equal(copy.date, log.date)
    assert copy.date.dtype == np.dtype("datetime64[D]")
    assert copy.kinds == log.kinds
    np.testing.assert_array_equal(copy.kind_code, log.kind_code)
    assert copy.currency == log.currency
    np.testing.assert_array_equal(copy.amount_minor, log.amount_minor)
    if log.amount_known is None:
        assert copy.amount_known is None
    else:
        assert copy.amount_known is not None
        assert copy.amount_known.tolist() == log.amount_known.tolist()
    assert copy.amount_minor.dtype == np.int64
    for name in ("quantity", "category", "product", "channel", "score"):
        mine, theirs = getattr(copy, name), getattr(log, name)
        assert (mine is None) == (theirs is None), name
        if theirs is not None:
            np.testing.assert_array_equal(mine, theirs)  # NaN scores compare equal
    assert dict(copy.labels) == dict(log.labels)
    assert list(copy.attributes) == list(log.attributes)
    for name, values in log.attributes.items():
        assert copy.attributes[name].tolist() == values.tolist(), name


def assert_same_population(copy: EventLog, log: EventLog, as_of: dt.date) -> None:
    ours, theirs = copy.population(as_of), log.population(as_of)
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name].tolist() == theirs[name].tolist() or np.array_equal(
            ours[name], theirs[name], equal_nan=True
        ), name


class TestArrow:
    @EXAMPLES
    @given(log_and_as_of())
    def test_to_arrow_and_back(self, case: tuple[EventLog, dt.date]) -> None:
        log, as_of = case
        copy = loaded(io.from_arrow(io.to_arrow(log)))
        assert_same_log(copy, log)
        assert_same_population(copy, log, as_of)

    @EXAMPLES
    @given(event_logs())
    def test_arrow_types_are_exact(self, log: EventLog) -> None:
        schema = io.to_arrow(log).schema
        assert schema.field("date").type == pa.date32()
        assert pa.types.is_dictionary(schema.field("kind").type)
        if log.currency is None:
            assert "amount_minor" not in schema.names
        else:
            field = schema.field("amount_minor")
            assert field.type == pa.int64()
            assert field.metadata[b"lifecycle.currency"] == log.currency.code.encode()
        if log.category is not None:
            assert pa.types.is_dictionary(schema.field("category").type)
        if log.score is not None:
            assert schema.field("score").type == pa.float64()

    @EXAMPLES
    @given(event_logs())
    def test_missing_values_are_null(self, log: EventLog) -> None:
        table = io.to_arrow(log)
        if log.category is not None:
            assert table.column("category").null_count == int((log.category < 0).sum())
        if log.score is not None:
            assert table.column("score").null_count == int(np.isnan(log.score).sum())
        if "segment" in log.attributes:
            nulls = sum(v is None for v in log.attributes["segment"].tolist())
            assert table.column("segment").null_count == nulls


class TestParquet:
    @EXAMPLES
    @given(event_logs())
    def test_write_and_read_back(self, log: EventLog) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "events.parquet"
            io.write_parquet(log, path)
            copy = loaded(io.read_parquet(path))
        assert_same_log(copy, log)


class TestPolars:
    @EXAMPLES
    @given(log_and_as_of())
    def test_to_polars_and_back(self, case: tuple[EventLog, dt.date]) -> None:
        log, as_of = case
        frame = io.to_polars(log)
        assert frame.schema["date"] == pl.Date
        copy = loaded(io.from_polars(frame, attributes=list(log.attributes), kinds=own(log)))
        assert_same_log(copy, log)
        assert_same_population(copy, log, as_of)


class TestPandas:
    @EXAMPLES
    @given(log_and_as_of())
    def test_to_pandas_and_back(self, case: tuple[EventLog, dt.date]) -> None:
        log, as_of = case
        frame = io.to_pandas(log)
        assert isinstance(frame["kind"].dtype, pd.CategoricalDtype)
        if log.currency is not None:
            nullable = log.amount_known is not None
            assert frame["amount_minor"].dtype == ("Int64" if nullable else np.int64)
        copy = loaded(io.from_pandas(frame, attributes=list(log.attributes), kinds=own(log)))
        assert_same_log(copy, log)
        assert_same_population(copy, log, as_of)


def write_sqlite(log: EventLog) -> sqlite3.Connection:
    """The log as an SQLite table: ISO dates, integer minor units, NULL where missing or unknown."""
    db = sqlite3.connect(":memory:")
    names = ["customer", "date", "kind"]
    rows: list[list[Any]] = [log.customer.tolist(), log.date.astype(str).tolist()]
    rows.append(log.kind.tolist())
    if log.currency is not None:
        names += ["amount_minor", "currency"]
        known = log.amount_known
        amounts = [
            a if known is None or known[i] else None
            for i, a in enumerate(log.amount_minor.tolist())
        ]
        rows += [amounts, [log.currency.code] * len(log)]
    if log.quantity is not None:
        names.append("quantity")
        rows.append(log.quantity.tolist())
    for field in ("category", "product", "channel"):
        codes = getattr(log, field)
        if codes is not None:
            labels = log.labels[field]
            names.append(field)
            rows.append([labels[c] if c >= 0 else None for c in codes.tolist()])
    if log.score is not None:
        names.append("score")
        rows.append([None if np.isnan(s) else s for s in log.score.tolist()])
    for name, values in log.attributes.items():
        names.append(name)
        rows.append(values.tolist())
    db.execute(f"CREATE TABLE events ({', '.join(names)})")
    marks = ", ".join("?" * len(names))
    db.executemany(f"INSERT INTO events VALUES ({marks})", list(zip(*rows, strict=True)))
    return db


class TestSqlite:
    @EXAMPLES
    @given(log_and_as_of())
    def test_write_and_query_back(self, case: tuple[EventLog, dt.date]) -> None:
        log, as_of = case
        db = write_sqlite(log)
        copy = loaded(
            io.read_sql(
                db,
                "SELECT * FROM events",
                attributes=list(log.attributes),
                kinds=own(log),
                batch_size=7,
            )
        )
        assert_same_log(copy, log)
        assert_same_population(copy, log, as_of)


class TestTables:
    @EXAMPLES
    @given(log_and_as_of())
    def test_population_to_arrow_keeps_missing_money_and_dates(
        self, case: tuple[EventLog, dt.date]
    ) -> None:
        log, as_of = case
        pop = log.population(as_of)
        table = io.table_to_arrow(pop)
        assert table.column_names == list(pop)
        for name in pop:
            column = table.column(name)
            missing = pop.is_missing(name)
            assert column.is_null().to_numpy(zero_copy_only=False).tolist() == missing.tolist()
            values = pop[name]
            if values.dtype.kind == "M":
                assert column.type == pa.date32()
            if pop.kind_of(name) == "money" and pop.currency is not None:
                assert column.type == pa.int64()
                assert table.schema.field(name).metadata[b"lifecycle.currency"] == (
                    pop.currency.code.encode()
                )
            present = column.drop_null().to_pylist()
            expected = [v for v, m in zip(values.tolist(), missing.tolist(), strict=True) if not m]
            if values.dtype.kind == "M":
                expected = [np.datetime64(v, "D").item() for v in values[~missing]]
            assert present == expected, name

    @EXAMPLES
    @given(log_and_as_of())
    def test_population_to_polars(self, case: tuple[EventLog, dt.date]) -> None:
        log, as_of = case
        pop = log.population(as_of)
        frame = io.table_to_polars(pop)
        assert frame.columns == list(pop)
        for name in pop:
            assert frame[name].is_null().to_list() == pop.is_missing(name).tolist(), name


class TestDecimalAmounts:
    @EXAMPLES
    @given(
        st.lists(
            st.one_of(
                st.none(),
                st.decimals(min_value=-5, max_value=10**12, places=4, allow_nan=False),
            ),
            min_size=1,
            max_size=12,
        ),
        st.integers(0, 4),
        st.sampled_from(["EUR", "JPY", "KWD"]),
        st.booleans(),
    )
    def test_decimal_columns_load_as_their_exact_strings(
        self, values: list[Decimal | None], scale: int, code: str, with_column: bool
    ) -> None:
        """The decimal fast path agrees with the exact per-row path, rejections included."""
        quantum = Decimal(1).scaleb(-scale)
        amounts = [None if v is None else v.quantize(quantum) for v in values]
        n = len(amounts)
        base = {"customer": list(range(n)), "date": ["2024-01-01"] * n}
        extra = {"currency": [code] * n} if with_column else {}
        decimals = pa.table(base | {"amount": pa.array(amounts, pa.decimal128(18, scale))} | extra)
        strings = pa.table(base | {"amount": [None if a is None else str(a) for a in amounts]})
        strings = strings.append_column("currency", pa.array([code] * n)) if extra else strings
        currency = None if with_column else code
        ours = io.from_arrow(decimals, currency=currency, errors="collect")
        exact = io.from_arrow(strings, currency=currency, errors="collect")
        assert isinstance(ours, Loaded)
        assert isinstance(exact, Loaded)
        assert ours.log.amount_minor.tolist() == exact.log.amount_minor.tolist()
        assert [(r.row, r.column) for r in ours.rejected] == [
            (r.row, r.column) for r in exact.rejected
        ]


def one_unknown_amount() -> EventLog:
    """Three purchases, the middle one's amount unknown (not zero)."""
    return loaded(
        EventLog.from_records(
            [
                {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
                {"customer": 1, "date": "2024-02-05", "currency": "EUR"},
                {"customer": 2, "date": "2024-03-05", "amount": "10.00", "currency": "EUR"},
            ]
        )
    )


def through_sqlite(log: EventLog) -> EventLog:
    return loaded(io.read_sql(write_sqlite(log), "SELECT * FROM events"))


def through_parquet(log: EventLog) -> EventLog:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.parquet"
        io.write_parquet(log, path)
        return loaded(io.read_parquet(path))


class TestUnknownAmount:
    """An unknown amount stays unknown through every format: null on the way out, not 0."""

    @pytest.mark.parametrize(
        "through",
        [
            lambda log: loaded(io.from_arrow(io.to_arrow(log))),
            through_parquet,
            lambda log: loaded(io.from_polars(io.to_polars(log))),
            lambda log: loaded(io.from_pandas(io.to_pandas(log))),
            through_sqlite,
        ],
        ids=["arrow", "parquet", "polars", "pandas", "sqlite"],
    )
    def test_round_trip(self, through: Any) -> None:
        log = one_unknown_amount()
        assert log.amount_known is not None
        copy = through(log)
        assert_same_log(copy, log)
        as_of = dt.date(2024, 6, 1)
        assert_same_population(copy, log, as_of)
        # Customer 1's one known purchase is the average, not (2500 + 0) / 2.
        assert copy.population(as_of)["average_order_value"].tolist()[0] == 2500

    def test_written_as_null(self) -> None:
        log = one_unknown_amount()
        assert io.to_arrow(log).column("amount_minor").to_pylist() == [2500, None, 1000]
        assert io.to_polars(log)["amount_minor"].to_list() == [2500, None, 1000]
        column = io.to_pandas(log)["amount_minor"]
        assert column.dtype == "Int64"
        assert column.isna().tolist() == [False, True, False]

    def test_null_minor_units_read_as_unknown(self) -> None:
        table = pa.table(
            {"customer": [1, 2], "date": ["2024-01-01"] * 2, "amount_minor": [None, 300]}
        )
        log = loaded(io.from_arrow(table, currency="EUR"))
        assert log.amount_minor.tolist() == [0, 300]
        assert log.amount_known is not None
        assert log.amount_known.tolist() == [False, True]

    def test_null_decimal_read_as_unknown(self) -> None:
        amounts = pa.array([Decimal("1.50"), None], pa.decimal128(10, 2))
        table = pa.table({"customer": [1, 2], "date": ["2024-01-01"] * 2, "amount": amounts})
        log = loaded(io.from_arrow(table, currency="EUR"))
        assert log.amount_known is not None
        assert log.amount_known.tolist() == [True, False]

    def test_bad_minor_units_object_is_refused(self) -> None:
        with pytest.raises(ValueError, match="row 1: 'amount' must be integer minor units"):
            EventLog.from_arrays(
                customer=[1, 2],
                date=["2024-01-01"] * 2,
                amount_minor=np.array([5, "7"], dtype=object),
                currency="EUR",
            )
