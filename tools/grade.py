"""Grade a folder of submitted notebooks into grades.csv and a feedback file per student.

Usage::

    make grade SUBMISSIONS=dir [OUT=build/grades] [CELL_TIMEOUT=600] [JOBS=1] [UNSAFE=1]
    python tools/grade.py SUBMISSIONS [--out build/grades] [--cell-timeout 600]
                          [--notebook-timeout 1800] [--jobs 1] [--secret-file F] [--unsafe]

Naming the files. The student's name comes from the file name, in either form::

    SUBMISSIONS/<student>__NN_topic.ipynb     e.g. ada_lovelace__01_neuron.ipynb
    SUBMISSIONS/<student>/NN_topic.ipynb      e.g. ada_lovelace/01_neuron.ipynb

(two underscores between the name and the notebook). ``NN_topic`` must be one of the
notebooks/ files with exercises; a name that contains exactly one of them also does
("Copy of 01_neuron.ipynb", "01_neuron (1).ipynb"); any other name gets a row that says so.
Symbolic links and special files are refused (a row says so), never followed. When a
student handed in one notebook several times, the newest file is graded and the others
are named in its row.

How a submission is graded. Every submission is treated as hostile code:

1. *Prepared by the grader* (which runs no student code): the notebook is
   parsed; nbgrader's autograde preprocessors (ClearOutput, DeduplicateIds,
   OverwriteKernelspec, OverwriteCells, CheckCellMetadata) restore every test cell from a
   gradebook made from notebooks/ (hidden tests included); if its cells are too mangled
   for that, the test cells go at the end. Each test cell is then replaced by a call of
   ``helpers.trace.run_cell``, which runs the same check and writes down, as plain data,
   every call the check makes to the student's functions. The student's own code is read
   (never run) for the course's reference solutions, which score zero, and for suspicious
   calls, which the ``review`` column lists for the teacher.
2. *Run in a sandbox* (tools/sandbox.py: bubblewrap; own PID, network, user and IPC
   namespaces; read-only system, Python and helpers; a private home; memory, processes,
   output and time capped from outside): the notebook runs in a fresh kernel with
   ``NBGRADER_EXECUTION=autograde`` (errors do not stop it; a cell over ``--cell-timeout``
   is interrupted; output is cut at ``--max-output-kb``). The repository (solutions,
   hidden tests), other submissions, the output folder and the teacher's home are not in
   it. The student sees the checks' feedback in the executed notebook.
3. *Judged outside* (``python -m helpers.trace judge``, in a second, fresh sandbox that runs
   no student code): the trusted test cells run again against the records; a cell earns
   its points only if the check passes there. Nothing the student's code did to its own
   process (patched checks or numpy, IPython input transformers, exception handlers,
   objects with a custom ``__eq__``) reaches this step.

Hidden cases come from a teacher's secret (``GRADING_SECRET`` or ``--secret-file``, a file
outside the repository): each submission gets its own cases, derived from the secret and
its student and notebook. Without a secret the hidden cases are the public ones, and the
feedback says so.

Output in OUT (default build/grades):

* ``grades.csv``: student, notebook, one column per graded cell (its grade_id; answers
  graded by hand end in "(by hand)" and stay blank until graded), ``total``, ``max``,
  ``to_grade_by_hand``, ``status`` ("ok", or why points are missing), ``review`` (code the
  teacher may want to read: a walk through /proc, signals, patching modules...) and
  ``unsafe`` ("yes" when graded without a sandbox); cells are escaped against
  spreadsheet formulas;
* ``feedback/<student>.txt``: per notebook, each graded cell's score and, when it lost
  points, what the check said, usually what was wrong and a hint;
* ``graded/<student>__NN_topic.ipynb``: the executed notebooks, to look at by hand;
* ``grades.json``: all of the above, for scripts.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_assignments  # noqa: E402 (a sibling script, not a package)
import sandbox  # noqa: E402
from code_review import analyse_code, exercise_specs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT_ID = make_assignments.ASSIGNMENT_ID
SUFFIX_MANUAL = " (by hand)"
# Refuse to even parse files beyond this: no notebook of the course comes close.
MAX_FILE_BYTES = 100 * 2**20
SECRET_ENV = "GRADING_SECRET"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
log = logging.getLogger("grade")


@dataclass
class Submission:
    student: str
    notebook: str | None
    path: Path
    problem: str | None = None
    also: list[str] = field(default_factory=list)
    label: str = ""


def _which_notebook(name: str, known: set[str]) -> str:
    """``name`` itself if known, else the one known notebook it contains ("Copy of 01_x")."""
    if name in known:
        return name
    inside = [notebook for notebook in known if notebook in name]
    return inside[0] if len(inside) == 1 else name


def _refused(path: Path) -> str | None:
    """Why ``path`` is not read at all: a link or a special file (a FIFO would hang)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "refused: a symbolic link (links are never followed)"
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return "refused: not a regular file"
    return None


