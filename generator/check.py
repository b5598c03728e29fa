"""Stage 2: check records and catalogs. Collects every problem; never raises for bad input."""
from __future__ import annotations

import datetime as dt
import difflib
import pickle
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from pydantic import ValidationError

from . import model
from .cache import CheckCache
from .diagnostics import Diagnostic, sort_diagnostics
from .load import Document, Node, as_date, iter_record_files, load_file, real_path
from .parallel import chunks, fork_map
from .privacy import anonymised_surnames, apply_allow, display_names_person, scan_names, scan_text

_SCHEMAS = {
    "case": model.json_schema(),
    "regions": model.Regions.model_json_schema(by_alias=True),
    "circumstances": model.CircumstanceList.json_schema(by_alias=True),
}
_TYPE_WORDS = {"string": "文本", "integer": "整数", "boolean": "true 或 false", "array": "列表（每项以 “- ” 开头）",
               "object": "映射（“字段: 值” 的形式）", "number": "数字"}


# ---------------------------------------------------------------- schema walking (labels, enums, keys)
def resolve_schema(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        ref = schema["$ref"].split("/")[-1]
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**root["$defs"][ref], **extra}
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [resolve_schema(s, root) for s in schema[key] if s.get("type") != "null"]
            objects = [o for o in options if o.get("type") == "object" or "properties" in o]
            pick = objects[0] if objects else (options[0] if len(options) == 1 else None)
            if pick is not None:
                return {**pick, **{k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}}
    return schema


def schema_at(kind: str, loc: Iterable[str | int]) -> dict | None:
    root = _SCHEMAS[kind]
    s: dict | None = resolve_schema(root, root)
    for part in loc:
        if s is None:
            return None
        if isinstance(part, int):
            s = resolve_schema(s["items"], root) if "items" in s else None
        else:
            props = s.get("properties")
            s = resolve_schema(props[part], root) if props and part in props else None
    return s


