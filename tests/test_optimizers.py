"""helpers.optimizers: the numpy steps equal keras.optimizers step by step, and refuse bad input."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import optimizers

RNG = np.random.default_rng(0)
W0 = RNG.normal(size=(3, 2))
GRADS = RNG.normal(size=(12, 3, 2)) * RNG.choice([0.1, 1.0, 10.0], size=(12, 3, 2))


def _numpy_path(method, **hyper):
    feed = iter(GRADS)
    return optimizers.descend(method, lambda w: next(feed), W0, len(GRADS), **hyper)


@pytest.mark.parametrize("method, keras_optimizer, hyper", [
    ("sgd", lambda: keras.optimizers.SGD(0.05), {"lr": 0.05}),
    ("momentum", lambda: keras.optimizers.SGD(0.05, momentum=0.9),
     {"lr": 0.05, "momentum": 0.9}),
    ("rmsprop", lambda: keras.optimizers.RMSprop(0.01, rho=0.8), {"lr": 0.01, "rho": 0.8}),
    ("adam", lambda: keras.optimizers.Adam(0.01), {"lr": 0.01}),
    ("adam", lambda: keras.optimizers.Adam(0.1, beta_1=0.5, beta_2=0.9),
     {"lr": 0.1, "beta1": 0.5, "beta2": 0.9}),
])
def test_steps_equal_keras(method, keras_optimizer, hyper):
    ours = _numpy_path(method, **hyper)
    theirs = optimizers.keras_path(keras_optimizer(), W0, GRADS)
    assert ours.shape == theirs.shape == (len(GRADS) + 1, 3, 2)
    # Keras computes in float32; the paths must still agree to 1e-6.
    np.testing.assert_allclose(ours, theirs, atol=1e-6, rtol=0)
    assert np.abs(ours[-1] - W0).max() > 0.01  # the weights really moved


def test_steps_do_not_change_their_arguments():
    w, g, m, v = (np.ones(2), np.full(2, 0.5), np.full(2, 0.1), np.full(2, 0.2))
    copies = [a.copy() for a in (w, g, m, v)]
    optimizers.adam_step(w, g, m, v, t=3)
    optimizers.momentum_step(w, g, m)
    optimizers.rmsprop_step(w, g, v)
    for a, b in zip((w, g, m, v), copies, strict=True):
        np.testing.assert_array_equal(a, b)


def test_adam_first_step_is_lr_times_sign():
    w, _, _ = optimizers.adam_step(np.zeros(3), np.array([-5.0, 0.01, 2.0]), np.zeros(3),
                                   np.zeros(3), t=1, lr=0.1)
    np.testing.assert_allclose(w, [0.1, -0.1, -0.1], rtol=1e-3)  # eps shows at 0.01


def test_descend_on_a_quadratic_converges():
    def grad(w):
        return np.array([1.0, 25.0]) * w

    for method, hyper in [("sgd", {"lr": 0.07}), ("momentum", {"lr": 0.02}),
                          ("rmsprop", {"lr": 0.05}), ("adam", {"lr": 0.2})]:
        path = optimizers.descend(method, grad, [-4.0, 1.5], 300, **hyper)
        assert np.abs(path[-1]).max() < 0.1, method


@pytest.mark.parametrize("call, message", [
    (lambda: optimizers.adam_step([1.0], [1.0], [0.0], [0.0], t=0), "counted from 1"),
    (lambda: optimizers.adam_step([1.0], [1.0, 2.0], [0.0], [0.0], t=1), "same"),
    (lambda: optimizers.sgd_step([1.0], [1.0], lr=-0.1), "positive"),
    (lambda: optimizers.momentum_step([1.0], [1.0], [0.0], momentum=1.0), "momentum"),
    (lambda: optimizers.rmsprop_step([1.0], [1.0], [0.0], rho=1.5), "rho"),
    (lambda: optimizers.descend("nesterov", lambda w: w, [1.0], 3), "method"),
    (lambda: optimizers.keras_path(keras.optimizers.SGD(0.1), [1.0], [[1.0, 2.0]]), "shape"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
