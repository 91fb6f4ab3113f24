"""Time ``lifecycle.io.read_parquet`` against ``pandas.read_parquet`` + ``from_pandas``.

Usage::

    .venv/bin/python benchmarks/bench_io.py [--events 1000000] [--customers 100000] [--repeat 3]

Writes one synthetic Parquet file of events with ``lifecycle.io.write_parquet`` (int64
customers, date32 dates, dictionary kinds, int64 cents with the currency in the metadata,
dictionary categories with 20% missing), then times, best of ``--repeat``:

* ``pyarrow read_table``: reading the file into Arrow alone, the floor for both paths;
* ``io.read_parquet``: the file to a validated :class:`EventLog` through Arrow;
* ``pandas.read_parquet + io.from_pandas``: the file to a DataFrame, then to an EventLog
  (``currency="EUR"`` given, since pandas drops the Arrow field metadata);
* the same two on a warehouse-style export of the same events (plain string kinds and
  categories, ``decimal128(12, 2)`` amounts, no lifecycle metadata).

The export is timed once more with string customer ids (``"c0000042"``) in place of the
integers. Every loaded log is checked equal to the written one, column by column. It also
times ``io.to_arrow`` and ``io.to_pandas`` of the loaded log, and ``io.to_sql`` of it into
an in-memory SQLite database (once; skipped where ``io.to_sql`` does not exist).
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from lifecycle import EventLog, io


def synthetic_log(events: int, customers: int, seed: int = 7) -> EventLog:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-01", "D")
    kinds = np.array(["purchase", "visit", "return", "survey"])
    categories = np.array(["books", "games", "garden", "music", ""], dtype=object)
    category = categories[rng.integers(0, 5, events)]
    category[category == ""] = None
    log = EventLog.from_arrays(
        customer=rng.integers(1, customers + 1, events),
        date=start + rng.integers(0, 730, events).astype("timedelta64[D]"),
        kind=kinds[rng.choice(4, events, p=[0.6, 0.3, 0.05, 0.05])],
        amount_minor=rng.integers(0, 20_000, events),
        currency="EUR",
        category=category,
    )
    assert isinstance(log, EventLog)
    return log


def best(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - began)
    return min(times), result


def same(a: EventLog, b: EventLog) -> bool:
    names = ("customers", "code", "date", "kind_code", "amount_minor", "category")
    return (
        all(np.array_equal(getattr(a, n), getattr(b, n)) for n in names)
        and a.kinds == b.kinds
        and dict(a.labels) == dict(b.labels)
        and a.currency == b.currency
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-peer", action="store_true", help="accepted for run_all")
    args = parser.parse_args(argv)

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    print(f"python {platform.python_version()}, numpy {np.__version__}, ", end="")
    print(f"pyarrow {pa.__version__}, pandas {pd.__version__}")
    log = synthetic_log(args.events, args.customers)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.parquet"
        io.write_parquet(log, path)
        size = path.stat().st_size
        print(f"{len(log):,} events, {len(log.customers):,} customers, file {size / 1e6:.1f} MB")

        floor, _ = best(lambda: pq.read_table(path), args.repeat)
        ours, ours_log = best(lambda: io.read_parquet(path), args.repeat)

        def peer() -> Any:
            frame = pd.read_parquet(path)
            return io.from_pandas(frame, currency="EUR")

        theirs, their_log = best(peer, args.repeat)

        # A warehouse export: plain string kinds and DECIMAL(12, 2) amounts, no metadata.
        foreign = Path(folder) / "export.parquet"
        table = io.to_arrow(log)
        cents = table.column("amount_minor").to_pylist()
        amounts = pa.array([Decimal(c).scaleb(-2) for c in cents], pa.decimal128(12, 2))
        export = pa.table(
            {
                "customer": table.column("customer"),
                "date": table.column("date"),
                "kind": table.column("kind").cast(pa.string()),
                "amount": amounts,
                "category": table.column("category").cast(pa.string()),
            }
        )
        pq.write_table(export, foreign)
        ours_dec, ours_dec_log = best(
            lambda: io.read_parquet(foreign, currency="EUR", attributes=[]), args.repeat
        )

        def peer_dec() -> Any:
            return io.from_pandas(pd.read_parquet(foreign), currency="EUR")

        theirs_dec, their_dec_log = best(peer_dec, max(1, args.repeat - 1))

        # The same export with string customer ids ("c0000042"), as warehouses often have.
        named = Path(folder) / "named.parquet"
        ids = pa.array(np.char.add("c", np.char.zfill(log.customer.astype(str), 7)))
        pq.write_table(export.set_column(0, "customer", ids), named)
        ours_str, ours_str_log = best(
            lambda: io.read_parquet(named, currency="EUR", attributes=[]), args.repeat
        )
        to_arrow, _ = best(lambda: io.to_arrow(ours_log), args.repeat)
        to_pandas, _ = best(lambda: io.to_pandas(ours_log), args.repeat)
        to_sql = None
        if hasattr(io, "to_sql"):
            to_sql, _ = best(lambda: io.to_sql(ours_log, sqlite3.connect(":memory:"), "e"), 1)

    logs = (ours_log, their_log, ours_dec_log, their_dec_log)
    if not all(same(loaded, log) for loaded in logs):
        print("MISMATCH: a loaded log differs from the written one")
        return 1
    if not np.array_equal(ours_str_log.amount_minor, log.amount_minor) or len(
        ours_str_log.customers
    ) != len(log.customers):
        print("MISMATCH: the export with string ids differs from the written log")
        return 1
    rows = [
        ("pyarrow read_table (floor)", floor, None),
        ("io.read_parquet -> EventLog", ours, None),
        ("pandas.read_parquet + io.from_pandas", theirs, theirs / ours),
        ("export, DECIMAL amounts: io.read_parquet", ours_dec, None),
        ("  pandas.read_parquet + io.from_pandas", theirs_dec, theirs_dec / ours_dec),
        ("export, string customer ids: io.read_parquet", ours_str, None),
        ("io.to_arrow(log)", to_arrow, None),
        ("io.to_pandas(log)", to_pandas, None),
    ]
    if to_sql is not None:
        rows.append(("io.to_sql(log), SQLite in memory (once)", to_sql, None))
    print(f"\n{'step':<48}{'seconds':>10}{'peer / ours':>14}")
    for name, seconds, ratio in rows:
        text = f"{ratio:>14.2f}" if ratio is not None else f"{'':>14}"
        print(f"{name:<48}{seconds:>10.3f}{text}")
    print("\nevery loaded log equals the written one")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
