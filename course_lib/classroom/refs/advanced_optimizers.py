"""References for ``exercises/04_advanced_optimizers.ipynb``: one step of Momentum, RMSProp and Adam; the best (eta, mu).

Every expected value is one step of the :mod:`course_lib.optimizers` class (which equals
``keras.optimizers``) started from the given state: the optimizer is built for a copy of
the weights, its slots are set to the given ``velocity`` / ``m`` / ``v``, and its step
counter to ``t - 1``.  The learner's functions return new arrays; so do these.
"""
import numpy as np

from course_lib import optimizers
from course_lib.classroom.feedback import Case
from course_lib.convergence import heavy_ball_tuning


def _one_step(optimizer, w, grad, slots, iterations=0):
    """Apply one step of ``optimizer`` from the given state; return (new_w, {slot: new value})."""
    w = np.array(w, copy=True)
    optimizer.build([w])
    for name, value in slots.items():
        optimizer.slots[0][name][...] = value
    optimizer.iterations = iterations
    optimizer.apply([np.asarray(grad, dtype=w.dtype)], [w])
    return w, {name: value.copy() for name, value in optimizer.slots[0].items()}


def momentum_step(w, velocity, grad, learning_rate, momentum=0.9, nesterov=False):
    """v' = momentum v - lr g;  w' = w + v'  (Nesterov: w' = w + momentum v' - lr g).  keras.optimizers.SGD."""
    opt = optimizers.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=nesterov)
    new_w, slots = _one_step(opt, w, grad, {"momentum": velocity})
    return new_w, slots["momentum"]


def rmsprop_step(w, velocity, grad, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """v' = rho v + (1 - rho) g^2;  w' = w - lr g / sqrt(v' + eps).  keras.optimizers.RMSprop."""
    opt = optimizers.RMSprop(learning_rate=learning_rate, rho=rho, epsilon=epsilon)
    new_w, slots = _one_step(opt, w, grad, {"velocity": velocity})
    return new_w, slots["velocity"]


def adam_step(w, m, v, grad, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Adam's step number t (t = 1 first), Keras's form:
    m' = b1 m + (1 - b1) g;  v' = b2 v + (1 - b2) g^2;  alpha = lr sqrt(1 - b2^t) / (1 - b1^t);
    w' = w - alpha m' / (sqrt(v') + eps).  keras.optimizers.Adam."""
    opt = optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    new_w, slots = _one_step(opt, w, grad, {"momentum": m, "velocity": v}, iterations=t - 1)
    return new_w, slots["momentum"], slots["velocity"]


_W = np.array([1.0, -2.0, 0.5])
_G = np.array([0.3, -1.0, 2.0])

MOMENTUM_CASES = [
    Case(_W, np.zeros(3), _G, 0.1, label="first step: velocity starts at 0"),
    Case(_W, np.array([0.2, -0.1, 0.0]), _G, 0.1, momentum=0.9, label="with some velocity"),
    Case(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 2)), np.full((2, 2), 0.5), 0.01, momentum=0.5,
         label="a matrix of weights"),
    Case(_W, np.array([0.2, -0.1, 0.0]), _G, 0.1, momentum=0.9, nesterov=True, label="Nesterov"),
]
RMSPROP_CASES = [
    Case(_W, np.zeros(3), _G, 0.01, label="first step: v starts at 0"),
    Case(_W, np.array([0.5, 1.0, 0.01]), _G, 0.01, rho=0.9, label="with some history"),
    Case(_W, np.array([0.5, 1.0, 0.01]), np.zeros(3), 0.01, label="zero gradient: no step"),
    Case(np.array([2.0]), np.array([1e-4]), np.array([1e-3]), 0.1, rho=0.5, epsilon=1e-3,
         label="epsilon is inside the root"),
]
ADAM_CASES = [
    Case(_W, np.zeros(3), np.zeros(3), _G, 1, 0.01, label="first step (t = 1): bias correction matters most"),
    Case(_W, np.array([0.1, -0.2, 0.3]), np.array([0.01, 0.05, 0.2]), _G, 5, 0.01, label="step t = 5"),
    Case(_W, np.array([0.1, -0.2, 0.3]), np.array([0.01, 0.05, 0.2]), _G, 1000, 0.01,
         label="t = 1000: correction ~ 1"),
    Case(_W, np.zeros(3), np.zeros(3), 100 * _G, 1, 0.01, beta_1=0.5, beta_2=0.9,
         label="other betas, large gradient"),
    # the textbook form (eps added to sqrt of the bias-corrected v) differs by ~1e-9 with eps = 1e-7,
    # invisible next to atol; with eps = 0.1 it is off by ~7e-3
    Case(_W, np.zeros(3), np.zeros(3), _G, 1, 0.01, epsilon=0.1, label="epsilon = 0.1: added to sqrt(v'), uncorrected"),
]


# ---------------------------------------------------------------- Task 4: predict (eta, mu) from the curvatures
def heavy_ball_settings(m, L):
    """Polyak's best constants for SGD with momentum on curvatures in [m, L] (course_lib.convergence):
    r = (sqrt(L/m) - 1) / (sqrt(L/m) + 1);  eta = 4 / (sqrt(L) + sqrt(m))^2;  mu = r^2."""
    eta, mu, _ = heavy_ball_tuning(m, L)
    return eta, mu


def _rate_as_momentum(m, L):
    eta, _, r = heavy_ball_tuning(m, L)
    return eta, r


def _gradient_descent_kappa(m, L):
    kappa = L / m
    return 2 / (m + L), ((kappa - 1) / (kappa + 1)) ** 2


def _habitual_momentum(m, L):
    return heavy_ball_tuning(m, L)[0], 0.9


HEAVY_BALL_CASES = [
    Case(1.0, 50.0, label="the notebook's valley, kappa = 50"),
    Case(1.0, 100.0, label="kappa = 100: sqrt(kappa) = 10"),
    Case(2.0, 800.0, label="m = 2, L = 800: only the ratio sets mu"),
    Case(0.5, 2.0, label="a well-conditioned problem, kappa = 4"),
    Case(3.0, 3.0, label="kappa = 1: no momentum needed"),
]
HEAVY_BALL_MISTAKES = [
    (_rate_as_momentum, "your momentum is the rate r = (sqrt(kappa) - 1)/(sqrt(kappa) + 1); the heavy ball's best "
                        "momentum is its square, r**2"),
    (_gradient_descent_kappa, "you used kappa where the heavy ball needs sqrt(kappa) (and gradient descent's 2/(m + L))"),
    (_habitual_momentum, "mu = 0.9 is a habit, not the best momentum for this kappa: with mu above r**2 the iterates "
                         "spiral and contract only by sqrt(mu) per step"),
]
