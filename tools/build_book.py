"""Build the course as a static HTML site with Jupyter Book, readable offline from disk.

``make book`` runs every notebook (``make run``), then calls this on the executed copies::

    python tools/build_book.py                      # build/NN_topic.ipynb -> build/book/
    python tools/build_book.py --source notebooks   # the clean notebooks, without outputs

The table of contents follows the notebooks' numbers, which follow the lectures; the
first page is the README's notebook table. Math is rendered by a local copy of MathJax
(from the jupyter-server-mathjax package), so pages need no network when opened from
``build/book/index.html``.
"""

from __future__ import annotations

import argparse
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
            "mathjax_path": "../mathjax/MathJax.js?config=TeX-AMS_CHTML",
            "html_show_copyright": False,
            "suppress_warnings": ["myst.header", "misc.highlighting_failure"],
        }},
    }


def toc(pages: list[Path]) -> dict:
    return {"format": "jb-book", "root": "intro",
            "chapters": [{"file": page.stem} for page in pages]}


def build(source: Path, out: Path) -> Path:
    """Render ``source``'s notebooks into ``out``; return the path of index.html."""
    pages = chapters(source)
    with tempfile.TemporaryDirectory(prefix="course-book-") as tmp:
        book = Path(tmp)
        for page in pages:
            shutil.copy2(page, book / page.name)
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
