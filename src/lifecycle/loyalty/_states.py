"""Ordered loyalty states and ladder rungs, and the decision lists that assign them (private).

Examples
--------
>>> LoyaltyState.LOYAL > LoyaltyState.SATISFIED, str(LadderRung.ADVOCATE)
(True, 'advocate')
"""

from __future__ import annotations

import enum
from typing import Any, TypeAlias, TypeVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import first_violation
from ..conditions import Condition, Explanation
from ..errors import ValidationError
from ..signals import Population, Profile

__all__ = ["Decision", "LadderRung", "LoyaltyState", "Subject"]

Subject: TypeAlias = Profile | Population
_E = TypeVar("_E", bound="_Ordered")


# ---------------------------------------------------------------------- ordered states


class _Ordered(enum.IntEnum):
    """An ordered enum whose members have lower-case labels and int8 codes."""

    @property
    def label(self) -> str:
        """The lower-case name used in tables and serialized data."""
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    def __format__(self, spec: str) -> str:
        return format(self.label, spec)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            for member in cls:
                if member.label == value.strip().lower():
                    return member
        allowed = ", ".join(m.label for m in cls)
        msg = f"{cls.__name__} must be one of {allowed} or a code 0-{len(cls) - 1} (got {value!r})"
        raise ValidationError(msg)

    @classmethod
    def parse(cls: type[_E], value: object) -> _E:
        """A member from itself, its int code or its label (case-insensitive)."""
        if isinstance(value, (bool, np.bool_)):
            msg = f"{cls.__name__} must be a member, a code or a label (got {value!r})"
            raise ValidationError(msg)
        if isinstance(value, cls):
            return value
        if isinstance(value, (int, np.integer)):
            return cls(int(value))
        member: _E = cls._missing_(value)
        return member

    @classmethod
    def codes(cls, values: ArrayLike, *, name: str = "states") -> NDArray[np.int8]:
        """Validate states given as members, int codes or labels; return int8 codes."""
        if isinstance(values, (str, bytes)):
            msg = f"{name!r} must be an array of states, not a string (got {values!r})"
            raise ValidationError(msg)
        arr = np.asarray(values)
        if arr.ndim != 1:
            msg = f"{name!r} must be 1-dimensional (got shape {arr.shape})"
            raise ValidationError(msg)
        if arr.dtype.kind == "O":
            arr = np.asarray(arr.tolist()) if arr.size else np.zeros(0, dtype=np.int64)
        if arr.dtype.kind == "O":
            bad = np.fromiter(
                (isinstance(v, bool) or not isinstance(v, (str, int)) for v in arr),
                dtype=bool,
                count=len(arr),
            )
            first_violation(name, bad, f"a {cls.__name__} label or code", arr)
        labels = tuple(m.label for m in cls)
        code_rule = f"a {cls.__name__} code 0-{len(cls) - 1}"
        if arr.dtype.kind == "f":
            first_violation(name, ~np.isfinite(arr) | (arr != np.round(arr)), code_rule, arr)
        if arr.dtype.kind in "iuf":
            out = arr.astype(np.int64)
            first_violation(name, (out < 0) | (out >= len(cls)), code_rule, arr)
            return out.astype(np.int8)
        if arr.dtype.kind == "U":
            unique, inverse = np.unique(np.char.lower(np.char.strip(arr)), return_inverse=True)
            lookup = {label: code for code, label in enumerate(labels)}
            mapped = np.array([lookup.get(str(u), -1) for u in unique], dtype=np.int64)
            out = mapped[inverse.reshape(-1)]
            first_violation(name, out < 0, f"one of {labels}", arr)
            return out.astype(np.int8)
        msg = f"{name!r} must contain {cls.__name__} labels or codes (got dtype {arr.dtype})"
        raise ValidationError(msg)

    @classmethod
    def labels(cls, codes: ArrayLike) -> NDArray[np.str_]:
        """The labels of an array of codes (or members, or labels)."""
        names = np.array([m.label for m in cls])
        return names[cls.codes(codes, name="codes").astype(np.intp)]


