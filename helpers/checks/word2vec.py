"""Checks for notebook 09: word2vec's training pairs, nearest neighbours and analogies.

The notebook imports them as ``from helpers.checks import word2vec as check``:

* ``check.skipgram_pairs(fn)``: ``fn(tokens, window)``, the (target, context) pairs;
* ``check.most_similar(fn)``: ``fn(word, words, vectors, topn)``, nearest neighbours by
  cosine similarity, as gensim's ``most_similar``;
* ``check.analogy(fn)``: ``fn(a, b, c, words, vectors)``, "a is to b as c is to ?".

The references are ``helpers.embeddings.skipgram_pairs``, ``most_similar`` and
``analogy``, which the tests check against gensim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from helpers import embeddings
from helpers.checks import _fail, _short, call_student, hidden_rng, passed

__all__ = ["skipgram_pairs", "most_similar", "analogy", "LECTURE_SENTENCE"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "skipgram_pairs": ("helpers.embeddings.skipgram_pairs",),
    "most_similar": ("helpers.embeddings.most_similar",),
    "analogy": ("helpers.embeddings.analogy",),
}

# The sentence of the lecture's skip-gram slide, lower case, without punctuation.
LECTURE_SENTENCE = ("deep learning is a very exciting part of machine learning it brings lots "
                    "of new opportunities").split()


# --------------------------------------------------------- exercise: skip-gram pairs


def _pair_cases(hidden: bool) -> list[tuple[list[str], int]]:
    if not hidden:
        return [(LECTURE_SENTENCE, 2), (LECTURE_SENTENCE, 1),
                ("to be or not to be".split(), 2),  # repeated words
                ("a b c".split(), 5),  # a window wider than the sentence
                (["hello"], 3),  # one word: no pairs
                ([], 2)]  # no words at all
    rng = hidden_rng(9)
    vocabulary = "a rose by any other name would smell as sweet".split()
    return [([str(w) for w in rng.choice(vocabulary, size=n)], window)
            for n, window in [(12, 3), (7, 4), (2, 1), (10, 1), (5, 2), (8, 6)]]


def _as_pairs(got) -> list[tuple] | None:
    try:
        return [tuple(pair) for pair in got]
    except TypeError:
        return None


def _pairs_hint(got: Counter, tokens: list[str], window: int) -> str:
    def count(pairs) -> Counter:
        return Counter(pairs)

    self_pairs = Counter((w, w) for w in tokens)
    expected = count(embeddings.skipgram_pairs(tokens, window))
    if tokens and got == expected + self_pairs:
        return "a word is not its own context: skip the position i itself (j != i)."
    for other in (window - 1, window + 1):
        if other >= 1 and got == count(embeddings.skipgram_pairs(tokens, other)):
            return (f"your pairs are those of window {other}: the context reaches `window` "
                    f"words on each side, positions i - {window} to i + {window}.")
    right = count((tokens[i], tokens[j]) for i in range(len(tokens))
                  for j in range(i + 1, min(len(tokens), i + window + 1)))
    if got == right:
        return ("you only paired each word with the words on its right: the window "
                "reaches both sides (a word's left neighbours are its context too).")
    missing, extra = expected - got, got - expected
    parts = []
    if missing:
        parts.append(f"missing for example {next(iter(missing))}")
    if extra:
        parts.append(f"not expected, for example {next(iter(extra))}")
    return ("; ".join(parts) + ". At the ends of the sentence the window is cut short: "
            "no position below 0 or past the last word (and no wrapping around).")


def skipgram_pairs(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(tokens, window)``: the skip-gram (target, context) pairs.

    Every word paired with each word at most ``window`` positions to its left and right,
    in any order (each pair as often as it occurs). Tries the lecture's sentence with
    windows 2 and 1, repeated words, a window wider than the sentence, one word and no
    words; ``hidden=True`` tries random sentences.

    >>> skipgram_pairs(lambda tokens, window: [(t, t) for t in tokens])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_skipgram_pairs(['deep', 'learning', '...'], window=2) gave 16...
    """
    name = "my_skipgram_pairs"
    cases = _pair_cases(hidden)
    for tokens, window in cases:
        shown = tokens if len(tokens) <= 3 else tokens[:2] + ["..."]
        call = f"{name}({shown}, window={window})"
        original = list(tokens)
        got = call_student(student, (list(tokens), window), name, call,
                           "tokens is a list of words; window an int >= 1.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the list of pairs?",
                  None)
        pairs = _as_pairs(got)
        if pairs is None or not all(len(p) == 2 for p in pairs):
            _fail(f"{call} returned {_short(got)}; expected a list of (target, context) "
                  "pairs.", "append tuples such as (tokens[i], tokens[j]).")
        expected = Counter(embeddings.skipgram_pairs(original, window))
        if Counter(pairs) != expected:
            _fail(f"{call} gave {len(pairs)} pairs, expected {sum(expected.values())}.",
                  _pairs_hint(Counter(pairs), original, window))
    passed(name, f"{len(cases)} sentences" + (" (hidden)" if hidden else ""))


