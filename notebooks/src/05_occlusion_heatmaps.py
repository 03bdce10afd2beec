# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 05 · Occlusion heatmaps: where does the network look?
#
# {{colab_badge}}
#
# A classifier can be right for the wrong reason: it may recognise a cow by the green grass
# around it, or a face by the photo's frame. Accuracy does not tell you; asking the model
# where it looks does. The simplest way to ask is the one of Zeiler and Fergus (2014): cover
# one part of the image with a grey square and measure how much the probability of the
# class falls. Doing this everywhere gives an **occlusion heatmap**. This notebook computes
# such heatmaps, trains a small network that finds faces, checks with the heatmaps whether
# it looks at the faces, and compares them with a gradient-based map and with class
# activation maps, read off the network's last feature maps.
#
# **What you will learn**
# - what an occlusion map measures, and how its patch size, stride and baseline change it and its cost in forward passes;
# - to train a small CNN that tells scenes with a face from scenes without, and to measure with heatmaps whether it looks at the face;
# - to compute a gradient (saliency) map with `tf.GradientTape`, and what it shows that occlusion does not, and the reverse;
# - to compute a class activation map (CAM) from the last feature maps and the dense weights, and Grad-CAM, its general form from gradients, and why they agree;
# - to sanity-check an explanation: a map that looks the same for an untrained network explains nothing; and to read an ImageNet classifier's maps on a photo (when its weights can be downloaded).
#
# **Prerequisites:** notebook 03 (CNNs in Keras, stride, receptive fields); notebook 02
# (what a gradient is).

# %%
# {{colab_install}}
import math
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import skimage.data
import tensorflow as tf
from IPython.display import display
from keras import layers
from matplotlib.patches import Rectangle
from skimage.transform import resize
from tqdm.auto import tqdm

import helpers
from helpers import data, heatmaps
from helpers.checks import heatmaps as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))

# %% [markdown]
# ## 1. Cover a patch, watch the probability fall
#
# Let $p_k(x)$ be the probability the model gives class $k$ for the image $x$. Cover the
# square patch of $P \times P$ pixels whose top-left corner is $(r, c)$ with a constant,
# the **baseline** $b$ (grey, black, or the mean image), and call the result
# $x^{(r, c)}$. The **drop**
#
# $$ \Delta(r, c) = p_k(x) - p_k\big(x^{(r, c)}\big) $$
#
# is large when the patch held evidence for class $k$, negative when it held evidence
# against it, and near zero when the model does not need it. The patch moves by a
# **stride** $S$: along an axis of $n$ pixels it starts at $0, S, 2S, \dots$ as long as
# it fits, plus one start at $n - P$, flush with the far edge, when the last one does not
# reach it. With $S \le P$ every pixel is covered at least once (a larger stride would
# skip the pixels between two patches, so `occlusion_map` refuses it); with overlapping
# patches ($S < P$) a pixel is covered several times; the heatmap gives each pixel the **average
# drop of the patches that cover it**:
#
# $$ H[i, j] = \operatorname{mean}\,\{\Delta(r, c) : \text{pixel } (i, j) \text{ lies in the patch at } (r, c)\}. $$
#
# `helpers.heatmaps.occlusion_map(predict, image, class_index, patch, stride, baseline)`
# computes exactly this. It needs nothing but predictions, so it works for any model: it
# builds the covered copies and sends them through `predict` in batches.
#
# To see that it finds what a model looks at, we make a "model" whose answer we know: it
# says "dark head" with a probability that depends only on the mean brightness of one
# secret 6x6 square of the cameraman photo (his head), and ignores every other pixel.

# %%
camera = resize(skimage.data.camera(), (48, 48), anti_aliasing=True).astype("float32")
SECRET = (8, 16, 6)  # top, left, size: the square the toy model looks at


def dark_head_model(batch):
    """P(dark head), from the mean brightness of the secret square only: shape (n, 2)."""
    top, left, size = SECRET
    batch = np.asarray(batch, dtype="float32")
    mean = batch[:, top:top + size, left:left + size].mean(axis=(1, 2))
    p = 1.0 / (1.0 + np.exp(-20.0 * (0.35 - mean)))
    return np.stack([1.0 - p, p], axis=1)


covered = heatmaps.occlude(camera, top=8, left=16, patch=6, baseline=0.5)
print(f"P(dark head) of the photo: {dark_head_model(camera[None])[0, 1]:.3f}; with the head "
      f"covered in grey: {dark_head_model(covered[None])[0, 1]:.3f}")
toy_grey = heatmaps.occlusion_map(dark_head_model, camera, 1, patch=4, stride=2, baseline=0.5)
toy_black = heatmaps.occlusion_map(dark_head_model, camera, 1, patch=4, stride=2, baseline=0.0)
peak = np.unravel_index(np.argmax(toy_grey), toy_grey.shape)
print(f"the grey-baseline map peaks at row {peak[0]}, column {peak[1]}; the secret square "
      f"spans rows {SECRET[0]}-{SECRET[0] + SECRET[2] - 1}, columns "
      f"{SECRET[1]}-{SECRET[1] + SECRET[2] - 1}")

# %%
def secret_box(ax, colour="gold"):
    top, left, size = SECRET
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), size, size, fill=False, ec=colour, lw=2,
                           ls="--"))


fig, axes = plt.subplots(1, 4, figsize=(14, 3.6))
axes[0].imshow(camera, cmap="gray", vmin=0, vmax=1)
axes[0].set(title="the photo; dashed: the secret square", xlabel="column (pixel)",
            ylabel="row (pixel)")
axes[1].imshow(covered, cmap="gray", vmin=0, vmax=1)
axes[1].set(title="one covered copy (grey patch)", xlabel="column (pixel)",
            ylabel="row (pixel)")
heatmaps.overlay(camera, toy_grey, ax=axes[2], title="occlusion map, grey baseline (0.5)")
heatmaps.overlay(camera, toy_black, ax=axes[3], title="occlusion map, black baseline (0)")
for ax in axes:
    secret_box(ax)
    ax.grid(False)
fig.suptitle("A toy model that looks at one square only: 4x4 patches, stride 2")
fig.tight_layout()

# %% [markdown]
# With a grey baseline the map is red exactly around the secret square and white
# everywhere else, because covering any other pixel changes nothing. With a black baseline
# the same model gets an almost empty map: black is as dark as the head, so covering the
# head with it removes nothing. **The baseline must differ from what it covers**; grey, or
# the mean of the training images, is the usual choice.

# %% [markdown]
# ### Exercise 1 (2 points): cover one patch
#
# Write `my_occlude(image, top, left, patch, baseline)`: return a **copy** of `image`
# (shape (H, W) or (H, W, C)) in which the `patch` x `patch` square whose top-left pixel is
# at row `top` and column `left` is set to `baseline` (a number, or for an (H, W, C) image
# one value per channel). Every channel is covered; the image passed in must not change,
# since the occlusion map needs the original for every patch. Return floats. Don't call
# `heatmaps.occlude` (it is what the check compares with).

