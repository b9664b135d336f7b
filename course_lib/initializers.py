"""Weight initializers: callables ``w = init(shape, dtype="float32", rng=None)``.

Mirrors ``keras.initializers``: same names, arguments, defaults, fan
computation and distributions.  The values are drawn with numpy, so they are
not Keras's numbers; they follow the same distributions (checked on large
draws in the tests).

``rng`` may be a ``numpy.random.Generator`` (draws continue from it), an int
seed, or None: then the initializer's own ``seed`` is used, so that, as in
Keras, an initializer built with ``seed=3`` returns the same values at every
call, and one built with ``seed=None`` returns fresh values.

Variance scaling (Glorot, He, LeCun) in one line: with ``n`` = fan_in,
fan_out or (fan_in + fan_out)/2, the weights have variance ``scale / n``:

    uniform:            w ~ U(-limit, limit),  limit = sqrt(3 scale / n)
    truncated normal:   w ~ N(0, sd^2) cut at +-2 sd,  sd = sqrt(scale / n) / 0.8796...
    untruncated normal: w ~ N(0, scale / n)

(0.87962566103423978 is the standard deviation of a standard normal cut at
+-2, so dividing by it gives the truncated variable variance exactly scale / n.)
"""
from __future__ import annotations

import math

import numpy as np

from ._checks import check_choice, check_float_dtype, check_non_negative, check_number, check_positive, check_shape
from ._names import snake_case

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform",
           "HeNormal", "LecunUniform", "LecunNormal", "Orthogonal", "compute_fans", "get"]