# ------------------------------------------------------- exercise: most_similar


def _similarity_cases(hidden: bool) -> list[tuple[str, list[str], np.ndarray, int]]:
    # Lengths differ a lot, so that ranking by dot product (no normalising) goes wrong.
    words = ["king", "queen", "man", "woman", "apple", "pear"]
    vectors = np.array([[3.0, 0.2, 0.1], [0.5, 0.4, 0.0], [2.0, -1.0, 0.3],
                        [0.4, 0.3, 0.6], [-0.2, 0.1, 4.0], [0.1, -0.3, 0.8]])
    if not hidden:
        rng = np.random.default_rng(4)
        many = [f"w{i}" for i in range(40)]
        scaled = rng.normal(size=(40, 8)) * rng.uniform(0.1, 5.0, size=(40, 1))
        return [("king", words, vectors, 3), ("pear", words, vectors, 2),
                ("woman", words, vectors, 5),  # every other word
                ("apple", words, vectors, 10),  # more than there are: all the others
                ("w7", many, scaled, 6)]
    rng = hidden_rng(13)
    cases = []
    for n, dim, topn in [(30, 5, 4), (12, 20, 11), (60, 3, 8), (5, 2, 1)]:
        many = [f"v{i}" for i in range(n)]
        for _ in range(1000):  # redraw until the ranking is unambiguous
            scaled = rng.normal(size=(n, dim)) * rng.uniform(0.05, 8.0, size=(n, 1))
            word = many[int(rng.integers(n))]
            scores = np.delete(_unit(scaled) @ _unit(scaled)[many.index(word)],
                               many.index(word))
            if _clear_cut(scores, topn + 1):
                break
        cases.append((word, many, scaled, topn))
    return cases


# Hidden cases come from a secret seed: a ranking must not hinge on cosines closer than this.
_MIN_GAP = 1e-6


def _clear_cut(scores: np.ndarray, count: int) -> bool:
    """Whether the ``count`` largest scores are distinct by at least ``_MIN_GAP``."""
    top = np.sort(scores)[::-1][:count]
    return bool(np.all(-np.diff(top) > _MIN_GAP))


def _rank(scores: np.ndarray, words: list[str], topn: int, *, largest: bool = True) -> list:
    order = np.argsort(-scores if largest else scores, kind="stable")
    return [words[j] for j in order if np.isfinite(scores[j])][:topn]


def _by_dot_product(word, words, vectors, topn):
    dots = vectors @ vectors[words.index(word)]
    dots[words.index(word)] = -np.inf
    return _rank(dots, words, topn)


def _by_distance(word, words, vectors, topn):
    distance = np.linalg.norm(vectors - vectors[words.index(word)], axis=1)
    distance[words.index(word)] = np.inf
    return _rank(distance, words, topn, largest=False)


