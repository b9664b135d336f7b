"""course_lib.reinforce: discounted returns vs scipy's filter, the policy gradient vs TensorFlow, the baseline,
the gradient-variance measurement, training on CartPole, and tools/train_reinforce.py (shortened)."""
import json
import subprocess
import sys

import numpy as np
import pytest
from notebook_files import ROOT
from scipy.signal import lfilter

from course_lib import reinforce
from course_lib.keras_check import TOLERANCE
from course_lib.optimizers import Adam

RESULTS = ROOT / "course_lib" / "datasets" / "reinforce_cartpole.json"


@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.9, 0.99, 1.0])
def test_discounted_returns_equal_scipy_reversed_filter(gamma):
    rewards = np.random.default_rng(0).normal(size=57)
    expected = lfilter([1.0], [1.0, -gamma], rewards[::-1])[::-1]     # G_t = r_t + gamma G_{t+1}, backwards
    np.testing.assert_allclose(reinforce.discounted_returns(rewards, gamma), expected, rtol=0, atol=1e-12)


def test_discounted_returns_small_case_by_hand():
    np.testing.assert_allclose(reinforce.discounted_returns([1.0, 1.0, 1.0], 0.5), [1.75, 1.5, 1.0])
    assert reinforce.discounted_returns([], 0.9).shape == (0,)


@pytest.mark.parametrize("kwargs, message", [
    ({"rewards": [1.0], "gamma": 1.5}, "gamma"),
    ({"rewards": [1.0], "gamma": -0.1}, "gamma"),
    ({"rewards": [[1.0, 2.0]], "gamma": 0.9}, "rewards"),
])
def test_discounted_returns_errors_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        reinforce.discounted_returns(**kwargs)


def _batch(policy, n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, policy.n_inputs)), rng.integers(policy.n_actions, size=n), rng.normal(size=n)


@pytest.mark.parametrize("n_actions", [2, 3])
def test_log_prob_gradient_equals_tensorflow(n_actions):
    from course_lib.keras_check import compare_policy_gradient

    policy = reinforce.SoftmaxPolicy(n_inputs=4, n_hidden=8, n_actions=n_actions, seed=3)
    for p in policy.params:                          # non-zero biases, so every term of the backward pass counts
        p += np.random.default_rng(1).normal(scale=0.3, size=p.shape)
    comparison = compare_policy_gradient(policy, *_batch(policy))
    assert comparison.within(TOLERANCE["float64"]), comparison


def test_log_prob_gradient_equals_finite_differences():
    policy = reinforce.SoftmaxPolicy(n_hidden=5, seed=1)
    states, actions, weights = _batch(policy, n=10)
    grads = policy.log_prob_gradient(states, actions, weights)
    W1 = policy.params[0]
    h = 1e-6
    for index in [(0, 0), (3, 4)]:
        old = W1[index]
        W1[index] = old + h
        plus = np.sum(weights * policy.log_probs(states, actions))
        W1[index] = old - h
        minus = np.sum(weights * policy.log_probs(states, actions))
        W1[index] = old
        assert abs((plus - minus) / (2 * h) - grads[0][index]) < 1e-7


def test_policy_probabilities_are_a_distribution_and_errors_are_clear():
    policy = reinforce.SoftmaxPolicy(seed=0)
    probs = policy.probabilities(np.random.default_rng(0).normal(size=(6, 4)) * 100)    # large inputs: no overflow
    assert np.all(np.isfinite(probs)) and np.allclose(probs.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="states"):
        policy.probabilities(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="actions"):
        policy.log_prob_gradient(np.zeros((2, 4)), np.array([0, 2]), np.ones(2))
    with pytest.raises(ValueError, match="weights"):
        policy.log_prob_gradient(np.zeros((2, 4)), np.array([0, 1]), np.ones(3))
    with pytest.raises(ValueError, match="n_hidden"):
        reinforce.SoftmaxPolicy(n_hidden=0)
    with pytest.raises(TypeError, match="rng"):
        reinforce.rollout(reinforce.make_cartpole(), policy, rng=0)


