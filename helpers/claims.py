"""Claims: a result the course states, checked by code on the data the notebook ran on.

``helpers.claim(name, value, at_least=..., at_most=..., between=...)`` records the value
like ``helpers.record`` and raises ``ClaimFailed`` (an ``AssertionError``, so nbval and
nbgrader report it as a failed cell) with a message naming the claim, the value and the
bound when the stated result is false. NaN, infinities and None always fail: a model that
diverged must never pass a claim by accident.

Data tiers. A claim may hold only on canonical data (``tiers=("canonical",)``) or only on
the stand-ins (``tiers=("stand-in",)``). The tier of the running notebook is that of the
datasets it loaded: ``helpers.data.load`` returns a ``Dataset`` whose ``canonical`` flag
says which tier it came from, and a notebook keeps what it loads in its globals, so the
tier is "stand-in" as soon as one ``Dataset`` there is a stand-in (a fallback to a
stand-in is then seen even without ``COURSE_OFFLINE``). A notebook that loaded no
``Dataset`` (generated data only) is on the stand-in tier when ``COURSE_OFFLINE=1`` and on
the canonical tier otherwise. ``data_tier()`` says which tier a claim sees.

Grading. Grading runs (``NBGRADER_EXECUTION`` set) train for fewer epochs; a claim that
needs the full training passes ``grading=False`` and is skipped there.

A skipped claim prints one line saying so and why; its value is still recorded.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any

__all__ = ["claim", "ClaimFailed", "data_tier", "claims", "TIERS"]

TIERS = ("canonical", "stand-in")

# name -> {"value", "bound", "held", "checked", "tier"}; written with the records.
_CLAIMS: dict[str, dict[str, Any]] = {}


class ClaimFailed(AssertionError):
    """A result the course states is false on the data this notebook ran on."""


def _number(name: str, value: object) -> float | int | bool | None:
    """The value as a plain Python number (tensors and numpy scalars included)."""
    if value is None:
        return None
    if callable(getattr(value, "numpy", None)) and not isinstance(value, (int, float)):
        value = value.numpy()  # TensorFlow and Keras tensors
    if hasattr(value, "item") and getattr(value, "size", 1) == 1:
        value = value.item()  # numpy scalars and 1-element arrays
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"claim({name!r}, ...) needs a number or a bool, "
                        f"got {type(value).__name__}")
    return value


def _bound(name: str, at_least, at_most, between) -> tuple[float | None, float | None]:
    if between is not None:
        if at_least is not None or at_most is not None:
            raise ValueError(f"claim({name!r}, ...): give between=(low, high) "
                             "or at_least/at_most, not both")
        try:
            at_least, at_most = between
        except (TypeError, ValueError):
            raise ValueError(f"claim({name!r}, ...): between= needs (low, high), "
                             f"got {between!r}") from None
    for label, limit in (("at_least", at_least), ("at_most", at_most)):
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float))
                                  or not math.isfinite(limit)):
            raise ValueError(f"claim({name!r}, ...): {label} must be a finite number, "
                             f"got {limit!r}")
    # numpy limits (np.log(4)) would make the comparisons numpy bools, which JSON refuses.
    at_least, at_most = (None if v is None else float(v) for v in (at_least, at_most))
    if at_least is not None and at_most is not None and at_least > at_most:
        raise ValueError(f"claim({name!r}, ...): the bound is empty "
                         f"(low {at_least} > high {at_most})")
    return at_least, at_most


def _describe(low: float | None, high: float | None, is_bool: bool) -> str:
    if low is None and high is None:
        return "is True" if is_bool else "(no bound)"
    if low is not None and high is not None:
        return f"in [{low:g}, {high:g}]"
    return f">= {low:g}" if low is not None else f"<= {high:g}"


def _show(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _notebook_globals() -> dict:
    """The globals of the first caller outside helpers (the notebook's namespace)."""
    frame = sys._getframe(1)
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith("helpers"):
        frame = frame.f_back
    return frame.f_globals if frame is not None else {}


def data_tier(namespace: dict | None = None) -> str:
    """The data tier a claim sees: "canonical" or "stand-in".

    ``namespace`` defaults to the calling notebook's globals; one stand-in ``Dataset`` in it
    makes the tier "stand-in".

    >>> from helpers import data
    >>> data_tier({"ds": data.load("xor", n=20)}) in TIERS
    True
    """
    from helpers import data

    if namespace is None:
        namespace = _notebook_globals()
    loaded = [v for v in list(namespace.values()) if isinstance(v, data.Dataset)]
    if loaded:
        return "canonical" if all(d.canonical for d in loaded) else "stand-in"
    return "stand-in" if data.offline() else "canonical"


def claims() -> dict[str, dict[str, Any]]:
    """Every claim made so far in this kernel: value, bound, whether it held and was checked.

    >>> claim("doc_example", 3, at_least=1)
    claim doc_example = 3 >= 1: holds
    >>> claims()["doc_example"]["held"]
    True
    """
    return {name: dict(entry) for name, entry in _CLAIMS.items()}


def claim(name: str, value: object, *, at_least: float | None = None,
          at_most: float | None = None, between: tuple[float, float] | None = None,
          tiers: tuple[str, ...] = TIERS, grading: bool = True) -> None:
    """Check a result the notebook states; raise ClaimFailed naming it when it is false.

    ``value`` is a number (bounded by ``at_least``, ``at_most`` or ``between=(low, high)``,
    inclusive) or a bool for "A beats B" (it must be True, or within a bound given as 0/1).
    ``tiers`` names the data tiers on which the claim holds (see ``data_tier``);
    ``grading=False`` skips it in grading runs, which train less. The value is recorded
    like ``helpers.record`` together with the bound and whether it held.

    >>> claim("cnn_test_accuracy", 0.91, at_least=0.85)
    claim cnn_test_accuracy = 0.91 >= 0.85: holds
    >>> claim("gru_beats_simplernn", True)
    claim gru_beats_simplernn = True is True: holds
    >>> claim("cnn_test_accuracy", 0.11, at_least=0.85)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.claims.ClaimFailed: claim cnn_test_accuracy is false: 0.11, expected >= 0.85 ...
    """
    import helpers

    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"claim() needs a name like 'test_accuracy', got {name!r}")
    if isinstance(tiers, str) or not tiers or any(t not in TIERS for t in tiers):
        raise ValueError(f"claim({name!r}, ...): tiers must be a tuple drawn from {TIERS}, "
                         f"got {tiers!r}")
    low, high = _bound(name, at_least, at_most, between)
    number = _number(name, value)
    is_bool = isinstance(number, bool)
    if low is None and high is None and not is_bool:
        raise ValueError(f"claim({name!r}, ...) on a number needs a bound: "
                         "at_least=, at_most= or between=")
    bound = _describe(low, high, is_bool)
    tier = data_tier(_notebook_globals())

    finite = number is not None and math.isfinite(number)
    if not finite:
        held = False
    elif low is None and high is None:
        held = number is True
    else:
        held = bool((low is None or number >= low) and (high is None or number <= high))

    skip = None
    if tier not in tiers:
        skip = f"it is checked on the {' and '.join(tiers)} tier only, this run is on {tier}"
    elif not grading and os.environ.get("NBGRADER_EXECUTION"):
        skip = "grading runs train less (NBGRADER_EXECUTION is set)"

    # Recorded before raising, so that `make bench` shows the value of a false claim too.
    _CLAIMS[name] = {"value": number if finite else str(number), "bound": bound,
                     "held": held, "checked": skip is None, "tier": tier}
    if finite:
        helpers._store(name, int(number) if is_bool else number)
    helpers._flush()

    if skip is not None:
        print(f"claim {name} = {_show(number)} not checked: {skip}")
        return
    if not held:
        raise ClaimFailed(f"claim {name} is false: {_show(number)}, expected {bound} "
                          f"(tier {tier})")
    print(f"claim {name} = {_show(number)} {bound}: holds")
