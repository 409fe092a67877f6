from datetime import date

from tests.access import EVERYONE, PUBLIC, Route, only

VIEWERS = EVERYONE - {"outsider"}
ENTERERS = only("admin", "officer", "other_officer")
APPROVERS = ENTERERS
MANAGERS = only("admin", "spbe")
THIS_MONTH = date.today().strftime("%Y-%m")

ROUTES = [
    # Staff pages.
    Route("GET", "/indikator/", VIEWERS),
    Route("GET", "/indikator/komponen/kesehatan/", VIEWERS),
    Route("POST", "/indikator/hitung-ulang/", MANAGERS, body={}),
    Route("GET", "/indikator/angka/", VIEWERS),
    Route("GET", "/indikator/angka/baru/", ENTERERS),
    Route("POST", "/indikator/angka/999999/setujui/", APPROVERS, body={}),
    Route("POST", "/indikator/angka/999999/tolak/", APPROVERS, body={"note": "x"}),
    Route("GET", "/indikator/target/", VIEWERS),
    Route("POST", "/indikator/target/", MANAGERS, body={}),
    # Public pages and the open-data catalogue (stable paths for the citizens' portal).
    Route("GET", "/indikator/publik/", PUBLIC),
    Route("GET", "/indikator/publik/kesehatan/", PUBLIC),
    Route("GET", "/opendata/", PUBLIC),
    Route("GET", "/opendata/catalog.jsonld", PUBLIC),
    Route("GET", "/opendata/catalog.ttl", PUBLIC),
    Route("GET", "/opendata/organisasi/diskominfo", PUBLIC),
    Route("GET", "/opendata/calls-daily_by_kecamatan/", PUBLIC),
    Route("GET", f"/opendata/calls-daily_by_kecamatan/{THIS_MONTH}.csv", PUBLIC),
    # CKAN Action API (read part), public like any CKAN portal.
    Route("GET", "/api/3/action/package_list", PUBLIC),
    Route("GET", "/api/action/package_list", PUBLIC, note="CKAN's unversioned path (ckanapi)"),
    # JSON API.
    Route("GET", "/api/v1/indicators/components", PUBLIC),
    Route("GET", "/api/v1/indicators/public", PUBLIC),
    Route("GET", "/api/v1/indicators", VIEWERS),
    Route("GET", "/api/v1/indicators/HLT-04", VIEWERS),
    Route("GET", "/api/v1/indicators/figures", VIEWERS),
    Route(
        "POST",
        "/api/v1/indicators/figures",
        ENTERERS,
        body={"indicator": "XXX-0", "year": 2025, "value": 1, "unit": "%", "evidence": "x"},
        note="unknown indicator: 404 after the permission check",
    ),
    Route("POST", "/api/v1/indicators/figures/999999/approve", APPROVERS, body={}),
    Route("POST", "/api/v1/indicators/figures/999999/reject", APPROVERS, body={"note": "x"}),
    Route("GET", "/api/v1/indicators/targets", VIEWERS),
    Route("PUT", "/api/v1/indicators/targets/HLT-04/2026", MANAGERS, body={"value": 100}),
]
