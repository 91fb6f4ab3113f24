"""The library's default satisfaction model: the four elements (private)."""

from __future__ import annotations

from ..instruments import Scale
from ._dimension import Dimension
from ._model import SatisfactionModel

__all__ = ["default_satisfaction"]


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
