"""The loyalty rule and the loyalty ladder: states from signals, on both engines (private).

Examples
--------
>>> [str(state) for state, _ in LoyaltyRule().conditions()][:2]
['promoter', 'loyal']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from .._registry import Registry
from .._validation import is_bool
from ..conditions import Condition, SignalRef, all_of, always, any_of, attribute, never, signal
from ..errors import ValidationError
from ..money import Money, to_decimal
from ..serialization import check_schema, decode_value, encode_value
from ..signals import SIGNALS, NamedSignal, Population, Profile, definition_from_dict
from ._states import Decision, LadderRung, LoyaltyState, Subject, _decide, _explain, _Ordered

__all__ = ["LOYALTY_RULES", "LoyaltyLadder", "LoyaltyRule", "loyalty_from_dict"]

S = TypeVar("S", bound=_Ordered)


def _numeric(subject: Subject, names: tuple[str, ...]) -> Subject:
    """``subject``, with user columns ``names`` of plain numbers and None as float64.

    A population carries user attributes as object columns, which the batch engine compares
    value by value. A column holding only ints, floats and None (NaN) compares the same as a
    float64 column with NaN for None, in one NumPy call; other columns (Decimals, strings,
    flags) are left alone. Profiles are returned unchanged.
    """
    if not isinstance(subject, Population):
        return subject
    columns: dict[str, Any] = {}
    for name in names:
        if name in SIGNALS or name not in subject or subject[name].dtype.kind != "O":
            continue
        items = subject[name].tolist()
        if all(v is None or type(v) in (int, float) for v in items):
            columns[name] = np.array([np.nan if v is None else v for v in items], dtype=float)
    return subject.with_attributes(**columns) if columns else subject


#: The scale of the recommend question the rules' score thresholds are written on.
_RECOMMEND_SCALE = (0.0, 10.0)


def _check_recommend_scale(subject: Subject, rule: str) -> None:
    """Refuse recommend answers (``last_survey_score``) off the 0-10 scale, naming a customer.

    The rules compare the answer with thresholds on that scale: an 11 would read as a
    promoter and a -3 as a detractor without a word.
    """
    low, high = _RECOMMEND_SCALE
    advice = "load surveys with score_scale=(0, 10) to refuse such answers at load time"
    if isinstance(subject, Profile):
        value = subject.values.get("last_survey_score")
        if value is not None and not low <= value <= high:
            msg = (
                f"customer {subject.customer!r}: 'last_survey_score' must be on the 0-10 "
                f"recommend scale {rule} reads (got {value:g}); {advice}"
            )
            raise ValidationError(msg)
        return
    if "last_survey_score" not in subject:
        return
    scores = np.asarray(subject["last_survey_score"], dtype=np.float64)
    off = ~np.isnan(scores) & ((scores < low) | (scores > high))
    if off.any():
        first = int(np.flatnonzero(off)[0])
        customer = subject["customer"][first]
        customer = customer.item() if isinstance(customer, np.generic) else customer
        msg = (
            f"'last_survey_score' must be on the 0-10 recommend scale {rule} reads "
            f"({int(off.sum())} customers off it, first customer {customer!r}: "
            f"{scores[first]:g}); {advice}"
        )
        raise ValidationError(msg)


#: A rule field that reads a signal: an attribute's name, or a defined signal.
Source = str | NamedSignal


def _present(subject: Subject | None, name: Source) -> bool:
    """Whether ``subject`` carries signal or attribute ``name`` (None: assume it does).

    A defined signal is always there: profiles and populations of a log compute it.
    """
    if subject is None or isinstance(name, NamedSignal) or name in SIGNALS:
        return True
    if isinstance(subject, Profile):
        return name in subject.values
    return name in subject


def _ref(name: Source) -> SignalRef:
    return signal(name) if isinstance(name, NamedSignal) or name in SIGNALS else attribute(name)


def _ge(name: Source, value: object) -> Condition:
    """``name >= value`` (a helper: mypy's attrs plugin hides ``SignalRef.__ge__``)."""
    ref: Any = _ref(name)
    condition: Condition = ref >= value
    return condition


def _any(parts: list[Condition]) -> Condition:
    """Any of ``parts``: the part itself when alone, never() when there are none."""
    return never() if not parts else parts[0] if len(parts) == 1 else any_of(*parts)


def _all(parts: list[Condition]) -> Condition:
    """All of ``parts``: the part itself when alone, always() when there are none."""
    return always() if not parts else parts[0] if len(parts) == 1 else all_of(*parts)


def _gt(name: Source, value: object) -> Condition:
    """``name > value``."""
    ref: Any = _ref(name)
    condition: Condition = ref > value
    return condition


# ---------------------------------------------------------------------- validators


def _number(low: float, high: float | None = None, *, optional: bool = False) -> Any:
    def check(_: object, field: attrs.Attribute[Any], value: Any) -> None:
        if optional and value is None:
            return
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value < low or (high is not None and value > high):
            allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"
            msg = f"{field.name!r} must be a number {allowed} (got {value!r})"
            raise ValidationError(msg)

    return check


def _count(low: int) -> Any:
    def check(_: object, field: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            msg = f"{field.name!r} must be a whole number >= {low} (got {value!r})"
            raise ValidationError(msg)

    return check


def _source(*kinds: str) -> Any:
    """A validator: an attribute's name, or a defined signal of one of ``kinds``."""

    def check(_: object, field: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, NamedSignal):
            if value.kind not in kinds:
                msg = (
                    f"{field.name!r} must be a defined signal of kind {' or '.join(kinds)} "
                    f"(got {value.name!r}, a {value.kind} signal)"
                )
                raise ValidationError(msg)
            signal(value)  # refuses a defined signal named like a standard one
            return
        if not isinstance(value, str) or not value:
            msg = (
                f"{field.name!r} must be a non-empty attribute name or a defined signal "
                f"(got {value!r})"
            )
            raise ValidationError(msg)

    return check


def _encode_field(value: object) -> object:
    if isinstance(value, NamedSignal):
        return value.to_dict()  # plain data: the definition, never code
    return encode_value(value.label if isinstance(value, _Ordered) else value)


def _decode_field(data: object) -> Any:
    if isinstance(data, Mapping) and "schema" in data:
        return definition_from_dict(data)
    return decode_value(data)


# ---------------------------------------------------------------------- decision lists


def _fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """The attrs fields of a kind (its base class is no attrs class, so mypy cannot tell)."""
    kind: Any = cls
    return tuple(attrs.fields(kind))


class DecisionList(Generic[S]):
    """Ordered states assigned by a decision list of conditions (abstract base).

    A kind of loyalty rule says which conditions lead to which state, highest state first
    (:meth:`conditions`); this base evaluates the list on either engine, explains it,
    and saves and reads the rule's fields. Every kind registers its schema in
    :data:`LOYALTY_RULES`, so :func:`loyalty_from_dict` reads any of them.

    Examples
    --------
    >>> issubclass(LoyaltyRule, DecisionList), issubclass(LoyaltyLadder, DecisionList)
    (True, True)
    """

    __slots__ = ()
    _SCHEMA: ClassVar[str] = ""

    def conditions(self, subject: Subject | None = None) -> tuple[tuple[S, Condition], ...]:
        """The decision list, highest state first; the last condition always holds.

        Examples
        --------
        >>> [str(rung) for rung, _ in LoyaltyLadder().conditions()][-2:]
        ['customer', 'prospect']
        """
        raise NotImplementedError

    def _numeric_attributes(self) -> tuple[str, ...]:
        """User attributes read as numbers (see ``_numeric``)."""
        return ()

    @overload
    def evaluate(self, subject: Profile) -> S: ...

    @overload
    def evaluate(self, subject: Population) -> NDArray[np.int8]: ...

    def evaluate(self, subject: Subject) -> S | NDArray[np.int8]:
        """The state of one customer, or the int8 state codes of a population.

        Turn codes into labels with the state's ``labels`` (:meth:`LoyaltyState.labels`)
        and count them with :func:`count_states`.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": c, "date": "2024-01-01"} for c in "ab"])
        >>> pop = log.population("2024-01-02").join({"customer": ["b"], "satisfaction": [30]})
        >>> LoyaltyRule().evaluate(pop)
        array([2, 0], dtype=int8)
        >>> LoyaltyLadder().evaluate(log.profile("a", "2024-01-02"))
        <LadderRung.CUSTOMER: 1>
        """
        _check_recommend_scale(subject, type(self).__name__)
        subject = _numeric(subject, self._numeric_attributes())
        result: S | NDArray[np.int8] = _decide(self.conditions(subject), subject)
        return result

    def explain(self, profile: Profile) -> Decision:
        """Which condition decided one customer's state, with the signal values.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        >>> d = LoyaltyRule().explain(log.profile(1, "2024-01-02").with_attributes(satisfaction=80))
        >>> print(d.decided_by)
        true: any of
          true: satisfaction >= 70 (actual 80)
          false: all of
            false: satisfaction is missing (actual 80)
            false: last_survey_score >= 7.0 (actual missing)
          false: all of
            false: satisfaction is missing (actual 80)
            true: last_survey_score is missing (actual missing)
        >>> print(LoyaltyLadder().explain(log.profile(1, "2024-01-02")).decided_by)
        true: purchase_count >= 1 (actual 1)
        """
        _check_recommend_scale(profile, type(self).__name__)
        return _explain(self.conditions(profile), profile)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> data = LoyaltyRule(promoter_at=10).to_dict()
        >>> data["schema"], data["unknown_as"]
        ('lifecycle.loyalty_rule/1', 'satisfied')
        >>> from lifecycle import Money
        >>> LoyaltyLadder(premium_spend_365d=Money("500", "EUR")).to_dict()["premium_spend_365d"]
        {'money': {'amount': '500', 'currency': 'EUR'}}
        """
        data: dict[str, Any] = {"schema": self._SCHEMA}
        for field in _fields(type(self)):
            data[field.name] = _encode_field(getattr(self, field.name))
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """Rebuild a rule of this kind from :meth:`to_dict` output (missing keys: defaults).

        Examples
        --------
        >>> LoyaltyRule.from_dict(LoyaltyRule(promoter_at=10).to_dict()) == LoyaltyRule(promoter_at=10)
        True
        >>> LoyaltyLadder.from_dict(LoyaltyRule().to_dict())
        Traceback (most recent call last):
        ...
        lifecycle.errors.SchemaError: expected schema 'lifecycle.loyalty_ladder/1' (got 'lifecycle.loyalty_rule/1')
        """
        fields = [f.name for f in _fields(cls)]
        check_schema(data, cls._SCHEMA, fields)
        return cls(**{name: _decode_field(data[name]) for name in fields if name in data})


#: Every kind of loyalty rule, by the schema of its serialized form.
LOYALTY_RULES: Registry[DecisionList[Any]] = Registry("loyalty rule", key="schema")


def loyalty_from_dict(data: Mapping[str, Any]) -> DecisionList[Any]:
    """Rebuild any kind of loyalty rule from its ``to_dict()`` output.

    Examples
    --------
    >>> loyalty_from_dict(LoyaltyLadder(client_purchases=3).to_dict())
    LoyaltyLadder(customer_purchases=1, client_purchases=3, supporter_categories=2, advocate_score=9, referrals='referrals', min_referrals=1, premium='premium', premium_spend_365d=None)
    >>> loyalty_from_dict({"schema": "lifecycle.loyalty_tree/1"})
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: loyalty rule: unknown schema 'lifecycle.loyalty_tree/1' (allowed: lifecycle.loyalty_ladder/1, ...)
    """
    tag = data.get("schema") if isinstance(data, Mapping) else None
    rule: DecisionList[Any] = LOYALTY_RULES.lookup(tag).from_dict(data)
    return rule


# ---------------------------------------------------------------------- the loyalty rule


def _unknown_state(value: object) -> LoyaltyState:
    return LoyaltyState.parse(value)


@LOYALTY_RULES.register("lifecycle.loyalty_rule/1")
@attrs.frozen(kw_only=True)
class LoyaltyRule(DecisionList[LoyaltyState]):
    """Assign a :class:`LoyaltyState` from satisfaction, repeat behaviour and recommendation.

    The highest state whose condition holds wins:

    - **promoter**: loyal, and the recommend question (``last_survey_score``, 0-10)
      is at least ``promoter_at``;
    - **loyal**: satisfied, and a repeat buyer: ``repeat_purchase_count >=
      min_repeat_purchases``, ``purchases_365d >= min_purchases_365d`` and not overdue
      (``lapse_ratio`` not above ``max_lapse_ratio``; a customer without a usual gap is not
      overdue);
    - **satisfied**: satisfaction at least ``satisfied_at``;
    - **disappointed**: satisfaction at least ``dissatisfied_below``;
    - **dissatisfied**: otherwise.

    Satisfaction is the user attribute named ``satisfaction`` on a 0-100 index (for
    example the index a satisfaction model scores from a survey, joined onto the
    population). When a customer has no satisfaction value, or the subject has no such
    attribute at all, the recommend answer times ten stands in for it
    (``recommend_fallback``): with the defaults, 7-10 reads as satisfied, 5-6 as
    disappointed and 0-4 as dissatisfied, so an NPS detractor (0-6) is never satisfied.
    When neither is known, the customer counts as ``unknown_as`` (default satisfied: they
    buy and have told us nothing bad), so behaviour alone can make them loyal.

    The recommend answer must be on its 0-10 scale: :meth:`evaluate` and :meth:`explain`
    raise :class:`~lifecycle.errors.ValidationError` naming a customer whose
    ``last_survey_score`` is off it (an 11 would otherwise read as a promoter). Load surveys
    with ``score_scale=(0, 10)`` to refuse such answers at load time instead.

    Parameters
    ----------
    satisfaction : str or NamedSignal, default "satisfaction"
        Name of the attribute holding the 0-100 satisfaction index, or a defined signal
        (count or number) computing it, such as a satisfaction model's
        :meth:`~lifecycle.satisfaction.SatisfactionModel.signal`.
    satisfied_at : float, default 70
        Satisfaction index at or above which a customer is satisfied (0-100).
    dissatisfied_below : float, default 50
        Satisfaction index below which a customer is dissatisfied (0-100, at most
        ``satisfied_at``); in between is disappointed.
    promoter_at : float, default 9
        Recommend answer (0-10) at or above which a loyal customer is a promoter
        (the Net Promoter convention: 9-10).
    min_repeat_purchases : int, default 1
        Repeat purchases (after the first) a loyal customer has made.
    min_purchases_365d : int, default 1
        Purchases in the last 365 days a loyal customer has made.
    max_lapse_ratio : float or None, default 2.0
        A loyal customer's days since the last purchase are at most this many times their
        mean inter-purchase time; None drops the check.
    recommend_fallback : bool, default True
        Use ``last_survey_score * 10`` where the satisfaction index is missing.
    unknown_as : LoyaltyState, default SATISFIED
        State (dissatisfied, disappointed or satisfied) of a customer whose satisfaction is
        unknown.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-05", "amount": "20", "currency": "EUR"},
    ...     {"customer": 1, "date": "2024-02-05", "amount": "20", "currency": "EUR"},
    ... ])
    >>> p = log.profile(1, as_of="2024-03-01")
    >>> LoyaltyRule().evaluate(p), LoyaltyRule().evaluate(p.with_attributes(satisfaction=55))
    (<LoyaltyState.LOYAL: 3>, <LoyaltyState.DISAPPOINTED: 1>)
    >>> from lifecycle.satisfaction import Dimension, SatisfactionModel
    >>> LoyaltyRule(satisfaction=SatisfactionModel([Dimension("speed")]).signal()).evaluate(p)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: the score reads one attribute per dimension, and the log does not carry 'speed' (its attributes: none); load the answers with attributes=[...], or join them (a profile: with_attributes)
    >>> LoyaltyRule(satisfied_at=40, dissatisfied_below=60)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'dissatisfied_below' (60) must be <= 'satisfied_at' (40)
    """

    _SCHEMA: ClassVar[str] = "lifecycle.loyalty_rule/1"

    satisfaction: Source = attrs.field(default="satisfaction", validator=_source("number", "count"))
    satisfied_at: float = attrs.field(default=70, validator=_number(0, 100))
    dissatisfied_below: float = attrs.field(default=50, validator=_number(0, 100))
    promoter_at: float = attrs.field(default=9, validator=_number(0, 10))
    min_repeat_purchases: int = attrs.field(default=1, validator=_count(0))
    min_purchases_365d: int = attrs.field(default=1, validator=_count(0))
    max_lapse_ratio: float | None = attrs.field(default=2.0, validator=_number(0, optional=True))
    recommend_fallback: bool = attrs.field(default=True, validator=is_bool)
    unknown_as: LoyaltyState = attrs.field(default=LoyaltyState.SATISFIED, converter=_unknown_state)

    def __attrs_post_init__(self) -> None:
        if self.dissatisfied_below > self.satisfied_at:
            msg = (
                f"'dissatisfied_below' ({self.dissatisfied_below}) must be <= "
                f"'satisfied_at' ({self.satisfied_at})"
            )
            raise ValidationError(msg)
        if self.unknown_as > LoyaltyState.SATISFIED:
            msg = (
                "'unknown_as' must be dissatisfied, disappointed or satisfied "
                f"(got {self.unknown_as.label!r})"
            )
            raise ValidationError(msg)

    def conditions(
        self, subject: Subject | None = None
    ) -> tuple[tuple[LoyaltyState, Condition], ...]:
        """The decision list, highest state first, as :class:`Condition` objects.

        ``subject`` decides whether the satisfaction attribute exists (without one, the
        rule reads the fallback only); None assumes it does.

        Examples
        --------
        >>> steps = LoyaltyRule().conditions()
        >>> [str(state) for state, _ in steps]
        ['promoter', 'loyal', 'satisfied', 'disappointed', 'dissatisfied']
        >>> sorted(steps[0][1].signals())
        ['lapse_ratio', 'last_survey_score', 'purchases_365d', 'repeat_purchase_count', 'satisfaction']
        """
        recommend = signal("last_survey_score")
        has_index = _present(subject, self.satisfaction)
        index = _ref(self.satisfaction)

        def at_least(level: float) -> list[Condition]:
            parts: list[Condition] = [_ge(self.satisfaction, level)] if has_index else []
            if self.recommend_fallback:
                proxy = _ge("last_survey_score", level / 10)
                parts.append(index.is_missing() & proxy if has_index else proxy)
            return parts

        unknown_parts: list[Condition] = [index.is_missing()] if has_index else []
        if self.recommend_fallback:
            unknown_parts.append(recommend.is_missing())
        unknown = _all(unknown_parts)

        def level(threshold: float, state: LoyaltyState) -> Condition:
            parts = at_least(threshold)
            if self.unknown_as >= state:
                parts.append(unknown)
            return _any(parts)

        satisfied = level(self.satisfied_at, LoyaltyState.SATISFIED)
        disappointed = level(self.dissatisfied_below, LoyaltyState.DISAPPOINTED)
        repeat = [
            _ge("repeat_purchase_count", self.min_repeat_purchases),
            _ge("purchases_365d", self.min_purchases_365d),
        ]
        if self.max_lapse_ratio is not None:
            repeat.append(~_gt("lapse_ratio", self.max_lapse_ratio))
        loyal = all_of(satisfied, *repeat)
        return (
            (LoyaltyState.PROMOTER, all_of(loyal, _ge("last_survey_score", self.promoter_at))),
            (LoyaltyState.LOYAL, loyal),
            (LoyaltyState.SATISFIED, satisfied),
            (LoyaltyState.DISAPPOINTED, disappointed),
            (LoyaltyState.DISSATISFIED, always()),
        )

    def _numeric_attributes(self) -> tuple[str, ...]:
        return (self.satisfaction,) if isinstance(self.satisfaction, str) else ()


# ---------------------------------------------------------------------- the loyalty ladder


def _spend(value: object) -> Money | Decimal | None:
    if value is None or isinstance(value, Money):
        return value
    amount = to_decimal(value, "premium_spend_365d")
    if amount < 0:
        msg = f"'premium_spend_365d' must be >= 0 (got {value!r})"
        raise ValidationError(msg)
    return amount


@LOYALTY_RULES.register("lifecycle.loyalty_ladder/1")
@attrs.frozen(kw_only=True)
class LoyaltyLadder(DecisionList[LadderRung]):
    """Place customers on the loyalty ladder: prospect up to partner.

    Each rung has its own condition on signals; a customer stands on the highest rung
    whose condition holds:

    - **partner**: an advocate who pays a premium: the ``premium`` attribute is true, or
      ``spend_365d`` is at least ``premium_spend_365d`` (when set);
    - **advocate**: a client who recommends: ``last_survey_score >= advocate_score`` (a
      promoter answer) or the ``referrals`` attribute is at least ``min_referrals``;
    - **supporter**: a client who buys across ``category_count >= supporter_categories``;
    - **client**: ``purchase_count >= client_purchases``;
    - **customer**: ``purchase_count >= customer_purchases``;
    - **prospect**: anyone else in the data (visits, surveys, no purchase).

    Attributes a subject does not carry count as missing (their comparisons are false).
    A ``last_survey_score`` off the 0-10 recommend scale raises
    :class:`~lifecycle.errors.ValidationError` naming the customer.

    Parameters
    ----------
    customer_purchases : int, default 1
    client_purchases : int, default 2
        At least ``customer_purchases``.
    supporter_categories : int, default 2
    advocate_score : float, default 9
        On the 0-10 recommend question.
    referrals : str or NamedSignal, default "referrals"
        Attribute counting the customers this one referred, or a defined signal (count or
        number) counting them, such as ``count("referral", within="365D")``.
    min_referrals : int, default 1
    premium : str or NamedSignal, default "premium"
        Attribute that is True for customers paying a premium price, or a defined signal:
        a flag, or a count, number or amount where above 0 is paying a premium.
    premium_spend_365d : Money, Decimal, int, str or None, default None
        Spend in the last 365 days that counts as paying a premium.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([
    ...     {"customer": 1, "date": "2024-01-05", "amount": "20", "category": "tea"},
    ...     {"customer": 1, "date": "2024-02-05", "amount": "35", "category": "cups"},
    ... ], currency="EUR")
    >>> p = log.profile(1, as_of="2024-03-01")
    >>> LoyaltyLadder().evaluate(p), LoyaltyLadder().evaluate(p.with_attributes(referrals=2))
    (<LadderRung.SUPPORTER: 3>, <LadderRung.ADVOCATE: 4>)
    >>> LoyaltyLadder(premium_spend_365d="50").evaluate(p.with_attributes(referrals=2))
    <LadderRung.PARTNER: 5>
    >>> from lifecycle import define_signal
    >>> from lifecycle.signals import count
    >>> cups = define_signal("cup_orders", count("purchase", within="60D"))
    >>> LoyaltyLadder(referrals=cups).evaluate(p)
    <LadderRung.ADVOCATE: 4>
    """

    _SCHEMA: ClassVar[str] = "lifecycle.loyalty_ladder/1"

    customer_purchases: int = attrs.field(default=1, validator=_count(1))
    client_purchases: int = attrs.field(default=2, validator=_count(1))
    supporter_categories: int = attrs.field(default=2, validator=_count(1))
    advocate_score: float = attrs.field(default=9, validator=_number(0, 10))
    referrals: Source = attrs.field(default="referrals", validator=_source("count", "number"))
    min_referrals: int = attrs.field(default=1, validator=_count(1))
    premium: Source = attrs.field(
        default="premium", validator=_source("bool", "count", "number", "money")
    )
    premium_spend_365d: Money | Decimal | None = attrs.field(default=None, converter=_spend)

    def __attrs_post_init__(self) -> None:
        if self.client_purchases < self.customer_purchases:
            msg = (
                f"'client_purchases' ({self.client_purchases}) must be >= "
                f"'customer_purchases' ({self.customer_purchases})"
            )
            raise ValidationError(msg)
        if isinstance(self.premium_spend_365d, Money) and self.premium_spend_365d.amount < 0:
            msg = f"'premium_spend_365d' must be >= 0 (got {self.premium_spend_365d})"
            raise ValidationError(msg)

    def conditions(
        self, subject: Subject | None = None
    ) -> tuple[tuple[LadderRung, Condition], ...]:
        """Each rung's condition, highest rung first.

        ``subject`` decides which attributes exist; None assumes they all do.

        Examples
        --------
        >>> steps = LoyaltyLadder().conditions()
        >>> [str(rung) for rung, _ in steps]
        ['partner', 'advocate', 'supporter', 'client', 'customer', 'prospect']
        >>> steps[3][1]
        Compare(signal='purchase_count', op='>=', value=2)
        """
        client = _ge("purchase_count", self.client_purchases)
        recommends: list[Condition] = [_ge("last_survey_score", self.advocate_score)]
        if _present(subject, self.referrals):
            recommends.append(_ge(self.referrals, self.min_referrals))
        advocate = all_of(client, _any(recommends))
        premium: list[Condition] = []
        if isinstance(self.premium, NamedSignal) and self.premium.kind != "bool":
            premium.append(_gt(self.premium, 0))
        elif _present(subject, self.premium):
            premium.append(_ref(self.premium).isin((True,)))
        if self.premium_spend_365d is not None:
            premium.append(_ge("spend_365d", self.premium_spend_365d))
        pays = _any(premium)
        return (
            (LadderRung.PARTNER, all_of(advocate, pays)),
            (LadderRung.ADVOCATE, advocate),
            (
                LadderRung.SUPPORTER,
                client & (_ge("category_count", self.supporter_categories)),
            ),
            (LadderRung.CLIENT, client),
            (LadderRung.CUSTOMER, _ge("purchase_count", self.customer_purchases)),
            (LadderRung.PROSPECT, always()),
        )

    def _numeric_attributes(self) -> tuple[str, ...]:
        return (self.referrals,) if isinstance(self.referrals, str) else ()
