"""The checks of notebook 06 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.checks import CheckFailed
from helpers.checks import audio as check

# ---------------------------------------------------------------------- frame_signal


def frames_reference(x, frame_length, frame_step):
    n_frames = max(0, 1 + (len(x) - frame_length) // frame_step)
    frames = np.zeros((n_frames, frame_length))
    for t in range(n_frames):
        frames[t] = x[t * frame_step:t * frame_step + frame_length]
    return frames


def test_frame_signal_reference_passes(capsys):
    check.frame_signal(frames_reference)
    check.frame_signal(frames_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_frame_signal_vectorized_solution_passes():
    def vectorized(x, frame_length, frame_step):
        if len(x) < frame_length:
            return np.zeros((0, frame_length))
        return np.lib.stride_tricks.sliding_window_view(x, frame_length)[::frame_step]

    check.frame_signal(vectorized, hidden=True)


def test_frame_signal_blank_fails():
    def blank(x, frame_length, frame_step):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.frame_signal(blank)


def _padded_last_frame(x, frame_length, frame_step):
    n_frames = math.ceil(max(len(x) - frame_length, 0) / frame_step) + 1
    padded = np.pad(x, (0, (n_frames - 1) * frame_step + frame_length - len(x)))
    return frames_reference(padded, frame_length, frame_step)


def _one_too_few(x, frame_length, frame_step):
    return frames_reference(x, frame_length, frame_step)[:-1]


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x, length, step: frames_reference(x, length, step).T, "one frame per row"),
    (lambda x, length, step: np.array([x[t:t + length] for t in range(
        1 + (len(x) - length) // step)]), "t * frame_step"),
    (_padded_last_frame, "whole frames"),
    (_one_too_few, "one frame too few"),
    (lambda x, length, step: np.array([x[s:s + length] for s in range(
        0, len(x) - length + 1, step)]), "empty array of shape"),  # fails on a short signal
    (lambda x, length, step: frames_reference(x, length, step) * 2, "Hint"),
])
def test_frame_signal_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.frame_signal(wrong)
    message = str(info.value)
    assert phrase in message and "expected" in message and "Hint" in message


def test_frame_signal_none_errors_and_in_place_changes_fail():
    with pytest.raises(CheckFailed, match="forget to `return`"):
        check.frame_signal(lambda x, length, step: None)
    with pytest.raises(CheckFailed, match="raised ZeroDivisionError"):
        check.frame_signal(lambda x, length, step: 1 // 0)

    def in_place(x, length, step):
        out = frames_reference(x, length, step)
        x[:] = 0
        return out

    with pytest.raises(CheckFailed, match="in place"):
        check.frame_signal(in_place)
    with pytest.raises(CheckFailed, match="should be a function"):
        check.frame_signal("frames")


def test_frame_signal_hidden_cases_catch_a_frame_length_of_one():
    # Right except where frames are a single sample (a hidden case).
    def no_single_samples(x, length, step):
        return frames_reference(x, length, step) if length > 1 else x[:, None][::step] * 0

    check.frame_signal(no_single_samples)
    with pytest.raises(CheckFailed):
        check.frame_signal(no_single_samples, hidden=True)


# ------------------------------------------------------------------------- mel scale


def to_mel(hz):
    return 1127.0 * np.log(1.0 + np.asarray(hz) / 700.0)


def to_hz(mel):
    return 700.0 * (np.exp(np.asarray(mel) / 1127.0) - 1.0)


def test_mel_scale_reference_passes(capsys):
    check.mel_scale(to_mel, to_hz)
    check.mel_scale(to_mel, to_hz, hidden=True)
    assert "correct" in capsys.readouterr().out


def test_mel_scale_log10_form_passes_too():
    check.mel_scale(lambda f: 2595 * np.log10(1 + np.asarray(f) / 700),
                    lambda m: 700 * (10 ** (np.asarray(m) / 2595) - 1), hidden=True)


def test_mel_scale_blank_fails():
    def blank(values):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="hz_to_mel is not implemented"):
        check.mel_scale(blank, to_hz)
    with pytest.raises(CheckFailed, match="mel_to_hz is not implemented"):
        check.mel_scale(to_mel, blank)


@pytest.mark.parametrize("mel, hz, phrase", [
    (lambda f: 2595 * np.log(1 + f / 700), to_hz, "2595 goes with log10"),
    (lambda f: 1127 * np.log10(1 + f / 700), to_hz, "1127 goes with the natural log"),
    (lambda f: 1127 * np.log(f / 700), to_hz, "without the 1 +"),
    (to_mel, lambda m: 700 * np.exp(m / 1127), "mind the - 1"),
    (to_mel, lambda m: 700 * (10 ** (m / 1127) - 1), "np.exp"),
    (lambda f: 1127 * math.log(1 + f / 700), to_hz, "np.log"),  # math.log: scalars only
    (lambda f: float(np.sum(to_mel(f))), to_hz, "one value per input"),
    (to_mel, lambda m: m, "f = 700 (exp(m / 1127) - 1)"),
])
def test_mel_scale_wrong_answers_fail_with_a_useful_message(mel, hz, phrase):
    with pytest.raises(CheckFailed) as info, np.errstate(divide="ignore"):
        check.mel_scale(mel, hz)
    assert phrase in str(info.value) and "Hint" in str(info.value)


def test_mel_scale_needs_single_numbers_to_work():
    def arrays_only(values):
        if np.ndim(values) == 0:
            raise TypeError("only arrays, please")
        return to_mel(values)

    with pytest.raises(CheckFailed, match=r"hz_to_mel\(1000.0\) raised TypeError"):
        check.mel_scale(arrays_only, to_hz)


# ----------------------------------------------------------------- spectral centroid


def centroid_reference(spectrogram, sample_rate):
    freqs = np.linspace(0, sample_rate / 2, spectrogram.shape[1])
    total = spectrogram.sum(axis=1)
    return np.where(total > 0, spectrogram @ freqs / np.where(total > 0, total, 1), 0.0)


def test_spectral_centroid_reference_passes(capsys):
    check.spectral_centroid(centroid_reference)
    check.spectral_centroid(centroid_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_spectral_centroid_loop_solution_passes():
    def loops(spectrogram, sample_rate):
        frames, bins = spectrogram.shape
        out = []
        for t in range(frames):
            total = sum(spectrogram[t])
            weighted = sum(k * sample_rate / (2 * (bins - 1)) * spectrogram[t, k]
                           for k in range(bins))
            out.append(weighted / total if total > 0 else 0.0)
        return out

    check.spectral_centroid(loops, hidden=True)


def test_spectral_centroid_blank_fails():
    def blank(spectrogram, sample_rate):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.spectral_centroid(blank)


def _freq_weighted(freqs_of):
    def centroid(spectrogram, sample_rate):
        total = spectrogram.sum(axis=1)
        weighted = spectrogram @ freqs_of(spectrogram.shape[1], sample_rate)
        return np.where(total > 0, weighted / np.where(total > 0, total, 1), 0.0)

    return centroid


@pytest.mark.parametrize("wrong, phrase", [
    (_freq_weighted(lambda bins, sr: np.arange(bins) * sr / bins), "sample_rate / 2 inclusive"),
    (_freq_weighted(lambda bins, sr: np.linspace(0, sr, bins)), "Nyquist"),
    (_freq_weighted(lambda bins, sr: np.arange(bins, dtype=float)), "convert bin numbers"),
    (lambda s, sr: s @ np.linspace(0, sr / 2, s.shape[1]), "weighted mean"),
    (lambda s, sr: s.T @ np.linspace(0, sr / 2, s.shape[0]) / s.sum(axis=0),
     "one number per frame"),
    (lambda s, sr: s @ np.linspace(0, sr / 2, s.shape[1]) / s.sum(axis=1), "silent frame"),
    (lambda s, sr: centroid_reference(s, sr) + 1.0, "Hint"),
])
def test_spectral_centroid_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.spectral_centroid(wrong)
    message = str(info.value)
    assert phrase in message and "expected" in message and "Hint" in message


def test_spectral_centroid_none_and_errors_fail():
    with pytest.raises(CheckFailed, match="forget to `return`"):
        check.spectral_centroid(lambda s, sr: None)
    with pytest.raises(CheckFailed, match="raised KeyError"):
        check.spectral_centroid(lambda s, sr: {}["frames"])
    with pytest.raises(CheckFailed, match="numbers"):
        check.spectral_centroid(lambda s, sr: "high")


# ------------------------------------------------------------------ mask_spectrogram


def masks_reference(spec, freq_start, freq_width, time_start, time_width, fill=0.0):
    masked = np.array(spec, dtype=float)
    masked[freq_start:freq_start + freq_width, :] = fill
    masked[:, time_start:time_start + time_width] = fill
    return masked


def test_mask_spectrogram_reference_passes(capsys):
    check.mask_spectrogram(masks_reference)
    check.mask_spectrogram(masks_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_mask_spectrogram_with_np_where_passes():
    def with_where(spec, f0, fw, t0, tw, fill=0.0):
        rows = np.arange(spec.shape[0])[:, None]
        cols = np.arange(spec.shape[1])[None, :]
        band = (rows >= f0) & (rows < f0 + fw)
        stretch = (cols >= t0) & (cols < t0 + tw)
        return np.where(band | stretch, fill, spec)

    check.mask_spectrogram(with_where, hidden=True)


def test_mask_spectrogram_blank_fails():
    def blank(spec, f0, fw, t0, tw, fill=0.0):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.mask_spectrogram(blank)


def _in_place(spec, f0, fw, t0, tw, fill=0.0):
    spec[f0:f0 + fw, :] = fill
    spec[:, t0:t0 + tw] = fill
    return spec


def _crossing_only(spec, f0, fw, t0, tw, fill=0.0):
    out = spec.copy()
    out[f0:f0 + fw, t0:t0 + tw] = fill
    return out


def _axes_swapped(spec, f0, fw, t0, tw, fill=0.0):
    out = np.array(spec, dtype=float)
    out[:, f0:f0 + fw] = fill
    out[t0:t0 + tw, :] = fill
    return out


def _one_too_wide(spec, f0, fw, t0, tw, fill=0.0):
    return masks_reference(spec, f0, fw + 1, t0, tw + 1, fill)


def _frequency_only(spec, f0, fw, t0, tw, fill=0.0):
    return masks_reference(spec, f0, fw, t0, 0, fill)


@pytest.mark.parametrize("wrong, phrase", [
    (_in_place, "changed spec in place"),
    (_crossing_only, "not only the rectangle where they cross"),
    (_axes_swapped, r"select rows \(axis 0\)"),
    (_one_too_wide, r"not w \+ 1"),
    (_frequency_only, "mask the time band"),
    (lambda spec, f0, fw, t0, tw, fill=0.0: masks_reference(spec, f0, fw, t0, tw, fill)[f0:],
     "the same shape as spec"),
    (lambda spec, f0, fw, t0, tw, fill=0.0: None, "forget to `return`"),
])
def test_mask_spectrogram_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed, match=phrase):
        check.mask_spectrogram(wrong)
