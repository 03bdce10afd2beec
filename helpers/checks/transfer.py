"""Checks for notebook 04: transfer learning, image similarity and clustering.

The notebook imports them as ``from helpers.checks import transfer as check``:

* ``check.frozen_classifier(build)``: ``build(backbone, n_classes)`` returns the
  feature-extraction model: the backbone's frozen ``features`` layer and a new softmax;
* ``check.cosine_neighbours(fn)``: ``fn(query, gallery, k)``, the indices of the ``k``
  gallery rows most similar to ``query`` by cosine similarity, most similar first;
* ``check.cluster_purity(fn)``: ``fn(labels, clusters)``, the purity of a clustering.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.checks import _fail, _short, call_student, expect_close, hidden_rng, passed
from helpers.similarity import cluster_purity as _reference_purity
from helpers.similarity import cosine_neighbours as _reference_neighbours

__all__ = ["frozen_classifier", "cosine_neighbours", "cluster_purity"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "frozen_classifier": ("helpers.pretrain.feature_extractor",),
    "cosine_neighbours": ("helpers.similarity.cosine_neighbours",),
    "cluster_purity": ("helpers.similarity.cluster_purity",),
}


# ------------------------------------------------- exercise: a frozen feature extractor


def _backbone(n_classes: int):
    """An untrained course backbone (same layers and names), made in a fraction of a second."""
    from helpers.pretrain import build_backbone

    return build_backbone(n_classes)


def _weights(layers) -> list[np.ndarray]:
    return [np.array(w) for layer in layers for w in layer.get_weights()]


def _count(weights) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _arrays(variables) -> list[np.ndarray]:
    """The values of Keras variables, as numpy arrays (copies)."""
    return [np.array(v.numpy() if hasattr(v, "numpy") else v) for v in variables]


def _multiset(arrays) -> list[tuple[tuple[int, ...], bytes]]:
    """The arrays by shape and value, in no particular order (a model saved to .keras and
    loaded again has new variables, in an order of its own, with the same values)."""
    return sorted((tuple(a.shape), np.asarray(a, dtype=np.float64).tobytes()) for a in arrays)


def frozen_classifier(build: Callable, *, hidden: bool = False) -> None:
    """Check ``build(backbone, n_classes)``: the feature-extraction classifier.

    The model must map the backbone's input to the output of its ``features`` layer,
    then through a new ``Dense(n_classes, softmax)``, with every backbone weight frozen
    and the backbone's own softmax left out. The check counts the trainable parameters
    (``576 * n_classes + n_classes``), compares the features with the backbone's, and
    trains one step to see that only the new layer moves. ``hidden=True`` tries other
    numbers of classes.

    >>> frozen_classifier(lambda backbone, n_classes: backbone)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: The model's output has shape (None, 10), expected (None, 4)...
    """
    import keras

    from helpers.pretrain import FEATURES_LAYER

    name = "frozen_classifier"
    for n_classes, seed in ([(4, 1), (2, 2)] if hidden else [(4, 0)]):
        rng = hidden_rng(seed) if hidden else np.random.default_rng(seed)
        # The backbone's random weights are part of the case: the grader builds it again in
        # another process and must get the same weights.
        keras.utils.set_random_seed(int(rng.integers(2**31)))
        backbone = _backbone(10)
        base = [layer for layer in backbone.layers
                if layer.name not in {"dropout", "predictions"}]
        frozen_before = _weights(base)
        call = f"{name}(backbone, n_classes={n_classes})"
        model = call_student(build, (backbone, n_classes), name, call,
                             "get the features with "
                             f"backbone.get_layer({FEATURES_LAYER!r}).output.")
        if model is None:
            _fail(f"{call} returned None: did you forget to `return` the model?", None)
        if not isinstance(model, keras.Model):
            _fail(f"{call} returned {_short(model)}, expected a keras.Model.",
                  "build it with the Functional API: keras.Model(backbone.input, outputs).")
        try:
            in_shape, out_shape = tuple(model.input_shape), tuple(model.output_shape)
        except (AttributeError, ValueError):
            _fail(f"{call}: the model has no single input and output.",
                  "build it with the Functional API: keras.Model(backbone.input, outputs).")
        if in_shape != tuple(backbone.input_shape):
            _fail(f"The model's input has shape {in_shape}, expected the backbone's "
                  f"{tuple(backbone.input_shape)}.",
                  "start from backbone.input, so that the model takes the same images.")
        if out_shape != (None, n_classes):
            hint = (f"add a new layers.Dense(n_classes, activation='softmax') on top of the "
                    f"{FEATURES_LAYER!r} layer's output.")
            if out_shape == (None, 10) and n_classes != 10:
                hint = (f"the backbone's own output is its 10-class softmax: start from "
                        f"backbone.get_layer({FEATURES_LAYER!r}).output instead, and add a new "
                        "Dense(n_classes, activation='softmax').")
            _fail(f"The model's output has shape {out_shape}, expected (None, {n_classes}).",
                  hint)
        features = backbone.get_layer(FEATURES_LAYER).output.shape[-1]
        expected_trainable = features * n_classes + n_classes
        trainable = _count(model.trainable_weights)
        everything = _count(model.weights)
        if trainable == everything and trainable > expected_trainable:
            _fail(f"All {trainable:,} parameters of the model are trainable, expected only the "
                  f"{expected_trainable:,} of the new layer ({features} x {n_classes} weights "
                  f"+ {n_classes} biases).",
                  "freeze the backbone before you compile: backbone.trainable = False.")
        old_classes = backbone.output_shape[-1]
        if trainable == old_classes * n_classes + n_classes:
            _fail(f"The model has {trainable:,} trainable parameters, expected "
                  f"{expected_trainable:,}: the new layer sits on the backbone's "
                  f"{old_classes}-class softmax.",
                  f"start from backbone.get_layer({FEATURES_LAYER!r}).output, the "
                  f"{features} features, not from backbone.output.")
        if trainable != expected_trainable:
            _fail(f"The model has {trainable:,} trainable parameters, expected "
                  f"{expected_trainable:,} ({features} x {n_classes} weights + {n_classes} "
                  "biases of the new layer).",
                  f"one new Dense(n_classes) on the {FEATURES_LAYER!r} output, nothing else "
                  "trainable.")
        if everything - trainable != _count(frozen_before):
            _fail(f"The model has {everything - trainable:,} frozen parameters, expected the "
                  f"backbone's {_count(frozen_before):,} (its convolutions, without its old "
                  "softmax).",
                  f"reuse the backbone's layers up to {FEATURES_LAYER!r}: no extra layers "
                  "with weights, and not the backbone's own 10-class output layer.")
        frozen_model = _arrays(model.non_trainable_weights)
        if _multiset(frozen_model) != _multiset(frozen_before):
            _fail("The model's frozen weights are not the backbone's own: it does not reuse "
                  "the pretrained layers.",
                  "build on the backbone's tensors (backbone.input, backbone.get_layer(...)"
                  ".output) instead of new layers, so the pretrained weights are used.")
        x = rng.uniform(0, 255, size=(8, 28, 28, 1)).astype("float32")
        try:
            probs = keras.ops.convert_to_numpy(model(x, training=False))
        except Exception as exc:
            _fail(f"model(images) raised {type(exc).__name__}: {exc}", None, cause=exc)
        expect_close(np.asarray(probs, dtype=float).sum(axis=1), np.ones(len(x)),
                     "the sum of the outputs for each of 8 images", rtol=1e-4,
                     hint="the new layer should output probabilities: activation='softmax'.")
        try:
            model.compile(optimizer=keras.optimizers.SGD(0.1),
                          loss="sparse_categorical_crossentropy")
            model.fit(x, np.arange(len(x)) % n_classes, epochs=1, batch_size=8, verbose=0)
        except Exception as exc:
            _fail(f"Training the model for one step raised {type(exc).__name__}: {exc}", None,
                  cause=exc)
        frozen_after = _arrays(model.non_trainable_weights)
        moved = len(frozen_after) != len(frozen_model) or any(
            not np.array_equal(a, b) for a, b in zip(frozen_model, frozen_after, strict=False))
        if moved:
            _fail("After one training step, weights of the backbone changed: it is not frozen.",
                  "set backbone.trainable = False before you build and compile the model.")
    passed(name, f"{expected_trainable:,} trainable parameters, a frozen backbone of "
                 f"{_count(frozen_before):,}")


# ----------------------------------------------------- exercise: cosine nearest neighbours


# Hidden cases are drawn from a secret seed: the ranking they ask for must not hinge on
# similarities closer than this (a tie, or a rounding difference, would make it ambiguous).
_MIN_GAP = 1e-6


def _separated(query: np.ndarray, gallery: np.ndarray, k: int) -> bool:
    """Whether the k most similar rows, and their order, are clear-cut (no zero vector)."""
    norms = np.linalg.norm(gallery, axis=1)
    if np.linalg.norm(query) < 1e-9 or norms.min() < 1e-9:
        return False
    similarity = np.sort(gallery @ query / (norms * np.linalg.norm(query)))[::-1]
    return bool(np.all(-np.diff(similarity[:k + 1]) > _MIN_GAP))


def _neighbour_cases(hidden: bool) -> list[tuple[np.ndarray, np.ndarray, int, str]]:
    """(query, gallery, k, what the case tests); hidden ones redrawn until unambiguous."""
    if not hidden:
        return _draw_neighbour_cases(np.random.default_rng(4), hidden=False)
    rng = hidden_rng(7)
    for _ in range(1000):
        cases = _draw_neighbour_cases(rng, hidden=True)
        if all(_separated(query, gallery, k) for query, gallery, k, _ in cases):
            return cases
    raise RuntimeError("no unambiguous hidden cosine_neighbours cases in 1000 draws")


def _draw_neighbour_cases(rng: np.random.Generator, *, hidden: bool
                          ) -> list[tuple[np.ndarray, np.ndarray, int, str]]:
    cases = []
    # Lengths that differ a lot: Euclidean distance and the plain dot product rank these
    # differently from the cosine.
    gallery = rng.normal(size=(12, 5)) * rng.uniform(0.1, 10.0, size=(12, 1))
    query = rng.normal(size=5)
    cases.append((query, gallery, 4, "vectors of very different lengths"))
    scaled = rng.normal(size=(8, 3))
    scaled[5] = 25.0 * (scaled[2] + 0.1 * rng.normal(size=3))  # almost parallel, far longer
    cases.append((scaled[2] * 0.5, scaled, 3, "a far longer, almost parallel row is similar"))
    cases.append((rng.normal(size=6), rng.normal(size=(10, 6)), 1, "k = 1"))
    small = rng.normal(size=(5, 4))
    cases.append((rng.normal(size=4), small, 5, "k = all rows, ranked"))
    features = np.maximum(rng.normal(size=(30, 16)), 0) * rng.uniform(0.5, 3, size=(30, 1))
    cases.append((features[11], features, 5, "the query is itself in the gallery"))
    if hidden:
        cases.append((rng.normal(size=2), rng.normal(size=(40, 2)) * 100, 7, "2-D points"))
        cases.append((-features[3], features, 4, "non-negative features, negated query"))
    return cases


def _neighbour_hint(got: np.ndarray, query, gallery, k: int) -> str:
    expected = _reference_neighbours(query, gallery, k)
    euclid = np.argsort(np.linalg.norm(gallery - query, axis=1), kind="stable")[:k]
    dot = np.argsort(-(gallery @ query), kind="stable")[:k]
    least = _reference_neighbours(-query, gallery, k)
    if got.shape == expected.shape and not np.array_equal(euclid, expected) and np.array_equal(
            got, euclid):
        return ("these are the nearest by Euclidean distance; cosine similarity compares "
                "directions only: a . b / (|a| |b|).")
    if got.shape == expected.shape and not np.array_equal(dot, expected) and np.array_equal(
            got, dot):
        return ("you ranked by the dot product: divide by the lengths of both vectors "
                "(np.linalg.norm(gallery, axis=1) and np.linalg.norm(query)).")
    if got.shape == expected.shape and np.array_equal(got, least):
        return "these are the least similar rows: sort by similarity in decreasing order."
    if got.shape == expected.shape and set(got.tolist()) == set(expected.tolist()):
        return "the right rows in the wrong order: the most similar comes first."
    if got.shape != expected.shape:
        return f"return the k = {k} indices of the gallery rows, as an array of shape ({k},)."
    return "compute the similarity of the query with every row, then np.argsort(-similarity)."


def cosine_neighbours(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(query, gallery, k)``: the k gallery rows most similar by cosine.

    The answer, an integer array of shape ``(k,)`` with the most similar row first, is
    compared with scikit-learn's ``NearestNeighbors(metric="cosine")`` on vectors of very
    different lengths, a longer copy of a row, ``k = 1``, ``k`` = all rows, and a query
    taken from the gallery. Euclidean distance or the plain dot product fail with a hint:

    >>> cosine_neighbours(lambda q, g, k: np.argsort(np.linalg.norm(g - q, axis=1))[:k])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: cosine_neighbours(...) is ...(vectors of very different lengths)....
    """
    from sklearn.neighbors import NearestNeighbors

    name = "cosine_neighbours"
    cases = _neighbour_cases(hidden)
    for query, gallery, k, what in cases:
        call = f"{name}(query {query.shape}, gallery {gallery.shape}, k={k})"
        args = (query.copy(), gallery.copy(), k)
        got = call_student(student, args, name, call,
                           "query is one vector, gallery has one vector per row.")
        if not (np.array_equal(args[0], query) and np.array_equal(args[1], gallery)):
            _fail(f"{call} changed its query or gallery in place.",
                  "normalise copies (a / norm makes a new array; a /= norm does not).")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the indices?", None)
        got = np.asarray(got)
        if got.dtype.kind not in "iu":
            _fail(f"{call} returned {_short(got)} ({got.dtype}), expected integer indices "
                  f"({what}).", "return positions in the gallery (np.argsort gives them), "
                  "not the similarities or the vectors.")
        finder = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute")
        expected = finder.fit(gallery).kneighbors(query[None], return_distance=False)[0]
        if got.shape != expected.shape or not np.array_equal(got, expected):
            _fail(f"{call} is {_short(got)}, expected {_short(expected)} ({what}).",
                  _neighbour_hint(got, query, gallery, k))
    passed(name, f"{len(cases)} cases agree with scikit-learn's NearestNeighbors" +
           (" (hidden)" if hidden else ""))


