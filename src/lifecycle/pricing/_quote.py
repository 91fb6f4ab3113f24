"""Quotes: a price and every step that made it (private).

Examples
--------
>>> import datetime as dt
>>> from lifecycle import Money
>>> eur = lambda s: Money(s, "EUR")
>>> step = Step("loyal", "rule", True, eur("200.00"), eur("180.00"), "met: tenure >= 2 years")
>>> q = Quote(customer=7, on=dt.date(2024, 5, 1), quantity=1, base_price=eur("200.00"),
...           total=eur("180.00"), unit_price=eur("180.00"), steps=(step,))
>>> q.discount, q.discount_percent, q.applied
(Money('20.00', 'EUR'), Decimal('10.00'), ('loyal',))
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

import attrs

from .._display import grid_html
from ..money import Currency, Money

__all__ = ["Quote", "Step"]

StepKind = Literal["rule", "guard", "rounding"]


@attrs.frozen
class Step:
    """One step of a quote: a rule that applied or not, a guard that bound, a rounding.

    Attributes
    ----------
    name : str
        The rule's name, the guard's name (``floor``, ``min_margin``, ``max_discount``,
        ``cap``, ``renewal``) or ``rounding``.
    kind : {"rule", "guard", "rounding"}
    applied : bool
        Whether the step changed the running price (for a rule: whether it was used).
    before, after : Money or None
        The line amount before and after the step (None for a rule that did not apply).
    why : str
        Why it applied or not: the condition with the customer's actual values, or the
        guard's bound.

    Examples
    --------
    >>> from lifecycle import Money
    >>> print(Step("floor", "guard", True, Money("40", "EUR"), Money("50", "EUR"),
    ...            "no less than 50 EUR per unit"))
    floor: 40 EUR -> 50 EUR (no less than 50 EUR per unit)
    >>> print(Step("vip", "rule", False, None, None, "not met: segment == vip (actual missing)"))
    vip: not applied (not met: segment == vip (actual missing))
    """

    name: str
    kind: StepKind
    applied: bool
    before: Money | None
    after: Money | None
    why: str
    description: str = ""

    def __str__(self) -> str:
        if self.before is None or self.after is None:
            return f"{self.name}: not applied ({self.why})"
        return f"{self.name}: {self.before} -> {self.after} ({self.why})"


def _amount(money: Money) -> str:
    return f"{money.amount}"


@attrs.frozen
class Quote:
    """A price for one customer, with the steps that made it.

    Attributes
    ----------
    customer : object
        The customer id (None for a new customer).
    on : date
        The day the price holds.
    quantity : int
    base_price : Money
        The list price of one unit.
    total : Money
        What the customer pays for the line, rounded to the minor unit.
    unit_price : Money
        ``total / quantity`` rounded with the policy's rounding mode (with graduated
        tiers it need not multiply back to the total exactly).
    steps : tuple of Step
        Every rule (applied or not, and why), the rounding of the rules' result when it
        changed it, and every guard that bound, in order.

    Examples
    --------
    >>> from lifecycle import Money
    >>> from lifecycle.pricing import PricingPolicy, PercentOff
    >>> policy = PricingPolicy([PercentOff(10, name="spring sale")])
    >>> q = policy.quote(Money("19.99", "EUR"), on="2024-05-01")
    >>> q.total, q.list_total, q.bound
    (Money('17.99', 'EUR'), Money('19.99', 'EUR'), ())
    >>> print(q.explain())
    A new customer pays 17.99 EUR for 1 x 19.99 EUR on 2024-05-01 (list price 19.99 EUR,
    10.01% off). Rule 'spring sale' (10% off): 19.99 -> 17.99 EUR (met: always).
    >>> q
    Quote: a new customer on 2024-05-01, 1 x 19.99 EUR
      list price: 19.99 EUR
      spring sale: 19.99 EUR -> 17.99 EUR (met: always)
      total: 17.99 EUR (10.01% off)
    """

    customer: Any
    on: dt.date
    quantity: int
    base_price: Money
    total: Money
    unit_price: Money
    steps: tuple[Step, ...]

    def _rows(self) -> tuple[str, list[str], list[list[str]]]:
        who = "a new customer" if self.customer is None else f"customer {self.customer!r}"
        title = f"Quote: {who} on {self.on.isoformat()}, {self.quantity} x {self.base_price}"
        names = ["list price"]
        cells = [[str(self.list_total), ""]]
        for step in self.steps:
            names.append(step.name)
            if step.before is None or step.after is None:
                cells.append(["not applied", step.why])
            else:
                cells.append([f"{step.before} -> {step.after}", step.why])
        off = self.discount_percent
        names.append("total")
        cells.append([str(self.total), f"{off}% off" if off >= 0 else f"{-off}% above list"])
        return title, names, cells

    def __repr__(self) -> str:
        title, names, cells = self._rows()
        lines = [title]
        for name, (amount, why) in zip(names, cells, strict=True):
            lines.append(f"  {name}: {amount}" + (f" ({why})" if why else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        title, names, cells = self._rows()
        return grid_html(title, "step", names, ["amount", "why"], cells)

    @property
    def currency(self) -> Currency:
        """The currency of the quote."""
        return self.total.currency

    @property
    def list_total(self) -> Money:
        """The list price of the line: ``base_price * quantity``."""
        return self.base_price * self.quantity

    @property
    def discount(self) -> Money:
        """``list_total - total`` (negative after a net surcharge)."""
        return self.list_total - self.total

    @property
    def discount_percent(self) -> Decimal:
        """The discount as a percent of the list price, rounded half-even to 2 decimals."""
        ratio = self.discount.amount * 100 / self.list_total.amount
        return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)

    @property
    def applied(self) -> tuple[str, ...]:
        """Names of the rules that set the price, in order."""
        return tuple(s.name for s in self.steps if s.kind == "rule" and s.applied)

    @property
    def bound(self) -> tuple[str, ...]:
        """Names of the guards that bound the price, in order."""
        return tuple(s.name for s in self.steps if s.kind == "guard" and s.applied)

    def explain(self) -> str:
        """A readable paragraph: the price, then each step and why.

        Examples
        --------
        >>> from lifecycle import Money
        >>> from lifecycle.pricing import PricingPolicy, PercentOff
        >>> policy = PricingPolicy([PercentOff(60)], max_discount=50)
        >>> print(policy.quote(Money("80", "EUR"), on="2024-05-01").explain())
        A new customer pays 40.00 EUR for 1 x 80 EUR on 2024-05-01 (list price 80 EUR,
        50.00% off). Rule '60% off' (60% off): 80.00 -> 32.00 EUR (met: always).
        Guard 'max_discount' raised the price: 32.00 -> 40.00 EUR (at most 50% off the
        list price of 80.00 EUR).
        """
        who = "A new customer" if self.customer is None else f"Customer {self.customer!r}"
        off = self.discount_percent
        change = f"{off}% off" if off >= 0 else f"{-off}% above it"
        sentences = [
            f"{who} pays {self.total} for {self.quantity} x {self.base_price} on "
            f"{self.on.isoformat()} (list price {self.list_total}, {change})."
        ]
        for step in self.steps:
            sentences.append(_sentence(step))
        return textwrap.fill(
            " ".join(sentences), width=92, break_long_words=False, break_on_hyphens=False
        )


def _sentence(step: Step) -> str:
    before = "" if step.before is None else _amount(step.before)
    if step.kind == "rule":
        rule = f"Rule {step.name!r} ({step.description})"
        if step.before is None or step.after is None:
            return f"{rule} did not apply ({step.why})."
        if not step.applied:
            return f"{rule} would give {step.after} but was not used ({step.why})."
        return f"{rule}: {before} -> {step.after} ({step.why})."
    if step.kind == "rounding":
        return f"Rounded {before} -> {step.after} ({step.why})."
    raised = step.before is not None and step.after is not None and step.after > step.before
    verb = "raised" if raised else "lowered"
    return f"Guard {step.name!r} {verb} the price: {before} -> {step.after} ({step.why})."
