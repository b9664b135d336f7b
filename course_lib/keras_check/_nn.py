"""Our layers and Sequential model next to Keras's: same weights, same batches, same numbers."""
from __future__ import annotations

import numpy as np

from ..data import load_digits
from ._table import Comparison, absdiff

#: The optimizers compare_training knows, with the hyperparameters used on both sides.
TRAINING_OPTIMIZERS = {
    "sgd": ("SGD", {"learning_rate": 0.01, "momentum": 0.9}),
    "adam": ("Adam", {"learning_rate": 0.001}),
    "adafactor": ("Adafactor", {"learning_rate": 0.01}),
    "muon": ("Muon", {"learning_rate": 0.01}),
    "schedulefreeadamw": ("ScheduleFreeAdamW", {"learning_rate": 0.0025}),
    "adam-ema-accumulation": ("Adam", {"learning_rate": 0.001, "use_ema": True,
                                       "ema_overwrite_frequency": 5,
                                       "gradient_accumulation_steps": 2}),
}


def keras_model_like(model):
    """A ``keras.Sequential`` with the same Dense layers as our ``model`` and a copy of its weights."""
    import keras

    from .. import nn

    layers = [keras.Input((model.input_dim,), dtype=str(model.dtype))]
    for layer in model.layers:
        if not isinstance(layer, nn.Dense):
            raise TypeError(f"keras_model_like copies Dense layers only; found {layer!r}")
        name = next(k for k, f in nn.ACTIVATIONS.items() if f is layer.activation)
        layers.append(keras.layers.Dense(layer.units, activation=name, use_bias=layer.use_bias,
                                         dtype=str(model.dtype)))
    twin = keras.Sequential(layers)
    twin.set_weights(model.get_weights())
    return twin


def compare_training(optimizer="adam", steps=50, batch_size=32, seed=0, dtype="float32"):
    """Train the digits MLP with ``course_lib`` and with Keras; compare the loss at every step.

    Both models start from the same weights (ours, copied into Keras with
    ``set_weights``) and see the same batches (one fixed permutation of the data,
    no shuffling).  Each step is one ``train_on_batch`` on both sides, with the loss
    ``sparse_categorical_crossentropy`` and ``optimizer`` one of TRAINING_OPTIMIZERS
    (e.g. ``"sgd"``: SGD, lr=0.01, momentum=0.9; ``"muon"``: Muon on the weight
    matrices, AdamW on the biases), the Keras side built by ``keras_twin``.  Row k of the result is
    |loss_ours(k) - loss_keras(k)|; the last row (step = ``steps``) is the max abs
    difference of the weights after training.

    Keras's TensorFlow backend computes the cross-entropy of a softmax output from
    its logits (no clipping of p at 1e-7), and so does ``course_lib.nn``.  Keras's
    JAX and PyTorch backends clip instead; with them, a step whose batch holds a
    prediction below 1e-7 gives a different loss (not yet run on those backends).
    """
    import keras

    from .. import losses, nn, optimizers
    from ._optimizers import keras_twin

    if optimizer not in TRAINING_OPTIMIZERS:
        raise ValueError(f"`optimizer` must be one of {sorted(TRAINING_OPTIMIZERS)}. Received: {optimizer!r}")
    class_name, kwargs = TRAINING_OPTIMIZERS[optimizer]
    x, y = load_digits(dtype)
    order = np.random.default_rng(seed).permutation(len(x))

    ours = nn.mlp(seed=seed, dtype=dtype)
    theirs = keras_model_like(ours)
    ours.compile(getattr(optimizers, class_name)(**kwargs), losses.SparseCategoricalCrossentropy())
    theirs.compile(keras_twin(getattr(optimizers, class_name)(**kwargs)),
                   keras.losses.SparseCategoricalCrossentropy())

    rows = []
    per_epoch = len(x) // batch_size
    for step in range(steps):
        k = step % per_epoch
        idx = order[k * batch_size:(k + 1) * batch_size]
        loss_ours = ours.train_on_batch(x[idx], y[idx])
        loss_keras = float(np.asarray(theirs.train_on_batch(x[idx], y[idx])))
        rows.append((step, absdiff(loss_ours, loss_keras)))
    weight_diff = max(absdiff(a, b) for a, b in zip(ours.get_weights(), theirs.get_weights()))
    rows.append((steps, weight_diff))
    name = f"MLP 64-32-10 training loss, {class_name}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    return Comparison(name, dtype, rows)


def compare_batchnorm(steps=5, batch_size=16, width=6, momentum=0.9, epsilon=1e-3, seed=0,
                      dtype="float32"):
    """Our BatchNormalization next to ``keras.layers.BatchNormalization`` with the same weights.

    For ``steps`` random batches, both layers run in training mode (batch statistics,
    moving averages updated), then in inference mode (moving statistics).  Row k is the
    max abs difference over the training output, the moving mean and variance after
    the batch, and the inference output.
    """
    import keras

    from .. import nn

    rng = np.random.default_rng(seed)
    ours = nn.BatchNormalization(momentum=momentum, epsilon=epsilon)
    ours.build(width, dtype)
    # Non-trivial gamma, beta and starting statistics, copied into Keras.
    ours.set_weights([rng.uniform(0.5, 2, width), rng.normal(size=width),
                      rng.normal(size=width), rng.uniform(0.5, 2, width)])
    theirs = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon, dtype=dtype)
    theirs.build((None, width))
    theirs.set_weights(ours.get_weights())

    rows = []
    for step in range(steps):
        x = (rng.normal(size=(batch_size, width)) * 3 + 1).astype(dtype)
        diffs = [absdiff(ours(x, training=True).data, theirs(x, training=True))]
        diffs += [absdiff(a, b) for a, b in zip(ours.get_weights(), theirs.get_weights())]
        diffs.append(absdiff(ours(x, training=False).data, theirs(x, training=False)))
        rows.append((step, max(diffs)))
    return Comparison(f"BatchNormalization(momentum={momentum}, epsilon={epsilon})", dtype, rows)

