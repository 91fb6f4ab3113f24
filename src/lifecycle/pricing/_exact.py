"""Exact price arithmetic shared by the two engines (private).

The single engine keeps a line amount as a :class:`~fractions.Fraction` of minor units and
rounds it with :meth:`RoundingPolicy.apply`; the batch engine keeps numerator and denominator
arrays of minor units and rounds them with :func:`~lifecycle.money.divide_minor`. Both
implement the same operations (scale by a fraction, add an amount, set an amount, round), so
the two engines agree to the minor unit.

``int64`` is the fast path. When a product could overflow it (deep ``per="total"`` policies
multiply denominators), the arrays become Python integers (``dtype=object``): still exact,
still without a Python loop over customers, only slower.

Examples
--------
>>> from fractions import Fraction
>>> round_fraction(Fraction(25, 2), "half_up"), round_fraction(Fraction(25, 2), "half_even")
(13, 12)
>>> round_div(np.array([25, 7]), np.array([2, 1]), "half_even").tolist()
[12, 7]
"""

from __future__ import annotations

import decimal
import functools
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import PricingError
from ..money import Currency, Money, RoundingMode, RoundingPolicy, divide_minor

__all__ = [
    "MAX_MINOR",
    "BatchLines",
    "OneLine",
    "fraction_money",
    "percent_factor",
    "round_div",
    "round_fraction",
]

#: Products above this bound leave int64 for Python integers.
_LIMIT = 2**62
#: Both engines refuse a rounded amount of this many minor units or more.
MAX_MINOR = 2**60
#: A currency with no minor digits: rounding minor units to whole minor units.
_UNIT = Currency("XTS", minor_units=0)
#: Digits shown past the minor unit for an amount that is not a finite decimal.
_SHOWN = 6


@functools.lru_cache(maxsize=1024)
def percent_factor(percent: Decimal, sign: int) -> Fraction:
    """``(100 - percent) / 100`` (``sign=-1``) or ``(100 + percent) / 100`` (``sign=1``).

    Examples
    --------
    >>> percent_factor(Decimal("12.5"), -1)
    Fraction(7, 8)
    """
    return (100 + sign * Fraction(percent)) / 100


def round_fraction(value: Fraction, mode: RoundingMode) -> int:
    """Round an exact number of minor units to a whole one with :meth:`RoundingPolicy.apply`.

    A value whose decimal expansion does not end (1/3) is written to enough digits that it
    lies strictly between the same two halfway points as the exact value, so every rounding
    mode decides as it would on the exact value.

    Examples
    --------
    >>> round_fraction(Fraction(5, 3), "down"), round_fraction(Fraction(-5, 2), "half_up")
    (1, -3)
    """
    n, d = value.numerator, value.denominator
    if d == 1:
        return _in_range(n)
    whole, rest = divmod(n, d)
    digits = len(str(d)) + 1  # 10**digits > 2 d: the truncation error stays below 1/(2 d)
    tail = rest * 10**digits // d
    with decimal.localcontext() as ctx:
        ctx.prec = len(str(abs(whole))) + digits + 10
        approx = Decimal(whole * 10**digits + tail).scaleb(-digits)
        return _in_range(int(RoundingPolicy(mode=mode).apply(approx, _UNIT)))


def _in_range(minor: int) -> int:
    if abs(minor) >= MAX_MINOR:
        msg = f"a price is too large: {minor} minor units (the limit is 2**60)"
        raise PricingError(msg)
    return minor


