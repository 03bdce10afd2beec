# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 09 · Word vectors: word2vec
#
# {{colab_badge}}
#
# A network that reads text needs numbers for words. A one-hot vector per word says only
# that words differ; **word2vec** learns, from raw text alone, a short dense vector per
# word such that words used in the same contexts get similar vectors: *"you shall know a
# word by the company it keeps"* (Firth, 1957). This notebook builds the training examples
# of the two word2vec models by hand, trains them with gensim and again with Keras layers,
# measures what the vectors know (similarities, analogies, the *woman − man* direction),
# and looks at them in 2-D and 3-D, as in TensorFlow's embedding projector.
#
# **What you will learn**
# - how a sliding window turns a sentence into the training pairs of CBOW and skip-gram, and what the two networks predict;
# - to train word2vec with gensim, and to query it: cosine similarity, nearest neighbours, analogies by vector arithmetic;
# - to evaluate word vectors on the Google analogy questions and WordSim-353, and why a small corpus scores low;
# - to build skip-gram with negative sampling from Keras layers (`Embedding` and `Dot`) and compare it with gensim;
# - to map word vectors in 2-D (t-SNE) and 3-D, and to export them for the TensorFlow embedding projector.
#
# **Prerequisites:** notebook 02 (the Keras Functional API, `fit`), notebook 07 (text as
# sequences of word ids, the `Embedding` layer); the dot product and the cosine.

# %%
# {{colab_install}}
import os
import time
from collections import Counter
from pathlib import Path

import ipywidgets as widgets
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from gensim.models import KeyedVectors, Word2Vec
from gensim.test.utils import datapath
from IPython.display import HTML, display
from keras import layers
from matplotlib.patches import FancyArrowPatch
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.manifold import TSNE
from tqdm.auto import tqdm

import helpers
from helpers import data, embeddings, scratch
from helpers.checks import word2vec as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))

# %% [markdown]
# ## 1. A window slides over the text
#
# word2vec learns from one assumption: a word is predictable from the words around it.
# A **window** of $c$ words on each side slides over the text; at every position the word
# in the middle is the **target** $w_t$ and the words around it are its **context**
# $w_{t-c}, \dots, w_{t-1}, w_{t+1}, \dots, w_{t+c}$. The two word2vec models use the same
# windows in opposite directions (Mikolov et al., 2013):
#
# * **CBOW** (continuous bag of words) predicts the target from its context: the average
#   of the context words' vectors is the input, and a softmax over the vocabulary $V$
#   gives $p(w_t \mid \text{context}) = \operatorname{softmax}(U \bar{v})$, with
#   $\bar{v} = \frac{1}{2c} \sum_{0 < |j| \le c} v_{w_{t+j}}$; one example per position.
# * **skip-gram** predicts each context word from the target: one example per
#   (target, context) pair, with $p(w_o \mid w_t) = \dfrac{\exp(u_{w_o}^\top v_{w_t})}
#   {\sum_{w \in V} \exp(u_w^\top v_{w_t})}$, and the objective
#   $\frac{1}{T} \sum_t \sum_{0 < |j| \le c} \log p(w_{t+j} \mid w_t)$.
#
# Each word has an input vector $v_w$ (a row of the input embedding: these are the word
# vectors we keep) and an output vector $u_w$. Here is the sentence of the lecture's
# skip-gram slide, "Deep learning is a very exciting part of machine learning, it brings
# lots of new opportunities.", in lower case without punctuation, with a window of $c = 2$.

# %%
sentence = ("deep learning is a very exciting part of machine learning it brings lots of new "
            "opportunities").split()
WINDOW = 2
pairs = embeddings.skipgram_pairs(sentence, WINDOW)
cbow = embeddings.cbow_examples(sentence, WINDOW)
table = pd.DataFrame({
    "target": sentence,
    "context (window 2)": [" ".join(context) for context, _ in cbow],
    # Position by position: the context of position i is every j != i with |i - j| <= 2.
    "skip-gram pairs (target, context)": [
        ", ".join(f"({sentence[i]}, {sentence[j]})"
                  for j in range(max(0, i - WINDOW), min(len(sentence), i + WINDOW + 1))
                  if j != i)
        for i in range(len(sentence))],
    "CBOW example": [f"{' + '.join(context)} → {target}" for context, target in cbow],
})
display(table)
print(f"{len(sentence)} positions: {len(cbow)} CBOW examples, {len(pairs)} skip-gram pairs")

# %% [markdown]
# The ends of the sentence cut the window short: "the" at the start has only 2 context
# words, "fox" in the middle has 4. Skip-gram makes one training example per pair, so it
# sees each position several times; CBOW makes one per position. The picture shows the
# window at every position.

