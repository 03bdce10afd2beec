"""Checks for notebook 13: attention from scratch.

The notebook imports them as ``from helpers.checks import attention as check``:

* ``check.attention(fn)``: ``fn(q, k, v, mask=None)`` returns ``(output, weights)``,
  scaled dot-product attention in numpy with Keras' mask convention (True = may attend);
* ``check.masks(causal_fn, decoder_fn)``: ``causal_fn(n)``, the (n, n) causal mask, and
  ``decoder_fn(lengths, n)``, the (batch, n, n) mask of a decoder reading padded sequences.

Both take ``hidden=True`` for cases drawn from ``helpers.checks.hidden_rng``. Examples of
answers that pass and fail are in tests/test_checks_attention.py.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.checks import _fail, _short, call_student, expect_close, hidden_rng, passed

__all__ = ["attention", "masks"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES = {
    "attention": ("helpers.attention.scaled_dot_product_attention",
                  "helpers.attention.multi_head_attention"),
    "masks": ("helpers.attention.causal_mask", "helpers.attention.padding_mask"),
}

_MASKED = -1e9


def _softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def _attend(q, k, v, mask=None, *, scale: str = "sqrt", axis: int = -1,
            mask_mode: str = "before", invert: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Attention with a chosen (mis)reading: the right one with the defaults."""
    d_k = q.shape[-1]
    divisor = {"sqrt": np.sqrt(d_k), "none": 1.0, "d": float(d_k),
               "dv": np.sqrt(v.shape[-1])}[scale]
    scores = q @ np.swapaxes(k, -1, -2) / divisor
    allowed = None if mask is None else np.broadcast_to(np.asarray(mask, dtype=bool),
                                                        scores.shape)
    if allowed is not None and invert:
        allowed = ~allowed
    if allowed is not None and mask_mode == "before":
        scores = np.where(allowed, scores, _MASKED)
    weights = _softmax(scores, axis=axis)
    if allowed is not None and mask_mode == "after":
        weights = np.where(allowed, weights, 0.0)
    return weights @ v, weights


_ATTENTION_MISTAKES = [
    ({"scale": "none"}, "divide the scores q k^T by sqrt(d_k), the square root of the key "
                        "dimension (q.shape[-1]): without it large d_k saturates the softmax."),
    ({"scale": "d"}, "divide by the SQUARE ROOT of d_k, np.sqrt(q.shape[-1]), not by d_k."),
    ({"scale": "dv"}, "d_k is the dimension of the queries and keys, q.shape[-1], not of "
                      "the values."),
    ({"axis": -2}, "the softmax runs over the keys (the last axis of the scores): each "
                   "query's weights sum to 1, weights.sum(axis=-1) == 1."),
    ({"mask_mode": "after"}, "mask the scores BEFORE the softmax (np.where(mask, scores, "
                             "-1e9)): zeroing weights after it leaves rows that no longer "
                             "sum to 1."),
    ({"invert": True}, "True in the mask means 'may attend' (Keras' convention): keep the "
                       "scores where the mask is True and set the others to -1e9."),
]


