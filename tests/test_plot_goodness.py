"""The plot functions drawing the goodness-of-fit tables of lifecycle.models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="lifecycle.plot needs the [plot] extra")
pytest.importorskip("scipy")

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lifecycle import EventLog, Table, plot  # noqa: E402
from lifecycle import models as lm  # noqa: E402
from lifecycle.errors import ValidationError  # noqa: E402

MODEL = lm.BetaGeoModel.from_params(lm.BetaGeoParams(0.24, 4.4, 0.79, 2.43, unit="W"))


def axes() -> Axes:
    ax: Axes = Figure().subplots()
    return ax


def heights(container: Any) -> list[float]:
    return [float(p.get_height()) for p in container]


def test_calibration_table_is_drawn_without_empty_buckets() -> None:
    summary = {
        "frequency_cal": [0, 0, 2],
        "recency_cal": [0, 0, 10.0],
        "T_cal": [20.0, 30.0, 30.0],
        "frequency_holdout": [0, 1, 3],
        "duration_holdout": [10.0, 10.0, 10.0],
    }
    table = lm.calibration_vs_holdout(MODEL, summary, max_frequency=3)
    ax = plot.calibration_vs_holdout(table, ax=axes())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "2"]
    assert heights(ax.containers[0]) == [0.5, 3.0]
    assert heights(ax.containers[1]) == pytest.approx(table.predicted[[0, 2]].tolist())


def test_frequency_histogram_table() -> None:
    data = {"frequency": [0, 0, 1, 4], "recency": [0, 0, 12, 30], "T": [39, 20, 39, 35]}
    table = lm.frequency_histogram(MODEL, data, max_frequency=2)
    ax = plot.frequency_histogram(table, ax=axes())
    assert heights(ax.containers[0]) == [2.0, 1.0, 1.0]
    assert heights(ax.containers[1]) == pytest.approx(table.expected.tolist())
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    assert ax.get_title()


def test_cumulative_table() -> None:
    log = EventLog.from_records(
        [
            {"customer": "a", "date": "2024-01-01"},
            {"customer": "a", "date": "2024-01-10"},
            {"customer": "b", "date": "2024-01-03"},
            {"customer": "a", "date": "2024-01-20"},
        ]
    )
    table = lm.cumulative_purchases(
        MODEL, log, calibration_end="2024-01-14", holdout_end="2024-01-21"
    )
    ax = plot.cumulative_purchases(table, ax=axes())
    assert ax.lines[0].get_ydata().tolist() == [0, 1, 2]
    assert ax.lines[1].get_ydata().tolist() == pytest.approx(table.expected.tolist())
    # The dashed marker at the last calibration period's end.
    assert len(ax.lines) == 3
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    assert ax.get_title()


def test_bad_tables() -> None:
    with pytest.raises(ValidationError, match=r"Table of lifecycle\.models\.frequency_histogram"):
        plot.frequency_histogram(Table({"bucket": ["0"]}))
    with pytest.raises(ValidationError, match=r"Table of lifecycle\.models\.cumulative_purchases"):
        plot.cumulative_purchases({"end": []})  # type: ignore[arg-type]
    with pytest.raises(
        ValidationError, match=r"Table of lifecycle\.models\.calibration_vs_holdout"
    ):
        plot.calibration_vs_holdout(Table({"bucket": ["0"]}))
    with pytest.raises(ValidationError, match="give 'actual' and 'predicted'"):
        plot.calibration_vs_holdout([0, 1])
    bad = Table({"bucket": ["0"], "actual": [-1], "expected": [np.nan]})
    with pytest.raises(ValidationError, match="'actual' must be >= 0"):
        plot.frequency_histogram(bad)
