"""course_lib.optimizers equals keras.optimizers step by step, and refuses bad input clearly.

Protects: every optimizer (and its variants: momentum, Nesterov, centered, AMSGrad;
Adafactor, Muon and ScheduleFreeAdamW, whose Keras twin on TensorFlow is mended, see
keras_check.keras_twin) matches its Keras 3 twin for 100 steps on scalar-like, vector, matrix and 3-D
parameters, to 1e-6 in float32 (Ftrl: 5e-6, see keras_check.optimizer_tolerance)
and 1e-12 in float64, with default and with
seeded random hyperparameters, with each clipping option and weight decay, and
with a learning-rate schedule; the block-by-block fast path changes no bit; bad
arguments raise ValueError/TypeError naming the argument.

Most comparisons run Keras's step inside tf.function (as model.fit does, and 6x
faster); one parametrization runs it eagerly, the backend-agnostic path.
"""
import math
import threading
import time
import zlib

import keras
import numpy as np
import pytest

from course_lib import optimizers, schedules
from course_lib.keras_check import compare_optimizer, optimizer_tolerance
from course_lib.optimizers import _blocks

DTYPES = ["float32", "float64"]

#: (test id, optimizer name, fixed arguments): every optimizer and every variant.
VARIANTS = [
    ("sgd", "sgd", {}),
    ("sgd-momentum", "sgd", {"momentum": 0.9}),
    ("sgd-nesterov", "sgd", {"momentum": 0.9, "nesterov": True}),
    ("adagrad", "adagrad", {}),
    ("rmsprop", "rmsprop", {}),
    ("rmsprop-momentum", "rmsprop", {"momentum": 0.5}),
    ("rmsprop-centered", "rmsprop", {"centered": True, "momentum": 0.3}),
    ("adadelta", "adadelta", {}),
    ("adam", "adam", {}),
    ("adam-amsgrad", "adam", {"amsgrad": True}),
    ("adamw", "adamw", {}),
    ("adamax", "adamax", {}),
    ("nadam", "nadam", {}),
    ("lion", "lion", {}),
    ("lamb", "lamb", {}),
    ("ftrl", "ftrl", {}),
    ("adafactor", "adafactor", {}),
    ("muon", "muon", {}),
    ("muon-plain", "muon", {"nesterov": False, "rms_rate": None}),
    ("schedulefreeadamw", "schedulefreeadamw", {}),
]
NAMES = sorted(optimizers.ALL)


def random_hyperparameters(name, rng):
    """Seeded hyperparameters well away from the defaults (Keras's names)."""
    u = rng.uniform
    lr = {"learning_rate": float(u(1e-3, 0.05))}
    eps = {"epsilon": float(10 ** u(-8, -3))}
    betas = {"beta_1": float(u(0.5, 0.99)), "beta_2": float(u(0.9, 0.9999))}
    return {
        "sgd": {"learning_rate": float(u(1e-3, 0.1)), "momentum": float(u(0.0, 0.99))},
        "adagrad": {**lr, **eps, "learning_rate": float(u(0.01, 0.5)),
                    "initial_accumulator_value": float(u(0.01, 1.0))},
        "rmsprop": {**lr, **eps, "rho": float(u(0.5, 0.99)), "momentum": float(u(0.0, 0.9))},
        "adadelta": {**eps, "learning_rate": float(u(0.1, 2.0)), "rho": float(u(0.5, 0.99))},
        "adam": {**lr, **eps, **betas},
        "adamw": {**lr, **eps, **betas, "weight_decay": float(u(0.0, 0.1))},
        "adamax": {**lr, **eps, **betas},
        "nadam": {**lr, **eps, **betas},
        "lion": {"learning_rate": float(u(1e-4, 1e-2)), "beta_1": float(u(0.5, 0.99)),
                 "beta_2": float(u(0.9, 0.999))},
        "lamb": {**lr, **eps, **betas},
        "ftrl": {"learning_rate": float(u(0.01, 0.5)), "learning_rate_power": float(u(-0.9, -0.1)),
                 "initial_accumulator_value": float(u(0.05, 1.0)),
                 "l1_regularization_strength": float(u(0.0, 0.05)),
                 "l2_regularization_strength": float(u(0.0, 0.05)),
                 "l2_shrinkage_regularization_strength": float(u(0.0, 0.05)),
                 "beta": float(u(0.0, 1.0))},
        "adafactor": {"learning_rate": float(u(1e-3, 0.05)), "beta_2_decay": float(u(-1.0, -0.3)),
                      "epsilon_2": float(10 ** u(-4, -2)), "clip_threshold": float(u(0.5, 2.0))},
        "muon": {"learning_rate": float(u(1e-3, 0.01)), "adam_beta_1": betas["beta_1"],
                 "adam_beta_2": betas["beta_2"], **eps, "momentum": float(u(0.5, 0.99)),
                 "adam_lr_ratio": float(u(0.1, 1.0)), "adam_weight_decay": float(u(0.0, 0.1)),
                 "weight_decay": float(u(0.0, 0.1)), "rms_rate": float(u(0.1, 0.3))},
        "schedulefreeadamw": {**lr, **eps, **betas, "warmup_steps": int(rng.integers(0, 20))},
    }[name]


