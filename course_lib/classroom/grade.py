"""Autograde exercise submissions without a server.

Usage:
    python -m course_lib.classroom.grade PATH... [--source DIR] [--out DIR] [--timeout S] [--memory-mb M] [--jobs N]

PATH is a submitted notebook or a folder of them (searched recursively).  For each one:

1. **Rebuild** the notebook to grade from the instructor's *source* (``exercises/source/``):
   the learner's answer cells (matched by nbgrader ``grade_id``) and the cells they added,
   but the source's test cells, with their hidden tests.  Edited test cells are ignored
   (and noted); a deleted answer cell scores 0 for its task.
2. **Execute** it in a separate kernel process with a per-cell time limit and an
   address-space limit (:mod:`course_lib.classroom.sandbox_kernel`).  A cell that times out or
   kills the kernel (``os._exit``, a crash) is recorded; the kernel is restarted, the
   answer cells that ran before are replayed, and grading continues.  Student code never
   runs in the grader's own process.
3. **Grade** each test cell as nbgrader does: an error scores 0 (the reason is the
   exception), a number as the cell's result is partial credit (the visible checks of
   :mod:`course_lib.classroom.feedback` return one), anything else earns full points.

Writes ``OUT/grades.csv`` (submission, task, points, max_points, reason) and a readable
``OUT/feedback/<submission>.md`` per submission.  Submissions are graded in parallel
(``--jobs``, default 2); a broken submission never stops the batch.
"""
from __future__ import annotations

import argparse
import copy
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import multiprocessing
import nbformat

from course_lib.classroom.build import (SOURCE_DIR, grade_id, is_answer_cell, is_test_cell, nbgrader_meta,
                                  strip_hidden_tests, strip_solutions)

DEFAULT_TIMEOUT_S = 30
DEFAULT_MEMORY_MB = 2048
MAX_RESTARTS = 5
KERNEL_NAME = "course-grader"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ================================================================ results

@dataclass
class TaskResult:
    """The grade of one test cell."""
    task: str
    points: float
    max_points: float
    reason: str = ""
    output: str = ""  # what the visible check printed: the learner's per-case feedback


@dataclass
class SubmissionResult:
    submission: str
    path: str
    source: str = ""
    tasks: list[TaskResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tasks)

    @property
    def max_points(self) -> float:
        return sum(t.max_points for t in self.tasks)


@dataclass
class Outcome:
    """What happened when one cell ran."""
    status: str  # "ok", "error", "timeout", "died", "not run"
    ename: str = ""
    evalue: str = ""

    @property
    def fatal(self) -> bool:  # the kernel had to be restarted after this cell
        return self.status in ("timeout", "died")


# ================================================================ 1. rebuild from the source

@dataclass
class Assembled:
    nb: nbformat.NotebookNode
    missing_answers: set[str]
    notes: list[str]
    answers_of: dict[str, list[str]]  # test cell id -> the answer cells it checks (from the source)


def _learner_cells(sub_nb) -> tuple[dict[str, nbformat.NotebookNode], list[tuple[str | None, nbformat.NotebookNode]], list[str]]:
    """Split a submission into cells by grade_id and added code cells (with the id they follow)."""
    by_id: dict[str, nbformat.NotebookNode] = {}
    extras: list[tuple[str | None, nbformat.NotebookNode]] = []
    notes: list[str] = []
    anchor = None
    for cell in sub_nb.cells:
        gid = grade_id(cell)
        if gid:
            if gid in by_id:
                notes.append(f"cell '{gid}' appears more than once; the last copy was graded")
            by_id[gid] = cell
            anchor = gid
        elif cell.cell_type == "code" and cell.source.strip():
            extras.append((anchor, cell))
    return by_id, extras, notes


def _plain_code(cell) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(cell.source)


