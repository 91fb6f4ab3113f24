"""attrs.evolve on every frozen class of lifecycle.stages: a copy is derived and checked anew.

``LifecycleModel`` once rewrote its ``initial``, ``dissolution`` and ``transitions`` fields
in ``__attrs_post_init__``, so ``attrs.evolve`` passed the old derived values back: a new
first stage was unreachable from the old initial one, and reordered stages kept stale kinds.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from typing import Any

import attrs
import numpy as np
import pytest

import lifecycle.stages as stages_pkg
from lifecycle import EventLog, signal
from lifecycle.errors import ValidationError
from lifecycle.stages import (
    LifecycleModel,
    MoveCheck,
    Relationship,
    RelationshipKind,
    Stage,
    StageChange,
    StageCodes,
    Transition,
    default_lifecycle,
)

D = dt.date
BOUGHT = signal("purchase_count") >= 1
GONE = signal("cancelled") == True  # noqa: E712


def trial_model() -> LifecycleModel:
    return LifecycleModel(
        ["trial", "active", "churned"],
        [
            Transition("trial", "active", BOUGHT, "first order"),
            Transition("active", "churned", GONE, "cancelled"),
            Transition("churned", "active", BOUGHT, "back"),
        ],
        dissolution="churned",
    )


def sample_log() -> EventLog:
    log = EventLog.from_records(
        [{"customer": 1, "date": d} for d in ("2024-01-01", "2024-02-01", "2024-03-01")]
    )
    assert isinstance(log, EventLog)
    return log


COVERED = {
    "LifecycleModel",
    "MoveCheck",
    "Relationship",
    "Stage",
    "StageChange",
    "StageCodes",
    "StageFlow",
    "StagePath",
    "Timeline",
    "Transition",
}


def test_every_public_frozen_class_is_covered() -> None:
    found = set()
    for info in pkgutil.iter_modules(stages_pkg.__path__):
        module = importlib.import_module(f"lifecycle.stages.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if attrs.has(obj) and obj.__module__ == module.__name__ and not name.startswith("_"):
                found.add(name)
    assert found == COVERED


class TestLifecycleModel:
    def test_a_new_first_stage_becomes_the_initial_one(self) -> None:
        model = trial_model()
        lead = attrs.evolve(
            model,
            stages=["lead", *model.labels],
            transitions=[
                Transition("lead", "trial", signal("visit_count") >= 1, "visited"),
                *model.transitions,
            ],
        )
        assert lead.initial == "lead"
        assert lead.allowed_moves("lead")[0].kind == "forward"

    def test_reordered_stages_derive_the_kinds_again(self) -> None:
        model = LifecycleModel(
            ["a", "b", "c"],
            [
                Transition("a", "b", BOUGHT, "x"),
                Transition("b", "c", BOUGHT, "y"),
                Transition("c", "a", GONE, "z"),
            ],
        )
        assert [t.kind for t in model.transitions] == ["forward", "forward", "backward"]
        swapped = attrs.evolve(model, stages=["a", "c", "b"])
        assert [t.kind for t in swapped.transitions] == ["forward", "backward", "backward"]
        rebuilt = LifecycleModel(
            ["a", "c", "b"], [attrs.evolve(t, kind=None) for t in model.transitions]
        )
        assert swapped == rebuilt

    def test_a_new_dissolution_stage_derives_the_kinds_again(self) -> None:
        model = trial_model()
        assert [t.kind for t in model.transitions] == ["forward", "dissolution", "win_back"]
        plain = attrs.evolve(model, dissolution=None)
        assert plain.dissolution is None
        assert [t.kind for t in plain.transitions] == ["forward", "forward", "backward"]

    def test_the_same_inputs_give_an_equal_model(self) -> None:
        model = default_lifecycle()
        copy = attrs.evolve(model)
        assert copy == model
        assert hash(copy) == hash(model)
        assert LifecycleModel.from_dict(copy.to_dict()) == model

    def test_forward_only(self) -> None:
        model = default_lifecycle()
        forward = [t for t in model.transitions if t.kind != "backward"]
        assert attrs.evolve(model, reversible=False, transitions=forward) == default_lifecycle(
            reversible=False
        )

    def test_plain_fields(self) -> None:
        model = attrs.evolve(default_lifecycle(), relationship_kind="self_service")
        assert model.relationship_kind is RelationshipKind.SELF_SERVICE
        assert model.initial == "exploration"
        assert attrs.evolve(model, attributes=["segment"]).attributes == ("segment",)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"reversible": False}, "is backward, but the model is forward-only"),
            ({"initial": "nowhere"}, "'initial': unknown stage 'nowhere'"),
            ({"stages": ["exploration"]}, "unknown stage 'dissolution'"),
            ({"reversible": "yes"}, "'reversible' must be True or False"),
        ],
    )
    def test_checked_again(self, changes: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            attrs.evolve(default_lifecycle(), **changes)

    def test_repr_shows_what_is_in_force(self) -> None:
        text = repr(trial_model())
        assert "\n  initial: trial\n" in text
        assert "\n  dissolution: churned" in text
        assert "1 win_back" in text


class TestParts:
    def test_stage(self) -> None:
        assert attrs.evolve(Stage("trial"), description="free").description == "free"
        with pytest.raises(ValidationError, match="stage name must be a non-empty str"):
            attrs.evolve(Stage("trial"), name=" trial")

    def test_transition(self) -> None:
        t = Transition("a", "b", BOUGHT, "bought")
        assert attrs.evolve(t, reason="paid").reason == "paid"
        with pytest.raises(ValidationError, match="'reason' must be a non-empty str"):
            attrs.evolve(t, reason="")
        with pytest.raises(ValidationError, match="'kind' must be one of"):
            attrs.evolve(t, kind="sideways")

    def test_stage_change(self) -> None:
        change = StageChange(1, D(2024, 1, 1), "a", "b", "x")
        assert str(attrs.evolve(change, reason="y")) == "2024-01-01 1: a -> b (y)"

    def test_move_check(self) -> None:
        assert not attrs.evolve(MoveCheck(True, "allowed"), allowed=False)


class TestRelationship:
    def test_plain_fields(self) -> None:
        rel = Relationship.start(default_lifecycle(), 1, "2024-01-01")
        assert attrs.evolve(rel, kind="community").kind is RelationshipKind.COMMUNITY

    def test_checked_again(self) -> None:
        rel = Relationship.start(default_lifecycle(), 1, "2024-01-01").move(
            "awareness", "2024-02-01"
        )
        with pytest.raises(ValidationError, match="stage: unknown stage 'vip'"):
            attrs.evolve(rel, stage="vip")
        with pytest.raises(ValidationError, match=r"the latest change .* must lead to 'stage'"):
            attrs.evolve(rel, stage="expansion")
        with pytest.raises(ValidationError, match="stage: unknown stage 'awareness'"):
            attrs.evolve(rel, model=trial_model())


class TestResults:
    def test_stage_codes(self) -> None:
        codes = default_lifecycle().classify(sample_log().population("2024-03-01"))
        relabelled = attrs.evolve(codes, labels=tuple(s.upper() for s in codes.labels))
        assert isinstance(relabelled, StageCodes)
        assert relabelled.names().tolist() == ["EXPANSION"]

    def test_stage_path(self) -> None:
        path = default_lifecycle().stage_of(sample_log().profile(1, "2024-03-01"))
        assert attrs.evolve(path, stop="checked").stop == "checked"
        assert attrs.evolve(path).changes() == path.changes()

    def test_timeline_and_flow(self) -> None:
        timeline = default_lifecycle().replay(sample_log())
        copy = attrs.evolve(timeline)
        assert copy.changes_for(1) == timeline.changes_for(1)
        narrower = attrs.evolve(timeline, end=D(2024, 2, 1))
        with pytest.raises(ValidationError, match="outside the replayed window"):
            narrower.stages_on("2024-03-01")
        flow = timeline.flow("2024-01-01", "2024-03-01")
        assert np.array_equal(attrs.evolve(flow).counts, flow.counts)
