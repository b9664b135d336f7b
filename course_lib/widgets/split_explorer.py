"""The split explorer: how walk-forward and shuffled splits cut a price series, and what each reports.

For one series of prices p_t, the samples are windows of ``lags`` log prices predicting the next one
(:func:`course_lib.timeseries.lagged`).  The picture shows, for each split, which samples train (grey) and
which test (coloured), under the log-price curve with each split's test points in its colour; the title gives
what that kind of split reports for a 3-nearest-neighbour forecaster, as its error divided by the last-value
forecast's error (:func:`course_lib.timeseries.knn_relative_error`; below 1 would beat naive).  Moving from
walk-forward to shuffled shows the leak: test windows sit between training windows that overlap them.
matplotlib and ipywidgets are imported when a figure or the widget is made.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_choice, check_int, check_vector
from .. import timeseries as ts
from ._render import explorer_class, png_output

__all__ = ["SPLIT_KINDS", "make_splits", "plot_splits", "split_explorer"]

SPLIT_KINDS = ("walk-forward", "shuffled")


def make_splits(kind, n_samples, n_splits, seed=0):
    """The (train, test) index pairs of one kind: ``timeseries.walk_forward_splits`` or ``shuffled_splits``."""
    check_choice("kind", kind, SPLIT_KINDS)
    if kind == "walk-forward":
        return ts.walk_forward_splits(n_samples, n_splits)
    return ts.shuffled_splits(n_samples, n_splits, seed=seed)


def plot_splits(prices, kind="walk-forward", n_splits=5, lags=6, name="", seed=0):
    """The figure: log prices with each split's test points coloured, over one row per split (train grey, test coloured)."""
    import matplotlib.pyplot as plt

    lags = check_int("lags", lags)
    log_prices = np.log(check_vector("prices", prices, min_size=lags + 2))
    X, y = ts.lagged(log_prices, lags)
    splits = make_splits(kind, len(y), check_int("n_splits", n_splits, minimum=2), seed=seed)
    ratio = ts.knn_relative_error(X, y, splits)
    colours = plt.get_cmap("tab10")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 4.2), sharex=True, gridspec_kw={"height_ratios": [1.2, 1]})
    time = np.arange(len(log_prices))
    top.plot(time, log_prices, color="0.6", lw=1)
    for k, (train, test) in enumerate(splits):
        target_time = test + lags                        # sample j predicts the value at time j + lags
        top.plot(target_time, log_prices[target_time], ".", color=colours(k % 10), ms=4)
        bottom.plot(train + lags, np.full(len(train), k), "|", color="0.75", ms=6)
        bottom.plot(target_time, np.full(len(test), k), "|", color=colours(k % 10), ms=8)
    top.set(ylabel="log price")
    bottom.set(xlabel="month", ylabel="split", yticks=range(len(splits)))
    bottom.invert_yaxis()
    fig.suptitle(f"{name} {kind}: 3-NN error / last-value error = {ratio:.2f}".strip(), fontsize=10)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.11, top=0.92, hspace=0.08)  # fixed: tight_layout costs a redraw
    return fig


def split_explorer(series, n_splits=5, lags=6, kind="walk-forward"):
    """A dropdown for the series (``series`` maps a name to its prices), a slider for n_splits and a switch of split kind."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    if not isinstance(series, dict) or not series:
        raise ValueError("`series` must be a non-empty dict mapping a name to its prices.")
    check_choice("kind", kind, SPLIT_KINDS)
    n_splits = check_int("n_splits", n_splits, minimum=2)
    lags = check_int("lags", lags)
    style = {"description_width": "90px"}
    c = {
        "series": widgets.Dropdown(options=list(series), value=next(iter(series)), description="series", style=style),
        "n_splits": widgets.IntSlider(value=n_splits, min=2, max=10, description="splits", style=style),
        "kind": widgets.ToggleButtons(options=list(SPLIT_KINDS), value=kind, description="split", style=style),
    }
    output = widgets.Output(layout=widgets.Layout(min_height="340px"))

    def draw() -> dict:
        name = c["series"].value
        fig = plot_splits(series[name], c["kind"].value, c["n_splits"].value, lags, name=name)
        out = png_output(fig)
        plt.close(fig)  # shown through the output widget only
        return out

    explorer = explorer_class()("SplitExplorer", c, output, draw, [widgets.HBox([c["series"], c["n_splits"]]), c["kind"]])
    for control in c.values():
        control.observe(explorer.redraw, names="value")
    explorer.redraw()
    return explorer
