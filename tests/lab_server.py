"""JupyterLab started through `make lab`, and Chromium driving it: what every real-browser test shares.

Import it into a browser test module (tests/test_browser*.py): ``lab`` is a module-scoped pytest fixture and
must be imported into the module to be used there; ``CHROMIUM`` is Debian's Chromium (the module is skipped when
there is none outside CI, and fails under CI=true); ``notebook_page`` opens a notebook in a fresh Chromium page and
keeps a screenshot if the test fails; ``run_all``, ``move_slider``, ``wait_for_redraw``, ``assert_slider_redraws``
and ``assert_every_cell_ran_without_error`` are the steps the tests take, as a learner would.

The server runs on a free loopback port with a random token, from a temporary root directory holding a copy of the
notebooks, with temporary JupyterLab workspaces, user-settings and runtime directories, so the learner's notebooks,
layout and settings are never touched (JupyterLab could otherwise autosave an executed notebook over the committed
one).  `make lab`'s workspace step only adds missing exercise copies to workspace/; a workspace/ that did not exist
before is removed after the tests.  Headless Chromium is driven by playwright (playwright's own browser download
does not work offline).
"""
import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"   # screenshots: <name>.png after a pass, <name>_failure.png after a failure
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:  # raised while a test module imports this one: that module is skipped (or fails, in CI)
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but no `chromium` on PATH: .ci/run installs it with apt-get install -y chromium",
                    pytrace=False)
    pytest.skip("no `chromium` on PATH (install it with `apt-get install -y chromium`); "
                "the real-browser tests run whenever it is present, and always under CI=true",
                allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (only once Chromium is known)

IMAGE = ".jp-Notebook .widget-output img"   # an explorer's picture: the <img> inside its widget Output area
IDLE = ".jp-StatusBar-Widget"               # the status bar's kernel item reads "<kernel> | Idle" when idle


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        body = resp.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started by `make lab`; yields (base_url, token); stops the whole process group."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # Private user settings: no autosave, and the learner's own settings (theme, shortcuts)
    # neither change the test nor get changed by it.  The news pop-up is left to the course's
    # environment-wide override (course_lib.classroom.lab_settings): the test checks it is gone.
    settings = tmp / "user-settings" / "@jupyterlab"
    for plugin, values in {"docmanager-extension/plugin": {"autosave": False}}.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    # `make lab` first copies missing exercises into workspace/ (never overwriting a file). If
    # there was no workspace before, the test removes the one it made: it leaves no trace.
    workspace, had_workspace = ROOT / "workspace", (ROOT / "workspace").exists()
    lab_args = " ".join([
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        # The Makefile fixes ServerApp.root_dir (a second value is refused); the files and the
        # kernels' working directory come from these two, which default to it.
        f"--FileContentsManager.root_dir={root}",
        f"--MappingKernelManager.root_dir={root}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        f"--LabApp.user_settings_dir={tmp / 'user-settings'}",
        "--ServerApp.shutdown_no_activity_timeout=600",  # a leaked server still goes away
    ])
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    log = open(tmp / "lab.log", "wb")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", "NO_BROWSER=1", f"LAB_ARGS={lab_args}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"`make lab` exited with {proc.returncode}:\n{(tmp / 'lab.log').read_text()[-3000:]}")
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer /api/status in 60 s:\n{(tmp / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.3)
        yield base, token
    finally:
        try:  # kernels run in their own sessions: shut them down through the server first
            for kernel in _api(base, token, "/api/kernels") or []:
                _api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
        except OSError:
            pass
        _stop_group(proc)
        log.close()
        if not had_workspace and workspace.is_dir():
            shutil.rmtree(workspace)


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group that `make lab` leads (make, jupyter-lab), then SIGKILL what is left."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            proc.poll()  # reap make, so that only live members keep the group alive
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def plot_src(page) -> str:
    """The data URL of the explorer's plot: the <img> inside the widget's Output area."""
    img = page.locator(IMAGE).first
    expect(img).to_be_visible(timeout=30_000)
    return img.get_attribute("src")


@contextmanager
def notebook_page(lab, notebook: str, name: str, workspace: str | None = None):
    """A Chromium page on ``notebook`` (path under the root, e.g. "notebooks/04_....ipynb"), kernel idle.

    ``name`` names the screenshots: on any failure the page is saved as test-artifacts/<name>_failure.png, to see
    what went wrong; :func:`screenshot` saves test-artifacts/<name>.png.  With ``workspace``, the notebook opens in
    a JupyterLab workspace of that name, which starts with only this notebook open (the default workspace reopens
    the notebooks of the tests before, and their panels would match the locators too).
    """
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            open_notebook(page, base, token, notebook, workspace)
            yield page
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / f"{name}_failure.png"))
            raise
        finally:
            browser.close()


