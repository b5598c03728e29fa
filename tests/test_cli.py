import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, base_record


def portal(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_check_passes_on_examples():
    r = portal("check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "N001" in r.stdout and "0 个错误" in r.stderr


def test_check_with_a_pipe_and_a_symlink_loop_in_cases_ends_with_e001(tmp_path):
    """Once a traceback (the loop) and a check that never ended (the pipe, read by the cache)."""
    project = tmp_path / "p"
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copy(ROOT / "mkdocs.yml", project)
    (project / "cases").mkdir()
    (project / "cases" / "XA-2024-001.yaml").write_text(base_record(), encoding="utf-8")
    os.mkfifo(project / "cases" / "XA-2024-002.yaml")
    (project / "cases" / "XA-2024-003.yaml").symlink_to("XA-2024-003.yaml")
    r = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=project, capture_output=True, text=True,
                       timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT), "PORTAL_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stdout.splitlines() == [
        "cases/XA-2024-002.yaml:1:1: E001 不是普通文件（管道、设备等），拒绝读取：记录必须是普通的文本文件",
        "cases/XA-2024-003.yaml:1:1: E001 无法读取文件：符号链接形成了循环",
    ]


def test_check_of_a_cases_folder_that_does_not_exist_is_a_usage_error(tmp_path):
    # it passed with "0 件记录": a typo in CI would check nothing and stay green
    r = portal("check", "--cases", str(tmp_path / "casse"))
    assert r.returncode == 2 and "不存在或不是目录" in r.stderr and "检查通过" not in r.stderr, r.stderr
    empty = tmp_path / "cases"
    empty.mkdir()  # a new archive with no case yet is fine
    r = portal("check", "--cases", str(empty))
    assert r.returncode == 0 and "检查通过：0 件记录" in r.stderr, r.stderr


def test_check_reports_path_as_given_and_exits_1(tmp_path):
    (tmp_path / "XA-2024-001.yaml").write_text(base_record().replace("outcome: 免予问责", "outcome: 免于问责"), encoding="utf-8")
    r = portal("check", str(tmp_path / "XA-2024-001.yaml"))
    assert r.returncode == 1
    assert r.stdout.splitlines()[0].startswith(f"{tmp_path}/XA-2024-001.yaml:26:12: E104 ")
    rel = portal("check", "XA-2024-001.yaml", cwd=tmp_path)
    assert rel.stdout.startswith("XA-2024-001.yaml:26:12: E104 "), rel.stdout + rel.stderr


def test_json_format():
    r = portal("check", "--format", "json", "tests/fixtures/broken/E104-outcome-typo")
    payload = json.loads(r.stdout)
    assert r.returncode == 1
    d = payload["diagnostics"][0]
    assert (d["code"], d["line"], d["column"], d["severity"]) == ("E104", 26, 12, "error")
    assert payload["counts"]["error"] == 1


def test_strict_fails_on_warnings():
    path = "tests/fixtures/broken/W301-id-bad-check-digit"
    assert portal("check", path).returncode == 0
    assert portal("check", "--strict", path).returncode == 1


def test_usage_errors_exit_2():
    assert portal("check", "--format", "xml").returncode == 2
    assert portal("frobnicate").returncode == 2
    assert portal().returncode == 2


def test_usage_and_help_are_in_chinese():
    r = portal("check", "--format", "xml")
    assert r.returncode == 2 and r.stderr.startswith("用法：portal check")
    assert "portal：用法错误：参数 --format：无效的取值 'xml'（可选 'text', 'json'）" in r.stderr
    help_text = portal("build", "--help").stdout
    assert "显示本帮助并退出" in help_text and "show this help" not in help_text and "选项" in help_text
    # argparse keeps its own words for everyone else in the process (pytest parses its options with it)
    import argparse

    from generator.cli import main

    with pytest.raises(SystemExit) as usage_error:
        main(["check", "--format", "xml"])
    assert usage_error.value.code == 2
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_missing_path_is_a_diagnostic_not_a_traceback():
    r = portal("check", "no/such/file.yaml")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stdout.startswith("no/such/file.yaml:1:1: E001")


