"""Brand switching between two periods: who stayed, switched, arrived and lapsed (private).

A panel says which brand (or supplier) each buyer bought from in a period, one brand per
buyer: the main one. Two panels give the switching matrix the sources ask for when sales
fall: first-time buyers, repeat buyers, and switchers from brands A, B, C.

Examples
--------
>>> before = {"customer": [1, 2, 3, 4], "brand": ["us", "us", "rival", "us"]}
>>> after = {"customer": [1, 2, 3, 5], "brand": ["us", "rival", "us", "rival"]}
>>> m = switching_matrix(before, after)
>>> [(r["brand_before"], r["brand_after"], r["status"], r["customers"])
...  for r in (m.row(i) for i in range(len(m)))]
[('', 'rival', 'new', 1), ('rival', 'us', 'switched', 1), ('us', '', 'lapsed', 1), ('us', 'rival', 'switched', 1), ('us', 'us', 'stayed', 1)]
>>> g = gains_and_losses(m, "us")
>>> g.competitor.tolist(), g.gained.tolist(), g.lost.tolist(), g.net.tolist()
(['', 'rival'], [0, 1], [1, 1], [-1, 0])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..table import Table

__all__ = ["NONE", "gains_and_losses", "switching_matrix"]

#: The brand of a buyer absent from a panel: a new buyer before, a lapsed one after.
NONE = ""


def _panel(name: str, panel: Mapping[str, Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    if not isinstance(panel, (Mapping, Table)) or "customer" not in panel or "brand" not in panel:
        msg = f"{name!r} must have the columns 'customer' and 'brand'"
        raise ValidationError(msg)
    customers = np.asarray(panel["customer"])
    brands = np.asarray(panel["brand"])
    if brands.dtype.kind == "O" and all(isinstance(b, str) for b in brands.tolist()):
        brands = brands.astype(str)
    if customers.ndim != 1 or customers.shape != brands.shape:
        msg = f"{name!r}: 'customer' and 'brand' must be 1-D of equal length"
        raise ValidationError(msg)
    if brands.dtype.kind != "U":
        msg = f"{name!r}: 'brand' must hold strings (got dtype {brands.dtype})"
        raise ValidationError(msg)
    blank = np.char.strip(brands) == ""
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        msg = f"{name!r}: brand at row {i} must be a non-empty str (got {brands[i].item()!r})"
        raise ValidationError(msg)
    order = np.argsort(customers, kind="stable")
    customers, brands = customers[order], brands[order]
    twice = np.flatnonzero(customers[1:] == customers[:-1])
    if len(twice):
        msg = (
            f"{name!r} lists customer {customers[twice[0]].item()!r} more than once; give each "
            "buyer one brand per period (their main one)"
        )
        raise ValidationError(msg)
    return customers, brands


def switching_matrix(panel_before: Mapping[str, Any], panel_after: Mapping[str, Any]) -> Table:
    """Count buyers by their brand in one period and the next.

    Parameters
    ----------
    panel_before, panel_after : Table or mapping
        Columns ``customer`` and ``brand`` (a non-empty str), one row per buyer.

    Returns
    -------
    Table
        One row per (``brand_before``, ``brand_after``) pair that occurs, sorted;
        ``NONE`` (``""``) stands for "not a buyer in that period". ``status`` is
        ``stayed``, ``switched``, ``new`` (only after) or ``lapsed`` (only before);
        ``customers``; ``share_of_before`` (of the buyers of ``brand_before``; NaN for
        new buyers).

    Examples
    --------
    >>> m = switching_matrix({"customer": [1], "brand": ["a"]}, {"customer": [1], "brand": ["b"]})
    >>> m.row(0)
    {'brand_before': 'a', 'brand_after': 'b', 'status': 'switched', 'customers': 1, 'share_of_before': 1.0}
    """
    c0, b0 = _panel("panel_before", panel_before)
    c1, b1 = _panel("panel_after", panel_after)
    try:
        everyone = np.union1d(c0, c1)
    except TypeError:
        msg = "customer ids of the two panels must be of one type (all int or all str)"
        raise ValidationError(msg) from None
    before = np.full(len(everyone), NONE, dtype=object)
    after = np.full(len(everyone), NONE, dtype=object)
    before[np.searchsorted(everyone, c0)] = b0
    after[np.searchsorted(everyone, c1)] = b1
    # Brands as codes, so the pairs are counted without a Python loop per buyer.
    names, codes = np.unique(np.concatenate([before, after]).astype(str), return_inverse=True)
    k = len(names)
    code_before, code_after = codes[: len(everyone)], codes[len(everyone) :]
    keys, counts = np.unique(code_before * k + code_after, return_counts=True)
    brand_before = names[keys // k].astype(object)
    brand_after = names[keys % k].astype(object)
    status = np.where(
        brand_before == NONE,
        "new",
        np.where(
            brand_after == NONE,
            "lapsed",
            np.where(brand_before == brand_after, "stayed", "switched"),
        ),
    ).astype(object)
    totals = {b: int(n) for b, n in zip(*np.unique(b0, return_counts=True), strict=True)}
    share = np.array(
        [n / totals[b] if b != NONE else np.nan for b, n in zip(brand_before, counts, strict=True)]
    )
    return Table(
        {
            "brand_before": brand_before,
            "brand_after": brand_after,
            "status": status,
            "customers": counts.astype(np.int64),
            "share_of_before": share,
        }
    )


def gains_and_losses(matrix: Table, supplier: str) -> Table:
    """For one supplier: buyers gained from and lost to each competitor (and to none).

    Parameters
    ----------
    matrix : Table
        :func:`switching_matrix` output.
    supplier : str
        The brand to look at.

    Returns
    -------
    Table
        ``competitor`` (``NONE`` for new and lapsed buyers), ``gained`` (their buyers
        before who bought from ``supplier`` after), ``lost`` (the reverse), ``net``; sorted
        by competitor.

    Examples
    --------
    >>> m = switching_matrix({"customer": [1, 2], "brand": ["a", "b"]},
    ...                      {"customer": [1, 2], "brand": ["b", "b"]})
    >>> gains_and_losses(m, "b").row(0)
    {'competitor': 'a', 'gained': 1, 'lost': 0, 'net': 1}
    """
    brands = set(matrix["brand_before"].tolist()) | set(matrix["brand_after"].tolist())
    if supplier not in brands or supplier == NONE:
        msg = f"'supplier' {supplier!r} is not a brand of this matrix (brands: {sorted(brands - {NONE})})"
        raise ValidationError(msg)
    gained: dict[str, int] = {}
    lost: dict[str, int] = {}
    for b, a, n in zip(
        matrix["brand_before"].tolist(),
        matrix["brand_after"].tolist(),
        matrix["customers"].tolist(),
        strict=True,
    ):
        if a == supplier and b != supplier:
            gained[b] = gained.get(b, 0) + n
        elif b == supplier and a != supplier:
            lost[a] = lost.get(a, 0) + n
    names = sorted(set(gained) | set(lost))
    g = np.array([gained.get(c, 0) for c in names], dtype=np.int64)
    lo = np.array([lost.get(c, 0) for c in names], dtype=np.int64)
    return Table(
        {"competitor": np.array(names, dtype=object), "gained": g, "lost": lo, "net": g - lo}
    )
