import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from kendali import __version__
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
    return {
        "kendali_version": __version__,
        "nav_items": _linked_nav(user) if authenticated else [],
        "map_tiles": settings.MAP_TILES,
        "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "current_path": request.path,
    }
