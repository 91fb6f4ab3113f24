"""The in-memory batch engines, run partition by partition, their results joined in order.

Each function gives the in-memory function's job to :meth:`DaskEvents.map`, then joins the
partitions' results and orders the rows as the in-memory engine does, so the answer is the
same object, row for row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import CurrencyMismatchError, ValidationError
from ..events import EventLog, as_date
from ..followup import FollowUpPlan, OnStageChange
from ..money import Currency
from ..pricing import PricingPolicy
from ..retention import DefectionSignal
from ..retention import detect as detect_in_memory
from ..rfm import rfm_summary as rfm_in_memory
from ..signals import NamedSignal, Population
from ..stages import LifecycleModel, StageCodes
from ..table import Table
from ._events import DaskEvents

__all__ = ["classify", "detect", "due", "population", "quote_many", "rfm_summary"]


# ---------------------------------------------------------------- partition jobs


def _population(
    log: EventLog, as_of: dt.date, signals: tuple[NamedSignal, ...], join: Table | None
) -> Population | None:
    pop = log.population(as_of)
    if not len(pop):
        return None
    if signals:
        pop = pop.with_signals(*signals)
    if join is not None:
        pop = pop.join(_rows_of(join, pop.customer))
    return pop


def _rows_of(join: Table, customers: NDArray[Any]) -> Table:
    """The join table's rows of this partition's customers (an empty table joins as missing)."""
    keys = join["customer"]
    return Table({name: values[np.isin(keys, customers)] for name, values in join.items()})


def _population_job(
    log: EventLog, as_of: dt.date, signals: tuple[NamedSignal, ...], join: Table | None
) -> Population | None:
    pop = _population(log, as_of, signals, join)
    if pop is None:
        return None
    # Without its source: a population keeps its event log to compute defined signals
    # later, and that log would travel back to the client with it.
    names = [name for name in pop if name != "customer"]
    masks = {name: mask for name in names if (mask := pop.masked(name)) is not None}
    kinds = {name: pop.kind_of(name) for name in names}
    return Population(
        dict(pop.items()), as_of=pop.as_of, currency=pop.currency, masks=masks, kinds=kinds
    )


def _classify_job(
    log: EventLog, model: LifecycleModel, as_of: dt.date, join: Table | None
) -> StageCodes | None:
    pop = _population(log, as_of, (), join)
    return None if pop is None else model.classify(pop)


def _quote_job(
    log: EventLog,
    policy: PricingPolicy,
    as_of: dt.date,
    join: Table | None,
    prices: tuple[int, int, int | None],
    currency: Currency | str | None,
) -> Table | None:
    pop = _population(log, as_of, (), join)
    if pop is None:
        return None
    base, quantity, cost = prices
    return policy.quote_many(pop, base, quantity, currency=currency, unit_costs=cost)


def _detect_job(
    log: EventLog,
    as_of: dt.date,
    signals: Sequence[DefectionSignal] | None,
    min_score: float,
    join: Table | None,
) -> Table | None:
    pop = _population(log, as_of, (), join)
    return None if pop is None else detect_in_memory(pop, signals, min_score=min_score)


def _rfm_job(log: EventLog, as_of: dt.date, unit: str) -> Table:
    return rfm_in_memory(log, as_of, unit=unit)


def _due_job(log: EventLog, plan: FollowUpPlan, on: dt.date) -> Table:
    return plan.due(log, on)


# ---------------------------------------------------------------- joining partitions


def _concatenate(parts: Sequence[Mapping[str, NDArray[Any]]]) -> dict[str, NDArray[Any]]:
    names = list(parts[0])
    return {name: np.concatenate([part[name] for part in parts]) for name in names}


def _by_customer(customer: NDArray[Any]) -> NDArray[np.intp]:
    """Rows in customer order, keeping the partition's order within a customer."""
    return np.argsort(customer, kind="stable")


