"""Real-browser tests of the interactive optimizer explorer (notebook 04), the Bayesian-optimization widget (06)
and the split explorer (11) in JupyterLab.

Protects what no headless test can see: that the course's own launch path (`make lab`)
serves JupyterLab, that notebook 04 runs there without errors, that ipywidgets render
with no extra extension (sliders visible, plot image shown), and that moving a slider
really redraws the plot in the browser (the image changes).

The server, Chromium and the steps a learner takes are tests/lab_server.py's (the module is skipped there when no
`chromium` is installed, outside CI).
"""
from playwright.sync_api import expect

from lab_server import (IMAGE, assert_every_cell_ran_without_error, assert_no_error_text, assert_png,  # noqa: F401
                        assert_slider_redraws, lab, move_slider, notebook_page, plot_src, run_all, screenshot,
                        wait_for_redraw, wait_until_idle)  # lab: the fixture (importing it is how it is shared)

NOTEBOOK = "notebooks/04_advanced_optimizers.ipynb"
NOTEBOOK_06 = "notebooks/06_hyperparameter_optimization.ipynb"
NOTEBOOK_11 = "notebooks/11_applications_stocks_recommendations_images.ipynb"


def test_optimizer_explorer_runs_and_redraws_in_jupyterlab(lab):  # noqa: F811
    with notebook_page(lab, NOTEBOOK, "browser_04_optimizer_explorer") as page:
        # A newcomer's first minute: no "get notified about official Jupyter news?" pop-up.
        page.wait_for_timeout(3000)   # JupyterLab asks a moment after start-up
        expect(page.get_by_text("official Jupyter news")).to_have_count(0)
        run_all(page)

        # The explorer renders: its sliders and its plot.
        sliders = page.locator(".jp-Notebook .widget-hslider")
        expect(sliders.first).to_be_visible(timeout=90_000)  # Run All reaches the explorer near the end
        assert sliders.count() >= 6  # learning rate, momentum, rho, beta_1, beta_2, steps

        # Move the learning-rate slider with the keyboard, as a learner would: the plot is redrawn.
        assert_slider_redraws(page, page.locator(".jp-Notebook .widget-hslider", has_text="learning rate").first, 4,
                              timeout=20_000)

        assert_every_cell_ran_without_error(page)
        screenshot(page, "browser_04_optimizer_explorer", show=page.locator(".jp-Notebook .widget-output").first)


def test_bayesian_optimization_widget_steps_in_jupyterlab(lab):  # noqa: F811
    """Notebook 06's widget: run its (self-contained) cell, press "Next step", move the length scale."""
    with notebook_page(lab, NOTEBOOK_06, "browser_06_bo_widget") as page:
        # Run only the widget's cell (it imports what it needs), as a learner would: click, Shift+Enter.
        cell = page.locator(".jp-CodeCell", has_text="bo_explorer()").first
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")

        widget = cell.locator(".jp-Cell-outputArea")
        trials = widget.locator(".widget-hslider", has_text="trials").first
        expect(trials).to_be_visible(timeout=60_000)
        expect(trials.locator(".widget-readout")).to_have_text("4")
        img = widget.locator(".widget-output img").first
        expect(img).to_be_visible(timeout=30_000)
        before = img.get_attribute("src")
        assert_png(before)

        # "Next step" adds a trial and redraws.
        widget.get_by_role("button", name="Next step").click()
        expect(trials.locator(".widget-readout")).to_have_text("5", timeout=20_000)
        after_step = wait_for_redraw(img, before)

        # The length-scale slider, with the keyboard.  Wait for the new picture itself: "Idle" can show before
        # the kernel has even received the slider's change (it did once in a clean-clone run).
        move_slider(page, widget.locator(".widget-hslider", has_text="length scale").first, 6)
        wait_for_redraw(img, after_step)
        wait_until_idle(page, timeout=30_000)
        assert img.get_attribute("src") != after_step, "moving the length scale did not redraw"
        assert_no_error_text(widget)
        screenshot(page, "browser_06_bo_widget", show=widget)


def test_split_explorer_runs_and_redraws_in_jupyterlab(lab):  # noqa: F811
    """Notebook 11 runs in JupyterLab; its split explorer shows a plot, and choosing 'shuffled' redraws it."""
    with notebook_page(lab, NOTEBOOK_11, "browser_11_split_explorer", workspace="split-explorer") as page:
        run_all(page)
        shuffled = page.locator(".jp-Notebook .widget-toggle-button", has_text="shuffled").first
        expect(shuffled).to_be_visible(timeout=150_000)  # the explorer comes after the stock-price cells
        # A click is a message the kernel reads only after the cells queued before it (the Keras part
        # of Run All): wait until the whole notebook has run, as a learner would see it finish.
        wait_until_idle(page, timeout=180_000)
        before = plot_src(page)
        assert_png(before)
        shuffled.scroll_into_view_if_needed()
        shuffled.click()
        wait_for_redraw(page.locator(IMAGE).first, before, timeout=20_000)
        wait_until_idle(page, timeout=20_000)
        assert plot_src(page) != before, "choosing 'shuffled' did not change the plot"
        assert_every_cell_ran_without_error(page)
        screenshot(page, "browser_11_split_explorer", show=page.locator(".jp-Notebook .widget-output").first)
