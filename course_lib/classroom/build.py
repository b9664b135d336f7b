"""Generate the learner versions of the exercise sets from their nbgrader-format sources.

Usage:  python -m course_lib.classroom.build [SOURCE ...]      (``make exercises [NB=...]``)

``exercises/source/NN_topic.ipynb`` is the single source of truth (CONTRIBUTING.md §4).  It is
written in nbgrader's format, so instructors can also use ``nbgrader generate_assignment``:

- answer cells (``nbgrader.solution``) hold ``### BEGIN SOLUTION`` / ``### END SOLUTION``
  regions *inside function bodies*, so the learner version (where the region becomes
  ``raise NotImplementedError()``) still runs without error;
- test cells (``nbgrader.grade``, ``points``) end with a visible check from
  :mod:`course_lib.classroom.feedback` and may hold ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``.

The command executes each source (every check and hidden test must pass), writes the
learner version ``exercises/NN_topic.ipynb`` (solutions replaced by the stub, hidden tests
removed, as nbgrader does) and executes it, so it is stored with the friendly
"not implemented yet" feedback a learner first sees.
"""
from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat

from course_lib.classroom.notebook_runner import execute

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIR = ROOT / "exercises" / "source"
LEARNER_DIR = ROOT / "exercises"

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]  # nbgrader's stub for Python
TEXT_STUB = ["YOUR ANSWER HERE"]


# ---------------------------------------------------------------- cell metadata

def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata ({} when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell) -> str | None:
    """The nbgrader ``grade_id`` of a cell, or None."""
    return nbgrader_meta(cell).get("grade_id")


def is_answer_cell(cell) -> bool:
    """True for a cell that holds a solution region (nbgrader ``solution: true``)."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_test_cell(cell) -> bool:
    """A graded cell that is not an answer cell: the visible check (+ hidden tests)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


# ---------------------------------------------------------------- region handling

def _replace_regions(source: str, begin: str, end: str, stub: list[str]) -> str:
    """Replace every ``begin`` ... ``end`` line region by ``stub`` (indented like ``begin``)."""
    out: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise ValueError(f"nested {begin!r} in cell:\n{source}")
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + s for s in stub)
        elif end in line:
            if not inside:
                raise ValueError(f"{end!r} without {begin!r} in cell:\n{source}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{begin!r} without {end!r} in cell:\n{source}")
    return "\n".join(out)


def strip_solutions(source: str, cell_type: str = "code") -> str:
    """The learner's view of an answer cell: each solution region becomes nbgrader's stub."""
    return _replace_regions(source, BEGIN_SOLUTION, END_SOLUTION, CODE_STUB if cell_type == "code" else TEXT_STUB)


def strip_hidden_tests(source: str) -> str:
    """The learner's view of a test cell: hidden test regions removed."""
    return _replace_regions(source, BEGIN_HIDDEN, END_HIDDEN, [])


def hidden_test_lines(source: str) -> list[str]:
    """The non-blank lines inside hidden-test regions (used to prove they never leak)."""
    kept = strip_hidden_tests(source).split("\n")
    return [ln.strip() for ln in source.split("\n") if ln.strip() and ln not in kept
            and BEGIN_HIDDEN not in ln and END_HIDDEN not in ln]


def solution_lines(source: str) -> list[str]:
    """The non-blank lines inside solution regions."""
    lines, inside = [], False
    for ln in source.split("\n"):
        if BEGIN_SOLUTION in ln or END_SOLUTION in ln:
            inside = BEGIN_SOLUTION in ln
        elif inside and ln.strip():
            lines.append(ln.strip())
    return lines


# ---------------------------------------------------------------- validation

def validate_source(nb) -> None:
    """Raise ValueError when a source notebook breaks the exercise format."""
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        meta, where = nbgrader_meta(cell), f"cell {index}"
        text = cell.source
        if meta:
            gid = meta.get("grade_id")
            if not gid:
                raise ValueError(f"{where}: nbgrader metadata needs a non-empty 'grade_id'")
            if gid in seen:
                raise ValueError(f"{where}: duplicate grade_id {gid!r}")
            seen.add(gid)
            if meta.get("grade") and "points" not in meta:
                raise ValueError(f"{where} ({gid}): a graded cell needs 'points'")
        if BEGIN_SOLUTION in text and not meta.get("solution"):
            raise ValueError(f"{where}: has a solution region but is not marked nbgrader 'solution'")
        if BEGIN_HIDDEN in text and not is_test_cell(cell):
            raise ValueError(f"{where}: has hidden tests but is not a graded test cell")
        if cell.cell_type == "code" and any(
                BEGIN_SOLUTION in ln and not ln.startswith((" ", "\t")) for ln in text.split("\n")):
            raise ValueError(f"{where} ({meta.get('grade_id')}): put solution regions inside a function body, "
                             "so the learner version runs without error")


# ---------------------------------------------------------------- the learner version

def make_learner_version(source_nb):
    """Return the learner version of a source notebook (a new notebook; outputs cleared)."""
    validate_source(source_nb)
    nb = copy.deepcopy(source_nb)
    for cell in nb.cells:
        if is_answer_cell(cell):
            cell.source = strip_solutions(cell.source, cell.cell_type)
        if is_test_cell(cell):
            cell.source = strip_hidden_tests(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def write_learner_version(source_path: Path, learner_dir: Path = LEARNER_DIR) -> Path:
    """Write (without executing) the learner version of one source, under the same file name; return its path."""
    nb = make_learner_version(nbformat.read(source_path, as_version=4))
    target = Path(learner_dir) / Path(source_path).name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def build(source_path: Path, learner_dir: Path = LEARNER_DIR) -> Path:
    """Execute the source (all checks must pass), then write and execute its learner version."""
    source_path = Path(source_path)
    print(f"executing {source_path.name} (solutions) ...", end=" ", flush=True)
    print(f"{execute(source_path):.1f} s")
    target = write_learner_version(source_path, learner_dir)
    print(f"executing {target.name} (learner version) ...", end=" ", flush=True)
    print(f"{execute(target):.1f} s")
    return target


def source_notebooks(source_dir: Path = SOURCE_DIR) -> list[Path]:
    """The instructor (source) notebooks, sorted by name."""
    return sorted(p for p in Path(source_dir).glob("*.ipynb"))


def _resolve(arg: str) -> Path:
    """Accept a source path, a learner-version path or a bare name like ``00_warmup``."""
    name = Path(arg).name if arg.endswith(".ipynb") else f"{Path(arg).name}.ipynb"
    path = SOURCE_DIR / name
    if not path.exists():
        raise SystemExit(f"ERROR: no exercise source {path.relative_to(ROOT)}")
    return path


def main(argv: list[str]) -> int:
    """Command line: regenerate the learner versions of the given sources (default: all)."""
    sources = [_resolve(a) for a in argv] or source_notebooks()
    if not sources:
        print("no exercise sources in exercises/source/", file=sys.stderr)
        return 1
    for source in sources:
        build(source)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
