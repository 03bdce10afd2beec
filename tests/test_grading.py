"""tools/grade.py: full marks for solutions, zero for blanks, and no harm from bad submissions.

The adversarial cases run against a tiny notebook (tests/fixtures/99_demo.py, two
autograded exercises and one markdown answer), all graded in one batch so that the
suite stays fast. The real notebooks are graded too (marker ``notebooks``; each takes
about a minute): their solutions must get full marks and their untouched student
versions zero, while still running to the end.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import build_notebooks  # noqa: E402
import make_assignments  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "99_demo.py"
GRADE = ROOT / "tools" / "grade.py"
CELL_TIMEOUT = 5  # seconds: the fixture's cells are instant, its loops never end
# Read at import, before the per-test environment clears it: where CI keeps the datasets.
_DATA_PATH = [Path(p) for p in os.environ.get("COURSE_DATA_PATH", "").split(os.pathsep) if p]


def shared_datasets() -> Path | None:
    """The canonical datasets folder (COURSE_DATA_PATH or ../shared/datasets), if present."""
    for candidate in [*_DATA_PATH, ROOT.parent / "shared" / "datasets"]:
        if (candidate / "fashion-mnist").is_dir():
            return candidate
    return None


def run_grader(submissions: Path, out: Path, *extra: str, source: Path | None = None,
               cwd: Path | None = None, data_path: Path | None = None) -> dict[tuple, dict]:
    """Run tools/grade.py as `make grade` does; return its rows by (student, notebook).

    Offline with an empty cache, like every test, unless ``data_path`` has the datasets.
    (Module-scoped fixtures run before conftest's per-test environment is in place.)
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    env["COURSE_CACHE_DIR"] = str(out.parent / f"{out.name}-cache")
    if data_path is None:
        env["COURSE_OFFLINE"] = "1"
    else:
        env["COURSE_DATA_PATH"] = str(data_path)
    command = [sys.executable, str(GRADE), str(submissions), "--out", str(out), *extra]
    if source is not None:
        command += ["--source", str(source)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd or ROOT,
                          env=env, timeout=3600)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = json.loads((out / "grades.json").read_text())
    return {(row["student"], row["notebook"] or row["file"]): row for row in rows}


def scores(row: dict) -> dict[str, float | None]:
    return {cell["grade_id"]: cell["score"] for cell in row["cells"]}


def cell_with(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def insert_after(nb, grade_id: str, source: str) -> None:
    index = nb.cells.index(cell_with(nb, grade_id))
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- the fixture

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The fixture notebook built like a course notebook, and its student version."""
    source = tmp_path_factory.mktemp("source")
    solution = build_notebooks.build(FIXTURE)
    nbformat.write(solution, source / "99_demo.ipynb")
    student = make_assignments.student_version(solution, "99_demo")
    return source, solution, student


def _submissions(folder: Path, solution, student, pid_file: Path) -> None:
    def save(name: str, nb) -> None:
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        nbformat.write(nb, path)

    def solved():
        return nbformat.from_dict(json.loads(json.dumps(solution)))

    def blank():
        return nbformat.from_dict(json.loads(json.dumps(student)))

    save("solution__99_demo.ipynb", solved())
    save("blank__99_demo.ipynb", blank())
    save("dora/Copy of 99_demo.ipynb", solved())  # a folder per student, Colab's file name

    nb = blank()  # a student who makes the check pass by deleting it
    cell_with(nb, "check_square").source = "pass"
    save("edited__99_demo.ipynb", nb)

    nb = solved()  # a deleted test cell comes back, and still scores
    nb.cells.remove(cell_with(nb, "check_mean"))
    save("deleted__99_demo.ipynb", nb)

    nb = solved()  # cells nbgrader's own steps trip over: deleted pairs, copies, strangers
    nb.cells.remove(cell_with(nb, "ex_square"))
    nb.cells.remove(cell_with(nb, "check_square"))
    stranger = nbformat.from_dict(json.loads(json.dumps(cell_with(nb, "check_mean"))))
    stranger.metadata.nbgrader["grade_id"] = "my_own_test"
    stranger.source = "print('my own test')"
    copied = nbformat.from_dict(json.loads(json.dumps(cell_with(nb, "check_mean"))))
    stranger.id, copied.id = "stranger", "copied"
    nb.cells += [stranger, copied]
    save("mangled__99_demo.ipynb", nb)

    nb = solved()  # right on the visible cases, wrong on a hidden one (zero)
    cell_with(nb, "ex_square").source = (
        "def square(x):\n    x = np.asarray(x, dtype=float)\n"
        "    return np.where(x == 0, 1.0, x ** 2)")
    save("hidden__99_demo.ipynb", nb)

    nb = solved()
    cell_with(nb, "ex_square").source = "def square(x):\n    raise ValueError('oops')"
    insert_after(nb, "check_square", "1 / 0")
    save("raising__99_demo.ipynb", nb)

    nb = solved()
    insert_after(nb, "check_square", "while True:\n    pass")
    save("looping__99_demo.ipynb", nb)

    nb = solved()  # swallows the interrupt: every later cell times out too
    insert_after(nb, "check_square", textwrap.dedent("""\
        import time
        while True:
            try:
                time.sleep(0.1)
            except KeyboardInterrupt:
                pass"""))
    save("stubborn__99_demo.ipynb", nb)

    nb = solved()
    insert_after(nb, "ex_square", "for _ in range(200):\n    print('x' * 100_000)")
    save("chatty__99_demo.ipynb", nb)

    nb = solved()
    insert_after(nb, "check_square", "import os\nos._exit(1)")
    save("crashing__99_demo.ipynb", nb)

    nb = solved()  # relative paths from the kernel's directory must never reach the repo
    insert_after(nb, "ex_square", textwrap.dedent("""\
        import os, shutil
        for up in ["", "../", "../../", "../../../", "../../../../"]:
            for name in ["Makefile", "tools/grade.py", "escape.txt"]:
                try:
                    os.remove(up + name)
                except OSError:
                    pass
            try:
                open(up + "escape.txt", "w").write("was here")
            except OSError:
                pass
        shutil.rmtree(os.getcwd(), ignore_errors=True)"""))
    save("aaa_vandal__99_demo.ipynb", nb)

    # two students whose names differ only in a space; a name a spreadsheet would run
    save("ada lovelace__99_demo.ipynb", solved())
    save("ada_lovelace__99_demo.ipynb", blank())
    save("=HYPERLINK(1)__99_demo.ipynb", blank())
    # handed in twice: the newer file is graded, the older one named
    save("twice/99_demo.ipynb", blank())
    save("twice/Copy of 99_demo.ipynb", solved())
    os.utime(folder / "twice" / "99_demo.ipynb", (1_000_000_000, 1_000_000_000))
    # metadata that claims an answer cell is worth 100 points, a test cell with a score
    nb = solved()
    cell_with(nb, "ex_square").metadata.nbgrader.update(grade=True, points=100)
    cell_with(nb, "check_mean").source += "\n1000"
    save("greedy__99_demo.ipynb", nb)

    (folder / "broken__99_demo.ipynb").write_text('{"cells": [', encoding="utf-8")
    save("erin__42_nothing.ipynb", solved())
    save("frank.ipynb", solved())


@pytest.fixture(scope="module")
def graded(demo, tmp_path_factory):
    """Grade every adversarial submission in one batch."""
    source, solution, student = demo
    base = tmp_path_factory.mktemp("grading")
    submissions, out, cwd = base / "submissions", base / "out", base / "cwd"
    submissions.mkdir()
    cwd.mkdir()
    (cwd / "Makefile").write_text("decoy\n")
    pid_file = base / "kernel.pid"
    _submissions(submissions, solution, student, pid_file)
    watched = [ROOT / "Makefile", ROOT / "tools" / "grade.py", cwd / "Makefile"]
    before = {path: digest(path) for path in watched}
    before_subs = {p: digest(p) for p in submissions.rglob("*") if p.is_file()}
    rows = run_grader(submissions, out, "--cell-timeout", str(CELL_TIMEOUT), "--jobs", "2",
                      source=source, cwd=cwd)
    return {"rows": rows, "out": out, "watched": before, "submissions": before_subs,
            "cwd": cwd, "base": base, "pid_file": pid_file}


def test_solution_gets_full_marks_and_waits_for_manual_grading(graded):
    row = graded["rows"][("solution", "99_demo")]
    assert row["status"] == "ok"
    assert scores(row) == {"check_square": 2, "check_mean": 3, "explain_square": None}
    assert (row["total"], row["max"], row["to_grade_by_hand"]) == (5, 6, 1)
    assert row["cells_run"] == row["code_cells"]


def test_folder_per_student_names_the_student(graded):
    assert graded["rows"][("dora", "99_demo")]["total"] == 5


def test_blank_version_scores_zero_and_runs_to_the_end(graded):
    row = graded["rows"][("blank", "99_demo")]
    assert row["status"] == "ok"  # restoring hidden tests is not a change by the student
    assert scores(row) == {"check_square": 0, "check_mean": 0, "explain_square": 0}
    assert row["cells_run"] == row["code_cells"]
    graded_nb = nbformat.read(graded["out"] / "graded" / "blank__99_demo.ipynb", as_version=4)
    assert "reached the end" in graded_nb.cells[-1].outputs[0]["text"]
    messages = {c["grade_id"]: c["message"] for c in row["cells"]}
    assert "not implemented yet" in messages["check_square"]
    assert messages["explain_square"] == "not answered"


def test_edited_check_is_restored_and_still_fails(graded):
    row = graded["rows"][("edited", "99_demo")]
    assert scores(row)["check_square"] == 0
    assert "changed, restored: check_square" in row["status"]


def test_deleted_check_is_put_back_and_scored(graded):
    row = graded["rows"][("deleted", "99_demo")]
    assert scores(row)["check_mean"] == 3
    assert "missing, put back: check_mean" in row["status"]


def test_mangled_cells_still_get_graded(graded):
    row = graded["rows"][("mangled", "99_demo")]
    assert scores(row) == {"check_square": 0, "check_mean": 3, "explain_square": None}
    assert "could not be put back: check_square" in row["status"]
    assert row["cells_run"] == row["code_cells"]


def test_hidden_tests_run_when_grading(graded):
    row = graded["rows"][("hidden", "99_demo")]
    assert scores(row)["check_square"] == 0
    message = next(c["message"] for c in row["cells"] if c["grade_id"] == "check_square")
    assert "hidden" in message and "Hint: Hidden cases" in message


def test_raising_code_costs_only_its_exercise(graded):
    row = graded["rows"][("raising", "99_demo")]
    assert scores(row) == {"check_square": 0, "check_mean": 3, "explain_square": None}
    assert row["cells_run"] == row["code_cells"]
    message = next(c["message"] for c in row["cells"] if c["grade_id"] == "check_square")
    assert "ValueError: oops" in message


def test_endless_loop_is_stopped_and_the_rest_graded(graded):
    row = graded["rows"][("looping", "99_demo")]
    assert f"ran over {CELL_TIMEOUT} s and was stopped" in row["status"]
    assert scores(row)["check_square"] == 2 and scores(row)["check_mean"] == 3


def test_loop_that_ignores_interrupts_cannot_hang_the_batch(graded):
    row = graded["rows"][("stubborn", "99_demo")]
    assert scores(row)["check_square"] == 2
    assert scores(row)["check_mean"] == 0  # the kernel never came back to run it
    assert f"ran over {CELL_TIMEOUT} s and did not stop when interrupted" in row["status"]


def test_megabytes_of_output_are_cut(graded):
    row = graded["rows"][("chatty", "99_demo")]
    assert row["total"] == 5
    assert "output cut in cell" in row["status"]
    assert (graded["out"] / "graded" / "chatty__99_demo.ipynb").stat().st_size < 2 * 2**20


def test_kernel_death_is_reported_and_later_cells_score_zero(graded):
    row = graded["rows"][("crashing", "99_demo")]
    assert "kernel died" in row["status"]
    assert scores(row)["check_square"] == 2
    assert scores(row)["check_mean"] == 0
    message = next(c["message"] for c in row["cells"] if c["grade_id"] == "check_mean")
    assert "did not run" in message


def test_deleting_files_touches_nothing_outside_the_sandbox(graded):
    row = graded["rows"][("aaa_vandal", "99_demo")]
    assert row["total"] == 5  # and graded like anyone else
    for path, before in graded["watched"].items():
        assert digest(path) == before, f"{path} was changed by a submission"
    for path, before in graded["submissions"].items():
        assert digest(path) == before, f"{path} was changed by a submission"
    for folder in (ROOT, ROOT / "tools", graded["cwd"], graded["base"], graded["out"]):
        assert not (folder / "escape.txt").exists()


def test_students_with_similar_names_get_their_own_feedback(graded):
    rows, out = graded["rows"], graded["out"]
    assert rows[("ada lovelace", "99_demo")]["total"] == 5
    assert rows[("ada_lovelace", "99_demo")]["total"] == 0
    files = {p.read_text().splitlines()[0] for p in (out / "feedback").glob("ada*.txt")}
    assert files == {"Feedback for ada lovelace", "Feedback for ada_lovelace"}


def test_csv_cells_cannot_be_spreadsheet_formulas(graded):
    with open(graded["out"] / "grades.csv", newline="", encoding="utf-8") as handle:
        students = [row["student"] for row in csv.DictReader(handle)]
    assert "'=HYPERLINK(1)" in students
    assert not any(s.startswith(("=", "+", "-", "@")) for s in students)


def test_the_newest_of_several_files_is_graded_once(graded):
    rows = [r for key, r in graded["rows"].items() if key[0] == "twice"]
    assert len(rows) == 1
    assert rows[0]["total"] == 5 and rows[0]["file"] == "Copy of 99_demo.ipynb"
    assert "also handed in, not graded (older): 99_demo.ipynb" in rows[0]["status"]


def test_metadata_cannot_change_the_points(graded):
    row = graded["rows"][("greedy", "99_demo")]
    assert scores(row) == {"check_square": 2, "check_mean": 3, "explain_square": None}
    assert (row["total"], row["max"]) == (5, 6)


def test_invalid_json_gets_a_row_with_a_reason(graded):
    row = graded["rows"][("broken", "99_demo")]
    assert row["status"].startswith("not a valid notebook")
    assert row["total"] == 0 and row["max"] == 6


def test_unknown_or_unnamed_notebooks_get_a_row(graded):
    assert "unknown notebook '42_nothing'" in graded["rows"][("erin", "42_nothing")]["status"]
    frank = graded["rows"][("frank", "frank.ipynb")]
    assert "<student>__NN_topic.ipynb" in frank["status"]


def test_csv_and_feedback_files(graded):
    out = graded["out"]
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header[:2] == ["student", "notebook"]
    assert header[-6:] == ["total", "max", "to_grade_by_hand", "status", "review", "unsafe"]
    assert {"check_square", "check_mean", "explain_square (by hand)"} <= set(header)
    assert len(rows) == len(graded["rows"])
    solution = next(r for r in rows if r["student"] == "solution")
    assert (solution["check_square"], solution["explain_square (by hand)"]) == ("2", "")
    assert (solution["total"], solution["max"], solution["status"]) == ("5", "6", "ok")
    feedback = (out / "feedback" / "hidden.txt").read_text()
    assert "99_demo" in feedback and "check_square" in feedback and "Hint:" in feedback
    assert (out / "feedback" / "blank.txt").exists()


# --------------------------------------------------------------------------- a whole notebook

def test_a_notebook_over_its_time_limit_is_stopped_and_its_kernel_killed(demo, tmp_path):
    source, solution, _ = demo
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    nb = nbformat.from_dict(json.loads(json.dumps(solution)))
    pid_file = tmp_path / "sleeper.pid"
    # In the sandbox the pid file cannot be written (nor the kernel outlive the grader).
    insert_after(nb, "check_square", f"import os, time\ntry:\n    open({str(pid_file)!r}, 'w')"
                 ".write(str(os.getpid()))\nexcept OSError:\n    pass\ntime.sleep(3600)")
    nbformat.write(nb, submissions / "sleeper__99_demo.ipynb")
    (submissions / "zed__99_demo.ipynb").write_text("not json")
    rows = run_grader(submissions, tmp_path / "out", "--notebook-timeout", "30",
                      source=source)
    row = rows[("sleeper", "99_demo")]
    assert row["status"] == "stopped: the notebook ran over 30 s in total"
    # the first check ran before the endless cell: its points stand, the rest are lost
    assert scores(row) == {"check_square": 2, "check_mean": 0, "explain_square": None}
    assert rows[("zed", "99_demo")]["status"].startswith("not a valid notebook")
    if pid_file.exists():  # the kernel got that far: it must not outlive the grader
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid_file.read_text()), 0)


# --------------------------------------------------------------------------- the real notebooks

REAL = sorted(name for name in make_assignments.expected_assignments())


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """Every notebook with exercises, solution and student version, graded in one batch."""
    base = tmp_path_factory.mktemp("course-grading")
    submissions = base / "submissions"
    submissions.mkdir()
    for name in REAL:
        stem = name.removesuffix(".ipynb")
        (submissions / f"solution__{stem}.ipynb").write_bytes(
            (ROOT / "notebooks" / name).read_bytes())
        (submissions / f"student__{stem}.ipynb").write_bytes(
            (ROOT / "assignments" / name).read_bytes())
    # On the data a teacher would have, when CI has it; on the stand-ins otherwise.
    return run_grader(submissions, base / "out", "--jobs", "2", data_path=shared_datasets())


@pytest.mark.notebooks
@pytest.mark.parametrize("name", REAL or [pytest.param("none", marks=pytest.mark.skip(
    reason="no notebook in notebooks/ has exercises yet"))])
def test_real_notebook_solution_full_marks_student_version_zero(graded_course, name):
    stem = name.removesuffix(".ipynb")
    solution = graded_course[("solution", stem)]
    assert solution["status"] == "ok", solution["status"]
    auto = [c for c in solution["cells"] if not c["manual"]]
    assert auto, f"{stem} has no autograded cells"
    for cell in auto:
        assert cell["score"] == cell["points"], f"{cell['grade_id']}: {cell['message']}"
    student = graded_course[("student", stem)]
    assert student["status"] == "ok", student["status"]
    assert student["cells_run"] == student["code_cells"], "the student version stopped early"
    for cell in student["cells"]:
        assert cell["score"] == 0, f"{cell['grade_id']} scores without an answer"


def test_unsafe_grading_is_recorded_on_every_row(demo, tmp_path):
    source, solution, _ = demo
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    nbformat.write(solution, submissions / "ada__99_demo.ipynb")
    rows = run_grader(submissions, tmp_path / "out", "--unsafe", source=source)
    assert rows[("ada", "99_demo")]["total"] == 5
    with open(tmp_path / "out" / "grades.csv", newline="", encoding="utf-8") as handle:
        assert [row["unsafe"] for row in csv.DictReader(handle)] == ["yes"]
