"""Time ``PricingPolicy.quote_many`` against looping ``PricingPolicy.quote``.

Usage::

    .venv/bin/python benchmarks/bench_pricing.py [--customers N] [--sample N] [--repeat N]

A synthetic event log (seeded NumPy, built with ``EventLog.from_arrays``) gives a population
of N customers (default 1,000,000) with a relationship ``stage`` joined on. Two policies
price them, each six rules in sequence with a floor, a maximum discount and half-even
rounding per line, each customer with its own base price and quantity:

* ``signals``: volume tiers by quantity, two years of tenure (``tenure_at_least``), an
  amount off for regulars, big spenders, recent buyers, a win-back discount after a year
  of silence: conditions on standard signals only;
* ``stages``: volume tiers, discounts by relationship stage (``attribute("stage")``, a
  joined object column), tenure, regulars, a win-back discount for dissolved customers.

The batch side is ``policy.quote_many(population, prices, quantities)`` (best of
``--repeat`` runs), split into evaluating the rules' conditions and the price arithmetic.
The peer is the single engine: ``policy.quote(...)`` looped over a sample of customers
(profiles built beforehand and not timed), extrapolated to N. The script checks that both
engines give the same total for every sampled customer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from typing import Any

import numpy as np
from dateutil.relativedelta import relativedelta

from lifecycle import EventLog, Money, RoundingPolicy, attribute, signal
from lifecycle.pricing import AmountOff, PercentOff, PricingPolicy, Tiered, tenure_at_least

AS_OF = dt.date(2024, 7, 1)
STAGES = np.array(["exploration", "awareness", "expansion", "commitment", "dissolution"])
TARGET_SECONDS = 1.0


def build_log(n: int, seed: int) -> EventLog:
    """About three purchases per customer over five and a half years."""
    rng = np.random.default_rng(seed)
    extra = rng.integers(0, n, 2 * n)
    customer = np.concatenate([np.arange(n), extra])
    size = len(customer)
    date = np.datetime64("2019-01-01") + rng.integers(0, 2000, size).astype("timedelta64[D]")
    log = EventLog.from_arrays(
        customer=customer,
        date=date,
        amount_minor=rng.integers(500, 20_000, size),
        currency="EUR",
        quantity=rng.integers(1, 6, size),
    )
    assert isinstance(log, EventLog)
    return log


def _guards(rules: list[Any]) -> PricingPolicy:
    return PricingPolicy(
        rules,
        floor=Money("4.00", "EUR"),
        max_discount=25,
        rounding=RoundingPolicy(mode="half_even", per="line"),
    )


def build_policies() -> dict[str, PricingPolicy]:
    """The two six-rule policies, by label."""
    volume = Tiered([(1, 0), (5, 5), (20, 10)], mode="volume", name="volume")
    two_years = PercentOff(5, when=tenure_at_least(relativedelta(years=2)), name="two years")
    regular = AmountOff(
        Money("1.00", "EUR"), when=signal("repeat_purchase_count") >= 3, name="regular"
    )
    stage = attribute("stage")
    return {
        "signals": _guards(
            [
                volume,
                two_years,
                regular,
                PercentOff(
                    10, when=signal("total_spend") >= Money("300", "EUR"), name="big spender"
                ),
                PercentOff(3, when=signal("purchases_365d") >= 2, name="recent"),
                PercentOff(15, when=signal("days_since_last_purchase") > 365, name="win back"),
            ]
        ),
        "stages": _guards(
            [
                volume,
                PercentOff(10, when=stage == "commitment", name="commitment"),
                PercentOff(5, when=stage == "expansion", name="expansion"),
                two_years,
                regular,
                PercentOff(
                    15,
                    when=(stage == "dissolution") & (signal("days_since_last_purchase") > 180),
                    name="win back",
                ),
            ]
        ),
    }


def run(
    label: str,
    policy: PricingPolicy,
    population: Any,
    prices: Any,
    quantities: Any,
    profiles: list[Any],
    sample: Any,
    repeat: int,
) -> dict[str, Any]:
    """Time one policy both ways; check the engines agree on the sample."""
    on = np.datetime64(AS_OF, "D")
    batch: list[float] = []
    conditions: list[float] = []
    table: Any = None
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        for rule in policy.rules:
            rule._holds_many(population, on)
        conditions.append(time.perf_counter() - start)
        start = time.perf_counter()
        table = policy.quote_many(population, prices, quantities)
        batch.append(time.perf_counter() - start)
    start = time.perf_counter()
    quotes = [
        policy.quote(
            Money.from_minor(int(prices[i]), "EUR"), customer=p, quantity=int(quantities[i])
        )
        for i, p in zip(sample.tolist(), profiles, strict=True)
    ]
    loop = time.perf_counter() - start
    agree = all(
        q.total.to_minor() == int(table.total_minor[i])
        for q, i in zip(quotes, sample.tolist(), strict=True)
    )
    return {
        "label": label,
        "batch": min(batch),
        "runs": batch,
        "conditions": min(conditions),
        "loop": loop,
        "agree": agree,
        "applied": {r.name: int(table[f"rule:{r.name}"].sum()) for r in policy.rules},
        "bound": {g: int(table[f"guard:{g}"].sum()) for g in policy.guards},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240701)
    args = parser.parse_args(argv)
    n = args.customers

    start = time.perf_counter()
    log = build_log(n, args.seed)
    t_log = time.perf_counter() - start
    rng = np.random.default_rng(args.seed + 1)
    start = time.perf_counter()
    population = log.population(AS_OF)
    stages = STAGES[rng.integers(0, len(STAGES), len(population))].astype(object)
    population = population.join({"customer": population.customer, "stage": stages})
    t_pop = time.perf_counter() - start
    prices = rng.integers(500, 50_000, len(population))
    quantities = rng.integers(1, 31, len(population))
    policies = build_policies()
    sample = np.sort(rng.choice(len(population), size=min(args.sample, n), replace=False))
    ids = population.customer[sample].tolist()
    start = time.perf_counter()
    profiles = [
        log.profile(c, AS_OF).with_attributes(stage=s)
        for c, s in zip(ids, stages[sample].tolist(), strict=True)
    ]
    t_profiles = time.perf_counter() - start
    results = [
        run(label, policy, population, prices, quantities, profiles, sample, args.repeat)
        for label, policy in policies.items()
    ]

    size = len(population)
    print(
        f"# bench_pricing: Python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}, seed {args.seed}"
    )
    print(
        f"# {len(log):,} events, {size:,} customers as of {AS_OF}; log built in "
        f"{t_log:.2f} s, population + stage join in {t_pop:.2f} s; "
        f"{len(sample):,} profiles for the loop in {t_profiles:.2f} s (not timed below)"
    )
    print(
        "# each policy: 6 rules in sequence, floor 4.00 EUR, max_discount 25%, half-even per line"
    )
    print()
    head = (
        f"{'policy':<9}{'quote_many s':>13}{'conditions':>12}{'arithmetic':>12}"
        f"{'us/quote':>10}{'loop us/quote':>15}{'loop s (all)':>13}{'ratio':>8}{'< 1 s':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        per_loop = r["loop"] / len(sample)
        extrapolated = per_loop * size
        print(
            f"{r['label']:<9}{r['batch']:>13.3f}{r['conditions']:>12.3f}"
            f"{r['batch'] - r['conditions']:>12.3f}{1e6 * r['batch'] / size:>10.3f}"
            f"{1e6 * per_loop:>15.1f}{extrapolated:>13.1f}{extrapolated / r['batch']:>7.0f}x"
            f"{'PASS' if r['batch'] < TARGET_SECONDS else 'FAIL':>7}"
        )
    print()
    print("ours: quote_many over the whole population (best run); conditions: evaluating the")
    print("rules' conditions alone (inside quote_many); peer: quote() looped over the sample,")
    print(f"extrapolated to all {size:,} customers.")
    for r in results:
        print(
            f"{r['label']}: runs {', '.join(f'{t:.3f}' for t in r['runs'])} s; same totals for "
            f"all sampled customers: {'yes' if r['agree'] else 'NO'}; rules applied "
            f"{r['applied']}; guards bound {r['bound']}"
        )
    return 0 if all(r["agree"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
