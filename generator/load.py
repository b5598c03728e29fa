"""Stage 1: load YAML safely, keeping the line and column of every key and value.

We build our own tree from libyaml's events (C parser) instead of using a Loader so that
anchors, aliases, tags, duplicate keys and extra documents are *seen* and reported, never
silently resolved, and so that deep nesting cannot exhaust the Python stack.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from . import syntax
from .diagnostics import Diagnostic

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64  # far above any record (depth ~5); stops nesting bombs cheaply

# libyaml's event parser (CSafeLoader is CParser + constructor); pure Python only if libyaml is missing
_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_resolver = Resolver()
_constructor = SafeConstructor()
_Y = "tag:yaml.org,2002:"
_SCALAR_TAGS = {
    _Y + "null": lambda n: None,
    _Y + "bool": _constructor.construct_yaml_bool,
    _Y + "int": _constructor.construct_yaml_int,
    _Y + "float": _constructor.construct_yaml_float,
    _Y + "timestamp": _constructor.construct_yaml_timestamp,
    _Y + "str": lambda n: n.value,
}
_COLLECTION_TAGS = {_Y + "map", _Y + "seq"}
_implicit_first = set(Resolver.yaml_implicit_resolvers) | {""}


class Node:
    """A YAML value with its position (1-based line and column)."""

    __slots__ = ("kind", "value", "raw", "line", "col", "end_line", "end_col", "style")

    def __init__(self, kind: str, value: Any, line: int, col: int, raw: str = "", style: str | None = None):
        self.kind = kind  # "map" | "seq" | "scalar"
        # map: dict[str, tuple[Node, Node]] (key node, value node); seq: list[Node]; scalar: python value
        self.value = value
        self.raw = raw  # the scalar's text as written (after YAML unescaping); "" for a map or a list
        self.line = line
        self.col = col
        self.end_line = line
        self.end_col = col
        self.style = style

    def get(self, key: str) -> "Node | None":
        if self.kind == "map" and key in self.value:
            return self.value[key][1]
        return None

    def key_node(self, key: str) -> "Node | None":
        if self.kind == "map" and key in self.value:
            return self.value[key][0]
        return None


@dataclass
class Document:
    path: str  # as it should appear in diagnostics
    root: Node | None = None
    data: Any = None
    lines: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.root is not None and not any(d.severity == "error" for d in self.diagnostics)

    def error(self, line: int, col: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic.make(self.path, line, col, code, message))

    def locate(self, node: Node, needle: str) -> tuple[int, int]:
        """Line and column of `needle` inside the source span of a scalar node (node start if not found)."""
        return self._find(node, needle, (node.line, node.col)) or (node.line, node.col)

    def locate_in_order(self, node: Node, found: Iterable[tuple[int, int, str]]) -> Iterator[tuple[int, int]]:
        """Line and column of each (start, end, text) found in a scalar's value, taken in order of
        start. Each search goes on from where the one before it was found: searching every one from
        the node's start took time in the square of their number (8,000 phone numbers in one value: 12 s).
        A later finding lies at or after the one before it in the file, as in the value, whatever the
        scalar's style; one not found on a single line (it runs over a line end) is at the node's start."""
        after = before = (node.line, node.col)  # the end and the start of the last one found
        last_end = -1
        for start, end, text in found:
            where = self._find(node, text, before if start < last_end else after)  # overlapping: from its start
            if where is None:
                yield node.line, node.col
                continue
            yield where
            before, after, last_end = where, (where[0], where[1] + len(text)), end

    def _find(self, node: Node, needle: str, start: tuple[int, int]) -> tuple[int, int] | None:
        if needle and self.lines:
            first, last = start[0] - 1, min(node.end_line, len(self.lines)) - 1
            for i in range(first, last + 1):
                pos = self.lines[i].find(needle, start[1] - 1 if i == first else 0)
                if pos >= 0:
                    return i + 1, pos + 1
        return None


def to_data(node: Node | None) -> Any:
    """Plain Python data for validation. Empty mapping values are dropped (treated as absent)."""
    if node is None:
        return None
    if node.kind == "scalar":
        return node.value
    if node.kind == "seq":
        return [to_data(n) for n in node.value]
    return {k: to_data(v) for k, (_, v) in node.value.items() if not (v.kind == "scalar" and v.value is None)}


def _line_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, col


def _construct_scalar(ev: ScalarEvent) -> tuple[Any, str | None]:
    """Resolve and construct a scalar the way yaml.safe_load would. Returns (value, error)."""
    tag = ev.tag
    value = ev.value
    if tag is None:
        # Fast path: quoted scalars, and plain ones whose first character starts no implicit type
        # (all Chinese text), are strings; this is exactly what the resolver would conclude.
        if not ev.implicit[0] or value[:1] not in _implicit_first:
            return value, None
        tag = _resolver.resolve(ScalarNode, value, ev.implicit)
    elif tag == "!":
        return value, None
    build = _SCALAR_TAGS.get(tag)
    if build is None:
        return value, f"不允许使用 YAML 标签 {tag.replace(_Y, '!!')}：请删除标签，直接写值"
    try:
        return build(ScalarNode(tag, value)), None
    except Exception:  # noqa: BLE001 - PyYAML's constructors fail in many ways on text an explicit tag forces on them
        # e.g. "2023-02-30" resolves as a timestamp but is no real day, and `!!bool 2016-02` or
        # `!!timestamp 5-11` (KeyError, AttributeError inside PyYAML) fit no bool or date: keep the text,
        # the schema check reports it as a malformed date.
        return value, None


# Characters that change the order in which a browser shows text (Unicode bidi embeddings, overrides,
# isolates and marks). A Chinese record has no use for them, and they make the page show what the
# checks did not read: "\u202e X20013219491501011 \u202c" reads as no ID number and shows as
# 11010519491231002X, and a full name written backwards inside an override shows the right way round.
DIRECTION_CONTROLS = {
    "\u061c": "阿拉伯字母标记", "\u200e": "从左到右标记", "\u200f": "从右到左标记",
    "\u202a": "从左到右嵌入", "\u202b": "从右到左嵌入", "\u202c": "方向格式结束", "\u202d": "从左到右覆盖",
    "\u202e": "从右到左覆盖", "\u2066": "从左到右隔离", "\u2067": "从右到左隔离", "\u2068": "方向隔离",
    "\u2069": "方向隔离结束",
}
_DIRECTION = re.compile("[" + "".join(DIRECTION_CONTROLS) + "]")


def direction_controls(doc: Document, text: str) -> None:
    """E002 for each line holding a direction control (one search for the whole text: nearly every
    file has none). Parsing goes on, so the file's other problems are reported in the same run."""
    if not _DIRECTION.search(text):
        return
    for number, line in enumerate(text.split("\n"), 1):
        first = _DIRECTION.search(line)
        if first is None:
            continue
        found = _DIRECTION.findall(line)
        names = "、".join(dict.fromkeys(f"U+{ord(ch):04X}（{DIRECTION_CONTROLS[ch]}）" for ch in found))
        more = f"，这一行共 {len(found)} 个" if len(found) > 1 else ""
        doc.error(number, first.start() + 1, "E002",
                  f"含有看不见的文字方向控制字符 {names}{more}：它会让网页上显示的文字与检查读到的不一致"
                  "（例如倒写的号码或姓名显示成正的），记录中不需要它。编辑器里看不出来，"
                  "请把这一处前后的几个字删掉后重新输入")


