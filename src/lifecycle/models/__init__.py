"""Customer-base models ("buy till you die"): fitted, vectorised, usable as signals.

SciPy comes with the ``models`` extra (``pip install "customer-lifecycle[models]"``) and is
imported only when a model is fitted or a special function is needed: importing
``lifecycle.models`` does not import it.

Examples
--------
>>> from lifecycle.models import BetaGeoModel, BetaGeoParams
>>> model = BetaGeoModel.from_params(BetaGeoParams(0.2426, 4.4135, 0.7929, 2.4258, unit="W"))
>>> model.probability_alive(frequency=[2], recency=[30.43], T=[38.86]).round(3)
array([0.727])
"""

from ._bgbb import BetaGeoBetaBinomModel, BetaGeoBetaBinomParams
from ._bgnbd import BetaGeoModel, BetaGeoParams
from ._gammagamma import GammaGammaModel, GammaGammaParams, customer_lifetime_value
from ._goodness import calibration_vs_holdout, cumulative_purchases, frequency_histogram
from ._mbgnbd import ModifiedBetaGeoModel, ModifiedBetaGeoParams
from ._paretonbd import ParetoNBDModel, ParetoNBDParams
from ._report import report_section
from ._sbg import ShiftedBetaGeoModel, ShiftedBetaGeoParams
from ._signals import ModelPrediction, model_signals, profile_signals
from ._simulate import simulate, simulate_spend

__all__ = [
    "BetaGeoBetaBinomModel",
    "BetaGeoBetaBinomParams",
    "BetaGeoModel",
    "BetaGeoParams",
    "GammaGammaModel",
    "GammaGammaParams",
    "ModelPrediction",
    "ModifiedBetaGeoModel",
    "ModifiedBetaGeoParams",
    "ParetoNBDModel",
    "ParetoNBDParams",
    "ShiftedBetaGeoModel",
    "ShiftedBetaGeoParams",
    "calibration_vs_holdout",
    "cumulative_purchases",
    "customer_lifetime_value",
    "frequency_histogram",
    "model_signals",
    "profile_signals",
    "report_section",
    "simulate",
    "simulate_spend",
]
