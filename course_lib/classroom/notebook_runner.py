"""Execute a notebook in place and store its outputs, deterministically and without TF's C++ log lines.

The course's one notebook runner: ``tools/execute_notebooks.py`` (``make execute``) and
``python -m course_lib.classroom.build`` (``make exercises``) both call :func:`execute`.

Why not ``jupyter nbconvert --execute``: TensorFlow's C++ runtime writes log lines straight
to file descriptor 2.  nbconvert's kernel captures them into the notebook as stderr outputs,
but the kernel that nbval starts under pytest does not, so a stored notebook would fail
strict nbval with "Missing output fields: stderr" (CONTRIBUTING.md §2).  We start the
kernel with ``capture_fd_output=False`` and strip any TF log line that still slips through
(:func:`course_lib.tf_quiet.is_tf_log_line`).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import nbformat

from course_lib.tf_quiet import is_tf_log_line

KERNEL_ARGS = ["--IPKernelApp.capture_fd_output=False"]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def strip_tf_logs(nb: nbformat.NotebookNode) -> None:
    """Remove TensorFlow log lines from stderr outputs (and empty stderr outputs), in place.

    Also drops each cell's ``execution`` timing metadata, which changes on every run.
    """
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


def failed_cell(nb: nbformat.NotebookNode) -> int | None:
    """The index of the first code cell with an error output (where execution stopped), or None."""
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                 and any(o.output_type == "error" for o in c.outputs)), None)


def execute(path: Path, timeout: int = 600, check: Callable[[nbformat.NotebookNode], None] | None = None) -> float:
    """Execute the notebook at ``path`` in place; return the seconds it took.

    A cell error raises nbclient's ``CellExecutionError`` with ``cell_index`` set to the failing
    cell.  ``check(nb)`` runs on the executed notebook before it is written: raise to keep the file as it was.
    """
    from nbclient import NotebookClient  # imported here: `import course_lib` stays light
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            extra_arguments=KERNEL_ARGS, allow_errors=False)
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        err.cell_index = failed_cell(nb)
        raise
    seconds = time.perf_counter() - start
    if check is not None:
        check(nb)
    strip_tf_logs(nb)
    nb.metadata.pop("widgets", None)  # widget state is not reproducible; the kernel rebuilds it
    nbformat.write(nb, path)
    return seconds
