"""Defection signals: conditions that warn a customer may be leaving, with a weight and a why.

Examples
--------
>>> [s.name for s in default_signals()]
['falling_frequency', 'falling_spend', 'overdue', 'complaints', 'poor_survey']
>>> default_signals()[2].when
Compare(signal='lapse_ratio', op='>', value=2.0)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from .._validation import non_empty_str
from ..conditions import Condition, attribute, condition_from_dict, signal
from ..errors import SchemaError, ValidationError
from ..events import as_date
from ..serialization import check_schema
from ..stages import Timeline
from ..table import Table
from ._kinds import RETENTION_RULES

__all__ = ["STAGE_DROP", "DefectionSignal", "default_signals", "stage_drops"]

_SCHEMA = "lifecycle.defection_signal/1"


def _text(_: object, attribute_: attrs.Attribute[Any], value: Any) -> None:
    non_empty_str(_, attribute_, value)


def _is_condition(_: object, attribute_: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Condition):
        msg = f"{attribute_.name!r} must be a Condition (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)


def _positive_weight(_: object, attribute_: attrs.Attribute[Any], value: Any) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)) or float(value) <= 0:
        msg = f"{attribute_.name!r} must be a finite number > 0 (got {value!r})"
        raise ValidationError(msg)


@RETENTION_RULES.register(_SCHEMA)
@attrs.frozen
class DefectionSignal:
    """One early warning of defection: when it fires, how much it counts, and why it matters.

    Parameters
    ----------
    name : str
        Short identifier, shown in ``reasons``.
    when : Condition
        Fires where it holds; evaluated by both engines.
    weight : float
        Added to the customer's risk score when the signal fires (> 0).
    reason : str
        What the signal means, in words a retention team reads.

    Notes
    -----
    A kind of retention rule, registered in
    :data:`~lifecycle.retention.RETENTION_RULES` under ``lifecycle.defection_signal/1``.

    Examples
    --------
    >>> from lifecycle import EventLog, signal
    >>> quiet = DefectionSignal("quiet", signal("days_since_last_purchase") > 60, 2.0,
    ...                         "no purchase for two months")
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> quiet.fires(log.profile(1, as_of="2024-06-01"))
    True
    >>> DefectionSignal.from_dict(quiet.to_dict()) == quiet
    True
    """

    name: str = attrs.field(validator=_text)
    when: Condition = attrs.field(validator=_is_condition)
    weight: float = attrs.field(validator=_positive_weight)
    reason: str = attrs.field(validator=_text)

    def fires(self, subject: Any) -> Any:
        """Whether the signal fires: a bool for a Profile, a bool array for a Population.

        Examples
        --------
        >>> from lifecycle import EventLog, signal
        >>> quiet = DefectionSignal("quiet", signal("days_since_last_purchase") > 60, 2.0,
        ...                         "no purchase for two months")
        >>> log = EventLog.from_records([{"customer": c, "date": d}
        ...                              for c, d in [(1, "2024-01-01"), (2, "2024-05-20")]])
        >>> quiet.fires(log.population("2024-06-01")).tolist()
        [True, False]
        >>> quiet.fires(log.profile(2, "2024-06-01"))
        False
        """
        return self.when.evaluate(subject)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> from lifecycle import signal
        >>> s = DefectionSignal("complained", signal("complaints_90d") >= 1, 2.0, "a complaint")
        >>> d = s.to_dict()
        >>> d["schema"], d["name"], d["weight"], d["when"]["op"]
        ('lifecycle.defection_signal/1', 'complained', 2.0, '>=')
        """
        return {
            "schema": _SCHEMA,
            "name": self.name,
            "when": self.when.to_dict(),
            "weight": self.weight,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DefectionSignal:
        """Rebuild a signal from :meth:`to_dict` output.

        Examples
        --------
        >>> from lifecycle import signal
        >>> s = DefectionSignal("complained", signal("complaints_90d") >= 1, 2.0, "a complaint")
        >>> DefectionSignal.from_dict(s.to_dict()) == s
        True
        >>> DefectionSignal.from_dict({"schema": "lifecycle.defection_signal/1", "name": "x"})
        Traceback (most recent call last):
        ...
        lifecycle.errors.SchemaError: lifecycle.defection_signal/1: missing keys ['reason', 'weight', 'when']
        """
        body = check_schema(data, _SCHEMA, ("name", "when", "weight", "reason"))
        missing = {"name", "when", "weight", "reason"} - set(body)
        if missing:
            msg = f"{_SCHEMA}: missing keys {sorted(missing)}"
            raise SchemaError(msg)
        return cls(
            body["name"],
            condition_from_dict(body["when"]),
            body["weight"],
            body["reason"],
        )


#: A drop in relationship stage over the last 90 days, read from the ``stage_drop``
#: attribute that :func:`stage_drops` computes from a :class:`~lifecycle.stages.Timeline`
#: (join it onto the population first).
STAGE_DROP = DefectionSignal(
    "stage_drop",
    attribute("stage_drop") == True,  # noqa: E712 - builds a condition, not a test
    2.0,
    "the relationship moved back a stage (or dissolved) in the last 90 days",
)


def default_signals(*, stage_drop: bool = False) -> tuple[DefectionSignal, ...]:
    """The default defection signals, built on the standard signals.

    ==================  ========================================================  ======
    name                fires when                                                weight
    ==================  ========================================================  ======
    falling_frequency   ``purchases_90d < purchases_prev_90d`` and                1.0
                        ``purchases_prev_90d >= 2`` (buying less often)
    falling_spend       ``spend_90d < spend_prev_90d`` and                        1.0
                        ``spend_prev_90d > 0`` (spending less)
    overdue             ``lapse_ratio > 2``: silent for more than twice the       2.0
                        customer's own mean gap between purchases
    complaints          ``complaints_90d >= 1``                                   2.0
    poor_survey         ``last_survey_score <= 6`` (a detractor on 0-10)          1.5
    stage_drop          ``stage_drop`` attribute true (only with                  2.0
                        ``stage_drop=True``; see :func:`stage_drops`)
    ==================  ========================================================  ======

    Low ``p_alive`` from a fitted BG/NBD model is not among them yet: the fitted models are
    not part of the library yet.

    Parameters
    ----------
    stage_drop : bool, keyword-only
        Add :data:`STAGE_DROP` (the population must carry a ``stage_drop`` column).

    Examples
    --------
    >>> len(default_signals()), default_signals(stage_drop=True)[-1].name
    (5, 'stage_drop')
    """
    if not isinstance(stage_drop, bool):
        msg = f"'stage_drop' must be True or False (got {stage_drop!r})"
        raise ValidationError(msg)
    signals = (
        DefectionSignal(
            "falling_frequency",
            (signal("purchases_90d") < signal("purchases_prev_90d"))
            & (signal("purchases_prev_90d") >= 2),
            1.0,
            "fewer purchases in the last 90 days than in the 90 before",
        ),
        DefectionSignal(
            "falling_spend",
            (signal("spend_90d") < signal("spend_prev_90d")) & (signal("spend_prev_90d") > 0),
            1.0,
            "less spend in the last 90 days than in the 90 before",
        ),
        DefectionSignal(
            "overdue",
            signal("lapse_ratio") > 2.0,
            2.0,
            "silent for more than twice the customer's usual gap between purchases",
        ),
        DefectionSignal(
            "complaints",
            signal("complaints_90d") >= 1,
            2.0,
            "complained in the last 90 days",
        ),
        DefectionSignal(
            "poor_survey",
            signal("last_survey_score") <= 6,
            1.5,
            "latest survey answer 6 or below on 0-10 (a detractor)",
        ),
    )
    return (*signals, STAGE_DROP) if stage_drop else signals


def stage_drops(timeline: Timeline, on: dt.date | str, *, days: int = 90) -> Table:
    """Which customers moved back in the stage order between ``on - days`` and ``on``.

    A customer drops when their stage on ``on`` comes earlier in the model's order than
    their stage ``days`` before, or is the dissolution stage when it was not (dissolution
    counts as the lowest). Only customers who had entered by ``on - days`` are listed.

    Returns
    -------
    Table
        ``customer``, ``stage_drop`` (bool): join it onto a population
        (``population.join(stage_drops(...))``) to use :data:`STAGE_DROP`.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
    ...     [(1, "2024-01-01"), (1, "2024-02-01"), (2, "2024-03-01"), (2, "2024-05-20")]])
    >>> tl = default_lifecycle().replay(log, end="2024-12-31", every="1M")
    >>> t = stage_drops(tl, "2024-06-30")
    >>> t.customer.tolist(), t.stage_drop.tolist()
    ([1, 2], [True, False])
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        msg = f"'days' must be an int >= 1 (got {days!r})"
        raise ValidationError(msg)
    day = as_date(on, "on")
    before = timeline.stages_on(day - dt.timedelta(days=days))
    now = timeline.stages_on(day)
    model = timeline.model
    rank = np.arange(len(model.labels), dtype=np.int64)
    if model.dissolution is not None:
        rank[model.code(model.dissolution)] = -1
    # Customers entered by the earlier date are a prefix-free subset of those entered by
    # ``on``: both lists follow the timeline's customer order.
    keep = np.isin(now.customer, before.customer)
    drop = rank[now.code[keep]] < rank[before.code]
    return Table({"customer": before.customer, "stage_drop": drop})
