from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from lifecycle import EventLog, attribute, rfm_summary
from lifecycle.errors import (
    ConvergenceError,
    LifecycleError,
    NotFittedError,
    SchemaError,
    ValidationError,
)
from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    GammaGammaModel,
    GammaGammaParams,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    ParetoNBDParams,
    ShiftedBetaGeoModel,
    ShiftedBetaGeoParams,
    _bgnbd,
    _paretonbd,
    customer_lifetime_value,
    simulate,
)

BG = BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W")
PARETO = ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W")


class TestLazyImport:
    def test_import_does_not_load_scipy(self) -> None:
        code = (
            "import sys, lifecycle, lifecycle.models; "
            "from lifecycle.models import BetaGeoModel, BetaGeoParams; "
            "BetaGeoModel.from_params(BetaGeoParams(1.0, 1.0, 1.0, 1.0)); "
            "print('scipy' in sys.modules)"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "False"


CASES = [
    ({"frequency": [1, 2], "recency": [0, 3], "T": [5, 5]}, "'recency' must be > 0 when"),
    ({"frequency": [0, 2], "recency": [0, 6], "T": [5, 5]}, "'recency' must be <= 'T'.*6.0 > 5.0"),
    ({"frequency": [0, -1], "recency": [0, 1], "T": [5, 5]}, "'frequency' must be >= 0"),
    ({"frequency": [0, math.nan], "recency": [0, 1], "T": [5, 5]}, "'frequency' must be a number"),
    ({"frequency": [0, 1.5], "recency": [0, 1], "T": [5, 5]}, "'frequency' must be a whole"),
    ({"frequency": [0, 1], "recency": [0, 1], "T": [5, -5]}, "'T' must be >= 0"),
    ({"frequency": [0, 0], "recency": [0, 0], "T": [5, 5]}, "no customer has a repeat"),
    ({"frequency": [0, 1], "recency": [0, 1], "T": [5]}, "equal lengths"),
]


class TestBadInput:
    @pytest.mark.parametrize("model", [BetaGeoModel, ParetoNBDModel])
    @pytest.mark.parametrize(("args", "match"), CASES)
    def test_arrays(self, model: type, args: dict[str, list[float]], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            model().fit(**args)

    def test_names_the_customer_from_a_table(self) -> None:
        table = {"customer": ["ann", "bob"], "frequency": [0, 2], "recency": [0, 9], "T": [5, 5]}
        with pytest.raises(ValidationError, match="first at customer 'bob' \\(index 1\\)"):
            BetaGeoModel().fit(table)

    def test_weights_of_wrong_length(self) -> None:
        with pytest.raises(ValidationError, match="one value per customer"):
            BetaGeoModel().fit(frequency=[0, 1], recency=[0, 1], T=[5, 5], weights=[1])

    def test_negative_weight(self) -> None:
        with pytest.raises(ValidationError, match="'weights' must be >= 0"):
            BetaGeoModel().fit(frequency=[0, 1], recency=[0, 1], T=[5, 5], weights=[1, -1])

    def test_spend_zero_for_repeat_buyer(self) -> None:
        with pytest.raises(ValidationError, match="'monetary_value' must be > 0"):
            GammaGammaModel().fit(frequency=[1, 2], monetary_value=[3.0, 0.0])

    def test_both_data_and_arrays(self) -> None:
        table = {"frequency": [1], "recency": [1], "T": [2]}
        with pytest.raises(ValidationError, match="either in 'data' or as an argument"):
            BetaGeoModel().fit(table, frequency=[1])

    def test_errors_are_lifecycle_errors(self) -> None:
        assert issubclass(ConvergenceError, LifecycleError)

    def test_sbg_counts_must_not_rise(self) -> None:
        with pytest.raises(ValidationError, match="'active' must be non-increasing"):
            ShiftedBetaGeoModel().fit(active=[100, 80, 90])


class TestNotFitted:
    @pytest.mark.parametrize(
        "model", [BetaGeoModel(), ParetoNBDModel(), GammaGammaModel(), ShiftedBetaGeoModel()]
    )
    def test_before_fit(self, model: object) -> None:
        with pytest.raises(NotFittedError, match="not fitted yet"):
            model.params_  # type: ignore[attr-defined]  # noqa: B018


class TestConvergence:
    def test_degenerate_data_raises_naming_the_cause(self) -> None:
        # One repeat buyer among many: the dropout parameters are not identified.
        with pytest.raises(ConvergenceError, match="did not converge"):
            BetaGeoModel(max_iter=3).fit(frequency=[0, 0, 3], recency=[0, 0, 4], T=[5, 5, 5])

    def test_warn_instead(self) -> None:
        with pytest.warns(RuntimeWarning, match="did not converge"):
            model = BetaGeoModel(max_iter=3, on_failure="warn").fit(
                frequency=[0, 0, 3], recency=[0, 0, 4], T=[5, 5, 5]
            )
        assert not model.converged_

    def test_flat_ridge_raises_naming_the_parameter(self) -> None:
        # Two customers, one repeat purchase: a run-off to a -> large, b -> 0 used to come
        # back as converged; the Hessian there is singular and the fit says which parameter.
        args = {"frequency": [1, 0], "recency": [8.0, 0.0], "T": [25.29, 20.14]}
        with pytest.raises(ConvergenceError, match=r"flat along '(a|b)'.*do not identify"):
            BetaGeoModel(unit="W").fit(**args)
        with pytest.warns(RuntimeWarning, match="do not identify"):
            model = BetaGeoModel(unit="W", on_failure="warn").fit(**args)
        assert not model.converged_
        assert all(math.isnan(v) for v in model.standard_errors_.values())

    def test_identified_fit_passes_the_curvature_check(self) -> None:
        model = BetaGeoModel(unit="W").fit(simulate(BG, 300, T=39.0, seed=3))
        assert model.converged_
        assert all(0 < v < math.inf for v in model.standard_errors_.values())


class TestOptimiser:
    """The Newton optimiser: the closed-form BG/NBD Hessian and the cheap later starts."""

    @pytest.mark.parametrize("model", ["bg_nbd", "pareto_nbd"])
    def test_closed_form_hessian_matches_the_differenced_gradient(self, model: str) -> None:
        from lifecycle.models import _bgnbd, _paretonbd
        from lifecycle.models._data import compress

        objective = {"bg_nbd": _bgnbd.objective, "pareto_nbd": _paretonbd.objective}[model]
        data = simulate(BG, 400, T=39.0, seed=5)
        x, tx, t = (np.asarray(data[k], dtype=float) for k in ("frequency", "recency", "T"))
        f = objective(compress(x, tx, t, np.ones(len(x))))
        # For Pareto/NBD the second point has alpha < beta, the first alpha > beta.
        for theta in (np.log([0.25, 4.0, 0.8, 2.5]), np.array([0.3, -1.0, 2.0, -0.5])):
            exact = f.hessian(theta)  # type: ignore[attr-defined]
            numeric = np.empty((4, 4))
            for i in range(4):
                step = np.zeros(4)
                step[i] = 1e-5
                numeric[:, i] = (f(theta + step)[1] - f(theta - step)[1]) / 2e-5
            np.testing.assert_allclose(exact, numeric, rtol=1e-5, atol=1e-6 * abs(numeric).max())

    def test_later_start_stops_at_the_first_optimum(self) -> None:
        from lifecycle.models._base import _newton

        def bowl(t: np.ndarray) -> tuple[float, np.ndarray]:
            return float((t[0] - 1) ** 2 + 3 * t[1] ** 2), np.array([2 * (t[0] - 1), 6 * t[1]])

        done = _newton(bowl, np.array([3.0, 2.0]), max_iter=50, tol=1e-12, near=np.array([1, 0]))
        assert done.near
        assert "best optimum" in done.message

    def test_later_start_reaching_a_better_optimum_wins(self) -> None:
        from lifecycle.models._base import maximize

        # Two peaks in one log-parameter: at theta = 0 (height 1) and theta = 3 (height 2).
        def twin(theta: np.ndarray) -> tuple[float, np.ndarray]:
            u = float(theta[0])
            low, high = math.exp(-(u**2)), 2 * math.exp(-((u - 3) ** 2))
            return low + high, np.array([-2 * u * low - 2 * (u - 3) * high])

        values, value, converged, _, _ = maximize(
            twin,
            [[1.0], [math.exp(2.5)]],
            names=["k"],
            scale=1.0,
            max_iter=100,
            tol=1e-10,
            on_failure="raise",
        )
        assert converged
        # The higher peak (near theta = 3), not the first start's.
        assert value > 1.9
        assert math.log(values[0]) == pytest.approx(3.0, abs=1e-3)


class TestStability:
    """Likelihoods at frequency 300-5000, ten years of days, recency = T and recency = 0."""

    x = np.array([300.0, 1000.0, 5000.0, 5000.0, 0.0, 1.0])
    T = np.array([3652.0, 3652.0, 3652.0, 3652.0, 3652.0, 3652.0])
    tx = np.array([3652.0, 1000.0, 3652.0, 3000.0, 0.0, 1.0])

    @pytest.mark.parametrize("fn", [_bgnbd.loglik, _paretonbd.loglik])
    def test_loglik_finite(self, fn: object) -> None:
        params = BG if fn is _bgnbd.loglik else PARETO
        values = fn(params, self.x, self.tx, self.T)  # type: ignore[operator]
        assert np.isfinite(values).all()
        assert (values < 0).all()

    def test_pareto_recency_equal_t_is_alive_term_only(self) -> None:
        # At recency = T the integral term vanishes exactly: LL equals the alive term.
        ll = _paretonbd.loglik(PARETO, [5000], [3652.0], [3652.0])[0]
        r, alpha, s, beta = 0.5533, 10.578, 0.6063, 11.670
        x, t = 5000, 3652.0
        alive = (
            math.lgamma(r + x)
            - math.lgamma(r)
            + r * math.log(alpha)
            + s * math.log(beta)
            - (r + x) * math.log(alpha + t)
            - s * math.log(beta + t)
        )
        assert ll == pytest.approx(alive, rel=1e-12)

    def test_predictions_finite(self) -> None:
        model = BetaGeoModel.from_params(BG)
        p = model.probability_alive(frequency=self.x, recency=self.tx, T=self.T)
        e = model.conditional_expected_purchases(52, frequency=self.x, recency=self.tx, T=self.T)
        assert np.isfinite(p).all()
        assert np.isfinite(e).all()
        assert ((p >= 0) & (p <= 1)).all()

    @pytest.mark.parametrize("model", [BetaGeoModel, ModifiedBetaGeoModel])
    def test_a_equal_to_one_is_the_limit_not_nan(self, model: Any) -> None:
        # The expectations divide by a - 1; a = 1 exactly is a removable singularity (found
        # by hypothesis drawing a = 1.0: NaN with a warning, ZeroDivisionError for one t).
        params = model.params_type

        def answers(a: float) -> np.ndarray:
            m = model.from_params(params(0.24, 4.4, a, 2.4, unit="W"))
            history = {"frequency": [0, 2, 40], "recency": [0.0, 30.0, 38.0], "T": [39.0] * 3}
            return np.concatenate(
                [m.conditional_expected_purchases(39, **history), m.expected_purchases(39)]
            )

        at_one, below, above = answers(1.0), answers(1 - 1e-5), answers(1 + 1e-5)
        assert np.isfinite(at_one).all()
        assert ((np.minimum(below, above) <= at_one) & (at_one <= np.maximum(below, above))).all()
        np.testing.assert_allclose(at_one, (below + above) / 2, rtol=1e-8)


class TestPersistence:
    def test_round_trip_through_json(self) -> None:
        model = ShiftedBetaGeoModel().fit(active=[1000, 631, 468, 382, 326, 289, 262, 241])
        data = json.loads(json.dumps(model.to_dict()))
        again = ShiftedBetaGeoModel.from_dict(data)
        assert again.params_ == model.params_
        assert again.standard_errors_ == model.standard_errors_
        assert again.log_likelihood_ == model.log_likelihood_

    def test_unknown_key(self) -> None:
        data = BetaGeoModel.from_params(BG).to_dict() | {"extra": 1}
        with pytest.raises(SchemaError, match="unknown key 'extra'"):
            BetaGeoModel.from_dict(data)

    def test_wrong_schema(self) -> None:
        data = BetaGeoModel.from_params(BG).to_dict()
        with pytest.raises(SchemaError, match=r"expected schema 'lifecycle\.pareto_nbd/1'"):
            ParetoNBDModel.from_dict(data)

    @pytest.mark.parametrize(
        ("cls", "params"),
        [
            (BetaGeoModel, BG),
            (ParetoNBDModel, ParetoNBDParams(0.55, 10.6, 0.61, 11.7, unit="W")),
            (GammaGammaModel, GammaGammaParams(6.25, 3.74, 15.44)),
            (ShiftedBetaGeoModel, ShiftedBetaGeoParams(0.7, 1.2)),
        ],
    )
    def test_a_model_from_params_is_strict_json(self, cls: Any, params: Any) -> None:
        # It has no log-likelihood or standard errors: null in JSON, NaN again on reading.
        data = cls.from_params(params).to_dict()
        text = json.dumps(data, allow_nan=False)
        assert data["log_likelihood"] is None
        assert set(data["standard_errors"].values()) == {None}
        again = cls.from_dict(json.loads(text))
        assert again.params_ == params
        assert math.isnan(again.log_likelihood_)
        assert all(math.isnan(e) for e in again.standard_errors_.values())

    def test_a_fitted_model_with_covariance_is_strict_json(self) -> None:
        model = ShiftedBetaGeoModel().fit(active=[1000, 631, 468, 382, 326, 289, 262, 241])
        again = ShiftedBetaGeoModel.from_dict(
            json.loads(json.dumps(model.to_dict(), allow_nan=False))
        )
        assert again.log_likelihood_ == model.log_likelihood_
        assert again.standard_errors_ == model.standard_errors_

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"log_likelihood": "high"}, "log_likelihood must be a number or null"),
            ({"gradient_norm": True}, "gradient_norm must be a number or null"),
            ({"standard_errors": {"r": "x", "alpha": 1, "a": 1, "b": 1}}, "standard error"),
            ({"covariance": [[1, 2], [3]]}, "covariance must be a square matrix"),
            ({"covariance": [["a"]]}, "covariance must be a number or null"),
        ],
    )
    def test_bad_numbers_are_refused(self, change: dict[str, Any], message: str) -> None:
        data = BetaGeoModel.from_params(BG).to_dict() | change
        with pytest.raises(SchemaError, match=message):
            BetaGeoModel.from_dict(data)

    def test_unit_is_kept(self) -> None:
        assert BetaGeoModel.from_dict(BetaGeoModel.from_params(BG).to_dict()).params_.unit == "W"


