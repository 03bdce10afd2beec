"""Checks for notebook 06: frames, the mel scale and a spectral feature.

The notebook imports them as ``from helpers.checks import audio as check``:

* ``check.frame_signal(fn)``: ``fn(x, frame_length, frame_step)``, the frames of a signal;
* ``check.mel_scale(to_mel, to_hz)``: Hz to mels and back, the HTK formula Keras uses;
* ``check.spectral_centroid(fn)``: ``fn(spectrogram, sample_rate)``, one frequency per frame;
* ``check.mask_spectrogram(fn)``: ``fn(spec, freq_start, freq_width, time_start, time_width,
  fill)``, SpecAugment's frequency and time masks.

Each compares with the reference in ``helpers.audio``, which the tests check against
``keras.ops.stft``, ``scipy.signal.stft`` and ``keras.layers.MelSpectrogram``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from helpers import audio
from helpers.checks import _fail, _short, call_student, expect_close, hidden_rng, passed

__all__ = ["frame_signal", "mel_scale", "spectral_centroid", "mask_spectrogram"]

# The course functions that answer each check (the grader scores a submission that calls
# them zero): tools/grade.py reads this.
REFERENCES: dict[str, tuple[str, ...]] = {
    "frame_signal": ("helpers.audio.frame_signal",),
    "mel_scale": ("helpers.audio.hz_to_mel", "helpers.audio.mel_to_hz",
                  "helpers.audio.mel_filterbank"),
    "spectral_centroid": ("helpers.audio.spectral_centroid",),
    "mask_spectrogram": ("helpers.audio.mask_spectrogram", "helpers.audio.spec_augment"),
}


def _call(student: Callable, args: tuple, name: str, call: str, hint: str | None):
    """call_student, and a reminder to `return` when the student's function returns None."""
    got = call_student(student, args, name, call, hint)
    if got is None:
        _fail(f"{call} returned None: did you forget to `return` the result?", None)
    return got


def _as_array(got, call: str) -> np.ndarray:
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{call} should return numbers, got {_short(got)}.", None)


def _same(got: np.ndarray, expected: np.ndarray, rtol: float = 1e-6) -> bool:
    return got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=1e-9)


# ------------------------------------------------------------ exercise: frame a signal


def _frame_cases(hidden: bool) -> list[tuple[np.ndarray, int, int]]:
    """(x, frame_length, frame_step): small readable ones first, then a real-sized clip."""
    rng = hidden_rng(7) if hidden else np.random.default_rng(6)
    if hidden:
        return [(np.arange(100.0), 10, 7), (rng.normal(size=8000), 256, 128),
                (np.arange(7.0), 7, 3), (np.arange(2.0), 3, 1), (np.arange(20.0), 1, 1),
                (rng.normal(size=1000), 200, 300)]
    return [(np.arange(10.0), 4, 2),  # overlapping frames, half a frame apart
            (np.arange(12.0), 4, 4),  # side by side
            (np.arange(9.0), 4, 2),  # a partial frame at the end is dropped
            (np.arange(5.0), 5, 1),  # exactly one frame
            (np.arange(10.0), 3, 4),  # steps longer than a frame: gaps between frames
            (np.arange(3.0), 4, 1),  # shorter than one frame: no frame at all
            (rng.normal(size=1000), 256, 128)]


def _frame_hint(got: np.ndarray, x: np.ndarray, length: int, step: int) -> str:
    expected = audio.frame_signal(x, length, step)
    n = len(expected)
    if got.ndim == 2 and got.shape == expected.shape[::-1] and _same(got.T, expected):
        return "one frame per row: the result is (number of frames, frame_length)."
    if n == 0 and got.size == 0:
        return (f"a signal shorter than one frame has no frame: return an empty array of shape "
                f"(0, {length}), e.g. np.zeros((0, frame_length)).")
    if got.ndim == 2 and got.shape[1] == length and len(got) == n + 1 and _same(got[:n], expected):
        return ("keep only whole frames: a frame that would run past the end of the signal "
                "is dropped, not padded. There are 1 + (len(x) - frame_length) // frame_step.")
    if got.ndim == 2 and got.shape[1] == length and len(got) == n - 1:
        return ("one frame too few: frames start at 0, step, 2 step, ... up to and including "
                "len(x) - frame_length, which makes 1 + (len(x) - frame_length) // frame_step.")
    if got.ndim == 2 and got.shape == expected.shape and step > 1 and n > 1 and np.allclose(
            got[1], x[1:1 + length]):
        return "frame t starts at sample t * frame_step, not at t."
    if got.shape != expected.shape:
        return (f"expected {n} frames of {length} samples: 1 + (len(x) - frame_length) // "
                "frame_step whole frames.")
    return "row t is x[t * frame_step : t * frame_step + frame_length]."


