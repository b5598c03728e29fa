"""The page shells of the MkDocs adapter: filling a shell must give exactly what Material's
template gives for the same page, and values a template filter could change must fall back."""
import os
import re
import shutil
from pathlib import Path

import pytest

from generator import mkdocs_plugin
from generator.build import build_site
from generator.project import Project
from tests.conftest import ROOT
from tests.site_helpers import tree_digest

pytestmark = pytest.mark.site


def build(project: Path, out: Path, monkeypatch, shells: bool) -> dict[str, int]:
    counts = {"filled": 0, "rendered": 0}
    real_render = mkdocs_plugin.Shells.render

    def render(self, context):
        if not shells:
            self.rendered += 1
            counts["rendered"] += 1
            return self.env.get_template("main.html").render(context)
        html = real_render(self, context)
        counts["filled"], counts["rendered"] = self.filled, self.rendered
        return html

    monkeypatch.setattr(mkdocs_plugin.Shells, "render", render)
    monkeypatch.chdir(project)
    assert build_site(Project.find(root=project), out) == 0
    return counts


def test_filled_shells_equal_full_renders(tmp_path, monkeypatch):
    project = tmp_path / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv*", "site", ".git", "bench", "tests", "*.pyc"))
    # a title with an entity: a template filter (striptags) could change it, so it takes the full render
    record = project / "cases/2016/XA-2016-001.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"^title: (.*)$", r"title: \1 R&D", text, count=1, flags=re.M), encoding="utf-8")
    with_shells = build(project, tmp_path / "a", monkeypatch, shells=True)
    without = build(project, tmp_path / "b", monkeypatch, shells=False)
    html = lambda d: {k: v for k, v in tree_digest(d).items() if k.endswith(".html")}  # noqa: E731
    a, b = html(tmp_path / "a"), html(tmp_path / "b")
    assert a == b and len(a) > 50
    cases = len(list((tmp_path / "a/cases").glob("*-*-*/index.html")))
    assert with_shells["filled"] >= cases - 5  # nearly every case page came from a shell
    assert with_shells["rendered"] + with_shells["filled"] == without["rendered"]
    page = (tmp_path / "a/cases/XA-2016-001/index.html").read_text(encoding="utf-8")
    assert page.count("R&amp;D") >= 3 and "R&D" not in page  # title, header and heading, all escaped


def test_search_index_is_reused_only_when_its_input_is_unchanged(tmp_path, monkeypatch):
    """The kept Pagefind index (see write_pagefind) is reused when every search document is the
    same, and rebuilt when any of them changed."""
    import dataclasses
    import subprocess

    from generator.check import check_paths, load_catalogs, record_files
    from generator.index import search_records
    from tests.conftest import TODAY

    cat = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    result = check_paths(record_files(ROOT / "cases"), cat, TODAY)
    records = search_records(result.records, cat, TODAY)
    runs = []
    real_popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda cmd, **kw: runs.append(cmd) or real_popen(cmd, **kw))
    kept = tmp_path / "kept"
    a, b = (mkdocs_plugin.write_pagefind(records, tmp_path / name, kept) for name in ("a", "b"))
    assert len(runs) == 1
    assert a.name == b.name and [p.name for p in (tmp_path / "b").iterdir()] == [a.name]
    first = tree_digest(a)
    assert tree_digest(b) == first
    assert any(k.startswith("fragment/") for k in first)
    # on one file system the kept index and the sites share their files (hard links) ...
    fragment = next(k for k in first if k.startswith("fragment/"))
    assert (b / fragment).stat().st_ino == (kept / "index" / fragment).stat().st_ino
    changed = [dataclasses.replace(records[0], content=records[0].content + " 新词"), *records[1:]]
    c = mkdocs_plugin.write_pagefind(changed, tmp_path / "c", kept)
    assert len(runs) == 2
    assert tree_digest(c) != first
    # another index, another folder: no URL of the first index holds other content now (a file
    # that Pagefind names the same in both may differ: its names are 7 hex digits of a hash)
    assert c.name != a.name and mkdocs_plugin.index_folder(tmp_path / "c") == c
    # ... and replacing the kept index changes nothing in the sites made from it
    assert tree_digest(a) == tree_digest(b) == first