def _entry(student: str, name: str, path: Path, known: set[str]) -> Submission:
    problem = _refused(path)
    return Submission(student, _which_notebook(name, known), path, problem)


def safe_name(student: str, taken: dict[str, str]) -> str:
    """A file name for ``student``'s feedback that no other student's name maps to.

    >>> taken = {}
    >>> safe_name("ada lovelace", taken), safe_name("ada_lovelace", taken)
    ('ada_lovelace', 'ada_lovelace-c8e26f')
    """
    base = re.sub(r"[^\w.@-]+", "_", student).strip("._") or "student"
    name = base
    if taken.get(name, student) != student:
        name = f"{base}-{hashlib.sha256(student.encode()).hexdigest()[:6]}"
    taken[name] = student
    return name


def find_submissions(folder: Path, known: set[str]) -> list[Submission]:
    """Every .ipynb in ``folder`` (and one level of per-student folders), named by student.

    Links and special files get a row that refuses them; of several files of one notebook
    by one student, the newest is graded and the others are named in its row.
    """
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() and not path.is_symlink():
            for inner in sorted(path.iterdir()):
                if inner.suffix == ".ipynb" or inner.is_symlink():
                    found.append(_entry(path.name, inner.stem, inner, known))
        elif path.suffix == ".ipynb" or path.is_symlink():
            student, sep, notebook = path.stem.rpartition("__")
            if sep and student and notebook:
                found.append(_entry(student, notebook, path, known))
            else:
                found.append(Submission(path.stem, None, path, _refused(path) or
                                        "cannot tell the student from the notebook: name the "
                                        "file <student>__NN_topic.ipynb"))
        else:
            log.warning("skipped %s: not a .ipynb file", path)
    for sub in found:
        if sub.problem is None and sub.notebook not in known:
            sub.problem = (f"unknown notebook {sub.notebook!r}: expected one of "
                           f"{', '.join(sorted(known)) or '(none)'}")
    newest: dict[tuple[str, str], Submission] = {}
    for sub in found:
        if sub.problem:
            continue
        key = (sub.student, sub.notebook)
        other = newest.get(key)
        if other is None or (sub.path.stat().st_mtime, sub.path.name) > \
                (other.path.stat().st_mtime, other.path.name):
            newest[key] = sub
    kept = []
    for sub in found:
        chosen = newest.get((sub.student, sub.notebook)) if not sub.problem else None
        if chosen is not None and chosen is not sub:
            chosen.also.append(sub.path.name)
        else:
            kept.append(sub)
    taken: dict[str, str] = {}
    labels = {student: safe_name(student, taken) for student in sorted({s.student for s in kept})}
    for sub in kept:
        sub.label = f"{labels[sub.student]}__{sub.notebook or sub.path.stem}"
    return kept


def gradable_notebooks(source: Path) -> dict[str, nbformat.NotebookNode]:
    """notebook id -> source notebook, for every notebook with exercises."""
    notebooks = {}
    for path in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if make_assignments.has_exercises(nb):
            notebooks[path.stem] = nb
    return notebooks


