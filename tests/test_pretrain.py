"""The course backbone (helpers.pretrain) and the pretrained-weights registry of helpers.data.

The committed backbone must verify, load and still be the model its record describes;
MobileNet's canonical file must verify from COURSE_DATA_PATH and from a download, and a
corrupted copy must be refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

from helpers import data, pretrain
from helpers.data import DataError, Source

ROOT = Path(__file__).resolve().parents[1]
ASSET = ROOT / "helpers" / "assets" / pretrain.MODEL_FILE
RECORD = ROOT / "helpers" / "assets" / pretrain.META_FILE
MOBILENET = "keras-models/mobilenet_2_5_224_tf_no_top.h5"


@pytest.fixture
def canonical(canonical_datasets, monkeypatch):
    """The canonical tier: COURSE_DATA_PATH at the shared files, offline mode off."""
    monkeypatch.setenv("COURSE_DATA_PATH", str(canonical_datasets))
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    return canonical_datasets


# ---------------------------------------------------------------------- the architecture


def test_backbone_layers_shapes_and_size():
    model = pretrain.build_backbone()
    names = [layer.name for layer in model.layers]
    assert names == ["image", "rescale", "conv1", "pool1", "conv2", "pool2", "conv3", "pool3",
                     "features", "dropout", "predictions"]
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)
    assert model.get_layer("features").output.shape == (None, 576)
    # 3x3 convolutions 1->32->64->64, then 576 x 10 + 10
    assert model.count_params() == 320 + 18_496 + 36_928 + 5_770
    assert pretrain.build_backbone(3).output_shape == (None, 3)


def test_backbone_takes_pixel_values_0_to_255():
    model = pretrain.build_backbone()
    x = np.random.default_rng(0).uniform(0, 255, size=(2, 28, 28, 1)).astype("float32")
    rescaled = keras.Model(model.input, model.get_layer("rescale").output)(x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(rescaled), x / 255.0, rtol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)).sum(axis=1), 1.0,
                               rtol=1e-5)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_classes": 1}, "n_classes"),
    ({"n_classes": 2.0}, "n_classes"),
    ({"n_classes": True}, "n_classes"),
    ({"input_shape": (28, 28)}, "input_shape"),
    ({"input_shape": (4, 4, 1)}, "input_shape"),
    ({"dropout": 1.0}, "dropout"),
])
def test_backbone_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pretrain.build_backbone(**kwargs)


def test_feature_extractor_shares_the_weights():
    model = pretrain.build_backbone()
    extractor = pretrain.feature_extractor(model)
    assert extractor.output_shape == (None, 576)
    assert {id(v) for v in extractor.weights} <= {id(v) for v in model.weights}
    conv = pretrain.feature_extractor(model, "conv1")
    assert conv.output_shape == (None, 28, 28, 32)
    with pytest.raises(ValueError, match="no layer 'penultimate'.*features"):
        pretrain.feature_extractor(model, "penultimate")


# ---------------------------------------------------------------- saving and its record


def test_save_writes_a_portable_model_and_its_record(tmp_path):
    model = pretrain.build_backbone()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(1).uniform(0, 255, size=(16, 28, 28, 1)).astype("float32")
    model.fit(x, np.arange(16) % 10, epochs=1, verbose=0)  # Adam now has state to (not) save
    metrics = {"test_accuracy": 0.5}
    model_path, meta_path = pretrain.save(model, metrics, tmp_path, command="python -m x")
    record = json.loads(meta_path.read_text())
    assert record["sha256"] == data.sha256_of(model_path)
    assert record["bytes"] == model_path.stat().st_size
    assert record["metrics"] == metrics and record["rebuild"] == "python -m x"
    assert record["features_layer"] == "features"
    assert {"python", "numpy", "keras", "tensorflow"} <= set(record["versions"])
    with zipfile.ZipFile(model_path) as archive:
        config = archive.read("config.json").decode()
        assert "input_axes" not in config and "output_axes" not in config
        assert "optimizer" not in "".join(archive.namelist())
    loaded = keras.models.load_model(model_path, compile=False)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_only_newer_keys_at_their_default_are_dropped():
    config = {"a": {"input_axes": None, "output_axes": [1], "seed": None},
              "b": [{"input_axes": None}, 3]}
    assert pretrain._without_newer_defaults(config) == {
        "a": {"output_axes": [1], "seed": None}, "b": [{}, 3]}


def test_train_refuses_the_stand_in():
    # conftest makes every test offline: Fashion-MNIST is then only its digits stand-in.
    with pytest.raises(DataError, match="pretrained on Fashion-MNIST"):
        pretrain.train(epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        pretrain.train(epochs=0)


@pytest.mark.slow
def test_command_line_trains_and_writes_both_files(canonical, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-m", "helpers.pretrain", "--epochs", "1", "--n-train", "300",
         "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((out / pretrain.META_FILE).read_text())
    assert record["sha256"] == data.sha256_of(out / pretrain.MODEL_FILE)
    assert record["metrics"]["n_train"] == 300 and record["metrics"]["epochs"] == 1
    assert record["rebuild"].startswith("python -m helpers.pretrain --epochs 1 --seed 0")
    assert "--n-train 300" in record["rebuild"] and f"--out {out}" in record["rebuild"]
    assert "SHA-256" in result.stdout


def test_command_line_says_what_is_missing_offline(tmp_path, capsys):
    assert pretrain.main(["--epochs", "1", "--out", str(tmp_path)]) == 2
    assert "COURSE_DATA_PATH" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------ the committed backbone


def test_committed_backbone_matches_the_registry_and_its_record():
    record = json.loads(RECORD.read_text())
    actual = data.sha256_of(ASSET)
    assert actual == data.WEIGHTS["course_backbone"].sha256, (
        "helpers/assets/course_backbone.keras changed: copy its SHA-256 from "
        "course_backbone.json into WEIGHTS['course_backbone'] in helpers/data.py")
    assert record["sha256"] == actual and record["bytes"] == ASSET.stat().st_size
    assert ASSET.stat().st_size < 1_000_000
    assert record["rebuild"].startswith("python -m helpers.pretrain")
    assert record["metrics"]["dataset"] == "Fashion-MNIST"
    assert record["metrics"]["n_train"] == 60_000
    assert record["metrics"]["test_accuracy"] >= 0.86


def test_committed_backbone_loads_offline_with_standard_layers_only():
    path = data.weights_path("course_backbone")  # offline: from the package itself
    assert path == ASSET
    model = pretrain.load_backbone()
    assert [layer.name for layer in model.layers] == [
        layer.name for layer in pretrain.build_backbone().layers]
    for layer in model.layers:
        assert type(layer).__module__.startswith("keras.src.layers"), type(layer)
    with zipfile.ZipFile(ASSET) as archive:
        assert "input_axes" not in archive.read("config.json").decode()


def test_committed_backbone_still_classifies_fashion_mnist(canonical):
    ds = data.load("fashion_mnist", n_test=2000)
    probs = pretrain.load_backbone().predict(ds.x_test[..., None], batch_size=500, verbose=0)
    assert np.mean(probs.argmax(axis=1) == ds.y_test) >= 0.85


def test_corrupted_packaged_backbone_is_refused(tmp_path, monkeypatch, capsys):
    bad = tmp_path / pretrain.MODEL_FILE
    content = bytearray(ASSET.read_bytes())
    content[len(content) // 2] ^= 0xFF
    bad.write_bytes(bytes(content))
    monkeypatch.setitem(data._PACKAGED, "course_backbone", bad)
    with pytest.raises(DataError, match="course_backbone.*COURSE_DATA_PATH"):
        data.weights_path("course_backbone")
    assert "hash mismatch" in capsys.readouterr().out
    assert bad.exists()  # the package's own file is reported, not deleted
    # A verified copy elsewhere is then used instead.
    shared = tmp_path / "shared"
    (shared / "course-models").mkdir(parents=True)
    (shared / "course-models" / pretrain.MODEL_FILE).write_bytes(ASSET.read_bytes())
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))
    assert data.weights_path("course_backbone") == shared / "course-models" / pretrain.MODEL_FILE


def test_installed_helpers_without_assets_download_the_backbone(http_server, monkeypatch,
                                                                 tmp_path):
    # pip install from git leaves helpers/assets out unless pyproject ships package data.
    monkeypatch.setitem(data._PACKAGED, "course_backbone", tmp_path / "not-installed.keras")
    monkeypatch.delenv("COURSE_OFFLINE")
    source = data.WEIGHTS["course_backbone"]
    url = http_server.add("course_backbone.keras", ASSET.read_bytes())
    monkeypatch.setitem(data.WEIGHTS, "course_backbone", Source(source.path, url, source.sha256))
    path = data.weights_path("course_backbone")
    assert path == data.cache_dir() / source.path and data.sha256_of(path) == source.sha256
    assert data.weights_path("course_backbone") == path  # the second time from the cache
    assert http_server.requests == ["/course_backbone.keras"]


def test_backbone_url_is_the_course_repository():
    with open(ROOT / "pyproject.toml", "rb") as handle:
        course = tomllib.load(handle)["tool"]["course"]
    repo = course["repository"].removeprefix("https://github.com/")
    expected = (f"https://raw.githubusercontent.com/{repo}/{course['branch']}/"
                "helpers/assets/course_backbone.keras")
    assert data.WEIGHTS["course_backbone"].url == expected


# ------------------------------------------------------------------- MobileNet weights


def test_mobilenet_verifies_from_the_data_path(canonical):
    path = data.weights_path("mobilenet_0.25")
    assert path == canonical / MOBILENET
    base = keras.applications.MobileNet(input_shape=(96, 96, 3), alpha=0.25, include_top=False,
                                        weights=str(path), pooling="avg")
    assert base.output_shape == (None, 256)
    assert base.count_params() == 218_544  # the published count without the classifier


def test_mobilenet_downloads_and_verifies(canonical, http_server, monkeypatch, tmp_path):
    source = data.WEIGHTS["mobilenet_0.25"]
    url = http_server.add("mobilenet.h5", (canonical / MOBILENET).read_bytes())
    monkeypatch.setitem(data.WEIGHTS, "mobilenet_0.25", Source(source.path, url, source.sha256))
    monkeypatch.setenv("COURSE_DATA_PATH", str(tmp_path / "empty"))
    path = data.weights_path("mobilenet_0.25")
    assert path == data.cache_dir() / MOBILENET and data.sha256_of(path) == source.sha256
    assert http_server.requests == ["/mobilenet.h5"]


def test_corrupted_mobilenet_is_refused(canonical, tmp_path, monkeypatch, capsys):
    content = bytearray((canonical / MOBILENET).read_bytes())
    content[1000] ^= 0x01
    for folder in (tmp_path / "shared", data.cache_dir()):
        (folder / "keras-models").mkdir(parents=True, exist_ok=True)
        (folder / MOBILENET).write_bytes(bytes(content))
    monkeypatch.setenv("COURSE_DATA_PATH", str(tmp_path / "shared"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(DataError, match="mobilenet_0.25.*COURSE_DATA_PATH.*storage.googleapis"):
        data.weights_path("mobilenet_0.25")
    out = capsys.readouterr().out
    assert out.count("hash mismatch") == 2
    assert not (data.cache_dir() / MOBILENET).exists()  # the cache's copy is deleted
    assert (tmp_path / "shared" / MOBILENET).exists()  # the user's is only ignored


def test_weights_path_errors_name_the_problem():
    with pytest.raises(DataError, match="unknown weights 'vgg16'.*mobilenet_0.25"):
        data.weights_path("vgg16")
    with pytest.raises(TypeError, match="needs a name"):
        data.weights_path(0.25)
    with pytest.raises(DataError, match="not available offline"):
        data.weights_path("mobilenet_0.25_imagenet")
    assert data.weights_path(" Course_Backbone ") == ASSET  # as forgiving as load()


def test_imagenet_class_names_offline_fail_at_once():
    with pytest.raises(DataError, match="not available offline"):
        data.imagenet_class_names()