class TestWeights:
    def test_weights_equal_repeated_rows(self) -> None:
        data = simulate(BG, 300, T=39.0, seed=3)
        rows = np.stack([data["frequency"], data["recency"], data["T"]], axis=1)
        distinct, counts = np.unique(rows, axis=0, return_counts=True)
        x, tx, t = distinct.T
        w = counts.tolist()
        a = BetaGeoModel().fit(frequency=x, recency=tx, T=t, weights=w)
        b = BetaGeoModel().fit(
            frequency=np.repeat(x, w), recency=np.repeat(tx, w), T=np.repeat(t, w)
        )
        assert a.n_customers_ == b.n_customers_ == sum(w)
        assert a.log_likelihood_ == pytest.approx(b.log_likelihood_, rel=1e-9)


class TestCLV:
    def test_period_column_equals_one_period_at_a_time(self) -> None:
        bg = BetaGeoModel.from_params(BG)
        data = simulate(BG, 200, T=39.0, seed=2)
        args = {k: data[k] for k in ("frequency", "recency", "T")}
        ends = np.array([[4.0], [13.0], [52.0]])
        together = bg.conditional_expected_purchases(ends, **args)
        for row, end in zip(together, ends[:, 0], strict=True):
            np.testing.assert_allclose(row, bg.conditional_expected_purchases(end, **args))

    def test_discounting_per_period(self) -> None:
        bg = BetaGeoModel.from_params(BG)
        gg = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
        args = {"frequency": [2], "recency": [30.43], "T": [38.86], "monetary_value": [20.0]}
        flat = customer_lifetime_value(bg, gg, **args, horizon=3, discount_rate=0.0)
        disc = customer_lifetime_value(bg, gg, **args, horizon=3, discount_rate=0.1)
        cont = customer_lifetime_value(
            bg, gg, **args, horizon=3, discount_rate=0.1, discounting="continuous"
        )
        for i in (1, 2, 3):
            assert disc[f"period_{i}"][0] == pytest.approx(flat[f"period_{i}"][0] / 1.1**i)
            assert cont[f"period_{i}"][0] == pytest.approx(
                flat[f"period_{i}"][0] * math.exp(-0.1 * i)
            )
        # Months are 365.25/12 days: 12 of them in weeks is exactly one year.
        year = bg.conditional_expected_purchases(
            365.25 / 7, frequency=[2], recency=[30.43], T=[38.86]
        )
        total = sum(flat[f"period_{i}"][0] for i in (1, 2, 3))
        assert (
            total
            < year[0]
            * gg.conditional_expected_average_value(frequency=[2], monetary_value=[20.0])[0]
        )


