"""Catch defection early: defection signals, risk scores and their explanations.

A :class:`DefectionSignal` is a condition on a customer's signals that warns they may be
leaving (falling frequency or spend, a long silence for their own rhythm, complaints, a
poor survey answer, a drop in stage), with a weight and a reason. :func:`detect` scores a
whole population and lists those at risk with the signals that fired and their values;
:func:`explain` and :func:`risk_score` answer for one customer, and agree with it.

The four-step process (exploration, evaluation, strategies, feedback) is
:class:`RetentionProcess`, with a :class:`RetentionAction` per strategy. Defection signals
and actions are the kinds of retention rule: they register in :data:`RETENTION_RULES`, and
:func:`retention_rule_from_dict` reads any of them back. Feedback and lost
customers: :func:`evaluate_campaign` measures the retention and revenue
lift of a campaign's treated customers over a control group, with intervals;
:func:`switching_matrix` and :func:`gains_and_losses` show who stayed, switched, arrived
and lapsed between two periods; :func:`lost_customer_report` groups the lost customers by
recorded reason and by stage at loss, with the value lost and how their complaints went.

Examples
--------
>>> from lifecycle.datasets import DEMO_AS_OF, load_demo
>>> log = load_demo()
>>> at_risk = detect(log.population(DEMO_AS_OF))
>>> first = at_risk.row(0)
>>> risk_score(log.profile(first["customer"], DEMO_AS_OF)) == first["score"]
True
"""

from ._campaign import SmallGroupWarning, evaluate_campaign
from ._detect import RiskExplanation, at_risk_section, detect, explain, risk_score
from ._kinds import RETENTION_RULES, retention_rule_from_dict
from ._lost import LostCustomerReport, lost_customer_report
from ._process import RetentionAction, RetentionProcess, default_worth_retaining
from ._signals import STAGE_DROP, DefectionSignal, default_signals, stage_drops
from ._switching import NONE, gains_and_losses, switching_matrix

__all__ = [
    "NONE",
    "RETENTION_RULES",
    "STAGE_DROP",
    "DefectionSignal",
    "LostCustomerReport",
    "RetentionAction",
    "RetentionProcess",
    "RiskExplanation",
    "SmallGroupWarning",
    "at_risk_section",
    "default_signals",
    "default_worth_retaining",
    "detect",
    "evaluate_campaign",
    "explain",
    "gains_and_losses",
    "lost_customer_report",
    "retention_rule_from_dict",
    "risk_score",
    "stage_drops",
    "switching_matrix",
]
