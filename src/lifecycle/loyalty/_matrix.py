"""Dick and Basu's loyalty matrix and the spurious-loyalty flags (private).

Examples
--------
>>> loyalty_matrix([0.9, 0.2], [0.1, 0.8]).labels.tolist()
['latent', 'spurious']
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array, check_same_length
from ..errors import ValidationError

__all__ = ["LoyaltyMatrix", "SpuriousLoyalty", "loyalty_matrix", "spurious_loyalty"]


def _fraction(name: str, value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    msg = f"{name!r} must be a number in [0, 1] (got {value!r})"
    raise ValidationError(msg)


def _scores(attitude: ArrayLike, repeat: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    att = as_float_array("attitude", attitude, low=0, high=1)
    rep = as_float_array("repeat", repeat, low=0, high=1)
    check_same_length(attitude=att, repeat=rep)
    return att, rep


@attrs.frozen(eq=False)
class LoyaltyMatrix:
    """Dick and Basu's loyalty cells for each customer (see :func:`loyalty_matrix`).

    ``codes`` holds ``2 * high_attitude + high_repeat`` per customer, so 3 is true
    loyalty, 2 latent, 1 spurious and 0 none.

    Examples
    --------
    >>> m = loyalty_matrix([0.9, 0.2], [0.8, 0.7])
    >>> m.labels.tolist(), m.codes.tolist()
    (['true', 'spurious'], [3, 1])
    >>> m.mask("spurious").tolist()
    [False, True]
    """

    #: Cell labels, indexed by code.
    CELLS: ClassVar[tuple[str, ...]] = ("none", "spurious", "latent", "true")

    codes: NDArray[np.int8] = attrs.field(repr=False)
    threshold: float
    repeat_threshold: float

    @property
    def labels(self) -> NDArray[np.str_]:
        """Each customer's cell: ``"true"``, ``"latent"``, ``"spurious"`` or ``"none"``."""
        return np.array(self.CELLS)[self.codes.astype(np.intp)]

    @property
    def counts(self) -> dict[str, int]:
        """Customers per cell, in the order true, latent, spurious, none."""
        found = np.bincount(self.codes.astype(np.intp), minlength=4)
        return {label: int(found[self.CELLS.index(label)]) for label in self.CELLS[::-1]}

    @property
    def shares(self) -> dict[str, float]:
        """Share of customers per cell, in the order of :attr:`counts`."""
        return {label: count / len(self.codes) for label, count in self.counts.items()}

    @property
    def table(self) -> NDArray[np.int64]:
        """The 2x2 counts as Dick and Basu draw them.

        Rows are relative attitude (high, low), columns repeat patronage (high, low).
        """
        c = self.counts
        return np.array([[c["true"], c["latent"]], [c["spurious"], c["none"]]], dtype=np.int64)

    def mask(self, cell: str) -> NDArray[np.bool_]:
        """Customers in ``cell`` (one of true, latent, spurious, none).

        Examples
        --------
        >>> loyalty_matrix([0.9, 0.2, 0.8], [0.1, 0.8, 0.9]).mask("true").tolist()
        [False, False, True]
        """
        if cell not in self.CELLS:
            msg = f"'cell' must be one of {self.CELLS[::-1]!r} (got {cell!r})"
            raise ValidationError(msg)
        mask: NDArray[np.bool_] = self.codes == self.CELLS.index(cell)
        return mask

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        cells = ", ".join(f"{label}={count}" for label, count in self.counts.items())
        return f"LoyaltyMatrix(n={len(self)}, {cells})"


def loyalty_matrix(
    attitude: ArrayLike,
    repeat: ArrayLike,
    *,
    threshold: float = 0.5,
    repeat_threshold: float | None = None,
) -> LoyaltyMatrix:
    """Sort customers into Dick and Basu's cells: true, latent, spurious or no loyalty.

    Parameters
    ----------
    attitude : array-like of float in [0, 1], shape (n_customers,)
        Relative attitude: how strongly the customer prefers the supplier to the
        alternatives (for example the recommend answer divided by 10).
    repeat : array-like of float in [0, 1], shape (n_customers,)
        Repeat patronage (for example the share of category purchases made here).
    threshold : float in [0, 1], default 0.5
        An attitude at or above it is high.
    repeat_threshold : float in [0, 1], optional
        A repeat score at or above it is high; default ``threshold``.

    Returns
    -------
    LoyaltyMatrix
        ``.labels``, ``.codes``, ``.counts``, ``.shares`` and the 2x2 ``.table``.

    Raises
    ------
    ValidationError
        NaN, a score outside [0, 1], empty or unequal arrays (naming the first bad
        position), a threshold outside [0, 1].

    Notes
    -----
    High attitude and high repeat is true loyalty; high attitude and low repeat latent
    loyalty; low attitude and high repeat spurious loyalty; both low no loyalty.

    References
    ----------
    Dick, A. S. and Basu, K. (1994). Customer loyalty: toward an integrated conceptual
    framework. Journal of the Academy of Marketing Science, 22(2), 99-113.

    Examples
    --------
    >>> m = loyalty_matrix([0.9, 0.8, 0.1, 0.3], [0.9, 0.2, 0.7, 0.1])
    >>> m.labels.tolist()
    ['true', 'latent', 'spurious', 'none']
    >>> m
    LoyaltyMatrix(n=4, true=1, latent=1, spurious=1, none=1)
    >>> loyalty_matrix([0.5, 1.2], [0.1, 0.2])
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'attitude' must be <= 1 (1 violation, first at index 1: 1.2)
    """
    high_attitude = _fraction("threshold", threshold)
    high_repeat = (
        high_attitude
        if repeat_threshold is None
        else _fraction("repeat_threshold", repeat_threshold)
    )
    att, rep = _scores(attitude, repeat)
    codes = (2 * (att >= high_attitude) + (rep >= high_repeat)).astype(np.int8)
    return LoyaltyMatrix(codes, high_attitude, high_repeat)


