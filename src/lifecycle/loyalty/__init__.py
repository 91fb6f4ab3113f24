"""Loyalty: states, the rule that assigns them, the loyalty matrix, the ladder, migration.

Customers pass through the loyalty states of :class:`LoyaltyState` (dissatisfied,
disappointed, satisfied, loyal, promoter). A :class:`LoyaltyRule` assigns one from
satisfaction, repeat behaviour and the recommend question; it is built from
:mod:`lifecycle.conditions`, so ``rule.evaluate(profile)`` and ``rule.evaluate(population)``
give the same answer for every customer. :func:`loyalty_matrix` sorts customers into Dick and
Basu's cells (true, latent, spurious, no loyalty); :func:`spurious_loyalty` flags repeat
buyers who come back without a positive attitude, or only for a discount.
:class:`LoyaltyLadder` places customers on the rungs of :class:`LadderRung`, and
:func:`loyalty_migration` counts who moved up or down between two dates.

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": 1, "date": "2024-01-10", "amount": "30", "currency": "EUR"},
...     {"customer": 1, "date": "2024-03-02", "amount": "45", "currency": "EUR"},
...     {"customer": 1, "date": "2024-03-09", "kind": "survey", "score": 10},
...     {"customer": 2, "date": "2024-02-20", "amount": "15", "currency": "EUR"},
...     {"customer": 2, "date": "2024-02-27", "kind": "survey", "score": 4},
... ])
>>> rule = LoyaltyRule()
>>> rule.evaluate(log.profile(1, as_of="2024-03-31"))
<LoyaltyState.PROMOTER: 4>
>>> LoyaltyState.labels(rule.evaluate(log.population(as_of="2024-03-31"))).tolist()
['promoter', 'dissatisfied']
"""

from ._matrix import LoyaltyMatrix, SpuriousLoyalty, loyalty_matrix, spurious_loyalty
from ._migration import LoyaltyMigration, count_states, loyalty_migration
from ._rules import LOYALTY_RULES, DecisionList, LoyaltyLadder, LoyaltyRule, loyalty_from_dict
from ._states import Decision, LadderRung, LoyaltyState

__all__ = [
    "LOYALTY_RULES",
    "Decision",
    "DecisionList",
    "LadderRung",
    "LoyaltyLadder",
    "LoyaltyMatrix",
    "LoyaltyMigration",
    "LoyaltyRule",
    "LoyaltyState",
    "SpuriousLoyalty",
    "count_states",
    "loyalty_from_dict",
    "loyalty_matrix",
    "loyalty_migration",
    "spurious_loyalty",
]
