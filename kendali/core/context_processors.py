import logging

from django.urls import NoReverseMatch, reverse

from kendali import __version__
from kendali.core.maptiles import map_config
from kendali.core.registry import nav_items

logger = logging.getLogger(__name__)


def _linked_nav(user) -> list[dict]:
    """Visible nav items with their URLs; an item whose page is not mounted is left out
    (and logged) rather than breaking every page."""
    items = []
    for item in nav_items(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            logger.warning("nav item %s: no URL named %s", item.key, item.url_name)
            continue
        items.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon})
    return items


def shell(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    base_map = map_config()
    return {
        "kendali_version": __version__,
        "nav_items": _linked_nav(user) if authenticated else [],
        # Every map's base layer: the local archive's URL (/peta/ubin/…) or a tile server's;
        # empty: boundaries only. ``base_map`` adds its zoom range and bounds for Leaflet.
        "map_tiles": base_map["url"] if base_map else "",
        "map_tiles_attribution": base_map["attribution"] if base_map else "",
        "base_map": base_map,
        "current_path": request.path,
    }
