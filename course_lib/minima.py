"""Local vs global minima and saddle points, measured on the 2-D test surfaces of :mod:`course_lib.landscape`.

Random restarts: ``n`` starting points drawn uniformly in the surface's bounds, each run for
``steps`` steps of an optimizer from :mod:`course_lib.optimizers` on the analytic gradient,

    p_{k+1} = optimizer.apply(grad f(p_k), p_k),     p_0 ~ U(bounds)

all restarts at once (the parameter is an (n, 2) array: every optimizer here works
elementwise, so the rows do not interact).  A restart whose point leaves ``10 x`` the bounds
or whose gradient is not finite is counted as *diverged* (final loss inf) and frozen.

Saddle escape: gradient descent started near the saddle of f(x, y) = x^2 - y^2, with optional
gradient noise g + sigma * xi (xi ~ N(0, I), a model of SGD's noise) and momentum; the escape
step is the first step after which f stays below f(saddle) - depth (robust: a point that
dips below and comes back has not escaped).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import optimizers
from ._checks import check_int, check_non_negative, check_positive
from .landscape import get_landscape

__all__ = ["Restarts", "random_restarts", "saddle_escape_steps"]


@dataclass
class Restarts:
    """Where ``n`` restarts ended: ``starts`` and ``finals`` (n, 2), ``losses`` (n,) (inf: diverged)."""

    landscape: str
    starts: np.ndarray
    finals: np.ndarray
    losses: np.ndarray

    def fraction_global(self, tolerance=1e-3):
        """Fraction of restarts whose final loss is within ``tolerance`` of the global minimum's value."""
        land = get_landscape(self.landscape)
        best = min(land.value(m) for m in land.minima)
        return float(np.mean(self.losses <= best + tolerance))

    def nearest_minimum(self):
        """Index into ``landscape.minima`` of the known minimum nearest each final point (-1: diverged)."""
        minima = np.asarray(get_landscape(self.landscape).minima)
        d = np.linalg.norm(self.finals[:, None, :] - minima[None, :, :], axis=2)
        return np.where(np.isfinite(self.losses), d.argmin(axis=1), -1)


def random_restarts(landscape, optimizer="sgd", n=200, steps=500, seed=0, **hyperparameters):
    """Run ``n`` restarts of ``optimizer`` (a name, e.g. ``"adam"``) with ``hyperparameters`` on ``landscape``.

    Returns a :class:`Restarts`.  Same ``seed``, same starting points, so optimizers compare on
    identical starts.
    """
    land = get_landscape(landscape)
    n, steps = check_int("n", n), check_int("steps", steps, minimum=0)
    (x0, x1), (y0, y1) = land.bounds
    rng = np.random.default_rng(seed)
    starts = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    p = starts.copy()
    alive = np.ones(n, dtype=bool)
    limit = 10 * max(abs(x0), abs(x1), abs(y0), abs(y1))
    opt = optimizers.get(optimizer, **hyperparameters)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            g = np.column_stack(land.grad(p[:, 0], p[:, 1]))
            alive &= np.isfinite(g).all(axis=1) & (np.abs(p) < limit).all(axis=1)
            g[~alive] = 0.0            # frozen rows get no gradient (NaN would stop the optimizer)
            before = p[~alive].copy()
            opt.apply([g], [p])
            p[~alive] = before         # ... and no momentum either
    losses = np.where(alive, land.func(p[:, 0], p[:, 1]), np.inf)
    return Restarts(land.name, starts, p, losses)


def saddle_escape_steps(learning_rate=0.05, momentum=0.0, noise=0.0, start=(-2.0, 0.0), seeds=range(10),
                        max_steps=400, depth=1.0):
    """Steps gradient descent needs to escape the saddle of f = x^2 - y^2, one number per seed.

        v <- momentum * v - learning_rate * (grad f(p) + noise * xi),   p <- p + v    (Keras's SGD)

    Returns a float array (``inf`` where f had not stayed below ``-depth`` by ``max_steps``).
    Started exactly on the ridge y = 0 (the default ``start``), the gradient has no y
    component: without noise the iterate slides into the saddle and stays there.
    """
    land = get_landscape("saddle")
    check_positive("learning_rate", learning_rate)
    check_non_negative("momentum", momentum)
    check_non_negative("noise", noise)
    max_steps = check_int("max_steps", max_steps)
    seeds = list(seeds)
    n = len(seeds)
    p = np.tile(np.asarray(start, dtype=np.float64), (n, 1))
    opt = optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    rngs = [np.random.default_rng(s) for s in seeds]
    above = np.zeros(n)                               # last step at which f >= -depth
    for step in range(1, max_steps + 1):
        g = np.column_stack(land.grad(p[:, 0], p[:, 1]))
        if noise:
            g = g + noise * np.array([r.normal(size=2) for r in rngs])
        opt.apply([g], [p])
        f = land.func(p[:, 0], p[:, 1])
        above = np.where(f >= -depth, step, above)
        p = np.clip(p, -1e6, 1e6, out=p)              # escaped rows run away (f is unbounded): keep them finite
    return np.where(above < max_steps, above + 1, np.inf)
