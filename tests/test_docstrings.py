"""course_lib is read by learners: every public class and function explains itself.

Protects the rule that each public object has a docstring, and that each object
mirroring a Keras class says which one (the notebooks tell learners to compare).
"""
import importlib
import inspect
import pkgutil

import course_lib

MIRRORS_KERAS = ("optimizers", "losses", "schedules", "callbacks", "initializers", "regularizers", "nn", "rnn")


def _public_objects():
    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if obj.__module__.split(".")[:2] == info.name.split(".")[:2]:
                yield info.name, name, obj


def test_every_public_object_has_a_docstring():
    missing = [f"{m}.{n}" for m, n, obj in _public_objects() if not inspect.getdoc(obj)]
    assert missing == []


def test_keras_twins_name_their_keras_class():
    silent = [
        f"{m}.{n}"
        for m, n, obj in _public_objects()
        if inspect.isclass(obj) and m.split(".")[1] in MIRRORS_KERAS
        and not issubclass(obj, Exception)
        and "keras" not in (obj.__doc__ or "").lower()
    ]
    assert silent == []
