"""The staff guide (docs/staff-guide.md) explains every diagnostic code, and its examples are
true: each wrong snippet, laid over a valid record, produces its code; each right one passes."""
import re

import pytest
import yaml

from generator.check import check_paths, load_catalogs, record_files
from generator.diagnostics import CODES
from tests.conftest import ROOT, TODAY, base_record

GUIDE = (ROOT / "docs/staff-guide.md").read_text(encoding="utf-8")
CAT = load_catalogs(ROOT / "content/data/regions.yaml", ROOT / "content/data/circumstances.yaml")
# codes about files or several records rather than fields: their examples are prose, not a snippet to lay over a record
FILE_LEVEL = {"E001", "E002", "E003", "E004", "E005", "E201", "E202", "N002"}


def sections() -> dict[str, str]:
    parts = re.split(r"^### ([EWN]\d{3}) ", GUIDE, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def overlay(base: dict, snippet: dict) -> dict:
    out = dict(base)
    for k, v in snippet.items():
        out[k] = overlay(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def codes_of(snippet: dict, tmp_path) -> set[str]:
    record = overlay(yaml.safe_load(base_record()), snippet)
    (tmp_path / "XA-2024-001.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return {d.code for d in check_paths(record_files(tmp_path), CAT, TODAY).diagnostics}


def test_every_code_has_a_section_with_examples():
    found = sections()
    assert sorted(found) == sorted(CODES)
    for code, text in found.items():
        yaml_blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
        if code in FILE_LEVEL:
            assert "```text" in text and "错误" in text and "正确" in text, code
        else:
            assert len(yaml_blocks) == 2, code


@pytest.mark.parametrize("code", sorted(set(CODES) - FILE_LEVEL))
def test_wrong_example_gives_its_code_and_right_example_passes(code, tmp_path):
    wrong, right = re.findall(r"```yaml\n(.*?)```", sections()[code], re.S)
    assert wrong.startswith("# 错误") and right.startswith("# 正确")
    assert code in codes_of(yaml.safe_load(wrong), tmp_path)
    assert codes_of(yaml.safe_load(right), tmp_path) == set()
