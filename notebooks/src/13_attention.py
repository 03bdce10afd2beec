# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 13 · From RNNs to attention and a small Transformer
#
# {{colab_badge}}
#
# Notebook 08 ended with a GRU that reads text one character at a time and squeezes
# everything it has read into one state vector. **Attention** lets a network look back at
# every position it has read, weighted by how relevant each one is to what it is doing
# now; the **Transformer** (Vaswani et al., 2017) is built from attention alone and has
# replaced recurrent networks almost everywhere. This notebook shows, on a task small
# enough for a laptop, why a single context vector fails on long inputs, builds attention
# in numpy and checks it against Keras, and trains a small Transformer against notebook
# 08's character-level GRU, at the same number of weights and the same CPU seconds.
#
# **What you will learn**
# - why an encoder-decoder RNN (seq2seq) fails on long inputs, and how attention over the encoder states fixes it, measured by input length;
# - scaled dot-product attention, its padding and causal masks, and multi-head attention, in numpy, equal to `keras.layers.MultiHeadAttention`;
# - why the scores are divided by $\sqrt{d_k}$: softmax saturation, measured;
# - a Transformer decoder (positional encoding, causal self-attention, feed-forward, residual connections, layer normalization) in Keras 3, and how it compares with a GRU of the same size;
# - the price of attention: a cost per step that grows with the context, where recurrence stays flat.
#
# **Prerequisites:** notebook 08 (GRU, character-level generation, temperature) and notebook
# 07 (token ids and embeddings).

# %%
# {{colab_install}}
import inspect
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from keras import layers

import helpers
from helpers import attention, data, scratch
from helpers.checks import attention as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))

# %% [markdown]
# ## 1. Why attention: a context vector is a bottleneck
#
# A **sequence-to-sequence** model (Sutskever et al., 2014; Cho et al., 2014) turns one
# sequence into another of a different length: an **encoder** RNN reads the input and its
# last state, the *context vector*, starts a **decoder** RNN that writes the output one
# token at a time, each time fed the token it wrote before. Everything the decoder knows
# about the input has to fit into that one vector, whatever the input's length.
#
# A task that makes the point and needs no data: **reverse a string of digits**
# ("9021" becomes "1209"). The input has 1 to 12 digits, padded on the left to 12; the
# output is the reversed digits followed by an end token. The decoder's first digit is the
# input's *last* digit, and its last digit the *first*: to write it, the model must still
# hold it after reading everything else.

# %%
MAX_LEN = 12
source, decoder_input, target, lengths = attention.reversal_task(
    3000 if QUICK else 8000, MAX_LEN, seed=0)
test_source, _, test_target, test_lengths = attention.reversal_task(1200, MAX_LEN, seed=1)
for i in range(3):
    print(f"input {attention.decode_digits(source[i]):>12s} -> output "
          f"{attention.decode_digits(target[i])}   (token ids {source[i].tolist()})")
print(f"{len(source):,} training and {len(test_source):,} test strings of 1 to {MAX_LEN} digits")

# %% [markdown]
# Both models below have the same encoder and decoder: an `Embedding` of 16 dimensions and
# a `GRU` of 48 units each, the decoder's GRU starting from the encoder's last state.
# During training the decoder is fed the right previous token (**teacher forcing**), and
# it learns to predict every output position at once. The second model adds **attention**
# (Bahdanau et al., 2015; here in the dot-product form of Luong et al., 2015): at output
# step $t$, the decoder's state $s_t$ scores every encoder state $h_j$, the scores become
# weights by a softmax, and the weighted average of the encoder states, the context
# $c_t$, joins $s_t$ before the output layer:
#
# $$ e_{tj} = s_t \cdot h_j, \qquad \alpha_{tj} = \frac{\exp e_{tj}}{\sum_{j'} \exp e_{tj'}},
#    \qquad c_t = \sum_j \alpha_{tj} h_j, \qquad \hat y_t = \mathrm{softmax}(W [s_t; c_t] + b). $$
#
# `keras.layers.Attention` computes $c_t$ and, on request, the weights $\alpha_{tj}$.

# %%
UNITS = 48


