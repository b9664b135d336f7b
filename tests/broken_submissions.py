"""Deliberately broken submissions, generated from the exercise sources (never hand-edited).

Each entry of ``KINDS`` maps a name to (how to break a solved submission, the expected
grade).  The solved submission is what a learner who answered everything would hand in:
the source with its solution markers removed and without hidden tests.  Most kinds break
the warm-up set; a few need another set (patching a reference that hidden tests use,
a hidden test that must not define a learner's name).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat

from course_lib.classroom.build import (BEGIN_SOLUTION, END_SOLUTION, grade_id, is_answer_cell, is_test_cell,
                                  make_learner_version, nbgrader_meta, strip_hidden_tests)
from notebook_files import ROOT

SOURCE_DIR = ROOT / "exercises" / "source"
SOURCE = SOURCE_DIR / "00_warmup.ipynb"
OPTIM = SOURCE_DIR / "01_what_is_optimization.ipynb"
LOSSES = SOURCE_DIR / "02_loss_functions.ipynb"
GRADIENT_DESCENT = SOURCE_DIR / "03_gradient_descent.ipynb"
HPO = SOURCE_DIR / "06_hyperparameter_optimization.ipynb"
OVERFITTING = SOURCE_DIR / "08_overfitting_and_high_dimensionality.ipynb"
ADVANCED_OPTIMIZERS = SOURCE_DIR / "04_advanced_optimizers.ipynb"
SCHEDULING = SOURCE_DIR / "05_learning_rate_scheduling.ipynb"
CHALLENGES = SOURCE_DIR / "07_challenges_minima_and_gradients.ipynb"
TOOLS = SOURCE_DIR / "09_the_tools.ipynb"
APPLICATIONS_I = SOURCE_DIR / "11_applications_stocks_recommendations_images.ipynb"
APPLICATIONS_II = SOURCE_DIR / "12_applications_language_reinforcement.ipynb"
WORKFLOW = SOURCE_DIR / "10_workflow_end_to_end.ipynb"


def source_nb(source=SOURCE):
    return nbformat.read(source, as_version=4)


def max_points(source=SOURCE) -> float:
    """The points of an exercise set: the sum over its test cells."""
    return float(sum(nbgrader_meta(c)["points"] for c in source_nb(source).cells if is_test_cell(c)))


TOTAL = max_points()  # points of the warm-up set (9)


def solved_nb(source=SOURCE):
    """The source as a learner who solved it would submit it: no markers, no hidden tests."""
    nb = source_nb(source)
    for cell in nb.cells:
        if is_answer_cell(cell):
            cell.source = "\n".join(ln for ln in cell.source.split("\n")
                                    if BEGIN_SOLUTION not in ln and END_SOLUTION not in ln)
        if is_test_cell(cell):
            cell.source = strip_hidden_tests(cell.source)
    return nb


def _cell(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def with_answer(gid: str, code: str) -> Callable:
    """A breaker that replaces the answer cell ``gid`` by ``code``."""
    def breaker(nb):
        _cell(nb, gid).source = code
        return nb
    return breaker


def _unsolved(nb):
    return make_learner_version(source_nb())


def _delete(gid):
    def breaker(nb):
        nb.cells = [c for c in nb.cells if grade_id(c) != gid]
        return nb
    return breaker


def _tamper(nb):
    """Wrong answer, and the visible check replaced by a cell that claims full points."""
    nb = with_answer("warmup_mse", MSE_SQRT)(nb)
    _cell(nb, "warmup_mse_check").source = "score = 2.0\nscore"
    return nb


def _added_helper(nb):
    """The learner moved the work into a helper defined in a cell of their own (must still count)."""
    index = nb.cells.index(_cell(nb, "warmup_mse"))
    helper = nbformat.v4.new_code_cell("def squared_errors(a, b):\n    return (a - b) ** 2")
    nb.cells.insert(index, helper)
    _cell(nb, "warmup_mse").source = "def mse(y_true, y_pred):\n    return np.mean(squared_errors(y_true, y_pred))"
    return nb


MSE_SQRT = "def mse(y_true, y_pred):\n    return np.sqrt(np.mean((y_true - y_pred) ** 2))"
RUN_GD_DEFAULT_AB = ("def run_gd(w0, learning_rate, steps, a=1.0, b=3.0):\n    ws = [w0]\n    for _ in range(steps):\n"
                     "        ws.append(gd_step(ws[-1], learning_rate))  # forgets a and b\n    return np.array(ws)")
# a wrong answer (w1 and w0 swapped) that makes itself the reference of the visible check
GRID_PATCHES_REF = ("def grid_minimum(X, y, w0_values, w1_values):\n"
                    "    losses = [[linear_mse(np.array([a, b]), X, y) for b in w1_values] for a in w0_values]\n"
                    "    i, j = np.unravel_index(np.argmin(losses), (len(w0_values), len(w1_values)))\n"
                    "    return np.array([w1_values[j], w0_values[i]])\n\n"
                    "ref.grid_minimum = grid_minimum")
# set 01: predicted gradient-descent steps from the rate at the learning rate 1/L (a recognised mistake)
GD_STEPS_AT_ONE_OVER_L = ("def predicted_gd_steps(kappa, tolerance):\n"
                          "    return int(np.ceil(np.log(tolerance) / np.log(1 - 1 / kappa)))")
# set 06: expected improvement written for maximization (a recognised mistake, named by the check)
EI_MAXIMIZING = ("def expected_improvement(mean, std, best, xi):\n    improvement = mean - best - xi\n"
                 "    safe = np.where(std > 0, std, 1.0)\n    z = improvement / safe\n"
                 "    return np.where(std > 0, improvement * norm.cdf(z) + std * norm.pdf(z), np.maximum(improvement, 0.0))")
# set 06: math.exp works on the visible checks' numbers... but the hidden test passes an array of 3000 draws
LOG_UNIFORM_SCALAR_ONLY = ("def log_uniform(low, high, u):\n"
                           "    if np.ndim(u):\n        return [math.exp(math.log(low) + v * math.log(high / low)) for v in u]\n"
                           "    return math.exp(math.log(low) + u * math.log(high / low))")
# set 04: the best heavy-ball settings with Keras's habitual momentum, or with the rate r as the momentum
HEAVY_BALL_MU_09 = ("def heavy_ball_settings(m, L):\n    return 4 / (math.sqrt(L) + math.sqrt(m)) ** 2, 0.9")
HEAVY_BALL_MU_R = ("def heavy_ball_settings(m, L):\n    root = math.sqrt(L / m)\n"
                   "    return 4 / (math.sqrt(L) + math.sqrt(m)) ** 2, (root - 1) / (root + 1)")
# set 02: the prediction task with Huber's shift taken for the MSE's (the outlier counted quadratically)
OUTLIER_HUBER_AS_MSE = ("def outlier_shifts(y, outlier, delta):\n    n, mean = len(y), np.mean(y)\n"
                        "    mse_shift = (outlier - mean) / (n + 1)\n"
                        "    return np.array([mse_shift, np.median(np.append(y, outlier)) - np.median(y), mse_shift])")
# set 03: the diagnosis without the sign flip (1 - eta L = +sqrt(ratio)): a "stable" rate above the one that diverged
STABLE_RATE_NO_SIGN_FLIP = ("def largest_stable_rate(losses, learning_rate):\n    losses = np.asarray(losses, dtype=float)\n"
                            "    ratio = (losses[-1] / losses[-11]) ** (1 / 10)\n"
                            "    return 2 * learning_rate / (np.sqrt(ratio) - 1)")
# set 05: the rules without the gradient norms: a converged run reads as "still improving"
DIAGNOSE_LOSS_ONLY = ("def diagnose_run(losses, grad_norms):\n    losses = np.asarray(losses, dtype=float)\n"
                      "    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:\n        return 'diverging'\n"
                      "    q = len(losses) // 4\n    if losses[-q:].mean() < 0.5 * losses[-2 * q:-q].mean():\n"
                      "        return 'still improving'\n    return 'noise floor'")

# Set 10: the final report tries four rates and keeps the one with the best *test* accuracy (forced re-reads).
FINAL_REPORT_TEST_MANY_TIMES = (
    "def final_report(seed):\n"
    "    split = workflow.split_data(X, y, seed=seed)\n"
    "    best = None\n"
    "    for lr in (0.003, 0.01, 0.03, 0.1):\n"
    "        model, _ = workflow.train_mlp(split, learning_rate=lr, seed=seed, **TRAINING)\n"
    "        acc = split.test.evaluate(lambda x, y: workflow.accuracy(model, x, y), force=True)\n"
    "        if best is None or acc > best[0]:\n"
    "            best = (acc, lr, workflow.accuracy(model, split.x_val, split.y_val))\n"
    "    return {'seed': seed, 'learning_rate': best[1], 'val_accuracy': best[2],\n"
    "            'test_accuracy': best[0], 'test_reads': split.test.reads}")
# Set 10: the seed is not passed on, so two runs with the same seed differ.
TRAIN_WITHOUT_SEED = (
    "def train_and_validate(learning_rate, seed):\n"
    "    split = workflow.split_data(X, y, seed=seed)\n"
    "    model, history = workflow.train_mlp(split, learning_rate=learning_rate, seed=np.random.randint(1000), **TRAINING)\n"
    "    return {'val_accuracy': workflow.accuracy(model, split.x_val, split.y_val),\n"
    "            'val_loss': [float(v) for v in history.history['val_loss']]}")


@dataclass
class Kind:
    """A way to break a submission and what the grader must make of it."""
    breaker: Callable | None
    total: float
    task: str | None = None          # the task that loses points (None: none or all)
    task_points: float | None = None
    reason: str = ""                  # substring expected in that task's reason (or in a note)
    note: str = ""                    # substring expected in the submission's notes
    file_name: str | None = None      # submit under another name
    raw: str | None = None            # submit these bytes instead of a notebook
    source: Path = SOURCE             # the exercise set it breaks
    visible: str = ""                 # substring expected in the task's visible-check output

    @property
    def max_points(self) -> float:
        return max_points(self.source)


KINDS: dict[str, Kind] = {
    "solved": Kind(None, TOTAL),
    "unsolved": Kind(_unsolved, 0.0, "warmup_mse_check", 0.0, "not implemented yet"),
    "wrong answer": Kind(with_answer("warmup_mse", MSE_SQRT), 7.0, "warmup_mse_check", 0.0, "expected 12.5, got 3.53553"),
    "wrong shape (partial)": Kind(with_answer("warmup_run_gd", (
        "def run_gd(w0, learning_rate, steps, a=1.0, b=3.0):\n    if steps == 0:\n        return w0\n"
        "    ws = [w0]\n    for _ in range(steps):\n        ws.append(gd_step(ws[-1], learning_rate, a, b))\n"
        "    return np.array(ws)")), 8.5, "warmup_run_gd_check", 1.5, "wrong shape: expected (1,), got ()"),
    "wrong shape (zero)": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    return (y_true - y_pred) ** 2"),
                               7.0, "warmup_mse_check", 0.0, "wrong shape"),
    "wrong dtype": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    return np.mean((y_true - y_pred) ** 2, dtype=np.float64)"),
                        7.0, "warmup_mse_check", 0.0, "wrong dtype: expected float32, got float64"),
    "returns None": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    np.mean((y_true - y_pred) ** 2)"),
                         7.0, "warmup_mse_check", 0.0, "returned None"),
    "raises": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    raise ValueError('lengths differ')"),
                   7.0, "warmup_mse_check", 0.0, "ValueError: lengths differ"),
    "mutates input": Kind(with_answer("warmup_mse_grad", "def mse_grad(y_true, y_pred):\n    y_pred -= y_true\n    return 2 * y_pred / len(y_pred)"),
                          7.0, "warmup_mse_grad_check", 0.0, "changed its input `y_pred` in place"),
    "infinite loop": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    while True:\n        pass"),
                          7.0, "warmup_mse_check", 0.0, "timeout"),
    "memory hog": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    hog = []\n    while True:\n        hog.append(bytearray(2**27))"),
                       7.0, "warmup_mse_check", 0.0, "out of memory"),
    "sys.exit": Kind(with_answer("warmup_mse", "import sys\ndef mse(y_true, y_pred):\n    sys.exit(1)"),
                     7.0, "warmup_mse_check", 0.0, "sys.exit(1)"),
    "kernel killed (os._exit)": Kind(with_answer("warmup_gd_step", "import os\nos._exit(0)"),
                                     5.0, "warmup_gd_step_check", 0.0, "kernel died", note="restarted"),
    "deleted answer cell": Kind(_delete("warmup_mse_grad"), 7.0, "warmup_mse_grad_check", 0.0, "missing"),
    "tampered test cell": Kind(_tamper, 7.0, "warmup_mse_check", 0.0, "expected", note="was edited"),
    "import failure": Kind(with_answer("warmup_mse", "import numpy_that_does_not_exist\n" + MSE_SQRT),
                           7.0, "warmup_mse_check", 0.0, "ModuleNotFoundError"),
    "not a notebook": Kind(None, 0.0, "warmup_mse_check", 0.0, "could not read the notebook", raw="{ this is not json"),
    "added cell, renamed file": Kind(_added_helper, TOTAL, file_name="my copy of the warmup.ipynb"),
    # a grader that skipped the hidden tests would give this one 9 / 9
    "passes visible, fails hidden": Kind(with_answer("warmup_run_gd", RUN_GD_DEFAULT_AB), 7.0, "warmup_run_gd_check",
                                         0.0, "hidden test: run_gd passes a and b on to gd_step",
                                         visible="all cases passed: 2 / 2 points"),
    "Python float (float32 lost)": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    return float(np.mean((y_true - y_pred) ** 2))"),
                                        7.0, "warmup_mse_check", 0.0, "wrong dtype: expected float32, got Python float"),
    "answer cell fails after its def": Kind(with_answer("warmup_mse", "def mse(y_true, y_pred):\n    return np.mean((y_true - y_pred) ** 2)\n"
                                                                      "raise RuntimeError('left over')"),
                                            TOTAL, "warmup_mse_check", 2.0, "your answer cell failed: RuntimeError: left over"),
    # the answer patches `ref` in its own process: the checks, which run in the grader, never see it
    "patches ref": Kind(with_answer("optim_grid", GRID_PATCHES_REF), 8.0, "optim_grid_check", 0.0,
                        "hidden test: a grid with different spacings", source=OPTIM, visible="0 of 3 cases passed"),
    # the hidden tests of an earlier task must not define `numerical_gradient` for a broken Task 4
    "answer cell does not run (03)": Kind(with_answer("gd_numgrad", "def numerical_gradient(f, x, eps=1e-6):\n    return [\n"),
                                          8.0, "gd_numgrad_check", 0.0, "your answer cell failed: SyntaxError",
                                          source=GRADIENT_DESCENT),
    "recognised mistake: EI for maximization (06)": Kind(with_answer("hpo_ei", EI_MAXIMIZING), 7.0, "hpo_ei_check", 0.0,
                                                         "expected", source=HPO,
                                                         visible="recognised mistake: the formula for maximization"),
    "passes visible, fails hidden (06)": Kind(with_answer("hpo_log_uniform", LOG_UNIFORM_SCALAR_ONLY), 8.0,
                                              "hpo_log_uniform_check", 0.0, "hidden test: an array of 3000 draws",
                                              source=HPO, visible="all cases passed: 2 / 2 points"),
    # set 01's prediction task: the rate of gradient descent at 1/L instead of 2/(mu + L), named by the check
    "recognised mistake: rate at 1/L (01)": Kind(with_answer("optim_predict_steps", GD_STEPS_AT_ONE_OVER_L), 8.0,
                                                 "optim_predict_steps_check", 0.0, "hidden test: kappa = 2.0",
                                                 source=OPTIM, visible="recognised mistake: you used the rate 1 - 1/kappa"),
    # a mistake the check recognises and names; its hidden test then takes the task's points
    "recognised mistake (08)": Kind(with_answer("ovhd_soft", "def soft_threshold(v, threshold):\n"
                                                "    return v - threshold * np.sign(v)"),
                                    9.0, "ovhd_soft_check", 0.0, "hidden test: random 7x5 array", source=OVERFITTING,
                                    visible="recognised mistake: you shrink every coordinate by the threshold"),
    "dropout scaled the old way (08)": Kind(with_answer("ovhd_dropout", "def inverted_dropout(x, keep_mask, rate):\n"
                                                        "    return x * keep_mask * (1 - rate)"),
                                            9.0, "ovhd_dropout_check", 0.0, "hidden test: the expected output equals",
                                            source=OVERFITTING, visible="recognised mistake: you multiply by (1 - rate)"),
    # set 02's prediction task: Huber's shift taken for the MSE's (named by the check; the hidden fit disagrees)
    "Huber shift taken for the MSE's (02)": Kind(with_answer("losses_outlier", OUTLIER_HUBER_AS_MSE), 13.0,
                                                 "losses_outlier_check", 0.0, "hidden test: the fitted MSE and Huber",
                                                 source=LOSSES, visible="recognised mistake: your Huber shift is the MSE's"),
    # set 03's diagnosis task: no sign flip above 2/L (named by the check; the hidden run diverges at that rate)
    "diverging run read without the sign flip (03)": Kind(with_answer("gd_diagnose", STABLE_RATE_NO_SIGN_FLIP), 8.0,
                                                          "gd_diagnose_check", 0.0, "hidden test: curvatures up to L = 40",
                                                          source=GRADIENT_DESCENT,
                                                          visible="recognised mistake: above 2/L the error flips sign"),
    # set 04: the prediction task answered with the habitual momentum 0.9 (named by the check; the run fails)
    "habitual momentum 0.9 (04)": Kind(with_answer("advopt_heavy_ball", HEAVY_BALL_MU_09), 7.0, "advopt_heavy_ball_check",
                                       0.0, "hidden test: m = 3, L = 300", source=ADVANCED_OPTIMIZERS,
                                       visible="recognised mistake: mu = 0.9 is a habit"),
    # set 04: the rate r used as the momentum (r, not r**2): recognised, and the hidden run contracts too slowly
    "momentum = rate, not its square (04)": Kind(with_answer("advopt_heavy_ball", HEAVY_BALL_MU_R), 7.0,
                                                 "advopt_heavy_ball_check", 0.0, "hidden test", source=ADVANCED_OPTIMIZERS,
                                                 visible="recognised mistake: your momentum is the rate r"),
    # set 05: a diagnosis from the loss alone (the gradient norms ignored)
    "diagnosis from the loss alone (05)": Kind(with_answer("sched_diagnose", DIAGNOSE_LOSS_ONLY), 11.0,
                                               "sched_diagnose_check", 0.0, "hidden test", source=SCHEDULING,
                                               visible="recognised mistake: you looked at the loss only"),
    "clips each gradient alone (07)": Kind(with_answer("chmg_clip", "def clip_by_global_norm(grads, clipnorm):\n"
                                                       "    return [g * clipnorm / max(np.sqrt(np.sum(g ** 2)), clipnorm) for g in grads]"),
                                           7.0, "chmg_clip_check", 0.0, "hidden test: Keras's definition", source=CHALLENGES,
                                           visible="recognised mistake: you clip each gradient by its own norm"),
    "residual without the skip (07)": Kind(with_answer("chmg_residual", "def residual_block(x, kernel, bias):\n"
                                                       "    return np.maximum(x @ kernel + bias, 0.0)"),
                                           8.0, "chmg_residual_check", 0.0, "hidden test: a random 9x6 batch", source=CHALLENGES,
                                           visible="recognised mistake: the shortcut is missing"),
    # PyTorch's Adam for a decoupled decay: named by the check; the hidden test runs (or, without PyTorch, reads) it
    "torch Adam for decoupled decay (09)": Kind(with_answer("tools_translate", (
        "def optimizer_arguments(learning_rate, beta_1, beta_2, epsilon, weight_decay):\n"
        "    return {'keras': {'learning_rate': learning_rate, 'beta_1': beta_1, 'beta_2': beta_2,\n"
        "                      'epsilon': epsilon, 'weight_decay': weight_decay}, 'torch_class': 'Adam',\n"
        "            'torch': {'lr': learning_rate, 'betas': [beta_1, beta_2], 'eps': epsilon,\n"
        "                      'weight_decay': weight_decay}}")),
        5.0, "tools_translate_check", 0.0, "hidden test: ", source=TOOLS,
        visible="recognised mistake: torch.optim.Adam's weight_decay"),
    "L2 coefficient twice too large (09)": Kind(with_answer("tools_l2", "def l2_from_decoupled(weight_decay, learning_rate):\n"
                                                                        "    return weight_decay"),
                                                6.0, "tools_l2_check", 0.0, "hidden test: other numbers", source=TOOLS,
                                                visible="recognised mistake: 2 times too large"),
    "SGD step with the new p_u (11)": Kind(with_answer("apps1_sgd", "def sgd_step(p_u, q_i, r_ui, mu, lr, reg):\n"
                                                  "    e = r_ui - mu - p_u @ q_i\n    p_u = p_u + lr * (e * q_i - reg * p_u)\n"
                                                  "    return p_u, q_i + lr * (e * p_u - reg * q_i)"),
                                           8.0, "apps1_sgd_check", 0.0, "hidden test: q_i, hand-computed",
                                           source=APPLICATIONS_I, visible="recognised mistake: you updated q_i with the new p_u"),
    "cross-entropy summed, not averaged (11)": Kind(with_answer("apps1_xent", "def cross_entropy_from_logits(logits, labels):\n"
                                                            "    shifted = logits - logits.max(axis=1, keepdims=True)\n"
                                                            "    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
                                                            "    return float(-np.sum(log_probs[np.arange(len(labels)), labels]))"),
                                                    8.0, "apps1_xent_check", 0.0, "hidden test: a batch of 50",
                                                    source=APPLICATIONS_I, visible="recognised mistake: you summed over the batch"),
    "REINFORCE baseline added, not subtracted (12)": Kind(with_answer("apps2_loss", (
        "def reinforce_loss(log_probs, rewards, gamma, baseline):\n"
        "    return float(-np.sum((discounted_returns(rewards, gamma) + baseline) * log_probs))")),
        8.0, "apps2_loss_check", 0.0, "random steps", source=APPLICATIONS_II,
        visible="recognised mistake: you added the baseline"),
    "cosine counted from step 0 (12)": Kind(with_answer("apps2_schedule", (
        "def warmup_cosine(step, initial_learning_rate, warmup_target, warmup_steps, decay_steps, alpha):\n"
        "    if step < warmup_steps:\n"
        "        return initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps\n"
        "    fraction = min(step / decay_steps, 1.0)\n"
        "    return float(warmup_target * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * fraction)) + alpha))")),
        8.0, "apps2_schedule_check", 0.0, "hidden test: equals CosineDecay", source=APPLICATIONS_II,
        visible="recognised mistake: your cosine counts from step 0"),
    # set 10: process checks. Evaluating on the test set many times (and choosing by it) loses the report's points
    "evaluated on the test set many times (10)": Kind(with_answer("wf_final", FINAL_REPORT_TEST_MANY_TIMES), 8.0,
                                                      "wf_final_check", 0.0, "hidden test: the test set is read exactly once",
                                                      source=WORKFLOW, visible="test set reads: expected 1, got 4"),
    "seed not set (10)": Kind(with_answer("wf_train", TRAIN_WITHOUT_SEED), 9.0, "wf_train_check", 0.0,
                              "hidden test: seed 2 follows the recipe", source=WORKFLOW,
                              visible="the same seed gives the same numbers"),
}


def write_submission(name: str, kind: Kind, folder: Path) -> Path:
    """Write one broken submission as folder/<student>/<file>; return its path."""
    student = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
    path = Path(folder) / student / (kind.file_name or kind.source.name)  # one folder per student, as collected
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind.raw is not None:
        path.write_text(kind.raw)
        return path
    nb = solved_nb(kind.source)
    if kind.breaker:
        nb = kind.breaker(copy.deepcopy(nb))
    nbformat.write(nb, path)
    return path