class TestSBG:
    def test_per_customer_equals_counts(self) -> None:
        active = [1000, 631, 468, 382, 326, 289, 262, 241]
        lost = -np.diff(active)
        lifetimes = np.concatenate([np.repeat(np.arange(1, 8), lost), np.full(241, 7)])
        observed = np.concatenate([np.ones(lost.sum(), bool), np.zeros(241, bool)])
        a = ShiftedBetaGeoModel().fit(active=active)
        b = ShiftedBetaGeoModel().fit(lifetimes=lifetimes, observed=observed)
        assert b.params_.alpha == pytest.approx(a.params_.alpha, rel=1e-6)
        assert b.log_likelihood_ == pytest.approx(a.log_likelihood_, rel=1e-9)


def _log() -> EventLog:
    rng = np.random.default_rng(3)
    records = []
    for c in range(40):
        for _ in range(int(rng.integers(1, 6))):
            day = int(rng.integers(0, 300))
            amount = str(int(rng.integers(1, 90)))
            records.append(
                {
                    "customer": f"c{c}",
                    "date": str(np.datetime64("2024-01-01") + day),
                    "amount": amount,
                    "currency": "EUR",
                }
            )
    return EventLog.from_records(records)


class TestSignals:
    @pytest.mark.parametrize("unit", ["D", "W", "M"])
    def test_profile_equals_population(self, unit: str) -> None:
        log = _log()
        bg = BetaGeoModel.from_params(
            BetaGeoParams(0.3, 30.0 / {"D": 1, "W": 7, "M": 30.4375}[unit], 0.8, 2.5, unit=unit)
        )
        gg = GammaGammaModel.from_params(GammaGammaParams(6.0, 4.0, 15.0))
        pop = log.population("2024-12-31").join(bg.signals(log, as_of="2024-12-31", spend_model=gg))
        for i, customer in enumerate(pop.customer.tolist()):
            profile = bg.profile_signals(log, customer, as_of="2024-12-31", spend_model=gg)
            for name in ("p_alive", "expected_purchases_90d", "expected_value_365d"):
                assert profile[name] == pop[name][i], (customer, name)

    def test_condition_on_joined_column(self) -> None:
        log = _log()
        model = ParetoNBDModel.from_params(ParetoNBDParams(0.5, 30.0, 0.6, 40.0, unit="D"))
        pop = log.population("2024-12-31").join(model.signals(log, as_of="2024-12-31"))
        rule = attribute("p_alive") < 0.3
        batch = rule.evaluate(pop)
        assert batch.tolist() == (pop["p_alive"] < 0.3).tolist()
        for i, customer in enumerate(pop.customer.tolist()):
            profile = model.profile_signals(log, customer, as_of="2024-12-31")
            assert rule.evaluate(profile) == batch[i]

    def test_same_as_rfm_summary(self) -> None:
        log = _log()
        model = BetaGeoModel.from_params(BetaGeoParams(0.3, 4.0, 0.8, 2.5, unit="W"))
        rfm = rfm_summary(log, "2024-12-31", unit="W")
        table = model.signals(log, as_of="2024-12-31")
        assert np.allclose(table["p_alive"], model.probability_alive(rfm), rtol=1e-12)


