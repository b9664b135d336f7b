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


def execute(path: Path, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` in place (a cell error raises); return the seconds it took."""
    from nbclient import NotebookClient  # imported here: `import course_lib` stays light

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            extra_arguments=KERNEL_ARGS, allow_errors=False)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    strip_tf_logs(nb)
    nb.metadata.pop("widgets", None)  # widget state is not reproducible; the kernel rebuilds it
    nbformat.write(nb, path)
    return seconds
