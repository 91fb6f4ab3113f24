"""Time ``lifecycle.rfm_summary`` against lifetimes' ``summary_data_from_transaction_data``.

Usage::

    .venv/bin/python benchmarks/bench_rfm.py [--sizes cdnow,1m,10m] [--skip-peer] [--repeat N]

Both sides read the same input, written once per size to ``.npy`` files in a temporary
folder: customer ids (int64), days (datetime64[D]) and amounts in integer cents. Each timed
run is a fresh child process (ours in the repo venv, lifetimes 0.11.3 in
``benchmarks/.venv-lifetimes``, created on first use) that reports

* ``base``: its resident memory after importing the libraries and loading the input
  (lifetimes: a DataFrame with datetime64 dates and dollar floats; ours: the three arrays),
* the time of each step, and the peak resident memory during that step (the high-water
  mark is reset just before the step, through ``/proc/self/clear_refs``), so ``peak`` is
  the whole process's peak and ``above`` the step's own growth over what was resident
  when it started.

Each side writes its result to ``.npy`` files; the parent checks the same customers and
equal ``frequency``, ``recency``, ``T`` and ``monetary_value`` (dollars) to 1e-9 relative.
It also times ``import lifecycle`` in a fresh process and checks that it loads neither
scipy, pandas nor matplotlib.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peer import ROOT, ensure_lifetimes_venv, repo_python, run_child

CDNOW = ROOT.parent / "shared" / "data" / "cdnow" / "CDNOW_master.txt"
SIZES = ("cdnow", "1m", "10m")
SYNTHETIC = {"1m": (1_000_000, 100_000), "10m": (10_000_000, 1_000_000)}
DEFAULT_REPEAT = {"cdnow": 3, "1m": 3, "10m": 1}
COLUMNS = ("frequency", "recency", "T", "monetary_value")
RTOL = 1e-9
TARGET_SPEEDUP = 20.0
TARGET_MEMORY = 0.25
HEAVY = ("scipy", "pandas", "matplotlib")

# Memory probes shared by both children (plain Python 3, no third-party imports).
_MEMORY = r"""
import json, resource, sys, time

def _status():
    out = {}
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return out

def rss_mb():
    return _status().get("VmRSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

def peak_mb():
    return _status().get("VmHWM", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False
"""

_OURS = (
    _MEMORY
    + r"""
import numpy as np
import lifecycle
from lifecycle import EventLog, rfm_summary

data, out, as_of = sys.argv[1:4]
customer = np.load(data + "/customer.npy")
date = np.load(data + "/date.npy")
cents = np.load(data + "/cents.npy")
load_peak, base = peak_mb(), rss_mb()
exact = reset_peak()
t0 = time.perf_counter()
log = EventLog.from_arrays(customer=customer, date=date, amount_minor=cents, currency="USD")
t1 = time.perf_counter()
build_peak = peak_mb()
rfm_base = rss_mb()
reset_peak()
t2 = time.perf_counter()
rfm = rfm_summary(log, as_of=as_of, unit="D")
t3 = time.perf_counter()
rfm_peak = peak_mb()
if out:
    for name in ("customer", "frequency", "recency", "T", "monetary_value"):
        np.save(out + "/" + name + ".npy", np.asarray(rfm[name]))
print(json.dumps({
    "exact": exact, "load_peak": load_peak, "base": base,
    "build_s": t1 - t0, "build_peak": build_peak,
    "rfm_s": t3 - t2, "rfm_base": rfm_base, "rfm_peak": rfm_peak,
    "log_mb": log.nbytes() / 2**20,
    "heavy": sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "pandas", "matplotlib"}),
}))
"""
)

_LIFETIMES = (
    _MEMORY
    + r"""
import warnings
warnings.simplefilter("ignore")
import numpy as np
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data

data, out, as_of = sys.argv[1:4]
df = pd.DataFrame({"customer": np.load(data + "/customer.npy")})
df["date"] = np.load(data + "/date.npy").astype("datetime64[ns]")
df["amount"] = np.load(data + "/cents.npy") / 100
load_peak, base = peak_mb(), rss_mb()
exact = reset_peak()
t0 = time.perf_counter()
summary = summary_data_from_transaction_data(
    df, "customer", "date", monetary_value_col="amount",
    observation_period_end=as_of, freq="D",
)
t1 = time.perf_counter()
call_peak = peak_mb()
if out:
    np.save(out + "/customer.npy", summary.index.to_numpy())
    for name in ("frequency", "recency", "T", "monetary_value"):
        np.save(out + "/" + name + ".npy", summary[name].to_numpy(dtype=np.float64))
