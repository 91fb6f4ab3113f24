"""Pareto/NBD ``probability_of_purchases``: P(X(t) = n) for a new customer.

Checked against the definition integrated numerically (SciPy's ``quad`` on the mixture
over the dropout time, Fader and Hardie, brucehardie.com note 012), against its own sums (total
probability 1, mean equal to ``expected_purchases``), against simulated customers, and in
the no-dropout limit, where it is the negative binomial count.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from scipy import integrate, special

from lifecycle.errors import ConvergenceError, NotFittedError, ValidationError
from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    GammaGammaModel,
    GammaGammaParams,
    ModifiedBetaGeoModel,
    ModifiedBetaGeoParams,
    ParetoNBDModel,
    ParetoNBDParams,
    _paretonbd_counts,
    frequency_histogram,
    simulate,
)
from lifecycle.models._paretonbd import expected_purchases, probability_of_purchases

PAPER = ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W")


def _log_nbd(r: float, alpha: float, n: int, tau: float) -> float:
    return float(
        special.gammaln(r + n)
        - special.gammaln(r)
        - special.gammaln(n + 1)
        + r * np.log(alpha / (alpha + tau))
        + special.xlogy(n, tau / (alpha + tau))
    )


def _by_quadrature(p: ParetoNBDParams, n: int, t: float) -> float:
    """Alive at t with an NBD count, or dead at tau < t with an NBD count up to tau."""
    r, alpha, s, beta = p.r, p.alpha, p.s, p.beta
    alive = np.exp(_log_nbd(r, alpha, n, t) + s * np.log(beta / (beta + t)))

    def dead_at(tau: float) -> float:
        log_density = np.log(s) + s * np.log(beta) - (s + 1) * np.log(beta + tau)
        return float(np.exp(log_density + _log_nbd(r, alpha, n, tau)))

    dead, _ = integrate.quad(dead_at, 0.0, t, epsabs=0.0, epsrel=1e-12, limit=400)
    return float(alive + dead)


@pytest.mark.parametrize(
    "params",
    [
        PAPER,  # alpha < beta
        ParetoNBDParams(0.5533, 20.0, 0.6063, 3.0, unit="W"),  # alpha > beta
        ParetoNBDParams(2.0, 1.0, 1.5, 1.0, unit="W"),  # alpha = beta
        ParetoNBDParams(1.2, 50.0, 0.4, 0.5, unit="W"),  # alpha 100 times beta
    ],
)
@pytest.mark.parametrize("t", [0.5, 39.0, 500.0])
def test_matches_the_integral_by_quadrature(params: ParetoNBDParams, t: float) -> None:
    n = np.array([0, 1, 2, 5, 20, 100])
    got = probability_of_purchases(params, n, t)
    want = [_by_quadrature(params, int(k), t) for k in n]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-300)


@settings(max_examples=25, deadline=None)
@given(
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 100.0),
    s=st.floats(0.05, 5.0),
    beta=st.floats(0.1, 100.0),
    n=st.integers(0, 60),
    t=st.floats(0.01, 400.0),
)
def test_matches_quadrature_for_any_parameters(
    r: float, alpha: float, s: float, beta: float, n: int, t: float
) -> None:
    params = ParetoNBDParams(r, alpha, s, beta, unit="W")
    got = float(probability_of_purchases(params, n, t)[0])
    assert got == pytest.approx(_by_quadrature(params, n, t), rel=1e-7, abs=1e-280)


@pytest.mark.parametrize("t", [1.0, 39.0, 520.0])
def test_sums_to_one_with_the_expected_mean(t: float) -> None:
    n = np.arange(20_000)
    probs = ParetoNBDModel.from_params(PAPER).probability_of_purchases(n, t)
    assert (probs >= 0).all()
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)
    assert float(n @ probs) == pytest.approx(expected_purchases(PAPER, t)[0], rel=1e-10)


def test_stable_for_many_purchases_and_long_horizons() -> None:
    days = ParetoNBDParams(0.5533, 74.0, 0.6063, 81.7, unit="D")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs = probability_of_purchases(days, [[0], [1000], [5000]], [3652.5, 36525.0])
    assert np.isfinite(probs).all()
    assert (probs > 0).all()
    assert probs[1, 0] == pytest.approx(_by_quadrature(days, 1000, 3652.5), rel=1e-9)
    # Nothing can happen in no time.
    assert probability_of_purchases(PAPER, [0, 1, 1000], 0.0).tolist() == [1.0, 0.0, 0.0]


def test_matches_simulated_customers() -> None:
    data = simulate(PAPER, 100_000, T=39.0, seed=11)
    counts = np.bincount(data.frequency.astype(np.int64), minlength=40)[:40] / 100_000
    probs = probability_of_purchases(PAPER, np.arange(40), 39.0)
    # Binomial sd of a share near 0.57 over 100k customers is 0.0016.
    assert np.abs(counts - probs).max() < 0.005


@pytest.mark.parametrize(
    "no_dropout",
    [
        ParetoNBDParams(0.5533, 10.578, 0.6063, 1e12, unit="W"),  # beta -> infinity
        ParetoNBDParams(0.5533, 10.578, 1e-12, 11.67, unit="W"),  # s -> 0
    ],
)
def test_without_dropout_it_is_the_negative_binomial(no_dropout: ParetoNBDParams) -> None:
    n = np.arange(50)
    nbd = np.exp([_log_nbd(0.5533, 10.578, int(k), 39.0) for k in n])
    assert probability_of_purchases(no_dropout, n, 39.0) == pytest.approx(nbd, rel=1e-9)


def test_broadcasts_any_shapes() -> None:
    n, t = np.arange(6).reshape(3, 2), np.array([[10.0], [39.0], [78.0]])
    for model in (
        ParetoNBDModel.from_params(PAPER),
        BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")),
        ModifiedBetaGeoModel.from_params(
            ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
        ),
    ):
        grid = model.probability_of_purchases(n[:, :, None], t.ravel())
        assert grid.shape == (3, 2, 3)
        flat = model.probability_of_purchases(np.repeat(n.ravel(), 3), np.tile(t.ravel(), 6))
        assert grid.ravel().tolist() == flat.tolist()
        assert model.probability_of_purchases(2, 39.0).shape == (1,)


def test_frequency_histogram_on_cdnow() -> None:
    from lifecycle import rfm_summary
    from lifecycle.datasets import load_cdnow

    rfm = rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")
    model = ParetoNBDModel(unit="W").fit(rfm)
    table = frequency_histogram(model, rfm)
    assert table.actual.sum() == len(rfm) == 23_570
    assert table.expected.sum() == pytest.approx(23_570, rel=1e-12)
    assert (table.expected > 0).all()
    # Pareto/NBD matches the calibration histogram less tightly than BG/NBD does (within
    # 10%): it expects 451 customers with 5 repeat purchases, where 348 made them.
    assert table.expected == pytest.approx(table.actual, rel=0.35, abs=0)
    assert table.expected[0] == pytest.approx(table.actual[0], rel=0.02)


def test_bad_input() -> None:
    model = ParetoNBDModel.from_params(PAPER)
    with pytest.raises(ValidationError, match="'n' must be >= 0"):
        model.probability_of_purchases(-1, 39.0)
    with pytest.raises(ValidationError, match="'n' must be a whole number"):
        model.probability_of_purchases(1.5, 39.0)
    with pytest.raises(ValidationError, match="'t' must be >= 0"):
        model.probability_of_purchases(1, -1.0)
    with pytest.raises(ValidationError, match="'t' must be a finite number"):
        model.probability_of_purchases(1, float("nan"))
    with pytest.raises(ValidationError, match=r"must broadcast against each other"):
        model.probability_of_purchases([1, 2, 3], [10.0, 20.0])
    with pytest.raises(NotFittedError):
        ParetoNBDModel().probability_of_purchases(1, 39.0)
    spend = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
    with pytest.raises(ValidationError, match="needs a model with probability_of_purchases"):
        frequency_histogram(spend, {"frequency": [0], "recency": [0], "T": [5.0]})


def test_refuses_to_sum_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_paretonbd_counts, "MAX_TERMS", 1_024)
    lopsided = ParetoNBDParams(0.5, 1.0, 0.6, 1e-4, unit="W")
    with pytest.raises(ConvergenceError, match=r"alpha = 1.0 and beta = 0.0001 differ too much"):
        probability_of_purchases(lopsided, 3, 39.0)
