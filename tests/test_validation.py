"""Tests of lifecycle._validation: the shared checks of array inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lifecycle._validation import (
    as_bool_array,
    as_float_array,
    as_int_array,
    check_choice,
    check_same_length,
    first_violation,
)
from lifecycle.errors import ValidationError


class TestFirstViolation:
    def test_no_violation(self) -> None:
        first_violation("x", np.array([False, False]), "positive", np.array([1, 2]))

    def test_message(self) -> None:
        values = np.array([1.0, -2.0, -3.0])
        with pytest.raises(
            ValidationError, match=r"^'x' must be >= 0 \(2 violations, first at index 1: -2.0\)$"
        ):
            first_violation("x", values < 0, ">= 0", values)

    def test_single_violation_is_singular(self) -> None:
        values = np.array([1, -2])
        with pytest.raises(ValidationError, match=r"\(1 violation, first at index 1: -2\)$"):
            first_violation("x", values < 0, ">= 0", values)

    def test_two_dimensional_position(self) -> None:
        values = np.array([[1, 2], [3, -4]])
        with pytest.raises(ValidationError, match=r"first at index \(1, 1\): -4\)$"):
            first_violation("m", values < 0, ">= 0", values)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (float("nan"), r"^'t' must be a finite number \(got nan\)$"),
            (-1.0, r"^'t' must be >= 0.0 \(got -1.0\)$"),
        ],
    )
    def test_a_single_number_is_named_not_indexed(self, value: float, message: str) -> None:
        # A scalar horizon (ndim=None) used to fail with an IndexError from NumPy.
        with pytest.raises(ValidationError, match=message):
            as_float_array("t", value, ndim=None, low=0.0)

    def test_a_single_good_number_passes(self) -> None:
        assert as_float_array("t", 3, ndim=None, low=0.0).item() == 3.0


class TestAsFloatArray:
    def test_converts(self) -> None:
        out = as_float_array("scores", [1, 2.5])
        assert out.dtype == np.float64
        assert out.tolist() == [1.0, 2.5]
        assert as_float_array("s", np.array([1, 2], dtype=np.int32)).dtype == np.float64

    def test_does_not_mutate_or_alias_converted_input(self) -> None:
        source = np.array([1, 2])
        out = as_float_array("s", source)
        out[0] = 9
        assert source.tolist() == [1, 2]

    @pytest.mark.parametrize(
        ("values", "kwargs", "message"),
        [
            (
                [1, float("nan")],
                {},
                r"'s' must be a finite number \(1 violation, first at index 1: nan\)",
            ),
            ([1, float("inf")], {"allow_nan": True}, r"'s' must be finite or NaN"),
            ([1, -1], {"low": 0}, r"'s' must be >= 0 \(1 violation, first at index 1: -1.0\)"),
            ([1, 11], {"high": 10}, r"'s' must be <= 10 \(1 violation, first at index 1: 11.0\)"),
            ([], {}, "'s' must not be empty"),
            ([[1.0]], {}, r"'s' must be 1-dimensional \(got shape \(1, 1\)\)"),
            ("12", {}, "'s' must be an array of numbers, not a string"),
            ([True, False], {}, r"'s' must contain numbers \(got booleans\)"),
            (["a", "b"], {}, r"'s' must contain numbers \(got dtype <U1\)"),
            (np.array([1, "x"], dtype=object), {}, r"'s' must be a number .*first at index 1: 'x'"),
            (np.array([1, True], dtype=object), {}, r"'s' must be a number .*first at index 1"),
        ],
    )
    def test_refuses(self, values: Any, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            as_float_array("s", values, **kwargs)

    def test_allowances(self) -> None:
        out = as_float_array("s", [1, float("nan")], allow_nan=True, low=0)
        assert np.isnan(out[1])
        assert as_float_array("s", [], allow_empty=True).shape == (0,)
        assert as_float_array("s", [[1, 2]], ndim=2).shape == (1, 2)
        assert as_float_array("s", np.array([1, 2.5], dtype=object)).tolist() == [1.0, 2.5]


class TestAsIntArray:
    def test_converts(self) -> None:
        out = as_int_array("q", [1, 2.0])
        assert out.dtype == np.int64
        assert out.tolist() == [1, 2]

    @pytest.mark.parametrize(
        ("values", "kwargs", "message"),
        [
            ([1, 2.5], {}, r"'q' must be a whole number \(1 violation, first at index 1: 2.5\)"),
            ([1, float("nan")], {}, r"'q' must be a finite number"),
            (["1"], {}, r"'q' must contain whole numbers \(got dtype <U1\)"),
            ([True], {}, r"'q' must contain whole numbers \(got dtype bool\)"),
            ([], {}, "'q' must not be empty"),
            ([3, -1], {"low": 0}, r"'q' must be >= 0 \(1 violation, first at index 1: -1\)"),
        ],
    )
    def test_refuses(self, values: Any, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            as_int_array("q", values, **kwargs)

    def test_empty_allowed(self) -> None:
        assert as_int_array("q", [], allow_empty=True).dtype == np.int64


class TestAsBoolArray:
    def test_booleans(self) -> None:
        assert as_bool_array("f", [True, False]).tolist() == [True, False]

    @pytest.mark.parametrize("values", [[0, 1], ["True"], [1.0]])
    def test_no_guessing(self, values: Any) -> None:
        with pytest.raises(ValidationError, match="'f' must contain booleans"):
            as_bool_array("f", values)


class TestCheckSameLength:
    def test_equal(self) -> None:
        assert check_same_length(a=[1, 2], b=np.array([3, 4])) == 2
        assert check_same_length() == 0

    def test_unequal_names_them(self) -> None:
        with pytest.raises(
            ValidationError, match=r"arrays must have equal lengths \(got a=2, b=1, c=2\)"
        ):
            check_same_length(a=[1, 2], b=[3], c=[4, 5])


class TestCheckChoice:
    def test_allowed(self) -> None:
        check_choice("mode", "up", ["up", "down"])

    def test_refused(self) -> None:
        with pytest.raises(
            ValidationError, match=r"'mode' must be one of \('up', 'down'\) \(got 'sideways'\)"
        ):
            check_choice("mode", "sideways", ["up", "down"])
