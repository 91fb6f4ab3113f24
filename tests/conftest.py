"""Test-suite set-up: make ``tests/strategies.py`` importable as ``strategies``.

pytest runs with ``--import-mode=importlib``, which does not put test directories on
``sys.path``; the shared Hypothesis strategies live beside the tests.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
