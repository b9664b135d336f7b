"""The set-up promises of the README: one dependency list, importable without TensorFlow, and an
environment check (course_lib.environment) that says which requirement is missing or too old."""
import re
import subprocess
import sys
import tomllib

import pytest
from notebook_files import ROOT

from course_lib.environment import RequirementStatus, check_requirements


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;:\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    text = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    listed = {_name(m) for m in re.findall(r"^\s+-\s+([A-Za-z][\w.\-]*[^\n]*)$", text, re.M)}
    listed -= {"python", "pip"}
    listed.discard("-e")
    assert wanted <= listed, f"missing from environment.yml: {sorted(wanted - listed)}"
    assert listed <= wanted, f"in environment.yml but not pyproject.toml: {sorted(listed - wanted)}"


def test_import_course_lib_does_not_import_tensorflow():
    code = (
        "import sys, course_lib, pkgutil, importlib\n"
        "for m in pkgutil.iter_modules(course_lib.__path__):\n"
        "    if m.name != 'keras_check':\n"
        "        importlib.import_module('course_lib.' + m.name)\n"
        "bad = [m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"importing course_lib loaded {out.stdout.strip()}"


@pytest.mark.parametrize("status, ok, text", [
    (RequirementStatus("numpy", ">=1.20", "1.26"), True, "OK   numpy>=1.20"),
    (RequirementStatus("numpy", "", "1.0"), True, "OK   numpy"),               # no minimum: any version
    (RequirementStatus("numpy", ">=99", "1.26"), False, "TOO OLD/NEW numpy>=99"),
    (RequirementStatus("numpy", "<1", "1.26"), False, "TOO OLD/NEW numpy<1"),
    (RequirementStatus("numpy", ">=1.20", None), False, "MISSING numpy>=1.20"),
    (RequirementStatus("keras", ">=3.0", "3.1.0rc1"), True, "OK   keras>=3.0"),  # pre-releases count
])
def test_requirement_status_says_ok_missing_or_wrong_version(status, ok, text):
    assert status.ok is ok
    assert str(status) == text


def test_check_requirements_reads_the_installed_metadata():
    """The rows come from course-lib's own metadata: numpy is listed, extras add rows, and all pass here."""
    rows = check_requirements()
    assert "numpy" in {r.name for r in rows} and all(r.ok for r in rows), [str(r) for r in rows if not r.ok]
    with_tests = check_requirements(extras=("test",))
    assert len(with_tests) > len(rows) and "pytest" in {r.name for r in with_tests}
    with pytest.raises(ValueError, match="'no-such-course' is not installed"):
        check_requirements("no-such-course")
