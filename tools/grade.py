"""Grade a folder of submitted notebooks into grades.csv and a feedback file per student.

Usage::

    make grade SUBMISSIONS=dir [OUT=build/grades] [CELL_TIMEOUT=600] [JOBS=1]
    python tools/grade.py SUBMISSIONS [--out build/grades] [--cell-timeout 600]
                          [--notebook-timeout 1800] [--jobs 1]

Naming the files. The student's name comes from the file name, in either form::

    SUBMISSIONS/<student>__NN_topic.ipynb     e.g. ada_lovelace__01_neuron.ipynb
    SUBMISSIONS/<student>/NN_topic.ipynb      e.g. ada_lovelace/01_neuron.ipynb

(two underscores between the name and the notebook). ``NN_topic`` must be one of the
notebooks/ files with exercises; a name that contains exactly one of them also does
("Copy of 01_neuron.ipynb", "01_neuron (1).ipynb"); any other name gets a row that says so.
A learning platform's "download all submissions" archive, with a folder per student,
can be graded as it is.

How a submission is graded, in a subprocess of its own, so that nothing it does can stop
the others from being graded:

1. it is copied into a fresh temporary directory, which is also the kernel's working
   directory (three levels down, so that ``../../../x`` stays inside) and ``HOME``; data
   the teacher has already downloaded is read from where it is, never written;
2. nbgrader's autograde preprocessors (ClearOutput, DeduplicateIds, OverwriteKernelspec,
   OverwriteCells, CheckCellMetadata) restore every test cell, hidden tests included, from
   a gradebook made from notebooks/ (test cells a student changed or deleted come back);
3. the notebook runs in a fresh kernel with ``NBGRADER_EXECUTION=autograde``; errors do
   not stop it; a cell that runs over ``--cell-timeout`` seconds is interrupted and counts
   as failed, and the whole notebook is stopped after ``--notebook-timeout`` seconds; a
   cell's output is cut at ``--max-output-kb``;
4. each test cell scores as nbgrader scores it (``nbgrader.utils.determine_grade``): 0 if
   it raised or wrote to stderr, full points otherwise, unless its last line gives a
   number, which nbgrader reads as partial credit; a test cell that never ran (the kernel
   died, the notebook was stopped) scores 0. Markdown answers are graded by hand: nbgrader
   gives 0 to one left as "YOUR ANSWER HERE", the others stay blank.

Output in OUT (default build/grades):

* ``grades.csv``: student, notebook, one column per graded cell (its grade_id; answers
  graded by hand end in "(by hand)" and stay blank until graded), ``total`` (points so
  far), ``max``, ``to_grade_by_hand`` (points still waiting for a human), ``status``
  ("ok", or why points are missing: a timeout, a crash, a file that is not a notebook);
* ``feedback/<student>.txt``: per notebook, each graded cell's score and the first line
  of its error, which for the course's checks is what was wrong and a hint;
* ``graded/<student>__NN_topic.ipynb``: the executed notebooks, to look at by hand;
* ``grades.json``: all of the above, for scripts.

This keeps mistakes from spreading (a loop that never ends, a crash, megabytes of output,
deleting files in the working directory); it is not a security sandbox against code
written to attack the grader, which runs with the teacher's permissions.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_assignments  # noqa: E402 (a sibling script, not a package)

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT_ID = make_assignments.ASSIGNMENT_ID
SUFFIX_MANUAL = " (by hand)"
# Refuse to even parse files beyond this: no notebook of the course comes close.
MAX_FILE_BYTES = 100 * 2**20
# A kernel may not write files larger than this (a runaway loop filling the disk).
MAX_WRITE_BYTES = 2 * 2**30
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

log = logging.getLogger("grade")


@dataclass
class Submission:
    student: str
    notebook: str | None
    path: Path
    problem: str | None = None

    @property
    def label(self) -> str:
        return f"{self.student}__{self.notebook or self.path.stem}"


def _which_notebook(name: str, known: set[str]) -> str:
    """``name`` itself if known, else the one known notebook it contains ("Copy of 01_x")."""
    if name in known:
        return name
    inside = [notebook for notebook in known if notebook in name]
    return inside[0] if len(inside) == 1 else name


def find_submissions(folder: Path, known: set[str]) -> list[Submission]:
    """Every .ipynb in ``folder`` (and one level of per-student folders), named by student."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() and not path.name.startswith("."):
            for inner in sorted(path.glob("*.ipynb")):
                found.append(Submission(path.name, _which_notebook(inner.stem, known), inner))
        elif path.suffix == ".ipynb":
            student, sep, notebook = path.stem.rpartition("__")
            if sep and student and notebook:
                found.append(Submission(student, _which_notebook(notebook, known), path))
            else:
                found.append(Submission(path.stem, None, path,
                                        "cannot tell the student from the notebook: name the "
                                        "file <student>__NN_topic.ipynb"))
        elif path.is_file() and not path.name.startswith("."):
            log.warning("skipped %s: not a .ipynb file", path)
    for sub in found:
        if sub.problem is None and sub.notebook not in known:
            sub.problem = (f"unknown notebook {sub.notebook!r}: expected one of "
                           f"{', '.join(sorted(known)) or '(none)'}")
    return found


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
                   ) -> tuple[str, dict[str, dict[str, str]]]:
    """An nbgrader gradebook holding every notebook's cells, as generate_assignment saves them.

    Returns its URL and, per notebook, the test cells as students received them (without
    hidden tests), to tell a test cell a student changed from one grading restores anyway.
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
    released = {}
    for notebook_id, nb in notebooks.items():
        student = make_assignments.student_version(nb, notebook_id, db_url=db_url)
        released[notebook_id] = test_sources(student)
    return db_url, released


# --------------------------------------------------------------------------- worker side

def _first_error_line(cell) -> str:
    """What the student should read first: the error's first line, and its hint if any."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            lines = _ANSI.sub("", str(output.get("evalue", ""))).strip().splitlines()
            text = f"{output.ename}: {lines[0]}" if lines else output.ename
            hint = next((line.strip() for line in lines[1:] if line.strip().startswith("Hint")),
                        None)
            return text + (f" | {hint}" if hint else "")
        if output.output_type == "stream" and output.name == "stderr":
            first = _ANSI.sub("", output.text).strip().splitlines() or [""]
            return f"the cell wrote to stderr, which counts as failing: {first[0][:200]}"
        if output.output_type == "execute_result":
            value = str(output.get("data", {}).get("text/plain", ""))[:40]
            return (f"partial credit: the cell's last line gave {value}, which nbgrader reads "
                    "as the points earned")
    return ""


