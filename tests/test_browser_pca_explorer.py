"""Real-browser test of the PCA explorer (notebook 08) in JupyterLab, started by `make lab`.

Protects what no headless test sees: notebook 08 runs in JupyterLab without errors, the explorer's slider and its
picture render, and moving the slider (the number of components k, with the keyboard) redraws the digits in the
browser.  The test waits for the new picture itself, not for the kernel's Idle status (which can show between the
slider's messages).  The server, Chromium and the learner's steps are tests/lab_server.py's (skipped there when no
`chromium` is installed, outside CI).
"""
from playwright.sync_api import expect

from lab_server import (IMAGE, assert_every_cell_ran_without_error, assert_png, lab, move_slider,  # noqa: F401
                        notebook_page, plot_src, run_all, screenshot, wait_for_redraw, wait_until_idle)

NOTEBOOK = "notebooks/08_overfitting_and_high_dimensionality.ipynb"


def test_pca_explorer_runs_and_redraws_in_jupyterlab(lab):  # noqa: F811
    with notebook_page(lab, NOTEBOOK, "browser_08_pca_explorer") as page:
        run_all(page)

        # The explorer (the last code cell): the k slider at 5, and its picture.
        k = page.locator(".jp-Notebook .widget-hslider", has_text="components k").first
        expect(k).to_be_visible(timeout=180_000)   # Run All trains several networks before it
        expect(k.locator(".widget-readout")).to_have_text("5")
        image = page.locator(IMAGE).first
        before = plot_src(page)
        assert_png(before)

        # Four steps right: k = 9.  Wait for the redrawn picture, then for the redraws of every key press.
        assert move_slider(page, k, 4) == "5"
        expect(k.locator(".widget-readout")).to_have_text("9")
        after = wait_for_redraw(image, before, timeout=30_000)
        assert_png(after)
        wait_until_idle(page, timeout=30_000)
        assert plot_src(page) != before, "moving the k slider did not change the picture"

        # And back to k = 5: a redraw again, to the same picture as before (the explorer draws k, not history).
        move_slider(page, k, 4, key="ArrowLeft")
        expect(k.locator(".widget-readout")).to_have_text("5")
        expect(image, "back at k = 5, the picture is not the one first drawn for k = 5").to_have_attribute(
            "src", before, timeout=30_000)

        assert_every_cell_ran_without_error(page)
        screenshot(page, "browser_08_pca_explorer", show=page.locator(".jp-Notebook .widget-output").first)
