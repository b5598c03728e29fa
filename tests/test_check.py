import datetime as dt
import subprocess
import sys

import pytest
from pathlib import Path


from generator.check import batch_key, check_paths, load_catalogs, record_files, similar_batches
from tests.conftest import ROOT, TODAY, base_record

CATALOGS = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")


def check_text(tmp_path: Path, text: str, name: str = "XA-2024-001.yaml", today: dt.date = TODAY):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return check_paths(record_files(tmp_path), CATALOGS, today)


def found(result) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in result.diagnostics]


def test_examples_pass_with_one_scheduled_note():
    result = check_paths(record_files(ROOT / "cases"), CATALOGS, TODAY)
    assert result.errors == 0 and result.warnings == 0, [d.format() for d in result.diagnostics]
    assert [d.code for d in result.diagnostics] == ["N001"]
    assert len(result.records) >= 16


def test_examples_cover_the_format():
    records = [r.case for r in check_paths(record_files(ROOT / "cases"), CATALOGS, TODAY).records]
    assert {c.kind for c in records} == {"容错", "澄清"}
    assert {c.result.outcome for c in records} == {"免予问责", "不予问责", "从轻处理", "减轻处理", "澄清正名"}
    assert {c.process.initiation for c in records} == {"本人申请", "单位申请", "组织推荐", "主动启动", "事前报备"}
    assert any(c.subject.type == "集体" for c in records)
    assert any(c.correction for c in records) and any(c.follow_ups for c in records)
    assert any(c.revisions for c in records) and any(c.related for c in records) and any(c.sources for c in records)
    assert any(c.disclosure.scope == "内部" for c in records)
    assert any(c.disclosure.published and c.disclosure.published > TODAY for c in records)
    batches = {}
    for c in records:
        if c.typical:
            batches.setdefault(c.typical, []).append(c.id)
    assert 8 in {len(v) for v in batches.values()}


def test_all_problems_of_a_file_in_one_run(tmp_path):
    text = base_record().replace("outcome: 免予问责", "outcome: 免于问责").replace("domain: 招商引资", "domain: 招商")
    text = text.replace("summary: 事件经过。", "summary: 联系 13812345678。")
    assert sorted(c for c, _ in found(check_text(tmp_path, text))) == ["E104", "E104", "E302"]


def test_problems_of_every_file_in_one_run(tmp_path):
    (tmp_path / "XA-2024-002.yaml").write_text(base_record().replace("XA-2024-001", "XA-2024-002").replace("title: ", "title: 短\n#"), encoding="utf-8")
    result = check_text(tmp_path, base_record().replace("region: 雁塔区", "region: 火星"))
    assert {d.path.rsplit("/", 1)[-1] for d in result.diagnostics} == {"XA-2024-001.yaml", "XA-2024-002.yaml"}


def test_allow_acknowledges_an_official_hotline(tmp_path):
    text = base_record().replace("summary: 事件经过。", "summary: 监督电话 029-87654321。")
    assert [c for c, _ in found(check_text(tmp_path, text))] == ["E302"]
    allowed = text + "  allow:\n    - {code: E302, text: 029-87654321, reason: 市纪委监委公开的监督电话}\n"
    assert found(check_text(tmp_path, allowed)) == []
    # the allow entry is exact: another number in the record is still caught
    other = allowed.replace("analysis: 分析。", "analysis: 手机 13812345678。")
    assert [c for c, _ in found(check_text(tmp_path, other))] == ["E302"]


def test_named_subject_needs_sources_and_allows_the_name(tmp_path):
    text = base_record().replace("display: 雁塔区某局副局长李某", "display: 雁塔区某局副局长李建国\n  named: true")
    assert [c for c, _ in found(check_text(tmp_path, text))] == ["E101"]
    sourced = text + "sources:\n  - {title: 雁塔区纪委通报, issuer: 雁塔区纪委}\n"
    assert found(check_text(tmp_path, sourced)) == []


def test_a_named_subject_allows_only_its_own_name(tmp_path):
    """subject.named lets the subject's published full name stand, in its display and in the text;
    anyone else's full name (here a whistle-blower's) is still an error."""
    named = base_record().replace("display: 雁塔区某局副局长李某", "display: 雁塔区某局副局长李建国\n  named: true")
    named += "sources:\n  - {title: 雁塔区纪委通报, issuer: 雁塔区纪委}\n"
    mentioned = named + "follow_ups:\n  - {date: 2024-02-20, by: 雁塔区纪委, finding: 回访时李建国同志表示工作积极性未受影响。}\n"
    assert found(check_text(tmp_path, mentioned)) == []
    other = named + "follow_ups:\n  - {date: 2024-02-20, by: 雁塔区纪委, finding: 经核实，举报人王芳反映的问题不属实。}\n"
    [d] = check_text(tmp_path, other).diagnostics
    assert d.code == "E305" and "王芳" in d.message


