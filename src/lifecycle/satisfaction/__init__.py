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

from ..instruments import Scale
from ._default import default_satisfaction
from ._dimension import Dimension
from ._model import SatisfactionModel
from ._scores import SatisfactionScore, SatisfactionScores
from ._signal import SatisfactionScoreSignal

__all__ = [
    "Dimension",
    "SatisfactionModel",
    "SatisfactionScore",
    "SatisfactionScoreSignal",
    "SatisfactionScores",
    "Scale",
    "default_satisfaction",
]
