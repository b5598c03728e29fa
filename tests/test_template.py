import re

import pytest
import yaml

from generator.check import check_paths, load_catalogs, record_files
from generator.template import next_id, pick, skeleton
from tests.conftest import ROOT, TODAY
from tests.site_helpers import portal

CAT = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")

FILL = {
    "title": "雁塔区测试用的容错纠错案例标题", "display": "雁塔区某局副局长李某", "rank": "县处级副职",
    "unit_type": "党政机关", "domain": "招商引资", "occurred": "2023-05", "summary": "经过。",
    "analysis": "分析。", "initiation": "本人申请", "implementing_body": "雁塔区纪委",
    "determining_authority": "雁塔区纪委常委会", "outcome": "免予问责", "decided": "2024-02-01",
    "published": "2024-03-01", "finding": "反映失实",
}


def fill(text: str, kind: str) -> str:
    steps = iter([("申请", "2024-01-10"), ("认定", "2024-02-01")])
    out = []
    for line in text.splitlines():
        m = re.match(r"^(\s*)(- )?([a-z_]+):\s*$", line)
        if m and not line.lstrip().startswith("#"):
            indent, dash, key = m.groups()
            if key == "step":
                step, date = next(steps)
                out.append(f"{indent}{dash or ''}step: {step}")
                out.append(f"{indent}  date: {date}")
                continue
            if key == "date":
                continue
            if key in FILL:
                value = "澄清正名" if key == "outcome" and kind == "澄清" else FILL[key]
                out.append(f"{indent}{dash or ''}{key}: {value}")
                continue
        if line.strip() == "-":
            prev = out[-1].strip()
            out.append(line + ("先行先试" if prev == "circumstances:" else "《中国共产党问责条例》第十七条"))
            continue
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("kind", ["容错", "澄清"])
def test_skeleton_fails_until_filled_then_passes(tmp_path, kind):
    text = skeleton("XA-2024-001", kind, "雁塔区", "")
    yaml.safe_load(text)  # valid YAML as written
    f = tmp_path / "XA-2024-001.yaml"
    f.write_text(text, encoding="utf-8")
    empty = check_paths(record_files(tmp_path), CAT, TODAY)
    assert empty.errors >= 10 and {d.code for d in empty.diagnostics} <= {"E101", "E103"}
    f.write_text(fill(text, kind), encoding="utf-8")
    filled = check_paths(record_files(tmp_path), CAT, TODAY)
    assert filled.errors == 0, [d.format() for d in filled.diagnostics] + [fill(text, kind)]
    assert filled.records[0].case.kind == kind


def test_every_field_of_the_schema_is_in_the_skeleton():
    text = skeleton("XA-2024-001", "容错", "雁塔区", "")
    for key in ("id", "kind", "title", "region", "subject", "event", "reason", "process", "result", "correction",
                "follow_ups", "disclosure", "typical", "revisions", "related", "sources", "circumstances", "basis",
                "steps", "allow", "measures"):
        assert re.search(rf"^\s*(# )?(- )?{key}:", text, re.M), key


def test_next_id_never_reuses(tmp_path):
    (tmp_path / "2024").mkdir()
    for stem in ("XA-2024-001", "XA-2024-007", "YT-2024-020", "XA-2023-050"):
        (tmp_path / "2024" / f"{stem}.yaml").write_text("", encoding="utf-8")
    assert next_id(tmp_path, "XA", 2024) == "XA-2024-008"
    assert next_id(tmp_path, "XA", 2025) == "XA-2025-001"


def test_next_id_skips_the_ids_of_records_deleted_in_git(tmp_path):
    import subprocess

    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=tmp_path, check=True,
                       capture_output=True)

    cases = tmp_path / "cases" / "2024"
    cases.mkdir(parents=True)
    for stem in ("XA-2024-001", "XA-2024-002"):
        (cases / f"{stem}.yaml").write_text(f"id: {stem}\n", encoding="utf-8")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "two records")
    git("rm", "-q", "cases/2024/XA-2024-002.yaml")  # deleted instead of made 内部
    git("commit", "-qm", "withdrawn")
    # the highest id in cases/ is 001, but 002 was used once and is never given again
    assert next_id(tmp_path / "cases", "XA", 2024) == "XA-2024-003"


