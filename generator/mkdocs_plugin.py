"""The thin MkDocs adapter: check the records, hand the renderer's pages to MkDocs.

Everything here is MkDocs-specific; the domain modules never import mkdocs, so a move to
another engine replaces only this file and the theme overrides.
"""
from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from . import mkdocs_macros
from .build import remove_tree
from .cache import cache_path
from .check import Catalogs, Record
from .pipeline import run_check
from .diagnostics import summary_line
from .export import ExportMemo, exports
from .index import SearchRecord, search_records
from .parallel import lower_priority
from .project import Project
from .render import DataLicense, Page, PageMemo, Site, is_public, last_updated
from .security import add_policy

log = logging.getLogger("mkdocs.plugins.portal")


_CJK_BREAK = re.compile(r"(?<=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])\n\s*(?=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])")
_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)


def join_cjk_lines(html: str) -> str:
    """A line break in the Markdown source between two Chinese characters shows as a space in
    the browser; hand-written pages wrap lines freely, so join them (never inside <pre>)."""
    parts = _PRE.split(html)
    return "".join(p if i % 2 else _CJK_BREAK.sub("", p) for i, p in enumerate(parts))


def pagefind_binary() -> Path:
    """Pagefind's extended build, 1.6.0 from npm (tools/pagefind, installed by make into
    .venv/pagefind): PyPI's newest is 1.5.2, whose scoring made broad queries 2 to 3 times slower
    at 10,000 cases (README). Else a pagefind_extended on the PATH."""
    installed = sorted((Path(sys.prefix) / "pagefind/node_modules/@pagefind").glob("*/bin/pagefind_extended*"))
    found = installed[0] if installed else shutil.which("pagefind_extended")
    if not found:
        raise FileNotFoundError("未找到 Pagefind（pagefind_extended）：请先运行 make site 安装")
    return Path(found)


@functools.cache
def pagefind_version(binary: Path) -> str:
    return subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.strip()


