"""The price waterfall of a quote (private)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ValidationError
from ..money import Money
from ..pricing import Quote
from ._common import axes_for

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["price_waterfall"]

_TOTAL = "#0072B2"
_DOWN = "#009E73"
_UP = "#D55E00"


def price_waterfall(quote: Quote, *, ax: Axes | None = None) -> Axes:
    """How a quote went from the list price to the total, one bar per step that changed it.

    Parameters
    ----------
    quote : Quote
        What :meth:`PricingPolicy.quote <lifecycle.PricingPolicy.quote>` returns.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        A bar for the list price of the line, a floating bar from ``before`` to ``after``
        for every step that changed the price (rules used, guards that bound, rounding;
        green down, orange up), and a bar for the total. Each bar is labelled with its
        exact amount or change, written from the quote's :class:`~lifecycle.Money`.

    Raises
    ------
    ValidationError
        ``quote`` is not a Quote.

    Notes
    -----
    Only the drawing uses floats: bar heights are the amounts converted for matplotlib,
    and every number written on the chart is the exact decimal amount.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from lifecycle import Money, PercentOff, PricingPolicy
    >>> from lifecycle.plot import price_waterfall
    >>> policy = PricingPolicy([PercentOff(60)], max_discount=50)
    >>> quote = policy.quote(Money("80", "EUR"), on="2024-05-01")
    >>> ax = price_waterfall(quote, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['list price', '60% off', 'max_discount', 'total']
    >>> [round(float(p.get_height()), 2) for p in ax.patches]
    [80.0, -48.0, 8.0, 40.0]
    >>> ax.get_ylabel()
    'price of the line (EUR)'
    """
    if not isinstance(quote, Quote):
        msg = f"'quote' must be a Quote (from PricingPolicy.quote) (got {type(quote).__name__})"
        raise ValidationError(msg)
    steps = [
        (s.name, s.before, s.after)
        for s in quote.steps
        if s.applied and s.before is not None and s.after is not None
    ]
    ax = axes_for(ax)
    names = ["list price", *(name for name, _, _ in steps), "total"]
    ax.bar(0, float(quote.list_total.amount), color=_TOTAL, width=0.6)
    _label(ax, 0, quote.list_total, quote.list_total)
    for x, (_, before, after) in enumerate(steps, start=1):
        change = after - before
        color = _UP if change.amount > 0 else _DOWN
        ax.bar(x, float(change.amount), bottom=float(before.amount), color=color, width=0.6)
        ax.plot([x - 1.3, x + 0.3], [float(before.amount)] * 2, color="#666666", linewidth=0.8)
        _label(ax, x, change, max(before, after), signed=True)
    last = len(steps) + 1
    ax.plot([last - 1.3, last + 0.3], [float(quote.total.amount)] * 2, color="#666666", lw=0.8)
    ax.bar(last, float(quote.total.amount), color=_TOTAL, width=0.6)
    _label(ax, last, quote.total, quote.total)
    ax.set_xticks(range(len(names)), names)
    if len(names) > 4:
        for tick in ax.get_xticklabels():
            tick.set_rotation(20)
            tick.set_horizontalalignment("right")
    ax.set_ylabel(f"price of the line ({quote.currency.code})")
    ax.set_xlabel("pricing step")
    ax.set_ylim(0, float(max(quote.list_total, quote.total, *(s[1] for s in steps)).amount) * 1.12)
    who = "new customer" if quote.customer is None else f"customer {quote.customer}"
    ax.set_title(
        f"Price for {who}: {quote.quantity} x {quote.base_price} on {quote.on.isoformat()}"
    )
    return ax


def _label(ax: Axes, x: int, amount: Money, top: Money, *, signed: bool = False) -> None:
    text = f"{amount.amount:+}" if signed else f"{amount.amount}"
    ax.annotate(
        text,
        (x, float(top.amount)),
        textcoords="offset points",
        xytext=(0, 3),
        ha="center",
        va="bottom",
        fontsize=8,
    )
