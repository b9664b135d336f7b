"""The sandbox a submission's code runs in: bubblewrap, one fresh one per worker start.

:class:`SandboxedWorker` starts :mod:`course_lib.classroom.worker` inside ``bwrap`` with

- a read-only view of only what the worker needs: the Python installation, the environment
  (``sys.prefix``) and ``course_lib`` — without ``classroom/refs`` (the reference solutions); the
  exercise sources, the submissions and the grader's output folder are not in it at all;
- a private, size-bounded ``/tmp`` (its home, its IPython directory: a fresh profile, history off);
- no network and its own PID, IPC and UTS namespaces (``--unshare-all``); ``--die-with-parent`` and
  the PID namespace end every process it started when the worker ends or is killed;
- limits set before any learner code runs: address space per process, number of processes (the
  worker drops to a user id of its own when the grader runs as root, so the count covers only
  this sandbox), size of any file written.

Messages are one JSON line each; :meth:`SandboxedWorker.receive` waits at most until a deadline,
so a worker that loops, hangs or was stopped (SIGSTOP) is detected and killed.
"""
from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import course_lib

COURSE_ROOT = "/opt/course"          # where course_lib appears inside the sandbox
TMP_MB = 64                          # the private /tmp
FILE_MB = 32                         # the largest file learner code may write
MAX_PROCESSES = 16                   # processes and threads of the sandbox's user
MAX_MESSAGE_BYTES = 64 * 2**20       # a reply larger than this is refused
FIRST_SANDBOX_UID = 200_000          # + the grading process's pid: one user id per sandbox


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create its namespaces here."""


class WorkerLost(BaseException):
    """The worker died, timed out or broke the protocol.

    A ``BaseException``, so that a test's ``except Exception`` (the visible checks catch the
    learner's errors) cannot swallow it: the test cell stops and the grader restarts the worker.
    """

    def __init__(self, status: str, detail: str = ""):
        super().__init__(f"{status}: {detail}" if detail else status)
        self.status, self.detail = status, detail  # status: "timeout" or "died"


# ================================================================ availability

def sandbox_problem() -> str | None:
    """None when bubblewrap works here, else what is missing (for a clear refusal)."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux namespaces (bubblewrap); this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap (`bwrap`) is not installed: `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`"
    probe = subprocess.run(["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return ("bubblewrap cannot create namespaces here (unprivileged user namespaces disabled?): "
                + probe.stderr.strip()[:300])
    return None


# ================================================================ the command line

def _make_parents(args: list[str], destination: str) -> None:
    """Create the folders above a mount point readable by all (bubblewrap would make them 0700 as root)."""
    parents = Path(destination).parents
    for parent in reversed(list(parents)[:-1]):
        if ["--dir", str(parent)] != args[-2:] and str(parent) not in args:
            args += ["--perms", "0755", "--dir", str(parent)]


def _bind_system(args: list[str]) -> None:
    """The system's libraries and the Python installation, read-only (symlinks as symlinks)."""
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for path in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime"):
        args += ["--ro-bind-try", path, path]
    for prefix in {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)} | {sys.prefix}:
        if not prefix.startswith("/usr"):
            _make_parents(args, prefix)
            args += ["--ro-bind", prefix, prefix]


def bwrap_command(memory_mb: int, uid: int | None) -> list[str]:
    """The ``bwrap`` command line that starts a worker (see the module docstring)."""
    package = Path(course_lib.__file__).resolve().parent
    # as root, a user namespace would forbid dropping to our own user id: unshare everything else
    unshare = ["--unshare-all"] if uid is None else ["--unshare-ipc", "--unshare-pid", "--unshare-net",
                                                      "--unshare-uts", "--unshare-cgroup-try"]
    args = ["bwrap", *unshare, "--die-with-parent", "--new-session", "--clearenv",
            # The private /tmp first: bubblewrap mounts in order, so an environment that lives under
            # /tmp (a checkout in /tmp/...) is then bound on top of it instead of being hidden by it.
            "--perms", "1777", "--size", str(TMP_MB * 2**20), "--tmpfs", "/tmp"]
    _bind_system(args)
    _make_parents(args, f"{COURSE_ROOT}/course_lib")
    args += ["--ro-bind", str(package), f"{COURSE_ROOT}/course_lib",
             "--tmpfs", f"{COURSE_ROOT}/course_lib/classroom/refs",   # the reference solutions stay outside
             "--proc", "/proc", "--dev", "/dev",
             "--chdir", "/tmp"]
    env = {"HOME": "/tmp", "IPYTHONDIR": "/tmp/.ipython", "MPLCONFIGDIR": "/tmp/.matplotlib",
           "PYTHONPATH": COURSE_ROOT, "PYTHONDONTWRITEBYTECODE": "1", "PATH": f"{sys.prefix}/bin:/usr/bin:/bin",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8"}
    for key, value in env.items():
        args += ["--setenv", key, value]
    if uid is not None:  # as root: let the worker drop to its own user id, and nothing more
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    args += ["--", sys.executable, "-s", "-m", "course_lib.classroom.worker", "--memory-mb", str(memory_mb),
             "--file-mb", str(FILE_MB)]
    if uid is not None:
        args += ["--uid", str(uid), "--max-processes", str(MAX_PROCESSES)]
    return args


def unsafe_command(memory_mb: int) -> list[str]:
    """The worker without a sandbox (only with the grader's explicit unsafe flag): limits, no isolation."""
    return [sys.executable, "-s", "-m", "course_lib.classroom.worker", "--memory-mb", str(memory_mb),
            "--file-mb", str(FILE_MB)]


# ================================================================ the worker process

class SandboxedWorker:
    """One worker process: start, exchange JSON lines under a deadline, kill."""

    def __init__(self, memory_mb: int, sandboxed: bool = True, start_timeout: float = 60.0):
        uid = FIRST_SANDBOX_UID + os.getpid() if os.getuid() == 0 else None
        command = bwrap_command(memory_mb, uid) if sandboxed else unsafe_command(memory_mb)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, start_new_session=True)
        self._buffer = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.process.stdout, selectors.EVENT_READ)
        os.set_blocking(self.process.stdout.fileno(), False)
        try:  # until "ready", errors are bubblewrap's or Python's (later the worker sends stderr to its log)
            ready = self.receive(time.monotonic() + start_timeout)
        except WorkerLost:
            ready = {}
        if ready.get("op") != "ready":
            reason = self._stderr_tail()
            self.kill()
            raise WorkerLost("died", "the worker did not start: " + reason)
        self.process.stderr.close()

    def _stderr_tail(self) -> str:
        try:
            return self.process.stderr.read()[-600:].decode(errors="replace").strip()
        except (OSError, ValueError):
            return ""

    def send(self, message: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise WorkerLost("died", "the worker stopped reading") from None

    def receive(self, deadline: float) -> dict:
        """The next message; WorkerLost when the deadline passes, the worker ends, or it sends garbage."""
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerLost("timeout")
            if not self._selector.select(timeout=min(left, 1.0)):
                continue
            chunk = self.process.stdout.read(1 << 20)
            if not chunk:
                raise WorkerLost("died", "the worker ended")
            self._buffer += chunk
            if len(self._buffer) > MAX_MESSAGE_BYTES:
                raise WorkerLost("died", "the worker sent a reply larger than the limit")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise WorkerLost("died", "the worker sent malformed data") from None
        if not isinstance(message, dict):
            raise WorkerLost("died", "the worker sent malformed data")
        return message

    def kill(self) -> None:
        """End the worker and everything it started (its process group; the PID namespace does the rest)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self._selector.close()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except OSError:
                pass
