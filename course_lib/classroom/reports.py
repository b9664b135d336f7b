"""What grading leaves in the output folder: ``grades.csv`` and one feedback file per student and set.

``grades.csv`` has one row per task::

    student, set, task, title, points, max_points, reason, seconds, submitted_at, submission

(``task`` is the test cell's ``grade_id``, ``title`` the task's heading in the source, ``seconds`` the
time the whole submission took to grade, ``submitted_at`` ISO 8601 in UTC, ``submission`` the notebook's
path.)  ``feedback/<student>/<set>.md`` is what you can hand back.

Both are **merged by (student, set)**: a run replaces exactly the rows and feedback files of the
(student, set) pairs it graded and keeps every other row, so regrading one student (``grade
submissions/bob``) or one set (``grade submissions/*/03_gradient_descent.ipynb``) is safe.  Files are
written atomically (readers see the old file or the new one).
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

COLUMNS = ["student", "set", "task", "title", "points", "max_points", "reason", "seconds", "submitted_at", "submission"]
GRADES = "grades.csv"
FEEDBACK = "feedback"


class OldGradesFile(ValueError):
    """The output folder holds a grades.csv this grader did not write (other columns)."""


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of one."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, newline="")
    os.replace(partial, path)


# ================================================================ grades.csv

def rows_of(result) -> list[dict]:
    """The grades.csv rows of one SubmissionResult."""
    return [{"student": result.student, "set": result.set_name, "task": t.task, "title": t.title,
             "points": f"{t.points:g}", "max_points": f"{t.max_points:g}", "reason": t.reason,
             "seconds": f"{result.seconds:.1f}", "submitted_at": result.submitted_at, "submission": result.path}
            for t in result.tasks]


def read_grades(path: Path) -> list[dict]:
    """The rows of an existing grades.csv ([] when there is none)."""
    if not Path(path).exists():
        return []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames and not {"student", "set"} <= set(reader.fieldnames):
            raise OldGradesFile(f"{path} has columns {', '.join(reader.fieldnames)}, not student and set "
                                "(an older grader wrote it): move it away or grade into another --out folder")
        return list(reader)


def merge(previous: list[dict], results) -> list[dict]:
    """``previous`` without the (student, set) pairs of ``results``, plus their new rows; sorted by student, set."""
    graded = {(r.student, r.set_name) for r in results}
    kept = [row for row in previous if (row["student"], row["set"]) not in graded]
    new = [row for r in results for row in rows_of(r)]
    order = {id(row): i for i, row in enumerate(kept + new)}  # tasks keep their notebook order
    return sorted(kept + new, key=lambda row: (row["student"], row["set"], order[id(row)]))


def write_grades(rows: list[dict], path: Path) -> None:
    """Write the rows to grades.csv, atomically."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(Path(path), buffer.getvalue())


# ================================================================ feedback for the student

def _cell_text(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def feedback_markdown(r) -> str:
    """A feedback report a student can read: task titles, points, what went wrong (cause first), checks' output."""
    lines = [f"# Feedback for {r.student}: {r.set_title or r.set_name or 'unknown exercise set'}", "",
             f"**{r.points:g} / {r.max_points:g} points**", "",
             "| task | points | what happened |", "|---|---|---|"]
    lines += [f"| {_cell_text(t.title or t.task)} | {t.points:g} / {t.max_points:g} | {_cell_text(t.reason) or '✓'} |"
              for t in r.tasks]
    if r.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in r.notes]
    for t in r.tasks:
        if t.output:
            lines += ["", f"## {t.title or t.task}", ""]
            if t.reason and t.points < t.max_points:
                lines += [f"**{t.points:g} / {t.max_points:g}**: {t.reason}", ""]
            lines += ["What the check printed:", "", "```", t.output[:3000], "```"]
    return "\n".join(lines) + "\n"


def feedback_path(out_dir: Path, student: str, set_name: str) -> Path:
    """``OUT/feedback/<student>/<set>.md``."""
    return Path(out_dir) / FEEDBACK / student / f"{set_name or 'unknown'}.md"


def write_feedback(r, out_dir: Path) -> None:
    """Write (replace) one submission's feedback file, atomically."""
    target = feedback_path(out_dir, r.student, r.set_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, feedback_markdown(r))
