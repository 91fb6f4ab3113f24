"""Delimited text files of events.

For now the reading itself is :meth:`EventLog.from_csv <lifecycle.events.EventLog.from_csv>`;
:func:`read_csv` is its name in ``lifecycle.io``, taking the same options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, overload

from ..events import EventLog, Loaded
from ._fields import ErrorMode

__all__ = ["read_csv"]


@overload
def read_csv(path: str | Path, *, errors: Literal["raise"] = ..., **options: Any) -> EventLog: ...


@overload
def read_csv(path: str | Path, *, errors: Literal["collect"], **options: Any) -> Loaded: ...


def read_csv(path: str | Path, *, errors: ErrorMode = "raise", **options: Any) -> EventLog | Loaded:
    r"""Read a delimited text file of events.

    Takes the options of :meth:`EventLog.from_csv <lifecycle.events.EventLog.from_csv>`
    (``columns``, ``date_format``, ``delimiter``, ``header``, ``currency``, ``encoding``,
    ``attributes``) and its ``errors`` mode.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = path.write_text("id,day,amount\n1,20240105,25.00\n2,20240201,9.99\n")
    >>> log = read_csv(path, columns={"customer": "id", "date": "day"}, date_format="%Y%m%d",
    ...                currency="EUR")
    >>> log.amount_minor.tolist()
    [2500, 999]
    """
    loaded: EventLog | Loaded = EventLog.from_csv(path, errors=errors, **options)
    return loaded
