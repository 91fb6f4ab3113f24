"""Migration between loyalty states, and counts per state (private).

Examples
--------
>>> loyalty_migration(["satisfied"], ["loyal"]).up
1
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_same_length
from ..errors import ValidationError
from ..table import Table
from ._states import LadderRung, LoyaltyState, _Ordered

__all__ = ["LoyaltyMigration", "count_states", "loyalty_migration"]


def _check_states(states: object) -> type[_Ordered]:
    if states not in (LoyaltyState, LadderRung):
        msg = f"'states' must be LoyaltyState or LadderRung (got {states!r})"
        raise ValidationError(msg)
    return states


@attrs.frozen(eq=False)
class LoyaltyMigration:
    """Who moved between states from one date to the next (see :func:`loyalty_migration`).

    Examples
    --------
    >>> mig = loyalty_migration(["satisfied", "loyal"], ["loyal", "loyal"])
    >>> mig.up, mig.down, mig.stayed, mig.direction.tolist()
    (1, 0, 1, [1, 0])
    """

    states: type[LoyaltyState] | type[LadderRung]
    before: NDArray[np.int8] = attrs.field(repr=False)
    after: NDArray[np.int8] = attrs.field(repr=False)

    @property
    def labels(self) -> tuple[str, ...]:
        """The state labels, lowest first: the rows and columns of :attr:`counts`."""
        return tuple(m.label for m in self.states)

    @property
    def counts(self) -> NDArray[np.int64]:
        """Square matrix: ``counts[i, j]`` customers moved from state i to state j."""
        k = len(self.states)
        pairs = self.before.astype(np.intp) * k + self.after.astype(np.intp)
        counts: NDArray[np.int64] = np.bincount(pairs, minlength=k * k).astype(np.int64)
        return counts.reshape(k, k)

    @property
    def rates(self) -> NDArray[np.float64]:
        """Each row of :attr:`counts` divided by its total (NaN for a state nobody was in)."""
        counts = self.counts
        totals = counts.sum(axis=1, keepdims=True)
        rates: NDArray[np.float64] = np.full(counts.shape, np.nan)
        np.divide(counts, totals, out=rates, where=totals > 0)
        return rates

    @property
    def direction(self) -> NDArray[np.int8]:
        """Per customer: 1 moved up, -1 moved down, 0 stayed."""
        moved: NDArray[np.int8] = np.sign(
            self.after.astype(np.int16) - self.before.astype(np.int16)
        ).astype(np.int8)
        return moved

    @property
    def up(self) -> int:
        """Customers who moved to a higher state."""
        return int((self.after > self.before).sum())

    @property
    def down(self) -> int:
        """Customers who moved to a lower state."""
        return int((self.after < self.before).sum())

    @property
    def stayed(self) -> int:
        """Customers who kept their state."""
        return int((self.after == self.before).sum())

    def to_table(self) -> Table:
        """The counts as a :class:`~lifecycle.table.Table`: a ``from`` column, one per state.

        Examples
        --------
        >>> t = loyalty_migration([2, 3, 3], [3, 3, 1]).to_table()
        >>> t["from"].tolist(), t["loyal"].tolist()
        (['dissatisfied', 'disappointed', 'satisfied', 'loyal', 'promoter'], [0, 0, 1, 1, 0])
        """
        counts = self.counts
        columns: dict[str, Any] = {"from": np.array(self.labels)}
        columns.update({label: counts[:, j] for j, label in enumerate(self.labels)})
        return Table(columns)

    def __len__(self) -> int:
        return len(self.before)

    def __repr__(self) -> str:
        return (
            f"LoyaltyMigration({self.states.__name__}, n={len(self)}, up={self.up}, "
            f"down={self.down}, stayed={self.stayed})"
        )


def loyalty_migration(
    before: ArrayLike,
    after: ArrayLike,
    *,
    states: type[LoyaltyState] | type[LadderRung] = LoyaltyState,
) -> LoyaltyMigration:
    """Count moves between loyalty states (or ladder rungs) of the same customers.

    Parameters
    ----------
    before, after : array-like, shape (n_customers,)
        Each customer's state at two dates, aligned by position: members, int codes (as
        :meth:`LoyaltyRule.evaluate` returns) or labels.
    states : LoyaltyState or LadderRung, default LoyaltyState

    Returns
    -------
    LoyaltyMigration
        ``.counts`` (square, rows before, columns after, lowest state first), ``.rates``
        (row shares), ``.up``, ``.down``, ``.stayed`` and ``.direction`` per customer.

    Raises
    ------
    ValidationError
        Unknown states (naming the first position), empty or unequal arrays.

    Examples
    --------
    >>> mig = loyalty_migration(["satisfied", "satisfied", "loyal", "promoter"],
    ...                         ["loyal", "satisfied", "promoter", "loyal"])
    >>> mig
    LoyaltyMigration(LoyaltyState, n=4, up=2, down=1, stayed=1)
    >>> mig.counts[2].tolist(), mig.rates[2].tolist()
    ([0, 0, 1, 1, 0], [0.0, 0.0, 0.5, 0.5, 0.0])
    >>> loyalty_migration(["loyal"], ["fan"])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'after' must be one of ('dissatisfied', 'disappointed', 'satisfied', 'loyal', 'promoter') (1 violation, first at index 0: 'fan')
    """
    kind = _check_states(states)
    old = kind.codes(before, name="before")
    new = kind.codes(after, name="after")
    check_same_length(before=old, after=new)
    if not len(old):
        msg = "'before' and 'after' must not be empty"
        raise ValidationError(msg)
    return LoyaltyMigration(states, old, new)


def count_states(
    codes: ArrayLike, *, states: type[LoyaltyState] | type[LadderRung] = LoyaltyState
) -> Table:
    """Customers per state, lowest first: a table of ``state``, ``count`` and ``share``.

    Summarises :meth:`LoyaltyRule.evaluate` or :meth:`LoyaltyLadder.evaluate` over a
    population (``share`` is NaN when there are no customers).

    Examples
    --------
    >>> t = count_states([2, 3, 3, 4])
    >>> t.state.tolist(), t["count"].tolist(), t.share.tolist()
    (['dissatisfied', 'disappointed', 'satisfied', 'loyal', 'promoter'], [0, 0, 1, 2, 1], [0.0, 0.0, 0.25, 0.5, 0.25])
    >>> count_states([0, 5], states=LadderRung)["count"].tolist()
    [1, 0, 0, 0, 0, 1]
    """
    kind = _check_states(states)
    found = kind.codes(codes, name="codes").astype(np.intp)
    counts = np.bincount(found, minlength=len(kind)).astype(np.int64)
    share = counts / len(found) if len(found) else np.full(len(kind), np.nan)
    return Table({"state": np.array([m.label for m in kind]), "count": counts, "share": share})
