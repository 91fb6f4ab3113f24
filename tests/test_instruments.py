from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle.errors import ValidationError
from lifecycle.instruments import (
    IPA_QUADRANTS,
    KANO_CATEGORIES,
    CESResult,
    CSATResult,
    NPSResult,
    acsi,
    ces,
    cronbach_alpha,
    csat,
    ipa,
    kano,
    nps,
    servqual,
)
from lifecycle.satisfaction import Scale

# Bad answer arrays shared by the 1-D instruments: (values, message pattern).
BAD_NUMBERS = [
    ([], r"must not be empty"),
    (np.array([], dtype=np.int64), r"must not be empty"),
    ([1, "x", 3], r"must be a number \(1 violation, first at index 1: 'x'\)"),
    ([1, None], r"must be a number \(1 violation, first at index 1: None\)"),
    ([1, math.nan], r"must be a finite number \(1 violation, first at index 1: nan\)"),
    ([[1, 2]], r"must be 1-dimensional \(got shape \(1, 2\)\)"),
    ("123", r"must be an array of numbers, not a string"),
    (np.array([True, False]), r"must be a number \(2 violations, first at index 0: True\)"),
]


def at(row: int, col: int) -> str:
    """Regex for a 2-D position in a message, as ``(1, 2)`` (or ``np.int64(1)`` forms)."""
    return rf"\((?:np\.int64\()?{row}\)?, (?:np\.int64\()?{col}\)?\)"