def fraction_money(value: Fraction, currency: Currency) -> Money:
    """An exact amount of minor units as :class:`Money` (exact when it is a finite decimal).

    Examples
    --------
    >>> fraction_money(Fraction(17501, 2), Currency("EUR"))
    Money('87.505', 'EUR')
    >>> fraction_money(Fraction(100, 3), Currency("EUR"))
    Money('0.33333333', 'EUR')
    """
    if value.denominator == 1:
        return Money.from_minor(value.numerator, currency)
    d = value.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    with decimal.localcontext() as ctx:
        ctx.prec = len(str(abs(value.numerator))) + 2 * max(twos, fives) + _SHOWN + 20
        if d == 1:
            k = max(twos, fives)
            scaled = value.numerator * 10**k // value.denominator
            amount = Decimal(scaled).scaleb(-k - currency.minor_units)
        else:
            amount = (Decimal(value.numerator) / Decimal(value.denominator)).scaleb(
                -currency.minor_units
            )
            amount = amount.quantize(Decimal(1).scaleb(-currency.minor_units - _SHOWN))
        return Money(amount, currency)


class OneLine:
    """The single engine's running line amount: an exact Fraction of minor units.

    With ``exact=False`` (rounding per line) every operation rounds its result at once.

    Examples
    --------
    >>> line = OneLine(20000, exact=False, mode="half_up")
    >>> line.add(-2500).scale(Fraction(1, 2)).value
    Fraction(8750, 1)
    """

    __slots__ = ("exact", "mode", "value")

    def __init__(self, value: int | Fraction, *, exact: bool, mode: RoundingMode) -> None:
        self.value = Fraction(value)
        self.exact = exact
        self.mode = mode

    def _settle(self, value: Fraction) -> OneLine:
        self.value = value if self.exact else Fraction(round_fraction(value, self.mode))
        return self

    def scale(self, factor: Fraction) -> OneLine:
        """Multiply by an exact factor."""
        return self._settle(self.value * factor)

    def add(self, minor: int) -> OneLine:
        """Add (or with a negative amount subtract) whole minor units, never below zero."""
        return self._settle(max(self.value + minor, Fraction(0)))

    def set(self, minor: int) -> OneLine:
        """Replace the amount."""
        return self._settle(Fraction(minor))

    def rounded(self) -> int:
        """The amount rounded to a whole minor unit."""
        return round_fraction(self.value, self.mode)


# ---------------------------------------------------------------------- batch arithmetic

Ints = NDArray[Any]


def _max_abs(values: Ints | int) -> int:
    if isinstance(values, int):
        return abs(values)
    if values.size == 0:
        return 0
    return max(int(values.max()), -int(values.min()))


def _is_object(values: Ints | int) -> bool:
    return not isinstance(values, int) and values.dtype == object


def _widen(values: Ints) -> Ints:
    return values if values.dtype == object else values.astype(object)


def mul(a: Ints, b: Ints | int) -> Ints:
    """Exact product: int64 when it fits, Python integers otherwise."""
    if not (_is_object(a) or _is_object(b)) and _max_abs(a) * _max_abs(b) < _LIMIT:
        return np.multiply(a, b, dtype=np.int64)
    other = b if isinstance(b, int) else _widen(b)
    product: Ints = _widen(a) * other
    return product


def add(a: Ints, b: Ints | int) -> Ints:
    """Exact sum: int64 when it fits, Python integers otherwise."""
    if not (_is_object(a) or _is_object(b)) and _max_abs(a) + _max_abs(b) < _LIMIT:
        return np.add(a, b, dtype=np.int64)
    other = b if isinstance(b, int) else _widen(b)
    total: Ints = _widen(a) + other
    return total


def _where(mask: NDArray[np.bool_], a: Ints | int, b: Ints) -> Ints:
    if _is_object(a) or _is_object(b):
        first = a if isinstance(a, int) else _widen(a)
        return np.where(mask, first, _widen(b))
    return np.where(mask, a, b).astype(np.int64, copy=False)


