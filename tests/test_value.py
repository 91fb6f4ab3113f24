"""Tests of lifecycle.value: RFM scores and segments, concentration, cohorts, CLV, survival."""

from __future__ import annotations

import datetime as dt
import math
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.strategies import event_logs
from lifecycle import EventLog
from lifecycle.errors import ValidationError
from lifecycle.signals import Population
from lifecycle.stages import StageFlow, default_lifecycle
from lifecycle.table import Table
from lifecycle.value import (
    DEFAULT_SEGMENTS,
    SEGMENT_NAMES,
    MarkovChainModel,
    clv_margin_multiple,
    cohort_section,
    cohort_table,
    gini,
    pareto_table,
    relationship_durations,
    retention_economics,
    rfm_scores,
    rfm_segments,
    survival,
    value_deciles,
    value_section,
)
from lifecycle.value._rfm import _scores


def population(days: list[float], counts: list[int], spend: list[int]) -> Population:
    from lifecycle.money import Currency

    return Population(
        {
            "customer": np.arange(len(days)),
            "days_since_last_purchase": np.asarray(days, dtype=np.float64),
            "purchase_count": np.asarray(counts, dtype=np.int64),
            "total_spend": np.asarray(spend, dtype=np.int64),
        },
        as_of=dt.date(2024, 1, 1),
        currency=Currency("EUR"),
    )


def pandas_scores(values: np.ndarray, bins: int) -> np.ndarray:
    ranked = pd.Series(values).rank(method="first")
    return pd.qcut(ranked, bins, labels=range(1, bins + 1)).astype(int).to_numpy()


