"""Accessibility and mobile use in a real browser, and the integrity of every internal link."""
import html.parser
import posixpath
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from tests.site_helpers import open_page, search_settled, wait_until

# one of each kind of page: home, listing, case, search with results, statistics, content, open data,
# a facet's page of values, the not-found page
PAGES = ["", "cases/", "cases/XA-2023-017/", "search/?q=" + quote("雁塔区"), "stats/", "about/mechanism/",
         "about/process/", "data/", "typical/", "regions/yanta/", "circumstances/", "404.html"]


def ready(page, path: str) -> None:
    if path.startswith("search/"):
        search_settled(page)  # the facet counts arrive after the results


@pytest.mark.browser
@pytest.mark.site
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(server, browser, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for path in PAGES:
        ctx, page, _, _ = open_page(browser, server + path, scheme=scheme)
        try:
            ready(page, path)
            # Material applies the scheme matching prefers-color-scheme from its script
            wait_until(page, f"document.body.getAttribute('data-md-color-scheme') === "
                             f"'{'slate' if scheme == 'dark' else 'default'}'")
            violations = axe.run(page).response["violations"]
            if violations:
                found[path] = [(v["id"], v["nodes"][0]["target"], v["nodes"][0].get("failureSummary", "")[:160])
                               for v in violations]
        finally:
            ctx.close()
    assert found == {}


def phone(browser, url: str):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                              has_touch=True)
    page = ctx.new_page()
    page.goto(url, wait_until="networkidle")
    return ctx, page


@pytest.mark.browser
@pytest.mark.site
def test_no_horizontal_scrolling_at_375_px(server, browser):
    wide = {}
    for path in PAGES:
        ctx, page = phone(browser, server + path)
        try:
            ready(page, path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                wide[path] = (width, page.evaluate("""[...document.querySelectorAll('article *')]
                    .filter(e => e.getBoundingClientRect().right > 376).slice(0, 3).map(e => e.outerHTML.slice(0, 80))"""))
        finally:
            ctx.close()
    assert wide == {}


@pytest.mark.browser
@pytest.mark.site
def test_facts_box_and_timeline_stay_readable_on_a_phone(server, browser):
    ctx, page = phone(browser, server + "cases/XA-2023-017/")
    try:
        for selector in (".portal-facts", ".portal-timeline"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, (selector, box)
        sizes = page.evaluate("""[...document.querySelectorAll('.portal-facts dt, .portal-facts dd, .portal-timeline li')]
            .map(e => parseFloat(getComputedStyle(e).fontSize))""")
        assert sizes and min(sizes) >= 12, sizes  # px, at the phone's own zoom
        # two columns of facts on a 375 px phone (one made the box fill more than a screen), and no
        # date broken over two lines
        columns = page.evaluate("getComputedStyle(document.querySelector('.portal-facts')).gridTemplateColumns")
        assert len(columns.split()) == 2, columns
        broken = page.evaluate(r"""[...document.querySelectorAll('.portal-facts dd')]
            .filter(d => /^\d{4}年\d+月\d+日$/.test(d.textContent.trim()) && d.getBoundingClientRect().height > 40)
            .map(d => d.textContent)""")
        assert broken == [], broken
        # every timeline entry shows its date and its step side by side or stacked, never clipped
        clipped = page.evaluate("""[...document.querySelectorAll('.portal-timeline li')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).length""")
        assert clipped == 0
    finally:
        ctx.close()


@pytest.mark.browser
@pytest.mark.site
def test_search_filters_work_by_touch_on_a_phone(server, browser):
    ctx, page = phone(browser, server + "search/?q=" + quote("问责"))
    try:
        ready(page, "search/")
        labels = page.locator("#portal-search-facets label")
        assert labels.count() > 5
        small = [b for b in (labels.nth(i).bounding_box() for i in range(labels.count())) if b["height"] < 24]
        assert small == []  # WCAG 2.5.8: targets at least 24 × 24 CSS px
        target = page.locator("#portal-search-facets label", has_text="雁塔区").first
        target.scroll_into_view_if_needed()
        target.tap()
        page.wait_for_url("**f=*")
        page.wait_for_selector("#portal-search-results[data-done]", state="attached")
        assert "雁塔区" in unquote(page.url)
        results = page.locator("#portal-search-results li")
        assert results.count() >= 1
        assert all("雁塔区" in results.nth(i).inner_text() for i in range(results.count()))
    finally:
        ctx.close()


# ---- links: every internal link and anchor of the built site resolves ----
class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.links.append(a[key])


@pytest.mark.site
def test_no_broken_internal_link_or_anchor(demo_site: Path):
    pages: dict[str, Links] = {}
    for f in sorted(demo_site.rglob("*.html")):
        p = Links()
        p.feed(f.read_text(encoding="utf-8"))
        pages[f.relative_to(demo_site).as_posix()] = p
    broken, checked = [], 0
    for name, parsed in pages.items():
        here = posixpath.dirname(name)
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue  # other hosts are checked by the no-third-party test
            # root-relative links (the 404 page's, which is served at any address) start at the site root
            base = "" if parts.path.startswith("/") else here
            target = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/"))) if parts.path else name
            target = "" if target == "." else target
            if parts.path.endswith("/") or (demo_site / target).is_dir():
                target = posixpath.join(target, "index.html")
            checked += 1
            if target.startswith("..") or not (demo_site / target).is_file():
                broken.append((name, link))
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                broken.append((name, link))
    assert checked > 1000
    assert broken == []
