"""Instant feedback for the exercises.

A check tries several cases (edge cases included) and stops at the first wrong one
with a message that says what was expected, what came back and a hint. It raises
``CheckFailed`` (an AssertionError, so nbgrader scores the cell 0) and prints one
short line on success.

This package holds that generic machinery (``compare_function``, ``expect_*``); each
notebook's checks live in a submodule named after its topic (``helpers.checks.neuron``,
``helpers.checks.mlp``, ...), which the notebook imports as
``from helpers.checks import neuron as check``.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "CheckFailed",
    "call_student",
    "compare_function",
    "expect_close",
    "expect_count",
    "expect_at_least",
    "expect_true",
    "hidden_rng",
    "not_implemented",
    "passed",
]


# Set by the grader (tools/grade.py) from the teacher's secret, one value per submission.
HIDDEN_SEED_ENV = "COURSE_HIDDEN_SEED"


def hidden_rng(public_seed: int) -> np.random.Generator:
    """The random generator of a check's hidden cases.

    In a grading run with a teacher's secret, its seed comes from ``COURSE_HIDDEN_SEED``
    (derived from the secret, the student and the notebook), so the hidden cases are not
    in the public code; otherwise it is ``public_seed``, the cases anyone can read.

    >>> float(hidden_rng(3).uniform()) == float(np.random.default_rng(3).uniform())
    True
    """
    secret = os.environ.get(HIDDEN_SEED_ENV, "")
    if not secret:
        return np.random.default_rng(public_seed)
    digest = hashlib.sha256(f"{secret}:{public_seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


class CheckFailed(AssertionError):
    """An exercise check found a wrong answer; the message says what and gives a hint."""


def _short(value, limit: int = 120) -> str:
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, threshold=12, separator=", ")
        text = f"array(shape={value.shape}, {text})" if value.size > 12 else text
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fail(message: str, hint: str | None, cause: BaseException | None = None) -> None:
    # Without a cause, "from None" spares the student "during handling of the above
    # exception, another exception occurred" and our internals; with the student's own
    # exception as cause, the traceback points at the line of their code that raised.
    raise CheckFailed(f"{message}" + (f"\nHint: {hint}" if hint else "")) from cause


def passed(name: str, detail: str = "") -> None:
    """Print the one-line success message of a check."""
    print(f"✔ {name}: correct{(' (' + detail + ')') if detail else ''}.")


def expect_close(got, expected, what: str, *, hint: str | None = None,
                 rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Fail unless ``got`` has ``expected``'s shape and values (to a tolerance).

    >>> expect_close(np.array([1.0, 2.0]), [1.0, 2.0], "x")
    >>> expect_close(np.array([1.0]), [1.0, 2.0], "x")
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: x has shape (1,), expected shape (2,).
    """
    if got is None:
        _fail(f"{what} is None: did you forget to `return` the result?", hint)
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{what} should be numbers, got {_short(got)}", hint)
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        _fail(f"{what} has shape {got_arr.shape}, expected shape {exp_arr.shape}.", hint)
    if not np.all(np.isfinite(got_arr)) and np.all(np.isfinite(exp_arr)):
        _fail(f"{what} contains nan or inf: {_short(got_arr)}; expected {_short(exp_arr)}.",
              hint)
    if not np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True):
        _fail(f"{what} is {_short(got_arr)}, expected {_short(exp_arr)}.", hint)


def expect_at_least(value: float, target: float, what: str, *, hint: str | None = None) -> None:
    """Fail unless ``value >= target`` (a metric that must reach a stated target).

    >>> expect_at_least(0.93, 0.9, "test accuracy")
    """
    try:
        number = None if isinstance(value, (str, bytes)) else float(value)
    except (TypeError, ValueError):  # None, a list, an array of many values
        number = None
    if number is None or not np.isfinite(number):
        _fail(f"{what} is {_short(value)}, expected a number of at least {target}.", hint)
    if number < target:
        _fail(f"{what} is {number:.4g}, expected at least {target:.4g}.", hint)


