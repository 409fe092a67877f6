from tests.access import Route, only

CALL_TAKING = only("admin", "supervisor", "calltaker")
SUPERVISING = only("admin", "supervisor")
VIEW_CALL = only(
    "admin", "supervisor", "calltaker", "dispatcher", "officer", "other_officer", "viewer"
)

ROUTES = [
    # Pages
    Route("GET", "/112/", CALL_TAKING),
    Route("GET", "/112/kebijakan/", SUPERVISING),
    Route("POST", "/112/kebijakan/", SUPERVISING, body={}, content_type="multipart/form-data"),
    Route("GET", "/112/penelepon/", SUPERVISING),
    Route("GET", "/112/penelepon/daftar-blokir.csv", SUPERVISING),
    Route("GET", "/112/penelepon/999999/", SUPERVISING, note="404 for unknown id"),
    Route(
        "POST",
        "/112/penelepon/999999/buka-blokir/",
        SUPERVISING,
        body={"reason": "uji"},
        content_type="multipart/form-data",
        note="404 for unknown id",
    ),
    Route("GET", "/112/laporan/", SUPERVISING),
    Route("GET", "/112/laporan/unduh/?format=xlsx", SUPERVISING),
    # Telephony bridge: machine tokens only (scope "telephony"); people are refused.
    Route(
        "POST",
        "/api/v1/telephony/events",
        only(),
        body={"kind": "offered", "pbx_call_id": "uji-1", "number": "081234567890"},
    ),
    # Caller status and block list: supervisors, or a token with "calls:read".
    Route("GET", "/api/v1/calls/callers/081234567890", SUPERVISING),
    Route("GET", "/api/v1/calls/blocklist.csv", SUPERVISING),
    Route("GET", "/api/v1/calls/", VIEW_CALL),
    Route("GET", "/api/v1/calls/queue", CALL_TAKING),
    Route("GET", "/api/v1/calls/shift", CALL_TAKING),
    Route("GET", "/api/v1/calls/nearby?lat=-6.12&lon=106.15", CALL_TAKING),
    Route("POST", "/api/v1/calls/", CALL_TAKING, body={"number": "081234567890"}),
    Route("GET", "/api/v1/calls/999999", VIEW_CALL, note="404 for unknown id"),
    Route("POST", "/api/v1/calls/999999/classify", CALL_TAKING, body={"outcome": "iseng"}),
    Route("POST", "/api/v1/calls/999999/end", CALL_TAKING, note="404 for unknown id"),
    Route("POST", "/api/v1/calls/999999/incident", CALL_TAKING, body={"type_code": "kebakaran"}),
    Route("POST", "/api/v1/calls/999999/link", CALL_TAKING, body={"incident": "x"}),
]
