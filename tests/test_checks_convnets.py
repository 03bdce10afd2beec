"""The checks of notebook 03 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from helpers.checks import CheckFailed
from helpers.checks import convnets as check

layers = keras.layers

# ---------------------------------------------------------------------------- conv2d


def conv_reference(image, kernel, stride=1):
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    (n_h, n_w), (k_h, k_w) = image.shape, kernel.shape
    out = np.zeros(((n_h - k_h) // stride + 1, (n_w - k_w) // stride + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = np.sum(image[r * stride:r * stride + k_h, c * stride:c * stride + k_w]
                               * kernel)
    return out


def conv_blank(image, kernel, stride=1):
    raise NotImplementedError()


def test_conv2d_reference_passes(capsys):
    check.conv2d_valid(conv_reference)
    check.conv2d_valid(conv_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_conv2d_vectorized_reference_passes():
    from numpy.lib.stride_tricks import sliding_window_view

    def vectorized(image, kernel, stride=1):
        windows = sliding_window_view(image, kernel.shape)[::stride, ::stride]
        return np.einsum("rcij,ij->rc", windows, kernel)

    check.conv2d_valid(vectorized, hidden=True)


def test_conv2d_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.conv2d_valid(conv_blank)


def _off_by_one(image, kernel, stride=1):
    (n_h, n_w), (k_h, k_w) = image.shape, kernel.shape
    out = np.zeros(((n_h - k_h) // stride, (n_w - k_w) // stride))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = np.sum(image[r * stride:r * stride + k_h, c * stride:c * stride + k_w]
                               * kernel)
    return out


def _transposed_kernel_axes(image, kernel, stride=1):
    # Mixes up height and width of the kernel: right for square kernels only.
    k_w, k_h = kernel.shape
    out = np.zeros(((image.shape[0] - k_h) // stride + 1, (image.shape[1] - k_w) // stride + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = np.sum(image[r * stride:r * stride + k_h, c * stride:c * stride + k_w]
                               * kernel.T)
    return out


@pytest.mark.parametrize("wrong, phrase", [
    # the mathematician's convolution: flips the kernel
    (lambda image, kernel, stride=1: conv_reference(image, kernel[::-1, ::-1], stride),
     "flipped the kernel"),
    # ignores the stride
    (lambda image, kernel, stride=1: conv_reference(image, kernel, 1), "ignored the stride"),
    # one output position too few
    (_off_by_one, "off by one"),
    # mixes up the kernel's height and width
    (_transposed_kernel_axes, "transposed the kernel"),
    # a scaled result
    (lambda image, kernel, stride=1: 2 * conv_reference(image, kernel, stride), "Hint"),
])
def test_conv2d_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.conv2d_valid(wrong)
    message = str(info.value)
    assert phrase in message and "expected" in message and "Hint" in message


def test_conv2d_first_case_is_the_lecture_example():
    with pytest.raises(CheckFailed, match=r"image \(5, 5\), kernel \(3, 3\), stride=1"):
        check.conv2d_valid(lambda image, kernel, stride=1: np.zeros((3, 3)))


def test_conv2d_none_and_errors_and_in_place_changes_fail():
    with pytest.raises(CheckFailed, match="forget to `return`"):
        check.conv2d_valid(lambda image, kernel, stride=1: None)
    with pytest.raises(CheckFailed, match="raised IndexError"):
        check.conv2d_valid(lambda image, kernel, stride=1: image[100])

    def in_place(image, kernel, stride=1):
        out = conv_reference(image, kernel, stride)
        image[...] = 0
        return out

    with pytest.raises(CheckFailed, match="in place"):
        check.conv2d_valid(in_place)
    with pytest.raises(CheckFailed, match="should be a function"):
        check.conv2d_valid(42)


def test_conv2d_hidden_cases_catch_what_visible_ones_might_not():
    # Right only for stride 1 and 2: the hidden cases use stride 3 and 5.
    def strides_up_to_two(image, kernel, stride=1):
        return conv_reference(image, kernel, min(stride, 2))

    check.conv2d_valid(strides_up_to_two)
    with pytest.raises(CheckFailed, match="ignored the stride|expected"):
        check.conv2d_valid(strides_up_to_two, hidden=True)


# ----------------------------------------------------------------------- output size


def size_reference(n, k, stride=1, padding="valid"):
    return math.ceil(n / stride) if padding == "same" else (n - k) // stride + 1


def test_output_size_reference_passes(capsys):
    check.output_size(size_reference)
    check.output_size(size_reference, hidden=True)
    assert "correct" in capsys.readouterr().out


def test_output_size_blank_fails():
    def blank(n, k, stride=1, padding="valid"):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.output_size(blank)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda n, k, stride=1, padding="valid": n - k, "off by one"),
    (lambda n, k, stride=1, padding="valid": (n - k) // stride + 1, "'same'"),
    (lambda n, k, stride=1, padding="valid": n if padding == "same" else (n - k) // stride + 1,
     "ceil(n / stride)"),
    (lambda n, k, stride=1, padding="valid": n // stride if padding == "same"
     else (n - k) // stride + 1, "round up"),
    (lambda n, k, stride=1, padding="valid": math.ceil(n / stride) if padding == "same"
     else (n - k) / stride + 1, "use //"),
    (lambda n, k, stride=1, padding="valid": str(size_reference(n, k, stride, padding)),
     "expected the number"),
    (lambda n, k, stride=1, padding="valid": float(size_reference(n, k, stride, padding)),
     "a size is an int"),
])
def test_output_size_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.output_size(wrong)
    assert phrase in str(info.value)


# ------------------------------------------------------------------- receptive field


def rf_reference(stack):
    width, spacing = 1, 1
    for kernel_size, stride in stack:
        width += (kernel_size - 1) * spacing
        spacing *= stride
    return width


def test_receptive_field_reference_passes(capsys):
    check.receptive_field(rf_reference)
    check.receptive_field(rf_reference, hidden=True)
    assert "correct" in capsys.readouterr().out


def test_receptive_field_matches_the_notebook_probe():
    assert rf_reference([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]) == 18
    assert rf_reference([(3, 1), (2, 2), (3, 1)]) == 8


def test_receptive_field_blank_fails():
    def blank(stack):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.receptive_field(blank)


def _own_stride(stack):
    width, spacing = 1, 1
    for kernel_size, stride in stack:
        spacing *= stride
        width += (kernel_size - 1) * spacing
    return width


@pytest.mark.parametrize("wrong, phrase", [
    (lambda stack: 1 + sum(k - 1 for k, _ in stack), "ignored the strides"),
    (lambda stack: sum(k for k, _ in stack), "shared pixels twice"),
    (_own_stride, "own stride"),
    (lambda stack: rf_reference(stack) if stack else 0, "start from r = 1"),
    (lambda stack: None, "forget to `return`"),
])
def test_receptive_field_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.receptive_field(wrong)


def test_receptive_field_empty_stack_is_checked():
    def crashes_on_empty(stack):
        return rf_reference(stack) if stack else stack[0]

    with pytest.raises(CheckFailed, match=r"receptive_field\(\[\]\) raised IndexError"):
        check.receptive_field(crashes_on_empty)


# ----------------------------------------------------------------------- CNN to a spec


def _reference_layers() -> list:
    return [
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="valid", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]


def cnn_reference():
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *_reference_layers()])


def cnn_functional():
    inputs = keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(16, 3, padding="same")(inputs)
    h = layers.ReLU()(h)
    h = layers.MaxPooling2D()(h)
    h = layers.Conv2D(32, 3)(h)
    h = layers.Activation("relu")(h)
    h = layers.Dropout(0.25)(layers.MaxPooling2D()(h))
    outputs = layers.Dense(10, activation="softmax")(layers.Flatten()(h))
    return keras.Model(inputs, outputs)


def cnn_without_input():
    return keras.Sequential([
        layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
        layers.Dense(10, activation="softmax")])


@pytest.mark.parametrize("build", [cnn_reference, cnn_functional, cnn_without_input])
def test_cnn_spec_reference_and_equivalent_models_pass(build, capsys):
    check.cnn_spec(build)
    check.cnn_spec(build, hidden=True)
    assert "16,330 parameters" in capsys.readouterr().out


def test_cnn_spec_matches_the_reference_summary():
    model = cnn_reference()
    assert model.count_params() == sum(p for _, _, p in check.CNN_SPEC)
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert shapes == [shape for _, shape, _ in check.CNN_SPEC]


def test_cnn_spec_blank_fails():
    def blank():
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.cnn_spec(blank)


def _variant(changes):
    """The reference with some layers changed. ``changes()`` (called at build time, so that
    every model gets new layers) maps a layer index to its replacement, or to None to drop
    it; "input_shape" and "extra" (layers appended at the end) are also possible."""
    def build():
        todo = changes()
        out = [keras.Input(shape=todo.get("input_shape", (28, 28, 1)))]
        for index, layer in enumerate(_reference_layers()):
            replacement = todo.get(index, layer)
            if replacement is not None:
                out.append(replacement)
        return keras.Sequential(out + todo.get("extra", []))
    return build


@pytest.mark.parametrize("build, phrase", [
    (_variant(lambda: {0: layers.Conv2D(16, 3, activation="relu")}), "'same' padding keeps"),
    (_variant(lambda: {2: layers.Conv2D(32, 3, padding="same", activation="relu")}),
     "'valid' shrinks"),
    (_variant(lambda: {0: layers.Conv2D(16, 3, padding="same")}), "has no ReLU"),
    (_variant(lambda: {5: layers.Dense(10)}), "expected 'softmax'"),
    (_variant(lambda: {5: layers.Dense(10, activation="sigmoid")}), "expected 'softmax'"),
    (_variant(lambda: {0: layers.Conv2D(16, 5, padding="same", activation="relu")}), "3x3"),
    (_variant(lambda: {0: layers.Conv2D(16, 3, padding="same", activation="relu",
                                        use_bias=False)}), "use_bias"),
    (_variant(lambda: {4: None}), "expected Flatten"),
    (_variant(lambda: {5: None}), "expected 6"),
    (_variant(lambda: {5: layers.Dense(64, activation="relu"),
                       "extra": [layers.Dense(10, activation="softmax")]}), "expected (10,)"),
    (_variant(lambda: {"extra": [layers.Dropout(0.1)]}), "layers after Dense"),
    (_variant(lambda: {"input_shape": (28, 28, 3)}), "(None, 28, 28, 1)"),
    (lambda: None, "forget to `return model`"),
    (lambda: cnn_reference().summary, "expected a keras.Model"),
])
def test_cnn_spec_wrong_models_fail_with_a_hint(build, phrase):
    with pytest.raises(CheckFailed) as info:
        check.cnn_spec(build)
    assert phrase in str(info.value)


def test_cnn_spec_hidden_requires_a_new_model_per_call():
    model = cnn_reference()
    check.cnn_spec(lambda: model)
    with pytest.raises(CheckFailed, match="same model object twice"):
        check.cnn_spec(lambda: model, hidden=True)


def test_cnn_spec_reports_the_students_exception():
    def broken():
        return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(16, 0)])

    with pytest.raises(CheckFailed, match=r"build_small_cnn\(\) raised ValueError"):
        check.cnn_spec(broken)
