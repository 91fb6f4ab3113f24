"""Imports inside ``src/lifecycle`` point only down the layers of ``docs/architecture.md``.

The test reads every module with :mod:`ast` (imports inside functions included, since a
lazy import is still a dependency), resolves relative imports, and fails on an import of a
module in a higher layer. Modules of one layer may import each other.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "lifecycle"

#: The layers, bottom first (docs/architecture.md). A top-level module or package of
#: ``lifecycle`` belongs to the layer that names it; ``lifecycle/__init__.py`` re-exports
#: everything and sits in the top layer.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "errors money _validation _schema _registry _values _version",
        "table _display serialization",
        "events",
        "signals",
        "conditions",
        "instruments rfm",
        "stages satisfaction loyalty pricing",
        "value retention followup",
        "models",
        "io datasets",
        "cli report _report_html plot dask __main__",
    )
)

#: Upward imports known and being removed elsewhere; nothing else may be added here.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        # EventLog.profile / EventLog.population build signals; the signals branch moves
        # them so that events no longer imports signals.
        ("lifecycle.events._log", "lifecycle.signals"),
    }
)


def layer_of(module: str) -> int:
    """The layer of a ``lifecycle`` module (by its top-level name)."""
    parts = module.split(".")
    if parts == ["lifecycle"]:
        return len(LAYERS) - 1
    top = parts[1]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    msg = f"{module} is in no layer: add {top!r} to LAYERS and to docs/architecture.md"
    raise AssertionError(msg)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ``lifecycle`` module ``path`` imports, anywhere in the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "lifecycle")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "lifecycle":
                continue
            if target == "lifecycle" or (node.module is None and node.level):
                # ``from . import x`` / ``from lifecycle import x``: x may be a module.
                found.update(f"{target}.{a.name}" for a in node.names)
            else:
                found.add(target)
    return found


def upward_imports() -> set[tuple[str, str]]:
    out = set()
    for path in sorted(SRC.rglob("*.py")):
        module = module_name(path)
        for target in imports_of(path):
            if target == "lifecycle":
                continue
            names = target.split(".")
            # ``from lifecycle import Money`` names an object, not a module: judge the package.
            if len(names) > 1 and not _exists(names):
                names = names[:-1]
            if layer_of(".".join(names)) > layer_of(module):
                out.add((module, ".".join(names)))
    return out


def _exists(names: list[str]) -> bool:
    path = SRC.parent.joinpath(*names)
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_no_import_points_up_the_layers() -> None:
    found = upward_imports()
    assert found - KNOWN_VIOLATIONS == set(), "imports that point up the layers"


def test_known_violations_still_exist() -> None:
    # Once one is fixed, drop it from KNOWN_VIOLATIONS so it cannot come back.
    assert upward_imports() >= KNOWN_VIOLATIONS


def test_every_module_has_a_layer() -> None:
    for path in SRC.rglob("*.py"):
        layer_of(module_name(path))


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("lifecycle.money", "from .signals import Profile", {"lifecycle.signals"}),
        (
            "lifecycle.pricing._rules",
            "def f():\n    from ..stages import Stage",
            {"lifecycle.stages"},
        ),
        ("lifecycle.events", "from . import _log", {"lifecycle.events._log"}),
        ("lifecycle.table", "import lifecycle.report", {"lifecycle.report"}),
    ],
)
def test_imports_are_read_everywhere(
    tmp_path: Path, module: str, source: str, expected: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader sees relative, absolute and function-level imports.
    root = tmp_path / "lifecycle"
    parts = module.split(".")[1:]
    is_package = module == "lifecycle.events"
    path = root.joinpath(*parts) / "__init__.py" if is_package else root.joinpath(*parts)
    if not is_package:
        path = path.with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.SRC", root)
    assert imports_of(path) == expected


def test_docs_list_the_same_layers() -> None:
    # docs/architecture.md's table is the documented form of LAYERS; keep them one list.
    text = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[1].isdigit():
            documented[int(cells[1])] = frozenset(re.findall(r"`([a-z_]+)`", cells[2]))
    assert [documented[i] for i in sorted(documented)] == list(LAYERS)


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("lifecycle.money", "lifecycle.serialization"),
        ("lifecycle.events._log", "lifecycle.signals"),
        ("lifecycle.conditions._base", "lifecycle.pricing._rules"),
        ("lifecycle.instruments._scale", "lifecycle.satisfaction"),
        ("lifecycle.pricing", "lifecycle.datasets"),
    ],
)
def test_layer_order(lower: str, higher: str) -> None:
    assert layer_of(lower) < layer_of(higher)
