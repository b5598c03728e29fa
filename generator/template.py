"""`portal new`: a record skeleton derived from the one schema declaration.

Required fields are written with empty values (so `portal check` reports each one until it is
filled); optional fields are written commented out, ready to uncomment. Every field carries its
Chinese title, description and allowed values from the model.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from . import model
from .check import load_catalogs, resolve_schema, suggest_value
from .fields import CONDITIONAL, KIND_ONLY
from .load import iter_record_files
from .project import Project

_ID = re.compile(model.ID_PATTERN)


def _id_parts(stem: str) -> tuple[str, int, int] | None:
    """XA-2024-007 → ("XA", 2024, 7); None for a name that is no id."""
    if not _ID.match(stem):
        return None
    prefix, year, seq = stem.split("-")
    return prefix, int(year), int(seq)


def deleted_ids(cases_dir: Path) -> set[str]:
    """Ids of record files deleted in the git history of cases/: a withdrawn case should become
    内部, but one whose file was deleted keeps its id too ("never reused", the spec). Empty when
    git or a repository is missing."""
    try:
        out = subprocess.run(["git", "log", "--all", "--no-renames", "--diff-filter=D", "--name-only", "--format=", "--", "."],
                             cwd=cases_dir, capture_output=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {stem for line in out.decode("utf-8", "replace").splitlines() if _ID.match(stem := Path(line).stem)}


def next_id(cases_dir: Path, prefix: str, year: int) -> str:
    """One above the highest sequence number used for prefix-year, by a record in cases/ or by
    one deleted from it in git (ids are never reused)."""
    stems = [p.stem for p in iter_record_files(cases_dir)] + list(deleted_ids(cases_dir))
    used = [parts[2] for stem in stems if (parts := _id_parts(stem)) and parts[:2] == (prefix, year)]
    return f"{prefix}-{year}-{max(used, default=0) + 1:03d}"


def common_prefix(cases_dir: Path) -> str:
    prefixes = Counter(parts[0] for p in iter_record_files(cases_dir) if (parts := _id_parts(p.stem)))
    return prefixes.most_common(1)[0][0] if prefixes else ""


def _describe(s: dict, required: bool) -> str:
    title, desc = s.get("title", ""), s.get("description", "")
    if desc.startswith(title + "："):  # class docstrings repeat the title
        desc = desc[len(title) + 1:]
    parts = [f"{title}：{desc}" if desc else title]
    enum = s.get("enum") or (s.get("items") or {}).get("enum")
    if enum:
        parts.append("可选 " + "、".join(enum))
    if s.get("format") == "date":
        parts.append("日期写作 YYYY-MM-DD")
    return "；".join(parts) + ("（必填）" if required else "（选填）")


Line = tuple[int, bool, str]  # depth, commented out, text


def _emit(schema: dict, root: dict, values: dict[tuple, Any], kind: str, path: tuple, depth: int,
          commented: bool, out: list[Line], describe: bool = True) -> None:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    # requirements that depend on the kind or scope, which the schema cannot express
    scope = values.get(("disclosure", "scope"), "")
    required |= {p[-1] for p, (_, applies) in CONDITIONAL.items() if p[:-1] == path and applies(kind, scope)}
    for key, raw in props.items():
        here = (*path, key)
        if here in KIND_ONLY[kind]:
            continue
        s = resolve_schema(raw, root)
        req = key in required
        off = commented or not req  # optional fields are written commented out
        if describe:
            out.append((depth, False, f"# {_describe(s, req)}"))
        if here in values:
            out.append((depth, off and here not in values, f"{key}: {values[here]}"))
            continue
        out.append((depth, off, f"{key}:"))
        item = resolve_schema(s.get("items", {}), root) if s.get("type") == "array" else {}
        if "oneOf" in raw:  # a value with alternative forms (occurred): one line, forms explained above
            continue
        if "properties" in s:
            _emit(s, root, values, kind, here, depth + 1, off, out, describe=describe and not off)
        elif "properties" in item:
            for _ in range(2 if here == ("process", "steps") else 1):
                start = len(out)
                _emit(item, root, values, kind, (*here, 0), depth + 2, off, out, describe=False)
                d, c, text = out[start]
                out[start] = (depth + 1, c, "- " + text)
        elif s.get("type") == "array":
            out.append((depth + 1, off, "- "))


def _render(lines: list[Line]) -> list[str]:
    return ["  " * d + ("# " if c else "") + t for d, c, t in lines]


def skeleton(record_id: str, kind: str, region: str, title: str, known: dict[tuple, Any] | None = None,
             schema_ref: str | None = None) -> str:
    """The record file: `known` holds answers already given (path → YAML value); `schema_ref`,
    when given, is written as a modeline for the YAML language server."""
    root = model.json_schema()
    values: dict[tuple, Any] = {("id",): record_id, ("kind",): kind, ("region",): region,
                                ("disclosure", "scope"): "公开", **(known or {})}
    if title:
        values[("title",)] = title
    if kind == "澄清":
        values[("result", "outcome")] = "澄清正名"
    head = [f"# yaml-language-server: $schema={schema_ref}"] if schema_ref else []
    head += [
        f"# 案例记录 {record_id}（{kind}）。由 portal new 生成。",
        "# 填写方法：把每个 “字段:” 后面补上内容；标明（选填）的字段去掉行首的 “# ” 即可启用。",
        "# 填完后运行 portal check 检查；不要写身份证号、电话、完整姓名等个人信息。",
        "",
    ]
    out: list[Line] = []
    _emit(resolve_schema(root, root), root, values, kind, (), 0, False, out)
    return "\n".join(head + _render(out)) + "\n"


def pick(answer: str, choices: list[str]) -> list[str]:
    """The choices an answer may mean: itself, the one at its number in the list, or those that
    contain it (雁塔 → 雁塔区; 高新 → 西安高新区). One item: that choice."""
    if answer in choices:
        return [answer]
    if answer.isdigit() and 1 <= int(answer) <= len(choices):
        return [choices[int(answer) - 1]]
    return [c for c in choices if answer and answer in c]


def _ask(prompt: str, choices: list[str] | None = None, required: bool = False) -> str:
    if choices:
        for i, c in enumerate(choices, 1):
            print(f"  {i:>2}. {c}", file=sys.stderr)
    while True:
        print(f"{prompt}：", end="", file=sys.stderr, flush=True)  # stdout carries only the new file's path
        try:
            line = sys.stdin.readline()
        except OSError:  # the terminal went away
            line = ""
        if not line:  # end of input (Ctrl-D)
            raise SystemExit("portal new：已取消，没有写入任何文件")
        answer = line.strip()
        if not answer:
            if not required:  # Enter alone: leave it for later
                return answer
            print("这一项不能空着。", file=sys.stderr)
            continue
        if not choices:
            return answer
        choice, many = _one(answer, choices)
        if choice is not None:
            return choice
        print(f"{many}请输入序号或全称。" if many else "请输入列表中的序号或名称。", file=sys.stderr)


def _one(answer: str, choices: list[str]) -> tuple[str | None, str]:
    """The choice an answer means, else None and, when it could be several, which ones."""
    found = pick(answer, choices)
    if len(found) == 1:
        return found[0], ""
    return None, f"“{answer}” 可以是：{'、'.join(found)}；" if found else ""


def _chosen(answer: str, choices: list[str], label: str, where: str = "可选范围内") -> str | None:
    """A flag's value as one of the choices (or a part of only one: --region 雁塔); None, said why."""
    choice, many = _one(answer, choices)
    if choice is None:
        print(f"portal new：{label} {many}请写全称" if many else
              f"portal new：{label} “{answer}” 不在{where}：{suggest_value(answer, choices)}可选 " + "、".join(choices),
              file=sys.stderr)
    return choice


