"""Which device will Keras use?

Importing this module is cheap; :func:`keras_backend` reads an environment variable,
while :func:`keras_device` imports the backend (TensorFlow, JAX or PyTorch) to ask it.

The answer matters to learners: a GPU makes the Keras cells faster, and the
course's numbers are printed rounded so that they agree on CPU and GPU.
"""
from __future__ import annotations

import importlib
import os

__all__ = ["keras_backend", "keras_device"]


def keras_backend() -> str:
    """The Keras backend name (``KERAS_BACKEND``, default ``"tensorflow"``)."""
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def keras_device() -> str:
    """Describe the device Keras computes on: ``"GPU: <name>"`` or ``"CPU"``.

    Imports the backend (TensorFlow, JAX or PyTorch) on first call, so it takes
    a few seconds.  Raises ``ValueError`` for an unknown backend name.
    """
    backend = keras_backend()
    if backend == "tensorflow":
        tf = importlib.import_module("tensorflow")
        gpus = tf.config.list_physical_devices("GPU")
        if not gpus:
            return "CPU"
        details = tf.config.experimental.get_device_details(gpus[0])
        return "GPU: " + details.get("device_name", gpus[0].name)
    if backend == "jax":
        jax = importlib.import_module("jax")
        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        return "GPU: " + gpus[0].device_kind if gpus else "CPU"
    if backend == "torch":
        torch = importlib.import_module("torch")
        return "GPU: " + torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"
    raise ValueError(
        f"KERAS_BACKEND={backend!r} is not supported; expected 'tensorflow', 'jax' or 'torch'"
    )
