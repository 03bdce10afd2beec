"""Word vectors (notebook 09): scratch.cosine_similarity, helpers.embeddings, and the text8
entry of the data registry. The references are checked against gensim."""

from __future__ import annotations

import dataclasses
import os
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors, Word2Vec

from helpers import data, embeddings, scratch
from helpers.data import Source

LECTURE = "the quick brown fox jumps over the lazy dog".split()


def random_vectors(n: int = 60, dim: int = 8, seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    # Very different lengths: a ranking by dot product would differ from one by cosine.
    vectors = rng.normal(size=(n, dim)) * rng.uniform(0.05, 6.0, size=(n, 1))
    return [f"w{i}" for i in range(n)], vectors.astype("float32")


def keyed(words, vectors) -> KeyedVectors:
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), np.asarray(vectors, dtype="float32"))
    return kv


# ------------------------------------------------------------------- cosine_similarity


def test_cosine_similarity_equals_gensim_similarity():
    words, vectors = random_vectors()
    kv = keyed(words, vectors)
    rng = np.random.default_rng(1)
    for _ in range(200):
        a, b = rng.choice(len(words), size=2, replace=False)
        got = scratch.cosine_similarity(vectors[a], vectors[b])
        assert isinstance(got, float)
        assert got == pytest.approx(float(kv.similarity(words[a], words[b])), abs=1e-6)


@pytest.mark.parametrize("a, b, expected", [
    ([1.0, 0.0], [0.0, 3.0], 0.0),  # orthogonal
    ([1.0, 2.0], [2.0, 4.0], 1.0),  # same direction, other length
    ([1.0, 2.0], [-3.0, -6.0], -1.0),  # opposite
    ([1.0, 1.0], [1.0, 0.0], 1 / np.sqrt(2)),
    ([3, 4], [4, 3], 24 / 25),  # ints are fine
    ([1e200, 1e200], [1e200, 0.0], 1 / np.sqrt(2)),  # squares would overflow
    ([1e-200, 1e-200], [3e-200, 0.0], 1 / np.sqrt(2)),  # squares would vanish
])
def test_cosine_similarity_values(a, b, expected):
    assert scratch.cosine_similarity(a, b) == pytest.approx(expected, abs=1e-12)


def test_cosine_similarity_ignores_lengths_and_is_symmetric():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=5), rng.normal(size=5)
    base = scratch.cosine_similarity(a, b)
    assert scratch.cosine_similarity(7.5 * a, 0.01 * b) == pytest.approx(base, abs=1e-12)
    assert scratch.cosine_similarity(b, a) == pytest.approx(base, abs=1e-15)
    assert -1.0 <= scratch.cosine_similarity(a, -a) <= 1.0


@pytest.mark.parametrize("a, b, error, phrase", [
    ([0.0, 0.0], [1.0, 2.0], ValueError, "a is the zero vector"),
    ([1.0, 2.0], [0, 0], ValueError, "b is the zero vector"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], ValueError, r"same length.*\(2,\).*\(3,\)"),
    ([[1.0, 2.0]], [1.0, 2.0], ValueError, r"a must have 1 dimension"),
    ([], [], ValueError, "empty"),
    ([1.0, np.nan], [1.0, 2.0], ValueError, "finite"),
    (["x", "y"], [1.0, 2.0], TypeError, "a must hold numbers"),
])
def test_cosine_similarity_rejects_bad_input(a, b, error, phrase):
    with pytest.raises(error, match=phrase):
        scratch.cosine_similarity(a, b)


def test_cosine_similarity_is_exported():
    assert "cosine_similarity" in scratch.__all__


# ------------------------------------------------------------------------- tokenizing


def test_tokenize():
    assert embeddings.tokenize("O'er the hills, 2 DOGS ran\u2019d--fast!") == [
        "o'er", "the", "hills", "dogs", "ran'd", "fast"]
    assert embeddings.tokenize("'tis  'Twas ") == ["tis", "twas"]  # outer quotes are not words
    assert embeddings.tokenize("Élan café") == ["élan", "café"]
    assert embeddings.tokenize("") == []
    with pytest.raises(TypeError, match="needs a str"):
        embeddings.tokenize(["a list"])


