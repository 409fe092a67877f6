from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kendali.core import maptiles

TILE_MAX_AGE = 7 * 24 * 3600  # a base map changes when the city loads a new archive


@login_required
def city_map(request):
    return render(request, "regions/map.html")


@require_safe
def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """One base-map tile from the local archive (``KENDALI_MAP_TILES_FILE``). Public like the
    map data itself (OpenStreetMap streets), so citizens' pages can use it too; cached by the
    browser for a week and revalidated by ETag when the archive is replaced."""
    archive = maptiles.archive()
    if archive is None:
        raise Http404("Peta dasar tidak dipasang.")
    etag = f'"{int(archive.mtime)}-{z}-{x}-{y}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        data = archive.get(z, x, y)
        if data is None:
            raise Http404("Ubin tidak ada di arsip peta.")
        response = HttpResponse(data, content_type=archive.content_type)
    response["Cache-Control"] = f"public, max-age={TILE_MAX_AGE}"
    response["ETag"] = etag
    return response
