"""One function per command that runs the stages: load → check → render → (engine) write."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .cache import CheckCache
from .check import CheckResult, check_paths, load_catalogs, record_files
from .diagnostics import Diagnostic, sort_diagnostics
from .load import iter_record_files, real_path
from .project import Project


def _expand(paths: Sequence[str]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    files: list[tuple[Path, str]] = []
    missing: list[Diagnostic] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in iter_record_files(p):
                files.append((f, str(Path(given) / f.relative_to(p))))
        elif p.exists() or p.is_symlink():
            files.append((p, given))
        else:
            missing.append(Diagnostic.make(given, 1, 1, "E001", "文件不存在：请检查路径"))
    return files, missing


def _cache(project: Project, confine_to: Path | None) -> CheckCache:
    """Per-file results depend on the catalogs, the build date and the folder records are held to
    (the whole cases/ folder, or none for files named on the command line: two caches)."""
    context = [project.today.isoformat().encode(), str(confine_to).encode()]
    for catalog in (project.regions_path, project.circumstances_path):
        try:
            context.append(catalog.read_bytes())
        except OSError:
            context.append(b"missing")
    return CheckCache.for_folder(project.cases_dir, context, "check" if confine_to else "check-files")


def run_check(project: Project, paths: Sequence[str] = ()) -> CheckResult:
    catalogs = load_catalogs(project.regions_path, project.circumstances_path, lambda p: project.display(p))
    every = record_files(project.cases_dir, project.display)
    if not paths:
        return check_paths(every, catalogs, project.today, confine_to=project.cases_dir,
                           cache=_cache(project, project.cases_dir))
    files, missing = _expand(paths)
    catalog_files = {real_path(project.regions_path), real_path(project.circumstances_path)}
    files = [(p, d) for p, d in files if real_path(p) not in catalog_files]  # catalogs are always checked
    # the other records are only the context of cross-record checks, taken from (and, the first
    # time, put into) the whole folder's cache: a later `portal check` or build finds them there
    result = check_paths(files, catalogs, project.today, context_files=every, cache=_cache(project, None),
                         context_cache=_cache(project, project.cases_dir), context_confine=project.cases_dir)
    result.diagnostics = sort_diagnostics(result.diagnostics + missing)
    return result


