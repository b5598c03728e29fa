"""Statistics: the figures equal an independent recount from the raw YAML, every chart has its
table with the same figures, and the open-data page and package describe what is published."""
import datetime as dt
import hashlib
import html.parser
import json
import re
from collections import Counter

import pytest
import yaml

from generator.check import check_paths, load_catalogs, record_files
from generator.render import Site
from generator.stats import Table, bar_chart
from tests.conftest import ROOT, TODAY

CAT = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")


def raw_public() -> list[dict]:
    """The public records read with plain yaml.safe_load: no model, no checker."""
    out = []
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        pub = d["disclosure"].get("published")
        if d["disclosure"]["scope"] == "公开" and pub is not None and pub <= TODAY:
            out.append(d)
    return out


def median(values: list[int]) -> float:
    s, n = sorted(values), len(values)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def recount() -> dict[str, Counter]:
    recs = raw_public()
    kind = lambda d: d.get("kind", "容错")  # noqa: E731
    c: dict[str, Counter] = {
        "decided": Counter(f"{d['result']['decided'].year}年" for d in recs),
        "published": Counter(f"{d['disclosure']['published'].year}年" for d in recs),
        "kind": Counter("容错纠错" if kind(d) == "容错" else "澄清正名" for d in recs),
        "region": Counter(d["region"] for d in recs),
        "domain": Counter(d["event"]["domain"] for d in recs),
        "circumstance": Counter(x for d in recs if kind(d) == "容错" for x in d["reason"]["circumstances"]),
        "outcome": Counter(d["result"]["outcome"] for d in recs),
        "unit_type": Counter(d["subject"]["unit_type"] for d in recs),
        "rank": Counter(d["subject"]["rank"] for d in recs if d["subject"].get("type", "个人") == "个人"),
    }
    c["overview"] = Counter({
        "total": len(recs), "tolerance": sum(kind(d) == "容错" for d in recs),
        "people": sum(d["subject"].get("count", 1) for d in recs),
        "typical": sum(bool(d.get("typical")) for d in recs),
        "follow": sum(bool(d.get("follow_ups")) for d in recs),
    })
    c["days"] = Counter({
        "decision": median([(d["result"]["decided"] - d["process"]["steps"][0]["date"]).days for d in recs]),
        "publication": median([(d["disclosure"]["published"] - d["result"]["decided"]).days for d in recs]),
    })
    return c


@pytest.fixture(scope="module")
def site() -> Site:
    return Site([r.case for r in check_paths(record_files(ROOT / "cases"), CAT, TODAY).records], CAT, TODAY)


def test_figures_equal_an_independent_recount(site):
    want, s = recount(), site.stats
    assert len(site.cases) < len(list((ROOT / "cases").rglob("*.yaml")))  # internal and scheduled exist...
    assert s.total == want["overview"]["total"]  # ...and are not counted
    assert (s.tolerance, s.clearing) == (want["overview"]["tolerance"], s.total - want["overview"]["tolerance"])
    assert (s.people, s.typical, s.with_follow_up) == (want["overview"]["people"], want["overview"]["typical"],
                                                       want["overview"]["follow"])
    assert s.median_days_to_decision == want["days"]["decision"]
    assert s.median_days_to_publication == want["days"]["publication"]
    for t in s.tables:
        counted = {label: n for label, n in t.rows if n}
        assert counted == dict(want[t.key]), t.key


def test_zero_rows_and_year_gaps_are_shown(site):
    tables = {t.key: t for t in site.stats.tables}
    assert [label for label, _ in tables["region"].rows] == [r.name for r in CAT.regions]
    years = [int(label[:-1]) for label, _ in tables["decided"].rows]
    assert years == list(range(years[0], years[-1] + 1))  # 2017 and 2018 have no case and still appear
    assert dict(tables["decided"].rows)["2017年"] == 0


def test_shares_and_empty_site():
    empty = Site([], CAT, TODAY).stats
    assert empty.total == 0 and empty.typical_share == "—" and empty.median_days_to_decision is None
    assert all(t.total == 0 for t in empty.tables)
    assert empty.share(1, 3) == "33.3%"


def test_bar_chart_is_inert_svg_with_one_bar_per_row():
    t = Table("x", "按“地区”<script>", "地区", (("雁塔区", 3), ("<b>新城区</b>", 0), ("未央区", 6)))
    svg = bar_chart(t)
    assert svg.count("<rect") == 3 and "<script" not in svg and "<b>" not in svg and "&lt;b&gt;" in svg
    widths = [int(w) for w in __import__("re").findall(r'<rect[^>]* width="(\d+)"', svg)]
    assert widths[0] * 2 == widths[2] and widths[1] == 0  # bars scale with the figures; zero draws nothing