class TestSimulate:
    @settings(max_examples=3, deadline=None)
    @given(
        r=st.floats(0.3, 1.5),
        alpha=st.floats(2.0, 10.0),
        a=st.floats(0.5, 1.5),
        b=st.floats(1.5, 4.0),
        seed=st.integers(0, 2**16),
    )
    def test_fit_recovers_parameters(
        self, r: float, alpha: float, a: float, b: float, seed: int
    ) -> None:
        truth = BetaGeoParams(r, alpha, a, b, unit="W")
        data = simulate(truth, 20_000, T=52.0, seed=seed)
        fitted = BetaGeoModel(unit="W").fit(data).params_
        # 20,000 customers pin the purchase process tightly and the dropout process loosely.
        assert fitted.r == pytest.approx(r, rel=0.15)
        assert fitted.alpha == pytest.approx(alpha, rel=0.2)
        assert fitted.a / (fitted.a + fitted.b) == pytest.approx(a / (a + b), rel=0.25)

    def test_bad_n(self) -> None:
        with pytest.raises(ValidationError, match="'n' must be an int >= 1"):
            simulate(BG, 0, T=5.0, seed=1)


class TestCompress:
    """compress and distinct_rows against a plain row-wise np.unique, both coding paths."""

    @given(
        st.integers(0, 2**32 - 1),
        st.sampled_from([1.0, 7.0]),
        st.booleans(),
        st.integers(1, 300),
    )
    @settings(max_examples=40, deadline=None)
    def test_same_rows_and_weights_as_a_row_unique(
        self, seed: int, divisor: float, unit_weights: bool, n: int
    ) -> None:
        from lifecycle.models._data import compress, distinct_rows

        rng = np.random.default_rng(seed)
        # divisor 1: whole days (the table-coded path); 7: weeks (np.unique)
        t = rng.integers(1, 40, n) / divisor
        x = rng.integers(0, 4, n).astype(float)
        tx = np.where(x > 0, np.minimum(rng.integers(1, 40, n) / divisor, t), 0.0)
        w = np.ones(n) if unit_weights else rng.integers(0, 3, n).astype(float)
        if w.sum() == 0:
            w[0] = 1.0
        rows, inverse = np.unique(np.stack([x, tx, t], 1), axis=0, return_inverse=True)
        weight = np.bincount(inverse.ravel(), weights=w, minlength=len(rows))
        keep = weight > 0
        c = compress(x, tx, t, w)
        assert np.array_equal(np.stack([c.x, c.tx, c.T], 1), rows[keep])
        assert np.array_equal(c.weight, weight[keep])
        ux, utx, ut, row = distinct_rows(x, tx, t)
        assert np.array_equal(np.stack([ux, utx, ut], 1), rows)
        assert np.array_equal(ux[row], x)
        assert np.array_equal(utx[row], tx)
        assert np.array_equal(ut[row], t)

    def test_one_value_columns(self) -> None:
        from lifecycle.models._data import distinct_rows

        ux, utx, _ut, row = distinct_rows(np.array([0.0, 2, 0]), np.zeros(3), np.full(3, 5.0))
        assert ux.tolist() == [0.0, 2.0]
        assert utx.tolist() == [0.0, 0.0]
        assert row.tolist() == [0, 1, 0]