def test_corpus_sentences_drops_speaker_lines_only():
    text = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\n"
            "All:\nSpeak, speak.\n\n"
            "KING RICHARD III:\nNow is the winter\nof our discontent:\nmade glorious summer.\n")
    assert embeddings.corpus_sentences(text) == [
        ["before", "we", "proceed", "any", "further", "hear", "me", "speak"],
        ["speak", "speak"],
        # A line ending in ":" inside a speech is text, not a speaker.
        ["now", "is", "the", "winter", "of", "our", "discontent", "made", "glorious", "summer"]]
    # A long line ending in ":" is not a speaker, and a one-line paragraph is kept.
    assert embeddings.corpus_sentences("This is a long sentence that ends like this:\n") == [
        ["this", "is", "a", "long", "sentence", "that", "ends", "like", "this"]]


def test_corpus_sentences_without_blank_lines_splits_lines_and_chunks():
    text = "One article about rain.\nAnother about sun.\n"
    assert embeddings.corpus_sentences(text) == [["one", "article", "about", "rain"],
                                                 ["another", "about", "sun"]]
    words = " ".join(f"w{i % 7}" for i in range(2500)).replace("w", "x")
    chunks = embeddings.corpus_sentences(words, max_length=1000)
    assert [len(c) for c in chunks] == [1000, 1000, 500]
    assert embeddings.corpus_sentences("\n\n  \n") == []
    with pytest.raises(ValueError, match="max_length"):
        embeddings.corpus_sentences("a b", max_length=0)


def test_corpus_sentences_of_the_lee_standin():
    text = data.gensim_test_file("lee_background.cor").read_text(encoding="utf-8")
    sentences = embeddings.corpus_sentences(text)
    assert len(sentences) == 300  # one article a line
    assert sum(map(len, sentences)) > 55_000


def test_corpus_sentences_of_tiny_shakespeare(canonical_datasets):
    path = canonical_datasets / "corpora" / "tinyshakespeare" / "input.txt"
    if not path.is_file():
        pytest.skip(f"{canonical_datasets} has no Tiny Shakespeare")
    sentences = embeddings.corpus_sentences(path.read_text(encoding="utf-8"))
    assert sentences[0][:4] == ["before", "we", "proceed", "any"]
    words = Counter(w for s in sentences for w in s)
    # Speaker names are gone: "citizen" appears only where someone says it.
    assert words["citizen"] < 20 and words["menenius"] < 40
    assert 180_000 < sum(words.values()) < 210_000


# ------------------------------------------------------------- pairs and CBOW examples


def brute_force_pairs(tokens, window):
    return Counter((tokens[i], tokens[j]) for i in range(len(tokens))
                   for j in range(len(tokens)) if 0 < abs(i - j) <= window)


@pytest.mark.parametrize("window", [1, 2, 3, 8, 20])
def test_skipgram_pairs_match_a_brute_force_count(window):
    tokens = LECTURE + ["and", "the", "fox"]
    assert Counter(embeddings.skipgram_pairs(tokens, window)) == brute_force_pairs(tokens, window)


def test_skipgram_pairs_of_the_lecture_sentence():
    pairs = embeddings.skipgram_pairs(LECTURE, 2)
    assert len(pairs) == 30
    assert pairs[:3] == [("the", "quick"), ("the", "brown"), ("quick", "the")]
    assert embeddings.skipgram_pairs(["one"], 2) == [] and embeddings.skipgram_pairs([], 1) == []
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="window"):
            embeddings.skipgram_pairs(LECTURE, bad)


def test_cbow_examples():
    examples = embeddings.cbow_examples(LECTURE, 2)
    assert examples[0] == (["quick", "brown"], "the")
    assert examples[3] == (["quick", "brown", "jumps", "over"], "fox")
    assert examples[-1] == (["the", "lazy"], "dog")
    # CBOW's (context word, target) links are skip-gram's pairs, turned around.
    links = Counter((c, t) for context, t in examples for c in context)
    assert links == Counter((c, t) for t, c in embeddings.skipgram_pairs(LECTURE, 2))


# ------------------------------------------------------------- most_similar and analogy


def test_most_similar_equals_gensim():
    words, vectors = random_vectors()
    kv = keyed(words, vectors)
    for word in words[:20]:
        ours = embeddings.most_similar(word, words, vectors, topn=7)
        theirs = kv.most_similar(word, topn=7)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-6)


