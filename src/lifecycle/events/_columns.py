"""Validation of event columns, shared by every EventLog constructor (private).

Each check marks the rows it rejects in a :class:`_Problems` record, so strict loading can
raise for the first bad row and ``errors="collect"`` can return every rejected row.
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from .._values import plain
from ..errors import CurrencyMismatchError, ValidationError
from ..money import CURRENCIES, Currency, as_currency, to_decimal
from ._coded import Coded

#: The event kinds every log knows; any other kind must be declared with ``kinds=[...]``.
STANDARD_KINDS: tuple[str, ...] = (
    "purchase",
    "return",
    "visit",
    "complaint",
    "survey",
    "cancellation",
    "contact",
)
#: The fields a record or CSV row may carry (besides user attributes).
RECORD_FIELDS: tuple[str, ...] = (
    "customer",
    "date",
    "kind",
    "amount",
    "currency",
    "quantity",
    "category",
    "product",
    "channel",
    "score",
)
#: The label fields, stored as codes with their names in ``EventLog.labels``.
LABEL_FIELDS: tuple[str, ...] = ("category", "product", "channel")
ErrorMode = Literal["raise", "collect"]
#: One past the largest amount in minor units an int64 column holds.
_INT64_LIMIT = 2**63
#: Scales amounts to minor units exactly, or signals (an amount's digits beyond 64 are junk).
_EXACT = decimal.Context(prec=64, traps=[decimal.Inexact, decimal.Overflow, decimal.Underflow])


def as_date(value: object, name: str = "date") -> dt.date:
    """Convert a ``date``, ``datetime``, ``numpy.datetime64`` or ISO string to a date.

    A ``datetime`` keeps its calendar day: every signal is measured in days.

    Examples
    --------
    >>> as_date("2024-02-29")
    datetime.date(2024, 2, 29)
    >>> as_date("29/02/2024")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'date' must be a date or an ISO date string YYYY-MM-DD (got '29/02/2024')
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64) and not np.isnat(value):
        return value.astype("datetime64[D]").item()  # type: ignore[no-any-return]
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            try:
                return dt.datetime.fromisoformat(value.strip()).date()
            except ValueError:
                pass
    msg = f"{name!r} must be a date or an ISO date string YYYY-MM-DD (got {value!r})"
    raise ValidationError(msg)


def segment_bounds(codes: NDArray[Any]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """First and last positions of each run of equal values in a sorted array.

    A log's rows are sorted by customer, so the runs of ``log.code`` (or of any subset
    of it) are the customers; per-customer reductions then need no Python loop.

    Examples
    --------
    >>> import numpy as np
    >>> segment_bounds(np.array([0, 0, 2, 5, 5, 5]))
    (array([0, 2, 3]), array([1, 2, 5]))
    """
    n = len(codes)
    if n == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change - 1, [n - 1]))
    return starts, ends


@attrs.frozen
class Rejected:
    """A row that did not load, and why.

    ``row`` counts the input rows from 0. A row read from a file also has ``line``, the
    physical line it starts on (counting from 1, header and blank lines included), and
    ``last_line``, where it ends (a quoted field may span lines).

    Examples
    --------
    >>> print(Rejected(row=3, column="amount", value="-1", reason="must be >= 0"))
    row 3: 'amount' must be >= 0 (got '-1')
    >>> print(Rejected(row=3, column="amount", value="-1", reason="must be >= 0", line=5))
    line 5: 'amount' must be >= 0 (got '-1')
    """

    row: int
    column: str
    value: object
    reason: str
    line: int | None = None
    last_line: int | None = None

    def __str__(self) -> str:
        return self._describe(None)

    def _describe(self, source: str | None) -> str:
        """The message, with the file name after the line when ``source`` is given."""
        if self.line is None:
            where = f"row {self.row}"
        elif self.last_line is None or self.last_line == self.line:
            where = f"line {self.line}"
        else:
            where = f"lines {self.line}-{self.last_line}"
        if source is not None:
            where += f" of {source}"
        return f"{where}: {self.column!r} {self.reason} (got {self.value!r})"


