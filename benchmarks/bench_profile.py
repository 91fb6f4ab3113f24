"""Time building single profiles (``log.profile(c, as_of)``) in this tree and at older commits.

Usage::

    .venv/bin/python benchmarks/bench_profile.py [--customers N] [--events-per N]
        [--repeat N] [--rounds N] [--refs ef9f13a,...]

The single engine has no peer library: its reference is this project at an older commit.
``ef9f13a`` is the last commit before signals became declarative definitions (each standard
signal then was hand-written Python in ``profile()``); issue 10 requires that building a
profile is no slower than there. Each ref is extracted with ``git archive`` into a temporary
folder and imported in a child process with ``PYTHONPATH`` pointing at it (the child checks
that it imported that copy); this tree runs the same child code with its own ``src``.

The input is one seeded synthetic log, written once to ``.npy`` files that every side reads:
``--customers`` customers (2,000 by default) with about ``--events-per`` events each over
three years (purchases with amounts and categories, visits, complaints, returns,
cancellations) and one attribute column (a segment). Each side runs ``--rounds`` fresh
children, interleaved round by round so that a busy spell of the machine hits every side;
each child times ``--repeat`` runs. The best wall time and the best CPU (process) time
over all of them are shown:

* **profile, standard signals**: ``log.profile(c, as_of)`` for every customer.
* **profile + defined signal**: the same, then the value of a user-defined signal
  (``net_spend_365d = total("purchase", within="365D") - total("return", within="365D")``)
  through a condition, ``(signal(net) > 0).evaluate(profile)``, as a rule would read it.
  Refs from before user-defined signals print ``n/a``.

Every side must compute the same standard signals for every customer (the children return a
digest of all values); the script says whether they do. The ratio is this tree's time over
the first ref's (below 1 is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peer import ROOT, repo_python

KINDS = ("purchase", "visit", "complaint", "return", "cancellation")
KIND_WEIGHTS = (0.45, 0.4, 0.07, 0.06, 0.02)
AS_OF = "2023-12-31"
# The values every side has (the standard signals of ef9f13a and the attribute), compared.
COMMON = [
    "first_purchase",
    "last_purchase",
    "tenure_days",
    "days_since_last_purchase",
    "purchase_count",
    "repeat_purchase_count",
    "total_spend",
    "average_order_value",
    "purchases_90d",
    "spend_90d",
    "purchases_prev_90d",
    "spend_prev_90d",
    "purchases_365d",
    "spend_365d",
    "category_count",
    "complaints_90d",
    "last_survey_score",
    "mean_interpurchase_days",
    "lapse_ratio",
    "total_quantity",
    "return_count",
    "visit_count",
    "visits_90d",
    "cancelled",
    "segment",
]

_CHILD = r"""
import hashlib, json, sys, time
from pathlib import Path
import numpy as np
import lifecycle
from lifecycle import EventLog

src, folder, repeat, as_of = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
common = sys.argv[5].split(",")
if not Path(lifecycle.__file__).resolve().is_relative_to(Path(src).resolve()):
    raise SystemExit(f"imported {lifecycle.__file__}, not the copy in {src}")
cols = {name: np.load(folder / f"{name}.npy", allow_pickle=False)
        for name in ("customer", "date", "kind", "amount_minor", "category", "segment")}
log = EventLog.from_arrays(
    customer=cols["customer"], date=cols["date"], kind=cols["kind"],
    amount_minor=cols["amount_minor"], currency="EUR", category=cols["category"],
    attributes={"segment": cols["segment"]},
)
customers = log.customers.tolist()

def best(fn):
    # Best wall and best CPU seconds of `repeat` runs, and the last output.
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return (min(wall), min(cpu)), out

def standard():
    return [log.profile(c, as_of) for c in customers]

standard_s, profiles = best(standard)
digest = hashlib.sha256()
for p in profiles:
    digest.update(repr([(k, str(p[k])) for k in common]).encode())

defined_s = (None, None)
try:
    from lifecycle import define_signal, signal
    from lifecycle.signals import total
except ImportError:
    pass
else:
    net = define_signal(
        "net_spend_365d", total("purchase", within="365D") - total("return", within="365D")
    )
    rule = signal(net) > 0

    def defined():
        return [rule.evaluate(log.profile(c, as_of)) for c in customers]

    defined_s, _ = best(defined)
