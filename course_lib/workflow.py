"""The workflow's plumbing: one split into train / validation / test, standardization, a small MLP.

Notebook 10 and exercise set 10 use these so that every experiment starts from the same data
and the same recipe:

- :func:`split_data` -- a stratified split (``sklearn.model_selection.train_test_split`` twice,
  same ``random_state``), the test part wrapped in a :class:`course_lib.holdout.HeldOutSet`;
- :func:`standardize` -- ``z = (x - mean_train) / std_train`` with the *training* statistics only
  (``sklearn.preprocessing.StandardScaler``: population std, a zero std left as 1);
- :func:`build_mlp` / :func:`train_mlp` -- a one-hidden-layer :class:`course_lib.nn.Sequential`
  with a sigmoid (2 classes, binary cross-entropy) or softmax (K classes, sparse categorical
  cross-entropy) output, trained with Adam; every random choice comes from ``seed``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import nn, optimizers
from ._checks import check_fraction, check_int, check_positive
from .holdout import HeldOutSet

__all__ = ["Split", "split_data", "standardize", "build_mlp", "train_mlp", "accuracy"]


@dataclass
class Split:
    """Training and validation arrays, and the test set locked in a :class:`~course_lib.holdout.HeldOutSet`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    test: HeldOutSet

    @property
    def num_classes(self) -> int:
        """Number of classes (labels are 0 .. K-1)."""
        return int(self.y_train.max()) + 1


def split_data(X, y, *, test_size=0.2, val_size=0.2, seed=0, dtype="float32") -> Split:
    """Stratified train / validation / test split, standardized with the training statistics.

    ``test_size`` and ``val_size`` are fractions of the whole set.  The indices are those of
    ``train_test_split(..., stratify=y, random_state=seed)`` applied twice (test first).
    """
    from sklearn.model_selection import train_test_split

    test_size, val_size = check_fraction("test_size", test_size, False), check_fraction("val_size", val_size, False)
    if test_size + val_size >= 1:
        raise ValueError(f"Arguments `test_size` + `val_size` must be < 1. Received: {test_size} + {val_size}")
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    x_rest, x_test, y_rest, y_test = train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=val_size / (1 - test_size),
                                                      stratify=y_rest, random_state=seed)
    x_train, x_val, x_test = standardize(x_train, x_val, x_test)
    return Split(x_train.astype(dtype), y_train, x_val.astype(dtype), y_val,
                 HeldOutSet(x_test.astype(dtype), y_test))


def standardize(x_train, *others):
    """``(x - mean) / std`` per column, mean and std of ``x_train`` only; returns the list of arrays.

        mean_j = (1/n) sum_i x_ij,   std_j = sqrt((1/n) sum_i (x_ij - mean_j)^2)   (1 where it is 0)

    Using the other splits' statistics would leak them into training (StandardScaler's ``fit`` on train).
    """
    x_train = np.asarray(x_train, dtype=np.float64)
    mean = x_train.mean(axis=0)                         # mean_j
    std = x_train.std(axis=0)                           # population std, ddof=0, as StandardScaler
    std = np.where(std == 0, 1.0, std)                  # a constant column stays 0, not NaN
    return [(np.asarray(x, dtype=np.float64) - mean) / std for x in (x_train, *others)]


def build_mlp(num_features, num_classes, *, hidden=16, learning_rate=1e-3, weight_decay=None, seed=0):
    """A compiled MLP: Dense(hidden, relu) -> Dense(1, sigmoid) or Dense(K, softmax), Adam, with accuracy."""
    num_classes = check_int("num_classes", num_classes, minimum=2)
    binary = num_classes == 2
    model = nn.Sequential([nn.Dense(check_int("hidden", hidden), activation="relu"),
                           nn.Dense(1 if binary else num_classes, activation="sigmoid" if binary else "softmax")],
                          seed=seed)
    model.build(check_int("num_features", num_features))
    model.compile(optimizers.Adam(check_positive("learning_rate", learning_rate), weight_decay=weight_decay),
                  "binary_crossentropy" if binary else "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _targets(y, num_classes):
    """Binary labels as a float column (the sigmoid's shape); class indices as they are."""
    y = np.asarray(y)
    return y.reshape(-1, 1).astype("float32") if num_classes == 2 else y


def train_mlp(split: Split, *, learning_rate, epochs=60, batch_size=32, hidden=16, weight_decay=None,
              seed=0, callbacks=None, verbose=0):
    """Build an MLP with ``seed`` and train it on ``split`` (validation data for the logs); return (model, history)."""
    k = split.num_classes
    model = build_mlp(split.x_train.shape[1], k, hidden=hidden, learning_rate=learning_rate,
                      weight_decay=weight_decay, seed=seed)
    history = model.fit(split.x_train, _targets(split.y_train, k), batch_size=batch_size, epochs=epochs,
                        validation_data=(split.x_val, _targets(split.y_val, k)), seed=seed,
                        callbacks=callbacks, verbose=verbose)
    return model, history


def accuracy(model, x, y) -> float:
    """Fraction of correct predictions of a trained classifier (threshold 0.5 for one sigmoid output)."""
    p = model.predict(x)
    predicted = (p[:, 0] > 0.5).astype(int) if p.shape[1] == 1 else p.argmax(axis=1)
    return float(np.mean(predicted == np.asarray(y).reshape(-1)))