class _Problems:
    """Row problems found while loading: the first per row wins."""

    def __init__(
        self,
        n_rows: int,
        lines: Sequence[tuple[int, int]] | None = None,
        source: str | None = None,
    ) -> None:
        self.bad = np.zeros(n_rows, dtype=bool)
        self.found: list[_Found] = []
        # The physical lines of each row of a file, and the file's name, for messages.
        self.lines = lines
        self.source = source

    def add(
        self,
        mask: NDArray[np.bool_],
        column: str,
        reason: str,
        values: Sequence[Any] | NDArray[Any] | Coded,
        error: type[ValidationError] = ValidationError,
    ) -> None:
        """Reject the rows of ``mask`` not already rejected; ``values`` are per row."""
        new = mask & ~self.bad
        if new.any():
            self.found.append(_Found(np.flatnonzero(new), column, reason, values, error))
            self.bad |= new

    def add_row(
        self,
        row: int,
        column: str,
        reason: str,
        value: object,
        error: type[ValidationError] = ValidationError,
    ) -> None:
        """Reject one row whose ``value`` was found bad while reading it."""
        if not self.bad[row]:
            self.found.append(_Found(np.array([row]), column, reason, {row: value}, error))
            self.bad[row] = True

    def _rejected(self, found: _Found, row: int) -> Rejected:
        line, last = self.lines[row] if self.lines is not None else (None, None)
        return Rejected(row, found.column, plain(found.values[row]), found.reason, line, last)

    def rejected(self) -> tuple[Rejected, ...]:
        """Every rejected row with its reason, in row order."""
        out = [self._rejected(f, int(i)) for f in self.found for i in f.rows]
        return tuple(sorted(out, key=lambda r: r.row))

    def raise_first(self) -> None:
        """Raise for the first rejected row, if any."""
        if self.found:
            first = min(self.found, key=lambda f: int(f.rows[0]))
            rejected = self._rejected(first, int(first.rows[0]))
            raise first.error(rejected._describe(self.source))


@attrs.frozen
class _Found:
    rows: NDArray[np.intp]
    column: str
    reason: str
    values: Any
    error: type[ValidationError]


def _check_errors_mode(errors: str) -> None:
    if errors not in ("raise", "collect"):
        msg = f"'errors' must be 'raise' or 'collect' (got {errors!r})"
        raise ValidationError(msg)


def _as_1d(name: str, values: Any) -> NDArray[Any]:
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.ndim != 1:
        msg = f"{name!r} must be 1-dimensional (got shape {arr.shape})"
        raise ValidationError(msg)
    return arr


def _object_array(values: Sequence[Any]) -> NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _optional_column(values: list[Any]) -> NDArray[np.object_] | None:
    return _object_array(values) if any(v is not None for v in values) else None


def _strptime(value: str, fmt: str) -> object:
    try:
        return dt.datetime.strptime(value, fmt).date()
    except ValueError:
        return value  # left for the date check, which names the row


def _broadcast(name: str, values: Any, n: int) -> NDArray[Any]:
    if isinstance(values, Coded):
        # A field without a dictionary check of its own reads the values row by row.
        values = values.decoded()
    if values is None or isinstance(values, (str, Currency)) or np.ndim(values) == 0:
        out = np.empty(n, dtype=object)
        out[:] = [values] * n if isinstance(values, Currency) else values
        return out
    arr = _as_1d(name, values)
    if len(arr) != n:
        msg = f"{name!r} has {len(arr)} values, expected {n} (one per event)"
        raise ValidationError(msg)
    return arr


def _reason(err: ValidationError, name: str, value: object) -> str:
    """The rule part of a scalar validator's message, for a row-level report."""
    return str(err).replace(f"{name!r} ", "", 1).replace(f" (got {value!r})", "")