def test_a_regions_short_name_before_a_title_is_no_person(tmp_path):
    """周至 before 副县长 is 周至县's short name (a region of the catalog), not a person called 周至;
    a person's full name before the same title is still an error."""
    place = base_record().replace("summary: 事件经过。", "summary: 经周至副县长和高陵副区长同意后实施。")
    assert found(check_text(tmp_path, place)) == []
    person = base_record().replace("summary: 事件经过。", "summary: 经周建国副县长同意后实施。")
    [d] = check_text(tmp_path, person).diagnostics
    assert d.code == "E305" and "周建国" in d.message


def test_the_subjects_full_name_is_found_by_the_records_own_surname(tmp_path):
    """A record that writes its subject 李某 and, in one sentence, 李建国 with no title or other
    word around it: the record's own "李某" says which surname to look for. The same sentence in a
    record whose people are all 王某 names no one this record anonymises, and is not reported."""
    leak = base_record().replace("summary: 事件经过。", "summary: 调查组认为，李建国在推进项目时没有谋取私利。")
    [d] = check_text(tmp_path, leak).diagnostics
    assert d.code == "E305" and "李建国" in d.message and "李某" in d.message
    other = leak.replace("display: 雁塔区某局副局长李某", "display: 雁塔区某局副局长王某")
    assert found(check_text(tmp_path, other)) == []
    # another person the text anonymises counts as well: 举报人张某 … 张海涛在
    colleague = other.replace("summary: 调查组认为，李建国", "summary: 举报人张某反映后，张海涛")
    [d] = check_text(tmp_path, colleague).diagnostics
    assert d.code == "E305" and "张海涛" in d.message


def test_scheduled_record_is_a_note_not_an_error(tmp_path):
    text = base_record().replace("published: 2024-03-01", "published: 2027-01-01")
    result = check_text(tmp_path, text)
    assert found(result) == [("N001", 31)] and result.errors == 0


def test_revision_dates(tmp_path):
    text = base_record() + "revisions:\n  - {date: 2024-05-01, note: 一}\n  - {date: 2024-04-01, note: 二}\n"
    assert found(check_text(tmp_path, text)) == [("E203", 34)]
    early = base_record() + "revisions:\n  - {date: 2024-02-15, note: 早于公开}\n"
    assert found(check_text(tmp_path, early)) == [("E203", 33)]


def test_internal_record_need_not_have_published(tmp_path):
    text = base_record().replace("scope: 公开\n  published: 2024-03-01", "scope: 内部")
    assert found(check_text(tmp_path, text)) == []


def test_missing_related_id_suggests_only_a_record_it_could_link_to(tmp_path):
    internal = base_record().replace("XA-2024-001", "XA-2024-002").replace("scope: 公开\n  published: 2024-03-01", "scope: 内部")
    (tmp_path / "XA-2024-002.yaml").write_text(internal, encoding="utf-8")
    typo = base_record() + "related: [XA-2024-003]\n"
    # the nearest ids are the case itself and an internal record, neither a link it may have
    [d] = check_text(tmp_path, typo).diagnostics
    assert d.code == "E205" and "是否应为" not in d.message, d.message
    public = base_record().replace("XA-2024-001", "XA-2024-013")
    (tmp_path / "XA-2024-013.yaml").write_text(public, encoding="utf-8")
    [d] = check_text(tmp_path, typo).diagnostics
    assert "是否应为 “XA-2024-013”" in d.message, d.message