def _with_itself(word, words, vectors, topn):
    return [word] + [w for w, _ in embeddings.most_similar(word, words, vectors, topn)][:topn - 1]


def _least_similar_first(word, words, vectors, topn):
    return [w for w, _ in embeddings.most_similar(word, words, vectors, topn)][::-1]


def _least_similar(word, words, vectors, topn):
    ranked = [w for w, _ in embeddings.most_similar(word, words, vectors, len(words))]
    return ranked[::-1][:topn]


# Plausible mistakes and their hints, given when the student's rankings agree with the
# mistake on every case tried.
_SIMILARITY_MISTAKES = [
    (_by_dot_product, "you ranked by the dot product: divide by both lengths (or scale every "
                      "vector to length 1 first) to get the cosine, which ignores lengths."),
    (_by_distance, "you ranked by Euclidean distance: rank by cosine similarity instead."),
    (_with_itself, "a word is always most similar to itself (cosine 1): leave the word itself "
                   "out of the answer."),
    (_least_similar_first, "most similar first: sort by decreasing similarity."),
    (_least_similar, "you kept the least similar words: np.argsort sorts in increasing "
                     "order, so sort by -similarity (or reverse) before keeping topn."),
]


def _ranking_hint(rankings: list[list], cases: list) -> str:
    for mistake, hint in _SIMILARITY_MISTAKES:
        if all(mistake(word, list(words), vectors, topn) == got
               for got, (word, words, vectors, topn) in zip(rankings, cases, strict=True)):
            return hint
    return ("compute the cosine of the word's vector with every row, drop the word itself, "
            "and keep the topn largest, largest first.")


