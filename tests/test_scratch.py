"""helpers.scratch against numerical gradients and against Keras itself."""

from __future__ import annotations

import functools
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import scratch
from helpers.data import load

# (name, function, derivative) for every elementwise activation, parameters included.
ACTIVATIONS = [
    ("sigmoid", scratch.sigmoid, scratch.sigmoid_grad),
    ("tanh", scratch.tanh, scratch.tanh_grad),
    ("relu", scratch.relu, scratch.relu_grad),
    ("leaky_relu", scratch.leaky_relu, scratch.leaky_relu_grad),
    ("leaky_relu(0.3)", functools.partial(scratch.leaky_relu, alpha=0.3),
     functools.partial(scratch.leaky_relu_grad, alpha=0.3)),
    ("elu", scratch.elu, scratch.elu_grad),
    ("elu(0.7)", functools.partial(scratch.elu, alpha=0.7),
     functools.partial(scratch.elu_grad, alpha=0.7)),
    *[(name, f, df) for name, (f, df) in scratch.ACTIVATIONS.items()],
]


def _points_away_from_kinks(seed: int = 0, n: int = 60) -> np.ndarray:
    z = np.random.default_rng(seed).uniform(-4.0, 4.0, size=n)
    return z[np.abs(z) > 0.05]  # relu, leaky relu and elu bend at 0


