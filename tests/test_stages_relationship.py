"""Tests of Relationship records moved by hand, MoveCheck, and the two enumerations."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conformance.stage_strategies import small_default, stage_logs
from lifecycle import EventLog, attribute, signal
from lifecycle.conditions import condition_from_dict
from lifecycle.errors import LifecycleError, SchemaError, TransitionError, ValidationError
from lifecycle.stages import (
    DissolutionReason,
    LifecycleModel,
    MoveCheck,
    Relationship,
    RelationshipKind,
    StageChange,
    Transition,
    default_lifecycle,
)

D = dt.date


def started(customer: Any = "c1", on: str = "2024-01-01", **kwargs: Any) -> Relationship:
    return Relationship.start(default_lifecycle(), customer, on, **kwargs)


def no_dissolution_model() -> LifecycleModel:
    return LifecycleModel(["a", "b"], [Transition("a", "b", signal("purchase_count") >= 1, "x")])


class TestRelationship:
    def test_start(self) -> None:
        rel = started()
        assert (rel.stage, rel.since, rel.started, rel.history) == (
            "exploration",
            D(2024, 1, 1),
            D(2024, 1, 1),
            (),
        )
        assert rel.kind is RelationshipKind.LONG_TERM
        assert rel.dissolution_reason is None

    def test_start_with_a_kind(self) -> None:
        assert started(kind="self_service").kind is RelationshipKind.SELF_SERVICE
        dwyer = Relationship.start(default_lifecycle(order="dwyer1987"), 1, D(2024, 1, 1))
        assert dwyer.stage == "awareness"

    def test_is_immutable(self) -> None:
        rel = started()
        with pytest.raises(AttributeError):
            rel.stage = "commitment"  # type: ignore[misc]

    def test_history_is_dated(self) -> None:
        rel = started().move("awareness", "2024-02-01").move("expansion", "2024-02-01")
        rel = rel.move("commitment", D(2024, 9, 1), reason="signed a contract")
        assert rel.history == (
            StageChange(
                "c1", D(2024, 2, 1), "exploration", "awareness", "second purchase or repeat visits"
            ),
            StageChange(
                "c1", D(2024, 2, 1), "awareness", "expansion", "rising frequency, spend or breadth"
            ),
            StageChange("c1", D(2024, 9, 1), "expansion", "commitment", "signed a contract"),
        )
        assert (rel.stage, rel.since) == ("commitment", D(2024, 9, 1))

    def test_bad_model(self) -> None:
        with pytest.raises(ValidationError, match="'model' must be a LifecycleModel"):
            Relationship(
                model="default",
                customer=1,
                stage="a",
                since="2024-01-01",  # type: ignore[arg-type]
                started="2024-01-01",
            )

    def test_unknown_stage_in_record(self) -> None:
        with pytest.raises(ValidationError, match="stage: unknown stage 'vip'"):
            Relationship(default_lifecycle(), 1, "vip", "2024-01-01", "2024-01-01")

    def test_since_before_started(self) -> None:
        with pytest.raises(ValidationError, match="'since' \\(2023-12-01\\) must be on or after"):
            Relationship(default_lifecycle(), 1, "exploration", "2023-12-01", "2024-01-01")

    def test_history_must_lead_to_the_stage(self) -> None:
        change = StageChange(1, D(2024, 2, 1), "exploration", "awareness", "x")
        with pytest.raises(ValidationError, match=r"the latest change .* must lead to 'stage'"):
            Relationship(
                default_lifecycle(), 1, "expansion", "2024-02-01", "2024-01-01", history=[change]
            )

    def test_bad_date(self) -> None:
        with pytest.raises(ValidationError, match="'on' must be a date"):
            started(on="01/02/2024")


class TestMove:
    def test_unknown_stage(self) -> None:
        with pytest.raises(
            ValidationError, match="customer 'c1': unknown stage 'vip' \\(stages: exploration, "
        ):
            started().move("vip", "2024-02-01")

    def test_forbidden_move(self) -> None:
        with pytest.raises(
            TransitionError,
            match="customer 'c1': the model has no move from 'exploration' to 'commitment' "
            "\\(allowed: dissolution, awareness\\)",
        ):
            started().move("commitment", "2024-02-01")

    def test_same_stage(self) -> None:
        with pytest.raises(TransitionError, match="already in 'exploration'"):
            started().move("exploration", "2024-02-01")

    def test_date_before_the_latest_change(self) -> None:
        rel = started().move("awareness", "2024-03-01")
        with pytest.raises(
            ValidationError, match="2024-02-01 is before the latest change on 2024-03-01"
        ):
            rel.move("expansion", "2024-02-01")

    def test_forward_only_model_refuses_backward(self) -> None:
        model = default_lifecycle(reversible=False)
        rel = Relationship.start(model, 1, "2024-01-01").move("awareness", "2024-01-02")
        rel = rel.move("expansion", "2024-01-03")
        with pytest.raises(TransitionError, match="no move from 'expansion' to 'awareness'"):
            rel.move("awareness", "2024-01-04")

    def test_errors_are_lifecycle_errors(self) -> None:
        for bad in ("vip", "commitment"):
            with pytest.raises(LifecycleError):
                started().move(bad, "2024-02-01")

    def test_empty_reason(self) -> None:
        with pytest.raises(ValidationError, match="'reason' must be a non-empty str"):
            started().move("awareness", "2024-02-01", reason=" ")

    def test_original_is_unchanged(self) -> None:
        rel = started()
        rel.move("awareness", "2024-02-01")
        assert rel.stage == "exploration"


class TestCanMove:
    @pytest.mark.parametrize(
        ("to", "on", "allowed", "reason"),
        [
            ("awareness", None, True, "allowed: exploration -> awareness (second purchase or"),
            (
                "dissolution",
                "2024-01-01",
                True,
                "allowed: exploration -> dissolution (cancellation)",
            ),
            ("commitment", None, False, "the model has no move from 'exploration' to 'commitment'"),
            ("exploration", None, False, "already in 'exploration'"),
            ("vip", None, False, "unknown stage 'vip'"),
            ("awareness", "2023-12-31", False, "2023-12-31 is before the latest change"),
        ],
    )
    def test_dry_run(self, to: str, on: str | None, allowed: bool, reason: str) -> None:
        check = started().can_move(to, on)
        assert isinstance(check, MoveCheck)
        assert bool(check) is allowed
        assert check.reason.startswith(reason)
        assert (check.transition is not None) is allowed

    def test_does_not_move(self) -> None:
        rel = started()
        rel.can_move("awareness")
        assert rel.stage == "exploration"
        assert rel.history == ()


class TestDissolve:
    def test_with_a_reason(self) -> None:
        rel = (
            started()
            .move("awareness", "2024-02-01")
            .dissolve("2024-05-01", reason=DissolutionReason.DISSATISFACTION)
        )
        assert rel.stage == "dissolution"
        assert rel.dissolution_reason is DissolutionReason.DISSATISFACTION
        assert rel.history[-1] == StageChange(
            "c1", D(2024, 5, 1), "awareness", "dissolution", "dissatisfaction"
        )

    def test_default_reason_is_other(self) -> None:
        assert started().dissolve("2024-02-01").dissolution_reason is DissolutionReason.OTHER

    def test_move_into_dissolution_records_other(self) -> None:
        rel = started().move("dissolution", "2024-02-01")
        assert rel.dissolution_reason is DissolutionReason.OTHER

    def test_unknown_reason(self) -> None:
        with pytest.raises(ValidationError, match="'dissolution reason' must be one of"):
            started().dissolve("2024-02-01", reason="bored")

    def test_already_dissolved(self) -> None:
        with pytest.raises(TransitionError, match="already in 'dissolution'"):
            started().dissolve("2024-02-01").dissolve("2024-03-01")

    def test_date_before_the_latest_change(self) -> None:
        with pytest.raises(ValidationError, match="is before the latest change"):
            started().dissolve("2023-01-01")

    def test_model_without_dissolution(self) -> None:
        rel = Relationship.start(no_dissolution_model(), 1, "2024-01-01")
        with pytest.raises(TransitionError, match="the model has no dissolution stage"):
            rel.dissolve("2024-02-01")


class TestWinBack:
    def test_back_to_exploration(self) -> None:
        gone = started().dissolve("2024-02-01", reason="better_alternative")
        back = gone.win_back("2024-06-01")
        assert back.stage == "exploration"
        assert back.dissolution_reason is None
        assert back.history[-1].reason == "won back"

    def test_to_a_chosen_stage(self) -> None:
        model = LifecycleModel(
            ["trial", "active", "churned"],
            [
                Transition("trial", "active", signal("purchase_count") >= 1, "bought"),
                Transition("active", "churned", signal("cancelled") == True, "cancel"),  # noqa: E712
                Transition("churned", "trial", signal("visits_90d") >= 1, "back to trial"),
                Transition("churned", "active", signal("purchases_90d") >= 1, "back"),
            ],
            dissolution="churned",
        )
        rel = Relationship.start(model, 1, "2024-01-01").move("active", "2024-01-02")
        rel = rel.dissolve("2024-02-01")
        assert rel.win_back("2024-03-01").stage == "trial"
        assert rel.win_back("2024-03-01", to="active", reason="call").history[-1].reason == "call"

    def test_only_when_dissolved(self) -> None:
        with pytest.raises(TransitionError, match="only a dissolved relationship can be won back"):
            started().win_back("2024-02-01")

    def test_model_without_win_back(self) -> None:
        model = LifecycleModel(
            ["a", "gone"],
            [Transition("a", "gone", signal("cancelled") == True, "cancel")],  # noqa: E712
            dissolution="gone",
        )
        rel = Relationship.start(model, 1, "2024-01-01").dissolve("2024-02-01")
        with pytest.raises(TransitionError, match="the model has no win-back move"):
            rel.win_back("2024-03-01")


class TestDissolutionReason:
    @pytest.mark.parametrize(
        ("reason", "by"),
        [
            (DissolutionReason.DISSATISFACTION, "customer"),
            (DissolutionReason.BETTER_ALTERNATIVE, "customer"),
            (DissolutionReason.NEEDS_CHANGED, "customer"),
            (DissolutionReason.LOW_VOLUME, "supplier"),
            (DissolutionReason.FRAUD, "supplier"),
            (DissolutionReason.OTHER, "unknown"),
        ],
    )
    def test_initiated_by(self, reason: DissolutionReason, by: str) -> None:
        assert reason.initiated_by == by

    def test_usable_in_rules(self) -> None:
        log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in (1, 2, 3)])
        assert isinstance(log, EventLog)
        pop = log.population("2024-01-02").join(
            {"customer": [1, 2], "reason": [DissolutionReason.FRAUD.value, "needs_changed"]}
        )
        fraud = attribute("reason") == DissolutionReason.FRAUD
        assert fraud.evaluate(pop).tolist() == [True, False, False]
        profile = log.profile(1, "2024-01-02").with_attributes(reason=DissolutionReason.FRAUD)
        assert fraud.evaluate(profile) is True
        data = json.loads(json.dumps(fraud.to_dict()))
        assert condition_from_dict(data) == fraud

    def test_parse(self) -> None:
        assert DissolutionReason.parse("low_volume") is DissolutionReason.LOW_VOLUME
        with pytest.raises(ValidationError, match="'dissolution reason' must be one of"):
            DissolutionReason.parse(3)

    def test_str(self) -> None:
        assert str(DissolutionReason.NEEDS_CHANGED) == "needs_changed"


class TestRelationshipKind:
    def test_members(self) -> None:
        assert [k.value for k in RelationshipKind] == [
            "transactional",
            "long_term",
            "personal_assistance",
            "dedicated_personal_assistance",
            "self_service",
            "automated",
            "community",
        ]

    def test_parse(self) -> None:
        assert RelationshipKind.parse(RelationshipKind.AUTOMATED) is RelationshipKind.AUTOMATED
        with pytest.raises(ValidationError, match="'relationship kind' must be one of"):
            RelationshipKind.parse("kiosk")

    def test_carried_on_records_and_models(self) -> None:
        model = default_lifecycle(relationship_kind="dedicated_personal_assistance")
        assert model.relationship_kind is RelationshipKind.DEDICATED_PERSONAL_ASSISTANCE
        assert Relationship.start(model, 1, "2024-01-01").kind is model.relationship_kind


class TestStartInAStage:
    def test_import_a_customer_already_in_a_stage(self) -> None:
        rel = started(stage="expansion")
        assert (rel.stage, rel.since, rel.started, rel.history) == (
            "expansion",
            D(2024, 1, 1),
            D(2024, 1, 1),
            (),
        )
        rel = rel.move("commitment", "2024-03-01")
        assert rel.history == (
            StageChange(
                "c1", D(2024, 3, 1), "expansion", "commitment", "long tenure, high regular activity"
            ),
        )

    def test_a_dissolved_import_can_be_won_back(self) -> None:
        assert started(stage="dissolution").win_back("2024-02-01").stage == "exploration"

    def test_unknown_stage(self) -> None:
        with pytest.raises(ValidationError, match="stage: unknown stage 'vip' \\(stages: "):
            started(stage="vip")

    def test_not_a_model(self) -> None:
        with pytest.raises(ValidationError, match="'model' must be a LifecycleModel"):
            Relationship.start("default", 1, "2024-01-01")  # type: ignore[arg-type]


class TestManualReason:
    def test_move_records_the_callers_reason(self) -> None:
        rel = started().move("awareness", "2024-02-01", reason="asked for the catalogue")
        assert rel.history[-1].reason == "asked for the catalogue"
        rel = rel.move("dissolution", "2024-03-01", reason="moved abroad")
        assert rel.history[-1].reason == "moved abroad"
        assert rel.dissolution_reason is DissolutionReason.OTHER
        assert rel.win_back("2024-04-01", reason="called us").history[-1].reason == "called us"

    def test_after_a_replay(self) -> None:
        log = EventLog.from_records(
            [{"customer": 1, "date": d} for d in ("2024-01-01", "2024-02-01")]
        )
        assert isinstance(log, EventLog)
        rel = default_lifecycle().replay(log).relationship(1)
        moved = rel.move("expansion", "2024-03-01", reason="key account")
        assert [c.reason for c in moved.history] == [
            "second purchase or repeat visits",
            "key account",
        ]

    def test_without_a_reason_the_models_rule_names_it(self) -> None:
        assert started().move("awareness", "2024-02-01").history[-1].reason == (
            "second purchase or repeat visits"
        )

    @pytest.mark.parametrize("reason", ["", "   ", 7])
    def test_bad_reason(self, reason: Any) -> None:
        with pytest.raises(ValidationError, match="'reason' must be a non-empty str"):
            started().move("awareness", "2024-02-01", reason=reason)


class TestHistoryIsChecked:
    def test_changes_must_chain(self) -> None:
        history = [
            StageChange(1, D(2024, 2, 1), "exploration", "awareness", "x"),
            StageChange(1, D(2024, 3, 1), "expansion", "commitment", "y"),
        ]
        with pytest.raises(ValidationError, match=r"history\[1\] .* must leave 'awareness'"):
            Relationship(default_lifecycle(), 1, "commitment", "2024-03-01", "2024-01-01", history)

    def test_changes_must_be_in_date_order(self) -> None:
        history = [
            StageChange(1, D(2024, 3, 1), "exploration", "awareness", "x"),
            StageChange(1, D(2024, 2, 1), "awareness", "expansion", "y"),
        ]
        with pytest.raises(ValidationError, match=r"history\[1\] .* is dated before the change"):
            Relationship(default_lifecycle(), 1, "expansion", "2024-02-01", "2024-01-01", history)

    def test_changes_start_on_or_after_the_start(self) -> None:
        history = [
            StageChange(1, D(2023, 3, 1), "exploration", "awareness", "x"),
            StageChange(1, D(2024, 2, 1), "awareness", "expansion", "y"),
        ]
        with pytest.raises(ValidationError, match=r"history\[0\] .* is dated before the start"):
            Relationship(default_lifecycle(), 1, "expansion", "2024-02-01", "2024-01-01", history)

    def test_changes_are_moves_of_the_model(self) -> None:
        history = [StageChange(1, D(2024, 2, 1), "exploration", "commitment", "x")]
        with pytest.raises(ValidationError, match="the model has no move from 'exploration' to"):
            Relationship(default_lifecycle(), 1, "commitment", "2024-02-01", "2024-01-01", history)

    def test_changes_are_of_this_customer(self) -> None:
        history = [StageChange(2, D(2024, 2, 1), "exploration", "awareness", "x")]
        with pytest.raises(ValidationError, match="is for customer 2, not 1"):
            Relationship(default_lifecycle(), 1, "awareness", "2024-02-01", "2024-01-01", history)

    def test_dissolution_reason_only_when_dissolved(self) -> None:
        with pytest.raises(ValidationError, match="'dissolution_reason' \\(fraud\\) is only for"):
            Relationship(
                default_lifecycle(),
                1,
                "exploration",
                "2024-01-01",
                "2024-01-01",
                dissolution_reason="fraud",
            )

    def test_bad_since(self) -> None:
        with pytest.raises(ValidationError, match="'since' must be a date"):
            Relationship(default_lifecycle(), 1, "exploration", "soon", "2024-01-01")


def full_record() -> Relationship:
    return (
        started("c1", kind="personal_assistance")
        .move("awareness", "2024-02-01", reason="asked for the catalogue")
        .move("expansion", "2024-02-01")
        .dissolve("2024-06-01", reason="better_alternative")
    )


class TestToDict:
    @pytest.mark.parametrize(
        "rel",
        [
            started(),
            started(7, stage="commitment", kind="self_service"),
            full_record(),
            full_record().win_back("2024-09-01", reason="came back"),
            Relationship.start(no_dissolution_model(), 3, "2024-01-01"),
        ],
    )
    def test_round_trip_through_json(self, rel: Relationship) -> None:
        data = json.loads(json.dumps(rel.to_dict()))
        assert data["schema"] == "lifecycle.relationship/1"
        back = Relationship.from_dict(data)
        assert back == rel
        assert back.history == rel.history
        assert back.to_dict() == rel.to_dict()

    def test_content(self) -> None:
        data = full_record().to_dict()
        assert data["model"]["schema"] == "lifecycle.stages/1"
        assert (data["customer"], data["stage"], data["since"], data["started"]) == (
            "c1",
            "dissolution",
            "2024-06-01",
            "2024-01-01",
        )
        assert data["kind"] == "personal_assistance"
        assert data["dissolution_reason"] == "better_alternative"
        assert data["history"][0] == {
            "on": "2024-02-01",
            "source": "exploration",
            "target": "awareness",
            "reason": "asked for the catalogue",
        }

    def test_numpy_customer_ids_become_ints(self) -> None:
        import numpy as np

        rel = started(np.int64(5))
        assert rel.to_dict()["customer"] == 5
        assert type(rel.to_dict()["customer"]) is int

    def test_other_customer_ids_raise(self) -> None:
        with pytest.raises(SchemaError, match="'customer' must be a str or int id \\(got tuple"):
            started(("a", 1)).to_dict()

    def test_unknown_schema_version(self) -> None:
        data = started().to_dict() | {"schema": "lifecycle.relationship/2"}
        with pytest.raises(SchemaError, match=r"expected schema 'lifecycle\.relationship/1'"):
            Relationship.from_dict(data)

    def test_unknown_key(self) -> None:
        with pytest.raises(SchemaError, match="unknown key 'owner'"):
            Relationship.from_dict(started().to_dict() | {"owner": "kim"})

    def test_unknown_key_in_history(self) -> None:
        data = full_record().to_dict()
        data["history"][0]["by"] = "kim"
        with pytest.raises(SchemaError, match="history: unknown key 'by'"):
            Relationship.from_dict(data)

    @pytest.mark.parametrize("key", ["model", "customer", "stage", "since", "started"])
    def test_missing_key(self, key: str) -> None:
        data = started().to_dict()
        del data[key]
        with pytest.raises(SchemaError, match=f"missing key '{key}'"):
            Relationship.from_dict(data)

    def test_bad_history(self) -> None:
        with pytest.raises(SchemaError, match="'history' must be a list"):
            Relationship.from_dict(started().to_dict() | {"history": "none"})

    def test_bad_model(self) -> None:
        with pytest.raises(SchemaError, match=r"'model' must be a lifecycle\.stages/1 mapping"):
            Relationship.from_dict(started().to_dict() | {"model": "default"})

    def test_a_record_the_model_does_not_allow(self) -> None:
        data = full_record().to_dict()
        data["history"][1]["target"] = "commitment"
        with pytest.raises(ValidationError):
            Relationship.from_dict(data)

    @given(stage_logs())
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_every_replayed_record_round_trips(self, log: EventLog) -> None:
        timeline = small_default().replay(log, every="1M")
        for customer in log.customers.tolist():
            rel = timeline.relationship(customer)
            back = Relationship.from_dict(json.loads(json.dumps(rel.to_dict())))
            assert back == rel
            assert back.history == timeline.changes_for(customer)
