"""References for ``exercises/08_overfitting_and_high_dimensionality.ipynb``: the L1 proximal step, PCA's
explained-variance ratio, an early-stopping decision, inverted dropout, and the recognised mistakes.

Every expected value comes from :mod:`course_lib.proximal` (equal to scikit-learn's Lasso),
:mod:`course_lib.pca` (equal to ``sklearn.decomposition.PCA``), :mod:`course_lib.callbacks`
(``keras.callbacks.EarlyStopping``'s decisions) and :mod:`course_lib.overfitting` (``keras.layers.Dropout``).
The ``MISTAKE_*`` functions compute what a known wrong answer returns, so the checks can name the mistake.
"""
import numpy as np

from course_lib import callbacks
from course_lib.classroom.feedback import Case
from course_lib.overfitting import inverted_dropout as _inverted_dropout
from course_lib.pca import PCA
from course_lib.proximal import soft_threshold as _soft_threshold


def soft_threshold(v, threshold):
    """sign(v) * max(|v| - threshold, 0), elementwise."""
    return _soft_threshold(np.asarray(v, dtype=float), threshold)


def explained_variance_ratio(X):
    """Fraction of the total variance along each principal direction, largest first (all components)."""
    return PCA().fit(np.asarray(X, dtype=float)).explained_variance_ratio_


class _Holder:
    """The part of a model EarlyStopping touches: stop_training, and weights to snapshot (none here)."""

    stop_training = False

    def get_weights(self):
        return []

    def set_weights(self, weights):
        pass


def early_stopping(val_losses, patience):
    """(epochs run, best epoch) for EarlyStopping(monitor="val_loss", patience, min_delta=0), epochs from 0."""
    callback = callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    callback.set_model(_Holder())
    callback.on_train_begin()
    epochs_run = len(val_losses)
    for epoch, value in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": value})
        if callback.model.stop_training:
            epochs_run = epoch + 1
            break
    return epochs_run, callback.best_epoch


def inverted_dropout(x, keep_mask, rate):
    """x * keep_mask / (1 - rate)."""
    return _inverted_dropout(np.asarray(x, dtype=float), np.asarray(keep_mask), rate)


# ----------------------------------------------------------------- recognised mistakes
def mistake_shrink_without_clip(v, threshold):
    """Shrinks every coordinate towards 0 but lets small ones cross it: v - threshold * sign(v)."""
    v = np.asarray(v, dtype=float)
    return v - threshold * np.sign(v)


def mistake_hard_threshold(v, threshold):
    """Zeroes small coordinates but does not shrink the others (hard-thresholding)."""
    v = np.asarray(v, dtype=float)
    return np.where(np.abs(v) > threshold, v, 0.0)


def mistake_not_centred(X):
    """SVD of X itself, without subtracting the column means."""
    S = np.linalg.svd(np.asarray(X, dtype=float), compute_uv=False)
    return S ** 2 / np.sum(S ** 2)


def mistake_singular_values(X):
    """Singular values instead of their squares (S / sum S)."""
    X = np.asarray(X, dtype=float)
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    return S / np.sum(S)


def mistake_patience_plus_one(val_losses, patience):
    """Waits one epoch too long (stops when more than `patience` epochs passed without improvement)."""
    return early_stopping(val_losses, patience + 1)


def mistake_last_epoch(val_losses, patience):
    """Reports the last epoch run as the best one (what training to the end without restoring keeps)."""
    run, _ = early_stopping(val_losses, patience)
    return run, run - 1


def mistake_multiply_keep(x, keep_mask, rate):
    """Scales by (1 - rate) instead of dividing by it (the old, non-inverted dropout at inference)."""
    return np.asarray(x, dtype=float) * np.asarray(keep_mask) * (1 - rate)


def mistake_no_scaling(x, keep_mask, rate):
    """Drops units but does not scale the kept ones."""
    return np.asarray(x, dtype=float) * np.asarray(keep_mask)


