"""What students see, checked in a real browser: headless Chromium driven by Playwright.

`make test-browser` runs these after `make run` and `make book` (it installs Playwright, the
"browser" extra, and Debian's chromium when missing). They look at:

* the HTML that `make run` writes: 01's animation plays, 09's projector draws its points
  and its word menu highlights a word, 03's and 05's images and plots are there;
* the `make book` site opened from disk: no console errors, every formula typeset by
  MathJax, no log lines in cell outputs, a table of contents that reaches every notebook;
* JupyterLab on 127.0.0.1, as `make lab` starts it: 12's widget panel renders and Run
  redraws the boundary.

Screenshots go to build/screenshots/, for a teacher to look at without a browser. The
browser is the system's Chromium (Playwright's own download cannot work offline);
``CHROMIUM`` names another executable. Without ``COURSE_BROWSER_TESTS=1`` (set by
`make test-browser`) the module is skipped: `make test` does not build the site.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

if os.environ.get("COURSE_BROWSER_TESTS") != "1":
    pytest.skip("browser tests run with `make test-browser` (COURSE_BROWSER_TESTS=1)",
                allow_module_level=True)

from playwright.sync_api import Page, sync_playwright  # noqa: E402 (after the skip)

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
BOOK = BUILD / "book"
SHOTS = BUILD / "screenshots"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# What TensorFlow and Jupyter print that students must not find in an output.
LOG_NOISE = re.compile(r"absl::InitializeLog|oneDNN custom operations|cpu_feature_guard|"
                       r"^[IWE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+:\d+\]|without encryption",
                       re.M)


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not path:
        pytest.fail("no Chromium: `make test-browser` installs Debian's chromium as root, "
                    "or set CHROMIUM=/path/to/chromium")
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A fresh Chromium profile for this module; pages from it report their errors."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=_chromium(),
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


class Watched:
    """A page and the console errors, page errors and failed requests it has had."""

    def __init__(self, page: Page) -> None:
        self.page, self.errors = page, []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        # ERR_ABORTED: a load that leaving the page cancelled, not a missing file.
        page.on("requestfailed", lambda r: self.errors.append(
            f"request failed: {r.url} ({r.failure})") if "ERR_ABORTED" not in r.failure
            else None)


def _local_errors(watched: Watched) -> list[str]:
    """The errors of a page of `make run`, less the CDN files nbconvert's template names
    (require.js, MathJax) and Colab's badge, which an offline machine cannot load."""
    remote = re.compile(r"https?://(?!127\.0\.0\.1)")
    return [e for e in watched.errors if not remote.search(e)
            and "ERR_NAME_NOT_RESOLVED" not in e and "ERR_INTERNET_DISCONNECTED" not in e]


def _open(browser, url: str) -> Watched:
    watched = Watched(browser.new_page())
    watched.page.goto(url, wait_until="load")
    return watched


def _shot(page: Page, name: str, **options) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    assert path.stat().st_size > 5000, f"{path} is (nearly) empty"
    return path


def _needs(path: Path, command: str) -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `{command}` first "
                    "(`make test-browser` does)")
    return path


# ------------------------------------------------------------------ make run's HTML pages


def test_01_animation_plays(browser):
    watched = _open(browser, _needs(BUILD / "01_neuron.html", "make run").as_uri())
    page = watched.page
    frame = page.locator("img[id^='_anim_img']").first
    frame.scroll_into_view_if_needed()
    first = frame.get_attribute("src")
    assert first and first.startswith("data:image"), "01's animation shows no frame"
    page.locator("button[onclick*='play_animation']").first.click()
    page.wait_for_function(
        "([el, src]) => el.src !== src", arg=[frame.element_handle(), first], timeout=10_000)
    slider = page.locator("input[id^='_anim_slider']").first
    assert int(slider.input_value()) > 0, "the frame slider did not move while playing"
    _shot(page, "01_animation_playing", clip=_around(frame))
    assert not _local_errors(watched), watched.errors


def _around(locator, pad: int = 60) -> dict:
    box = locator.bounding_box()
    return {"x": max(box["x"] - pad, 0), "y": max(box["y"] - pad, 0),
            "width": box["width"] + 2 * pad, "height": box["height"] + 2 * pad + 60}


