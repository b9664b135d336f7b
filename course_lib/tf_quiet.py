"""Keep TensorFlow's C++ start-up log lines out of a notebook.

Importing TensorFlow (which ``keras`` does on its default backend) makes its C++
runtime write lines such as the absl banner, the oneDNN notice and "Could not find
cuda drivers" straight to file descriptor 2.  In JupyterLab the kernel captures
fd 2, so these lines appear under the cell as red stderr output that looks like an
error to a learner (CONTRIBUTING.md §2).  ``TF_CPP_MIN_LOG_LEVEL`` does not
silence all of them, so :func:`quiet_tensorflow` instead points fd 2 at a
temporary file for the duration of a block, and afterwards writes back to
``sys.stderr`` every line that is *not* such a log line: a real error still shows.

    with quiet_tensorflow():
        comparison = compare_optimizer("adam")     # imports keras -> TensorFlow

Python-level warnings go through ``sys.stderr`` (not fd 2 in a kernel) and are not
affected.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile

__all__ = ["quiet_tensorflow", "is_tf_log_line"]

# Lines that TensorFlow / absl / CUDA stubs write to fd 2 at start-up; never part of a lesson.
# course_lib/notebook_runner.py and tests/test_notebooks.py use this one definition.
_TF_LOG_LINE = re.compile(
    r"^(WARNING: All log messages before absl|E0000|I0000|W0000|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWE] )"
    r"|cuda_(?:dnn|fft|blas|executor)|cudart_stub|oneDNN custom operations|cuInit|TF_ENABLE_ONEDNN_OPTS"
    r"|This TensorFlow binary is optimized|computation placer already registered|Unable to register cu"
)


def is_tf_log_line(line: str) -> bool:
    """True for a TensorFlow/absl/CUDA start-up log line (and the line after "...is optimized")."""
    return bool(_TF_LOG_LINE.search(line)) or line.startswith("To enable the following instructions:")


@contextlib.contextmanager
def quiet_tensorflow():
    """Within the block, drop TensorFlow's C++ log lines from fd 2; pass every other line on.

    The other lines are written to ``sys.stderr`` when the block ends (also when it
    raises), so nothing but the known log lines is lost.
    """
    try:
        sys.stderr.flush()
    except (AttributeError, ValueError):
        pass
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", errors="replace")
            kept = [ln for ln in text.splitlines(keepends=True) if not is_tf_log_line(ln)]
            if kept:
                sys.stderr.write("".join(kept))
