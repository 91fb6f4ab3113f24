"""The 2F1(1, b; c; z) series of the Pareto/NBD likelihood: values and derivatives.

Checked against SciPy's ``hyp2f1`` (an independent implementation) and against central
differences of the series itself, over the range of ``z`` a fit meets (0 to 0.999), with
rows grouped in any order, across blocks of terms and across chunks of rows.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from scipy import special

from lifecycle.models import _hypergeometric
from lifecycle.models._hypergeometric import series


def _draw(seed: int, n: int, groups: int, top: float) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    b = rng.uniform(0.05, 60.0, groups)
    c = b + rng.uniform(0.05, 40.0, groups)
    group = rng.integers(0, groups, n)
    z = rng.uniform(0.0, top, n)
    z[:3] = 0.0
    return b, c, group.astype(np.int64), z


@pytest.mark.parametrize(
    ("top", "rtol"),
    [(1e-6, 1e-13), (0.1, 1e-13), (0.5, 1e-13), (0.9, 1e-12), (0.99, 1e-12), (0.999, 1e-11)],
)
def test_values_match_scipy(top: float, rtol: float) -> None:
    b, c, group, z = _draw(1, 400, 25, top)
    total, *_ = series(b, c, group, z)
    np.testing.assert_allclose(total, special.hyp2f1(1.0, b[group], c[group], z), rtol=rtol)


@pytest.mark.parametrize("top", [0.1, 0.9, 0.99])
def test_derivatives_match_central_differences(top: float) -> None:
    b, c, group, z = _draw(2, 60, 6, top)
    _, d_b, d_c, d_z, d2 = series(b, c, group, z, second=True)
    h = 1e-6

    def value(bb: np.ndarray, cc: np.ndarray, zz: np.ndarray) -> np.ndarray:
        return series(bb, cc, group, zz)[0]

    def first(bb: np.ndarray, cc: np.ndarray, zz: np.ndarray) -> tuple[np.ndarray, ...]:
        out = series(bb, cc, group, zz)
        return out[1], out[2], out[3]

    np.testing.assert_allclose(
        d_b, (value(b + h, c, z) - value(b - h, c, z)) / (2 * h), rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(
        d_c, (value(b, c + h, z) - value(b, c - h, z)) / (2 * h), rtol=1e-6, atol=1e-9
    )
    inside = z > h
    dz_num = (value(b, c, z + h) - value(b, c, np.where(inside, z - h, z))) / np.where(
        inside, 2 * h, h
    )
    np.testing.assert_allclose(d_z, dz_num, rtol=1e-5, atol=1e-9)
    # Second derivatives: differences of the first.
    up_b, down_b = first(b + h, c, z), first(b - h, c, z)
    up_c, down_c = first(b, c + h, z), first(b, c - h, z)
    np.testing.assert_allclose(d2[0], (up_b[0] - down_b[0]) / (2 * h), rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(d2[1], (up_c[0] - down_c[0]) / (2 * h), rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(d2[2], (up_c[1] - down_c[1]) / (2 * h), rtol=1e-5, atol=1e-9)
    zi = np.where(inside, z - h, z)
    width = np.where(inside, 2 * h, h)
    up_z, down_z = first(b, c, z + h), first(b, c, zi)
    np.testing.assert_allclose(d2[3], (up_z[0] - down_z[0]) / width, rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(d2[4], (up_z[1] - down_z[1]) / width, rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(d2[5], (up_z[2] - down_z[2]) / width, rtol=1e-4, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), top=st.sampled_from([0.05, 0.6, 0.95]))
def test_grouping_and_chunking_do_not_change_the_sums(seed: int, top: float) -> None:
    # Each row as its own group, the rows in any order, and rows summed a few at a time
    # all give the same sums as one call over grouped rows.
    b, c, group, z = _draw(seed, 50, 5, top)
    whole = series(b, c, group, z, second=True)
    alone = series(b[group], c[group], np.arange(50, dtype=np.int64), z, second=True)
    order = np.random.default_rng(seed).permutation(50)
    shuffled = series(b, c, group[order], z[order], second=True)
    for mine, other in zip(whole, alone, strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-13)
    for mine, other in zip(whole, shuffled, strict=True):
        np.testing.assert_allclose(mine[..., order], other, rtol=1e-13)


def test_rows_summed_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    b, c, group, z = _draw(3, 300, 10, 0.9)
    whole = series(b, c, group, z, second=True)
    monkeypatch.setattr(_hypergeometric, "CHUNK", 7)
    for mine, other in zip(whole, series(b, c, group, z, second=True), strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-13)


def test_z_near_one_takes_as_many_terms_as_it_needs() -> None:
    # z = 0.99995 needs about 800,000 terms: summed, not cut off with a bound.
    b, c = np.array([5.0, 0.5]), np.array([5.5, 30.0])
    z = np.array([0.99995, 0.9999])
    total, *_ = series(b, c, np.arange(2, dtype=np.int64), z)
    np.testing.assert_allclose(total, special.hyp2f1(1.0, b, c, z), rtol=1e-9)


def test_a_sum_beyond_the_last_term_is_nan_not_a_guess() -> None:
    b, c = np.array([5.0, 5.0]), np.array([5.5, 5.5])
    z = np.array([1 - 1e-9, 0.5])
    out = series(b, c, np.zeros(2, dtype=np.int64), z, second=True)
    for values in out[:4]:
        assert np.isnan(values[0])
        assert np.isfinite(values[1])
    assert np.isnan(out[4][:, 0]).all()


def test_a_pareto_prediction_beyond_the_series_raises_naming_the_row() -> None:
    from lifecycle.errors import ConvergenceError
    from lifecycle.models import ParetoNBDModel, ParetoNBDParams

    # alpha / beta = 1e11: z = 1 - 1e-11 at t = 0, so every customer's series is too long.
    model = ParetoNBDModel.from_params(ParetoNBDParams(0.55, 1e9, 0.61, 0.01, unit="W"))
    with pytest.raises(ConvergenceError, match=r"at index 0 \(frequency 2, recency 3, T 5\)"):
        model.probability_alive(frequency=[2, 0], recency=[3.0, 0.0], T=[5.0, 5.0])


def _printed_pareto_loglik(p: tuple[float, ...], x: float, tx: float, t: float) -> float:
    """Fader and Hardie (2005), "A note on deriving the Pareto/NBD model", equation 22, as
    printed, with SciPy's hyp2f1: fine for the small counts and spans drawn below."""
    r, alpha, s, beta = p
    k = r + s + x
    if alpha >= beta:
        b_, big = s + 1, alpha

        def part(u: float) -> float:
            return (
                float(special.hyp2f1(k, b_, k + 1, (alpha - beta) / (alpha + u))) / (alpha + u) ** k
            )
    else:
        b_, big = r + x, beta

        def part(u: float) -> float:
            return (
                float(special.hyp2f1(k, b_, k + 1, (beta - alpha) / (beta + u))) / (beta + u) ** k
            )

    assert big > 0
    first = 1 / ((alpha + t) ** (r + x) * (beta + t) ** s)
    bracket = first + s / k * (part(tx) - part(t))
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return float(head + np.log(bracket))


