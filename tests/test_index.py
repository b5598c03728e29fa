from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check import check_paths, load_catalogs, record_files
from generator.index import bigrams, search_records
from generator.render import Site
from tests.conftest import ROOT, TODAY


def test_bigrams():
    assert bigrams("招商引资") == "招商 商引 引资"
    assert bigrams("雁塔区，XA-2023-017。桃") == "雁塔 塔区 ， XA-2023-017 。 桃"
    assert bigrams("改革 reform 先行") == "改革 reform 先行"
    assert bigrams("") == ""
    assert bigrams("2023年，招—商 a引资") == "2023 年 ， 招 — 商 a 引资"
    # punctuation is kept once per gap, without the spaces around it
    assert bigrams("雁塔区。 。雁塔区住建局") == "雁塔 塔区 。 雁塔 塔区 区住 住建 建局"
    assert bigrams("“先行先试”，\u3000共1.5亿元") == "“ 先行 行先 先试 ”， 共 1 . 5 亿元"


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _reference_bigrams(text: str) -> str:
    """The definition, one character at a time: punctuation and spaces separate; a run of Chinese
    becomes its overlapping pairs (a lone character stays); other text stays whole; the punctuation
    of each gap between words becomes one token, without spaces and without repeated characters."""
    seps = set(" \t\n\r\f\v，。、；：？！“”‘’（）《》【】〔〕…—·,.;:?!\"'()[]{}<>/\\|")
    words, word, gap = [], "", ""
    for ch in text + " ":
        is_sep = ch in seps or ch.isspace()
        if is_sep or (word and _cjk(ch) != _cjk(word[-1])):
            if word:
                words += [word] if not _cjk(word[0]) or len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)]
            word = ""
        if is_sep:
            if not ch.isspace() and not gap.endswith(ch):
                gap += ch
            continue
        if gap:
            words.append(gap)
        gap = ""
        word += ch
    if gap:
        words.append(gap)
    return " ".join(words)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("招商引资区，。、 \n—·《》-aZ9_") + ["\u3400", "\u4dbf", "\uf900", "\u3000"]),
               max_size=30))
def test_bigrams_follow_the_definition(text):
    assert bigrams(text) == _reference_bigrams(text)


def test_one_record_per_public_case_with_filters_and_meta():
    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    result = check_paths(record_files(ROOT / "cases"), cat, TODAY)
    site = Site([r.case for r in result.records], cat, TODAY)
    records = search_records(result.records, cat, TODAY)  # as the build does, before the Site
    assert [r.url for r in records] == [f"/cases/{c.id}/" for c in site.cases]
    assert search_records(site.cases, cat, TODAY) == records
    assert not any("XA-2026-011" in r.url or "XA-2026-015" in r.url for r in records)
    by_url = {r.url: r for r in records}
    r = by_url["/cases/XA-2023-017/"]
    assert r.meta == {"title": "雁塔区老旧小区改造中变通处理加装电梯补贴不予问责", "id": "XA-2023-017",
                      "region": "雁塔区", "outcome": "不予问责", "date": "2023年4月4日"}
    assert r.filters["地区"] == ["雁塔区"] and r.filters["年份"] == ["2023年"]
    assert r.filters["容错情形"] == ["维护群众利益", "探索试验"]
    assert r.filters["典型案例"] == ["2023年度第二批容错纠错典型案例"]
    assert r.sort == {"date": "2023-04-04"}
    assert "加装 装电 电梯" in r.content and "XA-2023-017" in r.content
    clearing = by_url["/cases/XA-2021-007/"]
    assert clearing.filters["类型"] == ["澄清正名"] and "容错情形" not in clearing.filters


def test_full_width_digits_and_letters_are_indexed_as_ascii():
    """As the search page reads a query typed in full-width mode (portal-search.js halfWidth)."""
    import yaml

    from generator.model import CaseAdapter
    from tests.conftest import base_record

    data = yaml.safe_load(base_record())
    data["event"]["summary"] = "２０２３年投资ＡＢＣ项目，编号ＸＡ－１。"
    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    record = search_records([CaseAdapter.validate_python(data)], cat, TODAY)[0]
    assert "2023 年投 投资 ABC 项目 ， 编号 XA-1 。" in record.content  # the full-width comma stays


def test_facet_counts_are_those_of_the_index_filters():
    """The empty search page's counts (facet_counts) must equal what Pagefind would count from
    the same records' filters."""
    from collections import Counter

    from generator.index import facet_counts

    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    site = Site([r.case for r in check_paths(record_files(ROOT / "cases"), cat, TODAY).records], cat, TODAY)
    expected: dict[str, Counter] = {}
    for r in search_records(site.cases, cat, TODAY):
        for name, values in r.filters.items():
            expected.setdefault(name, Counter()).update(values)
    counts = facet_counts(site)
    assert counts == {name: dict(c) for name, c in expected.items()}
    assert sum(counts["类型"].values()) == len(site.cases) > 10


def test_invisible_characters_pasted_with_the_text_are_not_indexed():
    """Text pasted from web pages and office files carries zero-width spaces and the like: they
    cut a word in two for the index (加装\u200b电梯 had no 装电, so 装电梯 found nothing), though no
    reader sees them. The index reads the text as the privacy check does (privacy.readable)."""
    import yaml

    from generator.model import CaseAdapter
    from tests.conftest import base_record

    data = yaml.safe_load(base_record())
    data["event"]["summary"] = "老旧小区加装\u200b电梯\ufeff补贴，编号\u00adＸＡ－１。"
    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    record = search_records([CaseAdapter.validate_python(data)], cat, TODAY)[0]
    assert "加装 装电 电梯 梯补 补贴 ， 编号 XA-1 。" in record.content
    assert not any(ch in record.content for ch in "\u200b\ufeff\u00ad")


def test_the_search_page_reads_full_width_characters_as_the_index_does():
    """The search page turns a query's full-width characters into ASCII with its own list (in
    JavaScript): it must be the index's list, or a query typed in full-width mode misses (＋86 did)."""
    import re

    from generator.privacy import HALF_WIDTH

    script = (ROOT / "theme/assets/javascripts/portal-search.js").read_text(encoding="utf-8")
    body = re.search(r"function halfWidth\(q\) \{\s*return q\.replace\(/\[([^\]]+)\]/g", script).group(1)
    chars: set[int] = set()
    for lo, hi in re.findall(r"\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?", body):
        chars.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    assert chars == set(HALF_WIDTH)
