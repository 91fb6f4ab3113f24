"""Relationship stages: the lifecycle model, its rules, timelines and funnels.

A :class:`LifecycleModel` is a set of :class:`Stage` objects and the :class:`Transition`
rules between them; :func:`default_lifecycle` builds the five-stage relationship
development model (exploration, awareness, expansion, commitment, dissolution) on
standard signals. One definition answers three kinds of question:

* snapshot: :meth:`LifecycleModel.stage_of` (one customer, with the path and why) and
  :meth:`LifecycleModel.classify` (every customer, ``int8`` codes), which agree;
* history: :meth:`LifecycleModel.replay` carries each customer's stage from date to
  date into a :class:`Timeline` of dated :class:`StageChange` records, with funnels,
  flows, time in stage and high-water marks;
* by hand: a :class:`Relationship` record moved as a CRM button would, refusing the
  moves the model does not allow.

Examples
--------
>>> from lifecycle import EventLog
>>> from lifecycle.stages import default_lifecycle
>>> log = EventLog.from_records([
...     {"customer": "ann", "date": "2024-01-05", "amount": "20", "currency": "EUR"},
...     {"customer": "ann", "date": "2024-02-01", "amount": "35", "currency": "EUR"},
...     {"customer": "bob", "date": "2023-01-10", "amount": "15", "currency": "EUR"},
... ])
>>> model = default_lifecycle()
>>> model.classify(log.population("2024-03-01")).counts()
{'exploration': 0, 'awareness': 1, 'expansion': 0, 'commitment': 0, 'dissolution': 1}
>>> [str(c) for c in model.replay(log, every="1M").changes_for("bob")]
['2024-02-01 bob: exploration -> dissolution (lapse)']
"""

from ._default import ORDERS, default_lifecycle
from ._flow import StageFlow
from ._kinds import DissolutionReason, RelationshipKind
from ._model import LifecycleModel
from ._parts import KINDS, Stage, StageChange, Transition
from ._relationship import MoveCheck, Relationship
from ._replay import calendar_grid, replay
from ._results import StageCodes, StagePath
from ._timeline import Timeline

__all__ = [
    "KINDS",
    "ORDERS",
    "DissolutionReason",
    "LifecycleModel",
    "MoveCheck",
    "Relationship",
    "RelationshipKind",
    "Stage",
    "StageChange",
    "StageCodes",
    "StageFlow",
    "StagePath",
    "Timeline",
    "Transition",
    "calendar_grid",
    "default_lifecycle",
    "replay",
]