def _attention_cases(hidden: bool) -> list[tuple[str, tuple, np.ndarray | None]]:
    """(description, (q, k, v), mask or None)."""
    rng = hidden_rng(113) if hidden else np.random.default_rng(13)
    if hidden:
        cases = []
        for n_q, n_k, d_k, d_v, batch in [(2, 5, 3, 2, 2), (4, 4, 8, 8, 3), (1, 6, 2, 5, 1)]:
            q = rng.normal(size=(batch, n_q, d_k))
            k, v = rng.normal(size=(batch, n_k, d_k)), rng.normal(size=(batch, n_k, d_v))
            lengths = rng.integers(1, n_k + 1, batch)
            mask = (np.arange(n_k)[None, :] < lengths[:, None])[:, None, :]
            cases += [(f"batch {batch}, {n_q} queries, {n_k} keys, d_k {d_k}", (q, k, v), None),
                      (f"the same with keys padded beyond lengths {lengths.tolist()}",
                       (q, k, v), mask)]
        n = int(rng.integers(3, 6))
        x = rng.normal(size=(2, n, 4)) * 3
        cases.append((f"self-attention with a causal mask, {n} steps", (x, x, x),
                      np.tril(np.ones((n, n), dtype=bool))))
        return cases
    x = rng.normal(size=(4, 4))
    causal = np.tril(np.ones((4, 4), dtype=bool))
    q3, k3, v3 = rng.normal(size=(2, 3, 8)), rng.normal(size=(2, 5, 8)), rng.normal(size=(2, 5, 2))
    padding = np.array([[[True, True, True, False, False]], [[True, True, True, True, True]]])
    return [
        # Readable by hand: 2 queries, 2 keys, d_k = 1.
        ("2 queries and 2 keys of dimension 1", (np.array([[1.0], [-1.0]]),
                                                 np.array([[2.0], [0.0]]),
                                                 np.array([[1.0, 0.0], [0.0, 1.0]])), None),
        ("4 queries, keys of dimension 4 (the scale matters)", (x, x, 2 * x), None),
        ("3 queries, 5 keys, d_k 8, values of dimension 2, batch 2", (q3, k3, v3), None),
        ("a padding mask: the 2 last keys of the first sequence are padding",
         (q3, k3, v3), padding),
        ("a causal mask (4 steps of self-attention)", (x, x, x), causal),
        ("large scores (exp overflows unless you subtract the maximum)",
         (x * 40, x * 40, x), None),
    ]


def _unpack(got, call: str) -> tuple:
    if got is None:
        _fail(f"{call} returned None: did you forget to `return output, weights`?", None)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        _fail(f"{call} returned {_short(got)}, expected a pair (output, weights).",
              "return both: `return weights @ v, weights`.")
    return got[0], got[1]


def _same(got, expected) -> bool:
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.shape == expected.shape and bool(np.allclose(arr, expected, rtol=1e-5, atol=1e-7))


