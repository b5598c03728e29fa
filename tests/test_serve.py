"""`portal serve`: a broken record shows a banner instead of stopping the preview, and a
one-record edit rebuilds only what it touches."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.site


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return 0, ""


def until(check, seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", "bench", "tests", "docs"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    temp = tmp_path / "tmp"  # where MkDocs puts the preview's site folder
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                            stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)})
    base = f"http://127.0.0.1:{port}/"
    try:
        until(lambda: fetch(base)[0] == 200)
        yield project, base, log
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
    # stopped by SIGTERM, the preview still removes its temporary site folder
    assert not [p.name for p in temp.iterdir() if p.name.startswith("mkdocs_")]


def test_broken_record_shows_a_banner_and_the_preview_keeps_running(served):
    project, base, log = served
    record = project / "cases/2023/XA-2023-017.yaml"
    good = record.read_text(encoding="utf-8")
    title = next(line for line in good.splitlines() if line.startswith("title:"))[len("title: "):]
    assert fetch(base + "cases/XA-2023-017/")[0] == 200

    record.write_text(good.replace("region: 雁塔区", "region: 雁塔", 1), encoding="utf-8")
    until(lambda: "portal-problems" in fetch(base)[1])
    home = fetch(base)[1]
    assert "E205" in home and "XA-2023-017.yaml" in home and "雁塔区" in home  # the message with its suggestion
    assert fetch(base + "cases/XA-2023-017/")[0] == 404  # the broken record is left out, not half-shown
    assert fetch(base + "cases/XA-2016-002/")[0] == 200  # everything else is still there
    log.seek(0)
    assert "XA-2023-017.yaml:" in log.read()  # and the terminal says the same

    record.write_text(good.replace(title, title + "（已更正）", 1), encoding="utf-8")
    until(lambda: "（已更正）" in fetch(base + "cases/XA-2023-017/")[1])
    assert "portal-problems" not in fetch(base)[1]
    assert "（已更正）" in fetch(base + "cases/")[1]  # the listing that shows it was rebuilt too
    assert "（已更正）" in fetch(base + "regions/yanta/")[1]  # and its region's (kept pages are by content)
    # the search page names Pagefind's meta file in the preview too, after rebuilds without a new index
    meta = re.search(r'<link rel="prefetch" href="\.\./(pagefind/[0-9a-f]{16}/pagefind\.[^"]+\.pf_meta)">', fetch(base + "search/")[1])
    assert meta
    with urllib.request.urlopen(base + meta[1], timeout=5) as r:  # binary: not fetch()
        assert r.status == 200 and r.read(2) == b"\x1f\x8b"

    # MkDocs' own lines are said in Chinese, with one time stamp each
    log.seek(0)
    said = log.read()
    for words in (f"预览地址：{base}（按 Ctrl-C 停止）", "正在生成网站…", "网站已生成，用时", "发现文件改动", "刷新浏览器",
                  "监视这些文件夹和文件的改动：content、mkdocs.yml、theme"):
        assert words in said, words
    for english in ("Serving on", "Building documentation", "Documentation built", "Detected file changes",
                    "Reloading browsers", "Watching paths"):
        assert english not in said, english
    assert not re.search(r"\[\d\d:\d\d:\d\d\]", said)