class LoyaltyState(_Ordered):
    """The loyalty states a customer passes through, in order (``DOMAIN.md`` section 3).

    An :class:`enum.IntEnum`: members compare by order and are the int8 codes that
    :meth:`LoyaltyRule.evaluate` returns for a population. ``str()`` gives the lower-case
    label; :meth:`parse` and :meth:`codes` read members, codes or labels; :meth:`labels`
    turns codes back into labels.

    Examples
    --------
    >>> LoyaltyState.LOYAL > LoyaltyState.SATISFIED, int(LoyaltyState.PROMOTER)
    (True, 4)
    >>> str(LoyaltyState.DISAPPOINTED), LoyaltyState.parse("promoter")
    ('disappointed', <LoyaltyState.PROMOTER: 4>)
    >>> LoyaltyState.labels([0, 3]).tolist()
    ['dissatisfied', 'loyal']
    >>> LoyaltyState.parse("fan")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: LoyaltyState must be one of dissatisfied, disappointed, satisfied, loyal, promoter or a code 0-4 (got 'fan')
    """

    DISSATISFIED = 0
    DISAPPOINTED = 1
    SATISFIED = 2
    LOYAL = 3
    PROMOTER = 4


class LadderRung(_Ordered):
    """The rungs of the loyalty ladder, lowest first (Christopher, Payne and Ballantyne).

    Examples
    --------
    >>> [str(r) for r in LadderRung]
    ['prospect', 'customer', 'client', 'supporter', 'advocate', 'partner']
    >>> LadderRung.ADVOCATE > LadderRung.CLIENT
    True
    """

    PROSPECT = 0
    CUSTOMER = 1
    CLIENT = 2
    SUPPORTER = 3
    ADVOCATE = 4
    PARTNER = 5


# ---------------------------------------------------------------------- decisions


@attrs.frozen
class Decision:
    """Why a customer got a state: each condition checked, highest state first.

    ``checked`` pairs each state tried with the :class:`~lifecycle.conditions.Explanation`
    of its condition; the last one held and decided (:attr:`decided_by`).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.loyalty import LoyaltyLadder
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
    >>> d = LoyaltyLadder().explain(log.profile(1, as_of="2024-01-02"))
    >>> d.state, [str(state) for state, _ in d.checked][:2], str(d.decided_by)
    (<LadderRung.PROSPECT: 0>, ['partner', 'advocate'], 'true: always')
    """

    state: LoyaltyState | LadderRung
    checked: tuple[tuple[LoyaltyState | LadderRung, Explanation], ...]

    @property
    def decided_by(self) -> Explanation:
        """The explanation of the condition that held."""
        return self.checked[-1][1]

    def lines(self) -> list[str]:
        """The decision as indented lines.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.loyalty import LoyaltyLadder
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "visit"}])
        >>> LoyaltyLadder().explain(log.profile(1, as_of="2024-01-02")).lines()[0]
        'prospect: the highest rung whose condition holds'
        """
        kind = "state" if isinstance(self.state, LoyaltyState) else "rung"
        out = [f"{self.state.label}: the highest {kind} whose condition holds"]
        for state, explanation in self.checked:
            out.append(f"  {state.label}:")
            out.extend(explanation.lines(2))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


Steps: TypeAlias = tuple[tuple[Any, Condition], ...]


def _decide(steps: Steps, subject: Subject) -> Any:
    """Run a decision list (highest state first, the last always holds) on either engine."""
    if isinstance(subject, Population):
        out = np.full(len(subject), int(steps[-1][0]), dtype=np.int8)
        for state, condition in reversed(steps[:-1]):
            out[condition.evaluate(subject)] = int(state)
        return out
    if isinstance(subject, Profile):
        return next(state for state, condition in steps if condition.evaluate(subject))
    msg = f"can only evaluate a Profile or a Population (got {type(subject).__name__})"
    raise ValidationError(msg)


def _explain(steps: Steps, profile: Profile) -> Decision:
    if not isinstance(profile, Profile):
        msg = f"explain() takes a Profile (got {type(profile).__name__})"
        raise ValidationError(msg)
    checked = []
    for state, condition in steps:
        explanation = condition.explain(profile)
        checked.append((state, explanation))
        if explanation.holds:
            return Decision(state, tuple(checked))
    msg = "no condition held"  # unreachable: the last step is always()
    raise AssertionError(msg)
