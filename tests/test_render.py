import dataclasses
import datetime as dt
import re

import pytest
import yaml

from generator.check import load_catalogs
from generator.model import CaseAdapter
from generator.render import (DESCRIPTION_CHARS, PAGE_SIZE, DataLicense, Page, PageMemo, Site, case_description,
                              cn_date, is_public, rel, write_pages)
from tests.conftest import ROOT, TODAY, base_record

CAT = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")


def case(i: int, **changes):
    data = yaml.safe_load(base_record().replace("XA-2024-001", f"XA-2024-{i:03d}"))
    for path, value in changes.items():
        target = data
        keys = path.split(".")
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value
    return CaseAdapter.validate_python(data)


def test_relative_links_and_urls():
    assert rel("cases/XA-1/", "regions/yanta/") == "../../regions/yanta/"
    assert rel("", "cases/") == "cases/" and rel("cases/", "") == "../" and rel("typical/", "typical/") == "./"
    assert rel("cases/", "data/cases.json") == "../data/cases.json"
    assert Page("cases/XA-1.md", "t", "").url == "cases/XA-1/"
    assert Page("cases/index.md", "t", "").url == "cases/" and Page("index.md", "t", "").url == ""
    assert Page("cases/page/2.md", "t", "").url == "cases/page/2/"


def test_dates():
    assert cn_date(dt.date(2023, 4, 4)) == "2023年4月4日"
    assert cn_date("2023-05") == "2023年5月" and cn_date("2021") == "2021年" and cn_date(None) == ""


def test_only_published_public_cases_are_shown():
    internal = case(2, **{"disclosure.scope": "内部"})
    scheduled = case(3, **{"disclosure.published": dt.date(2027, 1, 1)})
    site = Site([case(1), internal, scheduled], CAT, TODAY)
    assert [c.id for c in site.cases] == ["XA-2024-001"]
    assert not is_public(scheduled, TODAY) and is_public(scheduled, dt.date(2027, 1, 1))


def test_front_matter_escapes_what_the_theme_prints_raw():
    page = Page("cases/x.md", '<b>"标题"</b>', "<p>x</p>", description="{{ 7*7 }} & <i>")
    src = page.source()
    assert "&lt;b&gt;" in src and "<b>" not in src.split("---")[1]
    assert "&#123;&#123; 7*7 &#125;&#125; &amp; &lt;i&gt;" in src
    assert '"render_macros": false' not in src and "render_macros: false" in src


def test_a_case_description_is_words_cut_with_an_ellipsis():
    marked = case(1, **{"event.summary": "依照**《补贴办法》**和[市里的通知](https://example.gov.cn/a)，\n先行拨付 Smart\nCity 补贴。"})
    assert case_description(marked) == "雁塔区 · 免予问责 · 依照《补贴办法》和市里的通知，先行拨付 Smart City 补贴。"
    long = case(2, **{"event.summary": "甲" * DESCRIPTION_CHARS + "乙"})
    assert case_description(long).endswith(" · " + "甲" * (DESCRIPTION_CHARS - 1) + "…")
    exact = case(3, **{"event.summary": "甲" * DESCRIPTION_CHARS})
    assert case_description(exact).endswith(" · " + "甲" * DESCRIPTION_CHARS)  # nothing cut, no "…"
    page = Site([marked], CAT, TODAY).case_page(marked)
    assert page.meta()["article"] is True and "article" not in Page("cases/index.md", "t", "").meta()


def test_pagination_at_the_page_size_boundary():
    cases = [case(i, **{"disclosure.published": dt.date(2024, 3, 1) + dt.timedelta(days=i)})
             for i in range(1, PAGE_SIZE + 2)]
    site = Site(cases, CAT, TODAY)
    pages = site.listing_pages("cases/", "全部案例", site.cases)
    assert [p.path for p in pages] == ["cases/index.md", "cases/page/2.md", "cases/page/index.md"]
    assert f"XA-2024-{PAGE_SIZE + 1:03d}" in pages[0].body  # newest first
    assert "XA-2024-001" in pages[1].body and 'rel="prev"' in pages[1].body
    assert "按类别浏览" in pages[0].body and "按类别浏览" not in pages[1].body
    # the pager's folder, an address cut short, lists every page with its dates; each pager links to it
    index = pages[2]
    assert index.title == "全部案例（各页一览）" and index.url == "cases/page/"
    items = re.findall(r'<li><a href="([^"]+)">第 (\d) 页</a> <span class="portal-meta">([^<]+)</span>', index.body)
    newest = dt.date(2024, 3, 1) + dt.timedelta(days=PAGE_SIZE + 1)
    assert items == [("../", "1", f"{cn_date(newest - dt.timedelta(days=PAGE_SIZE - 1))}至{cn_date(newest)}公开，{PAGE_SIZE} 件"),
                     ("2/", "2", f"{cn_date(dt.date(2024, 3, 2))}公开，1 件")]
    assert '<a class="portal-allpages" href="page/">各页一览</a>' in pages[0].body
    assert '<a class="portal-allpages" href="../">各页一览</a>' in pages[1].body
    one = site.listing_pages("cases/", "全部案例", site.cases[:PAGE_SIZE])
    assert [p.path for p in one] == ["cases/index.md"] and "各页一览" not in one[0].body  # one page: no pager


