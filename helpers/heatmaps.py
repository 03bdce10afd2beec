"""Where does a classifier look? Occlusion and gradient heatmaps, and a way to draw them.

* ``occlusion_map`` covers one patch of the image at a time and measures how much the
  probability of a class drops (Zeiler and Fergus, *Visualizing and Understanding
  Convolutional Networks*, ECCV 2014). It needs nothing but the model's predictions.
* ``saliency_map`` is the gradient of that probability with respect to the pixels
  (Simonyan, Vedaldi and Zisserman, *Deep Inside Convolutional Networks*, 2014): one
  backward pass instead of hundreds of forward passes, but only a local view.
* ``class_activation_map`` (CAM; Zhou et al., *Learning Deep Features for Discriminative
  Localization*, CVPR 2016) weighs the last convolutional feature maps of a network that
  ends conv -> global average pooling -> dense with the dense weights of one class.
* ``grad_cam`` (Selvaraju et al., *Grad-CAM*, ICCV 2017) is its general form for any CNN:
  the weights are the spatial means of the gradients of the class score with respect to
  those feature maps, from one forward and one backward pass.
* ``upsample`` stretches a coarse map to the image's size (bilinear, as
  ``keras.ops.image.resize`` does it).
* ``overlay`` draws a heatmap over its image.

``patch_positions`` and ``occlude`` are the two building blocks of ``occlusion_map``,
public so that notebooks (and their exercises) can use and test them one at a time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["patch_positions", "occlude", "occlusion_map", "saliency_map", "upsample",
           "class_activation_map", "grad_cam", "overlay"]


def _int_at_least_one(value: object, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < 1:
        raise ValueError(f"{name} must be an int of at least 1, got {value!r}")
    return int(value)


def _image(image, name: str = "image") -> np.ndarray:
    """``image`` as a float32 array of shape (H, W) or (H, W, C), or an error that says why not."""
    try:
        arr = np.asarray(image)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers: {exc}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim not in (2, 3):
        hint = (" (one image, not a batch: take image[0])" if arr.ndim == 4 and len(arr) == 1
                else "")
        raise ValueError(f"{name} must have shape (height, width) or (height, width, channels), "
                         f"got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    return arr.astype(np.float32)


def _class_index(class_index: object, n_classes: int) -> int:
    if isinstance(class_index, (bool, np.bool_)) or not isinstance(class_index, (int, np.integer)):
        raise TypeError(f"class_index must be an int, got {class_index!r}")
    if not 0 <= class_index < n_classes:
        raise ValueError(f"class_index={class_index} is out of range: the model gives "
                         f"{n_classes} class probabilities, so it must be between 0 and "
                         f"{n_classes - 1}")
    return int(class_index)


def patch_positions(length: int, patch: int, stride: int) -> np.ndarray:
    """Where a patch of ``patch`` pixels starts along an axis of ``length`` pixels.

    The patch starts at 0, ``stride``, ``2 * stride``, ... as long as it fits; when the
    last of these does not reach the far edge, one more start, ``length - patch``, makes
    the patches cover every pixel. That is ``ceil((length - patch) / stride) + 1`` starts.

    >>> patch_positions(10, 4, 3)
    array([0, 3, 6])
    >>> patch_positions(11, 4, 3)  # 6 + 4 < 11: one more patch, flush with the edge
    array([0, 3, 6, 7])
    """
    length = _int_at_least_one(length, "length")
    patch = _int_at_least_one(patch, "patch")
    stride = _int_at_least_one(stride, "stride")
    if patch > length:
        raise ValueError(f"patch={patch} is larger than the image side of {length} pixels")
    starts = np.arange(0, length - patch + 1, stride)
    if starts[-1] != length - patch:
        starts = np.append(starts, length - patch)
    return starts


def occlude(image, top: int, left: int, patch: int, baseline=0.0) -> np.ndarray:
    """A copy of ``image`` with the ``patch`` x ``patch`` square at (``top``, ``left``) covered.

    ``baseline`` is what covers it: a number, or an array that broadcasts to the image
    (one value per channel, or a whole blurred copy of the image). The result is float32,
    the dtype Keras models take; ``image`` itself is not changed.

    >>> occlude(np.ones((3, 4)), top=1, left=2, patch=2)
    array([[1., 1., 1., 1.],
           [1., 1., 0., 0.],
           [1., 1., 0., 0.]], dtype=float32)
    """
    out = _image(image).copy()
    height, width = out.shape[:2]
    patch = _int_at_least_one(patch, "patch")
    for value, name, side in ((top, "top", height), (left, "left", width)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if not 0 <= value <= side - patch:
            raise ValueError(f"{name}={value} puts the {patch}-pixel patch outside the image "
                             f"({height}x{width}): it must be between 0 and {side - patch}")
    fill = _baseline(baseline, out.shape)
    out[top:top + patch, left:left + patch] = fill[top:top + patch, left:left + patch]
    return out


def _baseline(baseline, shape: tuple[int, ...]) -> np.ndarray:
    try:
        values = np.asarray(baseline, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"baseline must be a number or an array of numbers, got "
                        f"{baseline!r:.60}") from exc
    try:
        return np.broadcast_to(values, shape)
    except ValueError:
        raise ValueError(f"baseline of shape {values.shape} does not broadcast to the image's "
                         f"shape {shape}: give a number, one value per channel, or an array "
                         "of the image's shape") from None


def _probabilities(predict: Callable, batch: np.ndarray) -> np.ndarray:
    """``predict(batch)`` as a float array of shape (n, classes), or an error naming the problem."""
    out = predict(batch)
    try:
        out = np.asarray(out, dtype=np.float64)  # numpy arrays and TensorFlow tensors alike
    except (TypeError, ValueError) as exc:
        raise TypeError(f"predict must return an array of class probabilities, got "
                        f"{type(out).__name__}") from exc
    if out.ndim != 2 or out.shape[0] != len(batch):
        raise ValueError(f"predict must return one row of class probabilities per image, "
                         f"shape ({len(batch)}, classes) for {len(batch)} images; got shape "
                         f"{out.shape} (for one sigmoid output, return shape (n, 1))")
    if not np.all(np.isfinite(out)):
        bad = int(np.sum(~np.isfinite(out).all(axis=1)))
        raise ValueError(f"predict returned nan or inf for {bad} of {len(batch)} images: the map "
                         "would be meaningless; did the model diverge (check its loss), or do "
                         "the images hold nan?")
    return out


def occlusion_map(predict: Callable, image, class_index: int, patch: int = 8, stride: int = 4,
                  baseline=0.0, *, batch_size: int = 64, progress: bool = True) -> np.ndarray:
    """How much the probability of ``class_index`` drops when each part of ``image`` is covered.

    ``predict`` maps a batch of images, shape (n, *image.shape), float32, to class
    probabilities, shape (n, classes): a Keras model works as it is. Each
    ``patch`` x ``patch`` square, at the starts ``patch_positions`` gives along each axis
    (every ``stride`` pixels, and flush with the far edges; with ``stride <= patch`` every
    pixel is covered),
    is filled with ``baseline`` (see ``occlude``), and the drop
    ``p(class | image) - p(class | image with that patch covered)`` is measured. The result,
    of the image's height and width, gives each pixel **the average drop over the patches
    that cover it**: positive where covering the pixel hurts the class, negative where it
    helps. The occluded copies go through ``predict`` ``batch_size`` at a time, with a
    progress bar unless ``progress=False``; there are
    ``len(patch_positions(H, patch, stride)) * len(patch_positions(W, patch, stride))`` of
    them, plus one forward pass for the image itself.

    A model that looks only at the top-left 2x2 pixels:

    >>> top_left = lambda x: x[:, :2, :2].mean(axis=(1, 2))[:, None]
    >>> occlusion_map(top_left, np.ones((4, 4)), 0, patch=2, stride=2, progress=False)
    array([[1., 1., 0., 0.],
           [1., 1., 0., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])
    """
    if not callable(predict):
        raise TypeError(f"predict must be a function (or a Keras model) that maps a batch of "
                        f"images to class probabilities, got {type(predict).__name__}")
    x = _image(image)
    height, width = x.shape[:2]
    patch = _int_at_least_one(patch, "patch")
    stride = _int_at_least_one(stride, "stride")
    batch_size = _int_at_least_one(batch_size, "batch_size")
    for value, name in ((patch, "patch"), (stride, "stride")):
        if value > min(height, width):
            raise ValueError(f"{name}={value} is larger than the image ({height}x{width} pixels)")
    if stride > patch:
        raise ValueError(f"stride={stride} is larger than patch={patch}: the pixels between "
                         "two patches would never be covered; use a stride of at most the patch")
    fill = _baseline(baseline, x.shape)
    reference = _probabilities(predict, x[None])
    class_index = _class_index(class_index, reference.shape[1])
    p_image = reference[0, class_index]

    rows = patch_positions(height, patch, stride)
    cols = patch_positions(width, patch, stride)
    tops, lefts = np.repeat(rows, len(cols)), np.tile(cols, len(rows))
    # Patch i covers the rows where in_rows[i] and the columns where in_cols[i] are True:
    # two small masks instead of one image-sized mask per patch.
    in_rows = (np.arange(height) >= tops[:, None]) & (np.arange(height) < tops[:, None] + patch)
    in_cols = (np.arange(width) >= lefts[:, None]) & (np.arange(width) < lefts[:, None] + patch)
    drops = np.empty(len(tops))

    from tqdm.auto import tqdm

    with tqdm(total=len(tops), desc="occlusion", unit="patch", disable=not progress) as bar:
        for start in range(0, len(tops), batch_size):
            stop = min(start + batch_size, len(tops))
            mask = in_rows[start:stop, :, None] & in_cols[start:stop, None, :]
            if x.ndim == 3:
                mask = mask[..., None]  # covers every channel
            batch = np.where(mask, fill, x).astype(np.float32)
            drops[start:stop] = p_image - _probabilities(predict, batch)[:, class_index]
            bar.update(stop - start)

    rows_f, cols_f = in_rows.astype(np.float64), in_cols.astype(np.float64)
    total = np.einsum("n,nh,nw->hw", drops, rows_f, cols_f)
    count = np.einsum("nh,nw->hw", rows_f, cols_f)  # at least 1: the patches cover every pixel
    return total / count


def saliency_map(model: Callable, image, class_index: int) -> np.ndarray:
    """``|d p(class) / d pixel|``: how strongly a tiny change of each pixel moves the probability.

    ``model`` maps a batch of images to class probabilities with TensorFlow operations
    (a Keras model on the TensorFlow backend, or a function of tensors); the gradient
    comes from one backward pass with ``tf.GradientTape``. For an image with channels,
    each pixel gets the largest absolute gradient over its channels, as in Simonyan et
    al. (2014). The result has the image's height and width.

    For a linear model the gradient is the weight of each pixel:

    >>> import tensorflow as tf
    >>> weights = tf.constant([[1.0], [-2.0], [0.5], [0.0]])
    >>> linear = lambda x: tf.reshape(x, (-1, 4)) @ weights
    >>> saliency_map(linear, np.zeros((2, 2)), 0)
    array([[1. , 2. ],
           [0.5, 0. ]], dtype=float32)
    """
    import tensorflow as tf

    if not callable(model):
        raise TypeError(f"model must be a Keras model or a function of tensors, got "
                        f"{type(model).__name__}")
    x = tf.convert_to_tensor(_image(image)[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        probabilities = model(x)
        shape = tuple(probabilities.shape)
        if len(shape) != 2 or shape[0] != 1:
            raise ValueError(f"model must return class probabilities of shape (1, classes) for "
                             f"one image, got shape {shape} (for one sigmoid output, (1, 1))")
        class_index = _class_index(class_index, shape[1])
        score = probabilities[:, class_index]
    gradient = tape.gradient(score, x)
    if gradient is None:
        raise ValueError("the model's output does not depend on the image through TensorFlow "
                         "operations, so it has no gradient: pass a Keras model on the "
                         "TensorFlow backend, or a function of tensors (not of numpy arrays)")
    magnitude = np.abs(gradient.numpy()[0])
    return magnitude.max(axis=-1) if magnitude.ndim == 3 else magnitude


def _size(size: object) -> tuple[int, int]:
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or any(isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer))
                   or v < 1 for v in size)):
        raise ValueError(f"size must be (height, width), two ints of at least 1, got {size!r}")
    return int(size[0]), int(size[1])


def upsample(heatmap, size) -> np.ndarray:
    """``heatmap`` (2-D) stretched to ``size`` = (height, width) by bilinear interpolation.

    Pixel centres are aligned (a pixel of the coarse map covers a block of the fine one)
    and the edges are held, exactly as ``keras.ops.image.resize(..., "bilinear")`` does it;
    this is ``skimage.transform.resize(heatmap, size, order=1, mode="edge")``. Float64.

    >>> upsample(np.array([[0.0, 1.0]]), (1, 4))
    array([[0.  , 0.25, 0.75, 1.  ]])
    """
    from skimage.transform import resize

    values = np.asarray(heatmap, dtype=np.float64)
    if values.ndim != 2:
        hint = " (drop the channel axis: heatmap[..., 0])" if values.ndim == 3 else ""
        raise ValueError(f"heatmap must be 2-D (height, width), got shape {values.shape}{hint}")
    size = _size(size)
    if values.shape == size:
        return values.copy()
    return resize(values, size, order=1, mode="edge", anti_aliasing=False)


def class_activation_map(feature_maps, weights, class_index: int, size=None) -> np.ndarray:
    """The class activation map (CAM) of Zhou et al. (2016): ``sum_k weights[k, c] * A_k``.

    For a network that ends last conv layer -> global average pooling -> dense, the
    score (logit) of class ``c`` is ``sum_k w[k, c] * mean(A_k) + b[c]``: the mean of this
    map plus the bias. ``feature_maps`` are the last conv layer's activations for one image,
    shape (height, width, channels); ``weights`` the dense layer's kernel in Keras' layout,
    (channels, classes). The map is signed (negative where the features argue against the
    class) and has the feature maps' size, or ``size`` = (height, width) when given, via
    ``upsample``.

    >>> features = np.stack([np.eye(2), np.ones((2, 2))], axis=-1)  # 2x2, 2 channels
    >>> class_activation_map(features, np.array([[2.0, 0.0], [-1.0, 1.0]]), 0)
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    features = _image(feature_maps, "feature_maps")
    if features.ndim != 3:
        raise ValueError(f"feature_maps must have shape (height, width, channels), got shape "
                         f"{features.shape}")
    if hasattr(weights, "numpy"):  # a Keras variable or a tensor
        weights = weights.numpy()
    try:
        kernel = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"weights must be an array of numbers, got {weights!r:.60}") from exc
    channels = features.shape[-1]
    if kernel.ndim != 2 or kernel.shape[0] != channels:
        transposed = kernel.ndim == 2 and kernel.shape[1] == channels
        raise ValueError(f"weights must have shape (channels, classes) = ({channels}, classes), "
                         f"the layout of a Dense layer's kernel, got shape {kernel.shape}"
                         + (": transpose it" if transposed else ""))
    class_index = _class_index(class_index, kernel.shape[1])
    cam = features.astype(np.float64) @ kernel[:, class_index]
    return cam if size is None else upsample(cam, size)


