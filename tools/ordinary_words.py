"""Write generator/data/ordinary_words.txt: the ordinary words that begin with a surname.

E305 reads "surname + one or two characters" in a name's place as a full name. Many such strings are
ordinary words ("局长高度重视", "书记尤其强调", "主席纪念堂"), and a name check that stops a record
from being published must not stop it for a word. This list is what the check holds to be a word.

Source: the dictionary of jieba 0.42.1 (MIT licence), `jieba/dict.txt`, one "word frequency tag" per
line. Kept: words of two or three Han characters that begin with a surname of generator.privacy,
appear at least MIN_FREQUENCY times, and are not tagged as a person's name (nr, nrfg, nrt).
jieba also tags many common words as names (文明, 阳光, 蓝图, 古老, 谢谢, 高峰), and a list such as
"文明、和谐" was then two names. So two-character words tagged as names are kept too where they are
frequent: NAME_TAGGED_FREQUENCY times, or TOP_SURNAME_FREQUENCY times when they begin with one of the
twenty commonest surnames, whose two-character entries are mostly real people's names (李娜, 张宁,
王明 stay names; 王朝, 王府 are words).

    pip download jieba==0.42.1 --no-deps --no-binary :all: -d /tmp/jieba
    tar xzf /tmp/jieba/jieba-0.42.1.tar.gz -C /tmp/jieba
    python tools/ordinary_words.py /tmp/jieba/jieba-0.42.1/jieba/dict.txt > generator/data/ordinary_words.txt

The thresholds were measured (README, "人名检测"): 100 keeps 1,944 words; 30 would lose fifty more
real names in the People's Daily test corpus for few fewer false alarms.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.privacy import _SURNAMES_1, _SURNAMES_2  # noqa: E402

MIN_FREQUENCY = 100
NAME_TAGGED_FREQUENCY = 300
TOP_SURNAME_FREQUENCY = 1000
TOP_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{2,3}")


def ordinary_words(lines: list[str]) -> list[str]:
    words = set()
    for line in lines:
        parts = line.split()
        if len(parts) != 3:
            continue
        word, freq, tag = parts
        if not (_HAN_ONLY.fullmatch(word) and (word[0] in _SURNAMES_1 or word[:2] in _SURNAMES_2)):
            continue
        n = int(freq)
        if not tag.startswith("nr"):
            if n >= MIN_FREQUENCY:
                words.add(word)
        elif len(word) == 2 and n >= (TOP_SURNAME_FREQUENCY if word[0] in TOP_SURNAMES else NAME_TAGGED_FREQUENCY):
            words.add(word)
    return sorted(words)


def main() -> None:
    lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    print(f"# Ordinary words that begin with a surname: jieba 0.42.1 dict.txt (MIT licence), frequency >= "
          f"{MIN_FREQUENCY}, not tagged as a name, or two characters tagged as a name and frequency >= "
          f"{NAME_TAGGED_FREQUENCY} ({TOP_SURNAME_FREQUENCY} after the commonest surnames). Written by "
          "tools/ordinary_words.py; do not edit by hand.")
    for word in ordinary_words(lines):
        print(word)


if __name__ == "__main__":
    main()
