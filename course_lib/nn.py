"""Layers and a Sequential model on the autodiff engine.  Mirrors ``keras.layers`` / ``keras.Sequential``.

A *layer* maps a batch ``x`` of shape ``(batch, features)`` to a new batch.  Its
trainable weights are autodiff :class:`~course_lib.autodiff.Tensor` objects, so the
gradient of any loss built from the layer's output reaches them by ``loss.backward()``
— no layer writes its own backward pass.  The optimizer then updates the numpy arrays
``w.data`` in place.

A :class:`Sequential` model chains layers, ``f(x) = f_L(... f_2(f_1(x)))``, and trains
them with mini-batch gradient descent, one step per batch ``B``:

    J_B(theta) = loss(y_B, f(x_B; theta)) + sum of weight penalties R(W)
    g = dJ_B / d theta                        (autodiff)
    theta <- optimizer.apply(g, theta)        (course_lib.optimizers)

exactly like ``keras.Model.fit``: the same order of callback calls, the same logs
(``loss``, ``accuracy``, ``val_loss``...), the loss of an epoch being the mean of
the batch losses weighted by batch size.  Given the same initial weights and the same
batches, it gives Keras's loss curve (``course_lib.keras_check.compare_training``).

Example::

    model = Sequential([Dense(32, activation="relu"), Dense(10, activation="softmax")], seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=10, batch_size=32, validation_data=(x_val, y_val))
    history.history["val_accuracy"]
"""
from __future__ import annotations

import numbers

import numpy as np

from . import autodiff as ad
from ._checks import check_float_dtype, check_fraction, check_int
from ._names import snake_case
from . import initializers, losses, optimizers, regularizers
from .callbacks import History
from .data import batch_indices, num_batches

__all__ = [
    "Layer", "Dense", "Activation", "Dropout", "BatchNormalization", "Residual",
    "Sequential", "get_activation", "make_weight",
]


# ----------------------------------------------------------------- activations
def _linear(x):
    """linear(x) = x."""
    return x


#: Activation names, as Keras spells them (``keras.activations``).
ACTIVATIONS = {
    "linear": _linear,
    "relu": ad.relu,        # max(x, 0)
    "sigmoid": ad.sigmoid,  # 1 / (1 + e^-x)
    "tanh": ad.tanh,
    "softmax": ad.softmax,  # e^x_i / sum_j e^x_j, over the last axis
}


def _activate(activation, z):
    """activation(z); a softmax or sigmoid output remembers its logits ``z``.

    Keras on TensorFlow does the same (``output._keras_logits``): a cross-entropy
    then works from the logits, log p = log_softmax(z), instead of clipping p to
    [1e-7, 1 - 1e-7], so a confident wrong prediction still gets its full gradient.
    """
    out = activation(z)
    if activation is ad.softmax or activation is ad.sigmoid:
        out.keras_logits = z
    return out


def get_activation(identifier):
    """An activation function from its name (``None`` means linear) or a callable.

    Mirrors ``keras.activations.get``.
    """
    if identifier is None:
        return _linear
    if isinstance(identifier, str):
        if identifier not in ACTIVATIONS:
            raise ValueError(f"Unknown activation: {identifier!r}. Expected one of "
                             f"{sorted(ACTIVATIONS)} or a callable.")
        return ACTIVATIONS[identifier]
    if callable(identifier):
        return identifier
    raise TypeError(f"`activation` must be a name, a callable or None. Received: {identifier!r}")


