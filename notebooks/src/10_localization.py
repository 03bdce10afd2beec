# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 10 · Localization: where is the object?
#
# {{colab_badge}}
#
# A classifier says *what* is in an image; **localization** also says *where*, with a box
# around the object. The lecture gives two ways to get there with a CNN: (1) **regress** the
# coordinates, a keypoint or the four numbers of a box, as the output of the network; or
# (2) turn the question into many **yes/no classifications**, one per region of the image
# ("is the object here?"), and read the box off the map of answers. This notebook builds
# scenes with known boxes, learns to score a box with IoU, trains both approaches on the
# same scenes and compares them.
#
# **What you will learn**
# - how a box is written down (corners or centre and size) and converted, by hand and checked against Keras;
# - intersection over union (IoU), the score of a predicted box, and how strict it is;
# - approach 1: a CNN that regresses a keypoint (the centre) and the size of the box;
# - approach 2: a fully convolutional network that classifies every grid cell as "object here, yes or no", a sliding-window classifier computed in one pass, and how to read a box from its map;
# - what limits each approach, measured: precision, grid resolution, and several objects.
#
# **Prerequisites:** notebook 03 (Conv2D, pooling, receptive fields, training a CNN);
# numpy slicing and broadcasting.

# %%
# {{colab_install}}
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from keras import layers
from scipy import ndimage

import helpers
from helpers import data
from helpers import localization as loc
from helpers.checks import localization as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))

# %% [markdown]
# ## 1. Scenes with a known box
#
# To learn where objects are, we need images with the answer written down. We make them:
# `helpers.localization.make_scenes` takes the small images of a dataset, shrinks or
# enlarges each by a random factor between 0.75 and 1.25, pastes it at a random place on a
# larger canvas of 64x64 pixels and adds noise everywhere. Because we placed the object,
# we know its **ground-truth box**: the tightest box around its nonzero pixels.
#
# A box is four numbers. This notebook writes it in **corners** format,
# $(x_\min, y_\min, x_\max, y_\max)$ (Keras calls it `"xyxy"`): $x$ counts columns from the
# left, $y$ rows from the top (as in an image, not as in a math plot), and the maxima are
# *exclusive*, as in a Python slice, so `scene[y_min:y_max, x_min:x_max]` is what is inside
# the box and its area is $(x_\max - x_\min)(y_\max - y_\min)$ pixels.
#
# The training scenes use the training images and the test scenes the test images, so
# the objects of the test scenes were never seen in training.

# %%
CANVAS, SCALE, NOISE = 64, (0.75, 1.25), 0.1
N_TRAIN = 1000 if QUICK else 4000
N_TEST = 500 if QUICK else 1000
ds = data.load("fashion_mnist", n_train=N_TRAIN, n_test=N_TEST)
print(ds)
train_scenes, train_boxes, train_labels = loc.make_scenes(
    ds.x_train, ds.y_train, N_TRAIN, canvas=CANVAS, noise=NOISE, scale=SCALE, seed=1)
test_scenes, test_boxes, test_labels = loc.make_scenes(
    ds.x_test, ds.y_test, N_TEST, canvas=CANVAS, noise=NOISE, scale=SCALE, seed=2)
sizes = np.c_[train_boxes[:, 2] - train_boxes[:, 0], train_boxes[:, 3] - train_boxes[:, 1]]
print(f"{N_TRAIN:,} training and {N_TEST:,} test scenes of {CANVAS}x{CANVAS} pixels; "
      f"boxes from {sizes.min():.0f} to {sizes.max():.0f} pixels wide or high "
      f"(median {np.median(sizes[:, 0]):.0f} x {np.median(sizes[:, 1]):.0f})")
print("first box (x_min, y_min, x_max, y_max):", train_boxes[0])

# %%
fig, axes = plt.subplots(2, 5, figsize=(12, 5.4))
for i, ax in enumerate(axes.ravel()):
    ax.imshow(train_scenes[i], cmap="gray_r", vmin=0, vmax=1)
    loc.draw_boxes(ax, train_boxes[i], color="tab:green")
    ax.set_title(ds.class_names[train_labels[i]], fontsize=9)
    ax.set(xlabel="x (column)", ylabel="y (row)")
    ax.grid(False)
fig.suptitle(f"Training scenes made from {ds.name}, with their ground-truth boxes")
fig.tight_layout()

