"""Cross-entropy losses: how surprised a probabilistic classifier is by the true label.

    BinaryCrossentropy             l = -mean[y log p + (1 - y) log(1 - p)]      one or more yes/no labels
    BinaryFocalCrossentropy        the same, scaled by (1 - p_t)^gamma: easy examples count less
    CategoricalCrossentropy        l = -sum_k y_k log p_k                        one-hot labels
    CategoricalFocalCrossentropy   the same, scaled by alpha (1 - p_k)^gamma
    SparseCategoricalCrossentropy  l = -log p_y                                  integer labels

With ``from_logits=True`` the prediction is a score z (p = sigmoid(z) or softmax(z)) and the
loss is computed stably from it; otherwise probabilities are clipped to [eps, 1 - eps].
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import autodiff as ad
from .._checks import check_fraction
from ..autodiff import array_of
from ._inputs import EPSILON, const, numpy_in_numpy_out, same_shape, to_tensor
from .base import LossFunctionWrapper

__all__ = ["binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
           "categorical_focal_crossentropy", "sparse_categorical_crossentropy",
           "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
           "CategoricalFocalCrossentropy", "SparseCategoricalCrossentropy"]


# ------------------------------------------------------------------------------ functions
def _sigmoid_cross_entropy_with_logits(labels, logits):
    """-[y log s(z) + (1 - y) log(1 - s(z))] written as  max(z, 0) - z y + log(1 + e^-|z|).

    Finite for any logit.  The same expression (and the same branch at z = 0) as
    tf.nn.sigmoid_cross_entropy_with_logits, which Keras uses.
    """
    positive = logits.data >= 0
    relu_logits = ad.where(positive, logits, 0.0)
    neg_abs_logits = ad.where(positive, -logits, logits)
    return relu_logits - logits * labels + ad.log1p(ad.exp(neg_abs_logits))


def _binary_crossentropy_from_probabilities(target, output):
    """-[y log p + (1 - y) log(1 - p)] with p clipped to [eps, 1 - eps] (so log(0) never happens)."""
    output = ad.clip(output, EPSILON, 1.0 - EPSILON)
    bce = target * ad.log(output) + (1 - target) * ad.log(1 - output)
    return -bce


def _smooth_binary(y_true, label_smoothing):
    """Squeeze labels toward 0.5:  y <- y (1 - s) + s / 2."""
    if label_smoothing:
        return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return y_true


def _smooth_categorical(y_true, label_smoothing, axis):
    """Spread mass s over the K classes:  y <- y (1 - s) + s / K,  K = y_true.shape[axis].

    K is the number of classes, i.e. the size of the class axis ``axis``.  Keras divides
    by the size of the *last* axis whatever ``axis`` is (``ops.shape(y_true)[-1]``), so
    with ``axis != -1`` its smoothed labels no longer sum to 1 over the classes.  We keep
    the size of ``axis`` (the smoothed row then sums to 1, as label smoothing is defined);
    the difference is registered in ``course_lib.keras_check.KNOWN_DIFFERENCES``.
    """
    if label_smoothing:
        k = const(y_true.shape[axis], y_true)  # Keras divides in the loss dtype
        return y_true * (1.0 - label_smoothing) + const(label_smoothing, y_true) / k
    return y_true


@numpy_in_numpy_out
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """l = mean(-[y log p + (1 - y) log(1 - p)], axis).  Mirrors keras.losses.binary_crossentropy.

    ``from_logits=True``: y_pred is z with p = sigmoid(z), evaluated stably (never log(0)).
    Otherwise p = clip(y_pred, eps, 1 - eps).
    """
    check_fraction("label_smoothing", label_smoothing, high_inclusive=True)
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        per_element = _sigmoid_cross_entropy_with_logits(y_true, y_pred)
    else:
        per_element = _binary_crossentropy_from_probabilities(y_true, y_pred)
    return ad.mean(per_element, axis=axis)


@numpy_in_numpy_out
def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy scaled down on easy examples (Lin et al., 2018).

    p_t = y p + (1 - y)(1 - p);  l = mean( a_t (1 - p_t)^gamma bce, axis )
    with a_t = alpha y + (1 - alpha)(1 - y) if apply_class_balancing else 1.
    Mirrors keras.losses.binary_focal_crossentropy.  With from_logits=True the
    cross-entropy term is computed from the logits (as Keras's TensorFlow backend
    does), the focal factor from p = sigmoid(z).
    """
    check_fraction("label_smoothing", label_smoothing, high_inclusive=True)
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        bce = _sigmoid_cross_entropy_with_logits(y_true, y_pred)
        y_pred = ad.sigmoid(y_pred)
    else:
        bce = _binary_crossentropy_from_probabilities(y_true, y_pred)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = ad.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return ad.mean(focal_bce, axis=axis)


@numpy_in_numpy_out
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """l = -sum_k y_k log p_k over ``axis``.  Mirrors keras.losses.categorical_crossentropy.

    ``from_logits=True``: log p = log_softmax(z) (stable).  Otherwise p is renormalised
    to sum to 1 and clipped to [eps, 1 - eps].

    The gradient with logits is the true derivative,

        dl/dz_k = p_k * sum_j y_j - y_k,

    which is the familiar softmax - y only when each label row sums to 1.  TensorFlow's
    fused ``softmax_cross_entropy_with_logits`` (what Keras calls on that backend) returns
    softmax - y for every label row: same loss value, a different gradient when the labels
    do not sum to 1 (e.g. y = [1, 1, 0], z = [1, 2, 3]: ours [-0.820, -0.511, 1.330], TF's
    [-0.910, -0.755, 0.665]).  JAX and PyTorch backends differentiate the formula and agree
    with us.  We keep the true derivative; ``keras_check.KNOWN_DIFFERENCES`` reports both.

    ``label_smoothing`` divides by the size of ``axis`` (the number of classes); Keras
    divides by the size of the last axis, which differs when ``axis != -1``
    (see :func:`_smooth_categorical`).
    """
    check_fraction("label_smoothing", label_smoothing, high_inclusive=True)
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing, axis)
    if from_logits:
        return -ad.sum(y_true * ad.log_softmax(y_pred, axis=axis), axis=axis)
    output = y_pred / ad.sum(y_pred, axis=axis, keepdims=True)
    output = ad.clip(output, EPSILON, 1.0 - EPSILON)
    return -ad.sum(y_true * ad.log(output), axis=axis)


