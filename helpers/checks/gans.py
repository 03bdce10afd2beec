"""Checks for notebook 11: the GAN losses, the optimal discriminator, and a generator.

The notebook imports them as ``from helpers.checks import gans as check``:

* ``check.discriminator_loss(fn)``: ``fn(real_logits, fake_logits, real_label=1.0)``, the
  discriminator's binary cross-entropy from its logits, compared with Keras'
  ``BinaryCrossentropy(from_logits=True)``;
* ``check.generator_loss(fn)``: ``fn(fake_logits)``, the non-saturating generator loss;
* ``check.optimal_discriminator(fn)``: ``fn(p_data, p_g)``, D* pointwise;
* ``check.game_value(fn)``: ``fn(p_data, p_g, dx)``, V(D*, G) on a grid;
* ``check.generator_spec(build)``: ``build(latent_dim)`` returns a generator of 28x28x1
  images in [-1, 1] that upsamples with ``Conv2DTranspose``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from helpers import gans
from helpers.checks import _fail, _short, call_student, expect_close, hidden_rng, passed

__all__ = ["discriminator_loss", "generator_loss", "optimal_discriminator", "game_value",
           "generator_spec", "PARAMS_RANGE"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "discriminator_loss": ("helpers.gans.discriminator_loss",),
    "generator_loss": ("helpers.gans.generator_loss",),
    "optimal_discriminator": ("helpers.gans.optimal_discriminator",),
    "game_value": ("helpers.gans.game_value",),
    "generator_spec": ("helpers.gans.build_generator",),
}


def _number(got, call: str) -> float:
    """``got`` as one float, or a CheckFailed that says what came back instead."""
    if got is None:
        _fail(f"{call} returned None: did you forget to `return` the loss?", None)
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{call} returned {_short(got)}, expected one number.", None)
    if arr.size != 1:
        _fail(f"{call} returned an array of shape {arr.shape}, expected one number.",
              "average over the batch (np.mean) so that the loss is a single number.")
    return float(arr.reshape(()))


def _close(a: float, b: float) -> bool:
    return bool(np.isfinite(a) and np.isfinite(b) and math.isclose(a, b, rel_tol=1e-4,
                                                                    abs_tol=1e-6))


def _keras_bce(target: float, logits: np.ndarray) -> float:
    """Keras' own binary cross-entropy from logits, averaged over the batch."""
    import keras

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    logits = np.asarray(logits, dtype="float32").reshape(-1, 1)
    return float(keras.ops.convert_to_numpy(bce(np.full_like(logits, target), logits)))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))  # no overflow warning


def _text(values) -> str:
    return np.array2string(np.asarray(values, dtype=float), separator=", ", precision=3)


def _diagnose(results: list[float], variants: list[list[tuple[float, str]]], failing: int,
              default: str) -> str:
    """The hint of the wrong formula that explains the student's numbers.

    ``variants[j]`` lists (value, hint) of the plausible mistakes for case ``j``, in the same
    order for every case. A mistake that matches *every* case wins (two mistakes can agree
    on one case, such as D unsure with logits 0); else the first that matches the failing
    case; else ``default``.
    """
    for k, (_, hint) in enumerate(variants[failing]):
        if all(_close(got, options[k][0]) for got, options in zip(results, variants,
                                                                   strict=True)):
            return hint
    for value, hint in variants[failing]:
        if _close(results[failing], value):
            return hint
    return default


# -------------------------------------------------------- exercise: discriminator loss

# (real logits, fake logits, real_label): D unsure; a good D; batches of different sizes;
# one-sided label smoothing; a D fooled by the fakes; and logits large enough that
# 1 - sigmoid(z) rounds to 0 in floating point.
_D_CASES = [
    ([0.0], [0.0], 1.0),
    ([3.0, 2.0, 4.0], [-2.5, -3.0, -1.0], 1.0),
    ([1.5, -0.5, 2.0, 0.3], [-1.0, 0.7], 1.0),
    ([3.0, 2.0, 4.0], [-2.5, -3.0, -1.0], 0.9),
    ([-2.0, -1.0], [2.0, 3.0], 1.0),
    ([40.0, -40.0, 5.0], [40.0, -40.0], 0.9),
]
_D_HIDDEN = [
    ([0.2, -0.3, 1.1, 2.4, -1.7], [0.9, -2.2, -0.4], 0.8),
    ([10.0], [-10.0, 10.0, 0.0, 3.0], 1.0),
    ([-60.0, 60.0], [60.0], 0.95),
]


