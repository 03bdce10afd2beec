"""Checks for notebook 02: multi-layer networks, XOR, backpropagation and the Keras APIs.

The notebook imports them as ``from helpers.checks import mlp as check``:

* ``check.dense_tanh_backward(fn)``: the backward pass of one dense layer with tanh;
* ``check.two_branch_model(build)``: a two-branch model built with the Functional API;
* ``check.trained_classifier(train)``: a model trained to a target test accuracy;
* ``check.adam_step(fn)``: one step of the Adam optimizer in numpy.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from helpers.checks import (
    CheckFailed,
    _fail,
    _short,
    call_student,
    expect_at_least,
    expect_close,
    hidden_rng,
    not_implemented,
    passed,
)

__all__ = ["dense_tanh_backward", "two_branch_model", "trained_classifier", "adam_step"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "dense_tanh_backward": ("helpers.scratch.MLP",),
    "two_branch_model": (),
    "trained_classifier": (),
    "adam_step": ("helpers.optimizers.adam_step",),
}


# ------------------------------------------------------------- exercise: dense backward


def _dense_tanh_backward(x, W, b, grad_a):
    """The reference: gradients of the loss for a = tanh(x W + b), given dL/da."""
    dz = grad_a * (1.0 - np.tanh(x @ W + b) ** 2)
    return x.T @ dz, dz.sum(axis=0), dz @ W.T


def _backward_cases(hidden: bool) -> list[tuple[np.ndarray, ...]]:
    """(x, W, b, grad_a) for several shapes: batch size 1, one unit, square W, saturation."""
    rng = hidden_rng(2) if hidden else np.random.default_rng(1)
    # (batch, inputs, units, scale of the weights): a large scale pushes tanh into
    # saturation, where forgetting its derivative makes the biggest difference.
    shapes = [(4, 3, 2, 1.0), (1, 3, 2, 1.0), (5, 1, 1, 1.0), (3, 4, 4, 1.0), (6, 2, 3, 3.0)]
    if hidden:
        shapes = [(7, 5, 3, 1.0), (1, 1, 1, 2.0), (2, 6, 6, 0.5), (32, 2, 8, 1.5)]
    cases = []
    for n, d_in, d_out, scale in shapes:
        cases.append((rng.normal(size=(n, d_in)), scale * rng.normal(size=(d_in, d_out)),
                      rng.normal(size=d_out), rng.normal(size=(n, d_out))))
    return cases


def _mistakes(x, W, b, grad_a) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, str]]:
    """Plausible wrong answers, each with the hint that explains it."""
    z = x @ W + b
    a = np.tanh(z)
    return [
        (x.T @ grad_a, grad_a.sum(axis=0), grad_a @ W.T,
         "you seem to have skipped the tanh: first multiply dL/da by tanh'(z) = 1 - tanh(z)^2 "
         "(elementwise) to get dL/dz, then use dL/dz everywhere."),
        (x.T @ (grad_a * (1 - z ** 2)), (grad_a * (1 - z ** 2)).sum(axis=0),
         (grad_a * (1 - z ** 2)) @ W.T,
         "tanh'(z) is 1 - tanh(z)^2, not 1 - z^2."),
        (x.T @ (grad_a * a * (1 - a)), (grad_a * a * (1 - a)).sum(axis=0),
         (grad_a * a * (1 - a)) @ W.T,
         "a (1 - a) is the sigmoid's derivative; for tanh it is 1 - tanh(z)^2."),
    ]


def _part_hint(part: int, got: np.ndarray, x, W, b, grad_a) -> str:
    """The most specific hint for a wrong part (0: dW, 1: db, 2: dx)."""
    z = x @ W + b
    dz = grad_a * (1.0 - np.tanh(z) ** 2)
    specific = {
        0: [(np.tanh(z).T @ dz if z.shape[1] == x.shape[1] else None,
             "dL/dW uses the layer's input x (x.T @ dL/dz), not its output a."),
            (dz.T @ x if W.shape[0] == W.shape[1] else None,
             "dL/dW = x.T @ dL/dz (inputs x units), not dL/dz.T @ x.")],
        1: [(dz.mean(axis=0),
             "sum dL/dz over the batch axis (axis=0), don't average: the loss already "
             "contains any 1/n.")],
        2: [(grad_a @ W.T,
             "backpropagate dL/dz (after the tanh'), not dL/da: dL/dx = dL/dz @ W.T."),
            (dz @ W if W.shape[0] == W.shape[1] else None,
             "dL/dx = dL/dz @ W.T: multiply by the transposed weight matrix.")],
    }[part]
    for candidate, hint in specific:
        if candidate is not None and _matches(got, candidate):
            return hint
    for candidate in _mistakes(x, W, b, grad_a):
        if _matches(got, candidate[part]):
            return candidate[3]
    return [
        "dL/dW has W's shape (inputs, units): x.T @ dL/dz, with dL/dz = dL/da * (1 - tanh(z)^2).",
        "dL/db has b's shape (units,): the sum of dL/dz over the batch axis.",
        "dL/dx has x's shape (batch, inputs): dL/dz @ W.T.",
    ][part]


def _matches(got, candidate) -> bool:
    if candidate is None:
        return False
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == candidate.shape and np.allclose(got, candidate, rtol=1e-5, atol=1e-7)


def dense_tanh_backward(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(x, W, b, grad_a) -> (dL/dW, dL/db, dL/dx)`` for ``a = tanh(x @ W + b)``.

    ``x`` is (batch, inputs), ``W`` (inputs, units), ``b`` (units,) and ``grad_a = dL/da``
    (batch, units). Cases include a batch of one, a single unit, a square ``W`` and
    saturated units; ``hidden=True`` adds more shapes and a comparison with numerical
    gradients. A student function that skips the tanh derivative fails with a hint:

    >>> dense_tanh_backward(lambda x, W, b, g: (x.T @ g, g.sum(axis=0), g @ W.T))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: dL/dW of dense_tanh_backward(x (4, 3), ...) is ...
    Hint: you seem to have skipped the tanh: ...
    """
    name = "dense_tanh_backward"
    if not callable(student):
        _fail(f"{name} should be a function, got {_short(student)}.", None)
    cases = _backward_cases(hidden)
    for x, W, b, grad_a in cases:
        call = (f"{name}(x {x.shape}, W {W.shape}, b {b.shape}, grad_a {grad_a.shape})")
        args = [arr.copy() for arr in (x, W, b, grad_a)]
        try:
            got = student(*args)
        except NotImplementedError:
            not_implemented(name)
        except CheckFailed:
            raise
        except Exception as exc:  # the student's code raised: show it as feedback
            _fail(f"{call} raised {type(exc).__name__}: {exc}",
                  "check the shapes: x @ W is (batch, units); W.T is (units, inputs).", cause=exc)
        for arr, original, label in zip(args, (x, W, b, grad_a), ("x", "W", "b", "grad_a"),
                                        strict=True):
            if not np.array_equal(arr, original):
                _fail(f"{call} changed its argument {label} in place.",
                      "compute new arrays (e.g. dz = grad_a * ...) instead of `grad_a *= ...`.")
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            _fail(f"{call} returned {_short(got)}, expected a tuple of three arrays "
                  "(dL/dW, dL/db, dL/dx).", "end with `return dW, db, dx`.")
        expected = _dense_tanh_backward(x, W, b, grad_a)
        for part, (label, value, want) in enumerate(
                zip(("dL/dW", "dL/db", "dL/dx"), got, expected, strict=True)):
            if not _matches(value, want):
                expect_close(value, want, f"{label} of {call}",
                             hint=_part_hint(part, value, x, W, b, grad_a))
        if hidden:  # the reference itself against central differences
            from helpers.scratch import numerical_gradient

            def loss(x=x, W=W, b=b, grad_a=grad_a) -> float:
                # A loss whose gradient for a is exactly grad_a.
                return float(np.sum(grad_a * np.tanh(x @ W + b)))

            numeric = [numerical_gradient(loss, arr) for arr in (W, b, x)]
            for label, value, want in zip(("dL/dW", "dL/db", "dL/dx"), got, numeric,
                                          strict=True):
                expect_close(value, want, f"{label} of {call} (numerical gradient)",
                             rtol=1e-4, atol=1e-6)
    passed(name, f"{len(cases)} cases" + (", numerical gradients" if hidden else ""))


