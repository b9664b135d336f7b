"""Loss functions, written on :mod:`course_lib.autodiff` so their gradients come for free.

Each loss mirrors its ``keras.losses`` twin (Keras 3) number for number: same
formulas, same clipping of probabilities to ``[eps, 1 - eps]`` with
``eps = 1e-7`` (``keras.backend.epsilon()``), same handling of logits, same
reductions.  ``tests/test_losses.py`` checks value and gradient against Keras.

Two layers, as in Keras:

* functions (``mean_squared_error(y_true, y_pred)``, ...) return one loss per
  sample: the mean (or sum) over the last axis;
* classes (``MeanSquaredError(reduction="sum_over_batch_size")``, ...) call the
  function, multiply by ``sample_weight`` and reduce to a number:

      "sum_over_batch_size" / "mean":  L = sum_i w_i l_i / (number of l_i)
      "sum":                           L = sum_i w_i l_i
      "mean_with_sample_weight":       L = sum_i w_i l_i / sum_i w_i
      "none" / None:                   the vector w_i l_i

Inputs may be numpy arrays (the result is numpy) or autodiff Tensors (the
result is a Tensor, so ``loss.backward()`` gives d loss / d y_pred).  dtype
follows ``y_pred``: float32 stays float32.

Writing your own loss
---------------------
Write the per-sample formula with autodiff operations and subclass
:class:`Loss`; reductions, sample weights and gradients are inherited::

    from course_lib import autodiff as ad
    from course_lib.losses import Loss

    class MeanFourthPowerError(Loss):
        '''l = mean((y_pred - y_true)^4, axis=-1): punishes outliers even harder than MSE.'''
        def call(self, y_true, y_pred):
            return ad.mean((y_pred - y_true) ** 4, axis=-1)

    loss = MeanFourthPowerError()
    w = ad.Tensor(y_pred, requires_grad=True)
    loss(y_true, w).backward()      # w.grad holds d loss / d y_pred

Two worked examples follow this pattern: :class:`WeightedLoss` (per-class or
per-sample weights around any loss) and :class:`AsymmetricCostLoss` (a
regression loss where under-predicting costs more than over-predicting);
:class:`ExpectedCostLoss` is the classification version (a missed positive
costs more than a false alarm).
"""
from __future__ import annotations

import functools
import numbers

import numpy as np

from . import autodiff as ad
from ._names import snake_case
from .autodiff import Tensor, array_of

EPSILON = 1e-7  # keras.backend.epsilon(): probabilities are clipped to [EPSILON, 1 - EPSILON]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


# =============================================================================== input handling
def _to_tensor(x, name, dtype=None):
    """A constant Tensor of ``x``, cast to ``dtype``; refuses NaN (a silent NaN loss wastes a run)."""
    if isinstance(x, Tensor):
        t = x if dtype is None or x.dtype == dtype else x.astype(dtype)
    else:
        arr = np.asarray(x)
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        elif not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        t = Tensor(arr)
    if np.issubdtype(t.dtype, np.floating) and np.isnan(t.data).any():
        raise ValueError(f"{name} contains NaN (at flat positions {np.flatnonzero(np.isnan(t.data))[:5].tolist()}); "
                         "expected finite numbers.")
    return t


def _prepare(y_true, y_pred):
    """Tensors for both; y_true takes y_pred's dtype, as Keras casts it."""
    y_pred = _to_tensor(y_pred, "y_pred")
    y_true = _to_tensor(y_true, "y_true", dtype=y_pred.dtype)
    return y_true, y_pred


def _numpy_in_numpy_out(fn):
    """Let a loss function take numpy arrays or Tensors: numpy in -> numpy out."""
    @functools.wraps(fn)
    def wrapper(y_true, y_pred, *args, **kwargs):
        out = fn(y_true, y_pred, *args, **kwargs)
        if isinstance(y_true, Tensor) or isinstance(y_pred, Tensor):
            return out
        return out.data
    return wrapper


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rank fix-up: (batch,) next to (batch, 1) becomes (batch, 1) next to (batch, 1).

    If the ranks differ by one and the longer one ends in a size-1 axis, that axis is
    dropped (or, when the shorter one is 1-D, added to the shorter one).  Mirrors
    ``keras.src.losses.loss.squeeze_or_expand_to_same_rank``.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ad.reshape(x2, x2.shape + (1,))
        else:
            x1 = ad.reshape(x1, x1.shape[:-1])
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ad.reshape(x1, x1.shape + (1,))
        else:
            x2 = ad.reshape(x2, x2.shape[:-1])
    return x1, x2