def _validate_customers(values: NDArray[Any] | Coded, problems: _Problems) -> NDArray[Any] | Coded:
    if isinstance(values, Coded):
        return _validate_coded_customers(values, problems)
    if values.dtype.kind in "iu":
        if values.dtype.kind == "u" and values.dtype.itemsize >= 8:
            huge = values >= np.uint64(_INT64_LIMIT)
            problems.add(huge, "customer", "must fit in 64 bits: give such ids as strings", values)
            values = np.where(huge, 0, values)
        return values.astype(np.int64, copy=False)
    if values.dtype.kind == "U":
        problems.add(np.char.str_len(values) == 0, "customer", "must not be empty", values)
        return values
    if values.dtype.kind == "O":
        is_int = np.fromiter(
            (isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values),
            dtype=bool,
            count=len(values),
        )
        is_str = np.fromiter(
            (isinstance(v, str) and v != "" for v in values), dtype=bool, count=len(values)
        )
        if is_int.any() and is_str.any():
            problems.add(
                is_int if is_str.sum() >= is_int.sum() else is_str,
                "customer",
                "must be of one type: this log mixes int and str ids",
                values,
            )
        problems.add(~(is_int | is_str), "customer", "must be a non-empty str or an int", values)
        if is_str.any():
            return np.where(is_str, values, "").astype(str)
        huge = np.fromiter(
            (
                ok and not -_INT64_LIMIT <= v < _INT64_LIMIT
                for ok, v in zip(is_int, values, strict=True)
            ),
            dtype=bool,
            count=len(values),
        )
        problems.add(huge, "customer", "must fit in 64 bits: give such ids as strings", values)
        return np.where(is_int & ~huge, values, 0).astype(np.int64)
    msg = f"'customer' must be int or str ids (got dtype {values.dtype})"
    raise ValidationError(msg)


def _validate_coded_customers(values: Coded, problems: _Problems) -> NDArray[Any] | Coded:
    """Ids from a dictionary: by code when every value is a good id of one type.

    String ids stay coded, by their rank in sorted order; integer ids are gathered.

    Anything else (a null, an empty or out-of-range id, mixed types) goes through the row
    by row check, which names each bad row as for a plain column.
    """
    ids = values.values
    nulls = bool((values.codes < 0).any())
    if not nulls and ids:
        if all(type(v) is str and v for v in ids):
            # Coded again, by rank among the sorted distinct ids: the sort by customer then
            # orders integers, not a million strings.
            names, rank = np.unique(np.array(ids, dtype=str), return_inverse=True)
            return Coded(rank.ravel()[values.codes], names.tolist())
        ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in ids)
        if ints and all(-_INT64_LIMIT <= int(v) < _INT64_LIMIT for v in ids):
            table: NDArray[np.int64] = np.array([int(v) for v in ids], dtype=np.int64)
            return table[values.codes]
    decoded = values.decoded()
    if not nulls and all(type(v) is str for v in ids):
        decoded = decoded.astype(str) if len(decoded) else np.array([], dtype=str)
    return _validate_customers(decoded, problems)


def _parse_dates(arr: NDArray[Any], problems: _Problems) -> NDArray[np.datetime64]:
    out = np.empty(len(arr), dtype="datetime64[D]")
    bad = np.zeros(len(arr), dtype=bool)
    for i, value in enumerate(arr.tolist()):
        try:
            out[i] = as_date(value)
        except ValidationError:
            bad[i] = True
            out[i] = np.datetime64("NaT")
    problems.add(bad, "date", "must be a date YYYY-MM-DD", arr)
    return out


