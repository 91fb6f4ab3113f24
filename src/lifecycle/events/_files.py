"""Reading event files into rows: decoding, CSV records with their lines, the header (private).

Every record keeps the physical lines it spans, so errors can name ``line 7 of events.csv``
and ``errors="collect"`` can account for every data line.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from ..errors import SchemaError, ValidationError
from ._columns import _FIELDS, _hint


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
    fields = (*_FIELDS, *attributes)
    listed = ", ".join(names) or "none: header=False needs positions"
    for key in mapping:
        if key not in fields:
            msg = (
                f"{source}: columns= maps unknown field {key!r}{_hint(str(key), fields)} "
                f"(fields: {', '.join(_FIELDS)}; list other columns in attributes=[...])"
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