def frame_signal(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(x, frame_length, frame_step)``: the frames of a signal, one per row.

    Row ``t`` must be ``x[t * frame_step : t * frame_step + frame_length]``, for the
    ``1 + (len(x) - frame_length) // frame_step`` whole frames (none, shape
    ``(0, frame_length)``, for a signal shorter than a frame). Frames as columns fail:

    >>> frame_signal(lambda x, length, step: np.array(
    ...     [x[s:s + length] for s in range(0, len(x) - length + 1, step)]).T)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: frame_signal(x of 10 samples, frame_length=4, frame_step=2) is ...
    Hint: one frame per row...
    """
    name = "frame_signal"
    cases = _frame_cases(hidden)
    for x, length, step in cases:
        call = f"{name}(x of {len(x)} samples, frame_length={length}, frame_step={step})"
        original = x.copy()
        got = _as_array(_call(student, (x, length, step), name, call,
                              "frames are slices x[start : start + frame_length]."), call)
        if not np.array_equal(x, original):
            _fail(f"{call} changed x in place.", "copy the slices; leave the signal as it is.")
        expected = audio.frame_signal(original, length, step)
        if not _same(got, expected):
            hint = _frame_hint(got, original, length, step)
            if got.shape != expected.shape:
                _fail(f"{call} has shape {got.shape}, expected {expected.shape}.", hint)
            expect_close(got, expected, call, hint=hint)
    passed(name, f"{len(cases)} signals" + (" (hidden)" if hidden else ""))


# ------------------------------------------------------------------ exercise: mel scale

_HZ = [0.0, 100.0, 700.0, 1000.0, 4000.0, 8000.0]
_HZ_HIDDEN = [20.0, 440.0, 2500.0, 16000.0, 22050.0]


def _mel_hint(got: np.ndarray, hz: np.ndarray) -> str:
    if _same(got, 2595.0 * np.log(1 + hz / 700.0)):
        return "2595 goes with log10, 1127 with the natural log (np.log): pick one pair."
    if _same(got, 1127.0 * np.log10(1 + hz / 700.0)):
        return "1127 goes with the natural log (np.log), 2595 with log10: pick one pair."
    with np.errstate(divide="ignore"):
        no_one = 1127.0 * np.log(hz / 700.0)  # -inf at 0 Hz, as the student's would be
    if _same(got, no_one):
        return "mel(f) = 1127 ln(1 + f / 700): without the 1 +, 0 Hz would be -infinity."
    return "mel(f) = 1127 ln(1 + f / 700), elementwise (np.log works on arrays)."


def _hz_hint(got: np.ndarray, mel: np.ndarray) -> str:
    if _same(got, 700.0 * np.exp(mel / 1127.0)):
        return "solve m = 1127 ln(1 + f / 700) for f: f = 700 (exp(m / 1127) - 1); mind the - 1."
    if _same(got, 700.0 * (10 ** (mel / 1127.0) - 1)):
        return "the inverse of the natural log is np.exp; 10 ** goes with 2595 and log10."
    return "the inverse of mel(f) = 1127 ln(1 + f / 700) is f = 700 (exp(m / 1127) - 1)."


def _convert(student: Callable, values: np.ndarray, name: str, what: str) -> np.ndarray:
    shown = values if values.ndim == 0 else f"array {values.round(1).tolist()}"
    call = f"{name}({shown})"
    got = _call(student, (values.copy(),), name, call,
                "use numpy functions (np.log, np.exp), which work on whole arrays.")
    got = _as_array(got, call)
    if got.shape != values.shape:
        _fail(f"{call} has shape {got.shape}, expected {values.shape} (one {what} per input).",
              "compute elementwise with numpy; don't loop into a list or sum.")
    return got


def mel_scale(to_mel: Callable, to_hz: Callable, *, hidden: bool = False) -> None:
    """Check ``to_mel(hz)`` and ``to_hz(mel)``: the HTK mel scale of Keras and its inverse.

    ``mel(f) = 1127 ln(1 + f / 700)`` (the same as ``2595 log10(1 + f / 700)``),
    elementwise on numpy arrays; ``to_hz`` must undo ``to_mel``. Mixing up the two
    constants fails with a hint:

    >>> mel_scale(lambda f: 2595 * np.log(1 + f / 700), lambda m: 700 * np.expm1(m / 2595))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: hz_to_mel(array [...]) is ...
    Hint: 2595 goes with log10...
    """
    hz = np.array(_HZ + (_HZ_HIDDEN if hidden else []))
    mel = np.asarray(audio.hz_to_mel(hz))
    got = _convert(to_mel, hz, "hz_to_mel", "value")
    if not _same(got, mel, rtol=1e-4):
        expect_close(got, mel, f"hz_to_mel(array {hz.tolist()})", rtol=1e-4,
                     hint=_mel_hint(got, hz))
    grid = np.array([[0.0, 250.0], [1000.0, 3000.0]])  # any shape, not just 1-D
    expect_close(_convert(to_mel, grid, "hz_to_mel", "value"), audio.hz_to_mel(grid),
                 "hz_to_mel(a 2x2 array)", rtol=1e-4, hint=_mel_hint(got, hz))
    back = _convert(to_hz, mel, "mel_to_hz", "value")
    if not _same(back, hz, rtol=1e-4):
        expect_close(back, hz, f"mel_to_hz(array {mel.round(1).tolist()})", rtol=1e-4,
                     atol=1e-6, hint=_hz_hint(back, mel))
    rng = hidden_rng(9) if hidden else np.random.default_rng(8)
    freqs = rng.uniform(0, 8000, size=20)
    round_trip = _convert(to_hz, _convert(to_mel, freqs, "hz_to_mel", "value"), "mel_to_hz",
                          "value")
    expect_close(round_trip, freqs, "mel_to_hz(hz_to_mel(f)) for 20 random frequencies",
                 rtol=1e-4, hint="mel_to_hz must undo hz_to_mel exactly.")
    one = _call(to_mel, (1000.0,), "hz_to_mel", "hz_to_mel(1000.0)", None)
    if not math.isclose(float(np.asarray(one, dtype=float)), float(audio.hz_to_mel(1000.0)),
                        rel_tol=1e-4):
        _fail(f"hz_to_mel(1000.0) is {_short(one)}, expected about 1000.0.",
              "a single number must work too (np.log does; math.log on arrays does not).")
    passed("hz_to_mel and mel_to_hz", f"{len(hz)} frequencies, a 2-D array and 20 round trips")


# ---------------------------------------------------------- exercise: spectral centroid


def _tone_spectrogram(freq: float, sample_rate: int, n_fft: int) -> np.ndarray:
    t = np.arange(sample_rate // 4) / sample_rate
    return np.abs(audio.stft(np.sin(2 * np.pi * freq * t), n_fft, n_fft // 2))


def _centroid_cases(hidden: bool) -> list[tuple[np.ndarray, int]]:
    rng = hidden_rng(5) if hidden else np.random.default_rng(4)
    if hidden:
        noisy = rng.uniform(0, 1, size=(6, 65))
        noisy[2] = 0.0
        return [(np.array([[0.0, 0.0, 0.0, 0.0, 4.0]]), 44100),
                (_tone_spectrogram(3000.0, 16000, 512), 16000),
                (noisy, 22050), (rng.uniform(0, 1, size=(3, 2)), 8000)]
    peaked = np.zeros((3, 5))
    peaked[0, 1] = 1.0  # all energy in bin 1 of 5: 1/4 of the way to sr / 2
    peaked[1, [1, 3]] = 2.0  # two equal peaks: halfway between them
    peaked[2, 4] = 0.5  # the highest bin is sr / 2 itself
    with_silence = rng.uniform(0, 1, size=(4, 129))
    with_silence[1] = 0.0  # a silent frame
    return [(np.array([[0.0, 1.0, 0.0]]), 8000), (peaked, 8000),
            (_tone_spectrogram(1000.0, 8000, 256), 8000), (with_silence, 8000),
            (rng.uniform(0, 1, size=(5, 257)), 16000)]


def _centroid_hint(got: np.ndarray, spec: np.ndarray, sample_rate: int) -> str:
    bins = spec.shape[1]
    total = spec.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    if got.shape == (bins,):
        return ("one number per frame (row): sum over the frequency axis, axis=1, "
                f"giving {spec.shape[0]} values, not {bins}.")
    if got.shape == spec.shape[:1]:
        if np.isnan(got).any() and (total == 0).any():
            return ("a silent frame (all zeros) gives 0 / 0: return 0 Hz there (np.where, or "
                    "np.divide with where=).")
        for wrong, hint in [
            (np.arange(bins) * sample_rate / bins,
             "the bins run from 0 Hz to sample_rate / 2 inclusive: f_k = k * sample_rate / "
             "(2 (bins - 1)), i.e. np.linspace(0, sample_rate / 2, bins)."),
            (np.linspace(0, sample_rate, bins),
             "the last bin is the Nyquist frequency, sample_rate / 2, not sample_rate."),
            (np.arange(bins, dtype=float),
             "convert bin numbers to Hz: f_k = k * sample_rate / (2 (bins - 1))."),
        ]:
            if np.allclose(got, np.where(total > 0, spec @ wrong / safe, 0.0), rtol=1e-6):
                return hint
        if np.allclose(got, spec @ np.linspace(0, sample_rate / 2, bins), rtol=1e-6):
            return "divide by each frame's total, sum_k S[t, k]: it is a weighted mean."
    return "centroid[t] = sum_k f_k S[t, k] / sum_k S[t, k], with f_k in Hz."


def spectral_centroid(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(spectrogram, sample_rate)``: each frame's spectral centroid in Hz.

    ``spectrogram`` is (frames, bins), bins evenly spaced from 0 Hz to ``sample_rate / 2``;
    the answer is ``sum_k f_k S[t, k] / sum_k S[t, k]`` per frame, and 0 for a silent
    frame. Bin frequencies of ``k * sample_rate / bins`` fail with a hint:

    >>> spectral_centroid(lambda S, sr: S @ (np.arange(S.shape[1]) * sr / S.shape[1])
    ...                   / S.sum(axis=1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: spectral_centroid(spectrogram (1, 3), 8000) is [2666.6667], ...
    Hint: the bins run from 0 Hz...
    """
    name = "spectral_centroid"
    cases = _centroid_cases(hidden)
    for spec, sample_rate in cases:
        call = f"{name}(spectrogram {spec.shape}, {sample_rate})"
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 is caught below
            got = _call(student, (spec.copy(), sample_rate), name, call,
                        "spectrogram is a 2-D numpy array (frames, bins).")
        got = _as_array(got, call)
        expected = audio.spectral_centroid(spec, sample_rate)
        if not _same(got, expected, rtol=1e-4):
            hint = _centroid_hint(got, spec, sample_rate)
            if got.shape != expected.shape:
                _fail(f"{call} has shape {got.shape}, expected {expected.shape}.", hint)
            if np.isnan(got).any():
                _fail(f"{call} contains nan: {_short(got)}; expected {_short(expected)}.", hint)
            expect_close(got, expected, call, rtol=1e-4, hint=hint)
    passed(name, f"{len(cases)} spectrograms" + (" (hidden)" if hidden else ""))


