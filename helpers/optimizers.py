"""Gradient descent and its variations, from scratch in numpy, step for step as Keras does them.

Each ``*_step`` function takes the weights, their gradient and the optimizer's state, and
returns the new weights and the new state; nothing is changed in place. They follow
``keras.optimizers.SGD(momentum=...)``, ``RMSprop`` and ``Adam`` (notebook 02 checks them
against Keras over several steps):

* ``momentum_step``: ``velocity = momentum * velocity - lr * grad``, ``w = w + velocity``;
* ``rmsprop_step``: a running mean of squared gradients scales each coordinate's step;
* ``adam_step``: momentum and RMSprop together, with bias correction.

``descend(step, grad_fn, w0, steps)`` runs any of them (or ``sgd_step``) on a function's
gradient and returns the path, for pictures such as paths on a 2-D loss surface.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["sgd_step", "momentum_step", "rmsprop_step", "adam_step", "descend", "keras_path"]


def _arrays(w, grad) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(w, dtype=float)
    grad = np.asarray(grad, dtype=float)
    if w.shape != grad.shape:
        raise ValueError(f"the gradient has shape {grad.shape}, the weights {w.shape}: "
                         "they must be the same")
    return w, grad


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def sgd_step(w, grad, lr: float = 0.01) -> np.ndarray:
    """Plain gradient descent: ``w - lr * grad`` (``keras.optimizers.SGD(lr)``).

    >>> sgd_step([1.0, 2.0], [0.5, -1.0], lr=0.1)
    array([0.95, 2.1 ])
    """
    w, grad = _arrays(w, grad)
    return w - _positive(lr, "lr") * grad


def momentum_step(w, grad, velocity, lr: float = 0.01,
                  momentum: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """One step of SGD with momentum; returns ``(w, velocity)``.

    ``velocity = momentum * velocity - lr * grad`` then ``w = w + velocity``, as
    ``keras.optimizers.SGD(lr, momentum=momentum)`` (the velocity starts at zero). Steps
    in a direction the gradient keeps pointing add up; steps that flip sign cancel.

    >>> w, vel = momentum_step([1.0], [1.0], [0.0], lr=0.1, momentum=0.9)
    >>> w, vel
    (array([0.9]), array([-0.1]))
    >>> momentum_step(w, [1.0], vel, lr=0.1, momentum=0.9)[1]  # -0.09 - 0.1
    array([-0.19])
    """
    w, grad = _arrays(w, grad)
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    velocity = momentum * np.asarray(velocity, dtype=float) - _positive(lr, "lr") * grad
    return w + velocity, velocity


def rmsprop_step(w, grad, mean_square, lr: float = 0.001, rho: float = 0.9,
                 eps: float = 1e-7) -> tuple[np.ndarray, np.ndarray]:
    """One step of RMSprop; returns ``(w, mean_square)``.

    ``s = rho * s + (1 - rho) * grad**2`` and ``w = w - lr * grad / sqrt(s + eps)``:
    each coordinate's step is divided by the recent size of its gradients, so steep and
    flat directions move at similar speeds. Keras puts ``eps`` inside the square root.

    >>> w, s = rmsprop_step([1.0, 1.0], [10.0, 0.1], [0.0, 0.0], lr=0.01)
    >>> (1.0 - w).round(4)  # the same step size for a gradient 100 times larger
    array([0.0316, 0.0316])
    """
    w, grad = _arrays(w, grad)
    if not 0 <= rho < 1:
        raise ValueError(f"rho must be in [0, 1), got {rho!r}")
    mean_square = rho * np.asarray(mean_square, dtype=float) + (1 - rho) * grad ** 2
    return w - _positive(lr, "lr") * grad / np.sqrt(mean_square + eps), mean_square


def adam_step(w, grad, m, v, t: int, lr: float = 0.001, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-7) -> tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]:
    """One step of Adam (Kingma and Ba, 2015); returns ``(w, m, v)``.

    ``t`` is the number of this step, counted from 1. The moments are running means,
    ``m = beta1 m + (1 - beta1) grad`` and ``v = beta2 v + (1 - beta2) grad**2``; both
    start at zero, so they are divided by ``1 - beta**t`` (bias correction) before the
    step ``w = w - lr * m_hat / (sqrt(v_hat) + eps)``. Like Keras (and the paper's
    section 2), ``eps`` is added before the bias correction of ``v``:
    ``w - lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)``, which differs
    from the formula with ``m_hat`` and ``v_hat`` by less than ``lr * 1e-5`` when the
    gradients are not tiny.

    >>> w, m, v = adam_step([1.0, 1.0], [10.0, 0.1], [0.0, 0.0], [0.0, 0.0], t=1, lr=0.01)
    >>> (1.0 - w).round(6)  # the first step is lr * sign(grad) in every coordinate
    array([0.01, 0.01])
    >>> m, v
    (array([1.  , 0.01]), array([1.e-01, 1.e-05]))
    """
    w, grad = _arrays(w, grad)
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t is the step number, counted from 1; got {t!r}")
    for name, beta in (("beta1", beta1), ("beta2", beta2)):
        if not 0 <= beta < 1:
            raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
    m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grad
    v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * grad ** 2
    step_size = _positive(lr, "lr") * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - step_size * m / (np.sqrt(v) + eps), m, v


def descend(method: str, grad_fn: Callable[[np.ndarray], np.ndarray], w0, steps: int,
            **hyper: float) -> np.ndarray:
    """Run ``steps`` steps of ``method`` ("sgd", "momentum", "rmsprop" or "adam") from ``w0``.

    ``grad_fn(w)`` gives the gradient at ``w``; ``hyper`` holds the step's keyword
    arguments (``lr``, ``momentum``, ...). Returns the path, shape ``(steps + 1,) + w0.shape``.

    >>> descend("sgd", lambda w: 2 * w, [1.0], steps=2, lr=0.25)[:, 0]  # w <- w / 2
    array([1.  , 0.5 , 0.25])
    """
    if method not in ("sgd", "momentum", "rmsprop", "adam"):
        raise ValueError(f"method must be 'sgd', 'momentum', 'rmsprop' or 'adam', got {method!r}")
    w = np.asarray(w0, dtype=float)
    state = [np.zeros_like(w), np.zeros_like(w)]
    path = [w]
    for t in range(1, steps + 1):
        grad = grad_fn(w)
        if method == "sgd":
            w = sgd_step(w, grad, **hyper)
        elif method == "momentum":
            w, state[0] = momentum_step(w, grad, state[0], **hyper)
        elif method == "rmsprop":
            w, state[0] = rmsprop_step(w, grad, state[0], **hyper)
        else:
            w, state[0], state[1] = adam_step(w, grad, state[0], state[1], t, **hyper)
        path.append(w)
    return np.array(path)


def keras_path(optimizer, w0, grads) -> np.ndarray:
    """The weights after each step of a Keras ``optimizer`` fed the given gradients.

    ``grads`` is a sequence of gradients (each of ``w0``'s shape), applied in turn with
    ``optimizer.apply_gradients`` to one float32 variable that starts at ``w0``. Returns
    the path, shape ``(len(grads) + 1,) + w0.shape``, to compare with ``descend``-style
    numpy steps.

    >>> import keras
    >>> keras_path(keras.optimizers.SGD(0.5), [1.0], [[2.0]])[:, 0]
    array([1., 0.])
    """
    import keras

    w0 = np.asarray(w0, dtype="float32")
    variable = keras.Variable(w0, dtype="float32")
    path = [w0.astype(float)]
    for grad in grads:
        grad = np.asarray(grad, dtype="float32")
        if grad.shape != w0.shape:
            raise ValueError(f"a gradient has shape {grad.shape}, the weights {w0.shape}")
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(grad), variable)])
        path.append(keras.ops.convert_to_numpy(variable).astype(float))
    return np.array(path)
