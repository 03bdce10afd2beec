"""Checks for notebook 01, the neuron, activations and gradient descent.

The notebook imports this module as ``from helpers.checks import neuron as check``:

* ``check.sigmoid(fn)``: a numerically stable sigmoid (exercise 1);
* ``check.gradient(fn)``: the gradient of the mean squared error of one sigmoid neuron
  with respect to its weights and bias, for a batch (exercise 2);
* ``check.train(fn)``: a mini-batch gradient descent loop that separates the blobs
  (exercise 3).

Each check takes ``hidden=True`` to try the extra cases of the grading run.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np

from helpers import scratch
from helpers.checks import (
    CheckFailed,
    _describe,
    _short,
    compare_function,
    expect_at_least,
    expect_close,
    expect_true,
    hidden_rng,
    passed,
)

__all__ = ["sigmoid", "gradient", "train", "ACCURACY_TARGET"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "sigmoid": ("helpers.scratch.sigmoid",),
    "gradient": (),
    "train": ("helpers.scratch.sgd_neuron",),
}

# The test accuracy on the blobs that exercise 3 must reach.
ACCURACY_TARGET = 0.93
# A training loop over a few hundred points should take well under this (seconds).
TIME_LIMIT = 10.0

_NOT_IMPLEMENTED = ("{name} is not implemented yet: replace `raise NotImplementedError()` "
                    "with your code.")


def _name(fn: Callable, default: str) -> str:
    """The student's function name for the messages (``default`` for a lambda)."""
    name = getattr(fn, "__name__", None) if callable(fn) else None
    return name if isinstance(name, str) and name.isidentifier() else default


