"""Lion: the sign of an interpolated momentum."""
from __future__ import annotations

import numpy as np

from .._checks import check_fraction
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Lion(Optimizer):
    """Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms").
    Mirrors ``keras.optimizers.Lion``.

        p_t = p_{t-1} - lr sign(beta_1 m_{t-1} + (1 - beta_1) g_t)
        m_t = beta_2 m_{t-1} + (1 - beta_2) g_t

    Defaults as Keras: learning_rate=0.001, beta_1=0.9, beta_2=0.99.  beta_1 must be
    > 0 (beta_1 = 0 is signSGD).

    Known difference with Keras (kept): in float32 with ``clipnorm`` on big arrays,
    numpy and TensorFlow sum the gradient's norm in different orders, so the clipped
    gradient can differ by 1 ulp; where ``beta_1 m + (1 - beta_1) g`` is ~0, sign()
    then differs and the element ends up lr or 2 lr away from Keras's.  Neither
    order is more correct; ``keras_check.check_known_differences()`` shows both numbers.
    """

    slot_names = ("momentum",)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_fraction("beta_1", beta_1, low_inclusive=False)
        check_fraction("beta_2", beta_2)
        self.beta_1, self.beta_2 = beta_1, beta_2

    def update_step(self, grad, param, lr, momentum):
        beta_1 = keras_constant(self.beta_1, param.dtype)
        beta_2 = keras_constant(self.beta_2, param.dtype)
        m = momentum
        c, x = scratch(param, 2)                                    # temporaries, reused
        np.multiply(grad, 1.0 - beta_1, out=c)                      # c = (1 - beta_1) g
        np.multiply(m, beta_1, out=x); c += x                       # c += beta_1 m
        np.sign(c, out=c); c *= lr; param -= c                      # p -= lr sign(c)
        np.multiply(grad, 1.0 - beta_2, out=x); m *= beta_2; m += x  # m = beta_2 m + (1 - beta_2) g

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