SOFT_THRESHOLD_MISTAKES = [
    (mistake_shrink_without_clip, "you shrink every coordinate by the threshold, so small ones cross zero to the "
                                  "other side; a coordinate with |v| <= threshold must become exactly 0"),
    (mistake_hard_threshold, "you zero the small coordinates but leave the large ones as they were; "
                             "the proximal step also shrinks those by the threshold"),
]
EVR_MISTAKES = [
    (mistake_not_centred, "these are the ratios of the SVD of X itself: PCA describes spread around the mean, "
                          "so subtract each column's mean first"),
    (mistake_singular_values, "you normalised the singular values; the variance along a direction is the "
                              "*square* of its singular value"),
]
EARLY_STOPPING_MISTAKES = [
    (mistake_patience_plus_one, "you stop one epoch late: training stops as soon as `patience` epochs in a row "
                                "brought no improvement"),
    (mistake_last_epoch, "you return the last epoch as the best one; restore_best_weights keeps the epoch with "
                         "the lowest validation loss"),
]
DROPOUT_MISTAKES = [
    (mistake_multiply_keep, "you multiply by (1 - rate); inverted dropout divides by it, so the kept units grow"),
    (mistake_no_scaling, "you drop units but do not rescale the kept ones, so the expected output shrinks"),
]

SOFT_THRESHOLD_CASES = [
    Case(np.array([3.0, -3.0, 0.5, -0.5, 0.0]), 1.0, label="both signs, inside and outside the threshold"),
    Case(np.array([0.2, -1.7, 4.0]), 0.0, label="threshold 0: nothing changes"),
    Case(np.array([[1.5, -0.2], [-2.5, 0.9]]), 1.0, label="a 2-D array, elementwise"),
    Case(np.array([1.0, -1.0]), 1.0, label="exactly at the threshold: 0"),
]
_rng = np.random.default_rng(8)
EVR_CASES = [
    Case(np.array([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]]), label="two axes, variances 8/3 and 2/3"),
    Case(_rng.normal(size=(30, 4)) * np.array([3.0, 1.0, 0.5, 0.1]) + 5.0, label="data far from the origin"),
    Case(_rng.normal(size=(6, 10)), label="more features than samples"),
]
EARLY_STOPPING_CASES = [
    Case([1.0, 0.8, 0.7, 0.6, 0.5], 2, label="always improving: runs to the end"),
    Case([1.0, 0.8, 0.9, 0.95, 0.97, 0.5], 3, label="stops after 3 epochs without improvement"),
    Case([0.5, 0.6, 0.7], 0, label="patience 0: stops at the first epoch without improvement"),
    Case([0.9, 0.7, 0.75, 0.65, 0.66, 0.67, 0.68, 0.6], 3, label="an improvement resets the count"),
]
DROPOUT_CASES = [
    Case(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 0, 1, 0]), 0.5, label="rate 0.5: kept units doubled"),
    Case(np.ones((2, 3)), np.array([[1, 1, 0], [1, 1, 1]]), 0.25, label="rate 0.25"),
    Case(np.array([2.0, -1.0]), np.array([1, 1]), 0.0, label="rate 0: nothing changes"),
]

# Task 5 (prediction): the proximal step below, how many weights end exactly at zero?
PREDICT_W = np.array([0.05, -0.3, 1.2, -0.02, 0.15, -2.0, 0.08, 0.0, 0.6, -0.11])
PREDICT_GRAD = np.array([0.5, -1.0, 2.0, 0.1, 1.0, -3.0, 0.0, 0.2, 1.0, -0.5])
PREDICT_LR, PREDICT_L1 = 0.1, 1.0


def predicted_zeros():
    """Exact zeros after soft_threshold(w - lr * grad, lr * l1) on the task's numbers."""
    return int(np.sum(soft_threshold(PREDICT_W - PREDICT_LR * PREDICT_GRAD, PREDICT_LR * PREDICT_L1) == 0))