# ------------------------------------------------------------ exercise: cluster purity


def _purity_cases(hidden: bool) -> list[tuple[np.ndarray, np.ndarray, str]]:
    rng = hidden_rng(9) if hidden else np.random.default_rng(5)
    labels = np.repeat(np.arange(4), [6, 5, 4, 5])
    cases = [
        (np.array([0, 0, 1, 1, 2]), np.array([5, 5, 5, 7, 7]),
         "the docstring's example: cluster ids need not be class numbers"),
        (labels, (labels + 1) % 4, "a perfect clustering with other cluster numbers"),
        (labels, np.zeros(len(labels), int), "everything in one cluster"),
        (labels, np.arange(len(labels)), "every point its own cluster"),
    ]
    noisy = labels.copy()
    flip = rng.choice(len(labels), 7, replace=False)
    noisy[flip] = rng.integers(0, 4, size=7)
    cases.append((labels, noisy + 10, "a noisy clustering, cluster ids 10 to 13"))
    if hidden:
        big = rng.integers(0, 10, size=200)
        cases.append((big, np.where(rng.uniform(size=200) < 0.7, big, rng.integers(0, 6, 200)),
                      "10 classes in 6 to 10 clusters"))
        cases.append((np.array(list("aabbbc")), np.array([1, 2, 2, 2, 1, 1]), "string labels"))
    return cases


