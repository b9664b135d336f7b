"""References for ``exercises/12_applications_language_reinforcement.ipynb``: the discounted returns of an episode,
the REINFORCE loss with a baseline, a warm-up + cosine learning-rate schedule, the perplexity of a model's softmax
outputs, two predictions, and the recognised mistakes.

Every expected value comes from the course library: :func:`course_lib.reinforce.discounted_returns` (equal to
``scipy.signal.lfilter`` run backwards), :mod:`course_lib.reinforce`'s loss, and
:class:`course_lib.schedules.CosineDecay` (equal to ``keras.optimizers.schedules.CosineDecay``).  The ``mistake_*``
functions compute what a known wrong answer returns, so the checks can name the mistake.
"""
import numpy as np

from course_lib import reinforce
from course_lib.classroom.feedback import Case
from course_lib.schedules import CosineDecay


def discounted_returns(rewards, gamma):
    """G_t = r_t + gamma G_{t+1} (G_T = 0) for every step: a float64 array like ``rewards``."""
    return reinforce.discounted_returns(np.asarray(rewards, dtype=float), gamma)


def reinforce_loss(log_probs, rewards, gamma, baseline):
    """L = - sum_t (G_t - b_t) log pi(a_t | s_t), a float."""
    advantages = discounted_returns(rewards, gamma) - np.asarray(baseline, dtype=float)
    return float(-np.sum(advantages * np.asarray(log_probs, dtype=float)))


def warmup_cosine(step, initial_learning_rate, warmup_target, warmup_steps, decay_steps, alpha):
    """The learning rate at ``step``: linear warm-up to warmup_target, then cosine decay to alpha * warmup_target."""
    return float(CosineDecay(initial_learning_rate, decay_steps, alpha=alpha, warmup_target=warmup_target,
                             warmup_steps=warmup_steps)(step))


def perplexity(probs, targets):
    """exp(mean_t -log probs[t, targets[t]]): the exponential of the mean cross-entropy, a float."""
    probs = np.asarray(probs, dtype=float)
    picked = probs[np.arange(len(probs)), np.asarray(targets)]
    return float(np.exp(-np.mean(np.log(picked))))


# ----------------------------------------------------------------- recognised mistakes
def mistake_forwards(rewards, gamma):
    """Accumulates from the first step: G_t = r_t + gamma G_{t-1}, the discounted sum of the *past* rewards."""
    rewards = np.asarray(rewards, dtype=float)
    out, running = np.empty_like(rewards), 0.0
    for t in range(len(rewards)):
        running = rewards[t] + gamma * running
        out[t] = running
    return out


def mistake_gamma_once_too_many(rewards, gamma):
    """Discounts the step's own reward too: G_t = gamma r_t + gamma^2 r_{t+1} + ... (gamma times the answer)."""
    return gamma * discounted_returns(rewards, gamma)


def mistake_no_discount(rewards, gamma):
    """Leaves gamma out: the plain sum of the rewards still to come."""
    return discounted_returns(rewards, 1.0)


def mistake_baseline_added(log_probs, rewards, gamma, baseline):
    """Adds the baseline to the returns instead of subtracting it."""
    return reinforce_loss(log_probs, rewards, gamma, -np.asarray(baseline, dtype=float))


def mistake_no_minus(log_probs, rewards, gamma, baseline):
    """Returns the objective to maximise, sum_t (G_t - b_t) log pi, not the loss to minimise."""
    return -reinforce_loss(log_probs, rewards, gamma, baseline)


def mistake_total_return(log_probs, rewards, gamma, baseline):
    """Weights every step by the episode's whole return G_0 instead of the return from that step on."""
    g0 = discounted_returns(rewards, gamma)[0]
    return float(-np.sum((g0 - np.asarray(baseline, dtype=float)) * np.asarray(log_probs, dtype=float)))


def mistake_mean_not_sum(log_probs, rewards, gamma, baseline):
    """Averages over the steps instead of summing."""
    return reinforce_loss(log_probs, rewards, gamma, baseline) / len(np.asarray(rewards))


def mistake_cosine_from_zero(step, initial_learning_rate, warmup_target, warmup_steps, decay_steps, alpha):
    """Counts the cosine's steps from step 0 instead of from the end of the warm-up."""
    if step < warmup_steps:
        return warmup_cosine(step, initial_learning_rate, warmup_target, warmup_steps, decay_steps, alpha)
    fraction = min(step, warmup_steps + decay_steps) / decay_steps
    fraction = min(fraction, 1.0)
    return float(warmup_target * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * fraction)) + alpha))


def mistake_warmup_from_zero(step, initial_learning_rate, warmup_target, warmup_steps, decay_steps, alpha):
    """Warms up from 0 instead of from initial_learning_rate."""
    return warmup_cosine(step, 0.0, warmup_target, warmup_steps, decay_steps, alpha)


def mistake_alpha_added(step, initial_learning_rate, warmup_target, warmup_steps, decay_steps, alpha):
    """Adds the floor alpha on top of the full cosine: target (0.5 (1 + cos) + alpha), above the target at first."""
    if step < warmup_steps:
        return warmup_cosine(step, initial_learning_rate, warmup_target, warmup_steps, decay_steps, alpha)
    fraction = min(step - warmup_steps, decay_steps) / decay_steps
    return float(warmup_target * (0.5 * (1 + np.cos(np.pi * fraction)) + alpha))


def mistake_cross_entropy(probs, targets):
    """Returns the mean cross-entropy, log(perplexity): forgot the exponential."""
    return float(np.log(perplexity(probs, targets)))


