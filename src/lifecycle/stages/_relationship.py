"""Relationship: one customer's stage record, moved by hand as a CRM button would (private).

Examples
--------
>>> from lifecycle.stages import default_lifecycle
>>> rel = Relationship.start(default_lifecycle(), "c1", "2024-01-05")
>>> rel = rel.move("awareness", "2024-02-01").dissolve("2024-09-01",
...                                                  reason=DissolutionReason.BETTER_ALTERNATIVE)
>>> rel.stage, rel.dissolution_reason.initiated_by
('dissolution', 'customer')
>>> rel.win_back("2025-01-10").stage
'exploration'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from ..errors import SchemaError, TransitionError, ValidationError
from ..events import as_date
from ..serialization import check_keys, check_schema
from ._kinds import DissolutionReason, RelationshipKind
from ._model import LifecycleModel
from ._parts import StageChange, Transition

__all__ = ["SCHEMA", "MoveCheck", "Relationship"]

SCHEMA = "lifecycle.relationship/1"
_KEYS = {
    "model",
    "customer",
    "stage",
    "since",
    "started",
    "history",
    "kind",
    "dissolution_reason",
}


@attrs.frozen
class MoveCheck:
    """The answer of a dry run: whether a move is allowed, and why or why not.

    True in a boolean context when the move is allowed.

    Examples
    --------
    >>> from lifecycle.stages import default_lifecycle
    >>> rel = Relationship.start(default_lifecycle(), 1, "2024-01-01")
    >>> check = rel.can_move("commitment")
    >>> bool(check), check.reason
    (False, "the model has no move from 'exploration' to 'commitment' (allowed: dissolution, awareness)")
    """

    allowed: bool
    reason: str
    transition: Transition | None = None

    def __bool__(self) -> bool:
        return self.allowed


def _to_date(value: dt.date | str) -> dt.date:
    return as_date(value, "on")


def _to_since(value: dt.date | str) -> dt.date:
    return as_date(value, "since")


def _to_started(value: dt.date | str) -> dt.date:
    return as_date(value, "started")


def _to_changes(values: Iterable[StageChange]) -> tuple[StageChange, ...]:
    return tuple(values)


def _to_kind(value: RelationshipKind | str | None) -> RelationshipKind | None:
    return None if value is None else RelationshipKind.parse(value)


def _to_reason(value: DissolutionReason | str | None) -> DissolutionReason | None:
    return None if value is None else DissolutionReason.parse(value)


@attrs.frozen
class Relationship:
    """An immutable record of one customer's current stage, since when, and its history.

    For programs that move customers by hand (a CRM button): :meth:`start` begins at the
    model's initial stage; :meth:`move`, :meth:`dissolve` and :meth:`win_back` return a
    new record, or raise :class:`~lifecycle.errors.TransitionError` when the model has no
    such move. Moves ignore the rules' conditions (the person pressing the button is the
    evidence) but never the model's allowed moves. :meth:`can_move` is the dry run.

    Attributes
    ----------
    model : LifecycleModel
    customer : int or str
    stage : str
    since : datetime.date
        Date of the latest change (or of the start).
    started : datetime.date
    history : tuple of StageChange
    kind : RelationshipKind or None
        Defaults to the model's ``relationship_kind``.
    dissolution_reason : DissolutionReason or None
        Set while dissolved through :meth:`dissolve`.

    Examples
    --------
    >>> from lifecycle.stages import default_lifecycle
    >>> rel = Relationship.start(default_lifecycle(), "c1", "2024-01-05")
    >>> rel.move("expansion", "2024-02-01")
    Traceback (most recent call last):
    ...
    lifecycle.errors.TransitionError: customer 'c1': the model has no move from 'exploration' to 'expansion' (allowed: dissolution, awareness)
    """

    model: LifecycleModel = attrs.field(repr=False)
    customer: Any
    stage: str
    since: dt.date = attrs.field(converter=_to_since)
    started: dt.date = attrs.field(converter=_to_started)
    history: tuple[StageChange, ...] = attrs.field(default=(), converter=_to_changes)
    kind: RelationshipKind | None = attrs.field(default=None, converter=_to_kind)
    dissolution_reason: DissolutionReason | None = attrs.field(default=None, converter=_to_reason)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.model, LifecycleModel):
            msg = f"'model' must be a LifecycleModel (got {type(self.model).__name__})"
            raise ValidationError(msg)
        self.model.code(self.stage)
        if self.since < self.started:
            msg = f"'since' ({self.since}) must be on or after 'started' ({self.started})"
            raise ValidationError(msg)
        if self.history and (
            self.history[-1].target != self.stage or self.history[-1].on != self.since
        ):
            msg = (
                f"the latest change ({self.history[-1]}) must lead to 'stage' "
                f"({self.stage!r}) on 'since' ({self.since})"
            )
            raise ValidationError(msg)
        self._check_history()
        if self.dissolution_reason is not None and self.stage != self.model.dissolution:
            msg = (
                f"'dissolution_reason' ({self.dissolution_reason.value}) is only for a "
                f"dissolved relationship (stage {self.stage!r})"
            )
            raise ValidationError(msg)

    def _check_history(self) -> None:
        """Each change continues the previous one, on or after it, along an allowed move."""
        day, stage = self.started, None
        for i, change in enumerate(self.history):
            where = f"history[{i}] ({change})"
            if not isinstance(change, StageChange):
                msg = f"history[{i}] must be a StageChange (got {type(change).__name__})"
                raise ValidationError(msg)
            if change.customer != self.customer:
                msg = f"{where} is for customer {change.customer!r}, not {self.customer!r}"
                raise ValidationError(msg)
            if change.on < day:
                what = "the start" if i == 0 else "the change before it"
                msg = f"{where} is dated before {what} ({day})"
                raise ValidationError(msg)
            if stage is not None and change.source != stage:
                msg = f"{where} must leave {stage!r}, where the change before it led"
                raise ValidationError(msg)
            if not self.model.moves_between(change.source, change.target):
                msg = f"{where}: the model has no move from {change.source!r} to {change.target!r}"
                raise ValidationError(msg)
            day, stage = change.on, change.target

    @classmethod
    def start(
        cls,
        model: LifecycleModel,
        customer: Any,
        on: dt.date | str,
        *,
        stage: str | None = None,
        kind: RelationshipKind | str | None = None,
    ) -> Relationship:
        """Begin a relationship on date ``on``, at the model's initial stage or at ``stage``.

        Parameters
        ----------
        model : LifecycleModel
        customer : int or str
        on : date or ISO string
            The start of the record (``started`` and ``since``).
        stage : str, optional
            A stage of the model, to import a customer already in it (from a CRM); the
            record has no history before ``on``. Default the model's initial stage.
        kind : RelationshipKind or str, optional
            Default the model's ``relationship_kind``.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> rel = Relationship.start(default_lifecycle(), 7, "2024-03-01")
        >>> rel.stage, rel.since, rel.kind
        ('exploration', datetime.date(2024, 3, 1), <RelationshipKind.LONG_TERM: 'long_term'>)
        >>> imported = Relationship.start(default_lifecycle(), 8, "2024-03-01", stage="expansion")
        >>> imported.move("commitment", "2024-09-01", reason="signed a contract").history[-1].reason
        'signed a contract'
        """
        if not isinstance(model, LifecycleModel):
            msg = f"'model' must be a LifecycleModel (got {type(model).__name__})"
            raise ValidationError(msg)
        day = _to_date(on)
        return cls(
            model=model,
            customer=customer,
            stage=model.initial if stage is None else stage,
            since=day,
            started=day,
            kind=model.relationship_kind if kind is None else kind,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data tagged ``lifecycle.relationship/1``, model included.

        A CRM can store the record and read it back with :meth:`from_dict`; customer ids
        must be str or int.

        Raises
        ------
        SchemaError
            A customer id that is neither str nor int.

        Examples
        --------
        >>> import json
        >>> from lifecycle.stages import default_lifecycle
        >>> rel = Relationship.start(default_lifecycle(), "c1", "2024-01-05")
        >>> rel = rel.move("awareness", "2024-02-01", reason="asked for the catalogue")
        >>> data = json.loads(json.dumps(rel.to_dict()))
        >>> data["history"]
        [{'on': '2024-02-01', 'source': 'exploration', 'target': 'awareness', 'reason': 'asked for the catalogue'}]
        >>> Relationship.from_dict(data) == rel
        True
        """
        return {
            "schema": SCHEMA,
            "model": self.model.to_dict(),
            "customer": _customer_id(self.customer),
            "stage": self.stage,
            "since": self.since.isoformat(),
            "started": self.started.isoformat(),
            "history": [
                {
                    "on": c.on.isoformat(),
                    "source": c.source,
                    "target": c.target,
                    "reason": c.reason,
                }
                for c in self.history
            ],
            "kind": None if self.kind is None else self.kind.value,
            "dissolution_reason": None
            if self.dissolution_reason is None
            else self.dissolution_reason.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relationship:
        """Rebuild a record from :meth:`to_dict` output, validated like a new one.

        Raises
        ------
        SchemaError
            Another schema or version, an unknown or missing key.
        ValidationError
            A record the model does not allow (unknown stage, a history that does not
            lead to the stage, a move the model lacks, dates out of order).

        Examples
        --------
        >>> Relationship.from_dict({"schema": "lifecycle.relationship/2"})
        Traceback (most recent call last):
        ...
        lifecycle.errors.SchemaError: expected schema 'lifecycle.relationship/1' (got 'lifecycle.relationship/2')
        """
        body = check_schema(data, SCHEMA, _KEYS)
        check_keys(
            body,
            SCHEMA,
            required={"schema", "model", "customer", "stage", "since", "started"},
            optional=_KEYS,
        )
        model = body["model"]
        if not isinstance(model, Mapping):
            msg = f"{SCHEMA}: 'model' must be a lifecycle.stages/1 mapping (got {model!r})"
            raise SchemaError(msg)
        customer = _customer_id(body["customer"])
        history = body.get("history", [])
        if not isinstance(history, list):
            msg = f"{SCHEMA}: 'history' must be a list (got {history!r})"
            raise SchemaError(msg)
        changes = []
        for item in history:
            c = check_keys(item, "history", required={"on", "source", "target", "reason"})
            changes.append(
                StageChange(customer, as_date(c["on"], "on"), c["source"], c["target"], c["reason"])
            )
        return cls(
            model=LifecycleModel.from_dict(model),
            customer=customer,
            stage=body["stage"],
            since=body["since"],
            started=body["started"],
            history=changes,
            kind=body.get("kind"),
            dissolution_reason=body.get("dissolution_reason"),
        )

    def can_move(self, to: str, on: dt.date | str | None = None) -> MoveCheck:
        """Whether a move to stage ``to`` (on date ``on``) is allowed, without making it.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> rel = Relationship.start(default_lifecycle(), 1, "2024-01-01")
        >>> rel.can_move("awareness").reason
        'allowed: exploration -> awareness (second purchase or repeat visits)'
        >>> rel.can_move("awareness", on="2023-12-31").reason
        '2023-12-31 is before the latest change on 2024-01-01'
        """
        labels = self.model.labels
        if not isinstance(to, str) or to not in labels:
            return MoveCheck(False, f"unknown stage {to!r} (stages: {', '.join(labels)})")
        if on is not None:
            day = _to_date(on)
            if day < self.since:
                return MoveCheck(False, f"{day} is before the latest change on {self.since}")
        if to == self.stage:
            return MoveCheck(False, f"already in {to!r}")
        moves = self.model.moves_between(self.stage, to)
        if not moves:
            allowed = ", ".join(
                dict.fromkeys(t.target for t in self.model.allowed_moves(self.stage))
            )
            msg = (
                f"the model has no move from {self.stage!r} to {to!r} "
                f"(allowed: {allowed or 'none'})"
            )
            return MoveCheck(False, msg)
        return MoveCheck(True, f"allowed: {moves[0]}", moves[0])

    def move(self, to: str, on: dt.date | str, reason: str | None = None) -> Relationship:
        """A new record in stage ``to`` from date ``on``.

        Parameters
        ----------
        to : str
            A stage the model allows from the current one.
        on : date or ISO string
            On or after :attr:`since`.
        reason : str, optional
            Default: the reason of the model's transition.

        Raises
        ------
        ValidationError
            An unknown stage, or a date before the latest change.
        TransitionError
            A move the model does not allow.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> rel = Relationship.start(default_lifecycle(), 1, "2024-01-01")
        >>> rel = rel.move("awareness", "2024-02-01", reason="asked for the catalogue")
        >>> [str(c) for c in rel.history]
        ['2024-02-01 1: exploration -> awareness (asked for the catalogue)']
        """
        day = _to_date(on)
        check = self.can_move(to, day)
        if not check.allowed:
            where = f"customer {self.customer!r}: {check.reason}"
            if to not in self.model.labels or day < self.since:
                raise ValidationError(where)
            raise TransitionError(where)
        assert check.transition is not None
        if reason is not None and (not isinstance(reason, str) or not reason.strip()):
            msg = f"'reason' must be a non-empty str (got {reason!r})"
            raise ValidationError(msg)
        why = check.transition.reason if reason is None else reason
        return self._moved(to, day, str(why), check.transition)

    def _moved(
        self,
        to: str,
        day: dt.date,
        why: str,
        transition: Transition,
        dissolution_reason: DissolutionReason | None = None,
    ) -> Relationship:
        change = StageChange(self.customer, day, self.stage, to, why)
        if transition.kind != "dissolution":
            dissolution_reason = None
        elif dissolution_reason is None:
            dissolution_reason = DissolutionReason.OTHER
        return attrs.evolve(
            self,
            stage=to,
            since=day,
            history=(*self.history, change),
            dissolution_reason=dissolution_reason,
        )

    def dissolve(
        self, on: dt.date | str, reason: DissolutionReason | str = DissolutionReason.OTHER
    ) -> Relationship:
        """End the relationship: move to the model's dissolution stage, with a reason.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> rel = Relationship.start(default_lifecycle(), 1, "2024-01-01")
        >>> gone = rel.dissolve("2024-05-01", reason="fraud")
        >>> gone.stage, gone.dissolution_reason, gone.history[-1].reason
        ('dissolution', <DissolutionReason.FRAUD: 'fraud'>, 'fraud')
        """
        why = DissolutionReason.parse(reason)
        target = self.model.dissolution
        if target is None:
            msg = f"customer {self.customer!r}: the model has no dissolution stage"
            raise TransitionError(msg)
        day = _to_date(on)
        check = self.can_move(target, day)
        if not check.allowed:
            error = ValidationError if day < self.since else TransitionError
            raise error(f"customer {self.customer!r}: {check.reason}")
        assert check.transition is not None
        return self._moved(target, day, why.value, check.transition, why)

    def win_back(
        self, on: dt.date | str, *, to: str | None = None, reason: str = "won back"
    ) -> Relationship:
        """Bring a dissolved relationship back, along the model's win-back move.

        Parameters
        ----------
        on : date or ISO string
        to : str, optional
            The stage to return to; default the target of the first win-back move.
        reason : str, default "won back"

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> rel = Relationship.start(default_lifecycle(), 1, "2024-01-01")
        >>> rel.win_back("2024-02-01")
        Traceback (most recent call last):
        ...
        lifecycle.errors.TransitionError: customer 1: only a dissolved relationship can be won back (stage 'exploration')
        """
        if self.stage != self.model.dissolution:
            msg = (
                f"customer {self.customer!r}: only a dissolved relationship can be won back "
                f"(stage {self.stage!r})"
            )
            raise TransitionError(msg)
        if to is None:
            backs = [t for t in self.model.allowed_moves(self.stage) if t.kind == "win_back"]
            if not backs:
                msg = f"customer {self.customer!r}: the model has no win-back move"
                raise TransitionError(msg)
            to = backs[0].target
        return self.move(to, on, reason)


def _customer_id(value: object) -> str | int:
    """A customer id as JSON keeps it: str or int (a NumPy int becomes an int)."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return value
    msg = f"{SCHEMA}: 'customer' must be a str or int id (got {type(value).__name__}: {value!r})"
    raise SchemaError(msg)