def _validate_dates(values: Any, n: int, problems: _Problems) -> NDArray[np.datetime64]:
    arr = _broadcast("date", values, n)
    if arr.dtype.kind == "M":
        out = arr.astype("datetime64[D]", copy=False)
        problems.add(np.isnat(out), "date", "must not be missing", arr)
        return out
    # Bulk parsing is only safe for plain YYYY-MM-DD strings: NumPy would read "2024-01"
    # as the first of the month.
    if arr.dtype.kind == "U" and (np.char.str_len(arr) == 10).all():
        try:
            out = arr.astype("datetime64[D]")
        except ValueError:
            out = _parse_dates(arr, problems)
    else:
        out = _parse_dates(arr, problems)
    problems.add(np.isnat(out) & ~problems.bad, "date", "must not be missing", arr)
    return out


def _declared_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    """The log's kind names: the standard ones, then the declared ones in their order."""
    if isinstance(kinds, str):
        msg = f"'kinds' must be a list of event kind names, not a string (got {kinds!r})"
        raise ValidationError(msg)
    out = list(STANDARD_KINDS)
    for name in kinds:
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            msg = f"'kinds' must hold non-empty names without surrounding spaces (got {name!r})"
            raise ValidationError(msg)
        twin = [k for k in STANDARD_KINDS if k.lower() == name.lower() and k != name]
        if twin:
            msg = (
                f"'kinds' entry {name!r} differs from the standard kind {twin[0]!r} only in "
                "case: write the standard kind as it is"
            )
            raise ValidationError(msg)
        if name not in out:
            out.append(name)
    return tuple(out)


def _closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt ``name`` (ignoring case), if one is close."""
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(name.strip().lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A "did you mean" suffix for a misspelt ``name`` to add to a message, or "".

    Loaders (``lifecycle.io`` too) use it for fields and columns a user misspelt.

    Examples
    --------
    >>> did_you_mean("ammount", ["amount", "currency"])
    "; did you mean 'amount'?"
    >>> did_you_mean("zzz", ["amount", "currency"])
    ''
    """
    close = _closest(name, choices)
    return f"; did you mean {close!r}?" if close else ""


def _unknown_kind(name: str, known: tuple[str, ...]) -> str:
    """Why ``name`` is refused, with the closest known kind as a hint."""
    close = _closest(name, known)
    hint = f": did you mean {close!r}?" if close else ""
    return (
        f"is not a known event kind{hint} (known: {', '.join(known)}; declare other kinds "
        "with kinds=[...] in Python or --kinds on the command line)"
    )


def _validate_kinds(
    values: Any, n: int, problems: _Problems, declared: Sequence[str]
) -> tuple[NDArray[np.int16], tuple[str, ...]]:
    kinds = _declared_kinds(declared)
    if isinstance(values, str):
        if not values.strip():
            msg = f"'kind' must be a non-empty event kind such as 'purchase' (got {values!r})"
            raise ValidationError(msg)
        if values not in kinds:
            msg = f"'kind' {_unknown_kind(values, kinds)} (got {values!r})"
            raise ValidationError(msg)
        return np.full(n, kinds.index(values), dtype=np.int16), kinds
    if isinstance(values, Coded):
        return _coded_kinds(values, problems, kinds), kinds
    given = _broadcast("kind", values, n)
    if given.dtype.kind == "O":
        ok = np.fromiter((isinstance(v, str) and v.strip() != "" for v in given), bool, count=n)
        arr = np.where(ok, given, "purchase").astype(str)
    elif given.dtype.kind == "U":
        ok = np.char.str_len(np.char.strip(given)) > 0
        arr = np.where(ok, given, "purchase")
    else:
        msg = f"'kind' must be strings such as 'purchase' (got dtype {given.dtype})"
        raise ValidationError(msg)
    problems.add(~ok, "kind", "must be a non-empty event kind such as 'purchase'", given)
    names, inverse = np.unique(arr, return_inverse=True)
    inverse = inverse.ravel()
    remap = np.zeros(len(names), dtype=np.int16)
    for i, name in enumerate(names.tolist()):
        if name in kinds:
            remap[i] = kinds.index(name)
        else:
            problems.add(inverse == i, "kind", _unknown_kind(name, kinds), given)
    return remap[inverse], kinds


