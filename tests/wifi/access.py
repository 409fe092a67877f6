from tests.access import PUBLIC, Route, only

OPS = only("admin", "operator")
VIEW = only("admin", "operator", "supervisor", "viewer")

ROUTES = [
    Route("GET", "/wifi/", VIEW),
    Route("POST", "/wifi/", OPS, body={}, content_type="application/x-www-form-urlencoded"),
    Route("GET", "/wifi/taman/999999/", VIEW, note="404 for an unknown park, 403 for others"),
    Route("GET", "/wifi/ap/999999/", OPS, note="404 for an unknown access point"),
    Route(
        "POST", "/wifi/ap/999999/", OPS, body={}, content_type="application/x-www-form-urlencoded"
    ),
    Route("GET", "/wifi/taman/999999/ubah/", OPS, note="404 for an unknown park"),
    Route(
        "POST",
        "/wifi/taman/999999/ubah/",
        OPS,
        body={},
        content_type="application/x-www-form-urlencoded",
    ),
    Route("GET", "/wifi/pengumuman/", OPS),
    Route(
        "POST", "/wifi/pengumuman/", OPS, body={}, content_type="application/x-www-form-urlencoded"
    ),
    Route("GET", "/wifi/grup/", OPS),
    Route("POST", "/wifi/grup/", OPS, body={}, content_type="application/x-www-form-urlencoded"),
    Route("GET", "/wifi/voucher/", OPS),
    Route("POST", "/wifi/voucher/", OPS, body={}, content_type="application/x-www-form-urlencoded"),
    Route("GET", "/wifi/voucher/999999/cetak/", OPS, note="404 for an unknown batch"),
    Route("GET", "/wifi/penggunaan/", OPS),
    Route("GET", "/wifi/penggunaan.csv", OPS),
    # The captive portal is public by design (phones before they are online).
    Route("GET", "/wifi/portal/", PUBLIC),
    Route(
        "POST",
        "/wifi/portal/kode/",
        PUBLIC,
        body={},
        content_type="application/x-www-form-urlencoded",
    ),
    Route(
        "POST",
        "/wifi/portal/verifikasi/",
        PUBLIC,
        body={},
        content_type="application/x-www-form-urlencoded",
    ),
    Route(
        "POST",
        "/wifi/portal/voucher/",
        PUBLIC,
        body={},
        content_type="application/x-www-form-urlencoded",
    ),
    Route("GET", "/wifi/portal/status/", PUBLIC),
    Route("GET", "/wifi/portal/ketentuan/", PUBLIC),
    Route("GET", "/wifi/portal/api/", PUBLIC),
    # FreeRADIUS and access points: machine tokens (scope radius) only; people get 403.
    Route("POST", "/api/v1/wifi/radius/authorize", only(), body={}),
    Route("POST", "/api/v1/wifi/radius/post-auth", only(), body={}),
    Route("POST", "/api/v1/wifi/radius/accounting", only(), body={}),
    Route("POST", "/api/v1/wifi/heartbeat", only(), body={"mac": "00:00:00:00:00:00"}),
    Route("GET", "/api/v1/wifi/parks", VIEW),
]
