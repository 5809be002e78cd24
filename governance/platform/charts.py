"""Small server-rendered SVG charts: no JavaScript library, nothing fetched at run time."""

import datetime as dt
import math
from dataclasses import dataclass
from html import escape

from django.utils.formats import date_format


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
        # The reader's locale names the day (month names, order), not a fixed English form.
        bars.append(Bar(label=date_format(day, "SHORT_DATE_FORMAT"), value=value,
                        title=f"{date_format(day, 'DATE_FORMAT')}: {value}"))
    return bars


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^n at or above `value` (a readable top of the y axis)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def bar_chart_svg(bars: list[Bar], *, title: str, x_label: str = "", y_label: str = "",
                  legend: str = "", maximum: float | None = None, show_values: bool = False,
                  width: int = 720, height: int = 240) -> str:
    """An accessible bar chart readable without script: a visible title, a y axis with
    ticks and its label, an x axis with its label, a legend naming the series, role=img with
    the title, and a <title> tooltip per bar. The y axis runs to `maximum` when the scale is
    fixed (a score out of 100), else to a round number above the tallest bar. `show_values`
    writes each value above its bar; a bar whose value is None (nothing measured) is drawn as
    a dash, not as zero."""
    left, right, top, bottom = 48, 12, 34, 44 if x_label else 26
    step = (width - left - right) / max(len(bars), 1)
    # Category names longer than their bar's width are slanted (and given room below).
    slanted = any(len(bar.label) * 6 > step for bar in bars) and len(bars) <= 16
    if slanted:
        bottom += 50
        height += 50
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [bar.value for bar in bars if bar.value is not None]
    peak = maximum or _nice_ceiling(max(values, default=0))
    parts = [f'<svg class="bar-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<text x="{left}" y="16" class="chart-title">{escape(title)}</text>']
    for i in range(5):  # y ticks and grid lines: 0, ¼, ½, ¾ and the top
        value = peak * i / 4
        y = round(top + plot_h - plot_h * i / 4, 1)
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 3}" text-anchor="end" class="axis">'
                     f"{value:g}</text>")
    for i, bar in enumerate(bars):
        x = round(left + i * step + step * 0.15, 1)
        centre = round(left + i * step + step / 2, 1)
        if bar.value is None:
            parts.append(f'<text x="{centre}" y="{top + plot_h - 4}" text-anchor="middle" '
                         f'class="axis">–<title>{escape(bar.title)}</title></text>')
        else:
            h = round(plot_h * min(bar.value, peak) / peak, 1)
            parts.append(
                f'<rect x="{x}" y="{round(top + plot_h - h, 1)}" width="{round(step * 0.7, 1)}" '
                f'height="{h}" class="bar"><title>{escape(bar.title)}</title></rect>')
            if show_values:
                parts.append(f'<text x="{centre}" y="{round(top + plot_h - h - 4, 1)}" '
                             f'text-anchor="middle" class="axis">{bar.value:g}</text>')
        if slanted:
            parts.append(f'<text x="{centre}" y="{top + plot_h + 14}" text-anchor="end" '
                         f'transform="rotate(-30 {centre} {top + plot_h + 14})" class="axis">'
                         f"{escape(bar.label)}</text>")
        elif len(bars) <= 16 or i % max(len(bars) // 8, 1) == 0:
            parts.append(f'<text x="{x}" y="{top + plot_h + 14}" class="axis">'
                         f"{escape(bar.label)}</text>")
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" class="axis-line"/>'
                 f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
                 f'y2="{top + plot_h}" class="axis-line"/>')
    if x_label:
        parts.append(f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" '
                     f'class="axis-label">{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text x="12" y="{top + plot_h / 2}" text-anchor="middle" '
                     f'transform="rotate(-90 12 {top + plot_h / 2})" class="axis-label">'
                     f"{escape(y_label)}</text>")
    if legend:
        lx = left + plot_w - 8 - 7 * len(legend) - 18
        parts.append(f'<g class="legend"><rect x="{lx}" y="6" width="12" height="12" '
                     f'class="bar"/><text x="{lx + 18}" y="16" class="axis">'
                     f"{escape(legend)}</text></g>")
    parts.append("</svg>")
    return "".join(parts)


