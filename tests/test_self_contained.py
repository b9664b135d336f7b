"""The project documents itself: no tracked file points to a document or folder outside the repository
(a learner's or contributor's clone has nothing beside it)."""
import re
import subprocess

from notebook_files import ROOT

# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile("DESIGN" + r"\.md|\.\./" + "shared|/work/" + "shared")


def test_no_file_refers_to_anything_outside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert len(files) > 50
    offenders = []
    for name in files:
        path = ROOT / name
        if not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        offenders += [f"{name}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert offenders == [], "point into CONTRIBUTING.md (or the README) instead:\n" + "\n".join(offenders)
