"""Sound for notebook 06: clips as arrays, the short-time Fourier transform from scratch,
the mel scale, and a generator of labelled synthetic sounds.

The numpy functions here compute what Keras' audio layers compute (``keras.ops.stft``,
``keras.layers.STFTSpectrogram``, ``keras.layers.MelSpectrogram``); the tests and the
notebook check them against Keras and scipy. ``make_sounds`` generates the offline
stand-in for the Free Spoken Digit Dataset: ten classes of sounds (tones, chirps, noise
bursts, clicks, ...) by six "voices", with the sample rate, clip length and split of the
real recordings, so that notebook 06 runs unchanged on both data tiers.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = [
    "SAMPLE_RATE",
    "CLIP_LENGTH",
    "SOUND_CLASSES",
    "VOICES",
    "Sounds",
    "read_wav",
    "fix_length",
    "frame_signal",
    "hann_window",
    "stft",
    "hz_to_mel",
    "mel_to_hz",
    "mel_filterbank",
    "spectral_centroid",
    "augment_waveforms",
    "mask_spectrogram",
    "spec_augment",
    "make_sounds",
]

SAMPLE_RATE = 8000  # Hz, the rate of the Free Spoken Digit Dataset
CLIP_LENGTH = 8000  # samples: one second at 8 kHz

# The mel scale of HTK, which Keras uses: mel(f) = 1127 ln(1 + f / 700), which is
# 2595 log10(1 + f / 700) to five digits (1127 ln 10 = 2595.02).
_MEL_Q = 1127.0
_MEL_BREAK_HZ = 700.0


def _count(value: object, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{what} must be an int of at least {minimum}, got {value!r}")
    return int(value)


def _signal(x, what: str = "x") -> np.ndarray:
    """A 1-D float array, with an error that says what is wrong with ``x``."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # e.g. a ragged list
        raise ValueError(f"{what} must be a 1-D array of samples: {exc}") from exc
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{what} must hold numbers (samples), got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{what} must be 1-D (one clip of samples), got shape {arr.shape}")
    return arr


