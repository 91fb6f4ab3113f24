"""Tests of the public API: re-exports, sorted ``__all__``, and what importing costs."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import pkgutil
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import lifecycle

OPTIONAL = ("scipy", "pandas", "matplotlib", "pyarrow", "polars", "duckdb", "dask", "distributed")


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

    def test_value_and_retention_load_on_first_use(self) -> None:
        code = (
            "import sys, lifecycle\n"
            "lazy = ['lifecycle.value', 'lifecycle.retention']\n"
            "print([m in sys.modules for m in lazy])\n"
            "from lifecycle import DefectionSignal, MarkovChainModel\n"
            "print(lifecycle.value.MarkovChainModel is MarkovChainModel,\n"
            "      lifecycle.retention.DefectionSignal is DefectionSignal,\n"
            "      'rfm_scores' in dir(lifecycle))\n"
        )
        assert run_python(code).split() == ["[False,", "False]", "True", "True", "True"]
        with pytest.raises(AttributeError, match="has no attribute 'valeu'"):
            lifecycle.valeu  # noqa: B018

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


# Run in a subprocess: for each module, forget every ``lifecycle`` module, put back the root
# package as an empty shell (its ``__init__`` imports nearly everything, which would hide a
# module that only imports because another was loaded first), and import the module alone.
_IMPORT_EACH = """
import importlib, importlib.util, json, sys, traceback, types
spec = importlib.util.find_spec("lifecycle")
failures = {}
for name in MODULES:
    for loaded in [m for m in sys.modules if m.split(".")[0] == "lifecycle"]:
        del sys.modules[loaded]
    if name != "lifecycle":
        shell = types.ModuleType("lifecycle")
        shell.__path__ = list(spec.submodule_search_locations)
        shell.__spec__ = spec
        sys.modules["lifecycle"] = shell
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=4)
print(json.dumps(failures))
"""


def import_each(modules: list[str], *, processes: int = 2) -> dict[str, str]:
    """Import each module first, in a fresh ``lifecycle`` state; their errors by name.

    The modules are shared among a few subprocesses run side by side.
    """

    def run(chunk: list[str]) -> str:
        return run_python(f"MODULES = {chunk!r}\n{_IMPORT_EACH}")

    with ThreadPoolExecutor(processes) as pool:
        outputs = list(pool.map(run, [modules[i::processes] for i in range(processes)]))
    failures: dict[str, str] = {}
    for output in outputs:
        failures.update(json.loads(output))
    return failures


def test_every_module_imports_on_its_own() -> None:
    """Each module, imported first, without the root package's imports, imports cleanly."""
    assert import_each(all_modules()) == {}


def test_import_each_sees_a_module_that_needs_another_loaded_first() -> None:
    # lifecycle.pricing needs lifecycle.conditions; importing it alone loads it itself.
    # A module that leans on the root package having loaded something fails here.
    code = "import lifecycle.pricing, sys; print('lifecycle.stages' in sys.modules)"
    assert run_python(code).strip() == "True"  # the root package loads stages ...
    shell = (
        "import importlib.util, sys, types\n"
        "spec = importlib.util.find_spec('lifecycle')\n"
        "shell = types.ModuleType('lifecycle')\n"
        "shell.__path__ = list(spec.submodule_search_locations)\n"
        "sys.modules['lifecycle'] = shell\n"
        "import lifecycle.pricing\n"
        "print('lifecycle.stages' in sys.modules)\n"
    )
    assert run_python(shell).strip() == "False"  # ... the shell does not
    failures = import_each(["lifecycle.nonexistent_module", "lifecycle.money"], processes=1)
    assert list(failures) == ["lifecycle.nonexistent_module"]
