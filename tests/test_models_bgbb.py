"""BetaGeoBetaBinomModel (BG/BB): likelihood term by term, gradient, questions, bad input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from lifecycle.errors import ConvergenceError, NotFittedError, SchemaError, ValidationError
from lifecycle.models import BetaGeoBetaBinomModel, BetaGeoBetaBinomParams, _bgbb

P = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)
DATA = {
    "frequency": [0, 1, 1, 2, 3, 6],
    "recency": [0, 1, 4, 5, 6, 6],
    "T": [6] * 6,
    "weights": [300, 100, 50, 80, 90, 120],
}


def beta(a: float, b: float) -> float:
    return math.exp(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))


def direct_likelihood(p: BetaGeoBetaBinomParams, x: int, tx: int, n: int) -> float:
    """Equation 5 of the paper, term by term, in plain floats."""
    a, b, g, d = p.alpha, p.beta, p.gamma, p.delta
    out = beta(a + x, b + n - x) / beta(a, b) * beta(g, d + n) / beta(g, d)
    for i in range(n - tx):
        out += beta(a + x, b + tx - x + i) / beta(a, b) * beta(g + 1, d + tx + i) / beta(g, d)
    return out


def direct_probability(p: BetaGeoBetaBinomParams, x: int, n: int) -> float:
    """Equation 8, term by term."""
    a, b, g, d = p.alpha, p.beta, p.gamma, p.delta
    out = math.comb(n, x) * beta(a + x, b + n - x) / beta(a, b) * beta(g, d + n) / beta(g, d)
    for i in range(x, n):
        out += (
            math.comb(i, x) * beta(a + x, b + i - x) / beta(a, b) * beta(g + 1, d + i) / beta(g, d)
        )
    return out


histories = st.integers(1, 30).flatmap(
    lambda n: st.integers(0, n).flatmap(
        lambda tx: st.tuples(st.integers(min(tx, 1), tx), st.just(tx), st.just(n))
    )
)


@settings(max_examples=40, deadline=None)
@given(history=histories)
def test_log_likelihood_equals_the_paper_term_by_term(history: tuple[int, int, int]) -> None:
    x, tx, n = history
    value = _bgbb.loglik(P, [x], [tx], [n])[0]
    assert value == pytest.approx(math.log(direct_likelihood(P, x, tx, n)), rel=1e-10)


@settings(max_examples=20, deadline=None)
@given(x=st.integers(0, 12), n=st.integers(0, 12))
def test_probability_of_purchases_term_by_term(x: int, n: int) -> None:
    got = _bgbb.probability_of_purchases(P, x, n)[0]
    want = direct_probability(P, x, n) if x <= n else 0.0
    assert got == pytest.approx(want, rel=1e-10, abs=1e-300)


@pytest.mark.parametrize("n", [0, 1, 7, 40])
def test_probabilities_sum_to_one_and_give_the_mean(n: int) -> None:
    probs = _bgbb.probability_of_purchases(P, np.arange(n + 1), n)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)
    mean = float(np.arange(n + 1) @ probs)
    assert mean == pytest.approx(float(_bgbb.expected_purchases(P, n)[0]), rel=1e-10, abs=1e-15)


def test_expected_purchases_is_the_sum_over_opportunities() -> None:
    # E[X(n)] = E[p] * sum_{t=1}^{n} E[(1-theta)^t]
    n = 9
    want = (
        P.alpha
        / (P.alpha + P.beta)
        * sum(beta(P.gamma, P.delta + t) / beta(P.gamma, P.delta) for t in range(1, n + 1))
    )
    assert _bgbb.expected_purchases(P, n)[0] == pytest.approx(want, rel=1e-12)


def test_gamma_one_uses_the_limit() -> None:
    near = BetaGeoBetaBinomParams(1.2, 0.75, 1.0 + 1e-7, 2.8)
    exact = BetaGeoBetaBinomParams(1.2, 0.75, 1.0, 2.8)
    assert _bgbb.expected_purchases(exact, 10)[0] == pytest.approx(
        _bgbb.expected_purchases(near, 10)[0], rel=1e-6
    )


def test_conditional_expectation_and_alive_against_the_posterior() -> None:
    # E[X(n, n+k) | history] = sum over t of P(alive at n+t) E[p | alive, history]; check
    # by summing P(alive at n+t) * posterior mean of p over the alive term, term by term.
    x, tx, n, k = 3, 5, 6, 4
    a, b, g, d = P.alpha, P.beta, P.gamma, P.delta
    like = direct_likelihood(P, x, tx, n)
    want = sum(
        beta(a + x + 1, b + n - x) / beta(a, b) * beta(g, d + n + t) / beta(g, d) / like
        for t in range(1, k + 1)
    )
    got = _bgbb.conditional_expected_purchases(P, k, [x], [tx], [n])[0]
    assert got == pytest.approx(want, rel=1e-10)
    alive = beta(a + x, b + n - x) / beta(a, b) * beta(g, d + n + 2) / beta(g, d) / like
    assert _bgbb.probability_alive(P, [x], [tx], [n], m=2)[0] == pytest.approx(alive, rel=1e-10)


def test_gradient_matches_finite_differences() -> None:
    x = np.array([0.0, 1, 2, 5, 3])
    tx = np.array([0.0, 4, 2, 9, 3])
    n = np.array([6.0, 6, 10, 9, 12])
    w = np.array([3.0, 1, 2, 1, 4])
    f = _bgbb.objective(x, tx, n, w)
    theta = np.log([1.3, 0.8, 0.6, 2.5])
    _, grad = f(theta)
    h = 1e-6
    numeric = [(f(theta + e)[0] - f(theta - e)[0]) / (2 * h) for e in np.eye(4) * h]
    assert grad == pytest.approx(numeric, rel=1e-5)


def test_stable_at_thousands_of_opportunities() -> None:
    n = np.array([5000.0, 5000, 5000, 20])
    x = np.array([0.0, 4000, 2500, 20])
    tx = np.array([0.0, 5000, 2600, 20])
    values = _bgbb.loglik(P, x, tx, n)
    assert np.isfinite(values).all()
    alive = _bgbb.probability_alive(P, x, tx, n)
    assert ((alive >= 0) & (alive <= 1)).all()
    assert np.isfinite(_bgbb.conditional_expected_purchases(P, 1000, x, tx, n)).all()
    assert np.isfinite(_bgbb.expected_purchases(P, [10_000, 1_000_000])).all()


def test_small_blocks_give_the_same_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    x, tx, n = np.array([0.0, 2, 3]), np.array([0.0, 3, 30]), np.array([40.0, 40, 41])
    whole = _bgbb.loglik(P, x, tx, n)
    monkeypatch.setattr(_bgbb, "BLOCK_CELLS", 4)
    assert _bgbb.loglik(P, x, tx, n) == pytest.approx(whole, rel=1e-13)


def test_weights_equal_repeated_rows() -> None:
    weighted = BetaGeoBetaBinomModel().fit(**DATA)
    rows = {k: np.repeat(DATA[k], DATA["weights"]) for k in ("frequency", "recency", "T")}
    repeated = BetaGeoBetaBinomModel().fit(**rows)
    assert weighted.log_likelihood_ == pytest.approx(repeated.log_likelihood_, rel=1e-10)
    assert weighted.params_.alpha == pytest.approx(repeated.params_.alpha, rel=1e-5)
    assert weighted.n_customers_ == repeated.n_customers_ == 740


def test_fitted_state_summary_and_round_trip() -> None:
    model = BetaGeoBetaBinomModel().fit(**DATA)
    assert model.converged_
    assert model.gradient_norm_ < 1e-5
    assert all(e > 0 for e in model.standard_errors_.values())
    assert model.summary().columns[0] == "parameter"
    data = json.loads(json.dumps(model.to_dict()))
    assert data["schema"] == "lifecycle.bg_bb/1"
    again = BetaGeoBetaBinomModel.from_dict(data)
    assert again.params_ == model.params_
    assert again.standard_errors_ == model.standard_errors_


def test_from_dict_refuses_another_schema() -> None:
    data = BetaGeoBetaBinomModel.from_params(P).to_dict()
    data["schema"] = "lifecycle.bg_nbd/1"
    with pytest.raises(SchemaError):
        BetaGeoBetaBinomModel.from_dict(data)


def test_questions_before_fit_raise() -> None:
    model = BetaGeoBetaBinomModel()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.expected_purchases(5)
    with pytest.raises(NotFittedError):
        model.probability_alive(frequency=[1], recency=[1], T=[2])


def test_model_questions_equal_the_functions() -> None:
    m = BetaGeoBetaBinomModel.from_params(P)
    args = {"frequency": [0, 2, 4], "recency": [0, 3, 6], "T": [6, 6, 8]}
    assert (
        m.probability_alive(**args).tolist() == _bgbb.probability_alive(P, *args.values()).tolist()
    )
    assert (
        m.conditional_expected_purchases(3, args).tolist()
        == _bgbb.conditional_expected_purchases(P, 3, *args.values()).tolist()
    )
    assert m.expected_purchases([1, 2]).tolist() == _bgbb.expected_purchases(P, [1, 2]).tolist()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"frequency": [2], "recency": [1], "T": [6]}, "'frequency' must be <= 'recency'"),
        ({"frequency": [1], "recency": [1.5], "T": [6]}, "'recency' must be a whole number"),
        ({"frequency": [1], "recency": [1], "T": [6.5]}, "'T' must be a whole number"),
        ({"frequency": [1], "recency": [7], "T": [6]}, "'recency' must be <= 'T'"),
        ({"frequency": [1], "recency": [0], "T": [6]}, "> 0 when 'frequency' > 0"),
        ({"frequency": [-1], "recency": [0], "T": [6]}, "'frequency' must be >= 0"),
        ({"frequency": [0], "recency": [0], "T": [0]}, "'T' must be > 0"),
        ({"frequency": [0, 0], "recency": [0, 0], "T": [6, 6]}, "no customer has a repeat"),
    ],
)
def test_bad_input(args: dict[str, list[float]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        BetaGeoBetaBinomModel().fit(**args)


def test_bad_input_names_the_customer() -> None:
    data = {"customer": ["a", "b"], "frequency": [1, 3], "recency": [2, 2], "T": [4, 4]}
    with pytest.raises(ValidationError, match="customer 'b'"):
        BetaGeoBetaBinomModel().fit(data)


def test_bad_weights_and_horizons() -> None:
    with pytest.raises(ValidationError, match="one value per customer"):
        BetaGeoBetaBinomModel().fit(frequency=[1], recency=[1], T=[2], weights=[1, 2])
    m = BetaGeoBetaBinomModel.from_params(P)
    with pytest.raises(ValidationError, match="'n'"):
        m.expected_purchases(-1)
    with pytest.raises(ValidationError, match="'m'"):
        m.probability_alive(frequency=[1], recency=[1], T=[2], m=1.5)


def test_bad_params() -> None:
    with pytest.raises(ValidationError, match="'gamma' must be a finite number > 0"):
        BetaGeoBetaBinomParams(1.0, 1.0, 0.0, 1.0)


def test_degenerate_data_fails_loudly() -> None:
    # Everyone transacts at every opportunity: p -> 1 and theta -> 0 run to the bounds.
    with pytest.raises(ConvergenceError, match="the data do not identify"):
        BetaGeoBetaBinomModel().fit(frequency=[5] * 10, recency=[5] * 10, T=[5] * 10)


def test_repr_has_no_time_unit() -> None:
    assert repr(BetaGeoBetaBinomModel()) == "BetaGeoBetaBinomModel(not fitted)"
    shown = repr(BetaGeoBetaBinomModel.from_params(P))
    assert shown == "BetaGeoBetaBinomModel(alpha=1.204, beta=0.75, gamma=0.657, delta=2.783)"
