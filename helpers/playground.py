"""The course's own Neural Network Playground (after playground.tensorflow.org).

A small, fast re-creation of the TensorFlow playground: pick a 2-D dataset, the input
features, the hidden layers, the activation, the learning rate, regularization and noise,
and watch a Keras network learn the decision boundary. Everything is a plain function
call, so that a notebook runs the playground's tasks headless (and under nbval);
``panel()`` wraps the same calls in ipywidgets for class.

* ``Settings``: every knob of the playground, validated (a bad value names its field);
* ``make_data(settings)``: the dataset, moved into the playground's square [-6, 6]^2;
* ``expand_features(x, features)``: the playground's input columns (x1, x1^2, sin(x1), ...);
* ``build_model(settings)``: the Keras network;
* ``train(settings, live=False)``: trains it in a second or two and returns a ``Result``;
  with ``live=True`` the picture is redrawn in place while it trains;
* ``plot_result(result)``, ``compare(results)``: the pictures;
* ``panel()``: the widget version.

Speed matters here (a notebook trains a dozen networks): instead of ``model.fit``, whose
per-epoch overhead dominates for a network of a few dozen weights, the whole run of
epochs and mini-batches is one ``tf.function`` (one trace, then about 0.1 ms a step).
It needs Keras' TensorFlow backend, the course's backend.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "DATASETS",
    "ACTIVATIONS",
    "FEATURES",
    "Settings",
    "Result",
    "make_data",
    "expand_features",
    "build_model",
    "train",
    "draw_boundary",
    "draw_losses",
    "plot_result",
    "compare",
    "render_png",
    "panel",
    "COLORS",
]

DATASETS = ("xor", "circles", "moons", "spirals", "blobs")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
# The playground's seven input columns, in its order.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin(x1)", "sin(x2)")
REGULARIZATIONS = (None, "l1", "l2")
OPTIMIZERS = ("adam", "sgd")
# The playground draws every dataset in the square [-6, 6]^2.
EXTENT = 6.0

# How the course's generators (helpers.data) are moved into the playground's square, and
# how the playground's noise (0 to 0.5) becomes each generator's own noise parameter:
# native noise = base + slope * noise, so that noise 0 still gives clusters, not points,
# and noise 0.5 mixes the classes noticeably without hiding the shape.
_FRAME = {
    # name: (centre subtracted, scale, noise base, noise slope)
    "xor": ((0.5, 0.5), 6.0, 0.1, 0.3),  # corners at (+-3, +-3)
    "circles": ((0.0, 0.0), 5.0, 0.02, 0.2),  # radii 5 and 2.5
    "moons": ((0.5, 0.25), 3.0, 0.05, 0.4),
    "spirals": ((0.0, 0.0), 1.0, 0.1, 0.8),  # radius 5, as in the playground
    "blobs": ((0.0, 0.0), 4.0 / 3.0, 0.6, 1.5),  # centres (-2, -2) and (2, 2)
}

_ALIASES = {"x1*x2": "x1x2", "x2x1": "x1x2", "x2*x1": "x1x2", "x1**2": "x1^2",
            "x2**2": "x2^2", "x1²": "x1^2", "x2²": "x2^2", "x1*x1": "x1^2", "x2*x2": "x2^2"}


def _choice(value, allowed: Sequence, what: str):
    """``value`` if it is one of ``allowed`` (strings compared without case), else a
    ValueError that names the field and suggests the nearest allowed value."""
    key = value.strip().lower() if isinstance(value, str) else value
    if key in allowed:
        return key
    names = [a for a in allowed if isinstance(a, str)]
    close = difflib.get_close_matches(str(key), names, n=1) if isinstance(key, str) else []
    maybe = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"Settings.{what} must be one of {', '.join(map(repr, allowed))}; "
                     f"got {value!r}{maybe}")


def _int(value, what: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"Settings.{what} must be an int, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"Settings.{what} must be {bounds}, got {value!r}")
    return int(value)


def _float(value, what: str, low: float, high: float, *, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"Settings.{what} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value > high or value < low or (open_low and value == low):
        low_text = f"above {low}" if open_low else f"at least {low}"
        raise ValueError(f"Settings.{what} must be {low_text} and at most {high}, got {value!r}")
    return value


def _features(value) -> tuple[str, ...]:
    if isinstance(value, str):  # features="x1" means the one column, not its letters
        value = (value,)
    try:
        names = [str(v).replace(" ", "").lower() for v in value]
    except TypeError:
        raise ValueError(f"Settings.features must be a list of feature names, e.g. "
                         f"('x1', 'x2'); got {value!r}") from None
    names = [_ALIASES.get(n, n) for n in names]
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"Settings.features: unknown feature {unknown[0]!r}; the playground's "
                         f"features are {', '.join(FEATURES)}")
    if not names:
        raise ValueError("Settings.features is empty: the network needs at least one input, "
                         "e.g. ('x1', 'x2')")
    if len(set(names)) != len(names):
        raise ValueError(f"Settings.features lists a feature twice: {value!r}")
    # The playground's order, whatever order they were given in.
    return tuple(f for f in FEATURES if f in names)


def _hidden(value) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, str):
        raise ValueError(f"Settings.hidden must be a tuple of ints, e.g. (4, 2); got the "
                         f"string {value!r}")
    try:
        units = tuple(value)
    except TypeError:
        raise ValueError(f"Settings.hidden must be a tuple of ints, e.g. (4, 2) for two hidden "
                         f"layers or () for none; got {value!r}") from None
    if len(units) > 8:
        raise ValueError(f"Settings.hidden has {len(units)} layers; the playground allows "
                         "at most 8")
    for u in units:
        if isinstance(u, bool) or not isinstance(u, (int, np.integer)) or not 1 <= u <= 128:
            raise ValueError(f"Settings.hidden must hold layer widths between 1 and 128, got "
                             f"{u!r} in {value!r}")
    return tuple(int(u) for u in units)


@dataclass(frozen=True)
class Settings:
    """Every knob of the playground. Invalid values raise a ValueError naming the field.

    ``noise`` runs from 0 to 0.5 (the playground's 0 to 50); ``hidden`` lists the widths
    of the hidden layers, ``()`` for none (logistic regression on the features);
    ``regularization_rate`` is the playground's "regularization rate" (the factor of the
    L1 or L2 penalty); ``batch_size=None`` trains on the whole training set at each step.

    >>> s = Settings("spirals", hidden=(8, 8), features=["x2", "x1"])
    >>> s.features, s.n_neurons
    (('x1', 'x2'), 16)
    >>> s.replace(hidden=()).hidden
    ()
    >>> Settings("spiral")
    Traceback (most recent call last):
    ...
    ValueError: Settings.dataset must be one of 'xor', 'circles', 'moons', 'spirals', \
