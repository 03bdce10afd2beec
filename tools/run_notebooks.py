"""Execute notebooks headless, save the executed copies, and report time and key results.

``make run`` calls it with ``--html`` (executed .ipynb and .html in build/);
``make bench`` with ``--bench build/bench.json`` (seconds, peak memory, the values each
notebook records with ``helpers.record`` and its claims, ``helpers.claim``).

Each notebook runs in a fresh kernel started in notebooks/, with ``COURSE_RECORD_FILE``
pointing at a sidecar JSON file that ``helpers.record`` fills in.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
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


def run_one(path: Path, *, timeout: int, html: bool) -> dict:
    """Execute one notebook; return its row: seconds, status, records."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PEAK_MEMORY_CELL))
    BUILD.mkdir(exist_ok=True)
    sidecar = BUILD / f"{path.stem}.records.json"
    sidecar.unlink(missing_ok=True)
    os.environ["COURSE_RECORD_FILE"] = str(sidecar)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    status = "ok"
    try:
        client.execute()
    except CellTimeoutError:
        status = f"timeout (a cell ran over {timeout} s)"
    except CellExecutionError as exc:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines() or ["?"]
        status = "error: " + lines[-1][:160]
    except DeadKernelError:  # e.g. killed for memory: a row in the table, not a crash
        status = "error: the kernel died (out of memory?)"
    seconds = time.perf_counter() - start
    nb.cells.pop()
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
