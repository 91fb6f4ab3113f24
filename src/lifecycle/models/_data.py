"""Checking and compressing the (frequency, recency, T) input of the transaction models.

Every model question and every fit goes through :func:`rfm_arrays`, which accepts an
``rfm_summary`` table or plain arrays, refuses bad values naming the first bad customer, and
never casts lossy input. :func:`compress` merges customers with equal (frequency, recency,
T) into one weighted row, so a likelihood is evaluated once per distinct history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array, as_int_array
from ..errors import ValidationError

__all__ = [
    "MAX_HORIZON_YEARS",
    "UNIT_DAYS",
    "Compressed",
    "check_rows",
    "compress",
    "counts_and_times",
    "distinct_rows",
    "horizon",
    "longest_horizon",
    "rfm_arrays",
    "weights_array",
]

#: Days in each time unit a model can be fitted in; "M" is a mean Gregorian month.
UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Y": 365.25}


def check_rows(
    name: str,
    bad: NDArray[np.bool_],
    rule: str,
    shown: NDArray[Any],
    customers: NDArray[Any] | None,
) -> None:
    """Raise a ValidationError naming the first customer for whom ``bad`` holds.

    Examples
    --------
    >>> check_rows("recency", np.array([False, True]), "<= 'T'", np.array(["1.0", "5.0 > 3.0"]),
    ...            np.array(["ann", "bob"]))
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'recency' must be <= 'T' (1 violation, first at customer 'bob' (index 1): 5.0 > 3.0)
    """
    if not bad.any():
        return
    where = np.flatnonzero(bad)
    i = int(where[0])
    who = f"index {i}" if customers is None else f"customer {_plain(customers[i])!r} (index {i})"
    many = "s" if where.size > 1 else ""
    msg = f"{name!r} must be {rule} ({where.size} violation{many}, first at {who}: {shown[i]})"
    raise ValidationError(msg)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _column(name: str, data: Mapping[str, Any] | None, given: ArrayLike | None) -> ArrayLike | None:
    if given is not None:
        if data is not None:
            msg = f"give {name!r} either in 'data' or as an argument, not both"
            raise ValidationError(msg)
        return given
    if data is None:
        return None
    if name not in data:
        msg = f"'data' has no column {name!r} (columns: {', '.join(data)})"
        raise ValidationError(msg)
    value: ArrayLike = data[name]
    return value


def _numbers(
    name: str, values: ArrayLike | None, customers: NDArray[Any] | None
) -> NDArray[np.float64]:
    if values is None:
        msg = f"{name!r} is required (give an rfm_summary table as 'data' or {name}=...)"
        raise ValidationError(msg)
    arr = as_float_array(name, values, allow_nan=True, allow_empty=False)
    check_rows(name, np.isnan(arr), "a number", arr, customers)
    check_rows(name, arr < 0, ">= 0", arr, customers)
    return arr


def rfm_arrays(
    data: Mapping[str, Any] | None,
    *,
    frequency: ArrayLike | None,
    recency: ArrayLike | None,
    T: ArrayLike | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[Any] | None]:
    """Validated ``frequency``, ``recency``, ``T`` as float64 arrays, and the customer ids.

    Rules, each reported at the first customer that breaks it: numbers, not NaN, not
    negative, frequency whole, recency <= T, recency > 0 when frequency > 0 (a repeat
    purchase takes time), recency 0 when frequency is 0, T > 0.

    Examples
    --------
    >>> x, tx, T, ids = rfm_arrays(None, frequency=[0, 2], recency=[0, 3.5], T=[4, 5])
    >>> x.tolist(), ids is None
    ([0.0, 2.0], True)
    >>> rfm_arrays(None, frequency=[1, 2], recency=[0, 1], T=[4, 5])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'recency' must be > 0 when 'frequency' > 0 (1 violation, first at index 0: frequency 1.0, recency 0.0)
    """
    customers = None if data is None or "customer" not in data else np.asarray(data["customer"])
    x = _numbers("frequency", _column("frequency", data, frequency), customers)
    tx = _numbers("recency", _column("recency", data, recency), customers)
    t = _numbers("T", _column("T", data, T), customers)
    lengths = {"frequency": len(x), "recency": len(tx), "T": len(t)}
    if customers is not None:
        lengths["customer"] = len(customers)
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k}={v}" for k, v in lengths.items())
        msg = f"arrays must have equal lengths (got {shown})"
        raise ValidationError(msg)
    check_rows("frequency", x != np.floor(x), "a whole number", x, customers)
    late = tx > t
    if late.any():
        i = int(np.argmax(late))
        check_rows("recency", late, "<= 'T'", _shown(i, f"{tx[i]} > {t[i]}"), customers)
    check_rows("T", t <= 0, "> 0", t, customers)
    for bad, rule in (
        ((x > 0) & (tx == 0), "> 0 when 'frequency' > 0"),
        ((x == 0) & (tx > 0), "0 when 'frequency' is 0"),
    ):
        if bad.any():
            i = int(np.argmax(bad))
            both = _shown(i, f"frequency {x[i]}, recency {tx[i]}")
            check_rows("recency", bad, rule, both, customers)
    return x, tx, t, customers


def _shown(index: int, text: str) -> NDArray[Any]:
    """An array that shows ``text`` at ``index`` (what check_rows prints for the first row)."""
    out = np.empty(index + 1, dtype=object)
    out[index] = text
    return out


def weights_array(weights: ArrayLike | None, n: int) -> NDArray[np.float64]:
    """Validated weights of length ``n``: how many customers each row stands for.

    Whole numbers >= 0, not all 0; ones when None.

    Examples
    --------
    >>> weights_array(None, 2).tolist()
    [1.0, 1.0]
    >>> weights_array([1, 2, 3], 2)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'weights' must have one value per customer (got 3 for 2 customers)
    """
    if weights is None:
        return np.ones(n)
    w = as_int_array("weights", weights, low=0).astype(np.float64)
    if len(w) != n:
        msg = f"'weights' must have one value per customer (got {len(w)} for {n} customers)"
        raise ValidationError(msg)
    if not w.sum() > 0:
        msg = "'weights' must not all be 0"
        raise ValidationError(msg)
    return w


@attrs.frozen
class Compressed:
    """Distinct (frequency, recency, T) rows with the total weight of their customers."""

    x: NDArray[np.float64] = attrs.field(repr=False)
    tx: NDArray[np.float64] = attrs.field(repr=False)
    T: NDArray[np.float64] = attrs.field(repr=False)
    weight: NDArray[np.float64] = attrs.field(repr=False)
    n_customers: int


def _codes(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The distinct values (sorted) and each value's index among them.

    Whole numbers >= 0 of modest size (days, counts) are coded by marking them in a table,
    with no sort; anything else goes through ``np.unique``.
    """
    with np.errstate(invalid="ignore"):
        whole = values.astype(np.int64)
    if len(values) and (whole == values).all() and whole.min() >= 0:
        top = int(whole.max())
        if top <= 4 * len(values) + 1024:
            present = np.zeros(top + 1, dtype=bool)
            present[whole] = True
            rank = np.cumsum(present) - 1
            return np.flatnonzero(present).astype(np.float64), rank[whole]
    unique, inverse = np.unique(values, return_inverse=True)
    return unique, inverse.astype(np.int64).ravel()


