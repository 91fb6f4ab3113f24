"""Hypothesis strategies for loyalty rules.

- :func:`loyalty_logs`: random logs with purchases, surveys and visits, carrying some of
  the ``satisfaction``, ``referrals`` and ``premium`` attributes, and an as-of date.
- :func:`rules`, :func:`ladders`: random valid :class:`LoyaltyRule` and
  :class:`LoyaltyLadder` (``LOYALTY_KINDS`` maps each registered kind to its strategy). The
  fields that read a signal take the attribute's name or, as often, a signal defined with
  :func:`~lifecycle.define_signal` (:func:`defined_sources`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from lifecycle import EventLog, Money, define_signal
from lifecycle.loyalty import DecisionList, LoyaltyLadder, LoyaltyRule, LoyaltyState
from lifecycle.signals import NamedSignal, count, distinct, last, mean, total

CUSTOMERS = ("a", "b", "c", "d")
START = dt.date(2023, 1, 1)
ATTRIBUTE_VALUES = {
    "satisfaction": st.one_of(
        st.none(),
        st.integers(0, 100),
        st.floats(0, 100, allow_nan=False),
        st.just(float("nan")),
    ),
    "referrals": st.one_of(st.none(), st.integers(0, 3)),
    "premium": st.one_of(st.none(), st.booleans()),
}


@st.composite
def loyalty_logs(
    draw: st.DrawFn, attributes: tuple[str, ...] = tuple(ATTRIBUTE_VALUES)
) -> tuple[EventLog, dt.date]:
    """Random logs with purchases, surveys and visits, carrying some of ``attributes``."""
    carried = tuple(sorted(draw(st.sets(st.sampled_from(sorted(attributes))))))
    records = []
    for _ in range(draw(st.integers(1, 30))):
        kind = draw(st.sampled_from(["purchase", "purchase", "purchase", "survey", "visit"]))
        day = START + dt.timedelta(days=draw(st.integers(0, 800)))
        record: dict[str, Any] = {
            "customer": draw(st.sampled_from(CUSTOMERS)),
            "date": day.isoformat(),
            "kind": kind,
        }
        if kind == "purchase":
            cents = draw(st.integers(0, 40000))
            record["amount"] = f"{cents // 100}.{cents % 100:02d}"
            record["category"] = draw(st.sampled_from(["tea", "cups", "pots", None]))
        if kind == "survey":
            record["score"] = draw(
                st.one_of(st.none(), st.integers(0, 10), st.floats(0, 10, allow_nan=False))
            )
        for name in carried:
            record[name] = draw(ATTRIBUTE_VALUES[name])
        records.append(record)
    log = EventLog.from_records(records, currency="EUR", attributes=carried)
    as_of = START + dt.timedelta(days=draw(st.integers(0, 900)))
    return log, as_of


WINDOWS = st.sampled_from([None, "30D", "90D", "365D", "12M", ("180D", "30D")])


@st.composite
def defined_sources(draw: st.DrawFn, field: str) -> str | NamedSignal:
    """``field`` (the attribute's name) or a defined signal a rule can read in its place.

    The definitions read the loyalty logs' kinds: counts and numbers for the satisfaction
    index and referrals, and for the premium flag also money (a premium is spend above 0).
    """
    if draw(st.booleans()):
        return field
    within = draw(WINDOWS)
    numbers = [
        count("visit", within=within),
        count("survey", within=within) + count("visit"),
        mean("survey", "score", within=within),
        last("survey", "score", within=within),
        total("survey", "score", within=within),
        distinct("purchase", "date", within=within),
    ]
    if field == "premium":
        numbers += [total("purchase", within=within), count("purchase") - count("visit")]
    return define_signal(f"{field}_defined", draw(st.sampled_from(numbers)))


@st.composite
def rules(draw: st.DrawFn) -> LoyaltyRule:
    """A random valid :class:`LoyaltyRule`."""
    satisfied_at = draw(st.integers(0, 100))
    return LoyaltyRule(
        satisfaction=draw(defined_sources("satisfaction")),
        satisfied_at=satisfied_at,
        dissatisfied_below=draw(st.integers(0, satisfied_at)),
        promoter_at=draw(st.one_of(st.integers(0, 10), st.floats(0, 10))),
        min_repeat_purchases=draw(st.integers(0, 3)),
        min_purchases_365d=draw(st.integers(0, 3)),
        max_lapse_ratio=draw(st.one_of(st.none(), st.floats(0.1, 5))),
        recommend_fallback=draw(st.booleans()),
        unknown_as=draw(st.sampled_from(list(LoyaltyState)[:3])),
    )


@st.composite
def ladders(draw: st.DrawFn) -> LoyaltyLadder:
    """A random valid :class:`LoyaltyLadder`."""
    customer = draw(st.integers(1, 2))
    spend = draw(
        st.one_of(
            st.none(),
            st.integers(0, 500).map(lambda v: Money(str(v), "EUR")),
            st.integers(0, 500).map(Decimal),
        )
    )
    return LoyaltyLadder(
        customer_purchases=customer,
        client_purchases=draw(st.integers(customer, 4)),
        supporter_categories=draw(st.integers(1, 3)),
        advocate_score=draw(st.integers(0, 10)),
        referrals=draw(defined_sources("referrals")),
        min_referrals=draw(st.integers(1, 3)),
        premium=draw(defined_sources("premium")),
        premium_spend_365d=spend,
    )


LOYALTY_KINDS: dict[type[DecisionList[Any]], st.SearchStrategy[DecisionList[Any]]] = {
    LoyaltyRule: rules(),
    LoyaltyLadder: ladders(),
}


#: Constructions of each kind that must raise ValidationError (the conformance suite runs them).
BAD_LOYALTY: dict[type, tuple[Callable[[], object], ...]] = {
    LoyaltyRule: (
        lambda: LoyaltyRule(satisfied_at=120),
        lambda: LoyaltyRule(satisfaction=define_signal("latest", last("purchase"))),
        lambda: LoyaltyRule(satisfaction=""),
        lambda: LoyaltyRule(satisfied_at=40, dissatisfied_below=60),
    ),
    LoyaltyLadder: (
        lambda: LoyaltyLadder(client_purchases=0),
        lambda: LoyaltyLadder(referrals=define_signal("since", last("visit"))),
        lambda: LoyaltyLadder(premium=3),
        lambda: LoyaltyLadder(customer_purchases=3, client_purchases=2),
    ),
}
