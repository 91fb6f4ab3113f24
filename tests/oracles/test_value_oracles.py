"""Oracles for lifecycle.value: published margin multiples and a published Kaplan-Meier table.

Sources
-------
- S. Gupta and D. R. Lehmann (2003), "Customers as assets", Journal of Interactive
  Marketing 17(1), 9-24, Table 2: the margin multiple r / (1 + i - r) for retention rates
  60-90% and discount rates 10-16%, printed to two decimals.
- The remission times of the 21 leukaemia patients on 6-mercaptopurine (Freireich et al.
  1963, Blood 21, 699-716), the Kaplan-Meier example of D. G. Kleinbaum and M. Klein (2012),
  "Survival Analysis: A Self-Learning Text", 3rd ed., Springer, chapter 2: S(t) = 0.857,
  0.807, 0.753, 0.690, 0.627, 0.538, 0.448 at t = 6, 7, 10, 13, 16, 22, 23 weeks, median 23.
  Greenwood standard errors and the 95% bands on log S and on log(-log S) as printed by R's
  ``survival::survfit`` for the same data (the output reproduced in most course notes on
  the example): se 0.0764 0.0869 0.0963 0.1068 0.1141 0.1282 0.1346.
- P. E. Pfeifer and R. L. Carraway (2000), "Modeling customer relationships as Markov
  chains", Journal of Interactive Marketing 14(2), 43-55: in a retention situation (an
  active state kept with probability r, a lost state never left) the Markov chain value of
  an active customer is the Berger-Nasr / Gupta-Lehmann closed form. We check the chain
  against Gupta and Lehmann's printed multiples through that identity.
"""

from __future__ import annotations

import pytest

from lifecycle.value import MarkovChainModel, clv_margin_multiple, survival

# Gupta and Lehmann (2003), Table 2: rows retention, columns discount 10%, 12%, 14%, 16%.
MARGIN_MULTIPLES = {
    0.6: (1.20, 1.15, 1.11, 1.07),
    0.7: (1.75, 1.67, 1.59, 1.52),
    0.8: (2.67, 2.50, 2.35, 2.22),
    0.9: (4.50, 4.09, 3.75, 3.46),
}
DISCOUNTS = (0.10, 0.12, 0.14, 0.16)


@pytest.mark.parametrize("retention", sorted(MARGIN_MULTIPLES))
def test_gupta_lehmann_margin_multiples(retention: float) -> None:
    for discount, printed in zip(DISCOUNTS, MARGIN_MULTIPLES[retention], strict=True):
        assert round(clv_margin_multiple(1, retention, discount), 2) == printed


@pytest.mark.parametrize("retention", sorted(MARGIN_MULTIPLES))
def test_markov_chain_retention_case(retention: float) -> None:
    # Rewards at the start of each period: the active customer's value is the first margin
    # plus the end-of-period multiple, m + m r / (1 + d - r).
    for discount, printed in zip(DISCOUNTS, MARGIN_MULTIPLES[retention], strict=True):
        model = MarkovChainModel(
            ("active", "lost"), [[retention, 1 - retention], [0.0, 1.0]], [1.0, 0.0]
        )
        active, lost = model.value(discount).tolist()
        assert round(active - 1, 2) == printed
        assert lost == 0.0


# Freireich et al. (1963), 6-MP group: weeks in remission; False = censored.
SIX_MP_TIMES = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
SIX_MP_ENDED = [True] * 9 + [False] * 12


def test_kaplan_meier_six_mp() -> None:
    t = survival(SIX_MP_TIMES, SIX_MP_ENDED, bands="log")
    assert t.time.tolist() == [6, 7, 10, 13, 16, 22, 23]
    assert t.at_risk.tolist() == [21, 17, 15, 12, 11, 7, 6]
    assert t.events.tolist() == [3, 1, 1, 1, 1, 1, 1]
    assert [round(s, 3) for s in t.survival.tolist()] == [
        0.857,
        0.807,
        0.753,
        0.690,
        0.627,
        0.538,
        0.448,
    ]
    assert [round(s, 4) for s in t.std_err.tolist()] == [
        0.0764,
        0.0869,
        0.0963,
        0.1068,
        0.1141,
        0.1282,
        0.1346,
    ]
    assert [round(s, 3) for s in t.lower.tolist()] == [
        0.720,
        0.653,
        0.586,
        0.510,
        0.439,
        0.337,
        0.249,
    ]
    assert [round(s, 3) for s in t.upper.tolist()] == [
        1.000,
        0.996,
        0.968,
        0.935,
        0.896,
        0.858,
        0.807,
    ]
    assert t.median == 23


def test_kaplan_meier_six_mp_log_log_bands() -> None:
    t = survival(SIX_MP_TIMES, SIX_MP_ENDED)
    assert [round(s, 3) for s in t.lower.tolist()] == [
        0.620,
        0.563,
        0.503,
        0.432,
        0.368,
        0.268,
        0.188,
    ]
    assert [round(s, 3) for s in t.upper.tolist()] == [
        0.952,
        0.923,
        0.889,
        0.849,
        0.805,
        0.747,
        0.680,
    ]


def test_kaplan_meier_six_mp_by_hand() -> None:
    # S(6) = 1 - 3/21; S(7) = S(6) (1 - 1/17); Greenwood at 7: S^2 (3/(21*18) + 1/(17*16)).
    t = survival(SIX_MP_TIMES, SIX_MP_ENDED)
    s6 = 18 / 21
    s7 = s6 * 16 / 17
    assert t.survival.tolist()[:2] == pytest.approx([s6, s7])
    assert t.std_err.tolist()[1] == pytest.approx((s7**2 * (3 / 378 + 1 / 272)) ** 0.5)
