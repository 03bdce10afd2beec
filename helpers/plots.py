"""Plots that several notebooks draw: decision boundaries, training curves, warped grids,
image grids. Every function titles and labels its axes and returns the Axes (or Figure)
so a notebook can add to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["decision_boundary", "training_curves", "warped_grid", "image_grid"]


def _points_2d(x, name: str = "x") -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2) for a 2-D plot, got {x.shape}")
    return x


def _predict_fn(model) -> Callable[[np.ndarray], np.ndarray]:
    """Accept a Keras model, a scikit-learn estimator or a plain function."""
    if hasattr(model, "predict_proba"):
        def proba(g: np.ndarray) -> np.ndarray:
            p = np.asarray(model.predict_proba(g))
            # Two classes: shade P(class 1); more: the class scores, whose argmax is shaded.
            return p[:, 1] if p.ndim == 2 and p.shape[1] == 2 else p

        return proba
    if hasattr(model, "predict") and hasattr(model, "layers"):  # Keras: quiet, batched
        return lambda g: np.asarray(model.predict(g, verbose=0, batch_size=4096))
    if hasattr(model, "predict"):  # scikit-learn without probabilities (Perceptron, SVC)
        return lambda g: np.asarray(model.predict(g))
    if callable(model):
        return lambda g: np.asarray(model(g))
    raise TypeError(f"model must be a Keras model, an estimator or a function, got {model!r}")


def decision_boundary(model, x, y, *, ax=None, title: str = "Decision boundary",
                      resolution: int = 200, margin: float = 0.5):
    """Shade the model's output over the plane and draw the labelled points on top.

    ``model`` maps an (n, 2) array to a score in [0, 1] per point (a probability of
    class 1) or to class scores, of which the argmax is shaded.

    >>> ax = decision_boundary(lambda g: g[:, 0] > 0, np.eye(2), np.array([1, 0]))
    >>> ax.get_title()
    'Decision boundary'
    """
    x = _points_2d(x)
    y = np.asarray(y).ravel()
    if len(y) != len(x):
        raise ValueError(f"x has {len(x)} points but y has {len(y)} labels")
    predict = _predict_fn(model)
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[g0.ravel(), g1.ravel()].astype("float32")
    scores = np.asarray(predict(grid), dtype=float)
    if scores.ndim == 2 and scores.shape[1] > 1:
        scores = scores.argmax(axis=1)
    if scores.size != grid.shape[0]:
        raise ValueError(f"the model maps {grid.shape[0]} points of shape (n, 2) to shape "
                         f"{scores.shape}; expected one score per point, shape (n,) or (n, 1)")
    scores = scores.reshape(g0.shape)
    ax = ax or plt.subplots()[1]
    ax.contourf(g0, g1, scores, levels=20, cmap="RdBu_r", alpha=0.6)
    if np.unique(scores).size > 1 and scores.min() < 0.5 < scores.max():
        ax.contour(g0, g1, scores, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="RdBu_r", edgecolors="k", s=20)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return ax


def training_curves(history, metrics: Sequence[str] = ("loss",), *, title: str = "Training"):
    """Plot a Keras ``History`` (or its ``.history`` dict): one panel per metric,
    training and validation curves together.

    >>> fig = training_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    >>> [a.get_ylabel() for a in fig.axes]
    ['loss']
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError("history must be a keras History or a dict of lists")
    if isinstance(metrics, str):  # training_curves(h, "accuracy") means one metric
        metrics = (metrics,)
    if not metrics:
        raise ValueError("metrics must name at least one metric, e.g. ('loss',)")
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise KeyError(f"history has no {missing}; it has {sorted(logs)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], label="validation")
        ax.set(xlabel="epoch", ylabel=metric, title=f"{title}: {metric}")
        ax.legend()
    fig.tight_layout()
    return fig


def warped_grid(transform: Callable[[np.ndarray], np.ndarray], *, ax=None,
                lim: float = 2.0, lines: int = 13, title: str = "Grid after the map",
                points=None, labels=None):
    """Draw the image of a square grid of lines under ``transform`` (an (n, 2) -> (n, 2) map).

    An affine map keeps the lines straight and parallel; a nonlinearity bends them.
    ``points``/``labels`` optionally draw data points through the same map.

    >>> ax = warped_grid(lambda p: 2 * p)
    >>> ax.get_xlabel()
    '$h_1$'
    """
    ax = ax or plt.subplots()[1]
    ticks = np.linspace(-lim, lim, lines)
    dense = np.linspace(-lim, lim, 200)
    for value in ticks:
        for line in (np.c_[dense, np.full_like(dense, value)],
                     np.c_[np.full_like(dense, value), dense]):
            out = _points_2d(transform(line.astype("float32")), "transform(...)")
            ax.plot(out[:, 0], out[:, 1], color="tab:gray", lw=0.8)
    if points is not None:
        mapped = _points_2d(transform(np.asarray(points, dtype="float32")), "transform(points)")
        ax.scatter(mapped[:, 0], mapped[:, 1], c=labels, cmap="RdBu_r", edgecolors="k",
                   s=20, zorder=3)
    ax.set(title=title, xlabel="$h_1$", ylabel="$h_2$")
    ax.set_aspect("equal", adjustable="datalim")
    return ax


def image_grid(images, labels=None, class_names: Sequence[str] | None = None, *,
               ncols: int = 8, title: str = "Examples", cmap: str = "gray_r",
               size: float = 1.2):
    """Show images in a grid, each captioned with its class name (or label).

    ``images`` is (n, h, w) or (n, h, w, channels).

    >>> fig = image_grid(np.zeros((3, 8, 8)), [0, 1, 2], ["a", "b", "c"], title="t")
    >>> fig.texts[0].get_text()
    't'
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4) or len(images) == 0 or (
            images.ndim == 4 and images.shape[-1] not in (1, 3, 4)):
        raise ValueError("images must have shape (n, h, w) or (n, h, w, c) with n >= 1 and "
                         f"c in 1, 3, 4, got {images.shape}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels")
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.4),
                             squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= n:
            continue
        img = images[i]
        ax.imshow(img[..., 0] if img.ndim == 3 and img.shape[-1] == 1 else img, cmap=cmap)
        if labels is not None:
            label = labels[i]
            text = class_names[int(label)] if class_names is not None else str(label)
            ax.set_title(text, fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
