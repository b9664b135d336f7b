"""The exercise sources work with nbgrader 0.9: generate_assignment, then autograde.

Protects issue 4's nbgrader path: an instructor can release every exercise set with nbgrader,
and nbgrader's autograder gives each reference solution full points and the untouched
release of the warm-up set zero (hidden tests restored from nbgrader's database).  All the
sets go into one assignment, so nbgrader starts once per command.
"""
import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from broken_submissions import SOURCE, max_points, solved_nb
from course_lib.classroom.build import grade_id, is_answer_cell, source_notebooks

ASSIGNMENT = "exercises"
SOURCES = source_notebooks()
WARMUP = SOURCE


def _nbgrader(course, *args):
    # nbgrader runs the `alembic` command of its environment: put the venv's bin first on PATH
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run


def _submit(course, student, name, nb):
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)


def _fill_answers(release_nb, answers_nb):
    """The released notebook with the answer cells a learner wrote (here: the solutions)."""
    answers = {grade_id(c): c.source for c in answers_nb.cells if is_answer_cell(c)}
    for cell in release_nb.cells:
        if is_answer_cell(cell):
            cell.source = answers[grade_id(cell)]
    return release_nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory: source -> generate_assignment -> two submissions -> autograde."""
    course = tmp_path_factory.mktemp("nbgrader_course")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'optim-course'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course}/gradebook.db'\n"
        "c.ExecutePreprocessor.timeout = 60\n")
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    for source in SOURCES:
        shutil.copy(source, course / "source" / ASSIGNMENT / source.name)
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    for source in SOURCES:
        release = nbformat.read(course / "release" / ASSIGNMENT / source.name, as_version=4)
        _submit(course, "alice", source.name, _fill_answers(copy.deepcopy(release), solved_nb(source)))
        if source == WARMUP:  # one untouched release is enough: test_exercises checks every learner version scores 0
            _submit(course, "bob", source.name, release)
    _nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    return course


def _scores(course, student, source):
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        nb = gb.find_submission_notebook(source.stem, ASSIGNMENT, student)
        return nb.score, nb.max_score, {g.name: g.score for g in nb.grades}


def _ids(paths):
    return [p.stem for p in paths]


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_release_has_no_solution_and_no_hidden_test(course, source):
    text = (course / "release" / ASSIGNMENT / source.name).read_text()
    for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "hidden test:"):
        assert marker not in text


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_solution_gets_full_points_in_nbgrader(course, source):
    score, max_score, per_cell = _scores(course, "alice", source)
    assert max_score == max_points(source) > 0
    assert score == max_score, per_cell


def test_untouched_release_gets_zero_in_nbgrader(course):
    score, max_score, per_cell = _scores(course, "bob", WARMUP)
    assert max_score == max_points(WARMUP) == 9
    assert score == 0, per_cell
    assert set(per_cell) >= {"warmup_mse_check", "warmup_one_step_lr_check"}


FEEDBACK_WITHOUT_HIDDEN_TESTS = (
    "from nbgrader.preprocessors import GetGrades, ClearHiddenTests\n"
    "from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor\n"
    "c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]\n")


def test_feedback_shows_hidden_tests_unless_configured_not_to(course):
    """nbgrader's HTML feedback prints the hidden tests' code; INSTRUCTORS.md's config removes it from the cells."""
    def feedback(student):
        return (course / "feedback" / student / ASSIGNMENT / f"{WARMUP.stem}.html").read_text()

    _nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    assert "hidden test:" in feedback("alice")
    config = course / "nbgrader_config.py"
    original = config.read_text()
    config.write_text(original + FEEDBACK_WITHOUT_HIDDEN_TESTS)
    try:
        _nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    finally:
        config.write_text(original)
    assert "hidden test:" not in feedback("alice")
    # the limit INSTRUCTORS.md states: a hidden test that fails shows its traceback, which quotes the test's code
    assert "BEGIN HIDDEN TESTS" in feedback("bob")
