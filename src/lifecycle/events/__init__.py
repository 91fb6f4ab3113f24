"""EventLog: columnar, validated customer events.

An :class:`EventLog` holds what customers did (purchases, returns, visits, complaints,
surveys, cancellations, contacts, or kinds of your own) as NumPy columns sorted by customer
and date: customer codes, ``datetime64[D]`` dates, kind codes, amounts as ``int64`` minor units
of one currency, and the optional quantity, category, product, channel, survey score and
user attributes.

Loading is strict by default: the first bad row raises, naming the row, the column and the
value. With ``errors="collect"`` the good rows load and every rejected row comes back with its
reason (a :class:`Loaded` pair), so nothing is lost silently.

Examples
--------
>>> log = EventLog.from_records([
...     {"customer": "ann", "date": "2024-01-05", "amount": "20.00", "currency": "EUR"},
...     {"customer": "ann", "date": "2024-03-01", "amount": "35.50", "currency": "EUR"},
...     {"customer": "bob", "date": "2024-02-10", "kind": "visit"},
... ])
>>> len(log), log.customers.tolist(), log.currency
(3, ['ann', 'bob'], Currency(code='EUR', minor_units=2))
>>> log.profile("ann", as_of="2024-03-31").total_spend
Money('55.50', 'EUR')

The loaders under the constructors (:func:`load_records`, :func:`load_columns`), the
"did you mean" hint of their messages (:func:`did_you_mean`) and :func:`provide_io` are
public for :mod:`lifecycle.io`, which reads files and frames a layer above.
"""

from ._coded import Coded
from ._columns import (
    LABEL_FIELDS,
    RECORD_FIELDS,
    STANDARD_KINDS,
    Rejected,
    as_date,
    did_you_mean,
    segment_bounds,
)
from ._log import EventLog, Loaded, load_columns, load_records, provide_io

__all__ = [
    "LABEL_FIELDS",
    "RECORD_FIELDS",
    "STANDARD_KINDS",
    "Coded",
    "EventLog",
    "Loaded",
    "Rejected",
    "as_date",
    "did_you_mean",
    "load_columns",
    "load_records",
    "provide_io",
    "segment_bounds",
]
