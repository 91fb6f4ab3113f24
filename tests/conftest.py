"""Test-suite set-up.

- Make ``tests/conformance`` importable as ``conformance``: pytest runs with
  ``--import-mode=importlib``, which does not put test directories on ``sys.path``.
- Under CI (``CI`` set, as ``.ci/run`` is run) Hypothesis is derandomised and has no
  deadline, so a landing never depends on the luck of a seed or on a busy shared machine;
  local runs keep exploring new examples.
"""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
if os.environ.get("CI"):
    settings.load_profile("ci")