def test_loss_gradient_is_minus_weighted_log_prob_gradient_and_baseline_shifts_the_weights():
    policy = reinforce.SoftmaxPolicy(seed=0)
    episode = reinforce.rollout(reinforce.make_cartpole(), policy, np.random.default_rng(0), seed=0)
    b = np.linspace(5.0, 0.0, len(episode.rewards))
    loss, grads = reinforce.reinforce_loss_and_gradient(policy, episode, 0.9, b)
    advantages = reinforce.discounted_returns(episode.rewards, 0.9) - b
    assert loss == pytest.approx(-np.sum(advantages * policy.log_probs(episode.states, episode.actions)))
    expected = policy.log_prob_gradient(episode.states, episode.actions, advantages)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, -e)
    with pytest.raises(ValueError, match="baseline"):
        reinforce.reinforce_loss_and_gradient(policy, episode, 0.9, b[:-1])


def test_rollout_is_reproducible_and_random_policy_scores_about_22():
    env = reinforce.make_cartpole()
    a = reinforce.rollout(env, None, np.random.default_rng(5), seed=5)
    b = reinforce.rollout(env, None, np.random.default_rng(5), seed=5)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.actions, b.actions)
    assert 15 < reinforce.random_policy_returns(200, seed=0).mean() < 30      # known: about 22 on CartPole-v1


def test_step_mean_baseline():
    plain = reinforce.StepMeanBaseline(momentum=None)
    plain.update([3.0, 2.0, 1.0])
    plain.update([1.0])
    np.testing.assert_allclose(plain(4), [2.0, 2.0, 1.0, 0.0])
    ema = reinforce.StepMeanBaseline(momentum=0.5)
    ema.update([4.0, 2.0])
    ema.update([2.0])
    np.testing.assert_allclose(ema(2), [3.0, 2.0])                   # 0.5 * 4 + 0.5 * 2; first visit kept
    with pytest.raises(ValueError, match="momentum"):
        reinforce.StepMeanBaseline(momentum=1.0)


def test_gradient_variance_is_paired_unbiased_and_smaller_with_the_baseline():
    policy = reinforce.SoftmaxPolicy(seed=0)
    result = reinforce.gradient_variance(policy, n_episodes=200, seed=0, n_baseline_episodes=50)
    assert result["ratio"] > 1.2, result["ratio"]                       # measured: about 2 at the initial policy
    # Unbiased: the two mean gradients differ by much less than the gradient's size.
    gap = np.linalg.norm(result["mean_with"] - result["mean_without"])
    spread = np.sqrt(result["var_without"] / 200)                       # standard error of the mean (norm)
    assert gap < 3 * spread, (gap, spread)


def test_training_with_the_baseline_beats_the_random_policy():
    policy = reinforce.SoftmaxPolicy(seed=0)
    totals = reinforce.train(policy, Adam(learning_rate=0.01), 60, baseline=True, seed=0)
    assert totals.shape == (60,)
    assert totals[-20:].mean() > 2 * 22, totals[-20:].mean()
    again = reinforce.train(reinforce.SoftmaxPolicy(seed=0), Adam(learning_rate=0.01), 60, baseline=True, seed=0)
    np.testing.assert_array_equal(totals, again)                       # seeded: the same run twice
    with pytest.raises(TypeError, match="baseline"):
        reinforce.train(policy, Adam(), 1, baseline="yes")


def test_training_script_shortened(tmp_path):
    out = tmp_path / "r.json"
    subprocess.run([sys.executable, str(ROOT / "tools" / "train_reinforce.py"), "--quick", "--out", str(out)],
                   check=True, cwd=ROOT, timeout=60, capture_output=True)
    result = json.loads(out.read_text())
    settings = result["settings"]
    assert set(result["best_lr"]) == {"with_baseline", "without_baseline"}
    for arm, curves in result["eval_curves"].items():
        assert len(curves) == len(settings["eval_seeds"]) and all(len(c) == settings["episodes"] for c in curves)
    assert len(result["variance"]) == 2 * len(settings["eval_seeds"])


def test_stored_results_are_reproduced():
    """The committed file is what the script computes: re-run one stored evaluation curve exactly."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import train_reinforce
    finally:
        sys.path.pop(0)
    stored = json.loads(RESULTS.read_text())
    settings = stored["settings"]
    assert settings == train_reinforce.SETTINGS
    arm = "without_baseline"                                           # the cheaper arm (shorter episodes)
    seed = settings["eval_seeds"][0]
    curve = train_reinforce.run_arm(stored["best_lr"][arm], seed, False, settings)
    assert curve == stored["eval_curves"][arm][0]