def test_most_similar_edge_cases():
    words, vectors = random_vectors(5, 3)
    assert len(embeddings.most_similar("w0", words, vectors, topn=50)) == 4
    assert embeddings.most_similar("w0", words, vectors, topn=0) == []
    assert "w2" not in [w for w, _ in embeddings.most_similar("w2", words, vectors)]
    with pytest.raises(KeyError, match="'zebra' is not in the vocabulary"):
        embeddings.most_similar("zebra", words, vectors)
    with pytest.raises(ValueError, match=r"shape \(len\(words\), dim\)"):
        embeddings.most_similar("w0", words, vectors[:3])


def test_analogy_equals_gensim():
    words, vectors = random_vectors(80, 6, seed=3)
    kv = keyed(words, vectors)
    rng = np.random.default_rng(4)
    for _ in range(40):
        a, b, c = (words[i] for i in rng.choice(len(words), size=3, replace=False))
        expected = kv.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]
        assert embeddings.analogy(a, b, c, words, vectors) == expected


def test_analogy_on_a_trained_model_matches_gensim():
    sentences = embeddings.corpus_sentences(
        data.gensim_test_file("lee_background.cor").read_text(encoding="utf-8"))
    model = Word2Vec(sentences, vector_size=20, min_count=5, epochs=2, workers=1, seed=0)
    wv = model.wv
    words = wv.index_to_key
    for a, b, c in [("man", "he", "woman"), ("government", "minister", "police"),
                    ("day", "days", "year")]:
        expected = wv.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]
        assert embeddings.analogy(a, b, c, words, wv.vectors) == expected
    ours = embeddings.most_similar("police", words, wv.vectors, topn=5)
    assert [w for w, _ in ours] == [w for w, _ in wv.most_similar("police", topn=5)]


def test_analogy_edge_cases():
    with pytest.raises(ValueError, match="besides a, b and c"):
        embeddings.analogy("a", "b", "c", ["a", "b", "c"], np.eye(3))
    with pytest.raises(KeyError, match="'d' is not"):
        embeddings.analogy("a", "b", "d", ["a", "b", "c", "e"], np.eye(4))


# ------------------------------------------------- subsampling and negative sampling


def small_model() -> Word2Vec:
    sentences = embeddings.corpus_sentences(
        data.gensim_test_file("lee_background.cor").read_text(encoding="utf-8"))
    model = Word2Vec(vector_size=10, min_count=3, sample=1e-3, negative=5, seed=0)
    model.build_vocab(sentences)
    return model


def test_keep_probabilities_equal_gensims_subsampling():
    model = small_model()
    counts = [model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key]
    ours = embeddings.keep_probabilities(counts, 1e-3)
    theirs = np.array([model.wv.get_vecattr(w, "sample_int") for w in model.wv.index_to_key],
                      dtype=float) / (2**32 - 1)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert ours[0] < 0.2 and ours[-1] == 1.0  # "the" is mostly dropped, rare words never


def test_noise_distribution_equals_gensims_table():
    model = small_model()
    counts = [model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key]
    ours = embeddings.noise_distribution(counts)
    theirs = np.diff(np.r_[0, model.cum_table.astype(float)]) / model.cum_table[-1]
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert ours.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [[], [1, 0], [[1, 2]], [1, np.inf]])
def test_counts_must_be_positive(bad):
    with pytest.raises(ValueError, match="counts"):
        embeddings.noise_distribution(bad)
    with pytest.raises(ValueError, match="counts"):
        embeddings.keep_probabilities(bad)


