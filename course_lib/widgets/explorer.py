"""Interactive explorers: watch optimizers move on 2-D loss landscapes, and see schedules.

Two layers, so that the logic is testable without a browser:

- plain numpy: :class:`Landscape` (a 2-D loss surface with its gradient), :data:`LANDSCAPES`,
  :func:`run_optimizer` (drive any ``course_lib.optimizers`` optimizer on a landscape and record
  its trajectory), :func:`make_optimizer` (build one by name from shared hyperparameters),
  :func:`schedule_parameters` / :func:`schedule_curve` (for learning-rate schedules);
- widgets: :func:`optimizer_explorer` and :func:`schedule_explorer` return ipywidgets
  containers whose plot (an ``Output`` widget holding a PNG) is redrawn on every change.
  They need no JupyterLab extension: ipywidgets 8 renders in JupyterLab 4 out of the box.

Each optimizer updates a float64 array ``p = [x, y]`` in place through the agreed API
``opt.apply([g], [p])``, exactly as it would update the weights of a network: the explorer
shows the very code the course teaches, not a re-implementation.

matplotlib and ipywidgets are imported inside the functions that draw, so importing this
module costs only numpy.
"""
from __future__ import annotations

import base64
import functools
import inspect
import io
import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import optimizers
from .._checks import check_int
from ..training import Path, minimize

__all__ = [
    "explorer_class",
    "png_output",
    "Landscape",
    "LANDSCAPES",
    "get_landscape",
    "Trajectory",
    "run_optimizer",
    "OPTIMIZER_NAMES",
    "make_optimizer",
    "plot_trajectories",
    "optimizer_explorer",
    "ParamSpec",
    "available_schedules",
    "schedule_parameters",
    "schedule_curve",
    "plot_schedule",
    "schedule_explorer",
]

Point = tuple[float, float]


