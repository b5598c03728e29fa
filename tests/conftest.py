import atexit
import contextlib
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 11, 29)

# The build date is an input: pin it so scheduled/future-date rules are reproducible.
os.environ["PORTAL_TODAY"] = TODAY.isoformat()
# The check cache of this test run (every command started by a test inherits it), never ~/.cache.
os.environ["PORTAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="portal-test-cache-")
atexit.register(shutil.rmtree, os.environ["PORTAL_CACHE_DIR"], ignore_errors=True)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A private copy of the demo project (records, content, config) to modify freely."""
    dest = tmp_path / "proj"
    dest.mkdir()
    for name in ("cases", "content", "theme"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    for name in ("mkdocs.yml",):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    return dest


def base_record() -> str:
    return (FIXTURES / "base.yaml").read_text(encoding="utf-8")


# ---- browser fixtures (shared by the browser test modules; one build, one Chromium) ----
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo project built once with `portal build` into a private copy."""
    from tests.site_helpers import portal

    project = tmp_path_factory.mktemp("demo") / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", "bench", "tests", "docs"))
    r = portal(project, "build")
    assert r.returncode == 0, r.stderr
    return project / "site"


@contextlib.contextmanager
def serve_folder(directory: Path):
    """A static server on a free port for `directory`, for the `with` block; gives its address."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def handle(self):
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):  # the browser cancelled a request
                pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="session")
def server(demo_site):
    with serve_folder(demo_site) as address:
        yield address


@pytest.fixture(scope="session")
def subpath_server(demo_site, tmp_path_factory):
    """The demo site under a sub-path, as on a GitHub Pages project site: yields ".../portal/"."""
    host = tmp_path_factory.mktemp("host")
    (host / "portal").symlink_to(demo_site, target_is_directory=True)
    with serve_folder(host) as address:
        yield address + "portal/"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu",
                                                               "--disable-background-networking", "--no-first-run"])
        yield b
        b.close()