def _d_variants(real: np.ndarray, fake: np.ndarray, y: float) -> list[tuple[float, str]]:
    """Plausible wrong discriminator losses, each with the hint that explains it."""
    ref = gans.discriminator_loss(real, fake, y)
    real_part, fake_part = _keras_bce(y, real), _keras_bce(0.0, fake)
    both = np.concatenate([real, fake])
    targets = np.concatenate([np.full(len(real), y), np.zeros(len(fake))])
    pooled = float(np.mean(targets * np.logaddexp(0, -both)
                           + (1 - targets) * np.logaddexp(0, both)))
    return [
        (-ref, "the sign is wrong: cross-entropy is -log of a probability, so the loss is "
               "positive (D maximises the log-likelihood, i.e. minimises its negative)."),
        (gans.discriminator_loss(real, fake, 1.0),
         "use real_label as the target of the real images: with 0.9 the real term is "
         "-[0.9 log D(x) + 0.1 log(1 - D(x))]."),
        (real_part + _keras_bce(1.0 - y, fake),
         "one-sided smoothing changes only the real images' target; the fakes keep target 0."),
        (gans.discriminator_loss(fake, real, y),
         "real and fake are swapped: D should say 1 (real_label) to the real images and 0 "
         "to the fakes."),
        (real_part, "add the fakes' term, -mean(log(1 - D(G(z)))): D is trained on both."),
        (fake_part, "add the real images' term, -mean(log D(x)): D is trained on both."),
        (pooled, "average each batch on its own and add the two means (as two Keras losses "
                 "would), rather than one mean over real and fake together."),
        (real_part * len(real) + fake_part * len(fake),
         "take the mean over each batch (np.mean), not the sum."),
        ((real_part + fake_part) / 2, "add the two means; do not average them."),
    ]


_D_DEFAULT = ("with D = sigmoid(logit): -mean(y log D(x) + (1 - y) log(1 - D(x))) over the "
              "real logits, plus -mean(log(1 - D(G(z)))) over the fake ones.")
_NOT_FINITE_D = ("your loss is inf or nan. With a logit of 40, 1 - sigmoid(40) rounds to 0 and "
                 "its log is -inf: compute the logs from the logits directly, "
                 "log D = -np.logaddexp(0, -z) and log(1 - D) = -np.logaddexp(0, z).")


