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

from ..table import import_optional

__all__ = ["FIT_TERMS", "MAX_TERMS", "series"]

F = NDArray[np.float64]
Index = NDArray[np.int64]

#: The most terms summed for a row (enough for ``z`` up to about ``1 - 4e-5``).
MAX_TERMS = 2**20
#: The most terms a fit sums for a row (``z`` up to about ``1 - 2.4e-3``, alpha and beta
#: some 400 times apart): beyond, the likelihood is not evaluated (NaN) and the optimiser
#: steps back, rather than spend seconds an evaluation on a ridge far from any optimum
#: (dropout rate 0 with ``beta`` in the millions, say).
FIT_TERMS = 2**14

#: The terms of the first block (enough for ``z`` up to about 0.2, where a fit on CDNOW
#: ends); each later block, for the rows still going, is twice as long, up to
#: ``LONGEST_BLOCK``. One schedule for every row, whatever rows are summed with it.
FIRST_BLOCK = 24
LONGEST_BLOCK = 4_096
#: The most numbers (terms x rows) in one array of powers: a long block takes fewer rows at
#: a time.
BLOCK_NUMBERS = 2**18
#: Rows summed at once.
CHUNK = 32_768
#: A term this small against the sum (below the resolution of a double) ends a row's series.
EPS = 1e-17