print(json.dumps({"standard_s": standard_s[0], "standard_cpu_s": standard_s[1],
                  "defined_s": defined_s[0], "defined_cpu_s": defined_s[1],
                  "customers": len(customers), "digest": digest.hexdigest()}))
"""


def write_data(folder: Path, customers: int, events_per: int, seed: int = 7) -> int:
    """The synthetic log as ``.npy`` files in ``folder``; the number of events."""
    rng = np.random.default_rng(seed)
    n = customers * events_per
    customer = np.sort(rng.integers(0, customers, n)).astype(np.int64)
    start = np.datetime64("2021-01-01", "D")
    date = start + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    kind = rng.choice(np.array(KINDS), n, p=KIND_WEIGHTS)
    amount = rng.integers(100, 20_000, n).astype(np.int64)
    amount[~np.isin(kind, ("purchase", "return"))] = 0
    category = rng.choice(np.array(["books", "music", "film", "games"]), n)
    segment = rng.choice(np.array(["gold", "silver", ""], dtype=object), n)
    segment[segment == ""] = None
    for name, column in {
        "customer": customer,
        "date": date,
        "kind": kind,
        "amount_minor": amount,
        "category": category,
        "segment": segment.astype(str),
    }.items():
        np.save(folder / f"{name}.npy", column, allow_pickle=False)
    return n


def extract(ref: str, into: Path) -> Path:
    """``src`` of ``ref`` extracted into ``into``; the folder to put on ``PYTHONPATH``."""
    archive = into / f"{ref}.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, stdout=fh, check=True)
    target = into / ref
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def run(src: Path, folder: Path, repeat: int) -> dict[str, Any]:
    """The child's timings with ``lifecycle`` imported from ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1"}
    args = [str(src), str(folder), str(repeat), AS_OF, ",".join(COMMON)]
    done = subprocess.run(
        [repo_python(), "-c", _CHILD, *args], capture_output=True, text=True, env=env, check=False
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        msg = f"child for {src} failed (exit {done.returncode}):\n{done.stderr.strip()}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _fmt(seconds: float | None, customers: int) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds:.3f} s ({seconds / customers * 1e3:.3f} ms/customer)"


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each timing's minimum over the rounds (None stays None); the first run's digest."""
    out = dict(runs[0])
    for key in ("standard_s", "standard_cpu_s", "defined_s", "defined_cpu_s"):
        values = [r[key] for r in runs if r[key] is not None]
        out[key] = min(values) if values else None
    out["digests"] = sorted({r["digest"] for r in runs})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--events-per", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per child")
    parser.add_argument("--rounds", type=int, default=3, help="children per side, interleaved")
    parser.add_argument("--refs", default="ef9f13a", help="comma-separated git refs to compare")
    args = parser.parse_args()
    refs = [r for r in args.refs.split(",") if r]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        events = write_data(folder, args.customers, args.events_per)
        sides = {ref: extract(ref, folder) for ref in refs}
        sides["this tree"] = ROOT / "src"
        print(
            f"# {args.customers:,} customers, {events:,} events, as of {AS_OF}; best of "
            f"{args.rounds} rounds x {args.repeat} runs, the sides interleaved round by round"
        )
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, src in sides.items():
                runs[name].append(run(src, folder, args.repeat))
    results = {name: _best(r) for name, r in runs.items()}
    n = args.customers
    before, after = results[refs[0]] if refs else None, results["this tree"]
    print(f"{'measure':<32} " + " ".join(f"{name:>32}" for name in results) + "   ratio")
    for key, label in (
        ("standard_s", "profile, standard signals (wall)"),
        ("standard_cpu_s", "profile, standard signals (CPU)"),
        ("defined_s", "+ defined signal (wall)"),
        ("defined_cpu_s", "+ defined signal (CPU)"),
    ):
        cells = " ".join(f"{_fmt(r[key], n):>32}" for r in results.values())
        ratio = "n/a"
        if before is not None and before[key] is not None and after[key] is not None:
            ratio = f"{after[key] / before[key]:.2f}"
        print(f"{label:<32} {cells}   {ratio}")
    same = len({d for r in results.values() for d in r["digests"]}) == 1
    print(f"# standard signals identical on every side: {'yes' if same else 'NO'}")
    print("# ratio: this tree / the first ref (below 1 is faster); CPU is process time,")
    print("# which a busy machine disturbs less than wall time")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