# What the reader refuses in the file (control characters), a double-quoted scalar can still write
# as an escape ("\x0b", "\0", "\e", "\uFFFE", "\N"): then a title made feed.xml invalid XML for
# every reader, and a NUL passed into the pages. Tab and line breaks are text; everything else that
# XML 1.0 refuses, and the C1 controls that HTML reads as errors, is E002 (libyaml itself refuses a
# surrogate such as "\ud800"; it is in the class all the same).
_ESCAPED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escaped_characters(doc: Document, value: str, line: int, col: int) -> None:
    """E002 for what a double-quoted scalar's escapes wrote that the file itself may not hold: a
    control character, or a direction control ("\u202e" is six plain characters in the file, which
    direction_controls reads)."""
    bad = _ESCAPED_CONTROL.search(value)
    if bad:
        doc.error(line, col, "E002", f"双引号中的转义写出了不允许的字符 U+{ord(bad.group()):04X}（控制字符、代理码位或非字符）："
                                     "网页、订阅和数据文件都不能含有它，请删除这个以 “\\” 开头的转义")
    turn = _DIRECTION.search(value)
    if turn:
        ch = turn.group()
        doc.error(line, col, "E002", f"双引号中的转义写出了文字方向控制字符 U+{ord(ch):04X}（{DIRECTION_CONTROLS[ch]}）："
                                     "它会让网页上显示的文字与检查读到的不一致，请删除这个以 “\\” 开头的转义")


