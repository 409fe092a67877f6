from tests.access import EVERYONE, PUBLIC, Route, only

VIEWERS = only("admin", "supervisor", "operator", "viewer")
DRAFTERS = only("admin", "supervisor", "operator")
APPROVERS = only("admin", "supervisor")

DRAFT_BODY = {
    "event": "Banjir",
    "headline": "Uji akses",
    "description": "Uji",
    "categories": ["Met"],
    "urgency": "Expected",
    "severity": "Minor",
    "certainty": "Likely",
    "expires": "2099-01-01T00:00:00+07:00",
    "kelurahan": ["36.73.02.1001"],
}

ROUTES = [
    # Public: the warnings themselves and the standard CAP paths.
    Route("GET", "/peringatan/", PUBLIC),
    Route("GET", "/peringatan/publik/tidak-ada-123/", PUBLIC, note="404 for unknown"),
    Route("GET", "/alerts/cap.xml", PUBLIC),
    Route("GET", "/alerts/tidak-ada-123.xml", PUBLIC, note="404 for unknown"),
    Route("GET", "/api/v1/alerts/active", PUBLIC),
    # Operators' desk.
    Route("GET", "/peringatan/kelola/", VIEWERS),
    Route("GET", "/peringatan/baru/", DRAFTERS),
    Route("GET", "/peringatan/kelola/999999/", VIEWERS, note="404 for unknown id"),
    Route("GET", "/peringatan/kelola/999999/ubah/", DRAFTERS),
    Route("POST", "/peringatan/kelola/999999/ajukan/", DRAFTERS, body={}),
    Route("POST", "/peringatan/kelola/999999/setujui/", APPROVERS, body={}),
    Route("POST", "/peringatan/kelola/999999/kembalikan/", APPROVERS, body={}),
    Route("GET", "/peringatan/kelola/999999/perbarui/", DRAFTERS),
    Route("POST", "/peringatan/kelola/999999/batalkan/", DRAFTERS, body={}),
    # API.
    Route("GET", "/api/v1/alerts", VIEWERS),
    Route("POST", "/api/v1/alerts", DRAFTERS, body=DRAFT_BODY),
    Route("GET", "/api/v1/alerts/999999", VIEWERS),
    Route("PUT", "/api/v1/alerts/999999", DRAFTERS, body=DRAFT_BODY),
    Route("POST", "/api/v1/alerts/999999/submit", DRAFTERS, body={}),
    Route("POST", "/api/v1/alerts/999999/approve", APPROVERS, body={}),
    Route("POST", "/api/v1/alerts/999999/reject", APPROVERS, body={"reason": "x"}),
    Route("POST", "/api/v1/alerts/999999/update", DRAFTERS, body=DRAFT_BODY),
    Route("POST", "/api/v1/alerts/999999/cancel", DRAFTERS, body={"reason": "x"}),
]

assert EVERYONE  # the named users every route is walked with
