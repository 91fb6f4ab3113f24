"""The follow-up strategies give the engine checks actions to compare, for every kind."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from conformance.followup_strategies import FOLLOWUP_KINDS, engine_cases
from lifecycle import EventLog
from lifecycle.followup import FollowUpPlan, Trigger
from lifecycle.stages import Timeline

Case = tuple[EventLog, FollowUpPlan, dt.date, dt.date, Timeline | None]


@pytest.mark.parametrize("kind", FOLLOWUP_KINDS, ids=lambda k: k.__name__)
def test_engine_cases_schedule_actions(kind: type[Trigger]) -> None:
    seen: set[str] = set()

    @given(engine_cases(kind))
    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def collect(case: Case) -> None:
        log, plan, start, end, timeline = case
        table = plan.schedule(log, start, end, timeline=timeline)
        seen.add("some" if len(table) else "none")

    collect()
    assert seen == {"some", "none"}
