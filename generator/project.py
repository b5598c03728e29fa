"""Where a portal project keeps its parts (like mkdocs: the project in the current directory)."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml may carry !!python/name and !ENV tags meant for MkDocs; we only read plain keys."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


# The dates of a record are days in China (UTC+8 all year: no daylight saving time)
CHINA = dt.timezone(dt.timedelta(hours=8), "北京时间")


def build_date(now: dt.datetime | None = None) -> dt.date:
    """The build date: PORTAL_TODAY (YYYY-MM-DD) for reproducible builds and tests, else today in
    China, whatever the machine's time zone: a build in a UTC container (most CI runners) between
    00:00 and 08:00 Beijing time took the day before, and a case to be published that day stayed
    hidden until the next build."""
    value = os.environ.get("PORTAL_TODAY")
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # Python's own words are English ("month must be in 1..12")
            raise ValueError(f"PORTAL_TODAY 应为 YYYY-MM-DD 格式的日期，现为 “{value}”") from None
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(CHINA).date()


@dataclass
class Project:
    root: Path
    cases_dir: Path
    docs_dir: Path
    site_dir: Path
    today: dt.date
    config: dict[str, Any]

    @property
    def regions_path(self) -> Path:
        return self.docs_dir / "data" / "regions.yaml"

    @property
    def circumstances_path(self) -> Path:
        return self.docs_dir / "data" / "circumstances.yaml"

    def cases_problem(self) -> str | None:
        """A cases folder that does not exist is a mistyped --cases or `cases:` option, not an
        empty archive: checking it passed with 0 records, and building replaced the published
        site with an empty one."""
        if self.cases_dir.is_dir():
            return None
        return (f"案例目录 {self.display(self.cases_dir)} 不存在或不是目录：请检查 --cases 或 mkdocs.yml 中 portal 插件的 cases 设置"
                "（还没有案例时，请建立这个空目录；git 不保存空目录，可在其中放一个 .gitkeep 文件）")

    def display(self, path: Path) -> str:
        """Paths in messages are relative to where the command ran, as staff typed them."""
        cwd, text = os.getcwd(), str(path)
        if text.startswith(cwd + os.sep):  # the usual case, without relpath's work per file
            return text[len(cwd) + 1:]
        try:
            return os.path.relpath(path, cwd)
        except ValueError:
            return text

    @classmethod
    def find(cls, root: Path | None = None, cases: str | None = None, today: dt.date | None = None,
             config_file: Path | None = None) -> "Project":
        """config_file: the one MkDocs was given (`mkdocs build -f other.yml`), else root/mkdocs.yml."""
        root = (root or Path.cwd()).resolve()
        config: dict[str, Any] = {}
        cfg_file = config_file or root / "mkdocs.yml"
        if cfg_file.is_file():
            try:
                loaded = yaml.load(cfg_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
                config = loaded if isinstance(loaded, dict) else {}
            except (yaml.YAMLError, OSError, UnicodeDecodeError):
                config = {}
        options = plugin_options(config)
        cases_dir = Path(cases) if cases else root / str(options.get("cases", "cases"))
        return cls(
            root=root,
            cases_dir=cases_dir.resolve() if cases else cases_dir,
            docs_dir=root / str(config.get("docs_dir", "content")),
            site_dir=root / str(config.get("site_dir", "site")),
            today=today or build_date(),
            config=config,
        )


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    for entry in config.get("plugins", []) or []:
        if isinstance(entry, dict) and "portal" in entry:
            return entry["portal"] or {}
    return {}
