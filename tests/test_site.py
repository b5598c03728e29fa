"""Whole-site build, checked in the built HTML."""
import datetime as dt
import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.check import check_paths, load_catalogs, record_files
from generator.render import cn_date, is_public
from tests.conftest import ROOT, TODAY
from tests.site_helpers import (CANARY_INTERNAL, CANARY_SCHEDULED, TEMPLATE_PROBE, article, plant_canaries, portal,
                                tree_digest, visible_text)

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("site") / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", "bench", "tests", "*.pyc"))
    plant_canaries(project)
    r = portal(project, "build")
    assert r.returncode == 0, r.stderr
    return project


@pytest.fixture(scope="module")
def records():
    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    return [r.case for r in check_paths(record_files(ROOT / "cases"), cat, TODAY).records]


def public(records):
    return [c for c in records if is_public(c, TODAY)]


def test_every_public_case_has_its_page_with_five_elements(built, records):
    for c in public(records):
        page = built / "site/cases" / c.id / "index.html"
        body = article(page)
        for anchor, name in (("subject", "对象"), ("event", "事件"), ("reason", "原因"), ("process", "流程"), ("result", "结果")):
            assert re.search(rf'<h2 id="{anchor}">{name}', body), (c.id, anchor)
        text = visible_text(body)
        for fact in (c.title, c.region, c.result.outcome, c.subject.display, c.process.implementing_body,
                     c.process.determining_authority, cn_date(c.result.decided), cn_date(c.disclosure.published)):
            assert fact in text, (c.id, fact)


def test_listing_counts_match_records(built, records):
    pub = public(records)
    cases = visible_text(article(built / "site/cases/index.html"))
    assert f"共 {len(pub)} 件" in cases
    assert len(re.findall(r'href="\.\./cases/XA-|href="(?:\.\./)?XA-', article(built / "site/cases/index.html"))) == len(pub)
    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    for region in cat.regions:
        n = sum(1 for c in pub if c.region == region.name)
        page = built / "site/regions" / region.slug / "index.html"
        assert f"共 {n} 件" in visible_text(article(page)), region.name
    for ci in cat.circumstances:
        n = sum(1 for c in pub if ci.id in (c.reason.circumstances or []))
        assert f"共 {n} 件" in visible_text(article(built / "site/circumstances" / ci.slug / "index.html"))
    years = {c.result.decided.year for c in pub}
    for y in years:
        n = sum(1 for c in pub if c.result.decided.year == y)
        assert f"共 {n} 件" in visible_text(article(built / f"site/years/{y}/index.html"))
    typical = visible_text(article(built / "site/typical/index.html"))
    batches = {}
    for c in pub:
        if c.typical:
            batches[c.typical] = batches.get(c.typical, 0) + 1
    for name, n in batches.items():
        assert name in typical and f"本批共 {n} 件" in typical


def test_a_shortened_address_lands_on_a_page(built):
    """A visitor who cuts "/regions/yanta/" back to "/regions/" finds a page, not a 404: every
    folder of the site that holds pages has its own (the pager's "page/" folders too: render's test)."""
    site = built / "site"
    skip = {"assets", "pagefind", "search", "data"}
    folders = [d for d in site.rglob("*") if d.is_dir() and not (set(d.relative_to(site).parts) & skip)
               and any(d.glob("*/index.html"))]
    assert {d.relative_to(site).as_posix() for d in folders} >= {"cases", "regions", "years", "domains", "outcomes",
                                                                 "circumstances", "about"}
    missing = [d.relative_to(site).as_posix() for d in folders if not (d / "index.html").is_file()]
    assert not missing, missing


def test_the_not_found_page_speaks_chinese_and_leads_somewhere(built):
    page = (built / "site/404.html").read_text(encoding="utf-8")
    assert "Not found" not in page and "<title>没有找到这个页面 - " in page
    body = article(built / "site/404.html")
    assert "<h1>没有找到这个页面</h1>" in body
    # hosts serve it at any depth, so its links start at the site's root and each leads to a page
    links = re.findall(r'href="([^"]+)"', body)
    assert len(links) == 5 and all(link.startswith("/") for link in links), links
    for link in links:
        assert (built / "site" / link.lstrip("/") / "index.html").is_file(), link


