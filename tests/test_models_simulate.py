"""simulate for every transaction model and simulate_spend: shape, determinism, recovery.

Recovery tolerance: each fitted parameter within 4.5 of its own standard errors (the inverse
Hessian at the fit), which is what the sample size justifies: with four parameters and a
handful of examples a correct simulator fails this with probability well under 1e-3, while
a simulator of the wrong model is off by many standard errors at these sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from lifecycle.errors import ValidationError
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
    simulate,
    simulate_spend,
)

SIGMAS = 4.5


def close(model: Any, truth: Any) -> None:
    for name in model.param_names:
        got, want = getattr(model.params_, name), getattr(truth, name)
        error = model.standard_errors_[name]
        assert abs(got - want) <= SIGMAS * error, (name, got, want, error)


@settings(max_examples=3, deadline=None)
@given(
    r=st.floats(0.3, 1.5),
    alpha=st.floats(2.0, 10.0),
    a=st.floats(0.5, 1.5),
    b=st.floats(1.0, 4.0),
    seed=st.integers(0, 2**16),
)
def test_mbg_recovers(r: float, alpha: float, a: float, b: float, seed: int) -> None:
    truth = ModifiedBetaGeoParams(r, alpha, a, b, unit="W")
    data = simulate(truth, 10_000, T=52.0, seed=seed)
    close(ModifiedBetaGeoModel(unit="W").fit(data), truth)


# One example: a Pareto/NBD fit takes over a second (its optimiser is slow; see bench_models).
@settings(max_examples=1, deadline=None)
@given(
    r=st.floats(0.4, 1.2),
    alpha=st.floats(4.0, 12.0),
    s=st.floats(0.4, 1.2),
    beta=st.floats(5.0, 15.0),
    seed=st.integers(0, 2**16),
)
def test_pareto_recovers(r: float, alpha: float, s: float, beta: float, seed: int) -> None:
    truth = ParetoNBDParams(r, alpha, s, beta, unit="W")
    data = simulate(truth, 4_000, T=52.0, seed=seed)
    # Purchase times rounded up to whole days (as rfm_summary records them) let the fit
    # merge equal histories; the rounding moves recency by < 1/7 week.
    recency = np.ceil(data.recency * 7) / 7
    model = ParetoNBDModel(unit="W").fit(frequency=data.frequency, recency=recency, T=data["T"])
    close(model, truth)


@settings(max_examples=4, deadline=None)
@given(
    alpha=st.floats(0.5, 3.0),
    beta=st.floats(0.5, 3.0),
    gamma=st.floats(0.3, 2.0),
    delta=st.floats(1.0, 5.0),
    n=st.integers(4, 30),
    seed=st.integers(0, 2**16),
)
def test_bgbb_recovers(
    alpha: float, beta: float, gamma: float, delta: float, n: int, seed: int
) -> None:
    truth = BetaGeoBetaBinomParams(alpha, beta, gamma, delta)
    data = simulate(truth, 10_000, T=n, seed=seed)
    close(BetaGeoBetaBinomModel().fit(data), truth)


@settings(max_examples=3, deadline=None)
@given(
    p=st.floats(2.0, 8.0),
    q=st.floats(2.0, 6.0),
    gamma=st.floats(5.0, 30.0),
    seed=st.integers(0, 2**16),
)
def test_spend_recovers(p: float, q: float, gamma: float, seed: int) -> None:
    truth = GammaGammaParams(p, q, gamma)
    frequency = np.random.default_rng(seed).integers(1, 8, 5_000)
    close(GammaGammaModel().fit(simulate_spend(truth, frequency, seed=seed)), truth)


def test_bgbb_pattern_frequencies_match_the_model() -> None:
    # Share of customers with x transactions in 6 opportunities: simulated vs equation 8.
    truth = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
    data = simulate(truth, 200_000, T=6, seed=5)
    share = np.bincount(data.frequency, minlength=7) / 200_000
    want = BetaGeoBetaBinomModel.from_params(truth).probability_of_purchases(np.arange(7), 6)
    # Binomial standard error of a share is at most sqrt(0.25 / 200,000) = 0.0011.
    assert share == pytest.approx(want, abs=0.005)


@pytest.mark.parametrize(
    "params",
    [
        BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"),
        ModifiedBetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"),
        ParetoNBDParams(0.55, 10.5, 0.6, 11.7, unit="W"),
        BetaGeoBetaBinomParams(1.2, 0.75, 0.66, 2.78),
    ],
)
def test_shape_validity_and_seed(params: Any) -> None:
    t = np.arange(1, 501) % 40 + 1
    first = simulate(params, 500, T=t, seed=11)
    assert first.columns == ("customer", "frequency", "recency", "T")
    assert first.customer.tolist() == list(range(500))
    assert first["T"].tolist() == t.tolist()
    assert first.frequency.dtype == np.int64
    # What a fit accepts: the validation of rfm_summary histories passes.
    model = {
        BetaGeoParams: BetaGeoModel,
        ModifiedBetaGeoParams: ModifiedBetaGeoModel,
        ParetoNBDParams: ParetoNBDModel,
        BetaGeoBetaBinomParams: BetaGeoBetaBinomModel,
    }[type(params)]
    assert np.isfinite(model.from_params(params).probability_alive(first)).all()
    again = simulate(params, 500, T=t, seed=11)
    assert again.frequency.tolist() == first.frequency.tolist()
    assert again.recency.tolist() == first.recency.tolist()


def test_mbg_one_time_buyers_can_die() -> None:
    # MBG's extra chance to drop at time 0 gives more customers without a repeat purchase.
    bg = simulate(BetaGeoParams(0.5, 4.0, 0.8, 1.5, unit="W"), 20_000, T=52.0, seed=2)
    mbg = simulate(ModifiedBetaGeoParams(0.5, 4.0, 0.8, 1.5, unit="W"), 20_000, T=52.0, seed=2)
    assert (mbg.frequency == 0).mean() > (bg.frequency == 0).mean() + 0.1


def test_spend_shape() -> None:
    spend = simulate_spend(GammaGammaParams(6.25, 3.74, 15.44), [0, 3, 1], seed=1)
    assert spend.columns == ("customer", "frequency", "monetary_value")
    assert spend.monetary_value[0] == 0.0
    assert (spend.monetary_value[1:] > 0).all()


def test_bad_input() -> None:
    with pytest.raises(ValidationError, match="'params' must be one of BetaGeoParams"):
        simulate(GammaGammaParams(6.25, 3.74, 15.44), 5, T=5.0, seed=1)
    with pytest.raises(ValidationError, match="'n' must be an int >= 1"):
        simulate(BetaGeoBetaBinomParams(1.0, 1.0, 1.0, 1.0), 0, T=5, seed=1)
    with pytest.raises(ValidationError, match="'T' must be > 0"):
        simulate(ParetoNBDParams(1.0, 1.0, 1.0, 1.0), 2, T=[1.0, 0.0], seed=1)
    with pytest.raises(ValidationError, match="whole number of opportunities"):
        simulate(BetaGeoBetaBinomParams(1.0, 1.0, 1.0, 1.0), 2, T=2.5, seed=1)
    with pytest.raises(ValidationError, match="'params' must be GammaGammaParams"):
        simulate_spend(BetaGeoParams(1.0, 1.0, 1.0, 1.0), [1], seed=1)
    with pytest.raises(ValidationError, match="'frequency' must be whole numbers"):
        simulate_spend(GammaGammaParams(6.25, 3.74, 15.44), [1.5], seed=1)