def _coded_kinds(values: Coded, problems: _Problems, kinds: tuple[str, ...]) -> NDArray[np.int16]:
    """Kind codes from a dictionary: each distinct value checked once, then gathered."""
    names = [*values.values, None]  # a null row's code, -1, picks the None at the end
    ok = np.array([isinstance(v, str) and v.strip() != "" for v in names], dtype=bool)
    reason = "must be a non-empty event kind such as 'purchase'"
    problems.add(~ok[values.codes], "kind", reason, values)
    remap = np.zeros(len(names), dtype=np.int16)
    for i, name in enumerate(names):
        if not ok[i]:
            continue
        if name in kinds:
            remap[i] = kinds.index(name)
        else:
            flagged = np.zeros(len(names), dtype=bool)
            flagged[i] = True
            problems.add(flagged[values.codes], "kind", _unknown_kind(name, kinds), values)
    out: NDArray[np.int16] = remap[values.codes]
    return out


def _is_blank(value: object) -> bool:
    """Whether a cell holds nothing: None, "", NaN or pandas' NA."""
    if value is None:
        return True
    if isinstance(value, str):  # NumPy's str_ too: a label of spaces is blank in any column
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def _validate_currency(
    values: Any,
    n: int,
    problems: _Problems,
    needed: bool,
    default: Currency | str | None = None,
) -> Currency | None:
    """The log's one currency; rows in another or an unknown currency are rejected.

    ``default`` (the ``currency=`` argument) fills rows without a currency; a row that
    names another currency conflicts with it.
    """
    required = (
        "'currency' is required with amounts: a currency column, or currency='EUR' in Python "
        "(--currency EUR on the command line)"
    )
    fallback = None if default is None else as_currency(default)
    if values is None:
        if needed and fallback is None:
            raise ValidationError(required)
        return fallback
    if isinstance(values, (str, Currency)):
        return as_currency(values)
    arr: NDArray[Any] | Coded
    if isinstance(values, Coded):
        # Each distinct value is read once; its rows follow through their codes.
        arr = values
        texts = ["" if _is_blank(v) else str(v) for v in (*values.values, None)]
        codes, position = np.unique(np.array(texts, dtype=str), return_inverse=True)
        inverse = position.ravel()[values.codes]
    else:
        arr = _broadcast("currency", values, n)
        present = ~np.fromiter((_is_blank(v) for v in arr), dtype=bool, count=n)
        codes, inverse = np.unique(np.where(present, arr, "").astype(str), return_inverse=True)
        inverse = inverse.ravel()
    counts = np.bincount(inverse, minlength=len(codes))
    known: dict[int, Currency] = {}
    for i, code in enumerate(codes.tolist()):
        if code == "" or counts[i] == 0:
            continue
        try:
            known[i] = as_currency(code)
        except ValidationError:
            # The money module's advice (minor_units=) is for code, not for a column value.
            reason = f"must be a known ISO 4217 code ({', '.join(sorted(CURRENCIES))})"
            problems.add(inverse == i, "currency", reason, arr)
    if fallback is not None:
        for i, cur in known.items():
            if cur != fallback:
                reason = f"conflicts with currency={fallback.code} given for the whole log"
                problems.add(inverse == i, "currency", reason, arr, CurrencyMismatchError)
        return fallback
    if not known:
        if needed and not any(counts[i] for i, c in enumerate(codes.tolist()) if c != ""):
            raise ValidationError(required)
        return None
    main = max(known, key=lambda i: (counts[i], -i))
    first_row = int(np.flatnonzero(inverse == main)[0])
    first = f"row {first_row}" if problems.lines is None else f"line {problems.lines[first_row][0]}"
    for i in known:
        if i != main:
            reason = f"must be {known[main].code} like {first}: one currency per log"
            problems.add(inverse == i, "currency", reason, arr, CurrencyMismatchError)
    return known[main]