def _last_spatial_layer(model):
    for layer in reversed(model.layers):
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError):  # a layer that was never called
            continue
        if len(shape) == 4:
            return layer
    raise ValueError(f"model {model.name!r} has no layer with a 4-D output (batch, height, "
                     "width, channels): Grad-CAM needs the feature maps of a conv layer")


def grad_cam(model, image, class_index: int, layer=None, *, upsample_to_image: bool = True,
             relu: bool = True) -> np.ndarray:
    """Grad-CAM (Selvaraju et al., 2017): CAM with gradients as weights, for any CNN.

    ``model`` is a Keras model on the TensorFlow backend, built with an Input (Sequential
    or functional), and ``layer`` one of its conv layers (a name or a layer; default: the
    last layer with a 4-D output). One forward pass of a sub-model that returns that
    layer's feature maps ``A_k`` and the model's output ``y``, and one backward pass
    (``tf.GradientTape``), give ``alpha_k = mean_ij d y[class_index] / d A_k[i, j]``; the
    map is ``ReLU(sum_k alpha_k A_k)`` (``relu=False`` keeps the sign), stretched to the
    image's height and width by ``upsample`` (``upsample_to_image=False`` keeps the
    feature maps' size). ``y`` is what the model outputs: for a model ending in softmax,
    a probability, whose gradient mixes in the other classes' weights; for CAM's exact
    equivalent, use a model that outputs logits.

    For conv -> global average pooling -> dense, Grad-CAM of a logit is the CAM divided
    by the number of positions:

    >>> import keras
    >>> keras.utils.set_random_seed(0)
    >>> net = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(3, 3, name="conv"),
    ...                         keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2)])
    >>> image = np.random.default_rng(0).uniform(size=(4, 4, 1))
    >>> features = keras.Model(net.inputs[0], net.get_layer("conv").output)(image[None])[0]
    >>> cam = class_activation_map(features, net.layers[-1].kernel, 1)
    >>> bool(np.allclose(grad_cam(net, image, 1, relu=False, upsample_to_image=False),
    ...                  cam / 4, atol=1e-6))
    True
    """
    import keras
    import tensorflow as tf

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model (Grad-CAM needs its layers), got "
                        f"{type(model).__name__}")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or len(inputs) != 1:
        raise ValueError(f"model {model.name!r} must have one defined input: build it with "
                         "keras.Input(shape=...) as its first layer")
    if layer is None:
        layer = _last_spatial_layer(model)
    elif isinstance(layer, str):
        try:
            layer = model.get_layer(layer)
        except ValueError:
            names = [found.name for found in model.layers]
            raise ValueError(f"model {model.name!r} has no layer {layer!r}; its layers: "
                             f"{names}") from None
    elif not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"layer must be a layer's name, a layer or None, got {layer!r:.60}")
    if len(layer.output.shape) != 4:
        raise ValueError(f"layer {layer.name!r} has output shape {tuple(layer.output.shape)}; "
                         "Grad-CAM needs feature maps (batch, height, width, channels): "
                         "choose a conv layer")
    image = _image(image)
    sub_model = keras.Model(inputs[0], [layer.output, model.outputs[0]])
    x = tf.convert_to_tensor(image[None])
    with tf.GradientTape() as tape:
        tape.watch(x)  # follow the image, so that frozen weights make no difference
        features, scores = sub_model(x)
        shape = tuple(scores.shape)
        if len(shape) != 2:
            raise ValueError(f"model must return class scores of shape (1, classes), got "
                             f"shape {shape}")
        class_index = _class_index(class_index, shape[1])
        score = scores[:, class_index]
    gradients = tape.gradient(score, features)
    alphas = tf.reduce_mean(gradients, axis=(1, 2))  # (1, channels): one weight per map
    cam = np.asarray(tf.einsum("bhwk,bk->bhw", features, alphas)[0], dtype=np.float64)
    if relu:
        cam = np.maximum(cam, 0.0)
    return upsample(cam, image.shape[:2]) if upsample_to_image else cam


