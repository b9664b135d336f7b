"""Run one of our optimizers and its Keras twin side by side."""
from __future__ import annotations

import numpy as np

from ._known import known_difference
from ._table import Comparison, absdiff

__all__ = ["compare_optimizer", "keras_twin", "TOLERANCE", "optimizer_tolerance"]

#: Scalar-like, vector, matrix and 3-D parameters.
DEFAULT_SHAPES = ((1,), (7,), (5, 3), (2, 3, 4))

#: The max |ours - keras| an optimizer must meet over a compare_optimizer run, per dtype
#: (8 float32 ulps of 1, and float64 rounding); the schedules and losses meet the same.
TOLERANCE = {"float32": 1e-6, "float64": 1e-12}

#: The one measured exception: Ftrl in float32.  Ftrl subtracts the powers of two nearly
#: equal accumulators, n_t^c - n_{t-1}^c, which magnifies the last-bit differences of
#: TensorFlow's float32 pow.  Over 1000 seeded runs of 100 steps with random
#: hyperparameters (tests/test_optimizers.py's ranges, a fifth each without and with
#: clipnorm, clipvalue, global_clipnorm, weight_decay): median 4.8e-7, 99th percentile
#: 1.2e-6, worst 2.6e-6, 12 runs above 1e-6.  5e-6 keeps a 2x margin over the worst.
#: Default hyperparameters stay under 1e-6; float64 meets 1e-12.
FTRL_FLOAT32_TOLERANCE = 5e-6


def optimizer_tolerance(name, dtype):
    """The tolerance for optimizer ``name`` ("ftrl", "Ftrl"...) in ``dtype``: TOLERANCE, but Ftrl's in float32."""
    if str(name).lower() == "ftrl" and str(np.dtype(dtype)) == "float32":
        return FTRL_FLOAT32_TOLERANCE
    return TOLERANCE[str(np.dtype(dtype))]


def compare_optimizer(ours, keras_optimizer=None, shapes=DEFAULT_SHAPES, steps=100,
                      dtype="float64", seed=0, grads=None, compiled=False) -> Comparison:
    """Train the same parameters with ``ours`` and with Keras; compare after every step.

    Arguments:
        ours: a ``course_lib.optimizers`` name (``"adam"``) or Optimizer instance.
        keras_optimizer: the Keras optimizer to compare with; default: the Keras
            class of the same name, built from ``ours.get_config()`` (a callable
            learning-rate schedule ``lr(step)`` is wrapped into a Keras schedule).
        shapes: parameter shapes (one array each, all trained together).
        steps: number of optimizer steps.
        dtype: ``"float32"`` or ``"float64"`` for parameters and gradients.
        seed: seeds the initial parameters and the gradient noise.
        grads: ``grads(step, params) -> list of arrays``; default: the gradient of
            a random quadratic bowl plus noise, ``g = a * (p - c) + noise_step``.
            It is evaluated separately on each side's own parameters, so a
            difference propagates as it would in training.
        compiled: run the Keras step inside ``tf.function``, as ``model.fit``
            does (6x faster here).  Only on the TensorFlow backend and with a
            Keras schedule or float learning rate; otherwise Keras runs eagerly.

    Returns a Comparison with one row (step, max |ours - keras| over all
    parameters) per step.  Fresh optimizer state is used on both sides, so
    ``ours`` must not have been built yet.
    """
    import keras  # lazily: importing course_lib must not load TensorFlow

    from .. import optimizers

    ours = optimizers.get(ours)
    if ours.built:
        raise ValueError("`ours` has already been built; pass a fresh optimizer")
    if keras_optimizer is None:
        keras_optimizer = keras_twin(ours)
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"`dtype` must be 'float32' or 'float64'. Received: dtype={dtype!r}")

    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s).astype(dtype) for s in shapes]
    if grads is None:
        grads = _noisy_bowl(shapes, dtype, steps, rng)
    keras_vars = [keras.Variable(p.copy(), dtype=dtype) for p in params]
    keras_step = _keras_step(keras_optimizer, keras_vars, compiled)

    keras_params = [p.copy() for p in params]
    rows = []
    for step in range(steps):
        keras_grads = [keras.ops.convert_to_tensor(g, dtype=dtype)
                       for g in grads(step, keras_params)]
        keras_step(keras_grads)
        ours.apply(grads(step, params), params)
        keras_params = [np.asarray(v.numpy()) for v in keras_vars]
        diff = max(absdiff(p, k) for p, k in zip(params, keras_params))  # absdiff: NaN counts as inf
        rows.append((step + 1, diff))
    return Comparison(type(ours).__name__, str(np.dtype(dtype)), rows)


