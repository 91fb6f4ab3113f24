"""Goodness of fit tables: calibration vs holdout, frequency histogram, cumulative purchases.

No published per-bucket figure exists for the full CDNOW cohort, so on CDNOW the tests check
internal consistency: buckets count every customer, the actual columns add up to the
summary's totals, the expected histogram sums to the number of customers, and the model
tracks the calibration period closely.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

from lifecycle import EventLog, split_calibration_holdout
from lifecycle.datasets import load_cdnow
from lifecycle.errors import NotFittedError, ValidationError
from lifecycle.models import (
    BetaGeoBetaBinomModel,
    BetaGeoBetaBinomParams,
    BetaGeoModel,
    BetaGeoParams,
    GammaGammaModel,
    GammaGammaParams,
    ModifiedBetaGeoModel,
    ModifiedBetaGeoParams,
    ParetoNBDModel,
    ParetoNBDParams,
    calibration_vs_holdout,
    cumulative_purchases,
    frequency_histogram,
    simulate,
)

CAL, END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def cdnow() -> tuple[EventLog, object, BetaGeoModel]:
    log = load_cdnow()
    split = split_calibration_holdout(log, CAL, END, unit="W")
    model = BetaGeoModel(unit="W").fit(
        frequency=split.frequency_cal, recency=split.recency_cal, T=split.T_cal
    )
    return log, split, model


def test_calibration_vs_holdout_on_cdnow(cdnow: tuple[EventLog, object, BetaGeoModel]) -> None:
    _, split, model = cdnow
    table = calibration_vs_holdout(model, split)
    assert table.bucket.tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table.customers.sum() == len(split) == 23_570
    assert table.customers[0] == int((split.frequency_cal == 0).sum())
    total = float(table.actual @ table.customers)
    assert total == pytest.approx(float(split.frequency_holdout.sum()), rel=1e-12)
    predicted = model.conditional_expected_purchases(
        split.duration_holdout,
        frequency=split.frequency_cal,
        recency=split.recency_cal,
        T=split.T_cal,
    )
    assert float(table.predicted @ table.customers) == pytest.approx(predicted.sum(), rel=1e-12)
    # More calibration purchases, more holdout purchases, in the data and in the model.
    assert (np.diff(table.actual) > 0).all()
    assert (np.diff(table.predicted) > 0).all()


def test_frequency_histogram_on_cdnow(cdnow: tuple[EventLog, object, BetaGeoModel]) -> None:
    _, split, model = cdnow
    data = {"frequency": split.frequency_cal, "recency": split.recency_cal, "T": split.T_cal}
    table = frequency_histogram(model, data)
    assert table.actual.sum() == 23_570
    assert table.expected.sum() == pytest.approx(23_570, rel=1e-12)
    assert (table.expected > 0).all()
    # The fitted model reproduces the calibration histogram within 10% per bucket.
    assert table.expected == pytest.approx(table.actual, rel=0.1, abs=0)


def test_cumulative_purchases_on_cdnow(cdnow: tuple[EventLog, object, BetaGeoModel]) -> None:
    log, split, model = cdnow
    table = cumulative_purchases(model, log, calibration_end=CAL, holdout_end=END)
    assert table.period.tolist() == list(range(1, 79))
    assert str(table.end[-1]) == END
    last_calibration = int(np.flatnonzero(~table.holdout)[-1])
    assert str(table.end[last_calibration]) <= CAL < str(table.end[last_calibration + 1])
    # At the end of the holdout every repeat purchase day of the cohort is counted.
    total = int(split.frequency_cal.sum() + split.frequency_holdout.sum())
    assert table.actual[-1] == total
    assert (np.diff(table.actual) >= 0).all()
    assert (np.diff(table.expected) > 0).all()
    # Over the 39 calibration weeks the expectation stays within 12% of what happened.
    calibration = ~table.holdout & (table.period >= 13)
    assert table.expected[calibration] == pytest.approx(table.actual[calibration], rel=0.12)


def test_expected_cumulative_equals_the_sum_over_customers() -> None:
    log = EventLog.from_records(
        [
            {"customer": "a", "date": "2024-01-01"},
            {"customer": "a", "date": "2024-01-10"},
            {"customer": "b", "date": "2024-01-03"},
            {"customer": "c", "date": "2024-01-03"},
            {"customer": "a", "date": "2024-01-20"},
            {"customer": "d", "date": "2024-01-16"},
        ]
    )
    model = BetaGeoModel.from_params(BetaGeoParams(0.24, 4.4, 0.79, 2.43, unit="W"))
    table = cumulative_purchases(model, log, calibration_end="2024-01-14", holdout_end="2024-01-21")
    # d starts after the calibration: not in the cohort.
    assert table.actual.tolist() == [0, 1, 2]
    ends = np.array([7.0, 14.0, 20.0])
    want = sum(model.expected_purchases(np.maximum(ends - s, 0) / 7) for s in (0.0, 2.0, 2.0))
    assert table.expected == pytest.approx(want, rel=1e-12)


def test_bgbb_histogram_and_calibration_vs_holdout() -> None:
    truth = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    data = simulate(truth, 5_000, T=np.arange(5_000) % 4 + 3, seed=4)
    model = BetaGeoBetaBinomModel().fit(data)
    table = frequency_histogram(model, data, max_frequency=4)
    assert table.actual.sum() == 5_000
    assert table.expected.sum() == pytest.approx(5_000, rel=1e-12)
    summary = {
        "frequency_cal": data.frequency,
        "recency_cal": data.recency,
        "T_cal": data["T"],
        "frequency_holdout": np.zeros(5_000),
        "duration_holdout": np.full(5_000, 2),
    }
    assert calibration_vs_holdout(model, summary, max_frequency=4).customers.sum() == 5_000


def test_every_transaction_model_has_calibration_vs_holdout() -> None:
    summary = {
        "frequency_cal": [0, 2],
        "recency_cal": [0, 10.0],
        "T_cal": [20.0, 30.0],
        "frequency_holdout": [0, 1],
        "duration_holdout": [10.0, 10.0],
    }
    for model in (
        ModifiedBetaGeoModel.from_params(ModifiedBetaGeoParams(0.5, 6.0, 0.9, 1.6, unit="W")),
        ParetoNBDModel.from_params(ParetoNBDParams(0.55, 10.5, 0.6, 11.7, unit="W")),
    ):
        table = calibration_vs_holdout(model, summary, max_frequency=1)
        assert np.isfinite(table.predicted).all()


def test_empty_bucket_has_nan_means() -> None:
    model = BetaGeoModel.from_params(BetaGeoParams(0.24, 4.4, 0.79, 2.43, unit="W"))
    summary = {
        "frequency_cal": [0],
        "recency_cal": [0],
        "T_cal": [20.0],
        "frequency_holdout": [1],
        "duration_holdout": [10.0],
    }
    table = calibration_vs_holdout(model, summary, max_frequency=2)
    assert table.customers.tolist() == [1, 0, 0]
    assert np.isnan(table.actual[1:]).all()


def test_bad_input() -> None:
    model = BetaGeoModel.from_params(BetaGeoParams(0.24, 4.4, 0.79, 2.43, unit="W"))
    data = {"frequency": [0], "recency": [0], "T": [5.0]}
    with pytest.raises(ValidationError, match="'max_frequency' must be an int >= 1"):
        frequency_histogram(model, data, max_frequency=0)
    with pytest.raises(ValidationError, match="has no column 'T'"):
        frequency_histogram(model, {"frequency": [0], "recency": [0]})
    spend = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
    with pytest.raises(ValidationError, match="needs a model with probability_of_purchases"):
        frequency_histogram(spend, data)
    summary = {
        "frequency_cal": [0, 1],
        "recency_cal": [0, 1.0],
        "T_cal": [5.0, 5.0],
        "frequency_holdout": [1],
        "duration_holdout": [2.0, 2.0],
    }
    with pytest.raises(ValidationError, match="one value per customer"):
        calibration_vs_holdout(model, summary)
    with pytest.raises(ValidationError, match="has no column 'duration_holdout'"):
        calibration_vs_holdout(model, {k: v for k, v in summary.items() if k[0] != "d"})
    log = EventLog.from_records([{"customer": "a", "date": "2024-01-05"}])
    with pytest.raises(ValidationError, match="must be after 'calibration_end'"):
        cumulative_purchases(model, log, calibration_end="2024-01-10", holdout_end="2024-01-10")
    with pytest.raises(ValidationError, match="no customer made a first purchase"):
        cumulative_purchases(model, log, calibration_end="2024-01-01", holdout_end="2024-01-10")
    bgbb = BetaGeoBetaBinomModel.from_params(BetaGeoBetaBinomParams(1.0, 1.0, 1.0, 1.0))
    with pytest.raises(ValidationError, match="needs a model of continuous time"):
        cumulative_purchases(bgbb, log, calibration_end="2024-01-06", holdout_end="2024-01-10")
    with pytest.raises(NotFittedError):
        cumulative_purchases(
            BetaGeoModel(), log, calibration_end="2024-01-06", holdout_end="2024-01-10"
        )


def test_mbg_probability_of_purchases_and_histogram() -> None:
    params = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
    model = ModifiedBetaGeoModel.from_params(params)
    probs = model.probability_of_purchases(np.arange(400), 39)
    assert probs.sum() == pytest.approx(1.0, abs=1e-10)
    assert float(np.arange(400) @ probs) == pytest.approx(model.expected_purchases(39)[0])
    # lifetimes 0.11.3's ModifiedBetaGeoFitter.probability_of_n_purchases_up_to_time(39, n).
    assert probs[:4] == pytest.approx([0.58247319, 0.18278308, 0.08689483, 0.04857044], abs=1e-8)
    data = simulate(params, 20_000, T=39.0, seed=8)
    table = frequency_histogram(model, data, max_frequency=3)
    # Simulated and expected counts agree within sampling error (sd < sqrt(20,000 / 4) = 71).
    assert table.expected == pytest.approx(table.actual, abs=300)
