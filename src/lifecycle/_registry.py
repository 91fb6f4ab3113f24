"""The kinds of a family of objects, each registered by its own class (private).

A family (conditions, price rules, loyalty rules, ...) has one :class:`Registry`. Every
kind's class registers itself with a decorator when its module is imported, under the tags
its serialized form carries (a condition's ``"op"``, a price rule's ``"kind"``). Reading
data back looks the tag up here, so a new kind is one module: nothing else lists the kinds.

The registry is filled only at class-definition time, like ``attrs`` filling a class's
fields: registering a tag twice raises, and nothing else changes it afterwards.

Examples
--------
>>> SHAPES: Registry[object] = Registry("shape", key="kind")
>>> @SHAPES.register("square")
... class Square:
...     pass
>>> SHAPES.lookup("square").__name__, list(SHAPES)
('Square', ['square'])
>>> SHAPES.lookup("circle")
Traceback (most recent call last):
...
lifecycle.errors.SchemaError: shape: unknown kind 'circle' (allowed: square)
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from .errors import SchemaError

__all__ = ["Registry", "shared_fields_last"]

T = TypeVar("T")
C = TypeVar("C", bound=type)


class Registry(Mapping[str, "type[T]"], Generic[T]):
    """Tag to class, for one family of objects; filled by :meth:`register` at import time.

    Parameters
    ----------
    family : str
        What the objects are, for messages (``"price rule"``).
    key : str
        The key of the serialized form that holds the tag (``"kind"``, ``"op"``).

    Examples
    --------
    >>> r: Registry[object] = Registry("rule", key="kind")
    >>> len(r), r.kinds
    (0, ())
    """

    def __init__(self, family: str, *, key: str) -> None:
        self.family = family
        self.key = key
        self._tags: dict[str, type[T]] = {}
        self._kinds: list[type[T]] = []
        self._providers: dict[str, str] = {}

    def register(self, *tags: str) -> Callable[[C], C]:
        """A class decorator registering the class under ``tags``.

        A class registered without tags is a kind read back through another kind's tags
        (a comparison of two signals shares its ``op`` with a comparison with a constant);
        it still counts among :attr:`kinds`.

        Examples
        --------
        >>> r: Registry[object] = Registry("rule", key="kind")
        >>> @r.register("a", "b")
        ... class AB:
        ...     pass
        >>> sorted(r), r.kinds == (AB,)
        (['a', 'b'], True)
        >>> r.register("a")(AB)
        Traceback (most recent call last):
        ...
        ValueError: rule: kind 'a' is already registered (by AB)
        """

        def add(cls: C) -> C:
            for tag in tags:
                if tag in self._tags:
                    owner = self._tags[tag].__name__
                    msg = f"{self.family}: {self.key} {tag!r} is already registered (by {owner})"
                    raise ValueError(msg)
            for tag in tags:
                self._tags[tag] = cls
            if cls not in self._kinds:
                self._kinds.append(cls)
            return cls

        return add

    def provide(self, tag: str, module: str) -> None:
        """Name the module that registers ``tag``, imported the first time ``tag`` is read.

        A kind defined in a higher layer (a fitted model's prediction) registers itself when
        its module is imported; the package root, which sits above every layer, names that
        module here, so that reading data with the tag works before anything imported it.

        Examples
        --------
        >>> r: Registry[object] = Registry("rule", key="kind")
        >>> r.provide("dict", "collections")
        >>> "dict" in r, len(r)
        (True, 0)
        >>> r["dict"]
        Traceback (most recent call last):
        ...
        lifecycle.errors.SchemaError: rule: module 'collections' did not register kind 'dict'
        """
        self._providers[tag] = module

    def _load(self, tag: str) -> None:
        """Import the module that registers ``tag`` if it is named and not yet imported."""
        module = self._providers.get(tag)
        if module is not None and tag not in self._tags:
            importlib.import_module(module)
            if tag not in self._tags:
                msg = f"{self.family}: module {module!r} did not register {self.key} {tag!r}"
                raise SchemaError(msg)

    @property
    def kinds(self) -> tuple[type[T], ...]:
        """Every registered class, in the order they were registered."""
        return tuple(self._kinds)

    def lookup(self, tag: object) -> type[T]:
        """The class registered under ``tag``; an unknown tag raises ``SchemaError``."""
        if isinstance(tag, str):
            self._load(tag)
        if not isinstance(tag, str) or tag not in self._tags:
            msg = (
                f"{self.family}: unknown {self.key} {tag!r} "
                f"(allowed: {', '.join(sorted({*self._tags, *self._providers}))})"
            )
            raise SchemaError(msg)
        return self._tags[tag]

    def __getitem__(self, tag: str) -> type[T]:
        self._load(tag)
        return self._tags[tag]

    def __contains__(self, tag: object) -> bool:
        return tag in self._tags or tag in self._providers

    def __iter__(self) -> Iterator[str]:
        return iter(self._tags)

    def __len__(self) -> int:
        return len(self._tags)

    def __repr__(self) -> str:
        return f"Registry({self.family!r}, {len(self._kinds)} kinds)"


def shared_fields_last(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """An ``attrs`` field transformer that moves inherited keyword-only fields last.

    A base class declares the fields every kind shares (``when``, ``name``) once; attrs
    would initialise them before the subclass's own fields, so a default computed from the
    instance (a rule's name from its percent) could not see them. Moving them last keeps
    the signature (they are keyword-only) and lets the default read every other field.

    Examples
    --------
    >>> @attrs.frozen
    ... class Base:
    ...     name: str = attrs.field(kw_only=True, default=attrs.Factory(
    ...         lambda self: f"{self.size} units", takes_self=True))
    >>> @attrs.frozen(field_transformer=shared_fields_last)
    ... class Box(Base):
    ...     size: int
    >>> Box(3)
    Box(size=3, name='3 units')
    """
    declared = inspect.get_annotations(cls)
    shared = [f for f in fields if f.kw_only and f.name not in declared]
    return [f for f in fields if f not in shared] + shared
