"""Which source column feeds which event field: the plan every column loader follows (private).

Every loader of ``lifecycle.io`` that reads named columns (Arrow, Parquet, polars, SQL) maps
them to the fields of :meth:`EventLog.from_arrays <lifecycle.events.EventLog.from_arrays>`
the same way:

- a field is read from the column of the same name, or from the column ``columns[field]``
  names; ``customer`` and ``date`` are required;
- ``attributes`` names the columns carried per event as user attributes;
- any other column is left out, as an export's extra columns usually are, unless its name
  is close to a field that no column feeds (``amout`` with no ``amount``): that is more
  likely a misspelt field than something to drop, so it is refused naming the column and
  the field; ``ignore`` names columns deliberately left out, close or not.

:func:`lifecycle.io.read_csv` and :func:`lifecycle.io.from_pandas` follow the same rule
through :func:`check_unread`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from ..errors import SchemaError, ValidationError
from ..events import RECORD_FIELDS, Coded, EventLog, Loaded
from ..money import Currency, as_currency

#: The fields a source column can feed, as named by ``EventLog.from_arrays``: a record's
#: fields, with integer minor units beside the decimal amount.
_AMOUNT = RECORD_FIELDS.index("amount") + 1
FIELDS: tuple[str, ...] = (*RECORD_FIELDS[:_AMOUNT], "amount_minor", *RECORD_FIELDS[_AMOUNT:])
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
    """Map the source's column ``names`` to fields; refuse missing and misspelt columns.

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
    lifecycle.errors.SchemaError: the table has a column 'amout' that no field reads; did you mean 'amount'? ...
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
    check_unread(available, fields, used=set(carried) | set(ignore), source=source)
    return Plan(fields, carried)


def check_unread(
    names: Iterable[str],
    fields: Mapping[str, object],
    *,
    used: Iterable[str],
    source: str,
    readable: Sequence[str] = FIELDS,
) -> None:
    """Refuse a column no field reads whose name is close to a field no column feeds.

    ``fields`` maps each field read to its column; ``used`` are the other columns read or
    ignored on purpose; ``readable`` are the fields the loader can read at all (a CSV file
    has no ``amount_minor``). Any other column is left out silently, unless it looks like a
    misspelt field (a name, ignoring case, nearly that of a field): ``amount`` and
    ``amount_minor`` count as one field for this.

    Examples
    --------
    >>> check_unread(["customer", "date", "store", "order_id"], {"customer": 0, "date": 1},
    ...              used=(), source="the table")
    >>> check_unread(["customer", "date", "amout"], {"customer": 0, "date": 1}, used=(),
    ...              source="the table")
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: the table has a column 'amout' that no field reads; did you mean 'amount'? ...
    """
    unfed = [field for field in FIELDS if field not in fields]
    if "amount" in fields or "amount_minor" in fields:
        unfed = [field for field in unfed if field not in ("amount", "amount_minor")]
    read = {str(column) for column in fields.values()} | {str(name) for name in used}
    for name in names:
        if str(name) in read:
            continue
        # Closer than the did-you-mean hints (0.85, not 0.6): a refusal needs a near-certain
        # typo ("amout", "categry", "Score"), while "store_id" or "customer_id" are just
        # other columns of an export.
        found = difflib.get_close_matches(str(name).strip().lower(), unfed, n=1, cutoff=0.85)
        if found:
            close = found[0]
            if close not in readable:
                msg = (
                    f"{source} has a column {name!r} that looks like field {close!r}, which "
                    "this loader does not read: convert it, carry it with attributes=[...] "
                    "or leave it out with ignore=[...]"
                )
                raise SchemaError(msg)
            msg = (
                f"{source} has a column {name!r} that no field reads; did you mean {close!r}? "
                f"Map it with columns={{{close!r}: {name!r}}}, carry it with attributes=[...] "
                "or leave it out with ignore=[...]"
            )
            raise SchemaError(msg)


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
        elif isinstance(column, Coded):
            code = as_currency(currency).code
            values = [code if v is None else v for v in column.values]
            codes = np.where(column.codes < 0, len(values), column.codes)
            given["currency"] = Coded(codes, [*values, code])
        else:
            filled = column.astype(object, copy=True)
            filled[[v is None for v in filled.tolist()]] = as_currency(currency).code
            given["currency"] = filled
    log: EventLog | Loaded = EventLog.from_arrays(
        **given, attributes=dict(attributes), kinds=kinds, score_scale=score_scale, errors=errors
    )
    return log
