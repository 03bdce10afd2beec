# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 01 · The neuron, activations and gradient descent
#
# {{colab_badge}}
#
# Every network in this course is built from one part: a unit that takes a weighted sum of
# its inputs and passes it through a nonlinearity. This notebook takes that unit apart,
# trains it by hand with gradient descent, and then lets Keras do the same in four lines,
# so that nothing Keras does later is magic.
#
# **What you will learn**
# - what an artificial neuron computes, and that a Keras `Dense` layer computes exactly that;
# - the activation functions of the lecture (sigmoid, tanh, ReLU, leaky ReLU, ELU, maxout) and their derivatives;
# - how the chain rule gives the gradient of the squared error, and how stochastic gradient descent uses it;
# - why one neuron draws a straight decision boundary, and watch it move while it learns;
# - how to check a gradient three ways: by hand, with `tf.GradientTape`, and numerically.
#
# **Prerequisites:** notebook 00; Python and numpy; the derivative of a function of one variable.

# %%
# {{colab_install}}
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import HTML
from matplotlib import animation

import helpers
from helpers import data, plots, scratch
from helpers.checks import neuron as check

helpers.setup()

# %% [markdown]
# ## Why deep learning
#
# **Representation learning.** A classic machine-learning system has two parts: features
# that people design (edges and corner detectors for images, cepstral coefficients for
# speech, word counts for text) and a simple trained model on top. Its quality is mostly
# the quality of those hand-made features. Deep learning learns the features too: each
# layer turns the representation of the layer below into a slightly more abstract one
# (pixels into edges, edges into parts, parts into objects), and all layers are trained
# together, from examples, by the same gradient descent you will write in this notebook
# (Bengio, Courville and Vincent, 2013; LeCun, Bengio and Hinton, 2015). Notebook 02 shows
# a hidden layer inventing a representation in which XOR becomes easy, and notebook 04
# reuses features learned on one task for another.
#
# **Why now.** Neural networks and backpropagation are decades old; what changed around
# 2010 is that three things arrived together. *Data*: labelled collections large enough
# for models with millions of weights, such as ImageNet (Deng et al., 2009). *Compute*:
# graphics cards (GPUs), built for games, multiply matrices fast, and a network is mostly
# matrix products. *Tricks that make deep networks trainable*: the ReLU activation, whose
# gradient does not fade in deep stacks (Nair and Hinton, 2010; Glorot, Bordes and Bengio,
# 2011), and dropout against overfitting (Srivastava et al., 2014). Krizhevsky, Sutskever
# and Hinton (2012) combined all of them, a deep convolutional network with ReLUs and
# dropout trained on two GPUs, and won the ImageNet competition by a wide margin; the
# field changed within a few years.
#
# **Where it is used.** *Vision*: recognising objects, faces and medical findings in images
# (notebooks 03 to 05, 10). *Speech*: deep networks replaced the acoustic models of speech
# recognisers (Hinton et al., 2012), and the same ideas classify sounds (notebook 06).
# *Translation*: sequence-to-sequence networks with attention translate whole sentences
# (Sutskever, Vinyals and Le, 2014; Bahdanau, Cho and Bengio, 2015; Wu et al., 2016),
# which notebooks 08, 09 and 13 build up to. *Driving*: a convolutional network can learn
# to steer a car from camera images and the human driver's steering alone (Bojarski et
# al., 2016). This course goes from the single unit below to those models, one idea per
# notebook, on a laptop.
#
# *References.* Y. Bengio, A. Courville, P. Vincent, "Representation learning: a review and
# new perspectives", IEEE TPAMI 35(8), 2013, https://arxiv.org/abs/1206.5538 ·
# Y. LeCun, Y. Bengio, G. Hinton, "Deep learning", Nature 521, 2015,
# https://doi.org/10.1038/nature14539 · J. Deng et al., "ImageNet: a large-scale
# hierarchical image database", CVPR 2009 · V. Nair, G. Hinton, "Rectified linear units
# improve restricted Boltzmann machines", ICML 2010 · X. Glorot, A. Bordes, Y. Bengio,
# "Deep sparse rectifier neural networks", AISTATS 2011 · N. Srivastava et al., "Dropout: a
# simple way to prevent neural networks from overfitting", JMLR 15, 2014 · A. Krizhevsky,
# I. Sutskever, G. Hinton, "ImageNet classification with deep convolutional neural
# networks", NeurIPS 2012 · G. Hinton et al., "Deep neural networks for acoustic modeling
# in speech recognition", IEEE Signal Processing Magazine 29(6), 2012 · I. Sutskever,
# O. Vinyals, Q. Le, "Sequence to sequence learning with neural networks", NeurIPS 2014,
# https://arxiv.org/abs/1409.3215 · D. Bahdanau, K. Cho, Y. Bengio, "Neural machine
# translation by jointly learning to align and translate", ICLR 2015,
# https://arxiv.org/abs/1409.0473 · Y. Wu et al., "Google's neural machine translation
# system", 2016, https://arxiv.org/abs/1609.08144 · M. Bojarski et al., "End to end
# learning for self-driving cars", 2016, https://arxiv.org/abs/1604.07316

