"""The README tells a contributor where each notebook's code lives: every notebook has a row in its map,
and every name in the map is a real module or object of course_lib (a rename cannot leave it stale)."""
import importlib
import re

from notebook_files import ROOT

README = (ROOT / "README.md").read_text()


def _map_rows() -> dict[str, str]:
    section = README.split("Where each notebook's code lives:", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| (\d\d) \| (.+) \|$", section, re.M))


def _resolve(dotted: str):
    """course_lib.<dotted> as a module, or an attribute of the longest importable module prefix."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module("course_lib." + ".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for name in parts[i:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(f"course_lib.{dotted}")


def test_every_notebook_has_a_row_in_the_readme_map():
    numbers = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert numbers and numbers <= set(_map_rows()), sorted(numbers - set(_map_rows()))


def test_every_name_in_the_readme_map_exists():
    names = {n.rstrip("/") for row in _map_rows().values() for n in re.findall(r"`([\w.]+/?)`", row)}
    assert len(names) > 20
    missing = []
    for name in sorted(names):
        try:
            _resolve(name)
        except (ModuleNotFoundError, AttributeError):
            missing.append(name)
    assert missing == [], f"the README's map names what course_lib does not have: {missing}"
