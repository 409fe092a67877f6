from tests.access import EVERYONE, PUBLIC, Route, only

ROUTES = [
    Route("GET", "/", EVERYONE),
    Route("GET", "/masuk/", PUBLIC),
    Route("POST", "/keluar/", PUBLIC, body={}),
    Route("GET", "/dua-langkah/daftar/", EVERYONE),
    Route("GET", "/dua-langkah/", EVERYONE),
    Route("GET", "/audit/", only("admin", "supervisor")),
    Route("GET", "/token/", only("admin", "operator")),
    Route(
        "POST",
        "/token/999999/cabut/",
        only("admin", "operator"),
        body={},
        note="404/403 for unknown id",
    ),
    Route("GET", "/api/v1/health", PUBLIC),
    Route("GET", "/api/v1/me", EVERYONE - {"outsider"} | {"outsider"}),
    Route("GET", "/api/v1/agencies", EVERYONE - {"outsider"}),
    Route("GET", "/api/v1/audit", only("admin", "supervisor")),
    Route("GET", "/api/v1/tokens", only("admin", "operator")),
    Route(
        "POST",
        "/api/v1/tokens",
        only("admin", "operator"),
        body={"name": "uji", "scopes": ["integration"]},
    ),
    Route("POST", "/api/v1/tokens/999999/revoke", only("admin", "operator"), body={}),
    Route("GET", "/api/v1/events/stream", EVERYONE, refusals_only=True),
]

ROUTES += [
    Route("GET", "/instansi/", EVERYONE - {"outsider"}),
    Route(
        "POST",
        "/instansi/",
        only("admin"),
        body={},
        content_type="application/x-www-form-urlencoded",
    ),
    Route(
        "POST",
        "/instansi/tidak-ada/kanal/",
        only("admin"),
        body={},
        content_type="application/x-www-form-urlencoded",
    ),
    Route("GET", "/pengguna/", only("admin")),
    Route(
        "POST",
        "/pengguna/999999/aksi/",
        only("admin"),
        body={},
        content_type="application/x-www-form-urlencoded",
    ),
]

ROUTES += [
    Route("GET", "/kata-sandi/", EVERYONE),
    Route(
        "POST", "/kata-sandi/", EVERYONE, body={}, content_type="application/x-www-form-urlencoded"
    ),
]
