"""The workflow's plumbing against scikit-learn, and the reproducibility report.

Tolerances: the split's labels equal train_test_split's exactly; standardized values equal StandardScaler's to 1e-12
in float64 (and to float32 rounding, 1e-5, in the float32 arrays the models use); the majority baseline of exercise 10
equals DummyClassifier's exactly.
"""
import random

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_lib import repro, workflow
from course_lib.holdout import HeldOutSet

X, Y = load_wine(return_X_y=True)


def test_split_equals_scikit_learn_and_locks_the_test_set():
    split = workflow.split_data(X, Y, seed=3, dtype="float64")
    x_rest, x_test, y_rest, y_test = train_test_split(X, Y, test_size=0.2, stratify=Y, random_state=3)
    x_tr, x_va, y_tr, y_va = train_test_split(x_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=3)
    scaler = StandardScaler().fit(x_tr)
    assert np.array_equal(split.y_train, y_tr) and np.array_equal(split.y_val, y_va)
    assert np.allclose(split.x_train, scaler.transform(x_tr), rtol=0, atol=1e-12)
    assert np.allclose(split.x_val, scaler.transform(x_va), rtol=0, atol=1e-12)
    assert isinstance(split.test, HeldOutSet) and split.test.reads == 0
    assert split.test.evaluate(lambda x, y: np.allclose(x, scaler.transform(x_test), atol=1e-12) and np.array_equal(y, y_test))
    assert split.num_classes == 3


def test_standardize_keeps_a_constant_column_finite():
    train = np.array([[1.0, 5.0], [3.0, 5.0]])
    z_train, z_other = workflow.standardize(train, np.array([[2.0, 6.0]]))
    assert np.array_equal(z_train, [[-1.0, 0.0], [1.0, 0.0]]) and np.array_equal(z_other, [[0.0, 1.0]])


@pytest.mark.parametrize("kwargs, message", [
    ({"test_size": 0.6, "val_size": 0.5}, "must be < 1"),
    ({"test_size": 0.0}, "`test_size` must be a float in"),
])
def test_split_refuses_bad_fractions(kwargs, message):
    with pytest.raises(ValueError, match=message):
        workflow.split_data(X, Y, **kwargs)


def test_training_is_reproducible_and_depends_on_the_seed():
    split = workflow.split_data(*load_breast_cancer(return_X_y=True), seed=0)
    runs = [workflow.train_mlp(split, learning_rate=0.01, epochs=5, seed=s)[1].history for s in (0, 0, 1)]
    assert runs[0] == runs[1] and runs[0]["val_loss"] != runs[2]["val_loss"]


def test_seed_everything_seeds_python_and_numpy():
    repro.seed_everything(5)
    first = (random.random(), np.random.rand())
    repro.seed_everything(5)
    assert (random.random(), np.random.rand()) == first
    with pytest.raises(ValueError, match="`seed` must be a non-negative integer"):
        repro.seed_everything(-1)


def test_run_report_fingerprint_ignores_wall_time_only():
    a = repro.RunReport(0, {"lr": 0.1}, {"val": 0.9}, 1, wall_time_s=1.0)
    b = repro.RunReport(0, {"lr": 0.1}, {"val": 0.9}, 1, wall_time_s=2.0)
    c = repro.RunReport(0, {"lr": 0.1}, {"val": 0.9}, 2, wall_time_s=1.0)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert a.versions["numpy"] == np.__version__ and '"val": 0.9' in a.to_json()


def test_exercise_baseline_equals_dummy_classifier_and_recipe_is_deterministic():
    from course_lib.classroom.refs import workflow_end_to_end as ref

    assert ref.majority_baseline([0, 0, 1, 1], [1, 1, 1, 0]) == 0.25  # a tie: the smallest label, as scikit-learn
    first, second = ref.final_report(0), ref.final_report(0)
    assert first == second and first["test_reads"] == 1
    assert first["val_accuracy"] >= ref.VAL_THRESHOLD
    assert abs(first["test_accuracy"] - first["val_accuracy"]) <= ref.TEST_TOLERANCE
