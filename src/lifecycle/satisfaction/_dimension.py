"""Dimensions of satisfaction: questions and groups of questions, weighted (private).

Examples
--------
>>> [d.name for d in Dimension("service", children=[Dimension("speed")]).walk()]
['service', 'speed']
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from .._validation import is_number
from .._values import plain
from ..errors import ValidationError
from ..instruments import Scale

__all__ = ["Dimension"]


def _check_name(_: object, __: object, value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"'name' must be a non-empty string (got {value!r})"
        raise ValidationError(msg)


def _check_weight(instance: Dimension, _: object, value: object) -> None:
    if not is_number(value) or not math.isfinite(value) or value < 0:
        msg = (
            f"'weight' of dimension {instance.name!r} must be a finite number >= 0 (got {value!r})"
        )
        raise ValidationError(msg)


def _check_scale(_: object, __: object, value: object) -> None:
    if not isinstance(value, Scale):
        msg = f"'scale' must be a Scale (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)


def _check_description(_: object, __: object, value: object) -> None:
    if not isinstance(value, str):
        msg = f"'description' must be a string (got {value!r})"
        raise ValidationError(msg)


def _to_tuple(value: object) -> Any:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, Iterator)):
        msg = f"expected a sequence of Dimension objects (got {type(value).__name__})"
        raise ValidationError(msg)
    return tuple(value)


def _check_dimensions(owner: str, dimensions: tuple[Any, ...]) -> None:
    for i, child in enumerate(dimensions):
        if not isinstance(child, Dimension):
            msg = f"{owner}: item {i} must be a Dimension (got {type(child).__name__}: {child!r})"
            raise ValidationError(msg)
    if dimensions and sum(float(d.weight) for d in dimensions) <= 0:
        shown = ", ".join(f"{d.name}={d.weight!r}" for d in dimensions)
        msg = f"{owner}: weights must have a positive sum (got {shown})"
        raise ValidationError(msg)


@attrs.frozen
class Dimension:
    """One dimension of satisfaction: a question (leaf) or a group of dimensions.

    Parameters
    ----------
    name : str
        Unique within a model; the key of the answers and of the scores.
    weight : int or float, default 1
        Relative weight among its siblings, ``>= 0``; siblings' weights must have a positive
        sum. A zero weight keeps the dimension in the scores but out of its parent's mean.
    scale : Scale, default ``Scale(1, 5)``
        The answer scale of a leaf. A group's scale is not used: its children's scores are
        already on 0-100.
    children : sequence of Dimension, default ()
        Non-empty for a group, whose score is the weighted mean of its children.
    description : str, default ""
        What the dimension measures, for reports.

    Examples
    --------
    >>> Dimension("speed").is_group
    False
    >>> service = Dimension("service", children=[Dimension("speed"), Dimension("courtesy")])
    >>> [d.name for d in service.walk()]
    ['service', 'speed', 'courtesy']
    >>> Dimension("speed", weight=-1)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'weight' of dimension 'speed' must be a finite number >= 0 (got -1)
    """

    name: str = attrs.field(validator=_check_name)
    weight: float = attrs.field(default=1, converter=plain, validator=_check_weight)
    scale: Scale = attrs.field(default=Scale(1, 5), validator=_check_scale)
    children: tuple[Dimension, ...] = attrs.field(default=(), converter=_to_tuple)
    description: str = attrs.field(default="", validator=_check_description)

    def __attrs_post_init__(self) -> None:
        _check_dimensions(f"children of dimension {self.name!r}", self.children)

    @property
    def is_group(self) -> bool:
        """Whether the dimension groups other dimensions (has children).

        Examples
        --------
        >>> Dimension("service", children=[Dimension("speed")]).is_group
        True
        """
        return bool(self.children)

    def walk(self) -> Iterator[Dimension]:
        """Iterate over the dimension and all below it, depth first, parents before children.

        Examples
        --------
        >>> [d.name for d in Dimension("a", children=[Dimension("b")]).walk()]
        ['a', 'b']
        """
        yield self
        for child in self.children:
            yield from child.walk()
