"""RFM scores and the named segments read off them (private).

Each buyer scores 1..bins on recency, frequency and monetary value: the metric is ranked
among buyers (ties broken by customer order, the first customer ranking lower) and the
ranks are cut at their quantiles, exactly as
``pandas.qcut(x.rank(method="first"), bins, labels=range(1, bins + 1))`` does (pandas >= 3,
which nudges the quantile levels up to the next float where they are not exact in base 2).
Recency is ranked on minus the days since the last purchase, so the most recent score
highest. Customers without a purchase score 0 and fall in no segment.

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": c, "date": d, "amount": a, "currency": "EUR"}
...     for c, d, a in [(1, "2024-06-20", "90"), (1, "2024-06-25", "60"),
...                     (2, "2024-01-10", "15"), (3, "2024-05-02", "40")]])
>>> scores = rfm_scores(log.population("2024-06-30"), bins=3)
>>> scores.rfm.tolist()
[333, 111, 222]
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import first_violation
from ..errors import ValidationError
from ..signals import Population
from ..table import Table

__all__ = ["DEFAULT_SEGMENTS", "SEGMENT_NAMES", "rfm_scores", "rfm_segments"]


def _frozen(
    segments: dict[str, dict[str, tuple[int, int]]],
) -> Mapping[str, Mapping[str, tuple[int, int]]]:
    """A read-only view, so the default map cannot be changed for everyone."""
    return MappingProxyType({name: MappingProxyType(r) for name, r in segments.items()})


#: Segment ranges by name, tried in order; ``(low, high)`` score ranges, both ends included.
#: ``r`` and ``f`` of the usual five-bin grid (monetary value follows frequency closely in
#: most logs, so the default map leaves it out; pass a map with ``"m"`` ranges to use it).
DEFAULT_SEGMENTS: Mapping[str, Mapping[str, tuple[int, int]]] = _frozen(
    {
        "champions": {"r": (5, 5), "f": (4, 5)},
        "loyal": {"r": (3, 4), "f": (4, 5)},
        "potential loyalists": {"r": (4, 5), "f": (2, 3)},
        "new customers": {"r": (5, 5), "f": (1, 1)},
        "promising": {"r": (4, 4), "f": (1, 1)},
        "need attention": {"r": (3, 3), "f": (3, 3)},
        "about to sleep": {"r": (3, 3), "f": (1, 2)},
        "cannot lose them": {"r": (1, 2), "f": (5, 5)},
        "at risk": {"r": (1, 2), "f": (3, 4)},
        "hibernating": {"r": (1, 2), "f": (1, 2)},
    }
)
#: Every name the default map gives, in order, and ``lost`` (the lowest cell, r = f = 1,
#: carved out of ``hibernating`` first).
SEGMENT_NAMES: tuple[str, ...] = ("lost", *DEFAULT_SEGMENTS)

_METRICS = (("r", "days_since_last_purchase"), ("f", "purchase_count"), ("m", "total_spend"))


def _edges(n: int, bins: int) -> NDArray[np.int64]:
    """How many of the ranks 1..n fall at or below each inner bin edge, as pandas cuts them."""
    levels = np.linspace(0, 1, bins + 1)
    # pandas >= 3 rounds levels that base 2 cannot hold up to the next float: follow it, so a
    # rank exactly on an edge lands in the bin pandas gives it.
    np.putmask(levels, bins * levels != np.arange(bins + 1), np.nextafter(levels, 1))
    # np.quantile of the ranks 1..n, without building them: virtual index i + g lies
    # between ranks i + 1 and i + 2, interpolated as NumPy's linear method does.
    index = levels[1:-1] * (n - 1)
    low = np.floor(index)
    edges: NDArray[np.float64] = _lerp(low + 1, low + 2, index - low)
    return np.floor(edges).astype(np.int64)


def _lerp(
    a: NDArray[np.float64], b: NDArray[np.float64], t: NDArray[np.float64]
) -> NDArray[np.float64]:
    """NumPy's ``_lerp`` for the linear method, operation for operation."""
    diff = b - a
    out = a + diff * t
    upper = t >= 0.5
    out[upper] = b[upper] - diff[upper] * (1 - t[upper])
    return out


