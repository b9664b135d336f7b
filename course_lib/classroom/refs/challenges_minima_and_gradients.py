"""References for ``exercises/07_challenges_minima_and_gradients.ipynb``: Glorot/He scales from fans, per-layer
gradient norms, a residual block's forward pass, clipping by global norm, a diagnosis, and the recognised mistakes.

Every expected value comes from :mod:`course_lib.initializers` (Keras's variance scaling), :mod:`course_lib.gradient_flow`,
:mod:`course_lib.nn` (``Residual`` around a ``Dense``) and :mod:`course_lib.optimizers` (``global_clipnorm``, equal to
Keras).  The ``mistake_*`` functions compute what a known wrong answer returns, so the checks can name the mistake.
"""
import numpy as np

from course_lib import autodiff as ad
from course_lib import gradient_flow, nn, optimizers
from course_lib.classroom.feedback import Case


def init_scales(fan_in, fan_out):
    """[Glorot-uniform limit, Glorot std, He-uniform limit, He std] of the weights' distributions.

    Variance scaling: Var(W) = scale / n; Glorot: scale 1, n = (fan_in + fan_out) / 2; He: scale 2, n = fan_in.
    A uniform U(-limit, limit) has variance limit^2 / 3, so limit = sqrt(3 Var).
    """
    glorot_var = 1.0 / ((fan_in + fan_out) / 2)     # = 2 / (fan_in + fan_out)
    he_var = 2.0 / fan_in
    return np.sqrt(np.array([3 * glorot_var, glorot_var, 3 * he_var, he_var]))


def layer_norms(grads):
    """||g_l||_F for each array of the list, as a float64 array."""
    return np.array([np.sqrt(np.sum(np.square(np.asarray(g, dtype=np.float64)))) for g in grads])


def residual_block(x, kernel, bias):
    """y = x + relu(x W + b), computed by course_lib.nn.Residual(Dense(..., activation="relu"))."""
    x = np.asarray(x, dtype=np.float64)
    block = nn.Residual(nn.Dense(kernel.shape[1], activation="relu"))
    block.build(x.shape[1], dtype="float64")
    block.set_weights([kernel, bias])
    with ad.no_grad():
        return block(x).data


def clip_by_global_norm(grads, clipnorm):
    """g_i * clipnorm / max(||G||, clipnorm), ||G||^2 = sum_i ||g_i||^2 (Keras's global_clipnorm)."""
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    return optimizers.SGD(global_clipnorm=clipnorm).clip_gradients(grads)


# Task 5 (diagnosis): a 20-layer sigmoid network with He-normal initialization, one batch of 256 digits.
DIAGNOSIS_CONFIG = dict(depth=20, width=32, activation="sigmoid", init="he")


def measured_direction():
    """-1 vanishing (first/last < 1e-2), +1 exploding (> 1e2), 0 healthy; measured on the task's network, 3 seeds."""
    from course_lib import data

    x, y = data.load_digits()
    ratios = [gradient_flow.gradient_ratio(gradient_flow.layer_gradient_norms(
        gradient_flow.deep_mlp(seed=s, **DIAGNOSIS_CONFIG), x[:256], y[:256])) for s in range(3)]
    r = float(np.median(ratios))
    return -1 if r < 1e-2 else (1 if r > 1e2 else 0)


# ----------------------------------------------------------------- recognised mistakes
def mistake_std_as_limit(fan_in, fan_out):
    """Uses the standard deviation as the uniform limit (forgets the factor sqrt(3))."""
    s = init_scales(fan_in, fan_out)
    return np.array([s[1], s[1], s[3], s[3]])


def mistake_he_with_both_fans(fan_in, fan_out):
    """He computed from (fan_in + fan_out) / 2 like Glorot, instead of fan_in."""
    s = init_scales(fan_in, fan_out)
    he_var = 2.0 / ((fan_in + fan_out) / 2)
    return np.array([s[0], s[1], np.sqrt(3 * he_var), np.sqrt(he_var)])


