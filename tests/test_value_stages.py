"""Tests of lifecycle.value stage analytics: conversion, days between stages, drop-off."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lifecycle import EventLog
from lifecycle.errors import ValidationError
from lifecycle.stages import Timeline, default_lifecycle
from lifecycle.value import stage_conversion, stage_section


def timeline() -> Timeline:
    rows = [
        (1, "2024-01-01"),
        (1, "2024-01-21"),  # exploration -> awareness after 20 days, lapses later
        (2, "2024-01-10"),  # one purchase only
        (3, "2024-02-01"),
        (3, "2024-03-02"),  # awareness after 30 days
        (4, "2024-11-01"),
        (4, "2024-11-11"),  # awareness after 10 days, still active at the end
    ]
    log = EventLog.from_records([{"customer": c, "date": d} for c, d in rows])
    return default_lifecycle().replay(log, end="2024-12-31", every="1M")


class TestStageConversion:
    def test_by_hand(self) -> None:
        tl = timeline()
        t = stage_conversion(tl)
        assert t.stage.tolist() == ["exploration", "awareness", "expansion", "commitment"]
        assert t.next_stage.tolist() == ["awareness", "expansion", "commitment", ""]
        assert t.entered.tolist() == [4, 3, 0, 0]
        assert t.converted.tolist() == [3, 0, 0, 0]
        assert t.rate.tolist()[:2] == [0.75, 0.0]
        assert t.mean_days.tolist()[0] == 20.0
        assert t.median_days.tolist()[0] == 20.0
        lost = [c for c in (1, 2, 3, 4) if tl.stage_on(c, tl.end) == "dissolution"]
        furthest = dict(
            zip(
                tl.furthest_stage().customer.tolist(),
                tl.furthest_stage().names().tolist(),
                strict=True,
            )
        )
        expected = [sum(1 for c in lost if furthest[c] == s) for s in t.stage.tolist()]
        assert t.dropped_off.tolist() == expected
        assert math.isnan(t.rate[3])

    def test_window(self) -> None:
        t = stage_conversion(timeline(), window_days=20)
        assert t.converted.tolist()[0] == 2
        assert t.mean_days.tolist()[0] == 15.0

    @pytest.mark.parametrize("window", [-1, 2.5, True])
    def test_bad_window(self, window: object) -> None:
        with pytest.raises(ValidationError, match="'window_days' must be an int >= 0"):
            stage_conversion(timeline(), window_days=window)  # type: ignore[arg-type]

    def test_section(self) -> None:
        lines = stage_section(timeline())
        assert lines[0].startswith("Stage conversion")
        assert lines[2].split()[:6] == ["exploration", "->", "awareness", "4", "3", "75.0%"]

    def test_demo(self) -> None:
        from lifecycle.datasets import DEMO_AS_OF, load_demo

        tl = default_lifecycle().replay(load_demo(), end=DEMO_AS_OF, every="1M")
        t = stage_conversion(tl)
        assert t.entered[0] == 3000
        assert np.all(t.converted <= t.entered)
        assert np.all(np.diff(t.entered) <= 0)
