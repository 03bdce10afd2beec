"""Build the course as a static HTML site with Jupyter Book, readable offline from disk.

``make book`` runs every notebook (``make run``), then calls this on the executed copies::

    python tools/build_book.py                      # build/NN_topic.ipynb -> build/book/
    python tools/build_book.py --source notebooks   # the clean notebooks, without outputs

The table of contents follows the notebooks' numbers, which follow the lectures; the
first page is the README's notebook table. Math is rendered by a local copy of MathJax 2
(from the jupyter-server-mathjax package, which ships the combined configuration
``TeX-AMS-MML_HTMLorMML-full`` and the STIX-Web fonts, nothing else), so pages need no
network when opened from ``build/book/index.html``; the Colab badge becomes a plain link
(its image lives on Colab's server) and the Thebe scripts, which need a live server and
which Jupyter Book adds twice, are left out. tests/test_browser.py opens the site in
Chromium and checks that every formula is typeset.

Jupyter Book is a teacher's tool, in the "book" extra of pyproject.toml: ``make book``
installs it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jupyter_server_mathjax
import yaml

ROOT = Path(__file__).resolve().parents[1]
MATHJAX = Path(jupyter_server_mathjax.__file__).parent / "static"
# The jupyter-book command, run by the same Python (its module has no __main__).
JUPYTER_BOOK = "import sys; from jupyter_book.cli.main import main; sys.exit(main())"


def chapters(source: Path) -> list[Path]:
    """The notebooks of the book, in lecture order; every one of notebooks/ must be there."""
    wanted = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [name for name in wanted if not (source / name).is_file()]
    if missing:
        raise SystemExit(f"{source} lacks {', '.join(missing)}: run `make run` first, or "
                         "pass --source notebooks to build the book without outputs")
    return [source / name for name in wanted]


def intro_page() -> str:
    """The front page: the README from its title to the end of the notebook table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme.split("\n## Other commands", 1)[0]
    # Links in the README point into notebooks/; in the book the pages sit side by side.
    return re.sub(r"\(notebooks/([0-9][0-9]_[^)]+)\.ipynb\)", r"(\1.ipynb)", head)


def config(title: str) -> dict:
    return {
        "title": title,
        "author": "the course authors",
        "only_build_toc_files": True,
        # The notebooks are executed by `make run`; the book only renders them.
        "execute": {"execute_notebooks": "off"},
        "html": {"use_repository_button": False, "home_page_in_navbar": True},
        "sphinx": {"config": {
            # Not under _static, whose every .js file Jupyter Book loads on every page.
            "html_extra_path": ["extra"],
            # MathJax 2, as the local copy is: its one configuration file (TeX-AMS_CHTML,
            # the usual one, is not shipped) and a v2 configuration. MyST would write one
            # for MathJax 3 (window.MathJax = {options: ...}), which MathJax 2 ignores.
            "mathjax_path": "../mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full",
            "myst_update_mathjax": False,
            "mathjax2_config": MATHJAX2_CONFIG,
            # Without it the theme logs an error on a first visit from disk (no stored mode).
            "html_context": {"default_mode": "light"},
            "html_show_copyright": False,
            "suppress_warnings": ["myst.header", "misc.highlighting_failure"],
        }},
    }


MATHJAX2_CONFIG = {
    # MyST writes inline math as \(...\) and display math as \[...\].
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                "processEscapes": True},
    # The only fonts shipped: STIX-Web; no image fonts (they would be looked for in vain).
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web",
                 "imageFont": None,
                 # MathJax measures its fallback with a font at url('about:blank'), which a
                 # page opened from disk may not load (a console error): a local() one
                 # fetches nothing and falls back the same way.
                 "styles": {"@font-face": {"font-family": "MathJax_Blank",
                                           "src": "local('MathJax_Blank')"}}},
    "messageStyle": "none",
}
_BADGE = re.compile(r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/"
                    r"colab-badge\.svg\)\]\((https://colab\.research\.google\.com/[^)\s]+)\)")
_THEBE = re.compile(r'<script>const THEBE_JS_URL = [^<]*</script>\s*|'
                    r'<script[^>]*src="_static/sphinx-thebe\.js[^"]*"[^>]*></script>\s*')


def _quiet_outputs():
    """tools/run_notebooks.py's filter of TensorFlow's start-up lines (for older builds)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_notebooks",
                                                  Path(__file__).with_name("run_notebooks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.quiet_outputs


_REMOTE_CSS = re.compile(r'<link[^>]*href="https?://[^"]*font-awesome[^"]*"[^>]*>\s*')


def offline_page(notebook: dict) -> dict:
    """The notebook as the book shows it offline.

    Its Colab badge becomes a text link (the badge's image is remote); TensorFlow's log
    lines leave its outputs (`make run` drops them already); the saved state of its widgets
    (tqdm's bars) goes, since the book would load a widget manager and require.js from CDNs
    to draw it, so the bars show as their text; and matplotlib's animations lose the link
    to Font Awesome on a CDN, whose icons the book's theme ships.
    """
    _quiet_outputs()(notebook)
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html is not None:
                html = "".join(html) if isinstance(html, list) else html
                output["data"]["text/html"] = _REMOTE_CSS.sub("", html)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) \
                else cell["source"]
            cell["source"] = _BADGE.sub(r"[Open in Colab](\1)", source)
    return notebook


def toc(pages: list[Path]) -> dict:
    return {"format": "jb-book", "root": "intro",
            "chapters": [{"file": page.stem} for page in pages]}


def build(source: Path, out: Path) -> Path:
    """Render ``source``'s notebooks into ``out``; return the path of index.html."""
    pages = chapters(source)
    with tempfile.TemporaryDirectory(prefix="course-book-") as tmp:
        book = Path(tmp)
        for page in pages:
            notebook = json.loads(page.read_text(encoding="utf-8"))
            (book / page.name).write_text(json.dumps(offline_page(notebook)), encoding="utf-8")
        (book / "intro.md").write_text(intro_page(), encoding="utf-8")
        (book / "_config.yml").write_text(
            yaml.safe_dump(config("Applied Deep Learning with Keras"), sort_keys=False))
        (book / "_toc.yml").write_text(yaml.safe_dump(toc(pages), sort_keys=False))
        shutil.copytree(MATHJAX, book / "extra" / "mathjax")
        result = subprocess.run(
            [sys.executable, "-c", JUPYTER_BOOK, "build", str(book), "--path-output",
             str(book), "--warningiserror", "--quiet"],
            capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            raise SystemExit(f"jupyter-book failed (exit code {result.returncode})")
        # Replace the old site only once the new one is complete.
        staged = out.with_name(out.name + ".new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(book / "_build" / "html", staged)
        for html in staged.glob("*.html"):
            text = html.read_text(encoding="utf-8")
            html.write_text(_THEBE.sub("", text), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    staged.rename(out)
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT / "build",
                        help="folder of NN_topic.ipynb files (default: build/, from make run)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "book",
                        help="where the site goes (default: build/book)")
    args = parser.parse_args(argv)
    index = build(args.source.resolve(), args.out.resolve())
    print(f"book: open {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