def parse_text(doc: Document, text: str, top: str = "map") -> None:
    """Fill doc.root / doc.data from YAML text, collecting E002–E005 into doc.diagnostics."""
    doc.lines = text.splitlines()
    stack: list[list[Any]] = []  # frames: [node, pending_key_node_or_None]
    root: Node | None = None
    documents = 0
    try:
        parser = _Parser(text)
        while True:
            ev = parser.get_event()
            if ev is None:
                break
            line, col = ev.start_mark.line + 1, ev.start_mark.column + 1
            if isinstance(ev, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    doc.error(line, col, "E003", "一个文件只能包含一个 YAML 文档：请删除第二个 “---” 及其后的内容，或拆成另一个文件")
                    break
                continue
            anchor = getattr(ev, "anchor", None)
            if isinstance(ev, AliasEvent):
                doc.error(line, col, "E003", f"不允许使用 YAML 别名 *{ev.anchor}：请把内容直接写出来")
                # keep the alias text literally: it is reported, never resolved
                node = Node("scalar", f"*{ev.anchor}", line, col, raw=f"*{ev.anchor}")
            elif isinstance(ev, ScalarEvent):
                if anchor:
                    doc.error(line, col, "E003", f"不允许使用 YAML 锚点 &{anchor}：请删除锚点")
                value, err = _construct_scalar(ev)
                if err:
                    doc.error(line, col, "E003", err)
                if ev.style == '"':
                    _escaped_characters(doc, ev.value, line, col)
                node = Node("scalar", value, line, col, raw=ev.value, style=ev.style)
                node.end_line, node.end_col = ev.end_mark.line + 1, ev.end_mark.column + 1  # type: ignore[union-attr]  # libyaml marks every event
            elif isinstance(ev, (MappingStartEvent, SequenceStartEvent)):
                if anchor:
                    doc.error(line, col, "E003", f"不允许使用 YAML 锚点 &{anchor}：请删除锚点")
                if ev.tag and not ev.implicit and ev.tag not in _COLLECTION_TAGS:
                    doc.error(line, col, "E003", f"不允许使用 YAML 标签 {ev.tag.replace(_Y, '!!')}：请删除标签")
                if len(stack) >= MAX_DEPTH:
                    doc.error(line, col, "E003", f"嵌套层级超过 {MAX_DEPTH} 层，不是有效的案例记录")
                    return
                is_map = isinstance(ev, MappingStartEvent)
                node = Node("map" if is_map else "seq", {} if is_map else [], line, col)
            elif isinstance(ev, (MappingEndEvent, SequenceEndEvent)):
                done = stack.pop()[0]
                done.end_line, done.end_col = ev.end_mark.line + 1, ev.end_mark.column + 1  # type: ignore[union-attr]  # as above
                continue
            else:  # stream/document end
                continue

            if not stack:
                root = node
            else:
                frame = stack[-1]
                parent: Node = frame[0]
                if parent.kind == "seq":
                    parent.value.append(node)
                elif frame[1] is None:  # this node is a key
                    if node.kind != "scalar":
                        doc.error(line, col, "E103", "键必须是简单的文字，不能是列表或映射")
                    frame[1] = node
                else:
                    key_node: Node = frame[1]
                    frame[1] = None
                    key = key_node.raw
                    if key in parent.value:
                        first = parent.value[key][0]
                        doc.error(key_node.line, key_node.col, "E004",
                                  f"键 “{key}” 重复（第一次出现在第 {first.line} 行）：请删除或合并其中一个")
                    else:
                        parent.value[key] = (key_node, node)
            if node.kind != "scalar":
                stack.append([node, None])
    except yaml.MarkedYAMLError as e:
        mark, opened = e.problem_mark or e.context_mark, e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        line, col, message = syntax.message(doc.lines, line, col, e.problem or "", e.context or "",
                                            opened.line + 1 if opened else None, opened.column + 1 if opened else None)
        doc.error(line, col, "E002", message)
        return
    except yaml.YAMLError as e:  # reader errors: forbidden control characters
        pos = getattr(e, "position", 0) or 0
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        doc.error(line, col, "E002", "文件中含有不允许的控制字符：请删除它")
        return

    if root is None or (root.kind == "scalar" and root.value is None):
        doc.error(1, 1, "E005", "文件是空的：请按格式填写内容")
        return
    if root.kind != top:
        what = "映射：应由 “字段: 值” 的行组成" if top == "map" else "列表：每一项以 “- ” 开头"
        doc.error(root.line, root.col, "E005", f"文件顶层不是{what}")
        return
    doc.root = root
    doc.data = to_data(root)


def real_path(path: Path) -> Path:
    """Where a path really is. os.path.realpath, not Path.resolve, which raises RuntimeError on a
    symlink loop in Python 3.11; a loop stays as it is, and reading it reports E001."""
    return Path(os.path.realpath(path))


def is_inside(path: Path, folder: Path) -> bool:
    try:
        real_path(path).relative_to(real_path(folder))
        return True
    except ValueError:
        return False


_OS_REASONS = {
    errno.ENOENT: "不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ELOOP: "符号链接形成了循环",
    errno.EISDIR: "这是一个目录",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统是只读的",
    errno.EEXIST: "已有同名的文件",
}


def read_reason(e: OSError) -> str:
    """Why a file operation failed, in Chinese: strerror is the C library's English."""
    return _OS_REASONS.get(e.errno, e.strerror or str(e)) if e.errno is not None else str(e)


def load_file(path: Path, display: str | None = None, confine_to: Path | None = None, top: str = "map") -> Document:
    """Read and parse one YAML file. Never raises for bad input; problems land in .diagnostics."""
    doc = Document(path=display or str(path))
    try:
        if confine_to is not None and not is_inside(path, confine_to):
            doc.error(1, 1, "E001", f"文件是指向 {confine_to.name}/ 之外的符号链接，出于安全原因拒绝读取：请把记录文件本身放进 {confine_to.name}/")
            return doc
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            # a named pipe would block the check forever, and /dev/zero never ends
            doc.error(1, 1, "E001", "不是普通文件（管道、设备等），拒绝读取：记录必须是普通的文本文件")
            return doc
        if st.st_size > MAX_BYTES:
            doc.error(1, 1, "E003", f"文件大小 {st.st_size} 字节，超过 1 MiB 上限：请精简内容")
            return doc
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)  # a file growing while read is still held to the limit
    except OSError as e:
        reason = "它是符号链接，指向的文件不存在" if e.errno == errno.ENOENT and path.is_symlink() else read_reason(e)
        doc.error(1, 1, "E001", f"无法读取文件：{reason}")
        return doc
    parse_bytes(doc, raw, top)
    return doc


