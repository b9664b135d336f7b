"""course_lib.matrix_factorization: an ALS half-step is scikit-learn's Ridge per user (1e-10), an SGD step is a
gradient step computed by autodiff (1e-12), ALS never increases its objective, both fits beat the baselines on
generated low-rank ratings and recover the true factor subspace; bad input is refused by name."""
import numpy as np
import pytest
from scipy.linalg import subspace_angles
from sklearn.linear_model import Ridge

from course_lib import autodiff
from course_lib import matrix_factorization as mf


def _split(seed=0):
    ratings, P, Q = mf.low_rank_ratings(n_users=120, n_items=60, rank=2, density=0.25, noise=0.3, seed=seed)
    train, test = mf.train_test_split_ratings(ratings, 0.2, seed=seed)
    return train, test, P, Q


def test_low_rank_ratings_follow_the_model():
    ratings, P, Q = mf.low_rank_ratings(n_users=50, n_items=40, rank=3, density=0.5, noise=0.0, mean=3.0, seed=1)
    np.testing.assert_allclose(ratings.values, 3.0 + np.sum(P[ratings.users] * Q[ratings.items], axis=1))
    assert 0.4 < len(ratings) / (50 * 40) < 0.6
    assert len(set(zip(ratings.users.tolist(), ratings.items.tolist()))) == len(ratings)  # each pair once


@pytest.mark.parametrize("reg", [0.0, 0.3, 5.0])
def test_als_half_step_is_ridge_per_user(reg):
    train, _, _, Q = _split()
    res = train.values - train.values.mean()
    P = mf.als_half_step(Q, train.users, train.items, res, train.n_users, reg)
    for u in range(train.n_users):
        rated = train.users == u
        if reg == 0.0 and rated.sum() < Q.shape[1]:
            continue
        if rated.any():
            expected = Ridge(alpha=reg, fit_intercept=False, solver="cholesky").fit(Q[train.items[rated]], res[rated]).coef_
            np.testing.assert_allclose(P[u], expected, atol=1e-10)
        else:
            np.testing.assert_array_equal(P[u], 0.0)


def test_sgd_step_is_a_gradient_step_from_autodiff():
    rng = np.random.default_rng(0)
    p, q = rng.normal(size=4), rng.normal(size=4)
    pt, qt = autodiff.Tensor(p, requires_grad=True), autodiff.Tensor(q, requires_grad=True)
    loss = 0.5 * (4.5 - 3.0 - (pt * qt).sum()) ** 2 + 0.5 * 0.2 * ((pt * pt).sum() + (qt * qt).sum())
    loss.backward()
    p_before, q_before = p.copy(), q.copy()
    new_p, new_q = mf.sgd_step(p, q, 4.5, 3.0, 0.05, 0.2)
    np.testing.assert_allclose(new_p, p - 0.05 * pt.grad, atol=1e-12)
    np.testing.assert_allclose(new_q, q - 0.05 * qt.grad, atol=1e-12)
    np.testing.assert_array_equal(p, p_before)  # inputs unchanged
    np.testing.assert_array_equal(q, q_before)


def _objective(model, ratings, reg):
    e = ratings.values - model.predict(ratings.users, ratings.items)
    return np.sum(e ** 2) + reg * (np.sum(model.P_ ** 2) + np.sum(model.Q_ ** 2))


def test_als_never_increases_its_objective():
    train, _, _, _ = _split()
    values = []
    for epochs in range(1, 8):
        model = mf.MatrixFactorization(2, "als", reg=0.5, epochs=epochs, random_state=0).fit(train)
        values.append(_objective(model, train, 0.5))
    assert all(b <= a + 1e-9 for a, b in zip(values, values[1:]))


@pytest.mark.parametrize("solver, reg", [("sgd", 0.02), ("als", 0.5)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fits_beat_baselines_and_recover_the_subspace(solver, reg, seed):
    train, test, _, Q = _split(seed)
    model = mf.MatrixFactorization(2, solver, reg=reg, lr=0.05, epochs=30, random_state=seed).fit(train, test)
    baselines = mf.baseline_predictions(train, test)
    best_baseline = min(np.sqrt(np.mean((test.values - p) ** 2)) for p in baselines.values())
    assert model.rmse(test) < 0.7 * best_baseline
    assert np.degrees(subspace_angles(model.Q_, Q)).max() < 20
    assert len(model.history_["rmse"]) == len(model.history_["val_rmse"]) == 30


def test_baselines():
    train = mf.Ratings([0, 1, 1], [0, 0, 1], [1.0, 3.0, 5.0], 2, 3)
    test = mf.Ratings([0, 0, 1], [0, 1, 2], [0.0, 0.0, 0.0], 2, 3)
    out = mf.baseline_predictions(train, test)
    np.testing.assert_allclose(out["global mean"], 3.0)
    np.testing.assert_allclose(out["item mean"], [2.0, 5.0, 3.0])  # item 2 unseen: the global mean


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="solver"):
        mf.MatrixFactorization(solver="adam")
    with pytest.raises(ValueError, match="reg"):
        mf.MatrixFactorization(reg=-1.0)
    with pytest.raises(ValueError, match="density"):
        mf.low_rank_ratings(density=0.0)
    with pytest.raises(ValueError, match="ids must lie"):
        mf.Ratings([0, 5], [0, 0], [1.0, 2.0], n_users=3, n_items=2)
    with pytest.raises(ValueError, match="same length"):
        mf.Ratings([0], [0, 1], [1.0], n_users=3, n_items=2)