# %% [markdown]
# ## 1. The artificial neuron
#
# A neuron multiplies each input $x_i$ by a weight $w_i$, adds them up and adds a bias $b$:
#
# $$o(\mathbf{x}) = b + \sum_{i=1}^{d} x_i w_i = b + \mathbf{x} \cdot \mathbf{w}.$$
#
# A small worked example with three inputs:

# %%
x = np.array([1.0, 2.0, 3.0])
w = np.array([0.5, -1.0, 2.0])
b = 0.5
o = scratch.neuron(x, w, b)
terms = " + ".join(f"{xi:g}·{wi:g}" for xi, wi in zip(x, w, strict=True))
print(f"o(x) = {b:g} + {terms} = {o:g}")

# %% [markdown]
# A Keras `Dense(1)` layer is this neuron. Its weights are a **kernel** of shape
# (inputs, units) = (3, 1) and a **bias** of shape (1,); give it ours with `set_weights`
# and it must compute the same number.

# %%
dense = keras.layers.Dense(1)
dense.build((None, 3))
dense.set_weights([w.reshape(3, 1), np.array([b])])
keras_o = dense(x[None, :]).numpy()  # Keras works on batches: one row per example
print("Dense(1) gives", keras_o, "| kernel shape", dense.kernel.shape)
print("same as scratch.neuron:", np.allclose(keras_o[0, 0], o))

# %% [markdown]
# With two inputs we can draw the neuron over the whole plane: the weighted sum is a tilted
# plane, and the points where it is 0 form a straight line.

# %%
w2, b2 = np.array([1.0, -2.0]), 0.5
g1, g2 = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-3, 3, 121))
plane = scratch.neuron(np.c_[g1.ravel(), g2.ravel()], w2, b2).reshape(g1.shape)
fig, ax = plt.subplots(figsize=(5, 4))
filled = ax.contourf(g1, g2, plane, levels=21, cmap="RdBu_r")
ax.contour(g1, g2, plane, levels=[0.0], colors="k")
ax.annotate("", xy=w2, xytext=(0, 0), arrowprops={"arrowstyle": "->", "lw": 2})
ax.text(*(w2 + 0.15), "$\\mathbf{w}$", fontsize=12)
fig.colorbar(filled, ax=ax, label="$o(\\mathbf{x})$")
ax.set(title="$o(\\mathbf{x}) = 0.5 + x_1 - 2 x_2$", xlabel="$x_1$", ylabel="$x_2$",
       aspect="equal");

# %% [markdown]
# The output grows in the direction of $\mathbf{w}$ (the arrow) and the line $o = 0$ is
# perpendicular to it: whatever we do to the output afterwards, one neuron splits the plane
# along a straight line.

# %% [markdown]
# ## 2. Activation functions
#
# The weighted sum is passed through an **activation function** $f$; without it, stacking
# neurons would only ever compute another linear function. Training needs the derivative
# $f'$ too, so each is shown with it:
#
# | name | $f(z)$ | $f'(z)$ |
# |---|---|---|
# | sigmoid | $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ | $\sigma(z)\,(1 - \sigma(z))$ |
# | tanh | $\tanh z$ | $1 - \tanh^2 z$ |
# | ReLU | $\max(0, z)$ | $1$ if $z > 0$, else $0$ |
# | leaky ReLU | $z$ if $z > 0$, else $\alpha z$ | $1$ if $z > 0$, else $\alpha$ |
# | ELU | $z$ if $z > 0$, else $\alpha (e^z - 1)$ | $1$ if $z > 0$, else $\alpha e^z$ |
# | maxout | $\max_j (\mathbf{x} \cdot \mathbf{w}_j + b_j)$ | $1$ for the winning piece, $0$ for the others |

