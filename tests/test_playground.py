"""helpers.playground: settings, data, features, the network, training, pictures, panel."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from helpers import playground
from helpers.playground import FEATURES, Settings, expand_features, make_data, train

# ------------------------------------------------------------------------------ Settings


@pytest.mark.parametrize("field, value, phrase", [
    ("dataset", "spiral", "did you mean 'spirals'"),
    ("dataset", "mnist", "Settings.dataset"),
    ("hidden", (4, 0), "Settings.hidden"),
    ("hidden", (4.0, 2), "Settings.hidden"),
    ("hidden", "4, 2", "Settings.hidden"),
    ("hidden", (2,) * 9, "at most 8"),
    ("activation", "softmax", "Settings.activation"),
    ("learning_rate", 0.0, "Settings.learning_rate"),
    ("learning_rate", float("nan"), "Settings.learning_rate"),
    ("learning_rate", "0.03", "Settings.learning_rate"),
    ("regularization", "l3", "Settings.regularization"),
    ("regularization_rate", -1.0, "Settings.regularization_rate"),
    ("noise", 0.6, "Settings.noise"),
    ("noise", 50, "the playground.s noise 50 is 0.5 here"),
    ("features", ("x1", "x3"), "unknown feature 'x3'"),
    ("features", (), "Settings.features is empty"),
    ("features", ("x1", "x1"), "twice"),
    ("batch_size", 0, "Settings.batch_size"),
    ("batch_size", 2.5, "Settings.batch_size"),
    ("epochs", 0, "Settings.epochs"),
    ("epochs", True, "Settings.epochs"),
    ("test_fraction", 0.95, "Settings.test_fraction"),
    ("n_points", 10, "Settings.n_points"),
    ("optimizer", "rmsprop", "Settings.optimizer"),
    ("seed", -1, "Settings.seed"),
])
def test_settings_name_the_bad_field(field, value, phrase):
    with pytest.raises(ValueError, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        Settings(**{field: value})


def test_a_rate_without_a_regularization_is_an_error():
    with pytest.raises(ValueError, match="regularization_rate.*no effect"):
        Settings(regularization_rate=0.01)
    assert Settings(regularization="L2", regularization_rate=0.01).regularization == "l2"
    assert Settings(regularization="none").regularization is None


def test_settings_are_normalised():
    s = Settings(" Spirals ", hidden=[8, 4], activation="ReLU",
                 features=["sin(x2)", "x1*x2", "X1", "x2**2"])
    assert s.dataset == "spirals" and s.hidden == (8, 4) and s.activation == "relu"
    assert s.features == ("x1", "x2^2", "x1x2", "sin(x2)")  # the playground's order
    assert Settings(hidden=5).hidden == (5,) and Settings(hidden=None).hidden == ()
    assert Settings(features="x1").features == ("x1",)
    assert Settings(hidden=(8, 8, 4)).n_neurons == 20
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().hidden = (1,)
    with pytest.raises(ValueError, match="Settings.noise"):
        Settings().replace(noise=2.0)


# ------------------------------------------------------------------------------- data


@pytest.mark.parametrize("name", playground.DATASETS)
def test_make_data_is_deterministic_balanced_and_in_the_square(name):
    s = Settings(name, n_points=200, test_fraction=0.3, seed=3)
    a, b = make_data(s), make_data(s)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.x_train.shape == (140, 2) and a.x_test.shape == (60, 2)
    assert a.x_train.dtype == np.float32 and set(np.unique(a.y_train)) == {0, 1}
    assert abs(a.y_train.mean() - 0.5) < 0.1
    assert np.abs(a.x_train).max() < 7.5  # the playground's square is [-6, 6]^2
    assert not np.array_equal(a.x_train, make_data(s.replace(seed=4)).x_train)


def test_make_data_puts_the_shapes_where_the_features_expect_them():
    # XOR: class 1 in the quadrants where x1 * x2 < 0 ... or > 0, consistently.
    xor = make_data(Settings("xor"))
    sign = np.sign(xor.x_train[:, 0] * xor.x_train[:, 1]) > 0
    assert max(np.mean(sign == (xor.y_train == 1)), np.mean(sign != (xor.y_train == 1))) > 0.95
    # Circles: centred on the origin, radii about 2.5 and 5.
    circles = make_data(Settings("circles"))
    radius = np.hypot(*circles.x_train.T)
    inner = radius[circles.y_train == 1]
    outer = radius[circles.y_train == 0]
    assert abs(np.median(inner) - 2.5) < 0.3 and abs(np.median(outer) - 5.0) < 0.3


def test_noise_spreads_the_points():
    def spread(noise):
        ds = make_data(Settings("circles", noise=noise, n_points=400))
        radius = np.hypot(*ds.x_train.T)
        return radius[ds.y_train == 0].std()

    assert spread(0.0) < spread(0.25) < spread(0.5)


# --------------------------------------------------------------------------- features


def test_expand_features_matches_the_formulas():
    rng = np.random.default_rng(0)
    x = rng.uniform(-6, 6, size=(10, 2))
    got = expand_features(x)
    x1, x2 = x[:, 0], x[:, 1]
    expected = np.c_[x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)]
    assert got.shape == (10, 7) and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(expand_features(x, ["sin(x2)", "x1"]), expected[:, [6, 0]],
                               rtol=1e-6)
    assert expand_features(np.zeros((0, 2))).shape == (0, 7)
    assert expand_features(x, "x1x2").shape == (10, 1)


def test_expand_features_rejects_bad_input():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        expand_features(np.zeros(3))
    with pytest.raises(ValueError, match="unknown feature 'x1^3'".replace("^", r"\^")):
        expand_features(np.zeros((1, 2)), ["x1^3"])


# ------------------------------------------------------------------------------ model


def test_build_model_layers_regularizers_and_standardization():
    import keras

    s = Settings(hidden=(4, 3), activation="relu", features=FEATURES,
                 regularization="l1", regularization_rate=0.01)
    f = expand_features(make_data(s).x_train, s.features)
    model = playground.build_model(s, f)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [4, 3, 1]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "sigmoid"]
    assert all(isinstance(layer.kernel_regularizer, keras.regularizers.L1) for layer in dense)
    assert float(dense[0].kernel_regularizer.l1) == pytest.approx(0.01)
    standardized = keras.ops.convert_to_numpy(model.get_layer("standardize")(f))
    np.testing.assert_allclose(standardized.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(standardized.std(axis=0), 1, atol=1e-3)
    with pytest.raises(ValueError, match=r"shape \(n, 7\)"):
        playground.build_model(s, f[:, :2])
    none = playground.build_model(Settings(hidden=()))
    assert [layer.name for layer in none.layers] == ["standardize", "output"]
    assert none.get_layer("output").kernel_regularizer is None


def test_build_model_is_seeded():
    a = playground.build_model(Settings(seed=5)).get_weights()
    b = playground.build_model(Settings(seed=5)).get_weights()
    c = playground.build_model(Settings(seed=6)).get_weights()
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


# --------------------------------------------------------------------------- training

QUICK = Settings("circles", hidden=(4,), epochs=30, noise=0.1)


def test_train_returns_a_full_result():
    r = train(QUICK)
    assert len(r.history["train_loss"]) == len(r.history["test_loss"]) == 30
    assert r.n_neurons == 4 and r.n_parameters == 2 * 4 + 4 + 4 + 1
    assert 0.0 <= r.test_accuracy <= 1.0 and r.seconds > 0
    assert r.history["train_loss"][-1] < r.history["train_loss"][0]
    p = r.predict(np.array([[0.0, 0.0], [5.0, 0.0]]))
    assert p.shape == (2,) and np.all((p >= 0) & (p <= 1))
    # The accuracy is the model's, measured on the test points.
    ds = r.data
    assert r.test_accuracy == pytest.approx(np.mean((r.predict(ds.x_test) > 0.5) == ds.y_test))
    assert "test accuracy" in repr(r)


def test_train_is_deterministic_and_chunking_does_not_change_it():
    a = train(QUICK)
    frames = []
    b = train(QUICK, every=7, on_progress=lambda r: frames.append(r.epochs_done))
    assert frames == [7, 14, 21, 28, 30]
    np.testing.assert_allclose(a.history["test_loss"], b.history["test_loss"], rtol=1e-5)
    for x, y in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-4, atol=1e-6)


def test_train_loss_is_the_binary_cross_entropy():
    r = train(Settings("blobs", hidden=(), epochs=3))
    p = np.clip(r.predict(r.data.x_test), 1e-7, 1 - 1e-7)
    y = r.data.y_test
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert r.test_loss == pytest.approx(bce, rel=1e-4)


def test_the_playgrounds_lessons_hold():
    # A straight line cannot do the circles; the squares make it one neuron's job.
    linear = train(Settings("circles", hidden=(), epochs=60))
    squares = train(Settings("circles", hidden=(), features=("x1^2", "x2^2"), epochs=60))
    assert linear.test_accuracy < 0.7 and squares.test_accuracy > 0.95
    # L2 shrinks the weights.
    plain = train(Settings("xor", hidden=(8,), noise=0.4, epochs=60))
    l2 = train(plain.settings.replace(regularization="l2", regularization_rate=0.01))
    assert l2.weight_norm() < 0.7 * plain.weight_norm()


def test_train_validates_its_arguments():
    with pytest.raises(TypeError, match="Settings"):
        train({"dataset": "xor"})
    with pytest.raises(ValueError, match="every"):
        train(QUICK, every=0)


def test_live_training_updates_one_display(monkeypatch):
    import IPython.display
    from IPython.core.interactiveshell import InteractiveShell

    calls = []

    class Handle:
        def update(self, obj):
            calls.append(("update", obj))

    def fake_display(obj, display_id=False):
        calls.append(("display", obj, display_id))
        return Handle()

    monkeypatch.setattr(InteractiveShell, "initialized", classmethod(lambda cls: True))
    monkeypatch.setattr(IPython.display, "display", fake_display)
    r = train(QUICK.replace(epochs=12), live=True, every=5)
    assert [c[0] for c in calls] == ["display", "update", "update"]
    assert calls[0][2] is True
    assert calls[-1][1].data[:4] == b"\x89PNG"
    assert r.epochs_done == 12


def test_live_training_outside_a_notebook_is_quiet(capsys):
    seen = []
    train(QUICK.replace(epochs=4), live=True, every=2, on_progress=lambda r: seen.append(1))
    assert seen == [1, 1] and "Image" not in capsys.readouterr().out


# --------------------------------------------------------------------------- pictures


def test_pictures_have_titles_and_labels():
    import matplotlib.pyplot as plt

    r = train(QUICK.replace(epochs=5))
    fig = playground.plot_result(r)
    boundary, losses = fig.axes[:2]
    assert boundary.get_title().startswith("circles, hidden [4]")
    assert losses.get_xlabel() == "epoch" and losses.get_ylabel().startswith("loss")
    fig = playground.compare([r, r], ["one", "two"], title="t", log=True)
    assert len(fig.axes) == 3 and fig.axes[-1].get_yscale() == "log"
    assert all(ax.get_title() for ax in fig.axes)
    with pytest.raises(ValueError, match="labels"):
        playground.compare([r], ["a", "b"])
    assert playground.render_png(r)[:4] == b"\x89PNG"
    plt.close("all")


# ------------------------------------------------------------------------------ panel


def test_panel_builds_and_runs_on_a_simulated_click():
    import ipywidgets as w

    box = playground.panel(Settings("xor", hidden=(3,), epochs=10))
    assert isinstance(box, w.HBox)
    c = box.controls
    assert set(c) >= {"dataset", "features", "hidden", "activation", "learning_rate",
                      "regularization", "regularization_rate", "noise", "epochs"}
    assert c["hidden"].value == "3" and c["features"].value == ("x1", "x2")
    assert box.current_settings() == Settings("xor", hidden=(3,), epochs=10)

    c["hidden"].value = "2, 2"
    c["regularization"].value = "l2"
    c["regularization_rate"].value = 0.003
    c["features"].value = ("x1", "x2", "x1x2")
    c["batch_size"].value = 0  # the whole training set at each step
    box.run_button.click()
    assert len(box.results) == 1
    result = box.results[0]
    assert result.settings.hidden == (2, 2) and result.settings.regularization == "l2"
    assert result.settings.batch_size is None and result.epochs_done == 10
    assert box.picture.value[:4] == b"\x89PNG"
    assert not box.run_button.disabled


def test_panel_reports_a_bad_value_instead_of_training(capsys):
    box = playground.panel(Settings(epochs=10))
    box.controls["hidden"].value = "4, x"
    box.run_button.click()
    assert box.results == []
    assert "hidden layers" in capsys.readouterr().out  # no kernel here: Output prints
    box.controls["hidden"].value = "0"
    assert box.current_settings().hidden == ()