def _scores(values: NDArray[Any], bins: int) -> NDArray[np.int8]:
    """1..bins per value: the quantile bin of its first-method rank, without a full sort."""
    n = len(values)
    if n < 2:
        return np.ones(n, dtype=np.int8)
    counts = _edges(n, bins)
    # Edge k holds the ranks 1..c_k; the c_k-th smallest value v_k (the pivot) splits them:
    # values below v_k rank at or below c_k, values above it above c_k, and of the values
    # equal to v_k the first (c_k - count below v_k), in customer order, rank at or below.
    kth = np.clip(counts - 1, 0, n - 1)
    pivots = np.partition(values, np.unique(kth))[kth]
    # Edges passed outright: pivots strictly below the value (a comparison per edge is
    # cheaper than a binary search per value).
    out = np.ones(n, dtype=np.int8)
    for pivot in pivots.tolist():
        out += values > pivot
    for pivot in np.unique(pivots).tolist():
        at = np.flatnonzero(values == pivot)
        if not len(at):
            continue
        below = int(np.count_nonzero(values < pivot))
        occurrence = np.arange(1, len(at) + 1)
        passed = np.zeros(len(at), dtype=np.int8)
        for c in counts[pivots == pivot].tolist():
            passed += occurrence > c - below
        out[at] += passed
    return out


def _segment_lookup(
    segment_map: Mapping[str, Mapping[str, tuple[int, int]]],
) -> NDArray[np.intp]:
    """Segment code (1-based, 0 for none) of every cell ``100 r + 10 f + m`` with scores 1..9."""
    table = np.zeros(1000, dtype=np.intp)
    cell = np.arange(1000)
    r, f, m = cell // 100, cell // 10 % 10, cell % 10
    cells = {"r": r, "f": f, "m": m}
    valid = (r >= 1) & (f >= 1) & (m >= 1)
    for k, ranges in enumerate(segment_map.values(), start=1):
        hit = valid & (table == 0)
        for letter, (low, high) in ranges.items():
            hit &= (cells[letter] >= low) & (cells[letter] <= high)
        table[hit] = k
    return table


