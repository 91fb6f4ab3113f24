"""Time stage replay against ``transitions`` (one state machine per customer), and classify.

Usage::

    .venv/bin/python benchmarks/bench_stages.py [--customers N] [--events N]
        [--classify N] [--repeat N] [--skip-peer]

The input is one seeded synthetic log (100k customers, 1M events by default: purchases with
amounts and categories, visits, complaints, cancellations over three years), written once
to a temporary folder. Each side runs in a fresh child process:

* **peer**: ``transitions`` 0.9.3 in ``benchmarks/.venv-transitions`` (created on first
  use). As a CRM would use it: one ``Machine`` per customer, the five default stages, the
  default model's 14 transitions as one ``evaluate`` trigger with a guard each (in priority
  order). The events are fed in date order; per event the loop updates that customer's
  running state (purchase days, prefix sums of spend, categories, visits, last
  cancellation); at the end of each customer's day it calls ``evaluate()`` until no guard
  holds (a dissolution or win-back move ends the walk, as in our model). Guards compute
  the same signals from the running state with ``bisect`` (windows of 90, 180, 365
  days). We time creating the machines and feeding the events, and take the resident
  memory they add (``VmRSS`` delta) per customer.
* **ours**: ``default_lifecycle().replay(log)`` on the same events (an ``EventLog`` built
  with ``from_arrays``, not timed): every customer evaluated on each of their event dates
  with all standard signals. We time the replay (best of ``--repeat``) and report the
  timeline's bytes per customer (its columns, which are all the state it keeps) and the
  process's peak memory during the replay.

Both sides must end with the same stage for every customer and the same number of stage
changes; the script says so. Then ``classify`` of a 10M-customer population (columns
built directly with the dtypes of the standard signals; only ``classify`` is timed, one
thread).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peer import HERE, ensure_venv, repo_python, run_child

TRANSITIONS_VENV = HERE / ".venv-transitions"
TRANSITIONS_REQUIREMENT = "transitions==0.9.3"
TARGET_SPEEDUP = 100.0
TARGET_BYTES = 200.0
TARGET_CLASSIFY_S = 2.0
STAGES = ("exploration", "awareness", "expansion", "commitment", "dissolution")
KINDS = ("purchase", "visit", "complaint", "cancellation")
SINGLE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

_MEMORY = r"""
import json, resource, sys, time

def rss_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def peak_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
"""

# The peer: plain Python 3 plus transitions. The guards are the default model's rules
# (default_lifecycle() with its default thresholds), computed from a running state.
_PEER = (
    _MEMORY
    + r"""
import array, bisect, gc
from transitions import Machine

folder, n_customers = sys.argv[1], int(sys.argv[2])

def load(name):
    values = array.array("q")
    with open(folder + "/" + name + ".bin", "rb") as fh:
        values.frombytes(fh.read())
    return values

cust, day, kind, amount, category = (load(n) for n in ("cust", "day", "kind", "amount", "category"))
STAGES = ["exploration", "awareness", "expansion", "commitment", "dissolution"]


