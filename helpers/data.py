"""Every dataset of the course, behind one function: ``load(name)``.

Each registry entry knows its canonical source (URL, SHA-256, license, citation),
how to turn the files into arrays, and a stand-in that needs no network. Files are
looked for, in order:

1. in the cache directory (``COURSE_CACHE_DIR``, default ``~/.cache/adl-course``),
   then in every directory of ``COURSE_DATA_PATH`` (``os.pathsep``-separated),
   each file verified by SHA-256;
2. downloaded from the canonical URL into the cache, verified by SHA-256;
3. when neither works, the stand-in, with one printed line. ``COURSE_OFFLINE=1``
   forces this tier without looking at the network (or at files on disk) for every
   dataset that has a stand-in.

A cache folder that cannot be read or written (no permission, a full disk) is not an
error: it is skipped, and the line that announces the stand-in says why.
``COURSE_REQUIRE_CANONICAL=1`` (CI's canonical stage) turns that fallback into a DataError
that names the dataset and every place it looked; a stand-in forced by ``COURSE_OFFLINE=1``
is not a fallback and stays allowed.

A file whose hash does not match is never used: it is named, and deleted when it is in
the cache (files under ``COURSE_DATA_PATH`` belong to the user and are only ignored).
Downloads go to a temporary file that is renamed only once verified, so an
interrupted download leaves nothing half-written.

Command line: ``python -m helpers.data list`` and ``python -m helpers.data download``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.client
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "Dataset",
    "Entry",
    "Source",
    "REGISTRY",
    "load",
    "names",
    "fetch",
    "DataError",
    "tier_summary",
    "status",
    "weights_path",
    "imagenet_class_names",
]

CACHE_ENV = "COURSE_CACHE_DIR"
PATH_ENV = "COURSE_DATA_PATH"
OFFLINE_ENV = "COURSE_OFFLINE"
TIMEOUT_ENV = "COURSE_DOWNLOAD_TIMEOUT"
STRICT_ENV = "COURSE_REQUIRE_CANONICAL"


class DataError(RuntimeError):
    """A dataset could not be had: unknown name, bad file, failed download."""


@dataclass(frozen=True)
class Dataset:
    """A train/test split with what a notebook needs to talk about it.

    ``canonical`` is False for a stand-in; ``name`` and ``description`` then say so,
    so that notebook text built from them reads right on both tiers.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    name: str
    description: str
    canonical: bool
    extras: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        tier = "canonical" if self.canonical else "stand-in"
        return (
            f"Dataset({self.name!r}, {tier}, x_train {self.x_train.shape} {self.x_train.dtype},"
            f" x_test {self.x_test.shape}, {len(self.class_names)} classes)"
        )


@dataclass(frozen=True)
class Source:
    """One canonical file: its path inside a data directory, its URL and its SHA-256."""

    path: str
    url: str
    sha256: str


@dataclass(frozen=True)
class Entry:
    """A registered dataset.

    ``build(files, **options)`` turns the verified files (a dict from ``Source.path``
    to a local path; empty for generated data) into a Dataset. ``standin(**options)``
    builds the offline replacement; None means the dataset needs no network.
    """

    name: str
    description: str
    license: str
    citation: str
    build: Callable[..., Dataset]
    sources: tuple[Source, ...] = ()
    standin: Callable[..., Dataset] | None = None


REGISTRY: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    """Add an entry to the registry (one place per dataset; notebooks only call load)."""
    if entry.name in REGISTRY:
        raise ValueError(f"dataset {entry.name!r} is registered twice")
    REGISTRY[entry.name] = entry
    return entry


def names() -> list[str]:
    """The registered dataset names, sorted.

    >>> "xor" in names()
    True
    """
    return sorted(REGISTRY)


# --------------------------------------------------------------------------- locations


def cache_dir() -> Path:
    """Where downloads go: ``COURSE_CACHE_DIR`` or ``~/.cache/adl-course``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "adl-course")


def data_path() -> list[Path]:
    """The read-only directories of ``COURSE_DATA_PATH``, in order."""
    raw = os.environ.get(PATH_ENV, "")
    return [Path(part).expanduser() for part in raw.split(os.pathsep) if part.strip()]


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def offline() -> bool:
    """True when ``COURSE_OFFLINE`` asks for stand-ins without trying the network."""
    return _flag(OFFLINE_ENV)


def require_canonical() -> bool:
    """True when ``COURSE_REQUIRE_CANONICAL`` makes a fallback to a stand-in an error."""
    return _flag(STRICT_ENV)


def tier_summary() -> str:
    """One line saying where data will come from, as ``helpers.setup()`` prints it."""
    if offline():
        return f"{OFFLINE_ENV}=1: stand-in datasets (no network used)"
    dirs = [str(d) for d in data_path() if d.is_dir()]
    where = f"files from {', '.join(dirs)} or the cache" if dirs else "the cache"
    fallback = (f"no stand-ins ({STRICT_ENV}=1)" if require_canonical()
                else "stand-ins if offline")
    return f"canonical datasets from {where}; missing files are downloaded ({fallback})"


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, as ``sha256sum`` prints it."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest(path: Path, source: Source) -> str:
    """SHA-256 of a file, or of a directory by the course MANIFEST's convention.

    For a directory (e.g. ``fsdd/recordings``) it is the SHA-256 of the text made of one
    ``sha256sum`` line per file, ``"<sha256>  fsdd/recordings/<name>\\n"``, sorted by path,
    so single files are verified, never an archive that the host may rebuild.
    """
    if not path.is_dir():
        return sha256_of(path)
    prefix = source.path.rstrip("/")
    lines = sorted(
        (f"{prefix}/{f.relative_to(path).as_posix()}", sha256_of(f))
        for f in path.rglob("*") if f.is_file()
    )
    text = "".join(f"{digest}  {rel}\n" for rel, digest in lines)
    return hashlib.sha256(text.encode()).hexdigest()


def _verified(path: Path, source: Source, *, may_delete: bool) -> bool:
    """True if ``path`` holds the source's bytes; a mismatch is reported (and deleted)."""
    try:
        if not path.exists():
            return False
        actual = _digest(path, source)
    except OSError:  # a folder without read permission: as if the file were absent
        return False
    if actual == source.sha256:
        return True
    action = "deleted it" if may_delete else "ignoring it"
    if may_delete:
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        except OSError as exc:
            action = f"ignoring it (could not delete it: {exc.strerror or exc})"
    print(
        f"hash mismatch for {path}: expected SHA-256 {source.sha256[:12]}..., "
        f"got {actual[:12]}...; {action}"
    )
    return False


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip() or "15"
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ValueError(f"{TIMEOUT_ENV} must be a positive number of seconds, got {raw!r}")
    return seconds


