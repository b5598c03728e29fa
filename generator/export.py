"""Stage 4 (export): open data of the public cases — JSON, CSV (UTF-8 with BOM, for Excel),
the JSON Schema, and an Atom feed of publications and revisions. Engine-agnostic, deterministic
(sorted; the only dates are the records' own)."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from . import model
from .fields import field_reference
from .markdown import plain_line, shorten
from .render import Site, case_url, kept, last_updated

T = TypeVar("T")


def feed_ids(site_url: str | None, root: str) -> tuple[str, str]:
    """The feed's id and the prefix of its entries' ids. Atom ids must be unique across the web:
    a feed reader takes an entry it has seen under the same id for the same entry, and every city
    that runs the portal has a "XA-2023-017"-like id. With site_url they are the pages' addresses
    (what most generators use); without it, a URN that names the jurisdiction."""
    if site_url:
        base = site_url.rstrip("/") + "/"
        return base, base
    base = f"urn:rongcuo-portal:{quote(root, safe='')}:"
    return base + "feed", base


def page_address(c: model.Case, site_url: str | None) -> str:
    """The case page's address in the open data: whole with site_url, which both CI templates
    fill in. A root-relative "/cases/…" led nowhere from a site under a sub-path (a GitHub Pages
    project site, "https://org.github.io/portal/"): resolved against cases.json's own address it
    lost the sub-path, and in a spreadsheet it is no link at all. Without site_url the site's
    address is unknown, and the path from its root is all there is."""
    return (site_url.rstrip("/") + "/" if site_url else "/") + case_url(c)


def record_json(c: model.Case, site_url: str | None = None) -> dict[str, Any]:
    """A public record, normalised: defaults filled in, dates as YYYY-MM-DD, with its page's
    address (page_address). `disclosure.allow` (the staff's acknowledgements for the privacy
    check) is not published."""
    data = c.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["disclosure"].pop("allow", None)
    return {"url": page_address(c, site_url), "last_updated": last_updated(c).isoformat(), **data}


@dataclass
class ExportMemo:
    """Each case's line of cases.json and row of cases.csv, kept from one build to the next (the
    preview's) under the case's whole content and the site's address."""
    json_lines: dict[tuple[bytes, str], str] = field(default_factory=dict)
    csv_rows: dict[tuple[bytes, str], list[Any]] = field(default_factory=dict)


def _per_case(site: Site, cases: list[model.Case], site_url: str | None, memo: dict[tuple[bytes, str], T] | None,
              make: Callable[[model.Case], T]) -> list[T]:
    """make(c) for each case; with `memo`, kept from the last build when the case and the site's
    address are the same (render.kept)."""
    if memo is None:
        return [make(c) for c in cases]
    return kept(memo, [(site.case_dumps[c.id], site_url or "") for c in cases], cases, lambda todo: [make(c) for c in todo])


def cases_json(site: Site, site_url: str | None = None, memo: ExportMemo | None = None) -> str:
    cases = sorted(site.cases, key=lambda c: c.id)
    head = {
        "title": f"{site.root}容错纠错案例公开数据",
        "format_version": model.FORMAT_VERSION,
        "updated": max((last_updated(c) for c in cases), default=site.today).isoformat(),
        "count": len(cases),
        "schema": "schema.json",
    }
    # One case per line. An indented dump goes through json's pure-Python encoder (5 s for 10,000
    # cases); each line here uses the C encoder, and the file stays readable and diffable.
    lines = ",\n".join(_per_case(
        site, cases, site_url, memo.json_lines if memo is not None else None,
        lambda c: "    " + json.dumps(record_json(c, site_url), ensure_ascii=False, separators=(",", ":"))))
    return json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "cases": [\n' + lines + ("\n" if lines else "") + "  ]\n}\n"


# The shape of cases.json, for datapackage.json. Its records are not schema.json's records as they
# stand: they add url and last_updated, which the record format (closed to unknown fields) rejects.
CASES_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "description": "cases 中每件案例去掉 url 和 last_updated 两项后，即 schema.json 描述的记录（默认值已填入）",
    "type": "object",
    "required": ["title", "format_version", "updated", "count", "schema", "cases"],
    "properties": {
        "title": {"type": "string"},
        "format_version": {"type": "integer"},
        "updated": {"type": "string", "format": "date"},
        "count": {"type": "integer", "minimum": 0},
        "schema": {"const": "schema.json"},
        "cases": {"type": "array", "items": {
            "type": "object", "required": ["id", "url", "last_updated"],
            "properties": {"url": {"type": "string"}, "last_updated": {"type": "string", "format": "date"}}}},
    },
}


