"""Our losses next to keras.losses: value and gradient with respect to y_pred."""
from __future__ import annotations

import numpy as np

from ._autodiff import backend_value_and_grad
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
