from tests.access import PUBLIC, Route, only

STAFF = only("admin", "supervisor", "officer", "other_officer", "viewer")
ACTORS = only("admin", "supervisor", "officer", "other_officer")
EDITOR = only("admin")
FORM = "application/x-www-form-urlencoded"

ROUTES = [
    # Public, no account (an unknown tracking number or photo answers 404).
    Route("GET", "/lapor/", PUBLIC),
    Route(
        "POST",
        "/lapor/otp/kirim/",
        PUBLIC,
        body={"telepon": "x"},
        content_type="application/x-www-form-urlencoded",
    ),
    Route(
        "POST",
        "/lapor/otp/periksa/",
        PUBLIC,
        body={"kode": "1"},
        content_type="application/x-www-form-urlencoded",
    ),
    Route("GET", "/lapor/mirip/?kategori=x&lat=-6.12&lon=106.15", PUBLIC),
    Route("GET", "/lapor/lacak/", PUBLIC),
    Route("GET", "/lapor/peta/", PUBLIC),
    Route("GET", "/lapor/peta/data.json", PUBLIC),
    Route("GET", "/lapor/kinerja/", PUBLIC),
    Route("GET", "/lapor/foto/999999/", PUBLIC, note="404 for unknown"),
    Route("GET", "/lapor/LW-2000-000000/", PUBLIC, note="404 for unknown"),
    Route("GET", "/lapor/LW-2000-000000/terkirim/", PUBLIC, note="404 for unknown"),
    Route("POST", "/lapor/LW-2000-000000/buka-kembali/", PUBLIC, body={}, note="404 for unknown"),
    # OPD inbox.
    Route("GET", "/lapor/kotak/", STAFF),
    Route("GET", "/lapor/kotak/999999/", STAFF, note="404 for unknown"),
    Route(
        "GET",
        "/lapor/kotak/999999/kontak/",
        only("admin", "supervisor", "officer", "other_officer", "viewer"),
        note="404 before the permission for unknown",
    ),
    Route("POST", "/lapor/kotak/999999/aksi/", STAFF, body={}, note="404 for unknown"),
    # Category and routing editor (reports.change_category: administrators).
    Route("GET", "/lapor/kategori/", EDITOR),
    Route("GET", "/lapor/kategori/baru/", EDITOR),
    Route("POST", "/lapor/kategori/baru/", EDITOR, body={}, content_type=FORM),
    Route("GET", "/lapor/kategori/999999/", EDITOR, note="404 for unknown"),
    Route("POST", "/lapor/kategori/999999/", EDITOR, body={}, content_type=FORM),
    Route("POST", "/lapor/kategori/999999/rute/", EDITOR, body={}, content_type=FORM),
    Route("POST", "/lapor/kategori/999999/rute/1/hapus/", EDITOR, body={}, content_type=FORM),
    # Open311 GeoReport v2: public reads; POST needs a client key (tested in test_open311).
    Route("GET", "/open311/v2/discovery.json", PUBLIC),
    Route("GET", "/open311/v2/services.xml", PUBLIC),
    Route("GET", "/open311/v2/services/tidak-ada.json", PUBLIC, note="404 error array"),
    Route("GET", "/open311/v2/requests.json", PUBLIC),
    Route("GET", "/open311/v2/requests/LW-2000-000000.json", PUBLIC, note="404 error array"),
    Route("GET", "/open311/v2/tokens/tidak-ada.json", PUBLIC, note="404 error array"),
]

assert ACTORS