# ------------------------------------------------------ exercise: SpecAugment's masks


def _mask_cases(hidden: bool) -> list[tuple[np.ndarray, int, int, int, int, float]]:
    """(spec, freq_start, freq_width, time_start, time_width, fill), readable ones first."""
    rng = hidden_rng(11) if hidden else np.random.default_rng(10)
    if hidden:
        spec = rng.normal(size=(40, 63))
        f0, t0 = int(rng.integers(0, 36)), int(rng.integers(0, 55))
        return [(spec, f0, int(rng.integers(1, 5)), t0, int(rng.integers(1, 9)), 0.0),
                (rng.normal(size=(7, 5)), 6, 3, 0, 5, -2.5),  # the band runs past the top
                (rng.normal(size=(1, 9)), 0, 1, 8, 1, 3.0),
                (rng.normal(size=(12, 20)), 11, 0, 19, 0, 1.0)]
    return [(np.arange(12.0).reshape(3, 4), 1, 1, 2, 1, -1.0),  # one row, one column
            (np.arange(20.0).reshape(4, 5), 0, 2, 1, 3, 0.0),  # two rows, three columns
            (np.ones((3, 4)), 1, 0, 0, 0, 0.0),  # widths 0: nothing is masked
            (np.arange(30.0).reshape(5, 6), 3, 4, 4, 5, 9.0),  # bands past the edges
            (rng.normal(size=(40, 63)), 10, 4, 30, 6, 0.0)]  # a mel spectrogram's shape


