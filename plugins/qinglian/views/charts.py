"""Bar charts drawn as SVG when the site is built: no script, no request, printable.

Each chart comes with the same figures as a table, for screen readers and for anyone who
would rather read numbers than bars.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..structure.document import Document

ROW_HEIGHT = 28
BAR_AREA = 380
VALUE_WIDTH = 50
# The labels are set at 16 px; a Chinese character is about as wide as it is high.
CHARACTER_WIDTH = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    # Where the bar ends, in the SVG's own units.
    length: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart; ``key`` makes its element ids unique on the page."""

    key: str
    title: str
    unit: str
    bars: tuple[Bar, ...]

    @property
    def label_width(self) -> int:
        return max(len(bar.label) for bar in self.bars) * CHARACTER_WIDTH + 16

    @property
    def width(self) -> int:
        return self.label_width + BAR_AREA + VALUE_WIDTH

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars) + 8

    @property
    def row_height(self) -> int:
        return ROW_HEIGHT

    @property
    def summary(self) -> str:
        return "；".join(f"{bar.label} {bar.value} {self.unit}" for bar in self.bars)


def bar_chart(key: str, title: str, unit: str, rows: Iterable[tuple[str, int]]) -> BarChart | None:
    rows = [(label, value) for label, value in rows]
    if not rows or not any(value for _, value in rows):
        return None
    largest = max(value for _, value in rows)
    return BarChart(key, title, unit, tuple(Bar(label, value, BAR_AREA * value / largest) for label, value in rows))


def case_charts(cases: list[Document], disciplines: tuple[str, ...]) -> list[BarChart]:
    """Cases by the discipline they broke and by year."""
    by_discipline = Counter(case.fields["discipline"] for case in cases)
    by_year = Counter(case.year for case in cases)
    charts = [
        bar_chart("cases-discipline", "案例按违反的纪律分类", "个", [(name, by_discipline[name]) for name in disciplines]),
        bar_chart("cases-year", "案例按年份分布", "个", [(f"{year}年", by_year[year]) for year in sorted(by_year)]),
    ]
    return [chart for chart in charts if chart is not None]