# ----------------------------------------------------------------------------- landscapes
@dataclass(frozen=True)
class Landscape:
    """A 2-D loss surface ``f(x, y)`` with its analytic gradient and what is needed to plot it.

    ``func(x, y)`` and ``grad(x, y)`` work elementwise on numpy arrays (so one call fills a
    contour grid); :meth:`value` and :meth:`gradient` take a point ``[x, y]``.
    ``learning_rate`` is a rate at which plain SGD makes visible progress without diverging;
    the explorer starts there when the landscape is picked.  ``log_scale`` is True when
    ``f >= 0``, so contours and the loss axis can be logarithmic.
    """

    name: str
    title: str
    equation: str
    func: Callable[[Any, Any], Any]
    grad: Callable[[Any, Any], tuple[Any, Any]]
    start: Point
    bounds: tuple[Point, Point]  # ((x_min, x_max), (y_min, y_max))
    minima: tuple[Point, ...]
    learning_rate: float
    log_scale: bool = True
    saddle_points: tuple[Point, ...] = ()

    def value(self, point) -> float:
        """``f(x, y)`` at ``point = [x, y]``."""
        x, y = _as_point(point, "point")
        return float(self.func(x, y))

    def gradient(self, point) -> np.ndarray:
        """``[df/dx, df/dy]`` at ``point = [x, y]``, as a float64 array of shape (2,)."""
        x, y = _as_point(point, "point")
        gx, gy = self.grad(x, y)
        return np.array([gx, gy], dtype=np.float64)

    def grid(self, n: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)`` on an ``n x n`` grid over :attr:`bounds`, for contour plots."""
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.func(X, Y)


def _as_point(point, name: str) -> tuple[float, float]:
    arr = np.asarray(point, dtype=np.float64)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a point [x, y] of shape (2,), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr.tolist()}")
    return float(arr[0]), float(arr[1])


_KAPPA = 50.0  # condition number of the quadratic: ratio of its largest to smallest curvature
_TAU = 2 * np.pi

LANDSCAPES: dict[str, Landscape] = {
    land.name: land
    for land in [
        Landscape(
            name="quadratic",
            title="Ill-conditioned quadratic",
            equation=r"f(x, y) = (x^2 + 50 y^2) / 2   (condition number 50)",
            func=lambda x, y: 0.5 * (x**2 + _KAPPA * y**2),
            grad=lambda x, y: (x, _KAPPA * y),
            start=(-4.5, 1.5),
            bounds=((-5.0, 5.0), (-2.0, 2.0)),
            minima=((0.0, 0.0),),
            # SGD is stable for lr < 2/50; at 0.038 it zig-zags across the valley and crawls along it.
            learning_rate=0.038,
        ),
        Landscape(
            name="rosenbrock",
            title="Rosenbrock",
            equation=r"f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
            func=lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
            grad=lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
            start=(-1.2, 1.0),
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            minima=((1.0, 1.0),),
            learning_rate=1.5e-3,
        ),
        Landscape(
            name="himmelblau",
            title="Himmelblau",
            equation=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2   (four minima)",
            func=lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
            grad=lambda x, y: (
                4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
                2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
            ),
            start=(0.0, 0.0),
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            minima=(
                (3.0, 2.0),
                (-2.805118, 3.131312),
                (-3.779310, -3.283186),
                (3.584428, -1.848126),
            ),
            learning_rate=0.01,
        ),
        Landscape(
            name="rastrigin",
            title="Rastrigin",
            equation=r"f(x, y) = 20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)   (many local minima)",
            func=lambda x, y: 20 + x**2 - 10 * np.cos(_TAU * x) + y**2 - 10 * np.cos(_TAU * y),
            grad=lambda x, y: (
                2 * x + 10 * _TAU * np.sin(_TAU * x),
                2 * y + 10 * _TAU * np.sin(_TAU * y),
            ),
            start=(-3.3, 2.6),
            bounds=((-5.12, 5.12), (-5.12, 5.12)),
            minima=((0.0, 0.0),),
            learning_rate=2e-3,
        ),
        Landscape(
            name="saddle",
            title="Saddle",
            equation=r"f(x, y) = x^2 - y^2   (a saddle point at the origin, unbounded below)",
            func=lambda x, y: x**2 - y**2,
            grad=lambda x, y: (2 * x, -2 * y),
            # A start almost on the ridge: plain gradient descent approaches the saddle and
            # lingers there, because the escaping direction y begins with a tiny gradient.
            start=(-2.0, 1e-3),
            bounds=((-2.5, 2.5), (-2.5, 2.5)),
            minima=(),
            learning_rate=0.05,
            log_scale=False,
            saddle_points=((0.0, 0.0),),
        ),
    ]
}


def _lookup(name: str, table: dict, what: str, argument: str):
    """Case-insensitive lookup by key or title; unknown → ValueError naming the valid choices."""
    if not isinstance(name, str):
        article = "an" if what[0] in "aeiou" else "a"
        raise TypeError(f"{argument} must be a str naming {article} {what}, got {type(name).__name__}")
    wanted = name.strip().lower()
    for key, item in table.items():
        title = item.title if isinstance(item, Landscape) else key
        if wanted in (key.lower(), title.lower()):
            return item
    raise ValueError(f"unknown {what} {name!r} for {argument}; valid names: {', '.join(table)}")


def get_landscape(name: "str | Landscape") -> Landscape:
    """The landscape called ``name`` (key or title, any case); a Landscape passes through."""
    if isinstance(name, Landscape):
        return name
    return _lookup(name, LANDSCAPES, "landscape", "landscape")


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
    cls_name, kwargs = _lookup(name, _RECIPES, "optimizer", "name")
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
    start = _as_point(land.start if start is None else start, "start")
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


def png_output(fig, dpi: int = 80) -> dict:
    """A notebook ``display_data`` output holding ``fig`` as a PNG (what ``plt.show()`` would emit)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    width, height = (fig.get_size_inches() * dpi).astype(int)
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": f"<Figure size {width}x{height}>",
        },
        "metadata": {},
    }


