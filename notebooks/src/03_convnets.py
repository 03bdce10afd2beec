# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 03 · Convolutional networks
#
# {{colab_badge}}
#
# A dense layer connects every pixel to every unit, so it has to learn separately that
# an edge at the top left and an edge at the bottom right are both edges. A **convolution**
# slides one small kernel over the whole image instead: few weights, shared across
# positions, looking at a small neighbourhood at a time. Stacked with pooling, these layers
# see larger and larger parts of the image. This notebook computes convolutions by hand,
# checks them against Keras, and trains a CNN that classifies clothes.
#
# **What you will learn**
# - what `Conv2D` and `MaxPooling2D` compute, with stride and padding, by hand and checked against Keras;
# - how far a unit two or three layers up sees: its receptive field;
# - to build a CNN with the Sequential and the Functional API, and train it past 85% on Fashion-MNIST in one epoch;
# - what the first layer's kernels and feature maps look like;
# - what batch normalization, dropout, data augmentation, early stopping and a learning-rate schedule do, measured.
#
# **Prerequisites:** notebook 02 (dense layers, the Sequential and Functional APIs,
# `fit`/`evaluate`); numpy slicing.

# %%
# {{colab_install}}
import math
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from keras import layers
from matplotlib.patches import Rectangle

import helpers
from helpers import data, scratch
from helpers.checks import convnets as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))

# %% [markdown]
# ## 1. A kernel slides over the image
#
# A convolution layer computes, for every position $(r, c)$ of the output, the weighted
# sum of the image patch under a small **kernel** $K$ of size $k_h \times k_w$:
#
# $$ S[r, c] = \sum_{i=0}^{k_h - 1} \sum_{j=0}^{k_w - 1} I[r + i,\, c + j]\; K[i, j]. $$
#
# Strictly speaking this is a *cross-correlation*: the convolution of mathematics flips
# the kernel first ($K[-i, -j]$). Deep learning libraries, Keras included, do not flip,
# and since the kernel is learned the difference does not matter; but it matters when you
# compare numbers. The result $S$ is a **feature map**: it is large where the image looks
# like the kernel. Here is the lecture's example: a 5x5 binary image and a 3x3 kernel
# shaped like an X.

# %%
image = np.array([[1, 1, 1, 0, 0],
                  [0, 1, 1, 1, 0],
                  [0, 0, 1, 1, 1],
                  [0, 0, 1, 1, 0],
                  [0, 1, 1, 0, 0]])
kernel = np.array([[1, 0, 1],
                   [0, 1, 0],
                   [1, 0, 1]])
feature_map = scratch.conv2d(image, kernel)
print(feature_map.astype(int))


# %% [markdown]
# The kernel fits in 3 x 3 positions of the 5 x 5 image, so the feature map is 3 x 3. The
# picture shows the nine steps: the kernel (red frame, its weights in small print) over the
# image, and the feature map filling in, one number per position.

# %%
def draw_numbers(ax, values, *, cmap="Blues", vmin=0.0, vmax=None, fmt="{:.0f}", size=9):
    """Show a small matrix as coloured cells with their values written in."""
    values = np.asarray(values, dtype=float)
    vmax = np.nanmax(values) if vmax is None else vmax
    ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    for (r, c), v in np.ndenumerate(values):
        if not np.isnan(v):
            dark = (v - vmin) > 0.6 * (vmax - vmin)  # white text stays readable on dark cells
            ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=size,
                    color="white" if dark else "black")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


fig, axes = plt.subplots(3, 6, figsize=(12, 6.6))
for (r, c), value in np.ndenumerate(feature_map):
    ax_image, ax_map = axes[r, 2 * c], axes[r, 2 * c + 1]
    draw_numbers(ax_image, image, vmax=2)
    ax_image.add_patch(Rectangle((c - 0.5, r - 0.5), 3, 3, fill=False, ec="red", lw=2.5))
    for (i, j), w in np.ndenumerate(kernel):
        ax_image.text(c + j + 0.3, r + i + 0.3, f"×{w}", color="red", fontsize=6,
                      ha="center", va="center")
    so_far = np.full(feature_map.shape, np.nan)
    filled = np.arange(feature_map.size).reshape(feature_map.shape) <= r * 3 + c
    so_far[filled] = feature_map[filled]
    draw_numbers(ax_map, so_far, cmap="Oranges", vmax=feature_map.max())
    ax_map.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec="red", lw=2.5))
    ax_image.set(title=f"kernel at ({r}, {c})", xlabel="image column", ylabel="image row")
    ax_map.set(title=f"feature map: {value:.0f}", xlabel="column", ylabel="row")
fig.suptitle("The 3x3 kernel slides over the 5x5 image; each position gives one number")
fig.tight_layout()

