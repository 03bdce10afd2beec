# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 02 · Multi-layer networks: XOR, backpropagation and the Keras APIs
#
# {{colab_badge}}
#
# One neuron draws a straight line, so it cannot solve XOR (notebook 01). Put a layer of
# neurons in front of it and the network learns its own **representation** of the data, one
# in which a straight line is enough. This notebook shows that representation, computes the
# gradients that learn it with backpropagation, and introduces the two ways Keras builds
# networks: the Sequential and the Functional API.
#
# **What you will learn**
# - why a layer is an affine map followed by a nonlinearity; how one hidden layer solves XOR by making the classes linearly separable, and why learned features group images better than raw pixels;
# - softmax and cross-entropy for many classes, their gradient (softmax minus one-hot), and why the squared error after a softmax learns slowly;
# - backpropagation as the chain rule through an MLP, checked against numerical gradients and `tf.GradientTape`;
# - gradient descent's variations, momentum, RMSprop and Adam, from scratch and equal to Keras, and a learning-rate schedule;
# - the Sequential and Functional APIs, `fit`/`evaluate`/`predict`, and `train_on_batch`/`test_on_batch`.
#
# **Prerequisites:** notebook 01 (the neuron, activations, gradient descent, the chain rule);
# matrix multiplication.

# %%
# {{colab_install}}
import importlib.util
import os
import shutil
import tempfile
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import display
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import normalized_mutual_info_score

import helpers
from helpers import data, optimizers, plots, scratch
from helpers.checks import mlp as check

helpers.setup()
tf.get_logger().setLevel("ERROR")  # we build many small models on purpose: no retracing warnings

# %% [markdown]
# ## 1. A layer warps space
#
# A dense layer with activation $f$ maps an input $\mathbf{x}$ to
#
# $$\mathbf{h} = f(\mathbf{x} W + \mathbf{b}),$$
#
# with the kernel $W$ of shape (inputs, units), as Keras stores it. The **affine** part
# $\mathbf{x} W + \mathbf{b}$ can rotate, stretch, shear and shift the plane, but it maps
# straight lines to straight lines and keeps parallel lines parallel. The **nonlinearity**
# $f$ (here $\tanh$, applied to each coordinate) bends them. Below, a square grid of lines
# goes through both.

# %%
W = np.array([[1.0, 0.6], [-0.5, 1.2]])
b = np.array([0.4, -0.3])
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
plots.warped_grid(lambda p: p, ax=axes[0], title="Input space: $\\mathbf{x}$")
axes[0].set(xlabel="$x_1$", ylabel="$x_2$")
plots.warped_grid(lambda p: p @ W + b, ax=axes[1], title="Affine: $\\mathbf{x}W + \\mathbf{b}$")
plots.warped_grid(lambda p: np.tanh(p @ W + b), ax=axes[2],
                  title="Layer: $\\tanh(\\mathbf{x}W + \\mathbf{b})$")
fig.tight_layout()

# %% [markdown]
# The affine map only turns, stretches and shifts the grid (its lines stay straight and
# parallel), while tanh squeezes it into the square $(-1, 1)^2$ and curves the lines. A
# stack of affine maps is still one affine map: the nonlinearity is what lets depth add power.

# %% [markdown]
# ## 2. XOR: a hidden layer makes it linearly separable
#
# In the XOR data, class 1 sits at the corners $(0, 1)$ and $(1, 0)$ and class 0 at
# $(0, 0)$ and $(1, 1)$. First the model of notebook 01, one sigmoid neuron
# (logistic regression), trained with the binary cross-entropy:

# %%
xor = data.load("xor", n=400)
print(xor)

keras.utils.set_random_seed(0)
linear = keras.Sequential([keras.Input(shape=(2,)),
                           keras.layers.Dense(1, activation="sigmoid")], name="linear")
linear.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy",
               metrics=["accuracy"])
linear.fit(xor.x_train, xor.y_train, epochs=20, batch_size=32, verbose=0)
_, linear_accuracy = linear.evaluate(xor.x_test, xor.y_test, verbose=0)
# A straight line leaves at least one corner of XOR on the wrong side.
helpers.claim("xor_linear_accuracy", linear_accuracy, at_most=0.8)

# %% [markdown]
# Now the smallest network that can solve XOR: a hidden layer of **two** tanh units, then
# the same sigmoid neuron on top. Two hidden units are just enough, and such a tight network
# sometimes gets stuck in a poor local minimum (the loop below prints how often here). So we
# train from a few random starts and keep the first that fits the training data: a wider
# hidden layer would rarely get stuck, which is one reason real networks are bigger than
# strictly needed.

# %%
def xor_network(seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(2, activation="tanh", name="hidden"),
        keras.layers.Dense(1, activation="sigmoid", name="output"),
    ], name="mlp")
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(xor.x_train, xor.y_train, epochs=30, batch_size=32, verbose=0)
    return model


for start in range(6):
    mlp = xor_network(seed=start)
    _, train_accuracy = mlp.evaluate(xor.x_train, xor.y_train, verbose=0)
    print(f"start {start}: training accuracy {train_accuracy:.2f}")
    if train_accuracy > 0.95:
        break
_, mlp_accuracy = mlp.evaluate(xor.x_test, xor.y_test, verbose=0)
helpers.claim("xor_mlp_accuracy", mlp_accuracy, at_least=0.9)

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
plots.decision_boundary(linear, xor.x_test, xor.y_test, ax=axes[0],
                        title=f"One neuron: test accuracy {linear_accuracy:.2f}")
plots.decision_boundary(mlp, xor.x_test, xor.y_test, ax=axes[1],
                        title=f"2 hidden tanh units: test accuracy {mlp_accuracy:.2f}")
fig.tight_layout()

# %% [markdown]
# The single neuron's boundary is a straight line, so at least one corner is always on
# the wrong side (so it cannot do much better than 75%, and the claim above asserts at most
# 80%); with the hidden layer the boundary bends around the corners and almost every test
# point is right.
#
# **What did the hidden layer learn?** Every input point $\mathbf{x}$ becomes a point
# $\mathbf{h} = \tanh(\mathbf{x} W^{(1)} + \mathbf{b}^{(1)})$ of the plane, because the
# layer has two units. A `keras.Model` from the network's input to the hidden layer's output
# computes $\mathbf{h}$ for us; the output neuron then draws its straight line
# $\mathbf{h} \cdot \mathbf{w}^{(2)} + b^{(2)} = 0$ in *that* plane.