@numpy_in_numpy_out
def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """l = sum_k alpha (1 - p_k)^gamma (-y_k log p_k) over ``axis``.

    p is softmax(z) when from_logits, then renormalised and clipped to [eps, 1 - eps].
    ``alpha`` may be a number or one weight per class.  Mirrors
    keras.losses.categorical_focal_crossentropy, except that ``label_smoothing`` divides
    by the size of ``axis`` (Keras: of the last axis; see :func:`_smooth_categorical`).
    """
    check_fraction("label_smoothing", label_smoothing, high_inclusive=True)
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing, axis)
    if from_logits:
        y_pred = ad.softmax(y_pred, axis=axis)
    output = y_pred / ad.sum(y_pred, axis=axis, keepdims=True)
    output = ad.clip(output, EPSILON, 1.0 - EPSILON)
    cce = -y_true * ad.log(output)
    alpha = alpha if isinstance(alpha, numbers.Number) else np.asarray(alpha, dtype=output.dtype)
    weighting = ad.power(1.0 - output, gamma) * alpha
    return ad.sum(weighting * cce, axis=axis)


@numpy_in_numpy_out
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """l = -log p_{y}, with integer labels y (one per sample).  Mirrors
    keras.losses.sparse_categorical_crossentropy.

    Probabilities are clipped to [eps, 1 - eps] and, as in Keras, renormalised
    through a log-softmax of their logs: l = -log(p_y / sum_k p_k).
    """
    if axis not in (-1, len(np.shape(array_of(y_pred))) - 1):
        raise ValueError(f"only the last axis is supported (as in Keras); got axis={axis}.")
    y_pred = to_tensor(y_pred, "y_pred")
    labels = np.asarray(array_of(y_true))
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            "y_true must hold one integer label per row of y_pred; got "
            f"y_true.shape={np.shape(array_of(y_true))} and y_pred.shape={y_pred.shape}."
        )
    num_classes = y_pred.shape[-1]
    if labels.size and (np.any(labels != np.round(labels)) or labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"y_true must hold integer class ids in [0, {num_classes}); "
                         f"got values from {labels.min()} to {labels.max()}.")
    labels = labels.astype(np.int64)
    logits = y_pred if from_logits else ad.log(ad.clip(y_pred, EPSILON, 1.0 - EPSILON))
    log_p = ad.reshape(ad.log_softmax(logits, axis=-1), (-1, num_classes))
    picked = log_p[np.arange(labels.size), labels.ravel()]
    return -ad.reshape(picked, labels.shape)


# ------------------------------------------------------------------------------ classes
class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy, reduced over the batch.  Mirrors keras.losses.BinaryCrossentropy.

        y <- y (1 - s) + s / 2                                 (label_smoothing s)
        l_i = mean_k -[y_ik log p_ik + (1 - y_ik) log(1 - p_ik)]    (:func:`binary_crossentropy`)
        L   = reduction_i(w_i l_i)

    ``from_logits=True``: y_pred is z and p = sigmoid(z), evaluated stably.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy"):
        super().__init__(binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy, reduced.  Mirrors keras.losses.BinaryFocalCrossentropy.

        p_t = y p + (1 - y)(1 - p);   a_t = alpha y + (1 - alpha)(1 - y)  (if apply_class_balancing, else 1)
        l_i = mean_k a_t (1 - p_t)^gamma bce_ik              (:func:`binary_focal_crossentropy`)
        L   = reduction_i(w_i l_i)

    ``gamma`` = 0 gives back the binary cross-entropy (times a_t).
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy"):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy, reduced.  Mirrors keras.losses.CategoricalCrossentropy.

        y <- y (1 - s) + s / K                                 (label_smoothing s, K classes)
        l_i = -sum_k y_ik log p_ik                             (:func:`categorical_crossentropy`)
        L   = reduction_i(w_i l_i)

    ``from_logits=True``: log p = log_softmax(z).  Labels are one-hot (or soft) rows.
    Two known, kept differences from Keras on TensorFlow (the gradient for label rows that
    do not sum to 1; label smoothing along ``axis != -1``): see :func:`categorical_crossentropy`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy"):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy, reduced.  Mirrors keras.losses.CategoricalFocalCrossentropy.

        l_i = sum_k alpha (1 - p_ik)^gamma (-y_ik log p_ik)    (:func:`categorical_focal_crossentropy`)
        L   = reduction_i(w_i l_i)

    ``alpha`` is a number or one weight per class.
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy"):
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name,
                         alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with integer labels, reduced.  Mirrors keras.losses.SparseCategoricalCrossentropy.

        l_i = -log p_i,y_i                                     (:func:`sparse_categorical_crossentropy`)
        L   = reduction_i(w_i l_i)

    Keras's ``ignore_class`` is not supported; ``axis`` must be the last axis.
    """

    def __init__(self, from_logits=False, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, axis=axis)