def _keras_step(keras_optimizer, keras_vars, compiled):
    """``step(grads)`` applying the Keras optimizer, eagerly or inside tf.function."""
    import keras

    def step(grads):
        keras_optimizer.apply(grads, keras_vars)

    wrapped_schedule = isinstance(getattr(keras_optimizer, "_learning_rate", None), _Wrapped)
    if not compiled or keras.backend.backend() != "tensorflow" or wrapped_schedule:
        return step
    import tensorflow as tf

    keras_optimizer.build(keras_vars)  # variables must exist before tracing
    return tf.function(step)


def keras_twin(ours, as_released=False):
    """The Keras optimizer with the same class name and hyperparameters as ``ours``.

    ScheduleFreeAdamW on the TensorFlow backend is Keras's class with its one known
    defect mended (it recovers x from the updated momentum, see
    :class:`course_lib.optimizers.ScheduleFreeAdamW`), unless ``as_released``: then
    Keras's class as it is, which ``known_differences`` compares with.
    """
    import keras

    config = ours.get_config()
    lr = config["learning_rate"]
    if callable(lr) and not isinstance(lr, keras.optimizers.schedules.LearningRateSchedule):
        config["learning_rate"] = _as_keras_schedule(lr)
    name = type(ours).__name__
    if name == "ScheduleFreeAdamW" and not as_released and keras.backend.backend() == "tensorflow":
        return _mended_schedule_free_adamw()(**config)
    return getattr(keras.optimizers, name)(**config)


def _mended_schedule_free_adamw():
    """Keras's ScheduleFreeAdamW with ``momentum_old`` a copy, as its comment intends.

    On TensorFlow ``momentum.value`` is the variable itself, so Keras's released
    ``update_step`` reads the momentum *after* ``assign_sub``.  This is its
    ``update_step`` (Keras 3.15) line for line, with the one ``ops.copy`` added.
    """
    import keras
    from keras import ops

    class MendedScheduleFreeAdamW(keras.optimizers.ScheduleFreeAdamW):
        def update_step(self, gradient, variable, learning_rate):
            lr = ops.cast(learning_rate, variable.dtype)
            gradient = ops.cast(gradient, variable.dtype)
            local_step = ops.cast(self.iterations + 1, variable.dtype)
            beta_1 = ops.cast(self.beta_1, variable.dtype)
            beta_2 = ops.cast(self.beta_2, variable.dtype)
            epsilon = ops.cast(self.epsilon, variable.dtype)
            if self.warmup_steps > 0:
                warmup_steps = ops.cast(self.warmup_steps, variable.dtype)
                lr = lr * ops.minimum(local_step / warmup_steps, 1.0)
            var_index = self._get_variable_index(variable)
            momentum = self._momentums[var_index]
            velocity = self._velocities[var_index]
            momentum_old = ops.copy(momentum.value)             # the one change: a copy
            bias_correction_2 = 1 - ops.power(beta_2, local_step)
            self.assign_add(velocity, ops.multiply(
                ops.subtract(ops.square(gradient), velocity), 1 - beta_2))
            denom = ops.add(ops.sqrt(velocity / bias_correction_2), epsilon)
            self.assign_sub(momentum, ops.divide(ops.multiply(lr, gradient), denom))
            weight = 1.0 / local_step
            x_old = ops.divide(ops.subtract(variable, ops.multiply(1 - beta_1, momentum_old)),
                               beta_1)
            x_new = ops.add(ops.multiply(1 - weight, x_old), ops.multiply(weight, momentum))
            self.assign(variable, ops.add(ops.multiply(1 - beta_1, momentum),
                                          ops.multiply(beta_1, x_new)))

    return MendedScheduleFreeAdamW


