"""The package type-checks (mypy, configured in pyproject.toml): the type hints on public functions
are checked, not only written. Before this test the package had 46 findings (51 with
check_untyped_defs), among them dates that may be missing used as dates (disclosure.published:
model.Case.published_on now says why it is there)."""
import subprocess
import sys

from tests.conftest import ROOT


def test_the_package_type_checks(tmp_path):
    r = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues found" in r.stdout


def test_a_type_error_is_found(tmp_path):
    """The check itself can fail: the same configuration on a module with a wrong type."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f(x: int) -> str:\n    return x\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), str(bad)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 1 and "Incompatible return value type" in r.stdout, r.stdout + r.stderr
