"""REINFORCE with a baseline: a softmax policy trained by the policy-gradient theorem on CartPole.

An agent in state s_t picks action a_t with probability pi(a_t | s_t; theta), receives reward r_t,
and wants a large expected return.  The return from step t of an episode of length T is

    G_t = r_t + gamma r_{t+1} + ... + gamma^{T-1-t} r_{T-1}  =  r_t + gamma G_{t+1},   G_T = 0

REINFORCE (Williams, 1992) estimates the gradient of the expected return from one sampled episode

    grad J(theta) ~= sum_t (G_t - b_t) grad log pi(a_t | s_t; theta)

and we minimise the surrogate loss whose gradient is minus that estimate,

    L(theta) = - sum_t (G_t - b_t) log pi(a_t | s_t; theta)        (G_t and b_t held constant)

with any Adam of :mod:`course_lib.optimizers`.  A baseline b_t that does not depend on the actions of
the episode leaves the expected gradient unchanged (E[grad log pi] = 0) but can shrink its variance.

**The baseline used here**: :class:`StepMeanBaseline`, the mean return seen at the same step t in
earlier episodes (an exponential moving average).  Why this one: in CartPole every step pays r = 1, so
G_t is mostly a function of how many steps the episode still has to run; one scalar mean return would
be far off at both ends of an episode, while the per-step mean follows that shape, costs nothing, has
no parameters to fit, and uses only *earlier* episodes, so it stays independent of the current
episode's actions and the gradient stays unbiased.  (A learned value function V(s) would also see the
cart's state; it needs its own regression and learning rate, a second thing to tune.)

The policy, :class:`SoftmaxPolicy`, is a one-hidden-layer network (Keras's ``Dense(tanh)`` then
``Dense`` + softmax, Glorot-uniform kernels and zero biases as Keras's defaults) with its forward and
backward passes written out by hand, so every line can be read next to its equation.
:func:`gradient_variance` measures the variance of the one-episode gradient estimate at *fixed*
parameters with and without the baseline, on the same episodes (a paired comparison).

The environment is gymnasium's ``CartPole-v1`` (``env.reset(seed=...)``); actions are sampled from a
seeded ``numpy.random.Generator``, so a run is reproducible from its seed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_fraction, check_int, check_vector
from .initializers import GlorotUniform

__all__ = ["discounted_returns", "SoftmaxPolicy", "Episode", "make_cartpole", "rollout",
           "random_policy_returns", "StepMeanBaseline", "reinforce_loss_and_gradient", "train",
           "gradient_variance", "stored_results"]


def _check_gamma(gamma):
    return check_fraction("gamma", gamma, high_inclusive=True)      # 0 <= gamma <= 1


def discounted_returns(rewards, gamma=0.99):
    """G_t = r_t + gamma G_{t+1}, with G_T = 0, for every step t of one episode (a float64 array).

    Accumulated from the *last* step backwards, so each G_t costs one multiply-add.
    Equals ``scipy.signal.lfilter([1], [1, -gamma], rewards[::-1])[::-1]``.
    """
    rewards = check_vector("rewards", rewards)
    gamma = _check_gamma(gamma)
    returns = np.empty_like(rewards)
    running = 0.0                                                     # G_T = 0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running                        # G_t = r_t + gamma G_{t+1}
        returns[t] = running
    return returns


class SoftmaxPolicy:
    """pi(a | s) = softmax(tanh(s W1 + b1) W2 + b2)[a]: one hidden tanh layer, one softmax output.

    Mirrors ``keras.Sequential([Dense(n_hidden, "tanh"), Dense(n_actions, "softmax")])`` with Keras's
    default initialisers (Glorot-uniform kernels, zero biases).  ``params = [W1, b1, W2, b2]`` (float64),
    the list an optimizer's ``apply(grads, params)`` updates in place.
    """

    def __init__(self, n_inputs=4, n_hidden=16, n_actions=2, seed=0):
        self.n_inputs = check_int("n_inputs", n_inputs)
        self.n_hidden = check_int("n_hidden", n_hidden)
        self.n_actions = check_int("n_actions", n_actions, minimum=2)
        init = GlorotUniform()
        rng = np.random.default_rng(check_int("seed", seed, minimum=0))
        self.params = [init((n_inputs, n_hidden), "float64", rng), np.zeros(n_hidden),
                       init((n_hidden, n_actions), "float64", rng), np.zeros(n_actions)]

    def _states(self, states):
        states = np.asarray(states, dtype=np.float64)
        if states.ndim != 2 or states.shape[1] != self.n_inputs:
            raise ValueError(f"`states` must have shape (n_steps, {self.n_inputs}). Received shape {states.shape}")
        return states

    def _forward(self, states):
        W1, b1, W2, b2 = self.params
        hidden = np.tanh(states @ W1 + b1)                            # h = tanh(s W1 + b1)
        logits = hidden @ W2 + b2                                     # z = h W2 + b2
        logits = logits - logits.max(axis=1, keepdims=True)           # softmax is shift-invariant: no overflow
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)                     # pi = exp(z) / sum exp(z)
        return hidden, probs

    def probabilities(self, states):
        """pi(. | s) for each row of ``states`` (shape (n_steps, n_inputs)): shape (n_steps, n_actions)."""
        return self._forward(self._states(states))[1]

    def act(self, state, rng):
        """One action sampled from pi(. | state) with the numpy Generator ``rng``."""
        probs = self._forward(np.asarray(state, dtype=np.float64).reshape(1, -1))[1][0]
        return int(np.searchsorted(np.cumsum(probs), rng.random() * probs.sum()))   # inverse-CDF sampling

    def log_prob_gradient(self, states, actions, weights):
        """Gradients of sum_t w_t log pi(a_t | s_t) with respect to [W1, b1, W2, b2].

        Backward pass, written out (one_hot(a) is the row with a 1 at the chosen action):
            dz  = w_t (one_hot(a_t) - pi_t)          d log softmax(z)[a] / dz = one_hot(a) - pi
            dW2 = h^T dz,   db2 = sum_t dz
            dh  = dz W2^T
            du  = dh (1 - h^2)                       tanh'(u) = 1 - tanh(u)^2
            dW1 = s^T du,   db1 = sum_t du
        """
        states = self._states(states)
        actions = np.asarray(actions)
        weights = np.asarray(weights, dtype=np.float64)
        n = len(states)
        if actions.shape != (n,) or not np.issubdtype(actions.dtype, np.integer):
            raise ValueError(f"`actions` must be {n} integers, one per state. Received {actions.dtype} shape {actions.shape}")
        if actions.size and (actions.min() < 0 or actions.max() >= self.n_actions):
            raise ValueError(f"`actions` must lie in [0, {self.n_actions}). Received values {np.unique(actions)}")
        if weights.shape != (n,):
            raise ValueError(f"`weights` must have shape ({n},), one per state. Received shape {weights.shape}")
        W1, b1, W2, b2 = self.params
        hidden, probs = self._forward(states)
        dz = -probs                                                   # dz = w (one_hot(a) - pi) ...
        dz[np.arange(n), actions] += 1.0
        dz *= weights[:, None]                                        # ... times w_t
        dh = dz @ W2.T                                                # dh = dz W2^T
        du = dh * (1.0 - hidden**2)                                   # du = dh (1 - h^2)
        return [states.T @ du, du.sum(axis=0), hidden.T @ dz, dz.sum(axis=0)]

    def log_probs(self, states, actions):
        """log pi(a_t | s_t) for each step (shape (n_steps,))."""
        probs = self.probabilities(states)
        return np.log(probs[np.arange(len(probs)), np.asarray(actions)])


@dataclass
class Episode:
    """One episode: ``states`` (T, 4), ``actions`` (T,) and ``rewards`` (T,); its return is ``rewards.sum()``."""

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray

    @property
    def total_reward(self):
        return float(self.rewards.sum())


def make_cartpole():
    """gymnasium's ``CartPole-v1`` (episodes stop at 500 steps); imported here, so ``import course_lib`` stays light."""
    import gymnasium

    return gymnasium.make("CartPole-v1")


