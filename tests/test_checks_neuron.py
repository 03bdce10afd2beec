"""The checks of notebook 01 accept the reference solutions and reject blanks and
plausible wrong answers with a message that helps."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import scratch
from helpers.checks import CheckFailed
from helpers.checks import neuron as check


def blank(*args, **kwargs):
    raise NotImplementedError()


# ------------------------------------------------------------------------ exercise 1


def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@pytest.mark.parametrize("hidden", [False, True])
def test_sigmoid_accepts_stable_versions(hidden, capsys):
    check.sigmoid(stable_sigmoid, hidden=hidden)
    check.sigmoid(scratch.sigmoid, hidden=hidden)
    out = capsys.readouterr().out
    assert "✔ stable_sigmoid: correct" in out
    assert "✔ sigmoid: correct" in out


def test_sigmoid_blank_is_not_implemented():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.sigmoid(blank)


def test_sigmoid_rejects_the_overflowing_formula():
    def naive(z):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))

    with pytest.raises(CheckFailed) as info:
        check.sigmoid(naive)
    message = str(info.value)
    assert "overflow" in message
    assert "-1000" in message  # names the input that overflowed
    assert "np.exp(-np.abs(z))" in message  # and says how to avoid it


def test_sigmoid_rejects_np_where_of_two_overflowing_branches():
    def where_both(z):
        z = np.asarray(z, dtype=float)
        return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))

    with pytest.raises(CheckFailed, match="computes BOTH"):
        check.sigmoid(where_both)


def test_sigmoid_rejects_a_wrong_formula_with_the_value():
    def wrong(z):
        return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))  # sign of z flipped

    with pytest.raises(CheckFailed) as info:
        check.sigmoid(wrong)
    assert "expected" in str(info.value)
    assert "1 / (1 + exp(-z))" in str(info.value)


def test_sigmoid_hidden_cases_catch_integer_output():
    def masked_without_float(z):
        z = np.asarray(z)  # an int array stays int: the 0.5s are lost
        out = np.empty_like(z)
        pos = z >= 0
        out[pos] = 1 / (1 + np.exp(-z[pos]))
        e = np.exp(z[~pos])
        out[~pos] = e / (1 + e)
        return out

    check.sigmoid(masked_without_float)  # the visible cases use floats only
    with pytest.raises(CheckFailed, match="integer input"):
        check.sigmoid(masked_without_float, hidden=True)


def test_sigmoid_rejects_a_function_that_returns_nothing():
    def forgot_return(z):
        stable_sigmoid(z)

    with pytest.raises(CheckFailed, match="forget to `return`"):
        check.sigmoid(forgot_return)


# ------------------------------------------------------------------------ exercise 2


def vectorised_gradient(x, y, w, b):
    o = scratch.sigmoid(x @ w + b)
    delta = 2.0 * (o - y) * o * (1.0 - o)
    return x.T @ delta / len(x), float(np.mean(delta))


def test_reference_gradient_matches_a_numerical_gradient():
    rng = np.random.default_rng(0)
    x, y, params = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7), rng.normal(size=4)
    dw, db = check._mse_gradient(x, y, params[:3], params[3])
    numeric = scratch.numerical_gradient(
        lambda: scratch.squared_error(y, scratch.sigmoid(x @ params[:3] + params[3])), params)
    np.testing.assert_allclose(np.r_[dw, db], numeric, atol=1e-8)


@pytest.mark.parametrize("hidden", [False, True])
def test_gradient_accepts_the_reference(hidden, capsys):
    check.gradient(vectorised_gradient, hidden=hidden)
    assert "✔ vectorised_gradient: correct" in capsys.readouterr().out


def test_gradient_accepts_a_loop_and_a_one_element_bias():
    def looped(x, y, w, b):
        dw, db = np.zeros_like(w, dtype=float), np.zeros(1)
        for x_k, y_k in zip(x, y, strict=True):
            o = scratch.sigmoid(b + x_k @ w)
            delta = 2 * (o - y_k) * o * (1 - o)
            dw += delta * x_k / len(x)
            db += delta / len(x)
        return dw, db

    check.gradient(looped, hidden=True)


def test_gradient_blank_is_not_implemented():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.gradient(blank)


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda x, y, w, b: tuple(-g for g in vectorised_gradient(x, y, w, b)), "wrong sign"),
        (lambda x, y, w, b: tuple(len(x) * g for g in vectorised_gradient(x, y, w, b)),
         "n times too large"),
        (lambda x, y, w, b: tuple(g / 2 for g in vectorised_gradient(x, y, w, b)),
         "half the right size"),
    ],
    ids=["sign", "sum-not-mean", "no-factor-2"],
)
def test_gradient_names_classic_mistakes(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.gradient(wrong)


def test_gradient_missing_the_sigmoid_derivative():
    def no_slope(x, y, w, b):
        o = scratch.sigmoid(x @ w + b)
        delta = 2.0 * (o - y)
        return x.T @ delta / len(x), float(delta.mean())

    with pytest.raises(CheckFailed) as info:
        check.gradient(no_slope)
    assert "o (1 - o) is missing" in str(info.value)
    assert "expected dw" in str(info.value)


def test_gradient_recognises_the_cross_entropy_gradient():
    def cross_entropy(x, y, w, b):
        o = scratch.sigmoid(x @ w + b)
        return x.T @ (o - y) / len(x), float((o - y).mean())

    with pytest.raises(CheckFailed, match="cross-entropy"):
        check.gradient(cross_entropy)


def test_gradient_rejects_wrong_shapes_and_single_values():
    def column(x, y, w, b):
        dw, db = vectorised_gradient(x, y, w, b)
        return dw[:, None], db

    with pytest.raises(CheckFailed, match="shape"):
        check.gradient(column)
    with pytest.raises(CheckFailed, match="pair"):
        check.gradient(lambda x, y, w, b: vectorised_gradient(x, y, w, b)[0])


def test_gradient_rejects_an_unnamed_mistake_with_values():
    def forgot_bias(x, y, w, b):
        o = scratch.sigmoid(x @ w)  # the bias is ignored in the forward pass
        delta = 2.0 * (o - y) * o * (1.0 - o)
        return x.T @ delta / len(x), float(np.mean(delta))

    with pytest.raises(CheckFailed) as info:
        check.gradient(forgot_bias)
    assert "expected" in str(info.value)
    assert "Hint:" in str(info.value)


# ------------------------------------------------------------------------ exercise 3


def minibatch_sgd(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            dw, db = grad_fn(x[batch], y[batch], w, b)
            w, b = w - lr * dw, b - lr * db
    return w, b


@pytest.mark.parametrize("hidden", [False, True])
def test_train_accepts_the_reference(hidden, capsys):
    check.train(minibatch_sgd, hidden=hidden)
    out = capsys.readouterr().out
    assert "✔ minibatch_sgd: correct" in out
    assert "blobs test accuracy" in out


def test_train_blank_is_not_implemented():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.train(blank)


def test_train_rejects_dropping_the_last_batch():
    def drop_last(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
        rng = np.random.default_rng(seed)
        w, b = np.zeros(x.shape[1]), 0.0
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for k in range(len(x) // batch_size):
                batch = order[k * batch_size:(k + 1) * batch_size]
                dw, db = grad_fn(x[batch], y[batch], w, b)
                w, b = w - lr * dw, b - lr * db
        return w, b

    with pytest.raises(CheckFailed, match="never used"):
        check.train(drop_last)


def test_train_rejects_a_loop_that_never_reshuffles():
    def shuffle_once(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
        order = np.random.default_rng(seed).permutation(len(x))
        w, b = np.zeros(x.shape[1]), 0.0
        for _ in range(epochs):
            for start in range(0, len(x), batch_size):
                batch = order[start:start + batch_size]
                dw, db = grad_fn(x[batch], y[batch], w, b)
                w, b = w - lr * dw, b - lr * db
        return w, b

    with pytest.raises(CheckFailed, match="shuffles them anew"):
        check.train(shuffle_once)


def test_train_rejects_gradient_ascent():
    def ascent(x, y, grad_fn, **kwargs):
        kwargs["lr"] = -kwargs["lr"]
        return minibatch_sgd(x, y, grad_fn, **kwargs)

    with pytest.raises(CheckFailed) as info:
        check.train(ascent)
    assert "expected" in str(info.value)
    assert "w = w - lr * dw" in str(info.value)


def test_train_rejects_the_gradient_taken_at_the_start_weights():
    def stale(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
        rng = np.random.default_rng(seed)
        w0 = np.zeros(x.shape[1])
        w, b = w0.copy(), 0.0
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), batch_size):
                batch = order[start:start + batch_size]
                dw, db = grad_fn(x[batch], y[batch], w0, 0.0)  # always at the start
                w, b = w - lr * dw, b - lr * db
        return w, b

    with pytest.raises(CheckFailed, match="CURRENT w and b"):
        check.train(stale)


def test_train_rejects_a_loop_that_loses_the_bias():
    def no_bias(x, y, grad_fn, **kwargs):
        w, _ = minibatch_sgd(x, y, grad_fn, **kwargs)
        return w, 0.0

    with pytest.raises(CheckFailed, match="b returned by"):
        check.train(no_bias)


# ----------------------------------------------------- passing examples (not in docstrings)


def test_docstring_style_solutions_pass(capsys):
    # These were the docstrings' examples; a check's docstring now shows a wrong answer.
    check.sigmoid(lambda z: 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float))))
    check.gradient(check._mse_gradient)
    check.train(minibatch_sgd)
    out = capsys.readouterr().out
    assert "✔ sigmoid: correct (5 cases)." in out
    assert "✔ _mse_gradient: correct (4 cases" in out
    assert "✔ minibatch_sgd: correct" in out


def test_reference_gradient_is_not_exported():
    assert "mse_gradient" not in check.__all__ and "_mse_gradient" not in check.__all__
    assert not hasattr(check, "mse_gradient")