def test_conditional_expectation_stays_finite_for_a_very_large_a() -> None:
    # A flat fit on a few customers can end at a ~ 1e5, where the Euler-transformed series
    # overflows; the printed form is used there and agrees where both are finite.
    from lifecycle.models import BetaGeoParams
    from lifecycle.models._bgnbd import _conditional

    x, tx, t = np.array([0.0, 1.0, 3.0]), np.array([0.0, 8.0, 20.0]), np.array([25.0] * 3)
    huge = BetaGeoParams(6.69, 180.1, 86557.9, 0.0011, unit="W")
    out = _conditional(huge, np.array(90 / 7), x, tx, t)
    assert np.isfinite(out).all()
    assert (out >= 0).all()
    big = BetaGeoParams(6.69, 180.1, 300.0, 0.5, unit="W")
    sp = pytest.importorskip("scipy.special")
    z = (90 / 7) / (180.1 + t + 90 / 7)
    printed = (1 - z) ** (6.69 + x) * sp.hyp2f1(6.69 + x, 0.5 + x, 300.5 + x - 1, z)
    head = (300.5 + x - 1) / 299.0 * (1 - printed)
    expected = head * _bgnbd._p_alive(big, x, tx, t)
    np.testing.assert_allclose(_conditional(big, np.array(90 / 7), x, tx, t), expected, rtol=1e-8)


