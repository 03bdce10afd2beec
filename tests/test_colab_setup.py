"""The Colab path of the setup cell: its install step, run for real in a fresh venv.

The install step of notebooks/00_setup.ipynb runs on a fake Colab (an importable, empty
``google.colab``) in a new virtual environment made from the base interpreter, where
``helpers`` is not importable. It installs the package from a temporary git repository
holding the current working tree (COURSE_REPO_URL=git+file://...), with PIP_NO_DEPS=1 so
that only the build backend is fetched. The venv must then import helpers from anywhere,
and must have gained neither TensorFlow, Keras nor numpy.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP_NOTEBOOK = ROOT / "notebooks" / "00_setup.ipynb"
COLAB_OWNED = ("tensorflow", "tensorflow-cpu", "keras", "tf-keras", "numpy")


def install_step(source: str) -> str:
    """The setup cell's code up to the end of its ``if "google.colab" in sys.modules`` block."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.If) and "google.colab" in ast.get_source_segment(source,
                                                                                 node.test):
            return "\n".join(source.splitlines()[: node.end_lineno]) + "\n"
    raise AssertionError("the setup cell has no `if \"google.colab\" in sys.modules:` step")


def _base_python() -> str:
    """The interpreter the course venv was made from (never .venv's own python)."""
    if sys.prefix == sys.base_prefix:  # not in a venv: this interpreter is the base one
        return sys.executable
    for candidate in (getattr(sys, "_base_executable", ""),
                      Path(sys.base_prefix) / "bin" / "python3"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    pytest.skip("no base Python interpreter outside the virtual environment")


def _run(args, *, env=None, cwd=None, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def _snapshot_repository(target: Path) -> None:
    """A git repository of the working tree: tracked and untracked-but-not-ignored files."""
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                  cwd=ROOT)
    assert listed.returncode == 0, listed.stderr
    for rel in filter(None, listed.stdout.split("\0")):
        src = ROOT / rel
        if src.is_file():  # tracked files deleted in the working tree are skipped
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / rel)
    git = ["git", "-C", str(target), "-c", "user.name=test", "-c", "user.email=test@invalid",
           "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        result = _run(git + args)
        assert result.returncode == 0, result.stderr


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
           and not k.startswith("COURSE_")}
    env.update(extra)
    return env


def _installed(python: Path) -> set[str]:
    result = _run([str(python), "-m", "pip", "list", "--format=json"], env=_clean_env())
    assert result.returncode == 0, result.stderr
    return {d["name"].lower().replace("_", "-") for d in json.loads(result.stdout)}


def test_install_step_is_found_in_the_setup_cell():
    cell = nbformat.read(SETUP_NOTEBOOK, as_version=4).cells[1]
    step = install_step(cell.source)
    assert "pip" in step and "COURSE_REPO_URL" in step
    assert "import helpers" not in step and "helpers.setup" not in step


@pytest.mark.slow
def test_colab_install_step_installs_helpers_and_nothing_colab_owns(tmp_path):
    cell = nbformat.read(SETUP_NOTEBOOK, as_version=4).cells[1]
    step = install_step(cell.source)

    fake = tmp_path / "fake-colab"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "__init__.py").write_text("")
    repo = tmp_path / "repo"
    repo.mkdir()
    _snapshot_repository(repo)
    outside = tmp_path / "elsewhere"  # neither the repository nor its snapshot
    outside.mkdir()

    venv = tmp_path / "venv"
    made = _run([_base_python(), "-m", "venv", str(venv)], env=_clean_env())
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    check_import = [str(python), "-c", "import helpers; print(helpers.__file__)"]
    assert _run(check_import, env=_clean_env(), cwd=outside).returncode != 0
    before = _installed(python)

    # Not on Colab: the step does nothing at all.
    plain = _run([str(python), "-c", step], env=_clean_env(), cwd=outside)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == "" and plain.stderr == ""
    assert _installed(python) == before

    # On (fake) Colab: it installs the course helpers from the repository.
    # "localhost": the pip that Python 3.11's venv bundles (23.x) rejects a git+file URL
    # with an empty host; git and newer pips read both forms as the same local path.
    colab_env = _clean_env(PYTHONPATH=str(fake), COURSE_REPO_URL=f"git+file://localhost{repo}",
                           PIP_NO_DEPS="1")
    on_colab = _run([str(python), "-c", "import google.colab\n" + step], env=colab_env,
                    cwd=outside, timeout=300)
    assert on_colab.returncode == 0, on_colab.stdout + on_colab.stderr

    imported = _run(check_import, env=_clean_env(), cwd=outside)
    assert imported.returncode == 0, imported.stderr
    location = Path(imported.stdout.strip()).resolve()
    assert location.is_relative_to(venv.resolve()), location  # installed, not found by path
    after = _installed(python)
    assert after - before == {"course-helpers"}
    assert not after & set(COLAB_OWNED)

    # Run again on Colab with helpers present: nothing is reinstalled.
    again = _run([str(python), "-c", "import google.colab\n" + step], env=colab_env,
                 cwd=outside)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""
