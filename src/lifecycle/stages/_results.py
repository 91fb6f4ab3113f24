"""What a model answers: one customer's stage and path, or every customer's stage code.

Examples
--------
>>> import numpy as np
>>> codes = StageCodes(np.array([1, 2, 3]), np.array([0, 1, 1], dtype=np.int8),
...                    ("exploration", "awareness"))
>>> codes.counts()
{'exploration': 1, 'awareness': 2}
>>> codes.names().tolist()
['exploration', 'awareness', 'awareness']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._display import grid_html, plural
from ..signals import Profile
from ..table import Table
from ._parts import StageChange, Transition

__all__ = ["StageCodes", "StagePath"]


@attrs.frozen(eq=False)
class StagePath:
    """One customer's stage as of a date, the moves that led there and why the walk stopped.

    Returned by :meth:`LifecycleModel.stage_of`.

    Attributes
    ----------
    customer : int or str
    as_of : datetime.date
    start : str
        The stage the walk started from (the model's initial stage unless given).
    stage : str
        The stage the walk stopped in.
    path : tuple of Transition
        The moves, in order.
    stop : str
        Why the walk stopped.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in
    ...                              ("2024-01-05", "2024-02-01")])
    >>> result = default_lifecycle().stage_of(log.profile(1, "2024-02-01"))
    >>> result.stage, [t.target for t in result.path]
    ('awareness', ['awareness'])
    >>> print(result.explain())
    exploration -> awareness: second purchase or repeat visits
      true: any of
        true: repeat_purchase_count >= 1 (actual 1)
        false: visit_count >= 2 (actual 0)
    stops in awareness: no rule from awareness holds
    """

    customer: Any
    as_of: dt.date
    start: str
    stage: str
    path: tuple[Transition, ...]
    stop: str
    profile: Profile = attrs.field(repr=False)

    def changes(self) -> tuple[StageChange, ...]:
        """The moves as dated :class:`StageChange` records (all on ``as_of``).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-05"}])
        >>> default_lifecycle().stage_of(log.profile(1, "2025-06-01")).changes()[0].target
        'dissolution'
        """
        return tuple(
            StageChange(self.customer, self.as_of, t.source, t.target, t.reason) for t in self.path
        )

    def explain(self) -> str:
        """Each move with its rule and the signal values that made it hold, then the stop.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> days = ["2024-01-05", "2024-02-01", "2024-03-01", "2024-04-01"]
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in days]
        ...                             + [{"customer": 2, "date": "2024-01-10"}])
        >>> path = default_lifecycle().stage_of(log.profile(2, "2024-04-30"))
        >>> print(path.explain())
        stops in exploration: no rule from exploration holds
        """
        lines: list[str] = []
        for t in self.path:
            lines.append(f"{t.source} -> {t.target}: {t.reason}")
            lines.extend(t.when.explain(self.profile).lines(indent=1))
        lines.append(self.stop)
        return "\n".join(lines)


@attrs.frozen(eq=False)
class StageCodes:
    """Stage codes for many customers: ``labels[code[i]]`` is customer ``i``'s stage.

    Returned by :meth:`LifecycleModel.classify` and by a :class:`Timeline`'s questions.
    ``code`` is ``int8``, so ten million customers take ten megabytes.

    Examples
    --------
    >>> codes = StageCodes(np.array(["a", "b"]), np.array([1, 0], dtype=np.int8),
    ...                    ("exploration", "awareness"))
    >>> len(codes), codes.stage_of("a")
    (2, 'awareness')
    >>> codes.table()["stage"].tolist()
    ['awareness', 'exploration']
    >>> codes
    StageCodes: 2 customers
      exploration  1
      awareness    1
    """

    customer: NDArray[Any] = attrs.field(repr=False)
    code: NDArray[np.int8] = attrs.field(repr=False)
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.code)

    def _counts_grid(self) -> tuple[str, list[str], list[list[str]]]:
        counts = self.counts()
        title = f"StageCodes: {plural(len(self), 'customer')}"
        return title, list(counts), [[f"{n:,}"] for n in counts.values()]

    def __repr__(self) -> str:
        title, stages, cells = self._counts_grid()
        width = max((len(s) for s in stages), default=0)
        count_width = max((len(c[0]) for c in cells), default=0)
        rows = [
            f"  {stage.ljust(width)}  {cell[0].rjust(count_width)}"
            for stage, cell in zip(stages, cells, strict=True)
        ]
        return "\n".join([title, *rows])

    def _repr_html_(self) -> str:
        title, stages, cells = self._counts_grid()
        return grid_html(title, "stage", stages, ["customers"], cells)

    def names(self) -> NDArray[np.str_]:
        """The stage name of each customer (a string array).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> days = ["2024-01-05", "2024-02-01", "2024-03-01", "2024-04-01"]
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in days]
        ...                             + [{"customer": 2, "date": "2024-01-10"}])
        >>> default_lifecycle().classify(log.population("2024-04-30")).names().tolist()
        ['expansion', 'exploration']
        """
        names: NDArray[np.str_] = np.asarray(self.labels)[self.code]
        return names

    def counts(self) -> dict[str, int]:
        """Customers per stage, in stage order (stages without customers count 0).

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> days = ["2024-01-05", "2024-02-01", "2024-03-01", "2024-04-01"]
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in days]
        ...                             + [{"customer": 2, "date": "2024-01-10"}])
        >>> default_lifecycle().classify(log.population("2024-04-30")).counts()["expansion"]
        1
        """
        counts = np.bincount(self.code.astype(np.intp), minlength=len(self.labels))
        return {label: int(n) for label, n in zip(self.labels, counts, strict=True)}

    def stage_of(self, customer: object) -> str:
        """The stage of one customer; a customer not among them raises ``KeyError``.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> days = ["2024-01-05", "2024-02-01", "2024-03-01", "2024-04-01"]
        >>> log = EventLog.from_records([{"customer": 1, "date": d} for d in days]
        ...                             + [{"customer": 2, "date": "2024-01-10"}])
        >>> default_lifecycle().classify(log.population("2024-04-30")).stage_of(2)
        'exploration'
        """
        hits = np.flatnonzero(self.customer == customer)
        if not len(hits):
            msg = f"customer {customer!r} is not among these {len(self)} customers"
            raise KeyError(msg)
        return self.labels[int(self.code[hits[0]])]

    def table(self) -> Table:
        """A table ``customer, stage`` (names), ready to join onto a population.

        Examples
        --------
        >>> from lifecycle import EventLog, attribute
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        >>> pop = log.population("2024-01-02")
        >>> codes = StageCodes(pop.customer, np.zeros(1, dtype=np.int8), ("exploration",))
        >>> (attribute("stage") == "exploration").evaluate(pop.join(codes.table())).tolist()
        [True]
        """
        return Table({"customer": self.customer, "stage": self.names()})
