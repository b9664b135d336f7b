"""The autograder (course_lib.classroom.grade) grades every kind of broken submission, and never breaks.

Protects issue 4's acceptance: unsolved, wrong answer, wrong shape, returns None, raises,
infinite loop, memory hog, sys.exit, a killed kernel, a deleted cell, a tampered test
cell, an import failure and an unreadable file each get the right points and a reason;
so do an answer that passes the visible check but not the hidden tests (the grader runs
them), one that patches the reference the visible check uses, and an answer cell that
fails; the reference solution of every exercise set gets full points; a batch of 20+ is
graded in one run (timed and printed); the memory limit really applies; student code runs
in a separate, limited process.  The submissions are generated from the sources by
tests/broken_submissions.py.
"""
import csv
import os
import time
from pathlib import Path

import nbformat
import pytest

from broken_submissions import KINDS, ROOT, TOTAL, Kind, max_points, solved_nb, with_answer, write_submission
from course_lib.classroom import grade
from course_lib.classroom.build import source_notebooks

TIMEOUT_S = 5      # per cell: the infinite loop costs this much; generous, as other jobs may load the machine
MEMORY_MB = 1024   # per kernel: numpy + ipykernel reserve ~0.8 GB of address space
BATCH = 20         # at least this many submissions in one run
SOURCES = source_notebooks()
SOLVED = {f"solved {p.stem}": Kind(None, max_points(p), source=p) for p in SOURCES}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade every broken kind and the solution of every set (padded to 20 submissions) in one run."""
    folder = tmp_path_factory.mktemp("submissions")
    paths = {name: write_submission(name, kind, folder) for name, kind in {**KINDS, **SOLVED}.items()}
    for i in range(BATCH - len(paths)):
        write_submission(f"solved copy {i}", KINDS["solved"], folder)
    out = tmp_path_factory.mktemp("graded")
    start = time.perf_counter()
    results = grade.grade_all([str(folder)], out_dir=out, timeout=TIMEOUT_S, memory_mb=MEMORY_MB,
                              jobs=2, verbose=False)
    seconds = time.perf_counter() - start
    by_path = {Path(r.path): r for r in results}
    graded = {name: by_path[path] for name, path in paths.items()}
    _print_table(graded, len(results), seconds)
    return graded, results, out


def _print_table(graded, count, seconds):
    lines = ["| submission | points | task that loses points: reason |", "|---|---|---|"]
    for name, r in graded.items():
        lost = [f"{t.task} {t.points:g}/{t.max_points:g}: {t.reason}" for t in r.tasks if t.points < t.max_points]
        lines.append(f"| {name} | {r.points:g} / {r.max_points:g} | {'; '.join(lost)[:160] or '—'} |")
    lines.append(f"\nbatch of {count} submissions graded in {seconds:.1f} s with 2 jobs "
                 f"(per-cell timeout {TIMEOUT_S} s, memory limit {MEMORY_MB} MB)")
    table = "\n".join(lines)
    print("\n" + table)
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "grade_points_table.md").write_text(table + "\n")


@pytest.mark.parametrize("name", list(KINDS))
def test_broken_submission_gets_expected_points_and_reason(batch, name):
    graded, _, _ = batch
    kind, result = KINDS[name], graded[name]
    assert result.points == pytest.approx(kind.total), [(t.task, t.points, t.reason) for t in result.tasks]
    assert result.max_points == kind.max_points
    if kind.task:
        task = next(t for t in result.tasks if t.task == kind.task)
        assert task.points == pytest.approx(kind.task_points)
        assert kind.reason in task.reason
        assert kind.visible in task.output, task.output
    if kind.note:
        assert any(kind.note in n for n in result.notes), result.notes
    for task in result.tasks:  # every lost point comes with a reason
        assert task.points == task.max_points or task.reason


@pytest.mark.parametrize("name", list(SOLVED))
def test_reference_solution_gets_full_points(batch, name):
    """Every set's solution scores its maximum, each task without a reason: hidden tests and checks agree."""
    graded, _, _ = batch
    result = graded[name]
    assert result.source == SOLVED[name].source.name
    assert result.max_points == SOLVED[name].max_points > 0
    assert [(t.task, t.reason) for t in result.tasks if t.points < t.max_points or t.reason] == []
    assert not result.notes


