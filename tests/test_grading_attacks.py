"""A hostile class, graded in one `make grade` batch: only solving the exercises scores.

Every submission below is notebook 01 (three autograded exercises, 8 points) as a student
who solved nothing might hand it in, plus code that tries to get the points another way
or to harm the grader. Grading runs as teachers run it, in the sandbox. The honest
solution must get its 8 points; every attacker must get 0; nothing outside the sandbox
may change; the CSV has one complete row per submission.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from test_grading import GRADE, cell_with, run_grader

NOTEBOOK = "01_neuron"
AUTOGRADED = {"check_sigmoid": 2, "check_gradient": 3, "check_train": 3}

def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _after_setup(nb, source: str) -> None:
    """Insert ``source`` as a code cell right after the notebook's setup cell."""
    index = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and "helpers.setup()" in c.source)
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(textwrap.dedent(source)))


# Answers put where the student's answers go (the solution cells).
ANSWERS = {
    # answers that claim to equal anything, and a numpy that agrees with everything
    "equaliser": {
        "ex_sigmoid": """
            class Anything(float):
                def __eq__(self, other): return True
                def __ne__(self, other): return False
            np.allclose = lambda *a, **k: True
            np.testing.assert_allclose = lambda *a, **k: None
            def my_sigmoid(z): return Anything(0.5)
            """,
        "ex_gradient": "def my_gradient(x, y, w, b): return Anything(0.0), Anything(0.0)",
        "ex_train": "def my_train(*a, **k): return Anything(0.0), Anything(0.0)",
    },
    # the course's own reference, under an alias and as a copy of its code
    "aliaser": {
        "ex_sigmoid": "from helpers.scratch import sigmoid as my_sigmoid",
        "ex_gradient": """
            import types
            from helpers.checks import neuron as _n
            _ref = getattr(_n, "_mse_gradient", None) or getattr(_n, "mse_gradient")
            my_gradient = types.FunctionType(_ref.__code__, _ref.__globals__, "my_gradient",
                                             _ref.__defaults__)
            """,
        "ex_train": """
            def my_train(x, y, grad_fn, *, lr, epochs, batch_size, seed=0):
                return scratch.sgd_neuron(x, y, lr=lr, epochs=epochs)[-1]
            """,
    },
}

