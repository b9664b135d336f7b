"""References for ``exercises/03_gradient_descent.ipynb``: one gradient-descent step, a mini-batch
iterator, backpropagation through a Dense + sigmoid layer, and a numerical gradient check.

Expected values come from :mod:`course_lib.optimizers` (SGD), :mod:`course_lib.data`,
:mod:`course_lib.autodiff` and :mod:`course_lib.gradcheck`.
"""
import numpy as np

from course_lib import autodiff, optimizers
from course_lib.data import batch_indices
from course_lib.gradcheck import numerical_gradient  # noqa: F401  (the reference for Task 4)
from course_lib.classroom.feedback import Case


def gd_step(theta, gradient, learning_rate):
    """theta_new = theta - learning_rate * gradient (course_lib.optimizers.SGD, one step; theta unchanged)."""
    new = np.array(theta, dtype=np.float64)
    optimizers.SGD(learning_rate=learning_rate).apply([np.asarray(gradient, dtype=np.float64)], [new])
    return new


def minibatch_indices(num_samples, batch_size, seed):
    """One epoch: rng = default_rng(seed); perm = rng.permutation(n); consecutive slices of batch_size."""
    return list(batch_indices(num_samples, batch_size, rng=np.random.default_rng(seed)))


def epoch_summary(batches):
    """What any correct epoch has, whatever the shuffle: (sorted indices, batch sizes)."""
    batches = [np.asarray(b) for b in batches]
    return np.sort(np.concatenate(batches)), np.array([len(b) for b in batches])


def dense_sigmoid_backward(X, W, b, upstream):
    """For a = sigmoid(X W + b) and upstream = dL/da: (dL/dW, dL/db, dL/dX), by autodiff.

    By hand: dz = upstream * a (1 - a);  dW = X^T dz;  db = sum_rows dz;  dX = dz W^T.
    """
    f = lambda X_, W_, b_: (autodiff.Tensor(upstream) * autodiff.sigmoid(X_ @ W_ + b_)).sum()  # noqa: E731
    _, (dX, dW, db) = autodiff.value_and_grad(f, argnums=(0, 1, 2))(X, W, b)
    return dW, db, dX


def epoch_of(fn):
    """``fn(n, batch_size, seed)`` reduced to :func:`epoch_summary` of the epoch it returns.

    Task 2's check compares these summaries, so any correct shuffle passes it.
    """
    return lambda n, batch_size, seed: epoch_summary(fn(n, batch_size, seed))


# Functions for the numerical-gradient cases (named, so feedback can show them).
def sum_of_cubes(x):
    """Test function f(x) = sum_i x_i^3 (gradient 3 x^2)."""
    return np.sum(x ** 3)


def log_sum_exp(x):
    """Test function f(x) = log sum_i exp(x_i) (gradient softmax(x))."""
    return np.log(np.sum(np.exp(x)))


def quadratic_form(x):
    """Test function f(x) = 1/2 x^T A x with a fixed symmetric A (gradient A x)."""
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    return 0.5 * x @ A @ x


_rng = np.random.default_rng(5)
GD_STEP_CASES = [
    (np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1),
    Case(np.array([3.0]), np.array([0.0]), 0.5, label="zero gradient: no move"),
    (np.array([[1.0, -1.0], [0.0, 2.0]]), np.array([[2.0, 2.0], [-4.0, 0.5]]), 0.25),
]
MINIBATCH_CASES = [(10, 3, 0), (12, 4, 1), (7, 7, 2), Case(5, 1, 3, label="batch size 1 (SGD)"),
                   Case(4, 10, 4, label="batch larger than the data set")]
