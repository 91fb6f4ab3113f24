"""split_calibration_holdout: exact values, agreement with rfm_summary, bad input, CDNOW."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from lifecycle import EventLog, rfm_summary, split_calibration_holdout
from lifecycle.datasets import load_cdnow
from lifecycle.errors import ValidationError
from lifecycle.models import BetaGeoModel


def _log() -> EventLog:
    return EventLog.from_records(
        [
            {"customer": "a", "date": "2024-01-01", "amount": "10", "currency": "USD"},
            {"customer": "a", "date": "2024-01-05", "amount": "20", "currency": "USD"},
            {"customer": "a", "date": "2024-01-12", "amount": "4", "currency": "USD"},
            {"customer": "a", "date": "2024-01-12", "amount": "6", "currency": "USD"},
            {"customer": "a", "date": "2024-01-20", "amount": "30", "currency": "USD"},
            {"customer": "b", "date": "2024-01-03"},
            {"customer": "b", "date": "2024-01-15"},
            {"customer": "c", "date": "2024-01-09", "amount": "7", "currency": "USD"},
            {"customer": "d", "date": "2024-01-11", "amount": "1", "currency": "USD"},
            {"customer": "e", "date": "2024-01-25", "amount": "5", "currency": "USD"},
        ]
    )


def test_hand_built_log_exact_values() -> None:
    s = split_calibration_holdout(_log(), "2024-01-10", "2024-01-25")
    assert s.customer.tolist() == ["a", "b", "c"]
    assert s.frequency_cal.tolist() == [1, 0, 0]
    assert s.recency_cal.tolist() == [4.0, 0.0, 0.0]
    assert s.T_cal.tolist() == [9.0, 7.0, 1.0]
    assert s.monetary_value_cal.tolist() == [20.0, 0.0, 0.0]
    # a: two holdout days (the two 12 Jan purchases are one day of 10); b: one day
    # without an amount (unknown, not 0); c: none.
    assert s.frequency_holdout.tolist() == [2, 1, 0]
    assert s.frequency_holdout.dtype == np.int64
    mv = s.monetary_value_holdout.tolist()
    assert mv[0] == 20.0
    assert math.isnan(mv[1])
    assert mv[2] == 0.0
    assert s.duration_holdout.tolist() == [15.0, 15.0, 15.0]


def test_weeks() -> None:
    s = split_calibration_holdout(_log(), "2024-01-10", "2024-01-24", unit="W")
    assert s.duration_holdout.tolist() == [2.0, 2.0, 2.0]
    assert s.frequency_holdout.tolist() == [2, 1, 0]


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_calibration_columns_equal_rfm_summary(unit: str) -> None:
    log = _log()
    s = split_calibration_holdout(log, "2024-01-12", "2024-01-25", unit=unit)
    rfm = rfm_summary(log, "2024-01-12", unit=unit)
    assert s.customer.tolist() == rfm.customer.tolist()
    for name in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_array_equal(s[f"{name}_cal"], rfm[name])


@pytest.mark.parametrize(
    ("cal", "hold", "match"),
    [
        ("2024-01-10", "2024-01-10", "after 'calibration_end'"),
        ("2024-01-10", "2024-01-05", "after 'calibration_end'"),
        ("2023-12-31", "2024-01-10", "first purchase"),
        ("2024-01-10", "2024-02-01", "last event"),
        ("2024-13-01", "2024-01-20", "calibration_end"),
    ],
)
def test_bad_input(cal: str, hold: str, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        split_calibration_holdout(_log(), cal, hold)


def test_bad_unit() -> None:
    with pytest.raises(ValidationError, match="unit"):
        split_calibration_holdout(_log(), "2024-01-10", "2024-01-20", unit="Y")


def test_cdnow_bgnbd_holdout_total() -> None:
    # 39-week calibration 1997-01-01 .. 1997-09-30 and 39-week holdout to 1998-06-30, as in
    # Fader, Hardie and Lee (2005). Their published totals are for the 2,357-customer sample;
    # on the full 23,570-customer log we measured BG/NBD's summed conditional expectation at
    # 16,874 against 19,684 actual repeat purchase days (-14.3%): the bound below is that
    # measurement, not a published figure.
    s = split_calibration_holdout(load_cdnow(), "1997-09-30", "1998-06-30", unit="W")
    assert len(s) == 23570
    assert s.duration_holdout[0] == 39.0
    cal = {"frequency": s.frequency_cal, "recency": s.recency_cal, "T": s.T_cal}
    model = BetaGeoModel(unit="W").fit(cal)
    predicted = model.conditional_expected_purchases(39, cal).sum()
    actual = int(s.frequency_holdout.sum())
    assert actual == 19684
    assert abs(predicted / actual - 1) < 0.16


SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cdnow"


def test_cdnow_sample_reproduces_the_papers_calibration_and_the_holdout_gap() -> None:
    # Fader, Hardie and Lee (2005), "Counting your customers the easy way", Marketing Science
    # 24(2): the 2,357-customer sample, calibration to 1997-09-30 with T from each customer's
    # first purchase, in weeks, same-day purchases merged, and a 39-week holdout. The split
    # gives the published calibration summary (recency and T there are rounded to 2
    # decimals) and so the published fit; the fit then under-forecasts the holdout by 12%
    # on the sample too (1,653 predicted against 1,882 repeat purchase days), as it does by
    # 14% on the full log (test above): a property of the model on this cohort, not of the
    # split. Measured here, not published figures.
    path = SAMPLE / "CDNOW_sample.txt"
    assert path.is_file(), f"CDNOW sample missing: {path}"
    records = []
    for line in path.read_text().splitlines():
        _, customer, day, _, _ = line.split()
        records.append({"customer": customer, "date": f"{day[:4]}-{day[4:6]}-{day[6:]}"})
    s = split_calibration_holdout(
        EventLog.from_records(records), "1997-09-30", "1998-06-30", unit="W"
    )
    published = np.genfromtxt(SAMPLE / "cdnow_customers_summary.csv", delimiter=",", names=True)
    order = np.argsort(s.customer.astype(int))
    assert np.array_equal(s.customer.astype(int)[order], published["ID"].astype(int))
    assert np.array_equal(s.frequency_cal[order], published["frequency"])
    assert np.abs(s.recency_cal[order] - published["recency"]).max() < 0.005
    assert np.abs(s.T_cal[order] - published["T"]).max() < 0.005
    cal = {"frequency": s.frequency_cal, "recency": s.recency_cal, "T": s.T_cal}
    model = BetaGeoModel(unit="W").fit(cal)
    assert model.params_.r == pytest.approx(0.2426, rel=1e-3)
    assert model.params_.b == pytest.approx(2.4259, rel=1e-3)
    actual = int(s.frequency_holdout.sum())
    predicted = float(model.conditional_expected_purchases(39, cal).sum())
    assert actual == 1882
    assert predicted == pytest.approx(1653.4, abs=0.5)
