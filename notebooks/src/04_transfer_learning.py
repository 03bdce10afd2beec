# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 04 · Transfer learning and image similarity
#
# {{colab_badge}}
#
# Training a CNN from scratch needs many labelled images. Most tasks have few, but a network
# trained on a large dataset has already learned features (edges, textures, parts of
# objects) that are useful beyond its own classes. **Transfer learning** reuses them: you
# start from a pretrained network instead of random weights. This notebook loads two
# pretrained networks, a small MobileNet trained on ImageNet and the course's own CNN trained
# on Fashion-MNIST. It tests MobileNet where ImageNet transfer should pay (telling faces
# from non-faces in photos, with 1 to 20 labels per class) and where it does not (28x28
# thumbnails of clothes), transfers the course backbone to handwritten digits with 2 to 100
# labels per class, and uses its features to find similar images and to cluster them.
#
# **What you will learn**
# - the workflow of transfer learning: a labelled dataset, a pretrained model, then feature extraction or fine-tuning, and when to use which;
# - to load pretrained Keras models (MobileNet with ImageNet weights, the course backbone), verified by their SHA-256, and read features from their convolutional base;
# - to freeze layers in Keras and count what is left to train;
# - to measure how much transfer beats training from scratch when labels are few;
# - to find similar images (cosine nearest neighbours) and clusters (k-means, NMI, purity, t-SNE) in a network's feature space rather than in pixel space.
#
# **Prerequisites:** notebook 03 (CNNs in Keras, `fit`/`evaluate`); logistic regression as a
# softmax layer (notebook 02).

# %%
# {{colab_install}}
import json
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import skimage.data
from IPython.display import display
from keras import layers
from skimage.transform import resize
from sklearn.cluster import KMeans
from sklearn.datasets import load_sample_images
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import TSNE
from sklearn.metrics import normalized_mutual_info_score
from sklearn.neighbors import NearestNeighbors
from tqdm.auto import tqdm

import helpers
from helpers import data, pretrain, similarity
from helpers.checks import transfer as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))
notebook_start = time.perf_counter()

# %% [markdown]
# ## 1. The workflow: a labelled dataset, a pretrained model, and two ways to reuse it
#
# Transfer learning starts from two things:
#
# 1. **a labelled dataset for your task**, usually small: here 2 to 100 labelled images per
#    class;
# 2. **a model pretrained on a large dataset** for a related task. The classic source is
#    ImageNet (1.2 million photos in 1,000 classes); Keras ships many such models in
#    `keras.applications`.
#
# A CNN classifier is a **convolutional base** (convolutions and pooling, which turn an
# image into a feature vector $\mathbf{h} = f_\theta(\mathbf{x})$) topped by a
# **classifier** (here one softmax layer, $\hat{\mathbf{y}} = \mathrm{softmax}(W\mathbf{h} + \mathbf{b})$).
# The classifier is specific to the old classes, so it is thrown away and replaced by a new
# one for the new classes. Then there are two ways to go:
#
# * **Feature extraction**: freeze the base ($\theta$ fixed), compute the features of every
#   image once, and train only the new classifier on them. Fast, and it cannot overfit the
#   base, because only $W$ and $\mathbf{b}$ are learned.
# * **Fine-tuning**: start from the pretrained $\theta$ and the new classifier, then train
#   everything (or the top layers) further with a **small learning rate**, so that the
#   features adapt to the new images without forgetting what they know. Train the new
#   classifier first: the large gradients of a random classifier would wreck the
#   pretrained features in the first steps.
#
# Which one to use depends on how much data you have and how much it resembles the source
# (CS231n's rule of thumb, which sections 3 and 4 put to the test):
#
# | | target like the source | target unlike the source |
# |---|---|---|
# | **few labels** | feature extraction: a linear classifier on the top features | feature extraction, maybe from earlier, more generic layers; fine-tune with care |
# | **many labels** | fine-tune | fine-tune, or even train from scratch |
#
# The more general the features, the better they transfer: the first layers of a CNN learn
# edges and colour blobs that suit almost any image, the last ones the source's own classes
# (Yosinski et al., 2014).

# %% [markdown]
# ## 2. Two pretrained models
#
# ### MobileNet, trained on ImageNet
#
# MobileNet (Howard et al., 2017) is built for phones: each convolution is split into a
# depthwise 3x3 convolution (one filter per channel) and a pointwise 1x1 convolution that
# mixes channels, which costs 8 to 9 times fewer multiplications. Its width multiplier
# $\alpha$ thins every layer; with $\alpha = 0.25$ the convolutional base has only 218,544
# parameters and sees ImageNet photos of 224x224 pixels. Keras builds it with
# `keras.applications.MobileNet(alpha=0.25, include_top=False, weights=...)`, where
# `include_top=False` leaves out the 1000-class classifier.
#
# Keras would download the weights itself; `helpers.data.weights_path` looks for a copy in
# the course's data folders first, downloads it otherwise, and in both cases checks its
# SHA-256 against the one Keras publishes, so that a truncated or corrupted file is never
# used. Offline and without the file, it says so, and the MobileNet cells below skip.

# %%
try:
    mobilenet_file = data.weights_path("mobilenet_0.25")
except data.DataError as exc:
    mobilenet_file = None
    print(f"MobileNet's ImageNet weights cannot be had here, so its cells skip: {exc}")
else:
    print(f"MobileNet weights: {mobilenet_file} ({mobilenet_file.stat().st_size:,} bytes, "
          "SHA-256 verified)")

# %% [markdown]
# With its classifier on top, MobileNet names what it sees in a photo. Those weights are a
# second download (they are not in the course's offline data); when they can be had, the
# next cell shows its five best guesses for the real photos that scikit-image and
# scikit-learn ship. The input must be 224x224 and scaled the way the network was trained
# (`preprocess_input` maps pixel values 0..255 to -1..1).

# %%
photos = {"skimage chelsea": skimage.data.chelsea(), "skimage coffee": skimage.data.coffee(),
          "skimage rocket": skimage.data.rocket(), "skimage astronaut": skimage.data.astronaut()}
photos.update(zip(["sklearn china", "sklearn flower"], load_sample_images().images, strict=True))


def square_224(image):
    """The central square of a photo, resized to 224x224, pixel values kept in 0..255."""
    side = min(image.shape[:2])
    top, left = (image.shape[0] - side) // 2, (image.shape[1] - side) // 2
    square = image[top:top + side, left:left + side]
    return resize(square, (224, 224), preserve_range=True, anti_aliasing=True).astype("float32")


