"""helpers.heatmaps: occlusion maps find what a model looks at, saliency maps are gradients."""

from __future__ import annotations

import itertools
import math

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

from helpers import heatmaps
from helpers.heatmaps import (
    class_activation_map,
    grad_cam,
    occlude,
    occlusion_map,
    overlay,
    patch_positions,
    saliency_map,
    upsample,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class Recorder:
    """A 'model' that looks only at one square of the image, and remembers its batches.

    P(class 1) is a sigmoid of the mean of the square, P(class 0) the rest.
    """

    def __init__(self, top: int, left: int, size: int, threshold: float = 0.3) -> None:
        self.box = (slice(top, top + size), slice(left, left + size))
        self.threshold = threshold
        self.batches: list[np.ndarray] = []

    def __call__(self, batch):
        batch = np.asarray(batch)
        self.batches.append(batch.copy())
        mean = batch[:, self.box[0], self.box[1]].reshape(len(batch), -1).mean(axis=1)
        p = 1.0 / (1.0 + np.exp(-10.0 * (mean - self.threshold)))
        return np.stack([1.0 - p, p], axis=1)


def softmax_model(shape, classes: int, seed: int = 0):
    """A linear softmax classifier over the flattened image: every pixel matters."""
    size = int(np.prod(shape))
    # Logits of order 1: a saturated softmax would make every drop ~0.
    weights = np.random.default_rng(seed).normal(0.0, 3.0 / np.sqrt(size), size=(size, classes))

    def predict(batch):
        logits = np.asarray(batch, dtype=float).reshape(len(batch), -1) @ weights
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return predict


def loop_map(predict, image, class_index, patch, stride, baseline=0.0):
    """The definition, written out with loops: the average drop of the covering patches."""
    image = np.asarray(image, dtype=float)
    height, width = image.shape[:2]
    p = predict(image[None])[0, class_index]
    total, count = np.zeros((height, width)), np.zeros((height, width))
    rows = sorted(set(range(0, height - patch + 1, stride)) | {height - patch})
    cols = sorted(set(range(0, width - patch + 1, stride)) | {width - patch})
    for top, left in itertools.product(rows, cols):
        covered = image.copy()
        covered[top:top + patch, left:left + patch] = baseline
        total[top:top + patch, left:left + patch] += p - predict(covered[None])[0, class_index]
        count[top:top + patch, left:left + patch] += 1
    return total / count


# ------------------------------------------------------------------------ patch positions


@pytest.mark.parametrize("length, patch, stride", [(10, 4, 3), (11, 4, 3), (28, 8, 4),
                                                   (25, 8, 4), (5, 5, 1), (7, 1, 1),
                                                   (224, 32, 16), (13, 6, 6)])
def test_patch_positions_cover_every_pixel_with_ceil_plus_one_starts(length, patch, stride):
    starts = patch_positions(length, patch, stride)
    assert len(starts) == math.ceil((length - patch) / stride) + 1
    assert starts[0] == 0 and starts[-1] == length - patch
    assert np.all(np.diff(starts) > 0) and np.all(np.diff(starts) <= stride)
    covered = np.zeros(length, bool)
    for start in starts:
        covered[start:start + patch] = True
    assert covered.all()


def test_patch_positions_add_a_flush_start_only_when_needed():
    np.testing.assert_array_equal(patch_positions(10, 4, 3), [0, 3, 6])
    np.testing.assert_array_equal(patch_positions(11, 4, 3), [0, 3, 6, 7])


# --------------------------------------------------------------------------------- occlude


def test_occlude_covers_the_square_in_a_copy():
    image = np.arange(20.0).reshape(4, 5)
    before = image.copy()
    out = occlude(image, top=1, left=3, patch=2, baseline=-1.0)
    np.testing.assert_array_equal(image, before)
    expected = before.copy()
    expected[1:3, 3:5] = -1.0
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float32


def test_occlude_covers_every_channel_with_a_per_channel_baseline():
    image = np.ones((4, 4, 3))
    out = occlude(image, 0, 0, 2, baseline=[0.1, 0.2, 0.3])
    np.testing.assert_allclose(out[:2, :2], np.broadcast_to([0.1, 0.2, 0.3], (2, 2, 3)))
    np.testing.assert_array_equal(out[2:], 1.0)


def test_occlude_takes_a_whole_baseline_image():
    image, blurred = np.ones((4, 4)), np.full((4, 4), 7.0)
    blurred[0, 0] = 5.0
    out = occlude(image, 0, 0, 2, baseline=blurred)
    np.testing.assert_array_equal(out[:2, :2], [[5.0, 7.0], [7.0, 7.0]])


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: occlude(np.ones((4, 4)), 3, 0, 2), ValueError, "top=3 puts the 2-pixel patch outside"),
    (lambda: occlude(np.ones((4, 4)), 0, -1, 2), ValueError, "left=-1"),
    (lambda: occlude(np.ones((4, 4)), 0, 1.5, 2), TypeError, "left must be an int"),
    (lambda: occlude(np.ones((4, 4)), 0, 0, 0), ValueError, "patch must be an int of at least 1"),
    (lambda: occlude(np.ones(4), 0, 0, 1), ValueError, "(height, width)"),
    (lambda: occlude(np.ones((4, 4)), 0, 0, 2, baseline=[1.0, 2.0, 3.0]), ValueError,
     "does not broadcast"),
])
def test_occlude_bad_input(call, error, phrase):
    with pytest.raises(error) as info:
        call()
    assert phrase in str(info.value)


