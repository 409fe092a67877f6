from tests.access import Route, only

VIEW = only("admin", "supervisor", "calltaker", "dispatcher", "officer", "other_officer", "viewer")
CONTACT = only("admin", "supervisor", "calltaker", "dispatcher", "officer", "other_officer")
WRITE = only("admin", "supervisor", "calltaker", "dispatcher")
MERGE = only("admin", "supervisor", "dispatcher")
UNKNOWN = "112-2026-999999"  # allowed users get 404: the routes' guards run before the lookup

ROUTES = [
    # pages
    Route("GET", "/kejadian/", VIEW),
    Route("GET", "/kejadian/?status=terbuka&priority=P1&q=pasar", VIEW),
    Route("GET", "/kejadian/baru/", WRITE),
    Route(
        "POST", "/kejadian/baru/", WRITE, body={}, content_type="application/x-www-form-urlencoded"
    ),
    Route("GET", f"/kejadian/{UNKNOWN}/", VIEW),
    Route("GET", f"/kejadian/{UNKNOWN}/kontak/", CONTACT),
    Route("GET", f"/kejadian/{UNKNOWN}/ubah/", WRITE),
    Route("POST", f"/kejadian/{UNKNOWN}/ubah/", WRITE, body={}),
    Route("POST", f"/kejadian/{UNKNOWN}/status/", WRITE, body={}),
    Route("POST", f"/kejadian/{UNKNOWN}/catatan/", VIEW, body={}),
    Route("POST", f"/kejadian/{UNKNOWN}/gabung/", MERGE, body={}),
]

API_ROUTES = [
    Route("GET", "/api/v1/incidents/", VIEW),
    Route("GET", "/api/v1/incidents/?status=terbuka&q=x&limit=5", VIEW),
    Route("POST", "/api/v1/incidents/", WRITE, body={"type_code": "lainnya"}),
    Route("GET", "/api/v1/incidents/types", VIEW),
    Route("GET", "/api/v1/incidents/nearby?lat=-6.12&lon=106.15", VIEW),
    Route("GET", f"/api/v1/incidents/{UNKNOWN}", VIEW),
    Route("PATCH", f"/api/v1/incidents/{UNKNOWN}", WRITE, body={"priority": "P2"}),
    Route("GET", f"/api/v1/incidents/{UNKNOWN}/timeline", VIEW),
    Route("POST", f"/api/v1/incidents/{UNKNOWN}/timeline", VIEW, body={"summary": "x"}),
    Route("POST", f"/api/v1/incidents/{UNKNOWN}/merge", MERGE, body={"target": "1"}),
]
ROUTES = ROUTES + API_ROUTES
