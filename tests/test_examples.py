"""Every public callable has a ``>>>`` example in its docstring.

The public callables are the functions and classes named in the ``__all__`` of
``lifecycle`` and of each public module below it, and the public methods of those
classes (wherever they are defined, each counted once by its qualified name). The
examples themselves run as doctests. ``examples_missing.txt`` lists those still without
one: the list may only shrink (a name with an example must be taken off it).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import lifecycle

ALLOWLIST = Path(__file__).with_name("examples_missing.txt")


def public_modules() -> list[str]:
    names = ["lifecycle"]
    for info in pkgutil.walk_packages(lifecycle.__path__, "lifecycle."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _function(value: Any) -> Any:
    if isinstance(value, (classmethod, staticmethod)):
        return value.__func__
    return value if inspect.isfunction(value) else None


def public_callables() -> dict[str, Any]:
    """Qualified name to object, for every public function, class and method."""
    found: dict[str, Any] = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # constants and registries
            if not getattr(obj, "__module__", "").startswith("lifecycle"):
                continue
            found[f"{obj.__module__}.{obj.__qualname__}"] = obj
            if not inspect.isclass(obj):
                continue
            for attr in dir(obj):
                if attr.startswith("_"):
                    continue
                function = _function(inspect.getattr_static(obj, attr))
                if function is None or not (function.__module__ or "").startswith("lifecycle"):
                    continue
                found[f"{function.__module__}.{function.__qualname__}"] = function
    return found


def without_example() -> set[str]:
    return {
        name for name, obj in public_callables().items() if ">>>" not in (inspect.getdoc(obj) or "")
    }


def test_every_public_callable_has_an_example() -> None:
    listed = {
        line.strip()
        for line in ALLOWLIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    missing = without_example()
    assert missing - listed == set(), "public callables without a >>> example"
    assert listed - missing == set(), "these have an example now: remove them from the list"


def test_the_walk_finds_methods_and_functions() -> None:
    names = public_callables()
    assert "lifecycle.money.Money" in names
    assert "lifecycle.stages._timeline.Timeline.changes_for" in names
    assert "lifecycle.conditions._compare.signal" in names
