"""Worked examples the survey instruments must reproduce.

Each test cites where its numbers come from and shows the hand computation, so a failure
can be checked with pencil and paper.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lifecycle.instruments import acsi, cronbach_alpha, csat, ipa, kano, nps, servqual


def nps_sample(promoters: int, passives: int, detractors: int) -> np.ndarray:
    return np.array([10] * promoters + [8] * passives + [3] * detractors)


class TestNPSOracle:
    # Source: J. Sauro and J. R. Lewis, "Confidence Intervals for Net Promoter Scores",
    # MeasuringU (2021), following B. Rocks, "Interval Estimation for the 'Net Promoter
    # Score'", The American Statistician 70(4), 2016: n = 200 with 100 promoters,
    # 60 passives and 40 detractors.
    #   p = 0.5, d = 0.2, NPS = 100 (0.5 - 0.2) = 30
    #   SE = 100 sqrt((0.5 + 0.2 - 0.3^2) / 200) = 100 sqrt(0.61 / 200) = 5.5227
    #   Wald 95%: 30 +/- 1.95996 * 5.5227 = 30 +/- 10.824 -> [19.18, 40.82]
    SAMPLE = nps_sample(100, 60, 40)

    def test_score_and_standard_error(self) -> None:
        result = nps(self.SAMPLE)
        assert result.n == 200
        assert result.score == pytest.approx(30.0)
        assert round(result.standard_error, 2) == 5.52
        assert (result.promoters, result.passives, result.detractors) == (0.5, 0.3, 0.2)

    def test_wald_interval(self) -> None:
        result = nps(self.SAMPLE, ci="wald")
        assert result.ci is not None
        assert (round(result.ci[0], 1), round(result.ci[1], 1)) == (19.2, 40.8)
        assert result.ci[0] == pytest.approx(30 - 1.959964 * 100 * math.sqrt(0.61 / 200))

    def test_adjusted_wald_interval(self) -> None:
        # Adjusted Wald: add 3/4 promoter, 3/4 detractor and 3 respondents.
        #   n' = 203, p' = 100.75 / 203 = 0.49631, d' = 40.75 / 203 = 0.20074
        #   centre = 100 (p' - d') = 29.557
        #   SE' = 100 sqrt((0.69704 - 0.29557^2) / 203) = 5.4803
        #   95%: 29.557 +/- 1.95996 * 5.4803 = 29.557 +/- 10.741 -> [18.8, 40.3]
        result = nps(self.SAMPLE, ci="adjusted_wald")
        assert result.ci is not None
        low, high = result.ci
        assert (low + high) / 2 == pytest.approx(29.557, abs=5e-4)
        assert round(low, 1) == 18.8
        assert round(high, 1) == 40.3
        assert result.standard_error == pytest.approx(5.4803, abs=5e-4)
        assert result.score == pytest.approx(30.0)  # the score itself is not adjusted


class TestACSIOracle:
    # Source: the ACSI index formula of C. Fornell et al., "The American Customer
    # Satisfaction Index: Nature, Purpose, and Findings", Journal of Marketing 60(4), 1996,
    # with the worked example of the issue: item means 8, 7 and 7.5 on 1-10 scales, weights
    # .3885, .3190 and .2925 (summing to 1).
    #   sum w (mean - 1) = .3885 * 7 + .3190 * 6 + .2925 * 6.5
    #                    = 2.7195 + 1.9140 + 1.90125 = 6.53475
    #   ACSI = 100 * 6.53475 / (9 * 1.0) = 72.608
    def test_index(self) -> None:
        result = acsi([8, 7, 7.5], [0.3885, 0.3190, 0.2925])
        assert round(result, 1) == 72.6
        assert result == pytest.approx(72.608333, abs=1e-6)


class TestKanoOracle:
    # Source: the CS/DS coefficients of C. Berger et al., "Kano's Methods for Understanding
    # Customer-Defined Quality", Center for Quality Management Journal 2(4), 1993.
    # Counts A 30, O 25, M 20, I 20 (plus 5 reverse answers, which do not count):
    #   CS = (30 + 25) / (30 + 25 + 20 + 20) = 55 / 95 = 0.579
    #   DS = -(25 + 20) / 95 = -45 / 95 = -0.474
    def test_coefficients(self) -> None:
        pairs = [(1, 3)] * 30 + [(1, 5)] * 25 + [(2, 5)] * 20 + [(3, 3)] * 20 + [(5, 1)] * 5
        result = kano([f for f, _ in pairs], [d for _, d in pairs])
        assert result.counts == {"A": 30, "O": 25, "M": 20, "I": 20, "R": 5, "Q": 0}
        assert round(result.cs, 3) == 0.579
        assert round(result.ds, 3) == -0.474


class TestCronbachAlphaOracle:
    # Worked example with illustrative answers, computed by hand (sample variances,
    # ddof = 1), 4 respondents x 3 items:
    #   item 1: 2 4 3 5  mean 3.5  squared deviations 2.25 .25 .25 2.25 = 5  -> var 5/3
    #   item 2: 3 4 3 4  mean 3.5  squared deviations .25 x 4 = 1            -> var 1/3
    #   item 3: 3 5 4 4  mean 4    squared deviations 1 1 0 0 = 2            -> var 2/3
    #   sum of item variances = 8/3
    #   totals: 8 13 10 13  mean 11  squared deviations 9 4 1 4 = 18         -> var 6
    #   alpha = 3/2 * (1 - (8/3) / 6) = 3/2 * 5/9 = 5/6 = 0.8333
    # Formula: L. J. Cronbach, "Coefficient Alpha and the Internal Structure of Tests",
    # Psychometrika 16(3), 1951.
    ITEMS = ((2, 3, 3), (4, 4, 5), (3, 3, 4), (5, 4, 4))

    def test_alpha(self) -> None:
        assert cronbach_alpha(self.ITEMS) == pytest.approx(5 / 6)

    def test_order_of_respondents_and_items_does_not_matter(self) -> None:
        items = np.array(self.ITEMS)
        assert cronbach_alpha(items[::-1, ::-1]) == pytest.approx(5 / 6)


class TestServqualOracle:
    # Method: the SERVQUAL gap score of A. Parasuraman, V. A. Zeithaml and L. L. Berry,
    # "SERVQUAL: A Multiple-Item Scale for Measuring Consumer Perceptions of Service
    # Quality", Journal of Retailing 64(1), 1988 (five dimensions, 7-point scales, weights
    # from a 100-point allocation). The numbers are illustrative, not the paper's; the
    # expected results are computed by hand:
    #   gaps P - E: tangibles 5.6 - 5.9 = -0.3, reliability 5.1 - 6.4 = -1.3,
    #               responsiveness 5.3 - 6.2 = -0.9, assurance 5.8 - 6.3 = -0.5,
    #               empathy 5.4 - 5.7 = -0.3
    #   unweighted overall = (-0.3 - 1.3 - 0.9 - 0.5 - 0.3) / 5 = -3.3 / 5 = -0.66
    #   weights 10, 30, 25, 20, 15:
    #     (10 * -0.3 + 30 * -1.3 + 25 * -0.9 + 20 * -0.5 + 15 * -0.3) / 100
    #     = (-3 - 39 - 22.5 - 10 - 4.5) / 100 = -0.79
    NAMES = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
    EXPECTED = (5.9, 6.4, 6.2, 6.3, 5.7)
    PERCEIVED = (5.6, 5.1, 5.3, 5.8, 5.4)

    def test_gaps(self) -> None:
        result = servqual(self.EXPECTED, self.PERCEIVED, dimensions=self.NAMES)
        np.testing.assert_allclose(result.gaps, [-0.3, -1.3, -0.9, -0.5, -0.3], atol=1e-12)
        assert result.overall == pytest.approx(-0.66)

    def test_weighted_overall(self) -> None:
        result = servqual(self.EXPECTED, self.PERCEIVED, weights=[10, 30, 25, 20, 15])
        assert result.overall == pytest.approx(-0.79)


class TestCSATOracle:
    # Top-2-box CSAT on a 1-5 scale, illustrative answers counted by hand:
    # 5, 5, 4, 4, 4, 3, 2, 1, 5, 4 -> seven are 4 or 5 -> 7 / 10 = 70%.
    def test_top_two_box(self) -> None:
        result = csat([5, 5, 4, 4, 4, 3, 2, 1, 5, 4], (1, 5))
        assert result.score == pytest.approx(70.0)


class TestIPAOracle:
    # The four quadrants of J. A. Martilla and J. C. James, "Importance-Performance
    # Analysis", Journal of Marketing 41(1), 1977, on a 1-5 grid split at the scale
    # midpoint 3 (ties count as high); illustrative ratings, classified by hand:
    #   importance 4.6, performance 2.8 -> I   concentrate here
    #   importance 4.2, performance 4.4 -> II  keep up the good work
    #   importance 2.1, performance 2.5 -> III low priority
    #   importance 2.4, performance 4.1 -> IV  possible overkill
    #   importance 3.0, performance 3.0 -> II  (tie: high, high)
    def test_quadrants(self) -> None:
        result = ipa(
            [4.6, 4.2, 2.1, 2.4, 3.0],
            [2.8, 4.4, 2.5, 4.1, 3.0],
            crosshair="scale",
            scale=(1, 5),
        )
        assert result.quadrants.tolist() == [
            "concentrate here",
            "keep up the good work",
            "low priority",
            "possible overkill",
            "keep up the good work",
        ]
