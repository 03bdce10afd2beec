"""The sentence polarity entry of helpers.data (notebooks 07 and 08): the Cornell tarball
(from the data path and downloaded from a local server), its stand-in, its options."""

from __future__ import annotations

import dataclasses
import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from helpers import data
from helpers.data import DataError, Source

NAME = "sentence_polarity"
TARBALL = "rt-polarity/rt-polaritydata.tar.gz"
FIRST_POSITIVE = ("the rock is destined to be the 21st century's new \" conan \" and that he's "
                  "going to make a splash even greater than arnold schwarzenegger , jean-claud "
                  "van damme or steven segal .")


def _files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def _check_fields(ds: data.Dataset) -> None:
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert x.ndim == 1 and x.dtype == object and all(isinstance(s, str) for s in x)
        assert y.dtype == np.int64 and y.shape == x.shape and set(y.tolist()) <= {0, 1}
        assert all(s == s.strip() and s for s in x)
    assert ds.class_names == ["negative", "positive"]


@pytest.fixture
def canonical(monkeypatch, canonical_datasets):
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(canonical_datasets))
    return canonical_datasets


def _serve_from(monkeypatch, url: str, sha256: str) -> None:
    """Point the entry's tarball at ``url`` (the cache and data path stay as conftest set)."""
    entry = data.REGISTRY[NAME]
    source = Source(TARBALL, url, sha256)
    monkeypatch.setitem(data.REGISTRY, NAME, dataclasses.replace(entry, sources=(source,)))


