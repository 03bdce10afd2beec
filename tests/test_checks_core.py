"""helpers.checks: the generic machinery every exercise check is built on."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import (
    CheckFailed,
    compare_function,
    expect_at_least,
    expect_close,
    expect_true,
    passed,
)


def reference_square(x):
    return np.asarray(x, dtype=float) ** 2


CASES = [(np.array([1.0, -2.0]),), (np.array([[0.5, 3.0]]),), (np.array(4.0),)]


def test_check_failed_is_an_assertion_error():
    # nbgrader scores a test cell 0 when it raises; AssertionError reads as "wrong answer".
    assert issubclass(CheckFailed, AssertionError)


def test_compare_function_passes_a_right_answer(capsys):
    compare_function(lambda x: x * x, reference_square, CASES, "square")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "square" in out and "correct" in out and "3 cases" in out


def test_compare_function_fails_a_wrong_answer_with_expected_got_and_hint(capsys):
    def wrong(x):
        return 2 * x  # right on 0 and 2 only

    with pytest.raises(CheckFailed) as info:
        compare_function(wrong, reference_square, CASES, "square",
                         hints=["multiply x by itself", "check the second case"])
    message = str(info.value)
    assert "square([ 1., -2.])" in message  # the call that went wrong
    assert "[ 2., -4.]" in message  # what came back
    assert "expected [1., 4.]" in message
    assert "Hint: multiply x by itself" in message
    assert "correct" not in capsys.readouterr().out


def test_compare_function_stops_at_the_first_wrong_case():
    def right_on_first_case_only(x):
        return x * x if x.shape == (2,) else x

    with pytest.raises(CheckFailed) as info:
        compare_function(right_on_first_case_only, reference_square, CASES, "square",
                         hints=[None, "case two"])
    assert "[[0.5, 3. ]]" in str(info.value) and "Hint: case two" in str(info.value)


def test_compare_function_wrong_shape():
    with pytest.raises(CheckFailed, match=r"shape \(1, 2\).*expected shape \(2,\)"):
        compare_function(lambda x: np.atleast_2d(x * x), reference_square, CASES[:1], "square")


def test_not_implemented_becomes_not_implemented():
    def blank(x):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented") as info:
        compare_function(blank, reference_square, CASES, "square")
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_student_exceptions_are_reported():
    def crashes(x):
        return x / 0 if x.ndim else {}["missing key"]

    with pytest.raises(CheckFailed) as info:
        compare_function(crashes, reference_square, CASES[2:], "square", hints=["no dicts"])
    message = str(info.value)
    assert "raised KeyError" in message and "missing key" in message
    assert "square(4.)" in message and "Hint: no dicts" in message
    assert isinstance(info.value.__cause__, KeyError)  # traceback shows the student's line


def test_student_returning_none_is_told_to_return():
    with pytest.raises(CheckFailed, match="return"):
        compare_function(lambda x: None, reference_square, CASES, "square")


def test_student_that_is_not_a_function():
    with pytest.raises(CheckFailed, match="should be a function.*42"):
        compare_function(42, reference_square, CASES, "square")


def test_inputs_are_copied():
    cases = [(np.array([1.0, 2.0]),), (np.array([3.0]),)]
    originals = [c[0].copy() for c in cases]

    def squares_in_place(x):
        x *= x  # right answer, but it changes its argument
        return x

    compare_function(squares_in_place, reference_square, cases, "square")
    for case, original in zip(cases, originals, strict=True):
        np.testing.assert_array_equal(case[0], original)

    seen = []

    def reference_that_records(x):
        seen.append(x.copy())
        return x * 2

    def student_that_spoils(x):
        x[:] = 100.0
        return np.array([2.0, 4.0])

    shared = np.array([1.0, 2.0])
    compare_function(student_that_spoils, reference_that_records, [(shared,), (shared,)], "f")
    # The student's first call cannot change what the reference sees in the second case.
    np.testing.assert_array_equal(seen[1], [1.0, 2.0])


def test_single_values_need_no_tuple():
    compare_function(lambda x: x + 1, lambda x: x + 1, [1.0, 2.0], "inc")
    with pytest.raises(CheckFailed, match=r"inc\(1.0\)"):
        compare_function(lambda x: x, lambda x: x + 1, [1.0], "inc")


# ---------------------------------------------------------------------------- expect_*


def test_expect_close():
    expect_close(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9], "w")
    expect_close([float("nan"), 1.0], [float("nan"), 1.0], "w")  # nan where nan is expected
    with pytest.raises(CheckFailed, match=r"w is \[1\., 3\.\], expected \[1\., 2\.\]\.\nHint: h"):
        expect_close(np.array([1.0, 3.0]), [1.0, 2.0], "w", hint="h")
    with pytest.raises(CheckFailed, match=r"shape \(1,\), expected shape \(2,\)"):
        expect_close(np.array([1.0]), [1.0, 2.0], "w")
    with pytest.raises(CheckFailed, match="nan"):
        expect_close(np.array([np.nan, 2.0]), [1.0, 2.0], "w")
    with pytest.raises(CheckFailed, match="return"):
        expect_close(None, 1.0, "w")
    with pytest.raises(CheckFailed, match="numbers.*'abc'"):
        expect_close("abc", 1.0, "w")
    expect_close(1.0 + 1e-3, 1.0, "loose", rtol=1e-2)
    with pytest.raises(CheckFailed):
        expect_close(1.0 + 1e-3, 1.0, "tight")


def test_expect_at_least():
    expect_at_least(0.93, 0.9, "test accuracy")
    expect_at_least(0.9, 0.9, "test accuracy")  # reaching the target is enough
    expect_at_least(np.float32(0.95), 0.9, "test accuracy")
    with pytest.raises(CheckFailed) as info:
        expect_at_least(0.85, 0.9, "test accuracy", hint="train longer")
    message = str(info.value)
    assert "test accuracy is 0.85" in message and "expected at least 0.9" in message
    assert "Hint: train longer" in message
    for bad in [None, float("nan"), "0.95", [0.95, 0.9]]:
        with pytest.raises(CheckFailed, match="test accuracy is .*a number"):
            expect_at_least(bad, 0.9, "test accuracy")


def test_expect_true_and_passed(capsys):
    expect_true(True, "never shown")
    with pytest.raises(CheckFailed, match=r"^the loss went up\nHint: lower the rate$"):
        expect_true(False, "the loss went up", hint="lower the rate")
    with pytest.raises(CheckFailed, match=r"^no hint$"):
        expect_true(False, "no hint")
    passed("sigmoid", "5 cases")
    assert capsys.readouterr().out == "✔ sigmoid: correct (5 cases).\n"


def test_call_student_turns_every_failure_into_feedback():
    from helpers.checks import call_student

    assert call_student(lambda x: x + 1, (1,), "inc") == 2
    with pytest.raises(CheckFailed, match="inc should be a function, got 3"):
        call_student(3, (1,), "inc")

    def blank(x):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="inc is not implemented yet"):
        call_student(blank, (1,), "inc")
    with pytest.raises(CheckFailed, match=r"inc\(x=1\) raised KeyError.*\nHint: look up"):
        call_student(lambda x: {}[x], (1,), "inc", "inc(x=1)", "look up")

    def nested(x):  # a check the student calls inside their code fails as itself
        raise CheckFailed("inner")

    with pytest.raises(CheckFailed, match="^inner$"):
        call_student(nested, (1,), "inc")


@pytest.mark.parametrize("got, message", [
    (None, "returned None: did you forget to `return` the size"),
    (True, "returned True, expected the number 3"),
    ("3", "returned '3', expected the number 3"),
    (4, r"is 4, expected 3.\nHint: four is wrong"),
    (3.0, "returned the float 3.0; a size is an int"),
])
def test_expect_count_names_the_mistake(got, message):
    from helpers.checks import expect_count

    with pytest.raises(CheckFailed, match=message):
        expect_count(got, 3, "f()", "size", hint=lambda wrong: f"{'four' if wrong == 4 else '?'}"
                     " is wrong")


def test_expect_count_accepts_numpy_ints():
    from helpers.checks import expect_count

    expect_count(np.int64(3), 3, "f()", "size")


# ------------------------------------------- hidden cases drawn from the teacher's secret

_TESTS = __import__("pathlib").Path(__file__).resolve().parent


def _sibling(name: str):
    """A test module of this folder, for its reference solutions (loaded under its own name
    prefixed, so that pytest's own copy is left alone)."""
    import importlib.util
    import sys

    key = f"_secret_seed_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, _TESTS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def _hidden_runs():
    """(label, function running one check's hidden cases on its reference solution)."""
    from helpers import scratch, similarity, text
    from helpers.checks import (
        attention,
        audio,
        convnets,
        gans,
        heatmaps,
        localization,
        mlp,
        neuron,
        playground,
        rnn,
        transfer,
        word2vec,
    )

    def t(name):
        return _sibling(f"test_checks_{name}")

    return [
        ("neuron.sigmoid", lambda: neuron.sigmoid(scratch.sigmoid, hidden=True)),
        ("neuron.gradient", lambda: neuron.gradient(neuron._mse_gradient, hidden=True)),
        ("neuron.train", lambda: neuron.train(t("neuron").minibatch_sgd, hidden=True)),
        ("mlp.dense_tanh_backward",
         lambda: mlp.dense_tanh_backward(t("mlp").backward_reference, hidden=True)),
        ("mlp.two_branch_model",
         lambda: mlp.two_branch_model(t("mlp").two_branch_reference, hidden=True)),
        ("mlp.adam_step", lambda: mlp.adam_step(t("mlp").adam_reference, hidden=True)),
        ("convnets.conv2d_valid",
         lambda: convnets.conv2d_valid(t("convnets").conv_reference, hidden=True)),
        ("transfer.cosine_neighbours",
         lambda: transfer.cosine_neighbours(t("transfer").neighbours_reference, hidden=True)),
        ("transfer.cosine_neighbours (course)",
         lambda: transfer.cosine_neighbours(similarity.cosine_neighbours, hidden=True)),
        ("transfer.cluster_purity",
         lambda: transfer.cluster_purity(t("transfer").purity_reference, hidden=True)),
        ("heatmaps.occlude", lambda: heatmaps.occlude(t("heatmaps").occlude_reference,
                                                      hidden=True)),
        ("heatmaps.occlusion_loop",
         lambda: heatmaps.occlusion_loop(t("heatmaps").loop_reference, hidden=True)),
        ("audio.frame_signal", lambda: audio.frame_signal(t("audio").frames_reference,
                                                          hidden=True)),
        ("audio.mel_scale", lambda: audio.mel_scale(t("audio").to_mel, t("audio").to_hz,
                                                    hidden=True)),
        ("audio.spectral_centroid",
         lambda: audio.spectral_centroid(t("audio").centroid_reference, hidden=True)),
        ("text.max_over_time", lambda: text_check().max_over_time(t("text").mot_loops,
                                                                  hidden=True)),
        ("text.max_over_time (course)",
         lambda: text_check().max_over_time(text.conv1d_max_over_time, hidden=True)),
        ("text.embedding_matrix",
         lambda: text_check().embedding_matrix(t("text").table_reference, hidden=True)),
        ("heatmaps.cam", lambda: heatmaps.cam(t("heatmaps").cam_reference, hidden=True)),
        ("rnn.clip_by_norm", lambda: rnn.clip_by_norm(t("rnn").clip_reference, hidden=True)),
        ("rnn.gru_step", lambda: rnn.gru_step(t("rnn").gru_reference, hidden=True)),
        ("rnn.temperature_sampling",
         lambda: rnn.temperature_sampling(t("rnn").probs_reference, t("rnn").sample_reference,
                                          hidden=True)),
        ("word2vec.skipgram_pairs",
         lambda: word2vec.skipgram_pairs(t("word2vec").pairs_reference, hidden=True)),
        ("word2vec.most_similar",
         lambda: word2vec.most_similar(t("word2vec").similar_reference, hidden=True)),
        ("word2vec.analogy",
         lambda: word2vec.analogy(t("word2vec").analogy_reference, hidden=True)),
        ("localization.iou", lambda: localization.iou(t("localization").iou_reference,
                                                      hidden=True)),
        ("localization.box_from_grid",
         lambda: localization.box_from_grid(t("localization").grid_reference, hidden=True)),
        ("playground.features",
         lambda: playground.features(t("playground").features_reference, hidden=True)),
        ("gans.discriminator_loss",
         lambda: gans.discriminator_loss(t("gans").d_reference, hidden=True)),
        ("attention.attention",
         lambda: attention.attention(t("attention").attention_reference, hidden=True)),
        ("attention.masks", lambda: attention.masks(t("attention").causal_reference,
                                                    t("attention").decoder_reference,
                                                    hidden=True)),
    ]


def text_check():
    from helpers.checks import text as check

    return check


SECRETS = ["a secret", "7", "another, much longer secret: 2026-12-03"]


@pytest.mark.parametrize("secret", SECRETS)
def test_reference_solutions_pass_the_hidden_cases_of_any_secret(secret, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HIDDEN_SEED", secret)
    runs = _hidden_runs()
    for label, run in runs:
        try:
            run()
        except CheckFailed as failure:
            raise AssertionError(f"{label} with COURSE_HIDDEN_SEED={secret!r}: {failure}") \
                from None
    assert capsys.readouterr().out.count("correct") >= len(runs)


def test_frozen_classifier_passes_the_hidden_cases_of_a_secret(monkeypatch, capsys):
    from helpers.checks import transfer

    monkeypatch.setenv("COURSE_HIDDEN_SEED", SECRETS[0])
    transfer.frozen_classifier(_sibling("test_checks_transfer").frozen_reference, hidden=True)
    assert "correct" in capsys.readouterr().out


def _fingerprint(value, digest=None) -> str:
    """A digest of the numbers, strings and arrays in a case list (objects by their fields)."""
    import hashlib

    digest = digest or hashlib.sha256()
    if isinstance(value, np.ndarray):
        digest.update(str(value.shape).encode() + np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (list, tuple)):
        for item in value:
            _fingerprint(item, digest)
    elif isinstance(value, (str, int, float, bool, np.generic)) or value is None:
        digest.update(repr(value).encode())
    elif isinstance(value, dict):
        _fingerprint(sorted(value.items(), key=lambda kv: str(kv[0])), digest)
    elif hasattr(value, "__dict__"):
        _fingerprint(vars(value), digest)
    return digest.hexdigest()


_RANDOM_HIDDEN_CASES = [
    ("neuron", "_gradient_cases"), ("mlp", "_backward_cases"), ("convnets", "_conv_cases"),
    ("transfer", "_neighbour_cases"), ("transfer", "_purity_cases"),
    ("heatmaps", "_occlude_cases"), ("heatmaps", "_loop_cases"), ("audio", "_frame_cases"),
    ("audio", "_centroid_cases"), ("text", "_mot_cases"), ("rnn", "_clip_cases"),
    ("rnn", "_gru_cases"), ("word2vec", "_pair_cases"), ("word2vec", "_similarity_cases"),
    ("word2vec", "_analogy_cases"), ("localization", "_grid_cases"),
    ("playground", "_feature_cases"), ("mlp", "_adam_cases"), ("heatmaps", "_cam_cases"),
    ("text", "_table_cases"),
]


@pytest.mark.parametrize("module, cases", _RANDOM_HIDDEN_CASES)
def test_hidden_cases_come_from_the_secret(module, cases, monkeypatch):
    import importlib

    make = getattr(importlib.import_module(f"helpers.checks.{module}"), cases)
    monkeypatch.delenv("COURSE_HIDDEN_SEED", raising=False)
    public = _fingerprint(make(True))
    assert _fingerprint(make(True)) == public  # the same without a secret, every time
    seen = set()
    for secret in SECRETS:
        monkeypatch.setenv("COURSE_HIDDEN_SEED", secret)
        secret_cases = _fingerprint(make(True))
        assert secret_cases == _fingerprint(make(True))  # a secret gives one set of cases
        seen.add(secret_cases)
    assert public not in seen and len(seen) == len(SECRETS)


def test_rnn_hidden_probabilities_come_from_the_secret(monkeypatch):
    from helpers.checks import rnn

    monkeypatch.delenv("COURSE_HIDDEN_SEED", raising=False)
    public = _fingerprint(rnn._probs_hidden())
    monkeypatch.setenv("COURSE_HIDDEN_SEED", SECRETS[0])
    assert _fingerprint(rnn._probs_hidden()) != public


_CHECK_MODULES = ["attention", "audio", "convnets", "gans", "heatmaps", "localization", "mlp",
                  "neuron", "playground", "rnn", "text", "transfer", "word2vec"]


@pytest.mark.parametrize("module", _CHECK_MODULES)
def test_references_name_every_check_and_real_course_functions(module):
    import importlib
    import inspect

    check = importlib.import_module(f"helpers.checks.{module}")
    checks = {name for name in check.__all__ if inspect.isfunction(getattr(check, name))}
    assert set(check.REFERENCES) == checks
    for names in check.REFERENCES.values():
        for dotted in names:
            path, _, attr = dotted.rpartition(".")
            assert dotted.startswith("helpers.") and not dotted.startswith("helpers.checks")
            assert hasattr(importlib.import_module(path), attr), dotted
    # What a check module exports is checks and constants, never a reference answer.
    for name in check.__all__:
        assert "reference" not in name.lower() and name not in {"mse_gradient"}