def _text_output(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


# ----------------------------------------------------------------------------- widgets
@functools.lru_cache(maxsize=None)
def explorer_class():
    """Define the widget container classes lazily, so that importing this module needs no ipywidgets."""
    import ipywidgets as widgets

    class Explorer(widgets.VBox):
        """A VBox of controls and an ``output`` whose plot :meth:`redraw` replaces.

        ``controls`` maps a name to its widget (tests and notebooks can set values);
        ``last_draw_seconds`` is how long the last redraw took.
        """

        def __init__(self, kind: str, controls: dict, output, draw: Callable[[], dict], layout_rows):
            super().__init__(children=[*layout_rows, output])
            self.kind, self.controls, self.output = kind, controls, output
            self._draw, self.last_draw_seconds, self.redraws = draw, 0.0, 0

        def redraw(self, *_change) -> None:
            begin = time.perf_counter()
            try:
                out = self._draw()
            except (ValueError, TypeError, ArithmeticError) as exc:  # bad settings: tell the learner
                out = _text_output(f"Cannot draw with these settings: {exc}\n")
            # Replacing the outputs tuple swaps the picture in one message: no flicker, and
            # it works with or without a running kernel (so it is testable headless).
            self.output.outputs = (out,)
            self.redraws += 1
            self.last_draw_seconds = time.perf_counter() - begin

        def __repr__(self) -> str:  # stable text/plain for nbval (no widget ids, no PNG bytes)
            shown = {**self.controls, **getattr(self, "params", {})}
            settings = ", ".join(f"{k}={_plain(w.value)!r}" for k, w in shown.items())
            return f"{self.kind}({settings})"

    return Explorer


def _plain(value):
    if isinstance(value, float):
        return float(f"{value:.4g}")
    if isinstance(value, tuple):
        return list(value)
    return value


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
    chosen = tuple(_lookup(n, {k: k for k in names}, "optimizer", "optimizers") for n in optimizers)
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


# ----------------------------------------------------------------------------- schedules
@dataclass(frozen=True)
class ParamSpec:
    """How the schedule explorer offers one constructor argument: ``kind`` is
    "log" (log slider), "float", "int", "bool" or "choice"."""

    name: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple = ()


# Arguments known by name (Keras's names, and the usual ones of cyclical / one-cycle schedules).
_KNOWN_CHOICES = {"mode": ("triangular", "triangular2", "exp_range"), "anneal_strategy": ("cos", "linear")}
_KNOWN_RANGES = {  # name → (kind, low, high) where the generic guess would offer a useless range
    "power": ("float", 0.1, 4.0),
    "t_mul": ("float", 1.0, 4.0),
    "gamma": ("float", 0.99, 1.0),  # exp_range's per-step factor: interesting only just below 1
    "div_factor": ("float", 1.0, 100.0),
    "final_div_factor": ("log", 1.0, 1e5),
}


def _guess_spec(name: str, default: Any, steps: int = 1000) -> ParamSpec | None:
    """A :class:`ParamSpec` for a constructor argument, or None when it cannot be offered.

    Step counts that are required, or whose default exceeds the ``steps`` plotted, start at
    ``steps`` (a total or decay length) or ``steps // 4`` (anything else), so the shape shows.
    """
    has = default is not inspect.Parameter.empty
    lname = name.lower()
    if name in _KNOWN_CHOICES and (not has or default in _KNOWN_CHOICES[name]):
        return ParamSpec(name, "choice", default if has else _KNOWN_CHOICES[name][0], choices=_KNOWN_CHOICES[name])
    if has and isinstance(default, bool):
        return ParamSpec(name, "bool", default)
    if has and not isinstance(default, (int, float)):  # None, strings, lists: keep the default
        return None
    if name in _KNOWN_RANGES and has:
        kind, low, high = _KNOWN_RANGES[name]
        return ParamSpec(name, kind, float(min(max(default, low), high)), low, high)
    if "learning_rate" in lname or lname.endswith("_lr") or lname == "lr":
        value = float(default) if has else (1e-4 if lname.startswith(("end", "min", "final")) else 0.1)
        return ParamSpec(name, "log", value if value > 0 else 1e-4, 1e-6, 1.0)
    if "step" in lname or "epoch" in lname or "period" in lname:
        if not has or default > steps:  # a longer default would not show its shape in the plot
            default = steps if "total" in lname or lname == "decay_steps" else steps // 4
        value = int(default)
        return ParamSpec(name, "int", value, 0 if "warmup" in lname else 1, max(1000, 4 * value))
    if has and isinstance(default, int):
        return ParamSpec(name, "int", default, 0, max(10, 4 * default))
    if has:
        value = float(default)
        return ParamSpec(name, "float", value, 0.0, 1.0 if 0 <= value <= 1 else max(4.0, 4 * abs(value)))
    if "rate" in lname or lname in ("alpha", "factor"):
        return ParamSpec(name, "float", 0.5, 0.0, 1.0)
    return None


def schedule_parameters(schedule_class, steps: int = 1000) -> list[ParamSpec]:
    """The constructor arguments of ``schedule_class`` that the explorer offers, as :class:`ParamSpec`.

    Arguments it cannot offer (``name``, lists, ``None`` defaults) keep their defaults; a
    *required* argument it cannot offer raises ValueError (the class is then left out).
    """
    specs = []
    for p in inspect.signature(schedule_class).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name == "name":
            continue
        spec = _guess_spec(p.name, p.default, steps)
        if spec is None and p.default is inspect.Parameter.empty:
            raise ValueError(f"{schedule_class.__name__}: cannot offer required argument {p.name!r}")
        if spec is not None:
            specs.append(spec)
    return specs


def available_schedules(module=None) -> dict[str, type]:
    """Schedule classes of ``module`` (default ``course_lib.schedules``) that the explorer can drive.

    A schedule class is a public class defined in the module whose instances are callable
    ``lr = schedule(step)`` and whose arguments :func:`schedule_parameters` can offer.
    """
    if module is None:
        from course_lib import schedules as module
    found = {}
    for name, obj in vars(module).items():
        if name.startswith("_") or not inspect.isclass(obj) or obj.__module__ != module.__name__:
            continue
        if inspect.isabstract(obj) or not any("__call__" in vars(k) for k in obj.__mro__[:-1]):
            continue  # not a schedule: its instances are not callable
        try:
            schedule_parameters(obj)
        except (ValueError, TypeError):
            continue
        if name == obj.__name__ and name not in ("LearningRateSchedule", "Schedule"):  # no aliases
            found[name] = obj
    return found


def schedule_curve(schedule: Callable[[int], float], steps: int) -> np.ndarray:
    """``[schedule(0), schedule(1), ..., schedule(steps - 1)]`` as a float64 array."""
    steps = check_int("steps", steps)
    if not callable(schedule):
        raise TypeError(f"schedule must be callable as schedule(step), got {type(schedule).__name__}")
    return np.array([float(schedule(step)) for step in range(steps)], dtype=np.float64)


def plot_schedule(curve: np.ndarray, title: str = "", log_scale: bool = False):
    """Plot a learning-rate curve (lr vs step); returns a matplotlib ``Figure`` (made without pyplot)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.plot(np.arange(len(curve)), curve, lw=2)
    if log_scale:
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="learning rate", title=title)
    ax.grid(True, alpha=0.3)
    return fig


def _spec_widget(spec: ParamSpec, style, layout):
    import ipywidgets as widgets

    common = {"description": spec.name, "style": style, "layout": layout}
    if spec.kind == "log":
        return widgets.FloatLogSlider(value=spec.default, base=10, min=math.log10(spec.low),
                                      max=math.log10(spec.high), step=0.05, readout_format=".2e", **common)
    if spec.kind == "int":
        return widgets.IntSlider(value=spec.default, min=spec.low, max=spec.high, **common)
    if spec.kind == "float":
        return widgets.FloatSlider(value=spec.default, min=spec.low, max=spec.high,
                                   step=(spec.high - spec.low) / 200, readout_format=".3f", **common)
    if spec.kind == "bool":
        return widgets.Checkbox(value=spec.default, **common)
    return widgets.Dropdown(options=list(spec.choices), value=spec.default, **common)


def schedule_explorer(schedule: str | None = "CosineDecayRestarts", steps: int = 1000, module=None):
    """An interactive plot of a learning-rate schedule from ``course_lib.schedules`` (lr vs step).

    Pick a schedule; its constructor arguments appear as sliders / checkboxes, and the curve is
    redrawn as they move.  A schedule with a ``total_steps`` argument is drawn up to that step
    (it is not defined beyond).  Returns an ipywidgets container: ``controls`` holds the
    schedule / steps / scale widgets, ``params`` the current schedule's argument widgets.
    """
    import ipywidgets as widgets

    classes = available_schedules(module)
    if not classes:
        raise ValueError("no schedule classes found in course_lib.schedules")
    first = next(iter(classes)) if schedule is None else _lookup(schedule, {k: k for k in classes}, "schedule",
                                                                 "schedule")
    wide = {"description_width": "150px"}
    row = widgets.Layout(width="420px")
    c: dict = {
        "schedule": widgets.Dropdown(options=list(classes), value=first, description="schedule", style=wide,
                                     layout=row),
        "steps": widgets.IntSlider(value=steps, min=10, max=10000, step=10, description="steps", style=wide,
                                   layout=row),
        "log_scale": widgets.Checkbox(value=False, description="log-scale lr axis", style=wide, layout=row),
    }
    params_box = widgets.VBox()
    output = widgets.Output(layout=widgets.Layout(min_height="280px"))
    param_widgets: dict = {}

    def draw() -> dict:
        cls = classes[c["schedule"].value]
        args = {k: w.value for k, w in param_widgets.items()}
        steps_now = c["steps"].value
        if "total_steps" in args:  # defined on 0..total_steps only
            steps_now = min(steps_now, int(args["total_steps"]) + 1)
        curve = schedule_curve(cls(**args), steps_now)
        return png_output(plot_schedule(curve, title=cls.__name__, log_scale=c["log_scale"].value))

    explorer = explorer_class()("ScheduleExplorer", c, output, draw, [widgets.HBox([
        widgets.VBox([c["schedule"], c["steps"], c["log_scale"]]), params_box])])

    def build_params(*_change):
        for w in param_widgets.values():
            w.close()
        param_widgets.clear()
        for spec in schedule_parameters(classes[c["schedule"].value], steps=c["steps"].value):
            param_widgets[spec.name] = _spec_widget(spec, wide, row)
            param_widgets[spec.name].observe(explorer.redraw, names="value")
        params_box.children = list(param_widgets.values())
        explorer.params = param_widgets  # the current schedule's argument widgets
        explorer.redraw()

    c["schedule"].observe(build_params, names="value")
    c["steps"].observe(explorer.redraw, names="value")
    c["log_scale"].observe(explorer.redraw, names="value")
    build_params()
    return explorer
