"""Detecting customers at risk of defection, and explaining one customer's risk (private).

A customer's risk score is the sum of the weights of the defection signals that fire for
them. :func:`detect` scores a whole population at once; :func:`risk_score` and
:func:`explain` answer for one customer's :class:`~lifecycle.signals.Profile`, and the two
engines agree because each signal is one :class:`~lifecycle.conditions.Condition`.

Examples
--------
>>> from lifecycle import EventLog
>>> log = EventLog.from_records([
...     {"customer": 1, "date": "2024-01-01", "amount": "20", "currency": "EUR"},
...     {"customer": 1, "date": "2024-01-15", "amount": "20", "currency": "EUR"},
...     {"customer": 1, "date": "2024-03-20", "kind": "complaint"},
...     {"customer": 2, "date": "2024-03-25", "amount": "20", "currency": "EUR"},
... ])
>>> at_risk = detect(log.population("2024-03-31"))
>>> at_risk.customer.tolist(), at_risk.score.tolist(), at_risk.reasons.tolist()
([1], [4.0], ['overdue, complaints'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from ..conditions import Explanation
from ..errors import ValidationError
from ..signals import Population, Profile
from ..table import Table
from ._signals import DefectionSignal, default_signals

__all__ = ["RiskExplanation", "at_risk_section", "detect", "explain", "risk_score"]

# Reasons are built once per distinct combination of fired signals, as a bit mask.
_MAX_SIGNALS = 62


def _signals(signals: Sequence[DefectionSignal] | None) -> tuple[DefectionSignal, ...]:
    chosen = default_signals() if signals is None else tuple(signals)
    if not chosen:
        msg = "'signals' must hold at least one DefectionSignal (or be None for the defaults)"
        raise ValidationError(msg)
    for i, s in enumerate(chosen):
        if not isinstance(s, DefectionSignal):
            msg = f"'signals'[{i}] must be a DefectionSignal (got {type(s).__name__}: {s!r})"
            raise ValidationError(msg)
    names = [s.name for s in chosen]
    if len(set(names)) != len(names):
        msg = f"defection signal names must be distinct (got {names})"
        raise ValidationError(msg)
    if len(chosen) > _MAX_SIGNALS:
        msg = f"at most {_MAX_SIGNALS} defection signals at once (got {len(chosen)})"
        raise ValidationError(msg)
    return chosen


def detect(
    population: Population,
    signals: Sequence[DefectionSignal] | None = None,
    *,
    min_score: float = 0.0,
) -> Table:
    """The customers at risk: each one's score, the signals that fired, and their values.

    Parameters
    ----------
    population : Population
    signals : sequence of DefectionSignal, optional
        Default :func:`default_signals`.
    min_score : float, keyword-only
        List customers whose score is above this (default 0: any signal fired).

    Returns
    -------
    Table
        ``customer``, ``score`` (float64, the sum of the fired signals' weights),
        ``reasons`` (the fired signals' names, comma separated, in the order of
        ``signals``), then the column of every signal the conditions read (their values,
        as in the population), sorted by score, highest first, then by customer.

    Examples
    --------
    >>> from lifecycle import EventLog, signal
    >>> from lifecycle.retention import DefectionSignal
    >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
    ...                              [(1, "2024-01-01"), (2, "2024-03-01")]])
    >>> quiet = DefectionSignal("quiet", signal("days_since_last_purchase") > 45, 1.0, "quiet")
    >>> t = detect(log.population("2024-03-31"), [quiet])
    >>> t.columns, t.customer.tolist(), t.days_since_last_purchase.tolist()
    (('customer', 'score', 'reasons', 'days_since_last_purchase'), [1], [90.0])
    """
    if not isinstance(population, Population):
        msg = f"'population' must be a Population (got {type(population).__name__})"
        raise ValidationError(msg)
    chosen = _signals(signals)
    # Which signals fired, as one bit each: a customer's score and reasons depend only on
    # this code, so both are computed once per code and gathered per customer.
    dtype = np.uint16 if len(chosen) <= 16 else np.uint64
    code: Any = np.zeros(len(population), dtype=dtype)
    for bit, s in enumerate(chosen):
        code |= s.when.evaluate(population) * np.asarray(1 << bit, dtype=dtype)
    if len(chosen) <= 16:
        combos = np.arange(1 << len(chosen), dtype=np.int64)
        index = code
    else:
        found, inverse = np.unique(code, return_inverse=True)
        combos, index = found.astype(np.int64), inverse.reshape(-1)
    combo_score = np.zeros(len(combos))
    for bit, s in enumerate(chosen):
        # Added in signal order, as risk_score adds them, so both engines round alike.
        combo_score += np.where(combos >> bit & 1, s.weight, 0.0)
    # Highest score first, customers in order within a score: each score level's rows in
    # turn (a few passes), or a stable sort when there are many levels.
    levels = np.unique(combo_score[combo_score > min_score])[::-1]
    none = len(levels)
    level_of = np.full(len(combos), none, dtype=np.uint16 if none < 2**16 else np.int64)
    risky = combo_score > min_score
    level_of[risky] = np.searchsorted(-levels, -combo_score[risky])
    level = level_of[index]
    if none <= 64:
        parts = [np.flatnonzero(level == k) for k in range(none)]
        rows = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
    else:
        rows = np.flatnonzero(level < none)
        rows = rows[np.argsort(level[rows], kind="stable")]
    picked = index[rows]
    texts = np.full(len(combos), "", dtype=object)
    for i in np.flatnonzero(np.bincount(picked, minlength=len(combos))).tolist():
        c = int(combos[i])
        texts[i] = ", ".join(s.name for bit, s in enumerate(chosen) if c >> bit & 1)
    columns: dict[str, Any] = {
        "customer": population.customer[rows],
        "score": combo_score[picked],
        "reasons": texts[picked],
    }
    read: list[str] = []
    for s in chosen:
        read.extend(name for name in sorted(s.when.signals()) if name not in read)
    for name in read:
        columns[name] = population[name][rows]
    return Table(columns)


def risk_score(profile: Profile, signals: Sequence[DefectionSignal] | None = None) -> float:
    """One customer's risk score: the sum of the weights of the signals that fire.

    Equals the ``score`` :func:`detect` gives the same customer (0.0 when none fires).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "complaint"}])
    >>> risk_score(log.profile(1, as_of="2024-01-31"))
    2.0
    """
    return float(sum(s.weight for s in _signals(signals) if s.when.evaluate(profile)))


@attrs.frozen
class RiskExplanation:
    """Why one customer is (or is not) at risk: each signal, whether it fired, and why.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01", "kind": "complaint"}])
    >>> print(explain(log.profile(1, as_of="2024-01-31")))
    customer 1 as of 2024-01-31: risk score 2.0 (complaints)
      complaints (+2.0): complained in the last 90 days
        true: complaints_90d >= 1 (actual 1)
    """

    customer: Any
    as_of: Any
    score: float
    fired: tuple[tuple[DefectionSignal, Explanation], ...]
    quiet: tuple[tuple[DefectionSignal, Explanation], ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Names of the signals that fired, in order."""
        return tuple(s.name for s, _ in self.fired)

    def __str__(self) -> str:
        names = ", ".join(self.reasons) or "no signal fired"
        lines = [f"customer {self.customer} as of {self.as_of}: risk score {self.score} ({names})"]
        for s, why in self.fired:
            lines.append(f"  {s.name} (+{s.weight}): {s.reason}")
            lines.extend(why.lines(2))
        return "\n".join(lines)


