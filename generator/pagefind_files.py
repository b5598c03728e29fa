"""Pagefind's output made reproducible.

Pagefind 1.5.2 writes each filter file's values, and the list of filter files in its meta file,
in hash-map order, which changes from run to run (upstream issue #638). The files are named by
a hash of their bytes, so the filter files, the meta file that names them and the entry file
that names the meta file get new names on every build of the same records. A site that is
built twice from the same input then differs, and the search page cannot name the meta file
it will need (to fetch it early) because the name is not known before the index exists.

canonicalize() puts the values and the list in sorted order and renames the files by a hash of
their decoded content, so the same records always give the same files and names. It changes
only order and names: the word index, the result fragments and the numbers of the pages are
left as they are, and Pagefind's own browser code reads the files as before.

The files are gzip-compressed CBOR behind a 12-byte signature; the layout below is that of
Pagefind 1.5.2, pinned in pyproject.toml (tests/test_pagefind_files.py fails if it changes):
  pagefind-entry.json  {"languages": {lang: {"hash": "<lang>_<11 hex>", ...}}, ...}
  pagefind.<hash>.pf_meta  [version, pages, index chunks, [[filter, file hash], ...], sorts, meta fields]
  filter/<hash>.pf_filter  [filter, [[value, [page numbers]], ...]]
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"


class UnknownFormat(ValueError):
    """The index is not laid out as Pagefind 1.5.2 lays it out."""


def read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise UnknownFormat(f"{path.name}: no Pagefind signature")
    return cbor2.loads(raw[len(SIGNATURE):])


def _write(path: Path, encoded: bytes) -> None:
    # level 9 as Pagefind itself; mtime 0 keeps the gzip header free of the build time
    path.write_bytes(gzip.compress(SIGNATURE + encoded, compresslevel=9, mtime=0))


def _name(lang: str, encoded: bytes, length: int, taken: set[str]) -> str:
    """Named by the decoded content, not the compressed bytes: another zlib gives the same name."""
    digest = hashlib.blake2b(encoded, digest_size=16).hexdigest()
    while f"{lang}_{digest[:length]}" in taken and length < len(digest):
        length += 1
    return f"{lang}_{digest[:length]}"


def canonicalize(index: Path) -> None:
    """Rewrite the filter files, meta files and entry file of the Pagefind index at `index` in a
    stable order under names that follow from their content. UnknownFormat if the files are
    not laid out as expected (another Pagefind version)."""
    entry_path = index / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, language in sorted(entry["languages"].items()):
        meta_path = index / f"pagefind.{language['hash']}.pf_meta"
        meta = read(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)
                and all(isinstance(f, list) and len(f) == 2 for f in meta[3])):
            raise UnknownFormat(f"{meta_path.name}: no list of filters where Pagefind 1.5.2 keeps it")
        contents = []  # all read before any is written: a new name may be another file's old one
        for filter_name, old in sorted(meta[3]):
            content = read(index / "filter" / f"{old}.pf_filter")
            if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
                raise UnknownFormat(f"filter/{old}.pf_filter: not [filter, values]")
            contents.append((filter_name, old, [content[0], sorted(content[1], key=lambda v: v[0])]))
        for _, old, _ in contents:
            (index / "filter" / f"{old}.pf_filter").unlink()
        filters, taken = [], set()
        for filter_name, _, content in contents:
            encoded = cbor2.dumps(content)
            new = _name(lang, encoded, 7, taken)
            taken.add(new)
            _write(index / "filter" / f"{new}.pf_filter", encoded)
            filters.append([filter_name, new])
        meta[3] = filters
        encoded = cbor2.dumps(meta)
        new = _name(lang, encoded, 11, set())
        meta_path.unlink()
        _write(index / f"pagefind.{new}.pf_meta", encoded)
        language["hash"] = new
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def meta_files(index: Path) -> list[str]:
    """The meta file of each language, as paths relative to the index folder ([] without one)."""
    try:
        entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [f"pagefind.{lang['hash']}.pf_meta" for _, lang in sorted(entry.get("languages", {}).items())]