# %% [markdown]
# Each output is the sum of the image pixels that sit under a 1 of the kernel: the 4s are
# where the image's diagonal stripe lines up with the kernel's X.
#
# The second example of the lecture (Goodfellow et al., *Deep Learning*, figure 9.1) uses
# letters: a 2x2 kernel $\begin{pmatrix} w & x \\ y & z \end{pmatrix}$ over a 3x4 input. It
# fits in 2 x 3 positions, so the output is 2x3; each output is one weighted sum:

# %%
letters = np.array(list("abcdefghijkl")).reshape(3, 4)
weights = np.array([["w", "x"], ["y", "z"]])
for r in range(2):
    print("   |   ".join(" + ".join(f"{weights[i, j]}{letters[r + i, c + j]}"
                                    for i in range(2) for j in range(2)) for c in range(3)))

matrix = np.arange(1, 13).reshape(3, 4)  # a = 1, b = 2, ..., l = 12
small_kernel = np.array([[1, 2], [3, 4]])  # w = 1, x = 2, y = 3, z = 4
small_map = scratch.conv2d(matrix, small_kernel)
print("\nwith numbers:", small_map.shape, "\n", small_map.astype(int))

# %% [markdown]
# The first output is $1 \cdot 1 + 2 \cdot 2 + 3 \cdot 5 + 4 \cdot 6 = 44$, as the first
# formula says ($wa + xb + ye + zf$).

# %% [markdown]
# ## 2. Stride, padding and pooling, exactly as Keras computes them
#
# Three settings change where the kernel goes:
#
# * **stride** $s$: the kernel jumps $s$ pixels at a time, so output $(r, c)$ reads the
#   patch that starts at $(r s, c s)$;
# * **padding="valid"** (Keras' default): only positions where the kernel fits entirely,
#   $\lfloor (n - k) / s \rfloor + 1$ of them along an axis of length $n$;
# * **padding="same"**: zeros around the image so that there are $\lceil n / s \rceil$
#   outputs (with stride 1, as many as inputs). Keras pads
#   $p = \max((\lceil n/s \rceil - 1)\, s + k - n,\ 0)$ zeros in total, $\lfloor p/2 \rfloor$
#   before and the rest after: an odd extra row or column goes at the bottom or right.
#
# **Max pooling** slides a window too (2x2 with stride 2 by default) and keeps the largest
# value: it halves the map and keeps whether a feature was present, not exactly where.
#
# `helpers.scratch.conv2d(image, kernel, stride, padding)` and
# `helpers.scratch.max_pool2d(x, size, stride, padding)` implement these rules in numpy.
# To check them, we give a Keras `Conv2D` layer with one filter our kernel as its weights,
# and compare, for both examples above and for odd sizes, strides and both paddings.

# %%
def keras_conv2d(image, kernel, stride=1, padding="valid"):
    """Keras' Conv2D with a single filter whose weights are `kernel` (and no bias)."""
    image, kernel = np.asarray(image, "float32"), np.asarray(kernel, "float32")
    layer = layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
    layer.build((1, *image.shape, 1))
    # Keras stores a Conv2D kernel as (height, width, input channels, filters).
    layer.set_weights([kernel[:, :, None, None]])
    return keras.ops.convert_to_numpy(layer(image[None, :, :, None]))[0, :, :, 0]


def keras_max_pool2d(x, size=2, stride=None, padding="valid"):
    layer = layers.MaxPooling2D(size, strides=stride, padding=padding)
    x = np.asarray(x, "float32")[None, :, :, None]
    return keras.ops.convert_to_numpy(layer(x))[0, :, :, 0]


rng = np.random.default_rng(0)
conv_cases = [(image, kernel, 1, "valid"), (matrix, small_kernel, 1, "valid"),
              (image, kernel, 2, "same"), (rng.normal(size=(7, 7)), rng.normal(size=(3, 3)), 2, "valid"),
              (rng.normal(size=(6, 5)), rng.normal(size=(3, 2)), (2, 1), "same"),
              (rng.normal(size=(8, 9)), rng.normal(size=(4, 4)), 3, "same"),
              (rng.normal(size=(5, 6)), rng.normal(size=(1, 1)), 2, "valid")]
rows = []
for img, ker, stride, padding in conv_cases:
    ours, theirs = scratch.conv2d(img, ker, stride, padding), keras_conv2d(img, ker, stride, padding)
    rows.append(("Conv2D", img.shape, ker.shape, stride, padding, ours.shape, theirs.shape,
                 float(np.abs(ours - theirs).max())))