def runnable_by_keras(name, kwargs, dtype):
    """``kwargs`` with what Keras's TensorFlow backend cannot run removed: Keras's Muon
    multiplies a float64 update by a float32 sqrt(max(n, m)) and raises TypeError
    unless rms_rate is None (ours runs; pinned in test_optimizer_options.py)."""
    if name == "muon" and dtype == "float64":
        return {**kwargs, "rms_rate": None}
    return kwargs


def compiled_ok(name, dtype):
    """Compare inside tf.function except ScheduleFreeAdamW in float32: TensorFlow's graph
    rewrites change its last bits there (measured: 2.2e-6 compiled, 0 eager, 100 steps)."""
    return not (name == "schedulefreeadamw" and dtype == "float32")


def random_option(option, rng):
    """A common option at a value where it acts on most steps (gradient norms here are ~1-5)."""
    low, high = {"clipnorm": (0.2, 2.0), "clipvalue": (0.1, 1.0),
                 "global_clipnorm": (0.5, 3.0), "weight_decay": (0.001, 0.2)}[option]
    return {option: float(rng.uniform(low, high))}


def _seed(*parts):
    """A stable seed per test case (hash() of a str changes between runs)."""
    return zlib.crc32("/".join(map(str, parts)).encode())


def _check(comparison, dtype):
    assert len(comparison.rows) >= 100
    assert comparison.within(optimizer_tolerance(comparison.name, dtype)), str(comparison)


