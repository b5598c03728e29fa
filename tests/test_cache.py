"""The check cache: a cached run reports exactly what a fresh one does, re-reads only what
changed, and never carries a stale or cross-record finding over."""
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from generator.check import check_files, record_files
from generator.pipeline import run_check
from generator.project import Project
from tests.conftest import FIXTURES


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def settle(project: Path) -> None:
    """Files written by the test are 'racily new' (see CheckCache.key): age them."""
    old = time.time() - 60
    for p in project.rglob("*.yaml"):
        os.utime(p, (old, old))


def outcome(result):
    return [d.format() for d in result.diagnostics], [(r.path, r.id, r.case.model_dump()) for r in result.records]


def counting(monkeypatch) -> list[int]:
    """How many files each run actually checked (not taken from the cache)."""
    seen: list[int] = []
    real = check_files

    def spy(files, catalogs, today, confine_to=None, cache=None):
        out = real(files, catalogs, today, confine_to, cache)
        seen.append(len(files) - (cache.hits if cache else 0))
        return out

    monkeypatch.setattr("generator.check.check_files", spy)
    return seen


def test_cached_run_equals_fresh_run(project_copy, cache_home, monkeypatch):
    for folder in sorted((FIXTURES / "broken").iterdir())[:15]:  # records with errors are cached too
        shutil.copytree(folder, project_copy / "cases" / folder.name)
    settle(project_copy)
    monkeypatch.chdir(project_copy)
    project = Project.find(root=project_copy)
    checked = counting(monkeypatch)
    first = run_check(project)
    second = run_check(project)
    monkeypatch.setenv("PORTAL_CACHE", "0")
    fresh = run_check(project)
    assert first.errors > 0 and len(first.records) > 10
    assert outcome(first) == outcome(second) == outcome(fresh)
    files = len(record_files(project.cases_dir))
    assert checked == [files, 0, files]
    assert list(cache_home.glob("check-*.pickle"))


def test_only_changed_files_are_checked_again(project_copy, cache_home, monkeypatch):
    settle(project_copy)
    monkeypatch.chdir(project_copy)
    project = Project.find(root=project_copy)
    checked = counting(monkeypatch)
    run_check(project)
    record = project_copy / "cases/2023/XA-2023-017.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("outcome: 不予问责", "outcome: 不于问责"), encoding="utf-8")
    settle(project_copy)
    result = run_check(project)
    assert checked[1] == 1
    assert [d.code for d in result.diagnostics if d.path.endswith("XA-2023-017.yaml")] == ["E104"]
    # touching a file without changing it costs a read, not a check
    os.utime(record, None)
    run_check(project)
    assert checked[2] == 0


def test_checking_one_file_fills_and_keeps_the_folders_cache(project_copy, cache_home, monkeypatch):
    """The pre-commit hook checks the staged files by name. That run wrote its own cache over the
    folder's (the same file, another context): the next `portal check` or build was cold again
    (10 s instead of 1 at 10,000 cases). It also parsed every other record, for the cross-record
    checks, on every commit."""
    import generator.check as check_mod

    settle(project_copy)
    monkeypatch.chdir(project_copy)
    project = Project.find(root=project_copy)
    checked = counting(monkeypatch)
    record = "cases/2023/XA-2023-017.yaml"
    run_check(project, [record])  # an empty cache: the other records are checked into the folder's
    run_check(project)
    assert checked[-1] == 1  # only the named one was not in the folder's cache yet
    parsed = []
    real_load = check_mod.load_file
    monkeypatch.setattr(check_mod, "load_file", lambda *a, **k: parsed.append(a[0]) or real_load(*a, **k))
    one = run_check(project, [record])
    others = [p for p in parsed if "cases" in Path(p).parts and str(p) != record]
    assert others == []  # the other records came from the folder's cache
    assert one.record_files == 1 and not one.errors
    run_check(project)
    assert checked[-1] == 0  # the folder's cache is intact, the named file's entry too
    # and the one-file run still sees the others: a duplicate id is found across them
    twin = project_copy / "cases/2023/twin.yaml"
    shutil.copy(project_copy / "cases/2016/XA-2016-001.yaml", twin)
    assert "E202" in {d.code for d in run_check(project, [record, str(twin.relative_to(project_copy))]).diagnostics}