DENSE_CASES = [
    Case(np.array([[1.0, 2.0]]), np.array([[0.5], [-0.5]]), np.array([0.0]), np.array([[1.0]]), label="one sample"),
    (_rng.normal(size=(4, 3)), _rng.normal(size=(3, 2)), _rng.normal(size=2), _rng.normal(size=(4, 2))),
    (_rng.normal(size=(6, 5)), _rng.normal(size=(5, 3)), _rng.normal(size=3), np.ones((6, 3))),
]
NUMGRAD_CASES = [
    (sum_of_cubes, np.array([1.0, -2.0, 0.5])),
    (log_sum_exp, np.array([0.1, 0.2, 0.3, 0.4])),
    (quadratic_form, np.array([1.0, -1.0])),
    Case(sum_of_cubes, np.array([[1.0, 2.0], [3.0, 4.0]]), label="a 2-D array: same shape out"),
    # with eps = 1e-2 a central difference is off by eps^2 = 1e-4, a forward one by ~3 x eps = 3e-2,
    # and one that ignores eps (1e-6 instead) by 1e-4 the other way: only the right formula passes
    Case(sum_of_cubes, np.array([1.0, 2.0]), eps=1e-2, label="eps is used; central, not forward"),
]


# ---------------------------------------------------------------- Task 5: diagnose a diverging run
def gd_losses(curvatures, learning_rate, steps, x0=None):
    """The losses f_t = 1/2 sum_i lambda_i x_i^2 of gradient descent on a diagonal quadratic, t = 0..steps
    (x_i <- (1 - eta lambda_i) x_i each step; x0 defaults to ones)."""
    curvatures = np.asarray(curvatures, dtype=float)
    x = np.ones_like(curvatures) if x0 is None else np.array(x0, dtype=float)
    losses = []
    for _ in range(steps + 1):
        losses.append(0.5 * np.sum(curvatures * x ** 2))
        x = x - learning_rate * curvatures * x                      # x <- x - eta grad f
    return np.array(losses)


def _late_ratio(losses, window=10):
    """The loss's growth factor per step over the last ``window`` steps, where the steepest direction dominates."""
    losses = np.asarray(losses, dtype=float)
    return (losses[-1] / losses[-1 - window]) ** (1 / window)


def largest_stable_rate(losses, learning_rate):
    """From a diverging gradient-descent run at rate eta: the largest stable rate 2 / L.

    Late in the run the steepest direction dominates: its error is multiplied by (1 - eta L) per step, its loss
    by rho = (1 - eta L)^2.  Diverging means eta L > 2, so 1 - eta L = -sqrt(rho): L = (1 + sqrt(rho)) / eta.
    """
    rho = _late_ratio(losses)
    return 2 * learning_rate / (1 + np.sqrt(rho))                  # 2 / L, L = (1 + sqrt(rho)) / eta


def _one_over_L(losses, learning_rate):
    return learning_rate / (1 + np.sqrt(_late_ratio(losses)))


def _loss_ratio_as_error_ratio(losses, learning_rate):
    return 2 * learning_rate / (1 + _late_ratio(losses))


def _no_sign_flip(losses, learning_rate):
    return 2 * learning_rate / (np.sqrt(_late_ratio(losses)) - 1)


def _first_steps(losses, learning_rate):
    losses = np.asarray(losses, dtype=float)
    return 2 * learning_rate / (1 + np.sqrt(losses[1] / losses[0]))


STABLE_RATE_CASES = [
    (gd_losses([1.0, 50.0], 0.05, 40), 0.05),
    Case(gd_losses([0.5, 3.0, 20.0], 0.12, 40), 0.12, label="three curvatures, eta L = 2.4"),
    Case(gd_losses([1.0, 10.0], 0.21, 60), 0.21, label="just above the limit, eta L = 2.1"),
    Case(gd_losses([2.0, 100.0], 0.1, 30), 0.1, label="far above it, eta L = 10"),
]
STABLE_RATE_MISTAKES = [
    (_one_over_L, "you returned 1/L, the rate that clears the steepest direction in one step; gradient descent stays "
                  "stable up to 2/L"),
    (_loss_ratio_as_error_ratio, "the loss is quadratic in the error: the error grows by sqrt(loss ratio) per step, "
                                 "not by the loss ratio"),
    (_no_sign_flip, "above 2/L the error flips sign every step: 1 - eta L = -sqrt(ratio), so eta L = 1 + sqrt(ratio)"),
    (_first_steps, "you read the growth from the first steps, where the other directions still count; read it at the "
                   "end of the run, where the steepest direction dominates"),
]