# ---------------------------------------------------------- exercise: two-branch model

_SPEC = ("input (2,) -> branch A Dense(8, relu) and branch B Dense(8, tanh), both on the "
         "input -> concatenate -> Dense(1, sigmoid)")


def _shape(tensor) -> tuple:
    return tuple(None if d is None else int(d) for d in tensor.shape)


def _activation_name(layer) -> str:
    return getattr(getattr(layer, "activation", None), "__name__", "?")


def _numpy_activation(name: str) -> Callable[[np.ndarray], np.ndarray]:
    from helpers.scratch import ACTIVATIONS

    return ACTIVATIONS[name][0]


def _build(build: Callable, name: str):
    if not callable(build):
        _fail(f"{name} should be a function that returns a model, got {_short(build)}.", None)
    try:
        return build()
    except NotImplementedError:
        not_implemented(name)
    except CheckFailed:
        raise
    except Exception as exc:  # the student's code raised: show it as feedback
        _fail(f"{name}() raised {type(exc).__name__}: {exc}",
              "build it step by step: inputs = keras.Input(shape=(2,)); "
              "a = keras.layers.Dense(8, activation='relu')(inputs); ...", cause=exc)


def two_branch_model(build: Callable, *, hidden: bool = False) -> None:
    """Check that ``build()`` returns the Functional model of the exercise's spec.

    The spec: input (2,) -> Dense(8, relu) and Dense(8, tanh), both on the input ->
    concatenate -> Dense(1, sigmoid); 65 parameters. The check looks at the inputs,
    the output, the Concatenate layer, the Dense layers and their activations, the
    parameter count, and finally recomputes the output in numpy from the weights
    (either order of the branches in the concatenation is accepted). ``hidden=True``
    also tries batches of one and checks that every call builds a new model.

    >>> import keras
    >>> def build():  # adds the branches instead of concatenating them
    ...     inputs = keras.Input(shape=(2,))
    ...     a = keras.layers.Dense(8, activation="relu")(inputs)
    ...     b = keras.layers.Dense(8, activation="tanh")(inputs)
    ...     merged = keras.layers.add([a, b])
    ...     return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(merged))
    >>> two_branch_model(build)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: The model has no Concatenate layer...
    """
    import keras

    name = "build_two_branch"
    model = _build(build, name)
    if not isinstance(model, keras.Model):
        if model is None:
            _fail(f"{name}() returned None: did you forget to `return` the model?",
                  "end with `return keras.Model(inputs, outputs)`.")
        _fail(f"{name}() returned {_short(model)}, expected a keras.Model.",
              "return the model itself, not its output tensor or its summary.")
    try:
        inputs, outputs = list(model.inputs), list(model.outputs)
    except (AttributeError, ValueError) as exc:
        _fail(f"The model has no defined inputs ({exc}).",
              "start from `inputs = keras.Input(shape=(2,))` and build with the Functional API.")
    if len(inputs) != 1 or _shape(inputs[0]) != (None, 2):
        _fail(f"The model's inputs have shapes {[_shape(t) for t in inputs]}, "
              "expected one input of shape (None, 2).",
              "one `keras.Input(shape=(2,))` feeds both branches.")
    if len(outputs) != 1 or _shape(outputs[0]) != (None, 1):
        _fail(f"The model's outputs have shapes {[_shape(t) for t in outputs]}, "
              "expected one output of shape (None, 1).",
              "the last layer is Dense(1, activation='sigmoid').")
    concat = [layer for layer in model.layers if isinstance(layer, keras.layers.Concatenate)]
    if len(concat) != 1:
        _fail(f"The model has {'no' if not concat else len(concat)} Concatenate "
              f"layer{'s' if len(concat) > 1 else ''}; the spec has exactly one: {_SPEC}.",
              "merge the two branches with keras.layers.concatenate([a, b]) "
              "(not add or average, which would need no extra weights downstream).")
    if _shape(concat[0].output) != (None, 16):
        _fail(f"The Concatenate layer outputs shape {_shape(concat[0].output)}, "
              "expected (None, 16): the 8 features of each branch side by side.",
              "concatenate the outputs of the two Dense(8) layers, along the last axis.")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    found = [f"Dense({layer.units}, {_activation_name(layer)})" for layer in dense]
    if sorted(layer.units for layer in dense) != [1, 8, 8]:
        _fail(f"The model's Dense layers are {found}; expected Dense(8, relu), "
              "Dense(8, tanh) and Dense(1, sigmoid).", f"follow the spec: {_SPEC}.")
    branches = [layer for layer in dense if layer.units == 8]
    head = next(layer for layer in dense if layer.units == 1)
    if sorted(_activation_name(layer) for layer in branches) != ["relu", "tanh"]:
        _fail(f"The two branches are {[f for f in found if f.startswith('Dense(8')]}; "
              "expected one Dense(8, relu) and one Dense(8, tanh).",
              "pass the activation to the layer: keras.layers.Dense(8, activation='tanh').")
    if _activation_name(head) != "sigmoid":
        _fail(f"The last layer is Dense(1, {_activation_name(head)}), expected "
              "Dense(1, sigmoid).", "a sigmoid turns the score into a probability.")
    if model.count_params() != 65:
        _fail(f"The model has {model.count_params()} parameters, expected 65 "
              "(2*8+8 per branch, 16+1 in the last layer).", f"follow the spec: {_SPEC}.")
    _check_wiring(model, branches, head, np.random.default_rng(0).normal(size=(6, 2)))
    if hidden:
        _check_wiring(model, branches, head, hidden_rng(1).normal(size=(1, 2)) * 3)
        if _build(build, name) is model:
            _fail(f"{name}() returned the same model object twice.",
                  "create the layers and the model inside the function, so that every "
                  "call builds a new, untrained model.")
    passed(name, "layers, shapes, 65 parameters and the computation")


