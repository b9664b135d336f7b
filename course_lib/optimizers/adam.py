"""Adam and AdamW: momentum plus a per-coordinate RMS step size."""
from __future__ import annotations

import numpy as np

from .._checks import check_betas
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), optionally AMSGrad.  Mirrors ``keras.optimizers.Adam``.

        t     = iterations + 1
        m_t   = m_{t-1} + (g_t - m_{t-1}) (1 - beta_1)     (= beta_1 m + (1 - beta_1) g)
        v_t   = v_{t-1} + (g_t^2 - v_{t-1}) (1 - beta_2)
        amsgrad: v_t <- vhat_t = max(vhat_{t-1}, v_t)
        alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)     (bias correction folded in)
        p_t   = p_{t-1} - alpha m_t / (sqrt(v_t) + epsilon)

    As in Keras, epsilon is added to the *uncorrected* sqrt(v_t); the textbook
    ``m_hat / (sqrt(v_hat) + eps)`` differs from it in the early steps.
    Defaults as Keras: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
    amsgrad=False.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_betas(beta_1, beta_2, epsilon)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.amsgrad = bool(amsgrad)

    @property
    def slot_names(self):
        return ("momentum", "velocity") + (("velocity_hat",) if self.amsgrad else ())

    def update_step(self, grad, param, lr, momentum, velocity, velocity_hat=None):
        dtype = param.dtype.type
        t = dtype(self.iterations + 1)
        beta_1_power = keras_constant(self.beta_1, param.dtype) ** t
        beta_2_power = keras_constant(self.beta_2, param.dtype) ** t
        alpha = lr * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)

        m, v = momentum, velocity
        x, d = scratch(param, 2)                                    # temporaries, reused
        np.subtract(grad, m, out=x); x *= 1 - self.beta_1; m += x   # m += (g - m)(1 - beta_1)
        np.square(grad, out=x); x -= v; x *= 1 - self.beta_2        # x = (g^2 - v)(1 - beta_2)
        v += x                                                      # v += x
        if self.amsgrad:
            np.maximum(velocity_hat, v, out=velocity_hat)           # vhat = max(vhat, v)
            v = velocity_hat                                        # (divide by sqrt(vhat))
        np.sqrt(v, out=d); d += self.epsilon                        # d = sqrt(v) + eps
        np.multiply(m, alpha, out=x); x /= d; param -= x            # p -= alpha m / d

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).
    Mirrors ``keras.optimizers.AdamW``.

        p <- p - p * weight_decay * lr     (before the step; the gradient is untouched)
        then the Adam step.

    The only difference from ``Adam(weight_decay=...)`` is the default:
    weight_decay=0.004 (Keras's), and it may not be None.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("`weight_decay` must be a float for AdamW. Received: weight_decay=None")
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
