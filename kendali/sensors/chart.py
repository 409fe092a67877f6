"""Server-side SVG chart of a variable's history with alarm spans shaded on it.

No chart library and no script: the page stays readable on the wall screen and in a
printed report. Times are drawn in WIB (the configured time zone).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kendali.core.formatting import number_text
from kendali.sensors.selectors import LEVEL_COLORS, Point

W, H = 860, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 30


def render(
    *,
    points: list[Point],
    start: datetime,
    end: datetime,
    unit: str,
    spans: list[tuple[datetime, datetime, str, str]] = (),
    lines: list[tuple[float, str, str]] = (),
) -> SafeString:
    """``spans``: (from, to, level, label) shaded; ``lines``: (value, level, label) dashed."""
    t0, t1 = start.timestamp(), end.timestamp()
    values = [p.minimum for p in points] + [p.maximum for p in points]
    values += [v for v, _, _ in lines]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(at: datetime) -> float:
        return LEFT + (at.timestamp() - t0) / max(t1 - t0, 1) * pw

    def y(v: float) -> float:
        return TOP + (hi - v) / (hi - lo) * ph

    out = [
        f'<svg class="sensor-chart" viewBox="0 0 {W} {H}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(unit)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="#fafafa" stroke="#ccc"/>',
    ]
    for a, b, level, label in spans:
        xa, xb = max(x(a), LEFT), min(x(b), LEFT + pw)
        if xb <= xa:
            continue
        color = LEVEL_COLORS.get(level, "#c62828")
        out.append(
            f'<rect class="alarm-span" data-level="{escape(level)}" x="{xa:.1f}" y="{TOP}" '
            f'width="{xb - xa:.1f}" height="{ph}" fill="{color}" fill-opacity="0.16">'
            f"<title>{escape(label)}</title></rect>"
        )
    drawn: set[float] = set()
    for value, level, label in lines:
        if lo <= value <= hi and value not in drawn:
            drawn.add(value)
            color = LEVEL_COLORS.get(level, "#555")
            out.append(
                f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{color}" stroke-dasharray="5 4"/>'
                f'<text x="{LEFT + 4}" y="{y(value) - 3:.1f}" text-anchor="start" '
                f'font-size="11" fill="{color}">{escape(label)}</text>'
            )
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        out.append(
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">{number_text(v, 2)}</text>'
        )
    for i in range(6):
        at = datetime.fromtimestamp(t0 + (t1 - t0) * i / 5, tz=start.tzinfo)
        label = timezone.localtime(at).strftime("%d/%m %H:%M")
        out.append(
            f'<text x="{x(at):.1f}" y="{H - 10}" text-anchor="middle" font-size="11">{label}</text>'
        )
    if points:
        if any(p.minimum != p.maximum for p in points):
            upper = " ".join(f"{x(p.at):.1f},{y(p.maximum):.1f}" for p in points)
            lower = " ".join(f"{x(p.at):.1f},{y(p.minimum):.1f}" for p in reversed(points))
            out.append(f'<polygon points="{upper} {lower}" fill="#1565c0" fill-opacity="0.15"/>')
        line = " ".join(f"{x(p.at):.1f},{y(p.mean):.1f}" for p in points)
        out.append(
            f'<polyline class="series" points="{line}" fill="none" stroke="#1565c0" stroke-width="1.8"/>'
        )
    else:
        out.append(
            f'<text x="{LEFT + pw / 2}" y="{TOP + ph / 2}" text-anchor="middle" fill="#777">—</text>'
        )
    out.append(f'<text x="6" y="{TOP + 10}" font-size="11">{escape(unit)}</text></svg>')
    return mark_safe("".join(out))  # noqa: S308 - every text piece above is escaped
