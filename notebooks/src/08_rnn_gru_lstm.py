# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 08 · Recurrent networks: SimpleRNN, GRU and LSTM
#
# {{colab_badge}}
#
# Text, sound and time series come as sequences, of any length. A **recurrent network**
# reads them one step at a time and carries a state from step to step, with the same
# weights at every step. Training it sends the gradient back through every one of those
# steps, where it tends to vanish or explode: this notebook measures both, tames the
# explosion with gradient clipping, builds the GRU cell in numpy and checks it against
# Keras, and compares SimpleRNN, GRU and LSTM on a task with a long-range dependency, on
# movie reviews and on generating text one character at a time.
#
# **What you will learn**
# - what a simple RNN computes, unrolled in time, and why training goes back through every step (backpropagation through time);
# - to measure vanishing and exploding gradients with `tf.GradientTape`, and to tame an exploding run with gradient clipping;
# - the GRU and LSTM equations, a GRU step in numpy that matches `keras.layers.GRU` exactly, and why the LSTM's forget gate starts with a bias of 1;
# - how SimpleRNN, GRU and LSTM compare, in accuracy and in seconds, on the adding problem and on movie-review sentences;
# - to generate text character by character, and what the sampling temperature does.
#
# **Prerequisites:** notebook 02 (backpropagation, `GradientTape`, the Keras APIs) and
# notebook 07 (text as sequences of token ids, embeddings).

# %%
# {{colab_install}}
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf
from IPython.display import display
from keras import layers
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import helpers
from helpers import data, scratch
from helpers.checks import rnn as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))
rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. A recurrent network, unrolled in time
#
# A simple RNN reads a sequence $x_1, x_2, \dots, x_T$ one vector at a time. At step $t$ it
# combines the new input with its previous **hidden state** $h_{t-1}$ (a vector of
# `units` numbers; $h_0 = 0$):
#
# $$ h_t = \tanh(W x_t + U h_{t-1} + b), \qquad \hat y_t = V h_t + c. $$
#
# The same $W$, $U$ and $b$ are used at every step: the network has as many weights for a
# sequence of 5 steps as for one of 5,000. Drawn with the loop on the left, it is compact;
# drawn **unrolled in time** on the right, it is a deep feed-forward network with one layer
# per step, whose layers all share their weights.
#
# Training unrolls it the same way. The loss $L = \sum_t L_t$ depends on $U$ through every
# step, so its gradient is a sum over all steps, and each term travels back from $L_t$
# through $h_t, h_{t-1}, \dots$ down to the step $k$ where $U$ was used: this is
# **backpropagation through time** (BPTT, the red arrows). By the chain rule,
#
# $$ \frac{\partial L_t}{\partial h_k} = \frac{\partial L_t}{\partial h_t}
#    \prod_{j=k+1}^{t} \frac{\partial h_j}{\partial h_{j-1}}, \qquad
#    \frac{\partial h_j}{\partial h_{j-1}} = \operatorname{diag}\!\left(1 - h_j^2\right) U, $$
#
# a product of $t - k$ matrices. Its size behaves roughly like
# $(\lVert \operatorname{diag}(1 - h^2)\rVert\, \lVert U \rVert)^{t-k}$: it **vanishes**
# exponentially when that factor is below 1, and can **explode** when it is above 1. Either
# way, an input 50 steps back hardly teaches the network anything, or wrecks it.

# %%
def box(ax, xy, text, colour):
    ax.add_patch(FancyBboxPatch((xy[0] - 0.32, xy[1] - 0.25), 0.64, 0.5,
                                boxstyle="round,pad=0.05", fc=colour, ec="k"))
    ax.text(*xy, text, ha="center", va="center", fontsize=12)


def arrow(ax, start, end, label="", colour="k", style="-", curve=0.0, shift=(0.12, 0.0)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=colour,
                                 ls=style, lw=1.5, connectionstyle=f"arc3,rad={curve}"))
    if label:
        middle = ((start[0] + end[0]) / 2 + shift[0], (start[1] + end[1]) / 2 + shift[1])
        ax.text(*middle, label, color=colour, fontsize=10, ha="left", va="center")


fig, ax = plt.subplots(figsize=(12, 4.4))
# Rolled: one cell and its loop.
box(ax, (0.6, 0), "$x_t$", "#dbe9f6")
box(ax, (0.6, 1.5), "$h_t$", "#fde0c5")
box(ax, (0.6, 3), "$\\hat y_t$", "#d9f0d3")
arrow(ax, (0.6, 0.3), (0.6, 1.2), "W")
arrow(ax, (0.6, 1.8), (0.6, 2.7), "V")
arrow(ax, (0.95, 1.65), (0.95, 1.35), "U", curve=-2.2, shift=(0.45, 0.0))
ax.text(1.75, 1.5, "=", fontsize=26, ha="center", va="center")
# Unrolled: one copy per step, the same W, U, V everywhere.
steps_x = [3.35, 5.1, 6.85, 8.6]
for t, x_pos in enumerate(steps_x, start=1):
    box(ax, (x_pos, 0), f"$x_{t}$", "#dbe9f6")
    box(ax, (x_pos, 1.5), f"$h_{t}$", "#fde0c5")
    box(ax, (x_pos, 3), f"$L_{t}$", "#d9f0d3")
    arrow(ax, (x_pos, 0.3), (x_pos, 1.2), "W")
    arrow(ax, (x_pos, 1.8), (x_pos, 2.7), "V")
    arrow(ax, (x_pos - 0.1, 2.7), (x_pos - 0.1, 1.8), colour="tab:red", style="--")
    if t == 1:
        ax.text(2.45, 1.55, "$h_0 = 0$", ha="center", va="center", fontsize=11)
        arrow(ax, (2.8, 1.55), (x_pos - 0.38, 1.55))
    else:
        previous = x_pos - 1.75
        arrow(ax, (previous + 0.38, 1.55), (x_pos - 0.38, 1.55), "U", shift=(-0.1, 0.17))
        arrow(ax, (x_pos - 0.38, 1.4), (previous + 0.38, 1.4), colour="tab:red", style="--",
              label="$\\partial L / \\partial h$", shift=(-0.3, -0.2))
ax.text(9.3, 1.5, "...", fontsize=18, va="center")
ax.text(5.9, -0.75, "forward: black;  backpropagation through time: red, from every loss "
        "back through all earlier steps", ha="center", fontsize=10)
ax.set(xlim=(0, 10), ylim=(-1, 3.5), title="A simple RNN, rolled (left) and unrolled in time "
       "(right): the same weights W, U, V at every step",
       xlabel="time step (left to right)", ylabel="input, state, loss")
ax.set_xticks([])
ax.set_yticks([])
ax.grid(False);

