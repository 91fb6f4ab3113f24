"""Satisfaction models as plain data and back (private).

Examples
--------
>>> from lifecycle.satisfaction import Dimension
>>> dimension_to_dict(Dimension("speed"))["scale"]
{'low': 1, 'high': 5, 'higher_is_better': True}
"""

from __future__ import annotations

from typing import Any

from ..errors import SchemaError
from ..instruments import Scale
from ..serialization import check_keys
from ._dimension import Dimension

__all__ = ["SCHEMA", "dimension_to_dict", "dimensions_from_list"]

SCHEMA = "lifecycle.satisfaction/1"


def _scale_to_dict(scale: Scale) -> dict[str, Any]:
    return {"low": scale.low, "high": scale.high, "higher_is_better": scale.higher_is_better}


def dimension_to_dict(dim: Dimension) -> dict[str, Any]:
    return {
        "name": dim.name,
        "weight": dim.weight,
        "scale": _scale_to_dict(dim.scale),
        "children": [dimension_to_dict(c) for c in dim.children],
        "description": dim.description,
    }


def dimensions_from_list(data: object, where: str) -> tuple[Dimension, ...]:
    if not isinstance(data, list):
        msg = f"{SCHEMA}: {where!r} must be a list (got {type(data).__name__})"
        raise SchemaError(msg)
    return tuple(_dimension_from_dict(item, f"{where}[{i}]") for i, item in enumerate(data))


def _dimension_from_dict(data: object, where: str) -> Dimension:
    what = f"{SCHEMA} {where}"
    keys = {"weight", "scale", "children", "description"}
    item = check_keys(data, what, required={"name"}, optional=keys)
    kwargs: dict[str, Any] = {}
    if "weight" in item:
        kwargs["weight"] = item["weight"]
    if "description" in item:
        kwargs["description"] = item["description"]
    if "scale" in item:
        scale = check_keys(
            item["scale"],
            f"{what}.scale",
            required={"low", "high"},
            optional={"higher_is_better"},
        )
        kwargs["scale"] = Scale(
            scale["low"], scale["high"], higher_is_better=scale.get("higher_is_better", True)
        )
    if "children" in item:
        kwargs["children"] = dimensions_from_list(item["children"], f"{where}.children")
    return Dimension(item["name"], **kwargs)
