"""Every notebooks/NN_*.ipynb: built from its source, clean, and with the course skeleton.

Parametrized over the notebooks found, so a new notebook is checked as soon as it exists.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _build_tool():
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def _nbgrader(path: Path) -> list[dict]:
    return [c.metadata["nbgrader"] for c in _cells(path) if "nbgrader" in c.metadata]


each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


def test_there_are_notebooks():
    assert any(p.name.startswith("00_") for p in NOTEBOOKS)


def test_build_check_passes():
    result = subprocess.run([sys.executable, "tools/build_notebooks.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@each_notebook
def test_up_to_date_with_its_source(path):
    source = ROOT / "notebooks" / "src" / f"{path.stem}.py"
    assert source.exists(), f"{path.name} has no source notebooks/src/{source.name}"
    built = nbformat.writes(_build_tool().build(source)) + "\n"
    assert path.read_text(encoding="utf-8") == built, "run `make notebooks`"


@each_notebook
def test_no_outputs_committed(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs"
            assert cell.execution_count is None, f"cell {index} has an execution count"
        assert not re.search(r"\{\{\s*colab_(badge|install)\s*\}\}", cell.source), (
            f"cell {index} has an unexpanded placeholder")


@each_notebook
def test_title_cell(path):
    cell = _cells(path)[0]
    assert cell.cell_type == "markdown"
    first_line = cell.source.splitlines()[0]
    assert re.match(rf"# {path.name[:2]} · \S", first_line), first_line
    assert "colab-badge.svg" in cell.source
    assert "colab.research.google.com/github/" in cell.source
    assert f"/notebooks/{path.name})" in cell.source  # the badge opens this very notebook
    assert "What you will learn" in cell.source and "Prerequisites" in cell.source
    learn = cell.source.split("What you will learn", 1)[1].split("Prerequisites", 1)[0]
    bullets = [line for line in learn.splitlines() if re.match(r"\s*[-*] ", line)]
    assert 3 <= len(bullets) <= 5, f"{len(bullets)} bullets under 'What you will learn'"


@each_notebook
def test_setup_cell(path):
    cell = _cells(path)[1]
    assert cell.cell_type == "code"
    assert '"google.colab" in sys.modules' in cell.source
    assert "pip" in cell.source and "install" in cell.source
    assert "helpers.setup(" in cell.source
    # The install step comes first: nothing may import helpers before it.
    assert cell.source.index("google.colab") < cell.source.index("import helpers")


@each_notebook
def test_last_cell(path):
    cell = _cells(path)[-1]
    assert cell.cell_type == "markdown"
    assert "Key takeaways" in cell.source and "Further reading" in cell.source
    assert cell.source.index("Key takeaways") < cell.source.index("Further reading")


@each_notebook
def test_grade_ids_are_unique_and_well_formed(path):
    metas = _nbgrader(path)
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), f"repeated grade_id: {ids}"
    for meta in metas:
        assert meta["grade_id"].isidentifier()
        if meta["grade"]:
            assert meta["points"] > 0, meta


@each_notebook
def test_exercise_cells_follow_nbgrader(path):
    for cell in _cells(path):
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        if meta["solution"]:  # what the student writes: the reference is marked for removal
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        if meta["grade"] and not meta["solution"]:  # an autograded test cell
            assert cell.cell_type == "code" and meta["locked"]
            assert "BEGIN SOLUTION" not in cell.source


@each_notebook
def test_graded_exercises(path):
    if path.name.startswith("00_"):
        pytest.skip("00 checks the environment and has no exercises")
    graded = [m for m in _nbgrader(path) if m["grade"]]
    assert len(graded) >= 3, f"only {len(graded)} graded cells"


# ------------------------------------------------------------------------ the build tool

_SOURCE = '''# %% [markdown]
# # 98 · A test notebook
# {{colab_badge}}

# %%
# {{colab_install}}
import helpers

# %% exercise="solution:ex_one"
def f():
    ### BEGIN SOLUTION
    return 1
    ### END SOLUTION

# %% exercise="check:CHECK_ID:2"
assert f() == 1
'''


def test_build_is_deterministic_and_expands_placeholders(tmp_path):
    source = tmp_path / "98_test.py"
    source.write_text(_SOURCE.replace("CHECK_ID", "check_one"))
    tool = _build_tool()
    first, second = (nbformat.writes(tool.build(source)) for _ in range(2))
    assert first == second  # cell ids too: `--check` compares bytes
    nb = tool.build(source)
    assert "98_test.ipynb" in nb.cells[0].source and "colab-badge.svg" in nb.cells[0].source
    assert nb.cells[1].source.startswith(tool.colab_install())
    assert nb.cells[2].metadata["nbgrader"] == {
        "grade_id": "ex_one", "schema_version": 3, "task": False, "grade": False,
        "solution": True, "locked": False}
    assert nb.cells[3].metadata["nbgrader"]["points"] == 2
    assert nb.cells[3].metadata["nbgrader"]["locked"] is True


def test_build_rejects_a_grade_id_used_twice(tmp_path):
    source = tmp_path / "98_test.py"
    source.write_text(_SOURCE.replace("CHECK_ID", "ex_one"))  # a solution and a check
    with pytest.raises(ValueError, match="'ex_one' is used twice"):
        _build_tool().build(source)


@each_notebook
def test_readme_lists_the_notebook(path):
    """The README's table of notebooks has a row linking to every notebook, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| {path.name[:2]} \| \[[^\]]+\]\(notebooks/{re.escape(path.name)}\) \|"
                    r".*\| (\d+) \|", readme, re.M)
    assert row, f"README.md has no row for notebooks/{path.name} in its table of notebooks"
