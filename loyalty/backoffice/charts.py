"""Server-side SVG charts for the reports page: no JavaScript, no outside requests.

Each builder returns markup that is safe to put in a template as it is: every piece of text is
escaped here and every colour checked against a strict pattern, so a reward or tier name can
never break out of the SVG. To assistive technology a chart is one image (role="img"), named
by its <title> and described by its <desc>; the page follows every chart with a table of the
same numbers.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from loyalty.platform.colours import safe_colour

WIDTH = 720
_ID = re.compile(r"[a-z][a-z0-9-]*")


def _number(value: float) -> str:
    """A coordinate with at most one decimal, for compact markup."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_step(span: float, ticks: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that covers `span` in `ticks` steps."""
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(low: float, high: float, ticks: int = 4) -> tuple[float, float, list[float]]:
    """Axis bounds and tick values that include zero, `low` and `high`."""
    low, high = min(0.0, low), max(0.0, high)
    if low == high:
        return 0.0, 1.0, [0.0, 1.0]
    step = _nice_step(high - low, ticks)
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    values = []
    tick = bottom
    while tick <= top + step / 2:
        values.append(tick)
        tick += step
    return bottom, top, values


def _tick_label(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _open(chart_id: str, title: str, description: str, height: float, kind: str) -> list[str]:
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"Chart ids are lower-case words with dashes, not {chart_id!r}.")
    return [
        f'<svg class="chart chart--{kind}" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {_number(height)}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


@dataclass(frozen=True)
class Series:
    """One kind of bar in a grouped chart: its name, one value per group, and its colour."""

    name: str
    values: Sequence[int | float]
    colour: str


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    groups: Sequence[str],
    series: Sequence[Series],
    group_titles: Sequence[str] | None = None,
    height: int = 320,
) -> SafeString:
    """Vertical bars, one group per entry of `groups` (e.g. months), one bar per series.

    `groups` are the short axis labels (a newline starts a second line); `group_titles` the
    full names shown on hover.
    Negative values grow down from the zero line.
    """
    group_titles = group_titles or groups
    left, right, top, bottom = 64, 12, 40, 44
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    values = [value for one in series for value in one.values]
    low, high, ticks = _scale(min(values, default=0), max(values, default=0))

    def y(value: float) -> float:
        return top + plot_height * (high - value) / (high - low)

    parts = _open(chart_id, title, description, height, "columns")
    # Legend along the top.
    x = float(left)
    for one in series:
        parts.append(
            f'<rect x="{_number(x)}" y="8" width="12" height="12" '
            f'fill="{safe_colour(one.colour)}"></rect>'
            f'<text x="{_number(x + 17)}" y="18" class="chart__legend">{escape(one.name)}</text>'
        )
        x += 17 + 7.5 * len(one.name) + 24
    # Grid lines and their values.
    for tick in ticks:
        grid_class = "chart__grid chart__grid--zero" if tick == 0 else "chart__grid"
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{_number(y(tick))}" '
            f'y2="{_number(y(tick))}" class="{grid_class}"></line>'
            f'<text x="{left - 8}" y="{_number(y(tick) + 4)}" text-anchor="end" '
            f'class="chart__tick">{escape(_tick_label(tick))}</text>'
        )
    count = max(len(groups), 1)
    group_width = plot_width / count
    bar_width = group_width * 0.8 / max(len(series), 1)
    # With many groups, label every n-th so that the labels never overlap.
    label_every = max(1, math.ceil(count / 12))
    for index, (label, full_label) in enumerate(zip(groups, group_titles, strict=True)):
        group_left = left + index * group_width + group_width * 0.1
        for position, one in enumerate(series):
            value = one.values[index]
            if not value:
                continue
            bar_top = y(max(value, 0))
            bar_height = abs(y(value) - y(0))
            parts.append(
                f'<rect x="{_number(group_left + position * bar_width)}" '
                f'y="{_number(bar_top)}" width="{_number(max(bar_width - 1, 1))}" '
                f'height="{_number(bar_height)}" fill="{safe_colour(one.colour)}" '
                f'class="chart__bar">'
                f"<title>{escape(full_label)}: {escape(one.name)} {escape(_tick_label(value))}"
                f"</title></rect>"
            )
        if index % label_every == 0:
            center = _number(left + (index + 0.5) * group_width)
            lines = "".join(
                f'<tspan x="{center}" dy="{0 if number == 0 else 14}">{escape(line)}</tspan>'
                for number, line in enumerate(label.split("\n"))
            )
            parts.append(
                f'<text x="{center}" y="{height - bottom + 18}" text-anchor="middle" '
                f'class="chart__tick">{lines}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()  # nosec B308, B703


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart; `value_label` is written after the bar."""

    label: str
    value: int | float
    colour: str
    value_label: str


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def horizontal_bar_chart(
    *, chart_id: str, title: str, description: str, bars: Sequence[Bar]
) -> SafeString:
    """One horizontal bar per row, labelled on the left, its value written after it."""
    label_width, value_width, row_height, padding = 190, 170, 34, 8
    height = padding * 2 + row_height * max(len(bars), 1)
    longest = max((bar.value for bar in bars), default=0)
    scale = (WIDTH - label_width - value_width) / longest if longest > 0 else 0
    parts = _open(chart_id, title, description, height, "bars")
    for index, bar in enumerate(bars):
        row_top = padding + index * row_height
        middle = row_top + row_height / 2
        length = max(bar.value, 0) * scale
        parts.append(
            f'<text x="{label_width - 10}" y="{_number(middle + 4)}" text-anchor="end" '
            f'class="chart__label">{escape(_shorten(bar.label, 26))}</text>'
            f'<rect x="{label_width}" y="{_number(row_top + 6)}" width="{_number(length)}" '
            f'height="{row_height - 12}" fill="{safe_colour(bar.colour)}" class="chart__bar">'
            f"<title>{escape(bar.label)}: {escape(bar.value_label)}</title></rect>"
            f'<text x="{_number(label_width + length + 8)}" y="{_number(middle + 4)}" '
            f'class="chart__value">{escape(bar.value_label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()  # nosec B308, B703
