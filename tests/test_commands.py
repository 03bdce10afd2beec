"""Quiet, readable commands: `make help`, and `make run` without TensorFlow's or Jupyter's
log lines on the terminal or in the saved outputs, real warnings kept."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("run_notebooks",
                                                  ROOT / "tools" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_help_lists_every_target_with_one_line():
    result = subprocess.run(["make", "--no-print-directory", "-s", "help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[1:]
    listed = {line.split()[0]: line for line in lines}
    for target in ("run", "test", "lab", "data", "bench", "book", "assignments", "grade",
                   "notebooks", "test-colab", "test-browser", "help", "clean"):
        assert target in listed, f"make help does not list {target}"
        assert len(listed[target].split(None, 1)) == 2, f"{target} has no description"
    assert len(lines) == len(listed), "a target is listed twice"
    # `make` alone prints the same list rather than starting work.
    bare = subprocess.run(["make", "--no-print-directory", "-s"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert bare.stdout == result.stdout


ABSL = ("WARNING: All log messages before absl::InitializeLog() is called are written to "
        "STDERR\n")
ONEDNN = ("I0000 00:00:1796306681.694043    1244 port.cc:153] oneDNN custom operations are on. "
          "You may see slightly different numerical results.\n")
REAL_ABSL_WARNING = "W0000 00:00:1796306681.694043    1244 op_kernel.cc:1857] OP_REQUIRES failed\n"
PY_WARNING = ("/tmp/ipykernel_1/1.py:2: RuntimeWarning: overflow encountered in exp\n"
              "  print(np.exp(1000.0))\n")


def test_quiet_outputs_drops_tensorflow_start_up_lines_and_keeps_warnings():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import keras"),
                nbformat.v4.new_code_cell("np.exp(1000.0)")]
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stderr", text=ABSL + ONEDNN),
                           nbformat.v4.new_output("stream", name="stdout", text="versions\n"),
                           nbformat.v4.new_output("stream", name="stderr",
                                                  text=ABSL + ONEDNN + REAL_ABSL_WARNING)]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stderr", text=PY_WARNING)]

    assert _tool().quiet_outputs(nb) == 4

    assert [o.get("text") for o in nb.cells[0].outputs] == ["versions\n", REAL_ABSL_WARNING]
    assert nb.cells[1].outputs[0]["text"] == PY_WARNING
    # As plain JSON (tools/build_book.py reads it so), stream text is a list of lines.
    plain = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "stream", "name": "stderr", "text": [ABSL, ONEDNN, PY_WARNING]}]}]}
    assert _tool().quiet_outputs(plain) == 2
    assert plain["cells"][0]["outputs"][0]["text"] == PY_WARNING


def test_a_notebook_run_prints_no_kernel_transport_warning_and_saves_no_log_lines(
        tmp_path, monkeypatch, capfd):
    tool = _tool()
    monkeypatch.setattr(tool, "BUILD", tmp_path)
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    nb = nbformat.v4.new_notebook()
    # What importing TensorFlow does to the kernel's stderr, and a real warning.
    nb.cells = [nbformat.v4.new_code_cell(
        "import os, warnings\n"
        f"os.write(2, {(ABSL + ONEDNN).encode()!r})\n"
        "warnings.warn('a real warning')\n"
        "print('hello')")]
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nb, path)

    row = tool.run_one(path, timeout=120, html=False)

    assert row["status"] == "ok", row
    terminal = capfd.readouterr()
    assert not re.search(r"without encryption|absl|oneDNN|IPKernelApp",
                         terminal.out + terminal.err), terminal
    saved = nbformat.read(tmp_path / "00_tiny.ipynb", as_version=4)
    text = "".join(o.get("text", "") for o in saved.cells[0].outputs)
    assert "hello" in text and "UserWarning: a real warning" in text
    assert "absl" not in text and "oneDNN" not in text
