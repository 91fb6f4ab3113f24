"""The Gaussian hypergeometric series ``2F1(1, b; c; z)`` and its derivatives, summed exactly.

The Pareto/NBD likelihood holds ``2F1(1, b; c; z)`` with ``0 <= z < 1`` and ``b < c`` (after
Euler's transformation, see :mod:`lifecycle.models._paretonbd`): a series of positive terms,
each at most ``z`` times the one before, so it is summed term by term with no overflow and
no cancellation, and its derivatives in ``b``, ``c`` and ``z`` come from the same terms.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import NDArray

__all__ = ["MAX_TERMS", "series"]

F = NDArray[np.float64]
Index = NDArray[np.int64]

#: The most terms summed for a row (enough for ``z`` up to about ``1 - 4e-5``).
MAX_TERMS = 2**20

#: The most series terms made at once for every row (see ``series``).
MAX_BLOCK = 64
#: Rows summed at once (bounds the memory of a block to ``MAX_BLOCK * CHUNK`` numbers).
CHUNK = 32_768
#: The most (terms x rows) in a later block, for the few rows with ``z`` near 1.
LONGEST_BLOCK = 2**18
#: A term this small against the sum (below the resolution of a double) ends a row's series.
EPS = 1e-17


def series(b: F, c: F, group: Index, z: F, *, second: bool = False) -> tuple[F, F, F, F, F]:
    """``2F1(1, b; c; z)`` for ``0 <= z < 1``, ``b < c``, and its derivatives in b, c and z.

    ``b`` and ``c`` are given per group of rows (``group`` holds each row's group), ``z``
    per row. Summed term by term (every term positive, each at most ``z`` times the one
    before), so it neither overflows nor cancels; the derivatives come from the same terms:
    ``d log term_n / db = sum_{k<n} 1/(b+k)`` and ``d/dc = -sum_{k<n} 1/(c+k)``. Term ``n``
    is ``P_n z^n`` with ``P_n = prod_{k<n} (b+k)/(c+k)``, so every sum is a polynomial in
    ``z`` whose coefficients belong to the group: they are made once per group, and each
    group's rows are summed with one product of its coefficients and their powers of ``z``.
    The terms come a block at a time, the first just long enough that the largest ``z``
    makes the last negligible (at most ``MAX_BLOCK``); rows leave as their terms become
    negligible, and blocks grow for the rows left (``z`` near 1). A row whose sum is not
    known to double precision after ``MAX_TERMS`` terms (``z`` within about 4e-5 of 1, far
    from any optimum) gets NaN everywhere: the callers raise or step back. With ``second``, the fifth array holds the second
    derivatives ``(bb, bc, cc, bz, cz, zz)`` (``6 x n``; from the same terms:
    ``d2 log term_n / db2 = -sum 1/(b+k)^2``, ``d2 / dc2 = +sum 1/(c+k)^2``); else it is
    empty.

    Examples
    --------
    >>> one = np.array([1.0])
    >>> total, d_b, d_c, d_z, _ = series(one, 2 * one, np.array([0, 0]), np.array([0.5, 0.0]))
    >>> total.round(6).tolist()  # 2F1(1, 1; 2; z) = -log(1 - z) / z
    [1.386294, 1.0]
    """
    # The sums over terms: the value, its derivatives in b and c, and z times its derivative
    # in z; with ``second`` also bb, bc, cc, z*bz, z*cz and z^2*zz.
    sums = np.zeros((10 if second else 4, len(z)))
    rows = np.flatnonzero(z > 0)
    rows = rows[np.argsort(group[rows], kind="stable")]
    for lo in range(0, len(rows), CHUNK):
        chunk = rows[lo : lo + CHUNK]
        sums[:, chunk] = _sums(b, c, group[chunk], z[chunk], second=second)
    total, d_b, d_c = 1 + sums[0], sums[1], sums[2]
    flat = z == 0
    inv_z = 1 / np.where(flat, 1.0, z)
    bc = (b / c)[group]
    d_z = np.where(flat, bc, sums[3] * inv_z)
    d2 = np.zeros((6, len(z)) if second else (0, len(z)))
    if second:
        d2[:3] = sums[4:7]
        d2[3:5] = sums[7:9] * inv_z
        d2[5] = sums[9] * inv_z**2
        if flat.any():
            # At z = 0 only the first two terms, b/c z and b(b+1)/(c(c+1)) z^2, have a
            # z-derivative there.
            fb, fc = b[group[flat]], c[group[flat]]
            d2[3, flat], d2[4, flat] = 1 / fc, -fb / fc**2
            d2[5, flat] = 2 * fb * (fb + 1) / (fc * (fc + 1))
    return total, d_b, d_c, d_z, d2


def _sums(b: F, c: F, group: Index, z: F, *, second: bool) -> F:
    """``series``'s sums over the terms for rows with ``z > 0``, sorted by group.

    A row whose terms are still not negligible after ``MAX_TERMS`` (``z`` within about
    ``4e-5`` of 1) gets NaN: its sum is not known to double precision.
    """
    sums = np.zeros((10 if second else 4, len(z)))
    rows = np.arange(len(z))
    # Per group: P_n and the running sums of 1/(b+k), -1/(c+k) and their squares.
    running = np.zeros((5, len(b)))
    running[0] = 1.0
    log_z = np.log(z)
    term, zz = np.ones(len(z)), z
    first, size = 0, 0
    while len(rows) and first < MAX_TERMS:
        top = float(zz.max())
        if size == 0:
            size = (
                MAX_BLOCK if top >= 0.6 else max(4, math.ceil(math.log(EPS / 64) / math.log(top)))
            )
        kept = group[rows]
        bounds = [0, *(np.flatnonzero(kept[1:] != kept[:-1]) + 1).tolist(), len(rows)]
        active = kept[bounds[:-1]]
        coefficients, running[:, active] = _coefficients(
            b[active], c[active], first, size, running[:, active], second=second
        )
        # Each row's powers z^(first+1) .. z^(first+size), down the first axis.
        powers = np.exp(np.arange(first + 1, first + size + 1)[:, None] * log_z[rows])
        block = np.empty((len(sums), len(rows)))
        for g, (a, e) in enumerate(itertools.pairwise(bounds)):
            # A small product goes to BLAS, whose call costs least; a wide one to einsum,
            # which runs in this thread (BLAS threads stall when the machine is busy).
            multiply = np.matmul if e - a <= 4096 else _einsum_matmul
            multiply(coefficients[g], powers[:, a:e], out=block[:, a:e])
        if len(rows) == len(z):
            sums += block
        else:
            sums[:, rows] += block
        last = np.empty(len(b))
        last[active] = coefficients[:, 0, -1]
        term = last[kept] * powers[-1]
        first += size
        going = term * (first + 1) > EPS * (1 + sums[0, rows])
        if not going.all():
            rows, term, zz = rows[going], term[going], zz[going]
        # The rows left need many more terms (z near 1): longer blocks, each within
        # LONGEST_BLOCK numbers per sum.
        size = max(MAX_BLOCK, min(2 * size, LONGEST_BLOCK // max(1, len(rows))))
    # A row still going has a tail below term z / (1 - z) (each term at most z times the
    # one before): added if negligible, else the sum is unknown.
    tail = term * zz / (1 - zz)
    known = tail <= EPS * 64 * (1 + sums[0, rows])
    sums[0, rows[known]] += tail[known]
    sums[:, rows[~known]] = np.nan
    return sums


def _einsum_matmul(a: F, b: F, *, out: F) -> None:
    np.einsum("kn,ni->ki", a, b, out=out)


def _coefficients(b: F, c: F, first: int, size: int, running: F, *, second: bool) -> tuple[F, F]:
    """The coefficients of ``z^(first+1) .. z^(first+size)`` in each of ``series``'s sums.

    Returns them as a ``(groups, sums, size)`` array and the running products and sums after the
    block (``running``: ``P``, then the sums of ``1/(b+k)``, ``-1/(c+k)``, ``1/(b+k)^2``
    and ``1/(c+k)^2`` over the terms so far).
    """
    n = np.arange(first, first + size, dtype=np.float64)[:, None]
    inv_b, inv_c = 1 / (b + n), 1 / (c + n)
    p = running[0] * np.cumprod((b + n) * inv_c, axis=0)
    sum_b = running[1] + np.cumsum(inv_b, axis=0)
    sum_c = running[2] - np.cumsum(inv_c, axis=0)
    m = n + 1
    out = np.empty((10 if second else 4, size, len(b)))
    out[0], out[1], out[2], out[3] = p, p * sum_b, p * sum_c, p * m
    after = running.copy()
    after[0], after[1], after[2] = p[-1], sum_b[-1], sum_c[-1]
    if second:
        sq_b = running[3] + np.cumsum(inv_b**2, axis=0)
        sq_c = running[4] + np.cumsum(inv_c**2, axis=0)
        out[4] = p * (sum_b**2 - sq_b)
        out[5] = out[1] * sum_c
        out[6] = p * (sum_c**2 + sq_c)
        out[7] = out[1] * m
        out[8] = out[2] * m
        out[9] = out[3] * (m - 1)
        after[3], after[4] = sq_b[-1], sq_c[-1]
    return np.ascontiguousarray(out.transpose(2, 0, 1)), after