def test_a_shared_link_previews_the_page(built, records):
    """Open Graph tags: what a messaging app shows for a shared link, the page's own title and summary."""
    def og(path: str) -> dict[str, str]:
        html = (built / "site" / path).read_text(encoding="utf-8")
        head = html[:html.index("</head>")]
        tags = dict(re.findall(r'<meta property="og:(\w+)" content="([^"]*)">', head))
        tags["meta description"] = re.search(r'<meta name="description" content="([^"]*)">', head)[1]
        tags["h1"] = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1].strip()
        return tags

    for c in public(records):
        tags = og(f"cases/{c.id}/index.html")
        assert tags["type"] == "article" and tags["locale"] == "zh_CN" and tags["site_name"] == "西安市容错纠错案例公开平台"
        assert tags["title"] == tags["h1"] and tags["description"] == tags["meta description"]
        assert tags["description"].startswith(f"{c.region} · {c.result.outcome} · ")
        assert not re.search(r"\*\*|\]\(", tags["description"]), tags["description"]  # words, not Markdown marks
    home, listing = og("index.html"), og("regions/yanta/index.html")
    assert home["title"] == "西安市容错纠错案例公开平台" and home["type"] == "website"
    assert listing["title"] == listing["h1"] == "地区：雁塔区" and listing["type"] == "website"
    assert "url" not in home  # no site_url here, so no absolute address to give


def test_internal_and_scheduled_leave_no_trace(built, records):
    hidden = [c.id for c in records if not is_public(c, TODAY)]
    assert len(hidden) == 2
    needles = [CANARY_INTERNAL.encode(), CANARY_SCHEDULED.encode()] + [h.encode() for h in hidden]
    files = [p for p in (built / "site").rglob("*") if p.is_file()]
    assert len(files) > 50
    for p in files:
        data = p.read_bytes()
        if p.suffix == ".gz":
            data = gzip.decompress(data)
        for needle in needles:
            assert needle not in data, (p, needle)
    assert not (built / "site/cases" / hidden[0]).exists()


def test_template_syntax_in_a_record_is_shown_literally(built):
    page = built / "site/cases/XA-2016-002/index.html"
    raw = page.read_text(encoding="utf-8")
    assert TEMPLATE_PROBE in visible_text(article(page))
    assert "模板" in raw and ">49<" not in raw and " 49 " not in visible_text(article(page))


def test_case_pages_stay_out_of_the_nav(built):
    for page in ("index.html", "cases/index.html", "cases/XA-2016-001/index.html"):
        html_text = (built / "site" / page).read_text(encoding="utf-8")
        nav_links = re.findall(r'<a[^>]*class="md-nav__link[^"]*"[^>]*href="([^"]*)"|<a[^>]*href="([^"]*)"[^>]*class="md-nav__link', html_text)
        targets = [x or y for x, y in nav_links]
        assert len(targets) >= 8  # the whole nav is there (home, listings, content pages)
        assert not [t for t in targets if "XA-" in t], page


def test_materials_own_search_files_are_left_out(built, tmp_path):
    """Material's lunr search (about 1.2 MB) is off, so its files are not published; the theme's
    other scripts are. The browser tests check that no page asks for a missing file."""
    scripts = built / "site/assets/javascripts"
    assert any(scripts.glob("bundle.*.min.js")) and (scripts / "portal-search.js").is_file()
    assert not (scripts / "lunr").exists() and not (scripts / "workers").exists()
    # beside Material's search plugin they stay: its search box needs them
    from generator.mkdocs_plugin import drop_unused_theme_files

    for plugins, kept in (({"portal": 1}, False), ({"portal": 1, "material/search": 1}, True)):
        site = tmp_path / str(kept)
        for name in ("lunr/min/lunr.zh.min.js", "workers/search.abc.min.js", "bundle.abc.min.js"):
            (site / "assets/javascripts" / name).parent.mkdir(parents=True, exist_ok=True)
            (site / "assets/javascripts" / name).write_text("//", encoding="utf-8")
        drop_unused_theme_files(site, plugins)
        left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
        assert left == (["assets/javascripts/bundle.abc.min.js", "assets/javascripts/lunr/min/lunr.zh.min.js",
                         "assets/javascripts/workers/search.abc.min.js"] if kept else ["assets/javascripts/bundle.abc.min.js"])


