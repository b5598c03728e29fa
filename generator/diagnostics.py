"""Diagnostics are data: every stage returns them, only the CLI/adapter turns them into exit codes."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

from .privacy import FORMAT_CHARACTERS

Severity = Literal["error", "warning", "note"]

# Code → short Chinese meaning. Codes are stable; a code never changes meaning.
CODES: dict[str, str] = {
    "E001": "文件不是 UTF-8 文本或无法读取",
    "E002": "YAML 语法错误",
    "E003": "不允许的 YAML 用法（锚点/别名、自定义标签、多个文档、文件超过 1 MiB）",
    "E004": "重复的键",
    "E005": "文件为空或顶层不是映射",
    "E101": "缺少必填字段",
    "E102": "未知字段",
    "E103": "类型错误",
    "E104": "取值不在允许范围内",
    "E105": "日期格式错误",
    "E106": "违反长度、范围或格式规则",
    "E201": "id 与文件名不一致",
    "E202": "id 重复",
    "E203": "日期顺序错误",
    "E204": "日期晚于构建日期",
    "E205": "引用的对象不存在或未公开",
    "E206": "字段与案例类型不符",
    "E301": "居民身份证号码",
    "E302": "电话号码",
    "E303": "银行卡号",
    "E304": "电子邮箱地址",
    "E305": "应当匿名处理的完整人名",
    "E306": "精确到门牌的地址",
    "E401": "文本中含有 HTML 或脚本",
    "W301": "疑似证件号或卡号，但校验位不符，请人工复核",
    "N001": "定时公开：公开日期晚于构建日期，届时才会出现在网站上",
    "N002": "典型案例批次名称与另一批次只差一个字或写法：可能是同一批写错了",
    "N003": "列表中重复的一项：只算一次",
}


# what a diagnostic must not carry as it is: lone surrogates, line breaks and other control
# characters, and invisible format characters (zero-width, direction controls)
_UNPRINTABLE = re.compile("\r\n|[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff" + FORMAT_CHARACTERS + "]")


def _shown(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in ("\n", "\r", "\r\n"):
        return "↵"
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    return f"<U+{ord(ch):04X}>"


def printable(text: str) -> str:
    """A diagnostic is one line that shows what it quotes. A file name that is not UTF-8 reaches
    Python with lone surrogates (U+DC80 to U+DCFF), which UTF-8 output cannot carry (print raised
    UnicodeEncodeError; JSON came out invalid): each is shown as U+FFFD. Quoted record text may hold
    a line break ("<a↵href=…>", a phone number broken over two lines), which split the problem over
    two lines, against the format and CI's line-by-line annotations: it is shown as ↵. Invisible
    characters are shown by their code ("110105<U+200B>1949…"), and a direction control no longer
    reverses the rest of the line in a terminal."""
    return _UNPRINTABLE.sub(_shown, text)


_SEVERITIES: dict[str, Severity] = {"E": "error", "W": "warning", "N": "note"}


def severity_of(code: str) -> Severity:
    return _SEVERITIES[code[0]]


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = field(default="error", compare=False)

    @classmethod
    def make(cls, path: str, line: int, column: int, code: str, message: str) -> "Diagnostic":
        return cls(printable(path), max(1, line), max(1, column), code, printable(message), severity_of(code))

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    # Deduplicate identical findings (same place, code and message) and order by file and position.
    return sorted(set(diags), key=lambda d: (d.path, d.line, d.column, d.code, d.message))


def count(diags: Iterable[Diagnostic]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "note": 0}
    for d in diags:
        out[d.severity] += 1
    return out


def summary_line(diags: list[Diagnostic], records: int, catalogs: int) -> str:
    c = count(diags)
    verdict = "未通过" if c["error"] else "通过"
    return (f"检查{verdict}：{records} 件记录、{catalogs} 个目录文件，"
            f"{c['error']} 个错误，{c['warning']} 个警告，{c['note']} 个提示。")


def to_json(diags: list[Diagnostic], files: int) -> str:
    payload = {
        "files": files,
        "counts": count(diags),
        "diagnostics": [asdict(d) for d in diags],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
