"""Benchmark (not a test): prints figures, compares steps as ratios within one run.

    N=10000 python bench/bench.py

Times `check` over N synthetic records against the floor of bare C YAML parsing of the same files.
"""
from __future__ import annotations

import gc
import os
import resource
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generator.check import check_paths, load_catalogs, record_files  # noqa: E402
from generator.project import build_date  # noqa: E402
from synth import write_records  # noqa: E402


def timed(fn, repeat: int = 1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    n = int(os.environ.get("N", "1000"))
    repeat = int(os.environ.get("REPEAT", "3"))
    out = ROOT / "bench" / "out"
    catalogs = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
    regions = [r.name for r in catalogs.regions]
    circs = [c.id for c in catalogs.circumstances]
    cases = out / "cases"
    t0 = time.perf_counter()
    paths = write_records(cases, n, regions, circs)
    size = sum(p.stat().st_size for p in paths)
    print(f"N = {n} synthetic records, {size / n / 1024:.1f} KiB each, written in {time.perf_counter() - t0:.1f} s")

    def bare_parse():
        return [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in sorted(paths)]

    def check():
        return check_paths(record_files(cases), catalogs, build_date())

    t_parse, _ = timed(bare_parse, repeat)
    t_check, result = timed(check, repeat)
    assert result.errors == 0, [d.format() for d in result.diagnostics[:5]]
    assert len(result.records) == n
    print(f"{'step':<28}{'seconds':>10}{'ratio':>8}")
    print(f"{'bare CSafeLoader parse':<28}{t_parse:>10.2f}{1:>8.2f}")
    print(f"{'portal check':<28}{t_check:>10.2f}{t_check / t_parse:>8.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (best of {repeat})")


if __name__ == "__main__":
    main()