def _same_shape(y_true, y_pred):
    """Prepare, fix ranks, and refuse shapes that would silently broadcast."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_prepare(y_true, y_pred))
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got y_true.shape={y_true.shape} "
            f"and y_pred.shape={y_pred.shape}."
        )
    return y_true, y_pred


def _const(value, like):
    """A Python number as a 0-d array of ``like``'s dtype (what Keras's casts give)."""
    return np.asarray(value, dtype=like.dtype)


# =============================================================================== regression
@_numpy_in_numpy_out
def mean_squared_error(y_true, y_pred):
    """l = mean((y_true - y_pred)^2, axis=-1).  Mirrors keras.losses.mean_squared_error."""
    y_true, y_pred = _same_shape(y_true, y_pred)
    return ad.mean(ad.square(y_true - y_pred), axis=-1)


@_numpy_in_numpy_out
def mean_absolute_error(y_true, y_pred):
    """l = mean(|y_true - y_pred|, axis=-1).  Mirrors keras.losses.mean_absolute_error."""
    y_true, y_pred = _same_shape(y_true, y_pred)
    return ad.mean(ad.abs(y_true - y_pred), axis=-1)


@_numpy_in_numpy_out
def huber(y_true, y_pred, delta=1.0):
    """Quadratic near zero, linear beyond ``delta``.  Mirrors keras.losses.huber.

    e = y_pred - y_true;  l = mean( 0.5 e^2             if |e| <= delta
                                    delta |e| - 0.5 delta^2  otherwise , axis=-1)
    """
    if not delta > 0:
        raise ValueError(f"delta must be > 0; got delta={delta}.")
    y_true, y_pred = _same_shape(y_true, y_pred)
    delta = _const(delta, y_pred)
    error = y_pred - y_true
    abs_error = ad.abs(error)
    half = _const(0.5, y_pred)
    return ad.mean(
        ad.where(abs_error.data <= delta, half * ad.square(error), delta * abs_error - half * (delta * delta)),
        axis=-1,
    )


@_numpy_in_numpy_out
def log_cosh(y_true, y_pred):
    """l = mean(log(cosh(e)), axis=-1), e = y_pred - y_true.  Mirrors keras.losses.log_cosh.

    Computed as  log cosh(e) = e + softplus(-2 e) - log 2,  which never overflows
    (cosh(e) itself overflows for |e| > 710).
    """
    y_true, y_pred = _same_shape(y_true, y_pred)
    # Keras computes log(2) in float32 and then casts it; we do the same so that
    # float64 results agree to the last bit.
    log2 = np.asarray(np.log(np.float32(2.0)), dtype=y_pred.dtype)
    e = y_pred - y_true
    return ad.mean(e + ad.softplus(e * -2.0) - log2, axis=-1)


# =============================================================================== hinge
def convert_binary_labels_to_hinge(y_true):
    """{0, 1} labels become {-1, +1} (y -> 2y - 1); labels already in {-1, +1} stay.

    Mirrors keras.src.losses.losses.convert_binary_labels_to_hinge.
    """
    data = y_true.data if isinstance(y_true, Tensor) else np.asarray(y_true)
    if np.all((data == 0) | (data == 1)):
        return 2.0 * y_true - 1.0
    return y_true


@_numpy_in_numpy_out
def hinge(y_true, y_pred):
    """l = mean(max(1 - y_true y_pred, 0), axis=-1), labels in {-1, +1} (or {0, 1}).

    Mirrors keras.losses.hinge.
    """
    y_true, y_pred = _same_shape(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ad.mean(ad.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@_numpy_in_numpy_out
def squared_hinge(y_true, y_pred):
    """l = mean(max(1 - y_true y_pred, 0)^2, axis=-1).  Mirrors keras.losses.squared_hinge."""
    y_true, y_pred = _same_shape(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ad.mean(ad.square(ad.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@_numpy_in_numpy_out
def categorical_hinge(y_true, y_pred):
    """l = max(neg - pos + 1, 0) with pos = sum(y_true y_pred), neg = max((1 - y_true) y_pred).

    The score of the true class must beat the best wrong class by a margin of 1.
    Mirrors keras.losses.categorical_hinge.
    """
    y_true, y_pred = _same_shape(y_true, y_pred)
    pos = ad.sum(y_true * y_pred, axis=-1)
    neg = ad.max((1.0 - y_true) * y_pred, axis=-1)
    return ad.maximum(neg - pos + 1.0, 0.0)


# =============================================================================== cross-entropies
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
    """Spread mass s over the K classes:  y <- y (1 - s) + s / K."""
    if label_smoothing:
        k = _const(y_true.shape[axis], y_true)  # Keras divides in the loss dtype
        return y_true * (1.0 - label_smoothing) + _const(label_smoothing, y_true) / k
    return y_true


def _check_smoothing(label_smoothing):
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"label_smoothing must be in [0, 1]; got label_smoothing={label_smoothing}.")


@_numpy_in_numpy_out
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """l = mean(-[y log p + (1 - y) log(1 - p)], axis).  Mirrors keras.losses.binary_crossentropy.

    ``from_logits=True``: y_pred is z with p = sigmoid(z), evaluated stably (never log(0)).
    Otherwise p = clip(y_pred, eps, 1 - eps).
    """
    _check_smoothing(label_smoothing)
    y_true, y_pred = _same_shape(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        per_element = _sigmoid_cross_entropy_with_logits(y_true, y_pred)
    else:
        per_element = _binary_crossentropy_from_probabilities(y_true, y_pred)
    return ad.mean(per_element, axis=axis)


@_numpy_in_numpy_out
def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy scaled down on easy examples (Lin et al., 2018).

    p_t = y p + (1 - y)(1 - p);  l = mean( a_t (1 - p_t)^gamma bce, axis )
    with a_t = alpha y + (1 - alpha)(1 - y) if apply_class_balancing else 1.
    Mirrors keras.losses.binary_focal_crossentropy.  With from_logits=True the
    cross-entropy term is computed from the logits (as Keras's TensorFlow backend
    does), the focal factor from p = sigmoid(z).
    """
    _check_smoothing(label_smoothing)
    y_true, y_pred = _same_shape(y_true, y_pred)
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


