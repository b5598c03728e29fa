"""`portal build` and `portal serve`: run MkDocs with the portal plugin, atomically."""
from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .load import read_reason, real_path
from .project import Project


def _load_config(project: Project, **overrides):
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(project.root / "mkdocs.yml"), **overrides)
    plugin = cfg.plugins.get("portal")
    if plugin is None:
        raise SystemExit("mkdocs.yml 的 plugins 中缺少 portal 插件")
    if project.cases_dir != project.root / "cases":
        plugin.cases_override = project.cases_dir
    return cfg


def failure_text(e: BaseException) -> str:
    """MkDocs ends a failed build with an English line after it has logged the cause ("Aborted
    with a BuildError!", "Aborted with 2 warnings in strict mode!"): say it in Chinese. So too an
    OSError ("[Errno 28] No space left on device: …")."""
    if isinstance(e, SystemExit) and not isinstance(e.code, str):  # mkdocs-macros exits with 100
        return "原因见上面 “错误：” 开头的一行，原有网站目录保持不变。"
    if isinstance(e, OSError):
        where = f"：{e.filename}" if e.filename else ""
        return f"读写文件时出错（{read_reason(e)}{where}），原有网站目录保持不变。"
    text = str(e)
    if text == "Aborted with a BuildError!":
        return "原因见上面 “错误：” 开头的一行，原有网站目录保持不变。"
    strict = re.fullmatch(r"Aborted with (.+) in strict mode!", text)
    if strict:
        counts = re.sub(r"(\d+) errors?", r"\1 个错误", re.sub(r"(\d+) warnings?", r"\1 个警告", strict.group(1)))
        return f"严格模式（--strict）下有 {counts.replace(', ', '、')}，见上面 “警告：” 开头的各行；原有网站目录保持不变。"
    return text


def site_dir_problem(target: Path, project: Project) -> str | None:
    """Why `target` must not be replaced by a built site, or None. The build swaps the whole
    folder, so `--site-dir .` once deleted the project itself, records and .git included, and
    reported success. MkDocs refuses a site_dir around its docs_dir, but the build hands MkDocs
    a temporary folder, so that check never saw the real target."""
    theme = project.config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    sources = [("项目目录", project.root), ("案例目录", project.cases_dir), ("页面目录", project.docs_dir),
               ("配置文件 mkdocs.yml", project.root / "mkdocs.yml")] + ([("主题目录", project.root / str(custom))] if custom else [])
    for what, path in sources:
        path = real_path(path)
        if path == target or target in path.parents:
            where = f"就是{what}" if path == target else f"包含{what}（{path}）"
            return f"网站目录 {target} {where}：构建会用生成的网站替换整个网站目录，原有的文件都会被删除。请另外指定一个目录，例如 site"
        if what in ("案例目录", "页面目录") and path in target.parents:
            return f"网站目录 {target} 在{what}（{path}）之中：生成的网站不能放在源文件里，请另外指定一个目录，例如 site"
    if target.exists() and not target.is_dir():  # (target is a real path: no symlink left)
        return f"{target} 已存在，但不是目录：请指定一个目录"
    if target.is_dir() and not (target / "index.html").exists() and any(not e.name.startswith(".") for e in target.iterdir()):
        return (f"目录 {target} 中已有文件，但不像是生成的网站（没有 index.html）：构建会删除其中原有的文件，所以不替换它。"
                "请换一个目录，或先自行清空它")
    return None


def keep_hidden(old: Path, new: Path) -> None:
    """Carry the old site's hidden entries (.git of a deployment checkout, .well-known) into the
    new one, as MkDocs' own clean build leaves them in place."""
    for entry in sorted(old.iterdir()):
        if entry.name.startswith(".") and not (new / entry.name).exists():
            os.rename(entry, new / entry.name)