@contextlib.contextmanager
def interrupts_held():
    """Hold Ctrl-C and SIGTERM until the block has run, then deliver them. A KeyboardInterrupt raised
    inside subprocess.Popen, after the child has started but before Popen returns, leaves a process
    that the caller never learns of: a build stopped at that moment left Pagefind running on (a
    cancelled CI job's machine, a test that stopped a build just as Pagefind started). Signal
    handlers can only change in the main thread; elsewhere (the preview's rebuilds) the block runs
    as it is."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    before = {s: signal.signal(s, lambda signum, frame: held.append(signum)) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(held):
            signal.raise_signal(signum)  # as if it came now: KeyboardInterrupt, or whatever the handler does


class PagefindJob:
    """Index the search records with Pagefind's extended CLI, started early and finished later:
    the plugin starts it as soon as the records are checked and collects it after MkDocs has
    written the pages, so Pagefind (mostly one core, most of the build at 10,000 cases) runs
    beside the rendering and MkDocs instead of after them.

    Each record becomes a tiny HTML document in a temporary folder (its content in
    data-pagefind-body, meta and filters beside it); Pagefind derives the record's URL from the
    document's path. The command line is used: Pagefind 1.5.2's Python service API read one reply
    per 0.1 s (10 records a second).

    `kept`: a folder where the last index is kept with the digest of everything it was made from
    (Pagefind's version, its options, every document). When nothing of that changed, as after
    editing only hand-written pages or the theme, the kept index is reused (see _link_tree)
    instead of rebuilt.

    The index goes into a folder named after that digest (`version`), <site>/pagefind/<version>/:
    Pagefind names its files after only 7 hex digits of a hash, so between two builds one name can
    come to hold other content, and a browser or a CDN that cached the old file would show it in
    search results, a withdrawn case's excerpt among them (README). Under a folder that changes
    whenever any document does, one URL always holds one content, and the files' names, and so
    what a search downloads, stay as short as Pagefind makes them."""

    FLAGS = ["--include-characters", "-"]

    def __init__(self, records: list[SearchRecord], kept: Path | None = None) -> None:
        docs = [(r.url.strip("/"), _search_document(r).encode()) for r in records]
        self.count = len(docs)
        binary = pagefind_binary()
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{pagefind_version(binary)} {self.FLAGS}".encode())
        for url, doc in docs:
            h.update(f"{len(url)}:{url}{len(doc)}:".encode() + doc)
        self.digest, self.kept = h.hexdigest(), kept
        self.version = self.digest[:16]
        self.proc: subprocess.Popen | None = None
        self.temporary: list[Path] = []
        self.reuse = kept is not None and _kept_digest(kept) == self.digest
        if self.reuse:
            return
        try:
            # made and listed for removal with Ctrl-C held: one landing in between left the folder behind
            with interrupts_held():
                self.docs = Path(tempfile.mkdtemp(prefix="portal-search-", dir=scratch_folder(docs)))
                self.temporary.append(self.docs)
                # always a new, empty folder: Pagefind keeps any hash-named file it finds there
                # instead of writing its own, and a 7-hex-digit name can collide (README)
                self.staging = Path(tempfile.mkdtemp(prefix="portal-pagefind-")) / "pagefind"
                self.temporary.append(self.staging.parent)
            for url, doc in docs:
                target = self.docs / url / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(doc)
            cmd = [str(binary), "--site", str(self.docs), "--output-path", str(self.staging), *self.FLAGS, "--silent"]
            # its messages go to a file: a pipe nobody reads until the end could fill and stall it
            self.log = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
            with interrupts_held():  # Ctrl-C inside Popen left a Pagefind nobody knew of (see there)
                self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
                _UNFINISHED.add(self)
        except BaseException:
            self.cancel()
            raise

    def finish(self, output: Path) -> None:
        """Wait for Pagefind and put its index at `output`/<version>, the only thing in `output`;
        RuntimeError if it failed."""
        if self.reuse:
            shutil.rmtree(output, ignore_errors=True)
            _link_tree(self.kept / "index", output / self.version)  # type: ignore[operator]
            return
        assert self.proc is not None
        try:
            code = self.proc.wait()
            if code != 0:
                self.log.seek(0)
                raise RuntimeError(pagefind_failure(code, self.log.read(), self.count))
            # Pagefind's ready-made interfaces (about 420 KB); the search page uses only its JS API
            for unused in ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js"):
                for f in self.staging.glob(unused):
                    f.unlink()
            shutil.rmtree(output, ignore_errors=True)
            output.mkdir(parents=True)
            shutil.move(str(self.staging), str(output / self.version))
            if self.kept is not None:
                _keep(output / self.version, self.kept, self.digest)
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop Pagefind if it still runs and remove the temporary folders (a failed build)."""
        _UNFINISHED.discard(self)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if getattr(self, "log", None) is not None:
            self.log.close()
        for folder in self.temporary:
            shutil.rmtree(folder, ignore_errors=True)


SHM = Path("/dev/shm")
YIELD = 10  # niceness added to work that gives way to Pagefind


def scratch_folder(docs: list[tuple[str, bytes]]) -> str | None:
    """Where the throwaway search documents go: RAM (/dev/shm) when it has room for them, else the
    system's temporary folder (None). 10,000 folders on a disk-backed /tmp cost seconds here (1,000
    mkdir+write: 1.26 s on /tmp, 0.04 s on /dev/shm), but a container's /dev/shm is often tiny
    (Docker's default, and so GitLab CI's, is 64 MB) while 10,000 cases' documents take 120 MB."""
    page = 4096  # tmpfs keeps whole pages: every file and folder takes at least one
    need = sum(-(-len(doc) // page) * page + page for _, doc in docs)
    try:
        if os.access(SHM, os.W_OK) and shutil.disk_usage(SHM).free >= need * 1.2 + (1 << 20):
            return str(SHM)
    except OSError:
        pass
    return None


# Material's search (see drop_unused_theme_files)
UNUSED_THEME_FILES = ("assets/javascripts/lunr", "assets/javascripts/workers/search.*")


def drop_unused_theme_files(site: Path, plugins: Any) -> None:
    """Material ships its own search (lunr, its language add-ons and a web worker: about 1.2 MB,
    a fifth of the demo site), which only its search plugin starts. This site
    searches with Pagefind and leaves that plugin off, so no page asks for those files (the
    theme's page config still names the worker, which its script starts only beside the
    plugin's search form)."""
    if any(name in plugins for name in ("search", "material/search")):
        return
    for pattern in UNUSED_THEME_FILES:
        for path in site.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
                if not any(path.parent.iterdir()):
                    path.parent.rmdir()  # workers/ held nothing else


PAGEFIND_GB_PER_1000 = 0.5  # measured: 537 MiB at 1,000 cases, 4.8 GB at 10,000 (README)


def pagefind_failure(code: int, log: str, documents: int) -> str:
    """What to tell staff when Pagefind failed. Memory is what it needs most (PAGEFIND_GB_PER_1000),
    and running out shows either as the system's SIGKILL, with no message at all, or as Rust's
    "memory allocation of N bytes failed" followed by a backtrace that would push that line out of
    any tail shown."""
    said = log.strip()
    lack = [line for line in said.splitlines() if line.startswith("memory allocation of")]
    if code == -signal.SIGKILL or lack:
        per = PAGEFIND_GB_PER_1000
        need = max(per, documents / 1000 * per)
        text = (f"内存不足：为 {documents} 件案例建索引约需 {need:.1f} GB 内存（约每千件 {per} GB），"
                "请在内存更大的机器上构建，或关掉其他程序后重试")
        return f"{text}（Pagefind：{lack[0] if lack else '被系统以 SIGKILL 终止'}）"
    if said:
        return said[-800:]
    if code < 0:
        try:
            return f"Pagefind 被系统以信号 {signal.Signals(-code).name} 终止，没有输出说明"
        except ValueError:
            return f"Pagefind 被系统以信号 {-code} 终止，没有输出说明"
    return f"Pagefind 以退出码 {code} 结束，没有输出说明"


# Jobs not yet finished. A build can end without MkDocs' build-error event (mkdocs-macros stops a
# failed page with SystemExit), so whatever is left is stopped when the process exits.
_UNFINISHED: set[PagefindJob] = set()


@atexit.register
def _cancel_unfinished() -> None:
    for job in list(_UNFINISHED):
        job.cancel()


def write_pagefind(records: list[SearchRecord], output: Path, kept: Path | None = None) -> Path:
    """Index the records into a folder under `output`, wait, and return that folder (see PagefindJob)."""
    job = PagefindJob(records, kept)
    job.finish(output)
    return output / job.version


def index_folder(output: Path) -> Path | None:
    """The index under <site>/pagefind (see PagefindJob.finish); None without one."""
    found = [p for p in output.iterdir() if p.is_dir()] if output.is_dir() else []
    return found[0] if len(found) == 1 else None


def meta_files(index: Path) -> list[str]:
    """Pagefind's meta file of each language, relative to the index folder ([] without an index).
    Its name holds a hash of its content; Pagefind 1.6.0 writes the same files for the same
    records (1.5.2 did not: upstream issue #638), so the name is stable too."""
    try:
        entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [f"pagefind.{lang['hash']}.pf_meta" for _, lang in sorted(entry.get("languages", {}).items())]


def _kept_digest(kept: Path) -> str | None:
    try:
        return (kept / "digest").read_text(encoding="ascii") if (kept / "index").is_dir() else None
    except OSError:
        return None


def _link_tree(source: Path, target: Path) -> None:
    """The files of `source` at `target` as hard links where both are on one file system (copying
    10,000 cases' index took 4 to 5 s, linking it under 0.5 s), else as copies. Sharing is safe because
    nothing writes into a finished index file: Pagefind writes a new folder each time, a build
    replaces the whole site folder, and the kept index is replaced, never edited."""
    def link(src: str, dst: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(dst)  # never write through a name that may be another file's link
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    shutil.copytree(source, target, copy_function=link, dirs_exist_ok=True)


def _keep(output: Path, kept: Path, digest: str) -> None:
    """The digest is written last, so an interrupted keep is never taken for a complete one."""
    try:
        remove_tree(kept)  # (10,000 links: on the build's critical path, right after Pagefind)
        _link_tree(output, kept / "index")
        (kept / "digest").write_text(digest, encoding="ascii")
    except OSError:
        shutil.rmtree(kept, ignore_errors=True)  # a full disk only costs speed


def _search_document(r: SearchRecord) -> str:
    e = lambda v: html.escape(str(v), quote=True)  # noqa: E731
    meta = "".join(f'<span data-pagefind-meta="{e(k)}">{e(v)}</span>' for k, v in r.meta.items())
    filters = "".join(f'<span data-pagefind-filter="{e(k)}">{e(v)}</span>' for k, vs in r.filters.items() for v in vs)
    sort = ", ".join(f"{k}:{v}" for k, v in r.sort.items())
    return (f'<!doctype html><html lang="{e(r.language)}"><head><meta charset="utf-8"><title>{e(r.meta.get("title", ""))}'
            f'</title></head><body><div>{meta}{filters}</div><main data-pagefind-body data-pagefind-sort="{e(sort)}">'
            f"<p>{e(r.content)}</p></main></body></html>")


SHELL_TEMPLATE = "portal/shell.html"
# theme/main.html: the link to Pagefind's meta file, named after the build, and the index
# folder's name in the search page's links and script (_name_meta_files)
META_LINK = re.compile(r'<link rel="prefetch" href="([^"]*)PAGEFIND-META">')
INDEX_FOLDER = "PAGEFIND-INDEX"


def _read_generated(page, generated: Page, config) -> None:
    page.markdown, page.meta = "", generated.meta()  # no front matter to parse back
    page.meta["template"] = SHELL_TEMPLATE


def _render_generated(page, generated: Page, config, files) -> None:
    page.content = generated.body
    page.toc = get_toc([{"level": lvl, "id": anchor, "name": text, "children": []}
                        for lvl, anchor, text in generated.toc])
    page._title_from_render = None  # the title comes from the front matter
    page.present_anchor_ids = {anchor for _, anchor, _ in generated.toc}
    page.links_to_anchors = {}


class Shells:
    """Material's page template costs about 5 ms a page, most of the build at 10,000 cases, and
    its output for pages outside the nav at the same depth differs only in title, description,
    canonical address and content. So the template is rendered once per kind of page with marker
    values, cut at the markers, and filled in for every further page of that kind.

    A kind of page is its depth, headings, front matter and whether its content has an <h1>.
    A shell is kept only if filling it reproduces the full render of the page it came from byte
    for byte; a value that a template filter could change (entities, tags, runs of spaces) and
    pages in the nav always get the full render."""

    MARKS = {"title": "PortalShellTitleMark", "description": "PortalShellDescriptionMark",
             "canonical": "PortalShellCanonicalMark", "content": "PortalShellContentMark"}
    _SPLIT = re.compile("(" + "|".join(MARKS.values()) + ")")
    _SLOT = {v: k for k, v in MARKS.items()}

    def __init__(self, env, in_nav: set[str]) -> None:
        self.env, self.in_nav = env, in_nav
        self.shells: dict[str, list[str] | None] = {}
        self.filled = self.rendered = 0

    @staticmethod
    def _plain(value: str | None) -> bool:
        return value is None or ("&" not in value and "<" not in value and " ".join(value.split()) == value)

    def _values(self, page) -> dict[str, str | None]:
        return {"title": page.meta.get("title"), "description": page.meta.get("description"),
                "canonical": page.canonical_url, "content": page.content}

    def _key(self, context, page) -> str:
        meta = {k: v for k, v in page.meta.items() if k not in ("title", "description", "lastmod")}
        return json.dumps([context["base_url"], meta, [(t.level, t.id, t.title) for t in _toc_flat(page.toc)],
                           "<h1" in page.content, "description" in page.meta, page.canonical_url is None],
                          ensure_ascii=False, sort_keys=True)

    def render(self, context) -> str:
        page = context["page"]
        template = self.env.get_template("main.html")
        values = self._values(page)
        if page.file.src_uri in self.in_nav or not all(self._plain(values[k]) for k in ("title", "description")):
            self.rendered += 1
            return template.render(context)
        key = self._key(context, page)
        if key not in self.shells:
            self.shells[key] = None
            real = template.render(context)
            self.rendered += 1
            probe = self._probe(template, context, page)
            if self._fill(probe, values) == real:
                self.shells[key] = probe
            else:
                log.debug("portal: page shell for %s differs from the full render; not used", page.file.src_uri)
            return real
        shell = self.shells[key]
        if shell is None:
            self.rendered += 1
            return template.render(context)
        self.filled += 1
        return self._fill(shell, values)

    def _probe(self, template, context, page) -> list[str]:
        """The page rendered with marker values; the content marker keeps an <h1> when the real
        content has one (Material adds its own heading otherwise)."""
        saved = page.meta, page.canonical_url, page.content
        h1 = "<h1>" if "<h1" in page.content else ""
        page.meta = {**page.meta, "title": self.MARKS["title"]}
        if "description" in page.meta:
            page.meta["description"] = self.MARKS["description"]
        if page.canonical_url is not None:
            page.canonical_url = self.MARKS["canonical"]
        page.content = h1 + self.MARKS["content"]
        try:
            out = template.render(context)
        finally:
            page.meta, page.canonical_url, page.content = saved
        return self._SPLIT.split(out.replace(h1 + self.MARKS["content"], self.MARKS["content"]) if h1 else out)

    def _fill(self, shell: list[str], values: dict[str, str | None]) -> str:
        return "".join(part if i % 2 == 0 else (values[self._SLOT[part]] or "") for i, part in enumerate(shell))


def _toc_flat(toc):
    for item in toc:
        yield item
        yield from _toc_flat(item.children)


class PortalConfig(Config):
    cases = config_options.Type(str, default="cases")
    # the terms of the open data: {title, path, name?} (render.DataLicense); none stated by default
    data_license = config_options.Type(dict, default={})


class PortalPlugin(BasePlugin[PortalConfig]):
    # Set by `portal build --cases DIR` before the build starts.
    cases_override: Path | None = None
    # Set by `portal build`, whose process ends with the build: once Pagefind runs, this process
    # gives way to it (see on_config). Not by `mkdocs build` or the preview, whose process may go on.
    yield_to_indexer: bool = False
    # `serve` state lives on the class: MkDocs makes new plugin objects for every rebuild but
    # calls on_startup only once.
    serving: ClassVar[bool] = False
    dirty: ClassVar[bool] = False
    shown: ClassVar[dict[str, str]] = {}  # generated page → digest of what the last build wrote
    indexed: ClassVar[bool] = False
    memo: ClassVar[PageMemo] = PageMemo()  # the preview's generated pages, kept between rebuilds
    export_memo: ClassVar[ExportMemo] = ExportMemo()  # and its open-data rows
    index_job: PagefindJob | None = None  # this build's full-text index, under way (see _start_index)

    def on_startup(self, *, command, dirty):
        cls = type(self)
        cls.serving, cls.dirty, cls.shown, cls.indexed = command == "serve", dirty, {}, False
        cls.memo, cls.export_memo = PageMemo(), ExportMemo()

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        # the same project as the `portal` commands see (paths in messages, the check cache)
        try:
            project = Project.find(root=root, cases=str(self.cases_override) if self.cases_override else None,
                                   config_file=Path(config.config_file_path))
        except ValueError as e:  # a malformed PORTAL_TODAY: MkDocs shows a plugin's error without a traceback
            raise PluginError(f"配置错误：{e}") from None
        problem = project.cases_problem()
        if problem:
            raise PluginError(problem)
        # Reproducible output: every date MkDocs stamps (sitemap, gzip) is the build date, an input.
        epoch = dt.datetime.combine(project.today, dt.time(), dt.timezone.utc).timestamp()
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(epoch)))
        t0 = time.perf_counter()
        result = run_check(project)
        for d in result.diagnostics:
            print(d.format(), file=sys.stderr)
        failing = result.errors + (result.warnings if config.strict else 0)
        records = result.records
        summary = summary_line(result.diagnostics, result.record_files, result.catalog_files)
        if failing and not self.serving:
            raise PluginError(f"{summary} 网站未生成，请先改正上面的问题。")
        if self.serving:
            # The preview keeps running: records with errors are left out and every page shows
            # the problems in a banner until they are fixed.
            errors = [d for d in result.diagnostics if d.severity == "error"]
            broken = {d.path for d in errors}
            records = [r for r in records if r.path not in broken]
            config.extra["portal_problems"] = [d.format() for d in errors]
            if errors:
                print(f"{summary} 预览中不显示出错的记录。", file=sys.stderr)
        try:
            data_license = DataLicense.from_config(self.config.data_license)
        except ValueError as e:
            raise PluginError(f"mkdocs.yml 中 portal 插件的设置有误：{e}") from None
        # Pagefind runs while the site is assembled and its pages rendered and written
        self._start_index(config, records, result.catalogs, project.today)
        self.site = Site([r.case for r in records], result.catalogs, project.today, data_license)
        # Pagefind is the longest step and mostly uses one core; this process and its page workers
        # have slack (they end seconds before it), so they give way when both want a core. Niceness
        # cannot be taken back without privileges, so only a process that ends with the build lowers
        # its own: 10,000 cases, about 1 s sooner (README).
        indexing = self.index_job is not None and self.index_job.proc is not None
        if indexing and self.yield_to_indexer and not self.serving:
            os.nice(YIELD)
        with lower_priority(YIELD if indexing else 0):
            # the preview re-renders only the pages an edit touches (a build renders them all)
            self.pages = self.site.pages(self.memo if self.serving else None)
        log.info(f"portal: {len(records)} 件记录检查并生成页面，用时 {time.perf_counter() - t0:.1f} 秒")
        self.by_path: dict[str, Page] = {p.path: p for p in self.pages}
        self.search_pages: list[Path] = []
        mkdocs_macros.SITE = self.site
        config.extra["portal"] = self.site.figures
        return config

    def on_files(self, files: Files, config) -> Files:
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"content/{page.path} 与自动生成的页面同名：请改名，生成的页面不能被手写页面覆盖")
            # Only the front matter goes through Markdown; the finished HTML is put in place in
            # on_page_content (parsing generated HTML as Markdown was half the build time).
            files.append(File.generated(config, page.path, content=page.front_matter()))
        if self.serving and self.dirty:
            self._skip_unchanged(files, config)
        return files

    def _skip_unchanged(self, files: Files, config) -> None:
        """`portal serve` rebuilds only the generated pages whose content changed (a one-record
        edit touches its page, a few listings, home and statistics), and always the hand-written
        pages (their macros show figures). Anything that changes every page (the problems
        banner, the nav, the theme, mkdocs.yml) rebuilds everything."""
        custom = config.theme.custom_dir
        theme = [p for p in Path(custom).rglob("*") if p.is_file()] if custom else []
        frame = hashlib.sha256(json.dumps([
            config.extra.get("portal_problems"), sorted(f.src_uri for f in files.documentation_pages()),
            Path(config.config_file_path).read_text(encoding="utf-8"),
            sorted((str(p), p.stat().st_mtime_ns) for p in theme)], ensure_ascii=False).encode()).hexdigest()
        shown = {"": frame}
        for page in self.pages:
            shown[page.path] = page.digest
        previous, type(self).shown = type(self).shown, shown
        # a page that is no longer generated (its record broke or left) must not linger
        for gone in sorted(set(previous) - set(shown) - {""}):
            url = Page(gone, "", "").url
            if url:
                shutil.rmtree(Path(config.site_dir) / url, ignore_errors=True)
        for f in files.documentation_pages():
            same = previous.get("") == frame and previous.get(f.src_uri) == shown.get(f.src_uri, "hand-written")
            f.is_modified = (lambda: False) if same else (lambda: True)  # type: ignore[method-assign]  # decided per file here

    def on_nav(self, nav, config, files):
        self.in_nav = {p.file.src_uri for p in nav.pages}
        return nav

    def on_env(self, env, config, files):
        """Generated pages go through Shells (see there) instead of straight to main.html."""
        shells = Shells(env, getattr(self, "in_nav", set()))
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.DictLoader({SHELL_TEMPLATE: "{{ portal_shell() }}"})])
        env.globals["portal_shell"] = jinja2.pass_context(lambda ctx: shells.render(ctx.get_all()))
        self.shells = shells
        return env

    def on_pre_page(self, page, config, files):
        generated = self.by_path.get(page.file.src_uri)
        if generated is not None:
            # Generated pages carry finished HTML: skip building a Markdown converter for each of
            # them (a fixed ~1 ms per page). The page must still end up as MkDocs' own render
            # leaves it: content, toc, title and anchor ids.
            page.read_source = functools.partial(_read_generated, page, generated)
            page.render = functools.partial(_render_generated, page, generated)
        return page

    def on_page_markdown(self, markdown, page, config, files):
        generated = self.by_path.get(page.file.src_uri)
        if generated is not None and generated.lastmod is not None:
            page.update_date = generated.lastmod.isoformat()  # sitemap lastmod from the record's own dates
        elif page.is_homepage:  # the latest cases and the figures: as new as the newest record
            newest = max((last_updated(c) for c in self.site.cases), default=None)
            if newest is not None:  # with no public case yet, the day of the build (MkDocs needs one date)
                page.update_date = newest.isoformat()
        else:
            # A hand-written page, or a listing with no case yet, has no date of its own: "" (the
            # sitemap leaves out its lastmod; MkDocs takes the newest of these strings for the
            # gzip stamp). MkDocs' default was the day of the build, so the daily build told
            # crawlers that every such page changed every day.
            page.update_date = ""
        return markdown

    def on_page_content(self, html, page, config, files):
        generated = self.by_path.get(page.file.src_uri)
        if generated is None:
            return join_cjk_lines(html)
        return generated.body

    def on_post_page(self, output, page, config):
        if page.meta.get("search"):
            self.search_pages.append(Path(page.file.abs_dest_path))
        return add_policy(output)

    def on_post_template(self, output_content, template_name, config):
        return add_policy(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, config):
        """Open data (JSON, CSV, schema, Atom feed), then the full-text index"""
        log.debug(f"portal: 页面框架套用 {self.shells.filled} 页，完整渲染 {self.shells.rendered} 页")
        for rel_path, content in exports(self.site, config.site_url, self.export_memo if self.serving else None).items():
            target = Path(config.site_dir) / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if not self.site.cases:
            log.info("portal: 暂无公开案例，不生成检索索引")
        elif self.index_job is None:
            log.info("portal: 预览时检索索引不随修改更新（完整索引请用 portal build）")
        else:
            try:
                self.index_job.finish(Path(config.site_dir) / "pagefind")
            except (OSError, RuntimeError) as e:
                raise PluginError(f"全文检索索引生成失败（Pagefind）：{e}") from e
            finally:
                self.index_job = None
            type(self).indexed = True
        self._name_meta_files(index_folder(Path(config.site_dir) / "pagefind"))
        drop_unused_theme_files(Path(config.site_dir), config.plugins)

    def _name_meta_files(self, index: Path | None) -> None:
        """The search page loads Pagefind from the index folder and prefetches its meta file, whose
        names are known only now that the index is written (the page was written while Pagefind
        ran): the placeholders in the theme become those names. Without an index the links go."""
        names = meta_files(index) if index is not None else []
        for path in self.search_pages:
            text = path.read_text(encoding="utf-8")
            named = META_LINK.sub(lambda m: "".join(f'<link rel="prefetch" href="{m[1]}{n}">' for n in names), text)
            if index is not None:
                named = named.replace(INDEX_FOLDER, index.name)
            if named != text:
                path.write_text(named, encoding="utf-8")

    def on_build_error(self, error):
        if self.index_job is not None:
            self.index_job.cancel()
            self.index_job = None

    def _start_index(self, config, records: list[Record], catalogs: Catalogs, today: dt.date) -> None:
        """Full-text index: the engine-agnostic search records, written by Pagefind's extended
        build into <site>/pagefind/ while MkDocs writes the pages. Any failure fails the build
        (the old site stays). The preview builds it once per session."""
        _cancel_unfinished()  # left by a preview rebuild that failed
        self.index_job = None
        if self.serving and self.dirty and self.indexed:
            config.extra["portal_no_index"] = not any(is_public(r.case, today) for r in records)
            return
        documents = search_records(records, catalogs, today)
        # No public case yet (a new portal, or only internal and scheduled records): nothing to
        # search, and Pagefind refuses an empty input (the build used to fail). The search page
        # then says so and asks for no index file (theme/main.html, portal-search.js).
        config.extra["portal_no_index"] = not documents
        if not documents:
            return
        kept = cache_path("pagefind", Path(config.config_file_path).parent)
        try:
            self.index_job = PagefindJob(documents, kept)
        except OSError as e:
            raise PluginError(f"全文检索索引生成失败（Pagefind）：{e}") from e

    def on_serve(self, server, config, builder):
        root = Path(config.config_file_path).resolve().parent
        server.watch(str(self.cases_override or root / self.config.cases))
        return server