class TestRfmScores:
    @settings(max_examples=150)
    @given(
        st.lists(st.integers(0, 30), min_size=2, max_size=400),
        st.integers(2, 9),
    )
    def test_equals_pandas_qcut_of_first_rank(self, values: list[int], bins: int) -> None:
        x = np.asarray(values, dtype=np.float64)
        assert _scores(x, bins).tolist() == pandas_scores(x, bins).tolist()

    @settings(max_examples=60)
    @given(st.data())
    def test_population_against_pandas(self, data: st.DataObject) -> None:
        n = data.draw(st.integers(2, 120))
        bins = data.draw(st.integers(2, 9))
        days = data.draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
        counts = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
        spend = data.draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
        pop = population(days, counts, spend)
        scores = rfm_scores(pop, bins=bins)
        buyers = np.asarray(counts) > 0
        assert (scores.r[~buyers] == 0).all()
        assert (scores.rfm[~buyers] == 0).all()
        if buyers.sum() >= 2:
            frame = pd.DataFrame(
                {
                    "r": -np.asarray(days)[buyers],
                    "f": np.asarray(counts)[buyers],
                    "m": np.asarray(spend)[buyers],
                }
            )
            for letter in "rfm":
                expected = pandas_scores(frame[letter].to_numpy(dtype=float), bins)
                assert scores[letter][buyers].tolist() == expected.tolist()
        rfm = 100 * scores.r.astype(int) + 10 * scores.f + scores.m
        assert scores.rfm.tolist() == rfm.tolist()

    def test_lone_buyer_scores_one(self) -> None:
        scores = rfm_scores(population([3.0, math.nan], [1, 0], [500, 0]))
        assert scores.rfm.tolist() == [111, 0]

    def test_on_a_log(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": c, "date": d, "amount": "10", "currency": "EUR"}
                for c, d in [(1, "2024-01-01"), (2, "2024-02-01"), (2, "2024-02-02")]
            ]
        )
        scores = rfm_scores(log.population("2024-03-01"), bins=2)
        assert scores.rfm.tolist() == [111, 222]

    @pytest.mark.parametrize("bins", [1, 10, 2.0, True, "5"])
    def test_bad_bins(self, bins: object) -> None:
        with pytest.raises(ValidationError, match="'bins' must be an int from 2 to 9"):
            rfm_scores(population([1.0], [1], [1]), bins=bins)  # type: ignore[arg-type]

    def test_needs_money(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(ValidationError, match="needs money"):
            rfm_scores(log.population("2024-02-01"))

    def test_needs_a_population(self) -> None:
        with pytest.raises(ValidationError, match="must be a Population"):
            rfm_scores(Table({"customer": [1]}))  # type: ignore[arg-type]


class TestRfmSegments:
    def test_default_map_covers_every_cell_once(self) -> None:
        r, f = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
        n = r.size
        scores = Table(
            {
                "customer": np.arange(n),
                "r": r.ravel(),
                "f": f.ravel(),
                "m": np.ones(n),
                "rfm": np.zeros(n),
            }
        )
        segments = rfm_segments(scores).segment
        assert None not in segments.tolist()
        assert set(segments.tolist()) == set(SEGMENT_NAMES)
        # Without "lost" first, each cell matches exactly one range of the default map.
        for i in range(n):
            hits = [
                name
                for name, ranges in DEFAULT_SEGMENTS.items()
                if all(
                    lo <= {"r": r.ravel()[i], "f": f.ravel()[i]}[k] <= hi
                    for k, (lo, hi) in ranges.items()
                )
            ]
            assert len(hits) == 1, (r.ravel()[i], f.ravel()[i], hits)

    def test_non_buyers_have_no_segment(self) -> None:
        scores = rfm_scores(population([1.0, math.nan, 5.0], [2, 0, 1], [10, 0, 5]))
        assert rfm_segments(scores).segment.tolist()[1] is None

    def test_default_map_refuses_more_than_five_bins(self) -> None:
        scores = rfm_scores(population([1.0 * i for i in range(9)], [1] * 9, [1] * 9), bins=9)
        with pytest.raises(ValidationError, match=r"scores\.r' must be <= 5 for the default map"):
            rfm_segments(scores)

    @pytest.mark.parametrize(
        ("segment_map", "match"),
        [
            ({}, "non-empty mapping"),
            ({"": {"r": (1, 2)}}, "non-empty strings"),
            ({"x": {"q": (1, 2)}}, "ranges must map"),
            ({"x": {"r": (3, 2)}}, "'r' must be a \\(low, high\\) pair"),
            ({"x": {"r": [1, 2]}}, "'r' must be a \\(low, high\\) pair"),
        ],
    )
    def test_bad_maps(self, segment_map: object, match: str) -> None:
        scores = rfm_scores(population([1.0, 2.0], [1, 2], [1, 2]))
        with pytest.raises(ValidationError, match=match):
            rfm_segments(scores, segment_map)  # type: ignore[arg-type]

    def test_needs_score_columns(self) -> None:
        with pytest.raises(ValidationError, match="missing 'r'"):
            rfm_segments(Table({"customer": [1]}))


class TestConcentration:
    def test_pareto_by_hand(self) -> None:
        values = np.arange(1, 201)
        t = pareto_table(values)
        assert t.customers.tolist() == [2, 10, 20, 40, 100]
        top = np.sort(values)[::-1]
        expected = [top[:k].sum() / values.sum() for k in t.customers.tolist()]
        assert t.value_share.tolist() == pytest.approx(expected)

    def test_small_population_takes_at_least_one(self) -> None:
        assert pareto_table([5, 1]).customers.tolist() == [1, 1, 1, 1, 1]

    @given(st.lists(st.integers(0, 1000), min_size=1, max_size=50).filter(lambda v: sum(v) > 0))
    def test_gini_equals_mean_absolute_difference(self, values: list[int]) -> None:
        x = np.asarray(values, dtype=float)
        mad = np.abs(x[:, None] - x[None, :]).mean()
        assert gini(x) == pytest.approx(mad / (2 * x.mean()), abs=1e-12)

    @pytest.mark.parametrize(
        ("values", "match"),
        [
            ([], "must not be empty"),
            ([0, 0], "positive total"),
            ([1, -1], ">= 0"),
            ([1, float("nan")], "finite"),
        ],
    )
    def test_bad_values(self, values: list[float], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            gini(values)
        with pytest.raises(ValidationError, match=match):
            pareto_table(values)

    def test_bad_top_shares(self) -> None:
        with pytest.raises(ValidationError, match="top_shares"):
            pareto_table([1, 2], top_shares=(0.0, 0.5))

    @given(st.lists(st.integers(-50, 1000), min_size=1, max_size=60).filter(lambda v: sum(v) > 0))
    def test_deciles_against_a_recount(self, values: list[int]) -> None:
        t = value_deciles(np.asarray(values, dtype=np.int64))
        ranked = sorted(values, reverse=True)
        n, groups = len(values), min(10, len(values))
        sizes = [n // groups + (1 if i < n % groups else 0) for i in range(groups)]
        assert t.customers.tolist() == sizes
        starts = np.cumsum([0, *sizes])
        for i in range(groups):
            part = ranked[starts[i] : starts[i + 1]]
            assert (t.high[i], t.low[i]) == (part[0], part[-1])
            assert t.value_share[i] == pytest.approx(sum(part) / sum(values))
        assert t.decile.tolist() == list(range(1, groups + 1))

    @pytest.mark.parametrize(
        ("values", "match"),
        [
            ([], "positive total"),
            ([5, -5], "positive total"),
            ([1.0, float("inf")], "finite"),
            (["a"], "1-D array of numbers"),
            ([[1, 2]], "1-D array of numbers"),
        ],
    )
    def test_bad_deciles(self, values: list[object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            value_deciles(values)  # type: ignore[arg-type]


def purchases(rows: list[tuple[int, str, str]]) -> EventLog:
    return EventLog.from_records(
        [{"customer": c, "date": d, "amount": a, "currency": "EUR"} for c, d, a in rows]
    )


class TestCohortTable:
    def test_as_of_counts_the_purchases_up_to_that_day(self) -> None:
        log = purchases([(1, "2024-01-05", "10"), (1, "2024-04-10", "5"), (2, "2024-03-01", "1")])
        cut = cohort_table(log, period="M", as_of="2024-03-31")
        assert cut.k.max() == 2
        assert cut.value.tolist() == [1, 0, 0, 0, 0, 1]
        whole = cohort_table(log, period="M")
        assert whole.k.max() == 3
        with pytest.raises(ValidationError, match="purchase events on or before 2023-12-31"):
            cohort_table(log, as_of="2023-12-31")

    LOG: ClassVar[list[tuple[int, str, str]]] = [
        (1, "2024-01-05", "10"),
        (1, "2024-01-20", "5"),
        (1, "2024-03-01", "20"),
        (2, "2024-01-31", "8"),
        (3, "2024-02-01", "4"),
        (3, "2024-02-02", "6"),
        (3, "2024-03-31", "1"),
    ]

    def test_customers(self) -> None:
        t = cohort_table(purchases(self.LOG))
        cells = {
            (c.isoformat(), k): v
            for c, k, v in zip(t.cohort.tolist(), t.k.tolist(), t.value.tolist(), strict=True)
        }
        assert cells == {
            ("2024-01-01", 0): 2,
            ("2024-01-01", 1): 0,
            ("2024-01-01", 2): 1,
            ("2024-02-01", 0): 1,
            ("2024-02-01", 1): 1,
            ("2024-03-01", 0): 0,
        }
        assert t.share.tolist()[:3] == [1.0, 0.0, 0.5]

    def test_orders_and_revenue(self) -> None:
        log = purchases(self.LOG)
        orders = cohort_table(log, measure="orders")
        revenue = cohort_table(log, measure="revenue")
        assert orders.value.tolist() == [3, 0, 1, 2, 1, 0]
        assert revenue.value.tolist() == [2300, 0, 2000, 1000, 100, 0]
        assert revenue.share.tolist()[2] == pytest.approx(2000 / 2300)

    def test_weeks_start_on_monday(self) -> None:
        t = cohort_table(purchases([(1, "2024-01-07", "1"), (1, "2024-01-08", "1")]), period="W")
        assert t.cohort.tolist() == [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 1, 8)]
        assert t.value.tolist() == [1, 1, 0]

    def test_years_and_str(self) -> None:
        t = cohort_table(purchases([(1, "2023-05-01", "1"), (1, "2024-02-01", "1")]), period="Y")
        assert str(t).splitlines() == [
            "cohort    size      +0      +1",
            "2023         1  100.0%  100.0%",
            "2024         0",
        ]

    def test_other_kinds_do_not_count(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": 1, "date": "2024-01-01", "amount": "1", "currency": "EUR"},
                {"customer": 1, "date": "2024-02-01", "kind": "visit"},
            ]
        )
        assert cohort_table(log).value.tolist() == [1]

    def test_errors(self) -> None:
        visits = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        with pytest.raises(ValidationError, match="without purchase events"):
            cohort_table(visits)
        no_money = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(ValidationError, match="needs amounts"):
            cohort_table(no_money, measure="revenue")
        with pytest.raises(ValidationError, match="'period' must be one of"):
            cohort_table(no_money, period="D")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'measure' must be one of"):
            cohort_table(no_money, measure="visits")  # type: ignore[arg-type]

    @settings(max_examples=40)
    @given(event_logs(max_customers=6, max_events=40))
    def test_k0_counts_every_buyer_once(self, log: EventLog) -> None:
        if not log.kind_mask("purchase").any():
            return
        t = cohort_table(log)
        buyers = len(np.unique(log.code[log.kind_mask("purchase")]))
        assert int(t.value[t.k == 0].sum()) == buyers
        sizes = dict(zip(t.cohort[t.k == 0].tolist(), t.value[t.k == 0].tolist(), strict=True))
        for cohort, value in zip(t.cohort.tolist(), t.value.tolist(), strict=True):
            assert value <= sizes[cohort]


class TestClv:
    def test_formula(self) -> None:
        assert clv_margin_multiple(100, 0.8, 0.12) == pytest.approx(100 * 0.8 / 0.32)

    @given(
        st.floats(0.01, 0.99),
        st.floats(0.0, 0.5),
        st.integers(1, 60),
    )
    def test_finite_horizon_is_the_partial_sum(self, r: float, d: float, horizon: int) -> None:
        expected = sum((r / (1 + d)) ** t for t in range(1, horizon + 1))
        assert clv_margin_multiple(1, r, d, horizon=horizon) == pytest.approx(expected)

    def test_long_horizon_approaches_the_infinite_one(self) -> None:
        assert clv_margin_multiple(1, 0.7, 0.1, horizon=500) == pytest.approx(
            clv_margin_multiple(1, 0.7, 0.1)
        )

    def test_timings(self) -> None:
        end = clv_margin_multiple(10, 0.6, 0.1)
        assert clv_margin_multiple(10, 0.6, 0.1, timing="start") == pytest.approx(
            10 + end  # the first margin for certain, then the end-of-period stream
        )
        assert clv_margin_multiple(10, 0.6, 0.1, timing="middle") == pytest.approx(
            end * math.sqrt(1.1)
        )

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"retention": 1.0}, "'retention' must be in \\(0.0, 1.0\\)"),
            ({"retention": 0.0}, "'retention' must be in"),
            ({"discount": -1.0}, "'discount' must be in \\(-1.0, inf\\)"),
            ({"margin": float("nan")}, "'margin' must be finite"),
            ({"margin": "10"}, "'margin' must be a number"),
            ({"horizon": 0}, "'horizon' must be an int >= 1"),
            ({"timing": "late"}, "'timing' must be one of"),
            ({"retention": 0.95, "discount": -0.1}, "diverges"),
        ],
    )
    def test_errors(self, kwargs: dict[str, object], match: str) -> None:
        args: dict[str, object] = {"margin": 10, "retention": 0.5, "discount": 0.1} | kwargs
        with pytest.raises(ValidationError, match=match):
            clv_margin_multiple(**args)  # type: ignore[arg-type]


