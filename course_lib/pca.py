"""Principal component analysis from scratch: centre the data, take its SVD.  Mirrors ``sklearn.decomposition.PCA``.

For a data matrix X of shape (n_samples, n_features), with column means mu:

    X_c = X - mu                                   (centring: PCA describes spread around the mean)
    X_c = U S V^T                                  (thin SVD; S sorted in decreasing order)
    components_ = V^T[:k]                          (the k directions of largest variance, orthonormal rows)
    explained_variance_ = S[:k]^2 / (n - 1)        (the variance of the data along each direction)
    explained_variance_ratio_ = S[:k]^2 / sum(S^2) (the fraction of the total variance each one keeps)

    transform(X)         = (X - mu) V_k            (the k coordinates, "codes", of each sample)
    inverse_transform(Z) = Z V_k^T + mu            (back in feature space: the best rank-k approximation)

Why the SVD: the covariance matrix is X_c^T X_c / (n - 1) = V S^2 V^T / (n - 1), so the right singular
vectors are its eigenvectors and S^2 / (n - 1) its eigenvalues -- without ever forming X_c^T X_c, which
would square the condition number.

A singular vector is defined only up to its sign.  As scikit-learn (>= 1.5, ``svd_flip`` with
``u_based_decision=False``), each component is flipped so that its largest-magnitude entry is positive;
then components and codes equal scikit-learn's, not only up to sign.

Example::

    pca = PCA(n_components=10).fit(X)
    Z = pca.transform(X)                    # (n_samples, 10)
    X_hat = pca.inverse_transform(Z)        # the rank-10 reconstruction
    pca.explained_variance_ratio_.sum()     # the fraction of the variance it keeps
"""
from __future__ import annotations

import numpy as np

from ._checks import check_int

__all__ = ["PCA", "reconstruction_error"]


class PCA:
    """Principal component analysis by centring and SVD (see the module docstring for the equations).

    ``n_components``: an int k with 1 <= k <= min(n_samples, n_features), or None to keep them all.
    After :meth:`fit`: ``mean_``, ``components_`` (k, n_features), ``singular_values_``,
    ``explained_variance_``, ``explained_variance_ratio_``, ``n_components_``, ``n_samples_``.
    """

    def __init__(self, n_components=None):
        if n_components is not None:
            check_int("n_components", n_components)
        self.n_components = n_components

    def fit(self, X, y=None):
        """Learn the mean and the principal directions of X; returns self (``y`` is ignored, as in sklearn)."""
        X = _as_data(X, "X")
        n, d = X.shape
        if n < 2:
            raise ValueError(f"`X` must have at least 2 samples to measure a variance; got shape {X.shape}")
        k = min(n, d) if self.n_components is None else self.n_components
        if k > min(n, d):
            raise ValueError(f"`n_components` must be at most min(n_samples, n_features) = {min(n, d)}. "
                             f"Received: n_components={k}")
        self.mean_ = X.mean(axis=0)                                  # mu
        Xc = X - self.mean_                                          # X_c = X - mu
        U, S, Vt = np.linalg.svd(Xc, full_matrices=False)            # X_c = U S V^T
        Vt = _flip_signs(Vt)                                         # largest entry of each row > 0
        total_variance = (S ** 2).sum() / (n - 1)                    # trace of the covariance
        self.components_ = Vt[:k]                                    # V_k^T
        self.singular_values_ = S[:k]
        self.explained_variance_ = S[:k] ** 2 / (n - 1)              # eigenvalues of the covariance
        self.explained_variance_ratio_ = self.explained_variance_ / total_variance
        self.n_components_, self.n_samples_, self.n_features_in_ = k, n, d
        return self

    def transform(self, X):
        """The codes Z = (X - mu) V_k, shape (n_samples, k)."""
        X = self._check_fitted_input(X, self.n_features_in_ if hasattr(self, "mean_") else None, "X")
        return (X - self.mean_) @ self.components_.T                 # Z = (X - mu) V_k

    def fit_transform(self, X, y=None):
        """fit(X), then transform(X)."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z):
        """Back to feature space: X_hat = Z V_k^T + mu, shape (n_samples, n_features)."""
        Z = self._check_fitted_input(Z, self.n_components_ if hasattr(self, "mean_") else None, "Z")
        return Z @ self.components_ + self.mean_                     # X_hat = Z V_k^T + mu

    def _check_fitted_input(self, A, width, name):
        if not hasattr(self, "mean_"):
            raise RuntimeError("This PCA is not fitted yet: call fit(X) first.")
        A = _as_data(A, name)
        if A.shape[1] != width:
            raise ValueError(f"`{name}` must have {width} columns; got shape {A.shape}")
        return A

    def __repr__(self):
        return f"PCA(n_components={self.n_components!r})"


def reconstruction_error(X, X_hat):
    """Mean squared reconstruction error, mean over samples and features of (X - X_hat)^2."""
    X, X_hat = _as_data(X, "X"), _as_data(X_hat, "X_hat")
    if X.shape != X_hat.shape:
        raise ValueError(f"`X` and `X_hat` must have the same shape; got {X.shape} and {X_hat.shape}")
    return float(np.mean((X - X_hat) ** 2))


def _flip_signs(Vt):
    """Flip each row of V^T so that its largest-magnitude entry is positive (sklearn's svd_flip on V)."""
    biggest = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(len(Vt)), biggest])
    signs[signs == 0] = 1.0
    return Vt * signs[:, None]


def _as_data(X, name):
    """A 2-D float array (integers become float64); ValueError naming ``name`` otherwise."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"`{name}` must be a 2-D array (samples, features); got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    if not np.isfinite(X).all():
        raise ValueError(f"`{name}` contains NaN or inf")
    return X
