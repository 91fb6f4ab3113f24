"""Delimited text files of events: decoding, CSV records with their lines, the header.

Every record keeps the physical lines it spans, so errors can name ``line 7 of events.csv``
and ``errors="collect"`` can account for every data line. The records then go through the
validation of :meth:`EventLog.from_records <lifecycle.events.EventLog.from_records>`.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, overload

from ..errors import SchemaError, ValidationError
from ..events import RECORD_FIELDS, EventLog, Loaded, load_records
from ..events import did_you_mean as _hint
from ..money import Currency
from ._fields import ErrorMode, check_unread

__all__ = ["read_csv"]


@overload
def read_csv(
    path: str | Path,
    *,
    columns: Mapping[str, str | int] | None = ...,
    date_format: str | None = ...,
    delimiter: str | None = ...,
    header: bool = ...,
    currency: Currency | str | None = ...,
    encoding: str = ...,
    decimal: str = ...,
    attributes: Sequence[str] = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["raise"] = ...,
) -> EventLog: ...


@overload
def read_csv(
    path: str | Path,
    *,
    columns: Mapping[str, str | int] | None = ...,
    date_format: str | None = ...,
    delimiter: str | None = ...,
    header: bool = ...,
    currency: Currency | str | None = ...,
    encoding: str = ...,
    decimal: str = ...,
    attributes: Sequence[str] = ...,
    ignore: Sequence[str] = ...,
    kinds: Sequence[str] = ...,
    score_scale: tuple[float, float] | None = ...,
    errors: Literal["collect"],
) -> Loaded: ...


def read_csv(
    path: str | Path,
    *,
    columns: Mapping[str, str | int] | None = None,
    date_format: str | None = None,
    delimiter: str | None = ",",
    header: bool = True,
    currency: Currency | str | None = None,
    encoding: str = "utf-8-sig",
    decimal: str = ".",
    attributes: Sequence[str] = (),
    ignore: Sequence[str] = (),
    kinds: Sequence[str] = (),
    score_scale: tuple[float, float] | None = None,
    errors: ErrorMode = "raise",
) -> EventLog | Loaded:
    r"""Read a delimited text file of events.

    Parameters
    ----------
    path : str or Path
        The file; a name ending in ``.gz`` is decompressed.
    columns : mapping, optional
        Field name (as in :meth:`EventLog.from_records`) to the file's column name, or to a
        0-based position when ``header=False``. Fields not mapped are read from columns
        of the same name.
    date_format : str, optional
        A :func:`~datetime.datetime.strptime` format such as ``"%Y%m%d"``; ISO dates
        by default.
    delimiter : str or None, default ","
        None splits on runs of white space.
    header : bool, default True
        Whether the first non-blank line names the columns (each name once).
        Errors name the physical line of the file (``line 7 of events.csv``); the
        ``row`` of a :class:`Rejected` counts the data rows from 0, skipping blank lines.
    currency : str or Currency, optional
        Currency of amounts on rows without one; a row naming another currency
        raises :class:`~lifecycle.errors.CurrencyMismatchError`.
    encoding : str, default "utf-8-sig"
        Text encoding (the default also reads the byte-order mark Excel writes); a file
        that does not decode raises naming the byte.
    decimal : {".", ","}, default "."
        The decimal mark of amounts and scores: ``","`` reads ``25,00`` (and refuses
        ``1.250,00``: no thousands separators). Needs a delimiter other than ``","``.
    attributes : sequence of str
        Further columns to carry as user attributes; each must be in the header.
    ignore : sequence of str
        Header columns left out on purpose. Any column no field reads is left out, but one
        whose name is close to a field that no column feeds (``amout`` without ``amount``)
        raises :class:`~lifecycle.errors.SchemaError` unless it is listed here.
    kinds, score_scale
        See :meth:`EventLog.from_arrays`.
    errors : {"raise", "collect"}
        See :meth:`EventLog.from_arrays`. Every non-blank data line is either loaded or rejected:
        a row with more or fewer fields than the header, or whose quote never closes,
        is a bad row, and the lines after an unclosed quote are read on their own.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = path.write_text("id,day,value\n1,20240101,9.50\n2,20240102,3.00\n")
    >>> log = read_csv(path, columns={"customer": "id", "date": "day",
    ...                         "amount": "value"}, date_format="%Y%m%d", currency="USD")
    >>> log.amount_minor.tolist()
    [950, 300]
    >>> _ = path.write_text('customer,date\n1,2024-01-01\n2,2024-01-02,"x\n3,2024-01-03\n')
    >>> log, rejected = read_csv(path, errors="collect")
    >>> len(log), [r.line for r in rejected]
    (2, [3])
    """
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        msg = f"'delimiter' must be one character, or None for white space (got {delimiter!r})"
        raise ValidationError(msg)
    if decimal not in (".", ","):
        msg = f"'decimal' must be '.' or ',' (got {decimal!r})"
        raise ValidationError(msg)
    if decimal == "," and delimiter in (",", None):
        msg = "decimal=',' needs another delimiter, such as ';' or a tab"
        raise ValidationError(msg)
    source = str(path)
    text = _read_text(path, encoding)
    lines = io.StringIO(text, newline="").readlines()
    rows = _split_rows(lines, delimiter)
    if header:
        if not rows:
            msg = f"{source}: no events: the file has no data rows"
            raise ValidationError(msg)
        first, rows = rows[0], rows[1:]
        if first.problem is not None:
            msg = f"line {first.line} of {source}: the header {first.problem}"
            raise SchemaError(msg)
        names = [h.strip() for h in first.fields]
        _check_header(names, source, first.line)
        width = len(names)
    else:
        names = []
        width = next((len(r.fields) for r in rows if r.problem is None), 0)
    if not rows:
        msg = f"{source}: no events: the file has no data rows"
        raise ValidationError(msg)
    index = _column_index(names, width, columns, attributes, source)
    for name in ignore:
        if name not in names:
            msg = f"{source}: ignore= names no column {name!r} (columns: {', '.join(names)})"
            raise SchemaError(msg)
    if header:
        read = {field: names[position] for field, position in index.items()}
        check_unread(names, read, used=ignore, source=source, readable=RECORD_FIELDS)
    numeric = {"amount", "score"} if decimal == "," else set()
    records: list[dict[str, Any]] = []
    malformed: dict[int, tuple[str, str, object]] = {}
    for number, row in enumerate(rows):
        if row.problem is not None or len(row.fields) != width:
            reason = row.problem or (
                f"has {len(row.fields)} fields, "
                + (f"the header has {width}" if header else f"the first row has {width}")
            )
            text_of_row = "".join(lines[row.line - 1 : row.last_line]).rstrip("\r\n")
            malformed[number] = ("row", reason, text_of_row)
            records.append({})
            continue
        record: dict[str, Any] = {
            field: row.fields[position].strip() or None for field, position in index.items()
        }
        for field in numeric:
            value = record.get(field)
            if value is None:
                continue
            if "." in value:
                reason = "has a '.' but decimal=',': write amounts without thousands marks"
                malformed.setdefault(number, (field, reason, value))
            else:
                record[field] = value.replace(",", ".")
        value = record.get("date")
        if date_format is not None and value is not None:
            try:
                record["date"] = dt.datetime.strptime(value, date_format).date()
            except ValueError:
                reason = f"must be a date in the format {date_format!r}"
                malformed.setdefault(number, ("date", reason, value))
        records.append(record)
    lines_of = [(r.line, r.last_line) for r in rows]
    return load_records(
        records,
        currency=currency,
        attributes=attributes,
        kinds=kinds,
        score_scale=score_scale,
        errors=errors,
        malformed=malformed,
        lines=lines_of,
        source=source,
    )


def _read_text(path: str | Path, encoding: str) -> str:
    """The decoded text of ``path`` (decompressed when its name ends in ``.gz``)."""
    try:
        data = Path(path).read_bytes()
        if str(path).endswith(".gz"):
            data = gzip.decompress(data)
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        msg = (
            f"{path}: not valid {encoding} text at byte {err.start} "
            f"({err.object[err.start : err.start + 1]!r}); give the file's encoding "
            "(encoding='latin-1' in Python, --encoding latin-1 on the command line)"
        )
        raise SchemaError(msg) from None
    except LookupError:
        msg = f"'encoding' must be a text encoding Python knows, such as 'utf-8' (got {encoding!r})"
        raise ValidationError(msg) from None
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        msg = f"cannot read {path}: {getattr(err, 'strerror', None) or err}"
        raise SchemaError(msg) from None


class _Row(NamedTuple):
    """One record of a file: its fields, the physical lines it spans, or why it is unread."""

    fields: list[str]
    line: int
    last_line: int
    problem: str | None = None


def _blank(fields: list[str]) -> bool:
    """Whether a record is an empty or white-space line (not a data line)."""
    return len(fields) <= 1 and not (fields and fields[0].strip())


def _split_rows(lines: list[str], delimiter: str | None) -> list[_Row]:
    """The non-blank records of a file's physical ``lines`` (each with its line ending).

    A quoted field may span lines, as CSV allows. A quote that never closes would swallow
    every line after it into one field: that record's first line is reported instead and
    reading goes on with the next line, so no line vanishes.
    """
    if delimiter is None:
        return [
            _Row(line.split(), number, number)
            for number, line in enumerate(lines, start=1)
            if line.strip()
        ]
    out: list[_Row] = []
    start = 0  # index into lines where the current reader began
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter)
        done = 0  # lines this reader has fully read
        try:
            for fields in reader:
                first, done = start + done + 1, reader.line_num
                last = start + done
                if last == len(lines) and _unclosed(lines[first - 1 : last], delimiter):
                    raise _Unclosed(first)
                if not _blank(fields):
                    out.append(_Row(fields, first, last))
        except (csv.Error, _Unclosed) as err:
            first = err.args[0] if isinstance(err, _Unclosed) else start + done + 1
            if isinstance(err, _Unclosed):
                swallowed = len(lines) - first
                problem = (
                    f"has a quote that opens on line {first} and never closes (read as CSV it "
                    f"would swallow the {swallowed} line{'s' if swallowed != 1 else ''} after it)"
                )
            else:
                problem = f"cannot be read as CSV ({err})"
            out.append(_Row([], first, first, problem))
            start = first
            continue
        break
    return out


class _Unclosed(Exception):
    """A record whose quoted field runs to the end of the file."""


def _unclosed(lines: list[str], delimiter: str) -> bool:
    """Whether the record made of ``lines`` ends inside a quoted field."""
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error as err:
        return "unexpected end of data" in str(err)
    return False


def _check_header(names: list[str], source: str, line: int) -> None:
    """Refuse a header that names a column twice: which one a field reads would be a guess."""
    where: dict[str, int] = {}
    for position, name in enumerate(names):
        if name and name in where:
            msg = (
                f"line {line} of {source}: the header names column {name!r} twice "
                f"(columns {where[name] + 1} and {position + 1} of: {', '.join(names)})"
            )
            raise SchemaError(msg)
        where[name] = position


def _column_index(
    names: list[str],
    width: int,
    columns: Mapping[str, str | int] | None,
    attributes: Sequence[str],
    source: str,
) -> dict[str, int]:
    """The position in each row of every field and attribute read from a file."""
    mapping = dict(columns or {})
    fields = (*RECORD_FIELDS, *attributes)
    listed = ", ".join(names) or "none: header=False needs positions"
    for key in mapping:
        if key not in fields:
            msg = (
                f"{source}: columns= maps unknown field {key!r}{_hint(str(key), fields)} "
                f"(fields: {', '.join(RECORD_FIELDS)}; list other columns in attributes=[...])"
            )
            raise SchemaError(msg)
    index: dict[str, int] = {}
    for field in fields:
        source_name = mapping.get(field, field)
        if isinstance(source_name, int) and not isinstance(source_name, bool):
            if not 0 <= source_name < width:
                msg = (
                    f"{source}: column {source_name} for field {field!r} is outside the "
                    f"{width} columns of the file"
                )
                raise SchemaError(msg)
            index[field] = source_name
        elif source_name in names:
            index[field] = names.index(source_name)
        elif field in mapping or field in ("customer", "date") or field in attributes:
            kind = "attribute" if field in attributes and field not in mapping else "field"
            msg = (
                f"{source}: missing column {source_name!r} for {kind} {field!r}"
                f"{_hint(str(source_name), names)} (columns: {listed})"
            )
            raise SchemaError(msg)
    return index
