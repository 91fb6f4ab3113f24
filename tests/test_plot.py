"""Tests of lifecycle.plot: each chart rendered to PNG (Agg) and what it drew read back."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="lifecycle.plot needs the [plot] extra")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import PathPatch, Rectangle  # noqa: E402

from lifecycle import (  # noqa: E402
    EventLog,
    Money,
    PercentOff,
    PricingPolicy,
    Table,
    default_lifecycle,
    default_satisfaction,
)
from lifecycle.errors import MissingDependencyError, ValidationError  # noqa: E402
from lifecycle.instruments import ipa, nps  # noqa: E402
from lifecycle.plot import (  # noqa: E402
    calibration_vs_holdout,
    frequency_recency_heatmap,
    ipa_chart,
    nps_over_time,
    price_waterfall,
    probability_alive_heatmap,
    retention_heatmap,
    rfm_grid,
    satisfaction_radar,
    stage_flow,
    stage_funnel,
)
from lifecycle.stages import StageFlow  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def axes() -> Axes:
    ax: Axes = Figure().subplots()
    return ax


def render(ax: Axes, tmp_path: Path, name: str = "chart.png") -> np.ndarray:
    """Save the chart as PNG and read it back: the pixels, to check something was drawn."""
    path = tmp_path / name
    ax.figure.savefig(path, dpi=50)  # type: ignore[union-attr]
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels: np.ndarray = matplotlib.image.imread(path)
    assert pixels[..., :3].std() > 0.05  # not a blank canvas
    return pixels


def ticks(labels: Any) -> list[str]:
    return [t.get_text() for t in labels]


def heights(container: Any) -> list[float]:
    return [float(p.get_height()) for p in container]


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def timeline() -> Any:
    rows = [
        (1, "2024-01-01"),
        (1, "2024-02-01"),
        (1, "2024-03-01"),
        (2, "2024-01-10"),
        (2, "2024-02-20"),
        (3, "2024-03-05"),
        (4, "2023-01-05"),
        (5, "2024-05-01"),
    ]
    log = EventLog.from_records([{"customer": c, "date": d} for c, d in rows])
    return default_lifecycle().replay(log, start="2020-01-01", end="2024-06-30", every="1M")


# ----------------------------------------------------------------------------- imports


class TestImports:
    def test_import_lifecycle_and_plot_does_not_import_matplotlib(self) -> None:
        code = (
            "import json, sys\n"
            "import lifecycle, lifecycle.plot\n"
            "from lifecycle.plot import stage_funnel\n"
            "print(json.dumps('matplotlib' in sys.modules))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
        )
        assert json.loads(result.stdout) is False

    def test_missing_matplotlib_names_the_extra(
        self, monkeypatch: pytest.MonkeyPatch, timeline: Any
    ) -> None:
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(MissingDependencyError, match=r"customer-lifecycle\[plot\]"):
            stage_funnel(timeline.funnel(["2024-03-31"]))

    def test_no_ax_makes_a_pyplot_figure(self, timeline: Any) -> None:
        ax = stage_funnel(timeline.funnel(["2024-03-31"]))
        assert ax.figure.number in plt.get_fignums()  # type: ignore[union-attr]

    def test_ax_must_be_axes(self, timeline: Any) -> None:
        with pytest.raises(ValidationError, match="'ax' must be a matplotlib Axes or None"):
            stage_funnel(timeline.funnel(["2024-03-31"]), ax="left")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- stages


class TestStageFunnel:
    def test_bars_are_the_funnel_counts(self, timeline: Any, tmp_path: Path) -> None:
        dates = ["2024-01-31", "2024-03-31", "2024-06-30"]
        funnel = timeline.funnel(dates)
        ax = stage_funnel(funnel, ax=axes())
        assert render(ax, tmp_path).shape[:2] == (240, 320)  # 6.4 x 4.8 inches at 50 dpi
        assert len(ax.containers) == 5
        assert len(ax.patches) == 5 * len(dates)
        for stage, container in zip(funnel["stage"], ax.containers, strict=True):
            row = funnel.row(list(funnel["stage"]).index(stage))
            assert heights(container) == [float(row[d]) for d in dates]
            assert container.get_label() == stage
        assert ticks(ax.get_xticklabels()) == dates
        assert ax.get_ylabel() == "customers"
        assert "date" in ax.get_xlabel()
        # Stacked: each stage starts where the one below it ends.
        bottoms = [p.get_y() for p in ax.containers[1]]
        assert bottoms == heights(ax.containers[0])
        legend = ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == list(funnel["stage"])[::-1]

    def test_share(self, timeline: Any) -> None:
        funnel = timeline.funnel(["2024-01-31", "2024-06-30"])
        ax = stage_funnel(funnel, share=True, ax=axes())
        totals = np.sum([heights(c) for c in ax.containers], axis=0)
        assert totals == pytest.approx([100.0, 100.0])
        assert ax.get_ylabel() == "share of customers (%)"

    def test_date_before_anyone_draws_no_bar_in_share(self, timeline: Any) -> None:
        funnel = timeline.funnel(["2020-01-01", "2024-06-30"])
        ax = stage_funnel(funnel, share=True, ax=axes())
        assert [heights(c)[0] for c in ax.containers] == [0.0] * 5

    @pytest.mark.parametrize(
        ("funnel", "match"),
        [
            ("funnel", "'funnel' must be a lifecycle Table"),
            (Table({"2024-01-01": [1]}), "'funnel' has no column 'stage'"),
            (Table({"stage": ["a"]}), "at least one date column"),
            (Table({"stage": ["a"], "total": [1]}), "funnel column 'total'"),
            (Table({"stage": ["a"], "2024-01-01": [-1]}), "must be >= 0"),
            (Table({"stage": ["a"], "2024-01-01": [1.5]}), "must hold customer counts"),
            (Table({"stage": [], "2024-01-01": []}), "must not be empty"),
        ],
    )
    def test_bad_input(self, funnel: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            stage_funnel(funnel, ax=axes())


class TestStageFlow:
    def flow(self) -> StageFlow:
        return StageFlow.from_counts(
            ("a", "b", "c"),
            dt.date(2024, 1, 1),
            dt.date(2024, 4, 1),
            np.array([[3, 1, 0], [0, 4, 2], [0, 0, 0]]),
            np.array([2, 0, 5]),
        )

    def test_bands_are_as_thick_as_the_counts(self, tmp_path: Path) -> None:
        ax = stage_flow(self.flow(), ax=axes())
        render(ax, tmp_path)
        bands = {p.get_gid(): p for p in ax.patches if isinstance(p, PathPatch)}
        assert set(bands) == {"a -> a", "a -> b", "b -> b", "b -> c", "new -> a", "new -> c"}
        for gid, n in [("a -> a", 3), ("a -> b", 1), ("b -> c", 2), ("new -> c", 5)]:
            xs, ys = bands[gid].get_path().vertices.T
            left = ys[xs == xs.min()]
            assert left.max() - left.min() == pytest.approx(n)

    def test_stage_bars(self) -> None:
        ax = stage_flow(self.flow(), ax=axes())
        bars = {p.get_gid(): p.get_height() for p in ax.patches if isinstance(p, Rectangle)}
        # Stage c has nobody on the start date: no bar for it on the left.
        assert bars == {
            "start:a": 4,
            "start:b": 6,
            "start:new": 7,
            "end:a": 5,
            "end:b": 5,
            "end:c": 7,
        }
        texts = {t.get_text() for t in ax.texts}
        assert {"a (4)", "new (7)", "c (7)"} <= texts
        assert ticks(ax.get_xticklabels()) == ["2024-01-01", "2024-04-01"]
        assert "17 in all" in ax.get_ylabel()
        assert ax.get_title() == "Stage flow, 2024-01-01 to 2024-04-01"

    def test_from_a_timeline(self, timeline: Any) -> None:
        flow = timeline.flow("2024-01-31", "2024-06-30")
        ax = stage_flow(flow, ax=axes())
        bands = [p for p in ax.patches if isinstance(p, PathPatch)]
        assert len(bands) == np.count_nonzero(flow.counts) + np.count_nonzero(flow.new)

    def test_bad_input(self) -> None:
        with pytest.raises(ValidationError, match="'flow' must be a StageFlow"):
            stage_flow(np.eye(2), ax=axes())  # type: ignore[arg-type]
        empty = StageFlow.from_counts(
            ("a",), dt.date(2024, 1, 1), dt.date(2024, 2, 1), np.zeros((1, 1), np.int64),
            np.zeros(1, np.int64),
        )  # fmt: skip
        with pytest.raises(ValidationError, match="counts no customer between 2024-01-01"):
            stage_flow(empty, ax=axes())


# ----------------------------------------------------------------------------- survey


def polar() -> Axes:
    ax: Axes = Figure().add_subplot(projection="polar")
    return ax


class TestSatisfactionRadar:
    answers: ClassVar[dict[str, list[float]]] = {
        "product": [5, 4, np.nan],
        "peripheral": [3, 3, 1],
        "atmosphere": [4, 2, 3],
        "psychic": [2, 2, 5],
    }

    def test_one_series_is_the_mean_of_those_who_answered(self, tmp_path: Path) -> None:
        scores = default_satisfaction().score(self.answers)
        ax = satisfaction_radar(scores, ax=polar())
        render(ax, tmp_path)
        assert len(ax.lines) == 1
        expected = [87.5, 100 * (2 + 2 + 0) / 12, 50.0, 100 * (1 + 1 + 4) / 12]
        assert ax.lines[0].get_ydata() == pytest.approx([*expected, expected[0]])
        assert ticks(ax.get_xticklabels()) == ["product", "peripheral", "atmosphere", "psychic"]
        assert ax.get_ylim() == (0, 100)
        assert "0-100" in ax.get_title()
        assert ax.get_legend() is None

    def test_one_respondent_and_several_series(self) -> None:
        model = default_satisfaction()
        one = model.score({"product": 5, "peripheral": 1, "atmosphere": 3, "psychic": 4})
        many = model.score(self.answers)
        ax = satisfaction_radar({"ann": one, "survey": many}, ax=polar())
        assert len(ax.lines) == 2
        assert ax.lines[0].get_ydata().tolist() == [100.0, 0.0, 50.0, 75.0, 100.0]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ann", "survey"]

    def test_dimensions_subset(self) -> None:
        scores = default_satisfaction().score(self.answers)
        ax = satisfaction_radar(scores, dimensions=["psychic", "product", "atmosphere"])
        assert ticks(ax.get_xticklabels()) == ["psychic", "product", "atmosphere"]
        assert ax.name == "polar"

    @pytest.mark.parametrize(
        ("scores", "kwargs", "match"),
        [
            ({"product": 4}, {}, "must be a SatisfactionScore or SatisfactionScores"),
            ({}, {}, "must not be an empty mapping"),
            (None, {"dimensions": ["product", "psychic"]}, "at least 3 dimensions"),
            (None, {"dimensions": ["product", "psychic", "price"]}, "no dimension 'price'"),
        ],
    )
    def test_bad_input(self, scores: Any, kwargs: dict[str, Any], match: str) -> None:
        if scores is None:
            scores = default_satisfaction().score(self.answers)
        with pytest.raises(ValidationError, match=match):
            satisfaction_radar(scores, ax=polar(), **kwargs)

    def test_unanswered_dimension(self) -> None:
        scores = default_satisfaction().score({"product": 4, "psychic": 3, "atmosphere": 2})
        with pytest.raises(ValidationError, match="dimension 'peripheral' has no answers"):
            satisfaction_radar(scores, ax=polar())

    def test_needs_a_polar_axes(self) -> None:
        scores = default_satisfaction().score(self.answers)
        with pytest.raises(ValidationError, match="must be a polar Axes"):
            satisfaction_radar(scores, ax=axes())


class TestNpsOverTime:
    def results(self) -> dict[Any, Any]:
        return {
            "2024-06-30": nps([10, 10, 9, 8, 6, 9], ci="wald"),
            dt.date(2024, 3, 31): nps([10, 9, 7, 3, 10], ci="wald"),
            "2024-09-30": nps([10, 3, 3, 7], ci="adjusted_wald"),
        }

    def test_scores_in_date_order_with_their_interval(self, tmp_path: Path) -> None:
        results = self.results()
        ax = nps_over_time(results, ax=axes())
        render(ax, tmp_path)
        line = ax.lines[0]
        assert list(line.get_xdata()) == list(
            np.array(["2024-03-31", "2024-06-30", "2024-09-30"], dtype="datetime64[D]")
        )
        ordered = [results[dt.date(2024, 3, 31)], results["2024-06-30"], results["2024-09-30"]]
        assert line.get_ydata() == pytest.approx([r.score for r in ordered])
        band = ax.collections[0].get_paths()[0].vertices[:, 1]
        assert band.min() == pytest.approx(min(r.ci[0] for r in ordered))
        assert band.max() == pytest.approx(max(r.ci[1] for r in ordered))
        assert ax.get_ylabel() == "NPS (points, -100 to 100)"
        assert [t.get_text() for t in ax.texts] == [f"{r.score:.1f}" for r in ordered]
        assert "n = 4 to 6" in line.get_label()
        low, high = ax.get_ylim()
        assert low >= -100
        assert high <= 100

    @pytest.mark.parametrize(
        ("results", "match"),
        [
            ([nps([10], ci="wald")], "must be a mapping of survey date to NPSResult"),
            ({}, "must not be empty"),
            ({"2024-01-01": nps([10])}, "has no interval to draw"),
            ({"2024-01-01": 40.0}, "must be an NPSResult"),
            ({"Q1": nps([10], ci="wald")}, "'results key' must be a date"),
            (
                {"2024-01-01": nps([10], ci="wald"), dt.date(2024, 1, 1): nps([9], ci="wald")},
                "has the date 2024-01-01 twice",
            ),
        ],
    )
    def test_bad_input(self, results: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            nps_over_time(results, ax=axes())


class TestIpaChart:
    importance = (4.5, 4.0, 2.0, 2.5, 4.0)
    performance = (2.0, 4.5, 2.0, 4.0, 3.0)

    def test_points_in_their_quadrants(self, tmp_path: Path) -> None:
        result = ipa(self.importance, self.performance, crosshair=(3, 3))
        names = ["price", "staff", "web", "app", "delivery"]
        ax = ipa_chart(result, self.importance, self.performance, labels=names, ax=axes())
        render(ax, tmp_path)
        points = {c.get_label(): c.get_offsets().tolist() for c in ax.collections}
        assert points == {
            "concentrate here": [[2.0, 4.5]],
            "keep up the good work": [[4.5, 4.0], [3.0, 4.0]],
            "low priority": [[2.0, 2.0]],
            "possible overkill": [[4.0, 2.5]],
        }
        crosshair = [line.get_xdata()[0] for line in ax.lines[:1]] + [
            line.get_ydata()[0] for line in ax.lines[1:2]
        ]
        assert crosshair == [3, 3]
        written = {t.get_text().strip() for t in ax.texts}
        assert set(names) <= written
        assert "concentrate here" in written
        assert ax.get_xlabel() == "performance (mean rating)"
        assert ax.get_ylabel() == "importance (mean rating)"

    def test_empty_quadrant_has_no_collection(self) -> None:
        result = ipa([4, 4], [4, 5], crosshair=(3, 3))
        ax = ipa_chart(result, [4, 4], [4, 5], ax=axes())
        assert [c.get_label() for c in ax.collections] == ["keep up the good work"]

    def test_ratings_must_match_the_result(self) -> None:
        result = ipa(self.importance, self.performance, crosshair=(3, 3))
        swapped = list(self.performance)
        with pytest.raises(ValidationError, match="first at attribute 0"):
            ipa_chart(result, swapped, self.importance, ax=axes())

    @pytest.mark.parametrize(
        ("result", "importance", "labels", "match"),
        [
            (None, [4.5, 4.0], None, "arrays must have equal lengths"),
            (None, [4.5, 4.0, 2.0, 2.5, 4.0], ["a"], "labels=1"),
            ("ipa", [4.5], None, "'result' must be an IPAResult"),
            (None, [], None, "'importance' must not be empty"),
        ],
    )
    def test_bad_input(self, result: Any, importance: Any, labels: Any, match: str) -> None:
        if result is None:
            result = ipa(self.importance, self.performance)
        with pytest.raises(ValidationError, match=match):
            ipa_chart(result, importance, self.performance, labels=labels, ax=axes())


# ----------------------------------------------------------------------------- pricing


class TestPriceWaterfall:
    def test_steps_from_list_price_to_total(self, tmp_path: Path) -> None:
        policy = PricingPolicy(
            [PercentOff(10, name="loyal"), PercentOff(50, name="clearance")],
            combine="sequence",
            max_discount=40,
        )
        quote = policy.quote(Money("19.99", "EUR"), quantity=3, on="2024-05-01")
        ax = price_waterfall(quote, ax=axes())
        render(ax, tmp_path)
        assert ticks(ax.get_xticklabels()) == [
            "list price",
            "loyal",
            "clearance",
            "max_discount",
            "total",
        ]
        bars = ax.patches
        steps = [s for s in quote.steps if s.applied]
        assert float(bars[0].get_height()) == pytest.approx(float(quote.list_total.amount))
        for bar, step in zip(bars[1:-1], steps, strict=True):
            assert float(bar.get_y()) == pytest.approx(float(step.before.amount))
            assert float(bar.get_y() + bar.get_height()) == pytest.approx(float(step.after.amount))
        assert float(bars[-1].get_height()) == pytest.approx(float(quote.total.amount))
        # Discounts green, the guard raising the price orange.
        assert bars[1].get_facecolor() == bars[2].get_facecolor() != bars[3].get_facecolor()
        texts = [t.get_text() for t in ax.texts]
        assert texts[0] == "59.97"
        assert texts[-1] == str(quote.total.amount)
        assert texts[1] == f"{(steps[0].after - steps[0].before).amount:+}"
        assert ax.get_ylabel() == "price of the line (EUR)"
        assert "3 x 19.99 EUR on 2024-05-01" in ax.get_title()

    def test_no_rule_applied(self) -> None:
        quote = PricingPolicy([]).quote(Money("5", "USD"), on="2024-05-01")
        ax = price_waterfall(quote, ax=axes())
        assert ticks(ax.get_xticklabels()) == ["list price", "total"]
        assert heights(ax.patches) == [5.0, 5.0]
        assert ax.get_ylabel() == "price of the line (USD)"

    def test_bad_input(self) -> None:
        with pytest.raises(ValidationError, match="'quote' must be a Quote"):
            price_waterfall(Money("5", "USD"), ax=axes())  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- tables


def cohorts(**changes: Any) -> Table:
    columns: dict[str, Any] = {
        "cohort": np.array(["2024-01-01"] * 3 + ["2024-02-01"] * 2, dtype="datetime64[D]"),
        "k": [0, 1, 2, 0, 1],
        "share": [1.0, 0.4, 0.3, 1.0, 0.5],
    }
    columns.update(changes)
    return Table(columns)


class TestRetentionHeatmap:
    def test_grid_with_missing_cells_blank(self, tmp_path: Path) -> None:
        ax = retention_heatmap(cohorts(), unit="months", ax=axes())
        render(ax, tmp_path)
        image = ax.images[0].get_array()
        assert image.mask.tolist() == [[False, False, True], [False, False, False]]
        assert image.filled(-1).tolist() == [[100.0, 50.0, -1], [100.0, 40.0, 30.0]]
        assert ticks(ax.get_yticklabels()) == ["2024-02-01", "2024-01-01"]
        assert ticks(ax.get_xticklabels()) == ["0", "1", "2"]
        assert sorted(t.get_text() for t in ax.texts) == sorted(
            ["100%", "40%", "30%", "100%", "50%"]
        )
        assert ax.get_xlabel() == "months since the cohort began (k)"
        colorbar = ax.figure.axes[1]  # type: ignore[union-attr]
        assert colorbar.get_ylabel() == "share of the cohort (%)"

    def test_other_columns_and_plain_numbers(self) -> None:
        table = Table({"month": ["a", "a", "b"], "age": [1, 2, 1], "revenue": [10.0, 5.5, 7.0]})
        ax = retention_heatmap(
            table, cohort="month", period="age", value="revenue", percent=False, ax=axes()
        )
        assert ax.images[0].get_array().filled(-1).tolist() == [[7.0, -1], [10.0, 5.5]]
        assert ticks(ax.get_xticklabels()) == ["1", "2"]
        assert "5.5" in [t.get_text() for t in ax.texts]

    @pytest.mark.parametrize(
        ("table", "match"),
        [
            (cohorts(k=[0, 1, 1, 0, 1]), "cohort 2024-01-01 and k 1 more than once"),
            (cohorts(share=[1.0, 1.4, 0.3, 1.0, 0.5]), r"<= 1.0 \(1 violation, first at index 1"),
            (cohorts(k=[0, 1, -2, 0, 1]), "'k'"),
            (cohorts(k=[0, 1, 1.5, 0, 1]), "'k'"),
            (cohorts(share=[1.0, np.inf, 0.3, 1.0, 0.5]), "'share'"),
            (Table({"cohort": [1], "k": [0]}), "has no column 'share'"),
            (
                cohorts(cohort=np.array(["a", None, "b", "a", "b"], dtype=object)),
                "column 'cohort' must hold labels of one kind that sort",
            ),
            ({"cohort": [1]}, "must be a lifecycle Table"),
        ],
    )
    def test_bad_input(self, table: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            retention_heatmap(table, ax=axes())


class TestRfmGrid:
    def test_counts_and_segments(self, tmp_path: Path) -> None:
        scores = Table(
            {
                "customer": [1, 2, 3, 4, 5, 6, 7],
                "r": [0, 1, 2, 2, 1, 2, 2],
                "f": [0, 1, 2, 2, 2, 1, 1],
                "segment": np.array(
                    [None, "lost", "loyal", "loyal", "at risk", "new", "promising"], dtype=object
                ),
            }
        )
        ax = rfm_grid(scores, segment="segment", ax=axes())
        render(ax, tmp_path)
        counts = ax.images[0].get_array().tolist()
        assert counts == [[1, 0, 0], [0, 1, 1], [0, 2, 2]]
        texts = sorted(t.get_text() for t in ax.texts)
        assert "1" in texts  # the customer without a purchase: a count, no segment
        assert {"1\nlost", "1\nat risk", "2\nmixed", "2\nloyal"} <= set(texts)
        assert ticks(ax.get_xticklabels()) == ["0", "1", "2"]
        assert ticks(ax.get_yticklabels()) == ["0", "1", "2"]
        assert ax.get_xlabel().startswith("frequency score")
        assert "7 in all" in ax.get_title()

    def test_without_segments(self) -> None:
        ax = rfm_grid(Table({"r": [1, 5], "f": [3, 3]}), ax=axes())
        assert np.asarray(ax.images[0].get_array()).shape == (5, 1)
        assert ticks(ax.get_yticklabels()) == ["1", "2", "3", "4", "5"]

    @pytest.mark.parametrize(
        ("table", "kwargs", "match"),
        [
            (Table({"r": [1, -1], "f": [1, 1]}), {}, "'r'"),
            (Table({"r": [1, 2], "f": [1, 0.5]}), {}, "'f'"),
            (Table({"r": [1], "f": [1]}), {"segment": "segment"}, "no column 'segment'"),
            (Table({"r": [], "f": []}), {}, "must not be empty"),
        ],
    )
    def test_bad_input(self, table: Table, kwargs: dict[str, Any], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            rfm_grid(table, ax=axes(), **kwargs)


# ----------------------------------------------------------------------------- models


class TestFrequencyRecencyHeatmaps:
    grid = np.array([[0.1, 0.2, 0.3], [0.2, 0.8, 0.5]])

    def test_values_on_their_axes(self, tmp_path: Path) -> None:
        ax = frequency_recency_heatmap(
            self.grid, frequency=[0, 2], recency=[0, 5, 20], unit="weeks", ax=axes()
        )
        render(ax, tmp_path)
        mesh = ax.collections[0]
        assert np.asarray(mesh.get_array()).tolist() == self.grid.tolist()
        # Cells centred on the axis values, even when they are unevenly spaced.
        corners = mesh.get_coordinates()
        assert corners[0, :, 0].tolist() == [-2.5, 2.5, 12.5, 27.5]
        assert corners[:, 0, 1].tolist() == [-1.0, 1.0, 3.0]
        assert ax.get_xlabel() == "recency (weeks from first to last purchase)"
        assert ax.get_ylabel() == "frequency (repeat purchases)"
        assert ax.figure.axes[1].get_ylabel() == "expected purchases"  # type: ignore[union-attr]

    def test_probability_alive(self, tmp_path: Path) -> None:
        ax = probability_alive_heatmap(
            self.grid, frequency=[0, 1], recency=[0, 1, 2], unit="days", T=2, ax=axes()
        )
        render(ax, tmp_path)
        assert ax.collections[0].get_clim() == (0.0, 1.0)
        assert ax.get_title() == "Probability alive by frequency and recency (T = 2 days)"

    @pytest.mark.parametrize(
        ("values", "frequency", "recency", "match"),
        [
            ([[0.1, 0.2]], [0, 1], [0, 1], r"shape \(len\(frequency\), len\(recency\)\)"),
            ([0.1, 0.2], [0], [0, 1], "must be 2-dimensional"),
            ([[0.1, 0.2]], [0], [1, 1], "'recency' must be strictly increasing"),
            ([[np.nan, 0.2]], [0], [0, 1], "'values' must be a finite number"),
            ([[0.1, 1.2]], [0], [0, 1], "'values' must be <= 1.0"),
            ([[0.1, -0.2]], [0], [0, 1], "'values' must be >= 0.0"),
        ],
    )
    def test_bad_input(self, values: Any, frequency: Any, recency: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            probability_alive_heatmap(values, frequency=frequency, recency=recency, ax=axes())


class TestCalibrationVsHoldout:
    def test_actual_and_model_bars(self, tmp_path: Path) -> None:
        ax = calibration_vs_holdout(
            [0, 1, 2, "3+"], [0.1, 0.5, 0.9, 1.6], [0.2, 0.4, 1.0, 1.5], ax=axes()
        )
        render(ax, tmp_path)
        assert heights(ax.containers[0]) == [0.1, 0.5, 0.9, 1.6]
        assert heights(ax.containers[1]) == [0.2, 0.4, 1.0, 1.5]
        assert [c.get_label() for c in ax.containers] == ["actual", "model"]
        assert ticks(ax.get_xticklabels()) == ["0", "1", "2", "3+"]
        assert ax.get_ylabel() == "mean repeat purchases per customer in the holdout"

    @pytest.mark.parametrize(
        ("buckets", "actual", "predicted", "match"),
        [
            ([0, 1], [0.1], [0.1, 0.2], "arrays must have equal lengths"),
            ([0], [-0.1], [0.1], "'actual' must be >= 0.0"),
            ([0], [0.1], [np.nan], "'predicted' must be a finite number"),
            ("01", [0.1, 0.2], [0.1, 0.2], "'buckets' must be a sequence of labels"),
            ([], [], [], "'actual' must not be empty"),
        ],
    )
    def test_bad_input(self, buckets: Any, actual: Any, predicted: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            calibration_vs_holdout(buckets, actual, predicted, ax=axes())


# ----------------------------------------------------------------------------- every chart


CHARTS: dict[str, Callable[[], Axes]] = {
    "funnel": lambda: stage_funnel(Table({"stage": ["a", "b"], "2024-01-01": [3, 4]})),
    "flow": lambda: stage_flow(TestStageFlow().flow()),
    "radar": lambda: satisfaction_radar(
        default_satisfaction().score(TestSatisfactionRadar.answers)
    ),
    "nps": lambda: nps_over_time(TestNpsOverTime().results()),
    "ipa": lambda: ipa_chart(ipa([4, 2], [2, 4]), [4, 2], [2, 4]),
    "waterfall": lambda: price_waterfall(
        PricingPolicy([PercentOff(10)]).quote(Money("10", "EUR"), on="2024-01-01")
    ),
    "retention": lambda: retention_heatmap(cohorts()),
    "rfm": lambda: rfm_grid(Table({"r": [1, 2], "f": [2, 2]})),
    "frequency_recency": lambda: frequency_recency_heatmap([[1.0]], frequency=[0], recency=[0]),
    "p_alive": lambda: probability_alive_heatmap([[1.0]], frequency=[0], recency=[0]),
    "calibration": lambda: calibration_vs_holdout([0], [0.1], [0.2]),
}


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_draws_on_a_new_figure_with_units(name: str) -> None:
    ax = CHARTS[name]()
    assert isinstance(ax, Axes)
    assert ax.figure.number in plt.get_fignums()  # type: ignore[union-attr]
    assert ax.get_title()
    if ax.name != "polar":
        assert ax.get_xlabel()
        assert ax.get_ylabel()
