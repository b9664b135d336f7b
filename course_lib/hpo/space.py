"""Search spaces: the hyperparameters a search may try, their types and ranges.

A *space* maps each hyperparameter's name to a *dimension*:

- ``Uniform(low, high)``      a float, every value in [low, high] equally likely;
- ``LogUniform(low, high)``   a float whose logarithm is uniform: p(x) = 1 / (x ln(high/low)),
                              so [1e-4, 1e-3] is as likely as [1e-2, 1e-1] (learning rates, penalties);
- ``Integer(low, high)``      an integer in {low, ..., high}, both included (``log=True``: uniform in log);
- ``Categorical(choices)``    one of a list of values (an activation, an optimizer's name).

Every dimension maps its values to and from the unit interval, ``u = to_unit(x)`` in [0, 1]
(log-scaled where the dimension is log), so the Gaussian process and the genetic algorithm work
in the unit cube [0, 1]^d whatever the types are:

    Uniform:     u = (x - low) / (high - low)
    LogUniform:  u = (ln x - ln low) / (ln high - ln low)
    Integer:     u = (x - low + 1/2) / (high - low + 1)        (the cell of x; from_unit rounds)
    Categorical: u = (i + 1/2) / k  for the i-th of k choices  (an ordinal code: a simplification)

These are Optuna's ``FloatDistribution(low, high, log=...)``, ``IntDistribution`` and
``CategoricalDistribution``, and scikit-learn's ``scipy.stats.uniform`` / ``loguniform`` / lists.

``Space.grid(points)`` lists every combination of a few values per dimension in the order of
``sklearn.model_selection.ParameterGrid``: names sorted, the *last* name varying fastest.
"""
from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

from .._checks import check_int, check_number

__all__ = ["Uniform", "LogUniform", "Integer", "Categorical", "Space", "as_rng", "to_python"]


def as_rng(random_state=None) -> np.random.Generator:
    """A numpy Generator from ``random_state`` (None, an int seed, or a Generator), as scikit-learn reads it."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or (isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)):
        return np.random.default_rng(random_state)
    raise TypeError(f"`random_state` must be None, an int or a numpy Generator. Received: random_state={random_state!r}")


def _check_range(low, high, log: bool):
    """low < high, both finite; both > 0 on a log scale."""
    check_number("low", low)
    check_number("high", high)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"`low` and `high` must be finite. Received: low={low!r}, high={high!r}")
    if not low < high:
        raise ValueError(f"`low` must be smaller than `high`. Received: low={low!r}, high={high!r}")
    if log and low <= 0:
        raise ValueError(f"A log-scaled range needs `low` > 0 (the log of 0 or less is undefined). "
                         f"Received: low={low!r}, high={high!r}")


class Uniform:
    """A float uniform on [low, high]:  p(x) = 1 / (high - low)."""

    log = False

    def __init__(self, low, high):
        _check_range(low, high, self.log)
        self.low, self.high = float(low), float(high)

    def _forward(self, x):   # the scale on which the dimension is uniform
        return np.log(x) if self.log else x

    def _backward(self, t):
        return np.exp(t) if self.log else t

    def sample(self, rng, size=None):
        """Draw values: x = low + (high - low) U (uniform scale) or exp(ln low + ln(high/low) U) (log)."""
        u = rng.uniform(size=size)  # U ~ Uniform(0, 1)
        return self.from_unit(u)

    def to_unit(self, x):
        a, b = self._forward(self.low), self._forward(self.high)
        return (self._forward(np.asarray(x, dtype=float)) - a) / (b - a)  # u = (t(x) - t(low)) / (t(high) - t(low))

    def from_unit(self, u):
        a, b = self._forward(self.low), self._forward(self.high)
        x = self._backward(a + (b - a) * np.clip(u, 0.0, 1.0))       # x = t^-1(t(low) + u (t(high) - t(low)))
        x = np.clip(x, self.low, self.high)  # exp(log(high)) can overshoot high by one ulp
        return float(x) if np.ndim(x) == 0 else x

    def grid(self, points):
        """``points`` values evenly spaced on the dimension's scale, both ends included."""
        points = check_int("points", points)
        return [float(v) for v in self.from_unit(np.linspace(0.0, 1.0, points) if points > 1 else np.array([0.5]))]

    def __repr__(self):
        return f"{type(self).__name__}({self.low!r}, {self.high!r})"


class LogUniform(Uniform):
    """A float whose logarithm is uniform on [ln low, ln high]:  p(x) = 1 / (x ln(high / low)).

    Same law as ``scipy.stats.loguniform(low, high)``.
    """

    log = True


