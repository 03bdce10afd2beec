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
]

CACHE_ENV = "COURSE_CACHE_DIR"
PATH_ENV = "COURSE_DATA_PATH"
OFFLINE_ENV = "COURSE_OFFLINE"
TIMEOUT_ENV = "COURSE_DOWNLOAD_TIMEOUT"


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


def offline() -> bool:
    """True when ``COURSE_OFFLINE`` asks for stand-ins without trying the network."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def tier_summary() -> str:
    """One line saying where data will come from, as ``helpers.setup()`` prints it."""
    if offline():
        return f"{OFFLINE_ENV}=1: stand-in datasets (no network used)"
    dirs = [str(d) for d in data_path() if d.is_dir()]
    where = f"files from {', '.join(dirs)} or the cache" if dirs else "the cache"
    return f"canonical datasets from {where}; missing files are downloaded (stand-ins if offline)"


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
    if not path.exists():
        return False
    actual = _digest(path, source)
    if actual == source.sha256:
        return True
    action = "deleted it" if may_delete else "ignoring it"
    print(
        f"hash mismatch for {path}: expected SHA-256 {source.sha256[:12]}..., "
        f"got {actual[:12]}...; {action}"
    )
    if may_delete:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
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


def _download(source: Source, target: Path) -> None:
    """Download ``source`` to ``target`` through a temporary file; verify, then rename.

    Raises DataError naming the URL on network failure, time-out or hash mismatch.
    """
    from tqdm.auto import tqdm

    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=target.name + ".", suffix=".part", delete=False
    )
    tmp = Path(handle.name)
    try:
        with handle:
            # The socket timeout bounds the connection and every read: a server that
            # accepts and never answers fails in seconds instead of hanging the class.
            with urllib.request.urlopen(source.url, timeout=_timeout()) as response:
                total = int(response.headers.get("Content-Length") or 0) or None
                received = 0
                with tqdm(total=total, unit="B", unit_scale=True, desc=target.name) as bar:
                    for block in iter(lambda: response.read(1 << 16), b""):
                        handle.write(block)
                        received += len(block)
                        bar.update(len(block))
        # urllib returns a dropped connection as a short read, not an error: say so
        # rather than report the truncated file as a hash mismatch.
        if total is not None and received < total:
            raise DataError(f"could not download {source.url} (the connection dropped after "
                            f"{received:,} of {total:,} bytes)")
        actual = sha256_of(tmp)
        if actual != source.sha256:
            raise DataError(
                f"hash mismatch for {source.url}: expected SHA-256 {source.sha256[:12]}..., "
                f"got {actual[:12]}...; the download was deleted"
            )
        os.replace(tmp, target)
    # HTTPException covers a server that closes before Content-Length bytes (IncompleteRead).
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
            reason = f"no answer within {_timeout():g} s"
        raise DataError(f"could not download {source.url} ({reason})") from exc
    finally:
        tmp.unlink(missing_ok=True)


def fetch(source: Source, *, allow_download: bool = True) -> Path:
    """Return a verified local copy of ``source``, downloading it if allowed.

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
    _download(source, cached)
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
        reason = f"{OFFLINE_ENV}=1" if offline() else str(exc)
        dataset = entry.standin(**options)
        print(f"Using the stand-in {dataset.name!r} for {entry.name} ({reason}).")
        return dataset
    return entry.build(files, **options)


def _key(name: str) -> str:
    """The registry key for a user-typed name ("Fashion-MNIST" -> "fashion_mnist")."""
    key = name.strip().lower().replace("-", "_")
    if key not in REGISTRY:
        raise DataError(f"unknown dataset {name!r}; known datasets: {', '.join(names())}")
    return key


def _split(x: np.ndarray, y: np.ndarray, test_size: float, seed: int):
    from sklearn.model_selection import train_test_split

    return train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)


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
    failed = 0
    for name in wanted:
        for source in REGISTRY[name].sources:
            try:
                print(f"{name}: {fetch(source)}")
            except DataError as exc:
                print(f"{name}: {exc}", file=sys.stderr)
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