def test_a_large_bg_nbd_fit_split_in_two_halves_equals_the_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Large data sets are evaluated in two halves on two threads (``HALF_ROWS``); the sums
    # are the same numbers added in another order.
    data = simulate(BG, 3000, T=52.0, seed=4)
    whole = BetaGeoModel(unit="W").fit(data)
    monkeypatch.setattr(_bgnbd, "HALF_ROWS", 50)
    split = BetaGeoModel(unit="W").fit(data)
    assert len(_bgnbd.objective(_compressed(data)).halves) == 2
    for name in ("r", "alpha", "a", "b"):
        assert getattr(split.params_, name) == pytest.approx(getattr(whole.params_, name), rel=1e-9)
    assert split.log_likelihood_ == pytest.approx(whole.log_likelihood_, rel=1e-12)
    np.testing.assert_allclose(
        list(split.standard_errors_.values()), list(whole.standard_errors_.values()), rtol=1e-6
    )


def _compressed(data: Any) -> Any:
    from lifecycle.models._data import compress

    x = np.asarray(data["frequency"], dtype=float)
    return compress(
        x, np.asarray(data["recency"], float), np.asarray(data["T"], float), np.ones(len(x))
    )


def test_a_forked_child_fits_with_its_own_thread() -> None:
    # The worker thread of a large fit does not survive fork(); the child makes its own.
    import multiprocessing

    data = simulate(BG, 3000, T=52.0, seed=4)
    _bgnbd.HALF_ROWS, saved = 50, _bgnbd.HALF_ROWS
    try:
        BetaGeoModel(unit="W").fit(data)  # the parent's thread exists now
        ctx = multiprocessing.get_context("fork")
        with warnings.catch_warnings():
            # Python 3.12+ warns that fork() in a threaded process may deadlock: the point.
            warnings.simplefilter("ignore", DeprecationWarning)
            with ctx.Pool(1) as pool:
                r = pool.apply_async(_fit_r, (data,)).get(timeout=120)
    finally:
        _bgnbd.HALF_ROWS = saved
    assert r == pytest.approx(BetaGeoModel(unit="W").fit(data).params_.r, rel=1e-9)


def _fit_r(data: Any) -> float:
    _bgnbd.HALF_ROWS = 50
    return float(BetaGeoModel(unit="W").fit(data).params_.r)
