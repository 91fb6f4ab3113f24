"""Reading follow-up rules back from their ``to_dict()`` data (private).

Rules are tagged ``{"schema": "lifecycle.followup_rule/1", "kind": ...}``; :data:`READERS`
maps each kind to the function that reads it, so a shared registry of kinds can take them
over as they are.

Examples
--------
>>> from lifecycle.followup import Action, After
>>> rule = After("purchase", "2D", Action("thank_you_call", "phone"), first_only=True)
>>> rule_from_dict(rule.to_dict()) == rule
True
>>> rule_from_dict({"schema": "lifecycle.followup_rule/1", "kind": "sometimes"})
Traceback (most recent call last):
...
lifecycle.errors.SchemaError: follow-up rule: unknown kind 'sometimes' (allowed: after, anniversary, every, on_signal, on_stage_change)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..conditions import Condition, condition_from_dict
from ..errors import SchemaError
from ..serialization import check_keys, check_schema, decode_value
from ._actions import Action
from ._reactive import OnSignal, OnStageChange
from ._recurrence import Every
from ._triggers import RULE_SCHEMA, After, Anniversary, Escalate, Trigger

__all__ = ["READERS", "rule_from_dict"]


def _when(body: Mapping[str, Any]) -> Condition | None:
    return None if body.get("when") is None else condition_from_dict(body["when"])


def _after(body: Mapping[str, Any]) -> Trigger:
    escalate = None
    if body.get("escalate") is not None:
        esc = check_keys(
            body["escalate"], "escalate", required={"delay", "action"}, optional={"unless"}
        )
        escalate = Escalate(
            esc["delay"], Action.from_dict(esc["action"]), unless=esc.get("unless", "resolved")
        )
    return After(
        body["event_kind"],
        body["delay"],
        Action.from_dict(body["action"]),
        when=_when(body),
        escalate=escalate,
        first_only=body.get("first_only", False),
    )


def _every(body: Mapping[str, Any]) -> Trigger:
    options = body.get("rrule_options") or {}
    if not isinstance(options, Mapping):
        msg = f"follow-up rule 'every': 'rrule_options' must be a mapping (got {options!r})"
        raise SchemaError(msg)
    return Every(
        body["freq"],
        Action.from_dict(body["action"]),
        interval=body.get("interval", 1),
        start=decode_value(body.get("start", "first_purchase")),
        count=body.get("count"),
        until=decode_value(body.get("until")),
        when=_when(body),
        **{k: tuple(v) if isinstance(v, list) else v for k, v in options.items()},
    )


def _anniversary(body: Mapping[str, Any]) -> Trigger:
    return Anniversary(
        body["of"],
        Action.from_dict(body["action"]),
        leap_day=body.get("leap_day", "feb28"),
        when=_when(body),
    )


def _on_stage_change(body: Mapping[str, Any]) -> Trigger:
    return OnStageChange(
        body["to"], Action.from_dict(body["action"]), from_=body.get("from"), when=_when(body)
    )


def _on_signal(body: Mapping[str, Any]) -> Trigger:
    return OnSignal(condition_from_dict(body["condition"]), Action.from_dict(body["action"]))


#: Per kind: the reader, the required keys and the optional keys (besides schema, kind).
READERS: dict[str, tuple[Callable[[Mapping[str, Any]], Trigger], set[str], set[str]]] = {
    After.kind: (_after, {"event_kind", "delay", "action"}, {"when", "escalate", "first_only"}),
    Every.kind: (
        _every,
        {"freq", "action"},
        {"interval", "start", "count", "until", "when", "rrule_options"},
    ),
    Anniversary.kind: (_anniversary, {"of", "action"}, {"leap_day", "when"}),
    OnStageChange.kind: (_on_stage_change, {"to", "action"}, {"from", "when"}),
    OnSignal.kind: (_on_signal, {"condition", "action"}, set()),
}


def rule_from_dict(data: Mapping[str, Any]) -> Trigger:
    """Rebuild any follow-up rule from its ``to_dict()`` output, dispatching on ``kind``.

    Examples
    --------
    >>> from lifecycle.followup import Action, After
    >>> rule = After("purchase", "2D", Action("thank_you_call", "phone"), first_only=True)
    >>> rule_from_dict(rule.to_dict()) == rule
    True
    """
    every = set().union(*(req | opt for _, req, opt in READERS.values())) | {"kind"}
    body = check_schema(data, RULE_SCHEMA, every)
    kind = body.get("kind")
    if kind not in READERS:
        msg = f"follow-up rule: unknown kind {kind!r} (allowed: {', '.join(sorted(READERS))})"
        raise SchemaError(msg)
    read, required, optional = READERS[kind]
    check_keys(
        body, f"follow-up rule {kind!r}", required={"schema", "kind", *required}, optional=optional
    )
    return read(body)
