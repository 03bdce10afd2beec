"""The checks of notebook 07 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from helpers import text
from helpers.checks import CheckFailed
from helpers.checks import text as check

layers = keras.layers


def blank(*args):
    raise NotImplementedError()


# ------------------------------------------------------------------------- branch_size


def branch_reference(n_tokens, width, embedding_dim, filters):
    return n_tokens - width + 1, (width * embedding_dim + 1) * filters


def test_branch_size_reference_passes(capsys):
    check.branch_size(branch_reference)
    check.branch_size(branch_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_branch_size_accepts_a_list_and_whole_floats():
    check.branch_size(lambda n, h, d, f: [n - h + 1, float((h * d + 1) * f)], hidden=True)


def test_branch_size_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.branch_size(blank)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda n, h, d, f: (n - h, (h * d + 1) * f), "off by one"),
    (lambda n, h, d, f: (n, (h * d + 1) * f), "'valid'"),
    (lambda n, h, d, f: (n - h + 1, h * d * f), "also has a bias"),
    (lambda n, h, d, f: (n - h + 1, (h + 1) * f), "spans the whole embedding"),
    (lambda n, h, d, f: (n - h + 1, h * d + 1), "that is one filter"),
    (lambda n, h, d, f: (n - h + 1, (h * d + 1) * f * (n - h + 1)), "shared by every position"),
    (lambda n, h, d, f: (n - h + 1) * (h * d + 1) * f, "expected a pair"),
    (lambda n, h, d, f: None, "forget to `return"),
    (lambda n, h, d, f: ((n - h + 1) / 2 * 2.5, (h * d + 1) * f), "whole numbers"),
    (lambda n, h, d, f: (str(n - h + 1), (h * d + 1) * f), "whole numbers"),
])
def test_branch_size_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.branch_size(wrong)


def test_branch_size_student_exception_is_shown():
    def broken(n, h, d, f):
        return n // 0, 0

    with pytest.raises(CheckFailed, match="raised ZeroDivisionError") as info:
        check.branch_size(broken)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_branch_size_not_a_function():
    with pytest.raises(CheckFailed, match="should be a function"):
        check.branch_size(42)


# ----------------------------------------------------------------------- max_over_time


def mot_loops(x, kernel, bias):
    x, kernel, bias = np.asarray(x, float), np.asarray(kernel, float), np.asarray(bias, float)
    width, filters = kernel.shape[0], kernel.shape[2]
    maps = np.zeros((x.shape[0] - width + 1, filters))
    for i in range(maps.shape[0]):
        for f in range(filters):
            maps[i, f] = np.sum(x[i:i + width] * kernel[:, :, f]) + bias[f]
    return np.maximum(maps, 0.0).max(axis=0)


def _maps(x, kernel, bias, flip=False):
    windows = sliding_window_view(x, kernel.shape[0], axis=0)
    return np.einsum("idj,jdf->if", windows, kernel[::-1] if flip else kernel) + bias


def test_max_over_time_reference_passes(capsys):
    check.max_over_time(mot_loops)
    check.max_over_time(mot_loops, hidden=True)
    check.max_over_time(text.conv1d_max_over_time, hidden=True)
    assert capsys.readouterr().out.count("correct") == 3


def test_max_over_time_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.max_over_time(blank)


def _in_place(x, kernel, bias):
    result = mot_loops(x, kernel, bias)
    bias += 1.0
    return result


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x, k, b: _maps(x, k, b).max(axis=0), "left out the ReLU"),
    (lambda x, k, b: np.maximum(_maps(x, k, b) - b, 0).max(axis=0), "left out the bias"),
    (lambda x, k, b: np.maximum(_maps(x, k, b), 0).mean(axis=0), "average pooling"),
    (lambda x, k, b: np.maximum(_maps(x, k, b)[:-1], 0).max(axis=0)
     if len(x) > len(k) else mot_loops(x, k, b), "misses the last window"),
    (lambda x, k, b: np.maximum(_maps(x, k, b, flip=True), 0).max(axis=0), "flipped the filter"),
    (lambda x, k, b: np.maximum(_maps(x, k, b), 0), "whole feature map"),
    (lambda x, k, b: mot_loops(x, k, b)[None, :], "one number per filter"),
    (lambda x, k, b: None, "forget to `return"),
    (_in_place, "changed its inputs in place"),
])
def test_max_over_time_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.max_over_time(wrong)


def test_max_over_time_student_exception_is_shown():
    with pytest.raises(CheckFailed, match="raised IndexError"):
        check.max_over_time(lambda x, k, b: x[100])


# ------------------------------------------------------------------------ kim_cnn_spec


def kim_reference(vocab_size, sequence_length, embedding_dim, widths, filters, dropout):
    token_ids = keras.Input(shape=(sequence_length,), dtype="int32")
    sentence = layers.Embedding(vocab_size, embedding_dim)(token_ids)
    branches = [layers.GlobalMaxPooling1D()(layers.Conv1D(filters, w, activation="relu")(sentence))
                for w in widths]
    features = layers.Concatenate()(branches) if len(branches) > 1 else branches[0]
    features = layers.Dropout(dropout)(features)
    return keras.Model(token_ids, layers.Dense(1, activation="sigmoid")(features))


def test_kim_cnn_reference_passes(capsys):
    check.kim_cnn_spec(kim_reference)
    check.kim_cnn_spec(kim_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_kim_cnn_helpers_reference_passes():
    check.kim_cnn_spec(lambda v, n, k, w, f, p: text.kim_cnn(v, n, k, w, f, p), hidden=True)


def test_kim_cnn_always_concatenating_passes():
    def always_concatenate(vocab_size, sequence_length, embedding_dim, widths, filters, dropout):
        ids = keras.Input(shape=(sequence_length,), dtype="int32")
        sentence = layers.Embedding(vocab_size, embedding_dim)(ids)
        pooled = [layers.GlobalMaxPooling1D()(layers.Conv1D(filters, w, activation="relu")(
            sentence)) for w in widths]
        h = layers.Dropout(dropout)(layers.Concatenate()(pooled))
        return keras.Model(ids, layers.Dense(1, activation="sigmoid")(h))

    check.kim_cnn_spec(always_concatenate, hidden=True)


def test_kim_cnn_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.kim_cnn_spec(blank)


def _variant(*, stacked=False, pool=layers.GlobalMaxPooling1D, dropout_layer=True,
             activation="relu", padding="valid", out_units=1, out_activation="sigmoid",
             embed_extra=0, conv_filters=None, input_length=None, extra_dense=False):
    """Kim's CNN with one thing changed, as students get it wrong."""

    def build(vocab_size, sequence_length, embedding_dim, widths, filters, dropout):
        ids = keras.Input(shape=(input_length or sequence_length,), dtype="int32")
        h = layers.Embedding(vocab_size, embedding_dim + embed_extra)(ids)
        pooled = []
        for w in widths:
            conv = layers.Conv1D(conv_filters or filters, w, activation=activation,
                                 padding=padding)
            if stacked:
                h = conv(h)
            else:
                pooled.append(pool()(conv(h)))
        if stacked:
            pooled = [pool()(h)]
        features = layers.Concatenate()(pooled) if len(pooled) > 1 else pooled[0]
        if dropout_layer:
            features = layers.Dropout(dropout)(features)
        if extra_dense:
            features = layers.Dense(10, activation="relu")(features)
        return keras.Model(ids, layers.Dense(out_units, activation=out_activation)(features))

    return build


