"""The demo pricing policy, to show relationship pricing on the demo log (private).

Examples
--------
>>> [rule.name for rule in demo_policy("EUR").rules][:2]
['commitment', 'expansion']
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from ..conditions import attribute, signal, tenure_at_least
from ..money import Currency, RoundingPolicy, as_currency
from ..pricing import PercentOff, PricingPolicy

__all__ = ["demo_policy"]


def demo_policy(currency: Currency | str) -> PricingPolicy:
    """A relationship pricing policy for demonstrations and reports.

    Reads the customer's relationship ``stage`` (an attribute: one of exploration,
    awareness, expansion, commitment, dissolution), tenure and repeat purchases. Rules,
    in sequence:

    - ``commitment``: 10% off in the commitment stage;
    - ``expansion``: 5% off in the expansion stage;
    - ``two years``: 5% off for customers of 2 years or more;
    - ``regular``: 3% off from the 5th repeat purchase;
    - ``win back``: 15% off in the dissolution stage.

    Guards: at most 20% off the list price; a returning customer never pays more than a
    new one. Rounding half-up per line.

    Examples
    --------
    >>> from lifecycle import EventLog, Money
    >>> policy = demo_policy("EUR")
    >>> [rule.name for rule in policy.rules]
    ['commitment', 'expansion', 'two years', 'regular', 'win back']
    >>> log = EventLog.from_records([{"customer": 1, "date": "2021-01-10"}])
    >>> loyal = log.profile(1, "2024-06-30").with_attributes(stage="commitment")
    >>> policy.quote(Money("100.00", "EUR"), customer=loyal).total
    Money('85.50', 'EUR')
    """
    stage = attribute("stage")
    return PricingPolicy(
        [
            PercentOff(10, when=stage == "commitment", name="commitment"),
            PercentOff(5, when=stage == "expansion", name="expansion"),
            PercentOff(5, when=tenure_at_least(relativedelta(years=2)), name="two years"),
            PercentOff(3, when=signal("repeat_purchase_count") >= 5, name="regular"),
            PercentOff(15, when=stage == "dissolution", name="win back"),
        ],
        combine="sequence",
        max_discount=20,
        renewal_guard=True,
        rounding=RoundingPolicy(mode="half_up", per="line"),
        currency=as_currency(currency),
    )
