"""A small decoder-only Transformer for characters, built with Keras; its training loop and seeded sampling.

The model (Vaswani et al., 2017, in the pre-LayerNorm arrangement of GPT-2), for a window of T characters:

    h_0 = E[c_t] + P[t]                                   token + position embeddings (d = d_model)
    h   = h + MultiHeadAttention(LN(h), use_causal_mask)  position t attends to positions <= t only
    h   = h + W_2 gelu(W_1 LN(h))                         a position-wise feed-forward layer (4d hidden)
    logits_t = W_out LN(h)_t                              one score per character of the vocabulary

repeated ``num_blocks`` times for the middle two lines.  It is trained with the mean cross-entropy of the next
character, ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``, whose exponential is the
perplexity (:func:`course_lib.char_lm.perplexity`).

Keras is imported inside the functions, so ``import course_lib`` stays free of TensorFlow.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ._checks import check_choice, check_int, check_positive
from .char_lm import next_char_batches, perplexity, sample_from_logits

__all__ = ["build_transformer", "warmup_cosine", "make_optimizer", "validation_perplexity", "train", "generate",
           "stored_results", "stored_model", "OPTIMIZERS"]

OPTIMIZERS = ("adamw", "sgd", "sgd_clip")


@functools.cache
def _position_embedding_class():
    """A Keras layer adding a learned position vector P[t] to each position (defined once, on first use)."""
    import keras

    class PositionEmbedding(keras.layers.Layer):
        def __init__(self, max_length, **kwargs):
            super().__init__(**kwargs)
            self.max_length = max_length

        def build(self, input_shape):
            self.positions = self.add_weight(shape=(self.max_length, input_shape[-1]), name="positions",
                                             initializer=keras.initializers.RandomNormal(stddev=0.02))

        def call(self, x):
            length = keras.ops.shape(x)[1]
            return x + self.positions[None, :length]                        # h_0 = E[c_t] + P[t]

        def get_config(self):
            return {**super().get_config(), "max_length": self.max_length}

    return PositionEmbedding


def build_transformer(vocab_size: int, context: int, d_model: int = 64, num_heads: int = 4,
                      num_blocks: int = 2, seed: int = 0):
    """The decoder-only Transformer above as a ``keras.Model``: int ids (B, t <= context) -> logits (B, t, V).

    ``seed`` fixes the initial weights (``keras.utils.set_random_seed``).
    """
    import keras

    vocab_size, context, d_model, num_heads, num_blocks = (
        check_int(n, v) for n, v in (("vocab_size", vocab_size), ("context", context), ("d_model", d_model),
                                     ("num_heads", num_heads), ("num_blocks", num_blocks)))
    if d_model % num_heads:
        raise ValueError(f"`d_model` must be a multiple of `num_heads`. Received: d_model={d_model}, "
                         f"num_heads={num_heads}")
    keras.utils.set_random_seed(seed)
    ids = keras.Input((None,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, d_model, name="token_embedding")(ids)            # E[c_t]
    h = _position_embedding_class()(context, name="position_embedding")(h)                  # + P[t]
    for i in range(num_blocks):
        a = keras.layers.LayerNormalization(epsilon=1e-5, name=f"block{i}_ln1")(h)
        a = keras.layers.MultiHeadAttention(num_heads, d_model // num_heads, name=f"block{i}_attention")(
            a, a, use_causal_mask=True)                                                      # attend to <= t
        h = h + a                                                                             # residual
        f = keras.layers.LayerNormalization(epsilon=1e-5, name=f"block{i}_ln2")(h)
        f = keras.layers.Dense(4 * d_model, activation="gelu", name=f"block{i}_ff1")(f)      # gelu(W_1 LN(h))
        h = h + keras.layers.Dense(d_model, name=f"block{i}_ff2")(f)                         # + W_2 (...)
    h = keras.layers.LayerNormalization(epsilon=1e-5, name="final_ln")(h)
    logits = keras.layers.Dense(vocab_size, name="logits")(h)                                # W_out LN(h)
    return keras.Model(ids, logits, name="char_transformer")


def warmup_cosine(peak_lr: float, steps: int, warmup_steps: int):
    """Linear warm-up from 0 to ``peak_lr`` over ``warmup_steps``, then a cosine decay to 0 at ``steps``.

    ``keras.optimizers.schedules.CosineDecay(0, steps - warmup_steps, warmup_target=peak_lr,
    warmup_steps=warmup_steps)``; :class:`course_lib.schedules.CosineDecay` with the same arguments is its twin.
    """
    import keras

    peak_lr = check_positive("peak_lr", peak_lr)
    steps, warmup_steps = check_int("steps", steps), check_int("warmup_steps", warmup_steps, minimum=0)
    if warmup_steps >= steps:
        raise ValueError(f"`warmup_steps` must be smaller than `steps` ({steps}). Received: warmup_steps={warmup_steps}")
    return keras.optimizers.schedules.CosineDecay(0.0, steps - warmup_steps, warmup_target=peak_lr,
                                                  warmup_steps=warmup_steps)


def make_optimizer(name: str, peak_lr: float, steps: int, warmup_steps: int, clipnorm: float = 1.0):
    """One of the compared optimizers, each under :func:`warmup_cosine` (the same schedule shape).

    - ``"adamw"``: ``keras.optimizers.AdamW`` (Keras's defaults: beta_1 0.9, beta_2 0.999, weight decay 0.004);
    - ``"sgd"``: ``keras.optimizers.SGD(momentum=0.9)``;
    - ``"sgd_clip"``: the same SGD with the global gradient norm clipped to ``clipnorm`` (``global_clipnorm``).
    """
    import keras

    check_choice("name", name, OPTIMIZERS)
    schedule = warmup_cosine(peak_lr, steps, warmup_steps)
    if name == "adamw":
        return keras.optimizers.AdamW(schedule)
    if name == "sgd":
        return keras.optimizers.SGD(schedule, momentum=0.9)
    return keras.optimizers.SGD(schedule, momentum=0.9, global_clipnorm=check_positive("clipnorm", clipnorm))


def validation_perplexity(model, x, y, batch_size: int = 256) -> float:
    """exp(mean cross-entropy) of the model's next-character predictions on fixed windows (x, y)."""
    # predict_on_batch runs a compiled function (traced once per input shape): ~30 times faster than an eager call
    logits = np.concatenate([model.predict_on_batch(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    return perplexity(logits, y)


def train(model, optimizer, train_ids, val_x, val_y, steps: int, eval_every: int, batch_size: int = 32,
          seed: int = 0, jit_compile="auto") -> dict:
    """Train ``model`` on seeded random windows of ``train_ids``; return the validation-perplexity curve.

    Each chunk of ``eval_every`` steps draws fresh windows (:func:`course_lib.char_lm.next_char_batches`, seed
    ``seed * 100_003 + chunk``), runs them through ``model.fit`` once, then scores the fixed validation windows.
    A run whose loss turns non-finite stops there, its perplexity recorded as ``inf`` (a diverged run).
    Returns ``{"step": [...], "val_perplexity": [...], "train_loss": [...]}`` (step 0 = before training).
    ``jit_compile`` is ``model.compile``'s (XLA): compiling costs seconds, which a short run does not earn back.
    """
    import keras

    steps, eval_every = check_int("steps", steps), check_int("eval_every", eval_every)
    if steps % eval_every:
        raise ValueError(f"`steps` must be a multiple of `eval_every` ({eval_every}). Received: steps={steps}")
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=jit_compile)
    curve = {"step": [0], "val_perplexity": [validation_perplexity(model, val_x, val_y)], "train_loss": [None]}
    for chunk in range(steps // eval_every):
        x, y = next_char_batches(train_ids, batch_size, val_x.shape[1],           # windows as long as val's
                                 seed=seed * 100_003 + chunk, n_batches=eval_every)
        history = model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        loss = float(history.history["loss"][-1])
        ppl = validation_perplexity(model, val_x, val_y) if math.isfinite(loss) else math.inf
        curve["step"].append((chunk + 1) * eval_every)
        curve["val_perplexity"].append(ppl if math.isfinite(ppl) else math.inf)
        curve["train_loss"].append(loss)
        if not math.isfinite(ppl):
            break                                                   # diverged: no use training further
    return curve


def generate(model, vocab, prompt: str, length: int, context: int, temperature: float = 0.8,
             seed: int = 0) -> str:
    """``prompt`` followed by ``length`` characters sampled one at a time from the model (seeded).

    At each step the model reads the last ``context`` characters and the next one is drawn from
    softmax(logits / temperature) (:func:`course_lib.char_lm.sample_from_logits`, ``default_rng(seed)``).
    """
    length = check_int("length", length, minimum=0)
    check_positive("temperature", temperature)
    if not prompt:
        raise ValueError("`prompt` must be a non-empty str (the model needs at least one character to start).")
    context = check_int("context", context)
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(prompt))
    window = np.zeros((1, context), dtype=np.int32)           # one fixed shape: predict_on_batch traces once
    for _ in range(length):
        recent = ids[-context:]
        # right-padded: by the causal mask, what follows position len(recent) - 1 cannot change its logits
        window[0, :len(recent)] = recent
        logits = model.predict_on_batch(window)[:, len(recent) - 1]     # scores for the next character
        ids.append(int(sample_from_logits(logits, temperature, rng)[0]))
    return vocab.decode(ids)


def stored_results() -> dict:
    """The results that ``tools/train_char_lm.py`` stored in ``course_lib/datasets/char_lm_results.json``."""
    import json
    from importlib import resources

    path = resources.files("course_lib.datasets").joinpath("char_lm_results.json")
    if not path.is_file():
        raise FileNotFoundError("course_lib/datasets/char_lm_results.json is missing: run "
                                "`python tools/train_char_lm.py` to produce it")
    return json.loads(path.read_text())


def stored_model(results: dict):
    """The Transformer of the sweeps' best stored run (lowest final validation perplexity of seed 0), weights loaded."""
    from importlib import resources

    c = results["config"]
    model = build_transformer(len(results["vocabulary"]), c["context"], c["d_model"], c["num_heads"],
                              c["num_blocks"])
    with resources.files("course_lib.datasets").joinpath("char_lm_weights.npz").open("rb") as f:
        stored = np.load(f)
        model.set_weights([stored[f"arr_{i}"] for i in range(len(stored.files))])
    return model