class Customer:
    def __init__(self):
        self.today = 0
        self.buys = []        # day of each purchase, ascending
        self.spent = [0]      # prefix sums of purchase amounts
        self.first = None
        self.last = None
        self.buy_days = 0     # distinct purchase days
        self.categories = set()
        self.visits = 0
        self.last_cancel = None

    # signals as of self.today
    def _count(self, lo, hi):
        return bisect.bisect_right(self.buys, hi) - bisect.bisect_right(self.buys, lo)

    def _spend(self, lo, hi):
        return self.spent[bisect.bisect_right(self.buys, hi)] - self.spent[bisect.bisect_right(self.buys, lo)]

    def _gap(self):
        return None if self.buy_days < 2 else (self.last - self.first) / (self.buy_days - 1)

    def _lapse(self):
        gap = self._gap()
        return None if gap is None else (self.today - self.last) / gap

    def is_cancelled(self):
        return self.last_cancel is not None and (self.last is None or self.last_cancel >= self.last)

    def is_lapsed(self):
        if self.last is None or self.today - self.last < 90:  # min_lapse_days
            return False
        lapse = self._lapse()
        if lapse is not None and lapse > 3.0:
            return True
        return self._gap() is None and self.last is not None and self.today - self.last > 365

    def is_aware(self):
        return len(self.buys) - 1 >= 1 or self.visits >= 2

    def is_committed(self):
        lapse = self._lapse()
        t = self.today
        return (self.first is not None and t - self.first >= 365
                and self._count(t - 365, t) >= 6 and lapse is not None and lapse <= 1.5)

    def _rising_spend(self):
        t = self.today
        return self._spend(t - 90, t) > self._spend(t - 180, t - 90)

    def is_expanding(self):
        t = self.today
        if len(self.buys) < 3:
            return False
        recent = self._count(t - 90, t)
        return ((recent > self._count(t - 180, t - 90) and recent >= 2) or self._rising_spend()
                or len(self.categories) >= 3 or self.is_committed())

    def is_weakening(self):
        lapse = self._lapse()
        t = self.today
        return self._count(t - 365, t) < 6 or (lapse is not None and lapse > 1.5)

    def is_falling(self):
        t = self.today
        return (self._count(t - 90, t) < self._count(t - 180, t - 90) and not self._rising_spend()
                and not len(self.categories) >= 3 and not self.is_committed())

    def is_won_back(self):
        return not (self.is_cancelled() or self.is_lapsed())


def rules():
    out = []
    forward = {"exploration": ("awareness", "is_aware"), "awareness": ("expansion", "is_expanding"),
               "expansion": ("commitment", "is_committed")}
    backward = {"expansion": ("awareness", "is_falling"), "commitment": ("expansion", "is_weakening")}
    for name in STAGES[:-1]:
        out.append({"trigger": "evaluate", "source": name, "dest": "dissolution", "conditions": "is_cancelled"})
        out.append({"trigger": "evaluate", "source": name, "dest": "dissolution", "conditions": "is_lapsed"})
        for table in (forward, backward):
            if name in table:
                dest, guard = table[name]
                out.append({"trigger": "evaluate", "source": name, "dest": dest, "conditions": guard})
    out.append({"trigger": "evaluate", "source": "dissolution", "dest": "exploration", "conditions": "is_won_back"})
    return out

RULES = rules()
gc.collect()
base = rss_mb()
t0 = time.perf_counter()
customers = []
for _ in range(n_customers):
    c = Customer()
    Machine(model=c, states=STAGES, transitions=RULES, initial="exploration",
            auto_transitions=False)
    customers.append(c)
t1 = time.perf_counter()
gc.collect()
created = rss_mb()

changes = 0
revisits = 0
n = len(cust)
t2 = time.perf_counter()
for i in range(n):
    c = customers[cust[i]]
    d, k = day[i], kind[i]
    if k == 0:
        if c.last != d:
            c.buy_days += 1
        if c.first is None:
            c.first = d
        c.last = d
        c.buys.append(d)
        c.spent.append(c.spent[-1] + amount[i])
        if category[i] >= 0:
            c.categories.add(category[i])
    elif k == 1:
        c.visits += 1
    elif k == 3:
        c.last_cancel = d
    if i + 1 < n and cust[i + 1] == cust[i] and day[i + 1] == d:
        continue
    c.today = d
    visited = {c.state}
    for _ in range(len(STAGES) - 1):
        before = c.state
        if not c.evaluate():
            break
        changes += 1
        if c.state in visited:
            revisits += 1
        visited.add(c.state)
        if c.state == "dissolution" or before == "dissolution":
            break
t3 = time.perf_counter()
gc.collect()
done = rss_mb()
with open(folder + "/peer_stages.bin", "wb") as fh:
    array.array("b", [STAGES.index(c.state) for c in customers]).tofile(fh)
