"""Published loyalty classifications that lifecycle.loyalty must reproduce."""

from __future__ import annotations

from typing import Any

import pytest

from lifecycle import EventLog
from lifecycle.loyalty import (
    LadderRung,
    LoyaltyRule,
    LoyaltyState,
    loyalty_matrix,
    spurious_loyalty,
)

# Dick, A. S. and Basu, K. (1994). Customer loyalty: toward an integrated conceptual
# framework. Journal of the Academy of Marketing Science 22(2), 99-113. The 2x2
# relative-attitude x repeat-patronage figure: high attitude and high patronage is loyalty,
# high attitude and low patronage latent loyalty, low attitude and high patronage spurious
# loyalty, low and low no loyalty. Rows of the figure are attitude (high, low), columns
# repeat patronage (high, low).
DICK_BASU_CELLS = [
    ("high", "high", "true"),
    ("high", "low", "latent"),
    ("low", "high", "spurious"),
    ("low", "low", "none"),
]
SCORE = {"high": 0.9, "low": 0.1}


@pytest.mark.parametrize(("attitude", "patronage", "cell"), DICK_BASU_CELLS)
def test_dick_basu_cell(attitude: str, patronage: str, cell: str) -> None:
    matrix = loyalty_matrix([SCORE[attitude]], [SCORE[patronage]])
    assert matrix.labels.tolist() == [cell]


def test_dick_basu_table_layout() -> None:
    attitude = [SCORE[a] for a, _, _ in DICK_BASU_CELLS]
    patronage = [SCORE[p] for _, p, _ in DICK_BASU_CELLS]
    matrix = loyalty_matrix(attitude, patronage)
    # One customer per cell, laid out as in the figure.
    assert matrix.table.tolist() == [[1, 1], [1, 1]]
    assert list(matrix.counts) == ["true", "latent", "spurious", "none"]


def test_dick_basu_spurious_is_repeat_without_attitude() -> None:
    attitude = [SCORE[a] for a, _, _ in DICK_BASU_CELLS]
    patronage = [SCORE[p] for _, p, _ in DICK_BASU_CELLS]
    flagged = spurious_loyalty(attitude, patronage).mask.tolist()
    assert flagged == [cell == "spurious" for _, _, cell in DICK_BASU_CELLS]


# Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review 81(12),
# 46-54: on the 0-10 "would you recommend" question, 9-10 are promoters, 7-8 passives,
# 0-6 detractors.
NPS_PROMOTERS = {9, 10}


def _repeat_buyer_with_score(score: int) -> Any:
    log = EventLog.from_records(
        [
            {"customer": 1, "date": "2024-05-01", "amount": "10"},
            {"customer": 1, "date": "2024-06-01", "amount": "10"},
            {"customer": 1, "date": "2024-06-05", "kind": "survey", "score": score},
        ],
        currency="EUR",
    )
    assert isinstance(log, EventLog)
    return log.profile(1, "2024-06-10")


@pytest.mark.parametrize("score", range(11))
def test_promoters_are_nine_and_ten(score: int) -> None:
    state = LoyaltyRule().evaluate(_repeat_buyer_with_score(score).with_attributes(satisfaction=90))
    assert (state is LoyaltyState.PROMOTER) == (score in NPS_PROMOTERS)


@pytest.mark.parametrize("score", range(7))
def test_detractors_are_never_satisfied_without_an_index(score: int) -> None:
    # With no satisfaction index the recommend answer stands in for it, and a detractor
    # (0-6) stays below satisfied.
    assert LoyaltyRule().evaluate(_repeat_buyer_with_score(score)) < LoyaltyState.SATISFIED


# Christopher, M., Payne, A. and Ballantyne, D. (1991). Relationship Marketing. Oxford:
# Butterworth-Heinemann. The loyalty ladder, bottom to top: prospect, customer, client,
# supporter, advocate, partner.
def test_ladder_order() -> None:
    assert [rung.label for rung in sorted(LadderRung)] == [
        "prospect",
        "customer",
        "client",
        "supporter",
        "advocate",
        "partner",
    ]