# ---------------------------------------------------------------------------- occlusion map


def test_the_map_peaks_on_the_only_patch_the_model_looks_at():
    image = np.full((24, 30), 0.8)
    model = Recorder(top=10, left=17, size=4)
    heatmap = occlusion_map(model, image, 1, patch=4, stride=2, progress=False)
    peak = np.unravel_index(np.argmax(heatmap), heatmap.shape)
    assert 10 <= peak[0] < 14 and 17 <= peak[1] < 21
    # Patches that cannot reach the square change nothing: the map is 0 there.
    far = np.ones(heatmap.shape, bool)
    far[10 - 4 + 1:14 + 4 - 1, 17 - 4 + 1:21 + 4 - 1] = False
    np.testing.assert_allclose(heatmap[far], 0.0, atol=1e-12)
    assert heatmap[10:14, 17:21].min() > 0.1


@pytest.mark.parametrize("shape", [(9, 13), (12, 12, 3), (10, 7, 1)])
def test_the_map_has_the_images_height_and_width(shape):
    image = np.random.default_rng(0).uniform(size=shape)
    heatmap = occlusion_map(softmax_model(shape, 4), image, 2, patch=3, stride=2, progress=False)
    assert heatmap.shape == shape[:2]
    assert heatmap.dtype == np.float64


@pytest.mark.parametrize("shape, patch, stride, baseline", [
    ((10, 11), 4, 3, 0.0), ((8, 8), 3, 1, 0.5), ((7, 9, 3), 3, 2, [0.2, 0.4, 0.6]),
    ((6, 6), 2, 2, -1.0), ((5, 5), 5, 1, 0.0), ((12, 5), 5, 4, 0.3)])
def test_the_map_is_the_average_drop_of_the_covering_patches(shape, patch, stride, baseline):
    image = np.random.default_rng(1).uniform(size=shape).astype("float32")
    predict = softmax_model(shape, 3, seed=2)
    expected = loop_map(predict, image, 1, patch, stride, np.asarray(baseline, "float32"))
    got = occlusion_map(predict, image, 1, patch, stride, baseline, progress=False)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-9)


def test_batching_gives_the_same_map_as_one_image_at_a_time():
    image = np.random.default_rng(2).uniform(size=(15, 13, 2))
    predict = softmax_model(image.shape, 5, seed=3)
    one = occlusion_map(predict, image, 4, patch=5, stride=3, batch_size=1, progress=False)
    for batch_size in (2, 7, 64, 1000):
        np.testing.assert_allclose(
            occlusion_map(predict, image, 4, patch=5, stride=3, batch_size=batch_size,
                          progress=False), one, rtol=1e-12, atol=1e-15)


