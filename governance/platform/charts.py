"""Small server-rendered SVG charts: no JavaScript library, nothing fetched at run time."""

import datetime as dt
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    title: str


def daily_bars(counts: dict[dt.date, int], *, days: int, today: dt.date) -> list[Bar]:
    """One bar per day of the last `days` days, zeros included, oldest first."""
    first = today - dt.timedelta(days=days - 1)
    bars = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        value = counts.get(day, 0)
        bars.append(Bar(label=day.strftime("%d %b"), value=value,
                        title=f"{day.isoformat()}: {value}"))
    return bars


def bar_chart_svg(bars: list[Bar], *, title: str, width: int = 720, height: int = 180) -> str:
    """An accessible bar chart: role=img with a title, and a <title> tooltip per bar."""
    peak = max((bar.value for bar in bars), default=0) or 1
    plot_h = height - 30
    step = width / max(len(bars), 1)
    parts = [f'<svg class="bar-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" preserveAspectRatio="none">',
             f"<title>{escape(title)}</title>"]
    for i, bar in enumerate(bars):
        h = round(plot_h * bar.value / peak, 1)
        x = round(i * step + step * 0.15, 1)
        parts.append(
            f'<rect x="{x}" y="{plot_h - h}" width="{round(step * 0.7, 1)}" height="{h}" '
            f'class="bar"><title>{escape(bar.title)}</title></rect>')
        if len(bars) <= 16 or i % max(len(bars) // 8, 1) == 0:
            parts.append(f'<text x="{x}" y="{height - 8}" class="axis">'
                         f"{escape(bar.label)}</text>")
    parts.append(f'<text x="4" y="12" class="axis">max {peak}</text></svg>')
    return "".join(parts)