def new_record(project: Project, args: argparse.Namespace) -> int:
    catalogs = load_catalogs(project.regions_path, project.circumstances_path)
    regions = [r.name for r in catalogs.regions]
    interactive = sys.stdin.isatty()
    kind = args.kind or (_ask("类型（直接回车为 容错）", list(model.KINDS)) if interactive else "") or "容错"
    region = args.region or (_ask("地区", regions, required=True) if interactive else "")
    if not region:
        print("portal new：请用 --region 指定地区，可选：" + "、".join(regions), file=sys.stderr)
        return 2
    if regions and region not in regions:
        region = _chosen(region, regions, "地区", " regions.yaml 中")
        if region is None:
            return 2
    title = args.title if args.title is not None else (_ask("标题（8 至 60 字，可以稍后再填）") if interactive else "")
    # the other essentials: offered as choices in a terminal, taken from flags otherwise, left
    # empty (for portal check to ask about) when neither
    questions = [("domain", ("event", "domain"), "领域", list(model.DOMAINS))]
    if kind == "容错":
        questions += [("outcome", ("result", "outcome"), "结果", list(model.TOLERANCE_OUTCOMES)),
                      ("circumstance", ("reason", "circumstances"), "容错情形", [c.id for c in catalogs.circumstances])]
    known: dict[tuple, Any] = {}
    for flag, path, label, choices in questions:
        answer = getattr(args, flag, None) or (_ask(label, choices) if interactive else "")
        if answer and answer not in choices:
            answer = _chosen(answer, choices, label)
            if answer is None:
                return 2
        if answer:
            known[path] = f"[{answer}]" if flag == "circumstance" else answer
    year = args.year or project.today.year
    # the prefix the records already use; the first record of a new portal must be given one
    # (it was "AN", and an id once published never changes)
    prefix = (args.prefix or common_prefix(project.cases_dir)
              or (_ask("编号前缀（2 至 6 个大写字母，本地区的字母缩写，如 XA）") if interactive else "")).upper()
    if not prefix:
        print("portal new：cases/ 中还没有任何案例，没有可沿用的编号前缀：请用 --prefix 指定，如 --prefix XA"
              "（2 至 6 个大写字母，本地区的字母缩写；编号一经公开就不再改变，请先确定）", file=sys.stderr)
        return 2
    if not re.match(r"^[A-Z]{2,6}$", prefix):
        print("portal new：编号前缀应为 2 至 6 个大写字母，如 XA", file=sys.stderr)
        return 2
    record_id = next_id(project.cases_dir, prefix, year)
    target = project.cases_dir / str(year) / f"{record_id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        schema = project.root / "schema" / "case.schema.json"
        ref = os.path.relpath(schema, target.parent).replace(os.sep, "/") if getattr(args, "modeline", False) else None
        with open(target, "x", encoding="utf-8") as f:  # never overwrite
            f.write(skeleton(record_id, kind, region, title, known, ref))
    except FileExistsError:
        print(f"portal new：{project.display(target)} 已存在，不会覆盖", file=sys.stderr)
        return 1
    print(project.display(target))
    return 0
