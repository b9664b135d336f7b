"""Re-run notebooks and store their outputs, deterministically and without TF's C++ log lines.

Usage:  python tools/execute_notebooks.py [PATH ...]     (default: every notebook of the course)

Why a script and not ``jupyter nbconvert --execute``: TensorFlow's C++ runtime writes
log lines straight to file descriptor 2.  nbconvert's kernel captures them into the
notebook as stderr outputs, but the kernel that nbval starts under pytest does not,
so a stored notebook would fail strict nbval with "Missing output fields: stderr"
(shared DESIGN.md §3).  We start the kernel with ``capture_fd_output=False`` and
strip any TF log line that still slips through.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_lib.tf_quiet import is_tf_log_line

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GLOBS = ["notebooks/*.ipynb", "exercises/source/*.ipynb", "exercises/*.ipynb"]

KERNEL_ARGS = ["--IPKernelApp.capture_fd_output=False"]


def _strip_tf_logs(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stderr":
                lines = [ln for ln in out.text.splitlines(keepends=True) if not is_tf_log_line(ln)]
                if not "".join(lines).strip():
                    continue
                out.text = "".join(lines)
            kept.append(out)
        cell.outputs = kept
        cell.metadata.pop("execution", None)


def execute(path: Path, timeout: int = 600) -> float:
    """Execute one notebook in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=KERNEL_ARGS,
        allow_errors=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    _strip_tf_logs(nb)
    nb.metadata.pop("widgets", None)  # widget state is not reproducible; the kernel rebuilds it
    nbformat.write(nb, path)
    return seconds


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
        print(f"executing {path.relative_to(ROOT)} ...", end=" ", flush=True)
        print(f"{execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