# %%
encoder = keras.Model(mlp.inputs, mlp.get_layer("hidden").output)
h_test = encoder.predict(xor.x_test, verbose=0)
W1, b1 = mlp.get_layer("hidden").get_weights()
w2, b2 = mlp.get_layer("output").get_weights()
# The encoder is nothing but the formula: check it, then use the (faster) formula for the grid.
print("encoder == tanh(x W1 + b1):", np.allclose(h_test, np.tanh(xor.x_test @ W1 + b1),
                                                  atol=1e-5))

fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
plots.warped_grid(lambda p: p, ax=axes[0], lim=1.5, lines=25, points=xor.x_test,
                  labels=xor.y_test, title="Input space: no line separates the classes")
axes[0].set(xlabel="$x_1$", ylabel="$x_2$")
plots.warped_grid(lambda p: np.tanh(p @ W1 + b1), ax=axes[1], lim=1.5, lines=25,
                  points=xor.x_test, labels=xor.y_test,
                  title="Hidden space $\\mathbf{h}$: one line does")
# The output neuron's boundary h . w2 + b2 = 0: a point on it and its direction.
normal = w2[:, 0]
on_line = -b2[0] * normal / (normal @ normal)
axes[1].axline(on_line, on_line + [-normal[1], normal[0]], color="k", lw=2,
               label="output neuron: $p = 0.5$")
axes[1].set_adjustable("box")  # keep the square aspect, zoom to the tanh square
axes[1].set(xlim=(-1.1, 1.1), ylim=(-1.1, 1.1))
axes[1].legend(loc="center", fontsize=8)
fig.tight_layout()

# %% [markdown]
# On the right, the same grid and test points after the hidden layer. The trained tanh
# units are nearly saturated (almost steps), so the plane is squashed and folded onto the
# edges of the square $(-1, 1)^2$, and the four clusters land where one straight line
# separates the two classes: that line is all the output neuron has to draw.

# %% [markdown]
# ### Exercise 1 (2 points): why XOR became separable
#
# Look at the two pictures above. In 3 to 6 sentences: where do the four corners of the
# XOR square land in the hidden space, and why can the output neuron now separate the
# classes with a straight line? Why could no affine map (without the tanh) have done this,
# whatever its weights?

# %% [markdown] exercise="answer:explain_hidden_space:2"
# ### BEGIN SOLUTION
# Each hidden unit is one neuron: it draws its own straight line in the input plane, and
# after training its tanh is nearly saturated, so it outputs about $+1$ on one side of its
# line and $-1$ on the other. The two lines are the two edges of the band in the boundary
# picture: both clusters of one class lie between them (along one diagonal), and each
# cluster of the other class lies beyond one of the lines. So in the hidden space the two
# clusters of the "inside" class land
# together at one corner of the square (both units give the same sign), while each cluster
# of the other class lands at its own corner (one unit has flipped): the plane is folded
# onto an L. Now the lone corner can be cut off from the other two by one straight line,
# which is what the output neuron draws. (Which corners, and which class is inside,
# depends on the initialisation; the picture is the same up to mirroring.)
# No affine map can do this: an affine map sends the midpoint of two points to the midpoint
# of their images. The two diagonals of the XOR square share their midpoint $(0.5, 0.5)$,
# so after any affine map they still share one, and a line with one diagonal entirely on
# each side would need that common point on both sides. tanh is not affine: its saturation
# moves the two same-class corners onto each other, which breaks the symmetry.
# ### END SOLUTION

# %% [markdown]
# ## 3. Many classes: softmax and cross-entropy
#
# For two classes one sigmoid output was enough. With $K$ classes (the ten digits below)
# the last layer has $K$ units whose scores $\mathbf{z}$ (the **logits**) become
# probabilities through the **softmax**, and the loss is the **cross-entropy**, the
# negative log-probability of the true class $c$ (with $\mathbf{y}$ its one-hot vector):
#
# $$p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}, \qquad
# L = -\sum_{k=1}^{K} y_k \log p_k = -\log p_c .$$
#
# The softmax's derivative is $\partial p_j / \partial z_k = p_j(\delta_{jk} - p_k)$
# ($\delta_{jk}$ is 1 when $j = k$, else 0). By the chain rule, and since
# $\sum_j y_j = 1$,
#
# $$\frac{\partial L}{\partial z_k} = -\sum_j \frac{y_j}{p_j}\, p_j (\delta_{jk} - p_k)
# = -y_k + p_k \sum_j y_j = p_k - y_k, \qquad
# \nabla_{\mathbf{z}} L = \mathbf{p} - \mathbf{y} .$$
#
# The gradient is the error itself: softmax minus one-hot. Below, we check it against
# `tf.GradientTape` through `keras.ops.softmax` and Keras' cross-entropy loss.

# %%
rng = np.random.default_rng(0)
logits = rng.normal(0.0, 2.0, size=(5, 4))  # 5 examples, 4 classes
labels = np.array([0, 3, 1, 1, 2])
one_hot = np.eye(4)[labels]
probabilities = scratch.temperature_softmax(logits)  # the softmax, computed without overflow
ours = probabilities - one_hot  # the gradient of each example's loss: p - y

z = tf.Variable(logits)  # float64, as our numpy
with tf.GradientTape() as tape:
    # reduction="sum": the gradient of every example's own loss, not of their mean
    ce = keras.losses.CategoricalCrossentropy(reduction="sum")(one_hot, keras.ops.softmax(z))
taped = tape.gradient(ce, z).numpy()
print(f"cross-entropy: numpy {-np.log(probabilities[np.arange(5), labels]).sum():.6f}, "
      f"Keras {float(ce):.6f}")
print("softmax - one-hot, first example:", np.round(ours[0], 4))
print("GradientTape,      first example:", np.round(taped[0], 4))
helpers.claim("softmax_ce_grad_max_diff", float(np.abs(ours - taped).max()), at_most=1e-6)

