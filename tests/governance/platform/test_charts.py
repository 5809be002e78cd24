"""Server-rendered charts carry a visible title, axes with their labels and a legend: they
are readable without script."""

import datetime as dt
import xml.etree.ElementTree as ET

from django.utils.formats import date_format

from governance.platform.charts import bar_chart_svg, daily_bars, step_line_svg

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def classes(svg: str) -> set[str]:
    return {el.get("class") for el in ET.fromstring(svg).iter() if el.get("class")}


def test_a_bar_chart_has_title_axes_labels_and_legend():
    today = dt.date(2026, 12, 1)
    bars = daily_bars({today: 7, today - dt.timedelta(days=1): 3}, days=7, today=today)
    svg = bar_chart_svg(bars, title="Calls per day", x_label="Day", y_label="Calls",
                        legend="Recognition calls")
    words = texts(svg)
    assert words[0] == "Calls per day"
    day = date_format(today, "SHORT_DATE_FORMAT")  # in the reader's locale
    assert {"Day", "Calls", "Recognition calls", day, "0", "10"} <= set(words)
    assert {"chart-title", "axis-label", "axis-line", "legend", "bar", "grid"} <= classes(svg)
    assert 'aria-label="Calls per day"' in svg


def test_a_bar_chart_escapes_its_words():
    svg = bar_chart_svg([], title="<script>", legend="a & b")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed


def test_a_step_line_marks_each_change_and_names_its_series():
    svg = step_line_svg([0.6, 0.5, 0.45], title="Threshold", x_labels=["before", "1/3", "1/6"],
                        y_label="Face distance", legend="Threshold", low=0.3, high=0.8)
    words = texts(svg)
    assert {"Threshold", "before", "1/3", "1/6", "Face distance", "0.30", "0.80"} <= set(words)
    assert len(list(ET.fromstring(svg).iter(f"{SVG}circle"))) == 3


def test_a_score_chart_runs_to_its_fixed_maximum_writes_values_and_dashes_the_unmeasured():
    from governance.platform.charts import Bar

    bars = [Bar("1.1", 80, "Purpose: 80"), Bar("1.2", None, "Notice: not assessed"),
            Bar("preliminary findings", 35.5, "long")]
    svg = bar_chart_svg(bars, title="Score by section", maximum=100, show_values=True,
                        width=300)
    words = texts(svg)
    assert {"0", "100", "80", "35.5", "–"} <= set(words)  # the axis tops at 100, not at 80
    assert len(ET.fromstring(svg).findall(f"{SVG}rect")) == 2  # no zero bar for "not assessed"
    assert "rotate(-30" in svg  # a category name wider than its bar is slanted, not overlapped
