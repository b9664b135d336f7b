"""Our autodiff gradients next to the Keras backend's (tf.GradientTape or jax.grad)."""
from __future__ import annotations

import numpy as np

from ._table import Comparison, absdiff


def backend_value_and_grad(f, inputs):
    """Value of ``f(*tensors)`` and the gradients of its sum, from the active Keras backend.

    ``f`` is written with ``keras.ops`` (or operators), so the same code runs on every
    backend; the gradient comes from the backend's own machinery:
    ``tf.GradientTape`` (TensorFlow), ``jax.vjp`` (JAX) or ``torch.autograd``
    (PyTorch).  ``inputs`` are numpy arrays; the result is ``(numpy value,
    [numpy gradient of sum(f) per input])``.  With JAX, float64 needs
    ``JAX_ENABLE_X64=1``.
    """
    import keras

    inputs = [np.asarray(x) for x in inputs]
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        xs = [tf.constant(x) for x in inputs]
        with tf.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            y = f(*xs)
        grads = tape.gradient(y, xs)  # of sum(y) when y is not a scalar
    elif backend == "jax":
        import jax

        y, vjp = jax.vjp(f, *[jax.numpy.asarray(x) for x in inputs])
        grads = vjp(jax.numpy.ones_like(y))
    elif backend == "torch":
        import torch

        xs = [torch.tensor(x, requires_grad=True) for x in inputs]
        y = f(*xs)
        grads = torch.autograd.grad(y, xs, grad_outputs=torch.ones_like(y), allow_unused=True)
        y, grads = y.detach(), [None if g is None else g.detach() for g in grads]
    else:
        raise ValueError(f"backend_value_and_grad supports tensorflow, jax and torch; the active backend is {backend!r}.")
    grads = [np.zeros_like(x) if g is None else keras.ops.convert_to_numpy(g) for x, g in zip(inputs, grads)]
    return keras.ops.convert_to_numpy(y), grads


def compare_gradients(fn, inputs, name=None):
    """Run ``fn`` with our autodiff and with ``keras.ops``; compare value and gradients.

    ``fn(ops, *xs)`` must be written against an ``ops`` namespace and return a scalar:
    it is called once with ``ops = course_lib.autodiff`` (xs are our Tensors) and
    once with ``ops = keras.ops`` (xs are backend tensors).  Rows of the returned
    :class:`Comparison`: row ``"value"`` is |value difference|, row ``"d/dx{i}"`` the max
    abs difference of the gradient with respect to input i.
    """
    import keras

    from course_lib import autodiff

    inputs = [np.asarray(x) for x in inputs]
    ours_value, ours_grads = autodiff.value_and_grad(
        lambda *xs: fn(autodiff, *xs), argnums=tuple(range(len(inputs)))
    )(*inputs)
    theirs_value, theirs_grads = backend_value_and_grad(lambda *xs: fn(keras.ops, *xs), inputs)
    rows = [("value", absdiff(ours_value, theirs_value))]
    rows += [(f"d/dx{i}", absdiff(a, b)) for i, (a, b) in enumerate(zip(ours_grads, theirs_grads))]
    dtype = str(inputs[0].dtype) if inputs else "float32"
    return Comparison(name or getattr(fn, "__name__", "gradient"), dtype, rows)

