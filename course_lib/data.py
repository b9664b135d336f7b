"""Mini-batches: cut a data set into batches that cover every sample once per epoch.

One *epoch* is one pass over the whole training set.  Mini-batch gradient descent
shuffles the sample order at the start of each epoch (a fresh random permutation)
and then walks through it in slices of ``batch_size``:

    perm = permutation(n)
    batch_k = perm[k * batch_size : (k + 1) * batch_size],   k = 0 .. ceil(n / batch_size) - 1

so every sample is used exactly once per epoch, and the last batch is smaller when
``batch_size`` does not divide ``n``.  ``batch_size = n`` is (full) batch gradient
descent, ``batch_size = 1`` is stochastic gradient descent.

This mirrors what ``keras.Model.fit(x, y, batch_size=..., shuffle=True)`` does with
numpy inputs (a new shuffle each epoch, a last partial batch kept).
"""
from __future__ import annotations

import numpy as np

from ._checks import check_fraction, check_int

__all__ = ["batch_indices", "load_digits", "load_breast_cancer", "minibatches", "num_batches", "adding_problem"]


def num_batches(num_samples: int, batch_size: int) -> int:
    """Batches per epoch: ceil(num_samples / batch_size)."""
    num_samples, batch_size = check_int("num_samples", num_samples), check_int("batch_size", batch_size)
    return -(-num_samples // batch_size)


def batch_indices(num_samples: int, batch_size: int, *, rng=None, shuffle: bool = True):
    """Yield the index arrays of one epoch's mini-batches.

    ``rng`` is a ``numpy.random.Generator`` (or an int seed, or ``None`` for seed 0);
    pass the same Generator epoch after epoch to get a new permutation each epoch that
    is still reproducible.  ``shuffle=False`` keeps the order 0, 1, ..., n-1.
    The concatenation of the yielded arrays is a permutation of ``range(num_samples)``.
    """
    num_samples, batch_size = check_int("num_samples", num_samples), check_int("batch_size", batch_size)
    if shuffle:
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(0 if rng is None else rng)
        order = rng.permutation(num_samples)
    else:
        order = np.arange(num_samples)
    for start in range(0, num_samples, batch_size):
        yield order[start:start + batch_size]


def minibatches(X, y, batch_size: int, *, rng=None, shuffle: bool = True):
    """Yield ``(X_batch, y_batch)`` pairs covering every sample of ``(X, y)`` once.

    ``X`` and ``y`` are arrays with the same first dimension (the samples).
    See :func:`batch_indices` for ``rng`` and ``shuffle``.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"Arguments `X` and `y` must have a sample axis; got shapes {X.shape} and {y.shape}.")
    if len(X) != len(y):
        raise ValueError(
            f"Arguments `X` and `y` must have the same number of samples; got {len(X)} and {len(y)}."
        )
    for idx in batch_indices(len(X), batch_size, rng=rng, shuffle=shuffle):
        yield X[idx], y[idx]


def load_digits(dtype="float32", standardize=True):
    """scikit-learn's 8x8 handwritten digits (1797 x 64 pixels) and their labels 0..9.

    With ``standardize`` each pixel becomes ``(x - mean) / std`` over the whole set;
    pixels that are always 0 stay 0 instead of dividing by a zero spread.  (A lesson
    that holds out a validation set standardizes with the training statistics instead:
    pass ``standardize=False``.)  Ships with scikit-learn: nothing is downloaded.
    """
    from sklearn.datasets import load_digits as _sklearn_digits

    x, y = _sklearn_digits(return_X_y=True)
    if standardize:
        std = x.std(axis=0)
        x = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return x.astype(dtype), y.astype(np.int64)


def load_breast_cancer(test_size=0.25, seed=0, dtype="float64"):
    """scikit-learn's breast-cancer set (569 x 30 features, labels 0/1), split and standardized.

    Returns ``X_train, X_test, y_train, y_test``: a stratified split with ``seed`` (as
    ``sklearn.model_selection.train_test_split``), then every feature standardized with the
    *training* mean and standard deviation (``StandardScaler`` fitted on the training part),
    so no information from the test part leaks into training.  Nothing is downloaded.
    """
    from sklearn.datasets import load_breast_cancer as _sklearn_breast_cancer
    from sklearn.model_selection import train_test_split

    check_fraction("test_size", test_size, low_inclusive=False)
    x, y = _sklearn_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=test_size, random_state=seed,
                                                        stratify=y)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)    # the training statistics only
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    return (x_train.astype(dtype), x_test.astype(dtype), y_train.astype(np.int64), y_test.astype(np.int64))


def adding_problem(n, T, rng):
    """The adding problem (Hochreiter & Schmidhuber, 1997), a classic test of long-range memory.

    Each of the ``n`` sequences has ``T`` steps with two features: a value v_t ~ U(0, 1)
    and a mark m_t in {0, 1}.  Exactly two steps are marked, one in the first half
    (t < T // 2) and one in the second, and the target is the sum of the two marked values:

        y = sum_t v_t m_t

    Returns ``X`` of shape (n, T, 2) (values, marks) and ``y`` of shape (n,), float64.
    ``rng`` is a ``numpy.random.Generator`` (an int seeds a new one).  Predicting the
    mean, 1, scores a mean squared error of 1/6: a model must remember the marked values.
    """
    n, T = check_int("n", n), check_int("T", T, minimum=2)
    rng = np.random.default_rng(rng)
    values = rng.uniform(0, 1, size=(n, T))
    marks = np.zeros((n, T))
    marks[np.arange(n), rng.integers(0, T // 2, size=n)] = 1   # one mark in the first half
    marks[np.arange(n), rng.integers(T // 2, T, size=n)] = 1   # one in the second half
    return np.stack([values, marks], axis=-1), (values * marks).sum(axis=1)
