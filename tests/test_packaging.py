"""requirements.txt, environment.yml and pyproject.toml agree and keep Colab's own stack."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

# Colab ships these; the course package must never bring (and so upgrade) them.
COLAB_OWNED = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-nightly", "keras",
               "tf-keras", "keras-nightly"}


def _key(req: Requirement) -> tuple[str, str, str]:
    return canonicalize_name(req.name), str(req.specifier), str(req.marker or "")


def _requirements_txt() -> list[Requirement]:
    reqs = []
    for raw in (ROOT / "requirements.txt").read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            reqs.append(Requirement(line))
    return reqs


def _environment_yml() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _environment_pip() -> list[Requirement]:
    pip_sections = [d["pip"] for d in _environment_yml()["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: list"
    return [Requirement(line) for line in pip_sections[0]]


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)


def test_requirements_and_environment_pin_the_same_versions():
    txt = _requirements_txt()
    yml = _environment_pip()
    assert len(txt) > 10
    assert sorted(map(_key, txt)) == sorted(map(_key, yml))
    keys = [_key(r) for r in txt]
    assert len(keys) == len(set(keys)), "a requirement is listed twice"


def test_every_requirement_is_pinned_exactly():
    for req in _requirements_txt():
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{req} is not pinned with =="
        assert "*" not in specs[0].version, f"{req} pins a wildcard"
        Version(specs[0].version)  # a real version


def test_environment_python_fits_the_package():
    env = _environment_yml()
    assert "pip" in env["dependencies"]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert len(python) == 1
    version = python[0].split("=", 1)[1]
    from packaging.specifiers import SpecifierSet

    assert Version(version) in SpecifierSet(_pyproject()["project"]["requires-python"])


def test_pyproject_is_the_course_helpers_package():
    project = _pyproject()["project"]
    assert project["name"] == "course-helpers"
    Version(project["version"])
    assert _pyproject()["tool"]["setuptools"]["packages"]["find"]["include"] == ["helpers*"]
    course = _pyproject()["tool"]["course"]
    assert course["repository"].startswith("https://github.com/") and course["branch"]


# Extras for teachers and maintainers, never installed on Colab: pinned exactly instead.
TEACHER_EXTRAS = {"book", "browser"}


def _package_requirements() -> list[Requirement]:
    """What a student's install brings: the package's dependencies and its Colab extra."""
    project = _pyproject()["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for name, extra in project.get("optional-dependencies", {}).items():
        if name not in TEACHER_EXTRAS:
            reqs += [Requirement(r) for r in extra]
    return reqs


def test_teacher_extras_are_pinned_and_not_in_the_student_environment():
    extras = _pyproject()["project"]["optional-dependencies"]
    assert TEACHER_EXTRAS <= set(extras)
    student = {canonicalize_name(r.name) for r in _requirements_txt()}
    for name in TEACHER_EXTRAS:
        for req in map(Requirement, extras[name]):
            if canonicalize_name(req.name) == "course-helpers":  # another extra, by name
                assert req.extras <= TEACHER_EXTRAS and not req.specifier, req
                continue
            specs = list(req.specifier)
            assert len(specs) == 1 and specs[0].operator == "==", f"{req} is not pinned"
            assert canonicalize_name(req.name) not in student, f"{req.name} is in both"
    assert {"jupyter-book", "jupyter-server-mathjax"} <= {
        canonicalize_name(Requirement(r).name) for r in extras["book"]}


# Pinned for a command, not an import: each with the text of the Makefile that uses it.
USED_AS_COMMANDS = {
    "tensorflow": "",  # the same pin as tensorflow-cpu, where no CPU-only wheel exists
    "jupyterlab": "jupyter lab",
    "ipykernel": "kernel_name",  # the kernel every notebook runs in (tools/run_notebooks.py)
    "nbval": "--nbval-lax",
    "pytest-xdist": "--dist loadfile",
    "ruff": "ruff check",
}


def test_every_pinned_package_earns_its_place():
    """Each requirement is imported by the course's code or run by a target."""
    import importlib.metadata
    import re

    modules = set()
    for folder in ("helpers", "tools", "tests", "notebooks/src"):
        for path in (ROOT / folder).rglob("*.py"):
            modules |= set(re.findall(r"^\s*(?:import|from)\s+(\w+)", path.read_text(), re.M))
    providers = importlib.metadata.packages_distributions()
    imported = {canonicalize_name(d) for m in modules for d in providers.get(m, [])}
    used = (ROOT / "Makefile").read_text() + (ROOT / "tools" / "run_notebooks.py").read_text()
    for req in _requirements_txt():
        name = canonicalize_name(req.name)
        if name in imported:
            continue
        assert name in USED_AS_COMMANDS, f"{req} is pinned but imported nowhere: remove it"
        assert USED_AS_COMMANDS[name] in used, f"{req}: nothing runs {USED_AS_COMMANDS[name]!r}"


def test_package_does_not_depend_on_tensorflow_or_keras():
    names = {canonicalize_name(r.name) for r in _package_requirements()}
    assert not names & COLAB_OWNED, f"pyproject.toml depends on {names & COLAB_OWNED}"
    assert "colab" in _pyproject()["project"]["optional-dependencies"]


def test_package_dependencies_are_lower_bounds_only():
    # An upper bound or a pin would make pip replace Colab's preinstalled versions.
    for req in _package_requirements():
        assert all(spec.operator == ">=" for spec in req.specifier), f"{req} is not a lower bound"


def test_pinned_environment_satisfies_the_package():
    pinned = {canonicalize_name(r.name): Version(next(iter(r.specifier)).version)
              for r in _requirements_txt()}
    for req in _package_requirements():
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is needed by the package but not pinned"
        assert pinned[name] in req.specifier, f"{name}=={pinned[name]} does not satisfy {req}"


def test_colab_versions_satisfy_the_package():
    candidates = [ROOT / "colab" / "pip-freeze.txt",
                  ROOT.parent / "shared" / "colab" / "pip-freeze.txt"]
    freeze = next((f for f in candidates if f.exists()), None)
    if freeze is None:
        pytest.skip("Colab's package list (colab/pip-freeze.txt) is not present")
    colab = {}
    for line in freeze.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            colab[canonicalize_name(name)] = version.strip()
    assert "tensorflow" in colab and "numpy" in colab
    for req in _package_requirements():
        name = canonicalize_name(req.name)
        if name in colab:  # what Colab has must already be good enough: nothing upgraded
            assert Version(colab[name]) in req.specifier, f"Colab's {name} fails {req}"


def test_course_file_url_follows_the_one_repository_setting():
    """helpers.data downloads course files from the repository that [tool.course] names."""
    from helpers import data

    course = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]
    repo = course["repository"].removeprefix("https://github.com/")
    assert data._COURSE_FILES_URL == (
        f"https://raw.githubusercontent.com/{repo}/{course['branch']}/")


def test_wheel_ships_the_course_backbone(tmp_path):
    """Colab installs helpers with pip: the packaged backbone must be in the wheel."""
    import shutil
    import subprocess
    import sys
    import zipfile

    # Build from a copy: setuptools writes build/ beside the sources, and build/ is the course's.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "helpers", source / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(source)], check=True)
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "helpers/assets/course_backbone.keras" in names
    assert "helpers/assets/course_backbone.json" in names
