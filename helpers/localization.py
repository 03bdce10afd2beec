"""Scenes with one object, their boxes, and how to score a box: notebook 10 (localization).

A **box** is four numbers in *corners* format, ``(x_min, y_min, x_max, y_max)``, Keras'
``"xyxy"``: x counts columns from the left, y rows from the top, and the maxima are
*exclusive*, like a Python slice, so ``scene[y_min:y_max, x_min:x_max]`` is the box's
content and its area is ``(x_max - x_min) * (y_max - y_min)`` pixels. Boxes may be in
pixels or normalised by the canvas size (divided by it): IoU does not change. The other
format of the notebook is *centre* format, ``(x_centre, y_centre, width, height)``, Keras'
``"center_xywh"``.

* ``make_scenes``: objects from an image dataset pasted at random places (and sizes) on a
  larger noisy canvas, with their tight ground-truth boxes;
* ``iou``: intersection over union of boxes, vectorised;
* ``convert_boxes``: corners <-> centre <-> corner and size;
* ``grid_targets`` and ``boxes_from_grid``: localization as yes/no classification of grid
  cells, there and back;
* ``draw_boxes``: boxes as rectangles over an ``imshow``-ed scene.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["make_scenes", "iou", "convert_boxes", "FORMATS", "grid_targets",
           "boxes_from_grid", "draw_boxes"]

FORMATS = ("xyxy", "center_xywh", "xywh")


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)


def _as_boxes(boxes, what: str) -> np.ndarray:
    """``boxes`` as a float array whose last axis holds the 4 numbers of a box."""
    try:
        arr = np.asarray(boxes, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be numbers, got {boxes!r:.80}") from exc
    if arr.ndim == 0 or arr.shape[-1] != 4:
        raise ValueError(f"{what} must have 4 numbers on its last axis (x_min, y_min, x_max, "
                         f"y_max), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contains nan or inf")
    return arr


def _corners(boxes, what: str) -> np.ndarray:
    """``_as_boxes``, and every box with its minima at most its maxima."""
    arr = _as_boxes(boxes, what)
    inverted = (arr[..., 2] < arr[..., 0]) | (arr[..., 3] < arr[..., 1])
    if np.any(inverted):
        first = arr.reshape(-1, 4)[np.flatnonzero(inverted.reshape(-1))[0]]
        raise ValueError(f"{what} has {int(inverted.sum())} inverted box(es), e.g. "
                         f"{first.tolist()}: corners format is (x_min, y_min, x_max, y_max) with "
                         "x_max >= x_min and y_max >= y_min; convert other formats with "
                         "convert_boxes")
    return arr


# ------------------------------------------------------------------------------ scenes


def _object_box(obj: np.ndarray) -> tuple[int, int, int, int]:
    """Tight (x_min, y_min, x_max, y_max) of the nonzero pixels of an image, maxima exclusive."""
    rows, cols = np.flatnonzero(obj.any(axis=1)), np.flatnonzero(obj.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def make_scenes(images, labels, n: int, canvas: int = 64, noise: float = 0.1,
                scale: tuple[float, float] = (1.0, 1.0), seed: int = 0):
    """Paste ``n`` objects, one per scene, at random positions on noisy square canvases.

    ``images`` is (m, h, w): uint8 in 0..255 or floats in [0, 1], with 0 the background
    (Fashion-MNIST, digits). Each scene takes a random image (with replacement), resizes
    it by a random factor drawn uniformly from ``scale`` (bilinear), puts it at a random
    place where it fits entirely, and adds Gaussian noise of standard deviation ``noise``
    to the whole canvas, clipped to [0, 1]. Its box is the tight box around the object's
    nonzero pixels (before the noise), in pixels, corners format with exclusive maxima.

    Returns ``(scenes, boxes, labels)``: float32 (n, canvas, canvas), float32 (n, 4) and
    int64 (n,). The same ``seed`` gives the same scenes.

    >>> obj = np.zeros((1, 5, 5), "uint8"); obj[0, 1:3, 2:5] = 255
    >>> scenes, boxes, labels = make_scenes(obj, [7], 2, canvas=8, noise=0.0, seed=1)
    >>> scenes.shape, labels.tolist()
    ((2, 8, 8), [7, 7])
    >>> x0, y0, x1, y1 = boxes[0].astype(int).tolist()
    >>> (x1 - x0, y1 - y0), bool(scenes[0, y0:y1, x0:x1].min() == 1.0)
    ((3, 2), True)
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (m, height, width) with m >= 1, "
                         f"got {images.shape}")
    if images.dtype == np.uint8:
        images = images.astype("float32") / 255.0
    elif np.issubdtype(images.dtype, np.floating) or np.issubdtype(images.dtype, np.integer):
        images = images.astype("float32")
        if images.min() < 0.0 or images.max() > 1.0:
            raise ValueError("images must be uint8 in 0..255 or floats in [0, 1], got values "
                             f"from {images.min():g} to {images.max():g}")
    else:
        raise TypeError(f"images must be numbers, got dtype {images.dtype}")
    labels = np.asarray(labels)
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have one entry per image, shape ({len(images)},), "
                         f"got {labels.shape}")
    blank = np.flatnonzero(~images.reshape(len(images), -1).any(axis=1))
    if blank.size:
        raise ValueError(f"image {blank[0]} is all zeros: an object needs nonzero pixels "
                         "for its box")
    n = _positive_int(n, "n")
    canvas = _positive_int(canvas, "canvas")
    if isinstance(noise, bool) or not np.isscalar(noise) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a standard deviation >= 0, got {noise!r}")
    try:
        low, high = (float(s) for s in scale)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"scale must be a pair (low, high) of factors, got {scale!r}") from exc
    if not 0 < low <= high or not np.isfinite(high):
        raise ValueError(f"scale must be a pair 0 < low <= high, got {scale!r}")
    height, width = images.shape[1:]
    largest = round(max(height, width) * high)
    if largest > canvas:
        raise ValueError(f"objects of up to {largest} pixels (images of {height}x{width} "
                         f"scaled by up to {high:g}) do not fit on a canvas of {canvas}")

    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(images), size=n)
    factors = rng.uniform(low, high, size=n)
    where = rng.random(size=(n, 2))  # relative positions, scaled to each object's room below
    scenes = np.zeros((n, canvas, canvas), dtype="float32")
    boxes = np.zeros((n, 4), dtype="float32")
    for i, (pick, factor) in enumerate(zip(picks, factors, strict=True)):
        obj = images[pick]
        size = (max(1, round(height * factor)), max(1, round(width * factor)))
        if size != obj.shape:
            from skimage.transform import resize

            obj = resize(obj, size, order=1, anti_aliasing=factor < 1.0).astype("float32")
            if not obj.any():  # a tiny, faint object can vanish: keep its brightest pixel
                obj = np.zeros(size, "float32")
                obj[size[0] // 2, size[1] // 2] = images[pick].max()
        top = int(where[i, 0] * (canvas - size[0] + 1))
        left = int(where[i, 1] * (canvas - size[1] + 1))
        scenes[i, top:top + size[0], left:left + size[1]] = obj
        x0, y0, x1, y1 = _object_box(obj)
        boxes[i] = (left + x0, top + y0, left + x1, top + y1)
    if noise > 0:
        scenes += rng.normal(0.0, noise, size=scenes.shape).astype("float32")
        np.clip(scenes, 0.0, 1.0, out=scenes)
    return scenes, boxes, labels[picks].astype("int64")


# --------------------------------------------------------------------------------- IoU


def iou(box_a, box_b):
    """Intersection over union of boxes in corners format, pairwise along the leading axes.

    ``box_a`` and ``box_b`` have shape (..., 4) and broadcast against each other, as numpy
    arrays do (one box against many, or n against n, pair by pair). A box with
    ``x_max == x_min`` or ``y_max == y_min`` is empty; the IoU of two empty boxes is 0. An
    inverted box (``x_max < x_min`` or ``y_max < y_min``) is an error: it is a box in another
    format, or corners in the wrong order, and would silently score 0.
    Returns a float for two single boxes, else an array of the broadcast leading shape.

    >>> iou([0, 0, 2, 2], [1, 1, 3, 3])  # 1 pixel in common, 7 covered in all
    0.14285714285714285
    >>> iou([[0, 0, 4, 4], [0, 0, 4, 4]], [[1, 1, 3, 3], [4, 0, 6, 4]]).tolist()
    [0.25, 0.0]
    """
    a, b = _corners(box_a, "box_a"), _corners(box_b, "box_b")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError as exc:
        raise ValueError(f"box_a of shape {a.shape} and box_b of shape {b.shape} do not "
                         "broadcast: give n boxes and n boxes, or one box and n boxes") from exc
    inter_w = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    inter_h = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = inter_w * inter_h

    def area(box: np.ndarray) -> np.ndarray:
        return np.clip(box[..., 2] - box[..., 0], 0, None) * np.clip(box[..., 3] - box[..., 1],
                                                                       0, None)

    union = area(a) + area(b) - inter
    out = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return float(out) if out.ndim == 0 else out


# ------------------------------------------------------------------------- box formats


def convert_boxes(boxes, source: str, target: str) -> np.ndarray:
    """Convert boxes of shape (..., 4) between formats, as ``keras.utils.bounding_boxes``.

    Formats: ``"xyxy"`` (corners), ``"center_xywh"`` (centre and size) and ``"xywh"``
    (top-left corner and size); pixels or normalised, the conversion is the same.

    >>> convert_boxes([2, 4, 8, 10], "xyxy", "center_xywh").tolist()
    [5.0, 7.0, 6.0, 6.0]
    >>> convert_boxes([5, 7, 6, 6], "center_xywh", "xyxy").tolist()
    [2.0, 4.0, 8.0, 10.0]
    """
    for what, name in (("source", source), ("target", target)):
        if name not in FORMATS:
            raise ValueError(f"unknown box format {what}={name!r}; known: {', '.join(FORMATS)}")
    arr = _as_boxes(boxes, "boxes")
    first, second = arr[..., :2], arr[..., 2:]
    if source == "center_xywh":
        corners = np.concatenate([first - second / 2, first + second / 2], axis=-1)
    elif source == "xywh":
        corners = np.concatenate([first, first + second], axis=-1)
    else:
        corners = arr
    low, high = corners[..., :2], corners[..., 2:]
    if target == "center_xywh":
        return np.concatenate([(low + high) / 2, high - low], axis=-1)
    if target == "xywh":
        return np.concatenate([low, high - low], axis=-1)
    return corners.copy() if corners is arr else corners


# ----------------------------------------------------------- localization as yes/no cells


def _check_grid(canvas: int, cell: int) -> int:
    canvas, cell = _positive_int(canvas, "canvas"), _positive_int(cell, "cell")
    if canvas % cell:
        raise ValueError(f"cell={cell} must divide canvas={canvas} into whole cells")
    return canvas // cell


def grid_targets(boxes, canvas: int, cell: int) -> np.ndarray:
    """Yes/no labels of a grid of ``cell`` x ``cell`` pixel cells: is the cell's centre in the box?

    ``boxes`` (n, 4) in pixels, corners format, on square canvases of ``canvas`` pixels.
    Returns float32 (n, canvas // cell, canvas // cell), rows going down (y), columns
    right (x): the target of a network that answers "is this cell part of the object's
    box?" for every cell.

    >>> grid_targets([[2, 6, 11, 8]], canvas=16, cell=4)[0].astype(int)
    array([[0, 0, 0, 0],
           [1, 1, 1, 0],
           [0, 0, 0, 0],
           [0, 0, 0, 0]])
    """
    cells = _check_grid(canvas, cell)
    b = _as_boxes(boxes, "boxes")
    if b.ndim != 2:
        raise ValueError(f"boxes must have shape (n, 4), got {b.shape}")
    centres = (np.arange(cells) + 0.5) * cell
    inside_x = (centres >= b[:, 0:1]) & (centres < b[:, 2:3])  # (n, cells): columns
    inside_y = (centres >= b[:, 1:2]) & (centres < b[:, 3:4])  # (n, cells): rows
    return (inside_y[:, :, None] & inside_x[:, None, :]).astype("float32")


def boxes_from_grid(maps, cell: int, threshold: float = 0.5) -> np.ndarray:
    """The box, in pixels, around the cells of a yes/no map whose probability is >= threshold.

    ``maps`` is one map (rows, columns) or a batch (n, rows, columns) of probabilities, one
    per ``cell`` x ``cell`` pixel cell. The box goes from the top-left corner of the
    first such cell to the bottom-right corner of the last, in corners format; when no
    cell reaches the threshold, it is the single most probable cell. Returns (4,) or (n, 4).

    >>> m = np.zeros((4, 4)); m[1, 0] = m[1, 1] = 0.9
    >>> boxes_from_grid(m, cell=4).tolist()
    [0.0, 4.0, 8.0, 8.0]
    """
    cell = _positive_int(cell, "cell")
    arr = np.asarray(maps, dtype=float)
    if arr.ndim not in (2, 3) or 0 in arr.shape:
        raise ValueError(f"maps must have shape (rows, columns) or (n, rows, columns), "
                         f"got {arr.shape}")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    batch = arr if arr.ndim == 3 else arr[None]
    out = np.zeros((len(batch), 4))
    for i, prob in enumerate(batch):
        yes = prob >= threshold
        if not yes.any():
            yes = np.zeros_like(yes)
            yes[np.unravel_index(np.argmax(prob), prob.shape)] = True
        x0, y0, x1, y1 = _object_box(yes)
        out[i] = (x0 * cell, y0 * cell, x1 * cell, y1 * cell)
    return out if arr.ndim == 3 else out[0]


# ------------------------------------------------------------------------------ drawing


def draw_boxes(ax, boxes, *, color: str = "lime", label: str | None = None,
               texts: Sequence[str] | None = None, linestyle: str = "-", linewidth: float = 1.8):
    """Draw boxes (pixels, corners format) as rectangles on an Axes that shows the scene.

    ``imshow`` centres pixel (r, c) at (c, r), so a box's edges are drawn half a pixel
    before its first pixel and after its last. ``label`` names the boxes in a legend (once),
    ``texts`` writes one caption above each box. Returns the list of Rectangles.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.imshow(np.zeros((8, 8)))
    >>> [tuple(map(float, r.get_xy())) for r in draw_boxes(ax, [[2, 1, 5, 4]])]
    [(1.5, 0.5)]
    """
    from matplotlib.patches import Rectangle

    b = _as_boxes(boxes, "boxes").reshape(-1, 4)
    if texts is not None and len(texts) != len(b):
        raise ValueError(f"got {len(b)} boxes but {len(texts)} texts")
    patches = []
    for i, (x0, y0, x1, y1) in enumerate(b):
        rect = Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, edgecolor=color,
                         linewidth=linewidth, linestyle=linestyle,
                         label=label if i == 0 else None)
        ax.add_patch(rect)
        patches.append(rect)
        if texts is not None:
            ax.text(x0 - 0.5, y0 - 1.0, texts[i], color=color, fontsize=7, va="bottom")
    return patches
