"""Tests of the public API: re-exports, sorted ``__all__``, and what importing costs."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import pkgutil
import re
import subprocess
import sys
from typing import Any

import pytest

import lifecycle

OPTIONAL = ("scipy", "pandas", "matplotlib")


def isort_key(name: str) -> tuple[int, list[Any]]:
    """The order ruff's RUF022 keeps: CONSTANTS, then Classes, then the rest, naturally."""
    if name.upper() == name and any(c.isalpha() for c in name):
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    return group, [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def all_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(lifecycle.__path__, "lifecycle.")
        if not info.name.endswith("__main__")  # running it is the command line
    ]
    return ["lifecycle", *sorted(names)]


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class TestTopLevel:
    @pytest.mark.parametrize("name", lifecycle.__all__)
    def test_every_name_resolves(self, name: str) -> None:
        assert getattr(lifecycle, name) is not None

    def test_all_is_sorted_and_unique(self) -> None:
        assert lifecycle.__all__ == sorted(lifecycle.__all__, key=isort_key)
        assert len(set(lifecycle.__all__)) == len(lifecycle.__all__)

    @pytest.mark.parametrize(
        ("name", "module"),
        [
            ("Money", "money"),
            ("Currency", "money"),
            ("RoundingPolicy", "money"),
            ("EventLog", "events"),
            ("Profile", "signals"),
            ("Population", "signals"),
            ("rfm_summary", "rfm"),
            ("signal", "conditions"),
            ("Condition", "conditions"),
            ("all_of", "conditions"),
            ("any_of", "conditions"),
            ("attribute", "conditions"),
            ("Table", "table"),
        ],
    )
    def test_issue_re_exports(self, name: str, module: str) -> None:
        assert name in lifecycle.__all__
        source = importlib.import_module(f"lifecycle.{module}")
        assert getattr(lifecycle, name) is getattr(source, name)

    def test_version(self) -> None:
        assert isinstance(lifecycle.__version__, str)
        assert re.fullmatch(r"\d+\.\d+\.\d+.*", lifecycle.__version__)
        assert importlib.metadata.version("customer-lifecycle") == lifecycle.__version__

    def test_typed(self) -> None:
        assert lifecycle.__file__ is not None
        from pathlib import Path

        assert (Path(lifecycle.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize("module", all_modules())
def test_module_all_is_sorted_and_resolves(module: str) -> None:
    mod = importlib.import_module(module)
    if module.rsplit(".", 1)[-1].startswith("_") and not hasattr(mod, "__all__"):
        return  # a private helper module need not declare its exports
    names = mod.__all__
    assert names == sorted(names, key=isort_key)
    missing = [n for n in names if not hasattr(mod, n)]
    assert missing == []


def test_import_does_not_load_optional_extras() -> None:
    code = (
        "import json, sys\n"
        "import lifecycle\n"
        "from lifecycle import *\n"
        f"print(json.dumps([m for m in {OPTIONAL!r} if m in sys.modules]))\n"
    )
    assert json.loads(run_python(code)) == []


def test_every_module_imports_on_its_own() -> None:
    """Each module, imported first in a fresh interpreter, imports without error.

    ``import lifecycle.x`` always runs ``lifecycle/__init__`` first, so one interpreter that
    imports ``lifecycle`` and then each other module after forgetting every module the
    package itself did not load is equivalent to one fresh interpreter per module.
    """
    code = (
        "import importlib, json, sys, traceback\n"
        "import lifecycle\n"
        "base = {m for m in sys.modules if m.split('.')[0] == 'lifecycle'}\n"
        f"modules = {all_modules()!r}\n"
        "failures = {}\n"
        "for name in modules:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] == 'lifecycle']:\n"
        "        if loaded not in base:\n"
        "            del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failures[name] = traceback.format_exc(limit=3)\n"
        "print(json.dumps(failures))\n"
    )
    assert json.loads(run_python(code)) == {}
