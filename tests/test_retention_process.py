"""Tests of lifecycle.retention.RetentionProcess: plan, plan_one, feedback."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings

from conformance.strategies import log_and_as_of
from lifecycle import EventLog, Money, signal
from lifecycle.errors import SchemaError, ValidationError
from lifecycle.pricing import AmountOff, WinBackOffer
from lifecycle.retention import (
    RetentionAction,
    RetentionProcess,
    default_worth_retaining,
    detect,
)

ACTIONS = (
    RetentionAction("call", signal("total_spend") >= 100, "a call from their manager"),
    RetentionAction("survey", signal("complaints_90d") >= 1, "ask what went wrong"),
    RetentionAction("email", signal("purchase_count") >= 1, "a we-miss-you e-mail"),
)


class TestRetentionProcess:
    @settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
    @given(log_and_as_of(max_customers=5, max_events=25))
    def test_both_engines_agree(self, case: tuple[EventLog, dt.date]) -> None:
        log, as_of = case
        if log.currency is None:
            return
        process = RetentionProcess(actions=ACTIONS)
        pop = log.population(as_of)
        plan = process.plan(pop)
        planned = {r["customer"]: r for r in (plan.row(i) for i in range(len(plan)))}
        for customer in pop.customer.tolist():
            worth, score, action = process.plan_one(log.profile(customer, as_of))
            if worth and score > 0:
                assert planned[customer]["score"] == pytest.approx(score)
                assert planned[customer]["action"] == action
            else:
                assert customer not in planned

    def test_plan_is_detect_restricted_to_the_worthy(self) -> None:
        from lifecycle.datasets import DEMO_AS_OF, load_demo

        pop = load_demo().population(DEMO_AS_OF)
        plan = RetentionProcess(actions=ACTIONS).plan(pop)
        everyone = detect(pop)
        worthy = set(pop.customer[default_worth_retaining().evaluate(pop)].tolist())
        expected = [c for c in everyone.customer.tolist() if c in worthy]
        assert plan.customer.tolist() == expected
        assert set(plan.action.tolist()) <= {"call", "survey", "email"}

    def test_offer_and_round_trip(self) -> None:
        offer = WinBackOffer(AmountOff(Money("10", "EUR")), offered_on="2024-03-01", for_days=14)
        action = RetentionAction("win_back", signal("lapse_ratio") > 3, "10 off", offer=offer)
        process = RetentionProcess(actions=[action, *ACTIONS], min_score=1.5)
        assert process.actions[0].offer is offer
        data = json.loads(json.dumps(process.to_dict()))
        again = RetentionProcess.from_dict(data)
        assert again == process
        assert again.actions[0].offer == offer

    def test_from_dict_errors(self) -> None:
        data = RetentionProcess().to_dict()
        with pytest.raises(SchemaError, match="expected schema"):
            RetentionProcess.from_dict({**data, "schema": "lifecycle.retention_process/2"})
        del data["actions"]
        with pytest.raises(SchemaError, match="missing keys \\['actions'\\]"):
            RetentionProcess.from_dict(data)
        action = ACTIONS[0].to_dict()
        del action["description"]
        with pytest.raises(SchemaError, match="missing keys \\['description'\\]"):
            RetentionAction.from_dict(action)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"actions": [ACTIONS[0], ACTIONS[0]]}, "names must be distinct"),
            ({"actions": ["call"]}, "'actions'\\[0\\] must be a RetentionAction"),
            ({"signals": ["overdue"]}, "'signals'\\[0\\] must be a DefectionSignal"),
            ({"worth_retaining": "rich"}, "'worth_retaining' must be a Condition"),
            ({"min_score": "high"}, "'min_score' must be a number"),
        ],
    )
    def test_bad_process(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            RetentionProcess(**kwargs)  # type: ignore[arg-type]

    def test_bad_action(self) -> None:
        with pytest.raises(ValidationError, match="'offer' must be a pricing rule"):
            RetentionAction("x", signal("lapse_ratio") > 3, "y", offer="10%")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'when' must be a Condition"):
            RetentionAction("x", "lapse", "y")  # type: ignore[arg-type]

    def test_feedback_and_plan_errors(self) -> None:
        log = EventLog.from_records(
            [{"customer": c, "date": "2024-02-01", "amount": "5"} for c in range(4)],
            currency="EUR",
        )
        process = RetentionProcess()
        with pytest.raises(ValidationError, match="overlap"):
            process.feedback([1, 2], [2, 3], log, ("2024-01-01", "2024-03-01"))
        with pytest.raises(ValidationError, match="must be a Population"):
            process.plan(log.profile(1, "2024-03-01"))  # type: ignore[arg-type]
