"""The two pricing engines behind :class:`~lifecycle.pricing.PricingPolicy` (private).

:func:`run_one` prices one line with exact fractions and :meth:`RoundingPolicy.apply`;
:func:`run_many` prices a population with integer arrays and
:func:`~lifecycle.money.divide_minor`. They follow the same steps in the same order: the
rules as the policy combines them, rounding, the lower bounds (floor, min_margin,
max_discount, each rounded up), the cap check, then the upper bounds (cap, renewal).

Examples
--------
>>> from lifecycle import Money
>>> from lifecycle.pricing import PricingPolicy, PercentOff
>>> policy = PricingPolicy([PercentOff(15)], floor=Money("9.00", "EUR"))
>>> ctx = OneContext(quantity=1, lifetime=0, currency=policy.currency, on=None)
>>> run_one(policy, [True], 1000, ctx, None, None)[0]
900
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_int_array
from .._values import plain
from ..errors import PricingError, ValidationError
from ..money import Currency, Money
from ..signals import Population, Profile
from ._exact import BatchLines, OneLine, fraction_money, mul, round_div, round_fraction
from ._quote import Step
from ._rules import ManyContext, OneContext, PriceRule, _whole_minor

if TYPE_CHECKING:
    from ._policy import PricingPolicy

__all__ = [
    "all_hold",
    "build_steps",
    "lower_many",
    "lower_one",
    "margin_factor",
    "minor_array",
    "plain",
    "run_many",
    "run_one",
]


def _pct(value: Any) -> str:
    return f"{value.normalize():f}"


def margin_factor(percent: Any) -> Fraction:
    """``100 / (100 - percent)``: the price with this gross margin over a cost of 1.

    Examples
    --------
    >>> margin_factor(20)
    Fraction(5, 4)
    """
    return Fraction(100) / (100 - Fraction(percent))


# ---------------------------------------------------------------------- single engine


def run_one(
    policy: PricingPolicy,
    flags: list[bool],
    base: int,
    ctx: OneContext,
    cost: int | None,
    renewal: int | None,
) -> tuple[int, list[Any]]:
    """The single engine: the total in minor units and raw step records."""
    exact = policy.rounding.per == "total"
    mode = policy.rounding.mode
    listed = base * ctx.quantity
    records: list[Any] = []
    line = OneLine(listed, exact=exact, mode=mode)
    if policy.combine == "best_for_customer":
        best: tuple[int, int] | None = None
        candidates: list[int | None] = []
        for rule, holds in zip(policy.rules, flags, strict=True):
            if not holds:
                candidates.append(None)
                continue
            alone = OneLine(listed, exact=exact, mode=mode)
            rule._one(alone, ctx)
            value = alone.rounded()
            candidates.append(value)
            if best is None or value < best[0]:
                best = (value, len(candidates) - 1)
        for i, candidate in enumerate(candidates):
            if candidate is None:
                records.append(("rule", i, None, None, False))
            else:
                used = best is not None and best[1] == i
                records.append(("rule", i, Fraction(listed), Fraction(candidate), used))
        line = OneLine(listed if best is None else best[0], exact=exact, mode=mode)
    else:
        matched = False
        for i, (rule, holds) in enumerate(zip(policy.rules, flags, strict=True)):
            if matched and policy.combine == "first_match":
                records.append(("skipped", i, None, None, False))
                continue
            if not holds:
                records.append(("rule", i, None, None, False))
                continue
            before = line.value
            rule._one(line, ctx)
            records.append(("rule", i, before, line.value, True))
            matched = True
    total = line.rounded()
    if line.value != total:
        records.append(("rounding", line.value, total))
    for name, bound, why in lower_one(policy, base, ctx.quantity, cost, ctx.currency):
        if bound > total:
            records.append(("guard", name, total, bound, why))
            total = bound
    cap = policy.cap
    if cap is not None:
        cap_bound = _whole_minor(cap, "cap") * ctx.quantity
        for name, bound, _ in lower_one(policy, base, ctx.quantity, cost, ctx.currency):
            if bound > cap_bound:
                msg = (
                    f"the {name} bound {Money.from_minor(bound, ctx.currency)} is above "
                    f"the cap {Money.from_minor(cap_bound, ctx.currency)} for this line"
                )
                raise PricingError(msg)
        if cap_bound < total:
            records.append(("guard", "cap", total, cap_bound, cap_why(policy, ctx.quantity)))
            total = cap_bound
    if renewal is not None and renewal < total:
        why = (
            "a returning customer never pays more than a new one (FCA renewal rule); "
            f"a new customer pays {Money.from_minor(renewal, ctx.currency)}"
        )
        records.append(("guard", "renewal", total, renewal, why))
        total = renewal
    return total, records


def lower_one(
    policy: PricingPolicy, base: int, quantity: int, cost: int | None, currency: Currency
) -> list[tuple[str, int, str]]:
    """Lower bounds on one line total: (guard, whole minor units rounded up, why)."""
    out: list[tuple[str, int, str]] = []
    per = f" x {quantity}" if quantity > 1 else ""
    if policy.floor is not None:
        floor = _whole_minor(policy.floor, "floor") * quantity
        out.append(("floor", floor, f"no less than {policy.floor} per unit{per}"))
    if policy.min_margin is not None and cost is not None:
        shown = Money.from_minor(cost, currency)
        if isinstance(policy.min_margin, Money):
            bound = (cost + _whole_minor(policy.min_margin, "min_margin")) * quantity
            why = f"at least {policy.min_margin} per unit above the unit cost of {shown}"
        else:
            exact = cost * quantity * margin_factor(policy.min_margin)
            bound = round_fraction(exact, "ceiling")
            why = (
                f"a margin of at least {_pct(policy.min_margin)}% of the price over the "
                f"unit cost of {shown}{per}"
            )
        out.append(("min_margin", bound, why))
    if policy.max_discount is not None:
        listed = base * quantity
        keep = (100 - Fraction(policy.max_discount)) / 100
        bound = round_fraction(listed * keep, "ceiling")
        why = (
            f"at most {_pct(policy.max_discount)}% off the list price of "
            f"{Money.from_minor(listed, currency)}"
        )
        out.append(("max_discount", bound, why))
    return out


def cap_why(policy: PricingPolicy, quantity: int) -> str:
    """Why the cap bound."""
    per = f" x {quantity}" if quantity > 1 else ""
    return f"no more than {policy.cap} per unit{per}"


def build_steps(
    policy: PricingPolicy,
    records: list[Any],
    checks: list[tuple[bool, str]],
    currency: Currency,
) -> tuple[Step, ...]:
    """Turn :func:`run_one`'s records into the steps of a quote."""

    def money(value: Fraction | int) -> Money:
        return fraction_money(Fraction(value), currency)

    winner = next((policy.rules[r[1]].name for r in records if r[0] == "rule" and r[4]), None)
    out: list[Step] = []
    for record in records:
        tag = record[0]
        if tag in ("rule", "skipped"):
            _, i, before, after, used = record
            rule = policy.rules[i]
            why = checks[i][1]
            if tag == "skipped":
                why = f"not considered: {winner!r} matched first"
            elif before is not None and not used:
                why = f"{why}; {winner!r} gives a lower price"
            out.append(
                Step(
                    name=rule.name,
                    kind="rule",
                    applied=used,
                    before=None if before is None else money(before),
                    after=None if after is None else money(after),
                    why=why,
                    description=rule.describe(),
                )
            )
        elif tag == "rounding":
            _, exact, total = record
            mode = policy.rounding.mode.replace("_", "-")
            out.append(
                Step(
                    "rounding",
                    "rounding",
                    True,
                    money(exact),
                    money(total),
                    f"{mode} to the minor unit",
                )
            )
        else:
            _, name, before, after, why = record
            out.append(Step(name, "guard", True, money(before), money(after), why))
    return tuple(out)


