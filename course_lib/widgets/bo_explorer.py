"""Bayesian optimization one step at a time, on a 1-D objective: an interactive widget (notebook 06).

Each redraw runs :class:`course_lib.hpo.BayesianOptimization` from the same seeded start for
``trials`` trials with the kernel's length scale and the exploration margin xi set by sliders, then
draws the GP's mean ± 2 sigma, the trials, the expected-improvement curve and the next point
(argmax EI).  "Next step" adds one trial.  A small length scale makes the GP wiggle between the
trials (it believes little); a large one makes it smooth and confident.  A larger xi asks EI for a
bigger margin over the best value, so it explores more.
"""
from __future__ import annotations

import numpy as np

from ..hpo import BayesianOptimization, Space, Uniform
from ._render import explorer_class, png_output

__all__ = ["OBJECTIVES", "bo_run", "bo_explorer"]

#: 1-D objectives to minimize: name -> (function, low, high)
OBJECTIVES = {
    "wiggly": (lambda x: np.sin(3 * x) + 0.3 * x ** 2 - 0.4 * x, -2.0, 2.5),
    "two valleys": (lambda x: 0.5 * (x ** 2 - 1) ** 2 + 0.3 * x, -1.8, 1.8),
    "needle": (lambda x: 1 - np.exp(-((x - 0.7) / 0.08) ** 2) + 0.05 * x ** 2, -2.0, 2.0),
}


def bo_run(objective="wiggly", trials=4, length_scale=0.2, xi=0.01, seed=0) -> BayesianOptimization:
    """The searcher after ``trials`` trials (3 random, then GP-EI with the given length scale and xi)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"Unknown objective {objective!r}; choose one of {sorted(OBJECTIVES)}")
    f, low, high = OBJECTIVES[objective]
    searcher = BayesianOptimization(Space({"x": Uniform(low, high)}), n_initial=3, xi=xi,
                                    length_scale=length_scale, random_state=seed)
    searcher.optimize(lambda p: f(p["x"]), trials)
    return searcher


def _figure(searcher, objective):
    import matplotlib
    import matplotlib.pyplot as plt

    from ..hpo.plotting import plot_bo_step

    f = OBJECTIVES[objective][0]
    with matplotlib.rc_context({"figure.max_open_warning": 0}):
        fig, (ax_gp, ax_ei) = plt.subplots(2, 1, figsize=(7, 4.6), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
        x_next = plot_bo_step(searcher, f, ax_gp, ax_ei)
        best = searcher.history_.best_trial
        ax_gp.set_title(f"{len(searcher.history_)} trials, best f = {best.value:.3f} at x = {best.params['x']:.2f}; "
                        f"next x = {x_next:.2f}", fontsize=9)
        fig.tight_layout()
    plt.close(fig)  # the widget shows the PNG; keep the figure out of the notebook's own output
    return fig


def bo_explorer(objective="wiggly", trials=4, length_scale=0.2, xi=0.01, seed=0):
    """An ipywidgets container: objective, trials, length scale (log), xi (log) and a "Next step" button."""
    import ipywidgets as widgets

    wide = {"description_width": "110px"}
    row = widgets.Layout(width="360px")
    c = {
        "objective": widgets.Dropdown(options=list(OBJECTIVES), value=objective, description="objective",
                                      style=wide, layout=row),
        "trials": widgets.IntSlider(value=trials, min=3, max=30, description="trials", style=wide, layout=row),
        "length_scale": widgets.FloatLogSlider(value=length_scale, base=10, min=-2.5, max=0.5, step=0.05,
                                               readout_format=".3f", description="length scale", style=wide,
                                               layout=row),
        "xi": widgets.FloatLogSlider(value=xi, base=10, min=-4, max=0, step=0.1, readout_format=".4f",
                                     description="xi (explore)", style=wide, layout=row),
    }
    step = widgets.Button(description="Next step", layout=widgets.Layout(width="120px"))
    output = widgets.Output(layout=widgets.Layout(min_height="360px"))

    def draw() -> dict:
        searcher = bo_run(c["objective"].value, c["trials"].value, c["length_scale"].value, c["xi"].value, seed)
        return png_output(_figure(searcher, c["objective"].value))

    rows = [widgets.HBox([widgets.VBox([c["objective"], c["trials"], step]),
                          widgets.VBox([c["length_scale"], c["xi"]])])]
    explorer = explorer_class()("BayesOptExplorer", c, output, draw, rows)
    explorer.step_button = step
    step.on_click(lambda _button: setattr(c["trials"], "value", min(c["trials"].value + 1, c["trials"].max)))
    for widget in c.values():
        widget.observe(explorer.redraw, names="value")
    explorer.redraw()
    return explorer
