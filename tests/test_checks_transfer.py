"""The checks of notebook 04 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.metrics.cluster import contingency_matrix

from helpers import similarity
from helpers.checks import CheckFailed
from helpers.checks import transfer as check

layers = keras.layers

# --------------------------------------------------------------- the frozen classifier


def frozen_reference(backbone, n_classes):
    backbone.trainable = False
    features = backbone.get_layer("features").output
    outputs = layers.Dense(n_classes, activation="softmax")(features)
    return keras.Model(backbone.input, outputs)


def test_frozen_classifier_reference_passes(capsys):
    check.frozen_classifier(frozen_reference)
    check.frozen_classifier(frozen_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_frozen_classifier_with_dropout_and_a_frozen_extractor_passes():
    def variant(backbone, n_classes):
        extractor = keras.Model(backbone.input, backbone.get_layer("features").output)
        extractor.trainable = False
        inputs = keras.Input(shape=(28, 28, 1))
        x = layers.Dropout(0.2)(extractor(inputs, training=False))
        return keras.Model(inputs, layers.Dense(n_classes, activation="softmax")(x))

    check.frozen_classifier(variant, hidden=True)


def test_frozen_classifier_blank_fails():
    def blank(backbone, n_classes):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.frozen_classifier(blank)


def _not_frozen(backbone, n_classes):
    features = backbone.get_layer("features").output
    return keras.Model(backbone.input, layers.Dense(n_classes, activation="softmax")(features))


def _old_head(backbone, n_classes):
    backbone.trainable = False
    return keras.Model(backbone.input, layers.Dense(n_classes, activation="softmax")(
        backbone.output))


def _no_softmax(backbone, n_classes):
    backbone.trainable = False
    return keras.Model(backbone.input, layers.Dense(n_classes)(
        backbone.get_layer("features").output))


def _new_layers(backbone, n_classes):
    from helpers.pretrain import build_backbone, feature_extractor

    fresh = feature_extractor(build_backbone())  # same shapes, but not the pretrained weights
    fresh.trainable = False
    return keras.Model(fresh.input, layers.Dense(n_classes, activation="softmax")(fresh.output))


def _frozen_after_compile(backbone, n_classes):
    model = _not_frozen(backbone, n_classes)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    backbone.trainable = False  # too late? No: Keras 3 reads trainable at every step
    return model


@pytest.mark.parametrize("wrong, phrase", [
    (_not_frozen, "backbone.trainable = False"),
    (_old_head, "start from backbone.get_layer('features').output"),
    (_no_softmax, "softmax"),
    (_new_layers, "not the backbone's own"),
    (lambda backbone, n_classes: backbone, "expected (None, 4)"),
    (lambda backbone, n_classes: None, "forget to `return`"),
    (lambda backbone, n_classes: "a model", "expected a keras.Model"),
])
def test_frozen_classifier_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.frozen_classifier(wrong)
    assert phrase in str(info.value)


def test_frozen_after_compile_still_counts_as_frozen():
    # Keras 3 reads `trainable` at each step, so this works and must not be refused.
    check.frozen_classifier(_frozen_after_compile)


def _saved_and_loaded(model, tmp_path):
    path = tmp_path / f"model_{len(list(tmp_path.iterdir()))}.keras"
    model.save(path)
    return keras.saving.load_model(path)


def test_frozen_classifier_judges_a_model_saved_and_loaded_again(tmp_path, capsys):
    # The grader judges the model the student's function returned, saved to .keras and
    # loaded again: new variables with the same values must pass, by value.
    check.frozen_classifier(lambda backbone, n: _saved_and_loaded(
        frozen_reference(backbone, n), tmp_path))
    check.frozen_classifier(lambda backbone, n: _saved_and_loaded(
        frozen_reference(backbone, n), tmp_path), hidden=True)
    assert capsys.readouterr().out.count("correct") == 2
    with pytest.raises(CheckFailed, match="not the backbone's own"):
        check.frozen_classifier(lambda backbone, n: _saved_and_loaded(
            _new_layers(backbone, n), tmp_path))


def test_frozen_classifier_refuses_frozen_weights_of_other_values():
    def perturbed(backbone, n_classes):
        model = frozen_reference(backbone, n_classes)
        layer = backbone.get_layer("features")
        for other in backbone.layers:  # a layer with weights before the features
            if other.get_weights() and other is not layer:
                other.set_weights([w + 0.01 for w in other.get_weights()])
                break
        return model

    with pytest.raises(CheckFailed, match="not the backbone's own"):
        check.frozen_classifier(perturbed)


class _Holder:
    """Keeps a variable out of Keras' tracking (a plain attribute of a plain object)."""


class _Nudge(layers.Layer):
    """Changes a backbone weight whenever it runs in training: the backbone moves."""

    def __init__(self, holder, **kwargs):
        super().__init__(**kwargs)
        self._holder = holder

    def call(self, x, training=False):
        if training:
            self._holder.variable.assign(self._holder.variable + 1.0)
        return x


def test_frozen_classifier_refuses_frozen_weights_that_move_in_training():
    def nudging(backbone, n_classes):
        model = frozen_reference(backbone, n_classes)
        holder = _Holder()
        holder.variable = next(layer for layer in backbone.layers if layer.weights).weights[0]
        inputs = keras.Input(shape=(28, 28, 1))
        return keras.Model(inputs, model(_Nudge(holder)(inputs)))

    with pytest.raises(CheckFailed, match="weights of the backbone changed: it is not frozen"):
        check.frozen_classifier(nudging)


