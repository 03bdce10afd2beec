"""Record what a student's code returns to a check, and judge it again where it cannot reach.

A graded test cell such as ``check.sigmoid(my_sigmoid)`` runs twice:

1. in the student's sandboxed kernel, by :func:`run_cell`: the check runs as usual (the
   student sees its feedback), and every call it makes to the student's functions is
   written down as plain data: the arguments, what came back (numbers, numpy arrays saved
   without pickle, strings, lists, Keras models saved as ``.keras``), what it raised or
   warned, and every call the student's code made back into the check (a gradient
   function, a ``predict``);
2. in the trusted grader, by :func:`judge`: the same check code, imported fresh, runs
   against a stand-in for each student function that checks the check's arguments are
   the ones recorded, replays the recorded call-backs into the grader's own objects, and
   returns the recorded result. Whether the cell earns its points is decided there, so
   nothing the student's code did to its own process (patched checks, numpy, IPython
   transformers, a custom ``__eq__``) counts: a forged record either disagrees with the
   grader's inputs, or holds the right outputs, which is to have solved the exercise.

A new exercise needs nothing here: any check that takes the student's functions, calls
them and compares what they return is judged this way, provided the functions return
plain data or a Keras model (see :func:`encode_value`).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import dataclasses
import hashlib
import importlib
import io
import json
import math
import os
import random
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ["Codec", "ReplayError", "Unsupported", "course_function", "judge", "judge_cell",
           "names_in", "run_cell", "same_data", "seed_everything"]

# Set by the grader in the sandbox: where run_cell writes its records.
TRACE_DIR_ENV = "COURSE_TRACE_DIR"
HELPERS_DIR = Path(__file__).resolve().parent
# A record larger than this is not read (a submission filling the disk).
MAX_TRACE_BYTES = 512 * 2**20


class Unsupported(TypeError):
    """A value that cannot cross from the sandbox to the grader as plain data."""


class ReplayError(BaseException):
    """The check asked the student's function for something the record does not hold.

    A BaseException, so that a check's ``except Exception`` cannot take it for the
    student's own error (or for an error a check expects).
    """


def _keras_model_class():
    keras = sys.modules.get("keras")
    return keras.Model if keras is not None else None


def _is_model(value) -> bool:
    model_class = _keras_model_class()
    return model_class is not None and isinstance(value, model_class)


def _model_digest(model) -> str:
    """The weights of a Keras model argument, as a digest (identical loads, identical digest)."""
    h = hashlib.sha256(type(model).__name__.encode())
    for weight in model.weights:
        arr = np.asarray(weight.numpy() if hasattr(weight, "numpy") else weight)
        h.update(str(arr.shape).encode())
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


class Codec:
    """Turns values into JSON with numpy arrays and Keras models kept aside.

    ``folder`` is where models are saved (sandbox) or loaded from (grader); without it,
    values are only encoded in memory, to be compared.

    >>> codec = Codec()
    >>> codec.encode((1, [2.5, "a"], {"k": np.arange(3)}))
    {'t': [1, {'l': [2.5, 'a']}, {'d': [['k', {'a': 0}]]}]}
    >>> codec.arrays[0]
    array([0, 1, 2])
    """

    def __init__(self, folder: Path | None = None, arrays: list | None = None) -> None:
        self.folder = folder
        self.arrays: list[np.ndarray] = [] if arrays is None else arrays
        self.models = 0
        self._returned: dict[int, tuple[object, int]] = {}  # id -> (object kept alive, ref)
        self._loaded: dict[int, object] = {}

    # ------------------------------------------------------------------- encoding
    def _array(self, value) -> dict:
        arr = np.asarray(value)
        if arr.dtype.hasobject:
            raise Unsupported("an array of Python objects (dtype=object)")
        self.arrays.append(np.array(arr, copy=True))
        return {"a": len(self.arrays) - 1}

    def encode(self, value, *, callbacks: list | None = None, argument: bool = False):
        """``value`` as JSON; callables go into ``callbacks`` (arguments only)."""
        return self._encode(value, callbacks, argument, 0)

    def _encode(self, value, callbacks, argument: bool, depth: int):
        if depth > 20:
            raise Unsupported("a structure nested more than 20 levels deep")
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str):  # numpy's str_ too: as the plain str that JSON gives back
            return str(value)
        if isinstance(value, np.generic):
            if isinstance(value, np.object_):
                raise Unsupported("a numpy object scalar")
            self.arrays.append(np.asarray(value))
            return {"n": len(self.arrays) - 1}
        if isinstance(value, int):
            return {"i": str(int(value))} if abs(value) > 2**53 else int(value)
        if isinstance(value, float):
            return float(value) if math.isfinite(value) else {"f": repr(float(value))}
        if isinstance(value, np.ndarray):
            return self._array(value)
        if _is_model(value):
            return self._model(value, argument)
        if isinstance(value, np.random.Generator):
            return {"rng": json.loads(json.dumps(value.bit_generator.state, default=int))}
        def items(seq) -> list:
            return [self._encode(v, callbacks, argument, depth + 1) for v in seq]

        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return {"t": items(value)}
        if isinstance(value, list):
            return {"l": items(value)}
        if isinstance(value, (set, frozenset)):
            return {"s": items(sorted(value, key=repr))}
        if isinstance(value, dict):
            return {"d": [[self._encode(k, callbacks, argument, depth + 1),
                           self._encode(v, callbacks, argument, depth + 1)]
                          for k, v in value.items()]}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            if cls.__module__.split(".")[0] != "helpers":
                raise Unsupported(f"a {cls.__name__} (only the course's own dataclasses)")
            return {"dc": f"{cls.__module__}:{cls.__qualname__}",
                    "f": {f.name: self._encode(getattr(value, f.name), callbacks, argument,
                                               depth + 1)
                          for f in dataclasses.fields(value)}}
        if argument and callable(value) and callbacks is not None:
            callbacks.append(value)
            return {"c": len(callbacks) - 1}
        if hasattr(value, "__array__") and not isinstance(value, type):
            # A tensor (TensorFlow, JAX, a Keras variable): its values are what counts.
            try:
                return self._array(np.asarray(value))
            except Unsupported:
                raise
            except Exception as exc:
                raise Unsupported(f"a {type(value).__name__} ({exc})") from None
        if argument:  # the grader's own object, opaque: only its type is compared
            return {"o": type(value).__qualname__}
        raise Unsupported(f"a {type(value).__module__}.{type(value).__qualname__}")

    def _model(self, model, argument: bool) -> dict:
        if argument:
            return {"km": _model_digest(model)}
        if id(model) in self._returned:
            return {"same": self._returned[id(model)][1]}
        if self.folder is None:
            raise Unsupported("a Keras model outside a recorded run")
        self.models += 1
        path = self.folder / f"model_{self.models}.keras"
        try:
            model.save(path)
        except Exception as exc:
            raise Unsupported(f"a Keras model that cannot be saved as .keras ({exc}); build "
                              "it with the Sequential or Functional API") from None
        self._returned[id(model)] = (model, self.models)
        return {"m": self.models}

    # ------------------------------------------------------------------- decoding
    def decode(self, data, callbacks: list | None = None):
        """The value ``data`` stands for; ``callbacks`` replaces recorded callables."""
        if data is None or isinstance(data, (bool, str, int, float)):
            return data
        if isinstance(data, list):
            raise ValueError("malformed record: a bare list")
        if not isinstance(data, dict) or len(data) == 0:
            raise ValueError("malformed record")
        tag, body = next(iter(data.items()))
        if tag == "i":
            return int(body)
        if tag == "f":
            return float(body)
        if tag == "a":
            return self.arrays[int(body)].copy()
        if tag == "n":
            return self.arrays[int(body)][()]
        if tag in ("t", "l", "s"):
            values = [self.decode(v, callbacks) for v in body]
            return {"t": tuple, "l": list, "s": set}[tag](values)
        if tag == "d":
            return {self._key(self.decode(k, callbacks)): self.decode(v, callbacks)
                    for k, v in body}
        if tag in ("m", "same"):
            return self._load_model(int(body))
        if tag == "dc":
            return self._dataclass(body, data.get("f", {}), callbacks)
        if tag == "c" and callbacks is not None:
            return callbacks[int(body)]
        if tag == "rng":
            gen = np.random.Generator(getattr(np.random, body["bit_generator"])())
            gen.bit_generator.state = body
            return gen
        raise ValueError(f"malformed record: unknown tag {tag!r}")

    @staticmethod
    def _key(key):
        return tuple(key) if isinstance(key, list) else key

    def _load_model(self, number: int):
        if number not in self._loaded:
            import keras

            path = self.folder / f"model_{number}.keras"
            # safe_mode refuses Lambda layers and other code inside the file.
            self._loaded[number] = keras.saving.load_model(path, safe_mode=True, compile=False)
        return self._loaded[number]

    def _dataclass(self, where: str, fields: dict, callbacks):
        module_name, _, qualname = where.partition(":")
        if module_name.split(".")[0] != "helpers":
            raise ValueError(f"malformed record: {where} is not a course class")
        cls = getattr(importlib.import_module(module_name), qualname)
        if not dataclasses.is_dataclass(cls):
            raise ValueError(f"malformed record: {where} is not a dataclass")
        return cls(**{k: self.decode(v, callbacks) for k, v in fields.items()})


def same_data(a, b, arrays_a: list, arrays_b: list) -> bool:
    """Whether two encodings hold the same values (floats to a relative 1e-6).

    >>> same_data({"t": [1, 2.0]}, {"t": [1, 2.0000000001]}, [], [])
    True
    """
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        if "a" in a or "n" in a:
            key = "a" if "a" in a else "n"
            x, y = arrays_a[int(a[key])], arrays_b[int(b[key])]
            if x.shape != y.shape:
                return False
            if x.dtype.kind in "fc" or y.dtype.kind in "fc":
                return bool(np.allclose(x, y, rtol=1e-6, atol=1e-12, equal_nan=True))
            return bool(np.array_equal(x, y))
        return all(same_data(a[k], b[k], arrays_a, arrays_b) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_data(x, y, arrays_a, arrays_b)
                                        for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and not isinstance(a, bool) and not isinstance(b, bool)
                and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12))
    return type(a) is type(b) and a == b


def _describe_exception(exc: BaseException) -> list[str]:
    return [type(exc).__name__, str(exc)[:2000]]


def _rebuild_exception(kind: str, message: str) -> BaseException:
    cls = getattr(builtins, kind, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(message)
        except Exception:  # an exception class with another signature
            pass
    return RuntimeError(f"{kind}: {message}")


def course_function(obj) -> str | None:
    """The name of the course function ``obj`` is (or wraps, or copies the code of), if any.

    >>> from helpers import scratch
    >>> course_function(scratch.sigmoid)
    'helpers.scratch.sigmoid'
    >>> course_function(lambda z: z) is None
    True
    """
    seen = 0
    while seen < 10:
        seen += 1
        inner = getattr(obj, "func", None) or getattr(obj, "__wrapped__", None)
        if inner is None or inner is obj:
            break
        obj = inner
    obj = getattr(obj, "__func__", obj)
    code = getattr(obj, "__code__", None)
    filename = getattr(code, "co_filename", "")
    if not filename:
        return None
    try:
        inside = Path(filename).resolve().is_relative_to(HELPERS_DIR)
    except (OSError, ValueError):
        return None
    if not inside:
        return None
    module = Path(filename).resolve().relative_to(HELPERS_DIR).with_suffix("")
    dotted = ".".join(("helpers", *module.parts)).removesuffix(".__init__")
    return f"{dotted}.{code.co_qualname if hasattr(code, 'co_qualname') else code.co_name}"


# --------------------------------------------------------------------------- sandbox side

class _Trace:
    """Every call a check makes to the student's functions, in order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.codec = Codec(folder)
        self.calls: list[dict] = []
        self.names: dict[str, str] = {}
        self.references: dict[str, str] = {}
        self.problems: list[str] = []

    def save(self) -> None:
        np.savez(self.folder / "arrays.npz",
                 **{f"a{i}": arr for i, arr in enumerate(self.codec.arrays)})
        record = {"calls": self.calls, "names": self.names, "references": self.references,
                  "problems": self.problems}
        (self.folder / "trace.json").write_text(json.dumps(record), encoding="utf-8")