def label(kind: str, loc: tuple) -> str:
    """`subject.rank（职级）` for messages."""
    dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p + 1}]" for p in loc).replace(".[", "[")
    s = schema_at(kind, loc)
    title = s.get("title") if s else None
    if not title and loc and isinstance(loc[-1], int):  # an item of a list: the list's name
        parent = schema_at(kind, loc[:-1])
        title = parent.get("title") if parent else None
    return f"{dotted}（{title}）" if title else dotted


def nearest(word: str, choices: Iterable[str], cutoff: float = 0.5) -> str | None:
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def _suggest(word: Any, choices: Iterable[str], cutoff: float = 0.5) -> str:
    best = nearest(str(word), choices, cutoff)
    return f"是否应为 “{best}”？" if best else ""


def suggest_value(value: Any, choices: list[str]) -> str:
    """A value of an enumeration: its everyday name first (副处级 is 县处级副职), then the nearest
    spelling, but never the choice a negation was taken off (不公开 is not 公开)."""
    word = str(value).strip()
    if model.SYNONYMS.get(word) in choices:
        return f"是否应为 “{model.SYNONYMS[word]}”？"
    best = nearest(word, choices)
    if best is None or (word[:1] in "不非未无" and best == word[1:]):
        return ""
    return f"是否应为 “{best}”？"


# ---------------------------------------------------------------- positions
def position(doc: Document, loc: tuple) -> tuple[Node | None, tuple[int, int], bool]:
    """Walk loc in the node tree. Returns (node or None, position, found).

    When the last part is missing, the position is the key of the mapping that lacks it
    (line 1 for a top-level field), as the spec asks.
    """
    node = doc.root
    pos = (1, 1)
    for part in loc:
        if node is None:
            return None, pos, False
        if node.kind == "map" and isinstance(part, str):
            if part in node.value:
                key, node = node.value[part]
                pos = (key.line, key.col)
                continue
            if part in ("point", "period"):  # pydantic union tags, not real keys
                continue
            return None, pos, False
        if node.kind == "seq" and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            pos = (node.line, node.col)
            continue
        return None, pos, False
    return node, pos, True


def value_pos(node: Node | None, fallback: tuple[int, int]) -> tuple[int, int]:
    return (node.line, node.col) if node is not None else fallback


# ---------------------------------------------------------------- schema validation → diagnostics
def _digit_hint(value: Any) -> str:
    """Ids and dates take the digits 0-9 only; a full-width input method types ２０２４, which
    looks the same in most fonts."""
    if isinstance(value, str) and any(ch.isdigit() and not ch.isascii() for ch in value):
        return "；其中有全角等非半角数字，请改用半角数字 0–9"
    return ""


def schema_diagnostics(doc: Document, kind: str, errors: Sequence[Mapping[str, Any]]) -> None:
    for err in errors:
        loc = tuple(p for p in err["loc"] if p not in ("point", "period"))
        etype = err["type"]
        node, pos, found = position(doc, loc)
        here = value_pos(node, pos) if found else pos
        name = label(kind, loc)
        s = schema_at(kind, loc)
        if etype == "missing":
            if found and node is not None:  # key present, value empty
                doc.error(pos[0], pos[1], "E101", f"{name} 为空：这是必填字段，请填写")
            else:
                doc.error(pos[0], pos[1], "E101", f"缺少必填字段 {name}：请补上")
        elif etype == "extra_forbidden":
            parent = schema_at(kind, loc[:-1]) or {}
            keys = list(parent.get("properties", {}))
            hint = _suggest(loc[-1], keys, cutoff=0.6)
            doc.error(pos[0], pos[1], "E102",
                      f"未知字段 “{loc[-1]}”：{hint or '允许的字段有 ' + '、'.join(keys) + '。'}未知字段不会被发布，请改正或删除")
        elif etype in ("literal_error", "enum"):
            choices = (s or {}).get("enum", [])
            value = err.get("input")
            hint = suggest_value(value, choices)
            doc.error(here[0], here[1], "E104",
                      f"{name} 的值 “{value}” 不在允许范围内：{hint or ''}可选 {'、'.join(map(str, choices))}")
        elif etype.startswith("E"):  # our own PydanticCustomError codes
            doc.error(here[0], here[1], etype, f"{name}：{err['msg']}{_digit_hint(err.get('input'))}")
        elif etype in ("string_too_short", "string_too_long", "too_short", "too_long"):
            ctx = err.get("ctx", {})
            if etype == "string_too_short" and ctx.get("min_length") == 1:
                doc.error(here[0], here[1], "E101", f"{name} 为空：请填写")
            elif etype.startswith("string"):
                n = len(err.get("input") or "")
                lo, hi = (s or {}).get("minLength"), (s or {}).get("maxLength")
                bounds = f"{lo} 至 {hi} 字" if lo and hi else f"至少 {lo} 字" if lo else f"最多 {hi} 字"
                doc.error(here[0], here[1], "E106", f"{name} 长度为 {n} 字，应为 {bounds}")
            else:  # list length: point at the key that holds the list
                doc.error(pos[0], pos[1], "E106", f"{name} 至少要有 {ctx.get('min_length')} 项")
        elif etype == "string_pattern_mismatch":
            value = err.get("input")
            example = {"id": "如 XA-2023-017（2 至 6 个大写字母-4 位年份-3 或 4 位序号）",
                       "related": "如 XA-2023-017", "slug": "只用小写字母、数字和连字符",
                       "url": "以 http:// 或 https:// 开头的网址"}
            hint = next((v for k, v in example.items() if k in loc), "")
            pattern = (s or {}).get("pattern")
            parts = joined_items(value, lambda p: re.match(pattern, p) is not None) if pattern and isinstance(value, str) else None
            doc.error(here[0], here[1], "E106", f"{name} 的值 {parts}" if parts else
                      f"{name} 的值 “{value}” 格式不对：{hint}{_digit_hint(value)}")
        elif etype in ("greater_than_equal", "greater_than", "less_than_equal"):
            ctx = err.get("ctx", {})
            bound = {"greater_than_equal": ("ge", "不能小于"), "greater_than": ("gt", "必须大于"),
                     "less_than_equal": ("le", "不能大于")}[etype]
            doc.error(here[0], here[1], "E106", f"{name} 的值 “{err.get('input')}” 超出范围：{bound[1]} {ctx.get(bound[0])}")
        elif err.get("input") is None and loc and isinstance(loc[-1], int):
            # "- " left empty, as `portal new` writes list items for staff to fill: empty, not a type
            doc.error(here[0], here[1], "E101", f"{name} 为空：请填写这一项，或删去这一行")
        else:  # wrong type
            want = _TYPE_WORDS.get((s or {}).get("type", ""), "")
            if not want and s and "enum" in s:
                want = "、".join(s["enum"]) + " 之一"
            got = err.get("input")
            shown = "空值" if got is None else f"“{got}”" if not isinstance(got, (dict, list)) else (
                "映射" if isinstance(got, dict) else "列表")
            # one value where a list belongs (circumstances: 先行先试): a list of one is written [先行先试]
            hint = f"；只有一项时也写成列表：[{got}]" if (s or {}).get("type") == "array" and isinstance(got, (str, int)) else ""
            doc.error(here[0], here[1], "E103", f"{name} 的类型不对：应为{want or '正确的类型'}，实际是 {shown}{hint}")


def validate_schema(doc: Document, adapter: Any, kind: str) -> Any | None:
    try:
        return adapter.validate_python(doc.data)
    except ValidationError as e:
        schema_diagnostics(doc, kind, e.errors(include_url=False))
        return None


# ---------------------------------------------------------------- catalogs
@dataclass
class Catalogs:
    root: str = ""
    regions: list[model.Region] = field(default_factory=list)
    circumstances: list[model.Circumstance] = field(default_factory=list)
    ok: bool = True
    docs: list[Document] = field(default_factory=list)

    @property
    def region_names(self) -> list[str]:
        return [r.name for r in self.regions]

    @property
    def circumstance_ids(self) -> list[str]:
        return [c.id for c in self.circumstances]


def _unique(doc: Document, items: list[Node], keys: tuple[str, ...]) -> None:
    for key in keys:
        seen: dict[Any, int] = {}
        for item in items:
            n = item.get(key) if item.kind == "map" else None
            if n is None or n.kind != "scalar":
                continue
            if n.value in seen:
                doc.error(n.line, n.col, "E202", f"{key} “{n.value}” 重复（第一次出现在第 {seen[n.value]} 行）：目录中的 {key} 必须唯一")
            else:
                seen[n.value] = n.line


def check_regions(path: Path, display: str) -> tuple[Document, model.Regions | None]:
    doc = load_file(path, display)
    if doc.root is None:
        return doc, None
    value = validate_schema(doc, model.RegionsAdapter, "regions")
    items = doc.root.get("regions")
    if items is not None and items.kind == "seq":
        _unique(doc, items.value, ("name", "slug"))
    scan_document(doc, names=False)  # catalogs name no one
    return doc, value if doc.ok else None


def check_circumstances(path: Path, display: str) -> tuple[Document, list[model.Circumstance] | None]:
    doc = load_file(path, display, top="seq")
    if doc.root is None:
        return doc, None
    value = validate_schema(doc, model.CircumstanceList, "circumstances")
    _unique(doc, doc.root.value, ("id", "slug"))
    scan_document(doc, names=False)  # catalogs name no one
    return doc, value if doc.ok else None


# ---------------------------------------------------------------- privacy over every text value
def _walk_scalars(node: Node, loc: tuple = ()) -> Iterable[tuple[tuple, Node]]:
    stack = [(loc, node)]
    while stack:
        loc, n = stack.pop()
        if n.kind == "scalar":
            if n.raw:
                yield loc, n
        elif n.kind == "seq":
            stack.extend(((*loc, i), c) for i, c in enumerate(n.value))
        else:
            stack.extend(((*loc, k), v) for k, (_, v) in n.value.items())


def scan_document(doc: Document, names: bool = True, own_name: str = "",
                  allows: list[tuple[str, str]] | None = None, places: Iterable[str] = ()) -> None:
    """Privacy and markup findings in every text value. `own_name`: the public name of a subject
    whose full name an official source has published (subject.named): a name found in it is that
    subject's; any other name (a whistle-blower's, a colleague's) is still reported. `places`: the
    catalog's regions; a "name" that begins one is the region's short form ("周至副县长": 周至县)."""
    places = [p for p in places if len(p) >= 2]
    if doc.root is None:
        return
    scalars = [(loc, node) for loc, node in _walk_scalars(doc.root) if loc[:2] != ("disclosure", "allow")]
    # the surnames of the people the record names by "X某": their full names are looked for anywhere
    surnames: set[str] = set()
    if names:
        for _, node in scalars:
            surnames |= anonymised_surnames(node.raw)
    for loc, node in scalars:  # (the allow entries themselves are not scanned)
        text = node.raw
        hits = apply_allow(text, scan_text(text, names=names, surnames=surnames), allows or [])
        if own_name:
            hits = [h for h in hits if not (h.code == "E305" and h.text in own_name)]
        if places:
            hits = [h for h in hits if not (h.code == "E305" and any(p.startswith(h.text) for p in places))]
        shown_html = False
        shown = []
        for h in sorted(hits, key=lambda h: h.start):
            if h.code == "E401" and h.text.startswith("<"):
                if shown_html:  # one markup finding per value is enough to act on
                    continue
                shown_html = True
            shown.append(h)
        for h, (line, col) in zip(shown, doc.locate_in_order(node, ((h.start, h.end, h.text) for h in shown)), strict=True):
            doc.error(line, col, h.code, h.message)


# ---------------------------------------------------------------- record rules (tolerant of bad types)
_ITEM_SEPARATORS = re.compile(r"\s*[，、,；;]\s*|\s+")


def joined_items(value: str, fits: Callable[[str], bool]) -> str | None:
    """[先行先试，探索试验]: YAML's list separator is the ASCII comma, so the Chinese one made a
    single item of two. When every part fits (a known id, the pattern), say so (else None)."""
    parts = [p for p in _ITEM_SEPARATORS.split(value) if p]
    if len(parts) < 2 or not all(fits(p) for p in parts):
        return None
    return (f"“{value}” 是连在一起的 {len(parts)} 项（方括号中只有英文逗号 “,” 分隔各项）：请写作 "
            f"[{', '.join(parts)}]")


def _partial_start(value: Any) -> dt.date | None:
    try:
        s = model.parse_partial_date(value)
    except Exception:
        return None
    parts = [int(p) for p in s.split("-")]
    return dt.date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))


