"""Stochastic gradient descent, with optional (Nesterov) momentum."""
from __future__ import annotations

import numpy as np

from .._checks import check_fraction
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class SGD(Optimizer):
    """Gradient descent with momentum.  Mirrors ``keras.optimizers.SGD``.

    Without momentum:   p_t = p_{t-1} - lr g_t
    With momentum mu (the "velocity" form Keras uses):
        v_t = mu v_{t-1} - lr g_t
        p_t = p_{t-1} + v_t                      (classical)
        p_t = p_{t-1} + mu v_t - lr g_t          (nesterov=True)

    Defaults as Keras: learning_rate=0.01, momentum=0.0, nesterov=False.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_fraction("momentum", momentum)
        self.momentum = momentum
        self.nesterov = bool(nesterov)

    @property
    def slot_names(self):
        return ("momentum",) if self.momentum != 0 else ()

    def update_step(self, grad, param, lr, momentum=None):
        x, y = scratch(param, 2)                                    # temporaries, reused
        np.multiply(grad, lr, out=x)                                # x = lr g
        if momentum is None:
            param -= x                                              # p -= lr g
            return
        mu = keras_constant(self.momentum, param.dtype)
        v = momentum
        v *= mu; v -= x                                             # v = mu v - lr g
        if self.nesterov:
            np.multiply(v, mu, out=y); y -= x; param += y           # p += mu v - lr g
        else:
            param += v                                              # p += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