class TestRetentionEconomics:
    def test_rows(self) -> None:
        t = retention_economics(0.75, 120, 200, 20, 0.1, changes=(0.0, 0.05))
        net = 100
        clv = [clv_margin_multiple(net, r, 0.1, timing="start") for r in (0.75, 0.8)]
        assert t.clv.tolist() == pytest.approx(clv)
        assert t.profit.tolist() == pytest.approx([c - 200 for c in clv])
        assert t.profit_change.tolist() == pytest.approx([0, (clv[1] - 200) / (clv[0] - 200) - 1])
        assert t.expected_lifetime.tolist() == pytest.approx([4, 5])
        assert t.cost_ratio.tolist() == [10.0, 10.0]

    def test_horizon_lifetime(self) -> None:
        t = retention_economics(0.5, 10, 0, 0, 0.0, changes=(0.0,), horizon=2)
        assert t.expected_lifetime.tolist() == [1.5]
        assert math.isnan(t.cost_ratio[0])

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"retention": 1.2}, "'retention' must be in"),
            ({"acquisition_cost": -1}, "'acquisition_cost' must be in \\[0.0, inf\\)"),
            ({"retention_cost": -5}, "'retention_cost' must be in"),
            ({"margin": 0}, "'margin' must be in \\(0.0"),
            ({"discount": -2}, "'discount' must be in"),
            ({"changes": (0.0, 0.3)}, "outside \\(0, 1\\)"),
            ({"changes": ()}, "at least one change"),
        ],
    )
    def test_errors(self, kwargs: dict[str, object], match: str) -> None:
        args: dict[str, object] = {
            "retention": 0.8,
            "margin": 100,
            "acquisition_cost": 300,
            "retention_cost": 10,
            "discount": 0.1,
        } | kwargs
        with pytest.raises(ValidationError, match=match):
            retention_economics(**args)  # type: ignore[arg-type]