def assemble(source_nb, sub_nb) -> Assembled:
    """The notebook to grade: the source's cells, with the learner's answers and added cells."""
    by_id, extras, notes = _learner_cells(sub_nb)
    source_ids = {grade_id(c) for c in source_nb.cells if grade_id(c)}
    source_plain = {c.source for c in source_nb.cells if c.cell_type == "code" and not grade_id(c)}
    extras = [(a, c) for a, c in extras if c.source not in source_plain]  # the instructor's own plain cells
    unknown = [gid for gid in by_id if gid not in source_ids]
    extras += [(None, by_id[gid]) for gid in unknown]
    if unknown:
        notes.append(f"cells with unknown grade_id {', '.join(unknown)} were run as added code")

    first_answer = next((grade_id(c) for c in source_nb.cells if is_answer_cell(c)), None)
    cells, missing = [], set()
    for cell in source_nb.cells:
        gid = grade_id(cell)
        if gid == first_answer:  # added cells that come before any graded cell
            cells += [_plain_code(c) for a, c in extras if a is None]
        if is_answer_cell(cell) and cell.cell_type == "code":
            if gid in by_id:
                answer = copy.deepcopy(cell)
                answer.source = by_id[gid].source
                cells.append(answer)
            else:
                missing.add(gid)
        else:
            cells.append(copy.deepcopy(cell))
            if is_test_cell(cell) and gid in by_id and by_id[gid].source.strip() != strip_hidden_tests(cell.source).strip():
                notes.append(f"test cell '{gid}' was edited; the original test was used")
        cells += [_plain_code(c) for a, c in extras if a == gid and gid is not None]
    for gid in sorted(missing):
        notes.append(f"answer cell '{gid}' is missing (deleted, or its metadata was changed)")
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source_nb.metadata))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return Assembled(nb, missing, notes, task_answers(source_nb))


def task_answers(nb) -> dict[str, list[str]]:
    """For each test cell, the answer cells it checks: those since the previous test cell."""
    tasks, pending = {}, []
    for cell in nb.cells:
        if is_answer_cell(cell):
            pending.append(grade_id(cell))
        elif is_test_cell(cell):
            tasks[grade_id(cell)], pending = pending, []
    return tasks


# ================================================================ 2. execute in a sandboxed kernel

def write_kernelspec(directory: Path, memory_mb: int) -> Path:
    """A kernelspec that starts the kernel through the memory-limiting launcher."""
    spec_dir = Path(directory) / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "course_lib.classroom.sandbox_kernel", "--memory-mb", str(memory_mb),
                 "-f", "{connection_file}", "--IPKernelApp.capture_fd_output=False"],
        "display_name": "course grader (sandboxed)",
        "language": "python",
        # one BLAS thread per kernel: kernels already run in parallel, and fewer threads use less memory
        "env": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return Path(directory)


def _client(nb, kernel_dir: Path, timeout: int, workdir: Path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    class SandboxClient(NotebookClient):
        def create_kernel_manager(self):
            self.km = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                         kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]))
            return self.km

    return SandboxClient(nb, timeout=timeout, allow_errors=True, shutdown_kernel="immediate",
                         kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(workdir)}})


def _run_cell(client, cell, index: int) -> Outcome:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        return Outcome("timeout")
    except DeadKernelError:
        return Outcome("died")
    for out in cell.outputs:
        if out.output_type == "error":
            return Outcome("error", out.ename, ANSI.sub("", str(out.evalue)))
    return Outcome("ok")


def execute(nb, skip: set[int], timeout: int, memory_mb: int, workdir: Path, kernel_dir: Path) -> dict[int, Outcome]:
    """Run the code cells of nb in order (outputs stored in nb); restart the kernel after fatal cells."""
    pending = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i not in skip]
    outcomes: dict[int, Outcome] = {}
    replay: list[int] = []  # non-test cells that ran without killing the kernel: they rebuild the state
    restarts = 0
    while pending and restarts <= MAX_RESTARTS:
        client = _client(nb, kernel_dir, timeout, workdir)
        with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            if any(_run_cell(client, copy.deepcopy(nb.cells[j]), j).fatal for j in replay):
                break  # the state cannot be rebuilt: the remaining cells are not run
            while pending:
                index = pending.pop(0)
                outcomes[index] = _run_cell(client, nb.cells[index], index)
                if outcomes[index].fatal:
                    restarts += 1
                    break
                if not is_test_cell(nb.cells[index]):
                    replay.append(index)
    for index in pending:
        outcomes[index] = Outcome("not run")
    return outcomes