class _Recorder:
    """Stands for a student's function while a check calls it, and writes each call down."""

    def __init__(self, trace: _Trace, name: str, fn: Callable) -> None:
        self._trace, self._name, self._fn = trace, name, fn
        self.__name__ = getattr(fn, "__name__", name)
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *args, **kwargs):
        trace, codec = self._trace, self._trace.codec
        entry: dict = {"name": self._name, "callbacks": [], "warnings": [], "mutated": []}
        trace.calls.append(entry)
        callbacks: list = []
        try:
            entry["args"] = codec.encode(list(args), callbacks=callbacks, argument=True)
            entry["kwargs"] = codec.encode(dict(kwargs), callbacks=callbacks, argument=True)
        except Unsupported as exc:
            entry["unsupported"] = f"an argument is {exc}"
        wrapped = {id(cb): _CallbackRecorder(entry, codec, i, cb)
                   for i, cb in enumerate(callbacks)}
        call_args = _swap(list(args), wrapped)
        call_kwargs = _swap(dict(kwargs), wrapped)
        before = [(i, a.copy()) for i, a in enumerate(args) if isinstance(a, np.ndarray)]
        generators = [(i, a) for i, a in enumerate(args) if isinstance(a, np.random.Generator)]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = self._fn(*call_args, **call_kwargs)
            except BaseException as exc:
                entry["exc"] = _describe_exception(exc)
                raise
            finally:
                entry["warnings"] = [[w.category.__name__, str(w.message)[:500]]
                                     for w in caught]
                for w in caught:  # the check's own catch_warnings must see them too
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
                for i, old in before:
                    if not _unchanged(old, call_args[i]):
                        entry["mutated"].append([i, codec.encode(call_args[i])])
                # A generator the student drew from moves on: the grader's must too.
                for i, generator in generators:
                    entry["mutated"].append([i, codec.encode(generator)])
        try:
            entry["ret"] = codec.encode(result)
        except Unsupported as exc:
            entry["unsupported"] = f"it returned {exc}"
        return result


