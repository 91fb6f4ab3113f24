"""The in-memory engines on a Dask cluster, for event logs that outgrow one machine (the ``dask`` extra).

:func:`read_events` takes a Dask DataFrame or Parquet files and partitions the events by
customer (shuffling them when they are not). Each job then loads every partition with
the loaders of :mod:`lifecycle.io`, runs the in-memory batch engine on it, and gathers the
results in the in-memory engine's order, so the answer equals the in-memory one row for
row:

==========================  ==================================================
here                        in memory
==========================  ==================================================
:func:`rfm_summary`         :func:`lifecycle.rfm_summary`
:func:`population`          :meth:`EventLog.population <lifecycle.events.EventLog.population>`
:func:`classify`            :meth:`LifecycleModel.classify <lifecycle.stages.LifecycleModel.classify>`
:func:`quote_many`          :meth:`PricingPolicy.quote_many <lifecycle.pricing.PricingPolicy.quote_many>`
:func:`detect`              :func:`lifecycle.retention.detect`
:func:`due`                 :meth:`FollowUpPlan.due <lifecycle.followup.FollowUpPlan.due>`
:func:`compress`, :func:`fit`   a BTYD model's ``fit(rfm_summary(...))``
==========================  ==================================================

Jobs run on the current Dask scheduler: a ``dask.distributed.Client`` when one is open
(a ``LocalCluster`` or a real cluster), else Dask's local threads. Importing this module
imports no Dask; the first call does, and raises
:class:`~lifecycle.errors.MissingDependencyError` naming the extra when it is missing.
``docs/scale.md`` tells how to run on a cluster and what each function moves.

Examples
--------
>>> import dask.dataframe as dd, numpy as np
>>> from lifecycle import rfm_summary as in_memory
>>> from lifecycle.dask import read_events, rfm_summary
>>> from lifecycle.datasets import load_cdnow
>>> log = load_cdnow()
>>> events = read_events(dd.from_pandas(log.to_pandas(), npartitions=4), currency="USD")
>>> ours, theirs = rfm_summary(events, "1997-09-30"), in_memory(log, "1997-09-30")
>>> all(np.array_equal(ours[name], theirs[name]) for name in theirs)
True
"""

from ._events import DaskEvents, read_events
from ._fit import compress, fit
from ._jobs import classify, detect, due, population, quote_many, rfm_summary

__all__ = [
    "DaskEvents",
    "classify",
    "compress",
    "detect",
    "due",
    "fit",
    "population",
    "quote_many",
    "read_events",
    "rfm_summary",
]
