"""helpers.localization: scenes with true boxes, IoU, box formats, yes/no grids, drawing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import localization as loc  # noqa: E402

# ------------------------------------------------------------------------------------- IoU


def pixel_iou(a, b, size: int = 40) -> float:
    """IoU by definition: paint both boxes on a grid of pixels and count."""
    grid_a, grid_b = np.zeros((size, size), bool), np.zeros((size, size), bool)
    grid_a[int(a[1]):int(a[3]), int(a[0]):int(a[2])] = True
    grid_b[int(b[1]):int(b[3]), int(b[0]):int(b[2])] = True
    union = (grid_a | grid_b).sum()
    return float((grid_a & grid_b).sum() / union) if union else 0.0


@pytest.mark.parametrize("a, b, expected", [
    ([0, 0, 4, 4], [0, 0, 4, 4], 1.0),  # identical
    ([0, 0, 2, 2], [1, 1, 3, 3], 1 / 7),  # one pixel shared, seven covered
    ([0, 0, 4, 4], [1, 1, 3, 3], 4 / 16),  # contained
    ([0, 0, 6, 2], [1, 0, 3, 5], 4 / 18),  # crossing rectangles
    ([0, 0, 2, 2], [5, 0, 7, 2], 0.0),  # apart along x
    ([0, 0, 2, 2], [3, 3, 5, 5], 0.0),  # apart along both axes: negative * negative
    ([0, 0, 2, 2], [2, 0, 4, 2], 0.0),  # sharing an edge
    ([0, 0, 2, 2], [2, 2, 4, 4], 0.0),  # sharing a corner
    ([1, 1, 1, 3], [0, 0, 4, 4], 0.0),  # an empty box
    ([2, 2, 2, 2], [2, 2, 2, 2], 0.0),  # two empty boxes: union 0
])
def test_iou_of_known_boxes(a, b, expected):
    assert loc.iou(a, b) == pytest.approx(expected)
    assert loc.iou(b, a) == pytest.approx(expected)
    assert isinstance(loc.iou(a, b), float)


def test_iou_matches_counting_pixels_on_random_boxes():
    rng = np.random.default_rng(0)
    corners = rng.integers(0, 40, size=(500, 2, 2))
    a = np.c_[corners[:, 0].min(1), corners[:, 1].min(1), corners[:, 0].max(1) + 1,
              corners[:, 1].max(1) + 1]
    b = np.roll(a, 7, axis=0)
    got = loc.iou(a, b)
    assert got.shape == (500,)
    assert np.mean(got == 0) > 0.1 and np.mean(got > 0) > 0.3  # both kinds of pairs occur
    np.testing.assert_allclose(got, [pixel_iou(x, y) for x, y in zip(a, b, strict=True)],
                               atol=1e-12)


def test_iou_matches_keras():
    import keras

    rng = np.random.default_rng(1)
    corners = rng.uniform(0, 64, size=(60, 2, 2))
    a = np.c_[corners[:, 0].min(1), corners[:, 1].min(1), corners[:, 0].max(1),
              corners[:, 1].max(1)]
    b = np.roll(a, 1, axis=0)
    theirs = keras.ops.convert_to_numpy(keras.utils.bounding_boxes.compute_iou(a, b, "xyxy"))
    np.testing.assert_allclose(loc.iou(a, b), np.diag(theirs), atol=1e-5)
    # Keras' matrix is every box against every box: our broadcasting gives the same.
    np.testing.assert_allclose(loc.iou(a[:, None, :], b[None, :, :]), theirs, atol=1e-5)


def test_iou_broadcasts_and_ignores_units():
    boxes = np.array([[0, 0, 4, 4], [2, 2, 6, 6], [10, 10, 12, 12]], float)
    one = np.array([0, 0, 4, 4], float)
    np.testing.assert_allclose(loc.iou(boxes, one), [1.0, 4 / 28, 0.0])
    np.testing.assert_allclose(loc.iou(boxes / 64, one / 64), loc.iou(boxes, one))


@pytest.mark.parametrize("a, b, error, phrase", [
    ([0, 0, 4], [0, 0, 4, 4], ValueError, "4 numbers"),
    ([[0, 0, 1, 1]] * 3, [[0, 0, 1, 1]] * 2, ValueError, "do not broadcast"),
    ([0, 0, np.nan, 1], [0, 0, 1, 1], ValueError, "nan or inf"),
    ("box", [0, 0, 1, 1], TypeError, "must be numbers"),
    (3.0, [0, 0, 1, 1], ValueError, "4 numbers"),
])
def test_iou_bad_inputs_are_named(a, b, error, phrase):
    with pytest.raises(error, match=phrase):
        loc.iou(a, b)


# ------------------------------------------------------------------------------ scenes


def _shapes() -> tuple[np.ndarray, np.ndarray]:
    """Four 12x12 images: rectangles of known sizes at known places, labels 0..3."""
    images = np.zeros((4, 12, 12), "uint8")
    images[0, 2:5, 3:9] = 255  # 6 wide, 3 high
    images[1, 0:12, 5:7] = 200  # 2 wide, 12 high
    images[2, 4:8, 4:8] = 90
    images[3, 11, 0] = 255  # a single pixel in a corner
    return images, np.arange(4)


SIZES = {0: (6, 3), 1: (2, 12), 2: (4, 4), 3: (1, 1)}


def test_scenes_shapes_dtypes_and_range():
    images, labels = _shapes()
    scenes, boxes, out_labels = loc.make_scenes(images, labels, 50, canvas=32, noise=0.2)
    assert scenes.shape == (50, 32, 32) and scenes.dtype == np.float32
    assert boxes.shape == (50, 4) and boxes.dtype == np.float32
    assert out_labels.shape == (50,) and out_labels.dtype == np.int64
    assert scenes.min() >= 0.0 and scenes.max() <= 1.0
    assert set(out_labels.tolist()) == {0, 1, 2, 3}
    assert np.all(boxes[:, :2] >= 0) and np.all(boxes[:, 2:] <= 32)
    # The noise covers the canvas: the background is not empty.
    outside = np.ones_like(scenes, bool)
    for i, (x0, y0, x1, y1) in enumerate(boxes.astype(int)):
        outside[i, y0:y1, x0:x1] = False
    assert scenes[outside].mean() > 0.05


def test_boxes_are_tight_around_the_object():
    images, labels = _shapes()
    scenes, boxes, out_labels = loc.make_scenes(images, labels, 80, canvas=30, noise=0.0, seed=3)
    for scene, box, label in zip(scenes, boxes, out_labels, strict=True):
        x0, y0, x1, y1 = box.astype(int)
        assert (x1 - x0, y1 - y0) == SIZES[int(label)]
        inside = np.zeros_like(scene, bool)
        inside[y0:y1, x0:x1] = True
        assert not scene[~inside].any(), "object pixels outside the box"
        crop = scene[y0:y1, x0:x1]
        # Tight: every edge row and column of the box holds object pixels.
        assert crop[0].any() and crop[-1].any() and crop[:, 0].any() and crop[:, -1].any()


def test_boxes_enclose_scaled_objects_too():
    images, labels = _shapes()
    scenes, boxes, out_labels = loc.make_scenes(images, labels, 60, canvas=40, noise=0.0,
                                                scale=(0.5, 2.0), seed=4)
    widths = boxes[:, 2] - boxes[:, 0]
    for scene, box in zip(scenes, boxes, strict=True):
        x0, y0, x1, y1 = box.astype(int)
        inside = np.zeros_like(scene, bool)
        inside[y0:y1, x0:x1] = True
        assert scene[inside].any() and not scene[~inside].any()
        crop = scene[y0:y1, x0:x1]
        assert crop[0].any() and crop[-1].any() and crop[:, 0].any() and crop[:, -1].any()
    # Rectangle 0 (6 pixels wide) appears at several sizes, about 3 to 12 pixels.
    rect = widths[out_labels == 0]
    assert rect.min() < 6 < rect.max() and rect.min() >= 2 and rect.max() <= 13


def test_scenes_are_determined_by_the_seed():
    images, labels = _shapes()
    first = loc.make_scenes(images, labels, 20, canvas=24, scale=(0.8, 1.2), seed=7)
    again = loc.make_scenes(images, labels, 20, canvas=24, scale=(0.8, 1.2), seed=7)
    other = loc.make_scenes(images, labels, 20, canvas=24, scale=(0.8, 1.2), seed=8)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0]) and not np.array_equal(first[1], other[1])


def test_float_images_and_positions_spread_over_the_canvas():
    images, labels = _shapes()
    _, boxes, _ = loc.make_scenes(images.astype("float64") / 255.0, labels, 400, canvas=48,
                                  noise=0.0, seed=5)
    assert boxes[:, 0].min() < 5 and boxes[:, 2].max() > 43  # left and right edges reached
    assert boxes[:, 1].min() < 5 and boxes[:, 3].max() > 43


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"images": np.ones((12, 12))}, ValueError, "shape \\(m, height, width\\)"),
    ({"labels": [0, 1]}, ValueError, "one entry per image"),
    ({"n": 0}, ValueError, "n must be a positive int"),
    ({"canvas": 10}, ValueError, "do not fit on a canvas of 10"),
    ({"scale": (1.0, 3.0)}, ValueError, "do not fit"),
    ({"noise": -0.1}, ValueError, "noise must be"),
    ({"scale": (0.0, 1.0)}, ValueError, "0 < low <= high"),
    ({"scale": 2}, ValueError, "pair"),
    ({"images": np.full((4, 12, 12), 2.0)}, ValueError, "floats in \\[0, 1\\]"),
    ({"images": np.zeros((4, 12, 12), "uint8")}, ValueError, "image 0 is all zeros"),
])
def test_scene_bad_inputs_are_named(kwargs, error, phrase):
    images, labels = _shapes()
    args = {"images": images, "labels": labels, "n": 5, "canvas": 24, **kwargs}
    with pytest.raises(error, match=phrase):
        loc.make_scenes(**args)


def test_an_all_zero_image_is_named_by_its_index():
    images, labels = _shapes()
    images[2] = 0
    with pytest.raises(ValueError, match="image 2 is all zeros"):
        loc.make_scenes(images, labels, 5, canvas=24)


# ------------------------------------------------------------------------- box formats


def test_convert_boxes_matches_keras():
    import keras

    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 50, size=(30, 2))
    boxes = np.c_[xy, xy + rng.uniform(0, 14, size=(30, 2))]
    for target in ("center_xywh", "xywh"):
        theirs = keras.ops.convert_to_numpy(
            keras.utils.bounding_boxes.convert_format(boxes, "xyxy", target))
        np.testing.assert_allclose(loc.convert_boxes(boxes, "xyxy", target), theirs, atol=1e-4)
        back = keras.ops.convert_to_numpy(
            keras.utils.bounding_boxes.convert_format(theirs, target, "xyxy"))
        np.testing.assert_allclose(loc.convert_boxes(theirs, target, "xyxy"), back, atol=1e-4)


def test_convert_boxes_round_trips_and_keeps_shape():
    box = np.array([10.0, 3.0, 15.0, 27.0])
    centre = loc.convert_boxes(box, "xyxy", "center_xywh")
    np.testing.assert_allclose(centre, [12.5, 15.0, 5.0, 24.0])
    for source in loc.FORMATS:
        for target in loc.FORMATS:
            there = loc.convert_boxes(loc.convert_boxes(box, "xyxy", source), source, target)
            np.testing.assert_allclose(loc.convert_boxes(there, target, "xyxy"), box)
    batch = np.tile(box, (2, 3, 1))
    assert loc.convert_boxes(batch, "xyxy", "xywh").shape == (2, 3, 4)
    same = loc.convert_boxes(box, "xyxy", "xyxy")
    same[0] = -1  # a copy: the caller's boxes stay as they were
    assert box[0] == 10.0


def test_convert_boxes_names_an_unknown_format():
    with pytest.raises(ValueError, match="unknown box format target='cxcywh'"):
        loc.convert_boxes([0, 0, 1, 1], "xyxy", "cxcywh")


# ---------------------------------------------------------------------- yes/no grid cells


def test_grid_targets_mark_cells_whose_centre_is_in_the_box():
    # Cell centres lie at 4, 12, 20, ... pixels; the maxima of a box are exclusive.
    targets = loc.grid_targets([[0, 0, 64, 64], [8, 16, 24, 20], [8, 16, 24, 21],
                                [5, 5, 11, 11]], 64, 8)
    assert targets.shape == (4, 8, 8) and targets.dtype == np.float32
    assert targets[0].all()
    assert not targets[1].any()  # y from 16 to 20: the centre row 20 is just outside
    expected = np.zeros((8, 8))
    expected[2, 1:3] = 1  # row 2 (centre 20), columns 1 and 2 (centres 12 and 20)
    np.testing.assert_array_equal(targets[2], expected)
    assert not targets[3].any()  # a box smaller than a cell, away from every centre


def test_grid_targets_bad_inputs():
    with pytest.raises(ValueError, match="must divide canvas=64"):
        loc.grid_targets([[0, 0, 1, 1]], 64, 7)
    with pytest.raises(ValueError, match="shape \\(n, 4\\)"):
        loc.grid_targets([0, 0, 1, 1], 64, 8)


def test_boxes_from_grid_examples_and_fallback():
    prob = np.zeros((3, 5))
    prob[0, 3] = prob[2, 4] = 0.8  # columns 3..4, rows 0..2
    np.testing.assert_array_equal(loc.boxes_from_grid(prob, 8), [24, 0, 40, 24])
    np.testing.assert_array_equal(loc.boxes_from_grid(prob, 8, threshold=0.8), [24, 0, 40, 24])
    prob[1, 1] = 0.4  # below 0.5: ignored; at threshold 0.4: included
    np.testing.assert_array_equal(loc.boxes_from_grid(prob, 8, threshold=0.4), [8, 0, 40, 24])
    low = np.full((4, 4), 0.1)
    low[2, 1] = 0.3  # nothing reaches 0.5: the most probable cell
    np.testing.assert_array_equal(loc.boxes_from_grid(low, 4), [4, 8, 8, 12])
    batch = loc.boxes_from_grid(np.stack([low, np.ones((4, 4))]), 4)
    np.testing.assert_array_equal(batch, [[4, 8, 8, 12], [0, 0, 16, 16]])


def test_a_perfect_grid_is_within_half_a_cell_of_the_box():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 40, size=(200, 2))
    boxes = np.c_[xy, xy + rng.uniform(10, 24, size=(200, 2))]
    read = loc.boxes_from_grid(loc.grid_targets(boxes, 64, 8), 8)
    assert np.abs(read - boxes).max() <= 4.0 + 1e-9
    assert 0.6 < loc.iou(read, boxes).mean() < 0.9


def test_boxes_from_grid_bad_inputs():
    with pytest.raises(ValueError, match="rows, columns"):
        loc.boxes_from_grid(np.zeros(5), 8)
    with pytest.raises(ValueError, match="cell must be a positive int"):
        loc.boxes_from_grid(np.zeros((2, 2)), 0)


# ----------------------------------------------------------------------------- drawing


def test_draw_boxes_puts_edges_between_pixels():
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((10, 10)))
    patches = loc.draw_boxes(ax, [[2, 1, 5, 4], [0, 0, 10, 10]], color="red", label="true",
                             texts=["a", "b"])
    assert [tuple(map(float, p.get_xy())) for p in patches] == [(1.5, 0.5), (-0.5, -0.5)]
    assert (patches[0].get_width(), patches[0].get_height()) == (3, 3)
    assert [p.get_label() for p in patches][0] == "true"
    assert [t.get_text() for t in ax.texts] == ["a", "b"]
    with pytest.raises(ValueError, match="2 boxes but 1 texts"):
        loc.draw_boxes(ax, [[0, 0, 1, 1], [0, 0, 2, 2]], texts=["a"])
    plt.close(fig)