def explain(profile: Profile, signals: Sequence[DefectionSignal] | None = None) -> RiskExplanation:
    """Explain one customer's risk: which signals fired, with the values that made them.

    ``RiskExplanation.fired`` holds each fired signal with its condition's explanation,
    ``quiet`` the others (with theirs, to see how close they came).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> e = explain(log.profile(1, as_of="2024-02-01"))
    >>> e.score, e.reasons, len(e.quiet)
    (0.0, (), 5)
    """
    if not isinstance(profile, Profile):
        msg = f"'profile' must be a Profile (got {type(profile).__name__})"
        raise ValidationError(msg)
    chosen = _signals(signals)
    fired: list[tuple[DefectionSignal, Explanation]] = []
    quiet: list[tuple[DefectionSignal, Explanation]] = []
    for s in chosen:
        why = s.when.explain(profile)
        (fired if why.holds else quiet).append((s, why))
    score = float(sum(s.weight for s, _ in fired))
    return RiskExplanation(
        profile.customer, profile.as_of.isoformat(), score, tuple(fired), tuple(quiet)
    )


def at_risk_section(
    population: Population,
    signals: Sequence[DefectionSignal] | None = None,
    *,
    top: int = 20,
) -> list[str]:
    r"""The report's at-risk list: how many are at risk, and the top ``top`` with reasons.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": "ann", "date": "2024-01-01",
    ...                               "kind": "complaint"}])
    >>> print("\n".join(at_risk_section(log.population("2024-01-31"))))
    At risk: 1 of 1 customers (score > 0; top 20)
    customer              score  reasons
    ann                     2.0  complaints
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        msg = f"'top' must be an int >= 1 (got {top!r})"
        raise ValidationError(msg)
    table = detect(population, signals)
    lines = [f"At risk: {len(table):,} of {len(population):,} customers (score > 0; top {top})"]
    lines.append(f"{'customer':<20}  {'score':>5}  reasons")
    for i in range(min(top, len(table))):
        row = table.row(i)
        lines.append(f"{row['customer']!s:<20}  {row['score']:>5.1f}  {row['reasons']}")
    return lines
