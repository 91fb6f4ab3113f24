"""Oracles: the published fits of the BTYD models on CDNOW and on the sBG example cohorts.

Sources (each test cites its own):

* BG/NBD: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "'Counting your customers' the
  easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284,
  section 4 and its customer example (x = 2, t_x = 30.43, T = 38.86: 1.226 purchases in the
  next 39 weeks).
* Pareto/NBD on the same data: the same paper, section 4 (r = 0.553, alpha = 10.578,
  s = 0.606, beta = 11.670, LL = -9594.98; figures as quoted in issue 11 and the data README).
* Gamma-Gamma: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "RFM and CLV: using
  iso-value curves for customer base analysis", Journal of Marketing Research 42(4),
  415-430: p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers.
* sBG: P. S. Fader and B. G. S. Hardie (2007), "How to project customer retention", Journal
  of Interactive Marketing 21(1), 76-90, table 1 and section 4.

Tolerances from the issue: parameters within 1e-3 relative, log-likelihoods within 0.01.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("scipy")

from lifecycle.models import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    ShiftedBetaGeoModel,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cdnow"
RTOL = 1e-3
LL_TOL = 0.01


def read(name: str) -> dict[str, np.ndarray]:
    path = DATA / name
    # Fail, never skip: this oracle is part of the definition of done.
    assert path.is_file(), f"CDNOW oracle data missing: {path} (../shared/data/cdnow)"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {key: np.array([float(row[key]) for row in rows]) for key in rows[0]}


@pytest.fixture(scope="module")
def summary() -> dict[str, np.ndarray]:
    return read("cdnow_customers_summary.csv")


def check(params: object, expected: dict[str, float]) -> None:
    for name, value in expected.items():
        assert getattr(params, name) == pytest.approx(value, rel=RTOL), name


def test_bg_nbd_cdnow(summary: dict[str, np.ndarray]) -> None:
    # Fader, Hardie and Lee (2005), Marketing Science 24(2), section 4.
    model = BetaGeoModel(unit="W").fit(
        frequency=summary["frequency"], recency=summary["recency"], T=summary["T"]
    )
    check(model.params_, {"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258})
    assert model.log_likelihood_ == pytest.approx(-9582.43, abs=LL_TOL)
    assert model.converged_
    assert model.n_customers_ == 2357
    # The paper's customer: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    expected = model.conditional_expected_purchases(39, frequency=[2], recency=[30.43], T=[38.86])
    assert round(float(expected[0]), 3) == 1.226


def test_pareto_nbd_cdnow(summary: dict[str, np.ndarray]) -> None:
    # Fader, Hardie and Lee (2005), Marketing Science 24(2), section 4 (Pareto/NBD benchmark).
    model = ParetoNBDModel(unit="W").fit(
        frequency=summary["frequency"], recency=summary["recency"], T=summary["T"]
    )
    check(model.params_, {"r": 0.5533, "alpha": 10.578, "s": 0.6063, "beta": 11.670})
    assert model.log_likelihood_ == pytest.approx(-9594.97, abs=LL_TOL)
    assert model.converged_


def test_gamma_gamma_cdnow() -> None:
    # Fader, Hardie and Lee (2005), "RFM and CLV", JMR 42(4): p = 6.25, q = 3.74, gamma = 15.44.
    data = read("cdnow_customers_summary_with_transactions.csv")
    repeat = data["x"] > 0
    assert int(repeat.sum()) == 946
    model = GammaGammaModel().fit(frequency=data["x"], monetary_value=data["zbar"])
    assert model.n_customers_ == 946
    params = model.params_
    check(params, {"p": 6.25, "gamma": 15.44})
    # q is published to 2 decimals (3.74, i.e. 3.735 .. 3.745): half a unit of its last
    # place is 1.3e-3 relative, looser than the 1e-3, so it is checked as printed.
    # Our q is 3.7446 (lifetimes 0.11.3 gets the same); gamma 15.4477 is within 1e-3 of 15.44.
    assert round(params.q, 2) == 3.74
    assert params.q == pytest.approx(3.74, rel=1.3e-3)


# Fader and Hardie (2007), table 1: customers active at the start of years 0..12 of 1000.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


@pytest.mark.parametrize(
    ("counts", "alpha", "beta", "ll"),
    [(REGULAR, 0.704, 1.182, -1680.27), (HIGH_END, 0.668, 3.806, -1611.16)],
    ids=["regular", "high-end"],
)
def test_sbg(counts: list[int], alpha: float, beta: float, ll: float) -> None:
    # Fader and Hardie (2007), section 4: fitted on years 0..7, projected to years 8..12.
    model = ShiftedBetaGeoModel().fit(active=counts[:8])
    check(model.params_, {"alpha": alpha, "beta": beta})
    assert model.log_likelihood_ == pytest.approx(ll, abs=LL_TOL)
    years = np.arange(8, 13)
    projected = model.expected_active(1000, years)
    print("\nyear  observed  projected")
    for year, seen, model_value in zip(years, counts[8:], projected, strict=True):
        print(f"{year:4d}  {seen:8d}  {model_value:9.1f}")
    # The paper's projections track the observed counts to within a few percent.
    assert np.allclose(projected, counts[8:], rtol=0.05)