# %% [markdown]
# The unrolled network has one copy of the cell per time step, all with the same weights;
# the gradient of $L_4$ reaches $h_1$ only through $h_3$ and $h_2$, once per red arrow.
#
# Keras' `SimpleRNN` computes exactly the equation above. It stores the weights for row
# vectors (a batch of inputs is a matrix with one row per sequence), so its `kernel` is
# $W^\top$ (input dimension x units), its `recurrent_kernel` is $U^\top$ (units x units),
# and a step is `h = tanh(x_t @ kernel + h @ recurrent_kernel + bias)`. The loop below uses
# the layer's own weights and matches its output:

# %%
simple = layers.SimpleRNN(4, return_sequences=True)  # return h_t at every step, not only h_T
x_demo = rng.normal(size=(2, 6, 3)).astype("float32")  # 2 sequences, 6 steps, 3 features
keras_states = keras.ops.convert_to_numpy(simple(x_demo))
kernel, recurrent_kernel, bias = simple.get_weights()
h = np.zeros((2, 4))
numpy_states = []
for t in range(x_demo.shape[1]):
    h = np.tanh(x_demo[:, t] @ kernel + h @ recurrent_kernel + bias)
    numpy_states.append(h)
numpy_states = np.stack(numpy_states, axis=1)
print("kernel", kernel.shape, "| recurrent_kernel", recurrent_kernel.shape, "| bias", bias.shape)
print("states:", keras_states.shape, "(sequences, steps, units); largest difference from Keras:",
      f"{np.abs(numpy_states - keras_states).max():.1e}")
helpers.claim("simple_rnn_max_abs_diff", float(np.abs(numpy_states - keras_states).max()),
              at_most=1e-5)

# %% [markdown]
# ## 2. Vanishing and exploding gradients, measured
#
# To see how far back a gradient reaches, we need sequences and a loss. The **adding
# problem** (Hochreiter and Schmidhuber, 1997) is the classic test of long-range memory:
# each step has two features, a random value in $[0, 1)$ and a marker; exactly two steps
# are marked, one in each half of the sequence, and the target is the sum of the two
# marked values. The network has to remember the first marked value for up to a whole
# sequence length, while ignoring everything else. Predicting the average sum, 1, without
# looking at the inputs gives a mean squared error of $1/6 \approx 0.167$ (the variance of
# the sum of two uniform numbers): that is the score of a network that remembers nothing.