def screenshot(page, name: str, show=None) -> None:
    """Save test-artifacts/<name>.png, scrolled to ``show`` (a locator) when given."""
    if show is not None:
        show.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def open_notebook(page, base: str, token: str, notebook: str, workspace: str | None = None) -> None:
    """Open ``notebook`` in JupyterLab and wait until its kernel is connected and idle."""
    where = f"workspaces/{workspace}/" if workspace else ""
    page.goto(f"{base}/lab/{where}tree/{notebook}?token={token}")
    expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=30_000)
    # The status bar reads "<kernel> | Idle" only once the kernel is connected; a Run All
    # clicked before that would be lost.
    wait_until_idle(page, timeout=30_000)


def wait_until_idle(page, timeout: float) -> None:
    """Until the status bar reads Idle.  It can read Idle between two messages (a slider's change not yet
    received), so it proves nothing about a redraw: wait for the picture itself with :func:`wait_for_redraw`."""
    expect(page.locator(IDLE, has_text="| Idle")).to_have_count(1, timeout=timeout)


def run_all(page) -> None:
    """Run → Run All Cells, through the menu as a learner would."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()


def move_slider(page, slider, presses: int, key: str = "ArrowRight") -> str:
    """Move an ipywidgets slider (a locator) with the keyboard, as a learner would; returns its readout before.

    Waits until the readout has changed: the browser took the key presses (the kernel may not have redrawn yet).
    """
    readout = slider.locator(".widget-readout")
    before = readout.inner_text()
    slider.locator(".noUi-handle").first.focus()
    for _ in range(presses):
        page.keyboard.press(key)
    expect(readout).not_to_have_text(before, timeout=10_000)
    return before


def wait_for_redraw(image, before: str, timeout: float = 30_000) -> str:
    """Wait until the picture ``image`` (a locator) shows something other than ``before``; returns the new src."""
    failed = f"the picture was not redrawn in {timeout / 1000:g} s (its src did not change)"
    expect(image, failed).not_to_have_attribute("src", before, timeout=timeout)
    return image.get_attribute("src")


def assert_slider_redraws(page, slider, presses: int, timeout: float = 30_000, key: str = "ArrowRight"):
    """Move ``slider`` with the keyboard: the explorer's picture (the first one in the notebook) must change.

    Waits for the new picture itself, then for the redraws of every key press to finish (the kernel idle), and
    returns the pictures (before, after).
    """
    image = page.locator(IMAGE).first
    before = plot_src(page)
    assert_png(before)
    move_slider(page, slider, presses, key)
    wait_for_redraw(image, before, timeout)
    wait_until_idle(page, timeout)
    after = plot_src(page)
    assert after != before, "moving the slider did not change the picture"
    assert_png(after)
    return before, after


def assert_png(src: str) -> None:
    """``src`` is a data URL holding a PNG image."""
    assert src.startswith("data:image/png;base64,"), src[:40]
    assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")


def assert_no_error_text(area) -> None:
    """No traceback and no widget that failed to render in ``area`` (a locator)."""
    text = area.text_content()  # inner_text skips offscreen (windowed) cells
    for bad in ("Traceback", "Error displaying widget", "Cannot draw with these settings"):
        assert bad not in text, bad


def assert_every_cell_ran_without_error(page) -> None:
    """No cell shows an error or a widget that failed to render; every code cell has an execution count."""
    expect(page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    assert_no_error_text(page.locator(".jp-Notebook"))
    # Every code cell ran (an execution count, not "[ ]:" or "[*]:").
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents()  # offscreen cells too
    assert prompts and all(p.strip().strip("[]:").isdigit() for p in prompts), prompts
