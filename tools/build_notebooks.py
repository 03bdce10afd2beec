"""Build notebooks/NN_topic.ipynb from their sources notebooks/src/NN_topic.py.

The sources are jupytext percent-format scripts, the one place a notebook is edited.
Building fills in what every notebook shares, so that it is written once:

* ``{{colab_badge}}`` in a markdown cell becomes the "Open in Colab" badge;
* a line ``# {{colab_install}}`` in a code cell becomes the Colab install step;
* a cell marked ``exercise="solution:ID"``, ``exercise="check:ID:POINTS"`` or
  ``exercise="answer:ID:POINTS"`` (a markdown answer, graded by hand) gets the
  nbgrader metadata of an autograded answer, an autograder test or a manually
  graded answer.

Usage: ``python tools/build_notebooks.py`` (write) or ``--check`` (fail if stale).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "notebooks" / "src"
NOTEBOOKS = ROOT / "notebooks"


def course_settings() -> dict:
    """The [tool.course] table of pyproject.toml: repository URL and branch."""
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["course"]


def colab_badge(path_in_repo: str) -> str:
    """Markdown for an "Open in Colab" badge that opens ``path_in_repo`` from the repository."""
    settings = course_settings()
    repo = settings["repository"].removeprefix("https://github.com/")
    url = f"https://colab.research.google.com/github/{repo}/blob/{settings['branch']}/{path_in_repo}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def colab_install() -> str:
    """The setup cell's install step: on Colab only, install the course helpers from git."""
    settings = course_settings()
    default = f"git+{settings['repository']}@{settings['branch']}"
    return "\n".join([
        "# On Colab, install the course helpers and what Colab lacks (gensim).",
        "# Colab's own TensorFlow, Keras and numpy are kept: nothing here upgrades them.",
        "import importlib.util, os, subprocess, sys",
        'if "google.colab" in sys.modules and importlib.util.find_spec("helpers") is None:',
        f'    _url = os.environ.get("COURSE_REPO_URL", "{default}")',
        "    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q',",
        "                    f'course-helpers[colab] @ {_url}'], check=True)",
        "    importlib.invalidate_caches()  # so that this kernel finds the new package",
    ])


def nbgrader_metadata(spec: str, where: str) -> dict:
    """Translate ``kind:ID[:POINTS]`` into nbgrader's cell metadata (schema 3)."""
    parts = spec.split(":")
    kind, grade_id = parts[0], parts[1] if len(parts) > 1 else ""
    if kind not in {"solution", "check", "answer"} or not grade_id.isidentifier():
        raise ValueError(f"{where}: exercise={spec!r} must be solution:ID, check:ID:POINTS "
                         "or answer:ID:POINTS")
    meta = {"grade_id": grade_id, "schema_version": 3, "task": False}
    if kind == "solution":
        meta.update(grade=False, solution=True, locked=False)
        if len(parts) != 2:
            raise ValueError(f"{where}: exercise={spec!r}: a solution cell has no points")
    else:
        if len(parts) != 3 or not parts[2].isdigit() or int(parts[2]) < 1:
            raise ValueError(f"{where}: exercise={spec!r} needs positive points")
        meta.update(grade=True, points=int(parts[2]),
                    solution=(kind == "answer"), locked=(kind == "check"))
    return meta


def build(source: Path) -> nbformat.NotebookNode:
    """Read one source script and return the clean notebook it describes."""
    nb = jupytext.read(source, fmt="py:percent")
    install = colab_install()
    badge = colab_badge(f"notebooks/{source.stem}.ipynb")
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        where = f"{source.name}, cell {index}"
        # jupytext gives every cell a random id: derive it from the position instead, so
        # that building twice gives the same bytes and `--check` can compare them.
        cell.id = hashlib.sha256(f"{source.stem}:{index}".encode()).hexdigest()[:8]
        cell.source = cell.source.replace("{{colab_badge}}", badge)
        cell.source = cell.source.replace("# {{colab_install}}", install)
        spec = cell.metadata.pop("exercise", None)
        if spec is not None:
            meta = nbgrader_metadata(spec, where)
            # nbgrader needs every grade_id unique in a notebook, whatever the cell kind.
            if meta["grade_id"] in seen:
                raise ValueError(f"{where}: grade_id {meta['grade_id']!r} is used twice")
            seen.add(meta["grade_id"])
            if meta["solution"] and not meta["grade"] and cell.cell_type != "code":
                raise ValueError(f"{where}: a solution cell must be code")
            cell.metadata["nbgrader"] = meta
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "colab": {"provenance": []},
    }
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a notebook differs from its source")
    args = parser.parse_args(argv)
    stale = []
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    stems = {source.stem for source in sources}
    # A notebook without a source would escape the check (and be edited by hand).
    orphans = [nb.name for nb in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
               if nb.stem not in stems]
    for source in sources:
        text = nbformat.writes(build(source)) + "\n"
        target = NOTEBOOKS / f"{source.stem}.ipynb"
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        if args.check:
            stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if orphans:
        print(f"no source in notebooks/src for: {', '.join(orphans)}; write the .py source "
              "(see notebooks/AUTHORING.md) or delete the notebook", file=sys.stderr)
    if stale:
        print(f"out of date with notebooks/src: {', '.join(stale)}; run `make notebooks`",
              file=sys.stderr)
    return 1 if stale or orphans else 0


if __name__ == "__main__":
    sys.exit(main())
