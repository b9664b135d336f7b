"""Deliberately broken submissions of the warm-up set, generated from its source (never hand-edited).

Each entry of ``KINDS`` maps a name to (how to break a solved submission, the expected
grade).  The solved submission is what a learner who answered everything would hand in:
the source with its solution markers removed and without hidden tests.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from course_lib.exercises import (BEGIN_SOLUTION, END_SOLUTION, grade_id, is_answer_cell, is_test_cell,
                                  make_learner_version, strip_hidden_tests)
from notebook_files import ROOT

SOURCE = ROOT / "exercises" / "source" / "00_warmup.ipynb"
TOTAL = 9.0  # points of the warm-up set


def source_nb():
    return nbformat.read(SOURCE, as_version=4)


def solved_nb():
    """The source as a learner who solved it would submit it: no markers, no hidden tests."""
    nb = source_nb()
    for cell in nb.cells:
        if is_answer_cell(cell):
            cell.source = "\n".join(ln for ln in cell.source.split("\n")
                                    if BEGIN_SOLUTION not in ln and END_SOLUTION not in ln)
        if is_test_cell(cell):
            cell.source = strip_hidden_tests(cell.source)
    return nb


def _cell(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def with_answer(gid: str, code: str) -> Callable:
    """A breaker that replaces the answer cell ``gid`` by ``code``."""
    def breaker(nb):
        _cell(nb, gid).source = code
        return nb
    return breaker


def _unsolved(nb):
    return make_learner_version(source_nb())


def _delete(gid):
    def breaker(nb):
        nb.cells = [c for c in nb.cells if grade_id(c) != gid]
        return nb
    return breaker


def _tamper(nb):
    """Wrong answer, and the visible check replaced by a cell that claims full points."""
    nb = with_answer("warmup_mse", MSE_SQRT)(nb)
    _cell(nb, "warmup_mse_check").source = "score = 2.0\nscore"
    return nb


def _added_helper(nb):
    """The learner moved the work into a helper defined in a cell of their own (must still count)."""
    index = nb.cells.index(_cell(nb, "warmup_mse"))
    helper = nbformat.v4.new_code_cell("def squared_errors(a, b):\n    return (a - b) ** 2")
    nb.cells.insert(index, helper)
    _cell(nb, "warmup_mse").source = "def mse(y_true, y_pred):\n    return np.mean(squared_errors(y_true, y_pred))"
    return nb


MSE_SQRT = "def mse(y_true, y_pred):\n    return np.sqrt(np.mean((y_true - y_pred) ** 2))"


@dataclass
class Kind:
    """A way to break a submission and what the grader must make of it."""
    breaker: Callable | None
    total: float
    task: str | None = None          # the task that loses points (None: none or all)
    task_points: float | None = None
    reason: str = ""                  # substring expected in that task's reason (or in a note)
    note: str = ""                    # substring expected in the submission's notes
    file_name: str | None = None      # submit under another name
    raw: str | None = None            # submit these bytes instead of a notebook
    extra: dict = field(default_factory=dict)


KINDS: dict[str, Kind] = {
    "solved": Kind(None, TOTAL),
    "unsolved": Kind(_unsolved, 0.0, "warmup_mse_check", 0.0, "not implemented yet"),
    "wrong answer": Kind(with_answer("warmup_mse", MSE_SQRT), 7.0, "warmup_mse_check", 0.0, "expected 12.5, got 3.53553"),
    "wrong shape (partial)": Kind(with_answer("warmup_run_gd", (
        "def run_gd(w0, learning_rate, steps, a=1.0, b=3.0):\n    if steps == 0:\n        return w0\n"
        "    ws = [w0]\n    for _ in range(steps):\n        ws.append(gd_step(ws[-1], learning_rate, a, b))\n"
        "    return np.array(ws)")), 8.5, "warmup_run_gd_check", 1.5, "wrong shape: expected (1,), got ()"),
    "wrong shape (zero)": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    return (y_true - y_pred) ** 2"),
                               7.0, "warmup_mse_check", 0.0, "wrong shape"),
    "wrong dtype": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    return np.mean((y_true - y_pred) ** 2, dtype=np.float64)"),
                        7.0, "warmup_mse_check", 0.0, "wrong dtype: expected float32, got float64"),
    "returns None": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    np.mean((y_true - y_pred) ** 2)"),
                         7.0, "warmup_mse_check", 0.0, "returned None"),
    "raises": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    raise ValueError('lengths differ')"),
                   7.0, "warmup_mse_check", 0.0, "ValueError: lengths differ"),
    "mutates input": Kind(with_answer("warmup_mse_grad", "def mse_grad(y_true, y_pred):\n    y_pred -= y_true\n    return 2 * y_pred / len(y_pred)"),
                          7.0, "warmup_mse_grad_check", 0.0, "changed its input `y_pred` in place"),
    "infinite loop": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    while True:\n        pass"),
                          7.0, "warmup_mse_check", 0.0, "timeout"),
    "memory hog": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    hog = []\n    while True:\n        hog.append(bytearray(2**27))"),
                       7.0, "warmup_mse_check", 0.0, "out of memory"),
    "sys.exit": Kind(with_answer("warmup_mse", "import sys\ndef mse(y_true, y_pred):\n    sys.exit(1)"),
                     7.0, "warmup_mse_check", 0.0, "sys.exit(1)"),
    "kernel killed (os._exit)": Kind(with_answer("warmup_gd_step", "import os\nos._exit(0)"),
                                     5.0, "warmup_gd_step_check", 0.0, "kernel died", note="restarted"),
    "deleted answer cell": Kind(_delete("warmup_mse_grad"), 7.0, "warmup_mse_grad_check", 0.0, "missing"),
    "tampered test cell": Kind(_tamper, 7.0, "warmup_mse_check", 0.0, "expected", note="was edited"),
    "import failure": Kind(with_answer("warmup_mse", "import numpy_that_does_not_exist\n" + MSE_SQRT),
                           7.0, "warmup_mse_check", 0.0, "ModuleNotFoundError"),
    "not a notebook": Kind(None, 0.0, "warmup_mse_check", 0.0, "could not read the notebook", raw="{ this is not json"),
    "added cell, renamed file": Kind(_added_helper, TOTAL, file_name="my copy of the warmup.ipynb"),
}


def write_submission(name: str, kind: Kind, folder: Path) -> Path:
    """Write one broken submission as folder/<student>/<file>; return its path."""
    student = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
    path = Path(folder) / student / (kind.file_name or SOURCE.name)  # one folder per student, as collected
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind.raw is not None:
        path.write_text(kind.raw)
        return path
    nb = solved_nb()
    if kind.breaker:
        nb = kind.breaker(copy.deepcopy(nb))
    nbformat.write(nb, path)
    return path
