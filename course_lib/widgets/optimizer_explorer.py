"""The optimizer explorer: watch optimizers move on 2-D loss landscapes, redrawn as sliders move.

Two layers, so that the logic is testable without a browser:

- plain numpy: :func:`run_optimizer` (drive any ``course_lib.optimizers`` optimizer on a
  :class:`course_lib.landscape.Landscape` and record its trajectory) and :func:`make_optimizer`
  (build one by name from shared hyperparameters);
- drawing and widgets: :func:`plot_trajectories` and :func:`optimizer_explorer`, an ipywidgets
  container whose plot is redrawn on every change (no JupyterLab extension needed).

Each optimizer updates a float64 array ``p = [x, y]`` in place through the agreed API
``opt.apply([g], [p])``, exactly as it would update the weights of a network: the explorer
shows the very code the course teaches, not a re-implementation.

matplotlib and ipywidgets are imported inside the functions that draw, so importing this
module costs only numpy.
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from .. import optimizers
from .._checks import check_name, check_point
from ..landscape import LANDSCAPES, Landscape, get_landscape
from ..training import Path, minimize
from ._render import explorer_class, png_output

__all__ = ["Trajectory", "run_optimizer", "OPTIMIZER_NAMES", "make_optimizer", "plot_trajectories",
           "optimizer_explorer"]


# ----------------------------------------------------------------------------- optimizers
#: Where an optimizer went on a landscape: :class:`course_lib.training.Path` (the same
#: record as :func:`course_lib.training.minimize` returns): ``points[t]`` is ``[x, y]`` after
#: ``t`` steps, ``losses[t] = f(points[t])``; rows after a divergence are NaN.
Trajectory = Path


# Display name → (class in course_lib.optimizers, keyword arguments from the shared hyperparameters).
# The shared sliders are: momentum (SGD variants), rho (RMSprop), beta_1 and beta_2 (Adam family, Lion).
_BETAS = lambda h: {"beta_1": h["beta_1"], "beta_2": h["beta_2"]}  # noqa: E731
_RECIPES: dict[str, tuple[str, Callable[[dict], dict]]] = {
    "SGD": ("SGD", lambda h: {}),
    "Momentum": ("SGD", lambda h: {"momentum": h["momentum"]}),
    "Nesterov": ("SGD", lambda h: {"momentum": h["momentum"], "nesterov": True}),
    "AdaGrad": ("Adagrad", lambda h: {}),
    "RMSProp": ("RMSprop", lambda h: {"rho": h["rho"]}),
    "Adam": ("Adam", _BETAS),
    "AdamW": ("AdamW", _BETAS),
    "AMSGrad": ("Adam", lambda h: {**_BETAS(h), "amsgrad": True}),
    "Nadam": ("Nadam", _BETAS),
    "Adamax": ("Adamax", _BETAS),
    "Lion": ("Lion", _BETAS),
}
OPTIMIZER_NAMES: tuple[str, ...] = tuple(_RECIPES)
_DEFAULT_HYPER = {"momentum": 0.9, "rho": 0.9, "beta_1": 0.9, "beta_2": 0.999}


def make_optimizer(name: str, learning_rate: float, **hyperparameters):
    """Build the ``course_lib.optimizers`` optimizer shown as ``name`` in the explorer.

    ``name`` is one of :data:`OPTIMIZER_NAMES` (any case): "Momentum" is
    ``SGD(momentum=...)``, "Nesterov" is ``SGD(momentum=..., nesterov=True)``, "AMSGrad" is
    ``Adam(amsgrad=True)``.  ``hyperparameters`` may set ``momentum``, ``rho``, ``beta_1``,
    ``beta_2`` (defaults 0.9, 0.9, 0.9, 0.999); each optimizer takes the ones it has.
    """
    unknown = set(hyperparameters) - set(_DEFAULT_HYPER)
    if unknown:
        raise ValueError(
            f"unknown hyperparameter(s) {sorted(unknown)}; expected some of {sorted(_DEFAULT_HYPER)}"
        )
    cls_name, kwargs = check_name("name", name, _RECIPES, "optimizer")
    return getattr(optimizers, cls_name)(learning_rate=learning_rate,
                                         **kwargs({**_DEFAULT_HYPER, **hyperparameters}))


def run_optimizer(landscape: "str | Landscape", optimizer, start=None, steps: int = 100) -> Trajectory:
    """Run ``steps`` updates of ``optimizer`` on ``landscape`` from ``start``; return the :class:`Trajectory`.

    Each step is what training does to a weight vector: ``g = grad f(p)``, then
    ``optimizer.apply([g], [p])`` updates the float64 array ``p = [x, y]`` in place: this is
    :func:`course_lib.training.minimize`, given the landscape's hand-written gradient (3.5x
    faster than autodiff on these tiny problems, so the sliders stay responsive).
    ``optimizer`` is an optimizer object, or a name for :func:`make_optimizer` (then it runs
    at the landscape's suggested learning rate).  ``start`` defaults to the landscape's start.
    A run whose point or loss stops being finite ends there; the remaining rows are NaN.
    """
    land = get_landscape(landscape)
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer, land.learning_rate)
    if not callable(getattr(optimizer, "apply", None)):
        raise TypeError(
            f"optimizer must have an apply(grads, params) method (a course_lib.optimizers optimizer) "
            f"or be a name, got {type(optimizer).__name__}"
        )
    start = check_point("start", land.start if start is None else start)
    return minimize(lambda p: land.func(p[0], p[1]), start, optimizer, steps,
                    grad=lambda p: np.array(land.grad(p[0], p[1]), dtype=np.float64))


# ----------------------------------------------------------------------------- drawing
def _colors() -> dict[str, str]:
    """A fixed colour per optimizer, so a curve keeps its colour when the selection changes."""
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
               "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000"]
    return dict(zip(OPTIMIZER_NAMES, palette))


@functools.lru_cache(maxsize=32)
def _cached_grid(land: Landscape):
    """The contour grid: it depends only on the landscape, so compute it once per landscape.

    Keyed by the (frozen, hashable) Landscape itself, functions included: a custom
    landscape that reuses a built-in name gets its own grid."""
    return land.grid()


def plot_trajectories(landscape: "str | Landscape", runs: dict[str, Trajectory]):
    """Draw ``runs`` (name → :class:`Trajectory`) on the landscape's contours, next to loss-vs-step curves.

    Returns a matplotlib ``Figure``, created without pyplot so that it never lands in a
    notebook twice.  Usable on its own in a notebook: ``display(fig)``.
    """
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure
    from matplotlib.ticker import LogLocator, NullLocator, SymmetricalLogLocator

    land = get_landscape(landscape)
    fig = Figure(figsize=(10, 4.2))
    # A fixed layout: constrained layout would double the drawing time (slow redraws).
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.12, top=0.92, wspace=0.2)
    ax_map, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})

    X, Y, Z = _cached_grid(land)
    if land.log_scale:
        lo = max(float(Z.min()), 1e-3 * float(Z.max()) / 1e4, 1e-3)
        levels = np.geomspace(lo, float(Z.max()), 30)
        ax_map.contourf(X, Y, np.maximum(Z, lo), levels=levels, norm=LogNorm(), cmap="viridis", alpha=0.85)
    else:
        ax_map.contourf(X, Y, Z, levels=30, cmap="viridis", alpha=0.85)
    for mx, my in land.minima:
        ax_map.plot(mx, my, marker="*", color="white", markersize=14, markeredgecolor="black", zorder=5)
    for sx, sy in land.saddle_points:
        ax_map.plot(sx, sy, marker="X", color="white", markersize=10, markeredgecolor="black", zorder=5)

    colors = _colors()
    (x0, x1), (y0, y1) = land.bounds
    span = max(x1 - x0, y1 - y0)
    for name, run in runs.items():
        color = colors.get(name, None)
        pts = run.points.copy()
        # Points far outside the view only slow matplotlib down; the axes clip the rest.
        far = np.abs(pts).max(axis=1) > 10 * span
        pts[far] = np.nan
        ax_map.plot(pts[:, 0], pts[:, 1], "-", color=color, lw=1.6, zorder=4)
        ax_map.plot(pts[::max(1, len(pts) // 25), 0], pts[::max(1, len(pts) // 25), 1], ".",
                    color=color, ms=4, zorder=4)
        last = run.losses[~np.isnan(run.losses)]
        label = f"{name}: f = {last[-1]:.3g}" + (" (diverged)" if run.diverged else "")
        steps = np.arange(len(run.losses))
        losses = np.maximum(run.losses, 1e-16) if land.log_scale else run.losses
        ax_loss.plot(steps, losses, color=color, lw=1.6, label=label)
    start = next(iter(runs.values())).points[0] if runs else land.start
    ax_map.plot(*start, marker="o", color="red", markersize=8, markeredgecolor="black", zorder=6)
    ax_map.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x", ylabel="y", title=f"{land.title}: trajectories")

    if land.log_scale:
        ax_loss.set_yscale("log")
    else:
        ax_loss.set_yscale("symlog", linthresh=1e-2)
    # Minor ticks on a log axis are dozens of tick artists: skipping them halves the drawing time.
    ax_loss.yaxis.set_minor_locator(NullLocator())
    ax_loss.yaxis.set_major_locator(LogLocator(numticks=6) if land.log_scale else SymmetricalLogLocator(
        base=10, linthresh=1e-2, subs=[1.0]))
    if runs:
        # Keep a diverging run from squashing the others: cap the axis at 1e4 x the start loss.
        cap = 1e4 * max(max(abs(r.losses[0]) for r in runs.values()), 1.0)
        finite = np.concatenate([r.losses[np.isfinite(r.losses)] for r in runs.values()])
        top = min(float(finite.max()), cap)
        if land.log_scale:
            ax_loss.set_ylim(max(float(finite.min()), 1e-16) / 2, top * 2)
        else:
            bottom = max(float(finite.min()), -cap)
            ax_loss.set_ylim(bottom - 0.05 * abs(bottom), top + 0.05 * abs(top))
        ax_loss.legend(fontsize=7, loc="upper right", framealpha=0.8)
    ax_loss.set(xlabel="step", ylabel="f(x, y)", title=land.equation.split("   ")[0])
    ax_loss.title.set_fontsize(9)
    ax_loss.grid(True, which="major", alpha=0.3)
    return fig


# ----------------------------------------------------------------------------- widget
def optimizer_explorer(
    landscape: str = "rosenbrock",
    optimizers=("SGD", "Momentum", "Adam"),
    steps: int = 200,
    learning_rate: float | None = None,
):
    """An interactive explorer: optimizers' trajectories on a landscape, redrawn as sliders move.

    Controls: landscape, optimizers (multi-select: Ctrl/Shift-click), learning rate (log
    scale; picking a landscape resets it to that landscape's suggested rate), momentum
    (Momentum, Nesterov), rho (RMSProp), beta_1 and beta_2 (Adam family, Lion), steps.
    All selected optimizers share the learning rate: that is the point of the comparison.
    Returns an ipywidgets container; its ``controls`` dict holds the widgets by name.
    """
    import ipywidgets as widgets

    land = get_landscape(landscape)
    names = list(OPTIMIZER_NAMES)
    chosen = tuple(check_name("optimizers", n, {k: k for k in names}, "optimizer") for n in optimizers)
    wide = {"description_width": "110px"}
    row = widgets.Layout(width="360px")
    c = {
        "landscape": widgets.Dropdown(options=[(v.title, k) for k, v in LANDSCAPES.items()], value=land.name,
                                      description="landscape", style=wide, layout=row),
        "optimizers": widgets.SelectMultiple(options=names, value=chosen, rows=min(len(names), 7),
                                             description="optimizers", style=wide, layout=row),
        "learning_rate": widgets.FloatLogSlider(value=learning_rate or land.learning_rate, base=10, min=-5,
                                                max=0, step=0.05, readout_format=".2e",
                                                description="learning rate", style=wide, layout=row),
        "momentum": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum",
                                        style=wide, layout=row),
        "rho": widgets.FloatSlider(value=0.9, min=0.5, max=0.999, step=0.001, readout_format=".3f",
                                   description="rho (RMSProp)", style=wide, layout=row),
        "beta_1": widgets.FloatSlider(value=0.9, min=0.0, max=0.999, step=0.001, readout_format=".3f",
                                      description="beta_1", style=wide, layout=row),
        "beta_2": widgets.FloatSlider(value=0.999, min=0.9, max=0.9999, step=0.0001, readout_format=".4f",
                                      description="beta_2", style=wide, layout=row),
        "steps": widgets.IntSlider(value=steps, min=10, max=1000, step=10, description="steps",
                                   style=wide, layout=row),
    }
    output = widgets.Output(layout=widgets.Layout(min_height="340px"))

    def draw() -> dict:
        land_now = LANDSCAPES[c["landscape"].value]
        hyper = {k: c[k].value for k in ("momentum", "rho", "beta_1", "beta_2")}
        runs = {
            name: run_optimizer(land_now, make_optimizer(name, c["learning_rate"].value, **hyper),
                                steps=c["steps"].value)
            for name in c["optimizers"].value
        }
        return png_output(plot_trajectories(land_now, runs))

    rows = [widgets.HBox([widgets.VBox([c["landscape"], c["optimizers"]]),
                          widgets.VBox([c[k] for k in ("learning_rate", "momentum", "rho", "beta_1",
                                                       "beta_2", "steps")])])]
    explorer = explorer_class()("OptimizerExplorer", c, output, draw, rows)
    holding = {"on": False}

    def on_landscape(change):
        # A new landscape brings its own suggested learning rate; redraw once, not twice.
        holding["on"] = True
        try:
            c["learning_rate"].value = LANDSCAPES[change["new"]].learning_rate
        finally:
            holding["on"] = False
        explorer.redraw()

    def on_other(_change):
        if not holding["on"]:
            explorer.redraw()

    c["landscape"].observe(on_landscape, names="value")
    for key, widget in c.items():
        if key != "landscape":
            widget.observe(on_other, names="value")
    explorer.redraw()
    return explorer