# %%
z = np.linspace(-4, 4, 400)
curves = {
    "sigmoid": (scratch.sigmoid(z), scratch.sigmoid_grad(z)),
    "tanh": (scratch.tanh(z), scratch.tanh_grad(z)),
    "ReLU": (scratch.relu(z), scratch.relu_grad(z)),
    "leaky ReLU ($\\alpha = 0.1$)": (scratch.leaky_relu(z, 0.1), scratch.leaky_relu_grad(z, 0.1)),
    "ELU ($\\alpha = 1$)": (scratch.elu(z), scratch.elu_grad(z)),
    # maxout of the pieces (z, -z): the chain rule picks the slope of the winning piece
    "maxout of $(z, -z)$": (scratch.maxout(np.stack([z, -z], axis=-1)),
                            scratch.maxout_grad(np.stack([z, -z], axis=-1)) @ [1.0, -1.0]),
}
fig, axes = plt.subplots(2, 3, figsize=(11, 6), sharex=True)
for ax, (name, (f, df)) in zip(axes.ravel(), curves.items(), strict=True):
    ax.plot(z, f, label="$f(z)$")
    ax.plot(z, df, "--", label="$f'(z)$")
    ax.set(title=name, xlabel="$z$", ylabel="value")
    ax.legend(fontsize=8)
fig.suptitle("Activation functions (solid) and their derivatives (dashed)")
fig.tight_layout();

# %% [markdown]
# The sigmoid's and tanh's derivatives fade to 0 away from the origin (a saturated unit
# barely learns), while ReLU and its relatives keep a slope of 1 for every positive input.

# %% [markdown]
# **Maxout** is not applied to one number: it takes the largest of $k$ linear pieces. With
# the right pieces it *is* the other activations: the pieces $(0, z)$ give ReLU, and
# $(z, -z)$ give $|z|$.

# %%
pieces_relu = np.stack([np.zeros_like(z), z], axis=-1)
pieces_abs = np.stack([z, -z], axis=-1)
print("maxout(0, z) == ReLU(z):", np.allclose(scratch.maxout(pieces_relu), scratch.relu(z)))
print("maxout(z, -z) == |z|:   ", np.allclose(scratch.maxout(pieces_abs), np.abs(z)))
pieces = np.stack([-z - 1.0, 0.3 * z, 2.0 * z - 3.0], axis=-1)
fig, ax = plt.subplots()
for j, label in enumerate(["$-z - 1$", "$0.3 z$", "$2z - 3$"]):
    ax.plot(z, pieces[:, j], ":", label=f"piece {label}")
ax.plot(z, scratch.maxout(pieces), "k", lw=2.5, label="maxout")
ax.set(title="Maxout: the upper envelope of linear pieces", xlabel="$z$", ylabel="value")
ax.legend();

# %% [markdown]
# Maxout follows whichever piece is on top, so it can learn a convex piecewise-linear
# activation of its own; the price is $k$ times the weights.
#
# **Is Keras computing the same thing?** Following CS231n's habit, compare the from-scratch
# versions with `keras.activations`, values and derivatives (the latter with
# `tf.GradientTape`, which section 5 explains).

# %%
z_check = np.linspace(-5, 5, 1000).astype("float32")  # an even count: z = 0 is not on the grid
pairs = {
    "sigmoid": (scratch.sigmoid, scratch.sigmoid_grad, keras.activations.sigmoid),
    "tanh": (scratch.tanh, scratch.tanh_grad, keras.activations.tanh),
    "relu": (scratch.relu, scratch.relu_grad, keras.activations.relu),
    "leaky_relu": (lambda t: scratch.leaky_relu(t, alpha=0.1),
                   lambda t: scratch.leaky_relu_grad(t, alpha=0.1),
                   lambda t: keras.activations.leaky_relu(t, negative_slope=0.1)),
    "elu": (scratch.elu, scratch.elu_grad, keras.activations.elu),
}
z_tensor = tf.constant(z_check)
print("activation    max |f diff|  max |f' diff|")
worst = 0.0
for name, (f, df, keras_f) in pairs.items():
    with tf.GradientTape() as tape:
        tape.watch(z_tensor)
        out = keras_f(z_tensor)
    keras_grad = tape.gradient(out, z_tensor).numpy()
    value_diff = np.max(np.abs(np.asarray(out) - f(z_check)))
    grad_diff = np.max(np.abs(keras_grad - df(z_check)))
    print(f"{name:12s} {value_diff:13.2e} {grad_diff:14.2e}")
    worst = max(worst, value_diff, grad_diff)
helpers.claim("activation_max_diff_keras", worst, at_most=1e-5)

# %% [markdown]
# Every difference stays below the $10^{-5}$ the claim asserts: that is float32 round-off
# (Keras computes in 32 bits, numpy in 64), so the formulas are the same.