def test_portal_new_with_flags_writes_and_never_overwrites(project_copy):
    r = portal(project_copy, "new", "--kind", "容错", "--region", "雁塔区", "--title", "一个新的容错纠错案例标题")
    assert r.returncode == 0, r.stderr
    path = project_copy / r.stdout.strip()
    assert path.name == "XA-2026-016.yaml" and path.parent.name == "2026"
    assert "title: 一个新的容错纠错案例标题" in path.read_text(encoding="utf-8")
    second = portal(project_copy, "new", "--region", "雁塔区", "--title", "x")
    assert second.returncode == 0 and second.stdout.strip().endswith("XA-2026-017.yaml")
    bad = portal(project_copy, "new", "--region", "火星")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_the_first_record_of_a_new_portal_needs_its_prefix(project_copy):
    """With no record yet there is no prefix to follow; a made-up one ("AN", as before) would stay
    in the first ids for ever, since a published id never changes."""
    import shutil

    shutil.rmtree(project_copy / "cases")
    (project_copy / "cases").mkdir()
    r = portal(project_copy, "new", "--region", "雁塔区")
    assert r.returncode == 2 and "--prefix" in r.stderr and not list((project_copy / "cases").rglob("*.yaml"))
    r = portal(project_copy, "new", "--region", "雁塔区", "--prefix", "yt")
    assert r.returncode == 0 and r.stdout.strip() == f"cases/{TODAY.year}/YT-{TODAY.year}-001.yaml", r.stdout
    r = portal(project_copy, "new", "--region", "雁塔区")  # from now on the records' own prefix
    assert r.returncode == 0 and r.stdout.strip().endswith(f"YT-{TODAY.year}-002.yaml"), r.stdout


def test_new_refuses_to_overwrite_an_existing_file(project_copy, monkeypatch, capsys):
    import argparse

    import generator.template as t
    from generator.project import Project

    existing = project_copy / "cases/2023/XA-2023-017.yaml"
    before = existing.read_bytes()
    monkeypatch.setattr(t, "next_id", lambda *a: "XA-2023-017")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    args = argparse.Namespace(kind="容错", region="雁塔区", title="标题标题标题标题", year=2023, prefix="XA")
    assert t.new_record(Project.find(root=project_copy), args) == 1
    assert existing.read_bytes() == before
    assert "不会覆盖" in capsys.readouterr().err


def test_portal_new_takes_the_essentials_as_flags_and_passes_once_filled(project_copy):
    r = portal(project_copy, "new", "--kind", "容错", "--region", "雁塔区", "--title", "一个新的容错纠错案例标题",
               "--domain", "项目建设", "--outcome", "从轻处理", "--circumstance", "先行先试", "--modeline")
    assert r.returncode == 0, r.stderr
    path = project_copy / r.stdout.strip()
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/case.schema.json"
    assert (path.parent / first.split("=", 1)[1]).resolve() == (project_copy / "schema/case.schema.json").resolve()
    data = yaml.safe_load(text)
    assert (data["event"]["domain"], data["result"]["outcome"], data["reason"]["circumstances"]) == \
        ("项目建设", "从轻处理", ["先行先试"])
    path.write_text(fill(text, "容错"), encoding="utf-8")
    check = portal(project_copy, "check", str(path.relative_to(project_copy)))
    assert check.returncode == 0, check.stdout + check.stderr
    bad = portal(project_copy, "new", "--region", "雁塔区", "--domain", "招标投标")
    assert bad.returncode == 2 and "不在可选范围内" in bad.stderr and "招商引资" in bad.stderr
    # a near miss is named, as portal check names it (于 for 予 is a common slip)
    near = portal(project_copy, "new", "--region", "雁塔区", "--outcome", "免于问责")
    assert near.returncode == 2 and "是否应为 “免予问责”？" in near.stderr, near.stderr