def _partial_key(value: Any) -> tuple | None:
    try:
        s = model.parse_partial_date(value)
    except Exception:
        return None
    return tuple(int(p) for p in s.split("-"))


def _get(data: Any, *path: str | int) -> Any:
    for p in path:
        if isinstance(p, int):
            data = data[p] if isinstance(data, list) and p < len(data) else None
        else:
            data = data.get(p) if isinstance(data, dict) else None
        if data is None:
            return None
    return data


def _list(data: Any, *path: str) -> list:
    v = _get(data, *path)
    return v if isinstance(v, list) else []


class RecordRules:
    """Rules across fields of one record. Each value is used only where it has the right type;
    a wrong type was already reported by the schema check."""

    def __init__(self, doc: Document, catalogs: Catalogs, today: dt.date):
        self.doc, self.cat, self.today = doc, catalogs, today
        self.d = doc.data

    def at(self, loc: tuple, code: str, message: str, key: bool = False) -> None:
        node, pos, found = position(self.doc, loc)
        line, col = pos if (key or not found) else value_pos(node, pos)
        self.doc.error(line, col, code, message)

    def date(self, *loc: str | int) -> dt.date | None:
        return as_date(_get(self.d, *loc))

    def run(self, stem: str) -> None:
        d = self.d
        rid = d.get("id")
        if isinstance(rid, str) and rid != stem:
            # offer the stem as an id only when it could be one (not for 案例一.yaml or "XA 2024 1.yaml")
            other = f"，或把 id 改为 {stem}" if re.match(model.ID_PATTERN, stem) else ""
            self.at(("id",), "E201", f"id “{rid}” 与文件名 “{stem}” 不一致：文件应命名为 {rid}.yaml{other}")
        self.kind_rules()
        self.subject_rules()
        self.reference_rules()
        self.repeats(("reason", "circumstances"), "容错情形", "统计和分类页面中")
        self.repeats(("related",), "相关案例", "案例页面和开放数据中")
        self.date_rules()

    def kind_rules(self) -> None:
        d = self.d
        kind = d.get("kind", "容错")
        if kind not in model.KINDS:
            return
        reason = d.get("reason") if isinstance(d.get("reason"), dict) else None
        outcome = _get(d, "result", "outcome")
        if kind == "容错":
            if reason is not None and "circumstances" not in reason:
                self.at(("reason",), "E101", "容错类案例缺少 reason.circumstances（容错情形）：请列出适用的情形 id", key=True)
            if reason is not None and "finding" in reason:
                self.at(("reason", "finding"), "E206", "reason.finding（核查结论）只用于澄清类案例：容错类请删除，或把 kind 改为 澄清", key=True)
            if outcome in model.CLEARING_OUTCOMES:
                self.at(("result", "outcome"), "E206",
                        f"容错类案例的结果不能是 “{outcome}”：应为 {'、'.join(model.TOLERANCE_OUTCOMES)} 之一；若为澄清正名，请把 kind 改为 澄清")
        else:
            if reason is not None and "circumstances" in reason:
                self.at(("reason", "circumstances"), "E206", "澄清类案例不填 reason.circumstances（容错情形）：请删除，并填写 reason.finding", key=True)
            if reason is not None and "finding" not in reason:
                self.at(("reason",), "E101", f"澄清类案例缺少 reason.finding（核查结论）：可选 {'、'.join(model.FINDINGS)}", key=True)
            if outcome in model.TOLERANCE_OUTCOMES:
                self.at(("result", "outcome"), "E206", f"澄清类案例的结果应为 “澄清正名”，不能是 “{outcome}”")

    def subject_rules(self) -> None:
        subj = self.d.get("subject")
        if not isinstance(subj, dict):
            return
        stype = subj.get("type", "个人")
        named = subj.get("named") is True
        if stype == "个人" and "rank" not in subj:
            self.at(("subject",), "E101", f"个人对象缺少 subject.rank（职级）：可选 {'、'.join(model.RANKS)}", key=True)
        count = subj.get("count")
        if stype == "个人" and type(count) is int and count > 1:
            # the spec's count is the number of people a collective covers; a person counted as
            # several inflated 涉及人数 on the home and statistics pages
            self.at(("subject", "count"), "E106", f"个人对象的人数只能是 1（现为 {count}）：请删除 count；"
                                                  "若对象是单位、班子或党组织，请把 type 改为 集体")
        if named and not _list(self.d, "sources"):
            self.at(("subject", "named"), "E101", "subject.named 为 true 时必须在 sources 中注明已公开全名的官方来源")
        display = subj.get("display")
        if (stype == "个人" and not named and isinstance(display, str) and display
                and not display_names_person(display) and not scan_names(display)):
            self.at(("subject", "display"), "E305",
                    f"个人对象的公开称谓 “{display}” 没有按 “姓+某” 匿名：应写作如 “雁塔区住建局副局长李某”")

    def reference_rules(self) -> None:
        d = self.d
        if not self.cat.ok:
            return
        region = d.get("region")
        if isinstance(region, str) and region not in self.cat.region_names:
            self.at(("region",), "E205", f"地区 “{region}” 不在 regions.yaml 中：{_suggest(region, self.cat.region_names)}"
                                         "请使用目录中的名称，或先在目录中添加")
        for i, cid in enumerate(_list(d, "reason", "circumstances")):
            if isinstance(cid, str) and cid not in self.cat.circumstance_ids:
                parts = joined_items(cid, self.cat.circumstance_ids.__contains__)
                self.at(("reason", "circumstances", i), "E205", f"容错情形 {parts}" if parts else
                        f"容错情形 “{cid}” 不在 circumstances.yaml 中：{self.circumstance_hint(cid)}"
                        "请使用目录中的 id")

    def circumstance_hint(self, cid: str) -> str:
        """The nearest id, or the id of the title that was written instead: the site shows each
        circumstance by its title, and staff copy it from there."""
        by_title = {c.title: c.id for c in self.cat.circumstances}
        title = cid.strip() if cid.strip() in by_title else nearest(cid, by_title, cutoff=0.8)
        if title:
            return f"写的像是容错情形的标题：这里只写它的 id “{by_title[title]}”；"
        return _suggest(cid, self.cat.circumstance_ids)

    def repeats(self, loc: tuple, what: str, where: str) -> None:
        """N003 on an item listed a second time. A note: the record publishes right, each item once."""
        seen: dict[Any, int] = {}
        for i, item in enumerate(_list(self.d, *loc)):
            if not isinstance(item, (str, int)):
                continue
            if item in seen:
                self.at((*loc, i), "N003", f"{what} “{item}” 重复列出（第 {seen[item] + 1} 项已有）：{where}只算一次，请删除这一项")
            else:
                seen[item] = i

    def date_rules(self) -> None:
        d, today = self.d, self.today
        decided = self.date("result", "decided")
        published = self.date("disclosure", "published")
        scope = _get(d, "disclosure", "scope")
        if scope == "公开" and isinstance(d.get("disclosure"), dict) and "published" not in d["disclosure"]:
            self.at(("disclosure",), "E101", "公开的案例必须填写 disclosure.published（公开日期）", key=True)

        # every date except published (scheduled) and correction.deadline must not lie in the future
        checks: list[tuple[tuple, dt.date | None]] = [(("result", "decided"), decided)]
        steps = _list(d, "process", "steps")
        for i in range(len(steps)):
            checks += [(("process", "steps", i, "date"), self.date("process", "steps", i, "date")),
                       (("process", "steps", i, "end"), self.date("process", "steps", i, "end"))]
        checks.append((("correction", "completed"), self.date("correction", "completed")))
        for i in range(len(_list(d, "follow_ups"))):
            checks.append((("follow_ups", i, "date"), self.date("follow_ups", i, "date")))
        for i in range(len(_list(d, "revisions"))):
            checks.append((("revisions", i, "date"), self.date("revisions", i, "date")))
        for i in range(len(_list(d, "sources"))):
            checks.append((("sources", i, "date"), self.date("sources", i, "date")))
        occurred = _get(d, "event", "occurred")
        occ_loc: list[tuple[tuple, Any]] = (
            [(("event", "occurred", "from"), occurred.get("from")), (("event", "occurred", "to"), occurred.get("to"))]
            if isinstance(occurred, dict) else [(("event", "occurred"), occurred)])
        for loc, value in occ_loc:
            checks.append((loc, _partial_start(value)))
        for loc, value in checks:
            if value is not None and value > today:
                self.at(loc, "E204", f"{label('case', loc)} {value.isoformat()} 晚于今天（{today.isoformat()}）：请核对日期")

        if isinstance(occurred, dict):
            a, b = _partial_key(occurred.get("from")), _partial_key(occurred.get("to"))
            if a and b and a[:len(b)] > b[:len(a)]:
                self.at(("event", "occurred", "to"), "E203", "event.occurred 的结束时间（to）早于开始时间（from）")
        # not in the spec's list, but no case is decided before its event began (a partial date
        # begins on its first day, so "2024" fits any decision in 2024)
        began_loc, began = occ_loc[0][0], _partial_start(occ_loc[0][1])
        if began and decided and decided < began <= today:  # a future one is E204 already
            self.at(began_loc, "E203", f"事件发生时间 {occ_loc[0][1]} 晚于认定日期 result.decided {decided}：请核对日期")

        prev: dt.date | None = None
        for i in range(len(steps)):
            cur = self.date("process", "steps", i, "date")
            end = self.date("process", "steps", i, "end")
            if cur and prev and cur < prev:
                self.at(("process", "steps", i, "date"), "E203",
                        f"第 {i + 1} 个环节的日期 {cur} 早于上一个环节的日期 {prev}：环节应按时间先后排列")
            if cur and end and end < cur:
                self.at(("process", "steps", i, "end"), "E203", f"第 {i + 1} 个环节的结束日期 {end} 早于其开始日期 {cur}")
            step = _get(d, "process", "steps", i, "step")
            if cur and decided and cur > decided and step not in model.STEPS_AFTER_DECISION:
                self.at(("result", "decided"), "E203",
                        f"认定日期 {decided} 早于第 {i + 1} 个环节 “{step}” 的日期 {cur}：只有 "
                        f"{'、'.join(model.STEPS_AFTER_DECISION)} 可以在认定之后")
            prev = cur or prev

        if decided:
            completed = self.date("correction", "completed")
            if completed and completed < decided:
                self.at(("correction", "completed"), "E203", f"纠错完成日期 {completed} 早于认定日期 {decided}")
            for i in range(len(_list(d, "follow_ups"))):
                fu = self.date("follow_ups", i, "date")
                if fu and fu < decided:
                    self.at(("follow_ups", i, "date"), "E203", f"回访日期 {fu} 早于认定日期 {decided}：回访应在认定之后")
            if published and published < decided and scope == "公开":
                self.at(("disclosure", "published"), "E203", f"公开日期 {published} 早于认定日期 {decided}")
        prev = published if scope == "公开" else None
        for i in range(len(_list(d, "revisions"))):
            rev = self.date("revisions", i, "date")
            if rev and prev and rev < prev:
                what = "公开日期" if i == 0 or prev == published else "上一条更正的日期"
                self.at(("revisions", i, "date"), "E203", f"更正日期 {rev} 早于{what} {prev}：更正记录应在公开之后、按时间先后排列")
            prev = rev or prev
        if scope == "公开" and published and published > today:
            self.at(("disclosure", "published"), "N001",
                    f"定时公开：本案例将于 {published} 起出现在网站上，在此之前不会出现在任何页面、搜索或数据文件中")


