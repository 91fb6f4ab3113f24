"""Tests of lifecycle.retention: defection signals, detect, explain, stage drops."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.strategies import conditions, log_and_as_of
from lifecycle import EventLog, signal
from lifecycle.conditions import Condition
from lifecycle.errors import SchemaError, UnknownSignalError, ValidationError
from lifecycle.retention import (
    STAGE_DROP,
    DefectionSignal,
    at_risk_section,
    default_signals,
    detect,
    explain,
    risk_score,
    stage_drops,
)
from lifecycle.stages import default_lifecycle

AS_OF = "2024-06-30"


def demo_log() -> EventLog:
    rows = [
        # ann: bought monthly until March, nothing since: overdue, falling frequency.
        *({"customer": "ann", "date": f"2024-{m:02d}-05", "amount": "30"} for m in range(1, 4)),
        {"customer": "ann", "date": "2023-12-05", "amount": "30"},
        # bob: steady, but complained and answered a survey with 3.
        *({"customer": "bob", "date": f"2024-{m:02d}-10", "amount": "20"} for m in range(1, 7)),
        {"customer": "bob", "date": "2024-06-12", "kind": "complaint"},
        {"customer": "bob", "date": "2024-06-15", "kind": "survey", "score": 3},
        # cem: one recent purchase, nothing to say.
        {"customer": "cem", "date": "2024-06-20", "amount": "50"},
    ]
    return EventLog.from_records(rows, currency="EUR")


class TestDefectionSignal:
    def test_fields_and_round_trip(self) -> None:
        s = DefectionSignal("quiet", signal("lapse_ratio") > 3, 1.5, "very quiet")
        assert DefectionSignal.from_dict(s.to_dict()) == s
        assert s.to_dict()["schema"] == "lifecycle.defection_signal/1"

    @pytest.mark.parametrize(
        ("args", "match"),
        [
            (("", signal("lapse_ratio") > 3, 1.0, "r"), "'name' must be a non-empty str"),
            (("x", "lapse_ratio > 3", 1.0, "r"), "'when' must be a Condition"),
            (("x", signal("lapse_ratio") > 3, 0, "r"), "'weight' must be a finite number > 0"),
            (("x", signal("lapse_ratio") > 3, -1.0, "r"), "'weight' must be a finite"),
            (("x", signal("lapse_ratio") > 3, True, "r"), "'weight' must be a finite"),
            (("x", signal("lapse_ratio") > 3, float("inf"), "r"), "'weight' must be a finite"),
            (("x", signal("lapse_ratio") > 3, 1.0, " "), "'reason' must be a non-empty str"),
        ],
    )
    def test_bad_fields(self, args: tuple[object, ...], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            DefectionSignal(*args)  # type: ignore[arg-type]

    def test_from_dict_errors(self) -> None:
        data = DefectionSignal("x", signal("lapse_ratio") > 3, 1.0, "r").to_dict()
        with pytest.raises(SchemaError, match="expected schema"):
            DefectionSignal.from_dict({**data, "schema": "lifecycle.defection_signal/9"})
        with pytest.raises(SchemaError):
            DefectionSignal.from_dict({**data, "colour": "red"})
        del data["reason"]
        with pytest.raises(ValidationError, match="missing keys \\['reason'\\]"):
            DefectionSignal.from_dict(data)

    def test_default_set(self) -> None:
        names = [s.name for s in default_signals()]
        assert names == [
            "falling_frequency",
            "falling_spend",
            "overdue",
            "complaints",
            "poor_survey",
        ]
        assert default_signals(stage_drop=True)[-1] is STAGE_DROP
        with pytest.raises(ValidationError, match="'stage_drop' must be True or False"):
            default_signals(stage_drop=1)  # type: ignore[arg-type]


class TestDetect:
    def test_demo(self) -> None:
        log = demo_log()
        t = detect(log.population(AS_OF))
        assert t.customer.tolist() == ["ann", "bob"]
        assert t.score.tolist() == [4.0, 3.5]
        assert t.reasons.tolist() == [
            "falling_frequency, falling_spend, overdue",
            "complaints, poor_survey",
        ]
        assert t.columns[:3] == ("customer", "score", "reasons")
        assert t.complaints_90d.tolist() == [0, 1]
        assert t.last_survey_score.tolist()[1] == 3.0
        assert t.purchases_prev_90d.tolist() == [3, 3]

    def test_min_score(self) -> None:
        t = detect(demo_log().population(AS_OF), min_score=3.5)
        assert t.customer.tolist() == ["ann"]

    def test_nobody_at_risk(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-06-01"}])
        t = detect(log.population(AS_OF))
        assert len(t) == 0
        assert t.reasons.dtype == object

    def test_errors(self) -> None:
        pop = demo_log().population(AS_OF)
        with pytest.raises(ValidationError, match="at least one DefectionSignal"):
            detect(pop, [])
        with pytest.raises(ValidationError, match="'signals'\\[0\\] must be a DefectionSignal"):
            detect(pop, [signal("lapse_ratio") > 2])  # type: ignore[list-item]
        twice = default_signals()[0]
        with pytest.raises(ValidationError, match="names must be distinct"):
            detect(pop, [twice, twice])
        with pytest.raises(ValidationError, match="must be a Population"):
            detect(demo_log().profile("ann", AS_OF))  # type: ignore[arg-type]
        with pytest.raises(UnknownSignalError, match="stage_drop"):
            detect(pop, default_signals(stage_drop=True))

    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
    @given(log_and_as_of(max_customers=5, max_events=25), st.data())
    def test_both_engines_agree(self, case: tuple[EventLog, dt.date], data: st.DataObject) -> None:
        log, as_of = case
        currency = log.currency.code if log.currency else None
        attributes = tuple(log.attributes)
        extra = data.draw(
            st.lists(
                st.tuples(
                    conditions(currency, attributes=attributes, depth=1),
                    st.sampled_from([0.5, 1.0, 2.5]),
                ),
                max_size=3,
            )
        )
        signals = [*default_signals()] + [
            DefectionSignal(f"extra{i}", when, weight, "drawn")
            for i, (when, weight) in enumerate(extra)
        ]
        pop = log.population(as_of)
        table = detect(pop, signals)
        scores = dict(zip(table.customer.tolist(), table.score.tolist(), strict=True))
        for customer in pop.customer.tolist():
            profile = log.profile(customer, as_of)
            single = risk_score(profile, signals)
            assert single == pytest.approx(scores.get(customer, 0.0))
            why = explain(profile, signals)
            assert why.score == pytest.approx(single)
            if customer in scores:
                row = table.row(table.customer.tolist().index(customer))
                assert row["reasons"] == ", ".join(why.reasons)


class TestExplain:
    def test_text(self) -> None:
        e = explain(demo_log().profile("ann", AS_OF))
        assert e.reasons == ("falling_frequency", "falling_spend", "overdue")
        text = str(e)
        assert text.splitlines()[0] == (
            "customer ann as of 2024-06-30: risk score 4.0 "
            "(falling_frequency, falling_spend, overdue)"
        )
        assert "overdue (+2.0): silent for more than twice" in text
        assert "lapse_ratio > 2.0 (actual" in text
        assert len(e.quiet) == 2

    def test_needs_a_profile(self) -> None:
        with pytest.raises(ValidationError, match="must be a Profile"):
            explain(demo_log().population(AS_OF))  # type: ignore[arg-type]


class TestStageDrops:
    def test_join_and_detect(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": c, "date": d}
                for c, d in [
                    (1, "2024-01-01"),
                    (1, "2024-02-01"),
                    (2, "2024-03-01"),
                    (2, "2024-05-20"),
                    (3, "2024-06-01"),
                ]
            ]
        )
        timeline = default_lifecycle().replay(log, end="2024-12-31", every="1M")
        drops = stage_drops(timeline, AS_OF)
        assert drops.customer.tolist() == [1, 2]
        assert drops.stage_drop.tolist() == [True, False]
        pop = log.population(AS_OF).join(drops)
        t = detect(pop, [STAGE_DROP])
        assert t.customer.tolist() == [1]
        assert isinstance(STAGE_DROP.when, Condition)

    def test_bad_days(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        timeline = default_lifecycle().replay(log)
        with pytest.raises(ValidationError, match="'days' must be an int >= 1"):
            stage_drops(timeline, AS_OF, days=0)


class TestSection:
    def test_top(self) -> None:
        lines = at_risk_section(demo_log().population(AS_OF), top=1)
        assert lines[0] == "At risk: 2 of 3 customers (score > 0; top 1)"
        assert lines[2].startswith("ann")
        assert len(lines) == 3
        with pytest.raises(ValidationError, match="'top' must be an int >= 1"):
            at_risk_section(demo_log().population(AS_OF), top=0)

    def test_demo_data_engines_agree_on_the_top(self) -> None:
        from lifecycle.datasets import DEMO_AS_OF, load_demo

        log = load_demo()
        t = detect(log.population(DEMO_AS_OF))
        assert len(t) > 0
        for i in range(5):
            row = t.row(i)
            assert risk_score(log.profile(row["customer"], DEMO_AS_OF)) == row["score"]
        assert np.all(np.diff(t.score) <= 0)


class TestManySignals:
    def test_more_than_sixteen_signals(self) -> None:
        log = demo_log()
        signals = [
            DefectionSignal(f"at_least_{k}", signal("purchase_count") >= k, 0.5 + k, "count")
            for k in range(17)
        ]
        pop = log.population(AS_OF)
        t = detect(pop, signals)
        for row in (t.row(i) for i in range(len(t))):
            assert row["score"] == risk_score(log.profile(row["customer"], AS_OF), signals)
        assert t.customer.tolist() == ["bob", "ann", "cem"]
        assert t.reasons.tolist()[2] == "at_least_0, at_least_1"
