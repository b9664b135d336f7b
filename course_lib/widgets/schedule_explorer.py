"""The schedule explorer: a learning-rate schedule from ``course_lib.schedules`` drawn as lr vs step.

:func:`available_schedules` finds the schedule classes, :func:`schedule_parameters` offers
each constructor argument as a slider, checkbox or menu (:class:`ParamSpec`),
:func:`schedule_curve` evaluates a schedule step by step, and :func:`schedule_explorer`
puts them in an ipywidgets container redrawn on every change.  matplotlib and ipywidgets
are imported inside the functions that draw.
"""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._checks import check_int, check_name
from ._render import explorer_class, png_output

__all__ = ["ParamSpec", "available_schedules", "schedule_parameters", "schedule_curve", "plot_schedule",
           "schedule_explorer"]


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
    first = next(iter(classes)) if schedule is None else check_name("schedule", schedule, {k: k for k in classes},
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
