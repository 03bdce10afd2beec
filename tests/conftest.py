"""Shared fixtures: an isolated course environment for every test, a guard that keeps
tests off the internet, and small local servers for the data layer's network paths."""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import matplotlib
import pytest

# Before anything imports pyplot or TensorFlow: no windows, no C++ start-up chatter.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
matplotlib.use("Agg")

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# Fixtures are files for tests to use, not tests: `make test` collects doctests from every
# module it finds, and importing tests/fixtures/sabotage/sitecustomize.py would sabotage
# every optimizer of this process.
collect_ignore = ["fixtures"]

# Read once, before the autouse fixture clears it, so that tests of the real datasets
# can still find them where CI points COURSE_DATA_PATH.
_ORIGINAL_DATA_PATH = os.environ.get("COURSE_DATA_PATH", "")

COURSE_ENV = ("COURSE_CACHE_DIR", "COURSE_DATA_PATH", "COURSE_OFFLINE",
              "COURSE_DOWNLOAD_TIMEOUT", "COURSE_RECORD_FILE", "COURSE_REPO_URL",
              "COURSE_REQUIRE_CANONICAL")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes tens of seconds (still in the default run)")


@pytest.fixture
def canonical_datasets() -> Path:
    """The folder of canonical files (CI's ../shared/datasets); skips the test without it."""
    candidates = [Path(p) for p in _ORIGINAL_DATA_PATH.split(os.pathsep) if p.strip()]
    candidates.append(ROOT.parent / "shared" / "datasets")
    for candidate in candidates:
        if (candidate / "fashion-mnist").is_dir():
            return candidate
    pytest.skip("the canonical datasets folder (../shared/datasets or COURSE_DATA_PATH) "
                "is not present")


def _ours(request) -> bool:
    # Subfolders (tests/colab) run in other environments with their own conftest.
    return Path(request.node.path).parent == TESTS


@pytest.fixture(autouse=True)
def course_env(request, monkeypatch, tmp_path_factory):
    """Every test starts with a private, empty cache and no data path, offline.

    Offline by default so that a test which forgets to set up a server can never reach
    the canonical URLs; tests of downloads turn it off explicitly.
    """
    if not _ours(request):
        return None
    for name in COURSE_ENV:
        monkeypatch.delenv(name, raising=False)
    cache = tmp_path_factory.mktemp("course-cache")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(cache))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    return cache


@pytest.fixture(autouse=True)
def no_internet(request, monkeypatch):
    """Refuse, and fail the test for, any connection from this process beyond loopback."""
    if not _ours(request):
        yield
        return
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def allowed(sock: socket.socket, address) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True
        try:
            return ipaddress.ip_address(address[0]).is_loopback
        except ValueError:
            return False

    def connect(self, address):
        if not allowed(self, address):
            attempts.append(address)
            raise ConnectionRefusedError(f"tests may not connect to {address!r}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if not allowed(self, address):
            attempts.append(address)
            return 111  # ECONNREFUSED
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield
    assert not attempts, f"a test tried to reach the network: {attempts}"


class LocalServer:
    """An HTTP server on 127.0.0.1 serving the files under ``root``, counting requests.

    ``/truncated/<n>`` answers with a Content-Length of ``n`` bytes and then closes after
    sending only a few, like a connection that drops mid-download.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        handler = functools.partial(_Handler, self, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        # A short poll interval: shutdown() waits for one poll, at every test's teardown.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def add(self, path: str, content: bytes) -> str:
        """Serve ``content`` at ``path``; return its URL."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        return self.url(path)


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, server_state: LocalServer, *args, **kwargs):
        self.state = server_state
        super().__init__(*args, **kwargs)

    def do_GET(self):
        self.state.requests.append(self.path)
        if self.path.startswith("/truncated/"):
            self.send_response(200)
            self.send_header("Content-Length", self.path.rsplit("/", 1)[1])
            self.end_headers()
            self.wfile.write(b"only a few bytes")
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, format, *args):  # keep pytest's output clean
        pass


@pytest.fixture
def http_server(tmp_path):
    server = LocalServer(tmp_path / "www")
    server.root.mkdir()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def hanging_port():
    """A port on 127.0.0.1 that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 with nothing listening: connections are refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