def test_build_is_deterministic(built, tmp_path, monkeypatch):
    """Byte-identical, Pagefind's index included (Pagefind 1.5.2 wrote its filter files, meta file
    and entry file in hash-map order under changing names, upstream issue #638; 1.6.0 does not)."""
    monkeypatch.setenv("PORTAL_CACHE", "0")  # everything made afresh, the search index included
    again = tmp_path / "again"
    r = portal(built, "build", "--site-dir", str(again))
    assert r.returncode == 0, r.stderr
    first, second = tree_digest(built / "site"), tree_digest(again)
    assert first == second
    for part in ("index/", "fragment/", "filter/", "pagefind-entry.json"):
        assert any(re.match(f"pagefind/[0-9a-f]{{16}}/{part}", k) for k in first), part


def test_the_site_does_not_change_with_the_day_it_is_built(built, tmp_path):
    """The scheduled build runs daily; on a day when no case becomes public, no file may change.
    The sitemap gave each hand-written page (and each listing with no case yet) the day of the
    build as its lastmod, which told crawlers that these pages changed every day."""
    later = tmp_path / "later"
    next_day = (TODAY + dt.timedelta(days=1)).isoformat()  # the scheduled record is months later
    r = portal(built, "build", "--site-dir", str(later), env={"PORTAL_TODAY": next_day})
    assert r.returncode == 0, r.stderr
    first, second = tree_digest(built / "site"), tree_digest(later)
    assert first == second, sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    sitemap = (later / "sitemap.xml").read_text(encoding="utf-8")
    assert next_day not in sitemap and TODAY.isoformat() not in sitemap
    dated = dict(re.findall(r"<loc>([^<]*)</loc><lastmod>([^<]*)</lastmod>", sitemap))
    assert dated["/"] == dated["/cases/"] == max(dated.values())  # as new as the newest record
    assert "/about/" not in dated and "/cases/XA-2023-017/" in dated


