"""The data layer: resolution order, verification, failures, stand-ins, the registry.

Network paths run against servers on 127.0.0.1 (see conftest.py); nothing here reaches
the internet, and every test has its own cache directory.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import data
from helpers.data import DataError, Dataset, Entry, Source

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = bytes(range(256)) * 40  # 10 KiB, more than one read block of the progress loop
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()
REL = "testset/blob.bin"
TEST_NAME = "unit_test_blob"


def _build(files: dict[str, Path]) -> Dataset:
    arrays = {key: np.frombuffer(Path(path).read_bytes(), np.uint8)
              if Path(path).is_file() else np.array(sorted(p.name for p in Path(path).iterdir()))
              for key, path in files.items()}
    first = next(iter(arrays.values()))
    return Dataset(first, first, first, first, ["a"], "blob", "test blob", True,
                   extras={"files": files})


def _standin() -> Dataset:
    empty = np.zeros(0, np.uint8)
    return Dataset(empty, empty, empty, empty, ["a"], "blob stand-in", "offline blob", False)


@pytest.fixture
def register(monkeypatch):
    """Register a temporary entry (monkeypatch removes it after the test)."""

    def _register(*sources: Source, standin=_standin) -> Entry:
        entry = Entry(TEST_NAME, "a test blob", "test", "", _build, tuple(sources), standin)
        monkeypatch.setitem(data.REGISTRY, TEST_NAME, entry)
        return entry

    return _register


@pytest.fixture
def online(monkeypatch):
    """Allow downloads (conftest makes every test offline by default)."""
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)


def _files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


# ------------------------------------------------------------------------------ downloads


def test_download_succeeds_and_is_verified(http_server, register, course_env, online, capsys):
    url = http_server.add("blob.bin", PAYLOAD)
    register(Source(REL, url, PAYLOAD_SHA))

    ds = data.load(TEST_NAME)

    assert ds.canonical is True
    assert ds.x_train.tobytes() == PAYLOAD
    cached = course_env / REL
    assert cached.read_bytes() == PAYLOAD
    assert _files_under(course_env) == [cached]  # no temporary file left beside it
    assert http_server.requests == ["/blob.bin"]
    assert "stand-in" not in capsys.readouterr().out
    # A second load is served by the verified cache, not the network.
    assert data.load(TEST_NAME).canonical
    assert http_server.requests == ["/blob.bin"]


def test_wrong_bytes_from_server_are_rejected_and_leave_nothing(
        http_server, register, course_env, online, capsys):
    url = http_server.add("blob.bin", PAYLOAD[:-1] + b"X")
    source = Source(REL, url, PAYLOAD_SHA)
    register(source)

    with pytest.raises(DataError, match="hash mismatch") as info:
        data.fetch(source)
    assert url in str(info.value)
    assert _files_under(course_env) == []  # neither the file nor a .part

    ds = data.load(TEST_NAME)
    assert ds.canonical is False
    out = capsys.readouterr().out
    assert "stand-in" in out and "hash mismatch" in out
    assert _files_under(course_env) == []


def test_truncated_download_is_an_error_not_a_crash(http_server, register, course_env, online,
                                                    capsys):
    source = Source(REL, http_server.url("truncated/5000"), PAYLOAD_SHA)
    register(source)

    with pytest.raises(DataError, match="could not download"):
        data.fetch(source)
    assert data.load(TEST_NAME).canonical is False
    assert "stand-in" in capsys.readouterr().out
    assert _files_under(course_env) == []


def test_corrupted_cache_file_is_detected_deleted_and_named(
        closed_port, register, course_env, online, capsys):
    cached = course_env / REL
    cached.parent.mkdir(parents=True)
    cached.write_bytes(PAYLOAD[: len(PAYLOAD) // 2])  # a truncated earlier download
    register(Source(REL, f"http://127.0.0.1:{closed_port}/blob.bin", PAYLOAD_SHA))

    ds = data.load(TEST_NAME)

    assert ds.canonical is False
    assert not cached.exists()
    out = capsys.readouterr().out
    assert "hash mismatch" in out and str(cached) in out and "deleted" in out


def test_corrupted_cache_file_is_replaced_by_a_fresh_download(
        http_server, register, course_env, online, capsys):
    cached = course_env / REL
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    register(Source(REL, http_server.add("blob.bin", PAYLOAD), PAYLOAD_SHA))

    assert data.load(TEST_NAME).canonical is True
    assert cached.read_bytes() == PAYLOAD
    assert str(cached) in capsys.readouterr().out
    assert len(http_server.requests) == 1


def test_server_down_gives_the_standin_with_one_clear_line(
        closed_port, register, course_env, online, capsys):
    url = f"http://127.0.0.1:{closed_port}/blob.bin"
    source = Source(REL, url, PAYLOAD_SHA)
    register(source)

    ds = data.load(TEST_NAME)

    assert ds.canonical is False and ds.name == "blob stand-in"
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1, captured.out
    assert "stand-in" in lines[0] and TEST_NAME in lines[0] and url in lines[0]
    assert "Traceback" not in captured.err
    assert _files_under(course_env) == []
    with pytest.raises(DataError, match="could not download"):
        data.fetch(source)


def test_server_that_never_answers_times_out_quickly(
        hanging_port, register, course_env, online, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", "1")
    register(Source(REL, f"http://127.0.0.1:{hanging_port}/blob.bin", PAYLOAD_SHA))

    start = time.monotonic()
    ds = data.load(TEST_NAME)
    elapsed = time.monotonic() - start

    assert elapsed < 5, f"took {elapsed:.1f} s with COURSE_DOWNLOAD_TIMEOUT=1"
    assert ds.canonical is False
    out = capsys.readouterr().out
    assert "stand-in" in out and "1 s" in out
    assert _files_under(course_env) == []


def test_bad_timeout_setting_is_named(register, online, monkeypatch, closed_port):
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", "soon")
    source = Source(REL, f"http://127.0.0.1:{closed_port}/blob.bin", PAYLOAD_SHA)
    with pytest.raises(ValueError, match="COURSE_DOWNLOAD_TIMEOUT.*soon"):
        data.fetch(source)


# ------------------------------------------------------------------------ resolution order


def test_data_path_is_searched_before_any_download(
        http_server, register, course_env, online, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    (shared / REL).parent.mkdir(parents=True)
    (shared / REL).write_bytes(PAYLOAD)
    missing = tmp_path / "does-not-exist"
    monkeypatch.setenv("COURSE_DATA_PATH", os.pathsep.join([str(missing), str(shared)]))
    register(Source(REL, http_server.add("blob.bin", PAYLOAD), PAYLOAD_SHA))

    ds = data.load(TEST_NAME)

    assert ds.canonical is True
    assert ds.extras["files"][REL] == shared / REL
    assert http_server.requests == []
    assert _files_under(course_env) == []  # read in place, not copied into the cache


def test_corrupted_file_in_data_path_is_ignored_but_kept(
        http_server, register, course_env, online, tmp_path, monkeypatch, capsys):
    shared = tmp_path / "shared"
    (shared / REL).parent.mkdir(parents=True)
    (shared / REL).write_bytes(b"not the data")
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))
    register(Source(REL, http_server.add("blob.bin", PAYLOAD), PAYLOAD_SHA))

    assert data.load(TEST_NAME).canonical is True

    assert (shared / REL).read_bytes() == b"not the data"  # the user's file is not deleted
    assert str(shared / REL) in capsys.readouterr().out
    assert http_server.requests == ["/blob.bin"]
    assert (course_env / REL).read_bytes() == PAYLOAD


def test_offline_never_touches_the_network(http_server, register, tmp_path, monkeypatch,
                                           course_env, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    shared = tmp_path / "shared"
    (shared / REL).parent.mkdir(parents=True)
    (shared / REL).write_bytes(PAYLOAD)
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))
    source = Source(REL, http_server.add("blob.bin", PAYLOAD), PAYLOAD_SHA)
    register(source)

    ds = data.load(TEST_NAME)

    # COURSE_OFFLINE=1 forces the stand-in tier, even with the files at hand.
    assert ds.canonical is False
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "COURSE_OFFLINE=1" in lines[0] and "stand-in" in lines[0]
    (shared / REL).unlink()
    with pytest.raises(DataError, match="offline"):
        data.fetch(source)
    assert http_server.requests == []
    assert _files_under(course_env) == []
    assert "stand-in" in data.tier_summary()


def test_offline_without_standin_still_uses_files_on_disk(register, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    (shared / REL).parent.mkdir(parents=True)
    (shared / REL).write_bytes(PAYLOAD)
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))
    register(Source(REL, "http://127.0.0.1:9/never", PAYLOAD_SHA), standin=None)

    assert data.load(TEST_NAME).canonical is True
    (shared / REL).unlink()
    with pytest.raises(DataError, match="offline"):
        data.load(TEST_NAME)


def test_unknown_name_lists_the_known_names():
    with pytest.raises(DataError) as info:
        data.load("imagenet_full")
    message = str(info.value)
    assert "imagenet_full" in message
    for name in data.names():
        assert name in message
    with pytest.raises(DataError, match="imagenet_full"):
        data.status("imagenet_full")
    with pytest.raises(TypeError, match="name"):
        data.load(3)


def test_names_are_normalised():
    assert data.load("XOR", n=40).name == data.load("xor", n=40).name


# ------------------------------------------------------------------- directory checksums


def _manifest_checksum(base: Path, rel_dir: str) -> str:
    """The MANIFEST.md convention, written out independently of helpers.data."""
    items = [(p.relative_to(base).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
             for p in (base / rel_dir).rglob("*") if p.is_file()]
    return hashlib.sha256("".join(f"{h}  {p}\n" for p, h in sorted(items)).encode()).hexdigest()


def _make_recordings(base: Path) -> Path:
    rec = base / "fsddtest" / "recordings"
    rec.mkdir(parents=True)
    # Names whose byte order differs from their creation order, and a subfolder.
    for name, content in [("9_b_1.wav", b"nine"), ("0_a_10.wav", b"zero ten"),
                          ("0_a_2.wav", b"zero two"), ("extra/1_c_0.wav", b"one")]:
        (rec / name).parent.mkdir(parents=True, exist_ok=True)
        (rec / name).write_bytes(content)
    return rec


def test_directory_source_is_verified_by_the_manifest_convention(
        register, tmp_path, monkeypatch, online, closed_port, capsys):
    shared = tmp_path / "shared"
    rec = _make_recordings(shared)
    expected = _manifest_checksum(shared, "fsddtest/recordings")
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))
    register(Source("fsddtest/recordings", f"http://127.0.0.1:{closed_port}/x.zip", expected))

    ds = data.load(TEST_NAME)
    assert ds.canonical is True
    assert ds.extras["files"]["fsddtest/recordings"] == rec

    (rec / "0_a_2.wav").write_bytes(b"zero TWO")  # one changed recording
    ds = data.load(TEST_NAME)
    assert ds.canonical is False
    assert str(rec) in capsys.readouterr().out
    assert (rec / "0_a_2.wav").exists()  # the user's folder is left alone


def test_directory_checksum_depends_on_names_and_content(tmp_path):
    rec = _make_recordings(tmp_path)
    source = Source("fsddtest/recordings", "", "")
    reference = _manifest_checksum(tmp_path, "fsddtest/recordings")
    assert data._digest(rec, source) == reference
    (rec / "9_b_1.wav").rename(rec / "9_b_2.wav")
    assert data._digest(rec, source) != reference
    assert data._digest(rec, source) == _manifest_checksum(tmp_path, "fsddtest/recordings")


def test_real_fsdd_checksum_matches_manifest(canonical_datasets):
    shared = canonical_datasets
    if not (shared / "fsdd" / "recordings").is_dir():
        pytest.skip(f"{shared} has no fsdd/recordings")
    manifest = (shared / "MANIFEST.md").read_text()
    value = "8f12bbbd51d141d7b73139fc9ba83cf9aaea4b7a385284e7710430761b28b673"
    assert value in manifest
    assert data._digest(shared / "fsdd" / "recordings", Source("fsdd/recordings", "", "")) == value


# --------------------------------------------------------------------------- command line


def _cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "helpers.data", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_list_shows_every_registered_name():
    result = _cli("list")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line[:1].strip()}
    assert set(data.names()) - {TEST_NAME} <= listed
    assert "generated" in result.stdout


def test_cli_download_of_unknown_name_exits_2():
    result = _cli("download", "no_such_set")
    assert result.returncode == 2
    assert "no_such_set" in result.stderr and "unknown" in result.stderr
    assert "fashion_mnist" in result.stderr  # says what would have worked
    assert result.stdout == ""


# ------------------------------------------------------------------- the real registry


def test_fashion_mnist_canonical(monkeypatch, course_env, capsys, canonical_datasets):
    shared = canonical_datasets
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))

    ds = data.load("fashion_mnist")

    assert ds.canonical is True and ds.name == "Fashion-MNIST"
    assert ds.x_train.shape == (60000, 28, 28) and ds.x_test.shape == (10000, 28, 28)
    assert ds.x_train.dtype == np.uint8 and ds.x_test.dtype == np.uint8
    assert ds.y_train.shape == (60000,) and ds.y_test.shape == (10000,)
    assert ds.class_names == ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                              "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    # The published split is balanced: 6,000 and 1,000 of every class.
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    assert 0 < ds.x_train.mean() < 255 and ds.x_train.max() == 255
    ds.x_train[:1] //= 2  # writable, as keras.datasets' arrays are
    assert _files_under(course_env) == []  # read from the data path, not copied
    assert "stand-in" not in capsys.readouterr().out

    small = data.load("fashion_mnist", n_train=100, n_test=10, seed=1)
    assert small.x_train.shape == (100, 28, 28) and small.y_test.shape == (10,)


def test_fashion_mnist_offline_standin(capsys):
    ds = data.load("fashion_mnist")  # conftest: COURSE_OFFLINE=1

    assert ds.canonical is False
    assert "stand-in" in ds.name and "Fashion-MNIST" in ds.name
    assert ds.x_train.shape[1:] == (28, 28) and ds.x_train.dtype == np.uint8
    assert len(ds.x_train) + len(ds.x_test) == 1797  # scikit-learn's digits, upscaled
    assert ds.class_names == [str(d) for d in range(10)]
    assert ds.x_train.max() > 200  # 0..255 like the canonical images, not 0..16
    assert "stand-in" in capsys.readouterr().out

    small = data.load("fashion_mnist", n_train=50, n_test=20)
    assert small.x_train.shape == (50, 28, 28) and small.x_test.shape == (20, 28, 28)
    with pytest.raises(ValueError, match="n_train.*'ten'"):
        data.load("fashion_mnist", n_train="ten")
    with pytest.raises(ValueError, match="n_test"):
        data.load("fashion_mnist", n_test=0)


# ---------------------------------------------------------------------- generated sets

POINT_SETS = ["xor", "blobs", "moons", "circles", "spirals"]


@pytest.mark.parametrize("name", POINT_SETS)
def test_generated_points(name):
    ds = data.load(name, n=200, seed=1)

    assert ds.canonical is True and ds.name == name and ds.description
    assert ds.x_train.shape == (150, 2) and ds.x_test.shape == (50, 2)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.class_names == ["0", "1"]
    assert set(np.unique(ds.y_train)) == {0, 1} and set(np.unique(ds.y_test)) == {0, 1}
    assert abs(ds.y_train.mean() - 0.5) < 0.1  # balanced classes

    again = data.load(name, n=200, seed=1)
    other = data.load(name, n=200, seed=2)
    np.testing.assert_array_equal(ds.x_train, again.x_train)
    np.testing.assert_array_equal(ds.y_test, again.y_test)
    assert not np.array_equal(ds.x_train, other.x_train)


@pytest.mark.parametrize("name", POINT_SETS)
@pytest.mark.parametrize("bad", [0, -5, "ten", 2.5, True])
def test_generated_points_reject_bad_n(name, bad):
    with pytest.raises(ValueError, match=rf"\bn\b.*{bad!r}"):
        data.load(name, n=bad)


def test_tiny_n_says_to_use_more_points():
    with pytest.raises(ValueError, match="n=3.*larger n"):
        data.load("xor", n=3)


def test_xor_labels_are_the_xor_of_the_corner():
    x, y = data.make_xor(64, noise=0.0, seed=3)
    np.testing.assert_array_equal(y, x[:, 0].astype(int) ^ x[:, 1].astype(int))


def test_digits():
    ds = data.load("digits")
    assert ds.x_train.shape == (1347, 8, 8) and ds.x_test.shape == (450, 8, 8)
    assert ds.x_train.dtype == np.uint8 and ds.x_train.max() == 255
    assert ds.class_names == [str(d) for d in range(10)]
    assert set(np.unique(ds.y_test)) == set(range(10))
    np.testing.assert_array_equal(ds.x_train, data.load("digits").x_train)
    assert data.load("digits", size=16).x_train.shape[1:] == (16, 16)
    with pytest.raises(ValueError, match="size.*0"):
        data.load("digits", size=0)
    with pytest.raises((TypeError, ValueError), match=r"\bn\b"):
        data.load("digits", n="ten")


def test_every_registered_entry_is_documented():
    for name in data.names():
        entry = data.REGISTRY[name]
        assert entry.description and entry.license, name
        for source in entry.sources:
            assert source.url.startswith("https://"), source
            assert len(source.sha256) == 64 and int(source.sha256, 16) >= 0, source
        if entry.sources:
            assert entry.standin is not None, f"{name} has no offline stand-in"


def test_status_and_tier_summary(monkeypatch, tmp_path):
    assert data.status("xor") == "generated"
    assert data.status("fashion_mnist") == "missing"
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(tmp_path))
    assert str(tmp_path) in data.tier_summary()


# ------------------------------------------------------ a cache folder that cannot be used


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sources(kind: str, http_server) -> Source:
    if kind == "file":
        return Source(REL, http_server.add("blob.bin", PAYLOAD), PAYLOAD_SHA)
    members = {"top/rec/a.wav": PAYLOAD, "top/rec/b.wav": PAYLOAD[:100]}
    sha = _dir_sha({"a.wav": PAYLOAD, "b.wav": PAYLOAD[:100]}, "ziptest/rec")
    return data.ZipSource("ziptest/rec", http_server.add("rec.zip", _zip_bytes(members)), sha,
                          members="top/rec/*.wav", size=len(PAYLOAD) + 100)


def _dir_sha(files: dict[str, bytes], prefix: str) -> str:
    lines = sorted((f"{prefix}/{name}", hashlib.sha256(content).hexdigest())
                   for name, content in files.items())
    return hashlib.sha256("".join(f"{h}  {p}\n" for p, h in lines).encode()).hexdigest()


@pytest.mark.parametrize("kind", ["file", "zip"])
def test_cache_that_is_not_a_folder_falls_back_to_the_standin_saying_why(
        http_server, register, tmp_path, monkeypatch, online, capsys, kind):
    # A file where the cache folder should be: mkdir fails even for root, like a folder
    # without write permission does for a student.
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(blocker))
    source = _sources(kind, http_server)
    register(source)

    ds = data.load(TEST_NAME)

    assert ds.canonical is False
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    assert "stand-in" in lines[0] and TEST_NAME in lines[0]
    assert f"cannot write to the cache folder {blocker}" in lines[0]
    assert "COURSE_CACHE_DIR" in lines[0]
    with pytest.raises(data.CacheError):
        data.fetch(source)


def test_cache_that_cannot_be_used_is_skipped_for_the_data_path(
        register, tmp_path, monkeypatch, online, closed_port):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(blocker))
    shared = tmp_path / "shared"
    (shared / REL).parent.mkdir(parents=True)
    (shared / REL).write_bytes(PAYLOAD)
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))
    register(Source(REL, f"http://127.0.0.1:{closed_port}/blob.bin", PAYLOAD_SHA))

    assert data.load(TEST_NAME).canonical is True


class _FullDisk:
    """A temporary file on a disk that is full: opening or writing raises ENOSPC."""

    def __init__(self, *, at: str, **kwargs):
        import errno

        self.error = OSError(errno.ENOSPC, "No space left on device")
        if at == "open":
            raise self.error
        self._file = _REAL_NTF(**kwargs)
        self.name = self._file.name

    def write(self, block: bytes) -> int:
        raise self.error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


_REAL_NTF = __import__("tempfile").NamedTemporaryFile


@pytest.mark.parametrize("at", ["open", "write"])
def test_full_disk_falls_back_to_the_standin_saying_why(
        http_server, register, course_env, online, monkeypatch, capsys, at):
    register(_sources("file", http_server))
    monkeypatch.setattr(data.tempfile, "NamedTemporaryFile",
                        lambda **kwargs: _FullDisk(at=at, **kwargs))

    ds = data.load(TEST_NAME)

    assert ds.canonical is False
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"cannot write to the cache folder {course_env}" in lines[0]
    assert "No space left on device" in lines[0] and "stand-in" in lines[0]
    assert _files_under(course_env) == []  # no half-written .part left behind


# --------------------------------------------------------------------------- zip bombs


def test_zip_member_is_not_inflated_beyond_the_expected_size(
        http_server, register, course_env, online, capsys):
    # 64 MB of zeros deflate to about 64 KB: the registry expects 10 KB of recordings.
    bomb = _zip_bytes({"top/rec/a.wav": bytes(64 << 20)})
    assert len(bomb) < 200_000
    source = data.ZipSource("ziptest/rec", http_server.add("rec.zip", bomb), "0" * 64,
                            members="top/rec/*.wav", size=len(PAYLOAD))
    register(source)

    with pytest.raises(DataError, match=r"inflate to more than 10,240 bytes, the size the "
                                        r"registry expects"):
        data.fetch(source)
    assert _files_under(course_env) == []
    assert data.load(TEST_NAME).canonical is False
    assert "more than 10,240 bytes" in capsys.readouterr().out


def test_zip_size_cap_counts_every_member_and_is_required():
    with pytest.raises(ValueError, match="size"):
        data.ZipSource("ziptest/rec", "https://example.org/x.zip", "0" * 64)
    assert data.REGISTRY["fsdd"].sources[0].size == 21_128_848


def test_the_fsdd_size_cap_is_the_size_of_the_manifests_files(canonical_datasets):
    folder = canonical_datasets / "fsdd" / "recordings"
    if not folder.is_dir():
        pytest.skip(f"{canonical_datasets} has no fsdd/recordings")
    total = sum(p.stat().st_size for p in folder.glob("*.wav"))
    assert data.REGISTRY["fsdd"].sources[0].size == total


# -------------------------------------------------------------------- options, test_size


def _options(builder, *, skip_files: bool) -> list[str]:
    import inspect

    return list(inspect.signature(builder).parameters)[1 if skip_files else 0:]


@pytest.mark.parametrize("name", data.names())
def test_unknown_option_names_the_dataset_and_its_options(name):
    valid = _options(data.REGISTRY[name].build, skip_files=True)
    with pytest.raises(TypeError) as info:
        data.load(name, bogus=1)
    message = str(info.value)
    assert f"load({name!r}) got unknown option 'bogus'" in message
    assert all(option in message for option in valid), message
    assert "<locals>" not in message and "_build" not in message


def test_every_standin_takes_the_options_of_its_dataset():
    for name in data.names():
        entry = data.REGISTRY[name]
        if entry.standin is not None:
            assert (_options(entry.standin, skip_files=False)
                    == _options(entry.build, skip_files=True)), name


TEST_SIZE_SETS = [n for n in data.names()
                  if "test_size" in _options(data.REGISTRY[n].build, skip_files=True)]


@pytest.mark.parametrize("name", TEST_SIZE_SETS)
@pytest.mark.parametrize("bad", [2, 0, 1, 1.5, -0.1, True, "0.2"])
def test_test_size_is_a_fraction_for_every_dataset(name, bad):
    with pytest.raises(ValueError, match=rf"test_size must be a fraction between 0 and 1, "
                                         rf"got {bad!r}"):
        data.load(name, test_size=bad)


def test_test_size_sets_are_all_kinds():
    assert {"xor", "digits", "sentence_polarity", "tinyshakespeare"} <= set(TEST_SIZE_SETS)
    assert len(data.load("xor", n=100, test_size=0.2).x_test) == 20


# -------------------------------------------------------------- COURSE_REQUIRE_CANONICAL


def test_require_canonical_turns_the_fallback_into_an_error_naming_where_it_looked(
        closed_port, register, course_env, online, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_REQUIRE_CANONICAL", "1")
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv("COURSE_DATA_PATH", str(shared))
    url = f"http://127.0.0.1:{closed_port}/blob.bin"
    register(Source(REL, url, PAYLOAD_SHA))

    with pytest.raises(DataError) as info:
        data.load(TEST_NAME)
    message = str(info.value)
    assert "COURSE_REQUIRE_CANONICAL=1" in message and TEST_NAME in message
    for place in (course_env / REL, shared / REL, url):
        assert str(place) in message, message
    assert "stand-in" not in capsys.readouterr().out
    assert "no stand-ins" in data.tier_summary()

    (shared / REL).parent.mkdir(parents=True)
    (shared / REL).write_bytes(PAYLOAD)
    assert data.load(TEST_NAME).canonical is True


def test_require_canonical_leaves_a_forced_offline_run_alone(register, monkeypatch):
    monkeypatch.setenv("COURSE_REQUIRE_CANONICAL", "1")  # conftest: COURSE_OFFLINE=1
    register(Source(REL, "http://127.0.0.1:9/never", PAYLOAD_SHA))
    assert data.load(TEST_NAME).canonical is False


def test_every_notebook_loads_data_that_ci_has(canonical_datasets, monkeypatch):
    """CI's canonical stage runs with COURSE_REQUIRE_CANONICAL=1 and only these files."""
    import re

    monkeypatch.setenv("COURSE_DATA_PATH", str(canonical_datasets))
    loaded = set()
    for source in sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py")):
        text = source.read_text(encoding="utf-8")
        loaded |= set(re.findall(r"""data\.load\(\s*["']([\w-]+)["']""", text))
        # A name held in a variable, as 09's CORPUS = "tinyshakespeare"
        for variable in re.findall(r"data\.load\(\s*([A-Z_]+)\b", text):
            loaded |= set(re.findall(rf"^{variable}\s*=\s*[\"']([\w-]+)[\"']", text, re.M))
    assert {"fashion_mnist", "fsdd", "sentence_polarity", "tinyshakespeare"} <= loaded
    missing = {name for name in loaded if data.status(name) == "missing"}
    assert not missing, f"notebooks load {missing}, which {canonical_datasets} lacks"


def test_cli_download_shows_progress_with_time_left(http_server, register, course_env, online,
                                                    capsys):
    register(Source(REL, http_server.add("blob.bin", PAYLOAD), PAYLOAD_SHA))
    assert data._main(["download", TEST_NAME]) == 0
    captured = capsys.readouterr()
    assert f"[1/1] {TEST_NAME}: blob.bin: {course_env / REL}" in captured.out
    # tqdm's bar: the label, bytes done of the total, and elapsed<remaining time.
    assert re.search(rf"\[1/1\] {TEST_NAME}: blob.bin: 100%.*10\.2k/10\.2k \[\d\d:\d\d<\d\d:\d\d",
                     captured.err), captured.err
