"""A satisfaction model scored from answers carried on the log, in both engines."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle import Condition, EventLog, Money, Profile, define_signal, signal
from lifecycle.errors import SchemaError, ValidationError
from lifecycle.satisfaction import Dimension, SatisfactionModel, SatisfactionScoreSignal, Scale
from lifecycle.signals import count, definition_from_dict

START = dt.date(2024, 1, 1)
AS_OF = dt.date(2024, 3, 31)

MODEL = SatisfactionModel(
    [
        Dimension(
            "service", weight=2, children=[Dimension("speed", weight=3), Dimension("courtesy")]
        ),
        Dimension("price", scale=Scale(0, 10)),
        Dimension("effort", weight=0.5, scale=Scale(1, 5, higher_is_better=False)),
    ]
)
LEAVES = {"speed": (1, 5), "courtesy": (1, 5), "price": (0, 10), "effort": (1, 5)}


def survey(customer: Any, day: int, **answers: Any) -> dict[str, Any]:
    date = (START + dt.timedelta(days=day)).isoformat()
    return {"customer": customer, "date": date, "kind": "survey", **answers}


def make_log(records: list[dict[str, Any]], attributes: list[str]) -> EventLog:
    log = EventLog.from_records(records, attributes=attributes)
    assert isinstance(log, EventLog)
    return log


@pytest.fixture
def log() -> EventLog:
    return make_log(
        [
            survey(1, 10, speed=5, courtesy=5, price=10, effort=1),
            survey(1, 80, speed=1),  # a later answer replaces the earlier one
            survey(2, 20, speed=4, courtesy=None, price=6),
            {"customer": 3, "date": "2024-02-01", "amount": "20", "currency": "EUR"},
        ],
        ["speed", "courtesy", "price", "effort"],
    )


def _answer(leaf: str) -> st.SearchStrategy[Any]:
    low, high = LEAVES[leaf]
    return st.none() | st.integers(low, high) | st.floats(low, high, allow_nan=False)


@st.composite
def answer_logs(draw: st.DrawFn) -> tuple[EventLog, dt.date]:
    n = draw(st.integers(1, 12))
    records = []
    for _ in range(n):
        answers = {leaf: draw(_answer(leaf)) for leaf in LEAVES}
        records.append(survey(draw(st.integers(0, 4)), draw(st.integers(0, 90)), **answers))
    as_of = START + dt.timedelta(days=draw(st.integers(0, 100)))
    return make_log(records, list(LEAVES)), as_of


class TestBothEngines:
    @settings(max_examples=60, deadline=None)
    @given(answer_logs())
    def test_each_profile_scores_as_its_population_row(
        self, case: tuple[EventLog, dt.date]
    ) -> None:
        log, as_of = case
        pop = log.population(as_of)
        batch = MODEL.score(pop)
        assert batch.dtype == np.float64
        assert len(batch) == len(pop)
        for row, customer in enumerate(pop.customer.tolist()):
            single = MODEL.score(log.profile(customer, as_of))
            if math.isnan(batch[row]):
                assert single is None
            else:
                assert single is not None
                assert single == batch[row]
                assert 0 <= single <= 100
        # The population's score is the array scoring of the carried answers.
        answers = {leaf: np.asarray(pop[leaf], dtype=float) for leaf in LEAVES}
        np.testing.assert_array_equal(MODEL.score(answers).index, batch)

    def test_latest_known_answers_as_of(self, log: EventLog) -> None:
        early = MODEL.score(log.population("2024-02-01"))
        assert early.tolist()[:2] == [100.0, 70.0]  # 2: (2 * 75 + 60) / 3, effort unanswered
        assert math.isnan(early[2])  # customer 3 answered nothing
        late = MODEL.score(log.population(AS_OF))
        # Customer 1's speed is now 1 (0 points): service (3*0 + 100) / 4 = 25.
        assert late[0] == pytest.approx((2 * 25 + 100 + 0.5 * 100) / 3.5)
        assert MODEL.score(log.profile(1, AS_OF)) == late[0]
        assert MODEL.score(log.profile(3, AS_OF)) is None

    def test_missing_raise_follows_the_model_rule(self, log: EventLog) -> None:
        # Both engines name the customer, not the row.
        with pytest.raises(
            ValidationError, match=r"^customer 3: answer to 'speed' must be answered"
        ):
            MODEL.score(log.population(AS_OF), missing="raise")
        with pytest.raises(
            ValidationError, match=r"^customer 2: answer to 'courtesy' must be answ"
        ):
            MODEL.score(log.profile(2, AS_OF), missing="raise")
        assert MODEL.score(log.profile(1, AS_OF), missing="raise") is not None

    def test_a_new_customer_has_answered_nothing(self) -> None:
        assert MODEL.score(Profile.new_customer(AS_OF)) is None


class TestAsASignal:
    def test_condition_in_both_engines_and_round_trip(self, log: EventLog) -> None:
        sat = MODEL.signal()
        assert sat.name == "satisfaction_score"
        assert sat.kind == "number"
        happy = signal(sat) >= 75
        assert happy.evaluate(log.population("2024-02-01")).tolist() == [True, False, False]
        singles = [happy.evaluate(log.profile(c, "2024-02-01")) for c in (1, 2, 3)]
        assert singles == [True, False, False]
        unknown = signal(sat).is_missing()
        assert unknown.evaluate(log.population(AS_OF)).tolist() == [False, False, True]
        data = json.loads(json.dumps(happy.to_dict()))
        assert Condition.from_dict(data) == happy
        assert "satisfaction_score >= 75" in str(happy.explain(log.profile(1, "2024-02-01")))

    def test_definition_round_trip(self) -> None:
        for named in (MODEL.signal(), MODEL.signal("csat", missing="raise", description="d")):
            data = json.loads(json.dumps(named.to_dict()))
            assert definition_from_dict(data) == named
        with pytest.raises(SchemaError, match="'model' must be a mapping"):
            definition_from_dict(
                {
                    "schema": "lifecycle.signal/1",
                    "op": "satisfaction",
                    "model": 3,
                    "missing": "raise",
                }
            )
        with pytest.raises(SchemaError):
            definition_from_dict(
                {"schema": "lifecycle.signal/1", "op": "satisfaction", "model": MODEL.to_dict()}
            )

    def test_arithmetic_with_other_signals(self, log: EventLog) -> None:
        gap = define_signal("gap", SatisfactionScoreSignal(MODEL) - count("survey"))
        values = log.population("2024-02-01").with_signals(gap).gap
        assert values.tolist()[:2] == [99.0, 69.0]
        assert log.profile(1, "2024-02-01").compute(gap) == 99.0

    def test_in_a_stage_model_and_its_replay(self, log: EventLog) -> None:
        from lifecycle.stages import LifecycleModel, Transition

        sat = MODEL.signal()
        model = LifecycleModel(
            ["neutral", "delighted", "unhappy"],
            [
                Transition("neutral", "delighted", signal(sat) >= 80, "delighted"),
                Transition("neutral", "unhappy", signal(sat) < 60, "unhappy"),
                Transition("delighted", "unhappy", signal(sat) < 60, "fell"),
            ],
        )
        feb = log.population("2024-02-01")
        assert model.classify(feb).names().tolist() == ["delighted", "neutral", "neutral"]
        assert [model.stage_of(log.profile(c, "2024-02-01")).stage for c in (1, 2, 3)] == [
            "delighted",
            "neutral",
            "neutral",
        ]
        timeline = model.replay(log, end=AS_OF)
        assert timeline.stage_on(1, "2024-02-01") == "delighted"
        assert timeline.stage_on(1, AS_OF) == "unhappy"  # speed fell to 1 on day 80: 57.1
        assert LifecycleModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model

    def test_as_the_satisfaction_a_loyalty_rule_reads(self, log: EventLog) -> None:
        from lifecycle.loyalty import LoyaltyRule, LoyaltyState

        # Named "satisfaction", the signal is the column a LoyaltyRule reads by default.
        sat = MODEL.signal("satisfaction")
        rule = LoyaltyRule()
        batch = rule.evaluate(log.population(AS_OF).with_signals(sat)).tolist()
        single = [rule.evaluate(log.profile(c, AS_OF).with_signals(sat)) for c in (1, 2)]
        assert single == [LoyaltyState.DISAPPOINTED, LoyaltyState.SATISFIED]  # 57.1 and 70
        assert [int(state) for state in single] == batch[:2]

    def test_in_a_price_rule(self, log: EventLog) -> None:
        from lifecycle import PercentOff, PricingPolicy

        policy = PricingPolicy([PercentOff(10, when=signal(MODEL.signal()) < 75)])
        on = dt.date(2024, 2, 1)
        single = [policy.quote(Money("10", "EUR"), customer=log.profile(c, on)) for c in (1, 2)]
        assert [q.total for q in single] == [Money("10.00", "EUR"), Money("9.00", "EUR")]
        batch = policy.quote_many(log.population(on), 1000, currency="EUR", on=on)
        assert batch.total_minor.tolist() == [1000, 900, 1000]
        assert PricingPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


class TestErrors:
    def test_a_log_without_the_dimension_attributes(self) -> None:
        log = make_log([survey(1, 5, speed=4, price=3)], ["speed", "price"])
        match = "does not carry 'courtesy', 'effort' \\(its attributes: 'price', 'speed'\\)"
        with pytest.raises(ValidationError, match=match):
            MODEL.score(log.population(AS_OF))
        with pytest.raises(ValidationError, match=match):
            MODEL.score(log.profile(1, AS_OF))
        with pytest.raises(ValidationError, match=match):
            (signal(MODEL.signal()) > 50).evaluate(log.population(AS_OF))

    def test_answers_that_are_not_numbers_or_off_the_scale(self) -> None:
        records = [survey(1, 5, speed="fast", courtesy=3, price=3, effort=2)]
        log = make_log(records, list(LEAVES))
        match = (
            "attribute 'speed' must hold numbers \\(answers\\) or be missing: customer 1 has 'fast'"
        )
        with pytest.raises(ValidationError, match=match):
            MODEL.score(log.population(AS_OF))
        with pytest.raises(ValidationError, match=match):
            MODEL.score(log.profile(1, AS_OF))
        log = make_log([survey(1, 5, speed=9, courtesy=3, price=3, effort=2)], list(LEAVES))
        off = "^customer 1: answer to 'speed' must be within its scale 1-5 \\(got 9\\)$"
        with pytest.raises(ValidationError, match=off):
            MODEL.score(log.population(AS_OF))
        with pytest.raises(ValidationError, match=off):
            MODEL.score(log.profile(1, AS_OF))
        with pytest.raises(ValidationError, match=off):
            (signal(MODEL.signal()) > 50).evaluate(log.population(AS_OF))

    def test_bad_arguments(self, log: EventLog) -> None:
        with pytest.raises(ValidationError, match="'columns' names the columns"):
            MODEL.score(log.population(AS_OF), columns=["speed"])
        with pytest.raises(ValidationError, match="'missing' must be one of"):
            MODEL.signal(missing="ignore")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="is a standard signal"):
            MODEL.signal("total_spend")
        with pytest.raises(ValidationError, match="'model' must be a SatisfactionModel"):
            SatisfactionScoreSignal({"dimensions": []})  # type: ignore[arg-type]


@st.composite
def joined_answers(draw: st.DrawFn) -> tuple[EventLog, dict[str, list[Any]]]:
    """A log carrying some leaves, and a table of the other leaves' answers to join."""
    carried = draw(st.lists(st.sampled_from(sorted(LEAVES)), unique=True, max_size=3))
    records = []
    for _ in range(draw(st.integers(1, 10))):
        answers = {leaf: draw(_answer(leaf)) for leaf in carried}
        records.append(survey(draw(st.integers(0, 4)), draw(st.integers(0, 90)), **answers))
    log = make_log(records, carried)
    customers = sorted(set(log.customers.tolist()))
    keys = draw(st.lists(st.sampled_from(customers), unique=True, min_size=1))
    table: dict[str, list[Any]] = {"customer": keys}
    for leaf in sorted(set(LEAVES) - set(carried)):
        table[leaf] = [draw(_answer(leaf)) for _ in keys]
    return log, table