def test_kept_index_is_copied_across_file_systems(tmp_path, monkeypatch):
    (tmp_path / "src" / "fragment").mkdir(parents=True)
    (tmp_path / "src" / "fragment" / "f.pf_fragment").write_bytes(b"x")

    def no_link(src, dst):
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(mkdocs_plugin.os, "link", no_link)
    mkdocs_plugin._link_tree(tmp_path / "src", tmp_path / "dst")
    copy = tmp_path / "dst" / "fragment" / "f.pf_fragment"
    assert copy.read_bytes() == b"x"
    assert copy.stat().st_ino != (tmp_path / "src" / "fragment" / "f.pf_fragment").stat().st_ino


def test_a_failing_pagefind_is_reported_and_cleaned_up(tmp_path, monkeypatch):
    from generator.index import SearchRecord

    monkeypatch.setattr(mkdocs_plugin.PagefindJob, "FLAGS", ["--no-such-option"])
    record = SearchRecord(url="/cases/XA-2016-001/", content="招商 商引 引资", meta={"title": "案例"}, filters={}, sort={})
    job = mkdocs_plugin.PagefindJob([record])
    temporary = list(job.temporary)
    assert temporary and all(p.exists() for p in temporary)
    with pytest.raises(RuntimeError, match="no-such-option"):
        job.finish(tmp_path / "pagefind")
    assert not (tmp_path / "pagefind").exists()
    assert not any(p.exists() for p in temporary)
    assert job not in mkdocs_plugin._UNFINISHED


def _fake_pagefind(tmp_path, monkeypatch, body: str) -> None:
    """A stand-in for the binary: answers --version, then runs `body`."""
    fake = tmp_path / "pagefind_extended"
    fake.write_text(f'#!/bin/sh\n[ "$1" = --version ] && echo "pagefind fake" && exit 0\n{body}\n')
    fake.chmod(0o755)
    monkeypatch.setattr(mkdocs_plugin, "pagefind_binary", lambda: fake)


def test_a_pagefind_killed_for_memory_is_explained_in_chinese(tmp_path, monkeypatch):
    """Killed by the out-of-memory killer, Pagefind says nothing itself: the message must."""
    from generator.index import SearchRecord

    _fake_pagefind(tmp_path, monkeypatch, "kill -9 $$")
    records = [SearchRecord(url=f"/cases/XA-2016-{i:03}/", content="招商", meta={}, filters={}, sort={})
               for i in range(3000)]
    job = mkdocs_plugin.PagefindJob(records)
    with pytest.raises(RuntimeError) as failed:
        job.finish(tmp_path / "pagefind")
    message = str(failed.value)
    assert "SIGKILL" in message and "内存不足" in message and "3000 件" in message and "1.5 GB" in message
    assert not any(p.exists() for p in job.temporary)


def test_a_failed_allocation_is_explained_even_under_a_long_backtrace(tmp_path, monkeypatch):
    from generator.index import SearchRecord

    _fake_pagefind(tmp_path, monkeypatch, 'echo "memory allocation of 2960000 bytes failed" >&2\n'
                   'for i in $(seq 200); do echo "  $i: std::alloc::rust_oom at library/std/src/alloc.rs" >&2; done\n'
                   "kill -6 $$")
    job = mkdocs_plugin.PagefindJob([SearchRecord(url="/cases/a/", content="招商", meta={}, filters={}, sort={})])
    with pytest.raises(RuntimeError) as failed:
        job.finish(tmp_path / "pagefind")
    message = str(failed.value)
    assert "内存不足" in message and "memory allocation of 2960000 bytes failed" in message
    assert "rust_oom" not in message