@settings(max_examples=60, deadline=None)
@given(
    params=st.tuples(*[st.floats(0.1, 20.0) for _ in range(4)]),
    rows=st.lists(
        st.tuples(st.integers(0, 15), st.floats(0.0, 1.0), st.floats(0.5, 80.0)),
        min_size=1,
        max_size=12,
    ),
)
def test_pareto_likelihood_is_the_printed_formula(
    params: tuple[float, float, float, float], rows: list[tuple[int, float, float]]
) -> None:
    # The likelihood (series per frequency, pairs of (x, t_x) and (x, T) together, the
    # bracket in log space), per customer and as the fit's weighted sum, against the paper's
    # formula evaluated directly.
    from lifecycle.models import ParetoNBDParams, _paretonbd
    from lifecycle.models._data import compress

    x = np.array([float(k) for k, _, _ in rows])
    t = np.array([span for _, _, span in rows])
    tx = np.where(x > 0, np.maximum(np.array([f for _, f, _ in rows]) * t, 1e-3), 0.0)
    p = ParetoNBDParams(*params, unit="W")
    mine = _paretonbd.loglik(p, x, tx, t)
    want = [_printed_pareto_loglik(params, *row) for row in zip(x, tx, t, strict=True)]
    np.testing.assert_allclose(mine, want, rtol=1e-8, atol=1e-8)
    objective = _paretonbd.objective(compress(x, tx, t, np.ones(len(x))))
    value, _ = objective(np.log(np.array(params)))
    assert value == pytest.approx(float(np.sum(want)), rel=1e-8, abs=1e-8)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), top=st.sampled_from([0.05, 0.6, 0.95, 0.999]))
def test_a_row_sums_alike_alone_or_in_any_batch(seed: int, top: float) -> None:
    # One customer's answer must be bit for bit the batch's (the engines' equivalence): the
    # block schedule and each row's arithmetic do not depend on the rows beside it.
    b, c, group, z = _draw(seed, 60, 6, top)
    whole = series(b, c, group, z, second=True)
    rng = np.random.default_rng(seed)
    some = np.sort(rng.choice(60, size=int(rng.integers(1, 8)), replace=False))
    part = series(b, c, group[some], z[some], second=True)
    for mine, other in zip(whole, part, strict=True):
        assert np.array_equal(mine[..., some], other, equal_nan=True)
