"""The built demo site in a real browser (Playwright driving Debian's Chromium)."""
import functools
import os
import tempfile
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT
from tests.site_helpers import portal

pytestmark = [pytest.mark.browser, pytest.mark.site]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Screenshots land in a temporary folder; `make screenshots` points this at docs/screenshots.
SHOTS = Path(os.environ.get("PORTAL_SCREENSHOTS") or tempfile.mkdtemp(prefix="portal-shots-"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = tmp_path_factory.mktemp("browser") / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", "bench", "tests", "docs"))
    r = portal(project, "build")
    assert r.returncode == 0, r.stderr
    handler = functools.partial(_Quiet, directory=str(project / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu",
                                                               "--disable-background-networking", "--no-first-run"])
        yield b
        b.close()


def open_page(browser, url, width=1280, scheme="light"):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = ctx.new_page()
    foreign, errors = [], []
    origin = urlparse(url).netloc
    page.on("request", lambda req: foreign.append(req.url) if urlparse(req.url).netloc not in (origin, "") and
            not req.url.startswith("data:") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="networkidle")
    return ctx, page, foreign, errors


@pytest.mark.parametrize("path, name, width, scheme, expect", [
    ("", "home", 1280, "light", "最新公开"),
    ("cases/", "cases", 1280, "light", "按类别浏览"),
    ("cases/XA-2023-017/", "case", 1280, "light", "雁塔区住建局副局长李某"),
    ("cases/XA-2022-015/", "case-mobile", 390, "light", "跟踪回访"),
    ("typical/", "typical", 1280, "dark", "2016年度第一批容错纠错典型案例"),
    ("about/process/", "process", 1280, "light", "各环节说明"),
])
def test_pages_render_in_chromium(server, browser, path, name, width, scheme, expect):
    ctx, page, foreign, errors = open_page(browser, server + path, width, scheme)
    try:
        assert expect in page.inner_text("article")
        assert page.locator("h1").first.is_visible()
        # no horizontal scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
        assert not foreign, f"requests to other hosts: {foreign}"
        assert not errors, errors
    finally:
        ctx.close()


def test_mermaid_diagram_is_drawn_from_the_site_itself(server, browser):
    ctx, page, foreign, errors = open_page(browser, server + "about/process/")
    try:
        # Material draws the diagram into a closed shadow root: the source <pre> is replaced by a
        # <div class="mermaid"> that has real height.
        page.wait_for_function("!document.querySelector('pre.mermaid') && "
                               "document.querySelector('div.mermaid')?.getBoundingClientRect().height > 200",
                               timeout=15000)
        assert not foreign and not errors
    finally:
        ctx.close()


def test_click_from_listing_to_case(server, browser):
    ctx, page, foreign, errors = open_page(browser, server + "cases/")
    try:
        page.click("text=雁塔区老旧小区改造中变通处理加装电梯补贴不予问责")
        page.wait_for_url("**/cases/XA-2023-017/")
        assert "认定机关" in page.inner_text("article")
    finally:
        ctx.close()