def _encoding_hint(raw: bytes) -> str:
    """What the file probably is: Windows editors save Chinese text as UTF-16 ("Unicode" in
    Notepad) or GBK ("ANSI" on a Chinese Windows), and staff know those names, not UTF-8's."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "（是 UTF-16，记事本中叫 “Unicode”）"
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "（看起来是 GBK，Windows 中文版记事本中叫 “ANSI”）"


def parse_bytes(doc: Document, raw: bytes, top: str = "map") -> Document:
    if len(raw) > MAX_BYTES:
        doc.error(1, 1, "E003", f"文件大小 {len(raw)} 字节，超过 1 MiB 上限：请精简内容")
        return doc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _line_of_offset(raw, e.start)
        doc.error(line, col, "E001", f"文件不是 UTF-8 编码{_encoding_hint(raw)}：请用 UTF-8 另存（例如在编辑器中选择 “UTF-8” 编码）")
        return doc
    if "\x00" in text:
        pos = text.index("\x00")
        doc.error(text.count("\n", 0, pos) + 1, 1, "E001", "文件含有 NUL 字符，不是文本文件")
        return doc
    direction_controls(doc, text)
    parse_text(doc, text, top)
    return doc


def iter_record_files(folder: Path) -> Iterator[Path]:
    """Every *.yaml / *.yml below folder (any letter case: XA-2024-001.YAML from Windows counts),
    sorted; hidden files and folders (editor backups, .git) are skipped."""
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if name.lower().endswith((".yaml", ".yml")):
                yield Path(dirpath) / name


def as_date(value: Any) -> dt.date | None:
    """A full date from a YAML value, or None."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
