"""From-scratch numpy versions of what Keras does, used where the lesson is the mechanism.

Each function here is checked against Keras or a numerical gradient in the tests,
and the notebooks show the same comparison to the students.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "as_float_array",
    "neuron",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "elu",
    "elu_grad",
    "maxout",
    "maxout_grad",
    "ACTIVATIONS",
    "squared_error",
    "squared_error_grad",
    "sgd_neuron",
    "MLP",
    "numerical_gradient",
    "conv2d",
    "max_pool2d",
    "gru_cell",
    "temperature_softmax",
    "cosine_similarity",
]


def as_float_array(x, name: str = "x", ndim: int | Sequence[int] | None = None) -> np.ndarray:
    """Convert ``x`` to a float64 array, with an error that names the argument if it can't be.

    >>> as_float_array([1, 2]).dtype
    dtype('float64')
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like of numbers: {exc}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):  # astype would drop the imaginary part
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValueError(
                f"{name} must have {' or '.join(map(str, allowed))} dimension(s), "
                f"got shape {arr.shape}"
            )
    return arr.astype(np.float64)


# ------------------------------------------------------------------------------ neuron


def neuron(x, w, b: float = 0.0) -> np.ndarray:
    """The artificial neuron's weighted sum ``o(x) = b + sum_i x_i w_i``.

    ``x`` is one input vector of shape (d,) or a batch (n, d); ``w`` has shape (d,).

    >>> neuron([1.0, 2.0], [0.5, -1.0], b=1.0)
    array(-0.5)
    """
    x = as_float_array(x, "x", ndim=(1, 2))
    w = as_float_array(w, "w", ndim=1)
    if x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features but w has {w.shape[0]} weights")
    return np.asarray(x @ w + float(b))


# ------------------------------------------------------------------------- activations


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0]))
    array([0.5, 1. , 0. ])
    """
    z = as_float_array(z, "z")
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_grad(z) -> np.ndarray:
    """Derivative of the sigmoid: ``s(z) (1 - s(z))``.

    >>> sigmoid_grad(np.array([0.0]))
    array([0.25])
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z) -> np.ndarray:
    """Hyperbolic tangent.

    >>> tanh(np.array([0.0]))
    array([0.])
    """
    return np.tanh(as_float_array(z, "z"))


def tanh_grad(z) -> np.ndarray:
    """Derivative of tanh: ``1 - tanh(z)^2``.

    >>> tanh_grad(np.array([0.0]))
    array([1.])
    """
    return 1.0 - np.tanh(as_float_array(z, "z")) ** 2


def relu(z) -> np.ndarray:
    """Rectified linear unit ``max(0, z)``.

    >>> relu(np.array([-2.0, 3.0]))
    array([0., 3.])
    """
    return np.maximum(as_float_array(z, "z"), 0.0)


def relu_grad(z) -> np.ndarray:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (Keras also uses 0 at ``z = 0``).

    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    return (as_float_array(z, "z") > 0).astype(np.float64)


def leaky_relu(z, alpha: float = 0.1) -> np.ndarray:
    """Leaky ReLU: ``z`` for positive inputs, ``alpha * z`` otherwise.

    >>> leaky_relu(np.array([-2.0, 3.0]), alpha=0.1)
    array([-0.2,  3. ])
    """
    z = as_float_array(z, "z")
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha: float = 0.1) -> np.ndarray:
    """Derivative of leaky ReLU: 1 for positive inputs, ``alpha`` otherwise.

    >>> leaky_relu_grad(np.array([-2.0, 3.0]), alpha=0.1)
    array([0.1, 1. ])
    """
    return np.where(as_float_array(z, "z") > 0, 1.0, alpha)


