"""helpers.text: max-over-time in numpy against Keras, and Kim's CNN as built."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import data, text

layers = keras.layers


def keras_max_over_time(x, kernel, bias):
    conv = layers.Conv1D(kernel.shape[2], kernel.shape[0], activation="relu")
    conv.build((1, *x.shape))
    conv.set_weights([kernel.astype("float32"), bias.astype("float32")])
    pooled = layers.GlobalMaxPooling1D()(conv(x[None].astype("float32")))
    return keras.ops.convert_to_numpy(pooled)[0]


@pytest.mark.parametrize("n, width, dims, filters", [
    (7, 3, 4, 5), (12, 5, 10, 2), (5, 1, 3, 4), (6, 6, 2, 3), (59, 4, 16, 8), (1, 1, 1, 1),
])
def test_max_over_time_matches_keras(n, width, dims, filters):
    rng = np.random.default_rng(n * 100 + width)
    x, kernel, bias = (rng.normal(size=(n, dims)), rng.normal(size=(width, dims, filters)),
                       rng.normal(size=filters))
    ours = text.conv1d_max_over_time(x, kernel, bias)
    assert ours.shape == (filters,) and ours.dtype == np.float64
    np.testing.assert_allclose(ours, keras_max_over_time(x, kernel, bias), rtol=1e-4, atol=1e-5)


def test_max_over_time_by_hand():
    # Two filters on three tokens: the first sums a window, the second negates it.
    x = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 1.0]])
    kernel = np.stack([np.ones((2, 2)), -np.ones((2, 2))], axis=-1)
    # Windows sum to 3 and 6; ReLU of the negated sums is 0, then the bias 0.5 lifts it.
    np.testing.assert_allclose(text.conv1d_max_over_time(x, kernel, np.array([0.0, 0.5])),
                               [6.0, 0.0])
    np.testing.assert_allclose(text.conv1d_max_over_time(x, kernel, np.array([-10.0, 4.0])),
                               [0.0, 1.0])


@pytest.mark.parametrize("x, kernel, bias, message", [
    (np.zeros(5), np.zeros((2, 1, 1)), np.zeros(1), r"\(tokens, dims\) matrix"),
    (np.zeros((5, 3)), np.zeros((2, 4, 1)), np.zeros(1), r"kernel must have shape \(width, 3"),
    (np.zeros((5, 3)), np.zeros((2, 3)), np.zeros(1), "kernel must have shape"),
    (np.zeros((5, 3)), np.zeros((2, 3, 2)), np.zeros(3), r"bias must have shape \(2,\)"),
    (np.zeros((2, 3)), np.zeros((3, 3, 1)), np.zeros(1), "width 3 does not fit in a sentence "
                                                         "of 2 tokens"),
])
def test_max_over_time_names_bad_input(x, kernel, bias, message):
    with pytest.raises(ValueError, match=message):
        text.conv1d_max_over_time(x, kernel, bias)


@pytest.mark.parametrize("widths, filters", [((3, 4, 5), 6), ((2,), 3), ((7, 7, 7), 2)])
def test_kim_cnn_structure_and_parameters(widths, filters):
    model = text.kim_cnn(vocab_size=40, sequence_length=9, embedding_dim=5, widths=widths,
                         filters=filters, dropout=0.3)
    counts = text.kim_cnn_parameters(40, 5, widths, filters)
    assert model.count_params() == counts["total"]
    assert counts["embedding"] == 200 and counts["dense"] == len(widths) * filters + 1
    assert tuple(model.input.shape) == (None, 9) and model.output_shape == (None, 1)
    convs = [layer for layer in model.layers if isinstance(layer, layers.Conv1D)]
    assert sorted(c.kernel_size[0] for c in convs) == sorted(widths)
    # Parallel branches: every convolution reads the embedded sentence itself.
    assert all(tuple(c.input.shape) == (None, 9, 5) for c in convs)
    assert [d.rate for d in model.layers if isinstance(d, layers.Dropout)] == [0.3]
    ids = np.random.default_rng(0).integers(0, 40, size=(3, 9))
    p = keras.ops.convert_to_numpy(model(ids))
    assert p.shape == (3, 1) and np.all((p > 0) & (p < 1))


def test_kim_cnn_output_is_max_over_time_of_each_branch():
    model = text.kim_cnn(30, 8, 4, widths=(2, 3), filters=3, dropout=0.0)
    ids = np.random.default_rng(1).integers(0, 30, size=(1, 8))
    matrix = keras.ops.convert_to_numpy(model.get_layer("embedding")(ids))[0]
    pooled = [text.conv1d_max_over_time(matrix, *model.get_layer(name).get_weights())
              for name in ("conv0_w2", "conv1_w3")]
    kernel, bias = model.get_layer("p_positive").get_weights()
    logit = np.concatenate(pooled) @ kernel[:, 0] + bias[0]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(ids))[0, 0],
                               1 / (1 + np.exp(-logit)), rtol=1e-4)


@pytest.mark.parametrize("options, message", [
    ({"widths": ()}, "widths must be a non-empty sequence"),
    ({"widths": 3}, "widths must be a non-empty sequence"),
    ({"widths": (3, 0)}, "every filter width must be a positive int, got 0"),
    ({"widths": (3, 12)}, "width 12 does not fit in sequences of 10 tokens"),
    ({"filters": 0}, "filters must be a positive int"),
    ({"dropout": 1.0}, r"dropout must be a rate in \[0, 1\)"),
    ({"vocab_size": 2.5}, "vocab_size must be a positive int"),
])
def test_kim_cnn_names_bad_options(options, message):
    settings = {"vocab_size": 20, "sequence_length": 10, "embedding_dim": 4, **options}
    with pytest.raises(ValueError, match=message):
        text.kim_cnn(**settings)


def test_kim_cnn_parameters_counts_repeated_widths_together():
    counts = text.kim_cnn_parameters(10, 2, widths=(3, 3), filters=4)
    assert counts == {"embedding": 20, "conv_w3": 2 * (3 * 2 + 1) * 4, "dense": 9,
                      "total": 20 + 56 + 9}


def test_polarity_sentences_train_end_to_end_in_keras():
    # The entry's object arrays of str go straight into Keras' fit and predict, as they
    # must for a model that starts with TextVectorization (numpy "<U" arrays do not).
    ds = data.load("sentence_polarity", n_train=40, n_test=10)  # the offline stand-in
    vectorizer = layers.TextVectorization(split="whitespace", output_sequence_length=12)
    vectorizer.adapt(ds.x_train)
    model = keras.Sequential([keras.Input(shape=(), dtype="string"), vectorizer,
                              text.kim_cnn(vectorizer.vocabulary_size(), 12, 4, (3,), 2)])
    model.compile("adam", "binary_crossentropy")
    model.fit(ds.x_train, ds.y_train, epochs=1, verbose=0)
    assert model.predict(ds.x_test, verbose=0).shape == (10, 1)


def test_embedding_matrix_rows_follow_the_vocabulary():
    vocabulary = ["", "[UNK]", "good", "bad", "film"]
    words = ["film", "plot", "good"]
    vectors = np.arange(6.0).reshape(3, 2)
    initial = -np.ones((5, 2))
    table = text.embedding_matrix(vocabulary, words, vectors, initial)
    assert table.dtype == np.float32
    np.testing.assert_array_equal(table, [[-1, -1], [-1, -1], [4, 5], [-1, -1], [0, 1]])
    np.testing.assert_array_equal(initial, -np.ones((5, 2)))  # not changed in place


def test_embedding_matrix_initialises_a_keras_embedding():
    table = text.embedding_matrix(["", "[UNK]", "a"], ["a"], [[1.0, 2.0, 3.0]], np.zeros((3, 3)))
    layer = keras.layers.Embedding(3, 3, embeddings_initializer=keras.initializers.Constant(table))
    out = keras.ops.convert_to_numpy(layer(np.array([[2, 0]])))
    np.testing.assert_array_equal(out[0], [[1, 2, 3], [0, 0, 0]])


@pytest.mark.parametrize("args, message", [
    ((["a"], ["a", "b"], np.zeros((1, 2)), np.zeros((1, 2))), "vectors must be"),
    ((["a"], ["a"], np.zeros(2), np.zeros((1, 2))), "vectors must be"),
    ((["a", "b"], ["a"], np.zeros((1, 2)), np.zeros((1, 2))), "initial must have"),
    ((["a"], ["a"], np.zeros((1, 2)), np.zeros((1, 3))), "initial must have"),
])
def test_embedding_matrix_names_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        text.embedding_matrix(*args)