def test_items_joined_by_a_chinese_comma_are_named_as_such(tmp_path):
    # [先行先试，探索试验] is one item to YAML: only the ASCII comma separates
    text = base_record().replace("circumstances: [先行先试]", "circumstances: [先行先试，探索试验]")
    [d] = check_text(tmp_path, text).diagnostics
    assert d.code == "E205" and "是连在一起的 2 项" in d.message and "请写作 [先行先试, 探索试验]" in d.message, d.message
    other = base_record().replace("XA-2024-001", "XA-2024-002")
    (tmp_path / "XA-2024-002.yaml").write_text(other, encoding="utf-8")
    text = base_record() + "related: [XA-2024-002、XA-2024-002]\n"
    [d] = check_text(tmp_path, text).diagnostics
    # an id is checked against its pattern first (E106), and only then looked up: one message, not two
    assert d.code == "E106" and "请写作 [XA-2024-002, XA-2024-002]" in d.message, d.message
    # parts that are not all known stay an unknown value, with the nearest one offered
    text = base_record().replace("circumstances: [先行先试]", "circumstances: [先行先试，火星探测]")
    [d] = check_text(tmp_path, text).diagnostics
    assert "不在 circumstances.yaml 中" in d.message, d.message


def test_one_value_where_a_list_belongs_shows_the_list_of_one(tmp_path):
    text = base_record().replace("circumstances: [先行先试]", "circumstances: 先行先试")
    [d] = check_text(tmp_path, text).diagnostics
    assert d.code == "E103" and d.message.endswith("；只有一项时也写成列表：[先行先试]"), d.message


def test_collective_subject_needs_no_rank(tmp_path):
    text = base_record().replace("display: 雁塔区某局副局长李某\n  rank: 县处级副职",
                                 "display: 雁塔区某局领导班子\n  type: 集体\n  count: 5")
    assert found(check_text(tmp_path, text)) == []


def test_suggestions_for_typos(tmp_path):
    text = base_record().replace("  rank: 县处级副职", "  rnak: 县处级副职\n  rank: 县处级副职")
    msg = check_text(tmp_path, text).diagnostics[0].message
    assert "rank" in msg
    text = base_record().replace("initiation: 本人申请", "initiation: 本人申報")
    assert "本人申请" in check_text(tmp_path, text).diagnostics[0].message


def test_messages_are_chinese_and_formatted(tmp_path):
    result = check_text(tmp_path, base_record().replace("outcome: 免予问责", "outcome: 免于问责"))
    line = result.diagnostics[0].format()
    assert line.startswith(str(tmp_path / "XA-2024-001.yaml") + ":26:12: E104 ")
    assert "允许" in line


def test_broken_catalog_is_reported(tmp_path):
    (tmp_path / "regions.yaml").write_text("root: 西安市\nregions:\n  - {name: 雁塔区, slug: Yanta}\n  - {name: 雁塔区, slug: yt}\n", encoding="utf-8")
    (tmp_path / "circ.yaml").write_text("- id: 先行先试\n  slug: pilot\n  title: t\n  basis: 问责条例\n  description: d\n", encoding="utf-8")
    cat = load_catalogs(tmp_path / "regions.yaml", tmp_path / "circ.yaml")
    got = sorted((d.code, d.line) for doc in cat.docs for d in doc.diagnostics)
    assert got == [("E106", 3), ("E106", 4), ("E202", 4)] and not cat.ok


def test_batch_names_typed_another_way_have_one_key():
    same = ["2016年度第一批容错纠错典型案例", "2016年第1批容错纠错典型案例", "２０１６年度 第一批容错纠错典型案例",
            "二〇一六年度第一批容错纠错典型案例"]
    assert {batch_key(n) for n in same} == {"2016年第1批容错纠错典型案例"}
    assert batch_key("2023年度第十二批") == "2023年第12批" and batch_key("第二十批") == "第20批"
    assert batch_key("第一百零五批") == "第105批" and batch_key("第十批") == "第10批"


def test_similar_batches_take_the_smaller_one_for_the_mistake():
    right = "2016年度第一批容错纠错典型案例"
    names = {right: 8, "2016年第1批容错纠错典型案例": 1, "2016年度第一批容错纠错典形案例": 2,
             # different batches: a number differs
             "2016年度第二批容错纠错典型案例": 3, "2017年度第一批容错纠错典型案例": 5, "2016年度第十一批容错纠错典型案例": 1,
             # far from every other name
             "2020年度疫情防控容错纠错典型案例": 1}
    assert similar_batches(names) == {"2016年第1批容错纠错典型案例": right, "2016年度第一批容错纠错典形案例": right}
    # as many records each: which one is wrong cannot be told, so both are reported
    tie = {"乡村振兴典型案例": 2, "乡村振兴典形案例": 2}
    assert similar_batches(tie) == {"乡村振兴典型案例": "乡村振兴典形案例", "乡村振兴典形案例": "乡村振兴典型案例"}
    assert similar_batches({right: 1}) == {}


