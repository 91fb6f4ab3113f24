"""Tests of lifecycle.table: Table and import_optional."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from lifecycle import EventLog, Table
from lifecycle.errors import MissingDependencyError, ValidationError
from lifecycle.table import import_optional


class TestTable:
    def test_columns_and_length(self) -> None:
        t = Table({"customer": np.array([1, 2]), "frequency": [0, 3]})
        assert len(t) == 2
        assert t.columns == ("customer", "frequency")
        assert list(t) == ["customer", "frequency"]
        assert isinstance(t["frequency"], np.ndarray)
        assert t.frequency.tolist() == [0, 3]
        assert t["customer"].tolist() == [1, 2]
        assert "frequency" in t
        assert "recency" not in t
        assert dict(t.items()).keys() == {"customer", "frequency"}

    def test_empty(self) -> None:
        assert len(Table({})) == 0
        assert len(Table({"a": []})) == 0
        assert Table({}).columns == ()

    def test_columns_are_read_only(self) -> None:
        source = np.array([1, 2, 3])
        t = Table({"a": source})
        with pytest.raises(ValueError, match="read-only"):
            t["a"][0] = 9

    def test_unknown_column(self) -> None:
        t = Table({"a": [1], "b": [2]})
        with pytest.raises(KeyError, match=r"no column 'c' \(columns: a, b\)"):
            t["c"]
        with pytest.raises(AttributeError, match=r"no column 'c' \(columns: a, b\)"):
            _ = t.c
        with pytest.raises(AttributeError):
            _ = t._private

    def test_columns_must_be_one_dimensional(self) -> None:
        with pytest.raises(ValidationError, match=r"column 'a' must be 1-dimensional \(got shape"):
            Table({"a": [[1, 2]]})
        with pytest.raises(ValidationError, match="column 'a' must be 1-dimensional"):
            Table({"a": 5})

    def test_equal_lengths(self) -> None:
        with pytest.raises(ValidationError, match="column 'b' has 1 rows, expected 2"):
            Table({"a": [1, 2], "b": [1]})

    def test_row(self) -> None:
        t = Table({"a": [1, 2], "b": ["x", "y"], "d": np.array(["2024-01-01"] * 2, "M8[D]")})
        row = t.row(1)
        assert row["a"] == 2
        assert type(row["a"]) is int
        assert row["b"] == "y"
        assert str(row["d"]) == "2024-01-01"

    def test_repr(self) -> None:
        assert repr(Table({"a": [1, 2], "b": [3, 4]})).splitlines()[0] == (
            "Table: 2 rows x 2 columns"
        )

    def test_to_pandas(self) -> None:
        pytest.importorskip("pandas")
        table = Table({"a": [1, 2], "b": ["x", "y"]})
        frame = table.to_pandas()
        assert frame.shape == (2, 2)
        assert list(frame.columns) == ["a", "b"]
        assert frame["a"].tolist() == [1, 2]
        # The frame owns its data: changing it leaves the table alone.
        frame.loc[0, "a"] = 5
        assert table.a.tolist() == [1, 2]


class TestImportOptional:
    def test_present(self) -> None:
        assert import_optional("json", "pandas").dumps([1]) == "[1]"

    def test_missing_names_the_extra(self) -> None:
        with pytest.raises(
            MissingDependencyError,
            match=r"this needs no_such_module_xyz: pip install 'customer-lifecycle\[plot\]'",
        ):
            import_optional("no_such_module_xyz", "plot")

    def test_missing_is_an_import_error(self) -> None:
        with pytest.raises(ImportError):
            import_optional("no_such_module_xyz", "models")


class TestRowWithObjectColumns:
    # Object columns hold user attributes carried from a log or joined onto a population.
    def test_object_column(self) -> None:
        table = Table({"customer": np.array([1]), "segment": np.array(["gold"], dtype=object)})
        assert table.row(0) == {"customer": 1, "segment": "gold"}

    def test_population_row_after_a_join(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        pop = log.population("2024-01-02").join({"customer": [1], "segment": ["gold"]})
        assert pop.row(0)["segment"] == "gold"


def _mixed_population() -> Any:
    """A population with one buyer and one visitor: the visitor's average order is missing."""
    log = EventLog.from_records(
        [
            {"customer": 1, "date": "2024-01-01", "amount": "10", "currency": "EUR"},
            {"customer": 2, "date": "2024-01-01", "kind": "visit"},
        ]
    )
    return log.population("2024-01-02")


