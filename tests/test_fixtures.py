"""Every broken fixture yields its expected code at its expected line, and nothing else fails."""
import re
from pathlib import Path

import pytest

from generator.check import check_paths, load_catalogs, record_files
from tests.conftest import FIXTURES, ROOT, TODAY

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())
CATALOGS = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")


def expectations(folder: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for f in sorted(folder.rglob("*.y*ml")):
        head = f.read_bytes().split(b"\n", 1)[0].decode("ascii")
        m = re.match(r"# expect: (\w+)(?: (\d+))?", head)
        assert m, f"{f} lacks an '# expect:' header"
        if m.group(1) != "none":
            out[str(f)] = (m.group(1), int(m.group(2)))
    return out


def test_fixture_folder_covers_every_code():
    codes = {p.name.split("-")[0] for p in BROKEN}
    for code in ["E001", "E002", "E003", "E004", "E005", "E101", "E102", "E103", "E104", "E105", "E106",
                 "E201", "E202", "E203", "E204", "E205", "E206", "E301", "E302", "E303", "E304", "E305",
                 "E306", "E401", "W301", "N002", "N003"]:
        assert code in codes


@pytest.mark.parametrize("folder", BROKEN, ids=lambda p: p.name)
def test_broken_fixture(folder: Path):
    expected = expectations(folder)
    assert expected
    result = check_paths(record_files(folder), CATALOGS, TODAY)
    got = {(d.path, d.code, d.line) for d in result.diagnostics}
    for path, (code, line) in expected.items():
        assert (path, code, line) in got, f"expected {code} at line {line} in {path}; got {sorted(got)}"
    # one defect each: no other code fails the record
    wanted = {code for code, _ in expected.values()}
    others = {d.code for d in result.diagnostics if d.severity != "note"} - wanted
    assert not others, [d.format() for d in result.diagnostics]
    # a record with an error is never among the publishable records (a warning or note does not block)
    if any(code.startswith("E") for code in wanted):
        assert not {r.path for r in result.records} & set(expected)


def test_catalogs_of_the_demo_are_valid():
    assert CATALOGS.ok and len(CATALOGS.regions) >= 15 and len(CATALOGS.circumstances) >= 10
