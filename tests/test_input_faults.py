"""Input that a helper used to accept and answer wrongly: each now raises, naming the problem."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import embeddings, heatmaps, localization


@pytest.mark.parametrize("fn", [embeddings.skipgram_pairs, embeddings.cbow_examples])
def test_a_sentence_as_one_string_is_refused_not_split_into_characters(fn):
    with pytest.raises(TypeError, match=r"list of tokens.*got a str 'a b c'.*split"):
        fn("a b c", 1)
    # The token list that was meant still works, and a tuple or generator is a sequence too.
    assert fn(["a", "b", "c"], 1) == fn(("a", "b", "c"), 1) == fn(iter("abc"), 1)
    with pytest.raises(TypeError, match="list of tokens.*int"):
        fn(3, 1)


def test_occlusion_map_refuses_a_model_that_returns_nan():
    image = np.ones((8, 8))

    def diverged(batch):
        return np.full((len(batch), 2), np.nan)

    with pytest.raises(ValueError, match=r"predict returned nan or inf for 1 of 1 images.*diverge"):
        heatmaps.occlusion_map(diverged, image, 0, patch=4, stride=2, progress=False)

    def nan_when_covered(batch):  # fine on the image, nan on some occluded copies
        p = batch.mean(axis=(1, 2))[:, None]
        return np.where(p < 0.9, np.nan, p)

    with pytest.raises(ValueError, match=r"nan or inf for \d+ of \d+ images"):
        heatmaps.occlusion_map(nan_when_covered, image, 0, patch=4, stride=2, progress=False)


@pytest.mark.parametrize("inverted", [[3, 3, 1, 1], [0, 4, 4, 0], [4, 0, 0, 4]])
def test_iou_of_an_inverted_box_is_an_error_not_zero(inverted):
    for a, b, what in ((inverted, [0, 0, 4, 4], "box_a"), ([0, 0, 4, 4], inverted, "box_b")):
        with pytest.raises(ValueError, match=rf"{what} has 1 inverted box.*x_max >= x_min"):
            localization.iou(a, b)
    many = np.array([[0, 0, 2, 2], inverted, [1, 1, 3, 3]], dtype=float)
    with pytest.raises(ValueError, match=r"box_a has 1 inverted box\(es\), e\.g\. \["):
        localization.iou(many, np.array([0, 0, 4, 4]))
    # Empty boxes (zero width or height) are boxes: their IoU is 0.
    assert localization.iou([1, 1, 1, 3], [0, 0, 4, 4]) == 0.0
