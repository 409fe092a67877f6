"""What the citizens' home shows, read only through the core registry and public URLs:
the portal imports no module."""

from __future__ import annotations

import logging

from django.urls import Resolver404, resolve

from kendali.core.actors import Actor
from kendali.core.registry import get_layer, get_tile, run_selector

logger = logging.getLogger(__name__)


def page_exists(path: str) -> bool:
    """Whether a public page is mounted (linked pages of modules that may not be installed
    yet are left out rather than leading to a 404)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _layer(key: str, actor: Actor) -> list[dict]:
    layer = get_layer(key)
    if layer is None:
        return []
    try:
        return run_selector(layer.selector, actor=actor).get("features", [])
    except Exception:  # noqa: BLE001 - a failing module must not take the city's home page down
        logger.exception("portal: layer %s failed", key)
        return []


def active_warnings() -> list[dict]:
    """Public warnings in force (the alerts layer is public: no permission on it)."""
    seen: dict[str, dict] = {}
    for feature in _layer("alerts", Actor()):
        props = feature.get("properties", {})
        identifier = props.get("identifier") or props.get("label", "")
        if identifier and identifier not in seen:
            url = f"/peringatan/publik/{identifier}/"
            seen[identifier] = {
                "headline": props.get("label", ""),
                "summary": props.get("popup", ""),
                "severity": props.get("severity", ""),
                "url": url if page_exists(url) else "",
            }
    return list(seen.values())


def warnings_tile() -> dict | None:
    tile = get_tile("alerts_active")
    if tile is None:
        return None
    try:
        return run_selector(tile.selector, actor=Actor())
    except Exception:  # noqa: BLE001
        logger.exception("portal: tile failed")
        return None


def wifi_parks() -> list[dict]:
    """Parks with free Wi-Fi. Where the hotspots are is public information; the layer is
    read as the portal job (no person, no personal data in it)."""
    parks = []
    for feature in _layer("wifi_hotspots", Actor.system("portal")):
        props = feature.get("properties", {})
        coords = (feature.get("geometry") or {}).get("coordinates") or [None, None]
        parks.append(
            {
                "name": props.get("label", ""),
                "status": props.get("popup", ""),
                "lat": coords[1],
                "lon": coords[0],
            }
        )
    return sorted(parks, key=lambda p: p["name"])