# %% [markdown]
# ### Exercise 1 (2 points): a numerically stable sigmoid
#
# The textbook formula $1/(1 + e^{-z})$ breaks for large negative $z$: $e^{1000}$ does not
# fit in a float, numpy returns `inf` and warns (run the next cell). The result happens to be
# right here, but a warning in a training loop hides real problems, and other formulas turn
# the `inf` into `nan`.

# %%
with np.errstate(over="warn"):
    print(1.0 / (1.0 + np.exp(-np.array([-1000.0, 0.0, 1000.0]))))

# %% [markdown]
# Write `my_sigmoid(z)` that
# - takes a Python number or a numpy array of any shape (ints or floats) and returns an
#   array of the same shape;
# - gives exactly 0 and 1 at $z = -1000$ and $z = 1000$, **without any warning** and without `nan`.
#
# *Hint:* $e^{-|z|}$ never overflows, and both $\frac{1}{1 + e^{-z}}$ (for $z \ge 0$) and
# $\frac{e^{z}}{1 + e^{z}}$ (for $z < 0$) can be written with it. Beware: `np.where`
# evaluates both of its branches for every element.

# %% exercise="solution:ex_sigmoid"
def my_sigmoid(z):
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION


# %% exercise="check:check_sigmoid:2"
check.sigmoid(my_sigmoid)
### BEGIN HIDDEN TESTS
check.sigmoid(my_sigmoid, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The squared error and gradient descent by hand
#
# From here on we write $z = b + \mathbf{x} \cdot \mathbf{w}$ for the weighted sum of
# section 1 and $o = \sigma(z)$ for the neuron's output, a number between 0 and 1 that we
# read as "the probability of class 1". For an example $(\mathbf{x}, y)$ with label
# $y \in \{0, 1\}$, the **squared error** is
#
# $$E = (o - y)^2 .$$
#
# To lower $E$ we need its slope with respect to every weight. $E$ depends on $w_i$ only
# through $o$, which depends on it only through $z$, so the **chain rule** multiplies three
# simple derivatives:
#
# $$\frac{\partial E}{\partial w_i}
#   = \underbrace{\frac{\partial E}{\partial o}}_{2(o - y)}
#     \cdot \underbrace{\frac{\partial o}{\partial z}}_{\sigma(z)(1 - \sigma(z))}
#     \cdot \underbrace{\frac{\partial z}{\partial w_i}}_{x_i},
# \qquad
# \frac{\partial E}{\partial b} = 2(o - y)\,\sigma(z)(1 - \sigma(z)) \cdot 1 .$$
#
# **Stochastic gradient descent** (SGD) takes one example at a time and steps every weight
# a little downhill, by a learning rate $\eta$:
# $w_i \leftarrow w_i - \eta \, \partial E / \partial w_i$.
#
# Our data: 2-D points of two classes, from `helpers.data`.

# %%
ds = data.load("blobs")
print(ds)
print(f"{ds.name}: {ds.description}; classes {ds.class_names}")
x_train, y_train = ds.x_train.astype(float), ds.y_train.astype(float)


def grad_one(x_i, y_i, w, b):
    """dE/dw and dE/db of E = (sigmoid(b + x_i . w) - y_i)^2 for ONE example."""
    o = scratch.sigmoid(b + x_i @ w)
    dE_do = 2.0 * (o - y_i)
    do_dz = o * (1.0 - o)  # = scratch.sigmoid_grad(z), reusing o
    dE_dz = dE_do * do_dz
    return dE_dz * x_i, float(dE_dz)  # dz/dw = x_i and dz/db = 1


def mean_loss(w, b=0.0):
    return scratch.squared_error(y_train, scratch.sigmoid(x_train @ w + b))


# %% [markdown]
# SGD by hand, keeping the bias at 0 so that the loss depends on two numbers only and we can
# draw it as a landscape over $(w_1, w_2)$. We start on purpose at weights that get the
# classes backwards.

# %%
rng = np.random.default_rng(0)
w, lr = np.array([-3.0, 1.0]), 0.1
path, losses = [w.copy()], [mean_loss(w)]
for _ in range(2 * len(x_train)):  # two epochs' worth of single-example steps
    i = rng.integers(len(x_train))
    dw, _ = grad_one(x_train[i], y_train[i], w, 0.0)
    w = w - lr * dw
    path.append(w.copy())
    losses.append(mean_loss(w))
path = np.array(path)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}; w = {np.round(w, 2)}")

