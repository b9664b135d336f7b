"""The gradient-flow explorer: depth, activation, initialization, batch norm and skip connections -> per-layer gradient norms.

Each redraw builds :func:`course_lib.gradient_flow.deep_mlp` with the chosen settings (fixed
seeds), runs one batch of digits forward and backward, and plots ||dL/dW_l|| against the layer
l on a log scale, one line per seed, with the first-to-last hidden layer ratio in the title.
A flat line is healthy; a line falling towards layer 1 is a vanishing gradient, a rising one
an exploding gradient.  matplotlib and ipywidgets are imported when a figure or the widget is
made, so importing this module costs only numpy.
"""
from __future__ import annotations

import numpy as np

from .. import gradient_flow
from .._checks import check_int
from ..data import load_digits
from ._render import explorer_class, png_output

__all__ = ["gradient_norms", "plot_gradient_norms", "gradient_explorer"]

SEEDS = (0, 1, 2)


def gradient_norms(depth, activation, init, batch_norm, residual, x, y, width=32, seeds=SEEDS):
    """Per-layer gradient norms, one row per seed: array (len(seeds), depth + 1)."""
    return np.array([gradient_flow.layer_gradient_norms(
        gradient_flow.deep_mlp(depth, width, activation, init, batch_norm=batch_norm, residual=residual, seed=s), x, y)
        for s in seeds])


def plot_gradient_norms(norms, title=""):
    """Log-scale plot of per-layer gradient norms (rows: seeds); returns the figure."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    layers = np.arange(1, norms.shape[1] + 1)
    for row in norms:
        ax.semilogy(layers, np.maximum(row, 1e-30), marker="o", markersize=3)
    ax.set_xlabel("layer l (1 = first hidden, last = output)")
    ax.set_ylabel("||dL/dW_l||")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    return fig


def gradient_explorer(depth=20, activation="sigmoid", init="glorot", batch_norm=False, residual=False, batch_size=128):
    """Controls for the deep MLP's settings, redrawing its per-layer gradient norms (3 seeds) at each change."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    check_int("batch_size", batch_size)
    x, y = load_digits()
    x, y = x[:batch_size], y[:batch_size]
    style = {"description_width": "90px"}
    controls = {
        "depth": widgets.IntSlider(value=check_int("depth", depth, minimum=2), min=2, max=40, description="depth", style=style),
        "activation": widgets.Dropdown(options=list(gradient_flow.ACTIVATIONS), value=activation,
                                       description="activation", style=style),
        "init": widgets.Dropdown(options=list(gradient_flow.INITIALIZERS), value=init, description="init", style=style),
        "batch_norm": widgets.Checkbox(value=batch_norm, description="batch norm", style=style),
        "residual": widgets.Checkbox(value=residual, description="skip connections", style=style),
    }
    output = widgets.Output(layout=widgets.Layout(min_height="280px"))

    def draw():
        settings = {k: w.value for k, w in controls.items()}
        norms = gradient_norms(settings["depth"], settings["activation"], settings["init"], settings["batch_norm"],
                               settings["residual"], x, y)
        ratio = np.median([gradient_flow.gradient_ratio(n) for n in norms])
        fig = plot_gradient_norms(norms, f"{settings['activation']}, {settings['init']} init"
                                         f"{', batch norm' if settings['batch_norm'] else ''}"
                                         f"{', skip' if settings['residual'] else ''}: "
                                         f"first / last hidden = {ratio:.2g} (median of {len(norms)} seeds)")
        out = png_output(fig)
        plt.close(fig)
        return out

    rows = [widgets.HBox([controls["depth"], controls["activation"], controls["init"]]),
            widgets.HBox([controls["batch_norm"], controls["residual"]])]
    explorer = explorer_class()("GradientExplorer", controls, output, draw, rows)
    for w in controls.values():
        w.observe(explorer.redraw, names="value")
    explorer.redraw()
    return explorer
