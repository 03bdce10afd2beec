"""Write the student versions assignments/NN_topic.ipynb from notebooks/NN_topic.ipynb.

Only notebooks with exercises (cells carrying nbgrader metadata) get a student version.
The work is done by nbgrader's own preprocessors, in the order ``nbgrader
generate_assignment`` runs them:

* ``LockCells`` makes test cells read-only and answer cells undeletable;
* ``ClearSolutions`` replaces ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` with
  ``raise NotImplementedError()`` (code) or ``YOUR ANSWER HERE`` (markdown answers);
* ``ClearOutput`` drops outputs;
* ``ComputeChecksums`` records each graded cell's checksum (an unchanged markdown answer
  then scores 0 without a human looking at it);
* ``SaveCells`` (only when grading, see tools/grade.py) stores the cells, hidden tests
  included, in a gradebook, from which grading restores the test cells;
* ``ClearHiddenTests`` removes ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``.

The one change nbgrader does not make is the "Open in Colab" badge, which is rebuilt to
open assignments/NN_topic.ipynb instead of notebooks/NN_topic.ipynb.

Usage: ``python tools/make_assignments.py`` (write) or ``--check`` (exit 1 if stale).
"""

from __future__ import annotations

import argparse
import copy
import logging
import sys
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
    SaveCells,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import colab_badge  # noqa: E402 (a sibling script, not a package)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ASSIGNMENTS = ROOT / "assignments"
# nbgrader files every notebook under an assignment; the course is one assignment.
ASSIGNMENT_ID = "course"

# nbgrader's preprocessors log what they do at INFO and above; keep the build quiet.
_LOG = logging.getLogger("make_assignments")
_LOG.setLevel(logging.WARNING)


def has_exercises(nb: nbformat.NotebookNode) -> bool:
    """Whether any cell carries nbgrader metadata (an answer or a test)."""
    return any(utils.is_grade(cell) or utils.is_solution(cell) for cell in nb.cells)


def graded_cells(nb: nbformat.NotebookNode) -> list[dict]:
    """The graded cells in order: grade_id, points, and whether a human grades it."""
    return [{"grade_id": cell.metadata.nbgrader["grade_id"],
             "points": float(cell.metadata.nbgrader["points"]),
             "manual": utils.is_solution(cell) or cell.cell_type != "code"}
            for cell in nb.cells if utils.is_grade(cell)]


def _apply(steps, nb, resources):
    for step in steps:
        nb, resources = step(log=_LOG).preprocess(nb, resources)
    return nb, resources


def student_version(nb: nbformat.NotebookNode, notebook_id: str, *,
                    db_url: str | None = None) -> nbformat.NotebookNode:
    """Return the student version of a course notebook (the input is not changed).

    With ``db_url`` (an nbgrader gradebook that already holds ``ASSIGNMENT_ID``), the
    cells are also saved there, hidden tests included, as ``nbgrader generate_assignment``
    does, so that grading can restore test cells a student changed or deleted.
    """
    nb = copy.deepcopy(nb)
    resources = {"nbgrader": {"notebook": notebook_id, "assignment": ASSIGNMENT_ID,
                              "db_url": db_url}}
    # Order as in nbgrader's GenerateAssignment: hidden tests are cleared after the
    # cells are saved, and checksums are computed again once they are gone.
    nb, resources = _apply([LockCells, ClearSolutions, ClearOutput, CheckCellMetadata,
                            ComputeChecksums], nb, resources)
    if db_url is not None:
        nb, resources = _apply([SaveCells], nb, resources)
    nb, resources = _apply([ClearHiddenTests, ClearMarkScheme, ComputeChecksums,
                            CheckCellMetadata], nb, resources)
    source_badge = colab_badge(f"notebooks/{notebook_id}.ipynb")
    student_badge = colab_badge(f"assignments/{notebook_id}.ipynb")
    badges = [cell for cell in nb.cells if source_badge in cell.source]
    if not badges:
        raise ValueError(f"{notebook_id}: no 'Open in Colab' badge for notebooks/"
                         f"{notebook_id}.ipynb; rebuild it with `make notebooks`")
    for cell in badges:
        cell.source = cell.source.replace(source_badge, student_badge)
    nbformat.validate(nb)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """The exact text written to disk (as tools/build_notebooks.py writes notebooks)."""
    return nbformat.writes(nb) + "\n"


def expected_assignments(notebooks: Path | None = None) -> dict[str, str]:
    """File name -> text of every student version the notebooks (notebooks/) call for."""
    expected = {}
    for path in sorted((notebooks or NOTEBOOKS).glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if has_exercises(nb):
            expected[path.name] = render(student_version(nb, path.stem))
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if assignments/ differs from notebooks/")
    args = parser.parse_args(argv)
    expected = expected_assignments()
    present = {p.name for p in ASSIGNMENTS.glob("[0-9][0-9]_*.ipynb")}
    stale = []
    for name, text in expected.items():
        target = ASSIGNMENTS / name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            ASSIGNMENTS.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    # A student version whose notebook is gone (or lost its exercises) is stale too.
    for name in sorted(present - expected.keys()):
        stale.append(name)
        if not args.check:
            (ASSIGNMENTS / name).unlink()
            print(f"removed assignments/{name} (no exercises in notebooks/{name})")
    if args.check and stale:
        print(f"out of date with notebooks/: {', '.join(f'assignments/{n}' for n in stale)}; "
              "run `make assignments`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
