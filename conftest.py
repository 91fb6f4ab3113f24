"""Marks the examples that need the Dask extra (in ``lifecycle.dask`` and ``docs/scale.md``).

Doctests carry no markers of their own: these get ``dask`` and ``slow``, so ``make test``
(``-m "not slow"``) leaves them out and ``make test-dask`` (``-m dask``) runs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_DASK = (
    Path(__file__).parent / "src" / "lifecycle" / "dask",
    Path(__file__).parent / "docs" / "scale.md",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the Dask examples ``dask`` and ``slow``."""
    for item in items:
        path = Path(str(item.path))
        if any(path == p or p in path.parents for p in _DASK):
            item.add_marker(pytest.mark.dask)
            item.add_marker(pytest.mark.slow)