def most_similar(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(word, words, vectors, topn)``: the ``topn`` nearest neighbours.

    Must return ``topn`` ``(word, cosine similarity)`` pairs (all the other words if
    there are fewer), most similar first, without the word itself, exactly as
    ``helpers.embeddings.most_similar`` and gensim's ``most_similar`` do; an unknown word
    must raise an error (KeyError, as in gensim, or ValueError), not return something.
    ``vectors`` must not be changed in place.

    >>> most_similar(lambda word, words, vectors, topn: [])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_most_similar('king', 6 words, ...) returned 0 pairs...
    """
    name = "my_most_similar"
    cases = _similarity_cases(hidden)
    calls, rankings, similarities = [], [], []
    for word, words, vectors, topn in cases:
        call = f"{name}({word!r}, {len(words)} words, vectors {vectors.shape}, topn={topn})"
        given = vectors.copy()
        got = call_student(student, (word, list(words), given, topn), name, call,
                           "words[i] is the word of the row vectors[i].")
        if not np.array_equal(given, vectors):
            _fail(f"{call} changed `vectors` in place.",
                  "compute normalised copies (v / norm), not `vectors /= ...`.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the list?", None)
        try:
            ranking = [w for w, _ in got]
            scores = np.array([s for _, s in got], dtype=float)
        except (TypeError, ValueError):
            _fail(f"{call} returned {_short(got)}; expected a list of (word, similarity) "
                  "pairs.", None)
        if word in ranking:
            _fail(f"{call} has {word!r} itself among its neighbours.",
                  "a word is always most similar to itself (cosine 1): leave the word "
                  "itself out of the answer.")
        expected = embeddings.most_similar(word, words, vectors, topn=topn)
        if len(ranking) != len(expected):
            _fail(f"{call} returned {len(ranking)} pairs, expected {len(expected)}.",
                  "return topn pairs, or every other word when there are fewer than "
                  "topn + 1 words.")
        calls.append(call)
        rankings.append(ranking)
        similarities.append(scores)
    for call, ranking, (word, words, vectors, topn) in zip(calls, rankings, cases, strict=True):
        expected = [w for w, _ in embeddings.most_similar(word, words, vectors, topn=topn)]
        if ranking != expected:
            _fail(f"{call} ranked {ranking[:6]}, expected {expected[:6]}.",
                  _ranking_hint(rankings, cases))
    for call, got, (word, words, vectors, topn) in zip(calls, similarities, cases, strict=True):
        expected = np.array([s for _, s in embeddings.most_similar(word, words, vectors, topn)])
        if not np.allclose(got, expected, rtol=1e-6, atol=1e-6):
            dots = vectors[[words.index(w) for w in rankings[calls.index(call)]]] \
                @ vectors[words.index(word)]
            hint = ("these are dot products: divide by both vectors' lengths."
                    if np.allclose(got, dots) else
                    "the similarity is the cosine: a.b / (|a| |b|), between -1 and 1.")
            _fail(f"{call} gave similarities {_short(got)}, expected {_short(expected)}.",
                  hint)
    unknown = "zebra"
    call = f"{name}({unknown!r}, ...)"
    words, vectors = cases[0][1], cases[0][2]
    try:
        result = student(unknown, list(words), vectors.copy(), 3)
    except (KeyError, ValueError):
        result = None
    except Exception as exc:  # the student's code raised something else
        _fail(f"{call} raised {type(exc).__name__}: {exc}",
              "for a word not in `words` raise a KeyError (as gensim does).", cause=exc)
    else:
        _fail(f"{call}, a word not in `words`, returned {_short(result)}.",
              "an unknown word has no vector: raise a KeyError (as gensim does).")
    passed(name, f"{len(cases)} cases and an unknown word" + (" (hidden)" if hidden else ""))


# ------------------------------------------------------------------ exercise: analogy


def _analogy_cases(hidden: bool) -> list[tuple[str, str, str, list[str], np.ndarray]]:
    # A 3-D toy space: axis 0 "royal", axis 1 "female", axis 2 "fruit"; lengths vary.
    words = ["man", "woman", "king", "queen", "prince", "princess", "boy", "girl", "apple"]
    vectors = np.array([[0.1, 0.0, 0.05], [0.1, 2.0, 0.0], [3.0, 0.1, 0.0],
                        [1.0, 1.2, 0.1], [2.0, 0.2, 0.3], [0.9, 0.8, 0.2],
                        [0.2, -0.1, 0.4], [0.3, 1.5, 0.5], [0.2, 0.3, 3.0]])
    if not hidden:
        rng = np.random.default_rng(21)
        many = [f"w{i}" for i in range(50)]
        scaled = rng.normal(size=(50, 6)) * rng.uniform(0.1, 6.0, size=(50, 1))
        return [("man", "king", "woman", words, vectors),
                ("king", "queen", "prince", words, vectors),
                ("boy", "girl", "man", words, vectors),
                ("w1", "w2", "w3", many, scaled),
                ("w10", "w4", "w33", many, scaled)]
    rng = hidden_rng(34)
    cases = []
    for n, dim in [(20, 4), (80, 10), (6, 3), (40, 2)]:
        many = [f"u{i}" for i in range(n)]
        for _ in range(1000):  # redraw until the best answer is clear-cut
            scaled = rng.normal(size=(n, dim)) * rng.uniform(0.05, 9.0, size=(n, 1))
            picked = rng.choice(n, size=3, replace=False)
            u = _unit(scaled)
            target = u[picked[1]] - u[picked[0]] + u[picked[2]]
            if np.linalg.norm(target) < 1e-6:
                continue
            scores = np.delete(u @ target / np.linalg.norm(target), picked)
            if _clear_cut(scores, 2):
                break
        a, b, c = (many[i] for i in picked)
        cases.append((a, b, c, many, scaled))
    return cases


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _solve(scores: np.ndarray, words: list[str], exclude: tuple[str, ...]) -> str:
    scores = scores.copy()
    for word in exclude:
        scores[words.index(word)] = -np.inf
    return words[int(np.argmax(scores))]


def _no_exclusion(a, b, c, words, vectors):
    u = _unit(vectors)
    i = {w: words.index(w) for w in (a, b, c)}
    return _solve(u @ (u[i[b]] - u[i[a]] + u[i[c]]), words, ())


def _unnormalised(a, b, c, words, vectors):
    i = {w: words.index(w) for w in (a, b, c)}
    target = vectors[i[b]] - vectors[i[a]] + vectors[i[c]]
    return _solve(_unit(vectors) @ target, words, (a, b, c))


def _wrong_sign(a, b, c, words, vectors):
    return embeddings.analogy(b, a, c, words, vectors)


def _dot_ranking(a, b, c, words, vectors):
    u = _unit(vectors)
    i = {w: words.index(w) for w in (a, b, c)}
    return _solve(vectors @ (u[i[b]] - u[i[a]] + u[i[c]]), words, (a, b, c))


# Plausible mistakes, each with its hint; a hint is given when the student's answers agree
# with the mistake on every case tried (one case alone is often ambiguous).
_ANALOGY_MISTAKES = [
    (_no_exclusion, "b - a + c is often closest to b or c themselves: leave a, b and c out "
                    "of the candidates."),
    (_unnormalised, "scale the three question vectors to length 1 before b - a + c (as "
                    "word2vec and gensim do), so that no word's length dominates the sum."),
    (_wrong_sign, "the sign is wrong: the answer is to c what b is to a, so the target is "
                  "b - a + c, not a - b + c."),
    (_dot_ranking, "rank the candidates by cosine similarity with the target, not by dot "
                   "product: long vectors would win just for their length."),
]


def _analogy_hint(answers: list, cases: list, failing: int) -> str:
    for mistake, hint in _ANALOGY_MISTAKES:
        if all(mistake(a, b, c, list(words), vectors) == got
               for got, (a, b, c, words, vectors) in zip(answers, cases, strict=True)):
            return hint
    got, (a, b, c, _, _) = answers[failing], cases[failing]
    if got in (a, b, c):
        return (f"you answered {got!r}, one of the question's words: leave a, b and c out "
                "of the candidates.")
    return ("target = unit(b) - unit(a) + unit(c); the answer is the word, other than a, b "
            "and c, with the largest cosine similarity to the target.")


def analogy(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(a, b, c, words, vectors) -> str``: "a is to b as c is to ?".

    The answer is the word, other than ``a``, ``b`` and ``c``, with the largest cosine
    similarity to ``unit(b) - unit(a) + unit(c)`` (3CosAdd, as gensim's
    ``most_similar(positive=[b, c], negative=[a])``); compared with
    ``helpers.embeddings.analogy`` on a toy space (man : king :: woman : queen) and on
    random vectors of very different lengths.

    >>> analogy(lambda a, b, c, words, vectors: c)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_analogy('man', 'king', 'woman', ...) returned 'woman', ...
    """
    name = "my_analogy"
    cases = _analogy_cases(hidden)
    answers = []
    for a, b, c, words, vectors in cases:
        call = f"{name}({a!r}, {b!r}, {c!r}, ...)"
        given = vectors.copy()
        got = call_student(student, (a, b, c, list(words), given), name, call,
                           "words[i] is the word of the row vectors[i]; return a word (str).")
        if not np.array_equal(given, vectors):
            _fail(f"{call} changed `vectors` in place.",
                  "compute normalised copies (v / norm), not `vectors /= ...`.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the word?", None)
        if not isinstance(got, str):
            _fail(f"{call} returned {_short(got)}, expected a word (a str).",
                  "return only the best word, not a list or its similarity.")
        answers.append(got)
    for index, (got, (a, b, c, words, vectors)) in enumerate(zip(answers, cases, strict=True)):
        expected = embeddings.analogy(a, b, c, words, vectors)
        if got != expected:
            _fail(f"{name}({a!r}, {b!r}, {c!r}, ...) returned {got!r}, expected "
                  f"{expected!r}.", _analogy_hint(answers, cases, index))
    passed(name, f"{len(cases)} analogies" + (" (hidden)" if hidden else ""))
