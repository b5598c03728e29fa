"""The field reference, derived from the one schema declaration (model.json_schema()).

Feeds the open-data page of the site and the staff guide; `portal new` takes the same
conditional requirements from here. Requirements that depend on other values (kind, subject
type, scope) are not expressible in the JSON Schema; check.py enforces them, and they are named
here once so every derived document says the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import model
from .check import resolve_schema

# path → (how the reference states it, whether it applies to a record of this kind and scope)
CONDITIONAL: dict[tuple[str, ...], tuple[str, Callable[[str, str], bool]]] = {
    ("reason", "circumstances"): ("容错必填，澄清不填", lambda kind, scope: kind == "容错"),
    ("reason", "finding"): ("澄清必填，容错不填", lambda kind, scope: kind == "澄清"),
    ("subject", "rank"): ("个人必填", lambda kind, scope: True),
    ("disclosure", "published"): ("公开时必填", lambda kind, scope: scope == "公开"),
}
KIND_ONLY = {"容错": {("reason", "finding")}, "澄清": {("reason", "circumstances")}}


@dataclass(frozen=True)
class Field:
    path: str  # "process.steps[].date"
    title: str
    type: str  # in words: 文本, 日期, 列表……
    required: str  # 必填, 选填, or the condition
    values: tuple[str, ...]  # allowed values, if an enumeration
    description: str
    depth: int


def _type(s: dict, root: dict) -> str:
    if s.get("enum"):
        return "可选值之一"
    if s.get("contentMediaType") == "text/markdown":
        return "文本（可用简单 Markdown）"
    if s.get("format") == "date":
        return "日期 YYYY-MM-DD"
    t = s.get("type")
    if t == "array":
        item = resolve_schema(s.get("items", {}), root)
        return "列表（每项一组字段）" if "properties" in item else f"列表（每项为{_type(item, root)}）"
    words = {"string": "文本", "integer": "整数", "boolean": "是否（true / false）", "object": "一组字段"}
    return words.get(t, "文本") if isinstance(t, str) else "文本"


def _description(s: dict) -> str:
    title, desc = s.get("title", ""), s.get("description", "")
    return desc[len(title) + 1:] if desc.startswith(title + "：") else desc  # class docstrings repeat the title


def field_reference() -> list[Field]:
    """Every field of a record, depth first, in the order of the schema declaration."""
    root = model.json_schema()
    out: list[Field] = []

    def walk(schema: dict, path: tuple[str, ...], prefix: str, depth: int) -> None:
        required = set(schema.get("required", []))
        for key, raw in schema.get("properties", {}).items():
            here = (*path, key)
            alternatives = "oneOf" in raw  # a value with alternative forms (occurred): described, not expanded
            s = resolve_schema(raw, root)
            item = resolve_schema(s.get("items", {}), root) if s.get("type") == "array" else {}
            enum = s.get("enum") or item.get("enum") or ()
            need = CONDITIONAL[here][0] if here in CONDITIONAL else ("必填" if key in required else "选填")
            kind = "年份、年月或日期（部分日期），或时段 {from, to}" if alternatives else _type(s, root)
            out.append(Field(prefix + key, s.get("title", key), kind, need, tuple(enum), _description(s), depth))
            if alternatives:
                continue
            if "properties" in s:
                walk(s, here, f"{prefix}{key}.", depth + 1)
            elif "properties" in item:
                walk(item, here, f"{prefix}{key}[].", depth + 1)

    walk(resolve_schema(root, root), (), "", 0)
    return out
