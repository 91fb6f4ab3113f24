"""Conditions: predicates over signals, defined once, evaluated by both engines.

``signal("days_since_last_purchase") > 90`` builds a :class:`Condition`. Conditions combine
with ``&``, ``|`` and ``~`` (or :func:`all_of` / :func:`any_of`), and compare with
``< <= > >= == !=``, :meth:`SignalRef.between`, :meth:`SignalRef.isin` and
:meth:`SignalRef.is_missing`. A signal may also be compared with another signal
(``signal("purchases_90d") > signal("purchases_prev_90d")``).

``cond.evaluate(profile)`` returns a bool; ``cond.evaluate(population)`` a boolean array
with the same answer for every customer. A comparison with a missing value is false (only
``is_missing()`` is true for it), so ``~(x > 5)`` holds for a customer without ``x``.

Conditions are data, never code: :meth:`Condition.to_dict` gives plain JSON-safe data and
:func:`condition_from_dict` reads it back; no string is ever evaluated.

Examples
--------
>>> from lifecycle import EventLog, signal
>>> log = EventLog.from_records([
...     {"customer": 1, "date": "2024-01-01", "amount": "80", "currency": "EUR"},
...     {"customer": 2, "date": "2024-06-20", "amount": "20", "currency": "EUR"},
... ])
>>> lapsed = (signal("days_since_last_purchase") > 90) & (signal("total_spend") >= 50)
>>> lapsed.evaluate(log.profile(1, as_of="2024-06-30"))
True
>>> lapsed.evaluate(log.population(as_of="2024-06-30")).tolist()
[True, False]
>>> print(lapsed.explain(log.profile(2, as_of="2024-06-30")))
false: all of
  false: days_since_last_purchase > 90 (actual 10)
  false: total_spend >= 50 (actual 20.00 EUR)
"""

from ._base import (
    CONDITIONS,
    All,
    Any_,
    Condition,
    Constant,
    Explanation,
    Not,
    all_of,
    always,
    any_of,
    condition_from_dict,
    never,
)
from ._compare import (
    Between,
    Compare,
    CompareSignals,
    IsIn,
    IsMissing,
    SignalRef,
    WithSignals,
    attribute,
    signal,
)
from ._tenure import TenureAtLeast, tenure_at_least

__all__ = [
    "CONDITIONS",
    "All",
    "Any_",
    "Between",
    "Compare",
    "CompareSignals",
    "Condition",
    "Constant",
    "Explanation",
    "IsIn",
    "IsMissing",
    "Not",
    "SignalRef",
    "TenureAtLeast",
    "WithSignals",
    "all_of",
    "always",
    "any_of",
    "attribute",
    "condition_from_dict",
    "never",
    "signal",
    "tenure_at_least",
]