print(json.dumps({
    "create_s": t1 - t0, "events_s": t3 - t2, "changes": changes, "revisits": revisits,
    "create_mb": created - base, "total_mb": done - base, "peak_mb": peak_mb(),
}))
"""
)

_OURS = (
    _MEMORY
    + r"""
import gc
import numpy as np
from lifecycle import EventLog
from lifecycle.stages import default_lifecycle

folder, repeat = sys.argv[1], int(sys.argv[2])
arrays = {n: np.fromfile(folder + "/" + n + ".bin", dtype=np.int64)
          for n in ("cust", "day", "kind", "amount", "category")}
kinds = np.array(["purchase", "visit", "complaint", "cancellation"])
categories = np.array(["c0", "c1", "c2", "c3", "c4", "c5", ""], dtype=object)
log = EventLog.from_arrays(
    customer=arrays["cust"],
    date=arrays["day"].astype("datetime64[D]"),
    kind=kinds[arrays["kind"]],
    amount_minor=arrays["amount"],
    currency="EUR",
    category=categories[arrays["category"]],
)
model = default_lifecycle()
del arrays
gc.collect()
base = rss_mb()
best = float("inf")
for _ in range(repeat):
    reset_peak()
    t0 = time.perf_counter()
    timeline = model.replay(log)
    best = min(best, time.perf_counter() - t0)
    peak = peak_mb()
    if _ + 1 < repeat:
        del timeline
        gc.collect()
now = timeline.stages_on()
assert len(now) == len(log.customers)
now.code.astype(np.int8).tofile(folder + "/our_stages.bin")
carried = now.code.nbytes + timeline.entered.nbytes
print(json.dumps({
    "replay_s": best, "events": len(log), "customers": len(log.customers),
    "changes": len(timeline), "timeline_bytes": timeline.nbytes(),
    "carried_bytes": carried, "base_mb": base, "peak_mb": peak,
}))
"""
)

_CLASSIFY = r"""
import json, sys, time
import numpy as np
from lifecycle.signals import Population
from lifecycle.stages import default_lifecycle

n, repeat = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(7)
count = rng.poisson(4.0, n).astype(np.int64)
has = count > 0
days = np.where(has, rng.integers(1, 5, n), 0)  # distinct purchase days
tenure = np.where(has, rng.integers(0, 1500, n), 0).astype(np.float64)
tenure[~has] = np.nan
since = np.where(has, rng.integers(0, 900, n), 0).astype(np.float64)
since = np.minimum(since, tenure)
gap = np.full(n, np.nan)
many = has & (days > 1)
gap[many] = (tenure[many] - since[many]) / (days[many] - 1)
p90 = rng.binomial(count, 0.15)
p180 = rng.binomial(count - p90, 0.15)
p365 = p90 + p180 + rng.binomial(count - p90 - p180, 0.3)
columns = {
    "customer": np.arange(n, dtype=np.int64),
    "purchase_count": count,
    "repeat_purchase_count": np.maximum(count - 1, 0),
    "visit_count": rng.poisson(2.0, n).astype(np.int64),
    "purchases_90d": p90,
    "purchases_prev_90d": p180,
    "purchases_365d": p365,
    "spend_90d": p90 * rng.integers(500, 9000, n),
    "spend_prev_90d": p180 * rng.integers(500, 9000, n),
    "category_count": np.minimum(count, rng.integers(0, 6, n)),
    "tenure_days": tenure,
    "days_since_last_purchase": since,
    "mean_interpurchase_days": gap,
    "lapse_ratio": since / gap,
    "cancelled": rng.random(n) < 0.02,
}
from lifecycle.money import Currency
population = Population(columns, as_of=None, currency=Currency("EUR"))
model = default_lifecycle()
warm = Population({k: v[:1000] for k, v in columns.items()}, as_of=None, currency=Currency("EUR"))
model.classify(warm)  # builds the model's pattern table once
best = float("inf")
for _ in range(repeat):
    t0 = time.perf_counter()
    codes = model.classify(population)
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"classify_s": best, "customers": n, "counts": codes.counts(),
                  "code_dtype": str(codes.code.dtype)}))