def test_a_pagefind_failing_silently_still_gives_a_reason(tmp_path, monkeypatch):
    from generator.index import SearchRecord

    _fake_pagefind(tmp_path, monkeypatch, "exit 3")
    job = mkdocs_plugin.PagefindJob([SearchRecord(url="/cases/a/", content="招商", meta={}, filters={}, sort={})])
    with pytest.raises(RuntimeError, match="退出码 3"):
        job.finish(tmp_path / "pagefind")


def test_search_documents_go_to_ram_only_when_it_has_room(tmp_path, monkeypatch):
    """A container's /dev/shm is often 64 MB (Docker's default, so GitLab CI's): 10,000 cases'
    documents (120 MB) would not fit, and the build must not fail for it."""
    from collections import namedtuple

    shm = tmp_path / "shm"
    shm.mkdir()
    monkeypatch.setattr(mkdocs_plugin, "SHM", shm)
    usage = namedtuple("usage", "total used free")
    docs = [(f"cases/XA-2016-{i:03}", b"x" * 11_000) for i in range(1000)]  # 12 KB + a folder each: 16 MB
    monkeypatch.setattr(mkdocs_plugin.shutil, "disk_usage", lambda p: usage(64 << 20, 60 << 20, 4 << 20))
    assert mkdocs_plugin.scratch_folder(docs) is None
    monkeypatch.setattr(mkdocs_plugin.shutil, "disk_usage", lambda p: usage(64 << 20, 44 << 20, 20 << 20))
    assert mkdocs_plugin.scratch_folder(docs) == str(shm)
    shm.chmod(0o500)  # not writable
    try:
        if not os.access(shm, os.W_OK):  # (root may write anyway)
            assert mkdocs_plugin.scratch_folder(docs) is None
    finally:
        shm.chmod(0o700)
    shutil.rmtree(shm)
    assert mkdocs_plugin.scratch_folder(docs) is None  # no /dev/shm at all


def test_a_job_without_room_in_ram_writes_its_documents_to_the_temporary_folder(tmp_path, monkeypatch):
    from generator.index import SearchRecord

    monkeypatch.setattr(mkdocs_plugin, "scratch_folder", lambda docs: None)
    monkeypatch.setattr(mkdocs_plugin.tempfile, "tempdir", str(tmp_path))
    record = SearchRecord(url="/cases/XA-2016-001/", content="招商 商引 引资", meta={"title": "案例"}, filters={}, sort={})
    job = mkdocs_plugin.PagefindJob([record])
    try:
        assert job.docs.parent == tmp_path
        job.finish(tmp_path / "index")
        assert (tmp_path / "index" / job.version / "pagefind.js").is_file()
    finally:
        job.cancel()


def test_the_pagefind_in_use_is_the_pinned_one():
    """make installs the version tools/pagefind/package.json pins, and the build runs that binary."""
    import json

    pinned = json.loads((ROOT / "tools/pagefind/package.json").read_text(encoding="utf-8"))["dependencies"]["pagefind"]
    binary = mkdocs_plugin.pagefind_binary()
    assert binary.name == "pagefind_extended" and binary.is_file()
    assert mkdocs_plugin.pagefind_version(binary) == f"pagefind {pinned}"