def test_a_mistyped_batch_name_is_a_note_at_its_value(tmp_path):
    record = base_record()
    for n, batch in ((1, "2024年度第一批容错纠错典型案例"), (2, "2024年度第一批容错纠错典型案例"), (3, "2024年第1批容错纠错典型案例")):
        text = record.replace("XA-2024-001", f"XA-2024-00{n}") + f"typical: {batch}\n"
        (tmp_path / f"XA-2024-00{n}.yaml").write_text(text, encoding="utf-8")
    result = check_paths(record_files(tmp_path), CATALOGS, TODAY)
    assert [(Path(d.path).name, d.code, d.line) for d in result.diagnostics] == [
        ("XA-2024-003.yaml", "N002", len(text.splitlines()))]
    message = result.diagnostics[0].message
    assert "“2024年度第一批容错纠错典型案例”（2 件" in message and "少了“度”，“1”那一批写作“一”" in message
    assert result.errors == 0 and len(result.records) == 3  # a note: nothing is held back
    # the named file alone is compared with the other records of the folder
    alone = check_paths([(tmp_path / "XA-2024-003.yaml", "XA-2024-003.yaml")], CATALOGS, TODAY,
                        context_files=record_files(tmp_path))
    assert [d.code for d in alone.diagnostics] == ["N002"]


def test_a_case_id_in_the_text_must_be_out_when_the_text_is(tmp_path):
    """An id written in a public record's text is published with it: an internal record's never,
    a scheduled one's only once that one is out (the site can leave out a related link, not words)."""
    def write(n, published, text="", scope="公开"):
        record = base_record().replace("XA-2024-001", f"XA-2024-00{n}").replace("summary: 事件经过。", f"summary: 事件经过。{text}")
        record = record.replace("published: 2024-03-01", f"published: {published}")
        if scope != "公开":
            record = record.replace("scope: 公开\n  published: " + published, "scope: 内部")
        (tmp_path / f"XA-2024-00{n}.yaml").write_text(record, encoding="utf-8")

    write(2, "2024-03-01", scope="内部")
    write(3, "2024-06-01")  # out three months after the case that names it
    write(4, "2024-03-01")
    write(1, "2024-03-01", "与 XA-2024-002、XA-2024-003 和 XA-2024-004 类似，另见外市的 SX-2020-001。")
    result = check_paths(record_files(tmp_path), CATALOGS, TODAY)
    found_ids = [(Path(d.path).stem, d.code, d.message.split("”")[0].split("“")[-1]) for d in result.diagnostics]
    assert found_ids == [("XA-2024-001", "E205", "XA-2024-002"), ("XA-2024-001", "E205", "XA-2024-003")], found_ids
    assert "2024-06-01" in result.diagnostics[1].message
    # published on the same day as the scheduled one (or later): nothing is told early
    write(1, "2024-06-01", "与 XA-2024-003 和 XA-2024-004 类似。")
    assert check_paths(record_files(tmp_path), CATALOGS, TODAY).diagnostics == []
    # an internal record may name anything: it is never published
    write(1, "2024-03-01", "与 XA-2024-002 类似。", scope="内部")
    assert check_paths(record_files(tmp_path), CATALOGS, TODAY).diagnostics == []
    # written through an escape in a double-quoted scalar: in the value, though no line of the file shows it
    escaped = base_record().replace("summary: 事件经过。", 'summary: "事件经过。与 \\x58A-2024-002 类似。"')
    (tmp_path / "XA-2024-001.yaml").write_text(escaped, encoding="utf-8")
    found_ids = [(d.code, d.message.split("”")[0].split("“")[-1]) for d in check_paths(record_files(tmp_path), CATALOGS, TODAY).diagnostics]
    assert found_ids == [("E205", "XA-2024-002")], found_ids