def rfm_scores(population: Population, bins: int = 5) -> Table:
    """Score every customer 1..bins on recency, frequency and monetary value.

    Parameters
    ----------
    population : Population
        Needs ``days_since_last_purchase``, ``purchase_count`` and ``total_spend``.
    bins : int, default 5
        Number of quantile bins, 2 to 9 (so ``rfm`` reads as three digits).

    Returns
    -------
    Table
        ``customer``; ``r``, ``f``, ``m`` (int8, 1..bins for buyers, 0 for customers
        without a purchase); ``rfm`` (int64, ``100 r + 10 f + m``, 0 without a purchase).

    Raises
    ------
    ValidationError
        ``bins`` outside 2..9, or a population without buyers or without money.

    Notes
    -----
    Equals ``pandas.qcut(x.rank(method="first"), bins, labels=range(1, bins + 1))`` over
    the buyers in customer order, with ``x`` minus the days since the last purchase, the
    purchase count and the total spend in turn. A lone buyer scores 1 (pandas refuses one
    value: its bin edges coincide).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": c, "date": "2024-03-01", "amount": a, "currency": "EUR"}
    ...     for c, a in [("a", "10"), ("b", "30"), ("c", "20"), ("d", "40")]]
    ...     + [{"customer": "e", "date": "2024-03-02", "kind": "visit"}])
    >>> scores = rfm_scores(log.population("2024-03-31"), bins=2)
    >>> scores.m.tolist(), scores.r.tolist(), scores.rfm.tolist()
    ([1, 2, 1, 2, 0], [1, 1, 2, 2, 0], [111, 112, 221, 222, 0])
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 9:
        msg = f"'bins' must be an int from 2 to 9 (got {bins!r})"
        raise ValidationError(msg)
    if not isinstance(population, Population):
        msg = f"'population' must be a Population (got {type(population).__name__})"
        raise ValidationError(msg)
    for _, name in _METRICS:
        if name not in population:
            msg = f"rfm_scores needs the signal {name!r}; the population lacks it"
            raise ValidationError(msg)
    if population.currency is None:
        msg = "rfm_scores needs money: the population's log has no amounts ('total_spend')"
        raise ValidationError(msg)
    buyers = np.flatnonzero(population.purchase_count > 0)
    columns: dict[str, Any] = {"customer": population.customer}
    rfm = np.zeros(len(population), dtype=np.int64)
    for (letter, name), weight in zip(_METRICS, (100, 10, 1), strict=True):
        values = population[name][buyers]
        if letter == "r":
            values = -values
        score = np.zeros(len(population), dtype=np.int8)
        score[buyers] = _scores(values, int(bins))
        columns[letter] = score
        rfm += weight * score.astype(np.int64)
    columns["rfm"] = rfm
    return Table(columns)


def _check_map(segment_map: Mapping[str, Mapping[str, tuple[int, int]]]) -> None:
    if not isinstance(segment_map, Mapping) or not segment_map:
        msg = f"'segment_map' must be a non-empty mapping of name to ranges (got {segment_map!r})"
        raise ValidationError(msg)
    for name, ranges in segment_map.items():
        if not isinstance(name, str) or not name.strip():
            msg = f"segment names must be non-empty strings (got {name!r})"
            raise ValidationError(msg)
        if not isinstance(ranges, Mapping) or not ranges or set(ranges) - {"r", "f", "m"}:
            msg = (
                f"segment {name!r}: ranges must map some of 'r', 'f', 'm' to (low, high) "
                f"(got {ranges!r})"
            )
            raise ValidationError(msg)
        for letter, bounds in ranges.items():
            ok = (
                isinstance(bounds, tuple)
                and len(bounds) == 2
                and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
                and 1 <= bounds[0] <= bounds[1]
            )
            if not ok:
                msg = (
                    f"segment {name!r}: {letter!r} must be a (low, high) pair of scores "
                    f"with 1 <= low <= high (got {bounds!r})"
                )
                raise ValidationError(msg)


def rfm_segments(
    scores: Table, segment_map: Mapping[str, Mapping[str, tuple[int, int]]] | None = None
) -> Table:
    """Name each buyer's segment from their RFM scores.

    Parameters
    ----------
    scores : Table
        :func:`rfm_scores` output (``customer``, ``r``, ``f``, ``m``, ``rfm``).
    segment_map : mapping of str to mapping, optional
        Segment name to score ranges, ``{"r": (low, high), "f": ..., "m": ...}`` (a letter
        left out matches any score), tried in order: the first that holds names the
        segment. Default: ``lost`` (r = f = 1), then :data:`DEFAULT_SEGMENTS`, made for
        five bins:

        ====================  =======  =======
        segment               r        f
        ====================  =======  =======
        lost                  1        1
        champions             5        4-5
        loyal                 3-4      4-5
        potential loyalists   4-5      2-3
        new customers         5        1
        promising             4        1
        need attention        3        3
        about to sleep        3        1-2
        cannot lose them      1-2      5
        at risk               1-2      3-4
        hibernating           1-2      1-2
        ====================  =======  =======

        Every cell of the 5 x 5 grid falls in exactly one of them.

    Returns
    -------
    Table
        The columns of ``scores`` and ``segment`` (object: the name; None for customers
        without a purchase, and for buyers no range of a given map holds).

    Raises
    ------
    ValidationError
        A malformed map, or the default map on scores above 5.

    Examples
    --------
    >>> import numpy as np
    >>> scores = Table({"customer": [1, 2, 3], "r": [5, 1, 0], "f": [5, 1, 0],
    ...                 "m": [4, 2, 0], "rfm": [554, 112, 0]})
    >>> rfm_segments(scores).segment.tolist()
    ['champions', 'lost', None]
    >>> rfm_segments(scores, {"big spenders": {"m": (4, 5)}}).segment.tolist()
    ['big spenders', None, None]
    """
    for letter in ("customer", "r", "f", "m"):
        if letter not in scores:
            msg = f"'scores' must have the columns of rfm_scores (missing {letter!r})"
            raise ValidationError(msg)
    if segment_map is None:
        for letter in ("r", "f", "m"):
            values = np.asarray(scores[letter])
            first_violation(f"scores.{letter}", values > 5, "<= 5 for the default map", values)
        segment_map = {"lost": {"r": (1, 1), "f": (1, 1)}, **DEFAULT_SEGMENTS}
    _check_map(segment_map)
    names = np.array([None, *segment_map], dtype=object)
    letters = [np.asarray(scores[letter]) for letter in ("r", "f", "m")]
    for letter, values in zip("rfm", letters, strict=True):
        first_violation(f"scores.{letter}", (values < 0) | (values > 9), "in 0..9", values)
    # One lookup per customer in a table of the 1000 possible cells, built once.
    r, f, m = (values.astype(np.int16) for values in letters)
    cell = r * 100 + f * 10 + m
    cell[(r == 0) | (f == 0) | (m == 0)] = 0
    code = _segment_lookup(segment_map)[cell]
    return Table({**scores, "segment": names[code]})