def _check_wiring(model, branches, head, x: np.ndarray) -> None:
    """The model's output equals the spec's computation from its own weights."""
    import keras

    x = x.astype("float32")
    got = keras.ops.convert_to_numpy(model(x, training=False)).astype(float)
    hidden = []
    for layer in branches:
        w, b = layer.get_weights()
        hidden.append(_numpy_activation(_activation_name(layer))(x @ w + b))
    w, b = head.get_weights()
    outputs = [_numpy_activation("sigmoid")(np.concatenate(order, axis=1) @ w + b)
               for order in (hidden, hidden[::-1])]
    if not any(np.allclose(got, want, rtol=1e-4, atol=1e-5) for want in outputs):
        _fail(f"The model's output for x = {_short(x)} is {_short(got)}, but the spec "
              f"computes {_short(outputs[0])}.",
              "both Dense(8) layers must take the input itself (not each other's output), "
              "their outputs go into concatenate, and that into Dense(1, sigmoid).")


# --------------------------------------------------------- exercise: trained classifier


def trained_classifier(train: Callable, *, dataset: str = "circles", n: int = 600,
                       seed: int = 0, target: float = 0.95,
                       max_seconds: float = 60.0) -> None:
    """Train ``train(ds)`` on ``helpers.data.load(dataset, n=n, seed=seed)`` and test it.

    ``ds`` holds the training points only (its ``x_test`` and ``y_test`` are empty): the
    model is scored on the test points, which the student's code never sees.

    ``train`` must return a trained Keras model (or anything with ``predict``) whose output
    is the probability of class 1, shape (n, 1) or (n,), or two class probabilities (n, 2).
    The check fails unless the test accuracy reaches ``target`` and training takes at most
    ``max_seconds``; its success line reports the accuracy. A function that returns nothing
    fails:

    >>> trained_classifier(lambda ds: None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: train_my_model(ds) returned None...
    """
    import keras

    from helpers import data

    name = "train_my_model"
    if not callable(train):
        _fail(f"{name} should be a function of the dataset, got {_short(train)}.", None)
    ds = data.load(dataset, n=n, seed=seed)
    # The student's function sees the training points only: the model is scored on
    # points it never saw, labels included.
    given = dataclasses.replace(ds, x_test=ds.x_test[:0], y_test=ds.y_test[:0])
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    try:
        model = train(given)
    except NotImplementedError:
        not_implemented(name)
    except CheckFailed:
        raise
    except Exception as exc:  # the student's code raised: show it as feedback
        _fail(f"{name}(ds) raised {type(exc).__name__}: {exc}",
              "train on ds.x_train (shape (n, 2)) and ds.y_train (0 or 1).", cause=exc)
    seconds = time.perf_counter() - start
    if model is None:
        _fail(f"{name}(ds) returned None: did you forget to `return model`?", None)
    if isinstance(model, keras.callbacks.History):
        _fail(f"{name}(ds) returned the History that fit() returns.",
              "return the model itself: `model.fit(...)` then `return model`.")
    if not hasattr(model, "predict"):
        _fail(f"{name}(ds) returned {_short(model)}, expected a trained Keras model.", None)
    try:
        scores = np.asarray(model.predict(ds.x_test, verbose=0), dtype=float)
    except Exception as exc:  # a wrong input shape, an unbuilt model...
        _fail(f"model.predict(ds.x_test) raised {type(exc).__name__}: {exc}",
              "the model's input has shape (2,): keras.Input(shape=(2,)).", cause=exc)
    n_test = len(ds.x_test)
    if scores.shape in ((n_test,), (n_test, 1)):
        if scores.min() < 0 or scores.max() > 1:
            _fail(f"The model outputs values from {scores.min():.3g} to {scores.max():.3g}, "
                  "expected probabilities in [0, 1].",
                  "end with Dense(1, activation='sigmoid').")
        predicted = (scores.ravel() > 0.5).astype(int)
    elif scores.shape == (n_test, 2):
        predicted = scores.argmax(axis=1)
    else:
        _fail(f"The model's predictions have shape {scores.shape}, expected ({n_test}, 1).",
              "end with Dense(1, activation='sigmoid') for two classes.")
    accuracy = float(np.mean(predicted == ds.y_test))
    if seconds > max_seconds:
        _fail(f"Training took {seconds:.0f} s, more than the {max_seconds:.0f} s allowed.",
              "fewer epochs, a larger learning rate or a larger batch size.")
    hint = ("no straight line separates the two circles: use a hidden layer with a few units "
            "(8 to 32) and a nonlinear activation, Adam with a learning rate around 0.01-0.05, "
            "and enough epochs that the training accuracy stops improving.")
    if np.ptp(scores) < 1e-3:
        hint = "the model predicts the same value for every point: did you call fit()?"
    expect_at_least(accuracy, target, f"The test accuracy on {ds.name} (n={n}, seed={seed})",
                    hint=hint)
    passed(name, f"test accuracy {accuracy:.3f} >= {target} on {ds.name} (seed {seed}), "
                 f"trained in {seconds:.1f} s")