# ---------------------------------------------------------------- whole run
class Record:
    """A record that passed every check of its own. A record from the check cache is unpickled
    only when its case is asked for (`portal check` never asks)."""

    __slots__ = ("path", "id", "_case")

    def __init__(self, path: str, case: model.Case | bytes, id: str | None = None) -> None:
        self.path, self._case = path, case
        self.id: str = id if id is not None else case.id  # type: ignore[union-attr]

    @property
    def case(self) -> model.Case:
        case = self._case
        if isinstance(case, bytes):
            case = self._case = pickle.loads(case)
        return case


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    records: list[Record]  # every valid record, public or not
    catalogs: Catalogs
    files: int  # record files and catalogs together
    record_files: int = 0

    @property
    def catalog_files(self) -> int:
        return self.files - self.record_files

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")


def load_catalogs(regions_path: Path, circ_path: Path, display: Any = str) -> Catalogs:
    cat = Catalogs()
    rdoc, regions = check_regions(regions_path, display(regions_path))
    cdoc, circs = check_circumstances(circ_path, display(circ_path))
    cat.docs = [rdoc, cdoc]
    if regions is None or circs is None:
        cat.ok = False
    else:
        cat.root, cat.regions, cat.circumstances = regions.root, regions.regions, circs
    return cat


