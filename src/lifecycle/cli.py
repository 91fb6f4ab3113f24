"""The ``lifecycle`` command: summarise an event log.

``lifecycle report [PATH] [--as-of DATE] [--format text|json|html] [--out FILE]`` reads a
CSV event log (the columns of :meth:`~lifecycle.events.EventLog.from_records`: ``customer``, ``date``,
``kind``, ``amount``, ``currency``, ...) or, without PATH, the bundled demo log, and prints
customers, events, the date span and the RFM distribution (``--out`` writes it to a file;
``html`` is one self-contained page with charts). ``--encoding``, ``--delimiter``,
``--decimal``, ``--date-format``, ``--columns`` and ``--kinds`` describe a file that is not
plain UTF-8 CSV with those column names. Survey scores must be answers on the 0-10 recommend
scale the report reads. Bad input gives a one-line error on stderr naming
the line of the file, and exit code 2, never a traceback.

Examples
--------
>>> main(["report", "/no/such/file.csv"])  # prints a one-line error on stderr
2
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._report_html import format_html
from ._version import __version__
from .errors import LifecycleError, ValidationError
from .events import EventLog, as_date
from .io import read_csv
from .money import CURRENCIES
from .report import build_report, format_text

__all__ = ["main"]

#: Names a shell user can type for delimiters that are awkward to quote.
_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "whitespace": None}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lifecycle", description="Customer-lifecycle modeling from event logs."
    )
    parser.add_argument("--version", action="version", version=f"lifecycle {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="summarise an event log")
    report.add_argument("path", nargs="?", help="CSV event log (default: the demo data)")
    report.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: last event)")
    report.add_argument("--format", choices=("text", "json", "html"), default="text")
    report.add_argument(
        "--out", help="write the report to this file instead of standard output (UTF-8)"
    )
    report.add_argument("--currency", help="currency of amounts, if the file has no column")
    report.add_argument(
        "--encoding", default="utf-8-sig", help="text encoding of the file (default: UTF-8)"
    )
    report.add_argument(
        "--delimiter",
        default=",",
        help="field separator: a character, or tab, semicolon, whitespace (default: ,)",
    )
    report.add_argument(
        "--decimal", choices=(".", ","), default=".", help="decimal mark of amounts"
    )
    report.add_argument(
        "--date-format", help="strptime format of dates, such as %%d/%%m/%%Y (default: ISO)"
    )
    report.add_argument(
        "--columns",
        help="field=column pairs for columns named otherwise, such as customer=id,date=day",
    )
    report.add_argument(
        "--kinds", help="event kinds of your own beyond the standard ones, such as referral,trial"
    )
    return parser


def _columns(text: str | None) -> dict[str, str]:
    """``--columns customer=id,date=day`` as a mapping."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        if not sep or not field.strip() or not column.strip():
            msg = f"--columns takes field=column pairs separated by commas (got {part!r})"
            raise ValidationError(msg)
        mapping[field.strip()] = column.strip()
    return mapping


def _load(args: argparse.Namespace) -> tuple[EventLog, dt.date | None]:
    if args.path is None:
        from .datasets import DEMO_AS_OF, load_demo

        return load_demo(), DEMO_AS_OF
    if args.currency is not None and args.currency not in CURRENCIES:
        known = ", ".join(sorted(CURRENCIES))
        msg = f"--currency {args.currency} is not a currency code this tool knows ({known})"
        raise ValidationError(msg)
    delimiter = _DELIMITERS.get(args.delimiter.lower(), args.delimiter)
    if delimiter is not None and len(delimiter) != 1:
        msg = (
            "--delimiter must be one character, or tab, semicolon, whitespace "
            f"(got {args.delimiter!r})"
        )
        raise ValidationError(msg)
    kinds = [k.strip() for k in (args.kinds or "").split(",") if k.strip()]
    log = read_csv(
        Path(args.path),
        columns=_columns(args.columns),
        date_format=args.date_format,
        delimiter=delimiter,
        currency=args.currency,
        encoding=args.encoding,
        decimal=args.decimal,
        kinds=kinds,
        # The report reads scores as answers to the 0-10 recommend question (NPS, loyalty).
        score_scale=(0, 10),
    )
    return log, None


def _as_of(text: str | None, log: EventLog, default: dt.date | None) -> tuple[dt.date, str | None]:
    """The evaluation date, and a note when it lies after the last event."""
    start, end = log.start, log.end
    assert start is not None  # a loaded log has events
    assert end is not None
    if text is None:
        return default or end, None
    as_of = as_date(text, "as_of")
    if as_of < start:
        msg = (
            f"--as-of {as_of} is before the first event ({start}): no customer exists yet; "
            f"the log runs from {start} to {end}"
        )
        raise ValidationError(msg)
    if as_of > end:
        days = (as_of - end).days
        return as_of, (
            f"note: --as-of {as_of} is {days} day{'s' if days != 1 else ''} after the last "
            f"event ({end}): nothing after {end} is known, so recency keeps growing"
        )
    return as_of, None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 bad input).

    Examples
    --------
    >>> main(["report", "--as-of", "yesterday"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        log, default_as_of = _load(args)
        as_of, note = _as_of(args.as_of, log, default_as_of)
        report = build_report(log, as_of)
    except LifecycleError as err:
        print(f"lifecycle: error: {err}", file=sys.stderr)
        return 2
    if note is not None:
        print(f"lifecycle: {note}", file=sys.stderr)
    if args.format == "json":
        output = json.dumps(report, indent=2, default=_json_default) + "\n"
    elif args.format == "html":
        output = format_html(report, log)
    else:
        output = format_text(report) + "\n"
    if args.out is None:
        sys.stdout.write(output)
        return 0
    try:
        Path(args.out).write_text(output, encoding="utf-8")
    except OSError as err:
        print(f"lifecycle: error: cannot write --out {args.out}: {err.strerror}", file=sys.stderr)
        return 2
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, np.datetime64)):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    msg = f"cannot serialise {type(value).__name__}"
    raise TypeError(msg)