try:
    classifier_file = data.weights_path("mobilenet_0.25_imagenet")
    imagenet_classes = data.imagenet_class_names()
except data.DataError:
    print("Offline: with MobileNet's ImageNet classifier (online, e.g. on Colab), this cell "
          f"shows its top-5 guesses for {len(photos)} photos: {', '.join(photos)}.")
else:
    imagenet_model = keras.applications.MobileNet(alpha=0.25, weights=str(classifier_file))
    batch = np.stack([square_224(image) for image in photos.values()])
    probabilities = imagenet_model.predict(
        keras.applications.mobilenet.preprocess_input(batch.copy()), verbose=0)
    fig, axes = plt.subplots(2, 3, figsize=(12, 9.6))
    for ax, name, image, probs in zip(axes.ravel(), photos, batch, probabilities, strict=True):
        top5 = np.argsort(probs)[::-1][:5]
        ax.imshow(image.astype("uint8"))
        ax.set(title=name, xlabel="\n".join(f"{imagenet_classes[c]}: {probs[c]:.2f}"
                                            for c in top5), ylabel="row (pixel)")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.suptitle("MobileNet (alpha 0.25, ImageNet): top-5 classes and probabilities")
    fig.tight_layout()
    helpers.record("imagenet_top1_chelsea", imagenet_classes[int(probabilities[0].argmax())])

# %% [markdown]
# Where the picture is there, compare the guesses with what you see. ImageNet has classes
# such as "tabby", "Egyptian cat" and "espresso", but none for an astronaut, so for her the
# network can only name things it knows that look alike. A network this small (about 51%
# top-1 accuracy on ImageNet) is often unsure: its top probabilities are far from 1.
#
# ### The course backbone, trained on Fashion-MNIST
#
# The second model is the course's own: a small CNN (three 3x3 convolutions with 2x2 max
# pooling, then a softmax) trained on the 60,000 training images of Fashion-MNIST by
# `python -m helpers.pretrain`, each image shifted and zoomed a little at random in every
# epoch, so that its features cannot rely on exact pixel positions and transfer better.
# Its weights ship with `helpers`
# (`helpers/assets/course_backbone.keras`), so it works offline, and
# `course_backbone.json` next to it records how it was made: the exact command, the data,
# the metrics and the library versions. Its convolutional base ends in the layer named
# `features`: the last 3x3x64 feature maps, flattened into 576 numbers.

# %%
backbone_file = data.weights_path("course_backbone")
backbone = keras.models.load_model(backbone_file, compile=False)
record_file = backbone_file.with_name(pretrain.META_FILE)
if record_file.exists():
    backbone_record = json.loads(record_file.read_text(encoding="utf-8"))
    metrics = backbone_record["metrics"]
    print(f"Pretrained on {metrics['dataset']} ({metrics['n_train']:,} images, "
          f"{metrics['epochs']} epochs, {metrics['train_seconds']:.0f} s): test accuracy "
          f"{metrics['test_accuracy']:.3f}\nrebuild: {backbone_record['rebuild']}\n"
          f"versions: {backbone_record['versions']}")
else:
    print(f"(The record {pretrain.META_FILE} is not installed next to {backbone_file}.)")
display(pd.DataFrame([(layer.name, type(layer).__name__, str(layer.output.shape[1:]),
                       layer.count_params()) for layer in backbone.layers[1:]],
                     columns=["layer", "type", "output shape", "parameters"]))
feature_model = pretrain.feature_extractor(backbone)  # images -> the 576 features

# %% [markdown]
# The target task of this notebook is one the backbone has never seen: handwritten digits,
# scikit-learn's 8x8 scans upscaled to 28x28 so that they have the backbone's input size.
# Its own classifier answers with clothes, of course:

