"""Satisfaction models: weighted, nested dimensions scored on a common 0-100 index.

A :class:`SatisfactionModel` is a tree of :class:`Dimension` objects. Leaves are the survey
questions, each answered on its own :class:`Scale` (1-5, 1-7, 0-10, ...); groups combine
their children. :meth:`SatisfactionModel.score` rescales every answer to 0-100 (reversed
where a lower answer is better), scores each group as the weighted mean of its children and
the whole model as the weighted mean of its top-level dimensions.

The same model scores one respondent (a mapping of answers, giving Python floats) or many
(a mapping of arrays or a 2-D array, giving NumPy arrays); both go through one vectorised
definition, so respondent ``i`` of a batch always scores exactly as that respondent alone.

Examples
--------
>>> from lifecycle.satisfaction import Dimension, SatisfactionModel, Scale
>>> model = SatisfactionModel([
...     Dimension("product", weight=2),
...     Dimension("price", scale=Scale(0, 10)),
... ])
>>> model.score({"product": 4, "price": 7}).index
73.33333333333333
>>> model.score({"product": [5, 1], "price": [10, 0]}).index.tolist()
[100.0, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias, TypeGuard, overload

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    as_float_array,
    check_choice,
    check_same_length,
    first_violation,
    is_bool,
)
from .errors import SchemaError, ValidationError
from .serialization import check_keys, check_schema

__all__ = [
    "Dimension",
    "SatisfactionModel",
    "SatisfactionScore",
    "SatisfactionScores",
    "Scale",
    "default_satisfaction",
]

_SCHEMA = "lifecycle.satisfaction/1"
Missing: TypeAlias = Literal["renormalize", "raise"]
_MISSING = ("renormalize", "raise")
#: One respondent's answer: a number, or None when the question was not answered.
Answer: TypeAlias = "float | None"


def _is_real(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _check_finite_number(name: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if not _is_real(value) or not math.isfinite(value):
            msg = f"{name!r} must be a finite number (got {value!r})"
            raise ValidationError(msg)

    return check


def _plain(value: object) -> Any:
    """NumPy scalars become the Python numbers they hold, so ``to_dict`` stays JSON-safe."""
    return value.item() if isinstance(value, np.generic) else value


@attrs.frozen
class Scale:
    """The answer scale of a survey question, such as 1-5, 1-7 or 0-10.

    Parameters
    ----------
    low, high : int or float
        The lowest and highest allowed answers; ``low < high``.
    higher_is_better : bool, default True
        False for questions where a low answer is the good one (for example "how much effort
        did it take?"); :meth:`rescale` then reverses the scale.

    Examples
    --------
    >>> Scale(1, 5)
    Scale(low=1, high=5, higher_is_better=True)
    >>> Scale(0, 10).midpoint
    5.0
    >>> Scale(5, 1)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'low' must be < 'high' (got low=5, high=1)
    """

    low: float = attrs.field(converter=_plain, validator=_check_finite_number("low"))
    high: float = attrs.field(converter=_plain, validator=_check_finite_number("high"))
    higher_is_better: bool = attrs.field(default=True, kw_only=True, validator=is_bool)

    def __attrs_post_init__(self) -> None:
        if not self.low < self.high:
            msg = f"'low' must be < 'high' (got low={self.low!r}, high={self.high!r})"
            raise ValidationError(msg)

    @property
    def midpoint(self) -> float:
        """The centre of the scale, ``(low + high) / 2``.

        Examples
        --------
        >>> Scale(1, 7).midpoint
        4.0
        """
        return (self.low + self.high) / 2

    @overload
    def rescale(self, values: float) -> float: ...

    @overload
    def rescale(self, values: NDArray[Any]) -> NDArray[np.float64]: ...

    def rescale(self, values: float | NDArray[Any]) -> float | NDArray[np.float64]:
        """Map answers onto 0-100: the best answer gives 100, the worst 0.

        Values are not range-checked here (:meth:`SatisfactionModel.score` does that); NaN
        stays NaN.

        Examples
        --------
        >>> Scale(1, 5).rescale(4)
        75.0
        >>> Scale(1, 5, higher_is_better=False).rescale(4)
        25.0
        >>> Scale(0, 10).rescale(np.array([0, 5, 10])).tolist()
        [0.0, 50.0, 100.0]
        """
        span = float(self.high) - float(self.low)
        if self.higher_is_better:
            out = (np.asarray(values, dtype=np.float64) - self.low) * (100.0 / span)
        else:
            out = (self.high - np.asarray(values, dtype=np.float64)) * (100.0 / span)
        if isinstance(values, np.ndarray):
            return out
        return float(out)

    def describe(self) -> str:
        """The scale as text, for messages: ``'1-5'`` or ``'1-5, lower is better'``.

        Examples
        --------
        >>> Scale(1, 5, higher_is_better=False).describe()
        '1-5, lower is better'
        """
        text = f"{self.low}-{self.high}"
        return text if self.higher_is_better else f"{text}, lower is better"


def _check_name(_: object, __: object, value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"'name' must be a non-empty string (got {value!r})"
        raise ValidationError(msg)


def _check_weight(instance: Dimension, _: object, value: object) -> None:
    if not _is_real(value) or not math.isfinite(value) or value < 0:
        msg = (
            f"'weight' of dimension {instance.name!r} must be a finite number >= 0 (got {value!r})"
        )
        raise ValidationError(msg)


def _check_scale(_: object, __: object, value: object) -> None:
    if not isinstance(value, Scale):
        msg = f"'scale' must be a Scale (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)


def _check_description(_: object, __: object, value: object) -> None:
    if not isinstance(value, str):
        msg = f"'description' must be a string (got {value!r})"
        raise ValidationError(msg)


def _to_tuple(value: object) -> Any:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, Iterator)):
        msg = f"expected a sequence of Dimension objects (got {type(value).__name__})"
        raise ValidationError(msg)
    return tuple(value)


def _check_dimensions(owner: str, dimensions: tuple[Any, ...]) -> None:
    for i, child in enumerate(dimensions):
        if not isinstance(child, Dimension):
            msg = f"{owner}: item {i} must be a Dimension (got {type(child).__name__}: {child!r})"
            raise ValidationError(msg)
    if dimensions and sum(float(d.weight) for d in dimensions) <= 0:
        shown = ", ".join(f"{d.name}={d.weight!r}" for d in dimensions)
        msg = f"{owner}: weights must have a positive sum (got {shown})"
        raise ValidationError(msg)


@attrs.frozen
class Dimension:
    """One dimension of satisfaction: a question (leaf) or a group of dimensions.

    Parameters
    ----------
    name : str
        Unique within a model; the key of the answers and of the scores.
    weight : int or float, default 1
        Relative weight among its siblings, ``>= 0``; siblings' weights must have a positive
        sum. A zero weight keeps the dimension in the scores but out of its parent's mean.
    scale : Scale, default ``Scale(1, 5)``
        The answer scale of a leaf. A group's scale is not used: its children's scores are
        already on 0-100.
    children : sequence of Dimension, default ()
        Non-empty for a group, whose score is the weighted mean of its children.
    description : str, default ""
        What the dimension measures, for reports.

    Examples
    --------
    >>> Dimension("speed").is_group
    False
    >>> service = Dimension("service", children=[Dimension("speed"), Dimension("courtesy")])
    >>> [d.name for d in service.walk()]
    ['service', 'speed', 'courtesy']
    >>> Dimension("speed", weight=-1)
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'weight' of dimension 'speed' must be a finite number >= 0 (got -1)
    """

    name: str = attrs.field(validator=_check_name)
    weight: float = attrs.field(default=1, converter=_plain, validator=_check_weight)
    scale: Scale = attrs.field(default=Scale(1, 5), validator=_check_scale)
    children: tuple[Dimension, ...] = attrs.field(default=(), converter=_to_tuple)
    description: str = attrs.field(default="", validator=_check_description)

    def __attrs_post_init__(self) -> None:
        _check_dimensions(f"children of dimension {self.name!r}", self.children)

    @property
    def is_group(self) -> bool:
        """Whether the dimension groups other dimensions (has children).

        Examples
        --------
        >>> Dimension("service", children=[Dimension("speed")]).is_group
        True
        """
        return bool(self.children)

    def walk(self) -> Iterator[Dimension]:
        """Iterate over the dimension and all below it, depth first, parents before children.

        Examples
        --------
        >>> [d.name for d in Dimension("a", children=[Dimension("b")]).walk()]
        ['a', 'b']
        """
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class SatisfactionScore:
    """The scores of one respondent, from :meth:`SatisfactionModel.score`.

    Attributes
    ----------
    index : float or None
        Weighted index on 0-100; None when no weighted dimension was answered.
    dimensions : dict of str to float or None
        Score of every dimension (groups and leaves) on 0-100, in the model's order
        (depth first); None for an unanswered dimension.

    Examples
    --------
    >>> from lifecycle.satisfaction import default_satisfaction
    >>> result = default_satisfaction().score({"product": 5, "psychic": 3})
    >>> result.index, result.dimensions["product"], result.dimensions["peripheral"]
    (75.0, 100.0, None)
    """

    index: float | None
    dimensions: dict[str, float | None]


@attrs.frozen(eq=False)
class SatisfactionScores:
    """The scores of many respondents, from :meth:`SatisfactionModel.score`.

    Instances compare by identity (they hold arrays).

    Attributes
    ----------
    index : ndarray of shape (n_respondents,)
        Weighted index on 0-100; NaN where no weighted dimension was answered.
    dimensions : dict of str to ndarray of shape (n_respondents,)
        Score of every dimension (groups and leaves) on 0-100, in the model's order; NaN
        where unanswered.

    Examples
    --------
    >>> from lifecycle.satisfaction import default_satisfaction
    >>> result = default_satisfaction().score({"product": [5, 1], "psychic": [3, np.nan]})
    >>> result.index.tolist(), result.dimensions["psychic"].tolist()
    ([75.0, 0.0], [50.0, nan])
    """

    index: NDArray[np.float64] = attrs.field(repr=False)
    dimensions: dict[str, NDArray[np.float64]] = attrs.field(repr=False)

    def __len__(self) -> int:
        return len(self.index)


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
        >>> len(default_satisfaction().leaves)
        4
        """
        return tuple(d for d in self.walk() if not d.is_group)

    @property
    def leaf_names(self) -> tuple[str, ...]:
        """Names of :attr:`leaves`: the keys :meth:`score` accepts.

        Examples
        --------
        >>> default_satisfaction().leaf_names
        ('product', 'peripheral', 'atmosphere', 'psychic')
        """
        return tuple(d.name for d in self.leaves)

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
        responses: Mapping[str, Any] | ArrayLike,
        *,
        columns: Sequence[str] | None = None,
        missing: Missing = "renormalize",
    ) -> SatisfactionScore | SatisfactionScores:
        """Score one respondent or many on every dimension and on the overall index.

        Parameters
        ----------
        responses : mapping or array-like
            One respondent: a mapping of leaf name to a number, or None when unanswered.
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
        SatisfactionScore or SatisfactionScores
            Python floats (None when unanswered) for one respondent; float64 arrays (NaN
            when unanswered) for many.

        Raises
        ------
        ValidationError
            An unknown or group name, an answer that is not a number or is outside its
            scale, arrays of unequal lengths, or (with ``missing="raise"``) a missing
            answer. The message names the dimension and the respondent's index.

        Examples
        --------
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
        if isinstance(responses, Mapping):
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
            elif not _is_real(value) or math.isinf(value):
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
    ) -> SatisfactionScores:
        scores: dict[str, NDArray[np.float64]] = {}
        for leaf in self.leaves:
            values = answers.get(leaf.name)
            if values is None:
                values = np.full(n, np.nan)
            _check_answers(leaf, values, missing, single=single)
            scores[leaf.name] = leaf.scale.rescale(values)
        index = _weighted_mean(self.dimensions, scores, n)
        ordered = {d.name: scores[d.name] for d in self.walk()}
        return SatisfactionScores(index=index, dimensions=ordered)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> model = default_satisfaction()
        >>> model.to_dict()["schema"]
        'lifecycle.satisfaction/1'
        >>> SatisfactionModel.from_dict(model.to_dict()) == model
        True
        """
        return {"schema": _SCHEMA, "dimensions": [_dimension_to_dict(d) for d in self.dimensions]}

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
        check_schema(data, _SCHEMA, {"dimensions"})
        check_keys(data, _SCHEMA, required={"schema", "dimensions"})
        return cls(_dimensions_from_list(data["dimensions"], "dimensions"))


