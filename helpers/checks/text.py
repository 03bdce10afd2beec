"""Checks for notebook 07: a CNN for sentences (Kim 2014).

The notebook imports them as ``from helpers.checks import text as check``:

* ``check.branch_size(fn)``: ``fn(n_tokens, width, embedding_dim, filters)`` returns the
  output length and the number of parameters of one ``Conv1D`` branch;
* ``check.max_over_time(fn)``: ``fn(x, kernel, bias)``, one branch in numpy: convolution
  over a sentence matrix, ReLU, maximum over time;
* ``check.kim_cnn_spec(build)``: ``build(vocab_size, sequence_length, embedding_dim,
  widths, filters, dropout)`` returns Kim's CNN as the exercise specifies it;
* ``check.embedding_matrix(fn)``: ``fn(vocabulary, words, vectors, initial)`` returns an
  ``Embedding`` table whose row ``i`` is the vector of ``vocabulary[i]`` where it has one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.checks import _fail, _short, call_student, expect_close, hidden_rng, passed

__all__ = ["branch_size", "max_over_time", "kim_cnn_spec", "embedding_matrix"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "branch_size": ("helpers.text.kim_cnn_parameters",),
    "max_over_time": ("helpers.text.conv1d_max_over_time",),
    "kim_cnn_spec": ("helpers.text.kim_cnn",),
    "embedding_matrix": ("helpers.text.embedding_matrix",),
}


def _is_count(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


# ------------------------------------------------- exercise: the size of one branch

# (tokens, width, embedding dims, filters): the notebook's model first, then edge cases.
_BRANCH_CASES = [(56, 3, 64, 64), (10, 5, 8, 2), (5, 5, 3, 1), (1, 1, 1, 1), (20, 1, 300, 100),
                 (7, 2, 4, 3)]
_BRANCH_HIDDEN = [(59, 7, 300, 100), (3, 2, 5, 7), (100, 10, 32, 16), (6, 6, 6, 6)]


def _branch_reference(n: int, h: int, d: int, f: int) -> tuple[int, int]:
    return n - h + 1, (h * d + 1) * f


def _branch_hint(got: tuple, n: int, h: int, d: int, f: int) -> str:
    length, params = got
    want_length, want_params = _branch_reference(n, h, d, f)
    if length != want_length:
        if length == n - h:
            return ("off by one: the window starts at token 0, 1, ..., n - h, which is "
                    "n - h + 1 positions.")
        if length == n:
            return ("Conv1D's default padding is 'valid': no zeros are added, so only windows "
                    "that lie inside the sentence count.")
        return "the filter slides one token at a time: n - h + 1 positions."
    if params == h * d * f:
        return "each filter also has a bias: (h * d + 1) weights per filter."
    if params == (h + 1) * f:
        return ("a filter spans the whole embedding: it has h rows of d weights, "
                "h * d weights (plus a bias), not h.")
    if params == h * d + 1:
        return "that is one filter; the branch has `filters` of them."
    if params == (h * d + 1) * f * want_length:
        return ("the weights are shared by every position: the count does not depend on the "
                "sentence length.")
    return "one filter has h * d weights and a bias; the branch has `filters` filters."


def branch_size(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(n_tokens, width, embedding_dim, filters) -> (length, parameters)``.

    For ``Conv1D(filters, width)`` ("valid" padding) on a sentence matrix of ``n_tokens``
    rows and ``embedding_dim`` columns: the feature maps have ``n - h + 1`` positions and
    the layer has ``(h * d + 1) * filters`` parameters. Forgetting the bias fails:

    >>> branch_size(lambda n, h, d, f: (n - h + 1, h * d * f))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: branch_size(56, 3, 64, 64) is (54, 12288), expected (54, 12352).
    Hint: each filter also has a bias...
    """
    name = "branch_size"
    cases = _BRANCH_CASES + (_BRANCH_HIDDEN if hidden else [])
    for n, h, d, f in cases:
        call = f"{name}({n}, {h}, {d}, {f})"
        got = call_student(student, (n, h, d, f), name, call, None)
        expected = _branch_reference(n, h, d, f)
        if got is None:
            _fail(f"{call} returned None: did you forget to `return length, parameters`?", None)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            _fail(f"{call} returned {_short(got)}, expected a pair (length, parameters) "
                  f"such as {expected}.", "return two numbers: `return length, parameters`.")
        if not all(_is_count(v) or (isinstance(v, float) and v.is_integer()) for v in got):
            _fail(f"{call} returned {_short(got)}, expected two whole numbers {expected}.",
                  "use + - * and //, not /: a length and a count are ints.")
        if tuple(int(v) for v in got) != expected:
            _fail(f"{call} is {tuple(int(v) for v in got)}, expected {expected}.",
                  _branch_hint(tuple(int(v) for v in got), n, h, d, f))
    passed(name, f"{len(cases)} layers")