grid = np.linspace(-4, 4, 81)
surface = np.array([[mean_loss(np.array([a, c])) for a in grid] for c in grid])
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
filled = left.contourf(grid, grid, surface, levels=20, cmap="viridis")
fig.colorbar(filled, ax=left, label="mean squared error")
left.plot(path[:, 0], path[:, 1], "w.-", ms=2, lw=0.8, label="SGD path")
left.plot(*path[0], "wo", ms=8, label="start")
left.set(title="Loss landscape over $(w_1, w_2)$, $b = 0$", xlabel="$w_1$", ylabel="$w_2$")
left.legend(loc="lower right")
right.plot(losses)
right.set(title="Loss during SGD", xlabel="step (one example each)",
          ylabel="mean squared error on the training set")
fig.tight_layout();

# %% [markdown]
# Each step follows the slope of *one* example, so the path is jagged, yet it heads downhill
# into the dark valley where both weights are positive ($\mathbf{w}$ points from the class-0
# blob to the class-1 blob); note the flat yellow plateau at the bottom left, where the
# neuron is confidently wrong, the sigmoid saturates and the gradient almost vanishes.

# %% [markdown]
# ### Exercise 2 (3 points): the gradient for a batch
#
# In practice the loss is the **mean** over a batch of $n$ examples,
#
# $$E(\mathbf{w}, b) = \frac{1}{n} \sum_{k=1}^{n} \big(\sigma(b + \mathbf{x}_k \cdot \mathbf{w}) - y_k\big)^2 ,$$
#
# (what `keras.losses.MeanSquaredError` computes). Write `my_gradient(x, y, w, b)` that
# returns the pair `(dw, db)`: $\partial E / \partial \mathbf{w}$ with the shape of `w`,
# and $\partial E / \partial b$ as a number. `x` has shape (n, d), `y` shape (n,). Use array
# operations, no Python loop over the examples. You may use `scratch.sigmoid`.
#
# *Hint:* compute $\delta_k = \partial E_k / \partial z_k$ for all $k$ at once, as in
# `grad_one`; then $\partial E / \partial w_i = \frac{1}{n} \sum_k \delta_k x_{k,i}$ is a
# matrix product.

# %% exercise="solution:ex_gradient"
def my_gradient(x, y, w, b):
    ### BEGIN SOLUTION
    o = scratch.sigmoid(x @ w + b)
    delta = 2.0 * (o - y) * o * (1.0 - o)  # dE_k/dz_k for every example at once
    return x.T @ delta / len(x), float(np.mean(delta))
    ### END SOLUTION


# %% exercise="check:check_gradient:3"
check.gradient(my_gradient)
### BEGIN HIDDEN TESTS
check.gradient(my_gradient, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. A single unit finds a linear boundary
#
# Now with the bias too: `scratch.sgd_neuron` runs SGD on the squared error, one example at
# a time in a new random order every epoch, and returns the weights after every epoch. We
# animate the decision line $b + \mathbf{x} \cdot \mathbf{w} = 0$ (where $o = 0.5$) over the
# shading of $o$. A small learning rate makes the steps visible.

# %%
w0, b0, _ = scratch.sgd_neuron(x_train, y_train, epochs=0)  # the weights before training
w, b, history = scratch.sgd_neuron(x_train, y_train, lr=0.003, epochs=20)
frames = [(w0, b0, mean_loss(w0, b0))] + history
print(f"{len(history)} epochs: loss {frames[0][2]:.3f} -> {history[-1][2]:.4f}")
# What the animation shows, as claims: the loss falls, and |w| keeps growing after epoch 1.
helpers.claim("sgd_loss_ratio", history[-1][2] / frames[0][2], at_most=0.3)
helpers.claim("sgd_weight_norm_growth", np.linalg.norm(w) / np.linalg.norm(history[0][0]),
              at_least=1.5)


def boundary_line(w, b, reach=20.0):
    """Two far-apart points of the line b + x . w = 0, which is perpendicular to w."""
    foot = -b * w / (w @ w)
    along = np.array([-w[1], w[0]]) / np.linalg.norm(w)
    return np.array([foot - reach * along, foot + reach * along])


lim = np.abs(x_train).max() + 0.5
g1, g2 = np.meshgrid(np.linspace(-lim, lim, 100), np.linspace(-lim, lim, 100))
plane_points = np.c_[g1.ravel(), g2.ravel()]
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8), dpi=72)  # 21 frames: keep them light
shade = left.imshow(np.zeros(g1.shape), extent=(-lim, lim, -lim, lim), origin="lower",
                    cmap="RdBu_r", vmin=0, vmax=1, alpha=0.6)
