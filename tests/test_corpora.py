"""The Tiny Shakespeare corpus (notebooks 08 and 09): canonical file, stand-in, options."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import data
from helpers.data import DataError


def _check_text_fields(ds: data.Dataset) -> str:
    text = ds.extras["text"]
    cut = ds.extras["split_at"]
    assert isinstance(text, str)
    assert ds.x_train.shape == (1,) and ds.x_test.shape == (1,)
    train, test = ds.x_train[0], ds.x_test[0]
    assert isinstance(train, str) and isinstance(test, str)
    assert train + test == text and len(train) == cut
    assert ds.extras["chars"] == sorted(set(text))
    assert ds.y_train.shape == (0,) and ds.y_test.shape == (0,) and ds.class_names == []
    assert "x_train" in ds.description and "extras['text']" in ds.description
    return text


def test_standin_is_real_english_prose_split_90_10(capsys):
    ds = data.load("tinyshakespeare")

    assert ds.canonical is False and "stand-in for Tiny Shakespeare" in ds.name
    assert "stand-in" in capsys.readouterr().out
    text = _check_text_fields(ds)
    assert len(text) > 300_000
    # Prose, not a word list: mostly lower-case letters and spaces, many common words.
    words = text.split()
    assert len(words) > 50_000 and words.count("the") > 2_000
    assert abs(len(ds.x_test[0]) / len(text) - 0.1) < 1e-4


def test_canonical_file(monkeypatch, canonical_datasets):
    if not (canonical_datasets / "corpora" / "tinyshakespeare" / "input.txt").is_file():
        pytest.skip(f"{canonical_datasets} has no corpora/tinyshakespeare/input.txt")
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(canonical_datasets))

    ds = data.load("TinyShakespeare")  # names are case-insensitive

    assert ds.canonical is True and ds.name == "Tiny Shakespeare"
    text = _check_text_fields(ds)
    assert len(text) == 1_115_394
    assert text.startswith("First Citizen:\nBefore we proceed any further, hear me speak.")
    assert len(ds.extras["chars"]) == 65
    assert ds.extras["split_at"] == round(1_115_394 * 0.9)


def test_n_chars_and_test_size_options():
    ds = data.load("tinyshakespeare", n_chars=1000, test_size=0.25)

    assert len(ds.extras["text"]) == 1000
    assert len(ds.x_train[0]) == 750 and len(ds.x_test[0]) == 250
    # n_chars keeps the beginning: the same prefix as the full text.
    full = data.load("tinyshakespeare").extras["text"]
    assert full.startswith(ds.extras["text"])


@pytest.mark.parametrize("options, message", [
    ({"n_chars": 0}, "n_chars must be a positive int"),
    ({"n_chars": "many"}, "n_chars must be a positive int"),
    ({"test_size": 1.5}, "test_size must be a fraction"),
    ({"test_size": True}, "test_size must be a fraction"),
    ({"n_chars": 3, "test_size": 0.1}, "use a larger n_chars"),
])
def test_bad_options_name_the_problem(options, message):
    with pytest.raises(ValueError, match=message):
        data.load("tinyshakespeare", **options)


def test_missing_gensim_file_says_so():
    with pytest.raises(DataError, match="no file 'no_such_file.txt'"):
        data.gensim_test_file("no_such_file.txt")


def test_object_arrays_hold_python_strings():
    ds = data.load("tinyshakespeare", n_chars=500)
    assert ds.x_train.dtype == np.dtype(object)
    assert ds.extras["text"][: ds.extras["split_at"]] == ds.x_train[0]
