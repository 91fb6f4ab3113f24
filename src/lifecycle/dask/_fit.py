"""BTYD models fitted to events on a cluster in one pass: :func:`compress` and :func:`fit`.

The BG/NBD, MBG/NBD and Pareto/NBD likelihoods depend on a customer only through the
(frequency, recency, T) triple, and their fit already merges equal triples into one
weighted row. Each partition's ``rfm_summary`` is reduced to its distinct triples and
their counts; the counts are added across partitions; the in-memory fitter takes the
result with ``weights=``. Only the distinct triples reach the client, never the customers.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, as_date
from ..models import BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel
from ..rfm import rfm_summary
from ..table import Table
from ._events import DaskEvents

__all__ = ["compress", "fit"]

_Model = TypeVar("_Model", BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel)


def _distinct(
    frequency: NDArray[np.float64],
    recency: NDArray[np.float64],
    t: NDArray[np.float64],
    weight: NDArray[np.int64],
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Distinct (frequency, recency, T) rows, sorted, and the total weight of each."""
    rows = np.stack([frequency, recency, t], axis=1)
    if not len(rows):
        return rows, np.zeros(0, dtype=np.int64)
    found, inverse = np.unique(rows, axis=0, return_inverse=True)
    return found, np.bincount(inverse.ravel(), weights=weight, minlength=len(found)).astype(
        np.int64
    )


def _compress_job(
    log: EventLog, as_of: dt.date, unit: str
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    summary = rfm_summary(log, as_of, unit=unit)
    ones = np.ones(len(summary), dtype=np.int64)
    return _distinct(summary.frequency.astype(np.float64), summary.recency, summary.T, ones)


def compress(events: DaskEvents, as_of: dt.date | str, *, unit: str = "D") -> Table:
    """Every distinct (frequency, recency, T) of the events' ``rfm_summary``, with its count.

    Parameters
    ----------
    events : DaskEvents
    as_of : date or ISO string
        End of the observation period, as in :func:`lifecycle.rfm_summary`.
    unit : {"D", "W", "M"}
        Time unit of recency and T.

    Returns
    -------
    Table
        ``frequency`` (int64), ``recency``, ``T`` (float64) and ``customers`` (int64, how
        many customers have that history), sorted by the triple. A model's
        ``fit(frequency=..., recency=..., T=..., weights=customers)`` fits the same
        parameters as ``fit(rfm_summary(log, as_of, unit=unit))``.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> from lifecycle.dask import read_events
    >>> frame = pd.DataFrame({"customer": [1, 2, 3, 3], "date": ["2024-01-01", "2024-01-01",
    ...                       "2024-01-01", "2024-01-08"]})
    >>> events = read_events(dd.from_pandas(frame, npartitions=2))
    >>> counts = compress(events, "2024-01-31")
    >>> counts.frequency.tolist(), counts.recency.tolist(), counts.customers.tolist()
    ([0, 1], [0.0, 7.0], [2, 1])
    """
    end = as_date(as_of, "as_of")
    parts = events.map(partial(_compress_job, as_of=end, unit=unit))
    if not parts:
        msg = "cannot summarise an empty log"
        raise ValidationError(msg)
    rows = np.concatenate([rows for rows, _ in parts])
    found, counts = _distinct(
        rows[:, 0], rows[:, 1], rows[:, 2], np.concatenate([counts for _, counts in parts])
    )
    return Table(
        {
            "frequency": found[:, 0].astype(np.int64),
            "recency": found[:, 1],
            "T": found[:, 2],
            "customers": counts,
        }
    )


def fit(model: _Model, events: DaskEvents, as_of: dt.date | str) -> _Model:
    """Fit a BG/NBD, MBG/NBD or Pareto/NBD model to events on a cluster, in one pass.

    The summary is taken in the model's time unit; the parameters equal those of
    ``model.fit(rfm_summary(log, as_of, unit=model.unit))`` on the whole log in memory.

    Returns
    -------
    the model, fitted (``model`` itself, as its ``fit`` returns it)

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from lifecycle.dask import read_events
    >>> from lifecycle.datasets import load_cdnow
    >>> from lifecycle.models import BetaGeoModel
    >>> frame = load_cdnow().to_pandas()
    >>> events = read_events(dd.from_pandas(frame, npartitions=4), currency="USD")
    >>> model = fit(BetaGeoModel(unit="W"), events, "1997-09-30")
    >>> model.n_customers_, round(model.params_.r, 4)
    (23570, 0.2516)
    """
    if not isinstance(model, (BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel)):
        msg = (
            "fit() takes a BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel "
            f"(got {type(model).__name__})"
        )
        raise ValidationError(msg)
    counts = compress(events, as_of, unit=model.unit)
    return model.fit(
        frequency=counts.frequency,
        recency=counts.recency,
        T=counts.T,
        weights=counts.customers,
    )
