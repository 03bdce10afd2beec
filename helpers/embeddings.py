"""Word vectors (notebook 09): text to training examples, nearest neighbours and analogies,
and the embedding projector.

* ``tokenize`` and ``corpus_sentences`` turn raw text into lower-cased words and sentences;
* ``skipgram_pairs`` and ``cbow_examples`` list the training examples a sliding window makes;
* ``keep_probabilities``, ``noise_distribution`` and ``sgns_training_data`` build the
  examples of skip-gram with negative sampling, as word2vec (and gensim) sample them;
* ``most_similar`` and ``analogy`` are the numpy references for the exercises; they rank
  words exactly as gensim's ``KeyedVectors.most_similar`` does;
* ``export_projector`` writes the two TSV files that https://projector.tensorflow.org loads,
  and ``projector_figure`` draws a self-contained, searchable 3-D view with plotly.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "tokenize",
    "corpus_sentences",
    "skipgram_pairs",
    "cbow_examples",
    "most_similar",
    "analogy",
    "keep_probabilities",
    "noise_distribution",
    "sgns_training_data",
    "export_projector",
    "projector_figure",
]

# Letters of any alphabet (not digits or "_"), with apostrophes inside a word kept:
# "o'er", "i'll", "king's" are words of their own in Shakespeare.
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def tokenize(text: str) -> list[str]:
    """The lower-cased words of ``text``: runs of letters, keeping inner apostrophes.

    Digits and punctuation separate words and are dropped; a curly apostrophe counts as
    a straight one.

    >>> tokenize("KING RICHARD III: Now is the winter; o'er 2 hills!")
    ['king', 'richard', 'iii', 'now', 'is', 'the', 'winter', "o'er", 'hills']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() needs a str, got {type(text).__name__}")
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _is_speaker(line: str) -> bool:
    """A play's speaker line, such as "KING RICHARD III:" or "First Citizen:"."""
    line = line.strip()
    return line.endswith(":") and 0 < len(line[:-1].split()) <= 4