def test_a_missing_pagefind_is_reported_in_chinese(tmp_path, monkeypatch):
    from generator.index import SearchRecord

    monkeypatch.setattr(mkdocs_plugin.sys, "prefix", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    record = SearchRecord(url="/cases/XA-2016-001/", content="招商 商引 引资", meta={"title": "案例"}, filters={}, sort={})
    with pytest.raises(FileNotFoundError, match="未找到 Pagefind.*make site"):
        mkdocs_plugin.PagefindJob([record])


@pytest.mark.parametrize("made", [1, 2])
def test_ctrl_c_as_a_temporary_folder_is_made_leaves_no_folder(tmp_path, monkeypatch, made):
    """A Ctrl-C or SIGTERM that lands just after a temporary folder (the search documents', or
    Pagefind's output) is made, before the job has listed it for removal, left the folder behind:
    `test_a_build_stopped_by_sigterm_leaves_nothing_behind`, which stops a build as soon as that
    folder appears, failed on it once. The folders are made and listed with the signal held."""
    import signal
    import tempfile

    from generator.index import SearchRecord

    _fake_pagefind(tmp_path, monkeypatch, "sleep 30")
    real_mkdtemp, folders = tempfile.mkdtemp, []

    def mkdtemp_then_ctrl_c(*args, **kwargs):
        folders.append(Path(real_mkdtemp(*args, **kwargs)))
        if len(folders) == made:
            os.kill(os.getpid(), signal.SIGINT)  # arrives before the job has the folder's name
        return str(folders[-1])

    monkeypatch.setattr(mkdocs_plugin.tempfile, "mkdtemp", mkdtemp_then_ctrl_c)
    record = SearchRecord(url="/cases/XA-2016-001/", content="招商 商引 引资", meta={"title": "案例"}, filters={}, sort={})
    with pytest.raises(KeyboardInterrupt):
        mkdocs_plugin.PagefindJob([record])
    assert len(folders) >= made and not [f for f in folders if f.exists()], folders
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers are put back


def test_ctrl_c_as_pagefind_starts_leaves_no_pagefind_running(tmp_path, monkeypatch):
    """A Ctrl-C or SIGTERM that lands inside subprocess.Popen, after Pagefind has started but before
    Popen returns, left a Pagefind that the build never learnt of: it ran on after the build had
    stopped (a cancelled CI job; a test that stopped a build as Pagefind started). The signal is now
    held until the job knows its process, then delivered, and the job stops what it started."""
    import signal
    import subprocess

    from generator.index import SearchRecord

    _fake_pagefind(tmp_path, monkeypatch, "sleep 30")
    real_popen, started = subprocess.Popen, []

    def popen_then_ctrl_c(cmd, *args, **kwargs):
        proc = real_popen(cmd, *args, **kwargs)
        if "--site" in map(str, cmd):  # the indexing run, not the version query
            started.append(proc)
            os.kill(os.getpid(), signal.SIGINT)  # arrives before Popen has returned
        return proc

    monkeypatch.setattr(mkdocs_plugin.subprocess, "Popen", popen_then_ctrl_c)
    record = SearchRecord(url="/cases/XA-2016-001/", content="招商 商引 引资", meta={"title": "案例"}, filters={}, sort={})
    try:
        with pytest.raises(KeyboardInterrupt):
            mkdocs_plugin.PagefindJob([record])
        assert started and started[0].poll() is not None, "Pagefind still runs"
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers are put back
    finally:
        for proc in started:
            proc.kill()
            proc.wait()


def test_only_portal_build_gives_way_to_pagefind_once_it_runs(tmp_path, monkeypatch):
    """`portal build` lowers its own priority once Pagefind runs (the longest step, beside which
    this process has slack); a process that may go on after the build (`mkdocs build`, the
    preview, a test) never does, as it could not take its priority back."""
    project = tmp_path / "proj"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv*", "site", ".git", "bench", "tests", "*.pyc"))
    monkeypatch.chdir(project)
    monkeypatch.setenv("PORTAL_CACHE", "0")  # no kept index: each build runs Pagefind
    calls = []

    def nice(increment):
        calls.append((increment, any(job.proc is not None and job.proc.poll() is None for job in mkdocs_plugin._UNFINISHED)))
        return 0
    monkeypatch.setattr(mkdocs_plugin.os, "nice", nice)
    assert build_site(Project.find(root=project), tmp_path / "a") == 0
    assert calls == []
    assert build_site(Project.find(root=project), tmp_path / "b", ends_process=True) == 0
    assert calls == [(mkdocs_plugin.YIELD, True)]  # once, while Pagefind ran