def _mask_hint(got: np.ndarray, spec: np.ndarray, f0: int, fw: int, t0: int, tw: int,
               fill: float) -> str:
    def masked(rows: slice, cols: slice, both: bool = False) -> np.ndarray:
        out = spec.astype(float).copy()
        if both:
            out[rows, cols] = fill
        else:
            out[rows, :] = fill
            out[:, cols] = fill
        return out

    if got.shape == spec.shape[::-1]:
        return "rows are frequency bins and columns are frames: keep the shape of spec."
    if got.shape != spec.shape:
        return "return the whole spectrogram, the same shape as spec, with the masks set."
    for wrong, hint in [
        (masked(slice(t0, t0 + tw), slice(f0, f0 + fw)),
         "freq_start and freq_width select rows (axis 0), time_start and time_width columns "
         "(axis 1)."),
        (masked(slice(f0, f0 + fw + 1), slice(t0, t0 + tw + 1)),
         "a band of width w starting at s covers s, s + 1, ..., s + w - 1: the slice s:s + w, "
         "w entries, not w + 1."),
        (masked(slice(f0, f0 + fw), slice(t0, t0 + tw), both=True),
         "the two masks are a whole band of rows and a whole band of columns, not only the "
         "rectangle where they cross."),
        (masked(slice(f0, f0 + fw), slice(0, 0)), "mask the time band (columns) too."),
        (masked(slice(0, 0), slice(t0, t0 + tw)), "mask the frequency band (rows) too."),
    ]:
        if np.allclose(got, wrong) and not np.allclose(wrong, masked(slice(f0, f0 + fw),
                                                                      slice(t0, t0 + tw))):
            return hint
    return ("set rows freq_start:freq_start + freq_width and columns "
            "time_start:time_start + time_width to fill; leave every other entry as it is.")