@pytest.mark.parametrize("wrong, phrase", [
    (_variant(stacked=True), "parallel, not stacked"),
    (_variant(pool=layers.GlobalAveragePooling1D), "GlobalAveragePooling1D"),
    (_variant(pool=layers.Flatten), "Flatten"),
    (_variant(dropout_layer=False), "Dropout rates"),
    (_variant(activation=None), "has no ReLU"),
    (_variant(padding="same"), "padding='same'"),
    (_variant(out_units=2, out_activation="softmax"), "expected one Dense"),
    (_variant(out_activation=None), "expected 'sigmoid'"),
    (_variant(embed_extra=1), r"Embedding\(1000, 65\)"),
    (_variant(conv_filters=100), "has 100 filters, expected 64"),
    (_variant(input_length=100), r"input has shape \[\(None, 100\)\]"),
    (_variant(extra_dense=True), "units"),
    (lambda *args: None, "forget to `return model`"),
    (lambda *args: "model", "expected a keras.Model"),
])
def test_kim_cnn_wrong_models_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.kim_cnn_spec(wrong)


def test_kim_cnn_one_width_only_fails():
    def first_width_only(vocab_size, sequence_length, embedding_dim, widths, filters, dropout):
        return kim_reference(vocab_size, sequence_length, embedding_dim, widths[:1], filters,
                             dropout)

    with pytest.raises(CheckFailed, match="one per width"):
        check.kim_cnn_spec(first_width_only)


