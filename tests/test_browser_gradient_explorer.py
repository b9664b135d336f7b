"""Real-browser test of the gradient-flow explorer (notebook 07) in JupyterLab, started by `make lab`.

Protects what no headless test sees: notebook 07 runs in JupyterLab without errors, the explorer's controls render,
and changing one (the depth slider, moved with the keyboard) redraws the plot in the browser.  The server, Chromium
and the learner's steps are tests/lab_server.py's (skipped there when no `chromium` is installed, outside CI).
"""
from playwright.sync_api import expect

from lab_server import (assert_every_cell_ran_without_error, assert_slider_redraws, lab,  # noqa: F401
                        notebook_page, run_all, screenshot)  # lab: the fixture

NOTEBOOK = "notebooks/07_challenges_minima_and_gradients.ipynb"


def test_gradient_explorer_runs_and_redraws_in_jupyterlab(lab):  # noqa: F811
    with notebook_page(lab, NOTEBOOK, "browser_07_gradient_explorer") as page:
        run_all(page)

        # The explorer renders (it is the last code cell): the depth slider, two drop-downs, two check boxes.
        depth = page.locator(".jp-Notebook .widget-hslider", has_text="depth").first
        expect(depth).to_be_visible(timeout=150_000)
        assert page.locator(".jp-Notebook .widget-dropdown").count() >= 2
        assert page.locator(".jp-Notebook .widget-checkbox").count() >= 2
        assert_slider_redraws(page, depth, 3)

        assert_every_cell_ran_without_error(page)
        screenshot(page, "browser_07_gradient_explorer", show=page.locator(".jp-Notebook .widget-output").first)