def allows_of(data: Any) -> list[tuple[str, str]]:
    out = []
    for a in _list(data, "disclosure", "allow"):
        if isinstance(a, dict) and isinstance(a.get("code"), str) and isinstance(a.get("text"), str):
            out.append((a["code"], a["text"]))
    return out


def check_record(doc: Document, catalogs: Catalogs, today: dt.date, stem: str) -> model.Case | None:
    if doc.root is None:
        return None
    case = validate_schema(doc, model.CaseAdapter, "case")
    RecordRules(doc, catalogs, today).run(stem)
    display = _get(doc.data, "subject", "display")
    named = _get(doc.data, "subject", "named") is True and isinstance(display, str)
    scan_document(doc, own_name=display if named else "", allows=allows_of(doc.data),
                  places=[catalogs.root, *catalogs.region_names])
    return case if doc.ok else None


@dataclass
class Summary:
    """What cross-record checks need of one file; the node tree itself is released after its own
    checks so memory stays flat at 10,000 records."""

    path: str
    id: str | None = None
    id_pos: tuple[int, int] = (1, 1)
    scope: Any = None
    related: list[tuple[str, int, int]] = field(default_factory=list)
    typical: tuple[str, int, int] | None = None  # the batch name and where its value is
    published: Any = None
    mentions: list[tuple[str, int, int]] = field(default_factory=list)  # case ids written in its text
    diagnostics: list[Diagnostic] = field(default_factory=list)
    case: bytes | None = None  # the pickled case; Record unpickles it when asked

    @classmethod
    def of(cls, doc: Document, case: bytes | None = None) -> "Summary":
        s = cls(doc.path, diagnostics=doc.diagnostics, case=case)
        if doc.root is not None and isinstance(doc.data, dict):
            rid = doc.data.get("id")
            id_node = doc.root.get("id")
            if isinstance(rid, str) and id_node is not None:
                s.id, s.id_pos = rid, (id_node.line, id_node.col)
            s.scope = _get(doc.data, "disclosure", "scope")
            for i, ref in enumerate(_list(doc.data, "related")):
                if isinstance(ref, str) and re.match(model.ID_PATTERN, ref):  # else E106 says what is wrong
                    node, pos, _ = position(doc, ("related", i))
                    s.related.append((ref, *value_pos(node, pos)))
            s.published = _get(doc.data, "disclosure", "published")
            # most records write ids only as their own id and related items: the lines tell, without
            # walking every value (that walk cost 0.6 s of CPU at 10,000 records). A double-quoted
            # scalar's escape ("\x58A-2024-002") writes an id that no line shows: then walk anyway.
            written = sum(len(_ID_IN_TEXT.findall(line)) for line in doc.lines if "-" in line)
            own = s.id is not None and re.match(model.ID_PATTERN, s.id) is not None
            if written > own + len(s.related) or any("\\" in line for line in doc.lines):
                for loc, node in _walk_scalars(doc.root):
                    if loc[:1] in (("id",), ("related",)) or "-" not in node.raw:
                        continue
                    found = [(m.start(), m.end(), m.group()) for m in _ID_IN_TEXT.finditer(node.raw)]
                    s.mentions += [(text, *at) for (_, _, text), at in zip(found, doc.locate_in_order(node, found), strict=True)]
            batch = doc.data.get("typical")
            if isinstance(batch, str) and batch.strip():
                node, pos, _ = position(doc, ("typical",))
                s.typical = (batch, *value_pos(node, pos))
        return s

    def shown_as(self, display: str) -> "Summary":
        return replace(self, path=display, diagnostics=[replace(d, path=display) for d in self.diagnostics])

    def error(self, line: int, col: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic.make(self.path, line, col, code, message))

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


