"""The set-up promises of the README: one dependency list, importable without TensorFlow."""
import re
import subprocess
import sys
import tomllib

from notebook_files import ROOT


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