class _CallbackRecorder:
    """A check's own callable as the student's code sees it: every call is written down."""

    def __init__(self, entry: dict, codec: Codec, index: int, fn: Callable) -> None:
        self._entry, self._codec, self._index, self._fn = entry, codec, index, fn

    def __getattr__(self, name):  # e.g. a predict function's attributes
        return getattr(self._fn, name)

    def __call__(self, *args, **kwargs):
        call: dict = {"cb": self._index}
        self._entry["callbacks"].append(call)
        try:
            call["args"] = self._codec.encode(list(args))
            call["kwargs"] = self._codec.encode(dict(kwargs))
        except Unsupported as exc:
            call["unsupported"] = f"an argument is {exc}"
        try:
            result = self._fn(*args, **kwargs)
        except Exception as exc:
            call["exc"] = _describe_exception(exc)
            raise
        with contextlib.suppress(Unsupported):
            call["ret"] = self._codec.encode(result)
        return result


def _unchanged(old: np.ndarray, new) -> bool:
    """Whether an argument array still holds what it held (NaN equal to NaN, any dtype)."""
    if not isinstance(new, np.ndarray) or old.shape != new.shape or old.dtype != new.dtype:
        return False
    return bool(np.array_equal(old, new, equal_nan=old.dtype.kind in "fc"))