def test_facets_count_cases():
    site = Site([case(1), case(2, region="碑林区")], CAT, TODAY)
    regions = {v.name: v.count for v in site.facet("region").values}
    assert regions["雁塔区"] == 1 and regions["碑林区"] == 1 and regions["未央区"] == 0
    assert [v.name for v in site.facet("region").used] == ["碑林区", "雁塔区"]
    assert site.facet_url("domain", "招商引资") == "domains/investment/"


def test_each_facet_has_a_page_above_its_values():
    site = Site([case(1), case(2, region="碑林区"), case(3, region="碑林区")], CAT, TODAY)
    pages = {p.path: p for p in site.pages()}
    regions = pages["regions/index.md"]
    assert regions.title == "按地区浏览"
    # only regions with public cases, each linked with its count, in the catalog's order
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="portal-count">（(\d+) 件）', regions.body) == [
        ("beilin/", "碑林区", "2"), ("yanta/", "雁塔区", "1")]
    assert "未央区" not in regions.body and "共 2 个地区有公开案例" in regions.body
    for path in ("circumstances/index.md", "domains/index.md", "outcomes/index.md", "years/index.md"):
        assert path in pages, path
    assert "在推进改革中因缺乏经验" in pages["circumstances/index.md"].body  # a circumstance's longer title
    # and the listings' "按类别浏览" headings lead to them
    assert '<h2><a href="../regions/">地区</a></h2>' in pages["cases/index.md"].body


def test_write_pages_for_folder_based_engines(tmp_path):
    site = Site([case(1)], CAT, TODAY)
    write_pages(site.pages(), tmp_path)
    text = (tmp_path / "cases/XA-2024-001.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ") and '<h2 id="subject">' in text


def test_the_data_license_is_stated_only_where_the_publisher_chose_one():
    cc = {"title": "知识共享署名 4.0 国际许可协议（CC BY 4.0）", "path": "https://creativecommons.org/licenses/by/4.0/",
          "name": "CC-BY-4.0"}
    lic = DataLicense.from_config(cc)
    assert lic == DataLicense(cc["title"], cc["path"], "CC-BY-4.0") and DataLicense.from_config({}) is None
    page = Site([case(1)], CAT, TODAY, lic).data_page().body
    assert f'按<a href="{cc["path"]}" rel="license">{cc["title"]}</a>提供' in page
    assert "使用条件" not in Site([case(1)], CAT, TODAY).data_page().body
    for bad, words in [({"path": cc["path"]}, "缺少 title"), ({"title": "某协议", "path": "ftp://x"}, "http"),
                       ({**cc, "url": cc["path"]}, "未知的项 url"), ("CC-BY", "应为映射")]:
        with pytest.raises(ValueError, match=words):
            DataLicense.from_config(bad)


def test_a_related_case_listed_twice_is_shown_once():
    other = case(2)
    twice = case(1, related=["XA-2024-002", "XA-2024-002"])
    page = Site([twice, other], CAT, TODAY).case_page(twice)
    assert page.body.count('href="../XA-2024-002/"') == 1


def test_a_related_case_not_yet_out_is_left_off_until_it_is():
    """A public case may relate to a scheduled one: until that one is published its id appears
    nowhere (page, open data); on its day the link appears."""
    linking = case(1, related=["XA-2024-002", "XA-2024-003"])
    scheduled = case(2, **{"disclosure.published": TODAY + dt.timedelta(days=30)})
    out = case(3)
    site = Site([linking, scheduled, out], CAT, TODAY)
    assert site.by_id["XA-2024-001"].related == ["XA-2024-003"] and "XA-2024-002" not in site.by_id
    later = Site([linking, scheduled, out], CAT, TODAY + dt.timedelta(days=30))
    assert later.by_id["XA-2024-001"].related == ["XA-2024-002", "XA-2024-003"]
    assert linking.related == ["XA-2024-002", "XA-2024-003"]  # the record itself is untouched