# ----------------------------------------------------------------- layers
class Layer:
    """Base class of the layers.  Mirrors ``keras.layers.Layer``.

    A layer is built once, for inputs of width ``input_dim``: ``build`` creates its
    weights and returns its output width.  Calling it before it is built builds it
    for the width of the first input (as Keras does).  ``training`` tells layers that
    behave differently while training (Dropout, BatchNormalization) which mode to use.
    """

    def __init__(self, name=None):
        self.name = name or snake_case(type(self).__name__)
        self.built = False
        self.input_dim = None

    def build(self, input_dim, dtype="float32", rng=None):
        """Create the weights for inputs of width ``input_dim``; return the output width."""
        self.input_dim, self.dtype, self.built = int(input_dim), np.dtype(dtype), True
        return self.input_dim

    def call(self, x, training=False):
        """The forward pass on an autodiff Tensor ``x`` (subclasses define it)."""
        raise NotImplementedError

    def __call__(self, x, training=False):
        x = _as_input(x, getattr(self, "dtype", None))
        if not self.built:
            self.build(x.shape[-1], dtype=x.dtype)
        _check_width(self.name, self.input_dim, x.shape)
        return self.call(x, training=training)

    # Weights.  Keras's order: trainable weights first, then the others, as created.
    @property
    def trainable_weights(self):
        """The Tensors that the optimizer updates (their ``.data`` arrays, in place)."""
        return []

    @property
    def non_trainable_weights(self):
        """State that is not trained by gradients (BatchNormalization's moving statistics)."""
        return []

    def get_weights(self):
        """Copies of the weights as numpy arrays, in Keras's order."""
        return [ad.array_of(w).copy() for w in self.trainable_weights + self.non_trainable_weights]

    def set_weights(self, weights):
        """Overwrite the weights in place, from arrays in :meth:`get_weights`'s order."""
        _assign(self.trainable_weights + self.non_trainable_weights, weights, self.name)

    @property
    def losses(self):
        """Weight penalties R(W) as scalar Tensors (added to the training loss)."""
        return []

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


