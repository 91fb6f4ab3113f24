from __future__ import annotations

import json
import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle.errors import SchemaError, ValidationError
from lifecycle.satisfaction import (
    Dimension,
    SatisfactionModel,
    SatisfactionScore,
    SatisfactionScores,
    Scale,
    default_satisfaction,
)


def nested_model() -> SatisfactionModel:
    return SatisfactionModel(
        [
            Dimension(
                "service",
                weight=3,
                children=[
                    Dimension("speed", weight=2),
                    Dimension("courtesy", scale=Scale(1, 7)),
                ],
            ),
            Dimension("price", scale=Scale(0, 10)),
            Dimension("effort", weight=0.5, scale=Scale(1, 5, higher_is_better=False)),
        ]
    )


class TestScale:
    def test_fields(self) -> None:
        scale = Scale(0, 10, higher_is_better=False)
        assert (scale.low, scale.high, scale.higher_is_better) == (0, 10, False)
        assert Scale(1, 5) == Scale(1, 5)
        assert hash(Scale(1, 5)) == hash(Scale(1, 5))

    def test_higher_is_better_is_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            Scale(1, 5, False)  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("low", "high", "match"),
        [
            (5, 1, r"'low' must be < 'high' \(got low=5, high=1\)"),
            (3, 3, r"'low' must be < 'high'"),
            ("1", 5, r"'low' must be a finite number \(got '1'\)"),
            (1, None, r"'high' must be a finite number \(got None\)"),
            (True, 5, r"'low' must be a finite number \(got True\)"),
            (1, math.inf, r"'high' must be a finite number \(got inf\)"),
            (math.nan, 5, r"'low' must be a finite number \(got nan\)"),
        ],
    )
    def test_invalid(self, low: object, high: object, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            Scale(low, high)  # type: ignore[arg-type]

    def test_higher_is_better_must_be_bool(self) -> None:
        with pytest.raises(ValidationError, match=r"'higher_is_better' must be True or False"):
            Scale(1, 5, higher_is_better=1)  # type: ignore[arg-type]

    def test_frozen(self) -> None:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            Scale(1, 5).low = 0  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("scale", "answer", "expected"),
        [
            (Scale(1, 5), 1, 0.0),
            (Scale(1, 5), 3, 50.0),
            (Scale(1, 5), 5, 100.0),
            (Scale(0, 10), 7, 70.0),
            (Scale(1, 7), 4, 50.0),
            (Scale(1, 5, higher_is_better=False), 1, 100.0),
            (Scale(1, 5, higher_is_better=False), 2, 75.0),
        ],
    )
    def test_rescale_scalar(self, scale: Scale, answer: float, expected: float) -> None:
        result = scale.rescale(answer)
        assert isinstance(result, float)
        assert result == pytest.approx(expected)

    def test_rescale_array_keeps_nan(self) -> None:
        result = Scale(1, 5).rescale(np.array([1.0, np.nan, 5.0]))
        np.testing.assert_array_equal(result, [0.0, np.nan, 100.0])

    def test_midpoint_and_describe(self) -> None:
        assert Scale(1, 5).midpoint == 3.0
        assert Scale(0, 10).describe() == "0-10"
        assert Scale(1, 5, higher_is_better=False).describe() == "1-5, lower is better"


