"""Published and worked pricing examples that lifecycle.pricing must reproduce.

Sources
-------
- Stripe, "Set up tiered pricing" (https://docs.stripe.com/subscriptions/pricing-models/tiered-pricing):
  the Typographic example with tiers 1-5 fonts at 7 USD, 6-10 at 6.50 USD and 11+ at
  6 USD. Its volume-based table gives 1 -> 7, 5 -> 35, 6 -> 39, 20 -> 120 and 25 -> 150 USD.
  The graduated totals follow the rule the page states ("the quantity is multiplied by the
  amount for each tier and the totals for each tier are summed"); 12 units give 72.00 USD
  by volume and 35.00 + 32.50 + 12.00 = 79.50 USD graduated, as issue 6 quotes.
- Issue 6 (relationship-based pricing), worked examples: quantities 1-9 at 10.00, 10-19
  at 10% off, 20 and more at 20% off, 25 units: volume 25 x 8.00 = 200.00, graduated
  9 x 10.00 + 10 x 9.00 + 6 x 8.00 = 228.00; and a sequence of 25.00 off then 50% off on
  200.00 is 87.50, the other way round 75.00.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lifecycle import EventLog, Money, RoundingPolicy
from lifecycle.pricing import AmountOff, PercentOff, PricingPolicy, Tiered


def usd(amount: str) -> Money:
    return Money(amount, "USD")


STRIPE_TIERS = [(1, usd("7.00")), (6, usd("6.50")), (11, usd("6.00"))]


def both_engines(policy: PricingPolicy, price: Money, quantity: int) -> tuple[Money, Money]:
    """The total from quote() and from quote_many() on a one-customer population."""
    single = policy.quote(price, on="2024-01-31", quantity=quantity).total
    log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    assert isinstance(log, EventLog)
    table = policy.quote_many(
        log.population("2024-01-31"), price.to_minor(), quantity, currency=price.currency
    )
    return single, Money.from_minor(int(table.total_minor[0]), price.currency)


@pytest.mark.parametrize("per", ["line", "total"])
@pytest.mark.parametrize(
    ("mode", "quantity", "expected"),
    [
        # Stripe's volume-based table
        ("volume", 1, "7.00"),
        ("volume", 5, "35.00"),
        ("volume", 6, "39.00"),
        ("volume", 20, "120.00"),
        ("volume", 25, "150.00"),
        # issue 6: quantity 12
        ("volume", 12, "72.00"),
        ("graduated", 12, "79.50"),
        # graduated by the rule Stripe states
        ("graduated", 5, "35.00"),
        ("graduated", 6, "41.50"),
        ("graduated", 20, "127.50"),
    ],
)
def test_stripe_tiers(mode: Any, quantity: int, expected: str, per: Any) -> None:
    policy = PricingPolicy([Tiered(STRIPE_TIERS, mode=mode)], rounding=RoundingPolicy(per=per))
    assert both_engines(policy, usd("7.00"), quantity) == (usd(expected), usd(expected))


@pytest.mark.parametrize(("mode", "expected"), [("volume", "200.00"), ("graduated", "228.00")])
def test_percent_tiers(mode: Any, expected: str) -> None:
    tiers = Tiered([(1, 0), (10, 10), (20, 20)], mode=mode)
    assert tiers.apply(usd("10.00"), 25) == usd(expected)
    assert both_engines(PricingPolicy([tiers]), usd("10.00"), 25) == (usd(expected), usd(expected))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([AmountOff(Money("25", "EUR")), PercentOff(50)], "87.50"),
        ([PercentOff(50), AmountOff(Money("25", "EUR"))], "75.00"),
    ],
)
@pytest.mark.parametrize("per", ["line", "total"])
def test_sequence_order_matters(rules: list[Any], expected: str, per: Any) -> None:
    policy = PricingPolicy(rules, combine="sequence", rounding=RoundingPolicy(per=per))
    price = Money("200.00", "EUR")
    assert both_engines(policy, price, 1) == (Money(expected, "EUR"), Money(expected, "EUR"))
    steps = policy.quote(price, on="2024-01-31").steps
    assert [s.after for s in steps][-1] == Money(expected, "EUR")


def test_tiers_all_quantities_agree() -> None:
    """Volume and graduated totals for quantities 1 to 40, against a hand-written rule."""
    prices = {range(1, 6): 700, range(6, 11): 650, range(11, 10**6): 600}

    def unit(n: int) -> int:
        return next(p for r, p in prices.items() if n in r)

    quantities = np.arange(1, 41)
    for mode in ("volume", "graduated"):
        policy = PricingPolicy([Tiered(STRIPE_TIERS, mode=mode)])
        expected = [
            q * unit(q) if mode == "volume" else sum(unit(k) for k in range(1, q + 1))
            for q in quantities.tolist()
        ]
        log = EventLog.from_records(
            [{"customer": int(c), "date": "2024-01-01"} for c in quantities]
        )
        assert isinstance(log, EventLog)
        table = policy.quote_many(log.population("2024-01-31"), 700, quantities, currency="USD")
        assert table.total_minor.tolist() == expected
