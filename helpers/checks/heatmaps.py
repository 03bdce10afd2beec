"""Checks for notebook 05: occlusion heatmaps.

The notebook imports them as ``from helpers.checks import heatmaps as check``:

* ``check.occlude(fn)``: ``fn(image, top, left, patch, baseline)``, a copy of the image
  with one square patch covered;
* ``check.forward_passes(fn)``: ``fn(height, width, patch, stride)``, how many images an
  occlusion map sends through the model;
* ``check.occlusion_loop(fn)``: ``fn(predict, image, class_index, patch, stride, baseline)``,
  an occlusion map computed one patch at a time, compared with
  ``helpers.heatmaps.occlusion_map``;
* ``check.cam(fn)``: ``fn(feature_maps, weights, class_index, size)``, the class activation
  map of one class from the last feature maps and the dense weights, upsampled, compared
  with ``helpers.heatmaps.class_activation_map``.

Each check takes ``hidden=True`` to try the extra cases of the grading run.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator

import numpy as np

from helpers import heatmaps
from helpers.checks import (
    _fail,
    _short,
    call_student,
    expect_close,
    expect_count,
    hidden_rng,
    passed,
)

__all__ = ["occlude", "forward_passes", "occlusion_loop", "cam"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "occlude": ("helpers.heatmaps.occlude",),
    "forward_passes": ("helpers.heatmaps.patch_positions",),
    "occlusion_loop": ("helpers.heatmaps.occlusion_map",),
    "cam": ("helpers.heatmaps.class_activation_map", "helpers.heatmaps.grad_cam"),
}

# The real functions, kept before occlusion_loop and cam hide them from the student's code.
_OCCLUSION_MAP = heatmaps.occlusion_map
_CAM = heatmaps.class_activation_map
_GRAD_CAM = heatmaps.grad_cam


def _as_array(got) -> np.ndarray | None:
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None


def _matches(got, candidate) -> bool:
    arr = _as_array(got)
    candidate = np.asarray(candidate, dtype=float)
    # float32 (what Keras takes) against float64 differs in the 7th digit.
    return arr is not None and arr.shape == candidate.shape and bool(
        np.allclose(arr, candidate, rtol=1e-4, atol=1e-5))


# ---------------------------------------------------------------- exercise: occlude one patch


def _occlude_cases(hidden: bool) -> list[tuple[np.ndarray, int, int, int, object]]:
    """(image, top, left, patch, baseline); a grey image first, then the catches."""
    rng = hidden_rng(17) if hidden else np.random.default_rng(5)
    grey = np.arange(30, dtype=float).reshape(5, 6) / 30
    if not hidden:
        return [
            (grey, 1, 2, 2, 0.0),
            (grey, 3, 4, 2, 0.5),  # flush with the bottom-right corner
            (rng.uniform(size=(6, 9)), 0, 5, 3, 0.0),  # top != left: rows and columns differ
            (rng.uniform(size=(4, 5, 3)), 1, 1, 3, np.array([0.1, 0.2, 0.3])),  # per channel
            (rng.uniform(size=(4, 4)), 0, 0, 4, 0.25),  # the patch is the whole image
            (rng.uniform(size=(3, 7)), 2, 6, 1, 1.0),  # a single pixel in the last column
        ]
    return [
        (rng.uniform(size=(8, 5)), 4, 1, 4, -1.0),
        (rng.uniform(size=(6, 6, 3)), 3, 0, 3, 0.5),
        (rng.uniform(size=(7, 10, 2)), 0, 7, 3, np.array([2.0, -2.0])),
        (rng.uniform(size=(9, 9)), 8, 8, 1, 0.0),
        (rng.uniform(size=(2, 12)), 0, 3, 2, 0.75),
    ]


def _occlude_hint(got, image, top, left, patch, baseline) -> str:
    arr = _as_array(got)
    if arr is not None and arr.shape != image.shape:
        return (f"return an image of the same shape as the input ({image.shape}): only the "
                "pixels under the patch change.")
    height, width = image.shape[:2]
    if top != left and left <= height - patch and top <= width - patch and _matches(
            got, heatmaps.occlude(image, left, top, patch, baseline)):
        return ("you swapped rows and columns: `top` is the row (the first index), `left` "
                "the column: image[top:top + patch, left:left + patch].")
    for other in (patch - 1, patch + 1):
        if 1 <= other and top + other <= height and left + other <= width and _matches(
                got, heatmaps.occlude(image, top, left, other, baseline)):
            return (f"your square is {other} pixels wide instead of {patch}: the slice "
                    "top:top + patch holds exactly `patch` rows (the end is excluded).")
    if _matches(got, heatmaps.occlude(image, top, left, patch, 0.0)):
        return "fill the patch with `baseline`, not with 0."
    if image.ndim == 3:
        first_only = image.copy()
        first_only[top:top + patch, left:left + patch, 0] = np.broadcast_to(
            baseline, image.shape)[top:top + patch, left:left + patch, 0]
        if _matches(got, first_only):
            return ("cover every channel: index only the first two axes, "
                    "image[top:top + patch, left:left + patch] = baseline.")
    if _matches(got, image):
        return "nothing was covered: set the patch's pixels to `baseline` in the copy."
    return ("copy the image (image.copy(), as floats), then set "
            "copy[top:top + patch, left:left + patch] = baseline.")


def occlude(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(image, top, left, patch, baseline)``: one patch covered, in a copy.

    Compares with ``helpers.heatmaps.occlude`` on grey and colour images, patches in the
    corners, a patch as large as the image, and a baseline given per channel; the image
    passed in must not change. Swapping rows and columns fails with a hint:

    >>> occlude(lambda image, top, left, patch, baseline: heatmaps.occlude(
    ...     image, left, top, patch, baseline))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_occlude(image (5, 6), top=1, left=2, patch=2, ...
    Hint: you swapped rows and columns...
    """
    name = "my_occlude"
    cases = _occlude_cases(hidden)
    for image, top, left, patch, baseline in cases:
        call = (f"{name}(image {image.shape}, top={top}, left={left}, patch={patch}, "
                f"baseline={_short(baseline, 40)})")
        args = (image.copy(), top, left, patch,
                baseline.copy() if isinstance(baseline, np.ndarray) else baseline)
        got = call_student(student, args, name, call,
                           "image[top:top + patch, left:left + patch] is the patch.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the new image?", None)
        if not np.array_equal(args[0], image):
            _fail(f"{call} changed the image it was given.",
                  "work on a copy (out = image.copy()): the occlusion map needs the original "
                  "image for every patch.")
        expected = heatmaps.occlude(image, top, left, patch, baseline)
        if not _matches(got, expected):
            expect_close(got, expected, call,
                         hint=_occlude_hint(got, image, top, left, patch, baseline))
    passed(name, f"{len(cases)} {'hidden ' if hidden else ''}cases")


