"""The satisfaction model: scoring a tree of dimensions on 0-100 (private).

Examples
--------
>>> from lifecycle.satisfaction import Dimension
>>> SatisfactionModel([Dimension("speed")]).score({"speed": 4}).index
75.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias, overload

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import (
    as_float_array,
    check_choice,
    check_same_length,
    first_violation,
    is_number,
)
from .._values import plain
from ..errors import ValidationError
from ..serialization import check_keys, check_schema
from ..signals import NamedSignal, Population, Profile, define_signal
from ..table import Table
from ._dimension import Dimension, _check_dimensions, _to_tuple
from ._scores import SatisfactionScore, SatisfactionScores
from ._serialize import SCHEMA, dimension_to_dict, dimensions_from_list

__all__ = ["Answer", "Missing", "SatisfactionModel"]

Missing: TypeAlias = Literal["renormalize", "raise"]
_MISSING = ("renormalize", "raise")
#: One respondent's answer: a number, or None when the question was not answered.
Answer: TypeAlias = "float | None"


def _check_model_dimensions(_: object, __: object, value: tuple[Any, ...]) -> None:
    if not value:
        msg = "'dimensions' must not be empty"
        raise ValidationError(msg)
    _check_dimensions("'dimensions'", value)


def _to_dimensions(value: object) -> tuple[Dimension, ...]:
    out: tuple[Dimension, ...] = _to_tuple(value)
    return out


@attrs.frozen
class SatisfactionModel:
    """A tree of weighted satisfaction dimensions, scored on a 0-100 index.

    Parameters
    ----------
    dimensions : sequence of Dimension
        The top-level dimensions; names must be unique across the whole tree and their
        weights must have a positive sum.

    Notes
    -----
    A leaf's answer ``x`` on scale ``[low, high]`` scores ``100 (x - low) / (high - low)``,
    or ``100 (high - x) / (high - low)`` when lower is better. A group scores
    ``sum(w_i s_i) / sum(w_i)`` over its answered children, and the index is the same
    weighted mean over the top-level dimensions. With ``missing="renormalize"`` unanswered
    dimensions simply drop out of these means, so the remaining weights are rescaled.

    Examples
    --------
    >>> model = SatisfactionModel([
    ...     Dimension("service", weight=3, children=[Dimension("speed"), Dimension("courtesy")]),
    ...     Dimension("price"),
    ... ])
    >>> model.leaf_names
    ('speed', 'courtesy', 'price')
    >>> model.score({"speed": 5, "courtesy": 3, "price": 1}).dimensions
    {'service': 75.0, 'speed': 100.0, 'courtesy': 50.0, 'price': 0.0}
    """

    dimensions: tuple[Dimension, ...] = attrs.field(
        converter=_to_dimensions, validator=_check_model_dimensions
    )

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for dim in self.walk():
            if dim.name in seen:
                msg = f"dimension names must be unique in a model (got {dim.name!r} twice)"
                raise ValidationError(msg)
            seen.add(dim.name)

    def walk(self) -> Iterator[Dimension]:
        """Every dimension of the model, depth first, parents before children.

        Examples
        --------
        >>> from lifecycle.satisfaction import default_satisfaction
        >>> [d.name for d in default_satisfaction().walk()][:2]
        ['product', 'peripheral']
        """
        for dim in self.dimensions:
            yield from dim.walk()

    @property
    def leaves(self) -> tuple[Dimension, ...]:
        """The dimensions that are answered directly (no children), in model order.

        Examples
        --------
        >>> from lifecycle.satisfaction import default_satisfaction
        >>> len(default_satisfaction().leaves)
        4
        """
        return tuple(d for d in self.walk() if not d.is_group)

    @property
    def leaf_names(self) -> tuple[str, ...]:
        """Names of :attr:`leaves`: the keys :meth:`score` accepts.

        Examples
        --------
        >>> from lifecycle.satisfaction import default_satisfaction
        >>> default_satisfaction().leaf_names
        ('product', 'peripheral', 'atmosphere', 'psychic')
        """
        return tuple(d.name for d in self.leaves)

    @overload
    def score(
        self,
        responses: Profile,
        *,
        columns: None = None,
        missing: Missing = "renormalize",
    ) -> float | None: ...

    @overload
    def score(  # type: ignore[overload-overlap]
        self,
        responses: Population,
        *,
        columns: None = None,
        missing: Missing = "renormalize",
    ) -> NDArray[np.float64]: ...

    @overload
    def score(
        self,
        responses: Mapping[str, Answer],
        *,
        columns: None = None,
        missing: Missing = "renormalize",
    ) -> SatisfactionScore: ...

    @overload
    def score(
        self,
        responses: Mapping[str, NDArray[Any] | Sequence[float]] | NDArray[Any] | Sequence[Any],
        *,
        columns: Sequence[str] | None = None,
        missing: Missing = "renormalize",
    ) -> SatisfactionScores: ...

    def score(
        self,
        responses: Profile | Population | Mapping[str, Any] | ArrayLike,
        *,
        columns: Sequence[str] | None = None,
        missing: Missing = "renormalize",
    ) -> SatisfactionScore | SatisfactionScores | float | NDArray[np.float64] | None:
        """Score one respondent or many on every dimension and on the overall index.

        Parameters
        ----------
        responses : Profile, Population, mapping or array-like
            A customer's :class:`~lifecycle.signals.Profile` or a
            :class:`~lifecycle.signals.Population`: the index only (see :meth:`signal`), from
            the answers the log carries as attributes named after the leaves. One respondent: a mapping of leaf name to a number, or None when unanswered.
            Many respondents: a mapping of leaf name to a 1-D array (NaN when unanswered),
            or a 2-D array of shape (n_respondents, n_columns) with ``columns``. Leaves
            absent from the responses count as unanswered.
        columns : sequence of str, optional
            Leaf names of the columns of a 2-D array.
        missing : {"renormalize", "raise"}, default "renormalize"
            What to do with unanswered dimensions: drop them from the weighted means
            (rescaling the other weights), or raise.

        Returns
        -------
        SatisfactionScore, SatisfactionScores, float, None or ndarray
            For a profile the index (None when missing), for a population a float64 array
            of the index (NaN when missing). Otherwise Python floats (None when unanswered) for one respondent; float64 arrays (NaN
            when unanswered) for many.

        Raises
        ------
        ValidationError
            An unknown or group name, an answer that is not a number or is outside its
            scale, arrays of unequal lengths, or (with ``missing="raise"``) a missing
            answer. The message names the dimension and the respondent's index.

        Examples
        --------
        >>> from lifecycle.satisfaction import default_satisfaction
        >>> model = default_satisfaction()
        >>> model.score({"product": 4, "peripheral": 3, "atmosphere": 5, "psychic": 2}).index
        62.5
        >>> model.score(np.array([[5, 1], [3, 3]]), columns=["product", "psychic"]).index
        array([50., 50.])
        >>> model.score({"product": 6})
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: answer to 'product' must be within its scale 1-5 (got 6)
        """
        check_choice("missing", missing, _MISSING)
        if isinstance(responses, (Profile, Population)):
            if columns is not None:
                msg = "'columns' names the columns of a 2-D array, not of a profile or population"
                raise ValidationError(msg)
            from ._signal import SatisfactionScoreSignal  # the signal kind builds on the model

            definition = SatisfactionScoreSignal(self, missing)
            if isinstance(responses, Profile):
                value: float | None = responses.compute(definition)
                return value
            return responses.compute(definition)[0]
        if isinstance(responses, (Mapping, Table)):
            if columns is not None:
                msg = "'columns' names the columns of a 2-D array; a mapping names its own keys"
                raise ValidationError(msg)
            self._check_keys(responses.keys())
            if all(v is None or np.ndim(v) == 0 for v in responses.values()):
                return self._score_one(responses, missing)
            answers = {
                name: as_float_array(name, values, allow_nan=True, allow_empty=True)
                for name, values in responses.items()
            }
            check_same_length(**answers)
        else:
            answers = self._columns_of(responses, columns)
        n = len(next(iter(answers.values())))
        return self._score_many(answers, n, missing, single=False)

    def _check_keys(self, keys: Iterable[object]) -> None:
        leaves = set(self.leaf_names)
        for key in keys:
            if key in leaves:
                continue
            groups = {d.name: d for d in self.walk() if d.is_group}
            if key in groups:
                children = ", ".join(repr(c.name) for c in groups[key].children)
                msg = f"{key!r} is a group of dimensions: answer its children instead ({children})"
            else:
                msg = (
                    f"unknown dimension {key!r}: answers must be keyed by leaf dimensions "
                    f"({', '.join(map(repr, self.leaf_names))})"
                )
            raise ValidationError(msg)

    def _columns_of(
        self, responses: ArrayLike, columns: Sequence[str] | None
    ) -> dict[str, NDArray[np.float64]]:
        if columns is None:
            msg = "a 2-D array of responses needs 'columns=' naming its leaf dimensions"
            raise ValidationError(msg)
        columns = list(columns)
        if len(set(columns)) != len(columns):
            msg = f"'columns' must not repeat a name (got {columns!r})"
            raise ValidationError(msg)
        self._check_keys(columns)
        matrix = np.asarray(responses) if not isinstance(responses, np.ndarray) else responses
        if matrix.ndim != 2:
            msg = f"'responses' must be a mapping or a 2-D array (got shape {matrix.shape})"
            raise ValidationError(msg)
        if matrix.shape[1] != len(columns):
            msg = (
                f"'columns' must name each of the {matrix.shape[1]} columns of 'responses' "
                f"(got {len(columns)} names)"
            )
            raise ValidationError(msg)
        return {
            name: as_float_array(name, matrix[:, j], allow_nan=True, allow_empty=True)
            for j, name in enumerate(columns)
        }

    def _score_one(self, responses: Mapping[str, Any], missing: Missing) -> SatisfactionScore:
        answers: dict[str, NDArray[np.float64]] = {}
        for name, value in responses.items():
            if value is None:
                value = math.nan
            elif not is_number(value) or math.isinf(value):
                msg = f"answer to {name!r} must be a finite number or None (got {value!r})"
                raise ValidationError(msg)
            answers[name] = np.array([value], dtype=np.float64)
        result = self._score_many(answers, 1, missing, single=True)
        return SatisfactionScore(
            index=_scalar(result.index),
            dimensions={name: _scalar(v) for name, v in result.dimensions.items()},
        )

    def _score_many(
        self,
        answers: Mapping[str, NDArray[np.float64]],
        n: int,
        missing: Missing,
        *,
        single: bool,
        customers: NDArray[Any] | None = None,
    ) -> SatisfactionScores:
        scores: dict[str, NDArray[np.float64]] = {}
        for leaf in self.leaves:
            values = answers.get(leaf.name)
            if values is None:
                values = np.full(n, np.nan)
            _check_answers(leaf, values, missing, single=single, customers=customers)
            scores[leaf.name] = leaf.scale.rescale(values)
        index = _weighted_mean(self.dimensions, scores, n)
        ordered = {d.name: scores[d.name] for d in self.walk()}
        return SatisfactionScores(index=index, dimensions=ordered)

    def signal(
        self,
        name: str = "satisfaction_score",
        *,
        missing: Missing = "renormalize",
        description: str = "",
    ) -> NamedSignal:
        """The model's index as a signal that conditions, stages and rules can use.

        Each customer's answer to a leaf dimension is the log's attribute of the same name,
        carried as its latest known value on or before ``as_of`` (the way a profile carries
        every attribute); ``missing`` is the rule of :meth:`score` for unanswered
        dimensions. Both engines score it with :meth:`score`, one customer or all at once.
        A log without one of the attributes raises a ``ValidationError`` naming them.

        Parameters
        ----------
        name : str, default "satisfaction_score"
            The signal's name; not a standard signal's.
        missing : {"renormalize", "raise"}, default "renormalize"
        description : str

        Returns
        -------
        NamedSignal
            Use it as ``signal(model.signal()) >= 70``; its ``to_dict()`` holds the model.

        Examples
        --------
        >>> from lifecycle import EventLog, signal
        >>> model = SatisfactionModel([Dimension("speed"), Dimension("price")])
        >>> log = EventLog.from_records([
        ...     {"customer": 1, "date": "2024-01-05", "kind": "survey", "speed": 5, "price": 3},
        ...     {"customer": 2, "date": "2024-01-06", "kind": "survey", "speed": 2},
        ... ], attributes=["speed", "price"])
        >>> happy = signal(model.signal()) >= 70
        >>> happy.evaluate(log.population("2024-01-31")).tolist()
        [True, False]
        >>> happy.evaluate(log.profile(1, "2024-01-31"))
        True
        """
        from ._signal import SatisfactionScoreSignal  # the signal kind builds on the model

        return define_signal(
            name,
            SatisfactionScoreSignal(self, missing),
            unit="points (0-100)",
            description=description,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> from lifecycle.satisfaction import default_satisfaction
        >>> model = default_satisfaction()
        >>> model.to_dict()["schema"]
        'lifecycle.satisfaction/1'
        >>> SatisfactionModel.from_dict(model.to_dict()) == model
        True
        """
        return {"schema": SCHEMA, "dimensions": [dimension_to_dict(d) for d in self.dimensions]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SatisfactionModel:
        """Build a model from :meth:`to_dict` output.

        Raises
        ------
        SchemaError
            A wrong schema tag, an unknown or missing key.
        ValidationError
            A value a model does not allow (a negative weight, an empty name, ...).

        Examples
        --------
        >>> SatisfactionModel.from_dict({"schema": "lifecycle.satisfaction/2"})
        Traceback (most recent call last):
        ...
        lifecycle.errors.SchemaError: expected schema 'lifecycle.satisfaction/1' (got 'lifecycle.satisfaction/2')
        """
        check_schema(data, SCHEMA, {"dimensions"})
        check_keys(data, SCHEMA, required={"schema", "dimensions"})
        return cls(dimensions_from_list(data["dimensions"], "dimensions"))


def _scalar(values: NDArray[np.float64]) -> float | None:
    value = float(values[0])
    return None if math.isnan(value) else value


def _check_answers(
    leaf: Dimension,
    values: NDArray[np.float64],
    missing: Missing,
    *,
    single: bool,
    customers: NDArray[Any] | None = None,
) -> None:
    """Refuse answers off the leaf's scale (and unanswered ones with ``missing="raise"``).

    The message names the respondent: by ``customers[i]`` when the rows are customers (a
    profile's or a population's answers), else by position.
    """
    scale = leaf.scale
    # fmin/fmax skip NaN (unanswered) and need no temporary array in the valid case.
    if values.size and (np.fmin.reduce(values) < scale.low or np.fmax.reduce(values) > scale.high):
        outside = (values < scale.low) | (values > scale.high)
        if customers is not None:
            _name_customer(
                leaf.name, outside, f"within its scale {scale.describe()}", values, customers
            )
        if single:
            value = float(values[0])
            shown = int(value) if value.is_integer() else value
            msg = (
                f"answer to {leaf.name!r} must be within its scale {scale.describe()} (got {shown})"
            )
            raise ValidationError(msg)
        # The index in the message is the respondent's position.
        first_violation(leaf.name, outside, f"within its scale {scale.describe()}", values)
    if missing == "raise":
        unanswered = np.isnan(values)
        if single and unanswered[0]:
            msg = f"answer to {leaf.name!r} is missing (missing='raise')"
            raise ValidationError(msg)
        if customers is not None:
            _name_customer(leaf.name, unanswered, "answered (missing='raise')", values, customers)
        first_violation(leaf.name, unanswered, "answered (missing='raise')", values)


def _name_customer(
    name: str, bad: NDArray[np.bool_], rule: str, values: NDArray[Any], customers: NDArray[Any]
) -> None:
    """Raise, naming the first customer whose answer breaks ``rule``, if any does."""
    if bad.any():
        rows = np.flatnonzero(bad)
        first = int(rows[0])
        value = float(values[first])
        shown: object = int(value) if value.is_integer() else value
        if math.isnan(value):
            shown = "no answer"
        others = f" ({rows.size} customers in all)" if rows.size > 1 else ""
        msg = (
            f"customer {plain(customers[first])!r}: answer to {name!r} must be {rule} "
            f"(got {shown}){others}"
        )
        raise ValidationError(msg)


def _weighted_mean(
    dimensions: tuple[Dimension, ...], scores: dict[str, NDArray[np.float64]], n: int
) -> NDArray[np.float64]:
    """Weighted mean over answered dimensions; fills in group scores on the way."""
    total = np.zeros(n)
    weight = np.zeros(n)
    for dim in dimensions:
        if dim.is_group:
            scores[dim.name] = _weighted_mean(dim.children, scores, n)
        values = scores[dim.name]
        w = float(dim.weight)
        if w == 0:
            continue
        answered = ~np.isnan(values)
        total += np.where(answered, values, 0.0) * w
        weight += answered * w
    out = np.full(n, np.nan)
    np.divide(total, weight, out=out, where=weight > 0)
    return out