def test_kim_cnn_same_model_twice_fails_hidden():
    cache = {}

    def cached(*args):
        key = tuple(map(str, args))
        if key not in cache:
            cache[key] = kim_reference(*args)
        return cache[key]

    check.kim_cnn_spec(cached)  # the visible check builds each setting once
    with pytest.raises(CheckFailed, match="same model object twice"):
        check.kim_cnn_spec(cached, hidden=True)


# -------------------------------------------------------------------- embedding_matrix


def table_reference(vocabulary, words, vectors, initial):
    table = np.array(initial, dtype=float)
    row_of = {word: j for j, word in enumerate(words)}
    for i, word in enumerate(vocabulary):
        if word in row_of:
            table[i] = vectors[row_of[word]]
    return table


def test_embedding_matrix_reference_passes(capsys):
    check.embedding_matrix(table_reference)
    check.embedding_matrix(table_reference, hidden=True)
    check.embedding_matrix(text.embedding_matrix, hidden=True)
    assert capsys.readouterr().out.count("correct") == 3


def test_embedding_matrix_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.embedding_matrix(blank)


def in_place(vocabulary, words, vectors, initial):
    for i, word in enumerate(vocabulary):
        if word in words:
            initial[i] = vectors[words.index(word)]
    return initial


def by_position(vocabulary, words, vectors, initial):
    table = np.array(initial, dtype=float)
    table[:len(vectors)] = vectors
    return table


def zeros_elsewhere(vocabulary, words, vectors, initial):
    return table_reference(vocabulary, words, vectors, np.zeros_like(initial))


def one_row_per_word(vocabulary, words, vectors, initial):
    return np.array(vectors)


def unchanged(vocabulary, words, vectors, initial):
    return np.array(initial)


def off_by_one(vocabulary, words, vectors, initial):  # skips padding and [UNK], shifts rows
    table = np.array(initial, dtype=float)
    row_of = {word: j for j, word in enumerate(words)}
    for i, word in enumerate(vocabulary[2:]):
        if word in row_of:
            table[i] = vectors[row_of[word]]
    return table


@pytest.mark.parametrize("wrong, phrase", [
    (in_place, "changed its inputs in place"),
    (by_position, "not by position"),
    (zeros_elsewhere, "not a row of zeros"),
    (one_row_per_word, "one row per vocabulary entry"),
    (unchanged, "no row changed"),
    (off_by_one, "otherwise it stays initial"),
    (lambda *args: None, "forget to `return"),
    (lambda *args: "table", "expected a \\(6, 2\\) array"),
])
def test_embedding_matrix_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.embedding_matrix(wrong)


def test_embedding_matrix_hidden_case_catches_a_partial_answer():
    """Right on the public six-entry vocabularies only: the hidden, larger case catches it."""
    def first_six(vocabulary, words, vectors, initial):
        return table_reference(vocabulary[:6], words, vectors, initial[:6]) \
            if len(vocabulary) <= 6 else np.array(initial)
    check.embedding_matrix(first_six)
    with pytest.raises(CheckFailed, match="shuffled"):
        check.embedding_matrix(first_six, hidden=True)