# ---------------------------------------------------------------------- batch engine


def run_many(
    policy: PricingPolicy,
    flags: list[NDArray[np.bool_]],
    base: NDArray[np.int64],
    ctx: ManyContext,
    cost: NDArray[np.int64] | None,
    renewal: NDArray[np.int64] | None,
    population: Population,
) -> tuple[NDArray[np.int64], list[NDArray[np.bool_]], dict[str, NDArray[np.bool_]]]:
    """The batch engine: totals, which rules set them, which guards bound."""
    exact = policy.rounding.per == "total"
    mode = policy.rounding.mode
    n = len(base)
    listed = mul(base, ctx.quantity)
    applied: list[NDArray[np.bool_]] = []
    if policy.combine == "best_for_customer":
        best = np.zeros(n, dtype=np.int64)
        which = np.full(n, -1, dtype=np.int64)
        for i, (rule, holds) in enumerate(zip(policy.rules, flags, strict=True)):
            alone = BatchLines(listed, exact=exact, mode=mode)
            rule._many(alone, holds, ctx)
            value = alone.rounded()
            better = holds & ((which < 0) | (value < best))
            best = np.where(better, value, best)
            which = np.where(better, i, which)
        total = np.where(which >= 0, best, round_div(listed, 1, mode))
        applied = [which == i for i in range(len(policy.rules))]
    else:
        lines = BatchLines(listed, exact=exact, mode=mode)
        free = np.ones(n, dtype=bool)
        for rule, holds in zip(policy.rules, flags, strict=True):
            use = holds & free if policy.combine == "first_match" else holds
            if use.any():
                rule._many(lines, use, ctx)
            applied.append(use)
            if policy.combine == "first_match":
                free = free & ~holds
        total = lines.rounded()
    bound: dict[str, NDArray[np.bool_]] = {}
    lower = lower_many(policy, base, ctx.quantity, cost)
    for name, limit in lower:
        bound[name] = limit > total
        total = np.maximum(total, limit)
    if policy.cap is not None:
        cap_bound = mul(ctx.quantity, _whole_minor(policy.cap, "cap"))
        for name, limit in lower:
            over = limit > cap_bound
            if over.any():
                i = int(np.flatnonzero(over)[0])
                msg = (
                    f"the {name} bound {Money.from_minor(int(limit[i]), ctx.currency)} is "
                    f"above the cap {Money.from_minor(int(cap_bound[i]), ctx.currency)} "
                    f"for customer {plain(population['customer'][i])!r} "
                    f"({int(over.sum())} customers)"
                )
                raise PricingError(msg)
        bound["cap"] = cap_bound < total
        total = np.minimum(total, cap_bound)
    if renewal is not None:
        bound["renewal"] = renewal < total
        total = np.minimum(total, renewal)
    return total.astype(np.int64), applied, bound