'blobs'; got 'spiral' (did you mean 'spirals'?)
    """

    dataset: str = "circles"
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str | None = None
    regularization_rate: float = 0.0
    noise: float = 0.0
    features: tuple[str, ...] = ("x1", "x2")
    batch_size: int | None = 32
    epochs: int = 200
    test_fraction: float = 0.5
    n_points: int = 400
    optimizer: str = "adam"
    seed: int = 0

    def __post_init__(self) -> None:
        # Normalise while validating ("L2" -> "l2", [4, 2] -> (4, 2)); frozen, hence setattr.
        def put(name, value):
            object.__setattr__(self, name, value)

        put("dataset", _choice(self.dataset, DATASETS, "dataset"))
        put("hidden", _hidden(self.hidden))
        put("activation", _choice(self.activation, ACTIVATIONS, "activation"))
        put("learning_rate", _float(self.learning_rate, "learning_rate", 0.0, 10.0,
                                    open_low=True))
        reg = self.regularization
        if isinstance(reg, str) and reg.strip().lower() in ("none", ""):
            reg = None
        put("regularization", _choice(reg, REGULARIZATIONS, "regularization"))
        put("regularization_rate", _float(self.regularization_rate, "regularization_rate",
                                          0.0, 10.0))
        if self.regularization is None and self.regularization_rate > 0:
            raise ValueError(f"Settings.regularization_rate={self.regularization_rate} has no "
                             "effect with regularization=None: set regularization='l2' "
                             "(or 'l1') too")
        if isinstance(self.noise, (int, float)) and 0.5 < self.noise <= 50:
            raise ValueError(f"Settings.noise must be between 0 and 0.5, got {self.noise!r} "
                             f"(the playground's noise {self.noise:g} is {self.noise / 100:g} "
                             "here)")
        put("noise", _float(self.noise, "noise", 0.0, 0.5))
        put("features", _features(self.features))
        if self.batch_size is not None:
            put("batch_size", _int(self.batch_size, "batch_size", 1))
        put("epochs", _int(self.epochs, "epochs", 1, 5000))
        put("test_fraction", _float(self.test_fraction, "test_fraction", 0.1, 0.9))
        put("n_points", _int(self.n_points, "n_points", 20, 5000))
        put("optimizer", _choice(self.optimizer, OPTIMIZERS, "optimizer"))
        put("seed", _int(self.seed, "seed", 0, 2**31 - 1))

    @property
    def n_neurons(self) -> int:
        """Hidden neurons in all (the playground's count; the output neuron not included)."""
        return sum(self.hidden)

    def replace(self, **changes) -> Settings:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


# ------------------------------------------------------------------------------ data


def make_data(settings: Settings):
    """The dataset of ``settings`` in the playground's square [-6, 6]^2.

    A ``helpers.data.Dataset`` (``x_train``, ``y_train``, ``x_test``, ``y_test`` with
    two coordinates per point and labels 0/1), generated by the course's registered
    generators with ``settings.n_points``, ``noise``, ``test_fraction`` and ``seed``:
    the same numbers on every machine, online or offline.

    >>> ds = make_data(Settings("xor", n_points=100, test_fraction=0.5))
    >>> ds.x_train.shape, ds.x_test.shape, sorted(set(ds.y_train.tolist()))
    ((50, 2), (50, 2), [0, 1])
    """
    from helpers import data

    centre, scale, base, slope = _FRAME[settings.dataset]
    ds = data.load(settings.dataset, n=settings.n_points, noise=base + slope * settings.noise,
                   seed=settings.seed, test_size=settings.test_fraction)

    def move(x: np.ndarray) -> np.ndarray:
        return ((x - np.asarray(centre)) * scale).astype("float32")

    return dataclasses.replace(
        ds, x_train=move(ds.x_train), x_test=move(ds.x_test),
        description=f"{ds.description}; noise {settings.noise:g} (playground scale 0 to 0.5)")


def expand_features(x, features: Iterable[str] = FEATURES) -> np.ndarray:
    """The playground's input columns for points ``x`` of shape (n, 2), as float32.

    ``features`` picks and orders the columns: any of ``FEATURES`` =
    x1, x2, x1^2, x2^2, x1x2, sin(x1), sin(x2) (all seven, in this order, by default).

    >>> print(expand_features([[2.0, -1.0]]).round(3))
    [[ 2.    -1.     4.     1.    -2.     0.909 -0.841]]
    >>> expand_features([[2.0, -1.0]], ["x1x2"]).tolist()
    [[-2.0]]
    """
    x = np.asarray(x, dtype="float64")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2): one row (x1, x2) per point; got {x.shape}")
    if isinstance(features, str):
        features = (features,)
    x1, x2 = x[:, 0], x[:, 1]
    columns = {"x1": x1, "x2": x2, "x1^2": x1 ** 2, "x2^2": x2 ** 2, "x1x2": x1 * x2,
               "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)}
    names = [_ALIASES.get(str(f).replace(" ", "").lower(), str(f).replace(" ", "").lower())
             for f in features]
    unknown = [f for f in names if f not in columns]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; the features are {', '.join(FEATURES)}")
    return np.stack([columns[f] for f in names], axis=1).reshape(len(x), len(names)).astype(
        "float32")


# ----------------------------------------------------------------------------- model


def build_model(settings: Settings, x_train=None):
    """The Keras network of ``settings``: its features in, one sigmoid unit out.

    The inputs are first standardized (a ``Normalization`` layer with the mean and
    variance of ``x_train``, the expanded training features, when given): x1^2 reaches 36
    where sin(x1) stays within 1, and equal scales let one learning rate suit every
    feature. Every ``Dense`` layer, the output one too, carries the L1 or L2 penalty of
    ``settings`` on its weights, as in the playground. Weights are seeded by
    ``settings.seed``.

    >>> model = build_model(Settings(hidden=(4, 2), features=("x1", "x2", "x1x2")))
    >>> [layer.name for layer in model.layers]
    ['standardize', 'hidden_1', 'hidden_2', 'output']
    >>> sum(int(np.prod(w.shape)) for w in model.trainable_weights)  # 3*4+4 + 4*2+2 + 2+1
    29
    """
    import keras

    n_inputs = len(settings.features)
    if x_train is None:
        mean, variance = np.zeros(n_inputs), np.ones(n_inputs)
    else:
        x_train = np.asarray(x_train, dtype="float64")
        if x_train.ndim != 2 or x_train.shape[1] != n_inputs:
            raise ValueError(f"x_train must have shape (n, {n_inputs}) for the features "
                             f"{settings.features}; got {x_train.shape}")
        mean, variance = x_train.mean(axis=0), x_train.var(axis=0)
    penalty = {None: None, "l1": keras.regularizers.L1, "l2": keras.regularizers.L2}[
        settings.regularization]
    keras.utils.set_random_seed(settings.seed)  # the same initial weights every time

    def dense(units: int, activation: str, name: str):
        regularizer = penalty(settings.regularization_rate) if penalty else None
        return keras.layers.Dense(units, activation=activation, name=name,
                                  kernel_regularizer=regularizer)

    stack = [keras.Input(shape=(n_inputs,)),
             keras.layers.Normalization(mean=mean, variance=variance, name="standardize")]
    stack += [dense(u, settings.activation, f"hidden_{i + 1}")
              for i, u in enumerate(settings.hidden)]
    stack.append(dense(1, "sigmoid", "output"))
    return keras.Sequential(stack, name="playground")


# ---------------------------------------------------------------------------- training


@dataclass
class Result:
    """A trained playground network and what it did.

    ``history`` holds the training and test loss (binary cross-entropy, without the
    penalty) after every epoch; ``predict(points)`` gives P(class 1) for (n, 2) points.
    """

    settings: Settings
    model: object
    data: object
    history: dict[str, list[float]] = field(default_factory=lambda: {"train_loss": [],
                                                                     "test_loss": []})
    train_accuracy: float = float("nan")
    test_accuracy: float = float("nan")
    seconds: float = 0.0

    @property
    def epochs_done(self) -> int:
        return len(self.history["train_loss"])

    @property
    def n_neurons(self) -> int:
        """Hidden neurons, as the playground counts them."""
        return self.settings.n_neurons

    @property
    def n_parameters(self) -> int:
        """Trainable weights and biases (the standardization is not learned)."""
        return int(sum(int(np.prod(w.shape)) for w in self.model.trainable_weights))

    @property
    def test_loss(self) -> float:
        return self.history["test_loss"][-1] if self.history["test_loss"] else float("nan")

    @property
    def train_loss(self) -> float:
        return self.history["train_loss"][-1] if self.history["train_loss"] else float("nan")

    def predict(self, points) -> np.ndarray:
        """P(class 1) at each of the (n, 2) ``points``."""
        import keras

        features = expand_features(points, self.settings.features)
        return keras.ops.convert_to_numpy(self.model(features, training=False))[:, 0]

    def weight_norm(self) -> float:
        """The root of the sum of all squared kernel weights (what L2 shrinks)."""
        kernels = [w for w in self.model.trainable_weights if "kernel" in w.path]
        return float(np.sqrt(sum(float(np.sum(np.square(np.asarray(w)))) for w in kernels)))

    def __repr__(self) -> str:
        s = self.settings
        return (f"Result({s.dataset!r}, hidden={s.hidden}, features={s.features}: "
                f"test accuracy {self.test_accuracy:.3f}, test loss {self.test_loss:.3f}, "
                f"{self.n_neurons} neurons, {self.n_parameters} parameters, "
                f"{self.epochs_done} epochs in {self.seconds:.1f} s)")


def _accuracy(result: Result, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((result.predict(x) > 0.5) == (y == 1)))


def _trainer(model, settings: Settings, f_train, y_train, f_test, y_test):
    """One tf.function that runs k epochs (shuffled mini-batches) and returns the training
    and test loss after each. The epoch number seeds the shuffle, so running 200 epochs at
    once or in chunks of 10 (to redraw in between) gives the same weights."""
    import keras
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError("helpers.playground trains with TensorFlow; set KERAS_BACKEND="
                           f"tensorflow (the course's backend), not {keras.backend.backend()!r}")
    if settings.optimizer == "adam":
        optimizer = keras.optimizers.Adam(settings.learning_rate)
    else:
        optimizer = keras.optimizers.SGD(settings.learning_rate)
    bce = keras.losses.BinaryCrossentropy()
    xs, xt = tf.constant(f_train), tf.constant(f_test)
    ys = tf.constant(y_train.reshape(-1, 1).astype("float32"))
    yt = tf.constant(y_test.reshape(-1, 1).astype("float32"))
    n = len(f_train)
    batch = min(settings.batch_size or n, n)
    n_batches = math.ceil(n / batch)
    weights = model.trainable_variables

    @tf.function
    def run(first_epoch, k):
        train_losses = tf.TensorArray(tf.float32, size=k)
        test_losses = tf.TensorArray(tf.float32, size=k)
        for i in tf.range(k):
            order = tf.random.experimental.stateless_shuffle(
                tf.range(n), seed=tf.stack([settings.seed, first_epoch + i]))
            for b in tf.range(n_batches):
                idx = order[b * batch:(b + 1) * batch]
                with tf.GradientTape() as tape:
                    loss = bce(tf.gather(ys, idx), model(tf.gather(xs, idx), training=True))
                    loss += tf.add_n([tf.constant(0.0)] + list(model.losses))  # the penalty
                optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights,
                                              strict=True))
            train_losses = train_losses.write(i, bce(ys, model(xs, training=False)))
            test_losses = test_losses.write(i, bce(yt, model(xt, training=False)))
        return train_losses.stack(), test_losses.stack()

    return run


