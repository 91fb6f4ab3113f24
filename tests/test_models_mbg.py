"""ModifiedBetaGeoModel (MBG/NBD): likelihood, gradient, CDNOW fit, persistence, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("scipy")

from scipy.special import betaln, gammaln

from lifecycle import rfm_summary
from lifecycle.datasets import load_cdnow
from lifecycle.errors import SchemaError, ValidationError
from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    ModifiedBetaGeoModel,
    ModifiedBetaGeoParams,
)
from lifecycle.models._data import compress
from lifecycle.models._mbgnbd import loglik, objective

P = ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W")
X = np.array([0.0, 0, 1, 2, 7, 30])
TX = np.array([0.0, 0, 5.5, 30.43, 20, 38])
T = np.array([38.86, 10, 38.86, 38.86, 25, 38.9])


def _direct(p: ModifiedBetaGeoParams, x: np.ndarray, tx: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The two-term likelihood written out term by term, in plain exponentials."""
    r, alpha, a, b = p.r, p.alpha, p.a, p.b
    nbd = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = np.exp(betaln(a, b + x + 1) - betaln(a, b) + nbd - (r + x) * np.log(alpha + t))
    dead = np.exp(betaln(a + 1, b + x) - betaln(a, b) + nbd - (r + x) * np.log(alpha + tx))
    return np.log(alive + dead)


def test_loglik_equals_the_written_out_likelihood() -> None:
    np.testing.assert_allclose(loglik(P, X, TX, T), _direct(P, X, TX, T), rtol=1e-12)


def test_one_time_buyers_can_be_dead() -> None:
    m = ModifiedBetaGeoModel.from_params(P)
    p = m.probability_alive(frequency=[0, 0], recency=[0, 0], T=[1, 50])
    assert (p < 1).all()
    assert p[0] > p[1]
    # BG/NBD with the same parameters keeps every one-time buyer alive.
    bg = BetaGeoModel.from_params(BetaGeoParams(P.r, P.alpha, P.a, P.b, unit="W"))
    assert bg.probability_alive(frequency=[0], recency=[0], T=[50]).tolist() == [1.0]


def test_gradient_matches_finite_differences() -> None:
    f = objective(compress(X, TX, T, np.array([1.0, 3, 2, 1, 1, 1])))
    theta = np.log([P.r, P.alpha, P.a, P.b])
    _, grad = f(theta)
    h = 1e-6
    numeric = np.array([(f(theta + h * e)[0] - f(theta - h * e)[0]) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-7)


def test_expected_purchases_limit_and_conditional_at_new_customer() -> None:
    m = ModifiedBetaGeoModel.from_params(P)
    assert m.expected_purchases(0).tolist() == [0.0]
    # Simulation-free check: E[X(t)] grows with t and the conditional forecast of an old
    # customer seen buying recently is above that of one silent for long.
    e = m.expected_purchases([1, 10, 100])
    assert (np.diff(e) > 0).all()
    c = m.conditional_expected_purchases(10, frequency=[3, 3], recency=[38, 2], T=[39, 39])
    assert c[0] > c[1]


def test_cdnow_fit() -> None:
    # lifetimes 0.11.3's ModifiedBetaGeoFitter on the same weekly CDNOW summary gave
    # r=0.637140, alpha=7.310290, a=0.807474, b=1.228394 (measured with benchmarks/_peer.py's
    # lifetimes venv); our fit agrees to 1e-5.
    rfm = rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")
    m = ModifiedBetaGeoModel(unit="W").fit(rfm)
    assert m.converged_
    assert m.n_customers_ == 23570
    got = [m.params_.r, m.params_.alpha, m.params_.a, m.params_.b]
    np.testing.assert_allclose(got, [0.637140, 7.310290, 0.807474, 1.228394], rtol=1e-5)
    assert m.log_likelihood_ == pytest.approx(-95336.958, abs=0.01)
    assert set(m.standard_errors_) == {"r", "alpha", "a", "b"}


def test_round_trip_through_json() -> None:
    rfm = rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")
    m = ModifiedBetaGeoModel(unit="W").fit(rfm)
    again = ModifiedBetaGeoModel.from_dict(json.loads(json.dumps(m.to_dict())))
    assert again.params_ == m.params_
    assert again.log_likelihood_ == m.log_likelihood_
    assert again.standard_errors_ == m.standard_errors_
    assert m.to_dict()["schema"] == "lifecycle.mbg_nbd/1"


def test_wrong_schema() -> None:
    data = ModifiedBetaGeoModel.from_params(P).to_dict()
    with pytest.raises(SchemaError, match="bg_nbd"):
        BetaGeoModel.from_dict(data)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ({"frequency": [0, 0], "recency": [0, 0], "T": [5, 6]}, "no customer has a repeat"),
        ({"frequency": [1, 2], "recency": [3, 9], "T": [5, 6]}, "'recency' must be <= 'T'"),
        ({"frequency": [1.5], "recency": [3], "T": [5]}, "whole number"),
        ({"frequency": [1], "recency": [3], "T": [-5]}, ">= 0"),
    ],
)
def test_bad_input(args: dict[str, list[float]], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        ModifiedBetaGeoModel(unit="W").fit(**args)


def test_bad_params() -> None:
    with pytest.raises(ValidationError):
        ModifiedBetaGeoParams(0.5, -1.0, 0.8, 1.2)
