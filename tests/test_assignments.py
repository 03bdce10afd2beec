"""assignments/: the student versions are up to date and give nothing away.

Every notebook in notebooks/ with exercises has a committed student version that
tools/make_assignments.py would write byte for byte; it keeps every graded cell, with its
grade_id and points, and holds no solution, no hidden test and no output.
"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import build_notebooks  # noqa: E402
import make_assignments  # noqa: E402

EXPECTED = make_assignments.expected_assignments()
NAMES = sorted(EXPECTED) or [pytest.param("none", marks=pytest.mark.skip(
    reason="no notebook in notebooks/ has exercises yet"))]
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def nbgrader_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata.nbgrader["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def _meaningful(block: str) -> list[str]:
    """The lines of a hidden or solution block worth looking for (not blank, not brackets)."""
    lines = [line.strip() for line in block.splitlines()]
    return [line for line in lines if len(line) > 3 and line not in {"pass", "return"}]


@pytest.mark.parametrize("name", NAMES)
def test_assignment_is_up_to_date(name):
    path = ROOT / "assignments" / name
    assert path.exists(), f"assignments/{name} is missing: run `make assignments`"
    assert path.read_text(encoding="utf-8") == EXPECTED[name], \
        f"assignments/{name} is stale: run `make assignments`"


def test_no_assignment_without_a_notebook():
    present = {p.name for p in (ROOT / "assignments").glob("[0-9][0-9]_*.ipynb")}
    assert present <= set(EXPECTED), "run `make assignments` to remove stale student versions"


@pytest.mark.parametrize("name", NAMES)
def test_assignment_gives_nothing_away(name):
    source = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    student = nbformat.reads(EXPECTED[name], as_version=4)
    text = EXPECTED[name]
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    theirs = nbgrader_cells(student)
    for grade_id, cell in nbgrader_cells(source).items():
        for block in HIDDEN.findall(cell.source):
            for line in _meaningful(block):
                assert line not in theirs[grade_id].source, f"{grade_id}: hidden test {line!r}"
        for block in SOLUTION.findall(cell.source):
            for line in _meaningful(block):
                assert line not in theirs[grade_id].source, f"{grade_id}: solution {line!r}"
    for cell in student.cells:
        assert not cell.get("outputs") and cell.get("execution_count") is None


@pytest.mark.parametrize("name", NAMES)
def test_assignment_keeps_every_graded_cell(name):
    source = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    student = nbformat.reads(EXPECTED[name], as_version=4)
    ours, theirs = nbgrader_cells(source), nbgrader_cells(student)
    assert list(ours) == list(theirs)
    for grade_id, cell in ours.items():
        meta, their_meta = cell.metadata.nbgrader, theirs[grade_id].metadata.nbgrader
        for key in ("grade", "solution", "locked", "points"):
            assert their_meta.get(key) == meta.get(key), f"{grade_id}: {key}"
        if meta["grade"] and not meta["solution"]:  # a test cell: locked against edits
            assert theirs[grade_id].metadata["editable"] is False
        elif cell.cell_type == "code":
            assert "raise NotImplementedError()" in theirs[grade_id].source
        else:
            assert "YOUR ANSWER HERE" in theirs[grade_id].source
    assert len(student.cells) == len(source.cells)


@pytest.mark.parametrize("name", NAMES)
def test_badge_opens_the_student_version(name):
    stem = name.removesuffix(".ipynb")
    text = EXPECTED[name]
    assert build_notebooks.colab_badge(f"assignments/{stem}.ipynb") in text
    assert f"notebooks/{stem}.ipynb" not in text


def test_notebooks_without_exercises_get_no_assignment():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if not make_assignments.has_exercises(nbformat.read(path, as_version=4)):
            assert path.name not in EXPECTED


# --------------------------------------------------------------------------- the tool itself

@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course of one notebook, the test fixture, in a temporary folder."""
    notebooks, assignments = tmp_path / "notebooks", tmp_path / "assignments"
    notebooks.mkdir()
    solution = build_notebooks.build(ROOT / "tests" / "fixtures" / "99_demo.py")
    nbformat.write(solution, notebooks / "99_demo.ipynb")
    monkeypatch.setattr(make_assignments, "ROOT", tmp_path)
    monkeypatch.setattr(make_assignments, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(make_assignments, "ASSIGNMENTS", assignments)
    return notebooks, assignments


def test_check_fails_until_written_then_passes(course, capsys):
    notebooks, assignments = course
    before = (notebooks / "99_demo.ipynb").read_bytes()
    assert make_assignments.main(["--check"]) == 1
    assert not assignments.exists()
    assert make_assignments.main([]) == 0
    assert make_assignments.main(["--check"]) == 0
    assert (notebooks / "99_demo.ipynb").read_bytes() == before  # the source is untouched
    capsys.readouterr()
    assert make_assignments.main([]) == 0
    assert capsys.readouterr().out == ""  # writing again changes nothing


def test_check_finds_edits_and_orphans(course):
    _, assignments = course
    make_assignments.main([])
    target = assignments / "99_demo.ipynb"
    target.write_text(target.read_text().replace("YOUR ANSWER HERE", "edited"))
    assert make_assignments.main(["--check"]) == 1
    make_assignments.main([])
    (assignments / "98_gone.ipynb").write_text("{}")
    assert make_assignments.main(["--check"]) == 1
    make_assignments.main([])
    assert not (assignments / "98_gone.ipynb").exists()


def test_student_version_of_the_fixture(course):
    notebooks, _ = course
    solution = nbformat.read(notebooks / "99_demo.ipynb", as_version=4)
    student = make_assignments.student_version(solution, "99_demo")
    cells = nbgrader_cells(student)
    assert cells["ex_square"].source == (
        "def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert "hidden" not in cells["check_square"].source
    assert cells["explain_square"].source.endswith("YOUR ANSWER HERE")
    assert "negative numbers is positive" not in cells["explain_square"].source
    assert cells["check_square"].metadata["deletable"] is False
    assert all("checksum" in c.metadata.nbgrader for c in cells.values())
    assert "hidden" in nbgrader_cells(solution)["check_square"].source  # input not changed
