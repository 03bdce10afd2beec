"""helpers.audio computes what Keras and scipy compute; the sound generator is deterministic
and learnable; the "fsdd" entry loads the canonical wavs, downloads and unpacks the zip
safely, and falls back to the generated stand-in."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest
import scipy.signal
from scipy.io import wavfile

from helpers import audio, data
from helpers.data import DataError, ZipSource

FSDD_SHA = "8f12bbbd51d141d7b73139fc9ba83cf9aaea4b7a385284e7710430761b28b673"
FSDD_URL = "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip"


def _np(tensor) -> np.ndarray:
    return keras.ops.convert_to_numpy(tensor)


@pytest.fixture(scope="module")
def sounds() -> audio.Sounds:
    return audio.make_sounds()


# ------------------------------------------------------------------------ clips as arrays


def test_read_wav_scales_integer_pcm_and_mixes_stereo(tmp_path):
    path = tmp_path / "a.wav"
    wavfile.write(path, 8000, np.array([0, 16384, -32768, 32767], np.int16))
    x, rate = audio.read_wav(path)
    assert rate == 8000 and x.dtype == np.float32
    np.testing.assert_allclose(x, [0, 0.5, -1, 32767 / 32768])

    wavfile.write(path, 16000, np.array([128, 255, 0], np.uint8))
    np.testing.assert_allclose(audio.read_wav(path)[0], [0, 127 / 128, -1])

    wavfile.write(path, 8000, np.array([[0.5, -0.5], [1.0, 0.0]], np.float32))
    x, _ = audio.read_wav(path)
    np.testing.assert_allclose(x, [0.0, 0.5])


def test_read_wav_names_a_missing_or_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no wav file"):
        audio.read_wav(tmp_path / "missing.wav")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav file at all")
    with pytest.raises(ValueError, match="bad.wav"):
        audio.read_wav(bad)


def test_fix_length_pads_at_the_end_and_cuts():
    out = audio.fix_length(np.array([1, 2, 3], np.int16), 5)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [1, 2, 3, 0, 0])
    np.testing.assert_array_equal(audio.fix_length(np.arange(10.0), 4), [0, 1, 2, 3])
    assert audio.fix_length(np.zeros(0), 3).tolist() == [0, 0, 0]


@pytest.mark.parametrize("x, length, error, phrase", [
    (np.zeros((2, 5)), 4, ValueError, "1-D"),
    (np.zeros(5), 0, ValueError, "length"),
    (np.zeros(5), 2.5, ValueError, "length"),
    (["a", "b"], 4, TypeError, "numbers"),
])
def test_fix_length_rejects_bad_input(x, length, error, phrase):
    with pytest.raises(error, match=phrase):
        audio.fix_length(x, length)


# --------------------------------------------------------------------------- the STFT


@pytest.mark.parametrize("n, length, step", [(10, 4, 2), (12, 4, 4), (9, 4, 2), (5, 5, 1),
                                             (10, 3, 4), (8000, 256, 128)])
def test_frame_signal(n, length, step):
    x = np.random.default_rng(n).normal(size=n)
    frames = audio.frame_signal(x, length, step)
    count = 1 + (n - length) // step
    assert frames.shape == (count, length)
    for t in range(count):
        np.testing.assert_array_equal(frames[t], x[t * step:t * step + length])
    frames[0, 0] = 99.0  # a copy: the caller may change it without changing x
    assert x[0] != 99.0


def test_frame_signal_of_a_short_signal_is_empty():
    assert audio.frame_signal(np.arange(3.0), 4, 1).shape == (0, 4)


@pytest.mark.parametrize("args, phrase", [((np.zeros((2, 2)), 2, 1), "1-D"),
                                          ((np.zeros(8), 0, 1), "frame_length"),
                                          ((np.zeros(8), 4, 0), "frame_step")])
def test_frame_signal_rejects_bad_input(args, phrase):
    with pytest.raises(ValueError, match=phrase):
        audio.frame_signal(*args)


@pytest.mark.parametrize("length", [1, 4, 255, 256])
def test_hann_window_is_scipys(length):
    np.testing.assert_allclose(audio.hann_window(length),
                               scipy.signal.get_window("hann", length), atol=1e-12)
    np.testing.assert_allclose(audio.hann_window(length, periodic=False),
                               scipy.signal.get_window("hann", length, fftbins=False), atol=1e-12)


@pytest.mark.parametrize("center", [False, True])
@pytest.mark.parametrize("frame_length, step, fft_length", [(256, 128, 256), (200, 80, 256),
                                                            (64, 64, 64)])
def test_stft_matches_keras_ops_stft(frame_length, step, fft_length, center):
    x = np.random.default_rng(1).normal(size=3000).astype("float32")
    ours = audio.stft(x, frame_length, step, fft_length, center=center)
    real, imag = keras.ops.stft(x, frame_length, step, fft_length, window="hann", center=center)
    theirs = _np(real) + 1j * _np(imag)
    if frame_length < fft_length:
        # Keras centres a short window inside the FFT frame; ours starts the frame there.
        # The magnitudes agree; the phases differ by the shift.
        pad = (fft_length - frame_length) // 2
        start = pad if not center else 0
        x_shifted = x[start:] if not center else np.pad(x, fft_length // 2, mode="reflect")[pad:]
        ours = audio.stft(x_shifted, frame_length, step, fft_length)[:len(theirs)]
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(np.abs(ours), np.abs(theirs), atol=1e-3)
    else:
        assert ours.shape == theirs.shape == (len(ours), fft_length // 2 + 1)
        np.testing.assert_allclose(ours, theirs, atol=1e-3)


def test_stft_matches_scipy_and_the_keras_layer():
    x = np.random.default_rng(2).normal(size=4000).astype("float32")
    ours = audio.stft(x, 256, 128)
    _, _, zxx = scipy.signal.stft(x, fs=8000, window="hann", nperseg=256, noverlap=128,
                                  detrend=False, boundary=None, padded=False, scaling="spectrum")
    # scipy's "spectrum" scaling divides by the sum of the window.
    np.testing.assert_allclose(zxx.T * audio.hann_window(256).sum(), ours, atol=1e-3)
    layer = keras.layers.STFTSpectrogram(mode="magnitude", frame_length=256, frame_step=128,
                                         window="hann", periodic=True, scaling=None)
    magnitude = _np(layer(x[None, :, None]))[0]
    np.testing.assert_allclose(magnitude, np.abs(ours), rtol=1e-4, atol=1e-3)


def test_stft_of_a_cosine_peaks_at_its_bin():
    sr, n_fft = 8000, 256
    t = np.arange(sr) / sr
    spectrum = np.abs(audio.stft(np.cos(2 * np.pi * 1000 * t), n_fft, n_fft // 2))
    assert (spectrum.argmax(axis=1) == 1000 * n_fft // sr).all()
    rectangular = audio.stft(np.ones(8), 4, 4, window=None)
    np.testing.assert_allclose(rectangular, [[4, 0, 0], [4, 0, 0]])


@pytest.mark.parametrize("kwargs, phrase", [
    ({"fft_length": 128}, "fft_length"), ({"window": "hamming"}, "window"),
    ({"window": np.ones(10)}, "window"), ({"frame_step": 0}, "frame_step"),
])
def test_stft_rejects_bad_settings(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase):
        audio.stft(np.zeros(1000), **{"frame_length": 256, **kwargs})
    with pytest.raises(ValueError, match="center"):
        audio.stft(np.zeros(100), 256, center=True)


# ---------------------------------------------------------------------------- mel scale


def test_hz_to_mel_known_values_and_inverse():
    assert audio.hz_to_mel(0.0) == 0.0
    assert audio.hz_to_mel(700.0) == pytest.approx(1127 * np.log(2))
    # 2595 log10 is the same scale, to the 5 digits of 2595 = 1127 ln(10).
    assert audio.hz_to_mel(1000.0) == pytest.approx(2595 * np.log10(1 + 1000 / 700), rel=1e-5)
    assert isinstance(audio.hz_to_mel(440), float)
    freqs = np.linspace(0, 20000, 50).reshape(5, 10)
    np.testing.assert_allclose(audio.mel_to_hz(audio.hz_to_mel(freqs)), freqs, atol=1e-9)
    with pytest.raises(TypeError, match="hz"):
        audio.hz_to_mel("440 Hz")


@pytest.mark.parametrize("mels, bins, sr, low, high", [(40, 129, 8000, 20.0, 4000.0),
                                                       (64, 257, 16000, 0.0, 7600.0),
                                                       (10, 65, 8000, 125.0, 3800.0)])
def test_mel_filterbank_is_keras(mels, bins, sr, low, high):
    layer = keras.layers.MelSpectrogram(sampling_rate=sr, num_mel_bins=mels)
    theirs = _np(layer.linear_to_mel_weight_matrix(mels, bins, sr, low, high))
    np.testing.assert_allclose(audio.mel_filterbank(mels, bins, sr, low, high), theirs,
                               atol=1e-5)


def test_mel_filterbank_rejects_bad_edges():
    with pytest.raises(ValueError, match="upper_edge_hertz"):
        audio.mel_filterbank(10, 129, 8000, 20.0, 5000.0)
    with pytest.raises(ValueError, match="num_mel_bins"):
        audio.mel_filterbank(0, 129)


def test_mel_spectrogram_by_hand_is_the_keras_layer():
    x = np.random.default_rng(3).normal(size=8000).astype("float32") * 0.1
    layer = keras.layers.MelSpectrogram(fft_length=256, sequence_stride=128, sampling_rate=8000,
                                        num_mel_bins=40, min_freq=20.0, max_freq=4000.0,
                                        power_to_db=False)
    theirs = _np(layer(x))
    power = np.abs(audio.stft(x, 256, 128, center=True)) ** 2
    ours = (power @ audio.mel_filterbank(40, 129, 8000, 20.0, 4000.0)).T
    assert ours.shape == theirs.shape == (40, 1 + 8000 // 128)
    np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-6 * theirs.max())


def test_spectral_centroid():
    sr = 8000
    t = np.arange(sr // 2) / sr
    tone = np.abs(audio.stft(np.sin(2 * np.pi * 1000 * t), 256, 128))
    np.testing.assert_allclose(audio.spectral_centroid(tone, sr), 1000.0, rtol=0.01)
    spec = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 1.0], [0.0, 0.0, 2.0]])
    np.testing.assert_allclose(audio.spectral_centroid(spec, sr), [0.0, 2000.0, 4000.0])
    with pytest.raises(ValueError, match="2-D"):
        audio.spectral_centroid(np.ones(5))
    with pytest.raises(ValueError, match="np.abs"):
        audio.spectral_centroid(-np.ones((2, 5)))


# --------------------------------------------------------------------- synthetic sounds


def test_make_sounds_shapes_dtype_and_layout(sounds):
    n = len(audio.SOUND_CLASSES) * len(audio.VOICES) * 50
    assert len(audio.SOUND_CLASSES) == 10 and len(audio.VOICES) == 6
    assert sounds.x.shape == (n, audio.CLIP_LENGTH) == (3000, 8000)
    assert sounds.x.dtype == np.float32
    assert np.abs(sounds.x).max() <= 1.0
    assert np.isfinite(sounds.x).all()
    assert np.bincount(sounds.y).tolist() == [300] * 10
    assert np.bincount(sounds.voice).tolist() == [500] * 6
    assert np.bincount(sounds.take).tolist() == [60] * 50
    assert ((sounds.end > 0) & (sounds.end <= 8000)).all()
    # Louder than the background noise where the sound is, and silent-ish after it ends.
    loud = [np.abs(x[:e]).max() > 0.1 for x, e in zip(sounds.x, sounds.end, strict=True)]
    assert all(loud)
    tail = [np.sqrt(np.mean(x[e:] ** 2)) < 0.05 for x, e in zip(sounds.x, sounds.end, strict=True)
            if e < 7900]
    assert all(tail)


def test_make_sounds_is_deterministic_by_seed():
    a, b = audio.make_sounds(takes=2, seed=3), audio.make_sounds(takes=2, seed=3)
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a.x, audio.make_sounds(takes=2, seed=4).x)
    short = audio.make_sounds(takes=1, length=2000)
    assert short.x.shape == (60, 2000) and (short.end <= 2000).all()


@pytest.mark.parametrize("kwargs, phrase", [({"takes": 0}, "takes"), ({"length": "8000"},
                                                                      "length"),
                                            ({"sample_rate": 100}, "sample_rate")])
def test_make_sounds_rejects_bad_input(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase):
        audio.make_sounds(**kwargs)


def _centroid_track(x: np.ndarray, end: int) -> np.ndarray:
    spec = np.abs(audio.stft(x[:end], 256, 128)) ** 2
    loud = spec.sum(axis=1) > 0.05 * spec.sum(axis=1).max()
    return audio.spectral_centroid(spec[loud])


def test_chirps_are_told_apart_by_the_direction_of_their_centroid(sounds):
    for kind, sign in [("rising chirp", 1), ("falling chirp", -1)]:
        clips = np.flatnonzero(sounds.y == audio.SOUND_CLASSES.index(kind))
        for i in clips:
            track = _centroid_track(sounds.x[i], sounds.end[i])
            half = len(track) // 2
            assert sign * (track[half:].mean() - track[:half].mean()) > 0, (kind, i)


def test_noise_is_told_apart_from_tones_by_spectral_flatness(sounds):
    def flatness(i: int) -> float:
        spec = np.abs(audio.stft(sounds.x[i][:sounds.end[i]], 256, 128)) ** 2 + 1e-12
        mean = spec.mean(axis=0)
        return float(np.exp(np.log(mean).mean()) / mean.mean())

    noise = [flatness(i) for i in np.flatnonzero(sounds.y == 8)]
    tones = [flatness(i) for i in np.flatnonzero(sounds.y == 0)]
    assert min(noise) > max(tones)


def test_classes_are_learnable_from_a_few_simple_features():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # Per clip: the log of the time-averaged mel spectrum, the centroid's mean, spread and
    # slope over time, and how fast loudness and centroid change from frame to frame; a
    # linear model on them separates most of the classes (chance is 10%).
    bank = audio.mel_filterbank(20, 129)
    sounds = audio.make_sounds(takes=15, seed=1)
    features = []
    for x, end in zip(sounds.x, sounds.end, strict=True):
        spec = np.abs(audio.stft(x[:end], 256, 128)) ** 2
        track = _centroid_track(x, end)
        slope = np.polyfit(np.arange(len(track)), track, 1)[0] if len(track) > 1 else 0.0
        loudness = np.log(spec.sum(axis=1) + 1e-9)
        on = loudness[loudness > loudness.max() - 10]
        features.append(np.r_[np.log(spec.mean(axis=0) @ bank + 1e-9),
                              track.mean(), track.std(), slope, loudness.std(),
                              np.abs(np.diff(on)).mean() if len(on) > 1 else 0.0,
                              np.abs(np.diff(track)).mean() if len(track) > 1 else 0.0])
    features = np.array(features)
    test = sounds.take < 5
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    model.fit(features[~test], sounds.y[~test])
    assert model.score(features[test], sounds.y[test]) > 0.8


# ------------------------------------------------------------------- the "fsdd" entry


def test_fsdd_is_registered_with_the_canonical_zip_and_manifest_checksum():
    source, = data.REGISTRY["fsdd"].sources
    assert isinstance(source, ZipSource)
    assert (source.path, source.url, source.sha256) == ("fsdd/recordings", FSDD_URL, FSDD_SHA)
    keep = data._FSDD.members
    import fnmatch

    assert fnmatch.fnmatchcase("free-spoken-digit-dataset-1.0.10/recordings/0_george_0.wav", keep)
    for other in ["free-spoken-digit-dataset-1.0.10/README.md",
                  "free-spoken-digit-dataset-1.0.10/utils/fsdd.py",
                  "free-spoken-digit-dataset-1.0.10/recordings/"]:
        assert not fnmatch.fnmatchcase(other, keep)


def test_fsdd_canonical(canonical_datasets, monkeypatch, capsys):
    if not (canonical_datasets / "fsdd" / "recordings").is_dir():
        pytest.skip(f"{canonical_datasets} has no fsdd/recordings")
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_PATH", str(canonical_datasets))
    ds = data.load("fsdd")
    assert ds.canonical and "stand-in" not in capsys.readouterr().out
    assert ds.x_train.shape == (2700, 8000) and ds.x_test.shape == (300, 8000)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.class_names[:3] == ["zero", "one", "two"] and len(ds.class_names) == 10
    extras = ds.extras
    assert extras["sample_rate"] == 8000
    assert extras["speakers"] == ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
    assert np.bincount(extras["speaker_train"]).tolist() == [450] * 6
    assert np.bincount(extras["speaker_test"]).tolist() == [50] * 6
    assert np.bincount(ds.y_test).tolist() == [30] * 10
    # The first test clip is 0_george_0.wav, the first training clip 0_george_5.wav.
    recordings = canonical_datasets / "fsdd" / "recordings"
    for x, length, name in [(ds.x_test[0], extras["length_test"][0], "0_george_0.wav"),
                            (ds.x_train[0], extras["length_train"][0], "0_george_5.wav")]:
        clip, _ = audio.read_wav(recordings / name)
        assert length == len(clip)
        np.testing.assert_array_equal(x, audio.fix_length(clip, 8000))
    assert (extras["length_train"] > 8000).sum() + (extras["length_test"] > 8000).sum() == 20
    short = data.load("fsdd", length=4000)
    assert short.x_train.shape == (2700, 4000)
    np.testing.assert_array_equal(short.x_train, ds.x_train[:, :4000])
    with pytest.raises(ValueError, match="length"):
        data.load("fsdd", length=0)


def test_fsdd_offline_standin_has_the_same_shapes(capsys):
    ds = data.load("fsdd")
    out = capsys.readouterr().out
    assert not ds.canonical and "stand-in" in ds.name and "COURSE_OFFLINE=1" in out
    assert ds.x_train.shape == (2700, 8000) and ds.x_test.shape == (300, 8000)
    assert ds.x_train.dtype == np.float32
    assert ds.class_names == list(audio.SOUND_CLASSES)
    assert ds.extras["speakers"] == list(audio.VOICES)
    assert np.bincount(ds.extras["speaker_train"]).tolist() == [450] * 6
    assert np.bincount(ds.extras["speaker_test"]).tolist() == [50] * 6
    assert np.bincount(ds.y_train).tolist() == [270] * 10
    assert ds.extras["sample_rate"] == 8000
    assert (ds.extras["length_test"] <= 8000).all()
    with pytest.raises(ValueError, match="length"):
        data.load("fsdd", length=-1)


# ----------------------------------------------------- downloading and unpacking the zip


def _wav_bytes(value: int, n: int = 400) -> bytes:
    buffer = io.BytesIO()
    wavfile.write(buffer, 8000, np.full(n, value, np.int16))
    return buffer.getvalue()


RECORDINGS = {f"{d}_{s}_{i}.wav": _wav_bytes(100 * d + 10 * k + i)
              for d in range(2) for k, s in enumerate(["ann", "bob"]) for i in range(10)}


def _zip(files: dict[str, bytes], top: str = "free-spoken-digit-dataset-1.0.10") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{top}/README.md", b"# FSDD")
        archive.writestr(f"{top}/utils/spectogramer.py", b"print('hi')")
        archive.writestr(f"{top}/recordings/", b"")  # a directory entry
        for name, content in files.items():
            archive.writestr(f"{top}/recordings/{name}", content)
    return buffer.getvalue()


def _combined(files: dict[str, bytes], prefix: str = "fsdd/recordings") -> str:
    lines = sorted((f"{prefix}/{name}", hashlib.sha256(content).hexdigest())
                   for name, content in files.items())
    return hashlib.sha256("".join(f"{h}  {p}\n" for p, h in lines).encode()).hexdigest()


@pytest.fixture
def fsdd_from(monkeypatch):
    """Point the "fsdd" entry at another URL and checksum; allow downloads."""
    monkeypatch.delenv("COURSE_OFFLINE")

    def _point(url: str, sha256: str, size: int = sum(map(len, RECORDINGS.values()))
               ) -> ZipSource:
        source = ZipSource("fsdd/recordings", url, sha256, members="*/recordings/*.wav",
                           size=size)
        entry = data.REGISTRY["fsdd"]
        monkeypatch.setitem(data.REGISTRY, "fsdd", data.Entry(
            entry.name, entry.description, entry.license, entry.citation, entry.build,
            (source,), entry.standin))
        return source

    return _point


def _all_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*")) if directory.exists() else []


def test_zip_download_unpacks_only_the_recordings_and_verifies_them(
        http_server, fsdd_from, course_env, capsys):
    fsdd_from(http_server.add("fsdd.zip", _zip(RECORDINGS)), _combined(RECORDINGS))
    ds = data.load("fsdd")
    assert ds.canonical and "stand-in" not in capsys.readouterr().out
    assert ds.x_train.shape == (20, 8000) and ds.x_test.shape == (20, 8000)
    assert ds.extras["speakers"] == ["ann", "bob"]
    folder = course_env / "fsdd" / "recordings"
    assert sorted(p.name for p in folder.iterdir()) == sorted(RECORDINGS)
    assert _all_files(course_env) == [course_env / "fsdd", folder,
                                      *sorted(folder / n for n in RECORDINGS)]
    assert (folder / "1_bob_7.wav").read_bytes() == RECORDINGS["1_bob_7.wav"]
    data.load("fsdd")  # the verified cache is used: no second download
    assert http_server.requests == ["/fsdd.zip"]


@pytest.mark.parametrize("content, phrase", [
    (_zip({**RECORDINGS, "0_ann_0.wav": _wav_bytes(7)}), "hash mismatch"),
    (_zip({"0_ann_0.wav": RECORDINGS["0_ann_0.wav"]}), "hash mismatch"),  # files missing
    (b"<html>rate limited</html>", "not a valid zip"),
    (_zip({}, top="elsewhere"), "no file matching"),
])
def test_bad_archives_are_named_and_leave_nothing(http_server, fsdd_from, course_env, content,
                                                  phrase):
    source = fsdd_from(http_server.add("fsdd.zip", content), _combined(RECORDINGS))
    with pytest.raises(DataError, match=phrase) as info:
        data.fetch(source)
    assert "fsdd.zip" in str(info.value)
    assert _all_files(course_env) == [course_env / "fsdd"]  # no archive, no half a folder


def test_a_bad_archive_gives_the_standin_with_one_line(http_server, fsdd_from, course_env,
                                                       capsys):
    fsdd_from(http_server.add("fsdd.zip", _zip({"0_ann_0.wav": b"?"})), _combined(RECORDINGS))
    ds = data.load("fsdd")
    out = capsys.readouterr().out
    assert not ds.canonical and ds.x_train.shape == (2700, 8000)
    assert "Using the stand-in" in out and "hash mismatch" in out
    assert _all_files(course_env) == [course_env / "fsdd"]


def test_a_truncated_zip_download_is_named(http_server, fsdd_from, course_env):
    source = fsdd_from(http_server.url("truncated/100000"), _combined(RECORDINGS))
    with pytest.raises(DataError, match="connection dropped|could not download"):
        data.fetch(source)
    assert _all_files(course_env) == [course_env / "fsdd"]


def test_server_down_names_the_url(fsdd_from, closed_port, course_env):
    source = fsdd_from(f"http://127.0.0.1:{closed_port}/fsdd.zip", _combined(RECORDINGS))
    with pytest.raises(DataError, match=f"could not download http://127.0.0.1:{closed_port}"):
        data.fetch(source)


def test_real_recordings_through_the_zip_path(canonical_datasets, http_server, fsdd_from,
                                              course_env):
    recordings = canonical_datasets / "fsdd" / "recordings"
    if not recordings.is_dir():
        pytest.skip(f"{canonical_datasets} has no fsdd/recordings")
    files = {p.name: p.read_bytes() for p in recordings.glob("*.wav")}
    # The real checksum of the MANIFEST: what the canonical zip must unpack to.
    # The size cap of the registry, which the real recordings must fit in.
    fsdd_from(http_server.add("v1.0.10.zip", _zip(files)), FSDD_SHA,
              data.REGISTRY["fsdd"].sources[0].size)
    ds = data.load("fsdd")
    assert ds.canonical and ds.x_train.shape == (2700, 8000)
    assert len(list((course_env / "fsdd" / "recordings").iterdir())) == 3000


# ---------------------------------------------------------------- data augmentation


def test_augment_waveforms_is_deterministic_and_perturbs_every_clip():
    x = np.tile(np.sin(np.arange(2000) / 7.0), (4, 1)).astype(np.float32)
    x[:, 1500:] = 0.0
    first = audio.augment_waveforms(x, np.random.default_rng(5))
    again = audio.augment_waveforms(x, np.random.default_rng(5))
    assert first.shape == x.shape and first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    assert all(not np.allclose(row, x[0], atol=1e-3) for row in first)
    np.testing.assert_array_equal(x[:, 1500:], 0.0)  # the input is unchanged


def test_augment_waveforms_each_perturbation_alone():
    x = np.zeros((1, 1000), dtype=np.float32)
    x[0, 100:200] = np.hanning(100)
    still = dict(max_shift=0.0, speed=(1.0, 1.0), gain_db=0.0, noise_db=(-300.0, -300.0))
    shifted = audio.augment_waveforms(x, np.random.default_rng(0), **{**still, "max_shift": 0.3})
    lag = int(np.argmax(shifted[0])) - int(np.argmax(x[0]))
    assert lag != 0 and abs(lag) <= 300
    assert shifted[0].max() == pytest.approx(1.0, abs=0.01)  # moved, not changed
    louder = audio.augment_waveforms(x, np.random.default_rng(0), **{**still, "gain_db": 6.0})
    ratio = louder[0].max() / x[0].max()
    assert 10 ** (-6 / 20) - 1e-6 <= ratio <= 10 ** (6 / 20) + 1e-6 and abs(ratio - 1) > 1e-3
    faster = audio.augment_waveforms(x, np.random.default_rng(0), **{**still, "speed": (2.0, 2.0)})
    assert int(np.argmax(faster[0])) == pytest.approx(np.argmax(x[0]) / 2, abs=1)
    noisy = audio.augment_waveforms(x, np.random.default_rng(0),
                                    **{**still, "noise_db": (-20.0, -20.0)})
    assert np.std(noisy[0, 500:]) == pytest.approx(0.1, rel=0.2)  # 20 dB below a peak of 1


def test_augment_waveforms_rejects_bad_settings():
    with pytest.raises(ValueError, match="2-D"):
        audio.augment_waveforms(np.zeros(10), np.random.default_rng(0))
    with pytest.raises(ValueError, match="max_shift"):
        audio.augment_waveforms(np.zeros((2, 10)), np.random.default_rng(0), speed=(1.2, 0.8))


def test_mask_spectrogram_masks_a_band_and_a_stretch_only():
    spec = np.arange(30.0).reshape(5, 6)
    masked = audio.mask_spectrogram(spec, 1, 2, 4, 9, fill=-1.0)
    expected = spec.copy()
    expected[1:3, :] = -1.0
    expected[:, 4:] = -1.0
    np.testing.assert_array_equal(masked, expected)
    np.testing.assert_array_equal(audio.mask_spectrogram(spec, 2, 0, 3, 0), spec)
    assert spec[1, 0] == 6.0  # unchanged
    with pytest.raises(ValueError, match="2-D"):
        audio.mask_spectrogram(np.zeros(4), 0, 1, 0, 1)
    with pytest.raises(ValueError, match="freq_width"):
        audio.mask_spectrogram(spec, 0, -1, 0, 1)


def test_spec_augment_is_mask_spectrogram_for_every_clip():
    specs = np.random.default_rng(0).normal(size=(50, 8, 10)) + 5.0
    masked = audio.spec_augment(specs, np.random.default_rng(2), 3, 4, fill=0.0)
    assert masked.shape == specs.shape and (specs != 0).all()
    widths = set()
    for spec, out in zip(specs, masked, strict=True):
        rows = np.flatnonzero((out == 0).all(axis=1))
        cols = np.flatnonzero((out == 0).all(axis=0))
        f0, fw = (rows[0], len(rows)) if len(rows) else (0, 0)
        t0, tw = (cols[0], len(cols)) if len(cols) else (0, 0)
        assert fw <= 3 and tw <= 4
        np.testing.assert_array_equal(out, audio.mask_spectrogram(spec, f0, fw, t0, tw))
        widths.add((fw, tw))
    assert len(widths) > 5  # widths vary from clip to clip
    again = audio.spec_augment(specs, np.random.default_rng(2), 3, 4)
    np.testing.assert_array_equal(masked, again)
    with pytest.raises(ValueError, match="must fit"):
        audio.spec_augment(specs, np.random.default_rng(0), 9, 4)