def _purity_hint(got: float, labels: np.ndarray, clusters: np.ndarray) -> str:
    if labels.dtype.kind in "iu" and np.isclose(got, np.mean(labels == clusters)):
        return ("you compared cluster numbers with class numbers; but k-means numbers its "
                "clusters arbitrarily: for each cluster, count its most common class.")
    from sklearn.metrics.cluster import contingency_matrix

    table = contingency_matrix(labels, clusters)
    if np.isclose(got, np.mean(table.max(axis=0) / table.sum(axis=0))):
        return ("you averaged the clusters' purities, so a cluster of 1 point counts as much "
                "as one of 100; weight them by size: sum of the largest counts / n.")
    if np.isclose(got, table.max(axis=1).sum() / len(labels)):
        return ("you took each class's most common cluster; purity goes the other way: each "
                "cluster's most common class.")
    if np.isclose(got, table.max(axis=0).sum()):
        return "divide by the number of points, so that purity is between 0 and 1."
    return "purity = (sum over clusters of the size of its largest class) / n."


def cluster_purity(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(labels, clusters) -> float``: the purity of a clustering.

    Purity is the fraction of points whose class is the most common class of their
    cluster. Cases: cluster numbers that are not class numbers, one cluster, one point per
    cluster (purity 1: why it is not enough on its own), a noisy clustering; ``hidden``
    adds many classes and string labels. Comparing cluster ids with labels fails:

    >>> cluster_purity(lambda labels, clusters: float(np.mean(labels == clusters)))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: cluster_purity(...) is 0, expected 0.6...
    """
    name = "cluster_purity"
    cases = _purity_cases(hidden)
    for labels, clusters, what in cases:
        call = f"{name}({_short(labels, 40)}, {_short(clusters, 40)})"
        got = call_student(student, (labels.copy(), clusters.copy()), name, call,
                           "labels and clusters are arrays of the same length.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the purity?", None)
        try:
            value = float(got)
        except (TypeError, ValueError):
            _fail(f"{call} returned {_short(got)}, expected one number between 0 and 1.", None)
        expected = _reference_purity(labels, clusters)
        if not np.isclose(value, expected, rtol=1e-6, atol=1e-9):
            _fail(f"{call} is {value:.4g}, expected {expected:.4g} ({what}).",
                  _purity_hint(value, labels, clusters))
    passed(name, f"{len(cases)} clusterings" + (" (hidden)" if hidden else ""))
