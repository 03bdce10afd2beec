"""Run the notebooks' setup cell as Colab would, and prove it changes nothing Colab ships.

`make test-colab` runs this script in .venv-colab, a Python 3.13 venv that holds Colab's
preinstalled packages at Colab's versions (colab/pip-freeze.txt) and not the course's
`helpers`. It is the step that installs `helpers` into that venv, so the notebooks
later run on exactly what the setup cell installed. What it does:

1. undoes what an earlier run of it installed (recorded in the venv), so that the venv is
   again "Colab's packages, without helpers";
2. snapshots the venv: ``pip freeze --all``, and every installed distribution with the inode
   and mtime of its ``METADATA`` file (a reinstall of the same version shows there);
3. starts a Jupyter kernel (Colab's ipykernel and jupyter_client) in an empty folder with a
   fake ``google.colab`` package importable, imports it as Colab's kernel does, and runs
   the first code cell of notebooks/00_setup.ipynb unchanged, with ``COURSE_REPO_URL``
   pointing at this repository (``git+file://...@COMMIT``); pip runs with no constraints,
   as on Colab; then checks, in that same kernel, that ``helpers`` and ``gensim`` import;
4. snapshots again and fails unless ``course-helpers`` and ``gensim`` were installed and
   every distribution that was there before is untouched: same version, not reinstalled
   (TensorFlow, Keras and numpy above all), and nothing Colab ships was added at another
   version.

It also checks that every notebook's setup cell holds the same install step as 00's.

Usage: python tests/colab/setup_cell_on_colab.py --url git+file:///path/to/repo@COMMIT
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORD = Path(sys.prefix) / "colab-setup-cell.json"
PROTECTED = ("tensorflow", "keras", "numpy")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def colab_pins(freeze: Path) -> dict[str, str]:
    """``{name: version}`` of Colab's freeze (direct references and comments left out)."""
    pins = {}
    for line in freeze.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and " @ " not in line:
            name, version = line.split("==", 1)
            pins[normalize(name)] = version.strip()
    return pins


