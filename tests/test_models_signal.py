"""A fitted model's predictions as defined signals: ``model.signal(...)``, op ``model_prediction``.

The batch engine (a population) and the single engine (a profile) agree with each other and
with ``model.signals(...)`` joined onto a population (which reads ``rfm_summary``); the signal
works in conditions, stage rules, price rules and follow-up triggers, and serialises with the
fitted parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.definition_strategies import model_predictions, purchase_logs
from conformance.followup_strategies import assert_engines_agree
from lifecycle import Condition, EventLog, Money, PercentOff, PricingPolicy, rfm_summary, signal
from lifecycle.errors import SchemaError, ValidationError
from lifecycle.followup import Action, ContactLimits, FollowUpPlan, OnSignal
from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    GammaGammaModel,
    GammaGammaParams,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    ParetoNBDParams,
)
from lifecycle.models._signals import ModelPrediction, rfm_of_rows
from lifecycle.signals import EventRows, definition_from_dict
from lifecycle.stages import LifecycleModel, Transition

BG = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
GG = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
AS_OF = dt.date(2024, 6, 30)
_SETTINGS = settings(max_examples=40, deadline=None)


@pytest.fixture
def log() -> EventLog:
    # ann: three purchase days early in the year (two purchases on the first), then silence;
    # bob: a recent regular; cy: one purchase; dee: only a visit, no purchase.
    rows = [
        ("ann", "2024-01-05", "80"),
        ("ann", "2024-01-05", "20"),
        ("ann", "2024-01-19", "150"),
        ("ann", "2024-02-02", "250"),
        ("bob", "2024-04-01", "120"),
        ("bob", "2024-05-01", "140"),
        ("bob", "2024-06-01", "160"),
        ("bob", "2024-06-25", "180"),
        ("cy", "2024-03-10", "30"),
    ]
    records: list[dict[str, Any]] = [
        {"customer": c, "date": d, "amount": a, "currency": "EUR"} for c, d, a in rows
    ]
    records.append({"customer": "dee", "date": "2024-02-01", "kind": "visit"})
    return EventLog.from_records(records)


def _rows(log: EventLog, as_of: dt.date) -> list[tuple[str, Any]]:
    pop = log.population(as_of)
    return list(zip(pop.customer.tolist(), range(len(pop)), strict=True))


class TestValues:
    @pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel])
    def test_equal_the_joined_table_in_both_engines(self, log: EventLog, cls: type[Any]) -> None:
        params = (ParetoNBDParams if cls is ParetoNBDModel else cls.params_type)(
            0.5, 10.0, 0.7, 12.0, unit="W"
        )
        model = cls.from_params(params)
        pop = log.population(AS_OF)
        joined = pop.join(model.signals(log, as_of=AS_OF, spend_model=GG))
        for name in ("p_alive", "expected_purchases_90d", "expected_value_365d"):
            defined = model.signal(name, spend_model=GG if "value" in name else None)
            values, _ = pop.compute(defined)
            np.testing.assert_allclose(values, joined[name], rtol=1e-12)
            for customer, row in _rows(log, AS_OF):
                single = log.profile(customer, AS_OF).compute(defined)
                if math.isnan(values[row]):
                    assert single is None
                else:
                    assert single == values[row]

    def test_a_customer_without_a_purchase_is_missing(self, log: EventLog) -> None:
        p_alive = BG.signal()
        assert log.profile("dee", AS_OF).compute(p_alive) is None
        assert log.profile("bob", "2024-03-01").compute(p_alive) is None  # before his first
        pop = log.population(AS_OF)
        values, _ = pop.compute(p_alive)
        assert math.isnan(values[pop.customer.tolist().index("dee")])
        assert (signal(p_alive) < 2).evaluate(pop).tolist() == [True, True, True, False]

    @pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel])
    def test_a_customer_first_seen_on_as_of_is_missing_everywhere(self, cls: type[Any]) -> None:
        # T = 0: the models need T > 0. The table, the profile and the defined signal all
        # leave such a customer missing rather than one raise and the others not.
        params = (ParetoNBDParams if cls is ParetoNBDModel else cls.params_type)(
            0.5, 10.0, 0.7, 12.0, unit="W"
        )
        model = cls.from_params(params)
        log = EventLog.from_records(
            [
                {"customer": "ann", "date": "2024-01-05", "amount": "10", "currency": "EUR"},
                {"customer": "ann", "date": "2024-03-01", "amount": "30", "currency": "EUR"},
                {"customer": "new", "date": "2024-06-30", "amount": "20", "currency": "EUR"},
            ]
        )
        table = model.signals(log, as_of=AS_OF, spend_model=GG)
        assert table.customer.tolist() == ["ann", "new"]
        for name in ("p_alive", "expected_purchases_90d", "expected_value_365d"):
            assert math.isfinite(table[name][0])
            assert math.isnan(table[name][1])
            profile = model.profile_signals(log, "new", as_of=AS_OF, spend_model=GG)
            assert getattr(profile, name) is None
            defined = model.signal(name, spend_model=GG if "value" in name else None)
            assert log.profile("new", AS_OF).compute(defined) is None
            values, _ = log.population(AS_OF).compute(defined)
            assert math.isnan(values[1])
            assert values[0] == pytest.approx(table[name][0], rel=1e-12)

    def test_horizon_is_in_the_name(self, log: EventLog) -> None:
        pop = log.population(AS_OF)
        short, _ = pop.compute(BG.signal("expected_purchases_30d"))
        long, _ = pop.compute(BG.signal("expected_purchases_90d"))
        assert (short[:3] < long[:3]).all()
        expected = BG.conditional_expected_purchases(30, frequency=[2], recency=[28], T=[177])
        assert short[0] == pytest.approx(expected[0], rel=1e-12)

    def test_snapshots_follow_each_as_of(self, log: EventLog) -> None:
        p_alive = BG.signal()
        dates = [dt.date(2024, 2, 2), dt.date(2024, 4, 1), AS_OF]
        for day in dates:
            values, _ = log.population(day).compute(p_alive)
            for customer, row in _rows(log, day):
                single = log.profile(customer, day).compute(p_alive)
                assert (single is None) == math.isnan(values[row])
                assert single is None or single == values[row]

    @_SETTINGS
    @given(definition=model_predictions(), data=st.data())
    def test_single_equals_batch_on_random_logs(
        self, definition: ModelPrediction, data: st.DataObject
    ) -> None:
        log, as_of = data.draw(purchase_logs(definition))
        pop = log.population(as_of)
        values, _ = pop.compute(definition)
        for customer, row in _rows(log, as_of):
            single = log.profile(customer, as_of).compute(definition)
            assert (single is None) == bool(np.isnan(values[row]))
            assert single is None or single == values[row]

    @_SETTINGS
    @given(definition=model_predictions(), data=st.data(), unit=st.sampled_from("DWM"))
    def test_summary_of_rows_is_rfm_summary(
        self, definition: ModelPrediction, data: st.DataObject, unit: str
    ) -> None:
        log, as_of = data.draw(purchase_logs(definition))
        summary = rfm_summary(log, as_of, unit=unit)
        purchase = log.kind_mask("purchase") & (log.date <= np.datetime64(as_of, "D"))
        rows = np.flatnonzero(purchase)
        n = len(log.customers)
        known = log.amount_known[rows] if log.amount_known is not None else None
        found = rfm_of_rows(
            EventRows(
                log.code[rows].astype(np.intp),
                log.date[rows].view(np.int64),
                log.amount_minor[rows],
                np.ones(len(rows), dtype=bool) if known is None else known,
                np.full(n, np.datetime64(as_of, "D").astype(np.int64)),
                log.customers,
                log.currency.factor if log.currency is not None else 1,
            ),
            unit,
        )
        has = ~np.isnan(found["frequency"])
        assert log.customers[has].tolist() == summary.customer.tolist()
        for name in ("frequency", "recency", "T", "monetary_value"):
            np.testing.assert_allclose(found[name][has], summary[name], rtol=1e-12)


class TestRules:
    def test_condition_round_trips_with_the_parameters(self, log: EventLog) -> None:
        risky = signal(BG.signal("p_alive")) < 0.3
        data = json.loads(json.dumps(risky.to_dict()))
        assert "model_prediction" in json.dumps(data)
        assert '"alpha": 30.9' in json.dumps(data)
        back = Condition.from_dict(data)
        assert back == risky
        pop = log.population(AS_OF)
        assert back.evaluate(pop).tolist() == risky.evaluate(pop).tolist()
        assert back.evaluate(pop).tolist() == [True, False, False, False]
        other = signal(BetaGeoModel.from_params(BetaGeoParams(1, 1, 1, 1, unit="D")).signal()) < 0.3
        assert other != risky

    def test_reads_back_before_lifecycle_models_is_imported(self) -> None:
        data = json.dumps(
            (signal(BG.signal("expected_value_365d", spend_model=GG)) > 100).to_dict()
        )
        code = (
            "import json, sys\n"
            "from lifecycle import Condition\n"
            "assert 'lifecycle.models' not in sys.modules\n"
            f"c = Condition.from_dict(json.loads({data!r}))\n"
            "print(type(c).__name__, 'lifecycle.models' in sys.modules, 'scipy' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.split() == ["WithSignals", "True", "False"]

    def test_stage_rule_in_both_engines_and_replayed(self, log: EventLog) -> None:
        p_alive = BG.signal("p_alive")
        model = LifecycleModel(
            ["active", "dissolution"],
            [Transition("active", "dissolution", signal(p_alive) < 0.3, "p_alive below 0.3")],
        )
        pop = log.population(AS_OF)
        batch = model.classify(pop).names().tolist()
        assert batch == ["dissolution", "active", "active", "active"]
        single = [model.stage_of(log.profile(c, AS_OF)).stage for c, _ in _rows(log, AS_OF)]
        assert single == batch
        timeline = model.replay(log, end=AS_OF, every="1M")
        assert timeline.stage_on("ann", "2024-02-02") == "active"
        assert timeline.stage_on("ann", AS_OF) == "dissolution"
        assert [str(c) for c in timeline.changes_for("ann")] == [
            "2024-06-05 ann: active -> dissolution (p_alive below 0.3)"
        ]
        assert timeline.stage_on("bob", AS_OF) == "active"
        assert LifecycleModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model

    def test_price_rule_quote_and_quote_many(self, log: EventLog) -> None:
        value = BG.signal("expected_value_365d", spend_model=GG)
        policy = PricingPolicy([PercentOff(20, when=signal(value) > 200, name="win-back")])
        pop = log.population(AS_OF)
        values, _ = pop.compute(value)
        assert values[1] > 200 > values[0]  # bob is worth the offer, ann is not
        single = [
            policy.quote(Money("50", "EUR"), customer=log.profile(c, AS_OF)).total
            for c, _ in _rows(log, AS_OF)
        ]
        batch = policy.quote_many(pop, 5000, currency="EUR", on=AS_OF)
        assert [Money.from_minor(m, "EUR") for m in batch.total_minor.tolist()] == single
        assert batch.total_minor.tolist()[:2] == [5000, 4000]
        assert PricingPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy

    @pytest.mark.parametrize("gap", [0.2, 0.5, 0.9])
    def test_follow_up_trigger_in_both_engines(self, log: EventLog, gap: float) -> None:
        plan = FollowUpPlan(
            [OnSignal(signal(BG.signal()) < gap, Action("win_back", "email"))],
            limits=ContactLimits(per_month=1),
        )
        assert_engines_agree(log, plan, dt.date(2024, 1, 1), AS_OF)
        assert FollowUpPlan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


class TestErrors:
    def test_bad_names_and_spend_models(self) -> None:
        with pytest.raises(ValidationError, match="'p_alive', 'expected_purchases_<N>d'"):
            BG.signal("expected_purchases_0d")
        with pytest.raises(ValidationError, match="needs a spend_model"):
            BG.signal("expected_value_365d")
        with pytest.raises(ValidationError, match="needs a spend_model"):
            BG.signal("p_alive", spend_model=GG)
        with pytest.raises(ValidationError, match="'spend_model' must be a fitted Gamma"):
            BG.signal("expected_value_365d", spend_model=BG)
        with pytest.raises(ValidationError, match="'spend_model' must be fitted"):
            BG.signal("expected_value_365d", spend_model=GammaGammaModel())

    def test_a_horizon_beyond_ten_thousand_years_is_refused(self) -> None:
        assert BG.signal("expected_purchases_3652500d").definition.horizon == 3_652_500
        with pytest.raises(ValidationError, match="at most 10,000 years"):
            BG.signal("expected_purchases_3652501d")
        with pytest.raises(ValidationError, match="at most 10,000 years"):
            BG.signal("expected_value_99999999999999999999d", spend_model=GG)

    def test_a_covariate_fit_refuses(self) -> None:
        rng = np.random.default_rng(3)
        n = 300
        from lifecycle.models import simulate

        data = simulate(BetaGeoParams(0.5, 10.0, 0.7, 3.0, unit="W"), n, T=40, seed=3)
        covariates = {"customer": data.customer, "x": rng.normal(size=n)}
        model = BetaGeoModel(unit="W").fit(data, purchase_covariates=covariates)
        with pytest.raises(ValidationError, match="fitted with covariates cannot be a signal"):
            model.signal()

    def test_bad_payloads(self) -> None:
        data = BG.signal().to_dict()
        bad = json.loads(json.dumps(data))
        bad["definition"]["model"]["schema"] = "lifecycle.gamma_gamma/1"
        with pytest.raises(SchemaError, match="'model' must be the to_dict"):
            definition_from_dict(bad)
        bad = json.loads(json.dumps(data))
        bad["definition"]["spend_model"] = [1, 2]
        with pytest.raises(SchemaError, match="'spend_model' must be a mapping"):
            definition_from_dict(bad)
        bad = json.loads(json.dumps(data))
        del bad["definition"]["horizon"]
        with pytest.raises(SchemaError):
            definition_from_dict(bad)
        bad = json.loads(json.dumps(data))
        bad["definition"]["question"] = "p_dead"
        with pytest.raises(ValidationError, match="question"):
            definition_from_dict(bad)
