"""course_lib optimizers against torch.optim (course_lib.torch_check), live and stored.

The stored PyTorch results are checked in every run (CI has no PyTorch); whenever PyTorch is
installed, they are also checked against a live run, so they cannot go stale unnoticed.
"""
import importlib.util

import numpy as np
import pytest

from course_lib import torch_check
from course_lib.torch_check import AGREE_TOL, CASES

HAS_TORCH = importlib.util.find_spec("torch") is not None
AGREEING = [name for name, case in CASES.items() if case.agree]
DIFFERING = [name for name, case in CASES.items() if not case.agree]


@pytest.mark.parametrize("name", AGREEING)
def test_where_the_definitions_agree_course_lib_equals_stored_pytorch_to_rounding(name):
    result = torch_check.compare(name, live=False)
    assert result["max_abs_diff"] < AGREE_TOL, result


@pytest.mark.parametrize("name", DIFFERING)
def test_where_the_definitions_differ_the_difference_is_real(name):
    # far above rounding error (1e-12): the difference is the definitions', as documented in CASES
    result = torch_check.compare(name, live=False)
    assert result["max_abs_diff"] > 1e-7, result


def test_epsilon_matters_more_when_gradients_are_tiny():
    normal = torch_check.compare("Adam eps=1e-8", live=False)["relative_to_move"]
    tiny = torch_check.compare("Adam eps=1e-8, gradients ~1e-7", live=False)["relative_to_move"]
    assert normal < 1e-5 and tiny > 1e-2


def test_the_stored_training_run_learned():
    run = torch_check.torch_training(live=False)
    assert len(run["loss"]) == torch_check.TRAINING["epochs"] == len(run["lr"])
    assert run["loss"][-1] < 0.5 * run["loss"][0] and run["test_accuracy"] > 0.9
    assert run["lr"][0] == torch_check.TRAINING["lr"] and run["seconds_per_epoch"] is None


def test_the_switch_forces_the_stored_results(monkeypatch):
    monkeypatch.setenv(torch_check.DISABLE_ENV, "1")
    assert not torch_check.torch_available()
    assert torch_check.mode().startswith("stored")
    monkeypatch.setenv(torch_check.DISABLE_ENV, "0")
    assert torch_check.torch_available() == HAS_TORCH


def test_an_unknown_case_is_refused_with_the_names():
    with pytest.raises(ValueError, match="`name` must be one of"):
        torch_check.our_trajectory("Adamm")


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is an optional extra; the stored results are tested above")
@pytest.mark.parametrize("name", list(CASES))
def test_stored_trajectories_equal_live_pytorch(name):
    live = torch_check.torch_trajectory(name, live=True)
    stored = torch_check.torch_trajectory(name, live=False)
    np.testing.assert_allclose(live, stored, rtol=0, atol=1e-12)


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is an optional extra; the stored results are tested above")
def test_stored_training_equals_live_pytorch():
    live, stored = torch_check.torch_training(live=True), torch_check.torch_training(live=False)
    # float32 training: another CPU may sum in another order, so 1e-5, not bit for bit
    np.testing.assert_allclose(live["loss"], stored["loss"], rtol=1e-5)
    np.testing.assert_allclose(live["lr"], stored["lr"], rtol=1e-12)
    assert live["test_accuracy"] == stored["test_accuracy"] and live["seconds_per_epoch"] > 0


def test_feedback_compares_dicts_and_strings_and_names_the_key():
    # exercise set 09 returns dicts of optimizer arguments and a class name
    from course_lib.classroom.feedback import _Mismatch, _compare
    _compare({"lr": 0.1, "betas": [0.9, 0.999]}, {"lr": 0.1, "betas": [0.9, 0.999]}, 1e-6, 1e-8)
    with pytest.raises(_Mismatch, match=r"\['lr'\]: expected 0.1"):
        _compare({"lr": 0.2, "betas": [0.9, 0.999]}, {"lr": 0.1, "betas": [0.9, 0.999]}, 1e-6, 1e-8)
    with pytest.raises(_Mismatch, match=r"missing \['eps'\], unexpected \['epsilon'\]"):
        _compare({"epsilon": 1e-8}, {"eps": 1e-8}, 1e-6, 1e-8)
    with pytest.raises(_Mismatch, match="expected 'AdamW', got 'Adam'"):
        _compare("Adam", "AdamW", 1e-6, 1e-8)
