"""Checks for notebook 10: box formats, IoU, and a box from a map of yes/no cells.

The notebook imports them as ``from helpers.checks import localization as check``:

* ``check.box_formats(to_centre, to_corners)``: corners (x_min, y_min, x_max, y_max) <->
  centre and size (x_c, y_c, w, h), for one box (4,) and for n boxes (n, 4);
* ``check.iou(fn)``: ``fn(box_a, box_b)``, intersection over union, single and pairwise;
* ``check.box_from_grid(fn)``: ``fn(prob_map, cell, threshold)``, the box around the cells
  that say yes.

Each compares with the reference in ``helpers.localization`` (itself tested against
Keras' ``keras.utils.bounding_boxes`` and against counting pixels).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.checks import _fail, _short, call_student, hidden_rng, passed
from helpers.localization import boxes_from_grid, convert_boxes
from helpers.localization import iou as reference_iou

__all__ = ["box_formats", "iou", "box_from_grid"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "box_formats": ("helpers.localization.convert_boxes",),
    "iou": ("helpers.localization.iou",),
    "box_from_grid": ("helpers.localization.boxes_from_grid",),
}


def _numbers(got, call: str, expected: np.ndarray, hint: str | None) -> np.ndarray:
    """``got`` as a float array of ``expected``'s shape, or a CheckFailed saying what is wrong."""
    if got is None:
        _fail(f"{call} returned None: did you forget to `return` the result?", None)
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{call} returned {_short(got)}, expected numbers like {_short(expected)}.", hint)
    if arr.shape != expected.shape:
        _fail(f"{call} has shape {arr.shape}, expected shape {expected.shape}.", hint)
    return arr


def _same(got: np.ndarray, candidate) -> bool:
    candidate = np.asarray(candidate, dtype=float)
    return got.shape == candidate.shape and bool(np.allclose(got, candidate, atol=1e-9))


def _text(values) -> str:
    values = np.asarray(values, dtype=float)
    if values.ndim == 0:  # one IoU: 0.1429, not array(0.14285714)
        return f"{float(values):.4g}"
    return np.array2string(values, separator=", ", precision=4,
                           suppress_small=True).replace("\n", "")


# ------------------------------------------------------------------ exercise: box formats

_FORMAT_BOXES = np.array([[2.0, 4.0, 8.0, 10.0],  # a square
                          [10.0, 3.0, 15.0, 27.0],  # tall, odd width: a centre at .5
                          [0.0, 0.0, 64.0, 64.0],  # the whole canvas
                          [30.0, 12.0, 30.0, 20.0],  # zero width
                          [0.125, 0.25, 0.5, 0.375]])  # normalised coordinates
_FORMAT_HIDDEN = np.array([[5.0, 40.0, 60.0, 41.0], [0.0, 0.0, 1.0, 1.0],
                           [17.5, 2.25, 33.0, 9.75], [63.0, 63.0, 64.0, 64.0]])


def _to_centre_hint(got: np.ndarray, boxes: np.ndarray) -> str:
    x0, y0, x1, y1 = (boxes[..., i] for i in range(4))
    w, h = x1 - x0, y1 - y0
    right = np.stack([(x0 + x1) / 2, (y0 + y1) / 2, w, h], axis=-1)
    if _same(got, np.stack([(x0 + x1) / 2, (y0 + y1) / 2, x1, y1], axis=-1)):
        return "the width is x_max - x_min, not x_max (and the height y_max - y_min)."
    if _same(got, np.stack([x0 + w, y0 + h, w, h], axis=-1)) or _same(
            got, np.stack([x0 + x1, y0 + y1, w, h], axis=-1)):
        return "the centre is the midpoint, (x_min + x_max) / 2, halfway along the box."
    if _same(got, right[..., [2, 3, 0, 1]]):
        return "the order is (x_c, y_c, w, h): the centre first, then the size."
    if _same(got, right[..., [1, 0, 3, 2]]):
        return "x comes first: (x_c, y_c, w, h), with x from columns 0 and 2 of the corners."
    if _same(got, right * [1, 1, -1, -1]):
        return "the size is max - min, a positive number."
    return ("x_c = (x_min + x_max) / 2, y_c = (y_min + y_max) / 2, w = x_max - x_min, "
            "h = y_max - y_min.")


