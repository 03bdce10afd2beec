# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 00 · Check your environment
#
# {{colab_badge}}
#
# Before the first lesson, make sure everything the course needs is in place. This
# notebook runs in a few seconds and tells you what, if anything, to fix.
#
# **What you will learn**
# - which versions of Python, TensorFlow and Keras you are running, and whether they fit the course;
# - whether datasets come from their canonical source or from offline stand-ins;
# - that Keras can build and train a model on your machine, and how fast;
# - where the course keeps downloaded data, and how to prepare a class that will be offline.
#
# **Prerequisites:** none. On Colab, run the next cell first: it installs the course helpers.

# %%
# {{colab_install}}
import os
import time

import helpers
from helpers import data, plots

helpers.setup()

# %% [markdown]
# ## 1. Versions
#
# The course is tested with the versions pinned in `requirements.txt`, and on Google Colab's
# own versions. Keras must be version 3 (the `keras` package, not `tf.keras` from Keras 2):
# its API is the one every notebook uses.

# %%
import sys

import keras
import tensorflow as tf

problems = []
if sys.version_info[:2] < (3, 11):  # noqa: UP036 (this check is for the student's Python)
    problems.append(f"Python {sys.version.split()[0]} is too old: use 3.11 or newer.")
if int(keras.__version__.split(".")[0]) < 3:
    problems.append(f"Keras {keras.__version__} is Keras 2: install Keras 3 (pip install -U keras).")
if keras.backend.backend() != "tensorflow":
    problems.append(f"The Keras backend is {keras.backend.backend()}: "
                    "set KERAS_BACKEND=tensorflow.")
print("TensorFlow", tf.__version__, "| Keras", keras.__version__, "| devices:",
      [d.device_type for d in tf.config.list_physical_devices()])
print("\n".join(problems) if problems else "Versions: OK")

# %% [markdown]
# ## 2. Data
#
# Every dataset goes through `helpers.data.load(name)`. It uses, in order: files already
# on disk (the cache, then the folders in `COURSE_DATA_PATH`), a download from the
# canonical source, and, when neither works, a small **stand-in** that needs no network.
# The table lists every dataset and whether its canonical files are already here.

# %%
print("Cache directory:", data.cache_dir())
print("COURSE_DATA_PATH:", os.environ.get("COURSE_DATA_PATH", "(not set)"))
print("Offline mode (COURSE_OFFLINE):", data.offline())
for name in data.names():
    print(f"  {name:15s} {data.status(name):10s} {data.REGISTRY[name].description}")

# %% [markdown]
# Loading Fashion-MNIST shows which tier you are on: the canonical 70,000 photos, or the
# digits stand-in. The notebooks read the name and the class names from the returned
# object, so their text stays right on both tiers.

# %%
fashion = data.load("fashion_mnist")
print(fashion)
print("canonical:", fashion.canonical)
plots.image_grid(fashion.x_train[:16], fashion.y_train[:16], fashion.class_names,
                         title=f"First training images of {fashion.name}");

# %% [markdown]
# Sixteen labelled images: if they are clothes, you have the real data; digits mean you
# are offline and working with the stand-in, which is fine for every lesson.

# %% [markdown]
# ## 3. A tiny model trains
#
# A two-layer network on 512 points of the XOR problem: if this runs in a few seconds,
# your machine is ready for the course (every notebook is sized for a 2-core laptop).

# %%
xor = data.load("xor", n=512)
model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(8, activation="tanh"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
              metrics=["accuracy"])
start = time.perf_counter()
model.fit(xor.x_train, xor.y_train, epochs=30, batch_size=32, verbose=0)
seconds = time.perf_counter() - start
_, accuracy = model.evaluate(xor.x_test, xor.y_test, verbose=0)
print(f"trained 30 epochs in {seconds:.1f} s; test accuracy {accuracy:.3f}")
helpers.record("xor_test_accuracy", accuracy)
helpers.record("train_seconds", round(seconds, 2))

# %%
plots.decision_boundary(model, xor.x_test, xor.y_test,
                                title="XOR: the tiny network's decision boundary");

# %% [markdown]
# The curved boundary separates the two diagonals of the square, which no straight line
# can do: notebook 02 explains why.

# %% [markdown]
# ## 4. Preparing an offline class
#
# Run `make data` once while you are online: it downloads and verifies every canonical
# dataset into the cache. To share one copy, point `COURSE_DATA_PATH` at a folder that holds
# the files (as the course's CI does). `COURSE_OFFLINE=1` forces the stand-ins.

# %%
print("\n".join(problems) if problems else "All checks passed: you are ready for notebook 01.")

# %% [markdown]
# ## Key takeaways
# - The course needs Python 3.11+, Keras 3 and TensorFlow; `make setup` installs the tested versions.
# - Data comes from the cache, `COURSE_DATA_PATH`, a download, or a stand-in, in that order.
# - A small Keras model trains in seconds on a laptop CPU: every notebook is sized for that.
#
# ## Further reading
# - Keras 3 getting started: https://keras.io/getting_started/
# - Fashion-MNIST: Xiao, Rasul and Vollgraf (2017), https://arxiv.org/abs/1708.07747
