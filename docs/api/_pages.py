"""MkDocs hook: the API reference pages come from the nav, one line per module.

A nav entry ``api/<name>.md`` that has no file becomes a page holding the mkdocstrings
directive for ``lifecycle.<name>``. ``api/lifecycle.md`` documents the package itself: its
docstring and a link for every name it exports to where that name's module documents it. A
file of that name, where one exists, is used as written. Nav pages named in
``extra.placeholders`` get their one-line text while their file does not exist yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


def _nav_pages(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_pages(value)


def _module(page: str) -> str:
    name = page.removeprefix("api/").removesuffix(".md")
    return "lifecycle" if name == "lifecycle" else f"lifecycle.{name}"


def _package_page(documented: set[str]) -> str:
    import lifecycle

    lines = ["# `lifecycle`", "", "::: lifecycle", "    options:", "      members: false", ""]
    lines += ["## Exported names", "", "| name | documented in |", "| --- | --- |"]
    for name in sorted(lifecycle.__all__):
        obj = getattr(lifecycle, name)
        home = ".".join(
            p for p in getattr(obj, "__module__", "").split(".") if not p.startswith("_")
        )
        if home in documented:
            lines.append(f"| [`{name}`][{home}.{name}] | [`{home}`][{home}] |")
        else:
            lines.append(f"| `{name}` | `{home}` |")
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated API pages and the placeholders the nav needs."""
    from mkdocs.structure.files import File  # only present where the docs extra is installed

    placeholders: dict[str, str] = config.extra.get("placeholders", {})
    pages = list(_nav_pages(config.nav))
    documented = {_module(p) for p in pages if p.startswith("api/") and p.endswith(".md")}
    for page in pages:
        if files.get_file_from_path(page) is not None:
            continue
        if page == "api/lifecycle.md":
            content = _package_page(documented)
        elif page.startswith("api/") and page.endswith(".md"):
            module = _module(page)
            content = f"# `{module}`\n\n::: {module}\n"
        elif page in placeholders:
            content = f"{placeholders[page]}\n"
        else:
            continue  # MkDocs reports the missing page itself
        files.append(File.generated(config, page, content=content))
    return files
