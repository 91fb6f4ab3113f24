"""The registry of retention rule kinds and the reader that dispatches through it (private).

A retention rule is a condition with what it means for retention: a
:class:`~lifecycle.retention.DefectionSignal` (when a customer may be leaving, and how
much it counts) or a :class:`~lifecycle.retention.RetentionAction` (what to do for the
customers at risk it selects). Each kind registers itself under its ``schema`` tag, as
loyalty rules do, so :func:`retention_rule_from_dict` reads any of them and the
conformance suite draws every registered kind.

Examples
--------
>>> from lifecycle.retention import RETENTION_RULES
>>> sorted(RETENTION_RULES)
['lifecycle.defection_signal/1', 'lifecycle.retention_action/1']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._registry import Registry

__all__ = ["RETENTION_RULES", "retention_rule_from_dict"]

#: Every kind of retention rule, by the ``schema`` tag of its ``to_dict()`` data.
RETENTION_RULES: Registry[Any] = Registry("retention rule", key="schema")


def retention_rule_from_dict(data: Mapping[str, Any]) -> Any:
    """Rebuild any kind of retention rule from its ``to_dict()`` output.

    Examples
    --------
    >>> from lifecycle import signal
    >>> from lifecycle.retention import DefectionSignal, RetentionAction
    >>> quiet = DefectionSignal("quiet", signal("lapse_ratio") > 2, 2.0, "a long silence")
    >>> call = RetentionAction("call", signal("total_spend") >= 500, "a call")
    >>> [retention_rule_from_dict(r.to_dict()) for r in (quiet, call)] == [quiet, call]
    True
    >>> retention_rule_from_dict({"schema": "lifecycle.retention_offer/1"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: retention rule: unknown schema 'lifecycle.retention_offer/1' (allowed: ...)
    """
    tag = data.get("schema") if isinstance(data, Mapping) else None
    return RETENTION_RULES.lookup(tag).from_dict(data)