def test_batches_hold_the_covered_copies_and_respect_batch_size():
    image = np.random.default_rng(3).uniform(0.5, 1.0, size=(10, 11))
    model = Recorder(0, 0, 2)
    occlusion_map(model, image, 1, patch=4, stride=3, baseline=-7.0, batch_size=5,
                  progress=False)
    first, *covered = model.batches
    assert first.shape == (1, 10, 11) and first.dtype == np.float32
    np.testing.assert_allclose(first[0], image, rtol=1e-6)
    assert all(len(b) <= 5 for b in covered)
    copies = np.concatenate(covered)
    # One copy per patch position (3 rows x 4 columns), the image itself once more.
    assert len(copies) == 3 * 4 and sum(len(b) for b in model.batches) == 13
    for copy, (top, left) in zip(copies, itertools.product([0, 3, 6], [0, 3, 6, 7]),
                                 strict=True):
        mask = np.zeros((10, 11), bool)
        mask[top:top + 4, left:left + 4] = True
        np.testing.assert_array_equal(copy[mask], -7.0)
        np.testing.assert_allclose(copy[~mask], image[~mask], rtol=1e-6)


def test_a_baseline_equal_to_the_image_removes_nothing():
    image = np.random.default_rng(4).uniform(size=(8, 8, 3))
    heatmap = occlusion_map(softmax_model(image.shape, 3), image, 0, patch=3, stride=1,
                            baseline=image, progress=False)
    np.testing.assert_allclose(heatmap, 0.0, atol=1e-7)


def test_the_baseline_decides_what_removing_means():
    # The model wants the square bright: covering it with black hurts, with white helps.
    image = np.full((12, 12), 0.5)
    model = Recorder(4, 4, 4)
    black = occlusion_map(model, image, 1, patch=4, stride=4, baseline=0.0, progress=False)
    white = occlusion_map(model, image, 1, patch=4, stride=4, baseline=1.0, progress=False)
    assert black[4:8, 4:8].min() > 0.1 and white[4:8, 4:8].max() < -0.01
    same = occlusion_map(model, image, 1, patch=4, stride=4, baseline=0.5, progress=False)
    np.testing.assert_allclose(same, 0.0, atol=1e-12)


def test_a_keras_model_works_as_predict():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3),
                              keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
    image = np.random.default_rng(5).uniform(size=(8, 8, 1)).astype("float32")
    got = occlusion_map(model, image, 2, patch=3, stride=2, progress=False)
    expected = occlusion_map(lambda b: model.predict(b, verbose=0), image, 2, patch=3, stride=2,
                             progress=False)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_progress_bar_can_be_turned_off(capsys):
    image, predict = np.ones((6, 6)), softmax_model((6, 6), 2)
    occlusion_map(predict, image, 0, patch=2, stride=2, progress=False)
    assert capsys.readouterr().err == ""
    occlusion_map(predict, image, 0, patch=2, stride=2)
    assert "occlusion" in capsys.readouterr().err