def test_catalogs_and_build_date_invalidate_everything(project_copy, cache_home, monkeypatch):
    settle(project_copy)
    monkeypatch.chdir(project_copy)
    checked = counting(monkeypatch)
    run_check(Project.find(root=project_copy))
    files = checked[0]
    regions = project_copy / "content/data/regions.yaml"
    regions.write_text(regions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run_check(Project.find(root=project_copy))
    monkeypatch.setenv("PORTAL_TODAY", "2027-03-02")  # a scheduled record is now due
    later = run_check(Project.find(root=project_copy))
    assert checked == [files, files, files]
    assert not [d for d in later.diagnostics if d.code == "N001"]


def test_cross_record_findings_are_never_cached(project_copy, cache_home, monkeypatch):
    settle(project_copy)
    monkeypatch.chdir(project_copy)
    project = Project.find(root=project_copy)
    source = project_copy / "cases/2016/XA-2016-001.yaml"
    twin = project_copy / "cases/2016/twin.yaml"
    shutil.copy(source, twin)
    settle(project_copy)
    with_twin = run_check(project)
    assert "E202" in {d.code for d in with_twin.diagnostics}
    twin.unlink()
    without = run_check(project)
    assert "E202" not in {d.code for d in without.diagnostics}
    assert without.errors == 0


def test_damaged_or_foreign_cache_is_ignored(project_copy, cache_home, monkeypatch):
    settle(project_copy)
    monkeypatch.chdir(project_copy)
    project = Project.find(root=project_copy)
    expected = outcome(run_check(project))
    [path] = cache_home.glob("check-*.pickle")
    path.write_bytes(b"not a pickle")
    assert outcome(run_check(project)) == expected
    path.write_bytes(pickle.dumps({"version": 0, "entries": {b"x": b"y"}}))
    assert outcome(run_check(project)) == expected


def test_cache_is_kept_outside_the_project(project_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(project_copy)
    run_check(Project.find(root=project_copy))
    assert list((tmp_path / "xdg/portal").glob("check-*.pickle"))
    assert not [p for p in project_copy.rglob("*") if "pickle" in p.name or "cache" in p.name]



def test_build_and_check_share_the_cache(project_copy, tmp_path, monkeypatch):
    """`portal build` (through the MkDocs plugin) and `portal check` must see the same project, or
    each would throw the other's cache away. A symlinked cases/ folder once made them differ."""
    from tests.site_helpers import portal

    monkeypatch.setenv("PORTAL_CACHE_DIR", str(tmp_path / "cache"))
    elsewhere = tmp_path / "records"
    shutil.move(project_copy / "cases", elsewhere)
    (project_copy / "cases").symlink_to(elsewhere)
    settle(elsewhere)
    assert portal(project_copy, "build").returncode == 0
    [kept] = (tmp_path / "cache").glob("check-*.pickle")
    before = pickle.loads(kept.read_bytes())
    r = portal(project_copy, "check")
    assert r.returncode == 0, r.stderr
    after = pickle.loads(kept.read_bytes())
    assert len(before["entries"]) > 10
    assert after["context"] == before["context"] and after["entries"] == before["entries"]  # all hits


def test_a_hit_is_shown_with_the_path_of_this_run(project_copy, cache_home, monkeypatch):
    """Paths in messages are relative to where the command runs; the cache is shared."""
    shutil.copytree(FIXTURES / "broken/E104-outcome-typo", project_copy / "cases/typo")
    settle(project_copy)
    checked = counting(monkeypatch)
    monkeypatch.chdir(project_copy)
    here = run_check(Project.find(root=project_copy))
    monkeypatch.chdir(project_copy / "cases")
    there = run_check(Project.find(root=project_copy))
    assert checked[1] == 0
    assert here.errors and len(here.diagnostics) == len(there.diagnostics)
    for a, b in zip(here.diagnostics, there.diagnostics):
        assert a.path.startswith("cases/") and b.path == os.path.relpath(project_copy / a.path, project_copy / "cases")
        assert (a.line, a.code, a.message) == (b.line, b.code, b.message)
    assert [r.path for r in there.records] == [os.path.relpath(project_copy / r.path, project_copy / "cases")
                                               for r in here.records]


def test_the_rules_data_is_part_of_the_code_digest():
    """A cached result depends on the word list privacy.py reads as much as on its source: a new
    list must check every file again (it did not: only *.py were digested)."""
    from generator import cache

    names = {p.name for p in cache.code_files()}
    assert {"privacy.py", "check.py", "ordinary_words.txt"} <= names