def _call(fn: Callable, name: str, args: tuple, hint: str | None = None):
    """Call the student's ``fn(*args)``; turn what it raises into a CheckFailed."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise CheckFailed(_NOT_IMPLEMENTED.format(name=name)) from None
    except CheckFailed:
        raise
    except Exception as exc:  # the student's code raised: show it as feedback
        message = f"{name}({_describe(args)}) raised {type(exc).__name__}: {exc}"
        raise CheckFailed(message + (f"\nHint: {hint}" if hint else "")) from None


# -------------------------------------------------------------------------- exercise 1

_WARNING_HINT = (
    "exp(-z) overflows for z < -709 (and exp(z) for z > 709): numpy returns inf and warns. "
    "np.where(cond, a, b) computes BOTH a and b for every element, so a formula that "
    "overflows in the branch you throw away still warns. Compute e = np.exp(-np.abs(z)), "
    "which is at most 1, and build both branches from it: 1/(1+e) for z >= 0 and e/(1+e) "
    "for z < 0."
)


def _no_warnings(fn: Callable, name: str) -> Callable:
    """Wrap ``fn`` so that any numpy warning it gives (overflow, nan) fails the check."""

    def guarded(*args):
        with warnings.catch_warnings(record=True) as caught, \
                np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            warnings.simplefilter("always")
            out = fn(*args)
        runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        if runtime:
            raise CheckFailed(
                f"{name}({_describe(args)}) gave the warning \"{runtime[0].message}\": "
                f"a numerically stable sigmoid gives no warning for any z.\nHint: {_WARNING_HINT}"
            )
        return out

    guarded.__name__ = name
    return guarded


def sigmoid(fn: Callable, *, hidden: bool = False) -> None:
    """Check a numerically stable sigmoid ``fn(z) = 1 / (1 + exp(-z))``.

    ``fn`` must take a Python number or a numpy array of any shape (ints or floats),
    return the same shape, give exactly 0 and 1 far out (z = -1000, 1000), and give no
    overflow warning or nan on the way.

    The textbook formula overflows far out and fails with a hint:

    >>> import numpy as np
    >>> sigmoid(lambda z: 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float))))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: sigmoid([-1000.,  1000.]) gave the warning "overflow ...
    Hint: exp(-z) overflows for z < -709...
    """
    name = _name(fn, "sigmoid")
    if not callable(fn):
        raise CheckFailed(f"{name} should be a function, got {_short(fn)}.")
    cases = [
        (0.0,),
        (np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),),
        (np.array([-1000.0, 1000.0]),),
        (np.array([[-800.0, -30.0, 0.5], [30.0, 750.0, -0.5]]),),
        (-1000.0,),
    ]
    hints = [
        "sigmoid(0) = 1 / (1 + e^0) = 0.5; make sure a plain Python number works "
        "(np.asarray(z, dtype=float) turns it into an array).",
        "sigmoid(z) = 1 / (1 + exp(-z)).",
        "far out the sigmoid is exactly 0 (z = -1000) and 1 (z = 1000).",
        "the result must have the shape of z: here (2, 3).",
        "a Python number far out must work too.",
    ]
    if hidden:
        rng = hidden_rng(1)
        cases += [
            (np.array([-1000, -1, 0, 1, 1000]),),
            (np.array([-710.0, -709.0, 709.0, 710.0]),),
            (rng.normal(0.0, 20.0, size=(2, 3, 4)),),
            (np.array([-5.0, 0.0, 5.0], dtype=np.float32),),
            (np.float64(745.0),),
        ]
        hints += [
            "integer input: convert z to float first (np.asarray(z, dtype=float)), "
            "otherwise an integer array cannot hold 0.5.",
            "just beyond exp's range (|z| > 709): does your sigmoid still give 0 and 1 "
            "without a warning?",
            "the result must have the shape of z, for any number of dimensions.",
            "float32 input must work too.",
            "a numpy scalar must work too.",
        ]
    compare_function(_no_warnings(fn, name), scratch.sigmoid, cases, name, hints=hints)


# -------------------------------------------------------------------------- exercise 2


def _mse_gradient(x, y, w, b: float) -> tuple[np.ndarray, float]:
    """Reference gradient of ``E = mean_i (sigmoid(b + x_i . w) - y_i)^2`` for ``(w, b)``.

    By the chain rule, for each example ``dE_i/dz_i = 2 (o_i - y_i) o_i (1 - o_i)``, then
    ``dE/dw = mean_i dE_i/dz_i x_i`` and ``dE/db = mean_i dE_i/dz_i``.

    >>> dw, db = _mse_gradient(np.array([[1.0, 2.0]]), np.array([1.0]), np.zeros(2), 0.0)
    >>> dw, db
    (array([-0.25, -0.5 ]), -0.25)
    """
    x = scratch.as_float_array(x, "x", ndim=2)
    y = scratch.as_float_array(y, "y", ndim=1)
    w = scratch.as_float_array(w, "w", ndim=1)
    o = scratch.sigmoid(x @ w + float(b))
    delta = 2.0 * (o - y) * o * (1.0 - o)
    return x.T @ delta / len(x), float(delta.mean())


def _numerical_gradient(x, y, w, b: float) -> np.ndarray:
    """Central differences of the mean squared error for ``(w, b)``, as one vector."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    params = np.r_[np.asarray(w, dtype=float), b]
    return scratch.numerical_gradient(
        lambda: scratch.squared_error(y, scratch.sigmoid(x @ params[:-1] + params[-1])), params)