# %% [markdown]
# Each box touches the object on all four sides, whatever the object's size and place; the
# noise fills the canvas, so the network cannot find the object by looking for the only
# pixels that are not zero.
#
# The other common format is **centre and size**, $(x_c, y_c, w, h)$ (Keras' `"center_xywh"`).
# It splits a box into a *keypoint*, the centre, and a size, which is how section 3's network
# will predict it. Converting between the two is the first thing to get right: a box in the
# wrong format is silently a different box.

# %% [markdown]
# ### Exercise 1 (2 points): from corners to centre and back
#
# Write `corners_to_centre(boxes)`, which turns boxes $(x_\min, y_\min, x_\max, y_\max)$ into
# $(x_c, y_c, w, h)$, and `centre_to_corners(boxes)`, its inverse. `boxes` is a numpy array
# of shape `(4,)` (one box) or `(n, 4)` (n boxes); return a float array of the same shape,
# without changing the input. Index the last axis (`boxes[..., 0]` is every $x_\min$) and
# build the result with `np.stack(..., axis=-1)`: the same code then works for one box
# and for many. The check compares with `loc.convert_boxes`, which gives what Keras'
# `keras.utils.bounding_boxes.convert_format` gives.

# %% exercise="solution:ex_box_formats"
def corners_to_centre(boxes):
    ### BEGIN SOLUTION
    boxes = np.asarray(boxes, dtype=float)
    x_min, y_min, x_max, y_max = (boxes[..., i] for i in range(4))
    return np.stack([(x_min + x_max) / 2, (y_min + y_max) / 2, x_max - x_min, y_max - y_min],
                    axis=-1)
    ### END SOLUTION


def centre_to_corners(boxes):
    ### BEGIN SOLUTION
    boxes = np.asarray(boxes, dtype=float)
    x_c, y_c, w, h = (boxes[..., i] for i in range(4))
    return np.stack([x_c - w / 2, y_c - h / 2, x_c + w / 2, y_c + h / 2], axis=-1)
    ### END SOLUTION


