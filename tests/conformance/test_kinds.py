"""One conformance suite over every registered kind of rule.

Every kind registered in ``CONDITIONS``, ``PRICE_RULES``, ``LOYALTY_RULES``,
``FOLLOWUP_RULES``, ``RETENTION_RULES`` and ``DEFINITIONS`` (signal definitions), and the composites built from them (a ``PricingPolicy`` per combine mode, a ``LifecycleModel``
with its transitions), is drawn by Hypothesis and checked the same way:

- the single and the batch engine give the same answer for every customer, and
  ``explain()`` agrees with the single answer;
- ``to_dict()`` survives JSON and reads back equal, through the family's reader and the
  class's ``from_dict``;
- ``attrs.evolve`` with every field passed back gives an equal object;
- ``repr()`` names the class;
- bad construction raises ``ValidationError``.

A registered kind without a generator (or without bad cases) fails
``test_every_registered_kind_is_covered``: nothing stays out silently.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.definition_strategies import BAD_DEFINITIONS, DEFINITION_KINDS
from conformance.followup_strategies import (
    BAD_FOLLOWUP,
    FOLLOWUP_KINDS,
    assert_engines_agree,
    engine_cases,
    rules_of,
)
from conformance.loyalty_strategies import BAD_LOYALTY, LOYALTY_KINDS, loyalty_logs
from conformance.pricing_strategies import (
    BAD_PRICE_RULES,
    CURRENCIES,
    PRICE_RULE_KINDS,
    policies,
    price_rules,
)
from conformance.retention_strategies import BAD_RETENTION, RETENTION_KINDS
from conformance.stage_strategies import stage_logs, stage_models
from conformance.strategies import (
    BAD_CONDITIONS,
    COMBINATORS,
    LEAVES,
    as_of_dates,
    event_logs,
    leaves_of,
)
from lifecycle import EventLog, Money, define_signal, signal
from lifecycle.conditions import (
    CONDITIONS,
    Condition,
    condition_from_dict,
)
from lifecycle.errors import PricingError, ValidationError
from lifecycle.followup import FOLLOWUP_RULES
from lifecycle.followup import rule_from_dict as followup_rule_from_dict
from lifecycle.loyalty import LOYALTY_RULES, loyalty_from_dict
from lifecycle.money import Currency
from lifecycle.pricing import (
    PRICE_RULES,
    PercentOff,
    PricingPolicy,
    rule_from_dict,
)
from lifecycle.retention import (
    RETENTION_RULES,
    DefectionSignal,
    RetentionProcess,
    detect,
    explain,
    retention_rule_from_dict,
    risk_score,
)
from lifecycle.signals import DEFINITIONS, definition_from_dict
from lifecycle.stages import LifecycleModel, Transition

AS_OF = dt.date(2024, 6, 30)
COMBINE_MODES = ("sequence", "first_match", "best_for_customer")
_EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------------- the kinds


@attrs.frozen
class Kind:
    """One kind under test: how to draw it and its subjects, and how to check it."""

    name: str
    family: str  # "condition", "price rule", "loyalty", "followup", "retention", "policy", "stages"
    cls: type
    draw: Callable[[st.DataObject], Any]  # an instance, drawn without a log
    bad: tuple[Callable[[], object], ...]  # constructions that must raise


def _condition(cls: type[Condition]) -> Callable[[st.DataObject], Any]:
    return lambda data: data.draw(leaves_of(cls, "EUR", ("segment",)))


def _price_rule(cls: type) -> Callable[[st.DataObject], Any]:
    return lambda data: data.draw(
        price_rules("r", Currency("EUR"), Currency("EUR"), ("segment",), AS_OF, kinds=(cls,))
    )


def _policy(mode: str) -> Callable[[st.DataObject], Any]:
    def draw(data: st.DataObject) -> PricingPolicy:
        policy = data.draw(policies(Currency("EUR"), Currency("EUR"), ("segment",), AS_OF))
        return attrs.evolve(policy, combine=mode)

    return draw


KINDS: list[Kind] = [
    *(
        Kind(cls.__name__, "condition", cls, _condition(cls), BAD_CONDITIONS.get(cls, ()))
        for cls in CONDITIONS.kinds
        if cls in LEAVES or cls in COMBINATORS
    ),
    *(
        Kind(cls.__name__, "price rule", cls, _price_rule(cls), BAD_PRICE_RULES.get(cls, ()))
        for cls in PRICE_RULES.kinds
        if cls in PRICE_RULE_KINDS
    ),
    *(
        Kind(
            cls.__name__,
            "loyalty",
            cls,
            lambda data, s=LOYALTY_KINDS[cls]: data.draw(s),
            BAD_LOYALTY.get(cls, ()),
        )
        for cls in LOYALTY_RULES.kinds
        if cls in LOYALTY_KINDS
    ),
    *(
        Kind(
            cls.__name__,
            "followup",
            cls,
            lambda data, c=cls: data.draw(rules_of(c)),
            BAD_FOLLOWUP.get(cls, ()),
        )
        for cls in FOLLOWUP_RULES.kinds
        if cls in FOLLOWUP_KINDS
    ),
    *(
        Kind(
            cls.__name__,
            "retention",
            cls,
            lambda data, s=RETENTION_KINDS[cls]: data.draw(s()),
            BAD_RETENTION.get(cls, ()),
        )
        for cls in RETENTION_RULES.kinds
        if cls in RETENTION_KINDS
    ),
    *(
        Kind(
            cls.__name__,
            "definition",
            cls,
            lambda data, s=DEFINITION_KINDS[cls][0]: data.draw(s),
            BAD_DEFINITIONS.get(cls, ()),
        )
        for cls in DEFINITIONS.kinds
        if cls in DEFINITION_KINDS
    ),
    *(
        Kind(
            f"PricingPolicy[{mode}]",
            "policy",
            PricingPolicy,
            _policy(mode),
            (
                lambda: PricingPolicy([PercentOff(5)], combine="cheapest"),  # type: ignore[arg-type]
                lambda: PricingPolicy([PercentOff(5), PercentOff(6, name="5% off")]),
            ),
        )
        for mode in COMBINE_MODES
    ),
    Kind(
        "LifecycleModel",
        "stages",
        LifecycleModel,
        lambda data: data.draw(stage_models()),
        (
            lambda: LifecycleModel(
                ["a", "b"], [Transition("a", "c", signal("purchase_count") > 1, "why")]
            ),
            lambda: Transition("a", "b", "purchase_count > 1", "why"),  # type: ignore[arg-type]
        ),
    ),
]
IDS = [k.name for k in KINDS]


def test_every_registered_kind_is_covered() -> None:
    registered = {*CONDITIONS.kinds, *PRICE_RULES.kinds, *LOYALTY_RULES.kinds}
    registered |= set(FOLLOWUP_RULES.kinds)
    registered |= set(RETENTION_RULES.kinds)
    registered |= set(DEFINITIONS.kinds)
    covered = {kind.cls for kind in KINDS}
    assert registered - covered == set(), "registered kinds without a generator"
    assert [k.name for k in KINDS if not k.bad] == [], "kinds without bad constructions"
    assert set(LEAVES) | set(COMBINATORS) <= registered
    assert set(PRICE_RULE_KINDS) | set(LOYALTY_KINDS) | set(FOLLOWUP_KINDS) <= registered
    # A follow-up rule's kind tag is the one it registered under.
    assert all(FOLLOWUP_RULES.lookup(cls.kind) is cls for cls in FOLLOWUP_RULES.kinds)
    assert set(PRICE_RULE_KINDS) | set(LOYALTY_KINDS) | set(RETENTION_KINDS) <= registered


# ---------------------------------------------------------------------- the checks


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@_EXAMPLES
@given(data=st.data())
def test_serialization_round_trips(kind: Kind, data: st.DataObject) -> None:
    obj = kind.draw(data)
    encoded = json.loads(json.dumps(obj.to_dict()))
    assert type(obj).from_dict(encoded) == obj
    reader: Callable[[Any], Any] | None = {
        "condition": condition_from_dict,
        "price rule": rule_from_dict,
        "loyalty": loyalty_from_dict,
        "followup": followup_rule_from_dict,
        "retention": retention_rule_from_dict,
        "definition": definition_from_dict,
    }.get(kind.family)
    if reader is not None:
        assert reader(encoded) == obj


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@_EXAMPLES
@given(data=st.data())
def test_evolve_gives_an_equal_object(kind: Kind, data: st.DataObject) -> None:
    obj = kind.draw(data)
    fields = {f.name.lstrip("_"): getattr(obj, f.name) for f in attrs.fields(type(obj)) if f.init}
    assert attrs.evolve(obj) == obj
    assert attrs.evolve(obj, **fields) == obj


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_repr_names_the_class(kind: Kind, data: st.DataObject) -> None:
    assert repr(kind.draw(data)).startswith(f"{kind.cls.__name__}(")


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_bad_construction_raises(kind: Kind) -> None:
    for build in kind.bad:
        with pytest.raises(ValidationError):
            build()


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@_EXAMPLES
@given(data=st.data())
def test_engines_agree_and_explain(kind: Kind, data: st.DataObject) -> None:
    {
        "condition": _condition_engines,
        "price rule": _price_engines,
        "policy": _price_engines,
        "loyalty": _loyalty_engines,
        "followup": _followup_engines,
        "retention": _retention_engines,
        "stages": _stage_engines,
        "definition": _definition_engines,
    }[kind.family](kind, data)


def _condition_engines(kind: Kind, data: st.DataObject) -> None:
    log = data.draw(event_logs(max_customers=4, max_events=20))
    as_of = data.draw(as_of_dates(log))
    cond = data.draw(leaves_of(kind.cls, log.currency, log.attributes))
    pop = log.population(as_of)
    batch = cond.evaluate(pop).tolist()
    for i, customer in enumerate(pop.customer.tolist()):
        profile = log.profile(customer, as_of)
        single = cond.evaluate(profile)
        assert single == batch[i]
        explanation = cond.explain(profile)
        assert explanation.holds == single
        assert str(explanation).startswith(str(single).lower())


def _price_engines(kind: Kind, data: st.DataObject) -> None:
    log = data.draw(event_logs(max_customers=4, max_events=20))
    as_of = data.draw(as_of_dates(log))
    pop = log.population(as_of)
    if not len(pop):
        return
    cur = log.currency or Currency(data.draw(st.sampled_from(CURRENCIES)))
    stages = data.draw(
        st.lists(
            st.sampled_from(("exploration", "commitment", "dissolution", None)),
            min_size=len(pop),
            max_size=len(pop),
        )
    )
    pop = pop.join({"customer": pop.customer, "stage": np.array(stages, dtype=object)})
    attributes = tuple(log.attributes)
    if kind.family == "policy":
        policy = data.draw(policies(cur, log.currency, attributes, as_of))
        policy = attrs.evolve(policy, combine=kind.name.split("[")[1].rstrip("]"))
    else:
        rule = data.draw(price_rules("r", cur, log.currency, attributes, as_of, kinds=(kind.cls,)))
        policy = PricingPolicy([rule], currency=cur)
    n = len(pop)
    base = data.draw(st.lists(st.integers(1, 50_000), min_size=n, max_size=n))
    qty = data.draw(st.lists(st.integers(1, 30), min_size=n, max_size=n))
    costs = None
    if policy.min_margin is not None:
        costs = data.draw(st.lists(st.integers(0, 50_000), min_size=n, max_size=n))
    try:
        table = policy.quote_many(pop, base, qty, currency=cur, on=as_of, unit_costs=costs)
    except PricingError:
        table = None
    for i, customer in enumerate(pop.customer.tolist()):
        profile = log.profile(customer, as_of).with_attributes(stage=stages[i])
        try:
            quote = policy.quote(
                Money.from_minor(base[i], cur),
                customer=profile,
                quantity=qty[i],
                on=as_of,
                unit_cost=None if costs is None else Money.from_minor(costs[i], cur),
            )
        except PricingError:
            assert table is None
            continue
        assert isinstance(quote.explain(), str)
        if table is not None:
            assert quote.total.to_minor() == table.total_minor[i]


def _loyalty_engines(kind: Kind, data: st.DataObject) -> None:
    log, as_of = data.draw(loyalty_logs())
    rule = data.draw(LOYALTY_KINDS[kind.cls])
    pop = log.population(as_of)
    batch = rule.evaluate(pop).tolist()
    for i, customer in enumerate(pop.customer.tolist()):
        profile = log.profile(customer, as_of)
        single = rule.evaluate(profile)
        assert int(single) == batch[i]
        assert rule.explain(profile).state == single


def _stage_engines(kind: Kind, data: st.DataObject) -> None:
    model = data.draw(stage_models())
    log: EventLog = data.draw(stage_logs(max_customers=4, max_events=25))
    as_of = dt.date(2023, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 800)))
    pop = log.population(as_of)
    codes = model.classify(pop).names().tolist() if len(pop) else []
    for i, customer in enumerate(pop.customer.tolist()):
        path = model.stage_of(log.profile(customer, as_of))
        assert codes[i] == path.stage
        assert isinstance(path.explain(), str)


def _definition_engines(kind: Kind, data: st.DataObject) -> None:
    # A defined signal of this kind, alone and inside a condition, computes alike.
    definition = kind.draw(data)
    log, as_of = data.draw(DEFINITION_KINDS[kind.cls][1](definition))
    pop = log.population(as_of)
    customers = pop.customer.tolist()
    try:
        values, _ = pop.compute(definition)
    except ValidationError:  # missing="raise" and someone did not answer: some profile raises
        raised = 0
        for customer in customers:
            try:
                log.profile(customer, as_of).compute(definition)
            except ValidationError:
                raised += 1
        assert raised > 0
        return
    named = define_signal("scored", definition)
    cond = signal(named) >= 50
    batch = cond.evaluate(pop).tolist()
    for i, customer in enumerate(customers):
        profile = log.profile(customer, as_of)
        single = profile.compute(definition)
        assert (single is None) == bool(np.isnan(values[i]))
        if single is not None:
            assert single == values[i]
        assert cond.evaluate(profile) == batch[i]


def _followup_engines(kind: Kind, data: st.DataObject) -> None:
    # The check of tests/test_followup_engines.py, on plans of this one kind of rule.
    assert_engines_agree(*data.draw(engine_cases(kind.cls)))


def _retention_engines(kind: Kind, data: st.DataObject) -> None:
    # A signal fires alike on both engines, and detect agrees with risk_score and explain;
    # an action picks the same customers in RetentionProcess.plan as in plan_one.
    log = data.draw(event_logs(max_customers=4, max_events=20))
    as_of = data.draw(as_of_dates(log))
    rule = data.draw(RETENTION_KINDS[kind.cls](log.currency, log.attributes))
    pop = log.population(as_of)
    batch = rule.when.evaluate(pop).tolist()
    if isinstance(rule, DefectionSignal):
        assert rule.fires(pop).tolist() == batch
        at_risk = detect(pop, [rule])
        scores = dict(zip(at_risk.customer.tolist(), at_risk.score.tolist(), strict=True))
        for i, customer in enumerate(pop.customer.tolist()):
            profile = log.profile(customer, as_of)
            assert rule.fires(profile) == batch[i]
            assert risk_score(profile, [rule]) == scores.get(customer, 0.0)
            why = explain(profile, [rule])
            assert why.reasons == ((rule.name,) if batch[i] else ())
        return
    process = RetentionProcess(actions=[rule])
    plan = process.plan(pop)
    planned = dict(zip(plan.customer.tolist(), plan.action.tolist(), strict=True))
    for i, customer in enumerate(pop.customer.tolist()):
        profile = log.profile(customer, as_of)
        assert rule.when.evaluate(profile) == batch[i]
        worth, score, action = process.plan_one(profile)
        assert (customer in planned) == (worth and score > process.min_score)
        if customer in planned:
            assert planned[customer] == action == (rule.name if batch[i] else "")