class Integer:
    """An integer in {low, ..., high} (both included); uniform, or uniform in log when ``log=True``."""

    def __init__(self, low, high, log=False):
        for name, value in (("low", low), ("high", high)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"`{name}` must be an integer. Received: {name}={value!r}")
        _check_range(low, high, log)
        self.low, self.high, self.log = int(low), int(high), bool(log)

    def _edges(self):
        """The continuous range whose cells [k - 1/2, k + 1/2] round to each integer k."""
        if self.log:  # cells of equal width in log: [ln(low), ln(high + 1)), floored
            return math.log(self.low), math.log(self.high + 1)
        return self.low - 0.5, self.high + 0.5

    def sample(self, rng, size=None):
        return self.from_unit(rng.uniform(size=size))

    def to_unit(self, x):
        a, b = self._edges()
        x = np.asarray(x, dtype=float)
        centre = np.log(x + 0.5) if self.log else x  # the middle of x's cell on the dimension's scale
        return np.clip((centre - a) / (b - a), 0.0, 1.0)

    def from_unit(self, u):
        a, b = self._edges()
        t = a + (b - a) * np.clip(u, 0.0, 1.0)
        x = np.floor(np.exp(t)) if self.log else np.round(t)   # back to the integer whose cell holds t
        x = np.clip(x, self.low, self.high).astype(int)
        return int(x) if np.ndim(x) == 0 else x

    def grid(self, points):
        """Up to ``points`` distinct integers spread evenly (every integer if there are fewer)."""
        points = check_int("points", points)
        if self.high - self.low + 1 <= points:
            return list(range(self.low, self.high + 1))
        scale = np.geomspace if self.log else np.linspace
        return sorted({int(round(v)) for v in scale(self.low, self.high, points)})

    def __repr__(self):
        return f"Integer({self.low!r}, {self.high!r}{', log=True' if self.log else ''})"


class Categorical:
    """One of ``choices`` (at least one), each equally likely."""

    log = False

    def __init__(self, choices):
        if isinstance(choices, (str, bytes)) or not hasattr(choices, "__len__") or len(choices) == 0:
            raise ValueError(f"`choices` must be a non-empty list of values. Received: choices={choices!r}")
        self.choices = list(choices)

    def sample(self, rng, size=None):
        idx = rng.integers(len(self.choices), size=size)
        return self.choices[int(idx)] if size is None else [self.choices[i] for i in idx]

    def index(self, value):
        for i, choice in enumerate(self.choices):
            if choice == value:
                return i
        raise ValueError(f"{value!r} is not one of the choices {self.choices!r}")

    def to_unit(self, value):
        return (self.index(value) + 0.5) / len(self.choices)       # u = (i + 1/2) / k

    def from_unit(self, u):
        i = int(np.clip(np.floor(float(u) * len(self.choices)), 0, len(self.choices) - 1))  # i = floor(u k)
        return self.choices[i]

    def grid(self, points=None):
        return list(self.choices)  # every choice, whatever the number of points

    def __repr__(self):
        return f"Categorical({self.choices!r})"


DIMENSION_TYPES = (Uniform, Integer, Categorical)


class Space:
    """Named dimensions: ``Space({"learning_rate": LogUniform(1e-4, 1e-1), "units": Integer(8, 128)})``.

    ``names`` are sorted (scikit-learn's ParameterGrid order), and every method walks the
    dimensions in that order, so a seed gives the same parameters whatever the dict's order.
    """

    def __init__(self, dimensions):
        if not isinstance(dimensions, dict) or not dimensions:
            raise ValueError(f"A search space needs at least one hyperparameter: a non-empty dict "
                             f"name -> dimension. Received: {dimensions!r}")
        for name, dim in dimensions.items():
            if not isinstance(name, str):
                raise TypeError(f"Hyperparameter names must be strings. Received: {name!r}")
            if not isinstance(dim, DIMENSION_TYPES):
                raise TypeError(f"Unknown type for hyperparameter {name!r}: {dim!r}. Expected Uniform, "
                                f"LogUniform, Integer or Categorical.")
        self.names = sorted(dimensions)
        self.dimensions = {name: dimensions[name] for name in self.names}

    def __len__(self):
        return len(self.names)

    def __getitem__(self, name):
        return self.dimensions[name]

    def sample(self, random_state=None) -> dict:
        """One random point: each dimension drawn independently, in sorted-name order."""
        rng = as_rng(random_state)
        return {name: to_python(dim.sample(rng)) for name, dim in self.dimensions.items()}

    def grid(self, points=3) -> list[dict]:
        """Every combination of ``points`` values per dimension (all choices of a Categorical).

        Order: ``itertools.product`` over the sorted names, the last name varying fastest,
        exactly as ``sklearn.model_selection.ParameterGrid``.  Size = product of the value counts.
        """
        values = [self.dimensions[name].grid(points) for name in self.names]
        return [dict(zip(self.names, combo)) for combo in itertools.product(*values)]

    def to_unit(self, params: dict) -> np.ndarray:
        """The point ``params`` in the unit cube [0, 1]^d (names sorted)."""
        missing = [name for name in self.names if name not in params]
        if missing:
            raise KeyError(f"params lacks {missing}; the space has {self.names}")
        return np.array([float(self.dimensions[name].to_unit(params[name])) for name in self.names])

    def from_unit(self, u) -> dict:
        """The parameters at point ``u`` of the unit cube (integers rounded, choices picked)."""
        u = np.asarray(u, dtype=float)
        if u.shape != (len(self.names),):
            raise ValueError(f"`u` must have shape ({len(self.names)},). Received shape {u.shape}")
        return {name: to_python(dim.from_unit(u[i])) for i, (name, dim) in enumerate(self.dimensions.items())}

    def __repr__(self):
        inner = ", ".join(f"{name!r}: {dim!r}" for name, dim in self.dimensions.items())
        return f"Space({{{inner}}})"


def to_python(value):
    """numpy scalars as Python numbers, so parameters print and compare plainly."""
    return value.item() if isinstance(value, np.generic) else value