def train(settings: Settings, live: bool = False, every: int | None = None,
          on_progress: Callable[[Result], None] | None = None) -> Result:
    """Train the network of ``settings`` on its dataset and return a ``Result``.

    With ``live=True`` (in a notebook) one picture, the decision boundary and the loss
    curves, is shown and redrawn in place every ``every`` epochs (default: ten redraws);
    ``on_progress(result)`` is called at the same moments (the widget panel uses it).
    Deterministic: the same settings give the same numbers.

    >>> r = train(Settings("blobs", hidden=(), epochs=20))
    >>> r.test_accuracy > 0.9, r.n_neurons, r.n_parameters, len(r.history["test_loss"])
    (True, 0, 3, 20)
    """
    if not isinstance(settings, Settings):
        raise TypeError(f"train() needs a playground Settings, got {type(settings).__name__}")
    start = time.perf_counter()
    ds = make_data(settings)
    f_train = expand_features(ds.x_train, settings.features)
    f_test = expand_features(ds.x_test, settings.features)
    model = build_model(settings, f_train)
    result = Result(settings, model, ds)
    run = _trainer(model, settings, f_train, ds.y_train, f_test, ds.y_test)

    show = on_progress
    if live:
        show = _live_display(on_progress)
    if every is not None and (isinstance(every, bool) or not isinstance(every, int)
                              or every < 1):
        raise ValueError(f"every must be a positive number of epochs, got {every!r}")
    if show is None:
        every = settings.epochs  # nothing to redraw: all epochs in one call
    every = every or max(1, settings.epochs // 10)
    import tensorflow as tf

    done = 0
    while done < settings.epochs:
        k = min(every, settings.epochs - done)
        logger = tf.get_logger()
        level = logger.level
        # Every run traces a new function on purpose (a new network); TensorFlow would
        # warn about "excessive retracing" from the fifth one on.
        logger.setLevel("ERROR")
        try:
            train_losses, test_losses = run(tf.constant(done), tf.constant(k))
        finally:
            logger.setLevel(level)
        result.history["train_loss"] += [float(v) for v in train_losses.numpy()]
        result.history["test_loss"] += [float(v) for v in test_losses.numpy()]
        done += k
        result.train_accuracy = _accuracy(result, ds.x_train, ds.y_train)
        result.test_accuracy = _accuracy(result, ds.x_test, ds.y_test)
        result.seconds = time.perf_counter() - start
        if show is not None:
            show(result)
    return result


def _live_display(also: Callable[[Result], None] | None) -> Callable[[Result], None]:
    """A callback that shows the picture in the notebook and replaces it at each call."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import Image, display

    handle = None

    def show(result: Result) -> None:
        nonlocal handle
        if also is not None:
            also(result)
        if not InteractiveShell.initialized():  # plain Python: nothing to draw into
            return
        picture = Image(render_png(result))
        if handle is None:
            handle = display(picture, display_id=True)
        else:
            handle.update(picture)

    return show


# ------------------------------------------------------------------------------ pictures


def _extent(result: Result) -> float:
    points = np.concatenate([result.data.x_train, result.data.x_test])
    return max(EXTENT, float(np.abs(points).max()) + 0.3)


# The playground's colours: blue for class 0, orange for class 1, white for undecided.
COLORS = ("#0877bd", "#f59322")


def _cmap():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("playground", [COLORS[0], "#f4f4f4", COLORS[1]])


def _hidden_text(hidden: tuple[int, ...]) -> str:
    return f"hidden {list(hidden)}" if hidden else "no hidden layer"


def draw_boundary(result: Result, ax, *, show_test: bool = True, resolution: int = 80,
                  title: str | None = None):
    """Shade P(class 1) over the playground's square (blue 0, orange 1), with the training
    points (circles, white edge) and the test points (triangles, black edge) on top, and
    the 0.5 line in black.

    >>> import matplotlib.pyplot as plt
    >>> r = train(Settings("blobs", hidden=(), epochs=5))
    >>> draw_boundary(r, plt.subplots()[1]).get_xlabel()
    '$x_1$'
    """
    from matplotlib.colors import ListedColormap

    lim = _extent(result)
    grid = np.linspace(-lim, lim, resolution)
    g1, g2 = np.meshgrid(grid, grid)
    p = result.predict(np.c_[g1.ravel(), g2.ravel()]).reshape(g1.shape)
    ax.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap=_cmap(), alpha=0.7)
    if p.min() < 0.5 < p.max():
        ax.contour(g1, g2, p, levels=[0.5], colors="k", linewidths=1.2)
    ds = result.data
    points = ListedColormap(COLORS)
    ax.scatter(ds.x_train[:, 0], ds.x_train[:, 1], c=ds.y_train, cmap=points, vmin=0, vmax=1,
               edgecolors="white", linewidths=0.6, s=18, label="training")
    if show_test:
        ax.scatter(ds.x_test[:, 0], ds.x_test[:, 1], c=ds.y_test, cmap=points, vmin=0, vmax=1,
                   marker="^", edgecolors="k", linewidths=0.5, s=16, label="test")
    s = result.settings
    if title is None:
        title = f"{s.dataset}, {_hidden_text(s.hidden)}: test accuracy {result.test_accuracy:.2f}"
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="$x_1$", ylabel="$x_2$", title=title,
           aspect="equal")
    ax.grid(False)
    return ax


def draw_losses(result: Result, ax, *, label: str = "", log: bool = False):
    """The training (dashed) and test (solid) loss after every epoch.

    >>> import matplotlib.pyplot as plt
    >>> r = train(Settings("blobs", hidden=(), epochs=5))
    >>> draw_losses(r, plt.subplots()[1]).get_ylabel()
    'loss (binary cross-entropy)'
    """
    epochs = np.arange(1, result.epochs_done + 1)
    prefix = f"{label}: " if label else ""
    (line,) = ax.plot(epochs, result.history["test_loss"], label=f"{prefix}test")
    ax.plot(epochs, result.history["train_loss"], ls="--", color=line.get_color(), lw=1,
            label=f"{prefix}training")
    if log:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="loss (binary cross-entropy)",
           title=f"Loss: test {result.test_loss:.3f}, training {result.train_loss:.3f}",
           xlim=(0, max(result.settings.epochs, 1)))
    ax.legend(fontsize=8)
    return ax


def _settings_line(s: Settings) -> str:
    reg = "no regularization" if s.regularization is None else \
        f"{s.regularization.upper()} {s.regularization_rate:g}"
    return (f"features {', '.join(s.features)} | {s.activation} | learning rate "
            f"{s.learning_rate:g} | {reg} | noise {s.noise:g} | batch {s.batch_size or 'all'}")


def _draw_result(result: Result, fig) -> None:
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
    draw_boundary(result, ax1)
    draw_losses(result, ax2)
    fig.suptitle(_settings_line(result.settings), fontsize=9)
    fig.tight_layout()


def plot_result(result: Result):
    """The decision boundary and the loss curves of one run, side by side; returns the
    Figure.

    >>> fig = plot_result(train(Settings("blobs", hidden=(), epochs=5)))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['$x_1$', 'epoch']
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(10, 4.3))
    _draw_result(result, fig)
    return fig


