"""The default relationship development model of ``DOMAIN.md`` section 1 (private module).

Examples
--------
>>> model = default_lifecycle()
>>> model.labels
('exploration', 'awareness', 'expansion', 'commitment', 'dissolution')
>>> default_lifecycle(order="dwyer1987").labels[:2]
('awareness', 'exploration')
"""

from __future__ import annotations

from ..conditions import Condition, all_of, any_of, signal
from ..errors import ValidationError
from ._kinds import RelationshipKind
from ._model import LifecycleModel
from ._parts import Stage, Transition

__all__ = ["ORDERS", "default_lifecycle"]

#: The stage orders :func:`default_lifecycle` knows.
ORDERS: tuple[str, ...] = ("source", "dwyer1987")

_DESCRIPTIONS = {
    "exploration": "the customer tests the supplier's capability and performance",
    "awareness": "the customer understands the supplier's values and what it sells",
    "expansion": "trust is won: more business, more categories, growing interdependence",
    "commitment": "the strongest stage: both sides adapt to each other, lasting exchange",
    "dissolution": "the relationship has ended: a lapse in purchases or a cancellation",
}


def _positive(name: str, value: object, *, integer: bool, zero: bool = False) -> None:
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if not ok or isinstance(value, bool) or not (value >= 0 if zero else value > 0):  # type: ignore[operator]
        kind = "a positive int" if integer else "a positive number"
        if zero:
            kind = "an int >= 0"
        msg = f"{name!r} must be {kind} (got {value!r})"
        raise ValidationError(msg)


