"""Profitability per customer: revenue, cost of goods and cost of service, and why a loss (private).

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": "ann", "date": "2024-01-05", "amount": "40", "unit_cost": 1500},
...     {"customer": "bob", "date": "2024-01-06", "amount": "12", "unit_cost": 1000},
...     {"customer": "bob", "date": "2024-01-20", "kind": "complaint"},
... ], currency="EUR", attributes=["unit_cost"])
>>> t = customer_margins(log, unit_cost="unit_cost", cost_of_service={"complaint": 500})
>>> t.margin.tolist(), t.why.tolist()
([2500, -300], ['', 'cost of service 5.00 exceeds the gross margin 2.00'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import first_violation
from ..errors import ValidationError
from ..events import EventLog, as_date
from ..money import Money
from ..table import Table

__all__ = ["customer_margins"]


def _per_event(log: EventLog, name: str, rows: NDArray[np.bool_]) -> NDArray[np.int64]:
    """An attribute column of whole minor units on the given rows (0 elsewhere)."""
    if name not in log.attributes:
        msg = f"the log has no attribute {name!r} (attributes: {sorted(log.attributes)})"
        raise ValidationError(msg)
    column = log.attributes[name]
    values = column[rows]
    if values.dtype.kind == "O":
        bad = np.array(
            [
                not isinstance(v, (int, np.integer)) or isinstance(v, (bool, np.bool_))
                for v in values.tolist()
            ],
            dtype=bool,
        )
        first_violation(f"{name} (on purchase rows)", bad, "a whole number of minor units", values)
        values = values.astype(np.int64)
    elif values.dtype.kind == "f":
        first_violation(
            f"{name} (on purchase rows)",
            ~np.isfinite(values) | (values != np.round(values)),
            "a whole number of minor units",
            values,
        )
        values = values.astype(np.int64)
    elif values.dtype.kind not in "iu":
        msg = f"attribute {name!r} must hold whole minor units (got dtype {values.dtype})"
        raise ValidationError(msg)
    out = np.zeros(len(log), dtype=np.int64)
    out[rows] = values
    return out


def customer_margins(
    log: EventLog,
    as_of: dt.date | str | None = None,
    *,
    margin: str | None = None,
    unit_cost: str | None = None,
    cost_of_service: Mapping[str, int] | None = None,
) -> Table:
    """Margin per customer, and why the unprofitable ones lose money.

    ``revenue`` is the customer's purchase amounts minus their return amounts;
    ``cost_of_goods`` comes from the ``unit_cost`` attribute times the quantity (1 where
    the log has none) of each purchase, or ``revenue`` minus the ``margin`` attribute of
    each purchase; ``cost_of_service`` adds a fixed cost per event of each kind given
    (a complaint handled, a call, a return processed). All money is in minor units of
    the log's currency; events after ``as_of`` (default the log's end) do not count.

    Parameters
    ----------
    log : EventLog
    as_of : date or ISO string, optional
    margin, unit_cost : str, keyword-only
        Name of a per-event attribute in whole minor units; give one, or neither (then
        the cost of goods is 0 and the margin is revenue less cost of service).
    cost_of_service : mapping of str to int, keyword-only
        Event kind to its cost in minor units (>= 0).

    Returns
    -------
    Table
        ``customer``, ``revenue``, ``cost_of_goods``, ``cost_of_service``, ``margin``
        (int64 minor units), ``why`` (for a negative margin: what outweighs what; ``""``
        otherwise), for every customer with an event by ``as_of``.

    Raises
    ------
    ValidationError
        Both ``margin`` and ``unit_cost``, an unknown attribute or event kind, a cost that
        is not a whole number of minor units (naming the row), a negative cost, or a log
        without amounts.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "amount": "9",
    ...                               "margin": 300}], currency="EUR", attributes=["margin"])
    >>> customer_margins(log, margin="margin").row(0)
    {'customer': 1, 'revenue': 900, 'cost_of_goods': 600, 'cost_of_service': 0, 'margin': 300, 'why': ''}
    """
    if margin is not None and unit_cost is not None:
        msg = "give 'margin' or 'unit_cost', not both"
        raise ValidationError(msg)
    if log.currency is None:
        msg = "customer margins need amounts, but the log has none"
        raise ValidationError(msg)
    if not len(log):
        msg = "cannot compute margins of an empty log"
        raise ValidationError(msg)
    end = log.end if as_of is None else as_date(as_of, "as_of")
    seen = log.date <= np.datetime64(end, "D")
    buys = log.kind_mask("purchase") & seen
    returns = log.kind_mask("return") & seen
    n = len(log.customers)
    code = log.code.astype(np.intp)

    def per_customer(values: NDArray[np.int64], rows: NDArray[np.bool_]) -> NDArray[np.int64]:
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, code[rows], values[rows])
        return out

    revenue = per_customer(log.amount_minor, buys) - per_customer(log.amount_minor, returns)
    goods = np.zeros(n, dtype=np.int64)
    if unit_cost is not None:
        quantity = log.quantity if log.quantity is not None else np.ones(len(log), np.int64)
        cost = _per_event(log, unit_cost, buys)
        first_violation(unit_cost, cost < 0, ">= 0", cost)
        goods = per_customer(cost * quantity, buys)
    elif margin is not None:
        goods = per_customer(log.amount_minor - _per_event(log, margin, buys), buys)
    service = np.zeros(n, dtype=np.int64)
    for kind, each in (cost_of_service or {}).items():
        if kind not in log.kinds:
            msg = f"'cost_of_service': unknown event kind {kind!r} (kinds: {log.kinds})"
            raise ValidationError(msg)
        if isinstance(each, bool) or not isinstance(each, int) or each < 0:
            msg = f"'cost_of_service'[{kind!r}] must be an int >= 0 of minor units (got {each!r})"
            raise ValidationError(msg)
        service += np.bincount(code[log.kind_mask(kind) & seen], minlength=n) * each
    total = revenue - goods - service
    present = np.zeros(n, dtype=bool)
    present[code[seen]] = True
    why = np.full(n, "", dtype=object)
    currency = log.currency
    # Words only for the customers who lose money, usually few.
    for i in np.flatnonzero(present & (total < 0)).tolist():
        gross = Money.from_minor(int(revenue[i] - goods[i]), currency).amount
        if revenue[i] - goods[i] < 0:
            why[i] = (
                f"cost of goods {Money.from_minor(int(goods[i]), currency).amount} exceeds "
                f"revenue {Money.from_minor(int(revenue[i]), currency).amount}"
            )
        else:
            why[i] = (
                f"cost of service {Money.from_minor(int(service[i]), currency).amount} "
                f"exceeds the gross margin {gross}"
            )
    keep = np.flatnonzero(present)
    columns: dict[str, Any] = {
        "customer": log.customers[keep],
        "revenue": revenue[keep],
        "cost_of_goods": goods[keep],
        "cost_of_service": service[keep],
        "margin": total[keep],
        "why": why[keep],
    }
    return Table(columns)