ATTACKS = {
    # the check modules' functions replaced by no-ops
    "patcher": """
        import helpers.checks.neuron as m
        m.sigmoid = m.gradient = m.train = lambda *a, **k: None
        check.sigmoid = check.gradient = check.train = lambda *a, **k: None
        """,
    # every later line that mentions a check becomes `pass`, in IPython itself
    "transformer": """
        def _hide(lines):
            return ["pass\\n"] if any("check" in line for line in lines) else lines
        get_ipython().input_transformers_post.append(_hide)
        """,
    # reads the solutions and runs them; writes everywhere it can think of
    "vandal": """
        import glob, os, json
        targets = glob.glob({root!r} + "/**/*", recursive=True)[:2000]
        for path in [{root!r} + "/notebooks/01_neuron.ipynb", {root!r} + "/Makefile",
                     {subs!r} + "/honest__01_neuron.ipynb", {out!r} + "/grades.csv",
                     os.path.expanduser("~/.bashrc"), {home!r} + "/precious.txt"]:
            try:
                open(path, "a").write("vandal was here")
            except OSError:
                pass
        try:
            solution = json.load(open({root!r} + "/notebooks/01_neuron.ipynb"))
            for cell in solution["cells"]:
                if "BEGIN SOLUTION" in "".join(cell["source"]):
                    exec("".join(cell["source"]), globals())
        except OSError:
            pass
        """,
    # kills what it can see: its parents, every process, and leaves a survivor behind
    "killer": """
        import os, signal, subprocess
        subprocess.Popen(["sh", "-c", "sleep 8; echo LATE-WRITE-9f3 >> {out}/grades.csv"],
                         start_new_session=True)
        for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
            if pid != os.getpid():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        os.kill(os.getppid(), signal.SIGKILL)
        """,
    "forkbomb": """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
        """,
    "hog": """
        import numpy as np
        kept = []
        while True:
            kept.append(np.ones(2**27))  # a GB at a time, every page touched
        """,
}


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    subs, out, home = base / "submissions", base / "out", base / "home"
    for folder in (subs, out, home):
        folder.mkdir()
    (home / "precious.txt").write_text("the teacher's own file\n")
    solution = nbformat.read(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", as_version=4)
    blank = nbformat.read(ROOT / "assignments" / f"{NOTEBOOK}.ipynb", as_version=4)
    nbformat.write(solution, subs / f"honest__{NOTEBOOK}.ipynb")
    for name, code in ATTACKS.items():
        nb = nbformat.from_dict(json.loads(json.dumps(blank)))
        _after_setup(nb, code.format(root=str(ROOT), subs=str(subs), out=str(out),
                                     home=str(home)))
        nbformat.write(nb, subs / f"{name}__{NOTEBOOK}.ipynb")
    for name, answers in ANSWERS.items():
        nb = nbformat.from_dict(json.loads(json.dumps(blank)))
        for grade_id, code in answers.items():
            cell_with(nb, grade_id).source = textwrap.dedent(code)
        nbformat.write(nb, subs / f"{name}__{NOTEBOOK}.ipynb")
    # a link to the solution notebook is never followed
    (subs / f"linker__{NOTEBOOK}.ipynb").symlink_to(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb")
    # a wrong answer that is right on the visible cases only (the hidden ones catch it)
    nb = nbformat.from_dict(json.loads(json.dumps(solution)))
    cell_with(nb, "ex_sigmoid").source = (
        "def my_sigmoid(z):\n    z = np.asarray(z, dtype=float)\n"
        "    return np.where(z.ndim == 3, 0.0, 1 / (1 + np.exp(-np.clip(z, -700, 700))))")
    nbformat.write(nb, subs / f"partial__{NOTEBOOK}.ipynb")
    before = {
        "temp": set(Path(tempfile.gettempdir()).glob("grade-*")),
        "git": subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                              text=True).stdout,
        "subs": {p.name: _digest(p) for p in subs.iterdir() if not p.is_symlink()},
        "home": {p.name: _digest(p) for p in home.iterdir()},
    }
    env_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        rows = run_grader(subs, out, "--jobs", "2", "--memory-mb", "4000",
                          "--cell-timeout", "120", "--notebook-timeout", "400")
    finally:
        if env_home is not None:
            os.environ["HOME"] = env_home
    return {"rows": rows, "out": out, "subs": subs, "home": home, "before": before}


def _autograded(row: dict) -> dict[str, float]:
    return {c["grade_id"]: c["score"] for c in row["cells"] if not c["manual"]}


def test_the_honest_solution_gets_every_autograded_point(hostile_class):
    row = hostile_class["rows"][("honest", NOTEBOOK)]
    assert _autograded(row) == AUTOGRADED, row
    assert row["status"] == "ok"


@pytest.mark.parametrize("attacker", sorted([*ATTACKS, *ANSWERS]))
def test_an_attacker_scores_nothing(hostile_class, attacker):
    row = hostile_class["rows"][(attacker, NOTEBOOK)]
    assert set(_autograded(row).values()) == {0}, row


def test_the_course_reference_scores_zero_with_the_reason(hostile_class):
    row = hostile_class["rows"][("aliaser", NOTEBOOK)]
    messages = {c["grade_id"]: c["message"] for c in row["cells"]}
    for grade_id in AUTOGRADED:
        assert "course's own" in messages[grade_id], messages


def test_suspicious_code_is_listed_for_review(hostile_class):
    rows = hostile_class["rows"]
    assert any("helpers.checks.neuron" in note for note in rows[("patcher", NOTEBOOK)]["review"])
    assert any("input_transformers" in note
               for note in rows[("transformer", NOTEBOOK)]["review"])
    assert any("os.kill" in note for note in rows[("killer", NOTEBOOK)]["review"])
    assert any("/proc" in note for note in rows[("killer", NOTEBOOK)]["review"])
    assert any("__eq__" in note for note in rows[("equaliser", NOTEBOOK)]["review"])
    assert rows[("honest", NOTEBOOK)]["review"] == []


def test_a_wrong_answer_fails_the_hidden_cases(hostile_class):
    row = hostile_class["rows"][("partial", NOTEBOOK)]
    assert _autograded(row) == {**AUTOGRADED, "check_sigmoid": 0}


def test_limits_stop_the_fork_bomb_and_the_memory_hog(hostile_class):
    rows = hostile_class["rows"]
    # forks of a Python process add up their memory: either limit may strike first
    assert "stopped: it " in rows[("forkbomb", NOTEBOOK)]["status"]
    assert "stopped: it used more than 4000 MB of memory" in rows[("hog", NOTEBOOK)]["status"]


def test_links_are_refused_not_followed(hostile_class):
    row = hostile_class["rows"][("linker", NOTEBOOK)]
    assert "symbolic link" in row["status"]
    assert row["total"] == 0


def test_nothing_outside_the_sandbox_changed(hostile_class):
    before = hostile_class["before"]
    git = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                         text=True).stdout
    # Exact on a quiet checkout (CI); where people edit the checkout meanwhile, no file it
    # lists may hold what the vandal writes.
    for line in set(git.splitlines()) - set(before["git"].splitlines()):
        path = ROOT / line[3:].strip()
        files = path.rglob("*") if path.is_dir() else [path]
        assert not any(f.is_file() and b"vandal was here" in f.read_bytes() for f in files)
    for path in (ROOT / "Makefile", ROOT / "notebooks" / f"{NOTEBOOK}.ipynb"):
        assert b"vandal" not in path.read_bytes()
    subs = hostile_class["subs"]
    assert {p.name: _digest(p) for p in subs.iterdir() if not p.is_symlink()} == before["subs"]
    home = hostile_class["home"]
    assert {p.name: _digest(p) for p in home.iterdir()} == before["home"]


def test_no_temporary_folder_is_left_behind(hostile_class):
    left = set(Path(tempfile.gettempdir()).glob("grade-*")) - hostile_class["before"]["temp"]
    assert not left


def test_one_complete_row_per_submission_and_no_late_writes(hostile_class):
    out = hostile_class["out"]
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    students = sorted(r["student"] for r in rows)
    assert students == sorted(["honest", "linker", "partial", *ATTACKS, *ANSWERS])
    for row in rows:
        assert row["total"] != "" and row["max"] == "10" and row["status"], row
        assert row["unsafe"] == ""
    assert "LATE-WRITE-9f3" not in (out / "grades.csv").read_text()


def test_grading_refuses_to_run_without_a_sandbox_unless_told(tmp_path):
    (tmp_path / "subs").mkdir()
    nb = nbformat.read(ROOT / "assignments" / f"{NOTEBOOK}.ipynb", as_version=4)
    nbformat.write(nb, tmp_path / "subs" / f"ada__{NOTEBOOK}.ipynb")
    env = {**os.environ, "PATH": "/nonexistent"}  # no bwrap to be found
    done = subprocess.run([sys.executable, str(GRADE), str(tmp_path / "subs"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "bubblewrap" in done.stderr and "UNSAFE=1" in done.stderr
