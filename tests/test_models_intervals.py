"""Delta-method intervals on the models' predictions."""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
import numpy as np
import pytest

pytest.importorskip("scipy")

from lifecycle import rfm_summary
from lifecycle.datasets import load_cdnow
from lifecycle.errors import SchemaError, ValidationError
from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    simulate,
)
from lifecycle.models._intervals import _theta, _with_theta

HISTORY = {"frequency": [0, 1, 2, 10], "recency": [0, 5.0, 30.43, 38.0], "T": [38.86] * 4}
QUESTIONS = [
    ("probability_alive", (), HISTORY),
    ("conditional_expected_purchases", (39,), HISTORY),
    ("expected_purchases", ([10, 39, 78],), {}),
]
TRANSACTION = [BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel]


@pytest.fixture(scope="module")
def rfm() -> Any:
    return rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")


@pytest.fixture(scope="module")
def small() -> Any:
    return simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 500, T=39.0, seed=4)


@pytest.fixture(scope="module")
def fitted(small: Any) -> dict[type, Any]:
    return {model: model(unit="W").fit(small) for model in TRANSACTION}


@pytest.fixture(scope="module")
def spend(rfm: Any) -> tuple[Any, Any]:
    spent = rfm.monetary_value > 0
    data = {"frequency": rfm.frequency[spent], "monetary_value": rfm.monetary_value[spent]}
    return data, GammaGammaModel().fit(data)


