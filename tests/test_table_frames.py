"""A Table handed straight to the polars and pandas constructors: right, or refused.

polars' ``DataFrame(x)`` reads a registered ``collections.abc.Mapping`` as raw columns before
it looks for the Arrow stream, so a population's masked money used to come back as 0. A
table is not a registered mapping, so polars takes ``__arrow_c_stream__`` (nulls, dates and
all). pandas' constructor reads only a ``dict`` as columns and no Arrow stream, so
``pandas.DataFrame(table)`` raises a ``ConversionError`` naming ``to_pandas()``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from lifecycle import EventLog
from lifecycle.errors import ConversionError, LifecycleError
from lifecycle.signals import Population
from lifecycle.table import Table

pl = pytest.importorskip("polars", reason="the polars extra is not installed")
pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")


@pytest.fixture
def pop() -> Population:
    log = EventLog.from_records(
        [
            {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
            {"customer": 2, "date": "2024-02-01", "kind": "visit"},
            {"customer": 3, "date": "2024-02-03"},  # a purchase without a known amount
        ]
    )
    return log.population("2024-03-01")


class TestPolars:
    def test_constructor_keeps_masked_money_null(self, pop: Population) -> None:
        frame = pl.DataFrame(pop)
        assert frame["average_order_value"].to_list() == [2500, None, None]
        assert frame.equals(pop.to_polars())

    def test_constructor_keeps_missing_values_and_dates(self) -> None:
        table = Table(
            {
                "score": np.array([0.5, np.nan]),
                "day": np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"),
            }
        )
        frame = pl.DataFrame(table)
        assert frame["score"].to_list() == [0.5, None]
        assert str(frame["day"].dtype) == "Date"


class TestPandas:
    def test_constructor_is_refused_naming_to_pandas(self, pop: Population) -> None:
        with pytest.raises(ConversionError, match=r"use \.to_pandas\(\) for a pandas DataFrame"):
            pd.DataFrame(pop)

    def test_the_error_is_also_a_type_error(self) -> None:
        with pytest.raises(TypeError) as caught:
            np.asarray(Table({"a": [1]}))
        assert isinstance(caught.value, LifecycleError)

    def test_to_pandas_keeps_masked_money(self, pop: Population) -> None:
        assert pop.to_pandas()["average_order_value"].tolist() == [2500, pd.NA, pd.NA]


class TestMappingInterface:
    def test_reads_like_a_mapping_without_being_registered_as_one(self) -> None:
        table = Table({"a": [1, 2], "b": ["x", "y"]})
        assert not isinstance(table, Mapping)
        assert list(table.keys()) == ["a", "b"]
        assert [name for name, _ in table.items()] == ["a", "b"]
        assert [v.tolist() for v in table.values()] == [[1, 2], ["x", "y"]]
        assert "a" in table
        assert "c" not in table
        assert table.get("c") is None
        assert dict(table)["a"].tolist() == [1, 2]
        assert {**table}.keys() == {"a", "b"}

    def test_a_table_still_joins_and_feeds_the_mapping_readers(self, pop: Population) -> None:
        joined = pop.join(Table({"customer": [1, 2, 3], "segment": ["a", "b", "c"]}))
        assert joined["segment"].tolist() == ["a", "b", "c"]
