"""Checks for notebook 08: recurrent networks, gradient clipping, GRU and LSTM, sampling.

The notebook imports them as ``from helpers.checks import rnn as check``:

* ``check.clip_by_norm(fn)``: ``fn(grads, max_norm)``, what an optimizer's ``clipnorm`` does;
* ``check.gru_step(fn)``: ``fn(x_t, h_prev, kernel, recurrent_kernel, bias)``, one step of
  ``keras.layers.GRU`` (``reset_after=True``) in numpy;
* ``check.temperature_sampling(probs_fn, sample_fn)``: ``probs_fn(logits, temperature)``
  and ``sample_fn(logits, temperature, rng)``, sampling the next character.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.checks import _fail, _short, call_student, expect_close, hidden_rng, passed

__all__ = ["clip_by_norm", "gru_step", "temperature_sampling"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "clip_by_norm": (),
    "gru_step": ("helpers.scratch.gru_cell",),
    "temperature_sampling": ("helpers.scratch.temperature_softmax",),
}


def _as_array(value) -> np.ndarray | None:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr


def _matches(got, candidate) -> bool:
    arr = _as_array(got)
    candidate = np.asarray(candidate, dtype=float)
    return (arr is not None and arr.shape == candidate.shape
            and bool(np.allclose(arr, candidate, rtol=1e-5, atol=1e-7)))


def _first_hint(got, expected, mistakes: list[tuple[np.ndarray, str]], default: str) -> str:
    """The hint of the first plausible mistake that ``got`` matches (and the answer doesn't)."""
    for candidate, hint in mistakes:
        if not _matches(expected, candidate) and _matches(got, candidate):
            return hint
    return default


# --------------------------------------------------------- exercise: clipping by the norm


def _clip_reference(grads: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    """``clipnorm``: each tensor rescaled by max_norm / max(its norm, max_norm)."""
    return [g * (max_norm / max(float(np.sqrt(np.sum(g ** 2))), max_norm)) for g in grads]


def _clip_mistakes(grads: list[np.ndarray], max_norm: float) -> list[tuple[list, str]]:
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))

    def rows(g: np.ndarray) -> np.ndarray:
        if g.ndim < 2:
            return g * (max_norm / max(float(np.linalg.norm(g)), max_norm))
        norms = np.linalg.norm(g, axis=-1, keepdims=True)
        return g * (max_norm / np.maximum(norms, max_norm))

    def scaled_to(g: np.ndarray) -> np.ndarray:
        norm = float(np.sqrt(np.sum(g ** 2)))
        return g * (max_norm / norm) if norm > 0 else g

    return [
        ([np.clip(g, -max_norm, max_norm) for g in grads],
         "you clipped every element to [-max_norm, max_norm]: that is clipvalue, which can "
         "change the gradient's direction. clipnorm rescales the whole tensor instead: "
         "g * max_norm / ||g|| when ||g|| > max_norm, so the direction stays the same."),
        ([g * (max_norm / max(total, max_norm)) for g in grads],
         "you used the norm of all the gradients together: that is global_clipnorm. "
         "clipnorm clips each tensor by its own norm, np.sqrt(np.sum(g ** 2))."),
        ([scaled_to(g) for g in grads],
         "only shrink: a gradient whose norm is already at most max_norm must stay as it is "
         "(rescale by max_norm / max(||g||, max_norm))."),
        ([rows(g) for g in grads],
         "the norm is that of the whole tensor, all its elements together "
         "(np.sqrt(np.sum(g ** 2))), not of each row."),
    ]


def _clip_cases(hidden: bool) -> list[tuple[list[np.ndarray], float]]:
    if not hidden:
        rng = np.random.default_rng(4)
        return [
            ([np.array([3.0, 4.0])], 1.0),  # norm 5: becomes (0.6, 0.8)
            ([np.array([0.3, 0.4])], 1.0),  # norm 0.5: unchanged
            ([np.array([30.0, -40.0]), np.array([[0.1, 0.2], [0.2, 0.1]])], 1.0),  # one of two
            ([np.zeros((2, 3)), np.array([0.0, 5.0])], 2.0),  # a zero gradient
            ([np.array([[6.0, 0.0], [0.0, 8.0]])], 5.0),  # a matrix: its rows are under 5
            ([rng.normal(size=(3, 4)) * 10, rng.normal(size=4), rng.normal(size=(4, 4)) * 0.01],
             1.5),
        ]
    rng = hidden_rng(14)
    return [([rng.normal(size=shape) * scale for shape, scale in zip(shapes, scales,
                                                                      strict=True)], max_norm)
            for shapes, scales, max_norm in [
                ([(5,), (2, 3)], [1.0, 10.0], 0.5), ([(4, 4, 2)], [3.0], 2.0),
                ([(1,), (3,), (2, 2)], [100.0, 0.001, 1.0], 1.0), ([(6, 2)], [1e-6], 1e-3)]]