# %% [markdown]
# **Why not the squared error after a softmax?** Section 5 trains with the squared error,
# as notebook 01 did; it works for a sigmoid on easy data, but after a softmax it learns
# slowly. Its gradient, $\partial L/\partial z_k = \sum_j 2(p_j - y_j)\, p_j(\delta_{jk} -
# p_k)$, carries a factor $p_j$ in every term: when the network is confidently wrong
# ($p_c \approx 0$ for the true class), the gradient almost vanishes, exactly where the
# cross-entropy's $\mathbf{p} - \mathbf{y}$ is largest. One confidently wrong example:

# %%
wrong = np.array([[6.0, 0.0, 0.0, 0.0]])  # sure it is class 0; the truth is class 1
target = np.eye(4)[[1]]
p = scratch.temperature_softmax(wrong)
jacobian = np.diag(p[0]) - np.outer(p[0], p[0])  # dp_j/dz_k
grad_ce = p - target
grad_se = 2 * (p - target) @ jacobian
print(f"p(true class) = {p[0, 1]:.4f}")
print(f"|gradient| cross-entropy {np.linalg.norm(grad_ce):.3f}, "
      f"squared error {np.linalg.norm(grad_se):.3f}")
helpers.claim("se_over_ce_gradient_when_wrong",
              np.linalg.norm(grad_se) / np.linalg.norm(grad_ce), at_most=0.05)

# %% [markdown]
# Measured on a real task: scikit-learn's handwritten digits, a network with one hidden
# layer of 32 ReLU units and a 10-way softmax, trained twice from the same initial
# weights, on the same mini-batches, with the same optimiser (SGD, learning rate 0.1) for
# the same 200 steps: once with the cross-entropy, once with the squared error.
# `train_steps` runs the loop with `train_on_batch` (section 7 shows it in detail) and
# measures the test accuracy every 20 steps.

# %%
digits = data.load("digits")
print(digits)
pixels_train = digits.x_train.reshape(len(digits.x_train), -1) / 255.0
pixels_test = digits.x_test.reshape(len(digits.x_test), -1) / 255.0
onehot_train = keras.utils.to_categorical(digits.y_train, len(digits.class_names))


def digits_mlp(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(pixels_train.shape[1],)),
                             keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dense(len(digits.class_names), activation="softmax")])


def train_steps(optimizer, loss, steps, batch_size=64, every=20, seed=0):
    """Train digits_mlp(seed) for `steps` mini-batches; return batch losses, test accuracies."""
    model = digits_mlp(seed)
    model.compile(optimizer=optimizer, loss=loss)
    rng = np.random.default_rng(seed)  # the same batches for every run with this seed
    losses, accuracies = [], []
    for step in range(1, steps + 1):
        chosen = rng.choice(len(pixels_train), batch_size, replace=False)
        losses.append(model.train_on_batch(pixels_train[chosen], onehot_train[chosen]))
        if step % every == 0 or step == steps:
            predicted = model.predict_on_batch(pixels_test).argmax(axis=1)
            accuracies.append(float(np.mean(predicted == digits.y_test)))
    return np.array(losses, dtype=float), accuracies


curves = {name: train_steps(keras.optimizers.SGD(0.1), loss, steps=200)
          for name, loss in [("cross-entropy", "categorical_crossentropy"),
                             ("squared error", "mean_squared_error")]}
for name, (_, accuracies) in curves.items():
    print(f"{name:14s}: test accuracy after 200 steps {accuracies[-1]:.3f}")
helpers.claim("ce_minus_se_accuracy_200_steps",
              curves["cross-entropy"][1][-1] - curves["squared error"][1][-1], at_least=0.4)

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for name, (losses, accuracies) in curves.items():
    axes[0].plot(losses / losses[0], lw=0.8, label=name)
    axes[1].plot(np.arange(1, len(accuracies) + 1) * 20, accuracies, "o-", label=name)
axes[0].set(title="Training loss, relative to its first batch", xlabel="step (batch of 64)",
            ylabel="loss / first loss")
axes[1].set(title=f"{digits.name}: test accuracy", xlabel="step", ylabel="accuracy")
for ax in axes:
    ax.legend()
fig.tight_layout()

# %% [markdown]
# Same network, same start, same batches: with the cross-entropy the test accuracy climbs
# within the first hundred steps, with the squared error it has barely left chance (the
# claim asserts a gap of at least 40 points at step 200). This is why every classifier
# in the course ends with a softmax and the cross-entropy (`"categorical_crossentropy"`
# for one-hot labels, `"sparse_categorical_crossentropy"` for class numbers).

# %% [markdown]
# ## 4. Learned features group images better than pixels
#
# A representation decides what "similar" means. On the handwritten digits, compare
# **k-means** clustering (10 clusters, no labels used) on two representations of the same
# test images: the raw pixels, and the 32 activations of the hidden layer of a small MLP
# trained to classify the digits. The **normalised mutual information** (NMI) between the
# clusters and the true digits is 1 when the clusters are exactly the digits and 0 when
# they are unrelated to them.

# %%
keras.utils.set_random_seed(0)
classifier = keras.Sequential([
    keras.Input(shape=(pixels_train.shape[1],)),
    keras.layers.Dense(32, activation="relu", name="features"),
    keras.layers.Dense(len(digits.class_names), activation="softmax"),
])
classifier.compile(optimizer=keras.optimizers.Adam(0.01),
                   loss="sparse_categorical_crossentropy", metrics=["accuracy"])
classifier.fit(pixels_train, digits.y_train, epochs=15, batch_size=64, verbose=0)
print(f"classifier test accuracy: "
      f"{classifier.evaluate(pixels_test, digits.y_test, verbose=0)[1]:.3f}")

features_test = keras.Model(classifier.inputs, classifier.get_layer("features").output
                            ).predict(pixels_test, verbose=0)
nmi = {}
for name, representation in [("pixels", pixels_test), ("features", features_test)]:
    clusters = KMeans(n_clusters=10, n_init=10, random_state=0).fit_predict(representation)
    nmi[name] = normalized_mutual_info_score(digits.y_test, clusters)
    print(f"k-means on {name:8s} ({representation.shape[1]} numbers per image): "
          f"NMI = {nmi[name]:.3f}")