# ================================================================ 3. grade the test cells

def _result_number(cell) -> float | None:
    """The cell's result as a number (the visible check's Score), else None."""
    for out in cell.outputs:
        if out.output_type == "execute_result":
            try:
                return float(out.get("data", {}).get("text/plain", ""))
            except ValueError:
                return None
    return None


def _stdout(cell) -> str:
    return ANSI.sub("", "".join(o.get("text", "") for o in cell.outputs
                                if o.output_type == "stream" and o.name == "stdout")).strip()


def _failure_reason(outcome: Outcome, timeout: int, memory_mb: int) -> str:
    if outcome.status == "timeout":
        return f"timeout: a cell ran longer than {timeout} s (infinite loop?)"
    if outcome.status == "died":
        return "the kernel died (os._exit, exit(), a crash or exhausted memory); it was restarted"
    if outcome.status == "not run":
        return "not run: the kernel died too often"
    if outcome.ename == "NotImplementedError":
        return "not implemented yet (the answer still raises NotImplementedError)"
    if outcome.ename == "MemoryError":
        return f"out of memory (limit {memory_mb} MB)"
    if outcome.ename == "SystemExit":
        return f"the code called sys.exit({outcome.evalue})"
    if outcome.ename == "AssertionError":
        return f"AssertionError: {outcome.evalue}" if outcome.evalue else "AssertionError (a hidden test failed)"
    return f"{outcome.ename}: {outcome.evalue}".rstrip(": ")


def _answer_notes(answers: list[str], outcomes_by_id: dict[str, Outcome], timeout: int, memory_mb: int) -> str:
    failed = [f"answer cell '{a}' failed: {_failure_reason(outcomes_by_id[a], timeout, memory_mb)}"
              for a in answers if a in outcomes_by_id and outcomes_by_id[a].status != "ok"]
    return "; ".join(failed)


def grade_cells(asm: Assembled, outcomes: dict[int, Outcome], timeout: int, memory_mb: int) -> list[TaskResult]:
    """One TaskResult per test cell of the assembled notebook."""
    nb, answers_of = asm.nb, asm.answers_of
    by_id = {grade_id(c): outcomes[i] for i, c in enumerate(nb.cells) if i in outcomes and grade_id(c)}
    results = []
    for index, cell in enumerate(nb.cells):
        if not is_test_cell(cell):
            continue
        gid, max_points = grade_id(cell), float(nbgrader_meta(cell)["points"])
        missing = [a for a in answers_of[gid] if a in asm.missing_answers]
        if missing:
            results.append(TaskResult(gid, 0.0, max_points, f"answer cell '{missing[0]}' is missing (deleted or renamed)"))
            continue
        outcome = outcomes.get(index, Outcome("not run"))
        output = _stdout(cell)
        visible = _first_failed_check(output)
        # a failed answer cell is reported even when its test passes (names defined elsewhere were checked)
        answer_notes = _answer_notes(answers_of[gid], by_id, timeout, memory_mb)
        if outcome.status != "ok":
            failure = _failure_reason(outcome, timeout, memory_mb)
            if visible:  # the learner's view first, then why the cell failed (often a hidden test)
                failure = visible if outcome.ename == "NotImplementedError" else f"{visible}; then {failure}"
            points, reason = 0.0, failure
        else:
            number = _result_number(cell)
            points = max_points if number is None else min(max(number, 0.0), max_points)
            reason = "" if points >= max_points else (visible or "partial credit")
        results.append(TaskResult(gid, points, max_points, "; ".join(filter(None, [reason, answer_notes])), output))
    return results


def _first_failed_check(output: str) -> str:
    """The first ✗ line a visible check printed (without the mark), or ''."""
    return next((ln[1:].strip() for ln in output.splitlines() if ln.startswith("✗")), "")


# ================================================================ one submission

def load_sources(source_dir: Path) -> dict[str, nbformat.NotebookNode]:
    """Read every source notebook in ``source_dir``, keyed by file name."""
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(Path(source_dir).glob("*.ipynb"))}


