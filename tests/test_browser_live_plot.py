"""Real-browser test of notebook 10's live plot: in JupyterLab, the training curves are redrawn during training.

Protects what no headless test can see: that ``LivePlot``'s display-handle updates reach the page while the cell
runs (the picture changes several times before the cell finishes), not only once at the end.  Reuses the JupyterLab
started by `make lab` from tests/test_browser.py (its ``lab`` fixture: a temporary root with a copy of the
notebooks, private settings, the server stopped afterwards).  Skipped like that module when no Chromium is installed.
"""
import pytest

from test_browser import ARTIFACTS, CHROMIUM, lab  # noqa: F401  (lab is a fixture; importing it is how it is shared)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

NOTEBOOK = "notebooks/10_workflow_end_to_end.ipynb"
TRAINING_CELL = "LivePlot(metrics="  # text of the training cell's source

# Every 50 ms, collect the distinct pictures shown in the training cell's output area.
WATCH = """(marker) => {
  window.__livePlotSources = new Set();
  window.__livePlotWatch = setInterval(() => {
    for (const cell of document.querySelectorAll('.jp-CodeCell')) {
      if (!cell.querySelector('.jp-InputArea') || !cell.querySelector('.jp-InputArea').textContent.includes(marker)) continue;
      for (const img of cell.querySelectorAll('.jp-OutputArea img')) window.__livePlotSources.add(img.getAttribute('src'));
    }
  }, 50);
}"""


def test_live_plot_updates_while_training_in_jupyterlab(lab):  # noqa: F811
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
            expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=30_000)
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=30_000)
            cell = page.locator(".jp-CodeCell", has_text=TRAINING_CELL).first
            cell.scroll_into_view_if_needed()
            page.evaluate(WATCH, TRAINING_CELL)

            # Run → Run All Cells (the training cell needs the split and the learning rate of the cells above).
            page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()

            # The cell's last line prints how many redraws there were: then the training is over.
            expect(cell.locator(".jp-OutputArea")).to_contain_text("redraws of the live plot", timeout=240_000)
            sources = page.evaluate("() => { clearInterval(window.__livePlotWatch); return [...window.__livePlotSources]; }")
            assert all(s.startswith("data:image/png;base64,") for s in sources), sources[:1]
            # The first picture plus at least two updates seen *during* the run: it updated more than once.
            assert len(sources) >= 3, f"the live plot showed only {len(sources)} distinct picture(s)"
            assert cell.locator(".jp-OutputArea img").count() == 1, "redraws must replace the picture, not add pictures"
            text = cell.text_content()
            assert "Traceback" not in text
            cell.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser_10_live_plot.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "browser_10_failure.png"))
            raise
        finally:
            browser.close()
