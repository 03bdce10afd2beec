"""Checks for notebook 03: convolutions, receptive fields and CNNs in Keras.

The notebook imports them as ``from helpers.checks import convnets as check``:

* ``check.conv2d_valid(fn)``: ``fn(image, kernel, stride)``, 2-D cross-correlation, "valid";
* ``check.output_size(fn)``: ``fn(n, k, stride, padding)``, the output length of a layer;
* ``check.receptive_field(fn)``: ``fn(layers)``, the receptive field of a stack of layers;
* ``check.cnn_spec(build)``: ``build()`` returns the small CNN of the exercise's spec.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from helpers.checks import (
    _fail,
    _short,
    call_student,
    expect_close,
    expect_count,
    hidden_rng,
    passed,
)

__all__ = ["conv2d_valid", "output_size", "receptive_field", "cnn_spec", "CNN_SPEC"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "conv2d_valid": ("helpers.scratch.conv2d",),
    "output_size": (),
    "receptive_field": (),
    "cnn_spec": (),
}


def _matches(got, candidate: np.ndarray) -> bool:
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == candidate.shape and np.allclose(got, candidate, rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------- exercise: conv2d, valid

# The notebook's two worked examples come first: a student sees familiar numbers.
LECTURE_IMAGE = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                          [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype=float)
LECTURE_KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)


def _conv_reference(image: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    from helpers.scratch import conv2d

    return conv2d(image, kernel, stride=stride, padding="valid")


def _conv_cases(hidden: bool) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """(image, kernel, stride): the lecture's example, then the shapes that catch mistakes."""
    rng = hidden_rng(11) if hidden else np.random.default_rng(3)
    if not hidden:
        shapes = [((3, 4), (2, 2), 1),  # the 3x4 matrix and 2x2 kernel of the notebook
                  ((5, 5), (3, 3), 2),  # stride 2
                  ((4, 6), (2, 3), 1),  # a non-square kernel on a non-square image
                  ((4, 5), (1, 1), 1),  # 1x1 kernel: a scaled copy of the image
                  ((6, 7), (3, 2), 2),  # stride that leaves pixels unused at the end
                  ((3, 3), (3, 3), 1)]  # the kernel covers the whole image: one number
        cases = [(LECTURE_IMAGE, LECTURE_KERNEL, 1)]
    else:
        shapes = [((8, 8), (3, 3), 3), ((5, 9), (2, 4), 2), ((1, 6), (1, 3), 1),
                  ((7, 4), (4, 1), 3), ((10, 10), (5, 5), 5), ((6, 6), (2, 2), 1)]
        cases = []
    for image_shape, kernel_shape, stride in shapes:
        # Small integers keep the numbers in a message readable.
        image = rng.integers(-3, 4, size=image_shape).astype(float)
        kernel = rng.integers(-2, 3, size=kernel_shape).astype(float)
        while not kernel.any():  # an all-zero kernel answers 0 whatever the code does
            kernel = rng.integers(-2, 3, size=kernel_shape).astype(float)
        cases.append((image, kernel, stride))
    return cases


def _conv_hint(got, image: np.ndarray, kernel: np.ndarray, stride: int) -> str:
    """The most specific hint for a wrong conv2d result."""
    expected = _conv_reference(image, kernel, stride)
    flipped = _conv_reference(image, kernel[::-1, ::-1], stride)
    if not np.allclose(flipped, expected) and _matches(got, flipped):
        return ("you flipped the kernel: that is the convolution of mathematics, but Keras "
                "(like every deep learning library) computes the cross-correlation "
                "sum_ij image[r*s + i, c*s + j] * kernel[i, j], without flipping.")
    if kernel.shape[0] == kernel.shape[1] and not np.allclose(kernel, kernel.T) and _matches(
            got, _conv_reference(image, kernel.T, stride)):
        return ("you transposed the kernel: kernel[i, j] multiplies image[r*s + i, c*s + j], "
                "with i counting rows and j columns in both.")
    if stride > 1 and _matches(got, _conv_reference(image, kernel, 1)):
        return ("you ignored the stride: the kernel moves `stride` pixels at a time, so "
                "output (r, c) starts at image row r*stride and column c*stride.")
    try:
        got_shape = np.asarray(got, dtype=float).shape
    except (TypeError, ValueError):
        got_shape = None
    if got_shape is not None and got_shape != expected.shape:
        (n_h, n_w), (k_h, k_w) = image.shape, kernel.shape
        return (f"with 'valid' padding the output has (n - k) // stride + 1 rows and columns: "
                f"here ({n_h} - {k_h}) // {stride} + 1 = {expected.shape[0]} rows and "
                f"({n_w} - {k_w}) // {stride} + 1 = {expected.shape[1]} columns "
                "(off by one? the last position starts at n - k, which counts too).")
    if kernel.shape[0] != kernel.shape[1]:
        return ("with a non-square kernel, rows of the kernel go with rows of the image: "
                "kernel.shape[0] is its height, kernel.shape[1] its width.")
    return ("output (r, c) is the sum of kernel * image[r*s : r*s + kh, c*s : c*s + kw], "
            "elementwise product then sum.")


