"""Relationship-based pricing: composable price rules, policies, explainable quotes.

Loyal, long-standing, high-value customers pay less, within limits that protect the
margin, and every price explains itself. Rules (:class:`PercentOff`, :class:`AmountOff`,
:class:`FixedPrice`, :class:`Surcharge`, :class:`Tiered`, :class:`WinBackOffer`) apply when
a condition over the customer's signals holds; a :class:`PricingPolicy` combines them,
guards the result (floor, margin, maximum discount, cap, the renewal rule) and rounds it.
:meth:`PricingPolicy.quote` prices one customer and says why (a :class:`Quote`);
:meth:`PricingPolicy.quote_many` prices a whole population, with the same result for every
customer to the minor unit.

Examples
--------
>>> from dateutil.relativedelta import relativedelta
>>> from lifecycle import EventLog, Money, attribute
>>> from lifecycle.pricing import PercentOff, PricingPolicy, tenure_at_least
>>> policy = PricingPolicy([
...     PercentOff(10, when=tenure_at_least(relativedelta(years=2)), name="two years"),
...     PercentOff(5, when=attribute("stage") == "commitment", name="committed"),
... ], max_discount=12)
>>> log = EventLog.from_records([{"customer": "ann", "date": "2022-01-31"}])
>>> ann = log.profile("ann", "2024-02-29").with_attributes(stage="commitment")
>>> quote = policy.quote(Money("200.00", "EUR"), customer=ann)
>>> quote.total, quote.applied, quote.bound
(Money('176.00', 'EUR'), ('two years', 'committed'), ('max_discount',))
"""

from ..conditions import TenureAtLeast, tenure_at_least
from ._policy import PricingPolicy
from ._quote import Quote, Step
from ._rules import (
    PRICE_RULES,
    AmountOff,
    FixedPrice,
    PercentOff,
    PriceRule,
    Surcharge,
    rule_from_dict,
)
from ._tiered import Tiered
from ._winback import WinBackOffer

__all__ = [
    "PRICE_RULES",
    "AmountOff",
    "FixedPrice",
    "PercentOff",
    "PriceRule",
    "PricingPolicy",
    "Quote",
    "Step",
    "Surcharge",
    "TenureAtLeast",
    "Tiered",
    "WinBackOffer",
    "rule_from_dict",
    "tenure_at_least",
]