def test_the_data_license_set_in_mkdocs_yml_reaches_the_site(built, tmp_path):
    """Also with site_url set, from the environment as the CI templates set it: link previews then
    carry the page's full address, and the 404 page, which hosts serve at any depth, links below
    the sub-path (from the root it loaded no styles on a GitHub Pages project site)."""
    project = tmp_path / "proj"
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("site"))
    config = project / "mkdocs.yml"
    plain = config.read_text(encoding="utf-8")
    assert "\n  - portal   " in plain and "\nsite_url: !ENV [PORTAL_SITE_URL, null]\n" in plain
    sub_path = {"PORTAL_SITE_URL": "https://example.gov.cn/rongcuo/"}
    licensed = plain.replace("\n  - portal   ", "\n  - portal:\n      data_license:\n        title: 知识共享署名 4.0 国际许可协议\n"
                             "        path: https://creativecommons.org/licenses/by/4.0/\n        name: CC-BY-4.0\n  #", 1)
    config.write_text(licensed, encoding="utf-8")
    r = portal(project, "build", env=sub_path)
    assert r.returncode == 0, r.stderr
    not_found = (project / "site/404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"#]+)"', not_found)
    assert links and all(a.startswith("/rongcuo/") for a in links), [a for a in links if not a.startswith("/rongcuo/")]
    assert all((project / "site" / a.removeprefix("/rongcuo/")).exists() for a in links)
    assert 'rel="license">知识共享署名 4.0 国际许可协议</a>' in (project / "site/data/index.html").read_text(encoding="utf-8")
    assert '"name": "CC-BY-4.0"' in (project / "site/data/datapackage.json").read_text(encoding="utf-8")
    assert "<rights>知识共享署名 4.0 国际许可协议</rights>" in (project / "site/feed.xml").read_text(encoding="utf-8")
    case_page = (project / "site/cases/XA-2023-017/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:url" content="https://example.gov.cn/rongcuo/cases/XA-2023-017/">' in case_page
    # a malformed one stops the build with a message, and the site stays as it was
    before = tree_digest(project / "site")
    config.write_text(licensed.replace("path: https://", "path: ftp://"), encoding="utf-8")
    r = portal(project, "build", env=sub_path)
    assert r.returncode == 1 and "portal 插件的设置有误：data_license 的 path 应为条款全文的网址" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and tree_digest(project / "site") == before


def test_failed_build_leaves_previous_site_untouched(built):
    before = tree_digest(built / "site")
    broken = built / "cases/2016/XA-2016-999.yaml"
    broken.write_text((built / "cases/2016/XA-2016-001.yaml").read_text(encoding="utf-8")
                      .replace("XA-2016-001", "XA-2016-999").replace("outcome: 免予问责", "outcome: 免于问责"),
                      encoding="utf-8")
    try:
        r = portal(built, "build")
        assert r.returncode == 1
        assert "E104" in r.stderr and "网站未生成" in r.stderr
        # MkDocs' closing "Aborted with a BuildError!" is said in Chinese
        assert "构建失败：原因见上面 “错误：” 开头的一行，原有网站目录保持不变。" in r.stderr and "Aborted" not in r.stderr
        assert "\n错误：检查未通过" in r.stderr and "ERROR" not in r.stderr
    finally:
        broken.unlink()
    assert tree_digest(built / "site") == before
    assert not [p for p in built.iterdir() if p.name.startswith(".site-")]


@pytest.mark.parametrize("site_dir", [".", "..", "cases", "content", "content/site", "theme", "mkdocs.yml", "elsewhere"])
def test_build_refuses_a_site_dir_that_would_delete_the_project(tmp_path, site_dir):
    """The build replaces the whole site folder: `--site-dir .` once deleted the project, records
    and .git included, and reported success."""
    project = tmp_path / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", "bench", "tests", "docs", "*.pyc"))
    (project / "elsewhere").mkdir()
    (project / "elsewhere" / "notes.txt").write_text("不是网站", encoding="utf-8")  # a folder that is no built site
    before = tree_digest(tmp_path)
    r = portal(project, "build", "--site-dir", site_dir)
    assert r.returncode == 2 and r.stderr.startswith("无法构建：") and "Traceback" not in r.stderr, r.stderr
    assert tree_digest(tmp_path) == before


def test_a_mistyped_cases_folder_is_refused_not_published_as_an_empty_site(built):
    before = tree_digest(built / "site")
    r = portal(built, "build", "--cases", "casse")
    assert r.returncode == 2 and "portal：案例目录 casse 不存在或不是目录" in r.stderr, r.stderr
    assert tree_digest(built / "site") == before
    # the same through MkDocs itself, with the typo in mkdocs.yml
    config = (built / "mkdocs.yml").read_text(encoding="utf-8")
    (built / "mkdocs-typo.yml").write_text(config.replace("  - portal ", "  - portal:\n      cases: casse\n  # ", 1), encoding="utf-8")
    try:
        r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs-typo.yml", "-d", str(built / "typo-site")],
                           cwd=built, capture_output=True, text=True)
        assert r.returncode == 1 and "案例目录 casse 不存在或不是目录" in r.stderr, r.stderr
    finally:
        (built / "mkdocs-typo.yml").unlink()


def test_a_site_dir_that_cannot_be_made_is_a_message_not_a_traceback(built):
    r = portal(built, "build", "--site-dir", "README.md/site")  # below a file
    assert r.returncode == 1 and "无法构建：不能在" in r.stderr and "已有同名的文件" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_a_site_dir_that_is_a_mount_point_has_its_contents_replaced(built, tmp_path, monkeypatch):
    """A container's volume cannot be renamed (EBUSY): the build replaced nothing and ended in a
    traceback, leaving its temporary folder behind."""
    import errno
    import os

    from generator import build
    from generator.project import Project

    site = tmp_path / "mounted"
    shutil.copytree(built / "site", site)
    (site / "stale.html").write_text("旧文件", encoding="utf-8")
    (site / ".well-known").mkdir()
    real_rename = os.rename

    def rename(src, dst):
        if Path(src) == site:
            raise OSError(errno.EBUSY, "Device or resource busy", str(src))
        return real_rename(src, dst)

    monkeypatch.setattr(build.os, "rename", rename)
    monkeypatch.chdir(built)
    monkeypatch.delenv("PORTAL_SITE_URL", raising=False)
    assert build.build_site(Project.find(root=built), site_dir=site) == 0
    assert tree_digest(site) == tree_digest(built / "site")  # the same site, stale file gone
    assert (site / ".well-known").is_dir()  # hidden entries stay, as in a renamed site
    assert [p.name for p in tmp_path.iterdir()] == ["mounted"]  # no temporary folder left


def test_rebuild_keeps_the_hidden_entries_of_the_old_site(built):
    """A site folder that is a deployment checkout keeps its .git, as MkDocs' own clean build leaves it."""
    hidden = built / "site/.git"
    hidden.mkdir()
    (hidden / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    try:
        assert portal(built, "build").returncode == 0
        assert (hidden / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/gh-pages\n"
        assert (built / "site/index.html").exists()
    finally:
        shutil.rmtree(hidden, ignore_errors=True)


def test_broken_links_in_hand_written_pages_are_warned_in_chinese(built):
    page = built / "content/about/links.md"
    page.write_text("# 链接\n\n见[某页](nowhere.md)和[某节](#no-such-section)。\n", encoding="utf-8")
    try:
        r = portal(built, "build")
    finally:
        page.unlink()
    assert r.returncode == 0, r.stderr
    assert "警告：页面 content/about/links.md 中的链接 “nowhere.md” 指向的 content/about/nowhere.md 不存在" in r.stderr
    assert "警告：页面 content/about/links.md 中的链接 “#no-such-section”：本页中没有这一节" in r.stderr  # anchors: warn
    assert "WARNING" not in r.stderr and "Doc file" not in r.stderr


def test_mkdocs_build_strict_passes_directly(built, tmp_path):
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
                       cwd=built, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out/cases/XA-2016-001/index.html").is_file()


def test_sitemap_uses_record_dates(built):
    sitemap = (built / "site/sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"<loc>[^<]*cases/XA-2023-017/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    assert entry and entry.group(1) == "2024-01-08"


def test_no_third_party_urls_in_pages(built):
    for p in (built / "site").rglob("*.html"):
        text = p.read_text(encoding="utf-8")
        for m in re.finditer(r'(?:src|href)="(https?:)?//([^/"]+)', text):
            pytest.fail(f"{p}: loads from {m.group(2)}")


def test_open_data_json_and_csv_match_the_pages(built, records):
    import csv
    import io
    import json

    pub = {c.id: c for c in public(records)}
    data = json.loads((built / "site/data/cases.json").read_text(encoding="utf-8"))
    ids = [c["id"] for c in data["cases"]]
    assert sorted(ids) == sorted(pub) and len(ids) == len(set(ids)) == data["count"]
    raw = (built / "site/data/cases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["id"] for r in rows] == sorted(pub)
    by_id = {r["id"]: r for r in rows}
    for item in data["cases"]:
        c, row = pub[item["id"]], by_id[item["id"]]
        page = visible_text(article(built / "site" / item["url"].strip("/") / "index.html"))
        for value in (item["title"], item["region"], item["result"]["outcome"], item["subject"]["display"]):
            assert value in page
        assert (row["title"], row["region"], row["result.outcome"], row["result.decided"],
                row["disclosure.published"]) == (item["title"], item["region"], item["result"]["outcome"],
                                                 item["result"]["decided"], item["disclosure"]["published"])
        assert item["result"]["decided"] == c.result.decided.isoformat()
        assert "allow" not in item["disclosure"]


def test_atom_feed(built, records):
    import xml.etree.ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(built / "site/feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    pub = public(records)
    assert len(entries) == len(pub) + sum(len(c.revisions) for c in pub)
    updated = [e.find("a:updated", ns).text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.find("a:updated", ns).text == updated[0]
    ids = [e.find("a:id", ns).text for e in entries]
    assert len(set(ids)) == len(ids)
    for tag in ("id", "title", "updated", "author/a:name"):  # what RFC 4287 requires of a feed...
        assert feed.find("a:" + tag, ns).text, tag
    for e in entries:
        for tag in ("id", "title", "updated"):  # ...and of each entry
            assert e.find("a:" + tag, ns).text, tag
        href = e.find("a:link", ns).get("href")
        assert (built / "site" / href.strip("/") / "index.html").is_file()
        assert e.find("a:title", ns).text.startswith(("公开：", "更正："))
    assert (built / "site/data/schema.json").read_text(encoding="utf-8").startswith("{")
    home = (built / "site/index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home and "feed.xml" in home


def test_a_build_failing_after_the_index_started_leaves_nothing_behind(built, tmp_path, monkeypatch):
    """Pagefind starts while MkDocs still writes the pages; when MkDocs then fails (here a macro
    that does not exist), Pagefind is stopped and its temporary folders are removed."""
    monkeypatch.setenv("PORTAL_CACHE", "0")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    before = _search_documents()
    page = built / "content/about/disclosure.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n{{ no_such_macro() }}\n", encoding="utf-8")
    try:
        r = portal(built, "build", "--site-dir", str(tmp_path / "out"))
    finally:
        page.write_text(original, encoding="utf-8")
    assert r.returncode == 1 and "构建失败" in r.stderr
    _assert_index_job_gone(tmp_path, before)


def _search_documents() -> set[Path]:
    """The temporary search-document folders that exist now (PagefindJob puts them in /dev/shm)."""
    shm = Path("/dev/shm")
    return set(shm.glob("portal-search-*")) if shm.is_dir() else set()


def _assert_index_job_gone(tmp_path: Path, documents_before: set[Path]) -> None:
    """No site at tmp_path/out, no Pagefind staging folder, no new search documents, no Pagefind."""
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob("portal-pagefind-*"))
    assert _search_documents() == documents_before
    assert subprocess.run(["pgrep", "-f", "pagefind.*portal-search-"], capture_output=True).returncode == 1


def test_a_build_stopped_by_sigterm_leaves_nothing_behind(built, tmp_path, monkeypatch):
    """A cancelled CI job or `kill` ends `portal build` as Ctrl-C does: Pagefind is stopped, every
    temporary folder removed, and the site folder never appears half-built."""
    import os
    import signal
    import time

    monkeypatch.setenv("PORTAL_CACHE", "0")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    before = _search_documents()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site-dir", str(tmp_path / "out")],
                            cwd=built, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("portal-pagefind-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the build ended before Pagefind was seen running"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "已中断" in err, err
    assert "Traceback" not in err
    _assert_index_job_gone(tmp_path, before)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out-")]  # no half-built site either


def test_no_heading_level_is_skipped(built):
    """A screen reader's list of headings jumps from h1 to h3 as if a section were missing (vnu
    reports it): the 容错情形 page put each circumstance under an h3 straight after its h1."""
    skipped = []
    for page in sorted((built / "site").rglob("*.html")):
        if "<article" not in page.read_text(encoding="utf-8"):
            continue  # e.g. the pager's redirect pages
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", article(page))]
        skipped += [(str(page.relative_to(built / "site")), a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not skipped, skipped[:5]


def test_no_aria_label_on_an_element_without_a_role(built):
    """ARIA forbids a name on generic elements (div, span, p, b, i): screen readers ignore it and
    the HTML checker (vnu) reports it. The search page's filter box had one."""
    found = []
    for page in sorted((built / "site").rglob("*.html")):
        html_text = page.read_text(encoding="utf-8")
        found += [(page.name, tag) for tag in re.findall(r"<(?:div|span|p|b|i)\b[^>]*\baria-label=[^>]*>", html_text)
                  if "role=" not in tag]
    assert not found, found[:5]
    assert 'id="portal-search-facets" class="portal-search-facets" role="group" aria-label="筛选"' in \
        (built / "site/search/index.html").read_text(encoding="utf-8")


def test_the_search_page_asks_early_for_files_the_site_has(built):
    """The search page preloads or prefetches what Pagefind will load (theme/main.html) by names
    Pagefind chooses: every such file exists (a new Pagefind that names them differently fails
    here, not on a phone), and the page loads its script without waiting for the theme's."""
    site = built / "site"
    page = (site / "search/index.html").read_text(encoding="utf-8")
    asked = re.findall(r'<link rel="(?:modulepreload|prefetch)" href="([^"]+)">', page)
    assert len(asked) == 4, asked
    assert [a for a in asked if re.fullmatch(r"\.\./pagefind/[0-9a-f]{16}/pagefind\.und_[0-9a-f]{11}\.pf_meta", a)], asked
    # all from the one index folder, which the script loads Pagefind from too
    folder = re.fullmatch(r"\.\./pagefind/([0-9a-f]{16})/.*", asked[0])[1]
    assert all(a.startswith(f"../pagefind/{folder}/") for a in asked), asked
    assert f'data-index="{folder}"' in page and [p.name for p in (site / "pagefind").iterdir()] == [folder]
    missing = [href for href in asked if not (site / "search" / href).resolve().is_file()]
    assert not missing, missing
    assert re.search(r'<head>.*<script src="../assets/javascripts/portal-search.js" async data-index="[0-9a-f]{16}">.*</head>',
                     page, re.S)