def mask_spectrogram(student: Callable, *, hidden: bool = False) -> None:
    """Check ``student(spec, freq_start, freq_width, time_start, time_width, fill)``.

    It must return a copy of the 2-D ``spec`` (frequency bins, frames) whose rows
    ``freq_start : freq_start + freq_width`` and columns ``time_start : time_start +
    time_width`` are ``fill`` (bands past the edge stop there, width 0 masks nothing),
    without changing ``spec``. Masking only where the two bands cross fails:

    >>> def crossing(spec, f0, fw, t0, tw, fill):
    ...     out = spec.copy()
    ...     out[f0:f0 + fw, t0:t0 + tw] = fill
    ...     return out
    >>> mask_spectrogram(crossing)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.checks.CheckFailed: mask_spectrogram(spec (3, 4), freq_start=1, freq_width=1, ...
    Hint: the two masks are a whole band of rows...
    """
    name = "mask_spectrogram"
    cases = _mask_cases(hidden)
    for spec, f0, fw, t0, tw, fill in cases:
        call = (f"{name}(spec {spec.shape}, freq_start={f0}, freq_width={fw}, "
                f"time_start={t0}, time_width={tw}, fill={fill})")
        original = spec.copy()
        got = _as_array(_call(student, (spec, f0, fw, t0, tw, fill), name, call,
                              "spec is a 2-D numpy array; copy it, then assign to slices."),
                        call)
        if not np.array_equal(spec, original):
            _fail(f"{call} changed spec in place.",
                  "work on a copy (spec.copy()): the training data must stay as it was.")
        expected = audio.mask_spectrogram(original, f0, fw, t0, tw, fill)
        if not _same(got, expected):
            hint = _mask_hint(got, original, f0, fw, t0, tw, fill)
            if got.shape != expected.shape:
                _fail(f"{call} has shape {got.shape}, expected {expected.shape}.", hint)
            expect_close(got, expected, call, hint=hint)
    passed(name, f"{len(cases)} spectrograms" + (" (hidden)" if hidden else ""))