def elu(z, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: ``z`` for positive inputs, ``alpha (exp(z) - 1)`` otherwise.

    >>> elu(np.array([0.0, 2.0]))
    array([0., 2.])
    """
    z = as_float_array(z, "z")
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_grad(z, alpha: float = 1.0) -> np.ndarray:
    """Derivative of ELU: 1 for positive inputs, ``alpha exp(z)`` otherwise.

    >>> elu_grad(np.array([0.0, 2.0]))
    array([1., 1.])
    """
    z = as_float_array(z, "z")
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def maxout(z) -> np.ndarray:
    """Maxout: the largest of ``k`` linear pieces, given along the last axis of ``z``.

    A maxout unit computes ``max_j (x . w_j + b_j)``; pass the pieces
    ``z[..., j] = x . w_j + b_j``. With the pieces ``(0, z)`` it is ReLU, with
    ``(z, -z)`` it is ``|z|``.

    >>> maxout(np.array([[0.0, -1.5], [0.0, 2.0]]))
    array([0., 2.])
    """
    z = as_float_array(z, "z")
    if z.ndim == 0 or z.shape[-1] < 1:
        raise ValueError(f"maxout needs the pieces along the last axis, got shape {z.shape}")
    return z.max(axis=-1)


def maxout_grad(z) -> np.ndarray:
    """Derivative of maxout with respect to each piece: 1 for the winning piece, else 0.

    >>> maxout_grad(np.array([[0.0, -1.5], [0.0, 2.0]]))
    array([[1., 0.],
           [0., 1.]])
    """
    z = as_float_array(z, "z")
    if z.ndim == 0 or z.shape[-1] < 1:
        raise ValueError(f"maxout needs the pieces along the last axis, got shape {z.shape}")
    winners = z.argmax(axis=-1)
    return (np.arange(z.shape[-1]) == winners[..., None]).astype(np.float64)


# Elementwise activations with their derivatives, by the names Keras uses.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "linear": (lambda z: as_float_array(z, "z"), lambda z: np.ones_like(as_float_array(z, "z"))),
}


def _count(value, what: str, minimum: int) -> int:
    """An int (an integral float is fine) of at least ``minimum``, or an error naming it."""
    ok = isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and float(value).is_integer())
    if isinstance(value, bool) or not ok or value < minimum:
        raise ValueError(f"{what} must be an int of at least {minimum}, got {value!r}")
    return int(value)


def _activation(name: str) -> tuple[Callable, Callable]:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


# ------------------------------------------------------------------------- loss and SGD


def _same_shape(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
    return y_true, y_pred


def squared_error(y_true, y_pred) -> float:
    """Mean squared error ``mean((y_pred - y_true)^2)``, as ``keras.losses.MeanSquaredError``.

    >>> squared_error([1.0, 0.0], [0.5, 0.5])
    0.25
    """
    y_true, y_pred = _same_shape(y_true, y_pred)
    return float(np.mean((y_pred - y_true) ** 2))


def squared_error_grad(y_true, y_pred) -> np.ndarray:
    """Gradient of the mean squared error with respect to ``y_pred``: ``2 (y_pred - y_true) / n``.

    >>> squared_error_grad([1.0, 0.0], [0.5, 0.5])
    array([-0.5,  0.5])
    """
    y_true, y_pred = _same_shape(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_true.size


def sgd_neuron(x, y, *, activation: str = "sigmoid", lr: float = 0.5, epochs: int = 20,
               seed: int = 0) -> tuple[np.ndarray, float, list[tuple[np.ndarray, float, float]]]:
    """Train one neuron with stochastic gradient descent on the squared error.

    One example at a time, in a new random order every epoch:
    ``w <- w - lr * dE/dw`` with ``E = (a(b + x.w) - y)^2``.
    Returns the final weights, bias, and after every epoch ``(w, b, mean loss)``,
    which the notebooks animate.

    >>> x = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0.0, 1.0])
    >>> w, b, history = sgd_neuron(x, y, epochs=200, lr=1.0)
    >>> history[-1][2] < 0.01
    True
    """
    x = as_float_array(x, "x", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)} labels")
    f, df = _activation(activation)
    epochs = _count(epochs, "epochs", minimum=0)
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 0.1, size=x.shape[1])
    b = 0.0
    history = []
    for _ in range(int(epochs)):
        for i in rng.permutation(len(x)):
            z = b + x[i] @ w
            delta = 2.0 * (f(z) - y[i]) * df(z)  # dE/dz by the chain rule
            w = w - lr * delta * x[i]
            b = b - lr * float(delta)
        loss = float(np.mean((f(b + x @ w) - y) ** 2))
        history.append((w.copy(), b, loss))
    return w, b, history


# ------------------------------------------------------------------------------- MLP


class MLP:
    """A fully connected network in numpy with a forward and a backward pass.

    ``sizes`` lists the layer widths from input to output; hidden layers use
    ``activation`` and the output layer ``output``. The weights are stored like
    Keras' Dense kernels: ``weights[l]`` has shape (inputs, units).

    >>> net = MLP([2, 3, 1], activation="tanh", output="sigmoid", seed=0)
    >>> net.forward(np.zeros((4, 2))).shape
    (4, 1)
    """

    def __init__(self, sizes: Sequence[int], activation: str = "tanh",
                 output: str = "sigmoid", seed: int = 0) -> None:
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least two widths (inputs, outputs), "
                             f"got {list(sizes)}")
        sizes = [_count(s, f"sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]
        self.activation = _activation(activation)
        self.output = _activation(output)
        rng = np.random.default_rng(seed)
        # Glorot-uniform initialisation, Keras' default for Dense layers.
        self.weights = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            limit = np.sqrt(6.0 / (n_in + n_out))
            self.weights.append(rng.uniform(-limit, limit, size=(n_in, n_out)))
        self.biases = [np.zeros(n_out) for n_out in sizes[1:]]
        self._cache: list[tuple[np.ndarray, np.ndarray]] = []

    @property
    def params(self) -> list[np.ndarray]:
        """Weights and biases interleaved, in the order Keras' ``get_weights()`` uses."""
        return [p for pair in zip(self.weights, self.biases, strict=True) for p in pair]

    def forward(self, x) -> np.ndarray:
        """Output for a batch ``x`` of shape (n, inputs); keeps what backward needs."""
        a = as_float_array(x, "x", ndim=2)
        if a.shape[1] != self.weights[0].shape[0]:
            raise ValueError(f"x has {a.shape[1]} features, the network expects "
                             f"{self.weights[0].shape[0]}")
        self._cache = []
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = a @ w + b
            self._cache.append((a, z))
            f = self.output[0] if layer == len(self.weights) - 1 else self.activation[0]
            a = f(z)
        return a

    def backward(self, grad_output) -> list[np.ndarray]:
        """Backpropagate ``dLoss/dOutput`` through the last forward pass.

        Returns the gradients of the loss for ``params`` (same order and shapes): each
        layer applies the chain rule ``dL/dz = dL/da * f'(z)``, ``dL/dW = a_in^T dL/dz``,
        ``dL/db = sum(dL/dz)``, ``dL/da_in = dL/dz W^T``.
        """
        if not self._cache:
            raise RuntimeError("call forward() before backward()")
        grad = as_float_array(grad_output, "grad_output", ndim=2)
        expected = self._cache[-1][1].shape
        if grad.shape != expected:  # broadcasting would give silently wrong gradients
            raise ValueError(f"grad_output must have the output's shape {expected}, "
                             f"got shape {grad.shape}")
        grads: list[np.ndarray] = []
        for layer in reversed(range(len(self.weights))):
            a_in, z = self._cache[layer]
            df = self.output[1] if layer == len(self.weights) - 1 else self.activation[1]
            dz = grad * df(z)
            grads[:0] = [a_in.T @ dz, dz.sum(axis=0)]
            grad = dz @ self.weights[layer].T
        return grads

    def loss_and_grads(self, x, y) -> tuple[float, list[np.ndarray]]:
        """Mean squared error on ``(x, y)`` and its gradients for ``params``."""
        out = self.forward(x)
        y = as_float_array(y, "y")
        if y.size != out.size:
            raise ValueError(f"y has shape {y.shape} but the network's output has shape "
                             f"{out.shape}")
        y = y.reshape(out.shape)
        return squared_error(y, out), self.backward(squared_error_grad(y, out))

    def fit(self, x, y, *, lr: float = 0.5, epochs: int = 1000) -> list[float]:
        """Full-batch gradient descent on the squared error; returns the loss per epoch."""
        epochs = _count(epochs, "epochs", minimum=0)
        losses = []
        for _ in range(int(epochs)):
            loss, grads = self.loss_and_grads(x, y)
            for param, grad in zip(self.params, grads, strict=True):
                param -= lr * grad  # in place: params are views of weights and biases
            losses.append(loss)
        return losses


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is changed in place, one entry at a time, and restored; ``f`` reads it.

    >>> w = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float(np.sum(w ** 2)), w).round(6)
    array([2., 4.])
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a float numpy array that f reads (it is perturbed in place)")
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