def overlay(image, heatmap, *, ax=None, title: str = "Heatmap", alpha: float = 0.85,
            cmap: str = "RdBu_r", symmetric: bool = True, limit: float | None = None,
            colorbar: bool = True, label: str = "drop in probability"):
    """Draw ``heatmap`` over ``image`` (grey or RGB), stretched to the image's size.

    With ``symmetric=True`` the colour scale is centred on 0: with the default diverging
    colours, red where covering a part lowers the class's probability (evidence *for* the
    class), blue where it raises it. The colours are the more opaque (up to ``alpha``) the
    stronger the value, so that the image shows through where the map is near 0. For a map
    that is never negative (a saliency map), pass ``symmetric=False`` and a sequential
    ``cmap``; its smallest values are then transparent. ``limit`` is where the colours
    saturate (default: the largest value of the map); a high percentile keeps a few extreme
    pixels, as in saliency maps, from washing out the rest. Returns the Axes.

    >>> ax = overlay(np.zeros((4, 4)), np.eye(4), title="t", colorbar=False)
    >>> ax.get_title(), ax.get_xlabel()
    ('t', 'column (pixel)')
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    picture = np.asarray(image)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    if picture.ndim not in (2, 3) or (picture.ndim == 3 and picture.shape[-1] not in (3, 4)):
        raise ValueError(f"image must have shape (height, width) or (height, width, 3), got "
                         f"{np.shape(image)}")
    values = np.asarray(heatmap, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"heatmap must be 2-D (height, width), got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("heatmap contains nan or inf")
    picture = picture.astype(np.float64) / (255.0 if picture.dtype == np.uint8 else 1.0)
    if picture.min() < 0 or picture.max() > 1:  # any other range: stretch it to 0..1
        picture = (picture - picture.min()) / (np.ptp(picture) or 1.0)
    height, width = picture.shape[:2]
    extent = (-0.5, width - 0.5, height - 0.5, -0.5)
    ax = ax or plt.subplots()[1]
    ax.imshow(picture, cmap="gray", vmin=0.0, vmax=1.0, extent=extent)
    if limit is not None and not (np.isfinite(limit) and limit > 0):
        raise ValueError(f"limit must be a positive number, got {limit!r}")
    if symmetric:
        high = float(limit or np.abs(values).max()) or 1.0  # an all-zero map: any scale
        low = -high
    else:
        low = float(values.min())
        high = float(limit) if limit is not None else float(values.max())
        high = high if high > low else low + 1.0
    norm = mpl.colors.Normalize(vmin=low, vmax=high)
    colours = mpl.colormaps[cmap](norm(values))
    # Opacity grows with the value's strength: where the map is ~0 the image shows as it is.
    strength = np.abs(values) / high if symmetric else norm(values)
    colours[..., 3] = alpha * np.clip(strength, 0.0, 1.0)
    ax.imshow(colours, extent=extent, interpolation="nearest")
    if colorbar:
        ax.figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, fraction=0.046,
                           pad=0.04, label=label)
    ax.set(title=title, xlabel="column (pixel)", ylabel="row (pixel)")
    ax.grid(False)
    return ax

