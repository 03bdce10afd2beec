"""Shared code for the course *Applied Deep Learning with Keras*.

Notebooks start with ``helpers.setup()`` and report their key results with
``helpers.record(name, value)``; a result the text states is checked with
``helpers.claim(name, value, at_least=...)`` (see ``helpers.claims``). The submodules
hold what several notebooks need:
``data`` (every dataset, canonical or stand-in), ``scratch`` (from-scratch numpy
versions of what Keras does), ``plots`` and ``checks`` (exercise feedback).
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import tempfile
from importlib import metadata
from pathlib import Path

from helpers.claims import ClaimFailed, claim

__all__ = ["setup", "record", "recorded", "claim", "ClaimFailed"]

_RECORDS: dict[str, float | int | str] = {}

# The environment variable through which `make run`/`make bench` ask for the records.
RECORD_FILE_ENV = "COURSE_RECORD_FILE"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def setup(seed: int = 0) -> None:
    """Seed every random generator, set the plot style and print what the notebook runs on.

    Call it once at the top of every notebook, after the imports:

    >>> import helpers
    >>> helpers.setup(seed=0)  # doctest: +SKIP
    Python 3.11.7 | numpy 2.4.6 | tensorflow 2.21.0 | keras 3.15.1 (backend tensorflow)
    data: ...
    """
    if isinstance(seed, bool) or not hasattr(seed, "__index__"):
        raise ValueError(f"setup(seed=...) needs a non-negative int, got {seed!r}")
    seed = int(seed.__index__())  # numpy integers are fine too
    # numpy's legacy seeding, which set_random_seed calls, takes 32-bit seeds only.
    if not 0 <= seed < 2**32:
        raise ValueError(f"setup(seed=...) needs an int between 0 and 2**32 - 1, got {seed!r}")
    # Quiet TensorFlow's C++ start-up lines before it is first imported.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)
    import keras

    # Seeds Python, numpy and the backend in one call.
    keras.utils.set_random_seed(seed)

    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (6.0, 4.0),
            "figure.dpi": 90,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "viridis",
            "animation.html": "jshtml",
        }
    )
    tf_version = _version("tensorflow")
    if tf_version == "not installed":
        tf_version = _version("tensorflow-cpu")
    print(
        f"Python {platform.python_version()} | numpy {np.__version__} | tensorflow {tf_version}"
        f" | keras {keras.__version__} (backend {keras.backend.backend()})"
    )
    from helpers import data

    print("data:", data.tier_summary())


def record(name: str, value: float | int | str) -> None:
    """Record a key result of the notebook (an accuracy, a loss, a count).

    `make run` and `make bench` collect the records into their tables; in class the
    call only prints the value.

    >>> record("test_accuracy", 0.912)
    recorded test_accuracy = 0.912
    """
    if not isinstance(name, str) or not name.isidentifier() or name == "claims":
        raise ValueError(f"record() needs a name like 'test_accuracy' ('claims' is taken by "
                         f"helpers.claim), got {name!r}")
    if callable(getattr(value, "numpy", None)) and not isinstance(value, (int, float, str)):
        value = value.numpy()  # TensorFlow and Keras tensors have no .item()
    if hasattr(value, "item") and getattr(value, "size", 1) == 1:
        value = value.item()  # numpy and tensor scalars become plain Python numbers
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(
            f"record({name!r}, ...) needs a number or a string, got {type(value).__name__}"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"record({name!r}, ...) got a non-finite value {value}")
    _store(name, value)
    print(f"recorded {name} = {value:.4g}" if isinstance(value, float) else
          f"recorded {name} = {value}")
    _flush()


def _store(name: str, value: float | int | str) -> None:
    _RECORDS[name] = value


def _flush() -> None:
    """Write the records (and the claims, under "claims") where `make bench` reads them."""
    path = os.environ.get(RECORD_FILE_ENV)
    if path:
        from helpers.claims import _CLAIMS

        _write_json_atomically(Path(path), {**_RECORDS, **({"claims": _CLAIMS} if _CLAIMS
                                                          else {})})


def recorded() -> dict[str, float | int | str]:
    """Return a copy of everything recorded so far in this kernel.

    >>> record("epochs", 3)
    recorded epochs = 3
    >>> recorded()["epochs"]
    3
    """
    return dict(_RECORDS)


def _write_json_atomically(path: Path, obj: object) -> None:
    """Write ``obj`` as JSON so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=path.name + ".", suffix=".tmp", delete=False
    )
    try:
        with handle:
            json.dump(obj, handle, indent=2, sort_keys=True)
        # NamedTemporaryFile creates the file 0600: other users (a teacher's CI) must read it.
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