def conv2d_valid(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(image, kernel, stride)``: 2-D cross-correlation, "valid" padding.

    Compares with ``helpers.scratch.conv2d`` (itself checked against
    ``keras.layers.Conv2D``) on the lecture's 5x5 example, a 3x4 image with a 2x2 kernel,
    stride 2, non-square images and kernels, a 1x1 kernel and a kernel as large as the
    image; ``hidden=True`` tries other shapes and strides. A flipped kernel (the
    mathematician's convolution) fails with a hint:

    >>> conv2d_valid(lambda image, kernel, stride: np.zeros((2, 2)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_conv2d(image (5, 5), kernel (3, 3), stride=1) has shape (2, 2)...
    """
    name = "my_conv2d"
    cases = _conv_cases(hidden)
    for image, kernel, stride in cases:
        call = f"{name}(image {image.shape}, kernel {kernel.shape}, stride={stride})"
        args = (image.copy(), kernel.copy(), stride)
        got = call_student(student, args, name, call,
                           "check the slice bounds: rows r*stride to r*stride + kernel height.")
        if not np.array_equal(args[0], image) or not np.array_equal(args[1], kernel):
            _fail(f"{call} changed its image or kernel in place.",
                  "compute a new output array; leave the inputs as they are.")
        expected = _conv_reference(image, kernel, stride)
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the output?", None)
        if not _matches(got, expected):
            expect_close(got, expected, call, hint=_conv_hint(got, image, kernel, stride))
    passed(name, f"{len(cases)} cases" + (" (hidden)" if hidden else ""))


# ------------------------------------------------------ exercise: output size of a layer


def _size_reference(n: int, k: int, stride: int, padding: str) -> int:
    return math.ceil(n / stride) if padding == "same" else (n - k) // stride + 1


_SIZE_CASES = [(5, 3, 1, "valid"), (28, 3, 1, "same"), (28, 2, 2, "valid"), (7, 3, 2, "valid"),
               (7, 3, 2, "same"), (3, 3, 1, "valid"), (10, 1, 3, "valid"), (6, 4, 3, "same"),
               (26, 3, 1, "valid")]
_SIZE_HIDDEN = [(224, 7, 2, "same"), (224, 11, 4, "valid"), (13, 3, 2, "valid"),
                (1, 1, 1, "same"), (9, 4, 4, "same"), (100, 5, 5, "valid")]


def _size_hint(got, n: int, k: int, stride: int, padding: str) -> str:
    if padding == "same":
        if got == n and stride > 1:
            return (f"'same' keeps the size only with stride 1; with stride {stride} it is "
                    f"ceil(n / stride) = ceil({n} / {stride}).")
        if got == n // stride:
            return "round up, not down: 'same' gives ceil(n / stride) (math.ceil)."
        return "with 'same' padding the kernel size does not matter: ceil(n / stride)."
    if got == (n - k) // stride or got == n - k:
        return ("off by one: the kernel fits at positions 0, s, 2s, ... up to n - k, "
                "so there are (n - k) // stride + 1 of them.")
    if got == (n - k + 1) / stride or (isinstance(got, float) and not float(got).is_integer()):
        return "use integer division (//): a partial step at the end gives no output."
    return "with 'valid' padding: (n - k) // stride + 1."


def output_size(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(n, k, stride, padding)``: a conv or pooling layer's output length.

    ``n`` is the input length, ``k`` the kernel (or pooling window) size, ``padding``
    ``"valid"`` or ``"same"``, with Keras' meaning: ``(n - k) // stride + 1`` and
    ``ceil(n / stride)``. Off-by-one and rounding mistakes fail with a hint:

    >>> output_size(lambda n, k, stride, padding: n - k)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: conv_output_size(5, 3, 1, 'valid') is 2, expected 3.
    Hint: off by one...
    """
    name = "conv_output_size"
    cases = _SIZE_CASES + (_SIZE_HIDDEN if hidden else [])
    for n, k, stride, padding in cases:
        call = f"{name}({n}, {k}, {stride}, {padding!r})"
        got = call_student(student, (n, k, stride, padding), name, call, None)
        expected = _size_reference(n, k, stride, padding)
        expect_count(got, expected, call, "size",
                     hint=lambda wrong, case=(n, k, stride, padding): _size_hint(wrong, *case),
                     float_hint="use // for the division, or int(math.ceil(...)).")
    passed(name, f"{len(cases)} cases")


# --------------------------------------------------------- exercise: receptive field


def _rf_reference(layers: Sequence[tuple[int, int]]) -> int:
    size, jump = 1, 1
    for kernel, stride in layers:
        size += (kernel - 1) * jump
        jump *= stride
    return size


_RF_CASES = [
    [(3, 1)],
    [(3, 1), (3, 1)],
    [(3, 1), (3, 1), (3, 1)],
    [(3, 1), (2, 2), (3, 1)],  # conv, pool, conv
    [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)],
    [(5, 2), (3, 2)],  # a strided conv: the next layer's steps are 2 pixels
    [(2, 2), (2, 2), (2, 2)],  # pooling alone tiles the image
    [(1, 1)],
    [],  # no layer at all: a unit sees its own pixel
]
_RF_HIDDEN = [
    [(7, 2), (3, 2), (3, 1), (3, 1)],  # a ResNet-like stem
    [(11, 4), (3, 2), (5, 1)],  # AlexNet's first layers
    [(3, 2)] * 4,
    [(1, 1), (3, 3), (1, 1)],
]


def _rf_own_stride(layers: Sequence[tuple[int, int]]) -> int:
    """A plausible mistake: each layer's stride already widens its own field."""
    size, jump = 1, 1
    for kernel, stride in layers:
        jump *= stride
        size += (kernel - 1) * jump
    return size


def _rf_hint(got, layers) -> str:
    if not layers:
        return ("with no layers, a unit is a pixel of the input, which sees 1 pixel: start "
                "from r = 1, not 0.")
    no_stride = 1 + sum(k - 1 for k, _ in layers)
    if got == no_stride and any(s > 1 for _, s in layers[:-1]):
        return ("you ignored the strides: after a layer with stride s, neighbouring units "
                "are s pixels apart, so every later layer's (k - 1) counts s times "
                "(multiply the strides of all earlier layers).")
    if got == sum(k for k, _ in layers):
        return ("adding the kernel sizes counts the shared pixels twice: each extra layer "
                "widens the field by (k - 1) steps, starting from 1 pixel.")
    if got == _rf_own_stride(layers):
        return ("a layer's own stride does not widen its own field: it only spaces out the "
                "units of the next layer, so use the product of the strides of the earlier "
                "layers.")
    return ("start from r = 1 and jump = 1; for each layer (k, s): r += (k - 1) * jump, "
            "then jump *= s.")


def receptive_field(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(layers) -> int``: the receptive field, in input pixels, of one unit.

    ``layers`` lists ``(kernel_size, stride)`` from the input up (convolutions and pooling
    alike); the answer is one side of the square of input pixels that a unit of the last
    layer sees: ``r = 1 + sum_l (k_l - 1) * prod_{m < l} s_m``. An empty list means a
    pixel itself (1). Ignoring the strides fails with a hint:

    >>> receptive_field(lambda layers: 1 + sum(k - 1 for k, s in layers))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: receptive_field([(3, 1), (2, 2), (3, 1)]) is 6, expected 8.
    Hint: you ignored the strides...
    """
    name = "receptive_field"
    cases = _RF_CASES + (_RF_HIDDEN if hidden else [])
    for layers in cases:
        call = f"{name}({layers})"
        got = call_student(student, ([tuple(layer) for layer in layers],), name, call,
                           "layers is a list of (kernel_size, stride) pairs; it may be empty.")
        expected = _rf_reference(layers)
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the size?", None)
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.number)):
            _fail(f"{call} returned {_short(got)}, expected the number {expected}.", None)
        if got != expected:
            _fail(f"{call} is {got!r}, expected {expected}.", _rf_hint(got, layers))
    passed(name, f"{len(cases)} stacks of layers")


# ------------------------------------------------------------ exercise: a CNN to a spec

# (layer, output shape without the batch axis, parameters) of the exercise's model.
CNN_SPEC = [
    ("Conv2D(16, 3x3, padding='same', relu)", (28, 28, 16), 160),
    ("MaxPooling2D(2x2)", (14, 14, 16), 0),
    ("Conv2D(32, 3x3, padding='valid', relu)", (12, 12, 32), 4640),
    ("MaxPooling2D(2x2)", (6, 6, 32), 0),
    ("Flatten()", (1152,), 0),
    ("Dense(10, softmax)", (10,), 11530),
]

_SPEC_TEXT = "; ".join(f"{layer} -> {shape}" for layer, shape, _ in CNN_SPEC)


def _activation(layer) -> str:
    return getattr(getattr(layer, "activation", None), "__name__", "")


def _relu_follows(layers: list, index: int) -> bool:
    """A ReLU in the layer itself, or in the Activation/ReLU layer right after it."""
    import keras

    if _activation(layers[index]) == "relu":
        return True
    nxt = layers[index + 1] if index + 1 < len(layers) else None
    return isinstance(nxt, keras.layers.ReLU) or (
        isinstance(nxt, keras.layers.Activation) and _activation(nxt) == "relu")


def _get_model(build: Callable, name: str):
    import keras

    if not callable(build):
        _fail(f"{name} should be a function that returns a model, got {_short(build)}.", None)
    model = call_student(build, (), name, f"{name}()",
                         "build it layer by layer: keras.Sequential(["
                         "keras.Input(shape=(28, 28, 1)), "
                         "keras.layers.Conv2D(16, 3, padding='same', activation='relu'), ...]).")
    if model is None:
        _fail(f"{name}() returned None: did you forget to `return model`?", None)
    if not isinstance(model, keras.Model):
        _fail(f"{name}() returned {_short(model)}, expected a keras.Model.",
              "return the model itself (keras.Sequential([...])), not its summary.")
    return model


def cnn_spec(build: Callable, *, hidden: bool = False) -> None:
    """Check that ``build()`` returns the small CNN of the notebook's exercise.

    The spec (input 28x28x1), as ``CNN_SPEC`` lists it: Conv2D(16, 3x3, same, relu) ->
    MaxPooling2D(2) -> Conv2D(32, 3x3, valid, relu) -> MaxPooling2D(2) -> Flatten ->
    Dense(10, softmax), 16,330 parameters. Extra Activation, ReLU or Dropout layers are
    fine. The check compares every layer's output shape and parameter count, the
    activations, and that the output is a probability distribution; ``hidden=True`` also
    checks that a new model is built on every call.

    >>> import keras
    >>> cnn_spec(lambda: keras.Sequential([keras.Input(shape=(28, 28, 1)),
    ...     keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: Layer 1 of the model is Flatten...
    """
    import keras

    name = "build_small_cnn"
    model = _get_model(build, name)
    try:
        shape = tuple(model.inputs[0].shape) if model.inputs else None
    except (AttributeError, ValueError):
        shape = None
    if shape is not None and shape != (None, 28, 28, 1):
        _fail(f"The model's input has shape {shape}, expected (None, 28, 28, 1).",
              "start with keras.Input(shape=(28, 28, 1)): height, width, one channel.")
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    kinds = (keras.layers.Conv2D, keras.layers.MaxPooling2D, keras.layers.Flatten,
             keras.layers.Dense)
    main = [(i, layer) for i, layer in enumerate(layers) if isinstance(layer, kinds)]
    current = (None, 28, 28, 1)
    previous = -1  # index in `layers` of the last spec layer seen
    for number, ((spec, want_shape, want_params), (index, layer)) in enumerate(
            zip(CNN_SPEC, main, strict=False), start=1):
        kind = spec.split("(")[0]
        if type(layer).__name__ != kind:
            _fail(f"Layer {number} of the model is {type(layer).__name__}, expected {spec}.",
                  f"the spec, layer by layer: {_SPEC_TEXT}.")
        for skipped in layers[previous + 1:index]:  # Dropout, Activation...: same shape
            current = tuple(skipped.compute_output_shape(current))
        previous = index
        layer_input = current
        try:
            current = tuple(layer.compute_output_shape(layer_input))
        except Exception as exc:  # e.g. a kernel larger than its input
            _fail(f"Layer {number} ({spec}) cannot take an input of shape {current}: {exc}",
                  f"the spec, layer by layer: {_SPEC_TEXT}.", cause=exc)
        if current[1:] != want_shape:
            hint = f"the spec, layer by layer: {_SPEC_TEXT}."
            if kind == "Conv2D":
                hint = ("'same' padding keeps height and width, 'valid' shrinks them by "
                        "kernel size - 1; the number of filters is the last axis.")
            _fail(f"Layer {number} ({type(layer).__name__}) outputs shape {current[1:]}, "
                  f"expected {want_shape} ({spec}).", hint)
        if not layer.built:  # a Sequential model without keras.Input is built lazily
            layer.build(layer_input)
        params = layer.count_params()
        if params != want_params:
            hint = "a Conv2D has (kh * kw * input channels + 1) * filters parameters."
            if kind == "Conv2D" and tuple(layer.kernel_size) != (3, 3):
                hint = f"the spec's kernels are 3x3; this layer's are {tuple(layer.kernel_size)}."
            elif not getattr(layer, "use_bias", True):
                hint = "keep the biases (use_bias=True, the default): the spec counts them."
            _fail(f"Layer {number} ({spec}) has {params} parameters, expected {want_params}.",
                  hint)
        if kind == "Conv2D" and not _relu_follows(layers, index):
            _fail(f"Layer {number} ({spec}) has no ReLU.",
                  "pass activation='relu' to the Conv2D layer.")
        if kind == "Dense" and _activation(layer) != "softmax":
            _fail(f"The last layer has activation {_activation(layer) or '?'!r}, expected "
                  "'softmax'.", "Dense(10, activation='softmax') turns scores into "
                  "probabilities of the 10 classes.")
    if len(main) != len(CNN_SPEC):
        found = ", ".join(type(layer).__name__ for _, layer in main)
        _fail(f"The model has {len(main)} Conv2D/MaxPooling2D/Flatten/Dense layers ({found}), "
              f"expected {len(CNN_SPEC)}.", f"the spec, layer by layer: {_SPEC_TEXT}.")
    if main[-1][0] != len(layers) - 1:
        extra = ", ".join(type(layer).__name__ for layer in layers[main[-1][0] + 1:])
        _fail(f"The model has layers after Dense(10, softmax): {extra}.",
              "the softmax layer is the last: its outputs are the class probabilities.")
    x = np.random.default_rng(0).uniform(size=(3, 28, 28, 1)).astype("float32")
    try:
        probs = keras.ops.convert_to_numpy(model(x, training=False))
    except Exception as exc:  # an unusual model that the layer walk did not catch
        _fail(f"model(x) raised {type(exc).__name__}: {exc}", None, cause=exc)
    expect_close(np.asarray(probs, dtype=float).sum(axis=1), np.ones(3),
                 "the sum of the 10 outputs for each of 3 images", rtol=1e-4,
                 hint="the outputs should be probabilities: end with a softmax.")
    total = sum(params for _, _, params in CNN_SPEC)
    if model.count_params() != total:
        _fail(f"The model has {model.count_params()} parameters, expected {total}.",
              f"the spec, layer by layer: {_SPEC_TEXT}.")
    if hidden and _get_model(build, name) is model:
        _fail(f"{name}() returned the same model object twice.",
              "create the layers and the model inside the function, so that every call "
              "builds a new, untrained model.")
    passed(name, f"{len(CNN_SPEC)} layers, shapes and {total:,} parameters")
