"""E002 says in Chinese what the usual YAML mistakes are, and where (generator/syntax.py)."""
import re

import pytest

from generator import syntax
from generator.load import Document, parse_bytes
from tests.conftest import base_record

BASE = base_record()  # title on line 3, rank on 7, the event's summary on 12, steps from 23


def e002(text: str) -> tuple[int, int, str]:
    doc = parse_bytes(Document("x.yaml"), text.encode("utf-8"))
    [d] = doc.diagnostics
    assert d.code == "E002"
    return d.line, d.column, d.message


@pytest.mark.parametrize("old, new, line, col, says", [
    ("  rank: 县处级副职", "\trank: 县处级副职", 7, 1, "制表符（Tab）缩进"),
    ("  rank: 县处级副职", "\u3000rank: 县处级副职", 7, 1, "全角空格"),
    ("title: ", "title： ", 3, 6, "“title” 后面是中文冒号 “：”"),  # libyaml notices it on line 4
    ("  rank: ", "  rank： ", 7, 7, "“rank” 后面是中文冒号"),
    ("  rank: 县处级副职", "  rank:县处级副职", 7, 7, "请写作 “rank: 县处级副职”"),
    ("  summary: 事件经过。", "  summary: 事件经过: 说明。", 12, 16, "“summary” 的值中有英文冒号加空格"),
    ("  summary: 事件经过。", '  summary: "事件经过。', 12, 12, "引号没有闭合"),  # libyaml: at the end of the file
    ("circumstances: [先行先试]", "circumstances: [先行先试", 14, 18, "方括号 “[ ]” 没有闭合"),
    ("  summary: 事件经过。", '  summary: "事件\\经过。"', 12, 15, "反斜杠"),
    ("  summary: 事件经过。", "  summary: @事件经过。", 12, 12, "值不能以 “@” 开头"),
    ("  summary: 事件经过。", '  summary: "事件"经过。', 12, 16, "引号只能括住整个值"),
    ("  rank: 县处级副职", "   rank: 县处级副职", 7, 4, "缩进与上一行不一致"),
    ("  rank: 县处级副职", " rank: 县处级副职", 7, 2, "缩进不齐"),
    ("    - {step: 认定, date: 2024-02-01}", "    -{step: 认定, date: 2024-02-01}", 24, 5, "“-” 后面要有一个空格"),
])
def test_usual_mistakes_are_named_where_they_are(old, new, line, col, says):
    assert old in BASE
    got = e002(BASE.replace(old, new, 1))
    assert got[:2] == (line, col) and says in got[2], got
    assert not re.search("[A-Za-z]", re.sub("title|rank|summary|Tab|YAML", "", got[2])), got  # no English left


def test_a_key_without_a_colon_is_the_line_before_the_one_reported():
    line, col, message = e002(BASE.replace("title: ", "title ", 1))
    assert (line, col) == (3, 1) and "字段名后面要有英文冒号和一个空格" in message


def test_the_key_without_a_colon_is_found_above_blank_and_comment_lines():
    text = BASE.replace("  rank: 县处级副职\n", "  rank 县处级副职\n\n  # 单位性质\n", 1)
    line, col, message = e002(text)
    assert (line, col) == (7, 3) and "字段名后面要有英文冒号" in message


def test_an_unknown_problem_keeps_the_parsers_words_after_the_advice():
    line, col, message = syntax.message(["a: b"], 1, 3, "something new", "", None, None)
    assert (line, col) == (1, 3)
    assert message == "YAML 语法错误：请检查这一行及上一行的缩进、冒号和引号（解析器的说明：something new）"
