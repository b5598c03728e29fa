"""Hostile record text: the renderer escapes it (second line behind the checker), the browser
runs nothing from a record, and every page carries a CSP that the site itself never violates."""
import html.parser
import shutil
from collections import Counter
from urllib.parse import quote

import pytest
import yaml

from generator.check import load_catalogs
from generator.model import CaseAdapter
from generator.render import Site
from generator.security import add_policy, inline_script_hashes
from tests.conftest import ROOT, TODAY, base_record
from tests.site_helpers import open_page, portal

PAYLOADS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)' x='",
    "<svg/onload=alert(1)>",
    "[点我](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "{{ 7*7 }}{% raw %}{# x #}",
    "</title><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<iframe src=//evil.example></iframe>",
    "\u202e\u0000控制字符",
]
TEXT_FIELDS = [("title",), ("subject", "display"), ("event", "summary"), ("reason", "analysis"),
               ("result", "summary"), ("process", "implementing_body"), ("process", "determining_authority"),
               ("typical",)]


class Structure(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(k for k, _ in attrs))))


def structure(fragment: str):
    p = Structure()
    p.feed(fragment)
    return p.tags


def render_with(payload: str) -> str:
    data = yaml.safe_load(base_record())
    for path in TEXT_FIELDS:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = ("标题：" + payload + "八个字") if path == ("title",) else payload
    case = CaseAdapter.validate_python(data)  # the checker is bypassed on purpose
    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    return Site([case], cat, TODAY).case_page(case).body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renderer_escapes_every_payload(payload):
    clean = structure(render_with("平常的文字"))
    hostile = render_with(payload)
    # no new element and no new attribute; the one thing record Markdown may add is an http(s) link
    extra = list(structure(hostile))
    for tag in clean:
        extra.remove(tag)
    assert set(extra) <= {("a", ("href", "rel"))}, extra
    assert "<img" not in hostile and "<svg" not in hostile and "<iframe" not in hostile
    assert "<script" not in hostile and "javascript:" not in hostile.split('href="')[-1][:12]
    assert "{{" not in hostile and "{%" not in hostile


def test_policy_hashes_only_the_pages_own_scripts():
    page = "<html><head><title>t</title></head><body><script>var a=1</script>" \
           "<script type=\"application/json\">{}</script><script src=\"x.js\"></script></body></html>"
    assert len(inline_script_hashes(page)) == 1
    out = add_policy(page)
    assert out.index("Content-Security-Policy") < out.index("<title>")
    assert "'unsafe-inline'" not in out.split("script-src")[1].split(";")[0]


@pytest.mark.browser
@pytest.mark.site
def test_no_page_violates_its_policy(server, browser):
    pages = ["", "cases/", "cases/XA-2023-017/", "typical/", "regions/yanta/", "about/process/",
             "search/?q=" + quote("雁塔区"), "search/?f=" + quote("结果:澄清正名"), "404.html"]
    for path in pages:
        ctx, page, foreign, errors = open_page(browser, server + "about/")  # any page, to attach the listener
        page.add_init_script("window.__csp=[];document.addEventListener('securitypolicyviolation',"
                             "e=>window.__csp.push(e.violatedDirective+' '+e.blockedURI))")
        page.goto(server + path, wait_until="networkidle")
        if path.startswith("search/"):
            page.wait_for_selector("#portal-search-results[data-done]", state="attached")
        assert page.evaluate("window.__csp") == [], path
        assert page.locator("meta[http-equiv='Content-Security-Policy']").count() == 1, path
        assert not foreign and not errors, (path, foreign, errors)
        ctx.close()