# %% exercise="solution:ex_occlude"
def my_occlude(image, top, left, patch, baseline=0.0):
    ### BEGIN SOLUTION
    out = np.array(image, dtype="float32")  # a new array: the input stays as it is
    out[top:top + patch, left:left + patch] = baseline
    return out
    ### END SOLUTION


# %% exercise="check:check_occlude:2"
check.occlude(my_occlude)
### BEGIN HIDDEN TESTS
check.occlude(my_occlude, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2 (2 points): what a heatmap costs
#
# An occlusion map sends one covered copy through the model for every patch position, and
# the image itself once (for $p_k(x)$). Write `count_forward_passes(height, width, patch,
# stride)`, the number of images `heatmaps.occlusion_map` sends through the model for an
# image of `height` x `width` pixels, with the starts of section 1 (every `stride` pixels
# while the patch fits, plus one flush with the far edge if the last one does not reach
# it). Work it out on paper for a 10x12 image with 4x4 patches and stride 3 first (13).
# Don't call `heatmaps.patch_positions`.

# %% exercise="solution:ex_forward_passes"
def count_forward_passes(height, width, patch, stride):
    ### BEGIN SOLUTION
    rows = math.ceil((height - patch) / stride) + 1
    cols = math.ceil((width - patch) / stride) + 1
    return rows * cols + 1
    ### END SOLUTION


# %% exercise="check:check_forward_passes:2"
check.forward_passes(count_forward_passes)
### BEGIN HIDDEN TESTS
check.forward_passes(count_forward_passes, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The cost grows with the square of $1/S$: halving the stride quadruples the forward passes.
# For a 224x224 photo, 32-pixel patches every 16 pixels take 170 passes; every 4 pixels,
# 2,402.
#
# ## 2. A network that finds faces
#
# scikit-image ships a small subset of the *Labeled Faces in the Wild* data set (Huang et
# al.): 100 photos of faces and 100 of non-faces (patches of the photos' backgrounds),
# grey, 25x25 pixels, no download needed. In these crops the face fills the whole image,
# so "does the model look at the face?" would have no answer. We therefore build
# **scenes**: a 50x50 background tiled from four non-face crops, into which we paste either
# a face (label 1) or one more non-face crop (label 0), at a random place. Pasting a crop in
# both classes means the edges of the pasted square give nothing away: only its content
# does. And since we placed it, we know where the face is.
#
# The first 70 faces and non-faces make the training scenes, the last 30 the test scenes:
# the test faces are people the network has never seen.

# %%
crops = skimage.data.lfw_subset().astype("float32")  # ships with scikit-image: (200, 25, 25)
faces, non_faces = crops[:100], crops[100:]
CROP, SIDE = crops.shape[1], 2 * crops.shape[1]
print(f"{len(faces)} faces and {len(non_faces)} non-faces of {CROP}x{CROP} pixels, "
      f"values {crops.min():.0f} to {crops.max():.0f}")


def make_scenes(face_pool, other_pool, n, seed):
    """n scenes of SIDE x SIDE pixels, half with a face; also where each pasted crop is."""
    rng = np.random.default_rng(seed)
    x = np.empty((n, SIDE, SIDE), "float32")
    y = np.arange(n) % 2  # alternate: exactly half the scenes have a face
    corners = rng.integers(0, SIDE - CROP + 1, size=(n, 2))
    for i in range(n):
        tiles = other_pool[rng.integers(len(other_pool), size=4)]
        tiles = [t[:, ::-1] if rng.random() < 0.5 else t for t in tiles]  # mirror some
        scene = np.block([[tiles[0], tiles[1]], [tiles[2], tiles[3]]])
        pool = face_pool if y[i] == 1 else other_pool
        crop = pool[rng.integers(len(pool))]
        top, left = corners[i]
        scene[top:top + CROP, left:left + CROP] = crop[:, ::-1] if rng.random() < 0.5 else crop
        x[i] = scene
    return x[..., None], y, corners  # a channel axis, as Conv2D wants


n_train = 1000 if QUICK else 2000
x_train, y_train, _ = make_scenes(faces[:70], non_faces[:70], n_train, seed=0)
x_test, y_test, corners_test = make_scenes(faces[70:], non_faces[70:], 400, seed=1)
CLASS_NAMES = ["no face", "face"]
print(f"{len(x_train)} training and {len(x_test)} test scenes of {SIDE}x{SIDE} pixels")


def face_box(ax, index, colour="gold"):
    top, left = corners_test[index]
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), CROP, CROP, fill=False, ec=colour, lw=1.5,
                           ls="--"))


fig, axes = plt.subplots(1, 8, figsize=(14, 2.4))
for index, ax in enumerate(axes):
    ax.imshow(x_test[index, :, :, 0], cmap="gray", vmin=0, vmax=1)
    face_box(ax, index, "gold" if y_test[index] else "tab:cyan")
    ax.set(title=CLASS_NAMES[y_test[index]], xlabel="column")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
axes[0].set_ylabel("row")
fig.suptitle("Test scenes: a pasted face (gold box) or a pasted non-face crop (cyan box)")
fig.tight_layout()

# %% [markdown]
# Some faces stand out at once, others (dark, or mirrored next to dark tiles) take a second
# look; the pasted non-face crops blend into their backgrounds, as they should.
#
# The network is a small CNN as in notebook 03, with one change: it ends with **global max
# pooling**, the largest response of each filter anywhere in the scene, so that a face is
# detected wherever it is.

