"""helpers.attention: the numpy attention equals Keras', the masks and the task are right."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import attention


def test_multi_head_attention_equals_keras_with_masks():
    rng = np.random.default_rng(0)
    layer = keras.layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=4)
    query = rng.normal(size=(2, 5, 6)).astype("float32")
    value = rng.normal(size=(2, 7, 6)).astype("float32")
    mask = attention.padding_mask([4, 7], 7) & np.ones((2, 5, 7), dtype=bool)
    out, scores = layer(query, value, attention_mask=mask, return_attention_scores=True)
    mine, weights = attention.multi_head_attention(query, value, layer.get_weights(), mask=mask)
    np.testing.assert_allclose(mine, np.asarray(out), atol=1e-5)
    np.testing.assert_allclose(weights, np.asarray(scores), atol=1e-6)
    assert np.all(weights[0, :, :, 4:] == 0)  # the padding gets no weight


def test_causal_self_attention_equals_keras():
    rng = np.random.default_rng(1)
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    x = rng.normal(size=(1, 6, 4)).astype("float32")
    out = layer(x, x, use_causal_mask=True)
    mine, weights = attention.multi_head_attention(x, x, layer.get_weights(),
                                                   mask=attention.causal_mask(6)[None])
    np.testing.assert_allclose(mine, np.asarray(out), atol=1e-5)
    assert np.allclose(np.triu(weights[0, 0], 1), 0)


def test_attention_weights_sum_to_one_and_large_scores_do_not_overflow():
    rng = np.random.default_rng(2)
    q = rng.normal(size=(3, 8)) * 1000
    out, weights = attention.scaled_dot_product_attention(q, q, rng.normal(size=(3, 2)))
    assert np.all(np.isfinite(out)) and np.allclose(weights.sum(axis=-1), 1)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="d_k"):
        attention.scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="lengths"):
        attention.padding_mask([5], 3)
    with pytest.raises(ValueError, match="even depth"):
        attention.positional_encoding(4, 3)


def test_reversal_task_targets_are_the_reversed_sources():
    source, decoder_input, target, lengths = attention.reversal_task(50, 9, min_len=2, seed=3)
    assert source.shape == (50, 9) and target.shape == (50, 10)
    assert lengths.min() >= 2 and lengths.max() <= 9
    for s, t in zip(source, target, strict=True):
        assert attention.decode_digits(t) == attention.decode_digits(s)[::-1]
    assert np.all(decoder_input[:, 0] == attention.START)
    assert np.array_equal(decoder_input[:, 1:], target[:, :-1])
    with pytest.raises(ValueError, match="min_len"):
        attention.reversal_task(3, 4, min_len=5)


def test_positional_encoding_is_bounded_and_distinct():
    pe = attention.positional_encoding(50, 16)
    assert pe.shape == (50, 16) and np.abs(pe).max() <= 1
    distances = np.linalg.norm(pe[:, None] - pe[None], axis=-1)
    assert distances[~np.eye(50, dtype=bool)].min() > 0.1