def render_png(result: Result, dpi: int = 72) -> bytes:
    """``plot_result``'s picture as PNG bytes, drawn without pyplot (so that no figure is
    left open, nor shown twice by the notebook).

    >>> render_png(train(Settings("blobs", hidden=(), epochs=2)))[:4]
    b'\\x89PNG'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.3))
    FigureCanvasAgg(fig)
    _draw_result(result, fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def compare(results: Sequence[Result], labels: Sequence[str] | None = None, *,
            title: str = "", log: bool = False):
    """One decision boundary per result, then all their loss curves in one last panel.

    >>> r = train(Settings("blobs", hidden=(), epochs=3))
    >>> len(compare([r, r], ["a", "b"]).axes)
    3
    """
    import matplotlib.pyplot as plt

    if labels is None:
        labels = [_hidden_text(r.settings.hidden) for r in results]
    if len(labels) != len(results):
        raise ValueError(f"{len(results)} results but {len(labels)} labels")
    n = len(results)
    fig, axes = plt.subplots(1, n + 1, figsize=(3.4 * (n + 1), 3.8))
    for ax, result, label in zip(axes[:n], results, labels, strict=True):
        draw_boundary(result, ax, title=f"{label}\ntest accuracy {result.test_accuracy:.2f}")
        ax.title.set_fontsize(9)
    loss_ax = axes[-1]
    for result, label in zip(results, labels, strict=True):
        draw_losses(result, loss_ax, label=label, log=log)
    loss_ax.set_title("Test (solid) and training (dashed) loss", fontsize=9)
    loss_ax.set_xlim(0, max(r.settings.epochs for r in results))
    loss_ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------- widgets

_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def _parse_hidden(text: str) -> tuple[int, ...]:
    """'4, 2' -> (4, 2); '' or '0' -> ()."""
    parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        units = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers: write the widths separated by commas, e.g. 4, 2 "
                         f"(or 0 for none); got {text!r}") from None
    return () if units == (0,) else units


def panel(settings: Settings | None = None):
    """The playground as ipywidgets: choose the settings, press Run, watch it learn.

    Returns the widget box (show it by ending a cell with it). Pressing Run trains with
    ``train`` and redraws the picture (an ``Image`` widget) every few epochs; every run's
    ``Result`` is appended to ``box.results``. ``box.controls`` maps each Settings field
    to its widget, ``box.run_button`` is the button (``box.run_button.click()`` runs it
    from code), ``box.output`` the text output, ``box.picture`` the Image widget and
    ``box.current_settings()`` the Settings the controls show. Uses only widgets and
    options that ipywidgets 7 (Colab) and 8 share.

    >>> box = panel(Settings("xor", hidden=(3,), epochs=5))
    >>> box.controls["hidden"].value, box.controls["dataset"].value
    ('3', 'xor')
    """
    import ipywidgets as w

    s = settings or Settings()
    wide = {"description_width": "110px"}
    layout = w.Layout(width="320px")

    def make(kind, name, description, **options):
        return kind(description=description, style=wide, layout=layout, **options)

    controls = {
        "dataset": make(w.Dropdown, "dataset", "dataset", options=list(DATASETS),
                        value=s.dataset),
        "features": w.SelectMultiple(options=list(FEATURES), value=tuple(s.features), rows=7,
                                     description="features", style=wide, layout=layout),
        "hidden": make(w.Text, "hidden", "hidden layers", value=", ".join(map(str, s.hidden))
                       or "0", continuous_update=False),
        "activation": make(w.Dropdown, "activation", "activation", options=list(ACTIVATIONS),
                           value=s.activation),
        "learning_rate": make(w.FloatLogSlider, "learning_rate", "learning rate",
                              value=s.learning_rate, base=10, min=-4, max=1, step=0.25,
                              readout_format=".4f", continuous_update=False),
        "regularization": make(w.Dropdown, "regularization", "regularization",
                               options=[("none", "none"), ("L1", "l1"), ("L2", "l2")],
                               value=s.regularization or "none"),
        "regularization_rate": make(w.Dropdown, "regularization_rate", "reg. rate",
                                    options=sorted({0.0, *_RATES, s.regularization_rate}),
                                    value=s.regularization_rate),
        "noise": make(w.FloatSlider, "noise", "noise", value=s.noise, min=0.0, max=0.5,
                      step=0.05, continuous_update=False),
        "test_fraction": make(w.FloatSlider, "test_fraction", "test fraction",
                              value=s.test_fraction, min=0.1, max=0.9, step=0.1,
                              continuous_update=False),
        "batch_size": make(w.IntSlider, "batch_size", "batch size",
                           value=s.batch_size or 0, min=0, max=256, step=1,
                           continuous_update=False),
        "epochs": make(w.IntSlider, "epochs", "epochs", value=s.epochs, min=10, max=1000,
                       step=10, continuous_update=False),
        "seed": make(w.IntText, "seed", "seed", value=s.seed),
    }
    run_button = w.Button(description="Run", button_style="success", icon="play")
    log = w.Output(layout=w.Layout(width="320px"))
    image = w.Image(format="png", layout=w.Layout(width="720px"))
    box = w.HBox([w.VBox([*controls.values(), run_button, log]), image])
    # Plain attributes (not traits) so that tests and curious students can drive the panel.
    box.controls, box.run_button, box.output, box.picture, box.results = (
        controls, run_button, log, image, [])

    def current() -> Settings:
        v = {name: c.value for name, c in controls.items()}
        regularization = None if v["regularization"] == "none" else v["regularization"]
        return s.replace(
            dataset=v["dataset"], features=tuple(v["features"]),
            hidden=_parse_hidden(v["hidden"]), activation=v["activation"],
            learning_rate=float(v["learning_rate"]), regularization=regularization,
            regularization_rate=float(v["regularization_rate"]) if regularization else 0.0,
            noise=float(v["noise"]), test_fraction=float(v["test_fraction"]),
            batch_size=int(v["batch_size"]) or None, epochs=int(v["epochs"]),
            seed=int(v["seed"]))

    box.current_settings = current

    def on_run(_button=None) -> None:
        log.clear_output()
        with log:
            try:
                chosen = current()
            except ValueError as exc:  # a bad value: say which, keep the last picture
                print(exc)
                return
            run_button.disabled = True
            try:
                print(f"training {chosen.dataset}, hidden {list(chosen.hidden)} ...")
                # About ten frames, but not more than one per 5 epochs: a frame costs
                # about as much as 100 epochs of training.
                result = train(chosen, every=max(5, chosen.epochs // 10),
                               on_progress=lambda r: setattr(image, "value", render_png(r)))
            finally:
                run_button.disabled = False
            box.results.append(result)
            log.clear_output()
            print(f"test accuracy {result.test_accuracy:.3f}, test loss "
                  f"{result.test_loss:.3f}\n{result.n_neurons} neurons, "
                  f"{result.n_parameters} parameters, {result.seconds:.1f} s")

    run_button.on_click(on_run)
    return box
