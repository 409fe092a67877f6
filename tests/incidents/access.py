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
    Route("POST", f"/kejadian/{UNKNOWN}/status/", WRITE, body={}),
    Route("POST", f"/kejadian/{UNKNOWN}/catatan/", VIEW, body={}),
    Route("POST", f"/kejadian/{UNKNOWN}/gabung/", MERGE, body={}),
]