def mistake_squared_norms(grads):
    """||g||^2 instead of ||g|| (forgot the square root)."""
    return layer_norms(grads) ** 2


def mistake_l1_norms(grads):
    """Sum of absolute values (L1) instead of the Euclidean (Frobenius) norm."""
    return np.array([np.sum(np.abs(np.asarray(g, dtype=np.float64))) for g in grads])


def mistake_relu_after_add(x, kernel, bias):
    """relu(x + x W + b): the activation applied after the addition."""
    return np.maximum(np.asarray(x, dtype=np.float64) + x @ kernel + bias, 0.0)


def mistake_no_skip(x, kernel, bias):
    """relu(x W + b): the shortcut x is missing."""
    return np.maximum(x @ kernel + bias, 0.0)


def mistake_clip_each(grads, clipnorm):
    """Each gradient clipped to its own norm (Keras's clipnorm), not all together."""
    out = []
    for g in grads:
        g = np.asarray(g, dtype=np.float64)
        out.append(g * clipnorm / max(np.sqrt(np.sum(g * g)), clipnorm))
    return out


def mistake_always_scale(grads, clipnorm):
    """Scales to norm clipnorm even when the global norm is already smaller (normalizes instead of clipping)."""
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    return [g * clipnorm / norm for g in grads]


INIT_MISTAKES = [
    (mistake_std_as_limit, "you used the standard deviation as the uniform limit; U(-a, a) has variance a^2 / 3, "
                           "so the limit is sqrt(3) times the standard deviation"),
    (mistake_he_with_both_fans, "your He scale uses (fan_in + fan_out) / 2 like Glorot; He uses fan_in alone"),
]
NORM_MISTAKES = [
    (mistake_squared_norms, "these are squared norms: take the square root of the sum of squares"),
    (mistake_l1_norms, "this is the sum of absolute values (L1); the norm here is sqrt(sum of squares)"),
]
RESIDUAL_MISTAKES = [
    (mistake_relu_after_add, "you apply the ReLU after adding x; the block is y = x + relu(x W + b)"),
    (mistake_no_skip, "the shortcut is missing: add the input x to the block's output"),
]
CLIP_MISTAKES = [
    (mistake_clip_each, "you clip each gradient by its own norm (that is `clipnorm`); `global_clipnorm` uses one "
                        "norm over all of them and the same factor for every array"),
    (mistake_always_scale, "you rescale even when the global norm is already below clipnorm; clipping only shrinks"),
]

_rng = np.random.default_rng(7)
INIT_CASES = [
    Case(64, 32, label="a 64 -> 32 Dense kernel"),
    Case(100, 100, label="square"),
    Case(784, 10, label="many inputs, few outputs"),
]
NORM_CASES = [
    Case([np.array([[3.0, 0.0], [0.0, 4.0]]), np.array([1.0, 2.0, 2.0])], label="norms 5 and 3"),
    Case([_rng.normal(size=(4, 3)), _rng.normal(size=(3, 3)) * 1e-3, _rng.normal(size=(3,))], label="three layers"),
    Case([np.zeros((2, 2))], label="a zero gradient"),
]
RESIDUAL_CASES = [
    Case(np.array([[1.0, -1.0]]), np.eye(2), np.zeros(2), label="identity kernel"),
    Case(_rng.normal(size=(5, 3)), _rng.normal(size=(3, 3)), _rng.normal(size=3), label="random batch of 5"),
    Case(np.ones((2, 4)), np.zeros((4, 4)), np.full(4, -1.0), label="block output 0: y = x"),
]
CLIP_CASES = [
    Case([np.array([3.0, 4.0])], 1.0, label="one gradient of norm 5 -> norm 1"),
    Case([np.array([3.0]), np.array([[4.0]])], 10.0, label="global norm 5 below 10: unchanged"),
    Case([np.array([3.0, 0.0]), np.array([0.0, 4.0]), np.array([12.0])], 1.3, label="three arrays, global norm 13"),
]
