"""The course's JupyterLab settings (no news pop-up): written by the set-up, merged, never clobbering."""
import json
import sys

import pytest

from course_lib.classroom import lab_settings


def test_install_writes_the_overrides_where_jupyterlab_reads_them(tmp_path):
    path = lab_settings.install(tmp_path)
    assert path == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    notification = json.loads(path.read_text())["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}


def test_install_keeps_settings_that_were_already_there(tmp_path):
    path = lab_settings.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                                "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True}}))
    settings = json.loads(lab_settings.install(tmp_path).read_text())
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert settings["@jupyterlab/apputils-extension:notification"] == {
        "doNotDisturbMode": True, "fetchNews": "false", "checkForUpdates": False}


def test_a_broken_overrides_file_is_reported_not_overwritten(tmp_path):
    path = lab_settings.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="overrides.json is not valid JSON"):
        lab_settings.install(tmp_path)
    assert path.read_text() == "{not json"


def test_the_course_environment_has_the_overrides():
    """`make lab` / `make test` install them into the environment they run in."""
    settings = json.loads(lab_settings.overrides_path(sys.prefix).read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
