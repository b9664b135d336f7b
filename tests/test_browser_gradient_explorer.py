"""Real-browser test of the gradient-flow explorer (notebook 07) in JupyterLab, started by `make lab`.

Protects what no headless test sees: notebook 07 runs in JupyterLab without errors, the explorer's controls render,
and changing one (the depth slider, moved with the keyboard) redraws the plot in the browser.  Skipped only outside
CI when no `chromium` is installed, as tests/test_browser.py; the server is tests/lab_server.py's fixture.
"""
import base64
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/07_challenges_minima_and_gradients.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but no `chromium` on PATH: .ci/run installs it with apt-get install -y chromium",
                    pytrace=False)
    pytest.skip("no `chromium` on PATH (install it with `apt-get install -y chromium`)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (only once Chromium is known)

from lab_server import lab, plot_src  # noqa: E402,F401  (lab: the fixture)


def test_gradient_explorer_runs_and_redraws_in_jupyterlab(lab):  # noqa: F811
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
            expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=30_000)
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=30_000)
            page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()

            # The explorer renders (it is the last code cell): the depth slider, two drop-downs, two check boxes.
            depth = page.locator(".jp-Notebook .widget-hslider", has_text="depth").first
            expect(depth).to_be_visible(timeout=150_000)
            assert page.locator(".jp-Notebook .widget-dropdown").count() >= 2
            assert page.locator(".jp-Notebook .widget-checkbox").count() >= 2
            before = plot_src(page)
            assert base64.b64decode(before.split(",", 1)[1]).startswith(b"\x89PNG")

            readout = depth.locator(".widget-readout").inner_text()
            depth.locator(".noUi-handle").first.focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            expect(depth.locator(".widget-readout")).not_to_have_text(readout, timeout=10_000)
            page.wait_for_function(
                "before => { const img = document.querySelector('.jp-Notebook .widget-output img');"
                " return img && img.getAttribute('src') !== before; }",
                arg=before, timeout=30_000,
            )
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_have_count(1, timeout=30_000)
            assert plot_src(page) != before, "moving the depth slider did not change the plot"

            text = page.locator(".jp-Notebook").text_content()
            for bad in ("Traceback", "Error displaying widget", "Cannot draw with these settings"):
                assert bad not in text, bad
            prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents()
            assert prompts and all(p.strip().strip("[]:").isdigit() for p in prompts), prompts
            page.locator(".jp-Notebook .widget-output").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser_07_gradient_explorer.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "browser_07_failure.png"))
            raise
        finally:
            browser.close()
