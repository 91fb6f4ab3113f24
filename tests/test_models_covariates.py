"""Static covariates for BG/NBD and Pareto/NBD: likelihood, fit, predictions, persistence."""

from __future__ import annotations

import json
import math
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from lifecycle import Table
from lifecycle.errors import ConvergenceError, SchemaError, ValidationError
from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    ParetoNBDModel,
    ParetoNBDParams,
    _bgnbd,
    _paretonbd,
    simulate,
)
from lifecycle.models._covariates import CovariateFit
from lifecycle.models._data import Compressed

BG = BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W")
PARETO = ParetoNBDParams(0.55, 10.5, 0.6, 11.7, unit="W")
MODELS = [(BetaGeoModel, BG, _bgnbd), (ParetoNBDModel, PARETO, _paretonbd)]


def simulate_pareto(params: ParetoNBDParams, alpha: np.ndarray, T: float, seed: int) -> Table:
    """Pareto/NBD customers with their own ``alpha`` (lambda ~ Gamma(r, alpha_i))."""
    rng = np.random.default_rng(seed)
    n = len(alpha)
    lam = rng.gamma(params.r, 1 / alpha)
    mu = rng.gamma(params.s, 1 / params.beta, n)
    alive_for = np.minimum(rng.exponential(1 / mu), T)
    x = rng.poisson(lam * alive_for)
    # The last of x uniform times on (0, alive_for): alive_for * U^(1/x).
    last = np.where(x > 0, alive_for * rng.random(n) ** (1 / np.maximum(x, 1)), 0.0)
    return Table({"frequency": x, "recency": last, "T": np.full(n, T)})


def simulate_bg_groups(seed: int, n: int = 1500) -> tuple[Table, np.ndarray]:
    """BG/NBD customers; the second half buys twice as fast (alpha halved)."""
    low = simulate(BG, n, T=52.0, seed=seed)
    high = simulate(
        BetaGeoParams(BG.r, BG.alpha / 2, BG.a, BG.b, unit="W"), n, T=52.0, seed=seed + 1
    )
    table = Table({c: np.concatenate([low[c], high[c]]) for c in ("frequency", "recency", "T")})
    return table, np.repeat([0.0, 1.0], n)


def fitted_with(model: type, params: Any, coefficients: dict[str, dict[str, float]]) -> Any:
    """A model with known base parameters and coefficients (through ``from_dict``)."""
    data = model.from_params(params).to_dict()
    links = model.covariate_links
    purchase = sorted({n for p, proc, _ in links if proc == "purchase" for n in coefficients[p]})
    dropout = sorted({n for p, proc, _ in links if proc == "dropout" for n in coefficients[p]})
    data["covariates"] = {
        "purchase": purchase,
        "dropout": dropout,
        "coefficients": coefficients,
        "standard_errors": {p: dict.fromkeys(c, math.nan) for p, c in coefficients.items()},
    }
    return model.from_dict(data)


class TestLikelihood:
    @pytest.mark.parametrize(("model", "params", "module"), MODELS)
    def test_zero_coefficients_equal_the_plain_likelihood(
        self, model: type, params: Any, module: Any
    ) -> None:
        data = simulate(BG, 300, T=39.0, seed=3)
        x = np.asarray(data.frequency, dtype=float)
        packed = Compressed(
            x=x, tx=data.recency, T=data["T"], weight=np.ones(len(x)), n_customers=300
        )
        design = {
            "purchase": np.random.default_rng(0).normal(size=(300, 2)),
            "dropout": np.ones((300, 1)),
        }
        empty = CovariateFit(
            links=model.covariate_links,
            purchase=("u", "v"),
            dropout=("w",),
            estimates=(),
            standard_errors=(),
        )
        n_coef = sum(2 if proc == "purchase" else 1 for _, proc, _ in model.covariate_links)
        base = np.log([getattr(params, n) for n in model.param_names])
        value, grad = model()._covariate_objective(packed, design, empty, n_coef)(
            np.concatenate([base, np.zeros(n_coef)])
        )
        plain_value, plain_grad = module.objective(packed)(base)
        assert value == pytest.approx(plain_value, rel=1e-12)
        np.testing.assert_allclose(grad[:4], plain_grad, rtol=1e-8, atol=1e-8)

    @pytest.mark.parametrize(("model", "params", "module"), MODELS)
    def test_gradient_equals_finite_differences(
        self, model: type, params: Any, module: Any
    ) -> None:
        data = simulate(BG, 200, T=39.0, seed=5)
        x = np.asarray(data.frequency, dtype=float)
        packed = Compressed(
            x=x, tx=data.recency, T=data["T"], weight=np.ones(len(x)), n_customers=200
        )
        rng = np.random.default_rng(1)
        design = {
            "purchase": rng.normal(size=(200, 2)),
            "dropout": rng.integers(0, 2, (200, 1)) * 1.0,
        }
        empty = CovariateFit(
            links=model.covariate_links,
            purchase=("u", "v"),
            dropout=("w",),
            estimates=(),
            standard_errors=(),
        )
        n_coef = sum(2 if proc == "purchase" else 1 for _, proc, _ in model.covariate_links)
        f = model()._covariate_objective(packed, design, empty, n_coef)
        theta = np.concatenate(
            [np.log([getattr(params, n) for n in model.param_names]), rng.normal(0, 0.3, n_coef)]
        )
        _, grad = f(theta)
        for j in range(len(theta)):
            h = 1e-6
            up, down = theta.copy(), theta.copy()
            up[j] += h
            down[j] -= h
            numeric = (f(up)[0] - f(down)[0]) / (2 * h)
            assert grad[j] == pytest.approx(numeric, rel=1e-5, abs=1e-5)