def _exploding_run(clip: Callable[[list[np.ndarray], float], list] | None, steps: int = 20,
                   max_norm: float = 1.0) -> np.ndarray:
    """Per-step training losses of the notebook's exploding SimpleRNN (ReLU, recurrent
    weights orthogonal x 2, SGD 0.01, the adding problem), with ``clip(grads, max_norm)``
    applied to the gradients before every step (``clip=None``: no clipping)."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    n, steps_in_time = 32 * steps, 30
    values = rng.uniform(0, 1, size=(n, steps_in_time))
    marks = np.zeros((n, steps_in_time))
    rows = np.arange(n)
    marks[rows, rng.integers(0, steps_in_time // 2, n)] = 1
    marks[rows, rng.integers(steps_in_time // 2, steps_in_time, n)] = 1
    x = np.stack([values, marks], axis=-1).astype("float32")
    y = (values * marks).sum(axis=1, keepdims=True).astype("float32")
    model = keras.Sequential([
        keras.Input((steps_in_time, 2)),
        keras.layers.SimpleRNN(16, activation="relu",
                               recurrent_initializer=keras.initializers.Orthogonal(gain=2.0)),
        keras.layers.Dense(1)])
    optimizer = keras.optimizers.SGD(0.01)
    losses = []
    for step in range(steps):
        xb, yb = x[step * 32:(step + 1) * 32], y[step * 32:(step + 1) * 32]
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(xb) - yb) ** 2)
        grads = [g.numpy().astype(float) for g in tape.gradient(loss, model.trainable_weights)]
        if clip is not None:
            grads = clip(grads, max_norm)
        optimizer.apply_gradients([(tf.constant(np.asarray(g, dtype="float32")), w)
                                   for g, w in zip(grads, model.trainable_weights, strict=True)])
        losses.append(float(loss))
        if not np.isfinite(losses[-1]):
            break
    return np.array(losses)


def clip_by_norm(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(grads, max_norm)``: Keras' ``clipnorm`` on a list of numpy gradients.

    Each gradient tensor ``g`` becomes ``g * max_norm / max(||g||, max_norm)`` with
    ``||g||`` the norm of all its elements: shrunk to norm ``max_norm`` if larger, kept as
    it is otherwise. Cases: one vector, a small one, two tensors of which one is clipped,
    a zero gradient, a matrix, random tensors; then the exploding run of the notebook,
    trained with the student's clipping, must stay finite. ``hidden=True`` tries other
    shapes and scales.

    >>> clip_by_norm(lambda grads, max_norm: [np.clip(g, -max_norm, max_norm) for g in grads])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_clip_by_norm([array([3., 4.])], 1.0)[0] is [1., 1.]...
    """
    name = "my_clip_by_norm"
    cases = _clip_cases(hidden)
    for grads, max_norm in cases:
        call = f"{name}({_short([g.round(3) for g in grads], 70)}, {max_norm})"
        args = ([g.copy() for g in grads], max_norm)
        got = call_student(student, args, name, call)
        if any(not np.array_equal(a, g) for a, g in zip(args[0], grads, strict=True)):
            _fail(f"{call} changed the gradients it was given, in place.",
                  "return new arrays (g * factor), don't modify the list's arrays (g *= ...).")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the list?", None)
        if not isinstance(got, (list, tuple)) or len(got) != len(grads):
            _fail(f"{call} returned {_short(got)}, expected a list of {len(grads)} arrays, "
                  "one per gradient.", "return [clipped(g) for g in grads].")
        expected = _clip_reference(grads, max_norm)
        mistakes = _clip_mistakes(grads, max_norm)
        for i, (g_got, g_expected) in enumerate(zip(got, expected, strict=True)):
            if _matches(g_got, g_expected):
                continue
            arr = _as_array(g_got)
            if arr is not None and not np.all(np.isfinite(arr)):
                hint = ("a zero gradient has norm 0: dividing by it gives nan. Scale by "
                        "max_norm / max(norm, max_norm) instead.")
            else:
                hint = _first_hint(g_got, g_expected, [(m[i], h) for m, h in mistakes],
                                   "each tensor g becomes g * max_norm / max(||g||, max_norm).")
            expect_close(g_got, g_expected, f"{call}[{i}]", hint=hint)
    losses = _exploding_run(lambda grads, max_norm: student([g.copy() for g in grads], max_norm))
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        _fail(f"with {name} the exploding SimpleRNN's loss went from {losses[0]:.3g} to "
              f"{losses[-1]:.3g} in {len(losses)} steps.",
              "clipped gradients should keep every SGD step small.")
    passed(name, f"{len(cases)} {'hidden ' if hidden else ''}cases, and the exploding run "
                 f"trains: loss {losses[0]:.3g} -> {losses[-1]:.3g}")


