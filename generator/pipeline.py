"""One function per command that runs the stages: load → check → render → (engine) write."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .check import CheckResult, check_paths, load_catalogs, record_files
from .diagnostics import Diagnostic, sort_diagnostics
from .load import iter_record_files
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


def run_check(project: Project, paths: Sequence[str] = ()) -> CheckResult:
    catalogs = load_catalogs(project.regions_path, project.circumstances_path, lambda p: project.display(p))
    every = record_files(project.cases_dir, project.display)
    if not paths:
        return check_paths(every, catalogs, project.today, confine_to=project.cases_dir)
    files, missing = _expand(paths)
    catalog_files = {project.regions_path.resolve(), project.circumstances_path.resolve()}
    files = [(p, d) for p, d in files if p.resolve() not in catalog_files]  # catalogs are always checked
    result = check_paths(files, catalogs, project.today, context_files=every)
    result.diagnostics = sort_diagnostics(result.diagnostics + missing)
    return result