@pytest.mark.parametrize("call, error, phrase", [
    (lambda p: occlusion_map(p, np.ones(10), 0), ValueError,
     "image must have shape (height, width) or (height, width, channels), got shape (10,)"),
    (lambda p: occlusion_map(p, np.ones((1, 10, 10, 1)), 0), ValueError, "not a batch"),
    (lambda p: occlusion_map(p, np.ones((0, 10)), 0), ValueError, "image is empty"),
    (lambda p: occlusion_map(p, np.array([["a"] * 10] * 10), 0), TypeError,
     "image must hold numbers"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 0, patch=0), ValueError,
     "patch must be an int of at least 1, got 0"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 0, patch=2.5), ValueError, "patch must be"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 0, patch=True), ValueError, "patch must be"),
    (lambda p: occlusion_map(p, np.ones((10, 12)), 0, patch=11), ValueError,
     "patch=11 is larger than the image (10x12 pixels)"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 0, patch=4, stride=-2), ValueError,
     "stride must be an int of at least 1"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 0, patch=4, stride=5), ValueError,
     "stride=5 is larger than patch=4"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 3), ValueError,
     "class_index=3 is out of range: the model gives 3 class probabilities"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), -1), ValueError, "between 0 and 2"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 1.0), TypeError, "class_index must be an int"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 0, batch_size=0), ValueError, "batch_size"),
    (lambda p: occlusion_map(p, np.ones((10, 10)), 0, baseline=np.ones(3)), ValueError,
     "baseline of shape (3,) does not broadcast to the image's shape (10, 10)"),
    (lambda p: occlusion_map("model", np.ones((10, 10)), 0), TypeError,
     "predict must be a function"),
    (lambda p: occlusion_map(lambda b: np.ones(len(b)), np.ones((10, 10)), 0), ValueError,
     "predict must return one row of class probabilities per image"),
    (lambda p: occlusion_map(lambda b: np.ones((1, 2)), np.ones((10, 10)), 0, progress=False),
     ValueError, "shape (4, classes) for 4 images; got shape (1, 2)"),
    (lambda p: occlusion_map(lambda b: "cat", np.ones((10, 10)), 0), TypeError,
     "predict must return an array of class probabilities"),
])
def test_bad_input_raises_an_error_that_names_the_problem(call, error, phrase):
    with pytest.raises(error) as info:
        call(softmax_model((10, 10), 3))
    assert phrase in str(info.value)


# ----------------------------------------------------------------------------- saliency map


def linear_keras_model(shape, classes: int, weights: np.ndarray):
    model = keras.Sequential([keras.Input(shape), keras.layers.Flatten(),
                              keras.layers.Dense(classes)])
    model.layers[-1].set_weights([weights, np.zeros(classes, "float32")])
    return model


def test_saliency_of_a_linear_model_is_its_weights():
    weights = np.random.default_rng(6).normal(size=(6 * 5, 3)).astype("float32")
    model = linear_keras_model((6, 5, 1), 3, weights)
    image = np.random.default_rng(7).uniform(size=(6, 5, 1))
    for k in range(3):
        np.testing.assert_allclose(saliency_map(model, image, k),
                                   np.abs(weights[:, k]).reshape(6, 5), rtol=1e-6)


def test_saliency_with_channels_keeps_the_largest_channel():
    weights = np.random.default_rng(8).normal(size=(4 * 4 * 3, 2)).astype("float32")
    model = linear_keras_model((4, 4, 3), 2, weights)
    got = saliency_map(model, np.zeros((4, 4, 3)), 1)
    np.testing.assert_allclose(got, np.abs(weights[:, 1]).reshape(4, 4, 3).max(axis=-1),
                               rtol=1e-6)
    assert got.shape == (4, 4)


def test_saliency_of_a_softmax_cnn_matches_finite_differences():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5, 5, 1)), keras.layers.Conv2D(3, 3, activation="tanh"),
                              keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
    image = np.random.default_rng(9).uniform(size=(5, 5, 1))
    got = saliency_map(model, image, 1)
    eps = 1e-3
    steps = np.eye(25).reshape(25, 5, 5, 1) * eps  # one pixel nudged per image
    up = np.asarray(model(image[None] + steps))[:, 1]
    down = np.asarray(model(image[None] - steps))[:, 1]
    numeric = (np.abs(up - down) / (2 * eps)).reshape(5, 5)
    np.testing.assert_allclose(got, numeric, rtol=0.02, atol=1e-4)


def test_saliency_bad_input():
    model = linear_keras_model((3, 3, 1), 2, np.ones((9, 2), "float32"))
    with pytest.raises(ValueError, match="class_index=2 is out of range"):
        saliency_map(model, np.zeros((3, 3, 1)), 2)
    with pytest.raises(ValueError, match=r"image must have shape"):
        saliency_map(model, np.zeros((1, 3, 3, 1)), 0)
    with pytest.raises(ValueError, match="no gradient"):
        saliency_map(lambda x: tf.constant(np.ones((1, 2), "float32")), np.zeros((3, 3)), 0)
    with pytest.raises(ValueError, match=r"shape \(1, classes\)"):
        saliency_map(lambda x: tf.reduce_sum(x, axis=(1, 2)), np.zeros((3, 3)), 0)
    with pytest.raises(TypeError, match="model must be"):
        saliency_map(None, np.zeros((3, 3)), 0)


