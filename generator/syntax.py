"""E002 in words staff understand: what a YAML syntax error usually is, said in Chinese.

libyaml reports the symptom where it noticed it ("could not find expected ':'" on the line after
a key written with a Chinese colon), in English. The common causes of a record that does not
parse are few and typed by people writing Chinese: a full-width colon or space, a Tab, a missing
space after the colon, ": " inside a value, a quote or bracket left open. Each is recognised on
the reported line or the one before it, and pointed at where it is.
"""
from __future__ import annotations

import re

_KEY = r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)"
_FULL_WIDTH_COLON = re.compile(_KEY + r"\s*：")
_NO_SPACE = re.compile(_KEY + r":(?=[^\s/])")  # not http://, a line of a block text that starts with a link
_KEY_VALUE = re.compile(_KEY + r":\s+(.*)$")
_DASH_NO_SPACE = re.compile(r"^(\s*)-(?=[^\s-])")

Message = tuple[int, int, str]  # line, column (1-based), message


def _line(lines: list[str], n: int) -> str:
    return lines[n - 1] if 1 <= n <= len(lines) else ""


def _leading(text: str) -> str:
    return text[:len(text) - len(text.lstrip(" \t\u3000"))]


def _lexical(lines: list[str], line: int) -> Message | None:
    """Mistakes of typing, on the reported line or the one before it (where the parser only
    notices them one line later)."""
    for n in (line, line - 1):
        text = _line(lines, n)
        lead = _leading(text)
        if "\t" in lead:
            return n, lead.index("\t") + 1, "这一行用制表符（Tab）缩进：YAML 只能用空格缩进，请把 Tab 换成空格（每一层两个空格）"
        if "\u3000" in lead:
            return n, lead.index("\u3000") + 1, "这一行开头是全角空格：缩进只能用半角空格，请删掉全角空格，改用半角空格"
    for n in (line, line - 1):
        text = _line(lines, n)
        m = _FULL_WIDTH_COLON.match(text)
        if m:
            return n, text.index("：", m.end(2)) + 1, (f"“{m.group(2)}” 后面是中文冒号 “：”：请改为英文冒号加一个空格，"
                                                        f"写作 “{m.group(2)}: …”")
        m = _NO_SPACE.match(text)
        if m:
            return n, m.end(), f"“{m.group(2)}” 的冒号后面缺少空格：请写作 “{m.group(2)}: {text[m.end():].strip()}”"
        m = _DASH_NO_SPACE.match(text)
        if m:
            return n, m.end(), "列表项的 “-” 后面要有一个空格：请写作 “- …”"
    return None


def _value_colon(lines: list[str], line: int) -> Message | None:
    """': ' inside a plain value starts a new key, which YAML does not allow there."""
    text = _line(lines, line)
    m = _KEY_VALUE.match(text)
    if not m or m.group(3)[:1] in "\"'" or ": " not in m.group(3):
        return None
    key = m.group(2)
    return (line, m.start(3) + m.group(3).index(": ") + 1,
            f"“{key}” 的值中有英文冒号加空格 “: ”，YAML 会把它当作新的字段：请把整个值用引号括起来"
            f"（{key}: \"…\"），或改用中文冒号 “：”")


def message(lines: list[str], line: int, col: int, problem: str, context: str,
            context_line: int | None, context_col: int | None) -> Message:
    """The position and Chinese message of a YAML syntax error that libyaml reported at
    line:col with `problem` (and `context`, started at context_line:context_col)."""
    found = _lexical(lines, line)
    if found:
        return found
    if "expected ':'" in problem and line > 1:  # noticed on the line after the key: the last one written
        n = line - 1
        while n > 1 and (not _line(lines, n).strip() or _line(lines, n).lstrip().startswith("#")):
            n -= 1
        return n, len(_leading(_line(lines, n))) + 1, "这一行不是 “字段: 值” 的写法：字段名后面要有英文冒号和一个空格，如 “title: …”"
    if "mapping values are not allowed" in problem:
        found = _value_colon(lines, line)
        if found:
            return found
        text = _line(lines, line)
        return line, len(_leading(text)) + 1, "这一行的缩进与上一行不一致：同一层的字段要左对齐，下一层的字段比上一层多缩进两个空格"
    if "end of stream" in problem and "quoted scalar" in context and context_line:
        return context_line, context_col or 1, "这里开始的引号没有闭合：请在值的末尾补上同样的引号，或去掉这个引号"
    if context_line and ("flow sequence" in context or "flow mapping" in context):
        pair = "方括号 “[ ]”" if "sequence" in context else "花括号 “{ }”"
        return context_line, context_col or 1, f"这里开始的{pair} 没有闭合，或其中的项之间缺少英文逗号 “,”：请检查这一段"
    if "unknown escape character" in problem:
        return line, col, "双引号中的反斜杠 “\\” 表示转义：要写反斜杠本身请写成 “\\\\”，或改用单引号把值括起来"
    if "cannot start any token" in problem:
        char = _line(lines, line)[col - 1:col]
        return line, col, f"值不能以 “{char}” 开头：请把整个值用引号括起来"
    if "expected key" in problem or "block end" in problem or "'-' indicator" in problem:
        before = _line(lines, line)[:col - 1].rstrip()
        if before[-1:] in ("\"", "'") and _KEY_VALUE.match(_line(lines, line)):
            return line, col, "引号只能括住整个值：引号之后还有文字，请把整个值放在一对引号中，或去掉引号"
        return line, col, "缩进不齐：同一层的字段和列表项 “- ” 要左对齐，下一层比上一层多缩进两个空格"
    return line, col, f"YAML 语法错误：请检查这一行及上一行的缩进、冒号和引号（解析器的说明：{problem or '无法解析'}）"