class TestFit:
    def test_identical_groups_give_zero_coefficient_and_the_plain_fit(self) -> None:
        # The same histories twice, flagged 0 and 1: the flag explains nothing, so its
        # coefficients are 0 and the base parameters are the plain fit's.
        data = simulate(BG, 400, T=39.0, seed=7)
        twice = {c: np.concatenate([data[c], data[c]]) for c in ("frequency", "recency", "T")}
        flag = {"flag": np.repeat([0.0, 1.0], 400)}
        plain = BetaGeoModel(unit="W").fit(data)
        model = BetaGeoModel(unit="W").fit(twice, purchase_covariates=flag, dropout_covariates=flag)
        np.testing.assert_allclose(model.coefficients_.estimate, 0.0, atol=1e-4)
        for name in ("r", "alpha", "a", "b"):
            assert getattr(model.params_, name) == pytest.approx(
                getattr(plain.params_, name), rel=1e-4
            )
        assert model.log_likelihood_ == pytest.approx(2 * plain.log_likelihood_, rel=1e-8)

    def test_bg_recovers_a_doubled_purchase_rate(self) -> None:
        data, group = simulate_bg_groups(seed=11)
        model = BetaGeoModel(unit="W").fit(data, purchase_covariates={"fast": group})
        row = model.coefficients_
        assert row.parameter.tolist() == ["alpha"]
        assert row.covariate.tolist() == ["fast"]
        estimate, error = float(row.estimate[0]), float(row.standard_error[0])
        assert 0 < error < 0.15
        assert abs(estimate - math.log(2)) < 3 * error
        assert model.params_.alpha == pytest.approx(BG.alpha, rel=0.3)

    def test_pareto_recovers_a_doubled_purchase_rate(self) -> None:
        group = np.repeat([0.0, 1.0], 1500)
        data = simulate_pareto(PARETO, PARETO.alpha * np.exp(-math.log(2) * group), 78.0, seed=2)
        model = ParetoNBDModel(unit="W").fit(data, purchase_covariates=group[:, None])
        row = model.coefficients_
        assert row.process.tolist() == ["purchase"]
        assert row.covariate.tolist() == ["x1"]
        estimate, error = float(row.estimate[0]), float(row.standard_error[0])
        assert 0 < error < 0.15
        assert abs(estimate - math.log(2)) < 3 * error

    def test_separate_sets_per_process(self) -> None:
        data, group = simulate_bg_groups(seed=13, n=300)
        noise = np.random.default_rng(0).normal(size=600)
        model = BetaGeoModel(unit="W").fit(
            data, purchase_covariates={"fast": group}, dropout_covariates={"noise": noise}
        )
        table = model.coefficients_
        assert table.process.tolist() == ["purchase", "dropout", "dropout"]
        assert table.parameter.tolist() == ["alpha", "a", "b"]
        assert table.covariate.tolist() == ["fast", "noise", "noise"]
        assert (table.lower_95 < table.estimate).all()
        assert (table.estimate < table.upper_95).all()

    @pytest.mark.parametrize(("cls", "params", "module"), MODELS)
    def test_units_and_offsets_of_a_covariate_do_not_change_the_fit(
        self, cls: Any, params: Any, module: Any
    ) -> None:
        # Income in units or in millionths, or a year (2024 +- a few) instead of an offset:
        # the same model, so the same likelihood, coefficients scaled by the unit, and a
        # base parameter moved by the offset (log p = log base + sign g x).
        data = simulate(params, 600, T=39.0, seed=5)
        x = np.random.default_rng(5).normal(size=600)
        fits = {
            label: cls(unit="W").fit(data, purchase_covariates={"x": values})
            for label, values in (("plain", x), ("scaled", x * 1e6), ("shifted", x + 2024.0))
        }
        plain, scaled, shifted = fits["plain"], fits["scaled"], fits["shifted"]
        g = float(plain.coefficients_.estimate[0])
        error = float(plain.coefficients_.standard_error[0])
        for model in fits.values():
            assert model.converged_
            assert model.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-9)
        assert float(scaled.coefficients_.estimate[0]) == pytest.approx(g / 1e6, rel=1e-5)
        assert float(scaled.coefficients_.standard_error[0]) == pytest.approx(error / 1e6, rel=1e-4)
        assert float(shifted.coefficients_.estimate[0]) == pytest.approx(g, rel=1e-5)
        # alpha is the purchase link, sign -1: base alpha at x = 0 is exp(g * 2024) times the
        # base at the shifted zero.
        assert math.log(shifted.params_.alpha) == pytest.approx(
            math.log(plain.params_.alpha) + g * 2024.0, rel=1e-6
        )
        # The covariance is mapped back too: the same customer gets the same interval (to
        # the 1e-4 or so of a covariate fit's differenced Hessian).
        history = {"frequency": [2], "recency": [30.0], "T": [39.0]}
        intervals = [
            model.prediction_interval(
                "probability_alive", **history, purchase_covariates={"x": [value]}
            )
            for model, value in ((plain, 0.7), (scaled, 0.7e6), (shifted, 2024.7))
        ]
        for other in intervals[1:]:
            np.testing.assert_allclose(other["estimate"], intervals[0]["estimate"], rtol=1e-6)
            for column in ("standard_error", "lower", "upper"):
                np.testing.assert_allclose(other[column], intervals[0][column], rtol=2e-3)

    def test_plain_model_has_no_coefficients(self) -> None:
        assert len(BetaGeoModel.from_params(BG).coefficients_) == 0