class TestJoinedAnswers:
    """Answers joined onto a population (a profile: ``with_attributes``) are read too."""

    @settings(max_examples=40, deadline=None)
    @given(joined_answers())
    def test_population_join_and_profile_with_attributes_agree(
        self, case: tuple[EventLog, dict[str, list[Any]]]
    ) -> None:
        log, table = case
        pop = log.population(AS_OF).join(table)
        batch = MODEL.score(pop)
        held = (signal(MODEL.signal()) >= 50).evaluate(pop)
        keys = table["customer"]
        for row, customer in enumerate(pop.customer.tolist()):
            added = {
                leaf: values[keys.index(customer)] if customer in keys else None
                for leaf, values in table.items()
                if leaf != "customer"
            }
            profile = log.profile(customer, AS_OF).with_attributes(**added)
            single = MODEL.score(profile)
            assert (single is None) == math.isnan(batch[row])
            if single is not None:
                assert single == batch[row]
            assert (signal(MODEL.signal()) >= 50).evaluate(profile) == held[row]

    def test_joined_answers_score_as_carried_ones(self, log: EventLog) -> None:
        bare = make_log([{"customer": c, "date": "2024-01-05"} for c in (1, 2)], [])
        table = {
            "customer": [1, 2],
            "speed": [5, 1],
            "courtesy": [5, 1],
            "price": [10, 0],
            "effort": [1, 5],
        }
        scored = MODEL.score(bare.population(AS_OF).join(table))
        direct = MODEL.score(
            {k: np.array(v, dtype=float) for k, v in table.items() if k != "customer"}
        )
        np.testing.assert_array_equal(scored, direct.index)
        profile = bare.profile(2, AS_OF).with_attributes(speed=1, courtesy=1, price=0, effort=5)
        assert MODEL.score(profile) == direct.index[1]

    def test_a_joined_answer_off_its_scale_names_the_customer(self) -> None:
        bare = make_log([{"customer": c, "date": "2024-01-05"} for c in ("ann", "bob")], [])
        table = {"customer": ["bob"], "speed": [7], "courtesy": [3], "price": [4], "effort": [2]}
        off = "^customer 'bob': answer to 'speed' must be within its scale 1-5 \\(got 7\\)$"
        with pytest.raises(ValidationError, match=off):
            MODEL.score(bare.population(AS_OF).join(table))
        with pytest.raises(ValidationError, match=off):
            MODEL.score(
                bare.profile("bob", AS_OF).with_attributes(speed=7, courtesy=3, price=4, effort=2)
            )

    def test_without_the_answers_it_still_raises(self) -> None:
        bare = make_log([{"customer": 1, "date": "2024-01-05"}], [])
        with pytest.raises(ValidationError, match="or join them"):
            MODEL.score(bare.population(AS_OF).join({"customer": [1], "speed": [3]}))
        with pytest.raises(ValidationError, match="or join them"):
            MODEL.score(bare.profile(1, AS_OF).with_attributes(speed=3))
