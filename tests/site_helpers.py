"""Helpers for whole-site tests: build a project copy with the real `portal build`."""
from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from tests.conftest import ROOT

CANARY_INTERNAL = "CANARY-INTERNAL-91b7"
CANARY_SCHEDULED = "CANARY-SCHEDULED-4c2e"
TEMPLATE_PROBE = "{{ 7*7 }} {% if true %}模板{% endif %}"


def portal(project: Path, *args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    """`env`: variables for this run; PORTAL_SITE_URL (mkdocs.yml's site_url) only when given there."""
    base = {k: v for k, v in os.environ.items() if k != "PORTAL_SITE_URL"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=project, capture_output=True, text=True,
                          env={**base, "PYTHONPATH": str(ROOT), **(env or {})}, **kw)


def plant_canaries(project: Path) -> None:
    internal = project / "cases/2026/XA-2026-011.yaml"
    scheduled = project / "cases/2026/XA-2026-015.yaml"
    for path, canary in ((internal, CANARY_INTERNAL), (scheduled, CANARY_SCHEDULED)):
        text = path.read_text(encoding="utf-8")
        text = text.replace("title: ", f"title: {canary} ", 1).replace("  summary: ", f"  summary: {canary} ", 1)
        path.write_text(text, encoding="utf-8")
    # a public case related to the scheduled one: the link (its id) waits until that one is out
    linking = project / "cases/2025/XA-2025-009.yaml"
    text = linking.read_text(encoding="utf-8")
    assert "related: [XA-2016-006]" in text
    linking.write_text(text.replace("related: [XA-2016-006]", "related: [XA-2016-006, XA-2026-015]"), encoding="utf-8")
    probe = project / "cases/2016/XA-2016-002.yaml"
    text = probe.read_text(encoding="utf-8")
    probe.write_text(text.replace("  analysis: |\n", f"  analysis: |\n    {TEMPLATE_PROBE}\n", 1), encoding="utf-8")


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start, end = text.index("<article"), text.index("</article>")
    return text[start:end]


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def open_page(browser, url, width=1280, scheme="light"):
    """A page in a fresh context that records requests to other hosts and script errors."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = ctx.new_page()
    foreign, errors = [], []
    origin = urlparse(url).netloc
    page.on("request", lambda req: foreign.append(req.url) if urlparse(req.url).netloc not in (origin, "") and
            not req.url.startswith("data:") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="networkidle")
    return ctx, page, foreign, errors




def wait_until(page, expression: str, timeout: float = 15.0, arg=None) -> None:
    """Poll a JavaScript expression from outside the page. Playwright's wait_for_function compiles
    its predicate inside the page, which the site's Content-Security-Policy (rightly) forbids."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if page.evaluate(expression, arg) if arg is not None else page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for: {expression}")


def search_settled(page) -> None:
    """The search page has shown its results and counted its facets: after a search the filter
    index loads in the background, and until then the facets are listed uncounted (aria-busy)."""
    page.wait_for_selector("#portal-search-results[data-done]", state="attached")
    wait_until(page, "(f => f && !f.hasAttribute('aria-busy') && f.querySelector('label') !== null)"
                     "(document.querySelector('#portal-search-facets'))")
