"""The parts of a lifecycle model: stages, transitions and dated stage changes (private).

Examples
--------
>>> from lifecycle import signal
>>> Stage("trial", "testing the product for free")
Stage(name='trial', description='testing the product for free')
>>> t = Transition("trial", "active", signal("purchase_count") >= 1, "first paid order")
>>> t.source, t.target, t.kind
('trial', 'active', None)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeAlias

import attrs

from ..conditions import Condition
from ..errors import ValidationError

__all__ = ["KINDS", "Stage", "StageChange", "Transition", "TransitionKind"]

TransitionKind: TypeAlias = Literal["forward", "backward", "dissolution", "win_back"]
#: The kinds of transition: moving up the stage order, down it, into the dissolution
#: stage, or out of it (a lapsed customer won back).
KINDS: tuple[str, ...] = ("forward", "backward", "dissolution", "win_back")


def check_name(what: str, value: object) -> str:
    """Check a stage name: a non-empty str without surrounding white space or line breaks.

    Examples
    --------
    >>> check_name("stage", " trial")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: stage name must be a non-empty str without surrounding spaces or line breaks (got ' trial')
    """
    if (
        not isinstance(value, str)
        or not value
        or value != value.strip()
        or "\n" in value
        or "\r" in value
    ):
        msg = (
            f"{what} name must be a non-empty str without surrounding spaces or line breaks "
            f"(got {value!r})"
        )
        raise ValidationError(msg)
    return value


def _check_stage_name(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_name(attribute.name if attribute.name != "name" else "stage", value)


def _check_text(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        msg = f"{attribute.name!r} must be a str (got {value!r})"
        raise ValidationError(msg)


@attrs.frozen
class Stage:
    """One stage of a relationship, such as ``exploration`` or ``commitment``.

    Parameters
    ----------
    name : str
        Unique within a model; non-empty, no surrounding spaces or line breaks.
    description : str, default ""
        What is happening in the relationship at this stage.

    Examples
    --------
    >>> Stage("commitment", "both sides adapt to each other").name
    'commitment'
    >>> Stage("")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: stage name must be a non-empty str without surrounding spaces or line breaks (got '')
    """

    name: str = attrs.field(validator=_check_stage_name)
    description: str = attrs.field(default="", validator=_check_text)


def _check_reason(_: object, __: object, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"'reason' must be a non-empty str saying why the move happens (got {value!r})"
        raise ValidationError(msg)


def _check_when(_: object, __: object, value: Any) -> None:
    if not isinstance(value, Condition):
        msg = (
            f"'when' must be a Condition such as signal('purchase_count') >= 2 "
            f"(got {type(value).__name__}: {value!r})"
        )
        raise ValidationError(msg)


def _check_kind(_: object, __: object, value: Any) -> None:
    if value is not None and value not in KINDS:
        msg = f"'kind' must be one of {KINDS!r} or None to derive it (got {value!r})"
        raise ValidationError(msg)


@attrs.frozen
class Transition:
    """A move from one stage to another, taken when its condition holds.

    Parameters
    ----------
    source, target : str
        Stage names (checked when the model is built).
    when : Condition
        When the move happens; it reads signals only, never the stage.
    reason : str
        Why the move happens, recorded on every change it makes.
    kind : {"forward", "backward", "dissolution", "win_back"} or None
        None derives it when the model is built: into the model's dissolution stage is
        ``dissolution``, out of it ``win_back``, else ``forward`` or ``backward`` by the
        order of the stages.

    Examples
    --------
    >>> from lifecycle import signal
    >>> t = Transition("active", "churned", signal("cancelled") == True, "cancelled")
    >>> t.when.signals()
    frozenset({'cancelled'})
    >>> Transition("active", "churned", True, "cancelled")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'when' must be a Condition such as signal('purchase_count') >= 2 (got bool: True)
    """

    source: str = attrs.field(validator=_check_stage_name)
    target: str = attrs.field(validator=_check_stage_name)
    when: Condition = attrs.field(validator=_check_when)
    reason: str = attrs.field(validator=_check_reason)
    kind: TransitionKind | None = attrs.field(default=None, validator=_check_kind)

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.reason})"


@attrs.frozen
class StageChange:
    """One dated move of one customer from a stage to another, and why.

    Examples
    --------
    >>> import datetime as dt
    >>> change = StageChange("c1", dt.date(2024, 3, 1), "exploration", "awareness",
    ...                      "second purchase or repeat visits")
    >>> print(change)
    2024-03-01 c1: exploration -> awareness (second purchase or repeat visits)
    """

    customer: Any
    on: dt.date
    source: str
    target: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.on.isoformat()} {self.customer}: {self.source} -> {self.target} ({self.reason})"
        )
