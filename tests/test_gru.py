"""helpers.scratch.gru_cell computes what keras.layers.GRU does; temperature_softmax samples."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.scratch import gru_cell, temperature_softmax

RNG = np.random.default_rng(0)


def keras_gru(units: int, input_dim: int, reset_after: bool, use_bias: bool = True):
    """A GRU layer with random weights and a random (non-zero) bias, built for input_dim."""
    layer = keras.layers.GRU(units, reset_after=reset_after, use_bias=use_bias,
                             return_sequences=True)
    layer.build((None, None, input_dim))
    weights = layer.get_weights()
    if use_bias:  # Keras starts with a zero bias, which would hide a bias in the wrong place
        weights[2] = RNG.normal(0.0, 0.5, size=weights[2].shape).astype("float32")
    layer.set_weights(weights)
    return layer, weights


def unroll(x: np.ndarray, weights, reset_after: bool) -> np.ndarray:
    kernel, recurrent = weights[0], weights[1]
    bias = weights[2] if len(weights) == 3 else None
    h = np.zeros((x.shape[0], recurrent.shape[0]))
    states = []
    for t in range(x.shape[1]):
        h = gru_cell(x[:, t], h, kernel, recurrent, bias, reset_after=reset_after)
        states.append(h)
    return np.stack(states, axis=1)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("units, input_dim", [(1, 1), (3, 2), (8, 5)])
def test_matches_keras_over_a_sequence(reset_after, units, input_dim):
    layer, weights = keras_gru(units, input_dim, reset_after)
    x = RNG.normal(size=(4, 7, input_dim)).astype("float32")

    expected = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(unroll(x, weights, reset_after), expected, atol=2e-6)


@pytest.mark.parametrize("reset_after", [True, False])
def test_matches_keras_without_bias(reset_after):
    layer, weights = keras_gru(3, 2, reset_after, use_bias=False)
    assert len(weights) == 2
    x = RNG.normal(size=(2, 5, 2)).astype("float32")
    np.testing.assert_allclose(unroll(x, weights, reset_after),
                               keras.ops.convert_to_numpy(layer(x)), atol=2e-6)


def test_the_two_reset_settings_differ():
    # The same numbers as weights give different results: reset_after is not cosmetic.
    _, weights = keras_gru(4, 3, reset_after=True)
    kernel, recurrent, bias = weights
    x, h = RNG.normal(size=3), RNG.normal(size=4)
    after = gru_cell(x, h, kernel, recurrent, bias, reset_after=True)
    before = gru_cell(x, h, kernel, recurrent, bias[0] + bias[1], reset_after=False)
    assert np.abs(after - before).max() > 1e-3


def test_unbatched_step_equals_batched_step():
    _, (kernel, recurrent, bias) = keras_gru(3, 2, reset_after=True)
    x, h = RNG.normal(size=(5, 2)), RNG.normal(size=(5, 3))
    batched = gru_cell(x, h, kernel, recurrent, bias)
    assert batched.shape == (5, 3)
    for i in range(5):
        one = gru_cell(x[i], h[i], kernel, recurrent, bias)
        assert one.shape == (3,)
        np.testing.assert_allclose(one, batched[i])


def test_gates_by_hand():
    # Only the update gate's bias is set: z = sigmoid(big) ~ 1 keeps the state,
    # z = sigmoid(-big) ~ 0 replaces it by the candidate tanh(x W_h) (gate order z, r, h).
    kernel = np.zeros((1, 3))
    kernel[0, 2] = 1.0  # candidate weight
    recurrent = np.zeros((1, 3))
    keep = np.array([[20.0, 0, 0], [0, 0, 0]])
    forget = np.array([[-20.0, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(gru_cell([0.7], [0.3], kernel, recurrent, keep), [0.3], atol=1e-8)
    np.testing.assert_allclose(gru_cell([0.7], [0.3], kernel, recurrent, forget), [np.tanh(0.7)],
                               atol=1e-8)


def test_result_is_float64_and_inputs_are_untouched():
    _, (kernel, recurrent, bias) = keras_gru(2, 2, reset_after=True)
    x, h = np.array([0.5, -1.0], dtype="float32"), np.array([0.1, 0.2], dtype="float32")
    saved = [a.copy() for a in (x, h, kernel, recurrent, bias)]
    out = gru_cell(x, h, kernel, recurrent, bias)
    assert out.dtype == np.float64
    for before, after in zip(saved, (x, h, kernel, recurrent, bias), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("args, kwargs, message", [
    # kernel's second axis is not 3 * units
    ((np.ones(2), np.ones(2), np.ones((2, 5)), np.ones((2, 6)), np.ones((2, 6))), {},
     r"kernel must have shape \(input_dim, 3 \* units\)"),
    # recurrent kernel of an LSTM (4 gates)
    ((np.ones(2), np.ones(2), np.ones((2, 6)), np.ones((2, 8)), np.ones((2, 6))), {},
     r"recurrent_kernel must have shape .* \(2, 6\)"),
    # x_t with the wrong number of features
    ((np.ones(3), np.ones(2), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6))), {},
     "x_t has 3 features but the kernel expects 2"),
    # h_prev with the wrong number of units
    ((np.ones(2), np.ones(4), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6))), {},
     "h_prev has 4 units but the weights have 2"),
    # a batch of x with one h
    ((np.ones((5, 2)), np.ones(2), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6))), {},
     "both be one step"),
    # batch sizes that disagree
    ((np.ones((5, 2)), np.ones((4, 2)), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6))), {},
     "same size"),
    # a whole sequence (3-D) instead of one step
    ((np.ones((5, 7, 2)), np.ones((5, 2)), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6))),
     {}, r"x_t must have 1 or 2 dimension"),
    # the bias of reset_after=False given with reset_after=True, and the other way round
    ((np.ones(2), np.ones(2), np.ones((2, 6)), np.ones((2, 6)), np.ones(6)), {},
     r"reset_after=True the bias must have shape \(2, 6\).*shape for reset_after=False"),
    ((np.ones(2), np.ones(2), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6))),
     {"reset_after": False},
     r"reset_after=False the bias must have shape \(6,\).*shape for reset_after=True"),
])
def test_bad_shapes_raise_clearly(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gru_cell(*args, **kwargs)


def test_bad_types_raise_clearly():
    with pytest.raises(TypeError, match="x_t must hold numbers"):
        gru_cell(["a", "b"], np.ones(2), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6)))
    with pytest.raises(TypeError, match="reset_after must be True or False"):
        gru_cell(np.ones(2), np.ones(2), np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6)),
                 reset_after="yes")


# ------------------------------------------------------------------- temperature softmax


def test_temperature_softmax_is_keras_softmax_of_scaled_logits():
    logits = RNG.normal(0.0, 3.0, size=(4, 10))
    for temperature in (0.2, 1.0, 2.5):
        expected = keras.ops.convert_to_numpy(keras.ops.softmax(logits / temperature, axis=-1))
        np.testing.assert_allclose(temperature_softmax(logits, temperature), expected,
                                   rtol=1e-5, atol=1e-7)


def test_temperature_extremes_and_overflow():
    logits = np.array([1000.0, 999.0, -1000.0])  # exp(1000) overflows without the shift
    p = temperature_softmax(logits)
    assert np.all(np.isfinite(p)) and abs(p.sum() - 1) < 1e-12
    np.testing.assert_allclose(temperature_softmax(logits, 1e-3), [1.0, 0.0, 0.0], atol=1e-12)
    flat = temperature_softmax([1.0, 2.0, 3.0], 1e6)
    np.testing.assert_allclose(flat, np.full(3, 1 / 3), atol=1e-5)
    np.testing.assert_allclose(temperature_softmax([5.0]), [1.0])


@pytest.mark.parametrize("temperature", [0, -1.0, float("nan"), float("inf"), True, "hot"])
def test_temperature_must_be_positive(temperature):
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        temperature_softmax([1.0, 2.0], temperature)


def test_temperature_softmax_needs_values():
    with pytest.raises(ValueError, match="at least one value"):
        temperature_softmax(np.zeros((2, 0)))