# --------------------------------------------------------------------------------- overlay


def test_overlay_draws_a_labelled_heatmap_over_the_image():
    ax = overlay(np.zeros((6, 8)), np.linspace(-1, 1, 48).reshape(6, 8), title="a map")
    assert ax.get_title() == "a map" and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.images) == 2 and len(ax.figure.axes) == 2  # image, heatmap, colour bar
    colours = ax.images[1].get_array()
    assert colours.shape == (6, 8, 4)
    # Transparent where the map is 0, most opaque at its extremes.
    assert colours[..., 3].max() == pytest.approx(0.85)
    assert colours[..., 3].min() < 0.05


def test_overlay_takes_rgb_uint8_images_and_coarse_maps():
    ax = overlay(np.full((20, 30, 3), 200, np.uint8), np.ones((4, 6)), colorbar=False,
                 symmetric=False, cmap="magma")
    assert ax.images[0].get_array().max() <= 1.0
    assert ax.images[1].get_extent() == ax.images[0].get_extent()


def test_overlay_limit_saturates_the_colours():
    values = np.zeros((4, 4))
    values[0, 0], values[1, 1] = 100.0, 1.0
    ax = overlay(np.zeros((4, 4)), values, limit=1.0, colorbar=False)
    alpha = ax.images[1].get_array()[..., 3]
    assert alpha[0, 0] == alpha[1, 1] == pytest.approx(0.85)
    with pytest.raises(ValueError, match="limit must be a positive number"):
        overlay(np.zeros((4, 4)), values, limit=0.0)


@pytest.mark.parametrize("image, heatmap, phrase", [
    (np.zeros((4, 4, 2)), np.zeros((4, 4)), "image must have shape"),
    (np.zeros((4, 4)), np.zeros(4), "heatmap must be 2-D"),
    (np.zeros((4, 4)), np.full((4, 4), np.nan), "nan or inf"),
])
def test_overlay_bad_input(image, heatmap, phrase):
    with pytest.raises(ValueError, match=phrase):
        overlay(image, heatmap)


def test_module_exports():
    assert set(heatmaps.__all__) == {"patch_positions", "occlude", "occlusion_map",
                                     "saliency_map", "upsample", "class_activation_map",
                                     "grad_cam", "overlay"}


# ------------------------------------------------------------------- upsample, CAM, Grad-CAM


@pytest.mark.parametrize("shape, size", [((9, 9), (50, 50)), ((3, 5), (12, 7)), ((4, 4), (4, 4)),
                                         ((1, 2), (1, 4)), ((6, 6), (3, 3))])
def test_upsample_is_keras_bilinear_resize(shape, size):
    heatmap = np.random.default_rng(0).normal(size=shape)
    keras_resized = keras.ops.image.resize(heatmap[None, ..., None].astype("float32"), size,
                                           interpolation="bilinear", antialias=False)
    got = upsample(heatmap, size)
    assert got.shape == size
    np.testing.assert_allclose(got, np.asarray(keras_resized)[0, ..., 0], atol=1e-5)


def test_upsample_keeps_a_constant_map_and_the_range():
    np.testing.assert_allclose(upsample(np.full((3, 3), 2.5), (10, 11)), 2.5)
    values = np.random.default_rng(1).uniform(size=(5, 5))
    got = upsample(values, (20, 20))
    assert values.min() - 1e-12 <= got.min() and got.max() <= values.max() + 1e-12


@pytest.mark.parametrize("heatmap, size, phrase", [
    (np.zeros((3, 3, 1)), (6, 6), "drop the channel axis"),
    (np.zeros(3), (6, 6), "must be 2-D"),
    (np.zeros((3, 3)), 6, "size must be"),
    (np.zeros((3, 3)), (6, 0), "size must be"),
    (np.zeros((3, 3)), (6.0, 6), "size must be"),
])
def test_upsample_bad_input(heatmap, size, phrase):
    with pytest.raises(ValueError, match=phrase):
        upsample(heatmap, size)


