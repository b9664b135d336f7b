"""A workshop on a real JupyterHub, driven as its people would: the instructor through
``deploy/jupyterhub/workshop.sh``, each learner over HTTP through the hub (log in, start a server,
fetch, edit, submit with nbgrader's server extension).

Shared by ``tests/test_jupyterhub.py`` and ``benchmarks/workshop_load.py``.  Everything listens on
127.0.0.1 only; ``Workshop.close`` stops the hub and deletes every account it created, whatever happened.
"""
from __future__ import annotations

import contextlib
import copy
import importlib.metadata
import os
import pwd
import shutil
import site
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import requests

from broken_submissions import solved_nb
from course_lib.classroom.build import grade_id, is_answer_cell
from notebook_files import ROOT

SCRIPT = ROOT / "deploy" / "jupyterhub" / "workshop.sh"
ASSIGNMENT = "00_warmup"                 # workshop.sh names each assignment after its notebook
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
COURSE = "optim-course"


def missing_pieces() -> list[str]:
    """What this machine lacks for a workshop test (empty: everything is there)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (the test creates Unix accounts)")
    for command in ("configurable-http-proxy", "useradd", "runuser"):
        if shutil.which(command) is None:
            missing.append(f"the command {command}")
    try:
        importlib.metadata.version("jupyterhub")
    except importlib.metadata.PackageNotFoundError:
        missing.append("the Python package jupyterhub (pip install -e '.[hub]')")
    if not _runnable_by_all(Path(sys.executable).resolve()) and _system_python() is None:
        missing.append(f"a Python {sys.version_info.major}.{sys.version_info.minor} that every user can run "
                       f"(this one, {Path(sys.executable).resolve()}, is in a private directory)")
    return missing


def _runnable_by_all(path: Path) -> bool:
    """True when a user other than the owner can reach and run ``path`` (every parent searchable)."""
    for folder in [*reversed(path.parents)]:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IXOTH)


def _system_python() -> Path | None:
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for folder in ("/usr/bin", "/usr/local/bin"):
        candidate = Path(folder) / name
        if candidate.exists() and _runnable_by_all(candidate):
            return candidate
    return None


def open_ancestors_for_all(path: Path) -> list[tuple[Path, int]]:
    """Let every account *search* (not list) the folders above ``path``: the learners' servers import
    the course's packages from there.  A checkout under a private folder (``/root``, mode 700) would
    otherwise hide them.  Returns ``[(folder, old mode)]`` for :func:`restore_modes`."""
    changed = []
    for folder in reversed(Path(path).resolve().parents):
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
            changed.append((folder, stat.S_IMODE(mode)))
    return changed


def restore_modes(changed: list[tuple[Path, int]]) -> None:
    """Undo :func:`open_ancestors_for_all`."""
    for folder, mode in reversed(changed):
        folder.chmod(mode)


def shared_environment(dest: Path) -> Path:
    """An environment with this test's packages that every learner's Unix account can run.

    The course's own ``.venv`` when its interpreter is readable by all (a deployment installs the course
    that way: INSTRUCTORS.md).  Here the venv's interpreter may live under root's home (pyenv), which no
    learner can enter; then ``dest`` becomes a venv of the system's Python of the same version whose
    site-packages points at the course venv's (same packages, no reinstall), with the course venv's
    ``share`` and ``etc`` (JupyterHub's templates, the nbgrader extensions' switches) and its commands.
    ``dest``'s parents must be searchable by all.
    """
    if _runnable_by_all(Path(sys.executable).resolve()):
        return Path(sys.prefix)
    python = _system_python()
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(dest)], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    # addsitedir, not a bare path line: the course venv's own .pth files must run too (the editable
    # install of course_lib is one), and a path line alone would not process them.
    (dest / "lib" / version / "site-packages" / "course-env.pth").write_text(
        f"import site; site.addsitedir({site.getsitepackages()[0]!r})\n")
    (dest / "etc").symlink_to(Path(sys.prefix) / "etc")
    # share/jupyter without kernels/: its kernel.json names the course venv's interpreter; without it,
    # Jupyter starts the "python3" kernel with this environment's own interpreter.
    (dest / "share" / "jupyter").mkdir(parents=True)
    for item in (Path(sys.prefix) / "share").iterdir():
        if item.name != "jupyter":
            (dest / "share" / item.name).symlink_to(item)
    for item in (Path(sys.prefix) / "share" / "jupyter").iterdir():
        if item.name != "kernels":
            (dest / "share" / "jupyter" / item.name).symlink_to(item)
    seen = set()
    for entry in importlib.metadata.entry_points(group="console_scripts"):
        if entry.name in seen or "/" in entry.name:
            continue
        seen.add(entry.name)
        module, _, attr = entry.value.partition(":")
        script = dest / "bin" / entry.name
        script.write_text(f"#!{dest / 'bin' / 'python'}\nimport sys\nfrom {module} import {attr.split('.')[0]}\n"
                          f"sys.exit({attr}())\n")
        script.chmod(0o755)
    return dest


def free_ports(count: int = 3) -> int:
    """A port p on 127.0.0.1 such that p .. p+count-1 are all free (the hub uses three in a row)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + count > 65535:
            continue
        try:
            for p in range(port, port + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
    raise RuntimeError("no three free ports in a row on 127.0.0.1")


class Workshop:
    """The workshop.sh of this repository on a private directory, port, group and account names."""

    def __init__(self, directory: Path, venv: Path, tag: str):
        self.directory = directory
        self.tag = tag
        self.port = free_ports()
        self.url = f"http://127.0.0.1:{self.port}"
        self.group = f"{tag}grp"
        self.instructor = f"{tag}ins"
        self.accounts: list[str] = []          # every account this workshop may have created
        self.hub_pid = -1
        self.left_after_stop: list[str] = []
        self.uids: set[int] = set()            # their user ids (ps shows numbers once they are deleted)
        self.env = {**os.environ, "WORKSHOP_DIR": str(directory), "WORKSHOP_VENV": str(venv),
                    "WORKSHOP_GROUP": self.group, "WORKSHOP_INSTRUCTOR": self.instructor,
                    "WORKSHOP_IP": "127.0.0.1", "WORKSHOP_PORT": str(self.port), "WORKSHOP_COURSE": COURSE}

    def sh(self, *args: str, timeout: float = 180) -> str:
        run = subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True,
                             timeout=timeout)
        assert run.returncode == 0, f"workshop.sh {' '.join(args)} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
        return run.stdout

    def init(self) -> str:
        """Group, instructor, exchange, course directory; returns the instructor's password."""
        self.accounts.append(self.instructor)
        out = self.sh("init")
        self._remember_uids()
        return next(line.split()[1] for line in out.splitlines() if line.startswith(self.instructor + " "))

    def add_learners(self, names: list[str]) -> dict[str, str]:
        self.accounts.extend(names)
        out = self.sh("add-learner", *names)
        self._remember_uids()
        return dict(line.split() for line in out.splitlines())

    def _remember_uids(self):
        for name in self.accounts:
            with contextlib.suppress(KeyError):
                self.uids.add(pwd.getpwnam(name).pw_uid)

    def start(self):
        self.sh("start")
        self.hub_pid = int((self.directory / "hub" / "jupyterhub.pid").read_text())

    def nbgrader(self, *args: str, timeout: float = 300) -> str:
        return self.sh("nbgrader", *args, timeout=timeout)

    @property
    def course_dir(self) -> Path:
        return Path(f"/home/{self.instructor}") / COURSE

    def leftover_processes(self) -> list[str]:
        """Processes of this workshop still running: the hub, its proxy, anything of its accounts."""
        ps = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
        return [line for line in ps.splitlines()
                if int(line.split()[0]) in self.uids or int(line.split()[1]) == self.hub_pid
                or f"--port {self.port} " in line + " "]

    def close(self):
        """Stop the hub (and with it every server), delete every account and the group. Never raises."""
        errors = []
        try:
            self.sh("stop", timeout=60)
        except Exception as exc:  # noqa: BLE001  (go on cleaning up whatever failed)
            errors.append(f"stop: {exc}")
        self._remember_uids()
        self.left_after_stop = self.leftover_processes()   # stopping the hub should have ended them all
        learners = [n for n in self.accounts if n != self.instructor and _exists(n)]
        if learners:
            try:
                self.sh("remove-learner", *learners, timeout=60)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"remove-learner: {exc}")
        # whatever is left (the instructor, or what remove-learner could not remove)
        for name in filter(_exists, self.accounts):
            # a server that outlived the hub would keep userdel from working: end it first
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
            subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)
        subprocess.run(["groupdel", self.group], capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)
        return errors


