"""The text of the ``lifecycle report`` model section (the report hooks it in).

:func:`report_section` fits BG/NBD (weeks) to the log's purchases as of a date and, when
the log has a currency and repeat spend, Gamma-Gamma; it returns plain text lines: the
parameters, the expected purchases in the next 90 days, the share of customers likely
alive, and the deciles of expected value over the next 365 days. Without SciPy it returns
the line saying how to get the section.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from ..errors import LifecycleError, MissingDependencyError
from ..events import EventLog
from ..rfm import rfm_summary
from ..table import import_optional

__all__ = ["report_section"]

MISSING = "models: needs SciPy: pip install 'customer-lifecycle[models]'"


def report_section(log: EventLog, *, as_of: dt.date | str) -> list[str]:
    """Lines of the report's model section for ``log`` as of ``as_of``.

    Examples
    --------
    >>> from lifecycle.datasets import load_cdnow
    >>> lines = report_section(load_cdnow(), as_of="1997-09-30")
    >>> lines[0]
    'BG/NBD fit (weeks) on 23570 customers: r=0.2516 alpha=4.789 a=0.7234 b=2.161'
    """
    lines: list[str] = section_data(log, as_of=as_of)["text"]
    return lines


def section_data(log: EventLog, *, as_of: dt.date | str) -> dict[str, Any]:
    """The model section as JSON-safe data: ``text`` (the lines) and ``bgnbd`` parameters.

    ``bgnbd`` is None when there is no fit (no SciPy, or the data cannot be fitted); the
    text then says why. ``lifecycle report`` fits once and uses both.

    Examples
    --------
    >>> from lifecycle.datasets import load_demo, DEMO_AS_OF
    >>> data = section_data(load_demo(), as_of=DEMO_AS_OF)
    >>> sorted(data["bgnbd"]), data["text"][0].startswith("BG/NBD fit (weeks)")
    (['a', 'alpha', 'b', 'r', 'unit'], True)
    """
    from ._bgnbd import BetaGeoModel
    from ._gammagamma import GammaGammaModel

    try:
        import_optional("scipy.special", "models")
    except MissingDependencyError:
        return {"bgnbd": None, "text": [MISSING]}
    rfm = rfm_summary(log, as_of, unit="W")
    try:
        bg = BetaGeoModel(unit="W").fit(rfm)
    except LifecycleError as err:
        return {"bgnbd": None, "text": [f"BG/NBD fit not available: {err}"]}
    p = bg.params_
    params = {"r": p.r, "alpha": p.alpha, "a": p.a, "b": p.b, "unit": p.unit}
    lines = [
        f"BG/NBD fit (weeks) on {bg.n_customers_} customers: "
        f"r={p.r:.4g} alpha={p.alpha:.4g} a={p.a:.4g} b={p.b:.4g}",
    ]
    purchases = bg.conditional_expected_purchases(90 / 7, rfm)
    alive = bg.probability_alive(rfm)
    lines.append(f"expected purchases in the next 90 days: {purchases.sum():.1f}")
    lines.append(f"customers with p_alive >= 0.5: {(alive >= 0.5).mean():.1%}")
    spent = rfm.monetary_value > 0
    if log.currency is None or not spent.any():
        return {"bgnbd": params, "text": lines}
    try:
        gg = GammaGammaModel().fit(
            frequency=rfm.frequency[spent], monetary_value=rfm.monetary_value[spent]
        )
    except LifecycleError as err:
        return {"bgnbd": params, "text": [*lines, f"Gamma-Gamma fit not available: {err}"]}
    value = bg.conditional_expected_purchases(365 / 7, rfm) * (
        gg.conditional_expected_average_value(rfm)
    )
    deciles = np.quantile(value, np.linspace(0.1, 0.9, 9))
    shown = " ".join(f"{v:.2f}" for v in deciles)
    lines.append(f"expected value next 365 days ({log.currency.code}), deciles 10-90: {shown}")
    return {"bgnbd": params, "text": lines}