def _validate_amounts(
    amount_minor: Any,
    amount: Any,
    n: int,
    currency: Currency | None,
    problems: _Problems,
) -> NDArray[np.int64]:
    if amount_minor is not None and amount is not None:
        msg = "give 'amount' or 'amount_minor', not both"
        raise ValidationError(msg)
    if amount_minor is not None:
        if isinstance(amount_minor, np.ma.MaskedArray):
            # A masked value is an unknown amount (see _known_amounts), held as 0.
            amount_minor = amount_minor.filled(0)
        arr = _broadcast("amount_minor", amount_minor, n)
        if arr.dtype.kind == "O":
            arr = _minor_objects(arr, n, currency, problems)
        if arr.dtype.kind not in "iu":
            msg = (
                f"'amount_minor' must be integer minor units (got dtype {arr.dtype}); "
                "pass decimal strings as amount= instead"
            )
            raise ValidationError(msg)
        if arr.dtype.kind == "u" and arr.dtype.itemsize >= 8:
            # uint64 values from 2**63 on would wrap to negative int64.
            huge = arr >= np.uint64(_INT64_LIMIT)
            problems.add(huge, "amount", _too_large(currency), arr)
            arr = np.where(huge, 0, arr)
        out = arr.astype(np.int64, copy=False)
        problems.add(out < 0, "amount", "must be >= 0", arr)
        return out
    out = np.zeros(n, dtype=np.int64)
    if amount is None:
        return out
    arr = _broadcast("amount", amount, n)
    if currency is None:
        # Every currency given was unknown: those rows are rejected already.
        problems.add(np.ones(n, dtype=bool), "currency", "is needed with an amount", arr)
        return out
    factor = currency.factor
    reasons: dict[str, NDArray[np.bool_]] = {}
    for i, value in enumerate(arr.tolist()):
        if value is None:
            continue
        if isinstance(value, float) and math.isnan(value):
            reason = "must be a number, not NaN (leave it out for an event without amount)"
            reasons.setdefault(reason, np.zeros(n, dtype=bool))[i] = True
            continue
        try:
            dec = to_decimal(value)
        except ValidationError as err:
            reason = _reason(err, "amount", value)
            reasons.setdefault(reason, np.zeros(n, dtype=bool))[i] = True
            continue
        if dec < 0:
            reasons.setdefault("must be >= 0", np.zeros(n, dtype=bool))[i] = True
            continue
        # Checked before scaling: an exponent such as 1e999999 would overflow Decimal too.
        if dec.adjusted() >= 19:
            reasons.setdefault(_too_large(currency), np.zeros(n, dtype=bool))[i] = True
            continue
        try:
            minor = _EXACT.multiply(dec, factor)
        except decimal.DecimalException:
            reason = "has too many digits to be an exact amount"
            reasons.setdefault(reason, np.zeros(n, dtype=bool))[i] = True
            continue
        if minor >= _INT64_LIMIT:
            reasons.setdefault(_too_large(currency), np.zeros(n, dtype=bool))[i] = True
        elif minor != minor.to_integral_value():
            key = f"must have at most {currency.minor_units} decimals for {currency.code}"
            reasons.setdefault(key, np.zeros(n, dtype=bool))[i] = True
        else:
            out[i] = int(minor)
    for reason, mask in reasons.items():
        problems.add(mask, "amount", reason, arr)
    return out


def _too_large(currency: Currency | None) -> str:
    """Why an amount is refused that int64 minor units cannot hold."""
    limit = "2**63 - 1 minor units"
    if currency is not None:
        limit = f"{Decimal(_INT64_LIMIT - 1).scaleb(-currency.minor_units)} {currency.code}"
    return f"is too large: amounts are held as 64-bit minor units, at most {limit}"