print(json.dumps({
    "exact": exact, "load_peak": load_peak, "base": base,
    "call_s": t1 - t0, "call_peak": call_peak,
}))
"""
)

_IMPORT = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
import lifecycle
t2 = time.perf_counter()
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "pandas", "matplotlib"})
print(json.dumps({"numpy": t1 - t0, "lifecycle": t2 - t1, "heavy": heavy}))
"""

_COLD_IMPORT = r"""
import json, sys, time
t0 = time.perf_counter()
import lifecycle
t1 = time.perf_counter()
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "pandas", "matplotlib"})
print(json.dumps({"total": t1 - t0, "heavy": heavy}))
"""


# ---------------------------------------------------------------------------- input data


def write_cdnow(folder: Path) -> str:
    """CDNOW master file to .npy columns; returns as_of (the last purchase day)."""
    customers: list[int] = []
    days: list[str] = []
    cents: list[int] = []
    with CDNOW.open(encoding="ascii") as fh:
        next(fh)  # header: customer_id date number_of_cds dollar_value
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            customers.append(int(parts[0]))
            ymd = parts[1]
            days.append(f"{ymd[:4]}-{ymd[4:6]}-{ymd[6:]}")
            minor = Decimal(parts[3]) * 100
            if minor != minor.to_integral_value():
                msg = f"CDNOW amount {parts[3]!r} has more than 2 decimals"
                raise ValueError(msg)
            cents.append(int(minor))
    date = np.array(days, dtype="datetime64[D]")
    _save(folder, np.array(customers, dtype=np.int64), date, np.array(cents, dtype=np.int64))
    return str(date.max())


def write_synthetic(folder: Path, n_events: int, n_customers: int, seed: int) -> str:
    """A seeded log over two years, unsorted; returns as_of (its last day)."""
    rng = np.random.default_rng(seed)
    # Heterogeneous purchase rates (gamma weights), as in the BTYD models' populations.
    # Every customer buys at least once; the other events follow the weights.
    weights = rng.gamma(0.6, 1.0, n_customers)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    drawn = np.searchsorted(cdf, rng.random(n_events - n_customers), side="right")
    who = np.concatenate((np.arange(n_customers), np.minimum(drawn, n_customers - 1)))
    ids = 10_000_000 + rng.permutation(n_customers).astype(np.int64) * 13
    start = np.datetime64("2022-01-01")
    days = 730
    date = start + rng.integers(0, days, n_events).astype("timedelta64[D]")
    cents = np.maximum(np.rint(rng.lognormal(8.0, 1.0, n_events)), 1).astype(np.int64)
    _save(folder, ids[who], date, cents)
    return str(start + np.timedelta64(days - 1, "D"))


def _save(folder: Path, customer: Any, date: Any, cents: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "customer.npy", customer)
    np.save(folder / "date.npy", date)
    np.save(folder / "cents.npy", cents)


# ---------------------------------------------------------------------------- checks


def compare(ours: Path, peer: Path) -> str:
    """'equal' or what differs between the two result folders."""
    a = {name: np.load(ours / f"{name}.npy") for name in ("customer", *COLUMNS)}
    b = {name: np.load(peer / f"{name}.npy") for name in ("customer", *COLUMNS)}
    if len(a["customer"]) != len(b["customer"]):
        return f"DIFFERENT: {len(a['customer'])} vs {len(b['customer'])} customers"
    ia, ib = np.argsort(a["customer"], kind="stable"), np.argsort(b["customer"], kind="stable")
    if not np.array_equal(a["customer"][ia], b["customer"][ib]):
        return "DIFFERENT: customer ids differ"
    worst = []
    for name in COLUMNS:
        x = a[name][ia].astype(np.float64)
        y = b[name][ib].astype(np.float64)
        if not np.allclose(x, y, rtol=RTOL, atol=0.0):
            bad = int(np.sum(~np.isclose(x, y, rtol=RTOL, atol=0.0)))
            worst.append(f"{name} ({bad} rows)")
    if worst:
        return "DIFFERENT: " + ", ".join(worst)
    rel = max(
        float(np.max(np.abs(a[n][ia] - b[n][ib]) / np.maximum(np.abs(b[n][ib]), 1e-300)))
        if len(b[n])
        else 0.0
        for n in COLUMNS
    )
    return f"equal ({len(a['customer']):,} customers, max rel. diff {rel:.1e})"