def choose_source(sub_path: Path, sub_nb, sources: dict) -> str | None:
    """The source with the same file name, else the one sharing the most grade_ids with the submission."""
    if sub_path.name in sources:
        return sub_path.name
    ids = {grade_id(c) for c in sub_nb.cells if grade_id(c)} if sub_nb is not None else set()
    overlap = {name: len(ids & {grade_id(c) for c in nb.cells if grade_id(c)}) for name, nb in sources.items()}
    best = max(overlap, key=overlap.get, default=None)
    return best if best and overlap[best] else None


def _zero_for_all(result: SubmissionResult, source_nb, reason: str) -> SubmissionResult:
    for cell in source_nb.cells if source_nb is not None else []:
        if is_test_cell(cell):
            result.tasks.append(TaskResult(grade_id(cell), 0.0, float(nbgrader_meta(cell)["points"]), reason))
    if not result.tasks:
        result.tasks.append(TaskResult("(notebook)", 0.0, 0.0, reason))
    return result


def grade_submission(path: str, name: str, source_dir: str, timeout: int = DEFAULT_TIMEOUT_S,
                     memory_mb: int = DEFAULT_MEMORY_MB) -> SubmissionResult:
    """Grade one submitted notebook; never raises (problems become reasons)."""
    start = time.perf_counter()
    result = SubmissionResult(submission=name, path=str(path))
    sources = load_sources(Path(source_dir))
    try:
        sub_nb, read_error = nbformat.read(path, as_version=4), None
    except Exception as err:  # not JSON, not a notebook, unreadable
        sub_nb, read_error = None, f"could not read the notebook: {type(err).__name__}: {str(err)[:120]}"
    result.source = choose_source(Path(path), sub_nb, sources) or ""
    source_nb = sources.get(result.source)
    if read_error or source_nb is None:
        _zero_for_all(result, source_nb, read_error or "no exercise source matches this notebook")
    else:
        try:
            _grade_notebook(result, source_nb, sub_nb, timeout, memory_mb)
        except Exception as err:  # a grader bug must not stop the batch
            result.tasks = []
            _zero_for_all(result, source_nb, f"grader error: {type(err).__name__}: {err}")
    result.seconds = time.perf_counter() - start
    return result


def _grade_notebook(result: SubmissionResult, source_nb, sub_nb, timeout: int, memory_mb: int) -> None:
    asm = assemble(source_nb, sub_nb)
    skip = {i for i, c in enumerate(asm.nb.cells)
            if is_test_cell(c) and any(a in asm.missing_answers for a in asm.answers_of[grade_id(c)])}
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        kernel_dir = write_kernelspec(Path(tmp) / "kernels", memory_mb)
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        outcomes = execute(asm.nb, skip, timeout, memory_mb, workdir, kernel_dir)
    result.tasks = grade_cells(asm, outcomes, timeout, memory_mb)
    result.notes = asm.notes
    restarts = sum(o.fatal for o in outcomes.values())
    if restarts:
        result.notes.append(f"the kernel was restarted {restarts} time(s); earlier answer cells were re-run")
    for index, cell in enumerate(asm.nb.cells):
        outcome = outcomes.get(index)
        if outcome and outcome.status == "error" and nbgrader_meta(cell).get("locked") and not is_test_cell(cell):
            result.notes.append(f"set-up cell '{grade_id(cell)}' failed: {outcome.ename}: {outcome.evalue}")


# ================================================================ reports

