"""make book: the site builds, has a page per notebook in lecture order, and reads offline."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

# Jupyter Book is a teacher's tool, in the "book" extra: `make book` and `make test-browser`
# install it (and run this file); a student's environment has no need of it.
pytest.importorskip("jupyter_book", reason="the book extra: make book installs it")
pytest.importorskip("jupyter_server_mathjax", reason="the book extra: make book installs it")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _tool():
    spec = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    # The clean notebooks stand in for make run's executed copies: same pages, no outputs.
    out = tmp_path_factory.mktemp("book") / "site"
    index = _tool().build(ROOT / "notebooks", out)
    assert index == out / "index.html"
    return out


@pytest.mark.slow
def test_every_notebook_has_a_page_with_its_title(site):
    for notebook in NOTEBOOKS:
        page = site / f"{notebook.stem}.html"
        assert page.is_file(), f"no page for {notebook.name}"
        number = notebook.stem[:2]
        assert re.search(rf"<h1>{number} · ", page.read_text(encoding="utf-8")), page.name


@pytest.mark.slow
def test_front_page_lists_the_notebooks_in_lecture_order(site):
    assert "intro.html" in (site / "index.html").read_text(encoding="utf-8")
    intro = (site / "intro.html").read_text(encoding="utf-8")
    nav = intro[intro.index('class="bd-sidebar-primary'):]
    order = [m for m in re.findall(r'href="([0-9][0-9]_[a-z0-9_]+)\.html"', nav)]
    first_seen = list(dict.fromkeys(order))
    assert first_seen == [p.stem for p in NOTEBOOKS]


@pytest.mark.slow
def test_pages_load_no_script_or_style_from_the_network(site):
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link)[^>]*(?:src|href)="(https?://[^"]+)"', text)
        assert not remote, f"{page.name} loads {remote[:3]}"
    assert (site / "mathjax" / "MathJax.js").is_file()


@pytest.mark.slow
def test_pages_ask_for_a_mathjax_configuration_that_is_shipped(site):
    # The cause of raw TeX on 12 of 13 pages: ?config=TeX-AMS_CHTML, which the local
    # MathJax 2 lacks. tests/test_browser.py checks the typesetting itself in Chromium.
    for page in site.glob("[0-9][0-9]_*.html"):
        text = page.read_text(encoding="utf-8")
        for config in re.findall(r'mathjax/MathJax\.js\?config=([\w-]+)', text):
            assert (site / "mathjax" / "config" / f"{config}.js").is_file(), (page.name, config)
        assert "window.MathJax = " not in text, f"{page.name} configures MathJax 3"
        assert "colab-badge.svg" not in text, f"{page.name} loads the badge from Colab"
        assert text.count("THEBE_JS_URL") == 0, f"{page.name} declares Thebe's script"


def test_missing_executed_notebook_is_named(tmp_path):
    shutil.copy2(NOTEBOOKS[0], tmp_path / NOTEBOOKS[0].name)
    with pytest.raises(SystemExit, match=NOTEBOOKS[1].name):
        _tool().build(tmp_path, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_offline_page_keeps_executed_outputs_from_the_network():
    badge = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
             "(https://colab.research.google.com/github/x/y/blob/main/notebooks/01_neuron.ipynb)")
    animation = ('<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/font-awesome/'
                 '4.4.0/css/font-awesome.min.css">\n<div class="animation"></div>')
    notebook = {
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {}}},
        "cells": [
            {"cell_type": "markdown", "source": ["# 01 · x\n", badge]},
            {"cell_type": "code", "source": "", "outputs": [
                {"output_type": "stream", "name": "stderr",
                 "text": ["WARNING: All log messages before absl::InitializeLog() is called "
                          "are written to STDERR\n"]},
                {"output_type": "display_data", "data": {"text/html": [animation]}}]}]}

    page = _tool().offline_page(notebook)

    assert "widgets" not in page["metadata"]  # else a widget manager loads from a CDN
    assert page["cells"][0]["source"].endswith(
        "[Open in Colab](https://colab.research.google.com/github/x/y/blob/main/notebooks/"
        "01_neuron.ipynb)")
    outputs = page["cells"][1]["outputs"]
    assert len(outputs) == 1 and outputs[0]["data"]["text/html"] == '<div class="animation"></div>'
