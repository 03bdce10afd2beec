# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 06 · Audio and spectrograms
#
# {{colab_badge}}
#
# A recording is a long 1-D list of numbers, and the pattern that tells a "five" from a
# "nine" is spread over thousands of them. The **spectrogram** rearranges those numbers
# into a 2-D picture, time along one axis and frequency along the other, where a word
# becomes a shape. Once sound is a picture, classifying it is the workflow of notebook 03:
# a CNN on a 2-D matrix. This notebook builds the spectrogram from scratch, checks it
# against scipy and Keras, and then lets Keras compute it inside a model that takes raw
# audio and recognises spoken digits.
#
# **What you will learn**
# - what a digital recording is: samples, sample rate, duration, and a fixed length for a network;
# - the short-time Fourier transform from scratch (frames, a window, an FFT), checked against `scipy.signal.stft` and `keras.layers.STFTSpectrogram`;
# - the mel scale and the mel spectrogram, by hand and with `keras.layers.MelSpectrogram`;
# - to classify raw audio with a CNN whose first layer computes the spectrogram: over 90% on spoken digits in well under a minute of training;
# - to read a confusion matrix; why a new speaker is harder than a new take of a known one, measured by leaving each speaker out in turn; and what per-clip normalisation, waveform augmentation and SpecAugment add.
#
# **Prerequisites:** notebook 03 (CNNs, `Conv2D`, pooling, `fit`/`evaluate`); numpy
# slicing; a sine wave $\sin(2\pi f t)$. No prior signal processing.

# %%
# {{colab_install}}
import os
import time
from collections import Counter

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.signal
from IPython.display import Audio, display
from keras import layers
from matplotlib.patches import Rectangle
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import helpers
from helpers import audio, data, plots
from helpers.checks import audio as check

helpers.setup()
# Grading runs every submission: there, train for less (the graded cells still run for real).
QUICK = bool(os.environ.get("NBGRADER_EXECUTION"))

# %% [markdown]
# ## 1. Sound is a sequence of numbers
#
# A microphone turns air pressure into a voltage, and a sound card measures that voltage
# $f_s$ times a second: the **sample rate**. A recording of $d$ seconds is an array of
# $N = f_s d$ **samples**. The highest frequency that $f_s$ samples a second can represent
# is $f_s / 2$, the **Nyquist frequency**: at 8 kHz, the rate of the telephone, that is
# 4 kHz, enough to understand speech. Our recordings store each sample as a 16-bit integer,
# which we scale to $[-1, 1]$.
#
# The dataset below has 10 classes, 6 speakers and 50 takes of each class by each speaker.
# The first 5 takes (0 to 4) of every speaker and class are its official test set.

# %%
ds = data.load("fsdd")
sr = ds.extras["sample_rate"]
speakers = ds.extras["speakers"]
n_samples = ds.x_train.shape[1]
print(ds)
print(ds.description.split(";")[0])
print(f"classes: {', '.join(ds.class_names)}")
print(f"speakers: {', '.join(speakers)}")
print(f"sample rate {sr} Hz; every clip padded or cut to {n_samples} samples "
      f"= {n_samples / sr:g} s")

# %% [markdown]
# A network needs inputs of one shape, so every recording was padded with zeros at the end,
# or cut, to the same length. Which length? The original durations tell:

# %%
durations = np.concatenate([ds.extras["length_train"], ds.extras["length_test"]]) / sr
cut = durations > n_samples / sr
fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(durations, bins=50, color="tab:blue")
ax.axvline(n_samples / sr, color="tab:red", ls="--", label=f"clip length {n_samples / sr:g} s")
ax.set(title=f"Durations of the {len(durations):,} recordings of {ds.name}",
       xlabel="duration (s)", ylabel="recordings")
ax.legend()
fig.tight_layout()
print(f"median duration {np.median(durations):.2f} s; {cut.sum()} of {len(durations):,} "
      f"recordings ({cut.mean():.1%}) are longer than {n_samples / sr:g} s and lose their end")

# %% [markdown]
# Nearly every recording fits in the red line's length, so padding to it loses almost
# nothing; the few longer ones lose only their tail.
#
# Here is the first training clip of every class, as the microphone saw it.

# %%
first = [int(np.flatnonzero(ds.y_train == c)[0]) for c in range(len(ds.class_names))]
t = np.arange(n_samples) / sr
fig, axes = plt.subplots(2, 5, figsize=(13, 4.6), sharex=True, sharey=True)
for ax, i in zip(axes.ravel(), first, strict=True):
    ax.plot(t, ds.x_train[i], lw=0.5)
    ax.set_title(f"{ds.class_names[ds.y_train[i]]} "
                 f"({speakers[ds.extras['speaker_train'][i]]})")
for ax in axes[1]:
    ax.set_xlabel("time (s)")
for ax in axes[:, 0]:
    ax.set_ylabel("amplitude")
fig.suptitle(f"Waveforms: one training clip per class of {ds.name}")
fig.tight_layout()

# %% [markdown]
# Each sound is a burst of oscillation surrounded by near-silence, at a different place in
# the clip, and apart from their length and loudness the bursts look much alike: the
# waveform hides what makes the classes different.
#
# You can listen to a clip (`IPython.display.Audio` plays an array at a given rate):

# %%
clip_index = first[5]
clip = ds.x_train[clip_index]
print(f"class {ds.class_names[ds.y_train[clip_index]]!r}, "
      f"speaker {speakers[ds.extras['speaker_train'][clip_index]]!r}")
display(Audio(clip, rate=sr))

# %% [markdown]
# ## 2. Frames: short enough that the sound stands still
#
# The Fourier transform of a whole clip says which frequencies occur, but not when: a
# rising and a falling sweep have the same spectrum. So we cut the signal into short
# **frames** of $L$ samples that start every $H$ samples (the **hop**), short enough that
# within one frame the sound hardly changes. Frame $t$ holds
# $x[tH], x[tH + 1], \dots, x[tH + L - 1]$. With $L = 256$ (32 ms at 8 kHz) and
# $H = 128$, neighbouring frames overlap by half. A signal of $N$ samples has
#
# $$ T = 1 + \left\lfloor \frac{N - L}{H} \right\rfloor $$
#
# whole frames (and none when $N < L$): the last frame starts at sample $(T-1)H \le N - L$.
#
# Before the Fourier transform, each frame is multiplied by a **window** that tapers it to
# zero at both ends. Cut abruptly, a frame would start and stop with jumps that are not in
# the sound and that spread energy over all frequencies ("leakage"). The Hann window
# $w[n] = \tfrac12 - \tfrac12 \cos(2 \pi n / L)$ is the usual choice.

# %%
frame_length, frame_step = 256, 128
loud_start = int(np.argmax(np.abs(clip) > 0.3 * np.abs(clip).max()))  # where the sound starts
frames = audio.frame_signal(clip, frame_length, frame_step)
window = audio.hann_window(frame_length)
t0 = loud_start // frame_step + 2  # a frame inside the sound
frame = frames[t0]
spectrum_rect = np.abs(np.fft.rfft(frame))
spectrum_hann = np.abs(np.fft.rfft(frame * window))
freqs = np.fft.rfftfreq(frame_length, d=1 / sr)  # bin k is k * sr / L Hz
print(f"{len(clip)} samples, frames of {frame_length} every {frame_step}: "
      f"{frames.shape[0]} frames = 1 + ({len(clip)} - {frame_length}) // {frame_step}")

fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
view = slice(max(0, (t0 - 2) * frame_step), (t0 + 4) * frame_step)
axes[0].plot(t[view], clip[view], lw=0.7, color="k")
for k, colour in zip(range(t0 - 1, t0 + 2), ["tab:blue", "tab:red", "tab:green"], strict=True):
    start = k * frame_step / sr
    axes[0].add_patch(Rectangle((start, -1), frame_length / sr, 2, alpha=0.15, color=colour,
                                label=f"frame {k}"))
limit = 1.1 * np.abs(clip[view]).max()
axes[0].set(ylim=(-limit, limit), title="Overlapping frames of the clip", xlabel="time (s)",
            ylabel="amplitude")
axes[0].legend(fontsize=8, loc="upper right")
ms = np.arange(frame_length) / sr * 1000
axes[1].plot(ms, frame, color="tab:red", lw=0.8, label=f"frame {t0}")
axes[1].plot(ms, window * np.abs(frame).max(), color="tab:gray", ls="--", label="Hann window (scaled)")
axes[1].plot(ms, frame * window, color="k", lw=0.8, label="frame x window")
axes[1].set(title="One frame, tapered by the window", xlabel="time within the frame (ms)",
            ylabel="amplitude")
axes[1].legend(fontsize=8)
for spectrum, label in [(spectrum_rect, "no window"), (spectrum_hann, "Hann window")]:
    axes[2].plot(freqs, 20 * np.log10(spectrum + 1e-6), label=label)
axes[2].set(title="Its spectrum: |FFT| in decibels", xlabel="frequency (Hz)",
            ylabel="magnitude (dB)")
axes[2].legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# The frames (left) overlap by half. In the middle, the window fades the frame in and out.
# On the right, the windowed frame's spectrum has deeper valleys between its peaks than the
# abrupt cut: less leakage, so weak frequencies are less drowned by strong ones nearby.

# %% [markdown]
# ### Exercise 1 (2 points): cut a signal into frames
#
# Write `frame_signal(x, frame_length, frame_step)`: it returns a 2-D array with one frame
# per row, row $t$ being `x[t * frame_step : t * frame_step + frame_length]`, for all
# $T = 1 + \lfloor (N - L) / H \rfloor$ whole frames. A partial frame at the end is
# dropped, not padded; a signal shorter than one frame gives an empty array of shape
# `(0, frame_length)`. Don't change `x`; don't call `audio.frame_signal` (it is what the
# check compares with). A loop over the frames is fine.

