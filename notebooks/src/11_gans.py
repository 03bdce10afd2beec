# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 11 · Generative adversarial networks
#
# {{colab_badge}}
#
# Every network so far mapped an image to a label. A **generative** model goes the other
# way: it makes new images that look as if they came from the training data. A generative
# adversarial network (GAN) gets there through a game between two networks: a
# **generator** turns random numbers into images, and a **discriminator** tries to tell
# those fakes from real images. Each improves by exploiting the other's weaknesses. The
# lecture lists GANs among its examples, in particular for image-to-image translation. This
# notebook writes down the game and its losses, works out what the best discriminator
# does, trains a small DCGAN with a custom `train_step` in a short CPU run (the notebook
# prints how long),
# measures how recognisable its images are, and ends with what image-to-image translation
# (pix2pix) adds and what it would cost to train.
#
# **What you will learn**
# - the GAN game as a minimax problem, the two losses computed from logits, and why the generator uses the *non-saturating* loss;
# - what the best discriminator is for a given generator, and why the value of the game is $-\log 4$ when the generator has won;
# - to build a DCGAN (`Conv2DTranspose` to upsample, strided `Conv2D` to downsample) and train it with your own `train_step`: Keras 3, `tf.GradientTape`, two optimizers;
# - to judge a GAN: samples after each epoch, both losses, and a classifier's verdict, with what such a verdict can and cannot tell;
# - what pix2pix adds for image-to-image translation (U-Net, PatchGAN, an L1 loss, paired data) and what training one would cost.
#
# **Prerequisites:** notebook 02 (`tf.GradientTape`, the Functional API), notebook 03
# (`Conv2D`, strides, padding, batch normalization), notebook 04 (the course backbone);
# binary cross-entropy.

# %%
# {{colab_install}}
import inspect
import math
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Code, display
from keras import layers

import helpers
from helpers import data, gans
from helpers.checks import gans as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))

# %% [markdown]
# ## 1. The game and its loss
#
# The generator $G$ maps a latent vector $z$, drawn from a standard normal distribution
# $p_z$, to an image $G(z)$. The discriminator $D$ maps an image $x$ to $D(x) \in (0, 1)$,
# the probability that $x$ is real rather than generated. Goodfellow et al. (2014) set
# them a **minimax game** over one value function:
#
# $$ \min_G \max_D \; V(D, G) = \mathbb{E}_{x \sim p_\text{data}}\big[\log D(x)\big]
#    + \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big]. $$
#
# $D$ wants $D(x)$ near 1 on real images and $D(G(z))$ near 0 on fakes: maximising $V$ is
# minimising the **binary cross-entropy** of a classifier with target 1 for real and 0
# for fake. $G$ only appears in the second term and wants it as small as possible: fakes
# that $D$ takes for real.
#
# **Logits.** Our discriminator outputs a *logit* $a$, and $D = \sigma(a) = 1/(1 + e^{-a})$.
# The logs are then $\log D = -\log(1 + e^{-a})$ and $\log(1 - D) = -\log(1 + e^{a})$,
# which a computer can evaluate for any $a$ (`np.logaddexp(0, a)` is $\log(1 + e^a)$
# without overflow), whereas $1 - \sigma(40)$ already rounds to 0 and its log is
# $-\infty$. This is what `keras.losses.BinaryCrossentropy(from_logits=True)` does.
#
# **The non-saturating generator loss.** Early in training the fakes are bad, $D$
# rejects them easily, and $D(G(z)) \approx 0$. There $\log(1 - D(G(z)))$ is flat: its
# gradient with respect to the logit is $-\sigma(a) \approx 0$, and $G$ learns nothing.
# Goodfellow et al. therefore train $G$ to *maximise* $\log D(G(z))$ instead, i.e. to
# minimise
#
# $$ L_G = -\,\mathbb{E}_{z}\big[\log D(G(z))\big], $$
#
# which has the same goal (fool $D$) but a gradient of $-(1 - \sigma(a)) \approx -1$
# exactly where $G$ is bad. The picture compares the two.

# %%
d_of_fake = np.linspace(0.001, 0.999, 400)
logit = np.log(d_of_fake / (1 - d_of_fake))
fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_loss.plot(d_of_fake, np.log(1 - d_of_fake), label=r"minimax: $\log(1 - D(G(z)))$")
ax_loss.plot(d_of_fake, -np.log(d_of_fake), label=r"non-saturating: $-\log D(G(z))$")
ax_loss.set(title="Two losses for the generator (both to minimise)",
            xlabel="D(G(z)), the discriminator's belief that a fake is real", ylabel="loss")
ax_grad.plot(d_of_fake, np.abs(-d_of_fake), label="minimax")
ax_grad.plot(d_of_fake, np.abs(-(1 - d_of_fake)), label="non-saturating")
ax_grad.axvspan(0, 0.1, color="tab:red", alpha=0.1, label="early training: D rejects fakes")
ax_grad.set(title="Size of the gradient with respect to D's logit",
            xlabel="D(G(z))", ylabel="|d loss / d logit|")
for ax in (ax_loss, ax_grad):
    ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# On the left, both losses fall as $D(G(z))$ rises: both push the fakes towards "real". On
# the right, the minimax loss gives almost no gradient in the red band, where a new
# generator starts; the non-saturating loss gives the most there.
#
# **One-sided label smoothing.** Salimans et al. (2016) found that training $D$ with a
# target of 0.9 instead of 1 for real images (the fakes keep 0) stops $D$ from becoming
# overconfident, so that $G$ keeps getting useful gradients. Our training uses it; the real
# images' cross-entropy then reads $-[\,0.9 \log D(x) + 0.1 \log(1 - D(x))\,]$.