def test_09_projector_draws_points_and_search_highlights_a_word(browser):
    watched = _open(browser, _needs(BUILD / "09_word2vec.html", "make run").as_uri())
    page = watched.page
    plot = page.locator(".js-plotly-plot").last
    plot.scroll_into_view_if_needed()
    page.wait_for_function("el => el._fullData && el._fullData.length >= 3",
                           arg=plot.element_handle(), timeout=20_000)
    state = plot.evaluate("""el => ({points: el._fullData[0].x.length,
        word: el._fullData[1].text, neighbours: el._fullData[2].text,
        menu: el.layout.updatemenus[1].buttons.map(b => b.label),
        canvas: el.querySelectorAll('canvas').length})""")
    assert state["points"] >= 500, state["points"]
    assert state["canvas"] >= 1, "the 3-D scene has no WebGL canvas"
    assert len(state["word"]) == 1 and len(state["neighbours"]) == 8
    # Search by word: choose another word in the menu; it becomes the one red point.
    target = next(w for w in state["menu"] if w != state["word"][0])
    page.locator(".updatemenu-header-group").last.click()
    # The open menu reaches over the next cell's picture, which takes the pointer's click:
    # the click goes to the menu button itself, as plotly listens for it there.
    clicked = plot.evaluate("""(el, word) => {
        const item = Array.from(el.querySelectorAll('text.updatemenu-item-text'))
            .find(t => t.textContent === word);
        if (!item) return false;
        item.closest('g.updatemenu-dropdown-button').dispatchEvent(
            new MouseEvent('click', {bubbles: true}));
        return true; }""", target)
    assert clicked, f"the word menu has no entry {target!r}"
    page.wait_for_function("([el, w]) => el._fullData[1].text[0] === w",
                           arg=[plot.element_handle(), target], timeout=10_000)
    labels = plot.evaluate("el => el.layout.scene.annotations.map(a => a.text)")
    assert labels[0] == target and len(labels) == 9
    _shot(page, "09_projector_search", clip=_around(plot, pad=10))
    assert not _local_errors(watched), watched.errors