SUGGEST_AMONG = 2000  # ids compared with a missing related id when its year has none


SHOW_DUPLICATES = 3  # other files an E202 names


def cross_record(summaries: list[Summary]) -> None:
    by_id: dict[str, list[Summary]] = {}
    for s in summaries:
        if s.id is not None:
            by_id.setdefault(s.id, []).append(s)
    for rid, group in by_id.items():
        if len(group) > 1:
            for s in group:
                # the first few others: every file naming all the others made output in the square of
                # their number (2,000 copies of one record: 144 MB)
                others = [o.path for o in group if o is not s]
                named = "、".join(others[:SHOW_DUPLICATES])
                if len(others) > SHOW_DUPLICATES:
                    named += f" 等 {len(others)} 个文件"
                s.error(*s.id_pos, "E202", f"id “{rid}” 重复，也出现在 {named}：每个案例的 id 必须唯一且永不复用")
    # What a missing related id is compared with, for "是否应为 …": only records a link could point
    # to (public ones), and of those the ones of the same prefix and year, or of the same prefix when
    # that year has none and they are few. Against all 10,000 ids of a large archive each suggestion
    # took 0.3 s, and 100 dangling links took 31 s.
    linkable: dict[str, list[str]] = {}
    for i, g in by_id.items():
        if g[0].scope == "公开" and re.match(model.ID_PATTERN, i):
            prefix, year, _ = i.split("-")
            linkable.setdefault(f"{prefix}-{year}", []).append(i)
            linkable.setdefault(prefix, []).append(i)
    for s in summaries:
        for ref, line, col in s.related:
            if ref == s.id:  # "other records" (the spec): the case itself is not one
                s.error(line, col, "E205", f"相关案例 “{ref}” 就是本案例：related 只列其他案例，请删除这一项")
            elif ref not in by_id:
                prefix, year, _ = ref.split("-")
                same_prefix = linkable.get(prefix, [])
                near = linkable.get(f"{prefix}-{year}") or (same_prefix if len(same_prefix) <= SUGGEST_AMONG else [])
                near = [i for i in near if i != s.id]
                s.error(line, col, "E205", f"相关案例 “{ref}” 不存在：{_suggest(ref, near)}请核对编号")
            elif by_id[ref][0].scope != "公开":
                s.error(line, col, "E205", f"相关案例 “{ref}” 不是公开案例，不能在公开记录中引用：请删除这一项")
        if s.scope == "公开":
            for ref, line, col in s.mentions:
                _mentioned(s, ref, line, col, by_id.get(ref))


