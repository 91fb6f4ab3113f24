"""The documentation site builds with --strict, executing its notebooks (slow: `make test-slow`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed: make test-slow")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    # Every API page of the nav was generated and holds its module's reference.
    for module in ("events", "stages", "plot", "errors"):
        page = (site / "api" / module / "index.html").read_text(encoding="utf-8")
        assert f"lifecycle.{module}" in page
    assert "EventLog" in (site / "api" / "events" / "index.html").read_text(encoding="utf-8")
    # The notebooks were executed by the build: their outputs are on the page.
    quickstart = (site / "notebooks" / "quickstart" / "index.html").read_text(encoding="utf-8")
    assert "customers are lapsing" in quickstart
    cdnow = (site / "notebooks" / "cdnow" / "index.html").read_text(encoding="utf-8")
    assert "bought again" in cdnow


def test_notebooks_are_committed_without_outputs() -> None:
    # The build executes them; stored outputs would only go stale.
    for path in sorted((ROOT / "docs" / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            assert not cell.get("outputs"), f"{path.name} has stored outputs"


def test_every_page_of_docs_is_in_the_nav() -> None:
    # A page left out of the nav is unreachable from the site (MkDocs only logs it).
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    docs = ROOT / "docs"
    for path in sorted(docs.rglob("*.md")) + sorted(docs.rglob("*.ipynb")):
        page = path.relative_to(docs).as_posix()
        assert f": {page}" in nav, f"{page} is not in the nav of mkdocs.yml"