for x, size, stride, padding in [(image, 2, None, "valid"), (image, 2, None, "same"),
                                 (rng.normal(size=(7, 6)), 3, 2, "same"),
                                 (rng.normal(size=(4, 5)), 2, 1, "valid")]:
    ours, theirs = scratch.max_pool2d(x, size, stride, padding), keras_max_pool2d(x, size, stride, padding)
    rows.append(("MaxPooling2D", x.shape, (size, size), stride or size, padding, ours.shape,
                 theirs.shape, float(np.abs(ours - theirs).max())))
comparison = pd.DataFrame(rows, columns=["layer", "input", "kernel/window", "stride", "padding",
                                         "ours", "Keras", "max |difference|"])
display(comparison)
max_diff = comparison["max |difference|"].max()
assert (comparison["ours"] == comparison["Keras"]).all(), "an output shape differs from Keras'"
helpers.claim("conv2d_max_diff_keras", max_diff, at_most=1e-5)

# %% [markdown]
# Same shapes everywhere, and values equal up to float32 rounding: the numpy functions
# compute what Keras computes, including where "same" puts its odd padding.
#
# Kernels make sense on real images too. Two hand-made 3x3 kernels respond to vertical and
# to horizontal edges (bright on one side, dark on the other); max pooling then halves the
# map and keeps the strongest response of every 2x2 block.

# %%
ds = data.load("fashion_mnist")
photo = ds.x_test[0] / 255.0
vertical = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
edges_v = scratch.conv2d(photo, vertical, padding="same")
edges_h = scratch.conv2d(photo, vertical.T, padding="same")
pooled = scratch.max_pool2d(np.abs(edges_v), 2)

fig, axes = plt.subplots(1, 4, figsize=(12, 3.4))
panels = [(photo, "gray_r", f"{ds.class_names[ds.y_test[0]]} (28x28)"),
          (edges_v, "RdBu_r", "vertical-edge kernel"),
          (edges_h, "RdBu_r", "horizontal-edge kernel"),
          (pooled, "magma", "|vertical|, max-pooled 14x14")]
for ax, (values, cmap, title) in zip(axes, panels, strict=True):
    limit = np.abs(values).max()
    ax.imshow(values, cmap=cmap, vmin=-limit if cmap == "RdBu_r" else 0, vmax=limit)
    ax.set(title=title, xlabel="column", ylabel="row")
    ax.grid(False)
fig.suptitle(f"Hand-made kernels on a test image of {ds.name}")
fig.tight_layout()

# %% [markdown]
# Red and blue mark edges of opposite direction: each kernel lights up only the outlines
# that match its orientation, and the pooled map keeps them at half the resolution. A CNN
# learns such kernels, and many more, from the data (section 5).

# %% [markdown]
# ### Exercise 1 (3 points): a convolution by hand
#
# Write `my_conv2d(image, kernel, stride=1)`: the 2-D cross-correlation of a 2-D `image`
# with a 2-D `kernel` with "valid" padding, as in the formula of section 1 with a stride
# (output $(r, c)$ reads the patch that starts at $(r s, c s)$). Return a float array of
# shape $(\lfloor (n_h - k_h)/s \rfloor + 1,\ \lfloor (n_w - k_w)/s \rfloor + 1)$. Loops over
# the output positions are fine; don't flip the kernel; don't change the inputs; don't call
# `scratch.conv2d` (it is what the check compares with).