def lower_many(
    policy: PricingPolicy,
    base: NDArray[np.int64],
    quantity: NDArray[np.int64],
    cost: NDArray[np.int64] | None,
) -> list[tuple[str, NDArray[np.int64]]]:
    """Lower bounds on every line total: (guard, whole minor units rounded up)."""
    out: list[tuple[str, NDArray[np.int64]]] = []
    if policy.floor is not None:
        out.append(("floor", mul(quantity, _whole_minor(policy.floor, "floor"))))
    if policy.min_margin is not None and cost is not None:
        if isinstance(policy.min_margin, Money):
            extra = _whole_minor(policy.min_margin, "min_margin")
            out.append(("min_margin", mul(cost + extra, quantity)))
        else:
            f = margin_factor(policy.min_margin)
            line_cost = mul(cost, quantity)
            bound = round_div(mul(line_cost, f.numerator), f.denominator, "ceiling")
            out.append(("min_margin", bound))
    if policy.max_discount is not None:
        keep = (100 - Fraction(policy.max_discount)) / 100
        listed = mul(base, quantity)
        bound = round_div(mul(listed, keep.numerator), keep.denominator, "ceiling")
        out.append(("max_discount", bound))
    return out


def all_hold(rule: PriceRule, profile: Profile) -> bool:
    return all(bool(cond.evaluate(profile)) for cond in rule.conditions())


def minor_array(
    name: str, values: ArrayLike, n: int, *, low: int, money: bool = True
) -> NDArray[np.int64]:
    """Validate a scalar or per-customer array of whole numbers; broadcast to ``n``."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f" and money:
        msg = f"{name!r} must be int64 minor units, not floats (got dtype {arr.dtype})"
        raise ValidationError(msg)
    if arr.dtype.kind in "OUS" or arr.dtype.kind == "b":
        msg = f"{name!r} must be whole numbers (got dtype {arr.dtype})"
        raise ValidationError(msg)
    if arr.ndim == 0:
        out = as_int_array(name, arr.reshape(1))
        out = np.broadcast_to(out, (n,))
    else:
        out = as_int_array(name, arr, allow_empty=True)
        if len(out) != n:
            msg = f"{name!r} must have one value per customer ({n}) or be a scalar (got {len(out)})"
            raise ValidationError(msg)
    bad = out < low
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"{name!r} must be >= {low} ({int(bad.sum())} violations, first at index {i}: "
            f"{int(out[i])})"
        )
        raise PricingError(msg)
    return np.ascontiguousarray(out, dtype=np.int64)
