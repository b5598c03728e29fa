"""Stage 3: records → pages. Engine-agnostic: produces Markdown pages (front matter + headings +
raw HTML blocks) that any Markdown site engine can take; knows nothing of MkDocs.

Only public, already-published records are ever handed to the templates, so an internal or
scheduled record cannot leak through a template mistake.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import jinja2
from markupsafe import Markup, escape

from . import fields, model, stats
from .check import Catalogs
from .markdown import plain_line, protect, render_md, render_text, shorten
from .parallel import chunks, fork_map

T = TypeVar("T")
K = TypeVar("K")
PAGE_SIZE = 50

DOMAIN_SLUGS = dict(zip(model.DOMAINS, (
    "investment", "projects", "reform", "work-safety", "environment", "epidemic", "rural", "business",
    "urban", "livelihood", "emergency", "other")))
OUTCOME_SLUGS = dict(zip(model.OUTCOMES, ("exempted", "not-accountable", "lighter", "mitigated", "cleared")))


def cn_date(value: dt.date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        parts = value.split("-")
        return "".join(f"{int(p)}{u}" for p, u in zip(parts, "年月日"))
    return f"{value.year}年{value.month}月{value.day}日"


def is_public(case: model.Case, today: dt.date) -> bool:
    d = case.disclosure
    return d.scope == "公开" and d.published is not None and d.published <= today


def last_updated(case: model.Case) -> dt.date:
    return max([case.published_on, *(r.date for r in case.revisions)])


DESCRIPTION_CHARS = 90


def case_description(c: model.Case) -> str:
    """A case in one line for search engines and link previews: region, outcome and the start of
    the event, as words (no Markdown marks), with "…" where it is cut."""
    return f"{c.region} · {c.result.outcome} · {shorten(plain_line(c.event.summary), DESCRIPTION_CHARS)}"


def newest_key(case: model.Case) -> tuple[dt.date, str]:
    """The site's order of cases, newest first (sort with reverse=True)."""
    return case.published_on, case.id


def newest_first(cases: Iterable[model.Case]) -> list[model.Case]:
    return sorted(cases, key=newest_key, reverse=True)


def case_url(case: model.Case | str) -> str:
    return f"cases/{case if isinstance(case, str) else case.id}/"


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs ("" is the root, directories end in "/")."""
    target = posixpath.relpath("/" + to_url, "/" + (from_url or "."))
    if to_url.endswith("/") or to_url == "":
        return "./" if target == "." else target + "/"
    return target


class Headings:
    """Renders section headings and remembers them for the table of contents."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, str, str]] = []

    def __call__(self, anchor: str, text: str, level: int = 2) -> Markup:
        self.entries.append((level, anchor, text))
        t = render_text(text)
        return Markup(f'<h{level} id="{anchor}">{t}<a class="headerlink" href="#{anchor}" title="本节链接">#</a></h{level}>')


def batch_anchor(name: str) -> str:
    return "batch-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def kept(memo: dict[K, T], keys: list[K], items: list[Any], make: Callable[[list[Any]], list[T]]) -> list[T]:
    """The result for each item: from `memo` where its key is there, else from make() (called once,
    on the missing items, in order); the memo is left holding exactly these results, so what an
    edit made obsolete does not pile up in a long-running preview."""
    fresh = iter(make([x for x, k in zip(items, keys) if k not in memo]))
    out = [memo[k] if k in memo else next(fresh) for k in keys]
    memo.clear()
    memo.update(zip(keys, out))
    return out