helpers.record("nmi_pixels", nmi["pixels"])
helpers.record("nmi_features", nmi["features"])
# The lesson: clusters of the learned features match the classes better than clusters of pixels.
helpers.claim("nmi_gain_features_over_pixels", nmi["features"] - nmi["pixels"], at_least=0.05)

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
for ax, (name, representation) in zip(
        axes, [("raw pixels", pixels_test), ("hidden-layer features", features_test)],
        strict=True):
    flat = PCA(n_components=2, random_state=0).fit_transform(representation)
    dots = ax.scatter(flat[:, 0], flat[:, 1], c=digits.y_test, cmap="tab10", s=10)
    key = "pixels" if name == "raw pixels" else "features"
    ax.set(title=f"{name} (k-means NMI {nmi[key]:.2f})",
           xlabel="first principal component", ylabel="second principal component")
fig.suptitle(f"{digits.name}: test images projected to 2-D with PCA, coloured by class")
fig.colorbar(dots, ax=axes, label="true class", ticks=range(10));

# %% [markdown]
# Two principal components show only a shadow of either representation, but in the learned
# features more classes form groups of their own, and in all 32 dimensions k-means recovers
# the digits more faithfully (the higher NMI). The network was trained with the labels, the
# clustering never sees them: a good representation makes "close" mean "same class".

# %% [markdown]
# ## 5. Backpropagation is the chain rule through the layers
#
# Take the XOR network with one hidden layer, written for a batch (one example per row):
#
# $$Z^{(1)} = X W^{(1)} + \mathbf{b}^{(1)}, \quad H = \tanh(Z^{(1)}), \quad
# \mathbf{z}^{(2)} = H W^{(2)} + b^{(2)}, \quad \hat{\mathbf{y}} = \sigma(\mathbf{z}^{(2)}),
# \quad L = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2 .$$
#
# The **forward pass** computes these in order and keeps them. The **backward pass** goes
# the other way and, at each step, multiplies by one local derivative (chain rule);
# $\odot$ is the elementwise product:
#
# $$\frac{\partial L}{\partial \mathbf{z}^{(2)}} = \frac{2}{n} (\hat{\mathbf{y}} - \mathbf{y})
# \odot \sigma'(\mathbf{z}^{(2)}), \qquad
# \frac{\partial L}{\partial W^{(2)}} = H^\top \frac{\partial L}{\partial \mathbf{z}^{(2)}},
# \qquad \frac{\partial L}{\partial b^{(2)}} = \sum_{i} \frac{\partial L}{\partial z^{(2)}_i},
# \qquad \frac{\partial L}{\partial H} = \frac{\partial L}{\partial \mathbf{z}^{(2)}}
# W^{(2)\top},$$
#
# $$\frac{\partial L}{\partial Z^{(1)}} = \frac{\partial L}{\partial H} \odot
# \left(1 - \tanh^2 Z^{(1)}\right), \qquad
# \frac{\partial L}{\partial W^{(1)}} = X^\top \frac{\partial L}{\partial Z^{(1)}},
# \qquad \frac{\partial L}{\partial \mathbf{b}^{(1)}} = \sum_{i}
# \frac{\partial L}{\partial Z^{(1)}_{i,:}} .$$
#
# Every layer does the same with the gradient that arrives from above: multiply by the
# activation's derivative, then one matrix product each for its weights and for the layer
# below. So backpropagation costs only a small multiple of the forward pass. `helpers.scratch.MLP`
# implements exactly this in numpy. We check its gradients two ways: against **numerical
# gradients** (central differences, which know nothing about the chain rule) and against
# **`tf.GradientTape`** on a Keras model given the same weights (`MLP.params` lists them in
# the order of Keras' `get_weights()`).

# %%
net = scratch.MLP([2, 3, 1], activation="tanh", output="sigmoid", seed=0)
x_batch = xor.x_train[:16].astype("float64")
y_batch = xor.y_train[:16].reshape(-1, 1).astype("float64")
loss, backprop = net.loss_and_grads(x_batch, y_batch)

# numerical_gradient nudges each parameter array in place; forward() reads the same arrays.
numeric = [scratch.numerical_gradient(
    lambda: scratch.squared_error(y_batch, net.forward(x_batch)), p) for p in net.params]

twin = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="tanh"),
                         keras.layers.Dense(1, activation="sigmoid")])
twin.set_weights(net.params)
with tf.GradientTape() as tape:
    keras_loss = keras.losses.MeanSquaredError()(y_batch, twin(x_batch.astype("float32")))
taped = [g.numpy() for g in tape.gradient(keras_loss, twin.trainable_variables)]

print(f"loss: numpy {loss:.6f}, Keras {float(keras_loss):.6f}")
for name, ours, num, tf_grad in zip(["W1", "b1", "W2", "b2"], backprop, numeric, taped,
                                    strict=True):
    print(f"{name} {str(ours.shape):7s} max |backprop - numerical| = "
          f"{np.abs(ours - num).max():.1e}   max |backprop - GradientTape| = "
          f"{np.abs(ours - tf_grad).max():.1e}")
max_diff_numeric = max(np.abs(o - n).max() for o, n in zip(backprop, numeric, strict=True))
max_diff_keras = max(np.abs(o - t).max() for o, t in zip(backprop, taped, strict=True))
helpers.claim("backprop_max_diff_numerical", float(max_diff_numeric), at_most=1e-7)
helpers.claim("backprop_max_diff_keras", float(max_diff_keras), at_most=1e-5)  # Keras: float32

# %%
flat = np.concatenate([g.ravel() for g in backprop])
fig, ax = plt.subplots(figsize=(5, 4.5))
ax.axline((0, 0), slope=1, color="tab:gray", lw=1, label="equal")
ax.scatter(flat, np.concatenate([g.ravel() for g in numeric]), s=60, marker="o",
           facecolors="none", edgecolors="tab:blue", label="numerical")
ax.scatter(flat, np.concatenate([g.ravel() for g in taped]), s=15, color="tab:orange",
           label="GradientTape")
ax.set(title="13 gradients of the XOR net, three ways", xlabel="backprop (numpy MLP)",
       ylabel="other method")
ax.legend();