def _bad_fit(**covariates: Any) -> None:
    data = simulate(BG, 50, T=39.0, seed=1)
    BetaGeoModel(unit="W").fit(data, **covariates)


class TestValidation:
    @pytest.mark.parametrize(
        ("covariates", "match"),
        [
            (
                {"purchase_covariates": {"z": [0.0] * 49 + [math.nan]}},
                r"'purchase_covariates\[z\]' must be a number .*index 49",
            ),
            (
                {"purchase_covariates": np.ones((40, 1)) * np.arange(40)[:, None]},
                "one row per customer .*40 rows for 50",
            ),
            ({"dropout_covariates": {"c": [2.0] * 50}}, "column 'c' is constant"),
            ({"purchase_covariates": np.zeros((50, 1))}, "column 'x1' is constant"),
            ({"purchase_covariates": np.arange(50.0)}, "must be 2-dimensional"),
            ({"purchase_covariates": {}}, "has no covariate column"),
            ({"purchase_covariates": {"s": ["a"] * 50}}, "must contain numbers"),
            (
                {"purchase_covariates": {"big": [1.0] * 49 + [1e101]}},
                r"'purchase_covariates\[big\]' must be within \+-1e\+100 \(rescale it\)",
            ),
            ({"dropout_covariates": {"inf": [1.0] * 49 + [math.inf]}}, "dropout_covariates"),
        ],
    )
    def test_bad_covariates(self, covariates: dict[str, Any], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            _bad_fit(**covariates)

    def test_customer_order_must_match(self) -> None:
        data = simulate(BG, 50, T=39.0, seed=1)
        cov = {"customer": data.customer[::-1], "z": np.arange(50.0)}
        with pytest.raises(ValidationError, match="order of the data's 'customer'"):
            BetaGeoModel(unit="W").fit(data, purchase_covariates=cov)

    def test_a_table_of_covariates_reads_like_a_mapping(self) -> None:
        # A Table is not a registered collections.abc.Mapping (so that polars takes its Arrow
        # stream); it must still be read by name, not as a matrix of its columns.
        data, fast = simulate_bg_groups(seed=5, n=200)
        columns = {"customer": np.arange(400), "fast": fast}
        as_table = BetaGeoModel(unit="W").fit(data, purchase_covariates=Table(columns))
        as_dict = BetaGeoModel(unit="W").fit(data, purchase_covariates=columns)
        assert as_table.coefficients_.covariate.tolist() == ["fast"]
        assert as_table.coefficients_.estimate.tolist() == as_dict.coefficients_.estimate.tolist()

    def test_predictions_need_the_fitted_covariates(self) -> None:
        model = fitted_with(BetaGeoModel, BG, {"alpha": {"z": 0.5}, "a": {}, "b": {}})
        history = {"frequency": [2], "recency": [30.0], "T": [39.0]}
        with pytest.raises(ValidationError, match=r"fitted with purchase covariates \['z'\]"):
            model.probability_alive(**history)
        with pytest.raises(ValidationError, match="must have the columns"):
            model.probability_alive(**history, purchase_covariates={"y": [1.0]})
        with pytest.raises(ValidationError, match="must have 1 columns"):
            model.probability_alive(**history, purchase_covariates=[[1.0, 2.0]])
        with pytest.raises(ValidationError, match="without dropout covariates"):
            model.probability_alive(
                **history, purchase_covariates={"z": [1.0]}, dropout_covariates={"z": [1.0]}
            )
        with pytest.raises(ValidationError, match="fitted without covariates"):
            BetaGeoModel.from_params(BG).probability_alive(
                **history, purchase_covariates={"z": [1.0]}
            )


class TestPredictions:
    @pytest.mark.parametrize(("model", "params", "module"), MODELS)
    @pytest.mark.parametrize("z", [-1e5, 1e5])
    def test_covariates_beyond_the_likelihood_raise_naming_the_customer(
        self, model: type, params: Any, module: Any, z: float
    ) -> None:
        coef = {"alpha": {"z": 1.0}} | (
            {"a": {"z": 1.0}, "b": {"z": 1.0}} if model is BetaGeoModel else {"beta": {"z": 1.0}}
        )
        fitted = fitted_with(model, params, coef)
        history = {"frequency": [2, 1], "recency": [1.0, 2.0], "T": [5.0, 5.0]}
        covariates = {"purchase_covariates": {"z": [0.0, z]}, "dropout_covariates": {"z": [0.0, z]}}
        with pytest.raises(ConvergenceError, match=r"P\(alive\) cannot be computed for index 1"):
            fitted.probability_alive(**history, **covariates)
        with pytest.raises(ConvergenceError, match="expected purchases cannot be computed"):
            fitted.conditional_expected_purchases(10, **history, **covariates)
        ok = {k: {"z": [0.0, 0.0]} for k in covariates}
        assert np.isfinite(fitted.probability_alive(**history, **ok)).all()

    def test_bg_per_customer_parameters(self) -> None:
        coef = {"alpha": {"z": 0.7}, "a": {"z": -0.4}, "b": {"z": 0.3}}
        model = fitted_with(BetaGeoModel, BG, coef)
        z = np.array([0.0, 1.0, -2.0, 0.5])
        history = {
            "frequency": [0, 2, 5, 1],
            "recency": [0, 30.4, 20, 3],
            "T": [38.9, 38.9, 38.9, 10],
        }
        cov = {"z": z}
        alive = model.probability_alive(**history, purchase_covariates=cov, dropout_covariates=cov)
        ahead = model.conditional_expected_purchases(
            39, **history, purchase_covariates=cov, dropout_covariates=cov
        )
        new = model.expected_purchases(39, purchase_covariates=cov, dropout_covariates=cov)
        for i, zi in enumerate(z):
            one = BetaGeoParams(
                BG.r,
                BG.alpha * math.exp(-0.7 * zi),
                BG.a * math.exp(-0.4 * zi),
                BG.b * math.exp(0.3 * zi),
                unit="W",
            )
            h = {k: [v[i]] for k, v in history.items()}
            assert alive[i] == pytest.approx(_bgnbd.probability_alive(one, **h)[0], rel=1e-10)
            assert ahead[i] == pytest.approx(
                _bgnbd.conditional_expected_purchases(one, 39, **h)[0], rel=1e-10
            )
            assert new[i] == pytest.approx(_bgnbd.expected_purchases(one, 39)[0], rel=1e-10)

    def test_pareto_per_customer_parameters(self) -> None:
        coef = {"alpha": {"z": 0.7}, "beta": {"z": -0.9}}
        model = fitted_with(ParetoNBDModel, PARETO, coef)
        # Covariates that put alpha above and below beta: both branches of the 2F1.
        z = np.array([0.0, 1.0, -2.0, 0.5, 3.0])
        history = {
            "frequency": [0, 2, 5, 1, 40],
            "recency": [0, 30.4, 20, 3, 38],
            "T": [38.9] * 4 + [39],
        }
        cov = {"z": z}
        alive = model.probability_alive(**history, purchase_covariates=cov, dropout_covariates=cov)
        ahead = model.conditional_expected_purchases(
            39, **history, purchase_covariates=cov, dropout_covariates=cov
        )
        new = model.expected_purchases([39], purchase_covariates=cov, dropout_covariates=cov)
        for i, zi in enumerate(z):
            one = ParetoNBDParams(
                PARETO.r,
                PARETO.alpha * math.exp(-0.7 * zi),
                PARETO.s,
                PARETO.beta * math.exp(0.9 * zi),
                unit="W",
            )
            h = {k: [v[i]] for k, v in history.items()}
            assert alive[i] == pytest.approx(_paretonbd.probability_alive(one, **h)[0], rel=1e-9)
            assert ahead[i] == pytest.approx(
                _paretonbd.conditional_expected_purchases(one, 39, **h)[0], rel=1e-9
            )
            assert new[i] == pytest.approx(_paretonbd.expected_purchases(one, 39)[0], rel=1e-10)

    def test_positive_coefficients_raise_the_rates(self) -> None:
        model = fitted_with(ParetoNBDModel, PARETO, {"alpha": {"z": 0.5}, "beta": {"z": 0.5}})
        cov = {"z": [0.0, 1.0]}
        new = model.expected_purchases(1e-3, purchase_covariates=cov, dropout_covariates=cov)
        assert new[1] / new[0] == pytest.approx(math.exp(0.5), rel=1e-3)


class TestPersistence:
    def test_round_trip_keeps_coefficients_and_names(self) -> None:
        data, group = simulate_bg_groups(seed=17, n=300)
        model = BetaGeoModel(unit="W").fit(data, purchase_covariates={"fast": group})
        text = json.dumps(model.to_dict())
        again = BetaGeoModel.from_dict(json.loads(text))
        assert again.to_dict()["covariates"]["purchase"] == ["fast"]
        assert again.coefficients_.estimate.tolist() == model.coefficients_.estimate.tolist()
        assert (
            again.coefficients_.standard_error.tolist()
            == model.coefficients_.standard_error.tolist()
        )
        np.testing.assert_array_equal(
            again.probability_alive(data, purchase_covariates={"fast": group}),
            model.probability_alive(data, purchase_covariates={"fast": group}),
        )

    def test_plain_model_refuses_covariates(self) -> None:
        from lifecycle.models import GammaGammaModel, GammaGammaParams

        data = GammaGammaModel.from_params(GammaGammaParams(6.0, 4.0, 15.0)).to_dict()
        data["covariates"] = {"purchase": []}
        with pytest.raises(ValidationError, match="takes no covariates"):
            GammaGammaModel.from_dict(data)

    def test_missing_coefficient(self) -> None:
        data = fitted_with(BetaGeoModel, BG, {"alpha": {"z": 0.5}, "a": {}, "b": {}}).to_dict()
        del data["covariates"]["coefficients"]["alpha"]["z"]
        with pytest.raises(SchemaError, match="missing key 'z'"):
            BetaGeoModel.from_dict(data)


class TestSignals:
    LOG: ClassVar[list[dict[str, str]]] = [
        {"customer": "ann", "date": "2024-01-05"},
        {"customer": "ann", "date": "2024-03-01"},
        {"customer": "ann", "date": "2024-04-11"},
        {"customer": "bob", "date": "2024-02-01"},
        {"customer": "bob", "date": "2024-05-20"},
        {"customer": "cy", "date": "2024-06-02"},
    ]

    def test_batch_and_profile_use_each_customers_row(self) -> None:
        from lifecycle import EventLog

        log = EventLog.from_records(self.LOG)
        model = fitted_with(
            BetaGeoModel,
            BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"),
            {"alpha": {"vip": 1.2}, "a": {"vip": -0.5}, "b": {"vip": 0.4}},
        )
        # Any row order; an extra customer is ignored.
        cov = {"customer": np.array(["dan", "cy", "bob", "ann"]), "vip": [1.0, 0.0, 1.0, 0.0]}
        table = model.signals(
            log, as_of="2024-06-30", purchase_covariates=cov, dropout_covariates=cov
        )
        plain = BetaGeoModel.from_params(model.params_).signals(log, as_of="2024-06-30")
        assert table.customer.tolist() == ["ann", "bob", "cy"]
        # ann and cy have vip = 0: the base parameters; bob differs.
        assert table.p_alive[0] == pytest.approx(plain.p_alive[0], rel=1e-12)
        assert table.p_alive[1] != pytest.approx(plain.p_alive[1], rel=1e-3)
        for i, who in enumerate(["ann", "bob", "cy"]):
            one = model.profile_signals(
                log, who, as_of="2024-06-30", purchase_covariates=cov, dropout_covariates=cov
            )
            assert one.p_alive == pytest.approx(table.p_alive[i], rel=1e-12)
            assert one.expected_purchases_90d == pytest.approx(
                table.expected_purchases_90d[i], rel=1e-12
            )

    def test_missing_customer_row(self) -> None:
        from lifecycle import EventLog

        log = EventLog.from_records(self.LOG)
        model = fitted_with(
            BetaGeoModel,
            BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"),
            {"alpha": {"vip": 1.0}, "a": {}, "b": {}},
        )
        cov = {"customer": np.array(["ann", "cy"]), "vip": [1.0, 0.0]}
        with pytest.raises(ValidationError, match="no row for customer 'bob'"):
            model.signals(log, as_of="2024-06-30", purchase_covariates=cov)
        with pytest.raises(ValidationError, match="a 'customer' column"):
            model.signals(log, as_of="2024-06-30", purchase_covariates={"vip": [1.0, 0.0, 1.0]})


def test_penalizer_shrinks_coefficients() -> None:
    data, group = simulate_bg_groups(seed=11, n=400)
    free = BetaGeoModel(unit="W").fit(data, purchase_covariates={"fast": group})
    held = BetaGeoModel(unit="W", penalizer=1e-3).fit(data, purchase_covariates={"fast": group})
    assert 0 < held.coefficients_.estimate[0] < free.coefficients_.estimate[0]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30),
            st.floats(0.05, 1.0),
            st.floats(1.0, 100.0),
            st.floats(-2.0, 2.0),
            st.floats(-2.0, 2.0),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_batch_equals_one_customer_at_a_time(
    rows: list[tuple[int, float, float, float, float]],
) -> None:
    # Each customer's answer is the same asked with everyone or alone (both models).
    frequency = [float(x) for x, *_ in rows]
    recency = [share * t if x else 0.0 for x, share, t, *_ in rows]
    T = [t for _, _, t, *_ in rows]
    z = np.array([[u, v] for *_, u, v in rows])
    for model in (
        fitted_with(BetaGeoModel, BG, {"alpha": {"u": 0.4}, "a": {"v": -0.3}, "b": {"v": 0.2}}),
        fitted_with(ParetoNBDModel, PARETO, {"alpha": {"u": 0.4}, "beta": {"v": -0.5}}),
    ):
        ask = {"purchase_covariates": {"u": z[:, 0]}, "dropout_covariates": {"v": z[:, 1]}}
        alive = model.probability_alive(frequency=frequency, recency=recency, T=T, **ask)
        ahead = model.conditional_expected_purchases(
            10, frequency=frequency, recency=recency, T=T, **ask
        )
        assert ((alive >= 0) & (alive <= 1)).all()
        for i in range(len(rows)):
            one = {
                "purchase_covariates": {"u": z[i : i + 1, 0]},
                "dropout_covariates": {"v": z[i : i + 1, 1]},
            }
            h = {
                "frequency": frequency[i : i + 1],
                "recency": recency[i : i + 1],
                "T": T[i : i + 1],
            }
            assert model.probability_alive(**h, **one)[0] == pytest.approx(alive[i], rel=1e-10)
            assert model.conditional_expected_purchases(10, **h, **one)[0] == pytest.approx(
                ahead[i], rel=1e-10
            )