class TestIntervals:
    @pytest.mark.parametrize("model", TRANSACTION)
    @pytest.mark.parametrize(("question", "args", "kwargs"), QUESTIONS)
    def test_contains_the_estimate_and_stays_in_range(
        self, fitted: dict[type, Any], model: type, question: str, args: tuple, kwargs: dict
    ) -> None:
        m = fitted[model]
        table = m.prediction_interval(question, *args, **kwargs)
        assert table.columns == ("estimate", "standard_error", "lower", "upper")
        np.testing.assert_allclose(table.estimate, getattr(m, question)(*args, **kwargs))
        assert (table.lower <= table.estimate).all()
        assert (table.estimate <= table.upper).all()
        assert (table.lower >= 0).all()
        if question == "probability_alive":
            assert (table.upper <= 1).all()
        moving = table.standard_error > 0
        assert (table.lower[moving] < table.estimate[moving]).all()

    def test_alive_for_sure_is_a_point(self, fitted: dict[type, Any]) -> None:
        # BG/NBD: a customer without a repeat purchase is alive with probability 1.
        table = fitted[BetaGeoModel].prediction_interval("probability_alive", **HISTORY)
        assert table.row(0) == {"estimate": 1.0, "standard_error": 0.0, "lower": 1.0, "upper": 1.0}

    def test_level_widens(self, fitted: dict[type, Any]) -> None:
        m = fitted[ParetoNBDModel]
        narrow = m.prediction_interval("conditional_expected_purchases", 39, **HISTORY, level=0.5)
        wide = m.prediction_interval("conditional_expected_purchases", 39, **HISTORY, level=0.99)
        assert (wide.lower < narrow.lower).all()
        assert (narrow.upper < wide.upper).all()

    def test_customer_column_from_data(self, small: Any, fitted: dict[type, Any]) -> None:
        table = fitted[BetaGeoModel].prediction_interval("probability_alive", small)
        assert table.columns[0] == "customer"
        assert table.customer.tolist() == small.customer.tolist()

    def test_spend_model(self, spend: tuple[Any, Any]) -> None:
        _data, gg = spend
        table = gg.prediction_interval(
            "conditional_expected_average_value", frequency=[0, 2, 10], monetary_value=[0, 20, 20]
        )
        assert (table.lower < table.estimate).all()
        assert (table.estimate < table.upper).all()

    def test_covariate_model(self) -> None:
        data = simulate(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"), 600, T=39.0, seed=8)
        z = {"z": np.random.default_rng(2).normal(size=600)}
        model = BetaGeoModel(unit="W").fit(data, purchase_covariates=z)
        table = model.prediction_interval(
            "probability_alive",
            frequency=[2],
            recency=[30.0],
            T=[39.0],
            purchase_covariates={"z": [1.0]},
        )
        assert table.lower[0] < table.estimate[0] < table.upper[0]

    def test_serialised_model_gives_the_same_interval(self, fitted: dict[type, Any]) -> None:
        m = fitted[ParetoNBDModel]
        again = ParetoNBDModel.from_dict(json.loads(json.dumps(m.to_dict())))
        a = m.prediction_interval("probability_alive", **HISTORY)
        b = again.prediction_interval("probability_alive", **HISTORY)
        np.testing.assert_allclose(b.upper, a.upper, rtol=1e-12)


class TestPrecision:
    def test_four_times_the_customers_halve_the_error(self, rfm: Any) -> None:
        # The same CDNOW customers each counted 4 times: the same optimum, 4x the
        # information, so every delta-method standard error halves.
        once = BetaGeoModel(unit="W").fit(rfm)
        four = BetaGeoModel(unit="W").fit(rfm, weights=np.full(len(rfm), 4))
        for question, args, kwargs in QUESTIONS[1:]:
            a = once.prediction_interval(question, *args, **kwargs).standard_error
            b = four.prediction_interval(question, *args, **kwargs).standard_error
            np.testing.assert_allclose(b / a, 0.5, rtol=1e-3)

    def test_spend_model_error_halves(self, spend: tuple[Any, Any]) -> None:
        data, gg = spend
        four = GammaGammaModel().fit(data, weights=np.full(len(data["frequency"]), 4))
        ask = {"frequency": [1, 5], "monetary_value": [30.0, 12.0]}
        a = gg.prediction_interval("conditional_expected_average_value", **ask).standard_error
        b = four.prediction_interval("conditional_expected_average_value", **ask).standard_error
        np.testing.assert_allclose(b / a, 0.5, rtol=1e-3)

    @pytest.mark.parametrize("model", [BetaGeoModel, ParetoNBDModel])
    def test_monte_carlo_agrees(self, fitted: dict[type, Any], model: type) -> None:
        # Parameters drawn from N(theta, V) give predictions whose spread is the
        # delta-method standard error. That is a first-order result, so the fit must be as
        # precise as a real one: V / 48 is the covariance of the same fit with each of the
        # 500 customers counted 48 times (CDNOW's size; the test above shows the scaling).
        # 200 draws: about 5% noise on the spread.
        m = copy.copy(fitted[model])
        m._result = attrs.evolve(m._fitted(), covariance=m._fitted().covariance / 48)
        result = m._fitted()
        theta = _theta(result, m.param_names)
        draws = np.random.default_rng(0).multivariate_normal(theta, result.covariance, 200)
        samples = []
        for draw in draws:
            moved = copy.copy(m)
            moved._result = _with_theta(result, m.param_names, draw)
            samples.append(moved.conditional_expected_purchases(39, **HISTORY))
        spread = np.std(samples, axis=0, ddof=1)
        delta = m.prediction_interval(
            "conditional_expected_purchases", 39, **HISTORY
        ).standard_error
        np.testing.assert_allclose(spread, delta, rtol=0.2)


class TestErrors:
    def test_unknown_question(self, fitted: dict[type, Any]) -> None:
        with pytest.raises(ValidationError, match="'question'"):
            fitted[BetaGeoModel].prediction_interval("probability_of_purchases", 1, 39)

    @pytest.mark.parametrize("level", [0.0, 1.0, 95, "0.95"])
    def test_bad_level(self, fitted: dict[type, Any], level: Any) -> None:
        with pytest.raises(ValidationError, match="'level' must be a float in"):
            fitted[BetaGeoModel].prediction_interval("expected_purchases", 39, level=level)

    def test_no_covariance_from_params(self) -> None:
        model = BetaGeoModel.from_params(BetaGeoParams(0.25, 4.0, 0.8, 2.5, unit="W"))
        with pytest.raises(ValidationError, match="no parameter covariance"):
            model.prediction_interval("expected_purchases", 39)

    @pytest.mark.parametrize(
        ("covariance", "match"),
        [([[1.0, 0.0]], "must be a square matrix"), ([[1.0]], "must be 4 x 4")],
    )
    def test_bad_covariance_in_dict(
        self, fitted: dict[type, Any], covariance: Any, match: str
    ) -> None:
        data = fitted[BetaGeoModel].to_dict() | {"covariance": covariance}
        with pytest.raises(SchemaError, match=match):
            BetaGeoModel.from_dict(data)
