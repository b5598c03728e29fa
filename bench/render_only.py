"""Child process for the benchmark: check, then render every page of a project (no MkDocs)."""
import sys
import time
from pathlib import Path

from generator.pipeline import run_check
from generator.project import Project
from generator.render import render_site

project = Project.find(root=Path(sys.argv[1]))
t = time.perf_counter()
result = run_check(project)
t_check = time.perf_counter() - t
site, pages = render_site([r.case for r in result.records], result.catalogs, project.today)
print(f"{t_check:.3f} {time.perf_counter() - t - t_check:.3f} {len(pages)}")