def _one_partition_each(customer: NDArray[Any]) -> None:
    """Refuse results where a customer came from two partitions (sorted ``customer``)."""
    twice = np.flatnonzero(customer[1:] == customer[:-1])
    if len(twice):
        who = customer[twice[0]]
        msg = (
            f"customer {who!r} is in more than one partition: the frame's divisions do not "
            "keep customers whole; give read_events a frame without known divisions, "
            "and it shuffles the rows by customer"
        )
        raise ValidationError(msg)


def _table(parts: Sequence[Table], order: str = "customer", *, unique: bool = True) -> Table:
    # Partitions with no row are left out: their empty columns may have another dtype.
    columns = _concatenate([p for p in parts if len(p)] or parts[:1])
    rows = _by_customer(columns["customer"])
    if unique:
        _one_partition_each(columns["customer"][rows])
    if order == "score":
        # Highest score first, then customer: detect's order (a stable sort after the
        # customer sort keeps customers in order within a score).
        rows = rows[np.argsort(-columns["score"][rows], kind="stable")]
    return Table({name: values[rows] for name, values in columns.items()})


def _currency(parts: Sequence[Population]) -> Currency | None:
    found = {p.currency for p in parts if p.currency is not None}
    if len(found) > 1:
        names = ", ".join(sorted(str(c) for c in found))
        msg = f"the partitions' events are in different currencies ({names}): load one currency"
        raise CurrencyMismatchError(msg)
    return found.pop() if found else None


def _joined_population(parts: Sequence[Population], as_of: dt.date) -> Population:
    columns = _concatenate(parts)
    rows = _by_customer(columns["customer"])
    _one_partition_each(columns["customer"][rows])
    masks = {}
    for name in columns:
        pieces = [p.masked(name) for p in parts]
        if any(piece is not None for piece in pieces):
            filled = [
                np.zeros(len(p), dtype=bool) if piece is None else piece
                for p, piece in zip(parts, pieces, strict=True)
            ]
            masks[name] = np.concatenate(filled)[rows]
    return Population(
        {name: values[rows] for name, values in columns.items()},
        as_of=as_of,
        currency=_currency(parts),
        masks=masks,
        kinds={name: parts[0].kind_of(name) for name in columns if name != "customer"},
    )


def _empty(what: str) -> ValidationError:
    return ValidationError(f"{what}: no customer has an event by as_of")


def _join_table(join: Any) -> Table | None:
    if join is None:
        return None
    table = join if isinstance(join, Table) else Table(join)
    if "customer" not in table:
        msg = f"the join table needs a 'customer' column (columns: {', '.join(table.columns)})"
        raise ValidationError(msg)
    if len(np.unique(table["customer"])) != len(table):
        msg = "join table has duplicate 'customer' values"
        raise ValidationError(msg)
    return table


def _check_join(join: Table | None, customers: NDArray[Any]) -> None:
    """Refuse a join none of whose keys matched, as Population.join does."""
    if join is None or not len(join) or not len(customers):
        return
    if not np.isin(join["customer"], customers).any():
        keys = join["customer"]
        msg = (
            "no 'customer' of the join table is a customer of the population "
            f"(join keys of dtype {keys.dtype}; customers of dtype {customers.dtype})"
        )
        raise ValidationError(msg)


# ---------------------------------------------------------------- the public jobs


def rfm_summary(
    events: DaskEvents, as_of: dt.date | str | None = None, *, unit: str = "D"
) -> Table:
    """:func:`lifecycle.rfm_summary` of events on a cluster: the same Table, row for row.

    Each partition is summarised by the in-memory function; the rows are gathered in
    customer order. With ``as_of`` None the last event's date is found first, in a pass
    of its own.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle.dask import read_events
    >>> frame = pd.DataFrame({"customer": [2, 1, 1], "date": ["2024-01-05", "2024-02-01",
    ...                       "2024-03-02"], "amount": ["10", "5", "7.5"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2), currency="EUR")
    >>> summary = rfm_summary(events, "2024-03-31")
    >>> summary.customer.tolist(), summary.frequency.tolist(), summary.T.tolist()
    ([1, 2], [1, 0], [59.0, 86.0])
    """
    end = events.end() if as_of is None else as_date(as_of, "as_of")
    parts = events.map(partial(_rfm_job, as_of=end, unit=unit))
    if not parts:
        msg = "cannot summarise an empty log"
        raise ValidationError(msg)
    return _table(parts)


