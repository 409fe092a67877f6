from tests.access import Route, only

ASSIGN = only("supervisor", "dispatcher")
VIEW = only("admin", "supervisor", "dispatcher", "officer", "other_officer", "viewer")
OFFICERS = only("officer", "other_officer")
OPERATE = only("supervisor", "dispatcher", "officer", "other_officer")
REPORT = only("supervisor", "officer", "other_officer")
UNIT_ADMIN = only("admin", "supervisor")
RUNCARD_VIEW = only("admin", "supervisor", "dispatcher", "viewer")
SHIFT_VIEW = only("admin", "supervisor", "dispatcher")
REPORTS = only("admin", "supervisor", "dispatcher", "viewer")
PHOTOS = only("admin", "supervisor", "dispatcher", "officer", "other_officer")
FORM = "application/x-www-form-urlencoded"
X = 999999  # unknown ids: allowed users get 404, the guards run first

ROUTES = [
    Route("GET", "/dispatch/", ASSIGN),
    Route("GET", "/dispatch/papan/", ASSIGN),
    Route("GET", f"/dispatch/kejadian/{X}/", VIEW),
    Route("POST", f"/dispatch/kejadian/{X}/tugaskan/", ASSIGN, body={}, content_type=FORM),
    Route("POST", f"/dispatch/kejadian/{X}/tutup/", ASSIGN, body={}, content_type=FORM),
    Route("POST", f"/dispatch/kejadian/{X}/rujuk/", ASSIGN, body={}, content_type=FORM),
    Route("POST", f"/dispatch/kejadian/{X}/laporan/", REPORT, body={}, content_type=FORM),
    Route("POST", f"/dispatch/penugasan/{X}/lepas/", ASSIGN, body={}, content_type=FORM),
    Route("GET", "/dispatch/kotak-masuk/", OFFICERS),
    Route("POST", f"/dispatch/kotak-masuk/{X}/terima/", OFFICERS, body={}, content_type=FORM),
    Route("POST", f"/dispatch/rujukan/{X}/selesai/", OFFICERS, body={}, content_type=FORM),
    Route("GET", "/dispatch/kru/", OPERATE),
    Route("POST", f"/dispatch/kru/{X}/status/", OPERATE, body={}, content_type=FORM),
    Route("GET", "/dispatch/unit/", VIEW),
    Route("POST", "/dispatch/unit/baru/", UNIT_ADMIN, body={}, content_type=FORM),
    Route("GET", f"/dispatch/unit/{X}/ubah/", UNIT_ADMIN),
    Route("POST", f"/dispatch/unit/{X}/ubah/", UNIT_ADMIN, body={}, content_type=FORM),
    Route("GET", "/dispatch/kartu/", RUNCARD_VIEW),
    Route("POST", "/dispatch/kartu/", only("supervisor"), body={}, content_type=FORM),
    Route("POST", "/dispatch/kartu/sla/", only("supervisor"), body={}, content_type=FORM),
    Route("GET", "/dispatch/serah-terima/", SHIFT_VIEW),
    Route("POST", "/dispatch/serah-terima/", only("supervisor"), body={}, content_type=FORM),
    Route(
        "POST",
        f"/dispatch/serah-terima/{X}/terima/",
        only("supervisor"),
        body={},
        content_type=FORM,
    ),
    Route("GET", "/dispatch/laporan/", REPORTS),
    Route("GET", "/dispatch/laporan/unduh.csv", REPORTS),
    Route("GET", f"/dispatch/laporan/foto/{X}/", PHOTOS),
    # API
    Route("GET", "/api/v1/dispatch/units", VIEW),
    Route("POST", "/api/v1/dispatch/units", UNIT_ADMIN, body={}),
    Route("GET", f"/api/v1/dispatch/units/{X}", VIEW),
    Route("PATCH", f"/api/v1/dispatch/units/{X}", UNIT_ADMIN, body={"station": "x"}),
    Route("DELETE", f"/api/v1/dispatch/units/{X}", UNIT_ADMIN, body={}),
    Route("POST", f"/api/v1/dispatch/units/{X}/status", OPERATE, body={"status": "menuju"}),
    Route("POST", f"/api/v1/dispatch/units/{X}/positions", OPERATE, body={"positions": []}),
    Route("GET", f"/api/v1/dispatch/incidents/{X}/recommendations", ASSIGN),
    Route("GET", f"/api/v1/dispatch/incidents/{X}/timers", VIEW),
    Route("POST", "/api/v1/dispatch/assignments", ASSIGN, body={"incident_id": X, "unit_id": X}),
    Route("GET", "/api/v1/dispatch/assignments", VIEW),
    Route("POST", f"/api/v1/dispatch/assignments/{X}/acknowledge", OPERATE, body={}),
    Route("POST", f"/api/v1/dispatch/assignments/{X}/release", ASSIGN, body={"reason": "x"}),
    Route("GET", "/api/v1/dispatch/board", ASSIGN),
]