# ------------------------------------------------------------------------- convolution


def _pair(value, what: str) -> tuple[int, int]:
    """An int, or a pair (rows, columns) of ints, each at least 1, as Keras accepts them."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{what} must be an int or a pair of ints, got {value!r}")
        return _count(value[0], what, minimum=1), _count(value[1], what, minimum=1)
    n = _count(value, what, minimum=1)
    return n, n


def _padding(padding) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f'padding must be "valid" or "same", got {padding!r}')
    return padding.lower()


def _same_pads(n: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow's "same" padding along one axis: ceil(n / stride) outputs, and when the
    padding is odd the extra row or column goes at the end (bottom or right)."""
    out = -(-n // stride)
    total = max((out - 1) * stride + window - n, 0)
    return total // 2, total - total // 2


def _image_2d(x, name: str) -> np.ndarray:
    arr = as_float_array(x, name)
    if arr.ndim != 2:
        hint = " (one channel of an (h, w, 1) image is x[..., 0])" if arr.ndim == 3 else ""
        raise ValueError(f"{name} must be 2-D (height, width), got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty, shape {arr.shape}")
    return arr


def _windows(x: np.ndarray, window: tuple[int, int], stride: tuple[int, int], padding: str,
             fill: float, what: str) -> np.ndarray:
    """Every position of a ``window`` over ``x`` as an array (out_h, out_w, *window)."""
    if padding == "same":
        pads = [_same_pads(n, k, s) for n, k, s in zip(x.shape, window, stride, strict=True)]
        x = np.pad(x, pads, constant_values=fill)
    elif window[0] > x.shape[0] or window[1] > x.shape[1]:
        raise ValueError(f"the {what} {window} is larger than the image {x.shape}: with "
                         f'padding="valid" it fits nowhere; use padding="same" or a smaller '
                         f"{what}")
    return np.lib.stride_tricks.sliding_window_view(x, window)[::stride[0], ::stride[1]]


def conv2d(image, kernel, stride: int | tuple[int, int] = 1,
           padding: str = "valid") -> np.ndarray:
    """2-D cross-correlation of one image with one kernel, as ``keras.layers.Conv2D`` computes it.

    Keras, like every deep learning library, does not flip the kernel:
    ``out[r, c] = sum_ij image[r * s + i, c * s + j] * kernel[i, j]``. With
    ``padding="valid"`` the kernel only goes where it fits, ``(n - k) // s + 1`` positions
    per axis; ``"same"`` pads with zeros to ``ceil(n / s)`` positions, the odd padding row
    or column at the bottom or right. ``stride`` is an int or a pair (rows, columns).

    >>> conv2d([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, 1]])
    array([[6., 8.]])
    """
    image = _image_2d(image, "image")
    kernel = _image_2d(kernel, "kernel")
    windows = _windows(image, kernel.shape, _pair(stride, "stride"), _padding(padding), 0.0,
                       "kernel")
    return np.einsum("rcij,ij->rc", windows, kernel)


def max_pool2d(x, size: int | tuple[int, int] = 2, stride: int | tuple[int, int] | None = None,
               padding: str = "valid") -> np.ndarray:
    """Max pooling of a 2-D array, as ``keras.layers.MaxPooling2D(size, stride, padding)``.

    ``stride`` defaults to ``size`` (windows side by side, as in Keras). ``"same"``
    padding gives ``ceil(n / stride)`` outputs per axis; padded cells never win the max.

    >>> max_pool2d([[1, 2, 0, 0], [3, 4, 0, 5]])
    array([[4., 5.]])
    """
    x = _image_2d(x, "x")
    size = _pair(size, "size")
    stride = size if stride is None else _pair(stride, "stride")
    return _windows(x, size, stride, _padding(padding), -np.inf, "pooling window").max(axis=(2, 3))


# ---------------------------------------------------------------------- recurrent cells


def _step_inputs(x_t, h_prev, kernel, recurrent_kernel, gates: int, layer: str):
    """Validated float arrays for one recurrent step, and the number of units.

    Keras stores a recurrent layer's weights as ``kernel`` (input_dim, gates * units) and
    ``recurrent_kernel`` (units, gates * units); ``x_t`` is (input_dim,) or
    (batch, input_dim) and ``h_prev`` is (units,) or (batch, units), both with or without
    the batch axis.
    """
    kernel = as_float_array(kernel, "kernel", ndim=2)
    recurrent_kernel = as_float_array(recurrent_kernel, "recurrent_kernel", ndim=2)
    if kernel.shape[1] == 0 or kernel.shape[1] % gates:
        raise ValueError(f"kernel must have shape (input_dim, {gates} * units) as {layer} "
                         f"stores it, got {kernel.shape}")
    units = kernel.shape[1] // gates
    if recurrent_kernel.shape != (units, gates * units):
        raise ValueError(f"recurrent_kernel must have shape (units, {gates} * units) = "
                         f"{(units, gates * units)} for a kernel of shape {kernel.shape}, "
                         f"got {recurrent_kernel.shape}")
    x_t = as_float_array(x_t, "x_t", ndim=(1, 2))
    h_prev = as_float_array(h_prev, "h_prev", ndim=(1, 2))
    if x_t.shape[-1] != kernel.shape[0]:
        raise ValueError(f"x_t has {x_t.shape[-1]} features but the kernel expects "
                         f"{kernel.shape[0]} (x_t shape {x_t.shape}, kernel {kernel.shape})")
    if h_prev.shape[-1] != units:
        raise ValueError(f"h_prev has {h_prev.shape[-1]} units but the weights have {units} "
                         f"(h_prev shape {h_prev.shape})")
    if x_t.ndim != h_prev.ndim or x_t.shape[:-1] != h_prev.shape[:-1]:
        raise ValueError(f"x_t {x_t.shape} and h_prev {h_prev.shape} must both be one step "
                         "(1-D) or both a batch (2-D) of the same size")
    return x_t, h_prev, kernel, recurrent_kernel, units


def gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias,
             reset_after: bool = True) -> np.ndarray:
    """One step of ``keras.layers.GRU``, in numpy, with the weights in Keras' own layout.

    The gates come in Keras' order z (update), r (reset), h (candidate) along the last
    axis of ``kernel`` (input_dim, 3 * units) and ``recurrent_kernel`` (units, 3 * units)::

        z  = sigmoid(x W_z + h_prev U_z + b_z)
        r  = sigmoid(x W_r + h_prev U_r + b_r)
        hh = tanh(x W_h + r * (h_prev U_h + b'_h))     # reset_after=True (Keras' default)
        hh = tanh(x W_h + (r * h_prev) U_h + b_h)      # reset_after=False (Cho et al. 2014)
        h  = z * h_prev + (1 - z) * hh

    With ``reset_after=True`` the bias has shape (2, 3 * units): an input bias (row 0) and
    a recurrent bias (row 1, the ``b'`` of every gate, added to ``h_prev U``); with
    ``reset_after=False`` it has shape (3 * units,). ``bias=None`` is a layer built with
    ``use_bias=False``. ``x_t`` (input_dim,) and ``h_prev`` (units,) may also be batches
    (batch, input_dim) and (batch, units); the result has ``h_prev``'s shape.

    >>> units = 2
    >>> kernel, recurrent = np.zeros((1, 3 * units)), np.zeros((units, 3 * units))
    >>> gru_cell([1.0], [0.5, -0.5], kernel, recurrent, np.zeros((2, 3 * units)))
    array([ 0.25, -0.25])
    """
    x_t, h_prev, kernel, recurrent_kernel, units = _step_inputs(
        x_t, h_prev, kernel, recurrent_kernel, 3, "keras.layers.GRU")
    if not isinstance(reset_after, (bool, np.bool_)):
        raise TypeError(f"reset_after must be True or False, got {reset_after!r}")
    want = (2, 3 * units) if reset_after else (3 * units,)
    if bias is None:
        bias = np.zeros(want)
    bias = as_float_array(bias, "bias")
    if bias.shape != want:
        other = "False" if reset_after else "True"
        raise ValueError(
            f"with reset_after={bool(reset_after)} the bias must have shape {want}, got "
            f"{bias.shape}" + (f" (that is the shape for reset_after={other})"
                               if bias.shape == ((3 * units,) if reset_after else (2, 3 * units))
                               else ""))
    input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros(want))
    x_z, x_r, x_h = np.split(x_t @ kernel + input_bias, 3, axis=-1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=-1)
    b_z, b_r, b_h = np.split(recurrent_bias, 3)
    z = sigmoid(x_z + h_prev @ u_z + b_z)
    r = sigmoid(x_r + h_prev @ u_r + b_r)
    if reset_after:
        candidate = np.tanh(x_h + r * (h_prev @ u_h + b_h))
    else:
        candidate = np.tanh(x_h + (r * h_prev) @ u_h)
    return z * h_prev + (1.0 - z) * candidate


