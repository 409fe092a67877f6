from django.conf import settings

from kendali import __version__
from kendali.core.registry import nav_items


def shell(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "kendali_version": __version__,
        "nav_items": nav_items(user) if authenticated else [],
        "map_tiles": settings.MAP_TILES,
        "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "current_path": request.path,
    }
