"""Generate the bundled demo event log (``data/demo_events.csv.gz``).

Run ``python -m lifecycle.datasets._make_demo`` to write it again; the output is the same
byte for byte on every run (a seeded NumPy generator and a fixed gzip timestamp).

The log is synthetic: 3,000 customers of a fictional EUR retailer acquired over 2023-2024
and observed until 2025-06-30. Each customer has a latent type that drives their
behaviour, so every feature of the library has something real to show:

========== ===== ===========================================================
type       share behaviour
========== ===== ===========================================================
one-off     30 % one purchase, perhaps a visit; some answer a survey badly
occasional  30 % a purchase every few months for a while, then drift away
regular     25 % frequent purchases across categories, good survey scores
lapsing     10 % regular at first, then complaints, low scores, cancellation
won back     5 % lapse for months, then return after a win-back offer
========== ===== ===========================================================

Examples
--------
>>> rows = generate(customers=5)
>>> sorted(rows[0])
['amount', 'category', 'channel', 'currency', 'customer', 'date', 'kind', 'score']
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["END", "SEED", "generate", "write"]

SEED = 20261123
START = dt.date(2023, 1, 1)
END = dt.date(2025, 6, 30)
CATEGORIES = ("books", "music", "games", "electronics", "home")
CHANNELS = ("web", "store", "app")
TYPES = ("one-off", "occasional", "regular", "lapsing", "won back")
TYPE_SHARES = (0.30, 0.30, 0.25, 0.10, 0.05)
FIELDS = ("customer", "date", "kind", "amount", "currency", "category", "channel", "score")


def _amount(rng: np.random.Generator, mean: float) -> str:
    cents = max(199, int(rng.gamma(4.0, mean * 25)))
    return f"{cents // 100}.{cents % 100:02d}"


def generate(customers: int = 3000, seed: int = SEED) -> list[dict[str, Any]]:
    """Return the demo events as records (dicts with the fields of ``EventLog.from_records``).

    Examples
    --------
    >>> generate(customers=3) == generate(customers=3)
    True
    """
    rng = np.random.default_rng(seed)
    horizon = (END - START).days
    rows: list[dict[str, Any]] = []

    def add(customer: str, day: dt.date, kind: str, **fields: Any) -> None:
        if day <= END:
            rows.append({"customer": customer, "date": day.isoformat(), "kind": kind, **fields})

    for number in range(1, customers + 1):
        cid = f"C{number:05d}"
        kind = TYPES[int(rng.choice(len(TYPES), p=TYPE_SHARES))]
        first = START + dt.timedelta(days=int(rng.integers(0, horizon - 180)))
        favourite = int(rng.integers(len(CATEGORIES)))
        channel = CHANNELS[int(rng.integers(len(CHANNELS)))]
        spend = float(rng.uniform(15, 60))
        breadth = {"one-off": 1, "occasional": 2, "regular": 4, "lapsing": 2, "won back": 3}[kind]
        gap = {"one-off": 0, "occasional": 75, "regular": 21, "lapsing": 30, "won back": 35}[kind]
        span = {"one-off": 0, "occasional": 420, "regular": 900, "lapsing": 200, "won back": 180}
        if rng.random() < 0.5:
            add(cid, first - dt.timedelta(days=int(rng.integers(1, 15))), "visit", channel=channel)
        day = first
        while day <= first + dt.timedelta(days=span[kind]) and day <= END:
            category = CATEGORIES[(favourite + int(rng.integers(breadth))) % len(CATEGORIES)]
            add(
                cid,
                day,
                "purchase",
                amount=_amount(rng, spend),
                currency="EUR",
                category=category,
                channel=channel,
            )
            if rng.random() < 0.3:
                add(
                    cid, day + dt.timedelta(days=int(rng.integers(1, 10))), "visit", channel=channel
                )
            if gap == 0:
                break
            day += dt.timedelta(days=max(1, int(rng.exponential(gap))))
        last = day
        if kind == "one-off" and rng.random() < 0.3:
            add(cid, first + dt.timedelta(days=14), "survey", score=int(rng.integers(0, 8)))
        if kind in ("occasional", "regular") and rng.random() < 0.6:
            low, high = (6, 11) if kind == "regular" else (4, 10)
            add(
                cid,
                first + dt.timedelta(days=int(rng.integers(20, 200))),
                "survey",
                score=int(rng.integers(low, high)),
            )
        if kind == "regular" and rng.random() < 0.1:
            add(cid, first + dt.timedelta(days=int(rng.integers(30, 300))), "complaint")
        if kind == "lapsing":
            for _ in range(int(rng.integers(1, 4))):
                add(cid, last - dt.timedelta(days=int(rng.integers(0, 60))), "complaint")
            add(cid, last - dt.timedelta(days=10), "survey", score=int(rng.integers(0, 5)))
            if rng.random() < 0.6:
                add(cid, last + dt.timedelta(days=int(rng.integers(20, 90))), "cancellation")
        if kind == "won back":
            back = last + dt.timedelta(days=int(rng.integers(200, 320)))
            add(cid, back - dt.timedelta(days=7), "contact", channel="email")
            for step in range(int(rng.integers(1, 5))):
                add(
                    cid,
                    back + dt.timedelta(days=30 * step),
                    "purchase",
                    amount=_amount(rng, spend),
                    currency="EUR",
                    category=CATEGORIES[favourite],
                    channel=channel,
                )
            add(cid, back + dt.timedelta(days=40), "survey", score=int(rng.integers(7, 11)))
    for row in rows:
        for field in FIELDS:
            row.setdefault(field, None)
    rows.sort(key=lambda r: (r["date"], r["customer"]))
    return rows


def write(path: Path, customers: int = 3000, seed: int = SEED) -> None:
    """Write the demo log as gzip-compressed CSV, identical on every run."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in generate(customers, seed):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    data = gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0)
    path.write_bytes(data)


if __name__ == "__main__":
    write(Path(__file__).with_name("data") / "demo_events.csv.gz")
