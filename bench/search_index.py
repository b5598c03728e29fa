"""Child process for the benchmark: render the search records of a project and index them with
Pagefind, then print seconds and peak memory (this process and the Pagefind binary)."""
import json
import resource
import sys
import time
from pathlib import Path

from generator.check import check_paths, load_catalogs, record_files
from generator.index import search_records
from generator.mkdocs_plugin import write_pagefind
from generator.project import Project
from generator.render import Site

project = Project.find(root=Path(sys.argv[1]))
out = Path(sys.argv[2])
cat = load_catalogs(project.regions_path, project.circumstances_path)
result = check_paths(record_files(project.cases_dir), cat, project.today)
records = search_records(Site([r.case for r in result.records], cat, project.today))
t = time.perf_counter()
write_pagefind(records, out)
print(json.dumps({"seconds": time.perf_counter() - t, "records": len(records),
                  "pagefind_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "python_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
