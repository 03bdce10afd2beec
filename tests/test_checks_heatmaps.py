"""The checks of notebook 05 pass the reference solutions and fail blanks and wrong answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import heatmaps
from helpers.checks import CheckFailed
from helpers.checks import heatmaps as check

# ---------------------------------------------------------------------------------- occlude


def occlude_reference(image, top, left, patch, baseline=0.0):
    out = np.array(image, dtype="float32")
    out[top:top + patch, left:left + patch] = baseline
    return out


def test_occlude_reference_passes(capsys):
    check.occlude(occlude_reference)
    check.occlude(occlude_reference, hidden=True)
    out = capsys.readouterr().out
    assert "my_occlude: correct (6 cases)" in out and "(5 hidden cases)" in out


def test_occlude_float64_copy_passes_too():
    def float64(image, top, left, patch, baseline=0.0):
        out = image.astype(float)
        out[top:top + patch, left:left + patch] = baseline
        return out

    check.occlude(float64, hidden=True)


def test_occlude_blank_fails():
    def blank(image, top, left, patch, baseline=0.0):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.occlude(blank)


def _in_place(image, top, left, patch, baseline=0.0):
    image[top:top + patch, left:left + patch] = baseline
    return image


def _first_channel_only(image, top, left, patch, baseline=0.0):
    out = image.copy()
    if out.ndim == 3:
        out[top:top + patch, left:left + patch, 0] = np.broadcast_to(
            baseline, out.shape)[top:top + patch, left:left + patch, 0]
    else:
        out[top:top + patch, left:left + patch] = baseline
    return out


@pytest.mark.parametrize("wrong, phrase", [
    (lambda image, top, left, patch, baseline=0.0: occlude_reference(image, left, top, patch,
                                                                     baseline),
     "swapped rows and columns"),
    (lambda image, top, left, patch, baseline=0.0: occlude_reference(image, top, left,
                                                                     patch + 1, baseline),
     "instead of"),
    (lambda image, top, left, patch, baseline=0.0: occlude_reference(image, top, left,
                                                                     patch - 1, baseline),
     "instead of"),
    (lambda image, top, left, patch, baseline=0.0: occlude_reference(image, top, left, patch),
     "not with 0"),
    (_first_channel_only, "cover every channel"),
    (lambda image, top, left, patch, baseline=0.0: image.copy(), "nothing was covered"),
    (lambda image, top, left, patch, baseline=0.0: image[top:top + patch, left:left + patch],
     "same shape as the input"),
    (_in_place, "changed the image it was given"),
    (lambda image, top, left, patch, baseline=0.0: None, "forget to `return`"),
])
def test_occlude_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.occlude(wrong)
    assert phrase in str(info.value)


def test_occlude_failure_names_the_case():
    with pytest.raises(CheckFailed, match=r"my_occlude\(image \(5, 6\), top=1, left=2, patch=2"):
        check.occlude(lambda image, top, left, patch, baseline=0.0: image + 1)


def test_occlude_student_error_is_shown():
    with pytest.raises(CheckFailed, match="raised IndexError"):
        check.occlude(lambda image, top, left, patch, baseline=0.0: image[100])
    with pytest.raises(CheckFailed, match="should be a function"):
        check.occlude("my_occlude")


# --------------------------------------------------------------------------- forward passes


def passes_reference(height, width, patch, stride):
    return ((math.ceil((height - patch) / stride) + 1)
            * (math.ceil((width - patch) / stride) + 1) + 1)


def test_forward_passes_reference_passes(capsys):
    check.forward_passes(passes_reference)
    check.forward_passes(passes_reference, hidden=True)
    assert capsys.readouterr().out.count("correct") == 2


def test_forward_passes_agree_with_what_occlusion_map_sends():
    for height, width, patch, stride in [(10, 12, 4, 3), (25, 25, 8, 4), (7, 9, 1, 1)]:
        sent = []

        def predict(batch, sent=sent):
            sent.append(len(batch))
            return np.ones((len(batch), 2))

        heatmaps.occlusion_map(predict, np.zeros((height, width)), 0, patch, stride,
                               batch_size=7, progress=False)
        assert sum(sent) == passes_reference(height, width, patch, stride)


def test_forward_passes_blank_fails():
    def blank(height, width, patch, stride):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.forward_passes(blank)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda h, w, p, s: passes_reference(h, w, p, s) - 1, "forward pass of the image itself"),
    (lambda h, w, p, s: ((h - p) // s + 1) * ((w - p) // s + 1) + 1, "flush with the edge"),
    (lambda h, w, p, s: ((h - p) // s + 1) * ((w - p) // s + 1), "forward pass of the image"),
    (lambda h, w, p, s: (h // s) * (w // s), "per axis"),
    (lambda h, w, p, s: float(passes_reference(h, w, p, s)), "a count is an int"),
    (lambda h, w, p, s: str(passes_reference(h, w, p, s)), "expected the number"),
    (lambda h, w, p, s: None, "forget to `return`"),
])
def test_forward_passes_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.forward_passes(wrong)
    assert phrase in str(info.value)


def test_forward_passes_floor_mistake_hint_on_the_first_case_that_needs_the_flush_patch():
    # 28x28, 8, 4 tiles exactly: the floor version is right there and fails at 25x25.
    with pytest.raises(CheckFailed, match=r"count_forward_passes\(25, 25, 8, 4\) is 26"):
        check.forward_passes(lambda h, w, p, s: ((h - p) // s + 1) * ((w - p) // s + 1) + 1)


# ------------------------------------------------------------------------------ loop version


def loop_reference(predict, image, class_index, patch=8, stride=4, baseline=0.0):
    height, width = image.shape[:2]
    p_image = predict(image[None])[0, class_index]
    total, count = np.zeros((height, width)), np.zeros((height, width))
    for top in heatmaps.patch_positions(height, patch, stride):
        for left in heatmaps.patch_positions(width, patch, stride):
            covered = heatmaps.occlude(image, top, left, patch, baseline)
            drop = p_image - predict(covered[None])[0, class_index]
            total[top:top + patch, left:left + patch] += drop
            count[top:top + patch, left:left + patch] += 1
    return total / count


def test_loop_reference_passes(capsys):
    check.occlusion_loop(loop_reference)
    check.occlusion_loop(loop_reference, hidden=True)
    out = capsys.readouterr()
    assert out.out.count("correct") == 2
    assert out.err == ""  # a grading run scores a cell that writes to stderr 0


def test_loop_with_own_occlusion_and_float64_passes():
    def own(predict, image, class_index, patch=8, stride=4, baseline=0.0):
        image = np.asarray(image, dtype=float)
        height, width = image.shape[:2]
        p = predict(image[None])[0, class_index]
        total, count = np.zeros((height, width)), np.zeros((height, width))
        rows = sorted(set(range(0, height - patch + 1, stride)) | {height - patch})
        cols = sorted(set(range(0, width - patch + 1, stride)) | {width - patch})
        for top in rows:
            for left in cols:
                covered = image.copy()
                covered[top:top + patch, left:left + patch] = baseline
                total[top:top + patch, left:left + patch] += \
                    p - predict(covered[None])[0, class_index]
                count[top:top + patch, left:left + patch] += 1
        return total / count

    check.occlusion_loop(own, hidden=True)


def test_loop_blank_fails():
    def blank(predict, image, class_index, patch=8, stride=4, baseline=0.0):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.occlusion_loop(blank)


def _grid_only(predict, image, class_index, patch=8, stride=4, baseline=0.0):
    p = predict(image[None])[0, class_index]
    rows = heatmaps.patch_positions(image.shape[0], patch, stride)
    cols = heatmaps.patch_positions(image.shape[1], patch, stride)
    return np.array([[p - predict(heatmaps.occlude(image, t, c, patch, baseline)[None])[0,
                                                                                    class_index]
                      for c in cols] for t in rows])


def _no_flush(predict, image, class_index, patch=8, stride=4, baseline=0.0):
    height, width = image.shape[:2]
    p = predict(image[None])[0, class_index]
    total, count = np.zeros((height, width)), np.zeros((height, width))
    for top in range(0, height - patch + 1, stride):
        for left in range(0, width - patch + 1, stride):
            covered = heatmaps.occlude(image, top, left, patch, baseline)
            total[top:top + patch, left:left + patch] += p - predict(covered[None])[0,
                                                                                    class_index]
            count[top:top + patch, left:left + patch] += 1
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _summed(predict, image, class_index, patch=8, stride=4, baseline=0.0):
    total = np.zeros(image.shape[:2])
    p = predict(image[None])[0, class_index]
    for top in heatmaps.patch_positions(image.shape[0], patch, stride):
        for left in heatmaps.patch_positions(image.shape[1], patch, stride):
            covered = heatmaps.occlude(image, top, left, patch, baseline)
            total[top:top + patch, left:left + patch] += p - predict(covered[None])[0,
                                                                                    class_index]
    return total


def _calls_the_reference(predict, image, class_index, patch=8, stride=4, baseline=0.0):
    return heatmaps.occlusion_map(predict, image, class_index, patch, stride, baseline,
                                  progress=False)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda *args: -loop_reference(*args), "the sign is flipped"),
    (_summed, "you summed the drops"),
    (_no_flush, "flush with it"),
    (_grid_only, "one drop per patch position"),
    (lambda predict, image, class_index, patch=8, stride=4, baseline=0.0: loop_reference(
        predict, image, 0, patch, stride, baseline), "Hint"),  # the wrong class
    (lambda predict, image, class_index, patch=8, stride=4, baseline=0.0: loop_reference(
        predict, image, class_index, patch, stride), "Hint"),  # ignores the baseline
    (lambda predict, image, class_index, patch=8, stride=4, baseline=0.0: predict(image),
     "raised"),  # a single image where predict wants a batch
    (lambda *args: None, "forget to `return`"),
    (_calls_the_reference, "calls heatmaps.occlusion_map"),
])
def test_loop_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.occlusion_loop(wrong)
    assert phrase in str(info.value)


def test_loop_check_puts_the_reference_back_even_after_a_failure():
    with pytest.raises(CheckFailed):
        check.occlusion_loop(_calls_the_reference)
    assert heatmaps.occlusion_map is check._OCCLUSION_MAP


def test_loop_in_place_change_fails():
    def in_place(predict, image, class_index, patch=8, stride=4, baseline=0.0):
        result = loop_reference(predict, image.copy(), class_index, patch, stride, baseline)
        image[:] = 0
        return result

    with pytest.raises(CheckFailed, match="changed the image"):
        check.occlusion_loop(in_place)


def test_loop_hidden_cases_catch_a_grey_only_solution():
    # Right only for 2-D images: the hidden cases have one colour image more.
    def grey_only(predict, image, class_index, patch=8, stride=4, baseline=0.0):
        if image.ndim == 3 and image.shape[-1] == 2:
            return np.zeros(image.shape[:2])
        return loop_reference(predict, image, class_index, patch, stride, baseline)

    check.occlusion_loop(grey_only)
    with pytest.raises(CheckFailed):
        check.occlusion_loop(grey_only, hidden=True)


# ------------------------------------------------------------------------------------- CAM


def cam_reference(feature_maps, weights, class_index, size):
    cam = feature_maps @ weights[:, class_index]
    return heatmaps.upsample(cam, size)


def test_cam_reference_passes(capsys):
    check.cam(cam_reference)
    check.cam(cam_reference, hidden=True)
    out = capsys.readouterr()
    assert "my_cam: correct (5 cases)" in out.out and "(3 hidden cases)" in out.out
    assert out.err == ""


def test_cam_with_a_loop_over_channels_and_upsampling_first_passes_too():
    def loop_after_upsampling(feature_maps, weights, class_index, size):
        total = np.zeros(size)
        for k in range(feature_maps.shape[-1]):  # stretching is linear: the order is free
            total += weights[k, class_index] * heatmaps.upsample(feature_maps[:, :, k], size)
        return total

    check.cam(loop_after_upsampling, hidden=True)


def test_cam_blank_fails():
    def blank(feature_maps, weights, class_index, size):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.cam(blank)


def _nearest(feature_maps, weights, class_index, size):
    from skimage.transform import resize

    return resize(feature_maps @ weights[:, class_index], size, order=0, mode="edge",
                  anti_aliasing=False)


def _calls_the_course(feature_maps, weights, class_index, size):
    return heatmaps.class_activation_map(feature_maps, weights, class_index, size)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda f, w, c, size: f @ w[:, c], "stretch it to the image's size"),
    (lambda f, w, c, size: heatmaps.upsample(f @ w[c], size), "the column weights[:, c]"),
    (lambda f, w, c, size: np.maximum(cam_reference(f, w, c, size), 0.0), "CAM keeps its sign"),
    (lambda f, w, c, size: cam_reference(f, w, c, size) / f.shape[-1], "don't average"),
    (lambda f, w, c, size: heatmaps.upsample(f @ w.sum(axis=1), size), "not the sum over all"),
    (lambda f, w, c, size: cam_reference(f, w, 1 - c, size), "that is the map of class"),
    (_nearest, "stretched differently"),
    (lambda f, w, c, size: heatmaps.upsample(f.sum(axis=-1), size), "Hint: cam = sum"),
    (lambda f, w, c, size: f * w[:, c], "the map is 2-D"),
    (lambda f, w, c, size: None, "forget to `return`"),
    (_calls_the_course, "calls a course function"),
])
def test_cam_wrong_answers_fail_with_a_useful_message(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.cam(wrong)
    assert phrase in str(info.value)


def test_cam_check_puts_the_course_functions_back_even_after_a_failure():
    with pytest.raises(CheckFailed):
        check.cam(_calls_the_course)
    assert heatmaps.class_activation_map is check._CAM and heatmaps.grad_cam is check._GRAD_CAM


def test_cam_in_place_change_fails():
    def in_place(feature_maps, weights, class_index, size):
        result = cam_reference(feature_maps.copy(), weights, class_index, size)
        feature_maps *= 0
        return result

    with pytest.raises(CheckFailed, match="changed the arrays"):
        check.cam(in_place)


def test_cam_failure_names_the_case():
    with pytest.raises(CheckFailed, match=r"my_cam\(feature_maps \(3, 3, 2\), weights \(2, 3\), "
                                          r"class_index=1, size=\(6, 6\)\)"):
        check.cam(lambda f, w, c, size: cam_reference(f, w, c, size) + 1.0)


def test_cam_hidden_cases_come_from_the_secret(monkeypatch):
    monkeypatch.delenv("COURSE_HIDDEN_SEED", raising=False)
    public = check._cam_cases(True)
    monkeypatch.setenv("COURSE_HIDDEN_SEED", "a teacher's secret")
    secret = check._cam_cases(True)
    assert not all(np.array_equal(a[0], b[0]) for a, b in zip(public, secret, strict=True))
    check.cam(cam_reference, hidden=True)


def test_cam_a_row_of_square_weights_gets_the_row_hint():
    # Square weights hide the mistake from the shapes: the hint still names it.
    cases = [case for case in check._cam_cases(False) if case[1].shape[0] == case[1].shape[1]
             and case[3] != case[0].shape[:2]]
    feature_maps, weights, class_index, size = cases[0]
    got = heatmaps.upsample(feature_maps @ weights[class_index], size)
    assert "you took a row of the weights" in check._cam_hint(got, feature_maps, weights,
                                                              class_index, size)
