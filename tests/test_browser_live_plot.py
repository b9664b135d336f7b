"""Real-browser test of notebook 10's live plot: in JupyterLab, the training curves are redrawn during training.

Protects what no headless test can see: that ``LivePlot``'s display-handle updates reach the page while the cell
runs (the picture changes several times before the cell finishes), not only once at the end.  The server, Chromium
and the learner's steps are tests/lab_server.py's (skipped there when no `chromium` is installed, outside CI).
"""
from playwright.sync_api import expect

from lab_server import lab, notebook_page, run_all, screenshot  # noqa: F401  (lab: the fixture)

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
    with notebook_page(lab, NOTEBOOK, "browser_10_live_plot") as page:
        cell = page.locator(".jp-CodeCell", has_text=TRAINING_CELL).first
        cell.scroll_into_view_if_needed()
        page.evaluate(WATCH, TRAINING_CELL)

        # Run → Run All Cells (the training cell needs the split and the learning rate of the cells above).
        run_all(page)

        # The cell's last line prints how many redraws there were: then the training is over.
        expect(cell.locator(".jp-OutputArea")).to_contain_text("redraws of the live plot", timeout=240_000)
        sources = page.evaluate("() => { clearInterval(window.__livePlotWatch); return [...window.__livePlotSources]; }")
        assert all(s.startswith("data:image/png;base64,") for s in sources), sources[:1]
        # The first picture plus at least two updates seen *during* the run: it updated more than once.
        assert len(sources) >= 3, f"the live plot showed only {len(sources)} distinct picture(s)"
        assert cell.locator(".jp-OutputArea img").count() == 1, "redraws must replace the picture, not add pictures"
        assert "Traceback" not in cell.text_content()
        screenshot(page, "browser_10_live_plot", show=cell)