def step_line_svg(values: list[float], *, title: str, x_labels: list[str], y_label: str,
                  legend: str, low: float, high: float, width: int = 480,
                  height: int = 200) -> str:
    """A step line (a value that changes at moments, like a threshold) with a visible title,
    a y axis with ticks and its label, each change labelled on the x axis, and a legend."""
    left, right, top, bottom = 48, 12, 34, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(values) - 1, 1)

    def y(value: float) -> float:
        return round(top + plot_h - (value - low) / (high - low) * plot_h, 1)

    parts = [f'<svg class="line-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<text x="{left}" y="16" class="chart-title">{escape(title)}</text>']
    for i in range(5):
        value = low + (high - low) * i / 4
        parts.append(f'<line x1="{left}" y1="{y(value)}" x2="{left + plot_w}" '
                     f'y2="{y(value)}" class="grid"/><text x="{left - 6}" y="{y(value) + 3}" '
                     f'text-anchor="end" class="axis">{value:.2f}</text>')
    points: list[str] = []
    for i, value in enumerate(values):
        x = round(left + i * step, 1)
        if points:
            points.append(f"{x},{points[-1].split(',')[1]}")
        points.append(f"{x},{y(value)}")
        parts.append(f'<circle cx="{x}" cy="{y(value)}" r="3" class="point"><title>'
                     f"{escape(x_labels[i] if i < len(x_labels) else '')}: {value:g}</title>"
                     f"</circle>")
        if i < len(x_labels):
            anchor = "start" if i == 0 else ("end" if i == len(values) - 1 else "middle")
            parts.append(f'<text x="{x}" y="{top + plot_h + 14}" text-anchor="{anchor}" '
                         f'class="axis">{escape(x_labels[i])}</text>')
    parts.append(f'<polyline fill="none" class="line" points="{" ".join(points)}"/>'
                 f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" class="axis-line"/>'
                 f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
                 f'y2="{top + plot_h}" class="axis-line"/>'
                 f'<text x="12" y="{top + plot_h / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {top + plot_h / 2})" class="axis-label">'
                 f"{escape(y_label)}</text>")
    lx = left + plot_w - 8 - 7 * len(legend) - 22
    parts.append(f'<g class="legend"><line x1="{lx}" y1="12" x2="{lx + 16}" y2="12" '
                 f'class="line"/><text x="{lx + 22}" y="16" class="axis">{escape(legend)}</text>'
                 f"</g></svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


def _log_position(value: float, low: float, high: float, length: float) -> float:
    value = min(max(value, low), high)
    return (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low)) * length


def log_log_curve_svg(points: list[tuple[float, float]], *, title: str, x_label: str,
                      y_label: str, curve_label: str, marker: Point | None = None,
                      low: float = 1e-4, high: float = 1.0, width: int = 640,
                      height: int = 480) -> str:
    """A complete SVG document of one curve on log-log axes (a DET curve, for instance):
    title, labelled axes with decade ticks, legend, and an optional marked point. Values
    below `low` (zeros included) are drawn on the axis's floor. No script; readable as is."""
    left, right, top, bottom = 70, 20, 40, 60
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(x: float, y: float) -> tuple[float, float]:
        return (round(left + _log_position(x, low, high, plot_w), 1),
                round(top + plot_h - _log_position(y, low, high, plot_h), 1))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
             f'font-family="sans-serif" font-size="12">',
             f"<title>{escape(title)}</title>",
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
             f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15" '
             f'font-weight="bold">{escape(title)}</text>',
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
             f'stroke="#444"/>']
    decade = math.floor(math.log10(low))
    while 10 ** decade <= high * 1.0001:
        tick = 10 ** decade
        x, y = xy(tick, tick)
        text = f"{tick:g}"
        parts.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{top + plot_h}" stroke="#ddd"/>'
                     f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#ddd"/>'
                     f'<text x="{x}" y="{top + plot_h + 16}" text-anchor="middle">{text}</text>'
                     f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{text}</text>')
        decade += 1
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 18}" text-anchor="middle">'
                 f"{escape(x_label)}</text>"
                 f'<text x="18" y="{top + plot_h / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 18 {top + plot_h / 2})">{escape(y_label)}</text>')
    line = " ".join("{},{}".format(*xy(x, y)) for x, y in points)
    parts.append(f'<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{line}"/>')
    legend_y = top + 16
    parts.append(f'<line x1="{left + plot_w - 190}" y1="{legend_y}" x2="{left + plot_w - 165}" '
                 f'y2="{legend_y}" stroke="#1f5fa8" stroke-width="2"/>'
                 f'<text x="{left + plot_w - 160}" y="{legend_y + 4}">'
                 f"{escape(curve_label)}</text>")
    if marker is not None:
        mx, my = xy(marker.x, marker.y)
        parts.append(f'<circle cx="{mx}" cy="{my}" r="6" fill="#c0392b"><title>'
                     f"{escape(marker.label)}</title></circle>"
                     f'<circle cx="{left + plot_w - 178}" cy="{legend_y + 18}" r="5" '
                     f'fill="#c0392b"/><text x="{left + plot_w - 160}" y="{legend_y + 22}">'
                     f"{escape(marker.label)}</text>")
    parts.append("</svg>")
    return "".join(parts)
