"""Tests of lifecycle.table: Table and import_optional."""

from __future__ import annotations

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
