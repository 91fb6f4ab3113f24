"""Arrow decimal amounts (decimal32/64/128/256) to int64 minor units, exactly and fast.

The fast path reads a decimal column's integer words with NumPy; any row it cannot take
(too large for int64 minor units, more decimals than the currency has, negative) sends the
column through the exact row-by-row path, which names each bad row. Hypothesis checks that
both give what ``EventLog.from_arrays(amount=Decimal(...))`` gives, rows and reasons alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle import EventLog, io
from lifecycle.errors import ValidationError
from lifecycle.events import Loaded
from lifecycle.io._arrow import _decimal_minor
from lifecycle.money import Currency

pa = pytest.importorskip("pyarrow", reason="the arrow extra (pyarrow) is not installed")

TYPES = {
    "decimal128(18, 2)": lambda: pa.decimal128(18, 2),
    "decimal128(20, 4)": lambda: pa.decimal128(20, 4),
    "decimal128(10, 0)": lambda: pa.decimal128(10, 0),
    "decimal256(40, 2)": lambda: pa.decimal256(40, 2),
    "decimal256(60, 6)": lambda: pa.decimal256(60, 6),
}
if hasattr(pa, "decimal64"):
    TYPES["decimal64(12, 2)"] = lambda: pa.decimal64(12, 2)
    TYPES["decimal32(8, 3)"] = lambda: pa.decimal32(8, 3)


def table(amounts: list[Decimal | None], kind: Any) -> Any:
    n = len(amounts)
    return pa.table(
        {
            "customer": pa.array(np.arange(n) % 3),
            "date": pa.array(["2024-01-01"] * n),
            "amount": pa.array(amounts, kind),
        }
    )


def reference(amounts: list[Decimal | None], currency: str) -> Any:
    values = np.empty(len(amounts), dtype=object)
    values[:] = amounts
    n = len(amounts)
    return EventLog.from_arrays(
        customer=np.arange(n) % 3,
        date=np.array(["2024-01-01"] * n),
        amount=values,
        currency=currency,
        errors="collect",
    )


def fits(kind: Any) -> st.SearchStrategy[Decimal | None]:
    """Decimals the type holds: some exact in cents, some not, some too large for int64."""
    whole = 10 ** (kind.precision - kind.scale) - 1
    digits = st.integers(-(10**kind.precision) + 1, 10**kind.precision - 1)
    small = st.integers(-100_000, 10**9)
    return st.one_of(
        st.none(),
        digits.map(lambda i: Decimal(i).scaleb(-kind.scale)),
        small.map(lambda i: Decimal(min(i, whole)).scaleb(-min(kind.scale, 2))),
    )


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(TYPES)),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
    data=st.data(),
)
def test_fuzz_decimals_load_as_their_exact_values(name: str, currency: str, data: Any) -> None:
    kind = TYPES[name]()
    amounts = data.draw(st.lists(fits(kind), min_size=1, max_size=12))
    got = io.from_arrow(table(amounts, kind), currency=currency, errors="collect")
    # The reference reads the values as the column holds them (at the column's scale).
    want = reference(pa.array(amounts, kind).to_pylist(), currency)
    assert isinstance(got, Loaded)
    assert [str(r) for r in got.rejected] == [str(r) for r in want.rejected]
    np.testing.assert_array_equal(got.log.amount_minor, want.log.amount_minor)
    known, expected = got.log.amount_known, want.log.amount_known
    assert (known is None) == (expected is None)
    if expected is not None:
        assert known is not None
        assert known.tolist() == expected.tolist()


class TestFastPath:
    @pytest.mark.parametrize("name", sorted(TYPES))
    def test_words_become_minor_units_with_nulls_masked(self, name: str) -> None:
        kind = TYPES[name]()
        amounts = [Decimal("1.5"), None, Decimal("0"), Decimal("12.25")]
        if kind.scale < 2:
            amounts = [Decimal("1"), None, Decimal("0"), Decimal("12")]
        column = pa.array(amounts, kind)
        minor = _decimal_minor(pa, column.slice(0), Currency("EUR"))
        assert isinstance(minor, np.ma.MaskedArray)
        assert minor.tolist() == [int(a * 100) if a is not None else None for a in amounts]

    def test_a_sliced_chunked_column(self) -> None:
        kind = pa.decimal256(40, 2)
        chunks = pa.chunked_array([pa.array([Decimal("1.00"), Decimal("2.50")], kind)] * 3)
        minor = _decimal_minor(pa, chunks.slice(1, 4), Currency("EUR"))
        assert minor is not None
        assert minor.tolist() == [250, 100, 250, 100]

    def test_the_largest_amount_loads(self) -> None:
        largest = Decimal(2**63 - 1).scaleb(-2)
        log = io.from_arrow(table([largest], pa.decimal256(50, 2)), currency="EUR")
        assert log.amount_minor.tolist() == [2**63 - 1]


class TestErrors:
    @pytest.mark.parametrize("kind", [pa.decimal128(38, 2), pa.decimal256(60, 2)])
    def test_too_large(self, kind: Any) -> None:
        with pytest.raises(ValidationError, match=r"row 1: 'amount' is too large: amounts are"):
            io.from_arrow(table([Decimal("1.00"), Decimal("1e20")], kind), currency="EUR")

    @pytest.mark.parametrize("kind", [pa.decimal128(12, 3), pa.decimal256(40, 3)])
    def test_too_many_decimals(self, kind: Any) -> None:
        with pytest.raises(ValidationError, match=r"row 0: 'amount' must have at most 2 decimals"):
            io.from_arrow(table([Decimal("1.005"), Decimal("2.000")], kind), currency="EUR")

    def test_negative(self) -> None:
        with pytest.raises(ValidationError, match=r"row 0: 'amount' must be >= 0"):
            io.from_arrow(table([Decimal("-1.00")], pa.decimal256(40, 2)), currency="EUR")

    def test_masked_minor_units_in_from_arrays(self) -> None:
        minor = np.ma.MaskedArray([100, 0], mask=[False, True])
        log = EventLog.from_arrays(
            customer=[1, 2], date=["2024-01-01"] * 2, amount_minor=minor, currency="EUR"
        )
        assert log.amount_minor.tolist() == [100, 0]
        assert log.amount_known is not None
        assert log.amount_known.tolist() == [True, False]
