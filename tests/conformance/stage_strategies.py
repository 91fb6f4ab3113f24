"""Hypothesis strategies for the stage tests.

- :func:`stage_logs`: random event logs shaped for relationship stages: a few customers
  whose purchases come in bursts with gaps (so they climb, lapse and come back), visits,
  cancellations, amounts and categories, over about two years.
- :func:`stage_models`: random lifecycle models: 2-6 stages, a chain that reaches every
  stage, extra forward, backward, dissolution and win-back moves, conditions from a pool
  of rules over standard and defined signals (sometimes more than ten distinct ones, which
  switches the batch engine from its full pattern table to the distinct patterns present).
- :func:`small_default`: the default model with thresholds small enough for short logs.

Stage tests import them with ``from conformance.stage_strategies import ...``;
``test_stage_strategies.py`` checks that they reach every stage and both pattern engines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import strategies as st

from lifecycle import EventLog, define_signal, signal
from lifecycle.conditions import Condition, always, never
from lifecycle.signals import count, distinct, total
from lifecycle.stages import LifecycleModel, Transition, default_lifecycle

START = dt.date(2023, 1, 1)
SPAN = 760
KINDS = ("purchase",) * 6 + ("visit",) * 3 + ("cancellation", "complaint")
CATEGORIES = ("books", "games", "garden", "music")

# One event: customer index, kind index, burst, offset within the burst, amount, category.
_event = st.tuples(
    st.integers(0, 99),
    st.integers(0, len(KINDS) - 1),
    st.integers(0, 7),
    st.integers(0, 60),
    st.integers(0, 20_000),
    st.integers(-1, len(CATEGORIES) - 1),
)


@st.composite
def stage_logs(draw: st.DrawFn, *, max_customers: int = 5, max_events: int = 40) -> EventLog:
    """A random event log whose customers buy in bursts separated by gaps."""
    n = draw(st.integers(1, max_customers))
    if draw(st.booleans()):
        ids: list[Any] = draw(
            st.lists(st.integers(-50, 10**9), min_size=n, max_size=n, unique=True)
        )
    else:
        ids = draw(
            st.lists(st.text("abxy", min_size=1, max_size=3), min_size=n, max_size=n, unique=True)
        )
    bursts = sorted(draw(st.lists(st.integers(0, SPAN - 60), min_size=8, max_size=8)))
    with_amount = draw(st.booleans())
    with_category = draw(st.booleans())
    events = draw(st.lists(_event, min_size=n, max_size=max_events))
    customer, day, kind, amount, category = [], [], [], [], []
    for i, (who, k, burst, offset, minor, cat) in enumerate(events):
        customer.append(ids[i] if i < n else ids[who % n])
        day.append(np.datetime64(START, "D") + bursts[burst] + offset)
        kind.append(KINDS[k] if i >= n else "purchase")
        amount.append(minor if kind[-1] == "purchase" else 0)
        category.append(CATEGORIES[cat] if cat >= 0 and kind[-1] == "purchase" else None)
    log = EventLog.from_arrays(
        customer=np.asarray(customer),
        date=np.asarray(day, dtype="datetime64[D]"),
        kind=np.asarray(kind),
        amount_minor=np.asarray(amount) if with_amount else None,
        currency="EUR" if with_amount else None,
        category=np.asarray(category, dtype=object) if with_category else None,
    )
    assert isinstance(log, EventLog)
    return log


def small_default(**kwargs: Any) -> LifecycleModel:
    """The default model with thresholds that short random logs can reach."""
    options: dict[str, Any] = {
        "commitment_tenure_days": 60,
        "commitment_purchases": 4,
        "dissolution_days": 120,
        "expansion_categories": 2,
    }
    options.update(kwargs)
    return default_lifecycle(**options)


def _pool() -> tuple[Condition, ...]:
    complaints = define_signal("complaints_30d", count("complaint", within="30D"))
    recent_spend = define_signal("spend_2m", total("purchase", within="2M"))
    active_days = define_signal("active_days_1y", distinct("visit", "date", within="1Y"))
    return (
        signal(complaints) >= 1,
        signal(recent_spend) > "40",
        (signal(active_days) >= 2) & (signal(complaints) == 0),
        signal("purchase_count") >= 1,
        signal("purchase_count") >= 3,
        signal("repeat_purchase_count") >= 2,
        signal("visit_count") >= 1,
        signal("visits_90d") == 0,
        signal("days_since_last_purchase") > 60,
        signal("days_since_last_purchase") <= 30,
        signal("cancelled") == True,  # noqa: E712
        signal("lapse_ratio") > 2,
        signal("lapse_ratio").is_missing(),
        signal("purchases_90d") > signal("purchases_prev_90d"),
        signal("purchases_90d") < signal("purchases_prev_90d"),
        signal("spend_90d") >= "50",
        signal("spend_90d") > signal("spend_prev_90d"),
        signal("category_count") >= 2,
        signal("tenure_days") >= 90,
        signal("complaints_90d") >= 1,
        (signal("purchases_365d") >= 3) & ~(signal("cancelled") == True),  # noqa: E712
        (signal("visit_count") >= 2) | (signal("purchase_count") >= 2),
        always(),
        never(),
    )


POOL = _pool()


@st.composite
def stage_models(draw: st.DrawFn) -> LifecycleModel:
    """A random valid lifecycle model over standard signals."""
    n = draw(st.integers(2, 6))
    names = [f"s{i}" for i in range(n)]
    cond = st.sampled_from(POOL)
    transitions = [
        Transition(names[i], names[i + 1], draw(cond), f"chain {i}") for i in range(n - 1)
    ]
    extra = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), cond), max_size=3 * n)
    )
    if draw(st.booleans()):
        # A wide model: more than ten distinct conditions.
        wide = draw(st.permutations(POOL))[: draw(st.integers(11, 14))]
        pairs = st.tuples(st.integers(0, n - 1), st.integers(1, n - 1))
        for when in wide:
            a, step = draw(pairs)
            extra.append((a, (a + step) % n, when))
    for k, (a, b, when) in enumerate(extra):
        if a != b:
            transitions.append(Transition(names[a], names[b], when, f"extra {k}"))
    order = draw(st.permutations(range(len(transitions))))
    shuffled = [transitions[i] for i in order]
    dissolution = draw(st.sampled_from([None, names[-1]]))
    return LifecycleModel(names, shuffled, dissolution=dissolution)
