"""Vanishing and exploding gradients: a deep plain MLP and the size of its gradient, layer by layer.

Backpropagation multiplies one Jacobian per layer.  For hidden layers h_l = phi(z_l),
z_l = h_{l-1} W_l + b_l, the gradient reaching layer l is

    dL/dh_{l-1} = (dL/dh_l * phi'(z_l)) W_l^T,      dL/dW_l = h_{l-1}^T (dL/dh_l * phi'(z_l))

so its size changes by roughly ``||W_l|| * |phi'|`` per layer: below 1 it shrinks geometrically
with depth (vanishing), above 1 it grows (exploding).  Glorot & Bengio (2010) chose
Var(W) = 2 / (fan_in + fan_out) to keep that factor near 1 for tanh; He et al. (2015)
Var(W) = 2 / fan_in for ReLU, which zeroes half of its inputs.  Batch normalization
rescales every layer's pre-activations, and a skip connection y = x + f(x) adds an identity
path whose Jacobian I + df/dx does not shrink.

:func:`deep_mlp` builds such a network from :mod:`course_lib.nn` layers (Keras's names);
:func:`layer_gradient_norms` measures ||dL/dW_l|| for every Dense kernel, first layer first;
:func:`global_norm` is the norm ``tf.clip_by_global_norm`` and Keras's ``global_clipnorm`` use.
"""
from __future__ import annotations

import numpy as np

from . import autodiff as ad
from . import initializers, losses, nn
from ._checks import check_choice, check_int

__all__ = ["INITIALIZERS", "ACTIVATIONS", "deep_mlp", "dense_layers", "layer_gradient_norms",
           "hidden_activations", "gradient_ratio", "global_norm", "train_steps"]

#: The initializations the lesson compares, by short name -> a Keras-named initializer.
INITIALIZERS = {
    "normal": lambda: initializers.RandomNormal(mean=0.0, stddev=1.0),      # N(0, 1)
    "small": lambda: initializers.RandomNormal(mean=0.0, stddev=0.01),      # N(0, 0.01^2)
    "glorot": lambda: initializers.GlorotUniform(),                         # U(+-sqrt(6 / (fan_in + fan_out)))
    "he": lambda: initializers.HeNormal(),                                  # N(0, 2 / fan_in), truncated
}
#: The hidden activations the lesson compares (names as ``keras.activations``).
ACTIVATIONS = ("sigmoid", "tanh", "relu")


def deep_mlp(depth=20, width=32, activation="tanh", init="glorot", batch_norm=False, residual=False,
             inputs=64, outputs=10, seed=0, dtype="float32"):
    """A built plain MLP with ``depth`` hidden layers of ``width`` units and a linear output (logits).

    Hidden layer 1 maps the inputs to ``width``; layers 2..depth are identical blocks

        plain:             h <- phi(h W + b)
        batch_norm=True:   h <- phi(BN(h W + b))          (Ioffe & Szegedy 2015: BN before phi)
        residual=True:     h <- h + block(h)              (He et al. 2016, identity shortcut)

    ``init`` is a key of :data:`INITIALIZERS` or any Keras initializer name; every Dense kernel
    uses it, biases start at 0.  The output layer has ``outputs`` linear units (use a loss
    ``from_logits=True``).  Same ``seed``, same weights.
    """
    depth, width = check_int("depth", depth), check_int("width", width)
    check_choice("activation", activation, ACTIVATIONS + ("linear",))

    def kernel_init():
        return INITIALIZERS[init]() if init in INITIALIZERS else initializers.get(init)

    def block():
        if batch_norm:
            return [nn.Dense(width, kernel_initializer=kernel_init()), nn.BatchNormalization(),
                    nn.Activation(activation)]
        return [nn.Dense(width, activation=activation, kernel_initializer=kernel_init())]

    layers = block()  # layer 1 changes the width: no shortcut around it
    for _ in range(depth - 1):
        layers += [nn.Residual(block())] if residual else block()
    layers.append(nn.Dense(outputs, kernel_initializer=kernel_init()))
    return nn.Sequential(layers, seed=seed, dtype=dtype).build(inputs)


