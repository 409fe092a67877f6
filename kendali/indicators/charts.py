"""Server-rendered SVG: an indicator's yearly trend against its targets, a sparkline for the
overview, and a choropleth of the city's kecamatan. No chart library and no script, so the
pages read the same on the wall, on a phone and printed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kendali.regions.models import Region

W, H = 520, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 30
GOOD, BAD, NEUTRAL, TARGET = "#1b7f3b", "#b3261e", "#1f4e8c", "#7a5a00"


def fmt(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    # Indonesian digits: dot for thousands, comma for decimals.
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _range(values: Sequence[float]) -> tuple[float, float]:
    """The value axis: from zero when every value is positive (bars start at zero), with
    some room above the highest value."""
    lo, hi = min(values), max(values)
    if lo >= 0:
        lo = 0.0
    if hi - lo < 1e-9:
        hi = lo + (abs(hi) or 1.0)
    pad = (hi - lo) * 0.12
    return (lo if lo == 0 else lo - pad), hi + pad


def trend(
    *,
    years: list[int],
    values: list[float | None],
    targets: list[float | None],
    unit: str,
    decimals: int = 1,
    higher_is_better: bool = True,
    label: str = "",
) -> SafeString:
    """Bars of the yearly values, the targets as a dashed line with markers."""
    known = [v for v in values if v is not None] + [t for t in targets if t is not None]
    ticks: list[tuple[float, str]] = []
    if known:
        lo, hi = _range(known)
        tick_decimals = decimals if (hi - lo) / 4 >= 10**-decimals else decimals + 2
        ticks = [(v, fmt(v, tick_decimals)) for v in (lo + (hi - lo) * i / 4 for i in range(5))]
    # Room for the longest tick label ("4.480.000"), so no figure is cut at the left edge.
    left = max(LEFT, 12 + 7 * max((len(text) for _v, text in ticks), default=0))
    pw, ph = W - left - RIGHT, H - TOP - BOTTOM
    out = [
        f'<svg class="indicator-trend" viewBox="0 0 {W} {H}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(label or unit)}">',
        f'<rect x="{left}" y="{TOP}" width="{pw}" height="{ph}" fill="#fafafa" stroke="#ccc"/>',
    ]
    if not known:
        out.append(
            f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" font-size="14" fill="#555">'
            f"{escape(_('Tidak ada data'))}</text></svg>"
        )
        return mark_safe("".join(out))
    slot = pw / max(len(years), 1)

    def y(v: float) -> float:
        return TOP + (hi - v) / (hi - lo) * ph

    for v, text in ticks:
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e3e3e3"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(text)}</text>"
        )
    base = y(max(lo, 0.0)) if lo <= 0 <= hi else y(lo)
    for i, (year, value, target) in enumerate(zip(years, values, targets, strict=True)):
        cx = left + slot * (i + 0.5)
        out.append(
            f'<text x="{cx:.1f}" y="{H - 10}" text-anchor="middle" font-size="12">{year}</text>'
        )
        if value is None:
            out.append(
                f'<text class="no-data" x="{cx:.1f}" y="{base - 6:.1f}" text-anchor="middle" '
                f'font-size="11" fill="#777">{escape(_("tanpa data"))}</text>'
            )
            continue
        color = NEUTRAL
        if target is not None:
            met = value >= target if higher_is_better else value <= target
            color = GOOD if met else BAD
        top = y(value)
        out.append(
            f'<rect class="bar" x="{cx - slot * 0.3:.1f}" y="{min(top, base):.1f}" '
            f'width="{slot * 0.6:.1f}" height="{abs(base - top):.1f}" fill="{color}">'
            f"<title>{year}: {escape(fmt(value, decimals))} {escape(unit)}</title></rect>"
            f'<text x="{cx:.1f}" y="{min(top, base) - 4:.1f}" text-anchor="middle" '
            f'font-size="11">{escape(fmt(value, decimals))}</text>'
        )
    marks = [(left + slot * (i + 0.5), y(t)) for i, t in enumerate(targets) if t is not None]
    if marks:
        path = " ".join(
            f"{'M' if k == 0 else 'L'}{x:.1f},{yy:.1f}" for k, (x, yy) in enumerate(marks)
        )
        out.append(
            f'<path class="target" d="{path}" fill="none" stroke="{TARGET}" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        for x, yy in marks:
            out.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4" fill="{TARGET}"/>')
    out.append("</svg>")
    return mark_safe("".join(out))


def sparkline(values: list[float | None], *, width: int = 120, height: int = 28) -> SafeString:
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 1:
        return mark_safe("")
    lo, hi = min(v for _i, v in known), max(v for _i, v in known)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    n = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 2 + i / n * (width - 4), 2 + (hi - v) / (hi - lo) * (height - 4)

    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in known))
    lx, ly = xy(*known[-1])
    return mark_safe(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
        f'<polyline points="{pts}" fill="none" stroke="{NEUTRAL}" stroke-width="2"/>'
        f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.5" fill="{NEUTRAL}"/></svg>'
    )


@lru_cache(maxsize=1)
def _kecamatan_shapes() -> tuple[tuple[str, str, tuple], ...]:
    """(kode, nama, rings) of every kecamatan, from the bundled boundaries in regions."""
    shapes = []
    for kode, nama, geometry in Region.objects.filter(level="kecamatan").values_list(
        "kode", "nama", "geometry"
    ):
        polys = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polys = [polys]
        rings = tuple(tuple((float(x), float(y)) for x, y in poly[0]) for poly in polys)
        shapes.append((kode, nama, rings))
    return tuple(sorted(shapes))


def clear_cache() -> None:
    _kecamatan_shapes.cache_clear()


CLASSES_GOOD_HIGH = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")


def choropleth(
    *,
    values: dict[str, float],
    unit: str,
    decimals: int = 1,
    higher_is_better: bool = True,
    label: str = "",
    width: int = 420,
    height: int = 360,
) -> SafeString:
    """The kecamatan of the city shaded by value (darker green = better), with a legend."""
    shapes = _kecamatan_shapes()
    if not shapes or not values:
        return mark_safe("")
    xs = [x for _k, _n, rings in shapes for ring in rings for x, _y in ring]
    ys = [y for _k, _n, rings in shapes for ring in rings for _x, y in ring]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    map_h = height - 70
    scale = min((width - 20) / (x1 - x0), map_h / (y1 - y0))
    known = [v for v in values.values() if v is not None]
    lo, hi = min(known), max(known)

    def shade(v: float | None) -> str:
        if v is None:
            return "#dddddd"
        t = 0.5 if hi - lo < 1e-9 else (v - lo) / (hi - lo)
        if not higher_is_better:
            t = 1 - t
        return CLASSES_GOOD_HIGH[min(int(t * 5), 4)]

    out = [
        f'<svg class="indicator-map" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(label or unit)}">'
    ]
    for kode, nama, rings in shapes:
        value = values.get(kode)
        d = " ".join(
            "M"
            + " L".join(f"{10 + (x - x0) * scale:.1f},{10 + (y1 - y) * scale:.1f}" for x, y in ring)
            + " Z"
            for ring in rings
        )
        out.append(
            f'<path class="kecamatan" data-kode="{escape(kode)}" d="{d}" fill="{shade(value)}" '
            f'stroke="#333" stroke-width="1"><title>{escape(nama)}: '
            f"{escape(fmt(value, decimals))} {escape(unit)}</title></path>"
        )
    for _kode, nama, rings in shapes:
        ring = max(rings, key=len)
        cx = sum(x for x, _y in ring) / len(ring)
        cy = sum(y for _x, y in ring) / len(ring)
        # A white halo keeps the name legible on the darkest shade and across boundaries.
        out.append(
            f'<text x="{10 + (cx - x0) * scale:.1f}" y="{10 + (y1 - cy) * scale:.1f}" '
            f'text-anchor="middle" font-size="11" fill="#111" stroke="#fff" stroke-width="3" '
            f'stroke-linejoin="round" paint-order="stroke">{escape(nama)}</text>'
        )
    ly = map_h + 24
    out.append(
        f'<text x="10" y="{ly}" font-size="11">{escape(fmt(lo, decimals))}</text>'
        f'<text x="{width - 10}" y="{ly}" text-anchor="end" font-size="11">'
        f"{escape(fmt(hi, decimals))} {escape(unit)}</text>"
    )
    colors = CLASSES_GOOD_HIGH if higher_is_better else tuple(reversed(CLASSES_GOOD_HIGH))
    box = (width - 20) / 5
    for i, color in enumerate(colors):
        out.append(
            f'<rect x="{10 + i * box:.1f}" y="{ly + 6}" width="{box:.1f}" height="12" '
            f'fill="{color}" stroke="#999"/>'
        )
    out.append(
        f'<text x="10" y="{ly + 34}" font-size="11" fill="#333">'
        f"{escape(_('Hijau tua: lebih baik'))}</text>"
    )
    if any(values.get(kode) is None for kode, _n, _r in shapes):
        out.append(
            f'<rect x="{width / 2:.1f}" y="{ly + 25}" width="12" height="12" fill="#dddddd" '
            f'stroke="#999"/><text x="{width / 2 + 18:.1f}" y="{ly + 34}" font-size="11" '
            f'fill="#333">{escape(_("abu-abu: tanpa data"))}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))
