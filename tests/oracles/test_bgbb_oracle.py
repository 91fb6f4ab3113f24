"""Oracle: BG/BB on the 1995 donation cohort of Fader, Hardie and Shang (2010).

Source: P. S. Fader, B. G. S. Hardie and J. Shang (2010), "Customer-base analysis in a
discrete-time noncontractual setting", Marketing Science 29(6), 1086-1108. The data are the
paper's summary of the 11,104 first-time supporters of 1995 by their repeat-donation pattern
over the six annual opportunities 1996-2001: frequency x, the year of the last repeat
donation t_x (1..6; 0 for none) and the number of donors with that pattern (the same 22 rows
lifetimes 0.11.3 ships as ``datasets/donations.csv``). The paper's maximum-likelihood
estimates: alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783, LL = -33,225.6.

The per-pattern predictions are checked against lifetimes 0.11.3's
``BetaGeoBetaBinomFitter`` evaluated at the paper's estimates (an independent
implementation, not a published figure).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

from lifecycle.models import BetaGeoBetaBinomModel, BetaGeoBetaBinomParams

# (frequency, recency, periods, donors): the paper's 22 patterns of the 1995 cohort.
PATTERNS = [
    (0, 0, 6, 3464),
    (1, 1, 6, 1091),
    (1, 2, 6, 277),
    (1, 3, 6, 129),
    (1, 4, 6, 78),
    (1, 5, 6, 119),
    (1, 6, 6, 129),
    (2, 2, 6, 613),
    (2, 3, 6, 255),
    (2, 4, 6, 155),
    (2, 5, 6, 173),
    (2, 6, 6, 234),
    (3, 3, 6, 322),
    (3, 4, 6, 181),
    (3, 5, 6, 225),
    (3, 6, 6, 357),
    (4, 4, 6, 240),
    (4, 5, 6, 284),
    (4, 6, 6, 512),
    (5, 5, 6, 335),
    (5, 6, 6, 728),
    (6, 6, 6, 1203),
]
X, TX, N, DONORS = (np.array(column, dtype=np.float64) for column in zip(*PATTERNS, strict=True))
PAPER = BetaGeoBetaBinomParams(1.204, 0.750, 0.657, 2.783)

# lifetimes 0.11.3 at the paper's estimates, pattern by pattern in the order above.
PEER_EXPECTED_2002_2006 = [
    0.072803, 0.085635, 0.314071, 0.593678, 0.839291, 1.021666, 1.147927, 0.119058, 0.535869,
    1.057349, 1.442895, 1.668764, 0.223508, 1.034228, 1.804426, 2.189602, 0.583027, 2.029623,
    2.71044, 1.812582, 3.231278, 3.752116,
]  # fmt: skip
PEER_ALIVE_2002 = [
    0.108017, 0.069408, 0.254556, 0.481181, 0.680251, 0.828067, 0.930403, 0.06638, 0.298768,
    0.589514, 0.804472, 0.930403, 0.094973, 0.439463, 0.766734, 0.930403, 0.200133, 0.696701,
    0.930403, 0.521908, 0.930403, 0.930403,
]  # fmt: skip


def test_cohort_total() -> None:
    assert DONORS.sum() == 11_104


def test_published_estimates_and_log_likelihood() -> None:
    model = BetaGeoBetaBinomModel().fit(frequency=X, recency=TX, T=N, weights=DONORS)
    for name in ("alpha", "beta", "gamma", "delta"):
        assert getattr(model.params_, name) == pytest.approx(getattr(PAPER, name), rel=1e-3)
    # The paper prints LL = -33,225.6 (one decimal).
    assert model.log_likelihood_ == pytest.approx(-33_225.6, abs=0.05)
    assert model.converged_
    assert model.n_customers_ == 11_104


def test_predictions_match_an_independent_implementation() -> None:
    model = BetaGeoBetaBinomModel.from_params(PAPER)
    expected = model.conditional_expected_purchases(5, frequency=X, recency=TX, T=N)
    alive = model.probability_alive(frequency=X, recency=TX, T=N)
    assert expected == pytest.approx(PEER_EXPECTED_2002_2006, abs=2e-6)
    assert alive == pytest.approx(PEER_ALIVE_2002, abs=2e-6)


def test_expected_frequency_histogram_sums_to_the_cohort() -> None:
    # lifetimes 0.11.3 at the paper's estimates: 3455.76 of the 11,104 donors give in none
    # of the six years.
    probs = BetaGeoBetaBinomModel.from_params(PAPER).probability_of_purchases(np.arange(7), 6)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)
    assert probs[0] * 11_104 == pytest.approx(3455.761821, abs=1e-4)