@_numpy_in_numpy_out
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """l = -sum_k y_k log p_k over ``axis``.  Mirrors keras.losses.categorical_crossentropy.

    ``from_logits=True``: log p = log_softmax(z) (stable).  Otherwise p is renormalised
    to sum to 1 and clipped to [eps, 1 - eps].
    """
    _check_smoothing(label_smoothing)
    y_true, y_pred = _same_shape(y_true, y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing, axis)
    if from_logits:
        return -ad.sum(y_true * ad.log_softmax(y_pred, axis=axis), axis=axis)
    output = y_pred / ad.sum(y_pred, axis=axis, keepdims=True)
    output = ad.clip(output, EPSILON, 1.0 - EPSILON)
    return -ad.sum(y_true * ad.log(output), axis=axis)


@_numpy_in_numpy_out
def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """l = sum_k alpha (1 - p_k)^gamma (-y_k log p_k) over ``axis``.

    p is softmax(z) when from_logits, then renormalised and clipped to [eps, 1 - eps].
    ``alpha`` may be a number or one weight per class.  Mirrors
    keras.losses.categorical_focal_crossentropy.
    """
    _check_smoothing(label_smoothing)
    y_true, y_pred = _same_shape(y_true, y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing, axis)
    if from_logits:
        y_pred = ad.softmax(y_pred, axis=axis)
    output = y_pred / ad.sum(y_pred, axis=axis, keepdims=True)
    output = ad.clip(output, EPSILON, 1.0 - EPSILON)
    cce = -y_true * ad.log(output)
    alpha = alpha if isinstance(alpha, numbers.Number) else np.asarray(alpha, dtype=output.dtype)
    weighting = ad.power(1.0 - output, gamma) * alpha
    return ad.sum(weighting * cce, axis=axis)


