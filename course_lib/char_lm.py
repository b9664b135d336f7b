"""A character-level language model: text -> integers, next-character batches, perplexity, count baselines.

A language model gives the probability of the next character given the previous ones,
p(c_t | c_<t), and is trained by minimizing the mean cross-entropy of the true next
characters (``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``)::

    CE = -(1/N) sum_t log p(c_t | c_<t),        perplexity = exp(CE)

Perplexity reads as "the number of characters the model is choosing between": a model
that knows nothing (uniform over a vocabulary of V characters) has perplexity exactly V.

This module is plain numpy: the text, the vocabulary, seeded batches, perplexity, the
unigram and bigram count models (the baselines), temperature sampling from logits, and a
numpy causal scaled-dot-product attention (to check ``keras.layers.MultiHeadAttention``).
The small Transformer itself is built with Keras in :mod:`course_lib.char_transformer`.

The text is "tiny Shakespeare" (about 40,000 lines of Shakespeare's plays, public domain), as
compiled in the ``karpathy/char-rnn`` repository (MIT licence); it ships in ``course_lib/datasets``.
"""
from __future__ import annotations

from importlib import resources

import numpy as np

from ._checks import check_fraction, check_int, check_positive

__all__ = ["load_shakespeare", "Vocabulary", "split_text", "next_char_batches", "perplexity",
           "uniform_perplexity", "CountModel", "sample_from_logits", "causal_attention"]


def load_shakespeare() -> str:
    """The whole tiny-Shakespeare text (1,115,394 characters), read from the package's data folder."""
    return resources.files("course_lib.datasets").joinpath("tinyshakespeare.txt").read_text(encoding="utf-8")


class Vocabulary:
    """The sorted set of characters of a text; ``encode`` maps characters to ids 0..V-1, ``decode`` back."""

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise ValueError(f"`text` must be a non-empty str. Received: {type(text).__name__} of length "
                             f"{len(text) if hasattr(text, '__len__') else '?'}")
        self.chars = sorted(set(text))
        self._index = {c: i for i, c in enumerate(self.chars)}

    @property
    def size(self) -> int:
        """V, the number of distinct characters."""
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """The ids of ``text``'s characters (int32); ValueError naming any character not in the vocabulary."""
        unknown = sorted(set(text) - self._index.keys())
        if unknown:
            raise ValueError(f"`text` has characters not in the vocabulary: {unknown[:10]!r}")
        return np.fromiter((self._index[c] for c in text), dtype=np.int32, count=len(text))

    def decode(self, ids) -> str:
        """The text of a sequence of ids; ValueError if an id is outside 0..V-1."""
        ids = np.asarray(ids)
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(f"`ids` must lie in 0..{self.size - 1}. Received values from {ids.min()} to {ids.max()}")
        return "".join(self.chars[i] for i in ids.ravel())


def split_text(ids, val_fraction: float = 0.1):
    """(train, validation): the first ``1 - val_fraction`` of the ids and the LATER rest, never shuffled.

    The validation text comes after the training text, so the model is scored on lines it has never seen
    (a shuffled split of overlapping windows would leak them).
    """
    ids = np.asarray(ids)
    check_fraction("val_fraction", val_fraction, low_inclusive=False)
    cut = int(round(len(ids) * (1 - val_fraction)))
    return ids[:cut], ids[cut:]


def next_char_batches(ids, batch_size: int, context: int, seed: int, n_batches: int = 1):
    """Seeded windows of the text: inputs ``x[b] = ids[s:s+T]`` and targets ``y[b] = ids[s+1:s+T+1]``.

    Returns arrays of shape (n_batches * batch_size, context): the target at every position is the character
    that follows, so one window gives T training examples (each position sees only its past, by the causal mask).
    The window starts s are drawn uniformly with ``numpy.random.default_rng(seed)``.
    """
    ids = np.asarray(ids)
    batch_size, context, n_batches = (check_int(n, v) for n, v in
                                      (("batch_size", batch_size), ("context", context), ("n_batches", n_batches)))
    if len(ids) < context + 1:
        raise ValueError(f"`context` must be smaller than the text ({len(ids)} ids). Received: context={context}")
    starts = np.random.default_rng(seed).integers(0, len(ids) - context, size=n_batches * batch_size)
    offsets = starts[:, None] + np.arange(context)            # (N, T) positions s..s+T-1
    return ids[offsets], ids[offsets + 1]                      # x = c_s..c_{s+T-1}, y = c_{s+1}..c_{s+T}


def _log_softmax(logits):
    """log softmax(z) = z - logsumexp(z), computed stably (subtract the max first), in float64."""
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def perplexity(logits, targets) -> float:
    """exp(mean cross-entropy) of integer ``targets`` under ``softmax(logits)``.

        perplexity = exp( -(1/N) sum_n log softmax(z_n)[y_n] )

    ``logits`` has shape (..., V) and ``targets`` the leading shape (...): this is
    ``exp(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(targets, logits))``.
    """
    logits = np.asarray(logits)
    targets = np.asarray(targets)
    if logits.shape[:-1] != targets.shape:
        raise ValueError(f"`targets` must have shape {logits.shape[:-1]} (the logits' shape without the last "
                         f"axis). Received: targets.shape={targets.shape}")
    if targets.size and (targets.min() < 0 or targets.max() >= logits.shape[-1]):
        raise ValueError(f"`targets` must lie in 0..{logits.shape[-1] - 1}.")
    log_p = np.take_along_axis(_log_softmax(logits), targets[..., None], axis=-1)   # log p(y_n)
    with np.errstate(over="ignore"):                                                 # a diverged model: inf
        return float(np.exp(-log_p.mean()))                                          # exp(CE)