def _validate_labels(
    name: str, values: Any, n: int
) -> tuple[NDArray[np.int32] | None, tuple[str, ...]]:
    if values is None:
        return None, ()
    if isinstance(values, Coded):
        # The distinct values, blanks as "", in the order np.unique gives the plain path.
        used = np.append(values.used(), (values.codes < 0).any())
        text = np.array(["" if _is_blank(v) else str(v) for v in (*values.values, None)], dtype=str)
        names, position = np.unique(text[used], return_inverse=True)
        table = np.zeros(len(text), dtype=np.int32)
        table[used] = position.ravel()
        codes = table[values.codes]
    else:
        arr = _broadcast(name, values, n)
        present = ~np.fromiter((_is_blank(v) for v in arr), dtype=bool, count=n)
        names, inverse = np.unique(np.where(present, arr, "").astype(str), return_inverse=True)
        codes = inverse.ravel().astype(np.int32)
    if names.size and names[0] == "":
        codes -= 1
        names = names[1:]
    return codes, tuple(names.tolist())


def check_score_scale(scale: object) -> tuple[float, float] | None:
    """``score_scale`` as a (low, high) pair of finite numbers with low < high, or None."""
    if scale is None:
        return None
    pair: list[float] = []
    if isinstance(scale, (tuple, list)) and len(scale) == 2:
        numbers = [v for v in scale if isinstance(v, (int, float)) and not isinstance(v, bool)]
        pair = [float(v) for v in numbers if abs(v) < 1e300]  # also refuses NaN and inf
    if len(pair) != 2 or pair[0] >= pair[1]:
        msg = f"'score_scale' must be a pair (low, high) of numbers with low < high (got {scale!r})"
        raise ValidationError(msg)
    return pair[0], pair[1]


def _validate_score(
    values: Any,
    n: int,
    problems: _Problems,
    scale: tuple[float, float] | None,
    *,
    nan_is_missing: bool,
) -> NDArray[np.float64] | None:
    """Survey scores as float64, NaN where missing.

    In a float array NaN is how a missing answer is written; everywhere else (records,
    file text, object columns of records) a NaN is a value, and refused like infinity.
    """
    if values is None:
        return None
    arr = _broadcast("score", values, n)
    nan_given = np.zeros(n, dtype=bool)
    if arr.dtype.kind in "iuf":
        out = arr.astype(np.float64)
    else:
        out = np.full(n, np.nan)
        bad = np.zeros(n, dtype=bool)
        for i, value in enumerate(arr.tolist()):
            if value is None or value == "" or isinstance(value, bool):
                bad[i] = isinstance(value, bool)
                continue
            if isinstance(value, float) and math.isnan(value) and nan_is_missing:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                bad[i] = True
                continue
            nan_given[i] = math.isnan(number)
            out[i] = number
        problems.add(bad, "score", "must be a number", arr)
    reason = "must be a number, not NaN (leave it out for an event without a score)"
    problems.add(nan_given, "score", reason, arr)
    problems.add(np.isinf(out), "score", "must be finite", arr)
    if scale is not None:
        low, high = scale
        off = ~np.isnan(out) & ((out < low) | (out > high))
        problems.add(off, "score", f"must be on the scale {low:g} to {high:g}", arr)
    return out


def _minor_objects(
    arr: NDArray[Any], n: int, currency: Currency | None, problems: _Problems
) -> NDArray[np.int64]:
    """Minor units given as Python objects: None (a null) is an unknown amount, read as 0.

    Anything but an integer is a bad row; so is an integer beyond int64, which would wrap.
    """
    out = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    huge = np.zeros(n, dtype=bool)
    for i, value in enumerate(arr.tolist()):
        if value is None:
            continue
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            bad[i] = True
        elif int(value) >= _INT64_LIMIT:
            huge[i] = True
        else:
            # A negative value stays negative for the ">= 0" check to name.
            out[i] = max(int(value), -_INT64_LIMIT)
    problems.add(bad, "amount", "must be integer minor units (or missing)", arr)
    problems.add(huge, "amount", _too_large(currency), arr)
    return out


