"""References for ``exercises/10_workflow_end_to_end.ipynb``, the graded mini-project on the wine data.

The recipe every task follows (so that a grader can recompute each number):
``split = workflow.split_data(X, y, seed=seed)`` (60 / 20 / 20, stratified, standardized), an MLP from
``workflow.build_mlp(13, 3, seed=seed)`` (16 hidden units, Adam), the range test
``lr_finder.lr_range_test(model, x_train, y_train, **RANGE_TEST)`` and its ``"min_loss"`` suggestion,
then ``workflow.train_mlp(split, learning_rate=lr, seed=seed, **TRAINING)``.
The majority baseline equals ``sklearn.dummy.DummyClassifier(strategy="most_frequent")``.
The ``mistake_*`` functions compute what a known wrong answer returns, so the checks can name it.
"""
import numpy as np
from sklearn.datasets import load_wine
from sklearn.dummy import DummyClassifier

from course_lib import lr_finder, workflow
from course_lib.classroom.feedback import Case

RANGE_TEST = {"start_lr": 1e-4, "end_lr": 10.0, "num_steps": 100, "batch_size": 16}
TRAINING = {"epochs": 40, "batch_size": 16}
VAL_THRESHOLD = 0.85      # validation accuracy the final model must reach (the majority class gets ~0.4)
TEST_TOLERANCE = 0.15     # |test - validation| accuracy allowed (36 test samples: one sample is 0.028)


def wine_split(seed):
    """The mini-project's split of the wine data for this seed."""
    X, y = load_wine(return_X_y=True)
    return workflow.split_data(X, y, seed=seed)


# ----------------------------------------------------------------- Task 1: the trivial baseline
def majority_baseline(y_train, y_val):
    """Validation accuracy of always predicting the most frequent training class (DummyClassifier)."""
    y_train, y_val = np.asarray(y_train), np.asarray(y_val)
    dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(y_train), 1)), y_train)
    return float(dummy.score(np.zeros((len(y_val), 1)), y_val))


def mistake_majority_of_val(y_train, y_val):
    """The majority class of the *validation* labels: the baseline peeked at the data it is scored on."""
    return majority_baseline(y_val, y_val)


def mistake_training_share(y_train, y_val):
    """The share of the majority class in the training labels, instead of an accuracy on validation."""
    return majority_baseline(y_train, y_train)


BASELINE_MISTAKES = [
    (mistake_majority_of_val, "you took the most frequent class of y_val: the baseline must be chosen on the "
                              "training labels only, then scored on the validation labels"),
    (mistake_training_share, "this is the majority class's share of the *training* labels; score the prediction "
                             "on y_val"),
]
BASELINE_CASES = [
    Case(np.array([0, 1, 1, 2]), np.array([1, 1, 0]), label="training majority 1"),
    Case(np.array([2, 2, 0, 1, 2]), np.array([0, 1, 1, 1, 2]), label="the validation majority differs"),
    Case(np.array([0, 0, 1, 1]), np.array([1, 1, 1, 0]), label="a tie: the smallest label wins, as in scikit-learn"),
    Case(np.array([0, 0, 0, 1, 1, 2, 2, 2, 2]), np.array([0, 0, 0, 0, 1, 2]), label="imbalanced, three classes"),
]


# ----------------------------------------------------------------- Task 2: the learning rate
def _range_test(seed):
    split = wine_split(seed)
    model = workflow.build_mlp(split.x_train.shape[1], split.num_classes, seed=seed)
    return lr_finder.lr_range_test(model, split.x_train, split.y_train, seed=seed, **RANGE_TEST)


def choose_learning_rate(seed):
    """The range test's "min_loss" suggestion (the rate of the lowest smoothed loss, divided by 10)."""
    return float(_range_test(seed).suggestion("min_loss"))


def mistake_steepest(seed):
    """The "steepest" suggestion instead of "min_loss"."""
    return float(_range_test(seed).suggestion("steepest"))


def mistake_not_divided(seed):
    """The rate of the lowest smoothed loss itself, not divided by 10 (already at the edge of divergence)."""
    return float(_range_test(seed).min_loss_lr)


LR_MISTAKES = [
    (mistake_steepest, "this is the \"steepest\" suggestion; the task asks for \"min_loss\""),
    (mistake_not_divided, "this is the rate of the lowest loss itself: training there is on the edge of "
                          "divergence, so the suggestion divides it by 10"),
]
LR_CASES = [Case(0, label="seed 0"), Case(1, label="seed 1")]


# ----------------------------------------------------------------- Task 3 and 5: training, the report
def train_and_validate(learning_rate, seed):
    """{"val_accuracy": ..., "val_loss": [per epoch]} of the recipe's training with this rate and seed."""
    split = wine_split(seed)
    model, history = workflow.train_mlp(split, learning_rate=learning_rate, seed=seed, **TRAINING)
    return {"val_accuracy": workflow.accuracy(model, split.x_val, split.y_val),
            "val_loss": [float(v) for v in history.history["val_loss"]]}


def final_report(seed):
    """The whole recipe for one seed, the test set read once; a dict of plain numbers."""
    split = wine_split(seed)
    lr = choose_learning_rate(seed)
    model, _ = workflow.train_mlp(split, learning_rate=lr, seed=seed, **TRAINING)
    test_accuracy = split.test.evaluate(lambda x, y: workflow.accuracy(model, x, y))
    return {"seed": seed, "learning_rate": lr, "val_accuracy": workflow.accuracy(model, split.x_val, split.y_val),
            "test_accuracy": test_accuracy, "test_reads": split.test.reads}


# ----------------------------------------------------------------- Task 4: diagnosis
#: Task 4's answer: the 0.99 was chosen *by* the test set, so it is optimistic.
DIAGNOSIS = 2


def run_answer(fn, calls):
    """``[fn(*args) for args in calls]``, or None after printing why not (not implemented, or the exception).

    The checks of Tasks 3 and 5 need the answers' values before they can compare anything.
    """
    from course_lib.classroom.feedback import FAIL, NOT_IMPLEMENTED

    name = getattr(fn, "__name__", "your function")
    try:
        return [fn(*args) for args in calls]
    except NotImplementedError:
        print(f"{FAIL} {name}: {NOT_IMPLEMENTED}")
    except Exception as err:  # the learner's bug: say what it raised, score 0
        print(f"{FAIL} {name} raised {type(err).__name__}: {err}")
    return None
