"""A vanilla recurrent layer on the autodiff engine.  Mirrors ``keras.layers.SimpleRNN``.

A recurrent layer reads a sequence ``x_1 .. x_T`` (input shape ``(batch, T, features)``)
one step at a time and carries a hidden state ``h`` from step to step:

    h_0 = 0
    h_t = tanh(x_t W + b + h_{t-1} U)          W: (features, units), U: (units, units)

and returns the last state ``h_T`` (shape ``(batch, units)``), or every state
``h_1 .. h_T`` (shape ``(batch, T, units)``) with ``return_sequences=True``.

The loop is plain Python over the time steps; autodiff records every step, so
``loss.backward()`` *is* backpropagation through time.  The gradient reaching
``h_1`` from ``h_T`` is a product of ``T - 1`` Jacobians ``diag(1 - h_t^2) U^T``: it
shrinks or grows geometrically with ``T`` — the vanishing/exploding gradients that
make recurrent networks hard for plain SGD (notebook 04 measures it).
"""
from __future__ import annotations


import numpy as np

from . import autodiff as ad
from . import initializers
from ._checks import check_int
from .nn import Layer, make_weight, get_activation

__all__ = ["SimpleRNN", "simple_rnn"]


class SimpleRNN(Layer):
    """Fully connected recurrent layer.  Mirrors ``keras.layers.SimpleRNN``.

        h_t = activation(x_t W + b + h_{t-1} U),   h_0 = 0

    Weights in Keras's order: ``kernel`` W (features, units), ``recurrent_kernel``
    U (units, units), ``bias`` b (units,).  Defaults as Keras: activation="tanh",
    kernel Glorot-uniform, recurrent kernel orthogonal, bias zeros,
    return_sequences=False.  Inputs have shape (batch, timesteps, features).
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 return_sequences=False, name=None):
        super().__init__(name)
        self.units = check_int("units", units)
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.return_sequences = bool(return_sequences)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel = self.recurrent_kernel = self.bias = None

    def build(self, input_dim, dtype="float32", rng=None):
        super().build(input_dim, dtype)
        self.kernel = make_weight(self.kernel_initializer, (self.input_dim, self.units), self.dtype, rng)
        self.recurrent_kernel = make_weight(self.recurrent_initializer, (self.units, self.units), self.dtype, rng)
        if self.use_bias:
            self.bias = make_weight(self.bias_initializer, (self.units,), self.dtype, rng)
        return self.units

    def call(self, x, training=False):
        # simple_rnn checks that x has shape (batch, timesteps, features).
        return simple_rnn(x, self.kernel, self.recurrent_kernel, self.bias, self.activation,
                          self.return_sequences)

    @property
    def trainable_weights(self):
        weights = [self.kernel, self.recurrent_kernel]
        return weights + [self.bias] if self.use_bias else weights



def simple_rnn(x, kernel, recurrent_kernel, bias=None, activation=ad.tanh, return_sequences=False):
    """The recurrence of :class:`SimpleRNN` as a function of its weights (for ``training.train``).

        h_0 = 0,   h_t = activation(x_t W + b + h_{t-1} U),   t = 1 .. T

    ``x``: array or Tensor (batch, T, features); ``kernel`` W, ``recurrent_kernel`` U and
    ``bias`` b (or None): Tensors or arrays.  Returns ``h_T`` (batch, units), or all states
    (batch, T, units) with ``return_sequences=True``.
    """
    x = ad.as_tensor(x)
    if x.ndim != 3:
        raise ValueError(f"`x` must have shape (batch, timesteps, features); got shape {tuple(x.shape)}")
    batch, units = x.shape[0], recurrent_kernel.shape[0]
    h = ad.Tensor(np.zeros((batch, units), dtype=x.dtype))
    states = []
    for t in range(x.shape[1]):
        z = x[:, t, :] @ kernel
        if bias is not None:
            z = z + bias                                # Keras: (x W + b) + h U, in this order
        h = activation(z + h @ recurrent_kernel)
        states.append(h.reshape((batch, 1, units)))
    return ad.concatenate(states, axis=1) if return_sequences else h