class TestMissingMoneyOnTheWayOut:
    def test_row_gives_none_for_masked_money(self) -> None:
        pop = _mixed_population()
        assert pop.row(1)["average_order_value"] is None
        assert pop.row(0)["average_order_value"] == 1000
        assert pop.masked("purchase_count") is None

    def test_to_pandas_gives_na_not_zero(self) -> None:
        pd = pytest.importorskip("pandas")
        frame = _mixed_population().to_pandas()
        column = frame["average_order_value"]
        assert str(column.dtype) == "Int64"
        assert column.isna().tolist() == [False, True]
        assert column.mean() == 1000
        assert frame["purchase_count"].dtype == np.int64
        assert pd.isna(frame["last_purchase"][1])

    def test_masked_unknown_column_raises(self) -> None:
        with pytest.raises(KeyError, match="no column 'nope'"):
            Table({"a": [1]}).masked("nope")


class TestDataFrameProtocols:
    def test_pandas_constructor_is_refused_not_silently_wrong(self) -> None:
        pd = pytest.importorskip("pandas")
        with pytest.raises(TypeError, match=r"use \.to_pandas\(\)"):
            pd.DataFrame(_mixed_population())

    def test_interchange_protocol_builds_the_to_pandas_frame(self) -> None:
        pd = pytest.importorskip("pandas")
        table = Table(
            {
                "a": [1, 2],
                "b": ["x", "y"],
                "d": np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"),
                "f": [1.5, np.nan],
            }
        )
        with warnings.catch_warnings():
            # Without pyarrow, pandas 3 warns that it falls back to the interchange protocol.
            warnings.simplefilter("ignore")
            frame = pd.api.interchange.from_dataframe(table)
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            expected = table.to_pandas()
        else:
            # With pyarrow, pandas 3 reads the Arrow stream first: the frame pyarrow makes.
            expected = table.to_arrow().to_pandas()
        pd.testing.assert_frame_equal(frame, expected)

    def test_arrow_stream_needs_pyarrow(self) -> None:
        pytest.importorskip("pandas")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            with pytest.raises(MissingDependencyError, match="pyarrow"):
                Table({"a": [1]}).__arrow_c_stream__()
        else:
            pd = pytest.importorskip("pandas")
            pop = _mixed_population()
            frame = pd.DataFrame.from_arrow(pop)
            pd.testing.assert_frame_equal(frame, pop.to_arrow().to_pandas())
            assert frame["average_order_value"].isna().tolist() == [False, True]


