"""The ``lifecycle`` command: summarise an event log.

``lifecycle report [PATH] [--as-of DATE] [--format text|json]`` reads a CSV event log (the
columns of :meth:`~lifecycle.events.EventLog.from_records`: ``customer``, ``date``,
``kind``, ``amount``, ``currency``, ...) or, without PATH, the bundled demo log, and prints
customers, events, the date span and the RFM distribution. Bad input gives a one-line
error on stderr and exit code 2, never a traceback.

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

from ._version import __version__
from .errors import LifecycleError
from .events import EventLog, as_date
from .report import build_report, format_text

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lifecycle", description="Customer-lifecycle modeling from event logs."
    )
    parser.add_argument("--version", action="version", version=f"lifecycle {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="summarise an event log")
    report.add_argument("path", nargs="?", help="CSV event log (default: the demo data)")
    report.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: last event)")
    report.add_argument("--format", choices=("text", "json"), default="text")
    report.add_argument("--currency", help="currency of amounts, if the file has no column")
    return parser


def _load(path: str | None, currency: str | None) -> tuple[EventLog, dt.date | None]:
    if path is None:
        from .datasets import DEMO_AS_OF, load_demo

        return load_demo(), DEMO_AS_OF
    return EventLog.from_csv(Path(path), currency=currency), None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 bad input).

    Examples
    --------
    >>> main(["report", "--as-of", "yesterday"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        log, default_as_of = _load(args.path, args.currency)
        as_of = as_date(args.as_of, "as_of") if args.as_of else default_as_of or log.end
        assert as_of is not None
        report = build_report(log, as_of)
    except LifecycleError as err:
        print(f"lifecycle: error: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(report, indent=2, default=_json_default))
    else:
        print(format_text(report))
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, np.datetime64)):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    msg = f"cannot serialise {type(value).__name__}"
    raise TypeError(msg)