def test_sources(nb: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> source of every autograded test cell."""
    from nbgrader import utils

    return {c.metadata.nbgrader["grade_id"]: c.source for c in nb.cells
            if utils.is_grade(c) and not utils.is_solution(c)
            and c.metadata.nbgrader.get("grade_id")}


def make_gradebook(db_path: Path, notebooks: dict[str, nbformat.NotebookNode]
                   ) -> tuple[str, dict[str, dict[str, str]], dict[str, list[str]]]:
    """An nbgrader gradebook holding every notebook's cells, as generate_assignment saves them.

    Returns its URL and, per notebook, the test cells as students received them (without
    hidden tests), to tell a test cell a student changed from one grading restores anyway,
    and every code cell as students received it, to tell the code a student wrote.
    """
    from nbgrader.api import Gradebook

    # The gradebook runs the `alembic` command, which lives next to this Python (in .venv/bin),
    # and `make` calls .venv/bin/python without putting .venv/bin on PATH.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    db_url = f"sqlite:///{db_path}"
    with Gradebook(db_url) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT_ID)
    released, code = {}, {}
    for notebook_id, nb in notebooks.items():
        student = make_assignments.student_version(nb, notebook_id, db_url=db_url)
        released[notebook_id] = test_sources(student)
        code[notebook_id] = [c.source for c in student.cells if c.cell_type == "code"]
    return db_url, released, code


def _restore_test_cells(nb, resources, released: dict[str, str], known: set[str]):
    """nbgrader's autograde sanitizing; return the notebook and notes on what it restored.

    ``released`` maps each test cell's grade_id to its source as students received it,
    ``known`` holds every grade_id of the assignment (answers and tests).
    """
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteCells,
        OverwriteKernelspec,
    )

    # A cell marked with a grade_id the assignment lacks (or none) is nothing to grade, but
    # OverwriteCells, which would unmark it, then fails on it (nbgrader 0.9.6): unmark it
    # first and keep it as an ordinary cell.
    for cell in nb.cells:
        if "nbgrader" in cell.metadata and cell.metadata.nbgrader.get("grade_id") not in known:
            del cell.metadata["nbgrader"]
    before = test_sources(nb)
    quiet = logging.getLogger("grade.nbgrader")
    quiet.setLevel(logging.ERROR)

    def sanitize(notebook, add_missing: bool):
        notebook, res = copy.deepcopy(notebook), copy.deepcopy(resources)
        for step in (ClearOutput(log=quiet), DeduplicateIds(log=quiet),
                     OverwriteKernelspec(log=quiet),
                     OverwriteCells(log=quiet, add_missing_cells=add_missing)):
            notebook, res = step.preprocess(notebook, res)
        # Cells that OverwriteCells puts back are built from plain dicts; later steps
        # (and nbgrader's own determine_grade) read metadata as attributes.
        notebook = nbformat.from_dict(notebook)
        for cell in notebook.cells:  # duplicates that DeduplicateIds unmarked
            if cell.metadata.get("nbgrader") == {}:
                del cell.metadata["nbgrader"]
        return CheckCellMetadata(log=quiet).preprocess(notebook, res)[0]

    notes = []
    try:
        nb = sanitize(nb, add_missing=True)
    except (KeyError, ValueError):
        # nbgrader puts a missing test cell after the cell before it in the source, and
        # fails when that one is gone too (or on a duplicate); such a test then scores 0.
        nb = sanitize(nb, add_missing=False)
    after = test_sources(nb)
    lost = sorted(set(released) - set(after))
    if lost:
        notes.append("test cells deleted, could not be put back: " + ", ".join(lost))
    missing = sorted(set(after) - set(before))
    # Restoring the hidden tests is no change of the student's: compare with both versions.
    changed = sorted(k for k in before
                     if k in after and before[k] not in (after[k], released.get(k)))
    if missing:
        notes.append("test cells missing, put back: " + ", ".join(missing))
    if changed:
        notes.append("test cells changed, restored: " + ", ".join(changed))
    return nb, notes


# --------------------------------------------------------------------------- preparing

_RUN_CELL = ("import helpers.trace as _grading_trace\n"
             "_grading_trace.run_cell({grade_id!r}, {source!r}, {names!r}, globals())\n")


_PREPARING = threading.Lock()


def prepare(spec: dict) -> dict:
    """Restore, read and rewrite one submission (no student code runs here).

    Writes the notebook to run into ``spec["inbox"]``; returns what the parent needs: the
    problems found, the number of code cells, the hand-graded answers' scores, the
    exercises that use the course's answers, and review notes.
    """
    from nbgrader import utils

    result = {"problems": [], "code_cells": 0, "manual": {}, "zero": {}, "review": []}
    path = Path(spec["submission"])
    if path.stat().st_size > MAX_FILE_BYTES:
        result["fatal"] = f"file too large ({path.stat().st_size // 2**20} MB)"
        return result
    try:
        nb = nbformat.read(path, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as exc:  # any parse failure means "not a notebook"
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
        result["fatal"] = f"not a valid notebook ({type(exc).__name__}: {first})"
        return result
    submitted_code = [c.source for c in nb.cells
                      if c.get("cell_type") == "code" and isinstance(c.get("source"), str)]
    resources = {"nbgrader": {"notebook": spec["notebook"], "assignment": ASSIGNMENT_ID,
                              "db_url": spec["db_url"]}}
    tests = {t["grade_id"]: t for t in spec["tests"]}
    try:
        nb, notes = _restore_test_cells(nb, resources, spec["released"], set(spec["known"]))
    except Exception as exc:  # too mangled for nbgrader: the tests go at the end instead
        nb = _append_tests(nb, spec["tests"], spec["manual_ids"])
        notes = [f"the test cells could not be restored in place ({type(exc).__name__}); "
                 "they ran at the end of the notebook"]
    result["problems"] += notes
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if utils.is_grade(cell) and grade_id in spec["manual_ids"]:
            score, _ = utils.determine_grade(cell)
            result["manual"][grade_id] = None if score is None else float(score)
        elif utils.is_grade(cell) and grade_id in tests and cell.cell_type == "code":
            test = tests[grade_id]
            cell.source = _RUN_CELL.format(grade_id=grade_id, source=test["source"],
                                           names=test["names"])
    result["code_cells"] = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    released = set(spec["released_code"])
    written = [s for s in submitted_code if s not in released]
    result["zero"], result["review"] = analyse_code(submitted_code, written, spec["tests"])
    nbformat.write(nb, Path(spec["inbox"]) / "notebook.ipynb")
    return result


def _append_tests(nb, tests: list[dict], manual_ids: list[str]):
    """The student's cells, then every test cell (the fallback of prepare).

    Only the markdown answers keep their nbgrader metadata (a human grades them; an
    unchanged one scores 0): what else the metadata claims is ignored.
    """
    test_sources = {t["source"] for t in tests}
    cells = []
    for cell in nb.cells:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        cell = nbformat.from_dict(copy.deepcopy(dict(cell)))
        keep = cell.cell_type == "markdown" and \
            cell.metadata.get("nbgrader", {}).get("grade_id") in manual_ids
        if not keep:
            cell.metadata.pop("nbgrader", None)
        if cell.get("cell_type") == "code" and cell.get("source") in test_sources:
            continue
        cells.append(cell)
    for test in tests:
        cell = nbformat.v4.new_code_cell(test["source"])
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": test["grade_id"],
                                     "points": test["points"], "solution": False,
                                     "locked": True, "schema_version": 3}
        cells.append(cell)
    fresh = nbformat.v4.new_notebook(cells=cells, metadata=nb.get("metadata", {}))
    return nbformat.from_dict(fresh)


# --------------------------------------------------------------------------- running

@dataclass
class Batch:
    """What every submission of one `make grade` run shares."""

    folder: Path
    db_url: str
    exercises: dict[str, dict]
    released: dict[str, dict[str, str]]
    released_code: dict[str, list[str]]
    cells: dict[str, list[dict]]
    known: dict[str, list[str]]
    out: Path
    args: argparse.Namespace
    secret: bytes | None
    limits: sandbox.Limits


def hidden_seed(secret: bytes, student: str, notebook: str) -> str:
    """The seed of one submission's hidden cases: the secret never enters the sandbox.

    >>> hidden_seed(b"s", "ada", "01_neuron") == hidden_seed(b"s", "ada", "01_neuron")
    True
    """
    return hmac.new(secret, f"{student}\n{notebook}".encode(), hashlib.sha256).hexdigest()[:16]


def _data_folders() -> list[Path]:
    """Data the teacher already has: read in place, never written."""
    from helpers import data

    return [p.resolve() for p in [*data.data_path(), data.cache_dir()] if p.exists()]


def _environment(batch: Batch, sub: Submission, home: Path, trace_dir: Path | None) -> dict:
    """The environment inside a sandbox: nothing of the teacher's but the data settings."""
    venv_bin = str(Path(sys.executable).parent)
    env = {"PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
           "TMPDIR": "/tmp" if not batch.args.unsafe else str(home / "tmp"),
           "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "TF_CPP_MIN_LOG_LEVEL": "3", "NBGRADER_EXECUTION": "autograde",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "COURSE_CACHE_DIR": str(home / ".cache"),
           "COURSE_DATA_PATH": os.pathsep.join(str(p) for p in _data_folders())}
    for key in ("COURSE_OFFLINE", "COURSE_REQUIRE_CANONICAL", "VIRTUAL_ENV"):
        if os.environ.get(key):
            env[key] = os.environ[key]
    if trace_dir is not None:
        env["COURSE_TRACE_DIR"] = str(trace_dir)
    if batch.secret is not None:
        from helpers.checks import HIDDEN_SEED_ENV

        env[HIDDEN_SEED_ENV] = hidden_seed(batch.secret, sub.student, sub.notebook or "")
    return env


def _run_sandboxed(batch: Batch, sub: Submission, argv: list[str], *, inbox: Path,
                   outbox: Path, scratch: Path, trace_dir: Path | None, log_file: Path,
                   seconds: float) -> sandbox.Outcome:
    """``argv`` in a fresh sandbox (or, with --unsafe, as a plain limited subprocess)."""
    limits = sandbox.Limits(**{**batch.limits.__dict__, "seconds": seconds})
    if batch.args.unsafe:
        home = scratch / "home"
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        env = _environment(batch, sub, home, trace_dir)
        argv = [a.replace(str(sandbox.INSIDE_IN), str(inbox))
                 .replace(str(sandbox.INSIDE_OUT), str(outbox)) for a in argv]
        env = {k: v.replace(str(sandbox.INSIDE_OUT), str(outbox)) for k, v in env.items()}
        return sandbox.run(argv, env=env, limits=limits, outbox=outbox, log=log_file,
                           cwd=home, sandboxed=False)
    env = _environment(batch, sub, sandbox.INSIDE_HOME, trace_dir)
    readable = [ROOT / "helpers", *_data_folders()]
    cmd = sandbox.command(argv, inbox=inbox, outbox=outbox, readable=readable,
                          limits=limits, env=env)
    return sandbox.run(cmd, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                       limits=limits, outbox=outbox, log=log_file)


def _tail(log_file: Path) -> str:
    tail = log_file.read_bytes()[-3000:].decode("utf-8", "replace") if log_file.exists() else ""
    lines = [line for line in tail.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "?"


def grade_submission(sub: Submission, batch: Batch, number: int) -> dict:
    """Prepare, run and judge one submission; always return a row, whatever happens."""
    cells = batch.cells.get(sub.notebook, [])
    row = {"student": sub.student, "notebook": sub.notebook or "", "file": sub.path.name,
           "label": sub.label, "problems": [], "cells": [], "code_cells": 0, "cells_run": 0,
           "seconds": 0.0, "review": [], "unsafe": bool(batch.args.unsafe)}
    if sub.also:
        row["problems"].append("also handed in, not graded (older): " + ", ".join(sub.also))
    if sub.problem:
        row["problems"].append(sub.problem)
        return row
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix=f"grade-{number:03d}-", dir=batch.folder))
    try:
        _grade_in(work, sub, batch, row, cells)
    except Exception as exc:  # the grader's own failure costs this row, never the batch
        row["problems"].append(f"grading failed: {type(exc).__name__}: {str(exc)[:200]}")
        row["cells"] = []
    finally:
        if batch.args.keep_temp:
            log.info("kept %s", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    row["seconds"] = round(time.monotonic() - started, 1)
    return row


def _grade_in(work: Path, sub: Submission, batch: Batch, row: dict, cells: list[dict]) -> None:
    exercise = batch.exercises[sub.notebook]
    inbox, outbox, judge_in, judge_out = (work / name for name in ("in", "out", "jin", "jout"))
    for folder in (inbox, outbox, judge_in, judge_out):
        folder.mkdir()
    # 1. prepared by trusted code, in a process of its own (nbgrader, parsing)
    spec = {"submission": str(sub.path.resolve()), "notebook": sub.notebook,
            "db_url": batch.db_url, "released": batch.released[sub.notebook],
            "released_code": batch.released_code[sub.notebook],
            "known": batch.known[sub.notebook], "tests": exercise["tests"],
            "manual_ids": [c["grade_id"] for c in cells if c["manual"]],
            "inbox": str(inbox)}
    with _PREPARING:  # nbgrader's steps and its gradebook, one submission at a time
        try:
            prepared = prepare(spec)
        except Exception as exc:  # a notebook nbgrader or nbformat chokes on
            prepared = {"fatal": f"could not be prepared for grading ({type(exc).__name__}: "
                                 f"{str(exc)[:160]})"}
    if "fatal" in prepared:
        row["problems"].append(prepared["fatal"])
        return
    row["problems"] += prepared["problems"]
    row["review"] = prepared["review"]
    row["code_cells"] = prepared["code_cells"]
    # 2. run in a sandbox: the student's code and the checks, which leave records
    shutil.copy(Path(__file__).with_name("grade_worker.py"), inbox / "grade_worker.py")
    (inbox / "run.json").write_text(json.dumps({
        "cell_timeout": batch.args.cell_timeout, "max_output_kb": batch.args.max_output_kb}))
    python = str(Path(sys.executable))
    outcome = _run_sandboxed(batch, sub, [python, str(sandbox.INSIDE_IN / "grade_worker.py"),
                                          str(sandbox.INSIDE_IN), str(sandbox.INSIDE_OUT)],
                             inbox=inbox, outbox=outbox, scratch=work / "run",
                             trace_dir=sandbox.INSIDE_OUT / "traces",
                             log_file=work / "worker.log",
                             seconds=batch.args.notebook_timeout)
    run = _read_json(outbox / "run.json") if outcome.killed is None else None
    if outcome.killed:
        row["problems"].append(f"stopped: {outcome.killed}")
    elif not isinstance(run, dict):
        row["problems"].append(f"the notebook did not finish (exit code {outcome.returncode}: "
                               f"{_tail(work / 'worker.log')})")
    else:
        row["cells_run"] = len(run.get("executed", []))
        row["problems"] += [str(p)[:300] for p in run.get("problems", [])][:20]
    executed = outbox / "executed.ipynb"
    if executed.is_file() and not executed.is_symlink() and \
            executed.stat().st_size <= MAX_FILE_BYTES:
        shutil.copyfile(executed, batch.out / "graded" / f"{sub.label}.ipynb")
    # 3. judged by trusted code, in a second sandbox that runs nothing of the student's
    traces = outbox / "traces"
    if traces.is_dir() and not traces.is_symlink():
        shutil.copytree(traces, judge_in / "traces", symlinks=True)
    (judge_in / "judge.json").write_text(json.dumps({
        "imports": exercise["imports"],
        "trace_dir": str((judge_in if batch.args.unsafe else sandbox.INSIDE_IN) / "traces"),
        "cells": [{k: t[k] for k in ("grade_id", "source", "names")}
                  for t in exercise["tests"]]}))
    verdict_log = work / "judge.log"
    judged = _run_sandboxed(batch, sub, [python, "-m", "helpers.trace", "judge",
                                         str(sandbox.INSIDE_IN / "judge.json")],
                            inbox=judge_in, outbox=judge_out, scratch=work / "judge",
                            trace_dir=None, log_file=verdict_log, seconds=600)
    verdicts = _last_json(verdict_log) if judged.killed is None else None
    if not isinstance(verdicts, dict):
        why = judged.killed or _tail(verdict_log)
        row["problems"].append(f"the records could not be judged ({why})")
        verdicts = {}
    for info in cells:
        entry = {**info}
        grade_id = info["grade_id"]
        if info["manual"]:
            score = prepared["manual"].get(grade_id, 0.0)
            entry.update(score=score, message="not answered" if score == 0 else "graded by hand")
        elif grade_id in prepared["zero"]:
            entry.update(score=0.0, message=prepared["zero"][grade_id])
        else:
            verdict = verdicts.get(grade_id) or {"passed": False, "message": "not judged"}
            passed = verdict.get("passed") is True
            entry.update(score=info["points"] if passed else 0.0,
                         message="" if passed else _first_lines(str(verdict.get("message"))))
        row["cells"].append(entry)


def _read_json(path: Path):
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 2**20:
            return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    return None


def _last_json(path: Path):
    """The judge prints its verdicts as the last line of its output."""
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines() \
        if path.exists() else []
    for line in reversed(lines):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def _first_lines(message: str) -> str:
    """What the student should read first: the first line, and its hint if any."""
    lines = _ANSI.sub("", message).strip().splitlines()
    if not lines:
        return ""
    hint = next((line.strip() for line in lines[1:] if line.strip().startswith("Hint")), None)
    return lines[0][:500] + (f" | {hint[:500]}" if hint else "")


# --------------------------------------------------------------------------- reports

def _finish(row: dict, cells: list[dict]) -> dict:
    if not row["cells"]:
        reason = row["problems"][-1] if row["problems"] else "not graded"
        row["cells"] = [{**c, "score": 0.0, "message": "not graded: " + reason} for c in cells]
    row["total"] = sum(c["score"] for c in row["cells"] if c["score"] is not None)
    row["max"] = sum(c["points"] for c in row["cells"])
    row["to_grade_by_hand"] = sum(c["points"] for c in row["cells"] if c["score"] is None)
    real = [p for p in row["problems"] if not p.startswith("also handed in")]
    row["status"] = "; ".join(real) or "ok"
    if len(real) < len(row["problems"]):
        row["status"] += "; " + next(p for p in row["problems"] if p.startswith("also handed"))
    return row


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("ada")
    ("'=HYPERLINK(1)", 'ada')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_reports(rows: list[dict], out: Path, *, secret: bool) -> None:
    columns: list[str] = []
    for row in rows:
        for cell in row["cells"]:
            name = cell["grade_id"] + (SUFFIX_MANUAL if cell["manual"] else "")
            if name not in columns:
                columns.append(name)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", *columns, "total", "max", "to_grade_by_hand",
                         "status", "review", "unsafe"])
        for row in rows:
            scores = {c["grade_id"] + (SUFFIX_MANUAL if c["manual"] else ""): c["score"]
                      for c in row["cells"]}
            writer.writerow([spreadsheet_safe(str(v)) for v in [
                row["student"], row["notebook"],
                *(_number(scores[c]) if c in scores else "" for c in columns),
                _number(row["total"]), _number(row["max"]), _number(row["to_grade_by_hand"]),
                row["status"], "; ".join(row["review"]), "yes" if row["unsafe"] else ""]])
    (out / "grades.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    by_student: dict[str, list[dict]] = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    taken: dict[str, str] = {}
    for student in sorted(by_student):
        lines = [f"Feedback for {student}", ""]
        if not secret:
            lines += ["(The hidden cases were the public ones: no grading secret was set.)", ""]
        for row in by_student[student]:
            pending = (f"; {_number(row['to_grade_by_hand'])} more to be graded by hand"
                       if row["to_grade_by_hand"] else "")
            lines.append(f"{row['notebook'] or row['file']} ({row['file']}): "
                         f"{_number(row['total'])} of {_number(row['max'])} points{pending}")
            if row["status"] != "ok":
                lines.append(f"  Note: {row['status']}")
            width = max((len(c["grade_id"]) for c in row["cells"]), default=0)
            for cell in row["cells"]:
                score = "-" if cell["score"] is None else _number(cell["score"])
                text = f"  {cell['grade_id']:<{width}}  {score:>3} / {_number(cell['points'])}"
                message = cell.get("message", "")
                lines.append(text + (f"  {message}" if message else ""))
            lines.append("")
        (feedback / f"{safe_name(student, taken)}.txt").write_text("\n".join(lines),
                                                                    encoding="utf-8")


def _secret(args) -> bytes | None:
    if args.secret_file:
        return Path(args.secret_file).read_bytes().strip() or None
    value = os.environ.get(SECRET_ENV, "")
    return value.encode() if value else None


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "grades",
                        help="where grades.csv, feedback/ and graded/ go (build/grades)")
    parser.add_argument("--source", type=Path, default=ROOT / "notebooks",
                        help="the notebooks with solutions and tests (notebooks/)")
    parser.add_argument("--cell-timeout", type=int, default=600,
                        help="seconds one cell may run before it is stopped (600)")
    parser.add_argument("--notebook-timeout", type=int, default=1800,
                        help="seconds one whole submission may take (1800)")
    parser.add_argument("--max-output-kb", type=int, default=1024,
                        help="output kept per cell, in kB (1024)")
    parser.add_argument("--memory-mb", type=int, default=sandbox.Limits.memory_mb,
                        help=f"memory one submission may use ({sandbox.Limits.memory_mb})")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once (1)")
    parser.add_argument("--secret-file", help="a file outside the repository whose contents "
                        f"seed the hidden cases (default: ${SECRET_ENV})")
    parser.add_argument("--unsafe", action="store_true",
                        help="grade without a sandbox (recorded on every row)")
    parser.add_argument("--keep-temp", action="store_true",
                        help="keep each submission's temporary directory (for debugging)")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(message)s", level=logging.INFO)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder (make grade SUBMISSIONS=dir)")
    if not args.unsafe:
        problem = sandbox.available()
        if problem:
            print(f"make grade: no sandbox: {problem}", file=sys.stderr)
            return 2
    notebooks = gradable_notebooks(args.source)
    submissions = find_submissions(args.submissions, set(notebooks))
    if not submissions:
        print(f"no .ipynb files in {args.submissions}", file=sys.stderr)
        return 1
    out = args.out.resolve()
    (out / "graded").mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        needed = {s.notebook for s in submissions if s.problem is None}
        db_url, released, released_code = make_gradebook(
            folder / "gradebook.db", {k: v for k, v in notebooks.items() if k in needed})
        secret = _secret(args)
        batch = Batch(folder=folder, db_url=db_url, released=released,
                      released_code=released_code,
                      exercises={k: exercise_specs(notebooks[k]) for k in needed},
                      cells={k: make_assignments.graded_cells(v) for k, v in notebooks.items()},
                      known={k: [c.metadata.nbgrader["grade_id"] for c in v.cells
                                 if "nbgrader" in c.metadata] for k, v in notebooks.items()},
                      out=out, args=args, secret=secret,
                      limits=sandbox.Limits(memory_mb=args.memory_mb))
        started, done = time.monotonic(), [0]

        def grade(numbered):
            number, sub = numbered
            row = _finish(grade_submission(sub, batch, number), batch.cells.get(sub.notebook, []))
            done[0] += 1
            left = (time.monotonic() - started) / done[0] * (len(submissions) - done[0])
            print(f"[{done[0]}/{len(submissions)}, ~{left / 60:.0f} min left] "
                  f"{row['student'][:24]:24s} {row['notebook'] or row['file']:20s} "
                  f"{_number(row['total']):>5s} / {_number(row['max']):<4s} "
                  f"{row['seconds']:6.1f} s  {row['status']}", flush=True)
            return row

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            rows = list(pool.map(grade, enumerate(submissions)))
    finally:
        if not args.keep_temp:
            shutil.rmtree(folder, ignore_errors=True)
    rows.sort(key=lambda r: (r["student"], r["notebook"], r["file"]))
    write_reports(rows, out, secret=secret is not None)
    print(f"wrote {out / 'grades.csv'} and {len(set(r['student'] for r in rows))} feedback "
          f"files in {out / 'feedback'}" + ("; graded WITHOUT a sandbox (--unsafe)"
                                            if args.unsafe else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
