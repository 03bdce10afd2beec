"""helpers.scratch.conv2d and max_pool2d compute what keras.layers.Conv2D and MaxPooling2D do."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest

from helpers.scratch import conv2d, max_pool2d

LECTURE_IMAGE = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0],
                 [0, 1, 1, 0, 0]]
LECTURE_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]


def keras_conv2d(image, kernel, stride, padding) -> np.ndarray:
    image, kernel = np.asarray(image, "float32"), np.asarray(kernel, "float32")
    layer = keras.layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
    layer.build((1, *image.shape, 1))
    layer.set_weights([kernel[:, :, None, None]])
    return keras.ops.convert_to_numpy(layer(image[None, :, :, None]))[0, :, :, 0]


def keras_max_pool2d(x, size, stride, padding) -> np.ndarray:
    layer = keras.layers.MaxPooling2D(size, strides=stride, padding=padding)
    return keras.ops.convert_to_numpy(layer(np.asarray(x, "float32")[None, :, :, None]))[0, :, :, 0]


# ------------------------------------------------------------------- the lecture's examples


def test_lecture_example_5x5_image_3x3_kernel():
    out = conv2d(LECTURE_IMAGE, LECTURE_KERNEL)
    np.testing.assert_array_equal(out, [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    assert out.dtype == np.float64


def test_lecture_example_2x2_kernel_over_3x4_matrix():
    matrix = np.arange(1, 13).reshape(3, 4)  # a..l
    w, x, y, z = 1, 2, 3, 4
    out = conv2d(matrix, [[w, x], [y, z]])
    assert out.shape == (2, 3)
    m = matrix
    expected = [[w * m[r, c] + x * m[r, c + 1] + y * m[r + 1, c] + z * m[r + 1, c + 1]
                 for c in range(3)] for r in range(2)]
    np.testing.assert_array_equal(out, expected)


def test_lecture_examples_match_keras():
    np.testing.assert_allclose(conv2d(LECTURE_IMAGE, LECTURE_KERNEL),
                               keras_conv2d(LECTURE_IMAGE, LECTURE_KERNEL, 1, "valid"))
    matrix, kernel = np.arange(1, 13).reshape(3, 4), [[1, 2], [3, 4]]
    np.testing.assert_allclose(conv2d(matrix, kernel), keras_conv2d(matrix, kernel, 1, "valid"))


def test_cross_correlation_not_convolution():
    # An asymmetric kernel tells the two apart: Keras does not flip.
    image = np.arange(9.0).reshape(3, 3)
    kernel = np.array([[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(conv2d(image, kernel), image[:2, :2])


# --------------------------------------------------------------- against Keras, many cases

SIZES = [(1, 1), (1, 5), (4, 4), (5, 7), (7, 6), (9, 9)]
KERNELS = [(1, 1), (2, 2), (3, 3), (2, 3), (4, 1), (5, 5)]
STRIDES = [1, 2, 3, (2, 1), (1, 3)]


def _conv_cases():
    for size, kernel, stride, padding in itertools.product(SIZES, KERNELS, STRIDES,
                                                           ("valid", "same")):
        if padding == "valid" and (kernel[0] > size[0] or kernel[1] > size[1]):
            continue
        yield size, kernel, stride, padding


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_matches_keras_for_many_shapes(padding):
    rng = np.random.default_rng(0)
    count = 0
    for size, kernel_shape, stride, pad in _conv_cases():
        if pad != padding:
            continue
        image, kernel = rng.normal(size=size), rng.normal(size=kernel_shape)
        ours = conv2d(image, kernel, stride=stride, padding=padding)
        theirs = keras_conv2d(image, kernel, stride, padding)
        assert ours.shape == theirs.shape, (size, kernel_shape, stride, padding)
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5,
                                   err_msg=str((size, kernel_shape, stride, padding)))
        count += 1
    assert count > 80


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_max_pool2d_matches_keras_for_many_shapes(padding):
    rng = np.random.default_rng(1)
    for size, window, stride in itertools.product(SIZES, [(1, 1), (2, 2), (3, 3), (2, 3)],
                                                  [None, 1, 2, 3, (1, 2)]):
        if padding == "valid" and (window[0] > size[0] or window[1] > size[1]):
            continue
        x = rng.normal(size=size)
        ours = max_pool2d(x, window, stride, padding)
        theirs = keras_max_pool2d(x, window, stride, padding)
        assert ours.shape == theirs.shape, (size, window, stride, padding)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("n, k, s, expected", [(5, 3, 1, 5), (5, 3, 2, 3), (6, 4, 3, 2),
                                               (7, 2, 2, 4), (1, 3, 1, 1)])
def test_same_padding_gives_ceil_n_over_s(n, k, s, expected):
    assert conv2d(np.ones((n, n)), np.ones((k, k)), stride=s, padding="same").shape == (
        expected, expected)


def test_same_padding_puts_the_odd_pixel_at_the_bottom_right():
    # A 2x2 kernel on 3x3 with "same": one row and column of zeros, after the image.
    image = np.arange(1.0, 10.0).reshape(3, 3)
    out = conv2d(image, np.ones((2, 2)), padding="same")
    assert out[0, 0] == 1 + 2 + 4 + 5
    assert out[2, 2] == 9  # the last window covers the image corner and three zeros


def test_padding_is_case_insensitive_and_stride_may_be_an_integral_float():
    image, kernel = np.ones((4, 4)), np.ones((2, 2))
    np.testing.assert_array_equal(conv2d(image, kernel, stride=2.0, padding="SAME"),
                                  conv2d(image, kernel, stride=2, padding="same"))


def test_max_pool2d_default_stride_is_the_window():
    x = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(max_pool2d(x), [[5, 7], [13, 15]])
    assert max_pool2d(x, size=3).shape == (1, 1)
    assert max_pool2d(x, size=3, stride=1).shape == (2, 2)


def test_max_pool2d_same_never_picks_padding():
    x = -np.ones((3, 3))  # all negative: a zero pad would win the max
    out = max_pool2d(x, 2, padding="same")
    np.testing.assert_array_equal(out, -np.ones((2, 2)))


def test_inputs_are_not_changed_and_lists_and_ints_work():
    image = np.arange(12).reshape(3, 4)
    kernel = np.array([[1, -1]])
    before = image.copy(), kernel.copy()
    conv2d(image, kernel, padding="same")
    max_pool2d(image)
    np.testing.assert_array_equal(image, before[0])
    np.testing.assert_array_equal(kernel, before[1])
    assert conv2d([[True, False], [False, True]], [[1]]).dtype == np.float64


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: conv2d(np.ones((5, 5, 1)), np.ones((3, 3))), ValueError, "image must be 2-D"),
    (lambda: conv2d(np.ones(5), np.ones((3, 3))), ValueError, "image must be 2-D"),
    (lambda: conv2d(np.ones((5, 5)), np.ones((3, 3, 1))), ValueError, "kernel must be 2-D"),
    (lambda: conv2d(np.ones((3, 3)), np.ones((4, 2))), ValueError, "larger than the image"),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 4)), padding="valid"), ValueError,
     'padding="valid"'),
    (lambda: conv2d(np.array([["a", "b"], ["c", "d"]]), np.ones((1, 1))), TypeError,
     "image must hold numbers"),
    (lambda: conv2d(np.ones((3, 3)), [[1, 2], [3, None]]), TypeError, "kernel must hold numbers"),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), padding="full"), ValueError,
     'padding must be "valid" or "same"'),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), padding=None), ValueError,
     'padding must be "valid" or "same"'),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=0), ValueError,
     "stride must be an int of at least 1"),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=-1), ValueError, "stride"),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=1.5), ValueError, "stride"),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=(1, 2, 3)), ValueError,
     "pair of ints"),
    (lambda: conv2d(np.ones((0, 3)), np.ones((1, 1))), ValueError, "image is empty"),
    (lambda: max_pool2d(np.ones((4, 4, 1))), ValueError, "x must be 2-D"),
    (lambda: max_pool2d(np.ones((4, 4)), size=0), ValueError, "size must be an int"),
    (lambda: max_pool2d(np.ones((4, 4)), stride=0), ValueError, "stride must be an int"),
    (lambda: max_pool2d(np.ones((1, 4)), size=2), ValueError, "larger than the image"),
    (lambda: max_pool2d(np.ones((4, 4)), padding="causal"), ValueError, "padding must be"),
    (lambda: max_pool2d(np.array([["x"]]), size=1), TypeError, "x must hold numbers"),
])
def test_bad_input_raises_an_error_that_names_the_problem(call, error, phrase):
    with pytest.raises(error) as info:
        call()
    assert phrase in str(info.value)


def test_three_d_image_error_says_how_to_take_one_channel():
    with pytest.raises(ValueError, match=r"x\[\.\.\., 0\]"):
        conv2d(np.ones((5, 5, 1)), np.ones((3, 3)))


def test_kernel_larger_than_image_is_fine_with_same_padding():
    out = conv2d(np.ones((2, 2)), np.ones((3, 3)), padding="same")
    np.testing.assert_allclose(out, keras_conv2d(np.ones((2, 2)), np.ones((3, 3)), 1, "same"))
