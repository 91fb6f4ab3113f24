"""Time ``lifecycle.value`` and ``lifecycle.retention`` at 10M, side by side with pandas.

Usage::

    .venv/bin/python benchmarks/bench_value.py [--customers 10000000] [--events 10000000]
                                               [--repeat 3] [--skip-peer]

Three workloads, each timed as the best of ``--repeat`` runs in this process (inputs are
built once and not timed):

* ``rfm``: :func:`rfm_scores` and :func:`rfm_segments` over a population of
  ``--customers`` (90% buyers). Peer: pandas, ``qcut(rank(method="first"), 5)`` of the
  three metrics among buyers (the definition ``rfm_scores`` follows); the scores are
  checked equal.
* ``cohorts``: :func:`cohort_table` (monthly, customers) of a log of ``--events``
  purchases by ``--events / 10`` customers over three years. Peer: pandas, the first
  purchase month per customer by ``groupby.transform("min")``, then the distinct
  (cohort, month) customers by ``drop_duplicates`` and ``groupby.size``; the counts are
  checked equal.
* ``detect``: :func:`detect` with the default signals over a population of
  ``--customers``. Peer: the same five rules as pandas column expressions (the score
  only, no reasons); the scores are checked equal.

Targets (issue 12): rfm < 3 s, cohorts < 2 s, detect < 3 s at 10M (wall time). The table
also shows the CPU time of our best run: on a shared machine the wall time includes
waiting for a CPU, so the load average is printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lifecycle import EventLog
from lifecycle.money import Currency
from lifecycle.retention import detect
from lifecycle.signals import Population
from lifecycle.value import cohort_table, rfm_scores, rfm_segments

TARGETS = {"rfm": 3.0, "cohorts": 2.0, "detect": 3.0}


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall time, the CPU time of that run, and the result."""
    runs, out = [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
    wall, used = min(runs)
    return wall, used, out


def synthetic_population(n: int, seed: int = 1) -> Population:
    rng = np.random.default_rng(seed)
    buys = rng.random(n) < 0.9
    count = np.where(buys, rng.geometric(0.3, n), 0).astype(np.int64)
    days = np.where(buys, rng.integers(0, 1000, n), np.nan)
    spend = np.where(buys, count * rng.integers(500, 20_000, n), 0).astype(np.int64)
    recent = np.minimum(rng.poisson(0.8, n), count).astype(np.int64)
    previous = np.minimum(rng.poisson(0.8, n), count - recent).astype(np.int64)
    gap = np.where(count > 1, rng.uniform(10, 200, n), np.nan)
    score = np.where(rng.random(n) < 0.3, rng.integers(0, 11, n).astype(float), np.nan)
    return Population(
        {
            "customer": np.arange(n, dtype=np.int64),
            "days_since_last_purchase": days,
            "purchase_count": count,
            "total_spend": spend,
            "purchases_90d": recent,
            "purchases_prev_90d": previous,
            "spend_90d": recent * 1500,
            "spend_prev_90d": previous * 1500,
            "lapse_ratio": days / gap,
            "complaints_90d": (rng.random(n) < 0.03).astype(np.int64),
            "last_survey_score": score,
        },
        as_of=dt.date(2025, 6, 30),
        currency=Currency("EUR"),
    )


def synthetic_log(n_events: int, seed: int = 2) -> EventLog:
    rng = np.random.default_rng(seed)
    customers = max(n_events // 10, 1)
    day = np.datetime64("2022-07-01") + rng.integers(0, 3 * 365, n_events).astype("timedelta64[D]")
    return EventLog.from_arrays(
        customer=rng.integers(0, customers, n_events),
        date=day,
        amount_minor=rng.integers(100, 10_000, n_events),
        currency="EUR",
    )


def peer_rfm(pd: Any, pop: Population) -> Any:
    buyers = pop.purchase_count > 0
    frame = pd.DataFrame(
        {
            "r": -pop.days_since_last_purchase[buyers],
            "f": pop.purchase_count[buyers],
            "m": pop.total_spend[buyers],
        }
    )
    labels = range(1, 6)
    return {c: pd.qcut(frame[c].rank(method="first"), 5, labels=labels) for c in "rfm"}


def peer_cohorts(pd: Any, frame: Any) -> Any:
    cohort = frame.groupby("customer")["month"].transform("min")
    pairs = pd.DataFrame({"cohort": cohort, "month": frame["month"], "customer": frame["customer"]})
    return pairs.drop_duplicates().groupby(["cohort", "month"]).size()


def peer_detect(frame: Any) -> Any:
    score = (
        ((frame.purchases_90d < frame.purchases_prev_90d) & (frame.purchases_prev_90d >= 2)) * 1.0
        + ((frame.spend_90d < frame.spend_prev_90d) & (frame.spend_prev_90d > 0)) * 1.0
        + (frame.lapse_ratio > 2) * 2.0
        + (frame.complaints_90d >= 1) * 2.0
        + (frame.last_survey_score <= 6) * 1.5
    )
    return score[score > 0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    pd = None if args.skip_peer else __import__("pandas")

    rows: list[tuple[str, float, float, float | None, str]] = []
    pop = synthetic_population(args.customers)

    ours, cpu, scores = best(lambda: rfm_segments(rfm_scores(pop)), args.repeat)
    peer = None
    if pd is not None:
        peer, _, theirs = best(lambda: peer_rfm(pd, pop), args.repeat)
        buyers = pop.purchase_count > 0
        for c in "rfm":
            assert np.array_equal(scores[c][buyers], theirs[c].to_numpy(dtype=np.int8)), c
    rows.append(("rfm scores + segments", ours, cpu, peer, f"{args.customers:,} customers"))

    log = synthetic_log(args.events)
    ours, cpu, table = best(lambda: cohort_table(log), args.repeat)
    peer = None
    if pd is not None:
        frame = pd.DataFrame(
            {"customer": log.code, "month": log.date.astype("datetime64[M]").astype(np.int64)}
        )
        peer, _, counts = best(lambda: peer_cohorts(pd, frame), args.repeat)
        nonzero = table.value > 0
        assert int(table.value[nonzero].sum()) == int(counts.sum())
    rows.append(("cohort table (monthly)", ours, cpu, peer, f"{args.events:,} events"))

    ours, cpu, at_risk = best(lambda: detect(pop), args.repeat)
    peer = None
    if pd is not None:
        frame = pd.DataFrame({name: pop[name] for name in pop})
        peer, _, theirs = best(lambda: peer_detect(frame), args.repeat)
        assert len(theirs) == len(at_risk)
        assert np.allclose(np.sort(theirs.to_numpy()), np.sort(at_risk.score))
    rows.append(("detect (default signals)", ours, cpu, peer, f"{args.customers:,} customers"))

    print(
        f"lifecycle value/retention benchmark; Python {platform.python_version()}, "
        f"NumPy {np.__version__}" + ("" if pd is None else f", pandas {pd.__version__}")
    )
    print(
        f"{'workload':<26} {'size':>20} {'ours s':>8} {'ours cpu s':>10} {'pandas s':>9} "
        f"{'ratio':>6} {'target s':>9} {'ok':>3}"
    )
    failed = False
    for (name, ours_s, cpu_s, peer_s, size), target in zip(rows, TARGETS.values(), strict=True):
        ratio = "" if peer_s is None else f"{peer_s / ours_s:.1f}x"
        peer_text = "" if peer_s is None else f"{peer_s:.3f}"
        ok = ours_s < target
        failed |= not ok
        print(
            f"{name:<26} {size:>20} {ours_s:>8.3f} {cpu_s:>10.3f} {peer_text:>9} {ratio:>6} "
            f"{target:>9.1f} {'yes' if ok else 'NO':>3}"
        )
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    print(f"load average after the runs: {load} on {os.cpu_count()} CPUs")
    print(
        f"(ratio: pandas wall time / ours; wall times are the best of {args.repeat} runs; "
        "cpu s is the CPU time of that run, close to the wall time on an idle machine)"
    )
    sys.exit(1 if failed and args.customers >= 10_000_000 else 0)


if __name__ == "__main__":
    main()
