"""Tests of the lifecycle model: stages, transitions, validation, both snapshot engines."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lifecycle.stages as stages_pkg
from conformance.stage_strategies import POOL, small_default, stage_logs, stage_models
from lifecycle import EventLog, Money, Population, attribute, signal
from lifecycle.conditions import always, never
from lifecycle.errors import SchemaError, UnknownSignalError, ValidationError
from lifecycle.stages import (
    LifecycleModel,
    RelationshipKind,
    Stage,
    StageCodes,
    StagePath,
    Transition,
    default_lifecycle,
)
from lifecycle.stages._engine import FULL_TABLE_BITS

AS_OF = dt.date(2024, 6, 30)
BUYS = signal("purchase_count") >= 1


def make_log(records: list[dict[str, Any]], **kwargs: Any) -> EventLog:
    log = EventLog.from_records(records, **kwargs)
    assert isinstance(log, EventLog)
    return log


def ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def buys(customer: Any, *days_ago: int, amount: str = "10", **extra: Any) -> list[dict[str, Any]]:
    return [
        {"customer": customer, "date": ago(d), "amount": amount, "currency": "EUR", **extra}
        for d in days_ago
    ]


def three_stage(**kwargs: Any) -> LifecycleModel:
    return LifecycleModel(
        ["trial", "active", "churned"],
        [
            Transition("trial", "active", BUYS, "first order"),
            Transition("active", "churned", signal("days_since_last_purchase") > 60, "lapse"),
            Transition("churned", "active", signal("days_since_last_purchase") <= 60, "back"),
        ],
        dissolution="churned",
        **kwargs,
    )


class TestPackage:
    def test_all_is_sorted_and_resolves(self) -> None:
        # isort-style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
        def style(name: str) -> tuple[int, str]:
            return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

        assert stages_pkg.__all__ == sorted(stages_pkg.__all__, key=style)
        for name in stages_pkg.__all__:
            assert getattr(stages_pkg, name) is not None

    def test_public_names_of_the_issue(self) -> None:
        for name in (
            "Stage",
            "Transition",
            "LifecycleModel",
            "default_lifecycle",
            "DissolutionReason",
            "RelationshipKind",
            "Relationship",
            "StageChange",
            "Timeline",
        ):
            assert name in stages_pkg.__all__


class TestStage:
    def test_fields(self) -> None:
        stage = Stage("trial", "free month")
        assert (stage.name, stage.description) == ("trial", "free month")

    @pytest.mark.parametrize("name", ["", " trial", "trial\n", 3, None])
    def test_bad_names(self, name: Any) -> None:
        with pytest.raises(ValidationError, match="stage name must be a non-empty str"):
            Stage(name)

    def test_description_must_be_text(self) -> None:
        with pytest.raises(ValidationError, match="'description' must be a str"):
            Stage("trial", 5)  # type: ignore[arg-type]


class TestTransition:
    def test_fields_and_str(self) -> None:
        t = Transition("a", "b", BUYS, "bought")
        assert (t.source, t.target, t.when, t.reason, t.kind) == ("a", "b", BUYS, "bought", None)
        assert str(t) == "a -> b (bought)"

    def test_when_must_be_a_condition(self) -> None:
        with pytest.raises(ValidationError, match="'when' must be a Condition"):
            Transition("a", "b", "purchase_count >= 1", "bought")  # type: ignore[arg-type]

    @pytest.mark.parametrize("reason", ["", "  ", None])
    def test_reason_required(self, reason: Any) -> None:
        with pytest.raises(ValidationError, match="'reason' must be a non-empty str"):
            Transition("a", "b", BUYS, reason)

    def test_unknown_kind(self) -> None:
        with pytest.raises(ValidationError, match="'kind' must be one of"):
            Transition("a", "b", BUYS, "bought", kind="sideways")  # type: ignore[arg-type]

    def test_bad_source_name(self) -> None:
        with pytest.raises(ValidationError, match="source name must be"):
            Transition("", "b", BUYS, "bought")


class TestLifecycleModel:
    def test_defaults(self) -> None:
        model = three_stage()
        assert model.initial == "trial"
        assert model.dissolution == "churned"
        assert model.labels == ("trial", "active", "churned")
        assert [t.kind for t in model.transitions] == ["forward", "dissolution", "win_back"]

    def test_stage_named_dissolution_is_the_default(self) -> None:
        model = LifecycleModel(["a", "dissolution"], [Transition("a", "dissolution", BUYS, "x")])
        assert model.dissolution == "dissolution"
        assert model.transitions[0].kind == "dissolution"

    def test_backward_kind_derived_from_order(self) -> None:
        model = LifecycleModel(
            ["a", "b"],
            [Transition("a", "b", BUYS, "up"), Transition("b", "a", never(), "down")],
        )
        assert [t.kind for t in model.transitions] == ["forward", "backward"]

    def test_explicit_kind_is_kept(self) -> None:
        model = LifecycleModel(["a", "b"], [Transition("a", "b", BUYS, "up", kind="backward")])
        assert model.transitions[0].kind == "backward"

    def test_duplicate_stages(self) -> None:
        with pytest.raises(ValidationError, match="duplicate stage 'a' \\(stages: a, b, a\\)"):
            LifecycleModel(["a", "b", "a"], [Transition("a", "b", BUYS, "x")])

    def test_empty(self) -> None:
        with pytest.raises(ValidationError, match="'stages' must not be empty"):
            LifecycleModel([], [])

    def test_stages_as_one_string(self) -> None:
        with pytest.raises(ValidationError, match="'stages' must be a sequence"):
            LifecycleModel("abc", [])  # type: ignore[arg-type]

    def test_too_many_stages(self) -> None:
        names = [f"s{i}" for i in range(65)]
        chain = [Transition(a, b, BUYS, "x") for a, b in itertools.pairwise(names)]
        with pytest.raises(ValidationError, match="at most 64 stages \\(got 65\\)"):
            LifecycleModel(names, chain)

    @pytest.mark.parametrize(
        ("source", "target", "unknown"), [("a", "z", "'z'"), ("q", "b", "'q'")]
    )
    def test_unknown_names_in_transitions(self, source: str, target: str, unknown: str) -> None:
        with pytest.raises(
            ValidationError,
            match=f"transition 1 \\({source} -> {target}\\): unknown stage {unknown}",
        ):
            LifecycleModel(
                ["a", "b"],
                [Transition("a", "b", BUYS, "x"), Transition(source, target, BUYS, "y")],
            )

    def test_self_transition(self) -> None:
        with pytest.raises(ValidationError, match="from a stage to itself is not allowed"):
            LifecycleModel(
                ["a", "b"], [Transition("a", "b", BUYS, "x"), Transition("b", "b", BUYS, "y")]
            )

    def test_unreachable_stages(self) -> None:
        with pytest.raises(
            ValidationError,
            match="stage 'c' cannot be reached from the initial stage 'a' \\(unreachable: c, d\\)",
        ):
            LifecycleModel(
                ["a", "b", "c", "d"],
                [Transition("a", "b", BUYS, "x"), Transition("c", "d", BUYS, "y")],
            )

    def test_unreachable_from_a_chosen_initial(self) -> None:
        with pytest.raises(
            ValidationError, match="from the initial stage 'b' \\(unreachable: a\\)"
        ):
            LifecycleModel(["a", "b"], [Transition("a", "b", BUYS, "x")], initial="b")

    @pytest.mark.parametrize("field", ["initial", "dissolution"])
    def test_unknown_initial_or_dissolution(self, field: str) -> None:
        with pytest.raises(ValidationError, match=f"'{field}': unknown stage 'zz'"):
            LifecycleModel(["a", "b"], [Transition("a", "b", BUYS, "x")], **{field: "zz"})

    def test_transition_of_wrong_type(self) -> None:
        with pytest.raises(ValidationError, match="transition 0 must be a Transition"):
            LifecycleModel(["a", "b"], [("a", "b")])

    def test_forward_only_refuses_backward_moves(self) -> None:
        with pytest.raises(
            ValidationError,
            match="transition 1 \\(b -> a\\) is backward, but the model is forward-only",
        ):
            LifecycleModel(
                ["a", "b"],
                [Transition("a", "b", BUYS, "x"), Transition("b", "a", BUYS, "y")],
                reversible=False,
            )

    def test_forward_only_allows_dissolution_and_win_back(self) -> None:
        model = three_stage(reversible=False)
        assert not model.reversible
        assert model.transitions[2].kind == "win_back"

    def test_reversible_must_be_bool(self) -> None:
        with pytest.raises(ValidationError, match="'reversible' must be True or False"):
            LifecycleModel(["a"], [], reversible="no")  # type: ignore[arg-type]

    @pytest.mark.parametrize(("kind", "side"), [("dissolution", "into"), ("win_back", "out of")])
    def test_dissolution_kinds_need_the_dissolution_stage(self, kind: Any, side: str) -> None:
        with pytest.raises(
            ValidationError, match=f"kind '{kind}' needs a move {side} the dissolution"
        ):
            LifecycleModel(["a", "b"], [Transition("a", "b", BUYS, "x", kind=kind)])

    def test_unknown_signal_at_build(self) -> None:
        with pytest.raises(
            UnknownSignalError,
            match="transition 0 \\(a -> b\\) reads unknown signal 'segment'; known signals:",
        ):
            LifecycleModel(["a", "b"], [Transition("a", "b", attribute("segment") == "gold", "x")])

    def test_declared_attributes_are_allowed(self) -> None:
        model = LifecycleModel(
            ["a", "b"],
            [Transition("a", "b", attribute("segment") == "gold", "x")],
            attributes=["segment"],
        )
        assert model.signals() == frozenset({"segment"})

    @pytest.mark.parametrize("name", ["", 3])
    def test_bad_attribute_names(self, name: Any) -> None:
        with pytest.raises(ValidationError, match="'attributes' must hold non-empty str names"):
            LifecycleModel(["a"], [], attributes=[name])

    def test_relationship_kind(self) -> None:
        assert three_stage(relationship_kind="community").relationship_kind is (
            RelationshipKind.COMMUNITY
        )
        with pytest.raises(ValidationError, match="'relationship kind' must be one of"):
            three_stage(relationship_kind="kiosk")

    def test_equality_and_hash(self) -> None:
        assert three_stage() == three_stage()
        assert hash(three_stage()) == hash(three_stage())
        assert three_stage() != three_stage(reversible=False)

    def test_code(self) -> None:
        assert three_stage().code("churned") == 2
        with pytest.raises(ValidationError, match="stage: unknown stage 'gone'"):
            three_stage().code("gone")


class TestAllowedMoves:
    def test_priority_order(self) -> None:
        model = default_lifecycle()
        assert [t.reason for t in model.allowed_moves("exploration")] == [
            "cancellation",
            "lapse",
            "second purchase or repeat visits",
        ]
        assert model.allowed_moves("dissolution")[0].kind == "win_back"

    def test_unknown_stage(self) -> None:
        with pytest.raises(ValidationError, match="stage: unknown stage 'limbo' \\(stages: "):
            default_lifecycle().allowed_moves("limbo")

    def test_moves_between(self) -> None:
        model = default_lifecycle()
        assert len(model.moves_between("awareness", "dissolution")) == 2
        assert model.moves_between("exploration", "commitment") == ()


class TestStageOf:
    def test_path_and_stop(self) -> None:
        log = make_log(buys(1, 200, 30, 20))
        result = small_default().stage_of(log.profile(1, AS_OF))
        assert isinstance(result, StagePath)
        assert [t.target for t in result.path] == ["awareness", "expansion"]
        assert result.stage == "expansion"
        assert result.start == "exploration"
        assert result.stop == "stops in expansion: no rule from expansion holds"
        assert [str(c) for c in result.changes()] == [
            f"{AS_OF} 1: exploration -> awareness (second purchase or repeat visits)",
            f"{AS_OF} 1: awareness -> expansion (rising frequency, spend or breadth)",
        ]

    def test_explain_shows_rules_and_values(self) -> None:
        log = make_log(buys(1, 400))
        text = default_lifecycle().stage_of(log.profile(1, AS_OF)).explain()
        assert text.splitlines()[0] == "exploration -> dissolution: lapse"
        assert "true: days_since_last_purchase > 365 (actual 400)" in text
        assert text.splitlines()[-1] == "stops in dissolution: a dissolution move ends the walk"

    def test_win_back_ends_the_walk(self) -> None:
        log = make_log(buys(1, 300, 250, 200, 150, 100, 50, 0))
        result = small_default().stage_of(log.profile(1, AS_OF), start="dissolution")
        assert result.stage == "exploration"
        assert result.stop == "stops in exploration: a win_back move ends the walk"

    def test_revisit_stops_the_walk(self) -> None:
        model = LifecycleModel(
            ["a", "b", "c"],
            [
                Transition("a", "b", always(), "ab"),
                Transition("b", "a", always(), "ba"),
                Transition("b", "c", always(), "bc"),
            ],
        )
        log = make_log([{"customer": 1, "date": "2024-01-01"}])
        result = model.stage_of(log.profile(1, "2024-01-02"))
        assert result.stage == "b"
        assert "already visited" in result.stop

    def test_unknown_start(self) -> None:
        log = make_log(buys(1, 10))
        with pytest.raises(ValidationError, match="'start': unknown stage 'nowhere'"):
            default_lifecycle().stage_of(log.profile(1, AS_OF), start="nowhere")

    def test_not_a_profile(self) -> None:
        log = make_log(buys(1, 10))
        with pytest.raises(ValidationError, match="stage_of\\(\\) takes a Profile"):
            default_lifecycle().stage_of(log.population(AS_OF))  # type: ignore[arg-type]

    def test_missing_attribute(self) -> None:
        model = LifecycleModel(
            ["a", "b"],
            [Transition("a", "b", attribute("tier") == "gold", "x")],
            attributes=["tier"],
        )
        log = make_log(buys(1, 10))
        with pytest.raises(UnknownSignalError, match="the profile has no 'tier'"):
            model.stage_of(log.profile(1, AS_OF))
        profile = log.profile(1, AS_OF).with_attributes(tier="gold")
        assert model.stage_of(profile).stage == "b"


class TestClassify:
    def test_codes_are_int8_with_labels(self) -> None:
        log = make_log(buys(1, 30, 20) + buys(2, 400) + buys(3, 5))
        codes = default_lifecycle().classify(log.population(AS_OF))
        assert isinstance(codes, StageCodes)
        assert codes.code.dtype == np.int8
        assert codes.labels == default_lifecycle().labels
        assert codes.names().tolist() == ["awareness", "dissolution", "exploration"]
        assert codes.counts() == {
            "exploration": 1,
            "awareness": 1,
            "expansion": 0,
            "commitment": 0,
            "dissolution": 1,
        }
        assert codes.stage_of(2) == "dissolution"
        with pytest.raises(KeyError, match="customer 9 is not among these 3 customers"):
            codes.stage_of(9)

    def test_empty_population(self) -> None:
        log = make_log(buys(1, 10))
        with pytest.raises(ValidationError, match="cannot classify an empty population"):
            default_lifecycle().classify(log.population("2020-01-01"))

    def test_not_a_population(self) -> None:
        log = make_log(buys(1, 10))
        with pytest.raises(ValidationError, match="classify\\(\\) takes a Population"):
            default_lifecycle().classify(log.profile(1, AS_OF))  # type: ignore[arg-type]

    def test_missing_attribute_column(self) -> None:
        model = LifecycleModel(
            ["a", "b"],
            [Transition("a", "b", attribute("tier") == "gold", "x")],
            attributes=["tier"],
        )
        log = make_log(buys(1, 10) + buys(2, 10))
        with pytest.raises(UnknownSignalError, match="the population has no 'tier'"):
            model.classify(log.population(AS_OF))
        pop = log.population(AS_OF).join({"customer": [2], "tier": ["gold"]})
        assert model.classify(pop).names().tolist() == ["a", "b"]

    def test_join_back_as_attribute(self) -> None:
        log = make_log(buys(1, 30, 20) + buys(2, 5))
        pop = log.population(AS_OF)
        joined = pop.join(default_lifecycle().classify(pop).table())
        aware = attribute("stage") == "awareness"
        assert aware.evaluate(joined).tolist() == [True, False]

    def test_population_built_from_columns(self) -> None:
        n = 4
        columns: dict[str, Any] = {"customer": np.arange(n)}
        for name in default_lifecycle().signals():
            columns[name] = np.zeros(n, dtype=np.int64)
        columns["cancelled"] = np.array([True, False, False, False])
        columns["lapse_ratio"] = np.array([0.0, 5.0, np.nan, 0.5])
        columns["mean_interpurchase_days"] = np.array([1.0, 20.0, np.nan, 1.0])
        columns["days_since_last_purchase"] = np.array([0.0, 100.0, 500.0, 0.0])
        columns["tenure_days"] = np.zeros(n)
        pop = Population(columns, as_of=AS_OF, currency=None)
        names = default_lifecycle().classify(pop).names().tolist()
        assert names == ["dissolution", "dissolution", "dissolution", "exploration"]

    @given(stage_logs(), st.integers(0, 800))
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_equals_stage_of_for_every_customer(self, log: EventLog, offset: int) -> None:
        as_of = dt.date(2023, 1, 1) + dt.timedelta(days=offset)
        pop = log.population(as_of)
        if not len(pop):
            return
        for model in (small_default(), small_default(order="dwyer1987"), default_lifecycle()):
            codes = model.classify(pop)
            for i, customer in enumerate(pop.customer.tolist()):
                assert codes.names()[i] == model.stage_of(log.profile(customer, as_of)).stage

    @given(stage_models(), stage_logs(), st.integers(0, 800))
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_random_models_agree(self, model: LifecycleModel, log: EventLog, offset: int) -> None:
        as_of = dt.date(2023, 1, 1) + dt.timedelta(days=offset)
        pop = log.population(as_of)
        if not len(pop):
            return
        codes = model.classify(pop).names().tolist()
        for i, customer in enumerate(pop.customer.tolist()):
            assert codes[i] == model.stage_of(log.profile(customer, as_of)).stage

    @given(stage_models(), stage_logs(), st.integers(0, 800))
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_pattern_tables_equal_the_direct_walk(
        self, model: LifecycleModel, log: EventLog, offset: int
    ) -> None:
        as_of = dt.date(2023, 1, 1) + dt.timedelta(days=offset)
        pop = log.population(as_of)
        if not len(pop):
            return
        engine = model._engine
        bits = engine.masks(pop)
        for start in range(len(model.labels)):
            begin = np.full(len(pop), start, dtype=np.int8)
            final, path = engine.walk(begin, bits)
            pattern, table_final, table_path = engine.patterns(bits)
            assert np.array_equal(table_final[start][pattern], final)
            assert np.array_equal(table_path[start][pattern], path)


class TestToDict:
    @pytest.mark.parametrize(
        "model",
        [
            default_lifecycle(),
            default_lifecycle(order="dwyer1987", reversible=False),
            three_stage(relationship_kind="automated"),
            LifecycleModel(
                [Stage("lead", "asked for a quote"), "customer"],
                [
                    Transition(
                        "lead",
                        "customer",
                        (signal("spend_90d") >= Money("99.50", "EUR"))
                        & attribute("segment").isin(["gold", "silver"]),
                        "big first order",
                    )
                ],
                attributes=["segment"],
            ),
        ],
    )
    def test_round_trip_through_json(self, model: LifecycleModel) -> None:
        data = json.loads(json.dumps(model.to_dict()))
        assert data["schema"] == "lifecycle.stages/1"
        again = LifecycleModel.from_dict(data)
        assert again == model
        assert again.to_dict() == model.to_dict()

    @given(stage_models())
    @settings(max_examples=40, deadline=None)
    def test_round_trip_random_models(self, model: LifecycleModel) -> None:
        assert LifecycleModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model

    def test_wrong_schema(self) -> None:
        data = default_lifecycle().to_dict() | {"schema": "lifecycle.stages/2"}
        with pytest.raises(SchemaError, match=r"expected schema 'lifecycle\.stages/1'"):
            LifecycleModel.from_dict(data)

    def test_unknown_key(self) -> None:
        data = default_lifecycle().to_dict() | {"colour": "blue"}
        with pytest.raises(SchemaError, match="unknown key 'colour'"):
            LifecycleModel.from_dict(data)

    def test_missing_transitions(self) -> None:
        with pytest.raises(SchemaError, match="missing key 'transitions'"):
            LifecycleModel.from_dict({"schema": "lifecycle.stages/1", "stages": []})

    def test_unknown_key_in_a_transition(self) -> None:
        data = default_lifecycle().to_dict()
        data["transitions"][0]["priority"] = 1
        with pytest.raises(SchemaError, match="transition: unknown key 'priority'"):
            LifecycleModel.from_dict(data)

    def test_when_must_be_a_mapping(self) -> None:
        data = default_lifecycle().to_dict()
        data["transitions"][0]["when"] = "cancelled == True"
        with pytest.raises(SchemaError, match="'when' must be a condition mapping"):
            LifecycleModel.from_dict(data)

    def test_unknown_signal_in_from_dict(self) -> None:
        data = default_lifecycle().to_dict()
        data["transitions"][0]["when"]["signal"] = "cancelled_flag"
        with pytest.raises(UnknownSignalError, match="reads unknown signal 'cancelled_flag'"):
            LifecycleModel.from_dict(data)

    def test_validation_applies(self) -> None:
        data = default_lifecycle().to_dict()
        data["stages"].append(dict(data["stages"][0]))
        with pytest.raises(ValidationError, match="duplicate stage 'exploration'"):
            LifecycleModel.from_dict(data)


class TestToMermaid:
    def test_default_diagram(self) -> None:
        text = default_lifecycle().to_mermaid()
        lines = text.splitlines()
        assert lines[0] == "stateDiagram-v2"
        assert "    [*] --> exploration" in lines
        assert "    exploration --> dissolution: cancellation / lapse" in lines
        assert "    dissolution --> exploration: won back" in lines
        assert "    commitment --> expansion: activity below the commitment level" in lines
        assert len(lines) == 2 + 10

    def test_names_that_are_not_identifiers(self) -> None:
        model = LifecycleModel(
            ["new lead", "state"], [Transition("new lead", "state", BUYS, 'said "yes": go')]
        )
        assert model.to_mermaid().splitlines() == [
            "stateDiagram-v2",
            '    state "new lead" as s0',
            '    state "state" as s1',
            "    [*] --> s0",
            "    s0 --> s1: said 'yes' - go",
        ]


class TestEngineTables:
    def test_equal_conditions_are_evaluated_once(self) -> None:
        assert len(default_lifecycle()._engine.conditions) == 8
        cond = attribute("codes") == ["x", "y"]  # an unhashable constant
        model = LifecycleModel(
            ["a", "b"],
            [Transition("a", "b", cond, "in"), Transition("b", "a", cond, "out")],
            attributes=["codes"],
        )
        assert len(model._engine.conditions) == 1
        assert model._engine.cond_of.tolist() == [0, 0]

    def test_full_table_threshold(self) -> None:
        assert len(default_lifecycle()._engine.conditions) <= FULL_TABLE_BITS

    def test_many_conditions_use_distinct_patterns(self) -> None:
        transitions = [
            Transition("a" if i % 2 else "b", "b" if i % 2 else "a", cond, f"r{i}")
            for i, cond in enumerate(POOL[:12])
        ]
        model = LifecycleModel(["a", "b"], transitions)
        assert len(model._engine.conditions) > FULL_TABLE_BITS
        log = make_log(buys(1, 30, 20) + buys(2, 400) + buys(3, 5) + buys(4, 1, 2, 3, 100))
        pop = log.population(AS_OF)
        names = model.classify(pop).names().tolist()
        assert names == [model.stage_of(log.profile(c, AS_OF)).stage for c in pop.customer.tolist()]
