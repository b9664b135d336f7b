"""The learner workspace: exercises are copied once, learner work is never overwritten, updates arrive beside it.

Protects issue 4 item 5 (what `make lab` does through `python -m course_lib.classroom.workspace`).
"""
import json
import shutil

import nbformat
import pytest

from course_lib.classroom.workspace import VERSIONS_FILE, sync_workspace, version_hash
from notebook_files import ROOT

LEARNER_VERSION = ROOT / "exercises" / "00_warmup.ipynb"


@pytest.fixture
def dirs(tmp_path):
    exercises, workspace = tmp_path / "exercises", tmp_path / "workspace"
    exercises.mkdir()
    shutil.copy(LEARNER_VERSION, exercises / LEARNER_VERSION.name)
    return exercises, workspace


def _edit(path, text):
    """Change the first code cell, as a learner (or an instructor) would."""
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.cell_type == "code").source += f"\n# {text}"
    nbformat.write(nb, path)


def _learner_started(exercises, workspace):
    """First `make lab`, then the learner edits their copy; return (their file, its bytes)."""
    sync_workspace(exercises, workspace)
    mine = workspace / LEARNER_VERSION.name
    _edit(mine, "my work")
    return mine, mine.read_bytes()


def test_first_sync_copies_missing_exercises(dirs):
    exercises, workspace = dirs
    notes = sync_workspace(exercises, workspace)
    assert (workspace / LEARNER_VERSION.name).read_bytes() == LEARNER_VERSION.read_bytes()
    assert notes == [f"copied {LEARNER_VERSION.name} into workspace/"]
    assert json.loads((workspace / VERSIONS_FILE).read_text()) == {LEARNER_VERSION.name: version_hash(LEARNER_VERSION)}


def test_learner_work_is_never_overwritten(dirs):
    exercises, workspace = dirs
    mine, before = _learner_started(exercises, workspace)
    assert sync_workspace(exercises, workspace) == []  # nothing new: silent
    assert mine.read_bytes() == before
    assert sorted(p.name for p in workspace.glob("*.ipynb")) == [LEARNER_VERSION.name]


def test_updated_exercise_arrives_beside_the_learners_file(dirs):
    exercises, workspace = dirs
    mine, before = _learner_started(exercises, workspace)
    _edit(exercises / LEARNER_VERSION.name, "instructor's fix")
    new_hash = version_hash(exercises / LEARNER_VERSION.name)

    notes = sync_workspace(exercises, workspace)
    beside = workspace / f"{LEARNER_VERSION.stem}.new-{new_hash}.ipynb"
    assert mine.read_bytes() == before
    assert beside.read_bytes() == (exercises / LEARNER_VERSION.name).read_bytes()
    assert len(notes) == 1 and "updated" in notes[0] and beside.name in notes[0]
    assert sync_workspace(exercises, workspace) == []  # told once, not at every start


def test_re_executed_exercise_is_not_an_update(dirs):
    """Only cell sources count: fresh outputs of the same exercise do not make a copy."""
    exercises, workspace = dirs
    sync_workspace(exercises, workspace)
    nb = nbformat.read(exercises / LEARNER_VERSION.name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, exercises / LEARNER_VERSION.name)
    assert sync_workspace(exercises, workspace) == []


def test_deleted_copy_is_restored_and_lost_record_is_safe(dirs):
    exercises, workspace = dirs
    mine, _ = _learner_started(exercises, workspace)
    (workspace / VERSIONS_FILE).unlink()  # record lost, learner's file differs: keep it, offer the exercise beside
    notes = sync_workspace(exercises, workspace)
    assert "# my work" in mine.read_text() and len(notes) == 1
    mine.unlink()
    assert sync_workspace(exercises, workspace) == [f"copied {LEARNER_VERSION.name} into workspace/"]