def test_batch_of_20_is_graded_and_reported(batch):
    graded, results, out = batch
    assert len(results) >= BATCH
    solved_copies = [r for r in results if "solved_copy" in r.submission]
    assert all(r.points == TOTAL for r in solved_copies)
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == sum(len(r.tasks) for r in results)
    assert set(rows[0]) == {"submission", "task", "points", "max_points", "reason"}
    for r in results:
        feedback = (out / "feedback" / f"{r.submission}.md").read_text()
        assert f"{r.points:g} / {r.max_points:g} points" in feedback


def test_feedback_shows_the_learners_per_case_messages(batch):
    graded, _, out = batch
    text = (out / "feedback" / f"{graded['returns None'].submission}.md").read_text()
    assert "returned None — did you forget `return`?" in text
    assert "✓ case 1: mse_grad" in text  # the tasks that pass show their checks too


def test_memory_limit_applies_to_the_kernel(tmp_path):
    """Reserving 1.6 GB fails under a 1024 MB limit and succeeds under 4096 MB: the limit, not the machine, stops it."""
    kernel_dir = grade.write_kernelspec(tmp_path / "kernels", MEMORY_MB)
    roomy_dir = grade.write_kernelspec(tmp_path / "roomy", 4096)
    code = "import numpy as np\nx = np.empty(200 * 2**20)\nx.nbytes"
    for kdir, expected in ((kernel_dir, "error"), (roomy_dir, "ok")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        outcome = grade.execute(nb, set(), TIMEOUT_S * 5, MEMORY_MB, tmp_path, kdir)[0]
        assert outcome.status == expected, outcome
        if expected == "error":
            assert outcome.ename == "MemoryError"


def test_student_code_runs_in_a_separate_limited_process(tmp_path):
    """An answer cell records where it runs: not the grader's process, and under the address-space limit."""
    marker = tmp_path / "where.txt"
    spy = (f"import os, resource\nopen({str(marker)!r}, 'w').write(f'{{os.getpid()}} {{resource.getrlimit(resource.RLIMIT_AS)[0]}}')\n"
           "def mse(y_true, y_pred):\n    return np.mean((y_true - y_pred) ** 2)")
    path = tmp_path / "spy" / "00_warmup.ipynb"
    path.parent.mkdir()
    nbformat.write(with_answer("warmup_mse", spy)(solved_nb()), path)
    result = grade.grade_submission(str(path), "spy", str(ROOT / "exercises" / "source"), TIMEOUT_S, MEMORY_MB)
    pid, limit = map(int, marker.read_text().split())
    assert pid != os.getpid()
    assert limit == MEMORY_MB * 2**20
    assert result.points == TOTAL


def test_cli_writes_reports_and_rejects_missing_paths(tmp_path, capsys):
    path = write_submission("solved", KINDS["solved"], tmp_path / "subs")
    assert grade.main([str(path), "--out", str(tmp_path / "out"), "--timeout", "20"]) == 0
    assert (tmp_path / "out" / "grades.csv").read_text().count("\n") == 6
    assert (tmp_path / "out" / "feedback" / "00_warmup.md").exists()
    assert grade.main([str(tmp_path / "nope")]) == 2
    assert "no such submission" in capsys.readouterr().err


def test_clashing_submission_names_are_told_apart_by_the_folder_given(tmp_path):
    """Two folders holding alice/00_warmup.ipynb: names say which folder, never the absolute path."""
    for group in ("a/morning", "a/evening", "b/morning"):
        write_submission("alice", KINDS["solved"], tmp_path / group)
    found = grade.find_submissions([str(tmp_path / g) for g in ("a/morning", "a/evening", "b/morning")])
    assert [n for _, n in found] == ["morning__alice__00_warmup", "evening__alice__00_warmup",
                                     "morning__alice__00_warmup-2"]
    single = grade.find_submissions([str(tmp_path / "a/morning")])
    assert [n for _, n in single] == ["alice/00_warmup"]
