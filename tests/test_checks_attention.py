"""The checks of notebook 13 pass right answers and fail blanks and wrong ones with a hint."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import CheckFailed
from helpers.checks import attention as check

# ------------------------------------------------------------ scaled dot-product attention


def attention_reference(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights


def attention_with_einsum(q, k, v, mask=None):
    scores = np.einsum("...qd,...kd->...qk", q, k) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores + np.where(mask, 0.0, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return np.einsum("...qk,...kd->...qd", weights, v), weights


@pytest.mark.parametrize("solution", [attention_reference, attention_with_einsum])
def test_attention_right_answers_pass(solution, capsys):
    check.attention(solution)
    check.attention(solution, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_attention_blank_fails():
    def blank(q, k, v, mask=None):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.attention(blank)


def _variant(**change):
    def wrong(q, k, v, mask=None):
        return check._attend(q, k, v, mask, **change)
    return wrong


def _naive(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    with np.errstate(all="ignore"):
        weights = np.exp(scores)
        weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights


@pytest.mark.parametrize("wrong, phrase", [
    (_variant(scale="none"), "sqrt(d_k)"),
    (_variant(scale="d"), "SQUARE ROOT"),
    (_variant(axis=-2), "over the keys"),
    (_variant(mask_mode="after"), "BEFORE the softmax"),
    (_variant(invert=True), "may attend"),
    (_naive, "overflows"),
    (lambda q, k, v, mask=None: attention_reference(q, k, v, mask)[1], "pair"),
    (lambda q, k, v, mask=None: None, "forget to `return"),
    (lambda q, k, v, mask=None: (attention_reference(q, k, v, mask)[1] @ k,
                                 attention_reference(q, k, v, mask)[1]), "weights @ v"),
    (lambda q, k, v: attention_reference(q, k, v), "raised TypeError"),
    ("not a function", "should be a function"),
])
def test_attention_wrong_answers_fail_with_their_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.attention(wrong)
    assert phrase in str(info.value)


def test_attention_scale_by_value_dimension_is_caught():
    with pytest.raises(CheckFailed, match="Hint"):
        check.attention(_variant(scale="dv"))


def test_the_reference_of_the_check_is_the_course_helper():
    from helpers import attention

    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3))
    mask = attention.padding_mask([2, 5], 5)
    for got, expected in zip(check._attend(q, k, v, mask),
                             attention.scaled_dot_product_attention(q, k, v, mask), strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_hidden_cases_differ_from_the_public_ones():
    public = check._attention_cases(False)
    hidden = check._attention_cases(True)
    assert [c[1][0].shape for c in public] != [c[1][0].shape for c in hidden]


def test_no_reference_solution_is_exported():
    assert set(check.__all__) == {"attention", "masks"}
    assert "helpers.attention.scaled_dot_product_attention" in check.REFERENCES["attention"]


# ------------------------------------------------------------------------------- masks


def causal_reference(n):
    return np.tril(np.ones((n, n), dtype=bool))


def decoder_reference(lengths, n):
    keys = np.arange(n)[None, :] < np.asarray(lengths)[:, None]
    return causal_reference(n)[None] & keys[:, None, :]


def decoder_by_loops(lengths, n):
    out = np.zeros((len(lengths), n, n), dtype=int)
    for b, length in enumerate(lengths):
        for i in range(n):
            for j in range(min(i + 1, length)):
                out[b, i, j] = 1
    return out


@pytest.mark.parametrize("decoder", [decoder_reference, decoder_by_loops])
def test_masks_right_answers_pass(decoder, capsys):
    check.masks(causal_reference, decoder)
    check.masks(causal_reference, decoder, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_masks_blanks_fail():
    def blank_causal(n):
        raise NotImplementedError()

    def blank_decoder(lengths, n):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="my_causal_mask is not implemented"):
        check.masks(blank_causal, blank_decoder)
    with pytest.raises(CheckFailed, match="my_decoder_mask is not implemented"):
        check.masks(causal_reference, blank_decoder)


def _pads_queries_too(lengths, n):
    rows = np.arange(n)[None, :, None] < np.asarray(lengths)[:, None, None]
    return decoder_reference(lengths, n) & rows


@pytest.mark.parametrize("causal, decoder, phrase", [
    (lambda n: np.triu(np.ones((n, n), dtype=bool)), decoder_reference, "BELOW the diagonal"),
    (lambda n: np.tril(np.ones((n, n), dtype=bool), -1), decoder_reference, "keep the diagonal"),
    (lambda n: np.ones((n, n), dtype=bool), decoder_reference, "np.tril"),
    (lambda n: np.tril(np.ones((n, n))) * 0.5, decoder_reference, "booleans"),
    (lambda n: np.tril(np.ones((n + 1, n + 1), dtype=bool)), decoder_reference, "shape"),
    (lambda n: None, decoder_reference, "forget to `return"),
    (causal_reference, lambda lengths, n: np.broadcast_to(causal_reference(n),
                                                          (len(lengths), n, n)), "padding"),
    (causal_reference, lambda lengths, n: np.broadcast_to(
        np.arange(n)[None, None, :] < np.asarray(lengths)[:, None, None],
        (len(lengths), n, n)), "causal part"),
    (causal_reference, _pads_queries_too, "KEYS (columns) only"),
    (causal_reference, lambda lengths, n: causal_reference(n), "shape"),
    (causal_reference, lambda lengths, n: ~decoder_reference(lengths, n), "Hint"),
])
def test_masks_wrong_answers_fail_with_their_hint(causal, decoder, phrase):
    with pytest.raises(CheckFailed) as info:
        check.masks(causal, decoder)
    assert phrase in str(info.value)