class TestNPS:
    def test_shares_and_score(self) -> None:
        result = nps([0, 6, 7, 8, 9, 10, 10, 10])
        assert result == NPSResult(
            score=25.0,
            standard_error=result.standard_error,
            ci=None,
            promoters=0.5,
            passives=0.25,
            detractors=0.25,
            n=8,
        )
        assert result.promoters + result.passives + result.detractors == 1

    @pytest.mark.parametrize(
        ("scores", "expected"),
        [([10, 9], 100.0), ([0, 6], -100.0), ([7, 8], 0.0), ([9, 6], 0.0), ([10], 100.0)],
    )
    def test_bounds(self, scores: list[int], expected: float) -> None:
        assert nps(scores).score == expected

    def test_integer_float_and_list_inputs_agree(self) -> None:
        scores = [0, 3, 7, 9, 10, 10]
        a = nps(np.array(scores, dtype=np.int8), ci="wald")
        b = nps(np.array(scores, dtype=float), ci="wald")
        c = nps(scores, ci="wald")
        assert a == b == c

    def test_standard_error_formula(self) -> None:
        result = nps([10] * 3 + [8] * 5 + [2] * 2)
        p, d, n = 0.3, 0.2, 10
        assert result.standard_error == pytest.approx(100 * math.sqrt((p + d - (p - d) ** 2) / n))

    def test_ci_is_clipped_to_the_range(self) -> None:
        result = nps([10, 10, 10], ci="wald")
        assert result.standard_error == 0.0
        assert result.ci == (100.0, 100.0)
        adjusted = nps([10, 10, 10], ci="adjusted_wald")
        assert adjusted.ci is not None
        assert adjusted.ci[1] == 100.0
        assert adjusted.ci[0] < 100.0

    def test_level_changes_width(self) -> None:
        scores = [10] * 50 + [5] * 30 + [8] * 20
        ci90, ci99 = (nps(scores, ci="wald", level=lv).ci for lv in (0.90, 0.99))
        assert ci90 is not None
        assert ci99 is not None
        assert ci99[1] - ci99[0] > ci90[1] - ci90[0]
        # z(0.90) = 1.6449, z(0.99) = 2.5758
        se = nps(scores).standard_error
        assert (ci90[1] - ci90[0]) / 2 == pytest.approx(1.644854 * se, rel=1e-6)
        assert (ci99[1] - ci99[0]) / 2 == pytest.approx(2.575829 * se, rel=1e-6)

    @pytest.mark.parametrize(("scores", "match"), BAD_NUMBERS)
    def test_bad_scores(self, scores: object, match: str) -> None:
        with pytest.raises(ValidationError, match=rf"'scores' {match}"):
            nps(scores)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("scores", "match"),
        [
            ([5, 11, 12], r"on the scale 0-10 \(2 violations, first at index 1: 11.0\)"),
            (np.array([5, -1]), r"on the scale 0-10 \(1 violation, first at index 1: -1\)"),
            ([5, 9.5], r"a whole number \(1 violation, first at index 1: 9.5\)"),
        ],
    )
    def test_off_scale(self, scores: object, match: str) -> None:
        with pytest.raises(ValidationError, match=rf"'scores' must be {match}"):
            nps(scores)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"ci": "exact"}, r"'ci' must be one of \(None, 'wald', 'adjusted_wald'\)"),
            ({"level": 1.0}, r"'level' must be a number between 0 and 1, exclusive \(got 1.0\)"),
            ({"level": 0}, r"'level' must be .* \(got 0\)"),
            ({"level": "95%"}, r"'level' must be .* \(got '95%'\)"),
            ({"level": True}, r"'level' must be .* \(got True\)"),
        ],
    )
    def test_bad_options(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            nps([9, 10], **kwargs)  # type: ignore[arg-type]

    def test_input_is_not_changed(self) -> None:
        scores = np.array([9, 10, 3])
        nps(scores, ci="adjusted_wald")
        np.testing.assert_array_equal(scores, [9, 10, 3])

    @given(st.lists(st.integers(0, 10), min_size=1, max_size=50))
    def test_score_matches_counts(self, scores: list[int]) -> None:
        result = nps(scores, ci="wald")
        promoters = sum(s >= 9 for s in scores)
        detractors = sum(s <= 6 for s in scores)
        assert result.score == pytest.approx(100 * (promoters - detractors) / len(scores))
        assert result.ci is not None
        assert -100 <= result.ci[0] <= result.score <= result.ci[1] <= 100


class TestCSAT:
    @pytest.mark.parametrize(
        ("scores", "scale", "top", "share"),
        [
            ([1, 2, 3, 4, 5], (1, 5), 2, 0.4),
            ([1, 2, 3, 4, 5], (1, 5), 1, 0.2),
            ([1, 2, 3, 4, 5], (1, 5), 5, 1.0),
            ([1, 2, 3, 4, 5], Scale(1, 5, higher_is_better=False), 2, 0.4),
            ([1, 1, 5, 5], Scale(1, 5, higher_is_better=False), 1, 0.5),
            ([7, 6, 5, 1], (1, 7), 2, 0.5),
            ([10, 9, 8, 0], (0, 10), 3, 0.75),
        ],
    )
    def test_top_boxes(
        self, scores: list[int], scale: Scale | tuple[int, int], top: int, share: float
    ) -> None:
        result = csat(scores, scale, top=top)
        assert result == CSATResult(score=100 * share, share=share, n=len(scores))

    @pytest.mark.parametrize(("scores", "match"), BAD_NUMBERS)
    def test_bad_scores(self, scores: object, match: str) -> None:
        with pytest.raises(ValidationError, match=rf"'scores' {match}"):
            csat(scores, (1, 5))  # type: ignore[arg-type]

    def test_off_scale(self) -> None:
        with pytest.raises(
            ValidationError,
            match=r"'scores' must be on the scale 1-5 \(1 violation, first at index 2: 0\)",
        ):
            csat(np.array([5, 4, 0]), (1, 5))

    @pytest.mark.parametrize(
        ("scale", "top", "match"),
        [
            ((1, 5), 0, r"'top' must be a whole number from 1 to 5 \(got 0\)"),
            ((1, 5), 6, r"'top' must be a whole number from 1 to 5 \(got 6\)"),
            ((1, 5), 2.0, r"'top' must be a whole number from 1 to 5 \(got 2.0\)"),
            ((1, 5), True, r"'top' must be .* \(got True\)"),
            ((0.5, 5), 2, r"csat needs a scale of whole-number points \(got 0.5-5\)"),
            ([1, 5], 2, r"'scale' must be a Scale or a \(low, high\) tuple \(got \[1, 5\]\)"),
            ((5, 1), 2, r"'low' must be < 'high'"),
        ],
    )
    def test_bad_options(self, scale: object, top: object, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            csat([3, 4], scale, top=top)  # type: ignore[arg-type]


class TestCES:
    def test_version_2(self) -> None:
        result = ces([7, 6, 5, 4, 3])
        assert result == CESResult(mean=5.0, low_effort=0.6, n=5, version=2)

    def test_version_1(self) -> None:
        result = ces([1, 2, 3, 5], version=1)
        assert result == CESResult(mean=2.75, low_effort=0.5, n=4, version=1)

    @pytest.mark.parametrize(
        ("version", "scores", "match"),
        [
            (1, [1, 6], r"on the scale 1-5 \(1 violation, first at index 1: 6.0\)"),
            (2, [7, 8], r"on the scale 1-7 \(1 violation, first at index 1: 8.0\)"),
            (2, [0, 7], r"on the scale 1-7 \(1 violation, first at index 0: 0.0\)"),
        ],
    )
    def test_off_scale(self, version: int, scores: list[int], match: str) -> None:
        with pytest.raises(ValidationError, match=rf"'scores' must be {match}"):
            ces(scores, version=version)

    @pytest.mark.parametrize(("scores", "match"), BAD_NUMBERS)
    def test_bad_scores(self, scores: object, match: str) -> None:
        with pytest.raises(ValidationError, match=rf"'scores' {match}"):
            ces(scores)  # type: ignore[arg-type]

    @pytest.mark.parametrize("version", [0, 3, "2", None])
    def test_bad_version(self, version: object) -> None:
        with pytest.raises(ValidationError, match=r"'version' must be one of \(1, 2\)"):
            ces([1, 2], version=version)  # type: ignore[arg-type]


class TestACSI:
    @pytest.mark.parametrize(
        ("means", "weights", "scale", "expected"),
        [
            ([1, 1, 1], [1, 2, 3], 10, 0.0),
            ([10, 10, 10], [1, 2, 3], 10, 100.0),
            ([5.5, 5.5], [0.2, 0.8], 10, 50.0),
            ([10, 1], [1, 1], 10, 50.0),
            ([10, 1], [3, 1], 10, 75.0),
            ([4], [1], 7, 50.0),
        ],
    )
    def test_index(
        self, means: list[float], weights: list[float], scale: int, expected: float
    ) -> None:
        assert acsi(means, weights, scale=scale) == pytest.approx(expected)

    def test_weights_need_not_sum_to_one(self) -> None:
        assert acsi([8, 7], [1, 3]) == pytest.approx(acsi([8, 7], [0.25, 0.75]))

    @pytest.mark.parametrize(
        ("means", "weights", "kwargs", "match"),
        [
            ([8, 11], [1, 1], {}, r"'means' must be on the scale 1-10 \(1 violation, first at"),
            ([0.5], [1], {}, r"'means' must be on the scale 1-10"),
            ([8, 7], [1], {}, r"arrays must have equal lengths \(got means=2, weights=1\)"),
            ([8, 7], [1, -1], {}, r"'weights' must be >= 0 \(1 violation, first at index 1"),
            ([8, 7], [0, 0], {}, r"'weights' must have a positive sum \(got 0.0\)"),
            ([8, math.nan], [1, 1], {}, r"'means' must be a finite number"),
            ([8], [math.nan], {}, r"'weights' must be a finite number"),
            ([], [], {}, r"'means' must not be empty"),
            ([8], [1], {"scale": 1}, r"'scale' must be a whole number >= 2 \(got 1\)"),
            ([8], [1], {"scale": 10.0}, r"'scale' must be a whole number >= 2 \(got 10.0\)"),
        ],
    )
    def test_invalid(
        self, means: list[float], weights: list[float], kwargs: dict[str, object], match: str
    ) -> None:
        with pytest.raises(ValidationError, match=match):
            acsi(means, weights, **kwargs)  # type: ignore[arg-type]


class TestServqual:
    def test_gaps_per_dimension(self) -> None:
        e = np.array([[6, 7, 5], [7, 7, 6]])
        p = np.array([[5, 7, 6], [5, 6, 6]])
        result = servqual(e, p, dimensions=("reliability", "assurance", "empathy"))
        np.testing.assert_allclose(result.gaps, [-1.5, -0.5, 0.5])
        assert result.overall == pytest.approx(-0.5)
        assert result.dimensions == ("reliability", "assurance", "empathy")
        assert result.n == 2

    def test_one_row_of_means(self) -> None:
        result = servqual([6.0, 5.0], [5.0, 5.5])
        np.testing.assert_allclose(result.gaps, [-1.0, 0.5])
        assert result.n == 1
        assert result.dimensions is None

    def test_weights_in_percent(self) -> None:
        result = servqual([[7, 7, 7]], [[4, 6, 7]], weights=[50, 30, 20])
        assert result.overall == pytest.approx((50 * -3 + 30 * -1 + 20 * 0) / 100)

    @pytest.mark.parametrize(
        ("e", "p", "kwargs", "match"),
        [
            ([[1, 2]], [[1, 2], [1, 2]], {}, r"arrays must have equal lengths"),
            ([[1, 2]], [[1, 2, 3]], {}, r"the same number of dimensions \(got 2 and 3\)"),
            (
                [[1, 2]],
                [[1, math.nan]],
                {},
                r"'perceptions' must be a finite number \(1 "
                rf"violation, first at index {at(0, 1)}: nan\)",
            ),
            (
                [[1, "x"]],
                [[1, 2]],
                {},
                r"'expectations' must be a number \(1 violation, first "
                rf"at index {at(0, 1)}: 'x'\)",
            ),
            ([[[1]]], [[[1]]], {}, r"'expectations' must be 1- or 2-dimensional"),
            ([], [], {}, r"'expectations' must not be empty"),
            ([[1, 2]], [[1, 2]], {"weights": [50, 40]}, r"summing to 100 \(got sum 90.0\)"),
            ([[1, 2]], [[1, 2]], {"weights": [120, -20]}, r"'weights' must be >= 0"),
            ([[1, 2]], [[1, 2]], {"weights": [100]}, r"one value per dimension \(2\) \(got 1\)"),
            ([[1, 2]], [[1, 2]], {"dimensions": ["a"]}, r"'dimensions' must be 2 strings"),
            ([[1, 2]], [[1, 2]], {"dimensions": ["a", 1]}, r"'dimensions' must be 2 strings"),
        ],
    )
    def test_invalid(self, e: object, p: object, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            servqual(e, p, **kwargs)  # type: ignore[arg-type]


# The standard Kano evaluation table, cell by cell: (functional, dysfunctional) -> category.
KANO_TABLE = {
    (1, 1): "Q", (1, 2): "A", (1, 3): "A", (1, 4): "A", (1, 5): "O",
    (2, 1): "R", (2, 2): "I", (2, 3): "I", (2, 4): "I", (2, 5): "M",
    (3, 1): "R", (3, 2): "I", (3, 3): "I", (3, 4): "I", (3, 5): "M",
    (4, 1): "R", (4, 2): "I", (4, 3): "I", (4, 4): "I", (4, 5): "M",
    (5, 1): "R", (5, 2): "R", (5, 3): "R", (5, 4): "R", (5, 5): "Q",
}  # fmt: skip


class TestKano:
    @pytest.mark.parametrize(("answers", "category"), sorted(KANO_TABLE.items()))
    def test_each_cell(self, answers: tuple[int, int], category: str) -> None:
        result = kano([answers[0]], [answers[1]])
        assert result.categories.tolist() == [category]
        assert result.counts[category] == 1

    def test_all_cells_at_once(self) -> None:
        cells = sorted(KANO_TABLE)
        result = kano([f for f, _ in cells], [d for _, d in cells])
        assert result.categories.tolist() == [KANO_TABLE[c] for c in cells]
        assert result.counts == {"A": 3, "O": 1, "M": 3, "I": 9, "R": 7, "Q": 2}
        assert tuple(result.counts) == KANO_CATEGORIES
        assert result.n == 25

    def test_coefficients(self) -> None:
        result = kano([1, 1, 2, 3], [5, 3, 5, 3])  # O, A, M, I
        assert result.cs == pytest.approx(0.5)
        assert result.ds == pytest.approx(-0.5)

    def test_coefficients_undefined_without_a_o_m_i(self) -> None:
        result = kano([5, 1], [1, 1])  # R, Q
        assert math.isnan(result.cs)
        assert math.isnan(result.ds)
        assert result.counts["R"] == 1

    def test_float_codes(self) -> None:
        assert kano(np.array([1.0, 2.0]), np.array([5.0, 5.0])).categories.tolist() == ["O", "M"]

    @pytest.mark.parametrize(
        ("functional", "dysfunctional", "match"),
        [
            (
                [1, 6],
                [1, 1],
                r"'functional' must be on the scale 1-5 \(1 violation, first at "
                r"index 1: 6.0\)",
            ),
            (
                [1, 1],
                np.array([0, 1]),
                r"'dysfunctional' must be on the scale 1-5 \(1 "
                r"violation, first at index 0: 0\)",
            ),
            ([1, 1.5], [1, 1], r"'functional' must be a whole number"),
            ([1, 2], [1], r"arrays must have equal lengths \(got functional=2, dysfunctional=1\)"),
            ([1, math.nan], [1, 1], r"'functional' must be a finite number"),
            (["like"], [1], r"'functional' must be a number \(1 violation, first at index 0"),
            ([], [], r"'functional' must not be empty"),
        ],
    )
    def test_invalid(self, functional: object, dysfunctional: object, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            kano(functional, dysfunctional)  # type: ignore[arg-type]


class TestIPA:
    IMPORTANCE = (4.5, 4.0, 2.0, 2.5)
    PERFORMANCE = (2.0, 4.5, 2.0, 4.0)

    def test_mean_crosshair(self) -> None:
        result = ipa(self.IMPORTANCE, self.PERFORMANCE)
        assert result.crosshair == (3.25, 3.125)
        assert result.quadrants.tolist() == list(IPA_QUADRANTS)
        assert result.codes.tolist() == [0, 1, 2, 3]
        assert result.codes.dtype == np.int8

    def test_median_crosshair(self) -> None:
        result = ipa([1, 2, 10], [1, 2, 10], crosshair="median")
        assert result.crosshair == (2.0, 2.0)
        assert result.codes.tolist() == [2, 1, 1]

    def test_scale_crosshair(self) -> None:
        result = ipa([5, 3, 1], [1, 3, 5], crosshair="scale", scale=Scale(1, 5))
        assert result.crosshair == (3.0, 3.0)
        assert result.quadrants.tolist() == [
            "concentrate here",
            "keep up the good work",
            "possible overkill",
        ]

    def test_ties_count_as_high(self) -> None:
        result = ipa([3, 3, 2.99], [3, 2.99, 3], crosshair=(3, 3))
        assert result.quadrants.tolist() == [
            "keep up the good work",
            "concentrate here",
            "possible overkill",
        ]

    def test_counts(self) -> None:
        result = ipa([5, 5, 1], [1, 1, 1], crosshair=[3, 3])  # type: ignore[arg-type]
        assert result.counts() == {
            "concentrate here": 2,
            "keep up the good work": 0,
            "low priority": 1,
            "possible overkill": 0,
        }

    def test_integer_ratings(self) -> None:
        result = ipa(np.array([5, 1]), np.array([5, 1]), crosshair="scale", scale=(1, 5))
        assert result.codes.tolist() == [1, 2]

    @pytest.mark.parametrize(
        ("importance", "performance", "kwargs", "match"),
        [
            ([1, 2], [1], {}, r"arrays must have equal lengths"),
            ([1, math.nan], [1, 2], {}, r"'importance' must be a finite number \(1 violation"),
            (
                [1, 2],
                [1, "x"],
                {},
                r"'performance' must be a number \(1 violation, first at "
                r"index 1: 'x'\)",
            ),
            ([], [], {}, r"'importance' must not be empty"),
            (
                [1, 6],
                [1, 2],
                {"scale": (1, 5)},
                r"'importance' must be on the scale 1-5 \(1 "
                r"violation, first at index 1: 6.0\)",
            ),
            ([1], [1], {"crosshair": "scale"}, r"crosshair='scale' needs 'scale='"),
            ([1], [1], {"crosshair": "max"}, r"'crosshair' must be one of \('mean', 'median'"),
            (
                [1],
                [1],
                {"crosshair": (1, 2, 3)},
                r"'crosshair' must be 'mean', 'median', "
                r"'scale' or an \(importance, performance\) pair",
            ),
            ([1], [1], {"crosshair": (1, math.nan)}, r"pair of finite numbers"),
            ([1], [1], {"scale": "1-5"}, r"'scale' must be a Scale or a \(low, high\) tuple"),
        ],
    )
    def test_invalid(
        self, importance: object, performance: object, kwargs: dict[str, object], match: str
    ) -> None:
        with pytest.raises(ValidationError, match=match):
            ipa(importance, performance, **kwargs)  # type: ignore[arg-type]


class TestCronbachAlpha:
    def test_perfectly_consistent_items(self) -> None:
        assert cronbach_alpha([[1, 2], [2, 3], [3, 4]]) == pytest.approx(1.0)

    def test_uncorrelated_items(self) -> None:
        # Two items with zero covariance: the total's variance is the sum of item variances.
        assert cronbach_alpha([[1, 1], [1, 3], [3, 1], [3, 3]]) == pytest.approx(0.0)

    def test_negative_when_items_disagree(self) -> None:
        assert cronbach_alpha([[1, 5, 3], [5, 1, 3], [3, 3, 1], [3, 3, 5]]) < 0

    def test_equals_covariance_form(self) -> None:
        rng = np.random.default_rng(7)
        items = rng.integers(1, 6, size=(40, 4)) + rng.integers(0, 3, size=(40, 1))
        cov = np.cov(items, rowvar=False)
        k = cov.shape[0]
        mean_var = np.trace(cov) / k
        mean_cov = (cov.sum() - np.trace(cov)) / (k * (k - 1))
        expected = k * mean_cov / (mean_var + (k - 1) * mean_cov)
        assert cronbach_alpha(items) == pytest.approx(expected)

    @pytest.mark.parametrize(
        ("items", "match"),
        [
            ([1, 2, 3], r"'items' must be 2-dimensional \(got shape \(3,\)\)"),
            ([[1, 2]], r"at least 2 respondents and 2 items \(got shape \(1, 2\)\)"),
            ([[1], [2]], r"at least 2 respondents and 2 items \(got shape \(2, 1\)\)"),
            ([[1, 2], [2, 1]], r"total scores must vary across respondents"),
            (
                [[1, 2], [2, math.nan]],
                r"'items' must be a finite number \(1 violation, first "
                rf"at index {at(1, 1)}: nan\)",
            ),
            (
                [[1, 2], [2, "x"]],
                r"'items' must be a number \(1 violation, first at index "
                rf"{at(1, 1)}: 'x'\)",
            ),
            (np.empty((0, 3)), r"'items' must not be empty"),
        ],
    )
    def test_invalid(self, items: object, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            cronbach_alpha(items)  # type: ignore[arg-type]
