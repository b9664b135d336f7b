"""Real-browser tests of the interactive optimizer explorer (notebook 04), the Bayesian-optimization widget (06)
and the split explorer (11) in JupyterLab.

Protects what no headless test can see: that the course's own launch path (`make lab`)
serves JupyterLab, that notebook 04 runs there without errors, that ipywidgets render
with no extra extension (sliders visible, plot image shown), and that moving a slider
really redraws the plot in the browser (the image changes).

Headless Debian Chromium driven by playwright (playwright's own browser download does not
work offline).  Skipped only outside CI when no `chromium` is installed; with CI=true a
missing Chromium is a failure.  The server runs on a free loopback port with a random
token, from a temporary root directory holding a copy of the notebooks, with temporary
JupyterLab workspaces, user-settings and runtime directories, so the learner's notebooks,
layout and settings are never touched (JupyterLab could otherwise autosave the executed
notebook over the committed one).  `make lab`'s workspace step only adds missing exercise
copies to workspace/; a workspace/ that did not exist before the test is removed after it.
"""
import base64
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/04_advanced_optimizers.ipynb"
NOTEBOOK_11 = "notebooks/11_applications_stocks_recommendations_images.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but no `chromium` on PATH: .ci/run installs it with apt-get install -y chromium",
                    pytrace=False)
    pytest.skip("no `chromium` on PATH (install it with `apt-get install -y chromium`); "
                "the real-browser test runs whenever it is present, and always under CI=true",
                allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (only once Chromium is known)

from lab_server import lab, plot_src as _plot_src  # noqa: E402,F401  (lab: the fixture)


def _open_notebook(page, base: str, token: str, notebook: str, workspace: str | None = None) -> None:
    """Open ``notebook`` in JupyterLab and wait until its kernel is connected and idle.

    With ``workspace``, in a JupyterLab workspace of that name, which starts with only this notebook open (the
    default workspace reopens the notebooks of the tests before, and their panels would match the locators too).
    """
    where = f"workspaces/{workspace}/" if workspace else ""
    page.goto(f"{base}/lab/{where}tree/{notebook}?token={token}")
    expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=30_000)
    # The status bar reads "<kernel> | Idle" only once the kernel is connected; a Run All
    # clicked before that would be lost.
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=30_000)