class TestMarkovChainModel:
    P: ClassVar[list[list[float]]] = [[0.7, 0.2, 0.1], [0.3, 0.5, 0.2], [0.0, 0.0, 1.0]]

    def test_value_is_the_discounted_sum(self) -> None:
        model = MarkovChainModel(("a", "b", "c"), self.P, [10, 4, 0])
        step = np.asarray(self.P) / 1.15
        expected = sum(np.linalg.matrix_power(step, t) @ [10, 4, 0] for t in range(7))
        assert model.value(0.15, horizon=7).tolist() == pytest.approx(expected.tolist())
        infinite = np.linalg.solve(np.eye(3) - step, [10, 4, 0])
        assert model.value(0.15).tolist() == pytest.approx(infinite.tolist())

    def test_steady_state(self) -> None:
        model = MarkovChainModel(("a", "b"), [[0.6, 0.4], [0.2, 0.8]], [1, 0])
        pi = model.steady_state()
        assert pi.tolist() == pytest.approx([1 / 3, 2 / 3])
        assert (pi @ model.transition_matrix).tolist() == pytest.approx(pi.tolist())

    def test_absorbing_steady_state(self) -> None:
        model = MarkovChainModel(("a", "b", "c"), self.P, [10, 4, 0])
        assert model.steady_state().tolist() == pytest.approx([0, 0, 1])

    def test_no_unique_steady_state(self) -> None:
        model = MarkovChainModel(("a", "b"), [[1.0, 0.0], [0.0, 1.0]], [1, 0])
        with pytest.raises(ValidationError, match="more than one steady state"):
            model.steady_state()

    def test_from_timeline_flow(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": c, "date": d}
                for c, d in [
                    (1, "2024-01-01"),
                    (1, "2024-02-01"),
                    (2, "2024-01-05"),
                    (3, "2024-01-10"),
                ]
            ]
        )
        timeline = default_lifecycle().replay(log, end="2024-02-15")
        flow = timeline.flow("2024-01-15", "2024-02-15")
        with pytest.raises(ValidationError, match="no customer was in stage"):
            MarkovChainModel.from_flow(flow, [1, 2, 3, 4, 0])
        flow = StageFlow.from_counts(
            ("a", "b"),
            dt.date(2024, 1, 1),
            dt.date(2024, 2, 1),
            np.array([[3, 1], [1, 1]]),
            np.array([0, 0]),
        )
        model = MarkovChainModel.from_flow(flow, [1, 0])
        assert model.transition_matrix.tolist() == [[0.75, 0.25], [0.5, 0.5]]

    def test_from_labels(self) -> None:
        model = MarkovChainModel.from_labels(
            ["x", "y", "y"], ["y", "y", "x"], [1, 2], states=["x", "y"]
        )
        assert model.transition_matrix.tolist() == [[0.0, 1.0], [0.5, 0.5]]
        with pytest.raises(ValidationError, match="'after' must be one of the states"):
            MarkovChainModel.from_labels(["x"], ["z"], [1], states=["x"])
        with pytest.raises(ValidationError, match="seen at least once"):
            MarkovChainModel.from_labels(["x"], ["x"], [1, 2], states=["x", "y"])
        with pytest.raises(ValidationError, match="equal length"):
            MarkovChainModel.from_labels(["x"], [], [1])

    def test_round_trip(self) -> None:
        model = MarkovChainModel(("a", "b", "c"), self.P, [10, 4, 0])
        again = MarkovChainModel.from_dict(model.to_dict())
        assert again.states == model.states
        assert again.transition_matrix.tolist() == model.transition_matrix.tolist()

    @pytest.mark.parametrize(
        ("states", "matrix", "rewards", "match"),
        [
            (("a", "b"), [[0.5, 0.4], [0, 1]], [1, 0], "rows must sum to 1 .*index 0: 0.9"),
            (("a", "b"), [[1.5, -0.5], [0, 1]], [1, 0], "'transition_matrix' must be >= 0.0"),
            (("a", "a"), [[1, 0], [0, 1]], [1, 0], "distinct"),
            (("a", ""), [[1, 0], [0, 1]], [1, 0], "non-empty strings"),
            (("a", "b"), [[1.0]], [1, 0], "must be 2 x 2"),
            (("a", "b"), [[1, 0], [0, 1]], [1], "one value per state"),
            (("a", "b"), [[1, 0], [0, 1]], [1, float("inf")], "'rewards' must be a finite"),
        ],
    )
    def test_bad_models(
        self, states: tuple[str, ...], matrix: list[list[float]], rewards: list[float], match: str
    ) -> None:
        with pytest.raises(ValidationError, match=match):
            MarkovChainModel(states, matrix, rewards)

    def test_bad_discounts(self) -> None:
        model = MarkovChainModel(("a", "b"), [[0.5, 0.5], [0.5, 0.5]], [1, 0])
        with pytest.raises(ValidationError, match="'discount' must be > -1"):
            model.value(-1.0)
        with pytest.raises(ValidationError, match=r"does not exist at discount 0\.0"):
            model.value(0.0)
        with pytest.raises(ValidationError, match="'horizon' must be an int"):
            model.value(0.1, horizon=0)


