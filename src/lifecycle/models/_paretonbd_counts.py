"""``P(X(t) = n)`` under Pareto/NBD: how many purchases a new customer makes in ``(0, t]``.

Given a purchase rate ``lambda`` and a dropout rate ``mu``, a customer either is still alive
at ``t`` (probability ``exp(-mu t)``) and made a Poisson(``lambda t``) number of purchases,
or died at some ``tau < t`` (density ``mu exp(-mu tau)``) having made a
Poisson(``lambda tau``) number. Mixing ``lambda ~ Gamma(r, alpha)`` and
``mu ~ Gamma(s, beta)`` (Fader and Hardie, "Deriving an expression for P(X(t) = x) under
the Pareto/NBD model", note 012) gives::

    P(X(t) = n) = NB(n; t) (beta/(beta+t))^s + int_0^t s beta^s/(beta+tau)^(s+1) NB(n; tau) dtau

with ``NB(n; tau) = G(r+n)/(G(r) n!) alpha^r tau^n / (alpha+tau)^(r+n)`` the negative binomial
count of the purchase process alone. The note writes the integral as a whole-line term minus
``n + 1`` hypergeometric tail terms, which cancel when ``t`` is small or ``n`` large. Here the
substitution ``w = tau/(alpha+tau)`` turns it into::

    G(r+n)/(G(r) n!) s alpha/beta int_0^W w^n (1-w)^(r+s-1) (1 - z w)^-(s+1) dw,
    W = t/(alpha+t), z = 1 - alpha/beta

and the last factor, expanded as a binomial series (directly when ``alpha <= beta``; after
Pfaff's ``1 - z w = (1-z)(1 - y(1-w))``, ``y = 1 - beta/alpha``, when ``alpha > beta``), makes
it a series of incomplete beta functions with positive terms only. Every term is kept as a
logarithm, so nothing cancels or overflows for ``n`` in the thousands or ``t`` of years.

References
----------
P. S. Fader and B. G. S. Hardie (2006, revised 2020), "Deriving an expression for
P(X(t) = x) under the Pareto/NBD model", http://brucehardie.com/notes/012/ (note 013 is the
same question for an interval ``(t, t + tau]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConvergenceError
from ._base import special
from ._data import counts_and_times

if TYPE_CHECKING:
    from ._paretonbd import ParetoNBDParams

__all__ = ["probability_of_purchases"]

F = NDArray[np.float64]

#: Series terms made at once for every row still summing.
BLOCK = 32
#: More terms than this means ``alpha`` and ``beta`` differ by a factor of about 10^4.
MAX_TERMS = 400_000
#: A row stops once the rest of its series is below this share of its sum.
LOG_TOLERANCE = float(np.log(1e-17))


def probability_of_purchases(params: ParetoNBDParams, n: ArrayLike, t: ArrayLike) -> F:
    """Probability that a new customer makes exactly ``n`` purchases in ``(0, t]``.

    ``n`` and ``t`` broadcast against each other (any shapes); the result has their
    broadcast shape.

    Raises
    ------
    ValidationError
        ``n`` not a whole number >= 0, ``t`` negative or not finite, or shapes that do not
        broadcast.
    ConvergenceError
        ``alpha`` and ``beta`` so far apart (a factor of about 10^4) that the series would
        need more than ``MAX_TERMS`` terms.

    Examples
    --------
    >>> from lifecycle.models import ParetoNBDParams
    >>> p = ParetoNBDParams(0.5533, 10.578, 0.6063, 11.670, unit="W")
    >>> probability_of_purchases(p, [0, 1, 2], 39).round(4).tolist()
    [0.5935, 0.1656, 0.0825]
    """
    sp = special()
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    nn, tt = counts_and_times(n, t, params.unit)
    x, span = nn.ravel(), tt.ravel()
    log_count = sp.gammaln(r + x) - sp.gammaln(r) - sp.gammaln(x + 1)
    with np.errstate(divide="ignore"):
        alive = (
            log_count
            + r * np.log(alpha / (alpha + span))
            + sp.xlogy(x, span / (alpha + span))
            + s * np.log(beta / (beta + span))
        )
    dead = np.full_like(x, -np.inf)
    started = span > 0
    dead[started] = log_count[started] + _log_dead((r, alpha, s, beta), x[started], span[started])
    out: F = (np.exp(alive) + np.exp(dead)).reshape(nn.shape)
    return out


def _log_dead(theta: tuple[float, float, float, float], x: F, t: F) -> F:
    """Log of the died-before-``t`` integral over ``G(r+n)/(G(r) n!)``, for ``t > 0``.

    The series is ``sum_k (s+1)_k/k! q^k B_W(a_k, b_k)`` with ``B_W`` the incomplete beta
    function: ``q = z``, ``a_k = n+1+k``, ``b_k = r+s`` when ``alpha <= beta``; ``q = y``,
    ``a_k = n+1``, ``b_k = r+s+k`` otherwise. Term ``k+1`` is at most
    ``rho_k = q (s+1+k)/(k+1)`` times term ``k`` (``B_W`` only shrinks as ``k`` grows; in
    the first case by a factor ``W`` at least, so there ``rho_k`` also has a factor ``W``),
    and ``rho_k`` falls with ``k``, so once ``rho_k < 1`` the rest is below
    ``term_k rho_k / (1 - rho_k)``: a row stops when that bound is negligible.
    """
    sp = special()
    r, alpha, s, beta = theta
    width = t / (alpha + t)
    if alpha <= beta:
        q = 1 - alpha / beta
        head = np.log(s) + np.log(alpha / beta)
    else:
        q = 1 - beta / alpha
        head = np.log(s) + s * np.log(beta / alpha)
    total = np.full_like(x, -np.inf)
    rows = np.arange(len(x))
    for first in range(0, MAX_TERMS, BLOCK):
        k = np.arange(first, first + BLOCK, dtype=np.float64)
        coef = sp.gammaln(s + 1 + k) - sp.gammaln(s + 1) - sp.gammaln(k + 1) + sp.xlogy(k, q)
        xx, ww = x[rows, None], width[rows, None]
        if alpha <= beta:
            a, b = xx + 1 + k, np.full_like(k, r + s)
        else:
            a, b = np.broadcast_to(xx + 1, (len(rows), BLOCK)), r + s + k
        with np.errstate(divide="ignore"):
            terms = coef + sp.betaln(a, b) + np.log(sp.betainc(a, b, ww))
        total[rows] = np.logaddexp(total[rows], sp.logsumexp(terms, axis=1))
        last = k[-1]
        rho = q * (s + 1 + last) / (last + 1) * (ww[:, 0] if alpha <= beta else 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = terms[:, -1] + np.log(rho) - np.log1p(-rho)
        # A row whose terms all underflowed (-inf) is done as well: the rest is smaller.
        rows = rows[(rho >= 1) | (rest > total[rows] + LOG_TOLERANCE)]
        if len(rows) == 0:
            break
    else:
        msg = (
            f"P(X(t) = n) did not converge in {MAX_TERMS} terms: alpha = {alpha} and beta = "
            f"{beta} differ too much (ratio {max(alpha, beta) / min(alpha, beta):.3g})"
        )
        raise ConvergenceError(msg)
    out: F = head + total
    return out