def _mentioned(s: Summary, ref: str, line: int, col: int, group: list[Summary] | None) -> None:
    """A case id written in a public record's text is published with it: an internal record's id
    never may be, a scheduled one's not before that record is out (the site leaves out a related
    link until then, but it cannot leave out words)."""
    if not group or group[0] is s:
        return  # another portal's case, or a typo: nothing of ours is told
    other = group[0]
    if other.scope != "公开":
        s.error(line, col, "E205", f"正文中提到的 “{ref}” 是内部记录：公开记录中不能出现它的编号，请删除")
    elif (isinstance(other.published, dt.date) and isinstance(s.published, dt.date)
          and other.published > s.published):
        s.error(line, col, "E205", f"正文中提到的 “{ref}” 定时在 {other.published} 公开，晚于本案例（{s.published}）："
                                   "在它公开之前不能出现它的编号，请删除，或把本案例的公开日期定在它之后")


# a case id inside text ("另见 XA-2023-017"): the id pattern, not part of a longer word
_ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9-])" + model.ID_PATTERN.strip("^$") + r"(?![A-Za-z0-9])")


# ---------------------------------------------------------------- typical-case batches
_NUMERAL = re.compile("[〇零一二两三四五六七八九十百]+")
_NUMERAL_VALUE = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9)))


def _numeral(text: str) -> str:
    """一 → 1, 十二 → 12, 二〇二三 → 2023 (digit by digit when there is no 十 or 百)."""
    if "十" not in text and "百" not in text:
        return "".join(str(_NUMERAL_VALUE[ch]) for ch in text)
    total, digit = 0, 0
    for ch in text:
        if ch in ("十", "百"):
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
        else:
            digit = _NUMERAL_VALUE[ch]
    return str(total + digit)


def batch_key(name: str) -> str:
    """A batch name as staff mean it: the same batch typed another way (第1批 for 第一批, 年 for 年度,
    full-width digits, spaces) has the same key."""
    text = "".join(unicodedata.normalize("NFKC", name).split()).replace("年度", "年")
    return _NUMERAL.sub(lambda m: _numeral(m.group()), text)