@pytest.mark.parametrize("hyper", ["default", "random"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("variant", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_matches_keras(variant, dtype, hyper):
    vid, name, fixed = variant
    rng = np.random.default_rng(_seed(vid, dtype))
    kwargs = {**(random_hyperparameters(name, rng) if hyper == "random" else {}), **fixed}
    ours = optimizers.get(name, **runnable_by_keras(name, kwargs, dtype))
    _check(compare_optimizer(ours, dtype=dtype, seed=_seed(vid), compiled=compiled_ok(name, dtype)),
           dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("option", ["clipnorm", "clipvalue", "global_clipnorm", "weight_decay"])
@pytest.mark.parametrize("name", NAMES)
def test_common_options_match_keras(name, option, dtype):
    """Clipping (Keras's formulas and order) and decoupled weight decay, on random hyperparameters."""
    rng = np.random.default_rng(_seed(name, option, dtype))
    kwargs = runnable_by_keras(name, {**random_hyperparameters(name, rng),
                                      **random_option(option, rng)}, dtype)
    _check(compare_optimizer(optimizers.get(name, **kwargs), dtype=dtype, seed=_seed(name),
                             compiled=compiled_ok(name, dtype)), dtype)


@pytest.mark.parametrize("name", NAMES)
def test_matches_keras_eager(name):
    """The backend-agnostic path (Keras eager, as on KERAS_BACKEND=jax), random hyperparameters.

    float64 only, the strict case, to keep the file fast: eager Keras is 6x slower.
    """
    dtype = "float64"
    rng = np.random.default_rng(_seed("eager", name, dtype))
    ours = optimizers.get(name, **runnable_by_keras(name, random_hyperparameters(name, rng), dtype))
    _check(compare_optimizer(ours, dtype=dtype, seed=3), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_python_schedule_matches_keras(dtype):
    """A plain callable lr(step) (staircase decay), wrapped for Keras, with weight decay using it too."""
    def lr(step):
        return 0.05 * 0.7 ** (step // 10)

    ours = optimizers.Adam(learning_rate=lr, weight_decay=0.05)
    _check(compare_optimizer(ours, dtype=dtype), dtype)
    assert ours.current_learning_rate == float(np.float32(lr(100)))


def test_exponential_decay_matches_keras_schedule():
    """Our ExponentialDecay in our SGD vs Keras's ExponentialDecay in Keras's SGD.

    float32 only: Keras computes its schedule in float32 and ours in float64, so the
    learning rates can differ in the last float32 bit, which float64 parameters would show.
    """
    ours = optimizers.SGD(schedules.ExponentialDecay(0.1, decay_steps=20, decay_rate=0.5),
                          momentum=0.9)
    theirs = keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(
        0.1, decay_steps=20, decay_rate=0.5), momentum=0.9)
    _check(compare_optimizer(ours, theirs, dtype="float32"), "float32")


def test_a_textbook_adam_is_caught():
    """The check can fail: textbook bias correction (eps added to sqrt(v_hat)) is not Keras's Adam."""
    class TextbookAdam(optimizers.Adam):
        def update_step(self, grad, param, lr, momentum, velocity):
            t = self.iterations + 1
            momentum[...] = self.beta_1 * momentum + (1 - self.beta_1) * grad
            velocity[...] = self.beta_2 * velocity + (1 - self.beta_2) * grad ** 2
            m_hat = momentum / (1 - self.beta_1 ** t)
            v_hat = velocity / (1 - self.beta_2 ** t)
            param -= lr * m_hat / (np.sqrt(v_hat) + self.epsilon)

    from course_lib.keras_check import keras_twin

    ours = TextbookAdam(epsilon=1e-3)
    comparison = compare_optimizer(ours, keras_twin(optimizers.Adam(epsilon=1e-3)), compiled=True)
    assert not comparison.within(1e-6)


# ----------------------------------------------------------------- numpy-only behaviour
@pytest.mark.parametrize("name", [n for n in NAMES if optimizers.ALL[n].elementwise])
def test_block_by_block_is_bit_identical(name, monkeypatch):
    """Applying update_step in cache-sized blocks gives exactly the whole-array result."""
    rng = np.random.default_rng(1)
    p0 = rng.normal(size=(37, 29)).astype(np.float32)
    grads = [rng.normal(size=p0.shape).astype(np.float32) for _ in range(5)]

    def run(block):
        monkeypatch.setattr(_blocks, "BLOCK_BYTES", block)
        opt, p = optimizers.get(name, weight_decay=0.01), p0.copy()
        for g in grads:
            opt.apply([g], [p])
        return p

    blocked, whole = run(256), run(1 << 22)
    assert not np.array_equal(blocked, p0)
    np.testing.assert_array_equal(blocked, whole)


def _run_with(monkeypatch, name, params0, steps, block_bytes, threads, min_size):
    """Final params after ``steps`` with the base class's machinery set so; and the threads
    update_step ran in."""
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(_blocks, "THREADS", threads)
    monkeypatch.setattr(_blocks, "PARALLEL_MIN_SIZE", min_size)
    monkeypatch.setattr(_blocks, "AUTO_THREADS", False)   # every step on `threads` threads
    opt, params, seen = optimizers.get(name, weight_decay=0.01), [p.copy() for p in params0], set()
    rule = opt.update_step

    def spy(*args, **kwargs):
        seen.add(threading.get_ident())
        if threads > 1 and len(seen) < 2:
            time.sleep(1e-4)    # let a worker start before the caller has taken every block
        return rule(*args, **kwargs)

    opt.update_step = spy
    for grads in steps:
        opt.apply(grads, params)
    return params, seen


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_fast_path_equals_plain_whole_array_path(name, dtype, monkeypatch):
    """Tiny blocks shared among threads give exactly the bits of update_step applied to
    whole arrays in one thread, for every optimizer (Lamb's whole arrays are shared too)."""
    rng = np.random.default_rng(_seed("fast-path", name, dtype))
    params0 = [rng.normal(size=s).astype(dtype) for s in [(), (7,), (37, 29), (3, 5, 11)]]
    params0.append(np.asfortranarray(rng.normal(size=(6, 9)).astype(dtype)))  # whole, not flat
    steps = [[rng.normal(size=p.shape).astype(dtype) for p in params0] for _ in range(4)]

    plain, plain_threads = _run_with(monkeypatch, name, params0, steps, 1 << 40, 1, math.inf)
    fast, fast_threads = _run_with(monkeypatch, name, params0, steps, 64, 3, 0)
    assert len(plain_threads) == 1 and len(fast_threads) > 1   # the fast path really ran
    for p0, whole, blocked in zip(params0, plain, fast):
        assert not np.array_equal(whole, p0)
        np.testing.assert_array_equal(blocked, whole)


def test_shared_nan_check_refuses_before_any_change(monkeypatch):
    """With the NaN check split among threads, a NaN in the last part is still found first."""
    monkeypatch.setattr(_blocks, "THREADS", 3)
    monkeypatch.setattr(_blocks, "PARALLEL_MIN_SIZE", 0)
    monkeypatch.setattr(_blocks, "AUTO_THREADS", False)
    params = [np.ones(5), np.ones((10, 3))]
    grads = [np.ones(5), np.ones((10, 3))]
    grads[1][-1, -1] = np.nan
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match=r"grads\[1\] contains NaN or inf"):
        opt.apply(grads, params)
    assert all((p == 1).all() for p in params) and opt.iterations == 0


def test_numpy_error_settings_reach_the_worker_threads(monkeypatch):
    """np.errstate around a shared step applies in the worker threads too."""
    monkeypatch.setattr(_blocks, "THREADS", 2)
    monkeypatch.setattr(_blocks, "PARALLEL_MIN_SIZE", 0)
    both_running = threading.Barrier(2, timeout=10)

    def overflow():
        both_running.wait()             # so the two calls run in two threads
        try:
            np.float32(3e38) * np.float32(10)
        except FloatingPointError:
            return "raised"
        return "silent"

    with np.errstate(over="raise"):
        assert _blocks.run_shared(overflow, [(), ()], [1, 1]) == ["raised", "raised"]
    with np.errstate(over="ignore"):
        assert _blocks.run_shared(overflow, [(), ()], [1, 1]) == ["silent", "silent"]


#: The variants that have slots (plain SGD has none), each slot-creating option included.
SLOTTED = [v for v in VARIANTS if optimizers.get(v[1], **v[2]).slot_names]


@pytest.mark.parametrize("blocked", [False, True], ids=["whole", "blocks"])
@pytest.mark.parametrize("variant", SLOTTED, ids=[v[0] for v in SLOTTED])
def test_slots_are_updated_in_place(variant, blocked, monkeypatch):
    """update_step writes into its slot arrays (``m += t``), never rebinds a name to a
    new array (``m = beta * m + ...`` would leave the slot unchanged): after every step
    the slots are the very arrays ``build`` made, and they hold Keras's slot values."""
    vid, name, fixed = variant
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 64 if blocked else 1 << 22)
    rng = np.random.default_rng(_seed("slots", vid))
    p = rng.normal(size=(5, 11))             # 55 float64: 7 blocks of 8 when blocked
    ours = optimizers.get(name, **fixed)
    from course_lib.keras_check import keras_twin

    theirs, var = keras_twin(ours), keras.Variable(p.copy(), name="w")
    ours.build([p])
    theirs.build([var])
    built = dict(ours.slots[0])
    assert sorted(built) == sorted(ours.slot_names)
    for _ in range(3):
        g = rng.normal(size=p.shape)
        ours.apply([g], [p])
        theirs.apply([keras.ops.convert_to_tensor(g)], [var])
        keras_slots = {v.name: np.asarray(v.numpy()) for v in theirs.variables}
        for slot, array in ours.slots[0].items():
            assert array is built[slot], f"{vid}: slot {slot!r} was replaced"
            np.testing.assert_allclose(array, keras_slots[f"w_{slot}"], rtol=0,
                                       atol=optimizer_tolerance(name, "float64"),
                                       err_msg=f"{vid}: slot {slot!r}")
        np.testing.assert_allclose(p, var.numpy(), rtol=0, atol=optimizer_tolerance(name, "float64"))


def test_scratch_arrays_are_reused_per_thread(monkeypatch):
    """A block's temporaries are views of the thread's buffers (no allocation); a whole
    array bigger than a block, or not C-ordered, gets fresh arrays of its own layout."""
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 1024)
    block = np.zeros(256, np.float32)
    t, u = _blocks.scratch(block, 2)
    t2, = _blocks.scratch(block[:10], 1)
    assert t.shape == u.shape == block.shape and t.dtype == np.float32
    assert not np.shares_memory(t, u) and np.shares_memory(t, t2)   # reused, distinct
    other = []
    thread = threading.Thread(target=lambda: other.extend(_blocks.scratch(block, 1)))
    thread.start()
    thread.join()
    assert not np.shares_memory(t, other[0])                         # one set per thread
    big, fortran = np.zeros(257, np.float32), np.asfortranarray(np.zeros((4, 6)))
    assert not np.shares_memory(_blocks.scratch(big, 1)[0], t)
    assert _blocks.scratch(fortran, 1)[0].flags.f_contiguous
    assert _blocks.scratch(np.float64(1.0) * np.ones(()), 1)[0].shape == ()


def test_thread_choice_follows_the_timings():
    """The faster thread count is used; the other is re-measured every probe_every calls,
    so a change of load (the cores get busy) changes the choice."""
    choice, key = _blocks.ThreadChoice(probe_every=4), "work"

    def calls(n, cost):
        picks = []
        for _ in range(n):
            picks.append(choice.pick(key, 2))
            choice.record(key, picks[-1], cost[picks[-1]])
        return picks

    assert calls(2, {2: 1.0, 1: 3.0}) == [2, 1]              # each measured once first
    assert calls(8, {2: 1.0, 1: 3.0}) == [2, 1, 2, 2, 2, 1, 2, 2]   # two threads, probing one
    # The other core gets busy: two threads now cost 10.  Their running average passes
    # one thread's 3 after two calls; from then on one thread, probing two every 4th call.
    assert calls(12, {2: 10.0, 1: 3.0}) == [2, 2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1]
    assert choice.costs(key)[2] > choice.costs(key)[1] == 3.0


def test_thread_choice_does_not_count_first_timings():
    """A first call pays one-off costs (starting threads, first touch of scratch arrays):
    with skip_first=1 its timing is not counted, so a slow first call of two threads
    does not send every later call to one thread."""
    choice, key = _blocks.ThreadChoice(skip_first=1), "work"
    picks = []
    for cost in [{2: 50.0, 1: 3.0}] + [{2: 1.0, 1: 3.0}] * 5:     # the first call is slow
        picks.append(choice.pick(key, 2))
        choice.record(key, picks[-1], cost[picks[-1]])
    assert picks == [2, 2, 1, 1, 2, 2]      # 2 (not counted), 2, 1 (not counted), 1, then the faster
    assert choice.costs(key) == {2: 1.0, 1: 3.0}


def test_threads_must_win_by_the_margin():
    """Two threads 5% faster on average are not worth their variance: one thread is used."""
    choice = _blocks.ThreadChoice(margin=0.1)
    for key, two_threads in [("close", 0.95), ("clear", 0.85)]:
        choice.record(key, 2, two_threads)
        choice.record(key, 1, 1.0)
    assert choice.pick("close", 2) == 1 and choice.pick("clear", 2) == 2


@pytest.mark.parametrize("faster", [1, 2])
def test_run_shared_uses_the_faster_thread_count(faster, monkeypatch):
    """With timings that favour one thread, a shared call runs in the caller alone;
    with timings that favour two, in two threads."""
    monkeypatch.setattr(_blocks, "THREADS", 2)
    monkeypatch.setattr(_blocks, "PARALLEL_MIN_SIZE", 0)
    monkeypatch.setattr(_blocks, "AUTO_THREADS", True)
    choice = _blocks.ThreadChoice(probe_every=1000)
    key = ("work", (1 + 1).bit_length())      # run_shared keys on the total size too
    choice.record(key, faster, 1.0)
    choice.record(key, 3 - faster, 5.0)
    monkeypatch.setattr(_blocks, "thread_choice", choice)
    barrier = threading.Barrier(faster, timeout=10)   # two threads must meet
    seen = set()

    def work():
        seen.add(threading.get_ident())
        barrier.wait()

    _blocks.run_shared(work, [(), ()], [1, 1], key="work")
    assert len(seen) == faster


def test_apply_updates_in_place_and_leaves_grads_alone():
    p = np.array([1.0, -2.0, 3.0])
    g = np.array([10.0, 0.0, -10.0])
    opt = optimizers.SGD(learning_rate=0.1, clipnorm=1.0)
    same = p
    opt.apply([g], [p])
    assert same is p and opt.iterations == 1
    np.testing.assert_allclose(p, [1.0 - 0.1 / math.sqrt(2), -2.0, 3.0 + 0.1 / math.sqrt(2)])
    np.testing.assert_array_equal(g, [10.0, 0.0, -10.0])


def test_learning_rate_is_settable_and_float32_like_keras():
    opt = optimizers.Adam(learning_rate=0.1)
    assert opt.learning_rate == float(np.float32(0.1)) != 0.1
    opt.learning_rate = 0.01
    assert opt.current_learning_rate == float(np.float32(0.01))
    opt.learning_rate = lambda step: 0.5 / (1 + step)
    opt.iterations = 4
    assert opt.current_learning_rate == float(np.float32(0.1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_nadam_build_from_a_generator_keeps_the_dtype(dtype):
    """Nadam.build reads params[0].dtype after the base build: a generator must not be used up first."""
    params = [np.ones(3, dtype=dtype), np.ones((2, 2), dtype=dtype)]
    opt = optimizers.Nadam()
    opt.build(p for p in params)
    assert type(opt._u_product) is np.dtype(dtype).type
    assert [s["momentum"].dtype for s in opt.slots] == [np.dtype(dtype)] * 2


def test_get_and_config():
    opt = optimizers.get("AdaM", learning_rate=0.5, amsgrad=True)
    assert isinstance(opt, optimizers.Adam) and opt.amsgrad
    assert optimizers.get(opt) is opt
    clone = type(opt)(**opt.get_config())
    assert clone.get_config() == opt.get_config()
    assert set(optimizers.ALL) == {"sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw",
                                   "adamax", "nadam", "lion", "lamb", "ftrl", "adafactor",
                                   "muon", "schedulefreeadamw"}
    for name, cls in optimizers.ALL.items():    # every optimizer round-trips its config
        opt = cls(**cls().get_config())
        assert opt.get_config() == cls().get_config(), name


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_gradient_is_refused_before_any_change(bad):
    """Documented behaviour: ValueError naming the gradient; params, state, iterations untouched."""
    p = [np.ones(3), np.ones((2, 2))]
    opt = optimizers.Adam()
    opt.apply([np.ones(3), np.ones((2, 2))], p)
    before = [x.copy() for x in p]
    g = np.ones((2, 2))
    g[1, 0] = bad
    with pytest.raises(ValueError, match=r"grads\[1\].*NaN or inf"):
        opt.apply([np.ones(3), g], p)
    assert opt.iterations == 1
    for x, y in zip(p, before):
        np.testing.assert_array_equal(x, y)


def test_huge_finite_gradients_are_not_mistaken_for_inf():
    """The fast NaN test (the dot product g . g) overflows here; the exact test must let it through."""
    p = np.zeros(4, dtype=np.float32)
    optimizers.SGD(learning_rate=1e-38).apply([np.full(4, 3e38, dtype=np.float32)], [p])
    assert np.all(np.isfinite(p)) and np.all(p < 0)


def test_count_and_shape_mismatches():
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="same length"):
        opt.apply([np.ones(2)], [np.ones(2), np.ones(3)])
    with pytest.raises(ValueError, match=r"grads\[1\] has shape \(2,\) but params\[1\] has shape \(3,\)"):
        opt.apply([np.ones(2), np.ones(2)], [np.ones(2), np.ones(3)])
    with pytest.raises(ValueError, match="built for 2 parameters"):
        opt.apply([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"params\[0\] has shape \(4,\).*built with shape \(2,\)"):
        opt.apply([np.ones(4), np.ones(3)], [np.ones(4), np.ones(3)])


def test_non_float_arrays():
    with pytest.raises(TypeError, match=r"params\[0\] must be a float array.*int64"):
        optimizers.SGD().apply([np.ones(2)], [np.array([1, 2])])
    with pytest.raises(TypeError, match=r"grads\[0\] must be a float array.*bool"):
        optimizers.SGD().apply([np.array([True, False])], [np.ones(2)])
    with pytest.raises(TypeError, match=r"params\[0\] must be a numpy array.*list"):
        optimizers.SGD().apply([np.ones(2)], [[1.0, 2.0]])
    frozen = np.ones(2)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[0\] is read-only"):
        optimizers.SGD().apply([np.ones(2)], [frozen])


@pytest.mark.parametrize("lr", [0.0, -0.1, math.nan, math.inf])
def test_bad_learning_rate(lr):
    with pytest.raises(ValueError, match="`learning_rate` must be a finite float > 0"):
        optimizers.Adam(learning_rate=lr)


def test_learning_rate_of_wrong_type():
    with pytest.raises(TypeError, match="`learning_rate` must be a float"):
        optimizers.Adam(learning_rate="0.1")


def test_schedule_returning_nan():
    opt = optimizers.SGD(learning_rate=lambda step: math.nan)
    with pytest.raises(ValueError, match="schedule returned nan at step 0"):
        opt.apply([np.ones(1)], [np.ones(1)])


@pytest.mark.parametrize("name, arg", [
    ("adam", "beta_1"), ("adam", "beta_2"), ("nadam", "beta_1"), ("adamax", "beta_2"),
    ("lamb", "beta_1"), ("lion", "beta_2"), ("rmsprop", "rho"), ("adadelta", "rho"),
    ("rmsprop", "momentum"), ("sgd", "momentum")])
@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5, math.nan])
def test_fractions_outside_unit_interval(name, arg, value):
    with pytest.raises(ValueError, match=rf"`{arg}` must be a float in \[0, 1\)"):
        optimizers.get(name, **{arg: value})


def test_lion_beta_1_must_be_positive():
    with pytest.raises(ValueError, match=r"`beta_1` must be a float in \(0, 1\)"):
        optimizers.Lion(beta_1=0.0)


@pytest.mark.parametrize("name", ["adam", "adamw", "adamax", "nadam", "lamb", "rmsprop",
                                  "adagrad", "adadelta"])
def test_negative_epsilon(name):
    with pytest.raises(ValueError, match="`epsilon` must be a finite float >= 0"):
        optimizers.get(name, epsilon=-1e-7)


@pytest.mark.parametrize("kwargs, message", [
    ({"clipnorm": 1.0, "clipvalue": 1.0}, "Only one of `clipnorm`"),
    ({"clipnorm": -1.0}, "`clipnorm` must be None or a finite float > 0"),
    ({"global_clipnorm": math.nan}, "`global_clipnorm` must be None or a finite float > 0"),
    ({"weight_decay": -0.1}, "`weight_decay` must be a finite float >= 0"),
    ({"momentum": "0.9"}, "`momentum` must be a float"),
])
def test_bad_common_options(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        optimizers.SGD(**kwargs)


@pytest.mark.parametrize("kwargs, arg", [
    ({"learning_rate_power": 0.5}, "learning_rate_power"),
    ({"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
    ({"l1_regularization_strength": -1.0}, "l1_regularization_strength"),
    ({"beta": -1.0}, "beta"),
])
def test_bad_ftrl_arguments(kwargs, arg):
    with pytest.raises(ValueError, match=f"`{arg}` must be"):
        optimizers.Ftrl(**kwargs)


def test_adamw_needs_weight_decay():
    with pytest.raises(ValueError, match="`weight_decay` must be a float for AdamW"):
        optimizers.AdamW(weight_decay=None)


def test_unknown_names():
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adamm'; expected one of \['adadelta'"):
        optimizers.get("adamm")
    with pytest.raises(TypeError, match="`identifier` must be an optimizer name"):
        optimizers.get(3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'betta_1'"):
        optimizers.get("adam", betta_1=0.9)
