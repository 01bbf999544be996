"""Charts drawn on the server as inline SVG: no script, readable at a glance, accessible.

Each chart is one `<svg role="img">` with a `<title>` and a `<desc>` (aria-labelledby both), every bar has its
value written beside or above it, axes carry words, and series differ by fill *and* outline (and a legend in
words), never by colour alone. The pages put a table with the same figures beside each chart.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.i18n import formats

INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#b1b4b6"
BAR = "#0b3b66"  # 11:1 against white
LIGHT = "#9ec3e6"  # with a BAR outline (the outline gives the 3:1 boundary)
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'

_ids = itertools.count(1)


def _chart_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _fmt(value: int) -> str:
    return formats.number(value)


def _text(x: float, y: float, body: str, *, size: int = 13, anchor: str = "start", weight: str = "400",
          fill: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}">{escape(body)}</text>')


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="100%" '
            f'class="chart" aria-labelledby="{chart_id}-t {chart_id}-d" {FONT}>',
            f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>']


def _fit(label: str, chars: int) -> str:
    """The label cut with an ellipsis where it would run off the chart (the table beside has it whole)."""
    return label if len(label) <= chars else label[:chars - 1].rstrip() + "…"


def _nice_max(value: int) -> int:
    """The top of the axis: the smallest 1, 2, 2.5 or 5 times a power of ten at or above the value."""
    if value <= 0:
        return 1
    power = 1
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return int(step * power)
    return value


def horizontal_bars(title: str, desc: str, rows: Sequence[tuple[str, int]], *, fmt: Callable[[int], str],
                    width: int = 720) -> Markup:
    """One bar per row, the label written above its bar and the value (`fmt(value)`, e.g. "4 ärenden") at the
    bar's end; long labels fit."""
    chart_id = _chart_id("hbar")
    row_height, top, left, right = 40, 8, 4, 110
    height = top + row_height * max(len(rows), 1) + 24
    top_value = _nice_max(max((v for _, v in rows), default=0))
    span = width - left - right
    out = _open(chart_id, width, height, title, desc)
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        out.append(_text(left, y + 14, _fit(label, int((width - left) / 7.6)), size=13, weight="600"))
        bar = max(span * value / top_value, 2 if value else 0)
        out.append(f'<rect x="{left}" y="{y + 20}" width="{bar:.1f}" height="15" fill="{BAR}"/>')
        out.append(_text(left + bar + 6, y + 32, fmt(value), size=13, weight="700"))
    baseline = top + row_height * max(len(rows), 1) + 4
    out.append(f'<line x1="{left}" y1="{baseline}" x2="{left + span}" y2="{baseline}" stroke="{GRID}"/>')
    out.append(_text(left, baseline + 16, "0", size=12, fill=MUTED))
    out.append(_text(left + span, baseline + 16, fmt(top_value), size=12, anchor="end", fill=MUTED))
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text went through escape() in _text/_open


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    solid: bool = True  # solid dark bars; otherwise light bars with a dark outline


def columns(title: str, desc: str, labels: Sequence[str], series: Sequence[Series], *, axis: str,
            fmt: Callable[[int], str] = _fmt, width: int = 960, height: int = 300,
            sublabels: Sequence[str] | None = None) -> Markup:
    """Columns per label (grouped when there are several series), each value written above its column, the
    labels under the groups, the axis named at the top left and a legend in words when series are several."""
    chart_id = _chart_id("col")
    legend = 24 if len(series) > 1 else 0
    top, bottom, left, right = 34 + legend, 44 if sublabels else 28, 8, 8
    plot_h = height - top - bottom
    plot_w = width - left - right
    top_value = _nice_max(max((v for s in series for v in s.values), default=0))
    out = _open(chart_id, width, height, title, desc)
    out.append(_text(left, 16, axis, size=13, weight="600", fill=MUTED))
    if legend:
        x = left
        for s in series:
            out.append(_swatch(x, 26, s.solid))
            out.append(_text(x + 20, 38, s.name, size=13))
            x += 40 + 8 * len(s.name)
    group_w = plot_w / max(len(labels), 1)
    gap = min(group_w * 0.2, 24)
    bar_w = (group_w - gap) / max(len(series), 1)
    baseline = top + plot_h
    for index, label in enumerate(labels):
        gx = left + index * group_w + gap / 2
        for number, s in enumerate(series):
            value = s.values[index]
            bar_h = plot_h * value / top_value
            bar_x = gx + number * bar_w
            fill, stroke = (BAR, BAR) if s.solid else (LIGHT, BAR)
            if value:
                out.append(f'<rect x="{bar_x + 1:.1f}" y="{baseline - bar_h:.1f}" width="{bar_w - 2:.1f}" '
                           f'height="{bar_h:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>')
            out.append(_text(bar_x + bar_w / 2, baseline - bar_h - 5, fmt(value), size=12 if len(series) > 1 else 13,
                             anchor="middle", weight="700"))
        centre = left + index * group_w + group_w / 2
        out.append(_text(centre, baseline + 18, label, size=13, anchor="middle"))
        if sublabels and sublabels[index]:
            out.append(_text(centre, baseline + 35, sublabels[index], size=12, anchor="middle", fill=MUTED))
    out.append(f'<line x1="{left}" y1="{baseline}" x2="{left + plot_w}" y2="{baseline}" stroke="{INK}"/>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text went through escape() in _text/_open


def _swatch(x: float, y: float, solid: bool) -> str:
    fill = BAR if solid else LIGHT
    return f'<rect x="{x}" y="{y}" width="14" height="14" fill="{fill}" stroke="{BAR}" stroke-width="1.5"/>'
