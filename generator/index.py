"""Stage 4 (index): the full-text search records of the public cases, engine-agnostic.

Chinese has no spaces, and the index and the browser cut it into words differently (the
index's dictionary makes 招商 + 引资中 where the browser keeps 招商引资 whole), so a plain word
index misses ordinary queries. Each record's text is therefore indexed as overlapping
two-character pieces (招商 商引 引资), the classic approach for Chinese full-text search; the
search page cuts the query the same way and rebuilds readable excerpts from the pieces.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from . import model, render
from .check import Catalogs, Record
from .markdown import plain
from .parallel import chunks, fork_map
from .privacy import readable
from .render import Site, case_url, cn_date, is_public, newest_key

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese runs and the punctuation between words are captured; spaces only separate. split()
# cycles through the text around them (places 0, 3, …), a Chinese run or None (1, 4, …) and a
# separator or None (2, 5, …)
_PIECES = re.compile(f"([{_CJK}]+)|" + r"([\s，。、；：？！“”‘’（）《》【】〔〕…—·,.;:?!\"'()\[\]{}<>/\\|]+)")
_REPEATS = re.compile(r"(.)\1+")


def bigrams(text: str) -> str:
    """招商引资，XA-2023-017 → '招商 商引 引资 ， XA-2023-017'.

    Punctuation stays as a token of its own: Pagefind indexes no word for it (it has no letter or
    digit) but counts it as a position and keeps it in the text excerpts are cut from, so the search
    page can show results with their commas, full stops and field boundaries instead of one run of
    characters ("雁塔区。雁塔区住建局", not "雁塔区雁塔区住建局")."""
    out: list[str] = []
    extend, append = out.extend, out.append
    parts = _PIECES.split(text)
    last = parts.pop()
    for other, run, sep in zip(parts[0::3], parts[1::3], parts[2::3]):
        if other:
            append(other)
        if run is not None:
            if len(run) > 1:
                extend(map(str.__add__, run, run[1:]))  # overlapping pairs, made in C: most of the time here
            else:
                append(run)
        elif len(sep) == 1:  # the common case, kept cheap
            if not sep.isspace():
                append(sep)
        else:
            mark = _REPEATS.sub(r"\1", "".join(sep.split()))  # "。 。" → "。"
            if mark:
                append(mark)
    if last:
        append(last)
    return " ".join(out)


def sentences(texts: Iterable[str]) -> str:
    """The texts as one, each ended with a full stop unless it has its own: what keeps the fields
    apart in excerpts, and what stops Pagefind from adding an ASCII "." at the end."""
    return "".join(t if t[-1] in "。！？…" else t + "。" for t in texts if t)


@dataclass(frozen=True)
class SearchRecord:
    url: str  # root-relative ("/cases/XA-2023-017/"); the search page prefixes the site's base path
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]
    # "und" (undetermined), not "zh": the text is already cut into pieces, and Pagefind's Chinese
    # segmenter would cut them again (and split ids such as XA-2023-017 into xa, 2023, 017).
    language: str = "und"


def case_text(c: model.Case, circumstances: Mapping[str, model.Circumstance]) -> Iterable[str]:
    """Everything a citizen reads on the case page. The title, id and region come last: a result
    shows them above its excerpt, and Pagefind cuts the excerpt from the first of equally good
    places, so a match in the text around the event wins over an echo of the card."""
    yield c.subject.display
    yield c.event.domain
    yield plain(c.event.summary)
    for cid in c.reason.circumstances or []:
        yield cid
        yield circumstances[cid].title
    if c.reason.finding:
        yield c.reason.finding
    yield from c.reason.basis
    yield plain(c.reason.analysis)
    yield from (c.process.initiation, c.process.implementing_body, c.process.determining_authority)
    yield from (s.note for s in c.process.steps if s.note)
    yield c.result.outcome
    yield from c.result.measures or []
    yield plain(c.result.summary)
    if c.correction:
        yield from c.correction.actions
    for f in c.follow_ups:
        yield f.by
        yield plain(f.finding)
    yield from (r.note for r in c.revisions)
    yield from (s.title for s in c.sources)
    if c.typical:
        yield c.typical
    yield c.title
    yield c.id
    yield c.region


def filters_of(c: model.Case) -> dict[str, list[str]]:
    """The search page's facets (地区, 年份, …) and a case's values for each."""
    filters = {
        "地区": [c.region], "年份": [f"{c.result.decided.year}年"], "领域": [c.event.domain],
        "结果": [c.result.outcome], "类型": ["容错纠错" if c.kind == "容错" else "澄清正名"],
    }
    if c.reason.circumstances:
        filters["容错情形"] = list(c.reason.circumstances)
    if c.typical:
        filters["典型案例"] = [c.typical]
    return filters


def facet_counts(site: Site) -> dict[str, dict[str, int]]:
    """How many public cases each facet value has: what the search page shows before anything
    is searched, without downloading the index's filter files."""
    counts: dict[str, Counter[str]] = {}
    for c in site.cases:
        for name, values in filters_of(c).items():
            counts.setdefault(name, Counter()).update(values)
    return {name: dict(sorted(values.items())) for name, values in sorted(counts.items())}


def _record(c: model.Case, circumstances: Mapping[str, model.Circumstance]) -> SearchRecord:
    filters = filters_of(c)
    return SearchRecord(
        url="/" + case_url(c),
        # read as the privacy check reads it: without invisible format characters (a zero-width space
        # pasted into 加装电梯 cut it in two), full-width digits and letters as ASCII (as the search
        # page reads a query typed in full-width mode)
        content=bigrams(readable(sentences(case_text(c, circumstances)))[0]),
        meta={"title": c.title, "id": c.id, "region": c.region, "outcome": c.result.outcome,
              "date": cn_date(c.result.decided)},
        filters=filters,
        sort={"date": c.result.decided.isoformat()},
    )


# what forked workers read (see search_records): the records, the circumstances, the build date
_INDEXING: tuple[Sequence[Record | model.Case], Mapping[str, model.Circumstance], dt.date] | None = None


def _records(start: int, end: int) -> list[tuple[tuple[dt.date, str], SearchRecord]]:
    assert _INDEXING is not None
    records, circumstances, today = _INDEXING
    cases = (r.case if isinstance(r, Record) else r for r in records[start:end])
    return [(newest_key(c), _record(c, circumstances)) for c in cases if is_public(c, today)]


def search_records(records: Sequence[Record | model.Case], catalogs: Catalogs, today: dt.date) -> list[SearchRecord]:
    """The search records of the public cases among `records`, in the site's order (Site.cases).

    Straight from the checked records, without a Site, in forked workers for large archives: a
    build starts Pagefind with them before it builds the Site, whose unpickling of every case
    (about 1 s at 10,000) then runs beside Pagefind; each worker unpickles its own share (cutting
    10,000 texts into pieces takes seconds)."""
    global _INDEXING
    _INDEXING = records, {c.id: c for c in catalogs.circumstances}, today
    try:
        keyed = fork_map(_records, chunks(len(records), render.PARALLEL_THRESHOLD))
    finally:
        _INDEXING = None
    keyed.sort(key=lambda k: k[0], reverse=True)
    return [r for _, r in keyed]