def population(
    events: DaskEvents,
    as_of: dt.date | str,
    *,
    signals: Sequence[NamedSignal] = (),
    join: Any = None,
) -> Population:
    """:func:`lifecycle.signals.population` of events on a cluster, in customer order.

    Parameters
    ----------
    events : DaskEvents
    as_of : date or ISO string
    signals : sequence of NamedSignal
        Defined signals to add (:meth:`Population.with_signals`), computed in the
        partitions: the returned population holds no event log to compute others later.
    join : Table or mapping, optional
        User attributes keyed by a ``customer`` column, joined in every partition
        (:meth:`Population.join`); it is sent to every worker, so keep it to the
        columns the rules read.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle.dask import read_events
    >>> frame = pd.DataFrame({"customer": [2, 1, 1], "date": ["2024-01-05", "2024-02-01",
    ...                       "2024-03-02"], "amount": ["10", "5", "7.5"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2), currency="EUR")
    >>> pop = population(events, "2024-03-31", join={"customer": [2], "tier": ["gold"]})
    >>> pop.customer.tolist(), pop.total_spend.tolist(), pop.tier.tolist()
    ([1, 2], [1250, 1000], [None, 'gold'])
    """
    day = as_date(as_of, "as_of")
    table = _join_table(join)
    parts = events.map(partial(_population_job, as_of=day, signals=tuple(signals), join=table))
    if not parts:
        msg = f"no customer has an event by {day.isoformat()}"
        raise ValidationError(msg)
    pop = _joined_population(parts, day)
    _check_join(table, pop.customer)
    return pop


def classify(
    model: LifecycleModel, events: DaskEvents, as_of: dt.date | str, *, join: Any = None
) -> StageCodes:
    """:meth:`LifecycleModel.classify` of every customer's population on a cluster.

    ``join`` adds user attributes the rules read, as in :func:`population`.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle.dask import read_events
    >>> from lifecycle.stages import default_lifecycle
    >>> frame = pd.DataFrame({"customer": [1, 1, 2], "date": ["2024-01-05", "2024-02-01",
    ...                       "2024-03-01"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2))
    >>> classify(default_lifecycle(), events, "2024-03-31").names().tolist()
    ['awareness', 'exploration']
    """
    day = as_date(as_of, "as_of")
    table = _join_table(join)
    parts = events.map(partial(_classify_job, model=model, as_of=day, join=table))
    if not parts:
        msg = "cannot classify an empty population (no customer has an event by as_of)"
        raise ValidationError(msg)
    customer = np.concatenate([p.customer for p in parts])
    rows = _by_customer(customer)
    _one_partition_each(customer[rows])
    _check_join(table, customer)
    return StageCodes(customer[rows], np.concatenate([p.code for p in parts])[rows], model.labels)