# %% [markdown]
# All 13 gradients lie on the diagonal: backpropagation, finite
# differences and TensorFlow's automatic differentiation agree (the claims assert within
# $10^{-7}$ in float64, and $10^{-5}$ against Keras, which computes in float32; the printed
# differences are smaller still).
#
# With the gradients, training is the loop of notebook 01: `MLP.fit` does full-batch
# gradient descent on the squared error.

# %%
net = scratch.MLP([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
losses = net.fit(xor.x_train, xor.y_train, lr=2.0, epochs=2000)
numpy_accuracy = np.mean((net.forward(xor.x_test)[:, 0] > 0.5) == xor.y_test)
helpers.claim("numpy_mlp_xor_accuracy", numpy_accuracy, at_least=0.9)
helpers.claim("numpy_mlp_loss_ratio", losses[-1] / losses[0], at_most=0.05)
helpers.claim("numpy_mlp_loss_early_share",  # how much of the fall the first 500 epochs do
              (losses[0] - losses[500]) / (losses[0] - losses[-1]), at_least=0.5)

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].plot(losses)
axes[0].set(title="Numpy MLP on XOR: training loss", xlabel="epoch (full batch)",
            ylabel="mean squared error", yscale="log")
plots.decision_boundary(lambda g: net.forward(g)[:, 0], xor.x_test, xor.y_test, ax=axes[1],
                        title=f"Numpy MLP: test accuracy {numpy_accuracy:.2f}")
fig.tight_layout()

# %% [markdown]
# The loss falls by more than a factor of 20, most of it in the first 500 epochs (both
# claims above);
# after that the network only sharpens outputs that are already right. The numpy network,
# trained with nothing but the formulas above, solves XOR too.

# %% [markdown]
# ### Exercise 2 (3 points): the backward pass of one dense layer
#
# Write `dense_tanh_backward(x, W, b, grad_a)` for one layer $A = \tanh(X W + \mathbf{b})$
# applied to a batch:
# - `x` has shape (batch, inputs), `W` (inputs, units), `b` (units,);
# - `grad_a` is $\partial L / \partial A$, shape (batch, units), what arrives from the layer above;
# - return the tuple `(dW, db, dx)`: $\partial L/\partial W$, $\partial L/\partial \mathbf{b}$
#   and $\partial L/\partial X$, with the shapes of `W`, `b` and `x`.
#
# Follow the equations above (one layer is one line of them). It must work for a batch of
# a single example too, and must not change its arguments.

# %% exercise="solution:ex_dense_backward"
def dense_tanh_backward(x, W, b, grad_a):
    ### BEGIN SOLUTION
    grad_z = grad_a * (1.0 - np.tanh(x @ W + b) ** 2)  # through the tanh, elementwise
    return x.T @ grad_z, grad_z.sum(axis=0), grad_z @ W.T
    ### END SOLUTION


# %% exercise="check:check_dense_backward:3"
check.dense_tanh_backward(dense_tanh_backward)
### BEGIN HIDDEN TESTS
check.dense_tanh_backward(dense_tanh_backward, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Gradient descent and its variations: momentum, RMSprop, Adam
#
# Plain (stochastic) gradient descent takes the step $\mathbf{w} \leftarrow \mathbf{w} -
# \eta\, \mathbf{g}$, with $\mathbf{g}$ the gradient of a mini-batch's loss. Where the loss
# is a narrow valley, steep across and flat along, one learning rate $\eta$ cannot suit
# both directions: small enough not to bounce across the valley is too small to move along
# it. The variations keep a running state (all start at zero; $t$ counts steps from 1):
#
# - **Momentum** accumulates a velocity: $\mathbf{u} \leftarrow \mu \mathbf{u} - \eta
#   \mathbf{g}$, $\mathbf{w} \leftarrow \mathbf{w} + \mathbf{u}$. Steps that keep the same
#   direction add up, steps that flip sign cancel ($\mu = 0.9$ is common).
# - **RMSprop** divides each coordinate's step by the recent size of its gradient:
#   $\mathbf{s} \leftarrow \rho \mathbf{s} + (1 - \rho)\, \mathbf{g}^2$, $\mathbf{w}
#   \leftarrow \mathbf{w} - \eta\, \mathbf{g} / \sqrt{\mathbf{s} + \epsilon}$ (squares and
#   roots elementwise).
# - **Adam** does both, with running means of the gradient and of its square,
#   $\mathbf{m} \leftarrow \beta_1 \mathbf{m} + (1 - \beta_1)\, \mathbf{g}$ and $\mathbf{v}
#   \leftarrow \beta_2 \mathbf{v} + (1 - \beta_2)\, \mathbf{g}^2$. Both start at zero, so
#   early on they are too small; dividing by $1 - \beta^t$ corrects this (**bias
#   correction**):
#
# $$\hat{\mathbf{m}} = \frac{\mathbf{m}}{1 - \beta_1^t}, \qquad
# \hat{\mathbf{v}} = \frac{\mathbf{v}}{1 - \beta_2^t}, \qquad
# \mathbf{w} \leftarrow \mathbf{w} - \eta\, \frac{\hat{\mathbf{m}}}{\sqrt{\hat{\mathbf{v}}} +
# \epsilon} .$$
#
# `helpers.optimizers` implements the three in numpy. First, they must equal Keras' own
# `SGD(momentum=...)`, `RMSprop` and `Adam`: we feed both the same 10 random gradients and
# compare the weights after every step.

# %%
rng = np.random.default_rng(1)
w_start = rng.normal(size=(3, 2))
gradients = rng.normal(size=(10, 3, 2)) * rng.choice([0.1, 1.0, 10.0], size=(10, 3, 2))
pairs = {
    "momentum": (keras.optimizers.SGD(0.05, momentum=0.9), {"lr": 0.05, "momentum": 0.9}),
    "rmsprop": (keras.optimizers.RMSprop(0.01), {"lr": 0.01}),
    "adam": (keras.optimizers.Adam(0.01), {"lr": 0.01}),
}
for method, (keras_optimizer, hyper) in pairs.items():
    feed = iter(gradients)  # descend asks for one gradient per step: hand out the same ones
    ours = optimizers.descend(method, lambda w, feed=feed: next(feed), w_start,
                              len(gradients), **hyper)
    theirs = optimizers.keras_path(keras_optimizer, w_start, gradients)
    difference = float(np.abs(ours - theirs).max())
    print(f"{method:8s}: weights moved by up to {np.abs(ours[-1] - w_start).max():.3f}; "
          f"max |numpy - Keras| over 10 steps = {difference:.1e}")
    helpers.claim(f"{method}_numpy_vs_keras_max_diff", difference, at_most=1e-6)

# %% [markdown]
# The numpy steps and Keras agree to float32 precision at every step. Now their paths on
# an ill-conditioned valley, $L(\mathbf{w}) = \frac{1}{2}(w_1^2 + 50\, w_2^2)$: 50 times
# steeper across ($w_2$) than along ($w_1$). Each method gets a learning rate that suits
# it (SGD's must stay below $2/50$, or it diverges across the valley), and 60 steps.

# %%
curvature = np.array([1.0, 50.0])


def valley_loss(w):
    return 0.5 * (curvature * np.asarray(w) ** 2).sum(axis=-1)


settings = {"SGD": ("sgd", {"lr": 0.035}),
            "momentum": ("momentum", {"lr": 0.02, "momentum": 0.8}),
            "RMSprop": ("rmsprop", {"lr": 0.1}),
            "Adam": ("adam", {"lr": 0.3})}
paths = {name: optimizers.descend(method, lambda w: curvature * w, [-4.0, 1.0], 60, **hyper)
         for name, (method, hyper) in settings.items()}
final = {name: float(valley_loss(path[-1])) for name, path in paths.items()}
print("loss after 60 steps:", ", ".join(f"{n} {v:.2g}" for n, v in final.items()))
helpers.claim("valley_best_variation_over_sgd",
              max(final[n] for n in ("momentum", "RMSprop", "Adam")) / final["SGD"],
              at_most=0.1)

fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
g1, g2 = np.meshgrid(np.linspace(-4.5, 1.5, 200), np.linspace(-1.3, 1.3, 200))
axes[0].contour(g1, g2, valley_loss(np.stack([g1, g2], axis=-1)), levels=np.geomspace(0.01, 40, 12),
                colors="lightgray")
for name, path in paths.items():
    axes[0].plot(path[:, 0], path[:, 1], ".-", lw=1, ms=3, label=name)
    axes[1].plot(valley_loss(path), label=name)
axes[0].set(title="Paths on $L = (w_1^2 + 50 w_2^2)/2$ from $(-4, 1)$", xlabel="$w_1$",
            ylabel="$w_2$")
axes[1].set(title="Loss along the path", xlabel="step", ylabel="loss", yscale="log")
axes[0].legend(fontsize=8)
axes[1].legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# SGD zigzags across the valley and crawls along it; momentum's velocity builds up along
# the valley while the zigzags cancel; RMSprop and Adam rescale each coordinate, so they
# head for the minimum almost as if the valley were round. All three variations end at
# least ten times lower than SGD (the claim above).
#
# ### A learning-rate schedule
#
# A large learning rate moves fast early, a small one settles into a minimum late: a
# **schedule** changes $\eta$ with the step number. `keras.optimizers.schedules` has
# several; cosine decay lowers it from its start to zero along half a cosine. An optimizer
# takes a schedule wherever it takes a learning rate.

# %%
steps = 150
cosine = keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.1, decay_steps=steps)
print("learning rate at steps 0, 75, 150:",
      [round(float(cosine(s)), 4) for s in (0, steps // 2, steps)])

# %% [markdown]
# ### The variations on a real model
#
# The digits network of section 3, trained for 150 steps with each optimizer at Keras'
# default learning rate (0.01 for SGD, 0.001 for RMSprop and Adam), and SGD with momentum
# on the cosine schedule above (from 0.1). Same start, same batches for all.

# %%
candidates = {
    "SGD": keras.optimizers.SGD(),
    "SGD + momentum": keras.optimizers.SGD(momentum=0.9),
    "RMSprop": keras.optimizers.RMSprop(),
    "Adam": keras.optimizers.Adam(),
    "momentum + cosine schedule": keras.optimizers.SGD(cosine, momentum=0.9),
}
runs = {name: train_steps(optimizer, "categorical_crossentropy", steps=steps, every=steps)
        for name, optimizer in candidates.items()}
last = {name: float(losses[-20:].mean()) for name, (losses, _) in runs.items()}
for name, (_, accuracies) in runs.items():
    print(f"{name:27s}: mean loss of the last 20 batches {last[name]:.3f}, "
          f"test accuracy {accuracies[-1]:.3f}")
helpers.claim("digits_variations_over_sgd_loss",
              max(last[n] for n in ("SGD + momentum", "RMSprop", "Adam")) / last["SGD"],
              at_most=0.75)
helpers.claim("digits_schedule_over_adam_loss", last["momentum + cosine schedule"]
              / last["Adam"], at_most=0.7)

fig, ax = plt.subplots(figsize=(7, 4))
for name, (losses, _) in runs.items():
    # A moving average over 10 batches: single batches are noisy.
    ax.plot(np.arange(10, steps + 1), np.convolve(losses, np.ones(10) / 10, mode="valid"),
            label=name)
ax.set(title=f"{digits.name}: the same MLP, five optimizers",
       xlabel="step (batch of 64)", ylabel="cross-entropy (mean of 10 batches)", yscale="log")
ax.legend(fontsize=8);

# %% [markdown]
# At its default learning rate plain SGD has hardly started after 150 steps, while
# momentum, RMSprop and Adam are well on their way (the claims assert it); the schedule's
# large early steps and small late ones end lowest. The ranking depends on the learning
# rates: a tuned SGD can match Adam, which is why Adam, forgiving of its learning rate,
# is the usual first choice, and the one this course uses from notebook 00 on.

# %% [markdown]
# ### Exercise 3 (3 points): Adam's step
#
# Write `my_adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)` that does one step of Adam
# and returns the tuple `(w, m, v)`: the new weights and the new running moments (the raw
# `m` and `v`, not the bias-corrected ones: the next step builds on them).
# - `w`, `grad`, `m` and `v` are numpy arrays of one shape; `t` is the number of this step,
#   counted from 1; `lr`, `beta1`, `beta2` and `eps` are numbers;
# - follow the equations above; return numpy arrays, and do not change the arguments in
#   place (write `m = beta1 * m + ...`, not `m *= beta1`).

# %% exercise="solution:ex_adam_step"
def my_adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    ### BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION


# %% exercise="check:check_adam_step:3"
check.adam_step(my_adam_step)
### BEGIN HIDDEN TESTS
check.adam_step(my_adam_step, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 7. The Keras APIs
#
# Keras builds the same networks in two ways. The **Sequential API** is a list of layers,
# each feeding the next: enough for a plain stack. The **Functional API** calls layers on
# tensors like functions, so a layer's output can feed several layers, and several outputs
# can be merged: branches, shortcuts, several inputs or outputs. We use the two moons:

# %%
moons = data.load("moons", n=1000)
print(moons)

sequential = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
], name="sequential_mlp")
sequential.summary()

# %% [markdown]
# Each `Dense` layer has (inputs + 1) × units parameters: $3 \cdot 16$, $17 \cdot 16$ and
# $17 \cdot 1$. The same network could be built with `keras.Sequential()` and
# `sequential.add(layer)` one layer at a time.
#
# With the Functional API, a **wide and deep** model: a deep branch of two hidden layers,
# and a shortcut that hands the raw input to the output neuron too. `concatenate` puts the
# two side by side (2 + 16 = 18 numbers), so the output neuron can use a linear function
# of the input and the learned features at once.

# %%
inputs = keras.Input(shape=(2,), name="point")
deep = keras.layers.Dense(16, activation="relu", name="deep_1")(inputs)
deep = keras.layers.Dense(16, activation="relu", name="deep_2")(deep)
merged = keras.layers.concatenate([inputs, deep], name="merge")
outputs = keras.layers.Dense(1, activation="sigmoid", name="probability")(merged)
functional = keras.Model(inputs, outputs, name="wide_and_deep")
functional.summary()

# %% [markdown]
# The summary's last column names each layer's inputs: `merge` takes both `point`
# and `deep_2`. Where `pydot` and Graphviz are installed (they are on Colab),
# `keras.utils.plot_model` draws the graph:

# %%
if importlib.util.find_spec("pydot") and shutil.which("dot"):
    display(keras.utils.plot_model(
        functional, to_file=os.path.join(tempfile.gettempdir(), "wide_and_deep.png"),
        show_shapes=True, show_layer_names=True))
else:
    print("pydot or Graphviz is not installed here: no drawing; the summary above lists the "
          "same layers and connections.")

# %% [markdown]
# ### Exercise 4 (2 points): a two-branch model with the Functional API
#
# Write `build_two_branch()` that builds and returns (untrained, not compiled) this model:
#
# - an input of shape (2,);
# - branch A: `Dense(8, activation="relu")` on the input;
# - branch B: `Dense(8, activation="tanh")` on the **same** input;
# - the two branches merged with `keras.layers.concatenate`;
# - the output: `Dense(1, activation="sigmoid")` on the merged features.
#
# How many parameters should it have? Work it out before you run the check (which tells
# you).

# %% exercise="solution:ex_two_branch"
def build_two_branch():
    ### BEGIN SOLUTION
    inputs = keras.Input(shape=(2,))
    branch_a = keras.layers.Dense(8, activation="relu")(inputs)
    branch_b = keras.layers.Dense(8, activation="tanh")(inputs)
    merged = keras.layers.concatenate([branch_a, branch_b])
    outputs = keras.layers.Dense(1, activation="sigmoid")(merged)
    return keras.Model(inputs, outputs, name="two_branch")
    ### END SOLUTION


# %% exercise="check:check_two_branch:2"
check.two_branch_model(build_two_branch)
### BEGIN HIDDEN TESTS
check.two_branch_model(build_two_branch, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ### Compile, fit, evaluate, predict
#
# Whatever API built it, a model is used the same way: `compile` chooses the optimiser,
# the loss and the metrics; `fit` trains, here holding out the last 20% of the training
# data for **validation** (`validation_split=0.2`), to watch for overfitting; `evaluate`
# measures the test set once at the end; `predict` returns the outputs.

# %%
keras.utils.set_random_seed(0)
functional.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                   metrics=["accuracy"])
start = time.perf_counter()
history = functional.fit(moons.x_train, moons.y_train, validation_split=0.2, epochs=15,
                         batch_size=16, verbose=0)
print(f"15 epochs in {time.perf_counter() - start:.1f} s; last epoch: "
      + ", ".join(f"{k} {v[-1]:.3f}" for k, v in history.history.items()))
test_loss, test_accuracy = functional.evaluate(moons.x_test, moons.y_test, verbose=0)
helpers.claim("functional_test_accuracy", test_accuracy, at_least=0.85)

probabilities = functional.predict(moons.x_test[:5], verbose=0)
for point, p, label in zip(moons.x_test[:5], probabilities[:, 0], moons.y_test[:5],
                           strict=True):
    print(f"x = {np.round(point, 2)}: P(class 1) = {p:.3f} -> predicted {int(p > 0.5)}, "
          f"true {label}")

plots.training_curves(history, ("loss", "accuracy"), title="Wide and deep on the moons");

# %% [markdown]
# Read the two curves together: while the validation loss falls with the training loss,
# the model is learning the moons; when it flattens or rises while the training loss keeps
# falling, further epochs only fit the training points (overfitting), and it is time to stop.

# %%
plots.decision_boundary(functional, moons.x_test, moons.y_test,
                        title=f"Wide and deep: test accuracy {test_accuracy:.3f}");

# %% [markdown]
# The boundary follows the curve between the two moons, something neither the shortcut
# (a line) nor a tiny network could draw on its own.
#
# ### One batch at a time: `train_on_batch` and `test_on_batch`
#
# `fit` runs the whole loop for you. `model.train_on_batch(x, y)` does **one** gradient
# step on the batch you give it and returns its loss and metrics; `test_on_batch` measures
# a batch without changing the weights. You write the loop yourself when the loop is the
# point: batches made on the fly by a Python generator or a simulator, two models trained in
# turn (GANs, later in the course), or your own schedule, logging or stopping rule.
# (`fit` also accepts a Python generator, with `steps_per_epoch`.)

# %%
def batches(x, y, batch_size, seed=0):
    """Endless mini-batches, reshuffled at every pass over the data."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch_size + 1, batch_size):
            chosen = order[start:start + batch_size]
            yield x[chosen], y[chosen]


keras.utils.set_random_seed(0)
sequential.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                   metrics=["accuracy"])
stream = batches(moons.x_train, moons.y_train, batch_size=32)
train_log, test_log = [], []
for step in range(1, 301):
    x_step, y_step = next(stream)
    train_log.append(sequential.train_on_batch(x_step, y_step, return_dict=True)["loss"])
    if step % 30 == 0:
        logs = sequential.test_on_batch(moons.x_test, moons.y_test, return_dict=True)
        test_log.append((step, logs["loss"], logs["accuracy"]))
print(f"after {step} steps: test loss {test_log[-1][1]:.3f}, "
      f"test accuracy {test_log[-1][2]:.3f}")
helpers.claim("train_on_batch_test_accuracy", test_log[-1][2], at_least=0.85)

fig, ax = plt.subplots()
ax.plot(range(1, len(train_log) + 1), train_log, lw=0.8, label="training batch")
ax.plot([s for s, _, _ in test_log], [loss for _, loss, _ in test_log], "o-",
        label="test set (test_on_batch)")
ax.set(title="A hand-written loop with train_on_batch", xlabel="step (one batch)",
       ylabel="binary cross-entropy")
ax.legend();

# %% [markdown]
# Each training batch gives a noisy loss (32 points are a small sample), while the test
# loss, measured every 30 steps, falls smoothly: the same training as `fit`, with every
# step in our hands.

# %% [markdown]
# ### Exercise 5 (2 points): train a network that separates the circles
#
# The circles dataset puts one class in a ring around the other: no straight line comes
# close. Write `train_my_model(ds)` that builds, compiles and trains a Keras model on
# `ds.x_train`, `ds.y_train`, and returns the **trained model**, whose output is the
# probability of class 1. Choose the hidden layer(s), the activation, the learning rate and
# the number of epochs.
#
# The check calls it with `data.load("circles", n=600)` (and, hidden, another sample), and
# needs a **test accuracy of at least 0.95**, with training in under a minute (aim for a
# few seconds). Use only `ds.x_train` and `ds.y_train` for training.

# %%
circles = data.load("circles", n=600)
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.scatter(circles.x_train[:, 0], circles.x_train[:, 1], c=circles.y_train, cmap="RdBu_r",
           edgecolors="k", s=15)
ax.set(title=f"{circles.name}: training points", xlabel="$x_1$", ylabel="$x_2$",
       aspect="equal");

# %% exercise="solution:ex_circles"
def train_my_model(ds):
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(ds.x_train, ds.y_train, epochs=15, batch_size=16, verbose=0)
    return model
    ### END SOLUTION


# %% exercise="check:check_circles:2"
check.trained_classifier(train_my_model)
### BEGIN HIDDEN TESTS
check.trained_classifier(train_my_model, seed=1)
### END HIDDEN TESTS

# %% [markdown]
# ## Key takeaways
# - A layer is an affine map (which keeps lines straight and parallel) followed by a nonlinearity (which bends them); without the nonlinearity, stacked layers collapse into one affine map.
# - A hidden layer learns a **representation**: for XOR it folds the plane so that the classes become linearly separable, and the output neuron only draws a line.
# - Learned features can make a simple method (k-means) work much better than on raw pixels: the representation decides what "similar" means.
# - With many classes, a softmax turns scores into probabilities and the cross-entropy $-\log p_c$ scores them; its gradient with respect to the scores is $\mathbf{p} - \mathbf{y}$, large exactly when the network is wrong, whereas the squared error after a softmax nearly stops learning from confident mistakes.
# - Backpropagation is the chain rule applied layer by layer from the loss: each layer turns $\partial L/\partial A$ into $\partial L/\partial Z$ (times $f'$), then into the gradients of its weights, its bias and its input. Check it against numerical gradients or `tf.GradientTape`.
# - Momentum adds up steps that agree, RMSprop scales each coordinate by its recent gradient size, and Adam does both with bias correction; on a narrow valley they beat plain SGD by far, and a learning-rate schedule (large steps early, small late) helps any of them.
# - Keras builds stacks with `Sequential` and graphs (branches, shortcuts, `concatenate`) with the Functional API; models are trained with `compile`/`fit` (with `validation_split`), measured with `evaluate`, used with `predict`, or driven step by step with `train_on_batch`/`test_on_batch`.
#
# ## Further reading
# - Goodfellow, Bengio and Courville, *Deep Learning* (2016), chapter 6, "Deep Feedforward Networks" (XOR in 6.1, back-propagation in 6.5): https://www.deeplearningbook.org/contents/mlp.html
# - Christopher Olah, "Neural Networks, Manifolds, and Topology" (2014), the pictures of layers warping space: https://colah.github.io/posts/2014-03-NN-Manifolds-Topology/
# - Goodfellow, Bengio and Courville, *Deep Learning*, section 6.2.2 (softmax units and why the log-likelihood suits them) and chapter 8.3 to 8.5 (momentum, RMSprop, Adam): https://www.deeplearningbook.org/contents/optimization.html
# - Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015: https://arxiv.org/abs/1412.6980
# - Sebastian Ruder, "An overview of gradient descent optimization algorithms" (2016): https://arxiv.org/abs/1609.04747
# - Gabriel Goh, "Why Momentum Really Works", Distill (2017), momentum on ill-conditioned valleys, interactive: https://distill.pub/2017/momentum/
# - Keras guides, "The Sequential model" and "The Functional API": https://keras.io/guides/sequential_model/ and https://keras.io/guides/functional_api/
# - Keras guide, "Writing a training loop from scratch" (beyond `train_on_batch`): https://keras.io/guides/writing_a_training_loop_from_scratch/
# - The TensorFlow Neural Network Playground, https://playground.tensorflow.org: the lecture's
#   assignment is to finish its tasks. Notebook 12 is the course's own playground, with the
#   same datasets, features and settings, and its tasks as graded exercises.
