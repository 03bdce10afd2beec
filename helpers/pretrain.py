"""The course backbone: a small CNN pretrained on Fashion-MNIST, for transfer learning.

Notebook 04 transfers it to a task it has never seen (handwritten digits) and uses its
penultimate layer as an image embedding. It is made once by this module and committed as
``helpers/assets/course_backbone.keras``, next to ``course_backbone.json``, which records
its SHA-256, training metrics, library versions and the command that rebuilds it::

    python -m helpers.pretrain            # about 3 CPU-minutes; needs Fashion-MNIST
    python -m helpers.pretrain --help

Only standard Keras layers are used, so that the file loads on every Keras 3 release the
course supports (Colab's included). ``helpers.data.weights_path("course_backbone")``
finds and verifies the file; ``load_backbone()`` returns the model.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

__all__ = [
    "INPUT_SHAPE",
    "FEATURES_LAYER",
    "MODEL_FILE",
    "META_FILE",
    "build_backbone",
    "train",
    "save",
    "load_backbone",
    "feature_extractor",
    "main",
]

INPUT_SHAPE = (28, 28, 1)
# The penultimate layer, output of the convolutional base: the image embedding of notebook 04.
FEATURES_LAYER = "features"
MODEL_FILE = "course_backbone.keras"
META_FILE = "course_backbone.json"
DEFAULT_OUT = Path(__file__).resolve().parent / "assets"


def build_backbone(n_classes: int = 10, *, input_shape: tuple[int, int, int] = INPUT_SHAPE,
                   dropout: float = 0.3):
    """The course CNN, untrained: three 3x3 convolutions, each followed by 2x2 max pooling,
    whose last maps, flattened, are the ``features`` layer (3 x 3 x 64 = 576 values for
    28x28 images); then dropout and a softmax over ``n_classes``.

    Everything below the softmax is the *convolutional base* that transfer learning reuses;
    ``features`` is both its output and the penultimate layer. The model takes images with
    pixel values in 0..255 (it rescales them itself), so a notebook can feed
    ``Dataset.x_train[..., None]`` as it is.

    >>> model = build_backbone()
    >>> model.output_shape, model.get_layer("features").output.shape
    ((None, 10), (None, 576))
    """
    import keras
    from keras import layers

    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"n_classes must be an int of at least 2, got {n_classes!r}")
    if len(input_shape) != 3 or min(input_shape[:2]) < 8:
        raise ValueError(f"input_shape must be (height, width, channels) with sides of at "
                         f"least 8 pixels, got {input_shape!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = layers.Rescaling(1.0 / 255.0, name="rescale")(inputs)
    for index, filters in enumerate((32, 64, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{index}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{index}")(x)
    features = layers.Flatten(name=FEATURES_LAYER)(x)
    x = layers.Dropout(dropout, name="dropout")(features)
    outputs = layers.Dense(n_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="course_backbone")


def train(*, epochs: int = 8, seed: int = 0, n_train: int | None = None,
          batch_size: int = 128, augment: bool = True, deterministic: bool = False,
          verbose: int = 2):
    """Train ``build_backbone()`` on Fashion-MNIST; return ``(model, metrics)``.

    With ``augment`` (the default), every training image is shifted by up to 10% and
    zoomed by up to 15% at random: the network then cannot rely on exact pixel positions,
    and its features transfer better to other images. The returned model holds no
    augmentation layers. ``deterministic`` makes TensorFlow's ops deterministic, so that
    the same seed gives the same weights on the same machine and versions; it holds for
    the rest of the process, where ops that use randomness without a seed then fail, so
    only the command line asks for it. Refuses the offline stand-in: the backbone must have
    learned clothes, so that transferring it to digits is a transfer to a new task.
    ``metrics`` holds the training and test accuracy and loss, the sizes, the epochs and
    the seconds.
    """
    from helpers import data

    for value, what in [(epochs, "epochs"), (batch_size, "batch_size")]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{what} must be a positive int, got {value!r}")
    ds = data.load("fashion_mnist", n_train=n_train)
    if not ds.canonical:
        raise data.DataError(
            "the course backbone is pretrained on Fashion-MNIST, but only its stand-in "
            f"({ds.name}) is available: point COURSE_DATA_PATH at the canonical files "
            "or go online, and unset COURSE_OFFLINE")
    import keras
    from keras import layers

    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)
    model = build_backbone(len(ds.class_names))
    trainer = model
    if augment:
        inputs = keras.Input(shape=INPUT_SHAPE)
        shifted = layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed)(inputs)
        zoomed = layers.RandomZoom(0.15, fill_mode="constant", seed=seed)(shifted)
        trainer = keras.Model(inputs, model(zoomed))
    trainer.compile(optimizer=keras.optimizers.Adam(1e-3),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x_train, x_test = ds.x_train[..., None], ds.x_test[..., None]
    start = time.perf_counter()
    trainer.fit(x_train, ds.y_train, epochs=epochs, batch_size=batch_size, verbose=verbose)
    seconds = time.perf_counter() - start
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    train_loss, train_acc = model.evaluate(x_train, ds.y_train, batch_size=1000, verbose=0)
    test_loss, test_acc = model.evaluate(x_test, ds.y_test, batch_size=1000, verbose=0)
    metrics = {
        "dataset": ds.name,
        "classes": list(ds.class_names),
        "n_train": int(len(x_train)),
        "n_test": int(len(x_test)),
        "epochs": epochs,
        "batch_size": batch_size,
        "augment": "random shifts up to 10%, zooms up to 15%" if augment else "none",
        "seed": seed,
        "train_accuracy": round(float(train_acc), 4),
        "train_loss": round(float(train_loss), 4),
        "test_accuracy": round(float(test_acc), 4),
        "test_loss": round(float(test_loss), 4),
        "train_seconds": round(seconds, 1),
        "parameters": int(model.count_params()),
    }
    return model, metrics


def _versions() -> dict[str, str]:
    import keras

    found = {"python": platform.python_version(), "numpy": np.__version__,
             "keras": keras.__version__, "backend": keras.backend.backend()}
    for package in ("tensorflow", "tensorflow-cpu"):
        try:
            found["tensorflow"] = metadata.version(package)
            break
        except metadata.PackageNotFoundError:
            continue
    return found


# Initializer arguments that newer Keras releases write into a model's config even at their
# default (None), and that older Keras 3 releases, such as Colab's 3.13, refuse to read.
_NEWER_CONFIG_KEYS = frozenset({"input_axes", "output_axes"})


def _without_newer_defaults(config):
    if isinstance(config, dict):
        return {key: _without_newer_defaults(value) for key, value in config.items()
                if not (key in _NEWER_CONFIG_KEYS and value is None)}
    if isinstance(config, list):
        return [_without_newer_defaults(value) for value in config]
    return config


def _make_portable(path: Path) -> None:
    """Rewrite the ``config.json`` inside a ``.keras`` file so that older Keras 3 loads it.

    Only keys at their default value are dropped, so every release reads the same model.
    """
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in members:
            if info.filename == "config.json":
                config = _without_newer_defaults(json.loads(content))
                content = json.dumps(config).encode("utf-8")
            archive.writestr(info, content)
    os.replace(tmp, path)


def save(model, metrics: dict, out_dir: Path | str = DEFAULT_OUT, *,
         command: str | None = None) -> tuple[Path, Path]:
    """Write ``course_backbone.keras`` and its record ``course_backbone.json`` to ``out_dir``.

    The record holds the model file's SHA-256 and size, ``metrics``, the library versions
    and ``command``, the exact command line that rebuilds the file. Returns both paths.
    """
    from helpers.data import sha256_of

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path, meta_path = out_dir / MODEL_FILE, out_dir / META_FILE
    # A fresh, uncompiled copy: saving the trained model would also store Adam's two
    # moment estimates per weight and triple the file.
    bare = build_backbone(model.output_shape[-1], input_shape=tuple(model.input_shape[1:]))
    bare.set_weights(model.get_weights())
    bare.save(model_path)
    _make_portable(model_path)
    record = {
        "file": MODEL_FILE,
        "sha256": sha256_of(model_path),
        "bytes": model_path.stat().st_size,
        "features_layer": FEATURES_LAYER,
        "input_shape": list(INPUT_SHAPE),
        "input": "grey images, pixel values 0..255 (the model rescales them)",
        "metrics": metrics,
        "versions": _versions(),
        "rebuild": command or "python -m helpers.pretrain",
        "after_rebuild": "copy the new sha256 into WEIGHTS['course_backbone'] in "
                         "helpers/data.py (tests/test_pretrain.py fails until they agree)",
    }
    meta_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return model_path, meta_path


def load_backbone():
    """The pretrained course backbone (the full Fashion-MNIST classifier), verified.

    >>> load_backbone().get_layer(FEATURES_LAYER).output.shape
    (None, 576)
    """
    import keras

    from helpers.data import weights_path

    return keras.models.load_model(weights_path("course_backbone"), compile=False)


def feature_extractor(model, layer: str = FEATURES_LAYER):
    """A model that maps images to the activations of ``layer`` of ``model`` (shared weights).

    >>> feature_extractor(build_backbone()).output_shape
    (None, 576)
    """
    import keras

    names = [lay.name for lay in model.layers]
    if layer not in names:
        raise ValueError(f"the model has no layer {layer!r}; its layers are {names}")
    return keras.Model(model.inputs, model.get_layer(layer).output,
                       name=f"{model.name}_{layer}")


def main(argv: list[str] | None = None) -> int:
    """Command line: train the backbone and write it with its record."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pretrain",
        description="Pretrain the course backbone on Fashion-MNIST and write "
                    f"{MODEL_FILE} and {META_FILE}.")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs (default 8)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--n-train", type=int, default=None,
                        help="train on a subsample of this many images (default: all 60,000)")
    parser.add_argument("--batch-size", type=int, default=128, help="batch size (default 128)")
    parser.add_argument("--no-augment", action="store_true",
                        help="train on the images as they are (default: random shifts and zooms)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: helpers/assets of this package)")
    args = parser.parse_args(argv)
    # Quiet TensorFlow's C++ start-up lines before it is first imported.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from helpers.data import DataError

    try:
        model, metrics = train(epochs=args.epochs, seed=args.seed, n_train=args.n_train,
                               batch_size=args.batch_size, augment=not args.no_augment,
                               deterministic=True)
    except (DataError, ValueError) as exc:
        print(f"python -m helpers.pretrain: {exc}", file=sys.stderr)
        return 2
    words = ["python", "-m", "helpers.pretrain", "--epochs", str(args.epochs),
             "--seed", str(args.seed), "--batch-size", str(args.batch_size)]
    if args.n_train is not None:
        words += ["--n-train", str(args.n_train)]
    if args.no_augment:
        words.append("--no-augment")
    if args.out.resolve() != DEFAULT_OUT:
        words += ["--out", str(args.out)]
    model_path, meta_path = save(model, metrics, args.out, command=shlex.join(words))
    record = json.loads(meta_path.read_text(encoding="utf-8"))
    print(f"test accuracy {metrics['test_accuracy']:.4f} after {args.epochs} epochs "
          f"({metrics['train_seconds']:.0f} s)\nwrote {model_path} ({record['bytes']:,} bytes, "
          f"SHA-256 {record['sha256']})\nwrote {meta_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