class CacheError(DataError):
    """The cache folder cannot be written (no permission, a full disk, not a folder)."""


def _cache_error(place: Path, exc: OSError) -> CacheError:
    return CacheError(f"cannot write to the cache folder {cache_dir()} "
                      f"({exc.strerror or exc}: {getattr(exc, 'filename', None) or place}); "
                      f"set {CACHE_ENV} to a writable folder with space")


def _download(source: Source, target: Path, desc: str | None = None) -> None:
    """Download ``source`` to ``target`` through a temporary file; verify, then rename.

    Raises DataError naming the URL on network failure, time-out or hash mismatch, and
    CacheError when the cache folder cannot take the file.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=target.name + ".", suffix=".part", delete=False
        )
    except OSError as exc:
        raise _cache_error(target.parent, exc) from exc
    tmp = Path(handle.name)
    try:
        with handle:
            _stream(source.url, handle, desc or target.name)
        actual = sha256_of(tmp)
        if actual != source.sha256:
            raise DataError(
                f"hash mismatch for {source.url}: expected SHA-256 {source.sha256[:12]}..., "
                f"got {actual[:12]}...; the download was deleted"
            )
        os.replace(tmp, target)
    except OSError as exc:  # _stream turns network errors into DataError: this is the disk
        raise _cache_error(target, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _stream(url: str, handle, desc: str) -> None:
    """Write what ``url`` serves into the open binary file ``handle``, with a progress bar.

    Raises DataError naming the URL on a network failure, a time-out or a dropped connection.
    """
    from tqdm.auto import tqdm

    try:
        # The socket timeout bounds the connection and every read: a server that
        # accepts and never answers fails in seconds instead of hanging the class.
        with urllib.request.urlopen(url, timeout=_timeout()) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            received = 0
            with tqdm(total=total, unit="B", unit_scale=True, desc=desc) as bar:
                for block in iter(lambda: response.read(1 << 16), b""):
                    try:
                        handle.write(block)
                    except OSError as exc:  # the disk, not the network
                        raise _cache_error(Path(handle.name), exc) from exc
                    received += len(block)
                    bar.update(len(block))
    # HTTPException covers a server that closes before Content-Length bytes (IncompleteRead).
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
            reason = f"no answer within {_timeout():g} s"
        raise DataError(f"could not download {url} ({reason})") from exc
    # urllib returns a dropped connection as a short read, not an error: say so
    # rather than report the truncated file as a hash mismatch.
    if total is not None and received < total:
        raise DataError(f"could not download {url} (the connection dropped after "
                        f"{received:,} of {total:,} bytes)")


def fetch(source: Source, *, allow_download: bool = True, desc: str | None = None) -> Path:
    """Return a verified local copy of ``source``, downloading it if allowed.

    A download shows a progress bar (bytes, rate and time left) labelled ``desc``.
    Raises DataError when no verified copy can be had.
    """
    cached = cache_dir() / source.path
    if _verified(cached, source, may_delete=True):
        return cached
    for directory in data_path():
        candidate = directory / source.path
        # Never delete in COURSE_DATA_PATH: it is the user's (or a class's shared) copy.
        if _verified(candidate, source, may_delete=False):
            return candidate
    if not allow_download or offline():
        raise DataError(f"{source.path} is not available offline")
    # A ZipSource (defined with the audio data below) is a folder unpacked from an archive.
    (_download_zip if isinstance(source, ZipSource) else _download)(source, cached, desc)
    return cached


# ----------------------------------------------------------------------------- loading


def load(name: str, **options) -> Dataset:
    """Load a dataset by name: canonical files if they can be had, else its stand-in.

    >>> ds = load("xor", n=200)
    >>> ds.x_train.shape[1], ds.class_names
    (2, ['0', '1'])
    """
    if not isinstance(name, str):
        raise TypeError(f"load() needs a dataset name (str), got {type(name).__name__}")
    entry = REGISTRY[_key(name)]
    _check_options(entry, options)
    if not entry.sources:
        return entry.build({}, **options)
    try:
        if offline() and entry.standin is not None:
            # COURSE_OFFLINE=1 forces the stand-in tier, even where canonical files exist.
            raise DataError(f"{OFFLINE_ENV}=1")
        files = {s.path: fetch(s, allow_download=not offline()) for s in entry.sources}
    except DataError as exc:
        if entry.standin is None:
            raise
        if require_canonical() and not offline():
            raise DataError(f"{STRICT_ENV}=1 and no canonical {entry.name}: {exc}; looked in "
                            f"{_places(entry)}") from exc
        reason = f"{OFFLINE_ENV}=1" if offline() else str(exc)
        dataset = entry.standin(**options)
        print(f"Using the stand-in {dataset.name!r} for {entry.name} ({reason}).")
        return dataset
    return entry.build(files, **options)


def _places(entry: Entry) -> str:
    """Every place ``fetch`` looks for the entry's files, in order, as one line."""
    places = []
    for source in entry.sources:
        places += [str(cache_dir() / source.path), *(str(d / source.path) for d in data_path())]
        places.append(source.url if not offline() else f"{source.url} (not tried offline)")
    return ", ".join(places)