# ---------------------------------------------------------------------- clips as arrays


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a PCM wav file as float32 samples in [-1, 1] and its sample rate in Hz.

    Integer samples are scaled by their type's full range (16-bit: 32768); the channels
    of a stereo file are averaged.

    >>> import tempfile, scipy.io.wavfile
    >>> path = Path(tempfile.mkdtemp()) / "a.wav"
    >>> scipy.io.wavfile.write(path, 8000, np.array([0, 16384, -32768], np.int16))
    >>> read_wav(path)
    (array([ 0. ,  0.5, -1. ], dtype=float32), 8000)
    """
    from scipy.io import wavfile

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no wav file at {path}")
    try:
        rate, samples = wavfile.read(path)
    except ValueError as exc:  # scipy's message does not name the file
        raise ValueError(f"{path} is not a PCM wav file scipy can read: {exc}") from exc
    if samples.dtype.kind == "u":  # 8-bit wav is unsigned, centred on 128
        samples = (samples.astype(np.float32) - 128.0) / 128.0
    elif samples.dtype.kind == "i":
        samples = samples.astype(np.float32) / float(-np.iinfo(samples.dtype).min)
    samples = samples.astype(np.float32)
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    return samples, int(rate)


def fix_length(x, length: int = CLIP_LENGTH) -> np.ndarray:
    """Pad a clip with zeros at the end, or cut it, to ``length`` samples, as float32.

    A network needs inputs of one shape; 1 s at 8 kHz holds all but a few recordings
    of the Free Spoken Digit Dataset.

    >>> fix_length([0.5, -0.5], 4), fix_length([1, 2, 3], 2)
    (array([ 0.5, -0.5,  0. ,  0. ], dtype=float32), array([1., 2.], dtype=float32))
    """
    x = _signal(x)
    length = _count(length, "length")
    out = np.zeros(length, dtype=np.float32)
    keep = min(length, len(x))
    out[:keep] = x[:keep]
    return out


# -------------------------------------------------------------------- the STFT, by hand


def frame_signal(x, frame_length: int, frame_step: int) -> np.ndarray:
    """Cut a signal into overlapping frames: row ``t`` is ``x[t * step : t * step + length]``.

    Only whole frames are kept, ``1 + (len(x) - frame_length) // frame_step`` of them
    (none when the signal is shorter than one frame), as ``keras.ops.stft`` with
    ``center=False`` and ``scipy.signal.stft`` with ``padded=False`` frame it.

    >>> frame_signal(np.arange(7), 4, 2)
    array([[0., 1., 2., 3.],
           [2., 3., 4., 5.]])
    """
    x = _signal(x).astype(np.float64)
    frame_length = _count(frame_length, "frame_length")
    frame_step = _count(frame_step, "frame_step")
    if len(x) < frame_length:
        return np.zeros((0, frame_length))
    windows = np.lib.stride_tricks.sliding_window_view(x, frame_length)[::frame_step]
    return windows.copy()  # a view would share memory with x


def hann_window(length: int, periodic: bool = True) -> np.ndarray:
    """The Hann window ``0.5 - 0.5 cos(2 pi n / N)``, rising from 0 to 1 and back.

    ``periodic=True`` (N = length, the default of ``keras.ops.stft`` and
    ``scipy.signal.get_window``) suits spectral analysis; ``periodic=False`` (N = length - 1)
    is symmetric, with a 0 at both ends.

    >>> hann_window(4)
    array([0. , 0.5, 1. , 0.5])
    """
    length = _count(length, "length")
    if length == 1:
        return np.ones(1)
    n = length if periodic else length - 1
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / n)


def stft(x, frame_length: int = 256, frame_step: int = 128, fft_length: int | None = None,
         window: str | np.ndarray | None = "hann", center: bool = False) -> np.ndarray:
    """Short-time Fourier transform: frames, times a window, through an FFT.

    Returns a complex array of shape (frames, ``fft_length // 2 + 1``): row ``t`` is the
    spectrum of frame ``t`` (which starts at sample ``t * frame_step``), column ``k`` the
    frequency ``k * sample_rate / fft_length``. ``fft_length`` defaults to
    ``frame_length`` (longer frames are zero-padded at the end). ``window`` is ``"hann"``
    (periodic), an array of ``frame_length`` weights, or None for none. ``center=True``
    first pads ``fft_length // 2`` mirrored samples at both ends, as ``keras.ops.stft``
    and ``keras.layers.MelSpectrogram`` do, so that frame ``t`` is centred on sample
    ``t * frame_step``.

    >>> spectrum = stft(np.cos(2 * np.pi * np.arange(16) / 4), frame_length=8, frame_step=8)
    >>> np.abs(spectrum).round(3)  # a cosine of period 4 samples: bin 8 / 4 = 2
    array([[0., 1., 2., 1., 0.],
           [0., 1., 2., 1., 0.]])
    """
    x = _signal(x).astype(np.float64)
    frame_length = _count(frame_length, "frame_length")
    frame_step = _count(frame_step, "frame_step")
    fft_length = frame_length if fft_length is None else _count(fft_length, "fft_length")
    if fft_length < frame_length:
        raise ValueError(f"fft_length ({fft_length}) must be at least frame_length "
                         f"({frame_length})")
    if isinstance(window, str):
        if window != "hann":
            raise ValueError(f'window must be "hann", an array or None, got {window!r}')
        weights = hann_window(frame_length)
    elif window is None:
        weights = np.ones(frame_length)
    else:
        weights = np.asarray(window, dtype=np.float64)
        if weights.shape != (frame_length,):
            raise ValueError(f"window must have frame_length={frame_length} weights, got "
                             f"shape {weights.shape}")
    if center:
        pad = fft_length // 2
        if len(x) <= pad:
            raise ValueError(f"center=True mirrors {pad} samples at each end, so x needs more "
                             f"than {pad} samples, got {len(x)}")
        x = np.pad(x, pad, mode="reflect")
    frames = frame_signal(x, frame_length, frame_step)
    return np.fft.rfft(frames * weights, n=fft_length, axis=-1)


# --------------------------------------------------------------------------- mel scale


def _frequencies(values, what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:  # a string, None, a ragged list
        raise TypeError(f"{what} must be a number or an array of numbers, got "
                        f"{values!r}") from exc


def _scalar_or_array(arr: np.ndarray) -> np.ndarray | float:
    return float(arr) if arr.ndim == 0 else arr


def hz_to_mel(hz) -> np.ndarray | float:
    """Frequency in Hz to mels, on the HTK scale Keras uses: ``1127 ln(1 + f / 700)``.

    The scale is close to linear below about 1 kHz and logarithmic above, like the
    pitch we hear; 1000 Hz is about 1000 mels.

    >>> round(hz_to_mel(1000.0), 1), hz_to_mel([0.0, 700.0]).round(2)
    (1000.0, array([  0.  , 781.18]))
    """
    return _scalar_or_array(_MEL_Q * np.log1p(_frequencies(hz, "hz") / _MEL_BREAK_HZ))


def mel_to_hz(mel) -> np.ndarray | float:
    """Mels back to Hz: ``700 (exp(m / 1127) - 1)``, the inverse of ``hz_to_mel``.

    >>> round(mel_to_hz(hz_to_mel(440.0)), 6)
    440.0
    """
    return _scalar_or_array(_MEL_BREAK_HZ * np.expm1(_frequencies(mel, "mel") / _MEL_Q))


def mel_filterbank(num_mel_bins: int, num_spectrogram_bins: int,
                   sample_rate: float = SAMPLE_RATE, lower_edge_hertz: float = 20.0,
                   upper_edge_hertz: float | None = None) -> np.ndarray:
    """Triangular filters, evenly spaced in mels, that turn a spectrum into a mel spectrum.

    Returns a (``num_spectrogram_bins``, ``num_mel_bins``) matrix ``W``: a spectrogram
    ``S`` of shape (frames, bins) becomes ``S @ W``, (frames, mel bins). Filter ``j`` rises
    from 0 at mel point ``j`` to 1 at point ``j + 1`` and falls to 0 at point ``j + 2``,
    linearly in mels, for ``num_mel_bins + 2`` points evenly spaced between the mels of
    the two edges; the DC bin is left out. This is
    ``keras.layers.MelSpectrogram.linear_to_mel_weight_matrix`` (HTK's convention).

    >>> W = mel_filterbank(4, 129, 8000)
    >>> W.shape, float(W.max()) <= 1.0, bool((W[0] == 0).all())
    ((129, 4), True, True)
    """
    num_mel_bins = _count(num_mel_bins, "num_mel_bins")
    num_spectrogram_bins = _count(num_spectrogram_bins, "num_spectrogram_bins", minimum=2)
    nyquist = sample_rate / 2.0
    upper = nyquist if upper_edge_hertz is None else float(upper_edge_hertz)
    if not 0 <= lower_edge_hertz < upper <= nyquist:
        raise ValueError(f"need 0 <= lower_edge_hertz < upper_edge_hertz <= sample_rate / 2 "
                         f"= {nyquist:g}, got {lower_edge_hertz!r} and {upper_edge_hertz!r}")
    bin_mels = hz_to_mel(np.linspace(0.0, nyquist, num_spectrogram_bins)[1:])[:, None]
    points = np.linspace(hz_to_mel(float(lower_edge_hertz)), hz_to_mel(upper), num_mel_bins + 2)
    lower, centre, upper_edge = points[:-2], points[1:-1], points[2:]
    rising = (bin_mels - lower) / (centre - lower)
    falling = (upper_edge - bin_mels) / (upper_edge - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.vstack([np.zeros((1, num_mel_bins)), weights])


def spectral_centroid(spectrogram, sample_rate: float = SAMPLE_RATE) -> np.ndarray:
    """The "centre of mass" of each frame's spectrum, in Hz: ``sum_k f_k S[t, k] / sum_k S[t, k]``.

    ``spectrogram`` is (frames, bins) of non-negative magnitudes or powers, bins from 0 Hz
    to ``sample_rate / 2`` (``f_k = k * sample_rate / (2 (bins - 1))``). A silent frame
    (all zeros) has centroid 0. Bright sounds (noise, clicks) have a high centroid, low
    tones a low one.

    >>> spectral_centroid([[0, 1, 0], [1, 0, 1]], sample_rate=8000)
    array([2000., 2000.])
    """
    spec = np.asarray(spectrogram, dtype=np.float64)
    if spec.ndim != 2 or spec.shape[1] < 2:
        raise ValueError(f"spectrogram must be 2-D (frames, frequency bins) with at least 2 "
                         f"bins, got shape {spec.shape}")
    if (spec < 0).any():
        raise ValueError("spectrogram must be magnitudes or powers (>= 0); for a complex STFT "
                         "pass np.abs(...)")
    freqs = np.linspace(0.0, sample_rate / 2.0, spec.shape[1])
    total = spec.sum(axis=1)
    weighted = spec @ freqs
    return np.divide(weighted, total, out=np.zeros_like(total), where=total > 0)


# ---------------------------------------------------------------- data augmentation


def augment_waveforms(x, rng: np.random.Generator, *, max_shift: float = 0.2,
                      speed: tuple[float, float] = (0.85, 1.15), gain_db: float = 6.0,
                      noise_db: tuple[float, float] = (-40.0, -20.0)) -> np.ndarray:
    """Randomly perturbed copies of clips (one per row of ``x``), as float32.

    Every clip draws its own perturbations from ``rng``:

    * **speed**: played ``r`` times faster, ``r`` uniform in ``speed``, by linear
      interpolation (output sample ``n`` is input sample ``r n``): shorter and ``r`` times
      higher in pitch, like a smaller or larger voice;
    * **time shift**: moved by up to ``max_shift`` of the clip's length either way, with
      zeros where nothing is left (no wrap-around);
    * **gain**: louder or softer by up to ``gain_db`` decibels;
    * **noise**: white noise at ``noise_db`` decibels (uniform in the range) below the
      clip's peak.

    The same generator state gives the same copies. Linear interpolation does not filter
    out what a speed-up moves above the Nyquist frequency; speech has little energy there.

    >>> x = np.tile(np.sin(np.arange(1000) / 10), (3, 1)).astype(np.float32)
    >>> y = augment_waveforms(x, np.random.default_rng(0))
    >>> y.shape, y.dtype, bool((y != x).any())
    ((3, 1000), dtype('float32'), True)
    >>> quiet = augment_waveforms(x, np.random.default_rng(0), max_shift=0.0, speed=(1, 1),
    ...                           gain_db=0.0, noise_db=(-200.0, -200.0))
    >>> bool(np.allclose(quiet, x, atol=1e-6))  # no perturbation: the clips themselves
    True
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (clips, samples), got shape {x.shape}")
    if not 0 <= max_shift < 1 or not 0 < speed[0] <= speed[1] or gain_db < 0 or \
            noise_db[0] > noise_db[1]:
        raise ValueError(f"need 0 <= max_shift < 1, 0 < speed[0] <= speed[1], gain_db >= 0 and "
                         f"noise_db[0] <= noise_db[1], got max_shift={max_shift!r}, "
                         f"speed={speed!r}, gain_db={gain_db!r}, noise_db={noise_db!r}")
    n, length = x.shape
    rate = rng.uniform(speed[0], speed[1], size=n)
    shift = rng.uniform(-max_shift, max_shift, size=n) * length
    gain = 10 ** (rng.uniform(-gain_db, gain_db, size=(n, 1)) / 20)
    noise = 10 ** (rng.uniform(noise_db[0], noise_db[1], size=(n, 1)) / 20)
    grid = np.arange(length)
    # np.interp is one C loop per clip: output sample n reads the input at r n - shift.
    out = np.stack([np.interp(grid * r - s, grid, row, left=0.0, right=0.0)
                    for r, s, row in zip(rate, shift, x, strict=True)])
    peak = np.abs(x).max(axis=1, keepdims=True)
    # In place: each new array of this size (clips x samples, float64) costs more to
    # allocate than to compute; the values are the same as out * gain + noise.
    out *= gain
    noise_draw = rng.standard_normal(out.shape)
    noise_draw *= peak * noise
    out += noise_draw
    return out.astype(np.float32)


def mask_spectrogram(spec, freq_start: int, freq_width: int, time_start: int,
                     time_width: int, fill: float = 0.0) -> np.ndarray:
    """A copy of ``spec`` (frequency bins, frames) with one band of frequencies and one
    stretch of time set to ``fill``: SpecAugment's masks.

    Rows ``freq_start`` to ``freq_start + freq_width - 1`` and columns ``time_start`` to
    ``time_start + time_width - 1`` are masked, as far as they lie inside the array (a
    width of 0 masks nothing).

    >>> mask_spectrogram(np.arange(12.0).reshape(3, 4), 1, 1, 2, 5, fill=-1.0)
    array([[ 0.,  1., -1., -1.],
           [-1., -1., -1., -1.],
           [ 8.,  9., -1., -1.]])
    """
    out = np.array(spec, dtype=float)  # a copy
    if out.ndim != 2:
        raise ValueError(f"spec must be 2-D (frequency bins, frames), got shape {out.shape}")
    for value, what in [(freq_start, "freq_start"), (freq_width, "freq_width"),
                        (time_start, "time_start"), (time_width, "time_width")]:
        _count(value, what, minimum=0)
    out[freq_start:freq_start + freq_width, :] = fill
    out[:, time_start:time_start + time_width] = fill
    return out


def spec_augment(specs, rng: np.random.Generator, max_freq_width: int = 4,
                 max_time_width: int = 6, fill: float = 0.0) -> np.ndarray:
    """SpecAugment on a batch (clips, frequency bins, frames): every spectrogram gets one
    frequency mask and one time mask, each of a width drawn from 0 to the maximum and at a
    position drawn uniformly, filled with ``fill``. ``mask_spectrogram`` for a whole batch
    at once; the input is not changed.

    >>> specs = np.ones((2, 5, 8))
    >>> masked = spec_augment(specs, np.random.default_rng(1), 2, 3)
    >>> masked.shape, bool(masked.min() == 0.0), bool(specs.min() == 1.0)
    ((2, 5, 8), True, True)
    """
    specs = np.asarray(specs)
    if specs.ndim != 3:
        raise ValueError(f"specs must be 3-D (clips, frequency bins, frames), got shape "
                         f"{specs.shape}")
    _count(max_freq_width, "max_freq_width", minimum=0)
    _count(max_time_width, "max_time_width", minimum=0)
    n, bins, frames = specs.shape
    if max_freq_width > bins or max_time_width > frames:
        raise ValueError(f"the masks must fit: max_freq_width <= {bins} bins and "
                         f"max_time_width <= {frames} frames, got {max_freq_width} and "
                         f"{max_time_width}")
    freq_width = rng.integers(0, max_freq_width + 1, size=(n, 1))
    freq_start = rng.integers(0, bins - freq_width + 1)
    time_width = rng.integers(0, max_time_width + 1, size=(n, 1))
    time_start = rng.integers(0, frames - time_width + 1)
    rows, cols = np.arange(bins), np.arange(frames)
    in_band = (rows >= freq_start) & (rows < freq_start + freq_width)  # (n, bins)
    in_time = (cols >= time_start) & (cols < time_start + time_width)  # (n, frames)
    return np.where(in_band[:, :, None] | in_time[:, None, :], fill, specs)


# ----------------------------------------------------------------- synthetic sounds

SOUND_CLASSES = ("tone", "rising chirp", "falling chirp", "vibrato", "tremolo", "chord",
                 "beeps", "buzz", "noise burst", "clicks")

# Each voice: base pitch (Hz), brightness (how strong the overtones are, 0..1) and
# background noise level; like a speaker, it colours every class it produces.
_VOICE_PARAMS = {
    "voice A": (220.0, 0.55, 0.010),
    "voice B": (300.0, 0.30, 0.004),
    "voice C": (420.0, 0.60, 0.020),
    "voice D": (260.0, 0.20, 0.015),
    "voice E": (520.0, 0.40, 0.006),
    "voice F": (350.0, 0.45, 0.012),
}
VOICES = tuple(_VOICE_PARAMS)


class Sounds(NamedTuple):
    """The arrays ``make_sounds`` returns, one row or entry per clip."""

    x: np.ndarray  # (n, length) float32 samples
    y: np.ndarray  # class index into SOUND_CLASSES
    voice: np.ndarray  # index into VOICES
    take: np.ndarray  # 0 .. takes - 1, as the index of a recording
    end: np.ndarray  # the sample where the sound ends (its length with the silence before)


def _harmonics(freq: np.ndarray, brightness: float, sample_rate: int) -> np.ndarray:
    """A tone following the frequency track ``freq`` (Hz, one value per sample) with
    overtones decaying as ``brightness ** (h - 1)``, none above 95% of the Nyquist frequency.

    The sum ``sum_{h=1}^{H} b^(h-1) sin(h phi)`` is the imaginary part of a geometric series,
    ``e^(i phi) (1 - z^H) / (1 - z)`` with ``z = b e^(i phi)``: a few operations per sample
    whatever the number ``H`` of overtones (which changes along a chirp).
    """
    phase = 2 * np.pi * np.cumsum(freq) / sample_rate
    count = np.clip(np.floor(0.95 * sample_rate / 2 / freq), 1, 40)
    rotation = np.exp(1j * phase)
    z = brightness * rotation
    return np.imag(rotation * (1 - z**count) / (1 - z))


def _envelope(n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    attack = max(1, min(n // 3, int(rng.uniform(0.005, 0.03) * sample_rate)))
    release = max(1, min(n // 3, int(rng.uniform(0.02, 0.08) * sample_rate)))
    env = np.ones(n)
    env[:attack] = np.linspace(0, 1, attack)
    env[n - release:] = np.linspace(1, 0, release)
    return env


def _sound(kind: str, voice: tuple[float, float, float], rng: np.random.Generator,
           sample_rate: int) -> np.ndarray:
    """One sound of class ``kind`` by ``voice``, without the silence around it."""
    base, brightness, _ = voice
    pitch = base * rng.uniform(0.8, 1.25)
    n = int(rng.uniform(0.3, 0.75) * sample_rate)
    t = np.arange(n) / sample_rate
    if kind == "tone":
        sound = _harmonics(np.full(n, pitch), brightness, sample_rate)
    elif kind in ("rising chirp", "falling chirp"):
        ratio = rng.uniform(2.0, 3.0)
        track = pitch * ratio ** (t / t[-1])
        sound = _harmonics(track if kind == "rising chirp" else track[::-1], brightness,
                           sample_rate)
    elif kind == "vibrato":
        depth, rate = rng.uniform(0.06, 0.12), rng.uniform(4.0, 8.0)
        track = pitch * (1 + depth * np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi)))
        sound = _harmonics(track, brightness, sample_rate)
    elif kind == "tremolo":
        rate = rng.uniform(8.0, 16.0)
        swell = 0.5 + 0.5 * np.sin(2 * np.pi * rate * t)
        sound = _harmonics(np.full(n, pitch), brightness, sample_rate) * swell
    elif kind == "chord":
        third = 1.25 if rng.random() < 0.5 else 1.2  # major or minor
        sound = sum(_harmonics(np.full(n, pitch * r), brightness, sample_rate)
                    for r in (1.0, third, 1.5)) / 2
    elif kind == "beeps":
        sound = np.zeros(n)
        start = 0
        beep = int(rng.uniform(0.05, 0.09) * sample_rate)
        gap = int(rng.uniform(0.04, 0.08) * sample_rate)
        tone = _harmonics(np.full(beep, pitch * 1.5), brightness, sample_rate)
        while start + beep <= n:
            sound[start:start + beep] = tone * _envelope(beep, sample_rate, rng)
            start += beep + gap
    elif kind == "buzz":
        # A low note with strong overtones, like a sawtooth: a dense comb of harmonics.
        sound = _harmonics(np.full(n, pitch / 3), 0.9, sample_rate) / 2
    elif kind == "noise burst":
        # A one-pole low-pass (its impulse response, cut where it has died out): the darker
        # the voice, the darker its noise.
        alpha = 0.2 + 0.7 * brightness
        response = alpha * (1 - alpha) ** np.arange(32)
        sound = np.convolve(rng.normal(size=n), response)[:n]
    elif kind == "clicks":
        rate = rng.uniform(12.0, 35.0)
        sound = np.zeros(n)
        ring = np.exp(-np.arange(40) / 6.0) * np.sin(2 * np.pi * pitch * 4 * np.arange(40)
                                                      / sample_rate)
        for start in (np.arange(0, t[-1], 1 / rate) * sample_rate).astype(int):
            stop = min(n, start + len(ring))
            sound[start:stop] += ring[:stop - start]
    else:
        raise ValueError(f"unknown sound class {kind!r}; known: {', '.join(SOUND_CLASSES)}")
    sound = sound * _envelope(n, sample_rate, rng)
    return sound / (np.abs(sound).max() + 1e-9)


def make_sounds(takes: int = 50, *, seed: int = 0, sample_rate: int = SAMPLE_RATE,
                length: int = CLIP_LENGTH) -> Sounds:
    """Labelled synthetic clips: every class of ``SOUND_CLASSES`` by every voice of
    ``VOICES``, ``takes`` times, like the 10 digits x 6 speakers x 50 takes of the Free
    Spoken Digit Dataset.

    Each take draws its own pitch (around the voice's), duration (0.3 to 0.75 s), onset,
    loudness, envelope and background noise; the same ``seed`` gives the same clips.
    Clips are float32, ``length`` samples long, silent (but for the noise) around the
    sound, ordered by class, then voice, then take.

    >>> sounds = make_sounds(takes=2, length=4000)
    >>> sounds.x.shape, sounds.x.dtype, sounds.y[:3].tolist(), sounds.take[:3].tolist()
    ((120, 4000), dtype('float32'), [0, 0, 0], [0, 1, 0])
    """
    takes = _count(takes, "takes")
    sample_rate = _count(sample_rate, "sample_rate", minimum=2000)
    length = _count(length, "length")
    rng = np.random.default_rng(seed)
    x = np.zeros((len(SOUND_CLASSES) * len(VOICES) * takes, length), dtype=np.float32)
    labels, voices, noise, ends = [], [], [], []
    for label, kind in enumerate(SOUND_CLASSES):
        for v, params in enumerate(_VOICE_PARAMS.values()):
            for _ in range(takes):
                sound = _sound(kind, params, rng, sample_rate) * rng.uniform(0.2, 0.8)
                sound = sound[:length]
                onset = int(rng.integers(0, length - len(sound) + 1))
                x[len(labels), onset:onset + len(sound)] = sound
                labels.append(label)
                voices.append(v)
                noise.append(params[2] * rng.uniform(0.5, 1.5))
                ends.append(onset + len(sound))
    x += rng.standard_normal(x.shape, dtype=np.float32) * np.asarray(noise, np.float32)[:, None]
    np.clip(x, -1.0, 1.0, out=x)
    take_ids = np.tile(np.arange(takes), len(labels) // takes)
    return Sounds(x, np.asarray(labels, dtype=np.int64), np.asarray(voices, dtype=np.int64),
                  take_ids, np.asarray(ends, dtype=np.int64))
