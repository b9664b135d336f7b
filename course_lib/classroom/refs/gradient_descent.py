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
