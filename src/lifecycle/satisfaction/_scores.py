"""The scores of one respondent or of many (private).

Examples
--------
>>> SatisfactionScore(index=50.0, dimensions={"speed": 50.0}).index
50.0
"""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

__all__ = ["SatisfactionScore", "SatisfactionScores"]


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