def test_committed_editor_schema_is_current():
    """.vscode/settings.json maps schema/case.schema.json to cases/; `make schema` regenerates it."""
    import json

    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./schema/case.schema.json": ["cases/**/*.yaml", "cases/**/*.yml"]}
    r = portal(ROOT, "schema")
    assert r.returncode == 0 and json.loads(r.stdout) == json.loads(
        (ROOT / "schema/case.schema.json").read_text(encoding="utf-8")), "run make schema"


def new_in_terminal(project, answers: str):
    """`portal new` with a terminal as stdin, the answers typed ahead."""
    import os
    import pty

    master, slave = pty.openpty()
    try:
        os.write(master, answers.encode())
        return portal(project, "new", stdin=slave, timeout=60)
    finally:
        os.close(slave)
        os.close(master)


def test_portal_new_in_a_terminal_asks_with_choices(project_copy):
    """stdin is a terminal: kind, region, title, domain, outcome and circumstance are asked, each
    with its choices (answered here by number or by name)."""
    import subprocess

    r = new_in_terminal(project_copy, "1\n雁塔区\n一个在终端里新建的容错案例\n2\n3\n先行先试\n")
    assert r.returncode == 0, r.stderr
    for choice in ("容错", "澄清", "雁塔区", "招商引资", "免予问责", "先行先试"):
        assert choice in r.stderr  # the choices were offered
    data = yaml.safe_load((project_copy / r.stdout.strip()).read_text(encoding="utf-8"))
    assert (data["kind"], data["region"], data["title"]) == ("容错", "雁塔区", "一个在终端里新建的容错案例")
    assert (data["event"]["domain"], data["result"]["outcome"], data["reason"]["circumstances"]) == \
        ("项目建设", "从轻处理", ["先行先试"])

    # Enter alone leaves an answer for later
    r = new_in_terminal(project_copy, "\n雁塔区\n\n\n\n\n")
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load((project_copy / r.stdout.strip()).read_text(encoding="utf-8"))
    assert data["kind"] == "容错" and data["event"]["domain"] is None and data["title"] is None
    before = sorted(project_copy.rglob("*.yaml"))
    r = portal(project_copy, "new", stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "--region" in r.stderr  # not a terminal: no questions
    assert sorted(project_copy.rglob("*.yaml")) == before


def test_a_part_of_one_choice_is_that_choice():
    regions = ["西安市本级", "雁塔区", "西安高新区", "西安经开区"]
    assert pick("雁塔", regions) == ["雁塔区"] and pick("高新", regions) == ["西安高新区"]
    assert pick("2", regions) == ["雁塔区"] and pick("雁塔区", regions) == ["雁塔区"]
    assert pick("西安", regions) == ["西安市本级", "西安高新区", "西安经开区"]  # not one: asked again
    assert pick("火星", regions) == [] and pick("", regions) == []


def test_portal_new_takes_a_part_of_a_name(project_copy):
    """雁塔 for 雁塔区, in a terminal and as a flag; a part of several names is asked again (in a
    terminal) or refused with the names it could be (a flag); the region cannot be left empty."""
    r = new_in_terminal(project_copy, "\n\n西安\n雁塔\n\n招商\n\n\n")
    assert r.returncode == 0, r.stderr
    assert "这一项不能空着" in r.stderr and "“西安” 可以是：西安市本级、" in r.stderr
    data = yaml.safe_load((project_copy / r.stdout.strip()).read_text(encoding="utf-8"))
    assert (data["region"], data["event"]["domain"]) == ("雁塔区", "招商引资")
    r = portal(project_copy, "new", "--kind", "容错", "--region", "高新", "--circumstance", "先行")
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load((project_copy / r.stdout.strip()).read_text(encoding="utf-8"))
    assert (data["region"], data["reason"]["circumstances"]) == ("西安高新区", ["先行先试"])
    r = portal(project_copy, "new", "--kind", "容错", "--region", "西安")
    assert r.returncode == 2 and "“西安” 可以是：" in r.stderr