def _swap(value, wrapped: dict):
    """``value`` with the callables that were recorded replaced by their recorders."""
    if id(value) in wrapped:
        return wrapped[id(value)]
    if isinstance(value, list):
        return [_swap(v, wrapped) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_swap(v, wrapped) for v in value)
    if isinstance(value, dict):
        return {k: _swap(v, wrapped) for k, v in value.items()}
    return value


def seed_everything(grade_id: str) -> None:
    """The same random state before a check, in the student's kernel and in the grader."""
    seed = int(hashlib.sha256(grade_id.encode()).hexdigest()[:8], 16)
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)


def run_cell(grade_id: str, source: str, names: list[str], namespace: dict) -> None:
    """Run a test cell's ``source`` in ``namespace``, recording the calls to ``names``.

    What the grader puts in place of each graded test cell of a submission. Outside a
    grading run (no ``COURSE_TRACE_DIR``) it simply runs the cell.
    """
    folder = os.environ.get(TRACE_DIR_ENV)
    if not folder:
        exec(compile(source, f"<{grade_id}>", "exec"), namespace)
        return
    trace = _Trace(Path(folder) / grade_id)
    local = dict(namespace)
    for name in names:
        if name not in namespace:
            continue  # the check itself says that it is missing
        value = namespace[name]
        trace.names[name] = str(getattr(value, "__name__", name))
        reference = course_function(value)
        if reference:
            trace.references[name] = reference
        if callable(value) and not isinstance(value, type):
            local[name] = _Recorder(trace, name, value)
    seed_everything(grade_id)
    try:
        exec(compile(source, f"<{grade_id}>", "exec"), local)
    finally:
        trace.save()


