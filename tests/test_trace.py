"""helpers.trace: a check's calls recorded in one process and judged again in another.

Each test records a check against a student's function (as the sandboxed kernel does),
then judges the record with fresh stand-ins (as the trusted grader does).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from helpers import scratch, trace
from helpers.checks import CheckFailed, compare_function
from helpers.checks import neuron as neuron_checks
from helpers.checks import text as text_checks

IMPORTS = {"check": neuron_checks, "np": np, "compare_function": compare_function}


def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def record(tmp_path: Path, monkeypatch, grade_id: str, source: str, **student) -> Path:
    """Run ``source`` as the sandbox would; return the folder of its record."""
    monkeypatch.setenv(trace.TRACE_DIR_ENV, str(tmp_path))
    namespace = {**IMPORTS, **student}
    try:
        trace.run_cell(grade_id, source, sorted(student), namespace)
    except (CheckFailed, ValueError, TypeError):
        pass  # the student saw the failure; the record is written all the same
    monkeypatch.delenv(trace.TRACE_DIR_ENV)
    return tmp_path / grade_id


def judge(folder: Path, source: str, names: list[str]) -> tuple[bool, str]:
    return trace.judge_cell(folder.name, source, names, dict(IMPORTS), folder)


def test_a_right_answer_passes_in_the_judge_too(tmp_path, monkeypatch):
    source = "check.sigmoid(my_sigmoid)\ncheck.sigmoid(my_sigmoid, hidden=True)"
    folder = record(tmp_path, monkeypatch, "s", source, my_sigmoid=stable_sigmoid)
    assert judge(folder, source, ["my_sigmoid"]) == (True, "✔ stable_sigmoid: correct "
                                                           "(10 cases).")


def test_a_wrong_answer_fails_with_the_check_message(tmp_path, monkeypatch):
    source = "check.sigmoid(my_sigmoid)"
    folder = record(tmp_path, monkeypatch, "s", source,
                    my_sigmoid=lambda z: np.asarray(z, dtype=float))
    passed, message = judge(folder, source, ["my_sigmoid"])
    assert not passed and message.startswith("CheckFailed:") and "Hint:" in message


def test_callbacks_and_their_arguments_are_replayed(tmp_path, monkeypatch):
    def my_train(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
        rng, w, b = np.random.default_rng(seed), np.zeros(x.shape[1]), 0.0
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), batch_size):
                batch = order[start:start + batch_size]
                dw, db = grad_fn(x[batch], y[batch], w, b)
                w, b = w - lr * dw, b - lr * db
        return w, b

    source = "check.train(my_train)"
    folder = record(tmp_path, monkeypatch, "t", source, my_train=my_train)
    passed, message = judge(folder, source, ["my_train"])
    assert passed, message


def test_a_forged_record_is_caught(tmp_path, monkeypatch):
    source = "check.sigmoid(my_sigmoid)"
    folder = record(tmp_path, monkeypatch, "s", source, my_sigmoid=stable_sigmoid)
    data = json.loads((folder / "trace.json").read_text())
    for entry in data["calls"]:  # claim every call was asked about the first input
        entry["args"] = data["calls"][0]["args"]
    (folder / "trace.json").write_text(json.dumps(data))
    passed, message = judge(folder, source, ["my_sigmoid"])
    assert not passed and "other inputs" in message


def test_a_missing_record_scores_nothing(tmp_path):
    passed, message = judge(tmp_path / "nothing", "check.sigmoid(my_sigmoid)", ["my_sigmoid"])
    assert not passed and "did not run" in message


def test_a_record_cut_short_scores_nothing(tmp_path, monkeypatch):
    source = "check.sigmoid(my_sigmoid)"
    folder = record(tmp_path, monkeypatch, "s", source, my_sigmoid=stable_sigmoid)
    data = json.loads((folder / "trace.json").read_text())
    data["calls"] = data["calls"][:2]
    (folder / "trace.json").write_text(json.dumps(data))
    passed, message = judge(folder, source, ["my_sigmoid"])
    assert not passed and "did not finish" in message


def test_the_course_reference_scores_nothing(tmp_path, monkeypatch):
    source = "check.sigmoid(my_sigmoid)"
    folder = record(tmp_path, monkeypatch, "s", source, my_sigmoid=scratch.sigmoid)
    passed, message = judge(folder, source, ["my_sigmoid"])
    assert not passed and "helpers.scratch.sigmoid" in message


def test_an_object_that_equals_everything_cannot_cross(tmp_path, monkeypatch):
    class Anything:
        def __eq__(self, other):
            return True

    source = "compare_function(my_fn, np.square, [(np.arange(3.0),)], 'my_fn')"
    folder = record(tmp_path, monkeypatch, "e", source, my_fn=lambda x: Anything())
    passed, message = judge(folder, source, ["my_fn"])
    assert not passed and "cannot judge" in message


def test_exceptions_and_warnings_are_replayed():
    codec = trace.Codec()
    assert codec.decode(codec.encode({"k": (1, 2.5, None, "s")})) == {"k": (1, 2.5, None, "s")}
    error = trace._rebuild_exception("KeyError", "'word'")
    assert isinstance(error, KeyError)
    assert isinstance(trace._rebuild_exception("CheckFailed", "x"), RuntimeError)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        replay = trace._Replay({"calls": [{"name": "f", "args": {"l": []},
                                           "kwargs": {"d": []}, "callbacks": [],
                                           "warnings": [["RuntimeWarning", "overflow"]],
                                           "mutated": [], "ret": 1.0}]}, trace.Codec())
        assert replay.call("f", (), {}) == 1.0
    assert [w.category for w in caught] == [RuntimeWarning]


def test_keras_models_cross_as_keras_files(tmp_path, monkeypatch):
    import keras

    def build():
        inputs = keras.Input(shape=(2,))
        return keras.Model(inputs, keras.layers.Dense(1)(inputs))

    def spec(build):
        model = build()
        assert build() is not model
        assert model.count_params() == 3, model.count_params()
        print("✔ ok")

    monkeypatch.setenv(trace.TRACE_DIR_ENV, str(tmp_path))
    trace.run_cell("m", "spec(build)", ["build"], {"spec": spec, "build": build})
    monkeypatch.delenv(trace.TRACE_DIR_ENV)
    assert sorted(p.suffix for p in (tmp_path / "m").iterdir()) == [".json", ".keras",
                                                                     ".keras", ".npz"]
    assert trace.judge_cell("m", "spec(build)", ["build"], {"spec": spec}, tmp_path / "m") \
        == (True, "✔ ok")


def test_a_lambda_layer_is_refused_by_safe_mode(tmp_path, monkeypatch):
    import keras

    def build():
        inputs = keras.Input(shape=(2,))
        return keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2)(inputs))

    def spec(build):
        build()

    monkeypatch.setenv(trace.TRACE_DIR_ENV, str(tmp_path))
    trace.run_cell("m", "spec(build)", ["build"], {"spec": spec, "build": build})
    monkeypatch.delenv(trace.TRACE_DIR_ENV)
    passed, message = trace.judge_cell("m", "spec(build)", ["build"], {"spec": spec},
                                       tmp_path / "m")
    assert not passed


@pytest.mark.parametrize("value", [np.arange(4).reshape(2, 2), np.float32(1.5), {1, 2},
                                   [("a", 1)], {"x": [np.ones(2)]}, 2**70, float("nan")])
def test_values_survive_the_trip(value):
    codec = trace.Codec()
    encoded = json.loads(json.dumps(codec.encode(value)))
    back = codec.decode(encoded)
    again = trace.Codec()
    assert trace.same_data(encoded, again.encode(back), codec.arrays, again.arrays)
    assert type(back) is type(value)


def test_string_arrays_and_changed_arguments_are_recorded(tmp_path, monkeypatch):
    def purity(labels, clusters):
        labels[0] = "z"  # changes its input: the judge sees the change too
        return 0.5

    def spec(fn):
        labels = np.array(["a", "b"])
        assert fn(labels, np.array([1, 1])) == 0.5
        assert labels[0] == "z"
        print("✔ recorded")

    monkeypatch.setenv(trace.TRACE_DIR_ENV, str(tmp_path))
    trace.run_cell("p", "spec(fn)", ["fn"], {"spec": spec, "fn": purity})
    monkeypatch.delenv(trace.TRACE_DIR_ENV)
    assert trace.judge_cell("p", "spec(fn)", ["fn"], {"spec": spec}, tmp_path / "p") == \
        (True, "✔ recorded")


def test_a_random_generator_the_student_draws_from_moves_on_in_the_judge_too(tmp_path,
                                                                            monkeypatch):
    def sample(rng):
        return int(rng.integers(0, 1000))

    def spec(fn):
        rng = np.random.default_rng(0)
        draws = [fn(rng) for _ in range(3)]  # each call gets the generator where it is
        assert draws == [int(d) for d in np.random.default_rng(0).integers(0, 1000, 3)]
        print("✔ drawn")

    monkeypatch.setenv(trace.TRACE_DIR_ENV, str(tmp_path))
    trace.run_cell("g", "spec(fn)", ["fn"], {"spec": spec, "fn": sample})
    monkeypatch.delenv(trace.TRACE_DIR_ENV)
    assert trace.judge_cell("g", "spec(fn)", ["fn"], {"spec": spec}, tmp_path / "g") == \
        (True, "✔ drawn")


def test_numpy_strings_in_the_arguments_are_judged_as_plain_strings(tmp_path, monkeypatch):
    """A check may pass numpy's str_ (from np.array of words); the record holds plain str."""
    source = "check.embedding_matrix(my_table)"
    words = list(np.array(["film", "good"]))  # np.str_ elements

    def my_table(vocabulary, learned, vectors, initial):
        assert words == ["film", "good"]
        table = np.array(initial, dtype=float)
        for i, word in enumerate(vocabulary):
            if word in learned:
                table[i] = vectors[list(learned).index(word)]
        return table

    monkeypatch.setenv(trace.TRACE_DIR_ENV, str(tmp_path))
    namespace = {"check": text_checks, "np": np, "my_table": my_table}
    trace.run_cell("t", source, ["my_table"], namespace)
    monkeypatch.delenv(trace.TRACE_DIR_ENV)
    ok, message = trace.judge_cell("t", source, ["my_table"], {"check": text_checks, "np": np},
                                   tmp_path / "t")
    assert ok, message
    codec = trace.Codec()
    assert type(codec.encode([np.str_("a")])["l"][0]) is str
