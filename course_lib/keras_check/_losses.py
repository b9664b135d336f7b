"""Our losses next to keras.losses: value and gradient with respect to y_pred."""
from __future__ import annotations

import numpy as np

from ._autodiff import backend_value_and_grad
from ._known import known_difference
from ._table import Comparison, absdiff


def keras_loss_like(ours, dtype="float32"):
    """The keras.losses twin of one of our Keras-named losses, with the same settings."""
    import keras

    cls = getattr(keras.losses, type(ours).__name__, None)
    if cls is None:
        raise ValueError(f"{type(ours).__name__} has no keras.losses twin; pass keras_loss= explicitly.")
    config = {k: v for k, v in ours.get_config().items() if k != "name"}
    return cls(**config, dtype=str(np.dtype(dtype)))


def compare_loss(ours, keras_loss, y_true, y_pred, sample_weight=None, name=None):
    """Evaluate a loss and its Keras twin on the same data; compare value and d loss / d y_pred.

    ``ours`` is a ``course_lib.losses`` object; ``keras_loss`` a ``keras.losses`` object
    (``None``: built from ``ours`` with :func:`keras_loss_like` in y_pred's dtype).
    Returns a :class:`Comparison` with rows ``"value"`` (max |value difference|) and
    ``"gradient"`` (max |gradient difference|).  With reduction="none" the gradient is that of the summed
    losses.  The value runs through the public Keras API on any backend; the gradient
    comes from the active backend (tf.GradientTape, or jax.vjp with KERAS_BACKEND=jax).
    """
    from course_lib.autodiff import Tensor

    y_pred = np.asarray(y_pred)
    if keras_loss is None:
        keras_loss = keras_loss_like(ours, y_pred.dtype)

    yp = Tensor(y_pred.copy(), requires_grad=True)
    out = ours(y_true, yp, sample_weight=sample_weight)
    out.backward(np.ones_like(out.data))
    ours_grad = yp.grad if yp.grad is not None else np.zeros_like(y_pred)

    theirs_value, (theirs_grad,) = backend_value_and_grad(
        lambda p: keras_loss(y_true, p, sample_weight=sample_weight), [y_pred]
    )
    rows = [("value", absdiff(out.data, theirs_value)), ("gradient", absdiff(ours_grad, theirs_grad))]
    return Comparison(name or getattr(ours, "name", type(ours).__name__), str(y_pred.dtype), rows)


# ------------------------------------------------------------------------------ kept differences
@known_difference(
    "CategoricalCrossentropy", "from_logits=True, y_true=[[1, 1, 0]] (does not sum to 1), z=[[1, 2, 3]]: d loss/dz",
    "TensorFlow's fused softmax_cross_entropy_with_logits returns softmax(z) - y, the derivative only when the "
    "labels sum to 1; ours is the true derivative softmax(z)·sum(y) - y (the loss values agree).",
    backends=("tensorflow",))
def _cce_gradient_for_labels_not_summing_to_one():
    from course_lib.losses import CategoricalCrossentropy

    y_true, logits = np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 2.0, 3.0]])
    return _both_gradients(CategoricalCrossentropy(from_logits=True), y_true, logits)


@known_difference(
    "CategoricalCrossentropy", "label_smoothing=0.3, axis=1, y one-hot along axis 1 of shape (1, 3, 2), z=arange(6)",
    "Keras divides the smoothing mass by the size of the last axis (2) whatever `axis` is, so its smoothed labels do "
    "not sum to 1 over the 3 classes; ours divides by the size of `axis` (the number of classes).")
def _cce_label_smoothing_on_another_axis():
    from course_lib.losses import CategoricalCrossentropy

    y_true = np.zeros((1, 3, 2))
    y_true[0, [0, 2], [0, 1]] = 1.0  # class 0 for the first position, class 2 for the second
    logits = np.arange(6.0).reshape(1, 3, 2)
    return _both_values(CategoricalCrossentropy(from_logits=True, label_smoothing=0.3, axis=1), y_true, logits)


def _both_values(ours, y_true, y_pred):
    """(our loss value, Keras's) for a loss and its keras.losses twin, in float64."""
    return ours(y_true, y_pred), keras_loss_like(ours, "float64")(y_true, y_pred)


def _both_gradients(ours, y_true, y_pred):
    """(our d loss / d y_pred, the Keras backend's), in float64."""
    from course_lib.autodiff import Tensor

    yp = Tensor(y_pred.copy(), requires_grad=True)
    ours(y_true, yp).backward()
    _, (theirs,) = backend_value_and_grad(lambda p: keras_loss_like(ours, "float64")(y_true, p), [y_pred])
    return yp.grad, theirs
