"""Structural checks on every stored notebook (nbval checks their outputs; this checks their shape).

Protects: notebooks are committed executed and clean, so they read well on the web and
strict nbval has outputs to compare; no TensorFlow log line or object address can make
nbval flaky; every notebook is reachable from the README.
"""
import re

import nbformat
import pytest

from course_lib.tf_quiet import is_tf_log_line  # one definition of a TensorFlow log line
from notebook_files import ROOT, course_notebooks

NOTEBOOKS = course_notebooks()
MAX_BYTES = int(1.5 * 1024 * 1024)
ADDRESS = re.compile(r"at 0x[0-9a-fA-F]{6,}")


def _id(path):
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check_notebook(path) -> list[str]:
    """Return the list of problems with one stored notebook (empty when it is fine)."""
    problems = []
    if path.stat().st_size > MAX_BYTES:
        problems.append(f"file is {path.stat().st_size / 1e6:.2f} MB, limit 1.5 MB")
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec is {kernel!r}, expected the generic 'python3'")
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.lstrip().startswith("# "):
        problems.append("first cell must be a Markdown title ('# ...')")
    elif "learning objectives" not in first.source.lower():
        problems.append("first cell must list the learning objectives")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if cell.execution_count is None:
            problems.append(f"cell {i} was never executed")
        for out in cell.outputs:
            if out.output_type == "error":
                problems.append(f"cell {i} stores an error: {out.ename}")
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            if out.get("name") == "stderr" and any(is_tf_log_line(ln) for ln in text.splitlines()):
                problems.append(f"cell {i} stores a TensorFlow log line in stderr")
            if ADDRESS.search(text):
                problems.append(f"cell {i} stores an object address ({ADDRESS.search(text).group()})")
    readme = (ROOT / "README.md").read_text()
    if _id(path) not in readme:
        problems.append("not listed in README.md's table of contents")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_is_clean_and_executed(path):
    assert check_notebook(path) == []


def test_there_are_notebooks():
    assert any(p.parent.name == "notebooks" for p in NOTEBOOKS)


def test_readme_links_point_to_existing_files():
    readme = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\(((?:notebooks|exercises)/[^)#]+)\)", readme):
        assert (ROOT / link).exists(), f"README links to missing {link}"


def test_checker_catches_unexecuted_notebook(tmp_path):
    """The check above must be able to fail: an unexecuted copy of a notebook is rejected."""
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []
    bad = tmp_path / "unexecuted.ipynb"
    nbformat.write(nb, bad)
    problems = check_notebook(bad)
    assert any("never executed" in p for p in problems)
    assert any("README" in p for p in problems)