@pytest.mark.browser
@pytest.mark.site
def test_payloads_that_pass_the_checker_run_nothing(tmp_path, browser):
    """Text the checker accepts (no tags) is still hostile in attributes and templates."""
    project = tmp_path / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", "bench", "tests", "docs"))
    accepted = ["\" onfocus=\"alert(1)\" autofocus=\"", "' onmouseover='alert(1)' x='", "{{ 7*7 }} {% if 1 %}",
                "&lt;script&gt;alert(1)&lt;/script&gt;", "javascript:alert(1)"]
    text = (project / "cases/2016/XA-2016-002.yaml").read_text(encoding="utf-8")
    text = text.replace("title: 高新区“一窗通办”改革试点系统切换导致业务中断不予问责", "title: 标题" + accepted[0], 1)
    text = text.replace("  analysis: |\n", "  analysis: |\n    " + " ".join(accepted[1:]) + "\n", 1)
    (project / "cases/2016/XA-2016-002.yaml").write_text(text, encoding="utf-8")
    r = portal(project, "build")
    assert r.returncode == 0, r.stderr
    import functools
    import http.server
    import threading

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(project / "site")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        for path in ("cases/XA-2016-002/", "cases/", "typical/", "search/?q=" + quote("一窗通办")):
            ctx, page, foreign, errors = open_page(browser, base + "about/")
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + path, wait_until="networkidle")
            if path.startswith("search/"):
                page.wait_for_selector("#portal-search-results[data-done]", state="attached")
            page.mouse.move(200, 300)
            page.keyboard.press("Tab")
            assert dialogs == [], path
            assert not errors, errors
            ctx.close()
        article = open(project / "site/cases/XA-2016-002/index.html", encoding="utf-8").read()
        assert "{{ 7*7 }}" in __import__("html").unescape(article)
    finally:
        httpd.shutdown()


# ---- property: whatever the checker accepts renders inertly ----
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator.check import check_record  # noqa: E402
from generator.load import Document, parse_bytes  # noqa: E402

PLAIN_FIELDS = [("title",), ("subject", "display"), ("process", "implementing_body"),
                ("process", "determining_authority"), ("typical",)]
MD_FIELDS = [("event", "summary"), ("reason", "analysis"), ("result", "summary")]
# What the Markdown subset of the spec may add: paragraphs, lists, emphasis, line breaks, links.
MD_ELEMENTS = {("p", ()), ("ul", ()), ("ol", ()), ("li", ()), ("em", ()), ("strong", ()), ("br", ()),
               ("a", ("href", "rel")), ("ol", ("start",))}
CATS = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
# Any character at all, with the ones markup and templates are made of made likely.
HOSTILE = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("<>&\"'`{}%#*_[]()!/=:\\\n"))),
                  min_size=1, max_size=60)


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(page: str) -> str:
    p = Text()
    p.feed(page)
    return "".join(p.parts)


def checked_page(values: dict[tuple[str, ...], str]) -> str | None:
    """Put the values into the base record, run the real checker on the YAML and render the
    page when it passes; None when the checker refuses the record."""
    data = yaml.safe_load(base_record())
    for path, value in values.items():
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    doc = parse_bytes(Document("XA-2024-001.yaml"), yaml.safe_dump(data, allow_unicode=True).encode())
    case = check_record(doc, CATS, TODAY, "XA-2024-001")
    return None if case is None else Site([case], CATS, TODAY).case_page(case).body


@settings(max_examples=int(__import__("os").environ.get("HYPOTHESIS_EXAMPLES", 150)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLAIN_FIELDS + MD_FIELDS), HOSTILE)
def test_accepted_text_renders_escaped(path, value):
    prefix = "八个字的案例标题" if path == ("title",) else ""
    if path == ("title",):
        value = prefix + value.replace("\n", " ")
    page = checked_page({path: value})
    if page is None:
        return  # refused: nothing is published
    # what the page has beyond the same page with ordinary text (Markdown may also turn the
    # field's paragraph into a list, so only additions count)
    extra = Counter(structure(page)) - Counter(structure(checked_page({path: prefix + "平常的文字"})))
    allowed = MD_ELEMENTS if path in MD_FIELDS else set()
    assert set(extra) <= allowed, (value, extra)
    assert not any(k.startswith("on") for _, attrs in structure(page) for k in attrs)
    assert "{{" not in page and "{%" not in page  # nothing a template engine would evaluate later
    if path not in MD_FIELDS:  # plain text comes back character for character
        assert " ".join(value.split()) in " ".join(visible_text(page).split()), value