@dataclass
class PageMemo:
    """Generated pages kept from one build to the next (the preview's), each under a digest of
    everything it is made from: case pages by case, listing pages by facet value."""
    cases: dict[bytes, Page] = field(default_factory=dict)
    facets: dict[bytes, list[Page]] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    path: str  # source path relative to the docs root, e.g. "cases/XA-2023-017.md"
    title: str  # plain text (escaped when written)
    body: str  # finished HTML (also valid Markdown, as raw HTML blocks)
    description: str = ""
    lastmod: dt.date | None = None
    toc: tuple[tuple[int, str, str], ...] = ()  # (level, id, text) of the headings in body
    article: bool = False  # one case (Open Graph's "article"), not a listing or a page about the site

    @property
    def url(self) -> str:
        p = self.path[:-3]
        if p == "index":
            return ""
        return (p[: -len("index")] if p.endswith("/index") else p + "/")

    def meta(self) -> dict[str, Any]:
        """Page metadata. Titles and descriptions are HTML-escaped here because the engine's
        templates output them raw; macros are switched off for generated pages."""
        meta: dict[str, Any] = {"title": protect(str(escape(self.title))), "render_macros": False,
                                "hide": ["navigation"] if self.toc else ["navigation", "toc"]}
        if self.description:
            meta["description"] = protect(str(escape(self.description)))
        if self.lastmod:
            meta["lastmod"] = self.lastmod.isoformat()
        if self.article:
            meta["article"] = True
        return meta

    def front_matter(self) -> str:
        return self._front_matter

    # Kept on the page (it is immutable): a build asks twice, and the preview keeps pages between
    # rebuilds (PageMemo), so an unchanged page's front matter and digest are not made again.
    @cached_property
    def _front_matter(self) -> str:
        front = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in self.meta().items())
        return f"---\n{front}\n---\n"

    @cached_property
    def digest(self) -> str:
        """Of all the page is (front matter and body): what the preview compares to decide whether
        to write it again."""
        return hashlib.sha256((self.front_matter() + self.body).encode()).hexdigest()

    def source(self) -> str:
        """The page as a Markdown file (front matter + raw HTML), for engines that read a folder."""
        return f"{self.front_matter()}\n{self.body}\n"


@dataclass
class FacetValue:
    name: str
    slug: str
    url: str
    cases: list[model.Case]
    title: str = ""  # longer heading (circumstance title)
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.cases)


@dataclass
class Facet:
    key: str
    label: str
    url: str  # the facet's own page, above its values' pages ("regions/" above "regions/yanta/")
    values: list[FacetValue]

    @property
    def used(self) -> list[FacetValue]:
        return [v for v in self.values if v.cases]


