"""Who handed in what, for which exercise set, and when: the submissions a grading run finds.

The layout is one folder per student, the notebooks directly inside::

    submissions/alice/00_warmup.ipynb
    submissions/bob/00_warmup.ipynb
    submissions/bob/timestamp.txt        (optional: when bob handed in, as nbgrader writes it)

- **student**: the name of the folder that holds the notebook, whatever path is given
  (``submissions/``, ``submissions/bob`` or ``submissions/bob/00_warmup.ipynb`` all name bob).
- **set**: the exercise source with the notebook's file name; else the one whose number starts the
  name (``00_warmup (1).ipynb``, ``00-bob.ipynb``); else the one whose ``grade_id``s the notebook's
  cells share most.  When the cells match another set than the file name says, the cells win and
  the submission is flagged (:attr:`Submission.flag`).
- **submitted at**: the first line of a ``timestamp.txt`` beside the notebook (nbgrader's
  ``2025-03-07 22:10:00.123456 UTC``, or ISO 8601), else the notebook file's modification time.
  Copy files with their times (``cp -p``, ``rsync -t``, ``unzip`` keeps them), or write the timestamp file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from course_lib.classroom.build import grade_id

TIMESTAMP_FILE = "timestamp.txt"
NUMBER = re.compile(r"^(\d+)")


@dataclass
class Submission:
    """One notebook to grade."""
    path: Path
    student: str
    label: str  # the path as the instructor knows it: relative to the folder given, or as given


# ================================================================ finding notebooks

def find_submissions(paths: list[str]) -> list[Submission]:
    """Every notebook in the given files and folders (checkpoints skipped), named after its student folder."""
    found = []
    for arg in map(Path, paths):
        if arg.is_dir():
            for nb in sorted(arg.rglob("*.ipynb")):
                if ".ipynb_checkpoints" not in nb.parts:
                    found.append(Submission(nb, student_of(nb), nb.relative_to(arg).as_posix()))
        elif arg.exists():
            found.append(Submission(arg, student_of(arg), arg.as_posix()))
        else:
            raise FileNotFoundError(f"no such submission file or folder: {arg}")
    return found


def student_of(notebook: Path) -> str:
    """The student a notebook belongs to: the name of the folder that holds it."""
    return notebook.resolve().parent.name


def tell_apart(submissions: list[Submission], sets: list[str]) -> dict[int, str]:
    """Rename students whose (student, set) clashes with an earlier submission's; a note for each, by index.

    Two notebooks for one student and set (two folders of the same name given, or two copies in one
    folder) would replace each other's rows: the later one is graded as ``<student>-2`` (``-3``...),
    so that both stay visible and the instructor decides.
    """
    seen: dict[tuple[str, str], int] = {}
    notes = {}
    for index, (sub, set_name) in enumerate(zip(submissions, sets)):
        key = (sub.student, set_name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            renamed = f"{sub.student}-{seen[key]}"
            notes[index] = (f"another notebook of {sub.student} for {set_name or 'an unknown set'} came first; "
                            f"this one ({sub.path}) is graded as student '{renamed}'")
            sub.student = renamed
    return notes


# ================================================================ which set

def _ids(nb) -> set[str]:
    return {grade_id(c) for c in nb.cells if grade_id(c)} if nb is not None else set()


def set_by_name(path: Path, sources: dict) -> str | None:
    """The source named like the file, else the one whose leading number the file name shares."""
    if path.name in sources:
        return path.name
    number = NUMBER.match(path.stem)
    matches = [name for name in sources if number and NUMBER.match(name) and
               int(NUMBER.match(name).group(1)) == int(number.group(1))]
    return matches[0] if len(matches) == 1 else None


def set_by_cells(sub_nb, sources: dict) -> str | None:
    """The source sharing the most grade_ids with the notebook (None when none shares any)."""
    ids = _ids(sub_nb)
    overlap = {name: len(ids & _ids(nb)) for name, nb in sources.items()}
    best = max(overlap, key=overlap.get, default=None)
    return best if best and overlap[best] else None


def choose_source(path: Path, sub_nb, sources: dict) -> tuple[str | None, str]:
    """(the set to grade the notebook as, a flag when its cells belong to another set than its name says)."""
    named, by_cells = set_by_name(Path(path), sources), set_by_cells(sub_nb, sources)
    if named and by_cells and by_cells != named and len(_ids(sub_nb) & _ids(sources[named])) < \
            len(_ids(sub_nb) & _ids(sources[by_cells])):
        return by_cells, (f"the file is named {Path(path).name} but its cells are those of {by_cells}: "
                          f"graded as {Path(by_cells).stem}")
    return named or by_cells, ""


def read_notebook(path: Path):
    """(the notebook, None) or (None, why it could not be read)."""
    try:
        return nbformat.read(path, as_version=4), None
    except Exception as err:  # not JSON, not a notebook, unreadable, not UTF-8
        return None, f"could not read the notebook: {type(err).__name__}: {str(err)[:120]}"


# ================================================================ when

def parse_time(text: str) -> datetime:
    """An aware datetime from ISO 8601 or nbgrader's ``2025-03-07 22:10:00.123456 UTC``; naive means UTC."""
    text = text.strip()
    if text.upper().endswith(" UTC"):
        text = text[:-4]
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def submitted_at(notebook: Path) -> tuple[str, str]:
    """(ISO 8601 time in UTC, where it came from): the ``timestamp.txt`` beside the notebook, else its mtime."""
    stamp = Path(notebook).parent / TIMESTAMP_FILE
    if stamp.is_file():
        try:
            first = stamp.read_text().strip().splitlines()[0]
            return parse_time(first).astimezone(timezone.utc).isoformat(timespec="seconds"), TIMESTAMP_FILE
        except (ValueError, IndexError, OSError):
            pass  # unreadable: fall back to the file's own time
    moment = datetime.fromtimestamp(Path(notebook).stat().st_mtime, timezone.utc)
    return moment.isoformat(timespec="seconds"), "file time"
