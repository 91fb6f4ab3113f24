"""Signals: what an event log says about each customer as of a date.

:func:`profile` computes one customer's signals with Python scalars, ``datetime.date`` and
:class:`~lifecycle.money.Money`; :func:`population` computes the same signals for every
customer as NumPy columns (dates as ``datetime64[D]``, money as ``int64`` minor units). Only
events on or before ``as_of`` count; windows such as ``purchases_90d`` cover the 90 days
ending on ``as_of`` inclusive, ``(as_of - 90 days, as_of]``.

Every signal is one declarative definition (:data:`SIGNALS` holds each standard one's),
which both engines interpret: an aggregate of an event kind's field over a window
(:func:`count`, :func:`total`, :func:`minimum`, :func:`maximum`, :func:`first`,
:func:`last`, :func:`mean`, :func:`distinct`), or arithmetic between definitions (``+``,
``-``, ``/``). Users define their own with :func:`~lifecycle.define_signal`; conditions carry
them, and profiles and populations compute them on demand.

Missing values are defined per kind of signal (see :data:`SIGNALS`): on a :class:`Profile`
they are ``None``; in a :class:`Population` dates are ``NaT``, day counts and other numbers
``NaN``, money has a mask (:meth:`Population.is_missing` answers for every column).

A purchase without an amount is a purchase whose amount is unknown, not a purchase of 0: it
counts in ``purchase_count`` but the spend signals sum only known amounts (a window whose
purchases all lack an amount has missing spend), and ``average_order_value`` divides by the
number of purchases with a known amount. Money signals must fit in int64 minor units in both
engines: a sum beyond that raises :class:`~lifecycle.errors.ValidationError` naming the
customer and the signal, rather than wrap.

The package: ``_definitions`` (what a signal computes), ``_standard`` (the standard signals
and :func:`define_signal`), ``_single`` (the single engine and :class:`Profile`), ``_batch``
(the batch engine), ``_population`` (:class:`Population`, :func:`population`,
:func:`snapshots`), ``_join`` (joining tables onto a population), ``_methods``
(``EventLog.profile`` and ``EventLog.population``).

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": 1, "date": "2024-01-10", "amount": "30", "currency": "EUR"},
...     {"customer": 1, "date": "2024-03-10", "amount": "50", "currency": "EUR"},
...     {"customer": 2, "date": "2024-03-01", "kind": "visit"},
... ])
>>> p = log.profile(1, as_of="2024-03-31")
>>> p.purchase_count, p.days_since_last_purchase, p.average_order_value
(2, 21, Money('40.00', 'EUR'))
>>> pop = log.population(as_of="2024-03-31")
>>> pop.purchase_count.tolist(), pop.days_since_last_purchase.tolist()
([2, 0], [21.0, nan])
"""

from ._definitions import (
    DEFINITIONS,
    Aggregate,
    Arithmetic,
    AttributeScore,
    Definition,
    EventRows,
    EventScore,
    NamedSignal,
    count,
    definition_from_dict,
    distinct,
    first,
    last,
    maximum,
    mean,
    minimum,
    total,
)
from ._methods import install as _install_event_log_methods
from ._population import Population, population, snapshots
from ._single import Profile, SignalValues, profile
from ._standard import SIGNALS, SignalSpec, check_signal_name, define_signal

_install_event_log_methods()

__all__ = [
    "DEFINITIONS",
    "SIGNALS",
    "Aggregate",
    "Arithmetic",
    "AttributeScore",
    "Definition",
    "EventRows",
    "EventScore",
    "NamedSignal",
    "Population",
    "Profile",
    "SignalSpec",
    "SignalValues",
    "check_signal_name",
    "count",
    "define_signal",
    "definition_from_dict",
    "distinct",
    "first",
    "last",
    "maximum",
    "mean",
    "minimum",
    "population",
    "profile",
    "snapshots",
    "total",
]
