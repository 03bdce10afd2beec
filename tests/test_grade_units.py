"""The grader's pieces that need no notebook run: names, CSV cells, links, code review."""

from __future__ import annotations

import os
import sys
import textwrap

import nbformat
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import code_review  # noqa: E402
import grade  # noqa: E402


def test_feedback_names_never_collide():
    taken: dict[str, str] = {}
    names = [grade.safe_name(s, taken) for s in ("ada lovelace", "ada_lovelace", "ada/lovelace",
                                                 "ada lovelace")]
    assert names[0] == names[3] == "ada_lovelace"
    assert len(set(names[:3])) == 3


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_spreadsheet_formulas_are_escaped(text):
    assert grade.spreadsheet_safe(text) == "'" + text
    assert grade.spreadsheet_safe("ada") == "ada"


def test_hidden_seeds_differ_per_student_and_secret():
    seeds = {grade.hidden_seed(secret, student, "01_neuron")
             for secret in (b"a", b"b") for student in ("ada", "bob")}
    assert len(seeds) == 4


def test_links_and_special_files_are_refused_and_duplicates_graded_once(tmp_path):
    known = {"01_neuron"}
    nb = nbformat.v4.new_notebook()
    nbformat.write(nb, tmp_path / "ada__01_neuron.ipynb")
    (tmp_path / "eve__01_neuron.ipynb").symlink_to(ROOT / "notebooks" / "01_neuron.ipynb")
    os.mkfifo(tmp_path / "mal__01_neuron.ipynb")
    (tmp_path / "bob").mkdir()
    nbformat.write(nb, tmp_path / "bob" / "01_neuron.ipynb")
    nbformat.write(nb, tmp_path / "bob" / "01_neuron (1).ipynb")
    os.utime(tmp_path / "bob" / "01_neuron.ipynb", (1, 1))
    found = {s.student: s for s in grade.find_submissions(tmp_path, known)}
    assert found["ada"].problem is None
    assert "symbolic link" in found["eve"].problem
    assert "not a regular file" in found["mal"].problem
    assert found["bob"].path.name == "01_neuron (1).ipynb"
    assert found["bob"].also == ["01_neuron.ipynb"]


SPECS = code_review.exercise_specs(nbformat.read(ROOT / "notebooks" / "01_neuron.ipynb",
                                                 as_version=4))["tests"]


def review(code: str) -> tuple[dict, list]:
    code = textwrap.dedent(code)
    setup = "from helpers import scratch\nfrom helpers.checks import neuron as check\n"
    return code_review.analyse_code([setup, code], [code], SPECS)


def test_the_reference_under_an_alias_scores_zero():
    zero, _ = review("from helpers.scratch import sigmoid as my_sigmoid")
    assert "helpers.scratch.sigmoid" in zero["check_sigmoid"]
    zero, _ = review("my_sigmoid = scratch.sigmoid")
    assert "check_sigmoid" in zero


def test_a_check_modules_private_reference_scores_zero_even_through_a_helper():
    zero, _ = review("""
        def helper(x, y, w, b):
            return check._mse_gradient(x, y, w, b)
        def my_gradient(x, y, w, b):
            return helper(x, y, w, b)
        """)
    assert set(zero) == {"check_gradient"}


def test_using_the_reference_elsewhere_costs_nothing():
    zero, notes = review("""
        def my_gradient(x, y, w, b):
            o = scratch.sigmoid(x @ w + b)
            d = 2 * (o - y) * o * (1 - o)
            return x.T @ d / len(x), d.mean()
        """)
    assert zero == {} and notes == []


@pytest.mark.parametrize("code, note", [
    ("import os\nos.kill(1, 9)", "os.kill"),
    ("open('/proc/1/cmdline').read()", "/proc"),
    ("import sys\nsys.modules['numpy'].allclose = None", "sys.modules"),
    ("get_ipython().input_transformers_post.append(f)", "input_transformers"),
    ("import numpy as np\nnp.allclose = lambda *a: True", "patches numpy"),
    ("class A:\n    def __eq__(self, other):\n        return True", "__eq__"),
    ("open('../../escape.txt', 'w')", "outside its working folder"),
    ("exec('1')", "exec"),
])
def test_suspicious_code_is_named(code, note):
    _, notes = review(code)
    assert any(note in n for n in notes), notes