def _exists(account: str) -> bool:
    try:
        pwd.getpwnam(account)
        return True
    except KeyError:
        return False


class Learner:
    """One learner in a browser-less session: log-in form, then the hub's and their server's REST APIs."""

    def __init__(self, hub_url: str, name: str, password: str):
        self.hub, self.name, self.password = hub_url, name, password
        self.session = requests.Session()
        self.token: str | None = None

    def log_in(self, password: str | None = None) -> requests.Response:
        """Post the log-in form, as the browser does (with its XSRF field); a 302 means logged in."""
        self.session.get(f"{self.hub}/hub/login", timeout=30).raise_for_status()
        return self.session.post(f"{self.hub}/hub/login", allow_redirects=False, timeout=60, data={
            "username": self.name, "password": self.password if password is None else password,
            "_xsrf": self.session.cookies.get("_xsrf", path="/hub/")})

    def get_token(self):
        """A token for the APIs, asked for with the log-in cookie (as the hub's token page does)."""
        r = self.session.post(f"{self.hub}/hub/api/users/{self.name}/tokens", timeout=30,
                              headers={"X-XSRFToken": self.session.cookies.get("_xsrf", path="/hub/")},
                              json={"note": "workshop test", "expires_in": 3600})
        assert r.status_code == 201, (r.status_code, r.text)
        self.token = r.json()["token"]

    def _auth(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    def start_server(self, timeout: float = 150):
        r = requests.post(f"{self.hub}/hub/api/users/{self.name}/server", headers=self._auth(), timeout=30)
        assert r.status_code in (201, 202), (r.status_code, r.text)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            user = requests.get(f"{self.hub}/hub/api/users/{self.name}", headers=self._auth(), timeout=30).json()
            server = user.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name}'s server was not ready after {timeout} s")

    def server(self, method: str, path: str, user: str | None = None, **kwargs) -> requests.Response:
        """A request to a single-user server through the hub's proxy (by default the learner's own)."""
        return requests.request(method, f"{self.hub}/user/{user or self.name}/{path}", headers=self._auth(),
                                timeout=120, **kwargs)

    def _assignment_action(self, action: str) -> list:
        r = self.server("POST", f"assignments/{action}", json={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert r.status_code == 200, (r.status_code, r.text)
        answer = r.json()
        assert not isinstance(answer, dict) or answer.get("success", True), answer
        return answer

    def fetch(self):
        self._assignment_action("fetch")

    def read_notebook(self, path: str = NOTEBOOK):
        r = self.server("GET", f"api/contents/{path}")
        assert r.status_code == 200, (r.status_code, r.text)
        return nbformat.from_dict(r.json()["content"])

    def save_notebook(self, nb, path: str = NOTEBOOK):
        r = self.server("PUT", f"api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
        assert r.status_code in (200, 201), (r.status_code, r.text)

    def answer(self, solved: bool):
        """Fill the fetched notebook's answer cells with the solutions (solved) or leave them untouched."""
        nb = self.read_notebook()
        if solved:
            nb = solve(nb)
        self.save_notebook(nb)

    def submit(self):
        self._assignment_action("submit")


def solve(released_nb):
    """The released notebook with every answer cell replaced by the solution (by grade_id)."""
    answers = {grade_id(c): c.source for c in solved_nb().cells if is_answer_cell(c)}
    nb = copy.deepcopy(released_nb)
    for cell in nb.cells:
        if is_answer_cell(cell):
            cell.source = answers[grade_id(cell)]
    return nb


def grades(course_dir: Path, learners) -> dict[str, tuple[float, float]]:
    """{learner: (score, max score)} of the warm-up set, from the instructor's nbgrader gradebook."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course_dir}/gradebook.db") as gb:
        found = {name: gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, name) for name in learners}
        return {name: (nb.score, nb.max_score) for name, nb in found.items()}