def test_sgns_training_data_pairs_are_skipgram_pairs():
    rng = np.random.default_rng(0)
    sentences = [[0, 1, 2, 3, 4, 5], [6, 7, 8], [9]]
    keep, noise = np.ones(10), np.full(10, 0.1)
    targets, contexts, labels = embeddings.sgns_training_data(sentences, 2, 3, keep, noise, rng)
    assert targets.shape == (len(targets),) and contexts.shape == (len(targets), 4)
    assert targets.dtype == contexts.dtype == np.int32 and labels.dtype == np.float32
    np.testing.assert_array_equal(labels, np.tile([1, 0, 0, 0], (len(targets), 1)))
    allowed = Counter()
    for s in sentences:
        allowed += Counter(embeddings.skipgram_pairs(s, 2))
    got = Counter(zip(targets.tolist(), contexts[:, 0].tolist(), strict=True))
    assert not got - allowed  # never across sentences or farther than the window
    # With a window of 1 the random window is always 1: exactly skip-gram's pairs.
    targets, contexts, _ = embeddings.sgns_training_data(sentences, 1, 0, keep, noise, rng)
    assert contexts.shape[1] == 1
    assert Counter(zip(targets.tolist(), contexts[:, 0].tolist(), strict=True)) == sum(
        (Counter(embeddings.skipgram_pairs(s, 1)) for s in sentences), Counter())


def test_sgns_training_data_samples_like_word2vec():
    rng = np.random.default_rng(1)
    sentence = list(np.tile(np.arange(4), 2500))  # 10,000 words
    keep = np.array([1.0, 1.0, 1.0, 0.0])  # word 3 is always subsampled away
    noise = np.array([0.1, 0.2, 0.3, 0.4])
    targets, contexts, _ = embeddings.sgns_training_data([sentence], 4, 5, keep, noise, rng)
    assert 3 not in set(targets.tolist()) | set(contexts[:, 0].tolist())
    drawn = np.bincount(contexts[:, 1:].ravel(), minlength=4) / contexts[:, 1:].size
    np.testing.assert_allclose(drawn, noise, atol=0.01)
    # The random window (1 to 4, uniform) makes near pairs more frequent than far ones:
    # on 7,500 kept words, about 2 * 7,500 * (4 + 3 + 2 + 1) / 4 = 37,500 pairs.
    assert 35_000 < len(targets) < 40_000
    again = embeddings.sgns_training_data([sentence], 4, 5, keep, noise,
                                          np.random.default_rng(1))
    np.testing.assert_array_equal(again[1], contexts)


def test_sgns_training_data_rejects_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="word ids"):
        embeddings.sgns_training_data([[0, 5]], 2, 1, np.ones(3), np.ones(3) / 3, rng)
    with pytest.raises(ValueError, match="one entry per word id"):
        embeddings.sgns_training_data([[0, 1]], 2, 1, np.ones(3), np.ones(2) / 2, rng)
    with pytest.raises(ValueError, match="negatives"):
        embeddings.sgns_training_data([[0, 1]], 2, -1, np.ones(2), np.ones(2) / 2, rng)
    with pytest.raises(ValueError, match="window"):
        embeddings.sgns_training_data([[0, 1]], 0, 1, np.ones(2), np.ones(2) / 2, rng)


# ------------------------------------------------------------------------- projector


def test_export_projector_writes_what_the_projector_reads(tmp_path):
    words, vectors = random_vectors(30, 5)
    vectors_tsv, metadata_tsv = embeddings.export_projector(words, vectors, tmp_path / "out")
    assert (vectors_tsv.name, metadata_tsv.name) == ("vectors.tsv", "metadata.tsv")
    np.testing.assert_allclose(np.loadtxt(vectors_tsv, delimiter="\t"), vectors, rtol=1e-6)
    assert metadata_tsv.read_text(encoding="utf-8") == "".join(w + "\n" for w in words)
    assert oct(vectors_tsv.stat().st_mode & 0o777) == "0o644"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["metadata.tsv", "vectors.tsv"]


def test_export_projector_with_metadata_columns_has_a_header(tmp_path):
    _, metadata_tsv = embeddings.export_projector(
        ["king", "queen"], [[1.0, 2.0], [3.0, 4.0]], tmp_path,
        metadata={"count": [10, 7], "kind": ["male", "female"]})
    assert metadata_tsv.read_text().splitlines() == [
        "word\tcount\tkind", "king\t10\tmale", "queen\t7\tfemale"]