def _one_typo(a: str, b: str) -> bool:
    """Whether a and b differ by one character that is not a digit (典型 and 典形; 第一批 and 第二批
    are two batches, so a digit never counts)."""
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        return len(diff) == 1 and not (diff[0][0].isdigit() or diff[0][1].isdigit())
    short, long_ = sorted((a, b), key=len)
    if len(long_) - len(short) != 1:
        return False
    i = next((i for i, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return long_[i + 1:] == short[i:] and not long_[i].isdigit()


def similar_batches(names: dict[str, int]) -> dict[str, str]:
    """Each batch name (with its number of records) that looks like a mistyped copy of another: the
    name → the one it should be. Of two such names, the one with fewer records is taken for the
    mistake; with as many records each, both are reported.

    Two keys one character apart share a key with one character deleted (典型 and 典形: 典), so
    only names that share such a key are compared: all pairs of an archive that misused `typical`
    for a text of its own per case (3,000 names) took 13 s."""
    out: dict[str, str] = {}
    keys = {n: batch_key(n) for n in sorted(names)}
    near: dict[str, list[str]] = {}
    for name, key in keys.items():
        for variant in {key} | {key[:i] + key[i + 1:] for i in range(len(key))}:
            near.setdefault(variant, []).append(name)
    pairs = {(a, b) for group in near.values() for i, a in enumerate(group) for b in group[i + 1:]}
    for a, b in sorted(pairs):
        if keys[a] != keys[b] and not _one_typo(keys[a], keys[b]):
            continue
        if names[a] <= names[b]:
            out.setdefault(a, b)
        if names[b] <= names[a]:
            out.setdefault(b, a)
    return out


def _difference(a: str, b: str) -> str:
    """Where name a differs from b, in words: 少了“度”，“1”那一批写作“一”."""
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts = [(a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in m.get_opcodes() if tag != "equal"]
    return "，".join(f"“{x}”那一批写作“{y}”" if x and y else f"多了“{x}”" if x else f"少了“{y}”" for x, y in parts)


def check_batches(summaries: list[Summary]) -> None:
    """A batch name typed differently in one record splits the batch in two on the typical-cases
    page; it is a note, not an error: two batches may be meant to differ."""
    names: dict[str, list[Summary]] = {}
    for s in summaries:
        if s.typical is not None:
            names.setdefault(s.typical[0], []).append(s)
    for name, should in sorted(similar_batches({n: len(g) for n, g in names.items()}).items()):
        group = names[should]
        for s in names[name]:
            _, line, col = s.typical  # type: ignore[misc]
            s.error(line, col, "N002",  # a note: its letter gives the severity
                   f"典型案例批次 “{name}” 与另一批次 “{should}”（{len(group)} 件，如 {group[0].path}）"
                   f"只差一点：{_difference(name, should)}。同一批的名称必须一字不差，否则网站上会分成两批；"
                   "若是同一批，请复制那一批的名称")


def _check_chunk(files: list[tuple[Path, str]], catalogs: Catalogs, today: dt.date,
                 confine_to: Path | None) -> list[bytes]:
    """Each file's Summary, pickled with its case pickled once more inside: the parent can cache
    the bytes as they are and never unpickles a case that nobody asks for (`portal check`)."""
    out = []
    for path, display in files:
        doc = load_file(path, display, confine_to=confine_to)
        case = check_record(doc, catalogs, today, path.stem) if doc.root is not None else None
        blob = pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL) if case is not None else None
        out.append(pickle.dumps(Summary.of(doc, blob), protocol=pickle.HIGHEST_PROTOCOL))
    return out


PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves


def check_files(files: list[tuple[Path, str]], catalogs: Catalogs, today: dt.date,
                confine_to: Path | None = None, cache: CheckCache | None = None) -> list[Summary]:
    """Per-file checks, spread over the CPUs for large archives; files unchanged since a cached
    run are not read again."""
    keys = [cache.key(p) for p, _ in files] if cache else [None] * len(files)
    out: list[Summary | None] = [cache.get(k) if cache else None for k in keys]
    for i, s in enumerate(out):
        if s is not None and s.path != files[i][1]:
            out[i] = s.shown_as(files[i][1])  # checked before from another folder
    todo = [i for i, s in enumerate(out) if s is None]
    fresh = fork_map(_check_chunk, [([files[i] for i in todo[a:b]], catalogs, today, confine_to)
                                    for a, b in chunks(len(todo), PARALLEL_THRESHOLD)]) if todo else []
    for i, blob in zip(todo, fresh):
        out[i] = pickle.loads(blob)
        if cache:
            cache.put(keys[i], blob)
    if cache:
        cache.save()
    return out  # type: ignore[return-value]


def check_paths(case_files: list[tuple[Path, str]], catalogs: Catalogs, today: dt.date,
                context_files: list[tuple[Path, str]] | None = None, confine_to: Path | None = None,
                cache: CheckCache | None = None, context_cache: CheckCache | None = None,
                context_confine: Path | None = None) -> CheckResult:
    """Check the given record files (path, display path). `context_files` are other records that
    references and duplicate ids are resolved against but whose own problems are not reported.
    With `context_cache` (the whole folder's, whose files are held to `context_confine`) they are
    checked in full like a whole-folder run: the first time fills that cache, later runs read it."""
    reported = check_files(case_files, catalogs, today, confine_to, cache)
    seen = {real_path(p) for p, _ in case_files} if context_files else set()
    # realpath for each of 10,000 context files took a second: only a file of the same name, or
    # a link, can be one of those checked
    names = {p.name for p, _ in case_files} | {p.name for p in seen}
    others = [(path, display) for path, display in context_files or []
              if not ((path.name in names or path.is_symlink()) and real_path(path) in seen)]
    if context_cache is not None:
        for path, _ in case_files:  # checked above, in their own cache: their entries here stay
            context_cache.keep(path)
        context = check_files(others, catalogs, today, context_confine, context_cache)
    else:
        context = [Summary.of(load_file(path, display, confine_to=confine_to)) for path, display in others]
    cross_record(reported + context)
    check_batches(reported + context)
    diags: list[Diagnostic] = [x for c in catalogs.docs for x in c.diagnostics]
    for s in reported:
        diags.extend(s.diagnostics)
    records = sorted((Record(s.path, s.case, s.id) for s in reported if s.case is not None and s.ok), key=lambda r: r.id)
    return CheckResult(sort_diagnostics(diags), records, catalogs, len(case_files) + len(catalogs.docs), len(case_files))


def record_files(folder: Path, display: Any = str) -> list[tuple[Path, str]]:
    return [(p, display(p)) for p in iter_record_files(folder)]