# %% exercise="solution:ex_frame_signal"
def frame_signal(x, frame_length, frame_step):
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    n_frames = max(0, 1 + (len(x) - frame_length) // frame_step)
    frames = np.zeros((n_frames, frame_length))
    for t in range(n_frames):
        frames[t] = x[t * frame_step: t * frame_step + frame_length]
    return frames
    ### END SOLUTION


# %% exercise="check:check_frame_signal:2"
check.frame_signal(frame_signal)
### BEGIN HIDDEN TESTS
check.frame_signal(frame_signal, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The short-time Fourier transform, from scratch
#
# The **short-time Fourier transform** (STFT) is the Fourier transform of every windowed
# frame. For frame $t$ and frequency bin $k$:
#
# $$ X[t, k] = \sum_{n=0}^{L-1} x[tH + n]\, w[n]\, e^{-2 \pi i k n / L},
# \qquad k = 0, 1, \dots, L/2. $$
#
# Bin $k$ is the frequency $f_k = k f_s / L$, from 0 to the Nyquist frequency $f_s / 2$ in
# steps of $f_s / L$ (31.25 Hz here); frame $t$ starts at $tH / f_s$ seconds. A real
# signal's spectrum is symmetric, so the $L/2 + 1$ bins of `np.fft.rfft` hold all of it.
# In numpy the whole transform is three lines: frames, times the window, through an FFT.

# %%
frames = audio.frame_signal(clip, frame_length, frame_step)  # (T, L): one frame per row
windowed = frames * audio.hann_window(frame_length)  # the window multiplies every row
stft_ours = np.fft.rfft(windowed, axis=1)  # (T, L/2 + 1) complex: one spectrum per row
print("frames", frames.shape, "-> STFT", stft_ours.shape, stft_ours.dtype)

# %% [markdown]
# Three libraries compute the same thing, each with its own conventions, which is where
# comparisons usually go wrong:
#
# * `scipy.signal.stft` returns (frequency, time) and divides by the sum of the window;
#   `boundary=None, padded=False` makes it frame the signal as we do;
# * `keras.ops.stft` returns the real and imaginary parts; `center=False` as we do;
# * `keras.layers.STFTSpectrogram` computes the STFT as a 1-D convolution with one kernel
#   per frequency (cosines and sines times the window), so it can run, and even be trained,
#   inside a model. It expects `(batch, samples, channels)`; `mode="magnitude"` gives
#   $|X|$, `scaling=None` no scaling, and `periodic=True` the Hann window of the formula
#   above (its default is the symmetric one).

# %%
_, _, stft_scipy = scipy.signal.stft(clip, fs=sr, window="hann", nperseg=frame_length,
                                     noverlap=frame_length - frame_step, detrend=False,
                                     boundary=None, padded=False, scaling="spectrum")
stft_scipy = stft_scipy.T * audio.hann_window(frame_length).sum()  # undo scipy's scaling
real, imag = keras.ops.stft(clip, frame_length, frame_step, frame_length, window="hann",
                            center=False)
stft_keras_ops = keras.ops.convert_to_numpy(real) + 1j * keras.ops.convert_to_numpy(imag)
stft_layer = layers.STFTSpectrogram(mode="magnitude", frame_length=frame_length,
                                    frame_step=frame_step, window="hann", periodic=True,
                                    scaling=None)
magnitude_layer = keras.ops.convert_to_numpy(stft_layer(clip[None, :, None]))[0]

largest = np.abs(stft_ours).max()
comparison = pd.DataFrame(
    [("scipy.signal.stft", stft_scipy.shape, np.abs(stft_scipy - stft_ours).max()),
     ("keras.ops.stft", stft_keras_ops.shape, np.abs(stft_keras_ops - stft_ours).max()),
     ("keras.layers.STFTSpectrogram (|X|)", magnitude_layer.shape,
      np.abs(magnitude_layer - np.abs(stft_ours)).max())],
    columns=["library", "shape", "max |difference|"])
comparison["relative to max |X|"] = comparison["max |difference|"] / largest
display(comparison)
stft_max_diff = comparison["relative to max |X|"].max()
# float32 sums of 256 products: agreement to about 1e-4 of the largest value is exact.
assert all(shape == stft_ours.shape for shape in comparison["shape"]), "a shape differs"
helpers.claim("stft_max_rel_diff", stft_max_diff, at_most=1e-3)

# %% [markdown]
# Same shape, and the same numbers up to float32 rounding (Keras computes in float32, we
# in float64): the three lines above are the STFT.
#
# The picture of $|X[t, k]|$, in decibels ($20 \log_{10} |X|$, because loudness spans
# orders of magnitude), with time across and frequency up, is the **spectrogram**.

# %%
def db(magnitude, floor=-80.0):
    """Decibels relative to the largest value, floored: 0 dB is the loudest point."""
    magnitude = np.abs(magnitude)
    return np.maximum(20 * np.log10(magnitude / magnitude.max() + 1e-12), floor)


def show_spectrogram(ax, image, title, ylabel="frequency (Hz)", extent=None):
    shown = ax.imshow(image, origin="lower", aspect="auto", cmap="magma", extent=extent,
                      vmin=-80, vmax=0)
    ax.set(title=title, xlabel="time (s)", ylabel=ylabel)
    ax.grid(False)
    return shown


frame_times = (np.arange(len(stft_ours)) * frame_step + frame_length / 2) / sr  # frame centres
stft_extent = (0, n_samples / sr, 0, sr / 2)
fig, axes = plt.subplots(2, 1, figsize=(9, 5.6), sharex=True, layout="constrained",
                         gridspec_kw={"height_ratios": [1, 2]})
axes[0].plot(t, clip, lw=0.5)
axes[0].set(title=f"Waveform: {ds.class_names[ds.y_train[clip_index]]!r}",
            xlabel="time (s)", ylabel="amplitude")
shown = show_spectrogram(axes[1], db(stft_ours).T, f"STFT spectrogram ({frame_length}-sample "
                         f"frames every {frame_step}, Hann window)", extent=stft_extent)
fig.colorbar(shown, ax=axes, label="magnitude (dB, 0 = loudest)", fraction=0.04)

# %% [markdown]
# Where the waveform shows one burst, the spectrogram shows its structure: bright
# horizontal lines are the frequencies of a pitched sound (a fundamental and its
# **harmonics**, at whole multiples of it), lines that bend are changes of pitch, and
# vertical smears are short, noisy events that contain all frequencies at once.

# %% [markdown]
# ## 4. The mel scale and the mel spectrogram
#
# The STFT spaces its bins evenly, 31.25 Hz apart. Hearing does not: we tell 200 Hz from
# 300 Hz easily, but 3,200 Hz from 3,300 Hz hardly. The **mel scale** measures pitch as
# we perceive it; Keras (like HTK, the Hidden Markov Model Toolkit) uses
#
# $$ m(f) = 1127 \ln\!\left(1 + \frac{f}{700}\right) \qquad \left(= 2595 \log_{10}\!\left(1 + \frac{f}{700}\right) \text{ to five digits}\right), $$
#
# nearly linear below 700 Hz and logarithmic above; 1000 Hz is about 1000 mels. A **mel
# spectrogram** sums the STFT's power $|X[t, k]|^2$ with triangular filters whose centres
# are evenly spaced in mels, so they are narrow at low frequencies and wide at high ones:
# 40 mel bins instead of 129 linear ones, with the detail where hearing (and speech) puts it.
#
# ### Exercise 2 (2 points): from Hz to mels and back
#
# Write `hz_to_mel(hz)` with the formula above, and its inverse `mel_to_hz(mel)` (solve the
# formula for $f$). Both take a number or a numpy array of any shape and compute
# elementwise (use `np.log` and `np.exp`, which work on arrays; `math.log` does not).

# %% exercise="solution:ex_mel_scale"
def hz_to_mel(hz):
    ### BEGIN SOLUTION
    return 1127.0 * np.log(1.0 + np.asarray(hz) / 700.0)
    ### END SOLUTION


def mel_to_hz(mel):
    ### BEGIN SOLUTION
    return 700.0 * (np.exp(np.asarray(mel) / 1127.0) - 1.0)
    ### END SOLUTION


# %% exercise="check:check_mel_scale:2"
check.mel_scale(hz_to_mel, mel_to_hz)
### BEGIN HIDDEN TESTS
check.mel_scale(hz_to_mel, mel_to_hz, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `keras.layers.MelSpectrogram` builds its filters from this scale: `num_mel_bins + 2`
# points evenly spaced in mels between `min_freq` and `max_freq`, and filter $j$ a triangle
# rising from point $j$ to 1 at point $j + 1$ and falling to 0 at point $j + 2$. The
# layer's own matrix, `linear_to_mel_weight_matrix`, is the same as
# `helpers.audio.mel_filterbank`, which builds it in numpy from `helpers.audio.hz_to_mel`
# (the reference for your exercise):

# %%
n_mels, f_min, f_max = 40, 20.0, sr / 2
mel_layer = layers.MelSpectrogram(fft_length=frame_length, sequence_stride=frame_step,
                                  sampling_rate=sr, num_mel_bins=n_mels, min_freq=f_min,
                                  max_freq=f_max)
n_bins = frame_length // 2 + 1
filters_keras = keras.ops.convert_to_numpy(
    mel_layer.linear_to_mel_weight_matrix(n_mels, n_bins, sr, f_min, f_max))
filters_ours = audio.mel_filterbank(n_mels, n_bins, sr, f_min, f_max)
print("filter bank", filters_ours.shape, "(bins, mel bins); largest difference from Keras:",
      f"{np.abs(filters_ours - filters_keras).max():.1e}")
mel_centres = audio.mel_to_hz(np.linspace(audio.hz_to_mel(f_min), audio.hz_to_mel(f_max),
                                          n_mels + 2)[1:-1])  # the peak of each triangle, Hz

fig, axes = plt.subplots(1, 2, figsize=(13, 3.6), gridspec_kw={"width_ratios": [1, 2]})
f_axis = np.linspace(0, sr / 2, 500)
axes[0].plot(f_axis, audio.hz_to_mel(f_axis), label="mel scale")
axes[0].plot(f_axis, f_axis, ls=":", color="gray", label="mel = Hz")
axes[0].set(title="The mel scale", xlabel="frequency (Hz)", ylabel="pitch (mel)")
axes[0].legend()
for j in range(n_mels):
    axes[1].plot(freqs, filters_keras[:, j], lw=1)
axes[1].plot(mel_centres, np.ones(n_mels), "k|", ms=8, label="centres from hz_to_mel")
axes[1].set(title=f"The {n_mels} triangular filters of keras.layers.MelSpectrogram",
            xlabel="frequency (Hz)", ylabel="weight")
axes[1].legend(loc="upper right")
fig.tight_layout()

# %% [markdown]
# The scale bends away from the straight line above a few hundred Hz, and so the filters
# widen from left to right: the lowest ones cover one or two STFT bins each, the highest
# ones more than ten. Their peaks sit exactly on the centres that the mel formula predicts.
#
# The layer pads the signal by half a frame at each end (`center=True`, mirroring the
# samples) so that frame $t$ is *centred* at $tH$, takes $|X|^2$, applies the filters and
# converts to decibels. Done by hand with our STFT (without the decibels), it gives the
# same numbers:

# %%
power = np.abs(audio.stft(clip, frame_length, frame_step, center=True)) ** 2  # (T, bins)
mel_ours = (power @ filters_ours).T  # (mel bins, T), as the layer returns it
mel_linear_layer = layers.MelSpectrogram(fft_length=frame_length, sequence_stride=frame_step,
                                         sampling_rate=sr, num_mel_bins=n_mels,
                                         min_freq=f_min, max_freq=f_max, power_to_db=False)
mel_keras = keras.ops.convert_to_numpy(mel_linear_layer(clip))
print("mel spectrogram", mel_keras.shape, "(mel bins, frames); largest difference, relative:",
      f"{np.abs(mel_ours - mel_keras).max() / mel_keras.max():.1e}")

# %% [markdown]
# Here is the same clip three ways: the waveform, the STFT spectrogram (129 linear bins) and
# the mel spectrogram (40 mel bins, labelled with their centre frequencies in Hz).

# %%
def mel_axis(ax, every=6):
    """Label mel-bin rows with their centre frequencies in Hz."""
    ticks = np.arange(0, n_mels, every)
    ax.set_yticks(ticks, [f"{mel_centres[j]:.0f}" for j in ticks])


mel_db = keras.ops.convert_to_numpy(mel_layer(clip))  # power_to_db=True: decibels
mel_db -= mel_db.max()  # 0 dB = the loudest point, as in the STFT picture
fig, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True, layout="constrained",
                         gridspec_kw={"height_ratios": [1, 2, 2]})
axes[0].plot(t, clip, lw=0.5)
axes[0].set(title=f"1. Waveform: {ds.class_names[ds.y_train[clip_index]]!r}",
            xlabel="time (s)", ylabel="amplitude")
show_spectrogram(axes[1], db(stft_ours).T, "2. STFT spectrogram (dB): 129 linear bins",
                 extent=stft_extent)
mel_times = np.arange(mel_db.shape[1]) * frame_step / sr
shown = show_spectrogram(axes[2], mel_db, "3. Mel spectrogram (dB): 40 mel bins",
                         extent=(mel_times[0] - frame_step / sr / 2,
                                 mel_times[-1] + frame_step / sr / 2, -0.5, n_mels - 0.5))
mel_axis(axes[2])
axes[2].set_ylabel("frequency (Hz), mel-spaced")
fig.colorbar(shown, ax=axes, label="dB, 0 = loudest", fraction=0.04)

# %% [markdown]
# The mel spectrogram keeps the low frequencies in detail (a third of its rows lie below
# about 700 Hz) and squeezes the high ones together, so the same sound fills a smaller
# image with its structure where it matters. One mel spectrogram per class:

# %%
mels_per_class = keras.ops.convert_to_numpy(mel_layer(ds.x_train[first]))
mels_per_class -= mels_per_class.max(axis=(1, 2), keepdims=True)  # 0 dB: each clip's loudest
fig, axes = plt.subplots(2, 5, figsize=(13, 5), sharex=True, sharey=True)
for ax, image, i in zip(axes.ravel(), mels_per_class, first, strict=True):
    show_spectrogram(ax, image, ds.class_names[ds.y_train[i]], ylabel="",
                     extent=(0, n_samples / sr, -0.5, n_mels - 0.5))
    mel_axis(ax, every=10)
for ax in axes[0]:
    ax.set_xlabel("")
for ax in axes[:, 0]:
    ax.set_ylabel("frequency (Hz)")
fig.suptitle(f"Mel spectrograms (dB, 0 = loudest), one training clip per class of {ds.name}")
fig.tight_layout()

# %% [markdown]
# Each class has a shape of its own: where its energy sits in frequency, how it moves
# over time, whether it has harmonics or noise. A 40 x 63 picture per clip is exactly the
# kind of input a CNN handles.

# %% [markdown]
# ## 5. A feature by hand: the spectral centroid
#
# Before deep learning, audio was classified from hand-made features. The simplest is the
# **spectral centroid**, the "centre of mass" of a frame's spectrum:
#
# $$ c[t] = \frac{\sum_k f_k\, S[t, k]}{\sum_k S[t, k]}, \qquad f_k = \frac{k\, f_s}{2 (K - 1)}, $$
#
# where $S$ is a (non-negative) spectrogram with $K$ bins from 0 Hz to $f_s / 2$. A high
# centroid means a bright sound (hiss, "s"), a low one a dark sound (a low vowel).
#
# ### Exercise 3 (2 points): the spectral centroid
#
# Write `spectral_centroid(spectrogram, sample_rate)`: `spectrogram` is a 2-D array
# (frames, bins) of magnitudes or powers, its bins evenly spaced from 0 Hz to
# `sample_rate / 2` inclusive. Return one centroid in Hz per frame, and 0 for a frame that
# is all zeros (silence; avoid dividing by zero).

# %% exercise="solution:ex_spectral_centroid"
def spectral_centroid(spectrogram, sample_rate):
    ### BEGIN SOLUTION
    spectrogram = np.asarray(spectrogram, dtype=float)
    freqs = np.linspace(0.0, sample_rate / 2, spectrogram.shape[1])
    total = spectrogram.sum(axis=1)
    weighted = spectrogram @ freqs
    return np.where(total > 0, weighted / np.where(total > 0, total, 1.0), 0.0)
    ### END SOLUTION


# %% exercise="check:check_spectral_centroid:2"
check.spectral_centroid(spectral_centroid)
### BEGIN HIDDEN TESTS
check.spectral_centroid(spectral_centroid, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# How far does the centroid get us? For every clip we take its power spectrogram, keep the
# frames within 30 dB of the loudest (the sound, not the silence around it) and summarise
# the centroid by its mean, its spread and its trend over time. The reference
# `helpers.audio.spectral_centroid` computes it.

# %%
def centroid_features(clips):
    rows = []
    for x in clips:
        power = np.abs(audio.stft(x, frame_length, frame_step)) ** 2
        energy = power.sum(axis=1)
        loud = energy > energy.max() * 1e-3  # within 30 dB of the loudest frame
        track = audio.spectral_centroid(power[loud], sr)
        trend = np.polyfit(np.arange(len(track)), track, 1)[0] if len(track) > 1 else 0.0
        rows.append([track.mean(), track.std(), trend])
    return np.array(rows)


features_train, features_test = centroid_features(ds.x_train), centroid_features(ds.x_test)
baseline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
baseline.fit(features_train, ds.y_train)
centroid_accuracy = baseline.score(features_test, ds.y_test)
print(f"logistic regression on 3 centroid numbers per clip: test accuracy {centroid_accuracy:.3f} "
      f"(chance: {1 / len(ds.class_names):.2f})")
helpers.record("centroid_baseline_accuracy", centroid_accuracy)

fig, ax = plt.subplots(figsize=(11, 3.8))
ax.boxplot([features_train[ds.y_train == c, 0] for c in range(len(ds.class_names))],
           showfliers=False)
ax.set_xticks(range(1, len(ds.class_names) + 1), ds.class_names, rotation=20)
ax.set(title=f"Mean spectral centroid of every training clip, by class ({ds.name})",
       xlabel="class", ylabel="mean spectral centroid (Hz)")
fig.tight_layout()

# %% [markdown]
# Where boxes overlap, the centroid alone cannot tell those classes apart: three numbers
# summarise a whole picture. The logistic regression above beats chance by far, but the
# spectrogram holds much more; rather than inventing more features by hand, we let a CNN
# learn them from the picture.

# %% [markdown]
# ## 6. A CNN on spectrograms, raw audio in
#
# Spectrograms are images, so we use the recipe of notebook 03: convolutions and pooling,
# then a classifier. The new part is the first layer: `keras.layers.MelSpectrogram` turns
# the raw samples into a mel spectrogram *inside the model*, so the model takes audio as it
# comes, and the preprocessing cannot differ between training and use. The layers:
#
# * `MelSpectrogram`: (8000 samples) to (40 mel bins, 63 frames) in dB, as in section 4;
# * `Reshape((40, -1, 1))`: add a channel axis, making it a 1-channel image;
# * `BatchNormalization`: the dB values lie between about -70 and +20; this centres and scales
#   them (like dividing pixels by 255 in notebook 03, but learned from the data);
# * three 3x3 `Conv2D` layers (16, 32, 64 filters) with 2x2 max pooling between them;
# * `GlobalMaxPooling2D`: for each of the 64 filters, its strongest response *anywhere* in
#   the picture. The sound starts at a different time in every clip; this makes the model
#   care whether a pattern occurs, not when;
# * `Dropout(0.3)`, then `Dense` with a softmax over the classes.

# %%
def build_audio_cnn(n_samples, n_classes, sample_rate):
    return keras.Sequential([
        keras.Input(shape=(n_samples,)),
        layers.MelSpectrogram(fft_length=256, sequence_stride=128, sampling_rate=sample_rate,
                              num_mel_bins=40, min_freq=20.0, max_freq=sample_rate / 2),
        layers.Reshape((40, -1, 1)),  # (mel bins, frames, 1 channel): an image
        layers.BatchNormalization(),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.GlobalMaxPooling2D(),
        layers.Dropout(0.3),
        layers.Dense(n_classes, activation="softmax"),
    ], name="audio_cnn")


EPOCHS = 3 if QUICK else 8
BATCH = 32


def compile_for(model, n_train):
    # Adam's learning rate decays from 0.003 to 0 along a cosine over the whole run.
    steps = EPOCHS * int(np.ceil(n_train / BATCH))
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, steps)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


keras.utils.set_random_seed(0)
model = compile_for(build_audio_cnn(n_samples, len(ds.class_names), sr), len(ds.x_train))
model.summary()

# %% [markdown]
# About 24,000 parameters, none of them in the `MelSpectrogram` layer: its filters are
# fixed, it only computes. Training on the 2,700 training clips:

# %%
start = time.perf_counter()
history = model.fit(ds.x_train, ds.y_train, epochs=EPOCHS, batch_size=BATCH, verbose=1)
train_seconds = time.perf_counter() - start
_, test_accuracy = model.evaluate(ds.x_test, ds.y_test, batch_size=300, verbose=0)
print(f"{EPOCHS} epochs on {len(ds.x_train):,} clips of {ds.name} in {train_seconds:.0f} s; "
      f"test accuracy {test_accuracy:.3f} on {len(ds.x_test)} test clips")
# Chance: 0.1; grading runs train 3 epochs instead of 8.
helpers.claim("test_accuracy", test_accuracy, at_least=0.6 if QUICK else 0.9)
helpers.claim("cnn_minus_centroid_baseline", test_accuracy - centroid_accuracy, at_least=0.1)
helpers.record("train_seconds", round(train_seconds, 1))

# %%
plots.training_curves(history, ("loss", "accuracy"), title=f"Audio CNN on {ds.name}");

# %% [markdown]
# The training loss falls steadily as the learning rate decays. The training accuracy is
# measured with dropout switched on, so it can stay below the test accuracy printed above:
# compare the two.
#
# The model takes raw samples, so using it on the clip we listened to takes nothing but
# the array:

# %%
probabilities = model.predict(clip[None, :], verbose=0)[0]
top = np.argsort(probabilities)[::-1][:3]
print(f"true class {ds.class_names[ds.y_train[clip_index]]!r}; the model says: " +
      ", ".join(f"{ds.class_names[k]!r} {probabilities[k]:.1%}" for k in top))

# %% [markdown]
# ### Which classes get confused?
#
# A **confusion matrix** counts, for every true class (row), how the test clips were
# classified (column). The diagonal holds the correct answers; everything off it is a
# mistake, and its position says which class was taken for which.

# %%
predicted_test = model.predict(ds.x_test, batch_size=300, verbose=0).argmax(axis=1)
fig, ax = plt.subplots(figsize=(6.4, 5.6))
ConfusionMatrixDisplay.from_predictions(ds.y_test, predicted_test,
                                        display_labels=ds.class_names, ax=ax, colorbar=False,
                                        xticks_rotation=45)
ax.set(title=f"Test set of {ds.name}: accuracy {test_accuracy:.1%}",
       xlabel="predicted class", ylabel="true class")
ax.grid(False)
fig.tight_layout()
mistakes = Counter((ds.class_names[a], ds.class_names[b])
                   for a, b in zip(ds.y_test, predicted_test, strict=True) if a != b)
print(f"{sum(mistakes.values())} mistakes of {len(ds.y_test)}; the most frequent:",
      ", ".join(f"{a} -> {b} ({n})" for (a, b), n in mistakes.most_common(6)) or "none")

# %% [markdown]
# Most test clips sit on the diagonal (the test accuracy claimed above). The most frequent mistakes, if any, are listed
# under the matrix as "true -> predicted": ask whether the two classes share a sound.

# %% [markdown]
# ## 7. A speaker the model has never heard
#
# The official test set holds *other takes* of the *same* six speakers: the model has
# heard every test voice in training. A product meets new voices. To measure that, we
# **hold out one speaker** entirely: train on the other five speakers' clips and test on
# all 500 clips of the held-out one. One speaker is one sample of "a new voice", and
# voices differ a lot, so we do it for **every speaker in turn** (leave-one-speaker-out
# cross-validation) and report each accuracy and their mean.
#
# We will compare four recipes, so every training must take seconds. Two changes make
# them cheap:
#
# * the mel spectrogram is computed **once** for all 3,000 clips, by the same
#   `MelSpectrogram` layer (the settings of section 6's first layer), instead of in every
#   epoch of every training;
# * a smaller network reads it: a **1-D CNN** that treats the 40 mel bins of a frame as 40
#   channels and slides its filters along time only (`Conv1D`), with ~15,000 weights and a
#   fraction of the 2-D CNN's arithmetic.
#
# Even so, six held-out speakers times four recipes would take over a minute on two CPU
# cores, so this notebook holds out the first `N_HELD_OUT` speakers, each in turn; set it
# to 6 for all of them when you have the time.

# %%
N_HELD_OUT = 3  # speakers 0 .. N_HELD_OUT - 1 are held out in turn; 6 for all
FILTERS = 32  # of every Conv1D layer
FOLD_BATCH = 64
x_all = np.concatenate([ds.x_train, ds.x_test])
y_all = np.concatenate([ds.y_train, ds.y_test])
speaker_all = np.concatenate([ds.extras["speaker_train"], ds.extras["speaker_test"]])
mel_features = keras.Sequential([keras.Input(shape=(n_samples,)), mel_layer])  # section 4's layer


def log_mel(clips):
    """(clips, samples) -> (clips, 40 mel bins, frames) in dB, as the model of section 6 sees them."""
    return mel_features.predict(clips, batch_size=500, verbose=0)


start = time.perf_counter()
features = log_mel(x_all)
print(f"log-mel features of all {len(x_all):,} clips: {features.shape} in "
      f"{time.perf_counter() - start:.1f} s")


def build_feature_cnn(n_mels, n_frames, n_classes, filters=FILTERS):
    return keras.Sequential([
        keras.Input(shape=(n_mels, n_frames)),
        layers.Permute((2, 1)),  # (frames, mel bins): a sequence of 40-number spectra
        layers.BatchNormalization(),
        layers.Conv1D(filters, 5, padding="same", activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(filters, 5, padding="same", activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(filters, 3, padding="same", activation="relu"),
        layers.GlobalMaxPooling1D(),  # as in section 6: whether a pattern occurs, not when
        layers.Dropout(0.3),
        layers.Dense(n_classes, activation="softmax"),
    ], name="feature_cnn")


print(f"feature CNN: {build_feature_cnn(*features.shape[1:], len(ds.class_names)).count_params():,} "
      "weights")

# %% [markdown]
# A **recipe** is a level of preparation, each level adding one step to the one before:
# 0, the features as they are (the baseline); 1, per-clip normalisation; 2, waveform
# augmentation; 3, SpecAugment. The sections below explain each step; `train_recipe`, which
# trains one model, does them all, so that the four recipes differ in nothing else.
# Augmentation draws new random perturbations for every epoch, so the training set of
# every epoch is built first and the model is fitted once on all of them, one after the
# other (one pass, `epochs=1`), with the learning rate decaying over the whole run.

# %%
RECIPES = ("baseline", "+ per-clip normalisation", "+ waveform augmentation", "+ SpecAugment")
FOLD_EPOCHS = 2 if QUICK else 6
AUGMENTED_COPIES = 2  # waveform augmentation, section 7.2
MAX_FREQ_MASK, MAX_TIME_MASK = 4, 6  # SpecAugment, section 7.3
augmented = []  # augmented copies of the features of every clip, filled in section 7.2


def normalise(feats):
    """Per-clip normalisation: every mel band minus its mean over the clip (in dB)."""
    return feats - feats.mean(axis=2, keepdims=True)


def epochs_of(rows, level, rng):
    """The training inputs of FOLD_EPOCHS epochs, one after the other."""
    clips = np.flatnonzero(rows)
    sources = [features] + augmented  # every clip's features, then its augmented copies
    # One array for all the epochs, filled in place: on a small machine, allocating a new
    # array of this size costs more than copying into one.
    x = np.empty((FOLD_EPOCHS, len(clips)) + features.shape[1:], dtype=features.dtype)
    for epoch in x:
        if level >= 2:  # each clip: itself or one of its augmented copies, drawn anew
            version = rng.integers(0, len(sources), size=len(clips))
            for v, source in enumerate(sources):
                epoch[version == v] = source[clips[version == v]]
        else:
            epoch[:] = features[clips]
        if level >= 1:
            epoch[:] = normalise(epoch)
        if level >= 3:
            epoch[:] = audio.spec_augment(epoch, rng, MAX_FREQ_MASK, MAX_TIME_MASK)
    return x.reshape((-1,) + features.shape[1:]), np.tile(y_all[rows], FOLD_EPOCHS)


# One model, compiled once, serves every training: compiling a new model would cost more
# time than these short trainings (Keras traces its training step anew for every model).
# The learning rate decays over the steps of the largest training set, the official one.
fold_steps = FOLD_EPOCHS * int(np.ceil(len(ds.x_train) / FOLD_BATCH))
fold_model = build_feature_cnn(*features.shape[1:], len(ds.class_names))
fold_model.compile(
    optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, fold_steps)),
    loss="sparse_categorical_crossentropy", metrics=["accuracy"],
    jit_compile=False,  # XLA would take longer to compile than these trainings take to run
    steps_per_execution=16)  # 16 steps per call from Python: less overhead
initial_weights = fold_model.get_weights()


def train_recipe(rows, level, seed=0):
    """The feature CNN trained from scratch on the clips `rows` with recipe `level` (0 to 3)."""
    keras.utils.set_random_seed(seed)
    x, y = epochs_of(rows, level, np.random.default_rng(seed))
    fold_model.set_weights(initial_weights)  # the same starting point for every training
    for variable in fold_model.optimizer.variables:  # a fresh optimizer: step 0, no momentum
        variable.assign(keras.ops.zeros_like(variable))
    fold_model.fit(x, y, epochs=1, batch_size=FOLD_BATCH, verbose=0)  # x holds all the epochs
    return fold_model


def predict_recipe(model, rows, level):
    feats = normalise(features[rows]) if level >= 1 else features[rows]
    # Calling the model directly: predict() would compile a new function for every model.
    return keras.ops.convert_to_numpy(model(feats, training=False)).argmax(axis=1)


held_speakers = speakers[:N_HELD_OUT]
is_held = speaker_all < N_HELD_OUT  # the clips of the held-out speakers


def leave_one_speaker_out(level):
    """Accuracy on each held-out speaker, trained without them; and their clips' predictions."""
    predicted = np.zeros_like(y_all)
    accuracies = []
    for s in range(N_HELD_OUT):
        held = speaker_all == s
        predicted[held] = predict_recipe(train_recipe(~held, level), held, level)
        accuracies.append(float(np.mean(predicted[held] == y_all[held])))
    return accuracies, predicted[is_held]


heldout = {}  # recipe -> accuracy on each held-out speaker
start = time.perf_counter()
heldout[RECIPES[0]], _ = leave_one_speaker_out(0)
print(f"{N_HELD_OUT} trainings of {FOLD_EPOCHS} epochs in {time.perf_counter() - start:.0f} s")
print(pd.Series(heldout[RECIPES[0]], index=held_speakers).round(3).to_string())
print(f"mean accuracy on a held-out speaker: {np.mean(heldout[RECIPES[0]]):.3f}; on new takes "
      f"of known speakers (section 6): {test_accuracy:.3f}")

# %% [markdown]
# Every held-out voice is far below the official test accuracy of section 6. What differs between
# speakers that the model should ignore? Their loudness, and the colour of their voice and
# microphone: the average level of every mel band.

# %%
band_means = np.stack([features[speaker_all == s].mean(axis=(0, 2)) for s in range(len(speakers))])
fig, ax = plt.subplots(figsize=(8, 3.6))
for s, name in enumerate(speakers):
    ax.plot(mel_centres, band_means[s], marker=".", label=name)
ax.set_xscale("log")
ax.set(title=f"Average level of every mel band, by speaker ({ds.name})",
       xlabel="mel band centre frequency (Hz)", ylabel="mean level (dB)")
ax.legend(fontsize=8, ncol=2)
fig.tight_layout()

# %% [markdown]
# The curves differ by an offset (how loud a speaker recorded) and by their shape (which
# bands their voice and microphone favour): cues that identify the *speaker*, not the digit.
#
# ### 7.1 Per-clip normalisation
#
# In decibels, making a clip $g$ times louder adds $20 \log_{10} g$ to every entry of its
# log-mel spectrogram, and a microphone or a voice that favours some frequencies adds a
# fixed amount to every frame of those bands. Subtracting from every band its **own mean
# over the clip**,
#
# $$ \tilde S[m, t] = S[m, t] - \frac{1}{T} \sum_{t'} S[m, t'], $$
#
# removes both: the same normalisation as the cepstral mean normalisation of speech
# recognisers. It is computed from the clip alone, so it is applied the same way in
# training and at test time (`normalise` above).

# %%
heldout[RECIPES[1]], predicted_heldout = leave_one_speaker_out(1)
print(pd.DataFrame(heldout, index=held_speakers).round(3).to_string())

# %% [markdown]
# ### 7.2 Waveform augmentation
#
# A new speaker talks faster or slower, higher or lower, louder or softer, in another
# room. **Data augmentation** shows the model such variations of the clips it has:
# `helpers.audio.augment_waveforms` perturbs every clip at random, all in numpy:
#
# * **speed**: resampled to play 0.85 to 1.15 times as fast (by `np.interp`), which makes
#   it shorter and higher, or longer and lower, like a smaller or larger voice;
# * **time shift** by up to 0.2 s either way, with silence where nothing is left;
# * **gain** of up to 6 dB either way;
# * **noise**: white noise 20 to 40 dB below the clip's peak.
#
# Computing the mel spectrogram of freshly augmented clips in every epoch of every training
# would cost more than the training, so we compute a few augmented copies of every clip
# once; every epoch draws, for every clip, either the clip itself or one of its copies.

# %%
start = time.perf_counter()
augment_rng = np.random.default_rng(1)
copies = [audio.augment_waveforms(x_all, augment_rng) for _ in range(AUGMENTED_COPIES)]
augmented[:] = [log_mel(copy) for copy in copies]
print(f"{AUGMENTED_COPIES} augmented copies of {len(x_all):,} clips and their features in "
      f"{time.perf_counter() - start:.1f} s")
example = int(np.flatnonzero(speaker_all == 0)[0])
fig, axes = plt.subplots(2, 3, figsize=(13, 5.4), sharex="row", sharey="row", layout="constrained")
for column, (wave, image, title) in enumerate(
        [(x_all[example], features[example], "original")]
        + [(copies[k][example], augmented[k][example], f"augmented copy {k + 1}")
           for k in range(min(2, AUGMENTED_COPIES))]):
    axes[0, column].plot(t, wave, lw=0.5)
    axes[0, column].set(title=title, xlabel="time (s)", ylabel="amplitude")
    shown = show_spectrogram(axes[1, column], image - image.max(), "", ylabel="mel band",
                             extent=(0, n_samples / sr, -0.5, n_mels - 0.5))
fig.suptitle(f"Waveform augmentation of one clip ({ds.class_names[y_all[example]]!r} "
             f"by {speakers[0]}): speed, shift, gain and noise")
fig.colorbar(shown, ax=axes[1], label="dB, 0 = loudest", fraction=0.04)

# %% [markdown]
# The same word, moved in time, stretched or squeezed (its harmonics move up or down with
# the speed) and with a floor of noise where the original was silent.

# %%
heldout[RECIPES[2]], _ = leave_one_speaker_out(2)
print(pd.DataFrame(heldout, index=held_speakers).round(3).to_string())

# %% [markdown]
# ### 7.3 SpecAugment: masking bands of the spectrogram
#
# **SpecAugment** (Park et al., 2019) augments the spectrogram itself: it sets a random
# band of consecutive frequency bins and a random stretch of consecutive frames to one
# value (here 0, the mean of a normalised clip). The model cannot rely on any one band or
# moment, so it must recognise the word from what is left, as when a voice lacks some
# frequencies or a noise covers a syllable. It costs nothing to compute, so it is drawn
# anew for every epoch.
#
# ### Exercise 4 (2 points): SpecAugment's masks
#
# Write `mask_spectrogram(spec, freq_start, freq_width, time_start, time_width, fill)`:
# `spec` is a 2-D array (frequency bins, frames). Return a **copy** in which the rows
# `freq_start` to `freq_start + freq_width - 1` (a band of frequencies, over all frames)
# and the columns `time_start` to `time_start + time_width - 1` (a stretch of time, over
# all frequencies) are set to `fill`. A band that runs past the edge of the array stops
# there; a width of 0 masks nothing. Don't change `spec`, and don't call
# `audio.mask_spectrogram` or `audio.spec_augment` (what the check compares with).

# %% exercise="solution:ex_mask_spectrogram"
def mask_spectrogram(spec, freq_start, freq_width, time_start, time_width, fill=0.0):
    ### BEGIN SOLUTION
    masked = np.array(spec, dtype=float)
    masked[freq_start:freq_start + freq_width, :] = fill
    masked[:, time_start:time_start + time_width] = fill
    return masked
    ### END SOLUTION


# %% exercise="check:check_mask_spectrogram:2"
check.mask_spectrogram(mask_spectrogram)
### BEGIN HIDDEN TESTS
check.mask_spectrogram(mask_spectrogram, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `helpers.audio.spec_augment` does the same for a whole batch at once, with one frequency
# mask of 0 to `MAX_FREQ_MASK` bins and one time mask of 0 to `MAX_TIME_MASK` frames per
# clip, at random positions (the reference for your exercise; the training below uses it):

# %%
shown_clips = normalise(features[np.flatnonzero(speaker_all == 0)[:4]])
masked_clips = audio.spec_augment(shown_clips, np.random.default_rng(3), MAX_FREQ_MASK,
                                  MAX_TIME_MASK)
fig, axes = plt.subplots(2, 4, figsize=(13, 4.6), sharex=True, sharey=True, layout="constrained")
for column in range(4):
    for row, images in enumerate([shown_clips, masked_clips]):
        shown = axes[row, column].imshow(images[column], origin="lower", aspect="auto",
                                         cmap="magma", vmin=-40, vmax=30)
        axes[row, column].set(title=("normalised" if row == 0 else "masked") + f", clip {column + 1}",
                              xlabel="frame", ylabel="mel band")
        axes[row, column].grid(False)
fig.suptitle(f"SpecAugment: one band of mel bins and one stretch of frames set to 0 "
             f"(at most {MAX_FREQ_MASK} bins, {MAX_TIME_MASK} frames)")
fig.colorbar(shown, ax=axes, label="dB relative to the band's mean", fraction=0.04)

# %% [markdown]
# In the lower row each clip lost one horizontal band and one vertical stretch (of random
# width, sometimes none), in a new place every epoch.

# %%
heldout[RECIPES[3]], _ = leave_one_speaker_out(3)
table = pd.DataFrame(heldout, index=held_speakers).T
table["mean"] = table.mean(axis=1)
table["gain over the step before"] = table["mean"].diff()
display(table.round(3))

# %% [markdown]
# ### 7.4 What each step adds
#
# The table above has one row per recipe (each adding one step to the row before it) and
# one column per held-out speaker. The same numbers as a picture:

# %%
fig, ax = plt.subplots(figsize=(9, 4.4))
steps = np.arange(len(RECIPES))
for name in held_speakers:
    ax.plot(steps, table[name], marker="o", lw=1, alpha=0.8, label=name)
ax.plot(steps, table["mean"], color="k", lw=3, marker="s", label="mean over speakers")
ax.axhline(test_accuracy, color="gray", ls="--", label="section 6: new takes of known speakers")
ax.set_xticks(steps, RECIPES, rotation=10)
ax.set(ylim=(0, 1.02), title=f"Accuracy on a held-out speaker, recipe by recipe ({ds.name})",
       xlabel="recipe (each adds one step to the one on its left)",
       ylabel="accuracy on the held-out speaker")
ax.legend(fontsize=8, loc="lower right", ncol=2)
fig.tight_layout()
mean_by_recipe = table["mean"].to_numpy()
RECORD_KEYS = ("baseline", "normalised", "augmented", "specaugment")
for key, recipe in zip(RECORD_KEYS, RECIPES, strict=True):
    helpers.record(f"heldout_mean_{key}", float(table.loc[recipe, "mean"]))
    helpers.record(f"heldout_per_speaker_{key}",
                   "/".join(f"{a:.2f}" for a in table.loc[recipe, held_speakers]))
    for s, name in enumerate(held_speakers):
        helpers.record(f"heldout_{key}_speaker{s}", float(table.loc[recipe, name]))
helpers.record("heldout_speakers", "/".join(held_speakers))
# The bounds hold on both data tiers and over seeds; an untrained model scores about 0.1.
FINAL = 1  # the final recipe: per-clip normalisation (see below)
helpers.claim("heldout_speaker_accuracy", mean_by_recipe[FINAL],
              at_least=0.2 if QUICK else 0.55)
helpers.claim("heldout_gain_normalisation", mean_by_recipe[1] - mean_by_recipe[0],
              at_least=0.0, grading=False)
helpers.claim("known_minus_heldout_speakers", test_accuracy - mean_by_recipe[FINAL],
              at_least=0.05, grading=False)

# %% [markdown]
# Read the black line. Per-clip normalisation gives the one reliable step (claimed above,
# `heldout_gain_normalisation`): loudness and microphone colour were exactly what
# separated the speakers' curves in the figure of band levels. Waveform augmentation and
# SpecAugment did not raise the mean reliably: over the runs we made while writing this
# notebook, augmentation's effect changed sign from run to run and SpecAugment's was
# negative (the table shows this run's). With a budget of a few epochs, harder training
# examples cost more than they teach; SpecAugment's authors trained for hundreds of
# epochs. So our **final recipe** is per-clip normalisation, and its mean over the
# held-out speakers is the claim `heldout_speaker_accuracy` (picked on these same speakers,
# it is a little optimistic). It stays well below the accuracy on new takes of known
# speakers (the dashed line): five voices are few to learn "what digit" apart from "who
# speaks".
#
# Does the final recipe still do well on the official split? Trained the same way on the
# official training clips and tested on the official test clips:

# %%
is_train = np.arange(len(x_all)) < len(ds.x_train)  # x_all is the training clips, then the test clips
final_model = train_recipe(is_train, FINAL)
final_test_accuracy = float(np.mean(predict_recipe(final_model, ~is_train, FINAL)
                                    == y_all[~is_train]))
print(f"final recipe ({', '.join(RECIPES[:FINAL + 1])}), {FOLD_EPOCHS} epochs, official split: "
      f"test accuracy {final_test_accuracy:.3f} (section 6's CNN: {test_accuracy:.3f})")
helpers.claim("final_recipe_test_accuracy", final_test_accuracy,
              at_least=0.5 if QUICK else 0.85)

# %% [markdown]
# Compare the two printed accuracies: the small 1-D CNN, trained for a few epochs so that
# the comparison above fits in a minute, does a little worse on the official split than
# section 6's 2-D CNN. For new takes of known speakers, section 6's model is the one to
# use; the recipe of this section is about voices the model has never heard.
#
# Where do the held-out speakers' mistakes fall? All their clips, each classified by the
# final recipe's model trained without its speaker:

# %%
fig, ax = plt.subplots(figsize=(6.4, 5.6))
ConfusionMatrixDisplay.from_predictions(y_all[is_held], predicted_heldout,
                                        display_labels=ds.class_names,
                                        ax=ax, colorbar=False, xticks_rotation=45)
ax.set(title="The held-out speakers' clips, each predicted by the model trained without "
             "its speaker\n"
             f"(final recipe; {ds.name})", xlabel="predicted class", ylabel="true class")
ax.grid(False)
fig.tight_layout()
mistakes = Counter((ds.class_names[a], ds.class_names[b])
                   for a, b in zip(y_all[is_held], predicted_heldout, strict=True) if a != b)
print(f"{sum(mistakes.values())} mistakes of {is_held.sum():,}; the most frequent:",
      ", ".join(f"{a} -> {b} ({n})" for (a, b), n in mistakes.most_common(6)) or "none")

# %% [markdown]
# Off the diagonal are the mistakes a new voice provokes; the list under the matrix names
# the most frequent ones as "true -> predicted".

# %% [markdown]
# ### Exercise 5 (2 points): what do the measurements say?
#
# In 4 to 8 sentences, using your own numbers: how do the test accuracy of section 6 and
# the mean held-out-speaker accuracy differ, and why? Which would you report for an app
# used by people outside the dataset, and why is the mean over several held-out speakers
# better than holding out one? Which step of section 7 helped most, and why does it make
# sense for that step? Name two classes that the held-out models confuse (the list under
# the last matrix) and suggest what in the sound might explain it. Propose one more change
# that should raise the held-out accuracy.

# %% [markdown] exercise="answer:explain_heldout:2"
# ### BEGIN SOLUTION
# (A model answer with the numbers of our run on the Free Spoken Digit Dataset; a
# student's numbers may differ a little, and any reading consistent with their own
# results is right.)
# The CNN of section 6 classifies nearly all of the official test clips correctly, but a
# model trained without a speaker does much worse on that speaker, and how much worse
# depends on the speaker (the claims `test_accuracy`, `heldout_speaker_accuracy` and
# `known_minus_heldout_speakers`, and the table of section 7, give this run's numbers). The
# official test set contains other takes of the same six speakers, so the model can rely on
# what it learned about each voice (its pitch, its accent, its microphone and room); a new
# speaker differs in all of these. For an app used by new people, the held-out-speaker
# accuracy is the one to report, as the mean over several speakers held out in turn: one
# speaker is a single sample of "a new voice", and the held-out accuracies spread widely.
# Per-clip normalisation helped most: subtracting every mel band's mean removes the
# loudness and the average colour of a voice and microphone, which the figure of band
# levels showed to differ between speakers, so the model can no longer lean on them.
# In our run the list under the last matrix holds pairs that share sounds, e.g. "two"
# taken for "zero" (both end in a long rounded vowel, /uː/ and /oʊ/) and "eight" taken for
# "six" (both end in a short noisy burst, "t" and "ks"), easy to blur for a voice whose
# vowels sit at other frequencies.
# More speakers in training is the main remedy; without new recordings, longer training
# with stronger augmentation (more copies, pitch shifts that keep the duration, room
# reverberation) is the next thing to try: at our budget of a few epochs, augmentation had
# too little time to pay off.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
# - A recording is a 1-D array: $f_s$ samples a second, frequencies up to $f_s / 2$; for a network, pad or cut every clip to one length.
# - The STFT is three steps, frames, a window, an FFT: $X[t, k] = \sum_n x[tH + n]\, w[n]\, e^{-2\pi i k n / L}$, with bin $k$ at $k f_s / L$ Hz; scipy and Keras compute the same numbers, each with its own scaling and padding conventions.
# - A mel spectrogram sums the STFT's power with triangular filters evenly spaced on the mel scale $1127 \ln(1 + f/700)$: more detail at low frequencies, like hearing.
# - With `keras.layers.MelSpectrogram` as its first layer, a small CNN takes raw audio and passes 90% on spoken digits in well under a minute of training: the image workflow, on a 2-D matrix.
# - Test on what the model will meet: new takes of known speakers are easy, a new speaker much harder; hold out every speaker in turn and report each accuracy and their mean (claimed above, with this run's numbers).
# - For new voices, normalise each clip (every mel band minus its mean over the clip: loudness and microphone colour go) and augment: speed, shift, gain and noise on the waveform, SpecAugment's masks on the spectrogram. Measure each step on held-out speakers: here normalisation gave the reliable gain.
#
# ## Further reading
# - Z. Jackson et al., *Free Spoken Digit Dataset*, https://github.com/Jakobovski/free-spoken-digit-dataset
# - M. Müller, *Fundamentals of Music Processing* (2nd ed., Springer 2021), chapter 2, "Fourier Analysis of Signals" (the STFT, windows, spectrograms); its notebooks: https://www.audiolabs-erlangen.de/FMP
# - S. S. Stevens, J. Volkmann, E. B. Newman, *A scale for the measurement of the psychological magnitude pitch*, J. Acoust. Soc. Am. 8 (1937): the mel scale
# - S. Hershey et al., *CNN Architectures for Large-Scale Audio Classification* (ICASSP 2017), https://arxiv.org/abs/1609.09430
# - D. S. Park et al., *SpecAugment: A Simple Data Augmentation Method for Automatic Speech Recognition* (Interspeech 2019), https://arxiv.org/abs/1904.08779
# - H. Purwins et al., *Deep Learning for Audio Signal Processing*, IEEE J. Sel. Topics Signal Process. 13(2) (2019), https://arxiv.org/abs/1905.00078
# - Keras documentation, audio preprocessing layers: https://keras.io/api/layers/preprocessing_layers/audio_preprocessing/ (`MelSpectrogram`, `STFTSpectrogram`)
