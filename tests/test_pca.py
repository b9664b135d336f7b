"""course_lib.pca equals sklearn.decomposition.PCA in float64 (to 1e-10), and its errors name the argument."""
import numpy as np
import pytest
from sklearn.datasets import load_digits, load_wine
from sklearn.decomposition import PCA as SkPCA

from course_lib.pca import PCA, reconstruction_error

TOL = 1e-10


def _data():
    digits = load_digits().data.astype(np.float64)
    wine = load_wine().data.astype(np.float64)
    rng = np.random.default_rng(0)
    wide = rng.normal(size=(20, 50)) @ np.diag(np.linspace(3, 0.1, 50))  # more features than samples
    return {"digits": digits, "wine": wine, "wide": wide}


@pytest.mark.parametrize("name", ["digits", "wine", "wide"])
@pytest.mark.parametrize("k", [1, 5, None])
def test_equals_sklearn(name, k):
    X = _data()[name]
    ours, theirs = PCA(k).fit(X), SkPCA(k, svd_solver="full").fit(X)
    # components: up to sign in principle; with sklearn's sign rule mirrored, exactly
    signs = np.sign(np.sum(ours.components_ * theirs.components_, axis=1))
    np.testing.assert_allclose(ours.components_ * signs[:, None], theirs.components_, atol=TOL)
    np.testing.assert_array_equal(signs, 1.0)
    scale = np.abs(theirs.explained_variance_).max()
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=TOL, atol=TOL * scale)
    np.testing.assert_allclose(ours.explained_variance_ratio_, theirs.explained_variance_ratio_, atol=TOL)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=TOL, atol=TOL * scale)
    Z_ours, Z_theirs = ours.transform(X), theirs.transform(X)
    np.testing.assert_allclose(Z_ours, Z_theirs, atol=TOL * np.abs(X).max())
    np.testing.assert_allclose(ours.inverse_transform(Z_ours), theirs.inverse_transform(Z_theirs),
                               atol=TOL * np.abs(X).max())


def test_all_components_reconstruct_exactly_and_ratios_sum_to_one():
    X = _data()["wine"]
    pca = PCA().fit(X)
    assert abs(pca.explained_variance_ratio_.sum() - 1) < 1e-12
    assert reconstruction_error(X, pca.inverse_transform(pca.transform(X))) < 1e-20
    assert np.all(np.diff(pca.explained_variance_) <= 0)


def test_reconstruction_error_falls_with_k():
    X = _data()["digits"]
    errors = [reconstruction_error(X, PCA(k).fit(X).inverse_transform(PCA(k).fit(X).transform(X)))
              for k in (1, 5, 20, 40)]
    assert all(a > b for a, b in zip(errors, errors[1:]))


def test_errors_name_the_argument():
    X = _data()["wine"]
    with pytest.raises(ValueError, match="n_components"):
        PCA(0)
    with pytest.raises(ValueError, match="n_components.*13"):
        PCA(20).fit(X)
    with pytest.raises(ValueError, match="`X` must be a 2-D"):
        PCA(2).fit(X[:, 0])
    with pytest.raises(RuntimeError, match="not fitted"):
        PCA(2).transform(X)
    with pytest.raises(ValueError, match="`Z` must have 2 columns"):
        PCA(2).fit(X).inverse_transform(X)
    with pytest.raises(ValueError, match="NaN"):
        PCA(2).fit(np.full((3, 3), np.nan))
