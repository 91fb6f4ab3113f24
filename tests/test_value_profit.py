"""Tests of lifecycle.value.customer_margins: revenue, costs, margin and why a loss."""

from __future__ import annotations

import pytest

from lifecycle import EventLog
from lifecycle.errors import ValidationError
from lifecycle.value import customer_margins


def log_with(attribute: str, values: list[object]) -> EventLog:
    rows = [
        {
            "customer": "ann",
            "date": "2024-01-05",
            "amount": "40",
            "quantity": 2,
            attribute: values[0],
        },
        {"customer": "ann", "date": "2024-01-09", "kind": "return", "amount": "5"},
        {"customer": "bob", "date": "2024-01-06", "amount": "12", attribute: values[1]},
        {"customer": "bob", "date": "2024-01-20", "kind": "complaint"},
        {"customer": "bob", "date": "2024-01-21", "kind": "complaint"},
        {"customer": "cem", "date": "2024-01-07", "kind": "visit"},
        {"customer": "dee", "date": "2024-01-08", "amount": "10", attribute: values[2]},
        {"customer": "dee", "date": "2024-03-01", "amount": "99", attribute: values[2]},
    ]
    return EventLog.from_records(rows, currency="EUR", attributes=[attribute])


class TestCustomerMargins:
    def test_unit_cost(self) -> None:
        log = log_with("unit_cost", [1000, 800, 1500])
        t = customer_margins(
            log,
            "2024-02-01",
            unit_cost="unit_cost",
            cost_of_service={"complaint": 250, "return": 100},
        )
        assert t.customer.tolist() == ["ann", "bob", "cem", "dee"]
        assert t.revenue.tolist() == [3500, 1200, 0, 1000]
        assert t.cost_of_goods.tolist() == [2000, 800, 0, 1500]
        assert t.cost_of_service.tolist() == [100, 500, 0, 0]
        assert t.margin.tolist() == [1400, -100, 0, -500]
        assert t.why.tolist() == [
            "",
            "cost of service 5.00 exceeds the gross margin 4.00",
            "",
            "cost of goods 15.00 exceeds revenue 10.00",
        ]

    def test_margin_column(self) -> None:
        log = log_with("margin", [1200, 300, 200])
        t = customer_margins(log, margin="margin")
        assert t.cost_of_goods.tolist() == [2800, 900, 0, 10900 - 400]
        assert t.margin.tolist() == [1200 - 500, 300, 0, 400]

    def test_no_costs_given(self) -> None:
        t = customer_margins(log_with("x", [1, 1, 1]))
        assert t.margin.tolist() == t.revenue.tolist()

    @pytest.mark.parametrize(
        ("values", "kwargs", "match"),
        [
            ([1000, 2.5, 1], {"unit_cost": "unit_cost"}, "a whole number of minor units"),
            ([1000, None, 1], {"unit_cost": "unit_cost"}, "a whole number of minor units"),
            ([1000, -1, 1], {"unit_cost": "unit_cost"}, "'unit_cost' must be >= 0"),
            ([1, 1, 1], {"unit_cost": "nope"}, "no attribute 'nope'"),
            ([1, 1, 1], {"unit_cost": "unit_cost", "margin": "unit_cost"}, "not both"),
            ([1, 1, 1], {"cost_of_service": {"tweet": 5}}, "unknown event kind 'tweet'"),
            ([1, 1, 1], {"cost_of_service": {"complaint": -5}}, "must be an int >= 0"),
            ([1, 1, 1], {"cost_of_service": {"complaint": 2.5}}, "must be an int >= 0"),
        ],
    )
    def test_errors(self, values: list[object], kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            customer_margins(log_with("unit_cost", values), **kwargs)  # type: ignore[arg-type]

    def test_needs_amounts(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        with pytest.raises(ValidationError, match="need amounts"):
            customer_margins(log)
