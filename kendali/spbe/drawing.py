"""Server-rendered SVG: a service's dependency picture and the peta rencana timeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.html import escape

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DOMAIN_COLORS = {
    "layanan": "#1f78b4",
    "aplikasi": "#33a02c",
    "data": "#ff7f00",
    "infrastruktur": "#6a3d9a",
    "keamanan": "#e31a1c",
    "proses_bisnis": "#b15928",
}
BOX_W, BOX_H, GAP_X, GAP_Y = 190, 46, 24, 70


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def dependency_svg(tree: dict, labels: Mapping[str, StrOrPromise], title: str = "") -> str:
    """The layers as boxes with arrows; each box links to its element. A group with a name,
    not an image: it holds links a keyboard and a screen reader reach."""
    layers = tree["layers"]
    width = max((len(layer) for layer in layers), default=1) * (BOX_W + GAP_X) + GAP_X
    height = len(layers) * (BOX_H + GAP_Y) + GAP_Y
    pos: dict[int, tuple[float, float]] = {}
    parts = []
    for d, layer in enumerate(layers):
        offset = (width - len(layer) * (BOX_W + GAP_X) + GAP_X) / 2
        for n, e in enumerate(layer):
            pos[e.pk] = (offset + n * (BOX_W + GAP_X), GAP_Y / 2 + d * (BOX_H + GAP_Y))
    for source, target, kind in tree["links"]:
        if source not in pos or target not in pos:
            continue
        x1, y1 = pos[source][0] + BOX_W / 2, pos[source][1] + BOX_H
        x2, y2 = pos[target][0] + BOX_W / 2, pos[target][1]
        parts.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" class="edge" marker-end="url(#arrow)">'
            f"<title>{escape(labels.get(kind, kind))}</title></line>"
        )
    states = tree.get("states", {})
    for layer in layers:
        for e in layer:
            x, y = pos[e.pk]
            color = DOMAIN_COLORS.get(e.domain, "#555")
            state = states.get(e.asset_ref) if e.asset_ref else None
            dot = ""
            if state is not None:
                online = state.get("online")
                fill = "#2ca25f" if online else ("#de2d26" if online is False else "#999")
                dot = f'<circle cx="{x + BOX_W - 10:.0f}" cy="{y + 10:.0f}" r="5" fill="{fill}"><title>{escape(state.get("summary", ""))}</title></circle>'
            parts.append(
                f'<g class="node"><a href="/spbe/arsitektur/{e.pk}/" '
                f'aria-label="{escape(e.code)} {escape(e.name)}">'
                f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fff" stroke="{color}" stroke-width="2"/>'
                f'<rect x="{x:.0f}" y="{y:.0f}" width="6" height="{BOX_H}" fill="{color}"/>'
                f'<text x="{x + 12:.0f}" y="{y + 18:.0f}" class="code">{escape(_clip(e.code, 28))}</text>'
                f'<text x="{x + 12:.0f}" y="{y + 35:.0f}" class="name">{escape(_clip(e.name, 30))}</text>'
                f"<title>{escape(e.name)}</title></a>{dot}</g>"
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" class="spbe-deps" role="group" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>'
        "<style>.edge{stroke:#555;stroke-width:1.4}.code{font:600 11px sans-serif;fill:#0b2239}"
        ".name{font:11px sans-serif;fill:#333}</style>" + "".join(parts) + "</svg>"
    )


def timeline_svg(items: list, start_year: int, end_year: int, status_colors: dict[str, str]) -> str:
    years = list(range(start_year, end_year + 1))
    label_w, col_w, row_h, top = 300, 110, 26, 34
    width = label_w + col_w * len(years) + 10
    height = top + row_h * max(len(items), 1) + 10
    parts = []
    for n, year in enumerate(years):
        x = label_w + n * col_w
        parts.append(
            f'<rect x="{x}" y="0" width="{col_w}" height="{height}" fill="{"#f4f6f9" if n % 2 else "#fff"}"/>'
        )
        parts.append(
            f'<text x="{x + col_w / 2:.0f}" y="20" text-anchor="middle" class="yr">{year}</text>'
        )
    for r, item in enumerate(items):
        y = top + r * row_h
        s = max(item.start_year, start_year) - start_year
        e = min(item.end_year, end_year) - start_year
        x = label_w + s * col_w + 4
        w = (e - s + 1) * col_w - 8
        color = status_colors.get(item.status, "#1f78b4")
        parts.append(
            f'<text x="6" y="{y + 17}" class="lbl">{escape(_clip(item.code + " " + item.name, 46))}</text>'
        )
        parts.append(
            f'<rect x="{x}" y="{y + 4}" width="{w}" height="{row_h - 8}" rx="4" fill="{color}" opacity="0.25"/>'
            f'<rect x="{x}" y="{y + 4}" width="{w * item.progress / 100:.0f}" height="{row_h - 8}" rx="4" fill="{color}"/>'
            f'<text x="{x + 6}" y="{y + 17}" class="pct">{item.progress}%</text>'
            f"<title>{escape(item.name)} · {item.start_year}–{item.end_year} · {item.get_status_display()}</title>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'class="spbe-timeline" role="img"><style>.yr{font:600 12px sans-serif}.lbl{font:11px sans-serif;fill:#0b2239}'
        ".pct{font:600 10px sans-serif;fill:#fff}</style>" + "".join(parts) + "</svg>"
    )
