"""The prepared cross-backend check (tools/check_against_keras.py) keeps working.

It is what runs on a GPU machine with KERAS_BACKEND=jax (CONTRIBUTING.md §6), where
there is no time to debug it; here it runs on the default TensorFlow backend.
"""
import subprocess
import sys

from notebook_files import ROOT


def test_check_against_keras_script_passes_on_the_default_backend():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_against_keras.py")],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "39 passed, 0 failed" in result.stdout
    # the kept differences are printed apart, with both numbers, as neither passes nor failures
    assert "Known, explained differences" in result.stdout
    assert "4 known as explained, 0 unexpected" in result.stdout
    assert "ours [[-0.8199, -0.5105,  1.3305]], keras [[-0.91  , -0.7553,  0.6652]]" in result.stdout