# ------------------------------------------------------------------ exercise: a GRU step


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic sigmoid, without overflow


def _gru_variant(x, h, kernel, recurrent, bias, *, order: str = "zrh", blend: str = "keras",
                 reset: str = "after", recurrent_bias: str = "inside",
                 gate=_sigmoid, candidate=np.tanh) -> np.ndarray:
    """One GRU step with a chosen set of (mis)readings of Keras' equations."""
    columns = dict(zip(order, np.split(np.arange(kernel.shape[1]), 3), strict=True))
    w = {g: kernel[:, c] for g, c in columns.items()}
    u = {g: recurrent[:, c] for g, c in columns.items()}
    b_in = {g: bias[0, c] for g, c in columns.items()}
    b_rec = {g: bias[1, c] if recurrent_bias != "none" else 0.0 for g, c in columns.items()}
    z = gate(x @ w["z"] + b_in["z"] + h @ u["z"] + b_rec["z"])
    r = gate(x @ w["r"] + b_in["r"] + h @ u["r"] + b_rec["r"])
    if reset == "before":
        inner = (r * h) @ u["h"] + b_rec["h"]
    elif recurrent_bias == "outside":
        inner = r * (h @ u["h"]) + b_rec["h"]
    else:
        inner = r * (h @ u["h"] + b_rec["h"])
    hh = candidate(x @ w["h"] + b_in["h"] + inner)
    return z * h + (1 - z) * hh if blend == "keras" else (1 - z) * h + z * hh


_GRU_MISTAKES = [
    ({"blend": "cho"},
     "in Keras z is the share of the OLD state that is kept: h = z * h_prev + (1 - z) * hh. "
     "(Cho et al. write it the other way round, h = (1 - z) * h_prev + z * hh; Keras does not.)"),
    ({"order": "rzh"},
     "Keras' gate order is z, r, h: kernel[:, :units] is the update gate z, "
     "kernel[:, units:2*units] the reset gate r, kernel[:, 2*units:] the candidate."),
    ({"order": "hzr"}, "Keras' gate order is z, r, h along the last axis of every weight."),
    ({"reset": "before"},
     "with reset_after=True (Keras' default) the reset gate multiplies after the matrix "
     "product: r * (h_prev @ U_h + bias[1, 2u:]), not (r * h_prev) @ U_h."),
    ({"recurrent_bias": "none"},
     "the bias has two rows: bias[0] is added to x_t @ kernel and bias[1] to "
     "h_prev @ recurrent_kernel, for all three parts."),
    ({"recurrent_bias": "outside"},
     "the candidate's recurrent bias is inside the reset: r * (h_prev @ U_h + bias[1, 2u:])."),
    ({"gate": np.tanh}, "the gates z and r use the sigmoid (values in 0..1), not tanh."),
    ({"candidate": _sigmoid}, "the candidate hh uses tanh (values in -1..1), not the sigmoid."),
]


def _gru_reference(x, h, kernel, recurrent, bias) -> np.ndarray:
    from helpers.scratch import gru_cell

    return gru_cell(x, h, kernel, recurrent, bias, reset_after=True)