def uniform_perplexity(vocab_size: int) -> float:
    """The perplexity of the model that knows nothing, p = 1/V for every character: exactly V."""
    return float(check_int("vocab_size", vocab_size))


class CountModel:
    """The n-gram count baseline: p(c | previous n-1 characters) from counts, with add-k (Laplace) smoothing.

        order 1 (unigram):  p(c)        = (count(c) + k) / (N + k V)
        order 2 (bigram):   p(c | a)    = (count(a c) + k) / (count(a) + k V)

    ``fit(ids)`` counts on the training ids; ``logits(x)`` gives log p(next character | x_t) at every position,
    so ``perplexity(model.logits(x), y)`` scores the count model on the same windows as a network.
    """

    def __init__(self, vocab_size: int, order: int = 2, k: float = 1.0):
        self.vocab_size = check_int("vocab_size", vocab_size)
        if order not in (1, 2):
            raise ValueError(f"`order` must be 1 (unigram) or 2 (bigram). Received: order={order!r}")
        self.order = order
        self.k = check_positive("k", k)

    def fit(self, ids) -> "CountModel":
        ids = np.asarray(ids)
        V = self.vocab_size
        if self.order == 1:
            counts = np.bincount(ids, minlength=V)[None, :]                          # one row: count(c)
        else:
            counts = np.bincount(ids[:-1] * V + ids[1:], minlength=V * V).reshape(V, V)   # count(a c)
        smoothed = counts + self.k                                                     # + k
        self.log_probs_ = np.log(smoothed / smoothed.sum(axis=1, keepdims=True))      # / (count(a) + kV)
        return self

    def logits(self, x) -> np.ndarray:
        """log p(next | x_t) for every position of ``x`` (shape (..., V)): logits that
        :func:`perplexity` scores like a network's (the unigram ignores ``x``)."""
        if not hasattr(self, "log_probs_"):
            raise RuntimeError("CountModel.logits called before fit(ids)")
        x = np.asarray(x)
        rows = x if self.order == 2 else np.zeros_like(x)                 # the context a (none for a unigram)
        return self.log_probs_[rows]


def sample_from_logits(logits, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """One character id per row of ``logits`` (shape (B, V)), drawn from softmax(logits / temperature).

    Temperature < 1 sharpens the distribution (towards the most likely character), > 1 flattens it.
    """
    temperature = check_positive("temperature", temperature)
    p = np.exp(_log_softmax(np.asarray(logits) / temperature))              # softmax(z / tau)
    u = rng.random((p.shape[0], 1))                                          # one uniform per row
    # inverse CDF; the clip guards against a cumulative sum that rounds to just under u
    return np.minimum((p.cumsum(axis=1) < u).sum(axis=1), p.shape[1] - 1)


def causal_attention(x, weights, num_heads: int) -> np.ndarray:
    """Multi-head causal self-attention in numpy, with ``keras.layers.MultiHeadAttention``'s weights.

    For each head h (key size d_k), with x of shape (B, T, d):

        Q = x W_q[:, h] + b_q[h],  K = x W_k[:, h] + b_k[h],  V = x W_v[:, h] + b_v[h]
        A = softmax(Q K^T / sqrt(d_k) + M) V,   M[t, s] = -inf where s > t (no look at the future)
        out = sum_h A_h W_o[h] + b_o

    ``weights`` is the list ``layer.get_weights()`` of a MultiHeadAttention layer built on query = value = key:
    [W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o] with W_q of shape (d, heads, d_k) and W_o (heads, d_k, d).
    """
    x = np.asarray(x, dtype=np.float64)
    if len(weights) != 8:
        raise ValueError(f"`weights` must be MultiHeadAttention's 8 arrays (kernels and biases of query, key, "
                         f"value, output). Received {len(weights)} arrays")
    wq, bq, wk, bk, wv, bv, wo, bo = (np.asarray(w, dtype=np.float64) for w in weights)
    if wq.shape[1] != num_heads:
        raise ValueError(f"`num_heads` must match the weights' {wq.shape[1]} heads. Received: num_heads={num_heads}")
    q = np.einsum("btd,dhk->bhtk", x, wq) + bq[:, None, :]                  # Q = x W_q + b_q, per head
    k = np.einsum("btd,dhk->bhtk", x, wk) + bk[:, None, :]                  # K = x W_k + b_k
    v = np.einsum("btd,dhk->bhtk", x, wv) + bv[:, None, :]                  # V = x W_v + b_v
    scores = np.einsum("bhtk,bhsk->bhts", q, k) / np.sqrt(q.shape[-1])      # Q K^T / sqrt(d_k)
    T = x.shape[1]
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)   # + M: s > t masked out
    attention = np.exp(_log_softmax(scores))                               # softmax over s
    heads = np.einsum("bhts,bhsk->bhtk", attention, v)                      # A = softmax(...) V
    return np.einsum("bhtk,hkd->btd", heads, wo) + bo                       # sum_h A_h W_o[h] + b_o