# ---- the built pages ----
class Tables(html.parser.HTMLParser):
    """Collects each .portal-stat block: its svg labels and its table rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self.depth = 0
        self.cell: list[str] | None = None
        self.row: list[str] = []
        self.where = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("class") == "portal-stat":
            self.blocks.append({"svg": [], "rows": [], "table_id": None, "attrs": []})
        if not self.blocks:
            return
        b = self.blocks[-1]
        if tag == "svg":
            self.where = "svg"
        if tag == "table":
            self.where, b["table_id"] = "table", a.get("id")
        b["attrs"] += [k for k in a]
        if tag == "text" and a.get("class") == "portal-chart-label" or tag in ("th", "td") and self.where == "table":
            self.cell = []
        if tag == "tr":
            self.row = []

    def handle_endtag(self, tag):
        if not self.blocks:
            return
        b = self.blocks[-1]
        if tag == "text" and self.cell is not None:
            b["svg"].append("".join(self.cell))
            self.cell = None
        if tag in ("th", "td") and self.cell is not None:
            self.row.append("".join(self.cell))
            self.cell = None
        if tag == "tr" and self.where == "table" and self.row:
            b["rows"].append(tuple(self.row))
        if tag in ("svg", "table"):
            self.where = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


@pytest.mark.site
def test_stats_page_every_chart_has_its_table_with_the_recounted_figures(demo_site):
    page = (demo_site / "stats/index.html").read_text(encoding="utf-8")
    p = Tables()
    p.feed(page)
    want = recount()
    keys = [b["table_id"].removeprefix("table-") for b in p.blocks]
    assert keys == ["decided", "published", "kind", "region", "domain", "circumstance", "outcome", "unit_type", "rank"]
    for key, b in zip(keys, p.blocks):
        header, *rows = b["rows"]
        assert header[1] == "案例数"
        assert [label for label, _ in rows] == b["svg"], key  # the chart shows the table's rows, in order
        assert {label: int(n) for label, n in rows if int(n)} == dict(want[key]), key
        assert not any(k.startswith("on") for k in b["attrs"])
    assert "<script" not in page.split('<article')[1].split("</article>")[0]
    overview = want["overview"]
    assert f"<tr><th scope=\"row\">公开案例</th><td>{overview['total']} 件</td></tr>" in page
    assert f"{want['days']['decision']:g} 天" in page


@pytest.mark.site
def test_home_shows_headline_figures_and_links_to_stats(demo_site):
    home = (demo_site / "index.html").read_text(encoding="utf-8")
    o = recount()["overview"]
    assert f"<strong>{o['total']}</strong>公开案例" in home
    assert f"{o['typical'] / o['total'] * 100:.1f}%" in home
    assert 'href="stats/"' in home and 'href="data/"' in home


@pytest.mark.site
def test_datapackage_describes_the_files_it_lists(demo_site):
    import csv
    import io

    pkg = json.loads((demo_site / "data/datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in pkg["resources"]] == ["cases.csv", "cases.json"]
    # cases.json has the shape the package gives it, and each record, less the two added fields, is a
    # record of schema.json (which rejects unknown fields: url and last_updated would fail it)
    import jsonschema

    data = json.loads((demo_site / "data/cases.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, pkg["resources"][1]["jsonSchema"], cls=jsonschema.Draft202012Validator)
    record_schema = json.loads((demo_site / "data/schema.json").read_text(encoding="utf-8"))
    assert data["cases"]
    for case in data["cases"]:
        assert {"url", "last_updated"} <= set(case)
        rest = {k: v for k, v in case.items() if k not in ("url", "last_updated")}
        jsonschema.validate(rest, record_schema, cls=jsonschema.Draft202012Validator)
    # the profile's "created" is an RFC 3339 date-time: a bare date fails `frictionless validate`
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+08:00", pkg["created"]), pkg["created"]
    for r in pkg["resources"]:
        raw = (demo_site / "data" / r["path"]).read_bytes()
        assert r["bytes"] == len(raw) and r["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    table = pkg["resources"][0]
    rows = list(csv.reader(io.StringIO((demo_site / "data/cases.csv").read_bytes().decode("utf-8-sig"), newline="")))
    fields = table["schema"]["fields"]
    assert rows[0] == [f["name"] for f in fields]
    assert all(f["title"] and f["type"] in ("string", "integer", "boolean", "date") for f in fields)
    for i, f in enumerate(fields):  # every value fits its declared type
        for row in rows[1:]:
            if row[i] and f["type"] == "date":
                dt.date.fromisoformat(row[i])
            if f["type"] == "integer":
                int(row[i])
            if f["type"] == "boolean":
                assert row[i] in ("true", "false"), (f["name"], row[i])
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == len(set(ids))  # the declared primary key holds


@pytest.mark.site
def test_open_data_page_explains_every_field_of_the_schema(demo_site):
    page = html.unescape((demo_site / "data/index.html").read_text(encoding="utf-8"))
    schema = json.loads((demo_site / "data/schema.json").read_text(encoding="utf-8"))

    def paths(s: dict, prefix: str = ""):
        for key, sub in s.get("properties", {}).items():
            yield prefix + key
            ref = sub.get("$ref") or (sub.get("items") or {}).get("$ref") or next(
                (o["$ref"] for o in sub.get("anyOf", []) if "$ref" in o), None)
            if ref and "oneOf" not in sub:
                joint = "[]." if sub.get("type") == "array" else "."
                yield from paths(schema["$defs"][ref.split("/")[-1]], prefix + key + joint)

    expected = list(paths(schema))
    assert len(expected) > 50
    for p in expected:
        assert f"<code>{p}</code>" in page, p
    for name in ("cases.json", "cases.csv", "schema.json", "datapackage.json", "feed.xml"):
        assert f">{name}</a>" in page
    case = (demo_site / "cases/XA-2023-017/index.html").read_text(encoding="utf-8")
    assert 'href="../../data/"' in case