@pytest.fixture
def renders(monkeypatch):
    """The case ids and facet-value urls rendered, in order (the renders are counted, not run twice)."""
    monkeypatch.setenv("PORTAL_JOBS", "1")  # in this process, where the counting is (51 facet values fork)
    done = {"cases": [], "facets": []}
    case_page, facet_value_pages = Site.case_page, Site.facet_value_pages
    monkeypatch.setattr(Site, "case_page", lambda self, c: done["cases"].append(c.id) or case_page(self, c))
    monkeypatch.setattr(Site, "facet_value_pages",
                        lambda self, f, v: done["facets"].append(v.url) or facet_value_pages(self, f, v))
    yield done


def test_the_preview_re_renders_only_the_pages_an_edit_touches(renders):
    def records(title2="", catalogs=CAT):
        two = case(2, title=title2) if title2 else case(2)
        return Site([case(1, related=["XA-2024-002"]), two, case(3, region="长安区")], catalogs, TODAY)

    memo = PageMemo()
    first = records().pages(memo)
    assert sorted(renders["cases"]) == ["XA-2024-001", "XA-2024-002", "XA-2024-003"]
    assert len(memo.cases) == 3 and len(memo.facets) == len(records().facet_values)

    renders["cases"].clear(), renders["facets"].clear()
    assert records().pages(memo) == first  # the same records read again: nothing is rendered
    assert renders == {"cases": [], "facets": []}

    site = records(title2="雁塔区某街道改过标题的一件案例")
    again = site.pages(memo)
    # the edited case, and the case that shows it among its related cases
    assert sorted(renders["cases"]) == ["XA-2024-001", "XA-2024-002"]
    # the listings that hold it (its region, domain, outcome, year, circumstances), not 长安区's
    assert set(renders["facets"]) == {v.url for _, v in site.facet_values if any(c.id == "XA-2024-002" for c in v.cases)}
    assert "regions/changan/" not in renders["facets"] and renders["facets"]
    assert again == records(title2="雁塔区某街道改过标题的一件案例").pages()  # the same as a build without the memo
    renders["cases"].clear(), renders["facets"].clear()

    # a catalog every page reads (a circumstance's title): everything again
    first_circ = CAT.circumstances[0]
    edited = dataclasses.replace(CAT, circumstances=[first_circ.model_copy(update={"title": first_circ.title + "（修订）"}),
                                                     *CAT.circumstances[1:]])
    records(title2="雁塔区某街道改过标题的一件案例", catalogs=edited).pages(memo)
    assert len(renders["cases"]) == 3 and len(renders["facets"]) == len(memo.facets)

    # a record taken away leaves the memo with it
    Site([case(1), case(3, region="长安区")], edited, TODAY).pages(memo)
    assert len(memo.cases) == 2


def test_the_preview_memo_follows_the_day(renders):
    """The day decides what is public and is part of every key: a new day renders afresh."""
    memo = PageMemo()
    Site([case(1)], CAT, TODAY).pages(memo)
    renders["cases"].clear()
    Site([case(1)], CAT, TODAY + dt.timedelta(days=1)).pages(memo)
    assert renders["cases"] == ["XA-2024-001"]


def test_a_pages_digest_covers_its_front_matter_and_body():
    """The preview rewrites a page when its digest changes (mkdocs_plugin._skip_unchanged); the
    digest is kept on the page, which the preview keeps between rebuilds."""
    page = Page("cases/x.md", "标题", "<p>正文</p>", description="描述")
    assert page.digest == Page("cases/x.md", "标题", "<p>正文</p>", description="描述").digest
    others = [Page("cases/x.md", "标题", "<p>正文。</p>", description="描述"),
              Page("cases/x.md", "标题二", "<p>正文</p>", description="描述"),
              Page("cases/x.md", "标题", "<p>正文</p>", description="描述二"),
              Page("cases/x.md", "标题", "<p>正文</p>", description="描述", lastmod=dt.date(2024, 1, 2))]
    assert len({page.digest, *(p.digest for p in others)}) == 5
    assert page.front_matter() is page.front_matter()  # made once