def _to_corners_hint(got: np.ndarray, boxes: np.ndarray) -> str:
    xc, yc, w, h = (boxes[..., i] for i in range(4))
    if _same(got, np.stack([xc - w, yc - h, xc + w, yc + h], axis=-1)):
        return ("the centre is half a width from each side: x_min = x_c - w / 2, "
                "x_max = x_c + w / 2.")
    if _same(got, np.stack([xc, yc, xc + w, yc + h], axis=-1)):
        return ("(x_c, y_c) is the centre, not the top-left corner: x_min = x_c - w / 2, "
                "x_max = x_c + w / 2.")
    if _same(got, np.stack([yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2], axis=-1)):
        return "x comes first: (x_min, y_min, x_max, y_max)."
    return "x_min = x_c - w / 2, y_min = y_c - h / 2, x_max = x_c + w / 2, y_max = y_c + h / 2."


def _format_shape_hint(got, expected: np.ndarray) -> str | None:
    try:
        shape = np.asarray(got, dtype=float).shape
    except (TypeError, ValueError):
        return None
    if expected.ndim == 2 and shape == expected.shape[::-1]:
        return ("you stacked along the first axis: use np.stack([...], axis=-1), so that "
                "each box stays a row of 4 numbers.")
    if expected.ndim == 1 and shape == (1, 4):
        return "one box in, one box out: return shape (4,), not (1, 4)."
    return ("index the last axis (boxes[..., 0] is every x_min) and stack with axis=-1: the "
            "same code then works for (4,) and for (n, 4).")


def _check_format(student: Callable, name: str, boxes: np.ndarray, source: str, target: str,
                  hint_for: Callable) -> None:
    original = boxes.copy()
    call = f"{name}({_text(boxes)})"
    got = call_student(student, (boxes,), name, call,
                       "index the last axis: boxes[..., 0], boxes[..., 1], ...")
    if not np.array_equal(boxes, original):
        _fail(f"{call} changed its input in place.",
              "build a new array (np.stack) instead of writing into `boxes`.")
    expected = convert_boxes(original, source, target)
    try:
        shape = np.asarray(got, dtype=float).shape
    except (TypeError, ValueError):
        shape = None
    if shape is not None and shape != expected.shape:
        _numbers(got, call, expected, _format_shape_hint(got, expected))
    arr = _numbers(got, call, expected, None)
    if not np.allclose(arr, expected, rtol=1e-6, atol=1e-9):
        _fail(f"{call} is {_text(arr)}, expected {_text(expected)}.",
              hint_for(arr, original))


def box_formats(to_centre: Callable, to_corners: Callable, *, hidden: bool = False) -> None:
    """Check ``to_centre(boxes)`` (corners -> centre and size) and ``to_corners`` (its inverse).

    Each is tried on one box of shape (4,), then on n boxes of shape (n, 4) (squares, tall
    boxes with a centre at .5, a box of zero width, normalised coordinates), and both
    together on a round trip; the input must not change. Compares with
    ``helpers.localization.convert_boxes``. A centre computed as ``x_min + x_max`` fails
    with a hint:

    >>> box_formats(lambda b: np.stack([b[..., 0] + b[..., 2], b[..., 1] + b[..., 3],
    ...     b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]], axis=-1), None)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: corners_to_centre([ 2.,  4.,  8., 10.]) is [10., 14.,  6.,  6.], ...
    Hint: the centre is the midpoint...
    """
    corners = _FORMAT_HIDDEN if hidden else _FORMAT_BOXES
    centres = convert_boxes(corners, "xyxy", "center_xywh")
    for batch in (corners[0].copy(), corners.copy()):
        _check_format(to_centre, "corners_to_centre", batch, "xyxy", "center_xywh",
                      _to_centre_hint)
    for batch in (centres[0].copy(), centres.copy()):
        _check_format(to_corners, "centre_to_corners", batch, "center_xywh", "xyxy",
                      _to_corners_hint)
    call = "centre_to_corners(corners_to_centre(boxes))"
    centre = call_student(to_centre, (corners.copy(),), "corners_to_centre", call, None)
    back = call_student(to_corners, (np.asarray(centre, dtype=float),), "centre_to_corners",
                        call, None)
    arr = _numbers(back, call, corners, None)
    if not np.allclose(arr, corners, rtol=1e-6, atol=1e-9):
        _fail(f"{call} is {_text(arr)}, expected the boxes back, {_text(corners)}.",
              "the two functions must undo each other.")
    passed("corners_to_centre and centre_to_corners",
           f"{len(corners) + 1} boxes each way and back" + (" (hidden)" if hidden else ""))