def _cell_text(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def write_csv(results: list[SubmissionResult], path: Path) -> None:
    """Write one row per submission and task: submission, task, points, max_points, reason."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "task", "points", "max_points", "reason"])
        for r in results:
            for t in r.tasks:
                writer.writerow([r.submission, t.task, f"{t.points:g}", f"{t.max_points:g}", t.reason])


def feedback_markdown(r: SubmissionResult) -> str:
    """A readable feedback report for one submission (points table, notes, check messages)."""
    lines = [f"# Feedback: {r.submission}", "",
             f"Exercise set: `{r.source or 'unknown'}` · **{r.points:g} / {r.max_points:g} points**", "",
             "| task | points | reason |", "|---|---|---|"]
    lines += [f"| {t.task} | {t.points:g} / {t.max_points:g} | {_cell_text(t.reason) or '✓'} |" for t in r.tasks]
    if r.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in r.notes]
    for t in r.tasks:
        if t.output:
            lines += ["", f"## {t.task}", "", "```", t.output[:3000], "```"]
    return "\n".join(lines) + "\n"


def write_reports(results: list[SubmissionResult], out_dir: Path) -> None:
    """Write ``grades.csv`` and ``feedback/<submission>.md`` under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(results, out_dir / "grades.csv")
    for r in results:
        target = out_dir / "feedback" / f"{r.submission}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(feedback_markdown(r))


# ================================================================ batch

def find_submissions(paths: list[str]) -> list[tuple[Path, str]]:
    """(path, submission name) for every notebook in the given files and folders."""
    found = []
    for arg in map(Path, paths):
        if arg.is_dir():
            for nb in sorted(arg.rglob("*.ipynb")):
                if ".ipynb_checkpoints" not in nb.parts:
                    found.append((nb, nb.relative_to(arg).with_suffix("").as_posix(), arg.resolve().name))
        elif arg.exists():
            found.append((arg, arg.stem, arg.resolve().parent.name))
        else:
            raise FileNotFoundError(f"no such submission file or folder: {arg}")
    return _unique_names(found)


def _unique_names(found: list[tuple[Path, str, str]]) -> list[tuple[Path, str]]:
    """Name clashes (the same notebook under two given folders) are told apart by the folder's name."""
    names = [n for _, n, _ in found]
    named = [(p, n if names.count(n) == 1 else f"{folder}__{n}".replace("/", "__")) for p, n, folder in found]
    seen: dict[str, int] = {}
    unique = []
    for path, name in named:  # still clashing (two folders of the same name): number them
        seen[name] = seen.get(name, 0) + 1
        unique.append((path, name if seen[name] == 1 else f"{name}-{seen[name]}"))
    return unique


def grade_all(paths: list[str], source_dir: Path = SOURCE_DIR, out_dir: Path | None = None,
              timeout: int = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB, jobs: int = 2,
              verbose: bool = True) -> list[SubmissionResult]:
    """Grade every submission (in ``jobs`` parallel processes); write reports when out_dir is given."""
    submissions = find_submissions(paths)
    context = multiprocessing.get_context("spawn")  # a clean process: no state inherited from the caller
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = [pool.submit(grade_submission, str(p), n, str(source_dir), timeout, memory_mb)
                   for p, n in submissions]
        results = []
        for (path, name), future in zip(submissions, futures):
            try:
                r = future.result()
            except Exception as err:  # the worker process itself died
                r = SubmissionResult(name, str(path), tasks=[TaskResult("(notebook)", 0.0, 0.0, f"grader worker failed: {err}")])
            results.append(r)
            if verbose:
                print(f"{name}: {r.points:g} / {r.max_points:g}  ({r.seconds:.1f} s)", flush=True)
    if out_dir is not None:
        write_reports(results, Path(out_dir))
    return results


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line of ``python -m course_lib.classroom.grade``."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.classroom.grade", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="submitted notebooks or folders of them")
    parser.add_argument("--source", default=str(SOURCE_DIR), help="folder of source notebooks (default: exercises/source)")
    parser.add_argument("--out", default="graded", help="where grades.csv and feedback/ go (default: ./graded)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_S, help="seconds per cell (default 30)")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, help="address-space limit per kernel (default 2048)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded in parallel (default 2)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Command line: grade every submission found under the given paths."""
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        results = grade_all(args.paths, Path(args.source), Path(args.out), args.timeout, args.memory_mb, args.jobs)
    except FileNotFoundError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    print(f"graded {len(results)} submission(s) in {time.perf_counter() - start:.1f} s; "
          f"wrote {Path(args.out) / 'grades.csv'} and {Path(args.out) / 'feedback'}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