@pytest.mark.parametrize("name", ["03_convnets", "05_occlusion_heatmaps"])
def test_images_and_plots_are_present(browser, name):
    executed = json.loads(_needs(BUILD / f"{name}.ipynb", "make run").read_text())
    pictures = sum("image/png" in o.get("data", {}) for c in executed["cells"]
                   for o in c.get("outputs", []))
    assert pictures >= 5, f"{name} drew only {pictures} pictures"
    watched = _open(browser, _needs(BUILD / f"{name}.html", "make run").as_uri())
    page = watched.page
    images = page.locator(".jp-OutputArea-output img")
    count = images.count()
    assert count == pictures, f"{name}: {count} images on the page, {pictures} in the notebook"
    broken = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output img')).filter(i => !(i.complete && i.naturalWidth > 50))
        .map(i => i.src.slice(0, 60))""")
    assert not broken, f"{name}: images that did not load: {broken}"
    images.nth(count // 2).scroll_into_view_if_needed()
    _shot(page, f"{name}_plots")
    assert not _local_errors(watched), watched.errors


# ------------------------------------------------------------------------ the book site


def _prose_and_outputs(page: Page) -> str:
    """The text a reader sees, without code cells (whose strings may hold $...$)."""
    return page.evaluate("""() => {
        const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('.cell_input, pre, code, script, .MathJax_Preview, '
                              + '.MathJax, .MathJax_Display').forEach(e => e.remove());
        return main.innerText; }""")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_book_page_typesets_every_formula_and_has_no_errors(browser, name):
    watched = _open(browser, _needs(BOOK / f"{name}.html", "make book").as_uri())
    page = watched.page
    formulas = page.locator("main .math.notranslate").count()
    if formulas:
        # MathJax 2 puts what it draws (.MathJax, .MathJax_Display) inside each .math.
        unset = ("() => Array.from(document.querySelectorAll('main .math.notranslate'))"
                 ".filter(e => !e.querySelector('.MathJax, .MathJax_Display')).length")
        try:
            page.wait_for_function(f"({unset})() === 0", timeout=60_000)
        except Exception:  # the assertion below says how many
            pass
        assert page.evaluate(unset) == 0, \
            f"{name}: {page.evaluate(unset)} of {formulas} formulas not typeset"
    text = _prose_and_outputs(page)
    raw = re.findall(r"\\\(.{0,40}|\\\[.{0,40}|\$[^$\n]{1,40}\$", text)
    assert not raw, f"{name}: raw TeX left in the page: {raw[:5]}"
    outputs = page.evaluate("() => Array.from(document.querySelectorAll('.cell_output'))"
                            ".map(e => e.innerText).join('\\n')")
    noise = LOG_NOISE.findall(outputs)
    assert not noise, f"{name}: log lines in cell outputs: {noise[:3]}"
    if name in ("01_neuron", "08_rnn_gru_lstm"):
        first = page.locator("main .MathJax_Display, main .MathJax").first
        first.scroll_into_view_if_needed()
        _shot(page, f"book_{name}_math")
    assert not watched.errors, f"{name}: {watched.errors}"


def test_book_table_of_contents_leads_to_every_notebook(browser):
    watched = _open(browser, _needs(BOOK / "index.html", "make book").as_uri())
    page = watched.page
    page.wait_for_url(re.compile(r"intro\.html$"))
    _shot(page, "book_front_page")
    for name in NOTEBOOKS:
        link = page.locator(f"nav.bd-docs-nav a[href='{name}.html']").first
        title = link.inner_text().strip()
        link.click()
        page.wait_for_url(re.compile(rf"{name}\.html$"))
        heading = page.locator("main h1").first.inner_text()
        assert heading.startswith(name[:2] + " · "), (name, heading)
        assert title.split("·")[0].strip() == name[:2], title
    assert not watched.errors, watched.errors


# ------------------------------------------------------------------- JupyterLab, widgets


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a copy of notebook 12 (its autosave must not touch ours)."""
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy2(ROOT / "notebooks" / "12_playground.ipynb", folder)
    port, token = _free_port(), secrets.token_hex(16)
    log = open(folder / "lab.log", "w")  # noqa: SIM115 (closed below)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
           "TF_CPP_MIN_LOG_LEVEL": "2"}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.root_dir",
         str(folder), "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--ServerApp.allow_root=True"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n"
                                + (folder / "lab.log").read_text()[-2000:])
                time.sleep(0.5)
        yield base, token, folder
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_lab_playground_panel_renders_and_run_redraws_the_boundary(browser, lab):
    base, token, folder = lab
    watched = _open(browser, f"{base}/lab/tree/12_playground.ipynb?token={token}&reset")
    page = watched.page
    page.wait_for_function("() => window.jupyterapp && jupyterapp.shell.currentWidget && "
                           "jupyterapp.shell.currentWidget.content && "
                           "jupyterapp.shell.currentWidget.sessionContext.session?.kernel",
                           timeout=120_000)
    cells = json.loads((folder / "12_playground.ipynb").read_text())["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    panel = next(i for i in code if "playground.panel(" in "".join(c for c in cells[i]["source"]))
    # The setup cell (imports), then the panel cell: what a student runs to use the panel.
    for index in (code[0], panel):
        page.evaluate("""async i => {
            const nb = jupyterapp.shell.currentWidget;
            await nb.sessionContext.ready;
            nb.content.activeCellIndex = i;
            await jupyterapp.commands.execute('notebook:run-cell');
        }""", index)
        page.wait_for_function("i => { const c = jupyterapp.shell.currentWidget.content"
                               ".widgets[i]; return c.model.executionCount !== null && "
                               "c.promptNode.textContent.indexOf('*') < 0; }",
                               arg=index, timeout=180_000)
    output = page.locator(".jp-Cell").nth(panel).locator(".jp-Cell-outputArea").first
    run = output.locator("button.widget-button", has_text="Run")
    run.wait_for(timeout=60_000)
    assert output.locator(".widget-dropdown select").count() >= 3
    assert output.locator(".widget-slider, .widget-hslider").count() >= 3
    picture = output.locator(".widget-image img, img.widget-image").first
    before = picture.get_attribute("src") if picture.count() else None
    output.scroll_into_view_if_needed()
    _shot(page, "lab_12_panel_before_run")
    run.click()
    page.wait_for_function(
        "([el, src]) => el && el.src && el.src !== src && el.naturalWidth > 100",
        arg=[output.locator("img").first.element_handle(timeout=120_000), before],
        timeout=180_000)
    frames = {output.locator("img").first.get_attribute("src")}
    # Run trains while it redraws: the boundary changes more than once.
    deadline = time.monotonic() + 120
    while len(frames) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        frames.add(output.locator("img").first.get_attribute("src"))
    # The run ends with its scores in the panel's log.
    output.get_by_text(re.compile(r"test accuracy \d")).wait_for(timeout=300_000)
    frames.add(output.locator("img").first.get_attribute("src"))
    assert len(frames) >= 2, "the boundary was drawn once and never redrawn"
    assert run.is_enabled()
    _shot(page, "lab_12_panel_after_run")
    assert not _local_errors(watched), watched.errors