def pip(*args: str, check: bool = True) -> str:
    result = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                            capture_output=True, text=True)
    if check and result.returncode:
        sys.exit(f"pip {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def snapshot() -> dict[str, tuple[str, str]]:
    """``{name: (pip freeze line, identity of the installed files)}`` for the whole venv."""
    freeze = {}
    for line in pip("freeze", "--all").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(==| @ )", line)
        if match:
            freeze[normalize(match.group(1))] = line
    site = Path(sysconfig.get_paths()["purelib"])
    identity = {}
    for meta in site.glob("*.dist-info/METADATA"):
        name = next((line.split(":", 1)[1].strip()
                     for line in meta.read_text(encoding="utf-8", errors="replace").splitlines()
                     if line.startswith("Name:")), meta.parent.name)
        stat = meta.stat()  # a reinstall writes a new METADATA, even of the same version
        identity[normalize(name)] = f"{meta.parent.name} {stat.st_ino} {stat.st_mtime_ns}"
    names = set(freeze) | set(identity)
    return {name: (freeze.get(name, "?"), identity.get(name, "?")) for name in names}


def install_step(source: str) -> str:
    """The install step of a setup cell: its lines up to the end of the ``if`` on google.colab."""
    lines = source.splitlines()
    start = next((i for i, line in enumerate(lines) if '"google.colab" in sys.modules' in line),
                 None)
    if start is None:
        return ""
    end = start + 1
    while end < len(lines) and lines[end].startswith((" ", "\t")):
        end += 1
    return "\n".join(lines[:end])


def setup_cells() -> dict[str, str]:
    """The first code cell of every notebook, by notebook name."""
    cells = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
        source = code[0]["source"] if code else ""
        cells[path.name] = "".join(source) if isinstance(source, list) else source
    return cells


def run_in_fake_colab(setup_source: str, url: str) -> dict:
    """Run the setup cell in a fresh kernel that has imported a fake google.colab."""
    import nbformat
    from nbclient import NotebookClient

    check = "\n".join([
        "import json, sys, gensim, helpers, keras, numpy, tensorflow",
        "print('RESULT ' + json.dumps({'helpers': helpers.__file__, 'gensim': gensim.__version__,",
        "    'tensorflow': tensorflow.__version__, 'keras': keras.__version__,",
        "    'numpy': numpy.__version__, 'colab': 'google.colab' in sys.modules}))",
    ])
    with tempfile.TemporaryDirectory(prefix="fake-colab-") as tmp:
        fake = Path(tmp) / "fake"
        (fake / "google" / "colab").mkdir(parents=True)  # `google` stays a namespace package
        (fake / "google" / "colab" / "__init__.py").write_text(
            '"""A stand-in for Colab\'s google.colab: only its presence matters."""\n')
        work = Path(tmp) / "content"  # Colab's working folder holds no course files
        work.mkdir()
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell("import google.colab  # as Colab's kernel does at start"),
            nbformat.v4.new_code_cell(setup_source),
            nbformat.v4.new_code_cell(check),
        ])
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("PIP_CONSTRAINT") and key != "PYTHONPATH"}
        env.update(PYTHONPATH=str(fake), COURSE_REPO_URL=url)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)  # the kernel, and the pip it starts, inherit this
        try:
            client = NotebookClient(nb, timeout=1800, kernel_name="python3",
                                    resources={"metadata": {"path": str(work)}})
            client.execute()
        finally:
            os.environ.clear()
            os.environ.update(saved)
    printed = "".join(out.get("text", "") for out in nb.cells[2].outputs)
    result = json.loads(printed.split("RESULT ", 1)[1].splitlines()[0])
    setup_output = "".join(out.get("text", "") for out in nb.cells[1].outputs).strip()
    result["setup_output"] = setup_output
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True,
                        help="COURSE_REPO_URL for the setup cell, e.g. git+file:///repo@COMMIT")
    parser.add_argument("--freeze", type=Path, default=ROOT / "colab" / "pip-freeze.txt")
    args = parser.parse_args(argv)
    colab = colab_pins(args.freeze)

    cells = setup_cells()
    if "00_setup.ipynb" not in cells:
        sys.exit("notebooks/00_setup.ipynb not found")
    step = install_step(cells["00_setup.ipynb"])
    if not step or "COURSE_REPO_URL" not in step:
        sys.exit("00_setup.ipynb: no Colab install step (using COURSE_REPO_URL) in the setup cell")
    different = [name for name, source in cells.items() if install_step(source) != step]
    if different:
        sys.exit(f"the setup cell's install step differs from 00's in: {', '.join(different)}"
                 " (run `make notebooks`)")

    if RECORD.exists():  # back to "Colab's packages without helpers"
        earlier = json.loads(RECORD.read_text(encoding="utf-8"))
        if earlier:
            pip("uninstall", "-y", "-q", *earlier)
        RECORD.unlink()
    before = snapshot()
    if "course-helpers" in before:
        sys.exit(f"course-helpers is installed in {sys.prefix} but not by this script: the venv "
                 "cannot show the setup cell installing it; delete the venv and rerun make")

    try:
        result = run_in_fake_colab(cells["00_setup.ipynb"], args.url)
    except Exception as exc:  # the cell's error and output, as nbclient reports them
        sys.exit(f"the setup cell failed on a fake Colab:\n{exc}")
    finally:  # what it installed, so that the next run can start from Colab's packages again
        after = snapshot()
        added = sorted(set(after) - set(before))
        RECORD.write_text(json.dumps(added), encoding="utf-8")

    problems = []
    for name in sorted(before):
        if after.get(name) != before[name]:
            was, now = before[name], after.get(name, ("removed", ""))
            what = "reinstalled" if was[0] == now[0] else f"{was[0]} -> {now[0]}"
            problems.append(f"changed a package that was there: {name}: {what}")
    for name in ("course-helpers", "gensim"):
        if name not in added and name not in before:
            problems.append(f"did not install {name}")
    for name in added:
        version = after[name][0].partition("==")[2]
        if name in colab and version != colab[name]:
            problems.append(f"installed {name} {version}, which Colab ships as {colab[name]}: "
                            "the Colab stand-in venv lacks it (tools/colab_constraints.py)")
    if "site-packages" not in result["helpers"]:
        problems.append(f"helpers was imported from {result['helpers']}, not from the install")
    if not result["colab"]:
        problems.append("the fake google.colab was not imported in the kernel")

    print("setup cell of 00_setup.ipynb on a fake Colab, COURSE_REPO_URL=" + args.url)
    if result["setup_output"]:
        print("  it printed: " + result["setup_output"].replace("\n", "\n    "))
    print("  installed: " + ", ".join(after[name][0] for name in added))
    for name in PROTECTED:
        print(f"  {name}: before {before.get(name, ('absent',))[0]}, "
              f"after {after.get(name, ('absent',))[0]}")
    print(f"  untouched: {len(before) - len([p for p in problems if 'that was there' in p])} "
          f"of the {len(before)} distributions that were installed before")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("  OK: helpers and gensim installed; TensorFlow, Keras, numpy and everything else "
          "that was there kept as they were")
    return 0


if __name__ == "__main__":
    sys.exit(main())