def _tarball(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_canonical_files_give_10662_balanced_decoded_sentences(canonical, course_env, capsys):
    ds = data.load(NAME)

    assert ds.canonical is True and "polarity" in ds.name and "stand-in" not in ds.name
    _check_fields(ds)
    assert len(ds.x_train) + len(ds.x_test) == 10662
    assert np.bincount(np.r_[ds.y_train, ds.y_test]).tolist() == [5331, 5331]
    # The documented split: a stratified tenth held out.
    assert sorted(np.bincount(ds.y_test).tolist()) == [533, 534] and len(ds.x_test) == 1067
    everything = dict(zip(np.r_[ds.x_train, ds.x_test].tolist(), np.r_[ds.y_train, ds.y_test],
                          strict=True))
    assert everything[FIRST_POSITIVE] == 1
    assert everything["simplistic , silly and tedious ."] == 0
    text = "\n".join(everything)
    # Windows-1252 bytes decoded as letters and punctuation: no mojibake, no control
    # characters (Latin-1 would give U+0085 for the ellipsis), no replacement characters.
    assert "amélie" in text and "clichéd" in text and "…" in text and "—" in text
    assert not any(0x80 <= ord(c) <= 0x9F for c in text) and "\ufffd" not in text
    assert _files_under(course_env) == []  # read from the data path, never unpacked
    assert "stand-in" not in capsys.readouterr().out


def test_the_split_is_fixed_and_seed_only_draws_subsets(canonical):
    first, again = data.load(NAME), data.load(NAME, seed=5)
    assert np.array_equal(first.x_test, again.x_test)
    assert np.array_equal(first.y_train, again.y_train)

    small = data.load(NAME, n_train=300, n_test=50, seed=1)
    assert small.x_train.shape == (300,) and small.y_test.shape == (50,)
    pairs = dict(zip(first.x_train.tolist(), first.y_train.tolist(), strict=True))
    assert all(pairs[s] == label for s, label in zip(small.x_train, small.y_train, strict=True))
    assert set(small.x_test.tolist()) <= set(first.x_test.tolist())
    other = data.load(NAME, n_train=300, seed=2)
    assert not np.array_equal(small.x_train, other.x_train)

    assert len(data.load(NAME, test_size=0.2).x_test) == 2133


def test_download_from_server_is_verified_and_cached(
    http_server, monkeypatch, course_env, canonical_datasets, capsys
):
    payload = (canonical_datasets / TARBALL).read_bytes()
    _serve_from(monkeypatch, http_server.add("rt.tar.gz", payload),
                data.REGISTRY[NAME].sources[0].sha256)
    monkeypatch.delenv("COURSE_OFFLINE")

    ds = data.load(NAME)

    assert ds.canonical is True and len(ds.x_train) == 9595
    assert _files_under(course_env) == [course_env / TARBALL]  # nothing else, no .part
    assert http_server.requests == ["/rt.tar.gz"]
    data.load(NAME)
    assert http_server.requests == ["/rt.tar.gz"]  # the second load reads the cache
    assert "stand-in" not in capsys.readouterr().out


def test_wrong_tarball_from_server_leaves_nothing_and_gives_the_standin(
    http_server, monkeypatch, course_env, capsys
):
    _serve_from(monkeypatch, http_server.add("rt.tar.gz", _tarball({"x": b"not MR"})),
                data.REGISTRY[NAME].sources[0].sha256)
    monkeypatch.delenv("COURSE_OFFLINE")

    ds = data.load(NAME)

    assert ds.canonical is False
    assert _files_under(course_env) == []
    out = capsys.readouterr().out
    assert "stand-in" in out and "hash mismatch" in out


def test_member_that_does_not_match_the_manifest_is_refused(http_server, monkeypatch):
    # A tarball whose own hash is what the entry expects, but whose sentence file is not
    # Cornell's: the member check must catch it rather than train on it.
    members = {"rt-polaritydata/rt-polarity.neg": b"bad .\n",
               "rt-polaritydata/rt-polarity.pos": b"good .\n"}
    payload = _tarball(members)
    _serve_from(monkeypatch, http_server.add("rt.tar.gz", payload),
                data.hashlib.sha256(payload).hexdigest())
    monkeypatch.delenv("COURSE_OFFLINE")

    with pytest.raises(DataError, match="rt-polarity.neg.*SHA-256"):
        data.load(NAME)


def test_offline_standin_is_real_mr_sentences(capsys):
    ds = data.load(NAME)  # conftest: COURSE_OFFLINE=1

    assert ds.canonical is False and "stand-in" in ds.name
    _check_fields(ds)
    assert (len(ds.x_train), len(ds.x_test)) == (150, 50)
    assert np.bincount(ds.y_train).tolist() == [75, 75]
    assert np.bincount(ds.y_test).tolist() == [25, 25]
    pairs = dict(zip(np.r_[ds.x_train, ds.x_test].tolist(), np.r_[ds.y_train, ds.y_test],
                     strict=True))
    assert pairs["simplistic , silly and tedious ."] == 0
    assert not any(s.startswith("__label__") for s in pairs)
    assert "amélie" in "\n".join(pairs) and "\ufffd" not in "\n".join(pairs)
    assert "stand-in" in capsys.readouterr().out

    small = data.load(NAME, n_train=40, n_test=10, test_size=0.1)
    assert small.x_train.shape == (40,) and small.x_test.shape == (10,)


@pytest.mark.parametrize("options, message", [
    ({"test_size": 0}, "test_size.*0"),
    ({"test_size": 1.5}, "test_size.*1.5"),
    ({"test_size": True}, "test_size.*True"),
    ({"test_size": "0.1"}, "test_size"),
    ({"test_size": 0.001}, "cannot split 200 sentences"),
    ({"n_train": 0}, "n_train.*0"),
    ({"n_train": "ten"}, "n_train.*'ten'"),
    ({"n_test": -3}, "n_test.*-3"),
])
def test_bad_options_are_named(options, message):
    with pytest.raises(ValueError, match=message):
        data.load(NAME, **options)


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError, match="n_sentences"):
        data.load(NAME, n_sentences=10)


def test_decode_splits_on_newlines_only():
    assert data.decode_polarity(b"a \x85 b . \r\n\n  c .\n") == ["a \u2026 b .", "c ."]