# ----------------------------------------------- exercise: max-over-time from scratch


def _mot_reference(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    from helpers.text import conv1d_max_over_time

    return conv1d_max_over_time(x, kernel, bias)


def _mot_cases(hidden: bool) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(what the case catches, x, kernel, bias), small integers for readable messages."""
    rng = hidden_rng(17) if hidden else np.random.default_rng(5)

    def ints(*shape, low=-3, high=4):
        return rng.integers(low, high, size=shape).astype(float)

    cases = [("the docstring's example", np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
              np.ones((2, 2, 1)), np.zeros(1))]
    if not hidden:
        cases += [
            ("3 filters of width 3 on 7 tokens of 4 dims", ints(7, 4), ints(3, 4, 3), ints(3)),
            ("width 1: each token alone", ints(5, 3), ints(1, 3, 2), ints(2)),
            ("a filter as long as the sentence: one window", ints(4, 2), ints(4, 2, 2),
             ints(2)),
        ]
        # The best window is the last one: a loop that stops one early misses it.
        last = np.zeros((6, 2))
        last[-2:] = 1.0
        cases.append(("the largest window is the last", last, np.ones((2, 2, 1)), np.zeros(1)))
        # Every window is negative: the ReLU makes the feature 0.
        cases.append(("all windows negative", np.abs(ints(5, 3)) + 1, -np.ones((2, 3, 2)),
                      np.array([0.0, -1.0])))
        # The bias decides which filter wins: forgetting it changes the answer.
        cases.append(("a large bias", ints(6, 2), ints(2, 2, 3), np.array([5.0, -2.0, 10.0])))
    else:
        cases += [(f"width {h} on {n} tokens", ints(n, d), ints(h, d, f), ints(f))
                  for n, h, d, f in [(9, 4, 3, 5), (3, 2, 6, 1), (12, 5, 2, 4), (2, 1, 1, 3)]]
    return cases


def _mot_hint(got, x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> str:
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(x, kernel.shape[0], axis=0)  # (positions, d, h)
    maps = np.einsum("idj,jdf->if", windows, kernel) + bias
    candidates = [
        ("you left out the ReLU: a feature is max_i ReLU(c_i), so it is never negative.",
         maps.max(axis=0)),
        ("you left out the bias: c_i = ReLU(w . window_i + b).",
         np.maximum(maps - bias, 0).max(axis=0)),
        ("that is average pooling: max-over-time keeps the largest value of each feature map.",
         np.maximum(maps, 0).mean(axis=0)),
        ("your loop misses the last window: there are n - h + 1 of them (range(n - h + 1)).",
         np.maximum(maps[:-1], 0).max(axis=0) if len(maps) > 1 else None),
        ("you flipped the filter over time: like Keras, slide it without flipping, "
         "kernel[j] multiplies the token at i + j.",
         np.maximum(np.einsum("idj,jdf->if", windows, kernel[::-1]) + bias, 0).max(axis=0)),
    ]
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        got_arr = None
    expected = _mot_reference(x, kernel, bias)
    for hint, candidate in candidates:
        if (candidate is not None and got_arr is not None and got_arr.shape == candidate.shape
                and not np.allclose(candidate, expected) and np.allclose(got_arr, candidate)):
            return hint
    if got_arr is not None and got_arr.shape == maps.shape:
        return ("that is the whole feature map; max-over-time keeps only its largest value, "
                "one number per filter: take .max(axis=0).")
    if got_arr is not None and got_arr.shape != expected.shape:
        return f"return one number per filter: shape ({kernel.shape[2]},)."
    return ("for each position i: c_i = ReLU(sum(x[i:i+h] * kernel[:, :, f]) + bias[f]); "
            "then the maximum over i.")


def max_over_time(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(x, kernel, bias)``: ``max_i ReLU(x[i:i+h] . kernel[..., f] + b[f])``.

    ``x`` is (tokens, dims), ``kernel`` (width, dims, filters) as Keras stores a Conv1D's,
    ``bias`` (filters,); the answer has shape (filters,). Compared with
    ``helpers.text.conv1d_max_over_time`` (itself checked against ``keras.layers.Conv1D`` and
    ``GlobalMaxPooling1D``) on width 1, a filter as long as the sentence, a best window at
    the end, all-negative windows and a large bias. Average pooling fails with a hint:

    >>> def mean_pooled(x, kernel, bias):
    ...     windows = np.lib.stride_tricks.sliding_window_view(x, len(kernel), axis=0)
    ...     return np.maximum(np.einsum("idj,jdf->if", windows, kernel) + bias, 0).mean(axis=0)
    >>> max_over_time(mean_pooled)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_max_over_time(x (3, 2), ...) is [2.5], expected [3.].
    Hint: that is average pooling...
    """
    name = "my_max_over_time"
    cases = _mot_cases(hidden)
    for what, x, kernel, bias in cases:
        call = f"{name}(x {x.shape}, kernel {kernel.shape}, bias {bias.shape})"
        args = (x.copy(), kernel.copy(), bias.copy())
        got = call_student(student, args, name, call,
                           "x is (tokens, dims), kernel (width, dims, filters), bias (filters,).")
        if any(not np.array_equal(a, b) for a, b in zip(args, (x, kernel, bias), strict=True)):
            _fail(f"{call} changed its inputs in place.",
                  "compute new arrays; leave x, kernel and bias as they are.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the features?", None)
        expected = _mot_reference(x, kernel, bias)
        try:
            ok = np.allclose(np.asarray(got, dtype=float), expected, rtol=1e-6, atol=1e-9) \
                and np.shape(got) == expected.shape
        except (TypeError, ValueError):
            ok = False
        if not ok:
            expect_close(got, expected, f"{call} ({what})", rtol=1e-6, atol=1e-9,
                         hint=_mot_hint(got, x, kernel, bias))
    passed(name, f"{len(cases)} cases" + (" (hidden)" if hidden else ""))


# ------------------------------------------------------ exercise: Kim's CNN to a spec

_SPEC_SETTINGS = [
    # vocab_size, sequence_length, embedding_dim, widths, filters, dropout
    (1000, 56, 64, (3, 4, 5), 64, 0.5),
    (200, 20, 8, (2, 3), 5, 0.3),
]
_SPEC_HIDDEN = [
    (50, 10, 4, (3,), 7, 0.5),  # a single branch: no Concatenate needed
    (300, 30, 16, (7, 7, 7), 10, 0.25),  # the same width three times (Zhang and Wallace)
    (120, 6, 3, (1, 2, 6), 2, 0.0),  # width 1, and a width as long as the sequences
]

_SPEC_TEXT = ("Input((sequence_length,), int) -> Embedding(vocab_size, embedding_dim) -> for "
              "each width: Conv1D(filters, width, activation='relu') on the embedded sentence "
              "-> GlobalMaxPooling1D; Concatenate the pooled vectors -> Dropout(dropout) -> "
              "Dense(1, activation='sigmoid')")


def _layers_of(model, kind) -> list:
    return [layer for layer in model.layers if isinstance(layer, kind)]


def _spec_fail(message: str, hint: str | None = None) -> None:
    _fail(message, hint or f"the spec: {_SPEC_TEXT}.")


def _check_one_model(build: Callable, settings: tuple, name: str):
    import keras

    vocab, length, dims, widths, filters, dropout = settings
    call = (f"{name}(vocab_size={vocab}, sequence_length={length}, embedding_dim={dims}, "
            f"widths={widths}, filters={filters}, dropout={dropout})")
    model = call_student(build, (vocab, length, dims, widths, filters, dropout), name, call,
                         f"the spec: {_SPEC_TEXT}.")
    if model is None:
        _fail(f"{call} returned None: did you forget to `return model`?", None)
    if not isinstance(model, keras.Model):
        _fail(f"{call} returned {_short(model)}, expected a keras.Model.",
              "return keras.Model(inputs, outputs).")
    if len(model.inputs) != 1 or tuple(model.inputs[0].shape) != (None, length):
        shapes = [tuple(t.shape) for t in model.inputs]
        _spec_fail(f"{call}: the model's input has shape {shapes}, expected (None, {length}).",
                   "keras.Input(shape=(sequence_length,), dtype='int32'): one token id per "
                   "position.")
    embeddings = _layers_of(model, keras.layers.Embedding)
    if len(embeddings) != 1:
        _spec_fail(f"{call}: the model has {len(embeddings)} Embedding layers, expected 1.",
                   "one Embedding turns the token ids into the sentence matrix; every branch "
                   "reads that same matrix.")
    embedding = embeddings[0]
    if (embedding.input_dim, embedding.output_dim) != (vocab, dims):
        _spec_fail(f"{call}: Embedding({embedding.input_dim}, {embedding.output_dim}), "
                   f"expected Embedding({vocab}, {dims}).",
                   "Embedding(vocab_size, embedding_dim): one row of embedding_dim numbers per "
                   "word of the vocabulary.")
    convs = _layers_of(model, keras.layers.Conv1D)
    if sorted(tuple(c.kernel_size)[0] for c in convs) != sorted(widths):
        got = sorted(tuple(c.kernel_size)[0] for c in convs)
        _spec_fail(f"{call}: the Conv1D layers have widths {got}, expected one per width "
                   f"{sorted(widths)}.",
                   "loop over `widths`: one Conv1D(filters, width) for each.")
    for conv in convs:
        width = tuple(conv.kernel_size)[0]
        if conv.filters != filters:
            _spec_fail(f"{call}: Conv1D of width {width} has {conv.filters} filters, expected "
                       f"{filters}.")
        if getattr(conv.activation, "__name__", "") != "relu":
            _spec_fail(f"{call}: Conv1D of width {width} has no ReLU.",
                       "Conv1D(filters, width, activation='relu').")
        if conv.padding != "valid" or tuple(conv.strides) != (1,) or \
                tuple(conv.dilation_rate) != (1,):
            _spec_fail(f"{call}: Conv1D of width {width} has padding={conv.padding!r}, strides="
                       f"{tuple(conv.strides)}, dilation {tuple(conv.dilation_rate)}; expected "
                       "Keras' defaults ('valid', 1, 1).",
                       "leave padding, strides and dilation_rate at their defaults.")
        in_shape = tuple(conv.input.shape)
        if in_shape != (None, length, dims):
            _spec_fail(f"{call}: Conv1D of width {width} reads a tensor of shape {in_shape}, "
                       f"expected the sentence matrix {(None, length, dims)}.",
                       "the branches are parallel, not stacked: call every Conv1D on the "
                       "Embedding's output.")
    for bad in (keras.layers.GlobalAveragePooling1D, keras.layers.Flatten,
                keras.layers.MaxPooling1D, keras.layers.AveragePooling1D):
        if _layers_of(model, bad):
            _spec_fail(f"{call}: the model has a {bad.__name__} layer.",
                       "max-over-time pooling is GlobalMaxPooling1D: it keeps the largest "
                       "value of each feature map over the whole sentence.")
    pools = _layers_of(model, keras.layers.GlobalMaxPooling1D)
    if len(pools) != len(widths):
        _spec_fail(f"{call}: {len(pools)} GlobalMaxPooling1D layers, expected one per branch "
                   f"({len(widths)}).")
    dropouts = _layers_of(model, keras.layers.Dropout)
    if [round(float(d.rate), 6) for d in dropouts] != [round(float(dropout), 6)]:
        rates = [float(d.rate) for d in dropouts]
        _spec_fail(f"{call}: Dropout rates {rates}, expected one Dropout({dropout}).",
                   "one Dropout(dropout) on the concatenated features, before the Dense layer.")
    denses = _layers_of(model, keras.layers.Dense)
    if len(denses) != 1 or denses[0].units != 1:
        units = [d.units for d in denses]
        _spec_fail(f"{call}: Dense layers with units {units}, expected one Dense(1).",
                   "a single Dense(1, activation='sigmoid') gives the probability of "
                   "'positive'.")
    if getattr(denses[0].activation, "__name__", "") != "sigmoid":
        _spec_fail(f"{call}: the Dense layer's activation is "
                   f"{getattr(denses[0].activation, '__name__', '?')!r}, expected 'sigmoid'.",
                   "Dense(1, activation='sigmoid'): a probability between 0 and 1.")
    if tuple(model.output_shape) != (None, 1):
        _spec_fail(f"{call}: the model outputs shape {model.output_shape}, expected (None, 1).")
    if tuple(denses[0].input.shape) != (None, len(widths) * filters):
        _spec_fail(f"{call}: the Dense layer reads shape {tuple(denses[0].input.shape)}, "
                   f"expected {(None, len(widths) * filters)}: {len(widths)} branches of "
                   f"{filters} pooled features, concatenated.",
                   "Concatenate()(list of the pooled branches) (with a single branch, use "
                   "the pooled vector itself).")
    from helpers.text import kim_cnn_parameters

    total = kim_cnn_parameters(vocab, dims, widths, filters)["total"]
    if model.count_params() != total:
        _spec_fail(f"{call}: {model.count_params():,} parameters, expected {total:,}.")
    ids = np.random.default_rng(0).integers(0, vocab, size=(4, length)).astype("int32")
    try:
        probs = np.asarray(keras.ops.convert_to_numpy(model(ids, training=False)), dtype=float)
    except Exception as exc:  # an unusual model that the layer walk did not catch
        _fail(f"{call}: model(token ids) raised {type(exc).__name__}: {exc}", None, cause=exc)
    if probs.shape != (4, 1) or not np.all((probs >= 0) & (probs <= 1)):
        _spec_fail(f"{call}: model(4 sentences) gave {_short(probs)}, expected 4 probabilities "
                   "of shape (4, 1).")
    return model


def kim_cnn_spec(build: Callable, *, hidden: bool = False) -> None:
    """Check ``build(vocab_size, sequence_length, embedding_dim, widths, filters, dropout)``.

    The spec: ``Input((sequence_length,))`` of token ids -> ``Embedding(vocab_size,
    embedding_dim)`` -> for each width, side by side on the embedded sentence,
    ``Conv1D(filters, width, relu)`` -> ``GlobalMaxPooling1D`` -> ``Concatenate`` (not
    needed for one branch) -> ``Dropout(dropout)`` -> ``Dense(1, sigmoid)``. Tried with
    the notebook's settings and another; ``hidden=True`` adds a single branch, a width
    repeated three times, and width 1 and a width as long as the sequence, and checks that
    every call builds a new model. Stacked instead of parallel branches fail:

    >>> import keras
    >>> def stacked(vocab, length, dims, widths, filters, dropout):
    ...     ids = keras.Input((length,), dtype="int32")
    ...     h = keras.layers.Embedding(vocab, dims)(ids)
    ...     for w in widths:
    ...         h = keras.layers.Conv1D(filters, w, activation="relu")(h)
    ...     h = keras.layers.Dropout(dropout)(keras.layers.GlobalMaxPooling1D()(h))
    ...     return keras.Model(ids, keras.layers.Dense(1, activation="sigmoid")(h))
    >>> kim_cnn_spec(stacked)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: build_kim_cnn(...): Conv1D of width 4 reads ... (None, 54, 64)...
    """
    name = "build_kim_cnn"
    settings = _SPEC_SETTINGS + (_SPEC_HIDDEN if hidden else [])
    for setting in settings:
        model = _check_one_model(build, setting, name)
    if hidden and _check_one_model(build, settings[-1], name) is model:
        _fail(f"{name}() returned the same model object twice.",
              "create the layers and the model inside the function, so that every call "
              "builds a new, untrained model.")
    passed(name, f"{len(settings)} settings: layers, shapes, parameters")


# ------------------------------------------- exercise: word vectors as the embedding table


def _table_reference(vocabulary: list[str], words: list[str], vectors: np.ndarray,
                     initial: np.ndarray) -> np.ndarray:
    from helpers.text import embedding_matrix as reference

    return reference(vocabulary, words, vectors, initial)


_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def _table_cases(hidden: bool) -> list[tuple[str, list[str], list[str], np.ndarray, np.ndarray]]:
    """(what the case catches, vocabulary, words, vectors, initial); small integers to read."""
    rng = hidden_rng(29) if hidden else np.random.default_rng(8)

    def table(rows: int, dims: int) -> np.ndarray:
        return rng.integers(-9, 10, size=(rows, dims)).astype(float)

    vocabulary = ["", "[UNK]", "the", "good", "bad", "film"]
    cases = [("word vectors in another order than the vocabulary, one word the model lacks",
              vocabulary, ["film", "good", "plot"], table(3, 2), table(6, 2))]
    if not hidden:
        cases += [
            ("no word in common: the table is `initial` itself", vocabulary, ["plot", "cast"],
             table(2, 3), table(6, 3)),
            ("every word has a vector", vocabulary, ["bad", "film", "the", "good"], table(4, 2),
             table(6, 2)),
        ]
    else:
        words = sorted({"".join(rng.choice(_LETTERS, 4)) for _ in range(40)})
        vocabulary = ["", "[UNK]"] + words[:25]
        # Half shared, in a shuffled order; plain str, as gensim's words are.
        learned = [str(word) for word in rng.permutation(words[10:])]
        cases.append(("a shuffled, partly shared vocabulary of 27", vocabulary, learned,
                      table(len(learned), 5), table(len(vocabulary), 5)))
    return cases


def _table_hint(got: np.ndarray, vocabulary: list[str], words: list[str], vectors: np.ndarray,
                initial: np.ndarray) -> str:
    zeros = _table_reference(vocabulary, words, vectors, np.zeros_like(initial))
    by_position = initial.copy()
    n = min(len(by_position), len(vectors))
    by_position[:n] = vectors[:n]
    if got.shape == (len(words), vectors.shape[1]):
        return ("that is one row per learned word; the table needs one row per vocabulary "
                "entry, in the vocabulary's order: start from a copy of `initial`.")
    if got.shape != initial.shape:
        return f"return a table of shape {initial.shape}, like `initial`."
    if np.allclose(got, zeros) and not np.allclose(zeros, _table_reference(
            vocabulary, words, vectors, initial)):
        return ("a word without a vector keeps its row of `initial` (the layer's random row), "
                "not a row of zeros.")
    if np.allclose(got, by_position):
        return ("row i belongs to vocabulary[i]: look its vector up by the word "
                "(words.index(word), or a dict word -> row), not by position.")
    if np.allclose(got, initial):
        return "no row changed: replace the row of every vocabulary word that is in `words`."
    return ("for each i, word in enumerate(vocabulary): if the word is in `words`, row i is "
            "vectors[words.index(word)]; otherwise it stays initial[i].")


def embedding_matrix(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(vocabulary, words, vectors, initial)``: word vectors as an embedding.

    Row ``i`` of the answer is ``vectors[words.index(vocabulary[i])]`` when
    ``vocabulary[i]`` is in ``words``, else ``initial[i]``; the arguments must not change.
    Compared with ``helpers.text.embedding_matrix`` on vectors in another order than the
    vocabulary, no shared word, every word shared and (hidden) a larger shuffled case.
    Copying the vectors in by position fails with a hint:

    >>> def by_position(vocabulary, words, vectors, initial):
    ...     table = np.array(initial, dtype=float)
    ...     table[:len(vectors)] = vectors
    ...     return table
    >>> embedding_matrix(by_position)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_embedding_matrix(6 entries, 3 words, vectors (3, 2), ...
    Hint: row i belongs to vocabulary[i]...
    """
    name = "my_embedding_matrix"
    cases = _table_cases(hidden)
    for what, vocabulary, words, vectors, initial in cases:
        call = (f"{name}({len(vocabulary)} entries, {len(words)} words, vectors "
                f"{vectors.shape}, initial {initial.shape})")
        args = (list(vocabulary), list(words), vectors.copy(), initial.copy())
        got = call_student(student, args, name, call,
                           "vocabulary and words are lists of str, vectors is (len(words), "
                           "dims), initial is (len(vocabulary), dims).")
        if args[0] != vocabulary or args[1] != words or not np.array_equal(args[2], vectors) \
                or not np.array_equal(args[3], initial):
            _fail(f"{call} changed its inputs in place.",
                  "start from a copy, `table = np.array(initial)`, and fill that in.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the table?", None)
        expected = _table_reference(vocabulary, words, vectors, initial)
        try:
            got_arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            _fail(f"{call} returned {_short(got)}, expected a {expected.shape} array.", None)
        if got_arr.shape != expected.shape or not np.allclose(got_arr, expected):
            expect_close(got_arr, expected, f"{call} ({what})", rtol=1e-6, atol=1e-6,
                         hint=_table_hint(got_arr, vocabulary, words, vectors, initial))
    passed(name, f"{len(cases)} vocabularies" + (" (hidden)" if hidden else ""))
