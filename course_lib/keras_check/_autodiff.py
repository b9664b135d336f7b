"""Our autodiff gradients next to the Keras backend's (tf.GradientTape or jax.grad)."""
from __future__ import annotations

import numpy as np

from ._table import Comparison


def backend_value_and_grad(f, inputs):
    """Value and gradients of a scalar function ``f(*tensors)`` using the active Keras backend.

    ``f`` is written with ``keras.ops`` (or operators), so the same code runs on every
    backend; the gradient comes from the backend's own machinery:
    ``tf.GradientTape`` (TensorFlow), ``jax.value_and_grad`` (JAX) or
    ``torch.autograd`` (PyTorch).  ``inputs`` are numpy arrays; the result is
    ``(float value, [numpy gradient per input])``.  With JAX, float64 needs
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
        grads = tape.gradient(y, xs)
        grads = [np.zeros_like(x) if g is None else np.asarray(g) for x, g in zip(inputs, grads)]
        return float(y), grads
    if backend == "jax":
        import jax

        fun = jax.value_and_grad(f, argnums=tuple(range(len(inputs))))
        y, grads = fun(*[jax.numpy.asarray(x) for x in inputs])
        return float(y), [np.asarray(g) for g in grads]
    if backend == "torch":
        import torch

        xs = [torch.tensor(x, requires_grad=True) for x in inputs]
        y = f(*xs)
        grads = torch.autograd.grad(y, xs, allow_unused=True)
        grads = [np.zeros_like(x) if g is None else g.detach().cpu().numpy() for x, g in zip(inputs, grads)]
        return float(y), grads
    raise ValueError(f"backend_value_and_grad supports tensorflow, jax and torch; the active backend is {backend!r}.")


def compare_gradients(fn, inputs, name=None):
    """Run ``fn`` with our autodiff and with ``keras.ops``; compare value and gradients.

    ``fn(ops, *xs)`` must be written against an ``ops`` namespace and return a scalar:
    it is called once with ``ops = course_lib.autodiff`` (xs are our Tensors) and
    once with ``ops = keras.ops`` (xs are backend tensors).  Rows of the returned
    :class:`Comparison`: row 0 is |value difference|, row i (i >= 1) is the max abs
    difference of the gradient with respect to input i-1.
    """
    import keras

    from course_lib import autodiff

    inputs = [np.asarray(x) for x in inputs]
    ours_value, ours_grads = autodiff.value_and_grad(
        lambda *xs: fn(autodiff, *xs), argnums=tuple(range(len(inputs)))
    )(*inputs)
    theirs_value, theirs_grads = backend_value_and_grad(lambda *xs: fn(keras.ops, *xs), inputs)
    rows = [(0, _absdiff(ours_value, theirs_value))]
    rows += [(i + 1, _absdiff(a, b)) for i, (a, b) in enumerate(zip(ours_grads, theirs_grads))]
    dtype = str(inputs[0].dtype) if inputs else "float32"
    return Comparison(name or getattr(fn, "__name__", "gradient"), dtype, rows)


def _absdiff(a, b):
    """Max |a - b|, with inf where exactly one side is non-finite (NaN == NaN counts as equal)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: ours {a.shape}, keras {b.shape}")
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    diff = np.where(same, 0.0, np.abs(a - b))
    diff = np.where(np.isnan(diff), np.inf, diff)
    return float(diff.max()) if diff.size else 0.0
