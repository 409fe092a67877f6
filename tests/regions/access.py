from tests.access import EVERYONE, PUBLIC, Route

ROUTES = [
    Route("GET", "/peta/", EVERYONE),
    # No archive configured in the walk: 404 for everyone (tests/regions/test_tiles.py).
    Route("GET", "/peta/ubin/12/3263/2115", PUBLIC),
    Route("GET", "/favicon.ico", PUBLIC),
    Route("GET", "/api/v1/regions/?level=kecamatan", PUBLIC),
    Route("GET", "/api/v1/regions/locate?lat=-6.12&lon=106.15", PUBLIC),
]
