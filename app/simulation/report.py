"""A simulation's timeline for people: a table for the command line and a self-contained SVG plot (no plotting
dependency). Every text comes from the gettext catalogues through app.i18n."""

from __future__ import annotations

from datetime import date, timedelta
from xml.sax.saxutils import escape

from app.i18n import plural
from app.i18n import translate as text_of
from app.i18n.formats import sek
from app.simulation.timeline import KINDS, SimulationResult


def kind_title(kind: str, lang: str = "sv") -> str:
    return text_of(f"simulation.kind.{kind}", lang)


def format_sek(amount: int | None) -> str:
    if amount is None:
        return ""
    return sek(amount)


def timeline_rows(result: SimulationResult, lang: str = "sv") -> list[tuple[str, str, str, str, str]]:
    """(date, kind, title, amount, reference) per event."""
    return [(e.on.isoformat(), e.kind, kind_title(e.kind, lang), format_sek(e.amount_sek),
             " ".join(x for x in (e.ref, e.detail) if x)) for e in result.events]


def format_table(result: SimulationResult, lang: str = "sv") -> str:
    rows = [(d, title, amount, ref) for d, _, title, amount, ref in timeline_rows(result, lang)]
    head = tuple(text_of(f"simulation.col.{column}", lang) for column in ("date", "event", "amount", "reference"))
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(4)]
    lines = ["  ".join(str(c).ljust(w) if i != 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                                     strict=True)))
             for r in [head, tuple("-" * w for w in widths), *rows]]
    return "\n".join(line.rstrip() for line in lines)


# lane and colour of each kind in the plot
_LANES: tuple[str, ...] = ("agreement", "payments", "follow_ups", "renewal")
_STYLE: dict[str, tuple[str, str, str]] = {  # kind -> (lane, shape, colour)
    "decision": ("agreement", "diamond", "#0b3b66"),
    "period_start": ("agreement", "square", "#0b3b66"),
    "agreement_ended": ("agreement", "square", "#1b1b1b"),
    "payment_released": ("payments", "ring", "#00703c"),
    "payment_paid": ("payments", "dot", "#00703c"),
    "payment_held": ("payments", "triangle", "#b00020"),
    "follow_up_opened": ("follow_ups", "ring", "#1d5fa8"),
    "follow_up_submitted": ("follow_ups", "dot", "#7fa7d6"),
    "follow_up_returned": ("follow_ups", "triangle", "#b35900"),
    "follow_up_approved": ("follow_ups", "dot", "#1d5fa8"),
    "follow_up_reminder": ("follow_ups", "triangle", "#b35900"),
    "hold_escalated": ("payments", "diamond", "#b00020"),
    "renewal_dialogue_opened": ("renewal", "ring", "#6f2c91"),
    "renewal_declined": ("renewal", "square", "#6f2c91"),
    "renewal_decided": ("renewal", "dot", "#6f2c91"),
    "renewal_escalated": ("renewal", "triangle", "#b00020"),
    "renewal_lapsed": ("renewal", "square", "#b00020"),
}


def _shape(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "dot":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if shape == "ring":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}" '
                f'fill="{colour}"/>')
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}" '
                f'fill="{colour}"/>')
    return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'


