"""helpers.checks.playground: each check passes the reference and fails blanks and
plausible wrong answers with a useful message."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import CheckFailed
from helpers.checks import playground as check
from helpers.playground import FEATURES, Settings

# ------------------------------------------------------------------------- my_features


def features_reference(X):
    X = np.asarray(X, dtype=float)
    x1, x2 = X[:, 0], X[:, 1]
    return np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)], axis=1)


def features_with_a_list_comprehension(X):
    return np.array([[a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)] for a, b in X]
                    ).reshape(len(X), 7)


@pytest.mark.parametrize("student", [features_reference, features_with_a_list_comprehension])
def test_features_reference_passes(student, capsys):
    check.features(student)
    check.features(student, hidden=True)
    assert "correct" in capsys.readouterr().out


def test_features_blank_fails():
    def blank(X):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.features(blank)


def _swap(i, j):
    def wrong(X):
        out = features_reference(X)
        out[:, [i, j]] = out[:, [j, i]]
        return out
    return wrong


def _degrees(X):
    out = features_reference(X)
    out[:, 5:] = np.sin(np.radians(np.asarray(X, dtype=float)))
    return out


def _doubles(X):
    out = features_reference(X)
    out[:, 2:4] = 2 * np.asarray(X, dtype=float)
    return out


def _in_place(X):
    out = features_reference(X)
    X[:, 0] = 0
    return out


@pytest.mark.parametrize("wrong, phrase", [
    (_swap(2, 3), "column 2 holds x2^2 but should hold x1^2"),
    (_swap(4, 5), "column 4 holds sin(x1) but should hold x1x2"),
    (lambda X: features_reference(X)[:, ::-1], "column 0 holds sin(x2)"),
    (_degrees, "degrees"),
    (_doubles, "column 2 (x1^2) is 2x, not x squared"),
    (lambda X: features_reference(X).T, "transposed"),
    (lambda X: features_reference(X)[:, :5], "seven columns"),
    (lambda X: np.c_[features_reference(X), X[:, 0] + X[:, 1]], "seven columns"),
    (lambda X: None, "forget to `return`"),
    (_in_place, "in place"),
    (lambda X: [list(r) for r in features_reference(X)] if len(X) else [], "shape"),
])
def test_features_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.features(wrong)
    assert phrase in str(info.value)


def test_features_reports_the_students_exception():
    with pytest.raises(CheckFailed, match=r"raised IndexError"):
        check.features(lambda X: features_reference(X[:, :1]))
    with pytest.raises(CheckFailed, match="should be a function"):
        check.features(features_reference(np.zeros((1, 2))))


# ------------------------------------------------------------- circles without hidden layer


def circles_reference():
    return Settings("circles", hidden=(), features=("x1^2", "x2^2"), noise=0.2)


def test_circles_reference_passes(capsys):
    check.circles_without_hidden_layer(circles_reference)
    check.circles_without_hidden_layer(circles_reference, hidden=True)
    out = capsys.readouterr().out
    assert out.count("correct") == 2 and "no hidden layer" in out


def test_circles_blank_fails():
    def blank():
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.circles_without_hidden_layer(blank)


@pytest.mark.parametrize("wrong, phrase", [
    # The first thing to try: the raw coordinates. A straight line cannot do it.
    (lambda: Settings("circles", hidden=()), "x1^2 + x2^2 = r^2"),
    (lambda: Settings("circles", hidden=(), features=("x1", "x2", "x1x2")), "hyperbolas"),
    (lambda: Settings("circles", hidden=(), features=("x1^2",)), "the radius needs both"),
    # The right features, but a learning rate too small to move the weights in 20 epochs.
    (lambda: Settings("circles", hidden=(), features=("x1^2", "x2^2"), learning_rate=1e-4,
                      epochs=20), "right features"),
    (lambda: Settings("circles", hidden=(4,)), "needs none: hidden=()"),
    (lambda: Settings("xor", hidden=(), features=("x1^2", "x2^2")), "about 'circles'"),
    (lambda: None, "forget to `return Settings"),
    (lambda: {"dataset": "circles", "hidden": ()}, "expected a playground Settings"),
    (lambda: Settings("circles", hidden=(), features=("x1^2", "x2^2"), batch_size=1,
                      epochs=1000), "steps"),
])
def test_circles_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.circles_without_hidden_layer(wrong)
    assert phrase in str(info.value)


def test_circles_check_uses_its_own_data(capsys):
    # Noise 0 would be easier; the check retrains on noise 0.2 and says so.
    check.circles_without_hidden_layer(lambda: Settings("circles", hidden=(),
                                                        features=("x1^2", "x2^2")))
    assert "noise=0.2 (yours: 0.0)" in capsys.readouterr().out


# -------------------------------------------------------------- spiral with few neurons


def spiral_reference():
    return Settings("spirals", hidden=(3,), activation="tanh",
                    features=("x1", "x2", "sin(x1)", "sin(x2)"), epochs=200)


def test_spiral_reference_passes_and_reports_the_neurons(capsys):
    check.spiral_with_few_neurons(spiral_reference)
    check.spiral_with_few_neurons(spiral_reference, hidden=True)
    out = capsys.readouterr().out
    assert out.count("correct") == 2 and "3 hidden neurons" in out


def test_spiral_blank_fails():
    def blank():
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented"):
        check.spiral_with_few_neurons(blank)


@pytest.mark.parametrize("wrong, phrase", [
    # Brute force: solves it, with too many neurons.
    (lambda: Settings("spirals", hidden=(8, 8)), "16 hidden neurons"),
    (lambda: Settings("spirals", hidden=(3, 2), features=FEATURES), "at most 4"),
    # Within the budget from x1, x2 alone: not enough.
    (lambda: Settings("spirals", hidden=(4,), epochs=300), "more than 4 neurons"),
    # Features alone, without a hidden layer: no single feature follows the spiral.
    (lambda: Settings("spirals", hidden=(), features=FEATURES), "small hidden layer"),
    (lambda: Settings("circles", hidden=(3,)), "about 'spirals'"),
    (lambda: Settings("spirals", hidden=(4,), epochs=5000, batch_size=1), "steps"),
])
def test_spiral_wrong_answers_fail_with_a_hint(wrong, phrase):
    with pytest.raises(CheckFailed) as info:
        check.spiral_with_few_neurons(wrong)
    assert phrase in str(info.value)


def test_spiral_check_reports_the_students_exception():
    def broken():
        return Settings("spirals", hidden=(3,), activation="softmax")

    with pytest.raises(CheckFailed, match=r"my_spiral_settings\(\) raised ValueError.*"
                                          r"Settings.activation"):
        check.spiral_with_few_neurons(broken)
