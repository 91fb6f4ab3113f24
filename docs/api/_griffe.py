"""Griffe extensions for the API reference (loaded by mkdocstrings, see ``mkdocs.yml``).

- ``AttrsSignatures``: griffe reads the source, where an ``@attrs.frozen`` class has no
  ``__init__``, so the numpydoc ``Parameters`` of the class would name parameters of no
  signature. It asks the runtime class for the ``__init__`` attrs generated and adds it.
- ``SphinxRoles``: the docstrings use Sphinx roles (``:class:`~lifecycle.Money```), which
  Markdown would print as they are; they become inline code naming the object.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

try:
    import attrs
    import griffe
except ImportError:  # pytest imports every .py under docs/; the docs extra may be absent
    griffe = None  # type: ignore[assignment]

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|data|mod|exc|obj|const):`(~?)([^`]+)`")


def _role_to_code(match: re.Match[str]) -> str:
    target = match.group(2)
    return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target}`"


def _default(value: Any) -> str | None:
    if value is inspect.Parameter.empty:
        return None
    if value is attrs.NOTHING or isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        return "..."  # computed when the object is built: the docstring says how
    return repr(value)


if griffe is not None:

    class AttrsSignatures(griffe.Extension):  # type: ignore[misc]
        """Add the generated ``__init__`` to every attrs class that has none in its source."""

        def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
            if "__init__" in cls.members:
                return
            try:
                runtime = getattr(importlib.import_module(cls.module.path), cls.name)
            except (ImportError, AttributeError):
                return
            if not (inspect.isclass(runtime) and attrs.has(runtime)):
                return
            parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
            for param in inspect.signature(runtime).parameters.values():
                annotation = param.annotation
                parameters.append(
                    griffe.Parameter(
                        param.name,
                        annotation=None if annotation is param.empty else str(annotation),
                        kind=griffe.ParameterKind(param.kind.description),
                        default=_default(param.default),
                    )
                )
            init = griffe.Function(
                "__init__", parameters=griffe.Parameters(*parameters), parent=cls
            )
            cls.set_member("__init__", init)

    class SphinxRoles(griffe.Extension):  # type: ignore[misc]
        """Turn Sphinx cross-reference roles in docstrings into inline code."""

        def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
            if obj.docstring is not None:
                obj.docstring.value = _ROLE.sub(_role_to_code, obj.docstring.value)

        def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
            self.on_object(obj=pkg)