def _join(items) -> str:
    return "；".join(str(i) for i in items)


# Each column's value from a case and the site's address (site_url, or None)
CSV_COLUMNS: list[tuple[str, Any]] = [
    ("id", lambda c, _: c.id),
    ("url", page_address),
    ("kind", lambda c, _: c.kind),
    ("title", lambda c, _: c.title),
    ("region", lambda c, _: c.region),
    ("subject.display", lambda c, _: c.subject.display),
    ("subject.type", lambda c, _: c.subject.type),
    ("subject.count", lambda c, _: c.subject.count),
    ("subject.rank", lambda c, _: c.subject.rank or ""),
    ("subject.unit_type", lambda c, _: c.subject.unit_type),
    ("event.domain", lambda c, _: c.event.domain),
    ("event.occurred", lambda c, _: c.event.occurred if isinstance(c.event.occurred, str)
     else f"{c.event.occurred.start}/{c.event.occurred.end}"),
    ("event.summary", lambda c, _: c.event.summary.strip()),
    ("reason.circumstances", lambda c, _: _join(c.reason.circumstances or [])),
    ("reason.finding", lambda c, _: c.reason.finding or ""),
    ("reason.basis", lambda c, _: _join(c.reason.basis)),
    ("reason.analysis", lambda c, _: c.reason.analysis.strip()),
    ("process.initiation", lambda c, _: c.process.initiation),
    ("process.implementing_body", lambda c, _: c.process.implementing_body),
    ("process.determining_authority", lambda c, _: c.process.determining_authority),
    ("process.steps", lambda c, _: _join(f"{s.date} {s.step}" + (f"至{s.end}" if s.end else "")
                                         for s in c.process.steps)),
    ("result.outcome", lambda c, _: c.result.outcome),
    ("result.decided", lambda c, _: c.result.decided.isoformat()),
    ("result.measures", lambda c, _: _join(c.result.measures or [])),
    ("result.summary", lambda c, _: c.result.summary.strip()),
    ("correction.actions", lambda c, _: _join(c.correction.actions) if c.correction else ""),
    ("correction.completed", lambda c, _: c.correction.completed.isoformat()
     if c.correction and c.correction.completed else ""),
    ("follow_ups", lambda c, _: _join(f"{f.date} {f.by}：{f.finding.strip()}" for f in c.follow_ups)),
    ("disclosure.published", lambda c, _: c.published_on.isoformat()),
    ("last_updated", lambda c, _: last_updated(c).isoformat()),
    ("typical", lambda c, _: c.typical or ""),
    ("revisions", lambda c, _: _join(f"{r.date} {r.note}" for r in c.revisions)),
    ("related", lambda c, _: _join(c.related)),
    ("sources", lambda c, _: _join(s.title for s in c.sources)),
    # added later, so at the end: a reader that takes columns by position keeps working
    ("subject.named", lambda c, _: "true" if c.subject.named else "false"),
    ("correction.deadline", lambda c, _: c.correction.deadline.isoformat() if c.correction and c.correction.deadline else ""),
]
# Fields of the format with no column of their own: the scope is always 公开 here, `allow` holds
# the reviewers' notes on the privacy check, and the parts of a list of items are summed up in
# the list's column (process.steps: date and step; sources: titles); cases.json has them all.
CSV_LEAVES_OUT = {"disclosure.scope", "disclosure.allow"}