# %%
digits = data.load("digits", size=28)
x_train, y_train = digits.x_train[..., None], digits.y_train
x_test, y_test = digits.x_test[..., None], digits.y_test
guesses = backbone.predict(x_test[:10], verbose=0)
fig, axes = plt.subplots(1, 10, figsize=(13, 2.4))
for ax, image, label, probs in zip(axes, x_test[:10], y_test[:10], guesses, strict=True):
    ax.imshow(image[:, :, 0], cmap="gray_r")
    ax.set_title(f"{data.FASHION_CLASSES[probs.argmax()]}\n{probs.max():.2f}", fontsize=8)
    ax.set_xlabel(f"digit {digits.class_names[label]}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
axes[0].set_ylabel("28x28 pixels")
fig.suptitle(f"{digits.name}: {digits.description}; above each, the backbone's "
             "Fashion-MNIST guess", fontsize=10)
fig.tight_layout()
print(digits)

# %% [markdown]
# Each digit gets the name of a piece of clothing, some with a high probability (printed
# above each image): the old classifier is useless here. The question of this notebook is whether the 576 features
# below it are useful.

# %% [markdown]
# ## 3. Feature extraction: where ImageNet transfer pays, and where it does not
#
# The rule of thumb says: with few labels and a target like the source, a linear classifier
# on the pretrained features is hard to beat. We test it twice with the same MobileNet: on
# natural photos, which is what ImageNet is made of, and on 28x28 grey thumbnails of
# clothes, which it is not. A logistic regression on fixed features is called a *linear
# probe*: it measures how much of what the classes need the features make easy to read.

# %%
def linear_probe(features_train, labels, features_test, labels_test):
    """Accuracy of a logistic regression trained on one set of features, tested on another."""
    classifier = LogisticRegression(max_iter=1000, tol=1e-3).fit(features_train, labels)
    return classifier.score(features_test, labels_test)


def per_class(labels, n, seed=0):
    """Indices of n random examples of every class (the 'labelled' images)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), n, replace=False)
                           for c in np.unique(labels)])


# %% [markdown]
# ### Photos: faces or not, with 1 to 20 labels per class
#
# scikit-image ships `lfw_subset`: 100 faces from *Labeled Faces in the Wild* and 100 crops
# of the same photos that show no face, 25x25 grey pixels each. The task is to tell them
# apart. With $n$ labelled photos per class ($n$ = 1, 2, 5, 10, 20), every method is
# tested on the other $200 - 2n$ photos, over 3 random draws of the labelled ones, four ways:
#
# * **pixels**: a logistic regression on the 625 pixel values;
# * **frozen ImageNet features**: each photo resized to 96x96 and repeated into three colour
#   channels, MobileNet's 256 averaged features computed once, a logistic regression on them;
# * **fine-tuned top block**: MobileNet's last block (a depthwise and a pointwise
#   convolution, about 68,000 weights) and a new softmax layer that starts as that logistic
#   regression, trained further with a small learning rate ($10^{-4}$). The layers below
#   stay frozen, so their output is computed once too, and each run trains only the top;
# * **a small CNN from scratch**: two convolutions on the 25x25 photos (about 6,000
#   weights), Adam with $10^{-3}$, the same number of steps.

# %%
if mobilenet_file is None:
    print("Without MobileNet's ImageNet weights this comparison is skipped here; with them "
          "(e.g. on Colab) it compares pixels, frozen and fine-tuned ImageNet features and a "
          "small CNN on lfw_subset's faces.")
else:
    faces_start = time.perf_counter()
    faces = skimage.data.lfw_subset()  # 200 grey 25x25 photos, values 0..1
    is_face = np.repeat([1, 0], 100)  # the first 100 are the faces
    rgb = np.repeat(faces[..., None] * 255.0, 3, axis=-1).astype("float32")
    photos_96 = keras.applications.mobilenet.preprocess_input(
        keras.ops.convert_to_numpy(keras.ops.image.resize(rgb, (96, 96))))
    imagenet_base = keras.applications.MobileNet(input_shape=(96, 96, 3), alpha=0.25,
                                                 include_top=False, pooling="avg",
                                                 weights=str(mobilenet_file))
    top_input = imagenet_base.get_layer("conv_dw_13").input  # the last block starts here
    below_top = keras.Model(imagenet_base.input, top_input).predict(photos_96, verbose=0)
    top_block = keras.Model(top_input, imagenet_base.output)
    photo_features = top_block.predict(below_top, verbose=0)
    print(f"{len(faces)} photos: {below_top.shape[1:]} maps below the top block, "
          f"{photo_features.shape[1]} features on top; "
          f"{top_block.count_params():,} weights in the top block")

# %% [markdown]
# A few runs train a network each. Building and tracing a new Keras model for every run
# would cost more than training it, so each network is compiled once and every run restarts
# it from the same first weights and a fresh Adam state.

# %%
def restartable(model, learning_rate):
    """Compile once; ``train(x, y, steps, start)`` restarts from the first weights each time.

    ``start(model)``, if given, sets weights after the restart (e.g. a trained classifier).
    Training runs ``steps`` batches of 32, made of copies of the few images.
    """
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy")
    model.optimizer.build(model.trainable_variables)
    first_weights = model.get_weights()
    first_state = [variable.numpy() for variable in model.optimizer.variables]

    def train(x, y, steps, start=None):
        model.set_weights(first_weights)
        for variable, value in zip(model.optimizer.variables, first_state, strict=True):
            variable.assign(value)  # Adam's moments and step count back to the start
        if start is not None:
            start(model)
        copies = -(-steps * 32 // len(x))
        model.fit(np.concatenate([x] * copies), np.concatenate([y] * copies),
                  batch_size=32, epochs=1, verbose=0)
        return model
    return train


def accuracy(model, x, y):
    """Fraction of x whose most probable class is y (a plain call: no graph to build)."""
    probabilities = keras.ops.convert_to_numpy(model(x, training=False))
    return float(np.mean(probabilities.argmax(axis=1) == y))


PHOTO_STEPS = 30 if QUICK else 50
PHOTO_COUNTS = [2, 20] if QUICK else [1, 2, 5, 10, 20]
PHOTO_METHODS = {"pixels": "tab:gray", "frozen ImageNet features": "tab:blue",
                 "fine-tuned top block": "tab:green", "small CNN from scratch": "tab:red"}
if mobilenet_file is not None:
    inputs = keras.Input(below_top.shape[1:])
    tuned_top = keras.models.clone_model(top_block)  # a copy: top_block stays as trained
    tuned_top.set_weights(top_block.get_weights())
    # training=False keeps batch normalisation's ImageNet statistics (Keras' advice)
    outputs = layers.Dense(2, activation="softmax", name="face_or_not")(
        tuned_top(inputs, training=False))
    fine_tune = restartable(keras.Model(inputs, outputs), 1e-4)
    train_small_cnn = restartable(keras.Sequential([
        keras.Input(faces.shape[1:] + (1,)),
        layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(2, activation="softmax")]), 1e-3)
    pixels = faces.reshape(len(faces), -1)
    photo_runs = []
    for n, draw in tqdm([(n, draw) for n in PHOTO_COUNTS for draw in range(3)], desc="runs"):
        labelled = per_class(is_face, n, seed=draw)
        held_out = np.setdiff1d(np.arange(len(faces)), labelled)
        y_few, y_held = is_face[labelled], is_face[held_out]
        run = {"labels per class": n, "draw": draw,
               "pixels": linear_probe(pixels[labelled], y_few, pixels[held_out], y_held)}
        face_probe = LogisticRegression(max_iter=1000, tol=1e-3).fit(photo_features[labelled], y_few)
        run["frozen ImageNet features"] = face_probe.score(photo_features[held_out], y_held)
        z_weights = [face_probe.coef_[0], face_probe.intercept_[0]]

        def start_from_probe(model, w=z_weights[0], b=z_weights[1]):
            # softmax(-z/2, z/2) equals the logistic regression's sigmoid(z)
            model.get_layer("face_or_not").set_weights(
                [np.stack([-w / 2, w / 2], axis=1), np.array([-b / 2, b / 2])])
        keras.utils.set_random_seed(100 * n + draw)
        model = fine_tune(below_top[labelled], y_few, PHOTO_STEPS, start_from_probe)
        run["fine-tuned top block"] = accuracy(model, below_top[held_out], y_held)
        keras.utils.set_random_seed(100 * n + draw)
        model = train_small_cnn(faces[labelled, ..., None], y_few, PHOTO_STEPS)
        run["small CNN from scratch"] = accuracy(model, faces[held_out, ..., None], y_held)
        photo_runs.append(run)
    photo_runs = pd.DataFrame(photo_runs)
    faces_table = photo_runs.drop(columns="draw").groupby("labels per class").agg(["mean", "std"])
    display(faces_table.round(3))
    photo_mean = faces_table.xs("mean", axis=1, level=1)
    for n in PHOTO_COUNTS:
        for method, key in zip(PHOTO_METHODS, ["pixels", "frozen", "finetuned", "scratch"],
                               strict=True):
            helpers.record(f"faces_{key}_{n}", photo_mean.loc[n, method])
    helpers.record("faces_seconds", round(time.perf_counter() - faces_start, 1))
    helpers.claim("faces_frozen_minus_pixels_2", photo_mean.loc[2, "frozen ImageNet features"]
                  - photo_mean.loc[2, "pixels"], at_least=0.15)
    helpers.claim("faces_frozen_accuracy_2", photo_mean.loc[2, "frozen ImageNet features"],
                  at_least=0.9)
    helpers.claim("faces_frozen_minus_scratch_2", photo_mean.loc[2, "frozen ImageNet features"]
                  - photo_mean.loc[2, "small CNN from scratch"], at_least=0.05)
    pixel_gap = photo_mean["frozen ImageNet features"] - photo_mean["pixels"]
    helpers.claim("faces_pixel_gap_shrinks", bool(pixel_gap.loc[20] < pixel_gap.loc[2]))
    print(f"With 2 labelled photos per class: frozen ImageNet features "
          f"{photo_mean.loc[2, 'frozen ImageNet features']:.3f}, pixels "
          f"{photo_mean.loc[2, 'pixels']:.3f}, fine-tuned top block "
          f"{photo_mean.loc[2, 'fine-tuned top block']:.3f}, small CNN "
          f"{photo_mean.loc[2, 'small CNN from scratch']:.3f} (means of 3 draws).")

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for method, colour in PHOTO_METHODS.items():
        mean, spread = faces_table[method]["mean"], faces_table[method]["std"]
        ax.errorbar(mean.index, mean, yerr=spread, marker="o", capsize=3, color=colour,
                    label=method)
    ax.set_xscale("log")
    ax.set_xticks(PHOTO_COUNTS, [str(n) for n in PHOTO_COUNTS])
    ax.set(xlabel="labelled photos per class (log scale)",
           ylabel="accuracy on the other photos",
           title="Faces or not (lfw_subset): mean and spread of 3 draws")
    ax.legend(fontsize=8)
    fig.tight_layout()

# %% [markdown]
# Notice the blue line: with one or two labelled photos per class, a linear classifier on
# ImageNet features is already almost always right, while the same classifier on pixels and
# the small CNN are far lower and vary much more between draws (the error bars); the claims
# above check that frozen features beat pixels by at least 15 points at 2 labels per class,
# and beat the small CNN. Pixels close part of the gap as the labels grow (claimed); the
# small CNN, trained for a few steps on a handful of photos, stays well below and unsteady
# (the table has its spread). Fine-tuning
# the top block starts from the frozen classifier and has little left to add here. These
# are photos, even small grey ones: edges, eyes, shading and texture are what ImageNet
# features describe.
#
# ### Thumbnails of clothes: the same network, far from its photos
#
# Now MobileNet on pictures unlike its training photos: ImageNet has colour photos of
# some clothes (sandals, jerseys, trench coats), but no 28x28 grey thumbnails on a black
# background. We compute its features for 1,500 Fashion-MNIST images, each resized to 96x96
# and repeated into three colour channels, and train a logistic regression on them with 10
# and with 50 labels per class. Next to it: the same classifier on raw pixels, and on the
# course backbone's features, which were trained on these very classes (on other images),
# as the in-domain reference. We also cluster the test images by k-means and report the NMI
# (section 6 explains it; 1 means the clusters are exactly the classes).

# %%
clothes = data.load("fashion_mnist", n_train=1000, n_test=500)
if mobilenet_file is None or not clothes.canonical:
    print("This comparison needs MobileNet's weights and Fashion-MNIST itself, so it is skipped "
          "here; with them, it compares MobileNet's ImageNet features with pixels and with the "
          "course backbone on clothes.")
else:
    start = time.perf_counter()
    mobilenet = imagenet_base  # the 96x96 MobileNet of the faces, built once

    def mobilenet_features(images):
        rgb = np.repeat(images[..., None].astype("float32"), 3, axis=-1)
        big = keras.ops.convert_to_numpy(keras.ops.image.resize(rgb, (96, 96)))
        return mobilenet.predict(keras.applications.mobilenet.preprocess_input(big),
                                 batch_size=250, verbose=0)

    spaces = {
        "pixels (784)": (clothes.x_train.reshape(len(clothes.x_train), -1) / 255.0,
                         clothes.x_test.reshape(len(clothes.x_test), -1) / 255.0),
        "MobileNet, ImageNet (256)": (mobilenet_features(clothes.x_train),
                                      mobilenet_features(clothes.x_test)),
        "course backbone (576)": (feature_model.predict(clothes.x_train[..., None], verbose=0),
                                  feature_model.predict(clothes.x_test[..., None], verbose=0)),
    }
    rows = {}
    for space, (f_train, f_test) in spaces.items():
        row = {}
        for n in (10, 50):
            labelled = per_class(clothes.y_train, n)
            row[f"{n} labels/class"] = linear_probe(f_train[labelled], clothes.y_train[labelled],
                                                    f_test, clothes.y_test)
        clusters = KMeans(10, n_init=4, random_state=0).fit_predict(f_test)
        row["k-means NMI"] = normalized_mutual_info_score(clothes.y_test, clusters)
        rows[space] = row
    probe = pd.DataFrame(rows).T.rename_axis("features (how many)")
    display(probe.round(3))
    helpers.record("mobilenet_probe_accuracy", probe["50 labels/class"].iloc[1])
    helpers.record("mobilenet_pixels_probe_accuracy", probe["50 labels/class"].iloc[0])
    helpers.record("mobilenet_nmi", probe["k-means NMI"].iloc[1])
    helpers.record("mobilenet_pixels_nmi", probe["k-means NMI"].iloc[0])
    helpers.record("mobilenet_seconds", round(time.perf_counter() - start, 1))
    # The contrast the text draws with the faces: here ImageNet features gain little or
    # nothing over pixels, and the in-domain backbone is ahead of both.
    helpers.claim("clothes_mobilenet_minus_pixels_50", probe["50 labels/class"].iloc[1]
                  - probe["50 labels/class"].iloc[0], at_most=0.05)
    helpers.claim("clothes_backbone_beats_mobilenet_50",
                  bool(probe["50 labels/class"].iloc[2] > probe["50 labels/class"].iloc[1]))

    fig, ax = plt.subplots(figsize=(9, 3.4))
    probe.plot.barh(ax=ax)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="test accuracy of the linear probe (NMI for k-means)",
           ylabel="features",
           title=f"Linear probes on {clothes.name}, {len(clothes.y_test)} test images")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()

# %% [markdown]
# Where the comparison ran, read the bars by feature space (the table has the numbers).
# The same MobileNet that told faces from non-faces with two labels per class gains little or
# nothing over pixels on clothes (at most 5 points with 50 labels per class, claimed above),
# and the course backbone, trained on Fashion-MNIST's own training images, is ahead of it
# (claimed). Why the difference? Transfer pays when the target looks like the source. The
# faces are small and grey too, but they are photos: light, shading, eyes and edges, what
# ImageNet's features were trained to describe. The clothes are flat silhouettes on a black
# background, blown up from 28x28 pixels, unlike any ImageNet photo, and their classes
# differ in shape, which their pixels already show well. A network trained on such pictures
# (the course backbone) is the better source for them: the rule of thumb's right column.
#
# In Keras, feature extraction is *freezing*: a layer with `trainable = False` keeps its
# weights during `fit`. Setting it on a model sets it on every layer inside. Freezing the
# backbone and adding a new softmax layer on its `features` gives a model in which only the
# new layer learns, exactly a logistic regression on the features.

# %% [markdown]
# ### Exercise 1 (3 points): freeze the backbone, count what is left to train
#
# Write `frozen_classifier(backbone, n_classes)` returning a new Keras model that maps the
# backbone's input images to its `features` layer, then through a **new**
# `Dense(n_classes, activation="softmax")`, with every backbone weight frozen and the
# backbone's own 10-class layer left out. Use the Functional API: the features are
# `backbone.get_layer("features").output`.
#
# Before you run the check, work out on paper how many trainable parameters the model has for
# `n_classes = 4`, and how many frozen ones (use the table of section 2; Dropout has none),
# then compare with `len(model.trainable_weights)` and
# `sum(w.numpy().size for w in model.trainable_weights)`. The check counts them, makes sure
# the pretrained weights are reused and not copied, and trains one step to see that
# nothing but the new layer moves.

# %% exercise="solution:ex_frozen_classifier"
def frozen_classifier(backbone, n_classes):
    ### BEGIN SOLUTION
    backbone.trainable = False
    features = backbone.get_layer("features").output
    outputs = layers.Dense(n_classes, activation="softmax", name="new_classifier")(features)
    return keras.Model(backbone.input, outputs)
    ### END SOLUTION


# %% exercise="check:check_frozen_classifier:3"
check.frozen_classifier(frozen_classifier)
### BEGIN HIDDEN TESTS
check.frozen_classifier(frozen_classifier, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Few labels: from scratch, frozen features, or fine-tuned?
#
# Now the few-labels experiment, on the digits: with $n$ labelled images per class
# ($n$ = 2, 10 or 100; the other training images stay unused), three ways to get a
# classifier, all tested on the same 450 test digits:
#
# * **from scratch**: the backbone's architecture with random weights, trained on the
#   $10n$ images (Adam, learning rate $10^{-3}$);
# * **frozen features + classifier**: the backbone's 576 features, computed once for every
#   image, and a logistic regression on them: the model of Exercise 1, fitted by
#   scikit-learn in a fraction of a second instead of epochs;
# * **fine-tuned**: the backbone, its new softmax layer set to that logistic regression,
#   then every layer trained further with a learning rate ten times smaller than from
#   scratch ($10^{-4}$).
#
# Both networks train for the same number of steps, 100 batches of up to 32 images,
# however many images there are. With so few labels, the result depends on *which* images are labelled, so
# every method runs on 3 random draws of the labelled images (one with 100 per class,
# which leaves little to draw from), and the table and plot show the mean (the faint dots
# are the single draws). A logistic regression on raw pixels is drawn as a reference: for
# these small, centred digits, a linear model on pixels is a strong baseline.

# %%
STEPS = 60 if QUICK else 100
COUNTS = [2, 10] if QUICK else [2, 10, 100]
DRAWS = 1 if QUICK else 3
train_features = feature_model.predict(x_train, verbose=0)
test_features = feature_model.predict(x_test, verbose=0)


def fit_for_steps(model, x, y, learning_rate, steps=STEPS):
    """Train with Adam for a fixed number of steps; return the test accuracy."""
    batch_size = min(32, len(x))
    # One epoch over enough copies of the few images: Keras' per-epoch overhead would
    # otherwise dominate when there are 20 images and 100 epochs.
    copies = -(-steps * batch_size // len(x))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy")
    model.fit(np.concatenate([x] * copies), np.concatenate([y] * copies),
              batch_size=batch_size, epochs=1, verbose=0)
    # A plain call, not evaluate(): 450 images need no batching, and no graph to build.
    probabilities = keras.ops.convert_to_numpy(model(x_test, training=False))
    return float(np.mean(probabilities.argmax(axis=1) == y_test))


def fine_tune_start(classifier):
    """The backbone with a new softmax layer that starts as the given logistic regression."""
    model = pretrain.build_backbone(len(digits.class_names))
    for layer in model.layers:
        if layer.weights and layer.name != "predictions":
            layer.set_weights(backbone.get_layer(layer.name).get_weights())
    model.get_layer("predictions").set_weights([classifier.coef_.T, classifier.intercept_])
    return model


runs, fine_tuned = [], {}
transfer_start = time.perf_counter()
# 100 of the about 135 training images per class: any two draws would share most of them.
plan = [(n, draw) for n in COUNTS for draw in range(DRAWS if n < 100 else 1)]
for n, draw in tqdm(plan, desc="runs"):
    labelled = per_class(y_train, n, seed=draw)
    x_few, y_few = x_train[labelled], y_train[labelled]
    run = {"labels per class": n, "draw": draw}
    run["pixels + logistic regression"] = linear_probe(
        x_few.reshape(len(x_few), -1) / 255.0, y_few, x_test.reshape(len(x_test), -1) / 255.0,
        y_test)
    probe_classifier = LogisticRegression(max_iter=1000, tol=1e-3).fit(train_features[labelled],
                                                                       y_few)
    run["frozen features + classifier"] = probe_classifier.score(test_features, y_test)
    keras.utils.set_random_seed(100 * n + draw)  # the same batches for both networks
    run["from scratch"] = fit_for_steps(pretrain.build_backbone(10), x_few, y_few, 1e-3)
    keras.utils.set_random_seed(100 * n + draw)
    model = fine_tune_start(probe_classifier)
    run["fine-tuned"] = fit_for_steps(model, x_few, y_few, 1e-4)
    if draw == 0:
        fine_tuned[n] = model
    runs.append(run)
transfer_seconds = time.perf_counter() - transfer_start
runs = pd.DataFrame(runs)
transfer = runs.drop(columns="draw").groupby("labels per class").mean()
METHODS = {"from scratch": "scratch", "frozen features + classifier": "frozen",
           "fine-tuned": "finetuned", "pixels + logistic regression": "pixels"}
display(transfer[list(METHODS)].round(3))
for n in COUNTS:
    for method, key in METHODS.items():
        helpers.record(f"acc_{key}_{n}", transfer.loc[n, method])
smallest = COUNTS[0]
gains = (runs[runs["labels per class"] == smallest][["frozen features + classifier",
                                                      "fine-tuned"]].max(axis=1)
         - runs[runs["labels per class"] == smallest]["from scratch"])
# What the text below states, as claims (grading runs train 60 steps on one draw: skipped).
helpers.claim("transfer_gain_smallest", gains.mean(), at_least=0.02, grading=False)
helpers.claim("transfer_gain_smallest_worst_draw", gains.min(), at_least=0.0, grading=False)
helpers.claim("frozen_minus_pixels_worst_count",
              (transfer["frozen features + classifier"]
               - transfer["pixels + logistic regression"]).min(), at_least=0.0)
helpers.claim("finetuned_accuracy_most_labels", transfer["fine-tuned"].iloc[-1],
              at_least=0.8 if QUICK else 0.9)
helpers.claim("scratch_accuracy_most_labels", transfer["from scratch"].iloc[-1],
              at_least=0.75 if QUICK else 0.9)
best_transfer = transfer[["frozen features + classifier", "fine-tuned"]].max(axis=1)
helpers.claim("transfer_gap_shrinks_with_labels",
              bool((best_transfer - transfer["from scratch"]).iloc[-1]
                   < (best_transfer - transfer["from scratch"]).iloc[0]))
helpers.record("transfer_seconds", round(transfer_seconds, 1))
print(f"{len(runs)} runs in {transfer_seconds:.0f} s. With {smallest} labels per class, the "
      f"better transfer method beats training from scratch by {100 * gains.mean():.1f} points "
      f"on average (by {100 * gains.min():.1f} to {100 * gains.max():.1f} in the "
      f"{len(gains)} draws).")

# %%
fig, ax = plt.subplots(figsize=(7.5, 4.2))
styles = {"from scratch": ("tab:red", "o", "-"), "frozen features + classifier": ("tab:blue", "s", "-"),
          "fine-tuned": ("tab:green", "^", "-"), "pixels + logistic regression": ("tab:gray", ".", "--")}
for method, (colour, marker, line) in styles.items():
    ax.plot(transfer.index, transfer[method], marker=marker, ls=line, color=colour, label=method)
for method, (colour, _, _) in list(styles.items())[:3]:  # every draw, faintly
    ax.scatter(runs["labels per class"], runs[method], color=colour, s=10, alpha=0.35)
ax.set_xscale("log")
ax.set_xticks(COUNTS, [str(n) for n in COUNTS])
ax.set(xlabel="labelled images per class (log scale)", ylabel="test accuracy",
       title=f"Transfer from Fashion-MNIST to {digits.name}: {len(y_test)} test images")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# With 2 labels per class, the better transfer method beats training from scratch on
# average and in every draw (the claims above; the line printed above the plot gives the
# range); with more labels the network from scratch learns its own features and the gap
# shrinks (both claimed). In our runs fine-tuning added little or nothing on top of feature extraction;
# compare the green and blue lines of your own run. Features of clothes are not features of digits, yet
# their edges, strokes and blobs carry over: a linear classifier on them beats the same
# classifier on pixels at every count (claimed above). For these small, centred digits, though, pixels are already
# good features; transfer gains far more when source and target are alike, as the faces
# of section 3 showed.

# %% [markdown]
# ### Exercise 2 (2 points): when would you fine-tune?
#
# Using your own table and plot: at which numbers of labels did fine-tuning beat feature
# extraction, and by how much? Why can fine-tuning with 2 labels per class go wrong, and why
# did we start it from the trained logistic regression and with a learning rate ten times
# smaller? Finally, for a new project (say, 300 labelled X-ray images, and MobileNet
# trained on ImageNet), which would you try first, and what would change your mind?
# Answer in 4 to 8 sentences.

# %% [markdown] exercise="answer:explain_fine_tuning:2"
# ### BEGIN SOLUTION
# (A model answer for one run; it reads the table rather than quoting it, since a student's
# numbers differ a little.)
# In our run fine-tuning beat feature extraction by less than the differences between
# draws with 2 and 10 labels per class, and tied with 100; both were above training from
# scratch, by most with the fewest labels. With 2
# labels per class, fine-tuning adjusts 60,000 weights on 20 examples: it can memorise
# them and move the features away from what made them general, so any gain is small and
# noisy. Starting from the trained logistic regression means the first gradients are small and point
# somewhere useful; a random classifier would send large, random gradients through the
# backbone and destroy the pretrained features before the classifier had learned anything.
# The small learning rate keeps the weights near the pretrained ones. For 300 X-rays I would
# first extract features (cheap, hard to overfit) and fit a linear classifier, then
# fine-tune the top layers with a small learning rate and compare on a validation set;
# because X-rays look nothing like ImageNet photos, I would expect fine-tuning (and maybe
# features from earlier layers) to help, and with many thousands of labels I would also try
# training from scratch.
# ### END SOLUTION

# %% [markdown]
# ## 5. Image similarity: nearest neighbours in feature space
#
# A network's penultimate layer is an **embedding**: images that the network finds alike
# get nearby feature vectors. To find the images most similar to a query, compare its
# vector with every vector of a gallery by the **cosine similarity**
#
# $$ \cos(\mathbf{a}, \mathbf{b}) = \frac{\mathbf{a} \cdot \mathbf{b}}{\lVert \mathbf{a} \rVert \, \lVert \mathbf{b} \rVert}, $$
#
# which compares directions and ignores lengths (a brighter or bolder image has longer
# vectors, not different ones), and keep the largest. This is how image search works, with
# an approximate index instead of comparing with every image once the gallery has millions.

# %% [markdown]
# ### Exercise 3 (3 points): cosine nearest neighbours from scratch
#
# Write `cosine_neighbours(query, gallery, k)`: `query` is one vector of shape `(d,)`,
# `gallery` an array of shape `(n, d)`; return the indices of the `k` gallery rows with the
# largest cosine similarity to the query, most similar first, as an integer array of shape
# `(k,)`. Use numpy only (`np.linalg.norm`, `@`, `np.argsort`), and don't change the inputs.
# The check compares your answer with scikit-learn's `NearestNeighbors(metric="cosine")`.

# %% exercise="solution:ex_cosine_neighbours"
def cosine_neighbours(query, gallery, k):
    ### BEGIN SOLUTION
    query, gallery = np.asarray(query, dtype=float), np.asarray(gallery, dtype=float)
    similarity = gallery @ query / (np.linalg.norm(gallery, axis=1) * np.linalg.norm(query))
    return np.argsort(-similarity)[:k]
    ### END SOLUTION


# %% exercise="check:check_cosine_neighbours:3"
check.cosine_neighbours(cosine_neighbours)
### BEGIN HIDDEN TESTS
check.cosine_neighbours(cosine_neighbours, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# We search the 1,347 training digits for the neighbours of each test digit in three
# spaces: raw pixels (784 numbers), the frozen backbone's features (576), and the features
# of the backbone fine-tuned on 10 labels per class in section 4 (the same layer, after
# fine-tuning). The score is the fraction of the 5 nearest neighbours that show the same
# digit, over all 450 test digits: as they are, and moved 3 pixels to the right, as a
# careless scan would place them. The figure then shows, as an illustration, the two moved
# queries on which pixels and frozen features disagree most (the table is the fair
# summary). scikit-learn's search stands in for your function, as the check showed they
# agree.

# %%
def shift_right(images, pixels):
    """Images moved `pixels` to the right; blank columns come in on the left."""
    moved = np.zeros_like(images)
    moved[:, :, pixels:] = images[:, :, :-pixels]
    return moved


x_moved = shift_right(x_test, 3)
tuned_n = 10
tuned_model = pretrain.feature_extractor(fine_tuned[tuned_n])
embedders = {  # name: how to turn images into vectors
    "pixels": lambda images: images.reshape(len(images), -1) / 255.0,
    "frozen backbone features": lambda images: feature_model.predict(images, verbose=0),
    f"fine-tuned features ({tuned_n}/class)": lambda images: tuned_model.predict(images,
                                                                                verbose=0),
}
embeddings, neighbours, scores = {}, {}, {}
for space, embed in embedders.items():
    embeddings[space] = (embed(x_train), embed(x_test))
    search = NearestNeighbors(n_neighbors=6, metric="cosine").fit(embeddings[space][0])
    neighbours[space] = search.kneighbors(embed(x_moved), return_distance=False)
    as_is = search.kneighbors(embeddings[space][1], n_neighbors=5, return_distance=False)
    scores[space] = {"queries as they are": np.mean(y_train[as_is] == y_test[:, None]),
                     "queries moved 3 pixels": np.mean(
                         y_train[neighbours[space][:, :5]] == y_test[:, None])}
scores = pd.DataFrame(scores).T.rename_axis("space")
display(scores.round(3))
for space, key in zip(embedders, ["pixels", "frozen", "finetuned"], strict=True):
    helpers.record(f"neighbours_precision_{key}", scores.loc[space, "queries as they are"])
    helpers.record(f"neighbours_precision_moved_{key}", scores.loc[space, "queries moved 3 pixels"])
helpers.claim("neighbours_precision_worst_space", scores["queries as they are"].min(),
              at_least=0.9)
loss_when_moved = scores["queries as they are"] - scores["queries moved 3 pixels"]
helpers.claim("moved_loss_pixels_minus_frozen",  # features tolerate the shift better
              loss_when_moved["pixels"] - loss_when_moved["frozen backbone features"],
              at_least=0.05)

# To illustrate, the two moved queries on which pixels and frozen features disagree most.
hits = {space: (y_train[found[:, :5]] == y_test[:, None]).sum(axis=1)
        for space, found in neighbours.items()}
queries_shown = np.argsort(hits["pixels"] - hits["frozen backbone features"], kind="stable")[:2]
fig, axes = plt.subplots(len(queries_shown) * len(embedders), 7, figsize=(9, 8.4))
for q_row, q in enumerate(queries_shown):
    for s_row, space in enumerate(embedders):
        row = axes[q_row * len(embedders) + s_row]
        row[0].imshow(x_moved[q, :, :, 0], cmap="gray_r")
        row[0].set_title(f"query: {digits.class_names[y_test[q]]}, moved", fontsize=8)
        row[0].set_ylabel(space.split(" (")[0].replace(" ", "\n", 1), fontsize=7)
        for col, index in enumerate(neighbours[space][q], start=1):
            same = y_train[index] == y_test[q]
            row[col].imshow(x_train[index, :, :, 0], cmap="gray_r")
            row[col].set_title(f"#{col}: {digits.class_names[y_train[index]]}", fontsize=8,
                               color="black" if same else "red")
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
axes[-1, 3].set_xlabel("nearest training images, most similar first")
fig.suptitle("Nearest neighbours of two moved test digits by cosine similarity "
             "(red: another digit)")
fig.tight_layout()

# %% [markdown]
# On the digits as they are, all three spaces find the right digit for at least 90% of the
# neighbours (claimed above; the table has each): scikit-learn's digits are centred and scaled, so their pixels line up. Move
# the query 3 pixels and its pixel neighbours become the training digits that happen to
# have ink in the same places, often other digits; the feature spaces lose much less,
# because pooling and training on shifted images made the features tolerant to position.
# In photos, where objects are never in the same place, size or light, this tolerance is
# why image search compares features and not pixels.

# %% [markdown]
# ## 6. Clustering: k-means in pixel space and in feature space
#
# Without any labels, **k-means** splits the images into $k$ groups (here $k = 10$) by
# distance to the group centres. How well the groups match the digits is measured against
# the labels, which k-means never saw, in two ways:
#
# * **purity**: each cluster votes for its most common digit; purity is the fraction of
#   images that belong to their cluster's digit. It is easy to read but rewards many small
#   clusters (one cluster per image has purity 1);
# * **normalized mutual information** (NMI): how much knowing the cluster tells about the
#   digit, $\mathrm{NMI}(Y, C) = \frac{I(Y; C)}{(H(Y) + H(C)) / 2}$, 0 for independent and 1
#   for identical partitions; it penalises needless clusters.
#
# Cosine similarity and k-means on vectors of length 1 agree: for unit vectors,
# $\lVert \mathbf{a} - \mathbf{b} \rVert^2 = 2 - 2\cos(\mathbf{a}, \mathbf{b})$, so we
# normalise every vector first.

# %% [markdown]
# ### Exercise 4 (2 points): the purity of a clustering
#
# Write `cluster_purity(labels, clusters)`: `labels` holds the true class of each point,
# `clusters` the cluster number k-means gave it (any integers, not the class numbers: they
# don't match). Return the purity: for every cluster, count the points of its most common
# class; add these counts over the clusters and divide by the number of points. Use numpy
# only (`np.unique` with `return_counts=True` helps).

# %% exercise="solution:ex_cluster_purity"
def cluster_purity(labels, clusters):
    ### BEGIN SOLUTION
    labels, clusters = np.asarray(labels), np.asarray(clusters)
    total = 0
    for cluster in np.unique(clusters):
        _, counts = np.unique(labels[clusters == cluster], return_counts=True)
        total += counts.max()
    return total / len(labels)
    ### END SOLUTION


# %% exercise="check:check_cluster_purity:2"
check.cluster_purity(cluster_purity)
### BEGIN HIDDEN TESTS
check.cluster_purity(cluster_purity, hidden=True)
### END HIDDEN TESTS

# %%
def unit_rows(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


clustering = {}
for space, (_, test_vectors) in embeddings.items():
    clusters = KMeans(len(digits.class_names), n_init=4, random_state=0).fit_predict(
        unit_rows(test_vectors))
    clustering[space] = {"NMI": normalized_mutual_info_score(y_test, clusters),
                         "purity": similarity.cluster_purity(y_test, clusters)}
clustering = pd.DataFrame(clustering).T
display(clustering.round(3))
helpers.record("nmi_pixels", clustering.loc["pixels", "NMI"])
helpers.record("nmi_features_frozen", clustering.loc["frozen backbone features", "NMI"])
helpers.record("nmi_features", clustering["NMI"].iloc[2])
helpers.record("purity_pixels", clustering.loc["pixels", "purity"])
helpers.record("purity_features", clustering["purity"].iloc[2])
helpers.claim("nmi_gain_finetuned_over_pixels",
              clustering["NMI"].iloc[2] - clustering.loc["pixels", "NMI"], at_least=0.0)

# %% [markdown]
# To *see* the spaces, t-SNE (van der Maaten and Hinton, 2008) draws every test image as a
# point in 2-D so that images that are neighbours in the high-dimensional space stay
# neighbours on the map (distances between far-apart groups mean little). Colour shows the
# true digit, which t-SNE did not see.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
for ax, space in zip(axes, ["pixels", list(embeddings)[2]], strict=True):
    points = TSNE(2, perplexity=30, init="pca", random_state=0).fit_transform(
        unit_rows(embeddings[space][1]))
    scatter = ax.scatter(points[:, 0], points[:, 1], c=y_test, cmap="tab10", s=9)
    for digit in range(len(digits.class_names)):
        centre = np.median(points[y_test == digit], axis=0)
        ax.text(*centre, digits.class_names[digit], fontsize=13, weight="bold",
                ha="center", va="center")
    ax.set(title=f"{space}: NMI of k-means {clustering.loc[space, 'NMI']:.2f}",
           xlabel="t-SNE dimension 1", ylabel="t-SNE dimension 2")
fig.suptitle(f"t-SNE maps of the {len(y_test)} test digits, coloured by their true digit")
fig.tight_layout()

# %% [markdown]
# In pixel space some digits form clean islands while others smear into each other in the
# middle; in the fine-tuned feature space most digits are one island with fewer strays,
# which is why k-means finds them and its NMI rises (claimed above). In our runs the
# frozen features of clothes clustered the digits no better than pixels did (the table
# shows this run): k-means weighs all 576 features alike, and most of them describe clothes. A
# linear classifier (section 4) picks the useful ones with a few labels; clustering cannot.

# %%
helpers.record("seconds", round(time.perf_counter() - notebook_start, 1))

# %% [markdown]
# ## Key takeaways
# - Transfer learning = a pretrained model + your (small) labelled dataset: replace the classifier, then either extract features (freeze the base, train a new classifier) or fine-tune (start from the pretrained weights and a trained classifier, small learning rate).
# - With 2 labels per class, transfer beat training from scratch in every draw; with more labels the gap shrinks, and fine-tuning added little on top of feature extraction here.
# - Transfer pays when source and target look alike: on photos, a linear classifier on MobileNet's ImageNet features told faces from non-faces with 2 labels per class far better than pixels or a small CNN (at least 15 points over pixels, claimed); on blown-up 28x28 thumbnails of clothes the same features gained nothing over pixels, and the course backbone trained on clothes was the better source. Even on digits its features beat pixels for a linear classifier.
# - In Keras, `layer.trainable = False` freezes a layer (or a whole model); count `model.trainable_weights` to be sure what learns.
# - A network's penultimate layer is an embedding: cosine nearest neighbours in it tolerate what breaks pixel distances (a shift of 3 pixels), and once the features suit the images (after fine-tuning) k-means finds the classes better than in pixels, as NMI and purity measure; features of another domain may cluster no better than pixels.
#
# ## Further reading
# - F. Chollet, *Transfer learning & fine-tuning*, Keras guide, https://keras.io/guides/transfer_learning/
# - Stanford CS231n notes, *Transfer Learning*, https://cs231n.github.io/transfer-learning/
# - J. Yosinski, J. Clune, Y. Bengio, H. Lipson, *How transferable are features in deep neural networks?* (NeurIPS 2014), https://arxiv.org/abs/1411.1792
# - A. S. Razavian et al., *CNN Features off-the-shelf: an Astounding Baseline for Recognition* (2014), https://arxiv.org/abs/1403.6382
# - A. G. Howard et al., *MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications* (2017), https://arxiv.org/abs/1704.04861
# - L. van der Maaten, G. Hinton, *Visualizing Data using t-SNE* (JMLR 2008); M. Wattenberg et al., *How to Use t-SNE Effectively* (Distill 2016), https://distill.pub/2016/misread-tsne/