# ---------------------------------------------------------------------------- exercise: IoU

# (box_a, box_b, what the case tests): the order of the story, simple to tricky.
_IOU_CASES = [
    ([0, 0, 4, 4], [0, 0, 4, 4], "identical boxes"),
    ([0, 0, 2, 2], [1, 1, 3, 3], "a partial overlap of 1 pixel out of 7"),
    ([0, 0, 4, 4], [1, 1, 3, 3], "a box inside another"),
    ([0, 0, 6, 2], [1, 0, 3, 5], "two rectangles crossing"),
    ([0, 0, 2, 2], [5, 0, 7, 2], "boxes apart along x"),
    ([0, 0, 2, 2], [3, 3, 5, 5], "boxes apart along x and along y"),
    ([0, 0, 2, 2], [2, 0, 4, 2], "boxes that share an edge"),
    ([1, 1, 1, 3], [0, 0, 4, 4], "an empty box (zero width)"),
    ([0.0, 0.0, 0.5, 0.25], [0.25, 0.0, 0.75, 0.25], "normalised coordinates"),
]
_IOU_HIDDEN = [
    ([10, 10, 20, 20], [0, 25, 5, 30], "boxes apart along x and along y"),
    ([2, 2, 2, 2], [2, 2, 2, 2], "two empty boxes: the union is 0"),
    ([0, 0, 10, 10], [0, 0, 10, 5], "a box inside another, sharing three edges"),
    ([3.5, 1.25, 9.0, 7.5], [5.0, 0.0, 12.0, 4.0], "boxes with fractional corners"),
]


_ONE_AREA = ("divide by the union of both boxes, not by the area of one of them: a small box "
             "inside a large one is not a perfect match, and IoU is symmetric.")


