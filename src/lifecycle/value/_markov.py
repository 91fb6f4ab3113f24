"""A Markov migration model of customer value (Pfeifer and Carraway 2000) (private).

Customers sit in one of a few states (stages, recency bands, segments); each period they
move by the transition matrix ``P`` and bring the reward ``R`` of the state they are in.
The expected discounted value of a customer starting in each state, over ``horizon``
periods, is ``sum_{t < horizon} (P / (1 + d))^t R``; over an infinite horizon it is
``(I - P / (1 + d))^-1 R``.

Examples
--------
>>> model = MarkovChainModel(("active", "lost"), [[0.8, 0.2], [0.0, 1.0]], [100, 0])
>>> [round(v, 2) for v in model.value(0.1).tolist()]
[366.67, 0.0]
>>> [round(v, 2) for v in model.value(0.1, horizon=2).tolist()]
[172.73, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array, first_violation
from ..errors import ValidationError
from ..serialization import check_schema
from ..stages import StageFlow

__all__ = ["MarkovChainModel"]

_SCHEMA = "lifecycle.markov_chain_model/1"
_TOLERANCE = 1e-9


def _states(value: Sequence[str]) -> tuple[str, ...]:
    return tuple(value)


def _matrix(value: ArrayLike) -> NDArray[np.float64]:
    out = as_float_array("transition_matrix", value, ndim=2, low=0.0, high=1.0)
    out.flags.writeable = False
    return out


def _vector(value: ArrayLike) -> NDArray[np.float64]:
    out = as_float_array("rewards", value)
    out.flags.writeable = False
    return out


@attrs.frozen(eq=False)
class MarkovChainModel:
    """States, the transition matrix between them per period, and the reward in each.

    Parameters
    ----------
    states : sequence of str
        Distinct state names; row and column ``i`` are state ``states[i]``.
    transition_matrix : array-like of shape (n_states, n_states)
        ``P[i, j]``: probability of moving from state i to state j in one period; rows sum
        to 1 (within 1e-9).
    rewards : array-like of shape (n_states,)
        Expected net contribution of a customer in each state per period (margin minus the
        cost of serving and marketing to them), received at the start of the period.

    Raises
    ------
    ValidationError
        Duplicate or blank states, a non-square matrix, a probability outside [0, 1], a row
        that does not sum to 1, or shapes that do not match.

    References
    ----------
    P. E. Pfeifer and R. L. Carraway (2000), "Modeling customer relationships as Markov
    chains", Journal of Interactive Marketing 14(2), 43-55 (the value as the discounted
    sum of ``P^t R``, equations (1)-(3)).

    Examples
    --------
    >>> MarkovChainModel(("a", "b"), [[0.5, 0.4], [0.0, 1.0]], [1, 0])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'transition_matrix' rows must sum to 1 (1 violation, first at index 0: 0.9)
    """

    states: tuple[str, ...] = attrs.field(converter=_states)
    transition_matrix: NDArray[np.float64] = attrs.field(converter=_matrix, repr=False)
    rewards: NDArray[np.float64] = attrs.field(converter=_vector, repr=False)

    def __attrs_post_init__(self) -> None:
        n = len(self.states)
        if n == 0 or any(not isinstance(s, str) or not s.strip() for s in self.states):
            msg = f"'states' must be non-empty strings (got {self.states!r})"
            raise ValidationError(msg)
        if len(set(self.states)) != n:
            msg = f"'states' must be distinct (got {self.states!r})"
            raise ValidationError(msg)
        if self.transition_matrix.shape != (n, n):
            msg = (
                f"'transition_matrix' must be {n} x {n}, one row and column per state "
                f"(got shape {self.transition_matrix.shape})"
            )
            raise ValidationError(msg)
        if self.rewards.shape != (n,):
            msg = f"'rewards' must hold one value per state, {n} (got {len(self.rewards)})"
            raise ValidationError(msg)
        _check_rows(self.transition_matrix.sum(axis=1))

    @classmethod
    def from_flow(cls, flow: StageFlow, rewards: ArrayLike) -> MarkovChainModel:
        """The model whose transitions are a timeline's observed stage-to-stage rates.

        Parameters
        ----------
        flow : StageFlow
            From :meth:`Timeline.flow` between two dates one period apart.
        rewards : array-like
            One per stage, in ``flow.labels`` order.

        Raises
        ------
        ValidationError
            A stage without customers at the flow's start: its row is unknown.

        Examples
        --------
        >>> import datetime as dt
        >>> import numpy as np
        >>> from lifecycle.stages import StageFlow
        >>> flow = StageFlow.from_counts(("active", "lost"), dt.date(2024, 1, 1),
        ...     dt.date(2024, 2, 1), np.array([[8, 2], [0, 5]]), np.array([0, 0]))
        >>> MarkovChainModel.from_flow(flow, [10, 0]).transition_matrix.tolist()
        [[0.8, 0.2], [0.0, 1.0]]
        """
        empty = flow.counts.sum(axis=1) == 0
        if empty.any():
            names = [flow.labels[i] for i in np.flatnonzero(empty).tolist()]
            msg = (
                f"no customer was in stage(s) {names} on {flow.start}: their transition "
                "rows are unknown; use a longer timeline or give the matrix"
            )
            raise ValidationError(msg)
        return cls(flow.labels, flow.rates, rewards)

    @classmethod
    def from_labels(
        cls,
        before: ArrayLike,
        after: ArrayLike,
        rewards: ArrayLike,
        *,
        states: Sequence[str] | None = None,
    ) -> MarkovChainModel:
        """The model estimated from each customer's state in two consecutive periods.

        ``P[i, j]`` is the share of the customers in state i before who are in state j
        after (the maximum likelihood estimate).

        Parameters
        ----------
        before, after : array-like of str, shape (n_customers,)
            Each customer's state in one period and the next (aligned by customer).
        rewards : array-like
            One per state, in ``states`` order.
        states : sequence of str, optional
            The states in order; default the sorted distinct labels.

        Examples
        --------
        >>> m = MarkovChainModel.from_labels(["a", "a", "b", "b"], ["a", "b", "b", "b"],
        ...                                  [5, 0])
        >>> m.states, m.transition_matrix.tolist()
        (('a', 'b'), [[0.5, 0.5], [0.0, 1.0]])
        """
        a = np.asarray(before, dtype=object)
        b = np.asarray(after, dtype=object)
        if a.ndim != 1 or a.shape != b.shape or len(a) == 0:
            msg = (
                f"'before' and 'after' must be non-empty 1-D of equal length "
                f"(got {a.shape}, {b.shape})"
            )
            raise ValidationError(msg)
        names = (
            tuple(sorted(set(a.tolist()) | set(b.tolist()))) if states is None else tuple(states)
        )
        index = {name: i for i, name in enumerate(names)}
        for label, values in (("before", a), ("after", b)):
            unknown = np.array([v not in index for v in values.tolist()])
            first_violation(label, unknown, f"one of the states {names}", values)
        n = len(names)
        i = np.array([index[v] for v in a.tolist()])
        j = np.array([index[v] for v in b.tolist()])
        counts = np.bincount(i * n + j, minlength=n * n).reshape(n, n)
        totals = counts.sum(axis=1)
        first_violation(
            "before", totals == 0, "seen at least once for every state", np.asarray(names)
        )
        return cls(names, counts / totals[:, None], rewards)

    def value(self, discount: float, horizon: int | None = None) -> NDArray[np.float64]:
        """Expected discounted value of a customer starting in each state.

        Parameters
        ----------
        discount : float
            Per period, > -1.
        horizon : int, optional
            Periods counted, >= 1: ``sum_{t=0}^{horizon-1} (P / (1 + d))^t R``. Default
            infinite, ``(I - P / (1 + d))^-1 R`` (needs ``d > 0`` unless every state
            with a reward is left for good).

        Returns
        -------
        ndarray of float64, shape (n_states,)

        Examples
        --------
        >>> m = MarkovChainModel(("a", "b"), [[0.5, 0.5], [0.5, 0.5]], [2, 0])
        >>> m.value(0.0, horizon=3).tolist()
        [4.0, 2.0]
        """
        if isinstance(discount, bool) or not isinstance(discount, (int, float, np.floating)):
            msg = f"'discount' must be a number (got {discount!r})"
            raise ValidationError(msg)
        if not math.isfinite(discount) or discount <= -1:
            msg = f"'discount' must be > -1 (got {discount!r})"
            raise ValidationError(msg)
        step = self.transition_matrix / (1 + discount)
        if horizon is None:
            system = np.eye(len(self.states)) - step
            if np.linalg.matrix_rank(system) < len(self.states):
                msg = (
                    f"the infinite-horizon value does not exist at discount {discount}: "
                    "give a horizon or a positive discount"
                )
                raise ValidationError(msg)
            solved = np.linalg.solve(system, self.rewards)
            return np.asarray(solved, dtype=np.float64)
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
            msg = f"'horizon' must be an int >= 1 (got {horizon!r})"
            raise ValidationError(msg)
        total = np.zeros(len(self.states))
        term = self.rewards.copy()
        for _ in range(int(horizon)):
            total += term
            term = step @ term
        return total

    def steady_state(self) -> NDArray[np.float64]:
        """The stationary distribution: ``pi P = pi``, ``sum(pi) = 1``.

        Raises
        ------
        ValidationError
            When the chain has more than one (it splits into closed classes).

        Examples
        --------
        >>> m = MarkovChainModel(("a", "b"), [[0.9, 0.1], [0.5, 0.5]], [1, 0])
        >>> [round(p, 4) for p in m.steady_state().tolist()]
        [0.8333, 0.1667]
        """
        n = len(self.states)
        system = np.vstack([self.transition_matrix.T - np.eye(n), np.ones((1, n))])
        if np.linalg.matrix_rank(system) < n:
            msg = (
                "the chain has more than one steady state (it splits into closed classes "
                f"of states {self.states})"
            )
            raise ValidationError(msg)
        target = np.zeros(n + 1)
        target[-1] = 1.0
        pi, *_ = np.linalg.lstsq(system, target, rcond=None)
        out = np.clip(np.asarray(pi, dtype=np.float64), 0.0, None)
        return np.asarray(out / out.sum(), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> m = MarkovChainModel(("a",), [[1.0]], [2])
        >>> MarkovChainModel.from_dict(m.to_dict()).rewards.tolist()
        [2.0]
        """
        return {
            "schema": _SCHEMA,
            "states": list(self.states),
            "transition_matrix": self.transition_matrix.tolist(),
            "rewards": self.rewards.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Any) -> MarkovChainModel:
        """Rebuild a model from :meth:`to_dict` output.

        Examples
        --------
        >>> data = {"schema": "lifecycle.markov_chain_model/1", "states": ["active", "lapsed"],
        ...         "transition_matrix": [[0.8, 0.2], [0.1, 0.9]], "rewards": [100, 0]}
        >>> MarkovChainModel.from_dict(data).states
        ('active', 'lapsed')
        """
        body = check_schema(data, _SCHEMA, ("states", "transition_matrix", "rewards"))
        return cls(body["states"], body["transition_matrix"], body["rewards"])


def _check_rows(totals: NDArray[np.float64]) -> None:
    bad = np.abs(totals - 1) > _TOLERANCE
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"'transition_matrix' rows must sum to 1 ({int(bad.sum())} violation"
            f"{'s' if bad.sum() > 1 else ''}, first at index {i}: {round(float(totals[i]), 12)})"
        )
        raise ValidationError(msg)