class TestArrowAndPolars:
    """Table.to_arrow, to_polars and the Arrow stream: one conversion, that of lifecycle.io."""

    def test_pyarrow_reads_the_stream(self) -> None:
        pa = pytest.importorskip("pyarrow")
        from lifecycle import io

        pop = _mixed_population()
        table = pa.table(pop)
        assert table.equals(io.table_to_arrow(pop), check_metadata=True)
        assert table.equals(pop.to_arrow(), check_metadata=True)

    def test_money_is_exact_int64_with_its_currency_and_masked_money_null(self) -> None:
        pa = pytest.importorskip("pyarrow")
        pop = _mixed_population()
        table = pa.table(pop)
        for name in ("total_spend", "average_order_value"):
            field = table.schema.field(name)
            assert field.type == pa.int64()
            assert field.metadata[b"lifecycle.currency"] == b"EUR"
            assert field.metadata[b"lifecycle.minor_units"] == b"2"
        assert table.column("total_spend").to_pylist() == [1000, 0]
        assert table.column("average_order_value").to_pylist() == [1000, None]
        assert table.schema.field("first_purchase").type == pa.date32()

    def test_requested_schema_is_passed_on(self) -> None:
        pa = pytest.importorskip("pyarrow")
        pop = _mixed_population()
        schema = pop.to_arrow().schema
        read = pa.RecordBatchReader.from_stream(pop, schema=schema).read_all()
        assert read.equals(pop.to_arrow(), check_metadata=True)

    def test_polars(self) -> None:
        pl = pytest.importorskip("polars")
        pytest.importorskip("pyarrow")
        pop = _mixed_population()
        frame = pop.to_polars()
        assert frame.columns == list(pop)
        assert frame["average_order_value"].to_list() == [1000, None]
        assert frame["average_order_value"].dtype == pl.Int64
        assert frame["first_purchase"].dtype == pl.Date
        # polars reads a generic Arrow stream as one struct column.
        assert pl.from_arrow(pop).struct.unnest().equals(frame)

    def test_duckdb_queries_a_table(self) -> None:
        duckdb = pytest.importorskip("duckdb")
        pytest.importorskip("pyarrow")
        relation = duckdb.from_arrow(_mixed_population())
        rows = (
            relation.order("customer")
            .select("customer, average_order_value, first_purchase")
            .fetchall()
        )
        assert [r[:2] for r in rows] == [(1, 1000), (2, None)]
        assert str(rows[0][2]) == "2024-01-01"

    def test_plain_table(self) -> None:
        pytest.importorskip("pyarrow")
        table = Table({"a": [1, 2], "f": [0.5, np.nan], "s": np.array(["x", None], object)})
        arrow = table.to_arrow()
        assert arrow.column("f").to_pylist() == [0.5, None]
        assert arrow.column("s").to_pylist() == ["x", None]
        assert table.to_polars()["a"].to_list() == [1, 2]

    def test_event_log_to_polars(self) -> None:
        pl = pytest.importorskip("polars")
        pytest.importorskip("pyarrow")
        log = EventLog.from_records(
            [{"customer": 1, "date": "2024-01-01", "amount": "2.50", "currency": "EUR"}]
        )
        frame = log.to_polars()
        assert frame["amount_minor"].to_list() == [250]
        assert frame["date"].dtype == pl.Date


class TestJoin:
    @pytest.fixture
    def pop(self) -> Any:
        log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in ("a", "b")])
        return log.population("2024-01-02")

    def test_table_mapping_and_dataframe(self, pop: Any) -> None:
        pd = pytest.importorskip("pandas")
        data = {"customer": ["b"], "segment": ["gold"]}
        frame = pd.DataFrame(data)
        for table in (data, Table(data), frame, frame.set_index("customer")):
            assert pop.join(table).segment.tolist() == [None, "gold"]

    def test_dataframe_index_of_another_name_raises(self, pop: Any) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"id": ["b"], "segment": ["gold"]}).set_index("id")
        with pytest.raises(ValidationError, match="no column 'customer' and its index is named"):
            pop.join(frame)

    @pytest.mark.parametrize("segment", [["gold"], ["gold", "silver", "bronze"]])
    def test_short_or_long_columns_raise(self, pop: Any, segment: list[str]) -> None:
        with pytest.raises(ValidationError, match="column 'segment' has"):
            pop.join({"customer": ["a", "b"], "segment": segment})

    def test_no_customer_matched_raises(self, pop: Any) -> None:
        with pytest.raises(ValidationError, match="no 'customer' of the join table is a customer"):
            pop.join({"customer": [1, 2], "segment": ["gold", "silver"]})

    def test_missing_key_and_wrong_type_raise(self, pop: Any) -> None:
        with pytest.raises(ValidationError, match="no key column 'customer'"):
            pop.join({"segment": ["gold"]})
        with pytest.raises(ValidationError, match="must be a Table, a mapping"):
            pop.join([("b", "gold")])
