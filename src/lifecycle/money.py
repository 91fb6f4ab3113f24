"""Money: exact amounts in one currency, explicit rounding, lossless splitting.

The single-customer engine keeps money as :class:`Money`, a :class:`~decimal.Decimal` amount
with a :class:`Currency`. The batch engine keeps money as ``int64`` minor units (cents for
EUR, yen for JPY, fils for KWD) with one currency per column; :func:`divide_minor` is its
rounding division. Neither ever touches a binary float.

Examples
--------
>>> from lifecycle import Money, RoundingPolicy
>>> price = Money("19.99", "EUR")
>>> price * 3
Money('59.97', 'EUR')
>>> (price * 3 / 7).round(RoundingPolicy(mode="half_even"))
Money('8.57', 'EUR')
>>> [str(part) for part in Money("100", "EUR").allocate([1, 1, 1])]
['33.34 EUR', '33.33 EUR', '33.33 EUR']
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._schema import check_keys, check_schema
from ._validation import one_of
from .errors import CurrencyMismatchError, ValidationError

__all__ = [
    "CURRENCIES",
    "Currency",
    "Money",
    "RoundingMode",
    "RoundingPolicy",
    "divide_minor",
]

#: ISO 4217 code -> number of minor-unit digits.
CURRENCIES: dict[str, int] = {
    "AUD": 2,
    "BHD": 3,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CNY": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HUF": 2,
    "INR": 2,
    "IRR": 2,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "MXN": 2,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PLN": 2,
    "SEK": 2,
    "TND": 3,
    "USD": 2,
}

RoundingMode: TypeAlias = Literal[
    "half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"
]
_DECIMAL_MODES: dict[str, str] = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "half_down": decimal.ROUND_HALF_DOWN,
    "up": decimal.ROUND_UP,
    "down": decimal.ROUND_DOWN,
    "ceiling": decimal.ROUND_CEILING,
    "floor": decimal.ROUND_FLOOR,
}


def _lookup_minor_units(currency: Currency) -> int:
    _check_code(currency, None, currency.code)
    try:
        return CURRENCIES[currency.code]
    except KeyError:
        msg = (
            f"'currency' must be a known ISO 4217 code (got {currency.code!r}); known: "
            f"{', '.join(sorted(CURRENCIES))}; pass minor_units= for another currency"
        )
        raise ValidationError(msg) from None


def _check_code(_: object, __: object, code: str) -> None:
    if not isinstance(code, str) or len(code) != 3 or not code.isalpha() or not code.isupper():
        msg = f"'currency' must be a three-letter upper-case ISO 4217 code (got {code!r})"
        raise ValidationError(msg)


def _check_minor_units(_: object, __: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        msg = f"'minor_units' must be an int from 0 to 6 (got {value!r})"
        raise ValidationError(msg)


@attrs.frozen
class Currency:
    """An ISO 4217 currency and the number of digits of its minor unit.

    Parameters
    ----------
    code : str
        Three-letter code such as ``"EUR"``. Known codes (:data:`CURRENCIES`) find their
        minor units themselves; an unknown code raises unless ``minor_units`` is given.
    minor_units : int, optional
        Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD.

    Examples
    --------
    >>> Currency("JPY").minor_units
    0
    >>> Currency("KWD")
    Currency(code='KWD', minor_units=3)
    >>> Currency("XTS", minor_units=2).code
    'XTS'
    """

    code: str = attrs.field(validator=_check_code)
    minor_units: int = attrs.field(
        default=attrs.Factory(_lookup_minor_units, takes_self=True),
        validator=_check_minor_units,
    )

    @property
    def quantum(self) -> Decimal:
        """The smallest amount, as a Decimal exponent (``Decimal('0.01')`` for EUR).

        Examples
        --------
        >>> Currency("KWD").quantum
        Decimal('0.001')
        """
        return Decimal(1).scaleb(-self.minor_units)

    @property
    def factor(self) -> int:
        """Minor units per major unit (100 for EUR, 1 for JPY).

        Examples
        --------
        >>> Currency("EUR").factor
        100
        """
        return int(10**self.minor_units)

    def __str__(self) -> str:
        return self.code


def as_currency(value: Currency | str) -> Currency:
    """Return ``value`` as a :class:`Currency` (a code string is looked up).

    Examples
    --------
    >>> as_currency("eur")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'currency' must be a three-letter upper-case ISO 4217 code (got 'eur')
    """
    if isinstance(value, Currency):
        return value
    if isinstance(value, str):
        return Currency(value)
    msg = f"'currency' must be a Currency or an ISO 4217 code string (got {value!r})"
    raise ValidationError(msg)


def to_decimal(value: object, name: str = "amount") -> Decimal:
    """Convert ``str``, ``int`` or ``Decimal`` to a finite Decimal; refuse floats.

    Examples
    --------
    >>> to_decimal("12.50")
    Decimal('12.50')
    >>> to_decimal(12.5)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'amount' must be a str, int or Decimal, not a float (got 12.5): pass a string such as '12.5' so no binary rounding creeps in
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (bool, np.bool_)):
        msg = f"{name!r} must be a str, int or Decimal (got {value!r})"
        raise ValidationError(msg)
    elif isinstance(value, (int, np.integer)):
        result = Decimal(int(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            msg = f"{name!r} must be a decimal number (got {value!r})"
            raise ValidationError(msg) from None
    elif isinstance(value, (float, np.floating)):
        msg = (
            f"{name!r} must be a str, int or Decimal, not a float (got {value!r}): "
            f"pass a string such as '{value}' so no binary rounding creeps in"
        )
        raise ValidationError(msg)
    else:
        msg = f"{name!r} must be a str, int or Decimal (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)
    if not result.is_finite():
        msg = f"{name!r} must be finite (got {value!r})"
        raise ValidationError(msg)
    return result


@attrs.frozen
class RoundingPolicy:
    """How amounts are rounded to a currency's minor unit.

    Parameters
    ----------
    mode : {"half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"}
        ``"up"`` rounds away from zero, ``"down"`` towards zero; ``"ceiling"`` and
        ``"floor"`` towards positive and negative infinity. Default ``"half_up"``, the
        usual rule for prices; ``"half_even"`` (banker's rounding) is the usual rule for
        accounting totals.
    per : {"line", "total"}
        Round each line (unit price times quantity) or only the total. Consumers such as
        the pricing policy read it; :meth:`apply` rounds whatever it is given.

    Examples
    --------
    >>> from decimal import Decimal
    >>> RoundingPolicy().apply(Decimal("2.675"), Currency("EUR"))
    Decimal('2.68')
    >>> RoundingPolicy(mode="half_even").apply(Decimal("2.665"), Currency("EUR"))
    Decimal('2.66')
    >>> RoundingPolicy(mode="up").apply(Decimal("101.2"), Currency("JPY"))
    Decimal('102')
    """

    mode: RoundingMode = attrs.field(default="half_up", validator=one_of(*_DECIMAL_MODES))
    per: Literal["line", "total"] = attrs.field(default="line", validator=one_of("line", "total"))

    def apply(self, amount: Decimal, currency: Currency) -> Decimal:
        """Round ``amount`` to the minor unit of ``currency``.

        Examples
        --------
        >>> RoundingPolicy(mode="down").apply(Decimal("2.349"), Currency("EUR"))
        Decimal('2.34')
        >>> RoundingPolicy().apply(Decimal("2.5"), Currency("JPY"))
        Decimal('3')
        """
        return amount.quantize(currency.quantum, rounding=_DECIMAL_MODES[self.mode])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> RoundingPolicy.from_dict(RoundingPolicy(mode="down").to_dict())
        RoundingPolicy(mode='down', per='line')
        """
        return {"schema": "lifecycle.rounding/1", "mode": self.mode, "per": self.per}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoundingPolicy:
        """Build a policy from :meth:`to_dict` output.

        Examples
        --------
        >>> RoundingPolicy.from_dict({"schema": "lifecycle.rounding/1", "per": "total"})
        RoundingPolicy(mode='half_up', per='total')
        """
        check_schema(data, "lifecycle.rounding/1", {"mode", "per"})
        return cls(mode=data.get("mode", "half_up"), per=data.get("per", "line"))


def _convert_amount(value: object) -> Decimal:
    return to_decimal(value)


def _same_currency(op: str, a: Money, b: Money) -> None:
    if a.currency != b.currency:
        msg = f"cannot {op} {a.currency.code} and {b.currency.code} amounts: convert one first"
        raise CurrencyMismatchError(msg)


def _factor(value: object, op: str) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, (float, np.floating)):
        msg = (
            f"cannot {op} money by a float ({value!r}): pass an int, Decimal or Fraction, "
            f"for example Decimal('{value}')"
        )
        raise ValidationError(msg)
    return to_decimal(value, "factor")


@attrs.frozen(order=False)
class Money:
    """An exact amount of one currency.

    Parameters
    ----------
    amount : str, int or Decimal
        Kept exactly as a :class:`~decimal.Decimal`. A ``float`` raises: write ``"0.10"``,
        not ``0.1``. More digits than the currency's minor unit are kept (an intermediate
        unit price) until :meth:`round` is called.
    currency : Currency or str
        The currency, or its ISO 4217 code.

    Notes
    -----
    Arithmetic: ``+`` and ``-`` need the same currency (else
    :class:`~lifecycle.errors.CurrencyMismatchError`); ``*`` and ``/`` take an ``int``,
    ``Decimal`` or ``Fraction``; ``Money / Money`` of one currency gives their ratio as a
    Decimal. ``sum()`` works because ``0 + money`` is ``money``. Comparisons need the same
    currency. Division is exact to 28 significant digits; round with :meth:`round`.

    Examples
    --------
    >>> a = Money("10.00", "EUR")
    >>> a + Money("2.5", "EUR")
    Money('12.50', 'EUR')
    >>> a / 3
    Money('3.333333333333333333333333333', 'EUR')
    >>> (a / 3).round()
    Money('3.33', 'EUR')
    >>> sum([a, a]), a > Money("9.99", "EUR")
    (Money('20.00', 'EUR'), True)
    """

    amount: Decimal = attrs.field(converter=_convert_amount)
    currency: Currency = attrs.field(converter=as_currency)

    @classmethod
    def zero(cls, currency: Currency | str) -> Money:
        """Zero in ``currency``, written with its minor digits.

        Examples
        --------
        >>> Money.zero("KWD")
        Money('0.000', 'KWD')
        """
        cur = as_currency(currency)
        return cls(Decimal(0).quantize(cur.quantum), cur)

    @classmethod
    def from_minor(cls, minor: int, currency: Currency | str) -> Money:
        """Build from an integer count of minor units.

        Examples
        --------
        >>> Money.from_minor(1999, "EUR")
        Money('19.99', 'EUR')
        >>> Money.from_minor(500, "JPY")
        Money('500', 'JPY')
        """
        if type(minor) is not int:  # a plain int, the common case, needs no more checks
            if isinstance(minor, (bool, np.bool_)) or not isinstance(minor, (int, np.integer)):
                msg = f"'minor' must be an int count of minor units (got {minor!r})"
                raise ValidationError(msg)
            minor = int(minor)
        cur = currency if type(currency) is Currency else as_currency(currency)
        # Built without the converters: an int scaled by the currency's exponent is an exact,
        # finite Decimal already, and profiles build several per customer.
        money = object.__new__(cls)
        object.__setattr__(money, "amount", Decimal(minor).scaleb(-cur.minor_units))
        object.__setattr__(money, "currency", cur)
        return money

    def to_minor(self, rounding: RoundingPolicy | None = None) -> int:
        """The amount as an integer count of minor units.

        Raises :class:`~lifecycle.errors.ValidationError` when the amount has more digits
        than the currency allows, unless a ``rounding`` policy says how to round.

        Examples
        --------
        >>> Money("19.99", "EUR").to_minor()
        1999
        >>> Money("0.005", "EUR").to_minor(RoundingPolicy(mode="half_up"))
        1
        """
        amount = self.amount if rounding is None else rounding.apply(self.amount, self.currency)
        minor = amount.scaleb(self.currency.minor_units)
        if minor != minor.to_integral_value():
            msg = (
                f"{self} has more digits than {self.currency.code} allows "
                f"({self.currency.minor_units}): round it first or pass rounding="
            )
            raise ValidationError(msg)
        return int(minor)

    def round(self, policy: RoundingPolicy | None = None) -> Money:
        """Round to the currency's minor unit (half-up unless ``policy`` says otherwise).

        Examples
        --------
        >>> Money("2.345", "EUR").round()
        Money('2.35', 'EUR')
        >>> Money("2.345", "EUR").round(RoundingPolicy(mode="half_even"))
        Money('2.34', 'EUR')
        """
        policy = policy or RoundingPolicy()
        return Money(policy.apply(self.amount, self.currency), self.currency)

    def allocate(self, ratios: Sequence[int | Decimal | str]) -> tuple[Money, ...]:
        """Split into parts proportional to ``ratios`` that sum exactly to the whole.

        Each part is rounded down to the minor unit; the leftover minor units go one each
        to the parts with the largest remainders (ties: the earlier part).

        Examples
        --------
        >>> [p.amount for p in Money("100", "EUR").allocate([1, 1, 1])]
        [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
        >>> [p.amount for p in Money("0.05", "EUR").allocate([3, 7])]
        [Decimal('0.02'), Decimal('0.03')]
        """
        weights = [to_decimal(r, "ratios") for r in ratios]
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            msg = f"'ratios' must be non-negative with a positive sum (got {list(ratios)!r})"
            raise ValidationError(msg)
        total = self.to_minor()
        whole = sum(weights)
        exact = [Fraction(total) * Fraction(w) / Fraction(whole) for w in weights]
        parts = [int(e // 1) for e in exact]
        leftover = total - sum(parts)
        order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in order[:leftover]:
            parts[i] += 1
        return tuple(Money.from_minor(p, self.currency) for p in parts)

    def is_zero(self) -> bool:
        """Whether the amount is zero.

        Examples
        --------
        >>> Money("0.00", "EUR").is_zero()
        True
        """
        return self.amount == 0

    def __add__(self, other: object) -> Money:
        if isinstance(other, Money):
            _same_currency("add", self, other)
            return Money(self.amount + other.amount, self.currency)
        return NotImplemented

    def __radd__(self, other: object) -> Money:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if isinstance(other, Money):
            _same_currency("subtract", self, other)
            return Money(self.amount - other.amount, self.currency)
        return NotImplemented

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, other: object) -> Money:
        if isinstance(other, Money):
            return NotImplemented
        return Money(self.amount * _factor(other, "multiply"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Any:
        if isinstance(other, Money):
            _same_currency("divide", self, other)
            if other.amount == 0:
                msg = "cannot divide by a zero amount"
                raise ValidationError(msg)
            return self.amount / other.amount
        divisor = _factor(other, "divide")
        if divisor == 0:
            msg = "cannot divide money by zero"
            raise ValidationError(msg)
        return Money(self.amount / divisor, self.currency)

    def _compare(self, other: object) -> Decimal | None:
        if not isinstance(other, Money):
            return None
        _same_currency("compare", self, other)
        return self.amount - other.amount

    def __lt__(self, other: object) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff < 0

    def __le__(self, other: object) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff <= 0

    def __gt__(self, other: object) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff > 0

    def __ge__(self, other: object) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff >= 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.code}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency.code}')"

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-safe data: the amount as a string and the currency code.

        Examples
        --------
        >>> Money("1.50", "EUR").to_dict()
        {'amount': '1.50', 'currency': 'EUR'}
        """
        return {"amount": str(self.amount), "currency": self.currency.code}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Money:
        """Read :meth:`to_dict` output back.

        Examples
        --------
        >>> Money.from_dict({"amount": "1.50", "currency": "EUR"})
        Money('1.50', 'EUR')
        """
        check_keys(data, "money", required={"amount", "currency"})
        return cls(data["amount"], data["currency"])


def divide_minor(
    numerator: ArrayLike, denominator: ArrayLike, *, mode: RoundingMode = "half_up"
) -> NDArray[np.int64]:
    """Integer division of minor-unit arrays with a rounding mode, exact for int64 inputs.

    The batch engine's counterpart of :meth:`RoundingPolicy.apply`: ``numerator /
    denominator`` rounded to a whole minor unit without a float in between. The
    denominator must be positive.

    Examples
    --------
    >>> divide_minor([250, -250, 249], 100)
    array([ 3, -3,  2])
    >>> divide_minor([250, 350], 100, mode="half_even")
    array([2, 4])
    >>> divide_minor([201], 100, mode="ceiling")
    array([3])
    >>> divide_minor([2.7, 3.9], 1)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'numerator' must be integer minor units (got float64 values; money is never a float)
    """
    num = _minor_units(numerator, "numerator")
    den = _minor_units(denominator, "denominator")
    if (den <= 0).any():
        msg = "'denominator' must be positive"
        raise ValidationError(msg)
    q, r = np.divmod(num, den)  # floor division: 0 <= r < den
    rest = den - r  # compare r with den - r rather than 2 * r with den: no overflow
    if mode == "floor":
        up = np.zeros(q.shape, dtype=bool)
    elif mode == "ceiling":
        up = r > 0
    elif mode == "down":
        up = (r > 0) & (num < 0)
    elif mode == "up":
        up = (r > 0) & (num >= 0)
    elif mode == "half_up":
        up = (r > rest) | ((r == rest) & (num >= 0))
    elif mode == "half_down":
        up = (r > rest) | ((r == rest) & (num < 0))
    elif mode == "half_even":
        up = (r > rest) | ((r == rest) & (q % 2 == 1))
    else:
        msg = f"'mode' must be one of {tuple(_DECIMAL_MODES)} (got {mode!r})"
        raise ValidationError(msg)
    return (q + up).astype(np.int64)


def _minor_units(values: ArrayLike, name: str) -> NDArray[np.int64]:
    """``values`` as int64 minor units, refusing floats and integers int64 cannot hold."""
    try:
        arr = np.asarray(values)
    except (OverflowError, ValueError) as err:
        msg = f"{name!r} must be integer minor units within int64 (got {values!r}: {err})"
        raise ValidationError(msg) from None
    if arr.size == 0:
        return arr.astype(np.int64)
    if arr.dtype.kind == "O" and all(
        isinstance(v, int) and not isinstance(v, bool) for v in arr.ravel().tolist()
    ):
        # Python ints NumPy could not fit in int64 or uint64.
        msg = f"{name!r} must fit in int64 minor units (got {max(arr.ravel().tolist(), key=abs)})"
        raise ValidationError(msg)
    if arr.dtype.kind not in "iu":
        why = "; money is never a float" if arr.dtype.kind in "fc" else ""
        msg = f"{name!r} must be integer minor units (got {arr.dtype} values{why})"
        raise ValidationError(msg)
    if arr.dtype.kind == "u" and (arr > np.iinfo(np.int64).max).any():
        msg = f"{name!r} must fit in int64 minor units (got {arr.max()})"
        raise ValidationError(msg)
    return arr.astype(np.int64)
