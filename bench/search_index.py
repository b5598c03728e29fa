"""Child process for the benchmark: the search documents of a project indexed by Pagefind on its
own (the build's binary, documents and flags), with Pagefind's phases: when each began, by its
own --verbose lines, and its resident memory sampled meanwhile (where the peak is). Prints JSON:
seconds, peak MiB, records, phases [[name, seconds, peak MiB], ...]."""
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generator.check import check_paths, load_catalogs, record_files
from generator.index import search_records
from generator.mkdocs_plugin import PagefindJob, _search_document, pagefind_binary, scratch_folder
from generator.project import Project

# Pagefind 1.6.0's --verbose lines that open each phase; the last one ends the run
PHASES = [("reading documents", "[Parsing files]"), ("languages", "[Reading languages]"),
          ("building the index", "[Building search indexes]"), ("writing (gzip)", "Total:")]

project = Project.find(root=Path(sys.argv[1]))
out = Path(sys.argv[2])
cat = load_catalogs(project.regions_path, project.circumstances_path)
result = check_paths(record_files(project.cases_dir), cat, project.today)
records = search_records(result.records, cat, project.today)
docs = [(r.url.strip("/"), _search_document(r).encode()) for r in records]
folder = Path(tempfile.mkdtemp(prefix="bench-search-", dir=scratch_folder(docs)))
try:
    for url, doc in docs:
        (folder / url).mkdir(parents=True, exist_ok=True)
        (folder / url / "index.html").write_bytes(doc)
    cmd = [str(pagefind_binary()), "--site", str(folder), "--output-path", str(out), *PagefindJob.FLAGS, "--verbose"]
    samples: list[tuple[float, float]] = []  # (seconds, resident MiB)
    began: dict[str, float] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")

    def sample() -> None:
        while proc.poll() is None:
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
                samples.append((time.perf_counter() - t0, kib / 1024))
            except (OSError, StopIteration, ValueError):
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    for line in proc.stdout:  # Rust's stdout is line-buffered: each line arrives as it is said
        for name, marker in PHASES:
            if marker in line and name not in began:
                began[name] = time.perf_counter() - t0
    code = proc.wait()
    seconds = time.perf_counter() - t0
    sampler.join()
    if code:
        raise SystemExit(f"pagefind failed with {code}")
finally:
    shutil.rmtree(folder, ignore_errors=True)

phases = []
starts = [(name, began[name]) for name, _ in PHASES if name in began] + [("end", seconds)]
for (name, start), (_, end) in zip(starts, starts[1:]):
    peak = max((mib for t, mib in samples if start <= t <= end), default=0.0)
    phases.append([name, end - start, peak])
print(json.dumps({"seconds": seconds, "records": len(records), "phases": phases,
                  "peak_mib": max((mib for _, mib in samples), default=0.0)}))
