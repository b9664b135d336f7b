"""A gradebook CSV for a learning-management system: one row per student and exercise set.

Usage::

    python -m course_lib.classroom.gradebook GRADED_DIR [--roster roster.csv] [--due [SET=]WHEN ...]
                                             [--grace MINUTES] [--source DIR] [--out FILE]

Reads ``GRADED_DIR/grades.csv`` (written by :mod:`course_lib.classroom.grade`) and writes
(default ``GRADED_DIR/gradebook.csv``)::

    student, set, points, max_points, submitted_at, late, missing, notes

- **roster** (optional): a CSV file with a header row and a ``student`` column holding each student's
  folder name (other columns, such as ``name`` or ``email``, are ignored).  Every roster student gets
  a row for every set, with ``0`` and ``missing`` where nothing was handed in.  Students graded but
  not on the roster are kept, with the note ``not on the roster``.
- **due dates** (optional): ``--due 2025-03-07T23:59+01:00`` for every set, or ``--due
  00_warmup=2025-03-07T23:59+01:00`` per set (repeat the option).  ISO 8601; a time without an offset
  is UTC.  ``--grace 15`` allows 15 minutes after it.  A submission after due date + grace is
  ``late`` (the note says by how much); no points are taken off (apply your policy in the LMS).
- **sets**: those in ``grades.csv`` and those named in ``--due``; a missing set's ``max_points`` is read
  from its source notebook (``--source``, default ``exercises/source``).

Plain ``csv`` from the standard library: no pandas needed.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import datetime, timedelta
from pathlib import Path

from course_lib._checks import check_non_negative
from course_lib.classroom import reports
from course_lib.classroom.build import SOURCE_DIR, is_test_cell, nbgrader_meta
from course_lib.classroom.collect import parse_time

COLUMNS = ["student", "set", "points", "max_points", "submitted_at", "late", "missing", "notes"]
ANY_SET = ""


def read_roster(path: Path) -> list[str]:
    """The students of a roster CSV (its ``student`` column), in file order, without blanks or repeats."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or "student" not in [c.strip() for c in reader.fieldnames]:
            raise ValueError(f"roster {path}: needs a header row with a 'student' column (the students' folder "
                             f"names); found columns {reader.fieldnames}")
        column = next(c for c in reader.fieldnames if c.strip() == "student")
        students = [(row.get(column) or "").strip() for row in reader]
    return list(dict.fromkeys(s for s in students if s))


def parse_due(values: list[str]) -> dict[str, datetime]:
    """``["2025-03-07T23:59Z", "01_x=2025-03-14T23:59Z"]`` → {"": ..., "01_x": ...}; a bad date names the option."""
    due = {}
    for value in values:
        set_name, _, when = value.rpartition("=") if "=" in value else (ANY_SET, "", value)
        try:
            due[set_name.strip().removesuffix(".ipynb")] = parse_time(when)
        except ValueError:
            raise ValueError(f"--due {value!r}: expected [SET=]WHEN with WHEN in ISO 8601, "
                             "e.g. 00_warmup=2025-03-07T23:59+01:00") from None
    return due


def set_points(source_dir: Path) -> dict[str, float]:
    """Each exercise set's maximum points, from its source notebook."""
    import nbformat
    return {p.stem: float(sum(nbgrader_meta(c)["points"] for c in nbformat.read(p, as_version=4).cells if is_test_cell(c)))
            for p in sorted(Path(source_dir).glob("*.ipynb"))}


def _lateness(submitted: str, due: datetime | None, grace: timedelta) -> tuple[str, str]:
    """("late" or "", a note saying by how much) for one submission."""
    if due is None or not submitted:
        return "", ""
    delay = parse_time(submitted) - due
    if delay <= grace:
        return "", ""
    minutes = int(delay.total_seconds() // 60)
    return "late", f"{minutes // 60} h {minutes % 60:02d} min after the due date" + (
        f" (grace {grace.total_seconds() / 60:g} min)" if grace else "")


def summarize(grades: list[dict], roster: list[str] | None = None, due: dict[str, datetime] | None = None,
              grace_minutes: float = 0.0, max_points: dict[str, float] | None = None) -> list[dict]:
    """One row per (student, set): the gradebook (see the module docstring)."""
    check_non_negative("grace_minutes", grace_minutes)
    due, max_points = due or {}, max_points or {}
    graded: dict[tuple[str, str], list[dict]] = {}
    for row in grades:
        graded.setdefault((row["student"], row["set"]), []).append(row)
    sets = sorted({s for _, s in graded if s} | {s for s in due if s != ANY_SET})
    students = list(roster) if roster is not None else []
    students += sorted({s for s, _ in graded if s not in students})
    grace = timedelta(minutes=grace_minutes)
    rows = []
    for student in students:
        for set_name in sets:
            tasks = graded.get((student, set_name))
            notes = [] if roster is None or student in roster else ["not on the roster"]
            if tasks is None:
                top = max_points.get(set_name, 0.0)
                rows.append(dict(student=student, set=set_name, points="0", max_points=f"{top:g}", submitted_at="",
                                 late="", missing="missing", notes="; ".join(notes)))
                continue
            submitted = tasks[0].get("submitted_at", "")
            late, how_late = _lateness(submitted, due.get(set_name, due.get(ANY_SET)), grace)
            unreadable = [t["reason"] for t in tasks if t["task"] == "(notebook)" or "could not be" in t["reason"]]
            notes += [how_late] + unreadable[:1]
            rows.append(dict(student=student, set=set_name, points=f"{sum(float(t['points']) for t in tasks):g}",
                             max_points=f"{sum(float(t['max_points']) for t in tasks):g}", submitted_at=submitted,
                             late=late, missing="", notes="; ".join(n for n in notes if n)))
    return rows


def to_csv(rows: list[dict]) -> str:
    """The gradebook rows as CSV text (header first)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    """Command line: write the gradebook; exit 2 with a message naming the problem on bad input."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.classroom.gradebook", description=__doc__.split("\n")[0])
    parser.add_argument("graded", metavar="GRADED_DIR", help="the grader's output folder (holds grades.csv)")
    parser.add_argument("--roster", help="CSV with a 'student' column: every student expected")
    parser.add_argument("--due", action="append", default=[], metavar="[SET=]WHEN",
                        help="due date, ISO 8601 (no offset = UTC), for every set or for SET; repeatable")
    parser.add_argument("--grace", type=float, default=0.0, metavar="MINUTES", help="minutes allowed after the due date")
    parser.add_argument("--source", default=str(SOURCE_DIR), help="folder of source notebooks (for a missing set's points)")
    parser.add_argument("--out", help="where to write the gradebook (default: GRADED_DIR/gradebook.csv)")
    args = parser.parse_args(argv)
    grades_path = Path(args.graded) / reports.GRADES
    try:
        if not grades_path.exists():
            raise ValueError(f"{grades_path} does not exist: run python -m course_lib.classroom.grade first")
        grades = reports.read_grades(grades_path)
        roster = read_roster(Path(args.roster)) if args.roster else None
        rows = summarize(grades, roster, parse_due(args.due), args.grace, set_points(Path(args.source)))
    except (ValueError, OSError) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path(args.graded) / "gradebook.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    reports.write_atomically(out, to_csv(rows))
    counts = {key: sum(1 for r in rows if r[key]) for key in ("late", "missing")}
    print(f"wrote {out}: {len(rows)} row(s), {counts['late']} late, {counts['missing']} missing")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
