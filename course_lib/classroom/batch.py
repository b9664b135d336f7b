"""Run many grading jobs so that the batch always finishes (used by :mod:`course_lib.classroom.grade`).

Each job is a child process of its own (its own process group).  The batch

- runs at most ``jobs`` children at once;
- gives each one a wall-clock cap; a child that exceeds it, dies, or prints no valid result is killed
  and retried once in a fresh process; after the second failure the job is reported as failed;
- stops at the batch deadline: running children are killed, jobs not started are reported as failed;
- hands each result to ``on_result`` as soon as it arrives (so reports grow progressively);
- leaves nothing running: every child's process group is killed before :func:`run_jobs` returns,
  also when it is interrupted.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Job:
    """One command whose standard output is a JSON result."""
    key: int
    command: list[str]
    cap_s: float
    attempts: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class _Running:
    job: Job
    process: subprocess.Popen
    started: float
    output: list[bytes]
    reader: threading.Thread


def _start(job: Job) -> _Running:
    job.attempts += 1
    process = subprocess.Popen(job.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    return _Running(job, process, time.monotonic(), output, reader)


def _kill(running: _Running) -> None:
    try:
        os.killpg(running.process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    running.process.wait()
    running.reader.join(timeout=5)


def _result_of(running: _Running) -> dict | None:
    running.reader.join(timeout=5)
    try:
        result = json.loads(b"".join(running.output) or b"null")
    except ValueError:
        return None
    return result if isinstance(result, dict) else None


def run_jobs(jobs: list[Job], parallel: int, deadline: float, on_result: Callable[[Job, dict | None, str], None],
             poll_s: float = 0.1) -> None:
    """Run every job; call ``on_result(job, result, "")`` or ``on_result(job, None, why it failed)``."""
    waiting, running = list(jobs), []
    try:
        while waiting or running:
            now = time.monotonic()
            if now >= deadline:
                for r in running:
                    _kill(r)
                    on_result(r.job, None, "the batch deadline passed while it was being graded")
                for job in waiting:
                    on_result(job, None, "the batch deadline passed before it could be graded")
                return
            while waiting and len(running) < max(1, parallel):
                running.append(_start(waiting.pop(0)))
            for r in list(running):
                code = r.process.poll()
                overdue = time.monotonic() - r.started > r.job.cap_s
                if code is None and not overdue:
                    continue
                running.remove(r)
                result = None
                if code is None:
                    _kill(r)
                    why = f"its grading process ran past the cap of {r.job.cap_s:.0f} s"
                else:
                    _kill(r)  # the process group: anything it left behind
                    result = _result_of(r) if code == 0 else None
                    why = "" if result is not None else f"its grading process ended with code {code} and no result"
                if result is not None:
                    on_result(r.job, result, "")
                elif r.job.attempts < 2:
                    r.job.failures.append(why)
                    waiting.insert(0, r.job)  # retried once, in a fresh process
                else:
                    r.job.failures.append(why)
                    on_result(r.job, None, "; then ".join(r.job.failures))
            time.sleep(poll_s)
    finally:
        for r in running:
            _kill(r)
