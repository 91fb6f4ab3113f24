"""Stage analytics from a replayed history: conversion, time between stages, drop-off (private).

What CRM users read off lifecycle-stage reports, computed from a
:class:`~lifecycle.stages.Timeline`.

Examples
--------
>>> from lifecycle import EventLog
>>> from lifecycle.stages import default_lifecycle
>>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
...     [(1, "2024-01-01"), (1, "2024-01-21"), (2, "2024-01-10"), (3, "2024-02-01"),
...      (3, "2024-03-02")]])
>>> t = stage_conversion(default_lifecycle().replay(log, end="2024-12-31", every="1M"))
>>> t.row(0)
{'stage': 'exploration', 'next_stage': 'awareness', 'entered': 3, 'converted': 2, 'rate': 0.6666666666666666, 'mean_days': 25.0, 'median_days': 25.0, 'dropped_off': 0}
>>> t.dropped_off.tolist()
[0, 2, 0, 0]
"""

from __future__ import annotations

import numpy as np

from ..errors import ValidationError
from ..stages import Timeline
from ..table import Table

__all__ = ["stage_conversion", "stage_section"]


def stage_conversion(timeline: Timeline, *, window_days: int | None = None) -> Table:
    """Conversion from each stage to the next, the days it took, and who dropped off.

    For each stage of the model except the dissolution stage, in the model's order:

    * ``entered``: customers who ever entered it (by the timeline's end);
    * ``converted``: of those, who first entered the next stage on or after first
      entering this one, within ``window_days`` days if given;
    * ``rate``: ``converted / entered`` (NaN when nobody entered);
    * ``mean_days``, ``median_days``: days from first entering this stage to first
      entering the next, over the converted (NaN when none);
    * ``dropped_off``: customers whose furthest stage is this one and who are in the
      dissolution stage at the timeline's end.

    The last stage before dissolution has no next stage: ``next_stage`` is ``""`` and its
    conversion figures are 0 and NaN.

    Parameters
    ----------
    timeline : Timeline
    window_days : int, optional
        Count a conversion only when it took at most this many days.

    Returns
    -------
    Table
        ``stage``, ``next_stage``, ``entered``, ``converted``, ``rate``, ``mean_days``,
        ``median_days``, ``dropped_off``.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": 1, "date": d}
    ...                              for d in ("2024-01-01", "2024-03-01")])
    >>> tl = default_lifecycle().replay(log)
    >>> stage_conversion(tl, window_days=30).converted.tolist()[0]
    0
    """
    if window_days is not None and (
        isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 0
    ):
        msg = f"'window_days' must be an int >= 0 or None (got {window_days!r})"
        raise ValidationError(msg)
    model = timeline.model
    labels = model.labels
    stages = [s for s in labels if s != model.dissolution]
    spans = timeline.time_in_stage()
    ids, who = np.unique(spans["customer"], return_inverse=True)
    where = {name: i for i, name in enumerate(labels)}
    stage_index = np.array([where[s] for s in spans["stage"].tolist()], dtype=np.intp)
    first = np.full((len(ids), len(labels)), np.datetime64("NaT"), dtype="datetime64[D]")
    first[who.reshape(-1), stage_index] = spans["first_entered"]
    furthest = timeline.furthest_stage()
    now = timeline.stages_on()
    lost = np.zeros(len(furthest), dtype=bool)
    if model.dissolution is not None and len(now):
        # Both list the entered customers in the timeline's customer order.
        position = np.searchsorted(now.customer, furthest.customer)
        position = np.clip(position, 0, len(now) - 1)
        lost = (now.customer[position] == furthest.customer) & (
            now.code[position] == model.code(model.dissolution)
        )
    rows: dict[str, list[object]] = {
        key: []
        for key in (
            "stage",
            "next_stage",
            "entered",
            "converted",
            "rate",
            "mean_days",
            "median_days",
            "dropped_off",
        )
    }
    for k, stage in enumerate(stages):
        col = where[stage]
        entered = ~np.isnat(first[:, col])
        following = stages[k + 1] if k + 1 < len(stages) else ""
        days = np.zeros(0, dtype=np.int64)
        if following:
            nxt = first[:, where[following]]
            done = entered & ~np.isnat(nxt)
            done[done] = nxt[done] >= first[done, col]
            days = (nxt[done] - first[done, col]).astype(np.int64)
            if window_days is not None:
                days = days[days <= window_days]
        n_entered = int(entered.sum())
        rows["stage"].append(stage)
        rows["next_stage"].append(following)
        rows["entered"].append(n_entered)
        rows["converted"].append(len(days))
        rows["rate"].append(len(days) / n_entered if following and n_entered else np.nan)
        rows["mean_days"].append(float(days.mean()) if len(days) else np.nan)
        rows["median_days"].append(float(np.median(days)) if len(days) else np.nan)
        rows["dropped_off"].append(int((lost & (furthest.code == col)).sum()))
    return Table(
        {
            "stage": np.array(rows["stage"], dtype=object),
            "next_stage": np.array(rows["next_stage"], dtype=object),
            "entered": np.array(rows["entered"], dtype=np.int64),
            "converted": np.array(rows["converted"], dtype=np.int64),
            "rate": np.array(rows["rate"], dtype=np.float64),
            "mean_days": np.array(rows["mean_days"], dtype=np.float64),
            "median_days": np.array(rows["median_days"], dtype=np.float64),
            "dropped_off": np.array(rows["dropped_off"], dtype=np.int64),
        }
    )


def stage_section(timeline: Timeline, *, window_days: int | None = None) -> list[str]:
    r"""The report's stage conversion lines.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.stages import default_lifecycle
    >>> log = EventLog.from_records([{"customer": 1, "date": d}
    ...                              for d in ("2024-01-01", "2024-01-31")])
    >>> print("\n".join(stage_section(default_lifecycle().replay(log))))
    Stage conversion (from first entry into a stage to first entry into the next)
    stage        -> next          entered  converted    rate  median days  dropped off
    exploration  -> awareness           1          1  100.0%         30.0            0
    awareness    -> expansion           1          0    0.0%            -            0
    expansion    -> commitment          0          0       -            -            0
    commitment                          0          0       -            -            0
    """
    t = stage_conversion(timeline, window_days=window_days)
    lines = [
        "Stage conversion (from first entry into a stage to first entry into the next)",
        f"{'stage':<12} {'-> next':<14} {'entered':>8} {'converted':>10} {'rate':>7} "
        f"{'median days':>12} {'dropped off':>12}",
    ]
    for i in range(len(t)):
        row = t.row(i)
        arrow = f"-> {row['next_stage']}" if row["next_stage"] else ""
        rate = "-" if np.isnan(row["rate"]) else f"{row['rate']:.1%}"
        median = "-" if np.isnan(row["median_days"]) else f"{row['median_days']:.1f}"
        lines.append(
            f"{row['stage']:<12} {arrow:<14} {row['entered']:>8,} {row['converted']:>10,} "
            f"{rate:>7} {median:>12} {row['dropped_off']:>12,}"
        )
    return lines