def discriminator_loss(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(real_logits, fake_logits, real_label=1.0)``: the discriminator's loss.

    The expected value is Keras' ``BinaryCrossentropy(from_logits=True)`` with target
    ``real_label`` on the real logits plus the same with target 0 on the fake logits, as in
    ``gans.GAN.train_step``. Cases: D unsure (2 log 2), batches of different sizes,
    ``real_label=0.9``, and logits of +-40, where ``log(1 - sigmoid(z))`` computed naively
    is -inf. A wrong sign fails with a hint:

    >>> discriminator_loss(lambda r, f, real_label=1.0: -gans.discriminator_loss(r, f))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_discriminator_loss(real_logits=[0.], fake_logits=[0.]) is -1.3...
    Hint: the sign is wrong...
    """
    name = "my_discriminator_loss"
    cases = [(np.array(r), np.array(f), y) for r, f, y in
             _D_CASES + (_D_HIDDEN if hidden else [])]
    calls, results = [], []
    for real, fake, y in cases:
        args = f"real_logits={_text(real)}, fake_logits={_text(fake)}"
        call = f"{name}({args}{'' if y == 1.0 else f', real_label={y}'})"
        student_args = (real.copy(), fake.copy()) if y == 1.0 else (real.copy(), fake.copy(), y)
        calls.append(call)
        results.append(_number(call_student(student, student_args, name, call,
                                            "real_logits and fake_logits are numpy arrays of "
                                            "logits (any real number); real_label is a float."),
                               call))
    for i, ((real, fake, y), call, got) in enumerate(zip(cases, calls, results, strict=True)):
        expected = _keras_bce(y, real) + _keras_bce(0.0, fake)
        if not _close(got, expected):
            hint = _NOT_FINITE_D if not np.isfinite(got) else _diagnose(
                results, [_d_variants(r, f, lab) for r, f, lab in cases], i, _D_DEFAULT)
            _fail(f"{call} is {got:.6g}, expected {expected:.6g} (Keras' binary cross-entropy).",
                  hint)
    passed(name, f"{len(cases)} cases, equal to Keras' BinaryCrossentropy(from_logits=True)")


# ------------------------------------------------------------ exercise: generator loss

_G_CASES = [[0.0], [-3.0, -1.0, 2.0], [-5.0, -4.0, -6.0, -4.5], [1.0, 2.0], [-40.0, 40.0, 0.5]]
_G_HIDDEN = [[-0.7, 0.1, 3.3, -2.2, 0.0], [-60.0], [12.0, -12.0]]


def _g_variants(fake: np.ndarray) -> list[tuple[float, str]]:
    d = _sigmoid(fake)
    with np.errstate(divide="ignore"):
        saturating = float(np.mean(np.log1p(-d))) if np.all(d < 1) else -np.inf
    non_saturating = gans.generator_loss(fake)
    fake_term = _keras_bce(0.0, fake)
    return [
        (saturating, "that is the saturating loss mean(log(1 - D(G(z)))) of the minimax game. "
                     "Its gradient vanishes when D rejects the fakes (D(G(z)) near 0), early in "
                     "training: use the non-saturating -mean(log D(G(z))) instead."),
        (-non_saturating, "the sign is wrong: G minimises -mean(log D(G(z))), a positive "
                          "number that falls as D is fooled."),
        (fake_term, "that is the discriminator's loss on the fakes (target 0). The generator "
                    "wants D to say *real*: target 1, i.e. -mean(log D(G(z)))."),
        (non_saturating * len(fake), "take the mean over the batch, not the sum."),
    ]


_G_DEFAULT = "with D = sigmoid(logit): -mean(log D(G(z))), binary cross-entropy with target 1."
_NOT_FINITE_G = ("your loss is inf or nan: compute the log from the logit directly, "
                 "log D = -np.logaddexp(0, -z), rather than through 1 - sigmoid or the "
                 "sigmoid of a large logit.")


def generator_loss(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(fake_logits)``: the non-saturating generator loss -mean(log D(G(z))).

    Compared with Keras' ``BinaryCrossentropy(from_logits=True)`` with target 1 on the fake
    logits. The saturating loss of the minimax game, mean(log(1 - D(G(z)))), fails with a
    hint:

    >>> generator_loss(lambda f: float(np.mean(-np.logaddexp(0, f))))  # log(1 - D(G(z)))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_generator_loss(fake_logits=[0.]) is -0.6931...
    Hint: that is the saturating loss...
    """
    name = "my_generator_loss"
    cases = [np.array(fake) for fake in _G_CASES + (_G_HIDDEN if hidden else [])]
    calls = [f"{name}(fake_logits={_text(fake)})" for fake in cases]
    results = [_number(call_student(student, (fake.copy(),), name, call,
                                    "fake_logits is a numpy array of D's logits on "
                                    "generated images."),
                       call) for fake, call in zip(cases, calls, strict=True)]
    for i, (fake, call, got) in enumerate(zip(cases, calls, results, strict=True)):
        expected = _keras_bce(1.0, fake)
        if not _close(got, expected):
            hint = _NOT_FINITE_G if not np.isfinite(got) else _diagnose(
                results, [_g_variants(f) for f in cases], i, _G_DEFAULT)
            _fail(f"{call} is {got:.6g}, expected {expected:.6g} (Keras' binary cross-entropy "
                  "with target 1).", hint)
    passed(name, f"{len(cases)} cases: the non-saturating loss, equal to Keras'")


# ------------------------------------------------- exercise: the optimal discriminator


def _gauss(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


def _uniform(x: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.where((x >= low) & (x < high), 1.0 / (high - low), 0.0)


_GRID = np.linspace(-8.0, 8.0, 1601)
_DX = float(_GRID[1] - _GRID[0])


def _density_cases(hidden: bool) -> list[tuple[np.ndarray, np.ndarray, str]]:
    x = _GRID
    cases = [
        (_gauss(x, 0, 1), _gauss(x, 0, 1), "p_g = p_data (the generator has won)"),
        (_gauss(x, 0, 1), _gauss(x, 1.5, 1), "p_g shifted by 1.5"),
        (_gauss(x, 0, 1), _gauss(x, 0, 2), "p_g twice as wide"),
        (_uniform(x, -3, -1), _uniform(x, 1, 3), "no overlap at all"),
        (_uniform(x, -2, 1), _uniform(x, 0, 2), "uniform densities that overlap on [0, 1)"),
    ]
    if hidden:
        cases += [(_gauss(x, -1, 0.5), _gauss(x, 2, 1.5), "narrow p_data, wide p_g"),
                  (0.5 * _gauss(x, -2, 1) + 0.5 * _gauss(x, 2, 1), _gauss(x, 2, 1),
                   "p_g covers one of the two modes of p_data (mode collapse)"),
                  (_uniform(x, -4, 4), _uniform(x, -1, 1), "p_g inside p_data")]
    return cases


_D_STAR_CASES = [
    (np.array([1.0, 0.5, 0.2, 0.0]), np.array([0.0, 0.5, 0.6, 3.0]), "four points"),
    (np.array([[0.3, 0.1], [2.0, 0.7]]), np.array([[0.1, 0.3], [2.0, 0.1]]), "a 2-D array"),
]


def optimal_discriminator(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(p_data, p_g)``: D*(x) = p_data(x) / (p_data(x) + p_g(x)), pointwise.

    The densities are numpy arrays of the same shape with p_data + p_g > 0 everywhere.
    Swapping them fails with a hint:

    >>> optimal_discriminator(lambda p, q: q / (p + q))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_optimal_discriminator(four points) is [0. ...
    Hint: you swapped the densities...
    """
    name = "my_optimal_discriminator"
    cases = list(_D_STAR_CASES)
    for p, q, what in _density_cases(hidden):
        keep = (p + q) > 0  # D* is defined where at least one density is positive
        cases.append((p[keep], q[keep], f"two densities on a grid: {what}"))
    for p, q, what in cases:
        call = f"{name}({what})"
        got = call_student(student, (p.copy(), q.copy()), name, call,
                           "p_data and p_g are numpy arrays: the arithmetic works elementwise.")
        expected = gans.optimal_discriminator(p, q)
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` D*?", None)
        try:
            arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            arr = None
        hint = "D* says how likely x is to be real: p_data(x) / (p_data(x) + p_g(x))."
        if arr is not None and arr.shape == expected.shape:
            if np.allclose(arr, 1 - expected, atol=1e-9) and not np.allclose(expected, 0.5):
                hint = ("you swapped the densities: that is the probability of *fake*; D* is "
                        "the probability of real, p_data / (p_data + p_g).")
            elif np.allclose(arr, np.where(q > 0, p / np.where(q > 0, q, 1), np.inf)):
                hint = ("that is the ratio p_data / p_g, which is not a probability: divide by "
                        "the sum p_data + p_g.")
        expect_close(got, expected, call, hint=hint, rtol=1e-6, atol=1e-9)
    passed(name, f"{len(cases)} cases")


# ------------------------------------------------------------ exercise: the game's value


def _value_variants(p: np.ndarray, q: np.ndarray, dx: float) -> list[tuple[float, str]]:
    ref = gans.game_value(p, q, dx)
    d = gans.optimal_discriminator(p + 1e-300, q)  # no 0/0 where both densities vanish
    with np.errstate(divide="ignore", invalid="ignore"):
        real_only = float(np.sum(np.where(p > 0, p * np.log(np.where(p > 0, d, 1)), 0)) * dx)
        fake_only = ref - real_only
    return [
        (-ref, "the sign is wrong: both logs are of probabilities, so V(D*, G) <= 0; it is "
               "-log 4 = -1.386 when p_g = p_data."),
        (ref / dx, "multiply the sum by dx: the integral is approximated by "
                   "sum(f(x_i)) * dx on a grid of spacing dx."),
        (real_only, "add the generator's term, p_g(x) log(1 - D*(x))."),
        (fake_only, "add the data's term, p_data(x) log D*(x)."),
        (ref + math.log(4), "that is V + log 4 = 2 JSD: the value itself is -log 4 + 2 JSD."),
    ]


_V_DEFAULT = ("V(D*, G) = sum over the grid of [p_data log D* + p_g log(1 - D*)] * dx, with "
              "D* = p_data / (p_data + p_g).")
_NOT_FINITE_V = ("your value is nan or -inf: where a density is 0, its term is 0 (the limit of "
                 "p log p), but numpy computes 0 * log(0) = nan. Skip those terms: np.nansum "
                 "adds up an array without its nans (or mask them with np.where(p_data > 0, "
                 "..., 0.0), and the same for p_g).")


def game_value(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(p_data, p_g, dx)``: V(D*, G) on a grid of spacing ``dx``.

    Densities on a grid of 1,601 points from -8 to 8: equal Gaussians (the value is
    -log 4), shifted and wider Gaussians, uniform densities that do not overlap (the value
    is 0: log 4 above the minimum, the Jensen-Shannon divergence at its largest) and that
    overlap in part, where terms with a zero density must count as 0. Forgetting ``dx``
    fails with a hint:

    >>> game_value(lambda p, q, dx: gans.game_value(p, q, 1.0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_game_value(p_g = p_data (the generator has won)) is -138.6...
    Hint: multiply the sum by dx...
    """
    name = "my_game_value"
    cases = _density_cases(hidden)
    calls = [f"{name}({what})" for _, _, what in cases]
    results = [_number(call_student(student, (p.copy(), q.copy(), _DX), name, call,
                                    "p_data and p_g are arrays of density values on the "
                                    "grid, dx its spacing (a float)."), call)
               for (p, q, _), call in zip(cases, calls, strict=True)]
    for i, ((p, q, _), call, got) in enumerate(zip(cases, calls, results, strict=True)):
        expected = gans.game_value(p, q, _DX)
        if not _close(got, expected):
            hint = _NOT_FINITE_V if not np.isfinite(got) else _diagnose(
                results, [_value_variants(pp, qq, _DX) for pp, qq, _ in cases], i, _V_DEFAULT)
            _fail(f"{call} is {got:.6g}, expected {expected:.6g}.", hint)
    passed(name, f"{len(cases)} pairs of densities; -log 4 = {-math.log(4):.4f} at p_g = p_data")


# ----------------------------------------------------------- exercise: build a generator

# Enough capacity to draw clothes, few enough weights to train in a minute on a CPU.
PARAMS_RANGE = (10_000, 2_000_000)


def generator_spec(build: Callable, *, hidden: bool = False) -> None:
    """Check ``build(latent_dim)``: a generator of 28x28x1 images in [-1, 1].

    The model must map ``(None, latent_dim)`` to ``(None, 28, 28, 1)``; upsample with at
    least one ``Conv2DTranspose`` of stride 2; end in ``tanh`` (outputs within [-1, 1] and
    reaching both signs for large latent vectors: a sigmoid gives 0..1, which is not
    the range of the real images); give different images for different z; and have
    between 10,000 and 2,000,000 parameters. ``hidden=True`` also tries ``latent_dim=16``
    and wants a new model on every call.

    >>> import keras
    >>> generator_spec(lambda d: keras.Sequential([keras.Input((d,)),
    ...     keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28, 1))]))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: The generator has no Conv2DTranspose layer...
    """
    import keras

    name = "build_my_generator"
    built = []
    for latent_dim in ([64, 16] if hidden else [64]):
        call = f"{name}(latent_dim={latent_dim})"
        model = call_student(build, (latent_dim,), name, call,
                             "start with keras.Input(shape=(latent_dim,)), then a Dense layer to "
                             "7 * 7 * filters values, a Reshape to (7, 7, filters), and "
                             "Conv2DTranspose layers.")
        if model is None:
            _fail(f"{call} returned None: did you forget to `return` the model?", None)
        if not isinstance(model, keras.Model):
            _fail(f"{call} returned {_short(model)}, expected a keras.Model.",
                  "return the model itself (keras.Sequential([...])).")
        if any(model is other for other in built):
            _fail(f"{call} returned the same model object twice.",
                  "build a new model inside the function on every call.")
        built.append(model)
        z_rng = hidden_rng(latent_dim) if hidden else np.random.default_rng(latent_dim)
        z = z_rng.normal(size=(8, latent_dim)).astype("float32")
        try:
            images = keras.ops.convert_to_numpy(model(z, training=False))
        except Exception as exc:
            _fail(f"model(z) with z of shape {z.shape} raised {type(exc).__name__}: {exc}",
                  f"the model's input must be keras.Input(shape=({latent_dim},)): it takes "
                  "latent_dim numbers per example.", cause=exc)
        if images.shape != (8, 28, 28, 1):
            hint = ("the last layer should be Conv2DTranspose(1, ...): one channel, grey "
                    "images; two stride-2 layers take 7x7 to 28x28.")
            if images.ndim == 4 and images.shape[1:3] != (28, 28):
                hint = ("each Conv2DTranspose with strides=2 and padding='same' doubles the "
                        "height and width: from 7x7, two of them give 28x28.")
            _fail(f"For 8 latent vectors the model returned shape {images.shape}, expected "
                  "(8, 28, 28, 1).", hint)
        if not any(isinstance(layer, keras.layers.Conv2DTranspose)
                   and max(layer.strides) >= 2 for layer in gans.all_layers(model)):
            _fail("The generator has no Conv2DTranspose layer with strides=2: it does not "
                  "upsample the way a DCGAN does.",
                  "go from a small map (7x7) to 28x28 with "
                  "layers.Conv2DTranspose(filters, 4, strides=2, padding='same').")
        params = model.count_params()
        low, high = PARAMS_RANGE
        if not low <= params <= high:
            _fail(f"The generator has {params:,} parameters, expected between {low:,} and "
                  f"{high:,}.",
                  "too few cannot draw clothes; too many will not train in a minute on a "
                  "CPU. 7 * 7 * 64 maps from the Dense layer, then 32 filters, is a good size.")
        # Large latent vectors drive the last layer into its saturated range, which tells
        # tanh (-1..1), sigmoid (0..1) and no activation at all (unbounded) apart.
        big = keras.ops.convert_to_numpy(model(100.0 * z, training=False))
        low_out, high_out = float(np.min(big)), float(np.max(big))
        if not np.all(np.isfinite(big)):
            _fail("The generator's output contains nan or inf for large latent vectors.", None)
        if low_out < -1.0 - 1e-6 or high_out > 1.0 + 1e-6:
            _fail(f"The generator's outputs reach {low_out:.3g} .. {high_out:.3g}, outside "
                  "[-1, 1].",
                  "end with activation='tanh': the real images are scaled to [-1, 1].")
        if low_out >= 0.0:
            _fail(f"The generator's outputs are never negative (from {low_out:.3g} to "
                  f"{high_out:.3g}): it looks like a sigmoid or a ReLU at the end.",
                  "the real images are scaled to [-1, 1], so the generator must reach -1 "
                  "too: end with activation='tanh', not 'sigmoid'.")
        if high_out <= 0.0:
            _fail(f"The generator's outputs are never positive (up to {high_out:.3g}).",
                  "end with activation='tanh', which reaches both -1 and 1.")
        if float(np.max(np.abs(images[0] - images[1]))) < 1e-6:
            _fail("The generator gives the same image for two different latent vectors.",
                  "the output must depend on z: build every layer on the previous one, "
                  "starting from the input.")
    passed(name, f"{params:,} parameters, 28x28x1 in [-1, 1] through Conv2DTranspose")