def corpus_sentences(text: str, max_length: int = 1000) -> list[list[str]]:
    """Split a corpus into the "sentences" word2vec trains on: lists of words.

    A sentence is a paragraph (text between blank lines), so that no context window
    reaches across a change of speaker or article; a text without blank lines (one
    document per line, as the Lee corpus) is split at its line breaks instead. A
    paragraph's first line that only names a speaker ("ROMEO:", as in Tiny Shakespeare)
    is dropped: otherwise the names of speakers would be the context of every first
    line. A paragraph longer than ``max_length`` words (text8 is one line of 17 million
    words) is cut into pieces of ``max_length``, as gensim's ``Text8Corpus`` does.

    >>> corpus_sentences("ROMEO:\\nBut soft, what light?\\n\\nJULIET:\\nAy me!\\n")
    [['but', 'soft', 'what', 'light'], ['ay', 'me']]
    >>> corpus_sentences("One article.\\nAnother one.\\n")
    [['one', 'article'], ['another', 'one']]
    >>> corpus_sentences("a b c d e", max_length=2)
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    if not isinstance(text, str):
        raise TypeError(f"corpus_sentences() needs a str, got {type(text).__name__}")
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) \
            or max_length < 1:
        raise ValueError(f"max_length must be a positive int, got {max_length!r}")
    blank_line = re.compile(r"\n[^\S\n]*\n")
    paragraphs = blank_line.split(text) if blank_line.search(text) else text.splitlines()
    sentences = []
    for paragraph in paragraphs:
        lines = paragraph.strip().splitlines()
        if len(lines) > 1 and _is_speaker(lines[0]):
            lines = lines[1:]
        words = tokenize(" ".join(lines))
        sentences.extend(words[i:i + max_length] for i in range(0, len(words), max_length))
    return sentences


def _tokens(tokens, caller: str) -> list:
    """``tokens`` as a list; a str is refused, since iterating over it gives characters."""
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f"{caller}() needs a list of tokens (words), got a {type(tokens).__name__}"
                        f" {tokens[:40]!r}: split it into words first, e.g. tokenize(text)")
    try:
        return list(tokens)
    except TypeError as exc:
        raise TypeError(f"{caller}() needs a list of tokens (words), got "
                        f"{type(tokens).__name__}") from exc


def _window(window) -> int:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    return int(window)


def skipgram_pairs(tokens: Sequence[str], window: int) -> list[tuple[str, str]]:
    """The (target, context) pairs of skip-gram: each word with every word at most
    ``window`` positions to its left or right (the sentence's ends cut the window).

    In order: targets from left to right, and for each its contexts from left to right.

    >>> skipgram_pairs(["the", "quick", "brown"], window=1)
    [('the', 'quick'), ('quick', 'the'), ('quick', 'brown'), ('brown', 'quick')]
    """
    window = _window(window)
    tokens = _tokens(tokens, "skipgram_pairs")
    return [(tokens[i], tokens[j]) for i in range(len(tokens))
            for j in range(max(0, i - window), min(len(tokens), i + window + 1)) if j != i]


def cbow_examples(tokens: Sequence[str], window: int) -> list[tuple[list[str], str]]:
    """The (context words, target) examples of CBOW: the words around each position,
    which together predict the word in the middle.

    >>> cbow_examples(["the", "quick", "brown"], window=1)
    [(['quick'], 'the'), (['the', 'brown'], 'quick'), (['quick'], 'brown')]
    """
    window = _window(window)
    tokens = _tokens(tokens, "cbow_examples")
    return [(tokens[max(0, i - window):i] + tokens[i + 1:i + window + 1], tokens[i])
            for i in range(len(tokens))]


# ------------------------------------------------------------------- similarity queries


def _word_matrix(words: Sequence[str], vectors) -> tuple[list[str], np.ndarray]:
    words = list(words)
    if not all(isinstance(w, str) for w in words):
        raise TypeError("words must be a sequence of str")
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"vectors must have shape (len(words), dim) = ({len(words)}, dim), "
                         f"got {vectors.shape}")
    return words, vectors


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # A zero vector has no direction: it gets similarity 0 with everything, as in gensim.
    return vectors / np.where(norms > 0, norms, 1.0)


def _index(words: list[str], word: str) -> int:
    try:
        return words.index(word)
    except ValueError:
        raise KeyError(f"{word!r} is not in the vocabulary") from None


def most_similar(word: str, words: Sequence[str], vectors, topn: int = 10
                 ) -> list[tuple[str, float]]:
    """The ``topn`` words whose vectors have the largest cosine similarity with ``word``'s,
    most similar first, without ``word`` itself: ``(word, similarity)`` pairs, as
    ``gensim``'s ``KeyedVectors.most_similar(word, topn=topn)`` returns them.

    ``vectors[i]`` is the vector of ``words[i]``. An unknown word raises KeyError.

    >>> most_similar("a", ["a", "b", "c"], [[1.0, 0.0], [1.0, 1.0], [-1.0, 0.0]], topn=2)
    [('b', 0.7071067811865475), ('c', -1.0)]
    """
    words, vectors = _word_matrix(words, vectors)
    unit = _unit_rows(vectors)
    scores = unit @ unit[_index(words, word)]
    scores[_index(words, word)] = -np.inf
    order = np.argsort(-scores, kind="stable")[:max(0, min(int(topn), len(words) - 1))]
    return [(words[i], float(scores[i])) for i in order]


def analogy(a: str, b: str, c: str, words: Sequence[str], vectors) -> str:
    """Solve "``a`` is to ``b`` as ``c`` is to ?" by vector arithmetic (3CosAdd).

    The answer is the word, other than ``a``, ``b`` and ``c``, whose vector has the largest
    cosine similarity with ``b - a + c``, each of the three first scaled to length 1 (as
    word2vec and gensim do): the answer of
    ``KeyedVectors.most_similar(positive=[b, c], negative=[a], topn=1)``.

    >>> words = ["man", "king", "woman", "queen", "apple"]
    >>> vectors = [[1, 0, 0], [1, 0, 1], [0, 1, 0], [0, 1, 1], [1, 1, 0]]
    >>> analogy("man", "king", "woman", words, vectors)
    'queen'
    """
    words, vectors = _word_matrix(words, vectors)
    unit = _unit_rows(vectors)
    ia, ib, ic = (_index(words, w) for w in (a, b, c))
    scores = unit @ (unit[ib] - unit[ia] + unit[ic])
    scores[[ia, ib, ic]] = -np.inf
    if not np.isfinite(scores).any():
        raise ValueError("an analogy needs at least one word besides a, b and c")
    return words[int(np.argmax(scores))]


# -------------------------------------------------- skip-gram with negative sampling


def _counts(counts) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 1 or counts.size == 0 or not np.all(np.isfinite(counts)) \
            or (counts <= 0).any():
        raise ValueError("counts must be a non-empty 1-D array of positive word counts")
    return counts


def keep_probabilities(counts, sample: float = 1e-3) -> np.ndarray:
    """The probability that subsampling keeps each occurrence of a word, as word2vec and
    gensim compute it: ``(sqrt(f / sample) + 1) * sample / f`` (at most 1), where ``f``
    is the word's share of the corpus. Frequent words ("the") are mostly dropped; words
    rarer than about ``sample`` are always kept.

    >>> keep_probabilities([900, 90, 10], sample=0.01).round(3)
    array([0.117, 0.444, 1.   ])
    """
    counts = _counts(counts)
    if not 0 < sample < 1:
        raise ValueError(f"sample must be between 0 and 1, got {sample!r}")
    f = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(f / sample) + 1.0) * sample / f)


def noise_distribution(counts, power: float = 0.75) -> np.ndarray:
    """Where negative samples come from: word counts to the power 3/4, normalised.

    The power flattens Zipf's curve: rare words are drawn more often than their share of
    the text, frequent words less.

    >>> noise_distribution([16, 1], power=0.5).round(2)
    array([0.8, 0.2])
    """
    weights = _counts(counts) ** power
    return weights / weights.sum()


def sgns_training_data(sentences: Sequence[Sequence[int]], window: int, negatives: int,
                       keep, noise, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One epoch of skip-gram training examples with negative sampling, shuffled.

    ``sentences`` are lists of word ids. As in word2vec: every occurrence of word ``w`` is
    kept with probability ``keep[w]`` (subsampling), then every kept word gets a window
    of random size between 1 and ``window`` (so near words are more often context than
    far ones), and every (target, context) pair gets ``negatives`` random words drawn
    from ``noise`` (a probability per word id).

    Returns ``targets`` (n,), ``contexts`` (n, 1 + negatives) — the true context first,
    then the negatives — and ``labels`` (n, 1 + negatives): 1 for the true context, 0 for
    the negatives, the targets of a binary cross-entropy on the scores
    ``dot(word_vector[target], context_vector[c])``.

    >>> t, c, y = sgns_training_data([[0, 1, 2]], 1, 2, [1, 1, 1], [0.5, 0.25, 0.25],
    ...                              np.random.default_rng(0))
    >>> t.shape, c.shape, y[0].tolist()
    ((4,), (4, 3), [1.0, 0.0, 0.0])
    """
    window = _window(window)
    if isinstance(negatives, bool) or not isinstance(negatives, (int, np.integer)) \
            or negatives < 0:
        raise ValueError(f"negatives must be an int >= 0, got {negatives!r}")
    keep, noise = np.asarray(keep, dtype=float), np.asarray(noise, dtype=float)
    if keep.shape != noise.shape or keep.ndim != 1:
        raise ValueError(f"keep and noise need one entry per word id, got shapes "
                         f"{keep.shape} and {noise.shape}")
    kept = []
    for sentence in sentences:
        ids = np.asarray(sentence, dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= keep.size):
            raise ValueError(f"word ids must be between 0 and {keep.size - 1}")
        kept.append(ids[rng.random(ids.size) < keep[ids]])
    flat = np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)
    sentence_of = np.repeat(np.arange(len(kept)), [len(k) for k in kept])
    reach = rng.integers(1, window + 1, size=flat.size)  # each target's random window
    targets, contexts = [], []
    for offset in range(1, window + 1):
        same = sentence_of[offset:] == sentence_of[:-offset]
        right = same & (reach[:-offset] >= offset)  # target left, context `offset` right
        left = same & (reach[offset:] >= offset)  # target right, context `offset` left
        targets += [flat[:-offset][right], flat[offset:][left]]
        contexts += [flat[offset:][right], flat[:-offset][left]]
    targets, positives = np.concatenate(targets), np.concatenate(contexts)
    order = rng.permutation(targets.size)
    targets, positives = targets[order], positives[order]
    drawn = rng.choice(noise.size, size=(targets.size, negatives), p=noise)
    contexts = np.concatenate([positives[:, None], drawn], axis=1)
    labels = np.zeros(contexts.shape, dtype="float32")
    labels[:, 0] = 1.0
    return targets.astype("int32"), contexts.astype("int32"), labels


