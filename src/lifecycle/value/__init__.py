"""Know your customers: RFM scores and segments, value concentration, cohorts, lifetime value.

* :func:`rfm_scores` and :func:`rfm_segments`: quantile scores 1..5 on recency, frequency
  and monetary value (as ``pandas.qcut`` of the first-method rank), and the usual named
  segments from a documented, replaceable map;
* :func:`customer_margins`: revenue, cost of goods and cost of service per customer,
  and why the unprofitable ones lose money;
* :func:`value_deciles`, :func:`pareto_table` and :func:`gini`: how concentrated value is;
* :func:`cohort_table`: acquisition cohorts and what they do k periods later;
* :func:`clv_margin_multiple` (Gupta and Lehmann 2003), :class:`MarkovChainModel`
  (Pfeifer and Carraway 2000) and :func:`retention_economics`: lifetime value, with its
  assumptions in the open;
* :func:`subscription_metrics`: MRR and its movements, churn rates, GRR and NRR;
* :func:`survival` (Kaplan-Meier with Greenwood bands) and
  :func:`relationship_durations`: how long relationships last;
* :func:`stage_conversion`: conversion, time between stages and drop-off from a
  replayed :class:`~lifecycle.stages.Timeline`;
* :func:`value_section`, :func:`cohort_section` and :func:`stage_section`: the report's
  text.

Examples
--------
>>> from lifecycle.datasets import DEMO_AS_OF, load_demo
>>> pop = load_demo().population(DEMO_AS_OF)
>>> segments = rfm_segments(rfm_scores(pop))
>>> int((segments.segment == "champions").sum()) > 0
True
"""

from ._clv import clv_margin_multiple, retention_economics
from ._cohorts import PERIODS, CohortTable, cohort_table
from ._concentration import TOP_SHARES, gini, pareto_table, value_deciles
from ._markov import MarkovChainModel
from ._profit import customer_margins
from ._rfm import DEFAULT_SEGMENTS, SEGMENT_NAMES, rfm_scores, rfm_segments
from ._sections import cohort_section, value_section
from ._stage_analytics import stage_conversion, stage_section
from ._subscriptions import subscription_metrics
from ._survival import SurvivalTable, relationship_durations, survival

__all__ = [
    "DEFAULT_SEGMENTS",
    "PERIODS",
    "SEGMENT_NAMES",
    "TOP_SHARES",
    "CohortTable",
    "MarkovChainModel",
    "SurvivalTable",
    "clv_margin_multiple",
    "cohort_section",
    "cohort_table",
    "customer_margins",
    "gini",
    "pareto_table",
    "relationship_durations",
    "retention_economics",
    "rfm_scores",
    "rfm_segments",
    "stage_conversion",
    "stage_section",
    "subscription_metrics",
    "survival",
    "value_deciles",
    "value_section",
]