def import_time(python: str, runs: int = 5) -> str:
    """One line on the cost of ``import lifecycle`` in a fresh process."""
    split = [run_child(python, _IMPORT) for _ in range(runs)]
    cold = [run_child(python, _COLD_IMPORT) for _ in range(runs)]
    heavy = sorted({m for r in split + cold for m in r["heavy"]})
    total = min(r["total"] for r in cold)
    numpy_s = min(r["numpy"] for r in split)
    own = min(r["lifecycle"] for r in split)
    verdict = "none (ok)" if not heavy else "YES: " + ", ".join(heavy)
    return (
        f"import lifecycle: {total * 1000:.0f} ms in a fresh process (numpy {numpy_s * 1000:.0f}"
        f" ms + lifecycle itself {own * 1000:.0f} ms; best of {runs})\n"
        f"  scipy/pandas/matplotlib in sys.modules after it: {verdict}"
    )


# ---------------------------------------------------------------------------- running


def best(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The run with the smallest ``key``, with peaks the largest over all runs."""
    top = dict(min(runs, key=lambda r: r[key]))
    for name in top:
        if name.endswith("peak") or name == "base":
            top[name] = max(r[name] for r in runs)
    return top


def bench_size(
    size: str, folder: Path, as_of: str, repeat: int, ours_py: str, peer_py: Path | None
) -> tuple[list[str], dict[str, Any]]:
    """Table rows and the measurements for one size."""
    out_ours = folder / "ours"
    out_peer = folder / "peer"
    out_ours.mkdir()
    out_peer.mkdir()
    ours_runs = [
        run_child(ours_py, _OURS, str(folder), str(out_ours) if i == 0 else "", as_of)
        for i in range(repeat)
    ]
    both = [dict(r, both_s=r["build_s"] + r["rfm_s"]) for r in ours_runs]
    o = best(both, "both_s")
    o_build = best(both, "build_s")
    o_rfm = best(both, "rfm_s")
    n_events = len(np.load(folder / "customer.npy", mmap_mode="r"))
    n_customers = len(np.load(out_ours / "customer.npy"))
    label = f"{size} ({n_events:,} events, {n_customers:,} customers, as of {as_of})"
    rows = [label]
    o_peak = max(o["build_peak"], o["rfm_peak"], o["load_peak"])
    rows.append(
        _row("lifecycle", "EventLog.from_arrays", o_build["build_s"], o["build_peak"], o["base"])
    )
    rows.append(_row("lifecycle", "rfm_summary", o_rfm["rfm_s"], o["rfm_peak"], o["rfm_base"]))
    rows.append(_row("lifecycle", "from_arrays + rfm_summary", o["both_s"], o_peak, o["base"]))
    result: dict[str, Any] = {"ours": o, "ours_rfm_s": o_rfm["rfm_s"], "ours_peak": o_peak}
    if o["heavy"]:
        rows.append(f"  NOTE: our child had {', '.join(o['heavy'])} imported")
    if peer_py is None:
        rows.append(_blank("lifetimes", "skipped"))
        return rows, result
    try:
        peer_runs = [
            run_child(peer_py, _LIFETIMES, str(folder), str(out_peer) if i == 0 else "", as_of)
            for i in range(repeat)
        ]
    except RuntimeError as err:
        rows.append(_blank("lifetimes", f"failed: {str(err).splitlines()[-1]}"))
        return rows, result
    p = best(peer_runs, "call_s")
    p_peak = max(p["call_peak"], p["load_peak"])
    rows.append(
        _row("lifetimes", "summary_data_from_transaction_data", p["call_s"], p_peak, p["base"])
    )
    result.update(peer=p, peer_peak=p_peak)
    rfm_x = p["call_s"] / o_rfm["rfm_s"]
    both_x = p["call_s"] / o["both_s"]
    mem_total = o_peak / p_peak
    mem_above = (o_peak - o["base"]) / max(p_peak - p["base"], 1e-9)
    rows.append(
        f"  speed-up: lifetimes call / our rfm_summary = {rfm_x:.1f}x;"
        f" / our from_arrays + rfm_summary = {both_x:.2f}x"
    )
    rows.append(
        f"  memory: our peak / lifetimes peak = {mem_total:.2f} (total);"
        f" {mem_above:.2f} (above each side's base)"
    )
    rows.append(f"  results: {compare(out_ours, out_peer)}")
    result.update(rfm_x=rfm_x, both_x=both_x, mem_total=mem_total, mem_above=mem_above)
    return rows, result


_HEADER = f"  {'side':<10} {'step':<36} {'time s':>9} {'peak MB':>9} {'base MB':>9} {'above MB':>9}"


def _row(side: str, step: str, seconds: float, peak: float, base: float) -> str:
    return f"  {side:<10} {step:<36} {seconds:>9.3f} {peak:>9.0f} {base:>9.0f} {peak - base:>9.0f}"


def _blank(side: str, note: str) -> str:
    return f"  {side:<10} {note}"


def verdict(results: dict[str, dict[str, Any]]) -> list[str]:
    """Lines on the targets at the largest size measured against the peer."""
    sized = [s for s in SIZES if s in results and "peer" in results[s]]
    if not sized:
        return ["targets: not checked (no peer numbers)"]
    size = sized[-1]
    r = results[size]
    mark = {True: "met", False: "MISSED"}
    return [
        f"targets at {size} (>= {TARGET_SPEEDUP:.0f}x faster, <= {TARGET_MEMORY:.2f} of the"
        " peer's peak memory):",
        f"  rfm_summary alone:          {r['rfm_x']:6.1f}x  {mark[r['rfm_x'] >= TARGET_SPEEDUP]}",
        f"  from_arrays + rfm_summary:  {r['both_x']:6.2f}x  {mark[r['both_x'] >= TARGET_SPEEDUP]}",
        f"  peak memory (total):        {r['mem_total']:6.2f}   "
        f"{mark[r['mem_total'] <= TARGET_MEMORY]}",
        f"  peak memory (above base):   {r['mem_above']:6.2f}   "
        f"{mark[r['mem_above'] <= TARGET_MEMORY]}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma list of cdnow,1m,10m")
    parser.add_argument("--skip-peer", action="store_true", help="time lifecycle only")
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per side (default 3; 1 for 10m)"
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = sorted(set(sizes) - set(SIZES))
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {', '.join(SIZES)}")

    ours_py = repo_python()
    peer_py = None if args.skip_peer else ensure_lifetimes_venv()
    print("# bench_rfm: lifecycle.rfm_summary vs lifetimes summary_data_from_transaction_data")
    print(
        f"# {platform.system()} {platform.machine()}, {os.cpu_count()} cpus,"
        f" Python {platform.python_version()}, numpy {np.__version__};"
        f" peer: {'lifetimes 0.11.3, numpy 1.26.4, pandas 1.5.3' if peer_py else 'skipped'}"
    )
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        busy = " (busy: other work shares the cpus, times are inflated)" if load > 0.5 else ""
        print(f"# load average before the run: {load:.2f}{busy}")
    print(
        "# time: best of --repeat runs, each in a fresh process. base: RSS after imports and"
        " loading the input;\n# peak: the process's peak RSS up to the end of the step;"
        " above: the step's peak over the RSS when it started."
    )
    print()
    print(import_time(ours_py))
    print()
    print(_HEADER)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench_rfm_") as tmp:
        for size in sizes:
            folder = Path(tmp) / size
            if size == "cdnow":
                as_of = write_cdnow(folder)
            else:
                n_events, n_customers = SYNTHETIC[size]
                as_of = write_synthetic(folder, n_events, n_customers, seed=20240501)
            repeat = args.repeat or DEFAULT_REPEAT[size]
            rows, results[size] = bench_size(size, folder, as_of, repeat, ours_py, peer_py)
            print("\n".join(rows), flush=True)
            for name in folder.glob("*.npy"):
                name.unlink()  # free the disk before the next size
    print()
    print("\n".join(verdict(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