# %%
def adding_problem(n, steps, seed=0):
    """n sequences of `steps` steps: (value, marker) per step; target: sum of the 2 marked."""
    gen = np.random.default_rng(seed)
    values = gen.uniform(0, 1, size=(n, steps))
    marks = np.zeros((n, steps))
    rows = np.arange(n)
    marks[rows, gen.integers(0, steps // 2, n)] = 1  # one marker in the first half
    marks[rows, gen.integers(steps // 2, steps, n)] = 1  # and one in the second
    x = np.stack([values, marks], axis=-1).astype("float32")
    y = (values * marks).sum(axis=1, keepdims=True).astype("float32")
    return x, y


x_example, y_example = adding_problem(1, 30, seed=3)
fig, ax = plt.subplots(figsize=(10, 3))
marked = x_example[0, :, 1] == 1
ax.bar(np.arange(30), x_example[0, :, 0], color=np.where(marked, "tab:red", "tab:gray"))
for t in np.flatnonzero(marked):
    ax.annotate(f"marked: {x_example[0, t, 0]:.2f}", (t, x_example[0, t, 0]), ha="center",
                xytext=(0, 6), textcoords="offset points", color="tab:red")
ax.set(title=f"One sequence of the adding problem: target = {y_example[0, 0]:.2f}",
       xlabel="time step t", ylabel="value (feature 1)", ylim=(0, 1.25));

# %% [markdown]
# The two red bars are the marked steps; the target is their sum, and the grey values are
# noise that the network has to learn to ignore.
#
# Now the measurement. For an untrained recurrent layer followed by a `Dense(1)` output, we
# take the loss on a batch of 100-step sequences and ask `tf.GradientTape` for its
# gradient with respect to the **inputs** $x_t$ at every step. Its norm
# $\lVert \partial L / \partial x_t \rVert$ says how much a change at step $t$ can move the
# loss at the end, which is what the network needs in order to learn from that step. Left:
# a SimpleRNN whose recurrent weights $U$ are orthogonal (Keras' default) times a gain of
# 0.5, 1 or 2. Right: the three kinds of layer with Keras' default initial weights.

# %%
def input_gradient_norms(make_layer, x, y, seeds=(0, 1, 2)):
    """||dL/dx_t|| at every step t for a new `make_layer()` followed by a new Dense(1) head:
    the geometric mean over a few random initialisations, which differ a lot."""
    x = tf.constant(x, dtype="float64")  # float32 would round the smallest gradients to 0
    logs = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        rnn, head = make_layer(), layers.Dense(1, dtype="float64")
        with tf.GradientTape() as tape:
            tape.watch(x)  # x is a constant, not a weight: ask the tape to follow it
            loss = tf.reduce_mean((head(rnn(x)) - y) ** 2)
        grads = tape.gradient(loss, x).numpy()  # (sequences, steps, features)
        logs.append(np.log(np.sqrt((grads ** 2).sum(axis=(0, 2)))))
    return np.exp(np.mean(logs, axis=0))


steps_long = 100
x_long, y_long = adding_problem(64, steps_long, seed=1)
gain_norms, cell_norms = {}, {}
for gain in (0.5, 1.0, 2.0):
    gain_norms[f"U = orthogonal x {gain}"] = input_gradient_norms(
        lambda gain=gain: layers.SimpleRNN(
            32, recurrent_initializer=keras.initializers.Orthogonal(gain=gain), dtype="float64"),
        x_long, y_long)
for name, make_layer in [
        ("SimpleRNN", lambda: layers.SimpleRNN(32, dtype="float64")),
        ("GRU", lambda: layers.GRU(32, dtype="float64")),
        ("LSTM", lambda: layers.LSTM(32, dtype="float64")),
        ("LSTM, forget bias 0", lambda: layers.LSTM(32, unit_forget_bias=False, dtype="float64"))]:
    cell_norms[name] = input_gradient_norms(make_layer, x_long, y_long)

fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
styles = {"U = orthogonal x 0.5": ("tab:purple", "-"), "U = orthogonal x 1.0": ("tab:blue", "-"),
          "U = orthogonal x 2.0": ("tab:brown", "-"), "SimpleRNN": ("tab:blue", "-"),
          "GRU": ("tab:orange", "-"), "LSTM": ("tab:green", "-"),
          "LSTM, forget bias 0": ("tab:green", "--")}
for ax, norms, title in [(axes[0], gain_norms, "SimpleRNN: the size of U decides"),
                         (axes[1], cell_norms, "Keras' defaults, untrained")]:
    for name, values in norms.items():
        colour, style = styles[name]
        ax.semilogy(np.arange(steps_long), values, color=colour, ls=style, label=name)
    ax.set(title=title, xlabel="time step t of the input (the loss is computed at t = 99)",
           ylabel="gradient norm ||dL/dx_t|| (log scale)")
    ax.legend(fontsize=9)
fig.suptitle(f"How much the loss at the end feels each input: untrained layers, "
             f"{steps_long}-step sequences (geometric mean of 3 initialisations)")
fig.tight_layout()
for name, values in {**gain_norms, **cell_norms}.items():
    print(f"{name:22s} ||dL/dx_0|| / ||dL/dx_99|| = {values[0] / values[-1]:.1e}")
helpers.record("grad_ratio_simplernn", float(cell_norms["SimpleRNN"][0] / cell_norms["SimpleRNN"][-1]))
helpers.record("grad_ratio_gru", float(cell_norms["GRU"][0] / cell_norms["GRU"][-1]))
helpers.record("grad_ratio_lstm", float(cell_norms["LSTM"][0] / cell_norms["LSTM"][-1]))
# What the two panels show, as claims (ratio = ||dL/dx_0|| / ||dL/dx_99||; small = forgets).
ratio = {name: values[0] / values[-1] for name, values in {**gain_norms, **cell_norms}.items()}
helpers.claim("grad_ratio_gain_0_5", ratio["U = orthogonal x 0.5"], at_most=1e-20)
helpers.claim("grad_ratio_gain_2", ratio["U = orthogonal x 2.0"], at_least=10.0)
helpers.claim("untrained_gru_forgets_faster_than_simplernn",
              bool(ratio["GRU"] < ratio["SimpleRNN"]))
helpers.claim("untrained_lstm_forgets_faster_than_simplernn",
              bool(ratio["LSTM"] < ratio["SimpleRNN"]))
helpers.claim("forget_bias_0_forgets_faster_than_1",
              bool(ratio["LSTM, forget bias 0"] < ratio["LSTM"]))

# %% [markdown]
# On a log scale an exponential is a straight line. Left: with $U$ scaled by 0.5 the
# gradient falls by more than 20 orders of magnitude (claimed) on its way back over 100 steps (it
# **vanishes**; in float32 it would even round to exactly 0); scaled by 2 it grows the
# further back it goes (it **explodes**). Keras' default, an orthogonal $U$, sits in
# between, and the tanh's saturation ($1 - h^2 < 1$) still makes it shrink slowly.
# Right, a surprise: untrained, the GRU and the LSTM forget *faster* than the SimpleRNN.
# Their gates start half open: a GRU keeps about $z \approx 0.5$ of its state per step, an
# LSTM $f = \sigma(1) \approx 0.73$ with Keras' forget bias of 1 (section 5), or
# $\sigma(0) = 0.5$ without it, whose line (dashed) is steeper still (all three claimed
# under the cell). A forget bias of 1 slows the forgetting; it does not stop it. Gates do not
# keep gradients alive by themselves: they let the network *learn* to keep them, by
# opening a path that multiplies by a number close to 1. Section 6 measures the gradients
# again after training.

# %% [markdown]
# ## 3. Exploding gradients and gradient clipping
#
# A vanishing gradient slows learning down; an exploding one destroys it in a single step:
# the update $-\eta\, g$ is so large that the weights land anywhere, often at `inf` or `nan`.
# The remedy of Pascanu, Mikolov and Bengio (2013) is simple: **clip** the gradient before
# the step. Keras' optimizers do it for you:
#
# * `clipnorm=c`: each gradient tensor $g$ (one per weight) is rescaled to
#   $g \cdot c / \max(\lVert g \rVert, c)$: left alone if its norm is at most $c$, shrunk to
#   norm $c$ otherwise, **keeping its direction**;
# * `global_clipnorm=c`: the same with the norm of all the gradients together;
# * `clipvalue=c`: every element clipped to $[-c, c]$, which can change the direction.
#
# Here is an exploding run: a SimpleRNN with ReLU activations (which do not saturate) and
# recurrent weights $2 \times$ orthogonal, trained with plain SGD on the adding problem (30
# steps). We train it twice from the same initial weights, without and with
# `clipnorm=1.0`, recording the loss and the norm of the gradient (before clipping) at
# every step.

# %%
def exploding_model():
    return keras.Sequential([
        keras.Input((30, 2)),
        layers.SimpleRNN(16, activation="relu",
                         recurrent_initializer=keras.initializers.Orthogonal(gain=2.0)),
        layers.Dense(1)])


def train_by_steps(optimizer, steps=60, batch=32):
    """Per-step losses and gradient norms of the exploding model under `optimizer`."""
    keras.utils.set_random_seed(0)  # the same initial weights for both runs
    model = exploding_model()
    x, y = adding_problem(batch * steps, 30)
    losses, norms = [], []
    for step in range(steps):
        xb, yb = x[step * batch:(step + 1) * batch], y[step * batch:(step + 1) * batch]
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(xb) - yb) ** 2)
        grads = tape.gradient(loss, model.trainable_weights)
        losses.append(float(loss))
        norms.append(float(tf.linalg.global_norm(grads)))
        if not np.isfinite(losses[-1]):
            break
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))  # clips
    return np.array(losses), np.array(norms)


clip_steps = 30 if QUICK else 60
runs = {"SGD(0.01)": train_by_steps(keras.optimizers.SGD(0.01), clip_steps),
        "SGD(0.01, clipnorm=1.0)": train_by_steps(keras.optimizers.SGD(0.01, clipnorm=1.0),
                                                  clip_steps)}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for ax, column, what in [(axes[0], 0, "loss"), (axes[1], 1, "gradient norm")]:
    for (name, run), colour, size in zip(runs.items(), ["tab:red", "tab:blue"], [7, 3],
                                         strict=True):
        values = run[column]
        finite = np.isfinite(values)
        ax.semilogy(np.flatnonzero(finite), values[finite], "o-", ms=size, color=colour,
                    label=name, zorder=3 if colour == "tab:red" else 2)
        if not finite.all():  # where the unclipped run leaves the chart: inf or nan
            step = int(np.argmin(finite))
            ax.axvline(step, color=colour, ls=":", label=f"{name}: {what} {values[step]} "
                       f"at step {step}")
    ax.legend(fontsize=9)
axes[0].set(title="Training loss", xlabel="SGD step", ylabel="mean squared error (log scale)")
axes[1].set(title="Gradient norm before clipping", xlabel="SGD step",
            ylabel="||gradient|| (log scale)")