def _scalar(values: NDArray[np.float64]) -> float | None:
    value = float(values[0])
    return None if math.isnan(value) else value


def _check_answers(
    leaf: Dimension, values: NDArray[np.float64], missing: Missing, *, single: bool
) -> None:
    scale = leaf.scale
    # fmin/fmax skip NaN (unanswered) and need no temporary array in the valid case.
    if values.size and (np.fmin.reduce(values) < scale.low or np.fmax.reduce(values) > scale.high):
        outside = (values < scale.low) | (values > scale.high)
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
        first_violation(leaf.name, unanswered, "answered (missing='raise')", values)


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


def _scale_to_dict(scale: Scale) -> dict[str, Any]:
    return {"low": scale.low, "high": scale.high, "higher_is_better": scale.higher_is_better}


def _dimension_to_dict(dim: Dimension) -> dict[str, Any]:
    return {
        "name": dim.name,
        "weight": dim.weight,
        "scale": _scale_to_dict(dim.scale),
        "children": [_dimension_to_dict(c) for c in dim.children],
        "description": dim.description,
    }


def _dimensions_from_list(data: object, where: str) -> tuple[Dimension, ...]:
    if not isinstance(data, list):
        msg = f"{_SCHEMA}: {where!r} must be a list (got {type(data).__name__})"
        raise SchemaError(msg)
    return tuple(_dimension_from_dict(item, f"{where}[{i}]") for i, item in enumerate(data))