def test_cam_is_the_weighted_sum_of_the_feature_maps():
    rng = np.random.default_rng(0)
    features, weights = rng.uniform(size=(4, 5, 3)), rng.normal(size=(3, 2))
    loops = sum(weights[k, 1] * features[:, :, k] for k in range(3))
    np.testing.assert_allclose(class_activation_map(features, weights, 1), loops, atol=1e-6)
    np.testing.assert_allclose(class_activation_map(features, weights, 1, (8, 10)),
                               upsample(loops, (8, 10)), atol=1e-6)


def test_cam_mean_plus_bias_is_the_logit_of_a_gap_network():
    keras.utils.set_random_seed(1)
    net = gap_network((6, 6, 1), classes=3)
    image = np.random.default_rng(2).uniform(size=(6, 6, 1)).astype("float32")
    features = np.asarray(keras.Model(net.inputs[0],
                                      net.get_layer("last_conv").output)(image[None]))
    dense = net.get_layer("logits")
    logits = np.asarray(net(image[None]))[0]
    for k in range(3):
        cam = class_activation_map(features[0], dense.kernel, k)
        assert cam.mean() + float(dense.bias.numpy()[k]) == pytest.approx(logits[k], abs=1e-5)


@pytest.mark.parametrize("features, weights, class_index, error, phrase", [
    (np.zeros((3, 3)), np.zeros((1, 2)), 0, ValueError, "height, width, channels"),
    (np.zeros((3, 3, 4)), np.zeros((2, 4)), 0, ValueError, "transpose it"),
    (np.zeros((3, 3, 4)), np.zeros(4), 0, ValueError, "channels, classes"),
    (np.zeros((3, 3, 4)), np.zeros((4, 2)), 2, ValueError, "out of range"),
    (np.zeros((3, 3, 4)), np.zeros((4, 2)), 1.0, TypeError, "must be an int"),
    (np.zeros((3, 3, 4)), [["a"] * 2] * 4, 0, TypeError, "array of numbers"),
    (np.array([["a"]]), np.zeros((1, 2)), 0, TypeError, "must hold numbers"),
])
def test_cam_bad_input(features, weights, class_index, error, phrase):
    with pytest.raises(error, match=phrase):
        class_activation_map(features, weights, class_index)


def gap_network(shape, classes, *, softmax=False, pooling=None):
    """conv -> global pooling -> dense, the architecture CAM was made for."""
    pooling = pooling or keras.layers.GlobalAveragePooling2D()
    inputs = keras.Input(shape)
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.Conv2D(5, 3, activation="relu", name="last_conv")(x)
    logits = keras.layers.Dense(classes, name="logits")(pooling(x))
    outputs = keras.layers.Softmax()(logits) if softmax else logits
    return keras.Model(inputs, outputs)


def _features_and_kernel(net, image, layer="last_conv"):
    features = keras.Model(net.inputs[0], net.get_layer(layer).output)(image[None])
    return np.asarray(features)[0], net.get_layer("logits").kernel.numpy()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grad_cam_of_a_logit_equals_cam_for_gap_and_dense(seed):
    # From scratch (numpy CAM) against the framework (gradients from tf.GradientTape).
    keras.utils.set_random_seed(seed)
    net = gap_network((8, 9, 2), classes=3)
    image = np.random.default_rng(seed).uniform(size=(8, 9, 2)).astype("float32")
    features, kernel = _features_and_kernel(net, image)
    positions = features.shape[0] * features.shape[1]
    for k in range(3):
        cam = class_activation_map(features, kernel, k)
        got = grad_cam(net, image, k, relu=False, upsample_to_image=False)
        np.testing.assert_allclose(got * positions, cam, atol=1e-5)
        # With the ReLU and stretched to the image: the positive part of the CAM, rescaled.
        np.testing.assert_allclose(grad_cam(net, image, k) * positions,
                                   upsample(np.maximum(cam, 0.0), (8, 9)), atol=1e-5)