def test_a_file_name_that_is_not_utf8_is_reported_not_a_traceback(tmp_path):
    """Linux allows any bytes in a name; Python hands them over as lone surrogates, which strict
    UTF-8 output (PYTHONIOENCODING=utf-8, as on most desktops) cannot print."""
    (tmp_path / os.fsdecode(b"XA-2024-001\xff.yaml")).write_text(base_record(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    for fmt in ("text", "json"):
        r = subprocess.run([sys.executable, "-m", "generator", "check", "--format", fmt, str(tmp_path)], cwd=ROOT,
                           capture_output=True, env=env)
        out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")  # strictly: valid UTF-8
        assert r.returncode == 1 and "Traceback" not in err, err
        first = json.loads(out)["diagnostics"][0] if fmt == "json" else {}
        shown = out if fmt == "text" else first["path"] + first["message"]
        assert "XA-2024-001\ufffd.yaml" in shown and "E201" in out, out


def test_mkdocs_closing_lines_are_said_in_chinese():
    from generator.build import failure_text

    assert failure_text(Exception("Aborted with 2 warnings, 1 error in strict mode!")) == \
        "严格模式（--strict）下有 2 个警告、1 个错误，见上面 “警告：” 开头的各行；原有网站目录保持不变。"
    assert failure_text(Exception("Config value 'nav': bad")) == "Config value 'nav': bad"  # others as they are
    import errno
    full = OSError(errno.ENOSPC, "No space left on device", "site/cases/index.html")
    assert failure_text(full) == "读写文件时出错（磁盘空间不足：site/cases/index.html），原有网站目录保持不变。"


def test_preview_log_lines_are_said_in_chinese():
    import logging

    from generator.build import ChineseLog

    def said(msg, *args, level=logging.INFO):
        record = logging.LogRecord("mkdocs", level, __file__, 1, msg, args, None)
        return record.getMessage() if ChineseLog("content/").filter(record) else None

    assert said("[11:05:17] Serving on %s", "http://127.0.0.1:8000/") == "预览地址：http://127.0.0.1:8000/（按 Ctrl-C 停止）"
    assert said("Documentation built in 1.06 seconds") == "网站已生成，用时 1.06 秒"
    assert said("[11:05:17] Watching paths for changes: 'content', 'mkdocs.yml'") == \
        "监视这些文件夹和文件的改动：content、mkdocs.yml"
    assert said("A 'dirty' build is being performed, this will likely lead to inaccurate navigation") is None
    assert said("Doc file 'a.md' contains a link 'b.md'") == "Doc file 'a.md' contains a link 'b.md'"  # others as they are
    # what staff who write the hand-written pages see, in build and preview alike
    warn = logging.WARNING
    assert said("Doc file 'about/index.md' contains a link 'nowhere.md', but the target 'about/nowhere.md' is not found "
                "among documentation files.", level=warn) == \
        "警告：页面 content/about/index.md 中的链接 “nowhere.md” 指向的 content/about/nowhere.md 不存在：请改正链接，或补上这个页面"
    assert said("Doc file 'a.md' contains a link 'b.md#x', but the doc 'b.md' does not contain an anchor '#x'.", level=warn) == \
        "警告：页面 content/a.md 中的链接 “b.md#x”：页面 content/b.md 中没有 #x 这一节，请改正链接"
    assert said("Doc file 'a.md' contains a link '#x', but there is no such anchor on this page.", level=warn) == \
        "警告：页面 content/a.md 中的链接 “#x”：本页中没有这一节，请改正链接"
    assert said("网站未生成", level=logging.ERROR) == "错误：网站未生成"
    # mkdocs-macros reports a hand-written page's macro in English Markdown with a traceback, at warning level
    report = ("[macros] - ERROR # _Macro Rendering Error_\n\n_File_: `about/x.md`\n\n_UndefinedError_: 'nosuch' is "
              "undefined\n\n```\nTraceback (most recent call last):\n  File \"a.py\", line 1\n```")
    assert said(report, level=warn) == "错误：页面 content/about/x.md 中用了不存在的宏或变量 “nosuch”：可用的宏见 README 的“手写页面可用的宏”"
    report = ("[macros] - ERROR # _Macro Syntax Error_\n\n_File_: `x.md`\n\n_Line 3 in Markdown file:_ **unexpected "
              "'end of print statement'**\n```markdown\n{{ a + }}\n```")
    assert said(report, level=warn) == \
        "错误：页面 content/x.md 第 3 行的宏写法有误（unexpected 'end of print statement'）：请检查 {{ }} 和 {% %} 是否完整、成对"
    assert said("Config value 'site_nme': Unrecognised configuration name: site_nme", level=warn) == \
        "警告：mkdocs.yml 中的设置 “site_nme” 无法识别：请检查拼写"
    assert said("Config value 'site_url': The URL isn't valid, it should include the http:// (scheme)",
                level=logging.ERROR) == "错误：mkdocs.yml 中的设置 “site_url” 有误（The URL isn't valid, it should include the http:// (scheme)）"
    from generator.build import failure_text

    assert failure_text(SystemExit(100)) == "原因见上面 “错误：” 开头的一行，原有网站目录保持不变。"  # it said "100"


def test_cases_option_points_elsewhere(tmp_path):
    (tmp_path / "XA-2024-001.yaml").write_text(base_record(), encoding="utf-8")
    r = portal("check", "--cases", str(tmp_path))
    assert r.returncode == 0 and "检查通过：1 件记录、2 个目录文件，" in r.stderr


def test_schema_command_prints_valid_json_schema():
    r = portal("schema")
    schema = json.loads(r.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["kind"]["enum"] == ["容错", "澄清"]


@pytest.mark.parametrize("name, value, words", [
    ("PORTAL_TODAY", "2026-13-01", "PORTAL_TODAY 应为 YYYY-MM-DD 格式的日期，现为 “2026-13-01”"),  # was "month must be in 1..12"
    ("PORTAL_JOBS", "abc", "PORTAL_JOBS 应为整数"),  # was a traceback from inside the check
])
def test_a_malformed_setting_is_a_usage_error_in_chinese(monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    r = portal("check")
    assert r.returncode == 2 and r.stderr.startswith("portal：配置错误：") and words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_a_malformed_build_date_stops_mkdocs_without_a_traceback(tmp_path):
    env = {**os.environ, "PORTAL_TODAY": "bad", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")], cwd=ROOT,
                       capture_output=True, text=True, env=env)
    assert r.returncode != 0 and "PORTAL_TODAY 应为 YYYY-MM-DD" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "site").exists()


def test_the_command_runs_the_exit_handlers_but_skips_freeing_every_object(tmp_path):
    """console_main (the `portal` script, `python -m generator`) ends with os._exit after the exit
    handlers: Python's own teardown freed a 10,000-case build's objects one by one for 1.6 s. What a
    normal exit does that matters still happens: the exit code, flushed output, atexit handlers
    (the one that stops a Pagefind left running)."""
    script = (
        "import atexit, sys\n"
        "from generator import cli\n"
        "class Held:\n"
        "    def __del__(self): print('freed one by one', flush=True)\n"
        "HELD = Held()\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "sys.argv = ['portal', 'check', sys.argv[1]]\n"
        "cli.console_main()\n"
    )
    bad = tmp_path / "XA-2023-001.yaml"
    bad.write_text("id: XA-2023-001\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", script, str(bad)], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1
    assert "E101" in r.stdout + r.stderr
    assert "exit handler ran" in r.stdout
    assert "freed one by one" not in r.stdout
    # the same script's object is freed at a normal exit: what the assertion above rules out is real
    plain = subprocess.run([sys.executable, "-c", script.replace("cli.console_main()", "sys.exit(cli.main())"),
                            str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 1 and "freed one by one" in plain.stdout
