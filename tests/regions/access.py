from tests.access import EVERYONE, PUBLIC, Route

ROUTES = [
    Route("GET", "/peta/", EVERYONE),
    Route("GET", "/api/v1/regions/?level=kecamatan", PUBLIC),
    Route("GET", "/api/v1/regions/locate?lat=-6.12&lon=106.15", PUBLIC),
]