class Dense(Layer):
    """Fully connected layer:  y = activation(x W + b).  Mirrors ``keras.layers.Dense``.

    ``x`` has shape (batch, d_in), the kernel ``W`` (d_in, units), the bias ``b`` (units,).
    ``kernel_regularizer`` adds a penalty R(W) (e.g. ``"l2"``: 0.01 * sum W^2) to the
    training loss.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, name=None):
        super().__init__(name)
        self.units = check_int("units", units)
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = None if kernel_regularizer is None else regularizers.get(kernel_regularizer)
        self.kernel = self.bias = None

    def build(self, input_dim, dtype="float32", rng=None):
        super().build(input_dim, dtype)
        self.kernel = make_weight(self.kernel_initializer, (self.input_dim, self.units), self.dtype, rng)
        if self.use_bias:
            self.bias = make_weight(self.bias_initializer, (self.units,), self.dtype, rng)
        return self.units

    def call(self, x, training=False):
        y = x @ self.kernel
        if self.use_bias:
            y = y + self.bias
        return _activate(self.activation, y)

    @property
    def trainable_weights(self):
        return [self.kernel, self.bias] if self.use_bias else [self.kernel]

    @property
    def losses(self):
        if self.kernel_regularizer is None:
            return []
        return [self.kernel_regularizer(self.kernel)]


class Activation(Layer):
    """Applies an activation elementwise:  y = activation(x).  Mirrors ``keras.layers.Activation``.

    Names: ``linear``, ``relu`` (max(x, 0)), ``sigmoid`` (1 / (1 + e^-x)), ``tanh``,
    ``softmax`` (e^x_i / sum_j e^x_j over the last axis).
    """

    def __init__(self, activation, name=None):
        super().__init__(name)
        self.activation = get_activation(activation)

    def call(self, x, training=False):
        return _activate(self.activation, x)


class Dropout(Layer):
    """Inverted dropout.  Mirrors ``keras.layers.Dropout``.

    While training, each input is kept with probability 1 - rate and scaled up:

        y = x * m / (1 - rate),   m_i ~ Bernoulli(1 - rate)

    so that E[y] = x; at inference (``training=False``) y = x, with nothing to rescale.
    ``seed`` makes the masks reproducible.
    """

    def __init__(self, rate, seed=None, name=None):
        super().__init__(name)
        check_fraction("rate", rate)
        self.rate, self.seed = float(rate), seed
        self._rng = np.random.default_rng(seed)

    def call(self, x, training=False):
        if not training or self.rate == 0:
            return x
        keep = self._rng.random(x.shape) >= self.rate
        return x * (keep.astype(x.dtype) / x.dtype.type(1 - self.rate))


class BatchNormalization(Layer):
    """Batch normalization over the batch axis.  Mirrors ``keras.layers.BatchNormalization``.

    Training (``training=True``), with the batch mean and (biased) variance
    mu = mean(x), sigma^2 = mean((x - mu)^2), computed per feature:

        y = gamma * (x - mu) / sqrt(sigma^2 + epsilon) + beta
        moving_mean     <- moving_mean * momentum + mu * (1 - momentum)
        moving_variance <- moving_variance * momentum + sigma^2 * (1 - momentum)

    Inference uses the moving statistics instead of mu and sigma^2.  ``gamma`` and
    ``beta`` are trained; the moving statistics are not (weights order: gamma, beta,
    moving_mean, moving_variance, as Keras).  The gradient flows through mu and sigma^2.
    """

    def __init__(self, momentum=0.99, epsilon=1e-3, name=None):
        super().__init__(name)
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float in [0, 1]. Received: momentum={momentum!r}")
        if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon > 0:
            raise ValueError(f"`epsilon` must be a float > 0. Received: epsilon={epsilon!r}")
        self.momentum, self.epsilon = float(momentum), float(epsilon)

    def build(self, input_dim, dtype="float32", rng=None):
        super().build(input_dim, dtype)
        d = (self.input_dim,)
        self.gamma = ad.Tensor(np.ones(d, self.dtype), requires_grad=True)
        self.beta = ad.Tensor(np.zeros(d, self.dtype), requires_grad=True)
        self.moving_mean = np.zeros(d, self.dtype)
        self.moving_variance = np.ones(d, self.dtype)
        return self.input_dim

    def call(self, x, training=False):
        if training:
            mean = x.mean(axis=0)
            variance = ((x - mean) ** 2).mean(axis=0)
            m = self.momentum
            # In place, so that arrays handed out by non_trainable_weights stay current.
            self.moving_mean[...] = self.moving_mean * m + mean.data * (1 - m)
            self.moving_variance[...] = self.moving_variance * m + variance.data * (1 - m)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        # Keras's arrangement of the same formula: x * inv + (beta - mean * inv).
        inv = self.gamma / ad.sqrt(variance + self.dtype.type(self.epsilon))
        return x * inv + (self.beta - mean * inv)

    @property
    def trainable_weights(self):
        return [self.gamma, self.beta]

    @property
    def non_trainable_weights(self):
        return [self.moving_mean, self.moving_variance]


class Residual(Layer):
    """Skip connection around a layer or a block of layers:  y = x + f(x).

    ``f`` must keep the width (d_out = d_in).  The identity path lets the gradient
    reach early layers unchanged: dy/dx = I + df/dx (He et al. 2016).  Keras writes
    it with the functional API, ``keras.layers.Add()([x, f(x)])``.
    """

    def __init__(self, layer_or_block, name=None):
        super().__init__(name)
        block = layer_or_block
        self.block = list(block.layers if isinstance(block, Sequential) else
                          block if isinstance(block, (list, tuple)) else [block])
        for layer in self.block:
            if not isinstance(layer, Layer):
                raise TypeError(f"Residual wraps layers; received {layer!r}")

    def build(self, input_dim, dtype="float32", rng=None):
        super().build(input_dim, dtype)
        d = self.input_dim
        for layer in self.block:
            d = layer.build(d, dtype, rng)
        if d != self.input_dim:
            raise ValueError(f"Residual needs f(x) as wide as x: input width {self.input_dim}, "
                             f"block output width {d}")
        return d

    def call(self, x, training=False):
        fx = x
        for layer in self.block:
            fx = layer(fx, training=training)
        return x + fx

    trainable_weights = property(lambda self: _collect(self.block, "trainable_weights"))
    non_trainable_weights = property(lambda self: _collect(self.block, "non_trainable_weights"))
    losses = property(lambda self: _collect(self.block, "losses"))

    def get_weights(self):
        return _collect(self.block, "get_weights")

    def set_weights(self, weights):
        _assign_layers(self.block, weights)


# ----------------------------------------------------------------- model
def mlp(inputs=64, hidden=32, outputs=10, activation="relu", seed=0, dtype="float32"):
    """A built one-hidden-layer perceptron: inputs -> hidden (activation) -> outputs (softmax).

    The defaults fit the digits (64 pixels, 10 classes); the same ``seed`` gives the
    same Glorot-uniform weights, so two optimizers (or course_lib and Keras) can start
    from identical models.
    """
    model = Sequential([Dense(hidden, activation=activation), Dense(outputs, activation="softmax")],
                       seed=seed, dtype=dtype)
    return model.build(inputs)


class Sequential:
    """A stack of layers trained by mini-batch gradient descent.  Mirrors ``keras.Sequential``.

    ``Sequential(layers, seed=None, dtype="float32")``: ``seed`` makes the initial
    weights reproducible; ``dtype`` is the float type of weights and inputs.  The model
    is built by :meth:`build` or by its first call.
    """

    def __init__(self, layers=None, seed=None, dtype="float32", name="sequential"):
        self.layers = []
        for layer in layers or []:
            self.add(layer)
        self.seed, self.dtype, self.name = seed, check_float_dtype("dtype", dtype), name
        self.built, self.input_dim = False, None
        self.optimizer = self.loss = None
        self.metrics = []
        self.compiled, self.stop_training = False, False
        self.history = None

    def add(self, layer):
        """Append a layer (before the model is built)."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential accepts layers; received {layer!r}")
        if getattr(self, "built", False):
            raise ValueError("Cannot add a layer to a model that is already built")
        self.layers.append(layer)

    def build(self, input_dim):
        """Create every layer's weights for inputs of shape (batch, input_dim)."""
        if isinstance(input_dim, (tuple, list)):  # Keras style: (None, d) or (d,)
            input_dim = input_dim[-1]
        check_int("input_dim", input_dim)
        rng = np.random.default_rng(self.seed)
        d = self.input_dim = int(input_dim)
        for layer in self.layers:
            d = layer.build(d, self.dtype, rng)
        self.built = True
        return self

    def __call__(self, x, training=False):
        """Forward pass: a Tensor of outputs (gradients flow to the weights)."""
        x = _as_input(x, self.dtype)
        if x.ndim != 2:
            raise ValueError(f"Sequential expects inputs of shape (batch, features); got shape {x.shape}")
        if not self.built:
            self.build(x.shape[-1])
        _check_width(self.name, self.input_dim, x.shape)
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    # ----- weights ------------------------------------------------------------
    @property
    def trainable_weights(self):
        """The Tensors trained by the optimizer (it updates their ``.data`` in place)."""
        return _collect(self.layers, "trainable_weights")

    @property
    def losses(self):
        """Weight penalties of every layer, as scalar Tensors."""
        return _collect(self.layers, "losses")

    def get_weights(self):
        """Copies of all weights, layer by layer in Keras's order (``keras_model.set_weights`` accepts them)."""
        self._require_built("get_weights")
        return _collect(self.layers, "get_weights")

    def set_weights(self, weights):
        """Overwrite all weights in place (e.g. with ``keras_model.get_weights()``)."""
        self._require_built("set_weights")
        _assign_layers(self.layers, weights)

    def count_params(self):
        """Total number of weights (trainable or not).  Mirrors ``keras.Model.count_params``."""
        return int(sum(w.size for w in self.get_weights()))

    def summary(self):
        """Print one line per layer: name, output width, number of weights."""
        self._require_built("summary")
        d = self.input_dim
        print(f"Model {self.name!r}, input width {d}")
        for layer in self.layers:
            d = layer.units if isinstance(layer, Dense) else d
            n = sum(w.size for w in layer.get_weights())
            print(f"  {layer.name:<24} output (None, {d:<5}) params {n}")
        print(f"Total params: {self.count_params()}")

    # ----- training -----------------------------------------------------------
    def compile(self, optimizer, loss, metrics=None):
        """Choose the optimizer, the loss and the metrics.  Mirrors ``keras.Model.compile``.

        ``optimizer`` and ``loss`` may be names (``"adam"``, ``"mse"``...) or objects;
        ``metrics`` may contain ``"accuracy"`` (binary, categorical or sparse
        categorical accuracy, chosen from the shapes as Keras does).
        """
        self.optimizer = optimizers.get(optimizer) if isinstance(optimizer, str) else optimizer
        if not hasattr(self.optimizer, "apply"):
            raise TypeError(f"`optimizer` must be a name or an optimizer with .apply(grads, params). "
                            f"Received: optimizer={optimizer!r}")
        self.loss = losses.get(loss) if isinstance(loss, str) else loss
        if not callable(self.loss):
            raise TypeError(f"`loss` must be a name or a callable loss(y_true, y_pred). Received: loss={loss!r}")
        self.metrics = list(metrics or [])
        for m in self.metrics:
            if m not in ("accuracy", "acc"):
                raise ValueError(f"Unknown metric: {m!r}. Supported: 'accuracy' (or 'acc').")
        self.compiled = True

    def train_on_batch(self, x, y):
        """One gradient step on one batch; returns the batch loss (before the step).

        Mirrors ``keras.Model.train_on_batch``: loss = loss(y, f(x)) + sum of penalties.
        """
        self._require_compiled("train_on_batch")
        x, y = self._check_xy(x, y)
        return self._train_step(x, y)[0]

    def _train_step(self, x, y):
        y_pred = self(x, training=True)  # builds the model on the first batch
        weights = self.trainable_weights
        for w in weights:
            w.zero_grad()  # grads accumulate on leaves: forget the last step's
        loss = self._total_loss(y, y_pred)
        loss.backward()
        grads = [w.grad if w.grad is not None else np.zeros_like(w.data) for w in weights]
        self.optimizer.apply(grads, [w.data for w in weights])
        return float(loss.data), y_pred.data

    def _total_loss(self, y, y_pred):
        """Mean loss over the batch plus every weight penalty (Keras's compute_loss)."""
        loss = ad.as_tensor(_loss_values(self.loss, _cast_targets(y, y_pred.data), y_pred))
        if loss.ndim:  # a per-sample loss function: Keras averages it ("sum_over_batch_size")
            loss = loss.mean()
        for penalty in self.losses:
            loss = loss + penalty
        return loss

    def fit(self, x, y, batch_size=32, epochs=1, validation_data=None, shuffle=True,
            seed=None, callbacks=None, verbose=1):
        """Train for ``epochs`` passes over (x, y).  Mirrors ``keras.Model.fit``.

        Each epoch draws a new order of the samples (``shuffle=True``, reproducible with
        ``seed``) and takes one step per batch.  Callbacks are called in Keras's order:
        set_model, on_train_begin, then per epoch on_epoch_begin, on_train_batch_begin /
        on_train_batch_end per batch, on_epoch_end(epoch, logs); finally on_train_end.
        Setting ``model.stop_training = True`` ends training after the current batch.
        ``verbose=1`` shows a progress bar, ``2`` one line per epoch, ``0`` nothing.
        Returns a :class:`course_lib.callbacks.History` (``history.history["loss"][k]``: the
        mean training loss of epoch k).

        Why a second loop beside :func:`course_lib.training.train`: this one trains a *model*
        (layers, metrics, validation data, callbacks, a progress bar), as ``keras.Model.fit``
        does; ``train`` trains a bare list of arrays under a loss function of them, and times
        and evaluates the full loss between epochs to compare optimizers fairly.  Both take
        their batches from :func:`course_lib.data.batch_indices` and return the same History.
        """
        self._require_compiled("fit")
        x, y = self._check_xy(x, y)
        epochs = check_int("epochs", epochs, minimum=0)
        batch_size = check_int("batch_size", batch_size)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("`validation_data` must be a tuple (x_val, y_val).")
            val_x, val_y = self._check_xy(*validation_data)
        history = History()
        callbacks = list(callbacks or []) + [history]  # History last, as in Keras
        rng = np.random.default_rng(seed)
        steps = num_batches(len(x), batch_size)
        bar = _progress_bar(verbose, total=epochs * steps, desc=f"Epoch 1/{epochs}")

        self.stop_training = False
        for cb in callbacks:
            cb.set_model(self)
        _notify(callbacks, "set_params", {"verbose": verbose, "epochs": epochs, "steps": steps})
        _notify(callbacks, "on_train_begin")
        logs = None
        for epoch in range(epochs):
            _notify(callbacks, "on_epoch_begin", epoch)
            running = _Running(self.metrics)
            for step, idx in enumerate(batch_indices(len(x), batch_size, rng=rng, shuffle=shuffle)):
                _notify(callbacks, "on_train_batch_begin", step)
                loss, y_pred = self._train_step(x[idx], y[idx])
                batch_logs = running.update(loss, y[idx], y_pred)
                _notify(callbacks, "on_train_batch_end", step, batch_logs)
                if bar is not None:
                    bar.set_description(f"Epoch {epoch + 1}/{epochs}", refresh=False)
                    bar.set_postfix_str(_format_logs(batch_logs), refresh=False)
                    bar.update(1)
                if self.stop_training:
                    break
            logs = running.result()
            if validation_data is not None:
                val = self.evaluate(val_x, val_y, batch_size=batch_size, return_dict=True)
                logs.update({f"val_{k}": v for k, v in val.items()})
            _notify(callbacks, "on_epoch_end", epoch, logs)
            if bar is not None:
                bar.set_postfix_str(_format_logs(logs), refresh=False)
            elif verbose == 2:
                print(f"Epoch {epoch + 1}/{epochs} - {_format_logs(logs)}")
            if self.stop_training:
                break
        if bar is not None:
            bar.total = bar.n  # stopped early: the bar is complete, not failed
            bar.close()
        _notify(callbacks, "on_train_end", logs)
        self.history = history
        return history

    def evaluate(self, x, y, batch_size=32, return_dict=False):
        """Loss (and metrics) in inference mode.  Mirrors ``keras.Model.evaluate``.

        Returns the loss, or ``[loss, accuracy]`` when metrics were compiled, or a dict
        with ``return_dict=True``.  Batch losses are averaged weighted by batch size.
        """
        self._require_compiled("evaluate")
        x, y = self._check_xy(x, y)
        running = _Running(self.metrics)
        with ad.no_grad():
            for idx in batch_indices(len(x), check_int("batch_size", batch_size), shuffle=False):
                y_pred = self(x[idx], training=False)
                running.update(float(self._total_loss(y[idx], y_pred).data), y[idx], y_pred.data)
        logs = running.result()
        if return_dict:
            return logs
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    def predict(self, x, batch_size=32):
        """Outputs in inference mode, as a numpy array.  Mirrors ``keras.Model.predict``."""
        x = _as_input(x, self.dtype)
        with ad.no_grad():
            outs = [self(x[idx], training=False).data
                    for idx in batch_indices(len(x), check_int("batch_size", batch_size), shuffle=False)]
        return np.concatenate(outs)

    # ----- checks -------------------------------------------------------------
    def _require_built(self, what):
        if not self.built:
            raise ValueError(f"The model must be built before {what}(): call model.build(input_dim) "
                             "or call the model on a batch first.")

    def _require_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"You must call compile(optimizer, loss) before {what}().")

    def _check_xy(self, x, y):
        x = np.asarray(x.data if isinstance(x, ad.Tensor) else x)
        y = np.asarray(y)
        if x.ndim != 2:
            raise ValueError(f"`x` must have shape (samples, features); got shape {x.shape}")
        if y.ndim == 0 or len(y) != len(x):
            raise ValueError(f"`x` and `y` must have the same number of samples; got x with "
                             f"shape {x.shape} and y with shape {y.shape}")
        if self.built:
            _check_width(self.name, self.input_dim, x.shape)
        if not np.isfinite(x).all():
            raise ValueError("`x` contains NaN or inf")
        return x.astype(self.dtype, copy=False), y