def _run_all(page) -> None:
    """Run → Run All Cells, through the menu as a learner would."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()


def _assert_every_cell_ran_without_error(page) -> None:
    """No cell shows an error or a widget that failed to render; every code cell has an execution count."""
    expect(page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    text = page.locator(".jp-Notebook").text_content()  # inner_text skips offscreen (windowed) cells
    for bad in ("Traceback", "Error displaying widget", "Cannot draw with these settings"):
        assert bad not in text, bad
    # Every code cell ran (an execution count, not "[ ]:" or "[*]:").
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents()  # offscreen cells too
    assert prompts and all(p.strip().strip("[]:").isdigit() for p in prompts), prompts


def test_optimizer_explorer_runs_and_redraws_in_jupyterlab(lab):
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            _open_notebook(page, base, token, NOTEBOOK)
            # A newcomer's first minute: no "get notified about official Jupyter news?" pop-up.
            page.wait_for_timeout(3000)   # JupyterLab asks a moment after start-up
            expect(page.get_by_text("official Jupyter news")).to_have_count(0)
            _run_all(page)

            # The explorer renders: its sliders and its plot.
            sliders = page.locator(".jp-Notebook .widget-hslider")
            expect(sliders.first).to_be_visible(timeout=90_000)  # Run All reaches the explorer near the end
            assert sliders.count() >= 6  # learning rate, momentum, rho, beta_1, beta_2, steps
            before = _plot_src(page)
            assert before.startswith("data:image/png;base64,")
            assert base64.b64decode(before.split(",", 1)[1]).startswith(b"\x89PNG")

            # Move the learning-rate slider with the keyboard, as a learner would.
            lr = page.locator(".jp-Notebook .widget-hslider", has_text="learning rate").first
            readout_before = lr.locator(".widget-readout").inner_text()
            handle = lr.locator(".noUi-handle").first
            handle.focus()
            for _ in range(4):
                page.keyboard.press("ArrowRight")
            expect(lr.locator(".widget-readout")).not_to_have_text(readout_before, timeout=10_000)
            page.wait_for_function(
                "before => { const img = document.querySelector('.jp-Notebook .widget-output img');"
                " return img && img.getAttribute('src') !== before; }",
                arg=before, timeout=20_000,
            )
            # Let the redraws of every key press finish before the final checks and the screenshot.
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=20_000)
            after = _plot_src(page)
            assert after != before, "moving the slider did not change the plot"

            _assert_every_cell_ran_without_error(page)

            explorer = page.locator(".jp-Notebook .widget-output").first
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser_04_optimizer_explorer.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "browser_04_failure.png"))  # to see what went wrong
            raise
        finally:
            browser.close()


def test_bayesian_optimization_widget_steps_in_jupyterlab(lab):
    """Notebook 06's widget: run its (self-contained) cell, press "Next step", move the length scale."""
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/notebooks/06_hyperparameter_optimization.ipynb?token={token}")
            expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=30_000)
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=30_000)

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
            assert before.startswith("data:image/png;base64,")

            # "Next step" adds a trial and redraws.
            widget.get_by_role("button", name="Next step").click()
            expect(trials.locator(".widget-readout")).to_have_text("5", timeout=20_000)
            page.wait_for_function(
                "([sel, before]) => { const imgs = document.querySelectorAll(sel);"
                " return [...imgs].some(i => i.getAttribute('src') !== before); }",
                arg=[".jp-Notebook .widget-output img", before], timeout=30_000)
            after_step = img.get_attribute("src")
            assert after_step != before

            # The length-scale slider, with the keyboard.
            ls = widget.locator(".widget-hslider", has_text="length scale").first
            readout = ls.locator(".widget-readout").inner_text()
            ls.locator(".noUi-handle").first.focus()
            for _ in range(6):
                page.keyboard.press("ArrowRight")
            expect(ls.locator(".widget-readout")).not_to_have_text(readout, timeout=10_000)
            # Wait for the new picture itself: "Idle" can show before the kernel has even received the
            # slider's change (it did once in a clean-clone run), so it proves nothing about the redraw.
            page.wait_for_function(
                "([sel, before]) => { const imgs = document.querySelectorAll(sel);"
                " return [...imgs].some(i => i.getAttribute('src') !== before); }",
                arg=[".jp-Notebook .widget-output img", after_step], timeout=30_000)
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=30_000)
            assert img.get_attribute("src") != after_step, "moving the length scale did not redraw"
            text = widget.text_content()
            for bad in ("Traceback", "Error displaying widget", "Cannot draw with these settings"):
                assert bad not in text, bad
            widget.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser_06_bo_widget.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "browser_06_failure.png"))
            raise
        finally:
            browser.close()


def test_split_explorer_runs_and_redraws_in_jupyterlab(lab):
    """Notebook 11 runs in JupyterLab; its split explorer shows a plot, and choosing 'shuffled' redraws it."""
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            _open_notebook(page, base, token, NOTEBOOK_11, workspace="split-explorer")
            _run_all(page)
            shuffled = page.locator(".jp-Notebook .widget-toggle-button", has_text="shuffled").first
            expect(shuffled).to_be_visible(timeout=150_000)  # the explorer comes after the stock-price cells
            # A click is a message the kernel reads only after the cells queued before it (the Keras part
            # of Run All): wait until the whole notebook has run, as a learner would see it finish.
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=180_000)
            before = _plot_src(page)
            assert base64.b64decode(before.split(",", 1)[1]).startswith(b"\x89PNG")
            shuffled.scroll_into_view_if_needed()
            shuffled.click()
            page.wait_for_function(
                "before => { const img = document.querySelector('.jp-Notebook .widget-output img');"
                " return img && img.getAttribute('src') !== before; }",
                arg=before, timeout=20_000,
            )
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=20_000)
            assert _plot_src(page) != before, "choosing 'shuffled' did not change the plot"
            _assert_every_cell_ran_without_error(page)
            page.locator(".jp-Notebook .widget-output").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser_11_split_explorer.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "browser_11_failure.png"))
            raise
        finally:
            browser.close()