def _keys(
    x: NDArray[np.float64], tx: NDArray[np.float64], t: NDArray[np.float64]
) -> tuple[NDArray[np.int64], tuple[NDArray[np.float64], ...], tuple[int, int]]:
    """One int64 key per row that is equal exactly when the rows are, and how to decode it.

    Returns the keys, the distinct values of each column, and the radices of the last two
    columns. The product of the distinct counts is at most n**3, which fits int64 for any
    input that fits in memory (n < 2 million); beyond that the rows are ranked by a sort.
    """
    ux, ix = _codes(x)
    utx, itx = _codes(tx)
    ut, it = _codes(t)
    if len(ux) * len(utx) * len(ut) < 2**62:
        return (ix * len(utx) + itx) * len(ut) + it, (ux, utx, ut), (len(utx), len(ut))
    rows, inverse = np.unique(np.stack([ix, itx, it], axis=1), axis=0, return_inverse=True)
    rank = inverse.astype(np.int64).ravel()
    return rank, (ux[rows[:, 0]], utx[rows[:, 1]], ut[rows[:, 2]]), (0, 0)


def _decode(
    keys: NDArray[np.int64], values: tuple[NDArray[np.float64], ...], radix: tuple[int, int]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    if radix == (0, 0):  # keys are ranks into rows that are already distinct
        return values[0][keys], values[1][keys], values[2][keys]
    kx, rest = np.divmod(keys, radix[0] * radix[1])
    ktx, kt = np.divmod(rest, radix[1])
    return values[0][kx], values[1][ktx], values[2][kt]


def distinct_rows(
    x: NDArray[np.float64], tx: NDArray[np.float64], t: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """The distinct (frequency, recency, T) rows and, per customer, the index of theirs.

    A question asked of many customers is answered once per distinct history and spread
    back with the index.

    Examples
    --------
    >>> ux, utx, ut, row = distinct_rows(np.array([1.0, 0, 1]), np.array([2.0, 0, 2]),
    ...                                  np.array([5.0, 5, 5]))
    >>> ux.tolist(), row.tolist()
    ([0.0, 1.0], [1, 0, 1])
    """
    key, values, radix = _keys(x, tx, t)
    keys, inverse = np.unique(key, return_inverse=True)
    ux, utx, ut = _decode(keys, values, radix)
    return ux, utx, ut, inverse.astype(np.int64).ravel()


def compress(
    x: NDArray[np.float64],
    tx: NDArray[np.float64],
    t: NDArray[np.float64],
    weights: NDArray[np.float64],
) -> Compressed:
    """Merge customers with equal (frequency, recency, T) into one row carrying their weight.

    Examples
    --------
    >>> c = compress(np.array([0.0, 0, 1]), np.array([0.0, 0, 2]), np.array([5.0, 5, 5]),
    ...              np.ones(3))
    >>> c.x.tolist(), c.weight.tolist(), c.n_customers
    ([0.0, 1.0], [2.0, 1.0], 3)
    """
    key, values, radix = _keys(x, tx, t)
    if (weights == 1).all():
        # Counting needs only a sort of the keys, not the inverse (half the time).
        keys, counts = np.unique(key, return_counts=True)
        weight: NDArray[np.float64] = counts.astype(np.float64)
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        weight = np.bincount(inverse.ravel(), weights=weights, minlength=len(keys)).astype(
            np.float64
        )
    keep = weight > 0
    ux, utx, ut = _decode(keys[keep], values, radix)
    return Compressed(
        x=ux,
        tx=utx,
        T=ut,
        weight=weight[keep],
        n_customers=round(float(weights.sum())),
    )


def counts_and_times(
    n: ArrayLike, t: ArrayLike, unit: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``n`` (whole numbers >= 0) and ``t`` (a :func:`horizon` in ``unit``) broadcast together.

    The arguments of every ``probability_of_purchases``: any shapes that broadcast.

    Examples
    --------
    >>> nn, tt = counts_and_times([[0], [1]], [5.0, 10.0], "W")
    >>> nn.shape, tt.tolist()
    ((2, 2), [[5.0, 10.0], [5.0, 10.0]])
    """
    nn = as_int_array("n", np.atleast_1d(np.asarray(n)), ndim=None, low=0).astype(np.float64)
    tt = horizon(np.atleast_1d(np.asarray(t)), unit)
    try:
        out_n, out_t = np.broadcast_arrays(nn, tt)
    except ValueError:
        msg = (
            f"'n' (shape {nn.shape}) and 't' (shape {tt.shape}) must broadcast against each "
            "other (equal lengths, or one of them a single value)"
        )
        raise ValidationError(msg) from None
    return out_n, out_t


#: The longest prediction horizon, in years. Far beyond any customer base's, and short
#: enough that the hypergeometric functions of BG/NBD and MBG/NBD keep their digits: their
#: relative error grows as about ``1e-17 t / alpha`` (1e-12 at 10,000 years for CDNOW's
#: alpha, checked against 50-digit arithmetic).
MAX_HORIZON_YEARS = 10_000


def longest_horizon(unit: str) -> float:
    """``MAX_HORIZON_YEARS`` in ``unit``.

    Examples
    --------
    >>> longest_horizon("D")
    3652500.0
    """
    return MAX_HORIZON_YEARS * UNIT_DAYS["Y"] / UNIT_DAYS[unit]


def horizon(t: ArrayLike, unit: str) -> NDArray[np.float64]:
    """The prediction horizon ``t`` in ``unit``: a number >= 0, or an array of them.

    At most ``MAX_HORIZON_YEARS``; a longer one raises rather than return digits that are
    no longer right.

    Examples
    --------
    >>> horizon([0, 52], "W").tolist()
    [0.0, 52.0]
    >>> horizon(1e19, "W")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 't' must be at most 10,000 years, 521785.7143 in unit 'W' (got 1e+19)
    """
    longest = longest_horizon(unit)
    out = as_float_array("t", t, ndim=None, low=0.0)
    if (out > longest).any():
        shown = out.ravel()[int(np.argmax(out.ravel() > longest))]
        msg = (
            f"'t' must be at most {MAX_HORIZON_YEARS:,} years, {longest:.10g} in unit "
            f"{unit!r} (got {shown:g})"
        )
        raise ValidationError(msg)
    return out