# ----------------------------------------------------------------- helpers
class _Running:
    """Running means of the loss and metrics over an epoch, weighted by batch size (Keras's Mean)."""

    def __init__(self, metrics):
        self.metrics = metrics
        self.n, self.totals = 0, {"loss": 0.0, **{m: 0.0 for m in metrics}}

    def update(self, loss, y, y_pred):
        b = len(y_pred)
        self.n += b
        self.totals["loss"] += loss * b
        for m in self.metrics:
            self.totals[m] += float(_accuracy(y, y_pred).sum())
        return self.result()

    def result(self):
        return {k: v / max(self.n, 1) for k, v in self.totals.items()}


#: Cross-entropies that Keras on TensorFlow computes from the logits when the predictions
#: come out of a softmax or sigmoid (``_get_logits`` in keras/src/backend/tensorflow/nn.py).
_FROM_LOGITS = (losses.categorical_crossentropy, losses.sparse_categorical_crossentropy,
                losses.binary_crossentropy)


def _loss_values(loss, y_true, y_pred):
    """``loss(y_true, y_pred)``, from the logits where Keras (TensorFlow backend) uses them."""
    logits = getattr(y_pred, "keras_logits", None)
    wrapped = isinstance(loss, losses.LossFunctionWrapper)
    fn = loss.fn if wrapped else loss
    if logits is None or fn not in _FROM_LOGITS:
        return loss(y_true, y_pred)
    kwargs = {k: v for k, v in loss.get_config().items() if k not in ("name", "reduction")} if wrapped else {}
    values = fn(y_true, logits, **{**kwargs, "from_logits": True})
    return losses.reduce_weighted_values(values, None, loss.reduction) if wrapped else values