def default_lifecycle(
    *,
    order: str = "source",
    awareness_visits: int = 2,
    expansion_purchases: int = 3,
    expansion_recent_purchases: int = 2,
    expansion_categories: int = 3,
    commitment_tenure_days: int = 365,
    commitment_purchases: int = 6,
    commitment_lapse_ratio: float = 1.5,
    dissolution_lapse_ratio: float = 3.0,
    dissolution_days: int = 365,
    min_lapse_days: int = 90,
    reversible: bool = True,
    relationship_kind: RelationshipKind | str | None = RelationshipKind.LONG_TERM,
) -> LifecycleModel:
    """The five-stage relationship model with documented default rules.

    Every rule reads standard signals only (see ``docs/stages.md`` for the table).
    Dissolution comes first from every stage (a cancellation, then a lapse); then the
    forward move; then the backward one.

    * exploration: where every customer starts (a first purchase, trial or contact);
    * awareness: a second purchase (``repeat_purchase_count >= 1``) or repeat visits
      (``visit_count >= awareness_visits``);
    * expansion: at least ``expansion_purchases`` purchases and rising frequency
      (``purchases_90d > purchases_prev_90d`` with ``purchases_90d >=
      expansion_recent_purchases``, so one purchase after a long gap is not a rise),
      rising spend (``spend_90d >
      spend_prev_90d``), breadth (``category_count >= expansion_categories``) or the
      evidence of commitment below;
    * commitment: ``tenure_days >= commitment_tenure_days``, ``purchases_365d >=
      commitment_purchases`` and regular buying (``lapse_ratio <= commitment_lapse_ratio``);
    * dissolution: a cancellation (``cancelled``), or a lapse: at least ``min_lapse_days``
      of silence (``days_since_last_purchase >= min_lapse_days``) that is also long for the
      customer's own rhythm (``lapse_ratio > dissolution_lapse_ratio``, or with a single
      purchase day ``days_since_last_purchase > dissolution_days``), so a fast buyer
      is not dissolved after a few quiet days;
    * backward (``reversible=True``): commitment -> expansion when the activity drops below
      the commitment level; expansion -> awareness when frequency falls without rising
      spend, breadth or commitment-level activity;
    * win-back: dissolution -> exploration once the lapse or cancellation is over (a new
      purchase).

    Parameters
    ----------
    order : {"source", "dwyer1987"}
        ``"source"``: exploration, awareness, expansion, commitment, dissolution (the order
        of the source texts; exploration is the initial stage). ``"dwyer1987"``: awareness
        first, as in Dwyer, Schurr and Oh (1987): every customer starts in awareness and
        a first purchase moves them to exploration; exploration -> expansion uses the
        expansion rule and expansion falls back to exploration.
    awareness_visits, expansion_purchases, expansion_recent_purchases : int
    expansion_categories : int
    commitment_tenure_days, commitment_purchases, dissolution_days : int
    commitment_lapse_ratio, dissolution_lapse_ratio : float
        Thresholds of the rules above.
    min_lapse_days : int, default 90
        The shortest silence (days since the last purchase) that counts as a lapse,
        whatever the customer's rhythm; 0 leaves the lapse to the ratio alone.
    reversible : bool, default True
        False leaves out the backward moves (a forward-only model).
    relationship_kind : RelationshipKind or str, default LONG_TERM

    References
    ----------
    Dwyer, F. R., Schurr, P. H. and Oh, S. (1987). Developing buyer-seller relationships.
    Journal of Marketing 51(2), 11-27.

    Examples
    --------
    >>> model = default_lifecycle(commitment_tenure_days=730)
    >>> [str(t) for t in model.allowed_moves("expansion")]  # doctest: +NORMALIZE_WHITESPACE
    ['expansion -> dissolution (cancellation)', 'expansion -> dissolution (lapse)',
     'expansion -> commitment (long tenure, high regular activity)',
     'expansion -> awareness (falling frequency)']
    >>> default_lifecycle(order="dwyer1987").initial
    'awareness'
    >>> default_lifecycle(reversible=False).reversible
    False
    >>> from lifecycle import EventLog
    >>> fast = EventLog.from_records([{"customer": 1, "date": d}
    ...                               for d in ("2024-01-01", "2024-01-02")])
    >>> default_lifecycle().stage_of(fast.profile(1, "2024-01-06")).stage
    'awareness'
    >>> default_lifecycle(min_lapse_days=0).stage_of(fast.profile(1, "2024-01-06")).stage
    'dissolution'
    """
    if order not in ORDERS:
        msg = f"'order' must be one of {ORDERS!r} (got {order!r})"
        raise ValidationError(msg)
    for name, value in (
        ("awareness_visits", awareness_visits),
        ("expansion_purchases", expansion_purchases),
        ("expansion_recent_purchases", expansion_recent_purchases),
        ("expansion_categories", expansion_categories),
        ("commitment_tenure_days", commitment_tenure_days),
        ("commitment_purchases", commitment_purchases),
        ("dissolution_days", dissolution_days),
    ):
        _positive(name, value, integer=True)
    _positive("min_lapse_days", min_lapse_days, integer=True, zero=True)
    _positive("commitment_lapse_ratio", commitment_lapse_ratio, integer=False)
    _positive("dissolution_lapse_ratio", dissolution_lapse_ratio, integer=False)

    cancelled = signal("cancelled") == True  # noqa: E712
    # The ratio alone dissolves a customer who bought on two consecutive days after four
    # quiet days; a lapse needs an absolute silence too.
    lapsed = (signal("days_since_last_purchase") >= min_lapse_days) & any_of(
        signal("lapse_ratio") > dissolution_lapse_ratio,
        signal("mean_interpurchase_days").is_missing()
        & (signal("days_since_last_purchase") > dissolution_days),
    )
    aware = any_of(signal("repeat_purchase_count") >= 1, signal("visit_count") >= awareness_visits)
    breadth = signal("category_count") >= expansion_categories
    rising_frequency = (signal("purchases_90d") > signal("purchases_prev_90d")) & (
        signal("purchases_90d") >= expansion_recent_purchases
    )
    rising_spend = signal("spend_90d") > signal("spend_prev_90d")
    committed = all_of(
        signal("tenure_days") >= commitment_tenure_days,
        signal("purchases_365d") >= commitment_purchases,
        signal("lapse_ratio") <= commitment_lapse_ratio,
    )
    # Evidence of commitment is evidence of expansion too, so a steady long-term buyer
    # reaches commitment on one snapshot even when their activity is flat just now.
    expanding = (signal("purchase_count") >= expansion_purchases) & any_of(
        rising_frequency, rising_spend, breadth, committed
    )
    # Each backward rule implies that the forward rule into the stage it leaves fails,
    # so a customer never moves back and forth on one date.
    weakening = any_of(
        signal("purchases_365d") < commitment_purchases,
        signal("lapse_ratio") > commitment_lapse_ratio,
    )
    falling = all_of(
        signal("purchases_90d") < signal("purchases_prev_90d"),
        ~rising_spend,
        ~breadth,
        ~committed,
    )
    won_back = ~(cancelled | lapsed)

    if order == "source":
        names = ("exploration", "awareness", "expansion", "commitment", "dissolution")
        forward: list[tuple[str, str, Condition, str]] = [
            ("exploration", "awareness", aware, "second purchase or repeat visits"),
            ("awareness", "expansion", expanding, "rising frequency, spend or breadth"),
        ]
        back_from_expansion = "awareness"
    else:
        names = ("awareness", "exploration", "expansion", "commitment", "dissolution")
        first_purchase = signal("purchase_count") >= 1
        forward = [
            ("awareness", "exploration", first_purchase, "first purchase"),
            ("exploration", "expansion", expanding, "rising frequency, spend or breadth"),
        ]
        back_from_expansion = "exploration"
    forward.append(("expansion", "commitment", committed, "long tenure, high regular activity"))
    backward = {
        "expansion": (back_from_expansion, falling, "falling frequency"),
        "commitment": ("expansion", weakening, "activity below the commitment level"),
    }
    transitions: list[Transition] = []
    for name in names[:-1]:
        transitions.append(Transition(name, "dissolution", cancelled, "cancellation"))
        transitions.append(Transition(name, "dissolution", lapsed, "lapse"))
        transitions.extend(Transition(*f) for f in forward if f[0] == name)
        if reversible and name in backward:
            target, when, reason = backward[name]
            transitions.append(Transition(name, target, when, reason))
    transitions.append(Transition("dissolution", "exploration", won_back, "won back"))
    return LifecycleModel(
        [Stage(name, _DESCRIPTIONS[name]) for name in names],
        transitions,
        reversible=reversible,
        relationship_kind=relationship_kind,
    )
