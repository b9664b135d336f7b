"""The set-up promises of the README: one dependency list, importable without TensorFlow, and an
environment check (course_lib.environment) that says which requirement is missing or too old."""
import ast
import re
import subprocess
import sys
import tomllib

import pytest
from notebook_files import ROOT

from course_lib.environment import RequirementStatus, check_requirements


#: Extras too heavy for the default environment: environment.yml names them in a comment instead.
HEAVY_EXTRAS = {"jax", "torch"}
#: Import names that differ from the name of the distribution that provides them.
DISTRIBUTION_OF = {"sklearn": "scikit-learn", "IPython": "ipython"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;:\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> tuple[str, str]:
    """("jupyter-client", ">=8.6"): the name normalized, the version range without spaces."""
    name = _name(requirement)
    return name, requirement.strip()[len(name):].replace(" ", "")


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_environment_yml_lists_the_same_packages_and_ranges_as_pyproject():
    project = _project()
    wanted = {_spec(r) for r in project["dependencies"]}
    heavy = set()
    for extra, requirements in project["optional-dependencies"].items():
        (heavy if extra in HEAVY_EXTRAS else wanted).update(_spec(r) for r in requirements)
    text = (ROOT / "environment.yml").read_text()
    listed = {_spec(m) for m in re.findall(r"^\s+-\s+([A-Za-z][^\n]*)$", text.split("dependencies:", 1)[1], re.M)}
    listed = {(n, v) for n, v in listed if n not in {"python", "pip"}}
    assert wanted <= listed, f"missing from environment.yml (or another range): {sorted(wanted - listed)}"
    assert listed <= wanted, f"in environment.yml but not pyproject.toml (or another range): {sorted(listed - wanted)}"
    commented = {_spec(m) for m in re.findall(r'^#\s+pip install -e "\.\[\w+\]"\s+(\S+)$', text, re.M)}
    assert commented == heavy, f"environment.yml's comment on the heavy extras says {sorted(commented)}, pyproject {sorted(heavy)}"


def _third_party_imports() -> dict[str, set[str]]:
    """{top-level module: files of course_lib that import it}, standard library left out."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "course_lib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in {"course_lib", "__future__"}:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_of_course_lib_is_a_declared_dependency():
    project = _project()
    declared = {_name(r) for r in project["dependencies"]}
    for requirements in project["optional-dependencies"].values():
        declared |= {_name(r) for r in requirements}
    imports = _third_party_imports()
    assert {"numpy", "nbformat", "nbclient"} <= set(imports)     # the scan sees what it must
    undeclared = {module: sorted(files) for module, files in imports.items()
                  if DISTRIBUTION_OF.get(module, module).lower().replace("_", "-") not in declared}
    assert undeclared == {}, f"imported by course_lib but not declared in pyproject.toml: {undeclared}"


def test_import_course_lib_does_not_import_tensorflow():
    code = (
        "import sys, course_lib, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(course_lib.__path__, 'course_lib.'):\n"
        "    if not m.name.startswith('course_lib.keras_check'):\n"
        "        importlib.import_module(m.name)\n"
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