# ------------------------------------------------------------------ exercise: Adam's step


def _adam_cases(hidden: bool) -> list[tuple]:
    """(w, grad, m, v, t, lr, beta1, beta2, eps): a first step, later steps, odd shapes.

    The later steps take their moments from a real run (the reference's own steps), so
    every case is a state Adam can reach, and no case depends on the student's answers.
    """
    from helpers import optimizers

    rng = hidden_rng(5) if hidden else np.random.default_rng(4)
    cases = []
    # (shape, lr, beta1, beta2, steps before the checked one)
    settings = [((3,), 0.01, 0.9, 0.999, 0), ((2, 2), 0.1, 0.9, 0.999, 4),
                ((1,), 0.001, 0.8, 0.99, 1), ((4,), 0.05, 0.5, 0.9, 9)]
    if hidden:
        settings = [((5,), 0.02, 0.9, 0.999, 0), ((3, 2), 0.01, 0.95, 0.99, 2),
                    ((2,), 0.3, 0.6, 0.95, 6), ((1, 1), 0.001, 0.9, 0.999, 19)]
    for shape, lr, beta1, beta2, before in settings:
        w = rng.normal(size=shape)
        m, v = np.zeros(shape), np.zeros(shape)
        for t in range(1, before + 1):
            w, m, v = optimizers.adam_step(w, rng.normal(size=shape), m, v, t, lr, beta1,
                                           beta2, 1e-7)
        # Gradients of mixed sizes: Adam's step must not follow their size.
        grad = rng.normal(size=shape) * rng.choice([0.1, 1.0, 10.0], size=shape)
        cases.append((w, grad, m, v, before + 1, lr, beta1, beta2, 1e-7))
    return cases


