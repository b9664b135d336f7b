"""Figures of notebook 06: a race's best-so-far curves, and one step of Bayesian optimization in 1-D.

matplotlib is imported when a function is called.
"""
from __future__ import annotations

import numpy as np

from .experiments import summary

__all__ = ["plot_race", "plot_bo_step"]


def plot_race(results: dict, ax=None, title=None, log=False):
    """Median best-so-far vs trials per searcher, with the band between the 25th and 75th percentile."""
    import matplotlib.pyplot as plt

    ax = ax or plt.gca()
    for name, entry in results.items():
        median, low, high = summary(entry["best_so_far"])
        trials = np.arange(1, len(median) + 1)
        line, = ax.plot(trials, median, label=name)
        ax.fill_between(trials, low, high, color=line.get_color(), alpha=0.15)
    ax.set_xlabel("trials")
    ax.set_ylabel("best value so far (median, IQR band)")
    if log:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def plot_bo_step(searcher, objective_1d, ax_gp, ax_ei, xi=None):
    """The GP of a 1-D :class:`BayesianOptimization` (mean ± 2 sigma, observations) and its EI with the next point.

    ``objective_1d(x)`` draws the true curve; the space must have exactly one dimension.
    """
    space = searcher.space
    name = space.names[0]
    if xi is not None:
        searcher.xi = xi
    u = np.linspace(0, 1, 400)[:, None]
    x = np.array([space.from_unit([v])[name] for v in u[:, 0]])
    gp = searcher.fit_gp()
    mean, std = gp.predict(u, return_std=True)
    ei = searcher.acquisition(u)
    observed = searcher.history_.completed
    ax_gp.plot(x, [objective_1d(v) for v in x], "k--", lw=1, label="objective")
    ax_gp.plot(x, mean, label="GP mean")
    ax_gp.fill_between(x, mean - 2 * std, mean + 2 * std, alpha=0.2, label="mean ± 2σ")
    ax_gp.plot([t.params[name] for t in observed], [t.value for t in observed], "ko", ms=4, label="trials")
    x_next = x[np.argmax(ei)]
    for ax in (ax_gp, ax_ei):
        ax.axvline(x_next, color="C3", lw=1)
    ax_ei.plot(x, ei, color="C2")
    ax_ei.set_ylabel("EI")
    ax_ei.set_xlabel(name)
    ax_gp.legend(fontsize=7)
    return x_next
