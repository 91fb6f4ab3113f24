"""Tests of lifecycle.io: each loader's column rules, its errors, and the optional extras."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lifecycle import EventLog, Table, io
from lifecycle.errors import (
    CurrencyMismatchError,
    MissingDependencyError,
    SchemaError,
    ValidationError,
)
from lifecycle.events import Loaded, Rejected

pa = pytest.importorskip("pyarrow", reason="the arrow extra (pyarrow) is not installed")
pl = pytest.importorskip("polars", reason="the polars extra is not installed")
pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")
pq = pytest.importorskip("pyarrow.parquet", reason="the arrow extra (pyarrow) is not installed")


def loaded(result: EventLog | Loaded) -> EventLog:
    assert isinstance(result, EventLog)
    return result


def collect(result: EventLog | Loaded) -> tuple[EventLog, tuple[Rejected, ...]]:
    assert isinstance(result, Loaded)
    return result.log, result.rejected


def sample_log() -> EventLog:
    return loaded(
        EventLog.from_records(
            [
                {"customer": "ann", "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
                {"customer": "ann", "date": "2024-03-01", "kind": "survey", "score": 9},
                {"customer": "bob", "date": "2024-02-10", "kind": "visit", "category": "books"},
            ]
        )
    )


class TestImports:
    def test_no_optional_library_loads_with_lifecycle_or_lifecycle_io(self) -> None:
        code = (
            "import json, sys\n"
            "import lifecycle, lifecycle.io\n"
            "from lifecycle.io import *\n"
            "names = ('pyarrow', 'polars', 'pandas', 'duckdb')\n"
            "print(json.dumps([m for m in names if m in sys.modules]))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
        )
        assert json.loads(result.stdout) == []

    @pytest.mark.parametrize(
        ("module", "extra", "call"),
        [
            ("pyarrow", "arrow", lambda: io.to_arrow(sample_log())),
            ("pyarrow", "arrow", lambda: io.from_arrow(object())),
            ("pyarrow.dataset", "arrow", lambda: io.read_parquet("events.parquet")),
            ("pyarrow", "arrow", lambda: io.table_to_arrow(Table({"a": [1]}))),
            ("polars", "polars", lambda: io.to_polars(sample_log())),
            ("polars", "polars", lambda: io.from_polars(object())),
            ("polars", "polars", lambda: io.table_to_polars(Table({"a": [1]}))),
            ("pandas", "pandas", lambda: io.to_pandas(sample_log())),
            ("pandas", "pandas", lambda: io.from_pandas(object())),
        ],
    )
    def test_a_missing_extra_is_named(
        self, monkeypatch: pytest.MonkeyPatch, module: str, extra: str, call: Any
    ) -> None:
        monkeypatch.setitem(sys.modules, module, None)
        with pytest.raises(MissingDependencyError, match=rf"customer-lifecycle\[{extra}\]"):
            call()


class TestFromArrow:
    def test_maps_columns_and_reads_every_field(self) -> None:
        table = pa.table(
            {
                "id": pa.array(["b", "a", "a"]),
                "day": pa.array([dt.date(2024, 1, 3), dt.date(2024, 1, 2), dt.date(2024, 1, 1)]),
                "kind": pa.array(["purchase", "visit", "referral"]).dictionary_encode(),
                "price": pa.array([Decimal("1.50"), None, Decimal("2")], pa.decimal128(10, 2)),
                "currency": ["EUR", None, "EUR"],
                "quantity": pa.array([2, None, 1], pa.int32()),
                "category": pa.array(["x", None, "y"]).dictionary_encode(),
                "score": pa.array([None, 7, None], pa.int8()),
                "segment": ["gold", None, "silver"],
            }
        )
        log = loaded(
            io.from_arrow(
                table,
                {"customer": "id", "date": "day", "amount": "price"},
                attributes=["segment"],
                kinds=["referral"],
            )
        )
        assert log.customer.tolist() == ["a", "a", "b"]
        assert log.kind.tolist() == ["referral", "visit", "purchase"]
        assert log.amount_minor.tolist() == [200, 0, 150]
        assert log.currency is not None
        assert log.currency.code == "EUR"
        assert log.quantity is not None
        assert log.quantity.tolist() == [1, 1, 2]
        assert log.category is not None
        assert log.category.tolist() == [1, -1, 0]
        assert log.score is not None
        assert np.isnan(log.score[[0, 2]]).all()
        assert log.attributes["segment"].tolist() == ["silver", None, "gold"]

    def test_a_null_amount_is_an_event_without_one(self) -> None:
        cents = pa.array([250, None], pa.int64())
        table = pa.table({"customer": [1, 2], "date": ["2024-01-01"] * 2, "amount_minor": cents})
        assert loaded(io.from_arrow(table, currency="EUR")).amount_minor.tolist() == [250, 0]

    def test_a_dictionary_of_nothing_is_all_missing(self) -> None:
        empty = pa.DictionaryArray.from_arrays(
            pa.array([None, None], pa.int32()), pa.array([], pa.string())
        )
        table = pa.table({"customer": [1, 2], "date": ["2024-01-01"] * 2, "category": empty})
        assert loaded(io.from_arrow(table)).category is not None
        _, rejected = collect(
            io.from_arrow(table.rename_columns(["customer", "date", "kind"]), errors="collect")
        )
        assert [(r.row, r.column, r.value) for r in rejected] == [
            (0, "kind", None),
            (1, "kind", None),
        ]

    def test_reads_timestamps_on_their_own_calendar_day(self) -> None:
        # 2024-01-01 03:00 UTC is still 31 December in New York.
        instant = pa.array([1704078000], pa.timestamp("s", tz="America/New_York"))
        log = loaded(io.from_arrow(pa.table({"customer": [1], "date": instant})))
        assert log.date.tolist() == [dt.date(2023, 12, 31)]

    def test_accepts_record_batches_readers_and_arrow_streams(self) -> None:
        table = io.to_arrow(sample_log())
        # A polars frame keeps no metadata: to_polars writes the currency as a column.
        for source in (table.to_batches()[0], table.to_reader(), io.to_polars(sample_log())):
            assert len(loaded(io.from_arrow(source, attributes=[]))) == 3

    def test_currency_argument_fills_rows_without_one(self) -> None:
        table = pa.table(
            {"customer": [1, 2], "date": ["2024-01-01"] * 2, "amount": ["1", "2"]}
            | {"currency": ["EUR", None]}
        )
        assert loaded(io.from_arrow(table, currency="EUR")).amount_minor.tolist() == [100, 200]

    def test_metadata_currency_must_match_the_argument(self) -> None:
        with pytest.raises(CurrencyMismatchError, match=r"amounts are in EUR .* not USD"):
            io.from_arrow(io.to_arrow(sample_log()), currency="USD")

    def test_metadata_minor_units_must_match_the_currency(self) -> None:
        table = io.to_arrow(sample_log())
        field = table.schema.field("amount_minor")
        wrong = field.with_metadata({"lifecycle.currency": "EUR", "lifecycle.minor_units": "3"})
        table = table.cast(table.schema.set(table.schema.get_field_index("amount_minor"), wrong))
        with pytest.raises(ValidationError, match=r"with 3 decimals, but EUR has 2"):
            io.from_arrow(table)

    @pytest.mark.parametrize(
        ("column", "values", "message"),
        [
            ("amount", pa.array([1.5, float("nan")]), r"'amount' column 'amount' .* row 1 is NaN"),
            ("amount_minor", pa.array([1.0, 2.0]), r"'amount_minor' .* integer minor units"),
            ("customer", pa.array([True, False]), r"'customer' column 'customer' must hold int"),
            ("date", pa.array([20240101, 20240102]), r"'date' column 'date' must hold dates"),
            ("quantity", pa.array([1.0, 2.0]), r"'quantity' column 'quantity' must hold int"),
            ("score", pa.array([True, False]), r"'score' column 'score' must hold numbers"),
            ("category", pa.array([1, 2]), r"'category' column 'category' must hold strings"),
        ],
    )
    def test_refuses_a_column_of_the_wrong_type(
        self, column: str, values: Any, message: str
    ) -> None:
        base: dict[str, Any] = {"customer": [1, 2], "date": ["2024-01-01", "2024-01-02"]}
        table = pa.table(base | {column: values})
        with pytest.raises(ValidationError, match=message):
            io.from_arrow(table, currency="EUR")

    def test_refuses_uint64_past_int64(self) -> None:
        cents = pa.array([1, 2**63], pa.uint64())
        table = pa.table({"customer": [1, 2], "date": ["2024-01-01"] * 2, "amount_minor": cents})
        with pytest.raises(ValidationError, match=r"row 1: 'amount_minor' must fit in int64"):
            io.from_arrow(table, currency="EUR")

    @pytest.mark.parametrize(
        ("table", "kwargs", "message"),
        [
            (
                {"customer": [1], "date": ["2024-01-01"], "amout": ["1"]},
                {},
                r"column 'amout' that no field reads; did you mean 'amount'\?",
            ),
            ({"date": ["2024-01-01"]}, {}, r"no column 'customer' for field 'customer'"),
            ({"customer": [1], "date": ["2024-01-01"]}, {"columns": {"amt": "x"}}, r"field 'amt'"),
            (
                {"customer": [1], "date": ["2024-01-01"]},
                {"columns": {"amount": "cents"}},
                r"no column 'cents' for field 'amount'",
            ),
            (
                {"customer": [1], "date": ["2024-01-01"], "amount": ["1"], "amount_minor": [1]},
                {},
                r"both an amount column",
            ),
            ({"customer": [1], "date": ["2024-01-01"]}, {"attributes": ["tier"]}, r"'tier'"),
            (
                {"customer": [1], "date": ["2024-01-01"]},
                {"attributes": ["date"]},
                r"'date' is read as a field",
            ),
        ],
    )
    def test_schema_errors(self, table: dict[str, Any], kwargs: Any, message: str) -> None:
        with pytest.raises(SchemaError, match=message):
            io.from_arrow(pa.table(table), **kwargs)

    def test_refuses_unreadable_attribute_metadata(self) -> None:
        table = pa.table({"customer": [1], "date": ["2024-01-01"]})
        table = table.replace_schema_metadata({"lifecycle.attributes": "segment"})
        with pytest.raises(SchemaError, match=r"'lifecycle.attributes' metadata is not a JSON"):
            io.from_arrow(table)

    def test_ignore_leaves_columns_out(self) -> None:
        table = pa.table({"customer": [1], "date": ["2024-01-01"], "note": ["x"]})
        assert len(loaded(io.from_arrow(table, ignore=["note"]))) == 1

    def test_refuses_duplicate_column_names(self) -> None:
        table = pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["customer"] * 2)
        with pytest.raises(SchemaError, match=r"more than one column named 'customer'"):
            io.from_arrow(table)

    def test_refuses_what_is_not_arrow(self) -> None:
        with pytest.raises(ValidationError, match=r"expected a pyarrow Table.*\(got dict\)"):
            io.from_arrow({"customer": [1]})

    def test_bad_rows_raise_naming_the_row_or_come_back_collected(self) -> None:
        table = pa.table(
            {
                "customer": pa.array([1, None, 3, 4]),
                "date": ["2024-01-01", "2024-01-02", "soon", "2024-01-04"],
                "amount": ["1.00", "2.00", "3.00", "-4.00"],
            }
        )
        with pytest.raises(ValidationError, match=r"^row 1: 'customer'"):
            io.from_arrow(table, currency="EUR")
        log, rejected = collect(io.from_arrow(table, currency="EUR", errors="collect"))
        assert log.customer.tolist() == [1]
        assert [(r.row, r.column) for r in rejected] == [
            (1, "customer"),
            (2, "date"),
            (3, "amount"),
        ]

    def test_errors_mode_is_checked(self) -> None:
        table = pa.table({"customer": [1], "date": ["2024-01-01"]})
        with pytest.raises(ValidationError, match=r"'errors' must be 'raise' or 'collect'"):
            io.from_arrow(table, errors="ignore")  # type: ignore[call-overload]

    def test_an_empty_table_has_no_events(self) -> None:
        table = pa.table({"customer": pa.array([], pa.int64()), "date": pa.array([], pa.date32())})
        with pytest.raises(ValidationError, match=r"no events"):
            io.from_arrow(table)


class TestToArrow:
    def test_layout(self) -> None:
        table = io.to_arrow(sample_log())
        assert table.column_names == [
            "customer",
            "date",
            "kind",
            "amount_minor",
            "category",
            "score",
        ]
        assert table.schema.field("kind").type == pa.dictionary(pa.int16(), pa.string())
        assert table.column("kind").to_pylist() == ["purchase", "survey", "visit"]
        assert table.column("score").to_pylist() == [None, 9.0, None]
        assert table.schema.metadata[b"lifecycle.schema"] == b"lifecycle.events/1"
        assert json.loads(table.schema.metadata[b"lifecycle.attributes"]) == []

    def test_money_and_quantities_are_not_copied(self) -> None:
        log = loaded(
            EventLog.from_arrays(
                customer=[1, 2],
                date=["2024-01-01"] * 2,
                amount_minor=[5, 7],
                currency="EUR",
                quantity=[1, 3],
            )
        )
        table = io.to_arrow(log)
        for name in ("amount_minor", "quantity"):
            data = table.column(name).chunk(0).buffers()[1]
            assert data.address == getattr(log, name).ctypes.data, name

    def test_refuses_an_attribute_named_like_a_field(self) -> None:
        log = loaded(
            EventLog.from_arrays(customer=[1], date=["2024-01-01"], attributes={"score": [1]})
        )
        with pytest.raises(SchemaError, match=r"attribute 'score' has the name of an event field"):
            io.to_arrow(log)


class TestParquet:
    def test_reads_only_the_filtered_rows(self, tmp_path: Path) -> None:
        path = tmp_path / "events.parquet"
        io.write_parquet(sample_log(), path, row_group_size=1)
        log = loaded(io.read_parquet(path, filters=[("customer", "=", "bob")]))
        assert log.customer.tolist() == ["bob"]
        expr = pa.compute.field("date") < pa.scalar(dt.date(2024, 2, 1))
        assert loaded(io.read_parquet(path, filters=expr)).customer.tolist() == ["ann"]

    def test_maps_columns_of_a_foreign_file(self, tmp_path: Path) -> None:
        path = tmp_path / "orders.parquet"
        table = pa.table(
            {
                "order_id": [10, 11],
                "client": [5, 6],
                "ordered_on": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 2)]),
                "total": pa.array([Decimal("9.99"), Decimal("0.01")], pa.decimal128(9, 2)),
            }
        )
        pa.parquet.write_table(table, path)
        log = loaded(
            io.read_parquet(
                path,
                {"customer": "client", "date": "ordered_on", "amount": "total"},
                currency="USD",
                ignore=["order_id"],
            )
        )
        assert log.amount_minor.tolist() == [999, 1]

    def test_reads_a_partitioned_directory(self, tmp_path: Path) -> None:
        table = io.to_arrow(sample_log())
        pa.parquet.write_to_dataset(table, tmp_path / "events", partition_cols=None)
        assert len(loaded(io.read_parquet(tmp_path / "events"))) == 3

    def test_a_missing_file_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(SchemaError, match=r"cannot read .*nowhere.parquet"):
            io.read_parquet(tmp_path / "nowhere.parquet")

    def test_bad_filters_are_named(self, tmp_path: Path) -> None:
        path = tmp_path / "events.parquet"
        io.write_parquet(sample_log(), path)
        with pytest.raises(ValidationError, match=r"'filters' must be"):
            io.read_parquet(path, filters=[("customer", "~", "x", "y")])
        with pytest.raises(ValidationError, match=r"cannot read .* with filters"):
            io.read_parquet(path, filters=[("no_such_column", "=", 1)])


class TestPolars:
    def test_reads_polars_types(self) -> None:
        frame = pl.DataFrame(
            {
                "customer": [2, 1],
                "date": [dt.date(2024, 1, 2), dt.date(2024, 1, 1)],
                "kind": pl.Series(["purchase", "visit"], dtype=pl.Categorical),
                "amount": pl.Series([Decimal("1.25"), None], dtype=pl.Decimal(10, 2)),
            }
        )
        log = loaded(io.from_polars(frame, currency="EUR"))
        assert log.amount_minor.tolist() == [0, 125]
        assert log.kind.tolist() == ["visit", "purchase"]

    def test_refuses_float_money(self) -> None:
        frame = pl.DataFrame({"customer": [1], "date": ["2024-01-01"], "amount": [float("nan")]})
        with pytest.raises(ValidationError, match=r"never floats.*row 0 is NaN"):
            io.from_polars(frame, currency="EUR")

    def test_refuses_a_lazy_frame(self) -> None:
        with pytest.raises(ValidationError, match=r"collect\(\) a LazyFrame"):
            io.from_polars(pl.DataFrame({"customer": [1]}).lazy())

    def test_to_polars_types(self) -> None:
        frame = io.to_polars(sample_log())
        assert frame.schema["date"] == pl.Date
        assert frame.schema["amount_minor"] == pl.Int64
        assert frame.schema["kind"] == pl.Categorical
        assert frame["category"].to_list() == [None, None, "books"]


class TestPandas:
    def test_to_pandas_types(self) -> None:
        frame = io.to_pandas(sample_log())
        assert frame["date"].dtype.kind == "M"
        # The survey and the visit have no amount: nullable Int64, <NA> there, never 0.
        assert frame["amount_minor"].dtype == "Int64"
        assert frame["amount_minor"].isna().tolist() == [False, True, True]
        known = loaded(
            EventLog.from_records(
                [{"customer": 1, "date": "2024-01-01", "amount": "1.00", "currency": "EUR"}]
            )
        )
        assert io.to_pandas(known)["amount_minor"].dtype == np.int64
        assert isinstance(frame["category"].dtype, pd.CategoricalDtype)
        assert frame["category"].isna().tolist() == [True, True, False]
        assert frame["currency"].tolist() == ["EUR"] * 3

    def test_from_pandas_reads_missing_categories_and_strings_as_missing(self) -> None:
        frame = pd.DataFrame(
            {
                "customer": [1, 2],
                "date": ["2024-01-01", "2024-01-02"],
                "product": pd.array(["tea", pd.NA], dtype="string"),
                "channel": pd.Categorical([None, "web"]),
            }
        )
        log = loaded(io.from_pandas(frame))
        assert log.labels == {"product": ("tea",), "channel": ("web",)}
        assert log.product is not None
        assert log.product.tolist() == [0, -1]

    def test_from_pandas_rejects_nan_amounts_naming_the_row(self) -> None:
        frame = pd.DataFrame(
            {"customer": [1, 2], "date": ["2024-01-01"] * 2, "amount": ["1.00", np.nan]}
        )
        with pytest.raises(ValidationError, match=r"^row 1: 'amount' must be a number, not NaN"):
            io.from_pandas(frame, currency="EUR")


class TestReadCsv:
    def test_delegates_with_every_option(self, tmp_path: Path) -> None:
        path = tmp_path / "events.csv"
        path.write_text("who;when\nann;05/01/2024\nbob;bad\n", encoding="utf-8")
        log, rejected = collect(
            io.read_csv(
                path,
                columns={"customer": "who", "date": "when"},
                delimiter=";",
                date_format="%d/%m/%Y",
                errors="collect",
            )
        )
        assert log.date.tolist() == [dt.date(2024, 1, 5)]
        assert [r.row for r in rejected] == [1]


class FakeCursor:
    """A bare DB-API 2.0 cursor over fixed rows, counting the batches fetched."""

    def __init__(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.names, self.rows = names, rows
        self.description: list[tuple[str, ...]] | None = None
        self.fetches: list[int] = []
        self.closed = False

    def execute(self, query: str, params: Any = None) -> None:
        self.description = [(name, None, None, None, None, None, None) for name in self.names]

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        batch, self.rows = self.rows[:size], self.rows[size:]
        self.fetches.append(len(batch))
        return batch

    def close(self) -> None:
        self.closed = True


class FakeConnection:
    def __init__(self, cursor: FakeCursor) -> None:
        self._cursor = cursor

    def cursor(self) -> FakeCursor:
        return self._cursor


class TestReadSql:
    @pytest.fixture
    def db(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (customer, date, amount, currency, segment)")
        db.executemany(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
            [
                (1, "2024-01-01", "10.00", "EUR", "gold"),
                (2, "2024-01-02", 3.5, "EUR", None),
                (3, "2024-01-03", "1.00", None, "gold"),
            ],
        )
        return db

    def test_rejects_float_amounts_row_by_row(self, db: sqlite3.Connection) -> None:
        query = "SELECT customer, date, amount, currency FROM t"
        with pytest.raises(ValidationError, match=r"^row 1: 'amount' must be a str, int or Dec"):
            io.read_sql(db, query)
        log, rejected = collect(io.read_sql(db, query, currency="EUR", errors="collect"))
        assert log.customer.tolist() == [1, 3]
        assert [(r.row, r.column) for r in rejected] == [(1, "amount")]

    def test_params_and_attributes(self, db: sqlite3.Connection) -> None:
        query = "SELECT * FROM t WHERE customer != :skip"
        log = loaded(io.read_sql(db, query, {"skip": 2}, currency="EUR", attributes=["segment"]))
        assert log.amount_minor.tolist() == [1000, 100]
        assert log.attributes["segment"].tolist() == ["gold", "gold"]

    def test_other_result_columns_are_left_out(self, db: sqlite3.Connection) -> None:
        query = "SELECT customer, date, currency, segment FROM t"
        log = loaded(io.read_sql(db, query, currency="EUR"))
        assert log.attributes == {}
        query = "SELECT customer, date, segment AS categry FROM t"
        with pytest.raises(SchemaError, match=r"the query has a column 'categry' .*'category'"):
            io.read_sql(db, query, currency="EUR")

    def test_a_statement_without_rows_is_refused(self, db: sqlite3.Connection) -> None:
        with pytest.raises(ValidationError, match=r"no rows to read .* give a SELECT"):
            io.read_sql(db, "UPDATE t SET segment = 'x'")

    def test_an_empty_result_has_no_events(self, db: sqlite3.Connection) -> None:
        with pytest.raises(ValidationError, match=r"no events"):
            io.read_sql(db, "SELECT customer, date FROM t WHERE customer > 9")

    @pytest.mark.parametrize("size", [0, -1, 2.5, True])
    def test_batch_size_must_be_a_positive_int(self, db: sqlite3.Connection, size: Any) -> None:
        with pytest.raises(ValidationError, match=r"'batch_size' must be a positive int"):
            io.read_sql(db, "SELECT customer, date FROM t", batch_size=size)

    def test_any_connection_is_read_in_batches(self) -> None:
        rows = [(i, f"2024-01-{i:02d}", str(i)) for i in range(1, 8)]
        cursor = FakeCursor(["customer", "date", "amount"], rows)
        log = loaded(io.read_sql(FakeConnection(cursor), "q", currency="USD", batch_size=3))
        assert cursor.fetches == [3, 3, 1, 0]
        assert cursor.closed
        assert log.amount_minor.tolist() == [i * 100 for i in range(1, 8)]

    def test_date_objects_and_missing_dates(self) -> None:
        rows = [
            (1, dt.date(2024, 1, 2)),
            (2, dt.datetime(2024, 1, 3, 23, 59)),
            (3, None),
            (4, dt.date(2024, 1, 5)),
        ]
        cursor = FakeCursor(["customer", "date"], rows)
        log, rejected = collect(
            io.read_sql(FakeConnection(cursor), "q", batch_size=2, errors="collect")
        )
        assert log.date.tolist() == [dt.date(2024, 1, 2), dt.date(2024, 1, 3), dt.date(2024, 1, 5)]
        assert [(r.row, r.column) for r in rejected] == [(2, "date")]

    def test_duckdb_without_pyarrow_is_read_row_by_row(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
        monkeypatch.setattr("lifecycle.io._sql.find_spec", lambda name: None)
        db = duckdb.connect()
        query = "SELECT 1 AS customer, DATE '2024-01-05' AS date, 2.50::DECIMAL(9, 2) AS amount"
        assert loaded(io.read_sql(db, query, currency="EUR")).amount_minor.tolist() == [250]

    def test_nan_amounts_are_rejected_naming_the_row(self) -> None:
        rows = [(1, "2024-01-01", Decimal("1.5")), (2, "2024-01-01", float("nan"))]
        cursor = FakeCursor(["customer", "date", "amount"], rows)
        with pytest.raises(ValidationError, match=r"^row 1: 'amount' must be a number, not NaN"):
            io.read_sql(FakeConnection(cursor), "q", currency="EUR")

    def test_batches_of_different_types_are_not_coerced(self) -> None:
        # NumPy would join [1] and ["2"] as strings; the customer check must see both types.
        rows = [(1, "2024-01-01"), ("x", "2024-01-01"), ("y", "2024-01-01")]
        cursor = FakeCursor(["customer", "date"], rows)
        log, rejected = collect(
            io.read_sql(FakeConnection(cursor), "q", batch_size=1, errors="collect")
        )
        assert log.customer.tolist() == ["x", "y"]
        assert [(r.row, r.value) for r in rejected] == [(0, 1)]

    def test_duckdb_through_arrow(self) -> None:
        duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
        db = duckdb.connect()
        db.execute(
            "CREATE TABLE t AS SELECT * FROM (VALUES "
            "(1, DATE '2024-01-05', 25.00::DECIMAL(9, 2)), (2, DATE '2024-02-01', NULL)) "
            "AS v(customer, date, amount)"
        )
        log = loaded(io.read_sql(db, "SELECT * FROM t WHERE customer >= ?", [1], currency="EUR"))
        assert log.amount_minor.tolist() == [2500, 0]
        assert log.date.tolist() == [dt.date(2024, 1, 5), dt.date(2024, 2, 1)]
        assert db.execute("SELECT count(*) FROM t").fetchone() == (2,)


class TestTables:
    def test_table_to_arrow_types_and_missing_values(self) -> None:
        table = Table(
            {
                "customer": np.array(["a", "b"]),
                "day": np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"),
                "value": np.array([1.5, np.nan]),
                "label": np.array(["x", None], dtype=object),
                "flag": np.array([True, False]),
            }
        )
        arrow = io.table_to_arrow(table)
        assert arrow.schema.types == [
            pa.string(),
            pa.date32(),
            pa.float64(),
            pa.string(),
            pa.bool_(),
        ]
        assert arrow.column("day").to_pylist() == [dt.date(2024, 1, 1), None]
        assert arrow.column("value").to_pylist() == [1.5, None]
        assert arrow.column("label").to_pylist() == ["x", None]
        assert arrow.schema.metadata == {b"lifecycle.schema": b"lifecycle.table/1"}

    def test_decimal_objects_stay_exact(self) -> None:
        table = Table({"price": np.array([Decimal("0.10"), Decimal("2.25")], dtype=object)})
        column = io.table_to_arrow(table).column("price")
        assert pa.types.is_decimal(column.type)
        assert column.to_pylist() == [Decimal("0.10"), Decimal("2.25")]

    def test_population_metadata(self) -> None:
        pop = sample_log().population("2024-04-01")
        metadata = io.table_to_arrow(pop).schema.metadata
        assert metadata[b"lifecycle.as_of"] == b"2024-04-01"
        assert metadata[b"lifecycle.currency"] == b"EUR"

    def test_a_column_arrow_cannot_hold_is_named(self) -> None:
        table = Table({"mixed": np.array([1, "a"], dtype=object)})
        with pytest.raises(ValidationError, match=r"column 'mixed' cannot be written to Arrow"):
            io.table_to_arrow(table)

    def test_rfm_summary_to_polars(self) -> None:
        from lifecycle import rfm_summary

        summary = rfm_summary(sample_log(), as_of="2024-04-01")
        frame = io.table_to_polars(summary)
        assert frame.columns == list(summary)
        assert frame["frequency"].to_list() == summary["frequency"].tolist()


BAD_ROWS: list[tuple[Any, ...]] = [
    ("a", "2024-01-01", "purchase", "1.00", "EUR"),
    ("b", "soon", "purchase", "1.00", "EUR"),
    ("c", "2024-01-02", "purchase", "-1.00", "EUR"),
    ("d", "2024-01-03", "purchase", "1.005", "EUR"),
    ("e", "2024-01-04", "purchase", "2.00", "USD"),
    ("f", "2024-01-05", "", None, None),
    (None, "2024-01-06", "visit", None, None),
    ("g", "2024-01-07", "visit", None, "XXQ"),
    ("h", "2024-01-08", "return", "0.50", None),
]
NAMES = ("customer", "date", "kind", "amount", "currency")


def via_records() -> Any:
    records = [{k: v for k, v in zip(NAMES, r, strict=True) if v is not None} for r in BAD_ROWS]
    return EventLog.from_records(records, currency="EUR", errors="collect")


def via_arrow() -> Any:
    table = pa.table({name: [r[i] for r in BAD_ROWS] for i, name in enumerate(NAMES)})
    return io.from_arrow(table, currency="EUR", errors="collect")


def via_polars() -> Any:
    frame = pl.DataFrame({name: [r[i] for r in BAD_ROWS] for i, name in enumerate(NAMES)})
    return io.from_polars(frame, currency="EUR", errors="collect")


def via_pandas() -> Any:
    frame = pd.DataFrame({name: [r[i] for r in BAD_ROWS] for i, name in enumerate(NAMES)})
    # A blank amount in a frame is NaN, which every loader refuses: blank here means "none".
    frame["amount"] = frame["amount"].astype(object).where(frame["amount"].notna(), "0")
    return io.from_pandas(frame, currency="EUR", errors="collect")


def via_sqlite() -> Any:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE t ({', '.join(NAMES)})")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", BAD_ROWS)
    return io.read_sql(db, "SELECT * FROM t", currency="EUR", batch_size=4, errors="collect")


class TestOneValidation:
    @pytest.mark.parametrize("load", [via_arrow, via_polars, via_pandas, via_sqlite])
    def test_every_loader_rejects_the_same_rows_as_from_records(self, load: Any) -> None:
        expected_log, expected = collect(via_records())
        log, rejected = collect(load())
        assert [(r.row, r.column) for r in rejected] == [(r.row, r.column) for r in expected]
        assert [(r.row, r.column) for r in expected] == [
            (1, "date"),
            (2, "amount"),
            (3, "amount"),
            (4, "currency"),
            (5, "kind"),
            (6, "customer"),
            (7, "currency"),
        ]
        assert log.customer.tolist() == expected_log.customer.tolist() == ["a", "h"]
        assert log.amount_minor.tolist() == expected_log.amount_minor.tolist()


KIND_ROWS = {"customer": [1, 2], "date": ["2024-01-01", "2024-01-02"], "kind": ["visit", "refrral"]}


def kinds_via_arrow(**options: Any) -> Any:
    return io.from_arrow(pa.table(KIND_ROWS), **options)


def kinds_via_parquet(**options: Any) -> Any:
    path = Path(tempfile.mkdtemp()) / "kinds.parquet"
    pq.write_table(pa.table(KIND_ROWS), path)
    return io.read_parquet(path, **options)


def kinds_via_polars(**options: Any) -> Any:
    return io.from_polars(pl.DataFrame(KIND_ROWS), **options)


def kinds_via_pandas(**options: Any) -> Any:
    return io.from_pandas(pd.DataFrame(KIND_ROWS), **options)


def kinds_via_sqlite(**options: Any) -> Any:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (customer, date, kind)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", list(zip(*KIND_ROWS.values(), strict=True)))
    return io.read_sql(db, "SELECT * FROM t", **options)


def kinds_via_csv(**options: Any) -> Any:
    path = Path(tempfile.mkdtemp()) / "kinds.csv"
    rows = zip(*KIND_ROWS.values(), strict=True)
    path.write_text("customer,date,kind\n" + "".join(f"{c},{d},{k}\n" for c, d, k in rows))
    return io.read_csv(path, **options)


KIND_LOADERS = [
    kinds_via_arrow,
    kinds_via_parquet,
    kinds_via_polars,
    kinds_via_pandas,
    kinds_via_sqlite,
    kinds_via_csv,
]


class TestDeclaredKinds:
    @pytest.mark.parametrize("load", KIND_LOADERS)
    def test_an_undeclared_kind_is_refused_with_a_hint(self, load: Any) -> None:
        with pytest.raises(ValidationError, match="did you mean 'referral'") as caught:
            load(kinds=["referral"])
        # The row is named as each source counts them (a file by its line).
        where = "line 3" if load is kinds_via_csv else "row 1"
        assert where in str(caught.value)
        assert "'refrral'" in str(caught.value)

    @pytest.mark.parametrize("load", KIND_LOADERS)
    def test_a_kind_is_refused_unless_declared(self, load: Any) -> None:
        with pytest.raises(ValidationError, match="not a known event kind"):
            load()
        log = loaded(load(kinds=["refrral"]))
        assert log.kind.tolist() == ["visit", "refrral"]

    @pytest.mark.parametrize("load", KIND_LOADERS)
    def test_collect_rejects_the_row_with_the_kind(self, load: Any) -> None:
        log, rejected = collect(load(kinds=["referral"], errors="collect"))
        assert [(r.row, r.column) for r in rejected] == [(1, "kind")]
        assert log.kind.tolist() == ["visit"]

    @pytest.mark.parametrize("load", KIND_LOADERS)
    def test_score_scale_reaches_the_loader(self, load: Any) -> None:
        with pytest.raises(ValidationError, match="'score_scale'"):
            load(kinds=["refrral"], score_scale=(5, 1))

    def test_to_arrow_carries_the_kinds_it_declared(self) -> None:
        log = EventLog.from_records(
            [{"customer": 1, "date": "2024-01-01", "kind": "referral"}], kinds=["referral"]
        )
        table = io.to_arrow(log)
        assert json.loads(table.schema.metadata[b"lifecycle.kinds"]) == ["referral"]
        assert loaded(io.from_arrow(table)).kinds == log.kinds
        # An explicit kinds= replaces what the metadata lists.
        with pytest.raises(ValidationError, match="not a known event kind"):
            io.from_arrow(table, kinds=[])

    def test_kinds_metadata_that_is_not_a_list_is_refused(self) -> None:
        table = pa.table(KIND_ROWS).replace_schema_metadata({"lifecycle.kinds": "{"})
        with pytest.raises(SchemaError, match=r"lifecycle\.kinds"):
            io.from_arrow(table)


def via(name: str, data: dict[str, list[Any]], **options: Any) -> Any:
    """Load ``data`` (column name to values) through the loader ``name``."""
    if name == "arrow":
        return io.from_arrow(pa.table(data), **options)
    if name == "parquet":
        path = Path(tempfile.mkdtemp()) / "events.parquet"
        pq.write_table(pa.table(data), path)
        return io.read_parquet(path, **options)
    if name == "polars":
        return io.from_polars(pl.DataFrame(data), **options)
    if name == "pandas":
        return io.from_pandas(pd.DataFrame(data), **options)
    if name == "event_log_pandas":
        return EventLog.from_pandas(pd.DataFrame(data), **options)
    if name == "sqlite":
        db = sqlite3.connect(":memory:")
        db.execute(f"CREATE TABLE t ({', '.join(data)})")
        marks = ", ".join("?" * len(data))
        db.executemany(f"INSERT INTO t VALUES ({marks})", list(zip(*data.values(), strict=True)))
        return io.read_sql(db, "SELECT * FROM t", **options)
    path = Path(tempfile.mkdtemp()) / "events.csv"
    rows = [",".join(map(str, r)) for r in zip(*data.values(), strict=True)]
    path.write_text(",".join(data) + "\n" + "\n".join(rows) + "\n")
    read = io.read_csv if name == "csv" else EventLog.from_csv
    return read(path, **options)


LOADERS = ["arrow", "parquet", "polars", "pandas", "event_log_pandas", "sqlite", "csv", "from_csv"]
BASE = {"customer": [1, 2], "date": ["2024-01-01", "2024-01-02"]}


class TestColumnRule:
    # One rule for every loader (docs/io.md, "The column rule").
    @pytest.mark.parametrize("name", LOADERS)
    def test_other_columns_are_left_out(self, name: str) -> None:
        data = BASE | {"store": ["north", "south"], "customer_id": ["x", "y"]}
        log = loaded(via(name, data))
        assert len(log) == 2
        assert log.attributes == {}
        assert log.score is None

    @pytest.mark.parametrize("name", LOADERS)
    @pytest.mark.parametrize(("column", "field"), [("amout", "amount"), ("Categry", "category")])
    def test_a_misspelt_field_is_refused_naming_it(
        self, name: str, column: str, field: str
    ) -> None:
        data = BASE | {column: ["1", "2"]}
        with pytest.raises(SchemaError, match=rf"column '{column}' .*did you mean '{field}'"):
            via(name, data, currency="EUR")
        assert len(loaded(via(name, data, currency="EUR", ignore=[column]))) == 2

    @pytest.mark.parametrize("name", LOADERS)
    def test_a_fed_field_makes_a_near_name_an_other_column(self, name: str) -> None:
        # With an amount column, "amounts" is another column, not a misspelt amount.
        data = BASE | {"amount": ["1", "2"], "amounts": ["3", "4"]}
        assert loaded(via(name, data, currency="EUR")).amount_minor.tolist() == [100, 200]

    @pytest.mark.parametrize("name", ["csv", "from_csv"])
    def test_a_field_the_loader_cannot_read_is_named(self, name: str) -> None:
        # A CSV file reads decimal amounts, not minor units: the cents are not dropped unseen.
        data = BASE | {"amount_minor": [100, 200]}
        with pytest.raises(SchemaError, match=r"'amount_minor' .* does not read"):
            via(name, data, currency="EUR")

    @pytest.mark.parametrize("name", LOADERS)
    def test_ignore_names_an_existing_column(self, name: str) -> None:
        with pytest.raises(SchemaError, match="'note'"):
            via(name, BASE, ignore=["note"])


class TestEventLogDelegates:
    # EventLog's file, frame and Arrow methods are lifecycle.io's functions under the class's
    # name; the events layer itself imports nothing of io (tests/test_layers.py).
    def test_the_methods_reach_io(self, tmp_path: Path) -> None:
        log = sample_log()
        table = log.to_arrow()
        assert table.equals(io.to_arrow(log))
        assert table.schema.metadata == io.to_arrow(log).schema.metadata
        assert loaded(EventLog.from_arrow(table)).amount_minor.tolist() == log.amount_minor.tolist()
        assert log.to_pandas().equals(io.to_pandas(log))
        path = tmp_path / "events.csv"
        path.write_text("id,date\n1,2024-01-01\n")
        assert loaded(EventLog.from_csv(path, columns={"customer": "id"})).customers.tolist() == [
            "1"
        ]

    def test_from_pandas_reads_missing_categories_as_missing(self) -> None:
        frame = pd.DataFrame(
            {
                "customer": [1, 2],
                "date": ["2024-01-01", "2024-01-02"],
                "category": pd.Categorical(["books", None]),
                "channel": pd.array(["web", pd.NA], dtype="string"),
            }
        )
        log = loaded(EventLog.from_pandas(frame))
        assert log.category is not None
        assert log.channel is not None
        assert log.category.tolist() == [0, -1]
        assert log.channel.tolist() == [0, -1]

    def test_options_are_checked_by_io(self, tmp_path: Path) -> None:
        path = tmp_path / "events.csv"
        path.write_text("customer,date\n1,2024-01-01\n")
        with pytest.raises(TypeError, match="colums"):
            EventLog.from_csv(path, colums={})

    def test_the_methods_work_after_importing_only_events(self, tmp_path: Path) -> None:
        path = tmp_path / "events.csv"
        path.write_text("customer,date\n1,2024-01-01\n")
        code = (
            f"from lifecycle.events import EventLog\nprint(len(EventLog.from_csv({str(path)!r})))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
        )
        assert result.stdout.strip() == "1"

    def test_a_method_io_has_not_provided_says_so(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from lifecycle.errors import LifecycleError
        from lifecycle.events import _log

        monkeypatch.setattr(_log, "_IO", {})
        with pytest.raises(LifecycleError, match=r"lifecycle\.io has not provided 'to_arrow'"):
            sample_log().to_arrow()