fig.suptitle("An exploding SimpleRNN (ReLU, U = 2 x orthogonal), without and with clipping")
fig.tight_layout()
unclipped, clipped = runs["SGD(0.01)"][0], runs["SGD(0.01, clipnorm=1.0)"][0]
print("without clipping: losses", np.array2string(unclipped, precision=3),
      "gradient norms", np.array2string(runs["SGD(0.01)"][1], precision=3))
print(f"with clipnorm=1.0: loss {clipped[0]:.3g} -> {clipped[-1]:.3g} after {len(clipped)} steps")
helpers.record("exploding_steps_until_nan", len(unclipped) if not np.isfinite(unclipped[-1])
               else -1)
helpers.record("clipped_final_loss", float(clipped[-1]))
helpers.claim("unclipped_run_diverges", bool(not np.isfinite(unclipped).all()))
helpers.claim("clipped_loss_ratio", float(clipped[-1] / clipped[0]), at_most=0.1)

# %% [markdown]
# Both runs start from the same weights and the same gradient, with a large norm (printed
# above). Without clipping, one SGD step with it throws the weights so far that the
# next loss is astronomically large, the next gradient overflows, and the loss becomes
# `nan` (the red line stops; the dotted line marks where). With `clipnorm=1.0` the
# gradients are just as large (right), but every step has a bounded size, and the loss
# comes down by at least a factor of 10 (claimed). Clipping does not make the network remember better; it keeps
# training alive so that it can learn.

# %% [markdown]
# ### Exercise 1 (2 points): clipping by the norm
#
# Write `my_clip_by_norm(grads, max_norm)`, what `clipnorm=max_norm` does to the gradients:
# `grads` is a list of numpy arrays (one per weight, of any shape); return a new list in
# which each array $g$ is replaced by $g \cdot c / \max(\lVert g \rVert, c)$, where
# $\lVert g \rVert$ is the norm of all its elements together and $c$ = `max_norm`. Don't
# change the arrays you are given. The check tries several lists, then trains this
# section's exploding network with your function in place of the optimizer's clipping.

# %% exercise="solution:ex_clip_by_norm"
def my_clip_by_norm(grads, max_norm):
    ### BEGIN SOLUTION
    clipped = []
    for g in grads:
        norm = np.sqrt(np.sum(np.square(g)))
        clipped.append(g * (max_norm / max(norm, max_norm)))
    return clipped
    ### END SOLUTION


# %% exercise="check:check_clip_by_norm:2"
check.clip_by_norm(my_clip_by_norm)
### BEGIN HIDDEN TESTS
check.clip_by_norm(my_clip_by_norm, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The GRU: a gated update
#
# The **gated recurrent unit** (Cho et al., 2014) computes a candidate state
# $\tilde h_t$ as a simple RNN would, but does not overwrite $h_{t-1}$ with it: an
# **update gate** $z_t \in (0, 1)$, computed from the input and the state, decides for
# every unit how much of the old state to keep, and a **reset gate** $r_t$ how much of
# the old state the candidate may look at. In Keras' convention:
#
# $$ \begin{aligned}
# z_t &= \sigma(W_z x_t + U_z h_{t-1} + b_z) && \text{update gate} \\
# r_t &= \sigma(W_r x_t + U_r h_{t-1} + b_r) && \text{reset gate} \\
# \tilde h_t &= \tanh\!\big(W_h x_t + r_t \odot (U_h h_{t-1} + b'_h) + b_h\big)
#   && \text{candidate} \\
# h_t &= z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t && \text{new state}
# \end{aligned} $$
#
# ($\sigma$ is the sigmoid, $\odot$ the elementwise product.) The last line is the key:
# $h_t$ is a **weighted average** of the old state and the candidate, so
# $\partial h_t / \partial h_{t-1}$ contains the term $\operatorname{diag}(z_t)$. Where the
# network learns $z_t \approx 1$ the state, and the gradient, pass through unchanged, step
# after step: nothing multiplies them by $U$ or by a tanh derivative. (This is Keras'
# convention and Cho et al.'s own, 2014, eq. 7. Chung et al., 2014, and Olah's widely read
# post write the last line with $z$ and $1 - z$ swapped: the same model with the gate's
# meaning flipped.)
#
# Keras stores the three parts side by side in gate order **z, r, h**: `kernel` has shape
# (input dimension, 3 x units) with $W_z^\top$, $W_r^\top$, $W_h^\top$ as column blocks,
# `recurrent_kernel` (units, 3 x units) the same for $U$. With `reset_after=True` (the
# default, what cuDNN computes, and, as Keras' docstring says, the variant of the first
# arXiv version of Cho et al.'s paper), the reset gate multiplies $U_h h_{t-1} + b'_h$ *after*
# the matrix product, and the bias has shape (2, 3 x units): row 0 the input biases $b$,
# row 1 the recurrent biases $b'$ (added to $U h_{t-1}$ in all three parts). With
# `reset_after=False` (the paper's later version, arXiv v3), the candidate is
# $\tanh(W_h x_t + U_h (r_t \odot h_{t-1}) + b_h)$ and there is one bias of shape
# (3 x units,).
#
# `helpers.scratch.gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)`
# implements both in numpy. Run step by step over a sequence with the weights of a Keras
# `GRU` layer, it gives the layer's own outputs:

# %%
x_seq = rng.normal(size=(3, 8, 2)).astype("float32")  # 3 sequences, 8 steps, 2 features
rows = []
for reset_after in (True, False):
    gru = layers.GRU(4, reset_after=reset_after, return_sequences=True)
    gru.build((None, None, 2))
    kernel, recurrent_kernel, bias = gru.get_weights()
    # Keras starts with a zero bias, which would hide a bias added in the wrong place.
    bias = rng.normal(0.0, 0.5, size=bias.shape).astype("float32")
    gru.set_weights([kernel, recurrent_kernel, bias])
    keras_states = keras.ops.convert_to_numpy(gru(x_seq))
    h = np.zeros((3, 4))
    ours = []
    for t in range(x_seq.shape[1]):
        h = scratch.gru_cell(x_seq[:, t], h, kernel, recurrent_kernel, bias, reset_after)
        ours.append(h)
    rows.append({"reset_after": reset_after, "kernel": kernel.shape,
                 "recurrent_kernel": recurrent_kernel.shape, "bias": bias.shape,
                 "max |numpy - Keras| over 8 steps": np.abs(np.stack(ours, 1) - keras_states).max()})
gru_table = pd.DataFrame(rows)
display(gru_table)
gru_max_abs_diff = float(gru_table["max |numpy - Keras| over 8 steps"].max())
helpers.claim("gru_max_abs_diff", gru_max_abs_diff, at_most=1e-5)

# %% [markdown]
# Differences below the asserted $10^{-5}$ (the table has them), the rounding of float32: the numpy step computes what
# Keras computes, for both settings. The two settings are different models, though: the
# same weights give different states.

# %% [markdown]
# ### Exercise 2 (3 points): a GRU step in numpy
#
# Write `my_gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias)`: one step of
# `keras.layers.GRU` with `reset_after=True`, following the four equations above, with the
# weights in Keras' layout. `x_t` is a batch of inputs (batch, input dimension), `h_prev`
# the previous states (batch, units), `kernel` (input dimension, 3 x units),
# `recurrent_kernel` (units, 3 x units) and `bias` (2, 3 x units); return the new states,
# (batch, units). With row vectors, $W_z x_t$ becomes `x_t @ kernel[:, :units]`. Don't call
# `scratch.gru_cell` (it is what the check compares with).

# %% exercise="solution:ex_gru_cell"
def my_gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias):
    ### BEGIN SOLUTION
    units = h_prev.shape[-1]
    from_input = x_t @ kernel + bias[0]  # the three parts side by side: z | r | h
    from_state = h_prev @ recurrent_kernel + bias[1]
    z = 1 / (1 + np.exp(-(from_input[:, :units] + from_state[:, :units])))
    r = 1 / (1 + np.exp(-(from_input[:, units:2 * units] + from_state[:, units:2 * units])))
    candidate = np.tanh(from_input[:, 2 * units:] + r * from_state[:, 2 * units:])
    return z * h_prev + (1 - z) * candidate
    ### END SOLUTION