def mistake_exp_of_sum(probs, targets):
    """Exponentiates the summed cross-entropy instead of the mean: grows with the sequence's length."""
    return float(perplexity(probs, targets) ** len(np.asarray(targets)))


def mistake_mean_of_inverse(probs, targets):
    """Averages 1 / p per character (the arithmetic mean), instead of exponentiating the mean log-loss."""
    probs = np.asarray(probs, dtype=float)
    return float(np.mean(1.0 / probs[np.arange(len(probs)), np.asarray(targets)]))


RETURNS_MISTAKES = [
    (mistake_forwards, "returns summed forwards: did you accumulate from the first step instead of the last? "
                       "G_t looks at the rewards still to come"),
    (mistake_gamma_once_too_many, "γ applied one step too many: the reward of step t itself is not discounted"),
    (mistake_no_discount, "you left γ out: this is the plain sum of the rewards to come"),
]
LOSS_MISTAKES = [
    (mistake_baseline_added, "you added the baseline; it is subtracted from the return (G_t - b_t)"),
    (mistake_no_minus, "this is the objective to maximise; the loss that gradient descent minimises is its negative"),
    (mistake_total_return, "you weighted every step by the whole episode's return G_0; each step gets the return "
                           "from that step on, G_t (earlier rewards do not depend on a later action)"),
    (mistake_mean_not_sum, "you averaged over the steps; this loss sums them"),
]
SCHEDULE_MISTAKES = [
    (mistake_cosine_from_zero, "your cosine counts from step 0; it starts when the warm-up ends (step - warmup_steps)"),
    (mistake_warmup_from_zero, "your warm-up starts from 0; it starts from initial_learning_rate"),
    (mistake_alpha_added, "you added alpha on top of the cosine; the cosine is scaled to the range [alpha, 1]"),
]
PERPLEXITY_MISTAKES = [
    (mistake_cross_entropy, "this is the mean cross-entropy (in nats); the perplexity is its exponential"),
    (mistake_exp_of_sum, "you exponentiated the summed cross-entropy; average over the characters first"),
    (mistake_mean_of_inverse, "you averaged 1/p over the characters; the perplexity is the exponential of the "
                              "mean of -log p (a geometric mean of 1/p)"),
]

_rng = np.random.default_rng(12)
RETURNS_CASES = [
    Case(np.array([1.0, 1.0, 1.0]), 0.5, label="three rewards of 1, gamma = 0.5"),
    Case(np.array([0.0, 0.0, 1.0, 0.0, 2.0]), 0.9, label="sparse rewards"),
    Case(np.array([1.0, -1.0, 2.0, 0.5]), 1.0, label="gamma = 1: no discount"),
    Case(np.array([3.0, 1.0, 4.0]), 0.0, label="gamma = 0: only the step's own reward"),
    Case(_rng.normal(size=12), 0.99, label="12 random rewards, gamma = 0.99"),
    Case(np.array([5.0]), 0.9, label="one step"),
]
_log_probs = np.log(_rng.uniform(0.2, 0.9, size=6))
LOSS_CASES = [
    Case(np.log(np.array([0.5, 0.5])), np.array([1.0, 1.0]), 1.0, np.zeros(2), label="no baseline, gamma = 1"),
    Case(np.log(np.array([0.5, 0.25, 0.8])), np.array([1.0, 1.0, 1.0]), 0.9, np.array([2.0, 1.5, 0.5]),
         label="with a baseline"),
    Case(_log_probs, _rng.normal(size=6), 0.95, _rng.normal(size=6), label="6 steps, random numbers"),
]
SCHEDULE_CASES = [
    Case(0, 0.0, 1e-3, 100, 1000, 0.0, label="step 0: the warm-up's start"),
    Case(50, 0.0, 1e-3, 100, 1000, 0.0, label="half-way through the warm-up"),
    Case(100, 0.0, 1e-3, 100, 1000, 0.0, label="end of the warm-up: the target"),
    Case(600, 0.0, 1e-3, 100, 1000, 0.0, label="half-way through the cosine"),
    Case(30, 1e-4, 1e-3, 100, 1000, 0.1, label="warm-up from initial_learning_rate = 1e-4"),
    Case(850, 1e-4, 1e-3, 100, 1000, 0.1, label="cosine with a floor alpha = 0.1"),
    Case(5000, 1e-4, 1e-3, 100, 1000, 0.1, label="after the end: stays at alpha * target"),
]
_probs = _rng.dirichlet(np.ones(5), size=7)
PERPLEXITY_CASES = [
    Case(np.array([[0.5, 0.5], [0.5, 0.5]]), np.array([0, 1]), label="a fair coin: perplexity 2"),
    Case(np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.25, 0.25, 0.5]]), np.array([0, 1, 2]), label="3 characters"),
    Case(_probs, _rng.integers(0, 5, size=7), label="7 steps, 5 characters"),
    Case(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1]), label="a perfect model: perplexity 1"),
]


# Task 5 (prediction): a model that gives every one of V characters the same probability.
VOCABULARY_SIZE = 65            # the number of distinct characters in the Shakespeare text of notebook 12


def uniform_perplexity():
    """The perplexity of the uniform model over VOCABULARY_SIZE characters, computed on a sample sequence."""
    V = VOCABULARY_SIZE
    targets = np.random.default_rng(0).integers(0, V, size=500)
    return perplexity(np.full((len(targets), V), 1.0 / V), targets)


# Task 6 (prediction): does a constant baseline change the expected REINFORCE gradient?
def constant_baseline_changes_expected_gradient():
    """False: E[b grad log pi] = b sum_a grad pi(a) = b grad 1 = 0 for any constant b."""
    return False