def attention(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(q, k, v, mask=None)``: scaled dot-product attention, (output, weights).

    Cases: a 2 x 2 example, a case where the scale matters, batched queries and keys of
    other lengths and value dimension, a padding mask, a causal mask and large scores. At
    the first wrong case it names the usual mistake (no scale, scale by d_k, softmax over
    the wrong axis, mask after the softmax, mask inverted) when the answer matches it.
    """
    name = "my_attention"
    cases = _attention_cases(hidden)
    for description, (q, k, v), mask in cases:
        call = f"{name}(q {q.shape}, k {k.shape}, v {v.shape}" + (
            f", mask {mask.shape})" if mask is not None else ")") + f" [{description}]"
        args = (q.copy(), k.copy(), v.copy()) + ((mask.copy(),) if mask is not None else ())
        out, weights = _unpack(call_student(student, args, name, call), call)
        expected_out, expected_weights = _attend(q, k, v, mask)
        if _same(weights, expected_weights) and _same(out, expected_out):
            continue
        hint = "weights = softmax(q @ k^T / sqrt(d_k)) over the keys; output = weights @ v."
        arr = None
        try:
            arr = np.asarray(weights, dtype=float)
        except (TypeError, ValueError):
            pass
        if arr is not None and arr.shape == expected_weights.shape and not np.all(
                np.isfinite(arr)):
            hint = ("exp of a large score overflows to inf: subtract each row's largest score "
                    "before np.exp (softmax(s) = softmax(s - max(s))).")
        else:
            for change, text in _ATTENTION_MISTAKES:
                candidate = _attend(q, k, v, mask, **change)[1]
                if not _same(candidate, expected_weights) and _same(weights, candidate):
                    hint = text
                    break
        expect_close(weights, expected_weights, f"the weights of {call}", hint=hint)
        expect_close(out, expected_out, f"the output of {call}",
                     hint="the output is the weighted sum of the values: weights @ v.")
    passed(name, f"{len(cases)} {'hidden ' if hidden else ''}cases")


def _decoder_reference(lengths: np.ndarray, n: int) -> np.ndarray:
    causal = np.tril(np.ones((n, n), dtype=bool))
    keys = np.arange(n)[None, :] < np.asarray(lengths)[:, None]
    return causal[None] & keys[:, None, :]


def _boolean(got, call: str, shape: tuple[int, ...]) -> np.ndarray:
    if got is None:
        _fail(f"{call} returned None: did you forget to `return` the mask?", None)
    arr = np.asarray(got)
    if arr.shape != shape:
        _fail(f"{call} has shape {arr.shape}, expected {shape}.",
              "one row per query, one column per key.")
    if arr.dtype != bool and not (np.issubdtype(arr.dtype, np.number)
                                  and np.all((arr == 0) | (arr == 1))):
        _fail(f"{call} should hold booleans (True = may attend), got {_short(arr)}.", None)
    return arr.astype(bool)


def masks(causal_fn: Callable, decoder_fn: Callable, *, hidden: bool = False) -> None:
    """Check ``causal_fn(n)`` and ``decoder_fn(lengths, n)``, Keras' mask convention.

    ``causal_fn(n)``: (n, n), True where query i may attend to key j, that is j <= i.
    ``decoder_fn(lengths, n)``: (batch, n, n), causal and, in sequence b, no key at
    position ``lengths[b]`` or later (padding). Booleans, or 0 and 1.
    """
    rng = hidden_rng(131) if hidden else np.random.default_rng(31)
    sizes = [1, 2, 4, 7] if not hidden else [int(s) for s in rng.integers(2, 9, 3)]
    name = "my_causal_mask"
    for n in sizes:
        call = f"{name}({n})"
        got = _boolean(call_student(causal_fn, (n,), name, call), call, (n, n))
        expected = np.tril(np.ones((n, n), dtype=bool))
        if np.array_equal(got, expected):
            continue
        if np.array_equal(got, np.tril(expected, -1)):
            hint = "a step may attend to itself: keep the diagonal (j <= i, not j < i)."
        elif np.array_equal(got, ~expected) or np.array_equal(got, expected.T):
            hint = ("row i is query i, column j key j: query i may see keys 0..i, so the "
                    "True values are on and BELOW the diagonal (np.tril).")
        else:
            hint = "True where j <= i: np.tril(np.ones((n, n), dtype=bool))."
        _fail(f"{call} is {_short(got.astype(int))}, expected {_short(expected.astype(int))}.",
              hint)
    name = "my_decoder_mask"
    if hidden:
        cases = [(rng.integers(1, n + 1, int(rng.integers(1, 4))), n) for n in sizes]
    else:
        cases = [(np.array([3]), 3), (np.array([2, 4]), 4), (np.array([1, 5, 3]), 5)]
    for lengths, n in cases:
        call = f"{name}({lengths.tolist()}, {n})"
        got = _boolean(call_student(decoder_fn, (lengths.copy(), n), name, call), call,
                       (len(lengths), n, n))
        expected = _decoder_reference(lengths, n)
        if np.array_equal(got, expected):
            continue
        queries = np.arange(n)[None, :, None] < lengths[:, None, None]
        if np.array_equal(got, expected & queries):
            hint = ("mask the padded KEYS (columns) only: a padded query's row may stay as "
                    "the causal mask has it (its output is ignored anyway), so that no row is "
                    "all False.")
        elif np.array_equal(got, np.broadcast_to(np.tril(np.ones((n, n), bool)), got.shape)):
            hint = "also mask the padding: keys at positions >= lengths[b] are False."
        elif np.array_equal(got, np.broadcast_to(
                np.arange(n)[None, None, :] < lengths[:, None, None], got.shape)):
            hint = "also the causal part: combine the two with & (logical and)."
        else:
            hint = ("causal[None] & (np.arange(n) < lengths[:, None])[:, None, :]: the causal "
                    "mask, and the padding mask broadcast over the queries.")
        bad = int(np.argmax([not np.array_equal(g, e) for g, e in zip(got, expected,
                                                                       strict=True)]))
        _fail(f"{call}[{bad}] is {_short(got[bad].astype(int))}, expected "
              f"{_short(expected[bad].astype(int))}.", hint)
    passed("my_causal_mask and my_decoder_mask",
           f"{len(sizes) + len(cases)} {'hidden ' if hidden else ''}cases")
