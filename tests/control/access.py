from tests.access import Route, only

VIEWERS = only("admin", "supervisor", "dispatcher", "viewer", "operator")
POSTERS = only("admin", "supervisor", "dispatcher")
DISPLAY_MANAGERS = only("admin", "supervisor")

ROUTES = [
    Route("GET", "/ruang-kendali/", VIEWERS),
    Route("GET", "/ruang-kendali/dinding/", VIEWERS),
    Route("GET", "/ruang-kendali/riwayat/", VIEWERS),
    Route("GET", "/api/v1/control/layers", VIEWERS),
    Route("GET", "/api/v1/control/layers/tidak-ada", VIEWERS, note="404 for an unknown layer"),
    Route("GET", "/api/v1/control/tiles", VIEWERS),
    Route("GET", "/api/v1/control/tiles/jobs", VIEWERS),
    Route("GET", "/api/v1/control/history", VIEWERS),
    Route("GET", "/api/v1/control/messages", VIEWERS),
    Route("GET", "/api/v1/control/recent", VIEWERS),
    Route("POST", "/api/v1/control/messages", POSTERS, body={"text": "Uji akses dinding"}),
    Route("GET", "/api/v1/control/displays", VIEWERS),
    Route(
        "POST",
        "/api/v1/control/displays",
        DISPLAY_MANAGERS,
        body={"code": "uji-akses", "name": "Layar uji akses"},
    ),
    Route(
        "POST",
        "/api/v1/control/displays/tidak-ada/seen",
        VIEWERS,
        note="404 for an unregistered screen",
    ),
]
