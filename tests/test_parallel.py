"""Parallel check and render give exactly what the serial run gives."""
import os

import pytest

import generator.check as check_mod
import generator.render as render_mod
from generator.check import check_paths, load_catalogs, record_files
from generator.index import search_records
from generator.parallel import chunks, fork_map, lower_priority, workers
from generator.render import render_site
from tests.conftest import FIXTURES, ROOT, TODAY

CAT = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")


def run(monkeypatch, jobs: str):
    monkeypatch.setenv("PORTAL_JOBS", jobs)
    monkeypatch.setattr(check_mod, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(render_mod, "PARALLEL_THRESHOLD", 2)
    files = record_files(ROOT / "cases") + record_files(FIXTURES / "broken" / "E104-outcome-typo")
    result = check_paths(files, CAT, TODAY)
    site, pages = render_site([r.case for r in result.records], CAT, TODAY)
    return result, pages, search_records(result.records, CAT, TODAY)


def test_parallel_equals_serial(monkeypatch):
    monkeypatch.setenv("PORTAL_JOBS", "2")
    if workers() < 2:
        pytest.skip("only one CPU: the parallel path cannot run here")
    serial, serial_pages, serial_index = run(monkeypatch, "1")
    parallel, parallel_pages, parallel_index = run(monkeypatch, "2")
    assert len(chunks(17, 2)) > 1  # the parallel path really was taken
    assert serial.diagnostics == parallel.diagnostics and serial.diagnostics
    assert [r.path for r in serial.records] == [r.path for r in parallel.records]
    assert [p.source() for p in serial_pages] == [p.source() for p in parallel_pages]
    assert serial_index == parallel_index and len(serial_index) > 10


def _niceness(_: int) -> list[int]:
    return [os.nice(0)]


def test_workers_forked_with_lower_priority_give_way(monkeypatch):
    monkeypatch.setenv("PORTAL_JOBS", "2")
    if workers() < 2:
        pytest.skip("only one CPU: no workers are forked")
    own = os.nice(0)
    with lower_priority(5):
        assert fork_map(_niceness, [(1,), (2,)]) == [min(own + 5, 19)] * 2
    assert fork_map(_niceness, [(1,), (2,)]) == [own, own]
    assert os.nice(0) == own  # the process itself keeps its priority


def test_jobs_setting(monkeypatch):
    from generator import parallel

    monkeypatch.setenv("PORTAL_JOBS", "1")
    assert parallel.jobs_setting() == 1 and parallel.workers() == 1
    monkeypatch.setenv("PORTAL_JOBS", "两个")
    with pytest.raises(ValueError, match="PORTAL_JOBS 应为整数"):
        parallel.jobs_setting()
    assert parallel.workers() >= 1  # `mkdocs build` goes on; the command line reported it first
    monkeypatch.setenv("PORTAL_JOBS", " ")
    assert parallel.jobs_setting() is None
