"""Tests of lifecycle.serialization: schema checks and value encoding."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle import Money
from lifecycle.errors import SchemaError
from lifecycle.serialization import check_keys, check_schema, decode_value, encode_value


class TestCheckKeys:
    def test_returns_the_mapping(self) -> None:
        data = {"a": 1, "b": 2}
        assert check_keys(data, "thing", required={"a"}, optional={"b"}) is data

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"a": 1, "c": 3}, r"^thing: unknown key 'c' \(allowed: a, b\)$"),
            ({"b": 2}, r"^thing: missing key 'a'$"),
            ([("a", 1)], r"^thing: expected a mapping \(got list\)$"),
            (None, r"^thing: expected a mapping \(got NoneType\)$"),
        ],
    )
    def test_refuses(self, data: Any, message: str) -> None:
        with pytest.raises(SchemaError, match=message):
            check_keys(data, "thing", required={"a"}, optional={"b"})


class TestCheckSchema:
    def test_accepts(self) -> None:
        data = {"schema": "lifecycle.x/1", "a": 1}
        assert check_schema(data, "lifecycle.x/1", {"a", "b"}) == data

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"schema": "lifecycle.x/2"},
                r"expected schema 'lifecycle.x/1' \(got 'lifecycle.x/2'\)",
            ),
            ({"a": 1}, r"expected schema 'lifecycle.x/1' \(got None\)"),
            ("lifecycle.x/1", r"expected schema 'lifecycle.x/1' \(got None\)"),
            ({"schema": "lifecycle.x/1", "z": 0}, r"lifecycle.x/1: unknown key 'z'"),
        ],
    )
    def test_refuses(self, data: Any, message: str) -> None:
        with pytest.raises(SchemaError, match=message):
            check_schema(data, "lifecycle.x/1", {"a"})


class TestEncodeValue:
    @pytest.mark.parametrize(
        ("value", "encoded"),
        [
            (None, None),
            (True, True),
            (3, 3),
            (2.5, 2.5),
            ("gold", "gold"),
            (Decimal("10.005"), {"decimal": "10.005"}),
            (dt.date(2024, 2, 29), {"date": "2024-02-29"}),
            (Money("1.50", "EUR"), {"money": {"amount": "1.50", "currency": "EUR"}}),
            ((1, "a"), {"list": [1, "a"]}),
            ([Decimal("1")], {"list": [{"decimal": "1"}]}),
            (frozenset({"b", "a"}), {"list": ["a", "b"]}),
        ],
    )
    def test_encodings(self, value: Any, encoded: Any) -> None:
        assert encode_value(value) == encoded
        assert json.loads(json.dumps(encoded)) == encoded

    @pytest.mark.parametrize(
        ("value", "decoded"),
        [
            ((1, "a"), (1, "a")),
            ([1, 2], (1, 2)),
            (frozenset({2, 1}), (1, 2)),
            (Money("1.50", "KWD"), Money("1.50", "KWD")),
            (Decimal("-0.10"), Decimal("-0.10")),
        ],
    )
    def test_round_trip(self, value: Any, decoded: Any) -> None:
        back = decode_value(json.loads(json.dumps(encode_value(value))))
        assert back == decoded
        assert type(back) is type(decoded)

    def test_datetime_refused(self) -> None:
        with pytest.raises(SchemaError, match=r"cannot serialize a datetime \(.*\); use a date"):
            encode_value(dt.datetime(2024, 1, 1, 12))

    @pytest.mark.parametrize("value", [object(), b"bytes", {"a": 1}, 1j])
    def test_other_types_refused(self, value: Any) -> None:
        with pytest.raises(SchemaError, match="cannot serialize a value of type"):
            encode_value(value)


class TestDecodeValue:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"date": "2024-02-30"}, r"invalid date '2024-02-30'"),
            ({"date": 5}, "invalid date 5"),
            ({"code": "print(1)"}, "cannot decode value"),
            ({"decimal": "1", "date": "2024-01-01"}, "cannot decode value"),
            ([1, 2], "cannot decode value"),
            ({"money": {"amount": "1"}}, "money: missing key 'currency'"),
        ],
    )
    def test_refuses(self, data: Any, message: str) -> None:
        with pytest.raises(SchemaError, match=message):
            decode_value(data)


_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
        st.decimals(allow_nan=False, allow_infinity=False),
        st.dates(),
        st.builds(
            Money,
            st.decimals(allow_nan=False, allow_infinity=False, places=2),
            st.sampled_from(["EUR", "JPY", "KWD"]),
        ),
    ),
    lambda children: st.lists(children, max_size=3).map(tuple),
    max_leaves=6,
)


@given(_values)
def test_json_round_trip(value: Any) -> None:
    text = json.dumps(encode_value(value))
    assert decode_value(json.loads(text)) == value
