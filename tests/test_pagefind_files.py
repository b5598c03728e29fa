"""generator/pagefind_files.py on a real Pagefind index of a few records."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import cbor2
import pytest

from generator import mkdocs_plugin, pagefind_files
from generator.index import SearchRecord
from generator.pagefind_files import SIGNATURE, UnknownFormat, canonicalize, meta_files, read
from tests.site_helpers import tree_digest

REGIONS = ["雁塔区", "碑林区", "新城区", "莲湖区", "灞桥区"]
OUTCOMES = ["免予问责", "从轻处理", "减轻处理"]


@pytest.fixture(scope="module")
def raw_index(tmp_path_factory) -> Path:
    """Pagefind's own output, before canonicalize()."""
    records = [SearchRecord(url=f"/cases/XA-2020-{i:03d}/", content=f"招商 商引 引资 案例{i}",
                            meta={"title": f"案例{i}", "id": f"XA-2020-{i:03d}"},
                            filters={"地区": [REGIONS[i % 5]], "结果": [OUTCOMES[i % 3]], "年份": [f"{2016 + i % 4}年"]},
                            sort={"date": f"2020-01-{i + 1:02d}"}) for i in range(12)]
    out = tmp_path_factory.mktemp("raw") / "pagefind"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mkdocs_plugin, "canonicalize", lambda index: None)
        mkdocs_plugin.write_pagefind(records, out)
    return out


def copy(index: Path, to: Path) -> Path:
    shutil.copytree(index, to)
    return to


def write(path: Path, value) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + cbor2.dumps(value)))


def entry_and_meta(index: Path) -> tuple[dict, Path]:
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    return entry, index / meta_files(index)[0]


def reorder(index: Path) -> None:
    """What another run of Pagefind may write for the same records: the values of each filter and
    the list of filters in another order, under other names."""
    entry, meta_path = entry_and_meta(index)
    meta = read(meta_path)
    renamed = []
    for n, (name, old) in enumerate(reversed(meta[3])):
        content = read(index / "filter" / f"{old}.pf_filter")
        (index / "filter" / f"{old}.pf_filter").unlink()
        write(index / "filter" / f"und_{n:07d}.pf_filter", [content[0], list(reversed(content[1]))])
        renamed.append([name, f"und_{n:07d}"])
    meta[3] = renamed
    meta_path.unlink()
    write(index / "pagefind.und_00000000000.pf_meta", meta)
    entry["languages"]["und"]["hash"] = "und_00000000000"
    (index / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")


def filters_of(index: Path) -> dict[str, dict[str, list[int]]]:
    meta = read(index / meta_files(index)[0])
    return {name: {v: pages for v, pages in read(index / "filter" / f"{h}.pf_filter")[1]} for name, h in meta[3]}


def test_the_same_index_in_another_order_gives_the_same_files(raw_index, tmp_path):
    a, b = copy(raw_index, tmp_path / "a"), copy(raw_index, tmp_path / "b")
    reorder(b)
    assert tree_digest(a) != tree_digest(b)
    canonicalize(a)
    canonicalize(b)
    assert tree_digest(a) == tree_digest(b)
    canonicalize(b)  # a second pass changes nothing
    assert tree_digest(a) == tree_digest(b)


def test_only_order_and_names_change(raw_index, tmp_path):
    done = copy(raw_index, tmp_path / "done")
    canonicalize(done)
    assert filters_of(done) == filters_of(raw_index)
    assert len(filters_of(done)) == 3
    for name, values in filters_of(done).items():
        assert list(values) == sorted(values), name
    before, after = read(raw_index / meta_files(raw_index)[0]), read(done / meta_files(done)[0])
    assert [n for n, _ in after[3]] == sorted(n for n, _ in before[3])
    assert after[:3] + after[4:] == before[:3] + before[4:]  # pages, index chunks, sorts, fields
    # the word index and the fragments are Pagefind's files, untouched; nothing is left behind
    same = lambda d: {k: v for k, v in tree_digest(d).items() if k.startswith(("index/", "fragment/"))}  # noqa: E731
    assert same(done) == same(raw_index) and same(done)
    assert len(list((done / "filter").iterdir())) == 3
    assert len(list(done.glob("*.pf_meta"))) == 1
    entry, meta_path = entry_and_meta(done)
    assert meta_path.is_file() and entry["languages"]["und"]["page_count"] == 12


def test_an_index_laid_out_otherwise_is_refused(raw_index, tmp_path):
    odd = copy(raw_index, tmp_path / "odd")
    _, meta_path = entry_and_meta(odd)
    meta = read(meta_path)
    write(meta_path, meta[:3])  # no list of filters
    with pytest.raises(UnknownFormat, match="filters"):
        canonicalize(odd)
    meta_path.write_bytes(gzip.compress(cbor2.dumps(meta)))  # no signature
    with pytest.raises(UnknownFormat, match="signature"):
        canonicalize(odd)


def test_an_unknown_layout_fails_the_index_job(monkeypatch, tmp_path):
    def refuse(index):
        raise pagefind_files.UnknownFormat("x.pf_meta: no list of filters")
    monkeypatch.setattr(mkdocs_plugin, "canonicalize", refuse)
    record = SearchRecord(url="/cases/XA-2016-001/", content="招商 商引 引资", meta={"title": "案例"}, filters={}, sort={})
    with pytest.raises(RuntimeError, match="Pagefind 的输出格式与预期不同"):
        mkdocs_plugin.write_pagefind([record], tmp_path / "pagefind")
    assert not (tmp_path / "pagefind").exists()


def test_meta_files_without_an_index(tmp_path):
    assert meta_files(tmp_path) == []