def render_svg(result: SimulationResult, lang: str = "sv", width: int = 960) -> str:
    """A self-contained SVG timeline: one lane per kind of event, the agreement periods as bars."""
    first = min([result.decision_on, *(e.on for e in result.events)])
    last = max([*(p.end for p in result.periods), *(e.on for e in result.events), first + timedelta(days=1)])
    start = date(first.year, 1, 1)
    stop = date(last.year + 1, 1, 1)
    left, right, top, lane_h = 150, 20, 40, 46
    height = top + lane_h * len(_LANES) + 70
    span = max((stop - start).days, 1)

    def x(day: date) -> float:
        return left + (width - left - right) * (day - start).days / span

    title = text_of("simulation.plot_title", lang)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="sim-plot-title sim-plot-desc" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="sim-plot-title">{escape(title)}</title>',
        f'<desc id="sim-plot-desc">{escape(plural("simulation.plot_desc", len(result.events), lang))}'
        '</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    axis_y = top + lane_h * len(_LANES)
    for year in range(start.year, stop.year + 1):
        gx = x(date(year, 1, 1))
        parts.append(f'<line x1="{gx:.1f}" y1="{top - 10}" x2="{gx:.1f}" y2="{axis_y}" stroke="#d0d0d0"/>')
        if year < stop.year:
            mid = x(date(year, 7, 1))
            parts.append(f'<text x="{mid:.1f}" y="{axis_y + 18}" text-anchor="middle" fill="#333333">{year}</text>')
    for i, lane in enumerate(_LANES):
        cy = top + lane_h * i + lane_h / 2
        parts.append(f'<text x="{left - 10}" y="{cy + 4:.1f}" text-anchor="end" fill="#1b1b1b">'
                     f'{escape(text_of(f"simulation.lane.{lane}", lang))}</text>')
        parts.append(f'<line x1="{left}" y1="{cy:.1f}" x2="{width - right}" y2="{cy:.1f}" stroke="#eeeeee"/>')
    agreement_y = top + lane_h / 2
    for p in result.periods:
        x1, x2 = x(p.start), x(p.end + timedelta(days=1))
        parts.append(f'<rect x="{x1:.1f}" y="{agreement_y - 12:.1f}" width="{max(x2 - x1, 1):.1f}" height="24" '
                     f'fill="#dbe7f3" stroke="#0b3b66"><title>v{p.version}: {p.start.isoformat()} – '
                     f'{p.end.isoformat()}</title></rect>')
        parts.append(f'<text x="{x1 + 4:.1f}" y="{agreement_y + 22:.1f}" fill="#0b3b66" font-size="10">'
                     f'v{p.version} {p.start.isoformat()} – {p.end.isoformat()}</text>')
        renewal_y = top + lane_h * 3 + lane_h / 2
        d1, d2 = x(p.renewal_dialogue_opens), x(p.renewal_decision_deadline)
        window = escape(text_of("simulation.renewal_window", lang))
        parts.append(f'<line x1="{d1:.1f}" y1="{renewal_y:.1f}" x2="{d2:.1f}" y2="{renewal_y:.1f}" '
                     f'stroke="#c9b3d9" stroke-width="6"><title>{window}: {p.renewal_dialogue_opens.isoformat()} – '
                     f'{p.renewal_decision_deadline.isoformat()}</title></line>')
    for event in result.events:
        lane, shape, colour = _STYLE.get(event.kind, ("agreement", "dot", "#333333"))
        cy = top + lane_h * _LANES.index(lane) + lane_h / 2
        label = f"{event.on.isoformat()} {kind_title(event.kind, lang)}"
        if event.amount_sek is not None:
            label += f" {format_sek(event.amount_sek)}"
        if event.ref:
            label += f" ({event.ref})"
        parts.append(f'<g class="ev ev-{event.kind}"><title>{escape(label)}</title>'
                     f'{_shape(shape, x(event.on), cy, colour)}</g>')
    legend_y = axis_y + 40
    lx = float(left)
    for kind in KINDS:
        if not any(e.kind == kind for e in result.events):
            continue
        lane, shape, colour = _STYLE.get(kind, ("agreement", "dot", "#333333"))
        text = kind_title(kind, lang)
        if lx + 20 + 6.5 * len(text) > width - right:
            lx = float(left)
            legend_y += 18
        parts.append(_shape(shape, lx + 6, legend_y - 4, colour))
        parts.append(f'<text x="{lx + 16:.1f}" y="{legend_y:.1f}" fill="#1b1b1b">{escape(text)}</text>')
        lx += 30 + 6.5 * len(text)
    height = int(legend_y + 16)
    parts[0] = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="sim-plot-title sim-plot-desc" '
                f'font-family="sans-serif" font-size="12">')
    parts[3] = f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
    parts.append("</svg>")
    return "\n".join(parts)
