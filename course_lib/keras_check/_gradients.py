"""Per-layer gradient norms of our deep MLP next to its Keras twin's (same weights, same batch)."""
from __future__ import annotations

import numpy as np

from ._table import Comparison


def keras_deep_mlp_like(model):
    """A functional ``keras.Model`` with the layers of a :func:`course_lib.gradient_flow.deep_mlp` and its weights.

    Dense, BatchNormalization and Activation become their Keras layers; a ``Residual`` block
    becomes ``keras.layers.Add()([h, block(h)])``.  Returns ``(keras_model, keras_dense_layers)``,
    the Dense layers in forward order (to read their kernels' gradients).
    """
    import keras

    from .. import nn

    dtype = str(model.dtype)
    denses = []

    def twin(layer, h):
        if isinstance(layer, nn.Dense):
            name = next(k for k, f in nn.ACTIVATIONS.items() if f is layer.activation)
            k = keras.layers.Dense(layer.units, activation=name, use_bias=layer.use_bias, dtype=dtype)
            denses.append(k)
        elif isinstance(layer, nn.BatchNormalization):
            k = keras.layers.BatchNormalization(momentum=layer.momentum, epsilon=layer.epsilon, dtype=dtype)
        elif isinstance(layer, nn.Activation):
            name = next(k for k, f in nn.ACTIVATIONS.items() if f is layer.activation)
            k = keras.layers.Activation(name, dtype=dtype)
        else:
            raise TypeError(f"keras_deep_mlp_like copies Dense, BatchNormalization, Activation and Residual; found {layer!r}")
        out = k(h)
        if layer.get_weights():
            k.set_weights(layer.get_weights())
        return out

    inputs = keras.Input((model.input_dim,), dtype=dtype)
    h = inputs
    for layer in model.layers:
        if isinstance(layer, nn.Residual):
            f = h
            for sub in layer.block:
                f = twin(sub, f)
            h = keras.layers.Add(dtype=dtype)([h, f])
        else:
            h = twin(layer, h)
    return keras.Model(inputs, h), denses


def keras_kernel_gradients(keras_model, kernels, x, y):
    """dL/dW for each variable in ``kernels``, L = Keras's SparseCategoricalCrossentropy(from_logits=True).

    The model runs with ``training=True`` (batch statistics in BatchNormalization).  The
    gradient comes from the backend: ``tf.GradientTape``, ``jax.grad`` of ``stateless_call``,
    or ``torch.autograd``.
    """
    import keras

    # dtype: a Keras loss computes in float32 unless told otherwise, even on float64 logits.
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype=keras_model.inputs[0].dtype)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn(y, keras_model(x, training=True))
        grads = tape.gradient(loss, kernels)
    elif backend == "jax":
        import jax

        trainable = keras_model.trainable_variables
        where = [next(i for i, v in enumerate(trainable) if v is k) for k in kernels]
        others = [v.value for v in keras_model.non_trainable_variables]

        def loss_of(values):
            out, _ = keras_model.stateless_call(values, others, x, training=True)
            return loss_fn(y, out)

        all_grads = jax.grad(loss_of)([v.value for v in trainable])
        grads = [all_grads[i] for i in where]
    elif backend == "torch":
        import torch

        loss = loss_fn(y, keras_model(x, training=True))
        grads = torch.autograd.grad(loss, [k.value for k in kernels])
    else:
        raise ValueError(f"keras_kernel_gradients supports tensorflow, jax and torch; the active backend is {backend!r}.")
    return [keras.ops.convert_to_numpy(g) for g in grads]


def compare_layer_gradient_norms(depth=6, width=16, activation="relu", init="he", batch_norm=False,
                                 residual=False, batch_size=64, seed=0, dtype="float32"):
    """Per-layer ||dL/dW_l|| of :func:`~course_lib.gradient_flow.deep_mlp` vs its Keras twin on one digits batch.

    Row ``"W1"``.. is the *relative* difference |n_ours - n_keras| / n_keras of layer l's
    gradient norm; row ``"grads"`` the worst ||g_ours - g_keras|| / ||g_keras|| over the layers
    (the whole gradient, not only its norm).  The tolerances the course asserts: 1e-5 in
    float32, 1e-12 in float64.
    """
    from .. import gradient_flow
    from ..data import load_digits

    x, y = load_digits(dtype)
    idx = np.random.default_rng(seed).permutation(len(x))[:batch_size]
    x, y = x[idx], y[idx]
    ours = gradient_flow.deep_mlp(depth, width, activation, init, batch_norm=batch_norm, residual=residual,
                                  seed=seed, dtype=dtype)
    theirs, denses = keras_deep_mlp_like(ours)   # copies the weights before our training-mode call moves BN's averages
    ours_norms = gradient_flow.layer_gradient_norms(ours, x, y)
    ours_grads = [layer.kernel.grad for layer in gradient_flow.dense_layers(ours)]
    keras_grads = keras_kernel_gradients(theirs, [d.kernel for d in denses], x, y)
    keras_norms = np.array([np.linalg.norm(np.asarray(g, dtype=np.float64)) for g in keras_grads])
    rows = [(f"W{l + 1}", float(abs(a - b) / b)) for l, (a, b) in enumerate(zip(ours_norms, keras_norms))]
    whole = max(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)) / np.linalg.norm(np.asarray(b, np.float64))
                for a, b in zip(ours_grads, keras_grads))
    rows.append(("grads", float(whole)))
    parts = [activation, init] + (["batch norm"] if batch_norm else []) + (["skip"] if residual else [])
    return Comparison(f"per-layer gradient norms, {depth}x{width} MLP ({', '.join(parts)})", dtype, rows,
                      versus="keras| / |keras")