def _options(builder: Callable[..., Dataset], *, skip_files: bool) -> list[str]:
    import inspect

    params = list(inspect.signature(builder).parameters.values())
    return [p.name for p in params[1 if skip_files else 0:]
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _check_options(entry: Entry, options: dict) -> None:
    """Name the dataset and its valid options for an option it does not take."""
    valid = _options(entry.build, skip_files=True)
    unknown = [key for key in options if key not in valid]
    if unknown:
        s = "s" if len(unknown) > 1 else ""
        raise TypeError(f"load({entry.name!r}) got unknown option{s} "
                        f"{', '.join(map(repr, unknown))}; {entry.name} takes "
                        f"{', '.join(valid) if valid else 'no options'}")


def _key(name: str) -> str:
    """The registry key for a user-typed name ("Fashion-MNIST" -> "fashion_mnist")."""
    key = name.strip().lower().replace("-", "_")
    if key not in REGISTRY:
        raise DataError(f"unknown dataset {name!r}; known datasets: {', '.join(names())}")
    return key


def _test_size(value: object) -> float:
    """``test_size`` as every dataset takes it: a fraction strictly between 0 and 1.

    scikit-learn would read an int as a count of test examples; the course never does.
    """
    if isinstance(value, bool) or not isinstance(value, (float, int, np.floating, np.integer)) \
            or not 0 < value < 1:
        raise ValueError(f"test_size must be a fraction between 0 and 1, got {value!r}")
    return float(value)


def _split(x: np.ndarray, y: np.ndarray, test_size: float, seed: int):
    from sklearn.model_selection import train_test_split

    return train_test_split(x, y, test_size=_test_size(test_size), random_state=seed,
                            stratify=y)


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)


def _points(
    name: str, description: str, x: np.ndarray, y: np.ndarray, test_size: float, seed: int
) -> Dataset:
    x_train, x_test, y_train, y_test = _split(x.astype("float32"), y.astype("int64"),
                                              test_size, seed)
    classes = [str(c) for c in range(int(y.max()) + 1)]
    return Dataset(x_train, y_train, x_test, y_test, classes, name, description, True)


# --------------------------------------------------------------------- generated 2-D sets