# ------------------------------------------------------------- exercise: forward passes


def _passes(height: int, width: int, patch: int, stride: int, *, flush: bool = True,
            image: bool = True) -> int:
    """The answer, and (with flush or image False) the two likeliest mistakes."""
    def starts(side: int) -> int:
        return (math.ceil if flush else math.floor)((side - patch) / stride) + 1

    return starts(height) * starts(width) + int(image)


_PASSES_CASES = [(28, 28, 8, 4), (25, 25, 8, 4), (10, 12, 4, 3), (50, 50, 8, 4),
                 (224, 224, 32, 16), (5, 5, 5, 1), (7, 9, 1, 1), (300, 451, 40, 20)]
_PASSES_HIDDEN = [(32, 32, 5, 3), (50, 50, 16, 8), (13, 29, 6, 6), (100, 60, 10, 7),
                  (3, 3, 2, 2)]


def _passes_hint(got, height: int, width: int, patch: int, stride: int) -> str:
    no_image = _passes(height, width, patch, stride, image=False)
    no_flush = _passes(height, width, patch, stride, flush=False)
    if got == no_image:
        return ("add the forward pass of the image itself: it gives p(class | image), "
                "which every drop is measured from.")
    if got in (no_flush, no_flush - 1):
        return ("when the last stride does not end at the edge, one more patch starts at "
                "side - patch (flush with the edge): that makes ceil, not floor, of "
                "(side - patch) / stride, plus 1.")
    return ("per axis: ceil((side - patch) / stride) + 1 starts; one patch per pair of "
            "starts; plus one pass for the image itself.")


