"""The project's parts and the build date."""
import datetime as dt
import os
import subprocess
import sys

from generator.project import build_date
from tests.conftest import ROOT


def test_the_build_date_is_the_day_in_china(monkeypatch):
    monkeypatch.delenv("PORTAL_TODAY", raising=False)
    # 17:00 UTC on 1 March is 01:00 on 2 March in Beijing: a case published on 2 March is due
    evening = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.timezone.utc)
    assert build_date(evening) == dt.date(2026, 3, 2)
    assert build_date(dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.timezone.utc)) == dt.date(2026, 3, 1)


def test_the_machines_time_zone_does_not_move_the_build_date():
    """A CI runner in UTC (or anywhere) builds with the date in China; the two zones below are a
    day apart from each other at every moment."""
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_TODAY"}
    code = "from generator.project import build_date; print(build_date())"
    seen = set()
    for zone in ("Etc/GMT+12", "Etc/GMT-14", "UTC"):
        out = subprocess.run([sys.executable, "-c", code], env={**env, "TZ": zone}, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        seen.add(out)
    china = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    assert seen == {china}, seen  # (fails only if Beijing's midnight falls between these lines)


def test_portal_today_fixes_the_build_date(monkeypatch):
    monkeypatch.setenv("PORTAL_TODAY", "2024-05-06")
    assert build_date() == dt.date(2024, 5, 6)