# %%
def face_detector():
    return keras.Sequential([
        keras.Input(shape=(SIDE, SIDE, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"),
        layers.GlobalMaxPooling2D(),
        layers.Dense(2, activation="softmax"),
    ], name="face_detector")


keras.utils.set_random_seed(0)
model = face_detector()
untrained = keras.models.clone_model(model)  # same architecture, fresh random weights: section 7
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
history = model.fit(x_train, y_train, epochs=4 if QUICK else 8, batch_size=64, verbose=1)
train_seconds = time.perf_counter() - start
_, test_accuracy = model.evaluate(x_test, y_test, batch_size=400, verbose=0)
print(f"test accuracy {test_accuracy:.3f} on {len(x_test)} scenes with unseen faces "
      f"({train_seconds:.0f} s of training, {model.count_params():,} parameters)")
# Chance: 0.5; grading runs train half as long on half the scenes.
helpers.claim("face_test_accuracy", test_accuracy, at_least=0.7 if QUICK else 0.85)
helpers.record("train_seconds", round(train_seconds, 1))

# %% [markdown]
# Most test scenes (the claim: at least 85%, after the full training) are classified right, with faces the network
# never saw.
# Accuracy cannot say *how*: by the face, or by something that happens to come with faces
# in these scenes (they are brighter than the average background, for one). The heatmaps can.
#
# ## 3. Where the face detector looks
#
# For scenes with a face, we compute the occlusion map of the class "face" with 8x8 patches,
# stride 4 and a grey baseline: `predict` is the Keras model itself, called on batches of
# covered scenes. As a number, we take the **fraction of the positive heatmap mass that
# falls inside the face's box**. The box covers a quarter of the scene, so a map that
# ignored the face would score about 0.25; a map that looked only at the face would score 1.

# %%
GREY = 0.5


def face_fraction(heatmap, index):
    """The share of the map's positive mass inside the face box of test scene `index`."""
    top, left = corners_test[index]
    positive = np.maximum(heatmap, 0.0)
    total = positive.sum()
    return float(positive[top:top + CROP, left:left + CROP].sum() / total) if total > 0 else 0.0


face_scenes = np.flatnonzero(y_test == 1)[:20 if QUICK else 60]
occlusion_maps = {}
start = time.perf_counter()
for index in tqdm(face_scenes, desc="occlusion maps"):
    occlusion_maps[index] = heatmaps.occlusion_map(model, x_test[index], 1, patch=8, stride=4,
                                                   baseline=GREY, batch_size=256, progress=False)
occlusion_seconds = (time.perf_counter() - start) / len(face_scenes)
occlusion_fractions = np.array([face_fraction(occlusion_maps[i], i) for i in face_scenes])
print(f"{len(face_scenes)} maps, {occlusion_seconds:.3f} s each "
      f"({heatmaps.patch_positions(SIDE, 8, 4).size ** 2 + 1} forward passes); positive mass inside the face box: median "
      f"{np.median(occlusion_fractions):.2f}, mean {occlusion_fractions.mean():.2f} (chance 0.25)")
helpers.record("occlusion_seconds_per_map", round(occlusion_seconds, 3))
# "The network looks at the face": at least twice the share of a map that ignored it (0.25).
helpers.claim("face_mass_occlusion", float(np.median(occlusion_fractions)), at_least=0.5)

# %%
p_face = model.predict(x_test, batch_size=400, verbose=0)[:, 1]
fig, axes = plt.subplots(2, 4, figsize=(14, 6.6))
for ax, index in zip(axes.ravel(), face_scenes[:8], strict=True):
    heatmaps.overlay(x_test[index], occlusion_maps[index], ax=ax,
                     title=f"P(face) {p_face[index]:.2f}, in box "
                           f"{face_fraction(occlusion_maps[index], index):.0%}")
    face_box(ax, index)
fig.suptitle("Occlusion maps of the class 'face' (8x8 grey patches, stride 4); "
             "gold: where the face was pasted")
fig.tight_layout()

# %% [markdown]
# The red, where covering hurts P(face), sits inside the gold boxes, mostly on the nose
# and mouth rather than the hair, the forehead or the background: the network has learned
# to look at faces, and in our runs at the lower half of them most. Mind the colour scales,
# one per scene: where P(face) is near 1, covering one 8x8 patch lowers it only slightly,
# because enough of the face stays visible; where the network is less sure, the drops are
# larger, and a little of the map lands outside the box.

# %% [markdown]
# ### Exercise 3 (3 points): the occlusion map, one patch at a time
#
# Write `my_occlusion_map(predict, image, class_index, patch, stride, baseline)` with plain
# loops, following the formulas of section 1: compute $p_k(x)$ once; then for every start
# `top` in `heatmaps.patch_positions(height, patch, stride)` and every `left` in
# `heatmaps.patch_positions(width, patch, stride)`, cover that patch (with
# `heatmaps.occlude` or your `my_occlude`), compute its drop, and add it to every pixel the
# patch covers; at the end divide each pixel's sum by the number of patches that covered
# it. `predict` takes a **batch**: `predict(image[None])[0, class_index]` is $p_k$ of one
# image. Return an array of the image's height and width. Don't call
# `heatmaps.occlusion_map`: the check compares with it.

# %% exercise="solution:ex_occlusion_loop"
def my_occlusion_map(predict, image, class_index, patch=8, stride=4, baseline=0.0):
    ### BEGIN SOLUTION
    height, width = image.shape[:2]
    p_image = predict(image[None])[0, class_index]
    total = np.zeros((height, width))
    count = np.zeros((height, width))
    for top in heatmaps.patch_positions(height, patch, stride):
        for left in heatmaps.patch_positions(width, patch, stride):
            covered = heatmaps.occlude(image, top, left, patch, baseline)
            drop = p_image - predict(covered[None])[0, class_index]
            total[top:top + patch, left:left + patch] += drop
            count[top:top + patch, left:left + patch] += 1
    return total / count
    ### END SOLUTION


# %% exercise="check:check_occlusion_loop:3"
check.occlusion_loop(my_occlusion_map)
### BEGIN HIDDEN TESTS
check.occlusion_loop(my_occlusion_map, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# A loop sends one image at a time through the model, and each call has a fixed cost on
# top of the arithmetic. `heatmaps.occlusion_map` builds the covered copies as one array
# and predicts them in batches; with `batch_size=1` it does what the loop does. Same map,
# different time:

# %%
index = face_scenes[0]
timings = {}
for batch_size in (1, 256):
    start = time.perf_counter()
    same_map = heatmaps.occlusion_map(model, x_test[index], 1, patch=8, stride=4,
                                      baseline=GREY, batch_size=batch_size, progress=False)
    timings[batch_size] = time.perf_counter() - start
    print(f"batch_size={batch_size:3d}: {timings[batch_size]:.2f} s, largest difference from "
          f"the map above {np.abs(same_map - occlusion_maps[index]).max():.1e}")
helpers.record("occlusion_speedup_batched", round(timings[1] / timings[256], 1))

# %% [markdown]
# ## 4. Patch size and stride
#
# The **patch** sets the scale of what is removed. A patch much smaller than the face
# hides an eye or a corner of the mouth, and the network, which sees the rest of the face,
# hardly cares: the map is weak and speckled. A patch as large as the face removes it
# whole: the map is strong but coarse, a blob as large as the patch. The **stride** sets
# how finely the patch moves: it changes the map's resolution and the cost (section 2:
# cost $\propto 1/S^2$), not the scale of what is removed. Three settings on one scene:

# %%
settings = [(4, 2), (8, 4), (16, 8)]
index = face_scenes[1]
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for ax, (patch, stride) in zip(axes, settings, strict=True):
    start = time.perf_counter()
    heatmap = heatmaps.occlusion_map(model, x_test[index], 1, patch=patch, stride=stride,
                                     baseline=GREY, batch_size=256, progress=False)
    seconds = time.perf_counter() - start
    passes = heatmaps.patch_positions(SIDE, patch, stride).size ** 2 + 1
    heatmaps.overlay(x_test[index], heatmap, ax=ax,
                     title=f"patch {patch}, stride {stride}: {passes} passes, {seconds:.2f} s\n"
                           f"largest drop {heatmap.max():.2f}, in box "
                           f"{face_fraction(heatmap, index):.0%}")
    face_box(ax, index)
fig.suptitle(f"One test scene, three patch sizes (P(face) = {p_face[index]:.2f})")
fig.tight_layout()

# %% [markdown]
# The three maps point at the same part of the face, but at different scales. The 4x4
# patches give the weakest map (compare the colour bars): no 4x4 square of the face is worth
# much to the network on its own. The 16x16 patches cover most of the face at once and
# give much larger drops (the table below measures how much larger), spread in a coarse
# blob that spills over the box.
#
# One scene is an anecdote. The table measures the same on several test scenes, with
# strides 2, 4 and 8 for the 8x8 patch, and, in the last row, the black baseline instead of
# grey:

# %%
table_scenes = face_scenes[:6 if QUICK else 15]
rows = []
for patch, stride, baseline in [(4, 2, GREY), (8, 2, GREY), (8, 4, GREY), (8, 8, GREY),
                                (16, 8, GREY), (8, 4, 0.0)]:
    start = time.perf_counter()
    found = [heatmaps.occlusion_map(model, x_test[i], 1, patch=patch, stride=stride,
                                    baseline=baseline, batch_size=256, progress=False)
             for i in table_scenes]
    rows.append({"patch": patch, "stride": stride, "baseline": baseline,
                 "forward passes": heatmaps.patch_positions(SIDE, patch, stride).size ** 2 + 1,
                 "seconds per map": (time.perf_counter() - start) / len(table_scenes),
                 "largest drop (median)": np.median([m.max() for m in found]),
                 "mass in face box (median)": np.median(
                     [face_fraction(m, i) for m, i in zip(found, table_scenes, strict=True)])})
settings_table = pd.DataFrame(rows)
display(settings_table.round(3))
drops = settings_table["largest drop (median)"]
# (A grading run's shorter training gives a less sure network, whose drops differ less.)
helpers.claim("drop_ratio_patch16_over_patch4", drops.iloc[4] / drops.iloc[0], at_least=5.0,
              grading=False)

# %% [markdown]
# Read the table by columns. The passes, and with them the seconds, grow as $1/S^2$. At a
# fixed 8x8 patch, the stride changes the cost (485, 145, 50 passes) and hardly anything
# else: the drops and the share of the map on the face stay about the same, a little lower
# with the coarsest stride. The patch size changes the strength: 16x16 patches give drops
# at least five times those of 4x4 patches (claimed above), but their blobs spill over the
# box. The baseline changes the answer too: in our runs black gave larger drops than grey
# but put less of the map on the face (compare the last row of your table), since a black square is itself something the network
# reacts to (scenes have dark tiles; faces have dark hair and shadows). A map explains the
# model *relative to a baseline*. A sensible default is a patch about the size of the parts
# you expect to matter (here a third of the face), a stride of half the patch, and a
# neutral baseline such as grey or the average image.
#
# ## 5. Gradients: a saliency map in one backward pass
#
# Instead of removing a patch, we can ask how much a *tiny* change of each pixel moves the
# probability: the gradient $\partial p_k / \partial x_{ij}$, the same quantity
# backpropagation computes for the weights, taken here with respect to the input. Its
# absolute value is the **saliency map** of Simonyan et al. (2014); for colour images they
# keep the largest of the three channels. `tf.GradientTape` records the forward pass and
# gives the gradient in one backward pass:

# %%
index = face_scenes[0]
image = tf.convert_to_tensor(x_test[index][None])  # a batch of one scene
with tf.GradientTape() as tape:
    tape.watch(image)  # an input, not a weight: ask the tape to follow it
    probability = model(image)[:, 1]  # P(face)
gradient = tape.gradient(probability, image)
by_hand = np.abs(gradient.numpy()[0, :, :, 0])
print(f"gradient shape {tuple(gradient.shape)}; largest difference from "
      f"heatmaps.saliency_map: "
      f"{np.abs(by_hand - heatmaps.saliency_map(model, x_test[index], 1)).max():.1e}")

# %%
saliency_maps = {}
start = time.perf_counter()
for index in tqdm(face_scenes, desc="saliency maps"):
    saliency_maps[index] = heatmaps.saliency_map(model, x_test[index], 1)
saliency_seconds = (time.perf_counter() - start) / len(face_scenes)
saliency_fractions = np.array([face_fraction(saliency_maps[i], i) for i in face_scenes])
print(f"{saliency_seconds:.3f} s per saliency map ({occlusion_seconds:.3f} s per occlusion "
      f"map); mass inside the face box: median {np.median(saliency_fractions):.2f} "
      f"(occlusion {np.median(occlusion_fractions):.2f})")
helpers.record("saliency_seconds_per_map", round(saliency_seconds, 4))
helpers.claim("face_mass_saliency", float(np.median(saliency_fractions)), at_least=0.4,
              grading=False)

# %%
fig, axes = plt.subplots(3, 4, figsize=(13, 9.6))
for column, index in enumerate(face_scenes[:4]):
    axes[0, column].imshow(x_test[index, :, :, 0], cmap="gray", vmin=0, vmax=1)
    axes[0, column].set(title=f"test scene {index}, P(face) {p_face[index]:.2f}",
                        xlabel="column (pixel)", ylabel="row (pixel)")
    axes[0, column].grid(False)
    heatmaps.overlay(x_test[index], occlusion_maps[index], ax=axes[1, column],
                     title=f"occlusion: in box {face_fraction(occlusion_maps[index], index):.0%}")
    # A few pixels have much larger gradients than the rest: saturate at the 99th percentile.
    heatmaps.overlay(x_test[index], saliency_maps[index], ax=axes[2, column],
                     title=f"saliency: in box {face_fraction(saliency_maps[index], index):.0%}",
                     cmap="Reds", symmetric=False, limit=np.percentile(saliency_maps[index], 99),
                     label="|dP(face)/dpixel|")
    for row in range(3):
        face_box(axes[row, column], index)
fig.suptitle("The same scenes: image, occlusion map (8x8, stride 4), saliency map")
fig.tight_layout()

# %% [markdown]
# Both maps point at the same part of the faces, the nose and mouth, in different styles.
# The saliency map is sharp and speckled: neighbouring pixels get very different values,
# and a little of it is scattered over the background. It costs one backward pass (about
# two forward passes' worth of arithmetic), against 145 forward passes for occlusion; with
# a network this small, fixed overheads dominate both and the measured gap is much smaller,
# but for a large network it approaches that ratio. The occlusion map is smooth and
# coarse, but measures something easier to interpret: what happens to the probability
# when a part is really gone. A gradient is *local*: when the network is very sure
# (P(face) near 1), the softmax saturates and the gradients get tiny (see the colour
# bars), although removing the face would change everything; occlusion does not have that
# blind spot, but it misses evidence that appears twice (cover one eye, the other still
# counts).#
# ## 6. Class activation maps: the network's own feature maps
#
# Occlusion asks the model from the outside, saliency asks about the pixels. A third way
# reads the answer off the network's last feature maps. Let $A_k(i, j)$ be the activation
# of filter $k$ of the last conv layer at position $(i, j)$ of its $h \times w$ grid (for our
# detector: 32 maps of 9x9 for a 50x50 scene). Zhou et al. (2016) noticed that when a network
# ends with **global average pooling** (GAP) and a dense layer, the score (logit) of class
# $c$ is
#
# $$ z_c = \sum_k w_{kc} \frac{1}{hw} \sum_{i,j} A_k(i, j) + b_c
#        = \frac{1}{hw} \sum_{i,j} M_c(i, j) + b_c, \qquad
#    M_c(i, j) = \sum_k w_{kc} A_k(i, j): $$
#
# the score is the average of the map $M_c$, the **class activation map** (CAM), plus the
# bias. $M_c$ says exactly where the score comes from; stretched (bilinearly) from 9x9 to
# the 50x50 scene, it becomes a heatmap. Our detector ends with global **max** pooling
# instead: $z_c = \sum_k w_{kc} \max_{i,j} A_k(i, j) + b_c$ depends only on each map's peak, so
# $M_c$ is no longer a decomposition of the score (a feature active in ten places counts
# as much as one active in one place). Rather than stretch the definition, we do what Zhou et
# al. did: train a variant with GAP, otherwise the same network, built with the functional
# API so that the last conv layer and the logits before the softmax have names we can reach.

# %%
def gap_detector():
    """The face detector with global average pooling, the architecture CAM is made for."""
    inputs = keras.Input(shape=(SIDE, SIDE, 1))
    x = layers.Conv2D(16, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 3, activation="relu", name="last_conv")(x)
    x = layers.GlobalAveragePooling2D()(x)
    logits = layers.Dense(2, name="logits")(x)
    return keras.Model(inputs, layers.Softmax()(logits), name="gap_detector")


keras.utils.set_random_seed(0)
gap_model = gap_detector()
gap_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
gap_model.fit(x_train, y_train, epochs=4 if QUICK else 8, batch_size=64, verbose=1)
gap_seconds = time.perf_counter() - start
_, gap_accuracy = gap_model.evaluate(x_test, y_test, batch_size=400, verbose=0)
print(f"GAP variant: test accuracy {gap_accuracy:.3f} ({gap_seconds:.0f} s of training); "
      f"the max-pooling detector: {test_accuracy:.3f}")
helpers.claim("gap_test_accuracy", gap_accuracy, at_least=0.65 if QUICK else 0.85)

# %% [markdown]
# The GAP variant learns the task too (the claim: at least 85% after the full training).
# Now its CAM by hand: a sub-model returns the last conv layer's maps, the dense layer holds
# the weights $w_{kc}$ as its kernel of shape (channels, classes), and the map of the class
# "face" is a matrix product. The check is the formula above: the map's mean plus the bias
# must give the logit.

# %%
features_model = keras.Model(gap_model.inputs[0], gap_model.get_layer("last_conv").output)
logits_model = keras.Model(gap_model.inputs[0], gap_model.get_layer("logits").output)
dense_kernel = gap_model.get_layer("logits").kernel.numpy()  # (32 channels, 2 classes)
dense_bias = gap_model.get_layer("logits").bias.numpy()
index = face_scenes[0]
features = features_model(x_test[index][None]).numpy()[0]  # (9, 9, 32)
cam_face = features @ dense_kernel[:, 1]  # sum_k w_k,face A_k: a 9x9 map
logit_face = logits_model(x_test[index][None]).numpy()[0, 1]
print(f"feature maps {features.shape}, kernel {dense_kernel.shape}, CAM {cam_face.shape}; "
      f"mean of the CAM + bias = {cam_face.mean() + dense_bias[1]:.4f}, logit = {logit_face:.4f}")
helpers.claim("cam_mean_plus_bias_minus_logit", abs(cam_face.mean() + dense_bias[1] - logit_face),
              at_most=1e-3)

# %% [markdown]
# ### Exercise 4 (2 points): a class activation map from scratch
#
# Write `my_cam(feature_maps, weights, class_index, size)`: `feature_maps` are the last conv
# layer's activations for one image, shape (height, width, channels); `weights` is the dense
# layer's kernel, shape (channels, classes), as Keras stores it; return the CAM of class
# `class_index`, $M(i, j) = \sum_k w_{k, c} A_k(i, j)$, stretched to `size` = (image height,
# image width) with `heatmaps.upsample(cam, size)` (bilinear, as Keras resizes images), as a
# numpy array. Keep the sign: no ReLU. Don't call `heatmaps.class_activation_map` or
# `heatmaps.grad_cam` (the check compares with them).

# %% exercise="solution:ex_cam"
def my_cam(feature_maps, weights, class_index, size):
    ### BEGIN SOLUTION
    cam = np.asarray(feature_maps) @ np.asarray(weights)[:, class_index]
    return heatmaps.upsample(cam, size)
    ### END SOLUTION


# %% exercise="check:check_cam:2"
check.cam(my_cam)
### BEGIN HIDDEN TESTS
check.cam(my_cam, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Grad-CAM: the same map, with gradients as weights
#
# CAM needs the GAP + dense ending. **Grad-CAM** (Selvaraju et al., 2017) replaces the dense
# weights by gradients, which every network has: for the score $y_c$ of class $c$,
#
# $$ \alpha_{kc} = \frac{1}{hw} \sum_{i,j} \frac{\partial y_c}{\partial A_k(i, j)}, \qquad
#    \text{Grad-CAM}_c = \operatorname{ReLU}\Big(\sum_k \alpha_{kc} A_k\Big), $$
#
# stretched to the image. The ReLU keeps what argues *for* the class. For GAP + dense and
# $y_c = z_c$ the logit, $\partial z_c / \partial A_k(i, j) = w_{kc} / hw$ at every position,
# so $\alpha_{kc} = w_{kc} / hw$: Grad-CAM is the CAM, divided by $hw$ (and its negative part
# cut off). Mind **which score**: the gradient of the *probability* $p_c$ goes through the
# softmax, $\partial p_c / \partial z_j = p_c(\delta_{cj} - p_j)$, which gives
# $\alpha_{kc} = p_c \big(w_{kc} - \sum_j p_j w_{kj}\big) / hw$; with two classes,
# $p_0 p_1 (w_{k1} - w_{k0}) / hw$, a positive multiple of the CAM of the weight
# *difference* (what the softmax actually depends on), not of $w_{k1}$. We compute both
# with `tf.GradientTape` on a sub-model that returns the feature maps and the score, and
# compare them with the CAM from the dense weights:

# %%
def gradient_weights(score_model, image, class_index):
    """(alpha_k, feature maps) of one image: the mean gradient of the score per feature map."""
    grad_model = keras.Model(score_model.inputs[0],
                             [score_model.get_layer("last_conv").output, score_model.outputs[0]])
    with tf.GradientTape() as tape:
        maps, scores = grad_model(tf.convert_to_tensor(image[None]))
        score = scores[:, class_index]
    gradients = tape.gradient(score, maps)  # (1, 9, 9, 32)
    return tf.reduce_mean(gradients, axis=(1, 2))[0].numpy(), maps[0].numpy()


alpha_logit, maps = gradient_weights(logits_model, x_test[index], 1)
alpha_probability, _ = gradient_weights(gap_model, x_test[index], 1)
hw = maps.shape[0] * maps.shape[1]
p = gap_model(x_test[index][None]).numpy()[0]
mismatch_logit = np.abs(alpha_logit - dense_kernel[:, 1] / hw).max()
mismatch_probability = np.abs(
    alpha_probability - p[0] * p[1] * (dense_kernel[:, 1] - dense_kernel[:, 0]) / hw).max()
print(f"alpha of the logit vs w_face / hw: largest difference {mismatch_logit:.1e} (weights "
      f"of size {np.abs(dense_kernel[:, 1]).max() / hw:.1e}); alpha of P(face) vs "
      f"p0 p1 (w_face - w_noface) / hw: {mismatch_probability:.1e}")
unscaled = heatmaps.grad_cam(logits_model, x_test[index], 1, relu=False, upsample_to_image=False)
print(f"heatmaps.grad_cam (logit, no ReLU) x hw vs the CAM: largest difference "
      f"{np.abs(unscaled * hw - heatmaps.class_activation_map(maps, dense_kernel, 1)).max():.1e}")
helpers.claim("gradcam_alpha_equals_cam_weight_over_hw",
              mismatch_logit / (np.abs(dense_kernel[:, 1]).max() / hw), at_most=1e-3)
helpers.claim("gradcam_probability_alpha_equals_weight_difference",
              mismatch_probability / (np.abs(dense_kernel).max() / hw), at_most=1e-3)

# %% [markdown]
# So for this architecture Grad-CAM and CAM are the same map up to a positive factor, and
# `heatmaps.grad_cam` (the same tape, with input checks, a ReLU and the stretching) agrees
# with `heatmaps.class_activation_map` (the numpy formula). Grad-CAM needs nothing but
# gradients, so it also explains the **max-pooling detector** that occlusion and saliency
# explained. (The gradient of a max is 1 at each map's peak and 0 elsewhere, so there too
# $\alpha_{kc}$ is the weight over $hw$ times the softmax factor: Grad-CAM applies the CAM
# formula to a network that CAM's derivation does not cover.) We score both with the face
# mass of section 3 on the same scenes, and time them:

# %%
cam_maps, gradcam_maps = {}, {}
start = time.perf_counter()
for index in tqdm(face_scenes, desc="Grad-CAM maps"):
    gradcam_maps[index] = heatmaps.grad_cam(model, x_test[index], 1)  # the max-pooling detector
gradcam_seconds = (time.perf_counter() - start) / len(face_scenes)
start = time.perf_counter()
for index in face_scenes:  # one forward pass to the last conv layer, then numpy
    feature_maps = features_model(x_test[index][None]).numpy()[0]
    cam_maps[index] = heatmaps.class_activation_map(feature_maps, dense_kernel, 1, (SIDE, SIDE))
cam_seconds = (time.perf_counter() - start) / len(face_scenes)
gradcam_fractions = np.array([face_fraction(gradcam_maps[i], i) for i in face_scenes])
cam_fractions = np.array([face_fraction(cam_maps[i], i) for i in face_scenes])
methods = pd.DataFrame({
    "model": ["max-pooling detector", "max-pooling detector", "max-pooling detector",
              "GAP variant"],
    "passes per map": [f"{heatmaps.patch_positions(SIDE, 8, 4).size ** 2 + 1} forward",
                       "1 forward + 1 backward", "1 forward + 1 backward", "1 forward"],
    "seconds per map": [occlusion_seconds, saliency_seconds, gradcam_seconds, cam_seconds],
    "mass in face box (median)": [np.median(occlusion_fractions), np.median(saliency_fractions),
                                  np.median(gradcam_fractions), np.median(cam_fractions)]},
    index=["occlusion", "saliency", "Grad-CAM", "CAM"])
display(methods.round(3))
helpers.record("gradcam_seconds_per_map", round(gradcam_seconds, 4))
helpers.record("cam_seconds_per_map", round(cam_seconds, 4))
# Chance is 0.25 (the box's share of the scene); grading runs train less and map fewer scenes.
helpers.claim("face_mass_gradcam", float(np.median(gradcam_fractions)),
              at_least=0.35 if QUICK else 0.6)
helpers.claim("face_mass_cam", float(np.median(cam_fractions)), at_least=0.35 if QUICK else 0.45)

# %%
fig, axes = plt.subplots(3, 4, figsize=(14, 9.6))
for row, index in enumerate(face_scenes[:3]):
    heatmaps.overlay(x_test[index], occlusion_maps[index], ax=axes[row, 0],
                     title=f"occlusion: in box {face_fraction(occlusion_maps[index], index):.0%}")
    heatmaps.overlay(x_test[index], saliency_maps[index], ax=axes[row, 1],
                     title=f"saliency: in box {face_fraction(saliency_maps[index], index):.0%}",
                     cmap="Reds", symmetric=False, limit=np.percentile(saliency_maps[index], 99),
                     label="|dP(face)/dpixel|")
    # Grad-CAM's scale (tiny: gradients of a sure softmax) carries no meaning: show map / max.
    heatmaps.overlay(x_test[index], gradcam_maps[index] / (gradcam_maps[index].max() or 1.0),
                     ax=axes[row, 2],
                     title=f"Grad-CAM: in box {face_fraction(gradcam_maps[index], index):.0%}",
                     cmap="Reds", symmetric=False, label="Grad-CAM / its largest value")
    heatmaps.overlay(x_test[index], cam_maps[index], ax=axes[row, 3],
                     title=f"CAM (GAP variant): in box {face_fraction(cam_maps[index], index):.0%}",
                     label="sum w_k,face A_k")
    for column in range(4):
        face_box(axes[row, column], index)
fig.suptitle("Three test scenes, four maps: occlusion, saliency and Grad-CAM of the "
             "max-pooling detector, CAM of its GAP variant (gold: the face)")
fig.tight_layout()

# %% [markdown]
# Each row is one scene; the maps differ in style more than in place. Grad-CAM and CAM
# are blobs, because they live on the 9x9 grid of the last conv layer (each cell stands for
# about 5x5 pixels and sees a much larger part of the scene), stretched to 50x50: they say
# which *region* holds the evidence, not which pixels. They cost one pass (CAM: the forward
# pass we needed anyway; Grad-CAM: one forward and one backward), against 145 forward
# passes for occlusion. In our runs with the full training, Grad-CAM of the max-pooling
# detector put more of its mass on the face than the CAM of the GAP variant (the table has
# this run's medians, both claimed well above chance): with average pooling every position
# of the scene adds to the score, so features that fire weakly on the background get a
# share of the map; with max pooling only each filter's strongest response counts. The CAM
# is signed: blue where the features argue against "face"; Grad-CAM shows only the red part.

# %% [markdown]
# ## 7. A sanity check: does the map explain the model or the image?
#
# A heatmap method could highlight the face for reasons that have nothing to do with the
# model, for instance because the face has more edges than the background. Adebayo et al.
# (2018) proposed a simple test: compute the maps of a network with **random weights**
# (the same architecture, untrained). A map that still looks the same explains the image,
# not the model. We kept such an untrained copy from section 2.

# %%
random_fractions = {"occlusion": [], "saliency": [], "Grad-CAM": []}
empty_gradcams = 0
for index in tqdm(face_scenes, desc="untrained network"):
    occ = heatmaps.occlusion_map(untrained, x_test[index], 1, patch=8, stride=4, baseline=GREY,
                                 batch_size=256, progress=False)
    random_fractions["occlusion"].append(face_fraction(occ, index))
    random_fractions["saliency"].append(face_fraction(
        heatmaps.saliency_map(untrained, x_test[index], 1), index))
    random_gradcam = heatmaps.grad_cam(untrained, x_test[index], 1)
    empty_gradcams += int(random_gradcam.max() == 0)  # every position cut off by the ReLU
    random_fractions["Grad-CAM"].append(face_fraction(random_gradcam, index))
sanity = pd.DataFrame({
    "trained network": [np.median(occlusion_fractions), np.median(saliency_fractions),
                        np.median(gradcam_fractions)],
    "untrained network": [np.median(random_fractions[method]) for method in random_fractions]},
    index=list(random_fractions))
display(sanity.round(2))
print(f"{empty_gradcams} of the untrained network's {len(face_scenes)} Grad-CAM maps are empty "
      "(all zero after the ReLU; their mass in the box counts as 0)")
helpers.record("face_mass_occlusion_untrained", float(sanity.loc["occlusion",
                                                                 "untrained network"]))
helpers.record("face_mass_saliency_untrained", float(sanity.loc["saliency",
                                                                "untrained network"]))
helpers.record("face_mass_gradcam_untrained", float(sanity.loc["Grad-CAM",
                                                               "untrained network"]))
# The sanity check's verdicts, as claims (chance: the box's share of the scene, 0.25).
helpers.claim("occlusion_trained_minus_untrained",
              sanity.loc["occlusion", "trained network"]
              - sanity.loc["occlusion", "untrained network"], at_least=0.2)
helpers.claim("face_mass_occlusion_untrained_near_chance",
              sanity.loc["occlusion", "untrained network"], at_most=0.3)
helpers.claim("face_mass_saliency_untrained_above_chance",
              sanity.loc["saliency", "untrained network"], at_least=0.25)
helpers.claim("face_mass_gradcam_untrained_near_chance",
              sanity.loc["Grad-CAM", "untrained network"], at_most=0.35)

fig, ax = plt.subplots(figsize=(7.5, 3.4))
positions = np.arange(len(sanity))
trained_bars = ax.bar(positions - 0.2, sanity["trained network"], width=0.4,
                      label="trained network")
untrained_bars = ax.bar(positions + 0.2, sanity["untrained network"], width=0.4,
                        label="untrained network", color="tab:gray")
for bars in (trained_bars, untrained_bars):
    ax.bar_label(bars, fmt="%.2f", fontsize=8)  # an empty map's 0 shows as a number, not a gap
ax.axhline(CROP ** 2 / SIDE ** 2, color="k", ls="--", lw=1, label="chance (box area)")
ax.set_xticks(positions, list(sanity.index))
ax.set(ylim=(0, 1), xlabel="heatmap method",
       ylabel="positive mass in face box (median)",
       title=f"Sanity check on {len(face_scenes)} test scenes with a face")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()

# %% [markdown]
# For the trained network all three methods put much more of the map on the face than
# chance; for the untrained one the occlusion map falls to chance or below (at most 0.3,
# claimed): it depends on what the network learned, as it should. So does Grad-CAM (at
# most 0.35, claimed): with random dense weights, the weighted sum of the feature maps is
# often negative everywhere, and the ReLU leaves an empty map (the count above), or it
# spreads over the scene. The saliency map of the untrained network stays above chance,
# because a random CNN still responds more to the face's edges than to the smooth
# background: part of what a saliency map shows is the image, not the model. This is the
# finding of Adebayo et al., on a small scale (they found Grad-CAM among the methods that
# pass this test).

# %% [markdown]
# ### Exercise 5 (2 points): reading heatmaps of mistakes
#
# The figure below shows the four test scenes on which the network is most wrong, each with
# its occlusion map for the class the network chose. In 4 to 8 sentences: for two of them,
# say what the network seems to rely on; say whether the heatmap can tell you *why* the
# network is wrong, or only *where* it looked; and propose one experiment (a change of the
# data, of the scenes, or of the map's settings) that would test your explanation.

# %%
wrongness = np.abs(y_test - p_face)  # 1 - P(true class)
worst = np.argsort(wrongness)[::-1][:4]
fig, axes = plt.subplots(1, 4, figsize=(14, 3.9))
for ax, index in zip(axes, worst, strict=True):
    chosen = int(p_face[index] > 0.5)
    heatmap = heatmaps.occlusion_map(model, x_test[index], chosen, patch=8, stride=4,
                                     baseline=GREY, progress=False)
    heatmaps.overlay(x_test[index], heatmap, ax=ax,
                     title=f"true: {CLASS_NAMES[y_test[index]]}, chosen: "
                           f"{CLASS_NAMES[chosen]} ({max(p_face[index], 1 - p_face[index]):.2f})")
    face_box(ax, index, "gold" if y_test[index] else "tab:cyan")
fig.suptitle("The four worst test mistakes: occlusion maps of the class the network chose "
             "(box: the pasted crop)")
fig.tight_layout()

# %% [markdown]
# The boxes mark the pasted crop (gold: a face, cyan: a non-face); red marks what the
# network's wrong answer rests on; blue, parts whose covering makes it even surer of that
# answer.

# %% [markdown] exercise="answer:interpret_mistakes:2"
# ### BEGIN SOLUTION
# (A model answer for the figure of one of our runs; the worst mistakes differ from run to
# run, and any reading consistent with the student's own figure is right.)
# In that run most of the four were scenes without a face that the network called "face",
# and some of those pasted crops showed large letters: round dark letters side by side look
# like a pair of eyes, so the network seems to rely on an eyes-like arrangement of dark
# blobs, not on skin or a face outline. In the first, the red sits on a dark blob at the
# bottom of the crop, where a mouth would be; much of the rest of those maps is blue,
# which means that covering those parts with grey makes the network even *more* sure of
# "face": a grey square in a dark scene is itself a bright, face-sized blob, so here the
# baseline adds evidence instead of removing it. The missed face is dark and low in
# contrast, and its map for "no face" is weak except for a bright patch of the background:
# no part of the face argued strongly for "face". The heatmap shows *where* the evidence
# for the wrong answer lies, not *why* it looks like a face to the network; "letters look
# like eyes" is our interpretation. To test it, paste crops with letters (or two dark
# discs) into scenes without a face and check whether P(face) rises; cover the letters
# with their own background colour rather than grey and check that the answer flips; and
# redo the maps with a baseline equal to the scene's mean, which does not add a bright
# blob.
# ### END SOLUTION

# %% [markdown]
# ## 8. An ImageNet classifier on a photo
#
# The same function works for any classifier. MobileNet (Howard et al., 2017) with
# alpha 0.25 is a 0.5-million-parameter ImageNet network whose weights, with the 1,000-class
# classifier on top, `helpers.data` downloads and verifies on first use. When they can be
# had (on Colab, or a machine online), the next cell shows where it looks when it recognises the cat of
# `skimage.data.chelsea()`: occlusion with 32x32 grey patches every 16 pixels (170 forward
# passes of a 224x224 image) next to the saliency map. Offline, it says so in one line.

# %%
def imagenet_classifier():
    """MobileNet (alpha 0.25) with its ImageNet classifier and the class names, or the reason."""
    try:
        # Both verified by checksum; each download gives up after COURSE_DOWNLOAD_TIMEOUT s.
        weights = data.weights_path("mobilenet_0.25_imagenet")
        names = data.imagenet_class_names()
    except data.DataError as exc:
        return None, [], str(exc)
    return keras.applications.MobileNet(alpha=0.25, weights=str(weights)), names, ""


imagenet, imagenet_classes, why_not = imagenet_classifier()
if imagenet is None:
    print(f"No ImageNet classifier here ({why_not[:80]}); online, this cell shows where "
          "MobileNet looks when it recognises the cat in skimage.data.chelsea(), by occlusion "
          "and by gradient, side by side.")
else:
    # A square crop around the cat: resizing all of the 300x451 photo would squash it.
    cat = resize(skimage.data.chelsea()[:, 100:400], (224, 224), anti_aliasing=True,
                 preserve_range=True).astype("float32")  # 0..255, as Keras' pictures are

    def imagenet_predict(batch):
        # MobileNet wants pixels in [-1, 1]; written with tensor arithmetic so that the
        # saliency map can take its gradient too.
        return imagenet(batch / 127.5 - 1.0)

    probabilities = np.asarray(imagenet_predict(cat[None]))[0]
    top_class = int(probabilities.argmax())
    start = time.perf_counter()
    cat_occlusion = heatmaps.occlusion_map(imagenet_predict, cat, top_class, patch=32,
                                           stride=16, baseline=127.5, batch_size=32)
    cat_seconds = time.perf_counter() - start
    cat_saliency = heatmaps.saliency_map(imagenet_predict, cat, top_class)
    helpers.record("imagenet_occlusion_seconds", round(cat_seconds, 1))
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4))
    axes[0].imshow(cat.astype("uint8"))
    axes[0].set(title=f"{imagenet_classes[top_class]}: P = {probabilities[top_class]:.2f}",
                xlabel="column (pixel)", ylabel="row (pixel)")
    axes[0].grid(False)
    heatmaps.overlay(cat.astype("uint8"), cat_occlusion, ax=axes[1],
                     title=f"occlusion, 32x32 grey patches, stride 16 ({cat_seconds:.0f} s)")
    heatmaps.overlay(cat.astype("uint8"), cat_saliency, ax=axes[2], title="saliency",
                     cmap="Reds", symmetric=False, limit=np.percentile(cat_saliency, 99),
                     label="|dP/dpixel|")
    fig.suptitle("Where MobileNet (ImageNet) looks when it recognises the cat")
    fig.tight_layout()

# %% [markdown]
# Online, look at where the red of the occlusion map sits: on the cat's eyes and nose, or
# on the fur and the background, and whether the saliency map agrees. A network trained on
# a million photos usually relies on the face, as our small detector did; when it does not,
# the map has found something worth knowing about the network. Offline this figure is
# skipped.

# %% [markdown]
# ## Key takeaways
# - An occlusion map covers one patch at a time and measures the drop $p_k(x) - p_k(x^{(r,c)})$ of the class probability; it needs only predictions, so it works for any model, and it costs one forward pass per patch position ($\lceil (n-P)/S \rceil + 1$ per axis) plus one.
# - The patch sets the scale of what is removed, the stride the resolution and the cost ($\propto 1/S^2$), and the baseline must differ from what it covers: a black square over a dark head removes nothing.
# - Heatmaps check *how* a model is right: the face detector puts at least twice the share of chance of its occlusion map on the faces (claimed; the table above has this run's share).
# - A saliency map, $|\partial p_k / \partial x|$ from `tf.GradientTape`, costs one backward pass and is sharp, but local: it saturates when the model is sure and partly shows the image's edges rather than the model.
# - For conv -> global average pooling -> dense, the logit is the mean of the class activation map $\sum_k w_{kc} A_k$ plus the bias (CAM); Grad-CAM weighs the maps by their mean gradients instead, which for that architecture and a logit gives the same map (divided by $hw$), and works for any CNN; take the gradient of the logit, or know that the softmax turns the weights into differences. Both are coarse (the last conv layer's grid) and cost one pass; both put most of their mass on the faces (claimed), and Grad-CAM of an untrained network falls to chance.
# - Test an explanation method: maps of an untrained network should not look like those of a trained one; and a heatmap shows where the evidence is, not why.
#
# ## Further reading
# - M. D. Zeiler, R. Fergus, *Visualizing and Understanding Convolutional Networks* (ECCV 2014), https://arxiv.org/abs/1311.2901
# - K. Simonyan, A. Vedaldi, A. Zisserman, *Deep Inside Convolutional Networks: Visualising Image Classification Models and Saliency Maps* (2014), https://arxiv.org/abs/1312.6034
# - B. Zhou, A. Khosla, A. Lapedriza, A. Oliva, A. Torralba, *Learning Deep Features for Discriminative Localization* (CVPR 2016), https://arxiv.org/abs/1512.04150
# - R. R. Selvaraju et al., *Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization* (ICCV 2017), https://arxiv.org/abs/1610.02391
# - J. Adebayo et al., *Sanity Checks for Saliency Maps* (NeurIPS 2018), https://arxiv.org/abs/1810.03292
# - R. C. Fong, A. Vedaldi, *Interpretable Explanations of Black Boxes by Meaningful Perturbation* (ICCV 2017), https://arxiv.org/abs/1704.03296
# - G. B. Huang et al., *Labeled Faces in the Wild* (2007), http://vis-www.cs.umass.edu/lfw/; A. G. Howard et al., *MobileNets* (2017), https://arxiv.org/abs/1704.04861
# - Keras example, *Grad-CAM class activation visualization*, https://keras.io/examples/vision/grad_cam/