# --------------------------------------------------------------------------- grader side

def load_trace(folder: Path) -> tuple[dict, Codec]:
    """A recorded cell: its JSON and the codec that decodes its arrays and models."""
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    if size > MAX_TRACE_BYTES:
        raise ValueError(f"the record is {size // 2**20} MB, over the grader's limit")
    record = json.loads((folder / "trace.json").read_text(encoding="utf-8"))
    if not isinstance(record, dict) or not isinstance(record.get("calls"), list):
        raise ValueError("malformed record")
    with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
        arrays = [npz[f"a{i}"] for i in range(len(npz.files))]
    return record, Codec(folder, arrays)


class _Replay:
    def __init__(self, record: dict, codec: Codec) -> None:
        self.calls, self.codec = record["calls"], codec
        self.position = 0
        self.problem: str | None = None

    def fail(self, message: str) -> ReplayError:
        self.problem = self.problem or message
        return ReplayError(message)

    def call(self, name: str, args: tuple, kwargs: dict):
        if self.position >= len(self.calls):
            raise self.fail(f"the check called {name} more often than it did in your "
                            "notebook: the check did not finish there (it was stopped, the "
                            "kernel died, or the check was changed)")
        entry = self.calls[self.position]
        self.position += 1
        if not isinstance(entry, dict) or entry.get("name") != name:
            raise self.fail(f"the record of your notebook's run does not match the check "
                            f"(expected a call of {name})")
        if "unsupported" in entry:
            raise self.fail(f"{name}: {entry['unsupported']}, which the grader cannot judge; "
                            "return numbers, numpy arrays, strings, lists, tuples, dicts or a "
                            "Keras model (Sequential or Functional)")
        mine = Codec()
        callbacks: list = []
        got = (mine.encode(list(args), callbacks=callbacks, argument=True),
               mine.encode(dict(kwargs), callbacks=callbacks, argument=True))
        if not (same_data(entry.get("args"), got[0], self.codec.arrays, mine.arrays)
                and same_data(entry.get("kwargs"), got[1], self.codec.arrays, mine.arrays)):
            raise self.fail(f"the check gave {name} other inputs in your notebook than in the "
                            "grader (was the check changed?)")
        for call in entry.get("callbacks", []):
            self._callback(name, call, callbacks)
        for kind, message in entry.get("warnings", []):
            category = getattr(builtins, str(kind), None)
            if not (isinstance(category, type) and issubclass(category, Warning)):
                category = UserWarning
            warnings.warn(str(message), category, stacklevel=3)
        for index, value in entry.get("mutated", []):
            target = args[int(index)]
            new = self.codec.decode(value)
            if isinstance(target, np.ndarray) and np.shape(new) == target.shape:
                np.copyto(target, new, casting="unsafe")
            elif isinstance(target, np.random.Generator) and isinstance(new, np.random.Generator):
                target.bit_generator.state = new.bit_generator.state
        if entry.get("exc"):
            kind, message = entry["exc"]
            raise _rebuild_exception(str(kind), str(message))
        if "ret" not in entry:
            raise self.fail(f"the record of the call of {name} is incomplete")
        return self.codec.decode(entry["ret"])

    def _callback(self, name: str, call: dict, callbacks: list) -> None:
        if "unsupported" in call or not 0 <= int(call.get("cb", -1)) < len(callbacks):
            raise self.fail(f"{name} called the check's function with {call.get('unsupported')}")
        fn = callbacks[int(call["cb"])]
        args = self.codec.decode(call["args"])
        kwargs = self.codec.decode(call["kwargs"])
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            if call.get("exc") and call["exc"][0] == type(exc).__name__:
                return
            raise self.fail(f"{name} called the check's function, which raised "
                            f"{type(exc).__name__} in the grader but not in your notebook"
                            ) from None
        if call.get("exc"):
            raise self.fail(f"{name}: the check's function raised in your notebook only")
        mine = Codec()
        try:
            encoded = mine.encode(result)
        except Unsupported:
            return
        if "ret" in call and not same_data(call["ret"], encoded, self.codec.arrays, mine.arrays):
            raise self.fail(f"{name}: the check's function returned other values in your "
                            "notebook than in the grader (was it changed?)")