def _gru_cases(hidden: bool) -> list[tuple[str, tuple[np.ndarray, ...]]]:
    """(description, (x_t, h_prev, kernel, recurrent_kernel, bias)), batched inputs."""
    rng = hidden_rng(28) if hidden else np.random.default_rng(8)

    def random_case(batch: int, inputs: int, units: int, scale: float = 1.0):
        return (rng.normal(size=(batch, inputs)), rng.uniform(-1, 1, size=(batch, units)),
                scale * rng.normal(size=(inputs, 3 * units)),
                scale * rng.normal(size=(units, 3 * units)),
                rng.normal(size=(2, 3 * units)))

    if hidden:
        cases = [(f"batch {b}, {i} inputs, {u} units", random_case(b, i, u, s))
                 for b, i, u, s in [(1, 1, 4, 1.0), (5, 3, 1, 2.0), (2, 6, 5, 0.5),
                                    (3, 2, 7, 3.0)]]
    else:
        keep = np.zeros((2, 6))
        keep[0, :2] = 8.0  # z ~ 1: the update gate keeps the old state
        cases = [
            # Small numbers, readable in a message; 2 units so that every mix-up shows.
            ("2 units, 1 input", (np.array([[1.0]]), np.array([[0.5, -0.5]]),
                                  np.array([[0.5, -0.3, 0.8, 0.1, 0.6, -0.4]]),
                                  np.array([[0.2, 0.4, -0.6, 0.3, 0.5, 0.1],
                                            [-0.3, 0.1, 0.2, -0.5, 0.4, 0.7]]),
                                  np.array([[0.1, -0.2, 0.3, 0.0, 0.2, -0.1],
                                            [0.05, 0.1, -0.1, 0.2, -0.3, 0.4]]))),
            ("an update gate z ~ 1", (np.array([[0.3, -0.7]]), np.array([[0.9, -0.4]]),
                                      rng.normal(size=(2, 6)), rng.normal(size=(2, 6)), keep)),
            ("batch 4, 2 inputs, 3 units", random_case(4, 2, 3)),
            ("batch 2, 5 inputs, 4 units", random_case(2, 5, 4)),
        ]
    # Weights of a real keras.layers.GRU, with a bias that is not zero; seeded, so that
    # the grader, in another process, builds the same case.
    import keras

    x, h, bias = rng.normal(size=(3, 2)), rng.uniform(-1, 1, size=(3, 3)), rng.normal(size=(2, 9))
    seed = int(rng.integers(2**31))
    layer = keras.layers.GRU(
        3, kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1))
    layer.build((None, None, 2))
    kernel, recurrent, _ = (w.astype(float) for w in layer.get_weights())
    cases.append(("the weights of a keras.layers.GRU(3)", (x, h, kernel, recurrent, bias)))
    return cases


