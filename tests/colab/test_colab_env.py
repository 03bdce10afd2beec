"""The venv of `make test-colab` is Colab's: Python 3.13, Colab's versions, helpers from git.

Run by `make test-colab` in .venv-colab (COURSE_COLAB_ENV=1, COLAB_URL=the URL the setup
cell installed helpers from); skipped anywhere else, as in `make test`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import pytest

if os.environ.get("COURSE_COLAB_ENV") != "1":
    pytest.skip("checks .venv-colab: runs in `make test-colab` only", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import colab_constraints  # noqa: E402 (tools/ is no package)

PINS = {name: line.split("==", 1)[1]
        for name, line in colab_constraints.pinned(ROOT / "colab" / "pip-freeze.txt").items()}


def installed() -> dict[str, str]:
    return {colab_constraints.normalize(dist.metadata["Name"]): dist.version
            for dist in metadata.distributions()}


def test_python_is_colabs():
    info = (ROOT / "colab" / "os-info.txt").read_text(encoding="utf-8")
    line = next(line for line in info.splitlines() if line.startswith("Python "))
    colab = tuple(int(part) for part in line.split()[1].split(".")[:2])
    assert sys.version_info[:2] == colab, f"Colab runs {line}, this venv {sys.version}"


def test_every_package_colab_has_is_at_colabs_version():
    wrong = {name: f"{version} (Colab: {PINS[name]})" for name, version in installed().items()
             if name in PINS and version != PINS[name]}
    assert not wrong, f"not Colab's versions: {wrong}"


def test_the_course_runs_on_colabs_tensorflow_keras_numpy():
    have = installed()
    for name in ("tensorflow", "keras", "numpy", "scikit-learn", "matplotlib", "ipywidgets",
                 "ipykernel"):
        assert have.get(name) == PINS[name], f"{name}: {have.get(name)}, Colab: {PINS[name]}"
    assert "tensorflow-cpu" not in have, "Colab's TensorFlow is the `tensorflow` package"


def test_what_colab_lacks_came_from_the_setup_cell():
    record = json.loads((Path(sys.prefix) / "colab-setup-cell.json").read_text())
    assert "course-helpers" in record and "gensim" in record
    assert "gensim" not in PINS, "Colab now ships gensim: the [colab] extra may drop it"


def test_helpers_is_the_commit_the_setup_cell_installed():
    direct = json.loads(metadata.distribution("course-helpers").read_text("direct_url.json"))
    url = os.environ.get("COLAB_URL", "")
    if "@" in url.removeprefix("git+"):
        commit = url.rsplit("@", 1)[1]
        assert direct["vcs_info"]["commit_id"] == commit, direct
    with tempfile.TemporaryDirectory() as empty:  # away from the repository's own helpers/
        where = subprocess.run([sys.executable, "-c", "import helpers; print(helpers.__file__)"],
                               cwd=empty, capture_output=True, text=True, check=True).stdout
    assert "site-packages" in where, where