def test_similar_batches_compares_only_names_that_may_be_one_typo_apart():
    """The batch check compares only names sharing a key with one character deleted (not all pairs:
    3,000 names, an archive that misused `typical` for a text per case, took 13 s); it must find
    exactly what comparing every pair finds."""
    import random

    from generator.check import _one_typo

    def every_pair(names):
        out, ordered = {}, sorted(names)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                ka, kb = batch_key(a), batch_key(b)
                if ka == kb or _one_typo(ka, kb):
                    if names[a] <= names[b]:
                        out.setdefault(a, b)
                    if names[b] <= names[a]:
                        out.setdefault(b, a)
        return out

    rng, letters = random.Random(1), "典型形案例第一二1批年度 ２0"
    for _ in range(300):
        base, names = [rng.choice(letters) for _ in range(rng.randint(1, 8))], {}
        for _ in range(rng.randint(1, 8)):
            word = list(base)
            roll = rng.random()
            if roll < 0.3:
                word[rng.randrange(len(word))] = rng.choice(letters)
            elif roll < 0.6:
                word.insert(rng.randrange(len(word) + 1), rng.choice(letters))
            elif roll < 0.8 and len(word) > 1:
                del word[rng.randrange(len(word))]
            names["".join(word)] = rng.randint(1, 3)
        assert similar_batches(names) == every_pair(names), names


def test_a_missing_related_id_is_compared_with_its_prefix_and_year():
    """"是否应为" looks among the public ids of the same prefix and year (or of the prefix, when
    that year has none and they are few): against all 10,000 ids of a large archive each missing
    link took 0.3 s."""
    from generator.check import SUGGEST_AMONG, Summary, cross_record

    def summary(rid, related=()):
        return Summary(f"{rid}.yaml", id=rid, scope="公开", related=[(r, 5, 3) for r in related])

    def said(others, ref):
        s = summary("XA-2024-001", [ref])
        cross_record([s, *others])
        [d] = s.diagnostics
        return d.message

    assert "是否应为 “XA-2023-017”" in said([summary("XA-2023-017"), summary("XA-2016-017")], "XA-2023-071")
    assert "是否应为 “XA-2023-017”" in said([summary("XA-2023-017")], "XA-2032-017")  # a year typo, few ids
    many = [summary(f"XA-{2000 + i % 20}-{i:04d}") for i in range(SUGGEST_AMONG + 20)]
    assert "是否应为" not in said(many, "XA-1999-0017")  # no such year among thousands: no guess
    assert "是否应为 “XA-2017-" in said(many, "XA-2017-0071")  # one of that year


def test_each_finding_is_reported_where_it_is(tmp_path):
    """The same number written on three lines is three places to fix: each is reported on its own
    line (every one used to point at the first). Findings are placed in the order of the text, each
    search going on from the one before, which also keeps a value with thousands of findings linear."""
    summary = "summary: |\n    电话 13912345678。\n    再次：13912345678\n    邮箱 a@example.com，电话 13912345678\n"
    result = check_text(tmp_path, base_record().replace("summary: 事件经过。\n", summary, 1))
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [
        ("E302", 13, 8), ("E302", 14, 8), ("E304", 15, 8), ("E302", 15, 25)]


def test_many_findings_in_one_value_are_placed_in_linear_time(tmp_path):
    """30,000 phone numbers in one value (a pasted table, or an attack on the build): each finding
    was looked for from the value's start, and each checked against every one before it: 8,000
    took 12 s, so this would take minutes. Run apart, so that a regression fails on the timeout."""
    lines = "".join(f"    电话 139{i:08d}\n" for i in range(30_000))
    (tmp_path / "XA-2024-001.yaml").write_text(base_record().replace("summary: 事件经过。\n", "summary: |\n" + lines, 1),
                                               encoding="utf-8")
    code = ("import sys\nfrom pathlib import Path\nfrom tests.test_check import CATALOGS, TODAY, check_paths, record_files\n"
            "r = check_paths(record_files(Path(sys.argv[1])), CATALOGS, TODAY)\n"
            "assert [d.line for d in r.diagnostics] == list(range(13, 30_013)), r.diagnostics[:3]\n")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, timeout=60, cwd=ROOT)


def test_an_item_listed_twice_is_a_note_and_counts_once(tmp_path):
    """A circumstance listed twice counted twice in the statistics and put the case twice on its
    listing page; a related id listed twice went twice into the open data."""
    from generator.render import render_site
    from generator.stats import compute

    record = base_record().replace("  circumstances: [先行先试]", "  circumstances:\n    - 先行先试\n    - 探索试验\n    - 先行先试")
    (tmp_path / "XA-2024-002.yaml").write_text(base_record().replace("XA-2024-001", "XA-2024-002"), encoding="utf-8")
    result = check_text(tmp_path, record + "related: [XA-2024-002, XA-2024-002]\n")
    notes = [(d.code, d.line, d.column) for d in result.diagnostics]
    assert notes == [("N003", 17, 7), ("N003", 35, 24)], result.diagnostics
    assert "第 1 项已有" in result.diagnostics[0].message and result.errors == 0
    case = next(r.case for r in result.records if r.case.id == "XA-2024-001")
    assert case.reason.circumstances == ["先行先试", "探索试验"] and case.related == ["XA-2024-002"]
    site, _ = render_site([r.case for r in result.records], CATALOGS, TODAY)
    table = next(t for t in compute(site.cases, CATALOGS.region_names, CATALOGS.circumstance_ids).tables
                 if t.key == "circumstance")
    assert dict(table.rows)["先行先试"] == 2  # two cases, each once