def expect_true(condition: bool, message: str, *, hint: str | None = None) -> None:
    """Fail with ``message`` unless ``condition`` holds.

    >>> expect_true(1 + 1 == 2, "arithmetic is broken")
    """
    if not condition:
        _fail(message, hint)


def _describe(args: tuple) -> str:
    return ", ".join(_short(a, 60) for a in args)


def expect_count(got, expected: int, call: str, noun: str, *,
                 hint: str | Callable[[object], str | None] | None = None,
                 float_hint: str | None = None) -> None:
    """Fail unless ``got`` is the whole number ``expected`` (a size, a count), as an int.

    ``noun`` names the quantity in the messages; ``hint`` (a string, or a function of the
    wrong number that explains it) is shown when the number is wrong, ``float_hint`` when
    it is right but a float.

    >>> expect_count(3, 3, "size(5, 3)", "size")
    >>> expect_count(3.0, 3, "size(5, 3)", "size")
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: size(5, 3) returned the float 3.0; a size is an int (3).
    """
    if got is None:
        _fail(f"{call} returned None: did you forget to `return` the {noun}?", None)
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.number)):
        _fail(f"{call} returned {_short(got)}, expected the number {expected}.", None)
    if got != expected:
        _fail(f"{call} is {got!r}, expected {expected}.", hint(got) if callable(hint) else hint)
    if isinstance(got, (float, np.floating)):
        _fail(f"{call} returned the float {got!r}; a {noun} is an int ({expected}).", float_hint)


def not_implemented(name: str) -> None:
    """Fail with the message a student sees while an exercise still raises NotImplementedError.

    >>> try:
    ...     not_implemented("my_relu")
    ... except CheckFailed as failure:
    ...     print(failure)
    my_relu is not implemented yet: replace `raise NotImplementedError()` with your code.
    """
    _fail(f"{name} is not implemented yet: replace `raise NotImplementedError()` "
          "with your code.", None)


def call_student(student: Callable, args: tuple, name: str, call: str | None = None,
                 hint: str | None = None):
    """``student(*args)``, or a CheckFailed that says how the student's code failed.

    ``name`` names the exercise's function in the messages, ``call`` the call itself
    (default: ``name(args...)``); ``hint`` is shown when the student's code raises.

    >>> call_student(abs, (-2,), "my_abs")
    2
    >>> call_student(lambda x: 1 / x, (0,), "inverse")
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: inverse(0) raised ZeroDivisionError: division by zero
    """
    if not callable(student):
        _fail(f"{name} should be a function, got {_short(student)}.", None)
    try:
        return student(*args)
    except NotImplementedError:
        not_implemented(name)
    except CheckFailed:
        raise
    except Exception as exc:  # the student's code raised: show it as feedback
        call = call if call is not None else f"{name}({_describe(args)})"
        _fail(f"{call} raised {type(exc).__name__}: {exc}", hint, cause=exc)


def compare_function(student: Callable, reference: Callable, cases: Sequence,
                     name: str, *, hints: Sequence[str | None] | None = None,
                     rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Call ``student`` and ``reference`` on every case and fail at the first difference.

    Each case is a tuple of positional arguments (arrays are copied, so a student
    function that changes its input in place cannot spoil the reference). ``hints[i]``
    is shown when case ``i`` fails.

    >>> compare_function(np.abs, lambda x: np.maximum(x, -x), [(np.array([-1.0, 2.0]),)], "abs")
    ✔ abs: correct (1 cases).
    """
    if not callable(student):
        _fail(f"{name} should be a function, got {_short(student)}.", None)
    for i, case in enumerate(cases):
        args = case if isinstance(case, tuple) else (case,)
        hint = hints[i] if hints is not None and i < len(hints) else None
        expected = reference(*copy.deepcopy(args))
        call = f"{name}({_describe(args)})"
        got = call_student(student, copy.deepcopy(args), name, call, hint)
        expect_close(got, expected, call, hint=hint, rtol=rtol, atol=atol)
    passed(name, f"{len(cases)} cases")
