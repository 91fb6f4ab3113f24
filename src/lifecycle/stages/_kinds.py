"""Why relationships end and how a supplier relates to a customer (private module).

Both are string enumerations, so a member equals its value: they can be stored in a table,
joined onto a population and compared in a rule (``attribute("reason") ==
DissolutionReason.FRAUD``), and they serialise as their plain value.

Examples
--------
>>> DissolutionReason.FRAUD.initiated_by
'supplier'
>>> DissolutionReason("better_alternative") == "better_alternative"
True
>>> str(RelationshipKind.SELF_SERVICE)
'self_service'
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from ..errors import ValidationError

__all__ = ["DissolutionReason", "RelationshipKind"]

_CUSTOMER = frozenset({"dissatisfaction", "better_alternative", "needs_changed"})
_SUPPLIER = frozenset({"low_volume", "fraud"})
_E = TypeVar("_E", bound=Enum)


class DissolutionReason(str, Enum):
    """Why a relationship dissolved, as the sources name the reasons.

    Customer-initiated: ``DISSATISFACTION`` with the service, leaving for a
    ``BETTER_ALTERNATIVE`` (brand or product), ``NEEDS_CHANGED``. Supplier-initiated:
    ``LOW_VOLUME`` (the customer does not grow the business), ``FRAUD``. ``OTHER`` for
    anything else, including a lapse nobody explained.

    Examples
    --------
    >>> DissolutionReason.DISSATISFACTION.initiated_by
    'customer'
    >>> [r.value for r in DissolutionReason if r.initiated_by == "supplier"]
    ['low_volume', 'fraud']
    >>> DissolutionReason.parse("fraud") is DissolutionReason.FRAUD
    True
    """

    DISSATISFACTION = "dissatisfaction"
    BETTER_ALTERNATIVE = "better_alternative"
    NEEDS_CHANGED = "needs_changed"
    LOW_VOLUME = "low_volume"
    FRAUD = "fraud"
    OTHER = "other"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def initiated_by(self) -> str:
        """``"customer"``, ``"supplier"`` or ``"unknown"`` (for ``OTHER``)."""
        if self.value in _CUSTOMER:
            return "customer"
        if self.value in _SUPPLIER:
            return "supplier"
        return "unknown"

    @classmethod
    def parse(cls, value: object) -> DissolutionReason:
        """A member from itself or its value; anything else raises ``ValidationError``."""
        return _parse(cls, value, "dissolution reason")


class RelationshipKind(str, Enum):
    """How a supplier relates to a customer (a model or a customer record carries one).

    ``TRANSACTIONAL`` (no real relationship: an airport kiosk), ``LONG_TERM`` (repeated
    interaction), ``PERSONAL_ASSISTANCE`` (people helping in person, by e-mail or phone),
    ``DEDICATED_PERSONAL_ASSISTANCE`` (a named key-account manager or private banker),
    ``SELF_SERVICE``, ``AUTOMATED`` (profiles that recognise and personalise),
    ``COMMUNITY`` (users helping each other).

    Examples
    --------
    >>> RelationshipKind.parse("community")
    <RelationshipKind.COMMUNITY: 'community'>
    >>> RelationshipKind.parse("kiosk")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'relationship kind' must be one of (...) (got 'kiosk')
    """

    TRANSACTIONAL = "transactional"
    LONG_TERM = "long_term"
    PERSONAL_ASSISTANCE = "personal_assistance"
    DEDICATED_PERSONAL_ASSISTANCE = "dedicated_personal_assistance"
    SELF_SERVICE = "self_service"
    AUTOMATED = "automated"
    COMMUNITY = "community"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def parse(cls, value: object) -> RelationshipKind:
        """A member from itself or its value; anything else raises ``ValidationError``."""
        return _parse(cls, value, "relationship kind")


def _parse(cls: type[_E], value: object, what: str) -> _E:
    if isinstance(value, cls):
        return value
    for member in cls:
        if isinstance(value, str) and value == member.value:
            return member
    allowed = tuple(m.value for m in cls)
    msg = f"{what!r} must be one of {allowed!r} (got {value!r})"
    raise ValidationError(msg)