def gru_step(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(x_t, h_prev, kernel, recurrent_kernel, bias)``: one GRU step.

    Compares with ``helpers.scratch.gru_cell(..., reset_after=True)`` (itself checked
    against ``keras.layers.GRU``) on batches: one unit by hand, an update gate near 1, random
    weights of several shapes and the weights of a real Keras layer. The usual mix-ups
    (the gate order, h = (1 - z) h_prev + z hh, the reset before the product, a missing
    recurrent bias, swapped activations) fail with a specific hint.

    >>> gru_step(lambda x, h, k, rk, b: h)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_gru_cell(...) for 2 units, 1 input is [[ 0.5, -0.5]], expected...
    """
    name = "my_gru_cell"
    cases = _gru_cases(hidden)
    for what, args in cases:
        call = f"{name}(...) for {what}"
        copies = tuple(a.copy() for a in args)
        got = call_student(student, copies, name, call,
                           "x_t is (batch, inputs), h_prev (batch, units), kernel (inputs, "
                           "3*units), recurrent_kernel (units, 3*units), bias (2, 3*units).")
        if any(not np.array_equal(a, b) for a, b in zip(copies, args, strict=True)):
            _fail(f"{call} changed its inputs in place.", "compute new arrays instead.")
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the new state?", None)
        expected = _gru_reference(*args)
        if not _matches(got, expected):
            mistakes = [(_gru_variant(*args, **change), hint) for change, hint in _GRU_MISTAKES]
            hint = _first_hint(got, expected, mistakes,
                               "follow the equations above line by line: z, r, then hh, then "
                               "h = z * h_prev + (1 - z) * hh.")
            arr = _as_array(got)
            if arr is not None and arr.shape != expected.shape:
                hint = f"the new state has the shape of h_prev, {expected.shape}. " + hint
            expect_close(got, expected, call, hint=hint)
    passed(name, f"{len(cases)} {'hidden ' if hidden else ''}cases")


# -------------------------------------------------------- exercise: temperature sampling


def _probs_reference(logits, temperature) -> np.ndarray:
    from helpers.scratch import temperature_softmax

    return temperature_softmax(logits, temperature)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


_PROBS_CASES = [
    (np.array([1.0, 2.0, 3.0]), 1.0),
    (np.array([1.0, 2.0, 3.0]), 0.5),
    (np.array([1.0, 2.0, 3.0]), 2.0),
    (np.array([2.0, 1.0, 0.5, -1.0]), 0.05),  # nearly greedy
    (np.array([0.0, 0.0, 0.0, 0.0]), 0.7),  # equal logits: uniform at any temperature
    (np.array([5.0]), 1.3),  # one choice only
    (np.array([1000.0, 999.0, -1000.0]), 1.0),  # exp(1000) overflows
]


def _probs_hidden() -> list[tuple[np.ndarray, float]]:
    """The hidden cases, drawn when the check runs (the secret seed is read then)."""
    rng = hidden_rng(5)
    return [(rng.normal(0, 4, size=65), t) for t in (0.3, 1.0, 1.7)] \
        + [(np.array([-800.0, -801.0]), 0.5), (np.array([3.0, 3.0, -2.0]), 10.0)]


def _probs_mistakes(logits: np.ndarray, temperature: float) -> list[tuple[np.ndarray, str]]:
    with np.errstate(all="ignore"):
        unnormalised = np.exp(logits / temperature)
    return [
        (_softmax(logits * temperature),
         "divide the logits by the temperature (l / T), don't multiply: a low temperature "
         "must make the distribution sharper."),
        (_softmax(logits),
         "the temperature is missing: p = softmax(logits / temperature)."),
        (unnormalised, "normalise: the probabilities must sum to 1 (divide by their sum)."),
        (_softmax(logits) / temperature, "scale the logits before the softmax, not after."),
    ]


def _sample_frequencies(sample_fn: Callable, logits: np.ndarray, temperature: float,
                        draws: int, name: str) -> np.ndarray:
    rng = np.random.default_rng(0)
    counts = np.zeros(len(logits))
    for _ in range(draws):
        call = f"{name}({_short(logits)}, {temperature}, rng)"
        got = call_student(sample_fn, (logits.copy(), temperature, rng), name, call)
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
            if isinstance(got, np.ndarray) and got.shape == () and \
                    np.issubdtype(got.dtype, np.integer):
                got = int(got)
            else:
                _fail(f"{call} returned {_short(got)}, expected an int: the index of the "
                      "chosen character.",
                      "rng.choice(len(p), p=p) returns an int; don't return the "
                      "probabilities or a one-element array.")
        if not 0 <= got < len(logits):
            _fail(f"{call} returned {got}, expected an index between 0 and {len(logits) - 1}.",
                  None)
        counts[got] += 1
    return counts / draws


def temperature_sampling(probs_fn: Callable, sample_fn: Callable, *,
                         hidden: bool = False) -> None:
    """Check ``probs_fn(logits, temperature)`` and ``sample_fn(logits, temperature, rng)``.

    ``probs_fn`` must return ``softmax(logits / temperature)`` (compared with
    ``helpers.scratch.temperature_softmax``) for low, high and nearly-zero temperatures,
    equal logits, a single logit and logits whose exp overflows. ``sample_fn`` must
    return an int index drawn with the given numpy Generator ``rng``: the check draws
    thousands of samples and compares the frequencies with the probabilities, checks that
    a temperature near 0 picks the largest logit, and that the same seed gives the same
    draws. ``hidden=True`` tries 65 logits (a character vocabulary) and other temperatures.

    >>> temperature_sampling(lambda l, t: np.exp(l) / np.exp(l).sum(), None)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: my_temperature_probs([1., 2., 3.], 0.5) is ...
    """
    name = "my_temperature_probs"
    cases = _probs_hidden() if hidden else _PROBS_CASES
    for logits, temperature in cases:
        call = f"{name}({_short(logits, 60)}, {temperature})"
        with np.errstate(all="ignore"):  # a naive exp(1000) should fail the check, not warn
            got = call_student(probs_fn, (logits.copy(), temperature), name, call)
        if got is None:
            _fail(f"{call} returned None: did you forget to `return` the probabilities?", None)
        expected = _probs_reference(logits, temperature)
        if _matches(got, expected):
            continue
        arr = _as_array(got)
        if arr is not None and arr.shape == expected.shape and not np.all(np.isfinite(arr)):
            hint = ("exp of a large logit overflows to inf (and inf / inf is nan): subtract "
                    "the largest scaled logit first; softmax(z) = softmax(z - max(z)).")
        else:
            hint = _first_hint(got, expected, _probs_mistakes(logits, temperature),
                               "p_i = exp(l_i / T) / sum_j exp(l_j / T).")
        expect_close(got, expected, call, hint=hint)

    name = "my_sample"
    if sample_fn is None or not callable(sample_fn):
        _fail(f"{name} should be a function, got {_short(sample_fn)}.", None)
    logits = np.array([1.0, 2.0, 3.0, 0.5]) if not hidden else np.array([0.2, -1.0, 1.5, 1.0, 0.0])
    draws = 3000
    # Near T = 0 every draw must be the largest logit's index.
    temperatures = (0.01, 1.0, 2.0) if not hidden else (0.01, 0.7, 1.5)
    for temperature in temperatures:
        got = _sample_frequencies(sample_fn, logits, temperature, draws, name)
        expected = _probs_reference(logits, temperature)
        # Sampling noise: a frequency's standard error is at most 0.5 / sqrt(3000) = 0.009.
        if np.abs(got - expected).max() <= 0.04:
            continue
        mistakes = [(_softmax(logits), "the temperature is missing: sample from "
                     "softmax(logits / temperature)."),
                    (_softmax(logits * temperature), "divide the logits by the temperature "
                     "before the softmax, don't multiply."),
                    (np.eye(len(logits))[np.argmax(logits)], "you always return the most "
                     "likely index (greedy decoding): draw at random with these "
                     "probabilities, rng.choice(len(p), p=p)."),
                    (np.full(len(logits), 1 / len(logits)), "you draw every index equally "
                     "often: pass the probabilities, rng.choice(len(p), p=p).")]
        hint = "draw index i with probability p_i: rng.choice(len(p), p=p)."
        if temperature < 0.1:
            # Multiplying by T = 0.01 and drawing uniformly look the same here.
            mistakes = [mistakes[0], (mistakes[3][0], "your draws are about uniform, but at a "
                                      "temperature near 0 softmax(logits / T) puts all the "
                                      "probability on the largest logit: divide by T (don't "
                                      "multiply) and draw with those probabilities.")]
            hint = ("at a temperature near 0, softmax(logits / T) puts all the probability on "
                    "the largest logit.")
        for candidate, text in mistakes:
            if np.abs(got - candidate).max() <= 0.05 and np.abs(candidate - expected).max() > 0.05:
                hint = text
                break
        _fail(f"{name}({_short(logits)}, {temperature}, rng) drawn {draws} times chose the "
              f"indices with frequencies {_short(got.round(3))}, expected about "
              f"{_short(expected.round(3))}.", hint)
    runs = []
    for _ in range(2):
        rng = np.random.default_rng(7)
        runs.append([int(call_student(sample_fn, (logits.copy(), 1.0, rng), name, name))
                     for _ in range(20)])
    if runs[0] != runs[1]:
        _fail(f"{name} gave different draws for two generators with the same seed.",
              "draw with the rng that is passed in (rng.choice or rng.random), not with "
              "np.random or random: that makes the text reproducible.")
    passed("my_temperature_probs and my_sample",
           f"{len(cases)} {'hidden ' if hidden else ''}cases and "
           f"{len(temperatures) * draws + 40} draws")
