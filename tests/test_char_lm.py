"""course_lib.char_lm and course_lib.char_transformer: the vocabulary round-trips, batches are the next characters,
perplexity is exp(Keras's sparse categorical cross-entropy) (1e-5 relative, float32 logits), the numpy causal
attention is keras.layers.MultiHeadAttention(use_causal_mask=True) with the same weights (1e-5), the warm-up +
cosine schedule is course_lib.schedules.CosineDecay (1e-7), the model is causal, training lowers the validation
perplexity, sampling is seeded; tools/train_char_lm.py still runs (shortened) and the stored results agree with
the stored weights; bad input is refused by name."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from course_lib import char_lm
from course_lib import schedules
from notebook_files import ROOT

TEXT = char_lm.load_shakespeare()
VOCAB = char_lm.Vocabulary(TEXT)


@pytest.fixture(scope="module")
def keras():
    from course_lib.tf_quiet import quiet_tensorflow

    with quiet_tensorflow():
        import keras
    return keras


def test_the_text_ships_with_the_package():
    assert len(TEXT) == 1_115_394 and TEXT.startswith("First Citizen:") and VOCAB.size == 65


def test_vocabulary_round_trips_and_refuses_unknown_characters():
    ids = VOCAB.encode("To be, or not to be")
    assert ids.dtype == np.int32 and VOCAB.decode(ids) == "To be, or not to be"
    assert VOCAB.encode("\n").tolist() == [0]                      # sorted: the newline comes first
    with pytest.raises(ValueError, match="not in the vocabulary"):
        VOCAB.encode("café")
    with pytest.raises(ValueError, match="ids"):
        VOCAB.decode([0, 65])
    with pytest.raises(ValueError, match="text"):
        char_lm.Vocabulary("")


def test_split_keeps_the_later_text_for_validation():
    ids = np.arange(100)
    train, val = char_lm.split_text(ids, 0.1)
    assert train.tolist() == list(range(90)) and val.tolist() == list(range(90, 100))
    with pytest.raises(ValueError, match="val_fraction"):
        char_lm.split_text(ids, 1.5)


def test_batches_are_seeded_windows_and_their_next_characters():
    ids = VOCAB.encode(TEXT[:5000])
    x, y = char_lm.next_char_batches(ids, 8, 16, seed=3, n_batches=2)
    assert x.shape == y.shape == (16, 16)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])             # y is x shifted by one character
    for row_x, row_y in zip(x, y):                                 # every window is a piece of the text
        s = int(np.flatnonzero([np.array_equal(ids[i:i + 16], row_x) for i in range(len(ids) - 16)])[0])
        np.testing.assert_array_equal(ids[s + 1:s + 17], row_y)
    x2, _ = char_lm.next_char_batches(ids, 8, 16, seed=3, n_batches=2)
    np.testing.assert_array_equal(x, x2)
    assert not np.array_equal(x, char_lm.next_char_batches(ids, 8, 16, seed=4, n_batches=2)[0])
    with pytest.raises(ValueError, match="context"):
        char_lm.next_char_batches(ids[:10], 2, 16, seed=0)
    with pytest.raises(ValueError, match="batch_size"):
        char_lm.next_char_batches(ids, 0, 16, seed=0)


def test_perplexity_is_exp_of_keras_cross_entropy(keras):
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3, size=(4, 10, 65)).astype("float32")
    targets = rng.integers(0, 65, size=(4, 10))
    ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(targets, logits)
    expected = math.exp(float(keras.ops.convert_to_numpy(ce)))
    assert char_lm.perplexity(logits, targets) == pytest.approx(expected, rel=1e-5)
    assert char_lm.perplexity(np.zeros((3, 65)), [0, 5, 64]) == pytest.approx(65.0)   # uniform: V
    assert char_lm.uniform_perplexity(65) == 65.0
    with pytest.raises(ValueError, match="targets"):
        char_lm.perplexity(logits, targets[:, :5])
    with pytest.raises(ValueError, match="targets"):
        char_lm.perplexity(logits, targets + 65)


def test_count_models_are_smoothed_frequencies():
    ids = np.array([0, 1, 1, 2, 1, 0])
    uni = char_lm.CountModel(3, order=1, k=1.0).fit(ids)
    np.testing.assert_allclose(np.exp(uni.log_probs_[0]), np.array([3, 4, 2]) / 9)      # (count + 1) / (6 + 3)
    bi = char_lm.CountModel(3, order=2, k=1.0).fit(ids)
    np.testing.assert_allclose(np.exp(bi.log_probs_[1]), np.array([2, 2, 2]) / 6)        # after 1: 0, 1, 2 once each
    assert char_lm.perplexity(bi.logits(ids[:-1]), ids[1:]) == pytest.approx(
        np.exp(-np.mean(np.log([2 / 4, 2 / 6, 2 / 6, 2 / 4, 2 / 6]))))     # p(1|0), p(1|1), p(2|1), p(1|2), p(0|1)
    assert uni.logits(np.array([[0, 2]])).shape == (1, 2, 3)
    train, val = char_lm.split_text(VOCAB.encode(TEXT), 0.1)
    ppl = {order: char_lm.perplexity(char_lm.CountModel(VOCAB.size, order).fit(train).logits(val[:-1]), val[1:])
           for order in (1, 2)}
    assert 10 < ppl[2] < ppl[1] < 40 < VOCAB.size
    with pytest.raises(ValueError, match="order"):
        char_lm.CountModel(3, order=3)
    with pytest.raises(RuntimeError, match="before fit"):
        char_lm.CountModel(3).logits(ids)


def test_sampling_follows_softmax_of_logits_over_temperature():
    logits = np.log(np.array([[0.5, 0.3, 0.2]] * 20_000))
    draws = char_lm.sample_from_logits(logits, 1.0, np.random.default_rng(0))
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 20_000, [0.5, 0.3, 0.2], atol=0.015)
    cold = char_lm.sample_from_logits(logits, 0.05, np.random.default_rng(0))
    assert np.mean(cold == 0) > 0.99                               # temperature -> 0: the most likely one
    with pytest.raises(ValueError, match="temperature"):
        char_lm.sample_from_logits(logits, 0.0, np.random.default_rng(0))


def test_numpy_causal_attention_is_keras_multi_head_attention(keras):
    keras.utils.set_random_seed(1)
    layer = keras.layers.MultiHeadAttention(num_heads=4, key_dim=8)
    x = np.random.default_rng(1).normal(size=(2, 7, 32)).astype("float32")
    theirs = keras.ops.convert_to_numpy(layer(x, x, use_causal_mask=True))
    ours = char_lm.causal_attention(x, layer.get_weights(), num_heads=4)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    without_mask = keras.ops.convert_to_numpy(layer(x, x))
    assert np.abs(ours - without_mask).max() > 1e-2                # the mask matters: the check can fail
    with pytest.raises(ValueError, match="num_heads"):
        char_lm.causal_attention(x, layer.get_weights(), num_heads=2)


def test_warmup_cosine_is_course_lib_cosine_decay(keras):
    from course_lib import char_transformer as ct

    theirs = ct.warmup_cosine(0.01, steps=100, warmup_steps=10)
    ours = schedules.CosineDecay(0.0, 90, warmup_target=0.01, warmup_steps=10)
    for step in range(0, 120, 3):
        assert float(keras.ops.convert_to_numpy(theirs(step))) == pytest.approx(ours(step), abs=1e-7)
    assert ours(10) == pytest.approx(0.01) and ours(0) == 0.0 and ours(100) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="warmup_steps"):
        ct.warmup_cosine(0.01, steps=10, warmup_steps=10)
    with pytest.raises(ValueError, match="name"):
        ct.make_optimizer("adam", 0.01, 100, 10)


def test_the_transformer_is_causal_and_trains(keras):
    from course_lib import char_transformer as ct

    model = ct.build_transformer(VOCAB.size, 16, d_model=32, num_heads=2, num_blocks=1, seed=0)
    x = VOCAB.encode(TEXT[:16])[None]
    changed = x.copy()
    changed[0, 10] = (changed[0, 10] + 1) % VOCAB.size
    a, b = (keras.ops.convert_to_numpy(model(v)) for v in (x, changed))
    assert a.shape == (1, 16, VOCAB.size)
    np.testing.assert_allclose(a[0, :10], b[0, :10], atol=1e-6)    # the past does not see position 10
    assert np.abs(a[0, 10:] - b[0, 10:]).max() > 1e-4
    train, val = char_lm.split_text(VOCAB.encode(TEXT[:200_000]), 0.1)
    vx, vy = char_lm.next_char_batches(val, 16, 16, seed=0)
    curve = ct.train(model, ct.make_optimizer("adamw", 3e-3, 60, 6), train, vx, vy, steps=60, eval_every=30)
    assert curve["step"] == [0, 30, 60] and curve["val_perplexity"][-1] < 0.5 * curve["val_perplexity"][0]
    text = ct.generate(model, VOCAB, "ROMEO:", 20, context=16, seed=5)
    assert text.startswith("ROMEO:") and len(text) == 26
    assert text == ct.generate(model, VOCAB, "ROMEO:", 20, context=16, seed=5)
    with pytest.raises(ValueError, match="eval_every"):
        ct.train(model, ct.make_optimizer("sgd", 0.1, 60, 6), train, vx, vy, steps=50, eval_every=30)
    with pytest.raises(ValueError, match="d_model"):
        ct.build_transformer(VOCAB.size, 16, d_model=30, num_heads=4)


def test_the_training_script_runs_shortened(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "train_char_lm.py"), "--quick", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "char_lm_results.json").read_text())
    assert [(r["optimizer"], r["lr"], r["seed"]) for r in results["runs"]] == [
        ("adamw", 1e-3, 0), ("adamw", 1e-2, 0), ("adamw", results["best_lr"]["adamw"], 1),
        ("sgd", 0.1, 0), ("sgd", 1.0, 0), ("sgd", results["best_lr"]["sgd"], 1)]
    for r in results["runs"]:
        assert r["step"] in ([0, 10, 20], [0, 10]) and r["val_perplexity"][0] > 50   # near uniform (V = 65); [0, 10]: diverged
    assert all(r["step"] == [0, 10, 20] for r in results["runs"] if r["optimizer"] == "adamw")
    adamw = [r for r in results["runs"] if r["optimizer"] == "adamw"]
    assert min(r["val_perplexity"][-1] for r in adamw) < 0.8 * adamw[0]["val_perplexity"][0]
    assert (tmp_path / "char_lm_weights.npz").stat().st_size < 1_000_000


def test_the_stored_results_match_the_stored_weights(keras):
    """The committed results come from the full protocol and from this code: the stored model scores what they
    say, and every run's first point is what a freshly built model of its seed scores."""
    from course_lib import char_transformer as ct

    results = ct.stored_results()
    config = results["config"]
    for arm in config["arms"]:
        grid = config["grids"][arm]
        assert len(grid) == len(config["grids"]["adamw"]) and grid[-1] / grid[0] >= 100
        assert sorted({r["seed"] for r in results["runs"] if r["optimizer"] == arm}) == config["seeds"]
    assert len(config["seeds"]) >= 3 and results["vocabulary"] == "".join(VOCAB.chars)
    model = ct.stored_model(results)
    _, val = char_lm.split_text(VOCAB.encode(TEXT), results["val_fraction"])
    vx, vy = char_lm.next_char_batches(val, config["val_windows"], config["context"], seed=results["val_seed"])
    best = min(r["val_perplexity"][-1] for r in results["runs"] if r["seed"] == config["seeds"][0])
    assert ct.validation_perplexity(model, vx, vy) == pytest.approx(best, rel=1e-4)
    for seed in config["seeds"]:      # every run starts from this code's untrained model of its seed
        fresh = ct.build_transformer(VOCAB.size, config["context"], config["d_model"], config["num_heads"],
                                     config["num_blocks"], seed=seed)
        for run in (r for r in results["runs"] if r["seed"] == seed):
            assert ct.validation_perplexity(fresh, vx, vy) == pytest.approx(run["val_perplexity"][0], rel=1e-5)