def seq2seq(with_attention):
    """(model, alignment model): the latter returns the attention weights alpha (or None)."""
    keras.utils.set_random_seed(0)
    encoder_in = keras.Input((MAX_LEN,), dtype="int32", name="digits")
    decoder_in = keras.Input((MAX_LEN + 1,), dtype="int32", name="previous_output")
    encoder_states, context = layers.GRU(UNITS, return_sequences=True, return_state=True)(
        layers.Embedding(attention.VOCAB_SIZE, 16)(encoder_in))
    decoder_states = layers.GRU(UNITS, return_sequences=True)(
        layers.Embedding(attention.VOCAB_SIZE, 16)(decoder_in), initial_state=context)
    features, alignment = decoder_states, None
    if with_attention:
        attended, alignment = layers.Attention()([decoder_states, encoder_states],
                                                 return_attention_scores=True)
        features = layers.Concatenate()([decoder_states, attended])
    model = keras.Model([encoder_in, decoder_in], layers.Dense(attention.VOCAB_SIZE)(features))
    model.compile(optimizer=keras.optimizers.Adam(0.005),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    aligner = keras.Model([encoder_in, decoder_in], alignment) if with_attention else None
    return model, aligner


def greedy_decode(model, source):
    """Write the output one token at a time, each time feeding back the most likely one."""
    fed = np.full((len(source), MAX_LEN + 1), attention.PAD, dtype="int32")
    fed[:, 0] = attention.START
    written = np.zeros_like(fed)
    for t in range(MAX_LEN + 1):  # the decoder is causal: positions after t do not matter
        written[:, t] = model.predict_on_batch([source, fed])[:, t].argmax(-1)
        if t < MAX_LEN:
            fed[:, t + 1] = written[:, t]
    return written, fed


def accuracy_by_length(written):
    """Share of output positions (digits and the end token) right, per input length."""
    scored = np.arange(MAX_LEN + 1)[None, :] <= test_lengths[:, None]
    right = (written == test_target) & scored
    return pd.Series({n: right[test_lengths == n].sum() / scored[test_lengths == n].sum()
                      for n in range(1, MAX_LEN + 1)})


results, aligners = {}, {}
for name, with_attention in [("seq2seq", False), ("seq2seq + attention", True)]:
    model, aligners[name] = seq2seq(with_attention)
    start = time.perf_counter()
    model.fit([source, decoder_input], target, batch_size=128, epochs=2 if QUICK else 4,
              verbose=0)
    written, fed = greedy_decode(model, test_source)
    results[name] = {"accuracy": accuracy_by_length(written), "written": written, "fed": fed,
                     "params": model.count_params(), "seconds": time.perf_counter() - start}
    print(f"{name:20s} {model.count_params():,} weights, trained and decoded in "
          f"{results[name]['seconds']:.0f} s; test accuracy "
          f"{results[name]['accuracy'].mean():.3f}", flush=True)

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, style in [("seq2seq", "o-"), ("seq2seq + attention", "s-")]:
    ax.plot(results[name]["accuracy"], style, label=name)
ax.axvline(source.shape[1] // 2, color="gray", ls=":")
ax.set(title="Reversing digit strings: accuracy against input length",
       xlabel="input length (digits)", ylabel="output positions right (test)", ylim=(0, 1.05))
ax.legend();
plain = results["seq2seq"]["accuracy"]
attended = results["seq2seq + attention"]["accuracy"]
helpers.record("seq2seq_accuracy_longest", float(plain[MAX_LEN]))
helpers.record("attention_accuracy_longest", float(attended[MAX_LEN]))
helpers.claim("seq2seq_accuracy_short", float(plain[:3].mean()), at_least=0.9, grading=False)
helpers.claim("attention_minus_seq2seq_longest", float(attended[MAX_LEN] - plain[MAX_LEN]),
              at_least=0.2, grading=False)
helpers.claim("attention_accuracy_longest", float(attended[MAX_LEN]), at_least=0.9,
              grading=False)

# %% [markdown]
# Without attention, short strings come out right (over 90% of positions up to 3
# digits, claimed) and accuracy falls as the input grows: the context vector runs out of
# room. With attention it stays high up to the longest inputs (at 12 digits, at least
# 0.9 and at least 20 points above the plain seq2seq, claimed), with the same encoder and
# decoder and about the same number of weights.
#
# What did it learn to look at? The weights $\alpha_{tj}$ of three test strings, one row
# per output step and one column per input digit:

# %%
def token_label(token):
    return "end" if token == attention.END else attention.decode_digits([token]) or "?"


examples = [int(np.flatnonzero(test_lengths == n)[0]) for n in (5, 9, 12)]
run = results["seq2seq + attention"]
weights = keras.ops.convert_to_numpy(aligners["seq2seq + attention"].predict_on_batch(
    [test_source[examples], run["fed"][examples]]))
fig, axes = plt.subplots(1, 3, figsize=(13, 4.4), gridspec_kw={"width_ratios": [5, 9, 12]})
for ax, i, alpha in zip(axes, examples, weights, strict=True):
    n = int(test_lengths[i])
    shown = alpha[:n + 1, MAX_LEN - n:]  # rows: n digits and the end; columns: the digits
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(n), list(attention.decode_digits(test_source[i])))
    ax.set_yticks(range(n + 1), [token_label(t) for t in run["written"][i, :n + 1]])
    ax.set(title=f"{n} digits", xlabel="input digit", ylabel="output step (what it wrote)")
    ax.grid(False)
fig.suptitle("Attention weights: where the decoder looked while writing each output digit")
fig.tight_layout()

# %% [markdown]
# The weights form an anti-diagonal: to write its first digit the decoder looks at the
# last input digit, then one step further left at every step, which is exactly the
# alignment that reversal needs; nobody told it so, it is what training found.

# %% [markdown]
# ## 2. Attention from scratch
#
# The Transformer's attention generalizes the formula of section 1. Every position asks a
# **query** $q$; every position it may look at offers a **key** $k$ (to be matched) and a
# **value** $v$ (to be averaged). With the queries as rows of $Q$ ($n_q \times d_k$), the
# keys of $K$ ($n_k \times d_k$) and the values of $V$ ($n_k \times d_v$),
#
# $$ \mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V, $$
#
# with the softmax over the keys: row $i$ of the weights says how much query $i$ takes from
# each value, and sums to 1. A **mask** says which keys each query may see: Keras' masks
# are booleans, True where attending is allowed, and a masked score is replaced by a large
# negative number (-1e9) before the softmax, so that its weight is 0.

# %% [markdown]
# ### Exercise 1 (3 points): scaled dot-product attention
#
# Write `my_attention(q, k, v, mask=None)` in numpy. `q` is (..., n_q, d_k), `k`
# (..., n_k, d_k), `v` (..., n_k, d_v): the leading axes are a batch (there may be none).
# Return the pair `(output, weights)`: the weights (..., n_q, n_k) and the output
# (..., n_q, d_v). When `mask` is given (booleans that broadcast to the weights' shape),
# set the scores where it is False to -1e9 before the softmax. Subtract each row's largest
# score before `np.exp`, so that large scores do not overflow. (`np.swapaxes(k, -1, -2)`
# transposes the last two axes.)

# %% exercise="solution:ex_attention"
def my_attention(q, k, v, mask=None):
    ### BEGIN SOLUTION
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights
    ### END SOLUTION


# %% exercise="check:check_attention:3"
check.attention(my_attention)
### BEGIN HIDDEN TESTS
check.attention(my_attention, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Masks: padding and the future
#
# Two masks matter. A **padding mask** hides the padding of shorter sequences in a batch,
# so that no query takes anything from it. A **causal mask** hides the future: when a model
# learns to predict token $i + 1$ from tokens $0..i$ (as the GRU of notebook 08 did), the
# query at position $i$ must not see the keys after $i$, or it could read the answer. It
# is lower triangular. Below, `attention.padding_mask`, `attention.causal_mask` and
# `attention.scaled_dot_product_attention` (the reference of exercise 1) on 6 positions of
# self-attention ($Q = K = V$) in a sequence whose last 2 positions are padding:

# %%
rng = np.random.default_rng(0)
x_demo = rng.normal(size=(1, 6, 8))
masks_demo = {"no mask": None,
              "padding mask (length 4)": attention.padding_mask([4], 6),
              "causal mask": attention.causal_mask(6)[None],
              "causal and padding": attention.causal_mask(6)[None] & attention.padding_mask([4], 6)}
fig, axes = plt.subplots(1, 4, figsize=(13, 3.6))
for ax, (title, mask) in zip(axes, masks_demo.items(), strict=True):
    _, w = attention.scaled_dot_product_attention(x_demo, x_demo, x_demo, mask)
    ax.imshow(w[0], cmap="Blues", vmin=0, vmax=1)
    ax.set(title=title, xlabel="key position", ylabel="query position")
    ax.grid(False)
fig.suptitle("Attention weights of 6 positions under each mask (white: weight 0)")
fig.tight_layout()

# %% [markdown]
# Each row sums to 1. The padding mask empties the last two columns, the causal mask
# everything above the diagonal; combined, a row takes only from earlier, real positions.
# Position 0 under the causal mask can only attend to itself.

# %% [markdown]
# ### Exercise 2 (3 points): the causal mask and a decoder's mask
#
# * `my_causal_mask(n)`: the (n, n) boolean mask, True where query $i$ may attend to key
#   $j$, that is $j \le i$.
# * `my_decoder_mask(lengths, n)`: for a batch of sequences padded to length `n`, whose
#   real lengths are `lengths` (a 1-D array), the (batch, n, n) mask of a decoder's
#   self-attention: causal, and no query attends to a key at position `lengths[b]` or
#   later of its own sequence.

# %% exercise="solution:ex_masks"
def my_causal_mask(n):
    ### BEGIN SOLUTION
    return np.tril(np.ones((n, n), dtype=bool))
    ### END SOLUTION


def my_decoder_mask(lengths, n):
    ### BEGIN SOLUTION
    keys = np.arange(n)[None, :] < np.asarray(lengths)[:, None]
    return my_causal_mask(n)[None] & keys[:, None, :]
    ### END SOLUTION


# %% exercise="check:check_masks:3"
check.masks(my_causal_mask, my_decoder_mask)
### BEGIN HIDDEN TESTS
check.masks(my_causal_mask, my_decoder_mask, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Multi-head attention, equal to Keras
#
# One attention picks one kind of relation. **Multi-head** attention runs $h$ of them side
# by side, each on its own learned projections of the queries, keys and values to a small
# dimension $d_k$, and projects their concatenated outputs back:
#
# $$ \mathrm{head}_i = \mathrm{Attention}(Q W_i^Q, K W_i^K, V W_i^V), \qquad
#    \mathrm{MultiHead}(Q, K, V) = [\mathrm{head}_1; \dots; \mathrm{head}_h]\, W^O. $$
#
# `keras.layers.MultiHeadAttention` stores $W^Q$ as one kernel of shape
# (model dimension, heads, key_dim), and so on, each with a bias. This is the numpy version
# in `helpers.attention`, which takes the layer's own weights:

# %%
print(inspect.getsource(attention.multi_head_attention).split('"""')[-1])

# %%
keras.utils.set_random_seed(1)
mha = layers.MultiHeadAttention(num_heads=4, key_dim=8)
x_mha = rng.normal(size=(3, 10, 32)).astype("float32")
mask_mha = attention.causal_mask(10)[None] & attention.padding_mask([10, 7, 4], 10)
keras_out = keras.ops.convert_to_numpy(mha(x_mha, x_mha, attention_mask=mask_mha))
numpy_out, numpy_weights = attention.multi_head_attention(x_mha, x_mha, mha.get_weights(),
                                                          mask=mask_mha)
print("weights:", [tuple(w.shape) for w in mha.get_weights()])
mha_diff = float(np.abs(numpy_out - keras_out).max())
print(f"3 sequences of 10 steps, 4 heads, causal and padding masks: largest difference "
      f"from Keras {mha_diff:.1e}")
helpers.claim("mha_numpy_keras_max_diff", mha_diff, at_most=1e-5)

# %% [markdown]
# ### Why divide by $\sqrt{d_k}$?
#
# If the entries of $q$ and $k$ are independent with mean 0 and variance 1, their dot
# product $q \cdot k = \sum_{i=1}^{d_k} q_i k_i$ has variance $d_k$: the larger the key
# dimension, the larger the scores, and a softmax of large scores **saturates**, putting
# nearly all the weight on one key. Its gradient then almost vanishes (the derivative of
# softmax output $p_i$ is $p_i (1 - p_i)$, which is 0 at $p_i = 1$), and attention stops
# learning. Dividing by $\sqrt{d_k}$ brings the variance back to 1. Measured on random
# queries and 32 keys:

# %%
dims = [4, 16, 64, 256, 1024]
saturation = []
for d_k in dims:
    q_rand, k_rand = rng.normal(size=(200, d_k)), rng.normal(size=(32, d_k))
    for scaled in (False, True):
        scores = q_rand @ k_rand.T / (np.sqrt(d_k) if scaled else 1.0)
        p = attention.softmax(scores)
        # The softmax's Jacobian is diag(p) - p p^T: its size says how much a score can learn.
        jacobian = np.einsum("ni,ij->nij", p, np.eye(32)) - np.einsum("ni,nj->nij", p, p)
        saturation.append({"d_k": d_k, "scaled": scaled, "score std": scores.std(),
                           "largest weight": p.max(axis=1).mean(),
                           "softmax gradient norm": np.linalg.norm(jacobian, axis=(1, 2)).mean()})
saturation = pd.DataFrame(saturation)
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for scaled, label in [(False, "q.k"), (True, "q.k / sqrt(d_k)")]:
    rows = saturation[saturation["scaled"] == scaled]
    axes[0].semilogx(rows["d_k"], rows["largest weight"], "o-", base=2, label=label)
    axes[1].loglog(rows["d_k"], rows["softmax gradient norm"], "o-", base=2, label=label)
axes[0].set(title="Softmax saturation", xlabel="key dimension d_k",
            ylabel="mean largest weight (of 32 keys)", ylim=(0, 1.05))
axes[1].set(title="...and its gradient", xlabel="key dimension d_k",
            ylabel="mean norm of the softmax Jacobian")
for ax in axes:
    ax.legend()
fig.tight_layout()
display(saturation.round(3).pivot(index="d_k", columns="scaled",
                                  values=["largest weight", "softmax gradient norm"]))
unscaled = saturation[~saturation["scaled"]].set_index("d_k")
scaled_rows = saturation[saturation["scaled"]].set_index("d_k")
helpers.claim("unscaled_largest_weight_d1024", unscaled.loc[1024, "largest weight"],
              at_least=0.9)
helpers.claim("scaled_largest_weight_spread",
              scaled_rows["largest weight"].max() - scaled_rows["largest weight"].min(),
              at_most=0.1)
helpers.claim("unscaled_over_scaled_gradient_d1024",
              unscaled.loc[1024, "softmax gradient norm"]
              / scaled_rows.loc[1024, "softmax gradient norm"], at_most=0.5)

# %% [markdown]
# Unscaled, the largest of 32 weights approaches 1 as $d_k$ grows (above 0.9 at
# $d_k = 1024$, claimed) and the gradient through the softmax shrinks with it (at
# $d_k = 1024$ to less than half of the scaled one, claimed); scaled, both stay where they
# are for every $d_k$ (the largest weight varies by less than 0.1, claimed).

# %% [markdown]
# ## 3. A small Transformer on Tiny Shakespeare
#
# A Transformer decoder (the "GPT" kind) predicts the next token with causal
# self-attention instead of recurrence. Attention ignores order (shuffle the keys and the
# weights shuffle with them), so the position is added to each token's embedding as a
# **positional encoding**, sinusoids of wavelengths from $2\pi$ to $10^4 \cdot 2\pi$
# (Vaswani et al., 2017):
#
# $$ PE_{p, 2i} = \sin\!\left(p / 10000^{2i/d}\right), \qquad
#    PE_{p, 2i+1} = \cos\!\left(p / 10000^{2i/d}\right). $$
#
# A **decoder block** then does, with a layer normalization before each part and a
# residual connection around it (the "pre-LN" form of GPT-2):
#
# $$ x \leftarrow x + \mathrm{MultiHead}(\mathrm{LN}(x)) \text{ (causal)}, \qquad
#    x \leftarrow x + W_2\, \mathrm{gelu}(W_1\, \mathrm{LN}(x)). $$
#
# The data are notebook 08's:

# %%
corpus = data.load("tinyshakespeare", n_chars=60_000 if QUICK else 250_000)
train_text, test_text = corpus.x_train[0], corpus.x_test[0][:20_000]
chars = corpus.extras["chars"]
char_to_id = {c: i for i, c in enumerate(chars)}
CONTEXT = 100


def to_sequences(text, length=CONTEXT):
    ids = np.array([char_to_id[c] for c in text])
    n = (len(ids) - 1) // length
    return ids[:n * length].reshape(n, length), ids[1:n * length + 1].reshape(n, length)


x_chars, y_chars = to_sequences(train_text)
x_chars_test, y_chars_test = to_sequences(test_text)
print(f"{corpus.name}: {len(train_text):,} training characters, {len(chars)} distinct; "
      f"{len(x_chars):,} sequences of {CONTEXT}")
encoding = attention.positional_encoding(CONTEXT, 64)
fig, ax = plt.subplots(figsize=(9, 3.4))
image = ax.imshow(encoding.T, cmap="RdBu", aspect="auto")
fig.colorbar(image, ax=ax)
ax.set(title="Positional encoding: one column per position, one row per dimension",
       xlabel="position p in the context", ylabel="dimension (2i: sin, 2i+1: cos)")
ax.grid(False)

# %% [markdown]
# The first dimensions change fast from one position to the next, the last ones slowly:
# together they give every position a distinct code, and nearby positions similar ones.
#
# The model: an `Embedding` of 64 dimensions plus the positional encoding, two decoder
# blocks of 4 heads (key dimension 16) and a feed-forward layer of 128, a final layer
# normalization and a `Dense` layer with one logit per character. Next to it, notebook
# 08's GRU: an `Embedding` of 32, a `GRU` of 128 units, a `Dense` output.

# %%
class PositionalEmbedding(layers.Layer):
    """Token embedding plus the fixed sinusoidal positional encoding."""

    def __init__(self, vocabulary, depth, max_length=2048, **kwargs):
        super().__init__(**kwargs)
        self.embed = layers.Embedding(vocabulary, depth)
        self.depth = depth
        self.encoding = keras.ops.convert_to_tensor(attention.positional_encoding(max_length,
                                                                                  depth))

    def call(self, ids):
        length = keras.ops.shape(ids)[1]
        positions = keras.ops.slice(self.encoding, (0, 0), (length, self.depth))
        # The scale keeps the embedding from being drowned by the encoding (Vaswani et al.).
        return self.embed(ids) * np.float32(np.sqrt(self.depth)) + positions[None]


def decoder_block(x, heads=4, depth=64, hidden=128):
    normed = layers.LayerNormalization()(x)
    x = x + layers.MultiHeadAttention(heads, depth // heads)(normed, normed,
                                                               use_causal_mask=True)
    normed = layers.LayerNormalization()(x)
    return x + layers.Dense(depth)(layers.Dense(hidden, activation="gelu")(normed))


def transformer(vocabulary, depth=64, blocks=2):
    ids = keras.Input((None,), dtype="int32")
    x = PositionalEmbedding(vocabulary, depth)(ids)
    for _ in range(blocks):
        x = decoder_block(x, depth=depth)
    logits = layers.Dense(vocabulary)(layers.LayerNormalization()(x))
    return keras.Model(ids, logits, name="transformer")


def gru(vocabulary):  # notebook 08's character model
    return keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(vocabulary, 32),
                             layers.GRU(128, return_sequences=True), layers.Dense(vocabulary)],
                            name="gru")


keras.utils.set_random_seed(0)
char_models = {"Transformer": transformer(len(chars)), "GRU": gru(len(chars))}
weight_counts = {name: m.count_params() for name, m in char_models.items()}
print({name: f"{count:,} weights" for name, count in weight_counts.items()})
helpers.claim("transformer_gru_weight_ratio", weight_counts["Transformer"] / weight_counts["GRU"],
              between=(0.9, 1.1))

# %% [markdown]
# Same number of weights (within 10%, claimed). Now the same CPU time for each: a callback
# stops training when the process has used `BUDGET` seconds of CPU (both cores count)
# since the end of the first batch, whose time goes into building the computation graph.

# %%
BUDGET = 2.0 if QUICK else 8.0


class CPUBudget(keras.callbacks.Callback):
    """Stop training after `seconds` of process CPU time, counted from the first batch's end."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds, self.steps, self.started = seconds, 0, None

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.started is None:
            self.started = time.process_time()
        elif time.process_time() - self.started > self.seconds:
            self.model.stop_training = True


# The loss of guessing each character by its frequency alone, for scale.
frequencies = np.bincount(y_chars.ravel(), minlength=len(chars)) + 1
unigram_loss = float(-np.mean(np.log(frequencies / frequencies.sum())[y_chars_test]))
char_rows = {}
for name, model in char_models.items():
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(0.005 if name == "Transformer" else 0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    budget = CPUBudget(BUDGET)
    model.fit(x_chars, y_chars, batch_size=64, epochs=100, verbose=0, callbacks=[budget])
    loss, accuracy = model.evaluate(x_chars_test, y_chars_test, verbose=0, batch_size=256)
    char_rows[name] = {"weights": weight_counts[name], "steps": budget.steps,
                       "CPU seconds": round(time.process_time() - budget.started, 1),
                       "test loss": loss, "test accuracy": accuracy}
    print(f"{name}: {budget.steps} steps, test loss {loss:.3f}, accuracy {accuracy:.3f}",
          flush=True)
char_table = pd.DataFrame(char_rows).T
display(char_table.round(3))
print(f"for scale: guessing by character frequency alone gives a loss of {unigram_loss:.3f}")
losses = char_table["test loss"].astype(float)
helpers.record("transformer_test_loss", losses["Transformer"])
helpers.record("gru_test_loss", losses["GRU"])
for name in char_models:
    helpers.claim(f"{name.lower()}_learned_over_frequencies", unigram_loss - losses[name],
                  at_least=0.3, grading=False)
helpers.claim("transformer_minus_gru_test_loss", losses["Transformer"] - losses["GRU"],
              at_least=0.0, grading=False)

# %% [markdown]
# Both models learned more than character frequencies (their loss is at least 0.3 below
# it, claimed). At this budget the **GRU wins**: its test loss is lower than the
# Transformer's (claimed, on Tiny Shakespeare and on the offline stand-in). The GRU takes
# more steps in the same CPU time (the table counts them), and a character-level
# recurrence learns local spelling quickly, while a Transformer typically spends its first
# hundreds of steps learning to use positions and attention at all. Its
# strengths show elsewhere: all positions of a sequence are computed at once (parallel
# hardware trains it on far more text per second than a recurrence), and any position can
# reach any other in one step, however far back.
#
# ### Samples at two temperatures
#
# Generation works as in notebook 08: predict, draw the next character with a temperature,
# append, repeat. The Transformer has no state to carry: it reads the last 100 characters
# again at every step.

# %%
def sample_transformer(prompt, temperatures, length=160, seed=0):
    gen = np.random.default_rng(seed)
    texts = [prompt] * len(temperatures)
    for _ in range(length):
        window = np.array([[char_to_id[c] for c in t[-CONTEXT:]] for t in texts])
        logits = keras.ops.convert_to_numpy(
            char_models["Transformer"].predict_on_batch(window))[:, -1]
        texts = [t + chars[gen.choice(len(chars), p=scratch.temperature_softmax(row, temp))]
                 for t, row, temp in zip(texts, logits, temperatures, strict=True)]
    return [t[len(prompt):] for t in texts]


prompt = test_text[:CONTEXT]
temperatures = (0.5, 1.0)
print(f"prompt (the last 60 of {CONTEXT} characters): ...{prompt[-60:]!r}")
for temperature, text in zip(temperatures, sample_transformer(prompt, temperatures),
                             strict=True):
    print(f"---------- Transformer, temperature {temperature}\n{text}")

# %% [markdown]
# As with the GRU of notebook 08 after a short training, the samples have the form of the
# text (words of plausible length, spaces, line breaks) more than its words; $T = 0.5$
# keeps to the most frequent patterns, $T = 1$ wanders further.
#
# ### The price of attention: cost against context length
#
# Attention compares every position with every other: for a context of $n$ tokens that is
# $n^2$ scores per head, so the cost of a token grows with $n$. A recurrence does the same
# work per token whatever came before, in $n$ sequential steps. Measured: the CPU time of
# a forward pass over 8 sequences of growing length, per token.

# %%
contexts = [64, 128, 256, 512, 1024] if not QUICK else [64, 256, 1024]


def best_seconds(model, batch, repeats=3):
    """CPU seconds (all cores) of a forward pass: unlike the wall clock, they do not count
    the time other programs hold the processor; the minimum is the least disturbed run."""
    model.predict_on_batch(batch)  # the first call at a new length builds its graph
    times = []
    for _ in range(repeats):
        start = time.process_time()
        model.predict_on_batch(batch)
        times.append(time.process_time() - start)
    return min(times)


costs = []
for name, model in char_models.items():
    for n in contexts:
        batch = np.random.default_rng(n).integers(0, len(chars), (8, n))
        costs.append({"model": name, "context": n,
                      "microseconds per token": 1e6 * best_seconds(model, batch) / (8 * n)})
costs = pd.DataFrame(costs).pivot(index="context", columns="model",
                                  values="microseconds per token")
fig, ax = plt.subplots(figsize=(7, 4))
for name, style in [("Transformer", "s-"), ("GRU", "o-")]:
    ax.loglog(costs.index, costs[name], style, base=2, label=name)
ax.set(title="Cost of a forward pass per token as the context grows",
       xlabel="context length (tokens)", ylabel="CPU microseconds per token (best of 3)")
ax.legend();
display(costs.round(1))
growth = costs.iloc[-1] / costs.iloc[0]
print(f"per-token cost from {contexts[0]} to {contexts[-1]} tokens: Transformer x"
      f"{growth['Transformer']:.2f}, GRU x{growth['GRU']:.2f}")
helpers.claim("transformer_cost_grows_faster_than_gru",
              bool(growth["Transformer"] > growth["GRU"]), grading=False)

# %% [markdown]
# The Transformer's cost per token grows with the context (faster than the GRU's,
# claimed) because every token attends to every earlier one; the GRU's stays roughly
# flat, but its steps must run one after the other, which a parallel machine cannot
# speed up. Long-context Transformers fight that quadratic term (sparse, linear and
# flash attention); recurrent designs such as state-space models come back for the same
# reason.

# %% [markdown]
# ### Exercise 3 (2 points, graded by hand): what do attention plots show?
#
# Look at the alignment plots of section 1 and at the masks of section 2. In 4 to 8
# sentences: what does a row of an attention plot show, and why is the plot of the
# reversal task an anti-diagonal? What would the rows of a causal self-attention plot of
# the Transformer look like, and why? And what can an attention plot *not* tell you about
# why a model made a prediction?

# %% [markdown] exercise="answer:explain_attention_plots:2"
# ### BEGIN SOLUTION
# A row shows, for one output step (one query), the softmax weights over the input
# positions (the keys): how much of each encoder state went into the context vector used
# for that step; it sums to 1. Reversing puts output digit $t$ at input position
# $n - 1 - t$, so the weight of output step $t$ is concentrated on that position and the
# bright cells form an anti-diagonal; the end token looks at the start of the string. In
# the Transformer's causal self-attention, row $i$ is zero to the right of the diagonal
# (the mask forbids the future) and spreads its weight over positions $0..i$, often on
# the previous few characters and on spaces or line starts. But attention weights are
# not an explanation: they say what was mixed, not how much each input changed the output;
# the values are transformed before and after, several heads and layers combine, the
# residual path bypasses attention entirely, and different weights can give the same
# prediction (Jain and Wallace, 2019). To know what mattered, perturb the input (as the
# occlusion maps of notebook 05 do) or measure gradients.
# ### END SOLUTION

# %% [markdown]
# ## Closing note: the numbers of this run
#
# Every number stated above is asserted by a claim; the cell below prints what this run
# measured.

# %%
print(f"reversal, {MAX_LEN} digits: seq2seq {plain[MAX_LEN]:.3f}, with attention "
      f"{attended[MAX_LEN]:.3f} of output positions right")
print(f"numpy multi-head attention vs Keras: largest difference {mha_diff:.1e}")
print(f"largest softmax weight at d_k = 1024: unscaled "
      f"{unscaled.loc[1024, 'largest weight']:.3f}, scaled "
      f"{scaled_rows.loc[1024, 'largest weight']:.3f}")
print(f"{corpus.name}, {BUDGET:.0f} CPU seconds each: Transformer test loss "
      f"{losses['Transformer']:.3f}, GRU {losses['GRU']:.3f} (frequencies alone {unigram_loss:.3f})")
print(f"per-token cost, {contexts[0]} -> {contexts[-1]} tokens: Transformer "
      f"x{growth['Transformer']:.2f}, GRU x{growth['GRU']:.2f}")

# %% [markdown]
# ## Key takeaways
# - A seq2seq RNN passes the whole input through one context vector, and its accuracy falls with the input's length; attention lets each output step take a weighted average of all encoder states, and the accuracy stays high.
# - Scaled dot-product attention is $\mathrm{softmax}(QK^\top/\sqrt{d_k})V$; masks (True = may attend) hide padding and, for a decoder, the future; multi-head attention runs several on learned projections, and a few lines of numpy equal `keras.layers.MultiHeadAttention`.
# - Without the $1/\sqrt{d_k}$, scores grow with the key dimension and the softmax saturates, which kills its gradient.
# - A Transformer decoder is positional encoding plus blocks of causal self-attention and a feed-forward layer, each with layer normalization and a residual connection; at the same size and a few CPU seconds, on characters, a GRU can still beat it, as here.
# - Attention costs $n^2$ per layer for a context of $n$: per token it grows with the context, where a recurrence stays flat but runs step by step.
#
# ## Further reading
# - D. Bahdanau, K. Cho, Y. Bengio, *Neural machine translation by jointly learning to align and translate* (ICLR 2015), https://arxiv.org/abs/1409.0473
# - M.-T. Luong, H. Pham, C. Manning, *Effective approaches to attention-based neural machine translation* (EMNLP 2015), https://arxiv.org/abs/1508.04025
# - I. Sutskever, O. Vinyals, Q. Le, *Sequence to sequence learning with neural networks* (NeurIPS 2014), https://arxiv.org/abs/1409.3215
# - A. Vaswani et al., *Attention is all you need* (NeurIPS 2017), https://arxiv.org/abs/1706.03762
# - A. Zhang, Z. Lipton, M. Li, A. Smola, *Dive into Deep Learning*, chapters 10 and 11, https://d2l.ai
# - F. Chollet, *Deep Learning with Python*, 2nd edition, chapter 11 (Manning, 2021)
# - J. Alammar, *The illustrated Transformer* (2018), https://jalammar.github.io/illustrated-transformer/
# - S. Jain, B. Wallace, *Attention is not explanation* (NAACL 2019), https://arxiv.org/abs/1902.10186
# - Keras API: `MultiHeadAttention`, https://keras.io/api/layers/attention_layers/multi_head_attention/