def _as_keras_schedule(fn):
    """Wrap a plain ``lr(step)`` callable as a Keras LearningRateSchedule (float32, as Keras's)."""
    import keras

    class Wrapped(keras.optimizers.schedules.LearningRateSchedule, _Wrapped):
        def __call__(self, step):
            step = int(step)   # eager only
            return keras.ops.convert_to_tensor(np.float32(fn(step)), dtype="float32")

    return Wrapped()


class _Wrapped:
    """Marks a wrapped Python schedule (it cannot run inside tf.function)."""


def _noisy_bowl(shapes, dtype, steps, rng):
    """Gradients of sum(a/2 (p - c)^2) plus fixed per-step noise (seeded)."""
    a = [rng.uniform(0.5, 2.0, size=s).astype(dtype) for s in shapes]
    c = [rng.normal(size=s).astype(dtype) for s in shapes]
    noise = [[rng.normal(scale=0.5, size=s).astype(dtype) for s in shapes] for _ in range(steps)]

    def grads(step, params):
        return [ai * (p - ci) + ni for ai, p, ci, ni in zip(a, params, c, noise[step])]

    return grads


# ----- known, explained differences (printed by tools/check_against_keras.py) ----------------
@known_difference(
    "Lion", "float32, clipnorm=1, a (3000, 700) heavy-tailed gradient whose update "
    "(1 - beta_1) g + beta_1 m is ~0 (params at the 3 first differing elements)",
    "The float32 norm of a big array is summed in a different order by numpy and by "
    "TensorFlow, so the clipped gradient differs by 1 ulp in many elements; sign() of an "
    "interpolation that is ~0 then flips (or is 0 on one side), and those elements end up "
    "2 lr (or lr) apart. "
    "Neither order is more correct: we keep numpy's.")
def _lion_clipnorm_float32():
    import keras

    from .. import optimizers
    from ..optimizers._base import _clip_by_norm

    rng = np.random.default_rng(0)
    shape = (3000, 700)
    params = rng.normal(size=shape).astype("float32")
    h = (rng.lognormal(0, 3, size=shape) * rng.choice([-1, 1], size=shape)).astype("float32")
    # Step 1 (beta_2 = 0, so m_1 = g_1, not clipped) prepares m_1 = -(1 - beta_1) clip(h) / beta_1:
    # at step 2, with g = h, the interpolation is rounding noise around 0.
    beta_1 = np.float32(0.9)
    g1 = (-np.float64(1 - beta_1) * _clip_by_norm(h, 1.0) / np.float64(beta_1)).astype("float32")
    kwargs = {"learning_rate": 0.001, "clipnorm": 1.0, "beta_1": 0.9, "beta_2": 0.0}
    ours, theirs = optimizers.Lion(**kwargs), keras.optimizers.Lion(**kwargs)
    var = keras.Variable(params.copy())
    for g in (g1, h):
        ours.apply([g], [params])
        theirs.apply([keras.ops.convert_to_tensor(g)], [var])
    keras_params = np.asarray(var.numpy())
    where = np.flatnonzero(params != keras_params)[:3]
    where = where if where.size else np.arange(3)
    return params.reshape(-1)[where], keras_params.reshape(-1)[where]


@known_difference(
    "ScheduleFreeAdamW", "default hyperparameters, float64, 3 parameters, 20 steps of "
    "seeded normal gradients (the parameters after them)",
    "On TensorFlow, Keras's `momentum_old = momentum.value` is the variable itself, so x is "
    "recovered from the momentum after the step, not before (its own comment says "
    "'Store momentum_old before any updates'; on JAX, whose values are immutable arrays, it "
    "is a copy: read in the code, not yet run). We follow the "
    "paper; with that one line mended (keras_twin) Keras equals ours to 1e-15.",
    backends=("tensorflow",))
def _schedule_free_momentum_alias():
    import keras

    from .. import optimizers

    rng = np.random.default_rng(0)
    params = rng.normal(size=3)
    ours = optimizers.ScheduleFreeAdamW()
    theirs, var = keras_twin(ours, as_released=True), keras.Variable(params.copy())
    for _ in range(20):
        g = rng.normal(size=3)
        ours.apply([g], [params])
        theirs.apply([keras.ops.convert_to_tensor(g)], [var])
    return params, np.asarray(var.numpy())
