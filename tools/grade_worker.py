"""Run one prepared submission inside the grading sandbox (started by tools/grade.py).

``python grade_worker.py IN OUT``: reads ``IN/notebook.ipynb`` and ``IN/run.json``, runs
every cell in a fresh kernel (errors do not stop it; a cell over its time limit is
interrupted; output is cut at a size), and writes ``OUT/executed.ipynb`` and
``OUT/run.json``; in the sandbox IN is /grading/in and OUT /grading/out.
Nothing it writes decides a grade: the graded cells' records (``/grading/out/traces``) are
judged by the grader, outside this sandbox. This file is copied into the sandbox and needs
only nbformat and nbclient.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

import nbformat

# A kernel may not write files larger than this (a runaway loop filling the disk).
MAX_WRITE_BYTES = 256 * 2**20


def _message_size(msg: dict) -> int:
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream":
        return len(content.get("text", ""))
    return sum(len(str(value)) for value in content.get("data", {}).values())


def _execute(nb, workdir: Path, *, cell_timeout: int, max_output: int) -> dict:
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
        on_cell_execute=on_cell_execute,
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



def main(inbox: Path, outbox: Path) -> int:
    spec = json.loads((inbox / "run.json").read_text())
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_WRITE_BYTES, MAX_WRITE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nb = nbformat.read(inbox / "notebook.ipynb", as_version=4)
    run = _execute(nb, Path.cwd(), cell_timeout=spec["cell_timeout"],
                   max_output=spec["max_output_kb"] * 1024)
    nbformat.write(nb, outbox / "executed.ipynb")
    (outbox / "run.json").write_text(json.dumps({"executed": sorted(run["executed"]),
                                                 "problems": run["problems"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
