"""Shared helpers for the benchmarks: the peer venv and child processes.

A benchmark compares ``lifecycle`` with a peer library that cannot share our venv (it pins
an older NumPy and pandas), so the peer lives in its own venv under ``benchmarks/`` and each
side runs in a child process of its own: the child reports its timings and its own peak
resident memory as one JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: The peer venv for lifetimes, git-ignored (``benchmarks/.venv-*/``).
LIFETIMES_VENV = HERE / ".venv-lifetimes"
#: What the peer venv holds. lifetimes 0.11.3 imports ``pkg_resources``, hence setuptools
#: (pinned below 81, where ``pkg_resources`` goes away). pandas 1.5.3 ships wheels up to
#: Python 3.11, so the venv must be made by a 3.10 or 3.11 interpreter.
LIFETIMES_REQUIREMENTS = (
    "lifetimes==0.11.3",
    "numpy==1.26.4",
    "pandas==1.5.3",
    "scipy==1.11.4",
    "setuptools<81",
)
_CHECK = (
    "import lifetimes.utils, numpy, pandas, scipy; "
    "print(lifetimes.__version__, numpy.__version__, pandas.__version__, scipy.__version__)"
)
_EXPECTED = "0.11.3 1.26.4 1.5.3 1.11.4"


def venv_python(venv: Path) -> Path:
    """The interpreter inside ``venv``."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def repo_python() -> str:
    """The repo venv's interpreter if there is one, else the running interpreter."""
    candidate = venv_python(ROOT / ".venv")
    return str(candidate) if candidate.exists() else sys.executable


def _versions_ok(python: Path, check: str, expected: str) -> bool:
    """Whether ``python`` exists and ``check`` prints ``expected`` with it."""
    if not python.exists():
        return False
    done = subprocess.run([str(python), "-c", check], capture_output=True, text=True, check=False)
    return done.returncode == 0 and done.stdout.strip() == expected


def ensure_venv(
    venv: Path,
    requirements: tuple[str, ...],
    *,
    check: str,
    expected: str,
    base_python: str | None = None,
) -> Path | None:
    """Create a peer venv on first use; its python, or None on failure.

    ``check`` is Python code that prints the installed versions; the venv is usable when it
    prints ``expected``. On failure the reason is printed and None returned, so a benchmark
    can still print our own numbers.
    """
    python = venv_python(venv)
    if _versions_ok(python, check, expected):
        return python
    print(f"# creating the peer venv {venv} (one time) ...", flush=True)
    steps = [
        [base_python or sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", *requirements],
    ]
    for cmd in steps:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError as err:
            print(f"# NOTE: peer skipped: cannot run {cmd[0]}: {err}")
            return None
        if done.returncode != 0:
            tail = (done.stderr or done.stdout or "no output").strip().splitlines()[-3:]
            print(f"# NOTE: peer skipped: `{' '.join(cmd[:4])} ...` failed:")
            for line in tail:
                print(f"#   {line}")
            return None
    if not _versions_ok(python, check, expected):
        print(f"# NOTE: peer skipped: {venv} does not have the pinned versions ({expected});")
        print(f"#   delete {venv} and try again")
        return None
    return python


def ensure_lifetimes_venv(
    base_python: str | None = None, venv: Path = LIFETIMES_VENV
) -> Path | None:
    """Create ``benchmarks/.venv-lifetimes`` on first use; its python, or None on failure."""
    return ensure_venv(
        venv, LIFETIMES_REQUIREMENTS, check=_CHECK, expected=_EXPECTED, base_python=base_python
    )


def run_child(python: str | Path, code: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run ``code`` with ``python`` in a fresh process; its last stdout line parsed as JSON.

    Raises RuntimeError with the child's stderr when it fails.
    """
    done = subprocess.run(
        [str(python), "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        cwd=ROOT,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        msg = f"child {python} failed (exit {done.returncode}):\n{done.stderr.strip()}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(lines[-1])
    return result