def build_site(project: Project, site_dir: Path | None = None, strict: bool = False, ends_process: bool = False) -> int:
    """Build into a fresh temporary folder beside the target, then swap it in. On any failure
    the existing site folder is left exactly as it was. `ends_process`: the process ends with the
    build (`portal build`), so it may lower its own priority for good (see the plugin)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    target = real_path(site_dir or project.site_dir)
    problem = site_dir_problem(target, project)
    if problem:
        print(f"无法构建：{problem}", file=sys.stderr)
        return 2
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-building-", dir=target.parent))
    except OSError as e:
        print(f"无法构建：不能在 {target.parent} 中建立网站目录（{read_reason(e)}）：请换一个可以写入的位置", file=sys.stderr)
        return 1
    _log_in_chinese(project, "%(message)s", logging.WARNING)
    try:
        cfg = _load_config(project, site_dir=str(tmp), strict=strict)
        cfg.plugins["portal"].yield_to_indexer = ends_process
        cfg.plugins.on_startup(command="build", dirty=False)
        build(cfg)
        cfg.plugins.on_shutdown()
    except (MkDocsException, SystemExit, OSError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"构建失败：{failure_text(e)}", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        try:
            os.rename(target, old)
        except OSError as e:
            if e.errno not in (errno.EBUSY, errno.EXDEV):
                raise
            # a mount point (a container's volume, say) cannot be renamed: replace what it holds
            replace_contents(target, tmp)
            print(f"网站已生成：{target}（它是挂载点，不能整体替换，已逐项替换其中的内容）", file=sys.stderr)
            return 0
        keep_hidden(old, tmp)
    os.rename(tmp, target)
    os.chmod(target, 0o755)
    if old is not None:
        remove_tree(old)
    print(f"网站已生成：{target}", file=sys.stderr)
    return 0


def remove_tree(folder: Path, threads: int = 4) -> None:
    """shutil.rmtree(folder, ignore_errors=True), with the files removed by a few threads at once:
    each removal mostly waits on the disk. The old site of 10,000 cases took 3.9 s here, 1.9 s so."""
    files: list[str] = []
    folders: list[str] = []
    for top, subfolders, names in os.walk(folder):  # a link to a folder is not followed: removed as a file
        folders.append(top)
        files += [os.path.join(top, n) for n in names]
        files += [p for p in (os.path.join(top, d) for d in subfolders) if os.path.islink(p)]

    def unlink(batch: list[str]) -> None:
        for f in batch:
            with contextlib.suppress(OSError):
                os.unlink(f)
    size = -(-len(files) // (threads * 8)) or 1
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(unlink, [files[i:i + size] for i in range(0, len(files), size)]))
    for f in reversed(folders):  # os.walk lists a folder before what it holds
        with contextlib.suppress(OSError):
            os.rmdir(f)
    shutil.rmtree(folder, ignore_errors=True)  # whatever could not go above, as before


def replace_contents(target: Path, new: Path) -> None:
    """The new site's entries in place of the old ones', hidden entries kept as keep_hidden does.
    Not atomic (visitors may see a half-replaced site for a moment): only for a target that
    cannot be renamed."""
    for entry in sorted(target.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in sorted(new.iterdir()):
        shutil.move(str(entry), str(target / entry.name))  # copies across file systems
    shutil.rmtree(new, ignore_errors=True)


# MkDocs' own lines, in the words staff read everywhere else: the preview's, and the warnings
# about links in hand-written pages. Its live-reload server stamps "[HH:MM:SS] " on its lines;
# the handler's format already gives the time. {docs} is the pages folder (content/).
_Words = str | Callable[[re.Match], str]  # a replacement: a template, or a function of the match
_MKDOCS_LINES: list[tuple[str, _Words]] = [
    (r"Building documentation\.\.\.", "正在生成网站…"),
    (r"Documentation built in ([\d.]+) seconds", r"网站已生成，用时 \1 秒"),
    (r"Watching paths for changes: (.*)",
     lambda m: "监视这些文件夹和文件的改动：" + "、".join(p.strip("'") for p in m[1].split(", "))),
    (r"Serving on (\S+)", r"预览地址：\1（按 Ctrl-C 停止）"),
    (r"Detected file changes", "发现文件改动"),
    (r"Reloading browsers", "刷新浏览器"),
    (r"Browser connected: (\S+)", r"浏览器已打开 \1"),
    (r"An error happened during the rebuild\..*", "重新生成时出错（见上面）：改正之前，浏览器中仍是上一次的网站。"),
    (r"Shutting down\.\.\.", "预览已停止"),
    (r"Doc file '([^']*)' contains a link '([^']*)', but the target '([^']*)' is not found among documentation files\.",
     r"页面 {docs}\1 中的链接 “\2” 指向的 {docs}\3 不存在：请改正链接，或补上这个页面"),
    (r"Doc file '([^']*)' contains a link '([^']*)', but the doc '([^']*)' does not contain an anchor '#([^']*)'\.",
     r"页面 {docs}\1 中的链接 “\2”：页面 {docs}\3 中没有 #\4 这一节，请改正链接"),
    (r"Doc file '([^']*)' contains a link '#([^']*)', but there is no such anchor on this page\.",
     r"页面 {docs}\1 中的链接 “#\2”：本页中没有这一节，请改正链接"),
    (r"Doc file '([^']*)' contains an unrecognized relative link '([^']*)', it was left as is\.",
     r"页面 {docs}\1 中的链接 “\2” 无法识别，原样保留：请检查它"),
    # mkdocs.yml, as deployments edit it (site_name, site_url, …)
    (r"Config value '([^']*)': Unrecognised configuration name: .*", r"mkdocs.yml 中的设置 “\1” 无法识别：请检查拼写"),
    (r"Config value '([^']*)': Required configuration not provided\.", r"mkdocs.yml 缺少必填的设置 “\1”"),
    (r"Config value '([^']*)': (.*)", r"mkdocs.yml 中的设置 “\1” 有误（\2）"),
    # mkdocs-macros: a hand-written page's {{ … }} or {% … %} (its Markdown report and a traceback)
    (r"(?s)\[macros\] - ERROR # _Macro Syntax Error_\s+_File_: `([^`]*)`\s+_Line (\d+) in Markdown file:_ \*\*(.*?)\*\*.*",
     r"错误：页面 {docs}\1 第 \2 行的宏写法有误（\3）：请检查 {{ }} 和 {% %} 是否完整、成对"),
    (r"(?s)\[macros\] - ERROR # _Macro Rendering Error_\s+_File_: `([^`]*)`\s+_UndefinedError_: '([^']*)' is undefined.*",
     r"错误：页面 {docs}\1 中用了不存在的宏或变量 “\2”：可用的宏见 README 的“手写页面可用的宏”"),
    (r"(?s)\[macros\] - ERROR # _Macro Rendering Error_\s+_File_: `([^`]*)`\s+_(\w+)_: (.*?)\n.*",
     r"错误：页面 {docs}\1 中的宏出错（\2：\3）：可用的宏和写法见 README 的“手写页面可用的宏”"),
]
_MKDOCS_WORDS = [(re.compile(pattern), words) for pattern, words in _MKDOCS_LINES]
_LEVEL_WORDS = {logging.WARNING: "警告：", logging.ERROR: "错误："}


class ChineseLog(logging.Filter):
    """MkDocs' lines through _MKDOCS_WORDS, with 警告：/错误： for their level; lines not in the
    list pass unchanged (a plugin's own, already Chinese)."""

    def __init__(self, docs: str = "") -> None:
        super().__init__()
        self.docs = docs

    def filter(self, record: logging.LogRecord) -> bool:
        text = re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", record.getMessage())
        if text.startswith("A 'dirty' build"):  # intended: see serve()
            return False
        for pattern, words in _MKDOCS_WORDS:
            if pattern.fullmatch(text):
                text = pattern.sub(words.replace("{docs}", self.docs) if isinstance(words, str) else words, text)
                break
        level = "" if text.startswith(("警告：", "错误：")) else _LEVEL_WORDS.get(record.levelno, "")  # a line that says its own
        record.msg, record.args = level + text, None
        return True


def _log_in_chinese(project: Project, fmt: str, level: int) -> None:
    """MkDocs' logger, through ChineseLog, to stderr (once: a second build in the process replaces
    the handler instead of printing every line twice)."""
    mk = logging.getLogger("mkdocs")
    for h in [h for h in mk.handlers if getattr(h, "portal", False)]:
        mk.removeHandler(h)
    handler = logging.StreamHandler()
    handler.portal = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(fmt, "%H:%M:%S"))
    handler.addFilter(ChineseLog(project.display(project.docs_dir) + "/"))
    mk.addHandler(handler)
    mk.setLevel(level)
    mk.propagate = False


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def stop_as_on_ctrl_c() -> None:
    """Make SIGTERM (`kill`, a service manager, a cancelled CI job) end the command as Ctrl-C does.
    Python's default ends the process on the spot, leaving a half-built `.site-building-*` folder,
    a Pagefind process that runs on, and the preview's copy of the whole site in /tmp."""
    signal.signal(signal.SIGTERM, _interrupt)


def serve(project: Project, dev_addr: str) -> int:
    from mkdocs.commands.serve import serve as mkdocs_serve

    os.chdir(project.root)
    _log_in_chinese(project, "%(asctime)s %(message)s", logging.INFO)
    logging.getLogger("mkdocs.plugins.mkdocs_macros").setLevel(logging.WARNING)  # its start-up inventory, every rebuild

    plugin_cases = project.cases_dir if project.cases_dir != project.root / "cases" else None
    from .mkdocs_plugin import PortalPlugin

    PortalPlugin.cases_override = plugin_cases
    # dirty: after the first build only changed pages are rebuilt (see PortalPlugin._skip_unchanged)
    mkdocs_serve(config_file=str(project.root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True,
                 build_type="dirty", watch_theme=True)
    return 0