def _known_amounts(amount_minor: Any, amount: Any, n: int) -> NDArray[np.bool_] | None:
    """Which rows were given an amount: None when all were (a blank is not a zero).

    A missing value is None in either column: ``amount_minor`` holds one only as Python
    objects (a null read from SQL, Arrow or a nullable frame column).
    """
    if isinstance(amount_minor, np.ma.MaskedArray):
        known: NDArray[np.bool_] = ~np.ma.getmaskarray(amount_minor)
        return None if known.all() else known
    if amount_minor is not None:
        minor = _broadcast("amount_minor", amount_minor, n)
        if minor.dtype.kind != "O":
            return None
        given = minor
    elif amount is None:
        return np.zeros(n, dtype=bool)
    else:
        given = _broadcast("amount", amount, n)
    known = np.array([v is not None for v in given.tolist()], dtype=bool)
    return None if known.all() else known


def _validate_columns(
    n: int,
    problems: _Problems,
    *,
    customer: NDArray[Any] | Coded,
    date: Any,
    kind: Any,
    amount_minor: Any,
    amount: Any,
    currency: Any,
    quantity: Any,
    labels: Mapping[str, Any],
    score: Any,
    attributes: Mapping[str, Any],
    kinds: Sequence[str] = (),
    score_scale: tuple[float, float] | None = None,
    default_currency: Currency | str | None = None,
    nan_score_is_missing: bool = True,
) -> dict[str, Any]:
    others = {"date": date, "kind": kind, "currency": currency, "quantity": quantity}
    for name, values in {**others, **labels, "score": score, **attributes}.items():
        if isinstance(values, Coded) and len(values) != n:
            msg = f"{name!r} has {len(values)} values, expected {n} (one per event)"
            raise ValidationError(msg)
    ids = _validate_customers(customer, problems)
    dates = _validate_dates(date, n, problems)
    kind_code, kind_names = _validate_kinds(kind, n, problems, kinds)
    has_amount = amount_minor is not None or amount is not None
    cur = _validate_currency(currency, n, problems, has_amount, default_currency)
    amounts = _validate_amounts(amount_minor, amount, n, cur, problems)
    qty = None
    if quantity is not None:
        raw = given_quantity = _broadcast("quantity", quantity, n)
        huge = np.zeros(n, dtype=bool)
        if raw.dtype.kind == "O":
            parsed = np.zeros(n, dtype=np.int64)
            bad = np.zeros(n, dtype=bool)
            for i, value in enumerate(raw.tolist()):
                if value is None:
                    parsed[i] = 1
                    continue
                try:
                    dec = to_decimal(value, "quantity")
                except ValidationError:
                    bad[i] = True
                    continue
                if dec.adjusted() >= 18:
                    huge[i] = True
                elif dec != dec.to_integral_value():
                    bad[i] = True
                else:
                    parsed[i] = int(dec)
            problems.add(bad, "quantity", "must be a whole number", raw)
            raw = parsed
        elif raw.dtype.kind not in "iu":
            msg = f"'quantity' must be whole numbers (got dtype {raw.dtype})"
            raise ValidationError(msg)
        elif raw.dtype.kind == "u" and raw.dtype.itemsize >= 8:
            huge = raw >= np.uint64(_INT64_LIMIT)
            raw = np.where(huge, 0, raw)
        problems.add(huge, "quantity", "is too large: at most 10**18 units", given_quantity)
        qty = raw.astype(np.int64)
        problems.add(qty < 0, "quantity", "must be >= 0", raw)
    coded = {name: _validate_labels(name, values, n) for name, values in labels.items()}
    scores = _validate_score(score, n, problems, score_scale, nan_is_missing=nan_score_is_missing)
    extra = {name: _broadcast(name, values, n) for name, values in attributes.items()}
    return {
        "ids": ids,
        "date": dates,
        "kind_code": kind_code,
        "kinds": kind_names,
        "amount_minor": amounts,
        "amount_known": _known_amounts(amount_minor, amount, n),
        "currency": cur,
        "quantity": qty,
        "labels": coded,
        "score": scores,
        "attributes": extra,
    }
