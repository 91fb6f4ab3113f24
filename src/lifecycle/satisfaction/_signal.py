"""A satisfaction model's index as a signal: scored from answers carried on the log (private).

Examples
--------
>>> from lifecycle.satisfaction import Dimension, SatisfactionModel
>>> score = SatisfactionScoreSignal(SatisfactionModel([Dimension("speed")]))
>>> score.attributes, score.to_dict()["op"]
(('speed',), 'satisfaction')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..errors import SchemaError, ValidationError
from ..signals import DEFINITIONS, AttributeScore
from ._model import _MISSING, Missing, SatisfactionModel

__all__ = ["SatisfactionScoreSignal"]


def _check_model(
    instance: object, field: attrs.Attribute[SatisfactionModel], value: object
) -> None:
    if not isinstance(value, SatisfactionModel):
        msg = f"'model' must be a SatisfactionModel (got {type(value).__name__}: {value!r})"
        raise ValidationError(msg)


def _check_missing(instance: object, field: attrs.Attribute[str], value: object) -> None:
    check_choice("missing", value, _MISSING)


@DEFINITIONS.register("satisfaction")
@attrs.frozen(cache_hash=True)
class SatisfactionScoreSignal(AttributeScore):
    """A model's 0-100 index of each customer, from one attribute per leaf dimension.

    Each leaf's answer is the attribute named after it, carried as the latest known value
    on or before ``as_of``; ``missing`` is the model's rule for unanswered dimensions.
    :meth:`SatisfactionModel.signal` names one; both engines score it with
    :meth:`SatisfactionModel.score`.

    Examples
    --------
    >>> from lifecycle.satisfaction import Dimension, SatisfactionModel
    >>> score = SatisfactionScoreSignal(SatisfactionModel([Dimension("speed")]))
    >>> score.score_columns({"speed": np.array([5.0, np.nan])}).tolist()
    [100.0, nan]
    """

    model: SatisfactionModel = attrs.field(validator=_check_model)
    missing: Missing = attrs.field(default="renormalize", validator=_check_missing)
    payload_keys: ClassVar[frozenset[str]] = frozenset({"model", "missing"})

    @property
    def attributes(self) -> tuple[str, ...]:
        return self.model.leaf_names

    def score_columns(
        self, answers: Mapping[str, NDArray[np.float64]], customers: NDArray[Any] | None = None
    ) -> NDArray[np.float64]:
        """The model's index of rows of answers, by :meth:`SatisfactionModel.score`.

        An answer off its scale raises, naming the row's customer when ``customers`` holds
        them (else its position).

        Examples
        --------
        >>> from lifecycle.satisfaction import Dimension, SatisfactionModel
        >>> score = SatisfactionScoreSignal(SatisfactionModel([Dimension("speed")]))
        >>> score.score_columns({"speed": np.array([1.0, 3.0])}).tolist()
        [0.0, 50.0]
        >>> score.score_columns({"speed": np.array([1.0, 7.0])}, np.array(["ann", "bob"]))
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: customer 'bob': answer to 'speed' must be within its scale 1-5 (got 7)
        """
        if customers is None:
            index: NDArray[np.float64] = self.model.score(answers, missing=self.missing).index
            return index
        n = len(customers)
        scores = self.model._score_many(answers, n, self.missing, single=False, customers=customers)
        return scores.index

    def _payload(self) -> dict[str, Any]:
        return {"op": "satisfaction", "model": self.model.to_dict(), "missing": self.missing}

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> SatisfactionScoreSignal:
        """Rebuild one from its payload: the model's ``to_dict()`` and ``missing``.

        Examples
        --------
        >>> from lifecycle.satisfaction import Dimension, SatisfactionModel
        >>> score = SatisfactionScoreSignal(SatisfactionModel([Dimension("speed")]), "raise")
        >>> SatisfactionScoreSignal.from_payload(score.to_dict()) == score
        True
        """
        model = data["model"]
        if not isinstance(model, Mapping):
            msg = f"signal 'satisfaction': 'model' must be a mapping (got {model!r})"
            raise SchemaError(msg)
        return cls(SatisfactionModel.from_dict(model), data["missing"])
