"""Attention in numpy, as Keras computes it, and the generated task of notebook 13.

* ``reversal_task``: digit strings and their reversals, the seq2seq task that shows why a
  single context vector is not enough;
* ``softmax``, ``scaled_dot_product_attention``, ``causal_mask``, ``padding_mask``: the
  pieces of attention, with Keras' mask convention (True = may attend);
* ``multi_head_attention``: ``keras.layers.MultiHeadAttention`` in numpy, from the layer's
  own weights;
* ``positional_encoding``: the sinusoids of Vaswani et al. (2017).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "PAD", "START", "END", "DIGIT0", "VOCAB_SIZE",
    "reversal_task", "decode_digits", "softmax", "scaled_dot_product_attention",
    "causal_mask", "padding_mask", "multi_head_attention", "positional_encoding",
]

# Token ids of the reversal task: 0 pads, 1 starts the output, 2 ends it, 3..12 are digits.
PAD, START, END, DIGIT0 = 0, 1, 2, 3
VOCAB_SIZE = DIGIT0 + 10
# What Keras adds to a masked score before the softmax: exp of it is 0 in float32 and 64.
_MASKED = -1e9


def reversal_task(n: int, max_len: int, *, min_len: int = 1, seed: int = 0
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n`` random digit strings of ``min_len`` to ``max_len`` digits and their reversals.

    Returns ``(source, decoder_input, target, lengths)``: ``source`` (n, max_len) holds the
    digits right-aligned, padded with PAD on the left (so that an encoder RNN reads the
    digits last); ``target`` (n, max_len + 1) the reversed digits, then END, then PAD;
    ``decoder_input`` is ``target`` shifted right behind a START (teacher forcing).

    >>> source, decoder_input, target, lengths = reversal_task(1, 4, min_len=3, seed=1)
    >>> decode_digits(source[0]), decode_digits(target[0]), lengths.tolist()
    ('579', '975', [3])
    """
    if int(n) < 1 or int(max_len) < 1 or not 1 <= int(min_len) <= int(max_len):
        raise ValueError(f"reversal_task needs n >= 1 and 1 <= min_len <= max_len, got n={n}, "
                         f"min_len={min_len}, max_len={max_len}")
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_len, max_len + 1, n)
    source = np.full((n, max_len), PAD, dtype="int32")
    target = np.full((n, max_len + 1), PAD, dtype="int32")
    for i, length in enumerate(lengths):
        digits = rng.integers(0, 10, length) + DIGIT0
        source[i, max_len - length:] = digits
        target[i, :length] = digits[::-1]
        target[i, length] = END
    decoder_input = np.concatenate([np.full((n, 1), START, dtype="int32"), target[:, :-1]], 1)
    return source, decoder_input, target, lengths


def decode_digits(ids: Sequence[int]) -> str:
    """The digits among token ids, as a string (PAD and START skipped, stops at END).

    >>> decode_digits([0, 0, 4, 5, 2, 9])
    '12'
    """
    out = []
    for token in np.asarray(ids).ravel().tolist():
        if token == END:
            break
        if token >= DIGIT0:
            out.append(str(token - DIGIT0))
    return "".join(out)


