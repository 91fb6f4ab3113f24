"""customer-lifecycle: model customer relationships, one customer or millions.

Define a rule once (a condition, a stage model, a satisfaction model, a price policy) and
evaluate it on a :class:`Profile` (one customer, exact :class:`Money`) or a
:class:`Population` (every customer as NumPy columns).

Examples
--------
>>> import lifecycle
>>> log = lifecycle.EventLog.from_records([
...     {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
...     {"customer": 1, "date": "2024-04-01", "amount": "40.00", "currency": "EUR"},
... ])
>>> lapsing = lifecycle.signal("days_since_last_purchase") > 60
>>> lapsing.evaluate(log.profile(1, as_of="2024-07-01"))
True
"""

import importlib
from typing import TYPE_CHECKING, Any

from . import io as io  # provides EventLog's file, frame and Arrow methods
from ._version import __version__
from .conditions import Condition, all_of, any_of, attribute, signal, tenure_at_least
from .events import EventLog
from .loyalty import LoyaltyLadder, LoyaltyRule, LoyaltyState, loyalty_matrix
from .money import Currency, Money, RoundingPolicy
from .pricing import (
    AmountOff,
    FixedPrice,
    PercentOff,
    PricingPolicy,
    Quote,
    Surcharge,
    Tiered,
    WinBackOffer,
)
from .rfm import rfm_summary, split_calibration_holdout
from .satisfaction import Dimension, SatisfactionModel, Scale, default_satisfaction
from .signals import DEFINITIONS as _DEFINITIONS
from .signals import Population, Profile, define_signal
from .stages import (
    DissolutionReason,
    LifecycleModel,
    Relationship,
    RelationshipKind,
    Stage,
    StageChange,
    Timeline,
    Transition,
    default_lifecycle,
)
from .table import Table

if TYPE_CHECKING:
    from .retention import DefectionSignal
    from .value import (
        MarkovChainModel,
        clv_margin_multiple,
        cohort_table,
        rfm_scores,
        rfm_segments,
    )

# The value and retention packages load on first use (``lifecycle.MarkovChainModel``,
# ``from lifecycle import DefectionSignal``, ``lifecycle.value``): nothing else that
# ``import lifecycle`` loads needs them, and they are a fair share of its time.
_LAZY = {
    "DefectionSignal": "retention",
    "MarkovChainModel": "value",
    "clv_margin_multiple": "value",
    "cohort_table": "value",
    "retention": "retention",
    "rfm_scores": "value",
    "rfm_segments": "value",
    "value": "value",
}

# A fitted model's prediction in a stored rule reads back before lifecycle.models is
# imported: the registry imports it (never SciPy) the first time it meets the op.
_DEFINITIONS.provide("model_prediction", "lifecycle.models")


def __getattr__(name: str) -> Any:
    package = _LAZY.get(name)
    if package is None:
        msg = f"module 'lifecycle' has no attribute {name!r}"
        raise AttributeError(msg)
    module = importlib.import_module(f".{package}", __name__)
    found = module if name == package else getattr(module, name)
    globals()[name] = found  # later lookups are plain attribute reads
    return found


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "AmountOff",
    "Condition",
    "Currency",
    "DefectionSignal",
    "Dimension",
    "DissolutionReason",
    "EventLog",
    "FixedPrice",
    "LifecycleModel",
    "LoyaltyLadder",
    "LoyaltyRule",
    "LoyaltyState",
    "MarkovChainModel",
    "Money",
    "PercentOff",
    "Population",
    "PricingPolicy",
    "Profile",
    "Quote",
    "Relationship",
    "RelationshipKind",
    "RoundingPolicy",
    "SatisfactionModel",
    "Scale",
    "Stage",
    "StageChange",
    "Surcharge",
    "Table",
    "Tiered",
    "Timeline",
    "Transition",
    "WinBackOffer",
    "__version__",
    "all_of",
    "any_of",
    "attribute",
    "clv_margin_multiple",
    "cohort_table",
    "default_lifecycle",
    "default_satisfaction",
    "define_signal",
    "loyalty_matrix",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
    "signal",
    "split_calibration_holdout",
    "tenure_at_least",
]
