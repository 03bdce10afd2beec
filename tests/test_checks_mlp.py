"""The checks of notebook 02 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.checks import CheckFailed
from helpers.checks import mlp as check

# ------------------------------------------------------------------ dense_tanh_backward


def backward_reference(x, W, b, grad_a):
    dz = grad_a * (1.0 - np.tanh(x @ W + b) ** 2)
    return x.T @ dz, dz.sum(axis=0), dz @ W.T


def backward_blank(x, W, b, grad_a):
    raise NotImplementedError()


def test_backward_reference_passes(capsys):
    check.dense_tanh_backward(backward_reference)
    check.dense_tanh_backward(backward_reference, hidden=True)
    assert "correct" in capsys.readouterr().out


def test_backward_reference_matches_scratch_mlp():
    # The check's reference agrees with the course's numpy MLP on a one-layer net.
    from helpers import scratch

    net = scratch.MLP([3, 2], activation="tanh", output="tanh", seed=0)
    x = np.random.default_rng(0).normal(size=(5, 3))
    grad_a = np.random.default_rng(1).normal(size=(5, 2))
    net.forward(x)
    d_w, d_b = net.backward(grad_a)
    ours = backward_reference(x, net.weights[0], net.biases[0], grad_a)
    np.testing.assert_allclose(ours[0], d_w)
    np.testing.assert_allclose(ours[1], d_b)


def test_backward_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.dense_tanh_backward(backward_blank)


@pytest.mark.parametrize("wrong, phrase", [
    # forgets the tanh derivative altogether
    (lambda x, W, b, g: (x.T @ g, g.sum(axis=0), g @ W.T), "skipped the tanh"),
    # uses 1 - z^2 instead of 1 - tanh(z)^2
    (lambda x, W, b, g: (x.T @ (g * (1 - (x @ W + b) ** 2)),
                         (g * (1 - (x @ W + b) ** 2)).sum(axis=0),
                         (g * (1 - (x @ W + b) ** 2)) @ W.T), "not 1 - z^2"),
    # averages the bias gradient over the batch
    (lambda x, W, b, g: (lambda dz: (x.T @ dz, dz.mean(axis=0), dz @ W.T))(
        g * (1 - np.tanh(x @ W + b) ** 2)), "don't average"),
    # forgets to sum the bias gradient: shape (batch, units)
    (lambda x, W, b, g: (lambda dz: (x.T @ dz, dz, dz @ W.T))(
        g * (1 - np.tanh(x @ W + b) ** 2)), "expected shape (2,)"),
    # backpropagates dL/da instead of dL/dz to the input
    (lambda x, W, b, g: (lambda dz: (x.T @ dz, dz.sum(axis=0), g @ W.T))(
        g * (1 - np.tanh(x @ W + b) ** 2)), "not dL/da"),
    # returns the gradients in the wrong order
    (lambda x, W, b, g: backward_reference(x, W, b, g)[::-1], "shape"),
    # returns only two of them
    (lambda x, W, b, g: backward_reference(x, W, b, g)[:2], "tuple of three"),
])
def test_backward_wrong_answers_fail_with_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match="Hint") as info:
        check.dense_tanh_backward(wrong)
    assert phrase in str(info.value)


def test_backward_in_place_change_fails():
    def in_place(x, W, b, grad_a):
        grad_a *= 1.0 - np.tanh(x @ W + b) ** 2
        return x.T @ grad_a, grad_a.sum(axis=0), grad_a @ W.T

    with pytest.raises(CheckFailed, match="in place"):
        check.dense_tanh_backward(in_place)


def test_backward_batch_of_one_is_tested():
    # A solution that only works for batches larger than one must fail.
    def squeezes(x, W, b, grad_a):
        dz = np.squeeze(grad_a * (1.0 - np.tanh(x @ W + b) ** 2))
        return x.T @ dz.reshape(len(x), -1), dz.sum(axis=0), dz @ W.T

    with pytest.raises(CheckFailed):
        check.dense_tanh_backward(squeezes)


# --------------------------------------------------------------------- two_branch_model


def two_branch_reference():
    inputs = keras.Input(shape=(2,))
    a = keras.layers.Dense(8, activation="relu")(inputs)
    b = keras.layers.Dense(8, activation="tanh")(inputs)
    merged = keras.layers.concatenate([a, b])
    outputs = keras.layers.Dense(1, activation="sigmoid")(merged)
    return keras.Model(inputs, outputs)


def two_branch_swapped():
    # The branches concatenated in the other order compute the same family of functions.
    inputs = keras.Input(shape=(2,))
    a = keras.layers.Dense(8, activation="relu")(inputs)
    b = keras.layers.Dense(8, activation="tanh")(inputs)
    merged = keras.layers.Concatenate()([b, a])
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(merged))


def test_two_branch_reference_passes(capsys):
    check.two_branch_model(two_branch_reference)
    check.two_branch_model(two_branch_reference, hidden=True)
    check.two_branch_model(two_branch_swapped)
    assert "correct" in capsys.readouterr().out


def test_two_branch_blank_fails():
    def blank():
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.two_branch_model(blank)


def _model(branch_b_from_a=False, merge="concatenate", acts=("relu", "tanh"),
           head="sigmoid", units=8):
    inputs = keras.Input(shape=(2,))
    a = keras.layers.Dense(units, activation=acts[0])(inputs)
    b = keras.layers.Dense(units, activation=acts[1])(a if branch_b_from_a else inputs)
    merged = getattr(keras.layers, merge)([a, b])
    return keras.Model(inputs, keras.layers.Dense(1, activation=head)(merged))


@pytest.mark.parametrize("build, phrase", [
    (lambda: _model(merge="add"), "no Concatenate layer"),
    (lambda: _model(acts=("relu", "relu")), "one Dense(8, relu) and one Dense(8, tanh)"),
    (lambda: _model(head=None), "expected Dense(1, sigmoid)"),
    (lambda: _model(units=16), "Concatenate layer outputs shape (None, 32)"),
    (lambda: _model(branch_b_from_a=True), "parameters, expected 65"),
    (lambda: None, "did you forget"),
    (lambda: keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(8, activation="relu"),
                               keras.layers.Dense(1, activation="sigmoid")]),
     "no Concatenate layer"),
])
def test_two_branch_wrong_answers_fail_with_hint(build, phrase):
    with pytest.raises(CheckFailed, match="Hint") as info:
        check.two_branch_model(build)
    assert phrase in str(info.value)


def test_two_branch_wiring_is_checked():
    # Right layers and parameter count, wrong graph: branch B reads the input twice over
    # a Dense layer that is not part of the output's computation in the spec's way.
    def shuffled():
        inputs = keras.Input(shape=(2,))
        flipped = keras.layers.Lambda(lambda t: t[:, ::-1])(inputs)
        a = keras.layers.Dense(8, activation="relu")(inputs)
        b = keras.layers.Dense(8, activation="tanh")(flipped)
        merged = keras.layers.concatenate([a, b])
        return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(merged))

    with pytest.raises(CheckFailed, match="both Dense"):
        check.two_branch_model(shuffled)


def test_two_branch_hidden_wants_a_new_model_each_call():
    built = two_branch_reference()
    check.two_branch_model(lambda: built)
    with pytest.raises(CheckFailed, match="same model object"):
        check.two_branch_model(lambda: built, hidden=True)


# ------------------------------------------------------------------- trained_classifier


def train_reference(ds):
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(ds.x_train, ds.y_train, epochs=15, batch_size=16, verbose=0)
    return model


def test_trained_classifier_reference_passes(capsys):
    check.trained_classifier(train_reference)
    check.trained_classifier(train_reference, seed=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("correct (test accuracy" in line for line in lines)


def test_trained_classifier_never_shows_the_test_points():
    seen = []

    def peeking(ds):
        seen.append((len(ds.x_test), len(ds.y_test), len(ds.x_train)))
        return train_reference(ds)

    check.trained_classifier(peeking)
    assert seen[0][:2] == (0, 0) and seen[0][2] > 0


def test_trained_classifier_blank_fails():
    def blank(ds):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.trained_classifier(blank)


def test_trained_classifier_linear_model_fails():
    def linear(ds):
        model = keras.Sequential([keras.Input(shape=(2,)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        model.fit(ds.x_train, ds.y_train, epochs=5, batch_size=64, verbose=0)
        return model

    with pytest.raises(CheckFailed, match="at least 0.95") as info:
        check.trained_classifier(linear)
    assert "hidden layer" in str(info.value)


def test_trained_classifier_untrained_and_history_fail():
    def untrained(ds):
        return keras.Sequential([keras.Input(shape=(2,)),
                                 keras.layers.Dense(1, activation="sigmoid",
                                                    kernel_initializer="zeros")])

    with pytest.raises(CheckFailed, match="did you call fit"):
        check.trained_classifier(untrained)

    def history(ds):
        model = untrained(ds)
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model.fit(ds.x_train, ds.y_train, epochs=1, verbose=0)

    with pytest.raises(CheckFailed, match="History"):
        check.trained_classifier(history)


def test_trained_classifier_logits_and_time_limit():
    def logits(ds):
        model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
        model.layers[0].set_weights([np.array([[5.0], [5.0]]), np.array([3.0])])
        return model

    with pytest.raises(CheckFailed, match="probabilities"):
        check.trained_classifier(logits)
    with pytest.raises(CheckFailed, match="more than"):
        check.trained_classifier(train_reference, max_seconds=0.0)


# ---------------------------------------------------------------------------- adam_step


def adam_reference(w, grad, m, v, t, lr, beta1, beta2, eps):
    # The paper's algorithm 1, eps after the bias correction (the check accepts both places).
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_keras_style(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * m / (np.sqrt(v) + eps), m, v


def test_adam_reference_passes(capsys):
    from helpers import optimizers

    for student in (adam_reference, adam_keras_style, optimizers.adam_step):
        check.adam_step(student)
        check.adam_step(student, hidden=True)
    assert capsys.readouterr().out.count("✔ my_adam_step: correct") == 6


def test_adam_blank_fails():
    def blank(w, grad, m, v, t, lr, beta1, beta2, eps):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.adam_step(blank)


def _adam_variant(correct_t=0, root=np.sqrt, sign=-1, return_hat=False, swap=False,
                  in_place=False):
    def step(w, grad, m, v, t, lr, beta1, beta2, eps):
        if in_place:
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad ** 2
        elif swap:
            m = (1 - beta1) * m + beta1 * grad
            v = (1 - beta2) * v + beta2 * grad ** 2
        else:
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
        if correct_t is None:
            m_hat, v_hat = m, v
        else:
            m_hat = m / (1 - beta1 ** (t + correct_t))
            v_hat = v / (1 - beta2 ** (t + correct_t))
        w = w + sign * lr * m_hat / (root(v_hat) + eps)
        return (w, m_hat, v_hat) if return_hat else (w, m, v)

    return step


@pytest.mark.parametrize("wrong, phrase", [
    (_adam_variant(correct_t=None), "no bias correction"),
    (_adam_variant(correct_t=1), "t counts steps from 1"),
    (_adam_variant(root=lambda x: x), "square root of v_hat"),
    (_adam_variant(sign=1), "against the gradient"),
    (_adam_variant(return_hat=True), "not the bias-corrected"),
    (_adam_variant(swap=True), "keep beta of the old value"),
    (_adam_variant(in_place=True), "in place"),
    (lambda w, grad, m, v, t, lr, beta1, beta2, eps: adam_reference(
        w, grad, m, v, t, lr, beta1, beta2, eps)[0], "tuple of three"),
    (lambda w, grad, m, v, t, lr, beta1, beta2, eps: w - lr * grad, "tuple of three"),
])
def test_adam_wrong_answers_fail_with_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match="Hint") as info:
        check.adam_step(wrong)
    assert phrase in str(info.value)


def test_adam_hidden_cases_differ_from_public_ones():
    public = check._adam_cases(hidden=False)
    hidden = check._adam_cases(hidden=True)
    assert not any(np.array_equal(a[0], b[0]) for a in public for b in hidden
                   if a[0].shape == b[0].shape)
    assert {c[4] for c in public} != {c[4] for c in hidden}


@pytest.mark.parametrize("secret", ["teacher-secret-1", "another one"])
def test_adam_hidden_cases_come_from_the_secret_and_the_reference_passes(secret, monkeypatch,
                                                                          capsys):
    monkeypatch.delenv("COURSE_HIDDEN_SEED", raising=False)
    public = check._adam_cases(hidden=True)
    monkeypatch.setenv("COURSE_HIDDEN_SEED", secret)
    secret_cases = check._adam_cases(hidden=True)
    assert not any(np.array_equal(a[0], b[0]) for a, b in zip(public, secret_cases, strict=True))
    check.adam_step(adam_reference, hidden=True)
    assert "correct" in capsys.readouterr().out