# Spreadsheets read a cell that starts with one of these as a formula: "=HYPERLINK(…)" in a
# record would run when a citizen opens the file, and a Markdown list ("- 第一点") shows as #NAME?.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as the text it is: a leading apostrophe before a formula start
    (OWASP's advice for CSV). Numbers stay numbers; cases.json keeps every text exactly."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def cases_csv(site: Site, site_url: str | None = None, memo: ExportMemo | None = None) -> bytes:
    """One row per public record; list fields joined with “；”. UTF-8 with BOM so Excel opens it."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    rows = _per_case(site, sorted(site.cases, key=lambda c: c.id), site_url, memo.csv_rows if memo is not None else None,
                     lambda c: [as_text_cell(get(c, site_url)) for _, get in CSV_COLUMNS])
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def schema_json() -> str:
    return json.dumps(model.json_schema(), ensure_ascii=False, indent=2) + "\n"


def _stamp(d: dt.date) -> str:
    """The start of the day in China (UTC+8), where the dates of a record are days: with "Z", a
    reader in China showed a case published on 2 February as published at 08:00, and one in Europe
    as published on 1 February."""
    return f"{d.isoformat()}T00:00:00+08:00"


# Entries in the feed: the newest FEED_ENTRIES, and the rest of the day the last of them is from.
# Feed readers fetch the whole file on every poll: all 10,000 cases' entries made 9.5 MB. The
# whole archive is in cases.json and cases.csv; a feed carries what is new.
FEED_ENTRIES = 100
# ...and never more than this, even within a day: a portal that goes live publishing its backlog on
# one day put all of it in the feed (10,000 cases: 9.5 MB, fetched on every poll for weeks)
FEED_MAX_ENTRIES = 500
FEED_SUMMARY_CHARS = 200


def feed_xml(site: Site, site_url: str | None) -> str:
    """Atom (RFC 4287): one entry per publication and one per revision, newest first; the newest
    FEED_ENTRIES and never part of a day, so a reader that polls daily misses nothing even on the
    day a large batch is published."""
    entries: list[tuple[dt.date, str, str]] = []  # (date, sort key, xml)
    feed_id, entry_base = feed_ids(site_url, site.root)
    revision = "#revision-" if site_url else ":revision:"
    for c in site.cases:
        # relative, like every href in the feed: against xml:base (site_url) or, without one, the
        # feed's own address, it resolves under the site's path; "/cases/…" would lose a sub-path
        # such as a GitHub Pages project site's ("https://org.github.io/portal/")
        href = case_url(c)
        published = c.published_on
        ident = entry_base + (href if site_url else c.id)
        items = [(published, ident, f"公开：{c.title}", f"{c.region} · {c.result.outcome}。"
                  + shorten(plain_line(c.event.summary), FEED_SUMMARY_CHARS))]
        for n, r in enumerate(c.revisions, 1):
            items.append((r.date, f"{ident}{revision}{n}", f"更正：{c.title}", f"{r.date} 更正：{r.note}"))
        for date, entry_id, title, summary in items:
            xml = (f"<entry><id>{xml_escape(entry_id)}</id><title>{xml_escape(title)}</title>"
                   f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(href)}/>"
                   f"<published>{_stamp(published)}</published><updated>{_stamp(date)}</updated>"
                   f"<summary>{xml_escape(summary)}</summary></entry>")
            entries.append((date, entry_id, xml))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    if len(entries) > FEED_ENTRIES:
        last_day = entries[FEED_ENTRIES - 1][0]
        entries = [e for e in entries if e[0] >= last_day][:FEED_MAX_ENTRIES]  # newest first: a prefix
    updated = entries[0][0] if entries else site.today
    base = f" xml:base={quoteattr(site_url)}" if site_url else ""
    head = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"{base} "
            f"xml:lang=\"zh\"><id>{xml_escape(feed_id)}</id><title>{xml_escape(site.root)}容错纠错案例公开平台</title>"
            f"<subtitle>新公开和更正的案例</subtitle><link rel=\"self\" href=\"feed.xml\"/>"
            f"<link rel=\"alternate\" type=\"text/html\" href=\"./\"/><updated>{_stamp(updated)}</updated>"
            f"<author><name>{xml_escape(site.root)}容错纠错案例公开平台</name></author>")
    if site.data_license is not None:  # Atom's rights, and the license link relation (RFC 4946)
        head += (f"<rights>{xml_escape(site.data_license.title)}</rights>"
                 f"<link rel=\"license\" href={quoteattr(site.data_license.path)}/>")
    head += "\n"
    return head + "\n".join(e[2] for e in entries) + "\n</feed>\n"


# columns that are no field of the format: title, description and Table Schema type
EXTRA_COLUMNS = {"url": ("网址", "案例页面的完整网址（网站没有配置 site_url 时为从网站根目录起的路径）", "string"),
                 "last_updated": ("最后更新", "公开日期和各次更正日期中最晚的一个", "date")}


def _table_type(field_type: str) -> str:
    """The Table Schema type of a column, from the field's type as the field reference words it."""
    if field_type == "整数":
        return "integer"
    if field_type.startswith("是否"):
        return "boolean"
    return "date" if field_type.startswith("日期") else "string"


def csv_fields() -> list[dict[str, Any]]:
    """Table Schema fields of cases.csv, titled and described from the one schema declaration."""
    known = {f.path: f for f in field_reference()}
    out = []
    for name, _ in CSV_COLUMNS:
        f = known.get(name)
        title, desc, kind = (f.title, f.description, _table_type(f.type)) if f else EXTRA_COLUMNS[name]
        if f and f.type.startswith("列表"):
            desc = (desc + "。" if desc else "") + "多项用“；”连接"
        out.append({"name": name, "title": title, "description": desc, "type": kind})
    return out


def datapackage(site: Site, files: dict[str, bytes]) -> str:
    """Frictionless Data Package (v2) describing the open-data files beside it in data/."""
    def resource(name: str, path: str, mediatype: str, **extra: Any) -> dict[str, Any]:
        raw = files[f"data/{path}"]
        return {"name": name, "path": path, "mediatype": mediatype, "encoding": "utf-8", "bytes": len(raw),
                "hash": "sha256:" + hashlib.sha256(raw).hexdigest(), **extra}

    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "rongcuo-cases",
        "title": f"{site.root}容错纠错案例公开数据",
        "description": "已公开的容错纠错和澄清正名案例：流程、对象、事件、原因、结果。",
        "version": str(model.FORMAT_VERSION),
        # RFC 3339 date-time, as the Data Package profile requires (a bare date fails validation);
        # the start (in China) of the newest record's date, so the file still follows from the records alone
        "created": _stamp(max((last_updated(c) for c in site.cases), default=site.today)),
        **({"licenses": [{k: v for k, v in (("name", lic.name), ("path", lic.path), ("title", lic.title)) if v}]}
           if (lic := site.data_license) else {}),
        "resources": [
            resource("cases-csv", "cases.csv", "text/csv", type="table", format="csv",
                     description="每件公开案例一行（UTF-8，带 BOM）；以 = + - @ 开头的文字前加一个英文单引号，以免表格软件当作公式执行，cases.json 中保持原样",
                     dialect={"header": True, "delimiter": ",", "lineTerminator": "\r\n"},
                     schema={"fields": csv_fields(), "primaryKey": ["id"]}),
            resource("cases-json", "cases.json", "application/json", format="json",
                     description="全部公开案例，字段与 schema.json 一致，另加 url 和 last_updated",
                     jsonSchema=CASES_JSON_SCHEMA),
            # schema.json is referenced above, not listed as a resource of its own: `frictionless
            # validate` takes any file named schema.json for a Table Schema and reports it invalid
        ],
    }
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def exports(site: Site, site_url: str | None = None, memo: ExportMemo | None = None) -> dict[str, bytes]:
    """Files to write, by their path under the site root. `memo`: the preview's (ExportMemo)."""
    files = {
        "data/cases.json": cases_json(site, site_url, memo).encode("utf-8"),
        "data/cases.csv": cases_csv(site, site_url, memo),
        "data/schema.json": schema_json().encode("utf-8"),
        "feed.xml": feed_xml(site, site_url).encode("utf-8"),
    }
    files["data/datapackage.json"] = datapackage(site, files).encode("utf-8")
    robots = robots_txt(site_url)
    if robots is not None:
        files["robots.txt"] = robots.encode("ascii")
    return files


def robots_txt(site_url: str | None) -> str | None:
    """For a site at the root of its host, the only place crawlers read robots.txt (None
    elsewhere): where the sitemap is, and that the search index (10,873 binary files at 10,000
    cases) is not for crawling. The search page stays open to them: the sitemap lists it."""
    parts = urlsplit(site_url or "")
    if not parts.scheme or not parts.netloc or parts.path not in ("", "/"):
        return None
    return f"User-agent: *\nDisallow: /pagefind/\n\nSitemap: {parts.scheme}://{parts.netloc}/sitemap.xml\n"