class TestSurvival:
    def test_by_hand(self) -> None:
        # 6 relationships: ends at 1, 3, 3, 4; censored at 2 and 5.
        t = survival([1, 2, 3, 3, 4, 5], [True, False, True, True, True, False], bands="plain")
        assert t.time.tolist() == [1.0, 3.0, 4.0]
        assert t.at_risk.tolist() == [6, 4, 2]
        assert t.events.tolist() == [1, 2, 1]
        s = [5 / 6, 5 / 6 * 2 / 4, 5 / 6 * 2 / 4 * 1 / 2]
        assert t.survival.tolist() == pytest.approx(s)
        green = [1 / (6 * 5), 1 / 30 + 2 / (4 * 2), 1 / 30 + 2 / 8 + 1 / (2 * 1)]
        se = [si * math.sqrt(g) for si, g in zip(s, green, strict=True)]
        assert t.std_err.tolist() == pytest.approx(se)
        assert t.lower.tolist() == pytest.approx(
            [max(0, a - 1.959964 * b) for a, b in zip(s, se, strict=True)], abs=1e-6
        )
        assert t.median == 3.0

    def test_everyone_ends(self) -> None:
        t = survival([1, 2], [True, True])
        assert t.survival.tolist() == [0.5, 0.0]
        assert t.lower.tolist()[-1] == 0.0
        assert t.upper.tolist()[-1] == 0.0

    def test_no_median(self) -> None:
        assert math.isnan(survival([1, 5, 6], [True, False, False]).median)

    @pytest.mark.parametrize(
        ("durations", "observed", "kwargs", "match"),
        [
            ([1, -2], [True, True], {}, "'durations' must be >= 0.0"),
            ([1, 2], [1, 0], {}, "'observed' must contain booleans"),
            ([1, 2], [True], {}, "equal lengths"),
            ([], [], {}, "must not be empty"),
            ([1], [True], {"confidence": 1.0}, "'confidence' must be in"),
            ([1], [True], {"bands": "arcsine"}, "'bands' must be one of"),
        ],
    )
    def test_errors(
        self, durations: list[float], observed: list[object], kwargs: dict[str, object], match: str
    ) -> None:
        with pytest.raises(ValidationError, match=match):
            survival(durations, observed, **kwargs)  # type: ignore[arg-type]

    def test_relationship_durations(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": c, "date": d}
                for c, d in [(1, "2023-01-01"), (2, "2024-01-01"), (2, "2024-02-01")]
            ]
        )
        timeline = default_lifecycle().replay(log, end="2024-03-01", every="1M")
        d = relationship_durations(timeline)
        assert d.customer.tolist() == [1, 2]
        assert d.observed.tolist() == [True, False]
        change = next(c for c in timeline.changes_for(1) if c.target == "dissolution")
        assert d.duration.tolist() == [(change.on - dt.date(2023, 1, 1)).days, 60]
        early = relationship_durations(timeline, as_of="2023-02-01")
        assert early.customer.tolist() == [1]
        assert early.duration.tolist() == [31]