def test_a_diagnostic_is_one_line_that_shows_what_it_quotes(tmp_path):
    """Quoted text kept its line breaks ("<a" and "href" on two lines, a phone number broken over
    two), so one problem took two lines of output, against the format and CI's annotations that
    read line by line; invisible characters were quoted invisibly."""
    summary = ('summary: |\n    见 <a\n    href="x">此处</a>。\n    电话 139\n    1234 5678\n'
               '    身份证 110105\u200b19491231002X\n')
    result = check_text(tmp_path, base_record().replace("summary: 事件经过。\n", summary, 1))
    shown = [d.format() for d in result.diagnostics]
    assert [d.code for d in result.diagnostics] == ["E302", "E401", "E301"], shown
    assert all("\n" not in line and "\u200b" not in line for line in shown)
    assert "“<a↵href=" in shown[1] and "“139↵1234 5678”" in shown[0]
    from generator.diagnostics import printable
    assert printable("李\u200b芳\u202e，\r\n下一行\x07\udcff") == "李<U+200B>芳<U+202E>，↵下一行<U+0007>\ufffd"
    assert printable("全角ＡＢ和\t制表符") == "全角ＡＢ和\t制表符"  # visible text is left alone


@pytest.mark.parametrize("old, new, suggested", [
    ("rank: 县处级副职", "rank: 副处级", "县处级副职"),  # the nearest spelling was 县处级正职
    ("rank: 县处级副职", "rank: 副科", "乡科级副职"),  # no suggestion before
    ("rank: 县处级副职", "rank: 科员", "一般干部"),
    ("unit_type: 党政机关", "unit_type: 村委会", "村（社区）"),
    ("scope: 公开", "scope: 不公开", "内部"),  # was 公开: following it would publish an internal record
    ("outcome: 免予问责", "outcome: 免于问责", "免予问责"),  # the nearest spelling, as before
    ("id: XA-2024-001", "id: XA-2024-001\nkind: 不容错", None),  # never the choice a negation was taken off
])
def test_a_value_out_of_the_list_is_named_by_its_everyday_name(tmp_path, old, new, suggested):
    result = check_text(tmp_path, base_record().replace(old, new, 1))
    [d] = [d for d in result.diagnostics if d.code == "E104"]
    hint = d.message.split("是否应为 “")[1].split("”")[0] if "是否应为" in d.message else None
    assert hint == suggested, d.message


def test_a_circumstance_written_by_its_title_is_named_by_its_id(tmp_path):
    """The site shows each circumstance by its title, and staff copy it from there; its id was not
    suggested (the title is too far from any id)."""
    title = "在推进改革中因缺乏经验、先行先试出现失误"
    result = check_text(tmp_path, base_record().replace("[先行先试]", f"[{title}]"))
    [d] = result.diagnostics
    assert d.code == "E205" and "这里只写它的 id “先行先试”" in d.message


def test_a_duplicate_id_names_a_few_of_the_other_files(tmp_path):
    """Each file named all the others: 2,000 copies of one record printed 144 MB."""
    for i in range(6):
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / "XA-2024-001.yaml").write_text(base_record(), encoding="utf-8")
    result = check_paths(record_files(tmp_path), CATALOGS, TODAY)
    assert [d.code for d in result.diagnostics] == ["E202"] * 6
    first = result.diagnostics[0].message
    assert first.count("XA-2024-001.yaml") == 3 and "等 5 个文件" in first, first
    (tmp_path / "d5" / "XA-2024-001.yaml").unlink()
    (tmp_path / "d4" / "XA-2024-001.yaml").unlink()
    (tmp_path / "d3" / "XA-2024-001.yaml").unlink()
    three = check_paths(record_files(tmp_path), CATALOGS, TODAY).diagnostics[0].message
    assert three.count("XA-2024-001.yaml") == 2 and "等" not in three, three
