"""helpers.checks.gans: each check passes the reference solution and fails, with a hint,
on a blank answer and on the plausible wrong ones."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from helpers import gans
from helpers.checks import CheckFailed
from helpers.checks import gans as check


def blank(*args, **kwargs):
    raise NotImplementedError()


def log_sigmoid(z):
    return -np.logaddexp(0.0, -z)


def log_one_minus_sigmoid(z):
    return -np.logaddexp(0.0, z)


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ------------------------------------------------------------------ discriminator loss


def d_reference(real_logits, fake_logits, real_label=1.0):
    real = -np.mean(real_label * log_sigmoid(real_logits)
                    + (1 - real_label) * log_one_minus_sigmoid(real_logits))
    return real - np.mean(log_one_minus_sigmoid(fake_logits))


def test_discriminator_loss_reference_passes(capsys):
    check.discriminator_loss(d_reference)
    check.discriminator_loss(d_reference, hidden=True)
    check.discriminator_loss(lambda r, f, real_label=1.0: gans.discriminator_loss(r, f, real_label))
    assert "correct" in capsys.readouterr().out


def test_discriminator_loss_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.discriminator_loss(blank)


def _naive(real_logits, fake_logits, real_label=1.0):
    d_real, d_fake = naive_sigmoid(real_logits), naive_sigmoid(fake_logits)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (-np.mean(real_label * np.log(d_real) + (1 - real_label) * np.log(1 - d_real))
                - np.mean(np.log(1 - d_fake)))


@pytest.mark.parametrize("wrong, phrase", [
    (lambda r, f, real_label=1.0: -d_reference(r, f, real_label), "sign is wrong"),
    (lambda r, f, real_label=1.0: d_reference(r, f, 1.0), "use real_label"),
    (lambda r, f, real_label=1.0: d_reference(r, f, real_label)  # fakes' target 1 - label
     + np.mean(log_one_minus_sigmoid(f)) - np.mean((1 - real_label) * log_sigmoid(f)
                                                    + real_label * log_one_minus_sigmoid(f)),
     "fakes keep target 0"),
    (lambda r, f, real_label=1.0: d_reference(f, r, real_label), "swapped"),
    (lambda r, f, real_label=1.0: -np.mean(log_sigmoid(r)), "add the fakes' term"),
    (lambda r, f, real_label=1.0: -np.mean(log_one_minus_sigmoid(f)), "add the real images'"),
    (lambda r, f, real_label=1.0: d_reference(r, f, real_label) / 2, "do not average them"),
    (lambda r, f, real_label=1.0: np.sum(-log_sigmoid(r)) + np.sum(-log_one_minus_sigmoid(f)),
     "mean over each batch"),
    (lambda r, f, real_label=1.0: -np.mean(np.concatenate([
        real_label * log_sigmoid(r) + (1 - real_label) * log_one_minus_sigmoid(r),
        log_one_minus_sigmoid(f)])), "each batch on its own"),
    (_naive, "np.logaddexp"),
    (lambda r, f, real_label=1.0: None, "forget to `return`"),
    (lambda r, f, real_label=1.0: np.array([1.0, 2.0]), "one number"),
    (lambda r, f, real_label=1.0: -np.mean(np.log(r)) - np.mean(np.log(1 - f)), "Hint"),
])
def test_discriminator_loss_wrong_answers_fail_with_a_hint(wrong, phrase):
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
        check.discriminator_loss(wrong)
    message = str(info.value)
    assert phrase in message, message


def test_discriminator_loss_without_a_default_real_label_fails_clearly():
    with pytest.raises(CheckFailed, match="raised TypeError"):
        check.discriminator_loss(lambda r, f, real_label: d_reference(r, f, real_label))


# ---------------------------------------------------------------------- generator loss


def g_reference(fake_logits):
    return -np.mean(log_sigmoid(fake_logits))


def test_generator_loss_reference_passes(capsys):
    check.generator_loss(g_reference)
    check.generator_loss(g_reference, hidden=True)
    check.generator_loss(gans.generator_loss)
    assert "non-saturating" in capsys.readouterr().out


def test_generator_loss_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.generator_loss(blank)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda f: np.mean(log_one_minus_sigmoid(f)), "saturating loss"),
    (lambda f: np.mean(log_sigmoid(f)), "sign is wrong"),
    (lambda f: -np.mean(log_one_minus_sigmoid(f)), "discriminator's loss on the fakes"),
    (lambda f: np.sum(-log_sigmoid(f)), "mean over the batch"),
    (lambda f: np.mean(np.log(1 - naive_sigmoid(f))), "saturating loss"),
    (lambda f: -np.mean(np.log(1 - naive_sigmoid(-f))), "np.logaddexp"),
    (lambda f: None, "forget to `return`"),
    (lambda f: [0.69, 0.69], "one number"),
    (lambda f: "log 2", "one number"),
])
def test_generator_loss_wrong_answers_fail_with_a_hint(wrong, phrase):
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
        check.generator_loss(wrong)
    assert phrase in str(info.value), str(info.value)


# --------------------------------------------------------------- optimal discriminator


def test_optimal_discriminator_reference_passes(capsys):
    check.optimal_discriminator(lambda p, q: p / (p + q))
    check.optimal_discriminator(lambda p, q: p / (p + q), hidden=True)
    assert "correct" in capsys.readouterr().out


def test_optimal_discriminator_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.optimal_discriminator(blank)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda p, q: q / (p + q), "swapped the densities"),
    (lambda p, q: np.divide(p, q, out=np.full_like(p, np.inf), where=q > 0), "ratio"),
    (lambda p, q: None, "forget to `return`"),
    (lambda p, q: float(np.mean(p / (p + q))), "shape"),
    (lambda p, q: 0.5 * np.ones_like(p), "expected"),
])
def test_optimal_discriminator_wrong_answers_fail(wrong, phrase):
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
        check.optimal_discriminator(wrong)
    assert phrase in str(info.value), str(info.value)


# ------------------------------------------------------------------------- game value


def value_reference(p, q, dx):
    with np.errstate(divide="ignore", invalid="ignore"):
        d = p / (p + q)
        terms = p * np.log(d) + q * np.log(1 - d)
    return np.nansum(terms) * dx


def test_game_value_reference_passes(capsys):
    check.game_value(value_reference)
    check.game_value(value_reference, hidden=True)
    check.game_value(gans.game_value, hidden=True)
    assert "-log 4" in capsys.readouterr().out


def test_game_value_cases_are_fair_to_the_simple_formula():
    """Every case, hidden ones included, is finite with the notebook's simple nansum formula
    (no tail where 1 - D* rounds to 0 while p_g is positive)."""
    for p, q, _ in check._density_cases(hidden=True):
        assert np.isfinite(value_reference(p, q, check._DX))


def test_game_value_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.game_value(blank)


def _plain_sum(p, q, dx):
    with np.errstate(divide="ignore", invalid="ignore"):
        d = p / (p + q)
        return np.sum(p * np.log(d) + q * np.log(1 - d)) * dx


@pytest.mark.parametrize("wrong, phrase", [
    (lambda p, q, dx: -value_reference(p, q, dx), "sign is wrong"),
    (lambda p, q, dx: value_reference(p, q, 1.0), "multiply the sum by dx"),
    (_plain_sum, "np.where"),
    (lambda p, q, dx: value_reference(p, q, dx) + np.log(4), "2 JSD"),
    (lambda p, q, dx: np.nansum(p * np.log(p / (p + q))) * dx, "add the generator's term"),
    (lambda p, q, dx: None, "forget to `return`"),
])
def test_game_value_wrong_answers_fail_with_a_hint(wrong, phrase):
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
        check.game_value(wrong)
    assert phrase in str(info.value), str(info.value)


# ------------------------------------------------------------------ generator to a spec


def generator_reference(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        layers.Dense(7 * 7 * 32),
        layers.LeakyReLU(0.2),
        layers.Reshape((7, 7, 32)),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
    ])


def generator_functional(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = layers.Reshape((7, 7, 16))(layers.Dense(7 * 7 * 16, activation="relu")(z))
    h = layers.Conv2DTranspose(8, 4, strides=2, padding="same", activation="relu")(h)
    h = layers.Conv2DTranspose(1, 4, strides=2, padding="same")(h)
    return keras.Model(z, layers.Activation("tanh")(h))


@pytest.mark.parametrize("build", [generator_reference, generator_functional,
                                   lambda d: gans.build_generator(d)])
def test_generator_spec_reference_passes(build, capsys):
    check.generator_spec(build)
    check.generator_spec(build, hidden=True)
    assert "28x28x1 in [-1, 1]" in capsys.readouterr().out


def test_generator_spec_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.generator_spec(blank)


def _with_last(activation):
    def build(latent_dim):
        model = generator_reference(latent_dim)
        stack = [keras.Input(shape=(latent_dim,))] + model.layers[:-1]
        stack.append(layers.Conv2DTranspose(1, 4, strides=2, padding="same",
                                            activation=activation))
        return keras.Sequential(stack)
    return build


def _upsampling_only(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(7 * 7 * 32),
                             layers.Reshape((7, 7, 32)), layers.UpSampling2D(4),
                             layers.Conv2D(1, 3, padding="same", activation="tanh")])


def _too_big(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(7 * 7 * 1024),
                             layers.Reshape((7, 7, 1024)),
                             layers.Conv2DTranspose(1, 4, strides=4, padding="same",
                                                    activation="tanh")])


def _fourteen(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(7 * 7 * 32),
                             layers.Reshape((7, 7, 32)),
                             layers.Conv2DTranspose(1, 4, strides=2, padding="same",
                                                    activation="tanh")])


def _three_channels(latent_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(7 * 7 * 32),
                             layers.Reshape((7, 7, 32)),
                             layers.Conv2DTranspose(16, 4, strides=2, padding="same"),
                             layers.Conv2DTranspose(3, 4, strides=2, padding="same",
                                                    activation="tanh")])


def _ignores_z(latent_dim):
    """Zero weights on z, random biases: one fixed image with both signs, whatever z is."""
    model = generator_reference(latent_dim)
    dense = model.layers[0]
    dense.kernel.assign(np.zeros(dense.kernel.shape))
    dense.bias.assign(np.random.default_rng(0).normal(size=dense.bias.shape) * 3)
    return model


def _fixed_input(latent_dim):
    return generator_reference(64)


_SHARED = generator_reference(64)


@pytest.mark.parametrize("build, phrase", [
    (_with_last("sigmoid"), "never negative"),
    (_with_last("relu"), "outside [-1, 1]"),
    (_with_last(None), "outside [-1, 1]"),
    (_upsampling_only, "no Conv2DTranspose"),
    (_too_big, "parameters"),
    (_fourteen, "doubles the height and width"),
    (_three_channels, "one channel"),
    (_ignores_z, "same image"),
    (lambda d: None, "forget to `return`"),
    (lambda d: generator_reference(d).summary, "expected a keras.Model"),
])
def test_generator_spec_wrong_models_fail_with_a_hint(build, phrase):
    with pytest.raises(CheckFailed) as info:
        check.generator_spec(build)
    assert phrase in str(info.value), str(info.value)


def test_generator_spec_hidden_catches_a_fixed_latent_size_and_a_shared_model():
    check.generator_spec(_fixed_input)
    with pytest.raises(CheckFailed, match="keras.Input\\(shape=\\(16,\\)\\)"):
        check.generator_spec(_fixed_input, hidden=True)
    with pytest.raises(CheckFailed, match="same model object twice"):
        check.generator_spec(lambda d: _SHARED if d == 64 else _SHARED, hidden=True)
