"""helpers.setup and helpers.record."""

from __future__ import annotations

import json
import random
import re
import stat

import keras
import numpy as np
import pytest
import tensorflow as tf

import helpers


@pytest.fixture(autouse=True)
def fresh_records(monkeypatch):
    monkeypatch.setattr(helpers, "_RECORDS", {})
    monkeypatch.setattr(helpers.claims, "_CLAIMS", {})


# ----------------------------------------------------------------------------------- setup


def test_setup_prints_versions_and_data_tier(capsys):
    helpers.setup()
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    versions, tier = lines
    assert f"numpy {np.__version__}" in versions
    assert f"keras {keras.__version__}" in versions
    assert f"tensorflow {tf.__version__}" in versions
    assert "backend tensorflow" in versions and versions.startswith("Python 3.")
    assert tier.startswith("data: ") and "COURSE_OFFLINE=1" in tier  # conftest: offline


def test_setup_reports_the_canonical_tier(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(tmp_path))
    helpers.setup()
    tier = capsys.readouterr().out.strip().splitlines()[-1]
    assert "canonical" in tier and str(tmp_path) in tier


def _draws():
    return (random.random(), np.random.rand(3),
            keras.random.normal((3,)).numpy(),
            keras.random.uniform((2,)).numpy(),
            tf.random.uniform((2,)).numpy())


def _weights_after_setup(seed: int) -> np.ndarray:
    helpers.setup(seed)
    layer = keras.layers.Dense(3)
    layer.build((None, 2))
    return layer.kernel.numpy()


def test_setup_seeds_reproducibly(capsys):
    helpers.setup(seed=7)
    first = _draws()
    helpers.setup(seed=7)
    second = _draws()
    helpers.setup(seed=8)
    other = _draws()
    for a, b, c in zip(first, second, other, strict=True):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)
    # Keras' weight initialisation follows the seed too.
    np.testing.assert_array_equal(_weights_after_setup(3), _weights_after_setup(3))
    assert not np.array_equal(_weights_after_setup(3), _weights_after_setup(4))


def test_setup_sets_the_plot_style(capsys):
    import matplotlib as mpl

    mpl.rcParams["axes.grid"] = False
    helpers.setup()
    assert mpl.rcParams["axes.grid"] is True
    assert tuple(mpl.rcParams["figure.figsize"]) == (6.0, 4.0)


@pytest.mark.parametrize("bad", [-1, 1.5, "0", None, True, 2**32, [1]])
def test_setup_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match=r"seed.*" + re.escape(repr(bad))):
        helpers.setup(seed=bad)


def test_setup_accepts_numpy_integers(capsys):
    helpers.setup(np.int64(5))
    a = np.random.rand()
    helpers.setup(5)
    assert np.random.rand() == a


# ---------------------------------------------------------------------------------- record


def test_record_prints_and_returns(capsys):
    # None: a notebook cell ending in record(...) must not echo the value a second time.
    assert helpers.record("test_accuracy", 0.91234) is None
    helpers.record("epochs", 3)
    helpers.record("optimizer", "adam")
    assert capsys.readouterr().out.splitlines() == [
        "recorded test_accuracy = 0.9123", "recorded epochs = 3", "recorded optimizer = adam"]
    assert helpers.recorded() == {"test_accuracy": 0.91234, "epochs": 3, "optimizer": "adam"}
    helpers.recorded()["epochs"] = 99  # a copy: changing it changes nothing
    assert helpers.recorded()["epochs"] == 3


def test_record_without_sidecar_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    helpers.record("x", 1)
    assert list(tmp_path.iterdir()) == []


def test_record_writes_the_json_sidecar(tmp_path, monkeypatch, capsys):
    sidecar = tmp_path / "build" / "01_neuron.records.json"
    monkeypatch.setenv("COURSE_RECORD_FILE", str(sidecar))
    helpers.record("loss", np.float32(0.25))
    helpers.record("count", np.int64(12))
    helpers.record("tensor", tf.constant(0.5))
    helpers.record("mean", np.mean([1.0, 2.0]))

    content = json.loads(sidecar.read_text())
    assert content == {"loss": 0.25, "count": 12, "tensor": 0.5, "mean": 1.5}
    assert isinstance(content["count"], int)
    assert type(helpers.recorded()["loss"]) is float  # numpy scalars become Python numbers
    assert type(helpers.recorded()["count"]) is int
    assert [p.name for p in sidecar.parent.iterdir()] == [sidecar.name]  # no temp files
    assert sidecar.stat().st_mode & stat.S_IROTH  # readable by the CI user, like any output


def test_record_replaces_the_sidecar_atomically(tmp_path, monkeypatch, capsys):
    sidecar = tmp_path / "records.json"
    monkeypatch.setenv("COURSE_RECORD_FILE", str(sidecar))
    helpers.record("first", 1)
    before = sidecar.read_text()

    def failing_dump(obj, handle, **kwargs):
        handle.write('{"first": 1, "sec')  # half written, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(helpers.json, "dump", failing_dump)
    with pytest.raises(OSError, match="No space"):
        helpers.record("second", 2)

    assert sidecar.read_text() == before  # the old file, whole
    assert json.loads(before) == {"first": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["records.json"]  # temp file removed


@pytest.mark.parametrize(("value", "error", "pattern"), [
    (float("nan"), ValueError, "non-finite.*nan"),
    (np.float64("inf"), ValueError, "non-finite.*inf"),
    ([0.9, 0.8], TypeError, "list"),
    (np.array([0.9, 0.8]), TypeError, "ndarray"),
    (None, TypeError, "NoneType"),
    (True, TypeError, "bool"),
    ({"a": 1}, TypeError, "dict"),
])
def test_record_rejects_bad_values(value, error, pattern, tmp_path, monkeypatch):
    sidecar = tmp_path / "records.json"
    monkeypatch.setenv("COURSE_RECORD_FILE", str(sidecar))
    with pytest.raises(error, match=pattern) as info:
        helpers.record("acc", value)
    assert "'acc'" in str(info.value)  # says which record
    assert helpers.recorded() == {} and not sidecar.exists()


@pytest.mark.parametrize("name", ["", "test accuracy", "2nd", "acc-1", 3, None])
def test_record_rejects_bad_names(name):
    with pytest.raises(ValueError, match="name.*" + re.escape(repr(name))):
        helpers.record(name, 1.0)
    assert helpers.recorded() == {}