def test_grad_cam_of_a_softmax_probability_mixes_in_the_other_classes():
    # d p_c / d z_j = p_c (delta_cj - p_j): the weights become p_c (w_c - sum_j p_j w_j) / hw,
    # for two classes p_0 p_1 (w_1 - w_0) / hw; still a CAM, of other weights.
    keras.utils.set_random_seed(3)
    net = gap_network((7, 7, 1), classes=3, softmax=True)
    image = np.random.default_rng(3).uniform(size=(7, 7, 1)).astype("float32")
    features, kernel = _features_and_kernel(net, image)
    p = np.asarray(net(image[None]))[0]
    positions = features.shape[0] * features.shape[1]
    for c in range(3):
        mixed = p[c] * (kernel[:, c] - kernel @ p)
        expected = features @ mixed / positions
        np.testing.assert_allclose(grad_cam(net, image, c, relu=False, upsample_to_image=False),
                                   expected, atol=1e-6)


def test_grad_cam_through_global_max_pooling_is_also_a_cam():
    # The gradient of a max is 1 at the largest position: its spatial mean is 1/hw, as for GAP.
    keras.utils.set_random_seed(4)
    net = gap_network((9, 9, 1), classes=2, pooling=keras.layers.GlobalMaxPooling2D())
    image = np.random.default_rng(4).uniform(size=(9, 9, 1)).astype("float32")
    features, kernel = _features_and_kernel(net, image)
    got = grad_cam(net, image, 0, relu=False, upsample_to_image=False)
    np.testing.assert_allclose(got * 25, class_activation_map(features, kernel, 0), atol=1e-5)


def test_grad_cam_works_on_a_sequential_model_and_an_earlier_layer():
    keras.utils.set_random_seed(5)
    net = keras.Sequential([keras.Input((10, 10, 1)),
                            keras.layers.Conv2D(3, 3, activation="relu", name="first"),
                            keras.layers.MaxPooling2D(2),
                            keras.layers.Conv2D(4, 3, activation="relu"),
                            keras.layers.GlobalMaxPooling2D(),
                            keras.layers.Dense(2, activation="softmax")])
    image = np.random.default_rng(5).uniform(size=(10, 10, 1))
    last = grad_cam(net, image, 1, upsample_to_image=False)
    assert last.shape == (2, 2) and np.all(last >= 0)
    assert grad_cam(net, image, 1).shape == (10, 10)
    first = grad_cam(net, image, 1, layer="first", upsample_to_image=False)
    assert first.shape == (8, 8)
    same = grad_cam(net, image, 1, layer=net.get_layer("first"), upsample_to_image=False)
    np.testing.assert_allclose(first, same)


def test_grad_cam_of_a_frozen_model_still_has_gradients():
    keras.utils.set_random_seed(6)
    net = gap_network((6, 6, 1), classes=2)
    net.trainable = False
    image = np.random.default_rng(6).uniform(size=(6, 6, 1))
    assert np.abs(grad_cam(net, image, 0, relu=False, upsample_to_image=False)).sum() > 0


def test_grad_cam_bad_input():
    keras.utils.set_random_seed(7)
    net = gap_network((6, 6, 1), classes=2)
    image = np.zeros((6, 6, 1))
    with pytest.raises(TypeError, match="must be a Keras model"):
        grad_cam(lambda x: x, image, 0)
    with pytest.raises(ValueError, match="has no layer 'conv9'; its layers"):
        grad_cam(net, image, 0, layer="conv9")
    with pytest.raises(ValueError, match="choose a conv layer"):
        grad_cam(net, image, 0, layer="logits")
    with pytest.raises(TypeError, match="layer must be"):
        grad_cam(net, image, 0, layer=3)
    with pytest.raises(ValueError, match="out of range"):
        grad_cam(net, image, 2)
    with pytest.raises(ValueError, match="one image, not a batch"):
        grad_cam(net, image[None], 0)
    dense_only = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no layer with a 4-D output"):
        grad_cam(dense_only, np.zeros((4, 1)), 0)