def softmax(scores, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, without overflow (the largest score is subtracted first).

    >>> softmax(np.array([0.0, 1000.0])).round(3).tolist()
    [0.0, 1.0]
    """
    scores = np.asarray(scores, dtype=float)
    shifted = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """softmax(q k^T / sqrt(d_k)) v, over the last two axes; returns (output, weights).

    ``q`` is (..., n_q, d_k), ``k`` (..., n_k, d_k), ``v`` (..., n_k, d_v); ``mask``
    broadcasts to (..., n_q, n_k) and is True where a query may attend to a key (Keras'
    convention): masked scores get -1e9 before the softmax, so their weight is 0.

    >>> out, w = scaled_dot_product_attention(np.eye(2), np.eye(2), np.array([[1.0], [3.0]]))
    >>> w.round(2).tolist(), out.round(2).ravel().tolist()
    ([[0.67, 0.33], [0.33, 0.67]], [1.66, 2.34])
    """
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"attention needs q (..., n_q, d_k), k (..., n_k, d_k) and "
                         f"v (..., n_k, d_v); got {q.shape}, {k.shape}, {v.shape}")
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool), scores, _MASKED)
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def causal_mask(n: int) -> np.ndarray:
    """(n, n) booleans, True where query i may attend to key j: j <= i, never the future.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    if int(n) < 1:
        raise ValueError(f"causal_mask needs a positive length, got {n!r}")
    return np.tril(np.ones((int(n), int(n)), dtype=bool))


def padding_mask(lengths, n: int) -> np.ndarray:
    """(batch, 1, n) booleans, True at the first ``lengths[b]`` keys of sequence b.

    Broadcasts against scores of shape (batch, n_q, n): every query ignores the padding.

    >>> padding_mask([1, 3], 3).astype(int).tolist()
    [[[1, 0, 0]], [[1, 1, 1]]]
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or np.any(lengths < 0) or np.any(lengths > n):
        raise ValueError(f"padding_mask needs a 1-D list of lengths in 0..{n}, got {lengths!r}")
    return (np.arange(n)[None, :] < lengths[:, None])[:, None, :]


def multi_head_attention(query, value, weights: Sequence[np.ndarray], key=None, mask=None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """``keras.layers.MultiHeadAttention`` in numpy; returns (output, weights per head).

    ``weights`` is the layer's ``get_weights()``: query, key and value kernels
    (d_model, heads, key_dim) with biases (heads, key_dim), then the output kernel
    (heads, key_dim, d_out) and bias (d_out,). Each head attends with its own projections,
    and the heads' outputs are projected back together. ``mask`` as in
    ``scaled_dot_product_attention``, (batch, n_q, n_k).

    >>> import keras
    >>> layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    >>> x = np.random.default_rng(0).normal(size=(1, 4, 5)).astype("float32")
    >>> out = layer(x, x)
    >>> mine, _ = multi_head_attention(x, x, layer.get_weights())
    >>> bool(np.abs(mine - np.asarray(out)).max() < 1e-5)
    True
    """
    key = value if key is None else key
    wq, bq, wk, bk, wv, bv, wo, bo = (np.asarray(w, dtype=float) for w in weights)
    # (batch, n, d_model) x (d_model, heads, key_dim) -> (batch, heads, n, key_dim)
    q = np.einsum("bnd,dhk->bhnk", query, wq) + bq[None, :, None, :]
    k = np.einsum("bnd,dhk->bhnk", key, wk) + bk[None, :, None, :]
    v = np.einsum("bnd,dhk->bhnk", value, wv) + bv[None, :, None, :]
    head_mask = None if mask is None else np.asarray(mask, dtype=bool)[:, None]
    heads, attention = scaled_dot_product_attention(q, k, v, head_mask)
    return np.einsum("bhnk,hko->bno", heads, wo) + bo, attention


def positional_encoding(length: int, depth: int) -> np.ndarray:
    """(length, depth) sinusoids: sin at even, cos at odd columns, wavelengths 2 pi .. 10^4 2 pi.

    >>> positional_encoding(2, 4).astype(float).round(2).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.84, 0.54, 0.01, 1.0]]
    """
    if int(length) < 1 or int(depth) < 2 or int(depth) % 2:
        raise ValueError(f"positional_encoding needs length >= 1 and an even depth >= 2, "
                         f"got {length}, {depth}")
    position = np.arange(length)[:, None]
    frequency = 1.0 / 10000 ** (np.arange(0, depth, 2) / depth)
    encoding = np.zeros((length, depth))
    encoding[:, 0::2] = np.sin(position * frequency)
    encoding[:, 1::2] = np.cos(position * frequency)
    return encoding.astype("float32")