def _adam_mistakes(w, grad, m, v, t, lr, beta1, beta2, eps) -> list[tuple[tuple, str]]:
    """Plausible wrong steps ``(w, m, v)``, each with the hint that explains it."""
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad ** 2

    def step(m_used, v_used, root=np.sqrt):
        return w - lr * m_used / (root(v_used) + eps)

    mistakes = [
        ((step(m_new, v_new), m_new, v_new),
         "no bias correction: divide m by 1 - beta1**t and v by 1 - beta2**t before the step "
         "(both start at zero, so early on they are too small)."),
        ((step(m_new / (1 - beta1 ** (t + 1)), v_new / (1 - beta2 ** (t + 1))), m_new, v_new),
         "t counts steps from 1 and is the number of this step: the bias correction uses "
         "beta**t, not beta**(t + 1)."),
        ((step(m_new / (1 - beta1 ** t), v_new / (1 - beta2 ** t), root=lambda x: x),
          m_new, v_new),
         "the step divides by the square root of v_hat: sqrt(v_hat) + eps, not v_hat + eps."),
        ((w + lr * (m_new / (1 - beta1 ** t)) / (np.sqrt(v_new / (1 - beta2 ** t)) + eps),
          m_new, v_new),
         "the step goes against the gradient: w - lr * ..., not w + lr * ..."),
        ((step(m_new / (1 - beta1 ** t), v_new / (1 - beta2 ** t)),
          m_new / (1 - beta1 ** t), v_new / (1 - beta2 ** t)),
         "return the running moments m and v, not the bias-corrected m_hat and v_hat: the "
         "next step builds on m and v."),
    ]
    m_swap = (1 - beta1) * m + beta1 * grad
    v_swap = (1 - beta2) * v + beta2 * grad ** 2
    mistakes.append(((step(m_swap / (1 - beta1 ** t), v_swap / (1 - beta2 ** t)),
                      m_swap, v_swap),
                     "the running means keep beta of the old value: m = beta1 * m + "
                     "(1 - beta1) * grad, and the same for v with beta2."))
    return mistakes


