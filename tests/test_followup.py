"""Unit tests of lifecycle.followup: actions, triggers, limits, plans and their errors."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta

from lifecycle import EventLog, define_signal, signal
from lifecycle.datasets import DEMO_AS_OF, load_demo
from lifecycle.errors import SchemaError, UnknownCustomerError, ValidationError
from lifecycle.followup import (
    Action,
    After,
    Anniversary,
    Consent,
    ContactLimits,
    Escalate,
    Every,
    FollowUpPlan,
    History,
    OnSignal,
    OnStageChange,
    ScheduledAction,
    demo_plan,
    due_soon,
    due_soon_text,
    rule_from_dict,
)
from lifecycle.signals import count, first
from lifecycle.stages import default_lifecycle

D = dt.date
CALL = Action("thank_you_call", "phone")
MAIL = Action("newsletter", "email")


def rows(table):  # type: ignore[no-untyped-def]
    return [table.row(i) for i in range(len(table))]


#: The event kinds of these tests beyond the standard ones.
KINDS = ("resolved", "unsubscribe", "opt_out")


def log_of(*records: dict[str, object], attributes: tuple[str, ...] = ()) -> EventLog:
    log = EventLog.from_records(list(records), attributes=attributes, kinds=KINDS)
    assert isinstance(log, EventLog)
    return log


class TestAction:
    def test_user_kinds_and_channels_are_allowed(self) -> None:
        assert Action("loyalty_voucher", "whatsapp").kind == "loyalty_voucher"

    @pytest.mark.parametrize(
        ("kind", "channel", "field"), [("", "email", "kind"), ("gift", " post", "channel")]
    )
    def test_blank_names_are_refused(self, kind: str, channel: str, field: str) -> None:
        with pytest.raises(ValidationError, match=f"'{field}' must be a non-empty str"):
            Action(kind, channel)

    def test_note_must_be_text(self) -> None:
        with pytest.raises(ValidationError, match="'note' must be a str"):
            Action("gift", "post", note=3)  # type: ignore[arg-type]

    def test_round_trip(self) -> None:
        action = Action("gift", "post", note="a small one")
        assert Action.from_dict(json.loads(json.dumps(action.to_dict()))) == action


class TestAfter:
    LOG = log_of(
        {"customer": "ann", "date": "2024-01-31"},
        {"customer": "ann", "date": "2024-01-31"},
        {"customer": "ann", "date": "2024-03-10"},
        {"customer": "ann", "date": "2024-03-12", "kind": "complaint"},
        {"customer": "bob", "date": "2024-03-01", "kind": "complaint"},
        {"customer": "bob", "date": "2024-03-03", "kind": "resolved"},
    )

    def test_one_action_per_event_day_and_months_clamp(self) -> None:
        plan = FollowUpPlan([After("purchase", "1M", CALL)])
        dates = plan.schedule(self.LOG, "2024-01-01", "2024-12-31").date.tolist()
        assert dates == [D(2024, 2, 29), D(2024, 4, 10)]

    def test_first_only(self) -> None:
        plan = FollowUpPlan([After("purchase", "2D", CALL, first_only=True)])
        assert plan.schedule(self.LOG, "2024-01-01", "2024-12-31").date.tolist() == [D(2024, 2, 2)]

    def test_relativedelta_delay(self) -> None:
        rule = After("purchase", relativedelta(weeks=1, days=1), CALL)
        assert rule.label() == "8D after purchase"

    def test_escalation_only_without_resolution(self) -> None:
        rule = After(
            "complaint",
            "1D",
            Action("complaint_follow_up", "phone"),
            escalate=Escalate("3D", Action("complaint_follow_up", "visit")),
        )
        table = FollowUpPlan([rule]).schedule(self.LOG, "2024-01-01", "2024-12-31")
        got = [(r["customer"], r["date"], r["channel"]) for r in rows(table)]
        assert got == [
            ("ann", D(2024, 3, 13), "phone"),
            ("ann", D(2024, 3, 15), "visit"),
            ("bob", D(2024, 3, 2), "phone"),
        ]

    def test_when_is_evaluated_on_the_due_day(self) -> None:
        rule = After("purchase", "2D", CALL, when=signal("purchase_count") >= 3)
        table = FollowUpPlan([rule]).schedule(self.LOG, "2024-01-01", "2024-12-31")
        assert table.date.tolist() == [D(2024, 3, 12)]

    @pytest.mark.parametrize("delay", ["-1D", relativedelta(days=-2), relativedelta(months=-1)])
    def test_negative_delays(self, delay: object) -> None:
        with pytest.raises(ValidationError, match="'delay' must not be negative"):
            After("purchase", delay, CALL)

    @pytest.mark.parametrize("delay", ["2 days", "2H", 2, relativedelta(day=1)])
    def test_malformed_delays(self, delay: object) -> None:
        with pytest.raises(ValidationError, match="'delay' must be"):
            After("purchase", delay, CALL)

    def test_unknown_event_kind(self) -> None:
        plan = FollowUpPlan([After("purchse", "2D", CALL)])
        with pytest.raises(ValidationError, match="unknown event kind 'purchse'"):
            plan.schedule(self.LOG, "2024-01-01", "2024-12-31")

    def test_first_only_must_be_a_bool(self) -> None:
        with pytest.raises(ValidationError, match="'first_only' must be True or False"):
            After("purchase", "2D", CALL, first_only=1)  # type: ignore[arg-type]


class TestEvery:
    LOG = log_of({"customer": 1, "date": "2024-01-31"}, {"customer": 2, "date": "2024-06-15"})

    def test_from_the_first_purchase_skips_the_day_itself(self) -> None:
        plan = FollowUpPlan([Every("monthly", MAIL, interval=6)])
        table = plan.schedule(self.LOG, "2024-01-01", "2025-06-30")
        assert [(r["customer"], r["date"]) for r in rows(table)] == [
            (1, D(2024, 7, 31)),
            (1, D(2025, 1, 31)),
            (2, D(2024, 12, 15)),
            (2, D(2025, 6, 15)),
        ]

    def test_rrule_skips_months_without_the_day(self) -> None:
        rule = Every("monthly", MAIL, count=3)
        assert rule.occurrences(D(2024, 1, 31), D(2024, 1, 1), D(2024, 12, 31)) == [
            D(2024, 3, 31),
            D(2024, 5, 31),
            D(2024, 7, 31),
        ]

    def test_fixed_start_for_everyone_known_by_then(self) -> None:
        plan = FollowUpPlan([Every("monthly", MAIL, start="2024-01-01", bymonthday=1)])
        table = plan.schedule(self.LOG, "2024-05-01", "2024-07-31")
        assert [(r["customer"], r["date"].month) for r in rows(table)] == [
            (1, 5),
            (1, 6),
            (1, 7),
            (2, 7),
        ]

    def test_rrule_options_round_trip(self) -> None:
        rule = Every(
            "monthly", MAIL, start="2024-01-01", byweekday=["MO(+1)", "FR(-1)"], until="2024-12-31"
        )
        assert rule_from_dict(json.loads(json.dumps(rule.to_dict()))) == rule

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"interval": 0}, "'interval' must be a whole number >= 1"),
            ({"count": 0}, "'count' must be a whole number >= 1"),
            ({"start": "yesterday"}, "'start' must be a date"),
            ({"byhour": 3}, "unknown rrule option 'byhour'"),
            ({"byweekday": "XX"}, "a weekday must be"),
            ({"bymonth": 2, "bymonthday": 30}, "never produce a date"),
        ],
    )
    def test_bad_options(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            Every("monthly", MAIL, **kwargs)  # type: ignore[arg-type]

    def test_unbounded_recurrence_on_an_unbounded_request(self) -> None:
        plan = FollowUpPlan([Every("weekly", MAIL)])
        with pytest.raises(ValidationError, match="recur with no end"):
            plan.schedule(self.LOG, "2024-01-01")

    def test_bounded_recurrence_needs_no_end(self) -> None:
        plan = FollowUpPlan([Every("weekly", MAIL, count=2), After("purchase", "1D", CALL)])
        table = plan.schedule(self.LOG, "2024-01-01")
        assert table.date.max() == np.datetime64("2024-06-29")


class TestAnniversary:
    def test_birthdays_with_leap_days(self) -> None:
        log = log_of(
            {"customer": "a", "date": "2024-01-10", "birthday": D(1992, 2, 29)},
            {"customer": "b", "date": "2024-01-10", "birthday": "1980-07-04"},
            attributes=("birthday",),
        )
        for leap_day, day in (("feb28", 28), ("mar1", 1)):
            plan = FollowUpPlan([Anniversary("birthday", MAIL, leap_day=leap_day)])
            table = plan.schedule(log, "2024-01-01", "2025-12-31")
            assert [(r["customer"], r["date"]) for r in rows(table)][:2] == [
                ("a", D(2024, 2, 29)),
                ("a", D(2025, 2 if day == 28 else 3, day)),
            ]

    def test_first_purchase_anniversary(self) -> None:
        log = log_of({"customer": 1, "date": "2023-03-15"})
        plan = FollowUpPlan([Anniversary("first_purchase", MAIL)])
        assert plan.schedule(log, "2023-01-01", "2025-12-31").date.tolist() == [
            D(2024, 3, 15),
            D(2025, 3, 15),
        ]

    def test_missing_birthdays_are_reported(self) -> None:
        log = log_of(
            {"customer": "a", "date": "2024-01-10", "birthday": D(1992, 2, 29)},
            {"customer": "b", "date": "2024-01-10"},
            attributes=("birthday",),
        )
        plan = FollowUpPlan([Anniversary("birthday", MAIL)])
        with pytest.raises(ValidationError, match=r"1 customer\(s\) have no 'birthday' date: 'b'"):
            plan.schedule(log, "2024-01-01", "2024-12-31")
        with pytest.raises(ValidationError, match="no 'birthday' date: 'b'"):
            plan.schedule(History(log, "b"), "2024-01-01", "2024-12-31")

    def test_missing_attribute_column(self) -> None:
        plan = FollowUpPlan([Anniversary("birthday", MAIL)])
        with pytest.raises(ValidationError, match="the log has no attribute 'birthday'"):
            plan.schedule(log_of({"customer": 1, "date": "2024-01-01"}), "2024-01-01", "2024-12-31")

    def test_leap_day_choice(self) -> None:
        with pytest.raises(ValidationError, match="'leap_day' must be one of feb28, mar1"):
            Anniversary("birthday", MAIL, leap_day="feb29")


class TestOnStageChange:
    LOG = log_of(
        {"customer": "ann", "date": "2024-01-05"},
        {"customer": "ann", "date": "2024-02-01"},
        {"customer": "bob", "date": "2023-01-10"},
    )

    def test_win_back_on_dissolution(self) -> None:
        timeline = default_lifecycle().replay(self.LOG, end="2024-12-31", every="1M")
        plan = FollowUpPlan([OnStageChange("dissolution", Action("win_back_offer", "phone"))])
        table = plan.schedule(self.LOG, "2024-01-01", "2024-12-31", timeline=timeline)
        changes = timeline.to_table()
        moved = (changes.target == "dissolution") & (changes.date >= np.datetime64("2024-01-01"))
        assert [(r["customer"], r["date"]) for r in rows(table)] == [
            (c, d)
            for c, d in zip(
                changes.customer[moved].tolist(), changes.date[moved].tolist(), strict=True
            )
        ]
        assert len(table) == 2
        (single,) = plan.schedule_for(
            self.LOG, "bob", "2024-01-01", "2024-12-31", timeline=timeline
        )
        assert "exploration -> dissolution" in single.explain()

    def test_needs_a_timeline_long_enough(self) -> None:
        plan = FollowUpPlan([OnStageChange("dissolution", MAIL)])
        with pytest.raises(ValidationError, match="needs timeline="):
            plan.schedule(self.LOG, "2024-01-01", "2024-12-31")
        short = default_lifecycle().replay(self.LOG, end="2024-06-30")
        with pytest.raises(ValidationError, match="the timeline ends on 2024-06-30"):
            plan.schedule(self.LOG, "2024-01-01", "2024-12-31", timeline=short)

    def test_unknown_stage(self) -> None:
        timeline = default_lifecycle().replay(self.LOG, end="2024-12-31")
        plan = FollowUpPlan([OnStageChange("loyal", MAIL)])
        with pytest.raises(ValidationError, match="unknown stage 'loyal'"):
            plan.schedule(self.LOG, "2024-01-01", "2024-12-31", timeline=timeline)


class TestOnSignal:
    def test_each_onset(self) -> None:
        log = log_of(*({"customer": 1, "date": d} for d in ("2024-01-01", "2024-03-01")))
        rule = OnSignal(signal("days_since_last_purchase") > 20, Action("sales_alert", "email"))
        table = FollowUpPlan([rule]).schedule(log, "2024-01-01", "2024-04-30")
        assert table.date.tolist() == [D(2024, 1, 22), D(2024, 3, 22)]


class TestContactLimits:
    LOG = log_of(*({"customer": 1, "date": f"2024-01-{d:02d}"} for d in (1, 2, 3, 8, 9, 29)))

    def schedule(self, **limits: object):  # type: ignore[no-untyped-def]
        plan = FollowUpPlan([After("purchase", "0D", CALL)], limits=ContactLimits(**limits))  # type: ignore[arg-type]
        return plan.schedule(self.LOG, "2024-01-01", "2024-01-31")

    def test_per_week(self) -> None:
        table = self.schedule(per_week=2)
        assert table.suppressed.tolist() == [False, False, True, False, False, False]
        assert table.reason[2] == "per_week limit of 2 reached"

    def test_per_month_and_min_gap(self) -> None:
        assert self.schedule(per_month=3).suppressed.tolist() == [False] * 3 + [True] * 3
        table = self.schedule(min_gap="1W")
        assert table.suppressed.tolist() == [False, True, True, False, True, False]
        assert table.reason[1] == "less than 7 days after the previous contact"

    def test_blackout(self) -> None:
        table = self.schedule(blackout=[("2024-01-02", "2024-01-08")], per_week=1)
        assert table.reason.tolist() == [
            "",
            "blackout day",
            "blackout day",
            "blackout day",
            "",
            "",
        ]

    def test_priority_decides_collisions(self) -> None:
        rules = [After("purchase", "0D", MAIL), After("purchase", "0D", CALL)]
        for priority, kept in (((), "newsletter"), (("thank_you_call",), "thank_you_call")):
            plan = FollowUpPlan(rules, limits=ContactLimits(per_week=1, priority=priority))
            table = plan.schedule(self.LOG, "2024-01-01", "2024-01-01")
            assert table.action[~table.suppressed].tolist() == [kept]

    def test_consent_from_events_and_attributes(self) -> None:
        log = log_of(
            {"customer": 1, "date": "2024-01-01", "opt_out": None},
            {"customer": 1, "date": "2024-01-05", "kind": "unsubscribe", "channel": "email"},
            {"customer": 2, "date": "2024-01-01", "opt_out": "email, sms"},
            {"customer": 3, "date": "2024-01-01", "opt_out": "sms"},
            attributes=("opt_out",),
        )
        plan = FollowUpPlan(
            [Every("weekly", MAIL, count=2)],
            limits=ContactLimits(consent=Consent(event="unsubscribe", attribute="opt_out")),
        )
        table = plan.schedule(log, "2024-01-01", "2024-01-31")
        got = [(r["customer"], r["date"].day, r["reason"]) for r in rows(table)]
        assert got == [
            (1, 8, "no consent for email"),
            (1, 15, "no consent for email"),
            (2, 8, "no consent for email"),
            (2, 15, "no consent for email"),
            (3, 8, ""),
            (3, 15, ""),
        ]

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"per_week": 0}, "can never be satisfied"),
            ({"per_month": 0}, "can never be satisfied"),
            ({"per_week": -1}, "'per_week' must be a whole number >= 1"),
            ({"min_gap": 0}, "'min_gap' must be a whole number of days >= 1"),
            ({"min_gap": "2M"}, "'min_gap' must be"),
            ({"priority": ("gift", "gift")}, "must not repeat"),
            ({"blackout": [("2024-02-01", "2024-01-01")]}, "must not end before it starts"),
            ({"blackout": ["soon"]}, "'blackout' must be a date"),
        ],
    )
    def test_limits_that_cannot_be_satisfied_or_are_malformed(
        self, kwargs: dict[str, object], match: str
    ) -> None:
        with pytest.raises(ValidationError, match=match):
            ContactLimits(**kwargs)  # type: ignore[arg-type]

    def test_consent_needs_a_source(self) -> None:
        with pytest.raises(ValidationError, match="Consent needs"):
            Consent()
        plan = FollowUpPlan(
            [After("purchase", "0D", CALL)], limits=ContactLimits(consent=Consent(attribute="nope"))
        )
        with pytest.raises(ValidationError, match="no attribute 'nope'"):
            plan.schedule(self.LOG, "2024-01-01", "2024-01-31")


class TestFollowUpPlan:
    LOG = log_of({"customer": "ann", "date": "2024-01-05"})

    def test_end_before_start(self) -> None:
        plan = FollowUpPlan([After("purchase", "2D", CALL)])
        with pytest.raises(ValidationError, match="'end' must not be before 'start'"):
            plan.schedule(self.LOG, "2024-02-01", "2024-01-01")

    def test_subjects(self) -> None:
        plan = FollowUpPlan([After("purchase", "2D", CALL)])
        with pytest.raises(ValidationError, match="a Profile holds one day's signals"):
            plan.schedule(self.LOG.profile("ann", "2024-01-31"), "2024-01-01", "2024-01-31")  # type: ignore[call-overload]
        with pytest.raises(ValidationError, match="can only schedule an EventLog or a History"):
            plan.schedule("ann", "2024-01-01", "2024-01-31")  # type: ignore[call-overload]
        with pytest.raises(UnknownCustomerError):
            plan.schedule_for(self.LOG, "bob", "2024-01-01", "2024-01-31")

    def test_single_engine_explains(self) -> None:
        plan = FollowUpPlan([After("purchase", "2D", CALL)])
        (action,) = plan.schedule(History(self.LOG, "ann"), "2024-01-01", "2024-01-31")
        assert isinstance(action, ScheduledAction)
        assert action.explain() == (
            "2024-01-07 ann: thank_you_call by phone "
            "(rule '2D after purchase': purchase on 2024-01-05 + 2D)"
        )

    def test_table_columns(self) -> None:
        table = FollowUpPlan([After("purchase", "2D", CALL)]).schedule(
            self.LOG, "2024-01-01", "2024-01-31"
        )
        assert table.columns == (
            "customer",
            "date",
            "action",
            "channel",
            "rule",
            "suppressed",
            "reason",
        )

    def test_bad_rules(self) -> None:
        with pytest.raises(ValidationError, match="at least one rule"):
            FollowUpPlan([])
        with pytest.raises(ValidationError, match="'rules' must be follow-up rules"):
            FollowUpPlan([CALL])  # type: ignore[list-item]
        with pytest.raises(ValidationError, match="twice"):
            FollowUpPlan([After("purchase", "2D", CALL), After("purchase", "2D", CALL)])

    def test_round_trip_through_json(self) -> None:
        plan = demo_plan()
        data = json.loads(json.dumps(plan.to_dict()))
        assert data["schema"] == "lifecycle.followup_plan/1"
        assert FollowUpPlan.from_dict(data) == plan
        full = FollowUpPlan(
            [
                OnSignal(signal("lapse_ratio") > 2, Action("sales_alert", "email")),
                OnStageChange("commitment", Action("gift", "post"), from_="expansion"),
                Anniversary("birthday", MAIL, leap_day="mar1", when=signal("purchase_count") > 1),
            ],
            limits=ContactLimits(
                per_month=2, consent=Consent(event="opt_out"), blackout=["2024-12-25"]
            ),
        )
        assert FollowUpPlan.from_dict(json.loads(json.dumps(full.to_dict()))) == full

    @pytest.mark.parametrize(
        ("data", "match"),
        [
            ({"schema": "lifecycle.followup_plan/2", "rules": []}, "expected schema"),
            ({"schema": "lifecycle.followup_plan/1", "rules": {}}, "'rules' must be a list"),
            ({"schema": "lifecycle.followup_plan/1", "rules": [], "x": 1}, "unknown key 'x'"),
        ],
    )
    def test_bad_plan_data(self, data: dict[str, object], match: str) -> None:
        with pytest.raises(SchemaError, match=match):
            FollowUpPlan.from_dict(data)

    def test_bad_rule_data(self) -> None:
        rule = After("purchase", "2D", CALL).to_dict()
        with pytest.raises(SchemaError, match="missing key 'delay'"):
            rule_from_dict({k: v for k, v in rule.items() if k != "delay"})
        with pytest.raises(SchemaError, match="unknown key 'freq'"):
            rule_from_dict({**rule, "freq": "daily"})


class TestReportSection:
    def test_due_soon_on_the_demo_data(self) -> None:
        log = load_demo()
        section = due_soon(log, DEMO_AS_OF)
        assert section["actions"] == sum(c["due"] for c in section["by_action"].values())
        assert len(section["first"]) == 5
        assert json.loads(json.dumps(section)) == section
        text = due_soon_text(log, DEMO_AS_OF, days=3, first=2)
        assert text.startswith(
            "Follow-up actions due in the next 3 days (2025-06-30 .. 2025-07-02)"
        )
        assert text.count("\n    2025-") == 2


class TestAnniversaryOfADefinedSignal:
    """``Anniversary(of=...)`` takes a defined signal of dates, like any rule a signal."""

    def test_both_engines_round_trip_and_missing(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": "ann", "date": "2022-03-15", "kind": "visit"},
                {"customer": "ann", "date": "2023-01-10"},
                {"customer": "bob", "date": "2023-02-01"},  # never visited: no anniversary
            ]
        )
        visited = define_signal("first_visit", first("visit"))
        plan = FollowUpPlan([Anniversary(visited, Action("gift", "post"))])
        lo, hi = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
        table = plan.schedule(log, lo, hi)
        assert table.customer.tolist() == ["ann", "ann"]
        assert table.date.astype(str).tolist() == ["2023-03-15", "2024-03-15"]
        single = [a.row() for c in ("ann", "bob") for a in plan.schedule(History(log, c), lo, hi)]
        assert [r["date"] for r in single] == [dt.date(2023, 3, 15), dt.date(2024, 3, 15)]
        rule = plan.rules[0]
        assert rule_from_dict(json.loads(json.dumps(rule.to_dict()))) == rule
        with pytest.raises(ValidationError, match="'of' must be a defined signal of dates"):
            Anniversary(define_signal("visits", count("visit")), Action("gift", "post"))
