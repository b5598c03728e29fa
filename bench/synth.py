"""Deterministic synthetic records for benchmarks: realistic size (~1,500 Chinese characters),
both kinds, every region, valid against the demo catalogs."""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import shutil
from pathlib import Path

import yaml

from generator import model
from generator.privacy import scan_names

PHRASES = [
    "为推动项目尽快落地", "在缺乏先例的情况下先行先试", "经集体研究决定", "主动向上级报告", "及时采取补救措施",
    "没有谋取任何私利", "未造成重大损失", "群众反映强烈", "相关部门联合核查", "调阅了全部会议记录",
    "走访了企业和群众", "听取了本人陈述", "认定符合容错情形", "对相关制度进行了完善", "损失已基本挽回",
    "工作积极性未受影响", "项目已顺利投产", "改革试点稳步推进", "政策界限尚不明确", "情况紧急来不及履行全部程序",
]


_VOCAB: list[str] = []
_WEIGHTS: list[float] = []


def _vocabulary() -> tuple[list[str], list[float]]:
    """Words for realistic text: every 2- to 4-character piece of the example records' Chinese
    text, drawn with Zipf weights (a few very common words, a long tail of rare ones), as in real
    prose. A corpus built from a handful of fixed phrases would put every word on every page."""
    if not _VOCAB:
        import re
        from pathlib import Path

        text = "".join(p.read_text(encoding="utf-8") for p in sorted(Path(__file__).resolve().parent.parent
                                                                       .joinpath("cases").rglob("*.yaml")))
        words: dict[str, None] = {}
        for run in re.findall(r"[\u4e00-\u9fff]{2,}", text):
            for size in (2, 3, 4):
                for i in range(0, len(run) - size + 1, size):
                    piece = run[i:i + size]
                    # leave out the characters that end official titles and the anonymised 某, so
                    # that random joins never form "局长+surname" and trip the name check, and those
                    # of a decision's words, which a name may stand before ("对王芳免予问责")
                    if not re.search("[长记任部员人志某名管理委单栋室号幢澄容诫轻责]", piece):
                        words.setdefault(piece, None)
        order = sorted(words)
        random.Random(7).shuffle(order)  # a fixed, arbitrary frequency rank
        _VOCAB.extend(order)
        total = 0.0
        for rank in range(len(order)):  # cumulative Zipf weights, computed once
            total += 1 / (rank + 1)
            _WEIGHTS.append(total)
    return _VOCAB, _WEIGHTS


def paragraph(rng: random.Random, n: int) -> str:
    vocab, weights = _vocabulary()

    def clause(r: random.Random) -> str:
        return r.choice(PHRASES) if r.random() < 0.15 else "".join(
            r.choices(vocab, cum_weights=weights, k=r.randint(3, 6)))

    clauses = [clause(rng) for _ in range(n)]
    # A random join of word pieces can still read as a name in context ("反映" + "吴新担" + "，"),
    # which no real text holds and the check would refuse: the clause that holds it is drawn again,
    # from a generator of its own seeded by the paragraph, so that the records' other text stays
    # what it was before (and stays so when a name rule changes). One scan of the paragraph: 10,000
    # records took 35.7 s to write, 39.6 s with a scan of each clause and 29.6 s with none.
    while hits := scan_names(text := "，".join(clauses) + "。"):
        redraw = random.Random(text)
        ends = list(itertools.accumulate(len(c) + 1 for c in clauses))
        for hit in hits:
            clauses[bisect.bisect_right(ends, hit.start)] = clause(redraw)
    return text


def record(i: int, rng: random.Random, regions: list[str], circs: list[str]) -> dict:
    kind = "澄清" if i % 5 == 0 else "容错"
    year = 2016 + i % 10
    start = dt.date(year, 1 + i % 12, 1 + i % 27)
    steps = [{"step": s, "date": start + dt.timedelta(days=7 * k)} for k, s in enumerate(["申请", "受理", "核实", "认定"])]
    decided = steps[-1]["date"]
    steps.append({"step": "告知", "date": decided + dt.timedelta(days=2)})
    rec: dict = {
        "id": f"SY-{year}-{i // 10 + 1:04d}",
        "kind": kind,
        "title": f"第{i}号合成案例：{rng.choice(regions)}{rng.choice(model.DOMAINS)}工作中的失误处理",
        "region": regions[i % len(regions)],
        "subject": {"display": f"某单位工作人员{rng.choice('王李张刘陈杨赵黄周吴')}某", "rank": rng.choice(model.RANKS),
                    "unit_type": rng.choice(model.UNIT_TYPES)},
        "event": {"domain": model.DOMAINS[i % len(model.DOMAINS)], "occurred": f"{year - 1}-{1 + i % 12:02d}",
                  "summary": "\n\n".join(paragraph(rng, 12) for _ in range(3))},
        "reason": {"basis": ["《中国共产党问责条例》第十七条第一款第（一）项"],
                   "analysis": "\n\n".join(paragraph(rng, 12) for _ in range(3))},
        "process": {"initiation": model.INITIATIONS[i % 5], "implementing_body": "某区纪委监委",
                    "determining_authority": "某区纪委常委会", "steps": steps},
        "result": {"outcome": "澄清正名" if kind == "澄清" else model.TOLERANCE_OUTCOMES[i % 4], "decided": decided,
                   "summary": paragraph(rng, 10)},
        "follow_ups": [{"date": decided + dt.timedelta(days=90), "by": "某区纪委监委", "finding": paragraph(rng, 8)}],
        "disclosure": {"scope": "公开", "published": decided + dt.timedelta(days=20)},
    }
    if kind == "澄清":
        rec["reason"]["finding"] = model.FINDINGS[i % 3]
    else:
        rec["reason"]["circumstances"] = [circs[i % len(circs)]]
    if i % 7 == 0:
        rec["typical"] = f"{year}年度容错纠错典型案例"
    return rec


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # records never use anchors; the checker rejects them
        return True


def write_records(dest: Path, n: int, regions: list[str], circs: list[str], seed: int = 20161) -> list[Path]:
    if dest.exists():
        shutil.rmtree(dest)
    rng = random.Random(seed)
    paths = []
    for i in range(1, n + 1):
        rec = record(i, rng, regions, circs)
        path = dest / rec["id"][3:7] / f"{rec['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(rec, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        paths.append(path)
    return paths
