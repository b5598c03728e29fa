"""The `portal` command. The only place (with the MkDocs adapter) that turns diagnostics into exit codes."""
from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Iterator, NoReturn, Sequence

from .diagnostics import summary_line, to_json
from .model import json_schema
from .parallel import jobs_setting
from .pipeline import run_check
from .project import Project


# argparse's own words (usage, help, errors) in Chinese. argparse looks its `_` up on every call,
# so it is swapped only while the parser is built and used (main), never for the process: pytest
# and others in the same interpreter keep theirs. A message not listed stays as it is.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选 %(choices)s）",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可能是 %(matches)s",
}


@contextlib.contextmanager
def _chinese_argparse() -> Iterator[None]:
    own = argparse._  # type: ignore[attr-defined]  # argparse's gettext, not in its stubs
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, own(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = own  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors: exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"portal：用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def cmd_check(args: argparse.Namespace, project: Project) -> int:
    result = run_check(project, args.paths)
    if args.format == "json":
        print(to_json(result.diagnostics, result.files))
    else:
        for d in result.diagnostics:
            print(d.format())
        print(summary_line(result.diagnostics, result.record_files, result.catalog_files), file=sys.stderr)
    if result.errors or (args.strict and result.warnings):
        return 1
    return 0


def cmd_schema(args: argparse.Namespace, project: Project) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_build(args: argparse.Namespace, project: Project) -> int:
    from .build import build_site, stop_as_on_ctrl_c

    stop_as_on_ctrl_c()
    return build_site(project, site_dir=Path(args.site_dir) if args.site_dir else None, strict=args.strict,
                      ends_process=True)


def cmd_new(args: argparse.Namespace, project: Project) -> int:
    from .template import new_record

    return new_record(project, args)


def cmd_serve(args: argparse.Namespace, project: Project) -> int:
    from .build import serve, stop_as_on_ctrl_c

    stop_as_on_ctrl_c()
    return serve(project, args.dev_addr)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="portal", description="容错纠错案例公开平台：检查记录、生成网站")
    common = _Parser(add_help=False)
    common.add_argument("--cases", metavar="DIR", help="案例记录所在目录（默认：项目的 cases/）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("check", parents=[common], help="检查案例记录和目录")
    p.add_argument("paths", nargs="*", metavar="PATH", help="要检查的文件或目录（默认：全部）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.add_argument("--strict", action="store_true", help="警告也视为失败")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", parents=[common], help="检查并生成整个网站")
    p.add_argument("--site-dir", metavar="DIR", help="网站输出目录（默认：mkdocs.yml 的 site_dir）")
    p.add_argument("--strict", action="store_true", help="警告也视为失败")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("new", parents=[common], help="新建一条案例记录")
    p.add_argument("--kind", choices=("容错", "澄清"), help="案例类型")
    p.add_argument("--region", help="地区，regions.yaml 中的 name")
    p.add_argument("--title", help="标题")
    p.add_argument("--year", type=int, help="编号中的年份（默认：今年）")
    p.add_argument("--prefix", help="编号前缀，如 XA")
    p.add_argument("--domain", help="领域，如 招商引资")
    p.add_argument("--outcome", help="结果（容错类），如 免予问责")
    p.add_argument("--circumstance", help="容错情形的 id（容错类），如 先行先试")
    p.add_argument("--modeline", action="store_true", help="在文件首行写入编辑器用的 JSON Schema 声明")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("serve", parents=[common], help="本地预览，修改后自动重建")
    p.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="地址和端口（默认 127.0.0.1:8000）")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("schema", parents=[common], help="输出案例记录的 JSON Schema")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with _chinese_argparse():
        args = make_parser().parse_args(argv)
    try:
        jobs_setting()
        project = Project.find(cases=args.cases)
    except ValueError as e:  # a malformed PORTAL_TODAY or PORTAL_JOBS
        print(f"portal：配置错误：{e}", file=sys.stderr)
        return 2
    # `portal check FILE` needs no cases folder: there it is only the context of cross-record checks
    whole = args.command in ("build", "serve") or (args.command == "check" and not args.paths)
    problem = project.cases_problem() if whole else None
    if problem:
        print(f"portal：{problem}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, project) or 0)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM for build and serve (see stop_as_on_ctrl_c)
        print("portal：已中断（已有的网站目录未改动）。" if args.command == "build" else "portal：已中断。", file=sys.stderr)
        return 130


def console_main() -> NoReturn:
    """The `portal` command: main(), then the exit handlers (the one that stops a Pagefind left
    running among them) and an immediate exit. Python's own exit would first free every object
    one by one: 1.6 s after a build of 10,000 cases, for nothing, as the system frees the
    process's memory at once."""
    code = main()
    atexit._run_exitfuncs()  # what a normal exit runs first (logging's flush, multiprocessing's clean-up)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`portal check | head`) or stream
            pass
    os._exit(code)


if __name__ == "__main__":
    console_main()