def series(
    b: F,
    c: F,
    group: Index,
    z: F,
    *,
    second: bool = False,
    max_terms: int = MAX_TERMS,
    alike: bool = True,
) -> tuple[F, F, F, F, F]:
    """``2F1(1, b; c; z)`` for ``0 <= z < 1``, ``b < c``, and its derivatives in b, c and z.

    ``b`` and ``c`` are given per group of rows (``group`` holds each row's group), ``z``
    per row. Summed term by term (every term positive, each at most ``z`` times the one
    before), so it neither overflows nor cancels; the derivatives come from the same terms:
    ``d log term_n / db = sum_{k<n} 1/(b+k)`` and ``d/dc = -sum_{k<n} 1/(c+k)``. Term ``n``
    is ``P_n z^n`` with ``P_n = prod_{k<n} (b+k)/(c+k)``, so every sum is a polynomial in
    ``z`` whose coefficients belong to the group: they are made once per group, and each
    group's rows are summed with one product of its coefficients and their powers of ``z``.
    The terms come a block at a time (``FIRST_BLOCK`` terms, then twice as many each
    time); rows leave as their terms become negligible. A row whose sum is not known to
    double precision after ``max_terms`` terms (``MAX_TERMS``: ``z`` within about 4e-5 of
    1, far from any optimum) gets NaN everywhere: the callers raise, or step back (a fit,
    which sums at most ``FIT_TERMS``). ``alike`` (the default) makes each row's sums the
    same bit for bit whatever rows are summed with it, as the engines' equivalence needs; a
    fit, which only ever sums the same rows, turns it off for BLAS's faster product. With
    ``second``, the fifth array holds the second derivatives ``(bb, bc, cc, bz, cz, zz)``
    (``6 x n``; from the same terms:
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
    doomed = _doomed(b, c, group[rows], z[rows], max_terms)
    sums[:, rows[doomed]] = np.nan
    rows = rows[~doomed]
    rows = rows[np.argsort(group[rows], kind="stable")]
    for lo in range(0, len(rows), CHUNK):
        chunk = rows[lo : lo + CHUNK]
        sums[:, chunk] = _sums(
            b, c, group[chunk], z[chunk], second=second, max_terms=max_terms, alike=alike
        )
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


def _doomed(b: F, c: F, group: Index, z: F, max_terms: int) -> NDArray[np.bool_]:
    """The rows whose sum cannot be known within ``max_terms`` terms, found before summing.

    Term ``N`` is ``P_N z^N`` with ``log P_N = lgamma(b+N) - lgamma(b) - lgamma(c+N) +
    lgamma(c)``; the tail after it is at least ``term_N z`` and the sum at most
    ``1/(1-z)``, so when ``term_N z > 64 EPS`` the tail test at the end must fail: such a
    row (``z`` near 1, and few enough purchases that the terms fall slowly) is NaN at once
    instead of after ``max_terms`` terms of work.
    """
    if not (z > 1 - 50 / max_terms).any():
        return np.zeros(len(z), dtype=bool)
    lgamma = import_optional("scipy.special", "models").gammaln
    log_p = lgamma(b + max_terms) - lgamma(b) - lgamma(c + max_terms) + lgamma(c)
    with np.errstate(divide="ignore"):
        log_term = log_p[group] + (max_terms + 1) * np.log(z)
    doomed: NDArray[np.bool_] = log_term > math.log(64 * EPS)
    return doomed


def _sums(b: F, c: F, group: Index, z: F, *, second: bool, max_terms: int, alike: bool) -> F:
    """``series``'s sums over the terms for rows with ``z > 0``, sorted by group.

    A row whose terms are still not negligible after ``max_terms`` gets NaN: its sum is not
    known to double precision. With ``alike``, every row's arithmetic is the same whatever
    rows are summed with it (the blocks follow one schedule, and einsum sums each row
    alike), so one customer's answer is bit for bit the batch's.
    """
    sums = np.zeros((10 if second else 4, len(z)))
    rows = np.arange(len(z))
    # Per group: P_n and the running sums of 1/(b+k), -1/(c+k) and their squares.
    running = np.zeros((5, len(b)))
    running[0] = 1.0
    power = np.ones(len(z))  # z^first
    term, zz = power, z
    first, size = 0, FIRST_BLOCK
    while len(rows) and first < max_terms:
        size = min(size, max_terms - first)
        kept = group[rows]
        bounds = [0, *(np.flatnonzero(kept[1:] != kept[:-1]) + 1).tolist(), len(rows)]
        active = kept[bounds[:-1]]
        coefficients, running[:, active] = _coefficients(
            b[active], c[active], first, size, running[:, active], second=second
        )
        block = np.empty((len(sums), len(rows)))
        ends = np.empty(len(rows))
        width = max(1, BLOCK_NUMBERS // size)
        for lo in range(0, len(rows), width):
            hi = min(lo + width, len(rows))
            # Each row's powers z^(first+1) .. z^(first+size), down the first axis: a
            # product a term, as the series runs (for a short block a row at a time is ten
            # times faster than np.exp or np.cumprod down the axis; one rounding a term).
            powers = np.empty((size, hi - lo))
            np.multiply(power[lo:hi], zz[lo:hi], out=powers[0])
            if size <= FIRST_BLOCK * 4:
                for n in range(1, size):
                    np.multiply(powers[n - 1], zz[lo:hi], out=powers[n])
            else:
                # The same products, a long block in one call.
                powers[1:] = zz[lo:hi]
                np.multiply.accumulate(powers, axis=0, out=powers)
            ends[lo:hi] = powers[-1]
            if alike:
                # A row's powers contiguous, so that einsum sums every row alike, alone or
                # beside others (matmul, and einsum over a column, do not).
                by_row = np.ascontiguousarray(powers.T)
            for g, (a, e) in enumerate(itertools.pairwise(bounds)):
                a, e = max(a, lo), min(e, hi)
                if a >= e:
                    continue
                if alike:
                    block[:, a:e] = np.einsum("kn,in->ki", coefficients[g], by_row[a - lo : e - lo])
                else:
                    # BLAS's product costs least (a fit: the same rows every call).
                    np.matmul(coefficients[g], powers[:, a - lo : e - lo], out=block[:, a:e])
        if len(rows) == len(z):
            sums += block
        else:
            sums[:, rows] += block
        last = np.empty(len(b))
        last[active] = coefficients[:, 0, -1]
        power = ends
        term = last[kept] * power
        first += size
        going = term * (first + 1) > EPS * (1 + sums[0, rows])
        if not going.all():
            rows, term, zz, power = rows[going], term[going], zz[going], power[going]
        # The rows left need more terms (z nearer 1): longer blocks.
        size = min(2 * size, LONGEST_BLOCK)
    # A row still going has a tail below term z / (1 - z) (each term at most z times the
    # one before): added if negligible, else the sum is unknown.
    tail = term * zz / (1 - zz)
    known = tail <= EPS * 64 * (1 + sums[0, rows])
    sums[0, rows[known]] += tail[known]
    sums[:, rows[~known]] = np.nan
    return sums


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
