"""The checks of notebook 10 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import CheckFailed
from helpers.checks import localization as check

# -------------------------------------------------------------------------- box formats


def to_centre(boxes):
    boxes = np.asarray(boxes, dtype=float)
    x0, y0, x1, y1 = (boxes[..., i] for i in range(4))
    return np.stack([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], axis=-1)


def to_corners(boxes):
    boxes = np.asarray(boxes, dtype=float)
    xc, yc, w, h = (boxes[..., i] for i in range(4))
    return np.stack([xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2], axis=-1)


def blank(*args):
    raise NotImplementedError()


def test_box_formats_reference_passes(capsys):
    check.box_formats(to_centre, to_corners)
    check.box_formats(to_centre, to_corners, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_box_formats_with_keras_passes():
    import keras

    def convert(source, target):
        return lambda b: keras.ops.convert_to_numpy(
            keras.utils.bounding_boxes.convert_format(b, source, target, dtype="float64"))

    check.box_formats(convert("xyxy", "center_xywh"), convert("center_xywh", "xyxy"),
                      hidden=True)


def test_box_formats_blanks_fail():
    with pytest.raises(CheckFailed, match="corners_to_centre is not implemented"):
        check.box_formats(blank, to_corners)
    with pytest.raises(CheckFailed, match="centre_to_corners is not implemented"):
        check.box_formats(to_centre, blank)


def _stack(*columns):
    return np.stack(columns, axis=-1)


def _cols(b):
    b = np.asarray(b, dtype=float)
    return (b[..., i] for i in range(4))


@pytest.mark.parametrize("wrong_centre, phrase", [
    (lambda b: _stack(*(lambda x0, y0, x1, y1: (x0 + x1, y0 + y1, x1 - x0, y1 - y0))(*_cols(b))),
     "midpoint"),
    (lambda b: _stack(*(lambda x0, y0, x1, y1: ((x0 + x1) / 2, (y0 + y1) / 2, x1, y1))(*_cols(b))),
     "x_max - x_min"),
    (lambda b: to_centre(b)[..., [2, 3, 0, 1]], "the centre first"),
    (lambda b: to_centre(b)[..., [1, 0, 3, 2]], "x comes first"),
    (lambda b: to_centre(b) * [1, 1, -1, -1], "positive"),
    (lambda b: np.stack([c for c in _cols(to_centre(b))], axis=0), "axis=-1"),
    (lambda b: to_centre(np.atleast_2d(b)), "not (1, 4)"),
    (lambda b: b[..., 10], "raised IndexError"),
])
def test_box_formats_wrong_to_centre_fails_with_a_hint(wrong_centre, phrase):
    with pytest.raises(CheckFailed) as info:
        check.box_formats(wrong_centre, to_corners)
    message = str(info.value)
    assert phrase in message and "Hint" in message


@pytest.mark.parametrize("wrong_corners, phrase", [
    (lambda b: _stack(*(lambda xc, yc, w, h: (xc - w, yc - h, xc + w, yc + h))(*_cols(b))),
     "half a width"),
    (lambda b: _stack(*(lambda xc, yc, w, h: (xc, yc, xc + w, yc + h))(*_cols(b))),
     "not the top-left corner"),
    (lambda b: to_corners(b)[..., [1, 0, 3, 2]], "x comes first"),
])
def test_box_formats_wrong_to_corners_fails_with_a_hint(wrong_corners, phrase):
    with pytest.raises(CheckFailed) as info:
        check.box_formats(to_centre, wrong_corners)
    assert phrase in str(info.value) and "expected" in str(info.value)


def test_box_formats_catches_in_place_changes_and_non_functions():
    def in_place(boxes):
        out = to_centre(boxes)
        boxes[...] = 0
        return out

    with pytest.raises(CheckFailed, match="in place"):
        check.box_formats(in_place, to_corners)
    with pytest.raises(CheckFailed, match="should be a function"):
        check.box_formats("to_centre", to_corners)


# ---------------------------------------------------------------------------------- IoU


def iou_reference(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    w = np.maximum(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0)
    h = np.maximum(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0)
    inter = w * h
    union = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
             + (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]) - inter)
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def test_iou_reference_passes(capsys):
    check.iou(iou_reference)
    check.iou(iou_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_iou_with_the_helper_passes():
    from helpers.localization import iou

    check.iou(iou, hidden=True)


def test_iou_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.iou(blank)


def _parts(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    w = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    h = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    return w, h, area_a, area_b


def _unclipped(a, b):
    w, h, area_a, area_b = _parts(a, b)
    inter = np.maximum(w * h, 0)
    return inter / (area_a + area_b - inter)


def _no_subtraction(a, b):
    w, h, area_a, area_b = _parts(a, b)
    return np.maximum(w, 0) * np.maximum(h, 0) / (area_a + area_b)


def _over_smaller(a, b):
    w, h, area_a, area_b = _parts(a, b)
    return np.maximum(w, 0) * np.maximum(h, 0) / np.minimum(area_a, area_b)


def _over_first(a, b):
    w, h, area_a, _ = _parts(a, b)
    return np.maximum(w, 0) * np.maximum(h, 0) / area_a


def _plus_one(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return iou_reference(a + [0, 0, 1, 1], b + [0, 0, 1, 1])


def _scalar_only(a, b):
    # Unpacks four numbers and uses max(): right for single boxes, not for arrays.
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    inter = max(min(ax1, bx1) - max(ax0, bx0), 0) * max(min(ay1, by1) - max(ay0, by0), 0)
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union > 0 else 0.0


def _as_list(a, b):
    return [float(iou_reference(a, b))] if np.ndim(a) == 1 else iou_reference(a, b)


@pytest.mark.parametrize("wrong, phrase", [
    (_unclipped, "clip the intersection's width and height at 0 each"),
    (_no_subtraction, "counts the intersection twice"),
    (_over_smaller, "not by the area of one of them"),
    (_over_first, "not by the area of one of them"),
    (_plus_one, "no + 1"),
    (_scalar_only, "not max() and min()"),
    (lambda a, b: iou_reference(a, b).sum(), "return the n IoUs"),
    (_as_list, "return one number"),
])
def test_iou_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.iou(wrong)
    message = str(info.value)
    assert phrase in message and "Hint" in message


def test_iou_first_failure_names_the_case():
    with pytest.raises(CheckFailed, match=r"\(boxes apart along x and along y\) is 0.1429"):
        check.iou(_unclipped)


def test_iou_hidden_catches_division_by_an_empty_union():
    def nan_when_empty(a, b):
        w, h, area_a, area_b = _parts(a, b)
        inter = np.maximum(w, 0) * np.maximum(h, 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return inter / (area_a + area_b - inter)

    check.iou(nan_when_empty)
    with pytest.raises(CheckFailed, match="union is 0"):
        check.iou(nan_when_empty, hidden=True)


def test_iou_catches_in_place_changes():
    def in_place(a, b):
        out = iou_reference(a, b)
        a[...] = 0
        return out

    with pytest.raises(CheckFailed, match="in place"):
        check.iou(in_place)


@pytest.mark.parametrize("run", [
    lambda wrong: check.box_formats(wrong, to_corners),
    lambda wrong: check.box_formats(to_centre, wrong),
    lambda wrong: check.iou(lambda a, b: wrong(a)),
    lambda wrong: check.box_from_grid(lambda prob_map, cell, threshold: wrong(prob_map)),
])
def test_every_check_says_when_nothing_or_no_numbers_come_back(run):
    with pytest.raises(CheckFailed, match="forget to `return`"):
        run(lambda x: None)
    with pytest.raises(CheckFailed, match="expected numbers"):
        run(lambda x: "half")


# -------------------------------------------------------------------------- box from grid


def grid_reference(prob_map, cell, threshold=0.5):
    prob_map = np.asarray(prob_map, dtype=float)
    rows, cols = np.nonzero(prob_map >= threshold)
    if len(rows) == 0:
        row, col = np.unravel_index(np.argmax(prob_map), prob_map.shape)
        rows, cols = np.array([row]), np.array([col])
    return np.array([cols.min() * cell, rows.min() * cell, (cols.max() + 1) * cell,
                     (rows.max() + 1) * cell], dtype=float)


def test_box_from_grid_reference_passes(capsys):
    check.box_from_grid(grid_reference)
    check.box_from_grid(grid_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_box_from_grid_with_the_helper_passes():
    from helpers.localization import boxes_from_grid

    check.box_from_grid(boxes_from_grid, hidden=True)


def test_box_from_grid_blank_fails():
    with pytest.raises(CheckFailed, match="not implemented"):
        check.box_from_grid(blank)


def _swapped(prob_map, cell, threshold=0.5):
    return grid_reference(prob_map, cell, threshold)[[1, 0, 3, 2]]


def _no_plus_one(prob_map, cell, threshold=0.5):
    return grid_reference(prob_map, cell, threshold) - [0, 0, cell, cell]


def _cells_not_pixels(prob_map, cell, threshold=0.5):
    return grid_reference(prob_map, 1, threshold)


def _strict(prob_map, cell, threshold=0.5):
    return grid_reference(prob_map, cell, np.nextafter(threshold, 1.0))


def _no_fallback(prob_map, cell, threshold=0.5):
    rows, cols = np.nonzero(np.asarray(prob_map) >= threshold)
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], float) * cell


def _ignores_threshold(prob_map, cell, threshold=0.5):
    return grid_reference(prob_map, cell, 0.5)


@pytest.mark.parametrize("wrong, phrase", [
    (_swapped, "rows are y and columns are x"),
    (_no_plus_one, "the maxima are exclusive"),
    (_cells_not_pixels, "multiply by `cell`"),
    (_strict, "use >=, not >"),
    (_no_fallback, "most probable cell"),
    (_ignores_threshold, "x_min = (smallest column) * cell"),
    (lambda prob_map, cell, threshold=0.5: grid_reference(prob_map, cell, threshold)[:2],
     "an array of 4 numbers"),
])
def test_box_from_grid_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.box_from_grid(wrong)
    message = str(info.value)
    assert phrase in message and "Hint" in message


def test_box_from_grid_catches_in_place_changes():
    def in_place(prob_map, cell, threshold=0.5):
        out = grid_reference(prob_map, cell, threshold)
        prob_map[...] = 0
        return out

    with pytest.raises(CheckFailed, match="changed the map in place"):
        check.box_from_grid(in_place)


def test_box_from_grid_hidden_catches_square_only_code():
    def square_only(prob_map, cell, threshold=0.5):
        # Takes the last row of yes cells as the map's size: breaks on 1x1 maps below
        # the threshold, which only the hidden cases have.
        if prob_map.size == 1:
            return np.zeros(4)
        return grid_reference(prob_map, cell, threshold)

    check.box_from_grid(square_only)
    with pytest.raises(CheckFailed, match="1x1 map"):
        check.box_from_grid(square_only, hidden=True)
