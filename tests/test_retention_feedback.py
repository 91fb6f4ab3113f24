"""Tests of lifecycle.retention feedback and lost-customer analysis: campaigns and switching."""

from __future__ import annotations

import math
import warnings
from typing import ClassVar

import numpy as np
import pytest

from lifecycle import EventLog
from lifecycle.errors import ValidationError
from lifecycle.retention import (
    SmallGroupWarning,
    evaluate_campaign,
    gains_and_losses,
    switching_matrix,
)

WINDOW = ("2024-01-01", "2024-03-31")


def campaign_log(n: int = 40) -> EventLog:
    rows = []
    for c in range(2 * n):
        rows.append({"customer": c, "date": "2023-11-01", "amount": "5", "currency": "EUR"})
        treated = c < n
        # Treated: 3 in 4 buy 20.00 in the window; control: 1 in 4 buys 10.00.
        if (treated and c % 4 != 0) or (not treated and c % 4 == 0):
            amount = "20" if treated else "10"
            rows.append({"customer": c, "date": "2024-02-01", "amount": amount, "currency": "EUR"})
    return EventLog.from_records(rows)


class TestEvaluateCampaign:
    def test_lift_and_intervals_by_hand(self) -> None:
        n = 40
        t = evaluate_campaign(range(n), range(n, 2 * n), campaign_log(n), WINDOW)
        assert t.metric.tolist() == ["retention", "revenue_per_customer"]
        assert t.treated.tolist() == [0.75, 1500.0]
        assert t.control.tolist() == [0.25, 250.0]
        assert t.lift.tolist() == [0.5, 1250.0]
        assert t.relative_lift.tolist() == [2.0, 5.0]
        se = math.sqrt(0.75 * 0.25 / n * 2)
        assert t.lower[0] == pytest.approx(0.5 - 1.959964 * se, abs=1e-6)
        assert t.upper[0] == pytest.approx(0.5 + 1.959964 * se, abs=1e-6)
        rev_t = np.array([0 if c % 4 == 0 else 2000 for c in range(n)], dtype=float)
        rev_c = np.array([1000 if c % 4 == 0 else 0 for c in range(n)], dtype=float)
        se_m = math.sqrt(rev_t.var(ddof=1) / n + rev_c.var(ddof=1) / n)
        assert t.upper[1] == pytest.approx(1250 + 1.959964 * se_m, abs=1e-3)
        assert t.n_treated.tolist() == [n, n]

    def test_small_groups_warn(self) -> None:
        with pytest.warns(SmallGroupWarning, match="groups too small"):
            evaluate_campaign(range(8), range(8, 16), campaign_log(8), WINDOW)

    def test_customers_without_events_count_as_not_retained(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallGroupWarning)
            t = evaluate_campaign([1, 999], [4, 998], campaign_log(4), WINDOW)
        assert t.treated.tolist()[0] == 0.5

    @pytest.mark.parametrize(
        ("treated", "control", "window", "match"),
        [
            ([1, 2], [2, 3], WINDOW, "overlap: 1 customer in both, first 2"),
            ([1, 1], [2], WINDOW, "'treated' lists customer 1 more than once"),
            ([], [2], WINDOW, "'treated' must be a non-empty"),
            ([1], [2], ("2024-03-01", "2024-01-01"), "ends \\(2024-01-01\\) before"),
            ([1], [2], "2024-01-01", "'window' must be a \\(first day, last day\\) pair"),
        ],
    )
    def test_errors(
        self, treated: list[int], control: list[int], window: object, match: str
    ) -> None:
        with pytest.raises(ValidationError, match=match):
            evaluate_campaign(treated, control, campaign_log(4), window)  # type: ignore[arg-type]

    def test_needs_amounts(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(ValidationError, match="needs amounts"):
            evaluate_campaign([1], [2], log, WINDOW)

    def test_bad_confidence(self) -> None:
        with pytest.raises(ValidationError, match="'confidence' must be in"):
            evaluate_campaign([1], [2], campaign_log(4), WINDOW, confidence=1.5)


class TestSwitching:
    BEFORE: ClassVar[dict[str, list[object]]] = {
        "customer": [1, 2, 3, 4, 5, 6],
        "brand": ["us", "us", "us", "a", "b", "a"],
    }
    AFTER: ClassVar[dict[str, list[object]]] = {
        "customer": [1, 2, 3, 4, 6, 7],
        "brand": ["us", "a", "b", "us", "a", "us"],
    }

    def test_matrix(self) -> None:
        m = switching_matrix(self.BEFORE, self.AFTER)
        rows = [m.row(i) for i in range(len(m))]
        got = {(r["brand_before"], r["brand_after"]): (r["status"], r["customers"]) for r in rows}
        assert got == {
            ("", "us"): ("new", 1),
            ("a", "a"): ("stayed", 1),
            ("a", "us"): ("switched", 1),
            ("b", ""): ("lapsed", 1),
            ("us", "a"): ("switched", 1),
            ("us", "b"): ("switched", 1),
            ("us", "us"): ("stayed", 1),
        }
        shares = {(r["brand_before"], r["brand_after"]): r["share_of_before"] for r in rows}
        assert shares[("us", "us")] == pytest.approx(1 / 3)
        assert math.isnan(shares[("", "us")])
        assert int(m.customers.sum()) == 7

    def test_gains_and_losses(self) -> None:
        g = gains_and_losses(switching_matrix(self.BEFORE, self.AFTER), "us")
        assert g.competitor.tolist() == ["", "a", "b"]
        assert g.gained.tolist() == [1, 1, 0]
        assert g.lost.tolist() == [0, 1, 1]
        assert g.net.tolist() == [1, 0, -1]

    def test_unknown_supplier(self) -> None:
        m = switching_matrix(self.BEFORE, self.AFTER)
        with pytest.raises(ValidationError, match="'supplier' 'zz' is not a brand"):
            gains_and_losses(m, "zz")

    @pytest.mark.parametrize(
        ("panel", "match"),
        [
            ({"customer": [1, 1], "brand": ["a", "b"]}, "lists customer 1 more than once"),
            ({"customer": [1, 2], "brand": ["a", " "]}, "brand at row 1 must be a non-empty"),
            ({"customer": [1, 2], "brand": [1, 2]}, "'brand' must hold strings"),
            ({"customer": [1, 2], "brand": ["a"]}, "equal length"),
            ({"customer": [1]}, "must have the columns"),
        ],
    )
    def test_bad_panels(self, panel: dict[str, list[object]], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            switching_matrix(panel, self.AFTER)
