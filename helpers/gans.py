"""Generative adversarial networks: notebook 11 (GANs).

A **generator** G maps a random latent vector z to an image; a **discriminator** D maps an
image to one logit, "real" (from the data) against "fake" (from G). They play the game of
Goodfellow et al. (2014); in practice each takes a gradient step on its own loss in turn.

* ``to_tanh_range`` and ``to_pixels``: pixels 0..255 <-> the generator's range [-1, 1];
* ``build_generator`` and ``build_discriminator``: a small DCGAN for 28x28 grey images
  (Radford et al., 2015): ``Conv2DTranspose`` upsamples, strided ``Conv2D`` downsamples;
* ``GAN``: a ``keras.Model`` whose ``train_step`` (TensorFlow backend, ``tf.GradientTape``)
  updates D, then G, with two optimizers given to ``compile``;
* ``SampleGrid``: a callback that keeps the generator's images of fixed latent vectors,
  epoch after epoch; ``tile`` lays images out as one picture;
* ``discriminator_loss``, ``generator_loss``, ``optimal_discriminator`` and
  ``game_value``: the losses and the theory in numpy, the references of the exercises;
* ``make_judge``, ``confident_fraction`` and ``classifier_score``: how recognisable the
  samples are, as a classifier of the real images sees them;
* ``interpolate``: a straight line between latent vectors;
* ``unet_generator``, ``patch_discriminator`` and ``forward_macs``: the two networks of
  pix2pix (Isola et al., 2017) and the multiply-adds of one forward pass, to price it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

__all__ = [
    "LATENT_DIM",
    "IMAGE_SHAPE",
    "to_tanh_range",
    "to_pixels",
    "build_generator",
    "build_discriminator",
    "GAN",
    "generate",
    "SampleGrid",
    "ProgressBar",
    "tile",
    "discriminator_loss",
    "generator_loss",
    "optimal_discriminator",
    "game_value",
    "confident_fraction",
    "classifier_score",
    "Judge",
    "make_judge",
    "interpolate",
    "unet_generator",
    "patch_discriminator",
    "forward_macs",
]

LATENT_DIM = 64
IMAGE_SHAPE = (28, 28, 1)


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)


# ------------------------------------------------------------------------- pixel ranges


def to_tanh_range(images) -> np.ndarray:
    """Grey images with pixels 0..255, shape (n, h, w) or (n, h, w, 1), as float32 in
    [-1, 1] with a channel axis: the range of the generator's ``tanh`` output.

    >>> to_tanh_range(np.array([[[0, 255]]], dtype="uint8"))[..., 0]
    array([[[-1.,  1.]]], dtype=float32)
    """
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr[..., None]
    if arr.ndim != 4 or arr.shape[-1] != 1:
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, 1), got {arr.shape}")
    return arr / 127.5 - 1.0


def to_pixels(images) -> np.ndarray:
    """The inverse of ``to_tanh_range``: values in [-1, 1] as float32 pixels 0..255 (clipped),
    the input of the course classifiers. The shape is kept.

    >>> to_pixels(np.array([-1.0, 0.0, 1.0, 3.0]))
    array([  0. , 127.5, 255. , 255. ], dtype=float32)
    """
    arr = np.asarray(images, dtype=np.float32)
    return np.clip((arr + 1.0) * 127.5, 0.0, 255.0)


# ---------------------------------------------------------------------- the two networks


def build_generator(latent_dim: int = LATENT_DIM, filters: int = 64, *,
                    name: str = "generator"):
    """The DCGAN generator for 28x28x1 images: z -> Dense -> 7x7 maps -> two
    ``Conv2DTranspose`` with stride 2 (7 -> 14 -> 28) -> ``tanh``, values in [-1, 1].

    Batch normalization and LeakyReLU follow the dense layer and the first transposed
    convolution (Radford et al.); kernels of 4 with stride 2 overlap evenly, which avoids
    the checkerboard pattern of 3x3 kernels. ``filters`` maps of 7x7, then ``filters // 2``
    of 14x14.

    >>> g = build_generator(latent_dim=8, filters=8)
    >>> g.input_shape, g.output_shape
    ((None, 8), (None, 28, 28, 1))
    """
    from keras import layers

    latent_dim, filters = _positive_int(latent_dim, "latent_dim"), _positive_int(filters, "filters")
    if filters < 2:
        raise ValueError(f"filters must be at least 2, got {filters}")
    # A faster-moving average than Keras' 0.99: the weights change quickly in a short run,
    # and the samples are drawn in inference mode, with these averages.
    return keras.Sequential([
        keras.Input(shape=(latent_dim,), name="z"),
        layers.Dense(7 * 7 * filters, use_bias=False),
        layers.BatchNormalization(momentum=0.9),
        layers.LeakyReLU(0.2),
        layers.Reshape((7, 7, filters)),
        layers.Conv2DTranspose(filters // 2, 4, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(momentum=0.9),
        layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh",
                               name="image"),
    ], name=name)


def build_discriminator(filters: int = 64, input_shape: tuple[int, int, int] = IMAGE_SHAPE, *,
                        name: str = "discriminator"):
    """The DCGAN discriminator: two ``Conv2D`` with stride 2 (28 -> 14 -> 7), LeakyReLU,
    batch normalization on the second, and one **logit** out (no sigmoid: the losses take
    logits, which is numerically safer). ``filters // 2`` maps, then ``filters``.

    >>> d = build_discriminator(filters=8)
    >>> d.input_shape, d.output_shape
    ((None, 28, 28, 1), (None, 1))
    """
    from keras import layers

    filters = _positive_int(filters, "filters")
    if filters < 2:
        raise ValueError(f"filters must be at least 2, got {filters}")
    return keras.Sequential([
        keras.Input(shape=tuple(input_shape), name="image"),
        # No biases: the second convolution's would be subtracted away by the batch
        # normalization, and without the first one TensorFlow's graph optimizer does not
        # try (and fail, loudly) to fuse it with the LeakyReLU.
        layers.Conv2D(filters // 2, 4, strides=2, padding="same", use_bias=False),
        layers.LeakyReLU(0.2),
        layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(momentum=0.9),
        layers.LeakyReLU(0.2),
        layers.Flatten(),
        layers.Dense(1, name="logit"),
    ], name=name)


# ------------------------------------------------------------------------ the GAN model


class GAN(keras.Model):
    """A generator and a discriminator trained against each other by ``fit``.

    ``compile(d_optimizer, g_optimizer)`` takes one optimizer per network. Each
    ``train_step`` (TensorFlow backend) draws latent vectors and

    1. updates D to tell the batch of real images (target ``real_label``: 1, or 0.9 for
       one-sided label smoothing) from as many fakes ``G(z)`` (target 0);
    2. updates G to make the updated D say "real" about new fakes: the non-saturating
       loss ``-log D(G(z))``.

    The logs hold ``d_loss``, ``g_loss`` and D's mean probabilities ``d_real`` and
    ``d_fake`` on the real and fake images, averaged over the epoch so far. Calling the
    model on latent vectors runs the generator.

    >>> gan = GAN(build_generator(8, 4), build_discriminator(4))
    >>> gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), run_eagerly=True)
    >>> logs = gan.fit(np.zeros((4, 28, 28, 1), "float32"), epochs=1, verbose=0).history
    >>> sorted(logs)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']
    """

    def __init__(self, generator, discriminator, *, real_label: float = 0.9, seed: int = 0,
                 **kwargs):
        super().__init__(**kwargs)
        if not 0.5 < real_label <= 1.0:
            raise ValueError(f"real_label must be in (0.5, 1], got {real_label!r}")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(generator.input_shape[-1])
        self.real_label = float(real_label)
        # A seeded stream of latent vectors: the same run draws the same batches.
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    @property
    def metrics(self):
        # Listed here, Keras resets them at the start of every epoch.
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker,
                self.d_fake_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def train_step(self, data):
        import tensorflow as tf

        real, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        batch = tf.shape(real)[0]

        # 1. The discriminator: real images towards real_label, fakes towards 0.
        z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss = (self.bce(tf.fill(tf.shape(real_logits), self.real_label), real_logits)
                      + self.bce(tf.zeros_like(fake_logits), fake_logits))
        d_weights = self.discriminator.trainable_weights
        grads = tape.gradient(d_loss, d_weights)
        self.d_optimizer.apply_gradients(zip(grads, d_weights, strict=True))

        # 2. The generator: new fakes, pushed towards "real" (1) in the eyes of the new D.
        z = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = self.bce(tf.ones_like(logits), logits)
        g_weights = self.generator.trainable_weights
        grads = tape.gradient(g_loss, g_weights)
        self.g_optimizer.apply_gradients(zip(grads, g_weights, strict=True))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(tf.sigmoid(real_logits))
        self.d_fake_tracker.update_state(tf.sigmoid(fake_logits))
        return {m.name: m.result() for m in self.metrics}


def generate(generator, z) -> np.ndarray:
    """The generator's images of the latent vectors ``z`` (n, latent_dim), in inference
    mode (batch normalization uses its moving averages), as float32 pixels 0..255 of shape
    (n, 28, 28): what the course classifiers and ``imshow`` take.

    >>> generate(build_generator(8, 4), np.zeros((3, 8))).shape
    (3, 28, 28)
    """
    z = np.asarray(z, dtype=np.float32)
    # A direct call rather than predict(): no graph is traced for a few hundred images.
    out = keras.ops.convert_to_numpy(generator(z, training=False))
    return to_pixels(out)[..., 0]


class ProgressBar(keras.callbacks.Callback):
    """One progress bar for the whole of ``fit``, a tick per epoch, with the latest
    ``d_loss`` and ``g_loss`` beside it: shorter than Keras' bar per epoch when there are
    many short epochs. Pass ``verbose=0`` to ``fit``.

    >>> bar = ProgressBar(epochs=2, disable=True)
    >>> bar.on_train_begin(); bar.on_epoch_end(0, {"d_loss": 1.2}); bar.on_train_end()
    >>> bar.done
    1
    """

    def __init__(self, epochs: int, desc: str = "training", disable: bool = False):
        super().__init__()
        self.epochs = _positive_int(epochs, "epochs")
        self.desc, self.disable = desc, disable
        self.bar = None
        self.done = 0

    def on_train_begin(self, logs=None):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=self.epochs, desc=self.desc, unit="epoch", disable=self.disable)

    def on_epoch_end(self, epoch, logs=None):
        shown = {k: f"{float(v):.3f}" for k, v in (logs or {}).items()
                 if k in ("d_loss", "g_loss")}
        self.bar.set_postfix(shown, refresh=False)
        self.bar.update(1)
        self.done += 1

    def on_train_end(self, logs=None):
        self.bar.close()


class SampleGrid(keras.callbacks.Callback):
    """Keep the generator's images of the same latent vectors ``z`` after every
    ``every``-th epoch and after the last (``epochs``, if given): ``self.epochs`` lists
    the epochs (1 = after the first), ``self.images`` the matching (n, 28, 28) float32
    arrays of pixels 0..255. Fixed vectors make the pictures comparable: same z, a
    better generator.

    >>> grid = SampleGrid(np.zeros((2, 8)), every=2, epochs=3)
    >>> grid.set_model(GAN(build_generator(8, 4), build_discriminator(4)))
    >>> for epoch in range(3):
    ...     grid.on_epoch_end(epoch)
    >>> grid.epochs, grid.images[0].shape
    ([2, 3], (2, 28, 28))
    """

    def __init__(self, z, every: int = 1, epochs: int | None = None):
        super().__init__()
        self.z = np.asarray(z, dtype=np.float32)
        self.every = _positive_int(every, "every")
        self.total = epochs
        self.epochs: list[int] = []
        self.images: list[np.ndarray] = []

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % self.every and done != self.total:
            return
        self.epochs.append(done)
        self.images.append(generate(getattr(self.model, "generator", self.model), self.z))


def tile(images, ncols: int, pad: int = 1, fill: float = 0.0) -> np.ndarray:
    """Lay ``images`` (n, h, w) out as one (rows * (h + pad) - pad, ncols * (w + pad) - pad)
    array, row by row, with ``pad`` pixels of ``fill`` between them (and after the last
    image of an incomplete row).

    >>> tile(np.ones((3, 2, 2)), ncols=2, pad=1)
    array([[1., 1., 0., 1., 1.],
           [1., 1., 0., 1., 1.],
           [0., 0., 0., 0., 0.],
           [1., 1., 0., 0., 0.],
           [1., 1., 0., 0., 0.]])
    """
    arr = np.asarray(images, dtype=float)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim != 3 or len(arr) == 0:
        raise ValueError(f"images must have shape (n, h, w) with n >= 1, got {arr.shape}")
    ncols = _positive_int(ncols, "ncols")
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be a non-negative int, got {pad!r}")
    n, h, w = arr.shape
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    out = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad), fill, dtype=float)
    for i, img in enumerate(arr):
        r, c = divmod(i, ncols)
        out[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = img
    return out


# --------------------------------------------------------- the losses and the theory


def _logits(values, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise ValueError(f"{what} is empty")
    return arr


def _bce_with_logits(target: float, logits: np.ndarray) -> float:
    # -[y log s(z) + (1 - y) log(1 - s(z))] with log s(z) = -log(1 + e^-z) and
    # log(1 - s(z)) = -log(1 + e^z): logaddexp never overflows, unlike 1 - sigmoid(z).
    return float(np.mean(target * np.logaddexp(0.0, -logits)
                         + (1.0 - target) * np.logaddexp(0.0, logits)))


def discriminator_loss(real_logits, fake_logits, real_label: float = 1.0) -> float:
    """The discriminator's loss from its logits: binary cross-entropy with target
    ``real_label`` for the real images and 0 for the fakes, each averaged over its batch,
    then added, as ``GAN.train_step`` computes it with Keras::

        -mean(y log D(x)  + (1 - y) log(1 - D(x)))  -  mean(log(1 - D(G(z))))

    where D = sigmoid(logit) and y = ``real_label`` (1, or 0.9 with one-sided smoothing).

    >>> round(discriminator_loss([0.0], [0.0]), 4)  # D says 0.5 to both: 2 log 2
    1.3863
    """
    real, fake = _logits(real_logits, "real_logits"), _logits(fake_logits, "fake_logits")
    return _bce_with_logits(float(real_label), real) + _bce_with_logits(0.0, fake)


def generator_loss(fake_logits) -> float:
    """The generator's **non-saturating** loss, ``-mean(log D(G(z)))`` with D = sigmoid(logit):
    binary cross-entropy with target 1 for the fakes. (The minimax game would have G
    minimise ``mean(log(1 - D(G(z))))``, whose gradient vanishes when D rejects the fakes.)

    >>> round(generator_loss([0.0]), 4)  # D unsure: log 2
    0.6931
    """
    return _bce_with_logits(1.0, _logits(fake_logits, "fake_logits"))


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """The best discriminator for a fixed generator, ``p_data / (p_data + p_g)`` pointwise
    (densities of the data and of the generator's samples, not both 0).

    >>> optimal_discriminator([1.0, 0.5, 0.0], [0.0, 0.5, 2.0])
    array([1. , 0.5, 0. ])
    """
    p, q = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    return p / (p + q)


def game_value(p_data, p_g, dx: float) -> float:
    """``V(D*, G) = integral of p_data log D* + p_g log(1 - D*)``, approximated on a grid of
    spacing ``dx``, with D* the optimal discriminator; a term whose density is 0 counts as
    0 (the limit of p log p). It equals ``-log 4 + 2 JSD(p_data || p_g)``: ``-log 4`` when
    the generator matches the data, 0 when they do not overlap at all.

    >>> x = np.linspace(-8, 8, 1601); p = np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)
    >>> round(game_value(p, p, dx=0.01), 4), round(-math.log(4), 4)
    (-1.3863, -1.3863)
    """
    p, q = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    # log D* = log p - log(p + q) and log(1 - D*) = log q - log(p + q): unlike 1 - D*,
    # these keep their precision in the tails, where one density is tiny next to the other.
    log_total = np.log(np.where(p + q > 0, p + q, 1.0))
    real_term = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - log_total), 0.0)
    fake_term = np.where(q > 0, q * (np.log(np.where(q > 0, q, 1.0)) - log_total), 0.0)
    return float(np.sum(real_term + fake_term) * dx)


# ------------------------------------------------------------------- judging the samples


def _probabilities(probs) -> np.ndarray:
    arr = np.asarray(probs, dtype=float)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] < 2:
        raise ValueError(f"probs must have shape (n_images, n_classes) with n >= 1 and at "
                         f"least 2 classes, got {arr.shape}")
    if np.any(arr < -1e-6) or not np.allclose(arr.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("probs must be class probabilities: non-negative rows summing to 1 "
                         "(the output of a softmax)")
    return arr


def confident_fraction(probs, threshold: float = 0.5) -> float:
    """The fraction of images whose most likely class has a probability above ``threshold``.

    >>> confident_fraction([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]], threshold=0.5)
    0.6666666666666666
    """
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must be in [0, 1), got {threshold!r}")
    return float(np.mean(_probabilities(probs).max(axis=1) > threshold))


def classifier_score(probs) -> float:
    """``exp(mean KL(p(y|x) || p(y)))``, the *Inception score* of Salimans et al. (2016)
    computed with our own classifier: 1 when every image gets the same prediction (or
    none is confident), up to the number of classes when each image is confidently one
    class and the classes are equally frequent. Confident *and* varied scores high.

    >>> round(classifier_score(np.eye(4)), 3), round(classifier_score(np.full((4, 4), 0.25)), 3)
    (4.0, 1.0)
    """
    p = _probabilities(probs)
    marginal = p.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - np.log(marginal)), 0.0)
    return float(np.exp(kl.sum(axis=1).mean()))


@dataclass
class Judge:
    """A classifier of real images that scores generated ones.

    ``probabilities(images)`` takes grey images with pixels 0..255, (n, 28, 28) or
    (n, 28, 28, 1), and returns (n, classes); ``test_accuracy`` is measured on the test
    images of the dataset it was made for; ``description`` says what it is.
    """

    model: object
    description: str
    test_accuracy: float

    def probabilities(self, images) -> np.ndarray:
        arr = np.asarray(images, dtype=np.float32)
        if arr.ndim == 3:
            arr = arr[..., None]
        # Direct calls in batches rather than predict(): predict traces a graph for every
        # new model and batch shape, which costs more than it saves on a few hundred images.
        parts = [keras.ops.convert_to_numpy(self.model(arr[i:i + 500], training=False))
                 for i in range(0, len(arr), 500)]
        return np.concatenate(parts).astype(float)


def make_judge(ds, *, epochs: int = 8, seed: int = 0) -> Judge:
    """The classifier that tells whether generated images look like ``ds``'s classes.

    For the canonical Fashion-MNIST it is the course backbone, pretrained on all 60,000
    training images (``helpers.pretrain.load_backbone``). For any other dataset (the
    offline stand-in) it trains the same architecture on ``ds.x_train`` for ``epochs``
    epochs, a few seconds. Either way its accuracy on ``ds.x_test`` is measured.
    """
    from helpers import pretrain

    epochs = _positive_int(epochs, "epochs")
    x_test = np.asarray(ds.x_test, dtype=np.float32)[..., None]
    n_classes = len(ds.class_names)
    if ds.canonical and ds.name == "Fashion-MNIST":
        model = pretrain.load_backbone()
        what = "the course backbone, pretrained on the 60,000 Fashion-MNIST training images"
    else:
        keras.utils.set_random_seed(seed)
        model = pretrain.build_backbone(n_classes)
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss="sparse_categorical_crossentropy")
        model.fit(np.asarray(ds.x_train, dtype=np.float32)[..., None], ds.y_train,
                  epochs=epochs, batch_size=64, verbose=0)
        what = (f"the course backbone's architecture, trained for {epochs} epochs on the "
                f"{len(ds.x_train):,} training images of {ds.name}")
    judge = Judge(model, what, 0.0)
    predicted = judge.probabilities(x_test).argmax(axis=1)
    judge.test_accuracy = float(np.mean(predicted == np.asarray(ds.y_test)))
    return judge


# --------------------------------------------------------------------- the latent space


def interpolate(z0, z1, steps: int) -> np.ndarray:
    """``steps`` latent vectors on the straight line from ``z0`` to ``z1``, both included,
    as a float32 array (steps, latent_dim).

    >>> interpolate([0.0, 0.0], [1.0, 2.0], 3)
    array([[0. , 0. ],
           [0.5, 1. ],
           [1. , 2. ]], dtype=float32)
    """
    a, b = np.asarray(z0, dtype=np.float32), np.asarray(z1, dtype=np.float32)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"z0 and z1 must be vectors of the same length, got {a.shape} and "
                         f"{b.shape}")
    steps = _positive_int(steps, "steps")
    if steps < 2:
        raise ValueError(f"steps must be at least 2 (both ends), got {steps}")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1.0 - t) * a + t * b


# --------------------------------------------------------------------------- pix2pix


def _levels(size: int) -> int:
    size = _positive_int(size, "size")
    levels = int(round(math.log2(size)))
    if 2 ** levels != size or levels < 3:
        raise ValueError(f"size must be a power of 2 of at least 8, got {size}")
    return levels


def unet_generator(size: int = 256, channels: int = 3, base: int = 64):
    """The pix2pix generator: a U-Net (Ronneberger et al., 2015) as in Isola et al. (2017).

    The encoder halves the image ``log2(size)`` times with 4x4 convolutions of stride 2
    (``base``, 2, 4, then 8 times ``base`` filters) down to 1x1; the decoder doubles it back
    with transposed convolutions, and each decoder level is concatenated with the encoder
    level of the same size (the *skip connections*, which carry the fine detail across).
    Dropout 0.5 in the three deepest decoder levels is the noise of the original. ``tanh``
    output of ``channels`` channels.

    >>> g = unet_generator(size=16, channels=3, base=4)
    >>> g.input_shape, g.output_shape
    ((None, 16, 16, 3), (None, 16, 16, 3))
    """
    from keras import layers

    levels = _levels(size)
    channels, base = _positive_int(channels, "channels"), _positive_int(base, "base")
    filters = [base * min(2 ** i, 8) for i in range(levels)]
    inputs = keras.Input(shape=(size, size, channels), name="input_image")
    x, skips = inputs, []
    for i, f in enumerate(filters):
        x = layers.Conv2D(f, 4, strides=2, padding="same", use_bias=False, name=f"down{i + 1}")(x)
        if i > 0:  # no normalization on the first layer, as in the paper
            x = layers.BatchNormalization(name=f"down{i + 1}_bn")(x)
        x = layers.LeakyReLU(0.2)(x)
        skips.append(x)
    for i, (f, skip) in enumerate(zip(reversed(filters[:-1]), reversed(skips[:-1]),
                                      strict=True)):
        x = layers.Conv2DTranspose(f, 4, strides=2, padding="same", use_bias=False,
                                   name=f"up{i + 1}")(x)
        x = layers.BatchNormalization(name=f"up{i + 1}_bn")(x)
        if i < 3:
            x = layers.Dropout(0.5)(x)
        x = layers.ReLU()(x)
        x = layers.Concatenate(name=f"skip{i + 1}")([x, skip])
    outputs = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh",
                                     name="output_image")(x)
    return keras.Model(inputs, outputs, name="unet_generator")


def patch_discriminator(size: int = 256, channels: int = 3, base: int = 64):
    """The pix2pix discriminator, a *PatchGAN*: it sees the input image and a real or
    generated output side by side (``2 * channels`` channels) and returns a grid of logits,
    each judging one overlapping patch (70x70 pixels for the default layers), not one
    number for the whole image. Three 4x4 convolutions of stride 2, one of stride 1, and a
    last 4x4 convolution to one channel: a 30x30 grid for 256x256 images.

    >>> d = patch_discriminator(size=64, channels=3, base=4)
    >>> d.input_shape, d.output_shape
    ((None, 64, 64, 6), (None, 6, 6, 1))
    """
    from keras import layers

    _levels(size)
    channels, base = _positive_int(channels, "channels"), _positive_int(base, "base")
    if size < 32:
        raise ValueError(f"the PatchGAN needs images of at least 32x32, got {size}")
    inputs = keras.Input(shape=(size, size, 2 * channels), name="input_and_output")
    x = inputs
    for i, f in enumerate([base, 2 * base, 4 * base]):
        x = layers.Conv2D(f, 4, strides=2, padding="same", use_bias=False, name=f"down{i + 1}")(x)
        if i > 0:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.ZeroPadding2D()(x)
    x = layers.Conv2D(8 * base, 4, use_bias=False, name="conv4")(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.ZeroPadding2D()(x)
    outputs = layers.Conv2D(1, 4, name="patch_logits")(x)
    return keras.Model(inputs, outputs, name="patch_discriminator")


def _shape(tensor_shape: Sequence) -> tuple[int, ...]:
    return tuple(int(d) for d in tensor_shape[1:])


def all_layers(model) -> list:
    """Every layer of ``model``, nested models opened up (through the public ``.layers``).

    >>> inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> outer = keras.Sequential([keras.Input((3,)), inner, keras.layers.Dense(1)])
    >>> [type(layer).__name__ for layer in all_layers(outer)]
    ['Sequential', 'Dense', 'Dense']
    """
    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found.extend(all_layers(layer))
    return found


def forward_macs(model) -> int:
    """Multiply-adds of one forward pass of ``model`` on one example, counted over its
    ``Dense``, ``Conv2D`` and ``Conv2DTranspose`` layers (the rest is comparatively free).

    A ``Conv2D`` does ``k_h * k_w * C_in`` multiply-adds for each of its outputs; a
    ``Conv2DTranspose`` as many for each of its *inputs* and output channels.

    >>> m = keras.Sequential([keras.Input((8, 8, 2)), keras.layers.Conv2D(4, 3, padding="same"),
    ...                       keras.layers.Flatten(), keras.layers.Dense(10)])
    >>> forward_macs(m) == 8 * 8 * 4 * (3 * 3 * 2) + 8 * 8 * 4 * 10
    True
    """
    from keras import layers

    total = 0
    for layer in all_layers(model):
        if isinstance(layer, layers.Conv2DTranspose):
            h, w, c_in = _shape(layer.input.shape)
            k_h, k_w = layer.kernel_size
            total += h * w * c_in * k_h * k_w * layer.filters
        elif isinstance(layer, layers.Conv2D):
            h, w, c_out = _shape(layer.output.shape)
            k_h, k_w = layer.kernel_size
            c_in = _shape(layer.input.shape)[-1]
            total += h * w * c_out * k_h * k_w * c_in // layer.groups
        elif isinstance(layer, layers.Dense):
            in_shape, units = _shape(layer.input.shape), layer.units
            total += int(np.prod(in_shape)) * units
    return int(total)