# %% exercise="solution:ex_conv2d"
def my_conv2d(image, kernel, stride=1):
    ### BEGIN SOLUTION
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    (n_h, n_w), (k_h, k_w) = image.shape, kernel.shape
    out = np.zeros(((n_h - k_h) // stride + 1, (n_w - k_w) // stride + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            patch = image[r * stride: r * stride + k_h, c * stride: c * stride + k_w]
            out[r, c] = np.sum(patch * kernel)
    return out
    ### END SOLUTION


# %% exercise="check:check_conv2d:3"
check.conv2d_valid(my_conv2d)
### BEGIN HIDDEN TESTS
check.conv2d_valid(my_conv2d, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Receptive fields: how far a unit sees
#
# A unit of the first convolution sees a 3x3 patch of pixels. A unit of the second sees
# 3x3 units of the first, each of which sees 3x3 pixels, overlapping: together a 5x5
# patch. Pooling and strides make this grow faster: after a 2x2 pooling, neighbouring units
# are two pixels apart, so the next 3x3 kernel spans twice as many pixels. The patch of
# the input that a unit depends on is its **receptive field**.
#
# We can measure it instead of computing it: light up one pixel at a time (784 images,
# each with a single 1) and see which pixels change a unit at the centre of each layer. The
# probe network has the layout of the CNN of section 4 (3x3 convolutions, 2x2 pooling),
# with every weight set to 1 and average instead of max pooling, so that every pixel that
# *can* reach the unit shows (max pooling would pass on only the largest of its inputs).

# %%
probe_in = keras.Input(shape=(28, 28, 1))
h = probe_in
probe_outputs = []
for level in range(3):
    if level > 0:
        h = layers.AveragePooling2D(2)(h)
    h = layers.Conv2D(1, 3, padding="same", use_bias=False, kernel_initializer="ones")(h)
    probe_outputs.append(h)
probe = keras.Model(probe_in, probe_outputs)

impulses = np.eye(28 * 28, dtype="float32").reshape(-1, 28, 28, 1)  # image i lights pixel i
responses = probe.predict(impulses, batch_size=784, verbose=0)
sensitivity, field_sizes = [], []
for out in responses:  # shape (784, height, width, 1)
    centre = out[:, out.shape[1] // 2, out.shape[2] // 2, 0].reshape(28, 28)
    sensitivity.append(centre)
    rows_seen = np.flatnonzero(centre.any(axis=1))
    field_sizes.append(int(rows_seen[-1] - rows_seen[0] + 1))
print("receptive field of a centre unit, layer by layer:", field_sizes, "pixels wide")

fig, axes = plt.subplots(1, 4, figsize=(13, 3.6))
axes[0].imshow(photo, cmap="gray_r")
colours = ["tab:red", "tab:orange", "tab:green"]
for level, (sens, size, colour) in enumerate(zip(sensitivity, field_sizes, colours, strict=True)):
    rows_seen, cols_seen = np.flatnonzero(sens.any(axis=1)), np.flatnonzero(sens.any(axis=0))
    axes[0].add_patch(Rectangle((cols_seen[0] - 0.5, rows_seen[0] - 0.5), size, size,
                                fill=False, ec=colour, lw=2, label=f"conv {level + 1}: {size}x{size}"))
    ax = axes[level + 1]
    ax.imshow(sens, cmap="viridis")
    ax.set(title=f"conv {level + 1}: sees {size}x{size} pixels", xlabel="pixel column",
           ylabel="pixel row")
    ax.grid(False)
axes[0].set(title="receptive fields on the image", xlabel="pixel column", ylabel="pixel row")
axes[0].legend(fontsize=7, loc="upper left", framealpha=0.9)
axes[0].grid(False)
fig.suptitle("Which input pixels reach a unit at the centre of conv 1, conv 2 and conv 3 "
             "(brighter: more paths)")
fig.tight_layout()

# %% [markdown]
# The field grows from 3 to 8 to 18 pixels: two pooling steps in between make the third
# layer see most of the object. The bright centres show that pixels near the middle of the
# field reach the unit along many more paths than those at its edge, so in practice a unit
# depends mostly on the middle of its field (Luo et al., 2016, call this the *effective*
# receptive field).

# %% [markdown]
# ### Exercise 2 (1 + 2 points): output sizes and receptive fields
#
# **(a)** Write `conv_output_size(n, k, stride=1, padding="valid")`: the length of a
# convolution's (or pooling's) output along an axis of length `n`, for a kernel (window) of
# size `k`, as Keras computes it (section 2). It returns an `int`.
#
# **(b)** Write `receptive_field(layers)`: `layers` lists `(kernel_size, stride)` pairs from
# the input up (a 3x3 convolution with stride 1 is `(3, 1)`, a 2x2 max pooling `(2, 2)`);
# return the width in pixels of the receptive field of one unit of the last layer. An
# empty list means the pixel itself: 1. For the probe above,
# `receptive_field([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)])` is 18.
#
# *Hint:* keep track of two numbers, the field width so far and the distance in pixels
# between two neighbouring units of the current layer.

# %% exercise="solution:ex_output_size"
def conv_output_size(n, k, stride=1, padding="valid"):
    ### BEGIN SOLUTION
    if padding == "same":
        return math.ceil(n / stride)
    return (n - k) // stride + 1
    ### END SOLUTION


# %% exercise="check:check_output_size:1"
check.output_size(conv_output_size)

# %% exercise="solution:ex_receptive_field"
def receptive_field(layers):
    ### BEGIN SOLUTION
    width, spacing = 1, 1  # spacing: pixels between neighbouring units of the current layer
    for kernel_size, stride in layers:
        width += (kernel_size - 1) * spacing
        spacing *= stride
    return width
    ### END SOLUTION


# %% exercise="check:check_receptive_field:2"
check.receptive_field(receptive_field)
### BEGIN HIDDEN TESTS
check.receptive_field(receptive_field, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. A CNN for Fashion-MNIST
#
# Now a real task: the data set below, 28x28 grey images in 10 classes. Keras' `Conv2D`
# expects images as (height, width, channels), so we add a channel axis of size 1 and
# scale the pixels to [0, 1].

# %%
print(ds)
print("classes:", ", ".join(ds.class_names))
x_train = ds.x_train[..., None].astype("float32") / 255.0  # (n, 28, 28, 1)
x_test = ds.x_test[..., None].astype("float32") / 255.0
y_train, y_test = ds.y_train, ds.y_test
print("x_train", x_train.shape, "x_test", x_test.shape)

# %% [markdown]
# The network is the classic small CNN: two blocks of `Conv2D` (3x3, ReLU) and
# `MaxPooling2D` (2x2), then `Flatten` and two `Dense` layers. "Same" padding keeps the
# maps at 28x28 and 14x14 before each pooling. Each block doubles the number of filters
# while pooling halves the width and height, a common rhythm.
#
# To train fast, the learning rate of Adam starts at 0.002 and decays to zero along a
# cosine over the run (one of the tricks of section 6). On the 60,000 training images of
# Fashion-MNIST one epoch is enough for a test accuracy above 85% (the claim under the
# cell checks it, and the cell prints how long it took); on the small offline stand-in, an
# epoch is 45 times shorter, so we run more of them.

# %%
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(64, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
], name="cnn")
model.summary()

# %%
EPOCHS = 1 if QUICK or ds.canonical else 20
BATCH = 128
steps = EPOCHS * math.ceil(len(x_train) / BATCH)
model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=BATCH, verbose=1)
train_seconds = time.perf_counter() - start
_, cnn_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
print(f"{EPOCHS} epochs on {len(x_train):,} images of {ds.name} in {train_seconds:.0f} s; "
      f"test accuracy {cnn_accuracy:.3f} on {len(x_test):,} test images")
# Grading runs train one epoch on the stand-in too: a lower bar, still far above chance (0.1).
helpers.claim("cnn_test_accuracy", cnn_accuracy, at_least=0.7 if QUICK else 0.85)
helpers.record("train_seconds", round(train_seconds, 1))

# %% [markdown]
# The model has about 420,000 parameters, and 95% of them sit in the first `Dense` layer,
# which connects each of the 3,136 numbers of the last pooled maps to each of its 128
# units. The two convolutions, which do the seeing, have 19,000 together, because each
# kernel is shared by every position of the image.
#
# ### The same network with the Functional API
#
# The Functional API names every intermediate tensor, which the Sequential API hides. The
# network is the same function: built layer by layer on a `keras.Input` and given the
# trained weights of the Sequential model (in the same order), it makes the same
# predictions, so it needs no training of its own (`functional.fit` would train it exactly
# as `model.fit` did).

# %%
inputs = keras.Input(shape=(28, 28, 1))
fmap1 = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1")(inputs)
h = layers.MaxPooling2D(2)(fmap1)
fmap2 = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2")(h)
h = layers.MaxPooling2D(2)(fmap2)
h = layers.Flatten()(h)
h = layers.Dense(128, activation="relu")(h)
outputs = layers.Dense(10, activation="softmax")(h)
functional = keras.Model(inputs, outputs, name="cnn_functional")
functional.set_weights(model.get_weights())
functional.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
_, functional_accuracy = functional.evaluate(x_test, y_test, batch_size=1000, verbose=0)
sample = x_test[:1000]
gap = np.abs(functional.predict(sample, verbose=0) - model.predict(sample, verbose=0))
print(f"Functional model: test accuracy {functional_accuracy:.3f}; largest difference from "
      f"the Sequential model's probabilities on {len(sample):,} test images: {gap.max():.1e}")
helpers.record("functional_test_accuracy", functional_accuracy)
helpers.claim("functional_max_probability_diff", float(gap.max()), at_most=1e-5)

# A second model on the same tensors gives the feature maps of both convolutions at once.
feature_model = keras.Model(inputs, [fmap1, fmap2], name="feature_maps")

# %% [markdown]
# ### Exercise 3 (2 points): a CNN to a specification
#
# Write `build_small_cnn()`, returning a new, untrained Keras model for 28x28x1 images with,
# in this order:
#
# | layer | output shape | parameters |
# |---|---|---|
# | `Conv2D`, 16 filters of 3x3, padding "same", ReLU | (28, 28, 16) | 160 |
# | `MaxPooling2D` 2x2 | (14, 14, 16) | 0 |
# | `Conv2D`, 32 filters of 3x3, padding "valid", ReLU | ? | ? |
# | `MaxPooling2D` 2x2 | ? | 0 |
# | `Flatten` | ? | 0 |
# | `Dense`, 10 units, softmax | (10,) | ? |
#
# Fill in the question marks on paper first (output sizes from section 2; a `Conv2D` has
# $(k_h k_w c_\text{in} + 1) \cdot \text{filters}$ parameters), then compare with
# `model.summary()`. The check compares every layer's shape and parameter count.

# %% exercise="solution:ex_small_cnn"
def build_small_cnn():
    ### BEGIN SOLUTION
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="valid", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    ### END SOLUTION


# %% exercise="check:check_small_cnn:2"
check.cnn_spec(build_small_cnn)
### BEGIN HIDDEN TESTS
check.cnn_spec(build_small_cnn, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. What the network learned
#
# The first layer's 32 kernels are 3x3 arrays of weights, small enough to look at
# directly (red positive, blue negative).

# %%
kernels, biases = model.layers[0].get_weights()  # kernels: (3, 3, 1, 32)
limit = np.abs(kernels).max()
fig, axes = plt.subplots(4, 8, figsize=(10, 5.4))
for k, ax in enumerate(axes.ravel()):
    ax.imshow(kernels[:, :, 0, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"kernel {k}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
for ax in axes[-1]:
    ax.set_xlabel("column", fontsize=7)
for ax in axes[:, 0]:
    ax.set_ylabel("row", fontsize=7)
fig.suptitle(f"The 32 learned 3x3 kernels of the first Conv2D layer ({ds.name})")
fig.tight_layout()

# %% [markdown]
# Many kernels are split into a red and a blue side: they are edge detectors of various
# orientations, like the hand-made ones of section 2; others are all one sign and respond
# to brightness or darkness.
#
# The feature maps of one test image show what each kernel finds there. The first row has
# 8 of the 32 maps of `conv1` (28x28), the second 8 of the 64 maps of `conv2` (14x14),
# which combine the first layer's maps and respond to larger parts.

# %%
maps1, maps2 = feature_model.predict(x_test[:1], verbose=0)
fig, axes = plt.subplots(2, 9, figsize=(13, 3.8))
for row, maps, name in [(0, maps1, "conv1"), (1, maps2, "conv2")]:
    axes[row, 0].imshow(x_test[0, :, :, 0], cmap="gray_r")
    axes[row, 0].set(title=ds.class_names[y_test[0]], ylabel="row")
    for k in range(8):
        axes[row, k + 1].imshow(maps[0, :, :, k], cmap="magma")
        axes[row, k + 1].set_title(f"{name} map {k}")
    if row == 1:  # the top row's labels would run into the titles below them
        for ax in axes[row]:
            ax.set_xlabel("column")
    for ax in axes[row]:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
fig.suptitle("Feature maps of one test image after the first and the second convolution "
             "(bright: strong response)")
fig.tight_layout()

# %% [markdown]
# The first-layer maps are the image seen through each kernel: outlines of one orientation,
# the object's body, or its background; the second layer's coarser maps pick out larger
# parts, such as one stretch of the outline. Our `scratch.conv2d`, with the trained kernel, its bias
# and a ReLU, reproduces the first layer's maps:

# %%
ours = np.stack([np.maximum(scratch.conv2d(x_test[0, :, :, 0], kernels[:, :, 0, k],
                                           padding="same") + biases[k], 0.0)
                 for k in range(kernels.shape[-1])], axis=-1)
print("largest difference from Keras' conv1 maps:", f"{np.abs(ours - maps1[0]).max():.1e}")

# %% [markdown]
# ## 6. Tips and tricks for better training, measured
#
# Here are five common tricks meant to help CNNs train better. Each one is added below, alone, to
# the same small baseline, and everything else is kept equal, so that the table measures
# that trick and nothing else:
#
# * **baseline**: `Conv2D(16)`-pool-`Conv2D(32)`-pool-`Dense(64)`-`Dense(10)`, Adam with a
#   constant learning rate of 0.002, batch size 64;
# * **batch normalization** after each convolution, before its ReLU. Keras keeps running
#   averages of the batch statistics for testing; with its default momentum of 0.99 they
#   need several hundred steps to forget their starting values, more than this run has, so
#   we use 0.9;
# * **dropout** of 30% before each dense layer;
# * **data augmentation**: random shifts and zooms of up to 10% (`RandomTranslation`,
#   `RandomZoom`), active only during training. `RandomFlip("horizontal")` would suit
#   clothes, but would turn digits (the offline stand-in) into mirror images, so we leave it out;
# * **early stopping**: up to twice as many epochs, stopping when the loss on held-out
#   training images (1,000; a fifth of them on the stand-in) has not improved for 2 epochs,
#   and keeping the best weights;
# * **learning-rate schedule**: the same start of 0.002, decaying to 0 along a cosine.
#
# To keep it short, every variant trains on the same 1,000 training images for 8 epochs:
# on Fashion-MNIST a regime where the baseline overfits, which is when regularization can
# help. All are
# tested on the same full test set. An accuracy $p$ measured on $n$ test images has a
# standard error of $\sqrt{p(1-p)/n}$: near 80%, about 0.4 percentage points with the 10,000
# test images of Fashion-MNIST, and about 1.9 points with the 450 test images of the
# stand-in (the cell below prints it for this run), so differences smaller than about twice
# that are noise. A different random seed moves the numbers too.

# %%
def tips_model(batchnorm=False, dropout=False, augment=False):
    stack = [keras.Input(shape=(28, 28, 1))]
    if augment:
        stack += [layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
                  layers.RandomZoom(0.1, fill_mode="constant")]
    for filters in (16, 32):
        # With batch normalization a bias would be cancelled by the normalization.
        stack.append(layers.Conv2D(filters, 3, padding="same", use_bias=not batchnorm))
        if batchnorm:
            stack.append(layers.BatchNormalization(momentum=0.9))
        stack += [layers.Activation("relu"), layers.MaxPooling2D(2)]
    stack.append(layers.Flatten())
    if dropout:
        stack.append(layers.Dropout(0.3))
    stack.append(layers.Dense(64, activation="relu"))
    if dropout:
        stack.append(layers.Dropout(0.3))
    stack.append(layers.Dense(10, activation="softmax"))
    return keras.Sequential(stack)


n_val = 1000 if ds.canonical else len(x_train) // 5
n_tips = min(500 if QUICK else 1000, len(x_train) - n_val)
tips_epochs = 3 if QUICK else 8
x_tips, y_tips = x_train[:n_tips], y_train[:n_tips]
x_val, y_val = x_train[-n_val:], y_train[-n_val:]
tips_steps = tips_epochs * math.ceil(n_tips / 64)
variants = {
    "baseline": ({}, {}, 2e-3),
    "batch normalization": ({"batchnorm": True}, {}, 2e-3),
    "dropout": ({"dropout": True}, {}, 2e-3),
    "data augmentation": ({"augment": True}, {}, 2e-3),
    "early stopping": ({}, {"epochs": 2 * tips_epochs, "validation_data": (x_val, y_val),
                            "callbacks": [keras.callbacks.EarlyStopping(
                                patience=2, restore_best_weights=True)]}, 2e-3),
    "learning-rate schedule": ({}, {}, keras.optimizers.schedules.CosineDecay(2e-3, tips_steps)),
}
results = []
tips_start = time.perf_counter()
for name, (model_options, fit_options, learning_rate) in variants.items():
    keras.utils.set_random_seed(0)  # same initial weights and batches for every variant
    start = time.perf_counter()
    tip = tips_model(**model_options)
    tip.compile(optimizer=keras.optimizers.Adam(learning_rate),
                loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    fit_options = {"epochs": tips_epochs, **fit_options}
    tip_history = tip.fit(x_tips, y_tips, batch_size=64, verbose=0, **fit_options)
    _, train_acc = tip.evaluate(x_tips, y_tips, batch_size=1000, verbose=0)
    _, test_acc = tip.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    results.append({"variant": name, "test accuracy": test_acc, "training accuracy": train_acc,
                    "epochs": len(tip_history.history["loss"]),
                    "seconds": time.perf_counter() - start})
    print(f"{name:24s} test accuracy {test_acc:.3f}", flush=True)
tips_seconds = time.perf_counter() - tips_start
tips = pd.DataFrame(results).set_index("variant")
tips["gap"] = tips["training accuracy"] - tips["test accuracy"]
display(tips.round(3))
print(f"{len(variants)} variants in {tips_seconds:.0f} s, on {n_tips:,} training images of {ds.name}")
for name, key in zip(variants, ["baseline", "batchnorm", "dropout", "augmentation",
                                "early_stopping", "lr_schedule"], strict=True):
    helpers.record(f"tips_{key}_accuracy", tips.loc[name, "test accuracy"])
helpers.record("tips_seconds", round(tips_seconds, 1))
print(f"standard error of a test accuracy near 80% on {len(x_test):,} images: "
      f"{100 * np.sqrt(0.8 * 0.2 / len(x_test)):.1f} points")
# The regime this section is built on: the baseline fits its training images far better
# than new ones on Fashion-MNIST (the stand-in's easy digits hardly overfit, and a grading
# run's 3 epochs are too short to).
helpers.claim("tips_baseline_gap", tips.loc["baseline", "gap"], at_least=0.03,
              tiers=("canonical",), grading=False)
helpers.claim("tips_baseline_accuracy", tips.loc["baseline", "test accuracy"],
              at_least=0.5 if QUICK else 0.7)

# %%
fig, ax = plt.subplots(figsize=(9.5, 3.6))
y_pos = np.arange(len(tips))
se = np.sqrt(tips["test accuracy"] * (1 - tips["test accuracy"]) / len(x_test))
ax.barh(y_pos, tips["training accuracy"], color="tab:gray", alpha=0.35, label="training images")
ax.barh(y_pos, tips["test accuracy"], xerr=2 * se, color="tab:blue", height=0.5,
        label="test images (± 2 standard errors)")
ax.axvline(tips.loc["baseline", "test accuracy"], color="k", ls="--", lw=1, label="baseline (test)")
ax.set_yticks(y_pos, tips.index)
low = min(tips["test accuracy"].min(), tips["training accuracy"].min())
ax.set_xlim(max(0.0, low - 0.05), 1.0)
ax.invert_yaxis()
ax.set(xlabel="accuracy", ylabel="variant",
       title=f"One trick at a time, {n_tips:,} training images, {tips_epochs} epochs")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()

# %% [markdown]
# Read the picture in two parts: the grey bars show how well each variant fits its own
# training images, the blue bars how well it does on new ones, and the gap between them is
# overfitting. Only differences in the blue bars larger than the error bars mean anything.

# %% [markdown]
# ### Exercise 4 (2 points): what do the measurements say?
#
# In 4 to 8 sentences, using your own table: which tricks helped the test accuracy beyond
# the noise, which did not, and which closed the gap between training and test accuracy?
# For one trick that did not help here, explain why it might still help in a longer run
# on all 60,000 images. Be careful not to read more into the numbers than they hold.

# %% [markdown] exercise="answer:explain_tips:2"
# ### BEGIN SOLUTION
# (A model answer for one run on Fashion-MNIST; it reads the table rather than quoting
# numbers, because a student's numbers differ a little, and any reading consistent with
# their own table is right.)
# The baseline overfits: it fits its 1,000 training images clearly better than the test set
# (the claim `tips_baseline_gap` checks this). In our run none of the five tricks raised the
# test accuracy beyond the noise in this short run: dropout about tied the baseline, and
# the others were lower. Data augmentation and early stopping narrowed the gap between
# training and test accuracy the most, but by lowering the training accuracy, not by
# raising the test accuracy; batch normalization fit the training images best and did no
# better on new ones. Early stopping watches the validation loss, which starts to rise (the
# network becomes overconfident) while the accuracy is still improving, so it can stop early
# and give up a little accuracy; the cosine schedule lowers the learning rate from the first
# step, so in 8 epochs it gets less far than the constant rate. Differences within two
# standard errors (printed above) are noise, and another seed could reorder them; only a
# drop several times the standard error, as augmentation's was in our run, is clearly real.
# Augmentation would likely pay off in a longer run on all 60,000 images: each epoch then
# shows new variants of the images, so the network cannot memorize them and has the time to
# learn the harder, shifted and zoomed task, which is what new test images look like.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
# - A convolution layer slides a small kernel over the image (cross-correlation, no flip); stride and padding set the output size: $\lfloor (n-k)/s \rfloor + 1$ for "valid", $\lceil n/s \rceil$ for "same".
# - Weight sharing makes convolutions cheap: the two convolutions of our CNN have 19,000 of its 420,000 parameters.
# - Each layer, and above all each pooling or stride, widens the receptive field: 3, 8, 18 pixels for three 3x3 convolutions with 2x2 pooling in between.
# - A small CNN passes 85% on Fashion-MNIST in one epoch; the Sequential and Functional APIs build the same network, and the Functional one exposes the feature maps.
# - Training tricks should be measured: in short runs their effects are small, and only differences larger than the noise count.
#
# ## Further reading
# - I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, chapter 9 "Convolutional Networks", https://www.deeplearningbook.org/contents/convnets.html
# - V. Dumoulin, F. Visin, *A guide to convolution arithmetic for deep learning* (2016), https://arxiv.org/abs/1603.07285
# - W. Luo et al., *Understanding the Effective Receptive Field in Deep Convolutional Neural Networks* (NeurIPS 2016), https://arxiv.org/abs/1701.04128
# - Stanford CS231n notes, *Convolutional Neural Networks*, https://cs231n.github.io/convolutional-networks/
# - S. Ioffe, C. Szegedy, *Batch Normalization* (2015), https://arxiv.org/abs/1502.03167; N. Srivastava et al., *Dropout* (JMLR 2014); I. Loshchilov, F. Hutter, *SGDR* (2016), https://arxiv.org/abs/1608.03983
# - Keras guides: the Functional API, https://keras.io/guides/functional_api/, and image augmentation layers, https://keras.io/api/layers/preprocessing_layers/image_augmentation/
