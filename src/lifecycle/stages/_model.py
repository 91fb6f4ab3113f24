"""LifecycleModel: stages, the transitions between them, and both engines (private module).

Examples
--------
>>> from lifecycle import EventLog, signal
>>> model = LifecycleModel(
...     ["trial", "active", "churned"],
...     [Transition("trial", "active", signal("purchase_count") >= 1, "first order"),
...      Transition("active", "churned", signal("days_since_last_purchase") > 60, "lapse"),
...      Transition("churned", "active", signal("days_since_last_purchase") <= 60, "back")],
...     dissolution="churned",
... )
>>> [t.kind for t in model.transitions]
['forward', 'dissolution', 'win_back']
>>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
>>> model.stage_of(log.profile(1, "2024-01-10")).stage
'active'
>>> model.classify(log.population("2024-06-01")).names().tolist()
['churned']
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._display import plural
from ..conditions import condition_from_dict
from ..errors import SchemaError, UnknownSignalError, ValidationError
from ..events import EventLog
from ..serialization import check_keys, check_schema
from ..signals import SIGNALS, Population, Profile
from ._engine import STOP_ENDS, STOP_NONE, Engine
from ._kinds import RelationshipKind
from ._parts import Stage, Transition, TransitionKind
from ._results import StageCodes, StagePath

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

    from ._timeline import Timeline

__all__ = ["MAX_STAGES", "SCHEMA", "LifecycleModel"]

SCHEMA = "lifecycle.stages/1"
#: A model has at most this many stages (stage codes are small ints, walks use bit sets).
MAX_STAGES = 64
_ENDS_WALK = frozenset({"dissolution", "win_back"})


def _to_stages(values: Iterable[Stage | str]) -> tuple[Stage, ...]:
    if isinstance(values, (str, Stage)):
        msg = f"'stages' must be a sequence of Stage or str (got {values!r})"
        raise ValidationError(msg)
    return tuple(v if isinstance(v, Stage) else Stage(v) for v in values)


def _to_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


def _to_kind(value: RelationshipKind | str | None) -> RelationshipKind | None:
    return None if value is None else RelationshipKind.parse(value)


@attrs.frozen
class _Resolved:
    """What a model's inputs resolve to: kinds of the transitions, initial and dissolution."""

    transitions: tuple[Transition, ...]
    initial: str
    dissolution: str | None


