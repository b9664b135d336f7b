"""The Bayesian-optimization widget (notebook 06), headless: controls redraw, the button steps, the sliders act.

Protects: every control redraws the plot; "Next step" adds one trial; a fixed length scale really is the
GP's kernel (small -> uncertain between trials, large -> confident); xi changes where EI points; the text
repr is stable for nbval; bad input is refused.
"""
import numpy as np
import pytest

from course_lib import hpo
from course_lib.widgets.bo_explorer import OBJECTIVES, bo_explorer, bo_run


def test_every_control_redraws_and_the_button_adds_a_trial():
    explorer = bo_explorer()
    assert explorer.redraws == 1 and explorer.output.outputs[0]["data"]["image/png"]
    first = explorer.output.outputs[0]["data"]["image/png"]
    for key, value in (("length_scale", 1.0), ("xi", 0.1), ("objective", "two valleys"), ("trials", 6)):
        before = explorer.redraws
        explorer.controls[key].value = value
        assert explorer.redraws == before + 1, key
    explorer.step_button.click()
    assert explorer.controls["trials"].value == 7
    assert explorer.output.outputs[0]["data"]["image/png"] != first
    assert repr(explorer) == "BayesOptExplorer(objective='two valleys', trials=7, length_scale=1.0, xi=0.1)"


def test_length_scale_is_the_kernel_and_sets_the_uncertainty_between_trials():
    stds = {}
    for ls in (0.03, 1.0):
        searcher = bo_run("wiggly", trials=5, length_scale=ls)
        gp = searcher.fit_gp()
        assert gp.kernel_.length_scale == pytest.approx([ls])
        u_seen = np.sort([searcher.space.to_unit(t.params)[0] for t in searcher.history_])
        gaps = (u_seen[1:] + u_seen[:-1]) / 2  # half-way between neighbouring trials
        stds[ls] = gp.predict(gaps[:, None], return_std=True)[1].mean()
    assert stds[0.03] > 3 * stds[1.0]


def test_xi_moves_the_next_point_and_same_settings_give_the_same_run():
    a, b = bo_run("needle", trials=8, xi=1e-4), bo_run("needle", trials=8, xi=1e-4)
    assert [t.params for t in a.history_] == [t.params for t in b.history_]
    c = bo_run("needle", trials=8, xi=1.0)
    assert [t.params for t in a.history_] != [t.params for t in c.history_]


def test_bad_input():
    with pytest.raises(ValueError, match="Unknown objective"):
        bo_run("nope")
    with pytest.raises(ValueError, match="length_scale"):
        hpo.BayesianOptimization(hpo.Space({"x": hpo.Uniform(0, 1)}), length_scale=0.0)
    assert set(OBJECTIVES) == {"wiggly", "two valleys", "needle"}
