"""Generators for the kinds of signal definition that register in ``DEFINITIONS``.

Each kind has a strategy for instances, one for a log its engines can read (with the
attributes it scores), and constructions that must raise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from lifecycle import EventLog
from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    GammaGammaModel,
    GammaGammaParams,
    ModifiedBetaGeoModel,
    ModifiedBetaGeoParams,
    ParetoNBDModel,
    ParetoNBDParams,
)
from lifecycle.models._signals import ModelPrediction
from lifecycle.satisfaction import Dimension, SatisfactionModel, SatisfactionScoreSignal, Scale
from lifecycle.signals import AttributeScore

START = dt.date(2024, 1, 1)
_SCALES = (Scale(1, 5), Scale(0, 10), Scale(1, 7), Scale(1, 5, higher_is_better=False))
# Enough names for three groups of two leaves each (nine dimensions).
_NAMES = tuple(f"q{i}" for i in range(9))


@st.composite
def satisfaction_models(draw: st.DrawFn) -> SatisfactionModel:
    """Models of one to three top-level dimensions, some of them groups of leaves."""
    names = iter(draw(st.permutations(_NAMES)))
    weight = st.sampled_from((0, 0.5, 1, 2, 3))

    def leaf() -> Dimension:
        return Dimension(next(names), weight=draw(weight), scale=draw(st.sampled_from(_SCALES)))

    top = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            children = [leaf() for _ in range(draw(st.integers(1, 2)))]
            children[0] = Dimension(children[0].name, weight=1, scale=children[0].scale)
            top.append(Dimension(next(names), weight=draw(weight), children=children))
        else:
            top.append(leaf())
    top[0] = Dimension(
        top[0].name, weight=1, scale=top[0].scale, children=top[0].children
    )  # a positive sum of weights
    return SatisfactionModel(top)


@st.composite
def satisfaction_signals(draw: st.DrawFn) -> SatisfactionScoreSignal:
    missing = draw(st.sampled_from(("renormalize", "renormalize", "raise")))
    return SatisfactionScoreSignal(draw(satisfaction_models()), missing)


def _answer(scale: Scale) -> st.SearchStrategy[Any]:
    low, high = float(scale.low), float(scale.high)
    return st.none() | st.integers(int(low), int(high)) | st.floats(low, high)


@st.composite
def answer_logs(draw: st.DrawFn, definition: AttributeScore) -> tuple[EventLog, dt.date]:
    """A log of surveys answering the definition's attributes (some not), and an as-of date."""
    assert isinstance(definition, SatisfactionScoreSignal)
    scales = {leaf.name: leaf.scale for leaf in definition.model.leaves}
    records = []
    for _ in range(draw(st.integers(1, 12))):
        day = START + dt.timedelta(days=draw(st.integers(0, 60)))
        record: dict[str, Any] = {"customer": draw(st.integers(0, 4)), "date": day}
        record["kind"] = draw(st.sampled_from(("survey", "purchase")))
        for name, scale in scales.items():
            if draw(st.integers(0, 3)):
                record[name] = draw(_answer(scale))
        records.append(record)
    for name in scales:  # a carried attribute must appear somewhere, if only as missing
        records[0].setdefault(name, None)
    log = EventLog.from_records(records, attributes=list(scales))
    assert isinstance(log, EventLog)
    return log, START + dt.timedelta(days=draw(st.integers(0, 70)))


_MODEL = SatisfactionModel([Dimension("speed")])
_UNITS = ("D", "W", "M")
_POSITIVE = st.floats(0.1, 20)


@st.composite
def transaction_models(draw: st.DrawFn) -> Any:
    """A BG/NBD, MBG/NBD or Pareto/NBD model with known parameters in some unit."""
    params = [draw(_POSITIVE) for _ in range(4)]
    unit = draw(st.sampled_from(_UNITS))
    cls, params_type = draw(
        st.sampled_from(
            (
                (BetaGeoModel, BetaGeoParams),
                (ModifiedBetaGeoModel, ModifiedBetaGeoParams),
                (ParetoNBDModel, ParetoNBDParams),
            )
        )
    )
    return cls.from_params(params_type(*params, unit=unit))


@st.composite
def model_predictions(draw: st.DrawFn) -> ModelPrediction:
    model = draw(transaction_models())
    question = draw(st.sampled_from(("p_alive", "expected_purchases", "expected_value")))
    horizon = None if question == "p_alive" else draw(st.integers(1, 730))
    spend = None
    if question == "expected_value":
        spend = GammaGammaModel.from_params(
            GammaGammaParams(draw(st.floats(0.5, 10)), draw(st.floats(1.5, 10)), draw(_POSITIVE))
        )
    return ModelPrediction(model, question, horizon, spend)


@st.composite
def purchase_logs(draw: st.DrawFn, definition: ModelPrediction) -> tuple[EventLog, dt.date]:
    """Purchases (some the same day, some without an amount) and visits, and an as-of date."""
    records = []
    for _ in range(draw(st.integers(1, 15))):
        day = START + dt.timedelta(days=draw(st.integers(0, 60)))
        record: dict[str, Any] = {"customer": draw(st.integers(0, 4)), "date": day}
        record["kind"] = draw(st.sampled_from(("purchase", "purchase", "visit")))
        if record["kind"] == "purchase" and draw(st.integers(0, 4)):
            record["amount"] = str(draw(st.integers(0, 50_000)) / 100)
            record["currency"] = "EUR"
        records.append(record)
    log = EventLog.from_records(records)
    assert isinstance(log, EventLog)
    return log, START + dt.timedelta(days=draw(st.integers(0, 70)))


_BG = BetaGeoModel.from_params(BetaGeoParams(0.24, 4.4, 0.79, 2.4, unit="W"))

#: Every kind of definition with its instances and the logs to compute it on.
DEFINITION_KINDS: dict[type, tuple[st.SearchStrategy[Any], Callable[..., Any]]] = {
    SatisfactionScoreSignal: (satisfaction_signals(), answer_logs),
    ModelPrediction: (model_predictions(), purchase_logs),
}
BAD_DEFINITIONS: dict[type, tuple[Callable[[], object], ...]] = {
    SatisfactionScoreSignal: (
        lambda: SatisfactionScoreSignal({"dimensions": []}),  # type: ignore[arg-type]
        lambda: SatisfactionScoreSignal(_MODEL, "skip"),  # type: ignore[arg-type]
    ),
    ModelPrediction: (
        lambda: ModelPrediction(_BG, "p_dead"),
        lambda: ModelPrediction(_BG, "p_alive", 90),
        lambda: ModelPrediction(_BG, "expected_purchases"),
        lambda: ModelPrediction(_BG, "expected_purchases", 0),
        lambda: ModelPrediction(_BG, "expected_value", 365),
        lambda: ModelPrediction(BetaGeoModel(), "p_alive"),
        lambda: ModelPrediction(GammaGammaModel(), "p_alive"),
        lambda: ModelPrediction(_BG, "p_alive", None, _BG),
    ),
}
