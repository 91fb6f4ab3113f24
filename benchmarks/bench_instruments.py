"""Time the survey instruments and the satisfaction model on 10 million responses.

Run from the repository root::

    python benchmarks/bench_instruments.py [--n 10000000] [--repeat 3]

A response is one answer: one 0-10 score for NPS, one (functional, dysfunctional) pair for
Kano, one (importance, performance) pair for IPA, one cell of the respondents x items matrix
for Cronbach's alpha (n / 5 respondents x 5 items) and for the satisfaction model (n / 4
respondents x the 4 default dimensions, with 5% of answers missing). Answers are integer
arrays as a survey export would hold them; IPA ratings are floats. The best of ``--repeat``
runs is reported, after one warm-up run.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lifecycle.instruments import cronbach_alpha, csat, ipa, kano, nps
from lifecycle.satisfaction import default_satisfaction


def best_time(func: Callable[[], Any], repeat: int) -> float:
    func()  # warm-up: first-touch page faults, lazy imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def cases(n: int, rng: np.random.Generator) -> list[tuple[str, str, Callable[[], Any]]]:
    scores = rng.integers(0, 11, n)
    five_point = rng.integers(1, 6, n)
    functional = rng.integers(1, 6, n)
    dysfunctional = rng.integers(1, 6, n)
    importance = rng.uniform(1, 5, n)
    performance = rng.uniform(1, 5, n)
    items = rng.integers(1, 6, (n // 5, 5))
    model = default_satisfaction()
    answers = rng.integers(1, 6, (n // 4, 4)).astype(float)
    answers[rng.random(answers.shape) < 0.05] = np.nan
    columns = list(model.leaf_names)
    return [
        ("nps (adjusted Wald CI)", f"{n:,}", lambda: nps(scores, ci="adjusted_wald")),
        ("csat (top 2 of 1-5)", f"{n:,}", lambda: csat(five_point, (1, 5))),
        ("kano", f"{n:,} pairs", lambda: kano(functional, dysfunctional)),
        ("ipa (mean crosshair)", f"{n:,} pairs", lambda: ipa(importance, performance)),
        ("cronbach_alpha", f"{n // 5:,} x 5", lambda: cronbach_alpha(items)),
        (
            "SatisfactionModel.score",
            f"{n // 4:,} x 4",
            lambda: model.score(answers, columns=columns),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="responses per instrument")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is kept)")
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    rows = []
    for name, shape, func in cases(args.n, rng):
        seconds = best_time(func, args.repeat)
        rows.append((name, shape, seconds, args.n / seconds))
    header = ("instrument", "n", "seconds", "responses/s")
    widths = [max(len(header[0]), *(len(r[0]) for r in rows)), 18, 8, 14]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for name, shape, seconds, rate in rows:
        print(
            f"{name.ljust(widths[0])} | {shape.ljust(widths[1])} | {seconds:8.3f} | {rate:14,.0f}"
        )


if __name__ == "__main__":
    main()