left.scatter(x_train[:, 0], x_train[:, 1], c=y_train, cmap="RdBu_r", edgecolors="k", s=12)
(line,) = left.plot([], [], "k", lw=2)
left.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
right.plot(range(len(frames)), [loss for _, _, loss in frames], "o-", ms=3)
(marker,) = right.plot([], [], "ro", ms=9)
right.set(title="Training loss", xlabel="epoch", ylabel="mean squared error",
          xticks=range(0, len(frames), 5))
fig.tight_layout()


def draw(epoch):
    w_e, b_e, loss = frames[epoch]
    shade.set_data(scratch.sigmoid(plane_points @ w_e + b_e).reshape(g1.shape))
    line.set_data(*boundary_line(w_e, b_e).T)
    marker.set_data([epoch], [loss])
    left.set_title(f"Epoch {epoch}: $o = \\sigma(b + \\mathbf{{x}} \\cdot \\mathbf{{w}})$, "
                   f"$|\\mathbf{{w}}| = {np.linalg.norm(w_e):.2f}$")
    return shade, line, marker


anim = animation.FuncAnimation(fig, draw, frames=len(frames), interval=400)
plt.close(fig)  # show the animation only, not a still copy of the figure
with plt.rc_context({"animation.frame_format": "jpeg"}):  # a quarter of PNG's size here
    player = HTML(anim.to_jshtml())
player

# %% [markdown]
# Press play: in the first epoch the line swings round from the wrong diagonal to the gap
# between the blobs; afterwards it hardly moves, but $|\mathbf{w}|$ grows and the band of
# uncertain colour narrows: the neuron becomes more confident.
#
# The final boundary on the **test** points, which training never saw:

# %%
def scratch_model(points):
    return scratch.sigmoid(scratch.neuron(points, w, b))


scratch_acc = np.mean((scratch_model(ds.x_test) > 0.5) == ds.y_test)
print(f"from-scratch neuron: w = {np.round(w, 2)}, b = {b:.2f}, test accuracy {scratch_acc:.3f}")
helpers.record("sgd_final_loss", history[-1][2])
helpers.claim("sgd_test_accuracy", scratch_acc, at_least=0.9)
plots.decision_boundary(scratch_model, ds.x_test, ds.y_test,
                        title=f"One sigmoid neuron trained by SGD on {ds.name} (test set)");

# %% [markdown]
# The black line is where $o = 0.5$: a straight line, as section 1 promised, with the test
# points on the right sides except a few in the overlap of the blobs.

# %% [markdown]
# ### Exercise 3 (3 points): mini-batch gradient descent
#
# `sgd_neuron` steps after every single example. Keras, like most libraries, steps after
# every **mini-batch**: the gradient of the mean loss over `batch_size` examples is less
# noisy, and one array operation on a batch is much faster than a loop over its examples.
#
# Write `my_train(x, y, grad_fn, *, lr, epochs, batch_size, seed=0)` that returns `(w, b)`:
# - start from `w = np.zeros(d)` and `b = 0.0`;
# - in every epoch, shuffle the example indices anew (`rng.permutation(n)`, with
#   `rng = np.random.default_rng(seed)` made once) and cut them into mini-batches of
#   `batch_size`; the last one may be smaller, and is used too;
# - for each mini-batch: `dw, db = grad_fn(x_batch, y_batch, w, b)`, then
#   `w = w - lr * dw` and `b = b - lr * db`.
#
# The gradient is passed in as `grad_fn`, so the loop works for any loss: the check calls
# `my_train` with its own gradients, and trains it on the blobs, where the test accuracy must
# reach **at least 0.93** within a second.

