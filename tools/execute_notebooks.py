"""Re-run notebooks and store their outputs (``make execute``): a command line over course_lib.classroom.notebook_runner.

Usage:  python tools/execute_notebooks.py [PATH ...]     (default: every notebook of the course)

Never use ``jupyter nbconvert --execute`` instead: see :mod:`course_lib.classroom.notebook_runner` for why.
"""
from __future__ import annotations

import sys
from pathlib import Path

from course_lib.classroom.notebook_runner import execute

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GLOBS = ["notebooks/*.ipynb", "exercises/source/*.ipynb", "exercises/*.ipynb"]


def main(argv: list[str]) -> int:
    paths = [Path(p).resolve() for p in argv] or sorted(
        p for pattern in DEFAULT_GLOBS for p in ROOT.glob(pattern)
    )
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    for path in paths:
        if not path.exists():
            print(f"ERROR: {path} does not exist", file=sys.stderr)
            return 1
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"executing {shown} ...", end=" ", flush=True)
        print(f"{execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
