"""How does one workshop server cope with N learners submitting at once?  (As root; loopback only.)

Usage:  sudo .venv/bin/python benchmarks/workshop_load.py [--learners 20]

Sets up a workshop with ``deploy/jupyterhub/workshop.sh`` (as tests/test_jupyterhub.py does, on a
private directory, port and account names), then: N learner accounts log in over HTTP and start their
servers (all at once); the instructor releases the warm-up set; all N fetch, answer (every other one
solves it) and submit at the same moment; the instructor collects and autogrades.  Checks that all N
submissions are collected and graded right (9 or 0 points), prints the time of each phase, and
deletes every account and stops every process at the end, whatever happened.
Speed lives here, not in the tests: timings on a shared 2-core machine are noisy.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import hub_workshop as hw  # noqa: E402

MAX_LEARNERS = 40   # each server is a JupyterLab process (~100 MB): bounded


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=20, help=f"how many (1..{MAX_LEARNERS}, default 20)")
    n = parser.parse_args().learners
    if not 1 <= n <= MAX_LEARNERS:
        parser.error(f"--learners must be between 1 and {MAX_LEARNERS}, got {n}")
    missing = hw.missing_pieces()
    if missing:
        sys.exit("needs " + "; ".join(missing))

    base = Path(tempfile.mkdtemp(prefix="hubload-"))
    base.chmod(0o755)
    tag = f"hubl{int(time.time()) % 100000}"
    workshop = hw.Workshop(base / "workshop", hw.shared_environment(base / "env"), tag)
    phases: dict[str, float] = {}

    def phase(name, work):
        t = time.monotonic()
        result = work()
        phases[name] = time.monotonic() - t
        print(f"{name:<42} {phases[name]:6.1f} s", flush=True)
        return result

    try:
        workshop.init()
        names = [f"{tag}n{i:02d}" for i in range(n)]
        passwords = phase(f"create {n} accounts", lambda: workshop.add_learners(names))
        phase("start the hub", workshop.start)
        learners = [hw.Learner(workshop.url, name, passwords[name]) for name in names]
        solved = {name: i % 2 == 0 for i, name in enumerate(names)}

        def arrive(learner):
            assert learner.log_in().status_code == 302
            learner.get_token()
            learner.start_server(timeout=300)

        with ThreadPoolExecutor(n) as pool:
            phase(f"{n} log-ins + servers started at once", lambda: list(pool.map(arrive, learners)))
            phase("generate + release (instructor)", lambda: (workshop.nbgrader("generate_assignment", hw.ASSIGNMENT),
                                                              workshop.nbgrader("release_assignment", hw.ASSIGNMENT)))
            go = threading.Barrier(n)

            def work(learner):
                go.wait()                       # everybody at the same moment
                learner.fetch()
                learner.answer(solved=solved[learner.name])
                learner.submit()

            phase(f"{n} fetch + answer + submit at once", lambda: list(pool.map(work, learners)))
        phase("collect (instructor)", lambda: workshop.nbgrader("collect", hw.ASSIGNMENT))
        collected = sorted(p.name for p in (workshop.course_dir / "submitted").iterdir())
        assert collected == names, f"collected {len(collected)} of {n}"
        phase(f"autograde {n} submissions", lambda: workshop.nbgrader("autograde", hw.ASSIGNMENT, "--create",
                                                                      timeout=1800))
        scores = hw.grades(workshop.course_dir, solved)
        wrong = {name: s for name, s in scores.items() if s != ((9.0 if solved[name] else 0.0), 9.0)}
        assert not wrong, f"wrong grades: {wrong}"
        print(f"all {n} submissions collected and graded right "
              f"({sum(solved.values())} x 9 points, {n - sum(solved.values())} x 0); "
              f"total {sum(phases.values()):.1f} s")
    finally:
        errors = workshop.close()
        left = workshop.leftover_processes()
        subprocess.run(["rm", "-rf", str(base)], check=False)
        print(f"cleaned up: stop errors {errors}, processes left after stop {len(workshop.left_after_stop)}, "
              f"now {len(left)}")


if __name__ == "__main__":
    main()