# %% exercise="solution:ex_train"
def my_train(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            dw, db = grad_fn(x[batch], y[batch], w, b)
            w, b = w - lr * dw, b - lr * db
    return w, b
    ### END SOLUTION


# %% exercise="check:check_train:3"
check.train(my_train)
### BEGIN HIDDEN TESTS
check.train(my_train, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 (2 points): what the animation shows
#
# In a few sentences each:
# 1. Using the update rule $\mathbf{w} \leftarrow \mathbf{w} - \eta\, 2(o - y)\,o(1 - o)\,\mathbf{x}$,
#    explain why the line turns towards the gap between the classes in the first epoch,
#    and why, once most points are on the right side, it hardly moves any more.
# 2. The XOR problem puts class 0 at $(0,0)$ and $(1,1)$ and class 1 at $(0,1)$ and
#    $(1,0)$. Explain why no single neuron, with any weights and any monotone activation,
#    can classify all four points correctly.

# %% [markdown] exercise="answer:explain_boundary:2"
# ### BEGIN SOLUTION
# 1. Each example pushes $\mathbf{w}$ along $\mathbf{x}$ (if $y = 1$ and $o$ is too small)
#    or against it (if $y = 0$ and $o$ is too large), scaled by the error $o - y$ and by
#    $o(1 - o)$. At the start most points are on the wrong side, so the pushes add up to a
#    turn of $\mathbf{w}$ towards the direction from the class-0 blob to the class-1 blob;
#    the line, perpendicular to $\mathbf{w}$, turns with it into the gap. Once a point is on
#    the right side with some margin, $o - y$ and $o(1 - o)$ are both small, so it stops
#    pushing: only the few points near the line still move it, mostly by stretching
#    $|\mathbf{w}|$ (a steeper, more confident sigmoid) rather than turning it.
# 2. A monotone activation turns the threshold $o = 0.5$ into a threshold on
#    $z = b + w_1 x_1 + w_2 x_2$, so the boundary is a straight line. XOR would need
#    $b < 0$ and $w_1 + w_2 + b < 0$ (class 0) but $w_1 + b > 0$ and $w_2 + b > 0$ (class 1).
#    Adding the last two gives $w_1 + w_2 + 2b > 0$, so $w_1 + w_2 + b > -b > 0$, a
#    contradiction: no line puts the two diagonals on different sides. A hidden layer
#    (notebook 02) is needed.
# ### END SOLUTION

# %% [markdown]
# ## 5. Backpropagation is the chain rule
#
# To compute the gradient, the **forward pass** computes and keeps $z$ and $o$; the
# **backward pass** starts from $\partial E / \partial o$ and multiplies by the local
# derivative of each step on the way back to the weights. For one neuron that is exactly the
# formula of section 3; in deeper networks the same products are shared from layer to
# layer, which is what makes backpropagation cheap. Three independent ways to get the
# gradient of one example's loss must agree:
#
# 1. by hand, with the chain rule (`grad_one` above);
# 2. `tf.GradientTape`, which records the forward pass and differentiates it automatically;
# 3. numerically, with central differences $\frac{E(w + \epsilon) - E(w - \epsilon)}{2\epsilon}$
#    (`scratch.numerical_gradient`): slow, but independent of any derivation.

# %%
x_i, y_i = x_train[0], y_train[0]
w_demo, b_demo = np.array([0.3, -0.8]), 0.2

dw_hand, db_hand = grad_one(x_i, y_i, w_demo, b_demo)

w_var = tf.Variable(w_demo)  # float64, like numpy
b_var = tf.Variable(b_demo, dtype=tf.float64)
with tf.GradientTape() as tape:
    o_tf = tf.sigmoid(b_var + tf.reduce_sum(x_i * w_var))
    loss_tf = (o_tf - y_i) ** 2
dw_tape, db_tape = (g.numpy() for g in tape.gradient(loss_tf, [w_var, b_var]))

params = np.r_[w_demo, b_demo]  # numerical_gradient nudges this array in place
numeric = scratch.numerical_gradient(
    lambda: float((scratch.sigmoid(params[2] + x_i @ params[:2]) - y_i) ** 2), params)

table = {"by hand": np.r_[dw_hand, db_hand], "GradientTape": np.r_[dw_tape, db_tape],
         "numerical": numeric}
print(f"example x = {np.round(x_i, 3)}, y = {y_i:g}")
print(f"{'':14s} {'dE/dw1':>10s} {'dE/dw2':>10s} {'dE/db':>10s}")
for name, g in table.items():
    print(f"{name:14s} " + " ".join(f"{v:10.6f}" for v in g))
assert np.allclose(table["by hand"], table["GradientTape"])
helpers.claim("grad_max_diff_numerical",
              np.abs(table["by hand"] - table["numerical"]).max(), at_most=1e-7)
print("all three agree")

fig, ax = plt.subplots()
for k, (name, g) in enumerate(table.items()):
    ax.bar(np.arange(3) + (k - 1) * 0.27, g, width=0.27, label=name)
ax.axhline(0, color="k", lw=0.8)
ax.set_xticks(range(3), ["$\\partial E/\\partial w_1$", "$\\partial E/\\partial w_2$",
                         "$\\partial E/\\partial b$"])
ax.set(title="One example's gradient, computed three ways", xlabel="parameter",
       ylabel="gradient")
ax.legend();

# %% [markdown]
# The three bars of each group have the same height: the chain rule by hand, automatic
# differentiation and finite differences agree. This *gradient check* is how you test any
# backward pass you write yourself.

# %% [markdown]
# ## 6. The same neuron in Keras
#
# In Keras the neuron is a `Dense(1, activation="sigmoid")` layer. `compile` chooses the
# optimizer (plain SGD, here on mini-batches of 16 as in exercise 3) and the loss: `"mse"`
# is the squared error we used by hand.

# %%
model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(1, activation="sigmoid"),
], name="one_neuron")
model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse",
              metrics=["accuracy"])
