"""Exercise sets: learner versions are generated, up to date, leak nothing, and start at zero points.

Protects issue 4 items 1 and 6: exercises/NN_topic.ipynb is exactly what
`python -m course_lib.classroom.build` makes from exercises/source/NN_topic.ipynb (never hand-edited);
no solution line and no hidden test appears in any learner file; the stored learner version
shows 0 points with the friendly "not implemented yet" message; our stripping matches nbgrader's;
the notebook runner both commands use stores outputs without TensorFlow's log lines.
"""
import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from course_lib.classroom.build import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, hidden_test_lines,
                                  is_test_cell, make_learner_version, nbgrader_meta, solution_lines,
                                  source_notebooks, validate_source, write_learner_version)
from course_lib.classroom.notebook_runner import execute, strip_tf_logs
from notebook_files import ROOT

SOURCES = source_notebooks()
LEARNER_FILES = sorted(p for p in (ROOT / "exercises").glob("*.ipynb"))
MIN_LINE = 8  # shorter solution lines (e.g. "return w") may legitimately appear in a learner file


def _ids(paths):
    return [p.name for p in paths]


def _shape(nb):
    return [(c.cell_type, c.source, nbgrader_meta(c)) for c in nb.cells]


def test_every_source_has_a_learner_version_and_back():
    assert SOURCES, "no exercise sources"
    assert {p.name for p in SOURCES} == {p.name for p in LEARNER_FILES}


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_learner_version_is_up_to_date(source, tmp_path):
    regenerated = nbformat.read(write_learner_version(source, tmp_path), as_version=4)
    stored = nbformat.read(ROOT / "exercises" / source.name, as_version=4)
    assert _shape(stored) == _shape(regenerated), "run `make exercises` to regenerate the learner version"


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_no_solution_or_hidden_test_in_any_learner_file(source):
    nb = nbformat.read(source, as_version=4)
    secrets = [ln for c in nb.cells for ln in hidden_test_lines(c.source) + solution_lines(c.source)]
    assert secrets, "the source should have solutions and hidden tests"
    for learner in LEARNER_FILES:
        for marker in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN):
            assert marker not in learner.read_text(), f"{marker} in {learner.name}"
        leaked = _leaks(nbformat.read(learner, as_version=4), secrets)
        assert not leaked, f"{learner.name} contains {leaked}"
    assert len(_leaks(nb, secrets)) > len(secrets) / 2, "the leak check must be able to fail: it finds them in the source"


def _leaks(nb, secrets):
    text = "\n".join(c.source for c in nb.cells)
    return [ln for ln in secrets if len(ln) >= MIN_LINE and ln in text]


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_source_format(source):
    nb = nbformat.read(source, as_version=4)
    validate_source(nb)
    MetadataValidator().validate_nb(nb)  # nbgrader's own validator
    tests = [c for c in nb.cells if is_test_cell(c)]
    assert len(tests) >= 3
    assert all(nbgrader_meta(c)["schema_version"] == 3 for c in nb.cells if nbgrader_meta(c))
    assert any(BEGIN_HIDDEN in c.source for c in tests)


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_stripping_matches_nbgrader(source):
    """Our learner version has the same cell sources as nbgrader's ClearSolutions + ClearHiddenTests."""
    ours = make_learner_version(nbformat.read(source, as_version=4))
    theirs = nbformat.read(source, as_version=4)
    for pre in (ClearSolutions(), ClearHiddenTests()):
        theirs, _ = pre.preprocess(theirs, {})
    assert [c.source for c in ours.cells] == [c.source for c in theirs.cells]


@pytest.mark.parametrize("learner", LEARNER_FILES, ids=_ids(LEARNER_FILES))
def test_stored_learner_version_scores_zero_with_a_helpful_message(learner):
    nb = nbformat.read(learner, as_version=4)
    for cell in filter(is_test_cell, nb.cells):
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert [r.data["text/plain"] for r in results] == ["0.0"], cell.source
        assert "not implemented yet" in text


@pytest.mark.parametrize("bad, message", [
    ("def f():\n    pass\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "inside a function body"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1", "without"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION", "nested"),
])
def test_generator_rejects_malformed_answer_cells(bad, message):
    meta = {"nbgrader": {"grade_id": "a", "solution": True, "grade": False, "locked": False, "schema_version": 3}}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(bad, metadata=meta)])
    with pytest.raises(ValueError, match=message):
        make_learner_version(nb)


def test_generator_rejects_misplaced_hidden_tests_and_missing_points():
    hidden = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert 1\n### END HIDDEN TESTS")
    with pytest.raises(ValueError, match="hidden tests but is not a graded test cell"):
        validate_source(nbformat.v4.new_notebook(cells=[hidden]))
    no_points = nbformat.v4.new_code_cell("1", metadata={"nbgrader": {"grade_id": "t", "grade": True, "solution": False}})
    with pytest.raises(ValueError, match="needs 'points'"):
        validate_source(nbformat.v4.new_notebook(cells=[no_points]))
    dup = [nbformat.v4.new_code_cell("1", metadata={"nbgrader": {"grade_id": "x", "locked": True}}) for _ in range(2)]
    with pytest.raises(ValueError, match="duplicate grade_id 'x'"):
        validate_source(nbformat.v4.new_notebook(cells=dup))


TF_LINE = "I0000 00:00:1795785976.858838   28954 port.cc:153] oneDNN custom operations are on.\n"


def test_runner_strips_tf_log_lines_and_keeps_other_stderr():
    cell = nbformat.v4.new_code_cell("x", metadata={"execution": {"iopub.status.busy": "2030-01-01"}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=TF_LINE + "UserWarning: real\n"),
                    nbformat.v4.new_output("stream", name="stderr", text=TF_LINE),
                    nbformat.v4.new_output("stream", name="stdout", text=TF_LINE)]
    nb = nbformat.v4.new_notebook(cells=[cell])
    strip_tf_logs(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [("stderr", "UserWarning: real\n"), ("stdout", TF_LINE)]
    assert "execution" not in nb.cells[0].metadata


def test_runner_executes_in_place_with_the_generic_kernel(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys\nprint(6 * 7)\nsys.stderr.write('')")])
    nb.metadata["kernelspec"] = {"name": "some-local-kernel", "display_name": "x", "language": "python"}
    nbformat.write(nb, path)
    assert execute(path) > 0
    stored = nbformat.read(path, as_version=4)
    assert stored.metadata.kernelspec.name == "python3"
    assert [o.get("text") for o in stored.cells[0].outputs if o.output_type == "stream"] == ["42\n"]