def quote_many(
    policy: PricingPolicy,
    events: DaskEvents,
    as_of: dt.date | str,
    base_price: int,
    quantity: int = 1,
    *,
    currency: Currency | str | None = None,
    unit_cost: int | None = None,
    join: Any = None,
) -> Table:
    """:meth:`PricingPolicy.quote_many` for every customer on a cluster, on ``as_of``.

    One list price (and quantity, and unit cost) for every customer, in minor units: a
    price per customer would have to travel with its customer, so carry it in ``join``
    and let a rule read it, or price a population you computed.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle import signal
    >>> from lifecycle.dask import read_events
    >>> from lifecycle.pricing import PercentOff
    >>> frame = pd.DataFrame({"customer": [1, 1, 2], "date": ["2024-01-05", "2024-03-05",
    ...                       "2024-04-01"], "amount": ["30", "30", "30"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2), currency="EUR")
    >>> policy = PricingPolicy([PercentOff(10, when=signal("purchase_count") >= 2)])
    >>> quote_many(policy, events, "2024-05-01", 1999, 2).total_minor.tolist()
    [3598, 3998]
    """
    day = as_date(as_of, "as_of")
    for name, value in (("base_price", base_price), ("quantity", quantity)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            msg = (
                f"{name!r} must be one whole number of minor units for every customer "
                f"(got {type(value).__name__})"
            )
            raise ValidationError(msg)
    if unit_cost is not None and not isinstance(unit_cost, (int, np.integer)):
        msg = f"'unit_cost' must be a whole number of minor units (got {type(unit_cost).__name__})"
        raise ValidationError(msg)
    table = _join_table(join)
    prices = (int(base_price), int(quantity), None if unit_cost is None else int(unit_cost))
    job = partial(
        _quote_job, policy=policy, as_of=day, join=table, prices=prices, currency=currency
    )
    parts = events.map(job)
    if not parts:
        msg = f"no customer has an event by {day.isoformat()}"
        raise ValidationError(msg)
    out = _table(parts)
    _check_join(table, out["customer"])
    return out


def detect(
    events: DaskEvents,
    as_of: dt.date | str,
    signals: Sequence[DefectionSignal] | None = None,
    *,
    min_score: float = 0.0,
    join: Any = None,
) -> Table:
    """:func:`lifecycle.retention.detect` on a cluster: the customers at risk on ``as_of``.

    Sorted as the in-memory function sorts: by score, highest first, then by customer.
    ``join`` adds user attributes, as in :func:`population`; unlike there, a join table
    none of whose keys is a customer is not detected (only customers at risk come back).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle import signal
    >>> from lifecycle.dask import read_events
    >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-01", "2024-03-01"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2))
    >>> quiet = DefectionSignal("quiet", signal("days_since_last_purchase") > 45, 1.0, "quiet")
    >>> detect(events, "2024-03-31", [quiet]).customer.tolist()
    [1]
    """
    day = as_date(as_of, "as_of")
    table = _join_table(join)
    chosen = None if signals is None else tuple(signals)
    job = partial(_detect_job, as_of=day, signals=chosen, min_score=min_score, join=table)
    parts = events.map(job)
    if not parts:
        msg = f"no customer has an event by {day.isoformat()}"
        raise ValidationError(msg)
    return _table(parts, order="score")


def due(plan: FollowUpPlan, events: DaskEvents, on: dt.date | str) -> Table:
    """:meth:`FollowUpPlan.due` on a cluster: the day's actions of every customer.

    Rows in customer order, then in each customer's decision order, as in memory.

    Raises
    ------
    ValidationError
        A plan with ``OnStageChange`` rules: their stage timeline would have to be
        replayed per partition, which this function does not do.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle.dask import read_events
    >>> from lifecycle.followup import Action, After
    >>> frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-03-01", "2024-03-02"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2))
    >>> plan = FollowUpPlan([After("purchase", "1W", Action("survey", "email"))])
    >>> due(plan, events, "2024-03-08").customer.tolist()
    [1]
    """
    day = as_date(on, "on")
    staged = [rule.label() for rule in plan.rules if isinstance(rule, OnStageChange)]
    if staged:
        msg = (
            f"the rules {', '.join(map(repr, staged))} read a stage timeline, which "
            "lifecycle.dask.due cannot replay per partition: run that plan in memory"
        )
        raise ValidationError(msg)
    parts = events.map(partial(_due_job, plan=plan, on=day))
    if not parts:
        msg = "the log has no events"
        raise ValidationError(msg)
    return _table(parts, unique=False)
