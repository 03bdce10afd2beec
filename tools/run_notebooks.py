"""Execute notebooks headless, save the executed copies, and report time and key results.

``make run`` calls it with ``--html`` (executed .ipynb and .html in build/);
``make bench`` with ``--bench build/bench.json`` (seconds, peak memory, the values each
notebook records with ``helpers.record`` and its claims, ``helpers.claim``).

Each notebook runs in a fresh kernel started in notebooks/, with ``COURSE_RECORD_FILE``
pointing at a sidecar JSON file that ``helpers.record`` fills in.

The terminal shows the table, progress and errors only: the kernel talks over local IPC
sockets (no warning about unencrypted TCP), its own stderr goes to build/NN_topic.kernel.log
(named when the notebook fails), and TensorFlow's C++ start-up lines (absl, oneDNN), which
no environment variable silences, are removed from the saved outputs. Python warnings that
a cell raises stay in its output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"

# Appended to the executed notebook and removed before saving: the kernel reports its
# own peak resident memory, which is what a student's laptop must hold.
_PEAK_MEMORY_CELL = """\
import json, os, resource, sys
_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
_mb = _peak / (1 << 20) if sys.platform == "darwin" else _peak / 1024
_path = os.environ.get("COURSE_RECORD_FILE")
if _path:
    _data = json.load(open(_path)) if os.path.exists(_path) else {}
    _data["peak_memory_mb"] = round(_mb, 1)
    json.dump(_data, open(_path, "w"), indent=2, sort_keys=True)
"""


# What TensorFlow's C++ code writes to the kernel's stderr when it is imported, in absl's
# format ("I0000 00:00:1796306681.694043    1244 port.cc:153] oneDNN custom operations are
# on..."), and absl's notice that precedes it. Only info lines: absl warnings and errors
# (W..., E...) may be real and stay.
_LOG_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to "
    r"STDERR|I\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] .*)\n?", re.M)


def quiet_outputs(nb) -> int:
    """Drop TensorFlow's C++ log lines from the notebook's stderr outputs; return how many."""
    removed = 0
    for cell in nb["cells"]:  # a NotebookNode or a plain dict from JSON
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                raw = output["text"]  # a list of lines in a notebook read as plain JSON
                text, count = _LOG_NOISE.subn("", "".join(raw) if isinstance(raw, list) else raw)
                removed += count
                if not text.strip():
                    continue
                output["text"] = text
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return removed


def _kernel_manager(socket_dir: str):
    """A kernel manager on IPC sockets in ``socket_dir``: no TCP port, nothing to encrypt."""
    from jupyter_client.manager import KernelManager

    return KernelManager(kernel_name="python3", transport="ipc",
                         ip=os.path.join(socket_dir, "kernel"))


def run_one(path: Path, *, timeout: int, html: bool) -> dict:
    """Execute one notebook; return its row: seconds, status, records."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PEAK_MEMORY_CELL))
    BUILD.mkdir(exist_ok=True)
    sidecar = BUILD / f"{path.stem}.records.json"
    sidecar.unlink(missing_ok=True)
    os.environ["COURSE_RECORD_FILE"] = str(sidecar)
    kernel_log = BUILD / f"{path.stem}.kernel.log"
    start = time.perf_counter()
    status = "ok"
    try:
        with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets, \
                open(kernel_log, "w", encoding="utf-8") as log:
            client = NotebookClient(nb, km=_kernel_manager(sockets), timeout=timeout,
                                    kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute(stderr=log)
    except CellTimeoutError:
        status = f"timeout (a cell ran over {timeout} s)"
    except CellExecutionError as exc:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines() or ["?"]
        status = "error: " + lines[-1][:160]
    except DeadKernelError:  # e.g. killed for memory: a row in the table, not a crash
        status = "error: the kernel died (out of memory?)"
    seconds = time.perf_counter() - start
    if status != "ok" and kernel_log.stat().st_size:
        status += f" (kernel log: {kernel_log.relative_to(ROOT)})"
    nb.cells.pop()
    quiet_outputs(nb)
    out = BUILD / path.name
    nbformat.write(nb, out)
    if html:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(nb)
        out.with_suffix(".html").write_text(body, encoding="utf-8")
    records = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    peak = records.pop("peak_memory_mb", None)
    claims = records.pop("claims", {})  # helpers.claim: value, bound, held, checked, tier
    return {"notebook": path.stem, "seconds": round(seconds, 1), "status": status,
            "peak_memory_mb": peak, "records": records, "claims": claims}


def _format_records(records: dict) -> str:
    parts = []
    for key, value in records.items():
        parts.append(f"{key}={value:.3g}" if isinstance(value, float) else f"{key}={value}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--html", action="store_true", help="also write build/NN_topic.html")
    parser.add_argument("--bench", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = []
    print(f"{'notebook':28s} {'seconds':>8s} {'memory MB':>10s}  status  key results", flush=True)
    for path in paths:
        row = run_one(path.resolve(), timeout=args.timeout, html=args.html)
        rows.append(row)
        memory = f"{row['peak_memory_mb']:.0f}" if row["peak_memory_mb"] else "?"
        print(f"{row['notebook']:28s} {row['seconds']:8.1f} {memory:>10s}  {row['status']}  "
              f"{_format_records(row['records'])}", flush=True)
    total = sum(r["seconds"] for r in rows)
    print(f"{'total':28s} {total:8.1f}")
    if args.bench:
        args.bench.parent.mkdir(parents=True, exist_ok=True)
        bench = {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                 "total_seconds": round(total, 1), "notebooks": rows}
        args.bench.write_text(json.dumps(bench, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.bench}")
    failed = [r["notebook"] for r in rows if r["status"] != "ok"]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
