"""Which source column feeds which event field: the plan every column loader follows (private).

Every loader of ``lifecycle.io`` that reads named columns (Arrow, Parquet, polars, SQL) maps
them to the fields of :meth:`EventLog.from_arrays <lifecycle.events.EventLog.from_arrays>`
the same way:

- a field is read from the column of the same name, or from the column ``columns[field]``
  names; ``customer`` and ``date`` are required;
- ``attributes`` names the columns carried per event as user attributes;
- ``ignore`` names the columns deliberately left out;
- any other column is an error: a column nobody asked for is more often a misspelt field
  than something to drop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from ..errors import SchemaError, ValidationError
from ..events import EventLog, Loaded
from ..money import Currency, as_currency

#: The fields a source column can feed, as named by ``EventLog.from_arrays``.
FIELDS: tuple[str, ...] = (
    "customer",
    "date",
    "kind",
    "amount",
    "amount_minor",
    "currency",
    "quantity",
    "category",
    "product",
    "channel",
    "score",
)
LABEL_FIELDS: tuple[str, ...] = ("category", "product", "channel")
ErrorMode = Literal["raise", "collect"]


@attrs.frozen
class Plan:
    """Field name to source column name, and the source columns carried as attributes."""

    fields: Mapping[str, str]
    attributes: tuple[str, ...]

    @property
    def sources(self) -> list[str]:
        """Every source column the plan reads, each once, in field then attribute order."""
        out = list(self.fields.values())
        out += [name for name in self.attributes if name not in out]
        return out


def plan_columns(
    names: Sequence[str],
    *,
    columns: Mapping[str, str] | None,
    attributes: Sequence[str],
    ignore: Sequence[str],
    source: str,
) -> Plan:
    """Map the source's column ``names`` to fields; refuse unknown and missing columns.

    ``source`` names the input in messages ("the table", "the query").

    Examples
    --------
    >>> plan = plan_columns(["id", "date", "cents"], columns={"customer": "id",
    ...                     "amount_minor": "cents"}, attributes=(), ignore=(), source="the table")
    >>> dict(plan.fields)
    {'customer': 'id', 'date': 'date', 'amount_minor': 'cents'}
    >>> plan_columns(["customer", "date", "amout"], columns=None, attributes=(), ignore=(),
    ...              source="the table")
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: the table has an unknown column 'amout' ...
    """
    mapping = dict(columns or {})
    unknown_fields = sorted(set(mapping) - set(FIELDS))
    if unknown_fields:
        msg = f"'columns' maps an unknown field {unknown_fields[0]!r} (fields: {', '.join(FIELDS)})"
        raise SchemaError(msg)
    for name, value in mapping.items():
        if not isinstance(value, str):
            msg = f"'columns' must map field {name!r} to a column name (got {value!r})"
            raise SchemaError(msg)
    available = list(names)
    duplicated = sorted({n for n in available if available.count(n) > 1})
    if duplicated:
        msg = f"{source} has more than one column named {duplicated[0]!r}"
        raise SchemaError(msg)
    fields: dict[str, str] = {}
    for field in FIELDS:
        name = mapping.get(field, field)
        if name in available:
            fields[field] = name
        elif field in mapping or field in ("customer", "date"):
            msg = (
                f"{source} has no column {name!r} for field {field!r} "
                f"(columns: {', '.join(available) or 'none'})"
            )
            raise SchemaError(msg)
    if "amount" in fields and "amount_minor" in fields:
        msg = (
            f"{source} has both an amount column ({fields['amount']!r}) and an amount_minor "
            f"column ({fields['amount_minor']!r}): give one, or ignore=[...] the other"
        )
        raise SchemaError(msg)
    carried = tuple(attributes)
    for name in (*carried, *ignore):
        if name not in available:
            msg = f"{source} has no column {name!r} (columns: {', '.join(available)})"
            raise SchemaError(msg)
    clash = sorted(set(carried) & set(fields.values()))
    if clash:
        msg = f"column {clash[0]!r} is read as a field, so it cannot also be an attribute"
        raise SchemaError(msg)
    used = set(fields.values()) | set(carried) | set(ignore)
    for name in available:
        if name not in used:
            msg = (
                f"{source} has an unknown column {name!r} (fields: {', '.join(FIELDS)}); "
                "map it with columns={field: name}, carry it with attributes=[...] "
                "or leave it out with ignore=[...]"
            )
            raise SchemaError(msg)
    return Plan(fields, carried)


def load(
    arrays: Mapping[str, Any],
    attributes: Mapping[str, Any],
    *,
    currency: Currency | str | None,
    kinds: Sequence[str],
    score_scale: tuple[float, float] | None,
    errors: ErrorMode,
) -> EventLog | Loaded:
    """Hand the columns to :meth:`EventLog.from_arrays`: one validation for every loader.

    ``currency`` is the currency of amounts whose row names none: it fills the missing
    values of a currency column, or stands for the whole log when there is no such column.
    ``kinds`` and ``score_scale`` are those of :meth:`EventLog.from_arrays`.
    """
    if errors not in ("raise", "collect"):
        msg = f"'errors' must be 'raise' or 'collect' (got {errors!r})"
        raise ValidationError(msg)
    given = dict(arrays)
    if currency is not None:
        column = given.get("currency")
        if column is None:
            given["currency"] = currency
        else:
            filled = column.astype(object, copy=True)
            filled[[v is None for v in filled.tolist()]] = as_currency(currency).code
            given["currency"] = filled
    log: EventLog | Loaded = EventLog.from_arrays(
        **given, attributes=dict(attributes), kinds=kinds, score_scale=score_scale, errors=errors
    )
    return log