model.summary()
history_keras = model.fit(ds.x_train, ds.y_train, epochs=10, batch_size=16, verbose=2)
test_loss, test_acc = model.evaluate(ds.x_test, ds.y_test, verbose=0)
kernel, bias = model.get_weights()
print(f"Keras: w = {np.round(kernel.ravel(), 2)}, b = {bias[0]:.2f}; "
      f"test loss {test_loss:.4f}, test accuracy {test_acc:.3f}")
helpers.claim("test_accuracy", test_acc, at_least=0.9)
# Training moved the weights: the last epoch's loss is below the first epoch's.
helpers.claim("keras_loss_ratio", history_keras.history["loss"][-1]
              / history_keras.history["loss"][0], at_most=0.9)

# %%
plots.decision_boundary(model, ds.x_test, ds.y_test,
                        title=f"Keras Dense(1, sigmoid) on {ds.name} (test set)");

# %% [markdown]
# Keras finds the same kind of boundary as our loop: one straight line through the gap.
#
# **Squared error or cross-entropy?** For a sigmoid output, the usual loss is the
# **binary cross-entropy** $E = -y \log o - (1 - y) \log (1 - o)$
# (`loss="binary_crossentropy"`). By the same chain rule, its $\partial E / \partial z$ is
# simply $o - y$: the factor $\sigma'(z)$ cancels. With the squared error,
# $\partial E / \partial z = 2(o - y)\,\sigma'(z)$ vanishes when the neuron is *confidently
# wrong*, exactly when it should learn most.

# %%
z = np.linspace(-8, 8, 400)
o = scratch.sigmoid(z)
fig, ax = plt.subplots()
ax.plot(z, np.abs(2 * (o - 1) * o * (1 - o)), label="squared error: $|2(o - 1)\\,\\sigma'(z)|$")
ax.plot(z, np.abs(o - 1), label="cross-entropy: $|o - 1|$")
ax.axvspan(-8, 0, color="tab:red", alpha=0.08)
ax.text(-7.5, 0.9, "wrong side", color="tab:red")
ax.set(title="Gradient size $|\\partial E/\\partial z|$ for an example with $y = 1$",
       xlabel="$z$ (weighted sum)", ylabel="$|\\partial E / \\partial z|$")
ax.legend();

# %% [markdown]
# Far on the wrong side ($z \ll 0$) the squared error's gradient is almost 0 while the
# cross-entropy's is almost 1: this is why classifiers are trained with cross-entropy, as
# from notebook 02 on.

# %% [markdown]
# ## Key takeaways
# - A neuron computes $o = f(b + \mathbf{x} \cdot \mathbf{w})$; a Keras `Dense` layer is a row of them, with the weights in a kernel of shape (inputs, units).
# - Activations make networks nonlinear; sigmoid and tanh saturate (their derivative fades), ReLU-like functions keep a slope of 1 for positive inputs, maxout is the maximum of linear pieces.
# - The chain rule, $\partial E/\partial w = \partial E/\partial o \cdot \partial o/\partial z \cdot \partial z/\partial w$, gives the gradient; backpropagation is this rule applied from the loss back to every weight.
# - (Stochastic) gradient descent steps against the gradient of one example or a mini-batch; check a gradient against `tf.GradientTape` or finite differences.
# - One neuron's decision boundary is a straight line: it separates the blobs but can never solve XOR.
#
# ## Further reading
# - Goodfellow, Bengio and Courville, *Deep Learning* (2016), chapter 6, "Deep Feedforward Networks": https://www.deeplearningbook.org/contents/mlp.html
# - Stanford CS231n notes, "Neural Networks Part 1: Setting up the Architecture" (activation functions) and "Optimization: Stochastic Gradient Descent": https://cs231n.github.io/neural-networks-1/ and https://cs231n.github.io/optimization-1/
# - Michael Nielsen, *Neural Networks and Deep Learning*, chapters 1 and 2 (perceptrons, sigmoid neurons, how backpropagation works): http://neuralnetworksanddeeplearning.com/
# - Keras documentation, `Dense` layer and activations: https://keras.io/api/layers/core_layers/dense/ and https://keras.io/api/layers/activations/
