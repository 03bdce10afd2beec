"""helpers.gans: pixel ranges, the DCGAN, its train_step, the losses and theory in numpy,
the judge and its scores, tiling, interpolation, and the pix2pix networks and their cost."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

from helpers import gans
from helpers.data import Dataset

# -------------------------------------------------------------------------- pixel ranges


def test_pixel_ranges_round_trip_and_shapes():
    pixels = np.arange(256, dtype="uint8").reshape(1, 16, 16)
    scaled = gans.to_tanh_range(pixels)
    assert scaled.shape == (1, 16, 16, 1) and scaled.dtype == np.float32
    assert scaled.min() == -1.0 and scaled.max() == 1.0
    np.testing.assert_allclose(gans.to_pixels(scaled)[..., 0], pixels, atol=1e-4)
    assert gans.to_tanh_range(pixels[..., None]).shape == (1, 16, 16, 1)
    np.testing.assert_array_equal(gans.to_pixels([-5.0, 5.0]), [0.0, 255.0])  # clipped
    with pytest.raises(ValueError, match="shape"):
        gans.to_tanh_range(np.zeros((2, 4, 4, 3)))


# ---------------------------------------------------------------------- the two networks


def test_generator_and_discriminator_shapes_and_ranges():
    g = gans.build_generator()
    d = gans.build_discriminator()
    assert g.input_shape == (None, gans.LATENT_DIM) and g.output_shape == (None, 28, 28, 1)
    assert d.input_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)
    kinds = [type(layer).__name__ for layer in g.layers]
    assert kinds.count("Conv2DTranspose") == 2 and g.layers[-1].activation.__name__ == "tanh"
    assert d.layers[-1].activation.__name__ == "linear"  # a logit, not a probability
    z = np.random.default_rng(0).normal(size=(4, gans.LATENT_DIM)).astype("float32")
    out = keras.ops.convert_to_numpy(g(100 * z))
    assert out.min() >= -1 and out.max() <= 1 and out.min() < 0 < out.max()
    # The notebook's sizes, which its timings and the pix2pix table rely on.
    assert g.count_params() == 246_657 and d.count_params() == 36_673


@pytest.mark.parametrize("bad", [0, -3, 1.5, True, "64"])
def test_builders_reject_bad_sizes(bad):
    with pytest.raises(ValueError):
        gans.build_generator(latent_dim=bad)
    with pytest.raises(ValueError):
        gans.build_discriminator(filters=bad)


# ------------------------------------------------------------------------------ the GAN


def small_gan(real_label: float = 0.9, seed: int = 0):
    keras.utils.set_random_seed(seed)
    gan = gans.GAN(gans.build_generator(8, 4), gans.build_discriminator(4),
                   real_label=real_label, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                run_eagerly=True)
    return gan


def _weights(model) -> list[np.ndarray]:
    return [np.array(w) for w in model.get_weights()]


def test_train_step_updates_both_networks_and_logs_the_losses():
    gan = small_gan()
    images = np.random.default_rng(1).uniform(-1, 1, size=(8, 28, 28, 1)).astype("float32")
    g_before, d_before = _weights(gan.generator), _weights(gan.discriminator)
    logs = gan.train_step(images)
    logs = {k: float(keras.ops.convert_to_numpy(v)) for k, v in logs.items()}
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v) for v in logs.values())
    assert 0 < logs["d_real"] < 1 and 0 < logs["d_fake"] < 1
    trainable_g = {id(w) for w in gan.generator.trainable_weights}
    moved_g = [not np.array_equal(a, b) for a, b, w in
               zip(g_before, _weights(gan.generator), gan.generator.weights, strict=True)
               if id(w) in trainable_g]
    assert all(moved_g)
    assert any(not np.array_equal(a, b) for a, b in
               zip(d_before, _weights(gan.discriminator), strict=True))


def test_discriminator_step_minimises_the_reference_loss():
    """The D loss logged by train_step is helpers' numpy reference on D's logits before the
    update (checked by recomputing it on the same fakes, with the same seeds)."""
    images = np.random.default_rng(2).uniform(-1, 1, size=(6, 28, 28, 1)).astype("float32")
    gan = small_gan(real_label=0.9, seed=3)
    z = keras.random.normal((6, 8), seed=keras.random.SeedGenerator(3))
    fake = gan.generator(z, training=True)
    real_logits = keras.ops.convert_to_numpy(gan.discriminator(images, training=True))
    fake_logits = keras.ops.convert_to_numpy(gan.discriminator(fake, training=True))
    expected = gans.discriminator_loss(real_logits, fake_logits, real_label=0.9)
    logs = gan.train_step(images)
    assert float(keras.ops.convert_to_numpy(logs["d_loss"])) == pytest.approx(expected, rel=1e-4)


def test_fit_runs_with_a_graph_and_the_sample_grid():
    gan = small_gan()
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                jit_compile=False)  # fit's compiled step, as in the notebook
    grid = gans.SampleGrid(np.zeros((3, 8)), every=2, epochs=3)
    bar = gans.ProgressBar(3, disable=True)
    history = gan.fit(np.zeros((16, 28, 28, 1), "float32"), epochs=3, batch_size=8,
                      callbacks=[grid, bar], verbose=0)
    assert bar.done == 3
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    assert len(history.history["d_loss"]) == 3
    assert grid.epochs == [2, 3] and len(grid.images) == 2
    assert grid.images[0].shape == (3, 28, 28)
    assert 0 <= grid.images[0].min() and grid.images[0].max() <= 255
    out = keras.ops.convert_to_numpy(gan(np.zeros((2, 8), "float32")))
    assert out.shape == (2, 28, 28, 1)


def test_generate_gives_pixels_in_inference_mode():
    g = gans.build_generator(8, 4)
    z = np.random.default_rng(7).normal(size=(5, 8))
    images = gans.generate(g, z)
    assert images.shape == (5, 28, 28) and images.dtype == np.float32
    assert 0 <= images.min() and images.max() <= 255
    expected = (keras.ops.convert_to_numpy(g(z.astype("float32"), training=False)) + 1) * 127.5
    np.testing.assert_allclose(images, expected[..., 0], atol=1e-3)


def test_gan_rejects_a_bad_real_label():
    with pytest.raises(ValueError, match="real_label"):
        gans.GAN(gans.build_generator(8, 4), gans.build_discriminator(4), real_label=0.3)


# --------------------------------------------------------- the losses and the theory


def keras_bce(target, logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    logits = np.asarray(logits, "float32").reshape(-1, 1)
    return float(keras.ops.convert_to_numpy(bce(np.full_like(logits, target), logits)))


@pytest.mark.parametrize("real_label", [1.0, 0.9, 0.75])
def test_discriminator_loss_equals_keras(real_label):
    rng = np.random.default_rng(4)
    for n_real, n_fake, scale in [(5, 3, 1.0), (1, 7, 5.0), (4, 4, 30.0)]:
        real, fake = rng.normal(size=n_real) * scale, rng.normal(size=n_fake) * scale
        expected = keras_bce(real_label, real) + keras_bce(0.0, fake)
        assert gans.discriminator_loss(real, fake, real_label) == pytest.approx(expected,
                                                                                rel=1e-5)


def test_losses_are_finite_for_huge_logits_and_right_at_known_points():
    assert gans.discriminator_loss([0.0], [0.0]) == pytest.approx(2 * math.log(2))
    assert gans.generator_loss([0.0]) == pytest.approx(math.log(2))
    assert gans.discriminator_loss([800.0], [-800.0]) == pytest.approx(0.0, abs=1e-12)
    assert gans.discriminator_loss([-800.0], [800.0]) == pytest.approx(1600.0)
    assert gans.generator_loss([-800.0]) == pytest.approx(800.0)


def test_generator_loss_is_non_saturating():
    fake = np.array([-6.0, -5.0, -7.0])  # D rejects the fakes
    assert gans.generator_loss(fake) == pytest.approx(keras_bce(1.0, fake), rel=1e-5)
    # Its gradient with respect to a logit is -(1 - sigmoid): about -1/n here, where the
    # minimax loss log(1 - sigmoid) would give almost nothing.
    eps = 1e-5
    grad = (gans.generator_loss(fake + eps) - gans.generator_loss(fake - eps)) / (2 * eps)
    assert grad == pytest.approx(-np.mean(1 / (1 + np.exp(fake))), rel=1e-4)
    assert abs(grad) > 0.3


def test_optimal_discriminator():
    np.testing.assert_allclose(gans.optimal_discriminator([2.0, 1.0], [2.0, 3.0]), [0.5, 0.25])


def bell(x, mean, sd=1.0):
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


@pytest.mark.parametrize("shift, sd", [(0.0, 1.0), (1.0, 1.0), (2.5, 0.5), (0.0, 2.0),
                                       (7.0, 1.0)])
def test_game_value_is_minus_log4_plus_twice_the_jsd(shift, sd):
    x = np.linspace(-15, 15, 6001)
    dx = x[1] - x[0]
    p, q = bell(x, 0.0), bell(x, shift, sd)
    jsd = jensenshannon(p, q) ** 2  # scipy returns the distance, the square root
    assert gans.game_value(p, q, dx) == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-6)


def test_game_value_handles_zero_densities():
    x = np.linspace(-5, 5, 1001)
    dx = x[1] - x[0]
    left = np.where((x >= -3) & (x < -1), 0.5, 0.0)
    right = np.where((x >= 1) & (x < 3), 0.5, 0.0)
    assert gans.game_value(left, right, dx) == pytest.approx(0.0, abs=1e-12)  # JSD = log 2
    assert gans.game_value(left, left, dx) == pytest.approx(-math.log(4), rel=1e-3)


# ------------------------------------------------------------------- judging the samples


def test_confident_fraction():
    probs = np.array([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8], [0.6, 0.4]])
    assert gans.confident_fraction(probs) == 0.75
    assert gans.confident_fraction(probs, threshold=0.85) == 0.25
    with pytest.raises(ValueError, match="threshold"):
        gans.confident_fraction(probs, threshold=1.0)
    with pytest.raises(ValueError, match="probabilities"):
        gans.confident_fraction([[0.9, 0.9]])
    with pytest.raises(ValueError, match="shape"):
        gans.confident_fraction([0.9, 0.1])


def test_classifier_score_against_its_definition():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(50, 6)) * 3
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    marginal = p.mean(axis=0)
    expected = math.exp(np.mean([np.sum(row * np.log(row / marginal)) for row in p]))
    assert gans.classifier_score(p) == pytest.approx(expected)
    assert gans.classifier_score(np.eye(6)) == pytest.approx(6.0)
    assert gans.classifier_score(np.tile(np.eye(6)[2], (10, 1))) == pytest.approx(1.0)  # collapse
    assert 1.0 <= gans.classifier_score(p) <= 6.0


def fake_dataset(canonical: bool = False, name: str = "blobs") -> Dataset:
    """Two classes anyone can tell apart: a bright top half or a bright bottom half."""
    rng = np.random.default_rng(6)
    y = np.arange(120) % 2
    x = rng.integers(0, 40, size=(120, 28, 28)).astype("uint8")
    x[y == 0, :14] += 200
    x[y == 1, 14:] += 200
    return Dataset(x[:80], y[:80], x[80:], y[80:], ["top", "bottom"], name, "test data",
                   canonical)


def test_make_judge_trains_a_classifier_for_a_stand_in():
    judge = gans.make_judge(fake_dataset(), epochs=3)
    assert "trained for 3 epochs" in judge.description
    assert judge.test_accuracy >= 0.9
    probs = judge.probabilities(fake_dataset().x_test)
    assert probs.shape == (40, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_make_judge_uses_the_course_backbone_for_fashion_mnist():
    ds = fake_dataset(canonical=True, name="Fashion-MNIST")
    judge = gans.make_judge(ds)
    assert "pretrained" in judge.description
    assert judge.model.name == "course_backbone"
    assert judge.probabilities(ds.x_test[..., None]).shape == (40, 10)


# ------------------------------------------------------------ tiling and interpolation


def test_tile_places_images_row_by_row():
    images = np.arange(5)[:, None, None] * np.ones((5, 2, 3))
    out = gans.tile(images, ncols=3, pad=1, fill=-1)
    assert out.shape == (2 * 2 + 1, 3 * 3 + 2)
    assert out[0, 0] == 0 and out[0, 4] == 1 and out[0, 8] == 2
    assert out[3, 0] == 3 and out[3, 4] == 4 and out[3, 8] == -1  # an empty slot
    assert out[2, 0] == -1  # the padding row
    assert gans.tile(images[:2], ncols=10).shape == (2, 7)  # fewer images than columns
    with pytest.raises(ValueError):
        gans.tile(np.zeros((0, 2, 2)), ncols=2)


def test_interpolate():
    z0, z1 = np.array([1.0, -1.0, 0.0]), np.array([3.0, 1.0, 4.0])
    line = gans.interpolate(z0, z1, 5)
    assert line.shape == (5, 3) and line.dtype == np.float32
    np.testing.assert_allclose(line[0], z0)
    np.testing.assert_allclose(line[-1], z1)
    np.testing.assert_allclose(np.diff(line, axis=0), np.tile((z1 - z0) / 4, (4, 1)), atol=1e-6)
    with pytest.raises(ValueError):
        gans.interpolate(z0, z1[:2], 3)
    with pytest.raises(ValueError):
        gans.interpolate(z0, z1, 1)


# --------------------------------------------------------------------------- pix2pix


def test_pix2pix_networks_have_the_papers_sizes():
    g, d = gans.unet_generator(256), gans.patch_discriminator(256)
    # The TensorFlow pix2pix tutorial, which follows the paper, reports these counts.
    assert g.count_params() == 54_425_859
    assert d.count_params() == 2_770_433
    assert g.output_shape == (None, 256, 256, 3) and d.output_shape == (None, 30, 30, 1)
    assert len([layer for layer in g.layers if type(layer).__name__ == "Concatenate"]) == 7


def test_small_pix2pix_networks_and_bad_sizes():
    g, d = gans.unet_generator(32, channels=1, base=8), gans.patch_discriminator(32, 1, 8)
    assert g.output_shape == (None, 32, 32, 1) and d.output_shape == (None, 2, 2, 1)
    for bad in (48, 4, 0):
        with pytest.raises(ValueError):
            gans.unet_generator(bad)
    with pytest.raises(ValueError):
        gans.patch_discriminator(16)


def test_forward_macs_counts_each_kind_of_layer():
    model = keras.Sequential([
        keras.Input((8, 8, 3)),
        keras.layers.Conv2D(4, 3, strides=2, padding="same"),  # out 4x4x4, 27 MACs each
        keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same"),  # in 4x4x4 -> 8x8x2
        keras.layers.Flatten(),
        keras.layers.Dense(5),
    ])
    expected = 4 * 4 * 4 * 27 + 4 * 4 * 4 * 16 * 2 + 8 * 8 * 2 * 5
    assert gans.forward_macs(model) == expected
    # The DCGAN of the notebook, by hand: dense, two transposed convolutions; two convs, dense.
    g, d = gans.build_generator(), gans.build_discriminator()
    assert gans.forward_macs(g) == 64 * 3136 + 7 * 7 * 64 * 16 * 32 + 14 * 14 * 32 * 16
    assert gans.forward_macs(d) == 14 * 14 * 32 * 16 + 7 * 7 * 64 * 16 * 32 + 3136