def _iou_variants(a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Plausible mistakes, each with the hint that explains it."""
    w = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    h = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    inter = np.maximum(w, 0) * np.maximum(h, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        unclipped = np.maximum(w * h, 0) / (area_a + area_b - np.maximum(w * h, 0))
        plus_one_w = np.maximum(w + 1, 0) * np.maximum(h + 1, 0)
        plus_one = plus_one_w / ((a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
                                 + (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1)
                                 - plus_one_w)
        return {
            "clip the intersection's width and height at 0 each, before multiplying: two "
            "negative overlaps multiply to a positive 'area' when boxes are apart along both "
            "axes.": unclipped,
            "the union counts the intersection twice if you add the two areas: "
            "|A u B| = |A| + |B| - |A n B|.": inter / (area_a + area_b),
            _ONE_AREA: inter / np.minimum(area_a, area_b),
            _ONE_AREA + " ": inter / area_a,  # the same hint; a dict needs another key
            "the maxima are exclusive (like a slice): the width is x_max - x_min, no + 1.":
                plus_one,
        }


def _iou_hint(got: np.ndarray, a: np.ndarray, b: np.ndarray) -> str:
    for hint, wrong in _iou_variants(a, b).items():
        if _same(got, wrong):
            return hint.strip()
    if np.any(np.isnan(got)):
        return "when the union is 0 (both boxes empty), return 0 instead of dividing 0 by 0."
    return ("intersection: from the larger minimum to the smaller maximum on each axis, "
            "clipped at 0; IoU = intersection / (area_a + area_b - intersection).")


_ARRAYS = ("for arrays of n boxes return the n IoUs of the pairs: index the last axis "
           "(box_a[..., 0] is every x_min) instead of unpacking four numbers, and use "
           "np.maximum and np.minimum, not max() and min().")


def _compare_iou(student: Callable, a: np.ndarray, b: np.ndarray, call: str) -> None:
    a_in, b_in = a.copy(), b.copy()
    got = call_student(student, (a_in, b_in), "my_iou", call, _ARRAYS if a.ndim > 1 else
                       "index the last axis (box[..., 0] is x_min) so that one box and n boxes "
                       "both work.")
    if not (np.array_equal(a_in, a) and np.array_equal(b_in, b)):
        _fail(f"{call} changed its input in place.",
              "compute new arrays; leave the boxes as they are.")
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.asarray(reference_iou(a, b), dtype=float)
    hint = None
    if a.ndim == 1:
        hint = "for two single boxes return one number (a float or a 0-d array), not a list."
    elif np.ndim(got) == 0:
        hint = _ARRAYS
    arr = _numbers(got, call, expected, hint)
    if not np.allclose(arr, expected, rtol=1e-6, atol=1e-9):
        _fail(f"{call} is {_text(arr)}, expected {_text(expected)}.", _iou_hint(arr, a, b))


def iou(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(box_a, box_b)``: IoU of boxes in corners format.

    Tries pairs of single boxes (identical, overlapping, one inside the other, apart along
    x or along both axes, sharing an edge, an empty box, normalised coordinates), both
    orders, then all pairs at once as (n, 4) arrays; ``hidden=True`` adds two empty boxes
    (IoU 0), fractional corners and 40 random pairs. Forgetting to clip the intersection
    fails with a hint:

    >>> def unclipped(a, b):
    ...     a, b = np.asarray(a, float), np.asarray(b, float)
    ...     inter = ((np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]))
    ...              * (np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])))
    ...     inter = np.maximum(inter, 0)
    ...     area = lambda x: (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1])
    ...     return inter / (area(a) + area(b) - inter)
    >>> iou(unclipped)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_iou([0., 0., 2., 2.], [3., 3., 5., 5.]) (boxes apart...
    Hint: clip the intersection's width and height at 0 each...
    """
    cases = _IOU_CASES + (_IOU_HIDDEN if hidden else [])
    for box_a, box_b, what in cases:
        for a, b in ((box_a, box_b), (box_b, box_a)):
            a, b = np.array(a, dtype=float), np.array(b, dtype=float)
            _compare_iou(student, a, b, f"my_iou({_text(a)}, {_text(b)}) ({what})")
    many_a = np.array([a for a, _, _ in cases], dtype=float)
    many_b = np.array([b for _, b, _ in cases], dtype=float)
    if hidden:
        rng = hidden_rng(10)
        corners = rng.uniform(0, 64, size=(40, 2, 2))
        extra = np.c_[corners[:, 0].min(axis=1), corners[:, 1].min(axis=1),
                      corners[:, 0].max(axis=1), corners[:, 1].max(axis=1)]
        # At least a pixel wide and high: a sliver of a box makes the IoU a ratio of
        # rounding errors.
        extra[:, 2:] = np.maximum(extra[:, 2:], extra[:, :2] + 1.0)
        many_a, many_b = np.r_[many_a, extra], np.r_[many_b, np.roll(extra, 1, axis=0)]
    _compare_iou(student, many_a, many_b,
                 f"my_iou(box_a, box_b) for arrays of {len(many_a)} pairs of boxes, shape "
                 f"({len(many_a)}, 4)")
    passed("my_iou", f"{len(cases)} pairs both ways, and {len(many_a)} pairs at once"
           + (" (hidden)" if hidden else ""))


# ------------------------------------------------------------- exercise: a box from a map


def _grid(shape: tuple[int, int], yes: list[tuple[int, int]], value: float = 0.9,
          rest: float = 0.1) -> np.ndarray:
    prob = np.full(shape, rest)
    for r, c in yes:
        prob[r, c] = value
    return prob


def _grid_cases(hidden: bool) -> list[tuple[np.ndarray, int, float, str]]:
    """(prob_map, cell, threshold, what the case tests)."""
    if not hidden:
        uneven = _grid((3, 5), [(0, 3), (2, 4)], 0.8)
        uneven[1, 0] = 0.3
        at_threshold = _grid((4, 4), [(1, 1)], 0.9)
        at_threshold[2, 3] = 0.5
        nothing = _grid((4, 4), [], rest=0.2)
        nothing[2, 1] = 0.4
        return [
            (_grid((4, 4), [(1, 0), (1, 1)]), 4, 0.5, "two yes cells side by side"),
            (_grid((8, 8), [(r, c) for r in range(2, 5) for c in range(3, 7)]), 8, 0.5,
             "a block of yes cells"),
            (_grid((8, 8), [(7, 7)]), 8, 0.5, "one yes cell in the bottom-right corner"),
            (uneven, 8, 0.5, "a map with 3 rows and 5 columns"),
            (_grid((6, 6), [(0, 1), (4, 4)]), 4, 0.5, "two separate yes cells"),
            (at_threshold, 8, 0.5, "a cell exactly at the threshold"),
            (uneven, 8, 0.25, "a lower threshold"),
            (np.full((4, 4), 0.7), 16, 0.5, "every cell says yes"),
            (nothing, 8, 0.5, "no cell reaches the threshold"),
        ]
    rng = hidden_rng(5)
    cases = [(_grid((1, 1), [], rest=0.3), 8, 0.5, "a 1x1 map below the threshold"),
             (_grid((2, 7), [(1, 6), (0, 2)], 0.95), 2, 0.9, "a wide map, a high threshold")]
    for k, (shape, cell) in enumerate([((8, 8), 8), ((16, 16), 4), ((5, 9), 3)]):
        prob = rng.uniform(0, 1, size=shape) ** 3
        cases.append((prob, cell, 0.5, f"random map {k + 1}"))
    return cases


_GRID_FORMULA = ("x_min = (smallest column) * cell, y_min = (smallest row) * cell, "
                 "x_max = (largest column + 1) * cell, y_max = (largest row + 1) * cell.")
_GRID_FALLBACK = ("no cell reaches the threshold here: return the box of the single most "
                  "probable cell, np.unravel_index(np.argmax(prob_map), prob_map.shape).")


def _grid_hint(got: np.ndarray, prob: np.ndarray, cell: int, threshold: float) -> str:
    expected = boxes_from_grid(prob, cell, threshold)
    if _same(got, expected[[1, 0, 3, 2]]):
        return ("rows are y and columns are x: x_min comes from the smallest column index, "
                "y_min from the smallest row index.")
    if np.sum(prob >= threshold) and _same(got, boxes_from_grid(prob, cell, np.nextafter(
            threshold, 1.0))) and not _same(expected, boxes_from_grid(
            prob, cell, np.nextafter(threshold, 1.0))):
        return "a probability equal to the threshold counts as yes: use >=, not >."
    if _same(got, expected - [0, 0, cell, cell]):
        return ("the maxima are exclusive: the last cell (column c) ends at pixel "
                "(c + 1) * cell, not c * cell.")
    if _same(got, expected / cell) or _same(got, (expected - [0, 0, cell, cell]) / cell):
        return "return pixels, not cell indices: multiply by `cell`."
    return _GRID_FORMULA if np.any(prob >= threshold) else _GRID_FALLBACK


def box_from_grid(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(prob_map, cell, threshold)``: the pixel box around the yes cells.

    Compares with ``helpers.localization.boxes_from_grid`` on maps with cells side by side,
    a block, a corner cell, 3 rows and 5 columns (x and y mixed up show here), separate
    cells, a probability exactly at the threshold, every cell yes and no cell yes (then
    the most probable cell); ``hidden=True`` tries a 1x1 map, a high threshold and random
    maps. Forgetting that the maxima are exclusive fails with a hint:

    >>> def no_plus_one(prob, cell, threshold=0.5):
    ...     rows, cols = np.nonzero(prob >= threshold)
    ...     return np.array([cols.min(), rows.min(), cols.max(), rows.max()]) * cell
    >>> box_from_grid(no_plus_one)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: box_from_grid(4x4 map, cell=4, threshold=0.5) (two yes cells...
    Hint: the maxima are exclusive...
    """
    cases = _grid_cases(hidden)
    for prob, cell, threshold, what in cases:
        original = prob.copy()
        rows, cols = prob.shape
        call = f"box_from_grid({rows}x{cols} map, cell={cell}, threshold={threshold}) ({what})"
        got = call_student(student, (prob, cell, threshold), "box_from_grid", call,
                           _GRID_FORMULA if np.any(prob >= threshold) else _GRID_FALLBACK)
        if not np.array_equal(prob, original):
            _fail(f"{call} changed the map in place.", "leave prob_map as it is.")
        expected = boxes_from_grid(original, cell, threshold)
        arr = _numbers(got, call, expected, "return one box: an array of 4 numbers.")
        if not np.allclose(arr, expected, atol=1e-9):
            _fail(f"{call} is {_text(arr)}, expected {_text(expected)}.",
                  _grid_hint(arr, original, cell, threshold))
    passed("box_from_grid", f"{len(cases)} maps" + (" (hidden)" if hidden else ""))
