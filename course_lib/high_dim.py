"""The curse of dimensionality, measured: distance concentration and irrelevant features.

In d dimensions, draw n points uniformly in the unit cube and one query point.  Its distances to
the points, D_1 .. D_n, concentrate: their spread shrinks relative to their size as d grows,

    contrast(d) = max_i D_i / min_i D_i   ->  1   as d -> infinity

(Beyer et al. 1999, "When is nearest neighbor meaningful?").  Each squared distance is a sum of d
independent terms, so its mean grows like d while its standard deviation grows like sqrt(d): the
ratio std / mean falls like 1 / sqrt(d).  A nearest neighbour is then hardly nearer than the
farthest one, and methods built on distances (k-NN, kernels, clustering) lose their signal.

:func:`add_noise_features` appends pure-noise columns to a data set, to measure how a model's
validation accuracy changes as irrelevant features are added.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_int

__all__ = ["distance_contrast", "add_noise_features"]


def distance_contrast(dims, n_points=500, n_queries=20, seed=0):
    """Mean over queries of max_i D_i / min_i D_i, for each dimension in ``dims``.

    For each d: n_points points and n_queries query points uniform in [0, 1]^d; D_i are the
    Euclidean distances from a query to the points.  Returns a float64 array, one ratio per d.
    """
    n_points, n_queries = check_int("n_points", n_points, minimum=2), check_int("n_queries", n_queries)
    dims = [check_int("dims", d) for d in np.atleast_1d(dims).tolist()]
    rng = np.random.default_rng(seed)
    ratios = []
    for d in dims:
        points = rng.random((n_points, d))
        queries = rng.random((n_queries, d))
        dist = np.linalg.norm(queries[:, None, :] - points[None, :, :], axis=-1)   # D[q, i]
        ratios.append(np.mean(dist.max(axis=1) / dist.min(axis=1)))                # max_i D / min_i D
    return np.array(ratios)


def add_noise_features(X, n_noise, seed=0):
    """X with ``n_noise`` extra columns of standard normal noise (irrelevant to any target)."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"`X` must be a 2-D array (samples, features); got shape {X.shape}")
    n_noise = check_int("n_noise", n_noise, minimum=0)
    noise = np.random.default_rng(seed).standard_normal((len(X), n_noise)).astype(X.dtype, copy=False)
    return np.hstack([X, noise])