@attrs.frozen(eq=False)
class SpuriousLoyalty:
    """Repeat buyers flagged as spuriously loyal, with the reason (see :func:`spurious_loyalty`).

    ``reason_codes`` are bit flags per customer: :attr:`WEAK_ATTITUDE` (1),
    :attr:`DISCOUNTED` (2), both (3) or none (0).

    Examples
    --------
    >>> s = spurious_loyalty([0.2, 0.9], [0.9, 0.9], discounted_share=[0.0, 0.8])
    >>> s.mask.tolist(), s.reasons.tolist(), s.reason_codes.tolist()
    ([True, True], ['weak_attitude', 'discounted'], [1, 2])
    """

    WEAK_ATTITUDE: ClassVar[int] = 1
    DISCOUNTED: ClassVar[int] = 2
    #: Reason labels, indexed by code.
    REASONS: ClassVar[tuple[str, ...]] = (
        "",
        "weak_attitude",
        "discounted",
        "weak_attitude+discounted",
    )

    reason_codes: NDArray[np.int8] = attrs.field(repr=False)

    @property
    def mask(self) -> NDArray[np.bool_]:
        """Customers flagged as spuriously loyal."""
        mask: NDArray[np.bool_] = self.reason_codes > 0
        return mask

    @property
    def reasons(self) -> NDArray[np.str_]:
        """Why each customer is flagged (``""`` when not flagged)."""
        return np.array(self.REASONS)[self.reason_codes.astype(np.intp)]

    @property
    def counts(self) -> dict[str, int]:
        """Flagged customers per reason (weak attitude, discounted, both)."""
        found = np.bincount(self.reason_codes.astype(np.intp), minlength=4)
        return {label: int(found[code]) for code, label in enumerate(self.REASONS) if code}

    @property
    def flagged(self) -> int:
        """How many customers are flagged."""
        return int(self.mask.sum())

    def __len__(self) -> int:
        return len(self.reason_codes)

    def __repr__(self) -> str:
        return f"SpuriousLoyalty(n={len(self)}, flagged={self.flagged}, counts={self.counts})"


def spurious_loyalty(
    attitude: ArrayLike,
    repeat: ArrayLike,
    *,
    discounted_share: ArrayLike | None = None,
    threshold: float = 0.5,
    repeat_threshold: float | None = None,
    max_discounted_share: float = 0.5,
) -> SpuriousLoyalty:
    """Flag repeat buyers who come back without a positive attitude, or only for a deal.

    A customer is a repeat buyer when ``repeat >= repeat_threshold``. A repeat buyer is
    flagged ``weak_attitude`` when ``attitude < threshold`` (Dick and Basu's spurious
    cell), and ``discounted`` when more than ``max_discounted_share`` of their repeat
    purchases were discounted or bought with an incentive (they came back for the price and
    may leave when a competitor offers a better one).

    Parameters
    ----------
    attitude, repeat : array-like of float in [0, 1], shape (n_customers,)
        As for :func:`loyalty_matrix`.
    discounted_share : array-like of float in [0, 1], optional
        Share of each customer's repeat purchases made on a discount or incentive;
        without it only the attitude is checked.
    threshold : float in [0, 1], default 0.5
        An attitude below it is weak.
    repeat_threshold : float in [0, 1], optional
        Default ``threshold``.
    max_discounted_share : float in [0, 1], default 0.5
        A discounted share above it ("mostly discounted") flags the customer.

    Returns
    -------
    SpuriousLoyalty
        ``.mask``, ``.reasons``, ``.reason_codes`` (bit flags), ``.counts``, ``.flagged``.

    Examples
    --------
    >>> s = spurious_loyalty([0.9, 0.3, 0.2, 0.8], [0.8, 0.9, 0.1, 0.7],
    ...                      discounted_share=[0.1, 0.7, 0.9, 0.6])
    >>> s.reasons.tolist()
    ['', 'weak_attitude+discounted', '', 'discounted']
    >>> s.counts
    {'weak_attitude': 0, 'discounted': 1, 'weak_attitude+discounted': 1}
    """
    weak_below = _fraction("threshold", threshold)
    high_repeat = (
        weak_below if repeat_threshold is None else _fraction("repeat_threshold", repeat_threshold)
    )
    most = _fraction("max_discounted_share", max_discounted_share)
    att, rep = _scores(attitude, repeat)
    buyer = rep >= high_repeat
    codes = (buyer & (att < weak_below)).astype(np.int8) * SpuriousLoyalty.WEAK_ATTITUDE
    if discounted_share is not None:
        share = as_float_array("discounted_share", discounted_share, low=0, high=1)
        check_same_length(attitude=att, discounted_share=share)
        codes += (buyer & (share > most)).astype(np.int8) * SpuriousLoyalty.DISCOUNTED
    return SpuriousLoyalty(codes)