def make_xor(n: int = 400, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points around the four corners of the unit square, labelled by XOR of their corner.

    >>> x, y = make_xor(8, noise=0.0)
    >>> sorted(set(zip(x[:, 0].tolist(), x[:, 1].tolist(), y.tolist())))[:2]
    [(0.0, 0.0, 0), (0.0, 1.0, 1)]
    """
    n = _positive_int(n, "n")
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 2, size=(n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    x = corners + rng.normal(0.0, noise, size=(n, 2))
    return x.astype("float32"), y.astype("int64")


def make_spirals(
    n: int = 400, noise: float = 0.2, turns: float = 1.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, as in the TensorFlow playground.

    >>> x, y = make_spirals(100)
    >>> x.shape, int(y.sum())
    ((100, 2), 50)
    """
    n = _positive_int(n, "n")
    rng = np.random.default_rng(seed)
    half = n // 2
    t = np.sqrt(rng.uniform(0.05, 1.0, size=n)) * turns * 2 * np.pi
    y = np.r_[np.zeros(n - half), np.ones(half)].astype("int64")
    angle = t + np.pi * y
    radius = t / (turns * 2 * np.pi) * 5.0
    x = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    x += rng.normal(0.0, noise, size=x.shape)
    return x.astype("float32"), y


def _build_points(kind: str) -> Callable[..., Dataset]:
    def build(_files, n: int = 400, noise: float | None = None, seed: int = 0,
              test_size: float = 0.25) -> Dataset:
        from sklearn import datasets as skd

        n = _positive_int(n, "n")
        _test_size(test_size)  # before the split below, whose error says "use a larger n"
        if kind == "xor":
            x, y = make_xor(n, 0.15 if noise is None else noise, seed)
        elif kind == "spirals":
            x, y = make_spirals(n, 0.2 if noise is None else noise, seed=seed)
        elif kind == "moons":
            x, y = skd.make_moons(n, noise=0.2 if noise is None else noise, random_state=seed)
        elif kind == "circles":
            x, y = skd.make_circles(n, noise=0.1 if noise is None else noise, factor=0.5,
                                    random_state=seed)
        else:  # blobs: two well separated clusters; noise is their spread
            x, y = skd.make_blobs(n, centers=[[-1.5, -1.5], [1.5, 1.5]],
                                  cluster_std=1.0 if noise is None else noise, random_state=seed)
        try:
            return _points(kind, REGISTRY[kind].description, x, y, test_size, seed)
        except ValueError as exc:  # scikit-learn's split names neither n nor the dataset
            raise ValueError(f"cannot split n={n} points of {kind!r} into train and test sets "
                             f"with test_size={test_size!r} ({exc}); use a larger n") from exc

    return build


for _kind, _text in {
    "xor": "XOR: points around the corners of the unit square; class 1 where x1 XOR x2",
    "blobs": "two Gaussian blobs, separable by a straight line",
    "moons": "two interleaving half circles (scikit-learn make_moons)",
    "circles": "a small circle inside a large one (scikit-learn make_circles)",
    "spirals": "two interleaved spirals, as in the TensorFlow Neural Network Playground",
}.items():
    register(Entry(_kind, _text, "generated by the course (MIT)", "", _build_points(_kind)))


# ------------------------------------------------------------------------------ images


def _digits(size: int = 8, seed: int = 0, test_size: float = 0.25) -> Dataset:
    """scikit-learn's 8x8 digits as uint8 images in 0..255, optionally resized."""
    from sklearn.datasets import load_digits

    size = _positive_int(size, "size")
    raw = load_digits()
    images = raw.images / 16.0
    if size != 8:
        from skimage.transform import resize

        images = resize(images, (len(images), size, size), order=1, anti_aliasing=False)
    images = np.clip(np.round(images * 255), 0, 255).astype("uint8")
    x_train, x_test, y_train, y_test = _split(images, raw.target.astype("int64"), test_size, seed)
    classes = [str(d) for d in range(10)]
    return Dataset(x_train, y_train, x_test, y_test, classes, "digits",
                   f"scikit-learn's handwritten digits (1,797 images, {size}x{size}, 10 classes)",
                   True)


register(Entry(
    "digits",
    "scikit-learn's handwritten digits: 1,797 grey images of 8x8 pixels, 10 classes",
    "BSD-3-Clause (scikit-learn); UCI ML hand-written digits data",
    "Alpaydin and Kaynak (1998), UCI Machine Learning Repository",
    lambda _files, size=8, seed=0, test_size=0.25: _digits(size, seed, test_size),
))


def read_idx(path: Path) -> np.ndarray:
    """Read a gzipped IDX file (the MNIST format) into a uint8 array.

    The header is 4 bytes of magic (the last one the number of dimensions), then
    one big-endian uint32 per dimension.
    """
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    # A bytearray makes the array writable, as keras.datasets' arrays are: students
    # normalise in place (x /= 255) and a read-only array would fail there.
    return np.frombuffer(bytearray(data), dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


_FASHION_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FASHION = {
    "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def _subsample(x: np.ndarray, y: np.ndarray, n: int | None, seed: int, what: str = "n"):
    """The first ``n`` of a fixed shuffle, stratified enough for teaching."""
    if n is None:
        return x, y
    n = _positive_int(n, what)  # before comparing: n="ten" must say what is wrong
    if n >= len(x):
        return x, y
    order = np.random.default_rng(seed).permutation(len(x))[:n]
    return x[order], y[order]


def _build_fashion(files: dict[str, Path], n_train: int | None = None,
                   n_test: int | None = None, seed: int = 0) -> Dataset:
    def part(kind: str) -> np.ndarray:
        return read_idx(files[f"fashion-mnist/{kind}-ubyte.gz"])

    x_train, y_train = _subsample(part("train-images-idx3"), part("train-labels-idx1"),
                                  n_train, seed, "n_train")
    x_test, y_test = _subsample(part("t10k-images-idx3"), part("t10k-labels-idx1"), n_test, seed,
                                "n_test")
    return Dataset(x_train, y_train.astype("int64"), x_test, y_test.astype("int64"),
                   list(FASHION_CLASSES), "Fashion-MNIST",
                   "Zalando's Fashion-MNIST: 28x28 grey photos of clothes, 10 classes", True)


def _fashion_standin(n_train: int | None = None, n_test: int | None = None,
                     seed: int = 0) -> Dataset:
    # Digits upscaled to 28x28 keep every notebook's shapes the same on both tiers.
    ds = _digits(size=28, seed=seed)
    x_train, y_train = _subsample(ds.x_train, ds.y_train, n_train, seed, "n_train")
    x_test, y_test = _subsample(ds.x_test, ds.y_test, n_test, seed, "n_test")
    return Dataset(x_train, y_train, x_test, y_test, ds.class_names,
                   "digits (stand-in for Fashion-MNIST)",
                   "scikit-learn's 8x8 digits upscaled to 28x28, standing in for Fashion-MNIST "
                   "offline (1,797 images, 10 classes)", False)


register(Entry(
    "fashion_mnist",
    "Fashion-MNIST: 70,000 grey 28x28 photos of clothes in 10 classes",
    "MIT, (c) 2017 Zalando SE",
    "Xiao, Rasul and Vollgraf (2017), Fashion-MNIST, arXiv:1708.07747",
    _build_fashion,
    tuple(Source(f"fashion-mnist/{f}", _FASHION_URL + f, h) for f, h in _FASHION.items()),
    _fashion_standin,
))


# ------------------------------------ audio: the Free Spoken Digit Dataset (notebook 06)


@dataclass(frozen=True)
class ZipSource(Source):
    """A folder of files (``path``) that the canonical URL serves inside a zip archive.

    ``sha256`` is the folder's combined checksum (see ``_digest``): the files are verified,
    not the archive, which a host such as GitHub may rebuild with other bytes. Only the
    members whose names match the glob ``members`` are kept, stored flat in ``path``.
    ``size`` is the total number of bytes those files hold: unpacking stops, with an error,
    as soon as they would inflate to more (a zip bomb fills no disk before its hash fails).
    """

    members: str = "*"
    size: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size <= 0:
            raise ValueError(f"ZipSource {self.path!r} needs size, the bytes its files hold "
                             f"unpacked (a positive int), got {self.size!r}")


def _inflate(src, dst, budget: int, what: str) -> int:
    """Copy the open zip member ``src`` into ``dst``, at most ``budget`` bytes; return the count.

    Raises DataError as soon as the member holds more: its header's size may lie.
    """
    written = 0
    while block := src.read(min(1 << 16, budget - written + 1)):
        written += len(block)
        if written > budget:
            raise DataError(f"{what} inflate to more than {budget:,} bytes, the size the "
                            "registry expects; not unpacked (a damaged or malicious archive)")
        dst.write(block)
    return written


def _download_zip(source: ZipSource, target: Path, desc: str | None = None) -> None:
    """Download the archive, unpack the wanted members, verify them, then move them in place.

    Everything happens in a temporary folder beside ``target``, removed whatever happens,
    and the verified folder becomes ``target`` in one rename: a failure (network, a bad
    archive, a hash mismatch) leaves nothing half-written. Raises DataError naming the URL.
    """
    import fnmatch
    import zipfile
    from pathlib import PurePosixPath

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch_dir = tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.",
                                                  suffix=".part")
    except OSError as exc:
        raise _cache_error(target.parent, exc) from exc
    with scratch_dir as scratch:
        archive, unpacked = Path(scratch) / "archive.zip", Path(scratch) / target.name
        what = f"the files of {source.url} matching {source.members!r}"
        try:
            with open(archive, "wb") as handle:
                _stream(source.url, handle, desc or archive.name)
            unpacked.mkdir()
            with zipfile.ZipFile(archive) as zipped:
                wanted = [m for m in zipped.infolist()
                          if not m.is_dir() and fnmatch.fnmatchcase(m.filename, source.members)]
                if not wanted:
                    raise DataError(f"{source.url} holds no file matching {source.members!r}")
                budget = source.size
                for member in wanted:
                    # Flat, by base name only: a member name cannot point outside the folder.
                    destination = unpacked / PurePosixPath(member.filename).name
                    if destination.exists():
                        raise DataError(f"{source.url} holds two files named "
                                        f"{destination.name!r} matching {source.members!r}")
                    with zipped.open(member) as src, open(destination, "wb") as dst:
                        budget -= _inflate(src, dst, budget, what)
        except zipfile.BadZipFile as exc:
            raise DataError(f"could not unpack {source.url}: not a valid zip archive "
                            f"({exc})") from exc
        except OSError as exc:  # network errors are DataError already: this is the disk
            raise _cache_error(target.parent, exc) from exc
        actual = _digest(unpacked, source)
        if actual != source.sha256:
            raise DataError(
                f"hash mismatch for the files of {source.url} matching {source.members!r}: "
                f"expected combined SHA-256 {source.sha256[:12]}..., got {actual[:12]}...; "
                "the download was deleted")
        try:
            os.replace(unpacked, target)
        except OSError:
            # Another process may have put a verified copy there meanwhile; else re-raise.
            if not _verified(target, source, may_delete=False):
                raise


FSDD_CLASSES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_FSDD = ZipSource(
    "fsdd/recordings",
    "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip",
    "8f12bbbd51d141d7b73139fc9ba83cf9aaea4b7a385284e7710430761b28b673",
    members="*/recordings/*.wav",
    size=21_128_848,  # the 3,000 wavs, as the MANIFEST's folder lists them
)
_AUDIO_FIELDS = (
    "x_train and x_test are float32 clips in [-1, 1] of `length` samples (default 8,000: "
    "1 s at 8 kHz), padded with zeros at the end or cut; y is the class index; the split "
    "is the dataset's own (takes 0-4 of every speaker and class are the test set); extras: "
    "sample_rate (8000), speakers (names), speaker_train and speaker_test (index into "
    "speakers, per clip), length_train and length_test (samples before padding or cutting)"
)


def _audio_dataset(x: np.ndarray, y: np.ndarray, speaker: np.ndarray, take: np.ndarray,
                   lengths: np.ndarray, classes: list[str], speakers: list[str], name: str,
                   description: str, canonical: bool) -> Dataset:
    from helpers.audio import SAMPLE_RATE

    test = take < 5
    extras = {"sample_rate": SAMPLE_RATE, "speakers": speakers,
              "speaker_train": speaker[~test], "speaker_test": speaker[test],
              "length_train": lengths[~test], "length_test": lengths[test]}
    return Dataset(x[~test], y[~test], x[test], y[test], classes, name,
                   f"{description}; {_AUDIO_FIELDS}", canonical, extras)


def _build_fsdd(files: dict[str, Path], length: int = 8000) -> Dataset:
    from helpers.audio import SAMPLE_RATE, fix_length, read_wav

    length = _positive_int(length, "length")
    folder = files[_FSDD.path]
    records = []
    for path in folder.glob("*.wav"):
        digit, speaker, take = path.stem.split("_")  # verified names: digit_speaker_take.wav
        records.append((int(digit), speaker, int(take), path))
    records.sort()
    speakers = sorted({speaker for _, speaker, _, _ in records})
    x = np.zeros((len(records), length), dtype="float32")
    lengths = np.zeros(len(records), dtype="int64")
    for i, (_, _, _, path) in enumerate(records):
        clip, rate = read_wav(path)
        if rate != SAMPLE_RATE:
            raise DataError(f"{path} has a sample rate of {rate} Hz, expected {SAMPLE_RATE}")
        x[i], lengths[i] = fix_length(clip, length), len(clip)
    column = list(zip(*records, strict=True))
    return _audio_dataset(
        x, np.array(column[0], dtype="int64"),
        np.array([speakers.index(s) for s in column[1]], dtype="int64"),
        np.array(column[2], dtype="int64"), lengths, list(FSDD_CLASSES), speakers,
        "Free Spoken Digit Dataset",
        "the Free Spoken Digit Dataset v1.0.10: 3,000 recordings of the spoken digits 0-9 by "
        "6 speakers, 50 takes each, 8 kHz mono", True)


def _fsdd_standin(length: int = 8000) -> Dataset:
    from helpers.audio import SOUND_CLASSES, VOICES, make_sounds

    length = _positive_int(length, "length")
    sounds = make_sounds(seed=0, length=length)
    return _audio_dataset(
        sounds.x, sounds.y, sounds.voice, sounds.take, sounds.end, list(SOUND_CLASSES),
        list(VOICES), "synthetic sounds (stand-in for the Free Spoken Digit Dataset)",
        "3,000 synthetic sounds generated by helpers.audio.make_sounds, standing in for the "
        "Free Spoken Digit Dataset offline: 10 classes (tones, chirps, vibrato, tremolo, "
        "chords, beeps, buzz, noise bursts, clicks) by 6 voices (pitch, brightness, noise), "
        "50 takes each, 8 kHz", False)


register(Entry(
    "fsdd",
    "the Free Spoken Digit Dataset v1.0.10: 3,000 recordings (8 kHz) of the digits 0-9 "
    f"spoken by 6 speakers, 50 takes each; {_AUDIO_FIELDS}",
    "CC BY-SA 4.0",
    "Jackson et al., Free Spoken Digit Dataset, https://github.com/Jakobovski/"
    "free-spoken-digit-dataset (v1.0.10)",
    _build_fsdd,
    (_FSDD,),
    _fsdd_standin,
))


# ---------------------------- text: sentence polarity of Pang and Lee (notebooks 07, 08)


# The Cornell tarball is the canonical file: fetch() verifies it like any other, and the
# two sentence files are read out of it in memory (1.2 MB), so nothing is ever unpacked
# on disk and there is no half-extracted state to clean up after a failure.
_POLARITY = Source(
    "rt-polarity/rt-polaritydata.tar.gz",
    "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz",
    "a05befe52aafda71d458d188a1c54506a998b1308613ba76bbda2e5029409ce9",
)
_POLARITY_MEMBERS = {  # label -> (member of the tarball, its SHA-256 from the MANIFEST)
    0: ("rt-polaritydata/rt-polarity.neg",
        "4af43bf489620b498a0852c5a8c6a535155dec7985fdfea782b8f7756b957ccc"),
    1: ("rt-polaritydata/rt-polarity.pos",
        "d79ef14009bbf87cd6be21f91c3ea1a3cbcb73b34dfb4231aef7bbcd7677abc4"),
}
POLARITY_CLASSES = ["negative", "positive"]
_POLARITY_FIELDS = (
    "x_train and x_test are 1-D object arrays of str, one lower-cased, tokenised sentence each; "
    "y is 0 (negative) or 1 (positive); a fixed stratified split (test_size of each class, "
    "scikit-learn's train_test_split with random_state 0), then n_train / n_test sentences "
    "drawn with seed"
)


def decode_polarity(data: bytes) -> list[str]:
    """The sentences of a Pang and Lee file: one a line, Windows-1252 bytes, stripped.

    Windows-1252 is Latin-1 plus the curly quotes, dashes and ellipses the reviews use at
    0x80-0x9F; read as Latin-1 those become control characters, and 0x85 would even split
    a sentence in two under ``str.splitlines``.

    >>> decode_polarity(b"am\\xe9lie \\x85 a delight . \\nsimplistic , silly and tedious . \\n")
    ['amélie … a delight .', 'simplistic , silly and tedious .']
    """
    return [line.strip() for line in data.decode("cp1252").split("\n") if line.strip()]


def _polarity_dataset(negative: list[str], positive: list[str], name: str, description: str,
                      canonical: bool, test_size: float, n_train: int | None,
                      n_test: int | None, seed: int) -> Dataset:
    test_size = _test_size(test_size)
    # Object arrays of str, not numpy's fixed-width "<U": Keras' fit and predict refuse
    # "<U" arrays (a TextVectorization inside a model needs them as strings).
    x = np.array(negative + positive, dtype=object)
    y = np.r_[np.zeros(len(negative)), np.ones(len(positive))].astype("int64")
    try:
        # random_state 0, not seed: every notebook and every run sees the same test set.
        x_train, x_test, y_train, y_test = _split(x, y, test_size, 0)
    except ValueError as exc:
        raise ValueError(f"cannot split {len(x)} sentences with test_size={test_size!r} "
                         f"({exc})") from exc
    x_train, y_train = _subsample(x_train, y_train, n_train, seed, "n_train")
    x_test, y_test = _subsample(x_test, y_test, n_test, seed, "n_test")
    return Dataset(x_train, y_train, x_test, y_test, list(POLARITY_CLASSES), name,
                   f"{description}; {_POLARITY_FIELDS}", canonical,
                   {"test_size": test_size})


def _build_polarity(files: dict[str, Path], n_train: int | None = None,
                    n_test: int | None = None, seed: int = 0,
                    test_size: float = 0.1) -> Dataset:
    import tarfile

    sentences = {}
    with tarfile.open(files[_POLARITY.path], "r:gz") as archive:
        for label, (member, sha256) in _POLARITY_MEMBERS.items():
            raw = archive.extractfile(member).read()
            if hashlib.sha256(raw).hexdigest() != sha256:
                raise DataError(f"{member} in {files[_POLARITY.path]} does not match its "
                                f"SHA-256 {sha256[:12]}...")
            sentences[label] = decode_polarity(raw)
    n = len(sentences[0]) + len(sentences[1])
    return _polarity_dataset(
        sentences[0], sentences[1], "sentence polarity (MR)",
        f"the sentence polarity dataset v1.0 of Pang and Lee (2005), 'MR': {n:,} snippets of "
        "Rotten Tomatoes reviews, half from 'fresh' (positive) and half from 'rotten' "
        "(negative) reviews", True, test_size, n_train, n_test, seed)


def _polarity_standin(n_train: int | None = None, n_test: int | None = None, seed: int = 0,
                      test_size: float = 0.25) -> Dataset:
    # gensim's tests ship 200 real MR sentences (100 per class, the same bytes as the
    # Cornell files); a quarter is held out, since a tenth would be 20 sentences.
    negative, positive = [], []
    for line in decode_polarity(gensim_test_file("pang_lee_polarity.cor").read_bytes()):
        label, sentence = line.split(" ", 1)
        (positive if label == "__label__pos" else negative).append(sentence.strip())
    return _polarity_dataset(
        negative, positive, "200 MR sentences (stand-in for sentence polarity)",
        "the 200 sentences of Pang and Lee's sentence polarity data (100 negative, 100 "
        "positive) shipped with gensim's tests, standing in for the 10,662 of the full "
        "dataset offline", False, test_size, n_train, n_test, seed)


register(Entry(
    "sentence_polarity",
    "sentence polarity v1.0 (Pang and Lee 2005, 'MR'): 10,662 movie-review sentences, "
    f"half positive, half negative; {_POLARITY_FIELDS} (default test_size 0.1; 0.25 for the "
    "stand-in, gensim's 200 MR test sentences)",
    "no explicit license; distributed by Cornell for research use (cite Pang and Lee 2005)",
    "Pang and Lee (2005), Seeing stars: exploiting class relationships for sentiment "
    "categorization with respect to rating scales, ACL",
    _build_polarity,
    (_POLARITY,),
    _polarity_standin,
))


# ------------------------------------------ corpora: Tiny Shakespeare (notebooks 08, 09)


_SHAKESPEARE = Source(
    "corpora/tinyshakespeare/input.txt",
    "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
    "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
)
_TEXT_FIELDS = (
    "x_train and x_test are 1-element object arrays holding one str each: the first "
    "(1 - test_size) of the text and the rest (default 90/10, cut at a character); "
    "extras['text'] is the whole text, extras['split_at'] the index of the cut, "
    "extras['chars'] its sorted distinct characters; no labels (y_train, y_test empty, "
    "class_names [])"
)


def _text_dataset(text: str, name: str, description: str, canonical: bool,
                  n_chars: int | None, test_size: float) -> Dataset:
    """A character corpus cut in two: train first, test last (no shuffling of text)."""
    if n_chars is not None:
        text = text[:_positive_int(n_chars, "n_chars")]
    test_size = _test_size(test_size)
    cut = int(round(len(text) * (1 - test_size)))
    if not 0 < cut < len(text):
        raise ValueError(f"cannot cut {len(text):,} characters into a train and a test part "
                         f"with test_size={test_size!r}; use a larger n_chars")
    no_labels = np.zeros(0, dtype="int64")
    return Dataset(
        np.array([text[:cut]], dtype=object), no_labels, np.array([text[cut:]], dtype=object),
        no_labels.copy(), [], name, f"{description}; {_TEXT_FIELDS}", canonical,
        {"text": text, "split_at": cut, "chars": sorted(set(text))},
    )


def _build_shakespeare(files: dict[str, Path], n_chars: int | None = None,
                       test_size: float = 0.1) -> Dataset:
    text = files[_SHAKESPEARE.path].read_text(encoding="utf-8")
    return _text_dataset(text, "Tiny Shakespeare",
                         f"Tiny Shakespeare (Karpathy's char-rnn): {len(text):,} characters of "
                         "Shakespeare's plays, speaker names and lines", True, n_chars, test_size)


def gensim_test_file(name: str) -> Path:
    """The path of a file of gensim's test data (shipped inside the package; no network).

    Found without importing gensim, which takes seconds.

    >>> gensim_test_file("lee_background.cor").name
    'lee_background.cor'
    """
    import importlib.util

    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f"gensim's test file {name!r} needs gensim: pip install gensim")
    path = Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data" / name
    if not path.is_file():
        raise DataError(f"gensim's test data has no file {name!r} (looked for {path})")
    return path


def _shakespeare_standin(n_chars: int | None = None, test_size: float = 0.1) -> Dataset:
    # No public-domain prose of any size ships with the course's packages; the Lee corpus
    # (300 ABC news articles, one a line) is the largest real English text there is.
    text = gensim_test_file("lee_background.cor").read_text(encoding="utf-8")
    return _text_dataset(text, "Lee news corpus (stand-in for Tiny Shakespeare)",
                         f"the Lee background corpus shipped with gensim's tests: {len(text):,} "
                         "characters of English news articles (ABC, Lee et al. 2005), one "
                         "article a line, standing in for Tiny Shakespeare offline", False,
                         n_chars, test_size)


register(Entry(
    "tinyshakespeare",
    "Tiny Shakespeare: 1.1 MB of Shakespeare's plays as one text (character-level models, "
    f"word2vec); {_TEXT_FIELDS}",
    "text in the public domain; the char-rnn repository is MIT",
    "Karpathy (2015), char-rnn, https://github.com/karpathy/char-rnn",
    _build_shakespeare,
    (_SHAKESPEARE,),
    _shakespeare_standin,
))


# -------------------------------------- corpora: text8 and word-level text (notebook 09)


# The zip (31,344,016 bytes) holds one member, "text8": 100,000,000 bytes of lower-case
# letters and single spaces, SHA-256 6e890197040d37d85beb962ae1f041ff1d9a9ca8d20c7d99c850
# 27eebf51dca7. Both hashes are the ones that independent projects publish for this URL.
_TEXT8 = Source(
    "corpora/text8/text8.zip",
    "https://mattmahoney.net/dc/text8.zip",
    "a6640522afe85d1963ad56c05b0ede0a0c000dddc9671758a6cc09b7a38e5232",
)
_TEXT8_SIZE = 100_000_000


def _build_text8(files: dict[str, Path], n_chars: int | None = None,
                 test_size: float = 0.1) -> Dataset:
    import zipfile

    limit = _TEXT8_SIZE if n_chars is None else _positive_int(n_chars, "n_chars")
    # Streamed out of the zip: the first few million characters are read and inflated,
    # not the whole 100 MB; and never more than the member's known size, plus one byte
    # to notice a member that holds more.
    with zipfile.ZipFile(files[_TEXT8.path]) as archive, archive.open("text8") as member:
        raw = member.read(min(limit, _TEXT8_SIZE) + (n_chars is None))
    if len(raw) > _TEXT8_SIZE:
        raise DataError(f"the member text8 of {files[_TEXT8.path]} holds more than "
                        f"{_TEXT8_SIZE:,} bytes, the size the registry expects")
    text = raw.decode("ascii")
    if n_chars is not None and len(text) == n_chars and " " in text.strip():
        text = text[:text.rstrip().rfind(" ")]  # no half word at the cut
    words = f"{text.count(' '):,} words"  # text8 puts exactly one space before every word
    return _text_dataset(
        text, "text8" if n_chars is None else f"text8 (first {words})",
        f"text8 (Mahoney 2006): the first 10^8 bytes of an English Wikipedia dump, cleaned to "
        f"lower-case words a-z and single spaces, one line; here {len(text):,} characters, "
        f"{words}", True, None, test_size)


def _text8_standin(n_chars: int | None = None, test_size: float = 0.1) -> Dataset:
    # Without text8 (31 MB to download), the course's own canonical corpus, which
    # COURSE_DATA_PATH holds for classes offline; and offline that corpus's stand-in.
    return load("tinyshakespeare", n_chars=n_chars, test_size=test_size)


register(Entry(
    "text8",
    "text8: 100 MB of cleaned English Wikipedia text (17 million words, lower case, one "
    f"line), the classic word2vec corpus; n_chars reads only its beginning; {_TEXT_FIELDS}",
    "Wikipedia text, CC BY-SA 3.0 and GFDL (Wikipedia contributors); cleaning script by "
    "Matt Mahoney",
    "Mahoney (2006), About the Test Data, https://mattmahoney.net/dc/textdata.html",
    _build_text8,
    (_TEXT8,),
    _text8_standin,
))


# --------------- pretrained models: MobileNet and the course backbone (notebooks 04, 05)

_KERAS_MOBILENET_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
# Where an installed copy of helpers without its assets (pip from git) finds the course's
# own files; the repository named in pyproject.toml's [tool.course] (a test checks it).
_COURSE_FILES_URL = "https://raw.githubusercontent.com/applied-dl-keras/course/main/"
ASSETS = Path(__file__).resolve().parent / "assets"

WEIGHTS: dict[str, Source] = {
    # What keras.applications.MobileNet(alpha=0.25, include_top=False) downloads: ImageNet
    # weights of MobileNet v1, width 0.25, 224x224, without the classifier (Apache 2.0).
    # SHA-256 as in Keras' WEIGHTS_HASHES table and the course MANIFEST.
    "mobilenet_0.25": Source(
        "keras-models/mobilenet_2_5_224_tf_no_top.h5",
        _KERAS_MOBILENET_URL + "mobilenet_2_5_224_tf_no_top.h5",
        "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf"),
    # The same network with its 1000-class ImageNet classifier; not in the course's offline
    # data, so it is had only online (SHA-256 from the same WEIGHTS_HASHES table).
    "mobilenet_0.25_imagenet": Source(
        "keras-models/mobilenet_2_5_224_tf.h5",
        _KERAS_MOBILENET_URL + "mobilenet_2_5_224_tf.h5",
        "98d047950e59f478af63681720906940efc8ce8cecb95bce5c7b47394f8bd63d"),
    # The course's small CNN pretrained on Fashion-MNIST (python -m helpers.pretrain), shipped
    # in helpers/assets; course_backbone.json there records how it was made. A rebuild
    # changes this hash: copy the new one from that record.
    "course_backbone": Source(
        "course-models/course_backbone.keras",
        _COURSE_FILES_URL + "helpers/assets/course_backbone.keras",
        "b933f3686bdae2106bbaadda86cb853152ffdcfc35503a4eac0853d6f8ace0ff"),
}
# Files that ship inside the package, looked at before the cache and COURSE_DATA_PATH.
_PACKAGED = {"course_backbone": ASSETS / "course_backbone.keras"}
_IMAGENET_CLASS_INDEX = ("https://storage.googleapis.com/download.tensorflow.org/data/"
                         "imagenet_class_index.json")


def weights_path(name: str) -> Path:
    """A verified local copy of the pretrained weights ``name`` (a key of ``WEIGHTS``).

    Looks in the package's own assets (the course backbone), then in the cache and
    ``COURSE_DATA_PATH``, then downloads from the canonical URL, each file checked by its
    SHA-256. Raises DataError naming the file and what to do when none can be had.

    >>> weights_path("course_backbone").name
    'course_backbone.keras'
    """
    if not isinstance(name, str):
        raise TypeError(f"weights_path() needs a name (str), got {type(name).__name__}")
    key = name.strip().lower()
    if key not in WEIGHTS:
        raise DataError(f"unknown weights {name!r}; known weights: {', '.join(sorted(WEIGHTS))}")
    source = WEIGHTS[key]
    packaged = _PACKAGED.get(key)
    if packaged is not None and _verified(packaged, source, may_delete=False):
        return packaged
    try:
        return fetch(source)
    except DataError as exc:
        raise DataError(
            f"no verified copy of the {key} weights ({exc}); put {source.path} in a folder of "
            f"{PATH_ENV}, or go online (and unset {OFFLINE_ENV}) to download {source.url}"
        ) from exc


def imagenet_class_names() -> list[str]:
    """The 1,000 ImageNet class names, in the order of Keras' ImageNet classifiers.

    Keras downloads its class index on first use (and checks its MD5); the download gets
    ``COURSE_DOWNLOAD_TIMEOUT`` seconds. Raises DataError offline.

    >>> imagenet_class_names()[281]  # doctest: +SKIP
    'tabby'
    """
    if offline():
        raise DataError(f"the ImageNet class names are not available offline ({OFFLINE_ENV}=1)")
    import json
    import socket

    import keras

    # Keras' download has no time-out of its own: a dead network would hang the notebook.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(_timeout())
    try:
        path = keras.utils.get_file("imagenet_class_index.json", _IMAGENET_CLASS_INDEX,
                                    cache_subdir="models",
                                    file_hash="c2c37ea517e94d9795004a39431a14cb")
        with open(path, encoding="utf-8") as handle:
            index = json.load(handle)
        return [index[str(i)][1] for i in range(len(index))]
    except Exception as exc:  # Keras raises a bare Exception for a failed download
        raise DataError(f"could not get {_IMAGENET_CLASS_INDEX} ({exc})") from exc
    finally:
        socket.setdefaulttimeout(previous)


# ------------------------------------------------------------------------- command line


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.data", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list every dataset with its source, license and status")
    down = sub.add_parser("download", help="download and verify canonical datasets")
    down.add_argument("names", nargs="*", help="datasets to download (default: all)")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name in names():
            entry = REGISTRY[name]
            print(f"{name:16s} {status(name):10s} {entry.description}\n"
                  f"{'':27s} license: {entry.license}")
        return 0

    wanted = args.names or [n for n in names() if REGISTRY[n].sources]
    unknown = [n for n in wanted if n.strip().lower().replace("-", "_") not in REGISTRY]
    if unknown:
        print(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(names())}",
              file=sys.stderr)
        return 2
    wanted = [_key(n) for n in wanted]
    jobs = [(name, source) for name in wanted for source in REGISTRY[name].sources]
    failed = 0
    # Each download's bar gives its bytes, rate and time left; [k/n] says how many remain.
    for k, (name, source) in enumerate(jobs, 1):
        label = f"[{k}/{len(jobs)}] {name}: {Path(source.path).name}"
        try:
            print(f"{label}: {fetch(source, desc=label)}", flush=True)
        except DataError as exc:
            print(f"{label}: {exc}", file=sys.stderr, flush=True)
            failed += 1
    return 1 if failed else 0


def status(name: str) -> str:
    """``"generated"``, ``"present"`` (canonical files on disk, not yet verified) or ``"missing"``.

    >>> status("xor")
    'generated'
    """
    sources = REGISTRY[_key(name)].sources
    if not sources:
        return "generated"
    places = [[cache_dir() / s.path] + [d / s.path for d in data_path()] for s in sources]
    return "present" if all(any(p.exists() for p in group) for group in places) else "missing"


if __name__ == "__main__":
    sys.exit(_main())
