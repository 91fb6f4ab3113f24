"""Survey instruments: NPS, CSAT, CES, ACSI, SERVQUAL, Kano, IPA and Cronbach's alpha.

Each instrument is a pure, vectorised function over answer arrays (no Python loop per
respondent) returning a Python float or a small frozen result object. Bad input raises
:class:`~lifecycle.errors.ValidationError` naming the argument, the rule and the position of
the first bad value: answers outside the scale, non-numbers, NaN, empty samples and arrays of
unequal lengths are refused, never cleaned up.

Examples
--------
>>> from lifecycle.instruments import csat, nps
>>> result = nps([10, 9, 8, 6, 10])
>>> result.score, result.promoters, result.detractors
(40.0, 0.6, 0.2)
>>> csat([5, 4, 3, 5], (1, 5)).share
0.75
"""

from ._attributes import IPA_QUADRANTS, KANO_CATEGORIES, IPAResult, KanoResult, ipa, kano
from ._indices import ServqualResult, acsi, cronbach_alpha, servqual
from ._ratings import CESResult, CSATResult, NPSResult, ces, csat, nps
from ._scale import Scale

__all__ = [
    "IPA_QUADRANTS",
    "KANO_CATEGORIES",
    "CESResult",
    "CSATResult",
    "IPAResult",
    "KanoResult",
    "NPSResult",
    "Scale",
    "ServqualResult",
    "acsi",
    "ces",
    "cronbach_alpha",
    "csat",
    "ipa",
    "kano",
    "nps",
    "servqual",
]
