"""The gradient-flow explorer: its curves are gradient_flow's, every control redraws, the repr is stable."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from course_lib import data, gradient_flow  # noqa: E402
from course_lib.widgets.gradient_explorer import gradient_explorer, gradient_norms  # noqa: E402
from widget_output import shown_png  # noqa: E402




def test_norms_are_gradient_flows():
    x, y = data.load_digits()
    got = gradient_norms(6, "relu", "he", True, True, x[:32], y[:32], seeds=(4,))
    want = gradient_flow.layer_gradient_norms(gradient_flow.deep_mlp(6, 32, "relu", "he", batch_norm=True,
                                                                     residual=True, seed=4), x[:32], y[:32])
    np.testing.assert_allclose(got[0], want)


def test_each_control_redraws():
    w = gradient_explorer(depth=6)
    first = shown_png(w)
    assert w.redraws == 1
    assert repr(w) == "GradientExplorer(depth=6, activation='sigmoid', init='glorot', batch_norm=False, residual=False)"
    for name, value in [("depth", 8), ("activation", "relu"), ("init", "he"), ("batch_norm", True), ("residual", True)]:
        w.controls[name].value = value
    assert w.redraws == 6 and shown_png(w) != first
    for name, value in [("depth", 6), ("activation", "sigmoid"), ("init", "glorot"), ("batch_norm", False), ("residual", False)]:
        w.controls[name].value = value
    assert shown_png(w) == first   # the picture depends on the settings alone