class _Stand:
    """What the check receives in place of a student's function: the recorded answers."""

    def __init__(self, replay: _Replay, name: str, shown: str) -> None:
        self._replay, self._name = replay, name
        self.__name__ = shown if shown.isidentifier() else name

    def __call__(self, *args, **kwargs):
        return self._replay.call(self._name, args, kwargs)


def names_in(source: str) -> set[str]:
    """The global names a cell's code reads.

    >>> sorted(names_in("check.sigmoid(my_sigmoid, hidden=True)"))
    ['check', 'my_sigmoid']
    """
    return {node.id for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def judge_cell(grade_id: str, source: str, names: list[str], imports: dict,
               folder: Path) -> tuple[bool, str]:
    """Run a trusted test cell against the record of a submission; (passed, message)."""
    from helpers.checks import CheckFailed

    if not (folder / "trace.json").exists():
        return False, "the check did not run in your notebook (an earlier error, a " \
                      "timeout, or the kernel died)"
    try:
        record, codec = load_trace(folder)
    except (OSError, ValueError, KeyError) as exc:
        return False, f"the record of your notebook's run is unreadable ({exc})"
    references = record.get("references") or {}
    for name in names:
        if name in references:
            return False, (f"{name} is the course's own {references[name]}, not your code: "
                           "the exercise asks you to write it")
    replay = _Replay(record, codec)
    namespace = dict(imports)
    shown = record.get("names") or {}
    for name in names:
        namespace[name] = _Stand(replay, name, str(shown.get(name, name)))
    seed_everything(grade_id)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            exec(compile(source, f"<{grade_id}>", "exec"), namespace)
    except ReplayError as exc:
        return False, str(replay.problem or exc)
    except CheckFailed as exc:
        return False, f"CheckFailed: {exc}"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {str(exc)[:2000]}"
    if replay.problem:
        return False, replay.problem
    if replay.position < len(replay.calls):
        return False, ("your notebook's run called your function more often than the check "
                       "does (was the check changed?)")
    return True, out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else ""


def judge(spec: dict) -> dict:
    """Judge every graded cell of one submission: {grade_id: {"passed", "message"}}."""
    imports: dict = {}
    exec(compile(spec["imports"], "<imports>", "exec"), imports)
    results = {}
    for cell in spec["cells"]:
        try:
            passed, message = judge_cell(cell["grade_id"], cell["source"], cell["names"],
                                         imports, Path(spec["trace_dir"]) / cell["grade_id"])
        except ReplayError as exc:
            passed, message = False, str(exc)
        except Exception as exc:  # the grader's own failure on this record: no points
            passed, message = False, f"could not be judged: {type(exc).__name__}: {exc!s:.300}"
        results[cell["grade_id"]] = {"passed": passed, "message": message}
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.trace judge SPEC.json``: print the verdicts as JSON."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "judge":
        print("usage: python -m helpers.trace judge SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    stdout = sys.stdout
    sys.stdout = sys.stderr  # only the verdicts go to stdout
    try:
        results = judge(spec)
    finally:
        sys.stdout = stdout
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