def adam_step(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(w, grad, m, v, t, lr, beta1, beta2, eps) -> (w, m, v)``, Adam's step.

    ``t`` is the number of the step, counted from 1; ``m`` and ``v`` are the running means
    of the gradient and of its square, returned as they are (not bias-corrected) for the
    next step. Cases: a first step from zero moments, later steps of a real run, shapes
    (1,) to (2, 2), several betas; the function must return plain numpy data and not
    change its arguments. A step without bias correction fails with a hint:

    >>> def no_correction(w, grad, m, v, t, lr, beta1, beta2, eps):
    ...     m = beta1 * m + (1 - beta1) * grad
    ...     v = beta2 * v + (1 - beta2) * grad ** 2
    ...     return w - lr * m / (np.sqrt(v) + eps), m, v
    >>> adam_step(no_correction)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: w after my_adam_step(w (3,), ..., t=1, ...) is ...
    Hint: no bias correction: ...
    """
    from helpers import optimizers

    name = "my_adam_step"
    if not callable(student):
        _fail(f"{name} should be a function, got {_short(student)}.", None)
    for case in _adam_cases(hidden):
        w, grad, m, v, t, lr, beta1, beta2, eps = case
        call = (f"{name}(w {w.shape}, grad, m, v, t={t}, lr={lr}, beta1={beta1}, "
                f"beta2={beta2}, eps={eps})")
        args = [arr.copy() for arr in (w, grad, m, v)]
        got = call_student(student, (*args, t, lr, beta1, beta2, eps), name, call,
                           hint="w, grad, m and v are numpy arrays of one shape; t, lr, "
                                "beta1, beta2 and eps are numbers.")
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            _fail(f"{call} returned {_short(got)}, expected a tuple of three arrays "
                  "(w, m, v).", "end with `return w, m, v` (the new values).")
        for given, original, label in zip(args, (w, grad, m, v), ("w", "grad", "m", "v"),
                                          strict=True):
            if not np.array_equal(given, original):
                _fail(f"{call} changed its argument {label} in place.",
                      "compute new arrays (m = beta1 * m + ..., not m *= beta1) and return "
                      "them; the caller's arrays must stay as they were.")
        want = optimizers.adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)
        # Both places for eps are Adam: after the bias correction (the paper's algorithm 1)
        # or before it (Keras, the paper's section 2); they differ when a gradient is tiny.
        m_hat, v_hat = want[1] / (1 - beta1 ** t), want[2] / (1 - beta2 ** t)
        also = (w - lr * m_hat / (np.sqrt(v_hat) + eps), want[1], want[2])
        for part, label in enumerate(("w", "m", "v")):
            if _matches(got[part], want[part]) or _matches(got[part], also[part]):
                continue
            hint = next((h for wrong, h in _adam_mistakes(*case)
                         if _matches(got[part], wrong[part])), None)
            if hint is None:
                hint = {0: "w - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - "
                           "beta1**t) and v_hat = v / (1 - beta2**t), using the new m and v "
                           "(eps outside the square root).",
                        1: "m = beta1 * m + (1 - beta1) * grad.",
                        2: "v = beta2 * v + (1 - beta2) * grad**2 (the square of the "
                           "gradient, elementwise)."}[part]
            expect_close(got[part], want[part], f"{label} after {call}", hint=hint,
                         rtol=1e-5, atol=1e-8)
    passed(name, "first and later steps, bias correction, several shapes and betas")
