"""Stage 4 (statistics): the figures of the public cases and their charts, engine-agnostic.

Only public, already-published records are counted (the Site holds no others), so an internal
record never shows up in a count. Charts are static SVG drawn here at build time: no chart
script, colours from the theme's CSS variables (light and dark mode), and every chart is
followed on the page by a table with the same figures.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from markupsafe import escape

from . import model


@dataclass(frozen=True)
class Table:
    key: str  # anchor and element ids
    title: str  # 按地区
    column: str  # header of the label column
    rows: tuple[tuple[str, int], ...]
    note: str = ""  # how to read it (one case may count more than once, say)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.rows)


@dataclass(frozen=True)
class Stats:
    total: int
    tolerance: int
    clearing: int
    people: int
    typical: int
    with_follow_up: int
    median_days_to_decision: float | None  # first process step → decision
    median_days_to_publication: float | None  # decision → publication
    tables: tuple[Table, ...]

    @staticmethod
    def share(part: int, whole: int) -> str:
        return f"{part / whole * 100:.1f}%" if whole else "—"

    @property
    def typical_share(self) -> str:
        return self.share(self.typical, self.total)

    @property
    def follow_up_share(self) -> str:
        return self.share(self.with_follow_up, self.total)


def _count(cases: Iterable[model.Case], key: Callable[[model.Case], Iterable[str]],
           order: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Counts in the catalog's or enumeration's own order, zeros included (a region without a
    case is a figure too)."""
    counts: Counter[str] = Counter()
    for c in cases:
        counts.update(key(c))
    return tuple((k, counts.get(k, 0)) for k in order)


def _years(cases: Iterable[model.Case], year: Callable[[model.Case], int]) -> tuple[tuple[str, int], ...]:
    """Every year from the first to the last, a year without cases as 0 (a gap is a figure too)."""
    counts = Counter(year(c) for c in cases)
    span = range(min(counts), max(counts) + 1) if counts else range(0)
    return tuple((f"{y}年", counts.get(y, 0)) for y in span)


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def compute(cases: list[model.Case], regions: Iterable[str], circumstances: Iterable[str]) -> Stats:
    tolerance = [c for c in cases if c.kind == "容错"]
    persons = [c for c in cases if c.subject.type == "个人"]
    tables = (
        Table("decided", "按认定年份", "年份", _years(cases, lambda c: c.result.decided.year)),
        Table("published", "按公开年份", "年份", _years(cases, lambda c: c.published_on.year)),
        Table("kind", "按类型", "类型", _count(cases, lambda c: ["容错纠错" if c.kind == "容错" else "澄清正名"],
                                                 ("容错纠错", "澄清正名"))),
        Table("region", "按地区", "地区", _count(cases, lambda c: [c.region], regions)),
        Table("domain", "按领域", "领域", _count(cases, lambda c: [c.event.domain], model.DOMAINS)),
        Table("circumstance", "按容错情形", "容错情形",
              _count(tolerance, lambda c: c.reason.circumstances or [], circumstances),
              note="只统计容错纠错案例；一件案例可能适用多个情形，各情形分别计数。"),
        Table("outcome", "按结果", "结果", _count(cases, lambda c: [c.result.outcome], model.OUTCOMES)),
        Table("unit_type", "按单位性质", "单位性质", _count(cases, lambda c: [c.subject.unit_type], model.UNIT_TYPES)),
        Table("rank", "按职级", "职级", _count(persons, lambda c: [c.subject.rank or "其他"], model.RANKS),
              note="只统计对象为个人的案例；对象为集体的案例不分职级。"),
    )
    return Stats(
        total=len(cases), tolerance=len(tolerance), clearing=len(cases) - len(tolerance),
        people=sum(c.subject.count for c in cases),
        typical=sum(1 for c in cases if c.typical),
        with_follow_up=sum(1 for c in cases if c.follow_ups),
        median_days_to_decision=_median([(c.result.decided - c.process.steps[0].date).days for c in cases]),
        median_days_to_publication=_median([(c.published_on - c.result.decided).days for c in cases]),
        tables=tables,
    )


def days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g} 天"


# ---- charts ----
ROW = 30  # px per bar
CHAR = 16  # px per CJK character of a label at the chart's font size (15px)
BAR_MAX = 240


def _width(label: str) -> int:
    return sum(CHAR if ord(ch) > 0x2E7F else CHAR // 2 + 1 for ch in label)


def bar_chart(table: Table) -> str:
    """Horizontal bars, one per row, with the label on the left and the figure at the bar's end.
    The SVG scales to the column width; text uses the page's font and colours."""
    label_w = max([_width(label) for label, _ in table.rows] + [4 * CHAR]) + 12
    top = max([n for _, n in table.rows] + [1])
    width = label_w + BAR_MAX + 60
    height = ROW * len(table.rows) + 8
    title_id = f"chart-{table.key}-title"
    parts = [f'<svg class="portal-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{title_id}">{escape(table.title)}的柱状图，数字见下表</title>']
    for i, (label, n) in enumerate(table.rows):
        y = 4 + i * ROW
        bar = round(BAR_MAX * n / top) if n else 0
        parts.append(
            f'<text class="portal-chart-label" x="{label_w - 8}" y="{y + ROW / 2 + 5:g}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="portal-chart-bar" x="{label_w}" y="{y + 5}" width="{max(bar, 1) if n else 0}" height="{ROW - 10}" rx="2"/>'
            f'<text class="portal-chart-value" x="{label_w + bar + 6}" y="{y + ROW / 2 + 5:g}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)
