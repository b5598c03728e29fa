"""The built demo site in a real browser (Playwright driving Debian's Chromium)."""
import os
from pathlib import Path

import pytest

from tests.site_helpers import open_page, search_settled, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.site]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Screenshots land in pytest's temporary folders; `make screenshots` points this at docs/screenshots."""
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("shots")


@pytest.mark.parametrize("path, name, width, scheme, expect", [
    ("", "home", 1280, "light", "最新公开"),
    ("cases/", "cases", 1280, "light", "按类别浏览"),
    ("cases/XA-2023-017/", "case", 1280, "light", "雁塔区住建局副局长李某"),
    ("cases/XA-2022-015/", "case-mobile", 390, "light", "跟踪回访"),
    ("typical/", "typical", 1280, "dark", "2016年度第一批容错纠错典型案例"),
    ("about/process/", "process", 1280, "light", "各环节说明"),
    ("search/?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF", "search", 1280, "light", "雁塔区老旧小区改造中变通处理加装电梯补贴不予问责"),
    ("stats/", "stats", 1280, "dark", "按容错情形"),
])
def test_pages_render_in_chromium(server, browser, shots, path, name, width, scheme, expect):
    ctx, page, foreign, errors = open_page(browser, server + path, width, scheme)
    try:
        if path.startswith("search/"):
            search_settled(page)  # the facet counts too
        assert expect in page.inner_text("article")
        assert page.locator("h1").first.is_visible()
        # no horizontal scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=False)
        assert not foreign, f"requests to other hosts: {foreign}"
        assert not errors, errors
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["", "cases/", "cases/XA-2023-017/", "stats/"])
def test_a_page_fetches_nothing_that_grows_with_the_archive(server, browser, path):
    """Material fetches sitemap.xml (a line per case: 810 KB, 49 KB with gzip, at 10,000 cases) for every
    <link rel="alternate"> on a page, which it takes for a language version; the feed link must
    not set that off. The search index is only for the search page."""
    ctx = browser.new_context()
    page = ctx.new_page()
    fetched = []
    page.on("request", lambda req: fetched.append(req.url))
    try:
        page.goto(server + path, wait_until="networkidle")
        page.wait_for_timeout(300)
        assert any(u.endswith(".css") for u in fetched)  # the recording works
        assert not [u for u in fetched if "sitemap" in u or "/pagefind/" in u or u.endswith(".json")], fetched
        assert page.locator("link[type='application/atom+xml']").count() == 1  # the feed is still announced
    finally:
        ctx.close()


def test_the_process_flow_is_drawn_without_a_script(server, browser):
    """The flow on the process page is an ordered list drawn with CSS: boxes one below another,
    an arrow between each two, the decision's three branches side by side. It was a Mermaid
    chart, 976 KB of JavaScript (gzipped) on a phone for thirteen boxes."""
    ctx, page, foreign, errors = open_page(browser, server + "about/process/")
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    try:
        page.reload(wait_until="networkidle")
        steps = page.locator("ol.portal-flow > li")
        assert steps.count() == 10 and steps.first.inner_text().startswith("启动")
        boxes = [steps.nth(i).bounding_box() for i in range(steps.count())]
        assert all(b["y"] >= a["y"] + a["height"] + 10 for a, b in zip(boxes, boxes[1:]))  # room for the arrow
        arrows = page.evaluate("""[...document.querySelectorAll('ol.portal-flow > li')].map(li =>
            parseFloat(getComputedStyle(li, '::after').borderTopWidth) > 0)""")
        assert arrows == [True] * 9 + [False]  # an arrow under every box but the last
        branches = page.locator(".portal-flow-branches > li")
        assert branches.count() == 3
        tops = {round(branches.nth(i).bounding_box()["y"]) for i in range(3)}
        assert len(tops) == 1  # side by side on a wide screen
        assert [u for u in scripts if "/assets/javascripts/bundle." not in u] == [], scripts
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


@pytest.mark.parametrize("width", [320, 375, 720, 960, 1280, 1600, 1920])
def test_the_header_search_covers_neither_the_title_nor_the_colour_toggle(server, browser, width):
    """The header search form is placed over Material's header row (it is not part of it): on a phone
    the title ran under its button, on a tablet a case's title under its field, and on screens wider
    than the row (61rem) the form sat on the colour toggle."""
    ctx, page, foreign, errors = open_page(browser, server + "cases/XA-2023-017/", width)
    try:
        page.mouse.wheel(0, 600)  # the header now shows the case's long title
        wait_until(page, "document.querySelector('.md-header__title--active') !== null")
        box = page.evaluate("""() => Object.fromEntries(['.md-header__title', '.portal-headsearch',
            '.md-header__option'].map(s => { const r = document.querySelector(s).getBoundingClientRect();
            return [s, [r.left, r.right]]; }))""")
        title, form, toggle = box[".md-header__title"], box[".portal-headsearch"], box[".md-header__option"]
        assert title[1] <= form[0], box
        assert form[1] <= toggle[0], box
        assert 0 <= form[0] and toggle[1] <= width, box
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [375, 390, 414])
def test_the_site_name_fits_whole_in_a_phones_header(server, browser, width):
    """Material cuts a long header title with "…"; on common phones the portal's name shows whole."""
    ctx, page, foreign, errors = open_page(browser, server, width)
    try:
        name = page.locator(".md-header__topic .md-ellipsis").first
        assert name.inner_text() == "西安市容错纠错案例公开平台"
        assert name.evaluate("e => e.scrollWidth <= e.clientWidth"), name.evaluate("e => [e.scrollWidth, e.clientWidth]")
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["", "cases/", "cases/XA-2023-017/", "typical/", "stats/", "about/process/",
                                  "search/?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF", "data/", "404.html"])
def test_every_file_a_page_asks_for_exists(server, browser, path):
    """Nothing a page loads, its scripts included, answers 404 or fails: the theme files the site
    leaves out (Material's own search) are files no page asks for."""
    ctx = browser.new_context()
    page = ctx.new_page()
    fetched, failed = [], []
    page.on("response", lambda r: (fetched.append(r.url), failed.append(f"{r.status} {r.url}") if r.status >= 400
                                   else None))
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
    try:
        page.goto(server + path, wait_until="networkidle")
        if path.startswith("search/"):
            search_settled(page)
        page.wait_for_timeout(300)
        assert any(u.endswith(".js") for u in fetched) and any(u.endswith(".css") for u in fetched)
        assert not failed, failed
    finally:
        ctx.close()