def _dimension_from_dict(data: object, where: str) -> Dimension:
    what = f"{_SCHEMA} {where}"
    keys = {"weight", "scale", "children", "description"}
    item = check_keys(data, what, required={"name"}, optional=keys)
    kwargs: dict[str, Any] = {}
    if "weight" in item:
        kwargs["weight"] = item["weight"]
    if "description" in item:
        kwargs["description"] = item["description"]
    if "scale" in item:
        scale = check_keys(
            item["scale"],
            f"{what}.scale",
            required={"low", "high"},
            optional={"higher_is_better"},
        )
        kwargs["scale"] = Scale(
            scale["low"], scale["high"], higher_is_better=scale.get("higher_is_better", True)
        )
    if "children" in item:
        kwargs["children"] = _dimensions_from_list(item["children"], f"{where}.children")
    return Dimension(item["name"], **kwargs)


def default_satisfaction(*, scale: Scale | None = None) -> SatisfactionModel:
    """The four elements of satisfaction, equally weighted: the library's default model.

    Parameters
    ----------
    scale : Scale, optional
        The answer scale of all four dimensions; default ``Scale(1, 5)``.

    Returns
    -------
    SatisfactionModel
        Dimensions ``product``, ``peripheral``, ``atmosphere`` and ``psychic``, each with
        weight 1 and a description.

    Notes
    -----
    Satisfaction happens when the customer's requirements are met. The four elements are
    the core product or service, the value added around it, the tangible and intangible
    atmosphere of the relationship, and the fit with the customer's personality.

    Examples
    --------
    >>> model = default_satisfaction()
    >>> [d.name for d in model.dimensions]
    ['product', 'peripheral', 'atmosphere', 'psychic']
    >>> model.dimensions[0].description
    'the core benefits of the product or service itself'
    >>> default_satisfaction(scale=Scale(0, 10)).dimensions[3].scale
    Scale(low=0, high=10, higher_is_better=True)
    """
    scale = Scale(1, 5) if scale is None else scale
    descriptions = {
        "product": "the core benefits of the product or service itself",
        "peripheral": "value added around the core: personal attention, extra services",
        "atmosphere": (
            "tangible (competitive price, aesthetics, service offered) and intangible "
            "(coordinated relations, courtesy) factors"
        ),
        "psychic": (
            "fit with the individual customer's personality "
            "(a reserved customer dislikes a long sales dialogue)"
        ),
    }
    return SatisfactionModel(
        [Dimension(name, scale=scale, description=text) for name, text in descriptions.items()]
    )
