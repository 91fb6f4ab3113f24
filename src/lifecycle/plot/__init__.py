"""Charts of ``lifecycle`` results, drawn with matplotlib (the ``[plot]`` extra).

Every chart takes a result of the library (a funnel :class:`~lifecycle.Table`, a
:class:`~lifecycle.stages.StageFlow`, satisfaction scores, NPS and IPA results, a
:class:`~lifecycle.Quote`) or plain tables and arrays, draws on ``ax`` (a new figure when
None) and returns the matplotlib ``Axes``, with units on its axes. Importing this module
does not import matplotlib; the first chart does, and raises
:class:`~lifecycle.errors.MissingDependencyError` naming the extra when it is missing.

Examples
--------
>>> from matplotlib.figure import Figure
>>> from lifecycle.instruments import nps
>>> from lifecycle.plot import nps_over_time
>>> ax = nps_over_time({"2024-01-31": nps([10, 9, 3], ci="wald"),
...                     "2024-02-29": nps([10, 9, 8], ci="wald")}, ax=Figure().subplots())
>>> ax.get_title()
'Net Promoter Score over time'
"""

from ._models import (
    calibration_vs_holdout,
    cumulative_purchases,
    frequency_histogram,
    frequency_recency_heatmap,
    probability_alive_heatmap,
)
from ._pricing import price_waterfall
from ._stages import stage_flow, stage_funnel
from ._survey import ipa_chart, nps_over_time, satisfaction_radar
from ._value import retention_heatmap, rfm_grid

__all__ = [
    "calibration_vs_holdout",
    "cumulative_purchases",
    "frequency_histogram",
    "frequency_recency_heatmap",
    "ipa_chart",
    "nps_over_time",
    "price_waterfall",
    "probability_alive_heatmap",
    "retention_heatmap",
    "rfm_grid",
    "satisfaction_radar",
    "stage_flow",
    "stage_funnel",
]