def temperature_softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Probabilities ``p_i = exp(l_i / T) / sum_j exp(l_j / T)`` along the last axis.

    ``T < 1`` sharpens the distribution towards the largest logit (``T -> 0``: always the
    most likely choice), ``T > 1`` flattens it towards uniform. Computed without overflow
    (the largest logit is subtracted first), for one vector of logits or a batch.

    >>> temperature_softmax([0.0, np.log(3.0)]).round(3)
    array([0.25, 0.75])
    >>> temperature_softmax([0.0, np.log(3.0)], temperature=0.5).round(3)
    array([0.1, 0.9])
    """
    logits = as_float_array(logits, "logits")
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"logits must have at least one value along the last axis, "
                         f"got shape {logits.shape}")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.number)) \
            or not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    scaled = logits / float(temperature)
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)


# ------------------------------------------------------------------------ word vectors


def cosine_similarity(a, b) -> float:
    """Cosine of the angle between two vectors: ``a . b / (|a| |b|)``, between -1 and 1.

    1 means the same direction, 0 orthogonal, -1 opposite; the lengths do not matter.
    Both vectors must be 1-D, of the same length and not zero (a zero vector has no
    direction). This is what ``gensim``'s ``KeyedVectors.similarity`` computes.

    >>> cosine_similarity([1.0, 0.0], [1.0, 1.0])
    0.7071067811865475
    >>> round(cosine_similarity([1.0, 2.0], [-2.0, -4.0]), 12)
    -1.0
    """
    a = as_float_array(a, "a", ndim=1)
    b = as_float_array(b, "b", ndim=1)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same length, got shapes {a.shape} and "
                         f"{b.shape}")
    if a.size == 0:
        raise ValueError("a and b are empty: a cosine similarity needs at least one dimension")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a and b must be finite (no nan or inf)")
    for name, v in (("a", a), ("b", b)):
        if not v.any():
            raise ValueError(f"{name} is the zero vector, which has no direction: its cosine "
                             "similarity with any vector is undefined")
    # Scaling each vector by its largest entry first changes no angle, and keeps the
    # squares in the norms from overflowing (1e200) or vanishing (1e-200).
    a, b = a / np.abs(a).max(), b / np.abs(b).max()
    return float(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1.0, 1.0))
