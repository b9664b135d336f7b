"""Real-browser test of the PCA explorer (notebook 08) in JupyterLab, started by `make lab`.

Protects what no headless test sees: notebook 08 runs in JupyterLab without errors, the explorer's slider and its
picture render, and moving the slider (the number of components k, with the keyboard) redraws the digits in the
browser.  The test waits for the new picture itself, not for the kernel's Idle status (which can show between the
slider's messages).  The server, Chromium and the learner's steps are tests/lab_server.py's (skipped there when no
`chromium` is installed, outside CI).
"""
from playwright.sync_api import expect

from lab_server import (IMAGE, assert_every_cell_ran_without_error, assert_slider_redraws, lab,  # noqa: F401
                        move_slider, notebook_page, run_all, screenshot)  # lab: the fixture

NOTEBOOK = "notebooks/08_overfitting_and_high_dimensionality.ipynb"


def test_pca_explorer_runs_and_redraws_in_jupyterlab(lab):  # noqa: F811
    with notebook_page(lab, NOTEBOOK, "browser_08_pca_explorer") as page:
        run_all(page)

        # The explorer (the last code cell): the k slider at 5, and its picture.
        k = page.locator(".jp-Notebook .widget-hslider", has_text="components k").first
        expect(k).to_be_visible(timeout=180_000)   # Run All trains several networks before it
        expect(k.locator(".widget-readout")).to_have_text("5")

        # Four steps right: k = 9, and a new picture (waited for itself, then the redraws of every key press).
        before, _ = assert_slider_redraws(page, k, 4)
        expect(k.locator(".widget-readout")).to_have_text("9")

        # And back to k = 5: a redraw again, to the same picture as before (the explorer draws k, not history).
        move_slider(page, k, 4, key="ArrowLeft")
        expect(k.locator(".widget-readout")).to_have_text("5")
        back = "back at k = 5, the picture is not the one first drawn for k = 5"
        expect(page.locator(IMAGE).first, back).to_have_attribute("src", before, timeout=30_000)

        assert_every_cell_ran_without_error(page)
        screenshot(page, "browser_08_pca_explorer", show=page.locator(".jp-Notebook .widget-output").first)
