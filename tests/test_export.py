import csv
import dataclasses
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import yaml

from generator.check import load_catalogs
from generator.export import CSV_COLUMNS, cases_csv, cases_json, exports, feed_xml, record_json
from generator.model import CaseAdapter
from generator.render import DataLicense, Site
from tests.conftest import ROOT, TODAY, base_record

CAT = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")


def site_with(**changes):
    data = yaml.safe_load(base_record())
    data.update(changes)
    data["disclosure"]["allow"] = [{"code": "E302", "text": "12388", "reason": "监督电话"}]
    case = CaseAdapter.validate_python(data)
    return Site([case], CAT, TODAY), case


def test_json_is_normalised_and_leaves_out_allow():
    site, case = site_with()
    item = record_json(case)
    assert item["url"] == "/cases/XA-2024-001/" and item["kind"] == "容错" and item["subject"]["count"] == 1
    assert item["result"]["decided"] == "2024-02-01" and "allow" not in item["disclosure"]
    payload = json.loads(cases_json(site))
    assert payload["count"] == 1 and payload["updated"] == "2024-03-01"


def test_csv_has_bom_and_round_trips():
    data_summary = "第一行，含\"引号\"\n第二行"
    site, _ = site_with(title="含“引号”,逗号的测试案例标题",
                        event={"domain": "招商引资", "occurred": "2023-05", "summary": data_summary})
    raw = cases_csv(site)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == [name for name, _ in CSV_COLUMNS] and len(rows) == 2
    assert rows[1][3] == "含“引号”,逗号的测试案例标题"
    assert rows[1][[n for n, _ in CSV_COLUMNS].index("event.summary")] == data_summary


def test_csv_has_a_column_for_every_field_of_the_format():
    """correction.deadline, shown on the case page, was missing from the CSV (and subject.named)."""
    from generator.export import CSV_LEAVES_OUT
    from generator.fields import field_reference

    columns = {name for name, _ in CSV_COLUMNS}
    fields = [f.path for f in field_reference() if "[]" not in f.path and f.type != "一组字段"]  # items: in their list's column
    missing = [p for p in fields if p not in columns and p not in CSV_LEAVES_OUT]
    assert not missing, missing
    site, _ = site_with(correction={"actions": ["完善制度"], "deadline": "2024-06-30"})
    [row] = csv.DictReader(io.StringIO(cases_csv(site).decode("utf-8-sig"), newline=""))
    assert row["correction.deadline"] == "2024-06-30" and row["subject.named"] == "false"


def test_csv_cells_never_start_a_formula():
    """A spreadsheet runs a cell that starts with =, +, -, @ as a formula (CSV injection, and a
    Markdown list shows as #NAME?): the CSV shows them as text; the JSON keeps them exactly."""
    title = '=HYPERLINK("https://example.com","点这里查看")'
    summary = "- 第一点\n- 第二点"
    site, case = site_with(title=title, event={"domain": "招商引资", "occurred": "2023-05", "summary": summary})
    rows = list(csv.DictReader(io.StringIO(cases_csv(site).decode("utf-8-sig"), newline="")))
    assert rows[0]["title"] == "'" + title and rows[0]["event.summary"] == "'" + summary
    assert rows[0]["subject.count"] == "1" and rows[0]["id"] == "XA-2024-001"  # the rest as they are
    item = record_json(case)
    assert item["title"] == title and item["event"]["summary"] == summary


def test_feed_summaries_are_words_joined_as_on_the_page():
    summary = "试点期间**水质**出现波动，\n个别指标短时超标，见[通报](https://example.gov.cn/a)。" + "甲" * 300
    site, _ = site_with(event={"domain": "招商引资", "occurred": "2023-05", "summary": summary})
    root = ET.fromstring(feed_xml(site, None))
    text = root.find("a:entry/a:summary", {"a": "http://www.w3.org/2005/Atom"}).text
    assert text.startswith("雁塔区 · 免予问责。试点期间水质出现波动，个别指标短时超标，见通报。甲")
    assert text.endswith("甲…") and len(text) == len("雁塔区 · 免予问责。") + 200