# Standard deviation of N(0, 1) truncated to [-2, 2] (the constant Keras uses).
TRUNCATED_NORMAL_STD = 0.87962566103423978


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape, as Keras computes them.

        ()                     -> (1, 1)
        (n,)                   -> (n, n)
        (n_in, n_out)          -> (n_in, n_out)            a Dense kernel
        (k1, ..., n_in, n_out) -> (n_in * k, n_out * k)    a convolution kernel, k = k1 * ...
    """
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class.  Mirrors ``keras.initializers.Initializer``.

    A subclass implements ``_draw(shape, dtype, rng)``; ``__call__`` checks the
    arguments and picks the random generator.
    """

    seed = None

    def __call__(self, shape, dtype="float32", rng=None):
        shape = check_shape("shape", shape)
        if rng is None or isinstance(rng, (int, np.integer)):
            rng = np.random.default_rng(self.seed if rng is None else rng)
        elif not isinstance(rng, np.random.Generator):
            raise TypeError(f"Argument `rng` must be a numpy Generator, an int seed or None. Received: {rng!r}")
        return self._draw(shape, np.dtype(dtype), rng)

    def get_config(self):
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Constant(Initializer):
    """Every weight equal to ``value``, a scalar.  Mirrors ``keras.initializers.Constant``.

    As in Keras, the value passes through float32 on its way to the weights:
    ``ops.cast(0.37, "float64")`` first makes a float32 tensor, so a float64
    weight holds 0.3700000047683716, not 0.37.
    """

    def __init__(self, value=0.0):
        check_number("value", value)   # Keras: "Only scalar values are allowed"
        self.value = value

    def _draw(self, shape, dtype, rng):
        return np.full(shape, np.float32(self.value), dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class Zeros(Constant):
    """All zeros.  Mirrors ``keras.initializers.Zeros`` (the default bias initializer)."""

    def __init__(self):
        super().__init__(0.0)

    def get_config(self):
        return {}


class Ones(Constant):
    """All ones.  Mirrors ``keras.initializers.Ones``."""

    def __init__(self):
        super().__init__(1.0)

    def get_config(self):
        return {}


class _Random(Initializer):
    def __init__(self, seed=None):
        self.seed = seed


def _truncated_normal(rng, shape, mean, stddev):
    """N(mean, stddev^2) restricted to [mean - 2 stddev, mean + 2 stddev], by redrawing outliers."""
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2
    while outside.any():  # ~4.6% redrawn each round
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2
    return mean + stddev * z


class RandomNormal(_Random):
    """w ~ N(mean, stddev^2).  Mirrors ``keras.initializers.RandomNormal``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        check_non_negative("stddev", stddev)
        self.mean, self.stddev = mean, stddev

    def _draw(self, shape, dtype, rng):
        return rng.normal(self.mean, self.stddev, shape).astype(check_float_dtype("dtype", dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """w ~ N(mean, stddev^2) cut at mean +- 2 stddev.  Mirrors ``keras.initializers.TruncatedNormal``."""

    def _draw(self, shape, dtype, rng):
        return _truncated_normal(rng, shape, self.mean, self.stddev).astype(check_float_dtype("dtype", dtype))


class RandomUniform(_Random):
    """w ~ U(minval, maxval).  Mirrors ``keras.initializers.RandomUniform``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        if not minval <= maxval:
            raise ValueError(f"Argument `maxval` must be >= minval. Received: minval={minval}, maxval={maxval}")
        self.minval, self.maxval = minval, maxval

    def _draw(self, shape, dtype, rng):
        return rng.uniform(self.minval, self.maxval, shape).astype(check_float_dtype("dtype", dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(_Random):
    """Weights with variance ``scale / n``.  Mirrors ``keras.initializers.VarianceScaling``.

    n = max(1, fan_in), max(1, fan_out) or max(1, (fan_in + fan_out) / 2) for
    mode "fan_in", "fan_out", "fan_avg"; distribution "truncated_normal" (also
    spelled "normal"), "untruncated_normal" or "uniform" -- see the module
    docstring for the three formulas.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        check_positive("scale", scale)
        check_choice("mode", mode, ("fan_in", "fan_out", "fan_avg"))
        distribution = str(distribution).lower()
        distribution = "truncated_normal" if distribution == "normal" else distribution
        check_choice("distribution", distribution, ("truncated_normal", "untruncated_normal", "uniform"))
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def variance(self, shape):
        """The variance ``scale / n`` the weights of this shape get."""
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return self.scale / max(1.0, n)

    def _draw(self, shape, dtype, rng):
        dtype = check_float_dtype("dtype", dtype)
        variance = self.variance(shape)
        if self.distribution == "truncated_normal":
            w = _truncated_normal(rng, shape, 0.0, math.sqrt(variance) / TRUNCATED_NORMAL_STD)
        elif self.distribution == "untruncated_normal":
            w = rng.normal(0.0, math.sqrt(variance), shape)
        else:
            limit = math.sqrt(3.0 * variance)
            w = rng.uniform(-limit, limit, shape)
        return w.astype(dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


def _variance_scaling(name, scale, mode, distribution, paper):
    """Define a named VarianceScaling preset (Glorot, He, LeCun) as Keras does."""

    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self):
        return {"seed": self.seed}

    n = {"fan_in": "fan_in", "fan_out": "fan_out", "fan_avg": "(fan_in + fan_out) / 2"}[mode]
    formula = (f"w ~ U(-limit, limit), limit = sqrt({3 * scale:g} / n)" if distribution == "uniform" else
               f"w ~ N(0, sd^2) truncated at +-2 sd, sd = sqrt({scale:g} / n) / 0.8796...")
    doc = (f"{paper}: {formula}, n = {n}, so Var(w) = {scale:g} / n.\n\n"
           f"    Mirrors ``keras.initializers.{name}`` = VarianceScaling(scale={scale:g}, "
           f"mode={mode!r}, distribution={distribution!r}).\n    ")
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                           "__module__": __name__})


GlorotUniform = _variance_scaling("GlorotUniform", 1.0, "fan_avg", "uniform", "Glorot & Bengio 2010 (Xavier)")
GlorotNormal = _variance_scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal", "Glorot & Bengio 2010 (Xavier)")
HeUniform = _variance_scaling("HeUniform", 2.0, "fan_in", "uniform", "He et al. 2015, for ReLU")
HeNormal = _variance_scaling("HeNormal", 2.0, "fan_in", "truncated_normal", "He et al. 2015, for ReLU")
LecunUniform = _variance_scaling("LecunUniform", 1.0, "fan_in", "uniform", "LeCun et al. 1998, for SELU")
LecunNormal = _variance_scaling("LecunNormal", 1.0, "fan_in", "truncated_normal", "LeCun et al. 1998, for SELU")


class Orthogonal(_Random):
    """A (semi-)orthogonal matrix times ``gain`` (Saxe et al. 2014).  Mirrors ``keras.initializers.Orthogonal``.

    The shape is flattened to rows = prod(shape[:-1]), cols = shape[-1].  With
    A ~ N(0, 1) of shape (max, min) and A = QR:

        Q <- Q * sign(diag(R))      (makes Q uniformly distributed over orthogonal matrices)
        W = gain * Q   (or gain * Q^T when rows < cols), reshaped to ``shape``

    so W^T W = gain^2 I (columns orthonormal) when rows >= cols, else W W^T = gain^2 I.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def _draw(self, shape, dtype, rng):
        dtype = check_float_dtype("dtype", dtype)
        if len(shape) < 2:
            raise ValueError(f"Argument `shape` must be at least two-dimensional for Orthogonal. Received: shape={shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


_ALL = [Constant, Zeros, Ones, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
        GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal]


# Keras accepts the class name, its snake_case and a few aliases.
_BY_NAME = {cls.__name__: cls for cls in _ALL}
_BY_NAME.update({snake_case(cls.__name__): cls for cls in _ALL})
_BY_NAME.update({"normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros})


def get(identifier):
    """An initializer from a name ("glorot_uniform", "HeNormal", "zeros", ...), a class or an instance.

    Mirrors ``keras.initializers.get``.  Unknown names raise ValueError.
    """
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            known = sorted(name for name in _BY_NAME if name.islower())
            raise ValueError(f"Unknown initializer `identifier`={identifier!r}. Known names: {', '.join(known)}.")
        return _BY_NAME[identifier]()
    if callable(identifier):
        return identifier
    raise TypeError(f"Argument `identifier` must be a name, an Initializer or a callable. Received: {identifier!r}")
