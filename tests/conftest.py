import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 11, 29)

# The build date is an input: pin it so scheduled/future-date rules are reproducible.
os.environ["PORTAL_TODAY"] = TODAY.isoformat()


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A private copy of the demo project (records, content, config) to modify freely."""
    dest = tmp_path / "proj"
    dest.mkdir()
    for name in ("cases", "content", "theme"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    for name in ("mkdocs.yml",):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    return dest


def base_record() -> str:
    return (FIXTURES / "base.yaml").read_text(encoding="utf-8")