def _accuracy(y_true, y_pred):
    """Per-sample 0/1 correctness, with Keras's choice of binary / sparse / categorical accuracy."""
    y_true = np.asarray(y_true)
    if y_pred.shape[-1] == 1:  # binary: threshold 0.5
        return (y_pred.reshape(-1) > 0.5) == (y_true.reshape(-1) > 0.5)
    if _is_sparse(y_true, y_pred):
        return np.argmax(y_pred, axis=-1) == y_true.reshape(-1).astype(np.int64)
    return np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)


def _is_sparse(y_true, y_pred):
    """Keras's rule: integer labels when y_true has lower rank, or width 1 against width > 1."""
    return y_true.ndim < y_pred.ndim or (y_true.shape[-1] == 1 and y_pred.shape[-1] > 1)


def _cast_targets(y, y_pred):
    """Targets in the predictions' float type, except integer class labels (sparse losses)."""
    if np.issubdtype(y.dtype, np.integer) and _is_sparse(y, y_pred):
        return y
    return y.astype(y_pred.dtype, copy=False)


def _as_input(x, dtype):
    """A Tensor of floats (numpy inputs are cast to the model's dtype, as Keras does)."""
    if isinstance(x, ad.Tensor):
        return x
    x = np.asarray(x)
    dtype = dtype if dtype is not None else (x.dtype if np.issubdtype(x.dtype, np.floating) else "float32")
    return ad.Tensor(x.astype(dtype, copy=False))


