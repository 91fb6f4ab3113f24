"""Expected purchases where SciPy's hypergeometric function fails, against 40-digit arithmetic.

BG/NBD's and MBG/NBD's expected purchases hold ``2F1`` near ``z = 1``. With a large ``b`` or
``r`` SciPy's ``hyp2f1`` returns NaN or inf in Euler's form and in the printed form alike;
the library then integrates over the dropout probability instead (see
``lifecycle.models._base._growth_by_quadrature``). The reference values were computed with
mpmath 1.3 at 40 significant digits from the closed forms (Fader, Hardie and Lee 2005,
equations 9 and 10; Batislam, Denizel and Filiztekin 2007), parameters in weeks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from lifecycle.models import (
    BetaGeoModel,
    BetaGeoParams,
    ModifiedBetaGeoModel,
    ModifiedBetaGeoParams,
)

# (model, (r, alpha, a, b), horizon t, E[X(t)]) by mpmath, 40 digits.
UNCONDITIONAL = [
    (ModifiedBetaGeoModel, (0.1445, 0.1671, 0.7233, 267.8), 4260, 538.5196511916924),
    (ModifiedBetaGeoModel, (0.003609, 0.06845, 0.01409, 173.5), 437.4, 22.31835755859246),
    (BetaGeoModel, (0.3, 0.7477, 0.004483, 223.1), 2391, 951.3351458629525),
    (BetaGeoModel, (223.9, 6.099, 200.3, 6.686), 6475, 1.033547415955845),
    (BetaGeoModel, (25.65, 0.06483, 38.08, 207.7), 1526, 6.601402373247033),
    (BetaGeoModel, (0.5, 1.0, 150.0, 50.0), 1000, 1.286763105283925),
]
# ((r, alpha, a, b), (x, t_x, T), t, E[Y(t) | x, t_x, T]) for BG/NBD, by mpmath.
CONDITIONAL = [
    ((0.3, 0.7477, 0.004483, 223.1), (5, 30.0, 40.0), 2391, 310.2102783301144),
    ((25.65, 0.06483, 38.08, 207.7), (3, 10.0, 40.0), 1526, 2.38267035360035e-16),
]


def _model(cls: type, params: tuple[float, ...]) -> BetaGeoModel:
    types = {BetaGeoModel: BetaGeoParams, ModifiedBetaGeoModel: ModifiedBetaGeoParams}
    return cls.from_params(types[cls](*params, unit="W"))  # type: ignore[no-any-return]


@pytest.mark.parametrize(("cls", "params", "t", "expected"), UNCONDITIONAL)
def test_expected_purchases_where_scipy_fails(
    cls: type, params: tuple[float, ...], t: float, expected: float
) -> None:
    assert _model(cls, params).expected_purchases(t)[0] == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(("params", "history", "t", "expected"), CONDITIONAL)
def test_conditional_expected_purchases_where_scipy_fails(
    params: tuple[float, ...], history: tuple[float, ...], t: float, expected: float
) -> None:
    x, tx, big_t = history
    got = _model(BetaGeoModel, params).conditional_expected_purchases(
        t, frequency=[x], recency=[tx], T=[big_t]
    )[0]
    assert got == pytest.approx(expected, rel=1e-10)


@settings(max_examples=150, deadline=None)
@given(
    cls=st.sampled_from([BetaGeoModel, ModifiedBetaGeoModel]),
    params=st.tuples(*[st.floats(-2.5, 2.5) for _ in range(4)]),
    x=st.integers(0, 300),
    tx_share=st.floats(0.001, 1.0),
    big_t=st.floats(-2.0, 4.0),
    t=st.floats(-2.0, 4.0),
)
def test_predictions_are_finite_for_any_parameters(
    cls: type,
    params: tuple[float, ...],
    x: int,
    tx_share: float,
    big_t: float,
    t: float,
) -> None:
    # Parameters from 0.003 to 300, histories up to 10,000 weeks, horizons up to 10,000
    # weeks: every answer is a number (never NaN, inf or a warning), expected purchases
    # grow with the horizon, and P(alive) is a probability.
    model = _model(cls, tuple(10.0**v for v in params))
    big_t, t = 10.0**big_t, 10.0**t
    history = {"frequency": [x], "recency": [tx_share * big_t if x else 0.0], "T": [big_t]}
    alive = model.probability_alive(**history)[0]
    ahead = model.conditional_expected_purchases([t, 2 * t], **history)
    new = model.expected_purchases([t, 2 * t])
    assert 0.0 <= alive <= 1.0
    assert np.isfinite(ahead).all()
    assert np.isfinite(new).all()
    assert 0.0 <= new[0] <= new[1] * (1 + 1e-9)
    assert 0.0 <= ahead[0] <= ahead[1] * (1 + 1e-9) or math.isclose(ahead[0], ahead[1])
