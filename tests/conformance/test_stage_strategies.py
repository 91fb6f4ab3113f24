"""The stage strategies reach every stage of the default model and both pattern engines."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from conformance.stage_strategies import small_default, stage_logs, stage_models
from lifecycle import EventLog
from lifecycle.stages import LifecycleModel, Stage


def reached_stages(model: LifecycleModel, log: EventLog) -> set[str]:
    timeline = model.replay(log, every="1M")
    return {str(model.initial)} | set(np.asarray(model.labels)[timeline.target].tolist())


def test_stage_logs_reach_every_default_stage() -> None:
    seen: set[str] = set()

    @given(stage_logs())
    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def collect(log: EventLog) -> None:
        seen.update(reached_stages(small_default(), log))

    collect()
    assert seen == set(small_default().labels)


def test_stage_models_use_both_pattern_engines() -> None:
    widths: set[bool] = set()

    @given(stage_models())
    @settings(max_examples=100, deadline=None, derandomize=True)
    def collect(model: LifecycleModel) -> None:
        widths.add(len(model._engine.conditions) > 10)
        assert all(isinstance(s, Stage) for s in model.stages)

    collect()
    assert widths == {False, True}
