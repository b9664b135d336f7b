"""Schedule-free AdamW: interpolation and averaging in place of a learning-rate schedule."""
from __future__ import annotations

import numpy as np

from .._checks import check_betas, check_int
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW (Defazio et al., 2024, "The Road Less Scheduled").
    Mirrors ``keras.optimizers.ScheduleFreeAdamW``.

    Three sequences: z (Keras's ``momentum`` slot, where the gradient steps go),
    x (their running average, the point the theory evaluates) and y, the parameter
    itself, where the gradient is taken, in between:

        t     = iterations + 1
        lr_t  = lr min(t / warmup_steps, 1)            (lr if warmup_steps = 0)
        v_t   = v_{t-1} + (g_t^2 - v_{t-1}) (1 - beta_2)
        z_t   = z_{t-1} - lr_t g_t / (sqrt(v_t / (1 - beta_2^t)) + epsilon)
        x_{t-1} = (y_{t-1} - (1 - beta_1) z_{t-1}) / beta_1   (recovered: x is not stored)
        x_t   = (1 - 1/t) x_{t-1} + (1/t) z_t           (the uniform average of the z's)
        y_t   = (1 - beta_1) z_t + beta_1 x_t

    z_0 = y_0 (the initial parameter).  The averaging with weight 1/t does what a
    decaying schedule does, without fixing the number of steps in advance.

    Known difference with Keras on the TensorFlow backend: Keras reads
    ``momentum_old = momentum.value``, which there is a reference to the variable,
    not a copy, so x_{t-1} is recovered from z_t instead of z_{t-1} (its own comment
    says "Store momentum_old before any updates"; on the JAX backend, whose values are
    immutable arrays, it is a copy, as the comment intends: read in the code, not yet run).  We follow the paper and Keras's intent:
    ``keras_check.known_differences()`` reports both numbers.
    Defaults as Keras: learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
    warmup_steps=0.
    """

    slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_betas(beta_1, beta_2, epsilon)
        if beta_1 == 0:
            raise ValueError("`beta_1` must be in (0, 1): x is recovered by dividing by "
                             f"beta_1. Received: beta_1={beta_1!r}")
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.warmup_steps = check_int("warmup_steps", warmup_steps, minimum=0)

    def build_slots(self, param):
        return {"momentum": param.copy(), "velocity": np.zeros_like(param)}   # z_0 = y_0

    def update_step(self, grad, param, lr, momentum, velocity):
        dtype = param.dtype.type
        t = dtype(self.iterations + 1)
        if self.warmup_steps > 0:
            lr = lr * min(t / dtype(self.warmup_steps), 1.0)        # lr_t = lr min(t / warmup, 1)
        beta_1 = keras_constant(self.beta_1, param.dtype)
        beta_2 = keras_constant(self.beta_2, param.dtype)
        epsilon = keras_constant(self.epsilon, param.dtype)
        w = 1.0 / t                                                 # the averaging weight 1/t
        z, v, y = momentum, velocity, param
        z_old, x, d = scratch(param, 3)                             # temporaries, reused
        np.copyto(z_old, z)                                         # z_{t-1}
        np.square(grad, out=x); x -= v; x *= 1 - beta_2; v += x     # v += (g^2 - v)(1 - beta_2)
        np.divide(v, 1 - beta_2 ** t, out=d); np.sqrt(d, out=d)     # d = sqrt(v / (1 - beta_2^t))
        d += epsilon                                                # d += eps
        np.multiply(grad, lr, out=x); x /= d; z -= x                # z -= lr g / d
        np.multiply(z_old, 1 - beta_1, out=x); np.subtract(y, x, out=x)
        x /= beta_1                                                 # x = (y - (1 - beta_1) z_old) / beta_1
        x *= 1 - w; np.multiply(z, w, out=d); x += d                # x = (1 - 1/t) x + (1/t) z
        np.multiply(z, 1 - beta_1, out=d); x *= beta_1              # y = (1 - beta_1) z + beta_1 x
        np.add(d, x, out=y)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "warmup_steps": self.warmup_steps}
