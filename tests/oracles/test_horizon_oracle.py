"""Long-horizon predictions against 50-digit arithmetic, and the horizon's bound.

BG/NBD and MBG/NBD predictions hold ``2F1(.; z)`` with ``z = t / (alpha + t)``, which nears 1
as the horizon grows; the library refuses horizons beyond ``MAX_HORIZON_YEARS`` (10,000
years) rather than return digits that are no longer right. The reference values below were
computed with mpmath 1.3 at 60 significant digits from the papers' closed forms:

- BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way", equations 9
  and 10), CDNOW parameters r = 0.2426, alpha = 4.4135, a = 0.7929, b = 2.4258 (weeks); the
  conditional value is for the paper's customer x = 2, t_x = 30.43, T = 38.86.
- MBG/NBD (Batislam, Denizel and Filiztekin 2007), ``E[X(t)] = b/(a-1) (1 - (alpha/(alpha+t))^r
  2F1(r, b+1; a+b; t/(alpha+t)))`` with r = 0.525, alpha = 6.183, a = 0.891, b = 1.614.

At 10,000 years (521,785 weeks) the library's values agree to about 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

from lifecycle.errors import ValidationError
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

BG = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
MBG = ModifiedBetaGeoModel.from_params(ModifiedBetaGeoParams(0.525, 6.183, 0.891, 1.614, unit="W"))
PARETO = ParetoNBDModel.from_params(ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W"))

# (horizon in weeks, E[X(t)], E[Y(t) | x = 2, t_x = 30.43, T = 38.86]) by mpmath, 60 digits.
BG_REFERENCE = [
    (39, 1.1950518784095006, 1.2259111998992229),
    (52_179, 24.708262856271042, 40.650467007412481),
    (521_785, 45.537222110729904, 74.499653404243298),
]
MBG_REFERENCE = [(39, 1.1829536655971726), (521_785, 24.656408073058015)]


@pytest.mark.parametrize(("t", "unconditional", "conditional"), BG_REFERENCE)
def test_bg_nbd_long_horizons_match_fifty_digit_arithmetic(
    t: float, unconditional: float, conditional: float
) -> None:
    assert BG.expected_purchases(t)[0] == pytest.approx(unconditional, rel=1e-11)
    got = BG.conditional_expected_purchases(t, frequency=[2], recency=[30.43], T=[38.86])[0]
    assert got == pytest.approx(conditional, rel=1e-11)


@pytest.mark.parametrize(("t", "expected"), MBG_REFERENCE)
def test_mbg_nbd_long_horizons_match_fifty_digit_arithmetic(t: float, expected: float) -> None:
    assert MBG.expected_purchases(t)[0] == pytest.approx(expected, rel=1e-11)


@pytest.mark.parametrize("model", [BG, MBG, PARETO], ids=["bg", "mbg", "pareto"])
@pytest.mark.parametrize("t", [521_786.0, 1e12, 1e19, 1e300])
def test_every_question_refuses_a_horizon_beyond_ten_thousand_years(
    model: BetaGeoModel, t: float
) -> None:
    history = {"frequency": [2], "recency": [30.43], "T": [38.86]}
    with pytest.raises(ValidationError, match=r"'t' must be at most 10,000 years, 521785.7143"):
        model.expected_purchases(t)
    with pytest.raises(ValidationError, match="at most 10,000 years"):
        model.conditional_expected_purchases(t, **history)
    with pytest.raises(ValidationError, match="at most 10,000 years"):
        model.conditional_expected_purchases([39.0, t], **history)
    with pytest.raises(ValidationError, match="at most 10,000 years"):
        model.probability_of_purchases(1, t)


def test_the_bound_follows_the_unit() -> None:
    daily = BetaGeoModel.from_params(BetaGeoParams(0.2426, 30.9, 0.7929, 2.4258, unit="D"))
    assert np.isfinite(daily.expected_purchases(3_652_500)).all()
    with pytest.raises(ValidationError, match="3652500 in unit 'D'"):
        daily.expected_purchases(3_652_501)


def test_clv_horizons_are_bounded_too() -> None:
    gg = GammaGammaModel.from_params(GammaGammaParams(6.25, 3.74, 15.44))
    history = {"frequency": [2], "recency": [30.43], "T": [38.86], "monetary_value": [35.0]}
    with pytest.raises(ValidationError, match="at most 10,000 years: 521,785 periods of unit 'W'"):
        gg.customer_lifetime_value(BG, **history, horizon=10**9, discount_rate=0.01, unit="W")