def forward_passes(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(height, width, patch, stride)``: images an occlusion map sends through.

    One image per patch position (``heatmaps.patch_positions`` along each axis: every
    ``stride`` pixels, plus one flush with the far edge when needed) and one for the
    image itself. Forgetting that last one fails with a hint:

    >>> forward_passes(lambda h, w, p, s: (math.ceil((h - p) / s) + 1)
    ...                * (math.ceil((w - p) / s) + 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: count_forward_passes(28, 28, 8, 4) is 36, expected 37.
    Hint: add the forward pass of the image itself...
    """
    name = "count_forward_passes"
    cases = _PASSES_CASES + (_PASSES_HIDDEN if hidden else [])
    for height, width, patch, stride in cases:
        call = f"{name}({height}, {width}, {patch}, {stride})"
        got = call_student(student, (height, width, patch, stride), name, call, None)
        expected = _passes(height, width, patch, stride)
        expect_count(got, expected, call, "count",
                     hint=lambda wrong, case=(height, width, patch, stride):
                         _passes_hint(wrong, *case),
                     float_hint="math.ceil returns an int; avoid / without rounding in the "
                                "final count.")
    passed(name, f"{len(cases)} cases")


# ------------------------------------------------------ exercise: the loop version of the map


class _TopLeftSensor:
    """A 'model' whose class-1 probability depends on the mean of one patch of the image."""

    def __init__(self, top: int, left: int, size: int) -> None:
        self.box = (slice(top, top + size), slice(left, left + size))

    def __call__(self, batch):
        batch = np.asarray(batch, dtype=float)
        mean = batch[:, self.box[0], self.box[1]].reshape(len(batch), -1).mean(axis=1)
        p = 1.0 / (1.0 + np.exp(-8.0 * (mean - 0.3)))
        return np.stack([1.0 - p, p], axis=1)


class _Softmax:
    """A linear softmax classifier over the flattened image: every pixel matters a bit."""

    def __init__(self, shape: tuple[int, ...], classes: int,
                 seed: int | np.random.Generator) -> None:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        size = int(np.prod(shape))
        # Logits of order 1: a saturated softmax would make every drop ~0 and hide mistakes.
        self.weights = rng.normal(0.0, 3.0 / np.sqrt(size), size=(size, classes))

    def __call__(self, batch):
        batch = np.asarray(batch, dtype=float)
        logits = batch.reshape(len(batch), -1) @ self.weights
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


def _loop_cases(hidden: bool) -> list[tuple[Callable, np.ndarray, int, int, int, object]]:
    """(predict, image, class_index, patch, stride, baseline)."""
    rng = hidden_rng(23) if hidden else np.random.default_rng(7)
    if not hidden:
        return [
            (_TopLeftSensor(2, 3, 3), rng.uniform(0.4, 1.0, size=(8, 8)), 1, 3, 1, 0.0),
            (_Softmax((10, 11), 3, 1), rng.uniform(size=(10, 11)), 2, 4, 3, 0.0),  # flush column
            (_Softmax((7, 7, 3), 4, 2), rng.uniform(size=(7, 7, 3)), 0, 3, 2,
             np.array([0.5, 0.4, 0.3])),
            (_Softmax((6, 6), 2, 3), rng.uniform(size=(6, 6)), 1, 2, 2, 0.5),  # no overlap
            (_Softmax((5, 5), 3, 4), rng.uniform(size=(5, 5)), 1, 5, 1, 0.0),  # one patch
        ]
    return [
        (_Softmax((9, 12), 5, rng), rng.uniform(size=(9, 12)), 4, 4, 3, 0.2),
        (_TopLeftSensor(5, 0, 4), rng.uniform(0.4, 1.0, size=(9, 9)), 1, 2, 2, 0.0),
        (_Softmax((8, 6, 2), 3, rng), rng.uniform(size=(8, 6, 2)), 2, 3, 2, np.array([1.0, 0.0])),
        (_Softmax((4, 13), 2, rng), rng.uniform(size=(4, 13)), 0, 3, 3, -0.5),
    ]


def _variant(predict, image, class_index, patch, stride, baseline, *, flush=True,
             average=True, sign=1.0) -> np.ndarray:
    """The map computed with one rule changed: what a plausible mistake returns."""
    height, width = image.shape[:2]
    p_image = predict(image[None])[0, class_index]
    total, count = np.zeros((height, width)), np.zeros((height, width))

    def starts(side: int) -> np.ndarray:
        found = heatmaps.patch_positions(side, patch, stride)
        return found if flush else np.arange(0, side - patch + 1, stride)

    for top in starts(height):
        for left in starts(width):
            covered = heatmaps.occlude(image, int(top), int(left), patch, baseline)
            drop = sign * (p_image - predict(covered[None])[0, class_index])
            total[top:top + patch, left:left + patch] += drop
            count[top:top + patch, left:left + patch] += 1
    if not average:
        return total
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _loop_hint(got, predict, image, class_index, patch, stride, baseline) -> str:
    args = (predict, image, class_index, patch, stride, baseline)
    arr = _as_array(got)
    rows = len(heatmaps.patch_positions(image.shape[0], patch, stride))
    cols = len(heatmaps.patch_positions(image.shape[1], patch, stride))
    if arr is not None and arr.shape == (rows, cols):
        return (f"you returned one drop per patch position ({rows}x{cols}); the map has the "
                "image's height and width: add each drop to every pixel its patch covers, "
                "and divide by how many patches covered the pixel.")
    if arr is not None and arr.shape != image.shape[:2]:
        return f"the map has the image's height and width, {image.shape[:2]}."
    if _matches(got, _variant(*args, sign=-1.0)):
        return ("the sign is flipped: the drop is p(image) - p(image with the patch "
                "covered), positive where covering the patch lowers the probability.")
    if _matches(got, _variant(*args, average=False)):
        return ("you summed the drops of the patches that cover a pixel: divide by how "
                "many patches cover it (keep a count array next to the sum).")
    if _matches(got, _variant(*args, flush=False)):
        return ("the pixels near the right or bottom edge are missing: when the last stride "
                "does not reach the edge, add a patch flush with it; "
                "heatmaps.patch_positions(side, patch, stride) gives these starts.")
    return ("for each (top, left) start: drop = p(image) - p(occluded image); add the drop "
            "to total[top:top + patch, left:left + patch] and 1 to count[...]; return "
            "total / count. predict takes a batch: predict(image[None])[0, class_index].")


@contextlib.contextmanager
def _without_reference() -> Iterator[None]:
    """Make ``heatmaps.occlusion_map`` refuse to run while the student's code runs."""
    def refuse(*args, **kwargs):
        _fail("my_occlusion_map calls heatmaps.occlusion_map, the function the check "
              "compares with.", "compute the map yourself, one patch at a time; "
              "heatmaps.occlude and heatmaps.patch_positions are allowed.")

    heatmaps.occlusion_map = refuse
    try:
        yield
    finally:
        heatmaps.occlusion_map = _OCCLUSION_MAP


def occlusion_loop(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(predict, image, class_index, patch, stride, baseline)`` against
    ``helpers.heatmaps.occlusion_map``;
* ``check.cam(fn)``: ``fn(feature_maps, weights, class_index, size)``, the class activation
  map of one class from the last feature maps and the dense weights, upsampled, compared
  with ``helpers.heatmaps.class_activation_map``.

    The cases: a 'model' that looks at one patch only, linear softmax models on grey and
    colour images, strides that leave a patch flush with the edge, patches that do not
    overlap, and one patch as large as the image. A map that sums the drops instead of
    averaging them fails with a hint:

    >>> def summed(predict, image, class_index, patch, stride, baseline):
    ...     total = np.zeros(image.shape[:2])
    ...     p = predict(image[None])[0, class_index]
    ...     for top in heatmaps.patch_positions(image.shape[0], patch, stride):
    ...         for left in heatmaps.patch_positions(image.shape[1], patch, stride):
    ...             covered = heatmaps.occlude(image, top, left, patch, baseline)
    ...             drop = p - predict(covered[None])[0, class_index]
    ...             total[top:top + patch, left:left + patch] += drop
    ...     return total
    >>> occlusion_loop(summed)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_occlusion_map(predict, image (8, 8), class_index=1, ...
    Hint: you summed the drops...
    """
    name = "my_occlusion_map"
    cases = _loop_cases(hidden)
    for predict, image, class_index, patch, stride, baseline in cases:
        call = (f"{name}(predict, image {image.shape}, class_index={class_index}, "
                f"patch={patch}, stride={stride}, baseline={_short(baseline, 40)})")
        args = (predict, image.copy(), class_index, patch, stride,
                baseline.copy() if isinstance(baseline, np.ndarray) else baseline)
        with _without_reference():
            got = call_student(student, args, name, call,
                               "predict takes a batch of images: predict(image[None]) gives an "
                               "array of shape (1, classes).")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the map?", None)
        if not np.array_equal(args[1], image):
            _fail(f"{call} changed the image it was given.",
                  "cover the patch in a copy (heatmaps.occlude returns one).")
        expected = _OCCLUSION_MAP(predict, image, class_index, patch, stride, baseline,
                                  progress=False)
        if not _matches(got, expected):
            expect_close(got, expected, call, rtol=1e-4, atol=1e-5,
                         hint=_loop_hint(got, predict, image, class_index, patch, stride,
                                         baseline))
    passed(name, f"{len(cases)} {'hidden ' if hidden else ''}cases")


# --------------------------------------------------------------- exercise: a CAM from scratch


def _cam_cases(hidden: bool) -> list[tuple[np.ndarray, np.ndarray, int, tuple[int, int]]]:
    """(feature_maps (h, w, k), weights (k, classes), class_index, size)."""
    rng = hidden_rng(29) if hidden else np.random.default_rng(11)

    def features(h: int, w: int, k: int) -> np.ndarray:
        return np.maximum(rng.normal(size=(h, w, k)), 0.0)  # after a ReLU, as in a CNN

    if not hidden:
        return [
            (features(3, 3, 2), rng.normal(size=(2, 3)), 1, (6, 6)),
            (features(9, 9, 32), rng.normal(size=(32, 2)), 1, (50, 50)),  # the face detector
            (features(4, 4, 4), rng.normal(size=(4, 4)), 2, (8, 12)),  # square weights
            (features(5, 7, 3), rng.normal(size=(3, 5)), 0, (10, 14)),
            (features(4, 4, 2), rng.normal(size=(2, 2)), 0, (4, 4)),  # no stretching needed
        ]
    side = int(rng.integers(3, 8))
    return [
        (features(side, side, 6), rng.normal(size=(6, 6)), int(rng.integers(6)),
         (4 * side, 3 * side)),
        (features(side + 2, side, 5), rng.normal(size=(5, 3)), int(rng.integers(3)),
         (2 * side + 4, 5 * side)),
        (features(7, 7, 16), rng.normal(size=(16, 10)), int(rng.integers(10)), (28, 28)),
    ]


def _cam_hint(got, feature_maps, weights, class_index, size) -> str:
    arr = _as_array(got)
    height, width, channels = feature_maps.shape
    right = feature_maps @ weights[:, class_index]
    if arr is not None and arr.shape == (height, width) and tuple(size) != (height, width):
        return (f"your map has the feature maps' size {height}x{width}: stretch it to the "
                f"image's size with heatmaps.upsample(cam, size).")
    if arr is not None and arr.shape != tuple(size):
        return (f"the map is 2-D with the image's size {tuple(size)}: sum the weighted feature "
                "maps over the channel axis (feature_maps @ weights[:, class_index]), then "
                "heatmaps.upsample(cam, size).")
    up = heatmaps.upsample
    if weights.shape[0] == weights.shape[1] and _matches(
            got, up(feature_maps @ weights[class_index], size)):
        return ("you took a row of the weights: a Dense kernel has shape (channels, classes), "
                "so class c's weights are the column weights[:, c].")
    if _matches(got, np.maximum(up(right, size), 0.0)):
        return ("CAM keeps its sign (negative where the features argue against the class); "
                "the ReLU belongs to Grad-CAM. Return the weighted sum as it is.")
    if _matches(got, up(right / channels, size)):
        return "sum over the channels (sum_k w_k A_k), don't average them."
    if _matches(got, up(feature_maps @ weights.sum(axis=1), size)):
        return ("use the weights of class_index only (one column), not the sum over all "
                "classes.")
    for other in range(weights.shape[1]):
        if other != class_index and _matches(got, up(feature_maps @ weights[:, other], size)):
            return (f"that is the map of class {other}: take the column "
                    f"weights[:, class_index].")
    from skimage.transform import resize

    for order, mode, how in ((1, "reflect", "skimage's default mode='reflect'"),
                             (0, "edge", "nearest-neighbour stretching")):
        if _matches(got, resize(right, size, order=order, mode=mode, anti_aliasing=False)):
            return (f"right map, stretched differently ({how}): use heatmaps.upsample(cam, "
                    "size), which is bilinear with the edges held, as Keras resizes.")
    return ("cam = sum over k of weights[k, class_index] * feature_maps[:, :, k], that is "
            "feature_maps @ weights[:, class_index]; then heatmaps.upsample(cam, size).")


@contextlib.contextmanager
def _without_cam() -> Iterator[None]:
    """Make ``heatmaps.class_activation_map`` and ``grad_cam`` refuse during the student's code."""
    def refuse(*args, **kwargs):
        _fail("my_cam calls a course function that computes the map (heatmaps."
              "class_activation_map or heatmaps.grad_cam), the answer the check compares with.",
              "compute the weighted sum yourself with numpy; heatmaps.upsample is allowed.")

    heatmaps.class_activation_map = heatmaps.grad_cam = refuse
    try:
        yield
    finally:
        heatmaps.class_activation_map, heatmaps.grad_cam = _CAM, _GRAD_CAM


def cam(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(feature_maps, weights, class_index, size)`` against
    ``helpers.heatmaps.class_activation_map``.

    ``feature_maps`` has shape (height, width, channels), ``weights`` (channels, classes)
    as a Dense kernel; the answer is ``sum_k weights[k, class_index] * feature_maps[..., k]``
    stretched to ``size`` with ``heatmaps.upsample``. The cases include the face
    detector's shapes (9x9x32 maps, 2 classes, a 50x50 image), square weights (where a
    row instead of a column goes unnoticed by the shapes), non-square maps and images.
    Forgetting to stretch the map fails with a hint:

    >>> cam(lambda f, w, c, size: f @ w[:, c])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_cam(feature_maps (3, 3, 2), weights (2, 3), ...
    Hint: your map has the feature maps' size 3x3: stretch it...
    """
    name = "my_cam"
    cases = _cam_cases(hidden)
    for feature_maps, weights, class_index, size in cases:
        call = (f"{name}(feature_maps {feature_maps.shape}, weights {weights.shape}, "
                f"class_index={class_index}, size={size})")
        args = (feature_maps.copy(), weights.copy(), class_index, size)
        with _without_cam():
            got = call_student(student, args, name, call,
                               "feature_maps has shape (height, width, channels) and weights "
                               "(channels, classes), as a Dense kernel: class c's weights are "
                               "the column weights[:, c].")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the map?", None)
        if not (np.array_equal(args[0], feature_maps) and np.array_equal(args[1], weights)):
            _fail(f"{call} changed the arrays it was given.",
                  "compute a new array (feature_maps @ weights[:, class_index] is one).")
        expected = _CAM(feature_maps, weights, class_index, size)
        if not _matches(got, expected):
            expect_close(got, expected, call, rtol=1e-4, atol=1e-5,
                         hint=_cam_hint(got, feature_maps, weights, class_index, size))
    passed(name, f"{len(cases)} {'hidden ' if hidden else ''}cases")
