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
from collections.abc import Iterable
from typing import Any

import attrs

from ..errors import TransitionError, ValidationError
from ..events import as_date
from ._kinds import DissolutionReason, RelationshipKind
from ._model import LifecycleModel
from ._parts import StageChange, Transition

__all__ = ["MoveCheck", "Relationship"]


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
    since: dt.date = attrs.field(converter=_to_date)
    started: dt.date = attrs.field(converter=_to_date)
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

    @classmethod
    def start(
        cls,
        model: LifecycleModel,
        customer: Any,
        on: dt.date | str,
        *,
        kind: RelationshipKind | str | None = None,
    ) -> Relationship:
        """Begin a relationship at the model's initial stage on date ``on``.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> rel = Relationship.start(default_lifecycle(), 7, "2024-03-01")
        >>> rel.stage, rel.since, rel.kind
        ('exploration', datetime.date(2024, 3, 1), <RelationshipKind.LONG_TERM: 'long_term'>)
        """
        day = _to_date(on)
        return cls(
            model=model,
            customer=customer,
            stage=str(model.initial),
            since=day,
            started=day,
            kind=model.relationship_kind if kind is None else kind,
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
