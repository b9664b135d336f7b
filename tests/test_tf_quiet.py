"""course_lib.tf_quiet: TensorFlow's C++ log lines stay out of notebooks, real errors do not.

Protects notebook 04 in JupyterLab (the browser test fails on any stderr output): the
Keras comparison cell imports TensorFlow inside quiet_tensorflow().
"""
import os
import subprocess
import sys

import pytest

from course_lib.tf_quiet import is_tf_log_line, quiet_tensorflow

TF_LINES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    "I0000 00:00:1795785976.858838   28954 port.cc:153] oneDNN custom operations are on.\n",
    "E0000 00:00:1795785982.879691   28954 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n",
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow\n",
]


@pytest.mark.parametrize("line", TF_LINES)
def test_known_log_lines_are_recognised(line):
    assert is_tf_log_line(line)


@pytest.mark.parametrize("line", ["Traceback (most recent call last):\n", "Segmentation fault\n", "error: x\n"])
def test_other_lines_are_not(line):
    assert not is_tf_log_line(line)


def test_log_lines_are_dropped_and_other_lines_passed_on(capfd):
    with quiet_tensorflow():
        for line in TF_LINES + ["a real C-level error\n"]:
            os.write(2, line.encode())
    err = capfd.readouterr().err
    assert err == "a real C-level error\n"


def test_fd2_is_restored_even_when_the_block_raises(capfd):
    with pytest.raises(RuntimeError):
        with quiet_tensorflow():
            os.write(2, b"kept\n")
            raise RuntimeError("boom")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "kept\nafter\n"


def test_importing_tensorflow_inside_prints_nothing():
    """A fresh interpreter: import keras (TensorFlow) and run one op inside the block; stderr stays empty."""
    code = ("from course_lib.tf_quiet import quiet_tensorflow\n"
            "with quiet_tensorflow():\n"
            "    import keras\n"
            "    keras.ops.add(1.0, 2.0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