def _gradient_variants(x, y, w, b) -> dict[str, tuple[np.ndarray, float]]:
    """Plausible wrong gradients, each with the hint that explains it."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    dw, db = _mse_gradient(x, y, w, b)
    o = scratch.sigmoid(x @ np.asarray(w, dtype=float) + b)
    no_slope = 2.0 * (o - y)
    n = len(x)
    return {
        "your gradient has the wrong sign: E grows if you step along it. "
        "dE/do = 2 (o - y), not 2 (y - o).": (-dw, -db),
        "your gradient is n times too large: E is the MEAN over the batch, so divide the sum "
        "over the examples by n (or use .mean()).": (n * dw, n * db),
        "your gradient is half the right size: d/do (o - y)^2 = 2 (o - y), "
        "don't drop the 2.": (dw / 2, db / 2),
        "the factor do/dz = o (1 - o) is missing: the chain rule goes through the sigmoid, "
        "dE/dz = dE/do * do/dz.": (x.T @ no_slope / n, float(no_slope.mean())),
        "that is the gradient of the cross-entropy, (o - y) x, in which o (1 - o) cancels; "
        "here the loss is the squared error, (o - y)^2.": (x.T @ (o - y) / n,
                                                         float((o - y).mean())),
    }


def _gradient_cases(hidden: bool) -> list[tuple[tuple, str]]:
    rng = np.random.default_rng(2)
    cases = [
        ((np.array([[1.0, 2.0]]), np.array([1.0]), np.array([0.5, -0.5]), 0.0),
         "one example: z = 0.5 - 1.0 = -0.5, o = sigmoid(z), dE/dz = 2 (o - y) o (1 - o)."),
        ((np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [-1.0, 2.0]]),
          np.array([0.0, 1.0, 1.0, 0.0]), np.array([0.3, -0.2]), 0.1),
         "a batch of 4: average the per-example gradients over the batch."),
        ((rng.normal(size=(6, 3)), rng.integers(0, 2, size=6), rng.normal(size=3), -0.4),
         "three features and integer labels: dE/dw has one entry per weight."),
        ((np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([1.0, 0.0]),
          np.array([30.0, 30.0]), 0.0),
         "a saturated neuron (z = +-60): o (1 - o) is almost 0, so is the gradient. "
         "Is your sigmoid stable for large |z|?"),
    ]
    if hidden:
        rng = hidden_rng(2)
        x = rng.normal(size=(64, 5))
        w = rng.normal(size=5)
        cases += [
            ((x, rng.integers(0, 2, size=64).astype(float), w, 1.5),
             "a batch of 64 with 5 features."),
            ((x[:3], scratch.sigmoid(x[:3] @ w + 0.2), w, 0.2),
             "the targets equal the outputs: the loss is at its minimum, the gradient is 0."),
            ((np.array([[2.0]]), np.array([0.0]), np.array([400.0]), 0.0),
             "z = 800: the sigmoid must not overflow, the gradient is 0."),
        ]
    return cases


def gradient(fn: Callable, *, hidden: bool = False) -> None:
    """Check ``fn(x, y, w, b) -> (dw, db)``, the gradient of the mean squared error
    ``E = mean_i (sigmoid(b + x_i . w) - y_i)^2`` of one sigmoid neuron.

    ``x`` is a batch (n, d), ``y`` (n,), ``w`` (d,), ``b`` a number; ``dw`` must have the
    shape of ``w`` and ``db`` be a number. Every case is also checked against a
    numerical gradient, and a wrong answer that matches a classic mistake is named:

    >>> def wrong_sign(x, y, w, b):
    ...     o = 1 / (1 + np.exp(-(x @ w + b)))
    ...     delta = 2 * (y - o) * o * (1 - o)
    ...     return x.T @ delta / len(x), float(delta.mean())
    >>> gradient(wrong_sign)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: wrong_sign(...) returned dw = ...
    Hint: your gradient has the wrong sign...
    """
    name = _name(fn, "gradient")
    if not callable(fn):
        raise CheckFailed(f"{name} should be a function, got {_short(fn)}.")
    for args, hint in _gradient_cases(hidden):
        x, y, w, b = args
        call = f"{name}({_describe(args)})"
        got = _call(fn, name, tuple(np.copy(a) if isinstance(a, np.ndarray) else a
                                    for a in args), hint)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                    f"{call} returned {_short(got)}; expected a pair (dw, db).",
                    hint="end with `return dw, db`.")
        dw, db = got
        expected_dw, expected_db = _mse_gradient(x, y, w, b)
        # The reference is itself checked against finite differences, case by case.
        numeric = _numerical_gradient(x, y, w, b)
        assert np.allclose(numeric, np.r_[expected_dw, expected_db], atol=1e-6)
        db_arr = np.asarray(db, dtype=float) if _numeric(db) else db
        if isinstance(db_arr, np.ndarray) and db_arr.size == 1:
            db_arr = db_arr.reshape(())  # a one-element array is a fine bias gradient
        if dw is not None and np.shape(dw) != np.shape(expected_dw):
            raise CheckFailed(
                f"dw of {call} has shape {np.shape(dw)}, expected {np.shape(expected_dw)}, the "
                "shape of w.\nHint: with delta of shape (n,), x.T @ delta / n has shape (d,); "
                "if delta has shape (n, 1), flatten it first.")
        if _numeric(dw) and _numeric(db):
            for why, (var_dw, var_db) in _gradient_variants(x, y, w, b).items():
                same_as_right = np.allclose(var_dw, expected_dw) and np.isclose(var_db,
                                                                                expected_db)
                if (not same_as_right and np.allclose(dw, var_dw, rtol=1e-5, atol=1e-9)
                        and np.allclose(db_arr, var_db, rtol=1e-5, atol=1e-9)):
                    raise CheckFailed(
                        f"{call} returned dw = {_short(np.asarray(dw))}, db = {_short(db_arr)}; "
                        f"expected dw = {_short(expected_dw)}, db = {expected_db:.6g}."
                        f"\nHint: {why}")
        expect_close(dw, expected_dw, f"dw of {call}", hint=hint, atol=1e-9)
        expect_close(db_arr, expected_db, f"db of {call}", hint=hint, atol=1e-9)
    n_cases = len(_gradient_cases(hidden))
    passed(name, f"{n_cases} cases, each also checked against a numerical gradient")


def _numeric(value) -> bool:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return bool(np.all(np.isfinite(arr)))


# -------------------------------------------------------------------------- exercise 3


class _Spy:
    """A stand-in gradient that records every mini-batch it is given and returns ones."""

    def __init__(self) -> None:
        self.batches: list[np.ndarray] = []

    def __call__(self, x_batch, y_batch, w, b):
        x_batch = np.asarray(x_batch)
        self.batches.append(x_batch[:, 0].copy())
        return np.ones(x_batch.shape[1]), 1.0


def _returns_pair(got, call: str) -> tuple[np.ndarray, float]:
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"{call} returned {_short(got)}; expected a pair (w, b).",
                hint="end with `return w, b`.")
    return got[0], got[1]


def _check_batches(fn: Callable, name: str, n: int, d: int, batch_size: int,
                   epochs: int) -> None:
    """Drive the loop with a spy gradient: batches, epochs, shuffling and the update."""
    x = np.c_[np.arange(n, dtype=float), np.zeros((n, d - 1))]  # column 0 names the example
    y = (np.arange(n) % 2).astype(float)
    spy = _Spy()
    lr = 0.1
    args = (x, y, spy)
    call = f"{name}(x, y, grad_fn, lr={lr}, epochs={epochs}, batch_size={batch_size})"
    try:
        got = fn(*args, lr=lr, epochs=epochs, batch_size=batch_size)
    except NotImplementedError:
        raise CheckFailed(_NOT_IMPLEMENTED.format(name=name)) from None
    except Exception as exc:
        raise CheckFailed(f"{call} with {n} examples raised {type(exc).__name__}: {exc}\n"
                          "Hint: call grad_fn(x_batch, y_batch, w, b) and use the pair "
                          "(dw, db) it returns.") from None
    w, b = _returns_pair(got, call)
    per_epoch = -(-n // batch_size)
    sizes = [len(batch) for batch in spy.batches]
    if sizes and sum(sizes) < n * epochs and all(s == batch_size for s in sizes):
        raise CheckFailed(f"{call} with {n} examples used only the full batches of "
                          f"{batch_size} ({len(sizes)} calls of grad_fn): the last "
                          f"{n % batch_size} examples of every epoch were never used."
                          "\nHint: keep the last, smaller batch: x[idx[start:start + "
                          "batch_size]] is simply shorter at the end.")
    expect_true(len(sizes) == per_epoch * epochs,
                f"{call} with {n} examples called grad_fn {len(sizes)} times, expected "
                f"{per_epoch * epochs} ({per_epoch} mini-batches per epoch for {epochs} "
                f"epochs); the batch sizes were {sizes}.",
                hint="one epoch = one pass over all n examples, in mini-batches of batch_size "
                     "(the last one may be smaller); one gradient step per mini-batch.")
    orders = []
    for epoch in range(epochs):
        seen = np.concatenate(spy.batches[epoch * per_epoch:(epoch + 1) * per_epoch])
        expect_true(sorted(seen.astype(int).tolist()) == list(range(n)),
                    f"{call}: epoch {epoch + 1} used the examples {seen.astype(int).tolist()}; "
                    f"every one of the {n} examples should be used exactly once per epoch.",
                    hint="shuffle the indices (rng.permutation(n)) and cut them into slices.")
        orders.append(seen.astype(int).tolist())
    expect_true(orders[0] != list(range(n)) and orders[0] != orders[1],
                f"{call}: the examples came in the order {orders[0]} in epoch 1 and "
                f"{orders[1]} in epoch 2; stochastic gradient descent shuffles them anew "
                "every epoch.",
                hint="draw a new order every epoch: idx = rng.permutation(n), with "
                     "rng = np.random.default_rng(seed) created once, before the loop.")
    steps = per_epoch * epochs
    hint = (f"the gradient was 1 for every weight and the bias at each of the {steps} steps, "
            f"so w = b = 0 - {steps} * lr * 1 = {-lr * steps:.3g}. Start from w = zeros, "
            "b = 0 and update with w = w - lr * dw, b = b - lr * db.")
    expect_close(w, np.full(d, -lr * steps), f"w returned by {call}", hint=hint)
    expect_close(b, -lr * steps, f"b returned by {call}", hint=hint)


def _gd_steps(x, y, lr: float, steps: int) -> tuple[np.ndarray, float]:
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        dw, db = _mse_gradient(x, y, w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b


def _check_full_batch(fn: Callable, name: str, x, y, lr: float, epochs: int) -> None:
    """With one batch of everything, the loop must be plain gradient descent from zero."""
    call = f"{name}(x, y, grad_fn, lr={lr}, epochs={epochs}, batch_size={len(x)})"
    got = _call(lambda: fn(x.copy(), y.copy(), _mse_gradient, lr=lr, epochs=epochs,
                           batch_size=len(x)), name, ())
    w, b = _returns_pair(got, call)
    expected_w, expected_b = _gd_steps(x, y, lr, epochs)
    hint = ("with batch_size = n, each epoch is one step of gradient descent on the whole "
            "batch, from w = zeros, b = 0: w = w - lr * dw, b = b - lr * db, with "
            "(dw, db) = grad_fn(x_batch, y_batch, w, b) at the CURRENT w and b.")
    expect_close(w, expected_w, f"w returned by {call}", hint=hint)
    expect_close(b, expected_b, f"b returned by {call}", hint=hint)


def _accuracy(w, b, x, y) -> float:
    return float(np.mean((scratch.neuron(x, w, b) > 0) == (np.asarray(y) == 1)))


def _check_blobs(fn: Callable, name: str, seed: int, *, lr: float, epochs: int,
                 batch_size: int) -> float:
    from helpers import data

    ds = data.load("blobs", seed=seed)
    call = (f"{name}(x_train, y_train, grad_fn, lr={lr}, epochs={epochs}, "
            f"batch_size={batch_size})")
    start = time.perf_counter()
    got = _call(lambda: fn(ds.x_train.copy(), ds.y_train.copy(), _mse_gradient, lr=lr,
                           epochs=epochs, batch_size=batch_size), name, ())
    seconds = time.perf_counter() - start
    w, b = _returns_pair(got, call)
    expect_true(np.shape(w) == (2,),
                f"{call} returned w of shape {np.shape(w)}; expected shape (2,), one weight "
                "per feature.")
    accuracy = _accuracy(w, b, ds.x_test, ds.y_test)
    expect_at_least(accuracy, ACCURACY_TARGET,
                    f"the test accuracy of the neuron trained by {call} on {ds.name} "
                    f"(seed {seed})",
                    hint="check the sign of the update (w = w - lr * dw) and that every epoch "
                         "goes through all the mini-batches.")
    expect_true(seconds < TIME_LIMIT,
                f"{call} took {seconds:.1f} s on {len(ds.x_train)} examples; it should take "
                "well under a second.",
                hint="call grad_fn once per mini-batch, on the whole batch at once.")
    return accuracy


def _reference_sgd(x, y, *, lr: float, epochs: int, batch_size: int,
                   seed: int = 0) -> tuple[np.ndarray, float]:
    rng, w, b = np.random.default_rng(seed), np.zeros(x.shape[1]), 0.0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            dw, db = _mse_gradient(x[batch], y[batch], w, b)
            w, b = w - lr * dw, b - lr * db
    return w, b


def _hidden_blobs_seed(rng: np.random.Generator) -> int:
    """A seed of the blobs for the hidden run, drawn from ``rng``: one on which the reference
    loop clears the target with room to spare (a sample of blobs can be unusually mixed)."""
    from helpers import data

    for _ in range(100):
        seed = int(rng.integers(1, 2**31))
        ds = data.load("blobs", seed=seed)
        w, b = _reference_sgd(ds.x_train, ds.y_train, lr=0.5, epochs=15, batch_size=8)
        if _accuracy(w, b, ds.x_test, ds.y_test) >= ACCURACY_TARGET + 0.02:
            return seed
    raise RuntimeError("no blobs sample in 100 on which the reference reaches the target")


def train(fn: Callable, *, hidden: bool = False) -> None:
    """Check ``fn(x, y, grad_fn, *, lr, epochs, batch_size, seed=0) -> (w, b)``, mini-batch
    stochastic gradient descent for one neuron.

    ``fn`` starts from ``w = zeros(d)``, ``b = 0``; each epoch it shuffles the examples, cuts
    them into mini-batches of ``batch_size`` (the last may be smaller) and, for each,
    updates ``w -= lr * dw``, ``b -= lr * db`` with ``(dw, db) = grad_fn(x_batch, y_batch,
    w, b)``. The check drives it with a recording stand-in gradient, compares it with plain
    gradient descent when the batch is everything, and trains it on the blobs with
    the reference gradient: the test accuracy must reach ``ACCURACY_TARGET``. A loop that
    never shuffles fails with a hint:

    >>> def in_order(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
    ...     w, b = np.zeros(x.shape[1]), 0.0
    ...     for _ in range(epochs):
    ...         for start in range(0, len(x), batch_size):
    ...             batch = slice(start, start + batch_size)
    ...             dw, db = grad_fn(x[batch], y[batch], w, b)
    ...             w, b = w - lr * dw, b - lr * db
    ...     return w, b
    >>> train(in_order)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: in_order(x, y, grad_fn, ...): the examples came in the order ...
    Hint: draw a new order every epoch...
    """
    name = _name(fn, "train")
    if not callable(fn):
        raise CheckFailed(f"{name} should be a function, got {_short(fn)}.")
    _check_batches(fn, name, n=10, d=2, batch_size=4, epochs=2)
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [-1.0, 2.0], [2.0, -1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    _check_full_batch(fn, name, x, y, lr=0.5, epochs=3)
    accuracies = [_check_blobs(fn, name, seed=0, lr=1.0, epochs=10, batch_size=16)]
    if hidden:
        _check_batches(fn, name, n=7, d=3, batch_size=3, epochs=3)
        rng = hidden_rng(3)
        _check_full_batch(fn, name, rng.normal(size=(8, 3)),
                          rng.integers(0, 2, size=8).astype(float), lr=2.0, epochs=4)
        accuracies.append(_check_blobs(fn, name, seed=_hidden_blobs_seed(rng), lr=0.5,
                                       epochs=15, batch_size=8))
    passed(name, f"mini-batches, shuffling and updates right; blobs test accuracy "
                 f"{min(accuracies):.3f}, target {ACCURACY_TARGET}")
