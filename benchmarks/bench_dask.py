"""``lifecycle.dask`` on a memory-limited LocalCluster against the in-memory engine.

Usage::

    .venv/bin/python benchmarks/bench_dask.py [--events 50000000] [--baseline 10000000]
        [--per-customer 20] [--file-events 2000000] [--memory-limit 1.5GB] [--shuffled]

Needs the ``dask`` extra (``make test-dask`` installs it) and psutil. Steps:

1. Writes ``--events`` synthetic events to Parquet, one file of ``--file-events`` rows at a
   time (never the whole log in memory): int64 customers (``--per-customer`` events each on
   average), dates over two years, kinds purchase/visit/return, int64 cents. Each file
   holds its own range of customers, as a warehouse export partitioned by customer does,
   so ``read_events`` needs no shuffle; with ``--shuffled`` customers are spread over every
   file and ``read_events`` shuffles them by hash.
2. Starts ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
   memory_limit=...)`` and times ``rfm_summary`` and ``population`` through Dask (each
   job reads, validates and computes every partition; the results are gathered in the
   client), sampling every 0.1 s the resident memory of the client process and all its
   children (scheduler, nannies, workers).
3. Times the in-memory engine on the first ``--baseline`` events (the files that hold
   them): ``io.read_parquet`` of those files, then the same two functions, in this process
   (one core); without ``--shuffled`` it checks that the in-memory rfm summary equals
   Dask's rows of those customers.

Prints seconds, events per second per core (Dask: 2 cores; in memory: 1) and the peak
memory: the highest simultaneous sum, and the sum of each process's own peak.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

START = np.datetime64("2023-01-01", "D")
AS_OF = "2024-12-31"
KINDS = np.array(["purchase", "visit", "return"])


def write_events(
    folder: Path, events: int, per_customer: int, file_events: int, shuffled: bool
) -> int:
    """Write the synthetic log, file by file; return the number of customers."""
    import pandas as pd

    customers = max(1, events // per_customer)
    files = max(1, -(-events // file_events))
    rng = np.random.default_rng(7)
    written = 0
    for i in range(files):
        rows = min(file_events, events - written)
        if shuffled:
            customer = rng.integers(0, customers, rows)
        else:
            # File i holds customers [lo, hi): ranges are disjoint and increasing.
            lo, hi = (
                customers * i // files,
                max(customers * (i + 1) // files, customers * i // files + 1),
            )
            customer = np.sort(rng.integers(lo, hi, rows))
        frame = pd.DataFrame(
            {
                "customer": customer.astype(np.int64),
                "date": (START + rng.integers(0, 731, rows).astype("timedelta64[D]")).astype(
                    "datetime64[s]"
                ),
                "kind": pd.Categorical(KINDS[rng.choice(3, rows, p=[0.6, 0.35, 0.05])]),
                "amount_minor": rng.integers(100, 20_000, rows),
            }
        )
        frame.to_parquet(folder / f"part-{i:05d}.parquet", index=False)
        written += rows
    return customers


class MemoryWatch:
    """Samples the resident memory of this process and its children until stopped."""

    def __init__(self, interval: float = 0.1) -> None:
        import psutil

        self._psutil = psutil
        self.interval = interval
        self.peak_sum = 0
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = self._psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    rss = proc.memory_info().rss
                except self._psutil.Error:
                    continue
                total += rss
                self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)
            self.peak_sum = max(self.peak_sum, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = func()
    return time.perf_counter() - began, result


def gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=50_000_000)
    parser.add_argument("--baseline", type=int, default=10_000_000)
    parser.add_argument("--per-customer", type=int, default=20)
    parser.add_argument("--file-events", type=int, default=2_000_000)
    parser.add_argument("--memory-limit", default="1.5GB", help="per worker")
    parser.add_argument("--shuffled", action="store_true")
    parser.add_argument("--folder", default=None, help="where to write (default a temp dir)")
    args = parser.parse_args()
    try:
        import dask  # noqa: F401
        import distributed
        import psutil  # noqa: F401
    except ImportError as err:
        print(f"NOTE: bench_dask skipped: {err} (make test-dask installs the dask extra)")
        return

    import lifecycle.dask as ld
    from lifecycle import io, rfm_summary

    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench_dask_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        seconds, customers = timed(
            lambda: write_events(
                folder, args.events, args.per_customer, args.file_events, args.shuffled
            )
        )
        print(
            f"wrote {args.events:,} events of {customers:,} customers to "
            f"{len(list(folder.glob('*.parquet')))} Parquet files in {seconds:.1f} s"
        )
        results: list[tuple[str, float]] = []
        with MemoryWatch() as watch:
            cluster = distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                memory_limit=args.memory_limit,
                dashboard_address=None,
            )
            with distributed.Client(cluster):
                events = ld.read_events(str(folder), currency="EUR")
                print(f"read_events: {events.npartitions} partitions, shuffled={events.shuffled}")
                t_rfm, summary = timed(lambda: ld.rfm_summary(events, AS_OF))
                results.append(("rfm_summary", t_rfm))
                print(f"  dask rfm_summary: {t_rfm:.1f} s, {len(summary):,} customers")
                t_pop, pop = timed(lambda: ld.population(events, AS_OF))
                results.append(("population", t_pop))
                print(f"  dask population: {t_pop:.1f} s, {len(pop):,} x {len(pop.columns)}")
                del pop
            cluster.close()
        peak_sum, sum_of_peaks = watch.peak_sum, sum(watch.peaks.values())

        # The in-memory engine on the files that hold the first --baseline events.
        files = sorted(folder.glob("*.parquet"))
        take = max(1, -(-min(args.baseline, args.events) // args.file_events))
        base_events = min(args.events, take * args.file_events)
        subset = folder / "baseline"
        subset.mkdir()
        for f in files[:take]:
            (subset / f.name).symlink_to(f)
        t_load, log = timed(lambda: io.read_parquet(subset, currency="EUR"))
        t_rfm_mem, mine = timed(lambda: rfm_summary(log, AS_OF))
        t_pop_mem, _ = timed(lambda: log.population(AS_OF))

        if not args.shuffled:
            # The files hold disjoint customer ranges: the first files' customers come first.
            for name in mine:
                assert np.array_equal(summary[name][: len(mine)], mine[name]), name
            print(f"the in-memory summary of {len(mine):,} customers equals Dask's rows")
        in_memory = {"rfm_summary": t_load + t_rfm_mem, "population": t_load + t_pop_mem}

        print()
        print(
            f"{args.events:,} events through Dask (2 workers x 1 thread, {args.memory_limit} "
            f"each) against the in-memory engine on {base_events:,} (load + job, 1 core)"
        )
        print(
            f"{'job':<13} {'dask s':>8} {'ev/s/core':>11} {'memory s':>9} {'ev/s/core':>11} "
            f"{'ratio':>6}"
        )
        for name, seconds in results:
            ours = args.events / seconds / 2
            theirs = base_events / in_memory[name]
            print(
                f"{name:<13} {seconds:>8.1f} {ours:>11,.0f} {in_memory[name]:>9.1f} "
                f"{theirs:>11,.0f} {ours / theirs:>6.2f}"
            )
        print(f"(in memory: io.read_parquet {t_load:.1f} s of each)")
        print(
            f"peak memory, client + scheduler + workers: {gb(peak_sum)} at once; "
            f"{gb(sum_of_peaks)} as the sum of each process's peak"
        )
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
