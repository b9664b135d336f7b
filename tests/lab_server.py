"""JupyterLab started through `make lab` for the real-browser tests, as a module-scoped pytest fixture.

Shared by the browser tests (import `lab` into a test module to use it).  The server runs on a free loopback port
with a random token, from a temporary root directory holding a copy of the notebooks, with temporary JupyterLab
workspaces, user-settings and runtime directories, so the learner's notebooks, layout and settings are never touched.
`make lab`'s workspace step only adds missing exercise copies to workspace/; a workspace/ that did not exist before
is removed after the tests.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]


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
    img = page.locator(".jp-Notebook .widget-output img").first
    expect(img).to_be_visible(timeout=30_000)
    return img.get_attribute("src")