# %% exercise="check:check_box_formats:2"
check.box_formats(corners_to_centre, centre_to_corners)
### BEGIN HIDDEN TESTS
check.box_formats(corners_to_centre, centre_to_corners, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Intersection over union
#
# How good is a predicted box $P$ for the true box $T$? The standard score is the
# **intersection over union**, the Jaccard index of the two sets of pixels:
#
# $$ \mathrm{IoU}(P, T) = \frac{|P \cap T|}{|P \cup T|} = \frac{|P \cap T|}{|P| + |T| - |P \cap T|}. $$
#
# It is 1 for the same box and 0 for boxes that do not overlap, and it does not depend on
# the units: pixels or coordinates divided by the canvas size give the same IoU. The
# intersection of two boxes is a box too, from the larger of the two minima to the smaller
# of the two maxima on each axis, or empty when these cross. PASCAL VOC counts a detection
# as right when its IoU with the truth is at least 0.5; COCO averages over thresholds from
# 0.5 to 0.95.

# %% [markdown]
# ### Exercise 2 (3 points): IoU from scratch
#
# Write `my_iou(box_a, box_b)`: the IoU of boxes in corners format, for two single boxes
# (shape `(4,)`, return a number) and for two arrays of `n` boxes (shape `(n, 4)`, return
# the `n` IoUs of the pairs `box_a[i]`, `box_b[i]`). Mind the edge cases: boxes that do not
# overlap, or only touch along an edge, have IoU 0 (an intersection's width or height
# cannot be negative: `np.maximum(..., 0)`); a box inside another has the ratio of their
# areas; an empty box (zero width or height) has IoU 0 with anything, and if both boxes are
# empty (the union is 0) return 0 too. Don't call `loc.iou`: it is what the check compares with.

# %% exercise="solution:ex_iou"
def my_iou(box_a, box_b):
    ### BEGIN SOLUTION
    a, b = np.asarray(box_a, dtype=float), np.asarray(box_b, dtype=float)
    width = np.maximum(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0)
    height = np.maximum(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0)
    inter = width * height
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    ### END SOLUTION


# %% exercise="check:check_iou:3"
check.iou(my_iou)
### BEGIN HIDDEN TESTS
check.iou(my_iou, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The rest of the notebook uses `helpers.localization.iou`, which computes the same thing.
# Two independent references check it: Keras' `keras.utils.bounding_boxes.compute_iou`,
# which returns the IoU of every box of one set with every box of another (we keep the
# diagonal, the pairs), and the definition itself, by counting pixels: paint both boxes on
# a grid and divide the number of pixels they share by the number either covers.

# %%
rng = np.random.default_rng(0)
corners = rng.integers(0, CANVAS, size=(300, 2, 2))
random_a = np.c_[corners[:, 0].min(axis=1), corners[:, 1].min(axis=1),
                 corners[:, 0].max(axis=1) + 1, corners[:, 1].max(axis=1) + 1].astype(float)
random_b = np.roll(random_a, 1, axis=0)  # every box against its neighbour
pairs_a, pairs_b = np.r_[random_a, test_boxes], np.r_[random_b, test_boxes[::-1]]


def pixel_count_iou(a, b):
    painted_a, painted_b = np.zeros((CANVAS, CANVAS), bool), np.zeros((CANVAS, CANVAS), bool)
    painted_a[int(a[1]):int(a[3]), int(a[0]):int(a[2])] = True
    painted_b[int(b[1]):int(b[3]), int(b[0]):int(b[2])] = True
    return (painted_a & painted_b).sum() / (painted_a | painted_b).sum()


ours = loc.iou(pairs_a, pairs_b)
by_pixels = np.array([pixel_count_iou(a, b) for a, b in zip(pairs_a, pairs_b, strict=True)])
by_keras = np.diag(keras.ops.convert_to_numpy(
    keras.utils.bounding_boxes.compute_iou(pairs_a, pairs_b, "xyxy")))
iou_diff = max(np.abs(ours - by_pixels).max(), np.abs(ours - by_keras).max())
print(f"{len(pairs_a)} pairs of boxes, {np.mean(ours == 0):.0%} of them disjoint; largest "
      f"difference from counting pixels: {np.abs(ours - by_pixels).max():.1e}, "
      f"from Keras: {np.abs(ours - by_keras).max():.1e}")
helpers.claim("iou_max_diff", float(iou_diff), at_most=1e-5)
helpers.record("iou_max_diff_keras", float(np.abs(ours - by_keras).max()))

# %% [markdown]
# All three agree, to within the $10^{-5}$ the claim asserts (Keras computes in float32,
# hence the small differences printed). How strict
# is IoU? Take a square box of 24 pixels, about the size of our objects, and move or grow
# a copy of it by a few pixels:

# %%
side = 24.0
true_box = np.array([20.0, 20.0, 20.0 + side, 20.0 + side])
errors = np.arange(0, 13)
moves = {
    "shifted right by d": [true_box + [d, 0, d, 0] for d in errors],
    "shifted right and down by d": [true_box + [d, d, d, d] for d in errors],
    "d pixels wider and higher": [true_box + [0, 0, d, d] for d in errors],
}
fig, ax = plt.subplots(figsize=(7, 3.8))
for name, boxes in moves.items():
    ax.plot(errors, loc.iou(np.array(boxes), true_box), "o-", label=name)
for level in (0.5, 0.75):
    ax.axhline(level, color="gray", ls="--", lw=1)
ax.set(xlabel="error d in pixels", ylabel="IoU with the true box", ylim=(0, 1.02),
       title=f"IoU of a {side:.0f}x{side:.0f} box and copies of it with small errors")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# IoU is strict: a shift of 4 pixels in both directions, a sixth of the box, already costs
# almost half of it (IoU 0.53), and errors on each axis multiply. A mean IoU of 0.7 therefore
# means boxes off by only two or three pixels per side on a 64-pixel canvas.

# %% [markdown]
# ## 3. Approach 1: regress the box
#
# The first approach treats the box as four numbers to predict, exactly as a regression
# predicts a price: a CNN reads the scene and ends in a `Dense` layer with 4 outputs. We
# predict the centre, a **keypoint**, and the size, $(x_c, y_c, w, h)$, each divided by the
# canvas size so that they lie in $[0, 1]$ (a sigmoid output keeps them there), and train
# with the mean squared error between predicted and true numbers, the simplest regression
# loss. The body of the network is a stack of 3x3 convolutions and 2x2 poolings like in
# notebook 03; it brings the 64x64 scene down to an 8x8 map of 32 features, which the dense
# layers turn into the four numbers.

# %%
def conv_body(inputs):
    """Four 3x3 convolutions, three 2x2 poolings: 64x64 pixels -> 8x8 cells of 32 features."""
    h = inputs
    for filters, pool in [(8, True), (16, True), (32, True), (32, False)]:
        h = layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
        if pool:
            h = layers.MaxPooling2D(2)(h)
    return h


inputs = keras.Input(shape=(CANVAS, CANVAS, 1))
h = layers.Flatten()(conv_body(inputs))
h = layers.Dense(64, activation="relu")(h)
box_out = layers.Dense(4, activation="sigmoid", name="centre_and_size")(h)
regressor = keras.Model(inputs, box_out, name="box_regressor")
regressor.summary()

x_train, x_test = train_scenes[..., None], test_scenes[..., None]
y_train_centre = loc.convert_boxes(train_boxes, "xyxy", "center_xywh") / CANVAS
print("first target (x_c, y_c, w, h) / 64:", y_train_centre[0].round(3))

# %%
# Grading trains on a quarter of the scenes: smaller batches give it enough steps.
EPOCHS, BATCH = (3, 16) if QUICK else (6, 64)
steps = EPOCHS * int(np.ceil(N_TRAIN / BATCH))
keras.utils.set_random_seed(0)
regressor.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
                  loss="mse")
start = time.perf_counter()
regressor.fit(x_train, y_train_centre, epochs=EPOCHS, batch_size=BATCH, verbose=1)
regression_seconds = time.perf_counter() - start

predicted_centre = regressor.predict(x_test, batch_size=500, verbose=0) * CANVAS
regression_boxes = loc.convert_boxes(predicted_centre, "center_xywh", "xyxy")
regression_iou = loc.iou(regression_boxes, test_boxes)
true_centre = loc.convert_boxes(test_boxes, "xyxy", "center_xywh")
centre_error = np.linalg.norm(predicted_centre[:, :2] - true_centre[:, :2], axis=1)
print(f"trained in {regression_seconds:.0f} s on {N_TRAIN:,} scenes; on {N_TEST:,} test scenes: "
      f"mean IoU {regression_iou.mean():.3f}, IoU >= 0.5 for {np.mean(regression_iou >= 0.5):.1%}; "
      f"the centre (a keypoint) is off by {np.median(centre_error):.1f} pixels (median)")
# Grading runs train 3 epochs on a quarter of the scenes: a lower bar, still far from a
# network that never trained.
helpers.claim("mean_iou_regression", float(regression_iou.mean()), at_least=0.4 if QUICK else 0.7)
helpers.record("hit_rate_regression", float(np.mean(regression_iou >= 0.5)))
helpers.claim("centre_error_px", float(np.median(centre_error)), at_most=3.0, grading=False)
helpers.record("train_seconds_regression", round(regression_seconds, 1))


# %%
def show_boxes(rows, title, predicted, name, colour="tab:red"):
    """Test scenes, one row per list of indices, with the true and the predicted box."""
    scores = loc.iou(predicted, test_boxes)
    fig, axes = plt.subplots(len(rows), len(rows[0]), figsize=(2.4 * len(rows[0]), 2.7 * len(rows)),
                             squeeze=False)
    for ax_row, indices in zip(axes, rows, strict=True):
        for ax, i in zip(ax_row, indices, strict=True):
            ax.imshow(test_scenes[i], cmap="gray_r", vmin=0, vmax=1)
            loc.draw_boxes(ax, test_boxes[i], color="tab:green", label="true box")
            loc.draw_boxes(ax, predicted[i], color=colour, linestyle="--", label=name)
            ax.set_title(f"{ds.class_names[test_labels[i]]}: IoU {scores[i]:.2f}", fontsize=8)
            ax.set(xlabel="x (column)", ylabel="y (row)", xlim=(-0.5, CANVAS - 0.5),
                   ylim=(CANVAS - 0.5, -0.5))
            ax.tick_params(labelsize=7)
            ax.grid(False)
    axes[0, -1].legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.suptitle(title)
    fig.tight_layout()


worst = np.argsort(regression_iou)[:5]
show_boxes([list(range(5)), list(worst)],
           "Regression on test scenes: the first five (top) and the five worst (bottom)",
           regression_boxes, "regressed box")

# %% [markdown]
# On typical scenes the regressed box (red, dashed) sits almost on the true one (green), and
# its centre is right to a few pixels (the median error is claimed at most 3 pixels above). The worst scenes are mostly objects of unusual
# proportions, such as a very thin one, or with faint parts that the noise hides: the true
# box goes around every nonzero pixel, faint or not, while the network can only box what it
# sees. A ground truth made by a rule is not always the box a person would draw.

# %% [markdown]
# ## 4. Approach 2: yes/no for every cell
#
# The second approach asks a simpler question many times. Cut the canvas into a grid of
# 8x8-pixel cells (an 8x8 grid) and ask, for every cell: *is this cell part of the object's
# box?* The label of a cell is 1 when its centre lies inside the true box, else 0
# (`loc.grid_targets`). A network that answers this for every cell gives a map of
# probabilities, and the box is read off the map: from the first to the last cell that says
# yes.
#
# A classifier applied to windows would be slow if we cut out every window and ran it
# separately. A **fully convolutional** network does it in one pass: keep the convolutional
# body of section 3 and replace the dense layers by a 1x1 convolution with a sigmoid. Each
# of its 8x8 outputs is then a yes/no classifier that looks at one window of the scene, its
# receptive field, and the windows of neighbouring cells are 8 pixels apart: a sliding-window
# classifier whose windows share their computations (OverFeat, Sermanet et al., 2014). With
# the formula of notebook 03, the window of each cell is 38 pixels wide, enough to see the
# edges of an object from inside it.

# %%
CELL = 8
inputs = keras.Input(shape=(CANVAS, CANVAS, 1))
cell_logit = layers.Conv2D(1, 1, activation="sigmoid", name="object_here")(conv_body(inputs))
cell_map = layers.Reshape((CANVAS // CELL, CANVAS // CELL))(cell_logit)
cell_classifier = keras.Model(inputs, cell_map, name="cell_classifier")
cell_classifier.summary()
y_train_cells = loc.grid_targets(train_boxes, CANVAS, CELL)
y_test_cells = loc.grid_targets(test_boxes, CANVAS, CELL)
print(f"targets {y_train_cells.shape}: {y_train_cells.mean():.0%} of the cells are 'yes'")

# %% [markdown]
# The output has the same 8x8 layout as the grid: the network keeps *where*, because it
# never flattens the map. It has about a tenth of the regressor's parameters, since there
# is no dense layer. We train it with binary cross-entropy, one yes/no question per cell.

# %%
keras.utils.set_random_seed(0)
cell_classifier.compile(
    optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
    loss="binary_crossentropy", metrics=["binary_accuracy"])
start = time.perf_counter()
cell_classifier.fit(x_train, y_train_cells, epochs=EPOCHS, batch_size=BATCH, verbose=1)
classification_seconds = time.perf_counter() - start
test_maps = cell_classifier.predict(x_test, batch_size=500, verbose=0)
cell_accuracy = np.mean((test_maps >= 0.5) == (y_test_cells == 1))
# Most cells are "no": answering "no" everywhere would already score this much.
all_no = 1 - y_test_cells.mean()
print(f"trained in {classification_seconds:.0f} s; {cell_accuracy:.1%} of the test cells "
      f"classified right, against {all_no:.1%} for answering 'no' everywhere")
helpers.claim("cell_accuracy", float(cell_accuracy), at_least=0.85)
helpers.claim("cell_accuracy_over_all_no", float(cell_accuracy - all_no), at_least=0.05)
helpers.record("train_seconds_classification", round(classification_seconds, 1))

# %% [markdown]
# ### Exercise 3 (2 points): a box from the map
#
# Write `box_from_grid(prob_map, cell, threshold=0.5)`: `prob_map` is a 2-D array of
# probabilities, one per grid cell (rows are $y$, columns are $x$), and `cell` the side of
# a cell in pixels. Return the box, in pixels and corners format, that encloses every
# cell whose probability is at least `threshold`: from the top-left corner of the first
# such cell to the bottom-right corner of the last (cell column $c$ covers the pixels
# $c \cdot \text{cell}$ to $(c + 1) \cdot \text{cell}$, maximum exclusive). If no cell
# reaches the threshold, return the box of the single most probable cell
# (`np.unravel_index(np.argmax(prob_map), prob_map.shape)`). Return an array of 4 floats.
# *Hint:* `np.nonzero(prob_map >= threshold)` gives the rows and the columns of the cells.

# %% exercise="solution:ex_box_from_grid"
def box_from_grid(prob_map, cell, threshold=0.5):
    ### BEGIN SOLUTION
    prob_map = np.asarray(prob_map, dtype=float)
    rows, cols = np.nonzero(prob_map >= threshold)
    if len(rows) == 0:
        row, col = np.unravel_index(np.argmax(prob_map), prob_map.shape)
        rows, cols = np.array([row]), np.array([col])
    return np.array([cols.min() * cell, rows.min() * cell,
                     (cols.max() + 1) * cell, (rows.max() + 1) * cell], dtype=float)
    ### END SOLUTION


# %% exercise="check:check_box_from_grid:2"
check.box_from_grid(box_from_grid)
### BEGIN HIDDEN TESTS
check.box_from_grid(box_from_grid, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `loc.boxes_from_grid` does the same for a batch of maps. How good can such boxes be?
# Even a perfect classifier, one that answers every cell right, gives boxes whose edges
# lie on the grid lines: applied to the true labels, the same rule gives the best box the
# grid can express, an upper bound for this approach.

# %%
classification_boxes = loc.boxes_from_grid(test_maps, CELL)
classification_iou = loc.iou(classification_boxes, test_boxes)
oracle_iou = loc.iou(loc.boxes_from_grid(y_test_cells, CELL), test_boxes)
print(f"boxes from the predicted maps: mean IoU {classification_iou.mean():.3f}, "
      f"IoU >= 0.5 for {np.mean(classification_iou >= 0.5):.1%}; from the true cell labels "
      f"(a perfect classifier): mean IoU {oracle_iou.mean():.3f}")
helpers.record("mean_iou_classification", float(classification_iou.mean()))
helpers.record("hit_rate_classification", float(np.mean(classification_iou >= 0.5)))
helpers.record("grid_oracle_iou", float(oracle_iou.mean()))
# The comparison the text draws: regression is more precise, and the grid, not the
# classifier, limits the yes/no approach (a perfect classifier gains little).
helpers.claim("iou_regression_minus_classification",
              float(regression_iou.mean() - classification_iou.mean()), at_least=0.05,
              grading=False)
helpers.claim("iou_oracle_minus_classification",
              float(oracle_iou.mean() - classification_iou.mean()), at_most=0.1, grading=False)

# %%
fig, axes = plt.subplots(2, 5, figsize=(12, 5.6), layout="constrained")
for i in range(5):
    scene_ax, map_ax = axes[0, i], axes[1, i]
    scene_ax.imshow(test_scenes[i], cmap="gray_r", vmin=0, vmax=1)
    scene_ax.set_title(ds.class_names[test_labels[i]], fontsize=9)
    image = map_ax.imshow(test_maps[i], cmap="magma", vmin=0, vmax=1,
                          extent=(-0.5, CANVAS - 0.5, CANVAS - 0.5, -0.5))
    map_ax.set_title(f"P(object here); IoU {classification_iou[i]:.2f}", fontsize=9)
    for ax in (scene_ax, map_ax):
        loc.draw_boxes(ax, test_boxes[i], color="tab:green", label="true box")
        loc.draw_boxes(ax, classification_boxes[i], color="tab:cyan", linestyle="--",
                       label="box from the map")
        ax.set(xlabel="x (column)", ylabel="y (row)")
        ax.tick_params(labelsize=7)
        ax.grid(False)
axes[0, -1].legend(fontsize=7, loc="lower right", framealpha=0.9)
fig.colorbar(image, ax=axes[1], shrink=0.9, label="probability of 'yes'")
_ = fig.suptitle("Approach 2 on five test scenes (top) and their 8x8 maps of yes/no answers "
                 "(bottom)")

# %% [markdown]
# The map is bright (yes) on the cells inside the object's box and dark elsewhere, with a
# few uncertain cells along the edges; the box read from it (cyan, dashed) can only follow
# the grid lines, so its edges are up to half a cell, 4 pixels, away from the true ones.

# %% [markdown]
# ## 5. The two approaches compared
#
# Same scenes, same convolutional body, two ways to read it out. The table puts the scores
# side by side, the left figure shows the spread of IoU over the test scenes, and the
# right one how the grid's resolution bounds the yes/no approach: the best IoU that a
# perfect classifier reaches for cells of 16, 8, 4 and 2 pixels.

# %%
comparison = pd.DataFrame({
    "mean IoU": [regression_iou.mean(), classification_iou.mean(), oracle_iou.mean()],
    "IoU >= 0.5": [np.mean(regression_iou >= 0.5), np.mean(classification_iou >= 0.5),
                   np.mean(oracle_iou >= 0.5)],
    "IoU >= 0.75": [np.mean(regression_iou >= 0.75), np.mean(classification_iou >= 0.75),
                    np.mean(oracle_iou >= 0.75)],
    "parameters": [regressor.count_params(), cell_classifier.count_params(), np.nan],
    "training s": [regression_seconds, classification_seconds, np.nan],
}, index=["1: regression of the box", "2: yes/no per 8x8 cell",
          "2 with a perfect classifier"])
display(comparison.round(3))

cell_sizes = [16, 8, 4, 2]
oracle_by_cell = [loc.iou(loc.boxes_from_grid(loc.grid_targets(test_boxes, CANVAS, c), c),
                          test_boxes).mean() for c in cell_sizes]
fig, (ax_hist, ax_grid) = plt.subplots(1, 2, figsize=(11, 3.8))
bins = np.linspace(0, 1, 41)
ax_hist.hist(regression_iou, bins, alpha=0.6, color="tab:red", label="1: regression")
ax_hist.hist(classification_iou, bins, alpha=0.6, color="tab:cyan", label="2: yes/no cells")
ax_hist.set(xlabel="IoU with the true box", ylabel="test scenes",
            title="IoU of every test scene")
ax_hist.legend(fontsize=8)
ax_grid.plot(cell_sizes, oracle_by_cell, "o-", color="tab:cyan",
             label="2 with a perfect classifier")
ax_grid.plot([CELL], [classification_iou.mean()], "s", color="tab:blue", ms=8,
             label=f"2 as trained ({CELL}-pixel cells)")
ax_grid.axhline(regression_iou.mean(), color="tab:red", ls="--", label="1: regression")
ax_grid.set_xscale("log", base=2)
ax_grid.set_xticks(cell_sizes, [str(c) for c in cell_sizes])
ax_grid.set(xlabel="cell size in pixels (log scale)", ylabel="mean IoU", ylim=(0, 1),
            title="The grid bounds the yes/no approach")
ax_grid.legend(fontsize=8, loc="lower left")
fig.tight_layout()

# %% [markdown]
# The regressed boxes are more precise (claimed: by at least 0.05 of mean IoU; the histogram
# shows where each piles up). The right panel says why: with 8-pixel cells even a perfect
# classifier stays near the trained one (claimed: within 0.1 of mean IoU), so the limit is the grid, not the classifier.
# Smaller cells would raise the bound, at the price of a finer map (fewer poolings, more
# computation, and less context per cell).
#
# The yes/no approach has one advantage that the table does not show. The regressor has
# exactly one box as output, so it cannot say "two objects"; the map can. Here are scenes
# with two objects, which neither network saw in training: two small test objects in
# opposite corners of one canvas. We read the map's boxes as its connected groups of "yes"
# cells (`scipy.ndimage.label`).

# %%
# Objects of up to 24 pixels (the small end of the training sizes) in opposite corners.
N_PAIRS, SMALL, FAR = 4, 24, CANVAS - 24
small, small_boxes, _ = loc.make_scenes(ds.x_test, ds.y_test, 2 * N_PAIRS, canvas=SMALL,
                                        noise=0.0, scale=(0.75, 0.85), seed=3)
two = np.zeros((N_PAIRS, CANVAS, CANVAS), "float32")
two_boxes = np.zeros((N_PAIRS, 2, 4))
for k in range(N_PAIRS):
    corners = [(0, 0), (FAR, FAR)] if k % 2 == 0 else [(0, FAR), (FAR, 0)]  # (top, left)
    for m, (top, left) in enumerate(corners):
        two[k, top:top + SMALL, left:left + SMALL] = small[2 * k + m]
        two_boxes[k, m] = small_boxes[2 * k + m] + [left, top, left, top]
noise = np.random.default_rng(4).normal(0, NOISE, size=two.shape)
two = np.clip(two + noise, 0, 1)
two_regressed = loc.convert_boxes(regressor.predict(two[..., None], verbose=0) * CANVAS,
                                  "center_xywh", "xyxy")
two_maps = cell_classifier.predict(two[..., None], verbose=0)

fig, axes = plt.subplots(1, N_PAIRS, figsize=(3 * N_PAIRS, 3.8), squeeze=False)
for ax, scene, true, box, prob in zip(axes[0], two, two_boxes, two_regressed, two_maps,
                                      strict=True):
    ax.imshow(scene, cmap="gray_r", vmin=0, vmax=1)
    groups, count = ndimage.label(prob >= 0.5)
    map_boxes = [loc.boxes_from_grid(groups == g, CELL) for g in range(1, count + 1)]
    loc.draw_boxes(ax, true, color="tab:green", label="true boxes")
    loc.draw_boxes(ax, box, color="tab:red", linestyle="--", label="regression (one box)")
    if map_boxes:
        loc.draw_boxes(ax, np.array(map_boxes), color="tab:cyan", linestyle=":",
                       linewidth=2.2, label="yes/no map (one box per group)")
    ax.set_title(f"{count} group(s) of 'yes' cells", fontsize=9)
    ax.set(xlabel="x (column)", ylabel="y (row)")
    ax.grid(False)
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=8)
fig.suptitle("Two objects on one canvas: one regressed box against the yes/no map")
fig.tight_layout(rect=(0, 0.1, 1, 1))
# How well the single regressed box matches the better of the two objects, per scene.
two_iou = loc.iou(np.repeat(two_regressed, 2, axis=0), two_boxes.reshape(-1, 4)).reshape(-1, 2)
helpers.claim("two_objects_regressed_best_iou", float(np.median(two_iou.max(axis=1))),
              at_most=0.3)

# %% [markdown]
# The regressor, trained on one object per scene, has to put its single box somewhere, and
# in our runs it puts it between the two objects, on neither (claimed: the median IoU with
# the better of the two objects is at most 0.3): trained with the squared error, it
# predicts something like the average of the possible answers. The map says "yes" around each object, and its
# groups of cells give one box per object, as coarse as the grid. (Objects only a cell or
# two apart can merge into one group: the windows of the cells between them see both.)
# Detectors such as YOLO combine the two approaches: every cell of a grid answers yes/no
# *and* regresses a precise box relative to itself.

# %% [markdown]
# ### Exercise 4 (2 points): which approach, when?
#
# In 4 to 8 sentences, using your own numbers: which approach localized the single objects
# more precisely, and what limits the other one (say how you know from the figures)? Which
# one would you choose for scenes with a varying number of objects, and why? Name one change
# that would make the yes/no approach more precise, and what it would cost.

# %% [markdown] exercise="answer:compare_approaches:2"
# ### BEGIN SOLUTION
# (A model answer for a run on Fashion-MNIST; it reads the printed numbers rather than
# quoting them, since a student's numbers differ a little.) Regressing the box was clearly
# more precise: a higher mean IoU than the boxes read from the 8x8 map, and a far larger
# share of boxes above a strict IoU (the claim `iou_regression_minus_classification` checks
# the gap). The yes/no approach is limited by its grid, not by its classifier: a perfect
# classifier on the same 8-pixel cells reaches barely more than the trained one (the claim
# `iou_oracle_minus_classification`), because every edge of its box lies on a grid line, up to 4 pixels from the true edge,
# and IoU punishes a few pixels per side heavily. For a varying number of objects I would
# choose the map: the regressor has a fixed number of outputs, one box, and in the two-object
# scenes it put that box between the two objects, on neither, while the map lit up around
# each object and gave one group of cells per object. Smaller cells (4 or 2 pixels) would raise the bound
# (the right panel of the figure above shows by how much), but the map would need fewer poolings, so more computation at full
# resolution and less context per cell, or an upsampling part as in segmentation networks;
# alternatively each cell could also regress the offsets of the edges, as YOLO does.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
# - A box is four numbers: corners $(x_\min, y_\min, x_\max, y_\max)$ or centre and size $(x_c, y_c, w, h)$; convert carefully, and know whether the maxima are inclusive.
# - IoU, the intersection over the union, scores a box; it is strict: a few pixels per side cost a lot, and 0.5 is the classic threshold for "found".
# - Approach 1, regression: a CNN with a 4-unit output predicts the centre (a keypoint) and size directly; precise for one object, but its number of outputs fixes the number of objects.
# - Approach 2, yes/no per region: a fully convolutional network classifies every cell's window in one pass (a sliding window for free); it handles any number of objects, but its boxes are only as fine as its grid.
# - Detectors combine both: a grid of cells that each say "object here?" and regress a box.
#
# ## Further reading
# - Stanford CS231n, lecture "Detection and Segmentation" (classification + localization, sliding windows), https://cs231n.stanford.edu/
# - P. Sermanet et al., *OverFeat: Integrated Recognition, Localization and Detection using Convolutional Networks* (ICLR 2014), https://arxiv.org/abs/1312.6229
# - A. Toshev, C. Szegedy, *DeepPose: Human Pose Estimation via Deep Neural Networks* (CVPR 2014): keypoints by regression, https://arxiv.org/abs/1312.4659
# - J. Long, E. Shelhamer, T. Darrell, *Fully Convolutional Networks for Semantic Segmentation* (CVPR 2015), https://arxiv.org/abs/1411.4038
# - J. Redmon et al., *You Only Look Once: Unified, Real-Time Object Detection* (CVPR 2016), https://arxiv.org/abs/1506.02640
# - M. Everingham et al., *The PASCAL Visual Object Classes (VOC) Challenge* (IJCV 2010), the IoU ≥ 0.5 criterion; H. Rezatofighi et al., *Generalized Intersection over Union* (CVPR 2019), https://arxiv.org/abs/1902.09630
# - Keras bounding-box utilities, https://keras.io/api/utils/bounding_boxes/