def test_export_projector_matches_gensims_word2vec2tensor(tmp_path):
    from gensim.scripts.word2vec2tensor import word2vec2tensor

    words, vectors = random_vectors(20, 4)
    kv = keyed(words, vectors)
    kv.save_word2vec_format(str(tmp_path / "model.txt"))
    word2vec2tensor(str(tmp_path / "model.txt"), str(tmp_path / "gensim"))
    ours = embeddings.export_projector(kv.index_to_key, kv.vectors, tmp_path / "ours")
    np.testing.assert_allclose(np.loadtxt(ours[0], delimiter="\t"),
                               np.loadtxt(tmp_path / "gensim_tensor.tsv", delimiter="\t"),
                               rtol=1e-6)
    assert ours[1].read_text() == (tmp_path / "gensim_metadata.tsv").read_text()


@pytest.mark.parametrize("words, vectors, metadata, phrase", [
    (["a", "b"], [[1.0, 2.0]], None, r"shape \(len\(words\), dim\) = \(2, dim\)"),
    ([], np.zeros((0, 3)), None, "at least one word"),
    (["a"], [[1.0, np.nan]], None, "nan or inf"),
    (["a\tb"], [[1.0]], None, "tab or a line break"),
    (["a", "b\nc"], [[1.0], [2.0]], None, "tab or a line break"),
    (["a"], [[1.0]], {"count": [1, 2]}, "'count' has 2 values for 1 words"),
])
def test_export_projector_rejects_bad_input(tmp_path, words, vectors, metadata, phrase):
    with pytest.raises(ValueError, match=phrase):
        embeddings.export_projector(words, vectors, tmp_path, metadata=metadata)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_export_projector_replaces_both_files_or_neither(tmp_path, monkeypatch):
    embeddings.export_projector(["old"], [[1.0, 2.0]], tmp_path)
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}
    real = embeddings._write_atomically
    calls = []

    def fail_on_the_second(path, text):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(path, text)

    monkeypatch.setattr(embeddings, "_write_atomically", fail_on_the_second)
    with pytest.raises(OSError, match="disk full"):
        embeddings.export_projector(["new"], [[3.0, 4.0]], tmp_path)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before  # no temporary left


def test_projector_figure_search_menu_highlights_cosine_neighbours():
    words, vectors = random_vectors(40, 6)
    fig = embeddings.projector_figure(words, vectors, search=["w5", "w1"], highlight="w1",
                                      n_neighbours=4)
    points, word_trace, near_trace = fig.data
    assert len(points.x) == 40 and list(points.text) == words
    assert word_trace.text == ("w1",)
    expected = [w for w, _ in embeddings.most_similar("w1", words, vectors, topn=4)]
    assert [t.split(" ")[0] for t in near_trace.text] == expected
    search_menu = fig.layout.updatemenus[1]
    assert [b.label for b in search_menu.buttons] == ["w1", "w5"]
    assert search_menu.active == 0
    update, layout, traces = search_menu.buttons[1].args
    assert search_menu.buttons[1].method == "update"
    assert list(traces) == [1, 2] and update["text"][0] == ["w5"]
    expected = [w for w, _ in embeddings.most_similar("w5", words, vectors, topn=4)]
    assert [t.split(" ")[0] for t in update["text"][1]] == expected
    labels = [a["text"].split(" ")[0] for a in layout["scene.annotations"]]
    assert labels == ["w5"] + expected  # the labels move with the highlight
    where = np.c_[points.x, points.y, points.z][words.index("w5")]
    first = layout["scene.annotations"][0]
    np.testing.assert_allclose([first["x"], first["y"], first["z"]], where)
    assert [a.text.split(" ")[0] for a in fig.layout.scene.annotations] == ["w1"] + [
        w for w, _ in embeddings.most_similar("w1", words, vectors, topn=4)]
    views = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert views == ["3-D", "2-D (PC 1, PC 2)"]
    assert fig.layout.scene.xaxis.title.text == "PC 1" and fig.layout.title.text


def test_projector_figure_places_words_at_their_principal_components():
    from sklearn.decomposition import PCA

    words, vectors = random_vectors(30, 5)
    fig = embeddings.projector_figure(words, vectors)
    ours = np.c_[fig.data[0].x, fig.data[0].y, fig.data[0].z]
    theirs = PCA(n_components=3).fit_transform(vectors.astype(float))
    np.testing.assert_allclose(np.abs(ours), np.abs(theirs), atol=1e-4)  # up to sign
    assert len(fig.layout.updatemenus[1].buttons) == 30  # every word searchable by default