class TestSections:
    def test_value_section_on_demo(self) -> None:
        from lifecycle.datasets import DEMO_AS_OF, load_demo

        log = load_demo()
        lines = value_section(log.population(DEMO_AS_OF))
        assert len([line for line in lines if line.strip()[:1].isdigit()]) == 15
        assert any(line.startswith("Pareto") for line in lines)
        assert cohort_section(log)[0].startswith("Cohort retention")

    def test_value_section_needs_money(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(ValidationError, match="needs money"):
            value_section(log.population("2024-01-02"))


class TestAgainstPeers:
    @settings(max_examples=40)
    @given(
        st.lists(
            st.tuples(st.integers(0, 6), st.integers(0, 400), st.integers(1, 5000)),
            min_size=1,
            max_size=60,
        ),
        st.sampled_from(["M", "Q", "Y"]),
    )
    def test_cohorts_equal_a_pandas_groupby(
        self, events: list[tuple[int, int, int]], period: str
    ) -> None:
        start = np.datetime64("2023-01-01")
        frame = pd.DataFrame(
            {
                "customer": [c for c, _, _ in events],
                "date": [start + np.timedelta64(d, "D") for _, d, _ in events],
                "amount": [a for _, _, a in events],
            }
        )
        log = EventLog.from_arrays(
            customer=frame.customer.to_numpy(),
            date=frame.date.to_numpy().astype("datetime64[D]"),
            amount_minor=frame.amount.to_numpy(),
            currency="EUR",
        )
        freq = {"M": "M", "Q": "Q", "Y": "Y"}[period]
        frame["p"] = frame.date.dt.to_period(freq)
        frame["cohort"] = frame.groupby("customer")["p"].transform("min")
        frame["k"] = (frame.p - frame.cohort).apply(lambda offset: offset.n)
        expected = {
            "customers": frame.groupby(["cohort", "k"]).customer.nunique(),
            "orders": frame.groupby(["cohort", "k"]).size(),
            "revenue": frame.groupby(["cohort", "k"]).amount.sum(),
        }
        for measure, peer in expected.items():
            t = cohort_table(log, period=period, measure=measure)  # type: ignore[arg-type]
            ours = {
                (pd.Period(c, freq), k): v
                for c, k, v in zip(t.cohort.tolist(), t.k.tolist(), t.value.tolist(), strict=True)
                if v
            }
            assert ours == {key: int(v) for key, v in peer.items()}, measure

    @settings(max_examples=60)
    @given(st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=1, max_size=40))
    def test_kaplan_meier_equals_a_plain_product(self, data: list[tuple[int, bool]]) -> None:
        durations = [d for d, _ in data]
        observed = [o for _, o in data]
        t = survival(durations, observed)
        s = 1.0
        expected = []
        for time in sorted({d for d, o in data if o}):
            at_risk = sum(1 for d in durations if d >= time)
            events = sum(1 for d, o in data if d == time and o)
            s *= 1 - events / at_risk
            expected.append((float(time), at_risk, events, s))
        got = list(
            zip(
                t.time.tolist(),
                t.at_risk.tolist(),
                t.events.tolist(),
                t.survival.tolist(),
                strict=True,
            )
        )
        assert [g[:3] for g in got] == [e[:3] for e in expected]
        assert [g[3] for g in got] == pytest.approx([e[3] for e in expected])