# %% [markdown]
# ### Exercise 1 (2 points): the discriminator's loss from its logits
#
# Write `my_discriminator_loss(real_logits, fake_logits, real_label=1.0)` in numpy:
# the binary cross-entropy of $D$ with target `real_label` for the real images and 0 for the
# fakes, each **averaged over its own batch**, then added:
#
# $$ L_D = -\frac{1}{n}\sum_{i} \big[\, y \log D(x_i) + (1 - y)\log\big(1 - D(x_i)\big) \big]
#          \;-\; \frac{1}{m}\sum_{j} \log\big(1 - D(G(z_j))\big), \qquad D = \sigma(\text{logit}),\; y = \texttt{real\_label}. $$
#
# The inputs are numpy arrays of logits (the two batches may differ in size); return one
# number. Compute the logs from the logits with `np.logaddexp` as above: the check includes
# logits of $\pm 40$. It compares with Keras' `BinaryCrossentropy(from_logits=True)`.

# %% exercise="solution:ex_discriminator_loss"
def my_discriminator_loss(real_logits, fake_logits, real_label=1.0):
    ### BEGIN SOLUTION
    log_d_real = -np.logaddexp(0.0, -real_logits)  # log D(x)
    log_not_d_real = -np.logaddexp(0.0, real_logits)  # log(1 - D(x))
    log_not_d_fake = -np.logaddexp(0.0, fake_logits)  # log(1 - D(G(z)))
    real_term = -np.mean(real_label * log_d_real + (1 - real_label) * log_not_d_real)
    return real_term - np.mean(log_not_d_fake)
    ### END SOLUTION