"""


# ---------------------------------------------------------------------------- the peer venv


def ensure_transitions_venv() -> Path | None:
    """Create ``benchmarks/.venv-transitions`` on first use; its python, or None."""
    return ensure_venv(
        TRANSITIONS_VENV,
        (TRANSITIONS_REQUIREMENT,),
        check="import transitions; print(transitions.__version__)",
        expected=TRANSITIONS_REQUIREMENT.split("==")[1],
    )


# ---------------------------------------------------------------------------- input data


def write_events(folder: Path, n_events: int, n_customers: int, seed: int) -> None:
    """A seeded log, sorted by (day, customer) as a CRM would receive it, as int64 files.

    Customers differ in activity (gamma-distributed weights) and in when they are active
    (a random span within three years), so some climb, some lapse and some come back.
    """
    rng = np.random.default_rng(seed)
    weight = rng.gamma(0.8, 1.0, n_customers)
    cust = rng.choice(n_customers, n_events, p=weight / weight.sum())
    cust[:n_customers] = np.arange(n_customers)  # every customer has an event
    first = rng.integers(0, 900, n_customers)
    span = rng.integers(30, 1096, n_customers)
    offset = (rng.random(n_events) * span[cust]).astype(np.int64)
    day = np.datetime64("2021-01-01", "D").astype(np.int64) + np.minimum(first[cust] + offset, 1095)
    kind = rng.choice(4, n_events, p=[0.7, 0.25, 0.04, 0.01])
    amount = np.where(kind == 0, rng.integers(500, 20_000, n_events), 0)
    category = np.where(kind == 0, rng.integers(0, 6, n_events), -1)
    order = np.lexsort((cust, day))
    for name, values in (
        ("cust", cust),
        ("day", day),
        ("kind", kind),
        ("amount", amount),
        ("category", category),
    ):
        np.ascontiguousarray(values[order], dtype=np.int64).tofile(folder / f"{name}.bin")


# ---------------------------------------------------------------------------- report


def row(label: str, ours: str, peer: str, ratio: str) -> str:
    return f"{label:<34} {ours:>14} {peer:>14} {ratio:>10}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--classify", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args(argv)

    print(f"# {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"# {args.events:,} events, {args.customers:,} customers, seed {args.seed}")
    os.environ.update(SINGLE_THREAD)  # the children inherit it
    peer_python = None if args.skip_peer else ensure_transitions_venv()
    with tempfile.TemporaryDirectory(prefix="bench_stages_") as tmp:
        folder = Path(tmp)
        write_events(folder, args.events, args.customers, args.seed)
        ours = run_child(repo_python(), _OURS, str(folder), str(args.repeat))
        peer: dict[str, Any] | None = None
        same = None
        if peer_python is not None:
            peer = run_child(peer_python, _PEER, str(folder), str(args.customers))
            our_stages = np.fromfile(folder / "our_stages.bin", dtype=np.int8)
            peer_stages = np.fromfile(folder / "peer_stages.bin", dtype=np.int8)
            same = bool(np.array_equal(our_stages, peer_stages)) and (
                peer["changes"] == ours["changes"]
            )
    classify = run_child(repo_python(), _CLASSIFY, str(args.classify), str(args.repeat))

    n_events, n_customers = ours["events"], ours["customers"]
    our_rate = n_events / ours["replay_s"]
    our_bytes = (ours["timeline_bytes"] + ours["carried_bytes"]) / n_customers
    print()
    print(row("replay of the event log", "ours", "transitions", "ratio"))
    print(row("", "", "0.9.3", "peer/ours"))
    print("-" * 75)
    if peer is None:
        print("# NOTE: peer not run; our numbers only")
        print(row("replay time (s)", f"{ours['replay_s']:.2f}", "-", "-"))
        print(row("events per second", f"{our_rate:,.0f}", "-", "-"))
        print(row("state bytes per customer", f"{our_bytes:,.0f}", "-", "-"))
        print(row("process peak memory (MB)", f"{ours['peak_mb']:,.0f}", "-", "-"))
    else:
        peer_rate = n_events / peer["events_s"]
        peer_total = peer["create_s"] + peer["events_s"]
        peer_bytes = peer["total_mb"] * 2**20 / n_customers
        print(row("create machines (s)", "0", f"{peer['create_s']:.2f}", "-"))
        print(
            row(
                "feed the events (s)",
                f"{ours['replay_s']:.2f}",
                f"{peer['events_s']:.2f}",
                f"{peer['events_s'] / ours['replay_s']:.1f}x",
            )
        )
        print(
            row(
                "create + feed (s)",
                f"{ours['replay_s']:.2f}",
                f"{peer_total:.2f}",
                f"{peer_total / ours['replay_s']:.1f}x",
            )
        )
        print(
            row(
                "events per second",
                f"{our_rate:,.0f}",
                f"{peer_rate:,.0f}",
                f"{our_rate / peer_rate:.1f}x",
            )
        )
        print(
            row(
                "state bytes per customer",
                f"{our_bytes:,.0f}",
                f"{peer_bytes:,.0f}",
                f"{peer_bytes / our_bytes:.1f}x",
            )
        )
        print(
            row(
                "  of which machines alone",
                "-",
                f"{peer['create_mb'] * 2**20 / n_customers:,.0f}",
                "-",
            )
        )
        print(
            row(
                "process peak memory (MB)",
                f"{ours['peak_mb']:,.0f}",
                f"{peer['peak_mb']:,.0f}",
                "-",
            )
        )
    print(
        row(
            "stage changes",
            f"{ours['changes']:,}",
            "-" if peer is None else f"{peer['changes']:,}",
            "",
        )
    )
    print(
        row("timeline bytes per customer", f"{ours['timeline_bytes'] / n_customers:,.1f}", "", "")
    )
    if same is not None:
        verdict = "yes" if same else "NO"
        print(f"# same final stage for every customer and same number of changes: {verdict}")
        if peer is not None and peer["revisits"]:
            print(f"# NOTE: the peer revisited a stage within a walk {peer['revisits']} times")
    print()
    print(row("classify (default model)", "ours", "target", ""))
    print("-" * 75)
    print(
        row(
            f"{classify['customers']:,} customers (s)",
            f"{classify['classify_s']:.2f}",
            f"< {TARGET_CLASSIFY_S:.1f}",
            "",
        )
    )
    print(
        row(
            "customers per second", f"{classify['customers'] / classify['classify_s']:,.0f}", "", ""
        )
    )
    print(f"# stage counts: {json.dumps(classify['counts'])}")
    print()
    ok = our_bytes < TARGET_BYTES and classify["classify_s"] < TARGET_CLASSIFY_S
    if peer is not None:
        speedup = peer["events_s"] / ours["replay_s"]
        print(
            f"# targets: replay >= {TARGET_SPEEDUP:.0f}x the peer's event loop (got {speedup:.1f}x), "
            f"< {TARGET_BYTES:.0f} B/customer (got {our_bytes:.0f}), classify < "
            f"{TARGET_CLASSIFY_S:.0f} s (got {classify['classify_s']:.2f})"
        )
        ok = ok and speedup >= TARGET_SPEEDUP
        print(f"# all targets met: {'yes' if ok else 'no'}")
    else:
        print(
            f"# targets without the peer: < {TARGET_BYTES:.0f} B/customer and classify < "
            f"{TARGET_CLASSIFY_S:.0f} s: {'met' if ok else 'not met'}; the speed-up is unchecked"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