# ------------------------------------------------------------------------- projector


def _clean_field(value, what: str) -> str:
    text = str(value)
    if "\t" in text or "\n" in text or "\r" in text:
        raise ValueError(f"{what} {text!r} contains a tab or a line break, which would "
                         "break the TSV file")
    return text


def _write_atomically(path: Path, text: str) -> Path:
    """Write a temporary file next to ``path``; the caller renames it into place."""
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         prefix=path.name + ".", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
        os.chmod(handle.name, 0o644)  # NamedTemporaryFile makes it private (0600)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


def export_projector(words: Sequence[str], vectors, directory: str | os.PathLike, *,
                     metadata: Mapping[str, Sequence] | None = None) -> tuple[Path, Path]:
    """Write ``vectors.tsv`` and ``metadata.tsv`` for https://projector.tensorflow.org.

    ``vectors.tsv`` has one row of tab-separated numbers per word; ``metadata.tsv`` has
    the words in the same order: one per line without a header, or, with ``metadata``
    (more columns, such as word counts), a header line ``word<TAB>column...``, as the
    projector expects. In the projector, "Load" both files. Both are written to temporary
    files first and renamed into place, so a reader never sees half a file.
    Returns the two paths.

    >>> import tempfile
    >>> paths = export_projector(["king", "queen"], [[1.0, 0.5], [0.9, 0.6]],
    ...                          tempfile.mkdtemp())
    >>> [p.name for p in paths], paths[0].read_text().splitlines()[0]
    (['vectors.tsv', 'metadata.tsv'], '1\\t0.5')
    """
    words = list(words)
    try:
        matrix = np.asarray(vectors, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"vectors must be a 2-D array of numbers: {exc}") from exc
    if matrix.ndim != 2 or matrix.shape[0] != len(words) or matrix.size == 0:
        raise ValueError(f"vectors must have shape (len(words), dim) = ({len(words)}, dim) "
                         f"with at least one word, got {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise ValueError("vectors contain nan or inf")
    columns = {"word": [_clean_field(w, "the word") for w in words]}
    for name, values in (metadata or {}).items():
        values = list(values)
        if len(values) != len(words):
            raise ValueError(f"metadata column {name!r} has {len(values)} values for "
                             f"{len(words)} words")
        columns[_clean_field(name, "the column name")] = [
            _clean_field(v, f"a value of {name!r}") for v in values]
    rows = ["\t".join(str(values[i]) for values in columns.values())
            for i in range(len(words))]
    if len(columns) > 1:  # the projector reads a header only when there are 2+ columns
        rows.insert(0, "\t".join(columns))
    vector_text = "".join("\t".join(f"{x:.7g}" for x in row) + "\n" for row in matrix)

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    targets = (directory / "vectors.tsv", directory / "metadata.tsv")
    temporary = []
    try:
        for target, text in zip(targets, (vector_text, "\n".join(rows) + "\n"), strict=True):
            temporary.append(_write_atomically(target, text))
        for tmp, target in zip(temporary, targets, strict=True):
            os.replace(tmp, target)
    finally:
        for tmp in temporary:
            tmp.unlink(missing_ok=True)
    return targets


def _pca(vectors: np.ndarray, dims: int) -> np.ndarray:
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    return centred @ components[:dims].T


def projector_figure(words: Sequence[str], vectors, *, search: Sequence[str] | None = None,
                     highlight: str | None = None, n_neighbours: int = 8,
                     title: str = "Word vectors, first three principal components"):
    """An interactive 3-D map of word vectors, like the TensorFlow embedding projector.

    Every word is a point at its first three principal components (hover to read it). A
    search menu (the words of ``search``, at most 300 of the first words by default)
    highlights a word and its ``n_neighbours`` nearest neighbours by cosine similarity
    in the full vectors, which the 3-D map only approximates; ``highlight`` picks the
    word highlighted at first. Two buttons switch between the rotatable 3-D view and a
    flat 2-D view from above (the first two components). Show it in a notebook with
    ``IPython.display.HTML(fig.to_html(include_plotlyjs=True, full_html=False))``: that
    HTML carries plotly's JavaScript and all the data, so it needs no server, no network
    and no running kernel (Jupyter, Colab, a saved HTML file).

    >>> fig = projector_figure(["a", "b", "c", "d"], np.eye(4), highlight="b", n_neighbours=2)
    >>> fig.data[1].text, len(fig.data[2].text)
    (('b',), 2)
    """
    import plotly.graph_objects as go

    words, matrix = _word_matrix(words, vectors)
    if len(words) < 4:
        raise ValueError(f"a 3-D map needs at least 4 words, got {len(words)}")
    if len(set(words)) != len(words):
        raise ValueError("words must be distinct")
    n_neighbours = max(0, min(int(n_neighbours), len(words) - 1))
    search = list(words[:300] if search is None else search)
    unknown = [w for w in search if w not in words]
    if unknown:
        raise KeyError(f"search words not among the words: {unknown[:5]}")
    highlight = search[0] if highlight is None and search else highlight
    if highlight is not None and highlight not in search:
        search.insert(0, highlight)
    index = {w: i for i, w in enumerate(words)}
    if highlight is not None and highlight not in index:
        raise KeyError(f"{highlight!r} is not among the words")

    xyz = _pca(matrix, 3)
    unit = _unit_rows(matrix)

    def marked(word: str) -> tuple[dict, dict, list[dict]]:
        i = index[word]
        scores = unit @ unit[i]
        scores[i] = -np.inf
        near = np.argsort(-scores, kind="stable")[:n_neighbours]
        point = {"x": [xyz[i, 0]], "y": [xyz[i, 1]], "z": [xyz[i, 2]], "text": [word]}
        around = {"x": xyz[near, 0], "y": xyz[near, 1], "z": xyz[near, 2],
                  "text": [f"{words[j]} ({scores[j]:.2f})" for j in near]}
        # Labels as scene annotations (SVG): plotly.js draws the text of a scatter3d trace
        # too small once a menu replaces it (plotly.js issue 5754).
        labels = [{"x": float(xyz[j, 0]), "y": float(xyz[j, 1]), "z": float(xyz[j, 2]),
                   "text": text, "showarrow": False, "xanchor": "left", "xshift": 6,
                   "font": {"color": colour, "size": size}}
                  for j, text, colour, size in
                  [(i, word, "#d62728", 15)] + [(j, around["text"][k], "#1f77b4", 11)
                                                for k, j in enumerate(near)]]
        return point, around, labels

    fig = go.Figure()
    fig.add_trace(go.Scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="markers",
                               text=words, hoverinfo="text", name="words",
                               marker={"size": 2.5, "color": "#8c8c8c", "opacity": 0.6}))
    point, around, labels = marked(highlight) if highlight is not None else ({}, {}, [])
    fig.add_trace(go.Scatter3d(mode="markers", name="searched word", hoverinfo="text",
                               marker={"size": 7, "color": "#d62728"}, **point))
    fig.add_trace(go.Scatter3d(mode="markers", name="nearest neighbours (cosine)",
                               hoverinfo="text", marker={"size": 4.5, "color": "#1f77b4"},
                               **around))
    buttons = []
    for word in sorted(search):
        point, around, word_labels = marked(word)
        # "update" replaces the data of traces 1 (the word) and 2 (its neighbours), and
        # the labels.
        update = {key: [point[key], around[key]] for key in ("x", "y", "z", "text")}
        buttons.append({"label": word, "method": "update",
                        "args": [update, {"scene.annotations": word_labels}, [1, 2]]})
    # Dotted keys: plotly.js redraws a projection change given this way, not a whole
    # new "scene.camera" object (which leaves the scene blank until the next drag).
    views = [
        {"label": "3-D", "method": "relayout", "args": [{
            "scene.camera.eye": {"x": 1.4, "y": 1.4, "z": 1.0},
            "scene.camera.up": {"x": 0, "y": 0, "z": 1},
            "scene.camera.projection.type": "perspective"}]},
        {"label": "2-D (PC 1, PC 2)", "method": "relayout", "args": [{
            "scene.camera.eye": {"x": 0, "y": 0, "z": 1.5},
            "scene.camera.up": {"x": 0, "y": 1, "z": 0},
            "scene.camera.projection.type": "orthographic"}]},
    ]
    menus = [{"type": "buttons", "direction": "right", "buttons": views, "x": 1.0,
              "xanchor": "right", "y": 1.08, "yanchor": "top", "showactive": True}]
    if buttons:
        active = sorted(search).index(highlight)
        menus.append({"buttons": buttons, "active": active, "x": 0.0, "xanchor": "left",
                      "y": 1.08, "yanchor": "top", "showactive": True})
    fig.update_layout(
        title={"text": title + (" (search a word in the menu)" if buttons else ""),
               "y": 0.98},
        updatemenus=menus, height=620, margin={"l": 0, "r": 0, "t": 70, "b": 0},
        legend={"x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "bottom"},
        scene={"xaxis_title": "PC 1", "yaxis_title": "PC 2", "zaxis_title": "PC 3",
               "annotations": labels,
               "camera": {"eye": {"x": 1.4, "y": 1.4, "z": 1.0}, "up": {"x": 0, "y": 0, "z": 1},
                          "projection": {"type": "perspective"}}},
    )
    return fig