def _check_width(name, expected, shape):
    if expected is not None and (len(shape) < 1 or shape[-1] != expected):
        raise ValueError(f"Input to {name!r} has the wrong width: expected {expected} features "
                         f"(shape (batch, {expected})), got shape {tuple(shape)}")


def make_weight(initializer, shape, dtype, rng):
    """A trainable Tensor filled by ``initializer`` (reproducibly when ``rng`` is given)."""
    values = initializer(shape, dtype=dtype, rng=rng)
    return ad.Tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def _assign(targets, weights, owner):
    """Copy ``weights`` into the arrays of ``targets`` in place, checking count and shapes."""
    weights = list(weights)
    if len(weights) != len(targets):
        raise ValueError(f"{owner!r} expects {len(targets)} weight arrays; received {len(weights)}")
    for i, (t, w) in enumerate(zip(targets, weights)):
        t, w = ad.array_of(t), np.asarray(w)
        if t.shape != w.shape:
            raise ValueError(f"{owner!r}: weight {i} must have shape {t.shape}; received shape {w.shape}")
        t[...] = w  # in place: the optimizer and the autodiff leaves keep the same arrays


def _assign_layers(layers, weights):
    weights = list(weights)
    expected = sum(len(layer.get_weights()) for layer in layers)
    if len(weights) != expected:
        raise ValueError(f"`weights` must hold {expected} arrays (as get_weights()); received {len(weights)}")
    for layer in layers:
        k = len(layer.get_weights())
        layer.set_weights(weights[:k])
        weights = weights[k:]


def _collect(layers, attribute):
    out = []
    for layer in layers:
        value = getattr(layer, attribute)
        out += value() if callable(value) else value
    return out


def _notify(callbacks, hook, *args):
    """Call ``hook`` on every callback that has it (Keras's optional hooks, e.g. on_train_batch_begin)."""
    for cb in callbacks:
        method = getattr(cb, hook, None)
        if method is not None:
            method(*args)


def _progress_bar(verbose, total, desc):
    """A tqdm bar for verbose=1 (a widget in Jupyter), else None.

    In a notebook the stored output is the bar's text when it first appears
    ("0/total", no timings), so re-executing the notebook gives the same text.
    """
    if verbose not in (0, 1, 2):
        raise ValueError(f"`verbose` must be 0, 1 or 2. Received: verbose={verbose!r}")
    if verbose != 1 or total == 0:
        return None
    from tqdm.auto import tqdm  # imported here: tqdm is only needed when a bar is shown
    return tqdm(total=total, desc=desc, unit="batch", leave=True)


def _format_logs(logs):
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())