def test_projector_figure_html_is_self_contained():
    words, vectors = random_vectors(10, 4)
    html = embeddings.projector_figure(words, vectors, highlight="w3").to_html(
        include_plotlyjs=True, full_html=False)
    assert "<script src=" not in html and "src=\"https://" not in html  # nothing fetched
    assert len(html) > 1_000_000  # plotly.js is inside
    assert '"w3"' in html


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"words": ["a", "b", "c"]}, ValueError, "at least 4 words"),
    ({"words": ["a", "b", "c", "a"]}, ValueError, "distinct"),
    ({"search": ["a", "zebra"]}, KeyError, "zebra"),
    ({"highlight": "zebra"}, KeyError, "zebra"),
])
def test_projector_figure_rejects_bad_input(kwargs, error, phrase):
    options = {"words": ["a", "b", "c", "d"], **kwargs}
    words = options.pop("words")
    with pytest.raises(error, match=phrase):
        embeddings.projector_figure(words, np.eye(len(words)), **options)


# ------------------------------------------------------------------------ data: text8


def fake_text8(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("text8", text)
    return path


TEXT8_START = " anarchism originated as a term of abuse first used against early working class"


def test_text8_build_reads_the_beginning_and_cuts_at_a_word(tmp_path):
    entry = data.REGISTRY["text8"]
    files = {entry.sources[0].path: fake_text8(tmp_path / "text8.zip", TEXT8_START)}
    ds = entry.build(files, n_chars=30)  # " anarchism originated as a ter" -> no half word
    assert ds.extras["text"] == " anarchism originated as a"
    assert ds.name == "text8 (first 4 words)" and ds.canonical
    whole = entry.build(files)
    assert whole.extras["text"] == TEXT8_START and whole.name == "text8"
    assert whole.x_train[0] + whole.x_test[0] == TEXT8_START
    with pytest.raises(ValueError, match="n_chars"):
        entry.build(files, n_chars=0)


def test_text8_source_is_the_canonical_url():
    (source,) = data.REGISTRY["text8"].sources
    assert source.url == "https://mattmahoney.net/dc/text8.zip"
    assert source.sha256 == "a6640522afe85d1963ad56c05b0ede0a0c000dddc9671758a6cc09b7a38e5232"


def test_text8_offline_falls_back_to_the_shakespeare_standin(capsys):
    ds = data.load("text8", n_chars=20_000)
    out = capsys.readouterr().out
    assert "for text8 (COURSE_OFFLINE=1)" in out and "for tinyshakespeare" in out
    assert ds.canonical is False and "stand-in for Tiny Shakespeare" in ds.name
    assert len(ds.extras["text"]) == 20_000


def test_text8_unreachable_falls_back_to_tiny_shakespeare(monkeypatch, capsys, closed_port,
                                                          canonical_datasets):
    if not (canonical_datasets / "corpora" / "tinyshakespeare" / "input.txt").is_file():
        pytest.skip(f"{canonical_datasets} has no Tiny Shakespeare")
    entry = data.REGISTRY["text8"]
    unreachable = Source(entry.sources[0].path, f"http://127.0.0.1:{closed_port}/text8.zip",
                         entry.sources[0].sha256)
    monkeypatch.setitem(data.REGISTRY, "text8", dataclasses.replace(entry, sources=(unreachable,)))
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(canonical_datasets))
    ds = data.load("text8")
    assert ds.name == "Tiny Shakespeare" and ds.canonical
    assert "Using the stand-in 'Tiny Shakespeare' for text8 (could not download" in \
        capsys.readouterr().out


def test_text8_found_in_the_data_path_is_used(monkeypatch, tmp_path):
    entry = data.REGISTRY["text8"]
    zipped = fake_text8(tmp_path / entry.sources[0].path, TEXT8_START)
    local = Source(entry.sources[0].path, entry.sources[0].url, data.sha256_of(zipped))
    monkeypatch.setitem(data.REGISTRY, "text8", dataclasses.replace(entry, sources=(local,)))
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(tmp_path))
    ds = data.load("text8", n_chars=25)
    assert ds.name.startswith("text8") and ds.extras["text"].split() == [
        "anarchism", "originated"]
    assert os.path.exists(zipped)  # files under COURSE_DATA_PATH are the user's
