"""The sources' four-step retention process as one object (private).

1. **exploration**: choose the customers worth retaining, by the value of their business,
   its regularity and its margin (a condition, :attr:`RetentionProcess.worth_retaining`);
2. **evaluation**: look at their profile and history for defection signals
   (:func:`~lifecycle.retention.detect`);
3. **strategies**: give each customer at risk the first action whose condition holds
   (a call, a survey, a :class:`~lifecycle.pricing.WinBackOffer`);
4. **feedback**: compare treated and control customers after the campaign
   (:meth:`RetentionProcess.feedback`, :func:`~lifecycle.retention.evaluate_campaign`).

Examples
--------
>>> from lifecycle import EventLog, signal
>>> log = EventLog.from_records([
...     {"customer": c, "date": d, "amount": "40"}
...     for c, d in [(1, "2024-01-05"), (1, "2024-02-05"), (1, "2024-03-05"),
...                  (2, "2024-06-01"), (2, "2024-06-20")]], currency="EUR")
>>> process = RetentionProcess(actions=(
...     RetentionAction("call", signal("total_spend") >= 100, "a call from their manager"),
...     RetentionAction("email", signal("purchase_count") >= 1, "a we-miss-you e-mail")))
>>> plan = process.plan(log.population("2024-06-30"))
>>> plan.customer.tolist(), plan.action.tolist(), plan.reasons.tolist()
([1], ['call'], ['falling_frequency, falling_spend, overdue'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike

from .._validation import non_empty_str
from ..conditions import Condition, condition_from_dict, signal
from ..errors import SchemaError, ValidationError
from ..events import EventLog
from ..pricing import PriceRule
from ..serialization import check_schema
from ..signals import Population, Profile
from ..table import Table
from ._campaign import evaluate_campaign
from ._detect import detect, risk_score
from ._kinds import RETENTION_RULES
from ._signals import DefectionSignal, default_signals

__all__ = ["RetentionAction", "RetentionProcess", "default_worth_retaining"]


_ACTION_SCHEMA = "lifecycle.retention_action/1"
_PROCESS_SCHEMA = "lifecycle.retention_process/1"


def _require(body: Mapping[str, Any], keys: Sequence[str], schema: str) -> None:
    missing = sorted(set(keys) - set(body))
    if missing:
        msg = f"{schema}: missing keys {missing}"
        raise SchemaError(msg)


def _text(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    non_empty_str(_, attribute, value)


def _condition(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Condition):
        msg = f"{attribute.name!r} must be a Condition (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)


def _offer(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, PriceRule):
        msg = f"'offer' must be a pricing rule such as a WinBackOffer, or None (got {value!r})"
        raise ValidationError(msg)


@RETENTION_RULES.register(_ACTION_SCHEMA)
@attrs.frozen
class RetentionAction:
    """What to do for the customers at risk for whom ``when`` holds.

    Parameters
    ----------
    name : str
    when : Condition
    description : str
    offer : PriceRule, optional
        A price to offer with it (a :class:`~lifecycle.pricing.WinBackOffer`, a
        :class:`~lifecycle.pricing.PercentOff`, ...).

    Notes
    -----
    A kind of retention rule, registered in
    :data:`~lifecycle.retention.RETENTION_RULES` under ``lifecycle.retention_action/1``.

    Examples
    --------
    >>> from lifecycle import signal
    >>> RetentionAction("call", signal("total_spend") >= 500, "a call").name
    'call'
    """

    name: str = attrs.field(validator=_text)
    when: Condition = attrs.field(validator=_condition)
    description: str = attrs.field(validator=_text)
    offer: PriceRule | None = attrs.field(default=None, validator=_offer, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> from lifecycle import signal
        >>> a = RetentionAction("call", signal("total_spend") >= 500, "a call")
        >>> RetentionAction.from_dict(a.to_dict()) == a
        True
        """
        return {
            "schema": _ACTION_SCHEMA,
            "name": self.name,
            "when": self.when.to_dict(),
            "description": self.description,
            "offer": None if self.offer is None else self.offer.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RetentionAction:
        """Rebuild an action from :meth:`to_dict` output.

        Examples
        --------
        >>> from lifecycle import signal
        >>> from lifecycle.pricing import PercentOff
        >>> a = RetentionAction("offer", signal("lapse_ratio") > 2, "10% off the next order",
        ...                     offer=PercentOff(10))
        >>> again = RetentionAction.from_dict(a.to_dict())
        >>> again == a, again.offer.percent
        (True, Decimal('10'))
        """
        body = check_schema(data, _ACTION_SCHEMA, ("name", "when", "description", "offer"))
        _require(body, ("name", "when", "description"), _ACTION_SCHEMA)
        offer = body.get("offer")
        return cls(
            body["name"],
            condition_from_dict(body["when"]),
            body["description"],
            offer=None if offer is None else PriceRule.from_dict(offer),
        )


def default_worth_retaining() -> Condition:
    """Customers worth retaining by default: regular and of value.

    Regular: 2 or more purchases in the last 365 days; of value: they spent in that year.

    Margin is not a standard signal: join :func:`~lifecycle.value.customer_margins` onto
    the population and add ``attribute("margin") > 0`` to use it.

    Examples
    --------
    >>> default_worth_retaining().signals() == {"purchases_365d", "spend_365d"}
    True
    """
    return (signal("purchases_365d") >= 2) & (signal("spend_365d") > 0)


def _score(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        msg = f"{attribute.name!r} must be a number (got {value!r})"
        raise ValidationError(msg)


def _actions(value: Sequence[RetentionAction]) -> tuple[RetentionAction, ...]:
    return tuple(value)


def _signals(value: Sequence[DefectionSignal] | None) -> tuple[DefectionSignal, ...]:
    return default_signals() if value is None else tuple(value)


@attrs.frozen
class RetentionProcess:
    """Exploration, evaluation, strategies and feedback, as the sources lay them out.

    Parameters
    ----------
    worth_retaining : Condition, keyword-only
        Step 1: which customers are worth retaining; default
        :func:`default_worth_retaining`.
    signals : sequence of DefectionSignal, keyword-only
        Step 2: the defection signals; default :func:`default_signals`.
    actions : sequence of RetentionAction, keyword-only
        Step 3: tried in order; a customer gets the first whose condition holds.
    min_score : float, keyword-only
        A customer is at risk above this score (default 0).

    Examples
    --------
    >>> from lifecycle import signal
    >>> process = RetentionProcess(actions=[RetentionAction("call", signal("total_spend") >= 500,
    ...                                                     "a call")])
    >>> [a.name for a in process.actions], len(process.signals)
    (['call'], 5)
    """

    worth_retaining: Condition = attrs.field(
        factory=default_worth_retaining, validator=_condition, kw_only=True
    )
    signals: tuple[DefectionSignal, ...] = attrs.field(
        default=None, converter=_signals, kw_only=True
    )
    actions: tuple[RetentionAction, ...] = attrs.field(
        factory=tuple, converter=_actions, kw_only=True
    )
    min_score: float = attrs.field(default=0.0, kw_only=True, validator=_score)

    def __attrs_post_init__(self) -> None:
        for i, sig in enumerate(self.signals):
            if not isinstance(sig, DefectionSignal):
                msg = f"'signals'[{i}] must be a DefectionSignal (got {sig!r})"
                raise ValidationError(msg)
        for i, action in enumerate(self.actions):
            if not isinstance(action, RetentionAction):
                msg = f"'actions'[{i}] must be a RetentionAction (got {action!r})"
                raise ValidationError(msg)
        names = [a.name for a in self.actions]
        if len(set(names)) != len(names):
            msg = f"retention action names must be distinct (got {names})"
            raise ValidationError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> process = RetentionProcess(min_score=2.0)
        >>> RetentionProcess.from_dict(process.to_dict()) == process
        True
        """
        return {
            "schema": _PROCESS_SCHEMA,
            "worth_retaining": self.worth_retaining.to_dict(),
            "signals": [s.to_dict() for s in self.signals],
            "actions": [a.to_dict() for a in self.actions],
            "min_score": self.min_score,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RetentionProcess:
        """Rebuild a process from :meth:`to_dict` output.

        Examples
        --------
        >>> from lifecycle import signal
        >>> process = RetentionProcess(
        ...     actions=[RetentionAction("call", signal("total_spend") >= 500, "a call")],
        ...     min_score=1.5)
        >>> again = RetentionProcess.from_dict(process.to_dict())
        >>> again == process, [a.name for a in again.actions], again.min_score
        (True, ['call'], 1.5)
        """
        keys = ("worth_retaining", "signals", "actions", "min_score")
        body = check_schema(data, _PROCESS_SCHEMA, keys)
        _require(body, keys, _PROCESS_SCHEMA)
        return cls(
            worth_retaining=condition_from_dict(body["worth_retaining"]),
            signals=[DefectionSignal.from_dict(s) for s in body["signals"]],
            actions=[RetentionAction.from_dict(a) for a in body["actions"]],
            min_score=body["min_score"],
        )

    def plan(self, population: Population) -> Table:
        """Steps 1 to 3 for every customer: who to retain, their risk, and what to do.

        Returns
        -------
        Table
            The customers worth retaining and at risk, as :func:`detect` lists them
            (highest score first), with ``action`` (the first action whose condition
            holds; ``""`` when none does).

        Examples
        --------
        >>> from lifecycle import EventLog, signal
        >>> log = EventLog.from_records([
        ...     {"customer": c, "date": d, "amount": a}
        ...     for c, d, a in [(1, "2024-01-05", "200"), (1, "2024-02-05", "200"),
        ...                     (1, "2024-03-05", "200"), (2, "2024-01-10", "20"),
        ...                     (2, "2024-02-10", "20"), (2, "2024-03-10", "20")]],
        ...     currency="EUR")
        >>> process = RetentionProcess(actions=[
        ...     RetentionAction("call", signal("total_spend") >= 500, "a call"),
        ...     RetentionAction("email", signal("purchase_count") >= 1, "an e-mail")])
        >>> plan = process.plan(log.population("2024-07-31"))
        >>> plan.customer.tolist(), plan.action.tolist()
        ([1, 2], ['call', 'email'])
        """
        if not isinstance(population, Population):
            msg = f"'population' must be a Population (got {type(population).__name__})"
            raise ValidationError(msg)
        customers = np.asarray(population.customer)
        order = np.argsort(customers, kind="stable")
        if len(customers) > 1 and (customers[order][1:] == customers[order][:-1]).any():
            msg = "a retention plan needs one row per customer (got repeated customers)"
            raise ValidationError(msg)
        worth = self.worth_retaining.evaluate(population)
        action = np.zeros(len(population), dtype=np.intp)
        for k, a in enumerate(self.actions, start=1):
            free = action == 0
            action[free & a.when.evaluate(population)] = k
        at_risk = detect(population, self.signals, min_score=self.min_score)
        position = order[np.searchsorted(customers, at_risk["customer"], sorter=order)]
        keep = worth[position]
        names = np.array(["", *(a.name for a in self.actions)], dtype=object)
        columns = {name: values[keep] for name, values in at_risk.items()}
        columns["action"] = names[action[position[keep]]]
        return Table(columns)

    def plan_one(self, profile: Profile) -> tuple[bool, float, str]:
        """Steps 1 to 3 for one customer: worth retaining, risk score, action (or ``""``).

        Agrees with :meth:`plan`: a customer is in the plan exactly when they are worth
        retaining and their score is above ``min_score``, with the same score and action.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        >>> RetentionProcess().plan_one(log.profile(1, "2024-06-30"))
        (False, 0.0, '')
        """
        worth = bool(self.worth_retaining.evaluate(profile))
        score = risk_score(profile, self.signals)
        chosen = next((a.name for a in self.actions if a.when.evaluate(profile)), "")
        return worth, score, chosen

    def feedback(
        self,
        treated: ArrayLike,
        control: ArrayLike,
        log: EventLog,
        window: tuple[dt.date | str, dt.date | str],
    ) -> Table:
        """Step 4: :func:`evaluate_campaign` of the treated customers against a control group.

        Examples
        --------
        >>> import warnings
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records(
        ...     [{"customer": c, "date": "2024-02-10", "amount": "50"} for c in (1, 2, 3, 5)]
        ...     + [{"customer": c, "date": "2023-12-01", "amount": "1"} for c in range(1, 9)],
        ...     currency="EUR")
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # four customers a group: a SmallGroupWarning
        ...     t = RetentionProcess().feedback([1, 2, 3, 4], [5, 6, 7, 8], log,
        ...                                     ("2024-01-01", "2024-03-31"))
        >>> t.metric.tolist(), t.lift.tolist()
        (['retention', 'revenue_per_customer'], [0.5, 2500.0])
        """
        return evaluate_campaign(treated, control, log, window)
