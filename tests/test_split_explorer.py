"""The split explorer: its splits are timeseries', its title reports knn_relative_error, every control move redraws
once, and bad input is refused."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import timeseries as ts  # noqa: E402
from course_lib.widgets.split_explorer import make_splits, plot_splits, split_explorer  # noqa: E402
from widget_output import shown_png  # noqa: E402

RNG = np.random.default_rng(0)
SERIES = {"walk": np.exp(np.cumsum(RNG.normal(0.01, 0.05, size=80))), "trend": np.linspace(10, 50, 60)}




def test_make_splits_are_the_timeseries_splits():
    for (a, b), (c, d) in zip(make_splits("walk-forward", 50, 4), ts.walk_forward_splits(50, 4)):
        assert np.array_equal(a, c) and np.array_equal(b, d)
    for (a, b), (c, d) in zip(make_splits("shuffled", 50, 4, seed=2), ts.shuffled_splits(50, 4, seed=2)):
        assert np.array_equal(a, c) and np.array_equal(b, d)


def test_title_reports_the_relative_error_and_the_leak():
    X, y = ts.lagged(np.log(SERIES["trend"]), 6)
    for kind in ("walk-forward", "shuffled"):
        expected = ts.knn_relative_error(X, y, make_splits(kind, len(y), 5))
        fig = plot_splits(SERIES["trend"], kind, 5, name="trend")
        assert f"= {expected:.2f}" in fig._suptitle.get_text()
        assert len(fig.axes[1].get_yticks()) == 5
    walk = ts.knn_relative_error(X, y, make_splits("walk-forward", len(y), 5))
    shuffled = ts.knn_relative_error(X, y, make_splits("shuffled", len(y), 5))
    assert shuffled < walk  # on a trend, the shuffled split flatters the forecaster


def test_each_control_move_redraws_a_new_picture():
    w = split_explorer(SERIES)
    first = shown_png(w)
    assert w.redraws == 1 and repr(w) == "SplitExplorer(series='walk', n_splits=5, kind='walk-forward')"
    w.controls["kind"].value = "shuffled"
    assert w.redraws == 2 and shown_png(w) != first
    w.controls["n_splits"].value = 3
    w.controls["series"].value = "trend"
    assert w.redraws == 4
    w.controls.update()
    w.controls["series"].value, w.controls["n_splits"].value, w.controls["kind"].value = "walk", 5, "walk-forward"
    assert shown_png(w) == first  # the picture is a function of the controls alone


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="non-empty dict"):
        split_explorer([1.0, 2.0])
    with pytest.raises(ValueError, match="`kind` must be one of"):
        split_explorer(SERIES, kind="random")
    with pytest.raises(ValueError, match="n_splits"):
        plot_splits(SERIES["walk"], n_splits=1)
