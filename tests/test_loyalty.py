"""Tests of lifecycle.loyalty: states, the rule, the ladder, the matrix, migration."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lifecycle.loyalty as loyalty
from conformance.loyalty_strategies import CUSTOMERS, ladders, loyalty_logs, rules
from lifecycle import EventLog, Money
from lifecycle.conditions import Condition
from lifecycle.errors import CurrencyMismatchError, SchemaError, ValidationError
from lifecycle.loyalty import (
    Decision,
    LadderRung,
    LoyaltyLadder,
    LoyaltyMatrix,
    LoyaltyMigration,
    LoyaltyRule,
    LoyaltyState,
    SpuriousLoyalty,
    count_states,
    loyalty_matrix,
    loyalty_migration,
    spurious_loyalty,
)

AS_OF = "2024-06-30"


def log_of(*records: dict[str, Any], attributes: tuple[str, ...] = ()) -> EventLog:
    log = EventLog.from_records(list(records), currency="EUR", attributes=attributes)
    assert isinstance(log, EventLog)
    return log


def buy(day: str, amount: str = "10", category: str | None = None, **extra: Any) -> dict[str, Any]:
    record = {"customer": 1, "date": day, "amount": amount, "category": category}
    return record | extra


def survey(day: str, score: float | None, **extra: Any) -> dict[str, Any]:
    return {"customer": 1, "date": day, "kind": "survey", "score": score} | extra


def profile_of(*records: dict[str, Any], **attributes: Any) -> Any:
    return log_of(*records).profile(1, AS_OF).with_attributes(**attributes)


# A repeat buyer, recent and not overdue (gap 30 days, 15 days since the last purchase).
REPEAT = (buy("2024-05-16"), buy("2024-06-15"))
ONCE = (buy("2024-06-15"),)


def assert_engines_agree(rule: Any, log: EventLog, as_of: dt.date) -> None:
    population = log.population(as_of)
    codes = rule.evaluate(population)
    assert codes.dtype == np.int8
    assert len(codes) == len(population)
    for i, customer in enumerate(population.customer.tolist()):
        profile = log.profile(customer, as_of)
        single = rule.evaluate(profile)
        assert int(single) == int(codes[i]), (customer, single, codes[i])
        assert rule.explain(profile).state == single


# ---------------------------------------------------------------------- states


class TestLoyaltyState:
    def test_order_and_codes(self) -> None:
        assert [s.label for s in LoyaltyState] == [
            "dissatisfied",
            "disappointed",
            "satisfied",
            "loyal",
            "promoter",
        ]
        assert [int(s) for s in LoyaltyState] == [0, 1, 2, 3, 4]
        assert LoyaltyState.DISSATISFIED < LoyaltyState.DISAPPOINTED < LoyaltyState.SATISFIED
        assert LoyaltyState.SATISFIED < LoyaltyState.LOYAL < LoyaltyState.PROMOTER
        assert max(LoyaltyState) is LoyaltyState.PROMOTER

    def test_str_and_format(self) -> None:
        assert str(LoyaltyState.LOYAL) == "loyal"
        assert f"{LoyaltyState.LOYAL:>7}" == "  loyal"

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("loyal", LoyaltyState.LOYAL),
            (" Promoter ", LoyaltyState.PROMOTER),
            (0, LoyaltyState.DISSATISFIED),
            (np.int8(2), LoyaltyState.SATISFIED),
            (LoyaltyState.DISAPPOINTED, LoyaltyState.DISAPPOINTED),
        ],
    )
    def test_parse(self, value: object, expected: LoyaltyState) -> None:
        assert LoyaltyState.parse(value) is expected

    def test_call_accepts_labels(self) -> None:
        assert LoyaltyState("satisfied") is LoyaltyState.SATISFIED

    @pytest.mark.parametrize(
        ("value", "match"),
        [
            ("fan", r"must be one of dissatisfied, .* or a code 0-4 \(got 'fan'\)"),
            (5, r"or a code 0-4 \(got 5\)"),
            (-1, r"\(got -1\)"),
            (2.0, r"\(got 2.0\)"),
            (None, r"\(got None\)"),
            (True, r"must be a member, a code or a label \(got True\)"),
        ],
    )
    def test_parse_rejects(self, value: object, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            LoyaltyState.parse(value)

    @pytest.mark.parametrize(
        "values",
        [
            [0, 3, 4],
            np.array([0, 3, 4], dtype=np.int8),
            [0.0, 3.0, 4.0],
            ["dissatisfied", "LOYAL", "promoter"],
            [LoyaltyState.DISSATISFIED, LoyaltyState.LOYAL, LoyaltyState.PROMOTER],
            np.array([0, LoyaltyState.LOYAL, 4], dtype=object),
        ],
    )
    def test_codes(self, values: Any) -> None:
        codes = LoyaltyState.codes(values)
        assert codes.dtype == np.int8
        assert codes.tolist() == [0, 3, 4]

    def test_codes_empty(self) -> None:
        assert LoyaltyState.codes([]).tolist() == []

    @pytest.mark.parametrize(
        ("values", "match"),
        [
            (
                [0, 5],
                r"'states' must be a LoyaltyState code 0-4 \(1 violation, first at index 1: 5\)",
            ),
            ([0, -1, 9], r"code 0-4 \(2 violations, first at index 1: -1\)"),
            ([1.5], r"code 0-4 \(1 violation, first at index 0: 1.5\)"),
            ([1.0, float("nan")], r"first at index 1: nan"),
            (["loyal", "fan"], r"must be one of \('dissatisfied', .*first at index 1: 'fan'\)"),
            ([1, None], r"must be a LoyaltyState label or code \(1 violation, first at index 1"),
            (np.array(["loyal", 3], dtype=object), r"must be one of .*first at index 1: '3'"),
            ([True], r"must contain LoyaltyState labels or codes \(got dtype bool\)"),
            ([[1]], r"must be 1-dimensional"),
            ("loyal", r"must be an array of states, not a string"),
        ],
    )
    def test_codes_reject(self, values: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            LoyaltyState.codes(values)

    def test_labels(self) -> None:
        assert LoyaltyState.labels(np.array([4, 0], dtype=np.int8)).tolist() == [
            "promoter",
            "dissatisfied",
        ]
        with pytest.raises(ValidationError, match=r"'codes' must be a LoyaltyState code"):
            LoyaltyState.labels([7])


class TestLadderRung:
    def test_order(self) -> None:
        assert [r.label for r in LadderRung] == [
            "prospect",
            "customer",
            "client",
            "supporter",
            "advocate",
            "partner",
        ]
        assert LadderRung.PROSPECT < LadderRung.PARTNER
        assert LadderRung.codes(["partner", "client"]).tolist() == [5, 2]

    def test_rejects_loyalty_labels(self) -> None:
        with pytest.raises(ValidationError, match=r"LadderRung must be one of prospect"):
            LadderRung.parse("loyal")


# ---------------------------------------------------------------------- the rule


class TestLoyaltyRule:
    def test_defaults(self) -> None:
        rule = LoyaltyRule()
        assert (rule.satisfaction, rule.satisfied_at, rule.dissatisfied_below) == (
            "satisfaction",
            70,
            50,
        )
        assert (rule.promoter_at, rule.min_repeat_purchases, rule.min_purchases_365d) == (9, 1, 1)
        assert rule.max_lapse_ratio == 2.0
        assert rule.recommend_fallback is True
        assert rule.unknown_as is LoyaltyState.SATISFIED

    @pytest.mark.parametrize(
        ("records", "attributes", "expected"),
        [
            # Satisfaction index decides the lower three states.
            (ONCE, {"satisfaction": 30}, LoyaltyState.DISSATISFIED),
            (ONCE, {"satisfaction": 49.9}, LoyaltyState.DISSATISFIED),
            (ONCE, {"satisfaction": 50}, LoyaltyState.DISAPPOINTED),
            (ONCE, {"satisfaction": 69}, LoyaltyState.DISAPPOINTED),
            (ONCE, {"satisfaction": 70}, LoyaltyState.SATISFIED),
            # Repeat behaviour makes a satisfied customer loyal.
            (REPEAT, {"satisfaction": 70}, LoyaltyState.LOYAL),
            (REPEAT, {"satisfaction": 60}, LoyaltyState.DISAPPOINTED),
            # The recommend question makes a loyal customer a promoter.
            ((*REPEAT, survey("2024-06-20", 9)), {"satisfaction": 80}, LoyaltyState.PROMOTER),
            ((*REPEAT, survey("2024-06-20", 8)), {"satisfaction": 80}, LoyaltyState.LOYAL),
            ((*ONCE, survey("2024-06-20", 10)), {"satisfaction": 80}, LoyaltyState.SATISFIED),
            # A high score does not lift a low satisfaction index.
            ((*REPEAT, survey("2024-06-20", 10)), {"satisfaction": 20}, LoyaltyState.DISSATISFIED),
            # Missing satisfaction: the recommend answer times ten stands in.
            ((*REPEAT, survey("2024-06-20", 10)), {}, LoyaltyState.PROMOTER),
            ((*REPEAT, survey("2024-06-20", 10)), {"satisfaction": None}, LoyaltyState.PROMOTER),
            ((*ONCE, survey("2024-06-20", 7)), {}, LoyaltyState.SATISFIED),
            ((*ONCE, survey("2024-06-20", 6)), {}, LoyaltyState.DISAPPOINTED),
            ((*ONCE, survey("2024-06-20", 5)), {}, LoyaltyState.DISAPPOINTED),
            ((*REPEAT, survey("2024-06-20", 4)), {}, LoyaltyState.DISSATISFIED),
            # Neither known: unknown_as (satisfied), so behaviour alone can make loyal.
            (ONCE, {}, LoyaltyState.SATISFIED),
            (REPEAT, {}, LoyaltyState.LOYAL),
            (REPEAT, {"satisfaction": float("nan")}, LoyaltyState.LOYAL),
            # Overdue: 200 days since the last purchase, usual gap 30 days.
            ((buy("2023-11-13"), buy("2023-12-13")), {"satisfaction": 90}, LoyaltyState.SATISFIED),
            # No purchase in the last 365 days.
            ((buy("2022-01-01"), buy("2022-02-01")), {}, LoyaltyState.SATISFIED),
            # Two purchases on one day: no usual gap, so not overdue.
            ((buy("2024-06-01"), buy("2024-06-01")), {}, LoyaltyState.LOYAL),
        ],
    )
    def test_states(
        self, records: tuple[dict[str, Any], ...], attributes: dict[str, Any], expected: Any
    ) -> None:
        profile = profile_of(*records, **attributes)
        assert LoyaltyRule().evaluate(profile) is expected

    def test_visit_only_customer(self) -> None:
        log = log_of({"customer": 1, "date": "2024-06-01", "kind": "visit"})
        assert LoyaltyRule().evaluate(log.profile(1, AS_OF)) is LoyaltyState.SATISFIED
        assert LoyaltyRule(unknown_as="disappointed").evaluate(log.profile(1, AS_OF)) == 1

    @pytest.mark.parametrize(
        ("unknown_as", "once", "repeat"),
        [
            ("dissatisfied", LoyaltyState.DISSATISFIED, LoyaltyState.DISSATISFIED),
            ("disappointed", LoyaltyState.DISAPPOINTED, LoyaltyState.DISAPPOINTED),
            ("satisfied", LoyaltyState.SATISFIED, LoyaltyState.LOYAL),
        ],
    )
    def test_unknown_as(self, unknown_as: str, once: Any, repeat: Any) -> None:
        rule = LoyaltyRule(unknown_as=unknown_as)
        assert rule.evaluate(profile_of(*ONCE)) is once
        assert rule.evaluate(profile_of(*REPEAT)) is repeat

    def test_without_fallback_the_score_is_not_satisfaction(self) -> None:
        rule = LoyaltyRule(recommend_fallback=False)
        detractor = profile_of(*REPEAT, survey("2024-06-20", 2))
        assert LoyaltyRule().evaluate(detractor) is LoyaltyState.DISSATISFIED
        assert rule.evaluate(detractor) is LoyaltyState.LOYAL
        promoter = profile_of(*REPEAT, survey("2024-06-20", 10))
        assert rule.evaluate(promoter) is LoyaltyState.PROMOTER
        no_fallback_unknown = LoyaltyRule(recommend_fallback=False, unknown_as="dissatisfied")
        assert no_fallback_unknown.evaluate(promoter) is LoyaltyState.DISSATISFIED

    def test_thresholds(self) -> None:
        profile = profile_of(*REPEAT, survey("2024-06-20", 8), satisfaction=65)
        assert LoyaltyRule().evaluate(profile) is LoyaltyState.DISAPPOINTED
        assert LoyaltyRule(satisfied_at=60).evaluate(profile) is LoyaltyState.LOYAL
        assert LoyaltyRule(satisfied_at=60, promoter_at=8).evaluate(profile) == 4
        assert LoyaltyRule(satisfied_at=60, min_repeat_purchases=2).evaluate(profile) == 2
        assert LoyaltyRule(satisfied_at=60, min_purchases_365d=3).evaluate(profile) == 2
        assert LoyaltyRule(dissatisfied_below=66, satisfied_at=80).evaluate(profile) == 0

    def test_max_lapse_ratio(self) -> None:
        overdue = profile_of(buy("2023-11-13"), buy("2023-12-13"), satisfaction=90)
        assert overdue.lapse_ratio > 6
        assert LoyaltyRule(max_lapse_ratio=None).evaluate(overdue) is LoyaltyState.LOYAL
        assert LoyaltyRule(max_lapse_ratio=7.0).evaluate(overdue) is LoyaltyState.LOYAL
        assert LoyaltyRule(max_lapse_ratio=6.0).evaluate(overdue) is LoyaltyState.SATISFIED

    def test_custom_satisfaction_attribute(self) -> None:
        rule = LoyaltyRule(satisfaction="csat_index")
        profile = profile_of(*REPEAT, csat_index=40, satisfaction=95)
        assert rule.evaluate(profile) is LoyaltyState.DISSATISFIED

    def test_population(self) -> None:
        log = log_of(
            *REPEAT,
            {"customer": 2, "date": "2024-06-01", "amount": "5"},
            {"customer": 3, "date": "2024-06-01", "kind": "survey", "score": 3},
            {"customer": 4, "date": "2024-06-01", "amount": "5"},
        )
        population = log.population(AS_OF).join({"customer": [2, 4], "satisfaction": [55, 90]})
        codes = LoyaltyRule().evaluate(population)
        assert codes.dtype == np.int8
        assert LoyaltyState.labels(codes).tolist() == [
            "loyal",
            "disappointed",
            "dissatisfied",
            "satisfied",
        ]

    def test_population_without_satisfaction_column(self) -> None:
        log = log_of(*REPEAT, {"customer": 2, "date": "2024-06-01", "kind": "survey", "score": 5})
        assert LoyaltyRule().evaluate(log.population(AS_OF)).tolist() == [3, 1]

    def test_satisfaction_carried_from_the_log(self) -> None:
        log = log_of(
            buy("2024-05-16", satisfaction=20),
            buy("2024-06-15", satisfaction=None),
            attributes=("satisfaction",),
        )
        assert LoyaltyRule().evaluate(log.profile(1, AS_OF)) is LoyaltyState.DISSATISFIED
        assert LoyaltyRule().evaluate(log.population(AS_OF)).tolist() == [0]

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=loyalty_logs(), rule=rules())
    def test_engines_agree(self, data: tuple[EventLog, dt.date], rule: LoyaltyRule) -> None:
        log, as_of = data
        assert_engines_agree(rule, log, as_of)

    @settings(max_examples=40, deadline=None)
    @given(
        data=loyalty_logs(attributes=("referrals", "premium")),
        scores=st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=4, max_size=4),
    )
    def test_engines_agree_with_joined_satisfaction(
        self, data: tuple[EventLog, dt.date], scores: list[float | None]
    ) -> None:
        log, as_of = data
        table = {"customer": list(CUSTOMERS), "satisfaction": scores}
        population = log.population(as_of).join(table)
        codes = LoyaltyRule().evaluate(population)
        for i, customer in enumerate(population.customer.tolist()):
            value = scores[CUSTOMERS.index(customer)]
            profile = log.profile(customer, as_of).with_attributes(satisfaction=value)
            assert LoyaltyRule().evaluate(profile) == codes[i]

    @pytest.mark.parametrize(
        "values",
        [
            [80, 55.5, None, 20, float("nan")],
            [np.int64(80), np.float64(55.5), None, 20, 70],
            [Decimal("80"), Decimal("55.5"), None, 20, Decimal("69.99")],
            [80, "high", None, True, 70],
        ],
    )
    def test_joined_column_types(self, values: list[Any]) -> None:
        log = log_of(*({**record, "customer": c} for c in range(5) for record in REPEAT))
        population = log.population(AS_OF).join(
            {"customer": list(range(5)), "satisfaction": values}
        )
        codes = LoyaltyRule().evaluate(population)
        expected = [
            LoyaltyRule().evaluate(log.profile(c, AS_OF).with_attributes(satisfaction=v))
            for c, v in enumerate(values)
        ]
        assert codes.tolist() == [int(state) for state in expected]
        assert population["satisfaction"].dtype.kind == "O"  # the input is not changed
        assert codes[0] == LoyaltyState.LOYAL

    def test_evaluate_rejects_other_subjects(self) -> None:
        with pytest.raises(ValidationError, match=r"can only evaluate a Profile or a Population"):
            LoyaltyRule().evaluate({"purchase_count": 3})  # type: ignore[call-overload]

    def test_conditions(self) -> None:
        steps = LoyaltyRule().conditions()
        assert [state for state, _ in steps] == sorted(LoyaltyState, reverse=True)
        assert all(isinstance(condition, Condition) for _, condition in steps)
        assert "satisfaction" in steps[2][1].signals()
        without = LoyaltyRule().conditions(profile_of(*ONCE))
        assert "satisfaction" not in without[2][1].signals()
        assert without[2][1].signals() == {"last_survey_score"}

    def test_explain(self) -> None:
        profile = profile_of(*REPEAT, satisfaction=82)
        decision = LoyaltyRule().explain(profile)
        assert isinstance(decision, Decision)
        assert decision.state is LoyaltyState.LOYAL
        assert [state for state, _ in decision.checked] == [
            LoyaltyState.PROMOTER,
            LoyaltyState.LOYAL,
        ]
        assert not decision.checked[0][1].holds
        assert decision.decided_by.holds
        text = str(decision)
        assert text.startswith("loyal: the highest state whose condition holds\n  promoter:")
        assert "true: satisfaction >= 70 (actual 82)" in text
        assert "false: last_survey_score >= 9 (actual missing)" in text

    def test_explain_the_lowest_state(self) -> None:
        decision = LoyaltyRule().explain(profile_of(*ONCE, satisfaction=10))
        assert decision.state is LoyaltyState.DISSATISFIED
        assert len(decision.checked) == 5
        assert str(decision.decided_by) == "true: always"

    def test_explain_rejects_population(self) -> None:
        log = log_of(*ONCE)
        with pytest.raises(ValidationError, match=r"explain\(\) takes a Profile"):
            LoyaltyRule().explain(log.population(AS_OF))  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "rule",
        [
            LoyaltyRule(),
            LoyaltyRule(
                satisfaction="csat",
                satisfied_at=80.5,
                dissatisfied_below=40,
                promoter_at=10,
                min_repeat_purchases=3,
                min_purchases_365d=2,
                max_lapse_ratio=None,
                recommend_fallback=False,
                unknown_as=LoyaltyState.DISAPPOINTED,
            ),
        ],
    )
    def test_round_trip(self, rule: LoyaltyRule) -> None:
        data = json.loads(json.dumps(rule.to_dict()))
        assert data["schema"] == "lifecycle.loyalty_rule/1"
        assert LoyaltyRule.from_dict(data) == rule

    def test_from_dict_defaults_and_errors(self) -> None:
        assert LoyaltyRule.from_dict({"schema": "lifecycle.loyalty_rule/1"}) == LoyaltyRule()
        with pytest.raises(SchemaError, match=r"unknown key 'threshold'"):
            LoyaltyRule.from_dict({"schema": "lifecycle.loyalty_rule/1", "threshold": 3})
        with pytest.raises(SchemaError, match=r"expected schema 'lifecycle.loyalty_rule/1'"):
            LoyaltyRule.from_dict({"schema": "lifecycle.loyalty_rule/2"})
        with pytest.raises(ValidationError, match=r"'promoter_at' must be a number in \[0, 10\]"):
            LoyaltyRule.from_dict({"schema": "lifecycle.loyalty_rule/1", "promoter_at": "9"})

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"satisfied_at": 120}, r"'satisfied_at' must be a number in \[0, 100\] \(got 120\)"),
            ({"satisfied_at": -1}, r"'satisfied_at' must be a number in \[0, 100\] \(got -1\)"),
            ({"satisfied_at": float("nan")}, r"'satisfied_at' .*\(got nan\)"),
            ({"satisfied_at": True}, r"'satisfied_at' .*\(got True\)"),
            ({"dissatisfied_below": "50"}, r"'dissatisfied_below' .*\(got '50'\)"),
            ({"promoter_at": 11}, r"'promoter_at' must be a number in \[0, 10\] \(got 11\)"),
            (
                {"satisfied_at": 40, "dissatisfied_below": 60},
                r"'dissatisfied_below' \(60\) must be <= 'satisfied_at' \(40\)",
            ),
            ({"min_repeat_purchases": -1}, r"'min_repeat_purchases' must be a whole number >= 0"),
            ({"min_purchases_365d": 1.5}, r"'min_purchases_365d' must be a whole number >= 0"),
            ({"max_lapse_ratio": -0.5}, r"'max_lapse_ratio' must be a number >= 0 \(got -0.5\)"),
            ({"max_lapse_ratio": float("inf")}, r"'max_lapse_ratio' .*\(got inf\)"),
            ({"recommend_fallback": 1}, r"'recommend_fallback' must be True or False \(got 1\)"),
            ({"satisfaction": ""}, r"'satisfaction' must be a non-empty attribute name"),
            ({"unknown_as": "loyal"}, r"'unknown_as' must be dissatisfied, disappointed or sat"),
            ({"unknown_as": "fan"}, r"LoyaltyState must be one of .*\(got 'fan'\)"),
        ],
    )
    def test_rejects(self, kwargs: dict[str, Any], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            LoyaltyRule(**kwargs)

    def test_is_frozen_and_keyword_only(self) -> None:
        rule = LoyaltyRule()
        with pytest.raises(AttributeError):
            rule.satisfied_at = 10  # type: ignore[misc]
        with pytest.raises(TypeError):
            LoyaltyRule("satisfaction")  # type: ignore[misc]


# ---------------------------------------------------------------------- the ladder


class TestLoyaltyLadder:
    @pytest.mark.parametrize(
        ("records", "attributes", "expected"),
        [
            (({"customer": 1, "date": "2024-06-01", "kind": "visit"},), {}, LadderRung.PROSPECT),
            (ONCE, {}, LadderRung.CUSTOMER),
            (REPEAT, {}, LadderRung.CLIENT),
            ((buy("2024-05-01", category="tea"), buy("2024-06-01", category="cups")), {}, 3),
            ((*REPEAT, survey("2024-06-20", 9)), {}, LadderRung.ADVOCATE),
            ((*REPEAT, survey("2024-06-20", 8)), {}, LadderRung.CLIENT),
            (REPEAT, {"referrals": 1}, LadderRung.ADVOCATE),
            (REPEAT, {"referrals": 0}, LadderRung.CLIENT),
            (REPEAT, {"referrals": 2, "premium": True}, LadderRung.PARTNER),
            (REPEAT, {"referrals": 2, "premium": False}, LadderRung.ADVOCATE),
            # Premium without advocacy stays a client; advocacy needs repeat buying.
            (REPEAT, {"premium": True}, LadderRung.CLIENT),
            ((*ONCE, survey("2024-06-20", 10)), {"referrals": 3}, LadderRung.CUSTOMER),
        ],
    )
    def test_rungs(
        self, records: tuple[dict[str, Any], ...], attributes: dict[str, Any], expected: Any
    ) -> None:
        assert LoyaltyLadder().evaluate(profile_of(*records, **attributes)) == expected

    @pytest.mark.parametrize(
        ("threshold", "expected"),
        [
            (Money("20", "EUR"), LadderRung.PARTNER),
            (Money("20.01", "EUR"), LadderRung.ADVOCATE),
            (Decimal("20"), LadderRung.PARTNER),
            ("20.00", LadderRung.PARTNER),
            (21, LadderRung.ADVOCATE),
        ],
    )
    def test_premium_spend(self, threshold: Any, expected: LadderRung) -> None:
        profile = profile_of(*REPEAT, referrals=1)
        ladder = LoyaltyLadder(premium_spend_365d=threshold)
        assert ladder.evaluate(profile) is expected
        log = log_of(*REPEAT)
        population = log.population(AS_OF).join({"customer": [1], "referrals": [1]})
        assert ladder.evaluate(population).tolist() == [int(expected)]

    def test_premium_spend_in_another_currency(self) -> None:
        ladder = LoyaltyLadder(premium_spend_365d=Money("20", "USD"))
        with pytest.raises(CurrencyMismatchError, match=r"'spend_365d' is in EUR"):
            ladder.evaluate(profile_of(*REPEAT, referrals=1))

    def test_thresholds(self) -> None:
        profile = profile_of(
            buy("2024-04-01", category="tea"),
            buy("2024-05-01", category="cups"),
            buy("2024-06-01", category="pots"),
        )
        assert LoyaltyLadder().evaluate(profile) is LadderRung.SUPPORTER
        assert LoyaltyLadder(supporter_categories=4).evaluate(profile) is LadderRung.CLIENT
        assert LoyaltyLadder(client_purchases=4).evaluate(profile) is LadderRung.CUSTOMER
        assert LoyaltyLadder(customer_purchases=4, client_purchases=4).evaluate(profile) == 0
        referred = profile.with_attributes(referrals=2)
        assert LoyaltyLadder(min_referrals=3).evaluate(referred) is LadderRung.SUPPORTER
        assert LoyaltyLadder(referrals="friends").evaluate(referred) is LadderRung.SUPPORTER

    def test_custom_attribute_names(self) -> None:
        ladder = LoyaltyLadder(referrals="friends_referred", premium="gold_rate")
        profile = profile_of(*REPEAT, friends_referred=1, gold_rate=True)
        assert ladder.evaluate(profile) is LadderRung.PARTNER

    def test_population(self) -> None:
        log = log_of(
            *REPEAT,
            {"customer": 2, "date": "2024-06-01", "kind": "visit"},
            {"customer": 3, "date": "2024-06-01", "amount": "5"},
        )
        population = log.population(AS_OF).join(
            {"customer": [1, 3], "referrals": [1, 5], "premium": [True, True]}
        )
        codes = LoyaltyLadder().evaluate(population)
        assert codes.dtype == np.int8
        assert LadderRung.labels(codes).tolist() == ["partner", "prospect", "customer"]

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=loyalty_logs(), ladder=ladders())
    def test_engines_agree(self, data: tuple[EventLog, dt.date], ladder: LoyaltyLadder) -> None:
        log, as_of = data
        assert_engines_agree(ladder, log, as_of)

    def test_conditions(self) -> None:
        steps = LoyaltyLadder().conditions()
        assert [rung for rung, _ in steps] == sorted(LadderRung, reverse=True)
        assert {"referrals", "premium"} <= steps[0][1].signals()
        bare = LoyaltyLadder().conditions(profile_of(*ONCE))
        assert not {"referrals", "premium"} & bare[0][1].signals()

    def test_explain(self) -> None:
        decision = LoyaltyLadder().explain(profile_of(*REPEAT, referrals=4))
        assert decision.state is LadderRung.ADVOCATE
        text = str(decision)
        assert text.startswith("advocate: the highest rung whose condition holds\n  partner:")
        assert "true: referrals >= 1 (actual 4)" in text
        assert "      false: never" in text
        with_premium = LoyaltyLadder().explain(profile_of(*REPEAT, referrals=4, premium=None))
        assert "false: premium in (True) (actual missing)" in str(with_premium)

    @pytest.mark.parametrize(
        "ladder",
        [
            LoyaltyLadder(),
            LoyaltyLadder(
                customer_purchases=2,
                client_purchases=3,
                supporter_categories=3,
                advocate_score=10,
                referrals="refs",
                min_referrals=2,
                premium="vip",
                premium_spend_365d=Money("1000.50", "EUR"),
            ),
            LoyaltyLadder(premium_spend_365d=Decimal("250")),
        ],
    )
    def test_round_trip(self, ladder: LoyaltyLadder) -> None:
        data = json.loads(json.dumps(ladder.to_dict()))
        assert data["schema"] == "lifecycle.loyalty_ladder/1"
        assert LoyaltyLadder.from_dict(data) == ladder

    def test_from_dict_errors(self) -> None:
        with pytest.raises(SchemaError, match=r"unknown key 'rungs'"):
            LoyaltyLadder.from_dict({"schema": "lifecycle.loyalty_ladder/1", "rungs": []})
        with pytest.raises(SchemaError, match=r"expected schema 'lifecycle.loyalty_ladder/1'"):
            LoyaltyLadder.from_dict(LoyaltyRule().to_dict())

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"customer_purchases": 0}, r"'customer_purchases' must be a whole number >= 1"),
            (
                {"customer_purchases": 3},
                r"'client_purchases' \(2\) must be >= 'customer_purchases' \(3\)",
            ),
            ({"supporter_categories": 0}, r"'supporter_categories' must be a whole number >= 1"),
            ({"advocate_score": 10.5}, r"'advocate_score' must be a number in \[0, 10\]"),
            ({"min_referrals": 0}, r"'min_referrals' must be a whole number >= 1"),
            ({"referrals": None}, r"'referrals' must be a non-empty attribute name"),
            ({"premium": ""}, r"'premium' must be a non-empty attribute name"),
            ({"premium_spend_365d": 99.5}, r"'premium_spend_365d' must be a str, int or Decimal"),
            ({"premium_spend_365d": "-1"}, r"'premium_spend_365d' must be >= 0 \(got '-1'\)"),
            (
                {"premium_spend_365d": Money("-1", "EUR")},
                r"'premium_spend_365d' must be >= 0 \(got -1 EUR\)",
            ),
        ],
    )
    def test_rejects(self, kwargs: dict[str, Any], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            LoyaltyLadder(**kwargs)


class TestDecision:
    def test_lines(self) -> None:
        decision = LoyaltyLadder().explain(profile_of(*ONCE))
        lines = decision.lines()
        assert lines[0] == "customer: the highest rung whose condition holds"
        assert lines[-2:] == ["  customer:", "    true: purchase_count >= 1 (actual 1)"]
        assert str(decision) == "\n".join(lines)


# ---------------------------------------------------------------------- Dick and Basu


class TestLoyaltyMatrix:
    def test_result(self) -> None:
        matrix = loyalty_matrix([0.9, 0.8, 0.1, 0.3, 0.7], [0.9, 0.2, 0.7, 0.1, 0.6])
        assert isinstance(matrix, LoyaltyMatrix)
        assert len(matrix) == 5
        assert matrix.codes.dtype == np.int8
        assert list(matrix.counts) == ["true", "latent", "spurious", "none"]
        assert matrix.counts == {"true": 2, "latent": 1, "spurious": 1, "none": 1}
        assert matrix.shares == {"true": 0.4, "latent": 0.2, "spurious": 0.2, "none": 0.2}
        assert matrix.table.tolist() == [[2, 1], [1, 1]]
        assert matrix.mask("true").tolist() == [True, False, False, False, True]
        assert repr(matrix) == "LoyaltyMatrix(n=5, true=2, latent=1, spurious=1, none=1)"

    def test_mask_rejects_unknown_cell(self) -> None:
        with pytest.raises(ValidationError, match=r"'cell' must be one of .*\(got 'loyal'\)"):
            loyalty_matrix([0.5], [0.5]).mask("loyal")


class TestLoyaltyMatrixFunction:
    @pytest.mark.parametrize(
        ("attitude", "repeat", "label"),
        [
            (0.5, 0.5, "true"),
            (0.5, 0.4999, "latent"),
            (0.4999, 0.5, "spurious"),
            (0.0, 0.0, "none"),
            (1.0, 1.0, "true"),
        ],
    )
    def test_threshold_is_high(self, attitude: float, repeat: float, label: str) -> None:
        assert loyalty_matrix([attitude], [repeat]).labels.tolist() == [label]

    def test_thresholds(self) -> None:
        attitude, repeat = [0.7, 0.7, 0.5], [0.3, 0.7, 0.5]
        assert loyalty_matrix(attitude, repeat, threshold=0.6).labels.tolist() == [
            "latent",
            "true",
            "none",
        ]
        matrix = loyalty_matrix(attitude, repeat, threshold=0.6, repeat_threshold=0.2)
        assert matrix.labels.tolist() == ["true", "true", "spurious"]
        assert (matrix.threshold, matrix.repeat_threshold) == (0.6, 0.2)

    def test_accepts_arrays_and_ints(self) -> None:
        matrix = loyalty_matrix(np.array([1, 0]), (0, 1))
        assert matrix.labels.tolist() == ["latent", "spurious"]

    def test_does_not_mutate_inputs(self) -> None:
        attitude = np.array([0.2, 0.9])
        loyalty_matrix(attitude, [0.1, 0.1])
        assert attitude.tolist() == [0.2, 0.9]

    @pytest.mark.parametrize(
        ("attitude", "repeat", "match"),
        [
            ([0.1, float("nan")], [0.1, 0.1], r"'attitude' must be a finite number .*index 1: nan"),
            ([0.1, 0.2], [0.1, -0.1], r"'repeat' must be >= 0 \(1 violation, first at index 1"),
            (
                [1.5, 0.2, 2.0],
                [0.1] * 3,
                r"'attitude' must be <= 1 \(2 violations, first at index 0",
            ),
            ([0.1, 0.2], [0.1], r"arrays must have equal lengths \(got attitude=2, repeat=1\)"),
            ([], [], r"'attitude' must not be empty"),
            (["high"], [0.1], r"'attitude' must contain numbers"),
            ([True], [0.1], r"'attitude' must contain numbers \(got booleans\)"),
            ([[0.1]], [0.1], r"'attitude' must be 1-dimensional"),
        ],
    )
    def test_rejects_scores(self, attitude: Any, repeat: Any, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            loyalty_matrix(attitude, repeat)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"threshold": 1.5}, r"'threshold' must be a number in \[0, 1\] \(got 1.5\)"),
            ({"threshold": float("nan")}, r"'threshold' must be a number in \[0, 1\]"),
            ({"threshold": True}, r"'threshold' .*\(got True\)"),
            ({"repeat_threshold": -0.1}, r"'repeat_threshold' must be a number in \[0, 1\]"),
        ],
    )
    def test_rejects_thresholds(self, kwargs: dict[str, Any], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            loyalty_matrix([0.5], [0.5], **kwargs)

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(
            st.tuples(st.floats(0, 1), st.floats(0, 1)),
            min_size=1,
            max_size=30,
        ),
        st.floats(0, 1),
    )
    def test_cells_match_definition(self, pairs: list[tuple[float, float]], cut: float) -> None:
        attitude, repeat = zip(*pairs, strict=True)
        matrix = loyalty_matrix(list(attitude), list(repeat), threshold=cut)
        expected = [
            {(True, True): "true", (True, False): "latent", (False, True): "spurious"}.get(
                (a >= cut, r >= cut), "none"
            )
            for a, r in pairs
        ]
        assert matrix.labels.tolist() == expected
        assert sum(matrix.counts.values()) == len(pairs)


class TestSpuriousLoyalty:
    def test_result(self) -> None:
        result = spurious_loyalty(
            [0.2, 0.9, 0.1, 0.8, 0.3],
            [0.9, 0.9, 0.9, 0.1, 0.2],
            discounted_share=[0.0, 0.8, 0.6, 0.9, 0.9],
        )
        assert isinstance(result, SpuriousLoyalty)
        assert result.reason_codes.dtype == np.int8
        assert result.reason_codes.tolist() == [1, 2, 3, 0, 0]
        assert result.mask.tolist() == [True, True, True, False, False]
        assert result.reasons.tolist() == [
            "weak_attitude",
            "discounted",
            "weak_attitude+discounted",
            "",
            "",
        ]
        assert result.counts == {"weak_attitude": 1, "discounted": 1, "weak_attitude+discounted": 1}
        assert result.flagged == 3
        assert len(result) == 5
        assert "flagged=3" in repr(result)


class TestSpuriousLoyaltyFunction:
    def test_attitude_only(self) -> None:
        result = spurious_loyalty([0.2, 0.9, 0.2], [0.9, 0.9, 0.1])
        assert result.reasons.tolist() == ["weak_attitude", "", ""]

    def test_agrees_with_the_spurious_cell(self) -> None:
        attitude, repeat = [0.1, 0.6, 0.3, 0.9, 0.5], [0.8, 0.2, 0.1, 0.9, 0.5]
        weak = spurious_loyalty(attitude, repeat).reason_codes == SpuriousLoyalty.WEAK_ATTITUDE
        assert weak.tolist() == loyalty_matrix(attitude, repeat).mask("spurious").tolist()

    @pytest.mark.parametrize(
        ("share", "limit", "flagged"),
        [(0.5, 0.5, False), (0.51, 0.5, True), (0.3, 0.25, True), (1.0, 1.0, False)],
    )
    def test_mostly_discounted(self, share: float, limit: float, flagged: bool) -> None:
        result = spurious_loyalty(
            [0.9], [0.9], discounted_share=[share], max_discounted_share=limit
        )
        assert result.mask.tolist() == [flagged]

    def test_thresholds(self) -> None:
        result = spurious_loyalty([0.55, 0.55], [0.3, 0.7], threshold=0.6, repeat_threshold=0.5)
        assert result.reasons.tolist() == ["", "weak_attitude"]

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            (
                {"discounted_share": [0.1, 0.2]},
                r"arrays must have equal lengths \(got attitude=1, discounted_share=2\)",
            ),
            (
                {"discounted_share": [float("nan")]},
                r"'discounted_share' must be a finite number \(1 violation, first at index 0",
            ),
            ({"discounted_share": [1.2]}, r"'discounted_share' must be <= 1"),
            ({"max_discounted_share": 2}, r"'max_discounted_share' must be a number in \[0, 1\]"),
            ({"threshold": -1}, r"'threshold' must be a number in \[0, 1\]"),
        ],
    )
    def test_rejects(self, kwargs: dict[str, Any], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            spurious_loyalty([0.5], [0.5], **kwargs)

    def test_rejects_bad_scores(self) -> None:
        with pytest.raises(ValidationError, match=r"'repeat' must be <= 1 .*index 2: 3.0"):
            spurious_loyalty([0.5, 0.5, 0.5], [0.5, 0.5, 3.0])


# ---------------------------------------------------------------------- migration


class TestLoyaltyMigration:
    def test_result(self) -> None:
        migration = loyalty_migration([2, 2, 3, 4, 0], [3, 2, 4, 3, 0])
        assert isinstance(migration, LoyaltyMigration)
        assert migration.labels == tuple(s.label for s in LoyaltyState)
        counts = migration.counts
        assert counts.shape == (5, 5)
        assert counts.dtype == np.int64
        assert counts.sum() == 5
        assert counts[2].tolist() == [0, 0, 1, 1, 0]
        assert counts[4, 3] == 1
        assert (migration.up, migration.down, migration.stayed) == (2, 1, 2)
        assert migration.direction.tolist() == [1, 0, 1, -1, 0]
        assert migration.direction.dtype == np.int8
        assert repr(migration) == "LoyaltyMigration(LoyaltyState, n=5, up=2, down=1, stayed=2)"

    def test_rates(self) -> None:
        rates = loyalty_migration([2, 2, 2, 3], [2, 3, 3, 0]).rates
        assert rates[2].tolist() == pytest.approx([0, 0, 1 / 3, 2 / 3, 0])
        assert rates[3].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
        assert np.isnan(rates[0]).all()
        assert np.isnan(rates[4]).all()

    def test_to_table(self) -> None:
        table = loyalty_migration(["loyal"], ["promoter"]).to_table()
        assert table.columns == ("from", *(s.label for s in LoyaltyState))
        assert table["promoter"].tolist() == [0, 0, 0, 1, 0]


class TestLoyaltyMigrationFunction:
    @pytest.mark.parametrize(
        ("before", "after"),
        [
            (["satisfied", "loyal"], ["loyal", "loyal"]),
            ([LoyaltyState.SATISFIED, LoyaltyState.LOYAL], [3, 3]),
            (np.array([2, 3], dtype=np.int8), ("LOYAL", "loyal")),
        ],
    )
    def test_inputs(self, before: Any, after: Any) -> None:
        migration = loyalty_migration(before, after)
        assert migration.before.tolist() == [2, 3]
        assert migration.after.tolist() == [3, 3]

    def test_ladder_rungs(self) -> None:
        migration = loyalty_migration(
            ["prospect", "client", "partner"],
            ["customer", "advocate", "client"],
            states=LadderRung,
        )
        assert migration.counts.shape == (6, 6)
        assert (migration.up, migration.down) == (2, 1)
        assert migration.labels[0] == "prospect"

    def test_between_two_evaluations(self) -> None:
        log = log_of(*REPEAT, {"customer": 2, "date": "2024-01-10", "amount": "5"})
        rule = LoyaltyRule()
        before = rule.evaluate(log.population("2024-05-31"))
        after = rule.evaluate(log.population(AS_OF))
        migration = loyalty_migration(before, after)
        assert before.tolist() == [2, 2]
        assert after.tolist() == [3, 2]
        assert migration.up == 1

    @pytest.mark.parametrize(
        ("before", "after", "kwargs", "match"),
        [
            (["loyal"], ["fan"], {}, r"'after' must be one of .*first at index 0: 'fan'"),
            ([0, 1, 9], [0, 1, 2], {}, r"'before' must be a LoyaltyState code 0-4 .*index 2: 9"),
            ([0, 1], [0], {}, r"arrays must have equal lengths \(got before=2, after=1\)"),
            ([], [], {}, r"'before' and 'after' must not be empty"),
            (["loyal"], ["loyal"], {"states": LadderRung}, r"'before' must be one of \('prospect'"),
            ([5], [5], {}, r"'before' must be a LoyaltyState code 0-4"),
            ([1], [1], {"states": int}, r"'states' must be LoyaltyState or LadderRung"),
        ],
    )
    def test_rejects(self, before: Any, after: Any, kwargs: dict[str, Any], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            loyalty_migration(before, after, **kwargs)


class TestCountStates:
    def test_counts(self) -> None:
        table = count_states(np.array([2, 3, 3, 4], dtype=np.int8))
        assert table.columns == ("state", "count", "share")
        assert table.state.tolist() == [s.label for s in LoyaltyState]
        assert table["count"].tolist() == [0, 0, 1, 2, 1]
        assert table.share.tolist() == [0.0, 0.0, 0.25, 0.5, 0.25]

    def test_ladder(self) -> None:
        table = count_states(["partner", "prospect", "partner"], states=LadderRung)
        assert table["count"].tolist() == [1, 0, 0, 0, 0, 2]

    def test_empty(self) -> None:
        table = count_states(np.zeros(0, dtype=np.int8))
        assert table["count"].tolist() == [0] * 5
        assert np.isnan(table.share).all()

    def test_rejects(self) -> None:
        with pytest.raises(ValidationError, match=r"'codes' must be a LoyaltyState code 0-4"):
            count_states([1, 8])
        with pytest.raises(ValidationError, match=r"'states' must be LoyaltyState or LadderRung"):
            count_states([1], states=str)  # type: ignore[arg-type]


def test_all_names_resolve() -> None:
    # test_public_api checks the order of every module's __all__.
    for name in loyalty.__all__:
        assert getattr(loyalty, name) is not None