def rollout(env, policy, rng, seed=None):
    """Run one episode of ``policy`` in ``env`` until it terminates or is truncated.

    ``env.reset(seed=seed)`` seeds the environment (``seed=None`` continues its own random stream);
    ``policy`` is a :class:`SoftmaxPolicy`, or None for the uniformly random policy; ``rng`` (a numpy
    Generator) samples the actions.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a numpy Generator (np.random.default_rng(seed)). Received {rng!r}")
    state, _ = env.reset(seed=seed)
    states, actions, rewards = [], [], []
    done = False
    while not done:
        action = int(rng.integers(env.action_space.n)) if policy is None else policy.act(state, rng)
        states.append(state)
        actions.append(action)
        state, reward, terminated, truncated, _ = env.step(action)
        rewards.append(reward)
        done = terminated or truncated
    return Episode(np.asarray(states, dtype=np.float64), np.asarray(actions, dtype=np.int64),
                   np.asarray(rewards, dtype=np.float64))


def random_policy_returns(n_episodes, seed=0):
    """Returns of ``n_episodes`` episodes of the uniformly random policy (the baseline to beat, about 22)."""
    n_episodes = check_int("n_episodes", n_episodes)
    env, rng = make_cartpole(), np.random.default_rng(seed)
    out = [rollout(env, None, rng, seed=seed if i == 0 else None).total_reward for i in range(n_episodes)]
    env.close()
    return np.asarray(out)


class StepMeanBaseline:
    """b_t = the mean of G_t at step t over earlier episodes (why this baseline: see the module docstring).

    ``momentum`` = None: the plain mean over every episode seen; a float in [0, 1): an exponential moving
    average, b_t <- momentum b_t + (1 - momentum) G_t, which follows a policy that changes (Keras's
    BatchNormalization names its average's rate ``momentum`` the same way).  A step never reached
    before has b_t = 0 until an episode reaches it (its first value is then taken as is).
    """

    def __init__(self, momentum=0.9, max_steps=500):
        self.momentum = None if momentum is None else check_fraction("momentum", momentum)
        self.max_steps = check_int("max_steps", max_steps)
        self.mean = np.zeros(self.max_steps)
        self.count = np.zeros(self.max_steps, dtype=np.int64)

    def __call__(self, n_steps):
        """b_0 .. b_{n_steps - 1} (computed from earlier episodes only)."""
        n_steps = check_int("n_steps", n_steps, minimum=0)
        if n_steps > self.max_steps:
            raise ValueError(f"`n_steps` must be <= max_steps={self.max_steps}. Received: n_steps={n_steps}")
        return self.mean[:n_steps].copy()

    def update(self, returns):
        """Fold one episode's returns G_0 .. G_{T-1} into the per-step means."""
        returns = check_vector("returns", returns)[:self.max_steps]
        n = len(returns)
        self.count[:n] += 1
        if self.momentum is None:
            self.mean[:n] += (returns - self.mean[:n]) / self.count[:n]            # running mean
        else:
            first = self.count[:n] == 1                                             # first visit: take G_t
            ema = self.momentum * self.mean[:n] + (1 - self.momentum) * returns     # b <- m b + (1 - m) G
            self.mean[:n] = np.where(first, returns, ema)


def reinforce_loss_and_gradient(policy, episode, gamma=0.99, baseline=None):
    """The REINFORCE loss of one episode and its gradient with respect to ``policy.params``.

        L = - sum_t (G_t - b_t) log pi(a_t | s_t),     grad L = - sum_t (G_t - b_t) grad log pi(a_t | s_t)

    ``baseline``: None (b_t = 0) or an array of b_t, one per step.  Returns ``(loss, grads)``.
    """
    returns = discounted_returns(episode.rewards, gamma)                   # G_t
    b = np.zeros_like(returns) if baseline is None else np.asarray(baseline, dtype=np.float64)
    if b.shape != returns.shape:
        raise ValueError(f"`baseline` must hold one value per step, shape {returns.shape}. Received shape {b.shape}")
    advantages = returns - b                                               # G_t - b_t
    loss = -float(np.sum(advantages * policy.log_probs(episode.states, episode.actions)))
    grads = policy.log_prob_gradient(episode.states, episode.actions, advantages)
    return loss, [-g for g in grads]                                       # gradient of the loss: minus


def train(policy, optimizer, n_episodes, gamma=0.99, baseline=True, seed=0, baseline_momentum=0.9):
    """REINFORCE: one episode, one gradient step with ``optimizer`` (e.g. ``optimizers.Adam``), repeated.

    ``baseline``: True uses a :class:`StepMeanBaseline`, False uses b_t = 0.  The environment is reset
    with ``seed`` once, then continues its own random stream; actions come from
    ``np.random.default_rng(seed)``.  Returns the total reward of every episode (a float array).
    """
    n_episodes = check_int("n_episodes", n_episodes)
    gamma = _check_gamma(gamma)
    if not isinstance(baseline, bool):
        raise TypeError(f"`baseline` must be True or False. Received: baseline={baseline!r}")
    env, rng = make_cartpole(), np.random.default_rng(seed)
    step_mean = StepMeanBaseline(momentum=baseline_momentum) if baseline else None
    totals = np.empty(n_episodes)
    for i in range(n_episodes):
        episode = rollout(env, policy, rng, seed=seed if i == 0 else None)
        b = step_mean(len(episode.rewards)) if baseline else None          # from earlier episodes only
        _, grads = reinforce_loss_and_gradient(policy, episode, gamma, b)
        optimizer.apply(grads, policy.params)                              # theta <- Adam step on grad L
        if baseline:
            step_mean.update(discounted_returns(episode.rewards, gamma))
        totals[i] = episode.total_reward
    env.close()
    return totals


def gradient_variance(policy, n_episodes=100, gamma=0.99, seed=0, n_baseline_episodes=50):
    """Variance of the one-episode gradient estimate at the policy's current (fixed) parameters.

    First ``n_baseline_episodes`` episodes fit the baseline (the plain per-step mean return at these
    parameters); then ``n_episodes`` *other* episodes each give two estimates, g_k without and g_k^b with
    the baseline (same episode: a paired comparison).  The variance of an estimate is the trace of its
    covariance, (1 / (K - 1)) sum_k ||g_k - mean_k g_k||^2.  Returns a dict: ``var_without``,
    ``var_with``, ``ratio`` (= var_without / var_with), ``mean_without``, ``mean_with`` (the mean
    gradients, flattened: equal in expectation, since the baseline adds no bias) and ``returns``.
    """
    n_episodes = check_int("n_episodes", n_episodes, minimum=2)
    n_baseline_episodes = check_int("n_baseline_episodes", n_baseline_episodes)
    gamma = _check_gamma(gamma)
    env, rng = make_cartpole(), np.random.default_rng(seed)
    step_mean = StepMeanBaseline(momentum=None)
    for i in range(n_baseline_episodes):                                   # fit b_t on separate episodes
        episode = rollout(env, policy, rng, seed=seed if i == 0 else None)
        step_mean.update(discounted_returns(episode.rewards, gamma))
    without, with_b, totals = [], [], []
    for _ in range(n_episodes):
        episode = rollout(env, policy, rng)
        for out, b in ((without, None), (with_b, step_mean(len(episode.rewards)))):
            _, grads = reinforce_loss_and_gradient(policy, episode, gamma, b)
            out.append(np.concatenate([g.ravel() for g in grads]))
        totals.append(episode.total_reward)
    env.close()
    without, with_b = np.asarray(without), np.asarray(with_b)

    def total_variance(g):
        return float(np.sum((g - g.mean(axis=0)) ** 2) / (len(g) - 1))    # trace of the covariance

    var_without, var_with = total_variance(without), total_variance(with_b)
    return {"var_without": var_without, "var_with": var_with, "ratio": var_without / var_with,
            "mean_without": without.mean(axis=0), "mean_with": with_b.mean(axis=0),
            "returns": np.asarray(totals)}


def stored_results() -> dict:
    """The run that ``tools/train_reinforce.py`` stored in ``course_lib/datasets/reinforce_cartpole.json``
    (the learning-rate sweep, the evaluation curves and the variance measurements notebook 12 shows)."""
    import json
    from importlib import resources

    path = resources.files("course_lib.datasets").joinpath("reinforce_cartpole.json")
    if not path.is_file():
        raise FileNotFoundError("course_lib/datasets/reinforce_cartpole.json is missing: run "
                                "`python tools/train_reinforce.py` to produce it")
    return json.loads(path.read_text())
