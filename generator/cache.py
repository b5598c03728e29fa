"""What the per-file checks found, kept between runs, so that a check or build after a small edit
re-reads only the records that changed (like mypy's or ruff's cache).

An entry is keyed by everything its result depends on: the file's bytes and where it really is,
the catalogs, the build date, and the checker's own code and library versions. Anything
else changes the key, so a stale entry is never used. Cross-record checks (duplicate ids,
references) always run afresh.

The cache lives outside the project (PORTAL_CACHE_DIR, else $XDG_CACHE_HOME/portal or
~/.cache/portal) because it is unpickled: a file committed to the repository must never be able to
run code in CI. PORTAL_CACHE=0 turns it off. A damaged cache file is ignored and rewritten.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from .load import MAX_BYTES

VERSION = 2


def cache_dir() -> Path | None:
    if os.environ.get("PORTAL_CACHE", "1") == "0":
        return None
    given = os.environ.get("PORTAL_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "portal"


def cache_path(kind: str, folder: Path) -> Path | None:
    """Where the cache of `kind` for the project or records folder `folder` lives; None when off."""
    base = cache_dir()
    if base is None:
        return None
    return base / f"{kind}-{hashlib.blake2b(os.fsencode(folder.resolve()), digest_size=10).hexdigest()}"


def code_files() -> list[Path]:
    """The checker's source and the data its rules read (the ordinary words of privacy.py)."""
    here = Path(__file__).parent
    return sorted([*here.glob("*.py"), *here.glob("data/*")])


def _code_digest() -> bytes:
    """The checker's own source and data, and the libraries whose behaviour it relies on."""
    h = hashlib.blake2b(digest_size=16)
    for src in code_files():
        h.update(src.name.encode() + b"\0" + src.read_bytes())
    for lib in ("pydantic", "pydantic-core", "PyYAML", "markdown-it-py"):
        try:
            h.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(lib.encode())
    h.update(sys.version.encode())
    return h.digest()


class CheckCache:
    """Entries are stored as the bytes they were pickled to when the file was checked, so later
    changes to the live objects (cross-record checks add diagnostics) never leak into the cache."""

    def __init__(self, path: Path | None, context: Iterable[bytes]) -> None:
        self.path = path
        h = hashlib.blake2b(digest_size=16)
        h.update(VERSION.to_bytes(2, "big") + _code_digest())
        for part in context:
            h.update(len(part).to_bytes(8, "big") + part)
        self.context = h.digest()
        self.old: dict[bytes, bytes] = {}
        self.new: dict[bytes, bytes] = {}
        self.old_stats: dict[tuple, bytes] = {}
        self.new_stats: dict[tuple, bytes] = {}
        self._settled = time.time_ns() - 2_000_000_000
        self.hits = 0
        self._folders: dict[str, str] = {}
        if path is not None:
            try:
                with open(path, "rb") as f:
                    data = pickle.load(f)
                if isinstance(data, dict) and data.get("version") == VERSION and data.get("context") == self.context:
                    self.old, self.old_stats = data["entries"], data["stats"]
            except Exception:  # noqa: BLE001 - missing, damaged or foreign: start afresh
                self.old, self.old_stats = {}, {}

    @classmethod
    def for_folder(cls, folder: Path, context: Iterable[bytes], kind: str = "check") -> "CheckCache":
        """kind: "check" for the whole folder, "check-files" for files named on the command line,
        whose results depend on another context (one file could clobber the other's cache)."""
        path = cache_path(kind, folder)
        return cls(path.with_name(path.name + ".pickle") if path else None, context)

    def key(self, path: Path) -> bytes | None:
        """The digest of where the file really is and its bytes; None when it cannot be read (its
        check reports why, every time). Not of the path as shown, which depends on where the
        command runs: a hit is re-labelled instead (see check_files). A file whose size, times
        and inode are those of the last run is not read again; its digest is remembered, as
        git's index does."""
        try:
            real = self._real(path)
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
                return None  # a pipe would block here, a huge file fill memory: the check says why
            sig = (real, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
            known = self.old_stats.get(sig)
            if known is None:
                h = hashlib.blake2b(digest_size=16)
                for part in (os.fsencode(real), path.read_bytes()):  # a name need not be UTF-8
                    h.update(len(part).to_bytes(8, "big") + part)
                known = h.digest()
        except OSError:
            return None
        # a file written in the last seconds could change again within the same timestamp
        if max(st.st_mtime_ns, st.st_ctime_ns) < self._settled:
            self.new_stats[sig] = known
        return known

    def _real(self, path: Path) -> str:
        """Where the file really is (a symlink out of cases/ is refused), resolving each folder
        once: realpath per file was most of a cached check."""
        if os.path.islink(path):
            return os.path.realpath(path)
        folder = str(path.parent)
        if folder not in self._folders:
            self._folders[folder] = os.path.realpath(folder)
        return os.path.join(self._folders[folder], path.name)

    def get(self, key: bytes | None) -> Any | None:
        blob = self.old.get(key) if key is not None else None
        if blob is None:
            return None
        self.new[key] = blob  # type: ignore[index]
        self.hits += 1
        return pickle.loads(blob)

    def keep(self, path: Path) -> None:
        """Keep the entry of a file this run does not check (a saved cache holds the entries used)."""
        key = self.key(path)
        if key is not None and key in self.old:
            self.new[key] = self.old[key]

    def put(self, key: bytes | None, blob: bytes) -> None:
        """blob: the pickled result, taken before anything could change it."""
        if key is not None and self.path is not None:
            self.new[key] = blob

    def save(self) -> None:
        """Writes only when something changed; entries of files that are gone are dropped."""
        if self.path is None or (self.new.keys() == self.old.keys() and self.new_stats.keys() == self.old_stats.keys()):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".check-")
            with os.fdopen(fd, "wb") as f:
                pickle.dump({"version": VERSION, "context": self.context, "entries": self.new,
                             "stats": self.new_stats}, f,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only home or full disk only costs speed