def test_frozen_classifier_builds_the_same_backbone_every_time():
    seen = []

    def recording(backbone, n_classes):
        seen.append([w.copy() for w in backbone.get_weights()])
        return frozen_reference(backbone, n_classes)

    for _ in range(2):
        np.random.seed(None)  # whatever the student's code did to the global state
        keras.utils.set_random_seed(int(np.random.default_rng().integers(2**31)))
        check.frozen_classifier(recording)
    assert all(np.array_equal(a, b) for a, b in zip(seen[0], seen[1], strict=True))


def test_frozen_classifier_hidden_catches_a_hard_coded_class_count():
    def four_classes(backbone, n_classes):
        return frozen_reference(backbone, 4)

    check.frozen_classifier(four_classes)
    with pytest.raises(CheckFailed, match=r"expected \(None, 2\)"):
        check.frozen_classifier(four_classes, hidden=True)


# ------------------------------------------------------------ cosine nearest neighbours


def neighbours_reference(query, gallery, k):
    gallery_unit = gallery / np.linalg.norm(gallery, axis=1, keepdims=True)
    similarity = gallery_unit @ (query / np.linalg.norm(query))
    return np.argsort(-similarity)[:k]


def test_cosine_neighbours_reference_passes(capsys):
    check.cosine_neighbours(neighbours_reference)
    check.cosine_neighbours(neighbours_reference, hidden=True)
    check.cosine_neighbours(similarity.cosine_neighbours, hidden=True)
    assert capsys.readouterr().out.count("correct") == 3


def test_cosine_neighbours_blank_fails():
    def blank(query, gallery, k):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.cosine_neighbours(blank)


def _euclidean(query, gallery, k):
    return np.argsort(np.linalg.norm(gallery - query, axis=1))[:k]


def _dot(query, gallery, k):
    return np.argsort(-(gallery @ query))[:k]


def _ascending(query, gallery, k):
    unit = gallery / np.linalg.norm(gallery, axis=1, keepdims=True)
    return np.argsort(unit @ query)[:k]


def _similarities(query, gallery, k):
    unit = gallery / np.linalg.norm(gallery, axis=1, keepdims=True)
    return np.sort(unit @ (query / np.linalg.norm(query)))[::-1][:k]


def _in_place(query, gallery, k):
    gallery /= np.linalg.norm(gallery, axis=1, keepdims=True)
    return np.argsort(-(gallery @ query))[:k]


@pytest.mark.parametrize("wrong, phrase", [
    (_euclidean, "Euclidean distance"),
    (_dot, "dot product"),
    (_ascending, "least similar"),
    (_similarities, "integer indices"),
    (_in_place, "in place"),
    (lambda query, gallery, k: neighbours_reference(query, gallery, k)[::-1], "wrong order"),
    (lambda query, gallery, k: neighbours_reference(query, gallery, k + 1), "shape"),
    (lambda query, gallery, k: None, "forget to `return`"),
])
def test_cosine_neighbours_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.cosine_neighbours(wrong)
    assert phrase in str(info.value)


def test_reference_neighbours_agree_with_scikit_learn_and_refuse_bad_input():
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(0)
    gallery, queries = rng.normal(size=(50, 8)), rng.normal(size=(5, 8))
    finder = NearestNeighbors(n_neighbors=6, metric="cosine").fit(gallery)
    for query, expected in zip(queries, finder.kneighbors(queries, return_distance=False),
                               strict=True):
        assert np.array_equal(similarity.cosine_neighbours(query, gallery, 6), expected)
    with pytest.raises(ValueError, match="shape"):
        similarity.cosine_neighbours(np.ones(3), np.ones((4, 2)), 1)
    with pytest.raises(ValueError, match="k must be"):
        similarity.cosine_neighbours(np.ones(2), np.ones((4, 2)), 5)


# ------------------------------------------------------------------------ cluster purity


def purity_reference(labels, clusters):
    total = 0
    for cluster in np.unique(clusters):
        _, counts = np.unique(labels[clusters == cluster], return_counts=True)
        total += counts.max()
    return total / len(labels)


def test_cluster_purity_reference_passes(capsys):
    check.cluster_purity(purity_reference)
    check.cluster_purity(purity_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_cluster_purity_blank_fails():
    def blank(labels, clusters):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.cluster_purity(blank)


def _average_of_clusters(labels, clusters):
    table = contingency_matrix(labels, clusters)
    return float(np.mean(table.max(axis=0) / table.sum(axis=0)))


def _per_class(labels, clusters):
    return float(contingency_matrix(labels, clusters).max(axis=1).sum() / len(labels))


@pytest.mark.parametrize("wrong, phrase", [
    (lambda labels, clusters: float(np.mean(labels == clusters)), "numbers its clusters"),
    (_average_of_clusters, "weight them by size"),
    (_per_class, "each cluster's most common class"),
    (lambda labels, clusters: float(contingency_matrix(labels, clusters).max(axis=0).sum()),
     "divide by the number of points"),
    (lambda labels, clusters: None, "forget to `return`"),
    (lambda labels, clusters: [0.5], "expected one number"),
])
def test_cluster_purity_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.cluster_purity(wrong)
    assert phrase in str(info.value)


def test_reference_purity_values_and_errors():
    assert similarity.cluster_purity([0, 0, 1, 1], [3, 3, 4, 4]) == 1.0
    assert similarity.cluster_purity([0, 0, 0, 1], [1, 1, 1, 1]) == 0.75
    assert similarity.cluster_purity(["a", "b"], [0, 1]) == 1.0
    with pytest.raises(ValueError, match="same length"):
        similarity.cluster_purity([0, 1], [0])
