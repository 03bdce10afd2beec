"""The checks of notebook 08 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import scratch
from helpers.checks import CheckFailed
from helpers.checks import rnn as check

# ---------------------------------------------------------------------- clip by norm


def clip_reference(grads, max_norm):
    return [g * (max_norm / max(np.sqrt(np.sum(g ** 2)), max_norm)) for g in grads]


@pytest.mark.slow  # two short training runs of the exploding network
def test_clip_reference_passes(capsys):
    check.clip_by_norm(clip_reference)
    check.clip_by_norm(clip_reference, hidden=True)
    out = capsys.readouterr().out
    assert out.count("correct") == 2 and "exploding run trains" in out


def test_clip_reference_is_what_keras_clipnorm_does():
    # SGD with learning rate 1 from zero weights: the new weights are minus the clipped grads.
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)) * 5, rng.normal(size=4) * 0.01, np.zeros(2)]
    weights = [keras.Variable(np.zeros(g.shape, "float32")) for g in grads]
    optimizer = keras.optimizers.SGD(1.0, clipnorm=1.5)
    optimizer.apply_gradients([(keras.ops.convert_to_tensor(g.astype("float32")), w)
                               for g, w in zip(grads, weights, strict=True)])
    for w, expected in zip(weights, clip_reference(grads, 1.5), strict=True):
        np.testing.assert_allclose(-w.numpy(), expected, rtol=1e-5, atol=1e-7)


def test_clip_blank_fails():
    def blank(grads, max_norm):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.clip_by_norm(blank)


def _per_row(grads, max_norm):
    out = []
    for g in grads:
        norms = np.linalg.norm(g, axis=-1, keepdims=True)
        out.append(g * (max_norm / np.maximum(norms, max_norm)))
    return out


def _global(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * (max_norm / max(total, max_norm)) for g in grads]


def _divides_by_zero(grads, max_norm):
    with np.errstate(all="ignore"):  # 0 / 0 for a zero gradient
        return [g / np.sqrt(np.sum(g ** 2)) * min(np.sqrt(np.sum(g ** 2)), max_norm)
                for g in grads]


def _in_place(grads, max_norm):
    for g in grads:
        g *= max_norm / max(np.sqrt(np.sum(g ** 2)), max_norm)
    return grads


@pytest.mark.parametrize("wrong, phrase", [
    (lambda grads, max_norm: [np.clip(g, -max_norm, max_norm) for g in grads], "clipvalue"),
    (_global, "global_clipnorm"),
    (lambda grads, max_norm: [g * max_norm / np.sqrt(np.sum(g ** 2)) for g in grads],
     "only shrink"),
    (_per_row, "whole tensor"),
    (_divides_by_zero, "norm 0"),
    (_in_place, "in place"),
    (lambda grads, max_norm: None, "forget to `return`"),
    (lambda grads, max_norm: np.concatenate([g.ravel() for g in grads]), "list of"),
    (lambda grads, max_norm: clip_reference(grads, max_norm) * 2, "list of"),
    (lambda grads, max_norm: [2 * g for g in clip_reference(grads, max_norm)], "Hint"),
    (lambda grads, max_norm: grads[0][5], "raised IndexError"),
    (42, "should be a function"),
])
def test_clip_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.clip_by_norm(wrong)
    assert phrase in str(info.value)


def test_clip_the_exploding_run_needs_clipping():
    # What the last part of the check relies on: unclipped, the run blows up within steps.
    losses = check._exploding_run(None, steps=10)
    assert not np.isfinite(losses[-1]) and len(losses) < 10
    clipped = check._exploding_run(clip_reference, steps=10)
    assert np.all(np.isfinite(clipped)) and clipped[-1] < clipped[0]


# ------------------------------------------------------------------------- GRU step


def gru_reference(x_t, h_prev, kernel, recurrent_kernel, bias):
    units = h_prev.shape[-1]
    from_input = x_t @ kernel + bias[0]
    from_state = h_prev @ recurrent_kernel + bias[1]
    z = 1 / (1 + np.exp(-(from_input[:, :units] + from_state[:, :units])))
    r = 1 / (1 + np.exp(-(from_input[:, units:2 * units] + from_state[:, units:2 * units])))
    candidate = np.tanh(from_input[:, 2 * units:] + r * from_state[:, 2 * units:])
    return z * h_prev + (1 - z) * candidate


def gru_by_splits(x_t, h_prev, kernel, recurrent_kernel, bias):
    w_z, w_r, w_h = np.split(kernel, 3, axis=1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)
    (b_z, b_r, b_h), (c_z, c_r, c_h) = np.split(bias[0], 3), np.split(bias[1], 3)
    z = scratch.sigmoid(x_t @ w_z + b_z + h_prev @ u_z + c_z)
    r = scratch.sigmoid(x_t @ w_r + b_r + h_prev @ u_r + c_r)
    return z * h_prev + (1 - z) * np.tanh(x_t @ w_h + b_h + r * (h_prev @ u_h + c_h))


@pytest.mark.parametrize("solution", [gru_reference, gru_by_splits])
def test_gru_reference_passes(solution, capsys):
    check.gru_step(solution)
    check.gru_step(solution, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_gru_variant_without_changes_is_keras():
    rng = np.random.default_rng(1)
    args = (rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(3, 12)),
            rng.normal(size=(4, 12)), rng.normal(size=(2, 12)))
    np.testing.assert_allclose(check._gru_variant(*args),
                               scratch.gru_cell(*args, reset_after=True), atol=1e-12)


def test_gru_blank_fails():
    def blank(x_t, h_prev, kernel, recurrent_kernel, bias):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.gru_step(blank)


@pytest.mark.parametrize("change, phrase", [
    ({"blend": "cho"}, "share of the OLD state"),
    ({"order": "rzh"}, "gate order is z, r, h"),
    ({"reset": "before"}, "after the matrix product"),
    ({"recurrent_bias": "none"}, "the bias has two rows"),
    ({"recurrent_bias": "outside"}, "inside the reset"),
    ({"gate": np.tanh}, "use the sigmoid"),
    ({"candidate": scratch.sigmoid}, "uses tanh"),
])
def test_gru_usual_mistakes_get_their_hint(change, phrase):
    def wrong(x_t, h_prev, kernel, recurrent_kernel, bias):
        return check._gru_variant(x_t, h_prev, kernel, recurrent_kernel, bias, **change)

    with pytest.raises(CheckFailed) as info:
        check.gru_step(wrong)
    message = str(info.value)
    assert phrase in message and "expected" in message


def _in_place_gru(x_t, h_prev, kernel, recurrent_kernel, bias):
    out = gru_reference(x_t, h_prev, kernel, recurrent_kernel, bias)
    h_prev[...] = 0
    return out


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x, h, k, rk, b: h, "for 2 units, 1 input"),
    (lambda x, h, k, rk, b: gru_reference(x, h, k, rk, b).T, "shape of h_prev"),
    (lambda x, h, k, rk, b: gru_reference(x, h, k, rk, b)[0], "shape of h_prev"),
    (lambda x, h, k, rk, b: None, "forget to `return`"),
    (_in_place_gru, "in place"),
    (lambda x, h, k, rk, b: x @ k[:, :h.shape[1] + 1], "raised|shape"),
    (lambda x, h, k, rk, b: k @ h, "raised ValueError"),
])
def test_gru_other_wrong_answers_fail(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.gru_step(wrong)


# ---------------------------------------------------------------- temperature sampling


def probs_reference(logits, temperature):
    scaled = np.asarray(logits, dtype=float) / temperature
    weights = np.exp(scaled - scaled.max())
    return weights / weights.sum()


def sample_reference(logits, temperature, rng):
    probs = probs_reference(logits, temperature)
    return int(rng.choice(len(probs), p=probs))


def sample_by_inverse_cdf(logits, temperature, rng):
    cumulative = np.cumsum(probs_reference(logits, temperature))
    return int(min(np.searchsorted(cumulative, rng.random()), len(cumulative) - 1))


@pytest.mark.parametrize("sample", [sample_reference, sample_by_inverse_cdf])
def test_temperature_reference_passes(sample, capsys):
    check.temperature_sampling(probs_reference, sample)
    check.temperature_sampling(probs_reference, sample, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_temperature_blanks_fail():
    def blank_probs(logits, temperature):
        raise NotImplementedError()

    def blank_sample(logits, temperature, rng):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="my_temperature_probs is not implemented"):
        check.temperature_sampling(blank_probs, blank_sample)
    with pytest.raises(CheckFailed, match="my_sample is not implemented"):
        check.temperature_sampling(probs_reference, blank_sample)


def _naive(logits, temperature):
    e = np.exp(np.asarray(logits, dtype=float) / temperature)
    return e / e.sum()


@pytest.mark.parametrize("wrong, phrase", [
    (lambda logits, t: probs_reference(logits, 1 / t), "don't multiply"),
    (lambda logits, t: probs_reference(logits, 1.0), "temperature is missing"),
    (lambda logits, t: np.exp(np.asarray(logits) / t), "normalise"),
    (lambda logits, t: probs_reference(logits, 1.0) / t, "before the softmax"),
    (_naive, "overflows"),
    (lambda logits, t: None, "forget to `return`"),
])
def test_temperature_probs_mistakes_get_their_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.temperature_sampling(wrong, sample_reference)
    assert phrase in str(info.value)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda logits, t, rng: int(np.argmax(logits)), "greedy"),
    (lambda logits, t, rng: int(rng.integers(len(logits))), "about uniform"),
    (lambda logits, t, rng: sample_reference(logits, 1.0, rng), "temperature is missing"),
    (lambda logits, t, rng: sample_reference(logits, 1 / t, rng), "don't multiply"),
    (lambda logits, t, rng: sample_reference(logits, t, np.random.default_rng()), "same seed"),
    (lambda logits, t, rng: probs_reference(logits, t), "expected an int"),
    (lambda logits, t, rng: float(sample_reference(logits, t, rng)), "expected an int"),
    (lambda logits, t, rng: len(logits), "expected an index between"),
    (None, "should be a function"),
])
def test_temperature_sample_mistakes_get_their_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.temperature_sampling(probs_reference, wrong)
    assert phrase in str(info.value)


def test_temperature_uniform_sampler_gets_its_hint():
    # Right at temperatures near 0 (it falls back on argmax there), uniform otherwise.
    def uniform_unless_cold(logits, t, rng):
        return int(np.argmax(logits)) if t < 0.1 else int(rng.integers(len(logits)))

    with pytest.raises(CheckFailed, match="equally often"):
        check.temperature_sampling(probs_reference, uniform_unless_cold)


def test_numpy_integer_results_are_accepted():
    def numpy_int(logits, t, rng):
        probs = probs_reference(logits, t)
        return rng.choice(len(probs), p=probs)  # np.int64, not int

    check.temperature_sampling(probs_reference, numpy_int)