@attrs.frozen(repr=False)
class LifecycleModel:
    """A relationship development model: stages, the transitions between them, and rules.

    Parameters
    ----------
    stages : sequence of Stage or str
        In order: the order decides which moves are forward and which backward.
    transitions : sequence of Transition
        The order of the transitions from one stage is their priority.
    initial : str, optional
        Where every relationship starts; default the first stage.
    dissolution : str, optional
        The stage where relationships end; default the stage named ``"dissolution"`` if
        there is one. Moves into it are ``dissolution`` moves, moves out of it ``win_back``.
    reversible : bool, default True
        False declares the model forward-only: a ``backward`` transition raises.
    attributes : sequence of str
        User attributes (not standard signals) the rules may read, such as a segment
        joined onto the population. Any other unknown name raises
        :class:`~lifecycle.errors.UnknownSignalError`.
    relationship_kind : RelationshipKind or str, optional
        How the supplier relates to these customers.

    Notes
    -----
    **Snapshot semantics** (:meth:`stage_of`, :meth:`classify`): start at the initial stage
    and follow, in priority order, the first transition whose condition holds on that one
    snapshot; repeat until no transition holds. A walk never revisits a stage (a move into
    a stage already visited in the walk stops it) and a dissolution or win-back move ends
    it, so it makes at most (number of stages - 1) moves. **History semantics**
    (:meth:`replay`): the same walk, on each evaluation date, from the stage carried from
    the previous date.

    Raises
    ------
    ValidationError
        Duplicate stages, unknown stage names in a transition, a transition from a stage to
        itself, stages no path from the initial stage reaches, a backward transition in a
        forward-only model, more than 64 stages.
    UnknownSignalError
        A rule reads a name that is neither a standard signal nor a declared attribute.

    Examples
    --------
    >>> from lifecycle import signal
    >>> LifecycleModel(["a", "b", "c"],
    ...                [Transition("a", "b", signal("purchase_count") >= 1, "bought")])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: stage 'c' cannot be reached from the initial stage 'a' (unreachable: c)
    >>> LifecycleModel(["a", "b"], [Transition("a", "b", signal("visit_count") >= 1, "seen")],
    ...                reversible=False).allowed_moves("a")[0].kind
    'forward'
    >>> LifecycleModel(["a", "b"], [Transition("a", "b", signal("visit_count") >= 1, "seen")])
    LifecycleModel(2 stages, 1 transition)
      transitions: 1 forward
      stages: a -> b
      initial: a
      dissolution: none
    """

    stages: tuple[Stage, ...] = attrs.field(converter=_to_stages)
    # The inputs are kept as given, so attrs.evolve derives everything again; equality
    # and hashing compare what they resolve to (``_resolved``).
    _transitions: tuple[Transition, ...] = attrs.field(
        converter=_to_tuple, eq=False, alias="transitions"
    )
    _initial: str | None = attrs.field(default=None, kw_only=True, eq=False, alias="initial")
    _dissolution: str | None = attrs.field(
        default=None, kw_only=True, eq=False, alias="dissolution"
    )
    reversible: bool = attrs.field(default=True, kw_only=True)
    attributes: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple, kw_only=True)
    relationship_kind: RelationshipKind | None = attrs.field(
        default=None, converter=_to_kind, kw_only=True
    )
    _resolved: _Resolved = attrs.field(init=False)
    _engine: Engine = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        names = self.labels
        if not names:
            msg = "'stages' must not be empty"
            raise ValidationError(msg)
        if len(names) > MAX_STAGES:
            msg = f"a model has at most {MAX_STAGES} stages (got {len(names)})"
            raise ValidationError(msg)
        seen: set[str] = set()
        for name in names:
            if name in seen:
                msg = f"duplicate stage {name!r} (stages: {', '.join(names)})"
                raise ValidationError(msg)
            seen.add(name)
        if not isinstance(self.reversible, bool):
            msg = f"'reversible' must be True or False (got {self.reversible!r})"
            raise ValidationError(msg)
        initial = names[0] if self._initial is None else self._known(self._initial, "'initial'")
        dissolution = self._dissolution
        if dissolution is None and "dissolution" in names:
            dissolution = "dissolution"
        elif dissolution is not None:
            self._known(dissolution, "'dissolution'")
        resolved = tuple(self._resolve(i, t, dissolution) for i, t in enumerate(self._transitions))
        object.__setattr__(self, "_resolved", _Resolved(resolved, initial, dissolution))
        self._check_reachable()
        self._check_signals()
        codes = {name: i for i, name in enumerate(names)}
        engine = Engine(
            len(names),
            codes[initial],
            [codes[t.source] for t in resolved],
            [codes[t.target] for t in resolved],
            [t.when for t in resolved],
            [t.kind in _ENDS_WALK for t in resolved],
        )
        object.__setattr__(self, "_engine", engine)

    def __repr__(self) -> str:
        # A summary: the full form, every rule included, is to_dict().
        kinds: dict[str, int] = {}
        for t in self.transitions:
            kinds[str(t.kind)] = kinds.get(str(t.kind), 0) + 1
        by_kind = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        lines = [
            f"LifecycleModel({plural(len(self.stages), 'stage')}, "
            f"{plural(len(self.transitions), 'transition')}"
            + ("" if self.reversible else ", forward-only")
            + ")",
            f"  transitions: {by_kind}",
            f"  stages: {' -> '.join(self.labels)}",
            f"  initial: {self.initial}",
            f"  dissolution: {self.dissolution or 'none'}",
        ]
        if self.attributes:
            lines.append(f"  attributes: {', '.join(self.attributes)}")
        if self.relationship_kind is not None:
            lines.append(f"  relationship kind: {self.relationship_kind}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # Front ends with Mermaid draw the <pre class="mermaid">; the others show the summary.
        return (
            f'<pre class="mermaid">\n{html.escape(self.to_mermaid())}\n</pre>\n'
            f"<pre>{html.escape(repr(self))}</pre>"
        )

    @property
    def transitions(self) -> tuple[Transition, ...]:
        """The transitions, each with its kind resolved (see :class:`Transition`)."""
        return self._resolved.transitions

    @property
    def initial(self) -> str:
        """Where every relationship starts."""
        return self._resolved.initial

    @property
    def dissolution(self) -> str | None:
        """The stage where relationships end (None: the model has none)."""
        return self._resolved.dissolution

    def _known(self, name: object, what: str) -> str:
        if not isinstance(name, str) or name not in self.labels:
            msg = f"{what}: unknown stage {name!r} (stages: {', '.join(self.labels)})"
            raise ValidationError(msg)
        return name

    def _resolve(self, index: int, t: object, dissolution: str | None) -> Transition:
        if not isinstance(t, Transition):
            msg = f"transition {index} must be a Transition (got {type(t).__name__}: {t!r})"
            raise ValidationError(msg)
        where = f"transition {index} ({t.source} -> {t.target})"
        self._known(t.source, where)
        self._known(t.target, where)
        if t.source == t.target:
            msg = f"{where}: a transition from a stage to itself is not allowed"
            raise ValidationError(msg)
        order = self.labels
        derived: TransitionKind
        if t.target == dissolution:
            derived = "dissolution"
        elif t.source == dissolution:
            derived = "win_back"
        elif order.index(t.target) > order.index(t.source):
            derived = "forward"
        else:
            derived = "backward"
        kind = derived if t.kind is None else t.kind
        if kind in _ENDS_WALK and kind != derived:
            side = "into" if kind == "dissolution" else "out of"
            msg = (
                f"{where}: kind {kind!r} needs a move {side} the dissolution stage "
                f"({dissolution!r})"
            )
            raise ValidationError(msg)
        if kind == "backward" and not self.reversible:
            msg = (
                f"{where} is backward, but the model is forward-only (reversible=False): "
                "only dissolution and win-back moves may go back"
            )
            raise ValidationError(msg)
        return t if t.kind == kind else attrs.evolve(t, kind=kind)

    def _check_reachable(self) -> None:
        reached = {self.initial}
        frontier = [self.initial]
        while frontier:
            here = frontier.pop()
            for t in self.transitions:
                if t.source == here and t.target not in reached:
                    reached.add(t.target)
                    frontier.append(t.target)
        missing = [name for name in self.labels if name not in reached]
        if missing:
            msg = (
                f"stage {missing[0]!r} cannot be reached from the initial stage "
                f"{self.initial!r} (unreachable: {', '.join(missing)})"
            )
            raise ValidationError(msg)

    def _check_signals(self) -> None:
        for name in self.attributes:
            if not isinstance(name, str) or not name:
                msg = f"'attributes' must hold non-empty str names (got {name!r})"
                raise ValidationError(msg)
        allowed = set(SIGNALS) | set(self.attributes)
        for i, t in enumerate(self.transitions):
            unknown = sorted(t.when.signals() - allowed)
            if unknown:
                msg = (
                    f"transition {i} ({t.source} -> {t.target}) reads unknown signal "
                    f"{unknown[0]!r}; known signals: {', '.join(sorted(SIGNALS))}; declare "
                    "user attributes with attributes=[...]"
                )
                raise UnknownSignalError(msg)

    # ------------------------------------------------------------------ structure

    @property
    def labels(self) -> tuple[str, ...]:
        """The stage names, in order (``labels[code]`` names a stage code)."""
        return tuple(s.name for s in self.stages)

    def code(self, stage: str) -> int:
        """The code of stage ``stage``; unknown names raise ``ValidationError``.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> default_lifecycle().code("commitment")
        3
        """
        return self.labels.index(self._known(stage, "stage"))

    def signals(self) -> frozenset[str]:
        """Names of every signal and attribute the rules read.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> sorted(default_lifecycle().signals())[:3]
        ['cancelled', 'category_count', 'days_since_last_purchase']
        """
        return frozenset().union(*(t.when.signals() for t in self.transitions))

    def allowed_moves(self, stage: str) -> tuple[Transition, ...]:
        """The transitions out of ``stage``, in priority order.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> [t.target for t in default_lifecycle().allowed_moves("commitment")]
        ['dissolution', 'dissolution', 'expansion']
        """
        self._known(stage, "stage")
        return tuple(t for t in self.transitions if t.source == stage)

    def moves_between(self, source: str, target: str) -> tuple[Transition, ...]:
        """The transitions from ``source`` to ``target`` (empty when the move is not allowed).

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> model = default_lifecycle()
        >>> [t.reason for t in model.moves_between("exploration", "awareness")]
        ['second purchase or repeat visits']
        >>> model.moves_between("exploration", "commitment")
        ()
        """
        return tuple(t for t in self.allowed_moves(source) if t.target == target)

    # ------------------------------------------------------------------ single engine

    def stage_of(self, profile: Profile, *, start: str | None = None) -> StagePath:
        """One customer's stage on the profile's date, with the path that led there.

        Parameters
        ----------
        profile : Profile
        start : str, optional
            The stage to walk from; default the initial stage (snapshot semantics). Give
            the customer's current stage to take one step of history.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-05"},
        ...                              {"customer": 1, "date": "2024-06-01"}])
        >>> model = default_lifecycle()
        >>> model.stage_of(log.profile(1, "2024-06-01")).stage
        'awareness'
        >>> model.stage_of(log.profile(1, "2024-06-01"), start="dissolution").stage
        'exploration'
        """
        if not isinstance(profile, Profile):
            msg = f"stage_of() takes a Profile (got {type(profile).__name__})"
            raise ValidationError(msg)
        self._check_subject(profile.values, "profile")
        begin = self.initial if start is None else self._known(start, "'start'")
        engine = self._engine
        path, stop = engine.walk_one(
            self.labels.index(begin), lambda k: engine.conditions[k].evaluate(profile)
        )
        moves = tuple(self.transitions[t] for t in path)
        stage = moves[-1].target if moves else begin
        if stop == STOP_NONE:
            why = f"stops in {stage}: no rule from {stage} holds"
        elif stop == STOP_ENDS:
            why = f"stops in {stage}: a {moves[-1].kind} move ends the walk"
        else:
            why = f"stops in {stage}: the next rule that holds leads to a stage already visited"
        return StagePath(profile.customer, profile.as_of, begin, stage, moves, why, profile)

    def _check_subject(self, columns: Mapping[str, Any], what: str) -> None:
        for name in sorted(self.signals()):
            if name not in columns:
                msg = (
                    f"the {what} has no {name!r}, which the model's rules read; "
                    "add user attributes first (with_attributes / join)"
                )
                raise UnknownSignalError(msg)

    # ------------------------------------------------------------------ batch engine

    def classify(self, population: Population) -> StageCodes:
        """Every customer's stage on the population's date: ``int8`` codes and labels.

        Equal, customer by customer, to :meth:`stage_of` on each one's profile.

        Raises
        ------
        ValidationError
            An empty population.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": c, "date": d} for c, d in
        ...     [(1, "2024-01-05"), (1, "2024-02-01"), (2, "2024-03-01")]])
        >>> codes = default_lifecycle().classify(log.population("2024-03-31"))
        >>> codes.code.dtype, codes.names().tolist()
        (dtype('int8'), ['awareness', 'exploration'])
        """
        if not isinstance(population, Population):
            msg = f"classify() takes a Population (got {type(population).__name__})"
            raise ValidationError(msg)
        if len(population) == 0:
            msg = "cannot classify an empty population (no customer has an event by as_of)"
            raise ValidationError(msg)
        self._check_subject(population, "population")
        codes = self._engine.classify(self._engine.masks(population))
        return StageCodes(population.customer, codes, self.labels)

    def replay(
        self,
        log: EventLog,
        *,
        start: dt.date | str | None = None,
        end: dt.date | str | None = None,
        every: int | str | dt.timedelta | relativedelta | None = None,
    ) -> Timeline:
        """Carry each customer's stage through time: see :func:`lifecycle.stages.replay`.

        Examples
        --------
        >>> from lifecycle import EventLog
        >>> from lifecycle.stages import default_lifecycle
        >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-05"}])
        >>> tl = default_lifecycle().replay(log, end="2025-03-01", every="1M")
        >>> [str(c) for c in tl.changes_for(1)]
        ['2025-01-05 1: exploration -> dissolution (lapse)']
        """
        from ._replay import replay

        return replay(self, log, start=start, end=end, every=every)

    # ------------------------------------------------------------------ serialisation

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data tagged ``lifecycle.stages/1``; :meth:`from_dict` reads it.

        Examples
        --------
        >>> from lifecycle.stages import default_lifecycle
        >>> model = default_lifecycle(order="dwyer1987")
        >>> LifecycleModel.from_dict(model.to_dict()) == model
        True
        >>> model.to_dict()["stages"][0]["name"]
        'awareness'
        """
        return {
            "schema": SCHEMA,
            "stages": [{"name": s.name, "description": s.description} for s in self.stages],
            "transitions": [
                {
                    "source": t.source,
                    "target": t.target,
                    "when": t.when.to_dict(),
                    "reason": t.reason,
                    "kind": t.kind,
                }
                for t in self.transitions
            ],
            "initial": self.initial,
            "dissolution": self.dissolution,
            "reversible": self.reversible,
            "attributes": list(self.attributes),
            "relationship_kind": None
            if self.relationship_kind is None
            else str(self.relationship_kind.value),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LifecycleModel:
        """Rebuild a model from :meth:`to_dict` output (validated like a new model).

        Examples
        --------
        >>> LifecycleModel.from_dict({"schema": "lifecycle.stages/1", "stages": "a",
        ...                           "transitions": []})
        Traceback (most recent call last):
        ...
        lifecycle.errors.SchemaError: lifecycle.stages/1: 'stages' must be a list (got 'a')
        """
        keys = {
            "stages",
            "transitions",
            "initial",
            "dissolution",
            "reversible",
            "attributes",
            "relationship_kind",
        }
        body = check_schema(data, SCHEMA, keys)
        check_keys(body, SCHEMA, required={"schema", "stages", "transitions"}, optional=keys)
        stages = [
            Stage(**check_keys(s, "stage", required={"name"}, optional={"description"}))
            for s in _list(body, "stages")
        ]
        transitions = []
        for item in _list(body, "transitions"):
            t = check_keys(
                item,
                "transition",
                required={"source", "target", "when", "reason"},
                optional={"kind"},
            )
            when = t["when"]
            if not isinstance(when, Mapping):
                msg = f"transition: 'when' must be a condition mapping (got {when!r})"
                raise SchemaError(msg)
            transitions.append(
                Transition(
                    t["source"],
                    t["target"],
                    condition_from_dict(when),
                    t["reason"],
                    kind=t.get("kind"),
                )
            )
        return cls(
            stages,
            transitions,
            initial=body.get("initial"),
            dissolution=body.get("dissolution"),
            reversible=body.get("reversible", True),
            attributes=_list(body, "attributes", required=False),
            relationship_kind=body.get("relationship_kind"),
        )

    def to_mermaid(self) -> str:
        """The state diagram as Mermaid ``stateDiagram-v2`` text, for docs and notebooks.

        Parallel transitions between the same two stages share one arrow, their reasons
        joined with ``/``.

        Examples
        --------
        >>> from lifecycle import signal
        >>> model = LifecycleModel(["trial", "at-risk"],
        ...     [Transition("trial", "at-risk", signal("visits_90d") == 0, "no visits")])
        >>> print(model.to_mermaid())
        stateDiagram-v2
            state "at-risk" as s1
            [*] --> trial
            trial --> s1: no visits
        """
        ids = {
            name: name if name.isidentifier() and name != "state" else f"s{i}"
            for i, name in enumerate(self.labels)
        }
        lines = ["stateDiagram-v2"]
        for name in self.labels:
            if ids[name] != name:
                lines.append(f'    state "{_mermaid_text(name)}" as {ids[name]}')
        lines.append(f"    [*] --> {ids[self.initial]}")
        arrows: dict[tuple[str, str], list[str]] = {}
        for t in self.transitions:
            reasons = arrows.setdefault((t.source, t.target), [])
            if t.reason not in reasons:
                reasons.append(t.reason)
        for (source, target), reasons in arrows.items():
            label = " / ".join(_mermaid_text(r) for r in reasons)
            lines.append(f"    {ids[source]} --> {ids[target]}: {label}")
        return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    return " ".join(text.replace('"', "'").replace(":", " -").replace(";", ",").split())


def _list(body: Mapping[str, Any], key: str, *, required: bool = True) -> Sequence[Any]:
    value = body.get(key, [] if not required else None)
    if not isinstance(value, list):
        msg = f"{SCHEMA}: {key!r} must be a list (got {value!r})"
        raise SchemaError(msg)
    return value
