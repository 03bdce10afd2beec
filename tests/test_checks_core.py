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