# %% exercise="check:check_gru_cell:3"
check.gru_step(my_gru_cell)
### BEGIN HIDDEN TESTS
check.gru_step(my_gru_cell, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. The LSTM and its forget-gate bias
#
# The **long short-term memory** (Hochreiter and Schmidhuber, 1997; with the forget gate
# of Gers et al., 2000) keeps two states: a **cell** $c_t$, the memory, and an output
# $h_t$. Three gates decide what to forget, what to write and what to show:
#
# $$ \begin{aligned}
# i_t &= \sigma(W_i x_t + U_i h_{t-1} + b_i), \quad
# f_t = \sigma(W_f x_t + U_f h_{t-1} + b_f), \quad
# o_t = \sigma(W_o x_t + U_o h_{t-1} + b_o) \\
# \tilde c_t &= \tanh(W_c x_t + U_c h_{t-1} + b_c) \\
# c_t &= f_t \odot c_{t-1} + i_t \odot \tilde c_t, \qquad h_t = o_t \odot \tanh(c_t)
# \end{aligned} $$
#
# The cell is updated by *addition*: $\partial c_t / \partial c_{t-1}$ contains
# $\operatorname{diag}(f_t)$, so the gradient flows back along the cells multiplied only by
# the forget gates, the "constant error carousel". After $k$ steps it has been multiplied by
# about $f^k$. A forget gate that starts at $\sigma(0) = 0.5$ halves the memory at every
# step: $0.5^{20} \approx 10^{-6}$. This is why Keras initialises the forget gate's bias
# to 1 (`unit_forget_bias=True`, the default, as recommended by Jozefowicz et al., 2015):
# $\sigma(1) \approx 0.73$ keeps far more, and the network can learn to push it towards 1.
# Keras stores the four parts in the order **i, f, c, o**; here are the initial biases of
# an `LSTM(3)`, with and without `unit_forget_bias`:

# %%
gate_names = ["input gate i", "forget gate f", "candidate c~", "output gate o"]
biases = {}
for forget_bias in (True, False):
    lstm = layers.LSTM(3, unit_forget_bias=forget_bias)
    lstm.build((None, None, 2))
    kernel, recurrent_kernel, bias = lstm.get_weights()
    biases[f"unit_forget_bias={forget_bias}"] = pd.DataFrame(
        bias.reshape(4, 3), index=gate_names, columns=[f"unit {j}" for j in range(3)])
print(f"kernel {kernel.shape}, recurrent_kernel {recurrent_kernel.shape}, bias {bias.shape}: "
      "4 parts of 3 units")
display(pd.concat(biases, axis=1))
for b_f in (0.0, 1.0, 3.0):
    f = float(scratch.sigmoid(np.array(b_f)))
    print(f"forget bias {b_f:.0f}: f = sigmoid({b_f:.0f}) = {f:.2f}; kept after 10, 20, 30, 100 steps: "
          + ", ".join(f"{f ** k:.0e}" for k in (10, 20, 30, 100)))

# %% [markdown]
# Only the forget gate's row is 1, and only with `unit_forget_bias=True`; every other bias
# starts at 0. The printout shows why it matters: before any training, an LSTM with a
# forget bias of 0 keeps a millionth of its memory after 20 steps, with a bias of 1 it keeps
# 0.2%, which a gradient can still work with (the right panel of section 2 shows the two
# slopes). A bias of 1 slows the forgetting at the start; it does not make an untrained LSTM
# remember (section 2: it still forgets faster than an untrained SimpleRNN).

# %% [markdown]
# ## 6. SimpleRNN, GRU and LSTM compared
#
# ### The adding problem
#
# Each layer, with 16 units and a `Dense(1)` output, is trained with Adam on the adding
# problem with 30-step sequences, from the same seed, and tested on new sequences. A mean
# squared error near $0.167$ means that the network remembers nothing; near 0, that it
# adds the two marked numbers.

# %%
adding_steps = 30
n_adding = 1500 if QUICK else 3000
adding_epochs = 4 if QUICK else 8
x_add, y_add = adding_problem(n_adding, adding_steps, seed=10)
x_add_test, y_add_test = adding_problem(1000, adding_steps, seed=11)
kinds = {"SimpleRNN": layers.SimpleRNN, "GRU": layers.GRU, "LSTM": layers.LSTM}
adding_models, adding_rows, adding_histories = {}, [], {}
for name, kind in kinds.items():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((adding_steps, 2)), kind(16), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    start = time.perf_counter()
    history = model.fit(x_add, y_add, batch_size=32, epochs=adding_epochs, verbose=0)
    seconds = time.perf_counter() - start
    mse = model.evaluate(x_add_test, y_add_test, verbose=0)
    adding_models[name], adding_histories[name] = model, history.history["loss"]
    adding_rows.append({"layer": name, "parameters": model.count_params(),
                        "adding: test MSE": mse, "adding: seconds": seconds})
    print(f"{name:9s} test MSE {mse:.4f} ({seconds:.1f} s)", flush=True)
print(f"predicting the mean: MSE {np.var(y_add_test):.4f}")
mse_of = {row["layer"]: row["adding: test MSE"] for row in adding_rows}
# "Solved by the GRU and the LSTM, not by the SimpleRNN" (predicting the mean: about 0.167).
helpers.claim("adding_mse_simplernn", mse_of["SimpleRNN"], at_least=0.1)
# A grading run's 4 epochs on half the sequences are too few for the gates to learn it.
helpers.claim("adding_mse_gru", mse_of["GRU"], at_most=0.05, grading=False)
helpers.claim("adding_mse_lstm", mse_of["LSTM"], at_most=0.05, grading=False)

fig, ax = plt.subplots(figsize=(7, 3.8))
for name, losses in adding_histories.items():
    ax.semilogy(np.arange(1, len(losses) + 1), losses, "o-", label=name)
ax.axhline(np.var(y_add_test), color="k", ls="--", lw=1, label="predicting the mean")
ax.set(title=f"The adding problem, {adding_steps} steps: training loss",
       xlabel="epoch", ylabel="mean squared error (log scale)")
ax.legend();

# %% [markdown]
# In this run (the claims above check the test errors) the SimpleRNN's loss stays near the
# level of predicting the mean: it does not find the connection between a marker and the
# target 20 steps later. The GRU and the LSTM may sit there too for an epoch or a few, then
# their loss drops far below it: they have learned to store the first marked value and
# keep it.
#
# What changed inside? We measure the gradient again, for the trained models and new
# test sequences. A trained model's loss is small, and so is its gradient everywhere;
# what travels back through time is the other factor of
# $\partial L / \partial x_t = \partial L / \partial \hat y \cdot \partial \hat y / \partial x_t$,
# so we plot $\lVert \partial \hat y / \partial x_t \rVert$: how much the prediction
# depends on the input at step $t$.

# %%
def output_gradient_norms(model, x):
    """||d y_hat / d x_t|| at every step t (summed over the batch's predictions)."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x))
    grads = tape.gradient(total, x).numpy()
    return np.sqrt((grads ** 2).sum(axis=(0, 2)))


fig, ax = plt.subplots(figsize=(7, 3.8))
trained_norms = {name: output_gradient_norms(model, x_add_test[:200])
                 for name, model in adding_models.items()}
for name, values in trained_norms.items():
    ax.semilogy(np.arange(adding_steps), values, "o-", ms=3, label=f"{name}, trained")
ax.set(title="After training: how much the prediction depends on each step",
       xlabel="time step t of the input", ylabel="||d prediction / dx_t|| (log scale)")
ax.legend()
for name, values in trained_norms.items():
    print(f"{name:9s} ||dy/dx_0|| / ||dy/dx_29|| = {values[0] / values[-1]:.1e}")
trained_ratio = {name: values[0] / values[-1] for name, values in trained_norms.items()}
helpers.claim("trained_grad_ratio_gru", trained_ratio["GRU"], at_least=0.1, grading=False)
helpers.claim("trained_grad_ratio_simplernn", trained_ratio["SimpleRNN"], at_most=0.01,
              grading=False)

# %% [markdown]
# After training the GRU's and the LSTM's lines are about flat (the GRU's first-to-last ratio
# is claimed above 0.1): the first steps of the sequence matter about as much as the last ones, because the gates have learned to hold the state (and so
# the gradient) steady. The SimpleRNN's line still falls by orders of magnitude towards the
# start (claimed: its ratio is below 0.01): the early inputs barely reach its prediction, so it cannot learn to use them.
#
# ### Movie-review sentences
#
# The second task is closer to practice: the sentiment of single sentences from movie
# reviews, whose dependencies are short. Each sentence becomes a sequence of word ids
# (`TextVectorization` with its default standardisation, which, unlike notebook 07's, also
# strips punctuation, and a vocabulary cut at the 10,000 most frequent words), then an `Embedding` of 32 dimensions with
# `mask_zero=True` (the recurrent layer skips the padding), the recurrent layer with 32
# units, and a sigmoid output.

# %%
reviews = data.load("sentence_polarity", n_train=4000 if QUICK else None)
print(f"{reviews.name}: {len(reviews.x_train):,} training and {len(reviews.x_test):,} test "
      f"sentences; classes {reviews.class_names}")
print("example:", reviews.x_train[0], "->", reviews.class_names[reviews.y_train[0]])
max_words, max_len = 10000, 40
vectorize = layers.TextVectorization(max_tokens=max_words, output_sequence_length=max_len)
vectorize.adapt(reviews.x_train)
ids_train = keras.ops.convert_to_numpy(vectorize(reviews.x_train))
ids_test = keras.ops.convert_to_numpy(vectorize(reviews.x_test))
review_epochs = 1
for row, (name, kind) in zip(adding_rows, kinds.items(), strict=True):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((max_len,), dtype="int32"),
        layers.Embedding(max_words, 32, mask_zero=True),
        kind(32),
        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(ids_train, reviews.y_train, batch_size=64, epochs=review_epochs, verbose=0)
    row["reviews: seconds"] = time.perf_counter() - start
    row["reviews: test accuracy"] = model.evaluate(ids_test, reviews.y_test, verbose=0)[1]
    print(f"{name:9s} test accuracy {row['reviews: test accuracy']:.3f} "
          f"({row['reviews: seconds']:.1f} s)", flush=True)

comparison = pd.DataFrame(adding_rows).set_index("layer")
display(comparison.round(4))
for name in kinds:
    key = name.lower()
    helpers.record(f"adding_mse_{key}", comparison.loc[name, "adding: test MSE"])
    helpers.record(f"adding_seconds_{key}", round(comparison.loc[name, "adding: seconds"], 1))
    helpers.record(f"reviews_accuracy_{key}", comparison.loc[name, "reviews: test accuracy"])
    helpers.record(f"reviews_seconds_{key}", round(comparison.loc[name, "reviews: seconds"], 1))
review_accuracies = comparison["reviews: test accuracy"]
helpers.claim("reviews_accuracy_worst_layer", review_accuracies.min(), at_least=0.6,
              tiers=("canonical",), grading=False)
helpers.claim("reviews_accuracy_spread", review_accuracies.max() - review_accuracies.min(),
              at_most=0.1, tiers=("canonical",), grading=False)

# %% [markdown]
# On the adding problem the gates make all the difference. On the sentences the three are
# much closer (on MR, within 10 points of each other, claimed): the words that decide a sentence's sentiment are rarely far from its end,
# and with a test set of about a thousand sentences (a few dozen on the offline stand-in),
# differences of a few points are within the noise. The seconds show the price of the
# gates: a GRU has 3 times the weights of a SimpleRNN of the same size and computes 3
# matrix products per step instead of 1, an LSTM 4. With layers this small much of the
# time is overhead, so the measured gap is smaller than that. (Times are wall-clock and
# depend on what else the machine is doing.)

# %% [markdown]
# ### Exercise 3 (2 points, graded by hand): why do gates keep gradients alive?
#
# In 4 to 8 sentences, using the equations of sections 1, 4 and 5 and the plots of
# sections 2 and 6: why does the gradient of a simple RNN vanish (or explode) over many
# steps, and what in the GRU's and the LSTM's equations lets it survive? Why did the
# untrained GRU and LSTM nevertheless forget faster than the SimpleRNN in section 2?

# %% [markdown] exercise="answer:explain_gates:2"
# ### BEGIN SOLUTION
# In a simple RNN every step multiplies the gradient by the Jacobian
# $\partial h_t / \partial h_{t-1} = \operatorname{diag}(1 - h_t^2)\, U$, so going back $k$
# steps multiplies it by $k$ such matrices: it shrinks exponentially when their size is
# below 1 (tanh saturation makes $1 - h^2$ small) and grows exponentially above 1, as the
# left plot of section 2 shows. The GRU's new state is a weighted average,
# $h_t = z_t h_{t-1} + (1 - z_t) \tilde h_t$, and the LSTM's cell a sum,
# $c_t = f_t c_{t-1} + i_t \tilde c_t$: both contain a direct path from the old state to the
# new one that is multiplied only by a gate ($z_t$ or $f_t$), not by $U$ or a tanh
# derivative. When the network learns to set that gate close to 1, the state and the
# gradient pass through many steps almost unchanged, and the gradient also cannot explode
# along that path because the gate is below 1. Untrained, the gates are not close to 1:
# $z \approx 0.5$ in the GRU and $f \approx \sigma(1) = 0.73$ in the LSTM, so each step
# multiplies by about 0.5 or 0.73, faster decay than the SimpleRNN's orthogonal $U$. Gates
# make remembering learnable rather than automatic: after training on the adding problem
# (section 6) the GRU's and LSTM's gradients were flat over all 30 steps, the SimpleRNN's
# still fell by orders of magnitude.
# ### END SOLUTION

# %% [markdown]
# ## 7. Generating text one character at a time
#
# A recurrent network can also *write*. Trained to predict the next character of a text
# from all the previous ones, it outputs at every step a score (a logit) for each of the
# characters of the vocabulary; softmax turns the scores into probabilities. To generate,
# we give it a start, draw the next character from those probabilities, feed it back in,
# and repeat (Karpathy, 2015). Here the text is:

# %%
corpus = data.load("tinyshakespeare", n_chars=60_000 if QUICK else 250_000)
print(corpus.description.split(";")[0])
train_text, test_text = corpus.x_train[0], corpus.x_test[0][:20_000]
chars = corpus.extras["chars"]
char_to_id = {c: i for i, c in enumerate(chars)}
print(f"{corpus.name}: {len(train_text):,} training characters, {len(chars)} distinct:",
      repr("".join(chars)))
print(repr(train_text[:250]))

# %% [markdown]
# The training text is cut into sequences of 100 characters; the target of each is the
# same sequence shifted by one, so that the model learns to predict every next character
# at once (`return_sequences=True`). The model is an `Embedding` of 32 dimensions, a `GRU`
# with 128 units and a `Dense` layer with one logit per character.

# %%
def to_sequences(text, length=100):
    ids = np.array([char_to_id[c] for c in text])
    n = (len(ids) - 1) // length
    return ids[:n * length].reshape(n, length), ids[1:n * length + 1].reshape(n, length)


x_chars, y_chars = to_sequences(train_text)
x_chars_test, y_chars_test = to_sequences(test_text)
keras.utils.set_random_seed(0)
char_model = keras.Sequential([
    keras.Input((None,), dtype="int32"),  # any length: 100 to train, 1 at a time to write
    layers.Embedding(len(chars), 32),
    layers.GRU(128, return_sequences=True),
    layers.Dense(len(chars))])  # logits: the softmax is in the loss, and in the sampling
char_model.compile(optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"],
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
start = time.perf_counter()
char_history = char_model.fit(x_chars, y_chars, batch_size=64, epochs=1 if QUICK else 3,
                              verbose=2)
char_seconds = time.perf_counter() - start
char_loss, char_accuracy = char_model.evaluate(x_chars_test, y_chars_test, verbose=0)
print(f"{len(x_chars):,} sequences in {char_seconds:.0f} s; on the test text: loss "
      f"{char_loss:.2f}, next character right {char_accuracy:.1%} of the time "
      f"(always guessing the most frequent character: "
      f"{np.mean(y_chars_test == np.bincount(y_chars.ravel()).argmax()):.1%})")
helpers.record("char_test_loss", char_loss)
majority_accuracy = np.mean(y_chars_test == np.bincount(y_chars.ravel()).argmax())
helpers.claim("char_test_accuracy_over_majority", char_accuracy - majority_accuracy,
              at_least=0.05 if QUICK else 0.1)
helpers.record("char_seconds", round(char_seconds, 1))

# %% [markdown]
# ### Sampling with a temperature
#
# Always taking the most likely character makes a network repeat itself ("the the the").
# Drawing at random from the predicted probabilities is better, and a **temperature** $T$
# controls how adventurous the draws are. The logits $l_i$ are divided by $T$ before the
# softmax:
#
# $$ p_i = \frac{\exp(l_i / T)}{\sum_j \exp(l_j / T)}. $$
#
# $T = 1$ gives the model's own probabilities; $T < 1$ sharpens them towards the most
# likely character (safer, more repetitive text); $T > 1$ flattens them towards uniform
# (more surprising text, and more spelling mistakes). Here is the distribution of the next
# character after a start taken from the test text, at three temperatures:

# %%
start_at = test_text.find("\n") + 1
prompt = test_text[start_at:start_at + 60]
prompt_logits = keras.ops.convert_to_numpy(
    char_model(np.array([[char_to_id[c] for c in prompt]])))[0, -1]
top = np.argsort(prompt_logits)[::-1][:12]
fig, ax = plt.subplots(figsize=(10, 3.6))
width = 0.27
for k, temperature in enumerate((0.5, 1.0, 2.0)):
    probs = scratch.temperature_softmax(prompt_logits, temperature)
    ax.bar(np.arange(len(top)) + (k - 1) * width, probs[top], width, label=f"T = {temperature}")
ax.set_xticks(np.arange(len(top)), [repr(chars[i]) for i in top])
ax.set(title=f"Next character after ...{prompt[-25:]!r}",
       xlabel="the 12 most likely next characters", ylabel="probability")
ax.legend();

# %% [markdown]
# At $T = 0.5$ almost all the probability goes to the few favourites; at $T = 2$ the bars
# are much more even, so that unlikely characters get drawn too.

# %% [markdown]
# ### Exercise 4 (3 points): temperature sampling
#
# Write two functions in numpy:
#
# * `my_temperature_probs(logits, temperature)`: the probabilities $p_i$ above for a 1-D
#   array of logits. Logits can be large (1000), and `np.exp(1000)` overflows to `inf`:
#   subtract the largest scaled logit first, which does not change the softmax.
# * `my_sample(logits, temperature, rng)`: one index drawn with those probabilities, as a
#   Python `int`, using the numpy random generator `rng` that is passed in (for example
#   `rng.choice`), so that the same seed gives the same text.

# %% exercise="solution:ex_temperature"
def my_temperature_probs(logits, temperature):
    ### BEGIN SOLUTION
    scaled = np.asarray(logits, dtype=float) / temperature
    weights = np.exp(scaled - scaled.max())
    return weights / weights.sum()
    ### END SOLUTION


def my_sample(logits, temperature, rng):
    ### BEGIN SOLUTION
    probs = my_temperature_probs(logits, temperature)
    return int(rng.choice(len(probs), p=probs))
    ### END SOLUTION


# %% exercise="check:check_temperature:3"
check.temperature_sampling(my_temperature_probs, my_sample)
### BEGIN HIDDEN TESTS
check.temperature_sampling(my_temperature_probs, my_sample, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Writing with the GRU, in numpy
#
# To write, the model runs one step at a time and carries its state from one character to
# the next. Calling Keras once per character would be slow; but section 4 built the GRU
# step in numpy, and with the trained layer's weights `scratch.gru_cell` computes the same
# states. First we check that the numpy model gives Keras' logits for the prompt, then we
# generate 400 characters at two temperatures (with `scratch.temperature_softmax`, the
# reference version of exercise 4).

# %%
embedding_matrix = char_model.layers[0].get_weights()[0]
gru_kernel, gru_recurrent, gru_bias = char_model.layers[1].get_weights()
dense_kernel, dense_bias = char_model.layers[2].get_weights()


def numpy_step(char, state):
    """Feed one character to the trained model in numpy: the new state and the logits."""
    state = scratch.gru_cell(embedding_matrix[char_to_id[char]], state, gru_kernel,
                             gru_recurrent, gru_bias)
    return state, state @ dense_kernel + dense_bias


state = np.zeros(gru_recurrent.shape[0])
for c in prompt:
    state, logits = numpy_step(c, state)
char_numpy_diff = float(np.abs(logits - prompt_logits).max())
print(f"largest difference between numpy and Keras logits after the prompt: {char_numpy_diff:.1e}")
helpers.claim("char_numpy_keras_max_diff", char_numpy_diff, at_most=1e-3)


def generate(prompt, temperature, length=400, seed=0):
    gen = np.random.default_rng(seed)
    state, text = np.zeros(gru_recurrent.shape[0]), prompt
    for c in prompt:
        state, logits = numpy_step(c, state)
    for _ in range(length):
        probs = scratch.temperature_softmax(logits, temperature)
        text += chars[gen.choice(len(chars), p=probs)]
        state, logits = numpy_step(text[-1], state)
    return text


for temperature in (0.5, 1.0):
    print(f"---------- temperature {temperature} (the prompt is the first 60 characters)")
    print(generate(prompt, temperature))

# %% [markdown]
# After this short training (the cell above printed how long) the network has learned the *form* of its text: words
# of plausible length separated by spaces, frequent short words spelled right, punctuation
# and line breaks where they belong (on Tiny Shakespeare: speaker names in capitals followed
# by a colon, then verse lines). At $T = 0.5$ the text is tamer and more repetitive; at
# $T = 1$ it is more varied and has more invented words. Meaning needs far more training,
# data and units (Karpathy's models train for hours on a GPU).

# %% [markdown]
# ## Key takeaways
# - A recurrent layer applies the same cell at every step, $h_t = \tanh(W x_t + U h_{t-1} + b)$ for a SimpleRNN; training unrolls it and sends the gradient back through every step (BPTT).
# - The gradient to an input $k$ steps back is a product of $k$ Jacobians: it vanishes or explodes exponentially, as the measured gradients on a log scale show.
# - Gradient clipping (`clipnorm`, `global_clipnorm`, `clipvalue` on any Keras optimizer) bounds every update and turns an exploding run into a training one.
# - GRU and LSTM update their state by a gated sum, $h_t = z h_{t-1} + (1 - z) \tilde h$ and $c_t = f c_{t-1} + i \tilde c$: with gates near 1 state and gradient survive many steps. They learn to remember (adding problem: solved by both, not by the SimpleRNN, as claimed), at 3 to 4 times the arithmetic per step; the LSTM's forget bias starts at 1, which slows its forgetting before training ($f \approx 0.73$ instead of 0.5) but does not make it remember: untrained, it still forgets faster than a SimpleRNN.
# - A character-level GRU learns the form of a text in a short training run; the temperature trades safe, repetitive samples ($T < 1$) for varied, error-prone ones ($T > 1$).
#
# ## Further reading
# - I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, chapter 10 "Sequence Modeling: Recurrent and Recursive Nets", https://www.deeplearningbook.org/contents/rnn.html
# - Y. Bengio, P. Simard, P. Frasconi, *Learning long-term dependencies with gradient descent is difficult*, IEEE Trans. Neural Networks (1994)
# - R. Pascanu, T. Mikolov, Y. Bengio, *On the difficulty of training recurrent neural networks* (ICML 2013), https://arxiv.org/abs/1211.5063
# - S. Hochreiter, J. Schmidhuber, *Long short-term memory*, Neural Computation (1997); F. Gers, J. Schmidhuber, F. Cummins, *Learning to forget* (2000)
# - K. Cho et al., *Learning phrase representations using RNN encoder-decoder for statistical machine translation* (2014), https://arxiv.org/abs/1406.1078; J. Chung et al., *Empirical evaluation of gated recurrent neural networks on sequence modeling* (2014), https://arxiv.org/abs/1412.3555
# - R. Jozefowicz, W. Zaremba, I. Sutskever, *An empirical exploration of recurrent network architectures* (ICML 2015)
# - C. Olah, *Understanding LSTM networks* (2015), https://colah.github.io/posts/2015-08-Understanding-LSTMs/
# - A. Karpathy, *The unreasonable effectiveness of recurrent neural networks* (2015), https://karpathy.github.io/2015/05/21/rnn-effectiveness/
# - Keras guide: *Working with RNNs*, https://keras.io/guides/working_with_rnns/