# %%
fig, ax = plt.subplots(figsize=(11, 4.6))
for step, centre in enumerate(range(len(sentence))):
    for position, word in enumerate(sentence):
        distance = abs(position - centre)
        colour = ("#d62728" if distance == 0 else "#9ecae1" if distance <= WINDOW
                  else "#f0f0f0")
        ax.text(position, step, word, ha="center", va="center", fontsize=10,
                color="white" if distance == 0 else "black",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": "none"})
ax.set(xlim=(-0.6, len(sentence) - 0.4), ylim=(len(sentence) - 0.5, -0.5),
       xticks=range(len(sentence)), yticks=range(len(sentence)),
       xlabel="position in the sentence", ylabel="training step (position of the target)",
       title="A window of 2 words on each side slides over the sentence "
             "(red: target, blue: context)")
ax.grid(False)
fig.tight_layout()

# %% [markdown]
# Each row is one position of the window: the red target and its blue context are one
# CBOW example, or up to four skip-gram pairs.
#
# The two networks have the same two weight matrices and differ only in which side the
# window's words go in. Both are shallow: there is no hidden nonlinearity, only a lookup
# of vectors (the "projection") and a dot product with output vectors.

# %%
def draw_architecture(ax, title, inputs, outputs, middle):
    """Boxes for words, a projection in the middle, arrows in between."""
    def box(x, y, text, colour):
        ax.text(x, y, text, ha="center", va="center", fontsize=11,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": colour, "edgecolor": "k"})

    def ys(n):
        return np.linspace(0.85, 0.15, n) if n > 1 else [0.5]

    for y, word in zip(ys(len(inputs)), inputs, strict=True):
        box(0.12, y, word, "#c6dbef")
        ax.add_patch(FancyArrowPatch((0.21, y), (0.36, 0.5), arrowstyle="-|>",
                                     mutation_scale=12, color="0.3"))
    box(0.5, 0.5, middle, "#fdd0a2")
    for y, word in zip(ys(len(outputs)), outputs, strict=True):
        box(0.88, y, word, "#c7e9c0")
        ax.add_patch(FancyArrowPatch((0.64, 0.5), (0.79, y), arrowstyle="-|>",
                                     mutation_scale=12, color="0.3"))
    ax.set(xlim=(0, 1), ylim=(0, 1), title=title,
           xlabel="input (one-hot words)  →  projection  →  output (softmax over V)")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


context_words = ["w(t−2)", "w(t−1)", "w(t+1)", "w(t+2)"]
fig, (ax_cbow, ax_sg) = plt.subplots(1, 2, figsize=(12, 4.2))
draw_architecture(ax_cbow, "CBOW: the context predicts the target", context_words,
                  ["w(t)"], "average of\nthe 4 vectors v")
draw_architecture(ax_sg, "Skip-gram: the target predicts each context word", ["w(t)"],
                  context_words, "its vector v")
fig.suptitle("The two word2vec architectures (after Mikolov et al., 2013, figure 1)")
fig.tight_layout()

# %% [markdown]
# CBOW averages the context vectors into one prediction of the target; skip-gram makes
# one prediction per context word from the target's vector alone.
#
# In Keras, a CBOW example is a fixed-length row of word ids: `keras.utils.pad_sequences`
# pads the shorter contexts at the ends of the sentence with the id 0, which an
# `Embedding(..., mask_zero=True)` then ignores when averaging.

# %%
word_ids = {w: i + 1 for i, w in enumerate(dict.fromkeys(sentence))}  # 0 is the padding
cbow_inputs = keras.utils.pad_sequences([[word_ids[w] for w in context] for context, _ in cbow],
                                        maxlen=2 * WINDOW, padding="post", value=0)
cbow_targets = np.array([word_ids[target] for _, target in cbow])
print("ids:", word_ids)
print("CBOW inputs (one row per position):\n", cbow_inputs)
print("CBOW targets:", cbow_targets)

# %% [markdown]
# ### Exercise 1 (2 points): skip-gram pairs
#
# Write `my_skipgram_pairs(tokens, window)`: the list of all (target, context) pairs of
# skip-gram for a list of words `tokens`, where the context of position $i$ is every
# position $j \ne i$ with $|i - j| \le$ `window` inside the sentence (no wrapping around).
# A pair is a tuple `(tokens[i], tokens[j])`; the order of the list does not matter, but
# a pair that occurs twice (repeated words) must appear twice. Don't call
# `embeddings.skipgram_pairs` (the check compares with it). For the lecture's sentence and
# window 2 you should get the pairs of the table above (the cell under it printed how many).

# %% exercise="solution:ex_skipgram_pairs"
def my_skipgram_pairs(tokens, window):
    ### BEGIN SOLUTION
    pairs = []
    for i, target in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((target, tokens[j]))
    return pairs
    ### END SOLUTION


# %% exercise="check:check_skipgram_pairs:2"
check.skipgram_pairs(my_skipgram_pairs)
### BEGIN HIDDEN TESTS
check.skipgram_pairs(my_skipgram_pairs, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The corpus
#
# word2vec needs a lot of text: the original vectors were trained on billions of words.
# The course uses the **Tiny Shakespeare** corpus (about 200,000 words of Shakespeare's
# plays), which the course's data folder holds, so that every run, CI's included, trains
# on the same text; offline without it, a stand-in that ships with gensim. A class online
# can set `CORPUS = "text8"` below for more words (the first few million characters of an
# English Wikipedia dump; data/README.md says more): the neighbours and benchmarks get
# better, and the claims, which were measured on Tiny Shakespeare, may need a look. The text becomes
# sentences of lower-case words with `embeddings.corpus_sentences`: one sentence per
# paragraph, and the speakers' names of a play ("KING RICHARD III:") left out, since
# they would otherwise be the context of every first line.

# %%
CORPUS = "tinyshakespeare"  # or "text8", online (its first 3 million characters)
ds = data.load(CORPUS, n_chars=3_000_000 if CORPUS == "text8" else (600_000 if QUICK else None))
sentences = embeddings.corpus_sentences(ds.extras["text"])
counts = Counter(word for s in sentences for word in s)
n_tokens = sum(counts.values())
print(f"corpus: {ds.name}")
print(f"{len(sentences):,} sentences, {n_tokens:,} words, {len(counts):,} distinct words")
print("first sentence:", " ".join(sentences[0][:25]), "...")
print("most frequent:", ", ".join(f"{w} ({c:,})" for w, c in counts.most_common(12)))

# %% [markdown]
# Word frequencies follow **Zipf's law**: the $r$-th most frequent word occurs about
# $1/r$ as often as the first, so a few words ("the", "and", "of") make up a large part of
# any text while most words are rare. word2vec counters this twice. **Subsampling** drops
# each occurrence of a word $w$ with frequency $f(w)$ with probability
# $1 - \left(\sqrt{f(w)/s} + 1\right) s / f(w)$ (here $s = 10^{-3}$), so frequent words
# stop crowding every window. **Negative sampling** (section 7) draws random "noise"
# words from $P_n(w) \propto \text{count}(w)^{3/4}$, which flattens the curve.

# %%
SAMPLE = 1e-3
ranked = counts.most_common()
frequency = np.array([c for _, c in ranked], dtype=float)
keep = embeddings.keep_probabilities(frequency, SAMPLE)
noise = embeddings.noise_distribution(frequency)
share = frequency / frequency.sum()

fig, (ax_zipf, ax_top) = plt.subplots(1, 2, figsize=(12, 4))
rank = np.arange(1, len(frequency) + 1)
ax_zipf.loglog(rank, frequency, lw=2, label="word counts")
ax_zipf.loglog(rank, frequency[0] / rank, "k--", lw=1, label="Zipf: count(1) / rank")
for r in (1, 10, 100, 1000):
    if r <= len(ranked):
        ax_zipf.annotate(ranked[r - 1][0], (r, frequency[r - 1]), textcoords="offset points",
                         xytext=(5, 5), fontsize=9)
ax_zipf.set(xlabel="rank of the word", ylabel="occurrences in the corpus",
            title=f"Word counts by rank ({ds.name})")
ax_zipf.legend()
top = 12
x = np.arange(top)
ax_top.bar(x - 0.27, share[:top], 0.27, label="share of the text")
ax_top.bar(x, share[:top] * keep[:top] / np.sum(share * keep), 0.27,
           label="share after subsampling")
ax_top.bar(x + 0.27, noise[:top], 0.27, label="share of negative samples")
ax_top.set_xticks(x, [w for w, _ in ranked[:top]], rotation=45)
ax_top.set(xlabel="the most frequent words", ylabel="probability",
           title="Subsampling and the 3/4 power tame frequent words")
ax_top.legend()
fig.tight_layout()

# %% [markdown]
# On the left the counts fall with about the slope of the dashed $1/\text{rank}$ line (a
# slope of −1 on log-log axes) over several orders of magnitude; on the right, the most
# frequent words shrink from their raw share (blue) once subsampled (orange), and are
# drawn less often as negatives (green).

# %% [markdown]
# ## 3. Training word2vec with gensim
#
# gensim implements word2vec in optimized C: `sg=0` is CBOW, `sg=1` skip-gram. Both here
# use vectors of 50 numbers, a window of up to 5 words on each side, 5 negative samples
# per example (section 7), subsampling with $s = 10^{-3}$, and only words seen at least 5
# times (rarer ones cannot get a useful vector). The number of passes over the text
# (epochs) is chosen so that each model trains in a few seconds.

# %%
DIM, MAX_WINDOW, NEGATIVE, MIN_COUNT = 50, 5, 5, 5
EPOCHS = int(np.clip(round(2_000_000 / n_tokens), 3, 20))
if QUICK:
    EPOCHS = max(2, EPOCHS // 2)
settings = dict(vector_size=DIM, window=MAX_WINDOW, negative=NEGATIVE, min_count=MIN_COUNT,
                sample=SAMPLE, epochs=EPOCHS, workers=2, seed=0)
models, seconds, cpu_seconds = {}, {}, {}
for name, sg in [("CBOW", 0), ("skip-gram", 1)]:
    start, start_cpu = time.perf_counter(), time.process_time()
    models[name] = Word2Vec(sentences, sg=sg, **settings)
    seconds[name] = time.perf_counter() - start
    cpu_seconds[name] = time.process_time() - start_cpu
    print(f"{name:9s}: {EPOCHS} epochs in {seconds[name]:.1f} s "
          f"({cpu_seconds[name]:.1f} s of CPU)")
wv = models["skip-gram"].wv  # the word vectors (KeyedVectors) most cells below use
vocab, index = wv.index_to_key, wv.key_to_index  # words by frequency, and word -> row
print(f"vocabulary: {len(wv):,} words seen at least {MIN_COUNT} times, vectors of {DIM}")
helpers.record("gensim_cbow_seconds", round(seconds["CBOW"], 2))
helpers.record("gensim_skipgram_seconds", round(seconds["skip-gram"], 2))

# %% [markdown]
# Nearest neighbours are the simplest way to see what the vectors learned: the words
# whose vectors point in the most similar direction (next section).

# %%
PROBES = ["king", "man", "woman", "love", "war", "gold", "father", "day", "good",
          "death", "city", "music", "government", "water", "king's", "two"]
probes = [w for w in PROBES if w in wv][:6]
neighbours = pd.DataFrame({
    (name, word): [w for w, _ in models[name].wv.most_similar(word, topn=6)]
    for word in probes for name in models}).T
neighbours.columns = [f"#{i + 1}" for i in range(neighbours.shape[1])]
display(neighbours)

# %% [markdown]
# Look for neighbours that are words of the same kind (names with names, verbs with verbs),
# often words that could replace the probe in a sentence. CBOW and skip-gram agree only partly:
# the corpus is small, and each model saw each rare word only a few times.
#
# ## 4. Cosine similarity
#
# Two word vectors are compared by the angle between them, not by their length (a frequent
# word tends to get a longer vector):
#
# $$ \cos(\mathbf a, \mathbf b) = \frac{\mathbf a \cdot \mathbf b}{\lVert \mathbf a \rVert
#    \, \lVert \mathbf b \rVert} = \frac{\sum_i a_i b_i}{\sqrt{\sum_i a_i^2}\sqrt{\sum_i b_i^2}}, $$
#
# 1 for the same direction, 0 for orthogonal vectors, −1 for opposite ones.
# `scratch.cosine_similarity(a, b)` computes it in numpy (and refuses a zero vector, which
# has no direction); we check that it gives gensim's `wv.similarity` on 1,000 random pairs
# of words.

# %%
rng = np.random.default_rng(0)
random_pairs = [tuple(rng.choice(vocab, size=2, replace=False)) for _ in range(1000)]
ours = np.array([scratch.cosine_similarity(wv[a], wv[b]) for a, b in random_pairs])
theirs = np.array([wv.similarity(a, b) for a, b in random_pairs])
cosine_gap = float(np.abs(ours - theirs).max())
shown = [(a, b) for a, b in [("king", "queen"), ("man", "woman"), ("day", "night"),
                             ("good", "bad"), ("father", "mother")] if a in wv and b in wv]
display(pd.DataFrame([(a, b, scratch.cosine_similarity(wv[a], wv[b]), wv.similarity(a, b))
                      for a, b in shown + random_pairs[:3]],
                     columns=["word a", "word b", "scratch.cosine_similarity",
                              "gensim wv.similarity"]).round(4))
print(f"largest difference on {len(random_pairs):,} random pairs: {cosine_gap:.1e}")
helpers.claim("cosine_max_diff_gensim", cosine_gap, at_most=1e-5)

# %% [markdown]
# The two agree to float32 rounding (gensim stores float32 vectors; numpy computes in
# float64). What is a "high" cosine? The histogram compares random pairs of words with
# each word and its nearest neighbour.

# %%
nearest = np.array([wv.most_similar(w, topn=1)[0][1] for w in vocab[:1000]])
fig, ax = plt.subplots(figsize=(8, 3.6))
ax.hist(ours, bins=40, alpha=0.7, label="1,000 random pairs of words")
ax.hist(nearest, bins=40, alpha=0.7, label="1,000 frequent words and their nearest neighbour")
ax.set(xlabel="cosine similarity", ylabel="number of pairs",
       title="Cosine similarities between skip-gram word vectors")
ax.legend()
fig.tight_layout()
# What the histogram shows, as claims: random pairs are not orthogonal (mean cosine well
# above 0), and nearest neighbours sit far to the right of them.
helpers.claim("random_pairs_mean_cosine", float(ours.mean()), at_least=0.1)
helpers.claim("nearest_minus_random_median_cosine", float(np.median(nearest) - np.median(ours)),
              at_least=0.05)

# %% [markdown]
# Random pairs of words are far from orthogonal (the claims under the cell): the vectors of a small corpus share a
# large common direction, so a cosine means little on its own. The nearest neighbours sit
# at the right end of the distribution: what matters is how a similarity ranks among the
# others.
#
# ### Exercise 2 (2 points): nearest neighbours from scratch
#
# Write `my_most_similar(word, words, vectors, topn)`: `vectors[i]` is the vector of
# `words[i]`; return the `topn` other words with the largest cosine similarity to `word`,
# as a list of `(word, similarity)` pairs, most similar first, without `word` itself (all
# the other words if there are no more than `topn`). For a word not in `words`, raise a
# `KeyError` (as gensim does). Use numpy (normalise the rows, one matrix-vector product,
# `np.argsort`); don't change `vectors` in place; don't call gensim or
# `embeddings.most_similar` (the check compares with it).

# %% exercise="solution:ex_most_similar"
def my_most_similar(word, words, vectors, topn=10):
    ### BEGIN SOLUTION
    words = list(words)
    if word not in words:
        raise KeyError(f"{word!r} is not in the vocabulary")
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = unit @ unit[words.index(word)]
    order = [i for i in np.argsort(-scores) if words[i] != word][:topn]
    return [(words[i], float(scores[i])) for i in order]
    ### END SOLUTION


# %% exercise="check:check_most_similar:2"
check.most_similar(my_most_similar)
### BEGIN HIDDEN TESTS
check.most_similar(my_most_similar, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Analogies and the *woman − man* direction
#
# Differences between vectors can carry meaning too. If the vectors of *man* → *woman*
# and of *king* → *queen* differ by about the same offset, then
# $v_\text{king} - v_\text{man} + v_\text{woman}$ lands near $v_\text{queen}$: "man is to
# king as woman is to queen". To answer "$a$ is to $b$ as $c$ is to ?", word2vec scales
# the three vectors to length 1 and returns the word, other than $a$, $b$, $c$, with the
# largest cosine similarity to $\hat v_b - \hat v_a + \hat v_c$ (gensim:
# `most_similar(positive=[b, c], negative=[a])`).

# %%
QUESTIONS = [("man", "king", "woman"), ("man", "he", "woman"), ("father", "son", "mother"),
             ("man", "boy", "woman"), ("brother", "sister", "husband"),
             ("king", "kingdom", "duke"), ("good", "better", "bad"), ("day", "night", "sun")]
rows = []
for a, b, c in QUESTIONS:
    if all(w in wv for w in (a, b, c)):
        for name in models:
            answers = models[name].wv.most_similar(positive=[b, c], negative=[a], topn=3)
            rows.append((f"{a} : {b} :: {c} : ?", name, ", ".join(w for w, _ in answers)))
display(pd.DataFrame(rows, columns=["analogy", "model", "top 3 answers"]))

# %% [markdown]
# Read the table: some answers are right or close, many are not: an offset is only as consistent as the
# contexts the corpus gave each word. The lecture shows the idea as a picture: pairs of
# words that differ in the same way are joined by (roughly) parallel arrows. Below, on the
# left, the word vectors of male/female pairs projected on their first two principal
# components; on the right, every pair projected on the single direction
# $d = \widehat{(v_\text{woman} - v_\text{man}) + (v_\text{girl} - v_\text{boy})}$
# (only the pairs that exist in this corpus' vocabulary; the two defining pairs are
# marked). If $d$ means "female minus male", the female word of every other pair should
# lie to its male word's right.

# %%
GENDER_PAIRS = [("man", "woman"), ("boy", "girl"), ("king", "queen"), ("father", "mother"),
                ("son", "daughter"), ("brother", "sister"), ("husband", "wife"),
                ("he", "she"), ("his", "her"), ("lord", "lady"), ("uncle", "aunt"),
                ("duke", "duchess"), ("prince", "princess"), ("sir", "madam"),
                ("master", "mistress"), ("nephew", "niece"), ("gentleman", "gentlewoman"),
                ("mr", "mrs"), ("male", "female"), ("men", "women")]
gender_pairs = [(m, f) for m, f in GENDER_PAIRS if m in wv and f in wv]
defining = [p for p in [("man", "woman"), ("boy", "girl")] if p in gender_pairs]
unit = wv.get_normed_vectors()
direction = sum(unit[index[f]] - unit[index[m]] for m, f in defining) if defining \
    else np.zeros(DIM)
norm = np.linalg.norm(direction)
direction = direction / norm if norm > 0 else direction
projection = {w: float(unit[index[w]] @ direction) for pair in gender_pairs for w in pair}
held_out = [p for p in gender_pairs if p not in defining]
agree = [projection[f] > projection[m] for m, f in held_out]
gender_agreement = float(np.mean(agree)) if agree else float("nan")
print(f"{len(gender_pairs)} pairs in the vocabulary; direction from {defining}")
if agree:
    print(f"the female word lies further along d in {sum(agree)} of {len(agree)} other pairs")
    helpers.record("gender_direction_agreement", round(gender_agreement, 3))
# Measured on Tiny Shakespeare, whose plays have the pairs; the stand-in news corpus lacks most.
helpers.claim("gender_direction_agreement", gender_agreement, at_least=0.7,
              tiers=("canonical",), grading=False)

# %%
fig, (ax_pca, ax_proj) = plt.subplots(1, 2, figsize=(13, 5.2),
                                      gridspec_kw={"width_ratios": [1.1, 1]})
pair_words = [w for pair in gender_pairs for w in pair]
if len(gender_pairs) >= 2:
    xy = PCA(n_components=2).fit_transform(unit[[index[w] for w in pair_words]])
    where = dict(zip(pair_words, xy, strict=True))
    for m, f in gender_pairs:
        ax_pca.annotate("", where[f], where[m], arrowprops={"arrowstyle": "-|>", "lw": 1.2,
                                                           "color": "tab:purple"})
        ax_pca.text(*where[m], m, color="tab:blue", fontsize=9, ha="right", va="bottom")
        ax_pca.text(*where[f], f, color="tab:red", fontsize=9, ha="left", va="bottom")
    ax_pca.scatter(xy[:, 0], xy[:, 1], s=12, c="k")
for row, (m, f) in enumerate(gender_pairs):
    ax_proj.plot([projection[m], projection[f]], [row, row], color="0.7", zorder=1)
    ax_proj.scatter(projection[m], row, color="tab:blue", zorder=2,
                    label="male word" if row == 0 else None)
    ax_proj.scatter(projection[f], row, color="tab:red", zorder=2,
                    label="female word" if row == 0 else None)
ax_proj.set_yticks(range(len(gender_pairs)),
                   [f"{m} / {f}" + (" (defines d)" if (m, f) in defining else "")
                    for m, f in gender_pairs])
ax_proj.axvline(0, color="k", lw=0.8)
ax_proj.invert_yaxis()
ax_pca.set(xlabel="principal component 1", ylabel="principal component 2",
           title="Male → female pairs, first two principal components")
ax_proj.set(xlabel="projection on d = " + " + ".join(f"{f} − {m}" for m, f in defining)
            + " (unit vectors)", ylabel="pair",
            title="Each pair projected on the woman − man direction")
ax_proj.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
fig.suptitle(f"The woman − man direction in the skip-gram vectors of {ds.name}")
fig.tight_layout()

# %% [markdown]
# Where the arrows on the left point the same way and the red dots on the right lie to
# the right of the blue ones, the offset *female − male* is shared by many pairs; where
# they do not, this corpus did not use the two words of a pair in mirrored contexts.
#
# ### Exercise 3 (2 points): analogies by vector arithmetic
#
# Write `my_analogy(a, b, c, words, vectors)`: the answer to "`a` is to `b` as `c` is to
# ?", as a word (a `str`): scale the vectors of `a`, `b`, `c` to length 1, compute the
# target $\hat v_b - \hat v_a + \hat v_c$, and return the word, other than `a`, `b` and
# `c`, whose vector has the largest cosine similarity with the target. `vectors[i]` is
# the vector of `words[i]`. Don't change `vectors` in place; don't call gensim or
# `embeddings.analogy` (the check compares with it).

# %% exercise="solution:ex_analogy"
def my_analogy(a, b, c, words, vectors):
    ### BEGIN SOLUTION
    words = list(words)
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    scores = unit @ target
    for w in (a, b, c):
        scores[words.index(w)] = -np.inf
    return words[int(np.argmax(scores))]
    ### END SOLUTION


# %% exercise="check:check_analogy:2"
check.analogy(my_analogy)
### BEGIN HIDDEN TESTS
check.analogy(my_analogy, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 (2 points): what does the *woman − man* direction show?
#
# Look at the two pictures above, for your corpus (its name is printed above the plots).
# In 4 to 6 sentences: for which pairs does the direction $d$ separate the female from
# the male word, and for which does it fail? Is $d$ "gender" and nothing else, or does it
# also carry something else the corpus associates with these words? Why can the pairs that
# define $d$ not be used as evidence that it works? Say what the 2-D picture can and cannot
# show about the 50-dimensional vectors.

# %% [markdown] exercise="answer:explain_gender_direction:2"
# ### BEGIN SOLUTION
# (A model answer for our runs on Tiny Shakespeare; the plots change a little from run to
# run, and any reading consistent with one's own plots is right.)
# The direction separated most of the pairs that did not define it (the printout gives the
# count; the claim `gender_direction_agreement` checks at least 70%): in our runs she/he,
# her/his, queen/king, mother/father, lady/lord, princess/prince and most others lay in the
# right order, several of them clearly. Husband/wife was separated barely or the wrong
# way, and a few pairs only barely: words used in contexts that are
# not mirror images of each other (a wife is
# spoken of in other scenes than a husband; "madam" and "mistress" are forms of address and
# an employer, not just a female "sir" or "master"), and rare words (gentlewoman, niece)
# whose vectors are noisy. So d is not pure gender: it also carries what the plays say
# about women and men (who speaks to whom, titles, family roles), which is how such
# directions carry social bias into applications (Bolukbasi et al., 2016). The pairs
# man/woman and boy/girl define d, so they lie in the right order by construction; only
# the other pairs test whether the direction generalises. The 2-D picture keeps only the
# two directions along which these vectors spread most: roughly parallel arrows
# there suggest a shared offset, but lengths and angles in 2-D are distorted, so the
# projections on d, computed in all 50 dimensions, are the better evidence.
# ### END SOLUTION

# %% [markdown]
# ## 6. How good are the vectors? Two benchmarks
#
# Word vectors are judged on test sets made by people, which gensim ships:
#
# * the **Google analogy questions** (Mikolov et al., 2013): 19,544 questions "a : b :: c
#   : ?" in 14 sections, from capitals (Athens : Greece :: Oslo : Norway) and family (boy
#   : girl :: brother : sister) to grammar (walk : walking, good : better). Accuracy
#   counts the exact answer only, among the questions whose four words are all in the
#   vocabulary; the others are skipped, so we also report how many were covered.
# * **WordSim-353** (Finkelstein et al., 2002): 353 word pairs with a similarity rated 0
#   to 10 by people (tiger–cat 7.35, king–cabbage 0.23). The score is the Spearman rank
#   correlation between the people's ratings and the cosine similarities, on the pairs
#   the vocabulary covers.

# %%
def evaluate(vectors: KeyedVectors) -> dict:
    accuracy, sections = vectors.evaluate_word_analogies(datapath("questions-words.txt"))
    total = sections[-1]
    _, spearman, oov_percent = vectors.evaluate_word_pairs(datapath("wordsim353.tsv"))
    return {"analogy accuracy": accuracy,
            "analogy questions covered": len(total["correct"]) + len(total["incorrect"]),
            "WordSim-353 Spearman": float(spearman[0]),
            "WordSim-353 pairs covered": round(353 * (1 - oov_percent / 100)),
            "sections": {s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
                         for s in sections[:-1]}}


scores = {name: evaluate(model.wv) for name, model in models.items()}
summary = pd.DataFrame({name: {k: v for k, v in s.items() if k != "sections"}
                        for name, s in scores.items()}).T
summary["training seconds"] = pd.Series(seconds)
display(summary.round(3))
for name, key in [("CBOW", "cbow"), ("skip-gram", "skipgram")]:
    helpers.record(f"analogy_accuracy_{key}", round(scores[name]["analogy accuracy"], 4))
    helpers.record(f"wordsim_spearman_{key}", round(scores[name]["WordSim-353 Spearman"], 4))

# %%
fig, (ax_sections, ax_wordsim) = plt.subplots(1, 2, figsize=(13, 4.4),
                                              gridspec_kw={"width_ratios": [1.3, 1]})
covered = [s for s, (_, n) in scores["skip-gram"]["sections"].items() if n >= 10]
x = np.arange(len(covered))
for offset, name in [(-0.2, "CBOW"), (0.2, "skip-gram")]:
    accuracy = [scores[name]["sections"][s][0] / scores[name]["sections"][s][1] for s in covered]
    ax_sections.bar(x + offset, accuracy, 0.4, label=name)
ax_sections.set_xticks(x, [f"{s} ({scores['skip-gram']['sections'][s][1]})" for s in covered],
                       rotation=40, ha="right", fontsize=8)
ax_sections.set(xlabel="section of the analogy questions (questions covered)",
                ylabel="accuracy", title="Google analogy questions, by section")
ax_sections.legend()
ratings = pd.read_csv(datapath("wordsim353.tsv"), sep="\t", comment="#",
                      names=["a", "b", "human"])
ratings = ratings[[a.lower() in wv and b.lower() in wv for a, b in zip(ratings.a, ratings.b,
                                                                          strict=True)]]
cosines = [wv.similarity(a.lower(), b.lower()) for a, b in zip(ratings.a, ratings.b, strict=True)]
ax_wordsim.scatter(ratings.human, cosines, s=14)
ax_wordsim.set(xlabel="human similarity rating (0 to 10)",
               ylabel="cosine similarity (skip-gram)",
               title=f"WordSim-353: {len(ratings)} pairs in the vocabulary, Spearman "
                     f"{scores['skip-gram']['WordSim-353 Spearman']:.2f}")
fig.tight_layout()

# %% [markdown]
# On the left, the sections where the model answers anything are those whose words the
# corpus uses often (family words, some grammar); on the right, higher human ratings go
# with somewhat higher cosines, but the cloud is wide.
#
# **Why the numbers are low, and what bigger corpora give.** Read the table for what it
# is: a few hundred thousand words and seconds of training. Quality grows with the amount
# of text: each word needs many contexts, and the analogy questions need countries,
# capitals, currencies and US cities that a play or a news sample barely mentions (see how
# few of the 19,544 questions are covered). The accuracies are also noisy: they are
# computed on few questions and change from run to run (two threads train in a
# nondeterministic order), and a WordSim-353 correlation over a few dozen pairs is
# uncertain by about ±0.3 (a 95% interval). For comparison, numbers published by others (not computed
# here): gensim's comparison of word embeddings reports, for skip-gram with 100
# dimensions trained on the whole of text8 (17 million words), 40% of the 12,268 analogy
# questions it covers and a WordSim-353 Spearman correlation of 0.69, against 3.5% and
# 0.32 for the 1-million-word Brown corpus; Google's vectors trained on about 100 billion
# words of Google News answer about 74% of the questions among their 30,000 most frequent
# words.

# %% [markdown]
# ## 7. Skip-gram with negative sampling, built from Keras layers
#
# The softmax of skip-gram sums over the whole vocabulary for every pair, which is too
# slow. **Negative sampling** (Mikolov et al., 2013b) replaces it by a binary question:
# is $(w, c)$ a real (target, context) pair, or one of $k$ random "negative" words drawn
# from $P_n$? For one pair it maximises
#
# $$ \log \sigma\!\left(u_c^\top v_w\right) + \sum_{i=1}^{k} \log \sigma\!\left(-u_{n_i}^\top v_w\right),
#    \qquad n_i \sim P_n(w) \propto \text{count}(w)^{3/4}, $$
#
# which is a logistic regression: the score of a pair is the dot product of the target's
# input vector $v_w$ and the context's output vector $u_c$. In Keras that is two
# `Embedding` layers (the matrices $V$ and $U$), a `Dot` layer and a binary cross-entropy
# on the logits: label 1 for the real context, 0 for the $k$ negatives.
# `embeddings.sgns_training_data` samples one epoch of examples the way word2vec does
# (subsampling, a random window of 1 to 5 words, $k = 5$ negatives); we use gensim's
# vocabulary so that the two can be compared word for word.

# %%
word_counts = np.array([wv.get_vecattr(w, "count") for w in vocab], dtype=float)
keep_vocab = embeddings.keep_probabilities(word_counts, SAMPLE)
noise_vocab = embeddings.noise_distribution(word_counts)
sentence_ids = [[index[w] for w in s if w in index] for s in sentences]
rng = np.random.default_rng(0)
targets, contexts, labels = embeddings.sgns_training_data(
    sentence_ids, MAX_WINDOW, NEGATIVE, keep_vocab, noise_vocab, rng)
print(f"one epoch: {len(targets):,} (target, context) pairs, each with {NEGATIVE} negatives")
display(pd.DataFrame({"target": [vocab[t] for t in targets[:6]],
                      "true context (label 1)": [vocab[c] for c in contexts[:6, 0]],
                      f"{NEGATIVE} negatives (label 0)": [", ".join(vocab[n] for n in row)
                                                          for row in contexts[:6, 1:]]}))

# %%
def skipgram_model(vocab_size: int, dim: int, negatives: int) -> keras.Model:
    target = keras.Input(shape=(), dtype="int32", name="target")
    candidates = keras.Input(shape=(1 + negatives,), dtype="int32", name="context_and_negatives")
    v = layers.Embedding(vocab_size, dim, name="word_vectors")(target)  # (batch, dim)
    u = layers.Embedding(vocab_size, dim, name="context_vectors")(candidates)  # (batch, 1+k, dim)
    logits = layers.Dot(axes=(2, 1), name="scores")([u, v])  # (batch, 1+k): u_c . v_w
    return keras.Model([target, candidates], logits, name="skipgram_negative_sampling")


keras.utils.set_random_seed(0)
sgns = skipgram_model(len(vocab), DIM, NEGATIVE)
sgns.compile(optimizer=keras.optimizers.Adam(0.01),
             loss=keras.losses.BinaryCrossentropy(from_logits=True))
sgns.summary()

# %% [markdown]
# The model has exactly word2vec's parameters: two matrices of (vocabulary × 50). We train
# it for a few epochs, each on a new sample of windows and negatives, and time it.

# %%
KERAS_EPOCHS = 1 if QUICK else int(np.clip(round(400_000 / n_tokens), 1, 4))
BATCH = 2048
batch_losses = []
record_loss = keras.callbacks.LambdaCallback(
    on_train_batch_end=lambda batch, logs: batch_losses.append(logs["loss"]))
start, start_cpu = time.perf_counter(), time.process_time()
for epoch in tqdm(range(KERAS_EPOCHS), desc="Keras skip-gram epochs"):
    if epoch > 0:  # a fresh sample of windows, subsampling and negatives, as word2vec does
        targets, contexts, labels = embeddings.sgns_training_data(
            sentence_ids, MAX_WINDOW, NEGATIVE, keep_vocab, noise_vocab, rng)
    sgns.fit([targets, contexts], labels, batch_size=BATCH, epochs=1, verbose=0,
             callbacks=[record_loss])
keras_seconds = time.perf_counter() - start
keras_cpu = time.process_time() - start_cpu
print(f"Keras: {KERAS_EPOCHS} epoch{'s' * (KERAS_EPOCHS > 1)} in {keras_seconds:.1f} s "
      f"({keras_cpu:.1f} s of CPU)")
keras_wv = KeyedVectors(DIM)
keras_wv.add_vectors(vocab, sgns.get_layer("word_vectors").get_weights()[0])
helpers.record("keras_skipgram_seconds", round(keras_seconds, 2))

# %%
fig, ax = plt.subplots(figsize=(8, 3.4))
ax.plot(np.arange(1, len(batch_losses) + 1), batch_losses)
ax.set(xlabel="training step (batch of 2,048 pairs)",
       ylabel="binary cross-entropy (running mean of the epoch)",
       title="Skip-gram with negative sampling in Keras: training loss")
fig.tight_layout()

# %% [markdown]
# The loss starts at $\log 2 \approx 0.69$ (random vectors cannot tell real pairs from
# noise) and falls fast: most negatives are easy to reject, and each new epoch restarts
# the running mean.
#
# Now the comparison with gensim's skip-gram, on the same corpus, vocabulary and
# settings: WordSim-353, and how many of each word's 10 nearest neighbours the two models
# share, for the 500 most frequent words. For scale, a second gensim run that differs
# only in its random seed shows how much two equally good models agree.

# %%
def neighbour_overlap(a: KeyedVectors, b: KeyedVectors, words, topn: int = 10) -> float:
    return float(np.mean([len({w for w, _ in a.most_similar(x, topn=topn)}
                               & {w for w, _ in b.most_similar(x, topn=topn)}) / topn
                          for x in words]))


gensim_again = Word2Vec(sentences, sg=1, **{**settings, "seed": 1}).wv
frequent = vocab[:500]
overlap_seeds = neighbour_overlap(wv, gensim_again, frequent)
overlap_keras = neighbour_overlap(wv, keras_wv, frequent)
scores["Keras skip-gram"] = evaluate(keras_wv)
comparison = pd.DataFrame({
    "seconds": [seconds["skip-gram"], keras_seconds],
    "epochs": [EPOCHS, KERAS_EPOCHS],
    "seconds per epoch": [seconds["skip-gram"] / EPOCHS, keras_seconds / KERAS_EPOCHS],
    "WordSim-353 Spearman": [scores[n]["WordSim-353 Spearman"]
                             for n in ("skip-gram", "Keras skip-gram")],
    "analogy accuracy": [scores[n]["analogy accuracy"] for n in ("skip-gram", "Keras skip-gram")],
}, index=["gensim skip-gram", "Keras skip-gram"])
display(comparison.round(3))
print(f"shared nearest neighbours (10 each, {len(frequent)} frequent words): "
      f"gensim seed 1 vs seed 0 {overlap_seeds:.0%}, Keras vs gensim seed 0 {overlap_keras:.0%}")
helpers.record("keras_wordsim_spearman",
               round(scores["Keras skip-gram"]["WordSim-353 Spearman"], 4))
helpers.record("neighbour_overlap_keras_gensim", round(overlap_keras, 3))
helpers.record("neighbour_overlap_gensim_seeds", round(overlap_seeds, 3))
# Chance overlap is about 10 in the vocabulary's thousands of words, i.e. below 0.01.
helpers.claim("neighbour_overlap_gensim_seeds_claim", overlap_seeds, at_least=0.2)
helpers.claim("neighbour_overlap_keras_gensim_claim", overlap_keras, at_least=0.03)
helpers.claim("gensim_faster_per_epoch_than_keras",
              bool(comparison["seconds per epoch"].iloc[0] < comparison["seconds per epoch"].iloc[1]))

# %%
fig, (ax_time, ax_agree) = plt.subplots(1, 2, figsize=(11, 3.6))
names = ["gensim (C, 2 threads)", "Keras (TensorFlow)"]
ax_time.bar(names, comparison["seconds per epoch"], color=["tab:green", "tab:orange"])
ax_time.set(ylabel="seconds per epoch", xlabel="implementation",
            title="Time for one pass over the corpus")
ax_agree.bar(["gensim seed 1\nvs gensim seed 0", "Keras\nvs gensim seed 0"],
             [overlap_seeds, overlap_keras], color=["tab:green", "tab:orange"])
ax_agree.set(ylabel="share of the 10 nearest neighbours", xlabel="models compared",
             ylim=(0, 1), title="Agreement of nearest neighbours (500 frequent words)")
fig.tight_layout()

# %% [markdown]
# gensim is much faster per epoch (hand-written C updating only the rows a pair touches,
# against a general framework that runs a graph per batch), while the Keras model, with
# fewer epochs, learns vectors of a similar kind: compare the WordSim-353 scores in the
# table with their noise (above), and its neighbours overlap with gensim's, in our runs less
# than a second gensim run does, but far more than chance (10 of thousands of words;
# claimed at least 3%).

# %% [markdown]
# ## 8. A map of the vectors
#
# 50 dimensions cannot be drawn. **t-SNE** (van der Maaten and Hinton, 2008) places words
# in 2-D so that each word's nearest neighbours stay near it, at the cost of distances
# between groups (which mean little in the picture). Here are the 150 most frequent words
# that are not function words, from the skip-gram vectors.

# %%
map_words = [w for w in vocab if w not in ENGLISH_STOP_WORDS and len(w) > 2][:150]
map_xy = TSNE(n_components=2, perplexity=15, init="pca", random_state=0).fit_transform(
    unit[[index[w] for w in map_words]])
fig, ax = plt.subplots(figsize=(12, 9))
marked = set(pair_words)
ax.scatter(map_xy[:, 0], map_xy[:, 1], s=10,
           c=["tab:red" if w in marked else "tab:blue" for w in map_words])
for (px, py), word in zip(map_xy, map_words, strict=True):
    ax.annotate(word, (px, py), fontsize=8, xytext=(2, 2), textcoords="offset points",
                color="tab:red" if word in marked else "black")
ax.set(xlabel="t-SNE dimension 1", ylabel="t-SNE dimension 2",
       title=f"t-SNE map of 150 frequent words' skip-gram vectors ({ds.name}; "
             "red: words of the male/female pairs)")
fig.tight_layout()

# %% [markdown]
# Words that the corpus uses alike end up in small clusters (look for the red words of the
# male/female pairs, for pronouns, verbs, names, numbers or places), while the layout of
# the clusters relative to each other is arbitrary.

# %% [markdown]
# ## 9. The embedding projector
#
# TensorFlow's **embedding projector** (https://projector.tensorflow.org) shows word
# vectors in 3-D with PCA, t-SNE or UMAP, and searches words and their neighbours. It
# loads two tab-separated files: `vectors.tsv` (one row of numbers per word) and
# `metadata.tsv` (the words, here with their counts). `embeddings.export_projector`
# writes them (gensim's `python -m gensim.scripts.word2vec2tensor` does the same from a
# saved model). On the projector's page, click "Load" and choose the two files; on Colab,
# download them first from the file browser on the left.

# %%
projector_dir = Path("build") / "word2vec_projector"
vectors_tsv, metadata_tsv = embeddings.export_projector(
    vocab, wv.vectors, projector_dir, metadata={"count": word_counts.astype(int)})
for path in (vectors_tsv, metadata_tsv):
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
print(open(metadata_tsv).read().splitlines()[:3])

# %% [markdown]
# The same kind of view can live inside the notebook. `embeddings.projector_figure` draws
# the 1,500 most frequent words at their first three principal components with plotly,
# and a search menu highlights a word and its 8 nearest neighbours by cosine similarity
# in all 50 dimensions (which the 3-D positions only approximate). The figure is one
# self-contained piece of HTML: it works in Jupyter, on Colab and in a saved HTML file,
# without a server. Drag to rotate, scroll to zoom, and use "2-D" for the flat view of the
# first two components.

# %%
search = list(dict.fromkeys([w for w in probes + pair_words + map_words[:60]
                             if index[w] < 1500]))
start_word = next((w for w in ["king", "woman", "man"] if w in search), search[0])
projector = embeddings.projector_figure(
    vocab[:1500], wv.vectors[:1500], search=search, highlight=start_word, n_neighbours=8,
    title=f"Skip-gram word vectors of {ds.name}, first three principal components")
# Grading keeps every student's executed notebook: there plotly's JavaScript (4.8 MB) is
# linked from its CDN instead of embedded.
display(HTML(projector.to_html(include_plotlyjs="cdn" if QUICK else True, full_html=False)))

# %% [markdown]
# The highlighted word and its neighbours sit close together in 3-D only partly: three
# of the 50 dimensions keep little of the distances, which is why the projector (and the
# search menu) looks neighbours up in the full vectors.
#
# `compare_neighbours(word)` lists a word's nearest neighbours in the three models of this
# notebook; in a running notebook, the box below the first table searches any word of the
# vocabulary with it.

# %%
def compare_neighbours(word: str, topn: int = 8) -> pd.DataFrame | None:
    word = word.strip().lower()
    if word not in wv:
        print(f"{word!r} is not in the vocabulary ({len(vocab):,} words)")
        return None
    sources = {"gensim CBOW": models["CBOW"].wv, "gensim skip-gram": wv, "Keras skip-gram": keras_wv}
    return pd.DataFrame({name: [f"{w} ({s:.2f})" for w, s in kv.most_similar(word, topn=topn)]
                         for name, kv in sources.items()})


display(compare_neighbours(next((w for w in ["woman", "love"] if w in wv), probes[-1])))
search_box = widgets.interact(lambda word: display(compare_neighbours(word)),
                              word=widgets.Text(value=start_word, description="word:",
                                                continuous_update=False))

# %% [markdown]
# ## Key takeaways
# - word2vec slides a window over text: CBOW predicts a word from its context, skip-gram each context word from the word; both learn one dense vector per word.
# - Negative sampling turns the softmax over the vocabulary into a logistic regression on dot products: two `Embedding` layers and a `Dot` layer in Keras.
# - Cosine similarity compares directions; nearest neighbours and analogies ($\hat v_b - \hat v_a + \hat v_c$) are cosine searches, and some offsets such as *woman − man* are shared by many pairs.
# - Vectors are only as good as the text: a few hundred thousand words give noisy neighbours and low analogy accuracies (the table of section 6), while published runs report about 40% for text8's 17 million words and about 74% for Google News's 100 billion.
# - gensim's C code trains many times faster than the same model in Keras; t-SNE maps and the embedding projector help to look at the vectors, not to measure them.
#
# ## Further reading
# - T. Mikolov, K. Chen, G. Corrado, J. Dean, *Efficient Estimation of Word Representations in Vector Space* (2013), https://arxiv.org/abs/1301.3781
# - T. Mikolov, I. Sutskever, K. Chen, G. Corrado, J. Dean, *Distributed Representations of Words and Phrases and their Compositionality* (NeurIPS 2013), https://arxiv.org/abs/1310.4546
# - T. Mikolov, W. Yih, G. Zweig, *Linguistic Regularities in Continuous Space Word Representations* (NAACL 2013), https://aclanthology.org/N13-1090/
# - Y. Goldberg, O. Levy, *word2vec Explained: deriving Mikolov et al.'s negative-sampling word-embedding method* (2014), https://arxiv.org/abs/1402.3722
# - T. Bolukbasi et al., *Man is to Computer Programmer as Woman is to Homemaker? Debiasing Word Embeddings* (NeurIPS 2016), https://arxiv.org/abs/1607.06520
# - L. Finkelstein et al., *Placing Search in Context: The Concept Revisited* (WordSim-353, 2002); gensim's word2vec tutorial, https://radimrehurek.com/gensim/auto_examples/tutorials/run_word2vec.html
# - TensorFlow, *word2vec* tutorial and the Embedding Projector, https://www.tensorflow.org/text/tutorials/word2vec and https://projector.tensorflow.org
