"""The checks of notebook 09 (helpers.checks.word2vec), both ways: the reference solutions
(and equivalent ones, gensim's included) pass; blanks and plausible mistakes fail with a
message that says what went wrong."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors

from helpers import embeddings
from helpers.checks import CheckFailed
from helpers.checks import word2vec as check

# ----------------------------------------------------------------- skip-gram pairs


def pairs_reference(tokens, window):
    pairs = []
    for i, target in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((target, tokens[j]))
    return pairs


def pairs_other_order(tokens, window):
    """Offsets outermost and lists instead of tuples: the same multiset of pairs."""
    return [[tokens[i], tokens[i + o]] for o in list(range(-window, 0)) + list(range(1, window + 1))
            for i in range(len(tokens)) if 0 <= i + o < len(tokens)]


@pytest.mark.parametrize("solution", [pairs_reference, pairs_other_order,
                                      embeddings.skipgram_pairs])
def test_skipgram_pairs_correct_solutions_pass(solution, capsys):
    check.skipgram_pairs(solution)
    check.skipgram_pairs(solution, hidden=True)
    assert "my_skipgram_pairs: correct" in capsys.readouterr().out


def test_skipgram_pairs_blank_fails():
    def blank(tokens, window):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.skipgram_pairs(blank)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda t, w: pairs_reference(t, w) + [(x, x) for x in t], "not its own context"),
    (lambda t, w: pairs_reference(t, w + 1), "those of window 3"),
    (lambda t, w: pairs_reference(t, max(1, w - 1)), "those of window 1"),
    (lambda t, w: [(t[i], t[j]) for i in range(len(t))
                   for j in range(i + 1, min(len(t), i + w + 1))], "words on its right"),
    (lambda t, w: [(t[i], t[(i + o) % len(t)]) for i in range(len(t))
                   for o in range(-w, w + 1) if o], "no wrapping around"),
    (lambda t, w: None, "forget to `return`"),
    (lambda t, w: 42, "expected a list of (target, context) pairs"),
    (lambda t, w: [(x,) for x in t], "expected a list of (target, context) pairs"),
    (lambda t, w: [(t[i], t[i + 1]) for i in range(len(t))], "raised IndexError"),
])
def test_skipgram_pairs_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.skipgram_pairs(wrong)
    assert phrase in str(info.value)
    assert "my_skipgram_pairs(" in str(info.value)


def test_skipgram_pairs_hidden_cases_catch_a_capped_window():
    def capped(tokens, window):
        return pairs_reference(tokens, min(window, 2))

    check.skipgram_pairs(capped)  # the visible cases never need more than 2 (or all pairs)
    with pytest.raises(CheckFailed, match="expected"):
        check.skipgram_pairs(capped, hidden=True)


def test_skipgram_pairs_not_a_function():
    with pytest.raises(CheckFailed, match="should be a function"):
        check.skipgram_pairs([("the", "quick")])


# --------------------------------------------------------------------- most_similar


def similar_reference(word, words, vectors, topn=10):
    words = list(words)
    if word not in words:
        raise KeyError(word)
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = unit @ unit[words.index(word)]
    order = [i for i in np.argsort(-scores) if words[i] != word][:topn]
    return [(words[i], float(scores[i])) for i in order]


def similar_with_gensim(word, words, vectors, topn=10):
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), np.asarray(vectors, dtype="float32"))
    return kv.most_similar(word, topn=topn)


def similar_by_index_error(word, words, vectors, topn=10):
    """list.index raises ValueError for an unknown word: accepted too."""
    words = list(words)
    i = words.index(word)
    norms = np.linalg.norm(vectors, axis=1)
    scores = vectors @ vectors[i] / (norms * norms[i])
    ranked = sorted(((s, w) for w, s in zip(words, scores, strict=True) if w != word),
                    reverse=True)
    return [(w, s) for s, w in ranked[:topn]]


@pytest.mark.parametrize("solution", [similar_reference, similar_with_gensim,
                                      similar_by_index_error, embeddings.most_similar])
def test_most_similar_correct_solutions_pass(solution, capsys):
    check.most_similar(solution)
    check.most_similar(solution, hidden=True)
    assert "my_most_similar: correct" in capsys.readouterr().out


def test_most_similar_blank_fails():
    def blank(word, words, vectors, topn=10):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.most_similar(blank)


def ranked_by(score, *, keep_self=False, reverse=False, ascending=False):
    def solution(word, words, vectors, topn=10):
        words = list(words)
        if word not in words:
            raise KeyError(word)
        vectors = np.asarray(vectors, dtype=float)
        s = score(vectors, words.index(word))
        order = np.argsort(s if ascending else -s)
        order = [i for i in order if keep_self or words[i] != word][:topn]
        if reverse:
            order = order[::-1]
        return [(words[i], float(s[i])) for i in order]
    return solution


def cosine(vectors, i):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit @ unit[i]


def in_place(word, words, vectors, topn=10):
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return similar_reference(word, words, vectors, topn)


def dot_scores_cosine_ranking(word, words, vectors, topn=10):
    ranked = similar_reference(word, words, vectors, topn)
    v = vectors[list(words).index(word)]
    return [(w, float(vectors[list(words).index(w)] @ v)) for w, _ in ranked]


def unknown_returns_empty(word, words, vectors, topn=10):
    return similar_reference(word, words, vectors, topn) if word in words else []


def unknown_raises_type_error(word, words, vectors, topn=10):
    if word not in words:
        raise TypeError("no such word")
    return similar_reference(word, words, vectors, topn)


@pytest.mark.parametrize("wrong, phrase", [
    (ranked_by(lambda v, i: v @ v[i]), "ranked by the dot product"),
    (ranked_by(lambda v, i: -np.linalg.norm(v - v[i], axis=1)), "Euclidean distance"),
    (ranked_by(cosine, keep_self=True), "leave the word itself out"),
    (ranked_by(cosine, reverse=True), "decreasing similarity"),
    (ranked_by(cosine, ascending=True), "least similar words"),
    (in_place, "changed `vectors` in place"),
    (dot_scores_cosine_ranking, "dot products"),
    (lambda word, words, vectors, topn=10: similar_reference(word, words, vectors, 5),
     "returned 5 pairs, expected 3"),
    (lambda word, words, vectors, topn=10: [w for w, _ in
                                            similar_reference(word, words, vectors, topn)],
     "expected a list of (word, similarity) pairs"),
    (lambda word, words, vectors, topn=10: None, "forget to `return`"),
    (unknown_returns_empty, "a word not in `words`, returned []"),
    (unknown_raises_type_error, "raised TypeError: no such word"),
])
def test_most_similar_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.most_similar(wrong)
    assert phrase in str(info.value)


def test_most_similar_reports_the_students_exception():
    def broken(word, words, vectors, topn=10):
        return vectors[100]

    with pytest.raises(CheckFailed, match=r"my_most_similar\('king'.*raised IndexError"):
        check.most_similar(broken)


# -------------------------------------------------------------------------- analogy


def analogy_reference(a, b, c, words, vectors):
    words = list(words)
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    scores = unit @ target
    for w in (a, b, c):
        scores[words.index(w)] = -np.inf
    return words[int(np.argmax(scores))]


def analogy_with_gensim(a, b, c, words, vectors):
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), np.asarray(vectors, dtype="float32"))
    return kv.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]


@pytest.mark.parametrize("solution", [analogy_reference, analogy_with_gensim,
                                      embeddings.analogy])
def test_analogy_correct_solutions_pass(solution, capsys):
    check.analogy(solution)
    check.analogy(solution, hidden=True)
    assert "my_analogy: correct" in capsys.readouterr().out


def test_analogy_blank_fails():
    def blank(a, b, c, words, vectors):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.analogy(blank)


def variant(*, normalise=True, exclude=True, sign=1, rank_by_cosine=True):
    def solution(a, b, c, words, vectors):
        words = list(words)
        vectors = np.asarray(vectors, dtype=float)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        v = unit if normalise else vectors
        target = sign * (v[words.index(b)] - v[words.index(a)]) + v[words.index(c)]
        scores = (unit if rank_by_cosine else vectors) @ target
        if exclude:
            for w in (a, b, c):
                scores[words.index(w)] = -np.inf
        return words[int(np.argmax(scores))]
    return solution


def analogy_in_place(a, b, c, words, vectors):
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return analogy_reference(a, b, c, words, vectors)


@pytest.mark.parametrize("wrong, phrase", [
    (variant(exclude=False), "leave a, b and c out"),
    (variant(normalise=False), "scale the three question vectors to length 1"),
    (variant(sign=-1), "the sign is wrong"),
    (variant(rank_by_cosine=False), "rank the candidates by cosine similarity"),
    (lambda a, b, c, words, vectors: c, "leave a, b and c out"),
    (analogy_in_place, "changed `vectors` in place"),
    (lambda a, b, c, words, vectors: [analogy_reference(a, b, c, words, vectors)],
     "expected a word (a str)"),
    (lambda a, b, c, words, vectors: None, "forget to `return`"),
    (lambda a, b, c, words, vectors: words[-1], "target = unit(b) - unit(a) + unit(c)"),
])
def test_analogy_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.analogy(wrong)
    assert phrase in str(info.value)
    assert "my_analogy(" in str(info.value)


def test_analogy_first_case_is_the_lecture_example():
    with pytest.raises(CheckFailed, match=r"my_analogy\('man', 'king', 'woman', \.\.\.\) "
                                          r"returned 'woman', expected 'queen'"):
        check.analogy(lambda a, b, c, words, vectors: c)


def test_analogy_reports_the_students_exception():
    def broken(a, b, c, words, vectors):
        return words[words.index("zebra")]

    with pytest.raises(CheckFailed, match="raised ValueError"):
        check.analogy(broken)