def round_div(num: Ints, den: Ints | int, mode: RoundingMode) -> NDArray[np.int64]:
    """``num / den`` rounded to whole minor units with :func:`divide_minor` (``den > 0``).

    Python-integer arrays are reduced first: ``num / den = q + r / den`` and the rounding
    only depends on ``q`` and on whether ``r / den`` is 0, below, at or above one half, so
    ``(4 q + bucket) / 4`` rounds the same way in every mode.

    Examples
    --------
    >>> big = np.array([10**30 + 5 * 10**11], dtype=object)
    >>> round_div(big, 10**12, "half_up").tolist(), round_div(big, 10**12, "floor").tolist()
    ([1000000000000000001], [1000000000000000000])
    """
    if not (_is_object(num) or _is_object(den)):
        if isinstance(den, int) and den == 1:
            out = np.asarray(num, dtype=np.int64)
        else:
            out = divide_minor(num, den, mode=mode)
    else:
        wide_den = den if isinstance(den, int) else _widen(den)
        q = _widen(num) // wide_den  # Python floor division: exact for any size
        r = _widen(num) - q * wide_den
        if _max_abs(q) >= MAX_MINOR:
            _in_range(int(q[np.argmax(np.abs(q))]))
        twice = 2 * r
        bucket = np.where(r == 0, 0, np.where(twice < den, 1, np.where(twice == den, 2, 3)))
        whole = q.astype(np.int64) * 4 + bucket.astype(np.int64)
        out = divide_minor(whole, 4, mode=mode)
    if _max_abs(out) >= MAX_MINOR:
        _in_range(int(out[np.argmax(np.abs(out))]))
    return out


class BatchLines:
    """The batch engine's running line amounts: numerator and denominator arrays.

    The same operations as :class:`OneLine`, each on the rows of a mask. The denominator
    stays the integer 1 until an exact (``per="total"``) operation needs more.

    Examples
    --------
    >>> lines = BatchLines(np.array([20000, 20000]), exact=True, mode="half_up")
    >>> every = np.array([True, True])
    >>> lines.add(every, -2500).scale(np.array([True, False]), 1, 2).rounded().tolist()
    [8750, 17500]
    """

    __slots__ = ("den", "exact", "mode", "num")

    def __init__(self, minor: NDArray[np.int64], *, exact: bool, mode: RoundingMode) -> None:
        self.num: Ints = np.array(minor, dtype=np.int64)
        self.den: Ints | int = 1
        self.exact = exact
        self.mode = mode

    def copy(self) -> BatchLines:
        """An independent copy."""
        out = BatchLines(np.zeros(0, dtype=np.int64), exact=self.exact, mode=self.mode)
        out.num = self.num.copy()
        out.den = self.den if isinstance(self.den, int) else self.den.copy()
        return out

    def scale(self, mask: NDArray[np.bool_], num: Ints | int, den: Ints | int) -> BatchLines:
        """Multiply the masked rows by ``num / den`` (positive denominators)."""
        if self.exact:
            self.num = _where(mask, mul(self.num, num), self.num)
            if isinstance(self.den, int):
                self.den = np.ones(len(self.num), dtype=np.int64)
            self.den = _where(mask, mul(self.den, den), self.den)
        elif mask.all():
            self.num = round_div(mul(self.num, num), den, self.mode)
        else:
            # Round only the rows that change: the others are whole minor units already.
            rows = np.flatnonzero(mask)
            part_num = num if isinstance(num, int) else num[rows]
            part_den = den if isinstance(den, int) else den[rows]
            changed = round_div(mul(self.num[rows], part_num), part_den, self.mode)
            self.num = self.num.copy()
            self.num[rows] = changed
        return self

    def add(self, mask: NDArray[np.bool_], minor: Ints | int) -> BatchLines:
        """Add whole minor units to the masked rows, never below zero."""
        step = minor if isinstance(self.den, int) else mul(self.den, minor)
        moved = add(self.num, step)
        kept = np.where(moved > 0, moved, 0) if _is_object(moved) else np.maximum(moved, 0)
        self.num = _where(mask, kept, self.num)
        return self

    def set(self, mask: NDArray[np.bool_], minor: Ints | int) -> BatchLines:
        """Replace the masked rows by whole minor units."""
        self.num = _where(mask, minor, self.num)
        if not isinstance(self.den, int):
            self.den = _where(mask, 1, self.den)
        return self

    def rounded(self) -> NDArray[np.int64]:
        """Every row rounded to a whole minor unit."""
        return round_div(self.num, self.den, self.mode)