def dense_layers(model):
    """Every Dense layer of ``model`` in forward order, looking inside Residual blocks."""
    found = []
    for layer in model.layers:
        inner = layer.block if isinstance(layer, nn.Residual) else [layer]
        found += [sub for sub in inner if isinstance(sub, nn.Dense)]
    return found


def layer_gradient_norms(model, x, y, training=True):
    """||dL/dW_l|| (Frobenius) for each Dense kernel W_l, first layer first, as a float64 array.

    L is the mean sparse categorical cross-entropy of the logits ``model(x)`` against the
    integer labels ``y`` (``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``).
    ``training=True`` runs batch normalization on the batch statistics, as Keras's ``fit`` does
    (it also updates the moving averages, as one Keras training call would).
    """
    kernels = [layer.kernel for layer in dense_layers(model)]
    for k in kernels:
        k.zero_grad()
    logits = model(np.asarray(x), training=training)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)(np.asarray(y), logits)
    loss.backward()
    return np.array([np.sqrt(np.sum(np.square(k.grad, dtype=np.float64))) for k in kernels])


def hidden_activations(model, x):
    """The output of each hidden layer (after its activation, or after the skip addition), in inference mode."""
    h, outs = ad.Tensor(np.asarray(x, dtype=model.dtype)), []
    with ad.no_grad():
        for layer in model.layers[:-1]:
            h = layer(h, training=False)
            is_dense_only = isinstance(layer, nn.Dense) and layer.activation is nn.get_activation(None)
            if not is_dense_only and not isinstance(layer, nn.BatchNormalization):
                outs.append(h.data.copy())
    return outs


def gradient_ratio(norms):
    """First hidden layer's gradient norm over the last hidden layer's: << 1 vanishing, >> 1 exploding."""
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 1 or norms.size < 3:
        raise ValueError(f"`norms` must be a 1-D array of at least 3 layer norms (hidden..., output); got shape {norms.shape}")
    return float(norms[0] / norms[-2])


def global_norm(grads):
    """||G|| = sqrt(sum_i ||g_i||^2) over a list of arrays (``tf.linalg.global_norm``)."""
    if len(grads) == 0:
        raise ValueError("`grads` must be a non-empty list of arrays")
    return float(np.sqrt(sum(np.sum(np.square(np.asarray(g, dtype=np.float64))) for g in grads)))


def train_steps(model, x, y, optimizer, steps=30, batch_size=64, seed=0):
    """Up to ``steps`` steps of ``optimizer`` on mini-batches of (x, y) (one shuffled pass after another).

    Returns ``(losses, failure)``: the batch loss of every step taken (float64 array) and, if a
    step failed (a NaN prediction refused by the loss, or a non-finite gradient refused by the
    optimizer, :class:`course_lib.optimizers.NonFiniteGradientError`), ``"<ErrorType>: message"``;
    else None.  The loss is the cross-entropy of the logits, as in :func:`layer_gradient_norms`.
    """
    steps, batch_size = check_int("steps", steps), check_int("batch_size", batch_size)
    model.compile(optimizer, losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(seed)
    order, out = np.array([], dtype=int), []
    for _ in range(steps):
        if len(order) < batch_size:
            order = np.concatenate([order, rng.permutation(len(x))])
        idx, order = order[:batch_size], order[batch_size:]
        try:
            with np.errstate(over="ignore", invalid="ignore"):   # the failure is reported, not warned about
                out.append(model.train_on_batch(x[idx], y[idx]))
        except ValueError as exc:   # NonFiniteGradientError is a ValueError
            return np.array(out), f"{type(exc).__name__}: {exc}"
    return np.array(out), None