# %% exercise="check:check_discriminator_loss:2"
check.discriminator_loss(my_discriminator_loss)
### BEGIN HIDDEN TESTS
check.discriminator_loss(my_discriminator_loss, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2 (2 points): the generator's loss
#
# Write `my_generator_loss(fake_logits)`: the **non-saturating** loss
# $L_G = -\frac{1}{m}\sum_j \log D(G(z_j))$ from $D$'s logits on a batch of fakes, in
# numpy, one number. (Which binary cross-entropy is it: with which target?)

# %% exercise="solution:ex_generator_loss"
def my_generator_loss(fake_logits):
    ### BEGIN SOLUTION
    return np.mean(np.logaddexp(0.0, -fake_logits))  # -mean(log D(G(z))): target 1
    ### END SOLUTION


# %% exercise="check:check_generator_loss:2"
check.generator_loss(my_generator_loss)
### BEGIN HIDDEN TESTS
check.generator_loss(my_generator_loss, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The best discriminator, and the value of the game
#
# Fix the generator. Its samples have some density $p_g$, and the value function is an
# integral over images:
#
# $$ V(D, G) = \int p_\text{data}(x) \log D(x) + p_g(x) \log\big(1 - D(x)\big)\, dx. $$
#
# $D$ can choose $D(x)$ separately at every $x$, and $a \log y + b \log(1 - y)$ is largest
# at $y = a / (a + b)$ (set its derivative $a/y - b/(1-y)$ to zero). So the **optimal
# discriminator** is
#
# $$ D^*(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}. $$
#
# Put back into $V$, this gives (Goodfellow et al., theorem 1)
#
# $$ V(D^*, G) = -\log 4 + 2\, \mathrm{JSD}\big(p_\text{data} \,\|\, p_g\big), $$
#
# where the Jensen-Shannon divergence JSD is 0 exactly when $p_g = p_\text{data}$ and at
# most $\log 2$. Against the best discriminator, the generator therefore minimises a
# distance between its distribution and the data's; the game is won when $p_g =
# p_\text{data}$, where $D^* = \tfrac12$ everywhere (it can only guess) and
# $V = -\log 4 \approx -1.386$. Both can be computed for one-dimensional densities on a
# grid of points $x_i$, spacing $dx$: the integral becomes $\sum_i f(x_i)\, dx$.

# %% [markdown]
# ### Exercise 3 (3 points): the optimal discriminator and the value of the game
#
# (a) Write `my_optimal_discriminator(p_data, p_g)`: $D^*$ at every point, from two numpy
# arrays of density values of the same shape (1 point).
#
# (b) Write `my_game_value(p_data, p_g, dx)`: $V(D^*, G) \approx \sum_i \big[p_\text{data}(x_i)
# \log D^*(x_i) + p_g(x_i) \log(1 - D^*(x_i))\big]\, dx$ (2 points). Where a density is 0
# its term counts as 0 (the limit of $p \log p$), but numpy computes $0 \cdot \log 0$ as
# `nan`: `np.nansum` adds up an array skipping its `nan`s, and
# `with np.errstate(divide="ignore", invalid="ignore"):` silences the warnings. You may use
# your `my_optimal_discriminator`.

# %% exercise="solution:ex_optimal_discriminator"
def my_optimal_discriminator(p_data, p_g):
    ### BEGIN SOLUTION
    return p_data / (p_data + p_g)
    ### END SOLUTION


def my_game_value(p_data, p_g, dx):
    ### BEGIN SOLUTION
    with np.errstate(divide="ignore", invalid="ignore"):
        d_star = my_optimal_discriminator(p_data, p_g)
        terms = p_data * np.log(d_star) + p_g * np.log(1 - d_star)
    return np.nansum(terms) * dx
    ### END SOLUTION


# %% exercise="check:check_optimal_discriminator:1"
check.optimal_discriminator(my_optimal_discriminator)
### BEGIN HIDDEN TESTS
check.optimal_discriminator(my_optimal_discriminator, hidden=True)
### END HIDDEN TESTS

# %% exercise="check:check_game_value:2"
check.game_value(my_game_value)
### BEGIN HIDDEN TESTS
check.game_value(my_game_value, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The picture uses the reference versions, `gans.optimal_discriminator` and
# `gans.game_value`: the data is a standard normal density, and the generator's density is
# the same bell shifted by $\mu$.

# %%
x_grid = np.linspace(-10, 10, 2001)
dx = x_grid[1] - x_grid[0]


def bell(mean, sd=1.0):
    return np.exp(-0.5 * ((x_grid - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


p_data = bell(0.0)
fig, (ax_d, ax_v) = plt.subplots(1, 2, figsize=(12, 3.8))
ax_d.fill_between(x_grid, p_data, color="tab:blue", alpha=0.25, label=r"$p_\mathrm{data}$")
for shift, colour in [(3.0, "tab:red"), (1.0, "tab:orange"), (0.0, "tab:green")]:
    ax_d.plot(x_grid, bell(shift), color=colour, lw=1, ls=":")
    ax_d.plot(x_grid, gans.optimal_discriminator(p_data, bell(shift)), color=colour,
              label=rf"$\mu = {shift:g}$: $D^*$ (solid), $p_g$ (dotted)")
ax_d.set(xlim=(-4, 6), title="The optimal discriminator for three generators",
         xlabel="x", ylabel="density, or D*(x)")
ax_d.legend(fontsize=7, loc="upper right")
shifts = np.linspace(-6, 6, 121)
values = [gans.game_value(p_data, bell(s), dx) for s in shifts]
ax_v.plot(shifts, values, color="tab:purple")
ax_v.axhline(-np.log(4), color="k", ls="--", lw=1, label=r"$-\log 4$: $p_g = p_\mathrm{data}$")
ax_v.axhline(0.0, color="gray", ls=":", lw=1, label="0: no overlap (JSD = log 2)")
ax_v.set(title=r"The value of the game against $D^*$", xlabel=r"shift $\mu$ of $p_g$",
         ylabel=r"$V(D^*, G)$")
ax_v.legend(fontsize=8)
fig.tight_layout()
equilibrium = gans.game_value(p_data, p_data, dx)
print(f"V(D*, G) with p_g = p_data: {equilibrium:.4f}   (-log 4 = {-np.log(4):.4f})")
helpers.claim("game_value_at_equilibrium", equilibrium,
              between=(-np.log(4) - 1e-3, -np.log(4) + 1e-3))

# %% [markdown]
# Where only the data has mass, $D^*$ says "real" (1); where only the generator has, it says
# "fake" (0); at $\mu = 0$ it is $\tfrac12$ everywhere. On the right, the value has its
# minimum $-\log 4$ at $\mu = 0$ and flattens out towards 0 once the two bells barely
# overlap: there the generator gets almost no signal about which way to move. That is one
# more reason to prefer the non-saturating loss, and the starting point of the Wasserstein
# GAN (Arjovsky et al., 2017).

# %% [markdown]
# ## 3. The data, scaled to the generator's range
#
# The generator ends in $\tanh$, whose values lie in $[-1, 1]$, so the real images are
# scaled to the same range: $x / 127.5 - 1$. We train on a subset of the training images
# to keep within a minute.

# %%
N_TRAIN = 3000 if QUICK else 6000
ds = data.load("fashion_mnist", n_train=N_TRAIN, n_test=1000)
print(ds)
x_real = gans.to_tanh_range(ds.x_train)
print(f"training images {x_real.shape}, values from {x_real.min():.0f} to {x_real.max():.0f}")
print("classes:", ", ".join(ds.class_names))

fig, ax = plt.subplots(figsize=(12, 2.6))
ax.imshow(gans.tile(ds.x_train[:24], ncols=12), cmap="gray_r")
ax.set(title=f"Real training images of {ds.name}: what the generator must learn to imitate",
       xlabel="12 images per row", ylabel="2 rows")
ax.set_xticks([])
ax.set_yticks([])
ax.grid(False);

# %% [markdown]
# These are the images the discriminator sees as "real". The dataset has the classes
# printed above, but the GAN never sees a label: it learns the distribution of all the
# images at once, and must produce every class from random numbers alone.

# %% [markdown]
# ## 4. The generator: from a vector to an image with `Conv2DTranspose`
#
# A classifier shrinks an image, with strides and pooling, to a few numbers. A generator
# must do the reverse: grow a vector into an image. The DCGAN of Radford et al. (2015)
# does it with a dense layer that makes a small stack of feature maps (here 7x7), then
# **transposed convolutions** (`Conv2DTranspose`) with stride 2, each of which doubles
# the height and width: 7 → 14 → 28.
#
# A transposed convolution runs a convolution backwards: each *input* pixel adds a copy of
# the kernel, scaled by its value, into the output, and the copies of neighbouring pixels
# land `stride` pixels apart, overlapping and adding up. With `padding="same"` the output
# is exactly `stride` times larger. Here is one with a 4x4 kernel and stride 2 on a 3x3
# input that has two non-zero pixels.

# %%
tiny = np.zeros((1, 3, 3, 1), "float32")
tiny[0, 0, 0, 0], tiny[0, 2, 1, 0] = 1.0, 2.0
stamp = np.outer([1, 2, 2, 1], [1, 2, 2, 1]).astype("float32")
up = layers.Conv2DTranspose(1, 4, strides=2, padding="same", use_bias=False)
up.build((None, 3, 3, 1))
up.set_weights([stamp[:, :, None, None]])  # (height, width, output channels, input channels)
grown = keras.ops.convert_to_numpy(up(tiny))[0, :, :, 0]

fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), gridspec_kw={"width_ratios": [3, 4, 6]})
for ax, values, title in zip(axes, [tiny[0, :, :, 0], stamp, grown],
                             ["input, 3x3", "kernel, 4x4", "output, 6x6"], strict=True):
    ax.imshow(values, cmap="Blues", vmin=0, vmax=values.max())
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=8,
                color="white" if v > 0.6 * values.max() else "black")
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    ax.set(title=title, xlabel="column", ylabel="row")
    ax.grid(False)
fig.suptitle("Conv2DTranspose(stride 2): every input pixel stamps the kernel, scaled, into "
             "an output twice as large")
fig.tight_layout()

# %% [markdown]
# The pixel of value 1 at the top left stamps the kernel once (cropped by the padding); the
# pixel of value 2 stamps it doubled, two rows and columns further for each step in the
# input. The network learns the kernels, so it learns how to paint detail into the larger
# map. A 4x4 kernel with stride 2 overlaps evenly; a 3x3 kernel with stride 2 would not,
# which gives the checkerboard artefacts of Odena et al. (2016).
#
# `gans.build_generator()` is the generator we will train: Dense to 7x7x64, batch
# normalization and LeakyReLU, `Conv2DTranspose` to 14x14x32, the same again, and a last
# `Conv2DTranspose` to 28x28x1 with $\tanh$.

# %%
LATENT = gans.LATENT_DIM
generator = gans.build_generator(LATENT)
generator.summary()
z_show = np.random.default_rng(0).normal(size=(12, LATENT)).astype("float32")
untrained_images = gans.generate(generator, z_show)  # pixels 0..255, inference mode
fig, ax = plt.subplots(figsize=(12, 1.6))
ax.imshow(gans.tile(untrained_images, ncols=12), cmap="gray_r", vmin=0, vmax=255)
ax.set(title="The untrained generator: 12 latent vectors, 12 nearly identical grey squares",
       xlabel="sample", ylabel="")
ax.set_xticks([])
ax.set_yticks([])
ax.grid(False);

# %% [markdown]
# Before training, the random weights turn every $z$ into almost the same faint noise
# around grey ($\tanh(0) = 0$ is pixel 127.5): the generator knows nothing yet.

# %% [markdown]
# ### Exercise 4 (3 points): a generator of your own
#
# Write `build_my_generator(latent_dim)`, returning a new Keras model that maps a batch of
# latent vectors, shape `(None, latent_dim)`, to images of shape `(None, 28, 28, 1)` with
# values in $[-1, 1]$. It must upsample with at least one `Conv2DTranspose` with
# `strides=2` (for example Dense → Reshape to 7x7 → two `Conv2DTranspose` layers), end in
# the activation that gives the range of the real images, and have between 10,000 and
# 2,000,000 parameters. The check builds it, measures the output's shape and range (also
# for very large $z$, which drives the last activation to its limits) and counts the
# parameters. The rest of the notebook trains `gans.build_generator()`.

# %% exercise="solution:ex_build_generator"
def build_my_generator(latent_dim):
    ### BEGIN SOLUTION
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        layers.Dense(7 * 7 * 32),
        layers.LeakyReLU(0.2),
        layers.Reshape((7, 7, 32)),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
    ])
    ### END SOLUTION


# %% exercise="check:check_build_generator:3"
check.generator_spec(build_my_generator)
### BEGIN HIDDEN TESTS
check.generator_spec(build_my_generator, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. The discriminator
#
# The discriminator is an ordinary small CNN classifier with two differences that DCGAN
# recommends: it downsamples with **strided convolutions** instead of pooling (the network
# learns how to shrink), and it uses **LeakyReLU**, $\max(0.2a, a)$, so that gradients
# flow back to the generator even for negative activations. It ends in a single logit, no
# sigmoid: the losses take logits.

# %%
discriminator = gans.build_discriminator()
discriminator.summary()

# %% [markdown]
# ## 6. The custom `train_step`
#
# `model.fit` runs `train_step` on every batch. Its default computes one loss and updates
# every weight with one optimizer; a GAN needs two losses, two optimizers and two updates
# in turn. In Keras 3 we subclass `keras.Model` and override `train_step` (and `compile`,
# to take the two optimizers). With the TensorFlow backend, gradients come from
# `tf.GradientTape`, and `fit` compiles the step into a TensorFlow graph for speed. This is
# `gans.GAN`:

# %%
display(Code(inspect.getsource(gans.GAN), language="python"))

# %% [markdown]
# Read `train_step` in four parts:
#
# 1. **Unpack the batch.** `fit(x_real)` passes only images; `unpack_x_y_sample_weight`
#    takes them out whatever the data pipeline wraps them in.
# 2. **The discriminator's step.** Generate fakes from new random $z$, score the real and
#    the fake batch, compute $L_D$ (your exercise 1, with `real_label=0.9`), and update
#    **only $D$'s weights**: the tape also saw $G$'s weights, but we ask it for the
#    gradient with respect to `self.discriminator.trainable_weights` only.
# 3. **The generator's step.** New fakes, scored by the *updated* $D$; $L_G$ is the
#    non-saturating loss (exercise 2). The gradient flows back *through* $D$ into $G$, but
#    only $G$'s weights move. Both networks run with `training=True`, so that batch
#    normalization uses the statistics of the current batch.
# 4. **The logs.** Four `keras.metrics.Mean` trackers average $L_D$, $L_G$ and $D$'s mean
#    outputs on real and fake images over the epoch; listing them in the `metrics`
#    property lets Keras reset them every epoch and show them in the progress bar.
#
# The learning rates are not DCGAN's $2 \times 10^{-4}$ for both: for a run this short we
# let the generator learn faster ($10^{-3}$) than the discriminator ($4 \times 10^{-4}$),
# both with Adam's $\beta_1 = 0.5$ as in DCGAN. That choice came from trials while writing
# the notebook, which it does not repeat: treat it as a starting point, not a result. We
# switch off XLA compilation (`jit_compile=False`), which made this small model slower on
# a CPU.

# %% [markdown]
# ## 7. Training, and the samples after each epoch
#
# We train for a fixed number of steps (batches of 128), the same on every dataset, and
# keep the generator's images of the same 10 latent vectors as training goes on
# (`gans.SampleGrid`, a Keras callback). `gans.ProgressBar` shows one bar for the whole run
# with the latest losses, shorter than Keras' bar per epoch when the epochs are many and
# short.

# %%
BATCH = 128
STEPS = 120 if QUICK else 470
steps_per_epoch = math.ceil(len(x_real) / BATCH)
EPOCHS = max(1, round(STEPS / steps_per_epoch))

keras.utils.set_random_seed(0)
generator, discriminator = gans.build_generator(LATENT), gans.build_discriminator()
gan = gans.GAN(generator, discriminator, real_label=0.9, seed=0)
gan.compile(d_optimizer=keras.optimizers.Adam(4e-4, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5), jit_compile=False)
z_fixed = np.random.default_rng(1).normal(size=(10, LATENT)).astype("float32")
snapshots = gans.SampleGrid(z_fixed, every=max(1, EPOCHS // 10), epochs=EPOCHS)
progress = gans.ProgressBar(EPOCHS, desc=f"{EPOCHS} epochs of {steps_per_epoch} steps")

start_wall, start_cpu = time.perf_counter(), time.process_time()
history = gan.fit(x_real, epochs=EPOCHS, batch_size=BATCH, callbacks=[snapshots, progress],
                  verbose=0)
train_seconds = time.perf_counter() - start_wall
train_cpu_seconds = time.process_time() - start_cpu
print(f"{EPOCHS} epochs of {steps_per_epoch} steps on {len(x_real):,} images of {ds.name}: "
      f"{train_seconds:.0f} s ({train_cpu_seconds:.0f} CPU-seconds)")
helpers.record("gan_train_seconds", round(train_seconds, 1))
helpers.record("gan_train_cpu_seconds", round(train_cpu_seconds, 1))

# %%
rows = len(snapshots.epochs)
fig, axes = plt.subplots(rows, 1, figsize=(10, 1.05 * rows + 0.6), squeeze=False)
for ax, epoch, images in zip(axes[:, 0], snapshots.epochs, snapshots.images, strict=True):
    ax.imshow(gans.tile(images, ncols=10), cmap="gray_r", vmin=0, vmax=255)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylabel(f"epoch {epoch}\nstep {epoch * steps_per_epoch}", rotation=0,
                  ha="right", va="center", fontsize=8)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
axes[-1, 0].set_xlabel("the same 10 latent vectors in every row")
fig.suptitle(f"Generated images after each epoch (top: first, bottom: last), {ds.name}")
fig.tight_layout()

# %% [markdown]
# Each column follows one latent vector through training. The grey squares of the untrained
# generator first become blurry blobs with the right overall shape and brightness; the
# outlines and the differences between classes come later. A column may change class
# between epochs: the generator is a moving target as long as the discriminator keeps
# finding new flaws.

# %% [markdown]
# ## 8. Both losses
#
# A classifier's loss should go down and stay down. A GAN's two losses do not: each
# network's progress raises the other's loss. At the equilibrium of section 2, $D$ outputs
# $\tfrac12$ everywhere, so $L_D = 2 \log 2 \approx 1.39$ (a cross-entropy of $\log 2$ for
# each half, whatever the target) and $L_G = \log 2 \approx 0.69$.

# %%
logs = pd.DataFrame(history.history)
step_axis = (np.arange(len(logs)) + 1) * steps_per_epoch
fig, (ax_l, ax_p) = plt.subplots(1, 2, figsize=(12, 3.8))
ax_l.plot(step_axis, logs["d_loss"], "o-", label="discriminator loss $L_D$")
ax_l.plot(step_axis, logs["g_loss"], "s-", label="generator loss $L_G$")
ax_l.axhline(2 * np.log(2), color="tab:blue", ls=":", lw=1, label="$2 \\log 2$ (D guessing)")
ax_l.axhline(np.log(2), color="tab:orange", ls=":", lw=1, label="$\\log 2$ (D guessing)")
ax_l.set(title="Both losses, averaged over each epoch", xlabel="training step", ylabel="loss")
ax_l.legend(fontsize=8)
ax_p.plot(step_axis, logs["d_real"], "o-", color="tab:green", label="on real images: mean D(x)")
ax_p.plot(step_axis, logs["d_fake"], "s-", color="tab:red", label="on fakes: mean D(G(z))")
ax_p.axhline(0.5, color="k", ls=":", lw=1, label="0.5: cannot tell them apart")
ax_p.set(title="What the discriminator says", xlabel="training step",
         ylabel="probability of 'real'", ylim=(0, 1))
ax_p.legend(fontsize=8)
fig.tight_layout()
print(logs.round(3).tail(3).to_string())
last = logs.iloc[-1]
# "Neither loss goes to zero; D's outputs stay apart, but not far from 0.5": as claims.
helpers.claim("d_loss_last_epoch", last["d_loss"], at_least=0.3)
helpers.claim("d_real_minus_d_fake_last_epoch", last["d_real"] - last["d_fake"],
              between=(0.0, 0.6))

# %% [markdown]
# Neither loss goes to zero, and the discriminator's outputs on real and fake images stay
# apart but not far from 0.5 (the claims under the cell check the last epoch): a game in balance, not a
# solved problem. The losses say whether the game is balanced, not whether the images are
# good: a falling $L_G$ can mean better fakes or a weaker $D$. A discriminator that wins
# outright ($L_D \to 0$, $D(G(z)) \to 0$) or a generator loss that explodes would mean
# the balance is lost. To judge the images themselves we need another measurement.

# %% [markdown]
# ## 9. Are the samples recognisable? A classifier as judge
#
# Looking at the grid is the first test. To put a number on it, we ask a classifier that
# knows the real classes. `gans.make_judge(ds)` returns the course backbone of notebook 04
# (pretrained on all 60,000 Fashion-MNIST images) when the data is Fashion-MNIST, and
# otherwise trains the same architecture on the training images for a few seconds.
#
# We call a sample **recognisable** when the judge gives one class a probability above 0.5
# (`gans.confident_fraction`), and compare 200 GAN samples with three references of 200
# images each: uniform noise, the *untrained* generator, and real test images. A
# classifier has no answer "none of these", though, so it may also be confident about
# images unlike any it has seen. The **classifier score** (`gans.classifier_score`, the
# *Inception score* of Salimans et al. with our judge instead of the Inception network)
# also demands variety:
#
# $$ \text{score} = \exp\Big(\mathbb{E}_x\, \mathrm{KL}\big(p(y \mid x) \,\|\, p(y)\big)\Big), $$
#
# high when each image is confidently one class *and* the classes differ between images:
# 1 for images that all get the same answer, up to 10 for ten equally frequent classes.

# %%
judge = gans.make_judge(ds)
print(f"judge: {judge.description}; accuracy on {len(ds.x_test):,} test images: "
      f"{judge.test_accuracy:.3f}")
N_JUDGE = 200
rng = np.random.default_rng(2)
z_judge = rng.normal(size=(N_JUDGE, LATENT)).astype("float32")
keras.utils.set_random_seed(1)
fresh_generator = gans.build_generator(LATENT)
sources = {
    "uniform noise": rng.uniform(0, 255, size=(N_JUDGE, 28, 28)),
    "untrained generator": gans.generate(fresh_generator, z_judge),
    "GAN after training": gans.generate(generator, z_judge),
    "real test images": ds.x_test[:N_JUDGE].astype("float32"),
}
probabilities = {name: judge.probabilities(images) for name, images in sources.items()}
verdict = pd.DataFrame({
    "confident fraction (p > 0.5)": {n: gans.confident_fraction(p)
                                     for n, p in probabilities.items()},
    "classifier score": {n: gans.classifier_score(p) for n, p in probabilities.items()},
    "classes seen": {n: len(np.unique(p.argmax(axis=1))) for n, p in probabilities.items()},
})
display(verdict.round(3))
for key, name in [("noise", "uniform noise"), ("untrained", "untrained generator"),
                  ("gan", "GAN after training"), ("real", "real test images")]:
    helpers.record(f"{key}_confident_fraction", verdict.loc[name, "confident fraction (p > 0.5)"])
    helpers.record(f"{key}_classifier_score", round(verdict.loc[name, "classifier score"], 3))
helpers.record("judge_test_accuracy", round(judge.test_accuracy, 4))
# The references' verdicts and the GAN's (the classifier score runs from 1 to the 10 classes).
score = verdict["classifier score"]
helpers.claim("noise_classifier_score", score["uniform noise"], at_most=2.0)
helpers.claim("untrained_classifier_score", score["untrained generator"], at_most=2.0)
# (A grading run trains a quarter as many steps: a lower bar, still above the untrained one.)
helpers.claim("gan_minus_untrained_classifier_score",
              score["GAN after training"] - score["untrained generator"],
              at_least=0.3 if QUICK else 1.0)
helpers.claim("confident_fraction", verdict.loc["GAN after training",
                                                "confident fraction (p > 0.5)"],
              at_least=0.5, grading=False)

# %%
colours = ["tab:gray", "tab:brown", "tab:purple", "tab:green"]
fig, axes = plt.subplots(1, 3, figsize=(14, 4), gridspec_kw={"width_ratios": [1, 1, 1.4]})
for ax, column, limit in [(axes[0], "confident fraction (p > 0.5)", 1.0),
                          (axes[1], "classifier score", len(ds.class_names))]:
    ax.bar(range(len(verdict)), verdict[column], color=colours)
    ax.set_xticks(range(len(verdict)), [n.replace(" ", "\n", 1) for n in verdict.index],
                  fontsize=8)
    for i, v in enumerate(verdict[column]):
        ax.text(i, v, f"{v:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set(ylim=(0, limit * 1.08), title=column, xlabel="images judged", ylabel=column)
counts = {name: np.bincount(probabilities[name].argmax(axis=1), minlength=len(ds.class_names))
          for name in ["GAN after training", "real test images"]}
positions = np.arange(len(ds.class_names))
axes[2].bar(positions - 0.2, counts["GAN after training"], 0.4, color="tab:purple",
            label="GAN samples")
axes[2].bar(positions + 0.2, counts["real test images"], 0.4, color="tab:green",
            label="real test images")
axes[2].set_xticks(positions, ds.class_names, rotation=45, ha="right", fontsize=8)
axes[2].set(title="Which class the judge sees", xlabel="class", ylabel=f"images (of {N_JUDGE})")
axes[2].legend(fontsize=8)
fig.suptitle(f"How recognisable are the samples? The judge: a classifier of {ds.name}")
fig.tight_layout()

# %% [markdown]
# Read the references first. Real images set the ceiling. Noise and the untrained
# generator show what the confident fraction alone can miss: how sure a classifier is about
# images it was never shown depends on the classifier, and it can be very sure (a flat grey
# square can look like a bag to a clothes classifier); but it gives them all the same one
# or two classes, so their classifier score stays near 1 (claimed at most 2, of 10). The GAN's samples should be
# confident *and* spread over many classes, as the histogram on the right shows; where the
# GAN's bars differ from the real ones, it draws some classes more often than the data has
# them.

# %%
gan_probs = probabilities["GAN after training"]
fig, axes = plt.subplots(2, 10, figsize=(13, 3.9))
for i, ax in enumerate(axes.ravel()):
    label, confidence = gan_probs[i].argmax(), gan_probs[i].max()
    ax.imshow(sources["GAN after training"][i], cmap="gray_r", vmin=0, vmax=255)
    ax.set_title(f"{ds.class_names[label]}\n{confidence:.2f}", fontsize=7,
                 color="black" if confidence > 0.5 else "tab:red")
    ax.axis("off")
fig.suptitle("20 GAN samples with the judge's label and probability (red: 0.5 or less)")
fig.tight_layout()

# %% [markdown]
# Compare the labels with your own eyes: most confident labels should name what you see;
# the red ones are the blurry or mixed samples that neither you nor the judge can name.

# %% [markdown]
# ## 10. Walking through the latent space
#
# The generator is a smooth function of $z$, so a straight line between two latent vectors
# should give a gradual change between their images, not a jump: a sign that the network
# has learnt a continuous space of images rather than memorised a few (Radford et al.).
# `gans.interpolate(z0, z1, steps)` gives the points on the line.

# %%
rng = np.random.default_rng(3)
n_pairs, n_steps = 4, 10
walks = [gans.interpolate(rng.normal(size=LATENT), rng.normal(size=LATENT), n_steps)
         for _ in range(n_pairs)]
walk_images = gans.generate(generator, np.concatenate(walks))
fig, ax = plt.subplots(figsize=(11, 0.95 * n_pairs + 0.8))
ax.imshow(gans.tile(walk_images, ncols=n_steps, pad=2), cmap="gray_r", vmin=0, vmax=255)
ax.set(title="Four straight lines through the latent space, from left to right",
       xlabel="step along the line from z0 (left) to z1 (right)", ylabel="pair")
ax.set_xticks([])
ax.set_yticks([])
ax.grid(False);

# %% [markdown]
# Along each row one item morphs into another through images that are mostly plausible
# in between; a row can pass through another class on its way. (A straight line between
# two Gaussian vectors passes closer to the origin than typical $z$ do; spherical
# interpolation avoids that: try it and compare.)

# %% [markdown]
# ### Exercise 5 (2 points): mode collapse and label smoothing
#
# A common failure of GANs is **mode collapse**: the generator finds a few images that fool
# the discriminator and produces (almost) only those, whatever $z$ is. In 4 to 6
# sentences: (a) how would mode collapse show in the grid of section 7, in the histogram of
# section 9 and in the two numbers of the judge, and which of those two numbers would not
# notice it? (b) Why does one-sided label smoothing (target 0.9 for real images) help the
# generator, and why is it *one-sided* (the fakes keep target 0)?

# %% [markdown] exercise="answer:explain_mode_collapse:2"
# ### BEGIN SOLUTION
# (a) In the grid of section 7, the columns, which start from different $z$, would become
# the same image or a few images, and they would stay the same from row to row or jump
# together from one item to another as the discriminator catches up. In the histogram of
# section 9 the GAN's samples would pile up in one or two classes while the real images
# spread over all ten. The confident fraction would not notice: a collapsed generator that
# draws one good trouser gets a confident label on every sample, as noise and the untrained
# generator did. The classifier score would: with one class for every sample, $p(y)$ equals
# every $p(y \mid x)$ and the score falls to 1.
# (b) With a target of 1, $D$ is rewarded for pushing its logits on real images ever higher;
# an overconfident $D$ has saturated outputs and gives the generator tiny or erratic
# gradients. A target of 0.9 caps what $D$ gains from certainty, so its outputs stay in the
# range where the generator's gradients are informative. Smoothing the fakes' target too
# (0.1 instead of 0) would make the optimal $D$
# $(0.9\,p_\text{data} + 0.1\,p_g)/(p_\text{data} + p_g)$: where the generator puts
# samples and the data has none, $D^*$ would be 0.1 instead of 0, so the generator would
# feel less pressure to move those samples, and its mistakes would be reinforced
# (Salimans et al., 2016).
# ### END SOLUTION

# %% [markdown]
# ## 11. Image-to-image translation: pix2pix
#
# A striking use of GANs is *image to image*: turning a map into an aerial photo, a
# sketch into a shoe, a label map into a building facade, a day photo into night. Isola et
# al. (2017) did all of these with one recipe, **pix2pix**, a *conditional* GAN:
#
# * **Paired data.** Every training example is an input image $x$ and the output $y$ it
#   should become, aligned pixel for pixel: 400 facades with their label maps, 1,096 maps
#   with aerial photos, 50,000 shoe photos with edge maps made from them by an edge
#   detector. Making such pairs is often the hardest part.
# * **The generator** sees $x$, not random noise: $G(x)$. It is a **U-Net** (Ronneberger et
#   al., 2015): an encoder halves the image eight times (256 → 1), a decoder doubles it
#   back with `Conv2DTranspose`, and **skip connections** concatenate each decoder level
#   with the encoder level of the same size, so that fine detail (edges, positions) need
#   not squeeze through the 1x1 bottleneck. The only randomness is dropout.
# * **The discriminator** sees the pair: $D(x, y)$ on the input stacked with a real or a
#   generated output. It is a **PatchGAN**: a fully convolutional network whose output is
#   a 30x30 grid of logits, each judging whether one 70x70 patch looks real. It judges
#   texture and local detail; the overall layout is the L1 loss's job.
# * **The loss** adds an L1 distance to the target to the conditional GAN loss:
#
# $$ G^* = \arg\min_G \max_D \; \mathbb{E}_{x,y}\big[\log D(x, y)\big]
#          + \mathbb{E}_{x}\big[\log\big(1 - D(x, G(x))\big)\big]
#          + \lambda\, \mathbb{E}_{x,y}\big[\lVert y - G(x) \rVert_1\big], \qquad \lambda = 100. $$
#
#   L1 alone gives blurry but correctly placed outputs (the median of the possibilities);
#   the GAN term makes them sharp.
#
# The `train_step` of section 6 carries over almost unchanged: the batches are pairs, $D$
# gets the pair, and $G$'s loss gains `100 * mean(abs(y - G(x)))`. What does change is the
# size. `gans.unet_generator` and `gans.patch_discriminator` build the paper's two networks
# for 256x256 colour images, and `gans.forward_macs` counts the multiply-adds of one
# forward pass. We time one forward pass of the U-Net here and price a training step from
# it: about $4\times$ the generator's forward pass plus $9\times$ the discriminator's per
# pair (a backward pass costs about twice a forward one, and $D$ runs on a real and a fake
# pair).

# %%
p2p_generator, p2p_discriminator = gans.unet_generator(256), gans.patch_discriminator(256)
probe = np.zeros((1, 256, 256, 3), "float32")
p2p_generator(probe, training=False)  # the first call builds the graph: not timed
start = time.perf_counter()
p2p_generator(probe, training=False)
forward_seconds = time.perf_counter() - start
macs_per_second = gans.forward_macs(p2p_generator) / forward_seconds


def train_macs(g, d):
    """Multiply-adds of one training step on one example: 4 G + 9 D forward passes."""
    return 4 * gans.forward_macs(g) + 9 * gans.forward_macs(d)


small_generator = gans.unet_generator(32, channels=1, base=16)
small_discriminator = gans.patch_discriminator(32, channels=1, base=16)
# Our DCGAN's whole training run, graph tracing included, as multiply-adds per second.
dcgan_rate = train_macs(generator, discriminator) * EPOCHS * len(x_real) / train_seconds
pairs = [(generator, discriminator), (p2p_generator, p2p_discriminator),
         (small_generator, small_discriminator)]
table = pd.DataFrame({
    "parameters (G + D)": [g.count_params() + d.count_params() for g, d in pairs],
    "GMACs per training example": [train_macs(g, d) / 1e9 for g, d in pairs],
    "measured GMAC/s here": [dcgan_rate / 1e9, macs_per_second / 1e9, np.nan],
}, index=["our DCGAN, 28x28x1", "pix2pix, 256x256x3", "a small pix2pix, 32x32x1"])
display(table.round(3))
step_seconds = train_macs(p2p_generator, p2p_discriminator) / macs_per_second
facades_hours = step_seconds * 400 * 200 / 3600  # 400 pairs, 200 epochs, batch size 1
small_epoch = train_macs(small_generator, small_discriminator) * len(x_real) / dcgan_rate
print(f"one pix2pix training step on one 256x256 pair: about {step_seconds:.1f} s here")
print(f"the paper's facades schedule (400 pairs x 200 epochs): about {facades_hours:.0f} hours")
print(f"the small pix2pix, one epoch of {len(x_real):,} pairs: about {small_epoch:.0f} s here")
helpers.record("pix2pix_parameters", int(table.iloc[1, 0]))
helpers.record("pix2pix_facades_cpu_hours", round(facades_hours, 1))
ratios = table.iloc[1:, :2] / table.iloc[0, :2]
print("relative to our DCGAN:\n" + ratios.round(1).to_string())
helpers.claim("pix2pix_parameter_ratio", ratios.iloc[0, 0], at_least=100)
helpers.claim("pix2pix_macs_ratio", ratios.iloc[0, 1], at_least=1000)

# %% [markdown]
# The pix2pix pair has hundreds of times the parameters of our DCGAN and needs thousands of
# times the arithmetic per training example (the ratios printed above, and claimed), and the CPU gets through its large
# convolutions at a rate of the same order as our small ones (the last column), so the
# time grows with the arithmetic. At the rate measured here, the paper's smallest
# experiment (facades) takes the hours printed above: a day or more of computing. A
# TensorFlow reimplementation on one 2017 GPU (GTX 1080 Ti) reports about a minute per
# epoch, some three hours in all (https://github.com/znxlwm/tensorflow-pix2pix), and the
# paper's edges-to-shoes schedule (50,000 pairs, 15 epochs) takes about ten times as many
# steps. So what would it take?
#
# * **Data:** a few hundred to tens of thousands of *aligned* pairs. If the input can be
#   computed from the output (edges, greyscale, a blurred or masked copy), the pairs make
#   themselves; otherwise someone has to draw or photograph them.
# * **Compute:** a GPU, and hours (facades) to a day or more (the larger sets), with
#   batch size 1 to 4, Adam at $2 \times 10^{-4}$, $\beta_1 = 0.5$, $\lambda = 100$.
# * **A CPU-sized version** is within reach: the same two networks at 32x32, one channel
#   and a quarter of the filters (the table's last row), cost a small multiple of our DCGAN
#   per example (the ratio printed above): seconds per epoch by the same arithmetic (printed above). Pairs could be made
#   from our images (pad to 32x32, edges in, images out). We have not trained it here: it
#   is a good project, and the estimate is only as good as the assumption that it runs at
#   our DCGAN's rate.
# * **Judging it:** the paper asked people (real or fake?) and ran a segmentation network on
#   the generated photos ("FCN score"), much as our judge did.

# %% [markdown]
# ## Key takeaways
# - A GAN trains two networks against each other: $D$ minimises a binary cross-entropy (real 1, fake 0), $G$ minimises the non-saturating loss $-\log D(G(z))$, whose gradient does not vanish when $D$ wins; compute both from logits.
# - For a fixed generator the best discriminator is $D^* = p_\text{data} / (p_\text{data} + p_g)$, and the game's value is $-\log 4 + 2\,\mathrm{JSD}$: the generator, at best, matches the data distribution, where $D^*$ can only guess.
# - A DCGAN grows images with `Conv2DTranspose` (stride 2 doubles the size) and judges them with strided `Conv2D`; in Keras 3 a custom `train_step` with `tf.GradientTape` and two optimizers trains it with an ordinary `fit`: recognisable images after a short CPU run.
# - GAN losses settle rather than fall and do not measure image quality; a classifier as judge measures recognisability, but confidence alone is fooled by noise and by mode collapse: demand variety too (the classifier score).
# - pix2pix translates images with a U-Net generator, a PatchGAN discriminator and an L1 loss, on aligned pairs; at 256x256 it needs a GPU and hours of training.
#
# ## Further reading
# - I. Goodfellow et al., *Generative Adversarial Nets* (NeurIPS 2014), https://arxiv.org/abs/1406.2661
# - A. Radford, L. Metz, S. Chintala, *Unsupervised Representation Learning with Deep Convolutional Generative Adversarial Networks* (DCGAN, 2015), https://arxiv.org/abs/1511.06434
# - P. Isola, J.-Y. Zhu, T. Zhou, A. A. Efros, *Image-to-Image Translation with Conditional Adversarial Networks* (pix2pix, CVPR 2017), https://arxiv.org/abs/1611.07004; project page with the datasets: https://phillipi.github.io/pix2pix/
# - F. Chollet, *DCGAN to generate face images*, the keras-io example that overrides `train_step`: https://keras.io/examples/generative/dcgan_overriding_train_step/; and the Keras guide *Customizing what happens in `fit()` with TensorFlow*: https://keras.io/guides/custom_train_step_in_tensorflow/
# - T. Salimans et al., *Improved Techniques for Training GANs* (2016: one-sided label smoothing, the Inception score), https://arxiv.org/abs/1606.03498
# - A. Odena, V. Dumoulin, C. Olah, *Deconvolution and Checkerboard Artifacts* (Distill, 2016), https://distill.pub/2016/deconv-checkerboard/
# - M. Arjovsky, S. Chintala, L. Bottou, *Wasserstein GAN* (2017), https://arxiv.org/abs/1701.07875; O. Ronneberger, P. Fischer, T. Brox, *U-Net* (2015), https://arxiv.org/abs/1505.04597
