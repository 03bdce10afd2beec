"""helpers.plots: titles and labels, shape errors, and every kind of model."""

from __future__ import annotations

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from sklearn.linear_model import LogisticRegression, Perceptron

from helpers import plots
from helpers.data import load

# conftest.py selects the Agg backend before anything imports pyplot.


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def points():
    ds = load("blobs", n=120, noise=0.6, seed=0)
    return ds.x_train, ds.y_train


def _labelled(ax) -> None:
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def _scatter_sizes(ax) -> list[int]:
    return [len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)]


def test_agg_backend():
    assert matplotlib.get_backend().lower() == "agg"


def test_decision_boundary_with_a_function(points):
    x, y = points
    seen = []

    def predict(grid):
        seen.append(grid.copy())
        return (grid[:, 0] + grid[:, 1] > 0).astype(float)

    ax = plots.decision_boundary(predict, x, y, title="Sum rule", resolution=30, margin=0.5)

    _labelled(ax)
    assert ax.get_title() == "Sum rule"
    assert _scatter_sizes(ax) == [len(x)]
    grid = seen[0]
    assert grid.shape == (30 * 30, 2)
    np.testing.assert_allclose(grid.min(axis=0), x.min(axis=0) - 0.5, rtol=1e-5)
    np.testing.assert_allclose(grid.max(axis=0), x.max(axis=0) + 0.5, rtol=1e-5)


def test_decision_boundary_with_sklearn_estimators(points):
    x, y = points
    ax = plots.decision_boundary(LogisticRegression().fit(x, y), x, y, resolution=30)
    _labelled(ax)
    assert _scatter_sizes(ax) == [len(x)]
    # Estimators without predict_proba are drawn from their predicted class.
    ax = plots.decision_boundary(Perceptron(random_state=0).fit(x, y), x, y, resolution=30)
    _labelled(ax)
    # More than two classes: the argmax of the probabilities is shaded.
    y3 = (x[:, 0] > 0).astype(int) + (x[:, 1] > 1).astype(int)
    ax = plots.decision_boundary(LogisticRegression().fit(x, y3), x, y3, resolution=30)
    _labelled(ax)


def test_decision_boundary_with_a_keras_model(points):
    x, y = points
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, "sigmoid")])
    _, ax = plt.subplots()
    out = plots.decision_boundary(model, x, y, ax=ax, title="Keras", resolution=25)
    assert out is ax
    _labelled(ax)
    assert ax.get_title() == "Keras"


def test_decision_boundary_bad_shapes(points):
    x, y = points
    with pytest.raises(ValueError, match=r"shape \(n, 2\).*\(5, 3\)"):
        plots.decision_boundary(lambda g: g[:, 0], np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match=r"shape \(n, 2\).*\(4,\)"):
        plots.decision_boundary(lambda g: g[:, 0], np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match=f"{len(x)} points.*3 labels"):
        plots.decision_boundary(lambda g: g[:, 0], x, y[:3])
    with pytest.raises(ValueError, match=r"shape \(7,\)"):
        plots.decision_boundary(lambda g: np.zeros(7), x, y, resolution=10)
    with pytest.raises(TypeError, match="model"):
        plots.decision_boundary("not a model", x, y)


def test_training_curves_from_dict_and_history():
    logs = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7],
            "accuracy": [0.5, 0.7, 0.8]}
    fig = plots.training_curves(logs, ["loss", "accuracy"], title="Run")
    assert len(fig.axes) == 2
    for ax, metric in zip(fig.axes, ["loss", "accuracy"], strict=True):
        _labelled(ax)
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == metric
        assert metric in ax.get_title() and "Run" in ax.get_title()
    loss_lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in loss_lines] == ["training", "validation"]
    np.testing.assert_array_equal(loss_lines[1].get_ydata(), logs["val_loss"])
    np.testing.assert_array_equal(loss_lines[0].get_xdata(), [1, 2, 3])
    assert len(fig.axes[1].get_lines()) == 1  # no validation accuracy

    class History:  # what keras' model.fit returns, as far as the plot is concerned
        history = logs

    assert plots.training_curves(History(), "accuracy").axes[0].get_ylabel() == "accuracy"
    with pytest.raises(KeyError, match="val_accuracy"):
        plots.training_curves(logs, ["val_accuracy"])
    with pytest.raises(TypeError, match="History"):
        plots.training_curves([1.0, 0.5])


def test_warped_grid():
    ax = plots.warped_grid(lambda p: np.tanh(2 * p), lines=5, title="tanh")
    _labelled(ax)
    assert ax.get_title() == "tanh"
    assert len(ax.get_lines()) == 2 * 5  # one horizontal and one vertical per grid value
    ys = np.concatenate([line.get_ydata() for line in ax.get_lines()])
    assert np.abs(ys).max() <= 1.0  # drawn through the map, not the identity

    pts = np.array([[0.5, 0.5], [-1.0, 1.0], [1.0, -1.0]])
    ax = plots.warped_grid(lambda p: p, points=pts, labels=[0, 1, 1])
    assert _scatter_sizes(ax) == [3]
    with pytest.raises(ValueError, match=r"\(200, 3\)"):
        plots.warped_grid(lambda p: np.c_[p, p[:, :1]])


def test_image_grid():
    images = np.random.default_rng(0).integers(0, 255, size=(10, 8, 8), dtype=np.uint8)
    fig = plots.image_grid(images, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], ["cat", "dog", "cow"],
                           ncols=4, title="Animals")
    assert fig._suptitle.get_text() == "Animals"
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10 and len(fig.axes) == 12  # 3 rows of 4
    assert [ax.get_title() for ax in shown[:4]] == ["cat", "dog", "cow", "cat"]
    np.testing.assert_array_equal(shown[0].images[0].get_array(), images[0])
    fig = plots.image_grid(np.zeros((2, 8, 8, 1)), title="single channel")
    assert len([ax for ax in fig.axes if ax.images]) == 2


def test_image_grid_bad_shapes():
    with pytest.raises(ValueError, match=r"\(4, 4\)"):
        plots.image_grid(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"\(0, 8, 8\)"):
        plots.image_grid(np.zeros((0, 8, 8)))
    with pytest.raises(ValueError, match=r"\(2, 8, 8, 2\)"):
        plots.image_grid(np.zeros((2, 8, 8, 2)))
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        plots.image_grid(np.zeros((3, 8, 8)), [0, 1])