class TestDimension:
    def test_defaults(self) -> None:
        dim = Dimension("speed")
        assert dim.weight == 1
        assert dim.scale == Scale(1, 5)
        assert dim.children == ()
        assert dim.description == ""
        assert not dim.is_group

    def test_children_become_a_tuple(self) -> None:
        group = Dimension("service", children=[Dimension("a"), Dimension("b")])
        assert isinstance(group.children, tuple)
        assert group.is_group
        assert hash(group) == hash(Dimension("service", children=(Dimension("a"), Dimension("b"))))

    def test_walk_is_depth_first(self) -> None:
        names = [d.name for d in nested_model().dimensions[0].walk()]
        assert names == ["service", "speed", "courtesy"]

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"name": ""}, r"'name' must be a non-empty string \(got ''\)"),
            ({"name": 3}, r"'name' must be a non-empty string \(got 3\)"),
            ({"name": "x", "weight": -0.5}, r"'weight' of dimension 'x' must be .* >= 0"),
            ({"name": "x", "weight": math.nan}, r"'weight' of dimension 'x' .*\(got nan\)"),
            ({"name": "x", "weight": True}, r"'weight' of dimension 'x' .*\(got True\)"),
            ({"name": "x", "weight": "2"}, r"'weight' of dimension 'x' .*\(got '2'\)"),
            ({"name": "x", "scale": (1, 5)}, r"'scale' must be a Scale \(got tuple"),
            ({"name": "x", "description": None}, r"'description' must be a string"),
            ({"name": "x", "children": "ab"}, r"expected a sequence of Dimension objects"),
            ({"name": "x", "children": ["a"]}, r"children of dimension 'x': item 0 must be"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            Dimension(**kwargs)  # type: ignore[arg-type]

    def test_children_weights_must_have_positive_sum(self) -> None:
        with pytest.raises(
            ValidationError,
            match=r"children of dimension 'g': weights must have a positive sum \(got a=0, b=0\)",
        ):
            Dimension("g", children=[Dimension("a", weight=0), Dimension("b", weight=0)])

    def test_evolve_revalidates(self) -> None:
        with pytest.raises(ValidationError, match=r"'weight' of dimension 'a'"):
            attrs.evolve(Dimension("a"), weight=-1)


class TestSatisfactionModel:
    def test_leaves_and_walk(self) -> None:
        model = nested_model()
        assert model.leaf_names == ("speed", "courtesy", "price", "effort")
        assert [d.name for d in model.walk()] == [
            "service",
            "speed",
            "courtesy",
            "price",
            "effort",
        ]
        assert all(not d.is_group for d in model.leaves)

    def test_list_becomes_tuple_and_model_is_hashable(self) -> None:
        model = SatisfactionModel([Dimension("a")])
        assert model.dimensions == (Dimension("a"),)
        assert hash(model) == hash(SatisfactionModel((Dimension("a"),)))

    @pytest.mark.parametrize(
        ("dimensions", "match"),
        [
            ([], r"'dimensions' must not be empty"),
            (["a"], r"'dimensions': item 0 must be a Dimension \(got str: 'a'\)"),
            (
                [Dimension("a", weight=0)],
                r"'dimensions': weights must have a positive sum \(got a=0\)",
            ),
            (
                [Dimension("a"), Dimension("g", children=[Dimension("a")])],
                r"dimension names must be unique in a model \(got 'a' twice\)",
            ),
            (Dimension("a"), r"expected a sequence of Dimension objects \(got Dimension\)"),
        ],
    )
    def test_invalid(self, dimensions: object, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            SatisfactionModel(dimensions)  # type: ignore[arg-type]


class TestScore:
    def test_one_respondent(self) -> None:
        result = nested_model().score({"speed": 5, "courtesy": 4, "price": 7, "effort": 2})
        assert isinstance(result, SatisfactionScore)
        # speed 100, courtesy 50 -> service (2*100 + 50)/3; price 70; effort reversed 75.
        service = 250 / 3
        assert result.dimensions == pytest.approx(
            {"service": service, "speed": 100.0, "courtesy": 50.0, "price": 70.0, "effort": 75.0}
        )
        assert list(result.dimensions) == ["service", "speed", "courtesy", "price", "effort"]
        expected = (3 * service + 70 + 0.5 * 75) / 4.5
        assert result.index == pytest.approx(expected)
        assert isinstance(result.index, float)

    def test_equal_weights_is_plain_mean(self) -> None:
        result = default_satisfaction().score(
            {"product": 5, "peripheral": 4, "atmosphere": 2, "psychic": 1}
        )
        assert result.index == pytest.approx((100 + 75 + 25 + 0) / 4)

    def test_missing_renormalizes_weights(self) -> None:
        model = nested_model()
        result = model.score({"speed": 1, "courtesy": None, "price": 10})
        assert result.dimensions["courtesy"] is None
        assert result.dimensions["effort"] is None
        assert result.dimensions["service"] == 0.0
        assert result.index == pytest.approx((3 * 0 + 100) / 4)

    def test_nothing_answered_gives_none(self) -> None:
        result = default_satisfaction().score({"product": None})
        assert result.index is None
        assert set(result.dimensions.values()) == {None}
        assert default_satisfaction().score({}).index is None

    def test_nan_is_missing_for_one_respondent(self) -> None:
        assert default_satisfaction().score({"product": math.nan, "psychic": 5}).index == 100.0

    def test_zero_weight_dimension_is_scored_but_not_counted(self) -> None:
        model = SatisfactionModel([Dimension("a"), Dimension("b", weight=0)])
        result = model.score({"a": 5, "b": 1})
        assert result.dimensions["b"] == 0.0
        assert result.index == 100.0
        assert model.score({"b": 1}).index is None

    @pytest.mark.parametrize(
        ("responses", "match"),
        [
            ({"product": 6}, r"answer to 'product' must be within its scale 1-5 \(got 6\)"),
            ({"product": 0.5}, r"answer to 'product' must be within its scale 1-5 \(got 0.5\)"),
            ({"product": "5"}, r"answer to 'product' must be a finite number or None \(got '5'\)"),
            ({"product": True}, r"answer to 'product' must be a finite number or None"),
            ({"product": math.inf}, r"answer to 'product' must be a finite number or None"),
            ({"products": 5}, r"unknown dimension 'products': answers must be keyed by leaf"),
        ],
    )
    def test_one_respondent_bad_answers(self, responses: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            default_satisfaction().score(responses)  # type: ignore[arg-type]

    def test_group_name_is_not_an_answer(self) -> None:
        with pytest.raises(
            ValidationError,
            match=r"'service' is a group of dimensions: answer its children instead "
            r"\('speed', 'courtesy'\)",
        ):
            nested_model().score({"service": 3})

    def test_missing_raise_for_one_respondent(self) -> None:
        with pytest.raises(ValidationError, match=r"answer to 'peripheral' is missing"):
            default_satisfaction().score(
                {"product": 3, "peripheral": None, "atmosphere": 3, "psychic": 3},
                missing="raise",
            )
        with pytest.raises(ValidationError, match=r"answer to 'atmosphere' is missing"):
            default_satisfaction().score({"product": 3, "peripheral": 3}, missing="raise")

    def test_missing_must_be_known(self) -> None:
        with pytest.raises(ValidationError, match=r"'missing' must be one of"):
            default_satisfaction().score({"product": 3}, missing="drop")  # type: ignore[call-overload]

    def test_many_from_mapping(self) -> None:
        result = default_satisfaction().score(
            {"product": [5, 1, np.nan], "psychic": np.array([3, 3, np.nan])}
        )
        assert isinstance(result, SatisfactionScores)
        assert len(result) == 3
        np.testing.assert_array_equal(result.index, [75.0, 25.0, np.nan])
        np.testing.assert_array_equal(result.dimensions["product"], [100.0, 0.0, np.nan])
        np.testing.assert_array_equal(result.dimensions["peripheral"], [np.nan] * 3)
        assert result.index.dtype == np.float64

    def test_many_from_matrix(self) -> None:
        matrix = np.array([[5.0, 4.0, 10.0, 1.0], [1.0, np.nan, 0.0, 5.0]])
        model = nested_model()
        result = model.score(matrix, columns=["speed", "courtesy", "price", "effort"])
        single = model.score({"speed": 5, "courtesy": 4, "price": 10, "effort": 1})
        assert result.index[0] == single.index
        assert result.dimensions["service"][1] == 0.0
        assert result.index[1] == pytest.approx(0.0)
        assert matrix[1, 1] != matrix[1, 1]  # the input is not changed

    def test_columns_may_be_any_leaf_order(self) -> None:
        model = default_satisfaction()
        a = model.score(np.array([[1, 5]]), columns=["psychic", "product"])
        b = model.score({"product": [5], "psychic": [1]})
        np.testing.assert_array_equal(a.index, b.index)

    def test_no_respondents(self) -> None:
        result = default_satisfaction().score({"product": np.array([])})
        assert result.index.shape == (0,)

    def test_nothing_answered_gives_nan(self) -> None:
        result = default_satisfaction().score({"product": [np.nan, 3]})
        assert math.isnan(result.index[0])
        assert result.index[1] == 50.0

    @pytest.mark.parametrize(
        ("responses", "match"),
        [
            (
                {"product": [3, 6, 7]},
                r"'product' must be within its scale 1-5 \(2 violations, first at index 1: 6.0\)",
            ),
            (
                {"product": [3, 3], "psychic": [3, 0]},
                r"'psychic' must be within its scale 1-5 \(1 violation, first at index 1: 0.0\)",
            ),
            (
                {"product": [3, "x"]},
                r"'product' must contain numbers",
            ),
            (
                {"product": [3, None]},
                r"'product' must be a number \(1 violation, first at index 1: None\)",
            ),
            (
                {"product": [3, np.inf]},
                r"'product' must be finite or NaN \(1 violation, first at index 1: inf\)",
            ),
            ({"product": [3, 3], "psychic": [3]}, r"arrays must have equal lengths"),
            ({"product": [3, 3], "psychic": 3}, r"'psychic' must be 1-dimensional"),
            ({"product": [[3]]}, r"'product' must be 1-dimensional"),
            ({"x": [3]}, r"unknown dimension 'x'"),
        ],
    )
    def test_many_bad_answers(self, responses: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            default_satisfaction().score(responses)  # type: ignore[arg-type]

    def test_many_missing_raise_names_respondent(self) -> None:
        model = default_satisfaction()
        responses = {name: [3.0, 3.0, 3.0] for name in model.leaf_names}
        responses["atmosphere"] = [3.0, 3.0, np.nan]
        with pytest.raises(
            ValidationError,
            match=r"'atmosphere' must be answered \(missing='raise'\) "
            r"\(1 violation, first at index 2: nan\)",
        ):
            model.score(responses, missing="raise")
        del responses["atmosphere"]
        with pytest.raises(ValidationError, match=r"'atmosphere' must be answered"):
            model.score(responses, missing="raise")

    @pytest.mark.parametrize(
        ("matrix", "columns", "match"),
        [
            (np.ones((2, 2)), None, r"needs 'columns=' naming its leaf dimensions"),
            (np.ones(2), ["product"], r"must be a mapping or a 2-D array \(got shape \(2,\)\)"),
            (np.ones((2, 2)), ["product"], r"must name each of the 2 columns"),
            (np.ones((2, 2)), ["product", "product"], r"'columns' must not repeat a name"),
            (np.ones((2, 1)), ["service"], r"unknown dimension 'service'"),
            (
                np.array([[1, 2], [3, 9]]),
                ["product", "psychic"],
                r"'psychic' must be within its scale 1-5 \(1 violation, first at index 1: 9.0\)",
            ),
            (np.array([["a", "b"]]), ["product", "psychic"], r"'product' must contain numbers"),
        ],
    )
    def test_bad_matrix(self, matrix: np.ndarray, columns: list[str] | None, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            default_satisfaction().score(matrix, columns=columns)

    def test_columns_with_a_mapping(self) -> None:
        with pytest.raises(ValidationError, match=r"'columns' names the columns of a 2-D array"):
            default_satisfaction().score({"product": [1]}, columns=["product"])  # type: ignore[call-overload]

    @given(
        st.lists(
            st.fixed_dictionaries(
                {
                    "speed": st.one_of(st.none(), st.integers(1, 5)),
                    "courtesy": st.one_of(st.none(), st.floats(1, 7)),
                    "price": st.one_of(st.none(), st.integers(0, 10)),
                    "effort": st.one_of(st.none(), st.integers(1, 5)),
                }
            ),
            min_size=1,
            max_size=20,
        )
    )
    def test_batch_equals_single_row_by_row(self, rows: list[dict[str, float | None]]) -> None:
        model = nested_model()
        columns = {
            name: np.array([np.nan if r[name] is None else r[name] for r in rows], dtype=float)
            for name in model.leaf_names
        }
        batch = model.score(columns)
        for i, row in enumerate(rows):
            single = model.score(row)
            expected_index = np.nan if single.index is None else single.index
            np.testing.assert_array_equal(batch.index[i], expected_index)
            for name, value in single.dimensions.items():
                expected = np.nan if value is None else value
                np.testing.assert_array_equal(batch.dimensions[name][i], expected)

    @given(st.lists(st.floats(1, 5), min_size=4, max_size=4))
    def test_index_stays_within_0_100(self, answers: list[float]) -> None:
        model = default_satisfaction()
        index = model.score(dict(zip(model.leaf_names, answers, strict=True))).index
        assert index is not None
        assert 0.0 <= index <= 100.0


class TestToDict:
    def test_schema_and_shape(self) -> None:
        data = SatisfactionModel([Dimension("a", weight=2, description="x")]).to_dict()
        assert data == {
            "schema": "lifecycle.satisfaction/1",
            "dimensions": [
                {
                    "name": "a",
                    "weight": 2,
                    "scale": {"low": 1, "high": 5, "higher_is_better": True},
                    "children": [],
                    "description": "x",
                }
            ],
        }

    def test_numpy_numbers_become_python_numbers(self) -> None:
        dim = Dimension("a", weight=np.float64(0.5), scale=Scale(np.int64(1), np.int64(5)))
        data = SatisfactionModel([dim]).to_dict()
        assert json.loads(json.dumps(data)) == data
        assert type(dim.weight) is float
        assert type(dim.scale.low) is int

    @pytest.mark.parametrize("model", [default_satisfaction(), nested_model()])
    def test_round_trip_through_json(self, model: SatisfactionModel) -> None:
        data = json.loads(json.dumps(model.to_dict()))
        assert SatisfactionModel.from_dict(data) == model


class TestFromDict:
    def test_minimal_dimension_uses_defaults(self) -> None:
        model = SatisfactionModel.from_dict(
            {"schema": "lifecycle.satisfaction/1", "dimensions": [{"name": "a"}]}
        )
        assert model == SatisfactionModel([Dimension("a")])

    @pytest.mark.parametrize(
        ("data", "error", "match"),
        [
            ({"dimensions": []}, SchemaError, r"expected schema 'lifecycle.satisfaction/1'"),
            ([], SchemaError, r"expected schema"),
            (
                {"schema": "lifecycle.satisfaction/1"},
                SchemaError,
                r"missing key 'dimensions'",
            ),
            (
                {"schema": "lifecycle.satisfaction/1", "dimensions": [], "extra": 1},
                SchemaError,
                r"unknown key 'extra'",
            ),
            (
                {"schema": "lifecycle.satisfaction/1", "dimensions": {"name": "a"}},
                SchemaError,
                r"'dimensions' must be a list \(got dict\)",
            ),
            (
                {"schema": "lifecycle.satisfaction/1", "dimensions": [{"weight": 1}]},
                SchemaError,
                r"dimensions\[0\]: missing key 'name'",
            ),
            (
                {"schema": "lifecycle.satisfaction/1", "dimensions": [{"name": "a", "w": 1}]},
                SchemaError,
                r"dimensions\[0\]: unknown key 'w'",
            ),
            (
                {
                    "schema": "lifecycle.satisfaction/1",
                    "dimensions": [{"name": "a", "scale": {"low": 1}}],
                },
                SchemaError,
                r"dimensions\[0\].scale: missing key 'high'",
            ),
            (
                {
                    "schema": "lifecycle.satisfaction/1",
                    "dimensions": [{"name": "g", "children": [{"name": "a", "x": 0}]}],
                },
                SchemaError,
                r"dimensions\[0\].children\[0\]: unknown key 'x'",
            ),
            (
                {
                    "schema": "lifecycle.satisfaction/1",
                    "dimensions": [{"name": "a", "weight": "1"}],
                },
                ValidationError,
                r"'weight' of dimension 'a' must be a finite number",
            ),
            (
                {"schema": "lifecycle.satisfaction/1", "dimensions": []},
                ValidationError,
                r"'dimensions' must not be empty",
            ),
        ],
    )
    def test_invalid(self, data: object, error: type[Exception], match: str) -> None:
        with pytest.raises(error, match=match):
            SatisfactionModel.from_dict(data)  # type: ignore[arg-type]


class TestDefaultSatisfaction:
    def test_four_elements(self) -> None:
        model = default_satisfaction()
        assert model.leaf_names == ("product", "peripheral", "atmosphere", "psychic")
        assert all(d.weight == 1 and d.scale == Scale(1, 5) for d in model.dimensions)
        assert all(d.description for d in model.dimensions)
        assert "personality" in model.dimensions[3].description

    def test_custom_scale(self) -> None:
        model = default_satisfaction(scale=Scale(0, 10))
        assert model.score({"product": 10, "peripheral": 0}).index == 50.0

    def test_bad_scale(self) -> None:
        with pytest.raises(ValidationError, match=r"'scale' must be a Scale \(got tuple"):
            default_satisfaction(scale=(1, 5))  # type: ignore[arg-type]