def test_feed_is_well_formed_with_hostile_text():
    site, _ = site_with(title="<script>&amp;测试案例标题很长</script>",
                        revisions=[{"date": "2024-04-01", "note": "更正 & <b>说明</b>"}])
    root = ET.fromstring(feed_xml(site, "https://example.org/rongcuo/"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.find("a:title", ns).text for e in root.findall("a:entry", ns)]
    assert titles == ["更正：<script>&amp;测试案例标题很长</script>", "公开：<script>&amp;测试案例标题很长</script>"]
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") == "https://example.org/rongcuo/"


def test_feed_times_are_the_start_of_the_day_in_china():
    """A record's dates are days in China: an entry published on a day starts at midnight there,
    so a reader in China shows that day (with "Z" it showed 08:00, and a reader in Europe showed
    the day before)."""
    site, case = site_with(revisions=[{"date": "2024-04-01", "note": "更正说明"}])
    root = ET.fromstring(feed_xml(site, None))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    china = dt.timezone(dt.timedelta(hours=8))
    stamps = [dt.datetime.fromisoformat(e.text) for e in root.iter() if e.tag.endswith(("published", "updated"))]
    assert len(stamps) == 5  # the feed's updated, and published and updated of two entries
    days = {s.astimezone(china).date() for s in stamps}
    assert days == {case.disclosure.published, dt.date(2024, 4, 1)}
    assert all(s.astimezone(china).time() == dt.time(0) for s in stamps)
    assert root.find("a:updated", ns).text == "2024-04-01T00:00:00+08:00"


def test_feed_links_stay_under_the_sites_path():
    """A reader resolves each href against xml:base (site_url) or, without it, the feed's own
    address; either way a site under a sub-path keeps its path ("/cases/…" would drop it)."""
    from urllib.parse import urljoin

    site, _ = site_with(revisions=[{"date": "2024-04-01", "note": "更正说明"}])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for site_url, feed_address in (("https://example.org/rongcuo/", "https://example.org/rongcuo/feed.xml"),
                                   (None, "https://org.github.io/portal/feed.xml")):
        root = ET.fromstring(feed_xml(site, site_url))
        base = site_url or feed_address
        links = {link.get("rel"): urljoin(base, link.get("href")) for link in root.findall("a:link", ns)}
        assert links == {"self": feed_address, "alternate": feed_address.removesuffix("feed.xml")}
        entries = {urljoin(base, e.find("a:link", ns).get("href")) for e in root.findall("a:entry", ns)}
        assert entries == {feed_address.removesuffix("feed.xml") + "cases/XA-2024-001/"}


def test_open_data_links_to_the_pages_under_the_sites_path():
    """cases.json and cases.csv gave "/cases/…": against the data file's own address on a site
    under a sub-path (a GitHub Pages project site) that lost the path, and in a spreadsheet it was
    no link. With site_url (which both CI templates fill in) each row has the page's whole address."""
    from urllib.parse import urljoin

    site, _ = site_with()
    for site_url in ("https://org.github.io/portal/", "https://org.github.io/portal"):
        files = exports(site, site_url)
        [item] = json.loads(files["data/cases.json"])["cases"]
        [row] = csv.DictReader(io.StringIO(files["data/cases.csv"].decode("utf-8-sig"), newline=""))
        assert item["url"] == row["url"] == "https://org.github.io/portal/cases/XA-2024-001/"
        # a client that resolves it against the file it read it from gets the same
        assert urljoin("https://org.github.io/portal/data/cases.json", item["url"]) == item["url"]
    # without site_url the site's address is unknown: the path from its root, as documented
    files = exports(site, None)
    assert json.loads(files["data/cases.json"])["cases"][0]["url"] == "/cases/XA-2024-001/"
    [row] = csv.DictReader(io.StringIO(files["data/cases.csv"].decode("utf-8-sig"), newline=""))
    assert row["url"] == "/cases/XA-2024-001/"
    url_field = next(f for f in json.loads(files["data/datapackage.json"])["resources"][0]["schema"]["fields"]
                     if f["name"] == "url")
    assert "site_url" in url_field["description"]


def test_feed_carries_the_newest_entries_and_never_half_a_day():
    """Feed readers fetch the whole feed on every poll (all 10,000 cases made 9.5 MB): it carries
    the newest 100 entries, plus the rest of the day the hundredth is from."""
    from generator import export

    base = yaml.safe_load(base_record())
    days = ["2024-03-01"] * 40 + ["2024-02-20"] * 80 + ["2024-02-10"] * 30
    cases = []
    for i, day in enumerate(days, 1):
        data = json.loads(json.dumps(base, default=str))
        data["id"] = f"XA-2024-{i:03}"
        data["disclosure"]["published"] = day
        cases.append(CaseAdapter.validate_python(data))
    root = ET.fromstring(feed_xml(Site(cases, CAT, TODAY), None))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    updated = [e.find("a:updated", ns).text[:10] for e in root.findall("a:entry", ns)]
    assert export.FEED_ENTRIES == 100
    assert len(updated) == 120  # 40 + the whole of the day the hundredth entry is from
    assert set(updated) == {"2024-03-01", "2024-02-20"} and updated == sorted(updated, reverse=True)
    assert root.find("a:updated", ns).text.startswith("2024-03-01")
    few = ET.fromstring(feed_xml(Site(cases[:30], CAT, TODAY), None))
    assert len(few.findall("a:entry", ns)) == 30  # below the limit: everything



def test_feed_stays_small_on_the_day_a_backlog_is_published():
    """A portal that goes live publishing its backlog on one day put every case in the feed (one
    day is never split): 10,000 cases made 9.5 MB, fetched on every poll. At most 500 entries."""
    from generator import export

    base = yaml.safe_load(base_record())
    cases = []
    for i in range(1, 601):
        data = json.loads(json.dumps(base, default=str))
        data["id"] = f"XA-2024-{i:03}"
        cases.append(CaseAdapter.validate_python(data))
    root = ET.fromstring(feed_xml(Site(cases, CAT, TODAY), None))
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert export.FEED_MAX_ENTRIES == 500 and len(entries) == 500


def test_robots_txt_only_where_crawlers_read_it():
    from generator.export import exports

    site, _ = site_with()
    robots = exports(site, "https://example.gov.cn/")["robots.txt"].decode("ascii")
    assert robots.splitlines() == ["User-agent: *", "Disallow: /pagefind/", "",
                                   "Sitemap: https://example.gov.cn/sitemap.xml"]
    assert "robots.txt" in exports(site, "https://example.gov.cn")
    # under a sub-path (a GitHub Pages project site) crawlers never read it; without site_url no address
    assert "robots.txt" not in exports(site, "https://example.github.io/rongcuo/")
    assert "robots.txt" not in exports(site, None)


def test_the_data_license_goes_into_the_package_and_the_feed():
    _, case = site_with()
    lic = DataLicense("知识共享署名 4.0 国际许可协议（CC BY 4.0）", "https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0")
    files = exports(Site([case], CAT, TODAY, lic))
    package = json.loads(files["data/datapackage.json"])
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": lic.path, "title": lic.title}]
    root = ET.fromstring(files["feed.xml"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:rights", ns).text == lic.title
    assert root.find("a:link[@rel='license']", ns).get("href") == lic.path
    # none chosen: none claimed
    plain = exports(Site([case], CAT, TODAY))
    assert "licenses" not in json.loads(plain["data/datapackage.json"])
    assert ET.fromstring(plain["feed.xml"]).find("a:rights", ns) is None


def test_feed_ids_are_unique_to_the_deployment():
    """Atom ids must be unique across the web, and every city's portal has ids like XA-2024-001: a
    reader subscribed to two portals took one's entries for the other's. They are the pages'
    addresses under site_url, else a URN naming the jurisdiction; each entry's id is its own."""
    site, _ = site_with(revisions=[{"date": "2024-04-01", "note": "更正说明"}])
    ns = {"a": "http://www.w3.org/2005/Atom"}

    def ids(site_url, s=site):
        root = ET.fromstring(feed_xml(s, site_url))
        return root.find("a:id", ns).text, [e.find("a:id", ns).text for e in root.findall("a:entry", ns)]

    feed, entries = ids("https://example.org/rongcuo")
    assert feed == "https://example.org/rongcuo/"
    assert entries == ["https://example.org/rongcuo/cases/XA-2024-001/#revision-1",
                       "https://example.org/rongcuo/cases/XA-2024-001/"]
    feed, entries = ids(None)
    assert feed == "urn:rongcuo-portal:%E8%A5%BF%E5%AE%89%E5%B8%82:feed"  # 西安市
    assert entries == ["urn:rongcuo-portal:%E8%A5%BF%E5%AE%89%E5%B8%82:XA-2024-001:revision:1",
                       "urn:rongcuo-portal:%E8%A5%BF%E5%AE%89%E5%B8%82:XA-2024-001"]
    other = Site(site.cases, dataclasses.replace(CAT, root="宝鸡市"), TODAY)
    assert not set(ids(None, other)[1]) & set(entries)
    assert ids("https://other.example/")[1][1] != ids("https://example.org/rongcuo/")[1][1]


def test_the_previews_open_data_rebuilds_only_the_rows_of_changed_cases(monkeypatch):
    """The preview keeps each case's cases.json line and cases.csv row (ExportMemo) under the case's
    whole content and the site's address; the files are the same as without it."""
    import generator.export as export

    made = []
    real = export.record_json
    monkeypatch.setattr(export, "record_json", lambda c, url=None: made.append(c.id) or real(c, url))

    def site(title=""):
        cases = [CaseAdapter.validate_python(yaml.safe_load(base_record().replace("XA-2024-001", f"XA-2024-{i:03d}")))
                 for i in (1, 2, 3)]
        if title:
            cases[1] = cases[1].model_copy(update={"title": title})
        return Site(cases, CAT, TODAY)

    memo = export.ExportMemo()
    first = exports(site(), "https://example.gov.cn/", memo)
    assert sorted(made) == ["XA-2024-001", "XA-2024-002", "XA-2024-003"] and len(memo.csv_rows) == 3
    made.clear()
    assert exports(site(), "https://example.gov.cn/", memo) == first and made == []
    edited = exports(site("雁塔区某街道改过标题的一件案例"), "https://example.gov.cn/", memo)
    assert made == ["XA-2024-002"]
    assert edited == exports(site("雁塔区某街道改过标题的一件案例"), "https://example.gov.cn/")
    assert "雁塔区某街道改过标题的一件案例" in edited["data/cases.csv"].decode("utf-8-sig")
    made.clear()
    exports(site("雁塔区某街道改过标题的一件案例"), "https://example.gov.cn/portal/", memo)  # another address: every url
    assert len(made) == 3