@pytest.mark.parametrize(("name", "f", "df"), ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_derivative_matches_numerical_gradient(name, f, df):
    z = _points_away_from_kinks()
    # Elementwise activations: the gradient of sum(f(z)) is f'(z) at every point.
    numeric = scratch.numerical_gradient(lambda: float(np.sum(f(z))), z)
    np.testing.assert_allclose(df(z), numeric, rtol=1e-6, atol=1e-8)
    assert df(z).shape == z.shape


def test_activation_derivatives_at_the_kink_follow_keras():
    z = np.array([0.0])
    assert scratch.relu_grad(z)[0] == 0.0
    assert scratch.leaky_relu_grad(z, alpha=0.2)[0] == 0.2
    assert scratch.elu_grad(z, alpha=0.5)[0] == 0.5


def test_maxout_gradient_matches_numerical_gradient():
    z = np.random.default_rng(1).normal(size=(5, 3))
    numeric = scratch.numerical_gradient(lambda: float(np.sum(scratch.maxout(z))), z)
    np.testing.assert_allclose(scratch.maxout_grad(z), numeric, atol=1e-8)
    np.testing.assert_allclose(scratch.maxout(np.stack([np.zeros(4), z[:4, 0]], axis=-1)),
                               scratch.relu(z[:4, 0]))
    with pytest.raises(ValueError, match=r"shape \(\)"):
        scratch.maxout(3.0)


KERAS_ACTIVATIONS = [
    ("sigmoid", scratch.sigmoid, keras.activations.sigmoid),
    ("tanh", scratch.tanh, keras.activations.tanh),
    ("relu", scratch.relu, keras.activations.relu),
    ("leaky_relu", functools.partial(scratch.leaky_relu, alpha=0.15),
     functools.partial(keras.activations.leaky_relu, negative_slope=0.15)),
    ("elu", functools.partial(scratch.elu, alpha=0.6),
     functools.partial(keras.activations.elu, alpha=0.6)),
]


@pytest.mark.parametrize(("name", "ours", "theirs"), KERAS_ACTIVATIONS,
                         ids=[a[0] for a in KERAS_ACTIVATIONS])
def test_activation_matches_keras(name, ours, theirs):
    z = np.random.default_rng(2).normal(0.0, 3.0, size=(4, 25)).astype("float32")
    z[0, :3] = [0.0, 50.0, -50.0]
    expected = keras.ops.convert_to_numpy(theirs(keras.ops.convert_to_tensor(z)))
    got = ours(z)
    assert got.shape == z.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_sigmoid_is_stable_at_extremes():
    z = np.array([-1000.0, -745.0, 0.0, 745.0, 1000.0])
    # Underflow to 0 is the right answer; overflow or 0/0 would be the bug.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = scratch.sigmoid(z)
        ds = scratch.sigmoid_grad(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert ds[0] == 0.0 and ds[-1] == 0.0
    assert 0.0 < s[1] < 1e-300  # tiny, not rounded to 0 by an overflow
    assert scratch.sigmoid(0.0).shape == ()  # scalars keep their shape


def test_squared_error_matches_keras():
    rng = np.random.default_rng(3)
    y_true = rng.normal(size=(8, 3))
    y_pred = rng.normal(size=(8, 3))
    expected = float(keras.losses.MeanSquaredError()(y_true, y_pred))
    assert scratch.squared_error(y_true, y_pred) == pytest.approx(expected, rel=1e-5)
    assert scratch.squared_error([1.0, 0.0], [0.5, 0.5]) == pytest.approx(0.25)


def test_squared_error_gradient_matches_numerical_gradient():
    rng = np.random.default_rng(4)
    y_true = rng.normal(size=(6, 2))
    y_pred = rng.normal(size=(6, 2))
    numeric = scratch.numerical_gradient(lambda: scratch.squared_error(y_true, y_pred), y_pred)
    np.testing.assert_allclose(scratch.squared_error_grad(y_true, y_pred), numeric, atol=1e-8)


def test_neuron():
    assert float(scratch.neuron([1.0, 2.0], [0.5, -1.0], b=1.0)) == pytest.approx(-0.5)
    batch = scratch.neuron([[1.0, 2.0], [0.0, 0.0]], [0.5, -1.0], b=1.0)
    np.testing.assert_allclose(batch, [-0.5, 1.0])


# --------------------------------------------------------------------------------- MLP


def _data(n=7, d=3, k=2, seed=5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.uniform(size=(n, k))


@pytest.mark.parametrize(("hidden", "output"),
                         [("tanh", "sigmoid"), ("relu", "linear"), ("elu", "tanh"),
                          ("leaky_relu", "sigmoid"), ("sigmoid", "relu")])
def test_mlp_backward_matches_numerical_gradient(hidden, output):
    x, y = _data()
    net = scratch.MLP([3, 5, 4, 2], activation=hidden, output=output, seed=1)
    for b in net.biases:  # non-zero biases so that their gradients are tested too
        b += np.random.default_rng(2).normal(0.0, 0.3, size=b.shape)
    loss, grads = net.loss_and_grads(x, y)
    assert loss == pytest.approx(scratch.squared_error(y, net.forward(x)))
    assert [g.shape for g in grads] == [p.shape for p in net.params]
    for param, grad in zip(net.params, grads, strict=True):
        # params are the network's own arrays: perturbing one changes the forward pass.
        numeric = scratch.numerical_gradient(lambda: scratch.squared_error(y, net.forward(x)),
                                             param)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(("hidden", "output"),
                         [("tanh", "sigmoid"), ("relu", "linear"), ("elu", "sigmoid")])
def test_mlp_matches_keras_gradient_tape(hidden, output):
    x, y = _data(n=9, d=3, k=2, seed=6)
    net = scratch.MLP([3, 6, 2], activation=hidden, output=output, seed=3)
    net.biases[0] += 0.1
    model = keras.Sequential([
        keras.Input(shape=(3,), dtype="float64"),
        keras.layers.Dense(6, activation=hidden, dtype="float64"),
        keras.layers.Dense(2, activation=output, dtype="float64"),
    ])
    model.set_weights(net.params)

    loss, grads = net.loss_and_grads(x, y)
    with tf.GradientTape() as tape:
        out = model(tf.constant(x), training=False)
        keras_loss = tf.reduce_mean(tf.square(out - y))
    keras_grads = tape.gradient(keras_loss, model.trainable_variables)

    np.testing.assert_allclose(net.forward(x), out.numpy(), rtol=1e-10)
    assert loss == pytest.approx(float(keras_loss), rel=1e-10)
    assert len(keras_grads) == len(grads)
    for ours, theirs in zip(grads, keras_grads, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-8, atol=1e-12)
    # And the keras loss object agrees on what the loss is.
    assert loss == pytest.approx(float(keras.losses.MeanSquaredError()(y, out)), rel=1e-5)


def test_mlp_fit_learns_xor():
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    net = scratch.MLP([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    losses = net.fit(x, y, lr=1.0, epochs=2000)
    assert len(losses) == 2000
    assert losses[-1] < 0.01 < losses[0]
    assert losses[-1] < losses[len(losses) // 2] < losses[0]
    np.testing.assert_array_equal(net.forward(x).ravel() > 0.5, y > 0.5)


def test_mlp_weights_are_keras_shaped():
    net = scratch.MLP([2, 3, 1], seed=0)
    assert [p.shape for p in net.params] == [(2, 3), (3,), (3, 1), (1,)]
    limit = np.sqrt(6.0 / (2 + 3))  # Glorot uniform
    assert np.all(np.abs(net.weights[0]) <= limit)
    np.testing.assert_array_equal(scratch.MLP([2, 3, 1], seed=0).weights[0], net.weights[0])


def test_sgd_neuron_learns_a_separable_problem():
    ds = load("blobs", n=200, noise=0.5, seed=0)  # a narrow spread: linearly separable
    w, b, history = scratch.sgd_neuron(ds.x_train, ds.y_train, epochs=20, lr=0.5, seed=0)
    assert len(history) == 20
    assert history[-1][2] < history[0][2]
    np.testing.assert_array_equal(history[-1][0], w)
    assert history[-1][1] == b
    predictions = scratch.sigmoid(scratch.neuron(ds.x_test, w, b)) > 0.5
    assert np.mean(predictions == ds.y_test) == 1.0
    assert history[-1][2] < 0.02
    # The same seed gives the same run.
    w2, b2, _ = scratch.sgd_neuron(ds.x_train, ds.y_train, epochs=20, lr=0.5, seed=0)
    np.testing.assert_array_equal(w, w2)
    assert b == b2


# ----------------------------------------------------------------------------- bad input


def test_bad_inputs_are_named():
    with pytest.raises(TypeError, match=r"\bz\b.*dtype"):
        scratch.sigmoid(["a", "b"])
    with pytest.raises(TypeError, match=r"\bz\b"):
        scratch.relu([[1.0, 2.0], [3.0]])  # ragged
    with pytest.raises(TypeError, match="real"):
        scratch.tanh(np.array([1 + 2j]))
    with pytest.raises(TypeError, match=r"\bx\b.*dtype"):
        scratch.neuron(["1", "2"], [1.0, 2.0])
    with pytest.raises(ValueError, match="3 features.*2 weights"):
        scratch.neuron([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"\bw\b.*shape \(2, 1\)"):
        scratch.neuron([1.0, 2.0], [[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        scratch.squared_error([1.0, 2.0], [1.0, 2.0, 3.0])


def test_sgd_neuron_bad_inputs():
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match="4 rows.*3 labels"):
        scratch.sgd_neuron(x, np.zeros(3))
    with pytest.raises(ValueError, match="'softsign'.*sigmoid"):
        scratch.sgd_neuron(x, np.zeros(4), activation="softsign")
    with pytest.raises(ValueError, match=r"\bx\b.*shape \(4,\)"):
        scratch.sgd_neuron(np.zeros(4), np.zeros(4))
    with pytest.raises(TypeError, match=r"\by\b.*dtype"):
        scratch.sgd_neuron(x, np.array(["a", "b", "a", "b"]))
    with pytest.raises(ValueError, match="epochs.*'ten'"):
        scratch.sgd_neuron(x, np.zeros(4), epochs="ten")


def test_mlp_bad_inputs():
    with pytest.raises(ValueError, match="'swish'"):
        scratch.MLP([2, 1], activation="swish")
    with pytest.raises(ValueError, match="'softmax'"):
        scratch.MLP([2, 1], output="softmax")
    with pytest.raises(ValueError, match="two widths"):
        scratch.MLP([2])
    with pytest.raises(ValueError, match=r"sizes\[1\].*0"):
        scratch.MLP([2, 0, 1])
    with pytest.raises(ValueError, match=r"sizes\[0\].*'2'"):
        scratch.MLP(["2", 1])
    net = scratch.MLP([2, 3, 1])
    with pytest.raises(RuntimeError, match="forward"):
        net.backward(np.zeros((4, 1)))
    with pytest.raises(ValueError, match="3 features.*expects 2"):
        net.forward(np.zeros((4, 3)))
    with pytest.raises(TypeError, match=r"\bx\b.*dtype"):
        net.forward(np.array([["a", "b"]]))
    net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(1, 1\)"):
        net.backward(np.zeros((1, 1)))  # would broadcast into wrong gradients
    with pytest.raises(ValueError, match=r"\by\b.*shape \(3,\)"):
        net.loss_and_grads(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="epochs"):
        net.fit(np.zeros((4, 2)), np.zeros(4), epochs=-1)
    with pytest.raises(TypeError, match="float numpy array"):
        scratch.numerical_gradient(lambda: 0.0, np.array([1, 2]))
