"""The compiled form of a lifecycle model: the walk over stages as integer array operations.

A model's transitions read only signals, never the stage, so each distinct condition is
evaluated once per subject. What the walk then does depends only on the stage it starts
from and on which conditions hold: a *pattern* of K bits. The engine walks every pattern
(all 2**K of them when K is small, else the distinct patterns present) from every stage
once, vectorised, and keeps two tables: the stage where the walk stops and the
transitions it takes. Classifying or replaying millions of customers is then a lookup.

The walk (both engines follow it exactly):

1. take the first transition from the current stage, in priority order, whose condition
   holds; if none holds, stop;
2. if its target was already visited in this walk, stop without moving (no cycles);
3. move; a dissolution or win-back move ends the walk (the relationship just ended or
   restarted; the next move needs evidence from a later date);
4. repeat: a walk makes at most (number of stages - 1) moves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..conditions import Condition
from ..signals import Population

__all__ = ["Engine"]

#: Up to this many distinct conditions, the tables cover every pattern and are cached.
FULL_TABLE_BITS = 10

STOP_NONE = "no rule holds"
STOP_REVISIT = "would revisit"
STOP_ENDS = "ends the walk"


class Engine:
    """Integer arrays describing a model, and the walk over them.

    Parameters
    ----------
    n_stages : int
    initial : int
        Code of the initial stage.
    sources, targets : sequence of int
        Stage codes of each transition, in priority order.
    conditions : sequence of Condition
        The transitions' conditions.
    ends_walk : sequence of bool
        Whether a move along each transition ends the walk.
    """

    def __init__(
        self,
        n_stages: int,
        initial: int,
        sources: Sequence[int],
        targets: Sequence[int],
        conditions: Sequence[Condition],
        ends_walk: Sequence[bool],
    ) -> None:
        self.n_stages = n_stages
        self.initial = initial
        self.sources = np.asarray(sources, dtype=np.int8)
        self.targets = np.asarray(targets, dtype=np.int8)
        self.ends_walk = np.asarray(ends_walk, dtype=bool)
        # Equal conditions are evaluated once (compared with ==: a constant such as a
        # list may not be hashable).
        distinct: list[Condition] = []
        cond_of: list[int] = []
        for cond in conditions:
            same = [k for k, seen in enumerate(distinct) if seen is cond or seen == cond]
            if not same:
                distinct.append(cond)
            cond_of.append(same[0] if same else len(distinct) - 1)
        self.conditions: tuple[Condition, ...] = tuple(distinct)
        self.cond_of = np.asarray(cond_of, dtype=np.intp)
        self.max_moves = max(n_stages - 1, 0)
        self._full: tuple[NDArray[np.int8], NDArray[np.int16]] | None = None

    @property
    def n_transitions(self) -> int:
        """Number of transitions."""
        return len(self.sources)

    # ------------------------------------------------------------------ single engine

    def walk_one(self, start: int, holds: Callable[[int], bool]) -> tuple[list[int], str]:
        """The transitions one walk takes from ``start`` and why it stopped.

        ``holds(k)`` says whether distinct condition ``k`` holds for the subject.
        """
        current = start
        visited = {start}
        path: list[int] = []
        cache: dict[int, bool] = {}
        while True:
            chosen = -1
            for t in range(self.n_transitions):
                if self.sources[t] != current:
                    continue
                k = int(self.cond_of[t])
                if k not in cache:
                    cache[k] = holds(k)
                if cache[k]:
                    chosen = t
                    break
            if chosen < 0:
                return path, STOP_NONE
            target = int(self.targets[chosen])
            if target in visited:
                return path, STOP_REVISIT
            path.append(chosen)
            visited.add(target)
            current = target
            if self.ends_walk[chosen]:
                return path, STOP_ENDS

    # ------------------------------------------------------------------ batch engine

    def masks(self, population: Population) -> NDArray[np.bool_]:
        """Each distinct condition evaluated once: a (K, n) boolean array."""
        out = np.empty((len(self.conditions), len(population)), dtype=bool)
        for k, cond in enumerate(self.conditions):
            out[k] = cond.evaluate(population)
        return out

    def walk(
        self, start: NDArray[np.integer[Any]], bits: NDArray[np.bool_]
    ) -> tuple[NDArray[np.int8], NDArray[np.int16]]:
        """Walk every row from its start stage; the stop stage and the transitions taken.

        ``bits`` is (K, n): which distinct conditions hold for each row. The path is
        (n, max_moves), padded with -1.
        """
        n = len(start)
        current = start.astype(np.int64)
        visited = np.left_shift(np.uint64(1), current.astype(np.uint64))
        path = np.full((n, self.max_moves), -1, dtype=np.int16)
        active = np.arange(n)
        holds = bits[self.cond_of]
        for move in range(self.max_moves):
            if not len(active):
                break
            stage = current[active]
            chosen = np.full(len(active), -1, dtype=np.int16)
            for t in range(self.n_transitions):
                take = (chosen < 0) & (stage == self.sources[t]) & holds[t, active]
                chosen[take] = t
            found = chosen >= 0
            target = np.where(found, self.targets[np.maximum(chosen, 0)], 0).astype(np.uint64)
            seen = (visited[active] >> target) & np.uint64(1)
            moves = found & (seen == 0)
            rows = active[moves]
            path[rows, move] = chosen[moves]
            current[rows] = target[moves].astype(np.int64)
            visited[rows] |= np.left_shift(np.uint64(1), target[moves])
            active = rows[~self.ends_walk[chosen[moves]]]
        return current.astype(np.int8), path

    def patterns(
        self, bits: NDArray[np.bool_]
    ) -> tuple[NDArray[np.integer[Any]], NDArray[np.int8], NDArray[np.int16]]:
        """Pattern index of each row, and the walk tables indexed by (start stage, pattern).

        Returns ``(pattern, final, path)`` with ``final`` of shape (n_stages, U) and
        ``path`` of shape (n_stages, U, max_moves).
        """
        n_bits, n = bits.shape
        if n_bits <= FULL_TABLE_BITS:
            key = np.zeros(n, dtype=np.uint16)
            shifted = np.empty(n, dtype=np.uint16)
            for k in range(n_bits):
                np.left_shift(bits[k], np.uint16(k), out=shifted, dtype=np.uint16)
                np.bitwise_or(key, shifted, out=key)
            if self._full is None:
                every = np.arange(2**n_bits)
                table_bits = ((every[None, :] >> np.arange(n_bits)[:, None]) & 1).astype(bool)
                self._full = self._tables(table_bits)
            return key, *self._full
        packed = np.ascontiguousarray(np.packbits(bits, axis=0, bitorder="little").T)
        width = packed.shape[1]
        rows = packed.view(np.dtype((np.void, width))).ravel()
        unique, index = np.unique(rows, return_inverse=True)
        unpacked = np.unpackbits(
            unique.view(np.uint8).reshape(len(unique), width),
            axis=1,
            count=n_bits,
            bitorder="little",
        )
        return index.ravel(), *self._tables(unpacked.T.astype(bool))

    def _tables(self, bits: NDArray[np.bool_]) -> tuple[NDArray[np.int8], NDArray[np.int16]]:
        n_patterns = bits.shape[1]
        start = np.repeat(np.arange(self.n_stages), n_patterns)
        final, path = self.walk(start, np.tile(bits, (1, self.n_stages)))
        return (
            final.reshape(self.n_stages, n_patterns),
            path.reshape(self.n_stages, n_patterns, self.max_moves),
        )

    def classify(self, bits: NDArray[np.bool_]) -> NDArray[np.int8]:
        """Stage codes of rows walked from the initial stage."""
        pattern, final, _ = self.patterns(bits)
        codes: NDArray[np.int8] = final[self.initial][pattern]
        return codes
