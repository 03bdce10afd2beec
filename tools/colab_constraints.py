"""Turn Google Colab's published package list into what `make test-colab` installs.

colab/pip-freeze.txt is the ``pip freeze`` of Colab's runtime, copied unchanged from
googlecolab/backend-info (see colab/README.md). This script, standard library only so
that it runs in a bare Python 3.13 venv, derives from it:

``constraints``
    the pip constraints file: every ``name==version`` line of the freeze. Lines pip
    cannot take as a constraint are left out: comments, blank lines and direct
    references (``name @ git+https://...``, ``name @ file:///...``, wheel URLs).
``preinstalled``
    the names of the packages that the Colab stand-in venv installs at Colab's versions
    before the setup cell runs, because Colab has them preinstalled: every package that
    requirements.txt names and Colab has, plus every package of a pip ``--report`` (the
    plan of the setup cell's install step) that Colab has. What Colab lacks is left out:
    on Colab only the setup cell installs it.

Usage::

    python tools/colab_constraints.py constraints colab/pip-freeze.txt > constraints.txt
    python tools/colab_constraints.py preinstalled colab/pip-freeze.txt \\
        --requirements requirements.txt --report plan.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name: ``Jupyter_Client`` -> ``jupyter-client``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(freeze: Path) -> dict[str, str]:
    """``{normalized name: "name==version"}`` for every line of the freeze pip can constrain."""
    pins = {}
    for raw in freeze.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-") or " @ " in line or "==" not in line:
            continue  # comment, option, direct reference (git, file, wheel URL)
        name = line.split("==", 1)[0].strip()
        pins[normalize(name)] = line
    return pins


def requirement_names(requirements: Path) -> list[str]:
    """The distribution names a requirements file asks for (markers and versions dropped)."""
    names = []
    for raw in requirements.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        match = NAME.match(line)
        if match and not line.startswith("-"):
            names.append(normalize(match.group(1)))
    return names


def report_names(report: Path) -> list[str]:
    """The names of every package a ``pip install --dry-run --report`` would install."""
    plan = json.loads(report.read_text(encoding="utf-8"))
    return [normalize(item["metadata"]["name"]) for item in plan.get("install", [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["constraints", "preinstalled"])
    parser.add_argument("freeze", type=Path, help="Colab's pip freeze (colab/pip-freeze.txt)")
    parser.add_argument("--requirements", type=Path, action="append", default=[],
                        help="a requirements file whose packages Colab may have (repeatable)")
    parser.add_argument("--report", type=Path, action="append", default=[],
                        help="a pip --report JSON whose packages Colab may have (repeatable)")
    args = parser.parse_args(argv)
    pins = pinned(args.freeze)
    if not pins:
        print(f"{args.freeze}: no name==version line found", file=sys.stderr)
        return 1
    if args.command == "constraints":
        print(f"# Generated from {args.freeze.name} by tools/colab_constraints.py: do not edit.")
        print("\n".join(sorted(pins.values(), key=str.lower)))
        return 0
    wanted = [name for path in args.requirements for name in requirement_names(path)]
    wanted += [name for path in args.report for name in report_names(path)]
    print("\n".join(sorted({name for name in wanted if name in pins})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
