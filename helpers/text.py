"""Sentence classification code that notebooks 07 (CNNs) and 08 (RNNs) share.

* ``conv1d_max_over_time(x, kernel, bias)``: one branch of Kim's CNN in numpy, a 1-D
  convolution over a sentence matrix, ReLU, then the maximum over time, as
  ``keras.layers.Conv1D`` followed by ``GlobalMaxPooling1D`` computes it;
* ``kim_cnn(...)``: Kim's (2014) sentence CNN with the Functional API;
* ``kim_cnn_parameters(...)``: its number of weights, layer by layer;
* ``embedding_matrix(...)``: an ``Embedding`` table whose rows are word vectors (word2vec's,
  notebook 09) where a word has one, for Kim's CNN-static and CNN-non-static.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["conv1d_max_over_time", "embedding_matrix", "kim_cnn", "kim_cnn_parameters"]


def _widths(widths: Sequence[int]) -> tuple[int, ...]:
    if isinstance(widths, (int, np.integer)) or not isinstance(widths, Sequence) or not widths:
        raise ValueError(f"widths must be a non-empty sequence of ints such as (3, 4, 5), "
                         f"got {widths!r}")
    return tuple(_positive(w, "every filter width") for w in widths)


def _positive(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)


def conv1d_max_over_time(x, kernel, bias) -> np.ndarray:
    """Kim's feature for every filter: ``max_i ReLU(sum_jk x[i + j, k] kernel[j, k, f] + b[f])``.

    ``x`` is one sentence as a matrix, (tokens, embedding dims); ``kernel`` has Keras'
    Conv1D layout, (width, embedding dims, filters); ``bias`` is (filters,). The filter
    slides down the sentence one token at a time ("valid": every window lies inside the
    sentence, ``tokens - width + 1`` of them) and always spans the whole embedding.
    Returns one number per filter, float64, shape (filters,).

    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # 3 tokens, 2 dims
    >>> kernel = np.ones((2, 2, 1))  # one filter: the sum of two neighbouring tokens
    >>> conv1d_max_over_time(x, kernel, np.zeros(1))  # windows sum to 2 and 3
    array([3.])
    """
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    bias = np.asarray(bias, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be one sentence as a (tokens, dims) matrix, got shape {x.shape}")
    if kernel.ndim != 3 or kernel.shape[1] != x.shape[1]:
        raise ValueError(f"kernel must have shape (width, {x.shape[1]}, filters) for a sentence "
                         f"of {x.shape[1]} embedding dims, got {kernel.shape}")
    if bias.shape != (kernel.shape[2],):
        raise ValueError(f"bias must have shape ({kernel.shape[2]},), one per filter, "
                         f"got {bias.shape}")
    width = kernel.shape[0]
    if width > x.shape[0]:
        raise ValueError(f"a filter of width {width} does not fit in a sentence of "
                         f"{x.shape[0]} tokens")
    windows = np.lib.stride_tricks.sliding_window_view(x, width, axis=0)  # (n-h+1, d, h)
    feature_maps = np.einsum("idj,jdf->if", windows, kernel) + bias
    return np.maximum(feature_maps, 0.0).max(axis=0)


def kim_cnn_parameters(vocab_size: int, embedding_dim: int, widths: Sequence[int] = (3, 4, 5),
                       filters: int = 64) -> dict[str, int]:
    """The number of weights of each part of ``kim_cnn``, and their total.

    >>> kim_cnn_parameters(100, 8, widths=(3,), filters=2)
    {'embedding': 800, 'conv_w3': 50, 'dense': 3, 'total': 853}
    """
    vocab_size = _positive(vocab_size, "vocab_size")
    embedding_dim = _positive(embedding_dim, "embedding_dim")
    filters = _positive(filters, "filters")
    counts = {"embedding": vocab_size * embedding_dim}
    for width in _widths(widths):
        # A Conv1D filter spans `width` whole rows of the sentence matrix, plus its bias.
        counts[f"conv_w{width}"] = counts.get(f"conv_w{width}", 0) + (
            width * embedding_dim + 1) * filters
    counts["dense"] = len(widths) * filters + 1
    counts["total"] = sum(counts.values())
    return counts


def kim_cnn(vocab_size: int, sequence_length: int, embedding_dim: int = 64,
            widths: Sequence[int] = (3, 4, 5), filters: int = 64, dropout: float = 0.5,
            name: str = "kim_cnn"):
    """Kim's (2014) CNN for sentence classification, built with the Functional API.

    Token ids (``sequence_length`` of them, 0 for padding) -> ``Embedding`` -> one
    ``Conv1D(filters, width, relu)`` per width, side by side on the same sentence matrix
    -> ``GlobalMaxPooling1D`` each (max over time) -> ``Concatenate`` -> ``Dropout`` ->
    ``Dense(1, sigmoid)``, the probability of the positive class. Not compiled.

    >>> model = kim_cnn(vocab_size=50, sequence_length=10, embedding_dim=8, filters=4)
    >>> model.output_shape, model.count_params() == kim_cnn_parameters(50, 8, filters=4)["total"]
    ((None, 1), True)
    """
    import keras
    from keras import layers

    widths = _widths(widths)
    vocab_size = _positive(vocab_size, "vocab_size")
    sequence_length = _positive(sequence_length, "sequence_length")
    embedding_dim = _positive(embedding_dim, "embedding_dim")
    filters = _positive(filters, "filters")
    if max(widths) > sequence_length:
        raise ValueError(f"a filter of width {max(widths)} does not fit in sequences of "
                         f"{sequence_length} tokens")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a rate in [0, 1), got {dropout!r}")

    token_ids = keras.Input(shape=(sequence_length,), dtype="int32", name="token_ids")
    sentence = layers.Embedding(vocab_size, embedding_dim, name="embedding")(token_ids)
    pooled = []
    for width in widths:
        feature_maps = layers.Conv1D(filters, width, activation="relu",
                                     name=f"conv{len(pooled)}_w{width}")(sentence)
        pooled.append(layers.GlobalMaxPooling1D(name=f"max_over_time{len(pooled)}")(
            feature_maps))
    # Concatenate needs two inputs or more: a single branch goes straight on.
    features = layers.Concatenate(name="features")(pooled) if len(pooled) > 1 else pooled[0]
    features = layers.Dropout(dropout, name="dropout")(features)
    positive = layers.Dense(1, activation="sigmoid", name="p_positive")(features)
    return keras.Model(token_ids, positive, name=name)


def embedding_matrix(vocabulary: Sequence[str], words: Sequence[str], vectors,
                     initial) -> np.ndarray:
    """An ``Embedding`` table: row ``i`` is the vector of ``vocabulary[i]`` if it has one.

    ``vocabulary`` is the model's, index by index (``TextVectorization.get_vocabulary()``:
    padding, ``[UNK]``, then the words); ``words`` and ``vectors`` are word vectors learned
    elsewhere, ``vectors[j]`` the vector of ``words[j]`` (gensim's ``wv.index_to_key`` and
    ``wv.vectors``), in any order and with words the model does not know; ``initial`` is
    the table to start from, (vocabulary size, dims), whose rows stay where a word has no
    vector (the layer's own random rows, or zeros). Returns a new float32 array; the
    arguments are left as they are.

    >>> vocabulary = ["", "[UNK]", "good", "film"]
    >>> table = embedding_matrix(vocabulary, ["film", "plot"], np.array([[1.0, 2.0], [3.0, 4.0]]),
    ...                          np.zeros((4, 2)))
    >>> table  # only "film" has a vector; the other rows stay as they were
    array([[0., 0.],
           [0., 0.],
           [0., 0.],
           [1., 2.]], dtype=float32)
    """
    vocabulary, words = list(vocabulary), list(words)
    vectors = np.asarray(vectors, dtype=np.float32)
    table = np.array(initial, dtype=np.float32)  # a copy: `initial` stays as it was
    if vectors.ndim != 2 or len(vectors) != len(words):
        raise ValueError(f"vectors must be a (len(words), dims) = ({len(words)}, dims) matrix, "
                         f"got shape {vectors.shape}")
    if table.shape != (len(vocabulary), vectors.shape[1]):
        raise ValueError(f"initial must have one row of {vectors.shape[1]} numbers per "
                         f"vocabulary entry, shape ({len(vocabulary)}, {vectors.shape[1]}); "
                         f"got {table.shape}")
    row_of = {word: j for j, word in enumerate(words)}
    for i, word in enumerate(vocabulary):
        if word in row_of:
            table[i] = vectors[row_of[word]]
    return table