@_numpy_in_numpy_out
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """l = -log p_{y}, with integer labels y (one per sample).  Mirrors
    keras.losses.sparse_categorical_crossentropy.

    Probabilities are clipped to [eps, 1 - eps] and, as in Keras, renormalised
    through a log-softmax of their logs: l = -log(p_y / sum_k p_k).
    """
    if axis not in (-1, len(np.shape(array_of(y_pred))) - 1):
        raise ValueError(f"only the last axis is supported (as in Keras); got axis={axis}.")
    y_pred = _to_tensor(y_pred, "y_pred")
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


# =============================================================================== reduction
def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {list(REDUCTIONS)}; got reduction={reduction!r}.")
    return reduction


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Multiply per-sample losses by ``sample_weight`` and reduce (see the module docstring).

    Mirrors keras.src.losses.loss.reduce_weighted_values.
    """
    _check_reduction(reduction)
    values = values if isinstance(values, Tensor) else Tensor(values)
    weight_sum = None
    if sample_weight is not None:
        sw = _to_tensor(sample_weight, "sample_weight", dtype=values.dtype)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        try:
            np.broadcast_shapes(values.shape, sw.shape)
        except ValueError:
            raise ValueError(
                f"sample_weight.shape={np.shape(array_of(sample_weight))} does not fit the per-sample "
                f"losses of shape {values.shape}; expected one weight per sample."
            ) from None
        values = values * sw
        weight_sum = np.sum(sw.data)
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = ad.sum(values)
    if reduction == "sum":
        return loss
    divisor = weight_sum if reduction == "mean_with_sample_weight" and weight_sum is not None else values.size
    divisor = np.asarray(divisor, dtype=values.dtype)
    return loss / divisor if divisor != 0 else loss * 0  # divide_no_nan, as Keras


def class_weight_to_sample_weight(y, class_weight, dtype=np.float32):
    """Per-sample weights from a ``{class_id: weight}`` dict, as ``model.fit(class_weight=...)``.

    y holds class ids (shape (n,) or (n, 1)) or one-hot rows (shape (n, k): argmax);
    classes missing from the dict get weight 1.  float32, like Keras's floatx, by default.
    Mirrors keras.src.trainers.data_adapters.data_adapter_utils.class_weight_to_sample_weights.
    """
    if not isinstance(class_weight, dict):
        raise TypeError(f"class_weight must be a dict {{class_id: weight}}; got {type(class_weight).__name__}.")
    y = np.asarray(array_of(y))
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    y = np.round(y).astype(np.int64)
    return np.array([class_weight.get(int(c), 1.0) for c in y], dtype=dtype)


# =============================================================================== classes
class Loss:
    """Base class: subclasses define ``call(y_true, y_pred)`` -> per-sample losses.

    ``loss(y_true, y_pred, sample_weight=None)`` applies weights and the reduction.
    Mirrors keras.losses.Loss.
    """

    def __init__(self, reduction="sum_over_batch_size", name=None):
        self.reduction = _check_reduction(reduction)
        self.name = name or snake_case(type(self).__name__)

    def __call__(self, y_true, y_pred, sample_weight=None):
        numpy_in = not (isinstance(y_true, Tensor) or isinstance(y_pred, Tensor))
        y_pred = _to_tensor(y_pred, "y_pred")
        values = self.call(y_true, y_pred)
        out = reduce_weighted_values(values, sample_weight, self.reduction)
        return out.data if numpy_in else out

    def call(self, y_true, y_pred):
        raise NotImplementedError("subclasses of Loss implement call(y_true, y_pred) -> per-sample losses")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class LossFunctionWrapper(Loss):
    """A :class:`Loss` from a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Mirrors keras.losses.LossFunctionWrapper.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, **kwargs):
        super().__init__(reduction=reduction, name=name or getattr(fn, "__name__", None))
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