def _message_size(msg: dict) -> int:
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream":
        return len(content.get("text", ""))
    return sum(len(str(value)) for value in content.get("data", {}).values())


def _execute(nb, workdir: Path, *, cell_timeout: int, max_output: int, pid_file: Path) -> dict:
    """Run every cell, errors and timeouts included; report what ran and what went wrong."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    executed: set[int] = set()
    timed_out: list[int] = []
    cut: set[int] = set()
    held: dict[int, int] = {}
    current = {"index": None}

    class GradingClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            if not outs:
                held[cell_index] = 0
            size = _message_size(msg)
            if msg["msg_type"] != "error" and held.get(cell_index, 0) + size > max_output:
                cut.add(cell_index)
                content = msg["content"]
                first_stderr = (msg["msg_type"] == "stream" and content.get("name") == "stderr"
                                and not any(o.get("name") == "stderr" for o in outs))
                if not first_stderr:
                    return None
                # Keep a little of the first stderr: writing to stderr fails a test cell.
                msg = {**msg, "content": {**content, "text": content["text"][:1000]}}
                size = 1000
            held[cell_index] = held.get(cell_index, 0) + size
            return super().output(outs, msg, display_id, cell_index)

    def on_notebook_start(**_):
        # The parent kills the kernel by this pid if the whole notebook overruns.
        pid_file.write_text(str(client.km.provisioner.pid))

    def on_cell_execute(cell_index, **_):
        current["index"] = cell_index

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        executed.add(cell_index)
        content = execute_reply["content"]
        if content.get("status") == "error":
            if content.get("ename") == "CellTimeoutError":
                timed_out.append(cell_index)
            # A timeout's error exists only in the reply; put it where grading looks.
            if not any(o.output_type == "error" for o in cell.outputs):
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename=content.get("ename", "Error"),
                    evalue=content.get("evalue", ""),
                    traceback=content.get("traceback") or [content.get("ename", "Error")]))
        if cell_index in cut:
            cell.outputs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n[grader: output cut at {max_output // 1024} kB]\n"))

    client = GradingClient(
        nb, timeout=cell_timeout, interrupt_on_timeout=True, allow_errors=True,
        error_on_timeout={"ename": "CellTimeoutError",
                          "evalue": f"the cell ran over {cell_timeout} s and was stopped",
                          "traceback": [f"CellTimeoutError: the cell ran over {cell_timeout} s"
                                        " and was stopped"]},
        # A kernel that stays busy after the interrupt (the code catches KeyboardInterrupt)
        # never reports idle: nbclient then raises, rather than time out every later cell.
        raise_on_iopub_timeout=True, iopub_timeout=10, shutdown_kernel="immediate",
        coalesce_streams=True, record_timing=False, kernel_name="python3", startup_timeout=120,
        resources={"metadata": {"path": str(workdir)}},
        on_notebook_start=on_notebook_start, on_cell_execute=on_cell_execute,
        on_cell_executed=on_cell_executed)
    problems = []
    try:
        client.execute()
    except DeadKernelError:
        where = current["index"]
        problems.append(f"the kernel died in cell {where + 1 if where is not None else '?'} "
                        "(out of memory, or the code ended the process); later cells did not run")
    except CellTimeoutError:
        where = current["index"]
        problems.append(f"cell {where + 1 if where is not None else '?'} ran over "
                        f"{cell_timeout} s and did not stop when interrupted; later cells "
                        "did not run")
    except Exception as exc:  # whatever stops nbclient belongs to the student's row
        problems.append(f"execution stopped: {type(exc).__name__}: {str(exc)[:200]}")
    for index in timed_out:
        problems.append(f"cell {index + 1} ran over {cell_timeout} s and was stopped")
    if cut:
        problems.append("output cut in cell " + ", ".join(str(i + 1) for i in sorted(cut)))
    return {"executed": executed, "problems": problems}


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


def grade_in_sandbox(spec: dict) -> dict:
    """Grade one submission; every failure becomes part of the result, never an exception."""
    from nbgrader import utils

    started = time.monotonic()
    expected = spec["cells"]
    result = {"problems": [], "cells": [], "code_cells": 0, "cells_run": 0}

    def zero_everything(reason: str) -> dict:
        result["problems"].append(reason)
        result["cells"] = [{**c, "score": 0.0, "message": "not graded: " + reason}
                           for c in expected]
        return result

    path = Path(spec["submission"])
    workdir = Path(spec["workdir"])
    if path.stat().st_size > MAX_FILE_BYTES:
        return zero_everything(f"file too large ({path.stat().st_size // 2**20} MB)")
    local = workdir / f"{spec['notebook']}.ipynb"
    shutil.copyfile(path, local)
    try:
        nb = nbformat.read(local, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as exc:  # any parse failure means "not a notebook"
        return zero_everything(f"not a valid notebook ({type(exc).__name__}: "
                               f"{str(exc).strip().splitlines()[0][:160] if str(exc) else ''})")
    resources = {"nbgrader": {"notebook": spec["notebook"], "assignment": ASSIGNMENT_ID,
                              "db_url": spec["db_url"]}}
    try:
        nb, notes = _restore_test_cells(nb, resources, spec["released"], set(spec["known"]))
        result["problems"] += notes
    except Exception as exc:  # a notebook too mangled for nbgrader
        return zero_everything(f"could not restore the test cells ({type(exc).__name__}: "
                               f"{str(exc)[:160]}); is this the right notebook?")
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    run = _execute(nb, workdir, cell_timeout=spec["cell_timeout"],
                   max_output=spec["max_output_kb"] * 1024, pid_file=Path(spec["pid_file"]))
    result["problems"] += run["problems"]
    result["code_cells"] = len(code)
    result["cells_run"] = len(run["executed"])
    from nbgrader.preprocessors import LimitOutput

    nb, _ = LimitOutput(log=logging.getLogger("grade.nbgrader")).preprocess(nb, resources)

    found = {}
    for index, cell in enumerate(nb.cells):
        if utils.is_grade(cell):
            found.setdefault(cell.metadata.nbgrader.get("grade_id"), (index, cell))
    for info in expected:
        entry = {**info}
        if info["grade_id"] not in found:
            entry.update(score=0.0, message="the cell is missing from the notebook")
        else:
            index, cell = found[info["grade_id"]]
            score, _ = utils.determine_grade(cell)
            if info["manual"]:
                message = "not answered" if score == 0 else "graded by hand"
            elif cell.cell_type == "code" and index not in run["executed"]:
                score, message = 0.0, "did not run"
            else:
                message = "" if score == info["points"] else _first_error_line(cell)
            entry.update(score=score, message=message)
        result["cells"].append(entry)
    try:
        nbformat.write(nb, spec["graded_copy"])
    except Exception as exc:  # the grades stand without the copy to look at
        result["problems"].append(f"the executed notebook could not be saved: {exc!s:.160}")
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def worker_main(spec_path: Path) -> int:
    spec = json.loads(spec_path.read_text())
    # Inherited by the kernel: a runaway loop cannot fill the disk or dump core.
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_WRITE_BYTES, MAX_WRITE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    result = grade_in_sandbox(spec)
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


# --------------------------------------------------------------------------- parent side

def _kernel_env(sandbox: Path) -> dict:
    """The environment of the worker and its kernel: everything private to the sandbox."""
    env = dict(os.environ)
    home = sandbox / "home"
    # Data the teacher already has is read in place (a data path is never written to);
    # anything downloaded goes to the sandbox's own cache.
    from helpers import data

    reads = [str(p) for p in data.data_path()] + [str(data.cache_dir())]
    env.update(HOME=str(home), TMPDIR=str(sandbox / "tmp"),
               COURSE_CACHE_DIR=str(sandbox / "cache"),
               COURSE_DATA_PATH=os.pathsep.join(reads),
               NBGRADER_EXECUTION="autograde", PYTHONDONTWRITEBYTECODE="1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.pop("COURSE_RECORD_FILE", None)
    env.pop("JUPYTER_RUNTIME_DIR", None)
    return env


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def grade_submission(sub: Submission, cells: list[dict], released: dict[str, str],
                     known: list[str], *, batch: Path, number: int, db_url: str, out: Path,
                     args) -> dict:
    """Grade one submission in its own subprocess and sandbox; always return a row."""
    row = {"student": sub.student, "notebook": sub.notebook or "", "file": sub.path.name,
           "problems": [], "cells": [], "code_cells": 0, "cells_run": 0, "seconds": 0.0}
    if sub.problem:
        row["problems"].append(sub.problem)
        return row
    # Apart from the batch folder (gradebook, results), so that removing ../../.. from the
    # kernel's working directory cannot reach another submission's files or the gradebook.
    sandbox = Path(tempfile.mkdtemp(prefix=f"grade-{number:03d}-"))
    workdir = sandbox / "home" / "course" / "work"
    for folder in (workdir, sandbox / "tmp", sandbox / "cache"):
        folder.mkdir(parents=True)
    private = batch / f"{number:03d}"
    private.mkdir()
    graded = out / "graded"
    spec = {"submission": str(sub.path.resolve()), "notebook": sub.notebook, "cells": cells,
            "released": released, "known": known, "db_url": db_url, "workdir": str(workdir),
            "cell_timeout": args.cell_timeout, "max_output_kb": args.max_output_kb,
            "pid_file": str(private / "kernel.pid"), "result": str(private / "result.json"),
            "graded_copy": str((graded / f"{sub.label}.ipynb").resolve())}
    (private / "spec.json").write_text(json.dumps(spec))
    started = time.monotonic()
    with open(private / "worker.log", "wb") as worker_log:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker",
                                 str(private / "spec.json")],
                                stdin=subprocess.DEVNULL, stdout=worker_log, stderr=worker_log,
                                env=_kernel_env(sandbox), cwd=workdir, start_new_session=True)
        try:
            code = proc.wait(timeout=args.notebook_timeout)
        except subprocess.TimeoutExpired:
            code = None
    pid_file = Path(spec["pid_file"])
    if code != 0 and pid_file.exists():
        # The kernel is in a session of its own: killing the worker would not stop it.
        _kill_group(int(pid_file.read_text()))
    if code is None:
        _kill_group(proc.pid)
        proc.wait()
    result_file = Path(spec["result"])
    if code == 0 and result_file.exists():
        row.update(json.loads(result_file.read_text()))
    else:
        if code is None:
            reason = f"stopped: the notebook ran over {args.notebook_timeout} s in total"
        else:
            tail = (private / "worker.log").read_bytes()[-2000:].decode("utf-8", "replace")
            last = [line for line in tail.strip().splitlines() if line.strip()][-1:] or ["?"]
            reason = f"grading crashed (exit code {code}): {last[0][:200]}"
        row["problems"].append(reason)
        row["cells"] = [{**c, "score": 0.0, "message": "not graded: " + reason} for c in cells]
    row["seconds"] = round(time.monotonic() - started, 1)
    if args.keep_temp:
        log.info("kept %s (sandbox) and %s (worker log)", sandbox, private)
    else:
        shutil.rmtree(sandbox, ignore_errors=True)
    return row


def _finish(row: dict, cells: list[dict]) -> dict:
    if not row["cells"]:
        reason = row["problems"][0] if row["problems"] else "not graded"
        row["cells"] = [{**c, "score": 0.0, "message": "not graded: " + reason} for c in cells]
    row["total"] = sum(c["score"] for c in row["cells"] if c["score"] is not None)
    row["max"] = sum(c["points"] for c in row["cells"])
    row["to_grade_by_hand"] = sum(c["points"] for c in row["cells"] if c["score"] is None)
    row["status"] = "; ".join(row["problems"]) or "ok"
    return row


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def write_reports(rows: list[dict], out: Path) -> None:
    columns: list[str] = []
    for row in rows:
        for cell in row["cells"]:
            name = cell["grade_id"] + (SUFFIX_MANUAL if cell["manual"] else "")
            if name not in columns:
                columns.append(name)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", *columns, "total", "max", "to_grade_by_hand",
                         "status"])
        for row in rows:
            scores = {c["grade_id"] + (SUFFIX_MANUAL if c["manual"] else ""): c["score"]
                      for c in row["cells"]}
            writer.writerow([row["student"], row["notebook"],
                             *(_number(scores[c]) if c in scores else "" for c in columns),
                             _number(row["total"]), _number(row["max"]),
                             _number(row["to_grade_by_hand"]), row["status"]])
    (out / "grades.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    by_student: dict[str, list[dict]] = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    for student, student_rows in by_student.items():
        lines = [f"Feedback for {student}", ""]
        for row in student_rows:
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
        safe = re.sub(r"[^\w.@-]+", "_", student)
        (feedback / f"{safe}.txt").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--worker"]:
        return worker_main(Path(argv[1]))
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
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once (1)")
    parser.add_argument("--keep-temp", action="store_true",
                        help="keep each submission's temporary directory (for debugging)")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(message)s", level=logging.INFO)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder (make grade SUBMISSIONS=dir)")
    notebooks = gradable_notebooks(args.source)
    submissions = find_submissions(args.submissions, set(notebooks))
    if not submissions:
        print(f"no .ipynb files in {args.submissions}", file=sys.stderr)
        return 1
    cells = {nid: make_assignments.graded_cells(nb) for nid, nb in notebooks.items()}
    known = {nid: [c.metadata.nbgrader["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
             for nid, nb in notebooks.items()}
    out = args.out.resolve()
    (out / "graded").mkdir(parents=True, exist_ok=True)
    batch = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        needed = {s.notebook for s in submissions if s.problem is None}
        db_url, released = make_gradebook(batch / "gradebook.db",
                                          {k: v for k, v in notebooks.items() if k in needed})

        def grade(numbered):
            number, sub = numbered
            row = grade_submission(sub, cells.get(sub.notebook, []),
                                   released.get(sub.notebook, {}), known.get(sub.notebook, []),
                                   batch=batch,
                                   number=number, db_url=db_url, out=out, args=args)
            row = _finish(row, cells.get(sub.notebook, []))
            print(f"{row['student']:24s} {row['notebook'] or row['file']:20s} "
                  f"{_number(row['total']):>5s} / {_number(row['max']):<4s} "
                  f"{row['seconds']:6.1f} s  {row['status']}", flush=True)
            return row

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            rows = list(pool.map(grade, enumerate(submissions)))
    finally:
        if not args.keep_temp:
            shutil.rmtree(batch, ignore_errors=True)
    rows.sort(key=lambda r: (r["student"], r["notebook"], r["file"]))
    write_reports(rows, out)
    print(f"wrote {out / 'grades.csv'} and {len(set(r['student'] for r in rows))} feedback "
          f"files in {out / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