_env = jinja2.Environment(
    loader=jinja2.PackageLoader("generator", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    auto_reload=False,  # templates ship with the package; no stat() per page
    trim_blocks=False,
    keep_trailing_newline=True,
    comment_start_string="<%#",  # "{#id}" is heading-id syntax in the pages, not a Jinja comment
    comment_end_string="#%>",
    # every {{ value }} is escaped and has its braces made inert
    finalize=lambda v: Markup(protect(str(escape(v)))) if v is not None else "",
)


@dataclass(frozen=True)
class DataLicense:
    """The terms the publisher offers the open data under: a deployment's choice (mkdocs.yml,
    the portal plugin's `data_license`), stated on the data page, in datapackage.json and in the feed."""
    title: str  # as readers see it, e.g. 知识共享署名 4.0 国际许可协议（CC BY 4.0）
    path: str  # where its text is (http or https)
    name: str = ""  # an Open Definition / SPDX id where there is one, e.g. CC-BY-4.0

    @classmethod
    def from_config(cls, value: Any) -> DataLicense | None:
        """None for no license stated; ValueError with a Chinese message for a malformed one."""
        if not value:
            return None
        if not isinstance(value, dict):
            raise ValueError("data_license 应为映射，含 title（名称）和 path（条款网址），可加 name（如 CC-BY-4.0）")
        unknown = sorted(set(value) - {"title", "path", "name"})
        if unknown:
            raise ValueError(f"data_license 中有未知的项 {'、'.join(map(str, unknown))}：只能有 title、path、name")
        title, path, name = (value.get(k) for k in ("title", "path", "name"))
        if not isinstance(title, str) or not title.strip():
            raise ValueError("data_license 缺少 title：许可或使用条件的名称")
        if not isinstance(path, str) or not re.match(model.URL_PATTERN, path):
            raise ValueError("data_license 的 path 应为条款全文的网址，以 http:// 或 https:// 开头")
        if name is not None and not isinstance(name, str):
            raise ValueError("data_license 的 name 应为文字，如 CC-BY-4.0")
        return cls(title.strip(), path, (name or "").strip())


class Site:
    """Everything the site shows, computed once from checked records."""

    def __init__(self, records: Iterable[model.Case], catalogs: Catalogs, today: dt.date,
                 data_license: DataLicense | None = None):
        self.today = today
        self.data_license = data_license
        self.catalogs = catalogs
        self.root = catalogs.root
        public = [c for c in records if is_public(c, today)]
        ids = {c.id for c in public}
        # A public case may name a scheduled one among its related cases (the check allows it: both
        # are public records). Until that one is out, its id is left off everywhere (the page, the
        # open data), as the rest of it is; the link appears with it.
        self.cases = newest_first(c if all(r in ids for r in c.related) else
                                  c.model_copy(update={"related": [r for r in c.related if r in ids]})
                                  for c in public)
        self.by_id = {c.id: c for c in self.cases}
        self.circumstances = {c.id: c for c in catalogs.circumstances}

    # ---- facets ----
    @cached_property
    def facets(self) -> list[Facet]:
        def group(key: Callable[[model.Case], Iterable[str]]) -> dict[str, list[model.Case]]:
            out: dict[str, list[model.Case]] = {}
            for c in self.cases:
                for k in key(c):
                    out.setdefault(k, []).append(c)
            return out

        by_region = group(lambda c: [c.region])
        by_circ = group(lambda c: c.reason.circumstances or [])
        by_domain = group(lambda c: [c.event.domain])
        by_outcome = group(lambda c: [c.result.outcome])
        by_year = group(lambda c: [str(c.result.decided.year)])
        return [
            Facet("region", "地区", "regions/", [FacetValue(r.name, r.slug, f"regions/{r.slug}/", by_region.get(r.name, []))
                                     for r in self.catalogs.regions]),
            Facet("circumstance", "容错情形", "circumstances/", [
                FacetValue(ci.id, ci.slug, f"circumstances/{ci.slug}/", by_circ.get(ci.id, []), title=ci.title,
                           detail={"依据": ci.basis, "说明": ci.description})
                for ci in self.catalogs.circumstances]),
            Facet("domain", "领域", "domains/", [FacetValue(d, DOMAIN_SLUGS[d], f"domains/{DOMAIN_SLUGS[d]}/", by_domain.get(d, []))
                                    for d in model.DOMAINS]),
            Facet("outcome", "结果", "outcomes/", [FacetValue(o, OUTCOME_SLUGS[o], f"outcomes/{OUTCOME_SLUGS[o]}/",
                                                 by_outcome.get(o, [])) for o in model.OUTCOMES]),
            Facet("year", "认定年份", "years/", [FacetValue(f"{y}年", y, f"years/{y}/", by_year[y])
                                      for y in sorted(by_year, reverse=True)]),
        ]

    @cached_property
    def _facet_index(self) -> dict[str, Facet]:
        return {f.key: f for f in self.facets}

    @cached_property
    def _facet_urls(self) -> dict[tuple[str, str], str]:
        return {(f.key, v.name): v.url for f in self.facets for v in f.values}

    def facet(self, key: str) -> Facet:
        return self._facet_index[key]

    def facet_url(self, key: str, name: str) -> str:
        return self._facet_urls.get((key, name if key != "year" else f"{name}年"), "cases/")

    @cached_property
    def filter_entries(self) -> list[dict[str, Any]]:
        return [{"label": f.label, "url": f.url, "entries": f.used} for f in self.facets]

    @cached_property
    def typical_batches(self) -> list[tuple[str, list[model.Case]]]:
        batches: dict[str, list[model.Case]] = {}
        for c in self.cases:
            if c.typical:
                batches.setdefault(c.typical, []).append(c)
        # newest batch first: by the latest publication in it, then by name
        return sorted(batches.items(), key=lambda kv: (max(c.published_on for c in kv[1]), kv[0]),
                      reverse=True)

    # ---- rendering helpers ----
    def context(self, url: str) -> dict[str, Any]:
        link = lambda to: rel(url, to)  # noqa: E731
        return {
            "link": link,
            "md": render_md,
            "cn_date": cn_date,
            "case_url": case_url,
            "last_updated": last_updated,
            "batch_anchor": batch_anchor,
            "facet_link": lambda key, name: link(self.facet_url(key, name)),
            "circumstance": lambda cid: self.circumstances[cid],
            "kind_label": lambda c: "容错纠错" if c.kind == "容错" else "澄清正名",
            "occurred": self.occurred_text,
            "items": lambda cases: Markup(_env.get_template("items.html").render(cases=cases, link=link,
                                                                                  case_url=case_url, cn_date=cn_date)),
        }

    @staticmethod
    def occurred_text(c: model.Case) -> str:
        o = c.event.occurred
        if isinstance(o, model.Period):
            return f"{cn_date(o.start)}至{cn_date(o.end)}" if o.start != o.end else cn_date(o.start)
        return cn_date(o)

    def items_html(self, cases: list[model.Case], from_url: str) -> Markup:
        return self.context(from_url)["items"](cases)

    # ---- pages ----
    def case_page(self, c: model.Case) -> Page:
        url = case_url(c)
        # scheduled ones appear once published; an id listed twice is shown once
        related = [self.by_id[r] for r in dict.fromkeys(c.related) if r in self.by_id]
        heading = Headings()
        body = _env.get_template("case.html").render(c=c, related=related, heading=heading, **self.context(url))
        return Page(f"cases/{c.id}.md", c.title, body.strip(), description=case_description(c),
                    lastmod=last_updated(c), toc=tuple(heading.entries), article=True)

    def listing_pages(self, base: str, title: str, cases: list[model.Case], intro: Markup | str = "",
                      filters: bool = True, current: str = "") -> list[Page]:
        spans = [cases[i:i + PAGE_SIZE] for i in range(0, len(cases), PAGE_SIZE)] or [[]]
        pager = f"{base}page/"  # the pager's folder
        lastmod = max((last_updated(c) for c in cases), default=None)  # once, not once per page

        def page_url(n: int) -> str:
            return base if n == 1 else f"{pager}{n}/"

        out = []
        for n, span in enumerate(spans, 1):
            body = _env.get_template("listing.html").render(
                cases=span, total=len(cases), number=n, pages=len(spans), page_url=page_url, pages_url=pager,
                intro=intro if n == 1 else "", open_filters=not current and n == 1,
                # the filter box only on the first page: later pages are reached through the pager
                filters=self.filter_entries if filters and n == 1 else [],
                current=current, **self.context(page_url(n)))
            path = f"{base}index.md" if n == 1 else f"{pager}{n}.md"
            out.append(Page(path, title if n == 1 else f"{title}（第 {n} 页）", body.strip(), lastmod=lastmod))
        if len(spans) > 1:
            # the pager's own folder ("/cases/page/", an address cut short): every page with its dates
            body = _env.get_template("pages.html").render(
                total=len(cases), base=base, pages=[
                    {"number": n, "url": page_url(n), "count": len(span),
                     "newest": span[0].published_on, "oldest": span[-1].published_on}
                    for n, span in enumerate(spans, 1)], **self.context(pager))
            out.append(Page(f"{pager}index.md", f"{title}（各页一览）", body.strip(), lastmod=lastmod))
        return out

    def facet_value_pages(self, f: Facet, v: FacetValue) -> list[Page]:
        intro = ""
        if f.key == "circumstance":
            intro = Markup(f"<p class=\"portal-lead\">{render_text(v.title)}</p>\n<dl class=\"portal-pairs\">" + "".join(
                f"<div><dt>{render_text(k)}</dt><dd>{render_text(t)}</dd></div>" for k, t in v.detail.items())
                           + "</dl>")
        return self.listing_pages(v.url, f"{f.label}：{v.name}", v.cases, intro=intro, current=v.url)

    @cached_property
    def facet_values(self) -> list[tuple[Facet, FacetValue]]:
        return [(f, v) for f in self.facets for v in f.values]

    def facet_pages(self, memo: PageMemo | None = None) -> list[Page]:
        # ~1,000 listing pages at 10,000 cases: spread over the CPUs like the case pages
        per_value = self._memoized(memo.facets if memo is not None else None, self.facet_keys, self.facet_values,
                                   _render_facet_values, FACET_PARALLEL_THRESHOLD)
        return [p for pages in per_value for p in pages]

    def facet_index_page(self, f: Facet) -> Page:
        """The page above a facet's values ("/regions/"): each value with its count, so that a
        visitor who shortens "/regions/yanta/" to "/regions/" lands on a page, not on a 404."""
        body = _env.get_template("facet.html").render(f=f, **self.context(f.url))
        return Page(f"{f.url}index.md", f"按{f.label}浏览", body.strip(),
                    description=f"{self.root}公开的容错纠错案例，按{f.label}分类",
                    lastmod=max((last_updated(c) for v in f.values for c in v.cases), default=None))

    def typical_page(self) -> Page:
        url = "typical/"
        ctx = self.context(url)
        heading = Headings()
        parts = ["<div class=\"portal-intro\"><p>典型案例由纪检监察机关从已办结的案例中选出，分批发布，"
                 "供各级参照学习。</p></div>"]
        for name, cases in self.typical_batches:
            parts.append(heading(batch_anchor(name), name))
            parts.append(f"<div class=\"portal-batch\">\n<p class=\"portal-total\">本批共 {len(cases)} 件。</p>\n"
                         f"{ctx['items'](sorted(cases, key=lambda c: c.id))}\n</div>")
        if not self.typical_batches:
            parts.append("<p>暂无典型案例。</p>")
        return Page("typical/index.md", "典型案例", "\n".join(parts), toc=tuple(heading.entries),
                    lastmod=max((last_updated(c) for _, cs in self.typical_batches for c in cs), default=None))

    @cached_property
    def stats(self) -> stats.Stats:
        return stats.compute(self.cases, [r.name for r in self.catalogs.regions],
                             [c.id for c in self.catalogs.circumstances])

    def stats_page(self) -> Page:
        heading = Headings()
        body = _env.get_template("stats.html").render(
            s=self.stats, heading=heading, days=stats.days, chart=lambda t: Markup(stats.bar_chart(t)),
            **self.context("stats/"))
        return Page("stats/index.md", "统计", body.strip(), description=f"{self.root}公开的容错纠错案例统计",
                    toc=tuple(heading.entries), lastmod=max((last_updated(c) for c in self.cases), default=None))

    def data_page(self) -> Page:
        from .export import FEED_ENTRIES  # export builds on this module

        heading = Headings()
        body = _env.get_template("data.html").render(total=len(self.cases), fields=fields.field_reference(),
                                                     feed_entries=FEED_ENTRIES, heading=heading,
                                                     data_license=self.data_license, **self.context("data/"))
        return Page("data/index.md", "开放数据", body.strip(), description=f"{self.root}容错纠错案例的开放数据：下载与字段说明",
                    toc=tuple(heading.entries), lastmod=max((last_updated(c) for c in self.cases), default=None))

    def case_pages(self, memo: PageMemo | None = None) -> list[Page]:
        return self._memoized(memo.cases if memo is not None else None, self.case_keys, self.cases, _render_cases,
                              PARALLEL_THRESHOLD)

    def _memoized(self, memo: dict[bytes, T] | None, keys: Callable[[], list[bytes]], items: list[Any],
                  fn: Callable[[int, int], list[T]], threshold: int) -> list[T]:
        """fn over items (forked, see forked), through `memo` when there is one (kept)."""
        make = lambda todo: self._fork_over(fn, todo, threshold)  # noqa: E731
        return make(items) if memo is None else kept(memo, keys(), items, make)

    def _fork_over(self, fn: Callable[[int, int], list[T]], items: list[Any], threshold: int) -> list[T]:
        self._work = items  # what fn's slices index, in the forked workers too
        try:
            return self.forked(fn, len(items), threshold)
        finally:
            del self._work

    @cached_property
    def _shared_digest(self) -> Any:
        """What every page is made from besides its own cases: the catalogs, site name, day and
        data license. The rest is code (templates, this module), which a running preview never
        reloads anyway."""
        h = hashlib.blake2b(digest_size=16)
        h.update(repr((self.today, self.root, self.data_license)).encode())
        for item in (*self.catalogs.regions, *self.catalogs.circumstances):
            h.update(item.model_dump_json().encode() + b"\0")
        return h

    @cached_property
    def case_dumps(self) -> dict[str, bytes]:
        """Each case whole, as JSON by id: what the preview's kept output is looked up by."""
        return {c.id: c.model_dump_json().encode() for c in self.cases}  # JSON holds no raw NUL

    def case_keys(self) -> list[bytes]:
        """A digest per case of everything its page is made from: the case, the cases it lists as
        related (their cards) and what all pages share."""
        keys = []
        for c in self.cases:
            h = self._shared_digest.copy()
            h.update(self.case_dumps[c.id])
            for r in dict.fromkeys(c.related):
                h.update(b"\0" + self.case_dumps.get(r, b""))
            keys.append(h.digest())
        return keys

    def facet_keys(self) -> list[bytes]:
        """A digest per facet value of everything its listing pages are made from: the value, its
        cases (whole), the filter box's values and counts, and what all pages share."""
        box = repr([(f.label, f.url, [(v.name, v.url, v.count) for v in f.used]) for f in self.facets]).encode()
        keys = []
        for f, v in self.facet_values:
            h = self._shared_digest.copy()
            h.update(repr((f.key, f.label, f.url, v.name, v.slug, v.url, v.title, sorted(v.detail.items()))).encode())
            h.update(box)
            for c in v.cases:
                h.update(b"\0" + self.case_dumps[c.id])
            keys.append(h.digest())
        return keys

    def forked(self, fn: Callable[[int, int], list[T]], total: int, threshold: int) -> list[T]:
        """fn(start, end) over slices of range(total), in forked workers from `threshold` on; the
        workers reach this site through the module's _RENDERING."""
        global _RENDERING
        _RENDERING = self  # forked workers reach the site through this global instead of a pickle
        try:
            return fork_map(fn, chunks(total, threshold))
        finally:
            _RENDERING = None

    def pages(self, memo: PageMemo | None = None) -> list[Page]:
        """Every generated page. `memo`: the preview's, kept from one rebuild to the next, so that
        an edit re-renders only the case and listing pages it touches (see _memoized)."""
        out = self.case_pages(memo)
        intro = Markup("<p>这里列出本平台公开的全部容错纠错和澄清正名案例。每件案例按“流程、对象、事件、原因、结果”"
                       "五要素公开。可以按地区、容错情形、领域、结果和年份浏览。</p>")
        out += self.listing_pages("cases/", "全部案例", self.cases, intro=intro)
        out += self.facet_pages(memo)
        out += [self.facet_index_page(f) for f in self.facets]
        out.append(self.typical_page())
        out.append(self.stats_page())
        out.append(self.data_page())
        return out

    # ---- figures for hand-written pages (macros) ----
    @cached_property
    def figures(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "total": len(self.cases),
            "tolerance": sum(1 for c in self.cases if c.kind == "容错"),
            "clearing": sum(1 for c in self.cases if c.kind == "澄清"),
            "typical": sum(1 for c in self.cases if c.typical),
            "batches": len(self.typical_batches),
            "regions": len(self.facet("region").used),
            "people": sum(c.subject.count for c in self.cases),
            "updated": cn_date(max((last_updated(c) for c in self.cases), default=None)),
            "typical_share": self.stats.typical_share,
            "follow_up_share": self.stats.follow_up_share,
            "days_to_decision": stats.days(self.stats.median_days_to_decision),
            "days_to_publication": stats.days(self.stats.median_days_to_publication),
        }


_RENDERING: Site | None = None
PARALLEL_THRESHOLD = 400  # case pages
FACET_PARALLEL_THRESHOLD = 40  # facet values (each one or more listing pages)


def _render_cases(start: int, end: int) -> list[Page]:
    assert _RENDERING is not None
    return [_RENDERING.case_page(c) for c in _RENDERING._work[start:end]]


def _render_facet_values(start: int, end: int) -> list[list[Page]]:
    assert _RENDERING is not None
    return [_RENDERING.facet_value_pages(f, v) for f, v in _RENDERING._work[start:end]]


def render_site(records: Iterable[model.Case], catalogs: Catalogs, today: dt.date) -> tuple[Site, list[Page]]:
    site = Site(records, catalogs, today)
    return site, site.pages()


def write_pages(pages: Iterable[Page], dest: Path) -> None:
    """Write pages as Markdown files (for engines that read a folder, and for inspection)."""
    for p in pages:
        target = dest / p.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(p.source(), encoding="utf-8")