def _wrapper_class(fn, keras_name, doc_extra="", **defaults):
    """Build the Keras-named class around ``fn`` (keyword defaults = Keras's)."""
    names = list(defaults)

    def __init__(self, *args, reduction="sum_over_batch_size", name=None, **kwargs):
        if len(args) > len(names):
            raise TypeError(f"{keras_name} takes at most {len(names)} positional hyperparameters {names}.")
        unknown = set(kwargs) - set(names)
        if unknown:
            raise TypeError(f"{keras_name} got unknown arguments {sorted(unknown)}; expected {names}.")
        params = {**defaults, **dict(zip(names, args)), **kwargs}
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name or fn.__name__, **params)
        for k, v in params.items():
            setattr(self, k, v)

    signature = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    doc = (f"Reduced {fn.__name__} (see that function for the formula).  Mirrors keras.losses.{keras_name}.\n\n"
           f"    {keras_name}({signature}{', ' if signature else ''}reduction=\"sum_over_batch_size\")\n"
           + doc_extra)
    return type(keras_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


MeanSquaredError = _wrapper_class(mean_squared_error, "MeanSquaredError")
MeanAbsoluteError = _wrapper_class(mean_absolute_error, "MeanAbsoluteError")
Huber = _wrapper_class(huber, "Huber", delta=1.0)
LogCosh = _wrapper_class(log_cosh, "LogCosh")
Hinge = _wrapper_class(hinge, "Hinge")
SquaredHinge = _wrapper_class(squared_hinge, "SquaredHinge")
CategoricalHinge = _wrapper_class(categorical_hinge, "CategoricalHinge")
BinaryCrossentropy = _wrapper_class(binary_crossentropy, "BinaryCrossentropy",
                                    from_logits=False, label_smoothing=0.0, axis=-1)
BinaryFocalCrossentropy = _wrapper_class(
    binary_focal_crossentropy, "BinaryFocalCrossentropy", apply_class_balancing=False, alpha=0.25,
    gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalCrossentropy = _wrapper_class(categorical_crossentropy, "CategoricalCrossentropy",
                                         from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalFocalCrossentropy = _wrapper_class(
    categorical_focal_crossentropy, "CategoricalFocalCrossentropy", alpha=0.25, gamma=2.0,
    from_logits=False, label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _wrapper_class(sparse_categorical_crossentropy,
                                               "SparseCategoricalCrossentropy", from_logits=False, axis=-1)


# =============================================================================== worked examples
class WeightedLoss(Loss):
    """Any loss with per-class and/or per-sample weights: worked example of a custom loss.

    L = reduce( w_i * l_i ),  w_i = class_weight[class of sample i] * sample_weight_i
    (classes missing from ``class_weight`` weigh 1).  This is what
    ``model.fit(class_weight=...)`` does in Keras, packaged as a loss, e.g. to make a
    rare positive class count 10 times:  WeightedLoss(BinaryCrossentropy(), {0: 1, 1: 10}).
    The reduction is the wrapped loss's.
    """

    def __init__(self, loss, class_weight=None, name=None):
        loss = get(loss) if isinstance(loss, str) else loss
        if not isinstance(loss, Loss):
            raise TypeError(f"loss must be a course_lib.losses.Loss (or its name); got {type(loss).__name__}.")
        super().__init__(reduction=loss.reduction, name=name or f"weighted_{loss.name}")
        self.loss = loss
        self.class_weight = class_weight

    def __call__(self, y_true, y_pred, sample_weight=None):
        weights = sample_weight
        if self.class_weight is not None:
            dt = np.asarray(array_of(y_pred)).dtype  # y_pred may be a list
            dtype = dt if np.issubdtype(dt, np.floating) else np.float64
            weights = class_weight_to_sample_weight(y_true, self.class_weight, dtype=dtype)
            if sample_weight is not None:
                weights = weights * np.asarray(array_of(sample_weight), dtype=dtype).reshape(weights.shape)
        return self.loss(y_true, y_pred, sample_weight=weights)

    def get_config(self):
        return {**super().get_config(), "loss": repr(self.loss), "class_weight": self.class_weight}


def _check_costs(**costs):
    for arg, value in costs.items():
        if not value >= 0:
            raise ValueError(f"{arg} must be >= 0; got {arg}={value}.")


class AsymmetricCostLoss(Loss):
    """Regression loss priced in money: under- and over-prediction cost differently.

    e = y_true - y_pred;  l = mean( under_cost * max(e, 0) + over_cost * max(-e, 0), axis=-1 )

    Example: stocking a shop, a missing item (under-prediction) loses a sale worth 5,
    an unsold one (over-prediction) costs 1 to store: AsymmetricCostLoss(5.0, 1.0).
    Its minimiser is the under_cost / (under_cost + over_cost) quantile of y (here
    the 5/6 quantile), not the mean: the model learns to over-stock.  With equal
    costs it is a scaled MAE.  No Keras twin (Keras's closest is a custom loss).
    """

    def __init__(self, under_cost=1.0, over_cost=1.0, reduction="sum_over_batch_size", name=None):
        _check_costs(under_cost=under_cost, over_cost=over_cost)
        super().__init__(reduction=reduction, name=name)
        self.under_cost, self.over_cost = under_cost, over_cost

    def call(self, y_true, y_pred):
        y_true, y_pred = _same_shape(y_true, y_pred)
        error = y_true - y_pred
        return ad.mean(self.under_cost * ad.relu(error) + self.over_cost * ad.relu(-error), axis=-1)

    def get_config(self):
        return {**super().get_config(), "under_cost": self.under_cost, "over_cost": self.over_cost}


class ExpectedCostLoss(Loss):
    """Binary classification priced in money: a missed positive and a false alarm cost differently.

    With p = P(y = 1) predicted:
    l = mean( false_negative_cost * y (1 - p) + false_positive_cost * (1 - y) p, axis=-1 )
    the expected cost of acting on p.  Example: fraud detection where a missed fraud
    costs 100 and checking a legitimate payment costs 1.  Gradients push p up on
    positives 100 times harder than down on negatives.  Unlike cross-entropy it is
    bounded, so a few confidently wrong samples do not dominate.  No Keras twin.
    """

    def __init__(self, false_negative_cost=1.0, false_positive_cost=1.0, from_logits=False,
                 reduction="sum_over_batch_size", name=None):
        _check_costs(false_negative_cost=false_negative_cost, false_positive_cost=false_positive_cost)
        super().__init__(reduction=reduction, name=name)
        self.false_negative_cost, self.false_positive_cost = false_negative_cost, false_positive_cost
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        y_true, y_pred = _same_shape(y_true, y_pred)
        p = ad.sigmoid(y_pred) if self.from_logits else y_pred
        cost = self.false_negative_cost * y_true * (1 - p) + self.false_positive_cost * (1 - y_true) * p
        return ad.mean(cost, axis=-1)

    def get_config(self):
        return {**super().get_config(), "false_negative_cost": self.false_negative_cost,
                "false_positive_cost": self.false_positive_cost, "from_logits": self.from_logits}


# =============================================================================== get
_FUNCTIONS = [mean_squared_error, mean_absolute_error, huber, log_cosh, hinge, squared_hinge,
              categorical_hinge, binary_crossentropy, binary_focal_crossentropy,
              categorical_crossentropy, categorical_focal_crossentropy, sparse_categorical_crossentropy]
_CLASSES = [MeanSquaredError, MeanAbsoluteError, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge,
            BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
            CategoricalFocalCrossentropy, SparseCategoricalCrossentropy]
_ALIASES = {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
            "MAE": mean_absolute_error, "bce": binary_crossentropy, "BCE": binary_crossentropy}
_BY_NAME = {**{f.__name__: f for f in _FUNCTIONS}, **{c.__name__: c for c in _CLASSES}, **_ALIASES}


def get(identifier):
    """A loss from its Keras name, as keras.losses.get.

    Function names and aliases ("mse", "mean_squared_error", "binary_crossentropy", "bce")
    give the per-sample function; class names ("MeanSquaredError") give an instance with
    default settings.  A Loss or any callable is returned unchanged; None gives None.
    """
    if identifier is None or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss {identifier!r}. Valid names: {sorted(_BY_NAME)}.")
        found = _BY_NAME[identifier]
        return found() if isinstance(found, type) else found
    raise TypeError(f"Could not interpret loss identifier {identifier!r}: expected a name or a callable.")
